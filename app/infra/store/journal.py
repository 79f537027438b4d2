"""The ride journal: every 1 Hz sample on disk within a second.

rides.db is the only irreplaceable data, so it runs in WAL mode with synchronous=FULL.
One writer thread owns the connection; the ride ticker only puts samples on a queue, so
disk latency never delays a tick. The writer drains whatever is queued and commits once:
at real time that is one commit per sample, at accelerated time it batches.
"""

from __future__ import annotations

import json
import logging
import queue
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.core.ride.samples import RideSummary, Sample

log = logging.getLogger(__name__)

SCHEMA = """
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
"""

_INSERT_SAMPLE = "INSERT OR REPLACE INTO samples VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)"


def open_rides_db(path: Path) -> sqlite3.Connection:
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.executescript(SCHEMA)
    return conn


@dataclass(frozen=True, slots=True)
class RideRecord:
    id: str
    workout_name: str
    ftp_w: float
    started_at: str
    state: str
    sample_count: int
    summary: dict[str, Any] | None


def _sample_row(ride_id: str, s: Sample) -> tuple[object, ...]:
    return (
        ride_id, s.elapsed_s, s.workout_s, s.power_w, s.cadence_rpm, s.hr_bpm, s.speed_mps,
        s.distance_m, s.target_w, s.mode.value, s.interval_index, int(s.paused), int(s.no_data),
    )  # fmt: skip


class JournalWriter:
    """Owns the rides.db connection on its own thread; everything else enqueues."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._queue: queue.Queue[tuple[str, tuple[object, ...]] | None] = queue.Queue()
        self._conn = open_rides_db(path)
        self._thread = threading.Thread(target=self._run, name="journal-writer", daemon=True)
        self._thread.start()

    def begin(self, ride_id: str, workout_name: str, ftp_w: float, started_at: str) -> None:
        self._queue.put(("begin", (ride_id, workout_name, ftp_w, started_at)))

    def append(self, ride_id: str, sample: Sample) -> None:
        self._queue.put(("sample", _sample_row(ride_id, sample)))

    def end(self, ride_id: str, state: str, finished_at: str, summary: RideSummary | None) -> None:
        summary_json = json.dumps(summary.as_dict()) if summary else None
        self._queue.put(("end", (state, finished_at, summary_json, ride_id)))

    def flush(self) -> None:
        """Block until everything queued so far is committed."""
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
            if not self._write(batch):
                return

    def _write(self, batch: list[tuple[str, tuple[object, ...]] | None]) -> bool:
        keep_running = True
        events: list[threading.Event] = []
        self._conn.execute("BEGIN")
        for item in batch:
            if item is None:
                keep_running = False
                continue
            kind, args = item
            if kind == "sample":
                self._conn.execute(_INSERT_SAMPLE, args)
            elif kind == "begin":
                self._conn.execute(
                    "INSERT OR IGNORE INTO rides (id, workout_name, ftp_w, started_at) "
                    "VALUES (?,?,?,?)",
                    args,
                )
            elif kind == "end":
                self._conn.execute(
                    "UPDATE rides SET state=?, finished_at=?, summary_json=? WHERE id=?", args
                )
            elif kind == "flush":
                events.append(args[0])  # type: ignore[arg-type]
        self._conn.execute("COMMIT")
        for event in events:
            event.set()
        return keep_running


class JournalObserver:
    """Feeds one ride into the journal; a RideObserver for the ride runner."""

    def __init__(self, writer: JournalWriter, ride_id: str, workout_name: str, ftp_w: float,
                 started_at: str) -> None:  # fmt: skip
        self.writer = writer
        self.ride_id = ride_id
        writer.begin(ride_id, workout_name, ftp_w, started_at)

    def on_sample(self, sample: Sample, status: object) -> None:
        self.writer.append(self.ride_id, sample)

    def on_status(self, status: object) -> None:
        pass

    def on_finished(self, summary: RideSummary | None, status: object) -> None:
        from datetime import UTC, datetime

        state = "complete" if summary is not None else "discarded"
        self.writer.end(self.ride_id, state, datetime.now(UTC).isoformat(), summary)

    def on_trainer_message(self, message: str) -> None:
        pass


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
