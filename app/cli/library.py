"""`freewheel import`, `freewheel library list`, `freewheel convert`."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

from app.core.workouts.catalog import CatalogEntry, LibraryFilter, SortKey, query
from app.core.workouts.conversion import MissingFtpError
from app.core.workouts.formats import write_workout
from app.infra.paths import app_paths
from app.main import EXIT_FAILURE, EXIT_OK, UsageError
from app.wiring import open_library


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
    library = open_library(app_paths(args.data_dir))
    try:
        report = library.import_paths([Path(p) for p in args.paths])
    finally:
        library.close()
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
    library = open_library(app_paths(args.data_dir))
    try:
        wanted = LibraryFilter(
            text=args.search or "",
            min_duration_s=args.min_minutes * 60 if args.min_minutes is not None else None,
            max_duration_s=args.max_minutes * 60 if args.max_minutes is not None else None,
            categories=frozenset(args.category or ()),
            sources=frozenset(args.source or ()),
            favourites_only=args.favourites,
        )
        found = query(library.entries(), wanted, SortKey(args.sort))
    finally:
        library.close()
    if args.json:
        print(json.dumps([entry_dict(e) for e in found], indent=2))
        return EXIT_OK
    for entry in found:
        minutes = round(entry.duration_s / 60)
        print(f"{entry.name:<40} {entry.category:<12} {minutes:>4} min  TSS {entry.tss:>4.0f}")
    return EXIT_OK


def convert_command(args: argparse.Namespace) -> int:
    from app.cli.workout import load_workout_file

    workout = load_workout_file(args.input)
    try:
        encoded = write_workout(workout, args.output, ftp_w=args.ftp)
    except MissingFtpError as exc:
        raise UsageError(f"{exc} (pass --ftp WATTS)") from exc
    except ValueError as exc:  # unknown format, or a target the format cannot hold
        raise UsageError(str(exc)) from exc
    out = Path(args.output)
    tmp = out.with_name(f".{out.name}.tmp")
    try:
        tmp.write_bytes(encoded.data)
        os.replace(tmp, out)
    except OSError as exc:
        raise UsageError(f"cannot write {out}: {exc.strerror or exc}") from exc
    if args.json:
        print(json.dumps({"output": str(out), "dropped": list(encoded.dropped)}))
    else:
        print(f"wrote {out}")
        for note in encoded.dropped:
            print(f"  dropped: {note}")
    return EXIT_OK
