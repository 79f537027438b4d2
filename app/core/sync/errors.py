"""What can go wrong talking to a sync server, as types the core can reason about.

The HTTP adapter raises these (never httpx's own exceptions); the sync session maps them
to a status the rider understands. None of them is ever fatal to the app.
"""

from __future__ import annotations

__all__ = [
    "AuthRejected",
    "BackendError",
    "BadResponse",
    "RequestRejected",
    "ResponseTooLarge",
    "ServerTrouble",
    "Unreachable",
]


class BackendError(Exception):
    """Base class: the server could not give a usable answer."""


class Unreachable(BackendError):
    """No HTTP answer at all: DNS failure, connection refused or reset, timeout.
    `kind` is one of dns, connect, timeout, dropped, tls, other."""

    def __init__(self, kind: str, detail: str) -> None:
        super().__init__(f"{kind}: {detail}")
        self.kind = kind
        self.detail = detail


class ServerTrouble(BackendError):
    """The server answered 5xx, 408, 425 or 429 (after the client's short retries).
    `retry_after_s` is the server's Retry-After, if it sent one."""

    def __init__(self, status: int, retry_after_s: float | None = None, message: str = "") -> None:
        super().__init__(f"HTTP {status}" + (f": {message}" if message else ""))
        self.status = status
        self.retry_after_s = retry_after_s
        self.message = message


class AuthRejected(BackendError):
    """401: the token is missing, expired or revoked (`code` as the server said it)."""

    def __init__(self, code: str = "unauthorized", message: str = "") -> None:
        super().__init__(code + (f": {message}" if message else ""))
        self.code = code
        self.message = message


class RequestRejected(BackendError):
    """Any other 4xx: this request is refused; retrying it unchanged will not help."""

    def __init__(self, status: int, code: str = "", message: str = "") -> None:
        super().__init__(f"HTTP {status} {code}".strip() + (f": {message}" if message else ""))
        self.status = status
        self.code = code
        self.message = message


class BadResponse(BackendError):
    """The server answered, but not with what the contract promises: not JSON, wrong
    types, missing fields, or far too big."""


class ResponseTooLarge(BadResponse):
    def __init__(self, limit_bytes: int) -> None:
        super().__init__(f"response larger than {limit_bytes} bytes")
        self.limit_bytes = limit_bytes
