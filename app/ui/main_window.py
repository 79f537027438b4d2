"""The main window: a sidebar, the pages, a status bar.

Start-up builds what the first frame shows: the sidebar and the library's search and list.
Right after that frame is painted, `finish_setup` builds the rest of the library screen
(chips, detail pane), the shortcuts, drag-and-drop import, the Help menu, sync and the
resume prompt. The first frame's code does not touch PySide6's `Qt` namespace (see
models/library_model.py); later code imports it where needed. The ride and summary pages
(and with them pyqtgraph) are built the first time a ride starts; the other screens
(`app.ui.screens.SCREENS`) on their first visit.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QTimer, Signal, Slot
from PySide6.QtGui import QCloseEvent, QPaintEvent, QResizeEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMainWindow, QStackedWidget, QVBoxLayout, QWidget

from app.ui.screens import SCREENS, Screen
from app.ui.services import GuiServices
from app.ui.sidebar import Sidebar
from app.ui.views.library import LibraryView

if TYPE_CHECKING:  # the ride side (runtime, numpy, pyqtgraph) loads with the first ride
    import numpy as np

    from app.core.ride.samples import RideSummary
    from app.core.settings import RiderSettings
    from app.core.sync.status import SyncStatus
    from app.core.workouts.catalog import CatalogEntry
    from app.runtime.ride_control import RideInfo
    from app.ui.sync_chrome import SyncChrome
    from app.ui.views.ride import RideView
    from app.ui.views.summary_view import SummaryView
    from app.ui.widgets.drop_overlay import FileDropTarget
    from app.ui.widgets.resume_prompt import ResumePrompt

log = logging.getLogger(__name__)

CLOSE_WAIT_S = 3.0


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
        self._painted = self._ready_sent = self._finished = False
        self._drop_target: FileDropTarget | None = None
        self._ride_view: RideView | None = None
        self._summary_view: SummaryView | None = None
        self._screens = {s.name: s for s in SCREENS if s.available(services)}
        self._pages: dict[str, QWidget] = {}
        self.sync_chrome: SyncChrome | None = None
        self.resume_prompt: ResumePrompt | None = None

        self.library_view = LibraryView(
            services.library, services.ftp_w, exporter=services.export_workout
        )
        self.library_view.ride_requested.connect(self.start_ride)
        self.pages = QStackedWidget()
        self.pages.addWidget(self.library_view)
        self.sidebar = Sidebar([(s.name, s.name in self._screens) for s in SCREENS], "")
        self.nav_library, self.nav_ride = self.sidebar.nav_library, self.sidebar.nav_ride
        self.nav_group, self.help_button = self.sidebar.nav_group, self.sidebar.help_button
        self._connect_sidebar()
        self.setCentralWidget(self._central(self.sidebar))
        self.status_label = QLabel(services.status_text)
        self.status_label.setAccessibleName("Status")
        self.trainer_label = QLabel()
        self.trainer_label.setAccessibleName("Trainer and FTP")
        self._show_ftp(round(services.ftp_w))
        self.statusBar().addWidget(self.status_label, 1)
        self.statusBar().addPermanentWidget(self.trainer_label)
        self.statusBar().setSizeGripEnabled(False)
        self.library_view.populate()
        self.show_library()

    def _central(self, sidebar: QWidget) -> QWidget:
        central = QWidget()
        row = QHBoxLayout(central)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        row.addWidget(sidebar)
        column = QVBoxLayout()
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        self.banners = QVBoxLayout()  # resume prompt, account banner: never modal
        self.banners.setContentsMargins(24, 12, 24, 0)
        column.addLayout(self.banners)
        column.addWidget(self.pages, 1)
        row.addLayout(column, 1)
        return central

    def _connect_sidebar(self) -> None:
        self.nav_library.clicked.connect(self.show_library)
        self.nav_ride.clicked.connect(self.show_ride)
        for name, button in self.sidebar.screen_buttons.items():
            button.clicked.connect(lambda _=False, n=name: self.show_page(n))

    def finish_setup(self) -> None:
        """What the first frame does not need; runs right after it (idempotent)."""
        if self._finished:
            return
        self._finished = True
        from PySide6.QtGui import QKeySequence, QShortcut

        self.library_view.finish_setup()
        QShortcut(QKeySequence("Ctrl+1"), self).activated.connect(self.show_library)
        QShortcut(QKeySequence("Ctrl+2"), self).activated.connect(self.show_ride)
        for name, number in self.sidebar.shortcut_numbers.items():
            shortcut = QShortcut(QKeySequence(f"Ctrl+{number}"), self)
            shortcut.activated.connect(lambda n=name: self.show_page(n))
        from app.ui.widgets.drop_overlay import FileDropTarget

        self._drop_target = FileDropTarget(self, self.pages, self._import_dropped)
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

    def _show_ftp(self, ftp_w: int) -> None:
        name = self.services.trainer_name
        self.sidebar.foot.setText(f"{name}\nFTP {ftp_w} W")
        self.trainer_label.setText(f"{name}  ·  FTP {ftp_w} W")

    # -- the ride and summary pages, built on first use (they import pyqtgraph) ----------
    @property
    def ride_view(self) -> RideView:
        if self._ride_view is None:
            from app.ui.sounds import SoundCues
            from app.ui.views.ride import RideView

            self._ride_view = RideView(SoundCues(self.services.cache_dir, parent=self))
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
            self._summary_view.set_units(self.units())
            self._summary_view.back_requested.connect(self.show_library)
            self.pages.addWidget(self._summary_view)
        return self._summary_view

    @property
    def ride_active(self) -> bool:
        return self._ride_view is not None and self._ride_view.active

    # -- navigation ------------------------------------------------------------------------
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

    def show_page(self, name: str) -> QWidget | None:
        """One of `SCREENS` by name, built on its first visit; None if not available."""
        screen = self._screens.get(name)
        if screen is None:
            return None
        page = self._pages.get(name)
        if page is None:
            page = self._pages[name] = screen.build(self)
            self.pages.addWidget(page)
        if screen.on_show is not None:
            screen.on_show(page)
        self.pages.setCurrentWidget(page)
        self.sidebar.screen_buttons[name].setChecked(True)
        return page

    def page(self, name: str) -> QWidget | None:
        """The screen's page if it has been built."""
        return self._pages.get(name)

    def _built_screens(self) -> list[tuple[Screen[Any], QWidget]]:
        return [(self._screens[name], page) for name, page in self._pages.items()]

    # -- settings ----------------------------------------------------------------------------
    def units(self) -> str:
        if self.services.settings is None:
            return "metric"
        settings, _problems = self.services.settings.load()
        return str(settings.units)

    def _save_ride_tiles(self, keys: tuple[str, ...]) -> None:
        """Tiles chosen on the ride screen are saved with the settings at once."""
        port = self.services.settings
        if port is None:
            return
        settings_page = self.page("Settings")
        if settings_page is not None:
            settings_page.save_ride_tiles(keys)  # type: ignore[attr-defined]
            return
        settings, _problems = port.load()
        try:
            port.save(settings.model_copy(update={"ride_tiles": tuple(keys)}))
        except (OSError, ValueError) as exc:
            self.statusBar().showMessage(f"Could not save the tiles: {exc}", 10_000)

    def apply_settings(self, settings: RiderSettings) -> None:
        """Saved settings reach every screen that shows them."""
        if self._ride_view is not None:
            self._ride_view.apply_settings(settings)
        if self._summary_view is not None:
            self._summary_view.set_units(str(settings.units))
        for screen, page in self._built_screens():
            if screen.on_settings is not None:
                screen.on_settings(page, settings)
        self.services.ftp_w = float(settings.ftp_w)
        self._show_ftp(settings.ftp_w)
        self.statusBar().showMessage(f"Settings saved. FTP {settings.ftp_w} W.", 5_000)

    # -- after the first frame: help, sync, resume prompt, first run ------------------------
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
        if self.services.sync is None:
            return
        from app.ui.sync_chrome import SyncChrome

        self.sync_chrome = SyncChrome(self, self.services.sync, self.services.todays_workout)
        self.sync_chrome.status_page_requested.connect(lambda: self.show_page("Status"))
        self.sync_chrome.sign_in_requested.connect(self._open_account)
        self.sync_chrome.ride_requested.connect(self.ride_by_id)
        self.sync_chrome.status.connect(self._follow_sync)
        self.banners.addWidget(self.sync_chrome.banner)
        self.library_view.notice_slot.insertWidget(0, self.sync_chrome.today)
        self.sync_chrome.attach()

    def _follow_sync(self, status: SyncStatus) -> None:
        for screen, page in self._built_screens():
            if screen.on_sync_status is not None:
                screen.on_sync_status(page, status)

    def _open_account(self) -> None:
        page = self.show_page("Status")
        if page is not None:
            page.show_account()  # type: ignore[attr-defined]

    def ride_by_id(self, workout_id: str) -> None:
        library = self.services.library
        entry = library.get(workout_id) or library.find(workout_id)
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

    def _setup_first_run(self) -> None:
        if self.services.settings is None:
            return
        settings, _problems = self.services.settings.load()
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
        prompt, chrome = self.resume_prompt, self.sync_chrome
        if prompt is not None:
            prompt.check() if visible else prompt.hide()
        if chrome is not None:
            chrome.show_banner() if visible else chrome.banner.hide()

    def _first_run_finished(self, settings: RiderSettings) -> None:
        self._set_banners_visible(True)
        assert self.services.settings is not None
        try:
            self.services.settings.save(settings)
        except OSError as exc:
            self.statusBar().showMessage(f"Could not save your settings: {exc}", 10_000)
        self.apply_settings(settings)
        self.show_library()

    def _first_run_ramp_test(self, settings: RiderSettings) -> None:
        self._first_run_finished(settings)
        self.ride_by_id("bundled:ramp-test")

    # -- the ride ------------------------------------------------------------------------
    @Slot(object)
    def start_ride(self, entry: CatalogEntry) -> None:
        if self.ride_active:
            self.show_ride()
            return
        started = self._begin_ride(
            lambda view: view.start(self.services.rides, entry.workout, self.services.ftp_w),
            "Could not start the ride",
        )
        if started and self.resume_prompt is not None:  # one ride at a time: offered after
            self.resume_prompt.hide()

    @Slot(str)
    def resume_ride(self, ride_id: str) -> None:
        """Carry on an interrupted ride in place, on the ride screen."""
        port = self.services.interrupted
        if port is None or self.ride_active:
            return

        def resume(view: RideView) -> None:
            starter, workout, ftp_w = port.starter(ride_id)
            view.start(starter, workout, ftp_w)

        self._begin_ride(resume, "Could not resume the ride")

    def _begin_ride(self, start: Callable[[RideView], object], failure: str) -> bool:
        """Start a ride on the ride screen; on failure the library stays usable and the
        status bar says why."""
        view = self.ride_view
        devices = self.services.devices
        view.set_devices_source(devices.live if devices is not None else None)
        try:
            start(view)
        except Exception as exc:
            log.exception(failure)
            self.statusBar().showMessage(f"{failure}: {exc}", 10_000)
            return False
        self.library_view.set_ride_active(True)
        self.nav_ride.setEnabled(True)
        self.show_ride()
        return True

    @Slot(object, object, object, object)
    def _on_ride_finished(
        self,
        summary: RideSummary | None,
        info: RideInfo | None,
        trace_x: np.ndarray,
        trace_y: np.ndarray,
    ) -> None:
        self.library_view.set_ride_active(False)
        if self.resume_prompt is not None:
            self.resume_prompt.check()
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
    def _import_dropped(self, paths: list[Path]) -> None:
        if not self.ride_active:
            self.show_library()
        self.library_view.import_paths(paths)
        what = paths[0].name if len(paths) == 1 else f"{len(paths)} items"
        self.statusBar().showMessage(f"Importing {what}…", 5_000)

    @property
    def drop_overlay_visible(self) -> bool:
        return self._drop_target is not None and self._drop_target.overlay_visible

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self._drop_target is not None:
            self._drop_target.follow_resize()

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
