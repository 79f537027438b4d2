"""The ride journal: every 1 Hz sample on disk within a second.

rides.db is the only irreplaceable data, so it runs in WAL mode with synchronous=FULL.
One writer thread owns the connection; the ride ticker only puts items on a queue, so
disk latency never delays a tick. The writer drains whatever is queued and commits once:
at real time that is one commit per sample, at accelerated time it batches.

When the disk is full or read-only the ride goes on: what could not be written stays in
memory, the rider is told once, and it is all written at the next successful commit.
A ride carries the workout it rides (lossless JSON) and a resume point, so it can carry on
after a crash; each resume opens a new wall-clock segment of the same ride.
"""

from __future__ import annotations

import contextlib
import json
import logging
import queue
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from app.core.ports import TrainerMode
from app.core.ride.samples import RideSummary, Sample
from app.core.ride.session import ResumePoint, RideStatus

log = logging.getLogger(__name__)

SCHEMA_VERSION = 4
_MIGRATIONS: dict[int, str] = {
    1: """
CREATE TABLE IF NOT EXISTS rides (
    id TEXT PRIMARY KEY,
    workout_name TEXT NOT NULL,
    ftp_w REAL NOT NULL,
    started_at TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'recording',
    finished_at TEXT,
    summary_json TEXT
);
CREATE TABLE IF NOT EXISTS samples (
    ride_id TEXT NOT NULL REFERENCES rides(id),
    elapsed_s INTEGER NOT NULL,
    workout_s REAL NOT NULL,
    power_w REAL, cadence_rpm REAL, hr_bpm REAL, speed_mps REAL,
    distance_m REAL NOT NULL,
    target_w INTEGER,
    mode TEXT NOT NULL,
    interval_index INTEGER,
    paused INTEGER NOT NULL,
    no_data INTEGER NOT NULL,
    PRIMARY KEY (ride_id, elapsed_s)
) WITHOUT ROWID;
""",
    2: """
ALTER TABLE rides ADD COLUMN workout_json TEXT;
ALTER TABLE rides ADD COLUMN resume_json TEXT;
CREATE TABLE IF NOT EXISTS ride_segments (
    ride_id TEXT NOT NULL REFERENCES rides(id),
    first_elapsed_s INTEGER NOT NULL,
    started_at TEXT NOT NULL,
    PRIMARY KEY (ride_id, first_elapsed_s)
) WITHOUT ROWID;
""",
    4: """
ALTER TABLE rides ADD COLUMN trashed_at TEXT;
""",
    3: """
CREATE TABLE IF NOT EXISTS outbox (
    ride_id TEXT PRIMARY KEY REFERENCES rides(id),
    state TEXT NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    next_attempt_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
""",
}

# A finished ride is queued for upload in the same transaction that marks it complete:
# no crash can leave a complete ride that will never be uploaded.
_ENQUEUE_UPLOAD = "INSERT OR IGNORE INTO outbox (ride_id, created_at, updated_at) VALUES (?, ?, ?)"

_INSERT_SAMPLE = "INSERT OR REPLACE INTO samples VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)"
_SAMPLE_COLUMNS = (
    "elapsed_s, workout_s, power_w, cadence_rpm, hr_bpm, speed_mps, distance_m, target_w, "
    "mode, interval_index, paused, no_data"
)


class RidesDatabaseError(Exception):
    """rides.db cannot be opened; the message says what happened to the file."""


def _migrate(conn: sqlite3.Connection) -> None:
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    if version > SCHEMA_VERSION:
        raise sqlite3.DatabaseError(f"rides.db is from a newer Freewheel (schema {version})")
    for target in range(version + 1, SCHEMA_VERSION + 1):
        conn.executescript(f"BEGIN; {_MIGRATIONS[target]} PRAGMA user_version={target}; COMMIT;")


def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        _migrate(conn)
        conn.execute("SELECT COUNT(*) FROM rides").fetchone()
    except sqlite3.DatabaseError:
        conn.close()
        raise
    return conn


def open_rides_db(path: Path) -> sqlite3.Connection:
    path.parent.mkdir(parents=True, exist_ok=True)
    return _connect(path)


def recover_rides_db(path: Path) -> Path | None:
    """Open-or-repair at launch: an unreadable rides.db is moved aside (never deleted)
    and a fresh one started. Returns where the old file went, or None if all was well."""
    try:
        open_rides_db(path).close()
        return None
    except sqlite3.DatabaseError as exc:
        aside = path.with_name(f"{path.name}.unreadable-{time.strftime('%Y%m%dT%H%M%S')}")
        log.error("rides database %s unreadable (%s): moved to %s", path, exc, aside)
        for suffix in ("", "-wal", "-shm"):
            part = Path(f"{path}{suffix}")
            if part.exists():
                part.rename(f"{aside}{suffix}")
        open_rides_db(path).close()
        return aside


@dataclass(frozen=True, slots=True)
class RideRecord:
    id: str
    workout_name: str
    ftp_w: float
    started_at: str
    state: str  # recording (interrupted if no ride is running), complete, discarded
    sample_count: int
    summary: dict[str, Any] | None


def _sample_row(ride_id: str, s: Sample) -> tuple[object, ...]:
    return (
        ride_id, s.elapsed_s, s.workout_s, s.power_w, s.cadence_rpm, s.hr_bpm, s.speed_mps,
        s.distance_m, s.target_w, s.mode.value, s.interval_index, int(s.paused), int(s.no_data),
    )  # fmt: skip


def _sample_of(row: tuple[Any, ...]) -> Sample:
    return Sample(
        elapsed_s=row[0], workout_s=row[1], power_w=row[2], cadence_rpm=row[3], hr_bpm=row[4],
        speed_mps=row[5], distance_m=row[6], target_w=row[7], mode=TrainerMode(row[8]),
        interval_index=row[9], paused=bool(row[10]), no_data=bool(row[11]),
    )  # fmt: skip


def resume_json(point: ResumePoint) -> str:
    return json.dumps({
        "intensity_pct": point.intensity_pct,
        "extensions": [list(e) for e in point.extensions],
        "laps": list(point.laps),
        "mode": point.mode.value,
        "level_pct": point.level_pct,
        "grade_pct": point.grade_pct,
    })  # fmt: skip


def resume_point_of(text: str | None) -> ResumePoint:
    """The resume point stored with a ride; older rides stored only intensity and
    extensions, and whatever is missing or unreadable takes its default."""
    default = ResumePoint()
    try:
        data = json.loads(text) if text else {}
        if not isinstance(data, dict):
            raise ValueError("resume point is not an object")
        return ResumePoint(
            int(data.get("intensity_pct", default.intensity_pct)),
            tuple((int(i), float(s)) for i, s in data.get("extensions", [])),
            tuple(sorted({int(e) for e in data.get("laps", [])})),
            TrainerMode(data.get("mode", default.mode.value)),
            float(data.get("level_pct", default.level_pct)),
            float(data.get("grade_pct", default.grade_pct)),
        )
    except (ValueError, TypeError) as exc:
        log.warning("unreadable resume point %r (%s): using the defaults", text, exc)
        return default


_Item = tuple[str, tuple[object, ...]]


class JournalWriter:
    """Owns the rides.db connection on its own thread; everything else enqueues."""

    def __init__(self, path: Path, on_problem: Callable[[str | None], None] | None = None) -> None:
        self.path = path
        self.on_problem = on_problem  # a message when writing fails, None when it recovers
        self._queue: queue.Queue[_Item | None] = queue.Queue()
        self._unwritten: list[_Item] = []
        self._failing = False
        self._conn = open_rides_db(path)
        self._thread = threading.Thread(target=self._run, name="journal-writer", daemon=True)
        self._thread.start()

    @property
    def unwritten_count(self) -> int:
        return len(self._unwritten)

    def begin(self, ride_id: str, workout_name: str, ftp_w: float, started_at: str,
              workout_json: str = "") -> None:  # fmt: skip
        self._queue.put(("begin", (ride_id, workout_name, ftp_w, started_at, workout_json)))
        self._queue.put(("segment", (ride_id, 0, started_at)))

    def new_segment(self, ride_id: str, first_elapsed_s: int, started_at: str) -> None:
        """A resumed ride: wall-clock time restarts at `started_at` for this sample on."""
        self._queue.put(("segment", (ride_id, first_elapsed_s, started_at)))

    def append(self, ride_id: str, sample: Sample) -> None:
        self._queue.put(("sample", _sample_row(ride_id, sample)))

    def set_resume_point(self, ride_id: str, point: ResumePoint) -> None:
        self._queue.put(("resume", (resume_json(point), ride_id)))

    def end(self, ride_id: str, state: str, finished_at: str, summary: RideSummary | None) -> None:
        summary_json = json.dumps(summary.as_dict()) if summary else None
        self._queue.put(("end", (state, finished_at, summary_json, ride_id)))

    def set_max_pages(self, pages: int) -> None:
        """Cap rides.db at `pages` pages: a real "disk full" on demand (SQLITE_FULL), for
        fault tests; a large number lifts the cap."""
        self._queue.put(("pragma", (f"PRAGMA max_page_count={int(pages)}",)))

    def page_count(self) -> int:
        return int(open_rides_db(self.path).execute("PRAGMA page_count").fetchone()[0])

    def flush(self) -> None:
        """Block until everything queued so far has been tried (see unwritten_count)."""
        done = threading.Event()
        self._queue.put(("flush", (done,)))
        done.wait()

    def close(self) -> None:
        self._queue.put(None)
        self._thread.join()
        self._conn.close()

    def _run(self) -> None:
        while True:
            batch = [self._queue.get()]
            while not self._queue.empty():
                batch.append(self._queue.get_nowait())
            items = [item for item in batch if item is not None]
            events = [item[1][0] for item in items if item[0] == "flush"]
            for _, (pragma,) in (i for i in items if i[0] == "pragma"):
                self._conn.execute(str(pragma))
            self._commit(self._unwritten + [i for i in items if i[0] not in ("flush", "pragma")])
            for event in events:
                event.set()  # type: ignore[attr-defined]
            if None in batch:
                return

    def _commit(self, items: list[_Item]) -> None:
        if not items:
            return
        try:
            self._conn.execute("BEGIN")
            for kind, args in items:
                self._conn.execute(_STATEMENTS[kind], args)
                if kind == "end" and args[0] == "complete":
                    self._conn.execute(_ENQUEUE_UPLOAD, (args[3], args[1], args[1]))
            self._conn.execute("COMMIT")
        except sqlite3.Error as exc:
            self._rollback()
            self._unwritten = items
            if not self._failing:
                self._failing = True
                log.error("journal write failed, keeping the ride in memory: %s", exc)
                self._tell(f"Cannot save the ride to disk ({exc}); it is kept in memory.")
            return
        self._unwritten = []
        if self._failing:
            self._failing = False
            log.info("journal writes work again; everything kept in memory is saved")
            self._tell(None)

    def _rollback(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self._conn.execute("ROLLBACK")

    def _tell(self, message: str | None) -> None:
        if self.on_problem is not None:
            self.on_problem(message)


_STATEMENTS = {
    "sample": _INSERT_SAMPLE,
    "begin": "INSERT OR IGNORE INTO rides (id, workout_name, ftp_w, started_at, workout_json) "
    "VALUES (?,?,?,?,?)",
    "segment": "INSERT OR REPLACE INTO ride_segments VALUES (?,?,?)",
    "resume": "UPDATE rides SET resume_json=? WHERE id=?",
    "end": "UPDATE rides SET state=?, finished_at=?, summary_json=? WHERE id=?",
}


class JournalObserver:
    """Feeds one ride into the journal; a RideObserver for the ride runner."""

    def __init__(self, writer: JournalWriter, ride_id: str, *, workout_name: str, ftp_w: float,
                 started_at: datetime, workout_json: str = "",
                 resumed_at_elapsed_s: int | None = None) -> None:  # fmt: skip
        self.writer = writer
        self.ride_id = ride_id
        self._resume: ResumePoint | None = None
        if resumed_at_elapsed_s is None:
            writer.begin(ride_id, workout_name, ftp_w, started_at.isoformat(), workout_json)
        else:
            writer.new_segment(ride_id, resumed_at_elapsed_s, started_at.isoformat())

    def on_sample(self, sample: Sample, status: RideStatus) -> None:
        self.writer.append(self.ride_id, sample)
        self._note_resume(status)

    def on_status(self, status: RideStatus) -> None:
        self._note_resume(status)

    def _note_resume(self, status: RideStatus) -> None:
        if status.resume != self._resume:
            self._resume = status.resume
            self.writer.set_resume_point(self.ride_id, status.resume)

    def on_finished(self, summary: RideSummary | None, status: RideStatus) -> None:
        from datetime import UTC

        state = "complete" if summary is not None else "discarded"
        self.writer.end(self.ride_id, state, datetime.now(UTC).isoformat(), summary)

    def on_trainer_message(self, message: str) -> None:
        pass


# -- reading the journal back -----------------------------------------------------------


def list_rides(path: Path) -> list[RideRecord]:
    conn = open_rides_db(path)
    try:
        rows = conn.execute(
            "SELECT r.id, r.workout_name, r.ftp_w, r.started_at, r.state, r.summary_json, "
            "(SELECT COUNT(*) FROM samples s WHERE s.ride_id = r.id) "
            "FROM rides r ORDER BY r.started_at"
        ).fetchall()
    finally:
        conn.close()
    return [
        RideRecord(r[0], r[1], r[2], r[3], r[4], r[6], json.loads(r[5]) if r[5] else None)
        for r in rows
    ]


@dataclass(frozen=True, slots=True)
class JournaledRide:
    """Everything needed to resume, finish or export a ride from the journal."""

    id: str
    workout_name: str
    workout_json: str
    ftp_w: float
    state: str
    samples: list[Sample]
    resume: ResumePoint
    segments: list[tuple[int, str]]  # (first elapsed_s, wall-clock start ISO 8601)


def load_ride(path: Path, ride_id: str) -> JournaledRide:
    conn = open_rides_db(path)
    try:
        row = conn.execute(
            "SELECT workout_name, workout_json, ftp_w, state, resume_json FROM rides WHERE id=?",
            (ride_id,),
        ).fetchone()
        if row is None:
            raise KeyError(ride_id)
        samples = [
            _sample_of(r)
            for r in conn.execute(
                f"SELECT {_SAMPLE_COLUMNS} FROM samples WHERE ride_id=? ORDER BY elapsed_s",
                (ride_id,),
            )
        ]
        segments = conn.execute(
            "SELECT first_elapsed_s, started_at FROM ride_segments WHERE ride_id=? "
            "ORDER BY first_elapsed_s",
            (ride_id,),
        ).fetchall()
    finally:
        conn.close()
    point = resume_point_of(row[4])
    return JournaledRide(ride_id, row[0], row[1] or "", row[2], row[3], samples, point,
                         [(int(a), str(b)) for a, b in segments])  # fmt: skip


def interrupted_rides(path: Path) -> list[RideRecord]:
    """Rides still 'recording' in the journal: the app stopped in the middle of them."""
    return [r for r in list_rides(path) if r.state == "recording"]


def mark_ride(path: Path, ride_id: str, state: str, summary: RideSummary | None) -> None:
    """Close an interrupted ride without riding on: saved as it is, or discarded."""
    from datetime import UTC

    now = datetime.now(UTC).isoformat()
    conn = open_rides_db(path)
    try:
        conn.execute("BEGIN")
        conn.execute(
            "UPDATE rides SET state=?, finished_at=?, summary_json=? WHERE id=?",
            (state, now, json.dumps(summary.as_dict()) if summary else None, ride_id),
        )
        if state == "complete":
            conn.execute(_ENQUEUE_UPLOAD, (ride_id, now, now))
        conn.execute("COMMIT")
    finally:
        conn.close()
