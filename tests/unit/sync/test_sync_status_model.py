"""What the rider reads: plain words for each state, and a lossless JSON form."""

from __future__ import annotations

from datetime import UTC, datetime

from app.core.auth.token import TokenStorage
from app.core.sync.models import ComponentState, ComponentStatus
from app.core.sync.status import (
    FailedRide,
    SyncState,
    SyncStatus,
    compose_message,
    status_from_dict,
    status_to_dict,
)


def test_messages_in_plain_words():
    assert compose_message(SyncState.UP_TO_DATE) == "Up to date."
    assert "2 rides are waiting to upload" in compose_message(SyncState.UP_TO_DATE, rides_waiting=2)
    text = compose_message(SyncState.SIGN_IN_NEEDED, rides_waiting=1)
    assert text == "Sign in to sync. Riding works as usual; 1 ride is waiting to upload."
    text = compose_message(
        SyncState.OFFLINE,
        rides_waiting=3,
        detail="no network",
        diagnosis="No network: DNS lookups fail (x).",
    )
    assert text.startswith("Offline: no network. No network: DNS lookups fail (x). 3 rides")
    text = compose_message(
        SyncState.ERROR,
        detail="the server is having trouble (HTTP 500)",
        troubled=(ComponentStatus("Ride uploads", ComponentState.PARTIAL_OUTAGE),),
    )
    assert "Service status: Ride uploads (partial outage)." in text
    assert "try again by itself" in text
    assert "plain file" in compose_message(SyncState.UP_TO_DATE, token_state=TokenStorage.PLAINTEXT)
    assert "1 ride could not be uploaded and is kept" in compose_message(
        SyncState.UP_TO_DATE, rides_failed=1
    )


def test_round_trip_through_json():
    status = SyncStatus(
        state=SyncState.ERROR,
        message="m",
        detail="d",
        token_state=TokenStorage.MEMORY_ONLY,
        last_success_at=datetime(2026, 3, 1, tzinfo=UTC),
        rides_waiting=2,
        rides_failed=1,
        failed_rides=(FailedRide("r", "why", "Sweet Spot", "2026-03-01T07:00:00+00:00"),),
        account_email="a@b",
        server_url="https://s",
        service_indicator="minor",
        service_description="Degraded",
        components=(ComponentStatus("Calendar", ComponentState.UNDER_MAINTENANCE),),
        diagnosis="diag",
        workouts_skipped=(("w", "bad"),),
        updated_at=datetime(2026, 3, 2, tzinfo=UTC),
        next_upload_at=datetime(2026, 3, 2, 0, 5, tzinfo=UTC),
        retry_not_before=datetime(2026, 3, 2, 0, 2, tzinfo=UTC),
        next_sync_at=datetime(2026, 3, 2, 0, 2, tzinfo=UTC),
    )
    assert status_from_dict(status_to_dict(status)) == status


def test_damaged_records_do_not_crash():
    assert status_from_dict({}) is None
    assert status_from_dict({"state": "exploded", "message": "x"}) is None
    partial = status_from_dict(
        {
            "state": "offline",
            "message": "x",
            "components": "nope",
            "failed_rides": [1, {"ride_id": "r"}],
            "last_success_at": "yesterday",
        }
    )
    assert partial is not None and partial.components == () and partial.last_success_at is None
    assert partial.failed_rides[0].ride_id == "r"
