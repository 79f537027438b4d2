"""The workout library held in memory, loaded from folders of workout files.

The bundled library ships with the app and needs no database, account or network: it is
what a rider sees on the very first launch, offline.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from app.core.workouts.catalog import CatalogEntry, search, with_search_text
from app.core.workouts.formats import READABLE_EXTENSIONS, read_workout
from app.core.workouts.metrics import compute_metrics
from app.core.workouts.model import Workout, WorkoutFormatError

log = logging.getLogger(__name__)

METRICS_FTP_W = 250.0  # IF and TSS do not depend on FTP for FTP-relative workouts


@dataclass
class LoadReport:
    entries: list[CatalogEntry] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def entry_for(workout: Workout, entry_id: str, source: str) -> CatalogEntry:
    metrics = compute_metrics(workout, METRICS_FTP_W)
    return with_search_text(
        CatalogEntry(
            id=entry_id,
            workout=workout,
            source=source,
            duration_s=metrics.duration_s,
            tss=metrics.tss,
            intensity_factor=metrics.intensity_factor,
            zone_time_s=tuple(metrics.time_in_zone_s),
        )
    )


def load_folder(folder: Path, source: str = "bundled") -> LoadReport:
    report = LoadReport()
    for path in sorted(folder.iterdir()) if folder.is_dir() else []:
        if path.suffix.lower() not in READABLE_EXTENSIONS:
            continue
        try:
            workout = read_workout(path.read_bytes(), path.name)
        except (OSError, WorkoutFormatError) as exc:
            log.warning("skipping workout %s: %s", path, exc)
            report.errors.append(str(exc))
            continue
        report.entries.append(entry_for(workout, f"{source}:{path.stem}", source))
    return report


class MemoryLibrary:
    def __init__(self, entries: list[CatalogEntry]) -> None:
        self._entries = sorted(entries, key=lambda e: e.name.casefold())
        self._by_id = {e.id: e for e in self._entries}

    def entries(self) -> list[CatalogEntry]:
        return list(self._entries)

    def search(self, query: str) -> list[CatalogEntry]:
        return search(self._entries, query)

    def get(self, entry_id: str) -> CatalogEntry | None:
        return self._by_id.get(entry_id)

    def find(self, name_or_id: str) -> CatalogEntry | None:
        """By id, by file stem (`sweet-spot-3x15`) or by exact name, case-insensitive."""
        wanted = name_or_id.casefold()
        for entry in self._entries:
            stem = entry.id.split(":", 1)[-1]
            if wanted in (entry.id.casefold(), stem.casefold(), entry.name.casefold()):
                return entry
        return None
