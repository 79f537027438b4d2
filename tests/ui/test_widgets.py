"""Widgets and helpers on their own: zones, the profile drawing, tiles, the bridge, text."""

from __future__ import annotations

import sys
import threading

import pytest
from PySide6.QtCore import QObject, QThread, Signal, Slot
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLabel

from app.core.workouts.model import PowerUnit, Step, StepKind, Workout
from app.ui import display
from app.ui.bridge import RideBridge
from app.ui.theme import palette
from app.ui.widgets.profile_widget import ProfileWidget, ZoneBar, _Shape, _zone_pieces
from app.ui.widgets.tile import Tile


@pytest.mark.parametrize(
    "fraction, zone",
    [
        (0.3, 1),
        (0.549, 1),
        (0.55, 2),
        (0.56, 2),
        (0.75, 2),
        (0.9, 3),
        (1.0, 4),
        (1.05, 4),
        (1.2, 5),
        (1.5, 6),
    ],
)
def test_coggan_zones(fraction: float, zone: int) -> None:
    assert palette.zone_index(fraction) + 1 == zone
    assert palette.zone_index(2.0) == 6


def test_a_ramp_is_split_exactly_where_it_crosses_a_zone() -> None:
    pieces = _zone_pieces(_Shape(0, 100, 0.50, 0.80))
    # 0.55 at t = 100 × 0.05/0.30, 0.75 at t = 100 × 0.25/0.30
    assert [round(a, 3) for a, *_ in pieces] == [0, 16.667, 83.333]
    assert [palette.zone_index((f0 + f1) / 2) for *_, f0, f1 in pieces] == [0, 1, 2]
    assert _zone_pieces(_Shape(0, 60, 0.9, 0.9)) == [(0, 60, 0.9, 0.9)]


def _pixel(widget, x_frac: float, y_frac: float) -> QColor:  # type: ignore[no-untyped-def]
    image = widget.grab().toImage()
    return image.pixelColor(int(image.width() * x_frac), int(image.height() * y_frac))


def test_profile_colours_bars_by_zone_and_draws_free_ride_grey(qtbot) -> None:
    widget = ProfileWidget()
    qtbot.addWidget(widget)
    widget.resize(400, 160)
    threshold = Workout("t", (Step(StepKind.STEADY, 600, 1.0, 1.0),))
    widget.set_workout(threshold, ftp_w=250)
    assert _pixel(widget, 0.5, 0.75) == QColor(palette.ZONE_COLOURS[3])

    watts = Workout("w", (Step(StepKind.STEADY, 600, 150, 150, power_unit=PowerUnit.WATTS),))
    widget.set_workout(watts, ftp_w=250)  # 150 W of 250 = 60 %: zone 2
    assert _pixel(widget, 0.5, 0.75) == QColor(palette.ZONE_COLOURS[1])

    widget.set_profile([(0, 300, None), (300, 600, 300.0)], ftp_w=250)
    free = _pixel(widget, 0.25, 0.8)
    assert free.red() == free.green() == free.blue() or abs(free.red() - free.blue()) < 30
    assert _pixel(widget, 0.75, 0.8) == QColor(palette.ZONE_COLOURS[4])  # 120 %: zone 5


def test_zone_bar_describes_the_zones_used(qtbot) -> None:
    bar = ZoneBar()
    qtbot.addWidget(bar)
    bar.set_zone_times((360, 1020, 0, 2160, 0, 0, 0))
    assert bar.has_data()
    assert bar.accessibleDescription() == "zone 1 6′, zone 2 17′, zone 4 36′"


def test_tile_number_grows_with_the_tile(qtbot) -> None:
    tile = Tile("Power", "W")
    qtbot.addWidget(tile)
    tile.resize(200, 120)
    tile.show()
    qtbot.waitExposed(tile)
    small = tile._value.font().pointSizeF()
    tile.resize(500, 300)
    qtbot.waitUntil(lambda: tile._value.font().pointSizeF() > small * 1.5)
    assert small >= 14
    tile.set_value("245")
    assert tile.value() == "245"


class _Receiver(QObject):
    got = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.threads: list[QThread] = []

    @Slot(object)
    def on_status(self, status: object) -> None:
        self.threads.append(QThread.currentThread())
        self.got.emit()


def test_bridge_delivers_loop_thread_calls_on_the_ui_thread(qtbot) -> None:
    bridge = RideBridge()
    receiver = _Receiver()
    bridge.status.connect(receiver.on_status)
    worker = threading.Thread(target=lambda: bridge.on_status("status"))
    with qtbot.waitSignal(receiver.got):
        worker.start()
    worker.join()
    assert receiver.threads == [QThread.currentThread()]


def test_bridge_never_raises_into_the_ride_loop_after_its_window_is_gone(qtbot) -> None:
    bridge = RideBridge()
    import shiboken6

    shiboken6.delete(bridge)
    bridge.on_trainer_message("late")  # no exception


def test_many_qt_calls_do_not_leak_or_free_none_and_true(qtbot) -> None:
    """PySide6 6.12.0 drops a reference to None/True on every emit() and on many void
    calls; on CPython 3.11 that frees them and aborts the app mid-ride. pyproject.toml pins
    PySide6 below 6.12 for that reason: this test fails on a version with the bug."""
    label = QLabel()
    bridge = RideBridge()
    none_before, true_before = sys.getrefcount(None), sys.getrefcount(True)
    for _ in range(2_000):
        label.setText("x")
        bridge.on_trainer_message("x")
    assert sys.getrefcount(None) - none_before > -100
    assert sys.getrefcount(True) - true_before > -100


def test_display_texts() -> None:
    assert display.h_mm(3900) == "1:05"
    assert display.h_mm_ss(3725) == "1:02:05"
    assert display.whole(None) == "—"
    assert display.ratio(0.847) == "0.85"
    assert display.km(32841) == "32.84"
    assert display.category("sweet spot") == "Sweet Spot"
    assert display.category("VO2max") == "VO2max"
    assert display.minutes(4000) == "1 h 07′"
