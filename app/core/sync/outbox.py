"""The upload outbox, one row per finished ride (SYNC_API.md, "Rides").

pending -> delivered   on 200/201 (201 stored, 200 already stored with the same SHA-256)
pending -> failed      on 409/413/422: permanent, with a reason the rider can read; the ride
                       stays on this computer and can be exported
pending -> pending     on anything else: retry later, exponential backoff with jitter,
                       30 s ... 1 h, never sooner than the server's Retry-After

Pure: times come in, decisions come out; the store applies them (infra/sync_store.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from app.core.sync.models import UploadResult

__all__ = [
    "BACKOFF_BASE_S",
    "BACKOFF_CAP_S",
    "PERMANENT_STATUSES",
    "RETRY_AFTER_CAP_S",
    "OutboxDecision",
    "OutboxRow",
    "OutboxState",
    "backoff_delay_s",
    "decide_upload",
    "is_due",
    "permanent_reason",
    "retry_later",
]

BACKOFF_BASE_S = 30.0
BACKOFF_CAP_S = 3600.0
RETRY_AFTER_CAP_S = 6 * 3600.0  # a server asking for more than this is not believed


class OutboxState(StrEnum):
    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class OutboxRow:
    ride_id: str
    state: OutboxState
    attempts: int
    next_attempt_at: datetime | None  # None: as soon as possible
    last_error: str | None
    created_at: datetime | None = None
    workout_name: str = ""
    started_at: str = ""


def is_due(row: OutboxRow, now: datetime) -> bool:
    return row.state is OutboxState.PENDING and (
        row.next_attempt_at is None or row.next_attempt_at <= now
    )


def backoff_delay_s(
    attempts: int,
    rand: Callable[[], float],
    retry_after_s: float | None = None,
    *,
    base_s: float = BACKOFF_BASE_S,
    cap_s: float = BACKOFF_CAP_S,
) -> float:
    """Delay before the next try after `attempts` failed ones (1 = the first failure):
    base * 2^(attempts-1), capped, with "equal jitter" (half fixed, half random) so many
    clients do not come back at once; at least the server's Retry-After."""
    exponent = min(max(attempts, 1) - 1, 30)
    ceiling = min(cap_s, base_s * 2.0**exponent)
    delay = ceiling / 2 + rand() * ceiling / 2
    if retry_after_s is not None and retry_after_s > 0:
        delay = max(delay, min(retry_after_s, RETRY_AFTER_CAP_S))
    return delay


_REASONS = {
    409: "The server already has a different ride under this ride's id, so it was not "
    "uploaded. The ride is kept on this computer; you can export it.",
    413: "This ride's file is too large for the server (the limit is 50 MiB). The ride is "
    "kept on this computer; you can export it.",
    422: "The server could not read this ride's file. The ride is kept on this computer; "
    "you can export it.",
}

PERMANENT_STATUSES = frozenset(_REASONS)


def permanent_reason(status: int) -> str:
    return _REASONS.get(status, f"The server refused this ride (HTTP {status}).")


@dataclass(frozen=True, slots=True)
class OutboxDecision:
    """What to write to the row after one upload attempt."""

    state: OutboxState
    next_attempt_at: datetime | None
    last_error: str | None
    needs_sign_in: bool = False  # 401: not the ride's fault; the row stays due

    @property
    def delivered(self) -> bool:
        return self.state is OutboxState.DELIVERED


def decide_upload(
    result: UploadResult, attempts: int, now: datetime, rand: Callable[[], float]
) -> OutboxDecision:
    """The row's next state after the server's answer. `attempts` counts this one."""
    status = result.status
    if status in (200, 201):
        return OutboxDecision(OutboxState.DELIVERED, None, None)
    if status in PERMANENT_STATUSES:
        return OutboxDecision(OutboxState.FAILED, None, permanent_reason(status))
    if status == 401:
        return OutboxDecision(OutboxState.PENDING, None, "sign in to upload", needs_sign_in=True)
    detail = f"HTTP {status}" + (f" {result.error_code}" if result.error_code else "")
    return retry_later(detail, attempts, now, rand, result.retry_after_s)


def retry_later(
    why: str,
    attempts: int,
    now: datetime,
    rand: Callable[[], float],
    retry_after_s: float | None = None,
) -> OutboxDecision:
    delay = backoff_delay_s(attempts, rand, retry_after_s)
    return OutboxDecision(OutboxState.PENDING, now + timedelta(seconds=delay), why)
