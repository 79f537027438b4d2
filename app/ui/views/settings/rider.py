"""The settings screen's rider section: FTP (with its history), weight and units.

The weight is stored in kilograms and shown in the rider's units. A weight the rider has
not touched is converted from the exact stored value, never round-tripped through the
pounds shown, so switching units back and forth does not drift.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from PySide6.QtCore import QDate, QLocale, Qt, Slot
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from app.core.settings import FtpChange, RiderSettings
from app.core.units import kg_from_lb, lb_from_kg
from app.ui.theme import palette as c
from app.ui.widgets.form_fields import (
    UNITS_CHOICES,
    ChoiceGroup,
    FieldError,
    NumberField,
    Section,
    entered_weight_kg,
    format_number,
    weight_field_name,
    weight_unit,
)

HISTORY_SHOWN = 6


def history_html(history: Sequence[FtpChange]) -> str:
    """The newest FTP changes as a small table (day, watts, change from the one before),
    and how many earlier ones are not shown."""
    if not history:
        return (
            f"<span style='color:{c.TEXT_MUTED}'>No changes yet. A new FTP is "
            "remembered with the day you set it.</span>"
        )
    newest = newest_first(history)
    locale = QLocale()
    lines = []
    for index, change in enumerate(newest[:HISTORY_SHOWN]):
        day = locale.toString(QDate(change.on.year, change.on.month, change.on.day), "d MMM yyyy")
        delta = ""
        if index + 1 < len(newest):
            diff = change.ftp_w - newest[index + 1].ftp_w
            if diff:
                delta = f"&nbsp;&nbsp;<span style='color:{c.TEXT_MUTED}'>{diff:+d}</span>"
        lines.append(
            f"<tr><td style='padding-right:18px; color:{c.TEXT_MUTED}'>{day}</td>"
            f"<td align='right'><b>{change.ftp_w} W</b></td><td>{delta}</td></tr>"
        )
    more = len(newest) - HISTORY_SHOWN
    tail = f"<div style='color:{c.TEXT_MUTED}'>and {more} earlier</div>" if more > 0 else ""
    return f"<table cellspacing='0' cellpadding='1'>{''.join(lines)}</table>{tail}"


def newest_first(history: Sequence[FtpChange]) -> list[FtpChange]:
    return sorted(history, key=lambda change: change.on, reverse=True)


def history_entries(history: Sequence[FtpChange]) -> list[tuple[date, int]]:
    """(day, FTP in watts), newest first."""
    return [(change.on, change.ftp_w) for change in newest_first(history)]


class RiderSection(Section):
    """FTP, its history, weight and units; `errors` for "ftp_w" and "weight_kg"."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Rider", "Targets, zones and training load scale with your FTP.", parent)
        self.errors: dict[str, FieldError] = {}
        self._filling = False
        # what the weight field showed last: (its text, in which units, the kg it meant)
        self._weight_shown: tuple[str, str, float | None] = ("", "metric", None)
        self.ftp_field = NumberField("FTP in watts", step=5)
        self.errors["ftp_w"] = self.add_checked_field(
            "FTP", self.ftp_field, "W", "The power you can hold for about an hour."
        )
        self.history_title = QLabel("FTP HISTORY")
        self.history_title.setProperty("role", "statLabel")
        self.history = QLabel("")
        self.history.setProperty("role", "body")
        self.history.setTextFormat(Qt.TextFormat.RichText)
        self.history.setAccessibleName("FTP history")
        self.history.setWordWrap(True)
        history_box = QWidget()
        history_layout = QVBoxLayout(history_box)
        history_layout.setContentsMargins(0, 0, 0, 6)
        history_layout.setSpacing(4)
        history_layout.addWidget(self.history_title)
        history_layout.addWidget(self.history)
        self.add_widget(history_box, under_field=True)
        self._add_weight_and_units()

    def _add_weight_and_units(self) -> None:
        self.weight_field = NumberField("Weight", decimals=1, step=0.5, digits=3)
        self.weight_field.setPlaceholderText("optional")
        self.weight_unit = QLabel("kg")
        self.weight_unit.setProperty("role", "unit")
        self.errors["weight_kg"] = self.add_checked_field(
            "Weight", self.weight_field, self.weight_unit, "Optional. Used for watts per kilogram."
        )
        self.units = ChoiceGroup("Units", UNITS_CHOICES)
        self.units.changed.connect(self._on_units_changed)
        self.add_field("Units", self.units, error=False, wide=True)

    def focus_widgets(self) -> list[QWidget]:
        return [self.ftp_field, self.weight_field, *self.units.focus_widgets()]

    def fill(self, settings: RiderSettings) -> None:
        """Show the saved FTP, units and weight (the history: `show_history`)."""
        self._filling = True
        try:
            self.ftp_field.set_number(settings.ftp_w)
            self.units.set_value(settings.units)
            self._show_weight(settings.weight_kg, settings.units)
        finally:
            self._filling = False

    def show_history(self, history: Sequence[FtpChange]) -> None:
        self.history.setText(history_html(history))
        if history:
            self.history.setAccessibleDescription(
                "; ".join(f"{ch.on.isoformat()}: {ch.ftp_w} W" for ch in newest_first(history))
            )

    def state(self) -> tuple[object, ...]:
        """What the form shows, to compare with what was saved."""
        return self.ftp_field.raw(), self.weight_field.raw(), self.units.value()

    def values(self) -> dict[str, object]:
        """The section's settings as typed, for `RiderSettings.model_validate`."""
        return {
            "ftp_w": self.ftp_field.raw(),
            "weight_kg": self._weight_kg(),
            "units": self.units.value(),
        }

    def imperial(self) -> bool:
        return self.units.value() == "imperial"

    def _show_weight(self, weight_kg: float | None, units: str) -> None:
        if weight_kg is None:
            text = ""
        elif units == "imperial":
            text = format_number(lb_from_kg(weight_kg), 1)
        else:
            text = format_number(weight_kg, 1)
        self.weight_field.setText(text)
        self.weight_unit.setText(weight_unit(units))
        self.weight_field.setAccessibleName(weight_field_name(units))
        self._weight_shown = (self.weight_field.raw(), units, weight_kg)

    def _weight_kg(self) -> object:
        """What the weight field means in kg (None when empty; the text when unreadable)."""
        raw = self.weight_field.raw()
        shown_text, shown_units, shown_kg = self._weight_shown
        units = self.units.value()
        if raw == shown_text and units == shown_units:
            return shown_kg  # untouched: no round trip through lb
        return entered_weight_kg(self.weight_field, imperial=units == "imperial")

    @Slot(object)
    def _on_units_changed(self, units: object) -> None:
        """Show the weight in the new units (an unreadable entry is left for Apply)."""
        if self._filling:
            return
        shown_text, shown_units, shown_kg = self._weight_shown
        raw = self.weight_field.raw()
        kg: float | None
        if raw == shown_text:
            kg = shown_kg  # untouched: convert the exact value
        elif not raw:
            kg = None
        else:
            number = self.weight_field.number()
            if number is None:
                self.weight_unit.setText(weight_unit(units))
                return
            kg = kg_from_lb(number) if shown_units == "imperial" else number
        self._show_weight(kg, str(units))
        self.errors["weight_kg"].clear_error()
