"""The workout library: open it, list it, add files to it, find a workout to ride."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from app.core.workouts.catalog import CatalogEntry, LibraryFilter, SortKey, query
from app.core.workouts.model import Workout

if TYPE_CHECKING:
    from app.infra.paths import AppPaths
    from app.infra.store.library_db import ImportReport, LibraryStore

__all__ = [
    "UnknownWorkout",
    "find_workout",
    "import_workouts",
    "list_workouts",
    "open_library",
    "opened_library",
]


class UnknownWorkout(LookupError):
    """No workout of that name or id in the library, and no such file."""


def open_library(paths: AppPaths) -> LibraryStore:
    """The library cache, with the bundled workouts synced in. The caller closes it."""
    from app.infra.paths import resources_dir
    from app.infra.store.library_db import LibraryStore

    paths.ensure()
    return LibraryStore(
        paths.cache_dir / "library.db", resources_dir() / "workouts", paths.imported_dir
    )


@contextmanager
def opened_library(paths: AppPaths) -> Iterator[LibraryStore]:
    library = open_library(paths)
    try:
        yield library
    finally:
        library.close()


def import_workouts(paths: AppPaths, files: Sequence[Path]) -> ImportReport:
    """Add workout files and folders; duplicates are skipped, unreadable files reported."""
    with opened_library(paths) as library:
        return library.import_paths(list(files))


def list_workouts(
    paths: AppPaths, wanted: LibraryFilter, sort: SortKey = SortKey.NAME
) -> list[CatalogEntry]:
    with opened_library(paths) as library:
        return query(library.entries(), wanted, sort)


def find_workout(paths: AppPaths, name_or_file: str) -> Workout:
    """A workout file by path (when it exists and has an extension), else the library
    entry with that name or id. Raises WorkoutFileError or UnknownWorkout."""
    from app.services.workouts import read_workout_file

    path = Path(name_or_file)
    if path.suffix and path.exists():
        return read_workout_file(path)
    with opened_library(paths) as library:
        entry = library.find(name_or_file)
        if entry is None:
            raise UnknownWorkout(
                f"no workout named {name_or_file!r} in the library, and no such file"
            )
        return entry.workout  # read while the library is open
