"""What the rider sees about sync: one snapshot, in plain words.

The sync worker publishes a `SyncStatus` after every change; the UI bridge turns it into
a signal, `freewheel status` prints it. Nothing in it is secret.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from datetime import datetime
from enum import StrEnum
from typing import Any

from app.core.auth.token import TokenStorage
from app.core.sync.models import ComponentState, ComponentStatus, StatusSummary

__all__ = [
    "FailedRide",
    "SyncState",
    "SyncStatus",
    "compose_message",
    "status_from_dict",
    "status_to_dict",
]


class SyncState(StrEnum):
    UP_TO_DATE = "up_to_date"
    SYNCING = "syncing"
    OFFLINE = "offline"
    SIGN_IN_NEEDED = "sign_in_needed"
    ERROR = "error"


@dataclass(frozen=True, slots=True)
class FailedRide:
    ride_id: str
    reason: str
    workout_name: str = ""
    started_at: str = ""


@dataclass(frozen=True, slots=True)
class SyncStatus:
    state: SyncState
    message: str
    detail: str | None = None  # the short reason behind offline/error, e.g. "HTTP 503"
    token_state: TokenStorage = TokenStorage.SIGNED_OUT
    last_success_at: datetime | None = None
    rides_waiting: int = 0
    rides_failed: int = 0
    failed_rides: tuple[FailedRide, ...] = ()
    account_email: str | None = None
    server_url: str | None = None
    service_indicator: str | None = None  # Statuspage indicator, "unknown" if unrecognised
    service_description: str | None = None
    components: tuple[ComponentStatus, ...] = ()
    diagnosis: str | None = None  # "is it me or them?", when the server was not reachable
    workouts_skipped: tuple[tuple[str, str], ...] = ()  # (id, why) from the last library pull
    updated_at: datetime | None = None
    next_upload_at: datetime | None = None  # earliest retry of a waiting ride
    # the server's Retry-After (429/503) as a deadline: no automatic sync calls it sooner
    retry_not_before: datetime | None = None
    next_sync_at: datetime | None = None  # when the worker syncs next by itself (if known)

    def with_service(self, summary: StatusSummary | None) -> SyncStatus:
        if summary is None:
            return self
        return replace(
            self,
            service_indicator=summary.indicator.value,
            service_description=summary.description,
            components=summary.components,
        )


def _clock(when: datetime) -> str:
    """HH:MM in local time (a Retry-After is at most a few hours away)."""
    return f"{when.astimezone():%H:%M}"


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def compose_message(
    state: SyncState,
    *,
    rides_waiting: int = 0,
    rides_failed: int = 0,
    token_state: TokenStorage = TokenStorage.KEYRING,
    detail: str | None = None,
    diagnosis: str | None = None,
    troubled: tuple[ComponentStatus, ...] = (),
    workouts_skipped: int = 0,
    retry_not_before: datetime | None = None,
) -> str:
    """One or two short sentences for the banner / `freewheel status`. `retry_not_before`:
    the server asked (Retry-After) not to be called before then; said when a sync failed."""
    parts: list[str] = []
    asked_to_wait = (
        f"The server asked Freewheel to wait: it will try again at {_clock(retry_not_before)}."
        if retry_not_before is not None
        else None
    )
    waiting = _plural(rides_waiting, "ride is", "rides are")
    if state is SyncState.UP_TO_DATE:
        parts.append("Up to date.")
        if rides_waiting:
            parts.append(f"{waiting} waiting to upload.")
    elif state is SyncState.SYNCING:
        parts.append("Syncing…")
    elif state is SyncState.SIGN_IN_NEEDED:
        parts.append("Sign in to sync.")
        parts.append(
            f"Riding works as usual; {waiting} waiting to upload."
            if rides_waiting
            else "Riding works as usual."
        )
    elif state is SyncState.OFFLINE:
        parts.append(f"Offline: {detail}." if detail else "Offline.")
        if diagnosis:
            parts.append(diagnosis)
        if asked_to_wait:
            parts.append(asked_to_wait)
        if rides_waiting:
            parts.append(f"{waiting} waiting and will upload when the server can be reached.")
    else:
        parts.append(f"Sync failed: {detail}." if detail else "Sync failed.")
        if troubled:
            names = ", ".join(f"{c.name} ({c.state.words})" for c in troubled[:3])
            parts.append(f"Service status: {names}.")
        parts.append(asked_to_wait or "Freewheel will try again by itself.")
        if rides_waiting:
            parts.append(f"{waiting} waiting to upload.")
    if rides_failed:
        parts.append(
            f"{_plural(rides_failed, 'ride', 'rides')} could not be uploaded and "
            f"{'is' if rides_failed == 1 else 'are'} kept on this computer."
        )
    if workouts_skipped:
        parts.append(
            f"{_plural(workouts_skipped, 'workout', 'workouts')} from the server could not "
            "be read and were skipped."
        )
    if token_state is TokenStorage.MEMORY_ONLY:
        parts.append("No system keyring: your sign-in is kept only until Freewheel quits.")
    elif token_state is TokenStorage.PLAINTEXT:
        parts.append("Your sign-in is stored in a plain file (you chose this).")
    return " ".join(p.replace("..", ".") for p in parts)


def status_to_dict(status: SyncStatus) -> dict[str, Any]:
    """JSON-ready form (for `freewheel status --json` and the last-status file)."""
    data = asdict(status)
    data["state"] = status.state.value
    data["token_state"] = status.token_state.value
    for key in (
        "last_success_at",
        "updated_at",
        "next_upload_at",
        "retry_not_before",
        "next_sync_at",
    ):
        value = getattr(status, key)
        data[key] = value.isoformat() if value else None
    data["components"] = [{"name": c.name, "status": c.state.value} for c in status.components]
    data["failed_rides"] = [asdict(f) for f in status.failed_rides]
    data["workouts_skipped"] = [list(s) for s in status.workouts_skipped]
    return data


def _time(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        return None
    return when if when.tzinfo is not None else None


def _opt_text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def status_from_dict(data: dict[str, Any]) -> SyncStatus | None:
    """Back from status_to_dict; None when the record is not usable."""
    try:
        state = SyncState(data["state"])
        token_state = TokenStorage(data.get("token_state", TokenStorage.SIGNED_OUT.value))
        message = str(data["message"])
    except (KeyError, ValueError, TypeError):
        return None
    failed = data.get("failed_rides")
    skipped = data.get("workouts_skipped")
    components = data.get("components")
    return SyncStatus(
        state=state,
        message=message,
        detail=_opt_text(data.get("detail")),
        token_state=token_state,
        last_success_at=_time(data.get("last_success_at")),
        rides_waiting=int(data.get("rides_waiting") or 0),
        rides_failed=int(data.get("rides_failed") or 0),
        failed_rides=tuple(
            FailedRide(
                str(f.get("ride_id", "")),
                str(f.get("reason", "")),
                str(f.get("workout_name", "")),
                str(f.get("started_at", "")),
            )
            for f in (failed if isinstance(failed, list) else [])
            if isinstance(f, dict)
        ),
        account_email=_opt_text(data.get("account_email")),
        server_url=_opt_text(data.get("server_url")),
        service_indicator=_opt_text(data.get("service_indicator")),
        service_description=_opt_text(data.get("service_description")),
        components=tuple(
            ComponentStatus(str(c.get("name", "")), ComponentState.parse(str(c.get("status"))))
            for c in (components if isinstance(components, list) else [])
            if isinstance(c, dict)
        ),
        diagnosis=_opt_text(data.get("diagnosis")),
        workouts_skipped=tuple(
            (str(s[0]), str(s[1]))
            for s in (skipped if isinstance(skipped, list) else [])
            if isinstance(s, list) and len(s) == 2
        ),
        updated_at=_time(data.get("updated_at")),
        next_upload_at=_time(data.get("next_upload_at")),
        retry_not_before=_time(data.get("retry_not_before")),
        next_sync_at=_time(data.get("next_sync_at")),
    )
