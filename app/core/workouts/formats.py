"""Every workout format in one table: what it is called, its extensions, how to read and
write it, and whether the sync contract carries it.

Everything that lists formats reads `FORMATS` — the library database, the HTTP client's
wire model, the reference server, the import and export dialogs — so adding a format is
its parser module, and here two small adapters and one row (docs/contributing.md).

Each parser is imported on first use: opening the app must not import every parser
before the first frame.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePath
from typing import TYPE_CHECKING

from app.core.workouts.model import WorkoutFormatError

if TYPE_CHECKING:
    from app.core.workouts.model import Workout

__all__ = [
    "FORMATS",
    "READABLE_EXTENSIONS",
    "SYNC_WIRE_NAMES",
    "WRITABLE_EXTENSIONS",
    "EncodedWorkout",
    "WorkoutFormat",
    "extension_of",
    "format_for_extension",
    "format_for_wire_name",
    "read_workout",
    "write_workout",
]


@dataclass(frozen=True, slots=True)
class EncodedWorkout:
    """A workout written in some format, with what that format could not hold."""

    data: bytes
    dropped: tuple[str, ...] = ()


Reader = Callable[[bytes, str], "Workout"]
"""`read(data, source)`: parse; raises WorkoutFormatError naming `source`."""
Writer = Callable[["Workout", "int | None"], EncodedWorkout]
"""`write(workout, ftp_w)`: encode; `ftp_w` converts % FTP and watts where the format needs
one unit (.erg is watts, .mrc is percent)."""


@dataclass(frozen=True, slots=True)
class WorkoutFormat:
    """One workout format. `wire_name` is the value of `Workout.format` in the sync contract
    (SYNC_API.md); None for a format the contract does not carry (binary FIT,
    intervals.icu text)."""

    name: str  # what a rider calls it: "Zwift workout"
    extensions: tuple[str, ...]  # lower case with the dot; the first is the one written
    read: Reader
    write: Writer
    wire_name: str | None = None

    @property
    def extension(self) -> str:
        return self.extensions[0]

    @property
    def syncable(self) -> bool:
        return self.wire_name is not None


# -- each parser behind one signature; imported on first use -------------------------------


def _read_zwo(data: bytes, source: str) -> Workout:
    from app.core.workouts.zwo import read_zwo

    return read_zwo(data, source=source)


def _write_zwo(workout: Workout, ftp_w: int | None) -> EncodedWorkout:
    from app.core.workouts.zwo import write_zwo, zwo_dropped

    return EncodedWorkout(write_zwo(workout, ftp_w=ftp_w).encode("utf-8"), zwo_dropped(workout))


def _read_erg(data: bytes, source: str) -> Workout:
    from app.core.workouts.erg import read_erg

    return read_erg(data, source=source)


def _write_erg(workout: Workout, ftp_w: int | None) -> EncodedWorkout:
    from app.core.workouts.erg import write_erg

    result = write_erg(workout, ftp_w)
    return EncodedWorkout(result.text.encode("utf-8"), result.dropped)


def _read_mrc(data: bytes, source: str) -> Workout:
    from app.core.workouts.erg import read_mrc

    return read_mrc(data, source=source)


def _write_mrc(workout: Workout, ftp_w: int | None) -> EncodedWorkout:
    from app.core.workouts.erg import write_mrc

    result = write_mrc(workout, ftp_w)
    return EncodedWorkout(result.text.encode("utf-8"), result.dropped)


def _read_fit(data: bytes, source: str) -> Workout:
    from app.core.workouts.fit_workout import read_fit_workout

    return read_fit_workout(data, source=source)


def _write_fit(workout: Workout, ftp_w: int | None) -> EncodedWorkout:
    from app.core.workouts.fit_workout import write_fit_workout

    binary = write_fit_workout(workout)
    return EncodedWorkout(binary.data, binary.dropped)


def _read_icu(data: bytes, source: str) -> Workout:
    from app.core.workouts.icu_text import read_icu_text

    return read_icu_text(_text(data, source), source=source)


def _write_icu(workout: Workout, ftp_w: int | None) -> EncodedWorkout:
    from app.core.workouts.icu_text import write_icu_text

    text = write_icu_text(workout)
    return EncodedWorkout(text.text.encode("utf-8"), text.dropped)


def _read_json(data: bytes, source: str) -> Workout:
    from app.core.workouts.json_form import workout_from_json

    return workout_from_json(_text(data, source), source=source)


def _write_json(workout: Workout, ftp_w: int | None) -> EncodedWorkout:
    from app.core.workouts.json_form import workout_to_json

    return EncodedWorkout(workout_to_json(workout).encode("utf-8"))


def _text(data: bytes, source: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise WorkoutFormatError("not UTF-8 text", source=source) from exc


# The order is the export dialog's (the first is its default).
FORMATS: tuple[WorkoutFormat, ...] = (
    WorkoutFormat("Zwift workout", (".zwo",), _read_zwo, _write_zwo, "zwo"),
    WorkoutFormat("ERG (watts)", (".erg",), _read_erg, _write_erg, "erg"),
    WorkoutFormat("MRC (% of FTP)", (".mrc",), _read_mrc, _write_mrc, "mrc"),
    WorkoutFormat("Garmin FIT workout", (".fit",), _read_fit, _write_fit),
    # intervals.icu's workout builder text has no extension of its own; riders save it as .txt
    WorkoutFormat("intervals.icu text", (".txt",), _read_icu, _write_icu),
    WorkoutFormat("Freewheel JSON", (".json",), _read_json, _write_json, "json"),
)

READABLE_EXTENSIONS: tuple[str, ...] = tuple(e for f in FORMATS for e in f.extensions)
WRITABLE_EXTENSIONS: tuple[str, ...] = tuple(f.extension for f in FORMATS)
SYNC_WIRE_NAMES: tuple[str, ...] = tuple(f.wire_name for f in FORMATS if f.wire_name)

_BY_EXTENSION = {e: f for f in FORMATS for e in f.extensions}
_BY_WIRE_NAME = {f.wire_name: f for f in FORMATS if f.wire_name}


def extension_of(filename: str) -> str:
    return PurePath(filename).suffix.lower()


def format_for_extension(ext: str) -> WorkoutFormat | None:
    return _BY_EXTENSION.get(ext.lower())


def format_for_wire_name(wire_name: str) -> WorkoutFormat | None:
    """The format a synced workout's `format` field names; None for one we do not know."""
    return _BY_WIRE_NAME.get(wire_name)


def read_workout(data: bytes, filename: str) -> Workout:
    """Parse `data` as the format its `filename` extension names."""
    ext = extension_of(filename)
    fmt = _BY_EXTENSION.get(ext)
    if fmt is None:
        raise _unknown(ext, filename, READABLE_EXTENSIONS)
    return fmt.read(data, filename)


def write_workout(workout: Workout, filename: str, *, ftp_w: int | None = None) -> EncodedWorkout:
    """Encode `workout` in the format `filename` names. `ftp_w` converts between % FTP and
    watts where the format needs one unit (.erg is watts, .mrc is percent)."""
    ext = extension_of(filename)
    fmt = _BY_EXTENSION.get(ext)
    if fmt is None:
        raise _unknown(ext, filename, WRITABLE_EXTENSIONS)
    return fmt.write(workout, ftp_w)


def _unknown(ext: str, filename: str, supported: tuple[str, ...]) -> WorkoutFormatError:
    return WorkoutFormatError(
        f"unknown workout format {ext or '(no extension)'}; supported: {', '.join(supported)}",
        source=filename,
    )
