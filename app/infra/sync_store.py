"""The sync worker's own storage: the outbox rows in rides.db, the cached upload files,
the library cache adapter, a small state file and the sync settings.

The worker opens ITS OWN connection to rides.db (WAL, synchronous=FULL, busy timeout):
WAL readers never block the journal writer, and every outbox write is one short
transaction committed before the next network call, so the ride path never waits on sync
for more than one tiny commit, and a crash never loses an outbox state change.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import re
import sqlite3
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from app.core.sync.models import CalendarEntry, LibraryPage, Profile, profile_to_json
from app.core.sync.outbox import OutboxDecision, OutboxRow, OutboxState
from app.core.sync.ports import RidePayloadError
from app.core.sync.status import SyncStatus, status_from_dict, status_to_dict
from app.infra.export.atomic import write_atomic
from app.infra.store.journal import open_rides_db
from app.infra.store.library_db import LibraryStore, SyncedWorkout

__all__ = [
    "FitUploadPayloads",
    "LibraryCacheAdapter",
    "SqliteOutbox",
    "SyncSettings",
    "SyncStateFile",
    "load_sync_settings",
    "update_sync_settings",
]

log = logging.getLogger(__name__)

_ROW_SELECT = (
    "SELECT o.ride_id, o.state, o.attempts, o.next_attempt_at, o.last_error, o.created_at, "
    "r.workout_name, r.started_at FROM outbox o LEFT JOIN rides r ON r.id = o.ride_id "
    "WHERE o.state = ? ORDER BY o.created_at, o.ride_id"
)


def _when(text: object) -> datetime | None:
    if not isinstance(text, str) or not text:
        return None
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        return None
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when


def _state(text: object) -> OutboxState:
    try:
        return OutboxState(str(text))
    except ValueError:
        return OutboxState.PENDING


class SqliteOutbox:
    """The outbox table of rides.db through the sync worker's own connection."""

    def __init__(self, rides_db: Path, *, busy_timeout_ms: int = 5000) -> None:
        self.path = Path(rides_db)
        self._conn = open_rides_db(self.path)  # WAL, synchronous=FULL, schema up to date
        self._conn.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        self._lock = threading.Lock()

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def _rows(self, state: OutboxState) -> list[OutboxRow]:
        with self._lock:
            rows = self._conn.execute(_ROW_SELECT, (state.value,)).fetchall()
        return [
            OutboxRow(
                ride_id=str(r[0]),
                state=_state(r[1]),
                attempts=int(r[2] or 0),
                next_attempt_at=_when(r[3]),
                last_error=None if r[4] is None else str(r[4]),
                created_at=_when(r[5]),
                workout_name=str(r[6] or ""),
                started_at=str(r[7] or ""),
            )
            for r in rows
        ]

    def pending(self) -> list[OutboxRow]:
        return self._rows(OutboxState.PENDING)

    def failed(self) -> list[OutboxRow]:
        return self._rows(OutboxState.FAILED)

    def delivered(self) -> list[OutboxRow]:
        return self._rows(OutboxState.DELIVERED)

    def _write(self, sql: str, args: tuple[object, ...]) -> None:
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                self._conn.execute(sql, args)
                self._conn.execute("COMMIT")
            except BaseException:
                with contextlib.suppress(sqlite3.Error):
                    self._conn.execute("ROLLBACK")
                raise

    def note_attempt(self, ride_id: str, attempts: int, next_attempt_at: datetime) -> None:
        self._write(
            "UPDATE outbox SET attempts=?, next_attempt_at=?, updated_at=? "
            "WHERE ride_id=? AND state='pending'",
            (attempts, next_attempt_at.astimezone(UTC).isoformat(), _now(), ride_id),
        )

    def apply(self, ride_id: str, decision: OutboxDecision) -> None:
        when = decision.next_attempt_at
        self._write(
            "UPDATE outbox SET state=?, next_attempt_at=?, last_error=?, updated_at=? "
            "WHERE ride_id=?",
            (
                decision.state.value,
                when.astimezone(UTC).isoformat() if when else None,
                decision.last_error,
                _now(),
                ride_id,
            ),
        )

    def requeue(self, ride_id: str) -> None:
        """Send a failed ride again (the rider asked to)."""
        self._write(
            "UPDATE outbox SET state='pending', attempts=0, next_attempt_at=NULL, "
            "last_error=NULL, updated_at=? WHERE ride_id=?",
            (_now(), ride_id),
        )


def _now() -> str:
    return datetime.now(UTC).isoformat()


# -- upload files ----------------------------------------------------------------------------

_SAFE_ID = re.compile(r"^[A-Za-z0-9_-]{1,100}$")


class FitUploadPayloads:
    """Each ride's FIT file, encoded once and kept in `folder` (data_dir/outbox) so every
    retry sends identical bytes with the identical SHA-256. Written atomically."""

    def __init__(self, rides_db: Path, folder: Path) -> None:
        self.rides_db = Path(rides_db)
        self.folder = Path(folder)

    def path_for(self, ride_id: str) -> Path:
        name = ride_id if _SAFE_ID.match(ride_id) else hashlib.sha256(ride_id.encode()).hexdigest()
        return self.folder / f"{name}.fit"

    def payload(self, ride_id: str) -> tuple[bytes, str]:
        path = self.path_for(ride_id)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            data = b""
        except OSError as exc:
            raise RidePayloadError(
                f"cannot read {path.name}: {exc.strerror}", permanent=False
            ) from None
        if not data:
            data = self._encode(ride_id)
            try:
                write_atomic(path, data)
            except OSError as exc:
                # Without the cached copy a retry might send different bytes: wait instead.
                raise RidePayloadError(
                    f"cannot save the upload file: {exc.strerror or exc}", permanent=False
                ) from None
        return data, hashlib.sha256(data).hexdigest()

    def _encode(self, ride_id: str) -> bytes:
        from app.infra.export.fit_activity import encode_fit_activity
        from app.infra.export.ride_export import RideNotFoundError, load_export_ride

        try:
            ride = load_export_ride(self.rides_db, ride_id)
        except RideNotFoundError:
            raise RidePayloadError(
                "This ride is no longer in the rides database.", permanent=True
            ) from None
        except ValueError as exc:
            raise RidePayloadError(
                f"This ride's data cannot be read ({exc}).", permanent=True
            ) from None
        except (OSError, sqlite3.Error) as exc:
            raise RidePayloadError(f"cannot read the ride: {exc}", permanent=False) from None
        try:
            return encode_fit_activity(ride)
        except ValueError as exc:
            raise RidePayloadError(
                f"This ride cannot be turned into a FIT file ({exc}).", permanent=True
            ) from None

    def discard(self, ride_id: str) -> None:
        with contextlib.suppress(OSError):
            self.path_for(ride_id).unlink()


# -- library cache ---------------------------------------------------------------------------


class LibraryCacheAdapter:
    """The core's LibraryCache port on LibraryStore (library.db)."""

    def __init__(self, store: LibraryStore) -> None:
        self.store = store

    def sync_cursor(self) -> str | None:
        return self.store.sync_cursor()

    def apply_page(self, page: LibraryPage) -> list[tuple[str, str]]:
        workouts = [
            SyncedWorkout(w.id, w.version, w.name, w.format, w.content, tuple(w.tags))
            for w in page.workouts
        ]
        report = self.store.apply_sync_page(workouts, list(page.deleted), page.cursor)
        for ident, why in report.skipped:
            log.warning("synced workout %s skipped: %s", ident, why)
        return list(report.skipped)

    def store_calendar(self, first: date, last: date, entries: Sequence[CalendarEntry]) -> None:
        self.store.store_calendar(
            first.isoformat(),
            last.isoformat(),
            [(e.date.isoformat(), e.workout_id, e.note) for e in entries],
        )

    def store_profile(self, profile: Profile) -> None:
        self.store.store_profile(profile_to_json(profile))


# -- small state file (cache_dir/sync_state.json: rebuildable) -------------------------------


class SyncStateFile:
    """The library ETag (with the cursor it belongs to) and the last sync status."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()

    def _read(self) -> dict[str, Any]:
        try:
            data = json.loads(self.path.read_text("utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def _update(self, key: str, value: object) -> None:
        with self._lock:
            data = self._read()
            data[key] = value
            try:
                write_atomic(self.path, json.dumps(data, indent=1).encode("utf-8"))
            except OSError as exc:
                log.warning("cannot save sync state: %s", exc.strerror or exc)

    def library_etag(self) -> tuple[str, str] | None:
        with self._lock:
            entry = self._read().get("library_etag")
        if isinstance(entry, dict):
            cursor, etag = entry.get("cursor"), entry.get("etag")
            if isinstance(cursor, str) and isinstance(etag, str):
                return cursor, etag
        return None

    def set_library_etag(self, cursor: str, etag: str | None) -> None:
        self._update("library_etag", {"cursor": cursor, "etag": etag} if etag else None)

    def last_status(self) -> SyncStatus | None:
        with self._lock:
            entry = self._read().get("last_status")
        return status_from_dict(entry) if isinstance(entry, dict) else None

    def record(self, status: SyncStatus) -> None:
        self._update("last_status", status_to_dict(status))


# -- settings (config_dir/settings.json; never the token) ------------------------------------

_SETTING_KEYS = ("server_url", "token_storage", "status_url")


@dataclass(frozen=True, slots=True)
class SyncSettings:
    server_url: str | None = None
    token_storage: str = "keyring"  # keyring | plaintext (the rider's explicit opt-in)
    status_url: str | None = None  # a Statuspage summary URL; default: the server's own

    @property
    def plaintext_token(self) -> bool:
        return self.token_storage == "plaintext"


def _read_settings(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(Path(path).read_text("utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        log.warning("settings file unreadable (%s); using defaults", exc)
        return {}
    return data if isinstance(data, dict) else {}


def load_sync_settings(settings_file: Path) -> SyncSettings:
    data = _read_settings(settings_file)
    server = data.get("server_url")
    storage = data.get("token_storage")
    status = data.get("status_url")
    return SyncSettings(
        server_url=server if isinstance(server, str) and server else None,
        token_storage=storage if storage in ("keyring", "plaintext") else "keyring",
        status_url=status if isinstance(status, str) and status else None,
    )


def update_sync_settings(settings_file: Path, **values: str | None) -> None:
    """Change sync keys of settings.json, keeping every other key; None removes a key.
    Written atomically. Only the known sync keys are accepted (never a token)."""
    unknown = set(values) - set(_SETTING_KEYS)
    if unknown:
        raise ValueError(f"not a sync setting: {', '.join(sorted(unknown))}")
    data = _read_settings(settings_file)
    for key, value in values.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    write_atomic(Path(settings_file), (json.dumps(data, indent=2) + "\n").encode("utf-8"))
