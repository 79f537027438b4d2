"""The real server in a subprocess on 127.0.0.1, spoken to with httpx over loopback HTTP:
every fault kind as a client sees it, switched at runtime through /_admin/faults."""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from app.server.seed import create_rider, open_store

ROOT = Path(__file__).resolve().parents[2]
EMAIL, PASSWORD = "live@example.com", "live password 1"
STARTUP_TIMEOUT_S = 30.0
CLIENT_BODY_LIMIT = 1024 * 1024  # what a careful client accepts before giving up


@dataclass
class Live:
    url: str
    token: str
    client: httpx.Client

    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def faults(self, reset: bool = True, **faults: str | None) -> dict[str, str]:
        response = self.client.post("/_admin/faults", json={"faults": faults, "reset": reset})
        assert response.status_code == 200, response.text
        return response.json()["faults"]


def _wait_for_url(log: Path, proc: subprocess.Popen[bytes]) -> str:
    """The URL the server prints first (it may have picked the port itself)."""
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        match = re.search(r"listening on (http://\S+)", log.read_text(errors="replace"))
        if match:
            return match.group(1)
        if proc.poll() is not None:
            pytest.fail(f"server exited with {proc.returncode}:\n{log.read_text()}")
        time.sleep(0.02)
    pytest.fail(f"server did not print its URL within {STARTUP_TIMEOUT_S} s:\n{log.read_text()}")


def _wait_until_healthy(url: str, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/healthz", timeout=1.0).text == "ok":
                return
        except httpx.TransportError:
            time.sleep(0.02)
    pytest.fail(f"/healthz did not answer within {STARTUP_TIMEOUT_S} s:\n{log.read_text()}")


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    folder = tmp_path_factory.mktemp("live")
    db = folder / "server.db"
    create_rider(open_store(db, datetime.now(UTC)), EMAIL, PASSWORD, now=datetime.now(UTC))
    log = folder / "server.log"
    command = [
        sys.executable, "-m", "app.server.cli", "--db", str(db), "--host", "127.0.0.1",
        "--port", "0", "--admin", "--fault", "status=503:retry-after=7", "--no-access-log",
        "--graceful-timeout", "1",
    ]  # fmt: skip
    env = dict(os.environ, FREEWHEEL_HOME=str(folder), PYTHONUNBUFFERED="1")
    with log.open("wb") as out:
        proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        url = _wait_for_url(log, proc)
        assert url.startswith("http://127.0.0.1:")
        _wait_until_healthy(url, log)
        with httpx.Client(base_url=url, timeout=httpx.Timeout(5.0)) as client:
            signed_in = client.post(
                "/api/v1/auth/token",
                json={"email": EMAIL, "password": PASSWORD, "device_name": "live test"},
            )
            assert signed_in.status_code == 200, signed_in.text
            yield Live(url, signed_in.json()["token"], client)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def test_a_fault_given_on_the_command_line_is_on_from_the_start(live):
    response = live.client.get("/api/v2/summary.json")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "7"
    assert response.json()["error"] == "service_unavailable"
    assert live.faults() == {}
    assert live.client.get("/api/v2/summary.json").status_code == 200


def test_status_fault_with_retry_after(live):
    live.faults(library="503:retry-after=5")
    response = live.client.get("/api/v1/library", headers=live.auth())
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert set(response.json()) == {"error", "message"}


def test_latency_delays_then_answers(live):
    live.faults(calendar="latency:400")
    started = time.monotonic()
    response = live.client.get("/api/v1/calendar", headers=live.auth())
    assert response.status_code == 200
    assert time.monotonic() - started >= 0.4
    assert response.json()["entries"]


def test_a_hang_times_the_client_out_and_blocks_nobody_else(live):
    live.faults(library="hang:30")
    outcome: list[BaseException] = []

    def hung_request() -> None:
        with httpx.Client(base_url=live.url, timeout=httpx.Timeout(5.0, read=1.0)) as client:
            try:
                client.get("/api/v1/library", headers=live.auth())
            except httpx.HTTPError as exc:
                outcome.append(exc)

    worker = threading.Thread(target=hung_request)
    worker.start()
    try:
        # while that request hangs, the server answers others at once
        started = time.monotonic()
        assert live.client.get("/api/v1/me", headers=live.auth()).status_code == 200
        assert live.client.get("/healthz").text == "ok"
        assert time.monotonic() - started < 0.9
    finally:
        worker.join(timeout=10)
    assert len(outcome) == 1
    assert isinstance(outcome[0], httpx.ReadTimeout)


def test_a_dropped_connection_is_a_remote_protocol_error(live):
    live.faults(rides="drop")
    with pytest.raises(httpx.RemoteProtocolError, match="peer closed connection"):
        live.client.get("/api/v1/rides", headers=live.auth())
    assert live.client.get("/healthz").text == "ok"  # the server itself is fine


def test_malformed_json_fails_to_parse(live):
    live.faults(calendar="malformed")
    response = live.client.get("/api/v1/calendar", headers=live.auth())
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    with pytest.raises(json.JSONDecodeError):
        response.json()


def test_wrong_types_are_valid_json_of_the_wrong_shape(live):
    live.faults(profile="wrong-types")
    body = live.client.get("/api/v1/me", headers=live.auth()).json()
    assert isinstance(body["ftp_w"], str)
    assert isinstance(body["entitlement"], list)


class BodyTooLarge(Exception):
    pass


def test_an_endless_body_is_cut_off_by_the_clients_own_limit(live):
    live.faults(library="endless:20")
    started = time.monotonic()
    received = 0
    with (
        pytest.raises(BodyTooLarge),
        live.client.stream("GET", "/api/v1/library", headers=live.auth()) as response,
    ):
        assert response.status_code == 200
        assert "content-length" not in response.headers
        for chunk in response.iter_bytes():
            received += len(chunk)
            if received > CLIENT_BODY_LIMIT:
                raise BodyTooLarge(received)
    assert received > CLIENT_BODY_LIMIT
    assert time.monotonic() - started < 5  # data keeps coming: a read timeout never fires


def test_times_makes_a_fault_hit_only_the_next_requests(live):
    live.faults(auth="500:times=1")
    first = live.client.post("/api/v1/auth/renew", headers=live.auth())
    assert (first.status_code, first.json()["error"]) == (500, "internal_error")
    assert live.client.post("/api/v1/auth/renew", headers=live.auth()).status_code == 200
    assert live.faults(reset=False) == {}


def test_after_clearing_every_endpoint_works_again(live):
    live.faults(**{"all": "503"})
    assert live.client.get("/api/v1/me", headers=live.auth()).status_code == 503
    assert live.faults() == {}
    for path in ("/api/v1/me", "/api/v1/library", "/api/v1/calendar", "/api/v1/rides"):
        assert live.client.get(path, headers=live.auth()).status_code == 200, path
    assert live.client.get("/api/v2/summary.json").json()["status"]["indicator"] == "none"

    data = _fit()
    headers = {**live.auth(), "Content-Type": "application/vnd.ant.fit",
               "Content-SHA256": hashlib.sha256(data).hexdigest()}  # fmt: skip
    path = "/api/v1/rides/5d0c2f5e-6f0e-4a59-9d5b-1b1c2d3e4f50"
    assert live.client.put(path, content=data, headers=headers).status_code == 201
    assert live.client.put(path, content=data, headers=headers).status_code == 200


def test_the_admin_clock_expires_tokens(live):
    try:
        shifted = live.client.post("/_admin/clock", json={"advance_s": 31 * 86400})
        assert shifted.status_code == 200
        response = live.client.get("/api/v1/me", headers=live.auth())
        assert (response.status_code, response.json()["error"]) == (401, "token_expired")
    finally:
        live.client.post("/_admin/clock", json={"reset": True})
    assert live.client.get("/api/v1/me", headers=live.auth()).status_code == 200


def _fit() -> bytes:
    from app.core.fit.encoder import FitEncoder

    start = datetime(2025, 5, 1, 18, 0, tzinfo=UTC)
    enc = FitEncoder()
    enc.add("file_id", type=4, manufacturer=255, product=1, serial_number=7, time_created=start)
    enc.add("record", timestamp=start, power=180)
    enc.add("session", timestamp=start, start_time=start, total_elapsed_time=60)
    enc.add("activity", timestamp=start, num_sessions=1)
    return enc.finish()
