"""Sync, account and service status in the rider's words (status bar, status screen,
sign-in panel, today card)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from app.core.auth.token import TokenStorage
from app.core.sync.models import ComponentState, ServiceIndicator
from app.core.sync.status import SyncState, SyncStatus
from app.ui.ports.sync import ServicePage

__all__ = [
    "component_state",
    "day_words",
    "event_status_words",
    "impact_words",
    "indicator_of",
    "local_now",
    "plural",
    "short_state",
    "token_words",
    "when_words",
    "window_words",
]


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
