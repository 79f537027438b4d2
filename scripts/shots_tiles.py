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

import argparse
import os
import random
import sys
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DEFAULT_OUT = Path("/tmp/freewheel-shots")
BOARD_W, BOARD_H = 1232, 380  # the tiles' share of a 1280×800 ride screen
WIDTH, HEIGHT = 1280, 800
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
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--scale", type=float, default=1.0, help="QT_SCALE_FACTOR (HiDPI)")
    args = parser.parse_args(argv)

    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if args.scale != 1.0:
        os.environ["QT_SCALE_FACTOR"] = str(args.scale)

    from PySide6.QtCore import QPoint
    from PySide6.QtGui import QColor, QPainter, QPixmap
    from PySide6.QtWidgets import QApplication, QVBoxLayout, QWidget

    from app.core.settings import RiderSettings
    from app.ui.theme import palette as c
    from app.ui.theme.style import FUSION_ARGS, apply_theme, mark_fusion
    from app.ui.views.settings_view import SettingsView
    from app.ui.widgets.tile_board import TileBoard

    sys.path.insert(0, str(ROOT / "scripts"))
    from shots_settings import ShotSettingsPort

    app = QApplication([sys.argv[0], *FUSION_ARGS])
    mark_fusion(app)
    apply_theme(app)
    args.out.mkdir(parents=True, exist_ok=True)

    def settle() -> None:
        for _ in range(6):
            app.processEvents()

    def save(pixmap: QPixmap, name: str) -> Path:
        path: Path = args.out / name
        if not pixmap.save(str(path)):
            raise SystemExit(f"could not write {path}")
        print(path)
        return path

    def page(board: TileBoard) -> QWidget:
        """The board on a page, with the ride screen's margins."""
        holder = QWidget()
        holder.setObjectName("Page")
        layout = QVBoxLayout(holder)
        layout.setContentsMargins(24, 18, 24, 18)
        layout.addWidget(board)
        holder.resize(BOARD_W + 48, BOARD_H + 36)
        holder.show()
        settle()
        return holder

    values = ride_figures()

    # 1 a board of the rider's own
    board = TileBoard(SHOWN_TILES, smoothing_s=10, units="imperial")
    board.update_figures(values)
    holder = page(board)
    holder.setFocus()  # no tile has the focus ring
    settle()
    save(holder.grab(), "tiles.png")

    # 1b its menu, opened from the keyboard on the second tile
    board.tiles()[1].setFocus()
    menu = board.open_menu(1)
    settle()
    submenu = menu.actions()[0].menu()
    assert submenu is not None
    menu.setActiveAction(menu.actions()[0])
    settle()
    tile = board.tiles()[1]
    at = tile.mapTo(holder, tile.rect().center()) - QPoint(40, 40)
    shot = QPixmap(holder.width(), max(holder.height(), at.y() + submenu.height() + 24))
    shot.fill(QColor(c.WINDOW))
    painter = QPainter(shot)
    painter.drawPixmap(0, 0, holder.grab())
    painter.drawPixmap(at, menu.grab())
    painter.drawPixmap(at + QPoint(menu.width() - 6, 0), submenu.grab())
    painter.end()
    save(shot, "tiles-menu.png")
    menu.close()

    # 1c the usual seven
    default = TileBoard()
    default.update_figures(values)
    default_page = page(default)
    default_page.setFocus()
    settle()
    save(default_page.grab(), "tiles-default.png")

    # 2 settings, scrolled to the ride screen section, a figure chosen twice
    port = ShotSettingsPort()
    port.settings = RiderSettings(
        ftp_w=250, ride_tiles=SHOWN_TILES, power_smoothing_s=10, units="imperial"
    )
    port.load = lambda: (port.settings, [])  # type: ignore[method-assign]
    settings = SettingsView(port, today=lambda: date(2025, 4, 7))  # type: ignore[arg-type]
    settings.resize(WIDTH, HEIGHT)
    settings.show()
    settle()
    picker = settings.tile_picker
    picker.combos[5].setCurrentIndex(picker.combos[5].findData("hr"))
    picker.changed.emit()
    settings.apply()
    settle()
    section = picker.parentWidget()
    assert section is not None
    top = section.mapTo(settings.scroll_area.widget(), QPoint(0, 0)).y()
    settings.scroll_area.verticalScrollBar().setValue(top - 12)
    settings.scroll_area.horizontalScrollBar().setValue(0)
    settle()
    save(settings.grab(), "settings-ride.png")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
