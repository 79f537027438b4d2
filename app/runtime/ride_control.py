"""Start rides and steer them from any thread (the UI, the CLI).

A RideHandle is the only way other threads touch a running ride: every action is posted
to the device loop, where the session lives.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import datetime

from app.core.ports import TrainerLink, TrainerMode
from app.core.ride.erg import ErgSettings
from app.core.ride.samples import RideSummary, Sample
from app.core.ride.session import ResumePoint, RideSession, RideState, RideStatus, status_of
from app.core.workouts.model import Workout
from app.runtime.device_loop import DeviceLoop
from app.runtime.ride_runner import LoopClock, RideObserver, RideRunner


@dataclass(frozen=True, slots=True)
class RideInfo:
    ride_id: str
    workout: Workout
    ftp_w: float
    started_at: datetime
    profile: list[tuple[float, float, float | None]]
    duration_s: float
    resumed_at_elapsed_s: int | None = None  # set when this carries on a journaled ride
    ridden: tuple[Sample, ...] = ()  # a resumed ride's samples so far, for the screens


# Called once per ride, on the loop thread, to add observers such as the journal.
RideSinkFactory = Callable[[RideInfo], list[RideObserver]]


class RideHandle:
    def __init__(self, loop: DeviceLoop, runner: RideRunner, info: RideInfo) -> None:
        self._loop = loop
        self._runner = runner
        self.info = info
        self.done: Future[RideSummary | None] = loop.submit(runner.run())

    @property
    def ride_id(self) -> str:
        return self.info.ride_id

    def _act(self, action: Callable[[RideSession], object]) -> None:
        self._loop.call(lambda: self._runner.act(action))

    def toggle_pause(self) -> None:
        def toggle(session: RideSession) -> None:
            if session.state is RideState.RIDING:
                session.pause()
            elif session.state is RideState.PAUSED:
                session.resume()

        self._act(toggle)

    def nudge_intensity(self, delta_pct: int) -> None:
        self._act(lambda s: s.nudge_intensity(delta_pct))

    def nudge(self, steps: int) -> None:
        """Up/Down: intensity in ERG, the level in resistance, the grade in simulation."""
        self._act(lambda s: s.nudge(steps))

    def set_mode(self, mode: TrainerMode) -> None:
        self._act(lambda s: s.set_control_mode(mode))

    def lap(self) -> None:
        self._act(lambda s: s.lap())

    def skip_forward(self) -> None:
        self._act(lambda s: s.skip_forward())

    def skip_back(self) -> None:
        self._act(lambda s: s.skip_back())

    def extend_interval(self, seconds: float = 60) -> None:
        self._act(lambda s: s.extend_interval(seconds))

    def finish(self) -> None:
        self._act(lambda s: None if s.ended else s.finish())

    def discard(self) -> None:
        self._act(lambda s: None if s.ended else s.discard())

    def restore_control(self) -> None:
        """The trainer reconnected: resend mode and target with an ERG ramp-in."""
        self._act(lambda s: s.restore_control())

    def tell(self, message: str) -> None:
        """Pass a message to the rider through the ride's observers (e.g. the journal
        cannot write); safe from any thread."""
        self._loop.call(lambda: self._runner.tell(message))

    def trace_times_s(self) -> list[float]:
        return list(self._runner.trace.times_s)


class RideController:
    def __init__(
        self,
        loop: DeviceLoop,
        trainer: TrainerLink,
        clock: LoopClock,
        sinks: RideSinkFactory | None = None,
        erg: ErgSettings | None = None,
    ) -> None:
        self.loop = loop
        self.trainer = trainer
        self.clock = clock
        self.sinks = sinks
        self.erg = erg

    def start(
        self,
        workout: Workout,
        *,
        ftp_w: float,
        intensity_pct: int = 100,
        observers: list[RideObserver] | None = None,
    ) -> RideHandle:
        session = RideSession(workout, ftp_w=ftp_w, erg=self.erg, intensity_pct=intensity_pct)
        return self._launch(session, str(uuid.uuid4()), None, observers)

    def resume(
        self,
        ride_id: str,
        workout: Workout,
        samples: list[Sample],
        point: ResumePoint,
        *,
        ftp_w: float,
        observers: list[RideObserver] | None = None,
    ) -> RideHandle:
        """Carry on an interrupted ride under its own id: one ride stays one ride."""
        session = RideSession.resumed(workout, samples, point, ftp_w=ftp_w, erg=self.erg)
        return self._launch(session, ride_id, session.elapsed_s, observers)

    def _launch(
        self,
        session: RideSession,
        ride_id: str,
        resumed_at: int | None,
        observers: list[RideObserver] | None,
    ) -> RideHandle:
        info = RideInfo(
            ride_id=ride_id,
            workout=session.workout,
            ftp_w=session.ftp_w,
            started_at=self.clock.wall(),
            profile=session.profile(),
            duration_s=session.duration_s,
            resumed_at_elapsed_s=resumed_at,
            ridden=tuple(session.samples) if resumed_at is not None else (),
        )
        all_observers = list(observers or [])
        if self.sinks is not None:
            all_observers = self.sinks(info) + all_observers
        runner = RideRunner(session, self.trainer, self.clock, all_observers)
        return RideHandle(self.loop, runner, info)


def initial_status(info: RideInfo) -> RideStatus:
    session = RideSession(info.workout, ftp_w=info.ftp_w)
    return status_of(session)
