"""The ride stack every front end (desktop app, headless CLI) rides with: a device loop,
a trainer, the journal and the ride controller.

Nothing here touches the network: the ride path needs no account, server or Bluetooth.
Imports are local to each builder so the desktop app can show its library before the
device loop, the simulator and the journal are even imported.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from app.compose.options import TrainerSource

if TYPE_CHECKING:
    from app.core.ports import TrainerLink
    from app.core.ride.erg import ErgSettings
    from app.core.workouts.model import Workout
    from app.infra.ble.virtual_demo import DemoRadio
    from app.infra.paths import AppPaths
    from app.infra.sim.trainer import SimulatedTrainerLink
    from app.infra.store.journal import JournaledRide, JournalWriter
    from app.runtime.device_loop import DeviceLoop
    from app.runtime.ride_control import RideController, RideHandle
    from app.runtime.ride_runner import LoopClock, RideObserver

DEFAULT_FTP_W = 200.0


def make_clock(speed: str | float) -> LoopClock:
    """'max' (or 0) rides on virtual time; 1 is real time; anything else is scaled."""
    from app.runtime.clock import MonotonicClock, ScaledClock, VirtualClock

    if speed == "max" or float(speed) == 0:
        return VirtualClock()
    factor = float(speed)
    return MonotonicClock() if factor == 1 else ScaledClock(factor)


def make_sim_trainer(clock: LoopClock, ftp_w: float, seed: int = 1) -> SimulatedTrainerLink:
    from app.infra.sim.physics import TrainerPhysics
    from app.infra.sim.trainer import SimulatedTrainerLink

    return SimulatedTrainerLink(clock, TrainerPhysics(ftp_w=ftp_w, seed=seed))


@dataclass
class RideStack:
    """A running device loop, a trainer and a journal, ready to start rides."""

    loop: DeviceLoop
    clock: LoopClock
    trainer: TrainerLink
    journal: JournalWriter
    controller: RideController
    recovered_rides_db: Path | None = None  # where an unreadable rides.db was moved
    current: RideHandle | None = None
    virtual_demo: DemoRadio | None = None  # the virtual radio behind --virtual-ble

    def start(
        self,
        workout: Workout,
        *,
        ftp_w: float,
        intensity_pct: int = 100,
        observers: list[RideObserver] | None = None,
    ) -> RideHandle:
        self.current = self.controller.start(
            workout, ftp_w=ftp_w, intensity_pct=intensity_pct, observers=observers
        )
        self._route_reconnects()
        return self.current

    def _route_reconnects(self) -> None:
        """A BLE trainer that reconnects asks the ride to resend mode and target."""
        if self.current is not None and hasattr(self.trainer, "restore_control"):
            self.trainer.restore_control = self.current.restore_control

    def resume(
        self, ride: JournaledRide, *, observers: list[RideObserver] | None = None
    ) -> RideHandle:
        """Carry on an interrupted ride from the journal, under the same ride id."""
        from app.core.workouts.json_form import workout_from_json

        workout = workout_from_json(ride.workout_json, source=f"ride {ride.id}")
        self.current = self.controller.resume(
            ride.id, workout, ride.samples, ride.resume, ftp_w=ride.ftp_w, observers=observers
        )
        self._route_reconnects()
        return self.current

    def tell_rider(self, message: str | None) -> None:
        """Journal trouble reaches the rider on the ride screen, not in a dialog."""
        if self.current is not None and message:
            self.current.tell(message)
        elif self.current is not None:
            self.current.tell("Saving the ride works again; nothing was lost.")

    def close(self) -> None:
        if self.virtual_demo is not None:
            self.loop.submit(self.trainer.disconnect()).result(5)
            self.loop.submit(self.virtual_demo.close()).result(5)
        self.loop.stop()
        self.journal.close()


def remembered_trainer(
    paths: AppPaths, clock: LoopClock, loop: DeviceLoop, *, power_match: bool = True
) -> TrainerLink | None:
    """The trainer and sensors the rider paired last time, connected by address — no scan.
    None (the simulator rides instead) when none is remembered or Bluetooth cannot reach
    it; the reason is logged in plain words."""
    import logging

    from app.infra.ble.errors import explain
    from app.infra.ble.remembered import RememberedDevices, open_remembered_devices

    devices = open_remembered_devices(
        RememberedDevices(paths.config_dir), clock=clock, power_match=power_match
    )
    if devices is None:
        return None
    try:
        loop.submit(devices.connect()).result(timeout=20)
    except Exception as exc:
        problem = explain(exc)
        logging.getLogger(__name__).warning("remembered trainer not used: %s", problem.message)
        return None
    return devices


def build_ride_stack(
    paths: AppPaths,
    *,
    clock: LoopClock,
    ftp_w: float,
    seed: int = 1,
    erg: ErgSettings | None = None,
    after_ride: Callable[[], None] | None = None,
    trainer: TrainerSource = TrainerSource.SIMULATED,
    power_match: bool = True,
) -> RideStack:
    """A started device loop with the trainer `trainer` names (a remembered one that
    cannot be reached falls back to the simulator), the journal writer (rides.db checked
    first: an unreadable file is moved aside) and a controller whose rides are journaled;
    `after_ride` is told when each ride ends (the sync worker's cue)."""
    from app.infra.store.journal import JournalObserver, JournalWriter, recover_rides_db
    from app.runtime.device_loop import DeviceLoop
    from app.runtime.ride_control import RideController, RideInfo

    paths.ensure()
    recovered = recover_rides_db(paths.rides_db)
    problems: list[Callable[[str | None], None]] = []

    def on_problem(message: str | None) -> None:
        for listener in problems:
            listener(message)

    journal = JournalWriter(paths.rides_db, on_problem=on_problem)
    loop = DeviceLoop().start()
    link, demo = _trainer_link(trainer, paths, clock, loop, ftp_w, seed, power_match)

    def journal_sinks(info: RideInfo) -> list[RideObserver]:
        from app.core.workouts.json_form import workout_to_json

        observer = JournalObserver(
            journal,
            info.ride_id,
            workout_name=info.workout.name,
            ftp_w=info.ftp_w,
            started_at=info.started_at,
            workout_json=workout_to_json(info.workout),
            resumed_at_elapsed_s=info.resumed_at_elapsed_s,
        )
        extra: list[RideObserver] = [_AfterRide(after_ride)] if after_ride else []
        return [observer, *extra]

    controller = RideController(loop, link, clock, sinks=journal_sinks, erg=erg)
    stack = RideStack(loop, clock, link, journal, controller, recovered, virtual_demo=demo)
    problems.append(stack.tell_rider)
    return stack


def _trainer_link(
    source: TrainerSource,
    paths: AppPaths,
    clock: LoopClock,
    loop: DeviceLoop,
    ftp_w: float,
    seed: int,
    power_match: bool,
) -> tuple[TrainerLink, DemoRadio | None]:
    if source is TrainerSource.VIRTUAL_BLE:
        from app.infra.ble.virtual_demo import make_virtual_trainer_link, start_virtual_demo

        speed = float(getattr(clock, "speed", 1.0))
        demo = loop.submit(start_virtual_demo(ftp_w=ftp_w, seed=seed, time_scale=speed)).result()
        return make_virtual_trainer_link(demo, clock), demo
    remembered = (
        remembered_trainer(paths, clock, loop, power_match=power_match)
        if source is TrainerSource.REMEMBERED
        else None
    )
    return remembered or make_sim_trainer(clock, ftp_w, seed), None


class _AfterRide:
    """A RideObserver that tells the sync worker a ride ended; it only sets a flag."""

    def __init__(self, notify: Callable[[], None]) -> None:
        self._notify = notify

    def on_sample(self, sample: object, status: object) -> None:
        pass

    def on_status(self, status: object) -> None:
        pass

    def on_finished(self, summary: object, status: object) -> None:
        self._notify()

    def on_trainer_message(self, message: str) -> None:
        pass
