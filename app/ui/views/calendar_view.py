"""The Calendar screen: today and the next four weeks of planned workouts.

An agenda, read from the caches on this computer (it works offline): one card per
Monday-first week, one row per day. Today's row is highlighted and marked "Today"; a
planned day shows each workout's name, duration (h:mm), TSS and the coach's note, with a
Ride button when the workout is in the library; a workout the library does not have yet
is listed without one; a day with nothing planned reads "Rest day". Each week's header
adds up its workouts, time and TSS. With nothing planned at all the screen says how to
get a plan instead.

`refresh()` reads the source again (the window calls it when the page is shown and after
each sync); a source that fails is reported inline, never in a dialog. Signal
`ride_requested(str)`: the library entry id of the workout to ride.

Keys: Tab moves through the Ride buttons day by day (the list scrolls to keep the focused
one in view); Space or Enter rides.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
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

from app.ui import display
from app.ui.ports.calendar import CalendarSource, PlannedWorkout
from app.ui.theme import palette as c

__all__ = [
    "DAYS_SHOWN",
    "EMPTY_BODY",
    "EMPTY_TITLE",
    "CalendarView",
    "DayRow",
    "long_day_text",
    "meta_text",
    "week_title",
]

log = logging.getLogger(__name__)

DAYS_SHOWN = 28  # today and the 27 days after it
EMPTY_TITLE = "No plan on this computer yet."
EMPTY_BODY = "Sign in and sync to see your coach's calendar — or ride anything from the library."
MISSING_HINT = "Comes to this computer with the next sync"
_ERROR_LIMIT = 240  # characters of an error's own words shown


def _style() -> str:
    return f"""
QWidget#CalendarContent {{
    background: transparent;
}}
QLabel#CalendarCount {{
    padding-top: 13px;
}}
QLabel[role="weekTitle"] {{
    color: {c.TEXT_MUTED};
    font-size: 11pt;
    font-weight: 700;
    letter-spacing: 0.5px;
}}
QLabel[role="weekTotals"] {{
    color: {c.TEXT_MUTED};
    font-size: 11pt;
}}
QFrame#CalendarWeek {{
    background: {c.SURFACE};
    border: 1px solid {c.BORDER};
    border-radius: 14px;
}}
QFrame#CalendarRule {{
    background: {c.BORDER};
    border: none;
    max-height: 1px;
    min-height: 1px;
}}
QFrame#CalendarDay {{
    background: transparent;
    border: 1px solid transparent;
    border-radius: 10px;
}}
QFrame#CalendarDay[today="true"] {{
    background: {c.SURFACE_RAISED};
    border: 1px solid {c.TARGET};
}}
QLabel[role="dayDate"] {{
    font-size: 13pt;
    font-weight: 700;
}}
QLabel[role="dayDate"][rest="true"] {{
    color: {c.TEXT_MUTED};
    font-weight: 600;
}}
QLabel[role="dayDate"][today="true"] {{
    color: {c.TARGET};
}}
QLabel#TodayChip {{
    background: {c.TARGET};
    color: #04121f;
    border-radius: 8px;
    padding: 1px 9px;
    font-size: 10pt;
    font-weight: 800;
}}
QLabel[role="restDay"] {{
    color: {c.TEXT_MUTED};
    font-size: 12pt;
}}
QLabel[role="planName"] {{
    font-size: 14pt;
    font-weight: 700;
}}
QLabel[role="planName"][today="true"] {{
    font-size: 16pt;
}}
QLabel[role="planName"][missing="true"] {{
    color: {c.TEXT_MUTED};
    font-style: italic;
    font-weight: 600;
}}
QLabel[role="planMeta"] {{
    color: {c.TEXT_MUTED};
    font-size: 12pt;
    font-weight: 600;
}}
QLabel[role="planMeta"][missing="true"] {{
    font-weight: 400;
    font-style: italic;
}}
QLabel[role="planNote"] {{
    color: #d3dae2;
    font-size: 12pt;
}}
QPushButton[ride="true"] {{
    padding: 7px 18px;
    min-width: 88px;
}}
QFrame#CalendarEmpty {{
    background: {c.SURFACE};
    border: 1px dashed {c.BORDER};
    border-radius: 14px;
}}
QLabel#CalendarEmptyTitle {{
    font-size: 16pt;
    font-weight: 700;
}}
QLabel#CalendarEmptyBody {{
    color: {c.TEXT_MUTED};
    font-size: 13pt;
}}
"""


# -- words -------------------------------------------------------------------------------------
def short_day_text(day: date) -> str:
    """'Mon 10 Mar'."""
    return f"{day:%a} {day.day} {day:%b}"


def long_day_text(day: date) -> str:
    """'Monday 10 March' (for screen readers)."""
    return f"{day:%A} {day.day} {day:%B}"


def meta_text(item: PlannedWorkout) -> str:
    """'1:15 · TSS 78'; '' when neither is known."""
    parts = []
    if item.duration_s:
        parts.append(display.h_mm(item.duration_s))
    if item.tss is not None and item.workout_id is not None:
        parts.append(f"TSS {display.whole(item.tss)}")
    return "  ·  ".join(parts)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def item_text(item: PlannedWorkout) -> str:
    """'Sweet Spot 3x15 · 1:15 · TSS 78 · Keep cadence above 90' (tests and screen readers)."""
    meta = meta_text(item) or ("" if item.workout_id is not None else MISSING_HINT)
    note = _one_line(item.note)
    return " · ".join(part for part in (item.name, meta.replace("  ·  ", " · "), note) if part)


def week_title(monday: date, today: date) -> str:
    """'This week', 'Next week', 'In 2 weeks', ... ('Last week' and earlier: 'Week of 3 Mar')."""
    weeks = (monday - (today - timedelta(days=today.weekday()))).days // 7
    if weeks == 0:
        return "This week"
    if weeks == 1:
        return "Next week"
    if weeks > 1:
        return f"In {weeks} weeks"
    return f"Week of {monday.day} {monday:%b}"


def totals_text(items: Sequence[PlannedWorkout]) -> str:
    """'3 workouts · 3:15 · TSS 210' for a week; 'Nothing planned' when nothing is."""
    if not items:
        return "Nothing planned"
    count = f"{len(items)} workout{'' if len(items) == 1 else 's'}"
    seconds = sum(i.duration_s or 0.0 for i in items)
    tss = sum(i.tss or 0.0 for i in items if i.workout_id is not None)
    parts = [count]
    if seconds:
        parts.append(display.h_mm(seconds))
    if tss:
        parts.append(f"TSS {display.whole(tss)}")
    return "  ·  ".join(parts)


@dataclass(frozen=True, slots=True)
class _Week:
    monday: date
    days: list[date]


def _weeks(first: date, count: int) -> list[_Week]:
    weeks: list[_Week] = []
    for offset in range(count):
        day = first + timedelta(days=offset)
        monday = day - timedelta(days=day.weekday())
        if not weeks or weeks[-1].monday != monday:
            weeks.append(_Week(monday, []))
        weeks[-1].days.append(day)
    return weeks


# -- one day -----------------------------------------------------------------------------------
def _label(text: str, role: str, *, wrap: bool = False) -> QLabel:
    label = QLabel(text)
    label.setProperty("role", role)
    label.setWordWrap(wrap)
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


class DayRow(QFrame):
    """One day: its date (and the Today chip), then each planned workout with its Ride
    button, or "Rest day"."""

    def __init__(
        self,
        day: date,
        items: Sequence[PlannedWorkout],
        *,
        is_today: bool,
        ride: Callable[[str], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.day = day
        self.items = list(items)
        self.is_today = is_today
        self.ride_buttons: list[QPushButton] = []
        self.setObjectName("CalendarDay")
        self.setProperty("today", is_today)
        self.setProperty("rest", not self.items)

        date_box = QVBoxLayout()
        date_box.setContentsMargins(0, 0, 0, 0)
        date_box.setSpacing(4)
        self.date_label = _label(short_day_text(day), "dayDate")
        self.date_label.setProperty("today", is_today)
        self.date_label.setProperty("rest", not self.items)
        date_box.addWidget(self.date_label)
        self.today_chip: QLabel | None = None
        if is_today:
            self.today_chip = QLabel("TODAY")
            self.today_chip.setObjectName("TodayChip")
            self.today_chip.setAccessibleName("Today")
            date_box.addWidget(self.today_chip, 0, Qt.AlignmentFlag.AlignLeft)
        date_box.addStretch(1)
        date_column = QWidget()
        date_column.setFixedWidth(132)
        date_column.setLayout(date_box)

        content = QVBoxLayout()
        content.setContentsMargins(0, 0, 0, 0)
        content.setSpacing(10)
        if not self.items:
            content.addWidget(_label("Rest day", "restDay"))
        for item in self.items:
            content.addLayout(self._item_row(item, ride))

        row = QHBoxLayout(self)
        vertical = 12 if self.items or is_today else 7
        row.setContentsMargins(14, vertical, 12, vertical)
        row.setSpacing(12)
        row.addWidget(date_column, 0, Qt.AlignmentFlag.AlignTop)
        row.addLayout(content, 1)

        when = f"{long_day_text(day)}{', today' if is_today else ''}"
        body = "; ".join(item_text(i) for i in self.items) or "rest day"
        self.setAccessibleName(f"{when}: {body}")

    def _item_row(self, item: PlannedWorkout, ride: Callable[[str], None]) -> QHBoxLayout:
        name = _label(item.name, "planName", wrap=True)
        name.setProperty("today", self.is_today)
        name.setProperty("missing", item.workout_id is None)
        lines = QVBoxLayout()
        lines.setContentsMargins(0, 0, 0, 0)
        lines.setSpacing(3)
        lines.addWidget(name)
        note = _one_line(item.note)
        note_label: QLabel | None = None
        if note:
            note_label = _label(note, "planNote", wrap=True)
            note_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
            note_label.setMinimumWidth(120)
            note_label.setToolTip(item.note.strip())
        if item.workout_id is None:  # the hint, then the coach's note on a line of its own
            hint = _label(MISSING_HINT, "planMeta")
            hint.setProperty("missing", True)
            lines.addWidget(hint)
            if note_label is not None:
                lines.addWidget(note_label)
        else:
            details = QHBoxLayout()
            details.setContentsMargins(0, 0, 0, 0)
            details.setSpacing(14)
            meta = meta_text(item)
            if meta:
                details.addWidget(_label(meta, "planMeta"), 0, Qt.AlignmentFlag.AlignTop)
            if note_label is not None:
                details.addWidget(note_label, 1, Qt.AlignmentFlag.AlignTop)
            else:
                details.addStretch(1)
            if meta or note_label is not None:
                lines.addLayout(details)

        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(16)
        row.addLayout(lines, 1)
        if item.workout_id is not None:
            row.addWidget(self._ride_button(item, item.workout_id, ride), 0,
                          Qt.AlignmentFlag.AlignVCenter)  # fmt: skip
        return row

    def _ride_button(
        self, item: PlannedWorkout, entry_id: str, ride: Callable[[str], None]
    ) -> QPushButton:
        button = QPushButton("Ride  ▶")
        button.setProperty("ride", True)
        button.setProperty("primary", self.is_today)
        button.setProperty("workoutId", entry_id)
        button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        button.setAccessibleName(f"Ride {item.name} on {long_day_text(self.day)}")
        summary = meta_text(item).replace("  ·  ", " · ")
        button.setToolTip(f"Ride {item.name}{f' ({summary})' if summary else ''} now")
        button.clicked.connect(lambda _checked=False, i=entry_id: ride(i))
        self.ride_buttons.append(button)
        return button

    def text(self) -> str:
        """What the row says, in one line (tests, screen readers)."""
        return str(self.accessibleName())


# -- the screen --------------------------------------------------------------------------------
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
        self.setStyleSheet(_style())
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
        subtitle = QLabel("Today and the next four weeks, as last synced to this computer.")
        subtitle.setProperty("role", "subtitle")

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
        words = _one_line(str(exc)) or type(exc).__name__
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
        for index, week in enumerate(_weeks(self.first_day, DAYS_SHOWN)):
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
        self.count_label.setText(self._count_text())
        self.days_area.verticalScrollBar().setValue(scrolled)
        self._restore_focus(focused)

    def _week_header(self, week: _Week, items: Sequence[PlannedWorkout]) -> QHBoxLayout:
        first, last = week.days[0], week.days[-1]
        if first == last:
            span = f"{first.day} {first:%b}"
        elif first.month == last.month:
            span = f"{first.day}–{last.day} {last:%b}"
        else:
            span = f"{first.day} {first:%b} – {last.day} {last:%b}"
        title = _label(f"{week_title(week.monday, self.first_day).upper()}   ·   {span}",
                       "weekTitle")  # fmt: skip
        totals = _label(totals_text(items), "weekTotals")
        header = QHBoxLayout()
        header.setContentsMargins(6, 0, 6, 0)
        header.addWidget(title)
        header.addStretch(1)
        header.addWidget(totals)
        return header

    def _week_card(self, week: _Week, by_day: dict[date, list[PlannedWorkout]]) -> QFrame:
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

    def _count_text(self) -> str:
        if not self.planned:
            return ""
        count = len(self.planned)
        words = f"{count} workout{'' if count == 1 else 's'} planned"
        missing = sum(1 for p in self.planned if p.workout_id is None)
        return f"{words} · {missing} not in the library yet" if missing else words

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
