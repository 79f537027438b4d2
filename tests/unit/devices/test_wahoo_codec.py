"""Wahoo legacy trainer control.

Golden bytes: shared/reference/ble-protocols-and-testing.md §2.4 (opcode table and examples,
from Auuki src/ble/wcps/control-point.js) and the ERG response captured in a comment of that
Auuki file (`[66, 50, 0]` answered by `[1, 66, 1, 0, 50, 0]`).
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core.devices.errors import ProtocolError
from app.core.devices.wahoo import (
    WahooOpCode,
    encode_wahoo_erg_mode,
    encode_wahoo_resistance_mode,
    encode_wahoo_sim_crr,
    encode_wahoo_sim_grade,
    encode_wahoo_sim_mode,
    encode_wahoo_sim_wind_resistance,
    encode_wahoo_sim_wind_speed,
    encode_wahoo_standard_mode,
    encode_wahoo_unlock,
    encode_wahoo_wheel_circumference,
    parse_wahoo_command,
    parse_wahoo_response,
)


@pytest.mark.parametrize(
    ("encoded", "expected"),
    [
        (encode_wahoo_unlock(), "20 ee fc"),
        (encode_wahoo_erg_mode(200), "42 c8 00"),
        (encode_wahoo_sim_grade(0.0), "46 00 80"),
        (encode_wahoo_resistance_mode(0.0), "40 ff 3f"),  # (1 - 0) * 16383
        (encode_wahoo_resistance_mode(1.0), "40 00 00"),
        (encode_wahoo_standard_mode(3), "41 03"),
        (encode_wahoo_sim_mode(85.0, 0.004, 0.51), "43 34 21 28 00 fe 01"),
        (encode_wahoo_sim_wind_speed(0.0), "47 00 80"),  # 32.768 * 1000 = 0x8000
        (encode_wahoo_wheel_circumference(2105.0), "48 3a 52"),
    ],
)
def test_golden_commands(encoded, expected):
    assert encoded == bytes.fromhex(expected)


@pytest.mark.parametrize(
    ("data", "ok", "op", "echo"),
    [
        ("01 43 01 00", True, WahooOpCode.SET_SIM_MODE, None),  # SIM mode set (§2.4)
        ("01 46 01 00 00 80", True, WahooOpCode.SET_SIM_GRADE, 0x8000),  # grade 0 % (§2.4)
        ("01 42 01 00 32 00", True, WahooOpCode.SET_ERG_MODE, 50),  # Auuki comment
        ("01 20 02", True, WahooOpCode.UNLOCK, None),  # Auuki comment
        ("00 42", False, WahooOpCode.SET_ERG_MODE, None),
    ],
)
def test_responses(data, ok, op, echo):
    response = parse_wahoo_response(bytes.fromhex(data))
    assert response.ok is ok
    assert response.request_op_code == op
    assert response.echoed_value == echo


@pytest.mark.parametrize("data", ["", "01"])
def test_short_responses(data):
    with pytest.raises(ProtocolError):
        parse_wahoo_response(bytes.fromhex(data))


# --- round trips --------------------------------------------------------------------------------


def test_unlock_round_trip():
    assert parse_wahoo_command(encode_wahoo_unlock()).op_code is WahooOpCode.UNLOCK


@given(st.integers(0, 0xFFFF))
def test_erg_round_trip(watts):
    assert parse_wahoo_command(encode_wahoo_erg_mode(watts)).target_power_w == watts


@given(st.integers(0, 9))
def test_standard_mode_round_trip(level):
    assert parse_wahoo_command(encode_wahoo_standard_mode(level)).standard_level == level


@given(st.integers(0, 16383))
def test_resistance_mode_round_trip(raw):
    load = 1 - raw / 16383
    decoded = parse_wahoo_command(encode_wahoo_resistance_mode(load)).resistance_load
    assert decoded == pytest.approx(load, abs=1e-12)
    assert encode_wahoo_resistance_mode(decoded) == encode_wahoo_resistance_mode(load)


@given(st.integers(0, 0xFFFF), st.integers(0, 0xFFFF), st.integers(0, 0xFFFF))
def test_sim_mode_round_trip(weight, crr, cw):
    data = encode_wahoo_sim_mode(weight / 100, crr / 10000, cw / 1000)
    command = parse_wahoo_command(data)
    assert (command.weight_kg, command.crr, command.wind_resistance_kg_per_m) == (
        weight / 100,
        crr / 10000,
        cw / 1000,
    )


@given(st.integers(0, 0xFFFF))
def test_single_value_sim_round_trips(raw):
    assert parse_wahoo_command(encode_wahoo_sim_crr(raw / 10000)).crr == raw / 10000
    cw = parse_wahoo_command(encode_wahoo_sim_wind_resistance(raw / 1000))
    assert cw.wind_resistance_kg_per_m == raw / 1000
    wheel = parse_wahoo_command(encode_wahoo_wheel_circumference(raw / 10))
    assert wheel.wheel_circumference_mm == raw / 10


@given(st.integers(0, 0xFFFF))
def test_grade_and_wind_round_trip_bytes(raw):
    # Offset encodings: decoding then re-encoding reproduces the same bytes.
    grade = encode_wahoo_sim_grade((raw / 32768 - 1) * 100)
    assert grade[1:] == raw.to_bytes(2, "little")
    decoded = parse_wahoo_command(grade).grade_pct
    assert decoded is not None
    assert encode_wahoo_sim_grade(decoded) == grade
    wind = encode_wahoo_sim_wind_speed(raw / 1000 - 32.768)
    assert wind[1:] == raw.to_bytes(2, "little")
    wind_mps = parse_wahoo_command(wind).wind_mps
    assert wind_mps is not None
    assert encode_wahoo_sim_wind_speed(wind_mps) == wind


@given(st.floats(-99.99, 99.99))
def test_grade_quantization(grade_pct):
    decoded = parse_wahoo_command(encode_wahoo_sim_grade(grade_pct)).grade_pct
    assert decoded == pytest.approx(grade_pct, abs=100 / 32768)


@pytest.mark.parametrize(
    "call",
    [
        lambda: encode_wahoo_erg_mode(-1),
        lambda: encode_wahoo_erg_mode(70000),
        lambda: encode_wahoo_erg_mode(math.nan),
        lambda: encode_wahoo_resistance_mode(1.5),
        lambda: encode_wahoo_resistance_mode(-0.1),
        lambda: encode_wahoo_standard_mode(10),
        lambda: encode_wahoo_sim_grade(100.0),
        lambda: encode_wahoo_sim_grade(-100.1),
        lambda: encode_wahoo_sim_grade(math.nan),
        lambda: encode_wahoo_sim_wind_speed(40.0),
        lambda: encode_wahoo_sim_mode(700.0, 0.004, 0.51),
    ],
)
def test_encoders_reject_out_of_range(call):
    with pytest.raises(ValueError):
        call()


@pytest.mark.parametrize(
    "data",
    [
        "",
        "20 ee",
        "20 00 00",
        "42 c8",
        "42 c8 00 00",
        "41",
        "43 34 21 28 00 fe",
        "40 00 40",
        "49 00",
    ],
)
def test_bad_commands(data):
    with pytest.raises(ProtocolError):
        parse_wahoo_command(bytes.fromhex(data))
