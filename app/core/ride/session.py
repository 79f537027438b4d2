"""The ride session: a pure state machine advanced by a 1 Hz tick.

The session never reads a clock or touches a device. The ticker (runtime) calls `tick()`
once per second with the freshest trainer reading; the session answers with the sample for
that second and, at most once per tick, a command for the trainer.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from enum import StrEnum

from app.core.ports import ControlCommand, TrainerMode, TrainerReading
from app.core.ride.erg import CadenceGuard, ErgPolicy, ErgSettings
from app.core.ride.samples import RideSummary, Sample, summarize
from app.core.workouts.model import Step, StepKind, Workout
from app.core.workouts.timeline import Timeline, step_target_w

INTENSITY_MIN_PCT = 50
INTENSITY_MAX_PCT = 150
LEVEL_MIN_PCT, LEVEL_MAX_PCT, LEVEL_STEP_PCT = 0.0, 100.0, 5.0
GRADE_MIN_PCT, GRADE_MAX_PCT, GRADE_STEP_PCT = -10.0, 20.0, 0.5
DEFAULT_LEVEL_PCT = 30.0
SKIP_BACK_RESTART_S = 5  # within this many seconds of an interval's start, "back" goes further back


class RideState(StrEnum):
    READY = "ready"
    RIDING = "riding"
    PAUSED = "paused"
    FINISHED = "finished"
    DISCARDED = "discarded"


@dataclass(frozen=True, slots=True)
class ResumePoint:
    """What a ride needs, besides its samples, to carry on after a crash: the rider's
    intensity, the seconds they added to intervals (index in ride order, seconds), their
    manual laps (the elapsed_s each lap starts at), and the trainer mode they chose with
    its resistance level and grade."""

    intensity_pct: int = 100
    extensions: tuple[tuple[int, float], ...] = ()
    laps: tuple[int, ...] = ()
    mode: TrainerMode = TrainerMode.ERG
    level_pct: float = DEFAULT_LEVEL_PCT
    grade_pct: float = 0.0


class RideStateError(RuntimeError):
    """An action that the session's current state does not allow."""


@dataclass(slots=True)
class _Slot:
    """An interval as ridden: its step plus any seconds the rider added."""

    step: Step
    start_s: float
    extra_s: float = 0.0

    @property
    def duration_s(self) -> float:
        return self.step.duration_s + self.extra_s

    @property
    def end_s(self) -> float:
        return self.start_s + self.duration_s


@dataclass(frozen=True, slots=True)
class Tick:
    sample: Sample
    command: ControlCommand | None


class RideSession:
    def __init__(
        self,
        workout: Workout,
        *,
        ftp_w: float,
        erg: ErgSettings | None = None,
        intensity_pct: int = 100,
    ) -> None:
        self.workout = workout
        self.ftp_w = ftp_w
        self.erg = ErgPolicy(erg or ErgSettings())
        self.state = RideState.READY
        self.intensity_pct = _clamp_intensity(intensity_pct)
        self.position_s = 0.0
        self.elapsed_s = 0
        self.distance_m = 0.0
        self.samples: list[Sample] = []
        self._slots = [_Slot(iv.step, iv.start_s) for iv in Timeline(workout).intervals]
        self._starts = [slot.start_s for slot in self._slots]
        self._mode: TrainerMode | None = None
        self._resistance_pct: float | None = None
        self._grade_sent_pct: float | None = None
        self._extensions: list[tuple[int, float]] = []
        self.cadence_guard = CadenceGuard(self.erg.settings)
        self.auto_paused = False
        self._stopped_s = 0
        self.laps: list[int] = []
        self.control_mode = TrainerMode.ERG  # the rider's choice: E / R / S on the ride screen
        self.level_pct = DEFAULT_LEVEL_PCT
        self.grade_pct = 0.0

    @classmethod
    def resumed(
        cls,
        workout: Workout,
        samples: list[Sample],
        point: ResumePoint,
        *,
        ftp_w: float,
        erg: ErgSettings | None = None,
    ) -> RideSession:
        """Carry on a ride from its journal: same workout position, elapsed time,
        intensity and extensions; riding again, with the ERG target ramped back in."""
        session = cls(workout, ftp_w=ftp_w, erg=erg, intensity_pct=point.intensity_pct)
        for index, seconds in point.extensions:
            session._extend(index, seconds)
        session.laps = sorted(set(point.laps))
        session.control_mode = point.mode
        session.level_pct = _clamp(point.level_pct, LEVEL_MIN_PCT, LEVEL_MAX_PCT)
        session.grade_pct = _clamp(point.grade_pct, GRADE_MIN_PCT, GRADE_MAX_PCT)
        session.samples = list(samples)
        if samples:
            last = samples[-1]
            session.elapsed_s = last.elapsed_s + 1
            session.position_s = last.workout_s + (0 if last.paused else 1)
            session.distance_m = last.distance_m
        ended = session.position_s >= session.duration_s
        session.state = RideState.FINISHED if ended else RideState.RIDING
        return session

    def resume_point(self) -> ResumePoint:
        return ResumePoint(
            self.intensity_pct,
            tuple(self._extensions),
            tuple(self.laps),
            self.control_mode,
            self.level_pct,
            self.grade_pct,
        )

    # -- state -------------------------------------------------------------------------
    def start(self) -> None:
        self._require(RideState.READY)
        self.state = RideState.RIDING
        self.erg.ramp_in()

    def pause(self) -> None:
        self._require(RideState.RIDING)
        self.state = RideState.PAUSED

    def resume(self) -> None:
        self._require(RideState.PAUSED)
        self.state = RideState.RIDING
        self.auto_paused = False
        self._stopped_s = 0
        self.erg.ramp_in()
        self._mode = None

    def finish(self) -> RideSummary:
        self._require(RideState.RIDING, RideState.PAUSED, RideState.READY)
        self.state = RideState.FINISHED
        return self.summary()

    def discard(self) -> None:
        self._require(RideState.READY, RideState.RIDING, RideState.PAUSED)
        self.state = RideState.DISCARDED

    def restore_control(self) -> None:
        """The trainer came back (reconnect): resend mode and target, with a ramp-in."""
        self._mode = None
        self.erg.ramp_in()

    @property
    def active(self) -> bool:
        return self.state in (RideState.RIDING, RideState.PAUSED)

    @property
    def ended(self) -> bool:
        return self.state in (RideState.FINISHED, RideState.DISCARDED)

    def summary(self) -> RideSummary:
        return summarize(self.samples, self.ftp_w)

    # -- rider controls ------------------------------------------------------------------
    def set_intensity(self, pct: int) -> None:
        self.intensity_pct = _clamp_intensity(pct)

    def nudge_intensity(self, delta_pct: int) -> None:
        self.set_intensity(self.intensity_pct + delta_pct)

    def nudge(self, steps: int) -> None:
        """Up/Down on the ride screen: what they move depends on the mode. ERG: intensity
        by 1 % a step; resistance: the brake level by 5 %; simulation: the grade by 0.5 %."""
        if self.control_mode is TrainerMode.RESISTANCE:
            level = self.level_pct + steps * LEVEL_STEP_PCT
            self.level_pct = _clamp(level, LEVEL_MIN_PCT, LEVEL_MAX_PCT)
        elif self.control_mode is TrainerMode.SIMULATION:
            grade = round(self.grade_pct + steps * GRADE_STEP_PCT, 1)
            self.grade_pct = _clamp(grade, GRADE_MIN_PCT, GRADE_MAX_PCT)
        else:
            self.nudge_intensity(steps)

    def set_control_mode(self, mode: TrainerMode) -> None:
        """Ride the workout in ERG (the trainer holds the target), at a fixed resistance
        level, or on a simulated grade (the rider holds the target by feel). Back in ERG,
        the target is ramped in."""
        if mode is self.control_mode:
            return
        self.control_mode = mode
        self._mode = None
        self.erg.ramp_in()
        self.cadence_guard = CadenceGuard(self.erg.settings)

    def lap(self) -> int | None:
        """A manual lap starting with the next recorded second; returns its elapsed_s, or
        None when a lap already starts there (a double press) or nothing was recorded yet."""
        if self.elapsed_s == 0 or (self.laps and self.laps[-1] >= self.elapsed_s):
            return None
        self.laps.append(self.elapsed_s)
        return self.elapsed_s

    def skip_forward(self) -> None:
        slot = self._slot_index()
        if slot is not None:
            self.position_s = self._slots[slot].end_s
            self.erg.ramp_in()

    def skip_back(self) -> None:
        index = self._slot_index()
        if index is None:
            index = len(self._slots)
        current_start = self._slots[index].start_s if index < len(self._slots) else None
        if current_start is not None and self.position_s - current_start > SKIP_BACK_RESTART_S:
            self.position_s = current_start
        elif index > 0:
            self.position_s = self._slots[index - 1].start_s
        self.erg.ramp_in()

    def extend_interval(self, seconds: float = 60) -> None:
        """Add time to the current interval; a ramp holds its end target for the extra."""
        index = self._slot_index()
        if index is None or seconds <= 0:
            return
        self._extend(index, seconds)
        self._extensions.append((index, seconds))

    def _extend(self, index: int, seconds: float) -> None:
        if not 0 <= index < len(self._slots):
            return
        self._slots[index].extra_s += seconds
        for later in self._slots[index + 1 :]:
            later.start_s += seconds
        self._starts = [slot.start_s for slot in self._slots]

    # -- timeline as ridden ------------------------------------------------------------
    @property
    def duration_s(self) -> float:
        return self._slots[-1].end_s if self._slots else 0.0

    @property
    def interval_index(self) -> int | None:
        return self._slot_index()

    def interval_kind(self, index: int) -> StepKind | None:
        return self._slots[index].step.kind if 0 <= index < len(self._slots) else None

    def interval_duration_s(self, index: int) -> float | None:
        return self._slots[index].duration_s if 0 <= index < len(self._slots) else None

    def interval_time_left_s(self) -> float | None:
        index = self._slot_index()
        return None if index is None else self._slots[index].end_s - self.position_s

    def target_at(self, position_s: float) -> float | None:
        """Target watts at a workout position, with intensity; None for free ride."""
        index = self._slot_index(position_s)
        if index is None:
            return None
        slot = self._slots[index]
        offset = min(position_s - slot.start_s, slot.step.duration_s)
        return step_target_w(slot.step, offset, self.ftp_w, self.intensity_pct / 100)

    def profile(self) -> list[tuple[float, float, float | None]]:
        """(start_s, end_s, target_w at start) per interval; ramps are split per
        10 s so a chart can draw them."""
        out: list[tuple[float, float, float | None]] = []
        for slot in self._slots:
            t = slot.start_s
            while t < slot.end_s:
                end = min(
                    t + (10 if slot.step.kind is StepKind.RAMP else slot.duration_s), slot.end_s
                )
                out.append((t, end, self.target_at(t)))
                t = end
        return out

    def _slot_index(self, position_s: float | None = None) -> int | None:
        pos = self.position_s if position_s is None else position_s
        if not self._slots or pos < 0 or pos >= self._slots[-1].end_s:
            return None
        return bisect_right(self._starts, pos) - 1

    # -- the tick --------------------------------------------------------------------------
    def tick(self, reading: TrainerReading | None) -> Tick:
        """Record this second and decide the trainer command. Call once per second."""
        self._require(RideState.RIDING, RideState.PAUSED)
        self._auto_pause(reading)
        paused = self.state is RideState.PAUSED
        command = self._command(reading, paused)
        sample = self._record(reading, paused)
        if not paused:
            self.position_s += 1
            if self.position_s >= self.duration_s:
                self.state = RideState.FINISHED
        return Tick(sample, command)

    def _auto_pause(self, reading: TrainerReading | None) -> None:
        """Stopped pedalling (no cadence, no power) for a few seconds: pause; pedalling
        again: resume, with the ERG target ramped back in. A dropout (no reading) is not
        a stop: the trainer may just be reconnecting."""
        settings = self.erg.settings
        if not settings.auto_pause or reading is None:
            return
        cadence = reading.cadence_rpm or 0.0
        stopped = cadence < 5 and (reading.power_w or 0.0) < 25
        if self.state is RideState.RIDING:
            self._stopped_s = self._stopped_s + 1 if stopped else 0
            if self._stopped_s >= settings.auto_pause_after_s:
                self.pause()
                self.auto_paused = True
        elif self.auto_paused and cadence >= settings.auto_resume_cadence_rpm:
            self.resume()

    def current_cue(self) -> str | None:
        """The workout's text cue showing at this moment, if any."""
        index = self._slot_index()
        if index is not None:
            slot = self._slots[index]
            offset = self.position_s - slot.start_s
            for cue in slot.step.cues:
                if cue.offset_s <= offset < cue.offset_s + cue.duration_s:
                    return cue.message
        for cue in self.workout.cues:
            if cue.offset_s <= self.position_s < cue.offset_s + cue.duration_s:
                return cue.message
        return None

    def _record(self, reading: TrainerReading | None, paused: bool) -> Sample:
        speed = reading.speed_mps if reading else None
        if speed and not paused:
            self.distance_m += speed
        target = None if paused else self.target_at(self.position_s)
        sample = Sample(
            elapsed_s=self.elapsed_s,
            workout_s=self.position_s,
            power_w=reading.power_w if reading else None,
            cadence_rpm=reading.cadence_rpm if reading else None,
            hr_bpm=reading.hr_bpm if reading else None,
            speed_mps=speed,
            distance_m=self.distance_m,
            target_w=None if target is None else round(target),
            mode=self._mode or TrainerMode.ERG,
            interval_index=self._slot_index(),
            paused=paused,
            no_data=reading is None,
        )
        self.samples.append(sample)
        self.elapsed_s += 1
        return sample

    def _command(self, reading: TrainerReading | None, paused: bool) -> ControlCommand | None:
        settings = self.erg.settings
        if paused:
            return self._resistance(settings.paused_resistance_pct)
        if self.control_mode is TrainerMode.RESISTANCE:
            return self._resistance(self.level_pct)
        if self.control_mode is TrainerMode.SIMULATION:
            return self._simulation(self.grade_pct)
        wanted = self.target_at(self.position_s + settings.lead_s)
        if wanted is None:
            wanted = self.target_at(self.position_s)
        if wanted is None:
            return self._resistance(settings.free_ride_resistance_pct)
        if self.cadence_guard.update(reading.cadence_rpm if reading else None):
            return self._resistance(settings.guard_resistance_pct)
        if self._mode is not TrainerMode.ERG:
            self._mode = TrainerMode.ERG
            self.erg.reset()
        target = self.erg.next_target(wanted, reading.power_w if reading else None)
        return None if target is None else ControlCommand(TrainerMode.ERG, target_w=target)

    def _simulation(self, grade_pct: float) -> ControlCommand | None:
        if self._mode is TrainerMode.SIMULATION and self._grade_sent_pct == grade_pct:
            return None
        self._mode = TrainerMode.SIMULATION
        self._grade_sent_pct = grade_pct
        return ControlCommand(TrainerMode.SIMULATION, grade_pct=grade_pct)

    def _resistance(self, level_pct: float) -> ControlCommand | None:
        if self._mode is TrainerMode.RESISTANCE and self._resistance_pct == level_pct:
            return None
        self._mode = TrainerMode.RESISTANCE
        self._resistance_pct = level_pct
        self.erg.ramp_in()
        return ControlCommand(TrainerMode.RESISTANCE, resistance_pct=level_pct)

    def _require(self, *states: RideState) -> None:
        if self.state not in states:
            raise RideStateError(f"not allowed while {self.state.value}")


def _clamp_intensity(pct: int) -> int:
    return min(max(int(pct), INTENSITY_MIN_PCT), INTENSITY_MAX_PCT)


def _clamp(value: float, low: float, high: float) -> float:
    return min(max(float(value), low), high)


@dataclass(frozen=True, slots=True)
class RideStatus:
    """A read-only snapshot for screens: safe to hand to another thread."""

    state: RideState
    elapsed_s: int
    position_s: float
    duration_s: float
    intensity_pct: int
    interval_index: int | None
    interval_left_s: float | None
    target_w: int | None
    next_target_w: int | None
    resume: ResumePoint
    cue: str | None = None  # the workout's text cue for this moment
    auto_paused: bool = False
    next_interval_s: float | None = None  # how long the next interval lasts, as ridden
    control_mode: TrainerMode = TrainerMode.ERG
    level_pct: float = DEFAULT_LEVEL_PCT  # the brake level in resistance mode
    grade_pct: float = 0.0  # the road grade in simulation mode
    lap_number: int = 1  # manual laps: 1 until the rider presses L
    lap_started_s: int = 0  # elapsed_s the current lap started at
    next_all_out: bool = False  # the next interval is a max effort (a sprint: no target)


def status_of(session: RideSession) -> RideStatus:
    target = session.target_at(session.position_s)
    left = session.interval_time_left_s()
    upcoming = session.target_at(session.position_s + left) if left is not None else None
    index = session.interval_index
    return RideStatus(
        state=session.state,
        elapsed_s=session.elapsed_s,
        position_s=session.position_s,
        duration_s=session.duration_s,
        intensity_pct=session.intensity_pct,
        interval_index=session.interval_index,
        interval_left_s=left,
        target_w=None if target is None else round(target),
        next_target_w=None if upcoming is None else round(upcoming),
        resume=session.resume_point(),
        cue=session.current_cue(),
        auto_paused=session.auto_paused,
        next_interval_s=session.interval_duration_s(index + 1) if index is not None else None,
        control_mode=session.control_mode,
        level_pct=session.level_pct,
        grade_pct=session.grade_pct,
        lap_number=len(session.laps) + 1,
        lap_started_s=session.laps[-1] if session.laps else 0,
        next_all_out=index is not None and session.interval_kind(index + 1) is StepKind.MAX_EFFORT,
    )
