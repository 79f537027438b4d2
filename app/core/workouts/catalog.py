"""Library entries: what the library lists, filters and searches, without the workout.

A library of thousands lists and searches metadata only; the workout itself is parsed
when a screen or a ride needs it, through the entry's loader.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from app.core.workouts.metrics import compute_metrics
from app.core.workouts.model import Workout

METRICS_FTP_W = 250.0  # IF, TSS and zones of FTP-relative workouts do not depend on FTP


@dataclass(frozen=True, slots=True)
class CatalogEntry:
    id: str  # stable across launches, e.g. "bundled:sweet-spot-3x15"
    name: str
    source: str  # "bundled" | "imported" | "synced"
    duration_s: float
    tss: float
    intensity_factor: float
    loader: Callable[[], Workout] = field(compare=False, repr=False)
    category: str = ""
    description: str = ""
    tags: tuple[str, ...] = ()
    zone_time_s: tuple[float, ...] = ()  # seconds in power zones 1..7
    favourite: bool = False
    search_text: str = field(default="", repr=False, compare=False)

    @property
    def workout(self) -> Workout:
        return self.loader()


def entry_for(
    workout: Workout,
    entry_id: str,
    source: str,
    loader: Callable[[], Workout] | None = None,
    *,
    favourite: bool = False,
) -> CatalogEntry:
    """An entry with metrics computed from the workout's targets."""
    metrics = compute_metrics(workout, METRICS_FTP_W)
    return CatalogEntry(
        id=entry_id,
        name=workout.name,
        source=source,
        duration_s=metrics.duration_s,
        tss=metrics.tss,
        intensity_factor=metrics.intensity_factor,
        loader=loader or (lambda: workout),
        category=workout.category,
        description=workout.description,
        tags=workout.tags,
        zone_time_s=metrics.time_in_zone_s,
        favourite=favourite,
        search_text=search_text_of(
            workout.name, workout.category, workout.tags, workout.description
        ),
    )


def search_text_of(name: str, category: str, tags: tuple[str, ...], description: str) -> str:
    return " ".join((name, category, " ".join(tags), description)).casefold()


def matches(entry: CatalogEntry, words: list[str]) -> bool:
    """Every word of the query must appear in the name, category, tags or description."""
    haystack = entry.search_text
    return all(word in haystack for word in words)


def search(entries: list[CatalogEntry], query: str) -> list[CatalogEntry]:
    words = query.casefold().split()
    if not words:
        return list(entries)
    return [e for e in entries if matches(e, words)]
