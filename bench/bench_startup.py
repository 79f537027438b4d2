"""Cold start of `freewheel` to the library being visible, vs a bare PySide6 window."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.harness import Figure

ROOT = Path(__file__).resolve().parents[1]
RUNS = 7

BARE = """
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLabel
app = QApplication([])
label = QLabel("hello")
label.show()
def ready():
    print("READY", flush=True)
    app.quit()
QTimer.singleShot(0, ready)
app.exec()
"""


def _time_until_ready(cmd: list[str], env: dict[str, str]) -> float:
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=60, cwd=ROOT)
    elapsed = time.perf_counter() - t0
    if proc.returncode != 0 or "READY" not in proc.stdout:
        raise RuntimeError(f"{cmd} did not get ready: {proc.returncode}\n{proc.stderr[-2000:]}")
    return elapsed


def run() -> list[Figure]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", FREEWHEEL_EXIT_WHEN_READY="1")
    # As on a rider's machine, where .pyc files exist after the first run (pip compiles
    # site-packages at install): this workplace sets PYTHONDONTWRITEBYTECODE, which would
    # make every measured run compile the app from source.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    with tempfile.TemporaryDirectory() as home:
        env["FREEWHEEL_HOME"] = home
        app_cmd = [sys.executable, "-m", "app", "--simulate"]
        bare_cmd = [sys.executable, "-c", BARE]
        _time_until_ready(app_cmd, env)  # warm the page cache and .pyc files once
        _time_until_ready(bare_cmd, env)
        app_times, bare_times = [], []
        for _ in range(RUNS):  # interleaved, so drift hits both alike
            bare_times.append(_time_until_ready(bare_cmd, env))
            app_times.append(_time_until_ready(app_cmd, env))
    app_s = sorted(app_times)[RUNS // 2]
    bare_s = sorted(bare_times)[RUNS // 2]
    return [
        Figure("startup: freewheel to library visible", app_s, "s", f"median of {RUNS}"),
        Figure("startup: bare PySide6 window", bare_s, "s", f"median of {RUNS}"),
        Figure(
            "startup: ratio app / bare", app_s / bare_s, "x", "with .pyc, as installed", "<= 1.5"
        ),
    ]
