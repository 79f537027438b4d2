"""Where Freewheel keeps its files: platformdirs, or one folder given by --data-dir /
FREEWHEEL_HOME (tests, portable installs)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

HOME_ENV = "FREEWHEEL_HOME"
RESOURCES_ENV = "FREEWHEEL_RESOURCES"


@dataclass(frozen=True, slots=True)
class AppPaths:
    data_dir: Path  # rides.db, activities/: irreplaceable
    cache_dir: Path  # library.db: rebuildable
    config_dir: Path  # settings.json

    @property
    def rides_db(self) -> Path:
        return self.data_dir / "rides.db"

    @property
    def imported_dir(self) -> Path:
        """The rider's imported workout files, kept so the library cache can be rebuilt."""
        return self.data_dir / "workouts"

    @property
    def settings_file(self) -> Path:
        return self.config_dir / "settings.json"

    def ensure(self) -> AppPaths:
        for folder in (self.data_dir, self.cache_dir, self.config_dir):
            folder.mkdir(parents=True, exist_ok=True)
        return self


def app_paths(data_dir: str | os.PathLike[str] | None = None) -> AppPaths:
    home = data_dir or os.environ.get(HOME_ENV)
    if home:
        root = Path(home).expanduser()
        return AppPaths(root, root / "cache", root)
    import platformdirs

    return AppPaths(
        Path(platformdirs.user_data_dir("freewheel", appauthor=False)),
        Path(platformdirs.user_cache_dir("freewheel", appauthor=False)),
        Path(platformdirs.user_config_dir("freewheel", appauthor=False)),
    )


def resources_dir() -> Path:
    override = os.environ.get(RESOURCES_ENV)
    if override:
        return Path(override)
    return Path(__file__).resolve().parents[2] / "resources"
