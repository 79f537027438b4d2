"""Acceptance: riding never waits for sync, whatever the server does.

For every fault of the matrix, against the REAL reference server (a subprocess on
127.0.0.1, one per module, faults switched through its loopback-only /_admin/faults):

- two short rides run back to back on the real ride stack (device loop, simulated trainer,
  journal writer) on a ScaledClock at 20x, while the sync worker (the app's own wiring,
  `build_sync_stack`) syncs against the faulty server: at start, every second, after each
  ride, and whenever the ride's observer presses "Sync now" (every 10 ride-seconds);
- the 1 Hz tick keeps its schedule: every interval between consecutive ticks is 1 ride-second
  within tolerance, p99 of |interval - 1 s| < 75 ms of real time (1.5 ride-seconds at 20x)
  (printed per fault, and in a table at the end of the module);
- nothing is lost: every sample of both rides is in rides.db, both rides are queued in the
  outbox, and none counts as delivered while the fault lasts;
- after the fault clears (faults reset / the server comes back / the rider signs in again)
  and a sync runs, both rides are delivered exactly once: the server lists each ride id
  once with the SHA-256 of the ride's FIT file, the client's outbox rows say 'delivered',
  and the server answered 201 to exactly one upload of each ride.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from hashlib import sha256
from pathlib import Path
from typing import Any

import httpx
import pytest

pytest.importorskip("fastapi")
pytest.importorskip("uvicorn")

from sync_acceptance_support import (
    RIDE_FTP_W,
    ClientRig,
    ServerProcess,
    SyncNudger,
    jitter_ride_s,
    make_client,
    p99,
    reserve_port,
    revoke,
    server_db_ride_ids,
    server_rides,
    short_workout,
    sign_in,
    start_server,
    start_server_on_port,
)

from app.compose.ride import build_ride_stack
from app.core.sync.status import SyncState
from app.infra.export.fit_activity import encode_fit_activity
from app.infra.export.ride_export import load_export_ride
from app.runtime.clock import ScaledClock

SPEED = 20.0  # ride-seconds per real second
RIDE_S = (45, 45)  # two short rides back to back: 4.5 s of real time
# A tick held up by sync (a hang, a slow or endless response) would be late by seconds.
# What a loaded 2-core CI machine adds on its own is thread scheduling and GC pauses of a
# few tens of milliseconds: the bound is 75 ms of real time, in ride-seconds at SPEED.
JITTER_LIMIT_RIDE_S = 0.075 * SPEED
SYNC_INTERVAL_S = 1.0  # the worker syncs again one second after each sync
NUDGE_EVERY_RIDE_S = 10
RECOVERY_TIMEOUT_S = 45.0


@dataclass(frozen=True)
class FaultCase:
    id: str
    faults: dict[str, str] = field(default_factory=dict)  # group -> spec (/_admin/faults)
    # how a sync that ends while the fault is on may end (with the slow faults, the one
    # sync that started may still be busy when both rides are over)
    states: frozenset[SyncState] = frozenset({SyncState.ERROR})
    http_timeout: httpx.Timeout | None = None  # None: the production timeouts
    min_requests: int = 3  # requests the worker sends while the fault lasts, at least
    # the first ride's upload meets the fault while the second ride runs (fast failures)
    upload_meets_fault: bool = False


OFFLINE = frozenset({SyncState.OFFLINE})
CASES = [
    FaultCase("server-down", states=OFFLINE),
    FaultCase("http-500", {"all": "500"}),
    FaultCase("http-503-retry-after", {"all": "503:retry-after=60"}, upload_meets_fault=True),
    FaultCase("401-on-renew", states=frozenset({SyncState.SIGN_IN_NEEDED})),
    FaultCase("http-429", {"all": "429"}),
    # production read timeout is 15 s; 8 s lets the client's own timeout end the hang
    FaultCase(
        "hang-10s",
        {"all": "hang:10"},
        states=OFFLINE,
        http_timeout=httpx.Timeout(connect=5.0, read=8.0, write=30.0, pool=5.0),
        min_requests=1,  # the first one hangs through both rides
    ),
    FaultCase("reset-mid-body", {"all": "drop"}, states=OFFLINE),
    FaultCase("malformed-json", {"all": "malformed"}, upload_meets_fault=True),
    FaultCase("wrong-types", {"all": "wrong-types"}, upload_meets_fault=True),
    FaultCase("endless-body", {"all": "endless:30"}, upload_meets_fault=True),
]


# -- fixtures ----------------------------------------------------------------------------------


class _JitterSummary:
    """Prints the jitter table in pytest's terminal summary (a plugin registered at run time:
    a fixture's own output would be captured)."""

    def __init__(self) -> None:
        self.rows: dict[str, dict[str, Any]] = {}

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if not self.rows:
            return
        write = terminalreporter.write_line
        terminalreporter.section("ride tick jitter during sync faults")
        write(f"ScaledClock x{SPEED:g}; jitter = |tick interval - 1 s| in ride-seconds")
        write(
            f"  {'fault':<22} {'ticks':>5} {'p99':>7} {'max':>7} {'syncs':>5} {'reqs':>5} "
            f"{'PUTs':>4}  sync states during the fault"
        )
        for name, row in self.rows.items():
            write(
                f"  {name:<22} {row['ticks']:>5} {row['p99']:>7.4f} {row['max']:>7.4f} "
                f"{row['syncs']:>5} {row['requests']:>5} {row['uploads']:>4}  {row['states']}"
            )


@pytest.fixture(scope="module")
def jitter_table(request: pytest.FixtureRequest) -> dict[str, dict[str, Any]]:
    summary = _JitterSummary()
    request.config.pluginmanager.register(summary, f"sync-fault-jitter-{id(summary)}")
    return summary.rows


@pytest.fixture(scope="module")
def module_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    server = start_server(tmp_path_factory.mktemp("fault-matrix-server"))
    yield server
    server.stop()


@pytest.fixture
def server(module_server: ServerProcess) -> Iterator[ServerProcess]:
    module_server.reset()
    yield module_server
    module_server.reset()


# -- helpers -----------------------------------------------------------------------------------


def fit_sha(rides_db: Path, ride_id: str) -> str:
    """SHA-256 of the ride's FIT activity file as the client encodes it (deterministic)."""
    return sha256(encode_fit_activity(load_export_ride(rides_db, ride_id))).hexdigest()


def ride_twice(ride_stack: Any, client: ClientRig) -> list[Any]:
    """Two rides back to back; each presses "Sync now" every few ride-seconds."""
    handles = []
    for n, seconds in enumerate(RIDE_S):
        nudger = SyncNudger(client.worker.sync_now, every=NUDGE_EVERY_RIDE_S)
        handle = ride_stack.start(
            short_workout(seconds, f"Fault ride {n + 1}"), ftp_w=RIDE_FTP_W, observers=[nudger]
        )
        summary = handle.done.result(timeout=60)
        assert summary is not None, "the ride did not finish"
        handles.append(handle)
    ride_stack.journal.flush()  # everything the ticker queued is now committed (or kept)
    return handles


def recover_and_sync(client: ClientRig) -> Any:
    """Once the server is well again: let the sync in flight (if any) end, move the
    client's clock past every retry time the fault caused, press "Sync now", and return
    the status of that sync."""
    client.watch.wait_finished(client.watch.started(), RECOVERY_TIMEOUT_S)
    client.clock.advance(hours=2)
    mark = client.watch.started()
    client.worker.sync_now()
    status = client.watch.wait_finished(mark + 1, RECOVERY_TIMEOUT_S)
    assert status is not None
    return status


# -- the matrix --------------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_rides_keep_time_and_arrive_once_through_a_sync_fault(
    case: FaultCase,
    server: ServerProcess,
    tmp_path: Path,
    jitter_table: dict[str, dict[str, Any]],
) -> None:
    viewer = server.sign_in_raw()  # reads the server's ride list, whatever the client does
    stored_before = {r["id"] for r in server_rides(server, viewer)}
    token = sign_in(server.url)
    reservation = reserve_port() if case.id == "server-down" else None
    url = (
        f"http://127.0.0.1:{reservation.getsockname()[1]}" if reservation else server.url
    )  # the down server: a loopback port where nothing listens
    stack_kwargs: dict[str, Any] = {"interval_s": SYNC_INTERVAL_S}
    if case.http_timeout is not None:
        stack_kwargs["http_timeout"] = case.http_timeout
    client = make_client(tmp_path / "client", url, token, **stack_kwargs)
    ride_stack = build_ride_stack(
        client.paths,
        clock=ScaledClock(SPEED),
        ftp_w=RIDE_FTP_W,
        after_ride=client.worker.ride_finished,
    )
    revived: ServerProcess | None = None
    try:
        # -- the fault ---------------------------------------------------------------------
        if case.faults:
            server.faults(**case.faults)
        if case.id == "401-on-renew":
            revoke(server.url, token)  # "sign out everywhere" on the website
            server.shift_clock(days=8)  # both sides past renew_after: the sync renews first
            client.clock.advance(days=8)
        fault_on = time.monotonic()
        client.worker.start()
        handles = ride_twice(ride_stack, client)
        fault_off = time.monotonic()
        ride_ids = [h.ride_id for h in handles]

        # -- the ride kept its schedule ----------------------------------------------------
        jitter: list[float] = []
        ticks = 0
        for handle, seconds in zip(handles, RIDE_S, strict=True):
            times = handle.trace_times_s()
            assert len(times) == seconds, "a tick is missing"
            ticks += len(times)
            jitter += jitter_ride_s(times)
        during = client.watch.finished_between(fault_on, fault_off)
        requests = client.wire.between(fault_on, fault_off)  # answered (or failed)
        sent = client.wire.sent_between(fault_on, fault_off)
        jitter_table[case.id] = {
            "ticks": ticks,
            "p99": p99(jitter),
            "max": max(jitter),
            "syncs": client.watch.started(),
            "requests": len(sent),
            "uploads": len([s for s in sent if s[1] == "PUT"]),
            "states": sorted({s.state.value for s in during}),
        }
        print(
            f"{case.id}: tick jitter p99 {p99(jitter):.4f} ride-s, max {max(jitter):.4f} "
            f"ride-s over {ticks} ticks; {client.watch.started()} syncs started and "
            f"{len(sent)} requests sent during the fault"
        )
        assert p99(jitter) < JITTER_LIMIT_RIDE_S, jitter_table[case.id]

        # -- the sync worker really met the fault, and survived it -------------------------
        assert client.watch.started() >= 1
        if case.id == "server-down":
            assert requests and all(e.error == "ConnectError" for e in requests), requests
        elif case.id == "401-on-renew":
            assert [(e.path, e.status) for e in requests][:1] == [("/api/v1/auth/renew", 401)]
            assert client.tokens.load() is None  # the dead token is forgotten, no ride is
        else:
            assert len([s for s in sent if s[2].startswith("/api/")]) >= case.min_requests, sent
        assert all(s.state in case.states for s in during), [s.state for s in during]

        # -- nothing lost: every sample journaled, both rides queued, none delivered -------
        journaled = client.samples()
        for ride_id, seconds in zip(ride_ids, RIDE_S, strict=True):
            assert journaled[ride_id] == ("complete", seconds)
        rows = client.outbox()
        assert set(rows) == set(ride_ids)
        assert all(rows[r]["state"] == "pending" for r in ride_ids), rows
        uploads = [s for s in sent if s[1] == "PUT"]
        if case.upload_meets_fault:  # ride 1 finished during the fault and was tried
            assert uploads and rows[ride_ids[0]]["attempts"] >= 1, rows
            assert rows[ride_ids[0]]["next_attempt_at"] is not None  # and waits to retry
        assert not server_db_ride_ids(server.db) & set(ride_ids)  # the API may be faulted
        if case.id == "http-503-retry-after":  # the upload that met the 503 honours Retry-After
            row = rows[ride_ids[0]]
            wait = datetime.fromisoformat(row["next_attempt_at"]) - datetime.fromisoformat(
                row["updated_at"]
            )
            assert wait >= timedelta(seconds=59), row

        # -- the fault clears --------------------------------------------------------------
        if reservation is not None:
            port = reservation.getsockname()[1]
            reservation.close()
            revived = start_server_on_port(server.db, port)  # same database, same address
        elif case.id == "401-on-renew":
            client.tokens.save(sign_in(url).for_server(url))  # the rider signs in again
        else:
            server.faults()  # all off
        status = recover_and_sync(client)
        assert status.state is SyncState.UP_TO_DATE, status.message
        assert status.rides_waiting == 0 and status.rides_failed == 0
        if case.id == "hang-10s":  # the client's own read timeout ended the hung request
            assert any(e.error == "ReadTimeout" for e in client.wire.since(fault_on))

        # -- delivered exactly once --------------------------------------------------------
        rows = client.outbox()
        assert {r: rows[r]["state"] for r in ride_ids} == dict.fromkeys(ride_ids, "delivered")
        listed = server_rides(server, viewer)
        ids = [r["id"] for r in listed]
        for ride_id in ride_ids:
            assert ids.count(ride_id) == 1, ids
            (stored,) = [r for r in listed if r["id"] == ride_id]
            assert stored["sha256"] == fit_sha(client.paths.rides_db, ride_id)
            assert client.wire.stored(ride_id) == 1  # one 201; no second copy
        assert set(ids) == stored_before | set(ride_ids)  # nothing else appeared
        assert client.watch.unexpected_failures() == []
    finally:
        ride_stack.close()
        client.close()
        if revived is not None:
            revived.stop()
        if reservation is not None:
            reservation.close()
