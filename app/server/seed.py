"""First-start content: the workout library from the bundled workout files, and a 28-day
calendar for each new rider (a weekly rotation of bundled workouts)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from pathlib import Path

from app.core.workouts.formats import format_for_extension, read_workout
from app.core.workouts.model import WorkoutFormatError
from app.server.store import ServerStore, User, WorkoutRow, iso

log = logging.getLogger(__name__)

CALENDAR_DAYS = 28
SEEDED_KEY = "library_seeded"

# The week, Monday first: (categories to pick from, note). None is a rest day (no entry).
WEEK: tuple[tuple[tuple[str, ...], str | None] | None, ...] = (
    (("recovery",), "Recovery day: keep it easy."),
    (("threshold",), None),
    (("endurance",), None),
    (("vo2max", "anaerobic"), None),
    None,
    (("sweet spot",), "Long-ish quality day."),
    (("tempo", "endurance"), None),
)


def bundled_library_dir() -> Path:
    """resources/workouts of this checkout or install (FREEWHEEL_RESOURCES overrides)."""
    from app.infra.paths import resources_dir

    return resources_dir() / "workouts"


def open_store(path: Path, now: datetime, bundled_dir: Path | None = None) -> ServerStore:
    """server.db, created and seeded (status components, bundled library) on first open."""
    store = ServerStore(path)
    store.ensure_components(now)
    seed_library(store, bundled_dir if bundled_dir is not None else bundled_library_dir(), now)
    return store


def seed_library(store: ServerStore, folder: Path, now: datetime) -> int:
    """On first start only: every bundled workout in a format the sync contract carries
    (the bundle is Zwift .zwo files) as a library workout. Returns how many."""
    if store.meta(SEEDED_KEY) is not None:
        return 0
    rows: list[WorkoutRow] = []
    for path in sorted(Path(folder).iterdir()) if Path(folder).is_dir() else []:
        row = _bundled_row(path, now)
        if row is not None:
            rows.append(row)
    if not rows:
        log.warning("no bundled workouts found in %s: the library starts empty", folder)
    store.put_workouts(rows)
    store.set_meta(SEEDED_KEY, now.isoformat())
    return len(rows)


def _bundled_row(path: Path, now: datetime) -> WorkoutRow | None:
    """The library row of one bundled file; None for a file the library cannot carry."""
    fmt = format_for_extension(path.suffix)
    if fmt is None or fmt.wire_name is None or not path.is_file():
        return None
    data = path.read_bytes()
    try:
        workout = read_workout(data, path.name)
        content = data.decode("utf-8-sig")
    except (WorkoutFormatError, UnicodeDecodeError) as exc:
        log.warning("bundled workout %s skipped: %s", path.name, exc)
        return None
    category = workout.category.strip()
    return WorkoutRow(
        id=path.stem, version=0, updated_at=iso(now), name=workout.name or path.stem,
        format=fmt.wire_name, content=content, tags=tuple(_unique([category, *workout.tags])),
        category=category, deleted=False, seq=0,
    )  # fmt: skip


def _unique(tags: Sequence[str]) -> list[str]:
    seen: set[str] = set()
    out: list[str] = []
    for tag in tags:
        key = tag.strip().lower()
        if key and key not in seen:
            seen.add(key)
            out.append(tag.strip())
    return out


def plan_days(
    workouts: Sequence[WorkoutRow], first: date, last: date
) -> list[tuple[date, str, str | None]]:
    """The rotation for every day first..last: the same date always gets the same workout
    (given the same library), so topping a calendar up never reshuffles it."""
    if not workouts:
        return []
    by_category: dict[str, list[WorkoutRow]] = {}
    for w in sorted(workouts, key=lambda w: w.id):
        by_category.setdefault(w.category.lower(), []).append(w)
    everything = sorted(workouts, key=lambda w: w.id)
    entries: list[tuple[date, str, str | None]] = []
    day = first
    while day <= last:
        slot = WEEK[day.weekday()]
        if slot is not None:
            categories, note = slot
            choices = [w for c in categories for w in by_category.get(c, [])] or everything
            week_number = day.toordinal() // 7
            entries.append((day, choices[week_number % len(choices)].id, note))
        day += timedelta(days=1)
    return entries


def ensure_calendar(store: ServerStore, user_id: str, today: date) -> None:
    """Plan through today + 27 days, from where the rider's plan ends (or today)."""
    last = today + timedelta(days=CALENDAR_DAYS - 1)
    key = f"calendar_until:{user_id}"
    stored = store.meta(key)
    planned_until = None if stored is None else date.fromisoformat(stored)
    if planned_until is not None and planned_until >= last:
        return
    first = today if planned_until is None else max(today, planned_until + timedelta(days=1))
    workouts = store.live_workouts()
    if not workouts:
        return  # nothing to plan with yet: try again next time
    store.add_calendar_entries(user_id, plan_days(workouts, first, last))
    store.set_meta(key, last.isoformat())


def create_rider(
    store: ServerStore,
    email: str,
    password: str,
    *,
    now: datetime,
    display_name: str | None = None,
    ftp_w: int = 200,
    weight_kg: float | None = None,
    entitlement_valid_until: datetime | None = None,
) -> User:
    """A new account with its first 28 days planned."""
    user = store.create_user(
        email, password, now=now, display_name=display_name, ftp_w=ftp_w, weight_kg=weight_kg,
        entitlement_valid_until=entitlement_valid_until,
    )  # fmt: skip
    ensure_calendar(store, user.id, now.date())
    return user
