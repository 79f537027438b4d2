"""Library entries: what the library lists, filters and searches, without the workout.

A library of thousands lists and searches metadata only; the workout itself is parsed
when a screen or a ride needs it, through the entry's loader.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from app.core.workouts.metrics import compute_metrics
from app.core.workouts.model import Workout
from app.core.workouts.profile import ProfileSegment, pack_profile, profile_of, unpack_profile

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
    profile_blob: bytes = field(default=b"", repr=False, compare=False)

    @property
    def workout(self) -> Workout:
        return self.loader()

    def profile(self) -> tuple[ProfileSegment, ...]:
        """The shape to draw, without parsing the workout (see profile.py)."""
        return unpack_profile(self.profile_blob)


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
        profile_blob=pack_profile(profile_of(workout, METRICS_FTP_W)),
    )


def search_text_of(name: str, category: str, tags: tuple[str, ...], description: str) -> str:
    return " ".join((name, category, " ".join(tags), description)).casefold()


def matches(entry: CatalogEntry, words: list[str]) -> bool:
    """Every word of the query must appear in the name, category, tags or description."""
    haystack = entry.search_text
    return all(word in haystack for word in words)


def search(entries: list[CatalogEntry], query: str) -> list[CatalogEntry]:
    return _scan(entries, query.casefold().split())


def _scan(entries: list[CatalogEntry], words: list[str]) -> list[CatalogEntry]:
    if not words:
        return list(entries)
    if len(words) == 1:  # the common case, without a call per entry
        word = words[0]
        return [e for e in entries if word in e.search_text]
    return [e for e in entries if all(w in e.search_text for w in words)]


class IncrementalSearch:
    """Search-as-you-type. A query that extends the previous one ("swe" -> "swee",
    "sweet" -> "sweet s") can only match a subset of what the previous one matched, so
    only those entries are scanned again."""

    def __init__(self, entries: list[CatalogEntry]) -> None:
        self.entries = entries
        self._last_query = ""
        self._last: list[CatalogEntry] = entries

    def __call__(self, query: str) -> list[CatalogEntry]:
        normal = " ".join(query.casefold().split())
        narrowing = bool(self._last_query) and normal.startswith(self._last_query)
        found = _scan(self._last if narrowing else self.entries, normal.split())
        self._last_query, self._last = normal, found
        return found


class SortKey(StrEnum):
    NAME = "name"
    DURATION = "duration"
    TSS = "tss"
    INTENSITY = "if"
    CATEGORY = "category"


_SORT_KEYS: dict[SortKey, Callable[[CatalogEntry], Any]] = {
    SortKey.NAME: lambda e: e.name.casefold(),
    SortKey.DURATION: lambda e: (e.duration_s, e.name.casefold()),
    SortKey.TSS: lambda e: (e.tss, e.name.casefold()),
    SortKey.INTENSITY: lambda e: (e.intensity_factor, e.name.casefold()),
    SortKey.CATEGORY: lambda e: (e.category.casefold(), e.name.casefold()),
}


@dataclass(frozen=True, slots=True)
class LibraryFilter:
    """What the library browser (and `freewheel library list`) narrows the list by.
    Empty sets and None bounds mean "any"."""

    text: str = ""
    min_duration_s: float | None = None
    max_duration_s: float | None = None
    min_tss: float | None = None
    max_tss: float | None = None
    categories: frozenset[str] = frozenset()  # compared case-insensitively
    zones: frozenset[int] = frozenset()  # main zone, see main_zone()
    sources: frozenset[str] = frozenset()
    favourites_only: bool = False


def main_zone(entry: CatalogEntry) -> int | None:
    """The zone a workout trains: where it spends most time above zone 1 (warm-ups and
    recoveries are zone 1 in nearly every workout); zone 1 only for recovery rides."""
    zones = entry.zone_time_s
    if not zones or not any(zones):
        return None
    above = max(range(1, len(zones)), key=lambda i: zones[i], default=0)
    return above + 1 if zones[above] > 0 else 1


def _within(value: float, low: float | None, high: float | None) -> bool:
    return (low is None or value >= low) and (high is None or value <= high)


def _keep(entry: CatalogEntry, f: LibraryFilter, categories: frozenset[str]) -> bool:
    return (
        _within(entry.duration_s, f.min_duration_s, f.max_duration_s)
        and _within(entry.tss, f.min_tss, f.max_tss)
        and (not categories or entry.category.casefold() in categories)
        and (not f.sources or entry.source in f.sources)
        and (not f.favourites_only or entry.favourite)
        and (not f.zones or main_zone(entry) in f.zones)
    )


def query(
    entries: list[CatalogEntry],
    f: LibraryFilter,
    sort: SortKey = SortKey.NAME,
    descending: bool = False,
    searcher: Callable[[str], list[CatalogEntry]] | None = None,
) -> list[CatalogEntry]:
    """Search, filter and sort; `entries` are expected in name order already. Pass an
    IncrementalSearch over the same entries for search-as-you-type."""
    found = list(searcher(f.text)) if searcher is not None else search(entries, f.text)
    if f != LibraryFilter(text=f.text):
        categories = frozenset(c.casefold() for c in f.categories)
        found = [e for e in found if _keep(e, f, categories)]
    if sort is not SortKey.NAME or descending:
        found.sort(key=_SORT_KEYS[sort], reverse=descending)
    return found
