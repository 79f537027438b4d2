"""One writer per data folder: a second app, headless ride or sync on the same folder
exits at once with one line naming the holder, and a lock left by a killed process is
taken over."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from app.infra.folder_lock import LOCK_FILE_NAME, FolderInUse, FolderLock

ROOT = Path(__file__).resolve().parents[2]
HOLD = (
    "import sys; from pathlib import Path; from app.infra.folder_lock import FolderLock;"
    "FolderLock(Path(sys.argv[1])).acquire(); print('held', flush=True); sys.stdin.read()"
)


def freewheel(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, FREEWHEEL_HOME=str(home), QT_QPA_PLATFORM="offscreen")
    env["FREEWHEEL_EXIT_WHEN_READY"] = "1"
    return subprocess.run(
        [sys.executable, "-m", "app", *args],
        env=env, capture_output=True, text=True, timeout=60, cwd=ROOT,
    )  # fmt: skip


@pytest.fixture
def holder(tmp_path):
    """Another process that holds tmp_path as its data folder until told to go."""
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(tmp_path)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
    )  # fmt: skip
    assert proc.stdout is not None and proc.stdout.readline() == "held\n"
    yield proc
    proc.kill()
    proc.wait(timeout=10)


@pytest.mark.parametrize(
    "command",
    [
        ("ride", "--simulate", "--workout", "recovery-spin-20", "--speed", "max"),
        ("ride", "--resume"),
        ("sync", "--once"),
        ("--simulate",),  # the desktop app
    ],
    ids=["ride", "ride-resume", "sync-once", "app"],
)
def test_a_second_writer_exits_with_one_line_naming_the_holder(tmp_path, holder, command):
    result = freewheel(*command, home=tmp_path)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"freewheel: the data folder {tmp_path} is in use by PID {holder.pid}"
    ]
    assert not (tmp_path / "rides.db").exists() or _ride_count(tmp_path) == 0


def test_a_lock_left_by_a_killed_process_is_taken_over(tmp_path, holder):
    with pytest.raises(FolderInUse) as refused:
        FolderLock(tmp_path).acquire()
    assert refused.value.pid == holder.pid
    holder.send_signal(signal.SIGKILL)
    holder.wait(timeout=10)
    assert (tmp_path / LOCK_FILE_NAME).read_text().strip() == str(holder.pid)  # left behind
    result = freewheel(
        "ride", "--simulate", "--workout", "recovery-spin-20", "--speed", "max", home=tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert _ride_count(tmp_path) == 1


def test_two_holders_in_one_process_exclude_each_other_until_released(tmp_path):
    first = FolderLock(tmp_path).acquire()
    with pytest.raises(FolderInUse) as refused:
        FolderLock(tmp_path).acquire()
    assert refused.value.pid == os.getpid()
    first.release()
    with FolderLock(tmp_path) as second:
        assert second.held
    assert not second.held


def _ride_count(folder: Path) -> int:
    with sqlite3.connect(folder / "rides.db") as db:
        return int(db.execute("SELECT COUNT(*) FROM rides").fetchone()[0])
