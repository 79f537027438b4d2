"""Render the Calendar screen offscreen, to look at it.

    .venv/bin/python scripts/shots_calendar.py [OUT_DIR] [--scale 2]

The view sits in a stand-in for the main window (the same sidebar and status bar, styled
by the app theme) at 1280×800, over a real library.db in a temporary folder: the bundled
workouts, two synced from a "coach", and a four-week plan written the way the sync worker
writes it (`LibraryStore.store_calendar`), read through `app.compose.gui_adapters.calendar`.

1. calendar.png: the plan, today highlighted, the first Ride button focused
   calendar-scrolled.png: the same, scrolled down to the last weeks
   calendar-missing.png: a plan whose workout is not in the library yet
   calendar-narrow.png: the plan in a small window (1024×640), long notes wrapped
2. calendar-empty.png: nothing planned on this computer
3. calendar-error.png: a source that fails, reported inline
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from datetime import date, timedelta
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "scripts")]  # the app, and shot_kit
NAV = ("Library", "Ride", "Calendar", "History", "Status")

# days from today, workout id as the calendar has it, the coach's note
PLAN: tuple[tuple[int, str, str | None], ...] = (
    (0, "coach-ss", "Keep cadence above 90 in the blocks; fuel every 20 minutes."),
    (1, "recovery-spin-20", None),
    (2, "vo2-5x4", "Hard but controlled: the last rep should match the first."),
    (4, "endurance-express-30", "Easy: keep it conversational."),
    (
        5,
        "coach-long",
        "Steady, all zone 2. Bring two bottles and eat something every half hour; if the "
        "legs feel heavy after the first hour, stop there and call it a good day.",
    ),
    (7, "threshold-2x20", None),
    (9, "over-unders-60", "Stay seated for the overs."),
    (11, "tempo-2x20", None),
    (12, "long-base-90", "Outdoors if the weather is good."),
    (14, "ftp-test-20", "Test week: rest well the day before."),
    (16, "sweet-spot-3x15", None),
    (18, "coach-new-intervals", "New session from your coach."),
    (19, "long-base-90", None),
    (21, "vo2-pyramid-60", None),
    (23, "steady-tempo-45", None),
    (26, "aerobic-builder-120", "Last long ride of the block."),
    (30, "vo2-6x3", "Outside the four weeks: not shown."),
)


def make_store(home: Path, today: date) -> object:
    from app.infra.store.library_db import LibraryStore, SyncedWorkout

    bundled = ROOT / "resources" / "workouts"
    store = LibraryStore(home / "cache" / "library.db", bundled, home / "data" / "workouts")
    sweet = (bundled / "sweet-spot-3x20.zwo").read_text("utf-8")
    base = (bundled / "long-base-90.zwo").read_text("utf-8")
    store.apply_sync_page(
        [
            SyncedWorkout(
                "coach-ss",
                1,
                "Coach Sweet Spot 3x20",
                "zwo",
                sweet.replace("<name>Sweet Spot 3x20</name>", "<name>Coach's Sweet Spot</name>"),
            ),
            SyncedWorkout(
                "coach-long",
                1,
                "Coach's Long Base",
                "zwo",
                base.replace(
                    "<name>Long Base 90</name>",
                    "<name>Coach's Long Base Ride With A Rather Long Name</name>",
                ),
            ),
        ],
        deleted_ids=[],
        cursor="c1",
    )
    rows = [((today + timedelta(days=d)).isoformat(), w, n) for d, w, n in PLAN]
    store.store_calendar(today.isoformat(), (today + timedelta(days=40)).isoformat(), rows)
    return store


def main(argv: list[str] | None = None) -> int:
    import shot_kit as kit

    parser = kit.arg_parser(__doc__)
    parser.add_argument("--today", type=date.fromisoformat, default=date.today())
    args = parser.parse_args(argv)

    from app.compose.gui_adapters.calendar import LibraryCalendar as calendar_source
    from app.ui.ports.calendar import PlannedWorkout
    from app.ui.views.calendar import CalendarView

    kit.themed_app(args.scale)
    out: Path = args.out
    today: date = args.today
    home = Path(tempfile.mkdtemp(prefix="freewheel-calendar-shots-"))

    shell = partial(kit.shell, nav="Calendar", navs=NAV, status="Up to date")

    # 1. a plan from a real library.db
    store = make_store(home, today)
    source = calendar_source(store)
    view = CalendarView(source, today=lambda: today)
    window = shell(view)
    window.activateWindow()
    buttons = view.ride_buttons()
    if buttons:
        buttons[0].setFocus()
    kit.save(window, out / "calendar.png")
    bar = view.days_area.verticalScrollBar()
    bar.setValue(bar.maximum())
    kit.save(window, out / "calendar-scrolled.png")
    bar.setValue(0)
    row = view.row_for(today + timedelta(days=18))
    if row is not None:
        view.days_area.ensureWidgetVisible(row, 0, 160)
    kit.save(window, out / "calendar-missing.png")
    window.close()
    narrow = CalendarView(source, today=lambda: today)
    window = shell(narrow, size=(1024, 640))
    kit.save(window, out / "calendar-narrow.png")
    window.close()

    # 2. nothing planned
    class Empty:
        def planned(self, first: date, last: date) -> list[PlannedWorkout]:
            return []

    window = shell(CalendarView(Empty(), today=lambda: today))
    kit.save(window, out / "calendar-empty.png")
    window.close()

    # 3. a source that fails
    class Broken:
        def planned(self, first: date, last: date) -> list[PlannedWorkout]:
            raise OSError("database disk image is malformed")

    window = shell(CalendarView(Broken(), today=lambda: today))
    kit.save(window, out / "calendar-error.png")
    window.close()
    store.close()  # type: ignore[attr-defined]
    shutil.rmtree(home, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
