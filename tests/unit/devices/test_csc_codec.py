"""CSC Measurement/Feature and the CSC calculator (1/1024 s wheel timing).

Layout: shared/reference/ble-protocols-and-testing.md §2.3; bytes built from it.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core.devices.csc import (
    CscCalculator,
    CscFeature,
    CscMeasurement,
    CscRates,
    parse_csc_feature,
    parse_csc_measurement,
)
from app.core.devices.errors import ProtocolError


def test_wheel_and_crank():
    data = bytes.fromhex("03 10 27 00 00 00 04 2a 01 00 80")
    assert parse_csc_measurement(data) == CscMeasurement(10000, 1024, 298, 0x8000)


def test_crank_only():
    assert parse_csc_measurement(bytes.fromhex("02 2a 01 00 80")) == CscMeasurement(
        crank_revolutions=298, crank_event_ticks=0x8000
    )


@pytest.mark.parametrize(
    "data", ["", "01 10 27 00 00 00", "02 2a 01 00", "00 00", "02 2a 01 00 80 ff"]
)
def test_bad_payloads(data):
    with pytest.raises(ProtocolError) as err:
        parse_csc_measurement(bytes.fromhex(data))
    assert err.value.characteristic == "CSC Measurement"


@given(
    st.none() | st.tuples(st.integers(0, 2**32 - 1), st.integers(0, 0xFFFF)),
    st.none() | st.tuples(st.integers(0, 0xFFFF), st.integers(0, 0xFFFF)),
)
def test_round_trip(wheel, crank):
    flags = (wheel is not None) | (crank is not None) << 1
    data = bytes([flags])
    if wheel:
        data += wheel[0].to_bytes(4, "little") + wheel[1].to_bytes(2, "little")
    if crank:
        data += crank[0].to_bytes(2, "little") + crank[1].to_bytes(2, "little")
    m = parse_csc_measurement(data)
    assert (m.wheel_revolutions, m.wheel_event_ticks) == (wheel or (None, None))
    assert (m.crank_revolutions, m.crank_event_ticks) == (crank or (None, None))


def test_feature():
    assert parse_csc_feature(bytes.fromhex("03 00")) == (
        CscFeature.WHEEL_REVOLUTION_DATA | CscFeature.CRANK_REVOLUTION_DATA
    )
    with pytest.raises(ProtocolError):
        parse_csc_feature(b"\x03")


def test_calculator_uses_1024_ticks_for_the_wheel():
    calc = CscCalculator(wheel_circumference_m=2.0)
    assert calc.update(CscMeasurement(100, 0, 50, 0), now_s=0.0) == CscRates(None, None)
    rates = calc.update(CscMeasurement(105, 1024, 51, 1024), now_s=1.0)
    assert rates == CscRates(speed_mps=10.0, cadence_rpm=60.0)


def test_calculator_wraps_and_handles_missing_parts():
    calc = CscCalculator(wheel_circumference_m=2.0)
    calc.update(CscMeasurement(2**32 - 1, 65535, 65535, 65535), now_s=0.0)
    rates = calc.update(CscMeasurement(1, 1023, 0, 1023), now_s=1.0)
    assert rates == CscRates(speed_mps=4.0, cadence_rpm=60.0)
    assert calc.update(CscMeasurement(crank_revolutions=1, crank_event_ticks=2047), now_s=2.0) == (
        CscRates(None, 60.0)
    )
    calc.reset()
    assert calc.update(CscMeasurement(3, 3071, 2, 3071), now_s=3.0) == CscRates(None, None)
