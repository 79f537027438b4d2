"""The Calendar screen over a real library.db: the cached calendar written as the sync
worker writes it (`LibraryStore.store_calendar`), read through the composition root's
adapter (`app.compose.gui_adapters.calendar`)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QPushButton
from pytestqt.qtbot import QtBot

from app.compose.gui_adapters.calendar import LibraryCalendar as calendar_source
from app.infra.store.library_db import LibraryStore, SyncedWorkout
from app.ui import display
from app.ui.ports.calendar import MISSING_WORKOUT_NAME, PlannedWorkout
from app.ui.views.calendar import CalendarView
from app.ui.views.calendar.day_row import DayRow
from app.ui.views.calendar.words import EMPTY_BODY, EMPTY_TITLE

BUNDLED = Path(__file__).resolve().parents[2] / "resources" / "workouts"
TODAY = date(2025, 3, 12)  # a Wednesday
COACH_NOTE = "Keep cadence above 90 in the blocks"


def day(offset: int) -> str:
    return (TODAY + timedelta(days=offset)).isoformat()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[LibraryStore]:
    """Three bundled workouts and one synced from the coach; no calendar yet."""
    bundled = tmp_path / "bundled"
    bundled.mkdir()
    for stem in ("sweet-spot-3x15", "vo2-5x4", "recovery-spin-20"):
        shutil.copy(BUNDLED / f"{stem}.zwo", bundled)
    library = LibraryStore(tmp_path / "cache" / "library.db", bundled, tmp_path / "imported")
    coach = (BUNDLED / "tempo-2x20.zwo").read_text("utf-8").replace("Tempo 2x20", "Coach Tempo")
    library.apply_sync_page(
        [SyncedWorkout("coach-1", 1, "Coach Tempo", "zwo", coach)], deleted_ids=[], cursor="c1"
    )
    yield library
    library.close()


def plan(store: LibraryStore, rows: list[tuple[str, str, str | None]]) -> None:
    """The calendar as a sync stores it: the window from yesterday to five weeks ahead."""
    store.store_calendar(day(-7), day(40), rows)


@pytest.fixture
def planned(store: LibraryStore) -> LibraryStore:
    plan(
        store,
        [
            (day(-1), "recovery-spin-20", "yesterday: not shown"),
            (day(0), "sweet-spot-3x15", COACH_NOTE),
            (day(2), "coach-1", None),
            (day(3), "gone-from-the-server", "New session from your coach"),
            (day(5), "vo2-5x4", None),
            (day(5), "recovery-spin-20", "a second ride that day"),
            (day(27), "recovery-spin-20", "the last day shown"),
            (day(28), "vo2-5x4", "one day too late"),
        ],
    )
    return store


def make_view(qtbot: QtBot, source: object, today: date = TODAY) -> CalendarView:
    view = CalendarView(source, today=lambda: today)  # type: ignore[arg-type]
    qtbot.addWidget(view)
    view.resize(1080, 760)
    view.show()
    qtbot.waitExposed(view)
    return view


def texts(row: DayRow) -> list[str]:
    return [label.text() for label in row.findChildren(QLabel) if label.isVisibleTo(row)]


def row(view: CalendarView, offset: int) -> DayRow:
    found = view.row_for(TODAY + timedelta(days=offset))
    assert found is not None, f"no row for day {offset}"
    return found


def test_today_is_marked_and_four_weeks_follow(qtbot: QtBot, planned: LibraryStore) -> None:
    view = make_view(qtbot, calendar_source(planned))

    assert [r.day for r in view.rows] == [TODAY + timedelta(days=i) for i in range(28)]
    today = view.rows[0]
    assert today.is_today and view.today_row is today
    assert [r for r in view.rows if r.is_today] == [today]
    assert today.today_chip is not None and today.today_chip.isVisible()
    assert "TODAY" in texts(today)
    assert today.property("today") is True and view.rows[1].property("today") is False
    assert "today" in today.accessibleName()


def test_days_are_grouped_in_monday_first_weeks(qtbot: QtBot, planned: LibraryStore) -> None:
    view = make_view(qtbot, calendar_source(planned))

    headers = [
        label.text()
        for label in view.content.findChildren(QLabel)
        if label.property("role") in ("weekTitle", "weekTotals")
    ]
    assert headers[0::2] == [
        "THIS WEEK   ·   12–16 Mar",
        "NEXT WEEK   ·   17–23 Mar",
        "IN 2 WEEKS   ·   24–30 Mar",
        "IN 3 WEEKS   ·   31 Mar – 6 Apr",
        "IN 4 WEEKS   ·   7–8 Apr",
    ]
    assert headers[1].startswith("3 workouts")  # today's, the coach's, the missing one
    assert headers[5] == "Nothing planned"
    mondays = [r.day for r in view.rows if r.day.weekday() == 0]
    assert mondays == [date(2025, 3, 17), date(2025, 3, 24), date(2025, 3, 31), date(2025, 4, 7)]


def test_a_planned_day_shows_name_duration_tss_and_note(
    qtbot: QtBot, planned: LibraryStore
) -> None:
    view = make_view(qtbot, calendar_source(planned))
    entry = planned.find("sweet-spot-3x15")
    assert entry is not None

    shown = texts(row(view, 0))
    assert "Sweet Spot 3x15" in shown
    assert f"{display.h_mm(entry.duration_s)}  ·  TSS {round(entry.tss)}" in shown
    assert display.h_mm(entry.duration_s) == "1:15"
    assert COACH_NOTE in shown
    # the synced workout is found by its calendar id, a bundled one by its file name
    assert "Coach Tempo" in texts(row(view, 2))
    assert {"VO2 5x4", "Recovery Spin 20"} <= set(texts(row(view, 5)))


def test_rest_days_read_as_such(qtbot: QtBot, planned: LibraryStore) -> None:
    view = make_view(qtbot, calendar_source(planned))

    rest = row(view, 1)
    assert rest.items == [] and "Rest day" in texts(rest)
    assert rest.ride_buttons == []
    assert sum(1 for r in view.rows if not r.items) == 28 - 5  # five days have a plan


def test_ride_emits_the_library_entry_id(qtbot: QtBot, planned: LibraryStore) -> None:
    view = make_view(qtbot, calendar_source(planned))

    (coach,) = row(view, 2).ride_buttons
    with qtbot.waitSignal(view.ride_requested, timeout=1000) as blocker:
        qtbot.mouseClick(coach, Qt.MouseButton.LeftButton)
    assert blocker.args == ["synced:coach-1"]

    spin, vo2 = row(view, 5).ride_buttons  # a day's workouts in the cache's order
    assert vo2.accessibleName() == "Ride VO2 5x4 on Monday 17 March"
    with qtbot.waitSignal(view.ride_requested, timeout=1000) as blocker:
        qtbot.mouseClick(spin, Qt.MouseButton.LeftButton)
    assert blocker.args == ["bundled:recovery-spin-20"]


def test_ride_buttons_are_reached_and_pressed_with_the_keyboard(
    qtbot: QtBot, planned: LibraryStore
) -> None:
    view = make_view(qtbot, calendar_source(planned))
    view.activateWindow()
    qtbot.waitUntil(view.isActiveWindow)
    buttons = view.ride_buttons()
    assert [b.accessibleName() for b in buttons] == [
        "Ride Sweet Spot 3x15 on Wednesday 12 March",
        "Ride Coach Tempo on Friday 14 March",
        "Ride Recovery Spin 20 on Monday 17 March",
        "Ride VO2 5x4 on Monday 17 March",
        "Ride Recovery Spin 20 on Tuesday 8 April",
    ]
    assert all(b.focusPolicy() & Qt.FocusPolicy.TabFocus for b in buttons)

    buttons[0].setFocus()
    qtbot.waitUntil(buttons[0].hasFocus)
    qtbot.keyClick(buttons[0], Qt.Key.Key_Tab)
    qtbot.waitUntil(buttons[1].hasFocus)  # day by day, the next Ride button
    with qtbot.waitSignal(view.ride_requested, timeout=1000) as blocker:
        qtbot.keyClick(buttons[1], Qt.Key.Key_Space)
    assert blocker.args == ["synced:coach-1"]


def test_a_workout_missing_from_the_library_is_listed_without_ride(
    qtbot: QtBot, planned: LibraryStore
) -> None:
    view = make_view(qtbot, calendar_source(planned))

    missing = row(view, 3)
    assert [p.workout_id for p in missing.items] == [None]
    shown = texts(missing)
    assert MISSING_WORKOUT_NAME in shown and "New session from your coach" in shown
    assert missing.ride_buttons == [] and missing.findChildren(QPushButton) == []
    assert len(view.ride_buttons()) == 5
    assert "1 not in the library yet" in view.count_label.text()


def test_entries_outside_the_four_weeks_are_not_shown(qtbot: QtBot, planned: LibraryStore) -> None:
    view = make_view(qtbot, calendar_source(planned))

    assert view.row_for(TODAY - timedelta(days=1)) is None
    assert view.row_for(TODAY + timedelta(days=28)) is None
    notes = [p.note for p in view.planned]
    assert "yesterday: not shown" not in notes and "one day too late" not in notes
    assert "the last day shown" in " ".join(texts(row(view, 27)))
    assert len(view.planned) == 6


def test_a_source_giving_too_much_is_cut_to_the_window(qtbot: QtBot) -> None:
    class Generous:
        def planned(self, first: date, last: date) -> list[PlannedWorkout]:
            return [
                PlannedWorkout(first - timedelta(days=1), "a", "Before"),
                PlannedWorkout(first, "b", "Today's"),
                PlannedWorkout(last + timedelta(days=1), "c", "After"),
            ]

    view = make_view(qtbot, Generous())
    assert [p.name for p in view.planned] == ["Today's"]
    assert [b.property("workoutId") for b in view.ride_buttons()] == ["b"]


def test_an_empty_calendar_says_how_to_get_a_plan(qtbot: QtBot, store: LibraryStore) -> None:
    view = make_view(qtbot, calendar_source(store))

    assert view.empty_card.isVisible() and not view.days_area.isVisible()
    assert view.empty_title.text() == EMPTY_TITLE == "No plan on this computer yet."
    assert "Sign in and sync" in EMPTY_BODY and view.empty_body.text() == EMPTY_BODY
    assert view.ride_buttons() == []
    assert not view.error_frame.isVisible()


def test_refresh_shows_what_a_sync_brought_and_follows_the_date(
    qtbot: QtBot, store: LibraryStore
) -> None:
    current = [TODAY]
    view = CalendarView(calendar_source(store), today=lambda: current[0])
    qtbot.addWidget(view)
    view.show()
    assert view.empty_card.isVisible()

    plan(store, [(day(1), "vo2-5x4", None)])
    view.refresh()
    assert not view.empty_card.isVisible() and view.days_area.isVisible()
    assert "VO2 5x4" in texts(row(view, 1))

    current[0] = TODAY + timedelta(days=1)  # past midnight
    view.refresh()
    assert view.rows[0].day == TODAY + timedelta(days=1) and view.rows[0].is_today
    assert "VO2 5x4" in texts(view.rows[0])
    assert view.rows[0].ride_buttons[0].property("primary") is True


def test_focus_stays_on_its_ride_button_across_a_refresh(
    qtbot: QtBot, planned: LibraryStore
) -> None:
    view = make_view(qtbot, calendar_source(planned))
    view.activateWindow()
    qtbot.waitUntil(view.isActiveWindow)
    view.ride_buttons()[2].setFocus()
    qtbot.waitUntil(view.ride_buttons()[2].hasFocus)

    view.refresh()
    focused = QApplication.focusWidget()
    assert focused is view.ride_buttons()[2]
    assert focused.accessibleName() == "Ride Recovery Spin 20 on Monday 17 March"


class Flaky:
    """A real calendar source that can be made to fail, as a broken cache would."""

    def __init__(self, store: LibraryStore) -> None:
        self.real = calendar_source(store)
        self.broken = False

    def planned(self, first: date, last: date) -> list[PlannedWorkout]:
        if self.broken:
            raise OSError("database disk image is malformed")
        return self.real.planned(first, last)


def test_a_failing_source_is_reported_inline_and_the_view_survives(
    qtbot: QtBot, planned: LibraryStore
) -> None:
    source = Flaky(planned)
    source.broken = True
    view = make_view(qtbot, source)

    assert view.error_frame.isVisible()
    assert "Could not read the calendar" in view.error_label.text()
    assert "database disk image is malformed" in view.error_label.text()
    assert not view.empty_card.isVisible() and view.ride_buttons() == []
    assert QApplication.activeModalWidget() is None  # no dialog

    source.broken = False
    view.refresh()
    assert not view.error_frame.isVisible() and view.error is None
    assert len(view.ride_buttons()) == 5

    source.broken = True
    view.refresh()  # the plan read before stays, with the error above it
    assert view.error_frame.isVisible() and "last read" in view.error_label.text()
    assert len(view.ride_buttons()) == 5 and view.days_area.isVisible()
    with qtbot.waitSignal(view.ride_requested, timeout=1000) as blocker:
        qtbot.mouseClick(view.ride_buttons()[0], Qt.MouseButton.LeftButton)
    assert blocker.args == ["bundled:sweet-spot-3x15"]


def test_a_closed_library_is_an_error_not_a_crash(qtbot: QtBot, planned: LibraryStore) -> None:
    source = calendar_source(planned)
    planned.close()
    view = make_view(qtbot, source)

    assert view.error_frame.isVisible() and view.error is not None
    view.refresh()  # and again: still no exception
    assert view.error_frame.isVisible()


def test_the_calendar_page_in_the_window_starts_the_planned_ride(rig, qtbot) -> None:  # type: ignore[no-untyped-def]
    from app.ui.app import create_main_window

    entry = rig.library.by_name("Sweet Spot 3x12")

    class Planned:
        def planned(self, first: date, last: date) -> list[PlannedWorkout]:
            return [PlannedWorkout(first, entry.id, entry.name, entry.duration_s, 80.0, "")]

    rig.services.calendar = Planned()
    window = create_main_window(rig.services)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.setup_finished)
    try:
        page = window.show_page("Calendar")
        assert window.current_page() is page
        (button,) = page.ride_buttons()
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        assert window.current_page() is window.ride_view
        assert window.ride_view.title.text() == "Sweet Spot 3x12"
    finally:
        handle = window.ride_view.handle if window.ride_active else None
        if handle is not None:
            with qtbot.waitSignal(window.ride_view.ride_finished, timeout=10_000):
                handle.discard()
        window.close()
