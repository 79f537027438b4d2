"""The journal under real SQLite faults: a full disk mid-ride, an unreadable rides.db."""

import sqlite3
import threading
from datetime import UTC, datetime

from app.core.ports import TrainerMode
from app.core.ride.samples import Sample
from app.infra.store.journal import (
    JournalWriter,
    interrupted_rides,
    list_rides,
    load_ride,
    recover_rides_db,
)


def sample(elapsed_s: int) -> Sample:
    return Sample(elapsed_s, float(elapsed_s), 200.0, 90.0, 140.0, 9.0, 9.0 * elapsed_s,
                  200, TrainerMode.ERG, 0)  # fmt: skip


def stored_seconds(path) -> list[int]:
    db = sqlite3.connect(path)
    try:
        return [r[0] for r in db.execute("SELECT elapsed_s FROM samples ORDER BY elapsed_s")]
    finally:
        db.close()


def test_a_full_disk_keeps_the_ride_in_memory_and_writes_it_all_later(tmp_path):
    messages: list[str | None] = []
    told = threading.Event()
    writer = JournalWriter(tmp_path / "rides.db",
                           on_problem=lambda m: (messages.append(m), told.set()))  # fmt: skip
    writer.begin("r1", "Test", 200.0, datetime.now(UTC).isoformat(), "{}")
    for t in range(10):
        writer.append("r1", sample(t))
    writer.flush()
    assert stored_seconds(tmp_path / "rides.db") == list(range(10))

    writer.set_max_pages(writer.page_count())  # the disk is now full
    for t in range(10, 400):
        writer.append("r1", sample(t))
    writer.flush()
    assert len(messages) == 1 and "kept in memory" in messages[0]
    assert writer.unwritten_count >= 390
    assert len(stored_seconds(tmp_path / "rides.db")) < 400

    for t in range(400, 420):  # still full: told only once
        writer.append("r1", sample(t))
    writer.flush()
    assert len(messages) == 1

    writer.set_max_pages(1_000_000)  # space again
    writer.append("r1", sample(420))
    writer.flush()
    writer.close()
    assert messages[-1] is None
    assert stored_seconds(tmp_path / "rides.db") == list(range(421))


def test_an_unreadable_rides_db_is_moved_aside_and_a_fresh_one_started(tmp_path):
    db = tmp_path / "rides.db"
    db.write_bytes(b"\x00garbage, not SQLite" * 512)
    aside = recover_rides_db(db)
    assert aside is not None and aside.exists()
    assert aside.read_bytes().startswith(b"\x00garbage")  # kept, never deleted
    assert list_rides(db) == []
    assert recover_rides_db(db) is None  # healthy now


def test_an_interrupted_ride_loads_back_with_its_resume_point(tmp_path):
    from app.core.ride.session import ResumePoint

    writer = JournalWriter(tmp_path / "rides.db")
    writer.begin("r2", "Test", 250.0, datetime.now(UTC).isoformat(), '{"x": 1}')
    for t in range(30):
        writer.append("r2", sample(t))
    writer.set_resume_point("r2", ResumePoint(104, ((2, 60.0),)))
    writer.close()
    (record,) = interrupted_rides(tmp_path / "rides.db")
    ride = load_ride(tmp_path / "rides.db", record.id)
    assert ride.resume == ResumePoint(104, ((2, 60.0),))
    assert ride.samples == [sample(t) for t in range(30)]
    assert ride.workout_json == '{"x": 1}' and ride.ftp_w == 250.0
    assert [s[0] for s in ride.segments] == [0]


def test_a_completed_ride_is_queued_for_upload_in_the_same_transaction(tmp_path):
    from app.core.ride.samples import summarize
    from app.infra.store.journal import mark_ride

    writer = JournalWriter(tmp_path / "rides.db")
    for ride_id in ("done", "dropped", "crashed"):
        writer.begin(ride_id, "Test", 200.0, datetime.now(UTC).isoformat(), "{}")
        writer.append(ride_id, sample(0))
    writer.end("done", "complete", datetime.now(UTC).isoformat(), summarize([sample(0)], 200))
    writer.end("dropped", "discarded", datetime.now(UTC).isoformat(), None)
    writer.close()
    mark_ride(tmp_path / "rides.db", "crashed", "complete", None)
    db = sqlite3.connect(tmp_path / "rides.db")
    queued = sorted(r[0] for r in db.execute("SELECT ride_id FROM outbox WHERE state='pending'"))
    db.close()
    assert queued == ["crashed", "done"]
