"""Cycling Power Measurement and the crank/wheel rate calculators.

Golden bytes: the crank-only payload of shared/reference/ble-protocols-and-testing.md §2.1.
The rest is built from the field table in §2.1 by the test-side encoder below.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core.devices.cps import (
    CrankCadenceCalculator,
    CyclingPowerMeasurement,
    WheelSpeedCalculator,
    parse_cycling_power_measurement,
)
from app.core.devices.errors import ProtocolError

# §2.1 "Example payload, crank data only": flags 0x0020, 200 W, 298 revs, t = 0x8000/1024 s.
CPS_CRANK_ONLY = bytes.fromhex("20 00 c8 00 2a 01 00 80")


def test_crank_only_golden():
    m = parse_cycling_power_measurement(CPS_CRANK_ONLY)
    assert m == CyclingPowerMeasurement(
        flags=0x20, power_w=200, crank_revolutions=298, crank_event_ticks=0x8000
    )


def test_negative_power_is_signed():
    # pycycling reads this field unsigned; the spec says sint16.
    assert parse_cycling_power_measurement(bytes.fromhex("00 00 38 ff")).power_w == -200


# --- test-side encoder --------------------------------------------------------------------------


def _u(value: int, size: int) -> bytes:
    return value.to_bytes(size, "little")


def _s(value: int, size: int) -> bytes:
    return value.to_bytes(size, "little", signed=True)


LAYOUT = [  # (flag bit, key, packer)
    (0, "balance", lambda v: _u(v, 1)),
    (2, "torque", lambda v: _u(v, 2)),
    (4, "wheel", lambda v: _u(v[0], 4) + _u(v[1], 2)),
    (5, "crank", lambda v: _u(v[0], 2) + _u(v[1], 2)),
    (6, "force", lambda v: _s(v[0], 2) + _s(v[1], 2)),
    (7, "extreme_torque", lambda v: _s(v[0], 2) + _s(v[1], 2)),
    (8, "angles", lambda v: _u(v[0] | (v[1] << 12), 3)),
    (9, "top", lambda v: _u(v, 2)),
    (10, "bottom", lambda v: _u(v, 2)),
    (11, "energy", lambda v: _u(v, 2)),
]


def encode_cpm(power: int, qualifiers: int = 0, **raw: Any) -> bytes:
    flags, body = qualifiers, b""
    for bit, key, pack in LAYOUT:
        if key in raw:
            flags |= 1 << bit
            body += pack(raw[key])
    return _u(flags, 2) + _s(power, 2) + body


def expected_cpm(data: bytes, power: int, qualifiers: int, **raw: Any) -> CyclingPowerMeasurement:
    def pair(key: str, index: int, factor: int = 1) -> Any:
        if key not in raw:
            return None
        return raw[key][index] / factor if factor != 1 else raw[key][index]

    return CyclingPowerMeasurement(
        flags=int.from_bytes(data[:2], "little"),
        power_w=power,
        pedal_power_balance_pct=raw["balance"] / 2 if "balance" in raw else None,
        pedal_power_balance_left=bool(qualifiers & 0x02),
        accumulated_torque_nm=raw["torque"] / 32 if "torque" in raw else None,
        torque_source_crank=bool(qualifiers & 0x08),
        wheel_revolutions=pair("wheel", 0),
        wheel_event_ticks=pair("wheel", 1),
        crank_revolutions=pair("crank", 0),
        crank_event_ticks=pair("crank", 1),
        max_force_n=pair("force", 0),
        min_force_n=pair("force", 1),
        max_torque_nm=pair("extreme_torque", 0, 32),
        min_torque_nm=pair("extreme_torque", 1, 32),
        max_angle_deg=pair("angles", 0),
        min_angle_deg=pair("angles", 1),
        top_dead_spot_angle_deg=raw.get("top"),
        bottom_dead_spot_angle_deg=raw.get("bottom"),
        accumulated_energy_kj=raw.get("energy"),
        offset_compensation=bool(qualifiers & 0x1000),
    )


U8, U16, U32 = st.integers(0, 0xFF), st.integers(0, 0xFFFF), st.integers(0, 0xFFFFFFFF)
S16, U12 = st.integers(-0x8000, 0x7FFF), st.integers(0, 0xFFF)
CPM_FIELDS = {
    "balance": U8,
    "torque": U16,
    "wheel": st.tuples(U32, U16),
    "crank": st.tuples(U16, U16),
    "force": st.tuples(S16, S16),
    "extreme_torque": st.tuples(S16, S16),
    "angles": st.tuples(U12, U12),
    "top": U16,
    "bottom": U16,
    "energy": U16,
}
QUALIFIERS = st.sampled_from([0, 0x02, 0x08, 0x1000, 0x100A])


@given(S16, QUALIFIERS, st.fixed_dictionaries({}, optional=CPM_FIELDS))
def test_cpm_round_trip(power, qualifiers, raw):
    data = encode_cpm(power, qualifiers, **raw)
    assert parse_cycling_power_measurement(data) == expected_cpm(data, power, qualifiers, **raw)


def test_every_field_present():
    raw = {
        "balance": 101,
        "torque": 640,
        "wheel": (0xFFFFFFFF, 2048),
        "crank": (65535, 1024),
        "force": (500, -20),
        "extreme_torque": (320, -64),
        "angles": (180, 4095),
        "top": 10,
        "bottom": 190,
        "energy": 512,
    }
    data = encode_cpm(250, 0x100A, **raw)
    assert len(data) == 4 + 1 + 2 + 6 + 4 + 4 + 4 + 3 + 2 + 2 + 2
    m = parse_cycling_power_measurement(data)
    assert m.pedal_power_balance_pct == 50.5
    assert m.pedal_power_balance_left
    assert m.accumulated_torque_nm == 20.0
    assert m.wheel_revolutions == 0xFFFFFFFF
    assert (m.max_angle_deg, m.min_angle_deg) == (180, 4095)
    assert (m.max_torque_nm, m.min_torque_nm) == (10.0, -2.0)
    assert m.offset_compensation


@pytest.mark.parametrize(
    "data",
    [
        "",
        "20 00",
        "20 00 c8",
        "20 00 c8 00 2a 01 00",  # crank event time cut short
        "20 00 c8 00 2a 01 00 80 00",  # trailing byte
        "10 00 c8 00 01 00 00 00 00",  # wheel time missing
    ],
)
def test_bad_payloads(data):
    with pytest.raises(ProtocolError) as err:
        parse_cycling_power_measurement(bytes.fromhex(data))
    assert err.value.characteristic == "Cycling Power Measurement"


# --- crank cadence -----------------------------------------------------------------------------


def test_cadence_from_successive_events():
    calc = CrankCadenceCalculator()
    assert calc.update(298, 0x8000, now_s=0.0) is None  # first sample: nothing to compare
    assert calc.update(299, 0x8000 + 1024, now_s=1.0) == 60.0
    assert calc.update(301, 0x8000 + 2048, now_s=2.0) == 120.0


def test_cadence_wraps_both_u16_counters():
    calc = CrankCadenceCalculator()
    calc.update(65535, 65000, now_s=0.0)
    # revs 65535 -> 1 is +2, time 65000 -> 488 is +1024 ticks (1 s): 120 rpm
    assert calc.update(1, (65000 + 1024) % 65536, now_s=1.0) == 120.0


def test_cadence_no_new_event_then_stop_timeout():
    calc = CrankCadenceCalculator(stop_timeout_s=3.0)
    calc.update(10, 1000, now_s=0.0)
    assert calc.update(11, 2024, now_s=1.0) == 60.0
    assert calc.update(11, 2024, now_s=2.0) is None  # same event repeated: hold
    assert calc.update(11, 2024, now_s=3.9) is None
    assert calc.update(11, 2024, now_s=4.0) == 0.0  # 3 s since the last event
    assert calc.update(11, 2024, now_s=5.0) == 0.0
    # Pedalling again: the first event's delta spans the pause, so it only re-primes.
    assert calc.update(12, 2024 + 6 * 1024, now_s=7.0) is None
    assert calc.update(13, 2024 + 7 * 1024, now_s=8.0) == 60.0


def test_cadence_resyncs_on_implausible_jump_and_reset():
    calc = CrankCadenceCalculator()
    calc.update(10, 0, now_s=0.0)
    assert calc.update(60, 1024, now_s=1.0) is None  # 3000 rpm: a counter reset, not a rider
    assert calc.update(61, 2048, now_s=2.0) == 60.0
    calc.reset()
    assert calc.update(62, 3072, now_s=3.0) is None


def test_cadence_count_without_time_change_is_resync():
    calc = CrankCadenceCalculator()
    calc.update(10, 500, now_s=0.0)
    assert calc.update(12, 500, now_s=0.5) is None
    assert calc.update(13, 1524, now_s=1.5) == 60.0


def test_cadence_long_silence_beyond_clock_period_reprimes():
    calc = CrankCadenceCalculator(stop_timeout_s=1000.0)
    calc.update(10, 0, now_s=0.0)
    # 70 s later the 64 s event clock wrapped unseen: do not trust the delta
    assert calc.update(11, 1024, now_s=70.0) is None


@given(
    st.integers(0, 0xFFFF),
    st.integers(0, 0xFFFF),
    # at most 3 revs per 800 ticks: 230 rpm, under the 250 rpm plausibility cap
    st.lists(st.tuples(st.integers(0, 3), st.integers(800, 4096)), min_size=1, max_size=20),
)
def test_cadence_matches_formula_across_wraps(revs, ticks, steps):
    calc = CrankCadenceCalculator(stop_timeout_s=10.0)
    now = 0.0
    calc.update(revs, ticks, now)
    for d_revs, d_ticks in steps:
        revs, ticks, now = (revs + d_revs) % 65536, (ticks + d_ticks) % 65536, now + d_ticks / 1024
        assert calc.update(revs, ticks, now) == pytest.approx(60 * d_revs * 1024 / d_ticks)


# --- wheel speed -------------------------------------------------------------------------------


def test_wheel_speed_cps_resolution():
    calc = WheelSpeedCalculator(2.0)  # CPS: 1/2048 s
    assert calc.update(100, 0, now_s=0.0) is None
    assert calc.update(105, 2048, now_s=1.0) == 10.0


def test_wheel_speed_wraps_u32_revs_and_u16_time():
    calc = WheelSpeedCalculator(2.0)
    calc.update(0xFFFFFFFE, 65000, now_s=0.0)
    assert calc.update(3, (65000 + 1024) % 65536, now_s=0.5) == 20.0  # 5 revs in 0.5 s


def test_wheel_speed_stops_and_rejects_bad_circumference():
    calc = WheelSpeedCalculator(2.105, stop_timeout_s=2.0)
    calc.update(1, 0, now_s=0.0)
    calc.update(2, 1000, now_s=0.5)
    assert calc.update(2, 1000, now_s=2.6) == 0.0
    with pytest.raises(ValueError):
        WheelSpeedCalculator(0.0)


@given(
    st.integers(0, 0xFFFFFFFF),
    st.integers(0, 0xFFFF),
    st.lists(st.tuples(st.integers(0, 15), st.integers(2048, 8192)), min_size=1, max_size=20),
)
def test_wheel_speed_matches_formula_across_wraps(revs, ticks, steps):
    calc = WheelSpeedCalculator(2.0, stop_timeout_s=10.0)
    now = 0.0
    calc.update(revs, ticks, now)
    for d_revs, d_ticks in steps:
        revs, ticks = (revs + d_revs) % 2**32, (ticks + d_ticks) % 65536
        now += d_ticks / 2048
        assert calc.update(revs, ticks, now) == pytest.approx(2.0 * d_revs * 2048 / d_ticks)
