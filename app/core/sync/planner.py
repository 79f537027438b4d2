"""One sync, start to finish: the plan and the session that carries it out.

    renew the token if past renew_after -> pull the profile -> pull library delta pages
    until has_more is false -> cache the next 28 days of calendar -> drain the outbox

Every step is a side road: a failure becomes a status in plain words, never an exception
out of `SyncSession.run`, never a deleted ride. Offline (no HTTP answer) stops the sync;
a bad answer to one step is reported and the next step still runs.

A Retry-After on any answer (429/503 to renew, profile, library, calendar or an upload)
becomes the status's `retry_not_before`: capped like an upload's (RETRY_AFTER_CAP_S), kept
with the last status, and honoured by the worker, which calls the server again before it
only when the rider presses "Sync now". `cancel()` (the app is closing) stops a sync at the
next safe point: between steps, between library pages (each page is committed with its
cursor), between uploads.

Pure: the session talks to the world only through the ports it is given.
"""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from enum import StrEnum
from functools import partial
from typing import TypeVar

from app.core.auth.policy import TokenDecision, decide
from app.core.auth.token import Token, TokenStorage
from app.core.ports import Clock
from app.core.sync.errors import (
    AuthRejected,
    BackendError,
    BadResponse,
    RequestRejected,
    ServerTrouble,
    Unreachable,
)
from app.core.sync.models import Diagnosis, StatusSummary
from app.core.sync.outbox import (
    RETRY_AFTER_CAP_S,
    OutboxDecision,
    OutboxRow,
    OutboxState,
    backoff_delay_s,
    decide_upload,
    is_due,
    retry_later,
)
from app.core.sync.ports import (
    LibraryCache,
    Outbox,
    Reachability,
    RidePayloadError,
    StatusPage,
    SyncBackend,
    SyncStateStore,
    TokenStore,
    UploadPayloads,
)
from app.core.sync.status import FailedRide, SyncState, SyncStatus, compose_message

__all__ = [
    "CALENDAR_DAYS",
    "SyncPorts",
    "SyncSession",
    "SyncStep",
    "calendar_window",
    "plan_sync",
    "unreachable_words",
]

log = logging.getLogger(__name__)

CALENDAR_DAYS = 28
MAX_LIBRARY_PAGES = 10_000  # a server that never says has_more=false cannot pin the worker

T = TypeVar("T")


class SyncStep(StrEnum):
    RENEW = "renew"
    PROFILE = "profile"
    LIBRARY = "library"
    CALENDAR = "calendar"
    OUTBOX = "outbox"


def plan_sync(now: datetime, token: Token | None) -> tuple[SyncStep, ...]:
    """The steps of one sync. No token: nothing to do but ask the rider to sign in."""
    if token is None:
        return ()
    steps = [SyncStep.PROFILE, SyncStep.LIBRARY, SyncStep.CALENDAR, SyncStep.OUTBOX]
    if decide(now, token) is not TokenDecision.USE:
        steps.insert(0, SyncStep.RENEW)
    return tuple(steps)


def calendar_window(today: date, days: int = CALENDAR_DAYS) -> tuple[date, date]:
    return today, today + timedelta(days=days - 1)


_UNREACHABLE_WORDS = {
    "dns": "the server's address cannot be looked up",
    "connect": "the server does not accept connections",
    "timeout": "the server did not answer in time",
    "dropped": "the connection to the server was dropped",
    "tls": "no secure connection to the server could be made",
}


def unreachable_words(error: Unreachable) -> str:
    return _UNREACHABLE_WORDS.get(error.kind, "the server cannot be reached")


def _trouble_words(error: ServerTrouble) -> str:
    if error.status == 429:
        return "the server is busy (too many requests)"
    if error.status == 503:
        return "the server is temporarily unavailable (HTTP 503)"
    return f"the server is having trouble (HTTP {error.status})"


_NO_CONNECTION = frozenset({"dns", "connect", "tls", "other"})


def _add(problems: list[str], words: str) -> None:
    if words not in problems:
        problems.append(words)


def _rejected_words(step: SyncStep, error: BackendError) -> str:
    if isinstance(error, BadResponse):
        return f"the server sent an unreadable answer ({step.value})"
    if isinstance(error, RequestRejected):
        return f"the server refused the {step.value} request (HTTP {error.status})"
    return f"{step.value} failed"


@dataclass
class SyncPorts:
    backend: SyncBackend
    tokens: TokenStore
    library: LibraryCache
    outbox: Outbox
    payloads: UploadPayloads
    state: SyncStateStore
    status_page: StatusPage | None = None
    reachability: Reachability | None = None


_WAIT_FOR_SIGN_IN = OutboxDecision(OutboxState.PENDING, None, "sign in to upload")


class _SignedOut(Exception):
    """Renewal answered 401: the token is dead."""


class _Cancelled(Exception):
    """cancel() was called: stop here; what is committed stays committed."""


class _Stop(Exception):
    def __init__(self, state: SyncState, detail: str) -> None:
        super().__init__(detail)
        self.state = state
        self.detail = detail


class SyncSession:
    """Runs syncs against the ports. One at a time (the worker's thread)."""

    def __init__(
        self,
        ports: SyncPorts,
        clock: Clock,
        *,
        server_url: str = "",
        rand: Callable[[], float] = random.random,
        today: Callable[[], date] | None = None,
    ) -> None:
        self.ports = ports
        self.clock = clock
        self.server_url = server_url
        self.rand = rand
        self._today = today or (lambda: clock.wall().astimezone().date())
        self._renewed = False
        self._skipped: list[tuple[str, str]] = []
        self._not_before: datetime | None = None  # this sync's Retry-After deadline
        self._cancelled = threading.Event()

    # -- closing ----------------------------------------------------------------------------
    def cancel(self) -> None:
        """Stop a running sync at the next safe point, and every later one: for good (the
        app is closing). Any thread; never blocks."""
        self._cancelled.set()

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    def _check_cancelled(self) -> None:
        if self._cancelled.is_set():
            raise _Cancelled()

    # -- the server's Retry-After -----------------------------------------------------------
    def _server_asked_to_wait(self, retry_after_s: float | None) -> None:
        """Remember the latest deadline a Retry-After gives (not believed beyond the cap)."""
        if retry_after_s is None or retry_after_s <= 0:
            return
        when = self.clock.wall() + timedelta(seconds=min(retry_after_s, RETRY_AFTER_CAP_S))
        if self._not_before is None or when > self._not_before:
            self._not_before = when

    # -- without the network ----------------------------------------------------------------
    def _token(self) -> Token | None:
        token = self.ports.tokens.load()
        if token is None:
            return None
        if self.server_url and token.server_url and token.server_url != self.server_url:
            log.info("the stored sign-in belongs to another server; sign in again")
            return None
        return token

    def snapshot(self, summary: StatusSummary | None = None) -> SyncStatus:
        """The status as last known, with fresh outbox counts and token state."""
        last = self.ports.state.last_status()
        token = self._token()
        if token is None:
            state, detail = SyncState.SIGN_IN_NEEDED, None
        elif last is None or last.state in (SyncState.SIGN_IN_NEEDED, SyncState.SYNCING):
            state, detail = SyncState.OFFLINE, "not synced yet"
        else:
            state, detail = last.state, last.detail
        not_before = last.retry_not_before if last and token is not None else None
        return self._status(
            state,
            token,
            detail=detail,
            last_success_at=last.last_success_at if last else None,
            diagnosis=last.diagnosis if last and state is SyncState.OFFLINE else None,
            skipped=last.workouts_skipped if last else (),
            summary=summary,
            retry_not_before=not_before if not_before and not_before > self.clock.wall() else None,
        )

    def _status(
        self,
        state: SyncState,
        token: Token | None,
        *,
        detail: str | None = None,
        last_success_at: datetime | None = None,
        diagnosis: str | None = None,
        skipped: tuple[tuple[str, str], ...] = (),
        summary: StatusSummary | None = None,
        retry_not_before: datetime | None = None,
    ) -> SyncStatus:
        pending = self.ports.outbox.pending()
        failed = self.ports.outbox.failed()
        token_state = TokenStorage.SIGNED_OUT if token is None else self.ports.tokens.storage
        troubled = summary.troubled_components() if summary else ()
        message = compose_message(
            state,
            rides_waiting=len(pending),
            rides_failed=len(failed),
            token_state=token_state,
            detail=detail,
            diagnosis=diagnosis,
            troubled=troubled,
            workouts_skipped=len(skipped),
            retry_not_before=retry_not_before,
        )
        status = SyncStatus(
            state=state,
            message=message,
            detail=detail,
            token_state=token_state,
            last_success_at=last_success_at,
            rides_waiting=len(pending),
            rides_failed=len(failed),
            failed_rides=tuple(
                FailedRide(r.ride_id, r.last_error or "", r.workout_name, r.started_at)
                for r in failed
            ),
            account_email=token.account.email if token else None,
            server_url=self.server_url or (token.server_url if token else None),
            diagnosis=diagnosis,
            workouts_skipped=skipped,
            updated_at=self.clock.wall(),
            next_upload_at=min(
                (r.next_attempt_at for r in pending if r.next_attempt_at is not None),
                default=None,
            ),
            retry_not_before=retry_not_before,
        )
        return status.with_service(summary)

    def syncing(self) -> SyncStatus:
        """The snapshot shown while a sync runs."""
        current = self.snapshot()
        if current.state is SyncState.SIGN_IN_NEEDED:
            return current
        return replace(current, state=SyncState.SYNCING, message="Syncing…", detail=None)

    # -- one sync ---------------------------------------------------------------------------
    def run(self) -> SyncStatus:
        """One whole sync. Never raises for anything the server or the network does.

        Steps are independent: a step that gets a bad answer, a 5xx or a timeout is
        reported and the next step still runs (uploads matter most). The sync stops early
        only when the server cannot be reached at all (DNS, connect, TLS), when it says
        "too many requests", or when the sign-in is refused. A sync cancelled before its
        last step records nothing and returns the last known status (what it committed,
        pages and uploads, stays committed)."""
        self._renewed = False
        self._skipped = []
        self._not_before = None
        previous = self.ports.state.last_status()
        last_success = previous.last_success_at if previous else None
        now = self.clock.wall()
        token = self._token()
        plan = plan_sync(now, token)
        state = SyncState.SIGN_IN_NEEDED if token is None else SyncState.UP_TO_DATE
        detail: str | None = None
        problems: list[str] = []
        answered = 0  # steps that got through
        unreachable = False
        for step in plan:
            try:
                self._check_cancelled()
                self._do(step, now, token)
                answered += 1
            except _Cancelled:
                log.info("sync stopped before %s: closing", step.value)
                return self.snapshot()
            except _SignedOut:
                state, detail = SyncState.SIGN_IN_NEEDED, "the sign-in has expired"
                break
            except AuthRejected as exc:
                state = SyncState.SIGN_IN_NEEDED
                detail = f"the server refused the sign-in ({exc.code})"
                break
            except _Stop as exc:
                state, detail = exc.state, exc.detail
                break
            except Unreachable as exc:
                unreachable = True
                log.info("sync step %s: no answer (%s)", step.value, exc.kind)
                _add(problems, unreachable_words(exc))
                if exc.kind in _NO_CONNECTION:
                    answered = 0  # no connection at all: this is offline, whatever came before
                    break
            except ServerTrouble as exc:
                log.info("sync step %s: %s", step.value, exc)
                self._server_asked_to_wait(exc.retry_after_s)
                _add(problems, _trouble_words(exc))
                if exc.status == 429:
                    break
            except (BadResponse, RequestRejected) as exc:
                log.warning("sync step %s failed: %s", step.value, exc)
                _add(problems, _rejected_words(step, exc))
        if state is SyncState.UP_TO_DATE and problems:
            detail = "; ".join(problems)
            state = SyncState.OFFLINE if unreachable and not answered else SyncState.ERROR
        closing = self.cancelled  # every step ran: record it, but ask nothing more
        diagnosis = self._diagnose() if unreachable and not closing else None
        if state is SyncState.UP_TO_DATE:
            last_success = self.clock.wall()
        summary = self._summary() if plan and not closing else None
        status = self._status(
            state,
            self._token(),
            detail=detail,
            last_success_at=last_success,
            diagnosis=diagnosis.message if diagnosis else None,
            skipped=tuple(self._skipped),
            summary=summary,
            retry_not_before=self._not_before,
        )
        self.ports.state.record(status)
        return status

    def _do(self, step: SyncStep, now: datetime, token: Token | None) -> None:
        if step is SyncStep.RENEW and token is not None:
            self._renew(must=decide(now, token) is TokenDecision.EXPIRED)
        elif step is SyncStep.PROFILE:
            profile = self._authed(self.ports.backend.me)
            self.ports.library.store_profile(profile)
        elif step is SyncStep.LIBRARY:
            self._pull_library()
        elif step is SyncStep.CALENDAR:
            first, last = calendar_window(self._today())
            entries = self._authed(partial(self.ports.backend.calendar, first, last))
            self.ports.library.store_calendar(
                first, last, [e for e in entries if first <= e.date <= last]
            )
        elif step is SyncStep.OUTBOX:
            self._drain_outbox()

    # -- the token --------------------------------------------------------------------------
    def _renew(self, *, must: bool) -> None:
        """Renew and store the new token first. `must`: the old one is (probably) no good,
        so a failure stops the sync; otherwise the old token carries on."""
        try:
            fresh = self.ports.backend.renew()
        except AuthRejected:
            self.ports.tokens.clear()
            raise _SignedOut() from None
        except (Unreachable, ServerTrouble, BadResponse, RequestRejected) as exc:
            if must:
                raise
            if isinstance(exc, ServerTrouble):
                self._server_asked_to_wait(exc.retry_after_s)
            log.info("token renewal postponed: %s", exc)
            return
        self.ports.tokens.save(fresh.for_server(self.server_url or fresh.server_url))
        self._renewed = True
        log.info("token renewed")

    def _authed(self, call: Callable[[], T]) -> T:
        """A call that a 401 answers with one renewal and one retry."""
        try:
            return call()
        except AuthRejected:
            if self._renewed:
                raise
            self._renew(must=True)
            return call()

    # -- library ----------------------------------------------------------------------------
    def _pull_library(self) -> None:
        cursor = self.ports.library.sync_cursor()
        etag: str | None = None
        stored = self.ports.state.library_etag()
        if cursor is not None and stored is not None and stored[0] == cursor:
            etag = stored[1]
        for _ in range(MAX_LIBRARY_PAGES):
            asked = cursor
            page = self._authed(partial(self.ports.backend.library_page, cursor, etag))
            if page is None:  # 304: nothing changed since the ETag
                return
            self._skipped.extend(page.invalid)
            self._skipped.extend(self.ports.library.apply_page(page))  # page + cursor, at once
            if not page.has_more:
                if asked is not None:
                    self.ports.state.set_library_etag(asked, page.etag)
                return
            if page.cursor == asked:
                raise BadResponse("library: has_more with an unchanged cursor")
            cursor, etag = page.cursor, None
            self._check_cancelled()  # a page boundary: the next sync resumes from `cursor`
        raise BadResponse("library: too many pages")

    # -- outbox -----------------------------------------------------------------------------
    def _drain_outbox(self) -> None:
        now = self.clock.wall()
        due = [r for r in self.ports.outbox.pending() if is_due(r, now)]
        due.sort(key=lambda r: (r.created_at or now, r.ride_id))
        for row in due:
            self._check_cancelled()
            self._upload(row)

    def _upload(self, row: OutboxRow) -> None:
        outbox = self.ports.outbox
        attempts = row.attempts + 1
        now = self.clock.wall()
        # committed before the network call: a crash mid-upload backs off like a failure
        outbox.note_attempt(
            row.ride_id, attempts, now + timedelta(seconds=backoff_delay_s(attempts, self.rand))
        )
        try:
            body, sha256 = self.ports.payloads.payload(row.ride_id)
        except RidePayloadError as exc:
            log.warning("ride %s cannot be prepared for upload: %s", row.ride_id, exc.reason)
            if exc.permanent:
                outbox.apply(row.ride_id, OutboxDecision(OutboxState.FAILED, None, exc.reason))
            else:
                outbox.apply(row.ride_id, retry_later(exc.reason, attempts, now, self.rand))
            return
        try:
            result = self.ports.backend.put_ride(row.ride_id, body, sha256)
            decision = decide_upload(result, attempts, self.clock.wall(), self.rand)
            if decision.needs_sign_in and not self._renewed:
                self._renew(must=True)
                result = self.ports.backend.put_ride(row.ride_id, body, sha256)
                decision = decide_upload(result, attempts, self.clock.wall(), self.rand)
        except (_SignedOut, AuthRejected):
            outbox.apply(row.ride_id, _WAIT_FOR_SIGN_IN)
            raise
        except BackendError as exc:  # no usable answer: this ride waits, the sync stops
            outbox.apply(row.ride_id, retry_later(str(exc), attempts, self.clock.wall(), self.rand))
            raise
        outbox.apply(row.ride_id, decision)
        if decision.delivered:
            log.info("ride %s uploaded (HTTP %s)", row.ride_id, result.status)
            self.ports.payloads.discard(row.ride_id)
        elif decision.state is OutboxState.FAILED:
            log.warning("ride %s refused for good: HTTP %s", row.ride_id, result.status)
        if decision.needs_sign_in:
            raise _Stop(SyncState.SIGN_IN_NEEDED, "the server refused the sign-in")
        if result.status >= 500 or result.status in (408, 425, 429):
            raise ServerTrouble(result.status, result.retry_after_s)

    # -- explaining failures ----------------------------------------------------------------
    def _diagnose(self) -> Diagnosis | None:
        if self.ports.reachability is None:
            return None
        try:
            return self.ports.reachability.diagnose()
        except Exception:  # a diagnosis is a nicety; it must never break a sync
            log.exception("reachability check failed")
            return None

    def _summary(self) -> StatusSummary | None:
        if self.ports.status_page is None:
            return None
        try:
            return self.ports.status_page.summary()
        except BackendError as exc:
            log.info("service status unavailable: %s", exc)
            return None
