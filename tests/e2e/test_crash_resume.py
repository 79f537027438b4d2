"""`kill -9` in the middle of a ride, then `freewheel ride --resume`: the same ride is
finished, one ride stays one ride, and no second before the kill is missing."""

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
WORKOUT = "recovery-spin-20"  # 1,200 s
SPEED = 100  # ride seconds per wall second


def start_ride(home: Path) -> subprocess.Popen[str]:
    env = dict(os.environ, FREEWHEEL_HOME=str(home))
    cmd = [sys.executable, "-m", "app", "ride", "--workout", WORKOUT, "--speed", str(SPEED)]
    return subprocess.Popen(cmd, env=env, cwd=ROOT, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # fmt: skip


def journal(home: Path) -> tuple[list[tuple[str, str]], list[int]]:
    db = sqlite3.connect(home / "rides.db")
    try:
        rides = db.execute("SELECT id, state FROM rides").fetchall()
        elapsed = [r[0] for r in db.execute("SELECT elapsed_s FROM samples ORDER BY elapsed_s")]
    finally:
        db.close()
    return rides, elapsed


@pytest.mark.parametrize("seed", [11, 22, 33, 44])
def test_sigkill_at_a_random_moment_then_resume_finishes_the_same_ride(tmp_path, seed):
    kill_after_s = random.Random(seed).uniform(1.5, 7.0)  # the app needs ~0.5 s to start
    proc = start_ride(tmp_path)
    with pytest.raises(subprocess.TimeoutExpired):
        proc.wait(timeout=kill_after_s)  # the fault's schedule: kill while it rides
    proc.send_signal(signal.SIGKILL)
    proc.communicate()

    (ride_id, state), *others = journal(tmp_path)[0]
    _, before = journal(tmp_path)
    assert others == [] and state == "recording"
    assert before == list(range(len(before)))  # nothing missing before the last second
    # at 100x, one wall second is 100 ride seconds: at most that much may be lost
    assert len(before) >= (kill_after_s - 1.5) * SPEED * 0.5

    env = dict(os.environ, FREEWHEEL_HOME=str(tmp_path))
    listed = subprocess.run(
        [sys.executable, "-m", "app", "rides", "list", "--json"],
        env=env, cwd=ROOT, capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert [(r["id"], r["state"]) for r in json.loads(listed.stdout)] == [(ride_id, "interrupted")]

    resumed = subprocess.run(
        [sys.executable, "-m", "app", "ride", "--resume", "--speed", "max", "--json"],
        env=env, cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert resumed.returncode == 0, resumed.stderr
    summary = json.loads(resumed.stdout)
    assert summary["ride_id"] == ride_id
    assert summary["moving_s"] == 1200

    rides, after = journal(tmp_path)
    assert rides == [(ride_id, "complete")]
    assert after == list(range(1200))
    assert after[: len(before)] == before


def test_resume_with_nothing_to_resume_says_so(tmp_path):
    env = dict(os.environ, FREEWHEEL_HOME=str(tmp_path))
    result = subprocess.run([sys.executable, "-m", "app", "ride", "--resume"], env=env, cwd=ROOT,
                            capture_output=True, text=True)  # fmt: skip
    assert result.returncode == 2 and "no interrupted ride" in result.stderr
