"""The virtual devices' encoders round-trip through the app's parsers (pure, no radio)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from app.core.devices.cps import parse_cycling_power_measurement
from app.core.devices.fec import parse_fec_message
from app.core.devices.ftms import (
    IndoorBikeData,
    IndoorBikeDataAssembler,
    parse_control_point_response,
    parse_indoor_bike_data,
    parse_machine_status,
)
from app.core.devices.hrs import SensorContact, parse_heart_rate_measurement
from app.core.devices.wahoo import parse_wahoo_response
from app.infra.ble.virtual.encoders import (
    encode_control_point_response,
    encode_cycling_power_measurement,
    encode_fec_general_fe_data,
    encode_fec_specific_trainer_data,
    encode_heart_rate_measurement,
    encode_indoor_bike_data,
    encode_machine_status,
    encode_wahoo_response,
    split_indoor_bike_data,
)

FULL = IndoorBikeData(
    flags=0,
    more_data=False,
    speed_kph=24.6,
    average_speed_kph=23.1,
    cadence_rpm=46.0,
    average_cadence_rpm=80.5,
    total_distance_m=70_000,
    resistance_level=-12,
    power_w=-5,
    average_power_w=180,
    total_energy_kcal=None,
    energy_per_hour_kcal=600,
    energy_per_minute_kcal=10,
    heart_rate_bpm=80,
    metabolic_equivalent=7.5,
    elapsed_time_s=3600,
    remaining_time_s=60,
)


def _without_flags(reading: IndoorBikeData) -> IndoorBikeData:
    return replace(reading, flags=0)


def test_indoor_bike_data_round_trips_every_field():
    encoded = encode_indoor_bike_data(FULL)
    assert len(encoded) == 30  # the largest record (§4.9)
    assert _without_flags(parse_indoor_bike_data(encoded)) == FULL


def test_indoor_bike_data_golden_trace():
    trace = bytes.fromhex("44029c095c004f0050")
    reading = parse_indoor_bike_data(trace)
    assert encode_indoor_bike_data(reading) == trace


def test_split_record_parts_fit_and_reassemble():
    short = IndoorBikeData(
        flags=0,
        more_data=False,
        speed_kph=30.0,
        cadence_rpm=90.0,
        total_distance_m=1234,
        power_w=200,
        heart_rate_bpm=140,
        elapsed_time_s=61,
    )
    first, last = split_indoor_bike_data(short)
    assert len(first) <= 20 and len(last) <= 20
    assembler = IndoorBikeDataAssembler()
    assert assembler.feed(first) == ()
    (whole,) = assembler.feed(last)
    assert _without_flags(whole) == short


def test_more_data_rules():
    with pytest.raises(ValueError):
        encode_indoor_bike_data(IndoorBikeData(flags=0, more_data=True, speed_kph=1.0))
    with pytest.raises(ValueError):
        encode_indoor_bike_data(IndoorBikeData(flags=0, more_data=False))


def test_control_point_and_status_encoders():
    response = parse_control_point_response(encode_control_point_response(0x05, 1))
    assert response.ok and response.request_op_code == 0x05
    status = parse_machine_status(encode_machine_status(0x08, b"\xc8\x00"))
    assert status.target_power_w == 200


def test_cps_measurement_wraps_counters():
    value = encode_cycling_power_measurement(
        -3,
        crank_revolutions=65536 + 7,
        crank_event_ticks=70000,
        wheel_revolutions=(1 << 32) + 1,
        wheel_event_ticks=2048,
    )
    m = parse_cycling_power_measurement(value)
    assert (m.power_w, m.crank_revolutions, m.crank_event_ticks) == (-3, 7, 70000 - 65536)
    assert (m.wheel_revolutions, m.wheel_event_ticks) == (1, 2048)


def test_heart_rate_measurement_forms():
    golden = bytes.fromhex("164218047001")
    assert encode_heart_rate_measurement(66, rr_interval_ticks=(0x0418, 0x0170)) == golden
    wide = parse_heart_rate_measurement(
        encode_heart_rate_measurement(300, contact=None, energy_expended_kj=12)
    )
    assert (wide.heart_rate_bpm, wide.energy_expended_kj) == (300, 12)
    assert wide.sensor_contact is SensorContact.NOT_SUPPORTED


def test_fec_pages_and_wahoo_response():
    general = parse_fec_message(
        encode_fec_general_fe_data(elapsed_time_s=70.0, distance_m=300.0, speed_mps=9.5)
    )
    assert general.elapsed_time_s == 6.0 and general.distance_m == 44  # rolled over
    specific = parse_fec_message(
        encode_fec_specific_trainer_data(
            update_event_count=300, cadence_rpm=91, accumulated_power_w=70000, power_w=2500
        )
    )
    assert (specific.update_event_count, specific.cadence_rpm) == (44, 91)
    assert (specific.accumulated_power_w, specific.power_w) == (70000 - 65536, 2500)
    ok = parse_wahoo_response(encode_wahoo_response(0x42, echo=b"\x32\x00"))
    assert ok.ok and ok.echoed_value == 50
    assert not parse_wahoo_response(encode_wahoo_response(0x42, ok=False)).ok
