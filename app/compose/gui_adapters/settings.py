"""`SettingsPort` over settings.json and the sync settings kept in it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.core.settings import RiderSettings
    from app.infra.paths import AppPaths

__all__ = ["SettingsFile"]


class SettingsFile:
    def __init__(self, paths: AppPaths, keyring_state: Callable[[], str]) -> None:
        self.paths = paths
        self._keyring_state = keyring_state

    def load(self) -> tuple[RiderSettings, list[str]]:
        from app.infra.settings_store import load_settings

        return load_settings(self.paths.settings_file)

    def save(self, settings: RiderSettings) -> None:
        from app.infra.settings_store import save_settings

        save_settings(self.paths.settings_file, settings)

    @property
    def data_folder(self) -> Path:
        return self.paths.data_dir

    @property
    def keyring_state(self) -> str:
        return self._keyring_state()

    @property
    def server_url(self) -> str | None:
        from app.infra.sync_store import load_sync_settings

        return load_sync_settings(self.paths.settings_file).server_url

    @property
    def status_page_url(self) -> str | None:
        from app.infra.sync_store import load_sync_settings

        return load_sync_settings(self.paths.settings_file).status_url

    def set_urls(self, server_url: str | None, status_page_url: str | None) -> None:
        from app.infra.sync_store import update_sync_settings

        update_sync_settings(
            self.paths.settings_file, server_url=server_url, status_url=status_page_url
        )
