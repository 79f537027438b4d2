"""The main window: a sidebar (Library, Ride), the pages, a status bar.

The library page is built at once; the ride and summary pages (and with them pyqtgraph)
are built the first time a ride starts, so start-up stays fast.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtGui import QCloseEvent, QKeySequence, QPaintEvent, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup,
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

        for key, slot in (("Ctrl+1", self.show_library), ("Ctrl+2", self.show_ride)):
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.activated.connect(slot)

        self.library_view.populate()
        self.show_library()

    def _build_sidebar(self) -> QWidget:
        sidebar = QWidget()
        sidebar.setObjectName("Sidebar")
        sidebar.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
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
            button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
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

    # -- readiness (cold-start benchmark) and shutdown -----------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if not self._painted:
            self._painted = True
            # after this paint pass (children included) has been flushed
            QTimer.singleShot(0, self._maybe_ready)

    def _maybe_ready(self) -> None:
        if self._ready_sent or not self._painted or not self.library_view.populated:
            return
        self._ready_sent = True
        self.ready.emit()

    @property
    def is_ready(self) -> bool:
        return self._ready_sent

    def closeEvent(self, event: QCloseEvent) -> None:
        """Closing during a ride finishes it (so it is saved) rather than losing it."""
        if self.ride_active and self._ride_view is not None:
            handle = self._ride_view.handle
            if handle is not None:
                handle.finish()
                try:
                    handle.done.result(timeout=CLOSE_WAIT_S)
                except Exception:
                    log.warning("the ride did not finish within %.0f s of closing", CLOSE_WAIT_S)
        super().closeEvent(event)
