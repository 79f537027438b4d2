"""FTMS data codecs: feature, Indoor Bike Data (+ assembler), ranges, training status.

Golden bytes come from shared/reference/ble-protocols-and-testing.md (cited per vector);
everything else is built by the small test-side encoders below from raw field values.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core.devices.errors import ProtocolError
from app.core.devices.ftms import (
    FitnessMachineFeature,
    IndoorBikeData,
    IndoorBikeDataAssembler,
    MachineFeature,
    SupportedPowerRange,
    SupportedResistanceRange,
    TargetSettingFeature,
    TrainingStatusCode,
    parse_fitness_machine_feature,
    parse_indoor_bike_data,
    parse_supported_power_range,
    parse_supported_resistance_range,
    parse_training_status,
)

# --- golden vectors ------------------------------------------------------------------------

# ble-protocols-and-testing.md §1.4: real trace from https://devhide.com/btle-characteristic-
# value-has-too-many-bytes-66250956 (flags 0x0244: speed, cadence, power, heart rate).
IBD_STACKOVERFLOW_TRACE = bytes.fromhex("44 02 9c 09 5c 00 4f 00 50")
# ble-protocols-and-testing.md §4b: notification sent by the verified bumble simulator.
IBD_SIMULATOR_TRACE = bytes.fromhex("44 00 b8 0b b4 00 c8 00")
# ble-protocols-and-testing.md §1.3: feature value the verified simulator exposed.
FEATURE_SIMULATOR = bytes.fromhex("02 40 00 00 08 20 00 00")


def test_ibd_stackoverflow_trace():
    data = parse_indoor_bike_data(IBD_STACKOVERFLOW_TRACE)
    assert data == IndoorBikeData(
        flags=0x0244,
        more_data=False,
        speed_kph=24.6,
        cadence_rpm=46.0,
        power_w=79,
        heart_rate_bpm=80,
    )


def test_ibd_simulator_trace():
    data = parse_indoor_bike_data(IBD_SIMULATOR_TRACE)
    assert (data.speed_kph, data.cadence_rpm, data.power_w) == (30.0, 90.0, 200)
    assert data.heart_rate_bpm is None


def test_feature_simulator_value():
    feature = parse_fitness_machine_feature(FEATURE_SIMULATOR)
    assert feature == FitnessMachineFeature(
        MachineFeature.CADENCE | MachineFeature.POWER_MEASUREMENT,
        TargetSettingFeature.POWER | TargetSettingFeature.INDOOR_BIKE_SIMULATION,
    )
    assert feature.supports_power_target
    assert feature.supports_simulation
    assert not feature.supports_resistance_target


def test_feature_keeps_rfu_bits():
    feature = parse_fitness_machine_feature(bytes.fromhex("00 00 00 80 00 00 00 80"))
    assert feature.machine == 1 << 31
    assert feature.target_setting == 1 << 31


@pytest.mark.parametrize("data", ["", "02 40 00 00 08 20 00", "02 40 00 00 08 20 00 00 00"])
def test_feature_must_be_8_bytes(data):
    with pytest.raises(ProtocolError) as err:
        parse_fitness_machine_feature(bytes.fromhex(data))
    assert err.value.characteristic == "Fitness Machine Feature"


# --- Indoor Bike Data: test-side encoder -----------------------------------------------------


def _u(value: int, size: int) -> bytes:
    return value.to_bytes(size, "little")


def _s(value: int, size: int) -> bytes:
    return value.to_bytes(size, "little", signed=True)


def encode_ibd(**raw: Any) -> bytes:
    """Raw field values -> notification bytes. Absent keys are absent fields."""
    flags, body = 0, b""
    if "speed" in raw:
        body += _u(raw["speed"], 2)
    else:
        flags |= 1 << 0  # More Data: no speed
    layout = [
        (1, "average_speed", lambda v: _u(v, 2)),
        (2, "cadence", lambda v: _u(v, 2)),
        (3, "average_cadence", lambda v: _u(v, 2)),
        (4, "distance", lambda v: _u(v, 3)),
        (5, "resistance", lambda v: _s(v, 2)),
        (6, "power", lambda v: _s(v, 2)),
        (7, "average_power", lambda v: _s(v, 2)),
        (8, "energy", lambda v: _u(v[0], 2) + _u(v[1], 2) + _u(v[2], 1)),
        (9, "heart_rate", lambda v: _u(v, 1)),
        (10, "met", lambda v: _u(v, 1)),
        (11, "elapsed", lambda v: _u(v, 2)),
        (12, "remaining", lambda v: _u(v, 2)),
    ]
    for bit, key, pack in layout:
        if key in raw:
            flags |= 1 << bit
            body += pack(raw[key])
    return _u(flags, 2) + body


def expected_ibd(data: bytes, **raw: Any) -> IndoorBikeData:
    energy = raw.get("energy")

    def na(value: int | None, missing: int) -> int | None:
        return None if value is None or value == missing else value

    def scaled(key: str, factor: int) -> float | None:
        return raw[key] / factor if key in raw else None

    return IndoorBikeData(
        flags=int.from_bytes(data[:2], "little"),
        more_data="speed" not in raw,
        speed_kph=scaled("speed", 100),
        average_speed_kph=scaled("average_speed", 100),
        cadence_rpm=scaled("cadence", 2),
        average_cadence_rpm=scaled("average_cadence", 2),
        total_distance_m=raw.get("distance"),
        resistance_level=raw.get("resistance"),
        power_w=raw.get("power"),
        average_power_w=raw.get("average_power"),
        total_energy_kcal=na(energy and energy[0], 0xFFFF),
        energy_per_hour_kcal=na(energy and energy[1], 0xFFFF),
        energy_per_minute_kcal=na(energy and energy[2], 0xFF),
        heart_rate_bpm=raw.get("heart_rate"),
        metabolic_equivalent=scaled("met", 10),
        elapsed_time_s=raw.get("elapsed"),
        remaining_time_s=raw.get("remaining"),
    )


U8, U16, U24 = st.integers(0, 0xFF), st.integers(0, 0xFFFF), st.integers(0, 0xFFFFFF)
S16 = st.integers(-0x8000, 0x7FFF)
IBD_FIELDS = {
    "speed": U16,
    "average_speed": U16,
    "cadence": U16,
    "average_cadence": U16,
    "distance": U24,
    "resistance": S16,
    "power": S16,
    "average_power": S16,
    "energy": st.tuples(U16, U16, U8),
    "heart_rate": U8,
    "met": U8,
    "elapsed": U16,
    "remaining": U16,
}
ibd_raw = st.fixed_dictionaries({}, optional=IBD_FIELDS)


@given(ibd_raw)
def test_ibd_round_trip(raw):
    data = encode_ibd(**raw)
    assert parse_indoor_bike_data(data) == expected_ibd(data, **raw)


ALL_FIELDS = {
    "speed": 3210,
    "average_speed": 2950,
    "cadence": 180,
    "average_cadence": 170,
    "distance": 0xABCDEF,
    "resistance": -25,
    "power": 250,
    "average_power": 231,
    "energy": (123, 456, 7),
    "heart_rate": 150,
    "met": 95,
    "elapsed": 3600,
    "remaining": 1200,
}


def test_ibd_every_field_present_is_30_bytes():
    data = encode_ibd(**ALL_FIELDS)
    assert len(data) == 30
    assert data[:2] == bytes.fromhex("fe 1f")
    parsed = parse_indoor_bike_data(data)
    assert parsed == expected_ibd(data, **ALL_FIELDS)
    assert parsed.total_distance_m == 11259375
    assert parsed.metabolic_equivalent == 9.5


def test_ibd_more_data_record_has_no_speed():
    data = encode_ibd(cadence=170, power=200)  # bit 0 set
    parsed = parse_indoor_bike_data(data)
    assert parsed.more_data
    assert parsed.speed_kph is None
    assert (parsed.cadence_rpm, parsed.power_w) == (85.0, 200)


def test_ibd_negative_power():
    parsed = parse_indoor_bike_data(bytes.fromhex("c0 00 e8 03 9c ff 38 ff"))
    assert parsed.power_w == -100
    assert parsed.average_power_w == -200


def test_ibd_uint24_distance_extremes():
    assert parse_indoor_bike_data(encode_ibd(speed=0, distance=0xFFFFFF)).total_distance_m == (
        16_777_215
    )
    # LE: the third byte is the most significant.
    data = bytes.fromhex("10 00 00 00 01 00 80")
    assert parse_indoor_bike_data(data).total_distance_m == 0x800001


def test_ibd_energy_not_available_is_none():
    parsed = parse_indoor_bike_data(encode_ibd(speed=100, energy=(0xFFFF, 0xFFFF, 0xFF)))
    assert parsed.total_energy_kcal is None
    assert parsed.energy_per_hour_kcal is None
    assert parsed.energy_per_minute_kcal is None
    partial = parse_indoor_bike_data(encode_ibd(speed=100, energy=(42, 0xFFFF, 3)))
    assert (partial.total_energy_kcal, partial.energy_per_hour_kcal) == (42, None)
    assert partial.energy_per_minute_kcal == 3


@pytest.mark.parametrize(
    "data",
    [
        "",
        "44",
        "44 02 9c 09 5c 00 4f 00",  # heart rate byte missing
        "44 02 9c 09 5c 00 4f 00 50 00",  # one byte too many
        "00 00",  # speed announced (bit 0 = 0) but absent
        "10 00 00 00 01 00",  # uint24 distance cut short
    ],
)
def test_ibd_bad_lengths_raise_protocol_error(data):
    with pytest.raises(ProtocolError) as err:
        parse_indoor_bike_data(bytes.fromhex(data))
    assert err.value.characteristic == "Indoor Bike Data"


def test_ibd_rfu_flag_tolerates_unknown_trailing_fields():
    parsed = parse_indoor_bike_data(bytes.fromhex("40 20 9c 09 4f 00 aa bb"))
    assert parsed.power_w == 79
    assert parsed.flags == 0x2040


def test_ibd_accepts_bytearray_and_memoryview():
    expected = parse_indoor_bike_data(IBD_STACKOVERFLOW_TRACE)
    assert parse_indoor_bike_data(bytearray(IBD_STACKOVERFLOW_TRACE)) == expected
    assert parse_indoor_bike_data(memoryview(IBD_STACKOVERFLOW_TRACE)) == expected


# --- assembler -------------------------------------------------------------------------------


def test_assembler_merges_a_split_record():
    assembler = IndoorBikeDataAssembler()
    first = encode_ibd(cadence=180, distance=1000, power=250, energy=(10, 600, 10))
    second = encode_ibd(speed=3000, heart_rate=140, elapsed=60)
    assert assembler.feed(first) == ()
    assert assembler.pending is not None
    (reading,) = assembler.feed(second)
    assert assembler.pending is None
    assert not reading.more_data
    assert reading.flags & 1 == 0
    assert (reading.speed_kph, reading.cadence_rpm, reading.power_w) == (30.0, 90.0, 250)
    assert (reading.total_distance_m, reading.heart_rate_bpm, reading.elapsed_time_s) == (
        1000,
        140,
        60,
    )
    assert reading.total_energy_kcal == 10
    # the merged flags announce every field that arrived, as one whole record would
    assert reading == parse_indoor_bike_data(
        encode_ibd(
            speed=3000,
            cadence=180,
            distance=1000,
            power=250,
            energy=(10, 600, 10),
            heart_rate=140,
            elapsed=60,
        )
    )


def test_assembler_passes_whole_records_through():
    assembler = IndoorBikeDataAssembler()
    assert assembler.feed(IBD_STACKOVERFLOW_TRACE) == (
        parse_indoor_bike_data(IBD_STACKOVERFLOW_TRACE),
    )


def test_assembler_flushes_when_a_field_repeats():
    # A machine that never clears More Data still yields one reading per repetition.
    assembler = IndoorBikeDataAssembler()
    assert assembler.feed(encode_ibd(power=100)) == ()
    (reading,) = assembler.feed(encode_ibd(power=110))
    assert reading.power_w == 100
    assert not reading.more_data
    assert assembler.pending is not None
    assert assembler.pending.power_w == 110


def test_assembler_flush_and_complete_in_one_feed():
    assembler = IndoorBikeDataAssembler()
    assembler.feed(encode_ibd(power=100))
    old, new = assembler.feed(encode_ibd(speed=2000, power=120))
    assert (old.power_w, new.power_w, new.speed_kph) == (100, 120, 20.0)


def test_assembler_reset_discards_partial_record():
    assembler = IndoorBikeDataAssembler()
    assembler.feed(encode_ibd(power=100))
    assembler.reset()
    (reading,) = assembler.feed(encode_ibd(speed=2000))
    assert reading.power_w is None


def test_assembler_keeps_pending_on_bad_notification():
    assembler = IndoorBikeDataAssembler()
    assembler.feed(encode_ibd(power=100))
    with pytest.raises(ProtocolError):
        assembler.feed(b"\x00")
    (reading,) = assembler.feed(encode_ibd(speed=2000))
    assert reading.power_w == 100


@given(st.lists(ibd_raw, max_size=6))
def test_assembler_never_loses_a_final_record(parts):
    assembler = IndoorBikeDataAssembler()
    readings = [r for raw in parts for r in assembler.feed(encode_ibd(**raw))]
    assert all(not r.more_data for r in readings)
    finals = sum("speed" in raw for raw in parts)
    assert len(readings) >= finals


# --- ranges and training status ---------------------------------------------------------------


def test_supported_power_range():
    assert parse_supported_power_range(bytes.fromhex("00 00 d0 07 01 00")) == (
        SupportedPowerRange(0, 2000, 1)
    )


def test_supported_resistance_range_is_in_tenths():
    assert parse_supported_resistance_range(bytes.fromhex("9c ff e8 03 0a 00")) == (
        SupportedResistanceRange(-10.0, 100.0, 1.0)
    )


@given(S16, S16, U16)
def test_range_round_trip(low, high, step):
    data = _s(low, 2) + _s(high, 2) + _u(step, 2)
    if low > high:
        with pytest.raises(ProtocolError):
            parse_supported_power_range(data)
        with pytest.raises(ProtocolError):
            parse_supported_resistance_range(data)
    else:
        assert parse_supported_power_range(data) == SupportedPowerRange(low, high, step)
        assert parse_supported_resistance_range(data) == SupportedResistanceRange(
            low / 10, high / 10, step / 10
        )


@pytest.mark.parametrize("data", ["00 00 d0 07 01", "00 00 d0 07 01 00 00"])
def test_range_bad_length(data):
    with pytest.raises(ProtocolError):
        parse_supported_power_range(bytes.fromhex(data))


def test_training_status_without_text():
    status = parse_training_status(bytes.fromhex("00 01"))
    assert status.status is TrainingStatusCode.IDLE
    assert status.text is None


def test_training_status_with_text():
    status = parse_training_status(b"\x01\x0cWatt Control")
    assert status.status is TrainingStatusCode.WATT_CONTROL
    assert status.text == "Watt Control"
    assert not status.extended_string


def test_training_status_rfu_code_and_extended_flag():
    status = parse_training_status(bytes.fromhex("03 42 41"))
    assert status.code == 0x42
    assert status.status is None
    assert status.extended_string
    assert status.text == "A"


@pytest.mark.parametrize("data", ["", "00", "00 01 41"])
def test_training_status_bad_payloads(data):
    with pytest.raises(ProtocolError):
        parse_training_status(bytes.fromhex(data))


@given(U8, U8, st.text(max_size=10))
def test_training_status_round_trip(flags, code, text):
    data = bytes([flags | 0x01, code]) + text.encode()
    status = parse_training_status(data)
    assert (status.code, status.text, status.extended_string) == (code, text, bool(flags & 2))
