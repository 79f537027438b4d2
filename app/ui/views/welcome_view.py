"""The first-run welcome: FTP, weight and units on one short page, all skippable.

Riding works right away without an account; the page says so. "Start riding" checks the
numbers (through `RiderSettings.model_validate`, problems shown under the fields) and
emits `finished(settings)` with `first_run_done=True`; "Skip for now" emits it with the
settings as they were. A rider who does not know their FTP picks "take the ramp test":
`ramp_test_requested(settings)` carries the weight and units (FTP left as it was,
`first_run_done=True`) and the composition root opens the ramp test instead.

Keys: the FTP field has the focus; Return in a field starts riding; Tab reaches every
control in reading order.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from pydantic import ValidationError
from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app.core.settings import RiderSettings
from app.core.units import kg_from_lb, lb_from_kg
from app.ui.form_problems import problems_by_field
from app.ui.widgets.form_fields import (
    UNITS_CHOICES,
    ChoiceGroup,
    FieldError,
    NumberField,
    entered_weight_kg,
    set_tab_chain,
    weight_field_name,
    weight_unit,
)
from app.ui.widgets.form_style import FORM_STYLE

CARD_WIDTH_PX = 640


class _Step(QWidget):
    """A numbered heading and a line under it."""

    def __init__(self, number: int, title: str, line: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        badge = QLabel(str(number))
        badge.setProperty("role", "stepBadge")
        badge.setFixedSize(28, 28)
        badge.setAlignment(Qt.AlignmentFlag.AlignCenter)
        badge.setAccessibleName(f"Step {number}")
        heading = QLabel(title)
        heading.setProperty("role", "sectionTitle")
        self.line = QLabel(line)
        self.line.setProperty("role", "muted")
        self.line.setWordWrap(True)
        text = QVBoxLayout()
        text.setContentsMargins(0, 0, 0, 0)
        text.setSpacing(2)
        text.addWidget(heading)
        text.addWidget(self.line)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(12)
        layout.addWidget(badge, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(text, 1)


_WELCOME_STYLE = """
QLabel[role="stepBadge"] {
    background: #1b4f7d;
    color: #ffffff;
    border-radius: 14px;
    font-size: 11pt;
    font-weight: 700;
}
QPushButton#RampLink {
    font-size: 11pt;
    padding: 6px 10px;
}
QLabel[role="hero"] {
    font-size: 24pt;
    font-weight: 700;
}
"""


class WelcomeView(QWidget):
    """Signals: `finished(RiderSettings)` (Start riding or Skip for now);
    `ramp_test_requested(RiderSettings)` (the rider does not know their FTP)."""

    finished = Signal(object)  # RiderSettings, first_run_done=True
    ramp_test_requested = Signal(object)  # RiderSettings, first_run_done=True

    def __init__(
        self,
        initial: RiderSettings | None = None,
        *,
        today: Callable[[], date] = date.today,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("Page")
        self.setAccessibleName("Welcome")
        self.setStyleSheet(FORM_STYLE + _WELCOME_STYLE)
        self.initial = initial or RiderSettings()
        self._today = today
        self._focused_once = False

        hero = QLabel("Welcome to Freewheel")
        hero.setProperty("role", "hero")
        intro = QLabel("Three quick things so workouts fit you. Change them any time in Settings.")
        intro.setProperty("role", "subtitle")
        intro.setWordWrap(True)
        card = self._build_card()
        self._build_account_note()
        buttons = self._build_buttons()

        column = QWidget()
        column.setFixedWidth(CARD_WIDTH_PX)
        column.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Maximum)
        column_layout = QVBoxLayout(column)
        column_layout.setContentsMargins(0, 0, 0, 0)
        column_layout.setSpacing(16)
        column_layout.addWidget(hero)
        column_layout.addWidget(intro)
        column_layout.addSpacing(4)
        column_layout.addWidget(card)
        column_layout.addWidget(self.account_note)
        column_layout.addSpacing(4)
        column_layout.addLayout(buttons)

        outer = QVBoxLayout(self)
        outer.setContentsMargins(24, 24, 24, 24)
        outer.addStretch(1)
        outer.addWidget(column, 0, Qt.AlignmentFlag.AlignHCenter)
        outer.addStretch(1)
        self._connect_fields()

    # -- building ----------------------------------------------------------------------------
    def _build_card(self) -> QFrame:
        """The three numbered steps: FTP, weight, units."""
        card = QFrame()
        card.setObjectName("Card")
        card.setAccessibleName("Your numbers")
        form = QVBoxLayout(card)
        form.setContentsMargins(26, 22, 26, 24)
        form.setSpacing(10)
        self._add_ftp_step(form)
        form.addSpacing(10)
        self._add_weight_and_units_steps(form)
        return card

    def _add_ftp_step(self, form: QVBoxLayout) -> None:
        ftp_step = _Step(
            1,
            "Your FTP",
            "The power you can hold for about an hour. Workout targets follow it.",
        )
        self.ftp_field = NumberField("FTP in watts", step=5)
        self.ftp_field.setPlaceholderText(str(self.initial.ftp_w))
        ftp_unit = QLabel("W")
        ftp_unit.setProperty("role", "unit")
        self.ramp_button = QPushButton("I don't know — take the ramp test")
        self.ramp_button.setProperty("link", True)
        self.ramp_button.setObjectName("RampLink")
        self.ramp_button.setAccessibleName("I don't know my FTP: take the ramp test")
        self.ramp_button.setToolTip(
            "Ride the Ramp Test: the target rises every minute until you cannot hold it, "
            "and your FTP is worked out from it."
        )
        self.ramp_button.clicked.connect(self.request_ramp_test)
        ftp_row = QHBoxLayout()
        ftp_row.setSpacing(10)
        ftp_row.addWidget(self.ftp_field)
        ftp_row.addWidget(ftp_unit)
        ftp_row.addSpacing(12)
        ftp_row.addWidget(self.ramp_button)
        ftp_row.addStretch(1)
        self.ftp_error = FieldError(self.ftp_field)
        ftp_hint = QLabel(f"Leave it empty to start at {self.initial.ftp_w} W.")
        ftp_hint.setProperty("role", "hint")
        form.addWidget(ftp_step)
        form.addLayout(_indented(ftp_row))
        form.addLayout(_indented(self.ftp_error))
        form.addLayout(_indented(ftp_hint))

    def _add_weight_and_units_steps(self, form: QVBoxLayout) -> None:
        weight_step = _Step(2, "Your weight", "Optional. Used for watts per kilogram.")
        self.weight_field = NumberField("Weight in kilograms", decimals=1, step=0.5, digits=3)
        self.weight_field.setPlaceholderText("optional")
        self.weight_unit = QLabel("kg")
        self.weight_unit.setProperty("role", "unit")
        weight_row = QHBoxLayout()
        weight_row.setSpacing(10)
        weight_row.addWidget(self.weight_field)
        weight_row.addWidget(self.weight_unit)
        weight_row.addStretch(1)
        self.weight_error = FieldError(self.weight_field)

        units_step = _Step(3, "Units", "For weight, distance and speed.")
        self.units = ChoiceGroup("Units", UNITS_CHOICES)
        self.units.set_value(self.initial.units)
        self.units.changed.connect(self._on_units_changed)
        self._on_units_changed(self.initial.units)
        if self.initial.weight_kg is not None:
            weight = self.initial.weight_kg
            self.weight_field.set_number(
                lb_from_kg(weight) if self.initial.units == "imperial" else weight
            )
        form.addWidget(weight_step)
        form.addLayout(_indented(weight_row))
        form.addLayout(_indented(self.weight_error))
        form.addSpacing(10)
        form.addWidget(units_step)
        form.addLayout(_indented(self.units))

    def _build_account_note(self) -> None:
        """No account needed: riding works right away, sync can come later."""
        self.account_note = QFrame()
        self.account_note.setObjectName("Notice")
        self.account_note.setProperty("kind", "success")
        self.account_note.setAccessibleName("No account needed")
        note = QLabel(
            "✓  You can ride right now — no account needed. Your rides are saved on this computer."
        )
        note.setWordWrap(True)
        later = QLabel("Want them synced? Sign in later from Status.")
        later.setStyleSheet("font-weight: 400;")
        later.setWordWrap(True)
        note_layout = QVBoxLayout(self.account_note)
        note_layout.setContentsMargins(16, 12, 16, 12)
        note_layout.setSpacing(4)
        note_layout.addWidget(note)
        note_layout.addWidget(later)

    def _build_buttons(self) -> QHBoxLayout:
        self.skip_button = QPushButton("Skip for now")
        self.skip_button.setAccessibleName("Skip for now: keep the usual settings")
        self.skip_button.clicked.connect(self.skip)
        self.start_button = QPushButton("Start riding  ▶")
        self.start_button.setProperty("primary", True)
        self.start_button.setProperty("big", True)
        self.start_button.setMinimumWidth(200)
        self.start_button.setAccessibleName("Start riding")
        self.start_button.setDefault(True)
        self.start_button.clicked.connect(self.start)
        buttons = QHBoxLayout()
        buttons.setSpacing(12)
        buttons.addWidget(self.skip_button)
        buttons.addStretch(1)
        buttons.addWidget(self.start_button)
        return buttons

    def _connect_fields(self) -> None:
        """Return starts riding, typing clears a field's problem; Tab in reading order."""
        for field in (self.ftp_field, self.weight_field):
            field.returnPressed.connect(self.start)
        self.ftp_field.textEdited.connect(lambda _text: self.ftp_error.clear_error())
        self.weight_field.textEdited.connect(lambda _text: self.weight_error.clear_error())
        set_tab_chain(
            [
                self.ftp_field,
                self.ramp_button,
                self.weight_field,
                *self.units.focus_widgets(),
                self.skip_button,
                self.start_button,
            ]
        )

    # -- API ---------------------------------------------------------------------------------
    def settings(self, *, with_ftp: bool = True) -> RiderSettings | None:
        """The settings the page describes (first_run_done=True), or None when a value is
        out of range (the problems are then shown under the fields)."""
        imperial = self.units.value() == "imperial"
        data: dict[str, Any] = self.initial.model_dump()
        ftp_raw = self.ftp_field.raw() if with_ftp else ""
        if ftp_raw:
            data["ftp_w"] = ftp_raw
        data["weight_kg"] = entered_weight_kg(self.weight_field, imperial=imperial)
        data["units"] = self.units.value()
        data["first_run_done"] = True
        try:
            settings = RiderSettings.model_validate(data)
        except ValidationError as exc:
            problems = problems_by_field(exc, imperial=imperial)
            self._show_problems(problems)
            return None
        self._show_problems({})
        if ftp_raw and settings.ftp_w:
            settings = settings.with_ftp(settings.ftp_w, self._today())
        return settings

    @Slot()
    def start(self) -> None:
        settings = self.settings()
        if settings is not None:
            self.finished.emit(settings)

    @Slot()
    def skip(self) -> None:
        self.finished.emit(self.initial.model_copy(update={"first_run_done": True}))

    @Slot()
    def request_ramp_test(self) -> None:
        self.ftp_error.clear_error()
        settings = self.settings(with_ftp=False)
        if settings is not None:
            self.ramp_test_requested.emit(settings)

    # -- internals ---------------------------------------------------------------------------
    def _show_problems(self, problems: dict[str, str]) -> None:
        """Each field's problem under it (or none); the first bad field gets the focus."""
        errors = (("ftp_w", self.ftp_error), ("weight_kg", self.weight_error))
        for key, error in errors:
            if key in problems:
                error.show_error(problems[key])
            else:
                error.clear_error()
        first = next((error.field for key, error in errors if key in problems), None)
        if first is not None:
            first.setFocus(Qt.FocusReason.OtherFocusReason)

    @Slot(object)
    def _on_units_changed(self, units: object) -> None:
        """Show the weight typed so far in the new units."""
        number = self.weight_field.number()
        if number is not None and self.weight_unit.text() != weight_unit(units):
            converted = lb_from_kg(number) if units == "imperial" else kg_from_lb(number)
            self.weight_field.set_number(converted)
        self.weight_unit.setText(weight_unit(units))
        self.weight_field.setAccessibleName(weight_field_name(units))
        self.weight_error.clear_error()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._focused_once:
            self._focused_once = True
            self.ftp_field.setFocus(Qt.FocusReason.OtherFocusReason)


def _indented(item: QWidget | QHBoxLayout) -> QHBoxLayout:
    """A row lined up under a step's heading (past its number badge)."""
    row = QHBoxLayout()
    row.setContentsMargins(40, 0, 0, 0)
    row.setSpacing(0)
    if isinstance(item, QWidget):
        row.addWidget(item, 1)
    else:
        row.addLayout(item, 1)
    return row
