"""A rider's first ride, end to end, in the real main window (offscreen): bundled library,
simulated trainer, real journal on disk, no network at all."""

import socket
import sqlite3
import time
from itertools import pairwise

import pytest
from PySide6.QtCore import Qt

from app.compose.ride import build_ride_stack
from app.infra.paths import app_paths
from app.runtime.clock import ScaledClock
from app.services.library import open_library
from app.ui.app import create_main_window
from app.ui.services import GuiServices

FTP_W = 220.0


@pytest.fixture
def app_parts(tmp_path, request):
    speed = getattr(request, "param", 200.0)
    library = open_library(app_paths(tmp_path))
    assert not library.errors
    stack = build_ride_stack(app_paths(tmp_path), clock=ScaledClock(speed), ftp_w=FTP_W)
    services = GuiServices(library, stack.controller, FTP_W, stack.trainer.name, "Offline")
    yield services, stack, tmp_path
    stack.close()
    library.close()


def journal_rows(home):
    db = sqlite3.connect(home / "rides.db")
    try:
        return db.execute(
            "SELECT r.state, COUNT(s.elapsed_s), SUM(s.paused) FROM rides r "
            "JOIN samples s ON s.ride_id = r.id GROUP BY r.id"
        ).fetchall()
    finally:
        db.close()


def test_network_is_refused_for_the_test(refused_network):
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", 9))
    assert refused_network == [("127.0.0.1", 9)]


def test_ride_a_bundled_workout_in_the_main_window_with_no_network(
    qtbot, app_parts, refused_network
):
    services, stack, home = app_parts
    window = create_main_window(services)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.is_ready)

    view = window.library_view
    qtbot.keyClicks(view.search, "recovery spin 20")
    assert [e.name for e in view.visible_entries()] == ["Recovery Spin 20"]
    view.select_row(0)
    view.request_ride()

    ride = window.ride_view
    assert window.current_page() is ride
    qtbot.waitUntil(lambda: ride.last_status is not None and ride.last_status.elapsed_s >= 5)
    qtbot.keyClick(ride, Qt.Key.Key_Up)
    qtbot.waitUntil(lambda: ride.last_status.intensity_pct == 101)
    qtbot.keyClick(ride, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: ride.last_status.state.value == "paused")
    paused_at = ride.last_status.elapsed_s
    qtbot.waitUntil(lambda: ride.last_status.elapsed_s >= paused_at + 3)
    qtbot.keyClick(ride, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: ride.last_status.state.value == "riding")

    with qtbot.waitSignal(ride.ride_finished, timeout=30_000) as finished:
        pass
    summary = finished.args[0]
    assert window.current_page() is window.summary_view
    assert summary.moving_s == 20 * 60
    assert summary.elapsed_s > summary.moving_s  # the pause was recorded
    shown = window.summary_view.values()
    assert shown  # the summary screen shows the figures
    stack.journal.flush()
    ((state, count, paused),) = journal_rows(home)
    assert (state, count, paused) == ("complete", summary.elapsed_s, summary.elapsed_s - 1200)
    assert refused_network == []  # the ride path never even tried the network


@pytest.mark.parametrize("app_parts", [10.0], indirect=True)
def test_a_blocked_ui_thread_does_not_stop_the_ride(qtbot, app_parts):
    """Freeze the UI thread for 3 s (30 ride seconds at 10x): the device loop keeps
    ticking on time, and every sample still reaches the screen and the journal."""
    services, stack, home = app_parts
    window = create_main_window(services)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.is_ready)
    window.library_view.select_row(0)
    window.library_view.request_ride()
    ride = window.ride_view
    received = []
    ride.bridge.sample.connect(lambda sample, status: received.append(sample.elapsed_s))
    qtbot.waitUntil(lambda: len(received) >= 3)

    blocked_from = stack.clock.monotonic_s()
    time.sleep(3.0)  # the fault under test: a UI thread that does not return to its loop
    blocked_to = stack.clock.monotonic_s()

    ticks = [t for t in ride.handle.trace_times_s() if blocked_from <= t <= blocked_to]
    assert len(ticks) >= 25  # ~30 ride seconds passed while the UI was frozen
    assert max(b - a for a, b in pairwise(ticks)) < 1.5
    qtbot.waitUntil(lambda: len(received) >= len(ride.handle.trace_times_s()) - 1)
    assert received == list(range(received[0], received[0] + len(received)))
    ride.handle.discard()
    qtbot.waitUntil(lambda: not window.ride_active)
    stack.journal.flush()
    ((state, count, _),) = journal_rows(home)
    assert state == "discarded"
    assert count >= len(received)
