"""The reference sync server: shared/design/SYNC_API.md over FastAPI and SQLite.

`create_app(db_path)` opens (or creates and seeds) server.db and returns the ASGI app.
The endpoints live in app/server/routes/, one router per resource; what they share is the
`ServerContext` on `app.state.context` (context.py). Sync endpoints run on Starlette's
thread pool (sqlite3 and scrypt block); the ride upload reads its body asynchronously with
a size cap; fault injection (faults.py) is an ASGI middleware, so injected hangs and
latency never block other requests.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from fastapi import FastAPI

from app.server.context import ServerClock, ServerContext
from app.server.errors import install_error_handlers
from app.server.faults import FaultConfig, FaultMiddleware
from app.server.limiter import SignInLimiter
from app.server.routes import admin as admin_routes
from app.server.routes import auth, calendar, library, profile, rides, status
from app.server.routes.rides import MAX_RIDE_BYTES
from app.server.seed import open_store

__all__ = [
    "DAY_S",
    "DEFAULT_RENEW_AFTER_S",
    "DEFAULT_TOKEN_LIFETIME_S",
    "MAX_RIDE_BYTES",
    "SIGN_IN_FAILURES_PER_MIN",
    "create_app",
]

DAY_S = 24 * 60 * 60
DEFAULT_TOKEN_LIFETIME_S = 30 * DAY_S
DEFAULT_RENEW_AFTER_S = 7 * DAY_S
SIGN_IN_FAILURES_PER_MIN = 10


def create_app(
    db_path: Path,
    *,
    faults: FaultConfig | None = None,
    clock: Callable[[], datetime] | None = None,
    token_lifetime_s: float = DEFAULT_TOKEN_LIFETIME_S,
    renew_after_s: float = DEFAULT_RENEW_AFTER_S,
    admin: bool = False,
    max_ride_bytes: int = MAX_RIDE_BYTES,
    sign_in_failures_per_min: int = SIGN_IN_FAILURES_PER_MIN,
    bundled_dir: Path | None = None,
) -> FastAPI:
    """The server over `db_path` (created and seeded on first start). `faults` is shared
    and may be changed while the app runs; `admin` enables /_admin/* for loopback clients."""
    server_clock = ServerClock(clock)
    context = ServerContext(
        store=open_store(Path(db_path), server_clock.now(), bundled_dir),
        clock=server_clock,
        faults=faults if faults is not None else FaultConfig(),
        limiter=SignInLimiter(sign_in_failures_per_min),
        token_lifetime_s=token_lifetime_s,
        renew_after_s=renew_after_s,
        max_ride_bytes=max_ride_bytes,
    )
    app = FastAPI(title="Freewheel reference sync server", version="1", redoc_url=None)
    app.state.context = context
    app.state.store = context.store
    app.state.clock = context.clock
    app.state.faults = context.faults
    app.add_middleware(FaultMiddleware, faults=context.faults)
    install_error_handlers(app)
    for routes in (auth, profile, library, calendar, rides, status):
        app.include_router(routes.router)
    if admin:
        app.include_router(admin_routes.router)
    return app
