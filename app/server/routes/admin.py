"""/_admin/faults and /_admin/clock: change the faults and shift the server's clock while
it runs (tests). Only with `admin=True`, and only for loopback clients."""

from __future__ import annotations

import ipaddress
from datetime import timedelta
from typing import Any

from fastapi import APIRouter, Depends, Request

from app.server.context import Ctx, ServerClock
from app.server.errors import ApiError
from app.server.faults import FaultConfig, FaultSpecError, parse_assignment
from app.server.store import iso


def is_loopback(host: str | None) -> bool:
    if host is None:
        return False
    if host == "localhost":
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped.is_loopback
    return address.is_loopback


def _loopback_only(request: Request) -> None:
    host = request.client.host if request.client else None
    if not is_loopback(host):
        raise ApiError(403, "forbidden", "the admin endpoints answer loopback clients only")


router = APIRouter(dependencies=[Depends(_loopback_only)], include_in_schema=False)


async def _json_object(request: Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except ValueError:
        raise ApiError(400, "invalid_request", "body must be a JSON object") from None
    if not isinstance(body, dict):
        raise ApiError(400, "invalid_request", "body must be a JSON object")
    return body


def _clock_state(clock: ServerClock) -> dict[str, Any]:
    return {"now": iso(clock.now()), "offset_s": clock.offset.total_seconds()}


def _set_faults(faults: FaultConfig, body: dict[str, Any]) -> None:
    """`{"faults": {"group": "spec" | null}, "reset": bool}`: all parsed before any is set."""
    wanted = body.get("faults", {})
    if not isinstance(wanted, dict) or not all(isinstance(v, str | None) for v in wanted.values()):
        raise ApiError(400, "invalid_request", 'faults must be {"group": "spec" | null}')
    try:
        parsed = [parse_assignment(f"{group}={spec or 'off'}") for group, spec in wanted.items()]
    except FaultSpecError as exc:
        raise ApiError(400, "invalid_request", str(exc)) from None
    if body.get("reset") is True:
        faults.clear()
    for groups, fault in parsed:
        for group in groups:
            faults.set(group, fault)


def _set_clock(clock: ServerClock, body: dict[str, Any]) -> None:
    try:
        if body.get("reset") is True:
            clock.offset = timedelta(0)
        if "offset_s" in body:
            clock.offset = timedelta(seconds=float(body["offset_s"]))
        if "advance_s" in body:
            clock.offset += timedelta(seconds=float(body["advance_s"]))
    except (TypeError, ValueError, OverflowError):
        raise ApiError(400, "invalid_request", "offset_s and advance_s are seconds") from None


@router.get("/_admin/faults")
async def get_faults(ctx: Ctx) -> dict[str, Any]:
    return {"faults": ctx.faults.describe()}


@router.post("/_admin/faults")
async def set_faults(request: Request, ctx: Ctx) -> dict[str, Any]:
    _set_faults(ctx.faults, await _json_object(request))
    return {"faults": ctx.faults.describe()}


@router.get("/_admin/clock")
async def get_clock(ctx: Ctx) -> dict[str, Any]:
    return _clock_state(ctx.clock)


@router.post("/_admin/clock")
async def set_clock(request: Request, ctx: Ctx) -> dict[str, Any]:
    _set_clock(ctx.clock, await _json_object(request))
    return _clock_state(ctx.clock)
