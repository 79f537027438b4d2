"""What the Calendar screen needs from the rest of the program: the planned workouts.

The composition root fills `CalendarSource` in from the cached calendar and the library
(`app.compose.gui_adapters.calendar.LibraryCalendar`); the UI never imports app.infra. Everything
comes from caches on this computer, so the screen works offline.

Threading: `planned()` runs on the UI thread and must return quickly (one small SQLite
query and in-memory look-ups). It may raise; the screen then says so inline.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Protocol

__all__ = ["MISSING_WORKOUT_NAME", "CalendarSource", "PlannedWorkout"]

MISSING_WORKOUT_NAME = "Workout not in the library yet"


@dataclass(frozen=True, slots=True)
class PlannedWorkout:
    """One workout on the plan. `workout_id` is the library entry to ride, or None when the
    workout is not in the library on this computer (yet): it is listed, not rideable."""

    day: date
    workout_id: str | None
    name: str
    duration_s: float | None = None
    tss: float | None = None
    note: str = ""

    @property
    def rideable(self) -> bool:
        return self.workout_id is not None


class CalendarSource(Protocol):
    def planned(self, first: date, last: date) -> list[PlannedWorkout]:
        """The planned workouts from `first` to `last` (both included), by day."""
        ...
