"""The ride screen's live figures: rolling power windows over moving seconds, ride totals
that agree with the summary, laps, and the workout's times."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.ports import TrainerMode, TrainerReading
from app.core.ride.live_figures import LAP_CATCH_UP_S, LiveFigures, RollingMean
from app.core.ride.samples import Sample, summarize
from app.core.ride.session import ResumePoint, RideSession, RideState, RideStatus, status_of
from app.core.ride.tiles import CAPTION_KEYS, TILE_KEYS
from app.core.workouts.model import Step, StepKind, Workout


@dataclass(frozen=True)
class Second:
    power_w: float | None
    paused: bool = False

    @property
    def no_data(self) -> bool:
        return self.power_w is None


def make_samples(seconds: list[Second]) -> list[Sample]:
    out = []
    for elapsed, second in enumerate(seconds):
        out.append(
            Sample(
                elapsed_s=elapsed,
                workout_s=float(elapsed),
                power_w=second.power_w,
                cadence_rpm=None if second.no_data else 90.0,
                hr_bpm=None if second.no_data else 140.0,
                speed_mps=None if second.no_data else 9.0,
                distance_m=9.0 * elapsed,
                target_w=200,
                mode=TrainerMode.ERG,
                interval_index=0,
                paused=second.paused,
                no_data=second.no_data,
            )
        )
    return out


def feed(seconds: list[Second], figures: LiveFigures | None = None) -> LiveFigures:
    figures = figures or LiveFigures()
    for sample in make_samples(seconds):
        figures.add_sample(sample)
    return figures


def naive_window(seconds: list[Second], size: int) -> float | None:
    """The definition, written the slow way: the last `size` moving seconds; the ones
    with a reading averaged; nothing while paused."""
    if not seconds or seconds[-1].paused:
        return None
    moving = [s for s in seconds if not s.paused][-size:]
    powers = [s.power_w for s in moving if s.power_w is not None]
    return sum(powers) / len(powers) if powers else None


power = st.floats(min_value=0, max_value=2000, allow_nan=False)
second = st.builds(
    Second,
    power_w=st.one_of(power, power, power, st.none()),  # about one in four a dropout
    paused=st.sampled_from([False, False, False, True]),  # about one in four paused
)
rides = st.lists(second, max_size=120)


@settings(max_examples=200, deadline=None)
@given(rides)
def test_rolling_windows_equal_the_naive_average_of_the_last_moving_seconds(
    seconds: list[Second],
) -> None:
    figures = LiveFigures()
    for index, sample in enumerate(make_samples(seconds)):
        figures.add_sample(sample)
        seen = seconds[: index + 1]
        for size in (1, 3, 10):
            expected = naive_window(seen, size)
            got = figures.smoothed_power_w(size)
            assert (got is None) == (expected is None), (size, seen)
            if expected is not None:
                assert got == pytest.approx(expected, rel=1e-9, abs=1e-9)


@settings(max_examples=200, deadline=None)
@given(rides, st.integers(min_value=50, max_value=400))
def test_ride_totals_agree_with_the_ride_summary(seconds: list[Second], ftp_w: int) -> None:
    samples = make_samples(seconds)
    figures = feed(seconds)
    summary = summarize(samples, ftp_w)
    values = figures.values()
    for key, expected in (
        ("avg_power", summary.avg_power_w),
        ("np", summary.np_w),
        ("max_power", summary.max_power_w),
    ):
        assert (values[key] is None) == (expected is None), key
        if expected is not None:
            assert values[key] == pytest.approx(expected, rel=1e-9), key
    assert values["work_kj"] == pytest.approx(summary.work_kj, rel=1e-9, abs=1e-12)


@given(st.lists(st.one_of(power, st.none()), max_size=60), st.integers(1, 12))
def test_a_rolling_mean_skips_empty_slots_without_reaching_further_back(
    values: list[float | None], size: int
) -> None:
    mean = RollingMean(size)
    for value in values:
        mean.push(value)
    window = [v for v in values[-size:] if v is not None]
    if window:
        assert mean.mean == pytest.approx(sum(window) / len(window))
    else:
        assert mean.mean is None


def test_a_dropout_second_is_not_averaged_as_zero() -> None:
    figures = feed([Second(300), Second(300), Second(None)])
    assert figures.power_3s_w == 300  # not 200
    assert figures.power_w is None  # nothing this second
    assert figures.avg_power_w == 300
    feed([Second(None), Second(None)], figures)
    assert figures.power_3s_w is None  # three seconds without a reading: nothing to show
    assert figures.power_10s_w == 300  # still two readings among the last ten seconds


def test_paused_seconds_stay_out_of_the_windows_and_the_power_shows_nothing_meanwhile() -> None:
    figures = feed([Second(100), Second(200), Second(300), Second(0, paused=True)])
    assert figures.power_w is None and figures.power_3s_w is None
    assert figures.values()["power"] is None
    feed([Second(400)], figures)  # resumed: the window carries on from before the pause
    assert figures.power_3s_w == pytest.approx((200 + 300 + 400) / 3)
    assert figures.avg_power_w == pytest.approx(250)  # the paused 0 W is not in the ride


def test_values_carry_every_tile_key_and_power_follows_the_smoothing() -> None:
    figures = feed([Second(p) for p in (100, 200, 300, 400, 500, 600, 700, 800, 900, 1000)])
    values = figures.values()
    assert set(values) == set(TILE_KEYS) | set(CAPTION_KEYS)
    assert values["power"] == values["power_3s"] == 900
    assert values["power_now"] == 1000 and values["power_10s"] == 550
    figures.smoothing_s = 10
    assert figures.values()["power"] == 550
    assert figures.smoothed_power_w(1) == 1000
    with pytest.raises(ValueError):
        figures.smoothed_power_w(5)
    with pytest.raises(ValueError):
        LiveFigures(smoothing_s=2)


def test_a_fresh_ride_has_nothing_to_show_but_zeros_it_has_counted() -> None:
    values = LiveFigures().values()
    assert values["power"] is None and values["avg_power"] is None and values["np"] is None
    assert values["target"] is None and values["elapsed"] is None
    assert values["work_kj"] == 0 and values["lap_time"] == 0 and values["lap_number"] == 1


def test_laps_count_moving_seconds_and_their_average_power_since_the_mark() -> None:
    figures = feed([Second(100)] * 5)
    assert figures.lap_time_s == 5 and figures.lap_power_w == 100  # lap 1: the ride so far
    figures.mark_lap(5)
    assert figures.lap_number == 2 and figures.lap_time_s == 0 and figures.lap_power_w is None
    samples = make_samples([Second(100)] * 5 + [Second(300), Second(0, paused=True), Second(None)])
    for sample in samples[5:]:
        figures.add_sample(sample)
    assert figures.lap_time_s == 2  # the paused second does not count, the dropout does
    assert figures.lap_power_w == 300
    values = figures.values()
    assert values["lap_time"] == 2 and values["lap_power"] == 300 and values["lap_number"] == 2


def test_a_lap_marked_a_little_late_takes_the_seconds_from_its_start() -> None:
    figures = feed([Second(100)] * 10 + [Second(250)] * 3)
    figures.mark_lap(10)  # the key was pressed at 10 s; three samples had arrived since
    assert figures.lap_time_s == 3 and figures.lap_power_w == 250
    far_back = feed([Second(100)] * 40)
    far_back.mark_lap(0)  # beyond the catch-up: only the last seconds are kept
    assert far_back.lap_time_s == LAP_CATCH_UP_S


def test_a_lap_marked_ahead_starts_with_the_sample_of_that_second() -> None:
    figures = feed([Second(100)] * 3)
    figures.mark_lap(4)
    for sample in make_samples([Second(100)] * 3 + [Second(500), Second(200)])[3:]:
        figures.add_sample(sample)
    assert figures.lap_time_s == 1 and figures.lap_power_w == 200


def status(**changes: object) -> RideStatus:
    base = dict(
        state=RideState.RIDING,
        elapsed_s=125,
        position_s=120.0,
        duration_s=1800.0,
        intensity_pct=105,
        interval_index=1,
        interval_left_s=42.5,
        target_w=262,
        next_target_w=140,
        resume=ResumePoint(),
    )
    base.update(changes)
    return RideStatus(**base)  # type: ignore[arg-type]


def test_workout_figures_come_from_the_status() -> None:
    figures = LiveFigures(interval_count=9)
    sample = make_samples([Second(250)])[0]
    figures.update(sample, status())
    values = figures.values()
    assert values["target"] == 262 and values["next_target"] == 140
    assert values["interval_left"] == 42.5 and values["remaining"] == 1680
    assert values["intensity"] == 105 and values["elapsed"] == 125
    assert values["interval_number"] == 2 and values["interval_count"] == 9
    assert values["hr"] == 140 and values["cadence"] == 90 and values["speed"] == 9
    figures.set_status(status(position_s=1900.0, interval_index=None, interval_left_s=None))
    values = figures.values()
    assert values["remaining"] == 0 and values["interval_number"] is None
    assert values["interval_left"] is None


def test_a_dropout_blanks_cadence_heart_rate_and_speed_but_keeps_the_distance() -> None:
    figures = feed([Second(200), Second(200), Second(None)])
    values = figures.values()
    assert values["cadence"] is None and values["hr"] is None and values["speed"] is None
    assert values["distance"] == 18.0


def test_a_real_ride_ends_with_the_figures_of_its_summary() -> None:
    workout = Workout(
        "Short",
        (Step(StepKind.STEADY, 90, 0.6, 0.6), Step(StepKind.STEADY, 60, 1.1, 1.1)),
    )
    session = RideSession(workout, ftp_w=250)
    session.start()
    figures = LiveFigures(interval_count=2)
    second = 0
    while session.state is RideState.RIDING:
        gone = 40 <= second < 44  # a four-second dropout
        reading = None if gone else TrainerReading(power_w=150.0 + second % 7, cadence_rpm=88.0)
        tick = session.tick(reading)
        figures.update(tick.sample, status_of(session))
        second += 1
    summary = session.summary()
    values = figures.values()
    assert values["avg_power"] == pytest.approx(summary.avg_power_w)
    assert values["np"] == pytest.approx(summary.np_w)
    assert values["work_kj"] == pytest.approx(summary.work_kj)
    assert values["max_power"] == summary.max_power_w
    assert values["elapsed"] == summary.elapsed_s == 150
    assert values["remaining"] == 0
