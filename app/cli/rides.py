"""`freewheel rides list | export | save | discard`."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from app.core.ride.samples import summarize
from app.infra.paths import app_paths
from app.infra.store.journal import (
    RideRecord,
    interrupted_rides,
    list_rides,
    load_ride,
    mark_ride,
    recover_rides_db,
)
from app.main import EXIT_OK, UsageError


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


def rides_command(args: argparse.Namespace) -> int:
    paths = app_paths(args.data_dir)
    recover_rides_db(paths.rides_db)
    if args.rides_command == "list":
        records = list_rides(paths.rides_db)
        if args.json:
            print(json.dumps([record_dict(r) for r in records], indent=2))
        for r in [] if args.json else records:
            print(f"{r.started_at[:16]}  {_shown_state(r):<11} {r.sample_count:>6} s  "
                  f"{r.workout_name}  ({r.id})")  # fmt: skip
        return EXIT_OK
    if args.rides_command in ("save", "discard"):
        return _close(paths.rides_db, args.ride_id, args.rides_command)
    return _export(paths.rides_db, args)


def _close(db: Path, ride_id: str, verb: str) -> int:
    if ride_id not in {r.id for r in interrupted_rides(db)}:
        raise UsageError(f"{ride_id} is not an interrupted ride")
    ride = load_ride(db, ride_id)
    if verb == "save":
        mark_ride(db, ride_id, "complete", summarize(ride.samples, ride.ftp_w))
    else:
        mark_ride(db, ride_id, "discarded", None)
    print(f"ride {ride_id} {'saved' if verb == 'save' else 'discarded'}")
    return EXIT_OK


def _export(db: Path, args: argparse.Namespace) -> int:
    from app.infra.export.fit_activity import write_fit_activity
    from app.infra.export.ride_export import load_export_ride
    from app.infra.export.tcx import write_tcx

    try:
        ride = load_export_ride(db, args.ride_id)
    except KeyError as exc:
        raise UsageError(f"no ride {args.ride_id}") from exc
    except ValueError as exc:  # no samples, or an unreadable start time
        raise UsageError(f"ride {args.ride_id} cannot be exported: {exc}") from exc
    target = Path(args.fit or args.tcx)
    try:
        (write_fit_activity if args.fit else write_tcx)(ride, target)
    except ValueError as exc:
        raise UsageError(f"ride {args.ride_id} cannot be exported: {exc}") from exc
    except OSError as exc:
        raise UsageError(f"cannot write {target}: {exc.strerror or exc}") from exc
    print(json.dumps({"written": str(target)}) if args.json else f"wrote {target}")
    return EXIT_OK
