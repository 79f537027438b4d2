"""The sync client against the REAL reference server (a subprocess on 127.0.0.1): sign-in,
renewal, the library (full pull, delta, ETag 304), the calendar, uploads exactly once,
permanent refusals, signed-out, and the server's fault injection."""

from __future__ import annotations

import json
from datetime import timedelta

import httpx
import pytest
from sync_server_fixtures import (
    EMAIL,
    PASSWORD,
    ROOT,
    record_ride,
    server_rides,
    sha256_hex,
    start_server,
)

from app.core.auth.token import TokenStorage
from app.core.sync.status import SyncState
from app.infra.http.backend import BackendClient
from app.infra.sync_store import FitUploadPayloads

WORKOUTS = ROOT / "resources" / "workouts"


def synced_ids(client) -> set[str]:
    return {e.id for e in client.library().entries() if e.source == "synced"}


def test_sign_in_and_a_first_full_sync(server, make_client):
    client = make_client(server)
    token = client.tokens.load()
    assert token.account.email == EMAIL
    assert token.server_url == server.url
    ride = record_ride(client.paths.rides_db)
    status = client.sync()
    assert status.state is SyncState.UP_TO_DATE, status.message
    assert status.rides_waiting == 0 and status.rides_failed == 0
    assert status.service_description == "All Systems Operational"
    assert {c.name for c in status.components} >= {"Sign-in", "Ride uploads"}
    # profile cached
    profile = json.loads(client.library().cached_profile())
    assert profile["ftp_w"] == 250 and profile["email"] == EMAIL
    # the whole library arrived, parsed by the app's own parsers
    bundled = {p.stem for p in WORKOUTS.glob("*.zwo")}
    assert synced_ids(client) == {f"synced:{stem}" for stem in bundled}
    assert status.workouts_skipped == ()
    # the next 28 days of calendar, "today's workout" available offline
    today = client.clock.wall().astimezone().date()
    entries = client.library().calendar(today.isoformat(), (today + timedelta(days=27)).isoformat())
    assert 20 <= len(entries) <= 28
    assert all(f"synced:{wid}" in synced_ids(client) for _, wid, _ in entries)
    # the ride is on the server, byte for byte what the client cached
    assert client.outbox_state(ride)[0] == "delivered"
    stored = server_rides(server, token.secret.reveal())
    assert [r["id"] for r in stored] == [ride]
    assert stored[0]["duration_s"] == 120


def test_library_delta_then_etag_304(server, make_client, tmp_path):
    client = make_client(server)
    client.sync()
    before = synced_ids(client)
    # second sync: a delta from the stored cursor, nothing new; its ETag is kept
    client.sync()
    assert client.transport.statuses("GET", "/api/v1/library")[-1] == 200
    # third sync: the server answers 304 Not Modified
    client.sync()
    assert client.transport.statuses("GET", "/api/v1/library")[-1] == 304
    assert synced_ids(client) == before
    # the server's library changes: one workout added, one deleted
    new = tmp_path / "delta-test.zwo"
    new.write_bytes(
        (WORKOUTS / "recovery-spin-20.zwo").read_bytes().replace(b"<name>", b"<name>Delta ")
    )
    assert server.server_cli("add-workout", str(new)).returncode == 0
    gone = sorted(before)[0].removeprefix("synced:")
    result = server.server_cli("delete-workout", gone)
    assert result.returncode == 0, result.stderr
    status = client.sync()
    assert status.state is SyncState.UP_TO_DATE
    assert client.transport.statuses("GET", "/api/v1/library")[-1] == 200
    after = synced_ids(client)
    assert after == (before - {f"synced:{gone}"}) | {"synced:delta-test"}
    assert client.library().get("synced:delta-test").name.startswith("Delta ")
    # and put it back for the other tests
    server.server_cli("add-workout", str(WORKOUTS / f"{gone}.zwo"))
    server.server_cli("delete-workout", "delta-test")


def test_renews_past_renew_after(server, make_client):
    client = make_client(server)
    old = client.tokens.load()
    server.shift_clock(days=8)
    client.clock.advance(days=8)
    status = client.sync()
    assert status.state is SyncState.UP_TO_DATE, status.message
    new = client.tokens.load()
    assert new.secret != old.secret
    assert new.renew_after > old.renew_after and new.expires_at > old.expires_at
    assert client.transport.statuses("POST", "/api/v1/auth/renew") == [200]
    # the old token stays valid until its own expires_at (no lock-out on a lost answer)
    with BackendClient(server.url, lambda: old) as c:
        assert c.me().email == EMAIL


def test_a_revoked_token_means_sign_in_and_rides_stay_queued(server, make_client):
    client = make_client(server)
    rides = [record_ride(client.paths.rides_db) for _ in range(2)]
    token = client.tokens.load()
    with BackendClient(server.url, lambda: token) as other:
        other.sign_out()  # revoked elsewhere (the website's "sign out everywhere")
    client.clock.advance(days=8)  # due for renewal: 401 on renew
    status = client.sync()
    assert status.state is SyncState.SIGN_IN_NEEDED
    assert "Sign in to sync" in status.message
    assert client.transport.statuses("POST", "/api/v1/auth/renew") == [401]
    assert client.tokens.load() is None
    assert status.token_state is TokenStorage.SIGNED_OUT
    assert status.rides_waiting == 2
    assert [client.outbox_state(r)[0] for r in rides] == ["pending", "pending"]
    # nothing is attempted until the rider signs in again
    seen = len(client.transport.seen)
    assert client.sync().state is SyncState.SIGN_IN_NEEDED
    assert len(client.transport.seen) == seen
    # signing in again uploads them
    with BackendClient(server.url, lambda: None) as c:
        client.tokens.save(c.sign_in(EMAIL, PASSWORD, "test bike"))
    assert client.sync().state is SyncState.UP_TO_DATE
    assert [client.outbox_state(r)[0] for r in rides] == ["delivered", "delivered"]


def test_an_expired_token_on_renew(server, make_client):
    client = make_client(server)
    ride = record_ride(client.paths.rides_db)
    server.shift_clock(days=31)
    client.clock.advance(days=31)
    status = client.sync()
    assert status.state is SyncState.SIGN_IN_NEEDED
    assert client.outbox_state(ride)[0] == "pending"


def test_upload_exactly_once_when_the_answer_is_lost(server, make_client):
    client = make_client(server)
    ride = record_ride(client.paths.rides_db)
    client.transport.lose["PUT"] = 1  # stored by the server, the 201 never arrives
    status = client.sync()
    assert status.state is SyncState.UP_TO_DATE
    assert client.transport.statuses("PUT", "/api/v1/rides/") == [201, 200]
    assert client.outbox_state(ride)[0] == "delivered"
    stored = server_rides(server, client.tokens.load().secret.reveal())
    assert [r["id"] for r in stored].count(ride) == 1


def test_upload_exactly_once_across_syncs(server, make_client):
    client = make_client(server)
    ride = record_ride(client.paths.rides_db)
    payloads = FitUploadPayloads(client.paths.rides_db, client.paths.data_dir / "outbox")
    client.transport.lose["PUT"] = 3  # every in-call retry loses its answer
    status = client.sync()
    assert client.transport.statuses("PUT", "/api/v1/rides/") == [201, 200, 200]
    state, attempts, error = client.outbox_state(ride)
    assert (state, attempts) == ("pending", 1) and "dropped" in error
    assert status.rides_waiting == 1
    cached = payloads.path_for(ride).read_bytes()
    client.due_now()
    assert client.sync().state is SyncState.UP_TO_DATE
    assert client.transport.statuses("PUT", "/api/v1/rides/")[-1] == 200
    assert client.outbox_state(ride)[0] == "delivered"
    stored = server_rides(server, client.tokens.load().secret.reveal())
    mine = [r for r in stored if r["id"] == ride]
    assert len(mine) == 1 and mine[0]["sha256"] == sha256_hex(cached)
    assert not payloads.path_for(ride).exists()  # cache dropped once delivered


def test_a_different_file_under_the_same_id_is_a_permanent_409(server, make_client, tmp_path):
    from app.infra.export.fit_activity import encode_fit_activity
    from app.infra.export.ride_export import load_export_ride

    client = make_client(server)
    ride = record_ride(client.paths.rides_db)
    elsewhere = tmp_path / "elsewhere.db"  # another device's ride, under the same id
    record_ride(elsewhere, seconds=60, ride_id=ride)
    other = encode_fit_activity(load_export_ride(elsewhere, ride))
    token = client.tokens.load().secret.reveal()
    answer = httpx.put(
        f"{server.url}/api/v1/rides/{ride}",
        content=other,
        timeout=5,
        headers={
            "Authorization": f"Bearer {token}",
            "Content-SHA256": sha256_hex(other),
            "Content-Type": "application/vnd.ant.fit",
        },
    )
    assert answer.status_code == 201
    status = client.sync()
    assert client.transport.statuses("PUT", "/api/v1/rides/") == [409]
    state, _, reason = client.outbox_state(ride)
    assert state == "failed" and "different ride" in reason
    assert status.rides_failed == 1 and status.failed_rides[0].ride_id == ride
    assert "could not be uploaded" in status.message
    client.due_now()
    client.sync()
    assert client.transport.statuses("PUT", "/api/v1/rides/") == [409]  # never again


def test_a_file_the_server_cannot_read_is_a_permanent_422(server, make_client):
    client = make_client(server)
    ride = record_ride(client.paths.rides_db)
    payloads = FitUploadPayloads(client.paths.rides_db, client.paths.data_dir / "outbox")
    payloads.path_for(ride).parent.mkdir(parents=True, exist_ok=True)
    payloads.path_for(ride).write_bytes(b"this is not a FIT file")
    client.sync()
    assert client.transport.statuses("PUT", "/api/v1/rides/") == [422]
    state, _, reason = client.outbox_state(ride)
    assert state == "failed" and "could not read" in reason


def test_a_ride_too_large_for_the_server_is_a_permanent_413(tmp_path, make_client):
    small = start_server(tmp_path / "small-server", max_ride_bytes=1000)
    try:
        client = make_client(small)
        ride = record_ride(client.paths.rides_db)
        status = client.sync()
        assert client.transport.statuses("PUT", "/api/v1/rides/") == [413]
        state, _, reason = client.outbox_state(ride)
        assert state == "failed" and "too large" in reason
        assert status.rides_failed == 1
    finally:
        small.stop()


def test_dropped_uploads_retry_later_then_succeed(server, make_client):
    client = make_client(server)
    ride = record_ride(client.paths.rides_db)
    server.faults(rides="drop")
    status = client.sync()
    assert client.outbox_state(ride)[0] == "pending"
    assert status.rides_waiting == 1 and status.state is SyncState.ERROR
    assert status.diagnosis  # "is it me or them?" was asked
    server.faults()
    client.due_now()
    assert client.sync().state is SyncState.UP_TO_DATE
    assert client.outbox_state(ride)[0] == "delivered"


@pytest.mark.parametrize(
    "fault", ["malformed", "wrong-types", "500", "503:retry-after=1", "endless:5"]
)
def test_library_faults_never_stop_uploads(server, make_client, fault):
    client = make_client(server)
    ride = record_ride(client.paths.rides_db)
    server.faults(library=fault)
    status = client.sync()
    assert status.state is SyncState.ERROR, status.message
    assert "will try again" in status.message
    assert client.outbox_state(ride)[0] == "delivered"
    assert status.last_success_at is None
    server.faults()
    client.due_now()
    status = client.sync()
    assert status.state is SyncState.UP_TO_DATE and status.last_success_at is not None
    assert len(synced_ids(client)) >= 40


def test_every_group_faulted_with_garbage(server, make_client):
    client = make_client(server)
    ride = record_ride(client.paths.rides_db)
    server.faults(all="wrong-types")
    status = client.sync()
    assert status.state is SyncState.ERROR
    assert client.outbox_state(ride)[0] == "pending"  # a 200 of garbage is not a delivery
    assert status.service_indicator is None  # a garbage status page is ignored
    server.faults()


def test_a_hanging_server_is_timed_out_and_explained(server, make_client):
    client = make_client(server, http_timeout=httpx.Timeout(1.0, connect=1.0))
    ride = record_ride(client.paths.rides_db)
    server.faults(all="hang:30")
    status = client.sync()
    assert status.state is SyncState.OFFLINE
    assert "did not answer in time" in status.message
    assert "Your connection works" in (status.diagnosis or "")
    assert client.outbox_state(ride)[0] == "pending"


def test_server_down_is_offline_with_a_diagnosis(tmp_path, make_client):
    gone = start_server(tmp_path / "doomed")
    client = make_client(gone)
    ride = record_ride(client.paths.rides_db)
    gone.stop()
    status = client.sync()
    assert status.state is SyncState.OFFLINE
    assert "does not accept connections" in status.message
    assert "refuses connections" in status.diagnosis
    assert client.outbox_state(ride)[0] == "pending"
    assert "1 ride is waiting" in status.message


def test_status_page_incident_reaches_the_status(server, make_client):
    client = make_client(server)
    result = server.server_cli(
        "post-incident",
        "--name",
        "Uploads slow",
        "--impact",
        "major",
        "--component",
        "Ride uploads",
    )
    assert result.returncode == 0, result.stderr
    try:
        status = client.sync()
        troubled = {c.name: c.state.value for c in status.components}
        assert troubled["Ride uploads"] != "operational"
        assert status.service_indicator in ("major", "minor", "critical")
    finally:
        incident = json.loads(
            server.server_cli("post-incident", "--name", "x", "--json", "--impact", "none").stdout
        )["id"]
        server.server_cli("resolve-incident", incident)


def test_rate_limited_sign_in(server):
    with BackendClient(server.url, lambda: None) as client:
        from app.core.sync.errors import AuthRejected, ServerTrouble

        for _ in range(10):
            with pytest.raises(AuthRejected):
                client.sign_in("nobody@example.com", "wrong password", "bike")
        with pytest.raises(ServerTrouble) as info:
            client.sign_in("nobody@example.com", "wrong password", "bike")
        assert info.value.status == 429 and info.value.retry_after_s
