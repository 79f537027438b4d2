"""The client's own JSON form of a workout: lossless for the model.

Used where nothing may be lost — the ride journal keeps the workout being ridden in this
form so a ride can resume after a crash — and as the `json` format of the sync API.
"""

from __future__ import annotations

import json
import math
from typing import Any

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

FORMAT_VERSION = 1


def workout_to_json(workout: Workout) -> str:
    return json.dumps(
        {
            "version": FORMAT_VERSION,
            "name": workout.name,
            "description": workout.description,
            "author": workout.author,
            "category": workout.category,
            "tags": list(workout.tags),
            "ftp_override_w": workout.ftp_override_w,
            "cues": [_cue(c) for c in workout.cues],
            "elements": [_element(e) for e in workout.elements],
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )


def _cue(cue: Cue) -> list[Any]:
    return [cue.offset_s, cue.message, cue.duration_s]


def _element(element: Element) -> dict[str, Any]:
    if isinstance(element, RepeatBlock):
        return {"repeat": element.count, "steps": [_element(s) for s in element.steps]}
    return {
        "kind": element.kind.value,
        "duration_s": element.duration_s,
        "power": [element.power_start, element.power_end],
        "unit": element.power_unit.value,
        "cadence_rpm": element.cadence_rpm,
        "role": element.role.value,
        "cues": [_cue(c) for c in element.cues],
    }


def workout_from_json(text: str | bytes, source: str = "") -> Workout:
    try:
        data = json.loads(text)
        if not isinstance(data, dict):
            raise TypeError("not an object")
        return Workout(
            name=_str(data, "name"),
            description=_str(data, "description", ""),
            author=_str(data, "author", ""),
            category=_str(data, "category", ""),
            tags=tuple(str(t) for t in data.get("tags", [])),
            ftp_override_w=_optional_int(data.get("ftp_override_w")),
            cues=tuple(_read_cue(c) for c in data.get("cues", [])),
            elements=tuple(_read_element(e, depth=0) for e in data["elements"]),
        )
    except WorkoutFormatError:
        raise
    except (ValueError, TypeError, KeyError, AttributeError, IndexError) as exc:
        raise WorkoutFormatError(f"not a Freewheel JSON workout: {exc}", source=source) from exc


def _str(data: dict[str, Any], key: str, default: str | None = None) -> str:
    value = data.get(key, default)
    if not isinstance(value, str):
        raise TypeError(f"{key} must be text")
    return value


def _number(value: Any, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"{what} must be a finite number")
    return float(value)


def _optional_int(value: Any) -> int | None:
    return None if value is None else int(_number(value, "ftp_override_w"))


def _read_cue(raw: Any) -> Cue:
    offset, message, duration = raw
    return Cue(_number(offset, "cue offset"), str(message), _number(duration, "cue duration"))


def _read_element(raw: Any, depth: int) -> Element:
    if "repeat" in raw:
        if depth:
            raise ValueError("nested repeat blocks")
        count = int(_number(raw["repeat"], "repeat"))
        steps = tuple(_read_element(s, depth + 1) for s in raw["steps"])
        if count < 1 or not steps or not all(isinstance(s, Step) for s in steps):
            raise ValueError("a repeat block needs a count >= 1 and steps")
        return RepeatBlock(count, steps)  # type: ignore[arg-type]
    duration = _number(raw["duration_s"], "duration_s")
    if duration < 0:
        raise ValueError("duration_s must not be negative")
    start, end = raw.get("power", [None, None])
    cadence = raw.get("cadence_rpm")
    return Step(
        kind=StepKind(raw["kind"]),
        duration_s=duration,
        power_start=None if start is None else _number(start, "power"),
        power_end=None if end is None else _number(end, "power"),
        power_unit=PowerUnit(raw.get("unit", PowerUnit.FTP_FRACTION.value)),
        cadence_rpm=None if cadence is None else int(_number(cadence, "cadence_rpm")),
        role=StepRole(raw.get("role", StepRole.ACTIVE.value)),
        cues=tuple(_read_cue(c) for c in raw.get("cues", [])),
    )
