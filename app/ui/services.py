"""Everything the desktop UI gets from the rest of the program, in one typed bundle.

The UI never builds these itself: the composition root (`app.compose.gui`) fills every
field with an adapter over the stores, the ride stack, the sync worker and Bluetooth; the
Protocols live in `app.ui.ports`. A port left None hides what needs it (its screen, its
button), e.g. in tests of the library alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: keeps the ports' imports off the start-up path
    from collections.abc import Callable
    from pathlib import Path

    from app.ui.ports.calendar import CalendarSource
    from app.ui.ports.devices import DevicesPort
    from app.ui.ports.history import InterruptedRidesPort, RideExporter, RideHistoryPort
    from app.ui.ports.library import RideStarter, WorkoutExporter, WorkoutLibrary
    from app.ui.ports.settings import SettingsPort
    from app.ui.ports.sync import SyncControl, TodaySource

__all__ = ["GuiServices"]


@dataclass
class GuiServices:
    library: WorkoutLibrary
    rides: RideStarter
    ftp_w: float
    trainer_name: str = "Trainer"
    status_text: str = ""
    # called once, soon after the window first shows: warm up what the first ride needs
    after_ready: Callable[[], None] | None = None
    export_workout: WorkoutExporter | None = None
    history: RideHistoryPort | None = None
    export_ride: RideExporter | None = None
    interrupted: InterruptedRidesPort | None = None
    sync: SyncControl | None = None
    todays_workout: TodaySource | None = None
    settings: SettingsPort | None = None
    devices: DevicesPort | None = None
    default_server_url: str = ""
    calendar: CalendarSource | None = None
    # (out) -> file count: writes the redacted bug-report zip; on a worker thread
    diagnostics: Callable[[Path], int] | None = None
    about: Callable[[], str] | None = None  # the About box's text (rich text)
    cache_dir: Path | None = None  # for the synthesized sound cues
    # given the window's notice function once it is up: unexpected errors on any thread
    # are then shown as a non-modal notice (the ride carries on)
    crash_hook: Callable[[Callable[[str], None]], None] | None = None
