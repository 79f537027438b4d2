"""Encoders for what the virtual peripherals send: the mirror image of the app's parsers.

The app only needs to *parse* notifications, so `app.core.devices` has no encoders for
them; the virtual devices need exactly those. Each encoder here round-trips through the
matching `app.core.devices` parser (the integration tests check that), and raises
ValueError for a value its field cannot carry.
"""

from __future__ import annotations

from dataclasses import fields, replace
from typing import Any

from app.core.devices.fec import AntMessageId, FecPageNumber, encode_fec_frame
from app.core.devices.ftms import (
    ControlOpCode,
    IndoorBikeData,
    IndoorBikeDataFlag,
    MachineFeature,
    MachineStatusOpCode,
    ResultCode,
    TargetSettingFeature,
)
from app.core.devices.wire import pack_int, pack_scaled

__all__ = [
    "WAHOO_FAILURE",
    "WAHOO_SUCCESS",
    "encode_control_point_response",
    "encode_cycling_power_feature",
    "encode_cycling_power_measurement",
    "encode_fec_general_fe_data",
    "encode_fec_specific_trainer_data",
    "encode_fitness_machine_feature",
    "encode_heart_rate_measurement",
    "encode_indoor_bike_data",
    "encode_machine_status",
    "encode_supported_power_range",
    "encode_supported_resistance_range",
    "encode_wahoo_response",
    "split_indoor_bike_data",
]

# --- FTMS ----------------------------------------------------------------------------------


def encode_fitness_machine_feature(
    machine: MachineFeature, target_setting: TargetSettingFeature
) -> bytes:
    """0x2ACC: two u32 bit fields."""
    return int(machine).to_bytes(4, "little") + int(target_setting).to_bytes(4, "little")


def encode_supported_power_range(minimum_w: int, maximum_w: int, increment_w: int) -> bytes:
    """0x2AD8: sint16 min, sint16 max, uint16 increment (W)."""
    return (
        pack_int(minimum_w, 2, signed=True, what="minimum power")
        + pack_int(maximum_w, 2, signed=True, what="maximum power")
        + pack_int(increment_w, 2, signed=False, what="power increment")
    )


def encode_supported_resistance_range(
    minimum_level: float, maximum_level: float, increment_level: float
) -> bytes:
    """0x2AD6: sint16 min, sint16 max, uint16 increment, all in 0.1 units."""
    return (
        pack_scaled(minimum_level, factor=10, size=2, signed=True, what="minimum level")
        + pack_scaled(maximum_level, factor=10, size=2, signed=True, what="maximum level")
        + pack_scaled(increment_level, factor=10, size=2, signed=False, what="level increment")
    )


def encode_control_point_response(
    request_op_code: int, result: ResultCode, parameter: bytes = b""
) -> bytes:
    """A Control Point indication `80 <request op> <result> [parameter]`."""
    return bytes([ControlOpCode.RESPONSE_CODE, request_op_code & 0xFF, result]) + parameter


def encode_machine_status(op_code: MachineStatusOpCode, parameter: bytes = b"") -> bytes:
    """A Fitness Machine Status notification `<op> [parameter]`."""
    return bytes([op_code]) + parameter


_F = IndoorBikeDataFlag


def encode_indoor_bike_data(reading: IndoorBikeData) -> bytes:
    """One 0x2AD2 notification carrying every non-None field of `reading`, in spec order.

    `reading.flags` is ignored: the flags are derived from which fields are set.
    `reading.more_data` sets bit 0, which (inverted) also says whether speed is present, so
    a More Data part must not carry `speed_kph`, and a final part must.
    """
    if reading.more_data and reading.speed_kph is not None:
        raise ValueError("a More Data part cannot carry instantaneous speed")
    if not reading.more_data and reading.speed_kph is None:
        raise ValueError("the last part of a record must carry instantaneous speed")
    flags = 0
    body = b""
    if reading.more_data:
        flags |= _F.MORE_DATA
    else:
        body += _u16(reading.speed_kph, 100, "speed (km/h)")
    if reading.average_speed_kph is not None:
        flags |= _F.AVERAGE_SPEED
        body += _u16(reading.average_speed_kph, 100, "average speed (km/h)")
    if reading.cadence_rpm is not None:
        flags |= _F.INSTANTANEOUS_CADENCE
        body += _u16(reading.cadence_rpm, 2, "cadence (rpm)")
    if reading.average_cadence_rpm is not None:
        flags |= _F.AVERAGE_CADENCE
        body += _u16(reading.average_cadence_rpm, 2, "average cadence (rpm)")
    if reading.total_distance_m is not None:
        flags |= _F.TOTAL_DISTANCE
        body += pack_int(reading.total_distance_m, 3, signed=False, what="total distance (m)")
    if reading.resistance_level is not None:
        flags |= _F.RESISTANCE_LEVEL
        body += pack_int(reading.resistance_level, 2, signed=True, what="resistance level")
    if reading.power_w is not None:
        flags |= _F.INSTANTANEOUS_POWER
        body += pack_int(reading.power_w, 2, signed=True, what="power (W)")
    if reading.average_power_w is not None:
        flags |= _F.AVERAGE_POWER
        body += pack_int(reading.average_power_w, 2, signed=True, what="average power (W)")
    energy = (
        reading.total_energy_kcal,
        reading.energy_per_hour_kcal,
        reading.energy_per_minute_kcal,
    )
    if any(value is not None for value in energy):
        flags |= _F.EXPENDED_ENERGY
        total, per_hour, per_minute = energy
        body += pack_int(0xFFFF if total is None else total, 2, signed=False, what="energy")
        body += pack_int(0xFFFF if per_hour is None else per_hour, 2, signed=False, what="kcal/h")
        body += pack_int(0xFF if per_minute is None else per_minute, 1, signed=False, what="kcal/m")
    if reading.heart_rate_bpm is not None:
        flags |= _F.HEART_RATE
        body += pack_int(reading.heart_rate_bpm, 1, signed=False, what="heart rate (bpm)")
    if reading.metabolic_equivalent is not None:
        flags |= _F.METABOLIC_EQUIVALENT
        body += pack_scaled(
            reading.metabolic_equivalent, factor=10, size=1, signed=False, what="MET"
        )
    if reading.elapsed_time_s is not None:
        flags |= _F.ELAPSED_TIME
        body += pack_int(reading.elapsed_time_s, 2, signed=False, what="elapsed time (s)")
    if reading.remaining_time_s is not None:
        flags |= _F.REMAINING_TIME
        body += pack_int(reading.remaining_time_s, 2, signed=False, what="remaining time (s)")
    return int(flags).to_bytes(2, "little") + body


# Fields the first part of a split record carries; speed (and everything else) goes last.
_FIRST_PART_FIELDS = frozenset(
    {"average_speed_kph", "cadence_rpm", "average_cadence_rpm", "total_distance_m"}
)
_VALUE_FIELDS = tuple(
    f.name for f in fields(IndoorBikeData) if f.name not in {"flags", "more_data", "speed_kph"}
)


def split_indoor_bike_data(reading: IndoorBikeData) -> tuple[bytes, bytes]:
    """The record as two notifications (§4.19): a More Data part, then the final part.

    The first part carries the cadence and distance fields, the final part the speed,
    power and the rest, so neither part repeats a field.
    """
    first_fields: dict[str, Any] = dict.fromkeys(_VALUE_FIELDS)
    first_fields.update({name: getattr(reading, name) for name in _FIRST_PART_FIELDS})
    last_fields: dict[str, Any] = dict.fromkeys(_FIRST_PART_FIELDS)
    first = replace(reading, more_data=True, speed_kph=None, **first_fields)
    last = replace(reading, more_data=False, **last_fields)
    return encode_indoor_bike_data(first), encode_indoor_bike_data(last)


def _u16(value: float | None, factor: float, what: str) -> bytes:
    assert value is not None
    return pack_scaled(value, factor=factor, size=2, signed=False, what=what)


# --- Cycling Power -------------------------------------------------------------------------

_CPM_WHEEL_REVOLUTION_DATA = 1 << 4
_CPM_CRANK_REVOLUTION_DATA = 1 << 5
_CPF_WHEEL_REVOLUTION_DATA_SUPPORTED = 1 << 2
_CPF_CRANK_REVOLUTION_DATA_SUPPORTED = 1 << 3


def encode_cycling_power_measurement(
    power_w: int,
    *,
    crank_revolutions: int | None = None,
    crank_event_ticks: int | None = None,
    wheel_revolutions: int | None = None,
    wheel_event_ticks: int | None = None,
) -> bytes:
    """0x2A63 with instantaneous power and, optionally, wheel and crank revolution data.

    Counters are taken modulo their field size (u32 wheel revolutions, u16 otherwise), the
    way a sensor's counters wrap.
    """
    flags = 0
    body = pack_int(power_w, 2, signed=True, what="power (W)")
    if wheel_revolutions is not None or wheel_event_ticks is not None:
        if wheel_revolutions is None or wheel_event_ticks is None:
            raise ValueError("wheel revolution data needs both the count and the event time")
        flags |= _CPM_WHEEL_REVOLUTION_DATA
        body += (wheel_revolutions % (1 << 32)).to_bytes(4, "little")
        body += (wheel_event_ticks % (1 << 16)).to_bytes(2, "little")
    if crank_revolutions is not None or crank_event_ticks is not None:
        if crank_revolutions is None or crank_event_ticks is None:
            raise ValueError("crank revolution data needs both the count and the event time")
        flags |= _CPM_CRANK_REVOLUTION_DATA
        body += (crank_revolutions % (1 << 16)).to_bytes(2, "little")
        body += (crank_event_ticks % (1 << 16)).to_bytes(2, "little")
    return flags.to_bytes(2, "little") + body


def encode_cycling_power_feature(*, crank_data: bool = True, wheel_data: bool = False) -> bytes:
    """0x2A65: u32 feature bits (only the revolution data bits are modelled)."""
    bits = 0
    if wheel_data:
        bits |= _CPF_WHEEL_REVOLUTION_DATA_SUPPORTED
    if crank_data:
        bits |= _CPF_CRANK_REVOLUTION_DATA_SUPPORTED
    return bits.to_bytes(4, "little")


# --- Heart Rate ----------------------------------------------------------------------------

_HRM_VALUE_UINT16 = 0x01
_HRM_CONTACT_DETECTED = 0b11 << 1
_HRM_CONTACT_NOT_DETECTED = 0b10 << 1
_HRM_ENERGY_EXPENDED = 0x08
_HRM_RR_INTERVALS = 0x10


def encode_heart_rate_measurement(
    heart_rate_bpm: int,
    *,
    contact: bool | None = True,
    rr_interval_ticks: tuple[int, ...] = (),
    energy_expended_kj: int | None = None,
    uint16: bool = False,
) -> bytes:
    """0x2A37. `contact` None = contact detection not supported; RR in 1/1024 s ticks."""
    flags = 0
    if uint16 or heart_rate_bpm > 0xFF:
        flags |= _HRM_VALUE_UINT16
        value = pack_int(heart_rate_bpm, 2, signed=False, what="heart rate (bpm)")
    else:
        value = pack_int(heart_rate_bpm, 1, signed=False, what="heart rate (bpm)")
    if contact is True:
        flags |= _HRM_CONTACT_DETECTED
    elif contact is False:
        flags |= _HRM_CONTACT_NOT_DETECTED
    body = value
    if energy_expended_kj is not None:
        flags |= _HRM_ENERGY_EXPENDED
        body += pack_int(energy_expended_kj, 2, signed=False, what="energy expended (kJ)")
    if rr_interval_ticks:
        flags |= _HRM_RR_INTERVALS
        for ticks in rr_interval_ticks:
            body += pack_int(ticks, 2, signed=False, what="RR interval")
    return bytes([flags]) + body


# --- Wahoo legacy control ------------------------------------------------------------------

WAHOO_SUCCESS = 0x01
WAHOO_FAILURE = 0x02
"""Status byte of a refused command. The protocol is reverse-engineered and no capture of a
refusal is public; anything but 0x01 reads as failure in `parse_wahoo_response`."""


def encode_wahoo_response(request_op_code: int, *, ok: bool = True, echo: bytes = b"") -> bytes:
    """An indication `<status> <op> 01 00 [echo]` as in Auuki's captures (`01 42 01 00 32 00`)."""
    status = WAHOO_SUCCESS if ok else WAHOO_FAILURE
    return bytes([status, request_op_code & 0xFF, 0x01 if ok else 0x00, 0x00]) + echo


# --- Tacx FE-C -----------------------------------------------------------------------------

_EQUIPMENT_TRAINER = 25
_FE_STATE_SHIFT = 4
_HR_INVALID = 0xFF
_DISTANCE_ENABLED = 0x04
_VIRTUAL_SPEED = 0x08
_POWER_12_BITS = 0x0FFF


def encode_fec_general_fe_data(
    *,
    elapsed_time_s: float,
    distance_m: float,
    speed_mps: float,
    heart_rate_bpm: int | None = None,
    fe_state: int = 3,
    virtual_speed: bool = True,
) -> bytes:
    """Page 16 (General FE Data) as an ANT broadcast frame. Elapsed time and distance roll
    over at 64 s and 256 m, as on the wire."""
    elapsed = round(elapsed_time_s * 4) % 256
    distance = int(distance_m) % 256
    speed = min(round(speed_mps * 1000), 0xFFFE)
    bits = _DISTANCE_ENABLED | (fe_state & 0x07) << _FE_STATE_SHIFT
    if virtual_speed:
        bits |= _VIRTUAL_SPEED
    page = bytes(
        [
            FecPageNumber.GENERAL_FE_DATA,
            _EQUIPMENT_TRAINER,
            elapsed,
            distance,
            speed & 0xFF,
            speed >> 8,
            _HR_INVALID if heart_rate_bpm is None else heart_rate_bpm & 0xFF,
            bits,
        ]
    )
    return encode_fec_frame(page, message_id=AntMessageId.BROADCAST_DATA)


def encode_fec_specific_trainer_data(
    *,
    update_event_count: int,
    cadence_rpm: int,
    accumulated_power_w: int,
    power_w: int,
    fe_state: int = 3,
    target_power_limit: int = 0,
) -> bytes:
    """Page 25 (Specific Trainer Data) as an ANT broadcast frame; power is 12 bits."""
    power = max(0, min(power_w, _POWER_12_BITS - 1))
    accumulated = accumulated_power_w % (1 << 16)
    page = bytes(
        [
            FecPageNumber.SPECIFIC_TRAINER_DATA,
            update_event_count % 256,
            max(0, min(cadence_rpm, 0xFE)),
            accumulated & 0xFF,
            accumulated >> 8,
            power & 0xFF,
            power >> 8,  # trainer status nibble (high 4 bits) left at 0: nothing required
            (target_power_limit & 0x03) | (fe_state & 0x07) << _FE_STATE_SHIFT,
        ]
    )
    return encode_fec_frame(page, message_id=AntMessageId.BROADCAST_DATA)
