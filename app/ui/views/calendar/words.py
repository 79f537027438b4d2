"""What the Calendar screen says, and how it groups the days it shows.

Days are shown in Monday-first weeks (`weeks`); each week has a title relative to today
("This week", "Next week", "In 2 weeks") and totals of its planned workouts. A workout
the library does not have yet has no TSS to count (its own may be stale or missing).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from app.ui import display
from app.ui.ports.calendar import PlannedWorkout

__all__ = [
    "DAYS_SHOWN",
    "EMPTY_BODY",
    "EMPTY_TITLE",
    "MISSING_HINT",
    "Week",
    "count_text",
    "item_text",
    "long_day_text",
    "meta_text",
    "one_line",
    "short_day_text",
    "totals_text",
    "week_span",
    "week_title",
    "weeks",
]

DAYS_SHOWN = 28  # today and the 27 days after it
EMPTY_TITLE = "No plan on this computer yet."
EMPTY_BODY = "Sign in and sync to see your coach's calendar — or ride anything from the library."
MISSING_HINT = "Comes to this computer with the next sync"


def short_day_text(day: date) -> str:
    """'Mon 10 Mar'."""
    return f"{day:%a} {day.day} {day:%b}"


def long_day_text(day: date) -> str:
    """'Monday 10 March' (for screen readers)."""
    return f"{day:%A} {day.day} {day:%B}"


def meta_text(item: PlannedWorkout) -> str:
    """'1:15 · TSS 78'; '' when neither is known."""
    parts = []
    if item.duration_s:
        parts.append(display.h_mm(item.duration_s))
    if item.tss is not None and item.workout_id is not None:
        parts.append(f"TSS {display.whole(item.tss)}")
    return "  ·  ".join(parts)


def one_line(text: str) -> str:
    """`text` with every run of white space (new lines too) made one space."""
    return " ".join(text.split())


def item_text(item: PlannedWorkout) -> str:
    """'Sweet Spot 3x15 · 1:15 · TSS 78 · Keep cadence above 90' (tests and screen readers)."""
    meta = meta_text(item) or ("" if item.workout_id is not None else MISSING_HINT)
    note = one_line(item.note)
    return " · ".join(part for part in (item.name, meta.replace("  ·  ", " · "), note) if part)


def week_title(monday: date, today: date) -> str:
    """'This week', 'Next week', 'In 2 weeks', ... ('Last week' and earlier: 'Week of 3 Mar')."""
    weeks = (monday - (today - timedelta(days=today.weekday()))).days // 7
    if weeks == 0:
        return "This week"
    if weeks == 1:
        return "Next week"
    if weeks > 1:
        return f"In {weeks} weeks"
    return f"Week of {monday.day} {monday:%b}"


def totals_text(items: Sequence[PlannedWorkout]) -> str:
    """'3 workouts · 3:15 · TSS 210' for a week; 'Nothing planned' when nothing is."""
    if not items:
        return "Nothing planned"
    count = f"{len(items)} workout{'' if len(items) == 1 else 's'}"
    seconds = sum(i.duration_s or 0.0 for i in items)
    tss = sum(i.tss or 0.0 for i in items if i.workout_id is not None)
    parts = [count]
    if seconds:
        parts.append(display.h_mm(seconds))
    if tss:
        parts.append(f"TSS {display.whole(tss)}")
    return "  ·  ".join(parts)


def count_text(planned: Sequence[PlannedWorkout]) -> str:
    """'5 workouts planned · 1 not in the library yet'; '' when nothing is planned."""
    if not planned:
        return ""
    count = len(planned)
    words = f"{count} workout{'' if count == 1 else 's'} planned"
    missing = sum(1 for p in planned if p.workout_id is None)
    return f"{words} · {missing} not in the library yet" if missing else words


@dataclass(frozen=True, slots=True)
class Week:
    """The days of one Monday-first week that are shown (the first and last may be short)."""

    monday: date
    days: list[date]


def weeks(first: date, count: int) -> list[Week]:
    """`count` days from `first`, in the weeks they fall in."""
    shown: list[Week] = []
    for offset in range(count):
        day = first + timedelta(days=offset)
        monday = day - timedelta(days=day.weekday())
        if not shown or shown[-1].monday != monday:
            shown.append(Week(monday, []))
        shown[-1].days.append(day)
    return shown


def week_span(week: Week) -> str:
    """'10–16 Mar', '31 Mar – 6 Apr', or '12 Mar' for a week of one day shown."""
    first, last = week.days[0], week.days[-1]
    if first == last:
        return f"{first.day} {first:%b}"
    if first.month == last.month:
        return f"{first.day}–{last.day} {last:%b}"
    return f"{first.day} {first:%b} – {last.day} {last:%b}"
