"""`freewheel ride`: ride a workout headless on the simulated (or a virtual BLE) trainer."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING, Any

from app.cli.exits import EXIT_FAILURE, EXIT_OK, UsageError
from app.core.ride.samples import RideSummary

if TYPE_CHECKING:
    from app.core.workouts.model import Workout
    from app.infra.paths import AppPaths
    from app.services.rides import JournaledRide

MAX_VIRTUAL_BLE_SPEED = 20.0  # the virtual devices notify in real time


def add_parsers(sub: argparse._SubParsersAction[Any], common: argparse.ArgumentParser) -> None:
    ride = sub.add_parser("ride", parents=[common], help="ride a workout headless")
    source = ride.add_mutually_exclusive_group()
    source.add_argument("--simulate", action="store_true", help="simulated trainer (default)")
    source.add_argument(
        "--virtual-ble",
        action="store_true",
        help="ride virtual Bluetooth devices through the real BLE path (needs bumble)",
    )
    ride.add_argument("--workout", help="library workout name or id, or a workout file")
    ride.add_argument(
        "--resume", action="store_true", help="carry on the ride the app was stopped in"
    )
    ride.add_argument("--ftp", type=float, default=None, help="FTP in watts")
    ride.add_argument("--intensity", type=int, default=100, help="intensity in percent")
    ride.add_argument(
        "--speed", default="1", help="times real time, or 'max' for as fast as possible"
    )
    ride.add_argument("--seed", type=int, default=1, help="simulated rider seed")
    ride.set_defaults(run=ride_command)


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
    from app.cli.claims import claimed
    from app.compose.ride import DEFAULT_FTP_W
    from app.infra.paths import app_paths

    paths = app_paths(args.data_dir)
    if args.resume == bool(args.workout):
        raise UsageError("give either --workout NAME|FILE or --resume")
    ftp_w = args.ftp or DEFAULT_FTP_W
    if ftp_w <= 0 or not 50 <= args.intensity <= 150:
        raise UsageError("--ftp must be positive and --intensity between 50 and 150")
    speed = _speed(args.speed)
    if args.virtual_ble and (speed == "max" or float(speed) > MAX_VIRTUAL_BLE_SPEED):
        raise UsageError("--virtual-ble runs the devices in real time: use --speed 20 or less")
    with claimed(paths):
        return _ride(args, paths, ftp_w, speed)


def _ride(args: argparse.Namespace, paths: AppPaths, ftp_w: float, speed: str | float) -> int:
    from app.compose.options import TrainerSource
    from app.compose.ride import build_ride_stack, make_clock

    interrupted = _interrupted_ride(paths) if args.resume else None
    workout = None if interrupted is not None else _workout(paths, args.workout)
    source = TrainerSource.VIRTUAL_BLE if args.virtual_ble else TrainerSource.SIMULATED
    stack = build_ride_stack(
        paths, clock=make_clock(speed), ftp_w=ftp_w, seed=args.seed, trainer=source
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


def _workout(paths: AppPaths, name_or_file: str) -> Workout:
    from app.services.library import UnknownWorkout, find_workout
    from app.services.workouts import WorkoutFileError

    try:
        return find_workout(paths, name_or_file)
    except (UnknownWorkout, WorkoutFileError) as exc:
        raise UsageError(str(exc)) from exc


def _interrupted_ride(paths: AppPaths) -> JournaledRide:
    """The most recent ride the app stopped in the middle of."""
    from app.services.rides import NotInterrupted, checked_rides_db, load_interrupted

    try:
        return load_interrupted(checked_rides_db(paths))
    except NotInterrupted as exc:
        raise UsageError(str(exc)) from exc


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
