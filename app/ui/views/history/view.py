"""The History screen: past rides, newest first, and the selected ride in detail.

The list shows when each ride started (local time), the workout, moving time, TSS,
average power and where the ride is in the upload queue, as a coloured chip; a ride the
app stopped in the middle of (never queued for upload) carries an amber "Interrupted"
chip in that column instead. Discarded rides are not listed. The detail pane shows the
ride's power chart (target and actual, from its samples), its summary figures and time in
each power zone computed with `summarize(samples, ftp)` like the summary screen's (so an
old ride, stored before summaries kept zone time, has it too), FIT and TCX export, and
Delete.

Delete moves the ride to the trash after an inline question, and the notice that says so
offers Undo; "Show trash" lists the trashed rides, each with Restore. Nothing here is a
modal dialog: the export file dialog is opened with `open()`, results are inline notices.

This module assembles the page and keeps its state (the rides read, which are shown,
which one is selected); the parts live beside it: the list (ride_list, ride_table), the
detail card (detail, figures), the samples cache, the export, the trash, the notice.

Threading: `rides()` and `samples()` run on the UI thread (a listing of a few hundred
rides takes ~2 ms, a 3-hour ride's samples ~50 ms plus ~10 ms to summarize; the last few
rides shown are cached, so going back and forth costs nothing). Exports run on a
`TaskRunner`, since writing a 3-hour TCX takes ~0.3 s; their result comes back as a
notice. pyqtgraph (the chart) and numpy are imported when the first ride is shown.

Keys: Up/Down pick a ride; Delete asks to move it to the trash; Escape takes the
question back; Ctrl+Z undoes the last move to the trash.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, Qt, Signal, Slot
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.ui.ports.history import ExportKind, RideExporter, RideHistoryPort, RideListingLike
from app.ui.theme import palette
from app.ui.views.history.cache import LoadedRide, RideCache
from app.ui.views.history.chips import chip_style_rules
from app.ui.views.history.detail import RideDetail
from app.ui.views.history.export import RideExports
from app.ui.views.history.notice import ActionNotice
from app.ui.views.history.ride_list import RideListModel
from app.ui.views.history.ride_table import RideTable
from app.ui.views.history.trash import RideTrash
from app.ui.views.history.words import TRASH_DAYS, rides_word

if TYPE_CHECKING:  # loaded with the first ride shown: it imports pyqtgraph and numpy
    from app.ui.widgets.ride_chart import RideChart

__all__ = ["HIDDEN_STATES", "HistoryView"]

log = logging.getLogger(__name__)

HIDDEN_STATES = frozenset({"discarded"})  # the rider was told nothing of it would be kept


def _style() -> str:
    rules = [
        # the detail pane's buttons: the app's look, a little narrower so four fit
        'QPushButton[compact="true"] { padding: 10px 12px; }',
        "QLabel#HistoryCount { padding-top: 13px; }",  # on the title's baseline, as Library's
        f'QPushButton[danger="true"]:disabled {{ color: {palette.TEXT_DISABLED}; }}',
        *chip_style_rules(),
    ]
    return "\n".join(rules)


class HistoryView(QWidget):
    """Past rides. Signals: `ride_trashed(ride_id)`, `ride_restored(ride_id)` (from the
    trash, or undone), `exported(ride_id, path, kind)`, `export_failed(ride_id, message)`."""

    ride_trashed = Signal(str)
    ride_restored = Signal(str)
    exported = Signal(str, object, str)  # ride id, Path, "fit" | "tcx"
    export_failed = Signal(str, str)  # ride id, why

    def __init__(
        self,
        history: RideHistoryPort,
        export_ride: RideExporter,
        ftp_w: float,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("Page")
        self.setAccessibleName("Ride history")
        self.setStyleSheet(_style())
        self.history = history
        self.export_ride = export_ride
        self.ftp_w = ftp_w
        self._show_trash = False
        self._all: list[RideListingLike] = []
        self._cache = RideCache(history)
        self._shown: RideListingLike | None = None
        self._focus_after_question: QWidget | None = None
        self._build()
        self.trash = RideTrash(history, self.notice, self._reload)
        self.exports = RideExports(export_ride, self.notice, self._ride, self)
        self.exports.exported.connect(self.exported)
        self.exports.export_failed.connect(self.export_failed)
        self._bind_keys()
        self.refresh()

    # -- layout --------------------------------------------------------------------------------
    def _build(self) -> None:
        title_row = self._build_title_row()
        self.notice = ActionNotice()
        self.model = RideListModel(self)
        self.table = RideTable(self.model, max(self.fontMetrics().height() * 2 + 6, 40))
        self.table.selectionModel().currentRowChanged.connect(self._on_current_changed)
        self.empty_label = self.table.empty_label
        left = QVBoxLayout()
        left.setSpacing(12)
        left.addLayout(title_row)
        left.addWidget(self.notice)
        left.addWidget(self.table, 1)

        self.detail = RideDetail()
        self._take_detail_parts(self.detail)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 18)
        layout.setSpacing(20)
        layout.addLayout(left, 11)
        layout.addWidget(self.detail, 9)

        self.setTabOrder(self.trash_toggle, self.table)
        self.setTabOrder(self.table, self.export_fit_button)
        self.setTabOrder(self.export_fit_button, self.export_tcx_button)
        self.setTabOrder(self.export_tcx_button, self.delete_button)
        self.setTabOrder(self.delete_button, self.restore_button)
        self.setTabOrder(self.cancel_delete_button, self.confirm_delete_button)

    def _build_title_row(self) -> QHBoxLayout:
        title = QLabel("History")
        title.setProperty("role", "title")
        self.count_label = QLabel("")
        self.count_label.setProperty("role", "muted")
        self.count_label.setObjectName("HistoryCount")
        self.count_label.setAccessibleName("Number of rides shown")
        self.trash_toggle = QPushButton("Show trash")
        self.trash_toggle.setProperty("chip", True)
        self.trash_toggle.setCheckable(True)
        self.trash_toggle.setAccessibleName("Show trash")
        self.trash_toggle.setToolTip(
            f"Rides moved to the trash; each is deleted for good after {TRASH_DAYS} days"
        )
        self.trash_toggle.toggled.connect(self.set_show_trash)
        title_row = QHBoxLayout()
        title_row.setSpacing(14)
        title_row.addWidget(title)
        title_row.addWidget(self.count_label)
        title_row.addStretch(1)
        title_row.addWidget(self.trash_toggle, 0, Qt.AlignmentFlag.AlignVCenter)
        return title_row

    def _take_detail_parts(self, detail: RideDetail) -> None:
        """The detail card's parts under the page's own names (the page's API and its
        tests know them so), and its buttons wired to the page."""
        self.name_label, self.when_label = detail.name_label, detail.when_label
        self.state_chip, self.sync_chip = detail.state_chip, detail.sync_chip
        self.figures, self.chart_hint = detail.figures, detail.chart_hint
        self.zone_section, self.zone_bars = detail.zone_section, detail.zone_bars
        self.confirm_label, self.button_row = detail.confirm_label, detail.button_row
        self.cancel_delete_button = detail.cancel_delete_button
        self.confirm_delete_button = detail.confirm_delete_button
        self.export_fit_button = detail.export_fit_button
        self.export_tcx_button = detail.export_tcx_button
        self.delete_button = detail.delete_button
        self.restore_button = detail.restore_button
        self.cancel_delete_button.clicked.connect(self.cancel_delete)
        self.confirm_delete_button.clicked.connect(self.confirm_delete)
        self.export_fit_button.clicked.connect(lambda: self.choose_export_path("fit"))
        self.export_tcx_button.clicked.connect(lambda: self.choose_export_path("tcx"))
        self.delete_button.clicked.connect(self.ask_delete)
        self.restore_button.clicked.connect(self.restore_selected)

    def _bind_keys(self) -> None:
        for key, slot in (
            (QKeySequence(Qt.Key.Key_Delete), self.ask_delete),
            (QKeySequence(Qt.Key.Key_Escape), self.cancel_delete),
            (QKeySequence.StandardKey.Undo, self.undo_delete),
        ):
            shortcut = QShortcut(key, self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)

    # -- the list ------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Re-read the rides (after a ride, an upload, a trash), keeping the selection."""
        if self._read():
            self._show_list()

    def _read(self) -> bool:
        try:
            rides = list(self.history.rides(include_trash=True))
        except Exception as exc:  # a broken rides.db must not take the screen down
            log.exception("could not list rides")
            self.notice.show_message("error", f"Could not read your rides: {exc}")
            return False
        rides = [r for r in rides if r.state not in HIDDEN_STATES]
        rides.sort(key=lambda r: (r.started_at.timestamp(), r.id), reverse=True)
        self._all = rides
        self._cache.keep_only(rides)
        return True

    @property
    def show_trash(self) -> bool:
        return self._show_trash

    @Slot(bool)
    def set_show_trash(self, shown: bool) -> None:
        """List the trashed rides (with Restore) instead of the others."""
        if self.trash_toggle.isChecked() != shown:
            self.trash_toggle.setChecked(shown)  # -> here again
            return
        if shown == self._show_trash:
            return
        self._show_trash = shown
        self.detail.set_confirming(False)
        self._show_list(keep=False)

    def _show_list(self, keep: bool = True, row_hint: int = 0) -> None:
        keep_id = self._shown.id if keep and self._shown is not None else None
        shown = [r for r in self._all if r.trashed == self._show_trash]
        trashed = sum(1 for r in self._all if r.trashed)
        self.model.set_rides(shown)
        if self._show_trash:
            self.count_label.setText(f"{rides_word(len(shown))} in the trash")
        else:
            self.count_label.setText(rides_word(len(shown)))
        self.trash_toggle.setText(f"Show trash ({trashed})" if trashed else "Show trash")
        row = self.model.row_of(keep_id) if keep_id is not None else None
        if row is None and shown:
            row = min(max(row_hint, 0), len(shown) - 1)
        if row is not None:
            self.select_row(row)
        else:
            self._show_detail(None)
        self.table.show_empty_hint("" if shown else self._empty_text())

    def _empty_text(self) -> str:
        if self._show_trash:
            return f"The trash is empty.\nDeleted rides stay here for {TRASH_DAYS} days."
        return "No rides yet.\nYour rides appear here when you finish them."

    def visible_rides(self) -> list[RideListingLike]:
        return self.model.rides()

    def select_row(self, row: int) -> None:
        self.table.select_row(row)
        if self._shown is None or self._shown is not self.model.ride(row):
            self._show_detail(self.model.ride(row))  # the same row again after a reset

    def select_ride(self, ride_id: str) -> bool:
        """Select a ride by id; False if it is not in the list shown (trash or not)."""
        row = self.model.row_of(ride_id)
        if row is None:
            return False
        self.select_row(row)
        return True

    def selected_ride(self) -> RideListingLike | None:
        return self._shown

    @Slot(QModelIndex, QModelIndex)
    def _on_current_changed(self, current: QModelIndex, previous: QModelIndex) -> None:
        ride = self.model.ride(current.row()) if current.isValid() else None
        if ride is self._shown:
            return
        if ride is None or self._shown is None or ride.id != self._shown.id:
            self.detail.set_confirming(False)  # a refresh of the same ride keeps the question
        self._show_detail(ride)

    def _ride(self, ride_id: str) -> RideListingLike | None:
        return next((r for r in self._all if r.id == ride_id), None)

    # -- the detail ----------------------------------------------------------------------------
    def set_ftp(self, ftp_w: float) -> None:
        """The FTP the figures (IF, TSS) are computed with; shown again at once."""
        if ftp_w == self.ftp_w:
            return
        self.ftp_w = ftp_w
        self._cache.clear()
        self._show_detail(self._shown)

    def set_units(self, units: str) -> None:
        """Metric or imperial: the distance in km or miles (from the next ride shown)."""
        self.detail.set_units(units)

    def detail_values(self) -> dict[str, str]:
        """The figures the detail pane shows, by `summary_texts` key ({} without a ride)."""
        return self.detail.values()

    @property
    def chart(self) -> RideChart:
        """The detail's ride chart (built, and pyqtgraph imported, when first asked for)."""
        return self.detail.chart

    def _ftp_of(self, ride: RideListingLike) -> float:
        ftp = getattr(ride, "ftp_w", None)  # a listing that knows the ride's own FTP wins
        return float(ftp) if isinstance(ftp, int | float) and ftp > 0 else self.ftp_w

    def _load(self, ride: RideListingLike) -> LoadedRide | None:
        try:
            return self._cache.load(ride, self._ftp_of(ride))
        except Exception as exc:
            log.exception("could not read ride %s", ride.id)
            self.notice.show_message("error", f"Could not read “{ride.workout_name}”: {exc}")
            return None

    def _show_detail(self, ride: RideListingLike | None) -> None:
        self._shown = ride
        self.detail.set_actions(ride is not None, self._show_trash)
        if ride is not None:
            self.detail.show_ride(ride, self._load(ride), self._ftp_of(ride))
        elif not self.model.rowCount():
            self.detail.show_nothing("")
        elif self._show_trash:
            self.detail.show_nothing("Pick a ride in the trash to restore it.")
        else:
            self.detail.show_nothing("Pick a ride on the left to see its chart and figures.")

    # -- export --------------------------------------------------------------------------------
    def choose_export_path(self, kind: ExportKind) -> None:
        """Ask where to save the selected ride as `kind` (a non-blocking file dialog)."""
        if self._shown is not None:
            self.exports.choose_path(self._shown, kind)

    def export_to(self, path: Path, kind: ExportKind, ride_id: str | None = None) -> bool:
        """Write a ride (the selected one by default) to `path` on the export thread; the
        notice says how it went. False if there is no such ride in the list."""
        ride = self._ride(ride_id) if ride_id is not None else self._shown
        if ride is None:
            return False
        self.exports.export(ride, path, kind)
        return True

    @property
    def exporting(self) -> bool:
        return self.exports.busy

    def wait_for_exports(self, timeout_s: float) -> bool:
        """Block until running exports are written (closing the app); False on timeout."""
        return self.exports.runner.wait(timeout_s)

    @property
    def export_dir(self) -> Path:
        """Where the export dialog opens: the folder of the last export."""
        return self.exports.directory

    @export_dir.setter
    def export_dir(self, folder: Path) -> None:
        self.exports.directory = folder

    @property
    def export_dialog(self) -> QFileDialog | None:
        """The export file dialog while it is open (tests)."""
        return self.exports.dialog

    # -- delete, undo, restore -----------------------------------------------------------------
    @Slot()
    def ask_delete(self) -> None:
        """Show the inline "Move to trash?" question for the selected ride."""
        if self._shown is None or self._show_trash:
            return
        back = QApplication.focusWidget()
        self._focus_after_question = self.table if back is not self.delete_button else back
        self.detail.set_confirming(True)
        self.cancel_delete_button.setFocus()

    @property
    def confirming(self) -> bool:
        """The inline "Move to trash?" question is up."""
        return self.detail.confirming

    @Slot()
    def cancel_delete(self) -> None:
        if self.confirming:
            self.detail.set_confirming(False)
            (self._focus_after_question or self.table).setFocus()

    @Slot()
    def confirm_delete(self) -> None:
        ride = self._shown
        self.detail.set_confirming(False)
        if ride is None or self._show_trash:
            return
        if self.trash.move(ride, self.model.row_of(ride.id) or 0, self.undo_delete):
            self.table.setFocus()
            self.ride_trashed.emit(ride.id)

    @property
    def can_undo(self) -> bool:
        return self.trash.undo_id is not None

    @Slot()
    def undo_delete(self) -> None:
        """Put the ride last moved to the trash back, and select it."""
        ride_id = self.trash.take_undo()
        if ride_id is not None and self._restore(ride_id):
            self.set_show_trash(False)
            self.select_ride(ride_id)
            self.table.setFocus()

    @Slot()
    def restore_selected(self) -> None:
        """Restore the ride selected in the trash."""
        ride = self._shown
        if ride is not None and ride.trashed:
            self._restore(ride.id, row_hint=self.model.row_of(ride.id) or 0)

    def _restore(self, ride_id: str, row_hint: int = 0) -> bool:
        ride = self._ride(ride_id)
        name = ride.workout_name if ride is not None else "the ride"
        if not self.trash.restore(ride_id, name, row_hint):
            return False
        self.ride_restored.emit(ride_id)
        return True

    def _reload(self, row_hint: int) -> None:
        """refresh(), but a ride that left the list gives its place to its neighbour."""
        if self._read():
            self._shown = None
            self._show_list(keep=False, row_hint=row_hint)
