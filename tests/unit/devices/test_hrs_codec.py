"""Heart Rate Measurement. Golden bytes: shared/reference/ble-protocols-and-testing.md §2.2."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core.devices.errors import ProtocolError
from app.core.devices.hrs import HeartRateMeasurement, SensorContact, parse_heart_rate_measurement

# §2.2: flags 0x16 (contact detected, RR present), HR 66, RR 0x0418 and 0x0170 (1/1024 s).
HR_TRACE = bytes.fromhex("16 42 18 04 70 01")


def test_golden_trace():
    assert parse_heart_rate_measurement(HR_TRACE) == HeartRateMeasurement(
        heart_rate_bpm=66,
        sensor_contact=SensorContact.CONTACT,
        rr_intervals_ms=(1048 * 1000 / 1024, 368 * 1000 / 1024),
    )
    assert parse_heart_rate_measurement(HR_TRACE).rr_intervals_ms == (1023.4375, 359.375)


@pytest.mark.parametrize(
    ("flags", "contact"),
    [
        (0b000, SensorContact.NOT_SUPPORTED),
        (0b010, SensorContact.NOT_SUPPORTED),
        (0b100, SensorContact.NO_CONTACT),  # pycycling's flags & 0x06 calls this contact
        (0b110, SensorContact.CONTACT),
    ],
)
def test_sensor_contact(flags, contact):
    assert parse_heart_rate_measurement(bytes([flags, 60])).sensor_contact is contact


def test_uint16_value_and_energy():
    m = parse_heart_rate_measurement(bytes.fromhex("09 2c 01 e8 03"))
    assert (m.heart_rate_bpm, m.energy_expended_kj, m.rr_intervals_ms) == (300, 1000, ())


@pytest.mark.parametrize(
    "data",
    [
        "",
        "00",
        "01 42",  # uint16 value cut short
        "08 42 01",  # energy cut short
        "10 42 18 04 70",  # odd RR byte
        "00 42 00",  # trailing byte without RR flag
    ],
)
def test_bad_payloads(data):
    with pytest.raises(ProtocolError) as err:
        parse_heart_rate_measurement(bytes.fromhex(data))
    assert err.value.characteristic == "Heart Rate Measurement"


@given(
    st.booleans(),
    st.integers(0, 3),
    st.integers(0, 0xFFFF),
    st.none() | st.integers(0, 0xFFFF),
    st.none() | st.lists(st.integers(0, 0xFFFF), max_size=9),
)
def test_round_trip(wide, contact_bits, heart_rate, energy, rr):
    if not wide:
        heart_rate &= 0xFF
    flags = int(wide) | contact_bits << 1 | (energy is not None) << 3 | (rr is not None) << 4
    data = bytes([flags]) + heart_rate.to_bytes(2 if wide else 1, "little")
    if energy is not None:
        data += energy.to_bytes(2, "little")
    data += b"".join(v.to_bytes(2, "little") for v in rr or [])
    m = parse_heart_rate_measurement(data)
    assert m.heart_rate_bpm == heart_rate
    assert m.energy_expended_kj == energy
    assert m.rr_intervals_ms == tuple(v * 1000 / 1024 for v in rr or [])
    assert (m.sensor_contact is SensorContact.CONTACT) == (contact_bits == 3)
