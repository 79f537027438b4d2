"""The Calendar screen's source (app/ui/calendar_ports.py) over the library cache.

Part of the composition root. The calendar rows come from library.db (the sync worker
writes them); each row's workout is looked up as today's card does it
(`gui_ports.todays_workout_source`): the synced entry first, else any entry whose id, file
stem or name matches. A row whose workout is not in the library is still listed, without
an entry to ride. Nothing here touches the network.
"""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from app.ui.ports.calendar import MISSING_WORKOUT_NAME, PlannedWorkout

__all__ = ["LibraryCalendar", "calendar_source"]

log = logging.getLogger(__name__)


class LibraryCalendar:
    """`CalendarSource` over a LibraryStore (its `calendar`, `get` and `find`)."""

    def __init__(self, library: Any) -> None:
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
        entry = self.library.get(f"synced:{workout_id}") or self.library.find(workout_id)
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


def calendar_source(library: Any) -> LibraryCalendar:
    """The Calendar screen's source over `library` (a LibraryStore)."""
    return LibraryCalendar(library)
