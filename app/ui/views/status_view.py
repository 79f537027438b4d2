"""The service status page: is the sync service well, is sync up to date, who is signed in.

Left, the service as its Statuspage summary tells it: the overall indicator, every
component with a coloured chip, active incidents with their latest updates, scheduled
maintenance windows in local time. Until the page has been checked it shows what the last
sync saw. Right, this computer's sync (state, last sync, rides waiting or failed, "Sync
now") and the account (the sign-in panel).

"Refresh" asks the status page again; "Is it me or them?" runs the connection check and
answers in plain words. Both run off the UI thread (futures from `SyncControl`); the page
stays usable meanwhile. The page is checked by itself the first time it is shown.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app.core.sync.models import ComponentState, ServiceIndicator
from app.core.sync.status import SyncState, SyncStatus
from app.ui.ports.sync import (
    ServiceComponent,
    ServiceEvent,
    ServicePage,
    StatuspageSummaryLike,
    SyncControl,
    service_page,
)
from app.ui.sync_words import (
    component_state,
    event_status_words,
    impact_words,
    indicator_of,
    local_now,
    plural,
    short_state,
    when_words,
    window_words,
)
from app.ui.tasks import TaskRunner, error_text
from app.ui.theme import palette as c
from app.ui.theme.style import set_style_property
from app.ui.widgets.account_banner import ride_label
from app.ui.widgets.signin_panel import SignInPanel
from app.ui.widgets.sync_indicator import StatusDot

__all__ = ["StatusView", "component_words", "indicator_words"]

MAX_UPDATES = 3  # per incident, newest first

_COMPONENT_TONES = {
    ComponentState.OPERATIONAL: "good",
    ComponentState.DEGRADED_PERFORMANCE: "warning",
    ComponentState.PARTIAL_OUTAGE: "orange",
    ComponentState.MAJOR_OUTAGE: "danger",
    ComponentState.UNDER_MAINTENANCE: "info",
    ComponentState.UNKNOWN: "muted",
}
_INDICATOR = {
    ServiceIndicator.NONE: ("All systems operational", "good"),
    ServiceIndicator.MINOR: ("Minor service trouble", "warning"),
    ServiceIndicator.MAJOR: ("Major service outage", "orange"),
    ServiceIndicator.CRITICAL: ("Critical service outage", "danger"),
    ServiceIndicator.MAINTENANCE: ("Service under maintenance", "info"),
    ServiceIndicator.UNKNOWN: ("Service status unknown", "muted"),
}
_IMPACT_TONES = {"minor": "warning", "major": "orange", "critical": "danger", "maintenance": "info"}
_EVENT_TONES = {
    "resolved": "good",
    "completed": "good",
    "monitoring": "info",
    "scheduled": "info",
    "in_progress": "warning",
    "verifying": "info",
    "identified": "warning",
    "investigating": "warning",
}

# chip colours: a dark tint of the tone, its border, a light text
_CHIP_TINTS = {
    "good": ("#0f2a1c", "#2f8f5a", "#9fe3bb"),
    "warning": ("#3a2a0c", c.WARNING, "#ffe2a8"),
    "orange": ("#3a200c", "#f58a2c", "#ffc894"),
    "danger": ("#3b1518", c.DANGER, "#ffd6d6"),
    "info": ("#0f2236", c.TARGET, "#bfe0ff"),
    "muted": (c.SURFACE_RAISED, c.BORDER, c.TEXT_MUTED),
}


def _style() -> str:
    chips = "\n".join(
        f'QLabel[role="statusChip"][tone="{tone}"] {{ background: {bg}; '
        f"border: 1px solid {border}; color: {text}; }}"
        for tone, (bg, border, text) in _CHIP_TINTS.items()
    )
    return f"""
QWidget#StatusContent {{
    background: transparent;
}}
QLabel#StatusChecked {{
    padding-top: 13px;
}}
QLabel[role="section"] {{
    color: {c.TEXT_MUTED};
    font-size: 10pt;
    font-weight: 700;
    letter-spacing: 0.5px;
}}
QLabel[role="headline"] {{
    font-size: 15pt;
    font-weight: 700;
}}
QLabel[role="rowName"] {{
    font-size: 12pt;
}}
QLabel[role="eventName"] {{
    font-size: 12pt;
    font-weight: 700;
}}
QLabel[role="factName"] {{
    color: {c.TEXT_MUTED};
    font-size: 11pt;
}}
QLabel[role="factValue"] {{
    font-size: 11pt;
}}
QLabel[role="updateTime"] {{
    color: {c.TEXT_MUTED};
    font-size: 10.5pt;
}}
QLabel[role="updateBody"] {{
    color: #d3dae2;
    font-size: 11pt;
}}
QLabel[role="note"] {{
    color: {c.TEXT_MUTED};
    font-size: 10.5pt;
}}
QLabel[role="note"][tone="warning"] {{
    color: #ffd58a;
}}
QLabel[role="statusChip"] {{
    border-radius: 11px;
    padding: 2px 10px;
    font-size: 10pt;
    font-weight: 600;
}}
{chips}
QFrame#Rule {{
    background: {c.BORDER};
    border: none;
    max-height: 1px;
    min-height: 1px;
}}
QFrame#Answer {{
    background: {c.SURFACE_RAISED};
    border: 1px solid {c.BORDER};
    border-left: 4px solid {c.TARGET};
    border-radius: 10px;
}}
QFrame#Answer QLabel {{
    font-size: 12pt;
    font-weight: 600;
}}
QFrame#Answer QLabel[role="answerCaption"] {{
    color: {c.TEXT_MUTED};
    font-size: 10pt;
    font-weight: 700;
}}
"""


def component_words(status: str | ComponentState) -> str:
    """ "Operational", "Degraded performance", ..., "Unknown" for values the UI does not know."""
    return component_state(status).words.capitalize()


def indicator_words(page: ServicePage) -> tuple[str, str]:
    """(headline, tone) of the whole service: the page's own description when it has one
    and the indicator is known, else ours."""
    indicator = indicator_of(page)
    words, tone = _INDICATOR[indicator]
    if indicator is not ServiceIndicator.UNKNOWN and page.description.strip():
        words = page.description.strip()
    return words, tone


def _label(text: str, role: str, *, wrap: bool = False, selectable: bool = False) -> QLabel:
    label = QLabel(text)
    label.setProperty("role", role)
    label.setWordWrap(wrap)
    if selectable:
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def _chip(text: str, tone: str) -> QLabel:
    chip = _label(text, "statusChip")
    chip.setProperty("tone", tone)
    chip.setAccessibleName(text)
    chip.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
    return chip


def _rule() -> QFrame:
    rule = QFrame()
    rule.setObjectName("Rule")
    return rule


def _clear(layout: QLayout) -> None:
    while layout.count():
        item = layout.takeAt(0)
        if item is None:
            break
        widget = item.widget()
        if widget is not None:
            widget.hide()
            widget.deleteLater()
        else:
            child = item.layout()
            if child is not None:
                _clear(child)
                child.deleteLater()


def _card(title: str) -> tuple[QFrame, QVBoxLayout]:
    card = QFrame()
    card.setObjectName("Card")
    layout = QVBoxLayout(card)
    layout.setContentsMargins(20, 16, 20, 18)
    layout.setSpacing(10)
    layout.addWidget(_label(title.upper(), "section"))
    return card, layout


class StatusView(QWidget):
    """Signals: `signed_in(email)`, `signed_out()` (from the account section)."""

    signed_in = Signal(str)
    signed_out = Signal()

    def __init__(
        self,
        control: SyncControl,
        *,
        default_server_url: str = "",
        now: Callable[[], datetime] = local_now,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.tasks = TaskRunner(self, name="status")
        self.setObjectName("Page")
        self.setAccessibleName("Service status")
        self.setStyleSheet(_style())
        self.control = control
        self._now = now
        self._status: SyncStatus | None = None
        self._page: ServicePage | None = None
        self._checked_at: datetime | None = None
        self._refreshing = False
        self._checking = False
        self._refresh_problem = ""
        self._sync_requested = False

        # -- header ---------------------------------------------------------------------
        title = _label("Service status", "title")
        self.checked_label = _label("Not checked yet", "muted")
        self.checked_label.setObjectName("StatusChecked")  # sits on the title's baseline
        self.checked_label.setAccessibleName("Last checked")
        self.check_button = QPushButton("Is it me or them?")
        self.check_button.setToolTip(
            "Check this computer's connection and the server, and say where the trouble is"
        )
        self.check_button.setAccessibleName("Check the connection: is it me or them?")
        self.check_button.clicked.connect(self.check_connection)
        self.refresh_button = QPushButton("Refresh")
        self.refresh_button.setAccessibleName("Check the service status again")
        self.refresh_button.clicked.connect(self.refresh)
        header = QHBoxLayout()
        header.setSpacing(14)
        header.addWidget(title)
        header.addWidget(self.checked_label)
        header.addStretch(1)
        header.addWidget(self.check_button)
        header.addWidget(self.refresh_button)

        # -- "is it me or them?" answer -------------------------------------------------
        self.answer = QFrame()
        self.answer.setObjectName("Answer")
        self.answer.setAccessibleName("Connection check")
        self.answer_caption = _label("IS IT ME OR THEM?", "answerCaption")
        self.answer_text = _label("", "answer", wrap=True, selectable=True)
        self.answer_text.setAccessibleName("Connection check answer")
        self.answer_progress = QProgressBar()
        self.answer_progress.setRange(0, 0)
        self.answer_progress.setTextVisible(False)
        self.answer_progress.setFixedHeight(4)
        self.answer_close = QPushButton("✕")
        self.answer_close.setProperty("link", True)
        self.answer_close.setAccessibleName("Close the connection check")
        self.answer_close.clicked.connect(self.answer.hide)
        answer_top = QHBoxLayout()
        answer_top.addWidget(self.answer_caption)
        answer_top.addStretch(1)
        answer_top.addWidget(self.answer_close)
        answer_layout = QVBoxLayout(self.answer)
        answer_layout.setContentsMargins(16, 8, 10, 10)
        answer_layout.setSpacing(4)
        answer_layout.addLayout(answer_top)
        answer_layout.addWidget(self.answer_text)
        answer_layout.addWidget(self.answer_progress)
        self.answer.hide()

        # -- the service (left) ---------------------------------------------------------
        service_card, service_layout = _card("Service")
        self.service_dot = StatusDot(14)
        self.headline = _label("Not checked yet", "headline", wrap=True)
        self.headline.setAccessibleName("Service status")
        headline_row = QHBoxLayout()
        headline_row.setSpacing(10)
        headline_row.addWidget(self.service_dot, 0, Qt.AlignmentFlag.AlignVCenter)
        headline_row.addWidget(self.headline, 1)
        self.service_note = _label("", "note", wrap=True)
        self.service_note.setAccessibleName("About this status")
        self.service_body = QVBoxLayout()
        self.service_body.setSpacing(8)
        service_layout.addLayout(headline_row)
        service_layout.addWidget(self.service_note)
        service_layout.addLayout(self.service_body)
        service_layout.addStretch(1)

        # -- sync (right, top) ----------------------------------------------------------
        sync_card, sync_layout = _card("Sync on this computer")
        self.sync_dot = StatusDot(12)
        self.sync_state = _label("", "headline")
        self.sync_state.setAccessibleName("Sync state")
        self.sync_now_button = QPushButton("Sync now")
        self.sync_now_button.setAccessibleName("Sync now")
        self.sync_now_button.clicked.connect(self.sync_now)
        state_row = QHBoxLayout()
        state_row.setSpacing(10)
        state_row.addWidget(self.sync_dot, 0, Qt.AlignmentFlag.AlignVCenter)
        state_row.addWidget(self.sync_state, 1)
        state_row.addWidget(self.sync_now_button)
        self.sync_message = _label("", "updateBody", wrap=True, selectable=True)
        self.sync_message.setAccessibleName("Sync message")
        self.facts = QGridLayout()
        self.facts.setHorizontalSpacing(16)
        self.facts.setVerticalSpacing(4)
        self.facts.setColumnStretch(1, 1)
        self.last_sync_value = self._fact(0, "Last synced")
        self.waiting_value = self._fact(1, "Waiting to upload")
        self.failed_value = self._fact(2, "Could not upload")
        self.failed_list = _label("", "note", wrap=True, selectable=True)
        self.failed_list.setAccessibleName("Rides that could not be uploaded")
        sync_layout.addLayout(state_row)
        sync_layout.addWidget(self.sync_message)
        sync_layout.addLayout(self.facts)
        sync_layout.addWidget(self.failed_list)

        # -- account (right, bottom) ----------------------------------------------------
        account_card, account_layout = _card("Account")
        self.sign_in_panel = SignInPanel(control, default_server_url=default_server_url)
        self.sign_in_panel.signed_in.connect(self._on_signed_in)
        self.sign_in_panel.signed_out.connect(self.signed_out)
        self.sign_in_panel.attention.connect(self._bring_into_view)
        account_layout.addWidget(self.sign_in_panel)
        self.account_card = account_card

        right = QVBoxLayout()
        right.setSpacing(16)
        right.addWidget(sync_card)
        right.addWidget(account_card)
        right.addStretch(1)
        columns = QHBoxLayout()
        columns.setSpacing(16)
        columns.addWidget(service_card, 3)
        columns.addLayout(right, 2)

        content = QWidget()
        content.setObjectName("StatusContent")
        content_layout = QVBoxLayout(content)
        content_layout.setContentsMargins(0, 0, 0, 0)
        content_layout.setSpacing(16)
        content_layout.addWidget(self.answer)
        content_layout.addLayout(columns, 1)
        self.scroll_area = QScrollArea()
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll_area.setWidget(content)
        self.scroll_area.viewport().setAutoFillBackground(False)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 18)
        layout.setSpacing(14)
        layout.addLayout(header)
        layout.addWidget(self.scroll_area, 1)

        self._render_service()
        try:
            initial = control.status()
        except Exception:  # no status yet: the bridge will bring one
            initial = None
        if initial is not None:
            self.set_status(initial)

    def _fact(self, row: int, caption: str) -> QLabel:
        name = _label(caption, "factName")
        value = _label("", "factValue", wrap=True)
        value.setAccessibleName(caption)
        self.facts.addWidget(name, row, 0, Qt.AlignmentFlag.AlignTop)
        self.facts.addWidget(value, row, 1, Qt.AlignmentFlag.AlignTop)
        return value

    # -- sync state ---------------------------------------------------------------------
    @Slot(object)
    def set_status(self, status: SyncStatus) -> None:
        self._status = status
        self._sync_requested = False
        text, tone = short_state(status)
        self.sync_state.setText(text)
        self.sync_dot.set_tone(tone, ring=status.state is SyncState.SYNCING)
        self.sync_message.setText(status.message)
        now = self._now()
        last = when_words(status.last_success_at, now).capitalize()
        if status.state in (SyncState.ERROR, SyncState.OFFLINE) and status.next_sync_at:
            last += f" · next try {when_words(status.next_sync_at, now)}"
        self.last_sync_value.setText(last)
        waiting = plural(status.rides_waiting, "ride", "rides") if status.rides_waiting else "None"
        if status.rides_waiting and status.next_upload_at is not None:
            waiting += f" · next try {when_words(status.next_upload_at, now)}"
        self.waiting_value.setText(waiting)
        self.failed_value.setText(
            f"{plural(status.rides_failed, 'ride', 'rides')} · kept on this computer"
            if status.rides_failed
            else "None"
        )
        self.failed_list.setText(
            "\n".join(
                f"• {ride_label(r).strip('«»')} — {r.reason.strip() or 'refused by the server'}"
                for r in status.failed_rides
            )
        )
        self.failed_list.setVisible(bool(status.failed_rides))
        self._update_sync_button()
        self.sign_in_panel.set_status(status)
        if self._page is None:
            self._render_service()

    def _update_sync_button(self) -> None:
        status = self._status
        syncing = status is not None and status.state is SyncState.SYNCING
        signed_out = status is None or status.state is SyncState.SIGN_IN_NEEDED
        self.sync_now_button.setEnabled(not (syncing or signed_out or self._sync_requested))
        self.sync_now_button.setText("Syncing…" if syncing or self._sync_requested else "Sync now")
        self.sync_now_button.setToolTip(
            "Sign in first (below)" if signed_out and not syncing else "Sync with the server now"
        )

    @Slot()
    def sync_now(self) -> None:
        self.control.sync_now()
        self._sync_requested = True
        self._update_sync_button()

    @Slot(str)
    def _on_signed_in(self, email: str) -> None:
        self.control.sync_now()
        self.signed_in.emit(email)

    @Slot(QWidget)
    def _bring_into_view(self, widget: QWidget) -> None:
        # after the layout has made room for it
        QTimer.singleShot(0, self, lambda: self.scroll_area.ensureWidgetVisible(widget, 0, 16))

    def show_account(self) -> None:
        """Bring the account section into view and put the cursor in the form."""
        self.scroll_area.ensureWidgetVisible(self.account_card)
        self.sign_in_panel.focus_form()

    # -- the status page ----------------------------------------------------------------
    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._checked_at is None and not self._refreshing:
            self.refresh()

    @property
    def refreshing(self) -> bool:
        return self._refreshing

    @Slot()
    def refresh(self) -> None:
        if self._refreshing:
            return
        self._refreshing = True
        self.refresh_button.setEnabled(False)
        self.refresh_button.setText("Checking…")
        self.tasks.ask(self.control.status_page_summary, self._on_summary, self._on_summary_failed)

    def _summary_arrived(self) -> None:
        self._refreshing = False
        self.refresh_button.setEnabled(True)
        self.refresh_button.setText("Refresh")

    def _on_summary(self, summary: StatuspageSummaryLike | None) -> None:
        self._summary_arrived()
        self._checked_at = self._now()
        if summary is None:
            self._page = None
            self._refresh_problem = "This server has no status page to check."
        else:
            self._page = service_page(summary)
            self._refresh_problem = ""
        self._render_service()

    def _on_summary_failed(self, error: BaseException) -> None:
        self._summary_arrived()
        words = error_text(error, "The status page did not answer.")
        self._refresh_problem = f"Could not check the status page: {words}"
        self._render_service()

    def set_summary(self, summary: StatuspageSummaryLike | None) -> None:
        """Show a summary fetched elsewhere (as if Refresh had brought it)."""
        self._on_summary(summary)

    def _render_service(self) -> None:
        page = self._page
        now = self._now()
        note_tone = "warning" if self._refresh_problem else ""
        if page is None:
            page = self._page_from_status()
            if page is not None:
                seen = when_words(self._status.updated_at if self._status else None, now)
                note = f"As the last sync saw it ({seen})."
            else:
                note = "Press Refresh to ask the service status page."
            if self._refresh_problem:
                note = f"{self._refresh_problem} {note}"
        else:
            checked = page.fetched_at or self._checked_at
            note = self._refresh_problem or (
                page.page_name and f"From the {page.page_name} status page."
            )
            if self._refresh_problem and checked is not None:
                note += f" Showing what was seen {when_words(checked, now)}."
        if self._checked_at is not None:
            self.checked_label.setText(f"Last checked {when_words(self._checked_at, now)}")
        self.service_note.setText(note)
        set_style_property(self.service_note, "tone", note_tone)
        self.service_note.setVisible(bool(note))
        _clear(self.service_body)
        if page is None:
            answered = self._checked_at is not None and not self._refresh_problem.startswith(
                "Could not"
            )
            self.headline.setText("No service status" if answered else "Not checked yet")
            self.service_dot.set_tone("muted")
            return
        words, tone = indicator_words(page)
        self.headline.setText(words)
        self.service_dot.set_tone(tone)
        self._render_components(page.components)
        if page.incidents or page is self._page:
            self._render_events("Incidents", page.incidents, "No incidents reported.")
        if page.scheduled_maintenances or page is self._page:
            self._render_events(
                "Scheduled maintenance",
                page.scheduled_maintenances,
                "No maintenance scheduled.",
                maintenance=True,
            )

    def _page_from_status(self) -> ServicePage | None:
        status = self._status
        if status is None or status.service_indicator is None:
            return None
        return ServicePage(
            page_name="",
            indicator=status.service_indicator,
            description=status.service_description or "",
            components=tuple(
                ServiceComponent(comp.name, comp.state.value) for comp in status.components
            ),
        )

    def _render_components(self, components: tuple[ServiceComponent, ...]) -> None:
        if not components:
            return
        self.service_body.addSpacing(4)
        self.service_body.addWidget(_label("COMPONENTS", "section"))
        grid = QGridLayout()
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(6)
        grid.setColumnStretch(0, 1)
        for row, component in enumerate(components):
            state = component_state(component.status)
            name = _label(component.name, "rowName", wrap=True)
            name.setAccessibleName("Component")
            grid.addWidget(name, row, 0)
            grid.addWidget(
                _chip(component_words(state), _COMPONENT_TONES[state]),
                row,
                1,
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
            )
        self.service_body.addLayout(grid)

    def _render_events(
        self,
        title: str,
        events: tuple[ServiceEvent, ...],
        empty: str,
        *,
        maintenance: bool = False,
    ) -> None:
        self.service_body.addSpacing(6)
        self.service_body.addWidget(_rule())
        self.service_body.addSpacing(2)
        self.service_body.addWidget(_label(title.upper(), "section"))
        if not events:
            self.service_body.addWidget(_label(empty, "note"))
            return
        for event in events:
            self.service_body.addWidget(self._event_widget(event, maintenance))

    def _event_widget(self, event: ServiceEvent, maintenance: bool) -> QWidget:
        box = QWidget()
        box.setAccessibleName("Maintenance" if maintenance else "Incident")
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 2, 0, 4)
        layout.setSpacing(4)
        head = QHBoxLayout()
        head.setSpacing(8)
        name = _label(event.name, "eventName", wrap=True, selectable=True)
        head.addWidget(name, 1)
        status_words = event_status_words(event.status)
        status_key = event.status.strip().lower()
        head.addWidget(
            _chip(status_words.capitalize(), _EVENT_TONES.get(status_key, "muted")),
            0,
            Qt.AlignmentFlag.AlignTop,
        )
        if not maintenance or event.impact.strip().lower() not in ("maintenance", ""):
            impact_key = event.impact.strip().lower()
            head.addWidget(
                _chip(
                    impact_words(event.impact).capitalize(), _IMPACT_TONES.get(impact_key, "muted")
                ),
                0,
                Qt.AlignmentFlag.AlignTop,
            )
        layout.addLayout(head)
        if maintenance and event.scheduled_for is not None:  # the core summary has no window
            window = _label(
                f"{window_words(event.scheduled_for, event.scheduled_until)} (your local time)",
                "rowName",
                selectable=True,
            )
            window.setAccessibleName("Maintenance window")
            layout.addWidget(window)
        updates = event.updates[: 1 if maintenance else MAX_UPDATES]
        if updates:
            grid = QGridLayout()
            grid.setHorizontalSpacing(12)
            grid.setVerticalSpacing(4)
            grid.setColumnStretch(1, 1)
            now = self._now()
            for row, update in enumerate(updates):
                when = when_words(update.created_at, now) if update.created_at else ""
                grid.addWidget(_label(when, "updateTime"), row, 0, Qt.AlignmentFlag.AlignTop)
                words = event_status_words(update.status) if update.status else ""
                prefix = f"{words.capitalize()} — " if words and words != "unknown" else ""
                body = _label(f"{prefix}{update.body.strip()}", "updateBody", wrap=True)
                body.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
                body.setAccessibleName("Update")
                grid.addWidget(body, row, 1)
            layout.addLayout(grid)
        return box

    # -- is it me or them? --------------------------------------------------------------
    @property
    def checking(self) -> bool:
        return self._checking

    @Slot()
    def check_connection(self) -> None:
        if self._checking:
            return
        self._checking = True
        self.check_button.setEnabled(False)
        self.answer_text.setText("Checking this computer's connection and the server…")
        self.answer_progress.show()
        self.answer_close.hide()
        self.answer.show()
        self.tasks.ask(
            self.control.check_connection,
            lambda answer: self._show_answer(answer.strip() or "No answer."),
            lambda error: self._show_answer(
                f"The check could not run: {error_text(error, 'The check could not run.')}"
            ),
        )

    def _show_answer(self, text: str) -> None:
        self._checking = False
        self.check_button.setEnabled(True)
        self.answer_progress.hide()
        self.answer_close.show()
        self.answer_text.setText(text)
        self.answer.setAccessibleDescription(text)

    # -- for tests and screen readers ---------------------------------------------------
    def component_rows(self) -> list[tuple[str, str]]:
        """(component name, the words on its chip) as shown."""
        rows: list[tuple[str, str]] = []
        page = self._page or self._page_from_status()
        if page is None:
            return rows
        return [(comp.name, component_words(comp.status)) for comp in page.components]

    def shown_texts(self) -> list[str]:
        """Every label's text on the service card and the sync card, in layout order."""
        return [
            label.text()
            for label in self.findChildren(QLabel)
            if label.isVisibleTo(self) and label.text()
        ]
