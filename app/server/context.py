"""What every route of one server shares: its store, clock, faults, sign-in limiter and
token settings, held on `app.state.context` and handed to routes as the `Ctx` dependency;
and `Auth`, the signed-in rider of a request."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import Depends, Request

from app.server.errors import ApiError
from app.server.faults import FaultConfig
from app.server.limiter import SignInLimiter
from app.server.store import ServerStore, TokenRecord, User


class ServerClock:
    """The server's notion of now: the given clock plus an offset the admin can shift."""

    def __init__(self, base: Callable[[], datetime] | None = None) -> None:
        self._base = base or (lambda: datetime.now(UTC))
        self.offset = timedelta(0)

    def now(self) -> datetime:
        when = self._base()
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        return when.astimezone(UTC) + self.offset


@dataclass(frozen=True, slots=True)
class ServerContext:
    store: ServerStore
    clock: ServerClock
    faults: FaultConfig  # shared: may change while the app runs
    limiter: SignInLimiter
    token_lifetime_s: float
    renew_after_s: float
    max_ride_bytes: int


def context_of(request: Request) -> ServerContext:
    context: ServerContext = request.app.state.context
    return context


async def _context(request: Request) -> ServerContext:
    return context_of(request)  # async: no thread-pool hop for a lookup


Ctx = Annotated[ServerContext, Depends(_context)]


# -- the signed-in rider -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Session:
    user: User
    token: TokenRecord


def bearer(request: Request) -> str:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ApiError(
            401, "missing_token", "Authorization: Bearer <token> is required",
            {"WWW-Authenticate": "Bearer"},
        )  # fmt: skip
    return token.strip()


def unauthorized(code: str, message: str) -> ApiError:
    return ApiError(401, code, message, {"WWW-Authenticate": f'Bearer error="{code}"'})


def authenticate(request: Request) -> Session:
    """The signed-in rider of a request: 401 unless its bearer token is known, not revoked
    and not expired."""
    context = context_of(request)
    record = context.store.token(bearer(request))
    if record is None:
        raise unauthorized("invalid_token", "unknown token: sign in again")
    if record.revoked:
        raise unauthorized("token_revoked", "this token was revoked: sign in again")
    if record.expires_at <= context.clock.now():
        raise unauthorized("token_expired", "this token has expired: sign in again")
    user = context.store.user_by_id(record.user_id)
    if user is None:
        raise unauthorized("invalid_token", "the account no longer exists")
    return Session(user, record)


Auth = Annotated[Session, Depends(authenticate)]
