"""library.db: the index of every workout the rider can ride — bundled, imported, synced.

The index is a cache: bundled files ship with the app and imported files are kept as
copies in the data folder, so a corrupt or outdated library.db is moved aside and rebuilt
from them, never a reason not to start. Folders are synced per file (size and mtime), so
a launch re-parses only what changed. Listing and search run on metadata held in memory;
a workout is parsed from its stored content only when a screen or a ride asks for it.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from app.core.workouts.catalog import CatalogEntry, entry_for, search, search_text_of
from app.core.workouts.formats import (
    READABLE_EXTENSIONS,
    extension_of,
    format_for_wire_name,
    read_workout,
)
from app.core.workouts.model import Workout, WorkoutFormatError

log = logging.getLogger(__name__)

SCHEMA_VERSION = 3
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
    profile BLOB NOT NULL,
    format TEXT NOT NULL,
    content BLOB NOT NULL,
    content_sha256 TEXT NOT NULL,
    file_size INTEGER NOT NULL DEFAULT -1,
    file_mtime_ns INTEGER NOT NULL DEFAULT -1
);
CREATE INDEX IF NOT EXISTS workouts_by_hash ON workouts(content_sha256);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS calendar (
    date TEXT NOT NULL,
    workout_id TEXT NOT NULL,
    note TEXT,
    PRIMARY KEY (date, workout_id)
);
"""
_COLUMNS = (
    "id, source, name, category, description, tags, duration_s, tss, intensity_factor, "
    "z1, z2, z3, z4, z5, z6, z7, profile"
)
_INSERT = (
    "INSERT OR REPLACE INTO workouts (id, source, name, category, description, tags, "
    "duration_s, tss, intensity_factor, z1, z2, z3, z4, z5, z6, z7, profile, format, "
    "content, content_sha256, file_size, file_mtime_ns) "
    "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
)
_TAG_SEP = "\x1f"


def content_key(data: bytes) -> str:
    """Duplicates are recognised by content, whatever the file is called."""
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True, slots=True)
class SyncedWorkout:
    """One workout from the server's library page (SYNC_API.md `Workout`)."""

    id: str
    version: int
    name: str
    format: str  # a wire name of app.core.workouts.formats.FORMATS
    content: str
    tags: tuple[str, ...] = ()


@dataclass
class SyncPageReport:
    stored: int = 0
    removed: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (id, why)


def _synced_extension(wire_name: str) -> str:
    """The file extension a synced workout is parsed and stored as; ".unknown" for a format
    the sync contract does not name (read_workout then reports it as skipped)."""
    fmt = format_for_wire_name(wire_name)
    return ".unknown" if fmt is None else fmt.extension


@dataclass
class ImportReport:
    added: list[CatalogEntry] = field(default_factory=list)
    duplicates: list[tuple[str, str]] = field(default_factory=list)  # (path, existing id)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (path, what is wrong)


class LibraryStore:
    def __init__(self, path: Path, bundled_dir: Path, imported_dir: Path) -> None:
        self.path = path
        self.bundled_dir = bundled_dir
        self.imported_dir = imported_dir
        self.errors: list[str] = []  # bundled or imported files that did not parse
        self.recovered_from: Path | None = None  # where a corrupt cache was moved
        self._favourites_file = imported_dir.parent / "favourites.json"
        self._lock = threading.RLock()
        self._conn = self._open()
        self._workouts: dict[str, Workout] = {}
        self._favourites = self._load_favourites()
        self._entries: list[CatalogEntry] = []
        self._by_id: dict[str, CatalogEntry] = {}
        self.sync_folder(bundled_dir, "bundled")
        self.sync_folder(imported_dir, "imported")
        self._reload()

    # -- opening, and surviving a corrupt or outdated cache -------------------------------------
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
            if version is not None and version[0] != str(SCHEMA_VERSION):
                raise sqlite3.DatabaseError(f"schema {version[0]}, expected {SCHEMA_VERSION}")
            conn.execute("INSERT OR REPLACE INTO meta VALUES ('schema', ?)", (str(SCHEMA_VERSION),))
            conn.execute("SELECT COUNT(*) FROM workouts").fetchone()
        except sqlite3.DatabaseError:
            conn.close()
            raise
        return conn

    def _move_aside(self, exc: Exception) -> Path:
        aside = self.path.with_name(f"{self.path.name}.corrupt-{time.strftime('%Y%m%dT%H%M%S')}")
        log.warning("library cache %s unusable (%s): moved to %s", self.path, exc, aside)
        for suffix in ("", "-wal", "-shm"):
            part = Path(f"{self.path}{suffix}")
            if part.exists():
                part.rename(f"{aside}{suffix}")
        return aside

    # -- folders: bundled workouts and the rider's imported copies -------------------------------
    def sync_folder(self, folder: Path, source: str) -> None:
        """Index new or changed files, forget removed ones; unchanged files are not read.
        A folder whose own mtime is as last seen had no file added, removed or renamed;
        then only the per-file check of a small folder is worth its stat() calls."""
        stamp = _folder_stamp(folder)
        with self._lock:
            seen = self._conn.execute(
                "SELECT value FROM meta WHERE key=?", (f"folder:{source}",)
            ).fetchone()
        if seen is not None and seen[0] == stamp and source != "bundled":
            return
        self._sync_files(folder, source)
        with self._lock:
            self._conn.execute(
                "INSERT OR REPLACE INTO meta VALUES (?, ?)", (f"folder:{source}", stamp)
            )

    def _sync_files(self, folder: Path, source: str) -> None:
        on_disk = {p.stem: p for p in _workout_files(folder)}
        with self._lock:
            known = {
                row[0].split(":", 1)[1]: (row[1], row[2])
                for row in self._conn.execute(
                    "SELECT id, file_size, file_mtime_ns FROM workouts WHERE source=?", (source,)
                )
            }
        rows = []
        for stem, path in on_disk.items():
            stat = path.stat()
            if known.get(stem) == (stat.st_size, stat.st_mtime_ns):
                continue
            row = self._row_for_file(path, f"{source}:{stem}", source, stat)
            if row is not None:
                rows.append(row)
        gone = [(f"{source}:{stem}",) for stem in known if stem not in on_disk]
        if rows or gone:
            with self._lock:
                self._conn.execute("BEGIN")
                self._conn.executemany("DELETE FROM workouts WHERE id=?", gone)
                self._conn.executemany(_INSERT, rows)
                self._conn.execute("COMMIT")

    def _row_for_file(
        self, path: Path, entry_id: str, source: str, stat: os.stat_result
    ) -> tuple[object, ...] | None:
        try:
            data = path.read_bytes()
            workout = read_workout(data, path.name)
        except (OSError, WorkoutFormatError) as exc:
            log.warning("skipping workout %s: %s", path, exc)
            self.errors.append(str(exc))
            return None
        return _row(entry_id, source, workout, data, path.name, stat)

    # -- importing ----------------------------------------------------------------------------
    def import_paths(self, paths: Iterable[Path]) -> ImportReport:
        """Copy workout files (and folders of them) into the library. Duplicates by content
        are skipped; a broken file is reported and the rest still come in."""
        report = ImportReport()
        with self._lock:
            seen = {
                row[0]: row[1]
                for row in self._conn.execute("SELECT content_sha256, id FROM workouts")
            }
        rows = []
        self.imported_dir.mkdir(parents=True, exist_ok=True)
        for path in _expand(paths, report):
            row = self._import_one(path, seen, report)
            if row is not None:
                rows.append(row)
        if rows:
            _fsync_dir(self.imported_dir)
            with self._lock:
                self._conn.execute("BEGIN")
                self._conn.executemany(_INSERT, rows)
                self._conn.execute(
                    "INSERT OR REPLACE INTO meta VALUES ('folder:imported', ?)",
                    (_folder_stamp(self.imported_dir),),
                )
                self._conn.execute("COMMIT")
            self._reload()
            report.added = [self._by_id[str(row[0])] for row in rows if str(row[0]) in self._by_id]
        return report

    def _import_one(
        self, path: Path, seen: dict[str, str], report: ImportReport
    ) -> tuple[object, ...] | None:
        try:
            data = path.read_bytes()
        except OSError as exc:
            report.errors.append((str(path), exc.strerror or str(exc)))
            return None
        key = content_key(data)
        if key in seen:
            report.duplicates.append((str(path), seen[key]))
            return None
        try:
            workout = read_workout(data, path.name)
        except WorkoutFormatError as exc:
            report.errors.append((str(path), str(exc)))
            return None
        stem = key[:16]
        copy = self.imported_dir / f"{stem}{extension_of(path.name)}"
        _write_atomic(copy, data)
        seen[key] = f"imported:{stem}"
        return _row(f"imported:{stem}", "imported", workout, data, copy.name, copy.stat())

    # -- synced workouts, calendar and profile (from the sync worker's thread) ------------------
    def sync_cursor(self) -> str | None:
        with self._lock:
            row = self._conn.execute("SELECT value FROM meta WHERE key='sync_cursor'").fetchone()
        return None if row is None else str(row[0])

    def apply_sync_page(
        self, workouts: list[SyncedWorkout], deleted_ids: list[str], cursor: str
    ) -> SyncPageReport:
        """Commit one library page and its cursor together: a crash between pages re-fetches
        at most one page. A workout that does not parse is skipped and reported, never fatal."""
        report = SyncPageReport()
        rows = []
        for item in workouts:
            data = item.content.encode("utf-8")
            try:
                workout = read_workout(data, f"synced{_synced_extension(item.format)}")
            except WorkoutFormatError as exc:
                report.skipped.append((item.id, str(exc)))
                continue
            if item.tags and not workout.tags:
                workout = replace(workout, tags=tuple(item.tags))
            rows.append(_row(f"synced:{item.id}", "synced", workout, data,
                             f"x{_synced_extension(item.format)}", None))  # fmt: skip
        with self._lock:
            self._conn.execute("BEGIN")
            self._conn.executemany(_INSERT, rows)
            self._conn.executemany(
                "DELETE FROM workouts WHERE id=?", [(f"synced:{i}",) for i in deleted_ids]
            )
            self._conn.execute("INSERT OR REPLACE INTO meta VALUES ('sync_cursor', ?)", (cursor,))
            self._conn.execute("COMMIT")
        report.stored = len(rows)
        report.removed = len(deleted_ids)
        changed = [str(row[0]) for row in rows] + [f"synced:{i}" for i in deleted_ids]
        if changed:
            self._refresh(changed)
        return report

    def store_calendar(
        self, first: str, last: str, entries: list[tuple[str, str, str | None]]
    ) -> None:
        """Replace the cached calendar between two ISO dates with (date, workout id, note)."""
        with self._lock:
            self._conn.execute("BEGIN")
            self._conn.execute("DELETE FROM calendar WHERE date BETWEEN ? AND ?", (first, last))
            self._conn.executemany("INSERT OR REPLACE INTO calendar VALUES (?,?,?)", entries)
            self._conn.execute("COMMIT")

    def calendar(self, first: str, last: str) -> list[tuple[str, str, str | None]]:
        with self._lock:
            rows = self._conn.execute(
                "SELECT date, workout_id, note FROM calendar WHERE date BETWEEN ? AND ? "
                "ORDER BY date",
                (first, last),
            ).fetchall()
        return [(str(d), str(w), None if n is None else str(n)) for d, w, n in rows]

    def store_profile(self, profile_json: str) -> None:
        with self._lock:
            self._conn.execute("INSERT OR REPLACE INTO meta VALUES ('profile', ?)", (profile_json,))

    def cached_profile(self) -> str | None:
        with self._lock:
            row = self._conn.execute("SELECT value FROM meta WHERE key='profile'").fetchone()
        return None if row is None else str(row[0])

    # -- favourites (user data: kept beside the imports, not in the cache) ----------------------
    def _load_favourites(self) -> set[str]:
        try:
            ids = json.loads(self._favourites_file.read_text("utf-8"))
            return {str(i) for i in ids} if isinstance(ids, list) else set()
        except (OSError, ValueError):
            return set()

    def set_favourite(self, entry_id: str, favourite: bool) -> CatalogEntry:
        with self._lock:
            entry = self._by_id[entry_id]
            (self._favourites.add if favourite else self._favourites.discard)(entry_id)
            self._favourites_file.parent.mkdir(parents=True, exist_ok=True)
            _write_atomic(self._favourites_file, json.dumps(sorted(self._favourites)).encode())
            updated = replace(entry, favourite=favourite)
            self._by_id[entry_id] = updated
            self._entries = [updated if e.id == entry_id else e for e in self._entries]
        return updated

    # -- reading ----------------------------------------------------------------------------------
    def _refresh(self, entry_ids: list[str]) -> None:
        """Re-read just these entries (a sync page): a full reload per page would make a
        first sync of a big library quadratic."""
        with self._lock:
            rows = self._conn.execute(
                f"SELECT {_COLUMNS} FROM workouts WHERE id IN ({','.join('?' * len(entry_ids))})",
                entry_ids,
            ).fetchall()
        by_id = dict(self._by_id)
        for entry_id in entry_ids:
            by_id.pop(entry_id, None)
            self._workouts.pop(entry_id, None)
        by_id.update((entry.id, entry) for entry in map(self._entry, rows))
        self._entries = sorted(by_id.values(), key=lambda e: e.name.casefold())
        self._by_id = by_id

    def _reload(self) -> None:
        with self._lock:
            rows = self._conn.execute(f"SELECT {_COLUMNS} FROM workouts").fetchall()
        entries = [self._entry(row) for row in rows]
        entries.sort(key=lambda e: e.name.casefold())
        self._entries = entries
        self._by_id = {e.id: e for e in entries}

    def _entry(self, row: tuple[object, ...]) -> CatalogEntry:
        entry_id, source, name, category, description, tags_text = (str(v) for v in row[:6])
        tags = tuple(tags_text.split(_TAG_SEP)) if tags_text else ()
        numbers = [float(v) if isinstance(v, int | float) else 0.0 for v in row[6:16]]
        blob = row[16]
        return CatalogEntry(
            id=entry_id,
            name=name,
            source=source,
            duration_s=numbers[0],
            tss=numbers[1],
            intensity_factor=numbers[2],
            loader=lambda: self.workout(entry_id),
            category=category,
            description=description,
            tags=tags,
            zone_time_s=tuple(numbers[3:10]),
            favourite=entry_id in self._favourites,
            search_text=search_text_of(name, category, tags, description),
            profile_blob=bytes(blob) if isinstance(blob, bytes) else b"",
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


def _folder_stamp(folder: Path) -> str:
    try:
        return str(folder.stat().st_mtime_ns)
    except OSError:
        return "missing"


def _workout_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix.lower() in READABLE_EXTENSIONS)


def _expand(paths: Iterable[Path], report: ImportReport) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += sorted(
                p
                for p in path.rglob("*")
                if p.is_file() and p.suffix.lower() in READABLE_EXTENSIONS
            )
        elif path.is_file():
            files.append(path)
        else:
            report.errors.append((str(path), "no such file or folder"))
    return files


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _row(
    entry_id: str,
    source: str,
    workout: Workout,
    data: bytes,
    filename: str,
    stat: os.stat_result | None,
) -> tuple[object, ...]:
    entry = entry_for(workout, entry_id, source)
    zones = [*entry.zone_time_s, *[0.0] * 7][:7]
    return (
        entry_id, source, workout.name, workout.category, workout.description,
        _TAG_SEP.join(workout.tags), entry.duration_s, entry.tss, entry.intensity_factor,
        *zones, entry.profile_blob, extension_of(filename), data, content_key(data),
        stat.st_size if stat else -1, stat.st_mtime_ns if stat else -1,
    )  # fmt: skip
