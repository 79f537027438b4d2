"""server.db: the reference server's state in one SQLite file (stdlib sqlite3, WAL).

One short-lived connection per operation (FastAPI runs sync endpoints on a thread pool and
the operator CLI may write while the server runs); writes take `BEGIN IMMEDIATE`, and
`synchronous=FULL` because a ride answered with 201 must survive a power cut.

Times are stored as RFC 3339 UTC text with whole seconds ("2025-01-02T03:04:05+00:00"), which
sorts the same as the instants it names.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import re
import secrets
import sqlite3
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from app.core.workouts.formats import SYNC_WIRE_NAMES
from app.server.passwords import hash_password

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1
WORKOUT_FORMATS: tuple[str, ...] = SYNC_WIRE_NAMES
COMPONENT_NAMES = ("Sign-in", "Workout library", "Calendar", "Ride uploads", "Website")
INCIDENT_STATUSES = ("investigating", "identified", "monitoring", "resolved", "postmortem")
MAINTENANCE_STATUSES = ("scheduled", "in_progress", "verifying", "completed")
IMPACTS = ("none", "minor", "major", "critical")


def format_check(formats: Sequence[str]) -> str:
    """The workouts table's CHECK on `format`, written out from the formats table."""
    for name in formats:
        if not re.fullmatch(r"[a-z0-9_]+", name):
            raise ValueError(f"a workout format's wire name must be [a-z0-9_]+, not {name!r}")
    return "CHECK(format IN (" + ", ".join(f"'{name}'" for name in formats) + "))"


_WORKOUTS_TABLE = """
CREATE TABLE IF NOT EXISTS workouts(
  id TEXT PRIMARY KEY,
  version INTEGER NOT NULL,
  updated_at TEXT NOT NULL,
  name TEXT NOT NULL,
  format TEXT NOT NULL {check},
  content TEXT NOT NULL,
  tags TEXT NOT NULL DEFAULT '[]',
  category TEXT NOT NULL DEFAULT '',
  deleted INTEGER NOT NULL DEFAULT 0,
  seq INTEGER NOT NULL UNIQUE);
"""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS users(
  id TEXT PRIMARY KEY,
  email TEXT NOT NULL UNIQUE COLLATE NOCASE,
  display_name TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  ftp_w INTEGER NOT NULL DEFAULT 200,
  weight_kg REAL,
  entitlement_active INTEGER NOT NULL DEFAULT 0,
  entitlement_valid_until TEXT,
  created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS tokens(
  token_sha256 TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  device_name TEXT NOT NULL,
  issued_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  renew_after TEXT NOT NULL,
  revoked INTEGER NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS tokens_user ON tokens(user_id);
CREATE TABLE IF NOT EXISTS calendar(
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  date TEXT NOT NULL,
  workout_id TEXT NOT NULL,
  note TEXT,
  PRIMARY KEY(user_id, date));
CREATE TABLE IF NOT EXISTS rides(
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  id TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  size INTEGER NOT NULL,
  started_at TEXT,
  duration_s INTEGER,
  received_at TEXT NOT NULL,
  data BLOB NOT NULL,
  PRIMARY KEY(user_id, id));
CREATE TABLE IF NOT EXISTS components(
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  description TEXT,
  position INTEGER NOT NULL,
  created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS incidents(
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL CHECK(kind IN ('incident', 'maintenance')),
  name TEXT NOT NULL,
  status TEXT NOT NULL,
  impact TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  resolved_at TEXT,
  scheduled_for TEXT,
  scheduled_until TEXT);
CREATE TABLE IF NOT EXISTS incident_components(
  incident_id TEXT NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
  component_id TEXT NOT NULL REFERENCES components(id),
  PRIMARY KEY(incident_id, component_id));
CREATE TABLE IF NOT EXISTS incident_updates(
  id INTEGER PRIMARY KEY,
  incident_id TEXT NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
  status TEXT NOT NULL,
  body TEXT NOT NULL,
  created_at TEXT NOT NULL);
"""


class StoreError(ValueError):
    """A request the store refuses (unknown user, duplicate email, unknown component...)."""


def iso(when: datetime) -> str:
    """RFC 3339, UTC, whole seconds."""
    if when.tzinfo is None:
        raise ValueError(f"naive datetime {when!r}")
    return when.astimezone(UTC).replace(microsecond=0).isoformat()


def parse_time(text: str) -> datetime:
    """RFC 3339 / ISO 8601 with an offset (or Z); a time without one is taken as UTC."""
    when = datetime.fromisoformat(text.strip())
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when


@dataclass(frozen=True, slots=True)
class User:
    id: str
    email: str
    display_name: str
    ftp_w: int
    weight_kg: float | None
    entitlement_active: bool
    entitlement_valid_until: str | None
    created_at: str


@dataclass(frozen=True, slots=True)
class TokenRecord:
    token_sha256: str
    user_id: str
    device_name: str
    issued_at: datetime
    expires_at: datetime
    renew_after: datetime
    revoked: bool


@dataclass(frozen=True, slots=True)
class WorkoutRow:
    id: str
    version: int
    updated_at: str
    name: str
    format: str
    content: str
    tags: tuple[str, ...]
    category: str
    deleted: bool
    seq: int

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "version": self.version,
            "updated_at": self.updated_at,
            "name": self.name,
            "format": self.format,
            "content": self.content,
            "tags": list(self.tags),
        }


@dataclass(frozen=True, slots=True)
class RideRow:
    id: str
    sha256: str
    size: int
    started_at: str | None
    duration_s: int | None
    received_at: str

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "started_at": self.started_at,
            "duration_s": self.duration_s,
            "sha256": self.sha256,
            "size": self.size,
            "received_at": self.received_at,
        }


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class ServerStore:
    """Every read and write of server.db."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = self._connect()
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.executescript(_SCHEMA)
            conn.executescript(_WORKOUTS_TABLE.format(check=format_check(WORKOUT_FORMATS)))
            _widen_format_check(conn, WORKOUT_FORMATS)
            with self._write(conn):
                if self._meta(conn, "schema_version") is None:
                    self._set_meta(conn, "schema_version", str(SCHEMA_VERSION))
                    self._set_meta(conn, "library_epoch", secrets.token_hex(4))
                    self._set_meta(conn, "page_id", secrets.token_hex(6))
        finally:
            conn.close()

    # -- connections ---------------------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=10.0, isolation_level=None)
        conn.execute("PRAGMA busy_timeout=10000")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA synchronous=FULL")
        return conn

    @contextmanager
    def _write(self, conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    @contextmanager
    def writing(self) -> Iterator[sqlite3.Connection]:
        conn = self._connect()
        try:
            with self._write(conn):
                yield conn
        finally:
            conn.close()

    @contextmanager
    def reading(self) -> Iterator[sqlite3.Connection]:
        conn = self._connect()
        try:
            conn.execute("BEGIN")
            try:
                yield conn
            finally:
                conn.execute("ROLLBACK")
        finally:
            conn.close()

    @staticmethod
    def _meta(conn: sqlite3.Connection, key: str) -> str | None:
        row = conn.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return None if row is None else str(row[0])

    @staticmethod
    def _set_meta(conn: sqlite3.Connection, key: str, value: str) -> None:
        conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (key, value))

    def meta(self, key: str) -> str | None:
        with self.reading() as conn:
            return self._meta(conn, key)

    def set_meta(self, key: str, value: str) -> None:
        with self.writing() as conn:
            self._set_meta(conn, key, value)

    # -- users ---------------------------------------------------------------------------

    _USER_COLUMNS = (
        "id, email, display_name, ftp_w, weight_kg, entitlement_active, "
        "entitlement_valid_until, created_at"
    )

    @staticmethod
    def _user(row: Sequence[Any]) -> User:
        return User(
            id=row[0], email=row[1], display_name=row[2], ftp_w=int(row[3]),
            weight_kg=None if row[4] is None else float(row[4]),
            entitlement_active=bool(row[5]), entitlement_valid_until=row[6], created_at=row[7],
        )  # fmt: skip

    def create_user(
        self,
        email: str,
        password: str,
        *,
        now: datetime,
        display_name: str | None = None,
        ftp_w: int = 200,
        weight_kg: float | None = None,
        entitlement_valid_until: datetime | None = None,
        password_hash: str | None = None,
    ) -> User:
        email = normalise_email(email)
        if "@" not in email or len(email) > 254:
            raise StoreError(f"not an email address: {email!r}")
        user = User(
            id=str(uuid.uuid4()),
            email=email,
            display_name=display_name or email.split("@", 1)[0],
            ftp_w=int(ftp_w),
            weight_kg=weight_kg,
            entitlement_active=entitlement_valid_until is not None,
            entitlement_valid_until=None
            if entitlement_valid_until is None
            else iso(entitlement_valid_until),
            created_at=iso(now),
        )
        hashed = password_hash or hash_password(password)
        with self.writing() as conn:
            try:
                conn.execute(
                    f"INSERT INTO users({self._USER_COLUMNS}, password_hash) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (user.id, user.email, user.display_name, user.ftp_w, user.weight_kg,
                     int(user.entitlement_active), user.entitlement_valid_until,
                     user.created_at, hashed),
                )  # fmt: skip
            except sqlite3.IntegrityError:
                raise StoreError(f"a user with email {email} already exists") from None
        return user

    def user_by_id(self, user_id: str) -> User | None:
        with self.reading() as conn:
            row = conn.execute(
                f"SELECT {self._USER_COLUMNS} FROM users WHERE id=?", (user_id,)
            ).fetchone()
        return None if row is None else self._user(row)

    def user_by_email(self, email: str) -> tuple[User, str] | None:
        """The user and their password hash."""
        with self.reading() as conn:
            row = conn.execute(
                f"SELECT {self._USER_COLUMNS}, password_hash FROM users WHERE email=?",
                (normalise_email(email),),
            ).fetchone()
        return None if row is None else (self._user(row[:8]), str(row[8]))

    # -- tokens --------------------------------------------------------------------------

    def issue_token(
        self, user_id: str, device_name: str, *, now: datetime, lifetime_s: float,
        renew_after_s: float,
    ) -> tuple[str, TokenRecord]:  # fmt: skip
        """A new bearer token; only its SHA-256 is stored."""
        token = secrets.token_urlsafe(32)
        record = TokenRecord(
            token_sha256=token_digest(token),
            user_id=user_id,
            device_name=device_name[:200],
            issued_at=now.replace(microsecond=0),
            expires_at=(now + timedelta(seconds=lifetime_s)).replace(microsecond=0),
            renew_after=(now + timedelta(seconds=renew_after_s)).replace(microsecond=0),
            revoked=False,
        )
        with self.writing() as conn:
            conn.execute(
                "INSERT INTO tokens(token_sha256, user_id, device_name, issued_at, expires_at, "
                "renew_after) VALUES (?, ?, ?, ?, ?, ?)",
                (record.token_sha256, user_id, record.device_name, iso(record.issued_at),
                 iso(record.expires_at), iso(record.renew_after)),
            )  # fmt: skip
        return token, record

    def token(self, token: str) -> TokenRecord | None:
        with self.reading() as conn:
            row = conn.execute(
                "SELECT token_sha256, user_id, device_name, issued_at, expires_at, renew_after, "
                "revoked FROM tokens WHERE token_sha256=?",
                (token_digest(token),),
            ).fetchone()
        if row is None:
            return None
        return TokenRecord(
            token_sha256=row[0], user_id=row[1], device_name=row[2],
            issued_at=parse_time(row[3]), expires_at=parse_time(row[4]),
            renew_after=parse_time(row[5]), revoked=bool(row[6]),
        )  # fmt: skip

    def revoke_token(self, token_sha256: str) -> None:
        with self.writing() as conn:
            conn.execute("UPDATE tokens SET revoked=1 WHERE token_sha256=?", (token_sha256,))

    # -- workouts ------------------------------------------------------------------------

    _WORKOUT_COLUMNS = (
        "id, version, updated_at, name, format, content, tags, category, deleted, seq"
    )

    @staticmethod
    def _workout(row: Sequence[Any]) -> WorkoutRow:
        return WorkoutRow(
            id=row[0], version=int(row[1]), updated_at=row[2], name=row[3], format=row[4],
            content=row[5], tags=tuple(json.loads(row[6])), category=row[7],
            deleted=bool(row[8]), seq=int(row[9]),
        )  # fmt: skip

    @staticmethod
    def _next_seq(conn: sqlite3.Connection) -> int:
        row = conn.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM workouts").fetchone()
        return int(row[0])

    def put_workout(
        self, workout_id: str, *, name: str, fmt: str, content: str, tags: Sequence[str],
        category: str = "", now: datetime,
    ) -> WorkoutRow:  # fmt: skip
        """Add a workout, or replace one (its version goes up). Undeletes a deleted id."""
        row = WorkoutRow(workout_id, 0, iso(now), name, fmt, content, tuple(tags), category,
                         False, 0)  # fmt: skip
        return self.put_workouts([row])[0]

    def put_workouts(self, workouts: Sequence[WorkoutRow]) -> list[WorkoutRow]:
        """put_workout for many in one transaction; `version` and `seq` are assigned here."""
        stored: list[WorkoutRow] = []
        with self.writing() as conn:
            for w in workouts:
                if w.format not in WORKOUT_FORMATS:
                    raise StoreError(f"unknown workout format {w.format!r}")
                row = conn.execute("SELECT version FROM workouts WHERE id=?", (w.id,)).fetchone()
                version = 1 if row is None else int(row[0]) + 1
                seq = self._next_seq(conn)
                conn.execute(
                    f"INSERT OR REPLACE INTO workouts({self._WORKOUT_COLUMNS}) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?)",
                    (w.id, version, w.updated_at, w.name, w.format, w.content,
                     json.dumps(list(w.tags)), w.category, seq),
                )  # fmt: skip
                stored.append(replace(w, version=version, seq=seq, deleted=False))
        return stored

    def delete_workout(self, workout_id: str, *, now: datetime) -> bool:
        """Tombstone a workout (it shows in `deleted` after the cursor). False if unknown."""
        with self.writing() as conn:
            row = conn.execute(
                "SELECT version FROM workouts WHERE id=? AND deleted=0", (workout_id,)
            ).fetchone()
            if row is None:
                return False
            conn.execute(
                "UPDATE workouts SET deleted=1, version=version+1, updated_at=?, seq=? WHERE id=?",
                (iso(now), self._next_seq(conn), workout_id),
            )
        return True

    def library_page(self, after_seq: int, limit: int) -> tuple[list[WorkoutRow], bool]:
        """Changes with seq > after_seq, oldest first; and whether more follow."""
        with self.reading() as conn:
            rows = conn.execute(
                f"SELECT {self._WORKOUT_COLUMNS} FROM workouts WHERE seq > ? ORDER BY seq LIMIT ?",
                (after_seq, limit + 1),
            ).fetchall()
        return [self._workout(r) for r in rows[:limit]], len(rows) > limit

    def library_state(self) -> tuple[str, int]:
        """(epoch, highest change number): changes whenever the library changes."""
        with self.reading() as conn:
            epoch = self._meta(conn, "library_epoch") or ""
            row = conn.execute("SELECT COALESCE(MAX(seq), 0) FROM workouts").fetchone()
        return epoch, int(row[0])

    def live_workouts(self) -> list[WorkoutRow]:
        with self.reading() as conn:
            rows = conn.execute(
                f"SELECT {self._WORKOUT_COLUMNS} FROM workouts WHERE deleted=0 ORDER BY id"
            ).fetchall()
        return [self._workout(r) for r in rows]

    def workout(self, workout_id: str) -> WorkoutRow | None:
        with self.reading() as conn:
            row = conn.execute(
                f"SELECT {self._WORKOUT_COLUMNS} FROM workouts WHERE id=?", (workout_id,)
            ).fetchone()
        return None if row is None else self._workout(row)

    # -- calendar ------------------------------------------------------------------------

    def calendar(self, user_id: str, first: date, last: date) -> list[tuple[str, str, str | None]]:
        with self.reading() as conn:
            rows = conn.execute(
                "SELECT date, workout_id, note FROM calendar WHERE user_id=? AND date BETWEEN ? "
                "AND ? ORDER BY date",
                (user_id, first.isoformat(), last.isoformat()),
            ).fetchall()
        return [(r[0], r[1], r[2]) for r in rows]

    def add_calendar_entries(
        self, user_id: str, entries: Sequence[tuple[date, str, str | None]]
    ) -> None:
        """Plan workouts; a day that already has one keeps it."""
        with self.writing() as conn:
            conn.executemany(
                "INSERT OR IGNORE INTO calendar(user_id, date, workout_id, note) "
                "VALUES (?, ?, ?, ?)",
                [(user_id, day.isoformat(), wid, note) for day, wid, note in entries],
            )

    # -- rides ---------------------------------------------------------------------------

    def put_ride(
        self, user_id: str, ride_id: str, data: bytes, sha256: str, *,
        started_at: datetime | None, duration_s: int | None, now: datetime,
    ) -> tuple[str, RideRow]:  # fmt: skip
        """Store a ride once: ("created", row), ("same", stored row) or ("conflict", row)."""
        with self.writing() as conn:
            row = conn.execute(
                "SELECT id, sha256, size, started_at, duration_s, received_at FROM rides "
                "WHERE user_id=? AND id=?",
                (user_id, ride_id),
            ).fetchone()
            if row is not None:
                stored = RideRow(*row)
                return ("same" if stored.sha256 == sha256 else "conflict"), stored
            ride = RideRow(
                id=ride_id, sha256=sha256, size=len(data),
                started_at=None if started_at is None else iso(started_at),
                duration_s=duration_s, received_at=iso(now),
            )  # fmt: skip
            conn.execute(
                "INSERT INTO rides(user_id, id, sha256, size, started_at, duration_s, "
                "received_at, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (user_id, ride.id, ride.sha256, ride.size, ride.started_at, ride.duration_s,
                 ride.received_at, data),
            )  # fmt: skip
        return "created", ride

    def find_ride(self, user_id: str, ride_id: str) -> RideRow | None:
        with self.reading() as conn:
            row = conn.execute(
                "SELECT id, sha256, size, started_at, duration_s, received_at FROM rides "
                "WHERE user_id=? AND id=?",
                (user_id, ride_id),
            ).fetchone()
        return None if row is None else RideRow(*row)

    def rides(self, user_id: str, limit: int) -> list[RideRow]:
        with self.reading() as conn:
            rows = conn.execute(
                "SELECT id, sha256, size, started_at, duration_s, received_at FROM rides "
                "WHERE user_id=? ORDER BY COALESCE(started_at, received_at) DESC, id LIMIT ?",
                (user_id, limit),
            ).fetchall()
        return [RideRow(*r) for r in rows]

    def ride_data(self, user_id: str, ride_id: str) -> bytes | None:
        with self.reading() as conn:
            row = conn.execute(
                "SELECT data FROM rides WHERE user_id=? AND id=?", (user_id, ride_id)
            ).fetchone()
        return None if row is None else bytes(row[0])

    # -- status page ---------------------------------------------------------------------

    def ensure_components(self, now: datetime) -> None:
        with self.writing() as conn:
            for position, name in enumerate(COMPONENT_NAMES, start=1):
                conn.execute(
                    "INSERT OR IGNORE INTO components(id, name, description, position, "
                    "created_at) VALUES (?, ?, NULL, ?, ?)",
                    (_component_id(name), name, position, iso(now)),
                )

    def components(self) -> list[dict[str, Any]]:
        with self.reading() as conn:
            rows = conn.execute(
                "SELECT id, name, description, position, created_at FROM components "
                "ORDER BY position"
            ).fetchall()
        return [
            {"id": r[0], "name": r[1], "description": r[2], "position": r[3], "created_at": r[4]}
            for r in rows
        ]

    def _component_ids(self, conn: sqlite3.Connection, names: Sequence[str]) -> list[str]:
        known = {
            str(r[1]).lower(): str(r[0])
            for r in conn.execute("SELECT id, name FROM components").fetchall()
        }
        ids: list[str] = []
        for name in names:
            cid = known.get(name.strip().lower())
            if cid is None:
                raise StoreError(f"unknown component {name!r}; known: {', '.join(COMPONENT_NAMES)}")
            ids.append(cid)
        return ids

    def post_incident(
        self, *, name: str, status: str, impact: str, components: Sequence[str], body: str,
        now: datetime,
    ) -> str:  # fmt: skip
        if status not in INCIDENT_STATUSES:
            raise StoreError(f"incident status must be one of {', '.join(INCIDENT_STATUSES)}")
        if impact not in IMPACTS:
            raise StoreError(f"impact must be one of {', '.join(IMPACTS)}")
        incident_id = secrets.token_hex(6)
        stamp = iso(now)
        resolved = stamp if status in ("resolved", "postmortem") else None
        with self.writing() as conn:
            ids = self._component_ids(conn, components)
            conn.execute(
                "INSERT INTO incidents(id, kind, name, status, impact, created_at, updated_at, "
                "resolved_at) VALUES (?, 'incident', ?, ?, ?, ?, ?, ?)",
                (incident_id, name, status, impact, stamp, stamp, resolved),
            )
            self._link(conn, incident_id, ids, status, body, stamp)
        return incident_id

    def post_maintenance(
        self, *, name: str, scheduled_for: datetime, scheduled_until: datetime,
        components: Sequence[str], body: str, now: datetime,
    ) -> str:  # fmt: skip
        if scheduled_until <= scheduled_for:
            raise StoreError("a maintenance must end after it starts")
        maintenance_id = secrets.token_hex(6)
        stamp = iso(now)
        with self.writing() as conn:
            ids = self._component_ids(conn, components)
            conn.execute(
                "INSERT INTO incidents(id, kind, name, status, impact, created_at, updated_at, "
                "scheduled_for, scheduled_until) VALUES (?, 'maintenance', ?, 'scheduled', "
                "'maintenance', ?, ?, ?, ?)",
                (maintenance_id, name, stamp, stamp, iso(scheduled_for), iso(scheduled_until)),
            )
            self._link(conn, maintenance_id, ids, "scheduled", body, stamp)
        return maintenance_id

    @staticmethod
    def _link(
        conn: sqlite3.Connection, incident_id: str, component_ids: Sequence[str], status: str,
        body: str, stamp: str,
    ) -> None:  # fmt: skip
        conn.executemany(
            "INSERT OR IGNORE INTO incident_components(incident_id, component_id) VALUES (?, ?)",
            [(incident_id, cid) for cid in component_ids],
        )
        conn.execute(
            "INSERT INTO incident_updates(incident_id, status, body, created_at) "
            "VALUES (?, ?, ?, ?)",
            (incident_id, status, body, stamp),
        )

    def resolve_incident(self, incident_id: str, *, body: str, now: datetime) -> None:
        """Mark an incident resolved, or a maintenance completed."""
        stamp = iso(now)
        with self.writing() as conn:
            row = conn.execute("SELECT kind FROM incidents WHERE id=?", (incident_id,)).fetchone()
            if row is None:
                raise StoreError(f"no incident or maintenance {incident_id!r}")
            status = "resolved" if row[0] == "incident" else "completed"
            conn.execute(
                "UPDATE incidents SET status=?, updated_at=?, resolved_at=? WHERE id=?",
                (status, stamp, stamp, incident_id),
            )
            conn.execute(
                "INSERT INTO incident_updates(incident_id, status, body, created_at) "
                "VALUES (?, ?, ?, ?)",
                (incident_id, status, body, stamp),
            )

    def open_incidents(self, now: datetime) -> list[dict[str, Any]]:
        """Unresolved incidents and not-yet-finished maintenances, with updates and the
        ids of the components they affect."""
        with self.reading() as conn:
            rows = conn.execute(
                "SELECT id, kind, name, status, impact, created_at, updated_at, resolved_at, "
                "scheduled_for, scheduled_until FROM incidents "
                "WHERE (kind='incident' AND status NOT IN ('resolved', 'postmortem')) "
                "OR (kind='maintenance' AND status!='completed' AND scheduled_until > ?) "
                "ORDER BY created_at DESC, id",
                (iso(now),),
            ).fetchall()
            result: list[dict[str, Any]] = []
            for r in rows:
                updates = conn.execute(
                    "SELECT id, status, body, created_at FROM incident_updates "
                    "WHERE incident_id=? ORDER BY id DESC",
                    (r[0],),
                ).fetchall()
                comps = conn.execute(
                    "SELECT component_id FROM incident_components WHERE incident_id=?", (r[0],)
                ).fetchall()
                result.append({
                    "id": r[0], "kind": r[1], "name": r[2], "status": r[3], "impact": r[4],
                    "created_at": r[5], "updated_at": r[6], "resolved_at": r[7],
                    "scheduled_for": r[8], "scheduled_until": r[9],
                    "updates": [
                        {"id": str(u[0]), "status": u[1], "body": u[2], "created_at": u[3]}
                        for u in updates
                    ],
                    "component_ids": [c[0] for c in comps],
                })  # fmt: skip
        return result


def _widen_format_check(conn: sqlite3.Connection, formats: Sequence[str]) -> None:
    """A server.db made when the formats table named other formats keeps that CHECK
    (CREATE TABLE IF NOT EXISTS leaves it alone): rebuild the workouts table with today's
    CHECK, rows and all. If a stored row's format is no longer known, the old table stays
    (put_workouts still refuses unknown formats) and the log says why."""
    check = format_check(formats)
    if check in _workouts_sql(conn):
        return  # today's table: nothing to do (and no write lock taken)
    conn.execute("BEGIN IMMEDIATE")
    try:
        if check in _workouts_sql(conn):  # another process rebuilt it meanwhile
            conn.execute("ROLLBACK")
            return
        rebuilt = _WORKOUTS_TABLE.format(check=check)
        conn.execute(rebuilt.replace("IF NOT EXISTS workouts(", "workouts_rebuilt("))
        conn.execute("INSERT INTO workouts_rebuilt SELECT * FROM workouts")
        conn.execute("DROP TABLE workouts")
        conn.execute("ALTER TABLE workouts_rebuilt RENAME TO workouts")
    except sqlite3.IntegrityError as exc:
        conn.execute("ROLLBACK")
        log.warning("server.db keeps its old workout format CHECK: %s", exc)
        return
    conn.execute("COMMIT")
    log.info("server.db: the workouts table now accepts %s", ", ".join(formats))


def _workouts_sql(conn: sqlite3.Connection) -> str:
    row = conn.execute("SELECT sql FROM sqlite_master WHERE type='table' AND name='workouts'")
    return str(row.fetchone()[0])


def normalise_email(email: str) -> str:
    return email.strip().lower()


def _component_id(name: str) -> str:
    return hashlib.sha256(name.encode()).hexdigest()[:12]


def encode_cursor(epoch: str, seq: int) -> str:
    return base64.urlsafe_b64encode(f"v1:{epoch}:{seq}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[str, int]:
    """(epoch, seq) of a cursor; ValueError if it is not one of ours."""
    padded = cursor + "=" * (-len(cursor) % 4)
    try:
        text = base64.urlsafe_b64decode(padded.encode("ascii")).decode("ascii")
    except (ValueError, UnicodeError):
        raise ValueError("not a cursor") from None
    version, _, rest = text.partition(":")
    epoch, _, seq = rest.partition(":")
    if version != "v1" or not seq.isdigit():
        raise ValueError("not a cursor")
    return epoch, int(seq)
