"""Manual laps and trainer modes on a real ride: the ticker on virtual time, the simulated
trainer, the real journal, and the FIT file made from it."""

from __future__ import annotations

import asyncio
from pathlib import Path

from app.core.ports import TrainerMode
from app.core.ride.session import RideSession, RideState
from app.core.workouts.model import Step, StepKind, Workout
from app.infra.export import load_export_ride, write_fit_activity
from app.infra.sim.physics import TrainerPhysics, grade_to_resistance_pct
from app.infra.sim.trainer import SimulatedTrainerLink
from app.infra.store.journal import JournalObserver, JournalWriter, load_ride
from app.runtime.clock import VirtualClock
from app.runtime.ride_runner import RideRunner

FTP = 200.0
WORKOUT = Workout(
    "laps",
    (
        Step(StepKind.STEADY, 60, 0.5, 0.5),
        Step(StepKind.STEADY, 60, 0.9, 0.9),
        Step(StepKind.STEADY, 60, 0.5, 0.5),
    ),
)


class Seconds:
    """Wakes the scenario at chosen seconds of the ride (no sleeps: the ticker's own
    callbacks drive it)."""

    def __init__(self) -> None:
        self.count = 0
        self.reached: dict[int, asyncio.Event] = {}

    def at(self, second: int) -> asyncio.Event:
        return self.reached.setdefault(second, asyncio.Event())

    def on_sample(self, sample, status) -> None:
        self.count += 1
        if self.count in self.reached:
            self.reached[self.count].set()

    def on_status(self, status) -> None:
        pass

    def on_finished(self, summary, status) -> None:
        pass

    def on_trainer_message(self, message) -> None:
        pass


def ride_with_laps_and_modes(db: Path, *, finish: bool = True) -> tuple[str, SimulatedTrainerLink]:
    clock = VirtualClock()
    trainer = SimulatedTrainerLink(clock, TrainerPhysics(ftp_w=FTP, seed=5))
    session = RideSession(WORKOUT, ftp_w=FTP)
    writer = JournalWriter(db)
    seconds = Seconds()
    journal = JournalObserver(
        writer, "ride-1", workout_name=WORKOUT.name, ftp_w=FTP, started_at=clock.wall()
    )
    runner = RideRunner(session, trainer, clock, [journal, seconds])
    grades: list[float] = []

    async def scenario() -> None:
        task = asyncio.ensure_future(runner.run())
        await seconds.at(30).wait()
        runner.act(lambda s: s.lap())
        await seconds.at(70).wait()
        runner.act(lambda s: s.set_control_mode(TrainerMode.SIMULATION))
        runner.act(lambda s: s.nudge(6))  # 3 % up
        await seconds.at(75).wait()
        grades.append(trainer.physics.resistance_pct)
        runner.act(lambda s: s.lap())
        await seconds.at(100).wait()
        runner.act(lambda s: s.set_control_mode(TrainerMode.RESISTANCE))
        if not finish:
            runner.act(lambda s: s.discard())  # stands in for the app dying mid-ride
            writer.close()
        await task

    asyncio.run(scenario())
    if finish:
        writer.close()
    assert grades == [grade_to_resistance_pct(3.0)]
    return "ride-1", trainer


def test_laps_and_mode_changes_reach_the_journal_and_the_fit_file(tmp_path: Path) -> None:
    db = tmp_path / "rides.db"
    ride_id, trainer = ride_with_laps_and_modes(db)
    assert trainer.last_command is not None
    ride = load_export_ride(db, ride_id)
    assert ride.laps == (30, 75)
    modes = [s.mode for s in ride.samples]
    assert modes[60] is TrainerMode.ERG
    assert set(modes[72:99]) == {TrainerMode.SIMULATION}
    assert set(modes[102:]) == {TrainerMode.RESISTANCE}

    from garmin_fit_sdk import Decoder, Stream

    out = tmp_path / "ride.fit"
    write_fit_activity(ride, out)
    decoder = Decoder(Stream.from_byte_array(bytearray(out.read_bytes())))
    messages, errors = decoder.read()
    assert errors == []
    # three intervals, split at 30 s (inside the first) and 75 s (inside the second)
    assert len(messages["lap_mesgs"]) == 3 + 2


def test_a_crash_keeps_the_laps_and_the_mode_for_the_resume(tmp_path: Path) -> None:
    db = tmp_path / "rides.db"
    ride_id, _ = ride_with_laps_and_modes(db, finish=False)
    journaled = load_ride(db, ride_id)
    assert journaled.resume.laps == (30, 75)
    assert journaled.resume.mode is TrainerMode.RESISTANCE
    assert journaled.resume.grade_pct == 3.0
    again = RideSession.resumed(WORKOUT, journaled.samples, journaled.resume, ftp_w=FTP)
    assert again.state is RideState.RIDING and again.laps == [30, 75]
