"""How the sync screens talk to the rest of the program, and how answers get back to them.

The UI never imports the HTTP client, the keyring or the databases. The composition root
hands it a `SyncControl` (an adapter over the sync worker, the backend client and the
token store) and a `todays_workout` callable; this module defines what they must look
like, plus the Qt glue that brings worker-thread answers onto the UI thread:

- `SyncStatusBridge.on_status` is registered with the sync worker (`add_listener`). The
  worker calls it on its own thread; it only emits `status`, which Qt queues to the UI
  thread where the widgets' `set_status` slots run.
- `when_done(future, receiver, callback)` runs `callback(future)` on the UI thread once a
  `concurrent.futures.Future` completes on any thread (at once if it is already done).

The Statuspage summary the status page shows is `StatuspageSummaryLike`: the core's
`StatusSummary` (what the infra client parses today: one latest update per incident, no
maintenance window), or the richer `ServicePage` defined here (every update with its
time, maintenance windows). `service_page()` turns either into a `ServicePage`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Protocol, TypeAlias, TypeVar

from PySide6.QtCore import QObject, Signal, Slot

from app.core.auth.token import TokenStorage
from app.core.sync.models import ComponentState, Incident, ServiceIndicator, StatusSummary
from app.core.sync.status import SyncState, SyncStatus

__all__ = [
    "ServiceComponent",
    "ServiceEvent",
    "ServicePage",
    "ServiceUpdate",
    "StatusListener",
    "StatuspageSummaryLike",
    "SyncControl",
    "SyncStatusBridge",
    "TodayLike",
    "TodaySource",
    "TodayWorkout",
    "component_state",
    "day_words",
    "error_words",
    "event_status_words",
    "impact_words",
    "indicator_of",
    "local_now",
    "plural",
    "service_page",
    "short_state",
    "token_words",
    "when_done",
    "when_words",
    "window_words",
]

log = logging.getLogger(__name__)

T = TypeVar("T")
StatusListener = Callable[[SyncStatus], None]


# -- the Statuspage summary, as the status page shows it ------------------------------------


@dataclass(frozen=True, slots=True)
class ServiceUpdate:
    """One incident update: its text, the incident status it set, and when."""

    body: str
    status: str = ""
    created_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class ServiceComponent:
    """`status` as the page sent it; shown through `component_state()` ("unknown" if odd)."""

    name: str
    status: str


@dataclass(frozen=True, slots=True)
class ServiceEvent:
    """An incident or a scheduled maintenance. `updates` newest first (as Statuspage sends
    them); `scheduled_for`/`scheduled_until` only for maintenances."""

    name: str
    status: str = ""
    impact: str = ""
    updates: tuple[ServiceUpdate, ...] = ()
    scheduled_for: datetime | None = None
    scheduled_until: datetime | None = None


@dataclass(frozen=True, slots=True)
class ServicePage:
    page_name: str
    indicator: str  # none | minor | major | critical | maintenance; anything else: unknown
    description: str
    components: tuple[ServiceComponent, ...] = ()
    incidents: tuple[ServiceEvent, ...] = ()
    scheduled_maintenances: tuple[ServiceEvent, ...] = ()
    fetched_at: datetime | None = None

    @classmethod
    def from_summary(cls, summary: StatusSummary) -> ServicePage:
        """The core model: one latest update per incident (no time), no windows."""

        def event(incident: Incident) -> ServiceEvent:
            updates = (
                (ServiceUpdate(incident.latest_update, incident.status),)
                if incident.latest_update
                else ()
            )
            return ServiceEvent(incident.name, incident.status, incident.impact, updates)

        return cls(
            page_name=summary.page_name,
            indicator=summary.indicator.value,
            description=summary.description,
            components=tuple(ServiceComponent(c.name, c.state.value) for c in summary.components),
            incidents=tuple(event(i) for i in summary.incidents),
            scheduled_maintenances=tuple(event(m) for m in summary.maintenances),
            fetched_at=summary.fetched_at,
        )


StatuspageSummaryLike: TypeAlias = StatusSummary | ServicePage


def service_page(summary: StatuspageSummaryLike) -> ServicePage:
    return summary if isinstance(summary, ServicePage) else ServicePage.from_summary(summary)


def component_state(status: str | ComponentState) -> ComponentState:
    """A component's status; values the UI does not know become UNKNOWN."""
    return ComponentState.parse(str(status).strip().lower())


_EVENT_STATUS_WORDS = {
    "investigating": "Investigating",
    "identified": "Identified",
    "monitoring": "Monitoring",
    "resolved": "Resolved",
    "postmortem": "Postmortem",
    "scheduled": "Scheduled",
    "in_progress": "In progress",
    "verifying": "Verifying",
    "completed": "Completed",
}
_IMPACT_WORDS = {
    "none": "no impact",
    "minor": "minor impact",
    "major": "major impact",
    "critical": "critical impact",
    "maintenance": "maintenance",
}


def event_status_words(status: str) -> str:
    """An incident's or maintenance's status in words; "unknown" if not a known value."""
    return _EVENT_STATUS_WORDS.get(status.strip().lower(), "unknown")


def impact_words(impact: str) -> str:
    return _IMPACT_WORDS.get(impact.strip().lower(), "unknown impact")


def indicator_of(page: ServicePage) -> ServiceIndicator:
    return ServiceIndicator.parse(page.indicator.strip().lower())


# -- the ports ------------------------------------------------------------------------------


class SyncControl(Protocol):
    """What the sync screens may ask of sync. `sync_now`, `status` and `add_listener` run
    on the UI thread and return at once; the rest return futures completed off the UI
    thread, whose exception (if any) is an error in plain words, shown as is."""

    def sync_now(self) -> None:
        """Ask the sync worker for a sync soon (sets a flag; never blocks)."""
        ...

    def status(self) -> SyncStatus:
        """The latest snapshot (cached: no network, no waiting)."""
        ...

    def add_listener(self, listener: StatusListener) -> Callable[[], None]:
        """`listener(status)` on the worker's thread after every change; returns remove."""
        ...

    def sign_in(self, server_url: str, email: str, password: str) -> Future[None]:
        """Sign in and keep the token; fails with e.g. "Wrong email or password."."""
        ...

    def sign_out(self) -> Future[None]: ...

    def check_connection(self) -> Future[str]:
        """ "Is it me or them?": DNS, TCP and TLS checks, answered in plain words."""
        ...

    def status_page_summary(self) -> Future[StatuspageSummaryLike | None]:
        """The service status page now; None when there is none to ask."""
        ...


class TodayLike(Protocol):
    """The workout the library suggests. `title`: "Today", "Next planned", "Last ridden"."""

    @property
    def title(self) -> str: ...

    @property
    def workout_id(self) -> str: ...  # the library entry id; "" if unknown

    @property
    def workout_name(self) -> str: ...

    @property
    def duration_s(self) -> float | None: ...

    @property
    def date(self) -> date | None: ...

    @property
    def note(self) -> str | None: ...


@dataclass(frozen=True, slots=True)
class TodayWorkout:
    title: str
    workout_id: str
    workout_name: str
    duration_s: float | None = None
    date: date | None = None
    note: str | None = None


TodaySource = Callable[[], TodayLike | None]


# -- worker threads -> the UI thread --------------------------------------------------------


class SyncStatusBridge(QObject):
    """Create on the UI thread; register `on_status` with the sync worker (or `attach`).

    Signal `status(SyncStatus)`: delivered on the UI thread to receivers that live there.
    """

    status = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._remove: Callable[[], None] | None = None

    def on_status(self, status: SyncStatus) -> None:
        """The worker's listener (any thread): only emits; never blocks, never raises."""
        try:
            self.status.emit(status)
        except RuntimeError:  # the window (and this object) is gone
            log.debug("sync bridge dropped a status after its window closed")

    def attach(self, control: SyncControl) -> None:
        """Listen to `control` (replacing an earlier one) and emit its current status."""
        self.detach()
        self._remove = control.add_listener(self.on_status)
        self.status.emit(control.status())

    def detach(self) -> None:
        if self._remove is not None:
            remove, self._remove = self._remove, None
            remove()


class _FutureRelay(QObject):
    """Lives on the receiver's thread; `done` emitted from any thread reaches it there."""

    done = Signal(object)

    def __init__(self, callback: Callable[[Any], None], parent: QObject) -> None:
        super().__init__(parent)
        self._callback: Callable[[Any], None] | None = callback
        self.done.connect(self._deliver)

    @Slot(object)
    def _deliver(self, future: Future[Any]) -> None:
        callback, self._callback = self._callback, None
        self.deleteLater()
        if callback is not None:
            callback(future)


def when_done(future: Future[T], receiver: QObject, callback: Callable[[Future[T]], None]) -> None:
    """Call `callback(future)` on `receiver`'s (the UI) thread once `future` is done: at
    once when it already is, else queued from whichever thread completes it. Nothing is
    called if `receiver` was deleted meanwhile."""
    relay = _FutureRelay(callback, receiver)

    def fire(done: Future[T]) -> None:
        try:
            relay.done.emit(done)
        except RuntimeError:  # receiver deleted: nobody to tell
            log.debug("a sync answer arrived after its widget was closed")

    future.add_done_callback(fire)


def error_words(future: Future[Any], fallback: str) -> str | None:
    """None if the future succeeded; else its error as one plain sentence."""
    if future.cancelled():
        return "Cancelled."
    error = future.exception()
    if error is None:
        return None
    text = str(error).strip()
    if not text:
        return fallback
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else f"{text}."


# -- words ----------------------------------------------------------------------------------

_TOKEN_WORDS = {
    TokenStorage.KEYRING: "Sign-in kept in the system keyring.",
    TokenStorage.MEMORY_ONLY: (
        "No system keyring: token kept in memory only this session — you will sign in "
        "again after quitting."
    ),
    TokenStorage.PLAINTEXT: "Token kept in a plaintext file (you opted in).",
    TokenStorage.SIGNED_OUT: "Not signed in.",
}


def token_words(storage: TokenStorage) -> str:
    """Where the sign-in token is kept, in words."""
    return _TOKEN_WORDS.get(storage, str(storage))


def local_now() -> datetime:
    return datetime.now().astimezone()


def when_words(when: datetime | None, now: datetime | None = None) -> str:
    """Local time, as near as it is: "today 14:32", "yesterday 09:10", "Mon 14:32",
    "3 Mar 14:32", "3 Mar 2025 14:32"; "never" for None."""
    if when is None:
        return "never"
    local = when.astimezone()
    today = (now or local_now()).astimezone().date()
    clock = f"{local:%H:%M}"
    day = local.date()
    if day == today:
        return f"today {clock}"
    if day == today - timedelta(days=1):
        return f"yesterday {clock}"
    if day == today + timedelta(days=1):
        return f"tomorrow {clock}"
    if abs((day - today).days) < 7:
        return f"{local:%a} {clock}"
    if day.year == today.year:
        return f"{local.day} {local:%b} {clock}"
    return f"{local.day} {local:%b %Y} {clock}"


def day_words(day: date, today: date) -> str:
    if day == today:
        return "today"
    if day == today + timedelta(days=1):
        return "tomorrow"
    if day == today - timedelta(days=1):
        return "yesterday"
    if abs((day - today).days) < 7:
        return f"{day:%a}"
    return f"{day:%a} {day.day} {day:%b}"


def window_words(start: datetime | None, end: datetime | None) -> str:
    """A maintenance window in local time: "Sat 8 Mar, 02:00–04:00"."""
    if start is None:
        return "time not announced"
    first = start.astimezone()
    text = f"{first:%a} {first.day} {first:%b}, {first:%H:%M}"
    if end is None:
        return text
    last = end.astimezone()
    if last.date() == first.date():
        return f"{text}–{last:%H:%M}"
    return f"{text} – {last:%a} {last.day} {last:%b}, {last:%H:%M}"


def plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def short_state(status: SyncStatus) -> tuple[str, str]:
    """(text, tone) for the status bar: the one thing the rider should know now.
    Tones: good, busy, muted, warning, danger."""
    if status.state is SyncState.SYNCING:
        return "Syncing…", "busy"
    if status.state is SyncState.SIGN_IN_NEEDED:
        return "Sign in to sync", "warning"
    if status.rides_failed:
        return plural(status.rides_failed, "upload failed", "uploads failed"), "danger"
    if status.state is SyncState.OFFLINE:
        return "Offline — riding works as usual", "muted"
    if status.state is SyncState.ERROR:
        return "Sync trouble — will retry", "warning"
    if status.rides_waiting:
        return plural(status.rides_waiting, "ride waiting", "rides waiting"), "busy"
    return "Up to date", "good"
