"""Write an exported file so a reader never sees half of it, even after a crash."""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

__all__ = ["write_atomic"]


def write_atomic(path: Path, data: bytes, *, create_folder: bool = True) -> None:
    """Write `data` to `path` atomically: a temp file in the same folder, written, flushed
    and fsynced, renamed over `path` (os.replace), then the folder fsynced so the rename
    itself survives a power cut. On any error the temp file is removed and `path` is left
    as it was. The folder is created if needed (unless `create_folder` is False: a file
    the rider placed must go where they chose, or fail). A file written over keeps its
    permissions; a new one gets the usual umask mode."""
    path = Path(path)
    folder = path.parent
    if create_folder:
        folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / f".{path.name}.{secrets.token_hex(4)}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    try:
        _keep_mode_of(path, fd)
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_folder(folder)


def _keep_mode_of(path: Path, fd: int) -> None:
    try:
        mode = path.stat().st_mode & 0o777
    except OSError:
        return  # a new file
    if hasattr(os, "fchmod"):  # not on Windows
        os.fchmod(fd, mode)


def _fsync_folder(folder: Path) -> None:
    if os.name != "posix":  # Windows cannot open a folder; NTFS journals the rename
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
