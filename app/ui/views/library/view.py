"""The library browser: search, filter chips, a sortable table with profile thumbnails,
and the selected workout's detail (profile, zones, favourite, export, ride).

Every keystroke and chip click runs one `catalog.query` over the entries held in memory
and one model reset, nothing else; the table paints only its visible rows, and each row's
thumbnail is drawn once from the entry's packed profile and cached.

Start-up: the first frame needs only the title, the search field and the list, so that is
all `__init__` builds. `finish_setup()` (run by the main window right after the first
paint, or by anything that needs it sooner) turns on the profile thumbnails and builds the
chips, the detail pane, the sort arrow, the shortcuts and the import/export machinery.
Until then nothing here touches PySide6's `Qt` namespace (its enum classes cost ~15 ms to
build, see library_model): code that runs later imports `Qt` where it needs it.

The parts built after the first paint live beside this module: the detail pane
(detail.py), the sort arrow (sorting.py), the keys (keys.py) and the file jobs, import
and export (tasks.py). Keys: Ctrl+F search; Down or Return in the search box moves to the
list; Return or a double-click on a workout (or the Ride button) starts it; Ctrl+D
toggles the favourite. Workout files and folders dropped on the window are imported.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.core.workouts.catalog import (
    CatalogEntry,
    IncrementalSearch,
    LibraryFilter,
    SortKey,
    query,
)
from app.ui.models.library_model import (
    ENTRY_ROLE,
    Column,
    LibraryModel,
    header_model,
)
from app.ui.ports.library import WorkoutExporter, WorkoutLibrary
from app.ui.widgets.thumbnail import ThumbnailDelegate

if TYPE_CHECKING:  # built after the first paint
    from app.core.workouts.formats import EncodedWorkout
    from app.ui.views.library.detail import WorkoutDetail
    from app.ui.views.library.sorting import SortArrow
    from app.ui.views.library.tasks import LibraryTasks
    from app.ui.widgets.filter_bar import FilterBar
    from app.ui.widgets.notice import Notice

_COLUMN_WIDTHS = (
    (Column.PROFILE, 96),
    (Column.CATEGORY, 108),
    (Column.DURATION, 62),
    (Column.TSS, 56),
    (Column.IF, 56),
)


class LibraryView(QWidget):
    """Signals: `ride_requested(entry)`; `import_finished(report)` once the list shows an
    import's result; `exported(path, encoded)` after an export was written."""

    ride_requested = Signal(object)  # CatalogEntry
    import_finished = Signal(object)  # ImportReport
    exported = Signal(object, object)  # Path, EncodedWorkout

    def __init__(
        self,
        library: WorkoutLibrary,
        ftp_w: float,
        parent: QWidget | None = None,
        *,
        exporter: WorkoutExporter | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("Page")
        self.setAccessibleName("Workout library")
        self.library = library
        self.ftp_w = ftp_w
        self.exporter = exporter
        self._ride_active = False
        self._all: list[CatalogEntry] = []
        self._searcher: IncrementalSearch | None = None
        self._sort_arrow: SortArrow | None = None  # with finish_setup; by name until then
        self._finished = False
        self._detail: WorkoutDetail | None = None
        self._notice: Notice | None = None
        self._tasks: LibraryTasks | None = None
        self._empty: QLabel | None = None
        self.filter_bar: FilterBar | None = None

        title_row = self._build_title_row()
        self._build_search()
        self._build_table()
        self._build_layout(title_row)

    # -- the first frame: the title, the search and the list ---------------------------------
    def _build_title_row(self) -> QHBoxLayout:
        title = QLabel("Library")
        title.setProperty("role", "title")
        self.count_label = QLabel("")
        self.count_label.setProperty("role", "muted")
        self.count_label.setAccessibleName("Number of workouts shown")
        self.import_button = QPushButton("Import…")
        self.import_button.setAccessibleName("Import workout files")
        self.import_button.setToolTip(
            "Add workout files or a folder of them — or drop them on the window"
        )
        self.import_button.setProperty("menu", True)  # room for its menu's arrow from the start
        self.count_label.setObjectName("LibraryCount")  # the style sheet puts it on the baseline
        self.title_row = title_row = QHBoxLayout()
        title_row.setSpacing(14)
        title_row.addWidget(title)
        title_row.addWidget(self.count_label)
        title_row.addStretch(1)
        title_row.addWidget(self.import_button)
        return title_row

    def _build_search(self) -> None:
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search workouts  (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Search workouts")
        self.search.textChanged.connect(self.apply_search)
        self.search.setAcceptDrops(False)  # dropped files are imported, not typed in

    def _build_table(self) -> None:
        """The list, with its thumbnails off until `finish_setup` (the first frame is text)."""
        self.model = LibraryModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.header_model = header_model(self)
        self.table.horizontalHeader().setModel(self.header_model)
        self.table.setAccessibleName("Workouts")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.setTabKeyNavigation(False)
        self.thumbnails = ThumbnailDelegate(ENTRY_ROLE, self.table, drawing=False)
        self.table.setItemDelegateForColumn(Column.PROFILE, self.thumbnails)
        rows = self.table.verticalHeader()
        rows.hide()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(max(self.fontMetrics().height() * 2 + 6, 38))
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionsClickable(True)
        header.setSectionResizeMode(Column.NAME, QHeaderView.ResizeMode.Stretch)
        for column, width in _COLUMN_WIDTHS:
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
            header.resizeSection(column, width)
        self.table.selectionModel().currentRowChanged.connect(self._on_current_changed)

    def _build_layout(self, title_row: QHBoxLayout) -> None:
        # filled by finish_setup(): the chips under the search, the detail card on the right
        self.notice_slot = QVBoxLayout()
        self.notice_slot.setContentsMargins(0, 0, 0, 0)
        self.filter_slot = QVBoxLayout()
        self.filter_slot.setContentsMargins(0, 0, 0, 0)
        # hold the chips' place (about three lines of them), so the list does not jump
        self.filter_slot.addSpacing(3 * (self.fontMetrics().height() + 14))
        left = QVBoxLayout()
        left.setSpacing(12)
        left.addLayout(title_row)
        left.addLayout(self.notice_slot)
        left.addWidget(self.search)
        left.addLayout(self.filter_slot)
        left.addWidget(self.table, 1)
        self.detail_card = QFrame()
        self.detail_card.setObjectName("Card")
        self.detail_slot = QVBoxLayout(self.detail_card)
        self.detail_slot.setContentsMargins(0, 0, 0, 0)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 18)
        layout.setSpacing(20)
        layout.addLayout(left, 3)
        layout.addWidget(self.detail_card, 2)

    # -- the rest, right after the first paint ---------------------------------------------------
    def finish_setup(self) -> None:
        """Build what the first frame does not need. Idempotent; cheap once done."""
        if self._finished:
            return
        self._finished = True
        self._turn_on_table()
        self._build_filter_bar()
        self._build_detail()
        self._build_import_menu()
        from app.ui.views.library.keys import bind_library_keys

        bind_library_keys(self)
        self.table.doubleClicked.connect(self._on_double_click)
        self.setTabOrder(self.search, self.table)
        self.setTabOrder(self.table, self.detail.ride_button)

        current = self.selected_entry()
        if current is not None:
            self.detail.show_entry(current)
        elif self.model.rowCount():
            self.select_row(0)

    def _turn_on_table(self) -> None:
        """The thumbnails, and the sort arrow on the header (by name at first)."""
        from app.ui.views.library.sorting import SortArrow

        self.thumbnails.drawing = True
        self.table.viewport().update()
        self._sort_arrow = SortArrow(self.table.horizontalHeader(), self)
        self._sort_arrow.changed.connect(self._requery)

    def _build_filter_bar(self) -> None:
        """The filter chips take the place held for them under the search."""
        from app.ui.widgets.filter_bar import FilterBar

        self.filter_bar = FilterBar()
        self._update_filter_choices()
        self.filter_bar.changed.connect(self._requery)
        self.filter_slot.takeAt(0)  # the space held for it
        self.filter_slot.addWidget(self.filter_bar)
        self.title_row.insertWidget(2, self.filter_bar.clear_button)

    def _build_detail(self) -> None:
        from app.ui.views.library.detail import WorkoutDetail

        self._detail = WorkoutDetail(self.ftp_w)
        self._detail.ride_clicked.connect(self.request_ride)
        self._detail.export_clicked.connect(self.choose_export_path)
        self._detail.export_button.setVisible(self.exporter is not None)
        self._detail.favourite_toggled.connect(self.set_favourite)
        self.detail_slot.addWidget(self._detail)

    def _build_import_menu(self) -> None:
        from PySide6.QtWidgets import QMenu

        menu = QMenu(self.import_button)
        menu.addAction("Workout files…", self.choose_import_files)
        menu.addAction("A folder of workouts…", self.choose_import_folder)
        self.import_button.setMenu(menu)

    @property
    def detail(self) -> WorkoutDetail:
        self.finish_setup()
        assert self._detail is not None
        return self._detail

    @property
    def notice(self) -> Notice:
        if self._notice is None:
            from app.ui.widgets.notice import Notice

            self._notice = Notice()
            self.notice_slot.addWidget(self._notice)
        return self._notice

    # -- population, search, filters, sort ------------------------------------------------------
    def populate(self) -> None:
        """Load the whole library (the first workout is selected by `finish_setup`)."""
        self._all = self.library.entries()
        self._requery()

    def refresh(self) -> None:
        """Re-read the library (after an import) and show it under the same search/filters."""
        self._all = self.library.entries()
        self._update_filter_choices()
        self._requery()

    def _update_filter_choices(self) -> None:
        if self.filter_bar is not None:
            self.filter_bar.set_categories(e.category for e in self._all)
            self.filter_bar.set_sources({e.source for e in self._all})

    def current_filter(self) -> LibraryFilter:
        text = self.search.text()
        if self.filter_bar is None:
            return LibraryFilter(text=text)
        return self.filter_bar.library_filter(text)

    @Slot(str)
    def apply_search(self, text: str) -> None:
        self._requery()

    def show_all(self) -> None:
        """Empty the search box and turn every filter chip off (one query)."""
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        if self.filter_bar is not None:
            self.filter_bar.clear()  # requeries
        else:
            self._requery()

    @Slot()
    def _requery(self) -> None:
        if self._searcher is None or self._searcher.entries is not self._all:
            self._searcher = IncrementalSearch(self._all)
        key, descending = self.sort
        found = query(self._all, self.current_filter(), key, descending, searcher=self._searcher)
        self._show(found)

    @property
    def sort(self) -> tuple[SortKey, bool]:
        """(key, descending)."""
        arrow = self._sort_arrow
        return (arrow.key, arrow.descending) if arrow is not None else (SortKey.NAME, False)

    def set_sort(self, key: SortKey, descending: bool = False) -> None:
        """Sort the list (what clicking a column header does)."""
        self.finish_setup()  # the sort arrow
        assert self._sort_arrow is not None
        self._sort_arrow.set(key, descending)

    def _show(self, entries: list[CatalogEntry]) -> None:
        keep = self._detail.entry if self._detail is not None else self.selected_entry()
        self.model.set_entries(entries)
        count, total = len(entries), len(self._all)
        noun = "workout" if total == 1 else "workouts"
        self.count_label.setText(
            f"{count} of {total} {noun}" if count != total else f"{total} {noun}"
        )
        if keep is not None:
            row = self.model.row_of(keep.id)
            if row is not None:
                self.select_row(row)
        self._show_empty_hint(count == 0)

    def _show_empty_hint(self, empty: bool) -> None:
        if not empty and self._empty is None:
            return
        if self._empty is None:
            from PySide6.QtCore import Qt

            self._empty = QLabel(self.table.viewport())
            self._empty.setProperty("role", "muted")
            self._empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
            self._empty.setWordWrap(True)
        if empty:
            filtered = self.filter_bar is not None and self.filter_bar.is_active()
            self._empty.setText(
                "No workout matches the search"
                + (" and filters.\nClear filters to see more." if filtered else ".")
            )
            self._empty.setGeometry(self.table.viewport().rect().adjusted(20, 40, -20, 0))
            self._empty.setFixedHeight(60)
        self._empty.setVisible(empty)

    @property
    def populated(self) -> bool:
        return self.model.rowCount() > 0 or bool(self.count_label.text())

    # -- selection --------------------------------------------------------------------------
    def select_row(self, row: int) -> None:
        index = self.model.index(row, 0)
        self.table.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.table.scrollTo(index, QAbstractItemView.ScrollHint.EnsureVisible)

    def select_entry(self, entry_id: str) -> bool:
        """Select a workout by id; False when the current search/filters hide it."""
        row = self.model.row_of(entry_id)
        if row is None:
            return False
        self.select_row(row)
        return True

    def name_of(self, entry_id: str) -> str | None:
        """The name of a workout in the library, by id."""
        return next((e.name for e in self._all if e.id == entry_id), None)

    def selected_entry(self) -> CatalogEntry | None:
        index = self.table.selectionModel().currentIndex()
        return self.model.entry(index.row()) if index.isValid() else None

    def visible_entries(self) -> list[CatalogEntry]:
        return self.model.entries()

    @Slot(QModelIndex, QModelIndex)
    def _on_current_changed(self, current: QModelIndex, previous: QModelIndex) -> None:
        # before finish_setup (e.g. the list taking focus at start-up) there is no detail
        # pane yet: finish_setup shows the current row when it builds it
        if current.isValid() and self._detail is not None:
            self._detail.show_entry(self.model.entry(current.row()))

    # -- favourites ----------------------------------------------------------------------------
    @Slot(bool)
    def set_favourite(self, favourite: bool) -> None:
        """Star or unstar the workout in the detail pane; the library keeps it."""
        entry = self.detail.entry
        if entry is None or entry.favourite == favourite:
            return
        try:
            updated = self.library.set_favourite(entry.id, favourite)
        except Exception as exc:  # a full disk must not take the library screen down
            self.detail.show_entry(entry)
            self.notice.show_message("error", f"Could not save the favourite: {exc}")
            return
        self._all = [updated if e.id == updated.id else e for e in self._all]
        self.detail.show_entry(updated)
        self.model.replace_entry(updated)
        if self.filter_bar is not None and self.filter_bar.favourites_chip.isChecked():
            self._requery()

    @Slot()
    def toggle_favourite(self) -> None:
        entry = self.detail.entry
        if entry is not None:
            self.set_favourite(not entry.favourite)

    # -- import and export (the work is in tasks.py, loaded after the first paint) -----------
    @property
    def tasks(self) -> LibraryTasks:
        if self._tasks is None:
            from app.ui.views.library.tasks import LibraryTasks

            self._tasks = LibraryTasks(self)
        return self._tasks

    @Slot()
    def choose_import_files(self) -> None:
        self.tasks.choose_import_files()

    @Slot()
    def choose_import_folder(self) -> None:
        self.tasks.choose_import_folder()

    def import_paths(self, paths: list[Path]) -> None:
        """Import files and folders on a worker thread; the list and a notice show the
        result when it is done (`import_finished`)."""
        self.tasks.import_paths(paths)

    @property
    def importing(self) -> bool:
        return self._tasks is not None and self._tasks.importing

    def wait_for_imports(self, timeout_s: float) -> bool:
        """Block until running imports are done (closing the app); False on timeout."""
        return self._tasks is None or self._tasks.runner.wait(timeout_s)

    @Slot()
    def choose_export_path(self) -> None:
        entry = self.detail.entry
        if entry is not None:
            self.tasks.choose_export_path(entry)

    def export_to(
        self, path: Path, entry: CatalogEntry | None = None, name_filter: str = ""
    ) -> EncodedWorkout | None:
        """Write the workout (the detail pane's, by default) to `path`; a notice says what
        the format could not keep. None when it could not be written (the notice says why)."""
        entry = entry or self.detail.entry
        if entry is None:
            return None
        return self.tasks.export_to(entry, path, name_filter)

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
