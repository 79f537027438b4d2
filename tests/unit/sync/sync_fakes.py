"""Test doubles for the sync core: a clock the test moves, a scriptable backend, and
in-memory outbox, library, payloads, state and token store."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from app.core.auth.token import Account, Secret, Token, TokenStorage
from app.core.sync.models import (
    CalendarEntry,
    ComponentState,
    ComponentStatus,
    Diagnosis,
    Entitlement,
    LibraryPage,
    Profile,
    RemoteWorkout,
    ServiceIndicator,
    StatusSummary,
    UploadResult,
)
from app.core.sync.outbox import OutboxDecision, OutboxRow, OutboxState
from app.core.sync.planner import SyncPorts, SyncSession
from app.core.sync.ports import RidePayloadError
from app.core.sync.status import SyncStatus

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
SERVER = "https://sync.example.test"
SECRET_VALUE = "tok-SECRET-0123456789abcdef"


class FakeClock:
    def __init__(self, wall0: datetime = T0) -> None:
        self._mono = 1000.0
        self._wall0 = wall0
        self._start = self._mono

    def monotonic_s(self) -> float:
        return self._mono

    def wall(self) -> datetime:
        return self._wall0 + timedelta(seconds=self._mono - self._start)

    def advance(self, seconds: float) -> None:
        self._mono += seconds


def make_token(
    now: datetime = T0,
    *,
    secret: str = SECRET_VALUE,
    renew_in: timedelta = timedelta(days=7),
    expires_in: timedelta = timedelta(days=30),
    server: str = SERVER,
) -> Token:
    return Token(
        secret=Secret(secret),
        expires_at=now + expires_in,
        renew_after=now + renew_in,
        account=Account("u1", "rider@example.com", "Rider"),
        server_url=server,
    )


def workout(ident: str, version: int = 1) -> RemoteWorkout:
    return RemoteWorkout(ident, version, T0, f"Workout {ident}", "zwo", "<workout_file/>", ())


PROFILE = Profile("u1", "rider@example.com", "Rider", 250, 70.5, Entitlement(True, None))


@dataclass
class FakeBackend:
    """Scripted server. `errors[method]` is a list of exceptions raised (in order) before
    the normal answer; `uploads` a list of statuses (or exceptions) for put_ride."""

    tokens: Any = None  # the token store: renew() reads the current token from it
    clock: FakeClock | None = None
    pages: dict[str | None, LibraryPage] = field(default_factory=dict)
    etags: dict[str | None, str] = field(default_factory=dict)
    entries: list[CalendarEntry] = field(default_factory=list)
    errors: dict[str, list[BaseException]] = field(default_factory=dict)
    uploads: list[int | UploadResult | BaseException] = field(default_factory=list)
    calls: list[tuple[str, tuple[Any, ...]]] = field(default_factory=list)
    stored: dict[str, str] = field(default_factory=dict)  # ride id -> sha256
    renewals: int = 0

    def _maybe_fail(self, method: str) -> None:
        queue = self.errors.get(method)
        if queue:
            raise queue.pop(0)

    def renew(self) -> Token:
        self.calls.append(("renew", ()))
        self._maybe_fail("renew")
        self.renewals += 1
        now = self.clock.wall() if self.clock else T0
        return make_token(now, secret=f"renewed-{self.renewals}-SECRET", server="")

    def me(self) -> Profile:
        self.calls.append(("me", ()))
        self._maybe_fail("me")
        return PROFILE

    def library_page(self, cursor: str | None, etag: str | None) -> LibraryPage | None:
        self.calls.append(("library", (cursor, etag)))
        self._maybe_fail("library")
        if etag is not None and self.etags.get(cursor) == etag:
            return None
        return self.pages[cursor]

    def calendar(self, first: date, last: date) -> list[CalendarEntry]:
        self.calls.append(("calendar", (first, last)))
        self._maybe_fail("calendar")
        return list(self.entries)

    def put_ride(self, ride_id: str, body: bytes, sha256: str) -> UploadResult:
        self.calls.append(("put", (ride_id, sha256)))
        self._maybe_fail("put")
        if self.uploads:
            scripted = self.uploads.pop(0)
            if isinstance(scripted, BaseException):
                raise scripted
            if isinstance(scripted, UploadResult):
                return scripted
            if scripted in (200, 201):
                self.stored[ride_id] = sha256
            return UploadResult(scripted, retry_after_s=None)
        if ride_id in self.stored:
            return UploadResult(200 if self.stored[ride_id] == sha256 else 409)
        self.stored[ride_id] = sha256
        return UploadResult(201)

    def names(self) -> list[str]:
        return [name for name, _ in self.calls]


class FakeTokens:
    def __init__(self, token: Token | None = None, storage: TokenStorage = TokenStorage.KEYRING):
        self.token = token
        self.storage = storage
        self.saved: list[Token] = []
        self.cleared = 0

    def load(self) -> Token | None:
        return self.token

    def save(self, token: Token) -> None:
        self.token = token
        self.saved.append(token)

    def clear(self) -> None:
        self.token = None
        self.cleared += 1


@dataclass
class FakeLibrary:
    cursor: str | None = None
    applied: list[LibraryPage] = field(default_factory=list)
    calendar: tuple[date, date, list[CalendarEntry]] | None = None
    profile: Profile | None = None
    skip: list[tuple[str, str]] = field(default_factory=list)

    def sync_cursor(self) -> str | None:
        return self.cursor

    def apply_page(self, page: LibraryPage) -> list[tuple[str, str]]:
        self.applied.append(page)
        self.cursor = page.cursor
        return list(self.skip)

    def store_calendar(self, first: date, last: date, entries: Sequence[CalendarEntry]) -> None:
        self.calendar = (first, last, list(entries))

    def store_profile(self, profile: Profile) -> None:
        self.profile = profile


class FakeOutbox:
    def __init__(self, *ride_ids: str) -> None:
        self.rows: dict[str, OutboxRow] = {}
        self.log: list[tuple[str, str, Any]] = []
        for n, ride_id in enumerate(ride_ids):
            self.add(ride_id, created=T0 + timedelta(minutes=n))

    def add(self, ride_id: str, created: datetime = T0) -> None:
        self.rows[ride_id] = OutboxRow(ride_id, OutboxState.PENDING, 0, None, None, created)

    def pending(self) -> list[OutboxRow]:
        return [r for r in self.rows.values() if r.state is OutboxState.PENDING]

    def failed(self) -> list[OutboxRow]:
        return [r for r in self.rows.values() if r.state is OutboxState.FAILED]

    def state(self, ride_id: str) -> OutboxState:
        return self.rows[ride_id].state

    def note_attempt(self, ride_id: str, attempts: int, next_attempt_at: datetime) -> None:
        self.log.append(("attempt", ride_id, attempts))
        row = self.rows[ride_id]
        self.rows[ride_id] = replace(row, attempts=attempts, next_attempt_at=next_attempt_at)

    def apply(self, ride_id: str, decision: OutboxDecision) -> None:
        self.log.append(("apply", ride_id, decision))
        row = self.rows[ride_id]
        self.rows[ride_id] = replace(
            row,
            state=decision.state,
            next_attempt_at=decision.next_attempt_at,
            last_error=decision.last_error,
        )


class FakePayloads:
    def __init__(self, broken: dict[str, RidePayloadError] | None = None) -> None:
        self.broken = broken or {}
        self.discarded: list[str] = []

    def payload(self, ride_id: str) -> tuple[bytes, str]:
        if ride_id in self.broken:
            raise self.broken[ride_id]
        body = f"FIT of {ride_id}".encode()
        return body, hashlib.sha256(body).hexdigest()

    def discard(self, ride_id: str) -> None:
        self.discarded.append(ride_id)


class MemoryState:
    def __init__(self) -> None:
        self.etag: tuple[str, str] | None = None
        self.last: SyncStatus | None = None

    def library_etag(self) -> tuple[str, str] | None:
        return self.etag

    def set_library_etag(self, cursor: str, etag: str | None) -> None:
        self.etag = (cursor, etag) if etag else None

    def last_status(self) -> SyncStatus | None:
        return self.last

    def record(self, status: SyncStatus) -> None:
        self.last = status


class FakeStatusPage:
    def __init__(self, summary: StatusSummary | None = None, error: Exception | None = None):
        self._summary = summary or StatusSummary(
            "Freewheel",
            ServiceIndicator.MAJOR,
            "Partial System Outage",
            (
                ComponentStatus("Sign-in", ComponentState.OPERATIONAL),
                ComponentStatus("Ride uploads", ComponentState.MAJOR_OUTAGE),
            ),
        )
        self.error = error

    def summary(self) -> StatusSummary:
        if self.error:
            raise self.error
        return self._summary


class FakeReachability:
    def __init__(self, diagnosis: Diagnosis | None = None, up: bool = True) -> None:
        self.diagnosis = diagnosis or Diagnosis(
            True, False, "Your connection works; the Freewheel server is not answering."
        )
        self.up = up
        self.probes = 0

    def diagnose(self) -> Diagnosis:
        return self.diagnosis

    def probe(self) -> bool:
        self.probes += 1
        return self.up


@dataclass
class Rig:
    session: SyncSession
    clock: FakeClock
    backend: FakeBackend
    tokens: FakeTokens
    library: FakeLibrary
    outbox: FakeOutbox
    payloads: FakePayloads
    state: MemoryState
    status_page: FakeStatusPage
    reachability: FakeReachability


def one_page(*ids: str, cursor: str = "c1", has_more: bool = False) -> LibraryPage:
    return LibraryPage(tuple(workout(i) for i in ids), (), cursor, has_more, etag=f"E-{cursor}")


def rig(
    *rides: str,
    token: Token | Callable[[datetime], Token] | None = make_token,
    pages: dict[str | None, LibraryPage] | None = None,
) -> Rig:
    clock = FakeClock()
    tokens = FakeTokens(token(clock.wall()) if callable(token) else token)
    backend = FakeBackend(tokens=tokens, clock=clock)
    backend.pages = pages if pages is not None else {None: one_page("a", "b"), "c1": one_page()}
    library = FakeLibrary()
    outbox = FakeOutbox(*rides)
    payloads = FakePayloads()
    state = MemoryState()
    status_page = FakeStatusPage()
    reach = FakeReachability()
    ports = SyncPorts(backend, tokens, library, outbox, payloads, state, status_page, reach)
    session = SyncSession(ports, clock, server_url=SERVER, rand=lambda: 0.5)
    return Rig(
        session, clock, backend, tokens, library, outbox, payloads, state, status_page, reach
    )
