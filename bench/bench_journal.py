"""The ride journal: cost per sample, and recovering a 3-hour ride after a crash."""

from __future__ import annotations

import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from app.core.ports import TrainerMode
from app.core.ride.samples import Sample
from app.core.ride.session import RideSession
from app.core.workouts.json_form import workout_from_json, workout_to_json
from app.core.workouts.model import Step, StepKind, Workout
from app.infra.store.journal import JournalWriter, interrupted_rides, load_ride
from bench.harness import Figure

THREE_HOURS_S = 3 * 3600
WORKOUT = Workout("Long ride", (Step(StepKind.STEADY, 4 * 3600, 0.7, 0.7),))


def sample(t: int) -> Sample:
    return Sample(t, float(t), 180.0 + t % 7, 88.0, 140.0, 9.1, 9.1 * t, 175, TrainerMode.ERG, 0)


def _per_sample_commit_ms(folder: Path) -> list[float]:
    """Real time: every sample is its own transaction, fsynced (synchronous=FULL)."""
    writer = JournalWriter(folder / "rides.db")
    writer.begin("r", "x", 200.0, datetime.now(UTC).isoformat(), "{}")
    times = []
    for t in range(300):
        t0 = time.perf_counter()
        writer.append("r", sample(t))
        writer.flush()
        times.append((time.perf_counter() - t0) * 1000)
    writer.close()
    return times


def _three_hour_journal(folder: Path) -> tuple[Path, float]:
    writer = JournalWriter(folder / "rides.db")
    writer.begin("r3", WORKOUT.name, 200.0, datetime.now(UTC).isoformat(), workout_to_json(WORKOUT))
    t0 = time.perf_counter()
    for t in range(THREE_HOURS_S):
        writer.append("r3", sample(t))
    writer.close()
    return folder / "rides.db", (time.perf_counter() - t0) / THREE_HOURS_S * 1e6


def _recover_s(db: Path) -> float:
    t0 = time.perf_counter()
    (record,) = interrupted_rides(db)
    ride = load_ride(db, record.id)
    workout = workout_from_json(ride.workout_json)
    session = RideSession.resumed(workout, ride.samples, ride.resume, ftp_w=ride.ftp_w)
    elapsed = time.perf_counter() - t0
    assert session.elapsed_s == THREE_HOURS_S
    return elapsed


def run() -> list[Figure]:
    with tempfile.TemporaryDirectory() as tmp:
        commits = _per_sample_commit_ms(Path(tmp))
        db, batched_us = _three_hour_journal(Path(tmp) / "long")
        recover = statistics.median(_recover_s(db) for _ in range(5))
    return [
        Figure("journal: one sample committed + fsynced (real time)", statistics.median(commits),
               "ms", f"p95 {statistics.quantiles(commits, n=20)[-1]:.2f} ms, off the tick thread"),
        Figure("journal: cost per sample when batched (accelerated)", batched_us, "us",
               "10,800 samples"),
        Figure("journal: recover a 3-hour ride after a crash", recover, "s",
               "load 10,800 samples + rebuild the session, median of 5"),
    ]  # fmt: skip
