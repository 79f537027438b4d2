"""Past rides: listing with sync state, and the 30-day trash."""

from datetime import UTC, datetime, timedelta

from app.core.ports import TrainerMode
from app.core.ride.samples import Sample, summarize
from app.infra.store.history import RideHistory
from app.infra.store.journal import JournalWriter


def sample(t: int, paused: bool = False) -> Sample:
    return Sample(t, float(t), 200.0, 90.0, 140.0, 9.0, 9.0 * t, 200, TrainerMode.ERG, 0, paused)


def record(tmp_path, ride_id: str, start: datetime, seconds: int, state: str | None) -> None:
    writer = JournalWriter(tmp_path / "rides.db")
    writer.begin(ride_id, f"Workout {ride_id}", 200.0, start.isoformat(), "{}")
    samples = [sample(t, paused=t % 10 == 9) for t in range(seconds)]
    for s in samples:
        writer.append(ride_id, s)
    if state:
        writer.end(ride_id, state, start.isoformat(), summarize(samples, 200.0))
    writer.close()


def test_rides_are_listed_newest_first_with_state_and_sync_state(tmp_path):
    day = datetime(2026, 11, 1, 7, tzinfo=UTC)
    record(tmp_path, "a", day, 100, "complete")
    record(tmp_path, "b", day + timedelta(days=1), 50, None)
    history = RideHistory(tmp_path / "rides.db")
    newest, oldest = history.rides()
    assert (newest.id, newest.state, newest.sync_state) == ("b", "interrupted", "not queued")
    assert (oldest.id, oldest.state, oldest.sync_state) == ("a", "complete", "waiting")
    assert oldest.moving_s == 90 and newest.moving_s == 45
    assert oldest.avg_power_w == 200 and len(history.samples("a")) == 100


def test_deleted_rides_wait_30_days_in_the_trash(tmp_path):
    day = datetime(2026, 11, 1, 7, tzinfo=UTC)
    record(tmp_path, "a", day, 20, "complete")
    record(tmp_path, "b", day, 20, "complete")
    history = RideHistory(tmp_path / "rides.db")
    history.trash("a", now=day)
    assert [r.id for r in history.rides()] == ["b"]
    assert {r.id for r in history.rides(include_trash=True)} == {"a", "b"}
    assert history.purge_trash(now=day + timedelta(days=29)) == 0
    history.restore("a")
    history.trash("a", now=day)
    assert history.purge_trash(now=day + timedelta(days=31)) == 1
    assert {r.id for r in history.rides(include_trash=True)} == {"b"}
