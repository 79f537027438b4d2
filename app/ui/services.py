"""What the desktop UI needs from the rest of the program, filled in by the composition root.

The UI never builds these itself: `app.main` wires the library (whatever store backs it),
the ride controller (device loop, trainer, clock, journal sinks) and the rider's settings,
and hands them over in one `GuiServices`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:  # not needed at run time: keeps asyncio & co. off the start-up path
    from collections.abc import Callable, Sequence
    from pathlib import Path

    from app.core.workouts.catalog import CatalogEntry
    from app.core.workouts.model import Workout
    from app.runtime.ride_control import RideHandle
    from app.runtime.ride_runner import RideObserver


class RideStarter(Protocol):
    """Starts rides: a RideController, or a stand-in that builds one on first use."""

    def start(
        self,
        workout: Workout,
        *,
        ftp_w: float,
        intensity_pct: int = 100,
        observers: list[RideObserver] | None = None,
    ) -> RideHandle: ...


class ImportReport(Protocol):
    """What an import did: the entries it added, the files it skipped as duplicates
    `(path, id already in the library)` and the files it could not read `(path, why)`."""

    @property
    def added(self) -> Sequence[CatalogEntry]: ...

    @property
    def duplicates(self) -> Sequence[tuple[str, str]]: ...

    @property
    def errors(self) -> Sequence[tuple[str, str]]: ...


class WorkoutLibrary(Protocol):
    """The workout library as the UI sees it.

    `entries`, `search` and `set_favourite` run on the UI thread and must be fast (an
    in-memory list or an indexed cache); the browser filters `entries()` with
    `catalog.query` on every keystroke. `import_paths` reads files and may take seconds:
    the UI calls it on a worker thread, so it must be thread-safe.
    """

    def entries(self) -> list[CatalogEntry]: ...

    def search(self, query: str) -> list[CatalogEntry]: ...

    def set_favourite(self, entry_id: str, favourite: bool) -> CatalogEntry: ...

    def import_paths(self, paths: list[Path]) -> ImportReport: ...


@dataclass
class GuiServices:
    library: WorkoutLibrary
    rides: RideStarter
    ftp_w: float
    trainer_name: str = "Trainer"
    status_text: str = ""
    # called once, soon after the window first shows: warm up what the first ride needs
    after_ready: Callable[[], None] | None = None
    # the rest of the app; None hides the screen (e.g. in tests of the library alone)
    history: Any = None  # history_ports.RideHistoryPort
    export_ride: Any = None  # history_ports.RideExporter
    interrupted: Any = None  # InterruptedRidesPort: interrupted() / save / discard / starter
    sync: Any = None  # sync_ports.SyncControl
    todays_workout: Any = None  # sync_ports.TodaySource
    settings: Any = None  # settings_ports.SettingsPort
    devices: Any = None  # settings_ports.DevicesPort
    default_server_url: str = ""
    calendar: Any = None  # calendar_ports.CalendarSource: planned workouts from the cache
    diagnostics: Any = None  # (out: Path) -> file count: writes the redacted bug-report zip
    about: Callable[[], str] | None = None  # the About box's text (rich text)
    cache_dir: Path | None = None  # for the synthesized sound cues
    # given the window's notice function once it is up: unexpected errors on any thread
    # are then shown as a non-modal notice (the ride carries on)
    crash_hook: Any = None
