"""GET /api/v2/summary.json (Statuspage v2, no auth) and GET|HEAD /healthz."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse

from app.server import status as status_page
from app.server.context import Ctx

router = APIRouter()


@router.get("/api/v2/summary.json")
def summary(request: Request, ctx: Ctx) -> dict[str, Any]:
    return status_page.summary(ctx.store, ctx.clock.now(), str(request.base_url))


@router.api_route("/healthz", methods=["GET", "HEAD"], response_class=PlainTextResponse)
def healthz() -> str:
    return "ok"
