"""Builds the parts every front end (desktop app, headless CLI) rides with.

Part of the composition root: the one place, with main.py, that knows infra and runtime.
Nothing here touches the network: the ride path needs no account, server or Bluetooth.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.core.ride.erg import ErgSettings
from app.infra.paths import AppPaths, resources_dir
from app.infra.sim.physics import TrainerPhysics
from app.infra.sim.trainer import SimulatedTrainerLink
from app.infra.store.bundled import LoadReport, MemoryLibrary, load_folder
from app.infra.store.journal import JournalObserver, JournalWriter
from app.runtime.clock import MonotonicClock, ScaledClock, VirtualClock
from app.runtime.device_loop import DeviceLoop
from app.runtime.ride_control import RideController, RideInfo
from app.runtime.ride_runner import LoopClock, RideObserver

DEFAULT_FTP_W = 200.0


def make_clock(speed: str | float) -> LoopClock:
    """'max' (or 0) rides on virtual time; 1 is real time; anything else is scaled."""
    if speed == "max" or float(speed) == 0:
        return VirtualClock()
    factor = float(speed)
    return MonotonicClock() if factor == 1 else ScaledClock(factor)


def open_bundled_library() -> tuple[MemoryLibrary, LoadReport]:
    report = load_folder(resources_dir() / "workouts", source="bundled")
    return MemoryLibrary(report.entries), report


def make_sim_trainer(clock: LoopClock, ftp_w: float, seed: int = 1) -> SimulatedTrainerLink:
    return SimulatedTrainerLink(clock, TrainerPhysics(ftp_w=ftp_w, seed=seed))


@dataclass
class RideStack:
    """A running device loop, a trainer and a journal, ready to start rides."""

    loop: DeviceLoop
    clock: LoopClock
    trainer: SimulatedTrainerLink
    journal: JournalWriter
    controller: RideController

    def close(self) -> None:
        self.loop.stop()
        self.journal.close()


def build_ride_stack(
    paths: AppPaths, *, clock: LoopClock, ftp_w: float, seed: int = 1,
    erg: ErgSettings | None = None,
) -> RideStack:  # fmt: skip
    paths.ensure()
    journal = JournalWriter(paths.rides_db)
    trainer = make_sim_trainer(clock, ftp_w, seed)
    loop = DeviceLoop().start()

    def journal_sinks(info: RideInfo) -> list[RideObserver]:
        name = info.workout.name
        return [
            JournalObserver(journal, info.ride_id, name, info.ftp_w, info.started_at.isoformat())
        ]

    controller = RideController(loop, trainer, clock, sinks=journal_sinks, erg=erg)
    return RideStack(loop, clock, trainer, journal, controller)
