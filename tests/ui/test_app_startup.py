"""Start-up: `run_gui` with FREEWHEEL_EXIT_WHEN_READY, and what it must not import."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """
import sys
import PySide6.QtCore as QtCore
from app.core.workouts.catalog import entry_for, search
from app.core.workouts.model import Step, StepKind, Workout
from app.runtime.clock import VirtualClock
from app.runtime.device_loop import DeviceLoop
from app.runtime.ride_control import RideController
from app.ui.app import run_gui
from app.ui.services import GuiServices

workout = Workout("Tempo", (Step(StepKind.STEADY, 600, 0.8, 0.8),), category="Tempo")
entries = [entry_for(workout, "t:tempo", "bundled")]

class Library:
    def entries(self):
        return list(entries)
    def search(self, query):
        return search(entries, query)

class Trainer:  # never used: no ride starts
    name = "none"

from app.ui import main_window
at_ready = {}
first_ready = main_window.MainWindow._maybe_ready
def maybe_ready(self):
    at_ready.setdefault("qt", "Qt" in vars(QtCore))
    at_ready.setdefault("finished", self.setup_finished)
    first_ready(self)
main_window.MainWindow._maybe_ready = maybe_ready

loop = DeviceLoop().start()
services = GuiServices(Library(), RideController(loop, Trainer(), VirtualClock()), 250.0)
code = run_gui(services, ["freewheel"])
loop.stop()
print("AT_READY", at_ready["qt"], at_ready["finished"], flush=True)
heavy = [m for m in ("pyqtgraph", "numpy") if m in sys.modules]
print("HEAVY", ",".join(heavy), flush=True)
sys.exit(code)
"""


def test_exit_when_ready_prints_ready_and_loads_no_chart_library() -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", FREEWHEEL_EXIT_WHEN_READY="1")
    proc = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    lines = proc.stdout.splitlines()
    assert lines[0] == "READY"
    assert lines[-1] == "HEAVY ", f"imported at start-up: {lines[-1]}"
    # The first frame is the list alone (chips, detail pane, thumbnails come right after),
    # and it never touched PySide6's `Qt` namespace, whose ~95 enum classes cost ~15 ms
    # to build: see app/ui/models/library_model.py.
    assert lines[-2] == "AT_READY False False", lines[-2]


def test_create_main_window_shows_status_and_library(window, rig) -> None:
    assert window.status_label.text() == "Offline · simulated trainer"
    assert rig.trainer.name in window.trainer_label.text()
    assert "FTP 250 W" in window.trainer_label.text()
    assert window.current_page() is window.library_view
    assert window.nav_library.isChecked()
    assert not window.nav_ride.isEnabled()


def test_window_reports_ready_after_first_paint(window, qtbot) -> None:
    qtbot.waitUntil(lambda: window.is_ready)
