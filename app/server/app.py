"""The reference sync server: shared/design/SYNC_API.md over FastAPI and SQLite.

`create_app(db_path)` opens (or creates and seeds) server.db and returns the ASGI app.
Sync endpoints run on Starlette's thread pool (sqlite3 and scrypt block); the ride upload
reads its body asynchronously with a size cap; fault injection (faults.py) is an ASGI
middleware, so injected hangs and latency never block other requests.
"""

from __future__ import annotations

import collections
import hashlib
import ipaddress
import logging
import math
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from pydantic import BaseModel, ConfigDict
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.core.fit.decoder import FitFormatError, decode
from app.core.fit.profile import from_fit_time
from app.server import status as status_page
from app.server.faults import FaultConfig, FaultMiddleware, FaultSpecError, parse_assignment
from app.server.passwords import dummy_hash, verify_password
from app.server.seed import ensure_calendar, open_store
from app.server.store import (
    RideRow,
    ServerStore,
    TokenRecord,
    User,
    decode_cursor,
    encode_cursor,
    iso,
    normalise_email,
)

log = logging.getLogger(__name__)

DAY_S = 24 * 60 * 60
DEFAULT_TOKEN_LIFETIME_S = 30 * DAY_S
DEFAULT_RENEW_AFTER_S = 7 * DAY_S
MAX_RIDE_BYTES = 50 * 1024 * 1024
SIGN_IN_FAILURES_PER_MIN = 10
LIBRARY_DEFAULT_LIMIT, LIBRARY_MAX_LIMIT = 200, 1000
RIDES_DEFAULT_LIMIT, RIDES_MAX_LIMIT = 100, 1000
CALENDAR_MAX_DAYS = 366
RIDE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")
SHA256_HEX = re.compile(r"[0-9a-fA-F]{64}")
FIT_FILE_TYPE_ACTIVITY = 4

_ERROR_CODES = {
    400: "invalid_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
    405: "method_not_allowed", 409: "conflict", 413: "too_large", 415: "unsupported_media_type",
    422: "invalid_request", 429: "rate_limited", 500: "internal_error",
    503: "service_unavailable",
}  # fmt: skip


class ApiError(Exception):
    """Answered as `{"error": code, "message": message}` with `status`."""

    def __init__(
        self, status: int, code: str, message: str, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}


def error_response(
    status: int, code: str, message: str, headers: dict[str, str] | None = None
) -> JSONResponse:
    return JSONResponse({"error": code, "message": message}, status_code=status, headers=headers)


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


class SignInLimiter:
    """At most `max_failures` failed sign-ins per email in any `window_s` seconds."""

    def __init__(self, max_failures: int, window_s: float = 60.0) -> None:
        self.max_failures = max_failures
        self.window = timedelta(seconds=window_s)
        self._failures: dict[str, collections.deque[datetime]] = {}
        self._lock = threading.Lock()

    def retry_after_s(self, key: str, now: datetime) -> int | None:
        """Seconds until `key` may try again, or None if it may now."""
        with self._lock:
            failures = self._failures.get(key)
            if not failures:
                return None
            while failures and now - failures[0] >= self.window:
                failures.popleft()
            if len(failures) < self.max_failures:
                return None
            return max(1, math.ceil((failures[0] + self.window - now).total_seconds()))

    def failed(self, key: str, now: datetime) -> None:
        with self._lock:
            if len(self._failures) > 10_000:  # forget idle keys now and then
                self._failures = {
                    k: q for k, q in self._failures.items() if q and now - q[-1] < self.window
                }
            self._failures.setdefault(key, collections.deque()).append(now)

    def succeeded(self, key: str) -> None:
        with self._lock:
            self._failures.pop(key, None)


@dataclass(frozen=True, slots=True)
class Session:
    user: User
    token: TokenRecord


class SignIn(BaseModel):
    model_config = ConfigDict(extra="ignore")

    email: str
    password: str
    device_name: str = "unknown device"


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
    store: ServerStore = request.app.state.store
    clock: ServerClock = request.app.state.clock
    record = store.token(bearer(request))
    if record is None:
        raise unauthorized("invalid_token", "unknown token: sign in again")
    if record.revoked:
        raise unauthorized("token_revoked", "this token was revoked: sign in again")
    if record.expires_at <= clock.now():
        raise unauthorized("token_expired", "this token has expired: sign in again")
    user = store.user_by_id(record.user_id)
    if user is None:
        raise unauthorized("invalid_token", "the account no longer exists")
    return Session(user, record)


Auth = Annotated[Session, Depends(authenticate)]


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


def etag_matches(if_none_match: str | None, etag: str) -> bool:
    if not if_none_match:
        return False
    if if_none_match.strip() == "*":
        return True
    wanted = etag.removeprefix("W/")
    return any(tag.strip().removeprefix("W/") == wanted for tag in if_none_match.split(","))


def _parse_day(text: str | None, name: str) -> date | None:
    if text is None or not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ApiError(400, "invalid_request", f"{name} must be a date YYYY-MM-DD") from None


def _ride_facts(data: bytes) -> tuple[datetime | None, int | None]:
    """(start, duration in s) of a FIT activity; FitFormatError if it is not one."""
    messages = decode(data)
    file_id = next((m for m in messages if m.name == "file_id"), None)
    if file_id is None:
        raise FitFormatError("no file_id message")
    file_type = file_id.get("type")
    if file_type != FIT_FILE_TYPE_ACTIVITY:
        raise FitFormatError(f"not an activity file (file_id.type={file_type!r})")
    starts: list[float] = []
    duration = 0.0
    sessions = [m for m in messages if m.name == "session"]
    for session in sessions:
        start = session.get("start_time")
        if isinstance(start, int | float):
            starts.append(float(start))
        elapsed = session.get("total_elapsed_time", session.get("total_timer_time"))
        if isinstance(elapsed, int | float):
            duration += float(elapsed)
    if not starts:
        for m in messages:
            stamp = m.get("timestamp") if m.name == "record" else None
            if isinstance(stamp, int | float):
                starts.append(float(stamp))
                break
    if not starts:
        created = file_id.get("time_created")
        if isinstance(created, int | float):
            starts.append(float(created))
    started_at = from_fit_time(min(starts)) if starts else None
    return started_at, (round(duration) if sessions else None)


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
    fault_config = faults if faults is not None else FaultConfig()
    store = open_store(Path(db_path), server_clock.now(), bundled_dir)
    limiter = SignInLimiter(sign_in_failures_per_min)

    app = FastAPI(title="Freewheel reference sync server", version="1", redoc_url=None)
    app.state.store = store
    app.state.clock = server_clock
    app.state.faults = fault_config
    app.add_middleware(FaultMiddleware, faults=fault_config)

    # -- errors: always {"error", "message"} -----------------------------------------------

    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError) -> Response:
        return error_response(exc.status, exc.code, exc.message, exc.headers)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        code = _ERROR_CODES.get(exc.status_code, "error")
        message = exc.detail if isinstance(exc.detail, str) else code.replace("_", " ")
        return error_response(exc.status_code, code, message, dict(exc.headers or {}))

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        problems = []
        for err in exc.errors()[:5]:
            where = ".".join(str(p) for p in err.get("loc", ()) if p not in ("body", "query"))
            problems.append(f"{where}: {err.get('msg', 'invalid')}" if where else err["msg"])
        return error_response(400, "invalid_request", "; ".join(problems) or "invalid request")

    @app.exception_handler(Exception)
    async def _crash(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return error_response(500, "internal_error", "internal server error")

    # -- auth ------------------------------------------------------------------------------

    def token_response(token: str, record: TokenRecord, user: User) -> dict[str, Any]:
        return {
            "token": token,
            "token_type": "Bearer",
            "expires_at": iso(record.expires_at),
            "renew_after": iso(record.renew_after),
            "account": {"id": user.id, "email": user.email, "display_name": user.display_name},
        }

    @app.post("/api/v1/auth/token")
    def sign_in(body: SignIn) -> dict[str, Any]:
        now = server_clock.now()
        key = normalise_email(body.email)
        wait_s = limiter.retry_after_s(key, now)
        if wait_s is not None:
            raise ApiError(
                429, "rate_limited", f"too many failed sign-ins; try again in {wait_s} s",
                {"Retry-After": str(wait_s)},
            )  # fmt: skip
        found = store.user_by_email(key)
        ok = verify_password(body.password, found[1] if found else dummy_hash())
        if found is None or not ok:
            limiter.failed(key, now)
            raise ApiError(401, "invalid_credentials", "wrong email or password")
        limiter.succeeded(key)
        user = found[0]
        token, record = store.issue_token(
            user.id, body.device_name, now=now, lifetime_s=token_lifetime_s,
            renew_after_s=renew_after_s,
        )  # fmt: skip
        return token_response(token, record, user)

    @app.post("/api/v1/auth/renew")
    def renew(session: Auth) -> dict[str, Any]:
        token, record = store.issue_token(
            session.user.id, session.token.device_name, now=server_clock.now(),
            lifetime_s=token_lifetime_s, renew_after_s=renew_after_s,
        )  # fmt: skip
        return token_response(token, record, session.user)

    @app.delete("/api/v1/auth/token", status_code=204)
    def sign_out(request: Request) -> Response:
        record = store.token(bearer(request))
        if record is None:
            raise unauthorized("invalid_token", "unknown token")
        store.revoke_token(record.token_sha256)  # also fine for an expired or revoked one
        return Response(status_code=204)

    # -- profile, library, calendar --------------------------------------------------------

    @app.get("/api/v1/me")
    def me(session: Auth) -> dict[str, Any]:
        user = session.user
        return {
            "id": user.id,
            "email": user.email,
            "display_name": user.display_name,
            "ftp_w": user.ftp_w,
            "weight_kg": user.weight_kg,
            "entitlement": {
                "active": user.entitlement_active
                and (
                    user.entitlement_valid_until is None
                    or user.entitlement_valid_until > iso(server_clock.now())
                ),
                "valid_until": user.entitlement_valid_until,
            },
        }

    @app.get("/api/v1/library")
    def library(
        request: Request,
        session: Auth,
        cursor: str | None = None,
        limit: int = LIBRARY_DEFAULT_LIMIT,
    ) -> Response:
        if limit < 1:
            raise ApiError(400, "invalid_request", "limit must be at least 1")
        limit = min(limit, LIBRARY_MAX_LIMIT)
        epoch, latest = store.library_state()
        after = 0
        if cursor:
            try:
                cursor_epoch, cursor_seq = decode_cursor(cursor)
            except ValueError:
                raise ApiError(
                    400, "invalid_cursor", "cursor is not one this server issued"
                ) from None
            # A cursor from another database (the server was reset): start over.
            after = cursor_seq if cursor_epoch == epoch else 0
        state = f"{epoch}:{latest}:{after}:{limit}".encode()
        etag = f'"{hashlib.sha256(state).hexdigest()[:32]}"'
        headers = {"ETag": etag, "Cache-Control": "private, no-cache"}
        if etag_matches(request.headers.get("if-none-match"), etag):
            return Response(status_code=304, headers=headers)
        rows, has_more = store.library_page(after, limit)
        body = {
            "workouts": [r.as_json() for r in rows if not r.deleted],
            "deleted": [r.id for r in rows if r.deleted],
            "cursor": encode_cursor(epoch, rows[-1].seq if rows else after),
            "has_more": has_more,
        }
        return JSONResponse(body, headers=headers)

    @app.get("/api/v1/calendar")
    def calendar(
        session: Auth,
        first: Annotated[str | None, Query(alias="from")] = None,
        last: Annotated[str | None, Query(alias="to")] = None,
    ) -> dict[str, Any]:
        today = server_clock.now().date()
        start = _parse_day(first, "from") or today
        end = _parse_day(last, "to") or start + timedelta(days=27)
        if end < start:
            raise ApiError(400, "invalid_request", "to must not be before from")
        if (end - start).days >= CALENDAR_MAX_DAYS:
            raise ApiError(400, "invalid_request", f"at most {CALENDAR_MAX_DAYS} days at a time")
        ensure_calendar(store, session.user.id, today)
        entries = store.calendar(session.user.id, start, end)
        return {
            "entries": [{"date": d, "workout_id": wid, "note": note} for d, wid, note in entries]
        }

    # -- rides -----------------------------------------------------------------------------

    def store_ride(session: Session, ride_id: str, data: bytes, sha256: str) -> Response:
        def answer(status: int, ride: RideRow) -> Response:
            headers = {"Location": f"/api/v1/rides/{ride.id}"} if status == 201 else None
            return JSONResponse(ride.as_json(), status_code=status, headers=headers)

        def conflict() -> ApiError:
            return ApiError(409, "conflict", f"a different file is already stored as {ride_id}")

        stored = store.find_ride(session.user.id, ride_id)
        if stored is not None:
            if stored.sha256 != sha256:
                raise conflict()
            return answer(200, stored)
        try:
            started_at, duration_s = _ride_facts(data)
        except FitFormatError as exc:
            raise ApiError(422, "invalid_fit", f"not a valid FIT activity file: {exc}") from None
        outcome, ride = store.put_ride(
            session.user.id, ride_id, data, sha256, started_at=started_at,
            duration_s=duration_s, now=server_clock.now(),
        )  # fmt: skip
        if outcome == "conflict":
            raise conflict()
        return answer(201 if outcome == "created" else 200, ride)

    @app.put("/api/v1/rides/{ride_id}", status_code=201)
    async def put_ride(ride_id: str, request: Request, session: Auth) -> Response:
        if not RIDE_ID.fullmatch(ride_id):
            raise ApiError(400, "invalid_request", "ride id must be 1-128 of A-Z a-z 0-9 . _ -")
        limit_text = f"rides are limited to {max_ride_bytes} bytes"
        length = request.headers.get("content-length")
        if length is not None:
            if not length.strip().isdigit():
                raise ApiError(400, "invalid_request", "bad Content-Length")
            if int(length) > max_ride_bytes:
                raise ApiError(413, "too_large", limit_text)
        declared = request.headers.get("content-sha256", "").strip()
        if not SHA256_HEX.fullmatch(declared):
            raise ApiError(
                400, "invalid_request", "Content-SHA256: <hex SHA-256 of the body> is required"
            )
        body = bytearray()
        async for chunk in request.stream():
            body += chunk
            if len(body) > max_ride_bytes:
                raise ApiError(413, "too_large", limit_text)
        data = bytes(body)
        digest = hashlib.sha256(data).hexdigest()
        if digest != declared.lower():
            raise ApiError(
                400,
                "checksum_mismatch",
                f"body SHA-256 is {digest}, Content-SHA256 says {declared}",
            )
        return await run_in_threadpool(store_ride, session, ride_id, data, digest)

    @app.get("/api/v1/rides")
    def rides(session: Auth, limit: int = RIDES_DEFAULT_LIMIT) -> dict[str, Any]:
        if limit < 1:
            raise ApiError(400, "invalid_request", "limit must be at least 1")
        found = store.rides(session.user.id, min(limit, RIDES_MAX_LIMIT))
        return {"rides": [r.as_json() for r in found]}

    # -- status, health --------------------------------------------------------------------

    @app.get("/api/v2/summary.json")
    def summary(request: Request) -> dict[str, Any]:
        return status_page.summary(store, server_clock.now(), str(request.base_url))

    @app.api_route("/healthz", methods=["GET", "HEAD"], response_class=PlainTextResponse)
    def healthz() -> str:
        return "ok"

    if admin:
        _add_admin(app, fault_config, server_clock)
    return app


def _add_admin(app: FastAPI, faults: FaultConfig, clock: ServerClock) -> None:
    """/_admin/faults and /_admin/clock: loopback clients only."""

    def loopback_only(request: Request) -> None:
        host = request.client.host if request.client else None
        if not is_loopback(host):
            raise ApiError(403, "forbidden", "the admin endpoints answer loopback clients only")

    async def json_object(request: Request) -> dict[str, Any]:
        try:
            body = await request.json()
        except ValueError:
            raise ApiError(400, "invalid_request", "body must be a JSON object") from None
        if not isinstance(body, dict):
            raise ApiError(400, "invalid_request", "body must be a JSON object")
        return body

    def clock_state() -> dict[str, Any]:
        return {"now": iso(clock.now()), "offset_s": clock.offset.total_seconds()}

    admin = [Depends(loopback_only)]

    @app.get("/_admin/faults", dependencies=admin, include_in_schema=False)
    async def get_faults() -> dict[str, Any]:
        return {"faults": faults.describe()}

    @app.post("/_admin/faults", dependencies=admin, include_in_schema=False)
    async def set_faults(request: Request) -> dict[str, Any]:
        body = await json_object(request)
        wanted = body.get("faults", {})
        if not isinstance(wanted, dict) or not all(
            isinstance(v, str | None) for v in wanted.values()
        ):
            raise ApiError(400, "invalid_request", 'faults must be {"group": "spec" | null}')
        try:
            parsed = [
                parse_assignment(f"{group}={spec or 'off'}") for group, spec in wanted.items()
            ]
        except FaultSpecError as exc:
            raise ApiError(400, "invalid_request", str(exc)) from None
        if body.get("reset") is True:
            faults.clear()
        for groups, fault in parsed:
            for group in groups:
                faults.set(group, fault)
        return {"faults": faults.describe()}

    @app.get("/_admin/clock", dependencies=admin, include_in_schema=False)
    async def get_clock() -> dict[str, Any]:
        return clock_state()

    @app.post("/_admin/clock", dependencies=admin, include_in_schema=False)
    async def set_clock(request: Request) -> dict[str, Any]:
        body = await json_object(request)
        try:
            if body.get("reset") is True:
                clock.offset = timedelta(0)
            if "offset_s" in body:
                clock.offset = timedelta(seconds=float(body["offset_s"]))
            if "advance_s" in body:
                clock.offset += timedelta(seconds=float(body["advance_s"]))
        except (TypeError, ValueError, OverflowError):
            raise ApiError(400, "invalid_request", "offset_s and advance_s are seconds") from None
        return clock_state()
