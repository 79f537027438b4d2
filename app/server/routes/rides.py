"""PUT /api/v1/rides/{ride_id} (exactly once, by SHA-256) and GET /api/v1/rides.

The upload reads its body asynchronously with a size cap, then stores it on the thread
pool (sqlite3 blocks)."""

from __future__ import annotations

import hashlib
import re
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from app.core.fit.decoder import FitFormatError
from app.server.context import Auth, Ctx, ServerContext, Session
from app.server.errors import ApiError
from app.server.ride_facts import ride_facts
from app.server.store import RideRow

MAX_RIDE_BYTES = 50 * 1024 * 1024
RIDES_DEFAULT_LIMIT, RIDES_MAX_LIMIT = 100, 1000
RIDE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")
SHA256_HEX = re.compile(r"[0-9a-fA-F]{64}")

router = APIRouter()


def _answer(status: int, ride: RideRow) -> Response:
    headers = {"Location": f"/api/v1/rides/{ride.id}"} if status == 201 else None
    return JSONResponse(ride.as_json(), status_code=status, headers=headers)


def _conflict(ride_id: str) -> ApiError:
    return ApiError(409, "conflict", f"a different file is already stored as {ride_id}")


def store_ride(
    ctx: ServerContext, session: Session, ride_id: str, data: bytes, sha256: str
) -> Response:
    """201 stored, 200 the same file again, 409 another file under the id, 422 not FIT."""
    stored = ctx.store.find_ride(session.user.id, ride_id)
    if stored is not None:
        if stored.sha256 != sha256:
            raise _conflict(ride_id)
        return _answer(200, stored)
    try:
        started_at, duration_s = ride_facts(data)
    except FitFormatError as exc:
        raise ApiError(422, "invalid_fit", f"not a valid FIT activity file: {exc}") from None
    outcome, ride = ctx.store.put_ride(
        session.user.id, ride_id, data, sha256, started_at=started_at,
        duration_s=duration_s, now=ctx.clock.now(),
    )  # fmt: skip
    if outcome == "conflict":
        raise _conflict(ride_id)
    return _answer(201 if outcome == "created" else 200, ride)


def _declared_sha256(request: Request, max_bytes: int) -> str:
    """The Content-SHA256 header, once Content-Length (if any) is within the limit."""
    length = request.headers.get("content-length")
    if length is not None:
        if not length.strip().isdigit():
            raise ApiError(400, "invalid_request", "bad Content-Length")
        if int(length) > max_bytes:
            raise ApiError(413, "too_large", f"rides are limited to {max_bytes} bytes")
    declared = request.headers.get("content-sha256", "").strip()
    if not SHA256_HEX.fullmatch(declared):
        raise ApiError(
            400, "invalid_request", "Content-SHA256: <hex SHA-256 of the body> is required"
        )
    return declared


async def _read_body(request: Request, max_bytes: int) -> bytes:
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > max_bytes:
            raise ApiError(413, "too_large", f"rides are limited to {max_bytes} bytes")
    return bytes(body)


@router.put("/api/v1/rides/{ride_id}", status_code=201)
async def put_ride(ride_id: str, request: Request, session: Auth, ctx: Ctx) -> Response:
    if not RIDE_ID.fullmatch(ride_id):
        raise ApiError(400, "invalid_request", "ride id must be 1-128 of A-Z a-z 0-9 . _ -")
    declared = _declared_sha256(request, ctx.max_ride_bytes)
    data = await _read_body(request, ctx.max_ride_bytes)
    digest = hashlib.sha256(data).hexdigest()
    if digest != declared.lower():
        raise ApiError(
            400,
            "checksum_mismatch",
            f"body SHA-256 is {digest}, Content-SHA256 says {declared}",
        )
    return await run_in_threadpool(store_ride, ctx, session, ride_id, data, digest)


@router.get("/api/v1/rides")
def rides(session: Auth, ctx: Ctx, limit: int = RIDES_DEFAULT_LIMIT) -> dict[str, Any]:
    if limit < 1:
        raise ApiError(400, "invalid_request", "limit must be at least 1")
    found = ctx.store.rides(session.user.id, min(limit, RIDES_MAX_LIMIT))
    return {"rides": [r.as_json() for r in found]}
