"""What the sync screens need from the rest of the program.

The UI never imports the HTTP client, the keyring or the databases. The composition root
hands it a `SyncControl` (an adapter over the sync worker, the backend client and the
token store) and a `TodaySource`; this module defines what they must look like.

The Statuspage summary the status page shows is `StatuspageSummaryLike`: the core's
`StatusSummary` (what the infra client parses today: one latest update per incident, no
maintenance window), or the richer `ServicePage` defined here (every update with its
time, maintenance windows). `service_page()` turns either into a `ServicePage`.

How answers get back to the UI thread: `app.ui.bridge.SyncStatusBridge` (status) and
`app.ui.tasks.TaskRunner.watch` (the futures below).
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol, TypeAlias

from app.core.sync.models import Incident, StatusSummary
from app.core.sync.status import SyncStatus

__all__ = [
    "ServiceComponent",
    "ServiceEvent",
    "ServicePage",
    "ServiceUpdate",
    "StatusListener",
    "StatuspageSummaryLike",
    "SyncControl",
    "TodayLike",
    "TodaySource",
    "TodayWorkout",
    "service_page",
]

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
