"""Disconnects mid-ride over the virtual radio: the supervisor reconnects, re-requests
control and the ride runner restores the target with a ramp-in; sensor failover."""

from __future__ import annotations

import asyncio

import pytest
from ble_harness import Changes, RealClock, no_wait, run

from app.core.devices.ftms import ControlOpCode
from app.core.devices.roles import Role, Source
from app.core.ports import ControlCommand, TrainerMode
from app.core.ride.session import RideSession
from app.core.workouts.model import Step, StepKind, Workout
from app.infra.ble.errors import TrainerLinkError
from app.infra.ble.links.ftms import FtmsTrainerLink
from app.infra.ble.links.sensors import HeartRateLink, PowerMeterLink
from app.infra.ble.supervisor import ConnectionSupervisor, RidingDevices, SessionState
from app.infra.ble.virtual import (
    VirtualFtmsTrainer,
    VirtualHeartRateStrap,
    VirtualPowerMeter,
    VirtualRadio,
)
from app.infra.ble.virtual_demo import make_virtual_trainer_link, start_virtual_demo
from app.infra.sim.physics import TrainerPhysics
from app.runtime.clock import ScaledClock
from app.runtime.ride_runner import RideRunner

SPEED = 20.0  # ride clock = 20 x real time: one tick every 50 ms
FTP = 200.0


class Recorder:
    def __init__(self, changes: Changes) -> None:
        self.samples = []
        self.messages: list[str] = []
        self.changes = changes

    def on_sample(self, sample, status) -> None:
        self.samples.append(sample)
        self.changes.kick()

    def on_status(self, status) -> None:
        pass

    def on_finished(self, summary, status) -> None:
        self.changes.kick()

    def on_trainer_message(self, message: str) -> None:
        self.messages.append(message)


def power_targets(trainer: VirtualFtmsTrainer) -> list[int]:
    return [
        r.target_power_w
        for r in trainer.requests
        if r.op_code is ControlOpCode.SET_TARGET_POWER and r.target_power_w is not None
    ]


def test_disconnect_mid_ride_reconnects_re_requests_control_and_ramps_the_target_back() -> None:
    async def scenario() -> None:
        async with VirtualRadio() as radio:
            trainer = VirtualFtmsTrainer(
                TrainerPhysics(ftp_w=FTP, seed=5), notify_hz=40, time_scale=SPEED
            )
            await radio.add(trainer)
            clock = ScaledClock(SPEED)
            changes = Changes()
            supervisor = ConnectionSupervisor(clock, sleep=no_wait)
            link = FtmsTrainerLink(trainer.address, clock=clock, backend=radio.client_backend)
            link.telemetry.add_listener(changes.kick)
            devices = RidingDevices(link, clock=clock, supervisor=supervisor)
            session = RideSession(
                Workout("steady", (Step(StepKind.STEADY, 600, 1.0, 1.0),)), ftp_w=FTP
            )
            recorder = Recorder(changes)
            runner = RideRunner(session, devices, clock, [recorder])
            restores: list[float] = []

            def restore_control() -> None:  # what the composition root wires
                restores.append(clock.monotonic_s())
                runner.act(lambda s: s.restore_control())

            devices.restore_control = restore_control
            seen_none_during_gap: list[bool] = []
            supervisor.on_lost.append(
                lambda s: seen_none_during_gap.append(devices.latest() is None)
            )
            supervisor.on_reconnected.append(changes.kick)

            ride = asyncio.ensure_future(runner.run())
            # ramp-in at the start, then 200 W held
            await changes.until(lambda: trainer.target_power_w == 200 and len(recorder.samples) > 8)
            before = len(power_targets(trainer))
            assert power_targets(trainer)[0] < 200  # the start ramps in too

            trainer.faults.disconnect_mid_record = True  # half a record, then the link drops
            await devices.trainer_session.wait_until(lambda s: s.reconnects == 1)
            assert seen_none_during_gap == [True]  # the gap shows as latest() None
            assert restores, "the runner was asked to restore mode and target"
            assert trainer.has_control and trainer.started
            requests = [r.op_code for r in trainer.requests]
            assert requests.count(ControlOpCode.REQUEST_CONTROL) == 2

            await changes.until(
                lambda: trainer.target_power_w == 200 and len(power_targets(trainer)) > before
            )
            after = power_targets(trainer)[before:]
            assert after[-1] == 200
            assert after == sorted(after), f"restored target must ramp up, got {after}"
            assert all(t >= 100 for t in after)  # the ramp starts at >= half the target
            gap = devices.trainer_session.gaps[0]
            assert gap.back_at_s is not None and gap.back_at_s > gap.lost_at_s
            # the ride clock never stopped: one sample per tick, no hole in elapsed time
            elapsed = [s.elapsed_s for s in recorder.samples]
            assert elapsed == list(range(len(elapsed)))

            runner.act(lambda s: s.finish())
            await ride
            await devices.disconnect()
            assert devices.trainer_session.state is SessionState.STOPPED

    run(scenario(), timeout_s=30)


def test_without_a_restore_hook_the_last_target_is_reapplied_after_reconnect() -> None:
    async def scenario() -> None:
        async with VirtualRadio() as radio:
            trainer = VirtualFtmsTrainer(notify_hz=20)
            await radio.add(trainer)
            clock = RealClock()
            supervisor = ConnectionSupervisor(clock, sleep=no_wait)
            changes = Changes()
            supervisor.on_reconnected.append(changes.kick)
            link = FtmsTrainerLink(trainer.address, clock=clock, backend=radio.client_backend)
            devices = RidingDevices(link, clock=clock, supervisor=supervisor)
            await devices.connect()
            await devices.apply(ControlCommand(TrainerMode.ERG, target_w=185))
            await trainer.disconnect()  # trainer switched off and on: it forgets the target
            assert trainer.target_power_w is None
            # while the link is down a command fails fast, in plain words
            with pytest.raises(TrainerLinkError) as caught:
                await devices.apply(ControlCommand(TrainerMode.ERG, target_w=190))
            assert "Traceback" not in str(caught.value) and str(caught.value)
            await devices.trainer_session.wait_until(lambda s: s.reconnects == 1)
            # the newest wanted target is what comes back
            assert trainer.target_power_w == 190
            assert devices.trainer_session.restore_times_s[0] < 2.0
            await devices.disconnect()

    run(scenario())


def test_power_meter_disappearing_fails_over_to_trainer_power_and_back() -> None:
    async def scenario() -> None:
        async with VirtualRadio() as radio:
            physics = TrainerPhysics(ftp_w=FTP, seed=4)
            trainer = VirtualFtmsTrainer(physics, notify_hz=20, heart_rate=True)
            meter = VirtualPowerMeter(lambda: 321.0, notify_hz=10, cadence_rpm_source=lambda: 77.0)
            strap = VirtualHeartRateStrap(lambda: 133.0, notify_hz=10)
            for p in (trainer, meter, strap):
                await radio.add(p)
            clock = RealClock()
            reconnect_gate = asyncio.Event()

            async def gated_sleep(_delay: float) -> None:
                await reconnect_gate.wait()  # no reconnect attempt until the test allows

            supervisor = ConnectionSupervisor(clock, sleep=gated_sleep)
            common = {"clock": clock, "backend": radio.client_backend}
            trainer_link = FtmsTrainerLink(trainer.address, **common)
            meter_link = PowerMeterLink(meter.address, **common)
            strap_link = HeartRateLink(strap.address, **common)
            devices = RidingDevices(
                trainer_link,
                clock=clock,
                power_meter=meter_link,
                hr_strap=strap_link,
                supervisor=supervisor,
            )
            changes = Changes()
            for link in (trainer_link, meter_link, strap_link):
                link.telemetry.add_listener(changes.kick)
            supervisor.on_reconnected.append(changes.kick)
            await devices.connect()

            def sourced(source: Source) -> bool:
                reading = devices.latest()
                return reading is not None and devices.sources_used.power is source

            await changes.until(
                lambda: (
                    sourced(Source.POWER_METER)
                    and devices.sources_used.hr is Source.HR_STRAP
                    and devices.sources_used.cadence is Source.POWER_METER
                )  # after 2 crank events
            )
            reading = devices.latest()
            assert reading is not None and reading.power_w == 321 and reading.hr_bpm == 133
            assert reading.cadence_rpm is not None and abs(reading.cadence_rpm - 77) < 3

            await meter.disconnect()  # the power meter drops off the link
            meter_session = devices.supervisor.session_for(Role.POWER)
            assert meter_session is not None
            await meter_session.wait_for(SessionState.RECONNECTING)
            assert meter_link.latest() is None
            await changes.until(lambda: sourced(Source.TRAINER))
            reading = devices.latest()
            assert reading is not None and reading.power_w != 321
            assert devices.sources_used.cadence is Source.TRAINER

            reconnect_gate.set()
            await changes.until(lambda: sourced(Source.POWER_METER))
            assert meter_link.battery_pct == meter.battery_level
            await devices.disconnect()

    run(scenario())


def test_virtual_demo_radio_gives_a_riding_devices_link() -> None:
    async def scenario() -> None:
        demo = await start_virtual_demo(time_scale=5)
        try:
            clock = RealClock()
            devices = make_virtual_trainer_link(demo, clock)
            changes = Changes()
            devices.trainer.telemetry.add_listener(changes.kick)  # type: ignore[attr-defined]
            await devices.connect()
            await devices.apply(ControlCommand(TrainerMode.ERG, target_w=180))
            assert demo.trainer.target_power_w is not None
            await changes.until(
                lambda: devices.latest() is not None and devices.sources_used.hr is not None
            )
            await devices.disconnect()
        finally:
            await demo.close()

    run(scenario())
