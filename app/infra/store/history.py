"""Past rides for the History screen: list, detail, export, and a 30-day trash.

Deleting a ride moves it to the trash; it is removed for good only when it has been
there for TRASH_DAYS, at a later launch. rides.db is never pruned otherwise.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from app.core.ride.samples import Sample
from app.infra.store.journal import load_ride, open_rides_db

TRASH_DAYS = 30


@dataclass(frozen=True, slots=True)
class RideListing:
    id: str
    workout_name: str
    started_at: datetime
    state: str  # complete | interrupted | discarded
    moving_s: int
    tss: float | None
    avg_power_w: float | None
    np_w: float | None
    sync_state: str  # not queued | waiting | uploaded | failed
    trashed: bool


class RideHistory:
    def __init__(self, rides_db: Path) -> None:
        self.path = rides_db

    def rides(self, *, include_trash: bool = False) -> list[RideListing]:
        conn = open_rides_db(self.path)
        try:
            rows = conn.execute(
                "SELECT r.id, r.workout_name, r.started_at, r.state, r.summary_json, "
                "r.trashed_at, o.state, (SELECT COUNT(*) FROM samples s WHERE s.ride_id = r.id "
                "AND s.paused = 0) FROM rides r LEFT JOIN outbox o ON o.ride_id = r.id "
                "ORDER BY r.started_at DESC"
            ).fetchall()
        finally:
            conn.close()
        listings = [_listing(row) for row in rows]
        return [r for r in listings if include_trash or not r.trashed]

    def samples(self, ride_id: str) -> list[Sample]:
        return load_ride(self.path, ride_id).samples

    def trash(self, ride_id: str, now: datetime | None = None) -> None:
        stamp = (now or datetime.now(UTC)).isoformat()
        self._execute("UPDATE rides SET trashed_at=? WHERE id=?", (stamp, ride_id))

    def restore(self, ride_id: str) -> None:
        self._execute("UPDATE rides SET trashed_at=NULL WHERE id=?", (ride_id,))

    def purge_trash(self, now: datetime | None = None) -> int:
        """Remove rides that have been in the trash for TRASH_DAYS; returns how many."""
        cutoff = ((now or datetime.now(UTC)) - timedelta(days=TRASH_DAYS)).isoformat()
        conn = open_rides_db(self.path)
        try:
            ids = [r[0] for r in conn.execute(
                "SELECT id FROM rides WHERE trashed_at IS NOT NULL AND trashed_at < ?", (cutoff,)
            )]  # fmt: skip
            conn.execute("BEGIN")
            for table, key in (("samples", "ride_id"), ("ride_segments", "ride_id"),
                               ("outbox", "ride_id"), ("rides", "id")):  # fmt: skip
                conn.executemany(f"DELETE FROM {table} WHERE {key}=?", [(i,) for i in ids])
            conn.execute("COMMIT")
        finally:
            conn.close()
        return len(ids)

    def _execute(self, sql: str, args: tuple[object, ...]) -> None:
        conn = open_rides_db(self.path)
        try:
            conn.execute(sql, args)
        finally:
            conn.close()


_SYNC_STATES = {None: "not queued", "pending": "waiting", "delivered": "uploaded",
                "failed": "failed"}  # fmt: skip


def _listing(row: tuple[object, ...]) -> RideListing:
    ride_id, name, started, state, summary_json, trashed, outbox_state, moving = row
    summary = json.loads(str(summary_json)) if summary_json else {}
    try:
        started_at = datetime.fromisoformat(str(started))
    except ValueError:
        started_at = datetime.fromtimestamp(0, UTC)
    return RideListing(
        id=str(ride_id),
        workout_name=str(name),
        started_at=started_at,
        state="interrupted" if state == "recording" else str(state),
        moving_s=int(summary.get("moving_s") or (moving if isinstance(moving, int) else 0)),
        tss=summary.get("tss"),
        avg_power_w=summary.get("avg_power_w"),
        np_w=summary.get("np_w"),
        sync_state=_SYNC_STATES.get(
            outbox_state if isinstance(outbox_state, str) else None, str(outbox_state)
        ),
        trashed=trashed is not None,
    )
