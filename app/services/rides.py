"""Recorded rides: list them, export one, and close an interrupted one.

Each action takes the path of rides.db after `checked_rides_db` ran once for this process
(the check may move an unreadable file aside, which must never happen under an open
journal).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from app.core.workouts.model import Workout
    from app.infra.paths import AppPaths
    from app.infra.store.journal import JournaledRide, RideRecord

__all__ = [
    "ExportKind",
    "JournaledRide",
    "NotInterrupted",
    "RideExporter",
    "RideNotExportable",
    "RideNotFound",
    "RideRecord",
    "checked_rides_db",
    "discard_interrupted",
    "interrupted_rides",
    "list_rides",
    "load_interrupted",
    "save_interrupted",
    "workout_of",
]

ExportKind = Literal["fit", "tcx"]


class RideNotFound(KeyError):
    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "no such ride"


class RideNotExportable(ValueError):
    """The ride has nothing to export (no samples, an unreadable start time)."""


class NotInterrupted(LookupError):
    """The ride is not one the app stopped in the middle of."""


def checked_rides_db(paths: AppPaths) -> Path:
    """rides.db, checked first: an unreadable file is moved aside (never deleted) and a
    fresh one started. Returns where it is."""
    from app.infra.store.journal import recover_rides_db

    paths.ensure()
    recover_rides_db(paths.rides_db)
    return paths.rides_db


def list_rides(db: Path) -> list[RideRecord]:
    from app.infra.store.journal import list_rides as journal_rides

    return journal_rides(db)


def interrupted_rides(db: Path) -> list[RideRecord]:
    """Oldest first."""
    from app.infra.store.journal import interrupted_rides as journal_interrupted

    return journal_interrupted(db)


def load_interrupted(db: Path, ride_id: str | None = None) -> JournaledRide:
    """The interrupted ride `ride_id`, or the most recent one."""
    from app.infra.store.journal import load_ride

    waiting = interrupted_rides(db)
    if not waiting:
        raise NotInterrupted("no interrupted ride to resume")
    chosen = waiting[-1].id if ride_id is None else ride_id
    if chosen not in {r.id for r in waiting}:
        raise NotInterrupted(f"{ride_id} is not an interrupted ride")
    return load_ride(db, chosen)


def workout_of(ride: JournaledRide) -> Workout:
    from app.core.workouts.json_form import workout_from_json

    return workout_from_json(ride.workout_json, source=f"ride {ride.id}")


def save_interrupted(db: Path, ride_id: str) -> None:
    """Keep an interrupted ride as it is: complete, summarised from what was recorded."""
    from app.core.ride.samples import summarize
    from app.infra.store.journal import mark_ride

    ride = load_interrupted(db, ride_id)
    mark_ride(db, ride_id, "complete", summarize(ride.samples, ride.ftp_w))


def discard_interrupted(db: Path, ride_id: str) -> None:
    from app.infra.store.journal import mark_ride

    load_interrupted(db, ride_id)
    mark_ride(db, ride_id, "discarded", None)


@dataclass(frozen=True, slots=True)
class RideExporter:
    """`export(ride_id, path, kind)`: write a ride as FIT or TCX, atomically. Raises
    RideNotFound, RideNotExportable, or OSError when the file cannot be written. Safe on
    any thread: each call opens its own read-only connection."""

    rides_db: Path

    def __call__(self, ride_id: str, path: Path, kind: ExportKind) -> None:
        from app.infra.export.fit_activity import write_fit_activity
        from app.infra.export.ride_export import load_export_ride
        from app.infra.export.tcx import write_tcx

        try:
            ride = load_export_ride(self.rides_db, ride_id)
        except (KeyError, FileNotFoundError) as exc:  # no such ride, or no rides.db yet
            raise RideNotFound(f"no ride {ride_id}") from exc
        except ValueError as exc:  # no samples, or an unreadable start time
            raise RideNotExportable(f"ride {ride_id} cannot be exported: {exc}") from exc
        write = write_fit_activity if kind == "fit" else write_tcx
        try:
            write(ride, path)
        except ValueError as exc:
            raise RideNotExportable(f"ride {ride_id} cannot be exported: {exc}") from exc
