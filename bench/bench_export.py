"""Activity export of a 3-hour ride: FIT encode (the upload path), FIT written to disk
(atomic, fsynced), TCX encode, and loading the ride back from rides.db."""

from __future__ import annotations

import statistics
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from app.core.ports import TrainerMode
from app.core.ride.samples import Sample, summarize
from app.infra.export import (
    ExportRide,
    encode_fit_activity,
    encode_tcx,
    load_export_ride,
    write_fit_activity,
)
from app.infra.store.journal import JournalWriter
from bench.harness import Figure, wall

RUNS = 5
SECONDS = 3 * 3600  # 10,800 samples, all moving: one record each
FTP_W = 250.0
INTERVAL_S = 600  # 18 ten-minute intervals -> 18 laps
DROPOUT = range(5000, 5010)  # ten seconds without trainer data


def three_hour_samples() -> list[Sample]:
    samples: list[Sample] = []
    distance = 0.0
    for k in range(SECONDS):
        index = k // INTERVAL_S
        target = 180 + 40 * (index % 3)
        if k in DROPOUT:
            power = cadence = hr = speed = None
        else:
            power = target + (k * 7) % 23 - 11 + 0.4 * (k % 3)
            cadence = 86 + k % 9 + 0.5
            hr = 120 + (k % 600) / 20
            speed = 6.0 + power / 60
            distance += speed
        samples.append(
            Sample(k, float(k), power, cadence, hr, speed, distance, target, TrainerMode.ERG,
                   index, no_data=k in DROPOUT)
        )  # fmt: skip
    return samples


def three_hour_ride() -> ExportRide:
    samples = three_hour_samples()
    return ExportRide(
        ride_id="00000000-0000-4000-8000-000000000003",
        workout_name="3 h endurance with tempo blocks",
        started_at=datetime(2025, 3, 14, 7, 0, tzinfo=UTC),
        ftp_w=FTP_W,
        samples=samples,
        laps=(),
        summary=summarize(samples, FTP_W),
    )


def _median(fn: object) -> float:
    return statistics.median(wall(fn) for _ in range(RUNS))  # type: ignore[arg-type]


def run() -> list[Figure]:
    ride = three_hour_ride()
    fit_size = len(encode_fit_activity(ride))  # warm-up, and the size for the note
    fit_s = _median(lambda: encode_fit_activity(ride))
    tcx_size = len(encode_tcx(ride))
    tcx_s = _median(lambda: encode_tcx(ride))
    with tempfile.TemporaryDirectory() as home:
        target = Path(home) / "activities" / "ride.fit"
        write_s = _median(lambda: write_fit_activity(ride, target))
        db = Path(home) / "rides.db"
        writer = JournalWriter(db)
        writer.begin(ride.ride_id, ride.workout_name, FTP_W, ride.started_at.isoformat())
        for s in ride.samples:
            writer.append(ride.ride_id, s)
        writer.close()
        load_s = _median(lambda: load_export_ride(db, ride.ride_id))
    n = len(ride.samples)
    return [
        Figure(f"export: FIT activity of a 3-hour ride ({n:,} records)", fit_s, "s",
               f"encode in memory, {fit_size / 1e6:.2f} MB, median of {RUNS}", "< 1"),
        Figure("export: FIT activity of a 3-hour ride written to disk", write_s, "s",
               f"encode + atomic write + fsync, median of {RUNS}", "< 1"),
        Figure(f"export: TCX of a 3-hour ride ({n:,} trackpoints)", tcx_s, "s",
               f"encode in memory, {tcx_size / 1e6:.2f} MB, median of {RUNS}", "< 2"),
        Figure("export: load a 3-hour ride from rides.db", load_s, "s",
               f"read-only, {n:,} samples, median of {RUNS}"),
    ]  # fmt: skip
