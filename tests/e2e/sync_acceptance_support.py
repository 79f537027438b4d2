"""Shared pieces of the sync acceptance tests (tests/e2e/test_sync_fault_matrix.py,
tests/e2e/test_six_weeks_offline.py) and bench/bench_sync.py.

Reuses the integration suite's server helpers (tests/integration/sync/sync_server_fixtures.py:
the REAL reference server in a subprocess on 127.0.0.1) and adds what those tests need on
top: a client built exactly as the app builds it (`build_sync_stack`) with a recording
transport that never reads a body itself, a sync-worker watcher that waits on events (no
sleeps), the tick-jitter arithmetic, short workouts, and a server started on a chosen port
(to bring a stopped server back at the same address).

Not a test module (no `test_` prefix) and not a package: the test modules import it by
name, as pytest puts tests/e2e on sys.path; the bench adds that folder itself.
"""

from __future__ import annotations

import itertools
import math
import os
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

_SYNC_FIXTURES = Path(__file__).resolve().parents[1] / "integration" / "sync"
if str(_SYNC_FIXTURES) not in sys.path:
    sys.path.insert(0, str(_SYNC_FIXTURES))

from sync_server_fixtures import (  # noqa: E402  (needs the path above)
    EMAIL,
    PASSWORD,
    ROOT,
    ServerProcess,
    ShiftedClock,
    server_rides,
    start_server,
)

from app.core.auth.token import Token  # noqa: E402
from app.core.sync.status import SyncStatus  # noqa: E402
from app.core.workouts.model import Step, StepKind, StepRole, Workout  # noqa: E402

__all__ = [
    "EMAIL",
    "PASSWORD",
    "RIDE_FTP_W",
    "ROOT",
    "ClientRig",
    "Exchange",
    "ServerProcess",
    "ShiftedClock",
    "SyncNudger",
    "SyncWatch",
    "WireLog",
    "jitter_ride_s",
    "make_client",
    "outbox_rows",
    "p99",
    "reserve_port",
    "revoke",
    "sample_counts",
    "seed_server_db",
    "server_db_ride_ids",
    "server_rides",
    "short_workout",
    "sign_in",
    "start_server",
    "start_server_on_port",
]

RIDE_FTP_W = 250.0


# -- rides -------------------------------------------------------------------------------------


def short_workout(seconds: int, name: str = "Acceptance spin") -> Workout:
    """A short ERG workout: a ramp in, a steady block, a ramp out (`seconds` in all)."""
    third = max(1, seconds // 3)
    return Workout(
        name=name,
        elements=(
            Step(StepKind.RAMP, third, 0.5, 0.7, role=StepRole.WARMUP),
            Step(StepKind.STEADY, seconds - 2 * third, 0.75, 0.75),
            Step(StepKind.RAMP, third, 0.7, 0.5, role=StepRole.COOLDOWN),
        ),
        category="Endurance",
    )


class SyncNudger:
    """A RideObserver that presses "Sync now" every `every` ride-seconds, from the device
    loop (request_sync only sets a flag, so this is what the ride path may do)."""

    def __init__(self, sync_now: Callable[[], None], every: int = 10) -> None:
        self._sync_now = sync_now
        self._every = every
        self._samples = 0
        self.nudges = 0

    def on_sample(self, sample: object, status: object) -> None:
        self._samples += 1
        if self._samples % self._every == 0:
            self.nudges += 1
            self._sync_now()

    def on_status(self, status: object) -> None:
        pass

    def on_finished(self, summary: object, status: object) -> None:
        pass

    def on_trainer_message(self, message: str) -> None:
        pass


def jitter_ride_s(times_s: list[float], period_s: float = 1.0) -> list[float]:
    """|interval - period| for every pair of consecutive ticks (same unit as the times)."""
    return [abs((b - a) - period_s) for a, b in itertools.pairwise(times_s)]


def p99(values: list[float]) -> float:
    """The 99th percentile (nearest rank); 0.0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.99 * len(ordered)) - 1)]


def server_db_ride_ids(server_db: Path) -> set[str]:
    """Ride ids in the server's database, read directly (read-only): the server-side truth
    while its API is the thing being broken."""
    conn = sqlite3.connect(f"{Path(server_db).as_uri()}?mode=ro", uri=True)
    try:
        return {str(r[0]) for r in conn.execute("SELECT id FROM rides")}
    finally:
        conn.close()


def sample_counts(rides_db: Path) -> dict[str, tuple[str, int]]:
    """ride id -> (journal state, number of 1 Hz samples), read with a fresh connection."""
    conn = sqlite3.connect(rides_db)
    try:
        rows = conn.execute(
            "SELECT r.id, r.state, (SELECT COUNT(*) FROM samples s WHERE s.ride_id = r.id) "
            "FROM rides r"
        ).fetchall()
    finally:
        conn.close()
    return {str(r[0]): (str(r[1]), int(r[2])) for r in rows}


def outbox_rows(rides_db: Path) -> dict[str, dict[str, Any]]:
    """ride id -> the outbox row (state, attempts, next_attempt_at, last_error, updated_at)."""
    conn = sqlite3.connect(rides_db)
    try:
        rows = conn.execute(
            "SELECT ride_id, state, attempts, next_attempt_at, last_error, updated_at FROM outbox"
        ).fetchall()
    finally:
        conn.close()
    keys = ("state", "attempts", "next_attempt_at", "last_error", "updated_at")
    return {str(r[0]): dict(zip(keys, r[1:], strict=True)) for r in rows}


# -- the wire ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Exchange:
    at_s: float  # time.monotonic() when the answer's head (or the failure) came
    method: str
    path: str
    status: int | None  # None: no answer (see error)
    error: str = ""  # the httpx exception's class name when there was no answer


class WireLog(httpx.HTTPTransport):
    """The real transport, noting (method, path, status) of every exchange as soon as the
    head arrives. Unlike the integration suite's RecordingTransport it never reads a body
    itself, so the client's own size and time limits meet an endless body."""

    def __init__(self) -> None:
        super().__init__()
        self.exchanges: list[Exchange] = []
        self.sent: list[tuple[float, str, str]] = []  # (time.monotonic(), method, path)
        self._lock = threading.Lock()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        with self._lock:
            self.sent.append((time.monotonic(), request.method, request.url.path))
        try:
            response = super().handle_request(request)
        except httpx.TransportError as exc:
            self._note(Exchange(time.monotonic(), request.method, request.url.path, None,
                                type(exc).__name__))  # fmt: skip
            raise
        self._note(Exchange(time.monotonic(), request.method, request.url.path,
                            response.status_code))  # fmt: skip
        return response

    def _note(self, exchange: Exchange) -> None:
        with self._lock:
            self.exchanges.append(exchange)

    def sent_between(self, start_s: float, end_s: float) -> list[tuple[float, str, str]]:
        """Requests sent in [start_s, end_s), answered or not (a hung one has no answer)."""
        with self._lock:
            return [s for s in self.sent if start_s <= s[0] < end_s]

    def since(self, at_s: float) -> list[Exchange]:
        with self._lock:
            return [e for e in self.exchanges if e.at_s >= at_s]

    def between(self, start_s: float, end_s: float) -> list[Exchange]:
        with self._lock:
            return [e for e in self.exchanges if start_s <= e.at_s < end_s]

    def stored(self, ride_id: str) -> int:
        """How many uploads of this ride the server answered 201 Created."""
        with self._lock:
            return sum(
                1
                for e in self.exchanges
                if e.method == "PUT" and e.path.endswith(f"/{ride_id}") and e.status == 201
            )


# -- the sync worker ---------------------------------------------------------------------------


@dataclass
class _Sync:
    number: int
    started_s: float
    finished_s: float | None = None
    status: SyncStatus | None = None


class SyncWatch:
    """Listens to a SyncWorker and lets a test wait for "sync number N has finished".

    The worker publishes twice per sync (when it starts, when it ends) on its own thread;
    `worker.syncs` counts the syncs started. Waiting is on a Condition with a deadline."""

    def __init__(self, worker: Any) -> None:
        self.worker = worker
        self._cond = threading.Condition()
        self.syncs: dict[int, _Sync] = {}
        self.all_statuses: list[SyncStatus] = []
        worker.add_listener(self._on_status)

    def _on_status(self, status: SyncStatus) -> None:
        number = int(self.worker.syncs)
        now = time.monotonic()
        with self._cond:
            self.all_statuses.append(status)
            sync = self.syncs.get(number)
            if sync is None:
                self.syncs[number] = _Sync(number, now)
            else:
                sync.finished_s, sync.status = now, status
            self._cond.notify_all()

    def started(self) -> int:
        """How many syncs have started so far."""
        return int(self.worker.syncs)

    def wait_finished(self, number: int, timeout_s: float = 60.0) -> SyncStatus | None:
        """The final status of sync `number` (1-based), once it has ended; None if
        number is 0 (no sync yet). Raises TimeoutError after `timeout_s`."""
        if number <= 0:
            return None
        deadline = time.monotonic() + timeout_s
        with self._cond:
            while True:
                sync = self.syncs.get(number)
                if sync is not None and sync.status is not None:
                    return sync.status
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"sync {number} did not finish in {timeout_s:g} s")
                self._cond.wait(remaining)

    def finished_between(self, start_s: float, end_s: float) -> list[SyncStatus]:
        with self._cond:
            return [
                s.status
                for s in self.syncs.values()
                if s.status is not None and s.finished_s is not None
                and start_s <= s.finished_s < end_s
            ]  # fmt: skip

    def unexpected_failures(self) -> list[SyncStatus]:
        """Statuses that say a sync crashed (a bug), rather than met a server problem."""
        with self._cond:
            return [s for s in self.all_statuses if "unexpectedly" in s.message]


# -- the client --------------------------------------------------------------------------------


def sign_in(url: str, device: str = "acceptance bike") -> Token:
    """A real sign-in (POST /api/v1/auth/token) through the app's own client."""
    from app.infra.http.backend import BackendClient

    with BackendClient(url, lambda: None) as client:
        return client.sign_in(EMAIL, PASSWORD, device)


def revoke(url: str, token: Token) -> None:
    """Sign this token out server-side (what "sign out everywhere" on the website does)."""
    response = httpx.delete(
        f"{url}/api/v1/auth/token",
        headers={"Authorization": f"Bearer {token.secret.reveal()}"},
        timeout=5,
    )
    assert response.status_code == 204, response.text


@dataclass
class ClientRig:
    """One rider's computer: its folders, its sync stack, its clock and its wire."""

    paths: Any
    stack: Any
    tokens: Any
    clock: ShiftedClock
    wire: WireLog
    watch: SyncWatch
    closers: list[Callable[[], None]] = field(default_factory=list)

    @property
    def worker(self) -> Any:
        return self.stack.worker

    def outbox(self) -> dict[str, dict[str, Any]]:
        return outbox_rows(self.paths.rides_db)

    def samples(self) -> dict[str, tuple[str, int]]:
        return sample_counts(self.paths.rides_db)

    def payload_sha(self, ride_id: str) -> str:
        """The SHA-256 of the exact bytes this client uploads (or uploaded) for the ride:
        the cached upload file the outbox sends on every retry."""
        from app.infra.sync_store import FitUploadPayloads

        payloads = FitUploadPayloads(self.paths.rides_db, self.paths.data_dir / "outbox")
        return payloads.payload(ride_id)[1]

    def library(self) -> Any:
        return self.stack.session.ports.library.store

    def close(self) -> None:
        """The sync stack first (it stops the worker), then what was lent to it."""
        self.stack.close()
        for closer in reversed(self.closers):
            closer()


def make_client(
    root: Path,
    server_url: str,
    token: Token | None,
    *,
    clock: ShiftedClock | None = None,
    library: Any = None,
    interval_s: float = 300.0,
    **seams: Any,
) -> ClientRig:
    """A client configured for `server_url` (settings.json) with `token` in a memory token
    store, wired by the app's own `build_sync_stack` (`seams`: more SyncOverrides, e.g.
    http_timeout). The worker is not started."""
    from app.compose.sync import SyncOverrides, build_sync_stack
    from app.infra.keystore import MemoryTokenStore
    from app.infra.paths import AppPaths
    from app.infra.sync_store import update_sync_settings

    paths = AppPaths(root / "data", root / "cache", root / "config").ensure()
    update_sync_settings(paths.settings_file, server_url=server_url)
    tokens = MemoryTokenStore(token.for_server(server_url) if token is not None else None)
    clock = clock or ShiftedClock()
    wire = WireLog()
    overrides = SyncOverrides(tokens=tokens, clock=clock, transport=wire, rand=lambda: 0.5, **seams)
    stack = build_sync_stack(paths, library=library, interval_s=interval_s, overrides=overrides)
    return ClientRig(paths, stack, tokens, clock, wire, SyncWatch(stack.worker))


# -- the server --------------------------------------------------------------------------------


def reserve_port() -> socket.socket:
    """A loopback port that refuses connections: bound, never listening. Close the socket
    to hand the port to a server."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.bind(("127.0.0.1", 0))
    return sock


def seed_server_db(db: Path, extra: Callable[[Any], None] | None = None) -> Path:
    """A server database with the bundled library and the test rider (as the integration
    suite's launcher seeds it); `extra(store)` may add more before any server opens it."""
    from datetime import UTC, datetime

    from app.server.seed import create_rider, open_store

    db.parent.mkdir(parents=True, exist_ok=True)
    now = datetime.now(UTC)
    store = open_store(db, now)
    create_rider(store, EMAIL, PASSWORD, now=now, ftp_w=250)
    if extra is not None:
        extra(store)
    return db


def start_server_on_port(db: Path, port: int = 0) -> ServerProcess:
    """The reference server (`python -m app.server.cli`, with the admin endpoints) on
    127.0.0.1:`port`, serving an existing database: a stopped server brought back at the
    same address, or a second server process sharing the module server's database. `port`
    0 picks a free one. The CLI binds with SO_REUSEADDR, so a server it started can be
    stopped and started again on the same port at once (the integration suite's launcher
    binds without it: its port stays taken while old connections linger)."""
    args = [sys.executable, "-m", "app.server.cli", "--host", "127.0.0.1", "--port", str(port),
            "--db", str(db), "--admin", "--no-access-log", "--log-level", "warning",
            "--graceful-timeout", "1"]  # fmt: skip
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen(
        args, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    stdout = proc.stdout
    assert stdout is not None
    first: list[str] = []
    reader = threading.Thread(target=lambda: first.append(stdout.readline()), daemon=True)
    reader.start()
    reader.join(60)
    prefix = "Freewheel server listening on "
    if not first or not first[0].startswith(prefix):
        proc.kill()
        raise RuntimeError(f"server did not start: {first!r} {stdout.read()[:2000]}")
    server = ServerProcess(first[0][len(prefix) :].strip(), db, proc)
    # keep draining its output so it can never block on a full pipe
    threading.Thread(target=lambda: server.log.extend(stdout), daemon=True).start()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:  # readiness of a subprocess: poll with a deadline
        try:
            if httpx.get(f"{server.url}/healthz", timeout=1).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.05)
    server.stop()
    raise RuntimeError("server never became healthy")
