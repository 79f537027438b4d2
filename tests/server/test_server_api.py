"""The sync API of the reference server (shared/design/SYNC_API.md), endpoint by endpoint,
through FastAPI's TestClient with a clock the test moves."""

from __future__ import annotations

import hashlib
import sqlite3
from datetime import date, timedelta

import pytest

from app.core.fit.profile import FileType
from app.core.workouts.formats import read_workout
from app.server.faults import parse_fault
from app.server.seed import create_rider
from app.server.store import decode_cursor, encode_cursor

DAY = timedelta(days=1)


def error_of(response) -> str:
    body = response.json()
    assert set(body) == {"error", "message"}, body
    assert isinstance(body["message"], str) and body["message"]
    return body["error"]


def put_ride(server, ride_id, data, *, digest=None, token=None, **headers):
    headers = {
        **server.auth(token),
        "Content-Type": "application/vnd.ant.fit",
        "Content-SHA256": digest if digest is not None else hashlib.sha256(data).hexdigest(),
        **headers,
    }
    return server.client.put(f"/api/v1/rides/{ride_id}", content=data, headers=headers)


# -- auth ----------------------------------------------------------------------------------


def test_sign_in_issues_a_bearer_token_and_stores_only_its_hash(server, clock, tmp_path):
    response = server.client.post(
        "/api/v1/auth/token",
        json={"email": " Rider@Example.com ", "password": server.password,
              "device_name": "garage pc", "client_version": "9.9"},  # unknown field: ignored
    )  # fmt: skip
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "Bearer"
    assert body["expires_at"] == (clock.now + 30 * DAY).isoformat()
    assert body["renew_after"] == (clock.now + 7 * DAY).isoformat()
    assert body["account"]["email"] == server.email
    assert set(body["account"]) == {"id", "email", "display_name"}
    assert len(body["token"]) >= 40

    db = sqlite3.connect(tmp_path / "server.db")
    stored = [r[0] for r in db.execute("SELECT token_sha256 FROM tokens")]
    assert hashlib.sha256(body["token"].encode()).hexdigest() in stored
    assert body["token"] not in stored
    (password_hash,) = db.execute("SELECT password_hash FROM users").fetchone()
    assert password_hash.startswith("scrypt$16384$8$1$")
    assert server.password not in password_hash


@pytest.mark.parametrize(
    ("email", "password"),
    [("rider@example.com", "wrong password"), ("nobody@example.com", "correct horse battery")],
)
def test_wrong_credentials_are_401_invalid_credentials(server, email, password):
    response = server.sign_in(password=password, email=email)
    assert response.status_code == 401
    assert error_of(response) == "invalid_credentials"


def test_a_malformed_sign_in_body_is_400(server):
    for body in ({"email": "rider@example.com"}, {"email": 5, "password": "x"}, [1, 2]):
        response = server.client.post("/api/v1/auth/token", json=body)
        assert response.status_code == 400
        assert error_of(response) == "invalid_request"
    response = server.client.post("/api/v1/auth/token", content=b"{not json")
    assert response.status_code == 400


def test_sign_in_is_rate_limited_after_ten_failures_a_minute(server, clock):
    for _ in range(10):
        assert server.sign_in(password="nope").status_code == 401
    limited = server.sign_in()  # even the right password waits
    assert limited.status_code == 429
    assert error_of(limited) == "rate_limited"
    assert 1 <= int(limited.headers["Retry-After"]) <= 60
    clock.advance(seconds=61)
    assert server.sign_in().status_code == 200


def test_every_v1_endpoint_but_sign_in_needs_a_bearer_token(server):
    calls = [
        ("GET", "/api/v1/me"), ("GET", "/api/v1/library"), ("GET", "/api/v1/calendar"),
        ("GET", "/api/v1/rides"), ("PUT", "/api/v1/rides/abc"), ("POST", "/api/v1/auth/renew"),
        ("DELETE", "/api/v1/auth/token"),
    ]  # fmt: skip
    for method, path in calls:
        missing = server.client.request(method, path)
        assert missing.status_code == 401, path
        assert error_of(missing) == "missing_token"
        assert missing.headers["WWW-Authenticate"].startswith("Bearer")
        bogus = server.client.request(method, path, headers=server.auth("not-a-token"))
        assert bogus.status_code == 401, path
        assert error_of(bogus) == "invalid_token"


def test_renew_gives_a_new_token_and_the_old_one_lives_to_its_own_expiry(server, clock):
    old = server.token
    clock.advance(days=10)
    response = server.client.post("/api/v1/auth/renew", headers=server.auth(old))
    assert response.status_code == 200
    renewed = response.json()
    new = renewed["token"]
    assert new != old
    assert renewed["expires_at"] == (clock.now + 30 * DAY).isoformat()
    assert renewed["account"]["email"] == server.email
    # the response could have been lost: the old token still works
    assert server.client.get("/api/v1/me", headers=server.auth(old)).status_code == 200
    assert server.client.get("/api/v1/me", headers=server.auth(new)).status_code == 200

    clock.advance(days=20, seconds=1)  # past the old token's expiry, not the new one's
    expired = server.client.get("/api/v1/me", headers=server.auth(old))
    assert expired.status_code == 401
    assert error_of(expired) == "token_expired"
    late_renew = server.client.post("/api/v1/auth/renew", headers=server.auth(old))
    assert (late_renew.status_code, error_of(late_renew)) == (401, "token_expired")
    assert server.client.get("/api/v1/me", headers=server.auth(new)).status_code == 200


def test_sign_out_revokes_only_this_devices_token(server):
    other = server.sign_in().json()["token"]
    response = server.client.delete("/api/v1/auth/token", headers=server.auth())
    assert response.status_code == 204
    assert response.content == b""
    for method, path in (("GET", "/api/v1/me"), ("POST", "/api/v1/auth/renew")):
        revoked = server.client.request(method, path, headers=server.auth())
        assert revoked.status_code == 401
        assert error_of(revoked) == "token_revoked"
    assert server.client.get("/api/v1/me", headers=server.auth(other)).status_code == 200
    again = server.client.delete("/api/v1/auth/token", headers=server.auth())
    assert again.status_code == 204  # signing out twice is fine


def test_short_token_lifetimes_are_configurable(server_factory, clock):
    server = server_factory(token_lifetime_s=60, renew_after_s=30)
    clock.advance(seconds=61)
    response = server.client.get("/api/v1/me", headers=server.auth())
    assert (response.status_code, error_of(response)) == (401, "token_expired")


# -- profile -------------------------------------------------------------------------------


def test_me_returns_the_profile(server_factory, clock):
    server = server_factory(signed_in=False)
    create_rider(server.app.state.store, "fast@example.com", "long enough", now=clock(),
                 display_name="Fast", ftp_w=310, weight_kg=68.5,
                 entitlement_valid_until=clock() + 10 * DAY)  # fmt: skip
    token = server.sign_in(email="fast@example.com", password="long enough").json()["token"]
    body = server.client.get("/api/v1/me", headers=server.auth(token)).json()
    assert body == {
        "id": body["id"], "email": "fast@example.com", "display_name": "Fast", "ftp_w": 310,
        "weight_kg": 68.5,
        "entitlement": {"active": True, "valid_until": (clock() + 10 * DAY).isoformat()},
    }  # fmt: skip
    clock.advance(days=11)
    body = server.client.get("/api/v1/me", headers=server.auth(token)).json()
    assert body["entitlement"]["active"] is False


# -- library -------------------------------------------------------------------------------


def library(server, **params):
    return server.client.get("/api/v1/library", params=params, headers=server.auth())


def test_the_library_is_seeded_from_the_bundled_workouts(server):
    from app.server.seed import bundled_library_dir

    bundled = sorted(p.stem for p in bundled_library_dir().glob("*.zwo"))
    body = library(server, limit=1000).json()
    assert sorted(w["id"] for w in body["workouts"]) == bundled
    assert body["has_more"] is False and body["deleted"] == []
    sample = next(w for w in body["workouts"] if w["id"] == "sweet-spot-2x20")
    assert set(sample) == {"id", "version", "updated_at", "name", "format", "content", "tags"}
    assert sample["format"] == "zwo" and sample["version"] == 1
    assert sample["name"] == "Sweet Spot 2x20"
    assert sample["tags"][0] == "sweet spot"
    assert read_workout(sample["content"].encode(), "x.zwo").name == "Sweet Spot 2x20"


def test_library_pages_with_a_cursor_until_has_more_is_false(server):
    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        params = {"limit": 20} | ({"cursor": cursor} if cursor else {})
        body = library(server, **params).json()
        pages += 1
        seen += [w["id"] for w in body["workouts"]]
        cursor = body["cursor"]
        if not body["has_more"]:
            break
    assert pages == 3 and len(seen) == len(set(seen)) == 50
    caught_up = library(server, cursor=cursor).json()
    assert caught_up == {"workouts": [], "deleted": [], "cursor": cursor, "has_more": False}


def test_after_a_cursor_only_changes_and_deletions_come(server, clock):
    cursor = library(server, limit=1000).json()["cursor"]
    store = server.app.state.store
    clock.advance(hours=1)
    changed = store.workout("tempo-3x10")
    store.put_workout("tempo-3x10", name="Tempo 3x10 (v2)", fmt=changed.format,
                      content=changed.content, tags=["tempo"], now=clock())  # fmt: skip
    store.put_workout("my-erg", name="Mine", fmt="erg", content="...", tags=[], now=clock())
    assert store.delete_workout("ramp-test", now=clock())
    body = library(server, cursor=cursor).json()
    assert [(w["id"], w["version"]) for w in body["workouts"]] == [("tempo-3x10", 2), ("my-erg", 1)]
    assert body["workouts"][0]["updated_at"] == clock().isoformat()
    assert body["deleted"] == ["ramp-test"]
    assert body["has_more"] is False
    # a fresh client gets everything, the tombstone included, in one consistent list
    everything = library(server, limit=1000).json()
    assert "ramp-test" in everything["deleted"]
    assert "ramp-test" not in {w["id"] for w in everything["workouts"]}


def test_library_etag_answers_304_until_something_changes(server, clock):
    first = library(server)
    etag = first.headers["ETag"]
    cursor = first.json()["cursor"]
    cached = server.client.get("/api/v1/library", headers={**server.auth(), "If-None-Match": etag})
    assert cached.status_code == 304 and cached.content == b""
    assert cached.headers["ETag"] == etag
    weak_list = server.client.get(
        "/api/v1/library", headers={**server.auth(), "If-None-Match": f'"x", W/{etag}'}
    )
    assert weak_list.status_code == 304
    # the same query with a cursor has its own tag
    tail = server.client.get("/api/v1/library", params={"cursor": cursor}, headers=server.auth())
    tail_etag = tail.headers["ETag"]
    assert tail_etag != etag
    server.app.state.store.delete_workout("ramp-test", now=clock())
    changed = server.client.get(
        "/api/v1/library", params={"cursor": cursor},
        headers={**server.auth(), "If-None-Match": tail_etag},
    )  # fmt: skip
    assert changed.status_code == 200
    assert changed.json()["deleted"] == ["ramp-test"]
    assert changed.headers["ETag"] != tail_etag


def test_library_rejects_bad_limits_and_cursors(server):
    for params in ({"limit": 0}, {"limit": "many"}):
        response = library(server, **params)
        assert (response.status_code, error_of(response)) == (400, "invalid_request")
    response = library(server, cursor="%%%not-ours")
    assert (response.status_code, error_of(response)) == (400, "invalid_cursor")
    assert len(library(server, limit=10**6).json()["workouts"]) == 50  # clamped, not refused


def test_a_cursor_from_another_database_starts_over(server):
    epoch, _ = decode_cursor(library(server).json()["cursor"])
    foreign = encode_cursor("0" * len(epoch) if epoch != "0" * len(epoch) else "1", 10**6)
    body = library(server, cursor=foreign, limit=1000).json()
    assert len(body["workouts"]) == 50


# -- calendar ------------------------------------------------------------------------------


def calendar(server, **params):
    return server.client.get("/api/v1/calendar", params=params, headers=server.auth())


def test_a_new_rider_has_28_days_planned_from_the_library(server, clock):
    today = clock().date()
    body = calendar(server, **{"from": today.isoformat(), "to": (today + 27 * DAY).isoformat()})
    entries = body.json()["entries"]
    days = [date.fromisoformat(e["date"]) for e in entries]
    assert days == sorted(days) and days[0] == today and days[-1] <= today + 27 * DAY
    assert all(d.weekday() != 4 for d in days)  # Fridays are rest days
    assert len(entries) == 24
    ids = {w["id"] for w in library(server, limit=1000).json()["workouts"]}
    assert all(e["workout_id"] in ids for e in entries)
    assert all(set(e) == {"date", "workout_id", "note"} for e in entries)
    monday = entries[0]
    assert "recovery" in monday["workout_id"] or monday["note"]


def test_calendar_range_is_inclusive_and_validated(server, clock):
    today = clock().date()
    one_week = calendar(server, **{"from": today.isoformat(), "to": (today + 6 * DAY).isoformat()})
    assert len(one_week.json()["entries"]) == 6
    single = calendar(server, **{"from": today.isoformat(), "to": today.isoformat()})
    assert [e["date"] for e in single.json()["entries"]] == [today.isoformat()]
    assert calendar(server).json()["entries"][0]["date"] == today.isoformat()  # default: today+
    for params in ({"from": "03/03/2025"}, {"from": "2025-03-10", "to": "2025-03-01"},
                   {"from": "2025-01-01", "to": "2027-01-01"}):  # fmt: skip
        response = calendar(server, **params)
        assert (response.status_code, error_of(response)) == (400, "invalid_request")


def test_the_calendar_keeps_28_days_ahead_as_time_passes(server, clock):
    clock.advance(days=20)
    today = clock().date()
    entries = calendar(server, **{"from": today.isoformat(), "to": (today + 27 * DAY).isoformat()})
    days = [e["date"] for e in entries.json()["entries"]]
    assert days[0] == today.isoformat()
    assert date.fromisoformat(days[-1]) >= today + 26 * DAY


# -- rides ---------------------------------------------------------------------------------

RIDE_ID = "0b7e2f52-5a1d-4d0c-9b1e-4f1f3c6f2a10"


def test_a_ride_is_stored_once_and_a_retry_is_200(server, make_fit, clock):
    data = make_fit(clock(), 1800)
    created = put_ride(server, RIDE_ID, data)
    assert created.status_code == 201
    assert created.headers["Location"] == f"/api/v1/rides/{RIDE_ID}"
    body = created.json()
    assert body["id"] == RIDE_ID
    assert body["sha256"] == hashlib.sha256(data).hexdigest()
    assert body["started_at"] == clock().isoformat()
    assert body["duration_s"] == 1800
    retry = put_ride(server, RIDE_ID, data)
    assert retry.status_code == 200
    assert retry.json()["sha256"] == body["sha256"]
    listed = server.client.get("/api/v1/rides", headers=server.auth()).json()["rides"]
    assert [(r["id"], r["started_at"], r["duration_s"], r["sha256"]) for r in listed] == [
        (RIDE_ID, clock().isoformat(), 1800, body["sha256"])
    ]
    assert server.app.state.store.ride_data(server.app.state.store.user_by_email(
        server.email)[0].id, RIDE_ID) == data  # fmt: skip


def test_a_different_file_under_the_same_id_is_409(server, make_fit, clock):
    assert put_ride(server, RIDE_ID, make_fit(clock(), 1800)).status_code == 201
    response = put_ride(server, RIDE_ID, make_fit(clock(), 1801))
    assert (response.status_code, error_of(response)) == (409, "conflict")


def test_the_checksum_header_must_be_there_and_match(server, make_fit):
    data = make_fit()
    missing = server.client.put(f"/api/v1/rides/{RIDE_ID}", content=data, headers=server.auth())
    assert (missing.status_code, error_of(missing)) == (400, "invalid_request")
    wrong = put_ride(server, RIDE_ID, data, digest=hashlib.sha256(b"other").hexdigest())
    assert (wrong.status_code, error_of(wrong)) == (400, "checksum_mismatch")
    upper = put_ride(server, RIDE_ID, data, digest=hashlib.sha256(data).hexdigest().upper())
    assert upper.status_code == 201


@pytest.mark.parametrize(
    "data",
    [b"", b"not a fit file at all", b"\x0e\x20" + b"\x00" * 40],
    ids=["empty", "text", "garbage"],
)
def test_a_body_that_is_not_fit_is_422_invalid_fit(server, data):
    response = put_ride(server, RIDE_ID, data)
    assert (response.status_code, error_of(response)) == (422, "invalid_fit")


def test_a_fit_file_that_is_not_an_activity_is_422(server, make_fit):
    response = put_ride(server, RIDE_ID, make_fit(file_type=FileType.WORKOUT))
    assert (response.status_code, error_of(response)) == (422, "invalid_fit")
    assert "activity" in response.json()["message"]


def test_a_ride_over_50_mib_is_413_from_its_content_length(server):
    data = b"\0" * (50 * 1024 * 1024 + 1)
    response = put_ride(server, RIDE_ID, data)
    assert (response.status_code, error_of(response)) == (413, "too_large")


def test_a_chunked_ride_over_the_cap_is_413_while_reading(server_factory, make_fit):
    server = server_factory(max_ride_bytes=1000)
    data = make_fit() + b"\0" * 2000

    def chunks():
        for i in range(0, len(data), 256):
            yield data[i : i + 256]

    response = server.client.put(
        f"/api/v1/rides/{RIDE_ID}", content=chunks(),
        headers={**server.auth(), "Content-SHA256": hashlib.sha256(data).hexdigest()},
    )  # fmt: skip
    assert "content-length" not in {k.lower() for k in response.request.headers}
    assert (response.status_code, error_of(response)) == (413, "too_large")


def test_rides_are_per_rider_and_listed_newest_first(server, make_fit, clock):
    for n in range(3):
        data = make_fit(clock() + n * DAY, 600 + n)
        assert put_ride(server, f"ride-{n}", data).status_code == 201
    rides = server.client.get("/api/v1/rides", headers=server.auth()).json()["rides"]
    assert [r["id"] for r in rides] == ["ride-2", "ride-1", "ride-0"]
    limited = server.client.get("/api/v1/rides", params={"limit": 1}, headers=server.auth())
    assert [r["id"] for r in limited.json()["rides"]] == ["ride-2"]

    create_rider(server.app.state.store, "other@example.com", "other password", now=clock())
    other = server.sign_in(email="other@example.com", password="other password").json()["token"]
    assert server.client.get("/api/v1/rides", headers=server.auth(other)).json() == {"rides": []}
    assert put_ride(server, "ride-0", make_fit(), token=other).status_code == 201


def test_a_bad_ride_id_is_400(server, make_fit):
    response = put_ride(server, "-bad id", make_fit())
    assert (response.status_code, error_of(response)) == (400, "invalid_request")


# -- status and health ---------------------------------------------------------------------

COMPONENTS = ["Sign-in", "Workout library", "Calendar", "Ride uploads", "Website"]


def summary(server):
    response = server.client.get("/api/v2/summary.json")  # no auth
    assert response.status_code == 200
    return response.json()


def test_summary_follows_the_statuspage_v2_schema(server):
    body = summary(server)
    assert set(body) == {"page", "status", "components", "incidents", "scheduled_maintenances"}
    assert {"id", "name", "url", "updated_at"} <= set(body["page"])
    assert body["status"] == {"indicator": "none", "description": "All Systems Operational"}
    assert [c["name"] for c in body["components"]] == COMPONENTS
    for c in body["components"]:
        assert {"id", "name", "status", "description", "updated_at", "group", "group_id"} <= set(c)
        assert c["status"] == "operational" and c["group"] is False
    assert body["incidents"] == [] and body["scheduled_maintenances"] == []


def test_incidents_and_maintenances_drive_component_status_and_indicator(server, clock):
    store = server.app.state.store
    incident = store.post_incident(
        name="Library sync slow", status="investigating", impact="major",
        components=["Workout library"], body="Looking into it.", now=clock(),
    )  # fmt: skip
    maintenance = store.post_maintenance(
        name="Database upgrade", scheduled_for=clock() - timedelta(minutes=5),
        scheduled_until=clock() + timedelta(hours=1), components=["Ride uploads"],
        body="Uploads pause for an hour.", now=clock(),
    )  # fmt: skip
    later = store.post_maintenance(
        name="Next week", scheduled_for=clock() + 7 * DAY,
        scheduled_until=clock() + 7 * DAY + timedelta(hours=1), components=["Website"],
        body="Later.", now=clock(),
    )  # fmt: skip
    body = summary(server)
    status = {c["name"]: c["status"] for c in body["components"]}
    assert status == {"Sign-in": "operational", "Workout library": "partial_outage",
                      "Calendar": "operational", "Ride uploads": "under_maintenance",
                      "Website": "operational"}  # fmt: skip
    assert body["status"]["indicator"] == "major"
    (open_incident,) = body["incidents"]
    assert open_incident["id"] == incident and open_incident["impact"] == "major"
    assert {"id", "name", "status", "impact", "created_at", "updated_at", "shortlink",
            "incident_updates"} <= set(open_incident)  # fmt: skip
    assert open_incident["incident_updates"][0]["body"] == "Looking into it."
    assert {"body", "status", "created_at"} <= set(open_incident["incident_updates"][0])
    by_id = {m["id"]: m for m in body["scheduled_maintenances"]}
    assert by_id[maintenance]["status"] == "in_progress"
    assert by_id[later]["status"] == "scheduled"
    assert {"scheduled_for", "scheduled_until"} <= set(by_id[later])

    store.resolve_incident(incident, body="Fixed.", now=clock())
    clock.advance(hours=2)  # the maintenance is over
    body = summary(server)
    assert body["incidents"] == []
    assert [m["id"] for m in body["scheduled_maintenances"]] == [later]
    assert body["status"]["indicator"] == "none"


def test_a_critical_incident_is_a_critical_indicator(server, clock):
    server.app.state.store.post_incident(
        name="Down", status="identified", impact="critical",
        components=["Sign-in", "Calendar"], body="Everything is on fire.", now=clock(),
    )  # fmt: skip
    body = summary(server)
    assert body["status"] == {"indicator": "critical", "description": "Major Service Outage"}
    assert {c["name"]: c["status"] for c in body["components"]}["Calendar"] == "major_outage"


def test_healthz_is_plain_ok_without_auth(server):
    response = server.client.get("/healthz")
    assert response.status_code == 200
    assert response.text == "ok"
    assert response.headers["content-type"].startswith("text/plain")
    assert server.client.head("/healthz").status_code == 200  # monitors often use HEAD


def test_errors_always_have_the_error_shape(server):
    assert error_of(server.client.get("/api/v1/nothing-here")) == "not_found"
    wrong_method = server.client.get("/api/v1/auth/token")
    assert (wrong_method.status_code, error_of(wrong_method)) == (405, "method_not_allowed")


# -- admin endpoints and faults ------------------------------------------------------------


def test_admin_endpoints_do_not_exist_without_admin(server):
    response = server.client.post("/_admin/faults", json={"faults": {"library": "503"}})
    assert response.status_code == 404
    assert not server.faults


def test_admin_endpoints_refuse_non_loopback_clients(server_factory):
    server = server_factory(admin=True, host="192.0.2.7")
    for path in ("/_admin/faults", "/_admin/clock"):
        response = server.client.post(path, json={})
        assert (response.status_code, error_of(response)) == (403, "forbidden")


def test_admin_faults_and_clock_from_loopback(server_factory, clock):
    server = server_factory(admin=True, host="127.0.0.1")
    response = server.client.post(
        "/_admin/faults", json={"faults": {"library": "503:retry-after=5", "all": None}}
    )
    assert response.status_code == 200  # "all": None clears first (order is kept)
    response = server.client.post(
        "/_admin/faults", json={"faults": {"library": "503:retry-after=5"}}
    )
    assert response.json() == {"faults": {"library": "503:retry-after=5"}}
    faulted = library(server)
    assert faulted.status_code == 503 and faulted.headers["Retry-After"] == "5"
    bad = server.client.post("/_admin/faults", json={"faults": {"library": "teapot"}})
    assert (bad.status_code, error_of(bad)) == (400, "invalid_request")
    cleared = server.client.post("/_admin/faults", json={"reset": True})
    assert cleared.json() == {"faults": {}}
    assert library(server).status_code == 200

    shifted = server.client.post("/_admin/clock", json={"advance_s": 31 * 86400})
    assert shifted.json()["offset_s"] == 31 * 86400
    expired = server.client.get("/api/v1/me", headers=server.auth())
    assert (expired.status_code, error_of(expired)) == (401, "token_expired")
    server.client.post("/_admin/clock", json={"reset": True})
    assert server.client.get("/api/v1/me", headers=server.auth()).status_code == 200


def test_injected_faults_through_the_asgi_app(server):
    server.faults.set("profile", parse_fault("429:retry-after=3:times=2"))
    for _ in range(2):
        limited = server.client.get("/api/v1/me", headers=server.auth())
        assert (limited.status_code, error_of(limited)) == (429, "rate_limited")
        assert limited.headers["Retry-After"] == "3"
    assert server.client.get("/api/v1/me", headers=server.auth()).status_code == 200

    server.faults.set("calendar", parse_fault("malformed"))
    with pytest.raises(ValueError):
        calendar(server).json()
    server.faults.set("calendar", parse_fault("wrong-types"))
    entries = calendar(server).json()["entries"]
    assert not isinstance(entries[0]["date"], str)
    server.faults.set("all", parse_fault("500"))
    assert server.client.get("/healthz").status_code == 200  # never faulted
    assert summary_status(server) == 500
    server.faults.clear()
    assert summary_status(server) == 200


def summary_status(server) -> int:
    return server.client.get("/api/v2/summary.json").status_code
