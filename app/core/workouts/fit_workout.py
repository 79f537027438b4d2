"""FIT workout files (file type 5) to and from the workout model, with our own codec.

Mapping (FIT profile 21.218; research notes §5.4):

* file_id: type=workout(5), manufacturer=development(255), product=1, serial_number = a
  CRC-32 of the workout (stable for the same workout, so re-exports dedupe), optional
  time_created.
* workout: wkt_name, wkt_description, sport=cycling(2), sub_sport=indoor_cycling(6),
  num_valid_steps (every workout_step message, repeat steps included).
* workout_step, one per model step, message_index 0..n-1 in ride order:
  - duration_type=time(0), duration_value in ms (durations are rounded to the ms).
  - intensity from the role: active 0, rest 1, warmup 2, cooldown 3 (read: recovery 4 ->
    rest; interval 5 and other 6 -> active).
  - power: target_type=power(4), target_value=0 (custom), custom_target_value_low/high:
    0-1000 = % of FTP (whole percent), > 1000 = watts + 1000 (whole watts). Values are
    rounded to that resolution and the rounding is reported. 0 W would read as 0 % FTP,
    so it is written as 1 W (reported) and a step keeps its unit.
  - STEADY: low = high. Read back: low = high -> STEADY; low != high (a range from
    another app) -> STEADY at the midpoint, as an ERG trainer needs one number.
  - RAMP: FIT has no ramps, so a ramp is written as the range min..max with the step
    name "Ramp up" or "Ramp down" (reported in `dropped`: other apps see a range).
    Read back: a power step whose name starts with "ramp" (any case) is a RAMP from low
    to high, or from high to low when it starts with "ramp down".
  - FREE_RIDE: target_type=open(2), name "Free ride". MAX_EFFORT: target_type=open,
    name "Max effort" (read back by that name; intensity from the role, normally
    active). A power value on either kind is dropped (reported).
  - cadence: secondary_target_type=cadence(3), secondary_target_value=0,
    secondary_custom_target_value_low = high = rpm. Read back also from a primary
    cadence target (-> FREE_RIDE with that cadence); a cadence range reads as its
    rounded midpoint. Devices that predate secondary targets ignore it.
  - cues: a step's cues go to its `notes` (field 8). Exact for one cue at offset 0 with
    the default 10 s duration; several cues are joined with newlines and their offsets
    and durations are lost (reported). Notes read back as one cue at offset 0.
* RepeatBlock: its steps, then a step with duration_type=repeat_until_steps_cmplt(6),
  duration_value = message_index of the block's first step, target_value = count.
  Blocks with count < 1 or no steps are dropped (reported). Nested repeats and the other
  repeat kinds (until time/distance/HR/power) are rejected on read.
* Dropped on write (reported): author, category, tags, ftp_override_w, workout cues.
* Rejected on read (WorkoutFormatError naming the step and field): non-time durations
  (distance, open/lap button, HR, calories, power), targets other than power/open/
  cadence (speed, heart rate, grade, ...), zone targets (target_value != 0), power
  ranges mixing % FTP and watts. Secondary targets other than cadence are ignored.

Within that, a write followed by a read returns an equal Workout for models that FIT can
carry: whole-ms durations, whole-percent or whole-watt (>= 1 W) targets, cadence, one
offset-0 cue per step, name and description.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import PurePath
from typing import Any

from app.core.fit.decoder import FitFormatError, FitMessage, FitValue, decode
from app.core.fit.encoder import MAX_FIELD_SIZE, FitEncodeError, FitEncoder, encode_string
from app.core.fit.profile import (
    FileType,
    Intensity,
    Manufacturer,
    Sport,
    SubSport,
    WktStepDuration,
    WktStepTarget,
)
from app.core.workouts.model import (
    Cue,
    Element,
    PowerUnit,
    RepeatBlock,
    Step,
    StepKind,
    StepRole,
    Workout,
    WorkoutFormatError,
)

__all__ = ["BinaryWriteResult", "read_fit_workout", "write_fit_workout"]

FREEWHEEL_PRODUCT = 1
WATTS_OFFSET = 1000  # custom power targets above this are watts + 1000
MAX_PERCENT_FTP = 1000
MAX_STEPS = 0x0FFF  # message_index keeps the index in its low 12 bits
UINT32_MAX_VALID = 0xFFFFFFFE  # 0xFFFFFFFF is the invalid value

RAMP_UP_NAME = "Ramp up"
RAMP_DOWN_NAME = "Ramp down"
FREE_RIDE_NAME = "Free ride"
MAX_EFFORT_NAME = "Max effort"

_INTENSITY_OF_ROLE = {
    StepRole.ACTIVE: Intensity.ACTIVE,
    StepRole.REST: Intensity.REST,
    StepRole.WARMUP: Intensity.WARMUP,
    StepRole.COOLDOWN: Intensity.COOLDOWN,
}
_ROLE_OF_INTENSITY = {
    Intensity.ACTIVE: StepRole.ACTIVE,
    Intensity.REST: StepRole.REST,
    Intensity.WARMUP: StepRole.WARMUP,
    Intensity.COOLDOWN: StepRole.COOLDOWN,
    Intensity.RECOVERY: StepRole.REST,
    Intensity.INTERVAL: StepRole.ACTIVE,
    Intensity.OTHER: StepRole.ACTIVE,
}
_POWER_TARGETS = frozenset(
    {
        WktStepTarget.POWER,
        WktStepTarget.POWER_3S,
        WktStepTarget.POWER_10S,
        WktStepTarget.POWER_30S,
        WktStepTarget.POWER_LAP,
    }
)
_TIME_DURATIONS = frozenset({WktStepDuration.TIME, WktStepDuration.TIME_ONLY})
_REPEAT_DURATIONS = frozenset({7, 8, 9, 10, 11, 12, 13, 17, 18, 27})

# workout_step field numbers
_F_INDEX = 254
_F_NAME = 0
_F_DURATION_TYPE = 1
_F_DURATION_VALUE = 2
_F_TARGET_TYPE = 3
_F_TARGET_VALUE = 4
_F_LOW = 5
_F_HIGH = 6
_F_INTENSITY = 7
_F_NOTES = 8
_F_SECONDARY_TYPE = 19
_F_SECONDARY_LOW = 21
_F_SECONDARY_HIGH = 22
_FIELD_NAMES = {
    _F_INDEX: "message_index",
    _F_NAME: "wkt_step_name",
    _F_DURATION_TYPE: "duration_type",
    _F_DURATION_VALUE: "duration_value",
    _F_TARGET_TYPE: "target_type",
    _F_TARGET_VALUE: "target_value",
    _F_LOW: "custom_target_value_low",
    _F_HIGH: "custom_target_value_high",
    _F_INTENSITY: "intensity",
    _F_NOTES: "notes",
    _F_SECONDARY_TYPE: "secondary_target_type",
    _F_SECONDARY_LOW: "secondary_custom_target_value_low",
    _F_SECONDARY_HIGH: "secondary_custom_target_value_high",
}


_DEFAULT_CUE_DURATION_S = Cue(0.0, "").duration_s

_Fail = Callable[..., WorkoutFormatError]


@dataclass(frozen=True, slots=True)
class BinaryWriteResult:
    """A written binary file and what the format could not carry, one line per loss."""

    data: bytes
    dropped: tuple[str, ...]


# --------------------------------------------------------------------------- writing


def write_fit_workout(
    workout: Workout, *, time_created: datetime | None = None
) -> BinaryWriteResult:
    """Encode `workout` as a FIT workout file. Raises WorkoutFormatError for values FIT
    cannot hold at all (negative or non-finite durations/powers, > 1000 % FTP, more
    than 4095 steps); everything merely approximated is listed in `dropped`."""
    dropped: list[str] = []
    steps: list[dict[str, Any]] = []
    for n, element in enumerate(workout.elements, start=1):
        if isinstance(element, RepeatBlock):
            label = f"repeat {n}"
            if element.count < 1 or not element.steps:
                dropped.append(f"{label}: a repeat of {element.count} x {len(element.steps)}")
                continue
            if element.count > UINT32_MAX_VALID:
                raise WorkoutFormatError(f"repeat count {element.count} too large", location=label)
            first = len(steps)
            for k, step in enumerate(element.steps, start=1):
                steps.append(_step_fields(step, f"{label} step {k}", dropped))
            steps.append(
                _blank_step()
                | {
                    "duration_type": WktStepDuration.REPEAT_UNTIL_STEPS_CMPLT,
                    "duration_value": first,
                    "target_value": element.count,
                }
            )
        else:
            steps.append(_step_fields(element, f"step {n}", dropped))
    if not steps:
        raise WorkoutFormatError("a FIT workout needs at least one step")
    if len(steps) > MAX_STEPS:
        raise WorkoutFormatError(f"{len(steps)} FIT steps (at most {MAX_STEPS})")

    for what, present in (
        ("author", bool(workout.author)),
        ("category", bool(workout.category)),
        ("tags", bool(workout.tags)),
        ("ftp_override_w", workout.ftp_override_w is not None),
        ("workout cues", bool(workout.cues)),
    ):
        if present:
            dropped.append(f"workout: {what} (no FIT workout field)")
    for what, text in (("name", workout.name), ("description", workout.description)):
        _check_text(text, f"workout {what}", dropped)

    enc = FitEncoder()
    try:
        enc.add(
            "file_id",
            type=FileType.WORKOUT,
            manufacturer=Manufacturer.DEVELOPMENT,
            product=FREEWHEEL_PRODUCT,
            serial_number=zlib.crc32(repr(workout).encode("utf-8", "replace")) or 1,
            time_created=time_created,
        )
        enc.add(
            "workout",
            wkt_name=workout.name or None,
            sport=Sport.CYCLING,
            sub_sport=SubSport.INDOOR_CYCLING,
            num_valid_steps=len(steps),
            wkt_description=workout.description or None,
        )
        for index, fields in enumerate(steps):
            enc.add("workout_step", message_index=index, **fields)
        data = enc.finish()
    except (FitEncodeError, ValueError) as exc:
        raise WorkoutFormatError(f"cannot encode as FIT: {exc}") from None
    return BinaryWriteResult(data, tuple(dropped))


def _blank_step() -> dict[str, Any]:
    # Every step message carries the same fields, so they share one definition.
    return dict.fromkeys(
        (
            "wkt_step_name",
            "duration_type",
            "duration_value",
            "target_type",
            "target_value",
            "custom_target_value_low",
            "custom_target_value_high",
            "intensity",
            "notes",
            "secondary_target_type",
            "secondary_target_value",
            "secondary_custom_target_value_low",
            "secondary_custom_target_value_high",
        )
    )


def _step_fields(step: Step, label: str, dropped: list[str]) -> dict[str, Any]:
    out = _blank_step()
    duration = step.duration_s
    if not math.isfinite(duration) or duration < 0:
        raise WorkoutFormatError(f"duration {duration!r} s is not a valid time", location=label)
    ms = round(duration * 1000)
    if ms > UINT32_MAX_VALID:
        raise WorkoutFormatError(f"duration {duration} s is too long for FIT", location=label)
    if abs(ms - duration * 1000) > 1e-6:
        dropped.append(f"{label}: duration {duration} s rounded to {ms / 1000} s")
    out["duration_type"] = WktStepDuration.TIME
    out["duration_value"] = ms
    out["intensity"] = _INTENSITY_OF_ROLE[step.role]

    kind = step.kind
    start, end = step.power_start, step.power_end
    if kind in (StepKind.STEADY, StepKind.RAMP) and start is None and end is None:
        dropped.append(f"{label}: {kind.value} step without a power target written as free ride")
        kind = StepKind.FREE_RIDE
    if kind in (StepKind.STEADY, StepKind.RAMP):
        if start is None:
            start = end
        if end is None:
            end = start
        assert start is not None and end is not None
        if kind is StepKind.STEADY and end != start:
            dropped.append(f"{label}: steady step end power {end} ignored (start {start})")
            end = start
        low_raw = _power_raw(start, step.power_unit, label, dropped)
        high_raw = low_raw if end == start else _power_raw(end, step.power_unit, label, dropped)
        out["target_type"] = WktStepTarget.POWER
        out["target_value"] = 0
        out["custom_target_value_low"] = min(low_raw, high_raw)
        out["custom_target_value_high"] = max(low_raw, high_raw)
        if kind is StepKind.RAMP:
            out["wkt_step_name"] = RAMP_DOWN_NAME if high_raw < low_raw else RAMP_UP_NAME
            dropped.append(
                f"{label}: ramp {_fmt_power(start, step.power_unit)} -> "
                f"{_fmt_power(end, step.power_unit)} written as a power range "
                "(FIT has no ramps; Freewheel reads it back as a ramp by its step name)"
            )
    else:
        out["target_type"] = WktStepTarget.OPEN
        out["wkt_step_name"] = MAX_EFFORT_NAME if kind is StepKind.MAX_EFFORT else FREE_RIDE_NAME
        if start is not None or end is not None:
            dropped.append(f"{label}: power target of a {kind.value} step")

    if step.cadence_rpm is not None:
        rpm = step.cadence_rpm
        if not 0 <= rpm <= UINT32_MAX_VALID:
            raise WorkoutFormatError(f"cadence {rpm} rpm is not valid", location=label)
        out["secondary_target_type"] = WktStepTarget.CADENCE
        out["secondary_target_value"] = 0
        out["secondary_custom_target_value_low"] = rpm
        out["secondary_custom_target_value_high"] = rpm

    if step.cues:
        cues = step.cues
        if len(cues) > 1 or cues[0].offset_s != 0 or cues[0].duration_s != _DEFAULT_CUE_DURATION_S:
            dropped.append(
                f"{label}: {len(cues)} cue(s) written as step notes without their timing"
            )
        notes = "\n".join(c.message for c in cues)
        _check_text(notes, f"{label} notes", dropped)
        out["notes"] = notes or None
    return out


def _power_raw(value: float, unit: PowerUnit, label: str, dropped: list[str]) -> int:
    if not math.isfinite(value) or value < 0:
        raise WorkoutFormatError(f"power {value!r} is not a valid target", location=label)
    if unit is PowerUnit.FTP_FRACTION:
        percent = value * 100
        raw = round(percent)
        if raw > MAX_PERCENT_FTP:
            raise WorkoutFormatError(
                f"power {percent:g} % FTP is above FIT's {MAX_PERCENT_FTP} %", location=label
            )
        if abs(percent - raw) > 1e-6:
            dropped.append(f"{label}: power {percent:g} % FTP rounded to {raw} %")
        return raw
    watts = round(value)
    if abs(value - watts) > 1e-6:
        dropped.append(f"{label}: power {value:g} W rounded to {watts} W")
    if watts == 0:
        dropped.append(f"{label}: 0 W written as 1 W (FIT's watt targets start at 1 W)")
        watts = 1
    if watts + WATTS_OFFSET > UINT32_MAX_VALID:
        raise WorkoutFormatError(f"power {value:g} W is too large for FIT", location=label)
    return watts + WATTS_OFFSET


def _fmt_power(value: float, unit: PowerUnit) -> str:
    return f"{value * 100:g} % FTP" if unit is PowerUnit.FTP_FRACTION else f"{value:g} W"


def _check_text(text: str, what: str, dropped: list[str]) -> None:
    kept = encode_string(text, MAX_FIELD_SIZE).decode("utf-8", errors="replace")
    if kept != text:
        dropped.append(f"{what}: cut to {len(kept)} characters (FIT strings hold 254 bytes)")


# --------------------------------------------------------------------------- reading


def read_fit_workout(data: bytes, source: str = "") -> Workout:
    """Parse a FIT workout file. Raises WorkoutFormatError (naming the workout_step and
    field) for anything malformed or outside what the model can ride."""
    try:
        messages = decode(data)
    except FitFormatError as exc:
        raise WorkoutFormatError(str(exc), source=source) from None

    def fail(message: str, location: str = "") -> WorkoutFormatError:
        return WorkoutFormatError(message, source=source, location=location)

    file_id = next((m for m in messages if m.number == 0), None)
    if file_id is not None:
        file_type = file_id.get(0)
        if file_type is not None and file_type != FileType.WORKOUT:
            type_name = (
                _enum_name(FileType, file_type) if isinstance(file_type, int) else repr(file_type)
            )
            raise fail(f"FIT file type is {type_name}, not workout", "file_id.type")

    workout_msg = next((m for m in messages if m.number == 26), None)
    name = description = ""
    if workout_msg is not None:
        name = _text(workout_msg, 8, "workout.wkt_name", fail)
        description = _text(workout_msg, 17, "workout.wkt_description", fail)
    if not name and source:
        name = PurePath(source).stem

    step_msgs = [m for m in messages if m.number == 27]
    if not step_msgs:
        raise fail("no workout_step messages: not a FIT workout")
    step_msgs = _in_step_order(step_msgs, fail)

    elements: list[Element] = []
    loose: list[tuple[int, Step]] = []  # plain steps since the last repeat step
    floor = 0  # first index a repeat may still reach back to
    for index, msg in enumerate(step_msgs):
        loc = f"workout_step {index}"
        dtype = _int(msg, _F_DURATION_TYPE, loc, fail)
        if dtype is None:
            raise fail("duration_type is missing", loc)
        if dtype == WktStepDuration.REPEAT_UNTIL_STEPS_CMPLT:
            first = _int(msg, _F_DURATION_VALUE, loc, fail)
            count = _int(msg, _F_TARGET_VALUE, loc, fail)
            if first is None:
                raise fail("repeat step without duration_value (first step to repeat)", loc)
            if count is None:
                raise fail("repeat step without target_value (repeat count)", loc)
            if first >= index:
                raise fail(f"duration_value {first} does not point to an earlier step", loc)
            if first < floor:
                raise fail(
                    f"duration_value {first} reaches into an earlier repeat: "
                    "nested repeats are not supported",
                    loc,
                )
            if count < 1:
                raise fail(f"target_value (repeat count) {count} is below 1", loc)
            elements.extend(s for i, s in loose if i < first)
            elements.append(RepeatBlock(count, tuple(s for i, s in loose if i >= first)))
            loose = []
            floor = index + 1
        elif dtype in _TIME_DURATIONS:
            loose.append((index, _read_step(msg, loc, fail)))
        elif dtype in _REPEAT_DURATIONS:
            raise fail(
                f"duration_type {_enum_name(WktStepDuration, dtype)}: only repeats of a "
                "fixed count are supported",
                loc,
            )
        else:
            raise fail(
                f"duration_type {_enum_name(WktStepDuration, dtype)}: only timed steps "
                "are supported",
                loc,
            )
    elements.extend(s for _, s in loose)
    return Workout(name=name, elements=tuple(elements), description=description)


def _read_step(msg: FitMessage, loc: str, fail: _Fail) -> Step:
    ms = _int(msg, _F_DURATION_VALUE, loc, fail)
    if ms is None:
        raise fail("timed step without duration_value", loc)
    intensity = _int(msg, _F_INTENSITY, loc, fail)
    role = StepRole.ACTIVE
    if intensity is not None:
        try:
            role = _ROLE_OF_INTENSITY[Intensity(intensity)]
        except ValueError:
            raise fail(f"unknown intensity {intensity}", f"{loc}.intensity") from None
    name = _text(msg, _F_NAME, f"{loc}.wkt_step_name", fail).strip().lower()
    notes = _text(msg, _F_NOTES, f"{loc}.notes", fail)
    cues = (Cue(0.0, notes),) if notes else ()

    target = _int(msg, _F_TARGET_TYPE, loc, fail)
    if target is None:
        target = WktStepTarget.OPEN
    cadence = None
    if _int(msg, _F_SECONDARY_TYPE, loc, fail) == WktStepTarget.CADENCE:
        cadence = _cadence(msg, _F_SECONDARY_LOW, _F_SECONDARY_HIGH, loc, fail)

    kind = StepKind.FREE_RIDE
    start: float | None = None
    end: float | None = None
    unit = PowerUnit.FTP_FRACTION
    if target in _POWER_TARGETS:
        zone = _int(msg, _F_TARGET_VALUE, loc, fail)
        if zone:
            raise fail(
                f"power zone {zone} targets are not supported (custom ranges only)",
                f"{loc}.target_value",
            )
        low = _int(msg, _F_LOW, loc, fail)
        high = _int(msg, _F_HIGH, loc, fail)
        if low is None and high is None:
            raise fail("power target without custom_target_value_low/high", loc)
        low = high if low is None else low
        high = low if high is None else high
        assert low is not None and high is not None
        unit = PowerUnit.WATTS if low > WATTS_OFFSET else PowerUnit.FTP_FRACTION
        if (high > WATTS_OFFSET) != (unit is PowerUnit.WATTS):
            raise fail(
                f"power range {low}..{high} mixes % FTP and watts",
                f"{loc}.custom_target_value_low/high",
            )
        if name.startswith("ramp"):
            kind = StepKind.RAMP
            if name.startswith("ramp down"):
                low, high = max(low, high), min(low, high)
            start, end = _power_value(low, unit), _power_value(high, unit)
        else:
            kind = StepKind.STEADY
            if unit is PowerUnit.FTP_FRACTION:
                start = end = (low + high) / 200
            else:
                start = end = (low + high - 2 * WATTS_OFFSET) / 2
    elif target == WktStepTarget.OPEN:
        kind = StepKind.MAX_EFFORT if name.startswith("max effort") else StepKind.FREE_RIDE
    elif target == WktStepTarget.CADENCE:
        zone = _int(msg, _F_TARGET_VALUE, loc, fail)
        if zone:
            raise fail(f"cadence zone {zone} targets are not supported", f"{loc}.target_value")
        cadence = _cadence(msg, _F_LOW, _F_HIGH, loc, fail)
    else:
        raise fail(
            f"target_type {_enum_name(WktStepTarget, target)} is not supported "
            "(power, cadence or open only)",
            f"{loc}.target_type",
        )
    return Step(
        kind=kind,
        duration_s=ms / 1000,
        power_start=start,
        power_end=end,
        power_unit=unit,
        cadence_rpm=cadence,
        role=role,
        cues=cues,
    )


def _power_value(raw: int, unit: PowerUnit) -> float:
    return float(raw - WATTS_OFFSET) if unit is PowerUnit.WATTS else raw / 100


def _cadence(msg: FitMessage, low_f: int, high_f: int, loc: str, fail: _Fail) -> int | None:
    low = _int(msg, low_f, loc, fail)
    high = _int(msg, high_f, loc, fail)
    if low is None and high is None:
        return None
    if low is None or high is None:
        return low if low is not None else high
    return low if low == high else round((low + high) / 2)


def _in_step_order(steps: list[FitMessage], fail: _Fail) -> list[FitMessage]:
    indices = [m.get(_F_INDEX) for m in steps]
    if all(i is None for i in indices):
        return steps
    keyed: list[tuple[int, FitMessage]] = []
    for pos, (raw, msg) in enumerate(zip(indices, steps, strict=True)):
        if not isinstance(raw, int) or isinstance(raw, bool):
            raise fail(
                f"message_index {raw!r} is missing or not an integer",
                f"workout_step #{pos}.message_index",
            )
        keyed.append((raw & 0x0FFF, msg))
    keyed.sort(key=lambda item: item[0])
    found = [i for i, _ in keyed]
    if found != list(range(len(keyed))):
        raise fail(
            f"workout_step message_index values are not 0..{len(keyed) - 1}",
            "workout_step.message_index",
        )
    return [m for _, m in keyed]


def _int(msg: FitMessage, num: int, loc: str, fail: _Fail) -> int | None:
    value: FitValue | None = msg.get(num)
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise fail(
        f"{_FIELD_NAMES.get(num, f'field {num}')} has an unexpected value {value!r}",
        f"{loc}.{_FIELD_NAMES.get(num, num)}",
    )


def _text(msg: FitMessage, num: int, loc: str, fail: _Fail) -> str:
    value = msg.get(num)
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    raise fail(f"expected text, got {value!r}", loc)


def _enum_name(enum: Any, value: int) -> str:
    try:
        return f"{enum(value).name.lower()} ({value})"
    except ValueError:
        return str(value)
