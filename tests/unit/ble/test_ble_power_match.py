"""PowerMatch: learn meter-vs-trainer offset only while steady and fresh; clamp; roll."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core.devices.power_match import PowerMatch


def feed(
    match: PowerMatch, pairs: list[tuple[float | None, float | None]], t0: float = 0.0
) -> float:
    t = t0
    for trainer_w, meter_w in pairs:
        match.update(trainer_w, meter_w, t)
        t += 1.0
    return t


def test_unchanged_until_enough_steady_samples() -> None:
    match = PowerMatch()
    assert match.adjust(200) == 200 and not match.ready
    feed(match, [(200, 190)] * 8)  # 4 s to become steady, then 4 learned pairs
    assert not match.ready and match.adjust(200) == 200


def test_meter_reading_low_raises_the_trainer_target() -> None:
    match = PowerMatch()
    feed(match, [(200, 190)] * 20)
    assert match.ready
    assert match.offset_w == pytest.approx(-10)
    assert match.adjust(250) == 260


def test_meter_reading_high_lowers_the_trainer_target() -> None:
    match = PowerMatch()
    feed(match, [(200, 212)] * 20)
    assert match.adjust(200) == 188


def test_correction_is_clamped() -> None:
    match = PowerMatch(max_offset_w=50, max_offset_frac=0.15)
    feed(match, [(300, 200)] * 20)  # a 100 W disagreement: a broken meter, not calibration
    assert match.offset_w == pytest.approx(-100)
    assert match.adjust(300) == 345  # 15 % of 300 = 45 W
    assert match.adjust(1000) == 1050  # 50 W cap


def test_no_learning_while_the_trainer_ramps() -> None:
    match = PowerMatch()
    ramp = [(100 + 20 * i, 95 + 20 * i) for i in range(30)]
    feed(match, ramp)
    assert not match.ready


def test_missing_or_stale_readings_teach_nothing_and_break_steadiness() -> None:
    match = PowerMatch()
    pairs: list[tuple[float | None, float | None]] = []
    for _ in range(10):
        pairs += [(200, 190)] * 4 + [(200, None)]
    feed(match, pairs)
    assert not match.ready  # never 5 s of unbroken steady pairs


def test_no_learning_below_min_power() -> None:
    match = PowerMatch()
    feed(match, [(10, 20)] * 30)
    assert not match.ready


def test_window_rolls_old_offsets_out() -> None:
    match = PowerMatch(window_s=30)
    t = feed(match, [(200, 190)] * 40)
    feed(match, [(200, 205)] * 40, t0=t)
    assert match.offset_w == pytest.approx(5)


def test_without_now_each_update_is_one_sample_period() -> None:
    match = PowerMatch(sample_period_s=1.0)
    for _ in range(20):
        match.update(200, 190)
    assert match.ready and match.adjust(200) == 210


def test_reset_forgets() -> None:
    match = PowerMatch()
    feed(match, [(200, 190)] * 20)
    match.reset()
    assert not match.ready and match.adjust(200) == 200


def test_never_negative() -> None:
    match = PowerMatch()
    feed(match, [(200, 240)] * 20)
    assert match.adjust(0) == 0


@given(
    st.lists(
        st.tuples(
            st.one_of(st.none(), st.floats(0, 2000)), st.one_of(st.none(), st.floats(0, 2000))
        ),
        max_size=80,
    ),
    st.floats(0, 1500),
)
def test_adjust_stays_within_the_clamp(
    pairs: list[tuple[float | None, float | None]], target: float
) -> None:
    match = PowerMatch()
    feed(match, pairs)
    limit = min(match.max_offset_w, match.max_offset_frac * target)
    assert abs(match.adjust(target) - target) <= limit + 0.5
