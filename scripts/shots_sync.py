"""Render the sync screens offscreen and save PNGs, to look at them.

    .venv/bin/python scripts/shots_sync.py [OUT_DIR] [--scale 2]

The real main window (bundled library, themed, 1280×800) with the sync widgets added the
way the composition root will add them: a "Status" page in the sidebar, the sync indicator
in the status bar, the banner and today's card above the library list. Sync itself is a
fake `SyncControl` with a realistic Statuspage summary.

1. status.png: the Service Status page, signed in: one degraded component, an incident
   with two updates, a scheduled maintenance; sync up to date with 2 rides waiting
2. status-signin.png: the same page signed out: the sign-in form with a validation message,
   a sign-in refused inline, and the "Is it me or them?" answer
3. banner.png: the library with the sign-in banner, and the failed-upload banner (details
   open) under it
4. today.png: the library with today's workout card, the indicator saying "Up to date"
5. indicators.png: the status-bar indicator in each state, tooltip text beside it
"""

from __future__ import annotations

import sys
import tempfile
from concurrent.futures import Future
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "scripts")]  # the app, and shot_kit
FTP_W = 250.0


def _done(value: Any = None, error: BaseException | None = None) -> Future[Any]:
    future: Future[Any] = Future()
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(value)
    return future


def main(argv: list[str] | None = None) -> int:
    import shot_kit as kit

    args = kit.arg_parser(__doc__).parse_args(argv)

    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import (
        QFrame,
        QHBoxLayout,
        QLabel,
        QLineEdit,
        QPushButton,
        QStatusBar,
        QVBoxLayout,
        QWidget,
    )

    from app.core.auth.token import TokenStorage
    from app.core.sync.status import FailedRide, SyncState, SyncStatus, compose_message
    from app.infra.paths import app_paths
    from app.services.library import open_library
    from app.ui.app import create_main_window
    from app.ui.bridge import SyncStatusBridge
    from app.ui.ports.sync import (
        ServiceComponent,
        ServiceEvent,
        ServicePage,
        ServiceUpdate,
        TodayWorkout,
    )
    from app.ui.services import GuiServices
    from app.ui.views.status_view import StatusView
    from app.ui.widgets.account_banner import AccountBanner
    from app.ui.widgets.sync_indicator import SyncIndicator
    from app.ui.widgets.today_card import TodayCard

    app = kit.themed_app(args.scale)
    out: Path = args.out

    now = datetime.now().astimezone().replace(second=0, microsecond=0)
    server = "https://sync.freewheel.example"
    days_to_saturday = (5 - now.weekday()) % 7 or 7
    saturday = (now + timedelta(days=days_to_saturday)).replace(hour=2, minute=0)
    page = ServicePage(
        page_name="Freewheel",
        indicator="minor",
        description="Partially Degraded Service",
        components=(
            ServiceComponent("Sign-in", "operational"),
            ServiceComponent("Workout library", "operational"),
            ServiceComponent("Ride uploads", "degraded_performance"),
            ServiceComponent("Calendar", "operational"),
            ServiceComponent("Status page", "operational"),
        ),
        incidents=(
            ServiceEvent(
                "Ride uploads are slow",
                "monitoring",
                "minor",
                (
                    ServiceUpdate(
                        "A fix is in place and waiting uploads are going through again. "
                        "We are watching the queue.",
                        "monitoring",
                        now - timedelta(minutes=12),
                    ),
                    ServiceUpdate(
                        "Uploads take longer than usual; some time out and are retried. "
                        "Rides stay on your computer until they are through.",
                        "investigating",
                        now - timedelta(minutes=47),
                    ),
                ),
            ),
        ),
        scheduled_maintenances=(
            ServiceEvent(
                "Database upgrade",
                "scheduled",
                "maintenance",
                (
                    ServiceUpdate(
                        "Sync is unavailable for up to an hour. Riding is not affected; "
                        "rides upload afterwards.",
                        "scheduled",
                        now - timedelta(days=1),
                    ),
                ),
                scheduled_for=saturday,
                scheduled_until=saturday + timedelta(hours=1),
            ),
        ),
        fetched_at=now,
    )
    waiting = SyncStatus(
        SyncState.UP_TO_DATE,
        compose_message(SyncState.UP_TO_DATE, rides_waiting=2),
        token_state=TokenStorage.KEYRING,
        last_success_at=now - timedelta(minutes=4),
        rides_waiting=2,
        account_email="sam.rider@example.com",
        server_url=server,
        service_indicator="minor",
        service_description="Partially Degraded Service",
        updated_at=now - timedelta(minutes=4),
        next_upload_at=now + timedelta(minutes=6),
    )
    signed_out = SyncStatus(
        SyncState.SIGN_IN_NEEDED,
        compose_message(SyncState.SIGN_IN_NEEDED, rides_waiting=2),
        token_state=TokenStorage.SIGNED_OUT,
        rides_waiting=2,
        server_url=server,
        last_success_at=now - timedelta(days=3, hours=2),
    )
    failed_ride = FailedRide(
        "r-7f3a",
        "The server could not read this ride's file. The ride is kept on this computer; "
        "you can export it.",
        "Sweet Spot 3x15",
        (now - timedelta(days=1, hours=3)).isoformat(),
    )
    failed = SyncStatus(
        SyncState.UP_TO_DATE,
        compose_message(SyncState.UP_TO_DATE, rides_failed=1),
        token_state=TokenStorage.KEYRING,
        last_success_at=now - timedelta(minutes=2),
        rides_failed=1,
        failed_rides=(failed_ride,),
        account_email="sam.rider@example.com",
        server_url=server,
    )

    class FakeSync:
        """A SyncControl whose futures are already done."""

        def __init__(self, status: SyncStatus) -> None:
            self.current = status
            self.sign_in_error: str | None = None

        def sync_now(self) -> None:
            pass

        def status(self) -> SyncStatus:
            return self.current

        def add_listener(self, listener: Any) -> Any:
            return lambda: None

        def sign_in(self, server_url: str, email: str, password: str) -> Future[None]:
            error = RuntimeError(self.sign_in_error) if self.sign_in_error else None
            return _done(None, error)

        def sign_out(self) -> Future[None]:
            return _done()

        def check_connection(self) -> Future[str]:
            return _done(
                "Your connection works; the Freewheel server is not answering properly. "
                "It is them: rides wait on this computer and upload later."
            )

        def status_page_summary(self) -> Future[Any]:
            return _done(page)

    home = Path(tempfile.mkdtemp(prefix="freewheel-sync-shots-"))
    library = open_library(app_paths(home))
    services = GuiServices(
        library=library,
        rides=None,  # type: ignore[arg-type]  # nothing is ridden here
        ftp_w=FTP_W,
        trainer_name="Freewheel Sim Trainer",
        status_text="Simulated trainer",
    )

    def settle(widget: QWidget) -> None:
        focused = app.focusWidget()
        if focused is not None and not isinstance(focused, QLineEdit):
            focused.clearFocus()  # no focus ring on whichever button came first
        kit.settle()
        widget.repaint()
        app.processEvents()

    def save(widget: QWidget, name: str) -> None:
        settle(widget)
        kit.save(widget, out / name, rounds=0)

    def shell(control: FakeSync) -> tuple[Any, StatusView, SyncIndicator, QPushButton]:
        """The main window with a Status page, nav button and status-bar indicator."""
        window = create_main_window(services)
        window.resize(kit.WIDTH, kit.HEIGHT)
        window.finish_setup()
        view = StatusView(control, default_server_url=server)
        window.pages.addWidget(view)
        nav = QPushButton("Status")
        nav.setProperty("nav", True)
        nav.setCheckable(True)
        window.nav_group.addButton(nav)
        sidebar = window.nav_ride.parentWidget()
        sidebar_layout = sidebar.layout() if sidebar is not None else None
        if isinstance(sidebar_layout, QVBoxLayout):
            sidebar_layout.insertWidget(sidebar_layout.indexOf(window.nav_ride) + 1, nav)
        indicator = SyncIndicator()
        window.statusBar().addPermanentWidget(indicator)
        bridge = SyncStatusBridge(window)
        bridge.status.connect(indicator.set_status)
        bridge.status.connect(view.set_status)
        bridge.attach(control)
        window.show()
        settle(window)
        return window, view, indicator, nav

    # 1. the status page, signed in, two rides waiting
    control = FakeSync(waiting)
    window, view, _indicator, nav = shell(control)
    window.pages.setCurrentWidget(view)
    nav.setChecked(True)
    save(window, "status.png")

    # 2. signed out: a validation message, a refusal, the connection check's answer
    control.current = signed_out
    control.sign_in_error = "Wrong email or password."
    window2, view2, _indicator2, nav2 = shell(control)
    window2.pages.setCurrentWidget(view2)
    nav2.setChecked(True)
    settle(window2)
    panel = view2.sign_in_panel
    panel.email.edit.setText("sam.rider@example")
    panel.password.edit.setText("hunter2")
    panel.submit()  # validation: the email
    view2.check_connection()
    save(window2, "status-signin-invalid.png")
    panel.email.edit.setText("sam.rider@example.com")
    panel.email.clear_error()
    panel.submit()  # refused
    save(window2, "status-signin.png")
    window2.close()

    # 3. the library with the banners
    window.show_library()
    banner = AccountBanner()
    banner.set_status(signed_out)
    failed_banner = AccountBanner()
    failed_banner.set_status(failed)
    failed_banner.details_button.setChecked(True)
    slot = window.library_view.notice_slot
    slot.addWidget(banner)
    slot.addWidget(failed_banner)
    control.current = failed
    _indicator.set_status(signed_out)
    save(window, "banner.png")
    banner.hide()
    failed_banner.hide()

    # 4. the library with today's workout
    sweet = library.find("sweet-spot-3x15") or library.entries()[0]
    card = TodayCard(
        lambda: TodayWorkout(
            "Today",
            sweet.id,
            sweet.name,
            sweet.duration_s,
            date.today(),
            "Keep cadence above 90 in the blocks",
        )
    )
    slot.addWidget(card)
    card.refresh()
    up_to_date = SyncStatus(
        SyncState.UP_TO_DATE,
        "Up to date.",
        token_state=TokenStorage.KEYRING,
        last_success_at=now - timedelta(minutes=1),
    )
    _indicator.set_status(up_to_date)
    save(window, "today.png")

    # 5. the indicator in each state (on a status bar each, the tooltip beside it)
    gallery = QWidget()
    gallery.setObjectName("Page")
    gallery.resize(kit.WIDTH, kit.HEIGHT)
    column = QVBoxLayout(gallery)
    column.setContentsMargins(24, 18, 24, 18)
    column.setSpacing(10)
    heading = QLabel("Sync indicator")
    heading.setProperty("role", "title")
    column.addWidget(heading)
    states = [
        up_to_date,
        SyncStatus(SyncState.SYNCING, "Syncing…", token_state=TokenStorage.KEYRING),
        SyncStatus(
            SyncState.OFFLINE,
            compose_message(SyncState.OFFLINE, detail="no network", rides_waiting=1),
            detail="no network",
            rides_waiting=1,
            token_state=TokenStorage.MEMORY_ONLY,
            last_success_at=now - timedelta(hours=26),
        ),
        signed_out,
        waiting,
        failed,
        SyncStatus(
            SyncState.ERROR,
            compose_message(SyncState.ERROR, detail="HTTP 503"),
            detail="HTTP 503",
            token_state=TokenStorage.PLAINTEXT,
            last_success_at=now - timedelta(minutes=40),
        ),
    ]
    for status in states:
        row = QHBoxLayout()
        row.setSpacing(16)
        bar = QStatusBar()
        bar.setSizeGripEnabled(False)
        bar.setFixedWidth(360)
        bar.setFixedHeight(30)
        indicator = SyncIndicator()
        indicator.set_status(status)
        bar.addPermanentWidget(indicator)
        tip = QLabel(indicator.toolTip().replace("\n\n", "\n").replace("\n", "  ·  "))
        tip.setProperty("role", "muted")
        tip.setWordWrap(True)
        frame = QFrame()
        frame.setObjectName("Card")
        inner = QVBoxLayout(frame)
        inner.setContentsMargins(12, 6, 12, 6)
        inner.addWidget(tip)
        row.addWidget(bar, 0, Qt.AlignmentFlag.AlignTop)
        row.addWidget(frame, 1)
        column.addLayout(row)
    column.addStretch(1)
    gallery.show()
    save(gallery, "indicators.png")
    library.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
