"""The sync server's HTTP API (shared/design/SYNC_API.md) on httpx.

Every response is validated with strict pydantic models; anything else (not JSON, wrong
types, missing fields, too big) is a `BadResponse`, never a crash. Short in-call retries
(tenacity, at most 3 attempts, exponential backoff with jitter, honouring Retry-After)
cover only transport failures, timeouts and 408/425/429/5xx; long outages are the
outbox's and the worker's business. Redirects are not followed, so the bearer token goes
to the server that issued it and nowhere else. `cancel()` (the app is closing) ends the
in-call retries: a wait between attempts returns at once and no further attempt is made.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import platform
import threading
import time
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Annotated, Any, Literal, NoReturn, TypeVar
from urllib.parse import quote, urlsplit, urlunsplit

import httpx
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError
from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception_type,
    stop_after_attempt,
    wait_exponential_jitter,
)

from app.core.auth.token import Account, Secret, Token
from app.core.sync.errors import (
    AuthRejected,
    BackendError,
    BadResponse,
    RequestRejected,
    ResponseTooLarge,
    ServerTrouble,
    Unreachable,
)
from app.core.sync.models import (
    CalendarEntry,
    Entitlement,
    LibraryPage,
    Profile,
    RemoteRide,
    RemoteWorkout,
    StatusSummary,
    UploadResult,
)
from app.core.workouts.formats import SYNC_WIRE_NAMES
from app.infra.http.fetch import (
    DEFAULT_MAX_BYTES,
    LIBRARY_MAX_BYTES,
    TIMEOUT,
    Answer,
    header,
    parse_retry_after,
    read_bounded,
    unreachable_from,
    validation_words,
)

__all__ = [
    "MAX_ATTEMPTS",
    "RETRY_STATUSES",
    "AuthRejected",
    "BackendClient",
    "BackendError",
    "BadResponse",
    "RequestRejected",
    "ResponseTooLarge",
    "ServerTrouble",
    "Unreachable",
    "normalize_server_url",
]

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
MAX_IN_CALL_WAIT_S = 10.0  # a longer Retry-After is left to the next sync / the outbox
RETRY_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})
CALL_DEADLINE_S = 120.0  # whole-answer deadline for one attempt (a trickling server)
UPLOAD_DEADLINE_S = 600.0
FIT_MEDIA_TYPE = "application/vnd.ant.fit"

M = TypeVar("M", bound=BaseModel)


# -- server URL -------------------------------------------------------------------------------


def _is_loopback(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def normalize_server_url(url: str, *, allow_insecure_http: bool = False) -> str:
    """`https://host[:port][/prefix]` without a trailing slash. Plain http is accepted for
    loopback (tests, a local reference server) or when explicitly allowed: the token must
    not cross a network in the clear. Raises ValueError with a one-line reason."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https"):
        raise ValueError(f"the server URL must start with https:// (got {url!r})")
    if not parts.hostname:
        raise ValueError(f"the server URL has no host: {url!r}")
    if parts.username or parts.password or parts.query or parts.fragment:
        raise ValueError("the server URL must not contain a user, password, query or fragment")
    if parts.scheme == "http" and not (allow_insecure_http or _is_loopback(parts.hostname)):
        raise ValueError(
            "plain http:// would send your sign-in unencrypted; use https:// "
            "(or --allow-insecure-http for a server on your own network)"
        )
    return urlunsplit((parts.scheme, parts.netloc.lower(), parts.path.rstrip("/"), "", ""))


# -- wire models (strict: types are checked, not coerced; unknown fields are ignored) --------


class _Wire(BaseModel):
    model_config = ConfigDict(strict=True, extra="ignore", frozen=True, allow_inf_nan=False)


Text = Annotated[str, Field(max_length=10_000)]
if TYPE_CHECKING:
    WireFormat = str
else:  # Literal["zwo", "erg", ...] read from the formats table: pydantic checks membership
    WireFormat = Literal[SYNC_WIRE_NAMES]
Id = Annotated[str, Field(min_length=1, max_length=200)]


class _AccountWire(_Wire):
    id: Id
    email: Text
    display_name: Text


class _TokenWire(_Wire):
    token: Annotated[str, Field(min_length=1, max_length=8192)]
    token_type: Text
    expires_at: AwareDatetime
    renew_after: AwareDatetime
    account: _AccountWire


class _EntitlementWire(_Wire):
    active: bool
    valid_until: AwareDatetime | None


class _ProfileWire(_Wire):
    id: Id
    email: Text
    display_name: Text
    ftp_w: Annotated[int, Field(ge=0, le=5000)]
    weight_kg: Annotated[float, Field(ge=0, le=1000)] | None
    entitlement: _EntitlementWire


class _WorkoutWire(_Wire):
    id: Id
    version: Annotated[int, Field(ge=0, le=2**63)]
    updated_at: AwareDatetime
    name: Text
    format: WireFormat
    content: str
    tags: list[Text]


class _LibraryWire(_Wire):
    workouts: list[Any]
    deleted: list[Id]
    cursor: Annotated[str, Field(min_length=1, max_length=4096)]
    has_more: bool


class _CalendarEntryWire(_Wire):
    date: date
    workout_id: Id
    note: Text | None


class _CalendarWire(_Wire):
    entries: list[_CalendarEntryWire]


class _RideWire(_Wire):
    id: Id
    started_at: AwareDatetime
    duration_s: Annotated[float, Field(ge=0)]
    sha256: Annotated[str, Field(pattern=r"^[0-9a-fA-F]{64}$")]


class _RidesWire(_Wire):
    rides: list[_RideWire]


class _ErrorWire(BaseModel):
    model_config = ConfigDict(extra="ignore")
    error: str = ""
    message: str = ""


def _parse(model: type[M], body: bytes, what: str) -> M:
    try:
        return model.model_validate_json(body)
    except ValidationError as exc:
        raise validation_words(what, exc) from None


def _error_of(body: bytes) -> tuple[str, str]:
    try:
        wire = _ErrorWire.model_validate_json(body)
    except ValidationError:
        return "", ""
    return wire.error[:100], wire.message[:300]


def _token_of(wire: _TokenWire, server_url: str) -> Token:
    if wire.token_type.lower() != "bearer":
        raise BadResponse(f"token: unsupported token_type {wire.token_type[:20]!r}")
    return Token(
        secret=Secret(wire.token),
        expires_at=wire.expires_at,
        renew_after=wire.renew_after,
        account=Account(wire.account.id, wire.account.email, wire.account.display_name),
        server_url=server_url,
        token_type="Bearer",
    )


# -- retries ----------------------------------------------------------------------------------


class _Transient(Exception):
    """One attempt failed in a way worth a short retry."""

    def __init__(
        self,
        answer: Answer | None = None,
        unreachable: Unreachable | None = None,
        retry_after_s: float | None = None,
    ) -> None:
        super().__init__("transient")
        self.answer = answer
        self.unreachable = unreachable
        self.retry_after_s = retry_after_s


_backoff = wait_exponential_jitter(multiplier=0.5, max=4.0, jitter=0.5)


def _wait(state: RetryCallState) -> float:
    exc = state.outcome.exception() if state.outcome else None
    if isinstance(exc, _Transient) and exc.retry_after_s is not None:
        return min(exc.retry_after_s, MAX_IN_CALL_WAIT_S)
    return float(_backoff(state))


def _stop(max_attempts: int, cancelled: threading.Event) -> Callable[[RetryCallState], bool]:
    by_count = stop_after_attempt(max_attempts)

    def stop(state: RetryCallState) -> bool:
        if cancelled.is_set():
            return True  # closing: no more attempts
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, _Transient) and (exc.retry_after_s or 0) > MAX_IN_CALL_WAIT_S:
            return True  # the server asked for a long pause: not inside this call
        return bool(by_count(state))

    return stop


# -- the client -------------------------------------------------------------------------------


class BackendClient:
    """One server. `token_provider` is asked for the token on every authenticated call (so
    a renewal is picked up at once). Methods raise app.core.sync.errors types only."""

    def __init__(
        self,
        base_url: str,
        token_provider: Callable[[], Token | None],
        transport: httpx.BaseTransport | None = None,
        *,
        sleep: Callable[[float], None] | None = None,
        max_attempts: int = MAX_ATTEMPTS,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        timeout: httpx.Timeout = TIMEOUT,
    ) -> None:
        self.base_url = normalize_server_url(base_url, allow_insecure_http=True)
        self._token_provider = token_provider
        self._cancelled = threading.Event()
        # between attempts: cancel() ends the wait (time.sleep would not)
        self._sleep = sleep or self._pause
        self._max_attempts = max(1, max_attempts)
        self._now = now
        self._transport = transport
        self._client = httpx.Client(
            base_url=self.base_url,
            timeout=timeout,
            transport=transport,
            follow_redirects=False,
            headers={"User-Agent": _user_agent(), "Accept": "application/json"},
        )

    def close(self) -> None:
        self._client.close()

    def cancel(self) -> None:
        """No more in-call retries from now on (any thread; the request in flight, if any,
        still ends by itself). For good: the app is closing."""
        self._cancelled.set()

    @property
    def closed(self) -> bool:
        """True once close() has released the connections."""
        return self._client.is_closed

    def _pause(self, seconds: float) -> None:
        self._cancelled.wait(seconds)

    def __enter__(self) -> BackendClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- plumbing -----------------------------------------------------------------------------
    def _auth_headers(self) -> dict[str, str]:
        token = self._token_provider()
        if token is None:
            raise AuthRejected("not_signed_in", "no stored sign-in")
        if token.server_url and token.server_url != self.base_url:
            raise AuthRejected("other_server", "the stored sign-in belongs to another server")
        return {"Authorization": f"Bearer {token.secret.reveal()}"}

    def _attempt(
        self,
        method: str,
        path: str,
        *,
        auth: bool,
        limit_bytes: int,
        deadline_s: float,
        params: Mapping[str, str] | None,
        headers: Mapping[str, str] | None,
        content: bytes | None,
    ) -> Answer:
        sent = dict(headers or {})
        if auth:
            sent.update(self._auth_headers())
        try:
            with self._client.stream(
                method, path, params=params, headers=sent, content=content
            ) as response:
                status = response.status_code
                limit = limit_bytes if 200 <= status < 300 else DEFAULT_MAX_BYTES
                body = read_bounded(response, limit, time.monotonic() + deadline_s)
                answer = Answer(status, response.headers, body)
        except httpx.TransportError as exc:
            unreachable = unreachable_from(exc)
            if unreachable.kind == "other":
                raise unreachable from None  # a bug or bad URL: retrying will not help
            raise _Transient(unreachable=unreachable) from None
        except httpx.DecodingError as exc:  # bad gzip and the like
            raise BadResponse(f"undecodable body: {exc}") from None
        except Unreachable as exc:  # the overall deadline
            raise _Transient(unreachable=exc) from None
        if status in RETRY_STATUSES or status >= 500:
            retry_after = parse_retry_after(header(answer.headers, "retry-after"), self._now)
            raise _Transient(answer=answer, retry_after_s=retry_after)
        return answer

    def _call(
        self,
        method: str,
        path: str,
        *,
        auth: bool = True,
        limit_bytes: int = DEFAULT_MAX_BYTES,
        deadline_s: float = CALL_DEADLINE_S,
        params: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        content: bytes | None = None,
    ) -> Answer:
        """One call with short retries. Returns the final answer even when it is a retryable
        status that did not get better (callers decide); raises Unreachable when no answer
        ever came."""
        retrying = Retrying(
            retry=retry_if_exception_type(_Transient),
            wait=_wait,
            stop=_stop(self._max_attempts, self._cancelled),
            sleep=self._sleep,
            reraise=True,
        )
        failed: list[_Transient] = []

        def attempt() -> Answer:
            if failed and self._cancelled.is_set():
                raise failed[-1]  # cancelled during the pause: no new attempt
            try:
                return self._attempt(
                    method,
                    path,
                    auth=auth,
                    limit_bytes=limit_bytes,
                    deadline_s=deadline_s,
                    params=params,
                    headers=headers,
                    content=content,
                )
            except _Transient as exc:
                failed.append(exc)
                raise

        try:
            return retrying(attempt)
        except _Transient as exc:
            if exc.answer is not None:
                return exc.answer
            assert exc.unreachable is not None
            raise exc.unreachable from None

    def _fail(self, answer: Answer, what: str) -> NoReturn:
        """Raise the error an unexpected status means."""
        code, message = _error_of(answer.body)
        status = answer.status
        if status == 401:
            raise AuthRejected(code or "unauthorized", message)
        if status in RETRY_STATUSES or status >= 500:
            retry_after = parse_retry_after(header(answer.headers, "retry-after"), self._now)
            raise ServerTrouble(status, retry_after, message)
        if 300 <= status < 400:
            raise BadResponse(f"{what}: unexpected redirect (HTTP {status})")
        if 400 <= status < 500:
            raise RequestRejected(status, code, message)
        raise BadResponse(f"{what}: unexpected HTTP {status}")

    def _json(self, answer: Answer, model: type[M], what: str, ok: int = 200) -> M:
        if answer.status != ok:
            self._fail(answer, what)
        return _parse(model, answer.body, what)

    # -- auth ---------------------------------------------------------------------------------
    def sign_in(self, email: str, password: str | Secret, device_name: str) -> Token:
        """POST /api/v1/auth/token. 401 -> AuthRejected('invalid_credentials')."""
        secret = password.reveal() if isinstance(password, Secret) else password
        body = _json_bytes({"email": email, "password": secret, "device_name": device_name})
        answer = self._call(
            "POST",
            "/api/v1/auth/token",
            auth=False,
            content=body,
            headers={"Content-Type": "application/json"},
        )
        return _token_of(self._json(answer, _TokenWire, "sign-in"), self.base_url)

    def renew(self) -> Token:
        """POST /api/v1/auth/renew. 401 -> AuthRejected (token_expired | token_revoked)."""
        answer = self._call("POST", "/api/v1/auth/renew")
        return _token_of(self._json(answer, _TokenWire, "renew"), self.base_url)

    def sign_out(self) -> None:
        """DELETE /api/v1/auth/token. A token the server no longer knows counts as done."""
        answer = self._call("DELETE", "/api/v1/auth/token")
        if answer.status in (200, 204, 401):
            return
        self._fail(answer, "sign-out")

    # -- data ---------------------------------------------------------------------------------
    def me(self) -> Profile:
        wire = self._json(self._call("GET", "/api/v1/me"), _ProfileWire, "profile")
        return Profile(
            id=wire.id,
            email=wire.email,
            display_name=wire.display_name,
            ftp_w=wire.ftp_w,
            weight_kg=wire.weight_kg,
            entitlement=Entitlement(wire.entitlement.active, wire.entitlement.valid_until),
        )

    def library_page(
        self, cursor: str | None, etag: str | None = None, limit: int = 200
    ) -> LibraryPage | None:
        """One page of the library delta; None when the server says 304 Not Modified."""
        params = {"limit": str(limit)}
        if cursor is not None:
            params["cursor"] = cursor
        headers = {"If-None-Match": etag} if etag else None
        answer = self._call(
            "GET",
            "/api/v1/library",
            params=params,
            headers=headers,
            limit_bytes=LIBRARY_MAX_BYTES,
        )
        if answer.status == 304:
            if not etag:
                raise BadResponse("library: 304 without If-None-Match")
            return None
        wire = self._json(answer, _LibraryWire, "library")
        workouts: list[RemoteWorkout] = []
        invalid: list[tuple[str, str]] = []
        for item in wire.workouts:
            try:
                # JSON mode again, so strict means what it means for the envelope
                w = _WorkoutWire.model_validate_json(json.dumps(item))
            except ValidationError as exc:
                ident = item.get("id") if isinstance(item, dict) else None
                label = ident if isinstance(ident, str) and len(ident) <= 200 else "(no id)"
                invalid.append((label, str(validation_words("workout", exc))))
                continue
            workouts.append(
                RemoteWorkout(
                    w.id, w.version, w.updated_at, w.name, w.format, w.content, tuple(w.tags)
                )
            )
        return LibraryPage(
            workouts=tuple(workouts),
            deleted=tuple(wire.deleted),
            cursor=wire.cursor,
            has_more=wire.has_more,
            etag=header(answer.headers, "etag"),
            invalid=tuple(invalid),
        )

    def calendar(self, first: date, last: date) -> list[CalendarEntry]:
        params = {"from": first.isoformat(), "to": last.isoformat()}
        answer = self._call("GET", "/api/v1/calendar", params=params)
        wire = self._json(answer, _CalendarWire, "calendar")
        return [CalendarEntry(e.date, e.workout_id, e.note) for e in wire.entries]

    def put_ride(self, ride_id: str, body: bytes, sha256: str) -> UploadResult:
        """PUT /api/v1/rides/{id}: the server's final answer, whatever its status (the
        outbox decides). Raises Unreachable when no answer came."""
        answer = self._call(
            "PUT",
            f"/api/v1/rides/{quote(ride_id, safe='')}",
            content=body,
            headers={"Content-Type": FIT_MEDIA_TYPE, "Content-SHA256": sha256},
            deadline_s=UPLOAD_DEADLINE_S,
        )
        if answer.status in (200, 201):
            _check_stored(answer.body, ride_id, sha256)
        code, message = _error_of(answer.body) if answer.status >= 400 else ("", "")
        return UploadResult(
            status=answer.status,
            error_code=code,
            message=message,
            retry_after_s=parse_retry_after(header(answer.headers, "retry-after"), self._now),
        )

    def rides(self, limit: int = 100) -> list[RemoteRide]:
        answer = self._call("GET", "/api/v1/rides", params={"limit": str(limit)})
        wire = self._json(answer, _RidesWire, "rides")
        return [RemoteRide(r.id, r.started_at, r.duration_s, r.sha256.lower()) for r in wire.rides]

    def status_summary(self, url: str | None = None) -> StatusSummary:
        """The Statuspage v2 summary: this server's (/api/v2/summary.json) or any URL."""
        from app.infra.http.status_page import StatusPageClient

        target = url or f"{self.base_url}/api/v2/summary.json"
        client = StatusPageClient(target, transport=self._transport, now=self._now)
        try:
            return client.summary()
        finally:
            client.close()

    def healthy(self) -> bool:
        """GET /healthz answers 200 (no retries)."""
        try:
            with self._client.stream("GET", "/healthz") as response:
                read_bounded(response, 4096)
                return response.status_code == 200
        except (httpx.HTTPError, BackendError):
            return False


def _check_stored(body: bytes, ride_id: str, sha256: str) -> None:
    """A 200/201 to an upload counts only if it is what the contract's server sends: no
    body, or a JSON object whose id and sha256 (when given) are the ride's. A captive
    portal's "200 <html>" or a confused proxy must not mark a ride delivered."""
    if not body.strip():
        return
    try:
        data = json.loads(body)
    except ValueError:
        raise BadResponse("upload: the answer is not JSON") from None
    if not isinstance(data, dict):
        raise BadResponse("upload: the answer is not a JSON object")
    if "id" in data and data["id"] != ride_id:
        raise BadResponse("upload: the answer names another ride")
    stored_sha = data.get("sha256", sha256)
    if not isinstance(stored_sha, str) or stored_sha.lower() != sha256.lower():
        raise BadResponse("upload: the server stored different bytes")


def _json_bytes(data: dict[str, str]) -> bytes:
    return json.dumps(data).encode("utf-8")


def _user_agent() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        ours = version("freewheel")
    except PackageNotFoundError:
        ours = "0"
    return f"Freewheel/{ours} ({platform.system() or 'unknown'}) httpx/{httpx.__version__}"
