"""What sync adds around the pages: the status-bar indicator, the account banner and the
library's "today" card, all following the sync worker's status.

Built right after the first frame. Sync is a side road: if it cannot be attached, the
indicator and banner hide and the app goes on without them.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMainWindow

from app.core.sync.status import SyncStatus
from app.ui.bridge import SyncStatusBridge
from app.ui.ports.sync import SyncControl, TodaySource
from app.ui.widgets.account_banner import AccountBanner
from app.ui.widgets.sync_indicator import SyncIndicator
from app.ui.widgets.today_card import TodayCard

__all__ = ["SyncChrome"]

log = logging.getLogger(__name__)


class SyncChrome(QObject):
    """Signals: `status(SyncStatus)` on the UI thread after every change;
    `status_page_requested`; `sign_in_requested`; `ride_requested(workout id or name)`."""

    status = Signal(object)
    status_page_requested = Signal()
    sign_in_requested = Signal()
    ride_requested = Signal(str)

    def __init__(self, window: QMainWindow, sync: SyncControl, today: TodaySource | None) -> None:
        super().__init__(window)
        self.sync = sync
        self.bridge = SyncStatusBridge(self)
        self.indicator = SyncIndicator(window)
        self.indicator.clicked.connect(self.status_page_requested)
        window.statusBar().addPermanentWidget(self.indicator)
        self.banner = AccountBanner(window)
        self.banner.sign_in_requested.connect(self.sign_in_requested)
        self.today = TodayCard(today)
        self.today.ride_requested.connect(self.ride_requested)
        self.bridge.status.connect(self.indicator.set_status)
        self.bridge.status.connect(self._account_news)
        self.bridge.status.connect(lambda _status: self.today.refresh())
        self.bridge.status.connect(self.status)

    def attach(self) -> None:
        try:
            self.bridge.attach(self.sync)
        except Exception:  # sync is a side road: the app goes on without it
            log.exception("sync is unavailable")
            self.indicator.hide()
            self.banner.hide()

    def show_banner(self) -> None:
        """Show the banner again if the current status asks for it."""
        self._account_news(self.sync.status())

    def _account_news(self, status: SyncStatus) -> None:
        """A rider who never set up an account is not nagged to sign in: the banner is
        for a sign-in that lapsed, or uploads that failed."""
        if not status.server_url and not status.rides_failed:
            self.banner.hide()
        else:
            self.banner.set_status(status)
