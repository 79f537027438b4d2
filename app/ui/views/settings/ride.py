"""The settings screen's ride sections: "Ride" (auto-pause, sounds) and "Ride screen"
(power smoothing and the tiles)."""

from __future__ import annotations

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QWidget

from app.core.settings import RiderSettings
from app.ui.views.settings.tile_picker import TilePicker
from app.ui.widgets.form_fields import ChoiceGroup, FieldError, Section, ToggleSwitch
from app.ui.widgets.tile_board import tile_name

SMOOTHING_CHOICES = ((1, "1 s"), (3, "3 s"), (10, "10 s"))


class RideSection(Section):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Ride", parent=parent)
        self.auto_pause_check = ToggleSwitch("Pause when you stop pedalling", "Auto-pause")
        self.add_field("Auto-pause", self.auto_pause_check, error=False, wide=True)
        self.sounds_check = ToggleSwitch("Sound cues during rides", "Sounds")
        self.add_field("Sounds", self.sounds_check, error=False, wide=True)

    def focus_widgets(self) -> list[QWidget]:
        return [self.auto_pause_check, self.sounds_check]

    def fill(self, settings: RiderSettings) -> None:
        self.auto_pause_check.setChecked(settings.auto_pause)
        self.sounds_check.setChecked(settings.sounds)

    def state(self) -> tuple[object, ...]:
        return self.auto_pause_check.isChecked(), self.sounds_check.isChecked()

    def values(self) -> dict[str, object]:
        return {
            "auto_pause": self.auto_pause_check.isChecked(),
            "sounds": self.sounds_check.isChecked(),
        }


class RideScreenSection(Section):
    """Power smoothing and the tile picker; `errors` for "ride_tiles" (a figure on two
    tiles). The smoothed power's entry in the picker names the smoothing chosen."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            "Ride screen",
            "What the tiles show while you ride. During a ride, right-click a tile "
            "(or focus it and press the Menu key) to change it there.",
            parent,
        )
        self.smoothing = ChoiceGroup("Power smoothing", SMOOTHING_CHOICES)
        self.smoothing.changed.connect(self._on_smoothing_changed)
        self.add_field(
            "Power smoothing",
            self.smoothing,
            hint="How many seconds the Power tile averages. Dropouts are left out, not "
            "counted as zero.",
            error=False,
            wide=True,
        )
        self.tile_picker = TilePicker()
        self.add_spacing(4)
        self.add_widget(self.tile_picker)
        self.errors = {"ride_tiles": FieldError(self.tile_picker)}
        self.add_widget(self.errors["ride_tiles"])

    def focus_widgets(self) -> list[QWidget]:
        return [*self.smoothing.focus_widgets(), *self.tile_picker.focus_widgets()]

    def fill(self, settings: RiderSettings) -> None:
        self.smoothing.set_value(settings.power_smoothing_s)
        self.tile_picker.set_smoothing(settings.power_smoothing_s)
        self.tile_picker.set_keys(settings.ride_tiles)

    def state(self) -> tuple[object, ...]:
        """The smoothing shown (the tiles: `tile_picker.slots()`)."""
        return (self.smoothing.value(),)

    def values(self) -> dict[str, object]:
        return {"power_smoothing_s": self.smoothing.value(), "ride_tiles": self.tile_picker.keys()}

    def tiles_problem(self) -> str | None:
        """Each figure may be on one tile only."""
        repeated = self.tile_picker.repeated()
        if repeated is None:
            return None
        name = tile_name(repeated, self.tile_picker.smoothing_s)
        return f"Ride screen tiles: {name} is on two tiles — choose something else for one of them"

    @Slot(object)
    def _on_smoothing_changed(self, seconds: object) -> None:
        if isinstance(seconds, int):
            self.tile_picker.set_smoothing(seconds)
