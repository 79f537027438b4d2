"""One writer per data folder: the app and a headless ride or sync claim it first."""

from __future__ import annotations

from app.infra.folder_lock import FolderInUse, FolderLock
from app.infra.paths import AppPaths

__all__ = ["FolderInUse", "claim_data_folder"]


def claim_data_folder(paths: AppPaths) -> FolderLock:
    """Held until released (or the process ends). Raises FolderInUse, whose message is
    the one line to show: "the data folder … is in use by PID …"."""
    return FolderLock(paths.data_dir).acquire()
