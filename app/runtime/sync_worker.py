"""The sync worker: one thread, one sync at a time (ARCHITECTURE.md, "Threads").

Triggers: at start, every SYNC_INTERVAL_S, after a ride finishes (`request_sync`),
"Sync now" (`sync_now`), when a waiting ride's retry time comes, and when connectivity
returns (while offline, a cheap TCP probe every few seconds, backing off).

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
    def request_sync(self, reason: str = "requested", delay_s: float = 0.0) -> None:
        when = self.clock.monotonic_s() + max(0.0, delay_s)
        with self._flag_lock:
            if self._requested_at is None or when < self._requested_at:
                self._requested_at = when
                self._request_reason = reason
        self._wake.set()

    def sync_now(self) -> None:
        self.request_sync("sync now")

    def ride_finished(self) -> None:
        self.request_sync("ride finished", RIDE_FINISHED_DELAY_S)

    def _take_request(self, now: float) -> str | None:
        with self._flag_lock:
            if self._requested_at is not None and self._requested_at <= now:
                self._requested_at = None
                return self._request_reason
        return None

    def _pending_request_at(self) -> float | None:
        with self._flag_lock:
            return self._requested_at

    # -- running ----------------------------------------------------------------------------
    def start(self) -> SyncWorker:
        if self._thread is None:
            self._thread = threading.Thread(
                target=self.run_forever, name="sync-worker", daemon=True
            )
            self._thread.start()
        return self

    def stop(self, timeout_s: float = 5.0) -> bool:
        """Ask the loop to end; True when the thread has ended within the timeout (a sync in
        progress finishes its current request first; the thread is a daemon regardless)."""
        self._stopping.set()
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

    def _next_sync_after(self, status: SyncStatus, now: float) -> float:
        delay = self.interval_s
        if status.next_upload_at is not None and status.state is not SyncState.SIGN_IN_NEEDED:
            until_retry = (status.next_upload_at - self.clock.wall()).total_seconds()
            delay = min(delay, max(MIN_RETRY_GAP_S, until_retry))
        return now + delay

    def run_forever(self) -> None:
        """The loop (the thread's target; tests call it directly with a fake wait)."""
        now = self.clock.monotonic_s()
        next_sync = now if self._sync_at_start else now + self.interval_s
        next_probe: float | None = None
        probe_gap = self.probe_interval_s
        if not self._sync_at_start:
            self._publish(self.status)
        while not self._stopping.is_set():
            now = self.clock.monotonic_s()
            reason = self._take_request(now)
            if reason is None and now >= next_sync:
                reason = "start" if self.syncs == 0 and self._sync_at_start else "interval"
            if reason is None and next_probe is not None and now >= next_probe:
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
            deadline = min(next_sync, next_probe if next_probe is not None else math.inf)
            requested = self._pending_request_at()
            if requested is not None:
                deadline = min(deadline, requested)
            self._wait(max(0.0, deadline - self.clock.monotonic_s()))
            self._wake.clear()
        log.info("sync worker stopped")

    def _probe(self) -> bool:
        if self.probe is None:
            return False
        try:
            return bool(self.probe())
        except Exception:
            log.exception("connectivity probe failed")
            return False
