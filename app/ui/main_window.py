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
from app.ui.views.library import LibraryView

if TYPE_CHECKING:  # the ride side (runtime, numpy, pyqtgraph) loads with the first ride
    import numpy as np

    from app.core.ride.samples import RideSummary
    from app.core.workouts.catalog import CatalogEntry
    from app.runtime.ride_control import RideInfo
    from app.ui.views.ride import RideView
    from app.ui.views.summary_view import SummaryView

log = logging.getLogger(__name__)

CLOSE_WAIT_S = 3.0
# the screens after Library (Ctrl+1) and Ride (Ctrl+2), in sidebar order: Ctrl+3 …
PAGE_NAMES = ("Calendar", "History", "Devices", "Status", "Settings")


class MainWindow(QMainWindow):
    """`ready` is emitted once: the library is populated and the window has painted."""

    ready = Signal()
    crash_notice = Signal(str)  # from any thread; shown in the status bar, never a dialog

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
        self._sync_bridge: object | None = None

        self.library_view = LibraryView(
            services.library, services.ftp_w, exporter=services.export_workout
        )
        self.library_view.ride_requested.connect(self.start_ride)
        self.pages = QStackedWidget()
        self.pages.addWidget(self.library_view)

        central = QWidget()
        row = QHBoxLayout(central)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        row.addWidget(self._build_sidebar())
        column = QVBoxLayout()
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        self.banners = QVBoxLayout()  # resume prompt, account banner: never modal
        self.banners.setContentsMargins(24, 12, 24, 0)
        column.addLayout(self.banners)
        column.addWidget(self.pages, 1)
        row.addLayout(column, 1)
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
        for number, name in enumerate(PAGE_NAMES, start=3):
            if name in self._extra_pages:
                shortcut = QShortcut(QKeySequence(f"Ctrl+{number}"), self)
                shortcut.activated.connect(lambda n=name: self.show_page(n))
        self.setAcceptDrops(True)
        self._setup_help()
        self.crash_notice.connect(lambda text: self.statusBar().showMessage(text, 15_000))
        if self.services.crash_hook is not None:
            self.services.crash_hook(self.crash_notice.emit)
        self._setup_sync()
        self._setup_resume_prompt()
        self._setup_first_run()

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
        self._extra_pages: dict[str, tuple[QPushButton, QWidget | None]] = {}
        available = {
            "Calendar": self.services.calendar is not None,
            "History": self.services.history is not None,
            "Devices": self.services.devices is not None,
            "Status": self.services.sync is not None,
            "Settings": self.services.settings is not None,
        }
        for number, (name, shown) in enumerate(available.items(), start=3):
            if not shown:
                continue
            button = QPushButton(name)
            button.setProperty("nav", True)
            button.setCheckable(True)
            button.setToolTip(f"{name} (Ctrl+{number})")
            button.setAccessibleName(f"Show {name.lower()}")
            button.clicked.connect(lambda _=False, n=name: self.show_page(n))
            self.nav_group.addButton(button)
            self._extra_pages[name] = (button, None)
        self.help_button = QPushButton("Help  ▴")
        self.help_button.setProperty("nav", True)
        self.help_button.setToolTip("Keyboard shortcuts, diagnostics bundle, about (F1)")
        self.help_button.setAccessibleName("Help menu")
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
        for button, _ in self._extra_pages.values():
            layout.addWidget(button)
        layout.addStretch(1)
        layout.addWidget(self.help_button)
        layout.addWidget(self.sidebar_foot)
        return sidebar

    # -- pages built on first use (they import pyqtgraph) ------------------------------------
    @property
    def ride_view(self) -> RideView:
        if self._ride_view is None:
            from app.ui.sounds import SoundCues
            from app.ui.views.ride import RideView

            sounds = SoundCues(self.services.cache_dir, parent=self)
            self._ride_view = RideView(sounds)
            self._ride_view.ride_finished.connect(self._on_ride_finished)
            self._ride_view.tiles_changed.connect(self._save_ride_tiles)
            if self.services.settings is not None:
                settings, _problems = self.services.settings.load()
                self._ride_view.apply_settings(settings)
            self.pages.addWidget(self._ride_view)
        return self._ride_view

    @property
    def summary_view(self) -> SummaryView:
        if self._summary_view is None:
            from app.ui.views.summary_view import SummaryView

            self._summary_view = SummaryView()
            self._summary_view.set_units(self._units())
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

    # -- the other screens (built on first visit) -----------------------------------------
    def show_page(self, name: str) -> QWidget | None:
        if name not in self._extra_pages:
            return None
        button, page = self._extra_pages[name]
        if page is None:
            page = self._build_page(name)
            self.pages.addWidget(page)
            self._extra_pages[name] = (button, page)
        if name in ("History", "Calendar"):
            page.refresh()  # type: ignore[attr-defined]
        self.pages.setCurrentWidget(page)
        button.setChecked(True)
        return page

    def _build_page(self, name: str) -> QWidget:
        services = self.services
        if name == "Calendar":
            from app.ui.views.calendar import CalendarView

            assert services.calendar is not None
            calendar = CalendarView(services.calendar)
            calendar.ride_requested.connect(self._ride_by_id)
            if self._sync_bridge is not None:
                self._sync_bridge.status.connect(lambda _status: calendar.refresh())  # type: ignore[attr-defined]
            return calendar
        if name == "History":
            from app.ui.views.history import HistoryView

            assert services.history is not None and services.export_ride is not None
            history = HistoryView(services.history, services.export_ride, services.ftp_w)
            history.set_units(self._units())
            return history
        if name == "Devices":
            from app.ui.views.devices import DevicesView

            assert services.devices is not None
            return DevicesView(services.devices)
        if name == "Status":
            from app.ui.views.status import StatusView

            assert services.sync is not None
            view = StatusView(services.sync, default_server_url=services.default_server_url)
            bridge = self._sync_bridge
            if bridge is not None:
                bridge.status.connect(view.set_status)  # type: ignore[attr-defined]
            view.set_status(services.sync.status())
            return view
        from app.ui.views.settings import SettingsView

        assert services.settings is not None
        settings_view = SettingsView(services.settings)
        settings_view.settings_changed.connect(self._on_settings_changed)
        return settings_view

    def _save_ride_tiles(self, keys: tuple[str, ...]) -> None:
        """Tiles chosen on the ride screen are saved with the settings at once."""
        port = self.services.settings
        if port is None:
            return
        page = self._extra_pages.get("Settings", (None, None))[1]
        if page is not None:
            page.save_ride_tiles(keys)  # type: ignore[attr-defined]
            return
        settings, _problems = port.load()
        try:
            port.save(settings.model_copy(update={"ride_tiles": tuple(keys)}))
        except (OSError, ValueError) as exc:
            self.statusBar().showMessage(f"Could not save the tiles: {exc}", 10_000)

    def _units(self) -> str:
        if self.services.settings is None:
            return "metric"
        settings, _problems = self.services.settings.load()
        return str(settings.units)

    def _on_settings_changed(self, settings: object) -> None:
        if self._ride_view is not None:
            self._ride_view.apply_settings(settings)
        units = str(getattr(settings, "units", "metric"))
        if self._summary_view is not None:
            self._summary_view.set_units(units)
        history = self._extra_pages.get("History", (None, None))[1]
        if history is not None:
            history.set_units(units)  # type: ignore[attr-defined]
        ftp = getattr(settings, "ftp_w", None)
        if ftp:
            self.services.ftp_w = float(ftp)
            self.sidebar_foot.setText(f"{self.services.trainer_name}\nFTP {ftp} W")
            self.trainer_label.setText(f"{self.services.trainer_name}  ·  FTP {ftp} W")
            self.statusBar().showMessage(f"Settings saved. FTP {ftp} W.", 5_000)

    def _setup_help(self) -> None:
        from app.ui.widgets.help_menu import HelpMenu

        self.help_menu = HelpMenu(
            self,
            notify=lambda text: self.statusBar().showMessage(text, 15_000),
            write_diagnostics=self.services.diagnostics,
            about=self.services.about,
        )
        self.help_button.clicked.connect(self._open_help_menu)
        self.addAction(self.help_menu.shortcuts_action)  # F1 works anywhere in the window

    def _open_help_menu(self) -> None:
        """Above the button (it sits at the foot of the sidebar); never blocks."""
        from PySide6.QtCore import QPoint

        height = self.help_menu.sizeHint().height()
        self.help_menu.popup(self.help_button.mapToGlobal(QPoint(0, -height)))

    def _setup_sync(self) -> None:
        self._sync_bridge = None
        sync = self.services.sync
        if sync is None:
            return
        from app.ui.bridge import SyncStatusBridge
        from app.ui.widgets.account_banner import AccountBanner
        from app.ui.widgets.sync_indicator import SyncIndicator
        from app.ui.widgets.today_card import TodayCard

        bridge = SyncStatusBridge(self)
        indicator = SyncIndicator(self)
        indicator.clicked.connect(lambda: self.show_page("Status"))
        self.statusBar().addPermanentWidget(indicator)
        banner = AccountBanner(self)
        banner.sign_in_requested.connect(self._open_account)
        self.banners.addWidget(banner)
        today = TodayCard(self.services.todays_workout)
        today.ride_requested.connect(self._ride_by_id)
        self.library_view.notice_slot.insertWidget(0, today)
        bridge.status.connect(indicator.set_status)
        bridge.status.connect(self._account_news)
        bridge.status.connect(lambda _status: today.refresh())
        self.sync_indicator, self.account_banner, self.today_card = indicator, banner, today
        self._sync_bridge = bridge
        try:
            bridge.attach(sync)
        except Exception:  # sync is a side road: the app goes on without it
            log.exception("sync is unavailable")
            for widget in (indicator, banner):
                widget.hide()

    def _account_news(self, status: object) -> None:
        """A rider who never set up an account is not nagged to sign in: the banner is
        for a sign-in that lapsed, or uploads that failed."""
        never_signed_up = not getattr(status, "server_url", None)
        if never_signed_up and not getattr(status, "rides_failed", 0):
            self.account_banner.hide()
        else:
            self.account_banner.set_status(status)  # type: ignore[arg-type]

    def _open_account(self) -> None:
        page = self.show_page("Status")
        if page is not None:
            page.show_account()  # type: ignore[attr-defined]

    def _ride_by_id(self, workout_id: str) -> None:
        library = self.services.library
        entry = library.get(workout_id) if hasattr(library, "get") else None
        if entry is None and hasattr(library, "find"):
            entry = library.find(workout_id)
        if entry is not None:
            self.start_ride(entry)

    def _setup_resume_prompt(self) -> None:
        port = self.services.interrupted
        if port is None:
            return
        from app.ui.widgets.resume_prompt import ResumePrompt

        prompt = ResumePrompt(port.interrupted, save=port.save, discard=port.discard)
        prompt.resume_requested.connect(self.resume_ride)
        self.banners.insertWidget(0, prompt)
        self.resume_prompt = prompt
        prompt.check()

    @Slot(str)
    def resume_ride(self, ride_id: str) -> None:
        """Carry on an interrupted ride in place, on the ride screen."""
        port = self.services.interrupted
        if port is None or self.ride_active:
            return
        try:
            starter, workout, ftp_w = port.starter(ride_id)
            devices = self.services.devices
            self.ride_view.set_devices_source(devices.live if devices is not None else None)
            self.ride_view.start(starter, workout, ftp_w)
        except Exception as exc:
            log.exception("could not resume ride %s", ride_id)
            self.statusBar().showMessage(f"Could not resume the ride: {exc}", 10_000)
            return
        self.library_view.set_ride_active(True)
        self.nav_ride.setEnabled(True)
        self.show_ride()

    def _setup_first_run(self) -> None:
        settings_port = self.services.settings
        if settings_port is None:
            return
        settings, _problems = settings_port.load()
        if settings.first_run_done:
            return
        from app.ui.views.welcome_view import WelcomeView

        welcome = WelcomeView(settings)
        welcome.finished.connect(self._first_run_finished)
        welcome.ramp_test_requested.connect(self._first_run_ramp_test)
        self.pages.addWidget(welcome)
        self.pages.setCurrentWidget(welcome)
        self.welcome_view = welcome
        self._set_banners_visible(False)  # the first minute belongs to the welcome

    def _set_banners_visible(self, visible: bool) -> None:
        """Hide the banners for the welcome; showing them again re-asks what they show."""
        if not visible:
            for name in ("resume_prompt", "account_banner"):
                widget = getattr(self, name, None)
                if widget is not None:
                    widget.hide()
            return
        if hasattr(self, "resume_prompt"):
            self.resume_prompt.check()
        if self.services.sync is not None and hasattr(self, "account_banner"):
            self._account_news(self.services.sync.status())

    def _first_run_finished(self, settings: object) -> None:
        self._set_banners_visible(True)
        try:
            assert self.services.settings is not None
            self.services.settings.save(settings)  # type: ignore[arg-type]
        except OSError as exc:
            self.statusBar().showMessage(f"Could not save your settings: {exc}", 10_000)
        self._on_settings_changed(settings)
        self.show_library()

    def _first_run_ramp_test(self, settings: object) -> None:
        self._first_run_finished(settings)
        self._ride_by_id("bundled:ramp-test")

    # -- the ride ------------------------------------------------------------------------
    @Slot(object)
    def start_ride(self, entry: CatalogEntry) -> None:
        if self.ride_active:
            self.show_ride()
            return
        view = self.ride_view
        devices = self.services.devices
        view.set_devices_source(devices.live if devices is not None else None)
        try:
            view.start(self.services.rides, entry.workout, self.services.ftp_w)
        except Exception as exc:  # the library stays usable; say why on the status bar
            log.exception("could not start the ride")
            self.statusBar().showMessage(f"Could not start the ride: {exc}", 10_000)
            return
        self.library_view.set_ride_active(True)
        self.nav_ride.setEnabled(True)
        self._hide_resume_prompt()
        self.show_ride()

    def _hide_resume_prompt(self) -> None:
        """One ride at a time: an unfinished ride is offered again after this one."""
        prompt = getattr(self, "resume_prompt", None)
        if prompt is not None:
            prompt.hide()

    @Slot(object, object, object, object)
    def _on_ride_finished(
        self,
        summary: RideSummary | None,
        info: RideInfo | None,
        trace_x: np.ndarray,
        trace_y: np.ndarray,
    ) -> None:
        self.library_view.set_ride_active(False)
        prompt = getattr(self, "resume_prompt", None)
        if prompt is not None:
            prompt.check()
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
