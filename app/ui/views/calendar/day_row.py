"""One day of the Calendar: its date (and the Today chip), then each planned workout
with its Ride button, or "Rest day".

A planned workout reads as its name, then its duration and TSS beside the coach's note;
one the library does not have yet is named in italics with a hint that it comes with
the next sync, and has no Ride button.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app.ui.ports.calendar import PlannedWorkout
from app.ui.views.calendar.words import (
    MISSING_HINT,
    item_text,
    long_day_text,
    meta_text,
    one_line,
    short_day_text,
)

__all__ = ["DATE_COLUMN_PX", "DayRow", "plain_label"]

DATE_COLUMN_PX = 132


def plain_label(text: str, role: str, *, wrap: bool = False) -> QLabel:
    """A plain-text label (a coach's note is never markup) styled by its `role`."""
    label = QLabel(text)
    label.setProperty("role", role)
    label.setWordWrap(wrap)
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


class DayRow(QFrame):
    """One day. `ride(entry_id)` is called when one of its Ride buttons is pressed."""

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

        date_column = self._build_date_column()
        content = QVBoxLayout()
        content.setContentsMargins(0, 0, 0, 0)
        content.setSpacing(10)
        if not self.items:
            content.addWidget(plain_label("Rest day", "restDay"))
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

    def _build_date_column(self) -> QWidget:
        date_box = QVBoxLayout()
        date_box.setContentsMargins(0, 0, 0, 0)
        date_box.setSpacing(4)
        self.date_label = plain_label(short_day_text(self.day), "dayDate")
        self.date_label.setProperty("today", self.is_today)
        self.date_label.setProperty("rest", not self.items)
        date_box.addWidget(self.date_label)
        self.today_chip: QLabel | None = None
        if self.is_today:
            self.today_chip = QLabel("TODAY")
            self.today_chip.setObjectName("TodayChip")
            self.today_chip.setAccessibleName("Today")
            date_box.addWidget(self.today_chip, 0, Qt.AlignmentFlag.AlignLeft)
        date_box.addStretch(1)
        date_column = QWidget()
        date_column.setFixedWidth(DATE_COLUMN_PX)
        date_column.setLayout(date_box)
        return date_column

    def _item_row(self, item: PlannedWorkout, ride: Callable[[str], None]) -> QHBoxLayout:
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(16)
        row.addLayout(self._item_lines(item), 1)
        if item.workout_id is not None:
            row.addWidget(self._ride_button(item, item.workout_id, ride), 0,
                          Qt.AlignmentFlag.AlignVCenter)  # fmt: skip
        return row

    def _item_lines(self, item: PlannedWorkout) -> QVBoxLayout:
        """The workout's name over its details: the duration and TSS beside the note, or
        for a workout not in the library the hint, then the note on a line of its own."""
        name = plain_label(item.name, "planName", wrap=True)
        name.setProperty("today", self.is_today)
        name.setProperty("missing", item.workout_id is None)
        lines = QVBoxLayout()
        lines.setContentsMargins(0, 0, 0, 0)
        lines.setSpacing(3)
        lines.addWidget(name)
        note_label = _note_label(item)
        if item.workout_id is None:
            hint = plain_label(MISSING_HINT, "planMeta")
            hint.setProperty("missing", True)
            lines.addWidget(hint)
            if note_label is not None:
                lines.addWidget(note_label)
            return lines
        details = QHBoxLayout()
        details.setContentsMargins(0, 0, 0, 0)
        details.setSpacing(14)
        meta = meta_text(item)
        if meta:
            details.addWidget(plain_label(meta, "planMeta"), 0, Qt.AlignmentFlag.AlignTop)
        if note_label is not None:
            details.addWidget(note_label, 1, Qt.AlignmentFlag.AlignTop)
        else:
            details.addStretch(1)
        if meta or note_label is not None:
            lines.addLayout(details)
        return lines

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


def _note_label(item: PlannedWorkout) -> QLabel | None:
    """The coach's note on one line that wraps (its full text in the tooltip); None
    without a note."""
    note = one_line(item.note)
    if not note:
        return None
    label = plain_label(note, "planNote", wrap=True)
    label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
    label.setMinimumWidth(120)
    label.setToolTip(item.note.strip())
    return label
