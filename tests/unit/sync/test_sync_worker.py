"""The sync worker's triggers and threading, driven by a fake clock and a fake wait: no
sleeps. One test uses a real thread to prove request_sync never blocks."""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from datetime import datetime, timedelta

from sync_fakes import T0, FakeClock, rig

from app.core.sync.status import SyncState, SyncStatus
from app.runtime.sync_worker import RIDE_FINISHED_DELAY_S, SyncWorker


class ScriptedSession:
    """Answers run() from a list of states (the last repeats)."""

    def __init__(self, clock: FakeClock, *states: SyncState, run_s: float = 1.0) -> None:
        self.clock = clock
        self.states = list(states) or [SyncState.UP_TO_DATE]
        self.runs: list[float] = []
        self.run_s = run_s
        self.next_upload_at = None
        self.fail_next = False
        self.retry_after_s: list[float | None] = []  # per run: the server's Retry-After
        self.last: SyncStatus | None = None  # what snapshot() returns (the recorded status)
        self.cancelled = 0

    def run(self) -> SyncStatus:
        self.runs.append(self.clock.monotonic_s())
        self.clock.advance(self.run_s)
        if self.fail_next:
            self.fail_next = False
            raise RuntimeError("disk on fire")
        state = self.states.pop(0) if len(self.states) > 1 else self.states[0]
        retry_after = self.retry_after_s.pop(0) if self.retry_after_s else None
        not_before = self.clock.wall() + timedelta(seconds=retry_after) if retry_after else None
        return SyncStatus(
            state, state.value, next_upload_at=self.next_upload_at, retry_not_before=not_before
        )

    def syncing(self) -> SyncStatus:
        return SyncStatus(SyncState.SYNCING, "Syncing…")

    def snapshot(self) -> SyncStatus:
        return self.last or SyncStatus(SyncState.OFFLINE, "not synced yet")

    def cancel(self) -> None:
        self.cancelled += 1


class FakeWait:
    """Advances the clock by the timeout (time passes while waiting); `events` can inject
    a call at a given wait number; stops the worker after `limit` waits."""

    def __init__(self, clock: FakeClock, limit: int) -> None:
        self.clock = clock
        self.limit = limit
        self.timeouts: list[float] = []
        self.worker: SyncWorker | None = None
        self.events: dict[int, object] = {}

    def __call__(self, timeout: float) -> bool:
        self.timeouts.append(timeout)
        action = self.events.get(len(self.timeouts))
        if callable(action):
            self.clock.advance(min(timeout, 1.0))
            action()
        else:
            self.clock.advance(timeout)
        if len(self.timeouts) >= self.limit and self.worker is not None:
            self.worker.stop()
        return False


def make(states=(), limit=5, probe=None, interval_s=300.0, **kw):
    clock = FakeClock()
    session = ScriptedSession(clock, *states)
    wait = FakeWait(clock, limit)
    worker = SyncWorker(session, clock, interval_s=interval_s, wait=wait, probe=probe, **kw)
    wait.worker = worker
    return worker, session, wait, clock


def relative(session, clock0=1000.0):
    return [round(t - clock0, 3) for t in session.runs]


def test_syncs_at_start_and_every_interval():
    worker, session, wait, _ = make(limit=3)
    seen: list[SyncStatus] = []
    worker.add_listener(seen.append)
    worker.run_forever()
    assert relative(session) == [0, 301, 602]
    assert wait.timeouts == [300, 300, 300]
    assert [s.state for s in seen] == [SyncState.SYNCING, SyncState.UP_TO_DATE] * 3
    assert worker.status.state is SyncState.UP_TO_DATE


def test_no_sync_at_start_when_asked():
    worker, session, wait, _ = make(limit=1, sync_at_start=False)
    worker.run_forever()
    assert session.runs == []
    assert wait.timeouts == [300]


def test_sync_now_and_ride_finished():
    worker, session, wait, _ = make(limit=4)
    wait.events = {1: worker.sync_now, 2: worker.ride_finished}
    worker.run_forever()
    # start at 0; "sync now" during the first wait (1 s later); the ride finished 1 s into
    # the second wait and syncs RIDE_FINISHED_DELAY_S after that
    runs = relative(session)
    assert runs[0] == 0 and runs[1] == 2
    assert runs[2] == 3 + 1 + RIDE_FINISHED_DELAY_S
    assert worker.syncs == 3 and worker.last_reason == "ride finished"


def test_connectivity_probe_while_offline_then_back():
    answers = iter([False, False, True])
    worker, session, wait, _ = make(
        states=(SyncState.OFFLINE, SyncState.UP_TO_DATE),
        limit=5,
        probe=lambda: next(answers, True),
        probe_interval_s=15,
    )
    worker.run_forever()
    # offline at 0 -> probe at 16, 31 (down), 46 (up) -> sync; then back to the interval
    assert relative(session) == [0, 46, 347]
    assert wait.timeouts[:3] == [15, 15, 15]
    assert wait.timeouts[3] == 300


def test_probe_backs_off_when_the_server_still_fails():
    worker, session, _, _ = make(
        states=(SyncState.OFFLINE,),
        limit=6,
        probe=lambda: True,
        probe_interval_s=10,
        interval_s=1000,
    )
    worker.run_forever()
    gaps = [round(b - a) for a, b in zip(session.runs, session.runs[1:], strict=False)]
    assert gaps[0] < gaps[1] < gaps[2]  # 10, 20, 40 ... never a tight loop


def test_no_probe_when_not_offline():
    calls = []
    worker, _, _, _ = make(
        states=(SyncState.ERROR,), limit=2, probe=lambda: calls.append(1) or True
    )
    worker.run_forever()
    assert calls == []


def test_a_waiting_ride_wakes_the_worker_at_its_retry_time():
    worker, session, wait, clock = make(limit=2)
    session.next_upload_at = clock.wall() + timedelta(seconds=61)
    worker.run_forever()
    assert wait.timeouts[0] == 60  # 61 s from the start, 1 s of which the sync took


def test_an_exploding_session_or_listener_does_not_kill_the_worker():
    worker, session, _, _ = make(limit=2)
    session.fail_next = True
    seen = []
    worker.add_listener(lambda s: 1 / 0)
    worker.add_listener(seen.append)
    worker.run_forever()
    assert seen[1].state is SyncState.ERROR and "unexpectedly" in seen[1].message
    assert seen[-1].state is SyncState.UP_TO_DATE
    assert worker.syncs == 2


def test_unsubscribe():
    worker, _, _, _ = make(limit=1)
    seen = []
    remove = worker.add_listener(seen.append)
    remove()
    worker.run_forever()
    assert seen == []


def test_with_the_real_session_and_fakes():
    r = rig("ride-1")
    wait = FakeWait(r.clock, 2)
    worker = SyncWorker(r.session, r.clock, wait=wait)
    wait.worker = worker
    states = []
    worker.add_listener(lambda s: states.append(s.state))
    worker.run_forever()
    assert states == [SyncState.SYNCING, SyncState.UP_TO_DATE] * 2
    assert r.backend.names().count("put") == 1


class BlockingSession(ScriptedSession):
    def __init__(self, clock):
        super().__init__(clock)
        self.entered = threading.Event()
        self.release = threading.Event()

    def run(self) -> SyncStatus:
        self.entered.set()
        self.release.wait(5)
        return replace(super().run(), message="done")


def test_real_thread_request_sync_never_blocks_and_stop_joins():
    clock = FakeClock()
    session = BlockingSession(clock)
    worker = SyncWorker(session, clock, interval_s=3600).start()
    try:
        assert session.entered.wait(5)
        began = time.perf_counter()
        for _ in range(1000):  # a ride finishing while a slow sync is in progress
            worker.request_sync("ride finished")
        assert time.perf_counter() - began < 0.5
        session.release.set()
        deadline = time.monotonic() + 5
        while worker.syncs < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert worker.syncs == 2  # the thousand requests became one sync
    finally:
        session.release.set()
        assert worker.stop(5)


# -- the server's Retry-After ----------------------------------------------------------------


def clock_at(seconds_from_start: float) -> datetime:
    """The fake clock's wall time `seconds_from_start` after the worker began."""
    return T0 + timedelta(seconds=seconds_from_start)


def test_retry_after_holds_every_automatic_trigger_until_the_deadline():
    worker, session, wait, _ = make(limit=4, interval_s=30)
    session.retry_after_s = [120.0]  # the first sync meets a 503 with Retry-After: 120
    seen: list[SyncStatus] = []
    worker.add_listener(seen.append)
    wait.events = {1: worker.ride_finished, 2: lambda: worker.request_sync("connectivity back")}
    worker.run_forever()
    # the sync took 1 s, so the deadline is at 121: the interval (30 s), the finished ride
    # (1 s into the first wait, due 3 s later) and the other trigger (1 s into the second)
    # all wait for it
    assert relative(session) == [0, 121]
    assert wait.timeouts[:3] == [120, 119, 118]
    assert worker.last_reason == "connectivity back"  # a held request, run at the deadline
    first = seen[1]
    assert first.retry_not_before == clock_at(121)
    assert first.next_sync_at == clock_at(121)  # the status says when the next try is
    assert seen[3].retry_not_before is None
    assert seen[3].next_sync_at == clock_at(122 + 30)  # the deadline passed: the interval


def test_sync_now_is_the_riders_own_and_goes_before_the_deadline():
    worker, session, wait, _ = make(limit=3, interval_s=30)
    session.retry_after_s = [120.0, 120.0]
    wait.events = {1: worker.ride_finished, 2: worker.sync_now}
    worker.run_forever()
    # the ride finished during the first wait and is held; "Sync now" (1 s into the
    # second wait) goes at once, and takes the held request with it
    assert relative(session) == [0, 3]
    assert worker.last_reason == "sync now"
    # that sync met the Retry-After again: the next one waits for the new deadline
    assert wait.timeouts[2] == 120


def test_a_deadline_from_before_a_restart_holds_the_start_sync():
    worker, session, wait, clock = make(limit=2)
    session.last = SyncStatus(
        SyncState.ERROR, "busy", retry_not_before=clock.wall() + timedelta(seconds=90)
    )
    seen: list[SyncStatus] = []
    worker.add_listener(seen.append)
    worker.run_forever()
    assert relative(session) == [90]
    assert wait.timeouts[0] == 90
    assert seen[0].state is SyncState.ERROR and seen[0].next_sync_at == clock_at(90)


def test_a_past_deadline_holds_nothing():
    worker, session, _, clock = make(limit=1)
    session.last = SyncStatus(
        SyncState.ERROR, "busy", retry_not_before=clock.wall() - timedelta(seconds=1)
    )
    worker.run_forever()
    assert relative(session) == [0]


def test_the_offline_probe_waits_for_the_deadline_too():
    probes: list[float] = []
    worker, session, _, clock = make(
        states=(SyncState.OFFLINE, SyncState.UP_TO_DATE),
        limit=3,
        probe=lambda: probes.append(clock.monotonic_s()) or True,
        probe_interval_s=15,
    )
    session.retry_after_s = [60.0]
    worker.run_forever()
    # offline, but the server had asked for 60 s: no probe (and no sync) before 61
    assert [round(p - 1000.0) for p in probes] == [61]
    assert relative(session)[:2] == [0, 61]


def test_a_waiting_rides_retry_does_not_jump_the_deadline():
    worker, session, wait, clock = make(limit=2)
    session.next_upload_at = clock.wall() + timedelta(seconds=31)
    session.retry_after_s = [60.0]
    worker.run_forever()
    assert wait.timeouts[0] == 60


def test_stop_cancels_the_running_session():
    worker, session, _, _ = make(limit=1)
    worker.run_forever()
    assert session.cancelled == 1
