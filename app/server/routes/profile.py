"""GET /api/v1/me: the rider's profile and entitlement."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from app.server.context import Auth, Ctx
from app.server.store import iso

router = APIRouter()


@router.get("/api/v1/me")
def me(session: Auth, ctx: Ctx) -> dict[str, Any]:
    user = session.user
    until = user.entitlement_valid_until
    return {
        "id": user.id,
        "email": user.email,
        "display_name": user.display_name,
        "ftp_w": user.ftp_w,
        "weight_kg": user.weight_kg,
        "entitlement": {
            "active": user.entitlement_active and (until is None or until > iso(ctx.clock.now())),
            "valid_until": until,
        },
    }
