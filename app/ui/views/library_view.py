"""The library: search, a table of workouts, and the selected workout's detail and profile.

Search runs as you type: one `library.search(text)` and one model reset per keystroke,
nothing else. This screen is the first one shown, so it imports no pyqtgraph.

Keys: Ctrl+F search; Down or Return in the search box moves to the list; Return or a
double-click on a workout (or the Ride button) starts it.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QItemSelectionModel, QModelIndex, QObject, Qt, Signal, Slot
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.core.workouts.catalog import CatalogEntry
from app.ui import display
from app.ui.models.library_model import Column, LibraryModel
from app.ui.services import WorkoutLibrary
from app.ui.widgets.profile_widget import ProfileWidget, ZoneBar

_SOURCE_NAMES = {"bundled": "Built-in", "imported": "Imported", "synced": "Synced"}


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


class WorkoutDetail(QFrame):
    """The selected workout: name, chips, stats, profile, description, Ride button."""

    ride_clicked = Signal()

    def __init__(self, ftp_w: float, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("Card")
        self.setAccessibleName("Workout details")
        self.ftp_w = ftp_w
        self.entry: CatalogEntry | None = None

        self.name = QLabel("Pick a workout")
        self.name.setProperty("role", "title")
        self.name.setWordWrap(True)
        self.name.setAccessibleName("Workout name")
        self.category = QLabel("")
        self.category.setProperty("role", "chip")
        self.source = QLabel("")
        self.source.setProperty("role", "chip")
        chips = QHBoxLayout()
        chips.setSpacing(8)
        chips.addWidget(self.category)
        chips.addWidget(self.source)
        chips.addStretch(1)

        self.duration = _Stat("Duration")
        self.tss = _Stat("TSS")
        self.intensity = _Stat("IF")
        self.intervals = _Stat("Intervals")
        stats = QGridLayout()
        stats.setHorizontalSpacing(28)
        for column, stat in enumerate((self.duration, self.tss, self.intensity, self.intervals)):
            stats.addWidget(stat, 0, column)
        stats.setColumnStretch(4, 1)

        self.profile = ProfileWidget()
        self.profile.setMinimumHeight(170)
        self.zone_caption = QLabel("TIME IN ZONE")
        self.zone_caption.setProperty("role", "statLabel")
        self.zones = ZoneBar()
        ftp_note = QLabel(f"Targets at FTP {round(ftp_w)} W")
        ftp_note.setProperty("role", "muted")

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

        self.ride_button = QPushButton("Ride  ▶")
        self.ride_button.setProperty("primary", True)
        self.ride_button.setProperty("big", True)
        self.ride_button.setMinimumWidth(220)
        self.ride_button.setAccessibleName("Ride this workout")
        self.ride_button.setToolTip("Start this workout (Enter)")
        self.ride_button.clicked.connect(self.ride_clicked)
        ride_row = QHBoxLayout()
        ride_row.addWidget(ftp_note, 1, Qt.AlignmentFlag.AlignVCenter)
        ride_row.addWidget(self.ride_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 22, 24, 22)
        layout.setSpacing(14)
        layout.addWidget(self.name)
        layout.addLayout(chips)
        layout.addLayout(stats)
        layout.addWidget(self.profile, 5)
        layout.addWidget(self.zone_caption)
        layout.addWidget(self.zones)
        layout.addSpacing(4)
        layout.addWidget(scroll, 2)
        layout.addLayout(ride_row)
        self.show_entry(None)

    def show_entry(self, entry: CatalogEntry | None) -> None:
        if entry is not None and self.entry is not None and entry.id == self.entry.id:
            return
        self.entry = entry
        if entry is None:
            self.name.setText("Pick a workout")
            self.category.hide()
            self.source.hide()
            for stat in (self.duration, self.tss, self.intensity, self.intervals):
                stat.value.setText(display.MISSING)
            self.profile.set_workout(None, self.ftp_w)
            self.zones.set_zone_times(())
            self.zones.hide()
            self.zone_caption.hide()
            self.description.setText("Search the library on the left and pick a workout.")
            self.ride_button.setEnabled(False)
            return
        self.name.setText(entry.name)
        self.category.setText(display.category(entry.category))
        self.category.show()
        self.source.setText(_SOURCE_NAMES.get(entry.source, entry.source.title()))
        self.source.setVisible(bool(entry.source))
        self.duration.value.setText(display.h_mm(entry.duration_s))
        self.tss.value.setText(display.whole(entry.tss))
        self.intensity.value.setText(display.ratio(entry.intensity_factor))
        self.intervals.value.setText(str(len(entry.workout.flat_steps())))
        self.profile.set_workout(entry.workout, self.ftp_w)
        self.zones.set_zone_times(entry.zone_time_s)
        self.zones.setVisible(self.zones.has_data())
        self.zone_caption.setVisible(self.zones.has_data())
        self.description.setText(entry.description or "No description.")
        self.ride_button.setEnabled(True)


class LibraryView(QWidget):
    ride_requested = Signal(object)  # CatalogEntry

    def __init__(
        self, library: WorkoutLibrary, ftp_w: float, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("Page")
        self.setAccessibleName("Workout library")
        self.library = library
        self._ride_active = False

        title = QLabel("Library")
        title.setProperty("role", "title")
        self.count_label = QLabel("")
        self.count_label.setProperty("role", "muted")
        self.count_label.setAccessibleName("Number of workouts shown")
        title_row = QHBoxLayout()
        title_row.addWidget(title)
        title_row.addStretch(1)
        title_row.addWidget(self.count_label, 0, Qt.AlignmentFlag.AlignBottom)

        self.search = QLineEdit()
        self.search.setPlaceholderText("Search workouts  (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Search workouts")
        self.search.textChanged.connect(self.apply_search)
        self.search.installEventFilter(self)

        self.model = LibraryModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Workouts")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.setTabKeyNavigation(False)
        self.table.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerItem)
        self.table.verticalHeader().hide()
        rows = self.table.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(max(self.fontMetrics().height() * 2 + 6, 38))
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(Column.NAME, QHeaderView.ResizeMode.Stretch)
        for column, width in (
            (Column.CATEGORY, 112),
            (Column.DURATION, 64),
            (Column.TSS, 52),
            (Column.IF, 60),
        ):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
            header.resizeSection(column, width)
        self.table.doubleClicked.connect(self._on_double_click)
        self.table.installEventFilter(self)
        self.table.selectionModel().currentRowChanged.connect(self._on_current_changed)

        left = QVBoxLayout()
        left.setSpacing(12)
        left.addLayout(title_row)
        left.addWidget(self.search)
        left.addWidget(self.table, 1)

        self.detail = WorkoutDetail(ftp_w)
        self.detail.ride_clicked.connect(self.request_ride)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 18)
        layout.setSpacing(20)
        layout.addLayout(left, 11)
        layout.addWidget(self.detail, 10)

        find = QShortcut(QKeySequence.StandardKey.Find, self)
        find.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        find.activated.connect(self.focus_search)

        self.setTabOrder(self.search, self.table)
        self.setTabOrder(self.table, self.detail.ride_button)

    # -- population and search -----------------------------------------------------------------
    def populate(self) -> None:
        """Load the whole library and select the first workout."""
        self._show(self.library.entries())
        if self.model.rowCount() and self.selected_entry() is None:
            self.select_row(0)

    @Slot(str)
    def apply_search(self, text: str) -> None:
        self._show(self.library.search(text))

    def _show(self, entries: list[CatalogEntry]) -> None:
        keep = self.detail.entry
        self.model.set_entries(entries)
        count = len(entries)
        self.count_label.setText(f"{count} workout{'s' if count != 1 else ''}")
        if keep is not None:
            row = self.model.row_of(keep.id)
            if row is not None:
                self.select_row(row)

    @property
    def populated(self) -> bool:
        return self.model.rowCount() > 0 or bool(self.count_label.text())

    # -- selection -------------------------------------------------------------------------------
    def select_row(self, row: int) -> None:
        index = self.model.index(row, 0)
        self.table.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.table.scrollTo(index, QAbstractItemView.ScrollHint.EnsureVisible)

    def selected_entry(self) -> CatalogEntry | None:
        index = self.table.selectionModel().currentIndex()
        return self.model.entry(index.row()) if index.isValid() else None

    def visible_entries(self) -> list[CatalogEntry]:
        return self.model.entries()

    @Slot(QModelIndex, QModelIndex)
    def _on_current_changed(self, current: QModelIndex, previous: QModelIndex) -> None:
        if current.isValid():
            self.detail.show_entry(self.model.entry(current.row()))

    # -- starting ----------------------------------------------------------------------------------
    def set_ride_active(self, active: bool) -> None:
        self._ride_active = active
        self.detail.ride_button.setText("Back to ride  ▶" if active else "Ride  ▶")

    @Slot()
    def request_ride(self) -> None:
        entry = self.detail.entry
        if entry is not None:
            self.ride_requested.emit(entry)

    @Slot(QModelIndex)
    def _on_double_click(self, index: QModelIndex) -> None:
        entry = self.model.entry(index.row())
        if entry is not None:
            self.detail.show_entry(entry)
            self.ride_requested.emit(entry)

    @Slot()
    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            key = event.key()
            enter = key in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            if watched is self.search and (enter or key == Qt.Key.Key_Down):
                if self.model.rowCount():
                    if self.selected_entry() is None:
                        self.select_row(0)
                    self.table.setFocus()
                return True
            if watched is self.table and enter:
                self.request_ride()
                return True
        return super().eventFilter(watched, event)
