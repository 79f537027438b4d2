"""One writer per data folder: an advisory lock on `<data folder>/.freewheel.lock`.

The lock is `flock` on an open file, so the kernel drops it when the holder exits,
however it exits: a lock file left by a killed process is simply taken over (its PID is
only there to name the holder in the message). Each `FolderLock` opens the file itself,
so two holders in one process exclude each other too.
"""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path
from types import TracebackType

__all__ = ["LOCK_FILE_NAME", "FolderInUse", "FolderLock"]

LOCK_FILE_NAME = ".freewheel.lock"


class FolderInUse(Exception):
    """Another Freewheel process writes to this data folder."""

    def __init__(self, folder: Path, pid: int | None) -> None:
        holder = f"PID {pid}" if pid is not None else "another Freewheel process"
        super().__init__(f"the data folder {folder} is in use by {holder}")
        self.folder = folder
        self.pid = pid


class FolderLock:
    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.path = self.folder / LOCK_FILE_NAME
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> FolderLock:
        """Raises FolderInUse when another holder has it; idempotent for this one."""
        if self._fd is not None:
            return self
        self.folder.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            _lock_exclusively(fd)
        except BlockingIOError:
            pid = _read_pid(fd)
            os.close(fd)
            raise FolderInUse(self.folder, pid) from None
        except BaseException:
            os.close(fd)
            raise
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._fd = fd
        return self

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is not None:
            with contextlib.suppress(OSError):
                os.ftruncate(fd, 0)
            os.close(fd)  # closing drops the lock

    def __enter__(self) -> FolderLock:
        return self.acquire()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.release()


def _lock_exclusively(fd: int) -> None:
    """Raises BlockingIOError when held elsewhere."""
    if sys.platform == "win32":  # pragma: no cover - Windows
        import msvcrt

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError as exc:
            raise BlockingIOError(str(exc)) from exc
        return
    import fcntl

    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)


def _read_pid(fd: int) -> int | None:
    try:
        text = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None
