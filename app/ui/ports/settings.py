"""What the settings and welcome screens need from the rest of the program.

The composition root fills it in (the UI never imports app.infra): a `SettingsPort` over
settings.json, the sync settings and the keystore.

Threading: every method runs on the UI thread and must return quickly.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from app.core.settings import RiderSettings

__all__ = ["SettingsPort"]


class SettingsPort(Protocol):
    """The rider's settings file plus the read-only facts the settings screen shows.

    `load()` never raises: a bad value falls back to its default and comes back as a
    plain-words problem. `save()` writes atomically and raises OSError when it cannot.
    """

    def load(self) -> tuple[RiderSettings, list[str]]: ...

    def save(self, settings: RiderSettings) -> None: ...

    @property
    def data_folder(self) -> Path: ...

    @property
    def keyring_state(self) -> str:
        """Where the sign-in token lives: "OS keyring", "memory only this session" or
        "plaintext file (opted in)"."""
        ...

    @property
    def server_url(self) -> str | None: ...

    @property
    def status_page_url(self) -> str | None: ...

    def set_urls(self, server_url: str | None, status_page_url: str | None) -> None:
        """Store the sync server and status page addresses (None = not set); may raise
        OSError."""
        ...
