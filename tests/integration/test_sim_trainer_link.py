"""SimulatedTrainerLink: TrainerPhysics behind the TrainerLink port, driven by a Clock."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from app.core.ports import ControlCommand, TrainerLink, TrainerMode
from app.infra.sim.physics import TrainerPhysics
from app.infra.sim.trainer import (
    MAX_CATCH_UP_S,
    SimulatedTrainerLink,
    TrainerUnavailableError,
)


class FakeClock:
    """A hand-wound Clock: time moves only when the test says so."""

    def __init__(self, start_s: float = 1000.0) -> None:
        self.now_s = start_s
        self._wall0 = datetime(2024, 5, 1, 7, 0, tzinfo=UTC)
        self._start_s = start_s

    def monotonic_s(self) -> float:
        return self.now_s

    def wall(self) -> datetime:
        return self._wall0 + timedelta(seconds=self.now_s - self._start_s)

    def advance(self, seconds: float) -> None:
        self.now_s += seconds


def erg(watts: int) -> ControlCommand:
    return ControlCommand(mode=TrainerMode.ERG, target_w=watts)


def level(pct: float, mode: TrainerMode = TrainerMode.RESISTANCE) -> ControlCommand:
    return ControlCommand(mode=mode, resistance_pct=pct)


def connected_link(
    clock: FakeClock,
    seed: int = 1,
    *,
    slow_apply_s: float = 0.0,
    max_catch_up_s: float = MAX_CATCH_UP_S,
) -> SimulatedTrainerLink:
    link = SimulatedTrainerLink(
        clock,
        TrainerPhysics(seed=seed),
        slow_apply_s=slow_apply_s,
        max_catch_up_s=max_catch_up_s,
    )
    asyncio.run(link.connect())
    return link


def test_is_a_trainer_link() -> None:
    link: TrainerLink = SimulatedTrainerLink(FakeClock())  # checked by mypy too
    assert link.name == "Freewheel Sim Trainer"
    assert SimulatedTrainerLink(FakeClock(), name="Bench").name == "Bench"


def test_nothing_to_read_until_connected() -> None:
    clock = FakeClock()
    link = SimulatedTrainerLink(clock, TrainerPhysics(seed=1))
    assert link.latest() is None
    assert not link.connected
    asyncio.run(link.connect())
    assert link.connected
    assert link.latest() is not None
    asyncio.run(link.disconnect())
    assert link.latest() is None


# --- lazy advance --------------------------------------------------------------------------


def test_reading_reflects_exactly_the_clock_time_elapsed() -> None:
    clock = FakeClock()
    link = connected_link(clock, seed=3)
    asyncio.run(link.apply(erg(200)))
    clock.advance(10)
    reading = link.latest()

    reference = TrainerPhysics(seed=3)
    reference.set_erg_target(200)
    for _ in range(40):
        reference.step(0.25)
    assert link.physics.elapsed_s == pytest.approx(10.0)
    assert reading == reference.snapshot()
    assert reading is not None and reading.power_w is not None
    assert reading.power_w > 180  # 10 s is enough for the brake to get there


def test_nothing_moves_while_the_clock_stands_still() -> None:
    clock = FakeClock()
    link = connected_link(clock)
    first = link.latest()
    for _ in range(10):
        assert link.latest() == first
    assert link.physics.elapsed_s == 0


def test_partial_sub_steps_are_carried_over() -> None:
    clock = FakeClock(start_s=12.34)
    link = connected_link(clock)
    clock.advance(0.1)
    link.latest()
    assert link.physics.elapsed_s == 0
    clock.advance(0.2)
    link.latest()
    assert link.physics.elapsed_s == pytest.approx(0.25)
    clock.advance(0.2)  # 0.5 s in total
    link.latest()
    assert link.physics.elapsed_s == pytest.approx(0.5)


def test_how_often_you_read_does_not_change_the_ride() -> None:
    clock_a, clock_b = FakeClock(), FakeClock()
    a, b = connected_link(clock_a, seed=9), connected_link(clock_b, seed=9)
    for link in (a, b):
        asyncio.run(link.apply(erg(230)))
    for _ in range(600):  # a reads at 10 Hz for a minute, b once at the end
        clock_a.advance(0.1)
        a.latest()
    clock_b.advance(60)
    assert a.latest() == b.latest()
    assert a.distance_m == b.distance_m > 0


def test_a_clock_that_goes_backwards_does_not_step() -> None:
    clock = FakeClock()
    link = connected_link(clock)
    clock.advance(5)
    link.latest()
    clock.advance(-3)
    link.latest()
    assert link.physics.elapsed_s == pytest.approx(5)
    clock.advance(4)  # 6 s after start
    link.latest()
    assert link.physics.elapsed_s == pytest.approx(6)


def test_huge_clock_jump_is_capped() -> None:
    clock = FakeClock()
    link = connected_link(clock)
    asyncio.run(link.apply(erg(150)))
    clock.advance(30 * 24 * 3600.0)  # a month (laptop asleep, or a broken clock)
    assert link.latest() is not None
    assert link.physics.elapsed_s == pytest.approx(MAX_CATCH_UP_S)
    assert link.skipped_s == pytest.approx(30 * 24 * 3600.0 - MAX_CATCH_UP_S)
    clock.advance(10)  # and it carries on normally afterwards
    link.latest()
    assert link.physics.elapsed_s == pytest.approx(MAX_CATCH_UP_S + 10)


def test_catch_up_cap_is_configurable() -> None:
    clock = FakeClock()
    link = connected_link(clock, max_catch_up_s=60.0)
    clock.advance(1000)
    link.latest()
    assert link.physics.elapsed_s == pytest.approx(60)
    assert link.skipped_s == pytest.approx(940)


# --- commands ------------------------------------------------------------------------------


def test_erg_command_drives_the_power() -> None:
    clock = FakeClock()
    link = connected_link(clock)
    asyncio.run(link.apply(erg(260)))
    assert link.last_command == erg(260)
    assert link.physics.mode is TrainerMode.ERG
    clock.advance(30)
    reading = link.latest()
    assert reading is not None and reading.power_w == pytest.approx(260, rel=0.05)


def test_resistance_and_simulation_commands_set_the_brake_level() -> None:
    clock = FakeClock()
    link = connected_link(clock)
    asyncio.run(link.apply(level(35)))
    assert link.physics.mode is TrainerMode.RESISTANCE
    assert link.physics.resistance_pct == 35
    asyncio.run(link.apply(level(60, TrainerMode.SIMULATION)))
    assert link.physics.resistance_pct == 60
    assert link.last_command == level(60, TrainerMode.SIMULATION)
    assert link.apply_count == 2


def test_command_applied_later_takes_effect_from_then() -> None:
    clock = FakeClock()
    link = connected_link(clock)
    asyncio.run(link.apply(erg(100)))
    clock.advance(30)
    asyncio.run(link.apply(erg(300)))  # physics caught up to t=30 before switching
    assert link.physics.elapsed_s == pytest.approx(30)
    assert link.physics.true_power_w == pytest.approx(100, rel=0.02)


def test_incomplete_commands_are_rejected_and_change_nothing() -> None:
    link = connected_link(FakeClock())
    asyncio.run(link.apply(erg(180)))
    with pytest.raises(ValueError):
        asyncio.run(link.apply(ControlCommand(mode=TrainerMode.ERG)))
    with pytest.raises(ValueError):
        asyncio.run(link.apply(ControlCommand(mode=TrainerMode.RESISTANCE, target_w=100)))
    assert link.last_command == erg(180)
    assert link.physics.erg_target_w == 180


def test_apply_before_connect_raises() -> None:
    link = SimulatedTrainerLink(FakeClock())
    with pytest.raises(TrainerUnavailableError):
        asyncio.run(link.apply(erg(100)))
    assert link.last_command is None


# --- faults --------------------------------------------------------------------------------


def test_drop_out_and_come_back() -> None:
    clock = FakeClock()
    link = connected_link(clock)
    asyncio.run(link.apply(erg(200)))
    clock.advance(20)
    assert link.latest() is not None

    link.drop_out()
    assert not link.connected
    clock.advance(5)
    assert link.latest() is None
    with pytest.raises(TrainerUnavailableError):
        asyncio.run(link.apply(erg(250)))
    with pytest.raises(TrainerUnavailableError):
        asyncio.run(link.connect())  # out of reach: a reconnect attempt fails too
    assert link.last_command == erg(200)

    link.come_back()
    assert link.connected
    reading = link.latest()
    assert reading is not None
    # the rider kept riding and the brake kept its last target while the link was down
    assert link.physics.elapsed_s == pytest.approx(25)
    assert reading.power_w == pytest.approx(200, rel=0.05)
    asyncio.run(link.apply(erg(250)))
    assert link.last_command == erg(250)


def test_come_back_after_disconnect_needs_a_connect() -> None:
    link = connected_link(FakeClock())
    link.drop_out()
    asyncio.run(link.disconnect())
    link.come_back()
    assert link.latest() is None
    asyncio.run(link.connect())
    assert link.latest() is not None


def test_stop_and_resume_pedalling_pass_through() -> None:
    clock = FakeClock()
    link = connected_link(clock)
    asyncio.run(link.apply(erg(220)))
    clock.advance(30)
    link.stop_pedalling()
    assert not link.physics.is_pedalling
    clock.advance(10)
    stopped = link.latest()
    assert stopped is not None
    assert stopped.power_w == 0 and stopped.cadence_rpm == 0
    link.resume_pedalling()
    clock.advance(20)
    back = link.latest()
    assert back is not None and back.power_w == pytest.approx(220, rel=0.05)


def test_slow_apply_waits_before_the_write_lands(monkeypatch: pytest.MonkeyPatch) -> None:
    real_sleep = asyncio.sleep
    waits: list[float] = []
    link = connected_link(FakeClock(), slow_apply_s=2.5)

    async def scenario() -> None:
        gate = asyncio.Event()

        async def fake_sleep(delay: float) -> None:  # the "2.5 s" ends when the test says
            waits.append(delay)
            await gate.wait()

        monkeypatch.setattr(asyncio, "sleep", fake_sleep)
        task = asyncio.create_task(link.apply(erg(240)))
        for _ in range(5):
            await real_sleep(0)
        assert waits == [2.5]
        assert link.last_command is None  # still in flight
        gate.set()
        await task

    asyncio.run(scenario())
    assert link.last_command == erg(240)


def test_slow_apply_cancelled_in_flight_does_not_land() -> None:
    link = connected_link(FakeClock(), slow_apply_s=3600.0)

    async def scenario() -> None:
        task = asyncio.create_task(link.apply(erg(240)))
        await asyncio.sleep(0)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(scenario())
    assert link.last_command is None
    assert link.apply_count == 0


def test_drop_out_during_a_slow_apply_fails_it(monkeypatch: pytest.MonkeyPatch) -> None:
    link = connected_link(FakeClock(), slow_apply_s=1.0)

    async def link_lost_while_writing(delay: float) -> None:
        link.drop_out()

    monkeypatch.setattr(asyncio, "sleep", link_lost_while_writing)
    with pytest.raises(TrainerUnavailableError):
        asyncio.run(link.apply(erg(240)))
    assert link.last_command is None
