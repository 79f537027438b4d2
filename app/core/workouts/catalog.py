"""Library entries: a workout plus what the library shows and searches about it."""

from __future__ import annotations

from dataclasses import dataclass, field

from app.core.workouts.model import Workout


@dataclass(frozen=True, slots=True)
class CatalogEntry:
    id: str  # stable across launches, e.g. "bundled:sweet-spot-3x15"
    workout: Workout
    source: str  # "bundled" | "imported" | "synced"
    duration_s: float
    tss: float
    intensity_factor: float
    zone_time_s: tuple[float, ...] = ()  # seconds in power zones 1..7
    favourite: bool = False
    search_text: str = field(default="", repr=False, compare=False)

    @property
    def name(self) -> str:
        return self.workout.name

    @property
    def category(self) -> str:
        return self.workout.category

    @property
    def description(self) -> str:
        return self.workout.description


def matches(entry: CatalogEntry, query: str) -> bool:
    """Every word of the query must appear in the name, category, tags or description."""
    haystack = entry.search_text or _text_of(entry)
    return all(word in haystack for word in query.casefold().split())


def search(entries: list[CatalogEntry], query: str) -> list[CatalogEntry]:
    if not query.strip():
        return list(entries)
    return [e for e in entries if matches(e, query)]


def _text_of(entry: CatalogEntry) -> str:
    w = entry.workout
    return " ".join((w.name, w.category, " ".join(w.tags), w.description)).casefold()


def with_search_text(entry: CatalogEntry) -> CatalogEntry:
    from dataclasses import replace

    return replace(entry, search_text=_text_of(entry))
