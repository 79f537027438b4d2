"""ERG policy: which target to send the trainer, and when.

Trainers overshoot and riders stall when the brake jumps, so after a start, a resume, a
reconnect and any large step up, the target is ramped in over a few seconds instead. Steps
down are sent at once: lowering the load is always safe. A trainer also lags its target by
a couple of seconds; an optional lead sends each target early so it lands on time.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ErgSettings:
    ramp_in_s: int = 3
    big_step_w: int = 50
    lead_s: int = 0
    min_target_w: int = 0
    max_target_w: int = 1500
    free_ride_resistance_pct: float = 25.0
    paused_resistance_pct: float = 5.0
    cadence_guard_rpm: float | None = 50.0  # None turns the guard off
    cadence_guard_s: int = 3
    cadence_recover_rpm: float = 60.0
    cadence_recover_s: int = 2
    guard_resistance_pct: float = 10.0
    auto_pause: bool = False  # pause when the rider stops pedalling, resume when they start
    auto_pause_after_s: int = 3
    auto_resume_cadence_rpm: float = 30.0


class CadenceGuard:
    """ERG's "spiral of death": a tired rider's cadence sags, the brake adds torque to hold
    the watts, cadence sags further until the pedals stop. When cadence stays below the
    guard for a few seconds under ERG, the trainer drops to a light resistance; ERG comes
    back (with a ramp-in) once cadence has recovered above a higher mark for a moment."""

    def __init__(self, settings: ErgSettings) -> None:
        self.settings = settings
        self.active = False
        self._low_s = 0
        self._ok_s = 0

    def update(self, cadence_rpm: float | None) -> bool:
        guard = self.settings.cadence_guard_rpm
        if guard is None or cadence_rpm is None:
            return self.active
        if not self.active:
            self._low_s = self._low_s + 1 if cadence_rpm < guard else 0
            if self._low_s >= self.settings.cadence_guard_s:
                self.active, self._ok_s = True, 0
        else:
            recovered = cadence_rpm >= self.settings.cadence_recover_rpm
            self._ok_s = self._ok_s + 1 if recovered else 0
            if self._ok_s >= self.settings.cadence_recover_s:
                self.active, self._low_s = False, 0
        return self.active


@dataclass(slots=True)
class _Ramp:
    from_w: float
    to_w: float
    step: int
    steps: int

    def value(self) -> float:
        frac = self.step / self.steps
        return self.from_w + (self.to_w - self.from_w) * frac


class ErgPolicy:
    """Turns the workout's wanted target into the target actually sent, once per tick."""

    def __init__(self, settings: ErgSettings) -> None:
        self.settings = settings
        self._last_sent_w: int | None = None
        self._ramp: _Ramp | None = None
        self._ramp_in_pending = True

    def ramp_in(self) -> None:
        """Ramp into the next target from low load: after start, resume or reconnect."""
        self._ramp_in_pending = True
        self._last_sent_w = None

    def reset(self) -> None:
        """Forget what was sent, e.g. after the trainer left ERG mode."""
        self._last_sent_w = None
        self._ramp = None

    def next_target(self, wanted_w: float, measured_w: float | None) -> int | None:
        """The target to send this tick, or None when the trainer already has it."""
        wanted = self._clamp(wanted_w)
        if self._ramp_in_pending:
            self._ramp_in_pending = False
            start = min(measured_w if measured_w is not None else 0.0, wanted)
            self._start_ramp(max(start, wanted * 0.5), wanted)
        elif (
            self._last_sent_w is not None and wanted - self._last_sent_w > self.settings.big_step_w
        ):
            if self._ramp is None or self._ramp.to_w != wanted:
                self._start_ramp(self._last_sent_w, wanted)
        elif self._ramp is not None and self._ramp.to_w != wanted:
            self._ramp = None
        target = round(self._advance_ramp(wanted))
        if target == self._last_sent_w:
            return None
        self._last_sent_w = target
        return target

    def _start_ramp(self, from_w: float, to_w: float) -> None:
        steps = max(self.settings.ramp_in_s, 1)
        self._ramp = _Ramp(from_w, to_w, 0, steps) if from_w < to_w else None

    def _advance_ramp(self, wanted: float) -> float:
        if self._ramp is None:
            return wanted
        self._ramp.step += 1
        value = self._ramp.value()
        if self._ramp.step >= self._ramp.steps:
            self._ramp = None
        return value

    def _clamp(self, watts: float) -> float:
        return min(max(watts, self.settings.min_target_w), self.settings.max_target_w)
