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

Threading: `rides()` and `samples()` run on the UI thread (a listing of a few hundred
rides takes ~2 ms, a 3-hour ride's samples ~50 ms plus ~10 ms to summarize; the last few
rides shown are cached, so going back and forth costs nothing). Exports run on the view's
own one-thread pool, since writing a 3-hour TCX takes ~0.3 s; their result comes back as
a notice. pyqtgraph (the chart) and numpy are imported when the first ride is shown.

Keys: Up/Down pick a ride; Delete asks to move it to the trash; Escape takes the
question back; Ctrl+Z undoes the last move to the trash.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import IntEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    QRectF,
    QRunnable,
    Qt,
    QThreadPool,
    Signal,
    Slot,
)
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QKeySequence,
    QPainter,
    QPen,
    QResizeEvent,
    QShortcut,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.core.ride.samples import RideSummary, Sample, summarize
from app.ui import display
from app.ui.ports.history import ExportKind, RideExporter, RideHistoryPort, RideListingLike
from app.ui.theme import palette
from app.ui.theme.style import set_style_property
from app.ui.widgets.profile_widget import ZoneBar

if TYPE_CHECKING:  # loaded with the first ride shown: they import pyqtgraph and numpy
    from app.ui.widgets.ride_chart import RideChart, Segment

log = logging.getLogger(__name__)

TRASH_DAYS = 30
CACHED_RIDES = 6
HIDDEN_STATES = frozenset({"discarded"})  # the rider was told nothing of it would be kept

# chip tone -> (background, border, text)
TONES: dict[str, tuple[str, str, str]] = {
    "good": ("#0f2a1c", "#2f8f5a", "#8ee6b0"),
    "info": ("#10253a", palette.TARGET_DIM, "#8cc8ff"),
    "warning": ("#3a2a0c", "#8a6a1f", "#ffd27a"),
    "danger": ("#3b1518", "#a8403d", "#ff9c99"),
    "muted": (palette.SURFACE_RAISED, palette.BORDER, palette.TEXT_MUTED),
}
# sync_state -> (chip text, tone, what it means)
SYNC_CHIPS: dict[str, tuple[str, str, str]] = {
    "uploaded": ("Uploaded", "good", "Uploaded to your account"),
    "waiting": ("Waiting", "info", "Waiting to upload: it goes when the server can be reached"),
    "failed": (
        "Upload failed",
        "danger",
        "The server refused it; it stays on this computer and can be exported",
    ),
    "not queued": ("Not synced", "muted", "Kept on this computer only"),
}
INTERRUPTED_CHIP = ("Interrupted", "warning", "The app stopped during this ride")
TRASHED_CHIP = ("In trash", "muted", f"Deleted for good {TRASH_DAYS} days after it was trashed")
COMPLETE_CHIP = ("Complete", "muted", "Ridden to the end, or finished early")

EXPORT_FORMATS: dict[str, tuple[str, str]] = {
    "fit": ("FIT", "FIT activity (*.fit)"),
    "tcx": ("TCX", "Training Center XML (*.tcx)"),
}

# summary_texts key, label, unit, accent colour (as the summary screen's tiles)
FIGURES: tuple[tuple[str, str, str, str], ...] = (
    ("duration", "Duration", "", palette.TEXT),
    ("avg_power", "Avg power", "W", palette.ACTUAL),
    ("np", "NP", "W", palette.ACTUAL),
    ("max_power", "Max power", "W", palette.TEXT),
    ("tss", "TSS", "", palette.TARGET),
    ("intensity_factor", "IF", "", palette.TARGET),
    ("work", "Work", "kJ", palette.TEXT),
    ("distance", "Distance", "km", palette.TEXT),
    ("avg_hr", "Avg HR", "bpm", palette.HEART),
    ("avg_cadence", "Avg cadence", "rpm", palette.CADENCE),
)
FIGURE_COLUMNS = 4
CHART_MIN_PX = 140  # with the time in zone and the delete question under it, the
CAPTION_GAP_PX = 4  # detail still fits a 1280x800 window
_LONG_NAMES = {
    "duration": "Elapsed time",
    "avg_power": "Average power",
    "np": "Normalized power",
    "max_power": "Maximum power",
    "intensity_factor": "Intensity factor",
    "tss": "Training stress score",
    "avg_hr": "Average heart rate",
    "avg_cadence": "Average cadence",
}
_UNSAFE_IN_NAMES = set('<>:"/\\|?*')


def _style() -> str:
    rules = [
        # the detail pane's buttons: the app's look, a little narrower so four fit
        'QPushButton[compact="true"] { padding: 10px 12px; }',
        "QLabel#HistoryCount { padding-top: 13px; }",  # on the title's baseline, as Library's
        f'QPushButton[danger="true"]:disabled {{ color: {palette.TEXT_DISABLED}; }}',
    ]
    for tone, (background, border, text) in TONES.items():
        rules.append(
            f'QLabel[role="chip"][tone="{tone}"] {{ background: {background}; '
            f"border: 1px solid {border}; color: {text}; }}"
        )
    return "\n".join(rules)


# -- text --------------------------------------------------------------------------------------
def local_time(when: datetime) -> datetime:
    return when.astimezone() if when.tzinfo is not None else when


def long_date_text(started_at: datetime, now: datetime | None = None) -> str:
    """'Fri 14 Mar, 07:12' in local time, the year too when it is not this year's."""
    local = local_time(started_at)
    year = "" if local.year == local_time(now or datetime.now().astimezone()).year else " %Y"
    return local.strftime(f"%a {local.day} %b{year}, %H:%M")


def export_file_name(listing: RideListingLike, kind: ExportKind) -> str:
    """'2025-03-14 Sweet Spot 3x15.fit': the local date and the workout, safe on any disk."""
    name = "".join(" " if c in _UNSAFE_IN_NAMES or ord(c) < 32 else c for c in listing.workout_name)
    name = " ".join(name.split()).strip(". ") or "Ride"
    return f"{local_time(listing.started_at):%Y-%m-%d} {name}.{kind}"


def sync_chip(sync_state: str) -> tuple[str, str, str]:
    return SYNC_CHIPS.get(sync_state, (sync_state.capitalize() or "Unknown", "muted", ""))


def status_chip(listing: RideListingLike) -> tuple[str, str, str] | None:
    """The detail pane's state chip for a ride that is not simply complete."""
    if listing.trashed:
        return TRASHED_CHIP
    if listing.state == "interrupted":
        return INTERRUPTED_CHIP
    return None


def rides_word(count: int) -> str:
    return f"{count} ride{'' if count == 1 else 's'}"


# -- the chart's data --------------------------------------------------------------------------
def chart_series(
    samples: Sequence[Sample],
) -> tuple[list[tuple[float, float, float | None]], list[float], list[float | None]]:
    """(target segments, x, actual power) over moving time: paused seconds are left out,
    a dropout second is a gap. Segments are runs of one target (None = no target)."""
    segments: list[tuple[float, float, float | None]] = []
    xs: list[float] = []
    ys: list[float | None] = []
    t = 0
    for sample in samples:
        if sample.paused:
            continue
        target = None if sample.target_w is None else float(sample.target_w)
        if segments and segments[-1][2] == target and segments[-1][1] == t:
            segments[-1] = (segments[-1][0], t + 1.0, target)
        else:
            segments.append((float(t), t + 1.0, target))
        xs.append(float(t))
        ys.append(None if sample.no_data else sample.power_w)
        t += 1
    return segments, xs, ys


# -- the list ----------------------------------------------------------------------------------
class Column(IntEnum):
    DATE = 0
    WORKOUT = 1
    DURATION = 2
    TSS = 3
    POWER = 4
    STATUS = 5


_HEADERS = {
    Column.DATE: "Date",
    Column.WORKOUT: "Workout",
    Column.DURATION: "Time",
    Column.TSS: "TSS",
    Column.POWER: "Avg W",
    Column.STATUS: "Sync",
}
_HEADER_TIPS = {
    Column.DATE: "When the ride started (local time)",
    Column.DURATION: "Moving time",
    Column.TSS: "Training stress score",
    Column.POWER: "Average power",
    Column.STATUS: "Upload to your account; an interrupted ride is marked here",
}
_COLUMN_WIDTHS = (
    (Column.DATE, 112),
    (Column.DURATION, 54),
    (Column.TSS, 46),
    (Column.POWER, 60),
    (Column.STATUS, 126),
)
LISTING_ROLE = int(Qt.ItemDataRole.UserRole) + 1
CHIP_ROLE = int(Qt.ItemDataRole.UserRole) + 2  # (text, tone, tip) of the Sync column
LINES_ROLE = int(Qt.ItemDataRole.UserRole) + 3  # (first line, second line) of the Date column


def date_lines(started_at: datetime, now: datetime | None = None) -> tuple[str, str]:
    """('Fri 14 Mar', '07:12') in local time; ('Fri 14 Mar', '2024 · 07:12') another year."""
    local = local_time(started_at)
    this_year = local.year == local_time(now or datetime.now().astimezone()).year
    return local.strftime(f"%a {local.day} %b"), local.strftime(
        "%H:%M" if this_year else "%Y · %H:%M"
    )


def list_chip(ride: RideListingLike) -> tuple[str, str, str]:
    """The Sync column's chip: an interrupted ride (never queued for upload) says so,
    every other ride says where its upload is."""
    if ride.state == "interrupted":
        return INTERRUPTED_CHIP
    return sync_chip(ride.sync_state)


class RideListModel(QAbstractTableModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rides: list[RideListingLike] = []

    def set_rides(self, rides: list[RideListingLike]) -> None:
        self.beginResetModel()
        self._rides = list(rides)
        self.endResetModel()

    def rides(self) -> list[RideListingLike]:
        return list(self._rides)

    def ride(self, row: int) -> RideListingLike | None:
        return self._rides[row] if 0 <= row < len(self._rides) else None

    def row_of(self, ride_id: str) -> int | None:
        return next((i for i, r in enumerate(self._rides) if r.id == ride_id), None)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex | None = None) -> int:
        return 0 if parent is not None and parent.isValid() else len(self._rides)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex | None = None) -> int:
        return 0 if parent is not None and parent.isValid() else len(Column)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(Column):
            return None
        column = Column(section)
        if role == Qt.ItemDataRole.DisplayRole:
            return _HEADERS[column].upper()
        if role == Qt.ItemDataRole.ToolTipRole:
            return _HEADER_TIPS.get(column)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _alignment(column)
        return None

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        ride = self.ride(index.row()) if index.isValid() else None
        if ride is None:
            return None
        column = Column(index.column())
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return _cell_text(ride, column)
        if role == LISTING_ROLE:
            return ride
        if role == CHIP_ROLE:
            return list_chip(ride) if column == Column.STATUS else None
        if role == LINES_ROLE:
            return date_lines(ride.started_at) if column == Column.DATE else None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _alignment(column)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == Column.STATUS:
                return list_chip(ride)[2]
            if column == Column.DATE:
                return long_date_text(ride.started_at)
            return ride.workout_name if column == Column.WORKOUT else None
        return None


def _cell_text(ride: RideListingLike, column: Column) -> str:
    if column == Column.DATE:
        return long_date_text(ride.started_at)
    if column == Column.WORKOUT:
        return ride.workout_name
    if column == Column.DURATION:
        return display.h_mm(ride.moving_s)
    if column == Column.TSS:
        return display.whole(ride.tss)
    if column == Column.POWER:
        return display.whole(ride.avg_power_w)
    return list_chip(ride)[0]


def _alignment(column: Column) -> Qt.AlignmentFlag:
    if column in (Column.DURATION, Column.TSS, Column.POWER):
        return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
    return Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter


def chip_font(base: QFont) -> QFont:
    font = QFont(base)
    font.setPointSizeF(9.5)
    font.setWeight(QFont.Weight.DemiBold)
    return font


def paint_chip(painter: QPainter, rect: QRect, text: str, tone: str, font: QFont) -> None:
    """A rounded chip at the left of `rect`, vertically centred (the style sheet's
    chip look, for a table cell)."""
    background, border, colour = TONES.get(tone, TONES["muted"])
    metrics = QFontMetrics(font)
    height = metrics.height() + 6
    width = min(metrics.horizontalAdvance(text) + 16, rect.width())
    box = QRectF(rect.left() + 0.5, rect.center().y() - height / 2 + 1, width, height)
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.setPen(QPen(QColor(border), 1))
    painter.setBrush(QColor(background))
    painter.drawRoundedRect(box, height / 2, height / 2)
    painter.setFont(font)
    painter.setPen(QColor(colour))
    painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)
    painter.restore()


class _CellDelegate(QStyledItemDelegate):
    """Paints the Date column on two lines (day, then time) and the Sync column as a chip;
    the item background (selection, hover) comes from the style sheet as elsewhere."""

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        widget = opt.widget
        style = widget.style() if widget is not None else None
        if style is None:
            super().paint(painter, option, index)
            return
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        rect = opt.rect.adjusted(10, 0, -6, 0)
        chip = index.data(CHIP_ROLE)
        if chip:
            box = opt.rect.adjusted(6, 0, -4, 0)
            paint_chip(painter, box, chip[0], chip[1], chip_font(opt.font))
            return
        lines = index.data(LINES_ROLE)
        if not lines:
            return
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        small = QFont(opt.font)
        small.setPointSizeF(max(opt.font.pointSizeF() - 1.5, 9.0))
        top_h = QFontMetrics(opt.font).height()
        bottom_h = QFontMetrics(small).height()
        y = rect.top() + (rect.height() - top_h - bottom_h) // 2
        painter.save()
        painter.setFont(opt.font)
        painter.setPen(QColor("#ffffff" if selected else palette.TEXT))
        left = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        painter.drawText(QRect(rect.left(), y, rect.width(), top_h), left, lines[0])
        painter.setFont(small)
        painter.setPen(QColor("#c9d6e4" if selected else palette.TEXT_MUTED))
        painter.drawText(QRect(rect.left(), y + top_h, rect.width(), bottom_h), left, lines[1])
        painter.restore()


# -- small parts -------------------------------------------------------------------------------
def _chip_label(name: str) -> QLabel:
    label = QLabel("")
    label.setProperty("role", "chip")
    label.setProperty("tone", "muted")
    label.setAccessibleName(name)
    return label


def _set_chip(label: QLabel, chip: tuple[str, str, str] | None) -> None:
    label.setVisible(chip is not None)
    if chip is None:
        return
    text, tone, tip = chip
    label.setText(text)
    label.setToolTip(tip)
    label.setAccessibleDescription(f"{text}. {tip}" if tip else text)
    set_style_property(label, "tone", tone)


class _Figure(QWidget):
    """One summary figure: a large number, a small unit, a caption under it."""

    def __init__(self, label: str, unit: str, colour: str, name: str) -> None:
        super().__init__()
        self.unit = unit
        self.colour = colour
        self.text = display.MISSING
        self.value = QLabel("")
        self.value.setTextFormat(Qt.TextFormat.RichText)
        self.value.setAccessibleName(name)
        caption = QLabel(label.upper())
        caption.setProperty("role", "statLabel")
        if name != label:
            caption.setToolTip(name)
            self.value.setToolTip(name)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.value)
        layout.addWidget(caption)
        self.set_text(display.MISSING)

    def set_text(self, text: str) -> None:
        self.text = text
        missing = text == display.MISSING
        colour = palette.TEXT_MUTED if missing else self.colour
        unit = (
            ""
            if missing or not self.unit
            else (
                f" <span style='font-size:10pt; font-weight:600; color:{palette.TEXT_MUTED}'>"
                f"{self.unit}</span>"
            )
        )
        self.value.setText(
            f"<span style='font-size:16pt; font-weight:700; color:{colour}'>{text}</span>{unit}"
        )
        self.value.setAccessibleDescription(f"{text} {self.unit}".strip())


class _Notice(QFrame):
    """An inline message above the list (the library's notice look), with an optional
    action button (Undo). Kinds: "busy", "success", "warning", "error"."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("Notice")
        self.setProperty("kind", "success")
        self.setAccessibleName("Notice")
        self.text = QLabel("")
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.text.setAccessibleName("Notice text")
        self.action_button = QPushButton("")
        self.action_button.setProperty("link", True)
        self.action_button.clicked.connect(self._on_action)
        self.close_button = QPushButton("✕")
        self.close_button.setProperty("link", True)
        self.close_button.setToolTip("Close")
        self.close_button.setAccessibleName("Close notice")
        self.close_button.clicked.connect(self.dismiss)
        row = QHBoxLayout(self)
        row.setContentsMargins(14, 7, 8, 7)
        row.setSpacing(8)
        row.addWidget(self.text, 1)
        row.addWidget(self.action_button, 0, Qt.AlignmentFlag.AlignVCenter)
        row.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignVCenter)
        self._action: Any = None
        self.hide()

    @property
    def kind(self) -> str:
        return str(self.property("kind"))

    def show_message(
        self, kind: str, text: str, action_text: str = "", action: Any = None, tip: str = ""
    ) -> None:
        if self.property("kind") != kind:
            set_style_property(self, "kind", kind)
            for child in self.findChildren(QWidget):  # their colours follow the kind
                child.style().unpolish(child)
                child.style().polish(child)
        self.text.setText(text)
        self.text.setToolTip(tip)
        self._action = action
        self.action_button.setText(action_text)
        self.action_button.setAccessibleName(action_text)
        self.action_button.setVisible(bool(action_text) and action is not None)
        self.close_button.setVisible(kind != "busy")
        self.setAccessibleDescription(text)
        self.show()

    @Slot()
    def dismiss(self) -> None:
        self._action = None
        self.hide()

    @Slot()
    def _on_action(self) -> None:
        action, self._action = self._action, None
        if action is not None:
            action()


# -- export on a worker thread -----------------------------------------------------------------
class _ExportSignals(QObject):
    done = Signal(str, object, str, str)  # ride id, path, kind, error ("" = written)


class _ExportJob(QRunnable):
    def __init__(
        self,
        export_ride: RideExporter,
        ride_id: str,
        path: Path,
        kind: ExportKind,
        signals: _ExportSignals,
    ) -> None:
        super().__init__()
        self.export_ride = export_ride
        self.ride_id = ride_id
        self.path = path
        self.kind: ExportKind = kind
        self.signals = signals

    def run(self) -> None:  # on the worker thread; never raises into the pool
        message = ""
        try:
            self.export_ride(self.ride_id, self.path, self.kind)
        except Exception as exc:
            if not isinstance(exc, OSError | ValueError | KeyError):
                log.exception("export of ride %s failed", self.ride_id)
            strerror = exc.strerror if isinstance(exc, OSError) else None
            message = strerror or str(exc) or type(exc).__name__
        try:
            self.signals.done.emit(self.ride_id, self.path, self.kind, message)
        except RuntimeError:  # the view is gone (the app closed): nobody to tell
            log.debug("export of ride %s finished after its view closed", self.ride_id)


@dataclass(frozen=True, slots=True)
class _Loaded:
    samples: list[Sample]
    summary: RideSummary


# -- the view ----------------------------------------------------------------------------------
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
        self.export_dir: Path = Path.home()
        self.export_dialog: QFileDialog | None = None  # the open one, for tests
        self._show_trash = False
        self._all: list[RideListingLike] = []
        self._cache: OrderedDict[tuple[str, str, int], _Loaded] = OrderedDict()
        self._shown: RideListingLike | None = None
        self._undo_id: str | None = None
        self._chart: RideChart | None = None
        self._summary_texts: Any = None
        self._units = "metric"
        self._figure_texts: dict[str, str] = {}
        self._exporting = 0
        self._focus_after_question: QWidget | None = None
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._export_signals = _ExportSignals(self)  # on the UI thread: emissions are queued
        self._export_signals.done.connect(self._on_export_done)
        self._build()
        self._bind_keys()
        self.refresh()

    # -- layout --------------------------------------------------------------------------------
    def _build(self) -> None:
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

        self.notice = _Notice()

        self.model = RideListModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Past rides")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.setTabKeyNavigation(False)
        self.delegate = _CellDelegate(self.table)
        self.table.setItemDelegateForColumn(Column.DATE, self.delegate)
        self.table.setItemDelegateForColumn(Column.STATUS, self.delegate)
        rows = self.table.verticalHeader()
        rows.hide()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(max(self.fontMetrics().height() * 2 + 6, 40))
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(Column.WORKOUT, QHeaderView.ResizeMode.Stretch)
        for column, width in _COLUMN_WIDTHS:
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
            header.resizeSection(column, width)
        self.table.selectionModel().currentRowChanged.connect(self._on_current_changed)
        self.empty_label = QLabel("", self.table.viewport())
        self.empty_label.setProperty("role", "muted")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.empty_label.hide()

        left = QVBoxLayout()
        left.setSpacing(12)
        left.addLayout(title_row)
        left.addWidget(self.notice)
        left.addWidget(self.table, 1)

        self.detail_card = QFrame()
        self.detail_card.setObjectName("Card")
        self.detail_card.setAccessibleName("Ride details")
        self._build_detail(self.detail_card)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 18)
        layout.setSpacing(20)
        layout.addLayout(left, 11)
        layout.addWidget(self.detail_card, 9)

        self.setTabOrder(self.trash_toggle, self.table)
        self.setTabOrder(self.table, self.export_fit_button)
        self.setTabOrder(self.export_fit_button, self.export_tcx_button)
        self.setTabOrder(self.export_tcx_button, self.delete_button)
        self.setTabOrder(self.delete_button, self.restore_button)
        self.setTabOrder(self.cancel_delete_button, self.confirm_delete_button)

    def _build_detail(self, card: QFrame) -> None:
        self.name_label = QLabel("")
        self.name_label.setProperty("role", "title")
        self.name_label.setWordWrap(True)
        self.name_label.setAccessibleName("Workout name")
        self.when_label = QLabel("")
        self.when_label.setProperty("role", "subtitle")
        self.when_label.setWordWrap(True)
        self.when_label.setAccessibleName("When and how the ride went")
        self.state_chip = _chip_label("Ride state")
        self.sync_chip = _chip_label("Sync state")
        chips = QHBoxLayout()
        chips.setSpacing(8)
        chips.addWidget(self.state_chip)
        chips.addWidget(self.sync_chip)
        chips.addStretch(1)

        self.figures: dict[str, _Figure] = {}
        grid = QGridLayout()
        grid.setHorizontalSpacing(14)
        grid.setVerticalSpacing(10)
        for i, (key, label, unit, colour) in enumerate(FIGURES):
            figure = _Figure(label, unit, colour, _LONG_NAMES.get(key, label))
            self.figures[key] = figure
            grid.addWidget(figure, i // FIGURE_COLUMNS, i % FIGURE_COLUMNS)
        for column in range(FIGURE_COLUMNS):
            grid.setColumnStretch(column, 1)

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

        # time in zone under the chart: one stacked bar with a legend, as in the library's
        # detail (the summary screen has the full bars); hidden without power
        self.zone_section = QWidget()
        self.zone_caption = QLabel("TIME IN POWER ZONE")
        self.zone_caption.setProperty("role", "statLabel")
        self.zone_bars = ZoneBar()
        zone_group = QVBoxLayout(self.zone_section)
        zone_group.setContentsMargins(0, 0, 0, 0)
        zone_group.setSpacing(CAPTION_GAP_PX)
        zone_group.addWidget(self.zone_caption)
        zone_group.addWidget(self.zone_bars)

        # delete: asks inline; the ride goes to the trash only when confirmed
        self.confirm_bar = QFrame()
        self.confirm_bar.setObjectName("ConfirmBar")
        self.confirm_bar.setAccessibleName("Confirm move to trash")
        self.confirm_label = QLabel(f"Move to trash? It stays there for {TRASH_DAYS} days.")
        self.confirm_label.setWordWrap(True)
        self.confirm_label.setAccessibleName("Question")
        self.cancel_delete_button = QPushButton("Cancel")
        self.cancel_delete_button.setAccessibleName("Keep this ride")
        self.cancel_delete_button.clicked.connect(self.cancel_delete)
        self.confirm_delete_button = QPushButton("Move to trash")
        self.confirm_delete_button.setProperty("danger", True)
        self.confirm_delete_button.setProperty("solid", True)
        self.confirm_delete_button.setAccessibleName("Confirm move to trash")
        self.confirm_delete_button.clicked.connect(self.confirm_delete)
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

        self.export_fit_button = QPushButton("Export FIT…")
        self.export_fit_button.setAccessibleName("Export this ride as a FIT file")
        self.export_fit_button.setToolTip("Save as a .fit activity (Garmin, Strava, intervals.icu)")
        self.export_fit_button.clicked.connect(lambda: self.choose_export_path("fit"))
        self.export_tcx_button = QPushButton("Export TCX…")
        self.export_tcx_button.setAccessibleName("Export this ride as a TCX file")
        self.export_tcx_button.setToolTip("Save as a .tcx activity (Training Center XML)")
        self.export_tcx_button.clicked.connect(lambda: self.choose_export_path("tcx"))
        self.delete_button = QPushButton("Delete…")
        self.delete_button.setProperty("danger", True)
        self.delete_button.setAccessibleName("Move this ride to the trash")
        self.delete_button.setToolTip(f"Move to the trash (Delete); kept there {TRASH_DAYS} days")
        self.delete_button.clicked.connect(self.ask_delete)
        self.restore_button = QPushButton("Restore")
        self.restore_button.setProperty("primary", True)
        self.restore_button.setAccessibleName("Restore this ride from the trash")
        self.restore_button.setToolTip("Put this ride back in your history")
        self.restore_button.clicked.connect(self.restore_selected)
        self.restore_button.hide()
        for button in (
            self.export_fit_button,
            self.export_tcx_button,
            self.delete_button,
            self.restore_button,
        ):
            button.setProperty("compact", True)
        self.button_row = QWidget()
        buttons = QHBoxLayout(self.button_row)
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.setSpacing(8)
        buttons.addWidget(self.export_fit_button)
        buttons.addWidget(self.export_tcx_button)
        buttons.addStretch(1)
        buttons.addWidget(self.delete_button)
        buttons.addWidget(self.restore_button)

        layout = QVBoxLayout(card)
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
        live = {_cache_key(r) for r in rides}
        for key in [k for k in self._cache if k not in live]:
            del self._cache[key]
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
        self._set_confirming(False)
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
        self._show_empty_hint(not shown)

    def _show_empty_hint(self, empty: bool) -> None:
        if empty:
            self.empty_label.setText(
                f"The trash is empty.\nDeleted rides stay here for {TRASH_DAYS} days."
                if self._show_trash
                else "No rides yet.\nYour rides appear here when you finish them."
            )
            self.empty_label.setGeometry(self.table.viewport().rect().adjusted(20, 40, -20, 0))
            self.empty_label.setFixedHeight(60)
        self.empty_label.setVisible(empty)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.empty_label.isVisible():
            self._show_empty_hint(True)

    def visible_rides(self) -> list[RideListingLike]:
        return self.model.rides()

    def select_row(self, row: int) -> None:
        index = self.model.index(row, 0)
        self.table.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.table.scrollTo(index, QAbstractItemView.ScrollHint.EnsureVisible)
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
            self._set_confirming(False)  # a refresh of the same ride keeps the question up
        self._show_detail(ride)

    # -- the detail ----------------------------------------------------------------------------
    def set_ftp(self, ftp_w: float) -> None:
        """The FTP the figures (IF, TSS) are computed with; shown again at once."""
        if ftp_w == self.ftp_w:
            return
        self.ftp_w = ftp_w
        self._cache.clear()
        self._show_detail(self._shown)

    def _ftp_of(self, ride: RideListingLike) -> float:
        ftp = getattr(ride, "ftp_w", None)  # a listing that knows the ride's own FTP wins
        return float(ftp) if isinstance(ftp, int | float) and ftp > 0 else self.ftp_w

    def _load(self, ride: RideListingLike) -> _Loaded | None:
        key = _cache_key(ride)
        loaded = self._cache.get(key)
        if loaded is not None:
            self._cache.move_to_end(key)
            return loaded
        try:
            samples = list(self.history.samples(ride.id))
        except Exception as exc:
            log.exception("could not read ride %s", ride.id)
            self.notice.show_message("error", f"Could not read “{ride.workout_name}”: {exc}")
            return None
        loaded = _Loaded(samples, summarize(samples, self._ftp_of(ride)))
        self._cache[key] = loaded
        while len(self._cache) > CACHED_RIDES:
            self._cache.popitem(last=False)
        return loaded

    def _show_detail(self, ride: RideListingLike | None) -> None:
        self._shown = ride
        has_ride = ride is not None
        for button in (self.export_fit_button, self.export_tcx_button, self.delete_button):
            button.setEnabled(has_ride)
        self.restore_button.setEnabled(has_ride)
        self.delete_button.setVisible(not self._show_trash)
        self.restore_button.setVisible(self._show_trash)
        if ride is None:
            self.name_label.setText("No ride selected")
            if not self.model.rowCount():
                self.when_label.setText("")
            elif self._show_trash:
                self.when_label.setText("Pick a ride in the trash to restore it.")
            else:
                self.when_label.setText("Pick a ride on the left to see its chart and figures.")
            _set_chip(self.state_chip, None)
            _set_chip(self.sync_chip, None)
            self._set_figures({})
            self._set_zones(())
            self._clear_chart("")
            return
        self.name_label.setText(ride.workout_name)
        _set_chip(self.state_chip, status_chip(ride) or COMPLETE_CHIP)
        _set_chip(self.sync_chip, sync_chip(ride.sync_state))
        loaded = self._load(ride)
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
            self._draw_chart(loaded.samples, self._ftp_of(ride))
        else:
            self._clear_chart("No power was recorded in this ride.")

    def _texts(self, summary: RideSummary) -> dict[str, str]:
        if self._summary_texts is None:  # the summary module imports pyqtgraph: load late
            from app.ui.views.summary_view import summary_texts

            self._summary_texts = summary_texts
        texts: dict[str, str] = self._summary_texts(summary, self._units)
        return texts

    def set_units(self, units: str) -> None:
        """Metric or imperial: the distance in km or miles (from the next ride shown)."""
        self._units = units
        self.figures["distance"].unit = display.distance_unit(units)

    def _set_figures(self, texts: dict[str, str]) -> None:
        self._figure_texts = dict(texts)
        for key, figure in self.figures.items():
            figure.set_text(texts.get(key, display.MISSING))

    def _set_zones(self, zone_s: Sequence[int]) -> None:
        """Time in zone under the chart; hidden for a ride without any (no power)."""
        self.zone_bars.set_zone_times(tuple(zone_s))
        self.zone_section.setVisible(self.zone_bars.has_data())

    def detail_values(self) -> dict[str, str]:
        """The figures the detail pane shows, by `summary_texts` key ({} without a ride)."""
        return dict(self._figure_texts)

    def _clear_chart(self, hint: str) -> None:
        self.chart_caption.setVisible(bool(hint))
        self.chart_hint.setText(hint)
        self.chart_hint.show()
        if self._chart is not None:
            self._chart.hide()

    def _draw_chart(self, samples: Sequence[Sample], ftp_w: float) -> None:
        import numpy as np

        chart = self.chart
        segments, xs, ys = chart_series(samples)
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

    # -- export --------------------------------------------------------------------------------
    def choose_export_path(self, kind: ExportKind) -> None:
        """Ask where to save the selected ride as `kind` (a non-blocking file dialog)."""
        ride = self._shown
        if ride is None:
            return
        label, name_filter = EXPORT_FORMATS[kind]
        dialog = QFileDialog(self, f"Export “{ride.workout_name}” as {label}")
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setFileMode(QFileDialog.FileMode.AnyFile)
        dialog.setNameFilters([name_filter])
        dialog.setDefaultSuffix(kind)
        dialog.setDirectory(str(self.export_dir))
        dialog.selectFile(export_file_name(ride, kind))
        ride_id = ride.id
        dialog.fileSelected.connect(lambda path: self.export_to(Path(path), kind, ride_id))
        dialog.finished.connect(dialog.deleteLater)
        dialog.destroyed.connect(lambda: setattr(self, "export_dialog", None))
        self.export_dialog = dialog
        dialog.open()

    def export_to(self, path: Path, kind: ExportKind, ride_id: str | None = None) -> bool:
        """Write a ride (the selected one by default) to `path` on the export thread; the
        notice says how it went. False if there is no such ride in the list."""
        ride = self._ride(ride_id) if ride_id is not None else self._shown
        if ride is None:
            return False
        if path.suffix.lower() != f".{kind}":
            path = path.with_name(f"{path.name}.{kind}")
        self.export_dir = path.parent
        self._exporting += 1
        label = EXPORT_FORMATS[kind][0]
        self.notice.show_message("busy", f"Exporting “{ride.workout_name}” as {label}…")
        self._pool.start(_ExportJob(self.export_ride, ride.id, path, kind, self._export_signals))
        return True

    @property
    def exporting(self) -> bool:
        return self._exporting > 0

    def wait_for_exports(self, timeout_s: float) -> bool:
        """Block until running exports are written (closing the app); False on timeout."""
        return self._pool.waitForDone(round(timeout_s * 1000))

    @Slot(str, object, str, str)
    def _on_export_done(self, ride_id: str, path: Path, kind: str, error: str) -> None:
        self._exporting -= 1
        ride = self._ride(ride_id)
        name = ride.workout_name if ride is not None else "the ride"
        if error:
            self.notice.show_message("error", f"Could not export “{name}”: {error}", tip=str(path))
            self.export_failed.emit(ride_id, error)
            return
        self.notice.show_message(
            "success", f"Exported “{name}” to {path.name}.", tip=f"Saved to {path}"
        )
        self.exported.emit(ride_id, path, kind)

    def _ride(self, ride_id: str) -> RideListingLike | None:
        return next((r for r in self._all if r.id == ride_id), None)

    # -- delete, undo, restore -----------------------------------------------------------------
    @Slot()
    def ask_delete(self) -> None:
        """Show the inline "Move to trash?" question for the selected ride."""
        if self._shown is None or self._show_trash:
            return
        back = QApplication.focusWidget()
        self._focus_after_question = self.table if back is not self.delete_button else back
        self._set_confirming(True)
        self.cancel_delete_button.setFocus()

    @property
    def confirming(self) -> bool:
        """The inline "Move to trash?" question is up."""
        return self.confirm_bar.isVisibleTo(self)

    def _set_confirming(self, confirming: bool) -> None:
        # hide one before showing the other: both shown at once, even for a moment, can
        # grow the window past the screen's height
        hide, show = (self.button_row, self.confirm_bar)
        if not confirming:
            hide, show = show, hide
        hide.setVisible(False)
        show.setVisible(True)

    @Slot()
    def cancel_delete(self) -> None:
        if self.confirming:
            self._set_confirming(False)
            (self._focus_after_question or self.table).setFocus()

    @Slot()
    def confirm_delete(self) -> None:
        ride = self._shown
        self._set_confirming(False)
        if ride is None or self._show_trash:
            return
        row = self.model.row_of(ride.id) or 0
        try:
            self.history.trash(ride.id)
        except Exception as exc:
            log.exception("could not trash ride %s", ride.id)
            self.notice.show_message("error", f"Could not move “{ride.workout_name}”: {exc}")
            return
        self._undo_id = ride.id
        self._reload(row_hint=row)
        self.notice.show_message(
            "success",
            f"Moved “{ride.workout_name}” to the trash for {TRASH_DAYS} days.",
            "Undo",
            self.undo_delete,
        )
        self.table.setFocus()
        self.ride_trashed.emit(ride.id)

    @property
    def can_undo(self) -> bool:
        return self._undo_id is not None

    @Slot()
    def undo_delete(self) -> None:
        """Put the ride last moved to the trash back, and select it."""
        ride_id, self._undo_id = self._undo_id, None
        if ride_id is not None and self._restore(ride_id):
            self.set_show_trash(False)
            self.select_ride(ride_id)
            self.table.setFocus()

    @Slot()
    def restore_selected(self) -> None:
        """Restore the ride selected in the trash."""
        ride = self._shown
        if ride is None or not ride.trashed:
            return
        row = self.model.row_of(ride.id) or 0
        self._restore(ride.id, row_hint=row)

    def _restore(self, ride_id: str, row_hint: int = 0) -> bool:
        ride = self._ride(ride_id)
        name = ride.workout_name if ride is not None else "the ride"
        try:
            self.history.restore(ride_id)
        except Exception as exc:
            log.exception("could not restore ride %s", ride_id)
            self.notice.show_message("error", f"Could not restore “{name}”: {exc}")
            return False
        if self._undo_id == ride_id:
            self._undo_id = None
        self._reload(row_hint=row_hint)
        self.notice.show_message("success", f"“{name}” is back in your history.")
        self.ride_restored.emit(ride_id)
        return True

    def _reload(self, row_hint: int) -> None:
        """refresh(), but a ride that left the list gives its place to its neighbour."""
        if self._read():
            self._shown = None
            self._show_list(keep=False, row_hint=row_hint)


def _cache_key(ride: RideListingLike) -> tuple[str, str, int]:
    return ride.id, ride.state, int(ride.moving_s)


__all__ = [
    "CHIP_ROLE",
    "LISTING_ROLE",
    "SYNC_CHIPS",
    "Column",
    "HistoryView",
    "RideListModel",
    "chart_series",
    "export_file_name",
    "long_date_text",
]
