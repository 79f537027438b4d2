"""The sync worker's own storage on real files: the outbox rows in rides.db (its own WAL
connection, every change committed at once), the cached upload files, settings.json and
the state file."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
from datetime import UTC, datetime, timedelta

import pytest
from sync_server_fixtures import record_ride

from app.core.sync.outbox import OutboxDecision, OutboxState
from app.core.sync.ports import RidePayloadError
from app.core.sync.status import SyncState, SyncStatus
from app.infra.store.journal import JournalWriter
from app.infra.sync_store import (
    FitUploadPayloads,
    SqliteOutbox,
    SyncStateFile,
    load_sync_settings,
    update_sync_settings,
)

NOW = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def other_connection_sees(db, ride_id):
    conn = sqlite3.connect(db)
    try:
        return conn.execute(
            "SELECT state, attempts, next_attempt_at, last_error FROM outbox WHERE ride_id=?",
            (ride_id,),
        ).fetchone()
    finally:
        conn.close()


def test_outbox_rows_and_committed_changes(tmp_path):
    db = tmp_path / "rides.db"
    first = record_ride(db, seconds=30)
    second = record_ride(db, seconds=30)
    outbox = SqliteOutbox(db)
    try:
        assert outbox._conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert outbox._conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        rows = outbox.pending()
        assert [r.ride_id for r in rows] == [first, second]
        assert rows[0].workout_name == "Test Ride" and rows[0].attempts == 0
        assert rows[0].next_attempt_at is None and rows[0].created_at is not None
        outbox.note_attempt(first, 1, NOW + timedelta(seconds=45))
        # committed before note_attempt returned: another connection sees it
        assert other_connection_sees(db, first)[:2] == ("pending", 1)
        outbox.apply(first, OutboxDecision(OutboxState.FAILED, None, "too large"))
        assert other_connection_sees(db, first) == ("failed", 1, None, "too large")
        outbox.apply(second, OutboxDecision(OutboxState.DELIVERED, None, None))
        assert outbox.pending() == []
        assert [r.ride_id for r in outbox.failed()] == [first]
        assert [r.ride_id for r in outbox.delivered()] == [second]
        outbox.requeue(first)
        assert other_connection_sees(db, first) == ("pending", 0, None, None)
        retry_at = NOW + timedelta(minutes=5)
        outbox.apply(first, OutboxDecision(OutboxState.PENDING, retry_at, "HTTP 503"))
        assert outbox.pending()[0].next_attempt_at == retry_at
    finally:
        outbox.close()


def test_outbox_writes_beside_a_journal_that_is_recording(tmp_path):
    """The ride's journal writer and the sync worker's connection share no lock: both make
    progress, and neither sees an error."""
    db = tmp_path / "rides.db"
    ride = record_ride(db, seconds=10)
    outbox = SqliteOutbox(db)
    writer = JournalWriter(db)
    problems: list[str | None] = []
    writer.on_problem = problems.append
    from app.core.ports import TrainerMode
    from app.core.ride.samples import Sample

    stop = threading.Event()

    def sync_side() -> None:
        n = 0
        while not stop.is_set():
            n += 1
            outbox.note_attempt(ride, n, NOW)
            outbox.pending()

    thread = threading.Thread(target=sync_side)
    thread.start()
    try:
        writer.begin("live", "Live", 200.0, NOW.isoformat())
        for i in range(300):
            writer.append(
                "live",
                Sample(i, float(i), 200.0, 90.0, None, 9.0, 9.0 * i, 200, TrainerMode.ERG, 0),
            )
        writer.flush()
    finally:
        stop.set()
        thread.join()
        writer.close()
        outbox.close()
    assert problems == [] and writer.unwritten_count == 0
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT COUNT(*) FROM samples WHERE ride_id='live'").fetchone()[0] == 300


def test_upload_files_are_encoded_once_and_sent_byte_for_byte(tmp_path):
    db = tmp_path / "rides.db"
    ride = record_ride(db, seconds=90)
    payloads = FitUploadPayloads(db, tmp_path / "outbox")
    body, sha = payloads.payload(ride)
    assert body[8:12] == b".FIT" and sha == hashlib.sha256(body).hexdigest()
    cached = payloads.path_for(ride)
    assert cached.read_bytes() == body
    # another process, another day: the same bytes, the same hash
    again = FitUploadPayloads(db, tmp_path / "outbox").payload(ride)
    assert again == (body, sha)
    assert [p.name for p in cached.parent.iterdir()] == [cached.name]  # no temp files
    payloads.discard(ride)
    assert not cached.exists()
    payloads.discard(ride)


def test_rides_that_cannot_be_uploaded(tmp_path):
    db = tmp_path / "rides.db"
    record_ride(db, seconds=5)
    payloads = FitUploadPayloads(db, tmp_path / "outbox")
    with pytest.raises(RidePayloadError) as info:
        payloads.payload("no-such-ride")
    assert info.value.permanent and "no longer" in info.value.reason
    empty = record_ride(db, seconds=0)
    with pytest.raises(RidePayloadError) as info:
        payloads.payload(empty)
    assert info.value.permanent


def test_an_unwritable_outbox_folder_waits(tmp_path):
    db = tmp_path / "rides.db"
    ride = record_ride(db, seconds=5)
    folder = tmp_path / "outbox"
    folder.write_text("a file where the folder should be (works even as root)")
    with pytest.raises(RidePayloadError) as info:
        FitUploadPayloads(db, folder).payload(ride)
    assert not info.value.permanent


def test_settings_keep_other_keys_and_never_take_a_token(tmp_path):
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"theme": "dark", "ftp_w": 250}))
    update_sync_settings(path, server_url="https://sync.example.com", token_storage="keyring")
    data = json.loads(path.read_text())
    assert data == {
        "theme": "dark",
        "ftp_w": 250,
        "server_url": "https://sync.example.com",
        "token_storage": "keyring",
    }
    settings = load_sync_settings(path)
    assert settings.server_url == "https://sync.example.com" and not settings.plaintext_token
    update_sync_settings(path, token_storage=None)
    assert "token_storage" not in json.loads(path.read_text())
    with pytest.raises(ValueError):
        update_sync_settings(path, token="abc")
    assert [p.name for p in tmp_path.iterdir()] == ["settings.json"]
    path.write_text("{ damaged")
    assert load_sync_settings(path).server_url is None
    assert load_sync_settings(tmp_path / "missing.json").token_storage == "keyring"


def test_state_file(tmp_path):
    state = SyncStateFile(tmp_path / "cache" / "sync_state.json")
    assert state.library_etag() is None and state.last_status() is None
    state.set_library_etag("c1", '"abc"')
    assert state.library_etag() == ("c1", '"abc"')
    status = SyncStatus(SyncState.UP_TO_DATE, "Up to date.", last_success_at=NOW)
    state.record(status)
    assert state.last_status() == status
    assert state.library_etag() == ("c1", '"abc"')
    state.set_library_etag("c2", None)
    assert state.library_etag() is None
    state.path.write_text("[1, 2")
    assert state.last_status() is None
