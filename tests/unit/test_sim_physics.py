"""TrainerPhysics: the simulated rider on a smart trainer (app/infra/sim/physics.py)."""

from __future__ import annotations

import statistics

import pytest

from app.core.ports import TrainerMode, TrainerReading
from app.infra.sim.physics import (
    CADENCE_MAX_RPM,
    CADENCE_MIN_RPM,
    TrainerPhysics,
    resistance_power_w,
    steady_speed_mps,
)

DT = 0.25


def ride(p: TrainerPhysics, seconds: float) -> list[TrainerReading]:
    """Step `p` at 4 Hz for `seconds`, returning the reading after every step."""
    out = []
    for _ in range(round(seconds / DT)):
        p.step(DT)
        out.append(p.snapshot())
    return out


def power(r: TrainerReading) -> float:
    assert r.power_w is not None
    return r.power_w


def cadence(r: TrainerReading) -> float:
    assert r.cadence_rpm is not None
    return r.cadence_rpm


def hr(r: TrainerReading) -> float:
    assert r.hr_bpm is not None
    return r.hr_bpm


def speed(r: TrainerReading) -> float:
    assert r.speed_mps is not None
    return r.speed_mps


# --- ERG -----------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", [0, 1, 2, 3, 4])
def test_erg_step_response_reaches_90_percent_in_time_and_settles(seed: int) -> None:
    p = TrainerPhysics(ftp_w=280, seed=seed)
    p.set_erg_target(100)
    before = ride(p, 60)
    assert all(abs(power(r) - 100) <= 5 for r in before[-40:])

    p.set_erg_target(300)
    after = ride(p, 60)
    t90 = next(i for i, r in enumerate(after) if power(r) >= 280) * DT + DT
    assert 2.0 <= t90 <= 8.0
    settled = after[round(15 / DT) :]
    assert all(abs(power(r) - 300) <= 15 for r in settled)  # ±5 %
    assert statistics.fmean(power(r) for r in settled) == pytest.approx(300, rel=0.01)


def test_erg_power_is_noisy_but_bounded() -> None:
    p = TrainerPhysics(seed=7)
    p.set_erg_target(200)
    readings = ride(p, 120)[-200:]
    values = [power(r) for r in readings]
    assert len(set(values)) > 5  # not a flat line
    assert min(values) >= 200 * 0.97 and max(values) <= 200 * 1.03


def test_erg_target_is_clamped() -> None:
    p = TrainerPhysics()
    p.set_erg_target(-50)
    assert p.erg_target_w == 0
    p.set_erg_target(99_999)
    assert p.erg_target_w == 2000
    assert p.mode is TrainerMode.ERG


# --- cadence -------------------------------------------------------------------------------


def test_cadence_wanders_within_plausible_bounds_over_an_hour() -> None:
    p = TrainerPhysics(seed=11, preferred_cadence_rpm=88)
    p.set_erg_target(180)
    values = [cadence(r) for r in ride(p, 3600)]
    assert min(values) >= max(CADENCE_MIN_RPM, 88 - 20)
    assert max(values) <= min(CADENCE_MAX_RPM, 88 + 20)
    assert 82 <= statistics.fmean(values) <= 92
    assert 1.0 <= statistics.pstdev(values) <= 6.0  # it wanders, but not wildly


def test_harder_targets_lower_the_cadence_a_little() -> None:
    easy = TrainerPhysics(ftp_w=250, seed=3)
    hard = TrainerPhysics(ftp_w=250, seed=3)
    easy.set_erg_target(120)
    hard.set_erg_target(330)
    easy_cad = statistics.fmean(cadence(r) for r in ride(easy, 1200))
    hard_cad = statistics.fmean(cadence(r) for r in ride(hard, 1200))
    assert 2 <= easy_cad - hard_cad <= 12


def test_stop_pedalling_brings_cadence_and_power_to_zero_even_in_erg() -> None:
    p = TrainerPhysics(seed=5)
    p.set_erg_target(250)
    ride(p, 30)
    p.stop_pedalling()
    assert not p.is_pedalling
    stopped = ride(p, 10)
    assert cadence(stopped[-1]) == 0
    assert power(stopped[-1]) == 0
    assert p.true_power_w == 0
    # decays, not a cliff: the first quarter second still shows some power
    assert power(stopped[0]) > 0

    p.resume_pedalling()
    back = ride(p, 20)
    assert cadence(back[-1]) >= 68
    assert power(back[-1]) == pytest.approx(250, rel=0.05)


# --- heart rate ----------------------------------------------------------------------------


def test_hr_rises_with_effort_and_falls_at_rest() -> None:
    p = TrainerPhysics(ftp_w=250, seed=2, resting_hr_bpm=60, max_hr_bpm=185)
    assert hr(p.snapshot()) == 60
    p.set_erg_target(300)
    hard = ride(p, 300)
    assert hr(hard[4 * 30]) > 110  # well on its way after 30 s
    peak = hr(hard[-1])
    assert 170 <= peak <= 185 + 2  # capped near max (+ reading wobble)

    p.set_erg_target(0)
    rest = ride(p, 300)
    assert hr(rest[-1]) < 90
    # recovery is slower than the climb: after 30 s it has dropped less than it rose
    assert peak - hr(rest[4 * 30]) < hr(hard[4 * 30]) - 60


def test_steady_hr_increases_with_power() -> None:
    steady = []
    for watts in (100, 175, 250):
        p = TrainerPhysics(ftp_w=250, seed=1)
        p.set_erg_target(watts)
        steady.append(statistics.fmean(hr(r) for r in ride(p, 600)[-240:]))
    assert steady[0] + 15 < steady[1] < steady[2] - 15
    assert 150 <= steady[2] <= 180  # around threshold HR at FTP


def test_hr_drifts_up_during_a_long_steady_effort() -> None:
    p = TrainerPhysics(ftp_w=250, seed=9)
    p.set_erg_target(190)
    readings = ride(p, 3600)
    early = statistics.fmean(hr(r) for r in readings[4 * 600 : 4 * 900])
    late = statistics.fmean(hr(r) for r in readings[-4 * 300 :])
    assert 3 <= late - early <= 15


# --- resistance mode -----------------------------------------------------------------------


def test_resistance_curve_constants() -> None:
    assert resistance_power_w(50, 90) == pytest.approx(200)
    assert resistance_power_w(0, 90) == pytest.approx(40)
    assert resistance_power_w(100, 90) == pytest.approx(360)
    assert resistance_power_w(50, 0) == 0


def test_resistance_power_rises_with_level() -> None:
    means = []
    for level in (20, 50, 80):
        p = TrainerPhysics(seed=4)
        p.set_resistance(level)
        assert p.mode is TrainerMode.RESISTANCE and p.resistance_pct == level
        means.append(statistics.fmean(power(r) for r in ride(p, 300)[-400:]))
    assert means[0] < means[1] < means[2]
    assert means[1] == pytest.approx(resistance_power_w(50, 88), rel=0.1)


def test_resistance_power_rises_with_cadence() -> None:
    means = []
    for preferred in (72, 88, 104):
        p = TrainerPhysics(seed=4, preferred_cadence_rpm=preferred)
        p.set_resistance(40)
        means.append(statistics.fmean(power(r) for r in ride(p, 300)[-400:]))
    assert means[0] < means[1] < means[2]
    assert resistance_power_w(40, 100) > resistance_power_w(40, 80)


def test_resistance_level_is_clamped() -> None:
    p = TrainerPhysics()
    p.set_resistance(150)
    assert p.resistance_pct == 100
    p.set_resistance(-3)
    assert p.resistance_pct == 0


# --- speed and distance --------------------------------------------------------------------


def test_speed_approaches_flat_road_steady_state() -> None:
    assert steady_speed_mps(0) == 0
    assert 9.0 <= steady_speed_mps(200) <= 10.0  # ~34 km/h at 200 W
    assert steady_speed_mps(300) > steady_speed_mps(200)
    p = TrainerPhysics(seed=1)
    p.set_erg_target(200)
    readings = ride(p, 300)
    assert speed(readings[-1]) == pytest.approx(steady_speed_mps(200), rel=0.02)


def test_distance_increases_monotonically() -> None:
    p = TrainerPhysics(seed=6)
    p.set_erg_target(200)
    last = p.distance_m
    assert last == 0
    for i in range(4 * 1200):
        if i == 4 * 600:
            p.stop_pedalling()  # coasting still covers ground, more and more slowly
        p.step(DT)
        assert p.distance_m >= last
        last = p.distance_m
    assert 4_000 < last < 12_000  # ~10 min at ~9.5 m/s, plus the coast


def test_distance_over_an_hour_at_200w() -> None:
    p = TrainerPhysics(seed=0)
    p.set_erg_target(200)
    ride(p, 3600)
    assert 32_000 <= p.distance_m <= 36_000
    assert p.elapsed_s == pytest.approx(3600)


# --- determinism and stepping --------------------------------------------------------------


def _script(seed: int) -> list[TrainerReading]:
    p = TrainerPhysics(ftp_w=260, seed=seed, preferred_cadence_rpm=92)
    out = ride(p, 60)
    p.set_erg_target(220)
    out += ride(p, 120)
    p.stop_pedalling()
    out += ride(p, 20)
    p.resume_pedalling()
    p.set_resistance(45)
    out += ride(p, 60)
    return out


def test_same_seed_same_ride() -> None:
    assert _script(42) == _script(42)


def test_different_seed_different_ride() -> None:
    assert _script(42) != _script(43)


def test_snapshot_does_not_change_state() -> None:
    a = TrainerPhysics(seed=8)
    b = TrainerPhysics(seed=8)
    for _ in range(100):
        a.step(DT)
        a.snapshot()
        a.snapshot()
        b.step(DT)
    assert a.snapshot() == b.snapshot()


def test_long_step_is_split_and_stable() -> None:
    p = TrainerPhysics(seed=1)
    p.set_erg_target(250)
    p.step(120.0)
    assert p.elapsed_s == pytest.approx(120.0)
    r = p.snapshot()
    assert power(r) == pytest.approx(250, rel=0.05)
    assert speed(r) == pytest.approx(steady_speed_mps(250), rel=0.05)


def test_zero_step_is_a_no_op_and_negative_is_rejected() -> None:
    p = TrainerPhysics(seed=1)
    p.step(0.0)
    assert p.elapsed_s == 0
    with pytest.raises(ValueError):
        p.step(-0.25)


def test_bad_parameters_are_rejected() -> None:
    with pytest.raises(ValueError):
        TrainerPhysics(ftp_w=0)
    with pytest.raises(ValueError):
        TrainerPhysics(preferred_cadence_rpm=10)
    with pytest.raises(ValueError):
        TrainerPhysics(resting_hr_bpm=190, max_hr_bpm=185)
