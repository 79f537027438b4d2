"""Protocols the sync session and the sync worker need. Implementations: app/infra
(httpx client, keyring, sqlite outbox, library cache) and test doubles (Fake*, Memory*).

None of these may block the ride: they run on the sync worker's own thread, with their
own connections, and share no lock with the ride path.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Protocol

from app.core.auth.token import Token, TokenStorage
from app.core.sync.models import (
    CalendarEntry,
    Diagnosis,
    LibraryPage,
    Profile,
    StatusSummary,
    UploadResult,
)
from app.core.sync.outbox import OutboxDecision, OutboxRow
from app.core.sync.status import SyncStatus

__all__ = [
    "LibraryCache",
    "Outbox",
    "Reachability",
    "RidePayloadError",
    "StatusPage",
    "SyncBackend",
    "SyncRunner",
    "SyncStateStore",
    "TokenStore",
    "UploadPayloads",
]


class TokenStore(Protocol):
    """Keeps the sign-in token. Never raises: a broken keyring degrades to memory."""

    @property
    def storage(self) -> TokenStorage:
        """Where a token is (or would be) kept: keyring, memory only, plaintext opt-in."""
        ...

    def load(self) -> Token | None: ...

    def save(self, token: Token) -> None: ...

    def clear(self) -> None: ...


class SyncBackend(Protocol):
    """The sync server (SYNC_API.md). Raises app.core.sync.errors types only. The token
    is taken from the token store on every call."""

    def renew(self) -> Token: ...

    def me(self) -> Profile: ...

    def library_page(self, cursor: str | None, etag: str | None) -> LibraryPage | None:
        """One page; None for 304 Not Modified (only possible when etag is given)."""
        ...

    def calendar(self, first: date, last: date) -> list[CalendarEntry]: ...

    def put_ride(self, ride_id: str, body: bytes, sha256: str) -> UploadResult:
        """The server's final HTTP answer (any status); raises Unreachable/BadResponse."""
        ...


class LibraryCache(Protocol):
    def sync_cursor(self) -> str | None: ...

    def apply_page(self, page: LibraryPage) -> list[tuple[str, str]]:
        """Commit the page and its cursor together; returns the skipped (id, why)."""
        ...

    def store_calendar(self, first: date, last: date, entries: Sequence[CalendarEntry]) -> None: ...

    def store_profile(self, profile: Profile) -> None: ...


class Outbox(Protocol):
    """The outbox rows in rides.db. Every write is committed before it returns."""

    def pending(self) -> list[OutboxRow]: ...

    def failed(self) -> list[OutboxRow]: ...

    def note_attempt(self, ride_id: str, attempts: int, next_attempt_at: datetime) -> None:
        """Record an attempt before it is made (a crash mid-upload then backs off too)."""
        ...

    def apply(self, ride_id: str, decision: OutboxDecision) -> None: ...


class RidePayloadError(Exception):
    """The ride's upload file cannot be produced. `permanent`: it never will be (the ride
    has no samples, or is gone); otherwise (disk trouble) try again later."""

    def __init__(self, reason: str, *, permanent: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent


class UploadPayloads(Protocol):
    def payload(self, ride_id: str) -> tuple[bytes, str]:
        """The exact bytes to upload for this ride and their SHA-256 (hex). The same bytes
        on every retry: the server's idempotency relies on the same hash."""
        ...

    def discard(self, ride_id: str) -> None:
        """Forget the cached upload file (after delivery)."""
        ...


class SyncStateStore(Protocol):
    """Small, rebuildable sync bookkeeping: the library ETag, the last status."""

    def library_etag(self) -> tuple[str, str] | None:
        """(cursor the ETag belongs to, ETag) or None."""
        ...

    def set_library_etag(self, cursor: str, etag: str | None) -> None: ...

    def last_status(self) -> SyncStatus | None: ...

    def record(self, status: SyncStatus) -> None: ...


class StatusPage(Protocol):
    def summary(self) -> StatusSummary: ...


class Reachability(Protocol):
    def diagnose(self) -> Diagnosis:
        """DNS, TCP and TLS checks against the server's host, in plain words."""
        ...

    def probe(self) -> bool:
        """Cheap: does the server's host accept a TCP connection right now?"""
        ...


class SyncRunner(Protocol):
    """What the sync worker drives: the core SyncSession (or a fake)."""

    def run(self) -> SyncStatus:
        """One whole sync; never raises for network or server trouble."""
        ...

    def syncing(self) -> SyncStatus:
        """The snapshot to show while a sync runs."""
        ...

    def snapshot(self) -> SyncStatus:
        """The last known status with fresh local counts; no network."""
        ...

    def cancel(self) -> None:
        """Stop a running sync at its next safe point (a library page boundary, between
        steps or uploads), and every later one. Any thread; never blocks."""
        ...
