"""server.db's workout formats come from the one formats table: the CHECK constraint is
written from it, a database made under another table still opens (and learns the new
formats), and first-start seeding takes every bundled file the contract can carry."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from app.core.workouts.formats import FORMATS, SYNC_WIRE_NAMES, read_workout, write_workout
from app.server.seed import seed_library
from app.server.store import ServerStore, StoreError, format_check

NOW = datetime(2025, 3, 3, 7, 30, tzinfo=UTC)
BUNDLED = Path(__file__).resolve().parents[2] / "resources" / "workouts"
OLD_WORKOUTS_TABLE = """CREATE TABLE workouts(
  id TEXT PRIMARY KEY, version INTEGER NOT NULL, updated_at TEXT NOT NULL,
  name TEXT NOT NULL, format TEXT NOT NULL CHECK(format IN ('zwo')), content TEXT NOT NULL,
  tags TEXT NOT NULL DEFAULT '[]', category TEXT NOT NULL DEFAULT '',
  deleted INTEGER NOT NULL DEFAULT 0, seq INTEGER NOT NULL UNIQUE)"""


def workouts_sql(path: Path) -> str:
    with sqlite3.connect(path) as conn:
        return str(
            conn.execute("SELECT sql FROM sqlite_master WHERE name='workouts'").fetchone()[0]
        )


def test_the_check_constraint_names_exactly_the_syncable_formats(tmp_path):
    db = tmp_path / "server.db"
    store = ServerStore(db)
    assert format_check(SYNC_WIRE_NAMES) in workouts_sql(db)
    for name in SYNC_WIRE_NAMES:
        store.put_workout(f"w-{name}", name=name, fmt=name, content="x", tags=(), now=NOW)
    with pytest.raises(StoreError, match="unknown workout format"):
        store.put_workout("fit", name="fit", fmt="fit", content="x", tags=(), now=NOW)
    with sqlite3.connect(db) as conn, pytest.raises(sqlite3.IntegrityError):
        conn.execute(
            "INSERT INTO workouts(id, version, updated_at, name, format, content, seq) "
            "VALUES ('raw', 1, 't', 'n', 'fit', 'x', 99)"
        )


def test_a_wire_name_that_is_not_a_plain_word_never_reaches_the_sql():
    with pytest.raises(ValueError, match="wire name"):
        format_check(("zwo", "x'); DROP TABLE users; --"))


def test_todays_database_opens_untouched(tmp_path):
    db = tmp_path / "server.db"
    ServerStore(db).put_workout("a", name="A", fmt="zwo", content="x", tags=("t",), now=NOW)
    before = workouts_sql(db)
    store = ServerStore(db)
    assert workouts_sql(db) == before
    assert store.workout("a").tags == ("t",)


def test_a_database_made_under_an_older_formats_table_opens_and_takes_the_new_ones(tmp_path):
    db = tmp_path / "server.db"
    ServerStore(db)  # every other table as today
    with sqlite3.connect(db) as conn:
        conn.execute("DROP TABLE workouts")
        conn.execute(OLD_WORKOUTS_TABLE)
        conn.execute(
            "INSERT INTO workouts VALUES ('old', 4, '2025-01-01T00:00:00+00:00', 'Old', 'zwo', "
            "'<x/>', '[\"a\"]', 'tempo', 0, 7)"
        )
    store = ServerStore(db)
    assert format_check(SYNC_WIRE_NAMES) in workouts_sql(db)
    old = store.workout("old")
    assert (old.version, old.seq, old.tags, old.category) == (4, 7, ("a",), "tempo")
    added = store.put_workout("new", name="New", fmt="json", content="{}", tags=(), now=NOW)
    assert added.seq == 8
    assert [r.id for r in store.library_page(0, 10)[0]] == ["old", "new"]


def test_a_database_holding_a_format_no_longer_known_keeps_its_table(tmp_path, caplog):
    db = tmp_path / "server.db"
    ServerStore(db)
    with sqlite3.connect(db) as conn:
        conn.execute("DROP TABLE workouts")
        conn.execute(OLD_WORKOUTS_TABLE.replace("('zwo')", "('zwo', 'gpx')"))
        conn.execute(
            "INSERT INTO workouts VALUES ('g', 1, 't', 'G', 'gpx', '<gpx/>', '[]', '', 0, 1)"
        )
    store = ServerStore(db)  # still opens
    assert "'gpx'" in workouts_sql(db)
    assert store.workout("g") is not None
    assert "keeps its old workout format CHECK" in caplog.text


def test_seeding_takes_every_bundled_file_in_a_syncable_format(tmp_path):
    folder = tmp_path / "bundled"
    folder.mkdir()
    source = BUNDLED / "tempo-2x20.zwo"
    workout = read_workout(source.read_bytes(), source.name)
    for fmt in FORMATS:
        name = f"as-{fmt.extension[1:]}{fmt.extension}"
        (folder / name).write_bytes(write_workout(workout, name, ftp_w=250).data)
    shutil.copy(source, folder / "notes.md")
    store = ServerStore(tmp_path / "server.db")
    assert seed_library(store, folder, NOW) == len(SYNC_WIRE_NAMES)
    rows = {row.id: row.format for row in store.live_workouts()}
    assert rows == {f"as-{f.extension[1:]}": f.wire_name for f in FORMATS if f.syncable}
