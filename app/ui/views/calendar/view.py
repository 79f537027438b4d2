"""The Calendar screen: today and the next four weeks of planned workouts.

An agenda, read from the caches on this computer (it works offline): one card per
Monday-first week, one row per day (day_row.py). Today's row is highlighted and marked
"Today"; a planned day shows each workout's name, duration (h:mm), TSS and the coach's
note, with a Ride button when the workout is in the library; a workout the library does
not have yet is listed without one; a day with nothing planned reads "Rest day". Each
week's header adds up its workouts, time and TSS. With nothing planned at all the screen
says how to get a plan instead.

`refresh()` reads the source again (the window calls it when the page is shown and after
each sync); a source that fails is reported inline, never in a dialog. Signal
`ride_requested(str)`: the library entry id of the workout to ride.

Keys: Tab moves through the Ride buttons day by day (the list scrolls to keep the focused
one in view); Space or Enter rides.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import date, timedelta

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app.ui.ports.calendar import CalendarSource, PlannedWorkout
from app.ui.views.calendar.day_row import DayRow, plain_label
from app.ui.views.calendar.style import calendar_style
from app.ui.views.calendar.words import (
    DAYS_SHOWN,
    EMPTY_BODY,
    EMPTY_TITLE,
    Week,
    count_text,
    one_line,
    totals_text,
    week_span,
    week_title,
    weeks,
)

__all__ = ["CalendarView"]

log = logging.getLogger(__name__)

_ERROR_LIMIT = 240  # characters of an error's own words shown


class CalendarView(QWidget):
    """Today and the next four weeks of planned workouts. Signal `ride_requested(str)`:
    the library entry id of a planned workout the rider chose to ride."""

    ride_requested = Signal(str)

    def __init__(
        self,
        source: CalendarSource,
        today: Callable[[], date] = date.today,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("Page")
        self.setAccessibleName("Calendar")
        self.setStyleSheet(calendar_style())
        self.source = source
        self._today = today
        self.first_day = today()
        self.planned: list[PlannedWorkout] = []
        self.rows: list[DayRow] = []
        self.error: str | None = None
        self._read_once = False
        self._build()
        self.refresh()

    @property
    def last_day(self) -> date:
        return self.first_day + timedelta(days=DAYS_SHOWN - 1)

    # -- layout --------------------------------------------------------------------------------
    def _build(self) -> None:
        title_row = self._build_title_row()
        subtitle = QLabel("Today and the next four weeks, as last synced to this computer.")
        subtitle.setProperty("role", "subtitle")
        self._build_error_frame()
        self._build_empty_card()
        self._build_days_area()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 18)
        layout.setSpacing(10)
        layout.addLayout(title_row)
        layout.addWidget(subtitle)
        layout.addSpacing(4)
        layout.addWidget(self.error_frame)
        layout.addWidget(self.empty_card)
        layout.addWidget(self.days_area, 1)
        self._empty_stretch = QWidget()  # keeps the empty card at the top
        self._empty_stretch.setSizePolicy(
            QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding
        )
        self._empty_stretch.hide()
        layout.addWidget(self._empty_stretch, 1)

    def _build_title_row(self) -> QHBoxLayout:
        title = QLabel("Calendar")
        title.setProperty("role", "title")
        self.count_label = QLabel("")
        self.count_label.setProperty("role", "muted")
        self.count_label.setObjectName("CalendarCount")
        self.count_label.setAccessibleName("Planned in the next four weeks")
        title_row = QHBoxLayout()
        title_row.setSpacing(14)
        title_row.addWidget(title)
        title_row.addWidget(self.count_label)
        title_row.addStretch(1)
        return title_row

    def _build_error_frame(self) -> None:
        """A source that fails is said here, in the notice's error look."""
        self.error_frame = QFrame()
        self.error_frame.setObjectName("Notice")
        self.error_frame.setProperty("kind", "error")
        self.error_frame.setAccessibleName("Calendar problem")
        self.error_label = QLabel("")
        self.error_label.setWordWrap(True)
        self.error_label.setTextFormat(Qt.TextFormat.PlainText)
        self.error_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error_label.setAccessibleName("Calendar problem")
        error_row = QHBoxLayout(self.error_frame)
        error_row.setContentsMargins(14, 9, 14, 9)
        error_row.addWidget(self.error_label)
        self.error_frame.hide()

    def _build_empty_card(self) -> None:
        """What the screen says with nothing planned at all."""
        self.empty_card = QFrame()
        self.empty_card.setObjectName("CalendarEmpty")
        self.empty_card.setAccessibleName("No plan")
        self.empty_title = QLabel(EMPTY_TITLE)
        self.empty_title.setObjectName("CalendarEmptyTitle")
        self.empty_title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_body = QLabel(EMPTY_BODY)
        self.empty_body.setObjectName("CalendarEmptyBody")
        self.empty_body.setWordWrap(True)
        self.empty_body.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_card.setAccessibleDescription(f"{EMPTY_TITLE} {EMPTY_BODY}")
        empty_column = QVBoxLayout(self.empty_card)
        empty_column.setContentsMargins(40, 48, 40, 48)
        empty_column.setSpacing(12)
        empty_column.addWidget(self.empty_title)
        empty_column.addWidget(self.empty_body)
        self.empty_card.hide()

    def _build_days_area(self) -> None:
        """The scrolling list of weeks; `_rebuild` puts a new content widget in it."""
        self.days_area = QScrollArea()
        self.days_area.setWidgetResizable(True)
        self.days_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.days_area.setFrameShape(QFrame.Shape.NoFrame)
        self.days_area.setAccessibleName("Planned days")
        self.days_area.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes to the Ride buttons
        self.days_area.viewport().setAutoFillBackground(False)
        self.content = QWidget()
        self.content.setObjectName("CalendarContent")
        self.days_area.setWidget(self.content)

    # -- reading -------------------------------------------------------------------------------
    @Slot()
    def refresh(self) -> None:
        """Read the plan again: today and the next 27 days. Never raises."""
        first = self._today()
        last = first + timedelta(days=DAYS_SHOWN - 1)
        try:
            planned = [p for p in self.source.planned(first, last) if first <= p.day <= last]
        except Exception as exc:  # the calendar is a side road: say so, keep the screen
            log.exception("the calendar could not be read")
            self._show_error(exc)
            return
        self.error = None
        self.error_frame.hide()
        self.first_day = first
        self.planned = planned
        self._read_once = True
        self._rebuild()

    def _show_error(self, exc: Exception) -> None:
        words = one_line(str(exc)) or type(exc).__name__
        if len(words) > _ERROR_LIMIT:
            words = f"{words[: _ERROR_LIMIT - 1]}…"
        shown = " Showing the plan as it was last read." if self._read_once else ""
        self.error = (
            f"Could not read the calendar on this computer: {words.rstrip('.')}.{shown} "
            "Riding from the library still works."
        )
        self.error_label.setText(self.error)
        self.error_frame.show()
        if not self._read_once:
            self.empty_card.hide()
            self.days_area.hide()
            self._empty_stretch.show()

    def _rebuild(self) -> None:
        focused = self._focused_key()
        scrolled = self.days_area.verticalScrollBar().value()
        old = self.days_area.takeWidget()
        if old is not None:
            old.deleteLater()
        self.rows = []
        self.content = QWidget()
        self.content.setObjectName("CalendarContent")
        column = QVBoxLayout(self.content)
        column.setContentsMargins(0, 0, 14, 8)  # room for the scroll bar
        column.setSpacing(8)
        by_day: dict[date, list[PlannedWorkout]] = {}
        for item in self.planned:
            by_day.setdefault(item.day, []).append(item)
        for index, week in enumerate(weeks(self.first_day, DAYS_SHOWN)):
            if index:
                column.addSpacing(10)
            week_items = [i for d in week.days for i in by_day.get(d, [])]
            column.addLayout(self._week_header(week, week_items))
            column.addWidget(self._week_card(week, by_day))
        column.addStretch(1)
        self.days_area.setWidget(self.content)

        empty = not self.planned
        self.empty_card.setVisible(empty)
        self._empty_stretch.setVisible(empty)
        self.days_area.setVisible(not empty)
        self.count_label.setText(count_text(self.planned))
        self.days_area.verticalScrollBar().setValue(scrolled)
        self._restore_focus(focused)

    def _week_header(self, week: Week, items: Sequence[PlannedWorkout]) -> QHBoxLayout:
        title = plain_label(
            f"{week_title(week.monday, self.first_day).upper()}   ·   {week_span(week)}",
            "weekTitle",
        )
        totals = plain_label(totals_text(items), "weekTotals")
        header = QHBoxLayout()
        header.setContentsMargins(6, 0, 6, 0)
        header.addWidget(title)
        header.addStretch(1)
        header.addWidget(totals)
        return header

    def _week_card(self, week: Week, by_day: dict[date, list[PlannedWorkout]]) -> QFrame:
        card = QFrame()
        card.setObjectName("CalendarWeek")
        card.setAccessibleName(week_title(week.monday, self.first_day))
        rows = QVBoxLayout(card)
        rows.setContentsMargins(6, 6, 6, 6)
        rows.setSpacing(2)
        for index, day in enumerate(week.days):
            if index:
                rule = QFrame()
                rule.setObjectName("CalendarRule")
                rows.addWidget(rule)
            row = DayRow(day, by_day.get(day, []), is_today=day == self.first_day, ride=self._ride)
            self.rows.append(row)
            rows.addWidget(row)
        return card

    # -- focus across a refresh ----------------------------------------------------------------
    def _focused_key(self) -> tuple[str, str] | None:
        widget = QApplication.focusWidget()
        for row in self.rows:
            if widget in row.ride_buttons:
                return row.day.isoformat(), str(widget.property("workoutId"))
        return None

    def _restore_focus(self, key: tuple[str, str] | None) -> None:
        if key is None:
            return
        for button in self.ride_buttons():
            row = button.parentWidget()
            if (
                isinstance(row, DayRow)
                and (row.day.isoformat(), str(button.property("workoutId"))) == key
            ):
                button.setFocus(Qt.FocusReason.OtherFocusReason)
                self.days_area.ensureWidgetVisible(button)
                return

    # -- API -----------------------------------------------------------------------------------
    def ride_buttons(self) -> list[QPushButton]:
        """Every Ride button, day by day (the tab order)."""
        return [button for row in self.rows for button in row.ride_buttons]

    def row_for(self, day: date) -> DayRow | None:
        return next((row for row in self.rows if row.day == day), None)

    @property
    def today_row(self) -> DayRow | None:
        return next((row for row in self.rows if row.is_today), None)

    def _ride(self, entry_id: str) -> None:
        self.ride_requested.emit(entry_id)
