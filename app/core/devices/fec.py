"""Pure codecs for Tacx FE-C over BLE: ANT+ Fitness Equipment pages in ANT message frames,
carried by the 6e40fec1 service (notify on FEC2, write on FEC3). No I/O.

Frame (ANT message protocol): `A4 | length | message id | channel | page[8] | checksum`,
where length counts the channel byte plus the page (9) and the checksum is the XOR of every
byte before it. The trainer broadcasts pages with message id 0x4E; commands go out as
acknowledged messages, 0x4F (Auuki src/ble/fec/message.js). Page layouts: ANT+ FE-C profile.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from functools import reduce
from operator import xor
from typing import TypeAlias

from app.core.devices.wire import Payload, Reader, pack_int, pack_scaled

__all__ = [
    "ANT_SYNC",
    "FEC_CHANNEL",
    "AntMessageId",
    "BasicResistance",
    "FeState",
    "FecFrame",
    "FecPage",
    "FecPageNumber",
    "GeneralFeData",
    "SpecificTrainerData",
    "TargetPower",
    "TargetPowerLimit",
    "TrackResistance",
    "UnknownFecPage",
    "encode_fec_basic_resistance",
    "encode_fec_frame",
    "encode_fec_target_power",
    "encode_fec_track_resistance",
    "fec_checksum",
    "parse_fec_frame",
    "parse_fec_message",
    "parse_fec_page",
    "parse_general_fe_data",
    "parse_specific_trainer_data",
]

ANT_SYNC = 0xA4
FEC_CHANNEL = 0x05
"""The ANT channel number Tacx trainers use over BLE (every captured frame carries 05)."""

_FRAME = "FE-C frame"
_PAGE_SIZE = 8
_DATA_LENGTH = 1 + _PAGE_SIZE  # channel + page
_FRAME_SIZE = 4 + _DATA_LENGTH  # sync, length, id, ..., checksum
_RESERVED = 0xFF  # reserved page bytes are sent as 0xFF
_INVALID_U8 = 0xFF  # ANT+ "invalid / not available" markers
_INVALID_U16 = 0xFFFF
_INVALID_POWER = 0x0FFF  # 12-bit instantaneous power
_DEFAULT_CRR = 0.004
_GRADE_OFFSET_PCT = 200.0  # track resistance grade: 0.01 % units with a +200 % offset
_MAX_BASIC_RESISTANCE_RAW = 200  # 0.5 % units: 200 = 100 %


class AntMessageId(IntEnum):
    """ANT data message ids that carry FE-C pages."""

    BROADCAST_DATA = 0x4E
    ACKNOWLEDGED_DATA = 0x4F


class FecPageNumber(IntEnum):
    """FE-C data pages handled here (byte 0 of a page)."""

    GENERAL_FE_DATA = 0x10
    SPECIFIC_TRAINER_DATA = 0x19
    BASIC_RESISTANCE = 0x30
    TARGET_POWER = 0x31
    TRACK_RESISTANCE = 0x33


class FeState(IntEnum):
    """Fitness equipment state (bits 4-6 of the last byte of pages 16 and 25)."""

    RESERVED = 0
    ASLEEP = 1
    READY = 2
    IN_USE = 3
    FINISHED = 4


class TargetPowerLimit(IntEnum):
    """Page 25 byte 7 bits 0-1: can the trainer hold the power target?"""

    AT_TARGET_OR_NONE = 0
    SPEED_TOO_LOW = 1
    SPEED_TOO_HIGH = 2
    UNDETERMINED = 3


@dataclass(frozen=True, slots=True)
class FecFrame:
    """A checked ANT frame: message id, channel and the 8-byte page."""

    message_id: AntMessageId
    channel: int
    page: bytes

    @property
    def page_number(self) -> int:
        """Byte 0 of the page."""
        return self.page[0]


@dataclass(frozen=True, slots=True)
class GeneralFeData:
    """Page 16. Elapsed time and distance roll over (64 s, 256 m); None = invalid."""

    equipment_type: int
    """25 = trainer / stationary bike, 21 = stationary bike, 16 = general."""
    elapsed_time_s: float
    distance_m: int
    speed_mps: float | None
    heart_rate_bpm: int | None
    heart_rate_source: int
    """0 invalid, 1 ANT+ monitor, 2 EM 5 kHz monitor, 3 hand contact."""
    distance_enabled: bool
    virtual_speed: bool
    fe_state: int
    """A `FeState` value (5-7 are reserved)."""
    lap_toggle: bool


@dataclass(frozen=True, slots=True)
class SpecificTrainerData:
    """Page 25. Accumulated power rolls over at 65536 W; None = invalid."""

    update_event_count: int
    cadence_rpm: int | None
    accumulated_power_w: int
    power_w: int | None
    power_calibration_required: bool
    resistance_calibration_required: bool
    user_configuration_required: bool
    target_power_limit: TargetPowerLimit
    fe_state: int
    lap_toggle: bool


@dataclass(frozen=True, slots=True)
class BasicResistance:
    """Page 48: total resistance in percent of maximum."""

    resistance_pct: float


@dataclass(frozen=True, slots=True)
class TargetPower:
    """Page 49: the ERG target."""

    watts: float


@dataclass(frozen=True, slots=True)
class TrackResistance:
    """Page 51: simulated grade and rolling resistance; None = invalid (trainer default)."""

    grade_pct: float | None
    crr: float | None


@dataclass(frozen=True, slots=True)
class UnknownFecPage:
    """Any other page, undecoded."""

    page_number: int
    page: bytes


FecPage: TypeAlias = (
    GeneralFeData
    | SpecificTrainerData
    | BasicResistance
    | TargetPower
    | TrackResistance
    | UnknownFecPage
)


# --- framing -------------------------------------------------------------------------------


def fec_checksum(data: Payload) -> int:
    """XOR of all bytes (the ANT message checksum over sync..last data byte)."""
    return reduce(xor, bytes(data), 0)


def encode_fec_frame(
    page: Payload,
    *,
    channel: int = FEC_CHANNEL,
    message_id: AntMessageId = AntMessageId.ACKNOWLEDGED_DATA,
) -> bytes:
    """Wrap an 8-byte page in an ANT message frame with its checksum."""
    page = bytes(page)
    if len(page) != _PAGE_SIZE:
        raise ValueError(f"an FE-C page is {_PAGE_SIZE} bytes, got {len(page)}")
    body = bytes([ANT_SYNC, _DATA_LENGTH, message_id]) + pack_int(
        channel, 1, signed=False, what="channel"
    )
    body += page
    return body + bytes([fec_checksum(body)])


def parse_fec_frame(data: Payload) -> FecFrame:
    """Check sync, length, message id and checksum; return the frame's page."""
    r = Reader(data, _FRAME)
    if len(r.data) != _FRAME_SIZE:
        raise r.error(f"a frame is {_FRAME_SIZE} bytes, got {len(r.data)}")
    sync, length, raw_id = r.u8("sync"), r.u8("length"), r.u8("message id")
    if sync != ANT_SYNC:
        raise r.error(f"sync byte must be 0xA4, got 0x{sync:02X}")
    if length != _DATA_LENGTH:
        raise r.error(f"length byte must be {_DATA_LENGTH}, got {length}")
    message_id = r.enum(AntMessageId, raw_id, "message id")
    channel = r.u8("channel")
    page = r.take(_PAGE_SIZE, "page")
    checksum = r.u8("checksum")
    expected = fec_checksum(r.data[:-1])
    if checksum != expected:
        raise r.error(f"bad checksum 0x{checksum:02X}, expected 0x{expected:02X}")
    return FecFrame(message_id, channel, page)


# --- command pages (app -> trainer, acknowledged) ---------------------------------------------


def encode_fec_target_power(watts: float) -> bytes:
    """Page 49 frame: target power, u16 in 0.25 W. 200 W -> `… 31 FF FF FF FF FF 20 03 0A`."""
    power = pack_scaled(watts, factor=4, size=2, signed=False, what="target power (W)")
    page = bytes([FecPageNumber.TARGET_POWER]) + bytes([_RESERVED] * 5) + power
    return encode_fec_frame(page)


def encode_fec_track_resistance(grade_pct: float, crr: float = _DEFAULT_CRR) -> bytes:
    """Page 51 frame: grade u16 in 0.01 % with +200 % offset, Crr u8 in 5e-5 units."""
    grade = pack_scaled(
        grade_pct, factor=100, offset=_GRADE_OFFSET_PCT, size=2, signed=False, what="grade (%)"
    )
    # All-ones means "invalid, use the default" in both fields; keep real values below it.
    if int.from_bytes(grade, "little") == _INVALID_U16:
        raise ValueError(f"grade {grade_pct:g} % is out of range -200..455.34")
    rolling = pack_scaled(crr, factor=20000, size=1, signed=False, what="Crr")
    if rolling[0] == _INVALID_U8:
        raise ValueError(f"Crr {crr:g} is out of range 0..0.0127")
    page = bytes([FecPageNumber.TRACK_RESISTANCE]) + bytes([_RESERVED] * 4) + grade + rolling
    return encode_fec_frame(page)


def encode_fec_basic_resistance(resistance_pct: float) -> bytes:
    """Page 48 frame: total resistance in 0.5 % units (0..100 %)."""
    if not 0.0 <= resistance_pct <= 100.0:
        raise ValueError(f"resistance {resistance_pct!r} % is out of range 0..100")
    level = pack_scaled(resistance_pct, factor=2, size=1, signed=False, what="resistance (%)")
    page = bytes([FecPageNumber.BASIC_RESISTANCE]) + bytes([_RESERVED] * 6) + level
    return encode_fec_frame(page)


# --- pages ---------------------------------------------------------------------------------


def _page_reader(page: Payload, number: FecPageNumber) -> Reader:
    r = Reader(page, f"FE-C page {int(number)}")
    if len(r.data) != _PAGE_SIZE:
        raise r.error(f"a page is {_PAGE_SIZE} bytes, got {len(r.data)}")
    got = r.u8("page number")
    if got != number:
        raise r.error(f"page number is {got}, expected {int(number)}")
    return r


def parse_general_fe_data(page: Payload) -> GeneralFeData:
    """Decode page 16 (0x10), General FE Data."""
    r = _page_reader(page, FecPageNumber.GENERAL_FE_DATA)
    equipment = r.u8("equipment type") & 0x1F
    elapsed = r.u8("elapsed time") / 4
    distance = r.u8("distance")
    speed_raw = r.u16("speed")
    heart_rate = r.u8("heart rate")
    bits = r.u8("capabilities and state")
    return GeneralFeData(
        equipment_type=equipment,
        elapsed_time_s=elapsed,
        distance_m=distance,
        speed_mps=None if speed_raw == _INVALID_U16 else speed_raw / 1000,
        heart_rate_bpm=None if heart_rate == _INVALID_U8 else heart_rate,
        heart_rate_source=bits & 0x03,
        distance_enabled=bool(bits & 0x04),
        virtual_speed=bool(bits & 0x08),
        fe_state=(bits >> 4) & 0x07,
        lap_toggle=bool(bits & 0x80),
    )


def parse_specific_trainer_data(page: Payload) -> SpecificTrainerData:
    """Decode page 25 (0x19), Specific Trainer/Stationary Bike Data."""
    r = _page_reader(page, FecPageNumber.SPECIFIC_TRAINER_DATA)
    events = r.u8("update event count")
    cadence = r.u8("cadence")
    accumulated = r.u16("accumulated power")
    power_and_status = r.u16("power and trainer status")
    power = power_and_status & 0x0FFF  # 12 bits; the high nibble is trainer status
    status = power_and_status >> 12
    bits = r.u8("flags and state")
    return SpecificTrainerData(
        update_event_count=events,
        cadence_rpm=None if cadence == _INVALID_U8 else cadence,
        accumulated_power_w=accumulated,
        power_w=None if power == _INVALID_POWER else power,
        power_calibration_required=bool(status & 0x1),
        resistance_calibration_required=bool(status & 0x2),
        user_configuration_required=bool(status & 0x4),
        target_power_limit=TargetPowerLimit(bits & 0x03),
        fe_state=(bits >> 4) & 0x07,
        lap_toggle=bool(bits & 0x80),
    )


def _parse_basic_resistance(page: Payload) -> BasicResistance:
    r = _page_reader(page, FecPageNumber.BASIC_RESISTANCE)
    r.take(6, "reserved")
    raw = r.u8("total resistance")
    if raw > _MAX_BASIC_RESISTANCE_RAW:
        raise r.error(f"total resistance {raw / 2} % is above 100 %")
    return BasicResistance(raw / 2)


def _parse_target_power(page: Payload) -> TargetPower:
    r = _page_reader(page, FecPageNumber.TARGET_POWER)
    r.take(5, "reserved")
    return TargetPower(r.u16("target power") / 4)


def _parse_track_resistance(page: Payload) -> TrackResistance:
    r = _page_reader(page, FecPageNumber.TRACK_RESISTANCE)
    r.take(4, "reserved")
    grade, crr = r.u16("grade"), r.u8("Crr")
    return TrackResistance(
        grade_pct=None if grade == _INVALID_U16 else grade / 100 - _GRADE_OFFSET_PCT,
        crr=None if crr == _INVALID_U8 else crr / 20000,
    )


def parse_fec_page(page: Payload) -> FecPage:
    """Decode an 8-byte page by its number; unknown pages come back undecoded."""
    data = bytes(page)
    if len(data) != _PAGE_SIZE:
        r = Reader(data, "FE-C page")
        raise r.error(f"a page is {_PAGE_SIZE} bytes, got {len(data)}")
    number = data[0]
    if number == FecPageNumber.GENERAL_FE_DATA:
        return parse_general_fe_data(data)
    if number == FecPageNumber.SPECIFIC_TRAINER_DATA:
        return parse_specific_trainer_data(data)
    if number == FecPageNumber.BASIC_RESISTANCE:
        return _parse_basic_resistance(data)
    if number == FecPageNumber.TARGET_POWER:
        return _parse_target_power(data)
    if number == FecPageNumber.TRACK_RESISTANCE:
        return _parse_track_resistance(data)
    return UnknownFecPage(number, data)


def parse_fec_message(data: Payload) -> FecPage:
    """Check a whole frame (as notified on FEC2 or written to FEC3) and decode its page."""
    return parse_fec_page(parse_fec_frame(data).page)
