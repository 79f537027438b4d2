"""The library at 10,000 workouts: import, cold open, search-as-you-type, memory."""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.harness import Figure
from bench.library_gen import generate

ROOT = Path(__file__).resolve().parents[1]
COUNT = 10_000
# what a rider types, one keystroke at a time (the list refreshes on each)
TYPED = ("sweet spot 4x", "threshold", "vo2 max", "endurance 3x10")


def _import(home: Path, files: Path) -> float:
    from app.infra.paths import app_paths
    from app.services.library import open_library

    library = open_library(app_paths(home))
    t0 = time.perf_counter()
    report = library.import_paths([files])
    elapsed = time.perf_counter() - t0
    assert len(report.added) == COUNT, (len(report.added), report.errors[:3])
    library.close()
    return elapsed


def _cold_open(home: Path) -> tuple[float, float]:
    """Seconds to READY and peak RSS in MiB of `freewheel` with this library."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", FREEWHEEL_EXIT_WHEN_READY="1",
               FREEWHEEL_HOME=str(home))  # fmt: skip
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "app"], env=env, cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)  # fmt: skip
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - t0
    out = proc.stdout.read().decode() if proc.stdout else ""
    if status != 0 or "READY" not in out:
        raise RuntimeError(f"app did not get ready (status {status})")
    return elapsed, usage.ru_maxrss / 1024


def _keystroke_ms(home: Path) -> list[float]:
    """Each keystroke into the real search box, until the event loop is idle again: the
    query has run and the changed list has been painted."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from app.infra.paths import app_paths
    from app.services.library import open_library
    from app.ui.app import create_main_window
    from app.ui.services import GuiServices

    app = QApplication.instance() or QApplication([])
    library = open_library(app_paths(home))
    window = create_main_window(GuiServices(library, None, 250.0))  # type: ignore[arg-type]
    window.show()
    app.processEvents()
    box = window.library_view.search
    times = []
    for text in TYPED:
        box.clear()
        app.processEvents()
        for char in text:
            t0 = time.perf_counter()
            QTest.keyClick(box, char)
            app.processEvents()  # runs the query and paints what changed (list, count)
            times.append((time.perf_counter() - t0) * 1000)
        QTest.keyClick(box, Qt.Key.Key_Escape)
    window.close()
    library.close()
    return times


def run() -> list[Figure]:
    with tempfile.TemporaryDirectory() as tmp:
        files = Path(tmp) / "incoming"
        generate(files, COUNT)
        imports = []
        for i in range(3):
            home = Path(tmp) / f"home{i}"
            imports.append(_import(home, files))
            if i:
                shutil.rmtree(home)
        home = Path(tmp) / "home0"
        opens = [_cold_open(home) for _ in range(5)]
        open_s = statistics.median(o[0] for o in opens)
        rss_mib = statistics.median(o[1] for o in opens)
        keys = _keystroke_ms(home)
    p95 = statistics.quantiles(keys, n=20)[-1]
    return [
        Figure(f"library: import {COUNT:,} files", statistics.median(imports), "s", "median of 3"),
        Figure(f"library: cold open of the app with {COUNT:,} workouts", open_s, "s",
               "to the list painted, median of 5"),
        Figure("library: search-as-you-type p95 per keystroke", p95, "ms",
               f"{len(keys)} keystrokes, max {max(keys):.1f} ms", "< 30"),
        Figure(f"library: peak RSS with {COUNT:,} workouts", rss_mib, "MiB", "app at READY"),
    ]  # fmt: skip
