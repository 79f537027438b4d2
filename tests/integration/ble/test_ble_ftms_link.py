"""FtmsTrainerLink (FTMS) with the REAL bleak.BleakClient over the virtual radio (bumble).

Each test builds its own radio; every wait awaits an event (a notification, a status),
bounded by asyncio.timeout; nothing sleeps.
"""

from __future__ import annotations

import time

import pytest
from ble_harness import Changes, ManualClock, RealClock, run

from app.core.devices.ftms import ControlOpCode, MachineStatusOpCode, ResultCode
from app.core.ports import ControlCommand, TrainerMode
from app.infra.ble.errors import ControlPointTimeout, TrainerCommandError, explain
from app.infra.ble.links.ftms import FtmsTrainerLink
from app.infra.ble.links.registry import TrainerProtocol, link_for
from app.infra.ble.scanner import scan
from app.infra.ble.virtual import VirtualFtmsTrainer, VirtualRadio
from app.infra.sim.physics import TrainerPhysics

ERG = TrainerMode.ERG


def erg(watts: int) -> ControlCommand:
    return ControlCommand(ERG, target_w=watts)


def ops(trainer: VirtualFtmsTrainer) -> list[ControlOpCode]:
    return [request.op_code for request in trainer.requests]


async def connected(radio: VirtualRadio, trainer: VirtualFtmsTrainer, clock=None, **kwargs):
    link = FtmsTrainerLink(
        trainer.address, clock=clock or RealClock(), backend=radio.client_backend, **kwargs
    )
    await link.connect()
    return link


def test_scan_connect_take_control_and_erg_power_converges() -> None:
    async def scenario() -> None:
        async with VirtualRadio() as radio:
            trainer = VirtualFtmsTrainer(
                TrainerPhysics(ftp_w=250, seed=2), notify_hz=20, time_scale=20
            )
            await radio.add(trainer)
            found = await scan(0.1, backend=radio.scanner_backend)
            assert [f.protocol for f in found] == [TrainerProtocol.FTMS]
            link = link_for(found[0], clock=RealClock(), backend=radio.client_backend)
            assert isinstance(link, FtmsTrainerLink)
            await link.connect()
            # a BLEDevice from the scan: bleak-retry-connector's establish_connection is used
            assert link.conn.used_retry_connector is True
            assert link.connected and trainer.has_control and trainer.started
            # Request Control first (a write before subscribing would have been refused
            # with ATT 0xFD by the trainer), then Start
            assert ops(trainer) == [ControlOpCode.REQUEST_CONTROL, ControlOpCode.START_OR_RESUME]
            assert link.features is not None and link.features.supports_power_target
            assert link.resistance_range is not None

            changes = Changes()
            link.telemetry.add_listener(changes.kick)
            await link.apply(erg(240))
            assert trainer.target_power_w == 240
            await changes.until(
                lambda: (
                    (r := link.latest()) is not None
                    and r.power_w is not None
                    and abs(r.power_w - 240) <= 240 * 0.06
                )
            )
            reading = link.latest()
            assert reading is not None
            assert reading.cadence_rpm and reading.speed_mps and reading.speed_mps > 1
            await link.disconnect()
            assert link.latest() is None

    run(scenario())


def test_control_not_permitted_is_a_clear_error_after_one_retry() -> None:
    async def scenario() -> None:
        async with VirtualRadio() as radio:
            trainer = VirtualFtmsTrainer()
            trainer.faults.control_not_permitted = True
            await radio.add(trainer)
            link = FtmsTrainerLink(trainer.address, clock=RealClock(), backend=radio.client_backend)
            with pytest.raises(TrainerCommandError) as caught:
                await link.connect()
            assert caught.value.result is ResultCode.CONTROL_NOT_PERMITTED
            assert str(caught.value) == ResultCode.CONTROL_NOT_PERMITTED.description
            assert "Another app may be in control" in str(caught.value)
            assert ops(trainer) == [ControlOpCode.REQUEST_CONTROL] * 2
            assert not link.connected and link.latest() is None
            assert explain(caught.value).kind == "protocol"

    run(scenario())


def test_invalid_parameter_on_a_power_target_raises_the_plain_words_result() -> None:
    async def scenario() -> None:
        async with VirtualRadio() as radio:
            trainer = VirtualFtmsTrainer()
            await radio.add(trainer)
            link = await connected(radio, trainer)
            trainer.faults.invalid_parameter = True
            with pytest.raises(TrainerCommandError) as caught:
                await link.apply(erg(300))
            assert caught.value.result is ResultCode.INVALID_PARAMETER
            assert str(caught.value) == ResultCode.INVALID_PARAMETER.description
            trainer.faults.invalid_parameter = False
            await link.apply(erg(300))  # the link is still usable
            assert trainer.target_power_w == 300
            await link.disconnect()

    run(scenario())


def test_resistance_falls_back_to_sint16_on_invalid_parameter_and_remembers() -> None:
    async def scenario() -> None:
        async with VirtualRadio() as radio:
            trainer = VirtualFtmsTrainer()
            trainer.faults.resistance_needs_sint16 = True
            await radio.add(trainer)
            link = await connected(radio, trainer)
            await link.apply(ControlCommand(TrainerMode.RESISTANCE, resistance_pct=20))
            sent = [
                r
                for r in trainer.requests
                if r.op_code is ControlOpCode.SET_TARGET_RESISTANCE_LEVEL
            ]
            assert [r.resistance_encoding for r in sent] == ["uint8", "sint16"]
            assert trainer.target_resistance_level == 20
            assert link.resistance_encoding == "sint16"
            await link.apply(ControlCommand(TrainerMode.RESISTANCE, resistance_pct=10))
            sent = [
                r
                for r in trainer.requests
                if r.op_code is ControlOpCode.SET_TARGET_RESISTANCE_LEVEL
            ]
            assert [r.resistance_encoding for r in sent] == ["uint8", "sint16", "sint16"]
            assert trainer.target_resistance_level == 10
            await link.disconnect()

    run(scenario())


def test_spec_uint8_resistance_is_used_when_the_trainer_takes_it() -> None:
    async def scenario() -> None:
        async with VirtualRadio() as radio:
            trainer = VirtualFtmsTrainer()
            await radio.add(trainer)
            link = await connected(radio, trainer)
            await link.apply(ControlCommand(TrainerMode.RESISTANCE, resistance_pct=15))
            await link.apply(ControlCommand(TrainerMode.RESISTANCE, resistance_pct=60))
            sent = [
                r
                for r in trainer.requests
                if r.op_code is ControlOpCode.SET_TARGET_RESISTANCE_LEVEL
            ]
            # 60 (of the trainer's 0-100 range) cannot travel as uint8 (max 25.5)
            assert [r.resistance_encoding for r in sent] == ["uint8", "sint16"]
            assert trainer.target_resistance_level == 60
            assert link.resistance_encoding == "uint8"
            await link.disconnect()

    run(scenario())


def test_simulation_grade() -> None:
    async def scenario() -> None:
        async with VirtualRadio() as radio:
            trainer = VirtualFtmsTrainer()
            await radio.add(trainer)
            link = await connected(radio, trainer)
            await link.set_simulation(4.5)
            assert trainer.simulation is not None
            assert trainer.simulation.grade_pct == pytest.approx(4.5)
            assert trainer.simulation.crr == pytest.approx(0.004)
            await link.disconnect()

    run(scenario())


def test_no_indication_times_out_with_a_plain_error() -> None:
    async def scenario() -> None:
        async with VirtualRadio() as radio:
            trainer = VirtualFtmsTrainer()
            await radio.add(trainer)
            link = await connected(radio, trainer, command_timeout_s=0.3)
            trainer.faults.no_indication = True
            started = time.perf_counter()
            with pytest.raises(ControlPointTimeout) as caught:
                await link.apply(erg(200))
            assert 0.25 < time.perf_counter() - started < 2.0
            assert "did not answer" in str(caught.value)
            assert explain(caught.value).kind == "timeout"
            assert link.stats.timeouts == 1
            await link.disconnect()

    run(scenario())


def test_control_permission_lost_is_re_requested_on_the_next_command() -> None:
    async def scenario() -> None:
        async with VirtualRadio() as radio:
            trainer = VirtualFtmsTrainer()
            await radio.add(trainer)
            link = await connected(radio, trainer)
            await link.apply(erg(150))
            changes = Changes()
            link.add_status_listener(changes.kick)
            await trainer.lose_control()
            await changes.until(lambda: link.control_lost_count == 1)
            assert link.needs_control and not trainer.has_control
            await link.apply(erg(180))
            assert trainer.has_control and trainer.target_power_w == 180
            assert ops(trainer)[-2:] == [
                ControlOpCode.REQUEST_CONTROL,
                ControlOpCode.SET_TARGET_POWER,
            ]
            assert ops(trainer).count(ControlOpCode.REQUEST_CONTROL) == 2
            await link.disconnect()

    run(scenario())


def test_control_lost_on_a_timer_fault_is_noticed_from_machine_status() -> None:
    async def scenario() -> None:
        async with VirtualRadio() as radio:
            trainer = VirtualFtmsTrainer()
            trainer.faults.lose_control_after_s = 0.05
            await radio.add(trainer)
            link = FtmsTrainerLink(trainer.address, clock=RealClock(), backend=radio.client_backend)
            changes = Changes()
            link.add_status_listener(changes.kick)
            await link.connect()
            await changes.until(lambda: link.control_lost_count >= 1)
            trainer.faults.lose_control_after_s = None
            await link.apply(erg(222))
            assert trainer.target_power_w == 222
            await link.disconnect()

    run(scenario())


def test_split_records_are_merged_into_whole_readings() -> None:
    async def scenario() -> None:
        async with VirtualRadio() as radio:
            trainer = VirtualFtmsTrainer(notify_hz=20, heart_rate=True)
            trainer.faults.split_records = True
            await radio.add(trainer)
            link = await connected(radio, trainer)
            changes = Changes()
            link.telemetry.add_listener(changes.kick)
            await changes.until(lambda: changes.kicks >= 3)
            reading = link.latest()
            assert reading is not None
            assert None not in (reading.power_w, reading.cadence_rpm, reading.speed_mps)
            assert reading.hr_bpm is not None
            # two notifications per record, one reading per record
            assert link.telemetry.notifications >= 2 * changes.kicks - 2
            await link.disconnect()

    run(scenario())


def test_a_dropout_is_visible_as_none_and_data_coming_back_ends_it() -> None:
    async def scenario() -> None:
        async with VirtualRadio() as radio:
            trainer = VirtualFtmsTrainer(notify_hz=20)
            await radio.add(trainer)
            clock = ManualClock()
            link = await connected(radio, trainer, clock=clock)
            changes = Changes()
            link.telemetry.add_listener(changes.kick)
            await changes.until(lambda: link.latest() is not None)
            trainer.faults.drop_notifications = True
            await link.apply(erg(200))  # a round trip: notifications already sent are in
            clock.advance(2.9)
            assert link.latest() is not None  # 2.9 s: not yet a dropout
            clock.advance(0.2)
            assert link.latest() is None  # > 3 s without a notification
            trainer.faults.drop_notifications = False
            await changes.until(lambda: link.latest() is not None)
            await link.disconnect()

    run(scenario())


def test_status_listener_sees_target_changes() -> None:
    async def scenario() -> None:
        async with VirtualRadio() as radio:
            trainer = VirtualFtmsTrainer()
            await radio.add(trainer)
            link = await connected(radio, trainer)
            seen = []
            changes = Changes()
            link.add_status_listener(lambda s: (seen.append(s), changes.kick()))
            await link.apply(erg(210))
            await changes.until(
                lambda: any(s.op_code is MachineStatusOpCode.TARGET_POWER_CHANGED for s in seen)
            )
            assert [s.target_power_w for s in seen if s.target_power_w] == [210]
            await link.disconnect()

    run(scenario())
