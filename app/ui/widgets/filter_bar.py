"""Filter chips for the library: time, main zone, favourites and source, category.

Four groups of chips in one wrapping row (no captions: "< 45′", "Z4", "Built-in" and the
category names say what they filter; each chip's tooltip says it in full).

Chips toggle; within a group any checked chip matches (categories, zones, sources), across
groups all must match. Time is one range at a time: checking a time chip unchecks the
other. The bar only holds the chips' state: `library_filter(text)` turns it into a core
`LibraryFilter`, which the library view hands to `catalog.query`.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QPushButton, QSizePolicy, QWidget

from app.core.workouts.catalog import LibraryFilter
from app.ui import display
from app.ui.theme import palette
from app.ui.widgets.flow_layout import FlowLayout

_MIN = 60.0
_HAIR = 0.001  # turns an inclusive bound of the core filter into a strict one

# label, tooltip, min_duration_s, max_duration_s (inclusive, as LibraryFilter reads them)
DURATION_BUCKETS: tuple[tuple[str, str, float | None, float | None], ...] = (
    ("< 45′", "Shorter than 45 minutes", None, 45 * _MIN - _HAIR),
    ("45–60′", "45 minutes up to an hour", 45 * _MIN, 60 * _MIN),
    ("60–90′", "Over an hour, up to 90 minutes", 60 * _MIN + _HAIR, 90 * _MIN),
    ("> 90′", "Longer than 90 minutes", 90 * _MIN + _HAIR, None),
)
GROUP_GAP_PX = 14
SOURCE_LABELS = {"bundled": "Built-in", "imported": "Imported", "synced": "Synced"}
_ALWAYS_SHOWN_SOURCES = ("bundled", "imported")


def _chip(text: str, tip: str, accessible: str) -> QPushButton:
    chip = QPushButton(text)
    chip.setCheckable(True)
    chip.setProperty("chip", True)
    chip.setToolTip(tip)
    chip.setAccessibleName(accessible)
    chip.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
    return chip


class FilterBar(QWidget):
    """`changed` is emitted whenever a chip is toggled (once per click)."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Filters")
        self._quiet = False

        self.duration_chips = [
            _chip(label, tip, f"Only workouts {tip[0].lower()}{tip[1:]}")
            for label, tip, _, _ in DURATION_BUCKETS
        ]
        for chip in self.duration_chips:
            chip.toggled.connect(self._on_duration_toggled)

        self.zone_chips = []
        for zone, name in enumerate(palette.ZONE_NAMES, start=1):
            chip = _chip(
                f"Z{zone}",
                f"Zone {zone} · {name}: workouts that mostly train this zone",
                f"Only workouts that mostly train zone {zone}, {name}",
            )
            chip.setProperty("zone", str(zone))
            chip.toggled.connect(self._emit)
            self.zone_chips.append(chip)

        self.favourites_chip = _chip(
            "★ Favourites", "Only your favourite workouts", "Only favourite workouts"
        )
        self.favourites_chip.setProperty("star", True)
        self.favourites_chip.toggled.connect(self._emit)
        self.source_chips: dict[str, QPushButton] = {}
        for source, label in SOURCE_LABELS.items():
            chip = _chip(label, f"Only {label.lower()} workouts", f"Only {label.lower()} workouts")
            chip.toggled.connect(self._emit)
            self.source_chips[source] = chip

        self.category_chips: dict[str, QPushButton] = {}  # casefolded category -> chip
        # not in the chips' flow: the library view puts it beside the count it changes
        self.clear_button = QPushButton("Clear filters", self)
        self.clear_button.hide()
        self.clear_button.setProperty("link", True)
        self.clear_button.setAccessibleName("Clear all filters")
        self.clear_button.setToolTip("Show every workout again (the search stays)")
        self.clear_button.clicked.connect(self.clear)

        # time | zones | favourites and sources | categories, clear: groups wrap as space allows
        self._flow = FlowLayout(self, h_spacing=5, v_spacing=6)
        for group in (
            self.duration_chips,
            self.zone_chips,
            [self.favourites_chip, *self.source_chips.values()],
        ):
            for widget in group:
                self._flow.addWidget(widget)
            self._flow.add_gap(GROUP_GAP_PX)
        self._category_start = self._flow.count()
        self.set_sources(())

    # -- what the library offers ------------------------------------------------------------
    def set_categories(self, categories: Iterable[str]) -> None:
        """One chip per category (as the library writes it); checked ones stay checked."""
        wanted: dict[str, str] = {}
        for category in categories:
            if category:
                wanted.setdefault(category.casefold(), category)
        ordered = sorted(wanted.items(), key=lambda kv: kv[0])
        if list(self.category_chips) == [key for key, _ in ordered]:
            return
        checked = {key for key, chip in self.category_chips.items() if chip.isChecked()}
        for chip in self.category_chips.values():
            self._flow.removeWidget(chip)
            chip.deleteLater()
        self.category_chips = {}
        for offset, (key, text) in enumerate(ordered):
            label = display.category(text)
            chip = _chip(label, f"Only {label} workouts", f"Only {label} workouts")
            chip.setChecked(key in checked)
            chip.toggled.connect(self._emit)
            self.category_chips[key] = chip
            self._flow.insertWidget(self._category_start + offset, chip)
        self._flow.invalidate()
        self.updateGeometry()

    def set_sources(self, sources: Iterable[str]) -> None:
        """Show the chip of every source the library has (built-in and imported always)."""
        present = set(sources)
        for source, chip in self.source_chips.items():
            visible = source in present or source in _ALWAYS_SHOWN_SOURCES
            if not visible and chip.isChecked():
                chip.setChecked(False)
            chip.setVisible(visible)

    # -- state --------------------------------------------------------------------------------
    def library_filter(self, text: str = "") -> LibraryFilter:
        low = high = None
        for chip, (_, _, lo, hi) in zip(self.duration_chips, DURATION_BUCKETS, strict=True):
            if chip.isChecked():
                low, high = lo, hi
        return LibraryFilter(
            text=text,
            min_duration_s=low,
            max_duration_s=high,
            categories=frozenset(k for k, c in self.category_chips.items() if c.isChecked()),
            zones=frozenset(i for i, c in enumerate(self.zone_chips, start=1) if c.isChecked()),
            sources=frozenset(s for s, c in self.source_chips.items() if c.isChecked()),
            favourites_only=self.favourites_chip.isChecked(),
        )

    def is_active(self) -> bool:
        return any(chip.isChecked() for chip in self._chips())

    @Slot()
    def clear(self) -> None:
        self._quiet = True
        try:
            for chip in self._chips():
                chip.setChecked(False)
        finally:
            self._quiet = False
        self._emit()

    def _chips(self) -> list[QPushButton]:
        return [
            *self.duration_chips,
            *self.zone_chips,
            self.favourites_chip,
            *self.source_chips.values(),
            *self.category_chips.values(),
        ]

    # -- toggling -----------------------------------------------------------------------------
    @Slot(bool)
    def _on_duration_toggled(self, checked: bool) -> None:
        if checked:
            sender = self.sender()
            self._quiet = True
            try:
                for chip in self.duration_chips:
                    if chip is not sender:
                        chip.setChecked(False)
            finally:
                self._quiet = False
        self._emit()

    @Slot()
    def _emit(self) -> None:
        if self._quiet:
            return
        self.clear_button.setVisible(self.is_active())
        self.changed.emit()
