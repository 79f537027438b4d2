"""The sync worker: one thread, one sync at a time (ARCHITECTURE.md, "Threads").

Triggers: at start, every SYNC_INTERVAL_S, after a ride finishes (`ride_finished`),
"Sync now" (`sync_now`), when a waiting ride's retry time comes, and when connectivity
returns (while offline, a cheap TCP probe every few seconds, backing off).

The server's Retry-After: a sync that met one (429/503, any request) ends with the
deadline in `status.retry_not_before` (kept with the last status, so a restart honours it
too), and its message says "The server asked Freewheel to wait: it will try again at
HH:MM." Until then the worker calls the server on nobody's behalf: the start and interval
syncs, the after-ride trigger, a waiting ride's retry and the offline probe all wait for
the deadline; the next sync runs at the later of its usual time and the deadline. Only an
explicit request goes at once: "Sync now" (`sync_now`). The rider has been told the time
and asks anyway (the maintenance may be over); that is one sync per press, while the
automatic traffic, the bulk of it, keeps to the server's wish. A ride whose own upload met
the Retry-After still waits for its own retry time, "Sync now" or not (the outbox rule).
Every status the worker publishes after a sync carries `next_sync_at`, when it will try
by itself.

Closing: `stop()` cancels the session, so a sync in progress ends at its next safe point
(a library page boundary: each page is committed with its cursor; between steps; between
uploads), then joins the thread; the owner then closes the connections.

It never blocks or slows the ride: it runs on its own thread with its own connections
(injected), shares no lock with the ride path, and `request_sync` only sets a flag.
Tests drive it without sleeping: inject a Clock and a `wait(timeout_s) -> bool`
(default: threading.Event.wait) and call `run_forever()` or `run_once()` directly.
"""

from __future__ import annotations

import logging
import math
import threading
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta

from app.core.ports import Clock
from app.core.sync.ports import SyncRunner
from app.core.sync.status import SyncState, SyncStatus

__all__ = [
    "OFFLINE_PROBE_INTERVAL_S",
    "RIDE_FINISHED_DELAY_S",
    "SYNC_INTERVAL_S",
    "SyncWorker",
]

log = logging.getLogger(__name__)

SYNC_INTERVAL_S = 300.0
OFFLINE_PROBE_INTERVAL_S = 15.0
RIDE_FINISHED_DELAY_S = 3.0  # let the journal writer commit the ride's outbox row first
MIN_RETRY_GAP_S = 5.0

Listener = Callable[[SyncStatus], None]


class SyncWorker:
    def __init__(
        self,
        session: SyncRunner,
        clock: Clock,
        *,
        interval_s: float = SYNC_INTERVAL_S,
        probe: Callable[[], bool] | None = None,
        probe_interval_s: float = OFFLINE_PROBE_INTERVAL_S,
        wait: Callable[[float], bool] | None = None,
        sync_at_start: bool = True,
    ) -> None:
        self.session = session
        self.clock = clock
        self.interval_s = interval_s
        self.probe = probe
        self.probe_interval_s = probe_interval_s
        self._wake = threading.Event()
        self._wait = wait or self._wake.wait
        self._stopping = threading.Event()
        self._sync_at_start = sync_at_start
        self._flag_lock = threading.Lock()  # guards the request fields below only
        self._requested_at: float | None = None
        self._request_reason = ""
        self._request_explicit = False  # the rider asked: not held by the server's deadline
        self._hold_until: float | None = None  # monotonic: the server's Retry-After deadline
        self._looping = False
        self._run_lock = threading.Lock()  # one sync at a time
        self._listeners: list[Listener] = []
        self._status: SyncStatus | None = None
        self._thread: threading.Thread | None = None
        self.syncs = 0  # how many syncs ran (for tests and diagnostics)
        self.last_reason = ""

    # -- listeners --------------------------------------------------------------------------
    def add_listener(self, listener: Listener) -> Callable[[], None]:
        """Called on the worker's thread with every new snapshot. Returns an unsubscribe."""
        self._listeners.append(listener)

        def remove() -> None:
            if listener in self._listeners:
                self._listeners.remove(listener)

        return remove

    @property
    def status(self) -> SyncStatus:
        if self._status is None:
            self._status = self._safe(self.session.snapshot)
        return self._status

    def _publish(self, status: SyncStatus) -> None:
        self._status = status
        for listener in list(self._listeners):
            try:
                listener(status)
            except Exception:
                log.exception("sync status listener failed")

    # -- triggers (any thread, never block) -------------------------------------------------
    def request_sync(
        self, reason: str = "requested", delay_s: float = 0.0, *, explicit: bool = False
    ) -> None:
        """A sync `delay_s` from now. Held until the server's Retry-After deadline unless
        `explicit` (the rider asked for it); requests coalesce into one sync."""
        when = self.clock.monotonic_s() + max(0.0, delay_s)
        with self._flag_lock:
            if self._requested_at is None or when < self._requested_at:
                self._requested_at = when
                self._request_reason = reason
            if explicit:
                self._request_explicit = True
                self._request_reason = reason
        self._wake.set()

    def sync_now(self) -> None:
        """The rider's "Sync now": goes at once, even before the server's deadline."""
        self.request_sync("sync now", explicit=True)

    def ride_finished(self) -> None:
        self.request_sync("ride finished", RIDE_FINISHED_DELAY_S)

    def _request_due_at(self) -> float | None:
        """When the pending request may run (caller holds _flag_lock)."""
        if self._requested_at is None:
            return None
        if self._request_explicit or self._hold_until is None:
            return self._requested_at
        return max(self._requested_at, self._hold_until)

    def _take_request(self, now: float) -> str | None:
        with self._flag_lock:
            due = self._request_due_at()
            if due is not None and due <= now:
                self._requested_at = None
                self._request_explicit = False
                return self._request_reason
        return None

    def _pending_request_at(self) -> float | None:
        with self._flag_lock:
            return self._request_due_at()

    # -- running ----------------------------------------------------------------------------
    def start(self) -> SyncWorker:
        if self._thread is None:
            self._thread = threading.Thread(
                target=self.run_forever, name="sync-worker", daemon=True
            )
            self._thread.start()
        return self

    def stop(self, timeout_s: float = 5.0) -> bool:
        """End the loop and cancel the session: a sync in progress stops at its next safe
        point (the request in flight finishes first). True when the thread has ended within
        the timeout (it is a daemon regardless). For good: the session stays cancelled."""
        self._stopping.set()
        try:
            self.session.cancel()
        except Exception:
            log.exception("cancelling the sync failed")
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout_s)
            return not self._thread.is_alive()
        return True

    @property
    def stopping(self) -> bool:
        return self._stopping.is_set()

    def run_once(self, reason: str = "once") -> SyncStatus:
        """One sync, now, on the calling thread (waits for a sync already running)."""
        with self._run_lock:
            self.syncs += 1
            self.last_reason = reason
            log.info("sync started (%s)", reason)
            self._publish(self._safe(self.session.syncing))
            status = self._safe(self.session.run)
            log.info("sync finished: %s", status.state.value)
            now = self.clock.monotonic_s()
            self._hold_until = self._monotonic_at(status.retry_not_before, now)
            if self._looping:  # the loop's next sync (run_forever computes the same)
                next_sync = self._next_sync_after(status, now)
                at = (
                    status.retry_not_before  # exactly the time the message names
                    if next_sync == self._hold_until
                    else self._wall_at(next_sync, now)
                )
                status = replace(status, next_sync_at=at)
            self._publish(status)
            return status

    def _safe(self, call: Callable[[], SyncStatus]) -> SyncStatus:
        try:
            return call()
        except Exception as exc:  # a bug or a broken disk must not kill the worker
            log.exception("sync failed unexpectedly")
            previous = self._status
            message = f"Sync failed unexpectedly ({type(exc).__name__}); it will try again."
            if previous is not None:
                return replace(
                    previous, state=SyncState.ERROR, message=message, detail=type(exc).__name__
                )
            return SyncStatus(SyncState.ERROR, message, detail=type(exc).__name__)

    def _monotonic_at(self, when: datetime | None, now: float) -> float | None:
        """A wall-clock deadline on the monotonic clock; None if absent or past."""
        if when is None:
            return None
        until = (when - self.clock.wall()).total_seconds()
        return now + until if until > 0 else None

    def _wall_at(self, at: float, now: float) -> datetime:
        return self.clock.wall() + timedelta(seconds=at - now)

    def _next_sync_after(self, status: SyncStatus, now: float) -> float:
        """The usual schedule (the interval, sooner for a waiting ride's retry), never
        before the server's Retry-After deadline."""
        delay = self.interval_s
        if status.next_upload_at is not None and status.state is not SyncState.SIGN_IN_NEEDED:
            until_retry = (status.next_upload_at - self.clock.wall()).total_seconds()
            delay = min(delay, max(MIN_RETRY_GAP_S, until_retry))
        return self._held(now + delay)

    def _held(self, at: float) -> float:
        """`at`, or the server's deadline if that is later."""
        return at if self._hold_until is None else max(at, self._hold_until)

    def run_forever(self) -> None:
        """The loop (the thread's target; tests call it directly with a fake wait)."""
        self._looping = True
        try:
            self._loop()
        finally:
            self._looping = False
        log.info("sync worker stopped")

    def _loop(self) -> None:
        now = self.clock.monotonic_s()
        # a deadline from before a restart holds the start sync too
        self._hold_until = self._monotonic_at(self.status.retry_not_before, now)
        next_sync = self._held(now if self._sync_at_start else now + self.interval_s)
        next_probe: float | None = None
        probe_gap = self.probe_interval_s
        if not self._sync_at_start or next_sync > now:
            self._publish(replace(self.status, next_sync_at=self._wall_at(next_sync, now)))
        while not self._stopping.is_set():
            now = self.clock.monotonic_s()
            reason = self._take_request(now)
            if reason is None and now >= next_sync:
                reason = "start" if self.syncs == 0 and self._sync_at_start else "interval"
            if reason is None and next_probe is not None and now >= self._held(next_probe):
                if self._probe():
                    reason = "connectivity back"
                else:
                    next_probe = now + probe_gap
            if reason is not None:
                status = self.run_once(reason)
                now = self.clock.monotonic_s()
                next_sync = self._next_sync_after(status, now)
                if status.state is SyncState.OFFLINE and self.probe is not None:
                    # back off the probe when it said "back" but the sync still failed
                    probe_gap = (
                        min(probe_gap * 2, self.interval_s)
                        if reason == "connectivity back"
                        else self.probe_interval_s
                    )
                    next_probe = now + probe_gap
                else:
                    next_probe, probe_gap = None, self.probe_interval_s
            if self._stopping.is_set():
                break
            probe_at = self._held(next_probe) if next_probe is not None else math.inf
            deadline = min(next_sync, probe_at)
            requested = self._pending_request_at()
            if requested is not None:
                deadline = min(deadline, requested)
            self._wait(max(0.0, deadline - self.clock.monotonic_s()))
            self._wake.clear()

    def _probe(self) -> bool:
        if self.probe is None:
            return False
        try:
            return bool(self.probe())
        except Exception:
            log.exception("connectivity probe failed")
            return False
