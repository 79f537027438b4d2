"""The workout model: an ordered list of steps and repeat blocks.

Every format reader produces this model and every writer consumes it, so it is the one
vocabulary the library, the ride engine and the metrics share. Models are immutable.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class StepKind(StrEnum):
    STEADY = "steady"
    RAMP = "ramp"
    FREE_RIDE = "free_ride"  # no power target: the trainer runs in resistance/level mode
    MAX_EFFORT = "max_effort"  # all-out: resistance mode, rider self-selects the effort


class StepRole(StrEnum):
    """What the step is for; formats that know the difference (zwo, FIT) keep it."""

    WARMUP = "warmup"
    ACTIVE = "active"
    REST = "rest"
    COOLDOWN = "cooldown"


class PowerUnit(StrEnum):
    FTP_FRACTION = "ftp_fraction"  # 0.95 means 95 % of the rider's FTP
    WATTS = "watts"


@dataclass(frozen=True, slots=True)
class Cue:
    """A text message shown `offset_s` seconds after its step starts."""

    offset_s: float
    message: str
    duration_s: float = 10.0


@dataclass(frozen=True, slots=True)
class Step:
    """One interval. For RAMP the target moves linearly from power_start to power_end;
    for STEADY both are equal; FREE_RIDE and MAX_EFFORT carry no power target."""

    kind: StepKind
    duration_s: float
    power_start: float | None = None
    power_end: float | None = None
    power_unit: PowerUnit = PowerUnit.FTP_FRACTION
    cadence_rpm: int | None = None
    role: StepRole = StepRole.ACTIVE
    cues: tuple[Cue, ...] = ()

    def power_at(self, offset_s: float) -> float | None:
        """The target at `offset_s` into the step, in the step's own unit."""
        if self.power_start is None or self.power_end is None:
            return None
        if self.kind is not StepKind.RAMP or self.duration_s <= 0:
            return self.power_start
        frac = min(max(offset_s / self.duration_s, 0.0), 1.0)
        return self.power_start + (self.power_end - self.power_start) * frac


@dataclass(frozen=True, slots=True)
class RepeatBlock:
    count: int
    steps: tuple[Step, ...]

    @property
    def duration_s(self) -> float:
        return self.count * sum(s.duration_s for s in self.steps)


Element = Step | RepeatBlock


@dataclass(frozen=True, slots=True)
class Workout:
    name: str
    elements: tuple[Element, ...]
    description: str = ""
    author: str = ""
    category: str = ""
    tags: tuple[str, ...] = ()
    ftp_override_w: int | None = None
    cues: tuple[Cue, ...] = field(default=())  # workout-level cues, offsets from the start

    @property
    def duration_s(self) -> float:
        return sum(e.duration_s for e in self.elements)

    def flat_steps(self) -> list[Step]:
        """Steps in ride order, repeat blocks unrolled."""
        out: list[Step] = []
        for element in self.elements:
            if isinstance(element, RepeatBlock):
                for _ in range(element.count):
                    out.extend(element.steps)
            else:
                out.append(element)
        return out


class WorkoutFormatError(ValueError):
    """A workout file that cannot be read; the message names where and what."""

    def __init__(self, message: str, *, source: str = "", location: str = "") -> None:
        self.source = source
        self.location = location
        where = ", ".join(p for p in (source, location) if p)
        super().__init__(f"{where}: {message}" if where else message)
