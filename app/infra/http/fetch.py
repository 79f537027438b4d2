"""What every HTTP call to a server we do not control needs: explicit timeouts, a hard cap
on what we read, an overall deadline, Retry-After parsing, and httpx failures mapped to
the core's error types (app.core.sync.errors). Nothing here ever logs a header value.
"""

from __future__ import annotations

import email.utils
import errno
import ssl
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx
from pydantic import ValidationError

from app.core.sync.errors import BadResponse, ResponseTooLarge, Unreachable

__all__ = [
    "DEFAULT_MAX_BYTES",
    "LIBRARY_MAX_BYTES",
    "TIMEOUT",
    "Answer",
    "parse_retry_after",
    "read_bounded",
    "unreachable_from",
    "validation_words",
]

# connect 5 s, read 15 s (between bytes), write 30 s (between chunks), pool 5 s
TIMEOUT = httpx.Timeout(connect=5.0, read=15.0, write=30.0, pool=5.0)
MiB = 1024 * 1024
LIBRARY_MAX_BYTES = 20 * MiB
DEFAULT_MAX_BYTES = 1 * MiB


@dataclass(frozen=True, slots=True)
class Answer:
    """A complete HTTP answer, body read within its limit."""

    status: int
    headers: httpx.Headers
    body: bytes


def read_bounded(
    response: httpx.Response, limit_bytes: int, deadline_s: float | None = None
) -> bytes:
    """The (decoded) body, refusing to hold more than `limit_bytes`: a declared
    Content-Length over the limit is refused before reading, a longer stream is cut off.
    `deadline_s` (time.monotonic) stops a server that trickles bytes forever."""
    declared = response.headers.get("content-length")
    if declared is not None and declared.strip().isdigit() and int(declared) > limit_bytes:
        raise ResponseTooLarge(limit_bytes)
    buffer = bytearray()
    for chunk in response.iter_bytes():
        buffer += chunk
        if len(buffer) > limit_bytes:
            raise ResponseTooLarge(limit_bytes)
        if deadline_s is not None and time.monotonic() > deadline_s:
            raise Unreachable("timeout", "the answer took too long to arrive")
    return bytes(buffer)


def parse_retry_after(
    value: str | None, now: Callable[[], datetime] = lambda: datetime.now(UTC)
) -> float | None:
    """Retry-After as seconds from now: delta-seconds or an HTTP-date; None if absent or
    unreadable; never negative."""
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    try:
        seconds = float(text)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        return max(0.0, (when - now()).total_seconds())
    if seconds != seconds or seconds in (float("inf"), float("-inf")):
        return None
    return max(0.0, seconds)


_DNS_HINTS = (
    "name or service not known",
    "temporary failure in name resolution",
    "nodename nor servname",
    "getaddrinfo failed",
    "no address associated",
    "name resolution",
)


def _root_cause(exc: BaseException) -> BaseException:
    seen = 0
    while exc.__cause__ is not None and seen < 10:
        exc = exc.__cause__
        seen += 1
    return exc


def unreachable_from(exc: httpx.TransportError) -> Unreachable:
    """The core's view of an httpx transport failure."""
    cause = _root_cause(exc)
    text = str(exc) or type(exc).__name__
    if isinstance(exc, httpx.TimeoutException):
        return Unreachable("timeout", text)
    if isinstance(exc, httpx.ConnectError):
        lowered = text.lower()
        if isinstance(cause, ssl.SSLError) or "ssl" in lowered or "certificate" in lowered:
            return Unreachable("tls", text)
        if any(hint in lowered for hint in _DNS_HINTS) or "gaierror" in type(cause).__name__:
            return Unreachable("dns", text)
        if isinstance(cause, OSError) and cause.errno in (errno.ENETUNREACH, errno.EHOSTUNREACH):
            return Unreachable("connect", "no route to the server")
        return Unreachable("connect", text)
    if isinstance(exc, httpx.RemoteProtocolError | httpx.ReadError | httpx.WriteError):
        return Unreachable("dropped", text)
    if isinstance(exc, httpx.CloseError):
        return Unreachable("dropped", text)
    return Unreachable("other", text)


def validation_words(what: str, exc: ValidationError) -> BadResponse:
    """A BadResponse naming the offending fields, WITHOUT their values (a field next to a
    token must not carry it into a log)."""
    problems = [
        f"{'.'.join(str(p) for p in err['loc']) or '(body)'}: {err['msg']}"
        for err in exc.errors(include_input=False, include_url=False, include_context=False)[:5]
    ]
    return BadResponse(f"{what}: " + "; ".join(problems))


def header(headers: Mapping[str, str], name: str, max_len: int = 1024) -> str | None:
    """A header value we are willing to keep (bounded)."""
    value = headers.get(name)
    if value is None or len(value) > max_len:
        return None
    return value
