"""What the server keeps about an uploaded ride besides its bytes: when it started and how
long it lasted, read from the FIT activity (which must be one)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from app.core.fit.decoder import FitFormatError, FitMessage, decode
from app.core.fit.profile import from_fit_time

FIT_FILE_TYPE_ACTIVITY = 4


def ride_facts(data: bytes) -> tuple[datetime | None, int | None]:
    """(start, duration in s) of a FIT activity; FitFormatError if it is not one."""
    messages = decode(data)
    file_id = next((m for m in messages if m.name == "file_id"), None)
    if file_id is None:
        raise FitFormatError("no file_id message")
    file_type = file_id.get("type")
    if file_type != FIT_FILE_TYPE_ACTIVITY:
        raise FitFormatError(f"not an activity file (file_id.type={file_type!r})")
    sessions = [m for m in messages if m.name == "session"]
    start = _start_time(messages, sessions, file_id)
    started_at = None if start is None else from_fit_time(start)
    return started_at, (round(_elapsed_s(sessions)) if sessions else None)


def _elapsed_s(sessions: Sequence[FitMessage]) -> float:
    duration = 0.0
    for session in sessions:
        elapsed = session.get("total_elapsed_time", session.get("total_timer_time"))
        if isinstance(elapsed, int | float):
            duration += float(elapsed)
    return duration


def _start_time(
    messages: Sequence[FitMessage], sessions: Sequence[FitMessage], file_id: FitMessage
) -> float | None:
    """The earliest session start; else the first record's timestamp; else when the file
    was made (FIT seconds)."""
    starts = [
        float(s) for s in (m.get("start_time") for m in sessions) if isinstance(s, int | float)
    ]
    if starts:
        return min(starts)
    for m in messages:
        stamp = m.get("timestamp") if m.name == "record" else None
        if isinstance(stamp, int | float):
            return float(stamp)
    created = file_id.get("time_created")
    return float(created) if isinstance(created, int | float) else None
