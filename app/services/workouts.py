"""Workout files: read one, export one."""

from __future__ import annotations

from pathlib import Path

from app.core.workouts.formats import EncodedWorkout, read_workout, write_workout
from app.core.workouts.model import Workout, WorkoutFormatError

__all__ = ["WorkoutFileError", "export_workout", "read_workout_file"]


class WorkoutFileError(Exception):
    """A workout file that cannot be read or written; the message says why in one line."""


def read_workout_file(path: Path) -> Workout:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise WorkoutFileError(f"cannot read {path}: {exc.strerror or exc}") from exc
    try:
        return read_workout(data, path.name)
    except WorkoutFormatError as exc:
        raise WorkoutFileError(str(exc)) from exc


def export_workout(workout: Workout, path: Path, ftp_w: int | None = None) -> EncodedWorkout:
    """Encode `workout` in the format `path`'s extension names and write it atomically, in
    the folder the rider chose (never created here). Raises WorkoutFormatError (unknown
    extension), MissingFtpError or ValueError (a target the format cannot hold without an
    FTP) and OSError (cannot write)."""
    from app.infra.export.atomic import write_atomic

    encoded = write_workout(workout, path.name, ftp_w=ftp_w)
    write_atomic(path, encoded.data, create_folder=False)
    return encoded
