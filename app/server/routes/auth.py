"""POST /api/v1/auth/token (sign in), POST /api/v1/auth/renew, DELETE /api/v1/auth/token."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict

from app.server.context import Auth, Ctx, ServerContext, bearer, unauthorized
from app.server.errors import ApiError
from app.server.passwords import dummy_hash, verify_password
from app.server.store import TokenRecord, User, iso, normalise_email

router = APIRouter()


class SignIn(BaseModel):
    model_config = ConfigDict(extra="ignore")

    email: str
    password: str
    device_name: str = "unknown device"


def token_response(token: str, record: TokenRecord, user: User) -> dict[str, Any]:
    return {
        "token": token,
        "token_type": "Bearer",
        "expires_at": iso(record.expires_at),
        "renew_after": iso(record.renew_after),
        "account": {"id": user.id, "email": user.email, "display_name": user.display_name},
    }


def _issue(ctx: ServerContext, user: User, device_name: str) -> dict[str, Any]:
    token, record = ctx.store.issue_token(
        user.id, device_name, now=ctx.clock.now(), lifetime_s=ctx.token_lifetime_s,
        renew_after_s=ctx.renew_after_s,
    )  # fmt: skip
    return token_response(token, record, user)


@router.post("/api/v1/auth/token")
def sign_in(body: SignIn, ctx: Ctx) -> dict[str, Any]:
    now = ctx.clock.now()
    key = normalise_email(body.email)
    wait_s = ctx.limiter.retry_after_s(key, now)
    if wait_s is not None:
        raise ApiError(
            429, "rate_limited", f"too many failed sign-ins; try again in {wait_s} s",
            {"Retry-After": str(wait_s)},
        )  # fmt: skip
    found = ctx.store.user_by_email(key)
    ok = verify_password(body.password, found[1] if found else dummy_hash())
    if found is None or not ok:
        ctx.limiter.failed(key, now)
        raise ApiError(401, "invalid_credentials", "wrong email or password")
    ctx.limiter.succeeded(key)
    return _issue(ctx, found[0], body.device_name)


@router.post("/api/v1/auth/renew")
def renew(session: Auth, ctx: Ctx) -> dict[str, Any]:
    return _issue(ctx, session.user, session.token.device_name)


@router.delete("/api/v1/auth/token", status_code=204)
def sign_out(request: Request, ctx: Ctx) -> Response:
    record = ctx.store.token(bearer(request))
    if record is None:
        raise unauthorized("invalid_token", "unknown token")
    ctx.store.revoke_token(record.token_sha256)  # also fine for an expired or revoked one
    return Response(status_code=204)
