"""`freewheel signin | sync --once | status | signout` as real subprocesses against the real
server. The keyring is forced to keyring's `fail` backend here (no keyring: memory only),
so nothing can reach a developer's own keyring; tests/e2e/test_sync_e2e.py covers a real
Secret Service."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import httpx
from sync_server_fixtures import EMAIL, PASSWORD, ROOT, start_server

SYNC = [sys.executable, "-m", "app"]


def env_for(tmp_path: Path, **extra: str) -> dict[str, str]:
    home = tmp_path / "home"
    env = dict(os.environ)
    env.pop("DBUS_SESSION_BUS_ADDRESS", None)
    env.update(
        FREEWHEEL_HOME=str(tmp_path / "fw"),
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_DATA_HOME=str(home / ".local" / "share"),
        PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring",
        FREEWHEEL_PASSWORD=PASSWORD,
        PYTHONPATH=str(ROOT),
    )
    env.update(extra)
    return env


def run(args: list[str], env: dict[str, str], stdin: str | None = None):
    return subprocess.run(
        args, env=env, cwd=ROOT, capture_output=True, text=True, timeout=120, input=stdin
    )


def ride(env: dict[str, str]) -> None:
    result = run(
        [
            sys.executable,
            "-m",
            "app",
            "ride",
            "--simulate",
            "--workout",
            "recovery-spin-20",
            "--speed",
            "max",
            "--json",
        ],
        env,
    )
    assert result.returncode == 0, result.stderr


def all_bytes_under(folder: Path) -> list[tuple[Path, bytes]]:
    return [(p, p.read_bytes()) for p in folder.rglob("*") if p.is_file()]


def test_signin_sync_status_signout_with_the_plaintext_opt_in(server, tmp_path):
    env = env_for(tmp_path)
    ride(env)
    outputs: list[str] = []

    def fw(*args: str, code: int = 0):
        result = run([*SYNC, *args], env)
        outputs.extend([result.stdout, result.stderr])
        assert result.returncode == code, (args, result.stdout, result.stderr)
        return result

    signin = fw("signin", "--server", server.url, "--email", EMAIL, "--remember-in-file")
    assert "plaintext opt-in" in signin.stdout and "warning" in signin.stderr
    token_file = tmp_path / "fw" / "token-plaintext.json"
    assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
    token = json.loads(token_file.read_text())["token"]
    settings = json.loads((tmp_path / "fw" / "settings.json").read_text())
    assert settings == {"server_url": server.url, "token_storage": "plaintext"}

    synced = fw("sync", "--once", "--json", "-vv")
    last = json.loads(synced.stdout.strip().splitlines()[-1])
    assert last["state"] == "up_to_date" and last["rides_waiting"] == 0
    status = json.loads(fw("status", "--json").stdout)
    assert status["state"] == "up_to_date"
    assert status["token_state"] == "plaintext opt-in"
    assert status["account_email"] == EMAIL and status["service_checked"] is True
    assert "Rides:     0 waiting, 0 failed" in fw("status").stdout

    # the token: only in the opted-in file; never in any output, log or other file
    assert token not in "".join(outputs)
    for path, data in all_bytes_under(tmp_path / "fw"):
        if path != token_file:
            assert token.encode() not in data, path

    fw("signout")
    assert not token_file.exists()
    me = httpx.get(f"{server.url}/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 401  # revoked on the server too
    assert json.loads(fw("status", "--json", "--no-network").stdout)["state"] == "sign_in_needed"


def _live_tokens(server) -> int:
    with sqlite3.connect(server.db) as db:
        return int(db.execute("SELECT COUNT(*) FROM tokens WHERE revoked = 0").fetchone()[0])


def test_without_a_keyring_signin_is_an_error_and_the_token_it_cannot_keep_is_revoked(
    server, tmp_path
):
    env = env_for(tmp_path)
    before = _live_tokens(server)
    result = run([*SYNC, "signin", "--server", server.url, "--email", EMAIL], env)
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.strip().splitlines() == [
        "freewheel: cannot sign in: no system keyring is available, so the sign-in cannot be "
        "kept; set up a keyring (e.g. gnome-keyring), or sign in with --remember-in-file (a "
        "file only you can read) or --memory-only (until this command ends)."
    ]
    assert _live_tokens(server) == before
    status = json.loads(run([*SYNC, "status", "--json", "--no-network"], env).stdout)
    assert status["state"] == "sign_in_needed"


def test_without_a_keyring_memory_only_is_the_riders_choice(server, tmp_path):
    env = env_for(tmp_path)
    result = run(
        [*SYNC, "signin", "--server", server.url, "--email", EMAIL, "--memory-only", "--json"], env
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["token_state"] == "memory only"
    assert "no system keyring" in result.stderr
    assert not (tmp_path / "fw" / "token-plaintext.json").exists()
    assert json.loads((tmp_path / "fw" / "settings.json").read_text()) == {
        "server_url": server.url,
        "token_storage": "keyring",
    }
    later = run([*SYNC, "status", "--json", "--no-network"], env)
    data = json.loads(later.stdout)
    assert data["state"] == "sign_in_needed" and data["token_state"] == "signed out"
    once = run([*SYNC, "sync", "--once"], env)
    assert once.returncode == 1 and "Sign in to sync" in once.stdout


def test_wrong_password_and_bad_usage(server, tmp_path):
    env = env_for(tmp_path, FREEWHEEL_PASSWORD="not the password")
    wrong = run([*SYNC, "signin", "--server", server.url, "--email", EMAIL], env)
    assert wrong.returncode == 1 and "wrong email or password" in wrong.stderr
    assert "not the password" not in wrong.stdout + wrong.stderr
    insecure = run([*SYNC, "signin", "--server", "http://sync.example.com", "--email", EMAIL], env)
    assert insecure.returncode == 2 and "https://" in insecure.stderr
    env.pop("FREEWHEEL_PASSWORD")
    nopass = run([*SYNC, "signin", "--server", server.url, "--email", EMAIL], env, stdin="")
    assert nopass.returncode == 2 and "FREEWHEEL_PASSWORD" in nopass.stderr
    noserver = run([*SYNC, "signin", "--email", EMAIL], env_for(tmp_path / "x"))
    assert noserver.returncode == 2


def test_sync_once_with_the_server_gone(tmp_path):
    doomed = start_server(tmp_path / "doomed")
    env = env_for(tmp_path)
    ride(env)
    signin = run(
        [*SYNC, "signin", "--server", doomed.url, "--email", EMAIL, "--remember-in-file"], env
    )
    assert signin.returncode == 0, signin.stderr
    doomed.stop()
    result = run([*SYNC, "sync", "--once"], env)
    assert result.returncode == 1
    assert result.stdout.startswith("[offline]")
    assert "refuses connections" in result.stdout and "1 ride is waiting" in result.stdout
    status = run([*SYNC, "status"], env)
    assert status.returncode == 0 and "1 waiting" in status.stdout


def test_a_damaged_token_file_means_sign_in_needed_and_signout_still_works(tmp_path):
    env = env_for(tmp_path)
    folder = tmp_path / "fw"
    folder.mkdir()
    (folder / "settings.json").write_text(
        json.dumps({"server_url": "http://127.0.0.1:9", "token_storage": "plaintext"})
    )
    token_file = folder / "token-plaintext.json"
    token_file.write_bytes(b"\xff\xfe\x00not utf-8 \x9c")
    token_file.chmod(0o600)
    status = run([*SYNC, "status", "--json", "--no-network"], env)
    assert status.returncode == 0, status.stderr
    assert json.loads(status.stdout)["state"] == "sign_in_needed"
    assert "Traceback" not in status.stderr
    signout = run([*SYNC, "signout"], env)
    assert signout.returncode == 0, signout.stderr
    assert "Traceback" not in signout.stderr
    assert not token_file.exists()
