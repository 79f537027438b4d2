"""Commands that write the data folder hold it while they run (one writer per folder)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from app.cli.exits import CommandFailed

if TYPE_CHECKING:
    from app.infra.paths import AppPaths


@contextmanager
def claimed(paths: AppPaths) -> Iterator[None]:
    """Raises CommandFailed ("the data folder … is in use by PID …") when another
    Freewheel process holds it."""
    from app.services.data_folder import FolderInUse, claim_data_folder

    try:
        lock = claim_data_folder(paths)
    except FolderInUse as exc:
        raise CommandFailed(str(exc)) from None
    with lock:
        yield
