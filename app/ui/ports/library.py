"""What the Library and Ride screens need: the workout library, exporting a workout, and
starting rides."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:  # not needed at run time: keeps asyncio & co. off the start-up path
    from app.core.workouts.catalog import CatalogEntry
    from app.core.workouts.formats import EncodedWorkout
    from app.core.workouts.model import Workout
    from app.runtime.ride_control import RideHandle
    from app.runtime.ride_runner import RideObserver

__all__ = ["ImportReport", "RideStarter", "WorkoutExporter", "WorkoutLibrary"]


class RideStarter(Protocol):
    """Starts rides: a RideController, or a stand-in that builds one on first use."""

    def start(
        self,
        workout: Workout,
        *,
        ftp_w: float,
        intensity_pct: int = 100,
        observers: list[RideObserver] | None = None,
    ) -> RideHandle: ...


class ImportReport(Protocol):
    """What an import did: the entries it added, the files it skipped as duplicates
    `(path, id already in the library)` and the files it could not read `(path, why)`."""

    @property
    def added(self) -> Sequence[CatalogEntry]: ...

    @property
    def duplicates(self) -> Sequence[tuple[str, str]]: ...

    @property
    def errors(self) -> Sequence[tuple[str, str]]: ...


class WorkoutLibrary(Protocol):
    """The workout library as the UI sees it.

    `entries`, `get`, `find` and `set_favourite` run on the UI thread and must be fast (an
    in-memory list or an indexed cache); the browser filters `entries()` with
    `catalog.query` on every keystroke. `import_paths` reads files and may take seconds:
    the UI calls it on a worker thread, so it must be thread-safe.
    """

    def entries(self) -> list[CatalogEntry]: ...

    def get(self, entry_id: str) -> CatalogEntry | None: ...

    def find(self, name_or_id: str) -> CatalogEntry | None:
        """By id, file stem or name (a calendar or today card may know only the name)."""
        ...

    def set_favourite(self, entry_id: str, favourite: bool) -> CatalogEntry: ...

    def import_paths(self, paths: list[Path]) -> ImportReport: ...


WorkoutExporter = Callable[["Workout", Path, "int | None"], "EncodedWorkout"]
"""`export_workout(workout, path, ftp_w)`: encode in the format `path`'s extension names and
write it atomically; raises WorkoutFormatError (unknown extension), ValueError (a target
the format cannot hold) or OSError (cannot write). May run on the UI thread: one file."""
