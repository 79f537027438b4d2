"""`freewheel rides list | export | save | discard`."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.cli.exits import EXIT_OK, UsageError

if TYPE_CHECKING:
    from app.services.rides import RideRecord


def add_parsers(sub: argparse._SubParsersAction[Any], common: argparse.ArgumentParser) -> None:
    rides = sub.add_parser("rides", help="recorded rides")
    rides_sub = rides.add_subparsers(dest="rides_command", required=True)
    rides_sub.add_parser("list", parents=[common], help="rides with their state").set_defaults(
        run=list_command
    )
    export = rides_sub.add_parser("export", parents=[common], help="write a ride as FIT or TCX")
    export.add_argument("ride_id", metavar="ID")
    target = export.add_mutually_exclusive_group(required=True)
    target.add_argument("--fit", metavar="PATH")
    target.add_argument("--tcx", metavar="PATH")
    export.set_defaults(run=export_command)
    for verb, text in (("save", "keep an interrupted ride as it is"),
                       ("discard", "throw an interrupted ride away")):  # fmt: skip
        closing = rides_sub.add_parser(verb, parents=[common], help=text)
        closing.add_argument("ride_id", metavar="ID")
        closing.set_defaults(run=close_command)


def _shown_state(record: RideRecord) -> str:
    return "interrupted" if record.state == "recording" else record.state


def record_dict(record: RideRecord) -> dict[str, Any]:
    summary = record.summary or {}
    return {
        "id": record.id,
        "workout": record.workout_name,
        "started_at": record.started_at,
        "state": _shown_state(record),
        "samples": record.sample_count,
        "moving_s": summary.get("moving_s"),
        "tss": summary.get("tss"),
        "avg_power_w": summary.get("avg_power_w"),
    }


def _rides_db(args: argparse.Namespace) -> Path:
    from app.infra.paths import app_paths
    from app.services.rides import checked_rides_db

    return checked_rides_db(app_paths(args.data_dir))


def list_command(args: argparse.Namespace) -> int:
    from app.services.rides import list_rides

    records = list_rides(_rides_db(args))
    if args.json:
        print(json.dumps([record_dict(r) for r in records], indent=2))
        return EXIT_OK
    for r in records:
        print(f"{r.started_at[:16]}  {_shown_state(r):<11} {r.sample_count:>6} s  "
              f"{r.workout_name}  ({r.id})")  # fmt: skip
    return EXIT_OK


def close_command(args: argparse.Namespace) -> int:
    from app.services.rides import NotInterrupted, discard_interrupted, save_interrupted

    saving = args.rides_command == "save"
    try:
        (save_interrupted if saving else discard_interrupted)(_rides_db(args), args.ride_id)
    except NotInterrupted as exc:
        raise UsageError(f"{args.ride_id} is not an interrupted ride") from exc
    print(f"ride {args.ride_id} {'saved' if saving else 'discarded'}")
    return EXIT_OK


def export_command(args: argparse.Namespace) -> int:
    from app.services.rides import RideExporter, RideNotExportable, RideNotFound

    target = Path(args.fit or args.tcx)
    try:
        RideExporter(_rides_db(args))(args.ride_id, target, "fit" if args.fit else "tcx")
    except (RideNotFound, RideNotExportable) as exc:
        raise UsageError(str(exc)) from exc
    except OSError as exc:
        raise UsageError(f"cannot write {target}: {exc.strerror or exc}") from exc
    print(json.dumps({"written": str(target)}) if args.json else f"wrote {target}")
    return EXIT_OK
