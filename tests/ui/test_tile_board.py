"""The ride screen's tile board: the rider's choice of tiles, from the mouse and from the
keyboard; the power smoothing on the Power tile; units; missing values.

Menus are driven through their actions (no clicks into popups, no sleeps).
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAction, QContextMenuEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMenu, QWidget
from pytestqt.qtbot import QtBot

from app.core.ride.tiles import DEFAULT_TILES, TILE_KEYS
from app.ui.display import MISSING
from app.ui.widgets.tile_board import TILE_METRICS, TileBoard

FIGURES = {
    "power": 290,
    "power_now": 301.4,
    "power_3s": 288.2,
    "power_10s": 276.0,
    "target": 280,
    "next_target": 140,
    "interval_left": 125.0,
    "interval_number": 4,
    "interval_count": 9,
    "hr": 151.2,
    "cadence": 92.6,
    "elapsed": 1520,
    "intensity": 100,
    "np": 231.0,
    "speed": 10.0,
    "distance": 16093.44,
}


@pytest.fixture
def board(qtbot: QtBot) -> TileBoard:
    widget = TileBoard()
    qtbot.addWidget(widget)
    widget.resize(1200, 380)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def show_submenu(menu: QMenu) -> QMenu:
    action = next(a for a in menu.actions() if a.text() == "Show on this tile")
    submenu = action.menu()
    assert isinstance(submenu, QMenu)
    return submenu


def action_for(menu: QMenu, data: str) -> QAction:
    return next(a for a in menu.actions() if a.data() == data)


def right_click(tile: QWidget) -> None:
    at = QPoint(20, 20)
    event = QContextMenuEvent(QContextMenuEvent.Reason.Mouse, at, tile.mapToGlobal(at))
    QApplication.sendEvent(tile, event)


def test_the_default_board_is_the_ride_screen_as_it_was(board: TileBoard) -> None:
    assert board.keys() == DEFAULT_TILES
    titles = [tile.title() for tile in board.tiles()]
    assert titles == [
        "Power · 3 s",
        "Target",
        "Interval left",
        "Heart rate",
        "Cadence",
        "Elapsed",
        "Intensity",
    ]
    assert all(tile.value() == MISSING for tile in board.tiles())
    large, small = board.tiles()[:3], board.tiles()[3:]
    assert len({tile.y() for tile in large}) == 1 and len({tile.y() for tile in small}) == 1
    assert small[0].y() > large[0].y() + large[0].height() - 1
    assert large[0].height() > small[0].height()  # 5 : 3
    assert large[0].width() > small[0].width()


def test_the_catalogue_covers_every_tile_key() -> None:
    assert tuple(TILE_METRICS) == TILE_KEYS


def test_figures_are_written_with_their_units_and_captions(board: TileBoard) -> None:
    board.update_figures(FIGURES)
    assert board.value_of("power") == "288"  # 3 s
    assert board.value_of("target") == "280"
    assert board.value_of("interval_left") == "2:05"
    assert board.value_of("hr") == "151"
    assert board.value_of("cadence") == "93"
    assert board.value_of("elapsed") == "0:25:20"
    assert board.value_of("intensity") == "100"
    captions = [tile.caption() for tile in board.large_tiles()]
    assert captions == ["now 301", "next 140 W", "interval 4 of 9"]
    assert board.tile_for("power").accessibleName() == "Power tile: 288 W"
    assert board.tile_for("elapsed").accessibleName() == "Elapsed tile: 0:25:20"
    board.update_figures({**FIGURES, "hr": None})
    assert board.value_of("hr") == MISSING
    assert board.tile_for("hr").accessibleName() == "Heart rate tile: no reading"


def test_the_smoothing_changes_the_power_tiles_title_and_value(board: TileBoard) -> None:
    board.update_figures(FIGURES)
    board.set_smoothing(10)
    assert board.tile_for("power").title() == "Power · 10 s"
    assert board.value_of("power") == "276"
    board.set_smoothing(1)
    assert board.tile_for("power").title() == "Power · 1 s"
    assert board.value_of("power") == "301"
    assert board.tile_for("power").caption() == "3 s avg 288"
    with pytest.raises(ValueError):
        board.set_smoothing(5)


def test_speed_and_distance_follow_the_units(qtbot: QtBot) -> None:
    board = TileBoard(("power", "speed", "distance"))
    qtbot.addWidget(board)
    board.update_figures(FIGURES)
    assert board.value_of("speed") == "36.0" and board.value_of("distance") == "16.09"
    assert [t.accessibleName() for t in board.tiles()[1:]] == [
        "Speed tile: 36.0 km/h",
        "Distance tile: 16.09 km",
    ]
    board.set_units("imperial")
    assert board.value_of("speed") == "22.4" and board.value_of("distance") == "10.00"
    assert board.tile_for("distance").accessibleName() == "Distance tile: 10.00 mi"
    assert board.keys() == ("power", "speed", "distance")  # only three: no lower row
    assert len(board.large_tiles()) == len(board.tiles()) == 3


def test_a_right_click_menu_puts_another_figure_on_the_tile(qtbot: QtBot, board: TileBoard) -> None:
    board.update_figures(FIGURES)
    right_click(board.tiles()[6])  # Intensity
    menu = board.menu
    assert menu is not None and menu.isVisible()
    shown = show_submenu(menu)
    assert action_for(shown, "intensity").isChecked()
    assert "swap with tile 4" in action_for(shown, "hr").text()
    with qtbot.waitSignal(board.keys_changed) as emitted:
        action_for(shown, "np").trigger()
    expected = ("power", "target", "interval_left", "hr", "cadence", "elapsed", "np")
    assert emitted.args == [expected]
    assert board.keys() == expected
    assert board.tiles()[6].title() == "NP"
    assert board.value_of("np") == "231"  # the figures already known are shown at once


def test_a_figure_from_another_tile_swaps_places(qtbot: QtBot, board: TileBoard) -> None:
    menu = board.open_menu(0)
    with qtbot.waitSignal(board.keys_changed) as emitted:
        action_for(show_submenu(menu), "hr").trigger()
    assert emitted.args[0][:4] == ("hr", "target", "interval_left", "power")
    assert board.tiles()[0].title() == "Heart rate"
    assert board.tiles()[3].title() == "Power · 3 s"
    # choosing what the tile already shows changes nothing
    with qtbot.assertNotEmitted(board.keys_changed):
        action_for(show_submenu(board.open_menu(0)), "hr").trigger()


def test_the_keyboard_opens_the_menu_and_keeps_the_focus_on_the_tile(
    qtbot: QtBot, board: TileBoard
) -> None:
    board.activateWindow()
    tile = board.tiles()[1]
    tile.setFocus()
    qtbot.waitUntil(tile.hasFocus)
    QTest.keyClick(tile, Qt.Key.Key_Menu)
    menu = board.menu
    assert menu is not None and menu.isVisible()
    assert action_for(show_submenu(menu), "target").isChecked()
    menu.close()

    QTest.keyClick(tile, Qt.Key.Key_F10, Qt.KeyboardModifier.ShiftModifier)
    assert board.menu is not menu and board.menu is not None and board.menu.isVisible()
    with qtbot.waitSignal(board.keys_changed):
        action_for(show_submenu(board.menu), "lap_time").trigger()
    assert board.keys()[1] == "lap_time"
    qtbot.waitUntil(board.tiles()[1].hasFocus)  # a new tile, in the same place


def test_reset_to_default_from_the_menu(qtbot: QtBot) -> None:
    board = TileBoard(("np", "lap_time", "lap_power", "speed"))
    qtbot.addWidget(board)
    menu = board.open_menu(2)
    reset = action_for(menu, "reset")
    assert reset.text() == "Reset tiles to default" and reset.isEnabled()
    with qtbot.waitSignal(board.keys_changed) as emitted:
        reset.trigger()
    assert emitted.args == [DEFAULT_TILES] and board.keys() == DEFAULT_TILES
    assert not action_for(board.open_menu(0), "reset").isEnabled()


def test_set_keys_is_the_programs_change_and_is_forgiving(qtbot: QtBot) -> None:
    board = TileBoard()
    qtbot.addWidget(board)
    with qtbot.assertNotEmitted(board.keys_changed):
        board.set_keys(["np", "wkg", "np", "hr", "lap_power", "a", "b"])
    assert board.keys() == ("np", "hr", "lap_power")
    board.set_keys(["hr"])  # too few: topped up from the defaults
    assert board.keys() == ("hr", "power", "target")
    board.set_keys(list(TILE_KEYS))  # too many: the first eight
    assert board.keys() == TILE_KEYS[:8]
    assert len(board.tiles()) == 8 and len(board.tiles()) - len(board.large_tiles()) == 5
    with pytest.raises(KeyError):
        board.value_of("distance")


def test_tiles_are_reachable_with_tab_and_say_how_to_change_them(board: TileBoard) -> None:
    for tile in board.tiles():
        assert tile.focusPolicy() & Qt.FocusPolicy.TabFocus
        assert tile.accessibleName().endswith("tile: no reading")
        assert "Menu key" in tile.accessibleDescription()
