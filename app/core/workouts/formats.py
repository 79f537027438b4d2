"""Pick the reader for a workout file by its extension."""

from __future__ import annotations

from pathlib import PurePath

from app.core.workouts.model import Workout, WorkoutFormatError

SUPPORTED_EXTENSIONS = (".zwo",)


def read_workout(data: bytes, filename: str) -> Workout:
    """Parse `data` as the format its `filename` extension names."""
    ext = PurePath(filename).suffix.lower()
    if ext == ".zwo":
        from app.core.workouts.zwo import read_zwo

        return read_zwo(data, source=filename)
    raise WorkoutFormatError(
        f"unknown workout format {ext or '(no extension)'}; "
        f"supported: {', '.join(SUPPORTED_EXTENSIONS)}",
        source=filename,
    )
