"""Render the configurable ride tiles and their settings offscreen, to look at them.

    .venv/bin/python scripts/shots_tiles.py [OUT_DIR] [--scale 2]

1. tiles.png:         a TileBoard with eight non-default tiles (10 s smoothing, a lap
                      marked, imperial units), fed by LiveFigures from a real ride session
                      20½ minutes into a VO2 workout
   tiles-menu.png:    the same board with a tile's menu open ("Show on this tile ▸")
   tiles-default.png: the default seven tiles, as the ride screen has always had them
2. settings-ride.png: the settings screen scrolled to the "Ride screen" section, with a
                      figure chosen twice and Apply pressed (the problem shown under it)

Everything runs on fake data: no trainer, no files.
"""

from __future__ import annotations

import random
import sys
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "scripts")]  # the app, and shot_kit
BOARD_W, BOARD_H = 1232, 380  # the tiles' share of a 1280×800 ride screen
FTP_W = 250.0
SHOWN_TILES = ("power", "lap_power", "interval_left", "hr", "cadence", "np", "speed", "distance")


def ride_figures(seconds: int = 1230, lap_at_s: int = 1080) -> dict[str, float | int | None]:
    """Figures of a simulated VO2 ride: a real RideSession ticked with noisy readings."""
    from app.core.ports import TrainerReading
    from app.core.ride.live_figures import LiveFigures
    from app.core.ride.session import RideSession, status_of
    from app.core.workouts.model import RepeatBlock, Step, StepKind, StepRole, Workout

    workout = Workout(
        "VO2 Max 5x4",
        (
            Step(StepKind.RAMP, 600, 0.50, 0.75, role=StepRole.WARMUP),
            RepeatBlock(
                5,
                (
                    Step(StepKind.STEADY, 240, 1.15, 1.15),
                    Step(StepKind.STEADY, 240, 0.55, 0.55, role=StepRole.REST),
                ),
            ),
            Step(StepKind.RAMP, 480, 0.60, 0.40, role=StepRole.COOLDOWN),
        ),
    )
    rng = random.Random(11)
    session = RideSession(workout, ftp_w=FTP_W)
    session.start()
    figures = LiveFigures(smoothing_s=10, interval_count=len(workout.flat_steps()))
    hr = 96.0
    for second in range(seconds):
        target = session.target_at(session.position_s) or 150.0
        hr += (62 + target * 0.3 - hr) / 45
        reading = TrainerReading(
            power_w=max(target + rng.gauss(0, 9), 0),
            cadence_rpm=92 + rng.gauss(0, 2),
            hr_bpm=hr + rng.gauss(0, 0.8),
            speed_mps=8.2 + target / 120 + rng.gauss(0, 0.1),
        )
        tick = session.tick(reading)
        if second == lap_at_s:
            figures.mark_lap(tick.sample.elapsed_s)
        figures.update(tick.sample, status_of(session))
    return figures.values()


def main(argv: list[str] | None = None) -> int:
    import shot_kit as kit
    from shots_settings import ShotSettingsPort

    args = kit.arg_parser(__doc__).parse_args(argv)

    from PySide6.QtCore import QPoint
    from PySide6.QtGui import QColor, QPainter, QPixmap
    from PySide6.QtWidgets import QVBoxLayout, QWidget

    from app.core.settings import RiderSettings
    from app.ui.theme import palette as c
    from app.ui.views.settings import SettingsView
    from app.ui.widgets.tile_board import TileBoard

    kit.themed_app(args.scale)
    out: Path = args.out

    def page(board: TileBoard) -> QWidget:
        """The board on a page, with the ride screen's margins."""
        holder = QWidget()
        holder.setObjectName("Page")
        layout = QVBoxLayout(holder)
        layout.setContentsMargins(24, 18, 24, 18)
        layout.addWidget(board)
        holder.resize(BOARD_W + 48, BOARD_H + 36)
        holder.show()
        kit.settle()
        return holder

    values = ride_figures()

    # 1 a board of the rider's own
    board = TileBoard(SHOWN_TILES, smoothing_s=10, units="imperial")
    board.update_figures(values)
    holder = page(board)
    holder.setFocus()  # no tile has the focus ring
    kit.save(holder, out / "tiles.png")

    # 1b its menu, opened from the keyboard on the second tile
    board.tiles()[1].setFocus()
    menu = board.open_menu(1)
    kit.settle()
    submenu = menu.actions()[0].menu()
    assert submenu is not None
    menu.setActiveAction(menu.actions()[0])
    kit.settle()
    tile = board.tiles()[1]
    at = tile.mapTo(holder, tile.rect().center()) - QPoint(40, 40)
    shot = QPixmap(holder.width(), max(holder.height(), at.y() + submenu.height() + 24))
    shot.fill(QColor(c.WINDOW))
    painter = QPainter(shot)
    painter.drawPixmap(0, 0, holder.grab())
    painter.drawPixmap(at, menu.grab())
    painter.drawPixmap(at + QPoint(menu.width() - 6, 0), submenu.grab())
    painter.end()
    kit.save(shot, out / "tiles-menu.png")
    menu.close()

    # 1c the usual seven
    default = TileBoard()
    default.update_figures(values)
    default_page = page(default)
    default_page.setFocus()
    kit.save(default_page, out / "tiles-default.png")

    # 2 settings, scrolled to the ride screen section, a figure chosen twice
    port = ShotSettingsPort()
    port.settings = RiderSettings(
        ftp_w=250, ride_tiles=SHOWN_TILES, power_smoothing_s=10, units="imperial"
    )
    port.load = lambda: (port.settings, [])  # type: ignore[method-assign]
    settings = SettingsView(port, today=lambda: date(2025, 4, 7))  # type: ignore[arg-type]
    settings.resize(kit.WIDTH, kit.HEIGHT)
    settings.show()
    kit.settle()
    picker = settings.tile_picker
    picker.combos[5].setCurrentIndex(picker.combos[5].findData("hr"))
    picker.changed.emit()
    settings.apply()
    kit.settle()
    section = picker.parentWidget()
    assert section is not None
    top = section.mapTo(settings.scroll_area.widget(), QPoint(0, 0)).y()
    settings.scroll_area.verticalScrollBar().setValue(top - 12)
    settings.scroll_area.horizontalScrollBar().setValue(0)
    kit.save(settings, out / "settings-ride.png")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
