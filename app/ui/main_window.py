"""The main window: a sidebar (Library, Ride), the pages, a status bar.

Start-up builds what the first frame shows: the sidebar and the library's search and list.
Right after that frame is painted, `finish_setup` builds the rest of the library screen
(chips, detail pane), the shortcuts and drag-and-drop import. The first frame's code does
not touch PySide6's `Qt` namespace (see models/library_model.py); later code imports it
where needed. The ride and summary pages
(and with them pyqtgraph) are built the first time a ride starts.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QMimeData, QTimer, Signal, Slot
from PySide6.QtGui import (
    QCloseEvent,
    QDragEnterEvent,
    QDragLeaveEvent,
    QDragMoveEvent,
    QDropEvent,
    QPaintEvent,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QButtonGroup,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.ui.services import GuiServices
from app.ui.views.library_view import LibraryView

if TYPE_CHECKING:  # the ride side (runtime, numpy, pyqtgraph) loads with the first ride
    import numpy as np

    from app.core.ride.samples import RideSummary
    from app.core.workouts.catalog import CatalogEntry
    from app.runtime.ride_control import RideInfo
    from app.ui.views.ride_view import RideView
    from app.ui.views.summary_view import SummaryView

log = logging.getLogger(__name__)

CLOSE_WAIT_S = 3.0


class MainWindow(QMainWindow):
    """`ready` is emitted once: the library is populated and the window has painted."""

    ready = Signal()

    def __init__(self, services: GuiServices, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.setWindowTitle("Freewheel")
        self.setAccessibleName("Freewheel")
        self.resize(1280, 800)
        self.setMinimumSize(960, 640)
        self._painted = False
        self._ready_sent = False
        self._finished = False
        self._drop_overlay: QLabel | None = None
        self._ride_view: RideView | None = None
        self._summary_view: SummaryView | None = None

        self.library_view = LibraryView(services.library, services.ftp_w)
        self.library_view.ride_requested.connect(self.start_ride)
        self.pages = QStackedWidget()
        self.pages.addWidget(self.library_view)

        central = QWidget()
        row = QHBoxLayout(central)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        row.addWidget(self._build_sidebar())
        row.addWidget(self.pages, 1)
        self.setCentralWidget(central)

        self.status_label = QLabel(services.status_text)
        self.status_label.setAccessibleName("Status")
        self.trainer_label = QLabel(f"{services.trainer_name}  ·  FTP {round(services.ftp_w)} W")
        self.trainer_label.setAccessibleName("Trainer and FTP")
        self.statusBar().addWidget(self.status_label, 1)
        self.statusBar().addPermanentWidget(self.trainer_label)
        self.statusBar().setSizeGripEnabled(False)

        self.library_view.populate()
        self.show_library()

    def finish_setup(self) -> None:
        """What the first frame does not need; runs right after it (idempotent)."""
        if self._finished:
            return
        self._finished = True
        from PySide6.QtGui import QKeySequence, QShortcut

        self.library_view.finish_setup()
        for key, slot in (("Ctrl+1", self.show_library), ("Ctrl+2", self.show_ride)):
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.activated.connect(slot)
        self.setAcceptDrops(True)

    @property
    def setup_finished(self) -> bool:
        return self._finished

    def _build_sidebar(self) -> QWidget:
        sidebar = QFrame()  # a frame draws its style sheet background (no Qt attribute)
        sidebar.setObjectName("Sidebar")
        sidebar.setFixedWidth(200)
        brand = QLabel("Freewheel")
        brand.setObjectName("Brand")
        self.nav_library = QPushButton("Library")
        self.nav_ride = QPushButton("Ride")
        self.nav_group = QButtonGroup(self)
        self.nav_group.setExclusive(True)
        for button, tip in ((self.nav_library, "Ctrl+1"), (self.nav_ride, "Ctrl+2")):
            button.setProperty("nav", True)
            button.setCheckable(True)
            button.setToolTip(f"{button.text()} ({tip})")
            button.setAccessibleName(f"Show {button.text().lower()}")
            self.nav_group.addButton(button)
        self.nav_library.clicked.connect(self.show_library)
        self.nav_ride.clicked.connect(self.show_ride)
        self.nav_ride.setEnabled(False)
        self.sidebar_foot = QLabel(
            f"{self.services.trainer_name}\nFTP {round(self.services.ftp_w)} W"
        )
        self.sidebar_foot.setObjectName("SidebarFoot")
        self.sidebar_foot.setWordWrap(True)
        layout = QVBoxLayout(sidebar)
        layout.setContentsMargins(14, 20, 14, 14)
        layout.setSpacing(6)
        layout.addWidget(brand)
        layout.addWidget(self.nav_library)
        layout.addWidget(self.nav_ride)
        layout.addStretch(1)
        layout.addWidget(self.sidebar_foot)
        return sidebar

    # -- pages built on first use (they import pyqtgraph) ------------------------------------
    @property
    def ride_view(self) -> RideView:
        if self._ride_view is None:
            from app.ui.views.ride_view import RideView

            self._ride_view = RideView()
            self._ride_view.ride_finished.connect(self._on_ride_finished)
            self.pages.addWidget(self._ride_view)
        return self._ride_view

    @property
    def summary_view(self) -> SummaryView:
        if self._summary_view is None:
            from app.ui.views.summary_view import SummaryView

            self._summary_view = SummaryView()
            self._summary_view.back_requested.connect(self.show_library)
            self.pages.addWidget(self._summary_view)
        return self._summary_view

    @property
    def ride_active(self) -> bool:
        return self._ride_view is not None and self._ride_view.active

    # -- navigation -------------------------------------------------------------------------------
    @Slot()
    def show_library(self) -> None:
        self.pages.setCurrentWidget(self.library_view)
        self.nav_library.setChecked(True)
        self.library_view.table.setFocus()

    @Slot()
    def show_ride(self) -> None:
        if self.ride_active:
            self.pages.setCurrentWidget(self.ride_view)
            self.ride_view.setFocus()
        elif self._summary_view is not None and self._summary_view.summary is not None:
            self.pages.setCurrentWidget(self._summary_view)
        else:
            self.nav_library.setChecked(True)
            return
        self.nav_ride.setChecked(True)

    def current_page(self) -> QWidget | None:
        return self.pages.currentWidget()

    # -- the ride ------------------------------------------------------------------------
    @Slot(object)
    def start_ride(self, entry: CatalogEntry) -> None:
        if self.ride_active:
            self.show_ride()
            return
        view = self.ride_view
        try:
            view.start(self.services.rides, entry.workout, self.services.ftp_w)
        except Exception as exc:  # the library stays usable; say why on the status bar
            log.exception("could not start the ride")
            self.statusBar().showMessage(f"Could not start the ride: {exc}", 10_000)
            return
        self.library_view.set_ride_active(True)
        self.nav_ride.setEnabled(True)
        self.show_ride()

    @Slot(object, object, object, object)
    def _on_ride_finished(
        self,
        summary: RideSummary | None,
        info: RideInfo | None,
        trace_x: np.ndarray,
        trace_y: np.ndarray,
    ) -> None:
        self.library_view.set_ride_active(False)
        if summary is None:  # discarded
            self.statusBar().showMessage("Ride discarded", 5_000)
            if self._summary_view is None or self._summary_view.summary is None:
                self.nav_ride.setEnabled(False)
            self.show_library()
            return
        self.summary_view.show_summary(summary, info, trace_x, trace_y)
        self.pages.setCurrentWidget(self.summary_view)
        self.nav_ride.setEnabled(True)
        self.nav_ride.setChecked(True)

    # -- drag and drop: workout files and folders are imported ---------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if _local_paths(event.mimeData()):
            event.acceptProposedAction()
            self._show_drop_overlay(True)
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if _local_paths(event.mimeData()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragLeaveEvent(self, event: QDragLeaveEvent) -> None:
        self._show_drop_overlay(False)

    def dropEvent(self, event: QDropEvent) -> None:
        self._show_drop_overlay(False)
        paths = _local_paths(event.mimeData())
        if not paths:
            event.ignore()
            return
        event.acceptProposedAction()
        if not self.ride_active:
            self.show_library()
        self.library_view.import_paths(paths)
        what = paths[0].name if len(paths) == 1 else f"{len(paths)} items"
        self.statusBar().showMessage(f"Importing {what}…", 5_000)

    def _show_drop_overlay(self, shown: bool) -> None:
        if shown and self._drop_overlay is None:
            from PySide6.QtCore import Qt

            self._drop_overlay = QLabel(
                "Drop workout files or folders to add them to the library", self.centralWidget()
            )
            self._drop_overlay.setObjectName("DropOverlay")
            self._drop_overlay.setAlignment(Qt.AlignmentFlag.AlignCenter)
            self._drop_overlay.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        if self._drop_overlay is not None:
            self._drop_overlay.setGeometry(self.pages.geometry().adjusted(16, 16, -16, -16))
            self._drop_overlay.setVisible(shown)
            self._drop_overlay.raise_()

    @property
    def drop_overlay_visible(self) -> bool:
        return self._drop_overlay is not None and self._drop_overlay.isVisible()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.drop_overlay_visible:
            self._show_drop_overlay(True)

    # -- readiness (cold-start benchmark) and shutdown -----------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if not self._painted:
            self._painted = True
            # after this paint pass (children included) has been flushed
            QTimer.singleShot(0, self._after_first_paint)

    def _after_first_paint(self) -> None:
        # the rest of the window on the next turn of the event loop, ahead of anything the
        # `ready` handlers queue (the ride stack's warm-up)
        QTimer.singleShot(0, self.finish_setup)
        self._maybe_ready()

    def _maybe_ready(self) -> None:
        if self._ready_sent or not self._painted or not self.library_view.populated:
            return
        self._ready_sent = True
        self.ready.emit()

    @property
    def is_ready(self) -> bool:
        return self._ready_sent

    def closeEvent(self, event: QCloseEvent) -> None:
        """Closing during a ride finishes it (so it is saved) rather than losing it; an
        import still copying files is given a moment to finish."""
        if self.ride_active and self._ride_view is not None:
            handle = self._ride_view.handle
            if handle is not None:
                handle.finish()
                try:
                    handle.done.result(timeout=CLOSE_WAIT_S)
                except Exception:
                    log.warning("the ride did not finish within %.0f s of closing", CLOSE_WAIT_S)
        if not self.library_view.wait_for_imports(CLOSE_WAIT_S):
            log.warning("an import was still running %.0f s after closing", CLOSE_WAIT_S)
        super().closeEvent(event)


def _local_paths(mime: QMimeData) -> list[Path]:
    """The local files and folders a drag carries (web links are not imports)."""
    if not mime.hasUrls():
        return []
    return [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]
