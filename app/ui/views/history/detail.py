"""The History page's detail card: the selected ride's name, when and how it went, its
state chips, summary figures, power chart (target and actual over moving time) and time
in each power zone; under them the buttons (export, delete or restore) or, in their
place, the inline "Move to trash?" question.

The card only shows what it is given; the page decides which ride, reads it and wires
the buttons. pyqtgraph (the chart) and numpy are imported with the first ride drawn, and
the summary screen's module (for `summary_texts`) with the first figures shown.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.core.ride.samples import RideSummary, Sample
from app.core.ride.series import moving_time_series
from app.ui import display
from app.ui.ports.history import RideListingLike
from app.ui.views.history.cache import LoadedRide
from app.ui.views.history.chips import chip_label, set_chip
from app.ui.views.history.figures import figure_grid
from app.ui.views.history.words import (
    COMPLETE_CHIP,
    TRASH_DAYS,
    long_date_text,
    status_chip,
    sync_chip,
)
from app.ui.widgets.profile_widget import ZoneBar

if TYPE_CHECKING:  # loaded with the first ride shown: they import pyqtgraph and numpy
    from app.ui.widgets.ride_chart import RideChart, Segment

__all__ = ["CAPTION_GAP_PX", "CHART_MIN_PX", "RideDetail"]

CHART_MIN_PX = 140  # with the time in zone and the delete question under it, the
CAPTION_GAP_PX = 4  # detail still fits a 1280x800 window

SummaryTexts = Callable[[RideSummary, str], dict[str, str]]


class RideDetail(QFrame):
    """The card. `show_ride`/`show_nothing` fill it in; `set_actions` enables and swaps
    the buttons; `set_confirming` puts the delete question in the buttons' place."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("Card")
        self.setAccessibleName("Ride details")
        self._chart: RideChart | None = None
        self._summary_texts: SummaryTexts | None = None
        self._units = "metric"
        self._figure_texts: dict[str, str] = {}
        chips = self._build_heading()
        grid, self.figures = figure_grid()
        chart_group = self._build_chart_group()
        self._build_zone_section()
        self._build_confirm_bar()
        self._build_button_row()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(22, 20, 22, 20)
        layout.setSpacing(12)
        layout.addWidget(self.name_label)
        layout.addWidget(self.when_label)
        layout.addLayout(chips)
        layout.addSpacing(4)
        layout.addLayout(grid)
        layout.addSpacing(6)
        layout.addLayout(chart_group, 1)
        layout.addWidget(self.zone_section)
        layout.addWidget(self.confirm_bar)
        layout.addWidget(self.button_row)

    # -- layout --------------------------------------------------------------------------------
    def _build_heading(self) -> QHBoxLayout:
        """The name and the when line (labels), and the row of state chips (returned)."""
        self.name_label = QLabel("")
        self.name_label.setProperty("role", "title")
        self.name_label.setWordWrap(True)
        self.name_label.setAccessibleName("Workout name")
        self.when_label = QLabel("")
        self.when_label.setProperty("role", "subtitle")
        self.when_label.setWordWrap(True)
        self.when_label.setAccessibleName("When and how the ride went")
        self.state_chip = chip_label("Ride state")
        self.sync_chip = chip_label("Sync state")
        chips = QHBoxLayout()
        chips.setSpacing(8)
        chips.addWidget(self.state_chip)
        chips.addWidget(self.sync_chip)
        chips.addStretch(1)
        return chips

    def _build_chart_group(self) -> QVBoxLayout:
        """The chart's caption over its slot; a hint holds the slot until a chart is drawn."""
        self.chart_slot = QVBoxLayout()
        self.chart_slot.setContentsMargins(0, 0, 0, 0)
        self.chart_hint = QLabel("")
        self.chart_hint.setProperty("role", "muted")
        self.chart_hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.chart_hint.setMinimumHeight(CHART_MIN_PX)
        self.chart_slot.addWidget(self.chart_hint)
        self.chart_caption = QLabel("POWER · TARGET AND ACTUAL, MOVING TIME")
        self.chart_caption.setProperty("role", "statLabel")
        chart_group = QVBoxLayout()
        chart_group.setSpacing(CAPTION_GAP_PX)
        chart_group.addWidget(self.chart_caption)
        chart_group.addLayout(self.chart_slot, 1)
        return chart_group

    def _build_zone_section(self) -> None:
        """Time in zone under the chart: one stacked bar with a legend, as in the library's
        detail (the summary screen has the full bars); hidden without power."""
        self.zone_section = QWidget()
        self.zone_caption = QLabel("TIME IN POWER ZONE")
        self.zone_caption.setProperty("role", "statLabel")
        self.zone_bars = ZoneBar()
        zone_group = QVBoxLayout(self.zone_section)
        zone_group.setContentsMargins(0, 0, 0, 0)
        zone_group.setSpacing(CAPTION_GAP_PX)
        zone_group.addWidget(self.zone_caption)
        zone_group.addWidget(self.zone_bars)

    def _build_confirm_bar(self) -> None:
        """Delete asks inline; the ride goes to the trash only when confirmed."""
        self.confirm_bar = QFrame()
        self.confirm_bar.setObjectName("ConfirmBar")
        self.confirm_bar.setAccessibleName("Confirm move to trash")
        self.confirm_label = QLabel(f"Move to trash? It stays there for {TRASH_DAYS} days.")
        self.confirm_label.setWordWrap(True)
        self.confirm_label.setAccessibleName("Question")
        self.cancel_delete_button = QPushButton("Cancel")
        self.cancel_delete_button.setAccessibleName("Keep this ride")
        self.confirm_delete_button = QPushButton("Move to trash")
        self.confirm_delete_button.setProperty("danger", True)
        self.confirm_delete_button.setProperty("solid", True)
        self.confirm_delete_button.setAccessibleName("Confirm move to trash")
        confirm_buttons = QHBoxLayout()
        confirm_buttons.setSpacing(8)
        confirm_buttons.addStretch(1)
        confirm_buttons.addWidget(self.cancel_delete_button)
        confirm_buttons.addWidget(self.confirm_delete_button)
        confirm_column = QVBoxLayout(self.confirm_bar)
        confirm_column.setContentsMargins(14, 10, 8, 8)
        confirm_column.setSpacing(8)
        confirm_column.addWidget(self.confirm_label)
        confirm_column.addLayout(confirm_buttons)
        self.confirm_bar.hide()

    def _build_button_row(self) -> None:
        self.export_fit_button = QPushButton("Export FIT…")
        self.export_fit_button.setAccessibleName("Export this ride as a FIT file")
        self.export_fit_button.setToolTip("Save as a .fit activity (Garmin, Strava, intervals.icu)")
        self.export_tcx_button = QPushButton("Export TCX…")
        self.export_tcx_button.setAccessibleName("Export this ride as a TCX file")
        self.export_tcx_button.setToolTip("Save as a .tcx activity (Training Center XML)")
        self.delete_button = QPushButton("Delete…")
        self.delete_button.setProperty("danger", True)
        self.delete_button.setAccessibleName("Move this ride to the trash")
        self.delete_button.setToolTip(f"Move to the trash (Delete); kept there {TRASH_DAYS} days")
        self.restore_button = QPushButton("Restore")
        self.restore_button.setProperty("primary", True)
        self.restore_button.setAccessibleName("Restore this ride from the trash")
        self.restore_button.setToolTip("Put this ride back in your history")
        self.restore_button.hide()
        for button in self._action_buttons():
            button.setProperty("compact", True)  # the app's look, a little narrower
        self.button_row = QWidget()
        buttons = QHBoxLayout(self.button_row)
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.setSpacing(8)
        buttons.addWidget(self.export_fit_button)
        buttons.addWidget(self.export_tcx_button)
        buttons.addStretch(1)
        buttons.addWidget(self.delete_button)
        buttons.addWidget(self.restore_button)

    def _action_buttons(self) -> tuple[QPushButton, ...]:
        return (
            self.export_fit_button,
            self.export_tcx_button,
            self.delete_button,
            self.restore_button,
        )

    # -- what it shows -------------------------------------------------------------------------
    def set_actions(self, has_ride: bool, in_trash: bool) -> None:
        """Buttons for a ride (or none): Delete in the history, Restore in the trash."""
        for button in self._action_buttons():
            button.setEnabled(has_ride)
        self.delete_button.setVisible(not in_trash)
        self.restore_button.setVisible(in_trash)

    def show_nothing(self, hint: str) -> None:
        """No ride selected; `hint` (under the heading) says what to do."""
        self.name_label.setText("No ride selected")
        self.when_label.setText(hint)
        set_chip(self.state_chip, None)
        set_chip(self.sync_chip, None)
        self._set_figures({})
        self._set_zones(())
        self._clear_chart("")

    def show_ride(self, ride: RideListingLike, loaded: LoadedRide | None, ftp_w: float) -> None:
        """`ride` with its samples and summary; `loaded` None: it could not be read."""
        self.name_label.setText(ride.workout_name)
        set_chip(self.state_chip, status_chip(ride) or COMPLETE_CHIP)
        set_chip(self.sync_chip, sync_chip(ride.sync_state))
        parts = [long_date_text(ride.started_at)]
        if loaded is not None:
            parts.append(f"moving {display.h_mm_ss(loaded.summary.moving_s)}")
            parts.append(f"FTP {round(loaded.summary.ftp_w)} W")
        self.when_label.setText(" · ".join(parts))
        if loaded is None:
            self._set_figures({})
            self._set_zones(())
            self._clear_chart("This ride could not be read.")
            return
        self._set_figures(self._texts(loaded.summary))
        self._set_zones(loaded.summary.zone_s)
        if loaded.samples:
            self._draw_chart(loaded.samples, ftp_w)
        else:
            self._clear_chart("No power was recorded in this ride.")

    def set_units(self, units: str) -> None:
        """Metric or imperial: the distance in km or miles (from the next ride shown)."""
        self._units = units
        self.figures["distance"].unit = display.distance_unit(units)

    def values(self) -> dict[str, str]:
        """The figures shown, by `summary_texts` key ({} without a ride)."""
        return dict(self._figure_texts)

    @property
    def confirming(self) -> bool:
        """The inline "Move to trash?" question is up."""
        return self.confirm_bar.isVisibleTo(self)

    def set_confirming(self, confirming: bool) -> None:
        # hide one before showing the other: both shown at once, even for a moment, can
        # grow the window past the screen's height
        hide, show = (self.button_row, self.confirm_bar)
        if not confirming:
            hide, show = show, hide
        hide.setVisible(False)
        show.setVisible(True)

    def _texts(self, summary: RideSummary) -> dict[str, str]:
        if self._summary_texts is None:  # the summary module imports pyqtgraph: load late
            from app.ui.views.summary_view import summary_texts

            self._summary_texts = summary_texts
        return self._summary_texts(summary, self._units)

    def _set_figures(self, texts: dict[str, str]) -> None:
        self._figure_texts = dict(texts)
        for key, figure in self.figures.items():
            figure.set_text(texts.get(key, display.MISSING))

    def _set_zones(self, zone_s: Sequence[int]) -> None:
        """Time in zone under the chart; hidden for a ride without any (no power)."""
        self.zone_bars.set_zone_times(tuple(zone_s))
        self.zone_section.setVisible(self.zone_bars.has_data())

    # -- the chart -----------------------------------------------------------------------------
    def _clear_chart(self, hint: str) -> None:
        self.chart_caption.setVisible(bool(hint))
        self.chart_hint.setText(hint)
        self.chart_hint.show()
        if self._chart is not None:
            self._chart.hide()

    def _draw_chart(self, samples: Sequence[Sample], ftp_w: float) -> None:
        import numpy as np

        chart = self.chart
        segments, xs, ys = moving_time_series(samples)
        profile: list[Segment] = segments
        chart.set_profile(profile, float(len(xs)), ftp_w)
        chart.set_cursor_visible(False)
        y = np.array([np.nan if v is None else v for v in ys], dtype=float)
        chart.set_trace(np.asarray(xs, dtype=float), y)
        self.chart_hint.hide()
        self.chart_caption.show()
        chart.show()

    @property
    def chart(self) -> RideChart:
        """The ride chart, built (and pyqtgraph imported) the first time it is needed."""
        if self._chart is None:
            from app.ui.widgets.ride_chart import RideChart

            self._chart = RideChart()
            self._chart.setAccessibleName("Power chart of this ride: target and actual")
            self._chart.setMinimumHeight(CHART_MIN_PX)
            self._chart.set_cursor_visible(False)
            self.chart_slot.addWidget(self._chart)
        return self._chart
