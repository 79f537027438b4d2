"""Tacx FE-C over BLE: ANT framing, command pages 48/49/51, data pages 16/25.

Golden frames: shared/reference/ble-protocols-and-testing.md §2.5 (target power 200 W with
FF-filled and with Auuki's 00-filled reserved bytes; track resistance 5 %, Crr 0.004).
Pages 16 and 25 are built from the ANT+ FE-C page layouts (no captured frame available).
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core.devices.errors import ProtocolError
from app.core.devices.fec import (
    AntMessageId,
    BasicResistance,
    FecFrame,
    FeState,
    GeneralFeData,
    SpecificTrainerData,
    TargetPower,
    TargetPowerLimit,
    TrackResistance,
    UnknownFecPage,
    encode_fec_basic_resistance,
    encode_fec_frame,
    encode_fec_target_power,
    encode_fec_track_resistance,
    fec_checksum,
    parse_fec_frame,
    parse_fec_message,
    parse_fec_page,
    parse_general_fe_data,
    parse_specific_trainer_data,
)

TARGET_POWER_200W = bytes.fromhex("a4 09 4f 05 31 ff ff ff ff ff 20 03 0a")
TARGET_POWER_200W_AUUKI = bytes.fromhex("a4 09 4f 05 31 00 00 00 00 00 20 03 f5")
TRACK_5PCT_CRR_0004 = bytes.fromhex("a4 09 4f 05 33 ff ff ff ff 14 50 50 c0")


def test_golden_command_frames():
    assert encode_fec_target_power(200) == TARGET_POWER_200W
    assert encode_fec_track_resistance(5.0, 0.004) == TRACK_5PCT_CRR_0004
    assert encode_fec_track_resistance(5.0) == TRACK_5PCT_CRR_0004  # Crr default 0.004


def test_golden_frames_decode():
    assert parse_fec_message(TARGET_POWER_200W) == TargetPower(200.0)
    assert parse_fec_message(TARGET_POWER_200W_AUUKI) == TargetPower(200.0)  # reserved 00
    assert parse_fec_message(TRACK_5PCT_CRR_0004) == TrackResistance(5.0, 0.004)
    frame = parse_fec_frame(TRACK_5PCT_CRR_0004)
    assert frame == FecFrame(AntMessageId.ACKNOWLEDGED_DATA, 5, TRACK_5PCT_CRR_0004[4:12])
    assert frame.page_number == 0x33


def test_checksum_is_xor_of_preceding_bytes():
    assert fec_checksum(TARGET_POWER_200W[:-1]) == 0x0A
    assert fec_checksum(TARGET_POWER_200W_AUUKI[:-1]) == 0xF5


def test_basic_resistance():
    frame = encode_fec_basic_resistance(50.0)
    assert frame[4:12] == bytes.fromhex("30 ff ff ff ff ff ff 64")
    assert parse_fec_message(frame) == BasicResistance(50.0)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ("", "13 bytes"),
        ("a4 09 4f 05 31 ff ff ff ff ff 20 03", "13 bytes"),
        ("a4 09 4f 05 31 ff ff ff ff ff 20 03 0b", "checksum"),
        ("a5 09 4f 05 31 ff ff ff ff ff 20 03 0b", "sync"),
        ("a4 08 4f 05 31 ff ff ff ff ff 20 03 0b", "length"),
        ("a4 09 40 05 31 ff ff ff ff ff 20 03 05", "message id"),
    ],
)
def test_bad_frames(data, reason):
    with pytest.raises(ProtocolError, match=reason) as err:
        parse_fec_frame(bytes.fromhex(data))
    assert err.value.characteristic == "FE-C frame"


# --- data pages (trainer -> app, broadcast 0x4E) -----------------------------------------------


def general_page(
    equipment: int, time: int, distance: int, speed: int, hr: int, caps: int, state: int, lap: bool
) -> bytes:
    last = caps | state << 4 | lap << 7
    return (
        bytes([0x10, equipment, time, distance]) + speed.to_bytes(2, "little") + bytes([hr, last])
    )


def trainer_page(
    events: int, cadence: int, acc: int, power: int, status: int, limit: int, state: int, lap: bool
) -> bytes:
    return (
        bytes([0x19, events, cadence])
        + acc.to_bytes(2, "little")
        + (power | status << 12).to_bytes(2, "little")
        + bytes([limit | state << 4 | lap << 7])
    )


def test_general_fe_data_broadcast():
    page = general_page(25, 120, 200, 8333, 140, 0b1101, FeState.IN_USE, True)
    frame = encode_fec_frame(page, message_id=AntMessageId.BROADCAST_DATA)
    assert frame[2] == 0x4E
    assert parse_fec_message(frame) == GeneralFeData(
        equipment_type=25,
        elapsed_time_s=30.0,
        distance_m=200,
        speed_mps=8.333,
        heart_rate_bpm=140,
        heart_rate_source=1,
        distance_enabled=True,
        virtual_speed=True,
        fe_state=FeState.IN_USE,
        lap_toggle=True,
    )


def test_general_fe_data_invalid_values():
    data = parse_general_fe_data(general_page(25, 0, 0, 0xFFFF, 0xFF, 0, FeState.READY, False))
    assert (data.speed_mps, data.heart_rate_bpm) == (None, None)


def test_specific_trainer_data():
    page = trainer_page(7, 90, 0xFFF0, 0x0FA, 0b0011, 1, FeState.IN_USE, False)
    assert parse_specific_trainer_data(page) == SpecificTrainerData(
        update_event_count=7,
        cadence_rpm=90,
        accumulated_power_w=0xFFF0,
        power_w=250,
        power_calibration_required=True,
        resistance_calibration_required=True,
        user_configuration_required=False,
        target_power_limit=TargetPowerLimit.SPEED_TOO_LOW,
        fe_state=FeState.IN_USE,
        lap_toggle=False,
    )


def test_specific_trainer_data_12_bit_power_and_invalids():
    page = trainer_page(0, 0xFF, 0, 0xFFF, 0b0100, 3, FeState.READY, True)
    data = parse_specific_trainer_data(page)
    assert (data.cadence_rpm, data.power_w) == (None, None)
    assert data.user_configuration_required
    assert data.target_power_limit is TargetPowerLimit.UNDETERMINED
    # the status nibble never leaks into the power value
    assert parse_specific_trainer_data(trainer_page(0, 0, 0, 4094, 0xF, 0, 0, False)).power_w == (
        4094
    )


@given(
    st.integers(0, 31),
    st.integers(0, 255),
    st.integers(0, 255),
    st.integers(0, 0xFFFF),
    st.integers(0, 255),
    st.integers(0, 15),
    st.integers(0, 7),
    st.booleans(),
)
def test_general_fe_data_round_trip(equipment, time, distance, speed, hr, caps, state, lap):
    data = parse_general_fe_data(
        general_page(equipment, time, distance, speed, hr, caps, state, lap)
    )
    assert data.equipment_type == equipment
    assert data.elapsed_time_s == time / 4
    assert data.distance_m == distance
    assert data.speed_mps == (None if speed == 0xFFFF else speed / 1000)
    assert data.heart_rate_bpm == (None if hr == 0xFF else hr)
    assert (data.heart_rate_source, data.distance_enabled, data.virtual_speed) == (
        caps & 3,
        bool(caps & 4),
        bool(caps & 8),
    )
    assert (data.fe_state, data.lap_toggle) == (state, lap)


@given(
    st.integers(0, 255),
    st.integers(0, 255),
    st.integers(0, 0xFFFF),
    st.integers(0, 0xFFF),
    st.integers(0, 15),
    st.integers(0, 3),
    st.integers(0, 7),
    st.booleans(),
)
def test_specific_trainer_data_round_trip(events, cadence, acc, power, status, limit, state, lap):
    page = trainer_page(events, cadence, acc, power, status, limit, state, lap)
    data = parse_specific_trainer_data(page)
    assert (data.update_event_count, data.accumulated_power_w) == (events, acc)
    assert data.cadence_rpm == (None if cadence == 0xFF else cadence)
    assert data.power_w == (None if power == 0xFFF else power)
    assert (
        data.power_calibration_required,
        data.resistance_calibration_required,
        data.user_configuration_required,
    ) == (bool(status & 1), bool(status & 2), bool(status & 4))
    assert (data.target_power_limit, data.fe_state, data.lap_toggle) == (limit, state, lap)


@pytest.mark.parametrize(
    ("parse", "page"),
    [
        (parse_general_fe_data, "10 19 00 00 00 00 00"),  # 7 bytes
        (parse_general_fe_data, "19 00 00 00 00 00 00 00"),  # wrong page number
        (parse_specific_trainer_data, "10 19 00 00 00 00 00 00"),
        (parse_fec_page, "30 ff ff ff ff ff ff c9"),  # basic resistance above 100 %
        (parse_fec_page, "30 ff ff"),
    ],
)
def test_bad_pages(parse, page):
    with pytest.raises(ProtocolError):
        parse(bytes.fromhex(page))


def test_unknown_page_passes_through():
    page = bytes.fromhex("50 ff ff 01 0f 00 85 83")  # common page 80, manufacturer info
    assert parse_fec_page(page) == UnknownFecPage(0x50, page)


# --- encoder round trips -------------------------------------------------------------------------


@given(st.integers(0, 0xFFFF))
def test_target_power_round_trip(raw):
    frame = encode_fec_target_power(raw / 4)
    assert frame[10:12] == raw.to_bytes(2, "little")
    assert parse_fec_message(frame) == TargetPower(raw / 4)


@given(st.integers(0, 0xFFFE), st.integers(0, 0xFE))
def test_track_resistance_round_trip(grade_raw, crr_raw):
    frame = encode_fec_track_resistance(grade_raw / 100 - 200, crr_raw / 20000)
    assert frame[9:12] == grade_raw.to_bytes(2, "little") + bytes([crr_raw])
    decoded = parse_fec_message(frame)
    assert isinstance(decoded, TrackResistance)
    assert decoded.grade_pct is not None
    assert decoded.crr is not None
    assert decoded.crr == crr_raw / 20000
    assert encode_fec_track_resistance(decoded.grade_pct, decoded.crr) == frame


def test_track_resistance_invalid_markers_decode_as_none():
    page = bytes.fromhex("33 ff ff ff ff ff ff ff")
    assert parse_fec_page(page) == TrackResistance(None, None)


@given(st.integers(0, 200))
def test_basic_resistance_round_trip(raw):
    assert parse_fec_message(encode_fec_basic_resistance(raw / 2)) == BasicResistance(raw / 2)


@given(st.binary(min_size=8, max_size=8), st.integers(0, 255), st.sampled_from(AntMessageId))
def test_frame_round_trip(page, channel, message_id):
    frame = encode_fec_frame(page, channel=channel, message_id=message_id)
    assert fec_checksum(frame) == 0  # XOR over the whole frame including its checksum
    assert parse_fec_frame(frame) == FecFrame(message_id, channel, page)


@pytest.mark.parametrize(
    "call",
    [
        lambda: encode_fec_target_power(-1),
        lambda: encode_fec_target_power(16384),
        lambda: encode_fec_target_power(math.inf),
        lambda: encode_fec_track_resistance(-201),
        lambda: encode_fec_track_resistance(456),
        lambda: encode_fec_track_resistance(455.35),  # 0xFFFF is reserved for 'invalid'
        lambda: encode_fec_track_resistance(5, 0.01275),  # 0xFF is reserved for 'invalid'
        lambda: encode_fec_track_resistance(5, -0.001),
        lambda: encode_fec_basic_resistance(100.5),
        lambda: encode_fec_basic_resistance(-1),
        lambda: encode_fec_frame(b"\x31" * 7),
        lambda: encode_fec_frame(b"\x31" * 8, channel=256),
    ],
)
def test_encoders_reject_out_of_range(call):
    with pytest.raises(ValueError):
        call()
