"""Helpers for the sync integration tests: the real reference server in a subprocess on
127.0.0.1, a client clock the test moves, a transport that records (and can lose)
answers, and finished rides written by the real journal."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[3]
LAUNCHER = Path(__file__).with_name("sync_server_launcher.py")
EMAIL = "rider@example.com"
PASSWORD = "correct horse battery"
PASSWORD_ENV = "FW_SYNC_TEST_PASSWORD"


@dataclass
class ServerProcess:
    url: str
    db: Path
    proc: subprocess.Popen[str]
    log: list[str] = field(default_factory=list)

    def admin(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        response = httpx.post(f"{self.url}{path}", json=body, timeout=5)
        response.raise_for_status()
        return dict(response.json())

    def faults(self, **groups: str | None) -> None:
        self.admin("/_admin/faults", {"reset": True, "faults": groups})

    def shift_clock(self, **delta: float) -> None:
        self.admin("/_admin/clock", {"offset_s": timedelta(**delta).total_seconds()})

    def reset(self) -> None:
        self.admin("/_admin/faults", {"reset": True, "faults": {}})
        self.admin("/_admin/clock", {"reset": True})

    def sign_in_raw(self) -> str:
        body = {"email": EMAIL, "password": PASSWORD, "device_name": "test"}
        response = httpx.post(f"{self.url}/api/v1/auth/token", json=body, timeout=5)
        response.raise_for_status()
        return str(response.json()["token"])

    def server_cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "app.server.cli", *args, "--db", str(self.db)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
        )

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)


def start_server(folder: Path, max_ride_bytes: int | None = None) -> ServerProcess:
    folder.mkdir(parents=True, exist_ok=True)
    db = folder / "server.db"
    args = [sys.executable, str(LAUNCHER), str(db), EMAIL, PASSWORD_ENV]
    if max_ride_bytes is not None:
        args.append(str(max_ride_bytes))
    env = dict(os.environ, PYTHONPATH=str(ROOT), **{PASSWORD_ENV: PASSWORD})
    proc = subprocess.Popen(
        args, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    first: list[str] = []
    reader = threading.Thread(target=lambda: first.append(proc.stdout.readline()), daemon=True)
    reader.start()
    reader.join(60)
    if not first or not first[0].startswith("http://127.0.0.1:"):
        proc.kill()
        raise RuntimeError(f"server did not start: {first!r} {proc.stdout.read()[:2000]}")
    server = ServerProcess(first[0].strip(), db, proc)
    # keep draining its output so it can never block on a full pipe
    threading.Thread(target=lambda: server.log.extend(proc.stdout), daemon=True).start()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{server.url}/healthz", timeout=1).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.05)
    server.stop()
    raise RuntimeError("server never became healthy")


# -- the client ---------------------------------------------------------------------------


class ShiftedClock:
    """Real time plus an offset the test moves (the client's notion of "now")."""

    def __init__(self) -> None:
        self.offset = timedelta(0)
        self._mono0 = time.monotonic()

    def monotonic_s(self) -> float:
        return time.monotonic() + self.offset.total_seconds()

    def wall(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def advance(self, **delta: float) -> None:
        self.offset += timedelta(**delta)


class RecordingTransport(httpx.HTTPTransport):
    """The real transport, remembering (method, path, status); can lose responses: the
    request reaches the server, the answer never reaches the client."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[tuple[str, str, int]] = []
        self.lose: dict[str, int] = {}  # method -> how many answers to lose

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = super().handle_request(request)
        response.read()
        self.seen.append((request.method, request.url.path, response.status_code))
        if self.lose.get(request.method, 0) > 0:
            self.lose[request.method] -= 1
            response.close()
            raise httpx.ReadError("connection reset (test: the answer was lost)")
        return response

    def statuses(self, method: str, prefix: str) -> list[int]:
        return [s for m, p, s in self.seen if m == method and p.startswith(prefix)]


@dataclass
class Client:
    paths: Any
    stack: Any
    tokens: Any
    clock: ShiftedClock
    transport: RecordingTransport

    @property
    def session(self) -> Any:
        return self.stack.session

    def sync(self) -> Any:
        return self.stack.worker.run_once("test")

    def library(self) -> Any:
        return self.stack.session.ports.library.store

    def outbox_state(self, ride_id: str) -> tuple[str, int, str | None]:
        import sqlite3

        conn = sqlite3.connect(self.paths.rides_db)
        try:
            row = conn.execute(
                "SELECT state, attempts, last_error FROM outbox WHERE ride_id=?", (ride_id,)
            ).fetchone()
        finally:
            conn.close()
        return row[0], row[1], row[2]

    def due_now(self) -> None:
        """Move the client's clock past every waiting ride's retry time."""
        self.clock.advance(hours=2)


def record_ride(rides_db: Path, seconds: int = 120, ride_id: str | None = None) -> str:
    """A finished ride in rides.db, written by the real journal (so it is queued)."""
    from app.core.ports import TrainerMode
    from app.core.ride.samples import Sample, summarize
    from app.infra.store.journal import JournalWriter

    ride_id = ride_id or str(uuid.uuid4())
    writer = JournalWriter(rides_db)
    try:
        writer.begin(ride_id, "Test Ride", 250.0, datetime.now(UTC).isoformat())
        samples = [
            Sample(
                elapsed_s=i,
                workout_s=float(i),
                power_w=200.0 + i % 7,
                cadence_rpm=90.0,
                hr_bpm=130.0,
                speed_mps=9.0,
                distance_m=9.0 * (i + 1),
                target_w=200,
                mode=TrainerMode.ERG,
                interval_index=0,
            )
            for i in range(seconds)
        ]
        for sample in samples:
            writer.append(ride_id, sample)
        writer.end(ride_id, "complete", datetime.now(UTC).isoformat(), summarize(samples, 250.0))
        writer.flush()
    finally:
        writer.close()
    return ride_id


def server_rides(server: ServerProcess, token: str) -> list[dict[str, Any]]:
    response = httpx.get(
        f"{server.url}/api/v1/rides", timeout=5, headers={"Authorization": f"Bearer {token}"}
    )
    response.raise_for_status()
    return list(response.json()["rides"])


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def dumps(data: Any) -> str:
    return json.dumps(data, default=str)
