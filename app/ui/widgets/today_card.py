"""A compact card for the top of the library: today's planned workout, and a Ride button.

"Today: Sweet Spot 3x15 · 1:15 · Keep cadence above 90" [Ride ▶]. When nothing is
planned today it can show the next planned workout or the last one ridden, whatever the
composition root's `todays_workout()` resolves from the cached calendar; it is hidden when
that is None. Signal `ride_requested(str)`: the library entry id, or the workout's name
when the id is unknown.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QSizePolicy, QWidget

from app.ui import display
from app.ui.ports.sync import TodayLike, TodaySource
from app.ui.sync_words import day_words
from app.ui.theme import palette as c

__all__ = ["TodayCard", "today_text"]

log = logging.getLogger(__name__)

_STYLE = f"""
QFrame#TodayCard {{
    background: {c.SURFACE};
    border: 1px solid {c.BORDER};
    border-left: 4px solid {c.TARGET};
    border-radius: 12px;
}}
QFrame#TodayCard QLabel#TodayTitle {{
    color: {c.TARGET};
    font-size: 12pt;
    font-weight: 700;
}}
QFrame#TodayCard QLabel#TodayName {{
    font-size: 13pt;
    font-weight: 700;
}}
QFrame#TodayCard QLabel#TodayMeta {{
    color: {c.TEXT_MUTED};
    font-size: 12pt;
}}
QFrame#TodayCard QPushButton {{
    padding: 6px 16px;
}}
"""


def _when_parts(item: TodayLike, today: date) -> list[str]:
    parts = []
    if item.duration_s:
        parts.append(display.h_mm(item.duration_s))
    if item.date is not None and item.date != today:
        parts.append(day_words(item.date, today))
    return parts


def _note(item: TodayLike) -> str:
    return " ".join(item.note.split()) if item.note else ""


def _meta_parts(item: TodayLike, today: date) -> list[str]:
    note = _note(item)
    return [*_when_parts(item, today), *([note] if note else [])]


def today_text(item: TodayLike, today: date) -> str:
    """ "Today: Sweet Spot 3x15 · 1:15 · note" (the card's whole text, for tests and a11y)."""
    return " · ".join([f"{item.title}: {item.workout_name}", *_meta_parts(item, today)])


class _ElidedLabel(QLabel):
    """One line that ends in "…" when it does not fit; the full text is its tooltip."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._full = ""
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setMinimumWidth(40)

    def set_full_text(self, text: str) -> None:
        self._full = text
        self.setToolTip(text)
        self._elide()

    def full_text(self) -> str:
        return self._full

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        shown = self.fontMetrics().elidedText(
            self._full, Qt.TextElideMode.ElideRight, max(self.width(), 40)
        )
        if shown != self.text():
            self.setText(shown)


class TodayCard(QFrame):
    ride_requested = Signal(str)

    def __init__(
        self,
        source: TodaySource | None = None,
        *,
        today: Callable[[], date] = date.today,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("TodayCard")
        self.setStyleSheet(_STYLE)
        self.setAccessibleName("Planned workout")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self._source = source
        self._today = today
        self._item: TodayLike | None = None

        self.title = QLabel("")
        self.title.setObjectName("TodayTitle")
        self.name = QLabel("")
        self.name.setObjectName("TodayName")
        self.name.setAccessibleName("Workout")
        self.when = QLabel("")
        self.when.setObjectName("TodayMeta")
        self.when.setAccessibleName("Duration")
        self.meta = _ElidedLabel()
        self.meta.setObjectName("TodayMeta")
        self.meta.setAccessibleName("Note")
        self.ride_button = QPushButton("Ride  ▶")
        self.ride_button.setProperty("primary", True)
        self.ride_button.clicked.connect(self._on_ride)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(16, 8, 10, 8)
        layout.setSpacing(10)
        layout.addWidget(self.title)
        layout.addWidget(self.name)
        layout.addWidget(self.when)
        layout.addWidget(self.meta, 1)
        layout.addWidget(self.ride_button)
        self.hide()

    # -- API ----------------------------------------------------------------------------
    @property
    def item(self) -> TodayLike | None:
        return self._item

    @Slot()
    def refresh(self) -> None:
        """Ask the source again (after a sync pulled the calendar, at midnight...)."""
        if self._source is None:
            return
        try:
            item = self._source()
        except Exception:  # the card is a nicety: never let it break the library
            log.exception("today's workout could not be resolved")
            item = None
        self.set_today(item)

    def set_today(self, item: TodayLike | None) -> None:
        self._item = item
        if item is None:
            self.hide()
            return
        today = self._today()
        self.title.setText(f"{item.title}:")
        self.name.setText(item.workout_name)
        when = _when_parts(item, today)
        self.when.setText("".join(f"·  {part}  " for part in when).rstrip())
        self.when.setVisible(bool(when))
        note = _note(item)
        self.meta.set_full_text(f"·  {note}" if note else "")
        again = item.title.strip().lower().startswith("last")
        self.ride_button.setText("Ride again" if again else "Ride  ▶")
        self.ride_button.setAccessibleName(f"Ride {item.workout_name}")
        self.setAccessibleDescription(today_text(item, today))
        self.show()

    def text(self) -> str:
        return "" if self._item is None else today_text(self._item, self._today())

    @Slot()
    def _on_ride(self) -> None:
        if self._item is not None:
            self.ride_requested.emit(self._item.workout_id or self._item.workout_name)
