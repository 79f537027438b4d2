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

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "scripts")]  # the app, and shot_kit
WIDTH, HEIGHT = 1100, 176
FTP_W = 250.0


def main(argv: list[str] | None = None) -> int:
    import shot_kit as kit

    args = kit.arg_parser(__doc__).parse_args(argv)

    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QVBoxLayout, QWidget

    from app.core.ports import TrainerReading
    from app.core.ride.session import RideSession, status_of
    from app.core.workouts.model import Step, StepKind, Workout
    from app.ui.widgets.countdown_banner import CountdownBanner

    kit.themed_app(args.scale)
    out: Path = args.out

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
        kit.save(page, out / name, note=banner.text())

    ride_to(52)
    save("countdown-headsup.png")
    ride_to(57)
    save("countdown.png")
    ride_to(238)
    save("countdown-complete.png")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
