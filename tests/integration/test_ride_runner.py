"""The ride ticker on virtual time with the simulated trainer and the real journal."""

import asyncio
import sqlite3
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from app.core.ports import TrainerMode
from app.core.ride.session import RideSession, RideState
from app.core.workouts.model import Step, StepKind, Workout
from app.infra.sim.physics import TrainerPhysics
from app.infra.sim.trainer import SimulatedTrainerLink
from app.infra.store.journal import JournalObserver, JournalWriter, list_rides
from app.runtime.clock import VirtualClock
from app.runtime.ride_runner import RideRunner

FTP = 200.0


def steady(duration_s: float, fraction: float) -> Step:
    return Step(StepKind.STEADY, duration_s, fraction, fraction)


WORKOUT = Workout("runner test", (steady(120, 0.5), steady(180, 1.0), steady(60, 0.5)))


class Recorder:
    def __init__(self) -> None:
        self.samples = []
        self.messages = []
        self.finished = None

    def on_sample(self, sample, status):
        self.samples.append(sample)

    def on_status(self, status):
        pass

    def on_finished(self, summary, status):
        self.finished = (summary, status)

    def on_trainer_message(self, message):
        self.messages.append(message)


def make(workout=WORKOUT, observers=()):
    clock = VirtualClock()
    trainer = SimulatedTrainerLink(clock, TrainerPhysics(ftp_w=FTP, seed=3))
    session = RideSession(workout, ftp_w=FTP)
    recorder = Recorder()
    runner = RideRunner(session, trainer, clock, [recorder, *observers])
    return SimpleNamespace(trainer=trainer, session=session, recorder=recorder, runner=runner)


def test_a_whole_workout_rides_on_virtual_time_and_erg_holds_the_target():
    r = make()
    trainer, session, recorder, runner = r.trainer, r.session, r.recorder, r.runner
    summary = asyncio.run(runner.run())
    assert session.state is RideState.FINISHED
    assert [s.elapsed_s for s in recorder.samples] == list(range(360))
    assert runner.trace.times_s == [float(t) for t in range(360)]
    hard = [s.power_w for s in recorder.samples[140:290]]
    assert sum(hard) / len(hard) == pytest.approx(200, rel=0.05)
    assert summary is not None and summary.moving_s == 360
    assert recorder.finished[0] == summary
    assert trainer.last_command.mode is TrainerMode.ERG


def test_a_trainer_dropout_is_flagged_told_once_and_control_is_restored():
    r = make()
    trainer, recorder, runner = r.trainer, r.recorder, r.runner

    async def scenario():
        task = asyncio.ensure_future(runner.run())
        while len(recorder.samples) < 100:
            await asyncio.sleep(0)
        trainer.drop_out()
        while len(recorder.samples) < 130:
            await asyncio.sleep(0)
        trainer.come_back()
        return await task

    summary = asyncio.run(scenario())
    gap = [s for s in recorder.samples if s.no_data]
    assert 25 <= len(gap) <= 31
    assert len(recorder.messages) == 1
    assert summary.moving_s == 360
    late = [s.power_w for s in recorder.samples[250:290]]
    assert sum(late) / len(late) == pytest.approx(200, rel=0.05)


def test_the_journal_holds_every_sample(tmp_path):
    writer = JournalWriter(tmp_path / "rides.db")
    observer = JournalObserver(
        writer, "ride-1", workout_name=WORKOUT.name, ftp_w=FTP, started_at=datetime.now(UTC)
    )
    r = make(observers=[observer])
    recorder = r.recorder
    asyncio.run(r.runner.run())
    writer.close()
    (record,) = list_rides(tmp_path / "rides.db")
    assert record.state == "complete" and record.sample_count == 360
    conn = sqlite3.connect(tmp_path / "rides.db")
    powers = [r[0] for r in conn.execute("SELECT power_w FROM samples ORDER BY elapsed_s")]
    assert powers == [s.power_w for s in recorder.samples]
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


@pytest.mark.parametrize("action", ["finish", "discard"])
def test_finish_or_discard_wakes_a_sleeping_ticker(action):
    """At 1/1000 of real time the next tick is 1,000 s away: only the wake-up ends it."""
    from app.runtime.clock import ScaledClock
    from app.runtime.device_loop import DeviceLoop
    from app.runtime.ride_control import RideController

    loop = DeviceLoop().start()
    try:
        clock = ScaledClock(0.001)
        trainer = SimulatedTrainerLink(clock, TrainerPhysics(ftp_w=FTP))
        recorder = Recorder()
        handle = RideController(loop, trainer, clock).start(
            WORKOUT, ftp_w=FTP, observers=[recorder]
        )
        getattr(handle, action)()
        summary = handle.done.result(timeout=10)
    finally:
        loop.stop()
    assert (summary is None) == (action == "discard")
    assert recorder.finished is not None
    assert recorder.finished[1].state.value == ("finished" if action == "finish" else "discarded")


def test_cancelling_the_ride_task_from_outside_still_cancels():
    r = make()
    session, recorder, runner = r.session, r.recorder, r.runner

    async def scenario():
        task = asyncio.ensure_future(runner.run())
        while len(recorder.samples) < 3:
            await asyncio.sleep(0)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(scenario())
    assert session.active
