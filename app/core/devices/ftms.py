"""Pure FTMS (Fitness Machine Service 0x1826) codecs: feature, Indoor Bike Data and its
multi-notification assembly, supported ranges, training status. No I/O, no bleak.

The control point and machine status codecs live in `ftms_control` and are re-exported
here, so `from app.core.devices.ftms import encode_set_target_power` works. Sections cited
are FTMS v1.0.1; field formats are from the GATT Specification Supplement.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from enum import IntEnum, IntFlag
from typing import Any

from app.core.devices.ftms_control import (
    ControlOpCode,
    ControlPointRequest,
    ControlPointResponse,
    MachineStatus,
    MachineStatusOpCode,
    ResistanceEncoding,
    ResultCode,
    SimulationParameters,
    SpinDownStatus,
    encode_request_control,
    encode_reset,
    encode_set_indoor_bike_simulation,
    encode_set_target_power,
    encode_set_target_resistance,
    encode_start_or_resume,
    encode_stop_or_pause,
    parse_control_point_request,
    parse_control_point_response,
    parse_machine_status,
)
from app.core.devices.wire import Payload, Reader

__all__ = [
    "ControlOpCode",
    "ControlPointRequest",
    "ControlPointResponse",
    "FitnessMachineFeature",
    "IndoorBikeData",
    "IndoorBikeDataAssembler",
    "IndoorBikeDataFlag",
    "MachineFeature",
    "MachineStatus",
    "MachineStatusOpCode",
    "ResistanceEncoding",
    "ResultCode",
    "SimulationParameters",
    "SpinDownStatus",
    "SupportedPowerRange",
    "SupportedResistanceRange",
    "TargetSettingFeature",
    "TrainingStatus",
    "TrainingStatusCode",
    "encode_request_control",
    "encode_reset",
    "encode_set_indoor_bike_simulation",
    "encode_set_target_power",
    "encode_set_target_resistance",
    "encode_start_or_resume",
    "encode_stop_or_pause",
    "parse_control_point_request",
    "parse_control_point_response",
    "parse_fitness_machine_feature",
    "parse_indoor_bike_data",
    "parse_machine_status",
    "parse_supported_power_range",
    "parse_supported_resistance_range",
    "parse_training_status",
]


# --- Fitness Machine Feature (0x2ACC, §4.3) ------------------------------------------------


class MachineFeature(IntFlag):
    """Fitness Machine Features field (first u32 of 0x2ACC)."""

    AVERAGE_SPEED = 1 << 0
    CADENCE = 1 << 1
    TOTAL_DISTANCE = 1 << 2
    INCLINATION = 1 << 3
    ELEVATION_GAIN = 1 << 4
    PACE = 1 << 5
    STEP_COUNT = 1 << 6
    RESISTANCE_LEVEL = 1 << 7
    STRIDE_COUNT = 1 << 8
    EXPENDED_ENERGY = 1 << 9
    HEART_RATE_MEASUREMENT = 1 << 10
    METABOLIC_EQUIVALENT = 1 << 11
    ELAPSED_TIME = 1 << 12
    REMAINING_TIME = 1 << 13
    POWER_MEASUREMENT = 1 << 14
    FORCE_ON_BELT_AND_POWER_OUTPUT = 1 << 15
    USER_DATA_RETENTION = 1 << 16


class TargetSettingFeature(IntFlag):
    """Target Setting Features field (second u32 of 0x2ACC): which CP targets work."""

    SPEED = 1 << 0
    INCLINATION = 1 << 1
    RESISTANCE = 1 << 2
    POWER = 1 << 3
    HEART_RATE = 1 << 4
    EXPENDED_ENERGY = 1 << 5
    STEP_NUMBER = 1 << 6
    STRIDE_NUMBER = 1 << 7
    DISTANCE = 1 << 8
    TRAINING_TIME = 1 << 9
    TIME_IN_TWO_HR_ZONES = 1 << 10
    TIME_IN_THREE_HR_ZONES = 1 << 11
    TIME_IN_FIVE_HR_ZONES = 1 << 12
    INDOOR_BIKE_SIMULATION = 1 << 13
    WHEEL_CIRCUMFERENCE = 1 << 14
    SPIN_DOWN_CONTROL = 1 << 15
    CADENCE = 1 << 16


@dataclass(frozen=True, slots=True)
class FitnessMachineFeature:
    """What the machine reports and which targets it accepts (RFU bits are kept)."""

    machine: MachineFeature
    target_setting: TargetSettingFeature

    @property
    def supports_power_target(self) -> bool:
        """ERG mode (Set Target Power) is available."""
        return TargetSettingFeature.POWER in self.target_setting

    @property
    def supports_resistance_target(self) -> bool:
        """Set Target Resistance Level is available."""
        return TargetSettingFeature.RESISTANCE in self.target_setting

    @property
    def supports_simulation(self) -> bool:
        """SIM mode (Set Indoor Bike Simulation Parameters) is available."""
        return TargetSettingFeature.INDOOR_BIKE_SIMULATION in self.target_setting


def parse_fitness_machine_feature(data: Payload) -> FitnessMachineFeature:
    """Decode 0x2ACC: two u32 bit fields, 8 bytes."""
    r = Reader(data, "Fitness Machine Feature")
    machine = MachineFeature(r.u32("fitness machine features"))
    target = TargetSettingFeature(r.u32("target setting features"))
    r.finish()
    return FitnessMachineFeature(machine, target)


# --- Indoor Bike Data (0x2AD2, §4.9) ----------------------------------------------------


class IndoorBikeDataFlag(IntFlag):
    """Flags of an Indoor Bike Data record. MORE_DATA is inverted: 0 = speed present."""

    MORE_DATA = 1 << 0
    AVERAGE_SPEED = 1 << 1
    INSTANTANEOUS_CADENCE = 1 << 2
    AVERAGE_CADENCE = 1 << 3
    TOTAL_DISTANCE = 1 << 4
    RESISTANCE_LEVEL = 1 << 5
    INSTANTANEOUS_POWER = 1 << 6
    AVERAGE_POWER = 1 << 7
    EXPENDED_ENERGY = 1 << 8
    HEART_RATE = 1 << 9
    METABOLIC_EQUIVALENT = 1 << 10
    ELAPSED_TIME = 1 << 11
    REMAINING_TIME = 1 << 12


_IBD = "Indoor Bike Data"
_IBD_KNOWN_FLAGS = (1 << 13) - 1  # bits 13-15 are RFU
_MORE_DATA = 0x0001
# Expended energy fields carry these when the machine has no value (GSS).
_ENERGY_U16_NOT_AVAILABLE = 0xFFFF
_ENERGY_U8_NOT_AVAILABLE = 0xFF


@dataclass(frozen=True, slots=True)
class IndoorBikeData:
    """One Indoor Bike Data notification (or an assembled record). None = not present.

    `resistance_level` is the raw device integer: trainers disagree on its resolution.
    Expended energy fields are also None when the machine sends 'not available'.
    `flags` are the raw flags; in a reading from `IndoorBikeDataAssembler` they are the
    union of its parts' flags (bit 0 still meaning "no speed") and `more_data` is False.
    """

    flags: int
    more_data: bool
    speed_kph: float | None = None
    average_speed_kph: float | None = None
    cadence_rpm: float | None = None
    average_cadence_rpm: float | None = None
    total_distance_m: int | None = None
    resistance_level: int | None = None
    power_w: int | None = None
    average_power_w: int | None = None
    total_energy_kcal: int | None = None
    energy_per_hour_kcal: int | None = None
    energy_per_minute_kcal: int | None = None
    heart_rate_bpm: int | None = None
    metabolic_equivalent: float | None = None
    elapsed_time_s: int | None = None
    remaining_time_s: int | None = None


def _available(raw: int, not_available: int) -> int | None:
    return None if raw == not_available else raw


def parse_indoor_bike_data(data: Payload) -> IndoorBikeData:
    """Decode one 0x2AD2 notification; fields follow the u16 flags in spec order.

    Bit 0 (More Data) is inverted: 0 means Instantaneous Speed is present, 1 means this
    notification is one part of a record split over several (§4.19), without speed.
    Extra bytes after the flagged fields are an error unless an RFU flag bit is set.
    """
    r = Reader(data, _IBD)
    flags = r.u16("flags")
    F = IndoorBikeDataFlag
    more_data = bool(flags & F.MORE_DATA)
    speed = None if more_data else r.u16("instantaneous speed") / 100
    average_speed = r.u16("average speed") / 100 if flags & F.AVERAGE_SPEED else None
    cadence = r.u16("instantaneous cadence") / 2 if flags & F.INSTANTANEOUS_CADENCE else None
    average_cadence = r.u16("average cadence") / 2 if flags & F.AVERAGE_CADENCE else None
    distance = r.u24("total distance") if flags & F.TOTAL_DISTANCE else None
    resistance = r.s16("resistance level") if flags & F.RESISTANCE_LEVEL else None
    power = r.s16("instantaneous power") if flags & F.INSTANTANEOUS_POWER else None
    average_power = r.s16("average power") if flags & F.AVERAGE_POWER else None
    total_energy = per_hour = per_minute = None
    if flags & F.EXPENDED_ENERGY:
        total_energy = _available(r.u16("total energy"), _ENERGY_U16_NOT_AVAILABLE)
        per_hour = _available(r.u16("energy per hour"), _ENERGY_U16_NOT_AVAILABLE)
        per_minute = _available(r.u8("energy per minute"), _ENERGY_U8_NOT_AVAILABLE)
    heart_rate = r.u8("heart rate") if flags & F.HEART_RATE else None
    met = r.u8("metabolic equivalent") / 10 if flags & F.METABOLIC_EQUIVALENT else None
    elapsed = r.u16("elapsed time") if flags & F.ELAPSED_TIME else None
    remaining = r.u16("remaining time") if flags & F.REMAINING_TIME else None
    if not flags & ~_IBD_KNOWN_FLAGS:
        r.finish()  # RFU bits set would mean fields this decoder does not know follow
    return IndoorBikeData(
        flags=flags,
        more_data=more_data,
        speed_kph=speed,
        average_speed_kph=average_speed,
        cadence_rpm=cadence,
        average_cadence_rpm=average_cadence,
        total_distance_m=distance,
        resistance_level=resistance,
        power_w=power,
        average_power_w=average_power,
        total_energy_kcal=total_energy,
        energy_per_hour_kcal=per_hour,
        energy_per_minute_kcal=per_minute,
        heart_rate_bpm=heart_rate,
        metabolic_equivalent=met,
        elapsed_time_s=elapsed,
        remaining_time_s=remaining,
    )


_VALUE_FIELDS = tuple(
    f.name for f in fields(IndoorBikeData) if f.name not in {"flags", "more_data"}
)


def _present(flags: int) -> int:
    """Bit mask of the fields a record carries (bit 0 re-inverted to mean 'speed')."""
    return (flags ^ _MORE_DATA) & _IBD_KNOWN_FLAGS


class IndoorBikeDataAssembler:
    """Merges Indoor Bike Data notifications split with More Data into whole readings.

    Feed every notification; a reading is complete when one arrives with More Data = 0
    (§4.19). A part that repeats a field already pending starts a new record, and the
    pending one is emitted first: a record never carries a field twice, and this keeps
    readings flowing from machines that never clear More Data. Call `reset()` on link loss
    (§4.18: a partial record is discarded).
    """

    __slots__ = ("_pending",)

    def __init__(self) -> None:
        """Start with nothing pending."""
        self._pending: IndoorBikeData | None = None

    @property
    def pending(self) -> IndoorBikeData | None:
        """The merged parts received so far of an unfinished record."""
        return self._pending

    def reset(self) -> None:
        """Drop any partial record (after a disconnect)."""
        self._pending = None

    def feed(self, data: Payload) -> tuple[IndoorBikeData, ...]:
        """Parse one notification and return the readings it completes (0, 1 or 2).

        Raises ProtocolError for a bad notification and keeps the pending parts.
        """
        return self.push(parse_indoor_bike_data(data))

    def push(self, part: IndoorBikeData) -> tuple[IndoorBikeData, ...]:
        """Merge an already parsed notification; returns the readings it completes."""
        done: tuple[IndoorBikeData, ...] = ()
        pending = self._pending
        if pending is not None and _present(pending.flags) & _present(part.flags):
            done = (replace(pending, more_data=False),)
            pending = None
        merged = part if pending is None else _merge(pending, part)
        if merged.more_data:
            self._pending = merged
            return done
        self._pending = None
        return (*done, merged)


def _merge(base: IndoorBikeData, update: IndoorBikeData) -> IndoorBikeData:
    changes: dict[str, Any] = {
        name: value for name in _VALUE_FIELDS if (value := getattr(update, name)) is not None
    }
    # Keep every field's flag; More Data comes from the latest part only.
    flags = ((base.flags | update.flags) & ~_MORE_DATA) | (update.flags & _MORE_DATA)
    return replace(base, flags=flags, more_data=update.more_data, **changes)


# --- Supported ranges (0x2AD6, 0x2AD8; §4.13, §4.14) -----------------------------------------


@dataclass(frozen=True, slots=True)
class SupportedPowerRange:
    """Target power limits in watts (0x2AD8)."""

    minimum_w: int
    maximum_w: int
    increment_w: int


@dataclass(frozen=True, slots=True)
class SupportedResistanceRange:
    """Target resistance level limits, in the 0.1-unit scale of Set Target Resistance."""

    minimum_level: float
    maximum_level: float
    increment_level: float


def parse_supported_power_range(data: Payload) -> SupportedPowerRange:
    """Decode 0x2AD8: sint16 min, sint16 max, uint16 increment (W)."""
    r = Reader(data, "Supported Power Range")
    low, high, step = r.s16("minimum power"), r.s16("maximum power"), r.u16("increment")
    r.finish()
    if low > high:
        raise r.error(f"minimum {low} W is above maximum {high} W")
    return SupportedPowerRange(low, high, step)


def parse_supported_resistance_range(data: Payload) -> SupportedResistanceRange:
    """Decode 0x2AD6: sint16 min, sint16 max, uint16 increment (0.1 units)."""
    r = Reader(data, "Supported Resistance Level Range")
    low, high, step = r.s16("minimum level"), r.s16("maximum level"), r.u16("increment")
    r.finish()
    if low > high:
        raise r.error(f"minimum level {low / 10} is above maximum {high / 10}")
    return SupportedResistanceRange(low / 10, high / 10, step / 10)


# --- Training Status (0x2AD3, §4.10) -----------------------------------------------------


class TrainingStatusCode(IntEnum):
    """Training Status values (Table 4.12); 0x10-0xFF are RFU."""

    OTHER = 0x00
    IDLE = 0x01
    WARMING_UP = 0x02
    LOW_INTENSITY_INTERVAL = 0x03
    HIGH_INTENSITY_INTERVAL = 0x04
    RECOVERY_INTERVAL = 0x05
    ISOMETRIC = 0x06
    HEART_RATE_CONTROL = 0x07
    FITNESS_TEST = 0x08
    SPEED_OUTSIDE_CONTROL_REGION_LOW = 0x09
    SPEED_OUTSIDE_CONTROL_REGION_HIGH = 0x0A
    COOL_DOWN = 0x0B
    WATT_CONTROL = 0x0C
    MANUAL_MODE = 0x0D
    PRE_WORKOUT = 0x0E
    POST_WORKOUT = 0x0F


_STATUS_STRING = 0x01
_EXTENDED_STRING = 0x02


@dataclass(frozen=True, slots=True)
class TrainingStatus:
    """Training status: the raw code, and the text when the machine sends one."""

    code: int
    text: str | None = None
    extended_string: bool = False
    """The text continues in a later notification (flag bit 1)."""

    @property
    def status(self) -> TrainingStatusCode | None:
        """The code as an enum, or None for an RFU value."""
        try:
            return TrainingStatusCode(self.code)
        except ValueError:
            return None


def parse_training_status(data: Payload) -> TrainingStatus:
    """Decode 0x2AD3: u8 flags, u8 status, then a UTF-8 string when flag bit 0 is set."""
    r = Reader(data, "Training Status")
    flags = r.u8("flags")
    code = r.u8("training status")
    text = None
    if flags & _STATUS_STRING:
        text = r.rest().decode("utf-8", errors="replace")
    else:
        r.finish()
    return TrainingStatus(code, text, bool(flags & _EXTENDED_STRING))
