"""Backoff, ConnectionSupervisor and RidingDevices on small fake links: injected sleeps and
clocks, no radio, no real waiting."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from app.core.devices.power_match import PowerMatch
from app.core.devices.roles import Role, Source, SourceSample
from app.core.ports import ControlCommand, TrainerMode, TrainerReading
from app.infra.ble.errors import ProblemKind, TrainerUnavailableError
from app.infra.ble.supervisor import (
    Backoff,
    ConnectionSupervisor,
    RidingDevices,
    SessionState,
)


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def monotonic_s(self) -> float:
        return self.now

    def wall(self) -> datetime:
        return datetime(2026, 1, 1, tzinfo=UTC)


class FakeLink:
    """Connects when told to; `drop()` plays bleak's disconnected callback."""

    def __init__(self, name: str, clock: Clock, reading: TrainerReading | None = None) -> None:
        self.name = name
        self.clock = clock
        self.reading = reading or TrainerReading()
        self.connected = False
        self.fail_next = 0
        self.connects = 0
        self.applied: list[ControlCommand] = []
        self.heard_at: float | None = None
        self._listeners: list[Callable[[], None]] = []

    async def connect(self) -> None:
        self.connects += 1
        await asyncio.sleep(0)
        if self.fail_next:
            self.fail_next -= 1
            raise FileNotFoundError(2, "No such file or directory")
        self.connected = True
        self.heard_at = self.clock.now

    async def disconnect(self) -> None:
        self.connected = False

    def add_lost_listener(self, listener: Callable[[], None]) -> None:
        self._listeners.append(listener)

    def drop(self) -> None:
        self.connected = False
        for listener in self._listeners:
            listener()

    def snapshot(self) -> SourceSample | None:
        if not self.connected or self.heard_at is None:
            return None
        return SourceSample(self.reading, self.heard_at)

    async def apply(self, command: ControlCommand) -> None:
        if not self.connected:
            raise TrainerUnavailableError("down")
        self.applied.append(command)


class Sleeps:
    """An injected sleep: records each delay, returns at once."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, delay: float) -> None:
        self.delays.append(delay)
        await asyncio.sleep(0)


def test_backoff_grows_exponentially_and_caps() -> None:
    backoff = Backoff(initial_s=0.25, factor=2, max_s=2.0, jitter_frac=0)
    assert [backoff.next_delay() for _ in range(6)] == [0.25, 0.5, 1.0, 2.0, 2.0, 2.0]
    backoff.reset()
    assert backoff.next_delay() == 0.25


def test_backoff_jitter_is_bounded_and_injected() -> None:
    low = Backoff(initial_s=1, max_s=10, jitter_frac=0.2, rng=lambda: 0.0)
    high = Backoff(initial_s=1, max_s=10, jitter_frac=0.2, rng=lambda: 1.0)
    assert low.next_delay() == pytest.approx(0.8)
    assert high.next_delay() == pytest.approx(1.2)


def test_backoff_rejects_nonsense() -> None:
    with pytest.raises(ValueError):
        Backoff(initial_s=5, max_s=1)


def test_lost_link_reconnects_with_growing_backoff_and_fires_callbacks() -> None:
    async def scenario() -> None:
        clock = Clock()
        sleeps = Sleeps()
        supervisor = ConnectionSupervisor(
            clock, sleep=sleeps, backoff=lambda: Backoff(0.5, 2, 4, jitter_frac=0)
        )
        link = FakeLink("trainer", clock)
        session = supervisor.add(link, Role.TRAINER)
        lost: list[str] = []
        back: list[str] = []
        supervisor.on_lost.append(lambda s: lost.append(s.name))
        supervisor.on_reconnected.append(lambda s: back.append(s.name))
        await supervisor.start()
        assert session.state is SessionState.CONNECTED

        clock.now = 10.0
        link.fail_next = 4
        link.drop()
        assert session.state is SessionState.RECONNECTING and lost == ["trainer"]
        await session.wait_until(lambda s: s.reconnects == 1)
        assert sleeps.delays == [0.5, 1.0, 2.0, 4.0, 4.0]
        assert session.state is SessionState.CONNECTED and back == ["trainer"]
        assert session.problem is None
        assert session.gaps[0].lost_at_s == 10.0 and session.gaps[0].back_at_s == 10.0
        await supervisor.stop()
        assert session.state is SessionState.STOPPED and not link.connected

    asyncio.run(scenario())


def test_a_second_drop_while_reconnecting_is_one_reconnect() -> None:
    async def scenario() -> None:
        clock = Clock()
        gate = asyncio.Event()

        async def gated(_delay: float) -> None:
            await gate.wait()

        supervisor = ConnectionSupervisor(clock, sleep=gated)
        link = FakeLink("hr", clock)
        session = supervisor.add(link, Role.HR)
        await supervisor.start()
        link.drop()
        link.drop()
        gate.set()
        await session.wait_until(lambda s: s.reconnects == 1)
        assert link.connects == 2 and len(session.gaps) == 1
        await supervisor.stop()

    asyncio.run(scenario())


def test_first_connect_failure_keeps_retrying_in_the_background_with_the_problem() -> None:
    async def scenario() -> None:
        clock = Clock()
        sleeps = Sleeps()
        supervisor = ConnectionSupervisor(clock, sleep=sleeps, max_attempts=3)
        link = FakeLink("power", clock)
        link.fail_next = 10
        session = supervisor.add(link, Role.POWER)
        await supervisor.start()
        assert session.state is SessionState.RECONNECTING
        assert session.problem is not None and session.problem.kind is ProblemKind.NO_SYSTEM_BUS
        await session.wait_for(SessionState.FAILED)
        assert link.connects == 4 and len(sleeps.delays) == 3

    asyncio.run(scenario())


def test_stop_cancels_a_pending_reconnect() -> None:
    async def scenario() -> None:
        clock = Clock()

        async def forever(_delay: float) -> None:
            await asyncio.Event().wait()

        supervisor = ConnectionSupervisor(clock, sleep=forever)
        link = FakeLink("trainer", clock)
        session = supervisor.add(link, Role.TRAINER)
        await supervisor.start()
        link.drop()
        await asyncio.sleep(0)
        await supervisor.stop()
        assert session.state is SessionState.STOPPED and link.connects == 1

    asyncio.run(scenario())


def riding(clock: Clock, **kwargs) -> tuple[RidingDevices, FakeLink, FakeLink, Sleeps]:
    trainer = FakeLink("trainer", clock, TrainerReading(200, 90, 120, 9.0))
    meter = FakeLink("meter", clock, TrainerReading(power_w=190, cadence_rpm=88))
    sleeps = Sleeps()
    devices = RidingDevices(
        trainer,
        clock=clock,
        power_meter=meter,
        supervisor=ConnectionSupervisor(clock, sleep=sleeps),
        **kwargs,
    )
    return devices, trainer, meter, sleeps


def test_riding_devices_merge_and_fail_over_when_the_power_meter_goes() -> None:
    async def scenario() -> None:
        clock = Clock()
        devices, trainer, _meter, _ = riding(clock)
        await devices.connect()
        reading = devices.latest()
        assert reading is not None and reading.power_w == 190
        assert devices.sources_used.power is Source.POWER_METER

        clock.now = 5.0
        trainer.heard_at = 5.0  # the trainer keeps talking, the meter went quiet
        reading = devices.latest()
        assert reading is not None and reading.power_w == 200
        assert devices.sources_used.power is Source.TRAINER
        await devices.disconnect()

    asyncio.run(scenario())


def test_riding_devices_latest_is_none_when_nothing_is_fresh() -> None:
    async def scenario() -> None:
        clock = Clock()
        devices, trainer, meter, _ = riding(clock)
        await devices.connect()
        trainer.drop()
        meter.drop()
        assert devices.latest() is None
        await devices.disconnect()

    asyncio.run(scenario())


def test_apply_while_reconnecting_fails_fast_and_the_hook_restores_control() -> None:
    async def scenario() -> None:
        clock = Clock()
        gate = asyncio.Event()

        async def gated(_delay: float) -> None:
            await gate.wait()

        trainer = FakeLink("trainer", clock)
        restored: list[str] = []
        devices = RidingDevices(
            trainer,
            clock=clock,
            supervisor=ConnectionSupervisor(clock, sleep=gated),
            restore_control=lambda: restored.append("ramp-in"),
        )
        await devices.connect()
        await devices.apply(ControlCommand(TrainerMode.ERG, target_w=200))
        trainer.drop()
        with pytest.raises(TrainerUnavailableError, match="reconnecting"):
            await devices.apply(ControlCommand(TrainerMode.ERG, target_w=210))
        gate.set()
        await devices.trainer_session.wait_until(lambda s: s.reconnects == 1)
        assert restored == ["ramp-in"]
        assert [c.target_w for c in trainer.applied] == [200]  # the runner resends, not us
        await devices.disconnect()

    asyncio.run(scenario())


def test_without_a_hook_the_desired_command_is_reapplied() -> None:
    async def scenario() -> None:
        clock = Clock()
        trainer = FakeLink("trainer", clock)
        devices = RidingDevices(
            trainer, clock=clock, supervisor=ConnectionSupervisor(clock, sleep=Sleeps())
        )
        await devices.connect()
        await devices.apply(ControlCommand(TrainerMode.RESISTANCE, resistance_pct=30))
        trainer.drop()
        await devices.trainer_session.wait_until(lambda s: s.reconnects == 1)
        assert trainer.applied[-1] == ControlCommand(TrainerMode.RESISTANCE, resistance_pct=30)
        await devices.disconnect()

    asyncio.run(scenario())


def test_trainer_missing_at_start_raises_plain_words_and_keeps_trying() -> None:
    async def scenario() -> None:
        clock = Clock()
        gate = asyncio.Event()

        async def gated(_delay: float) -> None:
            await gate.wait()

        trainer = FakeLink("trainer", clock)
        trainer.fail_next = 1
        devices = RidingDevices(
            trainer, clock=clock, supervisor=ConnectionSupervisor(clock, sleep=gated)
        )
        with pytest.raises(TrainerUnavailableError, match="no system message bus"):
            await devices.connect()
        gate.set()
        await devices.trainer_session.wait_for(SessionState.CONNECTED)
        await devices.disconnect()

    asyncio.run(scenario())


def test_power_match_steers_erg_targets_once_learned() -> None:
    async def scenario() -> None:
        clock = Clock()
        devices, trainer, meter, _ = riding(clock, power_match=PowerMatch(min_samples=5))
        await devices.connect()
        for second in range(12):  # a steady stretch: trainer 200 W, meter 190 W
            clock.now = float(second)
            trainer.heard_at = meter.heard_at = clock.now
            devices.latest()
        await devices.apply(ControlCommand(TrainerMode.ERG, target_w=250))
        assert trainer.applied[-1].target_w == 260
        await devices.apply(ControlCommand(TrainerMode.RESISTANCE, resistance_pct=20))
        assert trainer.applied[-1].resistance_pct == 20  # only ERG is corrected
        assert devices.desired == ControlCommand(TrainerMode.RESISTANCE, resistance_pct=20)
        await devices.disconnect()

    asyncio.run(scenario())


def test_power_match_off_without_a_separate_meter() -> None:
    clock = Clock()
    trainer = FakeLink("trainer", clock)
    assert RidingDevices(trainer, clock=clock).power_match is None
    assert RidingDevices(trainer, clock=clock, power_meter=trainer).power_match is None
    meter = FakeLink("meter", clock)
    assert (
        RidingDevices(trainer, clock=clock, power_meter=meter, power_match=False).power_match
        is None
    )


def test_one_device_in_several_roles_is_one_session() -> None:
    clock = Clock()
    trainer = FakeLink("trainer", clock)
    strap = FakeLink("strap", clock)
    devices = RidingDevices(trainer, clock=clock, hr_strap=strap, cadence_sensor=trainer)
    sessions = devices.supervisor.sessions
    assert len(sessions) == 2
    assert sessions[0].roles == (Role.TRAINER, Role.CADENCE)
