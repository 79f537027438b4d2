"""The settings screen (moving here from app.ui.views.settings_view)."""

from app.ui.views.settings_view import SettingsView

__all__ = ["SettingsView"]
