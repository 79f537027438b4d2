"""A recorded ride as series over moving time (the History chart): pauses left out,
dropouts kept as gaps, runs of one target merged into one segment."""

from __future__ import annotations

from dataclasses import replace

from app.core.ports import TrainerMode
from app.core.ride.samples import Sample
from app.core.ride.series import moving_time_series

BASE = Sample(0, 0.0, 200.0, 90.0, None, None, 0.0, 200, TrainerMode.ERG, 0)


def sample(
    i: int, target_w: int | None = 200, *, paused: bool = False, dropout: bool = False
) -> Sample:
    """Second `i` riding around `target_w` (150 W without a target)."""
    power_w = None if paused or dropout else float((target_w or 150) + i % 7)
    return replace(
        BASE, elapsed_s=i, workout_s=float(i), power_w=power_w, target_w=target_w,
        paused=paused, no_data=dropout,
    )  # fmt: skip


def test_moving_time_series_leaves_out_pauses_and_merges_equal_targets() -> None:
    samples = [
        sample(i, 300 if i >= 8 else 200, paused=i in (2, 3), dropout=i == 6) for i in range(10)
    ]
    segments, xs, ys = moving_time_series(samples)
    assert segments == [(0.0, 6.0, 200.0), (6.0, 8.0, 300.0)]
    assert xs == [0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0]
    assert ys[4] is None and all(v is not None for i, v in enumerate(ys) if i != 4)
    assert ys[0] == samples[0].power_w and ys[-1] == samples[-1].power_w


def test_a_ride_without_targets_is_one_band_and_no_samples_no_series() -> None:
    assert moving_time_series([sample(i, None) for i in range(3)])[0] == [(0.0, 3.0, None)]
    assert moving_time_series([]) == ([], [], [])
    assert moving_time_series([sample(0, paused=True)]) == ([], [], [])
