"""The desktop app as `freewheel` builds it: every screen opens, an interrupted ride is
offered at launch and resumes in place under the same id, and nothing raises."""

import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from app.compose.gui import build_gui_services
from app.compose.options import BleBackend, GuiOptions
from app.ui.app import create_main_window

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def home(tmp_path):
    env = dict(os.environ, FREEWHEEL_HOME=str(tmp_path))
    ride = subprocess.Popen([sys.executable, "-m", "app", "ride", "--workout", "tempo-3x10",
                             "--speed", "100"], env=env, cwd=ROOT)  # fmt: skip
    with pytest.raises(subprocess.TimeoutExpired):
        ride.wait(timeout=3)  # killed mid-ride, as by a power cut
    ride.send_signal(signal.SIGKILL)
    ride.wait()
    (tmp_path / "settings.json").write_text('{"ftp_w": 240, "first_run_done": true}')
    return tmp_path


def rides(home):
    db = sqlite3.connect(home / "rides.db")
    try:
        return db.execute("SELECT id, state FROM rides").fetchall()
    finally:
        db.close()


def test_every_screen_opens_and_an_interrupted_ride_resumes_in_place(qtbot, home, monkeypatch):
    crashes: list[str] = []
    options = GuiOptions(home, simulate=True, ble_backend=BleBackend.VIRTUAL)
    services, close = build_gui_services(options)
    services.crash_hook = lambda notify: None
    window = create_main_window(services)
    qtbot.addWidget(window)
    window.crash_notice.connect(crashes.append)
    window.show()
    qtbot.waitUntil(lambda: window.is_ready)
    window.finish_setup()
    try:
        assert window.services.ftp_w == 240
        for page in ("Calendar", "History", "Devices", "Status", "Settings"):
            assert window.show_page(page) is window.current_page()
        ((ride_id, state),) = rides(home)
        assert state == "recording"
        prompt = window.resume_prompt
        qtbot.waitUntil(prompt.isVisible)
        assert prompt.current().ride_id == ride_id

        db = sqlite3.connect(home / "rides.db")
        ridden = db.execute(
            "SELECT COUNT(*), SUM(power_w) FROM samples WHERE ride_id=? AND paused=0", (ride_id,)
        ).fetchone()
        db.close()
        prompt.resume_current()
        view = window.ride_view
        assert window.current_page() is view
        assert view.handle.ride_id == ride_id
        # the chart and the ride figures carry on from what was ridden before the crash
        assert view.chart.point_count() >= ridden[0] > 0
        assert view.figures.work_kj >= ridden[1] / 1000 * 0.999
        qtbot.waitUntil(lambda: view.last_status is not None)
        with qtbot.waitSignal(view.ride_finished, timeout=10_000):
            view.handle.finish()
        assert rides(home) == [(ride_id, "complete")]
        assert crashes == []
    finally:
        window.close()
        close()


def test_an_unreadable_rides_database_is_kept_aside_and_the_rider_told(qtbot, tmp_path):
    import threading

    (tmp_path / "rides.db").write_bytes(b"\x00not a database" * 256)
    (tmp_path / "settings.json").write_text('{"first_run_done": true}')
    hooks = (sys.excepthook, threading.excepthook)
    services, close = build_gui_services(GuiOptions(tmp_path, simulate=True))
    window = create_main_window(services)
    qtbot.addWidget(window)
    told: list[str] = []
    window.crash_notice.connect(told.append)
    try:
        window.show()
        qtbot.waitUntil(lambda: window.is_ready)
        window.finish_setup()
        services.after_ready()
        qtbot.waitUntil(lambda: bool(told))
        assert "could not be read" in told[0]
        kept = [p for p in tmp_path.iterdir() if p.name.startswith("rides.db.unreadable-")]
        assert kept and kept[0].read_bytes().startswith(b"\x00not a database")
    finally:
        sys.excepthook, threading.excepthook = hooks
        window.close()
        close()


def test_the_help_menu_saves_a_redacted_diagnostics_bundle(qtbot, tmp_path):
    import json
    import zipfile

    from PySide6.QtWidgets import QLabel

    email, token = "rider@example.com", "fwt_" + "s3cr3t" * 6
    (tmp_path / "settings.json").write_text(json.dumps({"first_run_done": True, "email": email}))
    (tmp_path / "logs").mkdir()
    (tmp_path / "logs" / "freewheel.log").write_text(f"sync for {email} with Bearer {token}\n")
    services, close = build_gui_services(GuiOptions(tmp_path, simulate=True))
    services.crash_hook = lambda notify: None
    window = create_main_window(services)
    qtbot.addWidget(window)
    try:
        window.show()
        qtbot.waitUntil(lambda: window.is_ready)
        window.finish_setup()
        menu = window.help_menu
        window.help_button.click()
        qtbot.waitUntil(menu.isVisible)
        assert menu.diagnostics_action.isEnabled()
        menu.hide()
        out = tmp_path / "out" / "bundle.zip"
        with qtbot.waitSignal(menu.diagnostics_done, timeout=10_000) as done:
            menu.save_diagnostics(out)
        assert done.args[1] is True
        assert str(out) in window.statusBar().currentMessage()
        with zipfile.ZipFile(out) as bundle:
            text = "".join(bundle.read(n).decode() for n in bundle.namelist())
        assert "sync for" in text and email not in text and token not in text
        assert menu.show_shortcuts().isVisible() and not menu.shortcuts_dialog.isModal()
        assert str(tmp_path) in menu.show_about().findChild(QLabel).text()  # the data folder
    finally:
        window.close()
        close()


def test_a_diagnostics_bundle_that_cannot_be_written_is_reported(qtbot, tmp_path):
    from PySide6.QtWidgets import QWidget

    from app.ui.widgets.help_menu import HelpMenu

    parent = QWidget()
    qtbot.addWidget(parent)
    told: list[str] = []
    (tmp_path / "blocker").write_text("a file where a folder should be")

    def write(out: Path) -> int:
        from app.infra.diagnostics import build_bundle
        from app.infra.paths import app_paths

        return len(build_bundle(app_paths(tmp_path / "home"), out))

    menu = HelpMenu(parent, notify=told.append, write_diagnostics=write)
    with qtbot.waitSignal(menu.diagnostics_done, timeout=10_000) as done:
        menu.save_diagnostics(tmp_path / "blocker" / "bundle.zip")
    assert done.args[1] is False
    assert told[-1].startswith("Could not save diagnostics")
    assert menu.diagnostics_action.isEnabled()  # the rider can try again elsewhere


def test_tiles_chosen_while_riding_are_saved_and_settings_reach_the_ride(qtbot, tmp_path):
    import json

    (tmp_path / "settings.json").write_text(json.dumps({"first_run_done": True, "ftp_w": 250}))
    services, close = build_gui_services(GuiOptions(tmp_path, simulate=True))
    services.crash_hook = lambda notify: None
    window = create_main_window(services)
    qtbot.addWidget(window)
    try:
        window.show()
        qtbot.waitUntil(lambda: window.is_ready)
        window.finish_setup()
        window.start_ride(services.library.find("sweet-spot-2x20"))
        ride = window.ride_view
        qtbot.waitUntil(lambda: ride.last_status is not None)
        ride.tiles.choose(2, "np")  # the rider's pick from the tile's menu
        saved = json.loads((tmp_path / "settings.json").read_text())
        assert saved["ride_tiles"][2] == "np" and ride.tiles.keys()[2] == "np"
        assert saved["ftp_w"] == 250  # the rest of the settings untouched

        settings_page = window.show_page("Settings")
        settings_page.smoothing.set_value(10)  # 10 s smoothing, sounds off, applied
        settings_page.sounds_check.setChecked(False)
        settings_page.apply()
        assert ride.tiles.tile_for("power").title() == "Power · 10 s"
        assert ride.figures.smoothing_s == 10 and not ride.sounds.is_enabled()
        assert ride.tiles.keys()[2] == "np"  # saved tiles survive the settings apply
        with qtbot.waitSignal(ride.ride_finished, timeout=10_000):
            ride.handle.discard()
    finally:
        window.close()
        close()
