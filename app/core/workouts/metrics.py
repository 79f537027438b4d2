"""Training load of a planned workout: NP, IF, TSS and time in power zones.

Computed from the targets. FTP-fraction targets scale with the workout's
`ftp_override_w` when it has one (that is what the rider will be asked to hold) and with
`ftp_w` otherwise; IF, TSS and zones are always relative to `ftp_w`, the rider's FTP.
"""

from __future__ import annotations

import math
import operator
from bisect import bisect_left
from dataclasses import dataclass
from itertools import accumulate, repeat
from typing import Final

from app.core.workouts.model import Step, StepKind, Workout
from app.core.workouts.timeline import step_target_w


@dataclass(frozen=True, slots=True)
class PowerZone:
    number: int
    name: str
    low_ftp_fraction: float
    high_ftp_fraction: float


COGGAN_ZONES: Final[tuple[PowerZone, ...]] = (
    PowerZone(1, "Active recovery", 0.0, 0.55),
    PowerZone(2, "Endurance", 0.55, 0.75),
    PowerZone(3, "Tempo", 0.75, 0.90),
    PowerZone(4, "Threshold", 0.90, 1.05),
    PowerZone(5, "VO2max", 1.05, 1.20),
    PowerZone(6, "Anaerobic capacity", 1.20, 1.50),
    PowerZone(7, "Neuromuscular", 1.50, math.inf),
)
"""Coggan power zones as fractions of FTP: Z1 < 55 %, Z2 55–75 %, Z3 76–90 %, Z4 91–105 %,
Z5 106–120 %, Z6 121–150 %, Z7 > 150 %.

The published table uses whole percentages, so between them each zone's upper bound is
inclusive: exactly 75 % is Z2 and 75.5 % is Z3, exactly 150 % is Z6. Z1 is the exception,
ending just below 55 % (55 % itself is Z2). `zone_of` applies this table."""

FREE_RIDE_ASSUMED_FTP_FRACTION: Final = 0.60
"""A free-ride step has no target. Riders almost always spin easily through them (Zwift
uses them as warm-ups, recoveries and pre-test spins), so planned load assumes endurance
pace, 60 % of FTP (Z2). The ride itself records what really happened."""

MAX_EFFORT_ASSUMED_FTP_FRACTION: Final = 1.50
"""A max-effort step is all-out with no target. Sprints of 10–30 s average far above FTP
but fade quickly; 150 % of FTP (top of Z6) is a deliberately conservative estimate, so
a sprint workout's planned TSS is not overstated."""

NP_WINDOW_S: Final = 30

_ZONE_UPPER_BOUNDS: Final = tuple(z.high_ftp_fraction for z in COGGAN_ZONES[:-1])
_ZONE_BOUNDARY_DIGITS = 9  # 0.9 * 237 / 237 must still be exactly 0.9 for zone_of


@dataclass(frozen=True, slots=True)
class WorkoutMetrics:
    duration_s: float
    ftp_w: float
    average_w: float
    np_w: float
    intensity_factor: float
    tss: float
    time_in_zone_s: tuple[float, ...]
    """Seconds in Z1..Z7 (index 0 is Z1); sums to duration_s."""


def zone_of(fraction: float) -> int:
    """Coggan zone (1..7) of a power given as a fraction of FTP; see COGGAN_ZONES."""
    fraction = round(fraction, _ZONE_BOUNDARY_DIGITS)
    if not fraction >= COGGAN_ZONES[1].low_ftp_fraction:  # also catches NaN
        return 1
    return max(2, 1 + bisect_left(_ZONE_UPPER_BOUNDS, fraction))


def compute_metrics(workout: Workout, ftp_w: float = 250) -> WorkoutMetrics:
    if not (math.isfinite(ftp_w) and ftp_w > 0):
        raise ValueError(f"ftp_w must be a positive number, not {ftp_w!r}")
    segments = _segments(workout, ftp_w)
    duration_s = float(sum(d for d, _, _ in segments))
    ftp_w = float(ftp_w)
    if duration_s <= 0:
        return WorkoutMetrics(0.0, ftp_w, 0.0, 0.0, 0.0, 0.0, (0.0,) * len(COGGAN_ZONES))
    average_w = sum(d * (a + b) / 2 for d, a, b in segments) / duration_s
    np_w = _normalised_power_w(_per_second_w(segments))
    intensity_factor = np_w / ftp_w
    return WorkoutMetrics(
        duration_s=duration_s,
        ftp_w=ftp_w,
        average_w=average_w,
        np_w=np_w,
        intensity_factor=intensity_factor,
        tss=duration_s / 3600 * intensity_factor**2 * 100,
        time_in_zone_s=_time_in_zones(segments, ftp_w),
    )


_Segment = tuple[float, float, float]  # duration_s, start_w, end_w; linear in between


def _segments(workout: Workout, ftp_w: float) -> list[_Segment]:
    target_ftp_w = workout.ftp_override_w if workout.ftp_override_w is not None else ftp_w
    out: list[_Segment] = []
    for step in workout.flat_steps():
        if step.duration_s > 0:
            start_w, end_w = _step_ends_w(step, target_ftp_w, ftp_w)
            out.append((step.duration_s, start_w, end_w))
    return out


def _step_ends_w(step: Step, target_ftp_w: float, rider_ftp_w: float) -> tuple[float, float]:
    """A step without a target (free ride, max effort, or a malformed steady/ramp step)
    counts at the assumed effort, relative to the rider's own FTP."""
    start_w = step_target_w(step, 0.0, target_ftp_w)
    end_w = step_target_w(step, step.duration_s, target_ftp_w)
    if start_w is not None and end_w is not None:
        return start_w, end_w
    assumed = (
        MAX_EFFORT_ASSUMED_FTP_FRACTION
        if step.kind is StepKind.MAX_EFFORT
        else FREE_RIDE_ASSUMED_FTP_FRACTION
    )
    return assumed * rider_ftp_w, assumed * rider_ftp_w


def _per_second_w(segments: list[_Segment]) -> list[float]:
    """One sample per whole second, taken at the middle of the second (for a ramp this is
    the second's exact average)."""
    samples: list[float] = []
    t_s = 0.0
    for duration_s, start_w, end_w in segments:
        first = math.ceil(t_s - 0.5)
        end_s = t_s + duration_s
        count = math.ceil(end_s - 0.5) - first
        if count > 0:
            if start_w == end_w:
                samples.extend(repeat(start_w, count))
            else:
                slope = (end_w - start_w) / duration_s
                base_w = start_w + slope * (first + 0.5 - t_s)
                samples.extend([base_w + slope * k for k in range(count)])
        t_s = end_s
    return samples


def _normalised_power_w(samples_w: list[float]) -> float:
    """Fourth root of the mean fourth power of the 30-s rolling average. Shorter than one
    window: the plain average (the same convention as the ride summary)."""
    if not samples_w:
        return 0.0
    if len(samples_w) < NP_WINDOW_S:
        return sum(samples_w) / len(samples_w)
    prefix = list(accumulate(samples_w, initial=0.0))
    # window sums, raised to the 4th power, summed: all in C (map), ~10x a generator
    window_sums = map(operator.sub, prefix[NP_WINDOW_S:], prefix)
    fourth_sum = sum(map(pow, window_sums, repeat(4))) / NP_WINDOW_S**4
    return float((fourth_sum / (len(samples_w) - NP_WINDOW_S + 1)) ** 0.25)


def _time_in_zones(segments: list[_Segment], ftp_w: float) -> tuple[float, ...]:
    """Exact for steady and ramp targets: a ramp spends time in each zone in proportion to
    the share of its power range that zone covers."""
    zone_s = [0.0] * len(COGGAN_ZONES)
    for duration_s, start_w, end_w in segments:
        low, high = sorted((start_w / ftp_w, end_w / ftp_w))
        if high - low < 1e-12:
            zone_s[zone_of(low) - 1] += duration_s
            continue
        for i, zone in enumerate(COGGAN_ZONES):
            zone_low = -math.inf if i == 0 else zone.low_ftp_fraction
            overlap = min(high, zone.high_ftp_fraction) - max(low, zone_low)
            if overlap > 0:
                zone_s[i] += duration_s * overlap / (high - low)
    return tuple(zone_s)
