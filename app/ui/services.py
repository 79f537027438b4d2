"""What the desktop UI needs from the rest of the program, filled in by the composition root.

The UI never builds these itself: `app.main` wires the library (whatever store backs it),
the ride controller (device loop, trainer, clock, journal sinks) and the rider's settings,
and hands them over in one `GuiServices`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:  # not needed at run time: keeps asyncio & co. off the start-up path
    from collections.abc import Callable

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


class WorkoutLibrary(Protocol):
    """The workout library as the UI sees it. Both calls run on the UI thread and must be
    fast (an in-memory list or an indexed cache): `search` runs on every keystroke."""

    def entries(self) -> list[CatalogEntry]: ...

    def search(self, query: str) -> list[CatalogEntry]: ...


@dataclass
class GuiServices:
    library: WorkoutLibrary
    rides: RideStarter
    ftp_w: float
    trainer_name: str = "Trainer"
    status_text: str = ""
    # called once, soon after the window first shows: warm up what the first ride needs
    after_ready: Callable[[], None] | None = None
