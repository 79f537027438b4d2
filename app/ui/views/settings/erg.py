"""The settings screen's ERG section: how the trainer holds the workout's target power
(ramp-in, lead, cadence guard, the range of targets, power match)."""

from __future__ import annotations

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QWidget

from app.core.settings import ErgPreferences
from app.ui.widgets.form_fields import FieldError, NumberField, Section, ToggleSwitch


def target_range_problem(erg: ErgPreferences) -> str | None:
    """The lowest ERG target must stay below the highest (each alone may be in range)."""
    if erg.min_target_w < erg.max_target_w:
        return None
    return f"Highest ERG target: must be above the lowest target ({erg.min_target_w} W)"


class ErgSection(Section):
    """`errors` for "erg.ramp_in_s", "erg.lead_s", "erg.cadence_guard_rpm",
    "erg.min_target_w" and "erg.max_target_w"."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("ERG", "How the trainer holds the workout's target power.", parent)
        self.errors: dict[str, FieldError] = {}
        self.ramp_in_field = NumberField("ERG ramp-in in seconds", digits=3)
        self.errors["erg.ramp_in_s"] = self.add_checked_field(
            "Ramp-in",
            self.ramp_in_field,
            "s",
            "Eases into the target after start, resume and big steps.",
        )
        self.lead_field = NumberField("ERG lead in seconds", digits=3)
        self.errors["erg.lead_s"] = self.add_checked_field(
            "Lead",
            self.lead_field,
            "s",
            "Sends each target this much early, for trainers that react slowly.",
        )
        self._add_cadence_guard()
        self._add_target_range()
        self.power_match_check = ToggleSwitch(
            "Steer ERG by your power meter, not the trainer", "Power match"
        )
        self.add_field("Power match", self.power_match_check, error=False, wide=True)

    def _add_cadence_guard(self) -> None:
        self.cadence_guard_check = ToggleSwitch("Ease off when cadence drops", "Cadence guard")
        self.cadence_guard_check.toggled.connect(self._on_guard_toggled)
        self.add_field("Cadence guard", self.cadence_guard_check, error=False, wide=True)
        self.cadence_guard_field = NumberField("Cadence guard in rpm", digits=3)
        self.errors["erg.cadence_guard_rpm"] = self.add_checked_field(
            "Guard below",
            self.cadence_guard_field,
            "rpm",
            "Below this cadence for a few seconds, the trainer eases off until you spin up again.",
        )

    def _add_target_range(self) -> None:
        self.min_target_field = NumberField("Lowest ERG target in watts", step=5)
        self.errors["erg.min_target_w"] = self.add_checked_field(
            "Lowest target", self.min_target_field, "W"
        )
        self.max_target_field = NumberField("Highest ERG target in watts", step=10)
        self.errors["erg.max_target_w"] = self.add_checked_field(
            "Highest target",
            self.max_target_field,
            "W",
            "Targets outside this range are held at its edge.",
        )

    def focus_widgets(self) -> list[QWidget]:
        return [
            self.ramp_in_field,
            self.lead_field,
            self.cadence_guard_check,
            self.cadence_guard_field,
            self.min_target_field,
            self.max_target_field,
            self.power_match_check,
        ]

    def fill(self, erg: ErgPreferences) -> None:
        self.ramp_in_field.set_number(erg.ramp_in_s)
        self.lead_field.set_number(erg.lead_s)
        guard = erg.cadence_guard_rpm
        self.cadence_guard_check.setChecked(guard is not None)
        default_guard = ErgPreferences().cadence_guard_rpm
        self.cadence_guard_field.set_number(guard if guard is not None else default_guard)
        self.cadence_guard_field.setEnabled(guard is not None)
        self.min_target_field.set_number(erg.min_target_w)
        self.max_target_field.set_number(erg.max_target_w)
        self.power_match_check.setChecked(erg.power_match)

    def state(self) -> tuple[object, ...]:
        """What the form shows, to compare with what was saved."""
        return (
            self.ramp_in_field.raw(),
            self.lead_field.raw(),
            self.cadence_guard_check.isChecked(),
            self.cadence_guard_field.raw(),
            self.min_target_field.raw(),
            self.max_target_field.raw(),
            self.power_match_check.isChecked(),
        )

    def values(self) -> dict[str, object]:
        """The ERG preferences as typed, for `RiderSettings.model_validate`."""
        guard_on = self.cadence_guard_check.isChecked()
        return {
            "erg": {
                "ramp_in_s": self.ramp_in_field.raw(),
                "lead_s": self.lead_field.raw(),
                "cadence_guard_rpm": self.cadence_guard_field.raw() if guard_on else None,
                "min_target_w": self.min_target_field.raw(),
                "max_target_w": self.max_target_field.raw(),
                "power_match": self.power_match_check.isChecked(),
            }
        }

    @Slot(bool)
    def _on_guard_toggled(self, on: bool) -> None:
        self.cadence_guard_field.setEnabled(on)
        if not on:
            self.errors["erg.cadence_guard_rpm"].clear_error()
