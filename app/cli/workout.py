"""`freewheel workout info FILE`."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from app.cli.exits import EXIT_OK, UsageError
from app.core.workouts.metrics import compute_metrics
from app.core.workouts.model import RepeatBlock, Step, Workout


def add_parsers(sub: argparse._SubParsersAction[Any], common: argparse.ArgumentParser) -> None:
    workout = sub.add_parser("workout", help="workout files")
    workout_sub = workout.add_subparsers(dest="workout_command", required=True)
    info = workout_sub.add_parser("info", parents=[common], help="describe a workout file")
    info.add_argument("file")
    info.set_defaults(run=workout_info_command)


def step_dict(step: Step) -> dict[str, Any]:
    return {
        "kind": step.kind.value,
        "role": step.role.value,
        "duration_s": step.duration_s,
        "power_start": step.power_start,
        "power_end": step.power_end,
        "power_unit": step.power_unit.value,
        "cadence_rpm": step.cadence_rpm,
        "cues": [{"offset_s": c.offset_s, "message": c.message} for c in step.cues],
    }


def workout_dict(workout: Workout) -> dict[str, Any]:
    metrics = compute_metrics(workout)
    steps: list[dict[str, Any]] = []
    for element in workout.elements:
        if isinstance(element, RepeatBlock):
            steps.append({"repeat": element.count, "steps": [step_dict(s) for s in element.steps]})
        else:
            steps.append(step_dict(element))
    return {
        "name": workout.name,
        "description": workout.description,
        "category": workout.category,
        "duration_s": metrics.duration_s,
        "tss": round(metrics.tss, 1),
        "if": round(metrics.intensity_factor, 3),
        "time_in_zone_s": list(metrics.time_in_zone_s),
        "steps": steps,
    }


def load_workout_file(path_text: str) -> Workout:
    from app.services.workouts import WorkoutFileError, read_workout_file

    try:
        return read_workout_file(Path(path_text))
    except WorkoutFileError as exc:
        raise UsageError(str(exc)) from exc


def workout_info_command(args: argparse.Namespace) -> int:
    info = workout_dict(load_workout_file(args.file))
    if args.json:
        print(json.dumps(info, indent=2))
        return EXIT_OK
    hours, rest = divmod(int(info["duration_s"]), 3600)
    print(f"{info['name']}  ({info['category'] or 'uncategorised'})")
    print(f"duration {hours}:{rest // 60:02d}:{rest % 60:02d}  TSS {info['tss']}  IF {info['if']}")
    if info["description"]:
        print(info["description"])
    return EXIT_OK
