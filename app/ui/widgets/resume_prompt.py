"""The card shown at launch when the app stopped in the middle of a ride.

"Your ride “Sweet Spot 3x15” from Fri 07:12 stopped after 42:10. Resume it where you left
off, keep what was recorded, or discard it?" with Resume, Keep as is and Discard; Discard
asks again inline before anything is thrown away. Several interrupted rides are offered
one after another ("1 of 2"); the card hides itself when none is left.

Never modal: the rider can browse the library with the card up. Keep and Discard call the
`save` / `discard` callables they were given (quick rides.db updates) and then emit
`kept(ride_id)` / `discarded(ride_id)`; if the call raises, the card says why and offers the
same ride again. Resume only emits `resume_requested(ride_id)`: starting the ride screen
is the main window's job. The card then hides; the rides not yet answered are offered
again by the next `check()`, e.g. when that ride is over.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QFont, QFontMetrics, QKeySequence, QResizeEvent, QShortcut
from PySide6.QtWidgets import (
    QBoxLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.ui import display
from app.ui.ports.history import InterruptedRideLike, InterruptedRidesSource, RideAction
from app.ui.theme import palette
from app.ui.theme.style import set_style_property

log = logging.getLogger(__name__)

RECENT_DAYS = 6  # within this many days a weekday says when ("Fri 07:12")
SIDE_BY_SIDE_PX = 900  # from this width on, the buttons sit to the right of the text


def _style() -> str:
    return f"""
QFrame#ResumePrompt {{
    background: {palette.SURFACE_RAISED};
    border: 1px solid #6b5418;
    border-radius: 14px;
}}
QFrame#ResumePrompt[confirming="true"] {{
    background: #2a1416;
    border: 1px solid {palette.DANGER};
}}
QFrame#ResumePrompt QLabel#ResumeHeading {{
    color: {palette.ACTUAL};
    font-size: 10pt;
    font-weight: 700;
    letter-spacing: 0.5px;
}}
QFrame#ResumePrompt QLabel#ResumeCount {{
    color: {palette.TEXT_MUTED};
    font-size: 10pt;
    font-weight: 600;
}}
QFrame#ResumePrompt QLabel#ResumeText {{
    color: {palette.TEXT};
    font-size: 12pt;
}}
QFrame#ResumePrompt[confirming="true"] QLabel#ResumeText {{
    color: #ffd6d6;
}}
QFrame#ResumePrompt QLabel#ResumeError {{
    color: {palette.DANGER};
    font-size: 11pt;
    font-weight: 600;
}}
"""


def when_text(started_at: datetime, now: datetime | None = None) -> str:
    """'Fri 07:12' for a ride of the last few days, '14 Mar 07:12' before, local time."""
    local = started_at.astimezone() if started_at.tzinfo is not None else started_at
    today = (now or datetime.now().astimezone()).astimezone(local.tzinfo)
    if timedelta(0) <= today.date() - local.date() <= timedelta(days=RECENT_DAYS):
        return local.strftime("%a %H:%M")
    year = "" if local.year == today.year else " %Y"
    return local.strftime(f"{local.day} %b{year} %H:%M")


def recorded_text(seconds: float) -> str:
    """42:10, or 1:02:13 from an hour up."""
    return display.h_mm_ss(seconds) if seconds >= 3600 else display.m_ss(seconds)


def prompt_text(ride: InterruptedRideLike, now: datetime | None = None) -> str:
    return (
        f"Your ride “{ride.workout_name}” from {when_text(ride.started_at, now)} stopped "
        f"after {recorded_text(ride.recorded_s)}. Resume it where you left off, keep what "
        f"was recorded, or discard it?"
    )


class ResumePrompt(QFrame):
    """Signals: `resume_requested(ride_id)`, `kept(ride_id)`, `discarded(ride_id)`, and
    `finished()` once the card hides (every ride answered, or one resumed)."""

    resume_requested = Signal(str)
    kept = Signal(str)
    discarded = Signal(str)
    finished = Signal()

    def __init__(
        self,
        interrupted: InterruptedRidesSource | None = None,
        *,
        save: RideAction | None = None,
        discard: RideAction | None = None,
        now: Callable[[], datetime] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("ResumePrompt")
        self.setStyleSheet(_style())
        self.setAccessibleName("Unfinished ride")
        self.interrupted = interrupted
        self.save = save
        self.discard = discard
        self._now = now
        self._queue: list[InterruptedRideLike] = []
        self._answered = 0

        self.heading = QLabel("UNFINISHED RIDE")
        self.heading.setObjectName("ResumeHeading")
        self.count_label = QLabel("")
        self.count_label.setObjectName("ResumeCount")
        self.count_label.setAccessibleName("Which unfinished ride")
        heading_row = QHBoxLayout()
        heading_row.setSpacing(10)
        heading_row.addWidget(self.heading)
        heading_row.addWidget(self.count_label)
        heading_row.addStretch(1)

        self.text = QLabel("")
        self.text.setObjectName("ResumeText")
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.PlainText)
        self.text.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.text.setAccessibleName("Unfinished ride")
        text_font = QFont(self.font())
        text_font.setPointSizeF(12.0)  # the style sheet's size: two lines, asking or not
        self.text.setMinimumHeight(2 * QFontMetrics(text_font).lineSpacing())
        self.error = QLabel("")
        self.error.setObjectName("ResumeError")
        self.error.setWordWrap(True)
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self.error.setAccessibleName("Problem")
        self.error.hide()

        self.resume_button = self._button("Resume  ▶", "Resume this ride where it stopped")
        self.resume_button.setProperty("primary", True)
        self.keep_button = self._button("Keep as is", "Save what was recorded as a finished ride")
        self.discard_button = self._button("Discard…", "Throw this ride away")
        self.discard_button.setProperty("danger", True)
        self.cancel_button = self._button("Cancel", "Do not discard this ride")
        self.confirm_button = self._button("Discard ride", "Confirm: throw this ride away")
        self.confirm_button.setProperty("danger", True)
        self.confirm_button.setProperty("solid", True)
        self.resume_button.clicked.connect(self.resume_current)
        self.keep_button.clicked.connect(self.keep_current)
        self.discard_button.clicked.connect(self.ask_discard)
        self.cancel_button.clicked.connect(self.cancel_discard)
        self.confirm_button.clicked.connect(self.discard_current)
        self._choice = (self.discard_button, self.keep_button, self.resume_button)
        self._confirm = (self.cancel_button, self.confirm_button)
        buttons = QHBoxLayout()
        buttons.setSpacing(10)
        buttons.addStretch(1)
        for button in (*self._choice, *self._confirm):
            buttons.addWidget(button)

        body = QVBoxLayout()
        body.setSpacing(6)
        body.addLayout(heading_row)
        body.addWidget(self.text)
        body.addWidget(self.error)
        # side by side when there is room, the buttons under the text when there is not
        self._layout = QBoxLayout(QBoxLayout.Direction.LeftToRight, self)
        self._layout.setContentsMargins(20, 14, 16, 14)
        self._layout.setSpacing(18)
        self._layout.addLayout(body, 1)
        self._layout.addLayout(buttons)

        escape = QShortcut(QKeySequence(Qt.Key.Key_Escape), self)
        escape.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        escape.activated.connect(self.cancel_discard)
        self._show_confirm(False)
        self.hide()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        wide = event.size().width() >= SIDE_BY_SIDE_PX
        direction = QBoxLayout.Direction.LeftToRight if wide else QBoxLayout.Direction.TopToBottom
        if self._layout.direction() != direction:
            self._layout.setDirection(direction)
            self._layout.setSpacing(18 if wide else 10)

    def _button(self, text: str, name: str) -> QPushButton:
        button = QPushButton(text)
        button.setAccessibleName(name)
        button.setToolTip(name)
        button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        return button

    # -- what to offer -----------------------------------------------------------------------
    def check(self) -> bool:
        """Ask `interrupted()` and offer what it lists; True if the card is now shown.
        Call it at launch, and again after a resumed ride is over (not during a ride:
        the ride being recorded would be listed too)."""
        if self.interrupted is None:
            return False
        try:
            rides = list(self.interrupted())
        except Exception:  # a broken rides.db must not stop the app from starting
            log.exception("could not list interrupted rides")
            return False
        return self.set_rides(rides)

    def set_rides(self, rides: Sequence[InterruptedRideLike]) -> bool:
        """Offer these rides, first to last; hides the card for an empty list."""
        self._queue = list(rides)
        self._answered = 0
        if not self._queue:
            self.setVisible(False)
            return False
        self._show_current()
        self.show()
        return True

    def pending(self) -> list[InterruptedRideLike]:
        """The rides still to answer, the one shown first."""
        return list(self._queue)

    def current(self) -> InterruptedRideLike | None:
        return self._queue[0] if self._queue else None

    @property
    def confirming(self) -> bool:
        """The inline "discard?" question is up."""
        return self.confirm_button.isVisibleTo(self)

    def _show_current(self) -> None:
        ride = self._queue[0]
        total = self._answered + len(self._queue)
        self.count_label.setText(f"{self._answered + 1} of {total}" if total > 1 else "")
        self.error.hide()
        self._show_confirm(False)
        now = self._now() if self._now is not None else None
        text = prompt_text(ride, now)
        self.text.setText(text)
        self.setAccessibleDescription(text)

    def _show_confirm(self, confirming: bool) -> None:
        for button in self._choice:
            button.setVisible(not confirming)
        for button in self._confirm:
            button.setVisible(confirming)
        set_style_property(self, "confirming", confirming)
        for label in (self.text, self.heading, self.count_label):
            label.style().unpolish(label)
            label.style().polish(label)

    # -- the rider's answers -------------------------------------------------------------------
    @Slot()
    def resume_current(self) -> None:
        ride = self.current()
        if ride is None:
            return
        self._queue = []
        self.hide()
        self.resume_requested.emit(ride.ride_id)
        self.finished.emit()

    @Slot()
    def keep_current(self) -> None:
        ride = self.current()
        if ride is not None and self._run(self.save, ride, "keep"):
            done = self._next()
            self.kept.emit(ride.ride_id)
            if done:
                self.finished.emit()

    @Slot()
    def ask_discard(self) -> None:
        ride = self.current()
        if ride is None:
            return
        self.error.hide()
        self.text.setText(
            f"Discard “{ride.workout_name}”? The {recorded_text(ride.recorded_s)} recorded "
            f"will not be kept."
        )
        self._show_confirm(True)
        self.cancel_button.setFocus()

    @Slot()
    def cancel_discard(self) -> None:
        if self.current() is not None and self.confirming:
            self._show_current()
            self.discard_button.setFocus()

    @Slot()
    def discard_current(self) -> None:
        ride = self.current()
        if ride is not None and self._run(self.discard, ride, "discard"):
            done = self._next()
            self.discarded.emit(ride.ride_id)
            if done:
                self.finished.emit()

    def _run(self, action: RideAction | None, ride: InterruptedRideLike, verb: str) -> bool:
        if action is None:
            return True
        try:
            action(ride.ride_id)
        except Exception as exc:
            log.exception("could not %s interrupted ride %s", verb, ride.ride_id)
            self._show_current()
            self.error.setText(f"Could not {verb} “{ride.workout_name}”: {exc}")
            self.error.show()
            return False
        return True

    def _next(self) -> bool:
        """Show the next ride; True when none is left (the card hides)."""
        self._queue.pop(0)
        self._answered += 1
        if self._queue:
            self._show_current()
            self.resume_button.setFocus()
            return False
        self.hide()
        return True
