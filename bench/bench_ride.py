"""Headless ride speed and the CPU cost of one ride tick."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from app.compose.ride import make_sim_trainer
from app.core.ride.session import RideSession
from app.infra.paths import app_paths
from app.infra.store.journal import JournalObserver, JournalWriter
from app.runtime.clock import VirtualClock
from app.runtime.ride_runner import RideRunner
from app.services.library import open_library
from bench.harness import Figure

ROOT = Path(__file__).resolve().parents[1]
HOUR_WORKOUT = "threshold-3x12"  # a bundled 1-hour workout
RUNS = 5


def _one_hour_workout():  # type: ignore[no-untyped-def]
    with tempfile.TemporaryDirectory() as home:
        library = open_library(app_paths(home))
        entry = library.find(HOUR_WORKOUT)
        assert entry is not None, HOUR_WORKOUT
        workout = entry.workout  # parsed while the cache is open
        library.close()
    return entry.id, workout


def _cli_ride_s(workout_id: str) -> float:
    with tempfile.TemporaryDirectory() as home:
        env = dict(os.environ, FREEWHEEL_HOME=home)
        t0 = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "app", "ride", "--simulate", "--workout", workout_id,
             "--speed", "max", "--json"],
            env=env, check=True, capture_output=True, cwd=ROOT,
        )  # fmt: skip
        return time.perf_counter() - t0


def _cpu_per_tick_us(workout, with_journal: bool) -> float:  # type: ignore[no-untyped-def]
    clock = VirtualClock()
    trainer = make_sim_trainer(clock, 200.0)
    session = RideSession(workout, ftp_w=200.0)
    observers = []
    with tempfile.TemporaryDirectory() as home:
        writer = JournalWriter(Path(home) / "rides.db") if with_journal else None
        if writer:
            observers.append(
                JournalObserver(writer, "bench", workout_name=workout.name, ftp_w=200.0,
                                started_at=datetime.now(UTC))
            )  # fmt: skip
        runner = RideRunner(session, trainer, clock, observers)
        cpu0 = time.process_time()
        asyncio.run(runner.run())
        if writer:
            writer.close()
        cpu = time.process_time() - cpu0
    return cpu / max(len(runner.trace.times_s), 1) * 1e6


def run() -> list[Figure]:
    entry_id, workout = _one_hour_workout()
    cli = sorted(_cli_ride_s(entry_id) for _ in range(RUNS))[RUNS // 2]
    tick = sorted(_cpu_per_tick_us(workout, False) for _ in range(RUNS))[RUNS // 2]
    tick_j = sorted(_cpu_per_tick_us(workout, True) for _ in range(RUNS))[RUNS // 2]
    return [
        Figure("ride: headless 1-hour workout, --speed max (whole CLI)", cli, "s",
               f"{workout.name}, median of {RUNS}"),
        Figure("ride: CPU per tick (session + sim trainer + loop)", tick, "us", "1 h ride"),
        Figure("ride: CPU per tick incl. journal writer", tick_j, "us", "1 h ride, WAL FULL"),
    ]  # fmt: skip
