"""library.db on a real SQLite file: bundled sync, imports, duplicates, favourites,
and a corrupt cache that is moved aside and rebuilt."""

import shutil
from pathlib import Path

import pytest

from app.core.workouts.catalog import LibraryFilter, SortKey, main_zone, query
from app.core.workouts.formats import write_workout
from app.core.workouts.profile import SegmentKind
from app.infra.store.library_db import LibraryStore

BUNDLED = Path(__file__).resolve().parents[2] / "resources" / "workouts"


@pytest.fixture
def dirs(tmp_path):
    bundled = tmp_path / "bundled"
    shutil.copytree(BUNDLED, bundled)
    return tmp_path / "cache" / "library.db", bundled, tmp_path / "data" / "workouts"


def open_store(dirs) -> LibraryStore:
    return LibraryStore(*dirs)


def test_bundled_workouts_are_indexed_with_metrics_and_profiles(dirs):
    store = open_store(dirs)
    entries = store.entries()
    assert len(entries) == len(list(BUNDLED.glob("*.zwo")))
    assert [e.name.casefold() for e in entries] == sorted(e.name.casefold() for e in entries)
    vo2 = store.find("vo2-5x4")
    assert vo2 is not None and vo2.duration_s == 3600 and 0.8 < vo2.intensity_factor < 1
    assert sum(vo2.zone_time_s) == pytest.approx(3600)
    segments = vo2.profile()
    assert segments[-1].end_s == pytest.approx(3600)
    assert max(s.start_frac for s in segments) == pytest.approx(1.15, abs=0.01)
    assert vo2.workout.name == "VO2 5x4"
    ftp_test = store.find("ftp-test-20")
    assert any(s.kind is SegmentKind.FREE_RIDE for s in ftp_test.profile())


def test_a_second_launch_reads_no_unchanged_file_and_picks_up_changes(dirs, monkeypatch):
    open_store(dirs).close()
    bundled = dirs[1]
    (bundled / "recovery-spin-20.zwo").unlink()
    changed = bundled / "vo2-5x4.zwo"
    changed.write_text(changed.read_text().replace("VO2 5x4", "VO2 Five by Four"))
    read = []
    real_read_bytes = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda p: read.append(p.name) or real_read_bytes(p))
    store = open_store(dirs)
    assert read == ["vo2-5x4.zwo"]
    assert store.find("recovery-spin-20") is None
    assert store.find("vo2-5x4").name == "VO2 Five by Four"


def test_import_copies_files_skips_duplicates_and_reports_broken_ones(dirs, tmp_path):
    store = open_store(dirs)
    folder = tmp_path / "incoming" / "nested"
    folder.mkdir(parents=True)
    workout = store.find("sweet-spot-2x20").workout
    (folder / "ss.erg").write_bytes(write_workout(workout, "ss.erg", ftp_w=250).data)
    (folder / "ss-copy.erg").write_bytes((folder / "ss.erg").read_bytes())
    shutil.copy(BUNDLED / "vo2-5x4.zwo", folder / "vo2.zwo")
    (folder / "broken.zwo").write_text("<workout_file><workout><SteadyState Duration='x'/>")
    (folder / "notes.md").write_text("not a workout")

    report = store.import_paths([tmp_path / "incoming", tmp_path / "missing.zwo"])

    assert [e.source for e in report.added] == ["imported"]
    assert report.added[0].name == "Sweet Spot 2x20"
    duplicates = sorted(Path(p).name for p, _ in report.duplicates)
    assert duplicates[1] == "vo2.zwo" and duplicates[0] in ("ss.erg", "ss-copy.erg")
    assert dict(report.duplicates)[str(folder / "vo2.zwo")] == "bundled:vo2-5x4"
    assert dict((Path(p).name, m) for p, m in report.errors).keys() == {"broken.zwo", "missing.zwo"}
    assert "not well-formed" in dict((Path(p).name, m) for p, m in report.errors)["broken.zwo"]
    assert len(list(dirs[2].iterdir())) == 1  # the copy kept in the data folder
    assert store.get(report.added[0].id) is not None
    again = store.import_paths([folder / "ss.erg"])
    assert again.added == [] and again.duplicates[0][1] == report.added[0].id


def test_a_corrupt_cache_is_moved_aside_and_rebuilt_with_the_imports(dirs, tmp_path):
    store = open_store(dirs)
    src = tmp_path / "one.zwo"
    shutil.copy(BUNDLED / "vo2-5x4.zwo", src)
    src.write_text(src.read_text().replace("VO2 5x4", "My VO2"))
    added = store.import_paths([src]).added[0]
    store.set_favourite(added.id, True)
    store.close()
    db = dirs[0]
    db.write_bytes(b"this is not a database" * 100)
    for suffix in ("-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)

    rebuilt = open_store(dirs)

    assert rebuilt.recovered_from is not None and rebuilt.recovered_from.exists()
    assert rebuilt.get(added.id).name == "My VO2"
    assert rebuilt.get(added.id).favourite  # favourites live in the data folder
    assert len(rebuilt.entries()) == len(list(BUNDLED.glob("*.zwo"))) + 1


def test_favourites_persist_and_filter(dirs):
    store = open_store(dirs)
    entry = store.find("threshold-2x20")
    assert store.set_favourite(entry.id, True).favourite
    store.close()
    store = open_store(dirs)
    favourites = query(store.entries(), LibraryFilter(favourites_only=True))
    assert [e.id for e in favourites] == [entry.id]
    store.set_favourite(entry.id, False)
    assert query(store.entries(), LibraryFilter(favourites_only=True)) == []


def test_query_filters_and_sorts(dirs):
    entries = open_store(dirs).entries()
    short = query(entries, LibraryFilter(max_duration_s=1800), SortKey.DURATION)
    assert short and all(e.duration_s <= 1800 for e in short)
    assert [e.duration_s for e in short] == sorted(e.duration_s for e in short)
    vo2 = query(entries, LibraryFilter(categories=frozenset({"vo2MAX"})), SortKey.TSS, True)
    assert vo2 and {e.category for e in vo2} == {"VO2max"}
    assert [e.tss for e in vo2] == sorted((e.tss for e in vo2), reverse=True)
    z5 = query(entries, LibraryFilter(zones=frozenset({5})))
    assert z5 and all(main_zone(e) == 5 for e in z5)
    text = query(entries, LibraryFilter(text="sweet 2x20"))
    assert [e.name for e in text] == ["Sweet Spot 2x20"]


def test_a_sync_page_reads_every_format_the_contract_carries(dirs):
    from app.core.workouts.formats import FORMATS
    from app.infra.store.library_db import SyncedWorkout

    store = open_store(dirs)
    tempo = store.find("tempo-2x20").workout
    synced = []
    for f in FORMATS:
        if f.wire_name:
            text = write_workout(tempo, f"x{f.extension}", ftp_w=250).data.decode("utf-8")
            synced.append(SyncedWorkout(f"as-{f.wire_name}", 1, tempo.name, f.wire_name, text))
    report = store.apply_sync_page(synced, deleted_ids=[], cursor="c1")
    assert report.skipped == [] and report.stored == len(synced)
    for item in synced:
        entry = store.get(f"synced:{item.id}")
        assert entry is not None and entry.duration_s == pytest.approx(tempo.duration_s)
    store.close()
    store = open_store(dirs)  # parsed again from the stored content
    assert all(store.get(f"synced:{i.id}").workout.name for i in synced)


def test_a_sync_page_commits_with_its_cursor_and_skips_what_does_not_parse(dirs):
    from app.core.workouts.json_form import workout_to_json
    from app.infra.store.library_db import SyncedWorkout

    store = open_store(dirs)
    assert store.sync_cursor() is None
    vo2 = (BUNDLED / "vo2-5x4.zwo").read_text()
    as_json = workout_to_json(store.find("tempo-2x20").workout)
    report = store.apply_sync_page(
        [
            SyncedWorkout(
                "s1", 1, "VO2 5x4", "zwo", vo2.replace("VO2 5x4", "Coach VO2"), ("coach",)
            ),
            SyncedWorkout("s2", 3, "Tempo", "json", as_json),
            SyncedWorkout("s3", 1, "Broken", "zwo", "<workout_file>"),
            SyncedWorkout("s4", 1, "Odd", "gpx", "<gpx/>"),
        ],
        deleted_ids=[],
        cursor="c1",
    )
    assert report.stored == 2 and [i for i, _ in report.skipped] == ["s3", "s4"]
    assert store.sync_cursor() == "c1"
    assert store.get("synced:s1").name == "Coach VO2" and store.get("synced:s1").source == "synced"
    assert store.get("synced:s2").workout.name == "Tempo 2x20"
    store.apply_sync_page([], deleted_ids=["s1"], cursor="c2")
    store.close()
    store = open_store(dirs)
    assert store.get("synced:s1") is None and store.get("synced:s2") is not None
    assert store.sync_cursor() == "c2"
    store.store_calendar("2026-11-27", "2026-12-24", [("2026-11-28", "s2", "easy")])
    assert store.calendar("2026-11-01", "2026-12-31") == [("2026-11-28", "s2", "easy")]
