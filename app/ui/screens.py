"""The screens after Library and Ride, declared once: the sidebar, the Ctrl+N shortcuts,
the page building and what each page follows all come from `SCREENS`.

A screen is built on its first visit (its module is imported then, not at start-up).
Each row says when the screen is available (its port is there), how to build its page,
and what the page does when it is shown, when sync reports a status, and when the rider's
settings change. Adding a screen: its view module and one row here (docs/contributing.md).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from PySide6.QtWidgets import QWidget

if TYPE_CHECKING:
    from app.core.settings import RiderSettings
    from app.core.sync.status import SyncStatus
    from app.ui.main_window import MainWindow
    from app.ui.services import GuiServices
    from app.ui.views.calendar import CalendarView
    from app.ui.views.devices import DevicesView
    from app.ui.views.history import HistoryView
    from app.ui.views.settings import SettingsView
    from app.ui.views.status import StatusView

__all__ = ["SCREENS", "Screen"]

P = TypeVar("P", bound=QWidget)


@dataclass(frozen=True, slots=True)
class Screen(Generic[P]):
    name: str  # the sidebar's label; the key of the page
    available: Callable[[GuiServices], bool]
    build: Callable[[MainWindow], P]
    on_show: Callable[[P], None] | None = None
    on_sync_status: Callable[[P, SyncStatus], None] | None = None
    on_settings: Callable[[P, RiderSettings], None] | None = None


def _calendar(window: MainWindow) -> CalendarView:
    from app.ui.views.calendar import CalendarView

    assert window.services.calendar is not None
    view = CalendarView(window.services.calendar)
    view.ride_requested.connect(window.ride_by_id)
    return view


def _history(window: MainWindow) -> HistoryView:
    from app.ui.views.history import HistoryView

    services = window.services
    assert services.history is not None and services.export_ride is not None
    view = HistoryView(services.history, services.export_ride, services.ftp_w)
    view.set_units(window.units())
    return view


def _devices(window: MainWindow) -> DevicesView:
    from app.ui.views.devices import DevicesView

    assert window.services.devices is not None
    return DevicesView(window.services.devices)


def _status(window: MainWindow) -> StatusView:
    from app.ui.views.status import StatusView

    sync = window.services.sync
    assert sync is not None
    view = StatusView(sync, default_server_url=window.services.default_server_url)
    view.set_status(sync.status())
    return view


def _settings(window: MainWindow) -> SettingsView:
    from app.ui.views.settings import SettingsView

    assert window.services.settings is not None
    view = SettingsView(window.services.settings)
    view.settings_changed.connect(window.apply_settings)
    return view


SCREENS: tuple[Screen[Any], ...] = (
    Screen(
        "Calendar",
        available=lambda services: services.calendar is not None,
        build=_calendar,
        on_show=lambda view: view.refresh(),
        on_sync_status=lambda view, _status: view.refresh(),
    ),
    Screen(
        "History",
        available=lambda services: services.history is not None,
        build=_history,
        on_show=lambda view: view.refresh(),
        on_settings=lambda view, settings: view.set_units(str(settings.units)),
    ),
    Screen("Devices", available=lambda services: services.devices is not None, build=_devices),
    Screen(
        "Status",
        available=lambda services: services.sync is not None,
        build=_status,
        on_sync_status=lambda view, status: view.set_status(status),
    ),
    Screen("Settings", available=lambda services: services.settings is not None, build=_settings),
)
