"""The ride screen's tiles, chosen per slot on the settings screen.

Three large slots on top (always shown) and five small ones below (each may be "No
tile"), one combo box per slot in the order of the screen.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QComboBox, QGridLayout, QLabel, QPushButton, QSizePolicy, QWidget

from app.core.ride.tiles import DEFAULT_TILES, LARGE_TILES, MAX_TILES
from app.ui.theme.style import set_style_property
from app.ui.widgets.tile_board import TILE_METRICS, tile_name

NO_TILE_TEXT = "No tile"


class _TileCombo(QComboBox):
    """A slot's choice. The mouse wheel changes it only once it has the focus, so
    scrolling the settings page never changes a tile by accident."""

    def wheelEvent(self, event: QWheelEvent) -> None:
        if self.hasFocus():
            super().wheelEvent(event)
        else:
            event.ignore()


class TilePicker(QWidget):
    """The ride screen's tiles as slots: three large on top (always shown) and five small
    below (each may be "No tile"), one combo box per slot, in the order of the screen, and
    "Reset tiles to default". `changed()` on every change by the rider.

    Choosing a figure already in another slot is allowed while editing; Apply says so
    (`repeated()`) and saves nothing until each figure is in one slot."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Ride screen tiles")
        self.smoothing_s = 3
        self.combos: list[QComboBox] = []
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(8)
        for column, text in ((0, "TILES · LARGE, ON TOP"), (3, "SMALL, BELOW")):
            head = QLabel(text)
            head.setProperty("role", "statLabel")
            grid.addWidget(head, 0, column, 1, 2)
        for slot in range(MAX_TILES):
            large = slot < LARGE_TILES
            combo = self._slot_combo(slot)
            label = QLabel(str(slot + 1))
            label.setProperty("role", "slotNumber")
            label.setBuddy(combo)
            row = 1 + (slot if large else slot - LARGE_TILES)
            column = 0 if large else 3
            grid.addWidget(label, row, column, Qt.AlignmentFlag.AlignVCenter)
            grid.addWidget(combo, row, column + 1)
            self.combos.append(combo)
        grid.setColumnMinimumWidth(2, 12)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(4, 1)
        self.reset_button = QPushButton("Reset tiles to default")
        self.reset_button.setProperty("link", True)
        self.reset_button.setAccessibleName("Reset the ride screen tiles to default")
        self.reset_button.clicked.connect(self.reset)
        bottom_left = Qt.AlignmentFlag.AlignBottom | Qt.AlignmentFlag.AlignLeft
        grid.addWidget(self.reset_button, LARGE_TILES + 1, 0, 2, 2, bottom_left)
        self.set_keys(DEFAULT_TILES)

    def _slot_combo(self, slot: int) -> QComboBox:
        """The box of slot 0..7: a large tile offers every figure, a small one also "No
        tile"."""
        large = slot < LARGE_TILES
        combo = _TileCombo()
        combo.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(12)
        combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        combo.setMaxVisibleItems(len(TILE_METRICS) + 1)
        size = "Large" if large else "Small"
        number = slot + 1 if large else slot - LARGE_TILES + 1
        combo.setAccessibleName(f"{size} tile {number}")
        if not large:
            combo.addItem(NO_TILE_TEXT, None)
        for key in TILE_METRICS:
            combo.addItem(tile_name(key, self.smoothing_s), key)
        combo.activated.connect(self._on_activated)
        return combo

    def slots(self) -> tuple[str | None, ...]:
        """What each slot shows, None for an empty small slot."""
        return tuple(combo.currentData() for combo in self.combos)

    def keys(self) -> tuple[str, ...]:
        """The tiles in screen order, empty slots left out."""
        return tuple(key for key in self.slots() if key is not None)

    def set_keys(self, keys: Sequence[str]) -> None:
        keys = tuple(keys)
        for slot, combo in enumerate(self.combos):
            wanted = keys[slot] if slot < len(keys) else None
            index = combo.findData(wanted)
            combo.setCurrentIndex(index if index >= 0 else 0)
        self._update_looks()

    def set_smoothing(self, seconds: int) -> None:
        """The smoothed power's entry names the smoothing chosen above it."""
        self.smoothing_s = seconds
        for combo in self.combos:
            index = combo.findData("power")
            combo.setItemText(index, tile_name("power", seconds))

    def repeated(self) -> str | None:
        """The first figure shown in more than one slot, if any."""
        keys = self.keys()
        return next((key for i, key in enumerate(keys) if key in keys[:i]), None)

    def show_problem(self, shown: bool) -> None:
        """Mark the slots of a repeated figure red (or no slot)."""
        key = self.repeated() if shown else None
        for combo in self.combos:
            set_style_property(combo, "invalid", key is not None and combo.currentData() == key)

    def focus_problem(self) -> None:
        """Focus the second slot of a repeated figure."""
        key = self.repeated()
        slots = [combo for combo in self.combos if combo.currentData() == key]
        if len(slots) > 1:
            slots[1].setFocus(Qt.FocusReason.OtherFocusReason)

    def focus_widgets(self) -> list[QWidget]:
        return [*self.combos, self.reset_button]

    @Slot()
    def reset(self) -> None:
        if self.keys() != DEFAULT_TILES:
            self.set_keys(DEFAULT_TILES)
            self.changed.emit()
            self.combos[0].setFocus(Qt.FocusReason.OtherFocusReason)  # the button is disabled now

    @Slot(int)
    def _on_activated(self, _index: int) -> None:
        self._update_looks()
        self.changed.emit()

    def _update_looks(self) -> None:
        for combo in self.combos:
            set_style_property(combo, "empty", combo.currentData() is None)
            set_style_property(combo, "invalid", False)
        self.reset_button.setEnabled(self.keys() != DEFAULT_TILES)
