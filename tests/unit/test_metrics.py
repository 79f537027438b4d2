"""Planned-workout metrics: NP, IF, TSS, time in zone."""

from __future__ import annotations

import time
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core.workouts.metrics import (
    COGGAN_ZONES,
    FREE_RIDE_ASSUMED_FTP_FRACTION,
    MAX_EFFORT_ASSUMED_FTP_FRACTION,
    compute_metrics,
    zone_of,
)
from app.core.workouts.model import PowerUnit, RepeatBlock, Step, StepKind, Workout

STEADY, RAMP = StepKind.STEADY, StepKind.RAMP


def steady(duration_s: float, fraction: float) -> Step:
    return Step(STEADY, duration_s, fraction, fraction)


def ramp(duration_s: float, start: float, end: float) -> Step:
    return Step(RAMP, duration_s, start, end)


def one(*steps: Step | RepeatBlock, ftp_override_w: int | None = None) -> Workout:
    return Workout("w", tuple(steps), ftp_override_w=ftp_override_w)


def zones(**seconds_by_zone: float) -> tuple[float, ...]:
    return tuple(seconds_by_zone.get(f"z{n}", 0.0) for n in range(1, 8))


def test_one_hour_at_ftp_is_100_tss() -> None:
    metrics = compute_metrics(one(steady(3600, 1.0)), ftp_w=250)
    assert metrics.duration_s == 3600
    assert metrics.np_w == pytest.approx(250)
    assert metrics.average_w == pytest.approx(250)
    assert metrics.intensity_factor == pytest.approx(1.0)
    assert metrics.tss == pytest.approx(100, abs=0.5)
    assert metrics.time_in_zone_s == zones(z4=3600)


def test_one_hour_at_75_percent_is_56_tss() -> None:
    metrics = compute_metrics(one(steady(3600, 0.75)), ftp_w=300)
    assert metrics.np_w == pytest.approx(225)
    assert metrics.intensity_factor == pytest.approx(0.75)
    assert metrics.tss == pytest.approx(56.25, abs=0.01)
    assert metrics.time_in_zone_s == zones(z2=3600)


def test_np_weights_hard_efforts_above_the_average() -> None:
    block = RepeatBlock(10, (steady(60, 1.5), steady(60, 0.5)))
    metrics = compute_metrics(one(block), ftp_w=200)
    assert metrics.average_w == pytest.approx(200)
    assert metrics.np_w > 1.15 * metrics.average_w
    # One 30-s window fully inside each half of a period bounds NP from both sides.
    assert 200 < metrics.np_w < 300


def test_np_matches_the_rolling_average_definition() -> None:
    """60 s at 100 W then 60 s at 300 W: rolling averages computed by hand."""
    workout = one(
        Step(STEADY, 60, 100.0, 100.0, PowerUnit.WATTS),
        Step(STEADY, 60, 300.0, 300.0, PowerUnit.WATTS),
    )
    samples = [100.0] * 60 + [300.0] * 60
    rolling = [sum(samples[i : i + 30]) / 30 for i in range(len(samples) - 29)]
    expected = (sum(r**4 for r in rolling) / len(rolling)) ** 0.25
    assert compute_metrics(workout, ftp_w=200).np_w == pytest.approx(expected)


def test_shorter_than_30_s_np_is_the_average() -> None:
    metrics = compute_metrics(one(steady(10, 2.0), steady(10, 1.0)), ftp_w=100)
    assert metrics.np_w == pytest.approx(150)
    assert metrics.intensity_factor == pytest.approx(1.5)


@pytest.mark.parametrize(
    ("fraction", "zone"),
    [
        (0.0, 1),
        (0.5499, 1),
        (0.55, 2),
        (0.75, 2),
        (0.755, 3),
        (0.76, 3),
        (0.90, 3),
        (0.91, 4),
        (1.00, 4),
        (1.05, 4),
        (1.06, 5),
        (1.20, 5),
        (1.21, 6),
        (1.50, 6),
        (1.51, 7),
        (5.0, 7),
    ],
)
def test_zone_boundaries(fraction: float, zone: int) -> None:
    assert zone_of(fraction) == zone


def test_zone_boundaries_survive_float_round_off() -> None:
    ftp_w = 237
    assert zone_of(0.9 * ftp_w / ftp_w) == 3
    assert zone_of((0.1 + 0.2) * 2.5) == 2  # 0.7500000000000001


def test_zone_table_is_contiguous() -> None:
    assert [z.number for z in COGGAN_ZONES] == list(range(1, 8))
    for lower, upper in pairwise(COGGAN_ZONES):
        assert lower.high_ftp_fraction == upper.low_ftp_fraction


def test_ramp_splits_across_zones_in_proportion() -> None:
    """0.45 -> 0.95 over 500 s: 1 s per 0.1 % of FTP."""
    metrics = compute_metrics(one(ramp(500, 0.45, 0.95)), ftp_w=200)
    assert metrics.time_in_zone_s == pytest.approx(zones(z1=100, z2=200, z3=150, z4=50))
    assert metrics.average_w == pytest.approx(0.70 * 200)


def test_downward_ramp_splits_the_same_way() -> None:
    up = compute_metrics(one(ramp(500, 0.45, 0.95)))
    down = compute_metrics(one(ramp(500, 0.95, 0.45)))
    assert down.time_in_zone_s == pytest.approx(up.time_in_zone_s)
    assert down.np_w == pytest.approx(up.np_w, rel=1e-3)


def test_free_ride_and_max_effort_count_at_assumed_efforts() -> None:
    free = compute_metrics(one(Step(StepKind.FREE_RIDE, 3600)), ftp_w=200)
    assert free.np_w == pytest.approx(FREE_RIDE_ASSUMED_FTP_FRACTION * 200)
    assert free.tss == pytest.approx(100 * FREE_RIDE_ASSUMED_FTP_FRACTION**2)
    assert free.time_in_zone_s == zones(z2=3600)

    sprint = compute_metrics(one(Step(StepKind.MAX_EFFORT, 20)), ftp_w=200)
    assert sprint.average_w == pytest.approx(MAX_EFFORT_ASSUMED_FTP_FRACTION * 200)
    assert sprint.time_in_zone_s == zones(z6=20)


def test_watt_targets_and_ftp_override() -> None:
    watts = one(Step(STEADY, 3600, 200.0, 200.0, PowerUnit.WATTS))
    assert compute_metrics(watts, ftp_w=250).intensity_factor == pytest.approx(0.8)

    # The override pins the targets (0.8 x 300 W); IF stays relative to the rider's FTP.
    pinned = one(steady(3600, 0.8), ftp_override_w=300)
    metrics = compute_metrics(pinned, ftp_w=200)
    assert metrics.np_w == pytest.approx(240)
    assert metrics.intensity_factor == pytest.approx(1.2)
    assert metrics.time_in_zone_s == zones(z5=3600)


def test_empty_workout_is_all_zero() -> None:
    metrics = compute_metrics(one(), ftp_w=250)
    assert (metrics.duration_s, metrics.np_w, metrics.tss) == (0, 0, 0)
    assert metrics.time_in_zone_s == zones()


@pytest.mark.parametrize("ftp_w", [0, -10, float("nan")])
def test_ftp_must_be_positive(ftp_w: float) -> None:
    with pytest.raises(ValueError, match="ftp_w"):
        compute_metrics(one(steady(60, 1.0)), ftp_w=ftp_w)


step_strategy = st.builds(
    Step,
    st.sampled_from(StepKind),
    st.floats(0.5, 1800),
    st.floats(0, 3),
    st.floats(0, 3),
)


@given(st.lists(step_strategy, min_size=1, max_size=12), st.floats(50, 500))
def test_time_in_zone_sums_to_duration_and_tss_follows_if(steps: list[Step], ftp_w: float) -> None:
    metrics = compute_metrics(Workout("w", tuple(steps)), ftp_w=ftp_w)
    assert sum(metrics.time_in_zone_s) == pytest.approx(metrics.duration_s)
    assert all(t >= 0 for t in metrics.time_in_zone_s)
    expected_tss = metrics.duration_s / 3600 * metrics.intensity_factor**2 * 100
    assert metrics.tss == pytest.approx(expected_tss)


def test_two_hour_plus_workout_computes_in_well_under_10_ms() -> None:
    workout = one(
        ramp(600, 0.4, 0.75),
        RepeatBlock(20, (steady(180, 1.1), ramp(120, 0.6, 0.5))),
        Step(StepKind.FREE_RIDE, 300),
        steady(300, 0.85),
        ramp(600, 0.7, 0.4),
    )
    assert workout.duration_s == 7800
    compute_metrics(workout)  # warm-up
    runs = 20
    start = time.perf_counter()
    for _ in range(runs):
        compute_metrics(workout)
    assert (time.perf_counter() - start) / runs < 0.010
