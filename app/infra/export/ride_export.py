"""A recorded ride as the exporters see it, loaded from rides.db, and its laps.

The FIT and TCX writers share this module so both files split a ride the same way:

* a new lap starts at the first moving second whose workout interval differs from the
  previous moving second's, and at the first moving second at or after a manual lap
  press; a lap never starts on a paused second and is never empty of moving seconds;
* a lap runs from its first second to the next lap's first second (the last lap to the
  end of the ride's last second), so paused seconds at a boundary count towards the lap
  that was running when the rider paused, and the laps' elapsed times add up to the ride's.

Figures follow `app.core.ride.samples.summarize`: moving seconds only; a dropout second
(no_data) counts as moving time but adds no power, heart rate or cadence.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import Enum
from itertools import pairwise
from pathlib import Path

from app.core.ports import TrainerMode
from app.core.ride.samples import RideSummary, Sample, summarize
from app.infra.store.journal import resume_point_of

__all__ = [
    "ExportRide",
    "LapEnd",
    "LapSpan",
    "RideNotFoundError",
    "SpanStats",
    "load_export_ride",
    "span_stats",
    "split_laps",
    "whole_ride",
]


class RideNotFoundError(KeyError):
    """rides.db has no ride with that id."""


@dataclass(frozen=True, slots=True)
class ExportRide:
    """One ride to export. Sample k happened at `started_at + k.elapsed_s` seconds.

    `laps` holds the elapsed_s of manual lap presses (may be empty). `summary` is the
    summary the app showed the rider; None means "compute it from the samples".
    `segments` is for a ride resumed after a crash: (first elapsed_s, wall-clock start)
    of each stretch ridden in one go (the journal's ride_segments); from a segment's first
    sample on, time counts from its own start. Empty means one segment from started_at."""

    ride_id: str
    workout_name: str
    started_at: datetime
    ftp_w: float
    samples: Sequence[Sample]
    laps: Sequence[int] = ()
    summary: RideSummary | None = None
    segments: Sequence[tuple[int, datetime]] = ()

    def __post_init__(self) -> None:
        for when in (self.started_at, *(when for _, when in self.segments)):
            if when.tzinfo is None or when.utcoffset() is None:
                raise ValueError(f"ride times must be timezone-aware, got {when!r}")
        object.__setattr__(self, "started_at", self.started_at.astimezone(UTC))
        previous = None
        for sample in self.samples:
            if previous is not None and sample.elapsed_s <= previous:
                raise ValueError(
                    f"ride {self.ride_id}: samples must be in ascending elapsed_s order "
                    f"({sample.elapsed_s} after {previous})"
                )
            previous = sample.elapsed_s

    def sample_times(self) -> list[int]:
        """The whole Unix second at which each sample began. Strictly ascending: a
        segment whose clock would run back (a clock change between crash and resume) is
        moved up to follow the one before it; a later one leaves a gap in time."""
        base = round(self.started_at.timestamp())
        samples = self.samples
        if not self.segments:
            return [base + s.elapsed_s for s in samples]
        shifts: list[tuple[int, int]] = []  # (first elapsed_s, seconds added from there)
        shift = 0
        for first, when in sorted(self.segments, key=lambda seg: seg[0]):
            shift = max(shift, round(when.timestamp()) - base - first)
            shifts.append((first, shift))
        times: list[int] = []
        current = 0
        j = 0
        for s in samples:
            while j < len(shifts) and shifts[j][0] <= s.elapsed_s:
                current = shifts[j][1]
                j += 1
            times.append(base + s.elapsed_s + current)
        return times

    def effective_summary(self) -> RideSummary:
        """The stored summary, or one computed from the samples the same way."""
        return self.summary or summarize(list(self.samples), self.ftp_w)


# -- laps ------------------------------------------------------------------------------


class LapEnd(Enum):
    """Why a lap ended."""

    INTERVAL = "interval"  # the workout moved on to the next interval
    MANUAL = "manual"  # the rider pressed lap
    RIDE_END = "ride_end"  # the last lap


@dataclass(frozen=True, slots=True)
class LapSpan:
    index: int
    start_time: int  # Unix second the lap's first sample began
    end_time: int  # Unix second just past the lap (the next lap's start_time)
    first: int  # index of the lap's first sample in ExportRide.samples
    stop: int  # index just past the lap's last sample
    start_distance_m: float  # ride distance when the lap began
    end: LapEnd


def split_laps(ride: ExportRide, times: Sequence[int] | None = None) -> list[LapSpan]:
    """The ride's laps (see the module docstring); [] for a ride without samples.
    `times` is ride.sample_times(), if the caller has it already."""
    samples = ride.samples
    if not samples:
        return []
    if times is None:
        times = ride.sample_times()
    presses = sorted(ride.laps)
    next_press = 0
    starts: list[tuple[int, LapEnd]] = []  # (sample index, why the lap before it ended)
    lap_first = 0
    lap_has_moving = False
    interval: int | None = None
    for i, s in enumerate(samples):
        if s.paused:
            continue
        pressed = False
        while next_press < len(presses) and presses[next_press] <= s.elapsed_s:
            if presses[next_press] > samples[lap_first].elapsed_s:
                pressed = True
            next_press += 1
        if lap_has_moving and (pressed or s.interval_index != interval):
            starts.append((i, LapEnd.MANUAL if pressed else LapEnd.INTERVAL))
            lap_first = i
        lap_has_moving = True
        interval = s.interval_index

    bounds = [0, *(i for i, _ in starts), len(samples)]
    ends = [why for _, why in starts] + [LapEnd.RIDE_END]
    end_of_ride = times[-1] + 1
    laps: list[LapSpan] = []
    for n, (first, stop) in enumerate(pairwise(bounds)):
        laps.append(
            LapSpan(
                index=n,
                start_time=times[first],
                end_time=times[stop] if stop < len(samples) else end_of_ride,
                first=first,
                stop=stop,
                start_distance_m=samples[first - 1].distance_m if first else 0.0,
                end=ends[n],
            )
        )
    return laps


@dataclass(frozen=True, slots=True)
class SpanStats:
    """Figures for a lap or a whole ride. Averages are None when nothing was measured."""

    elapsed_s: int  # wall-clock seconds, paused ones included
    timer_s: int  # moving seconds
    distance_m: float
    avg_power_w: float | None
    max_power_w: float | None
    np_w: float | None
    work_j: float
    avg_hr_bpm: float | None
    max_hr_bpm: float | None
    avg_cadence_rpm: float | None
    max_cadence_rpm: float | None
    avg_speed_mps: float | None
    max_speed_mps: float | None

    @property
    def kcal(self) -> int:
        """Energy burnt: for cycling 1 kJ of work is about 1 kcal (a gross efficiency of
        ~24 % cancels the 4.184 kJ/kcal), the convention cycling computers use."""
        return round(self.work_j / 1000)


def whole_ride(ride: ExportRide, times: Sequence[int]) -> LapSpan:
    """The whole ride as one span (for session figures)."""
    return LapSpan(0, times[0], times[-1] + 1, 0, len(ride.samples), 0.0, LapEnd.RIDE_END)


def span_stats(samples: Sequence[Sample], lap: LapSpan, ftp_w: float) -> SpanStats:
    own = list(samples[lap.first : lap.stop])
    summary = summarize(own, ftp_w)
    max_cadence: float | None = None
    max_speed: float | None = None
    for s in own:
        if s.paused:
            continue
        if s.cadence_rpm is not None and (max_cadence is None or s.cadence_rpm > max_cadence):
            max_cadence = s.cadence_rpm
        if s.speed_mps is not None and (max_speed is None or s.speed_mps > max_speed):
            max_speed = s.speed_mps
    distance = max(own[-1].distance_m - lap.start_distance_m, 0.0)
    timer_s = summary.moving_s
    return SpanStats(
        elapsed_s=lap.end_time - lap.start_time,
        timer_s=timer_s,
        distance_m=distance,
        avg_power_w=summary.avg_power_w,
        max_power_w=summary.max_power_w,
        np_w=summary.np_w,
        work_j=summary.work_kj * 1000,
        avg_hr_bpm=summary.avg_hr_bpm,
        max_hr_bpm=summary.max_hr_bpm,
        avg_cadence_rpm=summary.avg_cadence_rpm,
        max_cadence_rpm=max_cadence,
        avg_speed_mps=distance / timer_s if timer_s else None,
        max_speed_mps=max_speed,
    )


# -- loading from rides.db ---------------------------------------------------------------

_SAMPLE_COLUMNS = (
    "elapsed_s, workout_s, power_w, cadence_rpm, hr_bpm, speed_mps, distance_m, "
    "target_w, mode, interval_index, paused, no_data"
)


def _parse_started_at(text: str, ride_id: str) -> datetime:
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"ride {ride_id}: started_at {text!r} is not an ISO 8601 time") from None
    # The app writes aware UTC times; a naive one can only have been meant as UTC.
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


def _parse_summary(text: str | None) -> RideSummary | None:
    if not text:
        return None
    try:
        data = json.loads(text)
        return RideSummary.from_dict(data)  # one stored before zone_s existed too
    except (ValueError, KeyError, TypeError):
        return None  # an older or damaged summary: the exporters recompute it


def load_export_ride(db_path: Path, ride_id: str, laps: Sequence[int] | None = None) -> ExportRide:
    """Read one ride, its samples, its segments (journal schema 2; a schema-1 file has
    none) and its manual laps (kept with the resume point) from rides.db, read-only: the
    journal writer may be running. `laps` overrides the recorded laps. Raises
    RideNotFoundError (a KeyError), FileNotFoundError, ValueError (an unreadable
    started_at) or sqlite3.Error."""
    path = Path(db_path)
    if not path.is_file():
        raise FileNotFoundError(f"no rides database at {path}")
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        columns = {row[1] for row in conn.execute("PRAGMA table_info(rides)")}
        resume_column = "resume_json" if "resume_json" in columns else "NULL"
        ride = conn.execute(
            f"SELECT workout_name, ftp_w, started_at, summary_json, {resume_column} "
            "FROM rides WHERE id = ?",
            (ride_id,),
        ).fetchone()
        if ride is None:
            raise RideNotFoundError(f"no ride {ride_id!r} in {path}")
        rows = conn.execute(
            f"SELECT {_SAMPLE_COLUMNS} FROM samples WHERE ride_id = ? ORDER BY elapsed_s",
            (ride_id,),
        ).fetchall()
        has_segments = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'ride_segments'"
        ).fetchone()
        segment_rows = (
            conn.execute(
                "SELECT first_elapsed_s, started_at FROM ride_segments WHERE ride_id = ? "
                "ORDER BY first_elapsed_s",
                (ride_id,),
            ).fetchall()
            if has_segments
            else []
        )
    finally:
        conn.close()
    workout_name, ftp_w, started_at, summary_json, resume_text = ride
    if laps is None:
        laps = resume_point_of(resume_text).laps
    samples = [
        Sample(
            elapsed_s=int(r[0]),
            workout_s=r[1],
            power_w=r[2],
            cadence_rpm=r[3],
            hr_bpm=r[4],
            speed_mps=r[5],
            distance_m=r[6],
            target_w=r[7],
            mode=TrainerMode(r[8]),
            interval_index=r[9],
            paused=bool(r[10]),
            no_data=bool(r[11]),
        )
        for r in rows
    ]
    return ExportRide(
        ride_id=ride_id,
        workout_name=workout_name,
        started_at=_parse_started_at(started_at, ride_id),
        ftp_w=float(ftp_w),
        samples=samples,
        laps=tuple(laps),
        summary=_parse_summary(summary_json),
        segments=tuple(
            (int(first), _parse_started_at(when, ride_id)) for first, when in segment_rows
        ),
    )
