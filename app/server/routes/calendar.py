"""GET /api/v1/calendar?from=&to=: the rider's planned workouts (planned on demand)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query

from app.server.context import Auth, Ctx
from app.server.errors import ApiError
from app.server.seed import ensure_calendar

CALENDAR_MAX_DAYS = 366

router = APIRouter()


def _parse_day(text: str | None, name: str) -> date | None:
    if text is None or not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ApiError(400, "invalid_request", f"{name} must be a date YYYY-MM-DD") from None


@router.get("/api/v1/calendar")
def calendar(
    session: Auth,
    ctx: Ctx,
    first: Annotated[str | None, Query(alias="from")] = None,
    last: Annotated[str | None, Query(alias="to")] = None,
) -> dict[str, Any]:
    today = ctx.clock.now().date()
    start = _parse_day(first, "from") or today
    end = _parse_day(last, "to") or start + timedelta(days=27)
    if end < start:
        raise ApiError(400, "invalid_request", "to must not be before from")
    if (end - start).days >= CALENDAR_MAX_DAYS:
        raise ApiError(400, "invalid_request", f"at most {CALENDAR_MAX_DAYS} days at a time")
    ensure_calendar(ctx.store, session.user.id, today)
    entries = ctx.store.calendar(session.user.id, start, end)
    return {"entries": [{"date": d, "workout_id": wid, "note": note} for d, wid, note in entries]}
