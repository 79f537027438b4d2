"""What the ride records once a second, and the summary computed from it."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import MISSING, dataclass, fields
from typing import Any

from app.core.ports import TrainerMode
from app.core.workouts.metrics import COGGAN_ZONES, zone_of


@dataclass(frozen=True, slots=True)
class Sample:
    """One second of a ride. `elapsed_s` counts every second since the start, paused ones
    included; `workout_s` is the position in the workout, which stands still while paused."""

    elapsed_s: int
    workout_s: float
    power_w: float | None
    cadence_rpm: float | None
    hr_bpm: float | None
    speed_mps: float | None
    distance_m: float
    target_w: int | None
    mode: TrainerMode
    interval_index: int | None
    paused: bool = False
    no_data: bool = False

    @property
    def moving(self) -> bool:
        return not self.paused


@dataclass(frozen=True, slots=True)
class RideSummary:
    elapsed_s: int
    moving_s: int
    distance_m: float
    avg_power_w: float | None
    np_w: float | None
    max_power_w: float | None
    intensity_factor: float | None
    tss: float | None
    work_kj: float
    avg_hr_bpm: float | None
    max_hr_bpm: float | None
    avg_cadence_rpm: float | None
    ftp_w: float
    zone_s: tuple[int, ...] = ()
    """Moving seconds with power in Coggan zones 1..7 relative to `ftp_w` (index 0 is Z1);
    a dropout second is in no zone. Empty for a summary stored before rides recorded it
    (and when `ftp_w` is not a positive number)."""

    def as_dict(self) -> dict[str, float | int | list[int] | None]:
        """The summary as JSON-ready values; `zone_s` becomes a list."""
        out: dict[str, float | int | list[int] | None] = {}
        for field in fields(self):
            value = getattr(self, field.name)
            out[field.name] = list(value) if isinstance(value, tuple) else value
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RideSummary:
        """The inverse of `as_dict` (after a JSON round trip). A summary stored before a
        field existed gets that field's default; unknown keys are ignored. Raises KeyError
        when a field without a default is missing, TypeError/ValueError for a bad value."""
        values: dict[str, Any] = {}
        for field in fields(cls):
            if field.name in data:
                values[field.name] = data[field.name]
            elif field.default is MISSING and field.default_factory is MISSING:
                raise KeyError(field.name)
        zones = values.get("zone_s", ())
        if not isinstance(zones, list | tuple) or not all(
            isinstance(z, int) and not isinstance(z, bool) for z in zones
        ):
            raise TypeError(f"zone_s must be a list of whole seconds, not {zones!r}")
        values["zone_s"] = tuple(zones)
        return cls(**values)


NP_WINDOW_S = 30


def normalized_power(powers_w: list[float]) -> float | None:
    """Coggan NP: 4th root of the mean 4th power of the 30-s rolling average.
    Rides shorter than the window fall back to the plain average."""
    if not powers_w:
        return None
    if len(powers_w) < NP_WINDOW_S:
        return sum(powers_w) / len(powers_w)
    window_sum = sum(powers_w[:NP_WINDOW_S])
    fourth_sum = (window_sum / NP_WINDOW_S) ** 4
    for i in range(NP_WINDOW_S, len(powers_w)):
        window_sum += powers_w[i] - powers_w[i - NP_WINDOW_S]
        fourth_sum += (window_sum / NP_WINDOW_S) ** 4
    count = len(powers_w) - NP_WINDOW_S + 1
    return float((fourth_sum / count) ** 0.25)


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def zone_seconds(samples: list[Sample], ftp_w: float) -> tuple[int, ...]:
    """Seconds of moving samples in each Coggan power zone (Z1..Z7) at `ftp_w`, as
    `zone_of` assigns them; paused and dropout (no power) seconds are in no zone.
    () when `ftp_w` is not a positive number: zones cannot be placed."""
    if not (math.isfinite(ftp_w) and ftp_w > 0):
        return ()
    zone_s = [0] * len(COGGAN_ZONES)
    for sample in samples:
        if sample.moving and sample.power_w is not None:
            zone_s[zone_of(sample.power_w / ftp_w) - 1] += 1
    return tuple(zone_s)


def summarize(samples: list[Sample], ftp_w: float) -> RideSummary:
    """Moving samples only. A dropout second counts as moving time but contributes no
    power, HR or cadence: nothing is invented for it (nor any zone time). Average cadence
    ignores coasting (zero) seconds, as cycling computers do."""
    moving = [s for s in samples if s.moving]
    powers = [s.power_w for s in moving if s.power_w is not None]
    hrs = [s.hr_bpm for s in moving if s.hr_bpm]
    cadences = [s.cadence_rpm for s in moving if s.cadence_rpm]
    np_w = normalized_power(powers)
    intensity = np_w / ftp_w if np_w is not None and ftp_w > 0 else None
    tss = (len(moving) * intensity**2 * 100 / 3600) if intensity is not None else None
    return RideSummary(
        elapsed_s=len(samples),
        moving_s=len(moving),
        distance_m=samples[-1].distance_m if samples else 0.0,
        avg_power_w=_mean(powers),
        np_w=np_w,
        max_power_w=max(powers) if powers else None,
        intensity_factor=intensity,
        tss=tss,
        work_kj=sum(powers) / 1000,
        avg_hr_bpm=_mean(hrs),
        max_hr_bpm=max(hrs) if hrs else None,
        avg_cadence_rpm=_mean(cadences),
        ftp_w=ftp_w,
        zone_s=zone_seconds(samples, ftp_w),
    )
