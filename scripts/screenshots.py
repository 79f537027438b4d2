"""Render the desktop app offscreen in three states and save PNGs, to look at the UI.

    .venv/bin/python scripts/screenshots.py [OUT_DIR] [--scale 2] [--workout ID] [--select ID]

1. library.png: the bundled library with a workout selected (detail pane and profile)
   library-filtered.png: filter chips on (time, zone), sorted by TSS, a favourite starred
   library-import.png: the report of an import with a good, a duplicate and a broken file,
   details open; library-export.png: an export that could not keep everything;
   library-drop.png: files dragged over the window
2. ride.png:    a ride in progress, mid-interval (simulated trainer, virtual time held still)
   ride-paused.png: the same ride paused, with a trainer-message banner and the inline
   discard question
3. summary.png: the same ride ridden to the end, its summary (figures, chart, time in zone)

Rides use the real ride controller and simulated trainer on a *gated* virtual clock: time
runs as fast as the machine goes up to a limit, then waits, so the ride screen can be
caught at an exact workout position while the ride is still "riding".
"""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "scripts")]  # the app, and shot_kit
_GOOD_ERG = """[COURSE HEADER]
DESCRIPTION = Garage Over-Unders
FTP = 250
MINUTES WATTS
[END COURSE HEADER]
[COURSE DATA]
0.00 125
10.00 160
10.00 235
14.00 235
14.00 270
16.00 270
16.00 235
20.00 235
20.00 270
22.00 270
22.00 130
30.00 130
[END COURSE DATA]
"""
WIDTH, HEIGHT = 1280, 800
FTP_W = 250.0


def main(argv: list[str] | None = None) -> int:
    import shot_kit as kit

    parser = kit.arg_parser(__doc__)
    parser.add_argument("--select", default="over-unders-60", help="workout shown in the library")
    parser.add_argument("--workout", default="vo2-5x4", help="workout ridden")
    args = parser.parse_args(argv)

    import shutil
    import tempfile

    from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl
    from PySide6.QtGui import QDragEnterEvent
    from PySide6.QtWidgets import QApplication

    from app.core.workouts.catalog import SortKey
    from app.core.workouts.timeline import Timeline
    from app.infra.paths import app_paths, resources_dir
    from app.infra.sim.physics import TrainerPhysics
    from app.infra.sim.trainer import SimulatedTrainerLink
    from app.runtime.clock import VirtualClock
    from app.runtime.device_loop import DeviceLoop
    from app.runtime.ride_control import RideController
    from app.services.library import open_library
    from app.services.workouts import export_workout
    from app.ui.app import create_main_window
    from app.ui.services import GuiServices

    class GatedClock(VirtualClock):
        """Virtual time that runs freely up to `limit_s`, then waits for more."""

        def __init__(self) -> None:
            super().__init__()
            self.limit_s = 0.0

        async def sleep_until(self, deadline_s: float) -> None:
            while deadline_s > self.limit_s:
                await asyncio.sleep(0.005)
            await super().sleep_until(deadline_s)

    app = kit.themed_app(args.scale)
    home = Path(tempfile.mkdtemp(prefix="freewheel-shots-"))
    library = open_library(app_paths(home))
    clock = GatedClock()
    loop = DeviceLoop(name="screenshots").start()
    trainer = SimulatedTrainerLink(clock, TrainerPhysics(ftp_w=FTP_W, seed=3))
    services = GuiServices(
        library=library,
        rides=RideController(loop, trainer, clock),
        ftp_w=FTP_W,
        trainer_name=trainer.name,
        status_text="Offline · simulated trainer",
        export_workout=export_workout,  # the library's Export…, as the app wires it
    )
    out: Path = args.out

    def wait_for(condition: Callable[[], bool], what: str, timeout_s: float = 30.0) -> None:
        deadline = time.monotonic() + timeout_s
        while not condition():
            if time.monotonic() > deadline:
                raise SystemExit(f"timed out waiting for {what}")
            app.processEvents()
            time.sleep(0.002)

    def save(name: str) -> Path:
        return kit.save(window, out / name, rounds=5)

    try:
        window = create_main_window(services)
        window.resize(WIDTH, HEIGHT)
        window.show()
        wait_for(lambda: window.is_ready and window.setup_finished, "the first paint")
        for _ in range(5):  # let the layout settle around the chips and the detail pane
            app.processEvents()

        # 1. library with a selection
        view = window.library_view
        selected = library.find(args.select) or library.entries()[0]
        view.select_row(
            next(i for i, e in enumerate(view.visible_entries()) if e.id == selected.id)
        )
        save("library.png")

        # 1b. filters, sort and a favourite
        bar = view.filter_bar
        favourite = library.find("threshold-2x20") or library.entries()[0]
        view.select_entry(favourite.id)
        view.detail.star.click()
        next(c for c in bar.duration_chips if c.text().startswith("60")).click()
        bar.zone_chips[3].click()  # Z4
        bar.zone_chips[2].click()  # Z3
        view.set_sort(SortKey.TSS, descending=True)
        view.select_entry(favourite.id)
        save("library-filtered.png")
        bar.clear()
        view.set_sort(SortKey.NAME)

        # 1c. an import: one new workout, one duplicate, one broken file
        source = home / "downloads"
        (source / "old").mkdir(parents=True)
        (source / "garage-over-unders.erg").write_text(_GOOD_ERG)
        shutil.copy(resources_dir() / "workouts" / "threshold-2x20.zwo", source / "t2x20.zwo")
        (source / "old" / "half-downloaded.zwo").write_text("<workout_file><name>Oops")
        done: list[object] = []
        view.import_finished.connect(done.append)
        view.import_paths([source])
        wait_for(lambda: bool(done), "the import")
        view.notice.details_button.click()
        save("library-import.png")

        # 1d. an export that could not keep everything (.erg has no description, no cues)
        view.select_entry(favourite.id)
        view.export_to(home / f"{favourite.id.split(':')[-1]}.erg")
        save("library-export.png")
        view.notice.dismiss()

        # 1e. files dragged over the window
        mime = QMimeData()
        mime.setUrls([QUrl.fromLocalFile(str(source / "garage-over-unders.erg"))])
        QApplication.sendEvent(
            window,
            QDragEnterEvent(
                QPoint(WIDTH // 2, HEIGHT // 2),
                Qt.DropAction.CopyAction,
                mime,
                Qt.MouseButton.LeftButton,
                Qt.KeyboardModifier.NoModifier,
            ),
        )
        save("library-drop.png")
        window._drop_target.show_overlay(False)
        view.select_entry(selected.id)

        # 2. ride in progress, in the middle of the hardest interval of the middle third
        ride_entry = library.find(args.workout) or selected
        timeline = Timeline(ride_entry.workout)
        third = timeline.duration_s / 3
        candidates = [iv for iv in timeline.intervals if third <= iv.start_s < 2 * third] or list(
            timeline.intervals
        )
        hardest = max(candidates, key=lambda iv: iv.step.power_at(0) or 0.0)
        hold_s = float(int(hardest.start_s + hardest.step.duration_s * 0.55))
        clock.limit_s = hold_s
        window.start_ride(ride_entry)
        ride = window.ride_view
        wait_for(
            lambda: ride.last_status is not None and ride.last_status.position_s >= hold_s - 1,
            "the ride to reach mid-interval",
        )
        save("ride.png")

        # 2b. (extra) paused, with a trainer message banner and the discard question
        ride.toggle_pause()
        wait_for(lambda: ride.last_status.state.value == "paused", "the pause")
        ride.show_banner(f"{trainer.name} did not take the command (link lost)")
        ride.ask_discard()
        save("ride-paused.png")
        ride.cancel_discard()
        ride.hide_banner()
        ride.toggle_pause()
        wait_for(lambda: ride.last_status.state.value == "riding", "the resume")

        # 3. the summary of that ride, ridden to its end
        clock.limit_s = float("inf")
        wait_for(lambda: window.current_page() is window.summary_view, "the summary", 120)
        save("summary.png")
    finally:
        clock.limit_s = float("inf")
        loop.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
