"""The part of the FIT profile Freewheel reads and writes.

Base types, and for the messages of workout files (file_id, file_creator, workout,
workout_step) and activity files (device_info, event, record, lap, session, activity) the
field numbers, base types, scales, offsets and units, as in FIT profile 21.218 (checked
against garmin-fit-sdk's generated profile by tests/unit/test_fit_codec.py). Fields not
listed here still decode, by number, as `unknown_<n>`.

A scaled field is stored as round((value + offset) * scale) and read back as
raw / scale - offset (FIT's convention, e.g. record.speed: m/s x 1000).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import IntEnum
from types import MappingProxyType
from typing import Final

__all__ = [
    "BASE_TYPES",
    "BASE_TYPES_BY_NUM",
    "BYTE",
    "ENUM",
    "FIT_EPOCH_S",
    "FLOAT32",
    "FLOAT64",
    "MESSAGES",
    "MESSAGES_BY_NUM",
    "PROFILE_VERSION",
    "PROTOCOL_VERSION",
    "SINT8",
    "SINT16",
    "SINT32",
    "SINT64",
    "STRING",
    "UINT8",
    "UINT8Z",
    "UINT16",
    "UINT16Z",
    "UINT32",
    "UINT32Z",
    "UINT64",
    "UINT64Z",
    "Activity",
    "BaseType",
    "Event",
    "EventType",
    "FieldDef",
    "FileType",
    "Intensity",
    "LapTrigger",
    "Manufacturer",
    "MesgNum",
    "MessageDef",
    "SessionTrigger",
    "Sport",
    "SubSport",
    "WktStepDuration",
    "WktStepTarget",
    "from_fit_time",
    "message_def",
    "to_fit_local_time",
    "to_fit_time",
]

FIT_EPOCH_S: Final = 631065600  # 1989-12-31T00:00:00Z as a Unix timestamp
PROTOCOL_VERSION: Final = 0x20  # 2.0; we never write developer fields or 64-bit types
PROFILE_VERSION: Final = 21218  # 21.218, written as major * 1000 + minor

_FIT_EPOCH = datetime(1989, 12, 31, tzinfo=UTC)


def to_fit_time(when: datetime) -> int:
    """Seconds since the FIT epoch for a timezone-aware datetime (a date_time field)."""
    if when.tzinfo is None or when.utcoffset() is None:
        raise ValueError(f"FIT timestamps need a timezone-aware datetime, got {when!r}")
    return round((when - _FIT_EPOCH).total_seconds())


def to_fit_local_time(when: datetime) -> int:
    """A local_date_time field: the wall-clock time of `when` counted as if it were UTC."""
    if when.tzinfo is None or when.utcoffset() is None:
        raise ValueError(f"FIT timestamps need a timezone-aware datetime, got {when!r}")
    return round((when.replace(tzinfo=UTC) - _FIT_EPOCH).total_seconds())


def from_fit_time(seconds: int | float) -> datetime:
    """The UTC datetime of a FIT date_time value."""
    return _FIT_EPOCH + timedelta(seconds=seconds)


@dataclass(frozen=True, slots=True)
class BaseType:
    """A FIT base type. `num` is the low 5 bits; `id` the byte written in definitions
    (bit 7 set for multi-byte types: "endian ability")."""

    num: int
    name: str
    size: int
    code: str  # struct format character for one element
    invalid: int  # raw invalid value (the bit pattern for floats)

    @property
    def id(self) -> int:
        return self.num | 0x80 if self.size > 1 else self.num

    @property
    def is_float(self) -> bool:
        return self.code in "fd"

    @property
    def is_string(self) -> bool:
        return self.num == 0x07


ENUM: Final = BaseType(0x00, "enum", 1, "B", 0xFF)
SINT8: Final = BaseType(0x01, "sint8", 1, "b", 0x7F)
UINT8: Final = BaseType(0x02, "uint8", 1, "B", 0xFF)
SINT16: Final = BaseType(0x03, "sint16", 2, "h", 0x7FFF)
UINT16: Final = BaseType(0x04, "uint16", 2, "H", 0xFFFF)
SINT32: Final = BaseType(0x05, "sint32", 4, "i", 0x7FFFFFFF)
UINT32: Final = BaseType(0x06, "uint32", 4, "I", 0xFFFFFFFF)
STRING: Final = BaseType(0x07, "string", 1, "s", 0x00)
FLOAT32: Final = BaseType(0x08, "float32", 4, "f", 0xFFFFFFFF)
FLOAT64: Final = BaseType(0x09, "float64", 8, "d", 0xFFFFFFFFFFFFFFFF)
UINT8Z: Final = BaseType(0x0A, "uint8z", 1, "B", 0x00)
UINT16Z: Final = BaseType(0x0B, "uint16z", 2, "H", 0x0000)
UINT32Z: Final = BaseType(0x0C, "uint32z", 4, "I", 0x00000000)
BYTE: Final = BaseType(0x0D, "byte", 1, "B", 0xFF)
SINT64: Final = BaseType(0x0E, "sint64", 8, "q", 0x7FFFFFFFFFFFFFFF)
UINT64: Final = BaseType(0x0F, "uint64", 8, "Q", 0xFFFFFFFFFFFFFFFF)
UINT64Z: Final = BaseType(0x10, "uint64z", 8, "Q", 0x0000000000000000)

BASE_TYPES: Final[tuple[BaseType, ...]] = (
    ENUM, SINT8, UINT8, SINT16, UINT16, SINT32, UINT32, STRING, FLOAT32, FLOAT64,
    UINT8Z, UINT16Z, UINT32Z, BYTE, SINT64, UINT64, UINT64Z,
)  # fmt: skip
BASE_TYPES_BY_NUM: Final = MappingProxyType({bt.num: bt for bt in BASE_TYPES})


@dataclass(frozen=True, slots=True)
class FieldDef:
    num: int
    name: str
    base_type: BaseType
    scale: float = 1
    offset: float = 0
    units: str = ""
    # "date_time" (seconds since FIT_EPOCH_S, UTC), "local_date_time" (same, local
    # wall clock) or "" for anything else.
    time_kind: str = ""
    # A numeric array (e.g. lap.time_in_hr_zone); strings are always sized per definition.
    is_array: bool = False

    @property
    def is_scaled(self) -> bool:
        return self.scale != 1 or self.offset != 0


@dataclass(frozen=True, slots=True)
class MessageDef:
    num: int
    name: str
    fields: tuple[FieldDef, ...]
    by_name: MappingProxyType[str, FieldDef] = field(init=False, repr=False, compare=False)
    by_num: MappingProxyType[int, FieldDef] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_name", MappingProxyType({f.name: f for f in self.fields}))
        object.__setattr__(self, "by_num", MappingProxyType({f.num: f for f in self.fields}))
        if len(self.by_name) != len(self.fields) or len(self.by_num) != len(self.fields):
            raise ValueError(f"duplicate field in profile message {self.name}")

    def field_def(self, key: str | int) -> FieldDef:
        """The field by name or number; KeyError if this profile does not list it."""
        found = self.by_name.get(key) if isinstance(key, str) else self.by_num.get(key)
        if found is None:
            raise KeyError(f"{self.name} has no field {key!r} in Freewheel's FIT profile")
        return found


def _f(
    num: int,
    name: str,
    base_type: BaseType,
    scale: float = 1,
    offset: float = 0,
    units: str = "",
) -> FieldDef:
    return FieldDef(num, name, base_type, scale, offset, units)


def _array(num: int, name: str, base_type: BaseType, scale: float = 1, units: str = "") -> FieldDef:
    return FieldDef(num, name, base_type, scale, units=units, is_array=True)


def _time(num: int, name: str, kind: str = "date_time") -> FieldDef:
    return FieldDef(num, name, UINT32, units="s", time_kind=kind)


_MESSAGE_INDEX = _f(254, "message_index", UINT16)
_TIMESTAMP = _time(253, "timestamp")

_MESSAGES: tuple[MessageDef, ...] = (
    MessageDef(0, "file_id", (
        _f(0, "type", ENUM),
        _f(1, "manufacturer", UINT16),
        _f(2, "product", UINT16),
        _f(3, "serial_number", UINT32Z),
        _time(4, "time_created"),
        _f(5, "number", UINT16),
        _f(8, "product_name", STRING),
    )),
    MessageDef(49, "file_creator", (
        _f(0, "software_version", UINT16),
        _f(1, "hardware_version", UINT8),
    )),
    MessageDef(26, "workout", (
        _MESSAGE_INDEX,
        _f(4, "sport", ENUM),
        _f(5, "capabilities", UINT32Z),
        _f(6, "num_valid_steps", UINT16),
        _f(8, "wkt_name", STRING),
        _f(11, "sub_sport", ENUM),
        _f(14, "pool_length", UINT16, 100, units="m"),
        _f(15, "pool_length_unit", ENUM),
        _f(17, "wkt_description", STRING),
    )),
    MessageDef(27, "workout_step", (
        _MESSAGE_INDEX,
        _f(0, "wkt_step_name", STRING),
        _f(1, "duration_type", ENUM),
        _f(2, "duration_value", UINT32),
        _f(3, "target_type", ENUM),
        _f(4, "target_value", UINT32),
        _f(5, "custom_target_value_low", UINT32),
        _f(6, "custom_target_value_high", UINT32),
        _f(7, "intensity", ENUM),
        _f(8, "notes", STRING),
        _f(9, "equipment", ENUM),
        _f(10, "exercise_category", UINT16),
        _f(11, "exercise_name", UINT16),
        _f(12, "exercise_weight", UINT16, 100, units="kg"),
        _f(13, "weight_display_unit", UINT16),
        _f(19, "secondary_target_type", ENUM),
        _f(20, "secondary_target_value", UINT32),
        _f(21, "secondary_custom_target_value_low", UINT32),
        _f(22, "secondary_custom_target_value_high", UINT32),
    )),
    MessageDef(23, "device_info", (
        _TIMESTAMP,
        _f(0, "device_index", UINT8),
        _f(1, "device_type", UINT8),
        _f(2, "manufacturer", UINT16),
        _f(3, "serial_number", UINT32Z),
        _f(4, "product", UINT16),
        _f(5, "software_version", UINT16, 100),
        _f(6, "hardware_version", UINT8),
        _f(7, "cum_operating_time", UINT32, units="s"),
        _f(10, "battery_voltage", UINT16, 256, units="V"),
        _f(11, "battery_status", UINT8),
        _f(18, "sensor_position", ENUM),
        _f(19, "descriptor", STRING),
        _f(20, "ant_transmission_type", UINT8Z),
        _f(21, "ant_device_number", UINT16Z),
        _f(22, "ant_network", ENUM),
        _f(25, "source_type", ENUM),
        _f(27, "product_name", STRING),
        _f(32, "battery_level", UINT8, units="%"),
    )),
    MessageDef(21, "event", (
        _TIMESTAMP,
        _f(0, "event", ENUM),
        _f(1, "event_type", ENUM),
        _f(2, "data16", UINT16),
        _f(3, "data", UINT32),
        _f(4, "event_group", UINT8),
        _f(13, "device_index", UINT8),
        _time(15, "start_timestamp"),
    )),
    MessageDef(20, "record", (
        _TIMESTAMP,
        _f(0, "position_lat", SINT32, units="semicircles"),
        _f(1, "position_long", SINT32, units="semicircles"),
        _f(2, "altitude", UINT16, 5, 500, units="m"),
        _f(3, "heart_rate", UINT8, units="bpm"),
        _f(4, "cadence", UINT8, units="rpm"),
        _f(5, "distance", UINT32, 100, units="m"),
        _f(6, "speed", UINT16, 1000, units="m/s"),
        _f(7, "power", UINT16, units="watts"),
        _f(9, "grade", SINT16, 100, units="%"),
        _f(10, "resistance", UINT8),
        _f(13, "temperature", SINT8, units="C"),
        _f(19, "total_cycles", UINT32, units="cycles"),
        _f(29, "accumulated_power", UINT32, units="watts"),
        _f(30, "left_right_balance", UINT8),
        _f(33, "calories", UINT16, units="kcal"),
        _f(43, "left_torque_effectiveness", UINT8, 2, units="percent"),
        _f(44, "right_torque_effectiveness", UINT8, 2, units="percent"),
        _f(45, "left_pedal_smoothness", UINT8, 2, units="percent"),
        _f(46, "right_pedal_smoothness", UINT8, 2, units="percent"),
        _f(47, "combined_pedal_smoothness", UINT8, 2, units="percent"),
        _f(53, "fractional_cadence", UINT8, 128, units="rpm"),
        _f(73, "enhanced_speed", UINT32, 1000, units="m/s"),
        _f(78, "enhanced_altitude", UINT32, 5, 500, units="m"),
    )),
    MessageDef(19, "lap", (
        _MESSAGE_INDEX,
        _TIMESTAMP,
        _f(0, "event", ENUM),
        _f(1, "event_type", ENUM),
        _time(2, "start_time"),
        _f(7, "total_elapsed_time", UINT32, 1000, units="s"),
        _f(8, "total_timer_time", UINT32, 1000, units="s"),
        _f(9, "total_distance", UINT32, 100, units="m"),
        _f(10, "total_cycles", UINT32, units="cycles"),
        _f(11, "total_calories", UINT16, units="kcal"),
        _f(13, "avg_speed", UINT16, 1000, units="m/s"),
        _f(14, "max_speed", UINT16, 1000, units="m/s"),
        _f(15, "avg_heart_rate", UINT8, units="bpm"),
        _f(16, "max_heart_rate", UINT8, units="bpm"),
        _f(17, "avg_cadence", UINT8, units="rpm"),
        _f(18, "max_cadence", UINT8, units="rpm"),
        _f(19, "avg_power", UINT16, units="watts"),
        _f(20, "max_power", UINT16, units="watts"),
        _f(21, "total_ascent", UINT16, units="m"),
        _f(22, "total_descent", UINT16, units="m"),
        _f(23, "intensity", ENUM),
        _f(24, "lap_trigger", ENUM),
        _f(25, "sport", ENUM),
        _f(26, "event_group", UINT8),
        _f(33, "normalized_power", UINT16, units="watts"),
        _f(39, "sub_sport", ENUM),
        _f(41, "total_work", UINT32, units="J"),
        _f(52, "total_moving_time", UINT32, 1000, units="s"),
        _array(57, "time_in_hr_zone", UINT32, 1000, units="s"),
        _array(60, "time_in_power_zone", UINT32, 1000, units="s"),
        _f(63, "min_heart_rate", UINT8, units="bpm"),
        _f(71, "wkt_step_index", UINT16),
        _f(110, "enhanced_avg_speed", UINT32, 1000, units="m/s"),
        _f(111, "enhanced_max_speed", UINT32, 1000, units="m/s"),
    )),
    MessageDef(18, "session", (
        _MESSAGE_INDEX,
        _TIMESTAMP,
        _f(0, "event", ENUM),
        _f(1, "event_type", ENUM),
        _time(2, "start_time"),
        _f(5, "sport", ENUM),
        _f(6, "sub_sport", ENUM),
        _f(7, "total_elapsed_time", UINT32, 1000, units="s"),
        _f(8, "total_timer_time", UINT32, 1000, units="s"),
        _f(9, "total_distance", UINT32, 100, units="m"),
        _f(10, "total_cycles", UINT32, units="cycles"),
        _f(11, "total_calories", UINT16, units="kcal"),
        _f(14, "avg_speed", UINT16, 1000, units="m/s"),
        _f(15, "max_speed", UINT16, 1000, units="m/s"),
        _f(16, "avg_heart_rate", UINT8, units="bpm"),
        _f(17, "max_heart_rate", UINT8, units="bpm"),
        _f(18, "avg_cadence", UINT8, units="rpm"),
        _f(19, "max_cadence", UINT8, units="rpm"),
        _f(20, "avg_power", UINT16, units="watts"),
        _f(21, "max_power", UINT16, units="watts"),
        _f(22, "total_ascent", UINT16, units="m"),
        _f(23, "total_descent", UINT16, units="m"),
        _f(24, "total_training_effect", UINT8, 10),
        _f(25, "first_lap_index", UINT16),
        _f(26, "num_laps", UINT16),
        _f(27, "event_group", UINT8),
        _f(28, "trigger", ENUM),
        _f(34, "normalized_power", UINT16, units="watts"),
        _f(35, "training_stress_score", UINT16, 10, units="tss"),
        _f(36, "intensity_factor", UINT16, 1000, units="if"),
        _f(45, "threshold_power", UINT16, units="watts"),
        _f(48, "total_work", UINT32, units="J"),
        _f(59, "total_moving_time", UINT32, 1000, units="s"),
        _f(64, "min_heart_rate", UINT8, units="bpm"),
        _array(65, "time_in_hr_zone", UINT32, 1000, units="s"),
        _array(68, "time_in_power_zone", UINT32, 1000, units="s"),
        _f(110, "sport_profile_name", STRING),
        _f(124, "enhanced_avg_speed", UINT32, 1000, units="m/s"),
        _f(125, "enhanced_max_speed", UINT32, 1000, units="m/s"),
    )),
    MessageDef(34, "activity", (
        _TIMESTAMP,
        _f(0, "total_timer_time", UINT32, 1000, units="s"),
        _f(1, "num_sessions", UINT16),
        _f(2, "type", ENUM),
        _f(3, "event", ENUM),
        _f(4, "event_type", ENUM),
        _time(5, "local_timestamp", "local_date_time"),
        _f(6, "event_group", UINT8),
    )),
)  # fmt: skip

MESSAGES: Final = MappingProxyType({m.name: m for m in _MESSAGES})
MESSAGES_BY_NUM: Final = MappingProxyType({m.num: m for m in _MESSAGES})


def message_def(key: str | int) -> MessageDef:
    """A profile message by name or global number; KeyError if not in this subset."""
    found = MESSAGES.get(key) if isinstance(key, str) else MESSAGES_BY_NUM.get(key)
    if found is None:
        raise KeyError(f"message {key!r} is not in Freewheel's FIT profile")
    return found


class MesgNum(IntEnum):
    FILE_ID = 0
    SESSION = 18
    LAP = 19
    RECORD = 20
    EVENT = 21
    DEVICE_INFO = 23
    WORKOUT = 26
    WORKOUT_STEP = 27
    ACTIVITY = 34
    FILE_CREATOR = 49


class FileType(IntEnum):
    DEVICE = 1
    SETTINGS = 2
    SPORT = 3
    ACTIVITY = 4
    WORKOUT = 5
    COURSE = 6


class Manufacturer(IntEnum):
    GARMIN = 1
    DEVELOPMENT = 255


class Sport(IntEnum):
    GENERIC = 0
    RUNNING = 1
    CYCLING = 2
    TRAINING = 10


class SubSport(IntEnum):
    GENERIC = 0
    SPIN = 5
    INDOOR_CYCLING = 6
    ROAD = 7
    VIRTUAL_ACTIVITY = 58


class Intensity(IntEnum):
    ACTIVE = 0
    REST = 1
    WARMUP = 2
    COOLDOWN = 3
    RECOVERY = 4
    INTERVAL = 5
    OTHER = 6


class WktStepDuration(IntEnum):
    TIME = 0
    DISTANCE = 1
    HR_LESS_THAN = 2
    HR_GREATER_THAN = 3
    CALORIES = 4
    OPEN = 5
    REPEAT_UNTIL_STEPS_CMPLT = 6
    REPEAT_UNTIL_TIME = 7
    REPEAT_UNTIL_DISTANCE = 8
    REPEAT_UNTIL_CALORIES = 9
    REPEAT_UNTIL_HR_LESS_THAN = 10
    REPEAT_UNTIL_HR_GREATER_THAN = 11
    REPEAT_UNTIL_POWER_LESS_THAN = 12
    REPEAT_UNTIL_POWER_GREATER_THAN = 13
    POWER_LESS_THAN = 14
    POWER_GREATER_THAN = 15
    TIME_ONLY = 31


class WktStepTarget(IntEnum):
    SPEED = 0
    HEART_RATE = 1
    OPEN = 2
    CADENCE = 3
    POWER = 4
    GRADE = 5
    RESISTANCE = 6
    POWER_3S = 7
    POWER_10S = 8
    POWER_30S = 9
    POWER_LAP = 10


class Event(IntEnum):
    TIMER = 0
    WORKOUT = 3
    WORKOUT_STEP = 4
    SESSION = 8
    LAP = 9
    ACTIVITY = 26


class EventType(IntEnum):
    START = 0
    STOP = 1
    MARKER = 3
    STOP_ALL = 4


class Activity(IntEnum):
    MANUAL = 0
    AUTO_MULTI_SPORT = 1


class LapTrigger(IntEnum):
    MANUAL = 0
    TIME = 1
    DISTANCE = 2
    SESSION_END = 7


class SessionTrigger(IntEnum):
    ACTIVITY_END = 0
    MANUAL = 1
