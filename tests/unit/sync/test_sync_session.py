"""One sync, driven with fakes and a clock the test moves: the order of steps, token
renewal, library pages and ETags, the calendar window, the outbox, and what the rider is
told when something fails."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from sync_fakes import SERVER, T0, FakeClock, make_token, one_page, rig

from app.core.auth.token import TokenStorage
from app.core.sync.errors import (
    AuthRejected,
    BadResponse,
    RequestRejected,
    ServerTrouble,
    Unreachable,
)
from app.core.sync.models import CalendarEntry, LibraryPage, UploadResult
from app.core.sync.outbox import RETRY_AFTER_CAP_S, OutboxState
from app.core.sync.planner import (
    CALENDAR_DAYS,
    SyncSession,
    SyncStep,
    calendar_window,
    plan_sync,
)
from app.core.sync.ports import RidePayloadError
from app.core.sync.status import SyncState


def test_plan_without_token_is_empty_and_renews_only_when_due():
    assert plan_sync(T0, None) == ()
    token = make_token(T0)
    assert plan_sync(T0, token)[0] is SyncStep.PROFILE
    steps = plan_sync(T0 + timedelta(days=8), token)
    assert steps == (
        SyncStep.RENEW,
        SyncStep.PROFILE,
        SyncStep.LIBRARY,
        SyncStep.CALENDAR,
        SyncStep.OUTBOX,
    )
    assert plan_sync(T0 + timedelta(days=31), token)[0] is SyncStep.RENEW


def test_calendar_window_is_28_days_from_today():
    first, last = calendar_window(T0.date())
    assert (last - first).days + 1 == CALENDAR_DAYS == 28


def test_full_sync_in_order():
    r = rig("ride-1", "ride-2")
    r.backend.entries = [
        CalendarEntry(T0.date(), "a", None),
        CalendarEntry(T0.date() + timedelta(days=27), "b", "last day"),
        CalendarEntry(T0.date() + timedelta(days=40), "c", "outside the window"),
    ]
    status = r.session.run()
    assert status.state is SyncState.UP_TO_DATE, status.message
    assert r.backend.names() == ["me", "library", "calendar", "put", "put"]
    assert r.library.profile is not None and r.library.profile.ftp_w == 250
    assert [p.cursor for p in r.library.applied] == ["c1"]
    first, last, entries = r.library.calendar
    assert (first, last) == calendar_window(T0.astimezone().date())
    assert [e.workout_id for e in entries] == ["a", "b"]
    assert r.outbox.state("ride-1") is r.outbox.state("ride-2") is OutboxState.DELIVERED
    assert r.payloads.discarded == ["ride-1", "ride-2"]
    assert status.rides_waiting == 0 and status.rides_failed == 0
    assert status.last_success_at == r.clock.wall()
    assert status.token_state is TokenStorage.KEYRING
    assert status.account_email == "rider@example.com"
    assert status.message.startswith("Up to date.")
    assert r.state.last == status
    assert status.service_indicator == "major"  # the status page was read
    assert [c.name for c in status.components] == ["Sign-in", "Ride uploads"]


def test_no_token_means_sign_in_and_no_network():
    r = rig("ride-1", token=None)
    status = r.session.run()
    assert status.state is SyncState.SIGN_IN_NEEDED
    assert r.backend.calls == []
    assert status.rides_waiting == 1
    assert status.token_state is TokenStorage.SIGNED_OUT
    assert "Sign in to sync" in status.message and "1 ride is waiting" in status.message


def test_token_for_another_server_is_not_used():
    r = rig(token=lambda now: make_token(now, server="https://other.example"))
    assert r.session.run().state is SyncState.SIGN_IN_NEEDED
    assert r.backend.calls == []


def test_renews_past_renew_after_and_stores_the_new_token_first():
    r = rig("ride-1")
    r.clock.advance(timedelta(days=8).total_seconds())
    status = r.session.run()
    assert status.state is SyncState.UP_TO_DATE
    assert r.backend.names()[0] == "renew"
    assert len(r.tokens.saved) == 1
    assert r.tokens.token.secret.reveal() == "renewed-1-SECRET"
    assert r.tokens.token.server_url == SERVER  # bound to the server that issued it


def test_renew_failing_transiently_keeps_the_old_token_and_goes_on():
    for error in (Unreachable("timeout", "t"), ServerTrouble(503), BadResponse("junk")):
        r = rig("ride-1")
        before = r.tokens.token
        r.clock.advance(timedelta(days=8).total_seconds())
        r.backend.errors["renew"] = [error]
        status = r.session.run()
        assert r.tokens.token is before and r.tokens.cleared == 0
        assert r.outbox.state("ride-1") is OutboxState.DELIVERED
        assert status.state is SyncState.UP_TO_DATE


def test_401_on_renew_signs_out_but_keeps_every_ride_queued():
    r = rig("ride-1", "ride-2")
    r.clock.advance(timedelta(days=8).total_seconds())
    r.backend.errors["renew"] = [AuthRejected("token_revoked")]
    status = r.session.run()
    assert status.state is SyncState.SIGN_IN_NEEDED
    assert r.tokens.token is None and r.tokens.cleared == 1
    assert r.backend.names() == ["renew"]
    assert status.rides_waiting == 2
    assert all(row.state is OutboxState.PENDING for row in r.outbox.rows.values())
    assert status.token_state is TokenStorage.SIGNED_OUT
    assert "Sign in to sync" in status.message
    assert "2 rides are waiting" in status.message
    # the next sync does not even try the network
    r.backend.calls.clear()
    assert r.session.run().state is SyncState.SIGN_IN_NEEDED
    assert r.backend.calls == []


def test_expired_by_our_clock_still_tries_renewal_in_case_our_clock_is_wrong():
    r = rig("ride-1")
    r.clock.advance(timedelta(days=31).total_seconds())
    status = r.session.run()
    assert r.backend.names()[0] == "renew"
    assert status.state is SyncState.UP_TO_DATE


def test_expired_and_offline_stops_the_sync():
    r = rig("ride-1")
    r.clock.advance(timedelta(days=31).total_seconds())
    r.backend.errors["renew"] = [Unreachable("connect", "refused")]
    status = r.session.run()
    assert status.state is SyncState.OFFLINE
    assert r.backend.names() == ["renew"]
    assert r.tokens.cleared == 0


def test_401_on_a_call_renews_once_and_retries_once():
    r = rig("ride-1")
    r.backend.errors["me"] = [AuthRejected("invalid_token")]
    status = r.session.run()
    assert r.backend.names()[:3] == ["me", "renew", "me"]
    assert status.state is SyncState.UP_TO_DATE
    assert r.backend.names().count("renew") == 1


def test_401_on_upload_renews_and_uploads():
    r = rig("ride-1")
    r.backend.uploads = [401]
    status = r.session.run()
    assert r.backend.names()[-3:] == ["put", "renew", "put"]
    assert r.outbox.state("ride-1") is OutboxState.DELIVERED
    assert status.state is SyncState.UP_TO_DATE


def test_401_on_upload_and_dead_token_keeps_the_ride_waiting_for_sign_in():
    r = rig("ride-1", "ride-2")
    r.backend.uploads = [401]
    r.backend.errors["renew"] = [AuthRejected("token_expired")]
    status = r.session.run()
    assert status.state is SyncState.SIGN_IN_NEEDED
    row = r.outbox.rows["ride-1"]
    assert row.state is OutboxState.PENDING and row.next_attempt_at is None
    assert r.outbox.state("ride-2") is OutboxState.PENDING
    assert status.rides_waiting == 2


def test_offline_stops_at_once_explains_and_keeps_rides():
    r = rig("ride-1")
    r.backend.errors["me"] = [Unreachable("dns", "Name or service not known")]
    status = r.session.run()
    assert status.state is SyncState.OFFLINE
    assert r.backend.names() == ["me"]
    assert status.diagnosis == r.reachability.diagnosis.message
    assert "Offline" in status.message and "not answering" in status.message
    assert "1 ride is waiting" in status.message
    assert status.last_success_at is None


def test_timeout_on_one_step_does_not_stop_the_uploads():
    r = rig("ride-1")
    r.backend.errors["library"] = [Unreachable("timeout", "read timed out")]
    status = r.session.run()
    assert r.outbox.state("ride-1") is OutboxState.DELIVERED
    assert status.state is SyncState.ERROR
    assert "did not answer in time" in status.message
    assert status.diagnosis is not None


def test_server_trouble_or_garbage_in_one_step_is_reported_and_the_rest_runs():
    for error in (ServerTrouble(503, 5.0), BadResponse("not JSON"), RequestRejected(404)):
        r = rig("ride-1")
        r.backend.errors["library"] = [error]
        status = r.session.run()
        assert status.state is SyncState.ERROR, error
        assert r.backend.names() == ["me", "library", "calendar", "put"]
        assert r.outbox.state("ride-1") is OutboxState.DELIVERED
        assert "will try again" in status.message
        assert status.last_success_at is None
        troubled = [c.name for c in status.components if c.state.value != "operational"]
        assert troubled == ["Ride uploads"]
        assert "Ride uploads (major outage)" in status.message


def test_429_stops_the_sync():
    r = rig("ride-1")
    r.backend.errors["me"] = [ServerTrouble(429, 60.0)]
    status = r.session.run()
    assert r.backend.names() == ["me"]
    assert status.state is SyncState.ERROR and "too many requests" in status.message


def test_library_pages_until_has_more_is_false_then_304():
    pages = {
        None: one_page("a", "b", cursor="c1", has_more=True),
        "c1": one_page("c", cursor="c2", has_more=True),
        "c2": one_page("d", cursor="c3", has_more=False),
        "c3": one_page(cursor="c3", has_more=False),
    }
    r = rig(pages=pages)
    r.session.run()
    assert [p.cursor for p in r.library.applied] == ["c1", "c2", "c3"]
    # an ETag belongs to the request (cursor c2) whose answer carried it
    assert r.state.etag == ("c2", "E-c3")
    # the next sync asks from c3 without an ETag; the empty answer's belongs to c3
    r.session.run()
    assert ("library", ("c3", None)) in r.backend.calls
    assert r.state.etag == ("c3", "E-c3")
    # and the one after that is a 304: nothing applied
    r.backend.etags = {"c3": "E-c3"}
    applied = len(r.library.applied)
    status = r.session.run()
    assert ("library", ("c3", "E-c3")) in r.backend.calls
    assert len(r.library.applied) == applied
    assert status.state is SyncState.UP_TO_DATE


def test_no_etag_is_sent_without_a_cursor():
    r = rig()
    r.state.etag = ("whatever", "E")
    r.session.run()
    assert ("library", (None, None)) in r.backend.calls


def test_has_more_with_the_same_cursor_does_not_loop_forever():
    r = rig(
        pages={
            None: one_page("a", cursor="c1", has_more=True),
            "c1": one_page(cursor="c1", has_more=True),
        }
    )
    status = r.session.run()
    assert status.state is SyncState.ERROR
    assert r.backend.names().count("library") == 2


def test_skipped_workouts_are_reported_not_fatal():
    page = LibraryPage((), (), "c1", False, invalid=(("w9", "workout: version: bad"),))
    r = rig(pages={None: page})
    r.library.skip = [("w3", "not a zwo")]
    status = r.session.run()
    assert status.state is SyncState.UP_TO_DATE
    assert status.workouts_skipped == (("w9", "workout: version: bad"), ("w3", "not a zwo"))
    assert "2 workouts from the server could not be read" in status.message


def test_uploads_exactly_once_across_a_lost_response():
    """The server stores the ride but the answer is lost: the retry gets 200, same sha."""
    r = rig("ride-1")
    body_sha = r.payloads.payload("ride-1")[1]
    lost = Unreachable("dropped", "connection reset after the request was sent")
    r.backend.stored["ride-1"] = body_sha  # the server has it...
    r.backend.errors["put"] = [lost]  # ...but the client never heard
    first = r.session.run()
    row = r.outbox.rows["ride-1"]
    assert row.state is OutboxState.PENDING and row.attempts == 1
    assert first.rides_waiting == 1 and first.next_upload_at == row.next_attempt_at
    # not due yet: the next sync leaves it alone
    r.session.run()
    assert r.backend.names().count("put") == 1
    r.clock.advance((row.next_attempt_at - r.clock.wall()).total_seconds())
    second = r.session.run()
    puts = [args for name, args in r.backend.calls if name == "put"]
    assert puts == [("ride-1", body_sha), ("ride-1", body_sha)]
    assert r.outbox.state("ride-1") is OutboxState.DELIVERED
    assert second.state is SyncState.UP_TO_DATE and second.rides_waiting == 0


def test_permanent_refusals_fail_the_ride_with_a_reason_and_go_on():
    r = rig("r409", "r413", "r422", "r201")
    r.backend.uploads = [409, 413, 422, 201]
    status = r.session.run()
    assert [r.outbox.state(i) for i in ("r409", "r413", "r422", "r201")] == [
        OutboxState.FAILED,
        OutboxState.FAILED,
        OutboxState.FAILED,
        OutboxState.DELIVERED,
    ]
    assert status.rides_failed == 3 and status.rides_waiting == 0
    reasons = {f.ride_id: f.reason for f in status.failed_rides}
    assert "different ride" in reasons["r409"] and "too large" in reasons["r413"]
    assert "3 rides could not be uploaded" in status.message
    assert status.state is SyncState.UP_TO_DATE  # the sync itself worked
    # a failed ride is never sent again by itself
    r.backend.calls.clear()
    r.session.run()
    assert "put" not in r.backend.names()


def test_5xx_on_upload_retries_later_and_stops_the_drain():
    r = rig("ride-1", "ride-2")
    r.backend.uploads = [503]
    status = r.session.run()
    assert r.backend.names().count("put") == 1
    assert status.state is SyncState.ERROR
    row = r.outbox.rows["ride-1"]
    assert row.state is OutboxState.PENDING and row.next_attempt_at > r.clock.wall()
    assert r.outbox.state("ride-2") is OutboxState.PENDING


def test_attempt_is_recorded_before_the_upload():
    r = rig("ride-1")
    r.session.run()
    kinds = [(kind, ride) for kind, ride, _ in r.outbox.log]
    assert kinds == [("attempt", "ride-1"), ("apply", "ride-1")]


def test_a_ride_that_cannot_be_encoded_fails_or_waits():
    r = rig("gone", "disk")
    r.payloads.broken = {
        "gone": RidePayloadError("This ride is no longer in the rides database.", permanent=True),
        "disk": RidePayloadError("disk full", permanent=False),
    }
    status = r.session.run()
    assert r.outbox.state("gone") is OutboxState.FAILED
    assert r.outbox.state("disk") is OutboxState.PENDING
    assert "put" not in r.backend.names()
    assert status.rides_failed == 1 and status.rides_waiting == 1


def test_snapshot_needs_no_network():
    r = rig("ride-1")
    snap = r.session.snapshot()
    assert snap.state is SyncState.OFFLINE and snap.detail == "not synced yet"
    assert r.backend.calls == []
    r.session.run()
    snap = r.session.snapshot()
    assert snap.state is SyncState.UP_TO_DATE
    assert snap.last_success_at is not None
    r.tokens.token = None
    assert r.session.snapshot().state is SyncState.SIGN_IN_NEEDED


def test_status_page_failure_does_not_matter():
    r = rig("ride-1")
    r.status_page.error = ServerTrouble(503)
    status = r.session.run()
    assert status.state is SyncState.UP_TO_DATE and status.service_indicator is None


def test_memory_only_token_is_said_out_loud():
    r = rig()
    r.tokens.storage = TokenStorage.MEMORY_ONLY
    status = r.session.run()
    assert status.token_state is TokenStorage.MEMORY_ONLY
    assert "only until Freewheel quits" in status.message


def test_many_weeks_of_simulated_time_in_milliseconds():
    """Renewal every week for a year, with an outage in the middle: never signed out."""
    r = rig()
    clock: FakeClock = r.clock
    for day in range(365):
        if 100 <= day < 110:
            r.backend.errors["me"] = [Unreachable("connect", "refused")]
        status = r.session.run()
        assert status.state in (SyncState.UP_TO_DATE, SyncState.OFFLINE)
        assert r.tokens.token is not None
        clock.advance(86400)
    assert 50 <= r.backend.renewals <= 53


# -- the server's Retry-After ----------------------------------------------------------------


def test_a_retry_after_becomes_the_deadline_said_in_the_status():
    r = rig("ride-1")
    r.backend.errors["library"] = [ServerTrouble(503, 120.0)]
    status = r.session.run()
    assert r.backend.names() == ["me", "library", "calendar", "put"]  # the rest still ran
    assert status.state is SyncState.ERROR
    deadline = r.clock.wall() + timedelta(seconds=120)
    assert status.retry_not_before == deadline
    hhmm = f"{deadline.astimezone():%H:%M}"
    assert f"The server asked Freewheel to wait: it will try again at {hhmm}." in status.message
    assert r.state.last.retry_not_before == deadline  # kept: a restart honours it too
    assert r.session.snapshot().retry_not_before == deadline
    r.clock.advance(121)
    assert r.session.snapshot().retry_not_before is None  # past: nothing to wait for
    assert "wait" not in r.session.snapshot().message


def test_the_latest_retry_after_of_a_sync_wins_and_a_huge_one_is_capped():
    r = rig()
    r.backend.errors["me"] = [ServerTrouble(503, 30.0)]
    r.backend.errors["calendar"] = [ServerTrouble(503, 90.0)]
    assert r.session.run().retry_not_before == r.clock.wall() + timedelta(seconds=90)
    r.backend.errors["me"] = [ServerTrouble(429, 10.0**9)]
    capped = r.session.run().retry_not_before
    assert capped == r.clock.wall() + timedelta(seconds=RETRY_AFTER_CAP_S)
    # a sync without one clears it
    assert r.session.run().retry_not_before is None


def test_an_uploads_retry_after_holds_the_ride_and_the_server():
    r = rig("ride-1")
    r.backend.uploads = [UploadResult(503, retry_after_s=600.0)]
    status = r.session.run()
    wait = timedelta(seconds=600)
    assert r.outbox.rows["ride-1"].next_attempt_at == r.clock.wall() + wait  # as before
    assert status.retry_not_before == r.clock.wall() + wait


def test_a_postponed_renewal_keeps_its_retry_after():
    r = rig(token=lambda now: make_token(now - timedelta(days=8)))
    r.backend.errors["renew"] = [ServerTrouble(503, 45.0)]
    status = r.session.run()
    assert status.state is SyncState.UP_TO_DATE  # the old token carried on
    assert status.retry_not_before == r.clock.wall() + timedelta(seconds=45)


# -- closing ---------------------------------------------------------------------------------


class CancelAfterPages:
    """A library cache that cancels the session once `pages` pages are committed (the app
    closes while the next page is on its way)."""

    def __init__(self, library, session, pages: int) -> None:
        self.library, self.session, self.pages = library, session, pages

    def __getattr__(self, name):
        return getattr(self.library, name)

    def apply_page(self, page: LibraryPage):
        skipped = self.library.apply_page(page)
        if len(self.library.applied) == self.pages:
            self.session.cancel()
        return skipped


def test_cancel_stops_at_a_page_boundary_and_the_next_sync_resumes_there():
    pages = {
        None: one_page("a", cursor="c1", has_more=True),
        "c1": one_page("b", cursor="c2", has_more=True),
        "c2": one_page("c", cursor="c3", has_more=True),
        "c3": one_page("d", cursor="c4", has_more=False),
    }
    r = rig("ride-1", pages=pages)
    r.session.ports.library = CancelAfterPages(r.library, r.session, pages=2)
    status = r.session.run()
    # the page in flight when the app closed was committed with its cursor; nothing after
    assert r.backend.names() == ["me", "library", "library"]
    assert r.library.cursor == "c2"
    assert r.outbox.state("ride-1") is OutboxState.PENDING
    assert r.state.last is None and status.state is not SyncState.UP_TO_DATE  # not recorded
    assert r.session.run() == r.session.snapshot()  # cancelled for good: no network
    assert r.backend.names() == ["me", "library", "library"]
    # the next start: a new session over the same cache picks up at the cursor
    again = SyncSession(replace(r.session.ports, library=r.library), r.clock, server_url=SERVER)
    assert again.run().state is SyncState.UP_TO_DATE
    assert [args[0] for name, args in r.backend.calls if name == "library"] == [
        None, "c1", "c2", "c3"
    ]  # fmt: skip
    assert [p.workouts[0].id for p in r.library.applied] == ["a", "b", "c", "d"]


def test_cancel_between_uploads():
    r = rig("ride-1", "ride-2")
    put = r.backend.put_ride

    def put_then_close(ride_id, body, sha256):
        r.session.cancel()
        return put(ride_id, body, sha256)

    r.backend.put_ride = put_then_close
    r.session.run()
    assert r.outbox.state("ride-1") is OutboxState.DELIVERED  # the upload in flight
    assert r.outbox.state("ride-2") is OutboxState.PENDING
    assert r.outbox.rows["ride-2"].attempts == 0
