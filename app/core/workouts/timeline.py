"""A workout laid out on the time axis, for the ride engine, metrics and charts."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

from app.core.workouts.model import PowerUnit, Step, StepKind, Workout


@dataclass(frozen=True, slots=True)
class Interval:
    """One step placed at `start_s` seconds from the start of the workout."""

    index: int
    start_s: float
    step: Step

    @property
    def end_s(self) -> float:
        return self.start_s + self.step.duration_s


class Timeline:
    def __init__(self, workout: Workout) -> None:
        self.workout = workout
        self.intervals: list[Interval] = []
        t = 0.0
        for i, step in enumerate(workout.flat_steps()):
            self.intervals.append(Interval(i, t, step))
            t += step.duration_s
        self.duration_s = t
        self._starts = [iv.start_s for iv in self.intervals]

    def interval_at(self, t_s: float) -> Interval | None:
        """The interval running at `t_s`; None past the end or for an empty workout."""
        if not self.intervals or t_s < 0 or t_s >= self.duration_s:
            return None
        return self.intervals[bisect_right(self._starts, t_s) - 1]

    def target_w(self, t_s: float, ftp_w: float, intensity: float = 1.0) -> float | None:
        """Target watts at `t_s`. Intensity scales FTP-relative targets only:
        absolute-watt steps (e.g. from .erg) are scaled too, since riders expect the
        intensity control to move every target."""
        iv = self.interval_at(t_s)
        if iv is None:
            return None
        return step_target_w(iv.step, t_s - iv.start_s, ftp_w, intensity)


def step_target_w(
    step: Step, offset_s: float, ftp_w: float, intensity: float = 1.0
) -> float | None:
    value = step.power_at(offset_s)
    if value is None or step.kind in (StepKind.FREE_RIDE, StepKind.MAX_EFFORT):
        return None
    watts = value * ftp_w if step.power_unit is PowerUnit.FTP_FRACTION else value
    return watts * intensity
