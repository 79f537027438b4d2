"""The sync screens on their own: the status-bar indicator, the status bridge, the account
banner, the sign-in panel, the service status page and today's workout card.

Sync is a fake `SyncControl` whose futures the tests complete by hand, from the test or
from another thread, while the UI keeps running. No sleeps: qtbot waits for signals and
conditions.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from PySide6.QtCore import QObject, Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from app.core.auth.token import TokenStorage
from app.core.sync.models import (
    ComponentState,
    ComponentStatus,
    Incident,
    ServiceIndicator,
    StatusSummary,
)
from app.core.sync.status import FailedRide, SyncState, SyncStatus
from app.ui.bridge import SyncStatusBridge
from app.ui.ports.sync import (
    ServiceComponent,
    ServiceEvent,
    ServicePage,
    ServiceUpdate,
    StatusListener,
    StatuspageSummaryLike,
    SyncControl,
    TodayWorkout,
    service_page,
)
from app.ui.sync_words import token_words, when_words, window_words
from app.ui.views.status_view import StatusView
from app.ui.widgets.account_banner import SIGN_IN_TEXT, AccountBanner
from app.ui.widgets.signin_panel import SignInPanel, validate_sign_in
from app.ui.widgets.sync_indicator import SyncIndicator
from app.ui.widgets.today_card import TodayCard

SERVER = "https://sync.example.com"
EMAIL = "sam@example.com"
NOW = datetime(2026, 3, 4, 18, 30, tzinfo=UTC)


def status(state: SyncState = SyncState.UP_TO_DATE, **fields: Any) -> SyncStatus:
    fields.setdefault("token_state", TokenStorage.KEYRING)
    if state is SyncState.SIGN_IN_NEEDED:
        fields["token_state"] = TokenStorage.SIGNED_OUT
    elif fields["token_state"] is not TokenStorage.SIGNED_OUT:
        fields.setdefault("account_email", EMAIL)
    fields.setdefault("server_url", SERVER)
    return SyncStatus(state, fields.pop("message", f"{state.value}."), **fields)


FAILED = FailedRide(
    "ride-1",
    "The server could not read this ride's file. The ride is kept on this computer; "
    "you can export it.",
    "Sweet Spot 3x15",
    "2026-03-03T18:05:00+00:00",
)


@dataclass
class FakeSync:
    """A SyncControl: every call is recorded; each future-returning call hands out a new
    pending Future (kept in `futures[name]`) unless a ready one is queued in `next`."""

    current: SyncStatus = field(default_factory=status)
    listeners: list[StatusListener] = field(default_factory=list)
    calls: list[tuple[str, tuple[Any, ...]]] = field(default_factory=list)
    futures: dict[str, list[Future[Any]]] = field(default_factory=dict)
    next: dict[str, Future[Any]] = field(default_factory=dict)

    def _future(self, name: str, *args: Any) -> Future[Any]:
        self.calls.append((name, args))
        future = self.next.pop(name, None) or Future()
        self.futures.setdefault(name, []).append(future)
        return future

    def sync_now(self) -> None:
        self.calls.append(("sync_now", ()))

    def status(self) -> SyncStatus:
        return self.current

    def add_listener(self, listener: StatusListener) -> Callable[[], None]:
        self.listeners.append(listener)
        return lambda: self.listeners.remove(listener)

    def sign_in(self, server_url: str, email: str, password: str) -> Future[None]:
        return self._future("sign_in", server_url, email, password)

    def sign_out(self) -> Future[None]:
        return self._future("sign_out")

    def check_connection(self) -> Future[str]:
        return self._future("check_connection")

    def status_page_summary(self) -> Future[StatuspageSummaryLike | None]:
        return self._future("status_page_summary")

    def names(self) -> list[str]:
        return [name for name, _ in self.calls]


def done(value: Any = None) -> Future[Any]:
    future: Future[Any] = Future()
    future.set_result(value)
    return future


def failed(message: str) -> Future[Any]:
    future: Future[Any] = Future()
    future.set_exception(RuntimeError(message))
    return future


def complete_in_thread(future: Future[Any], value: Any = None, error: str = "") -> None:
    """Complete `future` on another thread, as the real adapters do."""

    def work() -> None:
        if error:
            future.set_exception(RuntimeError(error))
        else:
            future.set_result(value)

    thread = threading.Thread(target=work, name="fake-sync")
    thread.start()
    thread.join()


def _typing_check(control: FakeSync) -> SyncControl:
    return control  # mypy: the fake satisfies the port


# -- the indicator ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "snapshot, text, tone",
    [
        (status(SyncState.UP_TO_DATE), "Up to date", "good"),
        (status(SyncState.SYNCING), "Syncing…", "busy"),
        (status(SyncState.OFFLINE, rides_waiting=2), "Offline — riding works as usual", "muted"),
        (status(SyncState.SIGN_IN_NEEDED, rides_waiting=3), "Sign in to sync", "warning"),
        (status(SyncState.UP_TO_DATE, rides_waiting=2), "2 rides waiting", "busy"),
        (status(SyncState.UP_TO_DATE, rides_waiting=1), "1 ride waiting", "busy"),
        (
            status(SyncState.UP_TO_DATE, rides_failed=1, failed_rides=(FAILED,)),
            "1 upload failed",
            "danger",
        ),
        (status(SyncState.OFFLINE, rides_failed=2), "2 uploads failed", "danger"),
        (status(SyncState.ERROR, detail="HTTP 503"), "Sync trouble — will retry", "warning"),
    ],
)
def test_indicator_says_the_one_thing_that_matters(
    qtbot: QtBot, snapshot: SyncStatus, text: str, tone: str
) -> None:
    indicator = SyncIndicator()
    qtbot.addWidget(indicator)
    indicator.set_status(snapshot)
    assert indicator.text() == text
    assert indicator.tone == tone
    assert indicator.label.property("tone") == tone
    assert indicator.accessibleDescription() == text


def test_indicator_tooltip_has_the_details_and_a_click_asks_for_them(qtbot: QtBot) -> None:
    indicator = SyncIndicator(now=lambda: NOW)
    qtbot.addWidget(indicator)
    last = NOW - timedelta(minutes=5)
    indicator.set_status(
        status(
            SyncState.UP_TO_DATE,
            message="Up to date. 2 rides are waiting to upload.",
            last_success_at=last,
            rides_waiting=2,
            token_state=TokenStorage.MEMORY_ONLY,
        )
    )
    tip = indicator.toolTip()
    assert "Up to date. 2 rides are waiting to upload." in tip
    assert f"Last synced: {when_words(last, NOW)}" in tip
    assert "Waiting to upload: 2 rides" in tip
    assert f"Account: {EMAIL} on {SERVER}" in tip
    assert "token kept in memory only this session" in tip

    indicator.set_status(status(token_state=TokenStorage.PLAINTEXT))
    assert "plaintext file (you opted in)" in indicator.toolTip()
    assert "Last synced: never" in indicator.toolTip()

    with qtbot.waitSignal(indicator.clicked, timeout=1000):
        QTest.mouseClick(indicator, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(indicator.clicked, timeout=1000):
        QTest.keyClick(indicator, Qt.Key.Key_Space)


# -- worker thread -> UI thread ---------------------------------------------------------------


def test_bridge_brings_a_status_from_the_worker_thread_to_the_ui_thread(qtbot: QtBot) -> None:
    bridge = SyncStatusBridge()
    indicator = SyncIndicator()
    qtbot.addWidget(indicator)
    seen_on: list[threading.Thread] = []

    class Receiver(QObject):
        def note(self, _status: SyncStatus) -> None:
            seen_on.append(threading.current_thread())

    receiver = Receiver()
    bridge.status.connect(indicator.set_status)
    bridge.status.connect(receiver.note)
    control = FakeSync(current=status(SyncState.OFFLINE))
    bridge.attach(control)  # registers on_status, and shows the current status at once
    assert indicator.text() == "Offline — riding works as usual"
    assert control.listeners == [bridge.on_status]

    emitted_on: list[threading.Thread] = []

    def worker() -> None:
        emitted_on.append(threading.current_thread())
        for listener in list(control.listeners):
            listener(status(SyncState.SYNCING))

    thread = threading.Thread(target=worker, name="sync-worker")
    thread.start()
    thread.join()
    assert indicator.text() != "Syncing…"  # queued: nothing ran on the worker thread
    qtbot.waitUntil(lambda: indicator.text() == "Syncing…", timeout=2000)
    assert emitted_on[0] is not threading.main_thread()
    assert seen_on[-1] is threading.main_thread()

    bridge.detach()
    assert control.listeners == []
    del bridge  # a status after the window has gone is dropped quietly


# -- the account banner -----------------------------------------------------------------------


def test_banner_asks_to_sign_in_and_not_now_means_not_now(qtbot: QtBot) -> None:
    banner = AccountBanner()
    qtbot.addWidget(banner)
    banner.set_status(status(SyncState.UP_TO_DATE))
    assert banner.isHidden()

    banner.set_status(status(SyncState.SIGN_IN_NEEDED))
    assert not banner.isHidden()
    assert banner.kind == "sign_in"
    assert banner.text.text() == SIGN_IN_TEXT
    with qtbot.waitSignal(banner.sign_in_requested, timeout=1000):
        banner.sign_in_button.click()

    with qtbot.waitSignal(banner.dismissed, timeout=1000) as dismissed:
        banner.not_now_button.click()
    assert dismissed.args == ["sign_in"]
    assert banner.isHidden()
    banner.set_status(status(SyncState.SIGN_IN_NEEDED))  # the same need: stays quiet
    assert banner.isHidden()

    banner.set_status(status(SyncState.UP_TO_DATE))  # signed in again...
    banner.set_status(status(SyncState.SIGN_IN_NEEDED))  # ...and later out: news again
    assert not banner.isHidden()


def test_banner_tells_about_a_ride_that_could_not_be_uploaded(qtbot: QtBot) -> None:
    banner = AccountBanner()
    qtbot.addWidget(banner)
    snapshot = status(SyncState.UP_TO_DATE, rides_failed=1, failed_rides=(FAILED,))
    banner.set_status(snapshot)
    assert not banner.isHidden()
    assert banner.kind == "failed"
    assert banner.property("kind") == "error"
    assert banner.text.text() == (
        "«Sweet Spot 3x15» could not be uploaded: the server could not read this ride's "
        "file. It stays on this computer and can be exported."
    )
    assert banner.sign_in_button.isHidden()
    assert banner.details.isHidden()
    banner.details_button.click()
    assert not banner.details.isHidden()
    assert "ride-1" in banner.details.text()
    assert "Sweet Spot 3x15" in banner.details.text()

    banner.close_button.click()
    assert banner.isHidden()
    banner.set_status(snapshot)  # the same failure: stays closed
    assert banner.isHidden()

    second = FailedRide("ride-2", "The server refused this ride (HTTP 400).", "", "")
    banner.set_status(replace(snapshot, rides_failed=2, failed_rides=(FAILED, second)))
    assert not banner.isHidden()  # a new failure
    assert banner.text.text().startswith("2 rides could not be uploaded.")

    banner.set_status(status(SyncState.UP_TO_DATE))
    assert banner.isHidden()


def test_sign_in_comes_before_failed_uploads(qtbot: QtBot) -> None:
    banner = AccountBanner()
    qtbot.addWidget(banner)
    both = status(SyncState.SIGN_IN_NEEDED, rides_failed=1, failed_rides=(FAILED,))
    banner.set_status(both)
    assert banner.kind == "sign_in"
    banner.not_now_button.click()
    banner.set_status(both)
    assert banner.kind == "failed"
    assert not banner.isHidden()


# -- signing in -------------------------------------------------------------------------------


def test_sign_in_form_checks_what_was_typed() -> None:
    assert validate_sign_in(SERVER, EMAIL, "pw") == {}
    assert validate_sign_in("http://localhost:8000", EMAIL, "pw") == {}
    problems = validate_sign_in("sync.example.com", "sam@", "")
    assert set(problems) == {"server", "email", "password"}
    assert "https://" in problems["server"]
    assert "https://" in validate_sign_in("http://sync.example.com", EMAIL, "pw")["server"]
    assert "server" in validate_sign_in("", EMAIL, "pw")


def _panel(qtbot: QtBot, control: FakeSync) -> SignInPanel:
    panel = SignInPanel(control, default_server_url=SERVER)
    qtbot.addWidget(panel)
    panel.set_status(control.current)
    return panel


def test_invalid_form_shows_messages_and_does_not_sign_in(qtbot: QtBot) -> None:
    control = FakeSync(current=status(SyncState.SIGN_IN_NEEDED, server_url=None))
    panel = _panel(qtbot, control)
    assert panel.server.edit.text() == SERVER  # prefilled
    panel.email.edit.setText("not-an-email")
    panel.submit()
    assert "sign_in" not in control.names()
    assert not panel.email.error.isHidden()
    assert "email" in panel.email.error.text().lower()
    assert panel.email.edit.property("invalid") is True
    assert not panel.password.error.isHidden()
    assert panel.server.error.isHidden()
    QTest.keyClicks(panel.email.edit, "x")  # typing clears the message
    assert panel.email.error.isHidden()


def test_sign_in_runs_in_the_background_then_shows_the_account(qtbot: QtBot) -> None:
    control = FakeSync(current=status(SyncState.SIGN_IN_NEEDED))
    panel = _panel(qtbot, control)
    assert not panel.form.isHidden() and panel.account.isHidden()
    panel.email.edit.setText(EMAIL)
    panel.password.edit.setText("secret pw")
    panel.sign_in_button.click()  # returns at once: the future is still pending

    assert control.calls[-1] == ("sign_in", (SERVER, EMAIL, "secret pw"))
    assert panel.busy
    assert not panel.sign_in_button.isEnabled()
    assert panel.sign_in_button.text() == "Signing in…"
    assert not panel.password.edit.isEnabled()
    assert panel.notice.kind == "busy" and not panel.notice.isHidden()
    panel.submit()  # a second press while busy does nothing
    assert control.names().count("sign_in") == 1
    panel.set_status(control.current)  # a status from before the sign-in: no flicker
    assert not panel.form.isHidden()

    with qtbot.waitSignal(panel.signed_in, timeout=2000) as signal:
        complete_in_thread(control.futures["sign_in"][0], None)
    assert signal.args == [EMAIL]
    assert not panel.busy
    assert panel.is_signed_in
    assert panel.form.isHidden() and not panel.account.isHidden()
    assert EMAIL in panel.account_label.text()
    assert panel.password.edit.text() == ""  # the password is not kept
    assert panel.notice.kind == "success"

    panel.set_status(status(SyncState.SYNCING, token_state=TokenStorage.MEMORY_ONLY))
    assert panel.token_text() == token_words(TokenStorage.MEMORY_ONLY)
    assert "memory only this session" in panel.token_text()


def test_a_refused_sign_in_is_shown_inline_in_plain_words(qtbot: QtBot) -> None:
    control = FakeSync(current=status(SyncState.SIGN_IN_NEEDED))
    panel = _panel(qtbot, control)
    panel.email.edit.setText(EMAIL)
    panel.password.edit.setText("wrong")
    panel.submit()
    future = control.futures["sign_in"][0]
    assert not future.done()
    complete_in_thread(future, error="Wrong email or password.")
    qtbot.waitUntil(lambda: panel.notice.kind == "error", timeout=2000)
    assert panel.notice.text.text() == "Could not sign in. Wrong email or password."
    assert not panel.busy
    assert panel.sign_in_button.isEnabled() and panel.password.edit.isEnabled()
    assert not panel.is_signed_in
    assert panel.password.edit.text() == "wrong"  # selected, to type over

    control.next["sign_in"] = failed("")  # no words: a fallback sentence
    panel.submit()
    assert panel.notice.text.text() == "Could not sign in. Sign-in failed."


def test_sign_out_from_the_signed_in_state(qtbot: QtBot) -> None:
    control = FakeSync(current=status(SyncState.UP_TO_DATE, token_state=TokenStorage.PLAINTEXT))
    panel = _panel(qtbot, control)
    assert panel.is_signed_in
    assert panel.account_label.text() == f"Signed in as {EMAIL}"
    assert panel.server_label.text() == f"on {SERVER}"
    assert panel.token_text() == "Token kept in a plaintext file (you opted in)."
    panel.sign_out_button.click()
    assert panel.sign_out_button.text() == "Signing out…"
    with qtbot.waitSignal(panel.signed_out, timeout=2000):
        complete_in_thread(control.futures["sign_out"][0], None)
    assert not panel.is_signed_in
    assert not panel.form.isHidden()
    assert panel.email.edit.text() == EMAIL  # kept, for signing in again

    panel.set_status(control.current)
    control.next["sign_out"] = failed("the keyring is locked")
    panel.sign_out()
    assert panel.is_signed_in
    assert panel.notice.text.text() == "Could not sign out. The keyring is locked."


# -- the service status page ------------------------------------------------------------------


def _summary() -> ServicePage:
    start = datetime(2026, 3, 7, 2, 0, tzinfo=UTC)
    return ServicePage(
        page_name="Freewheel",
        indicator="minor",
        description="Partially Degraded Service",
        components=(
            ServiceComponent("API", "operational"),
            ServiceComponent("Ride uploads", "degraded_performance"),
            ServiceComponent("Flux capacitor", "wibbly"),
        ),
        incidents=(
            ServiceEvent(
                "Slow uploads",
                "monitoring",
                "minor",
                (
                    ServiceUpdate("A fix is deployed.", "monitoring", NOW - timedelta(minutes=10)),
                    ServiceUpdate("Looking into it.", "investigating", NOW - timedelta(hours=1)),
                ),
            ),
            ServiceEvent("Odd one", "on_fire", "galactic"),
        ),
        scheduled_maintenances=(
            ServiceEvent(
                "Database upgrade",
                "scheduled",
                "maintenance",
                (ServiceUpdate("Sync is paused for an hour.", "scheduled"),),
                scheduled_for=start,
                scheduled_until=start + timedelta(hours=1),
            ),
        ),
        fetched_at=NOW,
    )


def _view(qtbot: QtBot, control: FakeSync) -> StatusView:
    view = StatusView(control, default_server_url=SERVER, now=lambda: NOW)
    qtbot.addWidget(view)
    return view


def test_status_view_renders_components_incidents_and_maintenance(qtbot: QtBot) -> None:
    control = FakeSync()
    view = _view(qtbot, control)
    view.refresh()
    assert view.refreshing
    assert not view.refresh_button.isEnabled()
    assert view.refresh_button.text() == "Checking…"
    view.refresh()  # one check at a time
    assert control.names().count("status_page_summary") == 1

    complete_in_thread(control.futures["status_page_summary"][0], _summary())
    qtbot.waitUntil(lambda: not view.refreshing, timeout=2000)
    assert view.refresh_button.isEnabled() and view.refresh_button.text() == "Refresh"
    assert view.headline.text() == "Partially Degraded Service"
    assert view.component_rows() == [
        ("API", "Operational"),
        ("Ride uploads", "Degraded performance"),
        ("Flux capacitor", "Unknown"),  # a status value the UI does not know
    ]
    texts = view.shown_texts()
    maintenance = _summary().scheduled_maintenances[0]
    for expected in (
        "Operational",
        "Degraded performance",
        "Unknown",
        "Slow uploads",
        "Monitoring",
        "Minor impact",
        "Monitoring — A fix is deployed.",
        "Investigating — Looking into it.",
        "Odd one",
        "Unknown impact",
        "Database upgrade",
        "Scheduled",
        "Scheduled — Sync is paused for an hour.",
        f"{window_words(maintenance.scheduled_for, maintenance.scheduled_until)} (your local time)",
        f"Last checked {when_words(NOW, NOW)}",
    ):
        assert expected in texts, expected
    assert texts.index("Monitoring — A fix is deployed.") < texts.index(
        "Investigating — Looking into it."
    )
    assert texts.count("Unknown") == 2  # the component's chip and the odd incident's status


def test_maintenance_window_is_in_local_time() -> None:
    start = datetime(2026, 3, 7, 2, 0, tzinfo=UTC)
    local = start.astimezone()
    words = window_words(start, start + timedelta(hours=1))
    assert words.startswith(f"{local:%a} {local.day} {local:%b}, {local:%H:%M}")
    assert f"{(start + timedelta(hours=1)).astimezone():%H:%M}" in words
    assert window_words(None, None) == "time not announced"


def test_status_view_takes_the_core_summary_too(qtbot: QtBot) -> None:
    core = StatusSummary(
        page_name="Freewheel",
        indicator=ServiceIndicator.MAJOR,
        description="",
        components=(ComponentStatus("API", ComponentState.parse("exploded")),),
        incidents=(Incident("API down", "identified", "major", "We found the cause."),),
    )
    assert service_page(core).incidents[0].updates[0].body == "We found the cause."
    control = FakeSync()
    control.next["status_page_summary"] = done(core)
    view = _view(qtbot, control)
    view.refresh()  # already done: shown at once
    assert view.headline.text() == "Major service outage"
    assert view.component_rows() == [("API", "Unknown")]
    assert "Identified — We found the cause." in view.shown_texts()
    assert "No maintenance scheduled." in view.shown_texts()


def test_status_view_keeps_what_it_had_when_the_page_cannot_be_reached(qtbot: QtBot) -> None:
    control = FakeSync()
    control.next["status_page_summary"] = done(_summary())
    view = _view(qtbot, control)
    view.refresh()
    control.next["status_page_summary"] = failed("the status page did not answer in time")
    view.refresh()
    assert view.headline.text() == "Partially Degraded Service"
    assert view.service_note.text().startswith(
        "Could not check the status page: The status page did not answer in time."
    )
    control.next["status_page_summary"] = done(None)
    view.refresh()
    assert view.headline.text() == "No service status"
    assert "no status page" in view.service_note.text()


def test_status_view_shows_the_last_sync_view_of_the_service_before_checking(qtbot: QtBot) -> None:
    control = FakeSync(
        current=status(
            SyncState.ERROR,
            service_indicator="wat",
            components=(ComponentStatus("API", ComponentState.MAJOR_OUTAGE),),
            updated_at=NOW - timedelta(minutes=3),
        )
    )
    view = _view(qtbot, control)
    assert view.headline.text() == "Service status unknown"  # unknown indicator
    assert view.component_rows() == [("API", "Major outage")]
    assert view.service_note.text().startswith("As the last sync saw it")


def test_status_view_is_checked_when_first_shown(qtbot: QtBot) -> None:
    control = FakeSync()
    view = _view(qtbot, control)
    assert "status_page_summary" not in control.names()
    view.show()
    qtbot.waitExposed(view)
    assert control.names().count("status_page_summary") == 1


def test_is_it_me_or_them_shows_the_diagnosis(qtbot: QtBot) -> None:
    control = FakeSync()
    view = _view(qtbot, control)
    assert view.answer.isHidden()
    view.check_button.click()
    assert view.checking and not view.check_button.isEnabled()
    assert not view.answer.isHidden()
    assert view.answer_text.text().startswith("Checking")
    answer = "Your connection works; the Freewheel server is not answering properly."
    complete_in_thread(control.futures["check_connection"][0], answer)
    qtbot.waitUntil(lambda: not view.checking, timeout=2000)
    assert view.answer_text.text() == answer
    assert view.check_button.isEnabled()
    assert view.answer_progress.isHidden()

    control.next["check_connection"] = failed("no reachability check is configured")
    view.check_connection()
    assert view.answer_text.text() == (
        "The check could not run: No reachability check is configured."
    )


def test_status_view_shows_the_sync_state_and_syncs_now(qtbot: QtBot) -> None:
    control = FakeSync(
        current=status(
            SyncState.UP_TO_DATE,
            message="Up to date. 2 rides are waiting to upload.",
            rides_waiting=2,
            rides_failed=1,
            failed_rides=(FAILED,),
            last_success_at=NOW - timedelta(minutes=4),
            next_upload_at=NOW + timedelta(minutes=6),
        )
    )
    view = _view(qtbot, control)
    assert view.sync_state.text() == "1 upload failed"
    assert view.sync_message.text() == "Up to date. 2 rides are waiting to upload."
    assert view.last_sync_value.text() == when_words(NOW - timedelta(minutes=4), NOW).capitalize()
    assert view.waiting_value.text().startswith("2 rides · next try ")
    assert view.failed_value.text() == "1 ride · kept on this computer"
    assert "Sweet Spot 3x15" in view.failed_list.text()
    assert view.sign_in_panel.is_signed_in

    view.sync_now_button.click()
    assert control.names() == ["sync_now"]
    assert not view.sync_now_button.isEnabled()
    view.set_status(status(SyncState.SYNCING))
    assert view.sync_now_button.text() == "Syncing…"
    view.set_status(status(SyncState.UP_TO_DATE))
    assert view.sync_now_button.isEnabled()
    view.set_status(status(SyncState.SIGN_IN_NEEDED))
    assert not view.sync_now_button.isEnabled()  # nothing to sync with until signed in
    assert not view.sign_in_panel.is_signed_in


def test_signing_in_from_the_status_page_asks_for_a_sync(qtbot: QtBot) -> None:
    control = FakeSync(current=status(SyncState.SIGN_IN_NEEDED))
    control.next["sign_in"] = done(None)
    view = _view(qtbot, control)
    view.show_account()
    panel = view.sign_in_panel
    panel.email.edit.setText(EMAIL)
    panel.password.edit.setText("pw")
    with qtbot.waitSignal(view.signed_in, timeout=1000):
        panel.submit()
    assert control.names() == ["sign_in", "sync_now"]


# -- today's workout --------------------------------------------------------------------------


def test_today_card(qtbot: QtBot) -> None:
    today = date(2026, 3, 4)
    item: list[TodayWorkout | None] = [None]
    card = TodayCard(lambda: item[0], today=lambda: today)
    qtbot.addWidget(card)
    card.refresh()
    assert card.isHidden()

    item[0] = TodayWorkout(
        "Today", "synced:ss-3x15", "Sweet Spot 3x15", 4500, today, "Keep cadence  above 90"
    )
    card.refresh()
    assert not card.isHidden()
    assert card.text() == "Today: Sweet Spot 3x15 · 1:15 · Keep cadence above 90"
    assert card.ride_button.text() == "Ride  ▶"
    with qtbot.waitSignal(card.ride_requested, timeout=1000) as ride:
        card.ride_button.click()
    assert ride.args == ["synced:ss-3x15"]

    card.set_today(TodayWorkout("Next planned", "", "Endurance Hour", 3600, date(2026, 3, 5)))
    assert card.text() == "Next planned: Endurance Hour · 1:00 · tomorrow"
    with qtbot.waitSignal(card.ride_requested, timeout=1000) as ride:
        card.ride_button.click()
    assert ride.args == ["Endurance Hour"]  # no id: the name

    card.set_today(TodayWorkout("Last ridden", "x", "VO2 5x4", None, date(2026, 3, 1)))
    assert card.ride_button.text() == "Ride again"
    assert card.text() == "Last ridden: VO2 5x4 · Sun"

    def broken() -> TodayWorkout:
        raise OSError("calendar cache unreadable")

    card = TodayCard(broken)
    qtbot.addWidget(card)
    card.refresh()  # a broken source hides the card, nothing more
    assert card.isHidden()


def test_a_server_asking_to_wait_shows_the_next_try_in_status_and_tooltip(qtbot: QtBot) -> None:
    later = NOW + timedelta(minutes=20)
    busy = status(
        SyncState.ERROR,
        message="The server is busy.",
        last_success_at=NOW - timedelta(hours=1),
        retry_not_before=later,
        next_sync_at=later,
    )
    view = _view(qtbot, FakeSync())
    view.set_status(busy)
    assert view.last_sync_value.text().endswith(f"next try {when_words(later, NOW)}")
    indicator = SyncIndicator(now=lambda: NOW)
    qtbot.addWidget(indicator)
    indicator.set_status(busy)
    assert f"Next try: {when_words(later, NOW)}" in indicator.toolTip()
    # up to date: the next periodic sync is not news
    calm = replace(busy, state=SyncState.UP_TO_DATE)
    view.set_status(calm)
    assert "next try" not in view.last_sync_value.text()
