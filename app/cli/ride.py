"""`freewheel ride`: ride a workout headless on the simulated trainer."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING

from app.cli.workout import load_workout_file
from app.core.ride.samples import RideSummary
from app.core.workouts.model import Workout
from app.infra.paths import AppPaths, app_paths
from app.main import EXIT_FAILURE, EXIT_OK, UsageError

if TYPE_CHECKING:
    from app.infra.store.journal import JournaledRide

from app.wiring import DEFAULT_FTP_W, build_ride_stack, make_clock, open_library


def resolve_workout(name_or_file: str, paths: AppPaths) -> Workout:
    if Path(name_or_file).suffix and Path(name_or_file).exists():
        return load_workout_file(name_or_file)
    library = open_library(paths)
    try:
        entry = library.find(name_or_file)
        if entry is None:
            raise UsageError(f"no workout named {name_or_file!r} in the library, and no such file")
        return entry.workout
    finally:
        library.close()


def _speed(text: str) -> str | float:
    if text == "max":
        return text
    try:
        value = float(text)
    except ValueError as exc:
        raise UsageError(f"--speed must be a number or 'max', not {text!r}") from exc
    if value <= 0:
        raise UsageError("--speed must be positive")
    return value


def ride_command(args: argparse.Namespace) -> int:
    paths = app_paths(args.data_dir)
    if args.resume == bool(args.workout):
        raise UsageError("give either --workout NAME|FILE or --resume")
    ftp_w = args.ftp or DEFAULT_FTP_W
    if ftp_w <= 0 or not 50 <= args.intensity <= 150:
        raise UsageError("--ftp must be positive and --intensity between 50 and 150")
    speed = _speed(args.speed)
    if args.virtual_ble and (speed == "max" or float(speed) > 20):
        raise UsageError("--virtual-ble runs the devices in real time: use --speed 20 or less")
    interrupted = _interrupted_ride(paths) if args.resume else None
    workout = None if args.resume else resolve_workout(args.workout, paths)
    stack = build_ride_stack(
        paths, clock=make_clock(speed), ftp_w=ftp_w, seed=args.seed, virtual_ble=args.virtual_ble
    )
    try:
        if interrupted is not None:
            handle = stack.resume(interrupted)
        else:
            assert workout is not None
            handle = stack.start(workout, ftp_w=ftp_w, intensity_pct=args.intensity)
        summary = handle.done.result()
        stack.journal.flush()
    finally:
        stack.close()
    if summary is None:
        print("ride discarded")
        return EXIT_FAILURE
    print_summary(handle.ride_id, handle.info.workout.name, summary, as_json=args.json)
    return EXIT_OK


def _interrupted_ride(paths: AppPaths) -> JournaledRide:
    """The most recent ride the app stopped in the middle of."""
    from app.infra.store.journal import interrupted_rides, load_ride, recover_rides_db

    recover_rides_db(paths.rides_db)
    waiting = interrupted_rides(paths.rides_db)
    if not waiting:
        raise UsageError("no interrupted ride to resume")
    return load_ride(paths.rides_db, waiting[-1].id)


def print_summary(ride_id: str, name: str, summary: RideSummary, *, as_json: bool) -> None:
    if as_json:
        print(json.dumps({"ride_id": ride_id, "workout": name, **summary.as_dict()}, indent=2))
        return
    hours, rest = divmod(summary.moving_s, 3600)
    print(f"{name}: {hours}:{rest // 60:02d}:{rest % 60:02d}")
    for label, value, unit in (
        ("avg power", summary.avg_power_w, "W"),
        ("NP", summary.np_w, "W"),
        ("max power", summary.max_power_w, "W"),
        ("IF", summary.intensity_factor, ""),
        ("TSS", summary.tss, ""),
        ("work", summary.work_kj, "kJ"),
        ("avg HR", summary.avg_hr_bpm, "bpm"),
        ("avg cadence", summary.avg_cadence_rpm, "rpm"),
        ("distance", summary.distance_m / 1000, "km"),
    ):
        shown = "—" if value is None else f"{value:.2f}" if label == "IF" else f"{value:.0f}"
        print(f"  {label:<12} {shown} {unit}".rstrip())
