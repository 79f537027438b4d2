"""The planned workouts, from the cached calendar and the library: the Calendar screen's
`CalendarSource` and the library's "today" card. Nothing here touches the network.

A calendar row's workout is the synced entry first, else any entry whose id, file stem or
name matches; a row whose workout is not in the library is still listed, without an
entry to ride.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.core.workouts.catalog import CatalogEntry
    from app.infra.store.library_db import LibraryStore
    from app.ui.ports.calendar import PlannedWorkout
    from app.ui.ports.sync import TodayWorkout

__all__ = ["LibraryCalendar", "todays_workout_source"]

log = logging.getLogger(__name__)

AHEAD_DAYS = 28


def _planned_entry(library: LibraryStore, workout_id: str) -> CatalogEntry | None:
    return library.get(f"synced:{workout_id}") or library.find(workout_id)


class LibraryCalendar:
    """`CalendarSource` over a LibraryStore (its `calendar`, `get` and `find`)."""

    def __init__(self, library: LibraryStore) -> None:
        self.library = library

    def planned(self, first: date, last: date) -> list[PlannedWorkout]:
        rows = self.library.calendar(first.isoformat(), last.isoformat())
        planned = []
        for day_text, workout_id, note in rows:
            try:
                day = date.fromisoformat(day_text)
            except ValueError:
                log.warning("calendar row with a bad date skipped: %r", day_text)
                continue
            planned.append(self._planned(day, workout_id, note))
        planned.sort(key=lambda p: p.day)  # stable: a day's workouts keep the cache's order
        return planned

    def _planned(self, day: date, workout_id: str, note: str | None) -> PlannedWorkout:
        from app.ui.ports.calendar import MISSING_WORKOUT_NAME, PlannedWorkout

        entry = _planned_entry(self.library, workout_id)
        note_text = (note or "").strip()
        if entry is None:
            return PlannedWorkout(day, None, MISSING_WORKOUT_NAME, note=note_text)
        return PlannedWorkout(
            day=day,
            workout_id=entry.id,
            name=entry.name,
            duration_s=entry.duration_s,
            tss=entry.tss,
            note=note_text,
        )


def todays_workout_source(
    library: LibraryStore, rides_db: Callable[[], Path]
) -> Callable[[], TodayWorkout | None]:
    """Today's workout from the cached calendar; else the next planned; else the last
    ridden. Works offline: everything comes from the caches."""

    def today() -> TodayWorkout | None:
        from app.ui.ports.sync import TodayWorkout

        first = date.today()
        last = first + timedelta(days=AHEAD_DAYS)
        for day, workout_id, note in library.calendar(first.isoformat(), last.isoformat()):
            entry = _planned_entry(library, workout_id)
            if entry is None:
                continue
            return TodayWorkout(
                title="Today" if day == first.isoformat() else "Next planned",
                workout_id=entry.id,
                workout_name=entry.name,
                duration_s=entry.duration_s,
                date=date.fromisoformat(day),
                note=note or "",
            )
        return _last_ridden(library, rides_db())

    return today


def _last_ridden(library: LibraryStore, rides_db: Path) -> TodayWorkout | None:
    from app.services.rides import list_rides
    from app.ui.ports.sync import TodayWorkout

    if not rides_db.exists():
        return None
    for record in reversed(list_rides(rides_db)):
        entry = library.find(record.workout_name) if record.state == "complete" else None
        if entry is not None:
            return TodayWorkout(
                title="Last ridden",
                workout_id=entry.id,
                workout_name=entry.name,
                duration_s=entry.duration_s,
                date=date.today(),
                note="",
            )
    return None
