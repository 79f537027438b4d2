"""Every workout format by its file extension: one place to read and write them all."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath

from app.core.workouts.model import Workout, WorkoutFormatError

# intervals.icu's workout builder text has no extension of its own; riders save it as .txt
READABLE_EXTENSIONS = (".zwo", ".erg", ".mrc", ".fit", ".txt", ".json")
WRITABLE_EXTENSIONS = READABLE_EXTENSIONS


@dataclass(frozen=True, slots=True)
class EncodedWorkout:
    """A workout written in some format, with what that format could not hold."""

    data: bytes
    dropped: tuple[str, ...] = ()


def extension_of(filename: str) -> str:
    return PurePath(filename).suffix.lower()


def read_workout(data: bytes, filename: str) -> Workout:
    """Parse `data` as the format its `filename` extension names."""
    ext = extension_of(filename)
    if ext == ".zwo":
        from app.core.workouts.zwo import read_zwo

        return read_zwo(data, source=filename)
    if ext in (".erg", ".mrc"):
        from app.core.workouts.erg import read_erg, read_mrc

        return (read_erg if ext == ".erg" else read_mrc)(data, source=filename)
    if ext == ".fit":
        from app.core.workouts.fit_workout import read_fit_workout

        return read_fit_workout(data, source=filename)
    if ext == ".txt":
        from app.core.workouts.icu_text import read_icu_text

        return read_icu_text(_text(data, filename), source=filename)
    if ext == ".json":
        from app.core.workouts.json_form import workout_from_json

        return workout_from_json(_text(data, filename), source=filename)
    raise _unknown(ext, filename, READABLE_EXTENSIONS)


def write_workout(workout: Workout, filename: str, *, ftp_w: int | None = None) -> EncodedWorkout:
    """Encode `workout` in the format `filename` names. `ftp_w` converts between % FTP and
    watts where the format needs one unit (.erg is watts, .mrc is percent)."""
    ext = extension_of(filename)
    if ext == ".zwo":
        from app.core.workouts.zwo import write_zwo, zwo_dropped

        return EncodedWorkout(write_zwo(workout, ftp_w=ftp_w).encode("utf-8"), zwo_dropped(workout))
    if ext in (".erg", ".mrc"):
        from app.core.workouts.erg import write_erg, write_mrc

        result = (write_erg if ext == ".erg" else write_mrc)(workout, ftp_w)
        return EncodedWorkout(result.text.encode("utf-8"), result.dropped)
    if ext == ".fit":
        from app.core.workouts.fit_workout import write_fit_workout

        binary = write_fit_workout(workout)
        return EncodedWorkout(binary.data, binary.dropped)
    if ext == ".txt":
        from app.core.workouts.icu_text import write_icu_text

        text = write_icu_text(workout)
        return EncodedWorkout(text.text.encode("utf-8"), text.dropped)
    if ext == ".json":
        from app.core.workouts.json_form import workout_to_json

        return EncodedWorkout(workout_to_json(workout).encode("utf-8"))
    raise _unknown(ext, filename, WRITABLE_EXTENSIONS)


def _text(data: bytes, filename: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise WorkoutFormatError("not UTF-8 text", source=filename) from exc


def _unknown(ext: str, filename: str, supported: tuple[str, ...]) -> WorkoutFormatError:
    return WorkoutFormatError(
        f"unknown workout format {ext or '(no extension)'}; supported: {', '.join(supported)}",
        source=filename,
    )
