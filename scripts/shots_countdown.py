"""Render the ride screen's interval countdown banner offscreen and save PNGs to look at.

    .venv/bin/python scripts/shots_countdown.py [OUT_DIR] [--scale 2]

1. countdown.png:          "Next: 300 W · 2:00" with the big 3, three seconds before the
                           interval ends
2. countdown-headsup.png:  the heads-up alone, eight seconds before
3. countdown-complete.png: the last seconds of the workout ("Workout complete in 0:02  2")

The banner is fed statuses from a real ride session, as on the ride screen, and is shown in
a dark-themed page at the width of the ride screen's content.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DEFAULT_OUT = Path("/tmp/freewheel-shots")
WIDTH, HEIGHT = 1100, 176
FTP_W = 250.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--scale", type=float, default=1.0, help="QT_SCALE_FACTOR (HiDPI)")
    args = parser.parse_args(argv)

    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if args.scale != 1.0:
        os.environ["QT_SCALE_FACTOR"] = str(args.scale)

    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication, QVBoxLayout, QWidget

    from app.core.ports import TrainerReading
    from app.core.ride.session import RideSession, status_of
    from app.core.workouts.model import Step, StepKind, Workout
    from app.ui.theme.style import FUSION_ARGS, apply_theme, mark_fusion
    from app.ui.widgets.countdown_banner import CountdownBanner

    app = QApplication([sys.argv[0], *FUSION_ARGS])
    mark_fusion(app)
    apply_theme(app)
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)

    def steady(duration_s: float, fraction: float) -> Step:
        return Step(StepKind.STEADY, duration_s, fraction, fraction)

    workout = Workout("Shots", (steady(60, 0.5), steady(120, 1.2), steady(60, 0.5)))
    session = RideSession(workout, ftp_w=FTP_W)
    session.start()
    reading = TrainerReading(power_w=126.0, cadence_rpm=91, hr_bpm=138, speed_mps=8.2)

    page = QWidget()
    page.setObjectName("Page")
    page.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)  # the theme's #Page
    layout = QVBoxLayout(page)
    layout.setContentsMargins(24, 24, 24, 24)
    banner = CountdownBanner()
    layout.addWidget(banner)
    layout.addStretch(1)
    page.resize(WIDTH, HEIGHT)
    page.show()

    def ride_to(position_s: float) -> None:
        banner.on_status(status_of(session))
        while session.position_s < position_s:
            session.tick(reading)
            banner.on_status(status_of(session))

    def save(name: str) -> None:
        for _ in range(6):
            app.processEvents()
        path = out / name
        if not page.grab().save(str(path)):
            raise SystemExit(f"could not write {path}")
        print(f"{path}  [{banner.text()}]")

    ride_to(52)
    save("countdown-headsup.png")
    ride_to(57)
    save("countdown.png")
    ride_to(238)
    save("countdown-complete.png")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
