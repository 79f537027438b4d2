"""Fault injection for the reference server: OFF unless switched on.

A fault belongs to one endpoint group and is described by a small text grammar, the same
on the command line (`--fault GROUP=SPEC`) and in the admin endpoint (`POST /_admin/faults`):

    ASSIGNMENT := GROUP "=" SPEC
    GROUP      := auth | library | calendar | rides | status | profile | all
    SPEC       := off | PART ( "+" PART )*
    PART       := KIND ( ":" ARG )*
    KIND       := <status code 100-599>   answer with that status and an error body
                | latency                 wait ARG milliseconds, then answer normally
                | hang                    answer nothing for ARG seconds (default and max below)
                | drop                    send headers and part of the body, then close the socket
                | malformed               200 with a body that is not JSON
                | wrong-types             200 with valid JSON of the wrong shape
                | endless                 200 with a JSON body that never ends (ARG seconds max)
    ARG        := <number>                the kind's value (ms for latency, s for hang/endless)
                | retry-after=<value>     status only: a Retry-After header, in seconds or as
                                          an HTTP date (Wed, 21 Oct 2026 07:28:00 GMT)
                | times=<n>               hit the next n requests of the group, then clear

At most one PART may be something other than `latency`, so `latency:500+503` (slow, then
503) is allowed but `503+drop` is not. Examples: `library=503:retry-after=5`,
`auth=latency:2000`, `rides=drop`, `all=hang:10`, `calendar=500:times=2`, `status=off`.

Groups by path: /api/v1/auth/* auth, /api/v1/library library, /api/v1/calendar calendar,
/api/v1/rides* rides, /api/v2/* status, /api/v1/me profile. /healthz and /_admin/* are
never faulted, so readiness probes and the admin switch keep working.

`FaultMiddleware` is a pure ASGI middleware: waits are `asyncio.sleep`, so a hanging or slow
request never blocks any other request.
"""

from __future__ import annotations

import asyncio
import json
import re
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

GROUPS: tuple[str, ...] = ("auth", "library", "calendar", "rides", "status", "profile")
ALL_GROUPS = "all"
KINDS: tuple[str, ...] = ("status", "hang", "drop", "malformed", "wrong-types", "endless")

DEFAULT_WAIT_S = 60.0  # hang and endless: how long when no value is given
MAX_WAIT_S = 600.0  # hang and endless: the most a value may ask for
MAX_LATENCY_MS = 600_000
ENDLESS_CHUNK_BYTES = 64 * 1024


class FaultSpecError(ValueError):
    """A fault description that does not follow the grammar; the message says why."""


@dataclass(frozen=True, slots=True)
class Fault:
    """What to do to one request. `kind` None means latency only."""

    kind: str | None = None
    status: int | None = None
    retry_after: str | None = None
    latency_ms: int = 0
    seconds: float = DEFAULT_WAIT_S
    times: int | None = None  # None: until cleared

    def spec(self) -> str:
        """The canonical text of this fault (parse_fault(f.spec()) == f)."""
        parts: list[str] = []
        if self.latency_ms:
            parts.append(f"latency:{self.latency_ms}")
        if self.kind == "status":
            text = str(self.status)
            if self.retry_after is not None:
                text += f":retry-after={self.retry_after}"
            parts.append(text)
        elif self.kind in ("hang", "endless"):
            parts.append(f"{self.kind}:{_number(self.seconds)}")
        elif self.kind is not None:
            parts.append(self.kind)
        text = "+".join(parts)
        if self.times is not None:
            text += f":times={self.times}"
        return text


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


_RETRY_AFTER = re.compile(r":retry-after=(.*?)(?=:times=|$)", re.IGNORECASE)


def parse_fault(spec: str) -> Fault | None:
    """A SPEC (see the module docstring) as a Fault; None for `off`."""
    text = spec.strip()
    if text.lower() in ("off", "none", "clear", ""):
        return None
    fault = Fault()
    for part in text.split("+"):
        # retry-after may be an HTTP date, which has colons of its own: take it out first
        retry_after: str | None = None
        match = _RETRY_AFTER.search(part)
        if match:
            retry_after = match.group(1).strip()
            part = part[: match.start()] + part[match.end() :]
            if not retry_after:
                raise FaultSpecError(f"empty retry-after in {spec!r}")
        kind, *args = (piece.strip().lower() for piece in part.split(":"))
        positional = [a for a in args if "=" not in a]
        options = dict(_option(a, part) for a in args if "=" in a)
        times = options.pop("times", None)
        if times is not None:
            if not times.isdigit() or int(times) < 1:
                raise FaultSpecError(f"times must be a whole number >= 1 in {part!r}")
            fault = replace(fault, times=int(times))
        if len(positional) > 1:
            raise FaultSpecError(f"too many values in {part!r}")
        if retry_after is not None and not kind.isdigit():
            raise FaultSpecError(f"retry-after applies to a status code, not {kind!r}")
        value = positional[0] if positional else None
        if kind == "latency":
            fault = replace(fault, latency_ms=_latency(value, part))
            continue
        if fault.kind is not None:
            raise FaultSpecError(f"{spec!r}: only one fault besides latency per group")
        if kind.isdigit():
            status = int(kind)
            if not 100 <= status <= 599:
                raise FaultSpecError(f"status {status} is not 100-599")
            if value is not None:
                raise FaultSpecError(f"a status takes no value; use retry-after= in {part!r}")
            fault = replace(fault, kind="status", status=status, retry_after=retry_after)
        elif kind in ("hang", "endless"):
            fault = replace(fault, kind=kind, seconds=_seconds(value, part))
        elif kind in ("drop", "malformed", "wrong-types"):
            if value is not None:
                raise FaultSpecError(f"{kind} takes no value in {part!r}")
            fault = replace(fault, kind=kind)
        else:
            raise FaultSpecError(
                f"unknown fault {kind!r}; expected a status code, latency, hang, drop, "
                "malformed, wrong-types, endless or off"
            )
    if fault.kind is None and not fault.latency_ms:
        raise FaultSpecError(f"{spec!r} does nothing; use off to clear a group")
    return fault


def _option(arg: str, part: str) -> tuple[str, str]:
    key, _, value = arg.partition("=")
    if key != "times":
        raise FaultSpecError(f"unknown option {key!r} in {part!r}")
    return key, value


def _latency(value: str | None, part: str) -> int:
    if value is None or not value.isdigit():
        raise FaultSpecError(f"latency needs milliseconds, e.g. latency:2000 (got {part!r})")
    ms = int(value)
    if ms > MAX_LATENCY_MS:
        raise FaultSpecError(f"latency {ms} ms is more than {MAX_LATENCY_MS} ms")
    return ms


def _seconds(value: str | None, part: str) -> float:
    if value is None:
        return DEFAULT_WAIT_S
    try:
        seconds = float(value)
    except ValueError:
        raise FaultSpecError(f"expected seconds in {part!r}") from None
    if not 0 < seconds <= MAX_WAIT_S:
        raise FaultSpecError(f"{part!r}: seconds must be > 0 and <= {MAX_WAIT_S:g}")
    return seconds


def parse_assignment(text: str) -> tuple[tuple[str, ...], Fault | None]:
    """`GROUP=SPEC` as (the groups it names, the fault or None for off)."""
    group, sep, spec = text.partition("=")
    group = group.strip().lower()
    if not sep:
        raise FaultSpecError(f"expected GROUP=SPEC, e.g. library=503 (got {text!r})")
    return expand_group(group), parse_fault(spec)


def expand_group(group: str) -> tuple[str, ...]:
    if group == ALL_GROUPS:
        return GROUPS
    if group not in GROUPS:
        raise FaultSpecError(f"unknown group {group!r}; expected one of {', '.join(GROUPS)}, all")
    return (group,)


class FaultConfig:
    """The faults in force, per group. Safe to change while the server runs."""

    def __init__(self, faults: Mapping[str, Fault] | None = None) -> None:
        self._lock = threading.Lock()
        self._faults: dict[str, Fault] = {}
        for group, fault in (faults or {}).items():
            self.set(group, fault)

    @classmethod
    def from_specs(cls, assignments: Iterable[str]) -> FaultConfig:
        """From `GROUP=SPEC` texts, later ones overriding earlier ones."""
        config = cls()
        for text in assignments:
            config.apply(text)
        return config

    def apply(self, assignment: str) -> None:
        groups, fault = parse_assignment(assignment)
        for group in groups:
            self.set(group, fault)

    def set(self, group: str, fault: Fault | None) -> None:
        for name in expand_group(group):
            with self._lock:
                if fault is None:
                    self._faults.pop(name, None)
                else:
                    self._faults[name] = fault

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def get(self, group: str) -> Fault | None:
        with self._lock:
            return self._faults.get(group)

    def take(self, group: str) -> Fault | None:
        """The fault for one request of `group`, counting it against `times`."""
        with self._lock:
            fault = self._faults.get(group)
            if fault is not None and fault.times is not None:
                if fault.times <= 1:
                    del self._faults[group]
                else:
                    self._faults[group] = replace(fault, times=fault.times - 1)
            return fault

    def describe(self) -> dict[str, str]:
        """{group: canonical spec} for every group with a fault."""
        with self._lock:
            return {group: fault.spec() for group, fault in sorted(self._faults.items())}

    def __bool__(self) -> bool:
        with self._lock:
            return bool(self._faults)


def group_for_path(path: str) -> str | None:
    if path.startswith("/api/v1/auth/"):
        return "auth"
    if path == "/api/v1/library":
        return "library"
    if path == "/api/v1/calendar":
        return "calendar"
    if path == "/api/v1/rides" or path.startswith("/api/v1/rides/"):
        return "rides"
    if path == "/api/v1/me":
        return "profile"
    if path.startswith("/api/v2/"):
        return "status"
    return None


# -- what the client gets ------------------------------------------------------------------

MALFORMED_BODY = b'{"injected": "malformed JSON", "items": [{"id": "a", "name": "unterminated'

WRONG_TYPES: dict[str, Any] = {
    "auth": {"token": 12345, "token_type": None, "expires_at": "not a time",
             "renew_after": [], "account": "me"},
    "library": {"workouts": "not a list", "deleted": {"id": 1}, "cursor": 42,
                "has_more": "yes"},
    "calendar": {"entries": [{"date": 20240101, "workout_id": None, "note": 5}, "entry"]},
    "rides": {"rides": {"id": 1}, "id": ["x"], "sha256": 0},
    "status": {"page": [], "status": {"indicator": 3, "description": None},
               "components": "none", "incidents": {}, "scheduled_maintenances": 1},
    "profile": {"id": 1, "email": None, "display_name": ["x"], "ftp_w": "two hundred",
                "weight_kg": "heavy", "entitlement": []},
}  # fmt: skip

ENDLESS_PREFIX: dict[str, bytes] = {
    "auth": b'{"account": {"roles": [',
    "library": b'{"has_more": false, "workouts": [',
    "calendar": b'{"entries": [',
    "rides": b'{"rides": [',
    "status": b'{"components": [',
    "profile": b'{"devices": [',
}
_ENDLESS_ITEM = b'{"id": "endless", "name": "the body that never ends", "tags": []},'
_ENDLESS_CHUNK = _ENDLESS_ITEM * (ENDLESS_CHUNK_BYTES // len(_ENDLESS_ITEM))

_ERROR_CODES = {429: "rate_limited", 500: "internal_error", 502: "bad_gateway",
                503: "service_unavailable", 504: "gateway_timeout"}  # fmt: skip


class FaultMiddleware:
    """Applies the FaultConfig to every request of a faulted group."""

    def __init__(self, app: ASGIApp, faults: FaultConfig) -> None:
        self.app = app
        self.faults = faults

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        group = group_for_path(scope["path"])
        fault = self.faults.take(group) if group is not None else None
        if group is None or fault is None:
            await self.app(scope, receive, send)
            return
        if fault.latency_ms:
            await asyncio.sleep(fault.latency_ms / 1000)
        if fault.kind is None:
            await self.app(scope, receive, send)
        elif fault.kind == "status":
            await _send_status(send, fault)
        elif fault.kind == "hang":
            if not await _wait_for_disconnect(receive, fault.seconds):
                await _send_json(send, 503, _error("service_unavailable", "injected hang ended"))
        elif fault.kind == "drop":
            await _send_dropped(send)
        elif fault.kind == "malformed":
            await _send_bytes(send, 200, MALFORMED_BODY)
        elif fault.kind == "wrong-types":
            await _send_json(send, 200, WRONG_TYPES[group])
        elif fault.kind == "endless":
            await _send_endless(receive, send, ENDLESS_PREFIX[group], fault.seconds)


def _error(code: str, message: str) -> dict[str, str]:
    return {"error": code, "message": message}


async def _send_bytes(
    send: Send, status: int, body: bytes, extra: list[tuple[bytes, bytes]] | None = None
) -> None:
    headers = [(b"content-type", b"application/json"), *(extra or [])]
    if status in (204, 304) or status < 200:
        body = b""
    else:
        headers.append((b"content-length", str(len(body)).encode()))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body, "more_body": False})


async def _send_json(send: Send, status: int, payload: Any) -> None:
    await _send_bytes(send, status, json.dumps(payload).encode())


async def _send_status(send: Send, fault: Fault) -> None:
    status = fault.status or 503
    code = _ERROR_CODES.get(status, "injected_fault")
    extra = []
    if fault.retry_after is not None:
        extra.append((b"retry-after", fault.retry_after.encode("latin-1")))
    body = json.dumps(_error(code, f"injected fault: status {status}")).encode()
    await _send_bytes(send, status, body, extra)


async def _wait_for_disconnect(receive: Receive, seconds: float) -> bool:
    """Sleep up to `seconds`, or less if the client goes away (True then)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while (remaining := deadline - loop.time()) > 0:
        try:
            message: Message = await asyncio.wait_for(receive(), remaining)
        except TimeoutError:
            return False
        if message["type"] == "http.disconnect":
            return True
    return False


async def _send_dropped(send: Send) -> None:
    """Promise a body, send a quarter of it, and leave: the server closes the socket."""
    body = json.dumps(_error("dropped", "x" * 200)).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
    ]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": body[: len(body) // 4], "more_body": True})
    # Returning with the response incomplete makes uvicorn close the connection.


async def _send_endless(receive: Receive, send: Send, prefix: bytes, seconds: float) -> None:
    """A JSON body that keeps coming until the client leaves or `seconds` pass."""
    gone = asyncio.Event()

    async def watch() -> None:
        while (await receive())["type"] != "http.disconnect":
            pass
        gone.set()

    watcher = asyncio.create_task(watch())
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    try:
        headers = [(b"content-type", b"application/json")]  # no length: chunked, endless
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": prefix, "more_body": True})
        while not gone.is_set() and loop.time() < deadline:
            await send({"type": "http.response.body", "body": _ENDLESS_CHUNK, "more_body": True})
            await asyncio.sleep(0)
        if not gone.is_set():
            await send({"type": "http.response.body", "body": b"{}]}", "more_body": False})
    finally:
        watcher.cancel()
