"""library.db: the workout library cache — bundled, imported and synced workouts.

It only holds what can be rebuilt (bundled files, the rider's imports are copied in as
content, the next sync refills the rest), so a corrupt file is moved aside and rebuilt,
never a reason not to start. Listing and search run on metadata held in memory; a workout
is parsed from its stored content only when a screen or a ride asks for it.
"""

from __future__ import annotations

import hashlib
import logging
import sqlite3
import threading
import time
from pathlib import Path

from app.core.workouts.catalog import CatalogEntry, entry_for, search, search_text_of
from app.core.workouts.formats import READABLE_EXTENSIONS, extension_of, read_workout
from app.core.workouts.model import Workout, WorkoutFormatError

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1
SCHEMA = """
CREATE TABLE IF NOT EXISTS workouts (
    id TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    name TEXT NOT NULL,
    category TEXT NOT NULL,
    description TEXT NOT NULL,
    tags TEXT NOT NULL,
    duration_s REAL NOT NULL, tss REAL NOT NULL, intensity_factor REAL NOT NULL,
    z1 REAL, z2 REAL, z3 REAL, z4 REAL, z5 REAL, z6 REAL, z7 REAL,
    format TEXT NOT NULL,
    content BLOB NOT NULL,
    content_sha256 TEXT NOT NULL,
    favourite INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS workouts_by_hash ON workouts(content_sha256);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""
_COLUMNS = (
    "id, source, name, category, description, tags, duration_s, tss, intensity_factor, "
    "z1, z2, z3, z4, z5, z6, z7, favourite"
)
_TAG_SEP = "\x1f"


def content_key(data: bytes) -> str:
    """Duplicates are recognised by content, whatever the file is called."""
    return hashlib.sha256(data).hexdigest()


def folder_signature(folder: Path) -> str:
    """Changes when any workout file in the folder is added, removed or rewritten."""
    digest = hashlib.sha256()
    for path in sorted(folder.iterdir()) if folder.is_dir() else []:
        if path.suffix.lower() in READABLE_EXTENSIONS:
            stat = path.stat()
            digest.update(f"{path.name}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


class LibraryStore:
    def __init__(self, path: Path, bundled_dir: Path) -> None:
        self.path = path
        self.bundled_dir = bundled_dir
        self.errors: list[str] = []  # bundled files that did not parse
        self.recovered_from: Path | None = None  # where a corrupt cache was moved
        self._lock = threading.Lock()
        self._conn = self._open()
        self._workouts: dict[str, Workout] = {}
        self._entries: list[CatalogEntry] = []
        self._by_id: dict[str, CatalogEntry] = {}
        self.sync_bundled()
        self._reload()

    # -- opening, and surviving a corrupt cache ---------------------------------------------
    def _open(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            return self._connect()
        except sqlite3.DatabaseError as exc:
            self.recovered_from = self._move_aside(exc)
            return self._connect()

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.executescript(SCHEMA)
            version = conn.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
            if version is not None and int(version[0]) != SCHEMA_VERSION:
                raise sqlite3.DatabaseError(f"schema {version[0]}, expected {SCHEMA_VERSION}")
            conn.execute("INSERT OR REPLACE INTO meta VALUES ('schema', ?)", (str(SCHEMA_VERSION),))
            conn.execute("SELECT COUNT(*) FROM workouts").fetchone()
        except (sqlite3.DatabaseError, ValueError):
            conn.close()
            raise
        return conn

    def _move_aside(self, exc: Exception) -> Path:
        aside = self.path.with_name(f"{self.path.name}.corrupt-{time.strftime('%Y%m%dT%H%M%S')}")
        log.warning("library cache %s unreadable (%s): moved to %s", self.path, exc, aside)
        for suffix in ("", "-wal", "-shm"):
            part = Path(f"{self.path}{suffix}")
            if part.exists():
                part.rename(f"{aside}{suffix}")
        return aside

    # -- bundled workouts ---------------------------------------------------------------------
    def sync_bundled(self) -> None:
        """Re-read the bundled folder only when it changed since the last launch."""
        signature = folder_signature(self.bundled_dir)
        with self._lock:
            stored = self._conn.execute("SELECT value FROM meta WHERE key='bundled'").fetchone()
        if stored is not None and stored[0] == signature:
            return
        rows = []
        for path in sorted(self.bundled_dir.iterdir()) if self.bundled_dir.is_dir() else []:
            if path.suffix.lower() not in READABLE_EXTENSIONS:
                continue
            data = path.read_bytes()
            try:
                workout = read_workout(data, path.name)
            except WorkoutFormatError as exc:
                self.errors.append(str(exc))
                continue
            rows.append(_row(f"bundled:{path.stem}", "bundled", workout, data, path.name))
        with self._lock:
            self._conn.execute("BEGIN")
            self._conn.execute("DELETE FROM workouts WHERE source='bundled'")
            self._conn.executemany(_INSERT, rows)
            self._conn.execute("INSERT OR REPLACE INTO meta VALUES ('bundled', ?)", (signature,))
            self._conn.execute("COMMIT")

    # -- reading ----------------------------------------------------------------------------------
    def _reload(self) -> None:
        with self._lock:
            rows = self._conn.execute(f"SELECT {_COLUMNS} FROM workouts").fetchall()
        entries = [self._entry(row) for row in rows]
        entries.sort(key=lambda e: e.name.casefold())
        self._entries = entries
        self._by_id = {e.id: e for e in entries}

    def _entry(self, row: tuple[object, ...]) -> CatalogEntry:
        entry_id, source, name, category, description, tags_text = row[:6]
        tags = tuple(str(tags_text).split(_TAG_SEP)) if tags_text else ()
        return CatalogEntry(
            id=str(entry_id),
            name=str(name),
            source=str(source),
            duration_s=float(row[6]),  # type: ignore[arg-type]
            tss=float(row[7]),  # type: ignore[arg-type]
            intensity_factor=float(row[8]),  # type: ignore[arg-type]
            loader=lambda: self.workout(str(entry_id)),
            category=str(category),
            description=str(description),
            tags=tags,
            zone_time_s=tuple(float(z or 0) for z in row[9:16]),  # type: ignore[arg-type]
            favourite=bool(row[16]),
            search_text=search_text_of(str(name), str(category), tags, str(description)),
        )

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

    def workout(self, entry_id: str) -> Workout:
        cached = self._workouts.get(entry_id)
        if cached is not None:
            return cached
        with self._lock:
            row = self._conn.execute(
                "SELECT format, content FROM workouts WHERE id=?", (entry_id,)
            ).fetchone()
        if row is None:
            raise KeyError(entry_id)
        workout = read_workout(bytes(row[1]), f"{entry_id}{row[0]}")
        self._workouts[entry_id] = workout
        return workout

    def close(self) -> None:
        with self._lock:
            self._conn.close()


_INSERT = (
    "INSERT OR REPLACE INTO workouts (id, source, name, category, description, tags, "
    "duration_s, tss, intensity_factor, z1, z2, z3, z4, z5, z6, z7, format, content, "
    "content_sha256) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
)


def _row(
    entry_id: str, source: str, workout: Workout, data: bytes, filename: str
) -> tuple[object, ...]:
    entry = entry_for(workout, entry_id, source)
    zones = list(entry.zone_time_s) + [0.0] * (7 - len(entry.zone_time_s))
    return (
        entry_id, source, workout.name, workout.category, workout.description,
        _TAG_SEP.join(workout.tags), entry.duration_s, entry.tss, entry.intensity_factor,
        *zones[:7], extension_of(filename), data, content_key(data),
    )  # fmt: skip
