"""Screenshots of every main screen of the real desktop app (the same composition as
`freewheel`), offscreen at 1280x800, into a folder (default /tmp/freewheel-shots/app).

    .venv/bin/python scripts/screenshots_app.py [OUT_DIR] [--scale 2]

A throwaway data folder is prepared first: two finished rides and one interrupted ride
(so History and the resume prompt have something to show). Devices scan the virtual
radio. The ride and summary screens are captured by scripts/screenshots.py.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "scripts")]  # the app, and shot_kit
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def freewheel(home: Path, *args: str) -> None:
    env = dict(os.environ, FREEWHEEL_HOME=str(home))
    subprocess.run([sys.executable, "-m", "app", *args], env=env, cwd=ROOT, check=True,
                   capture_output=True)  # fmt: skip


def prepare(home: Path) -> None:
    freewheel(home, "ride", "--workout", "sweet-spot-2x20", "--speed", "max", "--ftp", "250")
    freewheel(home, "ride", "--workout", "vo2-5x4", "--speed", "max", "--ftp", "250")
    env = dict(os.environ, FREEWHEEL_HOME=str(home))
    ride = subprocess.Popen([sys.executable, "-m", "app", "ride", "--workout", "tempo-3x10",
                             "--speed", "200"], env=env, cwd=ROOT)  # fmt: skip
    try:
        ride.wait(timeout=6)  # killed mid-ride: an interrupted ride for the resume prompt
    except subprocess.TimeoutExpired:
        ride.kill()
        ride.wait()


def main() -> int:
    import shot_kit as kit

    args = kit.arg_parser(__doc__, kit.DEFAULT_OUT / "app").parse_args()
    home = Path(tempfile.mkdtemp(prefix="freewheel-app-shots-"))
    prepare(home)
    (home / "settings.json").write_text('{"ftp_w": 250, "first_run_done": true}')

    from PySide6.QtWidgets import QApplication

    from app.compose.gui import build_gui_services
    from app.compose.options import BleBackend, GuiOptions
    from app.ui.app import create_main_window

    app = kit.themed_app(args.scale)
    options = GuiOptions(home, simulate=True, ble_backend=BleBackend.VIRTUAL)
    services, close = build_gui_services(options)
    window = create_main_window(services)
    window.resize(kit.WIDTH, kit.HEIGHT)
    window.show()
    for _ in range(5):
        app.processEvents()
    window.finish_setup()
    for _ in range(20):
        app.processEvents()

    def shot(name: str) -> None:
        kit.save(window, args.out / f"{name}.png", rounds=10)

    shot("library")

    def ride_until(done: object, limit_s: float = 30.0) -> None:
        for _ in range(int(limit_s * 100)):
            app.processEvents()
            if done():  # type: ignore[operator]
                return
            QApplication.instance().thread().msleep(10)  # type: ignore[union-attr]

    def discard() -> None:
        window.ride_view.handle.discard()  # type: ignore[union-attr]
        ride_until(lambda: not window.ride_active, 5)

    window.start_ride(services.library.find("sweet-spot-2x20"))
    ride_view = window.ride_view
    ride_until(lambda: ride_view.last_status is not None and ride_view.last_status.elapsed_s >= 3)
    ride_view.refresh_devices()
    shot("ride")
    discard()

    # a burst's last seconds: the countdown; then resistance mode after a lap
    from app.core.ports import TrainerMode

    window.start_ride(services.library.find("micro-bursts-25"))
    ride_until(lambda: ride_view.last_status is not None and ride_view.last_status.elapsed_s >= 2)
    ride_view.handle.lap()  # type: ignore[union-attr]
    ride_view.handle.skip_forward()  # type: ignore[union-attr]
    ride_until(lambda: (ride_view.last_status.interval_left_s or 99) <= 3)  # type: ignore[union-attr]
    shot("ride-countdown")
    ride_view.handle.set_mode(TrainerMode.RESISTANCE)  # type: ignore[union-attr]
    ride_view.handle.nudge(2)  # type: ignore[union-attr]
    ride_until(lambda: ride_view.last_status.level_pct == 40)  # type: ignore[union-attr]
    shot("ride-resistance")
    discard()
    for page in ("Calendar", "History", "Devices", "Status", "Settings"):
        view = window.show_page(page)
        if page == "Devices" and view is not None:
            view.start_scan()  # type: ignore[attr-defined]
            future_wait = 0
            while future_wait < 400 and not view.rows:  # type: ignore[attr-defined]
                app.processEvents()
                QApplication.instance().thread().msleep(10)  # type: ignore[union-attr]
                future_wait += 1
        shot(page.lower())
    (home / "settings.json").write_text('{"ftp_w": 250, "first_run_done": false}')
    window._setup_first_run()  # the first-run welcome, as a new rider sees it
    shot("welcome")
    window.close()
    close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
