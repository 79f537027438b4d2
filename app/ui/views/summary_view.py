"""After the ride: the numbers that matter, the ride chart and the time in each power zone,
then back to the library."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app.core.ride.samples import RideSummary
from app.runtime.ride_control import RideInfo
from app.ui import display
from app.ui.widgets.ride_chart import RideChart
from app.ui.widgets.tile import Tile
from app.ui.widgets.zone_bars import ZoneBars

# key, title, unit, accent
_TILES: tuple[tuple[str, str, str, str], ...] = (
    ("duration", "Duration", "", ""),
    ("avg_power", "Avg power", "W", "actual"),
    ("np", "NP", "W", "actual"),
    ("max_power", "Max power", "W", ""),
    ("intensity_factor", "IF", "", "target"),
    ("tss", "TSS", "", "target"),
    ("work", "Work", "kJ", ""),
    ("avg_hr", "Avg HR", "bpm", "heart"),
    ("avg_cadence", "Avg cadence", "rpm", "cadence"),
    ("distance", "Distance", "km", ""),
)
_LONG_NAMES = {
    "np": "Normalized power",
    "intensity_factor": "Intensity factor",
    "tss": "Training stress score",
    "avg_hr": "Average heart rate",
}


def summary_texts(summary: RideSummary, units: str = "metric") -> dict[str, str]:
    """The text of each summary tile: what the screen shows for a summary."""
    return {
        "duration": display.h_mm_ss(summary.elapsed_s),
        "avg_power": display.whole(summary.avg_power_w),
        "np": display.whole(summary.np_w),
        "max_power": display.whole(summary.max_power_w),
        "intensity_factor": display.ratio(summary.intensity_factor),
        "tss": display.whole(summary.tss),
        "work": display.whole(summary.work_kj),
        "avg_hr": display.whole(summary.avg_hr_bpm),
        "avg_cadence": display.whole(summary.avg_cadence_rpm),
        "distance": display.distance_text(summary.distance_m, units),
    }


class SummaryView(QWidget):
    back_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("Page")
        self.setAccessibleName("Ride summary")
        self.summary: RideSummary | None = None
        self._units = "metric"

        heading = QLabel("Ride complete")
        heading.setProperty("role", "title")
        self.subtitle = QLabel("")
        self.subtitle.setProperty("role", "subtitle")
        self.subtitle.setAccessibleName("Ride details")
        self.back_button = QPushButton("Back to library")
        self.back_button.setProperty("primary", True)
        self.back_button.setProperty("big", True)
        self.back_button.setAccessibleName("Back to library")
        self.back_button.clicked.connect(self.back_requested)

        titles = QVBoxLayout()
        titles.setSpacing(2)
        titles.addWidget(heading)
        titles.addWidget(self.subtitle)
        header = QHBoxLayout()
        header.addLayout(titles, 1)
        header.addWidget(self.back_button, 0, Qt.AlignmentFlag.AlignVCenter)

        self.tiles: dict[str, Tile] = {}
        grid = QGridLayout()
        grid.setSpacing(12)
        for i, (key, title, unit, accent) in enumerate(_TILES):
            tile = Tile(title, unit, accent=accent, reference_text="0:00:00", max_value_pt=34)
            tile.setMinimumHeight(96)
            tile.setMinimumWidth(120)
            if key in _LONG_NAMES:
                tile.setToolTip(_LONG_NAMES[key])
                tile.setAccessibleName(_LONG_NAMES[key])
            tile.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Expanding)
            self.tiles[key] = tile
            grid.addWidget(tile, i // 5, i % 5)
        for column in range(5):
            grid.setColumnStretch(column, 1)

        self.chart = RideChart()
        self.chart.set_cursor_visible(False)
        self.chart.setMinimumHeight(200)
        chart_card = QFrame()
        chart_card.setObjectName("Card")
        chart_layout = QVBoxLayout(chart_card)
        chart_layout.setContentsMargins(10, 10, 14, 8)
        chart_layout.addWidget(self.chart)

        # time in zone, beside the chart: read from the saddle, so the writing is large
        self.zone_card = QFrame()
        self.zone_card.setObjectName("Card")
        zone_caption = QLabel("TIME IN POWER ZONE")
        zone_caption.setProperty("role", "statLabel")
        self.zone_bars = ZoneBars(text_pt=13.0, stacked=True)
        zone_layout = QVBoxLayout(self.zone_card)
        zone_layout.setContentsMargins(18, 14, 18, 10)
        zone_layout.setSpacing(6)
        zone_layout.addWidget(zone_caption)
        zone_layout.addWidget(self.zone_bars, 1)
        self.zone_card.hide()  # until a summary with zone time is shown

        bottom = QHBoxLayout()
        bottom.setSpacing(12)
        bottom.addWidget(chart_card, 3)
        bottom.addWidget(self.zone_card, 2)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 18)
        layout.setSpacing(14)
        layout.addLayout(header)
        layout.addLayout(grid, 2)
        layout.addLayout(bottom, 3)

    def set_units(self, units: str) -> None:
        """Metric or imperial: the distance in km or miles."""
        self._units = units
        self.tiles["distance"].set_unit(display.distance_unit(units))
        if self.summary is not None:
            self.tiles["distance"].set_value(summary_texts(self.summary, units)["distance"])

    def show_summary(
        self,
        summary: RideSummary,
        info: RideInfo | None,
        trace_x: np.ndarray | None = None,
        trace_y: np.ndarray | None = None,
    ) -> None:
        self.summary = summary
        for key, text in summary_texts(summary, self._units).items():
            self.tiles[key].set_value(text)
        parts = []
        if info is not None:
            parts.append(info.workout.name)
            parts.append(info.started_at.astimezone().strftime("%a %d %b %Y, %H:%M"))
        parts.append(f"moving {display.h_mm_ss(summary.moving_s)}")
        parts.append(f"FTP {round(summary.ftp_w)} W")
        if summary.max_hr_bpm is not None:
            parts.append(f"max HR {round(summary.max_hr_bpm)} bpm")
        self.subtitle.setText("  ·  ".join(parts))
        if info is not None:
            self.chart.set_profile(info.profile, info.duration_s, info.ftp_w)
        if trace_x is not None and trace_y is not None:
            self.chart.set_trace(trace_x, trace_y)
        self.zone_bars.set_zone_times(summary.zone_s)
        self.zone_card.setVisible(self.zone_bars.has_data())  # no power, no FTP: no card
        self.back_button.setFocus()

    def values(self) -> dict[str, str]:
        return {key: tile.value() for key, tile in self.tiles.items()}
