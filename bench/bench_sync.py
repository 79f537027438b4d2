"""Sync against the real reference server over loopback: the first pull of a 10,000-workout
library, a no-change sync (one 304), and the ride's tick jitter while the sync worker
storms a slow or broken library endpoint, against the same ride with no sync at all.

The server runs in a subprocess on 127.0.0.1 (`python -m app.server.cli --admin`); its
database is seeded directly through the server's store module (10,000 generated workouts,
80 % .zwo, 10 % .erg, 10 % .mrc, from bench/library_gen.py). The client is wired exactly as
the app wires it (`build_sync_stack`); helpers are shared with the sync acceptance tests
(tests/e2e/sync_acceptance_support.py).

Jitter: one ride on the real ride stack (ScaledClock x10, 200 ticks) with no sync worker,
then the same ride while the worker syncs back to back (interval 0) against a library
endpoint that sends an endless body (the client reads up to its 20 MiB cap each time) or
answers slowly with 503s. Figures are |tick interval - 1 s| in real milliseconds; the goal
is the acceptance tests' bound (p99 < 0.25 ride-second), which is 25 ms at x10.

Note on the HTTP figures: the reference server binds its listening socket with protocol 0,
so asyncio does not set TCP_NODELAY on its connections, and on a kept-alive connection
every response with a body waits ~40 ms for the client's delayed ACK (Nagle). The first
sync (51 library pages) and the no-change sync (3 responses with a body) include those
waits; they are the server's, not the client's.
"""

from __future__ import annotations

import gc
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.harness import Figure
from bench.library_gen import synthetic_workout

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT / "tests" / "e2e") not in sys.path:
    sys.path.insert(0, str(ROOT / "tests" / "e2e"))

COUNT = 10_000
NO_CHANGE_RUNS = 7
SPEED = 10.0  # the jitter rides: ride-seconds per real second
RIDE_S = 200  # 20 s of real time per ride
JITTER_GOAL_MS = 0.25 / SPEED * 1000  # the acceptance tests' bound, p99 < 0.25 ride-s
STORMS: dict[str, dict[str, str]] = {
    "idle (no sync worker)": {},
    "storm, library endless body": {"library": "endless:30"},
    "storm, library slow (300 ms) then 503": {"library": "latency:300+503"},
}


def _seed_workouts(store: Any) -> None:
    from datetime import UTC, datetime

    from app.core.workouts.formats import format_for_extension, write_workout
    from app.server.store import WorkoutRow, iso

    rng = random.Random(7)
    now = iso(datetime.now(UTC))
    rows = []
    for i in range(COUNT):
        ext = ".zwo" if i % 10 < 8 else (".erg" if i % 10 == 8 else ".mrc")  # the mix above
        fmt = format_for_extension(ext)
        assert fmt is not None and fmt.wire_name is not None
        workout = synthetic_workout(rng, i)
        content = write_workout(workout, f"w{i:05d}{ext}", ftp_w=250).data.decode("utf-8")
        row = WorkoutRow(
            id=f"gen-{i:05d}", version=0, updated_at=now, name=workout.name,
            format=fmt.wire_name, content=content, tags=workout.tags,
            category=workout.category, deleted=False, seq=0,
        )  # fmt: skip
        rows.append(row)
    store.put_workouts(rows)


def _client(root: Path, url: str, **kwargs: Any) -> Any:
    from sync_acceptance_support import make_client, sign_in

    from app.infra.paths import AppPaths
    from app.services.library import open_library

    paths = AppPaths(root / "data", root / "cache", root / "config").ensure()
    library = open_library(paths)  # the bundled workouts go in before the clock starts
    client = make_client(root, url, sign_in(url), library=library, **kwargs)
    client.closers.append(library.close)
    return client


def _first_and_no_change(root: Path, url: str) -> list[Figure]:
    from app.core.sync.status import SyncState

    client = _client(root / "first", url, interval_s=3600.0)
    try:
        t0 = time.perf_counter()
        status = client.worker.run_once("first sync")
        first_s = time.perf_counter() - t0
        assert status.state is SyncState.UP_TO_DATE, status.message
        synced = sum(1 for e in client.library().entries() if e.source == "synced")
        assert synced >= COUNT, synced
        pages = [e for e in client.wire.exchanges if e.path == "/api/v1/library"]
        # the second sync asks from the stored cursor (200, nothing new) and keeps the ETag
        assert client.worker.run_once("delta").state is SyncState.UP_TO_DATE
        times_ms: list[float] = []
        library_calls: list[list[int | None]] = []
        requests: list[int] = []
        for _ in range(NO_CHANGE_RUNS):
            mark = len(client.wire.exchanges)
            t0 = time.perf_counter()
            status = client.worker.run_once("no change")
            times_ms.append((time.perf_counter() - t0) * 1000)
            assert status.state is SyncState.UP_TO_DATE, status.message
            seen = client.wire.exchanges[mark:]
            library_calls.append([e.status for e in seen if e.path == "/api/v1/library"])
            requests.append(len(seen))
        assert all(calls == [304] for calls in library_calls), library_calls
    finally:
        client.close()
    return [
        Figure(
            "sync: first sync, 10,000-workout library (loopback)",
            first_s,
            "s",
            f"{synced} synced workouts in {len(pages)} pages of 200 "
            f"({synced / first_s:.0f} workouts/s); fresh library.db; whole first sync "
            "(profile, library, calendar, status page), server seeding not timed",
        ),
        Figure(
            "sync: no-change sync (library 304)",
            statistics.median(times_ms),
            "ms",
            f"median of {NO_CHANGE_RUNS}; each sent exactly 1 library request, answered 304; "
            f"{statistics.median(requests):.0f} HTTP requests per sync in all "
            "(profile, library, calendar, status page)",
        ),
    ]


def _ride_jitter_ms(root: Path, url: str, faults: dict[str, str], server: Any) -> Figure:
    from sync_acceptance_support import RIDE_FTP_W, jitter_ride_s, p99, short_workout

    from app.compose.ride import build_ride_stack
    from app.runtime.clock import ScaledClock

    client = _client(root, url, interval_s=0.0)  # storms sync back to back
    ride_stack = build_ride_stack(client.paths, clock=ScaledClock(SPEED), ftp_w=RIDE_FTP_W)
    storm = bool(faults)
    gc.collect()  # the garbage of the phases before must not be collected during this ride
    try:
        server.faults(**faults)
        if storm:
            client.worker.start()
        before = client.watch.started()
        handle = ride_stack.start(short_workout(RIDE_S, "Jitter ride"), ftp_w=RIDE_FTP_W)
        assert handle.done.result(timeout=RIDE_S / SPEED * 4) is not None
        syncs = client.watch.started() - before
        times = handle.trace_times_s()
        assert len(times) == RIDE_S
        jitter_ms = [j / SPEED * 1000 for j in jitter_ride_s(times)]
    finally:
        ride_stack.close()
        client.close()  # stops the worker while the fault still keeps the library away
        server.faults()
    label = next(name for name, spec in STORMS.items() if spec == faults)
    return Figure(
        f"sync: ride tick jitter p99, {label}",
        p99(jitter_ms),
        "ms",
        f"|tick interval - 1 s| in real ms, {RIDE_S} ticks at x{SPEED:g}; "
        f"max {max(jitter_ms):.2f} ms; {syncs} syncs started during the ride",
        goal=f"< {JITTER_GOAL_MS:g} ms",
    )


def run() -> list[Figure]:
    from sync_acceptance_support import seed_server_db, start_server_on_port

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        t0 = time.perf_counter()
        db = seed_server_db(root / "server" / "server.db", extra=_seed_workouts)
        seed_s = time.perf_counter() - t0
        server = start_server_on_port(db)
        try:
            figures = _first_and_no_change(root, server.url)
            figures[0].note += f"; seeding {COUNT} workouts took {seed_s:.1f} s"
            for n, faults in enumerate(STORMS.values()):
                figures.append(_ride_jitter_ms(root / f"jitter-{n}", server.url, faults, server))
        finally:
            server.stop()
    return figures
