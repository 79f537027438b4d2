"""Acceptance: six weeks offline, then one sign-in and everything arrives, once.

The rider signs in against the REAL reference server (a subprocess on 127.0.0.1) and syncs
once. Then the server goes away (stopped) and the rider keeps riding: 20 rides on the real
ride stack (VirtualClock, short workouts), one every 2.1 days of the client's injected
clock, so six weeks pass and the 30-day token expires on the client's clock. Syncs while
offline say "offline", keep the (now expired) token and keep every ride queued.

The server comes back at the same address with its clock moved six weeks on
(/_admin/clock), so both sides agree the token is dead: the next sync says "sign in
needed" and deletes nothing. The rider signs in again; the next sync uploads all 20 rides
exactly once, and pulls the library change (a workout added server-side with
`server add-workout` while the rider was away) and the calendar for the new "today".
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import datetime, timedelta
from hashlib import sha256
from pathlib import Path
from urllib.parse import urlsplit

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("uvicorn")

from sync_acceptance_support import (
    RIDE_FTP_W,
    ServerProcess,
    ShiftedClock,
    make_client,
    seed_server_db,
    server_db_ride_ids,
    server_rides,
    short_workout,
    sign_in,
    start_server_on_port,
)

from app.compose.ride import build_ride_stack
from app.core.auth.token import TokenStorage
from app.core.sync.status import SyncState
from app.core.workouts.formats import write_workout
from app.infra.export.fit_activity import encode_fit_activity
from app.infra.export.ride_export import load_export_ride
from app.runtime.clock import VirtualClock

RIDES = 20
OFFLINE = timedelta(weeks=6)
RIDE_S = 240  # virtual seconds per ride: the ride stack runs them as fast as it can
# ride counts after which a sync runs offline (after ride 15 the token has expired on the
# client's clock: the sync must renew first, cannot, and must still keep the token)
OFFLINE_SYNCS_AFTER = (1, 10, 16, 20)
NEW_WORKOUT_ID = "back-from-holiday"


@pytest.fixture
def servers(tmp_path: Path) -> Iterator[list[ServerProcess]]:
    """The server processes this test starts (the last one is the live one). Started with
    the server's own CLI, so it can come back on the same port after a stop."""
    started = [start_server_on_port(seed_server_db(tmp_path / "server" / "server.db"))]
    yield started
    for server in started:
        server.stop()


def fit_sha(rides_db: Path, ride_id: str) -> str:
    """SHA-256 of the ride's FIT activity file as the client encodes it (deterministic)."""
    return sha256(encode_fit_activity(load_export_ride(rides_db, ride_id))).hexdigest()


def journaled_starts(rides_db: Path, ride_ids: list[str]) -> list[datetime]:
    """Each ride's journaled start: the wall time of the ride stack's injected clock."""
    conn = sqlite3.connect(rides_db)
    try:
        found = dict(conn.execute("SELECT id, started_at FROM rides").fetchall())
    finally:
        conn.close()
    return [datetime.fromisoformat(found[r]) for r in ride_ids]


def test_six_weeks_offline_then_one_sign_in_uploads_all_twenty_exactly_once(
    servers: list[ServerProcess], tmp_path: Path
) -> None:
    server = servers[0]
    url = server.url
    clock = ShiftedClock()  # the client's "now": real time plus what the test adds
    client = make_client(tmp_path / "client", url, sign_in(url), clock=clock)
    ride_clock = VirtualClock(wall0=clock.wall())
    ride_stack = build_ride_stack(
        client.paths, clock=ride_clock, ftp_w=RIDE_FTP_W, after_ride=client.worker.ride_finished
    )
    try:
        # -- signed in and synced once, online -----------------------------------------------
        first = client.worker.run_once("first sync")
        assert first.state is SyncState.UP_TO_DATE, first.message
        token = client.tokens.load()
        assert token is not None
        assert token.expires_at < clock.wall() + OFFLINE  # the 30-day token will not last
        library_before = {e.id for e in client.library().entries() if e.source == "synced"}
        assert library_before and f"synced:{NEW_WORKOUT_ID}" not in library_before

        # -- offline: the server is gone, six weeks of riding --------------------------------
        port = urlsplit(url).port
        assert port is not None
        server.stop()
        ride_ids: list[str] = []
        gap = OFFLINE / RIDES
        for n in range(1, RIDES + 1):
            clock.advance(seconds=gap.total_seconds())
            ride_clock.advance(gap.total_seconds())
            handle = ride_stack.start(short_workout(RIDE_S, f"Offline ride {n}"), ftp_w=RIDE_FTP_W)
            assert handle.done.result(timeout=60) is not None
            ride_ids.append(handle.ride_id)
            if n in OFFLINE_SYNCS_AFTER:
                ride_stack.journal.flush()
                offline = client.worker.run_once(f"offline after ride {n}")
                assert offline.state is SyncState.OFFLINE, offline.message
                assert offline.rides_waiting == n and offline.rides_failed == 0
                # a network error is not an auth problem: the token stays, even expired
                assert client.tokens.load() == token
        ride_stack.journal.flush()
        assert clock.wall() >= token.expires_at + timedelta(days=10)  # expired on our clock
        assert len(set(ride_ids)) == RIDES
        started = journaled_starts(client.paths.rides_db, ride_ids)
        assert started == sorted(started)
        assert started[-1] - started[0] >= OFFLINE - gap - timedelta(hours=1)  # six weeks

        # -- the server comes back, six weeks on ---------------------------------------------
        server = start_server_on_port(server.db, port)
        servers.append(server)
        assert server.url == url
        server.shift_clock(seconds=clock.offset.total_seconds())  # the server agrees on "now"
        mark = len(client.wire.exchanges)
        back = client.worker.run_once("back online")
        assert back.state is SyncState.SIGN_IN_NEEDED, back.message
        assert "sign in" in back.message.lower()
        assert back.rides_waiting == RIDES and back.rides_failed == 0
        assert back.token_state is TokenStorage.SIGNED_OUT
        assert client.tokens.load() is None  # the dead token is forgotten, nothing else is
        renewals = [
            (e.path, e.status) for e in client.wire.exchanges[mark:] if e.path.endswith("/renew")
        ]
        assert renewals == [("/api/v1/auth/renew", 401)]
        assert not any(e.method == "PUT" for e in client.wire.exchanges[mark:])
        # nothing deleted: every ride complete with every sample, every ride still queued
        journaled = client.samples()
        assert {r: journaled[r] for r in ride_ids} == dict.fromkeys(ride_ids, ("complete", RIDE_S))
        rows = client.outbox()
        assert {r: rows[r]["state"] for r in ride_ids} == dict.fromkeys(ride_ids, "pending")
        assert server_db_ride_ids(server.db) == set()

        # -- meanwhile the library changed on the server -------------------------------------
        new_file = tmp_path / f"{NEW_WORKOUT_ID}.zwo"
        new_file.write_bytes(
            write_workout(short_workout(1800, "Back From Holiday"), new_file.name, ftp_w=250).data
        )
        added = server.server_cli("add-workout", str(new_file), "--tag", "endurance")
        assert added.returncode == 0, added.stderr

        # -- the rider signs in again; the next sync brings everything up to date ------------
        library = client.library()
        today = clock.wall().astimezone().date()
        last_day = today + timedelta(days=27)
        assert library.calendar(today.isoformat(), last_day.isoformat()) == []  # not yet
        client.tokens.save(sign_in(url).for_server(url))
        mark = len(client.wire.exchanges)
        synced = client.worker.run_once("signed in again")
        assert synced.state is SyncState.UP_TO_DATE, synced.message
        assert synced.rides_waiting == 0 and synced.rides_failed == 0
        assert synced.last_success_at is not None and synced.last_success_at >= clock.wall() - (
            timedelta(minutes=5)
        )
        uploads = [e for e in client.wire.exchanges[mark:] if e.method == "PUT"]
        assert sorted(e.path.rsplit("/", 1)[-1] for e in uploads) == sorted(ride_ids)
        assert {e.status for e in uploads} == {201}  # each once, each newly stored
        rows = client.outbox()
        assert {r: rows[r]["state"] for r in ride_ids} == dict.fromkeys(ride_ids, "delivered")
        viewer = sign_in(url).secret.reveal()
        listed = server_rides(server, viewer)
        assert sorted(r["id"] for r in listed) == sorted(ride_ids)  # once each, nothing else
        for ride in listed:
            assert ride["sha256"] == fit_sha(client.paths.rides_db, ride["id"])
            assert ride["duration_s"] == RIDE_S
        # the library: the workout added while the rider was away is there, parsed
        entry = library.get(f"synced:{NEW_WORKOUT_ID}")
        assert entry is not None and entry.name == "Back From Holiday"
        assert entry.duration_s == 1800
        assert {e.id for e in library.entries() if e.source == "synced"} == library_before | {
            f"synced:{NEW_WORKOUT_ID}"
        }
        # the calendar: the 28 days from the new "today", six weeks on
        window = library.calendar(today.isoformat(), last_day.isoformat())
        assert 20 <= len(window) <= 28, window
        synced_ids = {e.id for e in library.entries() if e.source == "synced"}
        assert all(f"synced:{workout_id}" in synced_ids for _, workout_id, _ in window)

        # -- and the sync after that has nothing left to send --------------------------------
        mark = len(client.wire.exchanges)
        again = client.worker.run_once("again")
        assert again.state is SyncState.UP_TO_DATE, again.message
        assert not any(e.method == "PUT" for e in client.wire.exchanges[mark:])
        assert len(server_rides(server, viewer)) == RIDES
    finally:
        ride_stack.close()
        client.close()
