"""What the History screen says: dates in local time, the state chips' words, counts.

A chip is `(text, tone, what it means)`: the tone picks its colours (see chips.py), the
meaning is its tooltip and what a screen reader says after the text.
"""

from __future__ import annotations

from datetime import datetime

from app.ui.ports.history import RideListingLike

__all__ = [
    "COMPLETE_CHIP",
    "INTERRUPTED_CHIP",
    "SYNC_CHIPS",
    "TRASHED_CHIP",
    "TRASH_DAYS",
    "Chip",
    "date_lines",
    "list_chip",
    "local_time",
    "long_date_text",
    "rides_word",
    "status_chip",
    "sync_chip",
]

TRASH_DAYS = 30

Chip = tuple[str, str, str]  # (text, tone, what it means)

# sync_state -> chip
SYNC_CHIPS: dict[str, Chip] = {
    "uploaded": ("Uploaded", "good", "Uploaded to your account"),
    "waiting": ("Waiting", "info", "Waiting to upload: it goes when the server can be reached"),
    "failed": (
        "Upload failed",
        "danger",
        "The server refused it; it stays on this computer and can be exported",
    ),
    "not queued": ("Not synced", "muted", "Kept on this computer only"),
}
INTERRUPTED_CHIP: Chip = ("Interrupted", "warning", "The app stopped during this ride")
TRASHED_CHIP: Chip = (
    "In trash",
    "muted",
    f"Deleted for good {TRASH_DAYS} days after it was trashed",
)
COMPLETE_CHIP: Chip = ("Complete", "muted", "Ridden to the end, or finished early")


def local_time(when: datetime) -> datetime:
    return when.astimezone() if when.tzinfo is not None else when


def long_date_text(started_at: datetime, now: datetime | None = None) -> str:
    """'Fri 14 Mar, 07:12' in local time, the year too when it is not this year's."""
    local = local_time(started_at)
    year = "" if local.year == local_time(now or datetime.now().astimezone()).year else " %Y"
    return local.strftime(f"%a {local.day} %b{year}, %H:%M")


def date_lines(started_at: datetime, now: datetime | None = None) -> tuple[str, str]:
    """('Fri 14 Mar', '07:12') in local time; ('Fri 14 Mar', '2024 · 07:12') another year."""
    local = local_time(started_at)
    this_year = local.year == local_time(now or datetime.now().astimezone()).year
    return local.strftime(f"%a {local.day} %b"), local.strftime(
        "%H:%M" if this_year else "%Y · %H:%M"
    )


def sync_chip(sync_state: str) -> Chip:
    return SYNC_CHIPS.get(sync_state, (sync_state.capitalize() or "Unknown", "muted", ""))


def status_chip(listing: RideListingLike) -> Chip | None:
    """The detail pane's state chip for a ride that is not simply complete."""
    if listing.trashed:
        return TRASHED_CHIP
    if listing.state == "interrupted":
        return INTERRUPTED_CHIP
    return None


def list_chip(ride: RideListingLike) -> Chip:
    """The Sync column's chip: an interrupted ride (never queued for upload) says so,
    every other ride says where its upload is."""
    if ride.state == "interrupted":
        return INTERRUPTED_CHIP
    return sync_chip(ride.sync_state)


def rides_word(count: int) -> str:
    return f"{count} ride{'' if count == 1 else 's'}"
