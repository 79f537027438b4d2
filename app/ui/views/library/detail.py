"""The selected workout in the library: name, favourite star, chips, stats, the full
profile, time in zone, description, and the Export and Ride buttons.

Everything here comes from the catalog entry's metadata and packed profile: selecting a
workout never parses it. The workout itself is read when the rider presses Ride (or
exports it).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.core.workouts.catalog import CatalogEntry, main_zone
from app.core.workouts.formats import WRITABLE_EXTENSIONS
from app.ui import display
from app.ui.theme import palette
from app.ui.widgets.filter_bar import SOURCE_LABELS
from app.ui.widgets.profile_widget import ProfileWidget, ZoneBar


def _extensions(extensions: tuple[str, ...]) -> str:
    """'.zwo, .erg or .fit'"""
    if len(extensions) < 2:
        return "".join(extensions)
    return f"{', '.join(extensions[:-1])} or {extensions[-1]}"


class _Stat(QWidget):
    def __init__(self, label: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.value = QLabel(display.MISSING)
        self.value.setProperty("role", "statValue")
        self.value.setAccessibleName(label)
        caption = QLabel(label.upper())
        caption.setProperty("role", "statLabel")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.value)
        layout.addWidget(caption)


class WorkoutDetail(QWidget):
    """Lives inside the library's detail card. Signals: `ride_clicked`, `export_clicked`,
    `favourite_toggled(bool)` (the rider pressed the star)."""

    ride_clicked = Signal()
    export_clicked = Signal()
    favourite_toggled = Signal(bool)

    def __init__(self, ftp_w: float, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Workout details")
        self.ftp_w = ftp_w
        self.entry: CatalogEntry | None = None

        title_row = self._build_title_row()
        chips = self._build_chips()
        stats = self._build_stats()
        self.profile = ProfileWidget()
        self.profile.setMinimumHeight(150)
        self.zone_caption = QLabel("TIME IN ZONE")
        self.zone_caption.setProperty("role", "statLabel")
        self.zones = ZoneBar()
        scroll = self._build_description()
        zone_row = self._build_zone_row()
        ride_row = self._build_ride_row()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(22, 20, 22, 20)
        layout.setSpacing(14)
        layout.addLayout(title_row)
        layout.addLayout(chips)
        layout.addLayout(stats)
        layout.addWidget(self.profile, 5)
        layout.addLayout(zone_row)
        layout.addWidget(self.zones)
        layout.addSpacing(4)
        layout.addWidget(scroll, 2)
        layout.addLayout(ride_row)
        self._clear()

    # -- layout --------------------------------------------------------------------------------
    def _build_title_row(self) -> QHBoxLayout:
        """The workout's name and the favourite star."""
        self.name = QLabel("Pick a workout")
        self.name.setProperty("role", "title")
        self.name.setWordWrap(True)
        self.name.setAccessibleName("Workout name")
        self.star = QPushButton("☆")
        self.star.setObjectName("Star")
        self.star.setCheckable(True)
        self.star.setToolTip("Favourite (Ctrl+D)")
        self.star.setAccessibleName("Favourite")
        self.star.toggled.connect(self._on_star_toggled)
        title_row = QHBoxLayout()
        title_row.setSpacing(10)
        title_row.addWidget(self.name, 1)
        title_row.addWidget(self.star, 0, Qt.AlignmentFlag.AlignTop)
        return title_row

    def _build_chips(self) -> QHBoxLayout:
        """Category, main zone and source."""
        self.category = QLabel("")
        self.category.setProperty("role", "chip")
        self.source = QLabel("")
        self.source.setProperty("role", "chip")
        self.zone = QLabel("")
        self.zone.setProperty("role", "chip")
        self.zone.setAccessibleName("Main zone")
        chips = QHBoxLayout()
        chips.setSpacing(8)
        chips.addWidget(self.category)
        chips.addWidget(self.zone)
        chips.addWidget(self.source)
        chips.addStretch(1)
        return chips

    def _build_stats(self) -> QGridLayout:
        self.duration = _Stat("Duration")
        self.tss = _Stat("TSS")
        self.intensity = _Stat("IF")
        self.intervals = _Stat("Intervals")
        stats = QGridLayout()
        stats.setHorizontalSpacing(22)
        for column, stat in enumerate((self.duration, self.tss, self.intensity, self.intervals)):
            stats.addWidget(stat, 0, column)
        stats.setColumnStretch(4, 1)
        return stats

    def _build_description(self) -> QScrollArea:
        """The description, selectable, scrolling when it is long."""
        self.description = QLabel("")
        self.description.setProperty("role", "body")
        self.description.setWordWrap(True)
        self.description.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.description.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.description.setAccessibleName("Workout description")
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.description)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.viewport().setAutoFillBackground(False)
        self.description.setAutoFillBackground(False)
        return scroll

    def _build_zone_row(self) -> QHBoxLayout:
        """The time-in-zone caption, and the FTP the zones are at."""
        self.ftp_note = QLabel(f"at FTP {round(self.ftp_w)} W")
        self.ftp_note.setProperty("role", "statLabel")
        zone_row = QHBoxLayout()
        zone_row.addWidget(self.zone_caption)
        zone_row.addStretch(1)
        zone_row.addWidget(self.ftp_note)
        return zone_row

    def _build_ride_row(self) -> QHBoxLayout:
        self.export_button = QPushButton("Export…")
        self.export_button.setAccessibleName("Export this workout to a file")
        self.export_button.setToolTip(f"Save as {_extensions(WRITABLE_EXTENSIONS)}")
        self.export_button.clicked.connect(self.export_clicked)
        self.ride_button = QPushButton("Ride  ▶")
        self.ride_button.setProperty("primary", True)
        self.ride_button.setProperty("big", True)
        self.ride_button.setMinimumWidth(170)
        self.ride_button.setAccessibleName("Ride this workout")
        self.ride_button.setToolTip("Start this workout (Enter)")
        self.ride_button.clicked.connect(self.ride_clicked)
        ride_row = QHBoxLayout()
        ride_row.setSpacing(10)
        ride_row.addWidget(self.export_button)
        ride_row.addStretch(1)
        ride_row.addWidget(self.ride_button)
        return ride_row

    # -- what it shows -------------------------------------------------------------------------
    def show_entry(self, entry: CatalogEntry | None) -> None:
        if entry is not None and self.entry is not None and entry.id == self.entry.id:
            self.entry = entry  # the same workout, perhaps a new favourite state
            self._show_star(entry.favourite)
            return
        self.entry = entry
        if entry is None:
            self._clear()
            return
        self.name.setText(entry.name)
        self.category.setText(display.category(entry.category))
        self.category.setVisible(bool(entry.category))
        self.source.setText(SOURCE_LABELS.get(entry.source, entry.source.title()))
        self.source.setVisible(bool(entry.source))
        zone = main_zone(entry)
        if zone is not None:
            self.zone.setText(f"Z{zone} · {palette.ZONE_NAMES[zone - 1]}")
            self.zone.setToolTip(f"Mostly trains zone {zone} ({palette.ZONE_NAMES[zone - 1]})")
        self.zone.setVisible(zone is not None)
        segments = entry.profile()
        self.duration.value.setText(display.h_mm(entry.duration_s))
        self.tss.value.setText(display.whole(entry.tss))
        self.intensity.value.setText(display.ratio(entry.intensity_factor))
        self.intervals.value.setText(str(len(segments)) if segments else display.MISSING)
        self.profile.set_segments(segments, entry.duration_s, entry.name)
        self.zones.set_zone_times(entry.zone_time_s)
        self.zones.setVisible(self.zones.has_data())
        self.zone_caption.setVisible(self.zones.has_data())
        self.ftp_note.setVisible(self.zones.has_data())
        self.description.setText(entry.description or "No description.")
        self.star.setEnabled(True)
        self._show_star(entry.favourite)
        self.export_button.setEnabled(True)
        self.ride_button.setEnabled(True)

    def _clear(self) -> None:
        self.name.setText("Pick a workout")
        for chip in (self.category, self.source, self.zone):
            chip.hide()
        for stat in (self.duration, self.tss, self.intensity, self.intervals):
            stat.value.setText(display.MISSING)
        self.profile.set_segments((), 0.0)
        self.zones.set_zone_times(())
        self.zones.hide()
        self.zone_caption.hide()
        self.ftp_note.hide()
        self.description.setText("Search the library on the left and pick a workout.")
        self._show_star(False)
        self.star.setEnabled(False)
        self.export_button.setEnabled(False)
        self.ride_button.setEnabled(False)

    def _show_star(self, favourite: bool) -> None:
        self.star.blockSignals(True)
        self.star.setChecked(favourite)
        self.star.blockSignals(False)
        self.star.setText("★" if favourite else "☆")
        self.star.setAccessibleDescription("favourite" if favourite else "not a favourite")

    @Slot(bool)
    def _on_star_toggled(self, checked: bool) -> None:
        self.star.setText("★" if checked else "☆")
        self.favourite_toggled.emit(checked)
