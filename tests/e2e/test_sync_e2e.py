"""End to end with a real Secret Service: `freewheel signin` in one process stores the token
in the keyring, a separate `freewheel sync --once` uses it, and the token is nowhere else:
not in the data folder, not in the logs, not in `freewheel status --json`.

Needs a D-Bus session with an unlocked gnome-keyring (see .ci/run):

    dbus-run-session -- sh -c 'printf pw | gnome-keyring-daemon --unlock --components=secrets \\
        >/dev/null; .venv/bin/python -m pytest tests/e2e/test_sync_e2e.py'

Skipped otherwise. Uses its own keyring service name, so it never touches a rider's entry.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
LAUNCHER = ROOT / "tests" / "integration" / "sync" / "sync_server_launcher.py"
EMAIL = "rider@example.com"
PASSWORD = "correct horse battery"

pytestmark = pytest.mark.skipif(
    not os.environ.get("DBUS_SESSION_BUS_ADDRESS") or not shutil.which("gnome-keyring-daemon"),
    reason="needs a D-Bus session and gnome-keyring (see .ci/run)",
)


# A real set/get/delete: a locked keyring or a daemon that could not start is still
# *selected* as SecretService, but fails here; then the test is skipped, not failed.
_ROUND_TRIP = """
import os
from app.infra.keystore import select_backend
ring = select_backend()
name = type(ring).__module__ if ring is not None else "none"
service = os.environ["FREEWHEEL_KEYRING_SERVICE"] + "-probe"
ring.set_password(service, "probe", "x")
assert ring.get_password(service, "probe") == "x"
ring.delete_password(service, "probe")
print(name.rsplit(".", 1)[-1], "ok")
"""


def _env(tmp_path: Path, service: str) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHON_KEYRING_BACKEND", None)
    env.update(
        FREEWHEEL_HOME=str(tmp_path / "fw"),
        FREEWHEEL_KEYRING_SERVICE=service,
        FREEWHEEL_PASSWORD=PASSWORD,
        PYTHONPATH=str(ROOT),
        FW_E2E_PASSWORD=PASSWORD,
    )
    return env


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)


def _keyring_entry(env: dict[str, str]) -> str | None:
    code = (
        "import keyring, os, json; "
        "print(json.dumps(keyring.get_password(os.environ['FREEWHEEL_KEYRING_SERVICE'], "
        "'sync-token')))"
    )
    result = _run([sys.executable, "-c", code], env)
    assert result.returncode == 0, result.stderr
    value = json.loads(result.stdout)
    return None if value is None else str(value)


@pytest.fixture
def server(tmp_path):
    env = dict(os.environ, PYTHONPATH=str(ROOT), FW_E2E_PASSWORD=PASSWORD)
    proc = subprocess.Popen(
        [sys.executable, str(LAUNCHER), str(tmp_path / "server.db"), EMAIL, "FW_E2E_PASSWORD"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    first: list[str] = []
    reader = threading.Thread(target=lambda: first.append(proc.stdout.readline()), daemon=True)
    reader.start()
    reader.join(60)
    try:
        assert first and first[0].startswith("http://127.0.0.1:"), first
        url = first[0].strip()
        threading.Thread(target=lambda: [None for _ in proc.stdout], daemon=True).start()
        deadline = time.monotonic() + 30
        while httpx.get(f"{url}/healthz", timeout=1).status_code != 200:
            assert time.monotonic() < deadline
            time.sleep(0.05)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


def test_token_in_the_secret_service_and_nowhere_else(server, tmp_path):
    service = f"freewheel-e2e-{uuid.uuid4().hex[:8]}"
    env = _env(tmp_path, service)
    probe = _run([sys.executable, "-c", _ROUND_TRIP], env)
    if probe.returncode != 0 or "SecretService ok" not in probe.stdout:
        pytest.skip(f"no usable Secret Service here: {probe.stdout.strip()} {probe.stderr[-300:]}")
    logs: list[str] = []

    def fw(*args: str) -> subprocess.CompletedProcess[str]:
        result = _run([sys.executable, "-m", "app", *args], env)
        logs.extend([result.stdout, result.stderr])
        return result

    try:
        ride = fw("ride", "--simulate", "--workout", "recovery-spin-20", "--speed", "max")
        assert ride.returncode == 0, ride.stderr
        signin = fw("signin", "--server", server, "--email", EMAIL)
        assert signin.returncode == 0, signin.stderr
        assert "(token: in keyring)" in signin.stdout
        entry = _keyring_entry(env)
        assert entry is not None
        token = json.loads(entry)["token"]
        assert len(token) >= 16

        synced = fw("sync", "--once", "-vv")  # a separate process: the token from the keyring
        assert synced.returncode == 0, synced.stdout + synced.stderr
        assert synced.stdout.startswith("[up_to_date]")
        rides = httpx.get(f"{server}/api/v1/rides", headers={"Authorization": f"Bearer {token}"})
        assert len(rides.json()["rides"]) == 1

        status = fw("status", "--json")
        data = json.loads(status.stdout)
        assert data["token_state"] == "in keyring" and data["state"] == "up_to_date"

        # the token: absent from the data folder, the logs and `status --json`
        assert token not in status.stdout
        assert token not in "".join(logs)
        for path in (tmp_path / "fw").rglob("*"):
            if path.is_file():
                assert token.encode() not in path.read_bytes(), path
        settings = json.loads((tmp_path / "fw" / "settings.json").read_text())
        assert settings == {"server_url": server, "token_storage": "keyring"}

        assert fw("signout").returncode == 0
        assert _keyring_entry(env) is None
    finally:
        code = (
            "import keyring, os\ntry:\n    keyring.delete_password(os.environ["
            "'FREEWHEEL_KEYRING_SERVICE'], 'sync-token')\nexcept Exception:\n    pass"
        )
        _run([sys.executable, "-c", code], env)
