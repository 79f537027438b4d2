"""`freewheel import`, `freewheel library list`, `freewheel convert`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from app.cli.exits import EXIT_FAILURE, EXIT_OK, UsageError
from app.core.workouts.catalog import CatalogEntry, LibraryFilter, SortKey


def add_parsers(sub: argparse._SubParsersAction[Any], common: argparse.ArgumentParser) -> None:
    imp = sub.add_parser("import", parents=[common], help="add workout files or folders")
    imp.add_argument("paths", nargs="+", metavar="PATH")
    imp.set_defaults(run=import_command)

    library = sub.add_parser("library", help="the workout library")
    library_sub = library.add_subparsers(dest="library_command", required=True)
    listing = library_sub.add_parser("list", parents=[common], help="list the library")
    listing.add_argument("--search", help="words that must all appear")
    listing.add_argument("--category", action="append", help="only this category (repeatable)")
    listing.add_argument("--source", action="append", choices=["bundled", "imported", "synced"])
    listing.add_argument("--min-minutes", type=float)
    listing.add_argument("--max-minutes", type=float)
    listing.add_argument("--favourites", action="store_true")
    listing.add_argument("--sort", default="name", choices=[k.value for k in SortKey])
    listing.set_defaults(run=library_list_command)

    convert = sub.add_parser("convert", parents=[common], help="convert a workout file")
    convert.add_argument("input", metavar="IN")
    convert.add_argument("output", metavar="OUT")
    convert.add_argument("--ftp", type=int, help="FTP in watts, where the format needs one")
    convert.set_defaults(run=convert_command)


def entry_dict(entry: CatalogEntry) -> dict[str, Any]:
    return {
        "id": entry.id,
        "name": entry.name,
        "source": entry.source,
        "category": entry.category,
        "tags": list(entry.tags),
        "duration_s": entry.duration_s,
        "tss": round(entry.tss, 1),
        "if": round(entry.intensity_factor, 3),
        "time_in_zone_s": [round(z, 1) for z in entry.zone_time_s],
        "favourite": entry.favourite,
        "description": entry.description,
    }


def import_command(args: argparse.Namespace) -> int:
    from app.infra.paths import app_paths
    from app.services.library import import_workouts

    report = import_workouts(app_paths(args.data_dir), [Path(p) for p in args.paths])
    if args.json:
        print(
            json.dumps(
                {
                    "added": [entry_dict(e) for e in report.added],
                    "duplicates": [{"path": p, "existing": i} for p, i in report.duplicates],
                    "errors": [{"path": p, "error": m} for p, m in report.errors],
                },
                indent=2,
            )
        )
    else:
        print(f"imported {len(report.added)}, {len(report.duplicates)} already in the library")
        for entry in report.added:
            print(f"  + {entry.name}  ({entry.id})")
        for path, existing in report.duplicates:
            print(f"  = {path}: same as {existing}")
    for path, message in report.errors:
        print(f"freewheel: could not import {path}: {message}", file=sys.stderr)
    if report.errors and not report.added and not report.duplicates:
        return EXIT_FAILURE
    return EXIT_OK


def library_list_command(args: argparse.Namespace) -> int:
    from app.infra.paths import app_paths
    from app.services.library import list_workouts

    wanted = LibraryFilter(
        text=args.search or "",
        min_duration_s=args.min_minutes * 60 if args.min_minutes is not None else None,
        max_duration_s=args.max_minutes * 60 if args.max_minutes is not None else None,
        categories=frozenset(args.category or ()),
        sources=frozenset(args.source or ()),
        favourites_only=args.favourites,
    )
    found = list_workouts(app_paths(args.data_dir), wanted, SortKey(args.sort))
    if args.json:
        print(json.dumps([entry_dict(e) for e in found], indent=2))
        return EXIT_OK
    for entry in found:
        minutes = round(entry.duration_s / 60)
        print(f"{entry.name:<40} {entry.category:<12} {minutes:>4} min  TSS {entry.tss:>4.0f}")
    return EXIT_OK


def convert_command(args: argparse.Namespace) -> int:
    from app.cli.workout import load_workout_file
    from app.core.workouts.conversion import MissingFtpError
    from app.core.workouts.model import WorkoutFormatError
    from app.services.workouts import export_workout

    workout = load_workout_file(args.input)
    out = Path(args.output)
    try:
        encoded = export_workout(workout, out, args.ftp)
    except MissingFtpError as exc:
        raise UsageError(f"{exc} (pass --ftp WATTS)") from exc
    except (WorkoutFormatError, ValueError) as exc:  # unknown format, or a target it cannot hold
        raise UsageError(str(exc)) from exc
    except OSError as exc:
        raise UsageError(f"cannot write {out}: {exc.strerror or exc}") from exc
    if args.json:
        print(json.dumps({"output": str(out), "dropped": list(encoded.dropped)}))
    else:
        print(f"wrote {out}")
        for note in encoded.dropped:
            print(f"  dropped: {note}")
    return EXIT_OK
