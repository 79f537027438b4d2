"""`freewheel server` operator commands and start-up checks, run in-process through the
same argparse wiring app/main.py uses."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from app.server.cli import add_server_parser, server_command

ROOT = Path(__file__).resolve().parents[2]


def freewheel(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="freewheel")
    add_server_parser(parser.add_subparsers(dest="command"))
    args = parser.parse_args(argv)
    assert args.command == "server"
    return server_command(args)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "server.db"


def summary(db: Path) -> dict:
    from fastapi.testclient import TestClient

    from app.server.app import create_app

    with TestClient(create_app(db)) as client:
        return client.get("/api/v2/summary.json").json()


def test_create_user_from_an_environment_variable(db, monkeypatch, capsys):
    monkeypatch.setenv("FW_TEST_PASSWORD", "a long password")
    code = freewheel("server", "create-user", "--db", str(db), "--email", "Ann@Example.com",
                     "--password-env", "FW_TEST_PASSWORD", "--ftp", "280", "--json")  # fmt: skip
    assert code == 0
    created = json.loads(capsys.readouterr().out)
    assert created["email"] == "ann@example.com"

    from app.server.store import ServerStore

    store = ServerStore(db)
    user, password_hash = store.user_by_email("ann@example.com")
    assert user.ftp_w == 280 and password_hash.startswith("scrypt$")
    today = datetime.now(UTC).date()
    assert len(store.calendar(user.id, today, today + timedelta(days=27))) == 24

    again = freewheel("server", "create-user", "--db", str(db), "--email", "ann@example.com",
                      "--password-env", "FW_TEST_PASSWORD")  # fmt: skip
    assert again == 2
    assert "already exists" in capsys.readouterr().err


def test_create_user_refuses_short_or_missing_passwords(db, monkeypatch, capsys):
    monkeypatch.setenv("FW_SHORT", "short")
    base = ("server", "create-user", "--db", str(db), "--email", "a@example.com")
    assert freewheel(*base, "--password-env", "FW_SHORT") == 2
    assert freewheel(*base, "--password-env", "FW_NOT_SET_ANYWHERE") == 2
    monkeypatch.setattr("sys.stdin", _Lines("from a pipe, long enough\n"))
    assert freewheel(*base) == 0
    assert "created user a@example.com" in capsys.readouterr().out


class _Lines:
    def __init__(self, text: str) -> None:
        self.text = text

    def isatty(self) -> bool:
        return False

    def readline(self) -> str:
        return self.text


def test_incidents_and_maintenances_from_the_command_line(db, capsys):
    code = freewheel("server", "post-incident", "--db", str(db), "--name", "Slow library",
                     "--status", "investigating", "--impact", "minor",
                     "--component", "Workout library", "--body", "Looking.", "--json")  # fmt: skip
    assert code == 0
    incident_id = json.loads(capsys.readouterr().out)["id"]
    start = (datetime.now(UTC) - timedelta(minutes=1)).isoformat()
    until = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    code = freewheel("server", "post-maintenance", "--db", str(db), "--name", "Upgrade",
                     "--from", start, "--until", until, "--component", "Calendar")  # fmt: skip
    assert code == 0
    body = summary(db)
    status = {c["name"]: c["status"] for c in body["components"]}
    assert status["Workout library"] == "degraded_performance"
    assert status["Calendar"] == "under_maintenance"
    assert body["status"]["indicator"] == "minor"
    assert [i["id"] for i in body["incidents"]] == [incident_id]

    assert freewheel("server", "resolve-incident", incident_id, "--db", str(db)) == 0
    assert summary(db)["incidents"] == []
    assert freewheel("server", "resolve-incident", "nope", "--db", str(db)) == 2
    bad = ("server", "post-incident", "--db", str(db), "--name", "x", "--component", "Moon")
    assert freewheel(*bad) == 2
    assert "unknown component" in capsys.readouterr().err
    backwards = ("server", "post-maintenance", "--db", str(db), "--name", "x",
                 "--from", until, "--until", start)  # fmt: skip
    assert freewheel(*backwards) == 2


def test_add_and_delete_workouts(db, tmp_path, capsys):
    erg = tmp_path / "my-ride.erg"
    erg.write_text(
        "[COURSE HEADER]\nVERSION = 2\nUNITS = ENGLISH\nDESCRIPTION = Mine\nFTP = 250\n"
        "MINUTES WATTS\n[END COURSE HEADER]\n[COURSE DATA]\n0.00\t100\n10.00\t200\n"
        "[END COURSE DATA]\n"
    )
    assert freewheel("server", "add-workout", str(erg), "--db", str(db), "--tag", "mine") == 0
    from app.server.store import ServerStore

    store = ServerStore(db)
    row = store.workout("my-ride")
    assert (row.format, row.tags, row.version) == ("erg", ("mine",), 1)
    assert freewheel("server", "add-workout", str(erg), "--db", str(db)) == 0
    assert store.workout("my-ride").version == 2
    assert freewheel("server", "delete-workout", "my-ride", "--db", str(db)) == 0
    assert store.workout("my-ride").deleted
    assert freewheel("server", "delete-workout", "my-ride", "--db", str(db)) == 2
    junk = tmp_path / "junk.zwo"
    junk.write_text("<workout_file><nope")
    assert freewheel("server", "add-workout", str(junk), "--db", str(db)) == 2
    assert "not a valid workout" in capsys.readouterr().err


def test_add_workout_takes_every_syncable_format_and_refuses_the_others(db, tmp_path, capsys):
    from app.core.workouts.formats import FORMATS, read_workout, write_workout
    from app.server.store import ServerStore

    bundled = ROOT / "resources" / "workouts" / "tempo-2x20.zwo"
    workout = read_workout(bundled.read_bytes(), bundled.name)
    for fmt in FORMATS:
        path = tmp_path / f"as-{fmt.extension[1:]}{fmt.extension}"
        path.write_bytes(write_workout(workout, path.name, ftp_w=250).data)
        code = freewheel("server", "add-workout", str(path), "--db", str(db))
        if fmt.syncable:
            assert code == 0, capsys.readouterr().err
            assert ServerStore(db).workout(path.stem).format == fmt.wire_name
        else:
            assert code == 2
            err = capsys.readouterr().err
            syncable = [e for f in FORMATS if f.syncable for e in f.extensions]
            assert f"expected one of {', '.join(syncable)}" in err


def test_the_default_database_lives_in_the_data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("FW_PW", "long enough pw")
    assert freewheel("server", "create-user", "--data-dir", str(tmp_path), "--email",
                     "d@example.com", "--password-env", "FW_PW") == 0  # fmt: skip
    assert (tmp_path / "server.db").exists()


@pytest.mark.parametrize("host", ["0.0.0.0", "192.0.2.1", "example.com", "::"])
def test_serving_a_non_loopback_address_needs_allow_remote(db, host, capsys):
    assert freewheel("server", "--db", str(db), "--host", host) == 2
    assert "--allow-remote" in capsys.readouterr().err
    assert not db.exists()  # refused before touching anything


def test_a_bad_fault_switch_is_a_usage_error(db, capsys):
    assert freewheel("server", "--db", str(db), "--fault", "library=teapot") == 2
    assert "--fault" in capsys.readouterr().err


def test_loading_the_cli_does_not_need_the_server_extra():
    code = (
        "import sys, app.server.cli as c, argparse\n"
        "p = argparse.ArgumentParser(); c.add_server_parser(p.add_subparsers())\n"
        "bad = [m for m in ('fastapi', 'uvicorn', 'starlette') if m in sys.modules]\n"
        "assert not bad, bad\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, timeout=60)  # fmt: skip
    assert result.returncode == 0, result.stderr


def test_help_documents_the_fault_grammar():
    result = subprocess.run([sys.executable, "-m", "app.server.cli", "--help"], cwd=ROOT,
                            capture_output=True, text=True, timeout=60)  # fmt: skip
    assert result.returncode == 0
    for word in ("--fault GROUP=SPEC", "retry-after", "wrong-types", "endless", "--admin",
                 "--allow-remote", "create-user", "post-maintenance"):  # fmt: skip
        assert word in result.stdout, word
