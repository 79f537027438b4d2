"""The settings screen: one module per section (rider, zones, ERG, ride and ride screen,
sync, data), the ride screen's tile picker, and the page that assembles, validates,
applies and reverts them."""

from app.ui.views.settings.page import SettingsView

__all__ = ["SettingsView"]
