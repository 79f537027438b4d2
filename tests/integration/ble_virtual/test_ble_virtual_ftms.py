"""The virtual FTMS trainer through the real BleakClient: data, control point, faults."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from bleak import BleakClient
from bleak.exc import BleakGATTProtocolError, BleakGATTProtocolErrorCode

from app.core.devices.ftms import (
    IndoorBikeData,
    IndoorBikeDataAssembler,
    MachineStatus,
    MachineStatusOpCode,
    ResultCode,
    encode_request_control,
    encode_reset,
    encode_set_indoor_bike_simulation,
    encode_set_target_power,
    encode_set_target_resistance,
    encode_start_or_resume,
    encode_stop_or_pause,
    parse_control_point_response,
    parse_indoor_bike_data,
    parse_machine_status,
)
from app.core.devices.uuids import (
    FTMS_CONTROL_POINT_UUID,
    FTMS_INDOOR_BIKE_DATA_UUID,
    FTMS_MACHINE_STATUS_UUID,
)
from app.core.ports import TrainerMode
from app.infra.ble.virtual import VirtualFtmsTrainer, VirtualRadio
from app.infra.sim.physics import TrainerPhysics


class FtmsSession:
    """A connected client with queues for Indoor Bike Data, CP answers and status."""

    def __init__(self, client: BleakClient) -> None:
        self.client = client
        self.data: asyncio.Queue[bytes] = asyncio.Queue()
        self.answers: asyncio.Queue[bytes] = asyncio.Queue()
        self.status: asyncio.Queue[MachineStatus] = asyncio.Queue()
        self.dropped = asyncio.Event()

    async def subscribe(self, *, data: bool = True) -> None:
        if data:
            await self.client.start_notify(
                FTMS_INDOOR_BIKE_DATA_UUID, lambda _, d: self.data.put_nowait(bytes(d))
            )
        await self.client.start_notify(
            FTMS_CONTROL_POINT_UUID, lambda _, d: self.answers.put_nowait(bytes(d))
        )
        await self.client.start_notify(
            FTMS_MACHINE_STATUS_UUID,
            lambda _, d: self.status.put_nowait(parse_machine_status(d)),
        )

    async def command(self, request: bytes) -> bytes:
        """Write with response, then wait for the indication."""
        await self.client.write_gatt_char(FTMS_CONTROL_POINT_UUID, request, response=True)
        return await self.answers.get()

    async def reading(self) -> IndoorBikeData:
        return parse_indoor_bike_data(await self.data.get())


@asynccontextmanager
async def session(radio: VirtualRadio, trainer: VirtualFtmsTrainer) -> AsyncIterator[FtmsSession]:
    await radio.add(trainer)
    holder: list[FtmsSession] = []
    client = BleakClient(
        trainer.address,
        disconnected_callback=lambda _: holder[0].dropped.set(),
        backend=radio.client_backend,
    )
    holder.append(FtmsSession(client))
    await client.connect()
    try:
        yield holder[0]
    finally:
        await client.disconnect()


def test_indoor_bike_data_notifications_parse(run_radio):
    async def body(radio: VirtualRadio) -> None:
        trainer = VirtualFtmsTrainer(notify_hz=20, heart_rate=True)
        async with session(radio, trainer) as s:
            await s.subscribe()
            for _ in range(3):
                reading = await s.reading()
                assert not reading.more_data
                assert reading.speed_kph is not None
                assert reading.cadence_rpm is not None and 60 <= reading.cadence_rpm <= 110
                assert reading.power_w is not None and reading.power_w >= 0
                assert reading.heart_rate_bpm is not None and 50 <= reading.heart_rate_bpm <= 200
                assert reading.total_distance_m is not None
                assert reading.elapsed_time_s is not None

    run_radio(body)


def test_request_control_then_erg_target_converges(run_radio):
    async def body(radio: VirtualRadio) -> None:
        physics = TrainerPhysics(seed=3)
        trainer = VirtualFtmsTrainer(physics, notify_hz=20, time_scale=20)
        async with session(radio, trainer) as s:
            await s.subscribe()
            assert await s.command(encode_set_target_power(200)) == b"\x80\x05\x05"
            assert await s.command(encode_request_control()) == b"\x80\x00\x01"
            assert await s.command(encode_set_target_power(200)) == bytes.fromhex("800501")
            assert physics.erg_target_w == 200
            status = await s.status.get()
            assert status.op_code is MachineStatusOpCode.TARGET_POWER_CHANGED
            assert status.target_power_w == 200
            # 20x time: the brake's 2 s time constant takes ~0.1 s of loop time
            settled = 0
            while settled < 5:
                power = (await s.reading()).power_w
                assert power is not None
                settled = settled + 1 if abs(power - 200) <= 10 else 0

    run_radio(body)


def test_start_pause_reset_and_simulation(run_radio):
    async def body(radio: VirtualRadio) -> None:
        trainer = VirtualFtmsTrainer()
        async with session(radio, trainer) as s:
            await s.subscribe(data=False)
            assert await s.command(encode_request_control()) == b"\x80\x00\x01"
            assert await s.command(encode_start_or_resume()) == b"\x80\x07\x01"
            assert (await s.status.get()).op_code is MachineStatusOpCode.STARTED_OR_RESUMED_BY_USER
            assert await s.command(encode_start_or_resume()) == b"\x80\x07\x04"  # already started
            assert await s.command(encode_stop_or_pause(pause=True)) == b"\x80\x08\x01"
            paused = await s.status.get()
            assert paused.op_code is MachineStatusOpCode.STOPPED_OR_PAUSED_BY_USER
            assert paused.paused is True

            sim = encode_set_indoor_bike_simulation(0.0, 5.0, 0.004, 0.51)
            assert sim == bytes.fromhex("110000f4012833")
            answer = parse_control_point_response(await s.command(sim))
            assert answer.ok and answer.request_op_code == 0x11
            changed = await s.status.get()
            assert changed.simulation is not None and changed.simulation.grade_pct == 5.0
            assert trainer.simulation == changed.simulation
            assert trainer.physics.resistance_pct > 25.0  # a climb is heavier than the flat

            assert await s.command(encode_reset()) == b"\x80\x01\x01"
            assert (await s.status.get()).op_code is MachineStatusOpCode.RESET
            assert not trainer.has_control
            assert await s.command(encode_set_target_power(150)) == b"\x80\x05\x05"
            assert await s.command(b"\x7f") == b"\x80\x7f\x02"  # RFU op code: not supported

    run_radio(body)


def test_resistance_forms_and_the_sint16_quirk(run_radio):
    async def body(radio: VirtualRadio) -> None:
        trainer = VirtualFtmsTrainer()
        async with session(radio, trainer) as s:
            await s.subscribe(data=False)
            await s.command(encode_request_control())
            assert encode_set_target_resistance(10.0) == b"\x04\x64"
            assert await s.command(encode_set_target_resistance(10.0)) == b"\x80\x04\x01"
            assert trainer.physics.resistance_pct == 10.0
            assert (await s.status.get()).target_resistance_level == 10.0

            trainer.faults.resistance_needs_sint16 = True
            assert await s.command(encode_set_target_resistance(12.0)) == b"\x80\x04\x03"
            assert trainer.physics.resistance_pct == 10.0
            sint16 = encode_set_target_resistance(40.0, "sint16")
            assert sint16 == b"\x04\x90\x01"
            assert await s.command(sint16) == b"\x80\x04\x01"
            assert trainer.physics.resistance_pct == 40.0
            assert (await s.status.get()).target_resistance_level == 40.0

    run_radio(body)


def test_write_before_enabling_indications_is_an_att_error(run_radio):
    async def body(radio: VirtualRadio) -> None:
        trainer = VirtualFtmsTrainer()
        async with session(radio, trainer) as s:
            with pytest.raises(BleakGATTProtocolError) as raised:
                await s.client.write_gatt_char(
                    FTMS_CONTROL_POINT_UUID, encode_request_control(), response=True
                )
            assert raised.value.code is BleakGATTProtocolErrorCode.CCCD_IMPROPERLY_CONFIGURED

    run_radio(body)


@pytest.mark.parametrize(
    ("fault", "write", "answer"),
    [
        ("control_not_permitted", encode_request_control(), b"\x80\x00\x05"),
        ("invalid_parameter", encode_set_target_power(200), b"\x80\x05\x03"),
    ],
)
def test_result_code_faults(run_radio, fault, write, answer):
    async def body(radio: VirtualRadio) -> None:
        trainer = VirtualFtmsTrainer()
        async with session(radio, trainer) as s:
            await s.subscribe(data=False)
            if fault != "control_not_permitted":
                await s.command(encode_request_control())
            setattr(trainer.faults, fault, True)
            assert await s.command(write) == answer
            assert parse_control_point_response(answer).result in (
                ResultCode.CONTROL_NOT_PERMITTED,
                ResultCode.INVALID_PARAMETER,
            )
            assert trainer.physics.erg_target_w == 0.0

    run_radio(body)


def test_no_indication_leaves_the_client_waiting(run_radio):
    async def body(radio: VirtualRadio) -> None:
        trainer = VirtualFtmsTrainer()
        async with session(radio, trainer) as s:
            await s.subscribe(data=False)
            trainer.faults.no_indication = True
            # the write itself succeeds; the answer never comes
            await s.client.write_gatt_char(
                FTMS_CONTROL_POINT_UUID, encode_request_control(), response=True
            )
            with pytest.raises(TimeoutError):
                await asyncio.wait_for(s.answers.get(), timeout=0.3)
            assert not trainer.has_control
            trainer.faults.no_indication = False
            assert await s.command(encode_request_control()) == b"\x80\x00\x01"

    run_radio(body)


def test_slow_response_and_procedure_already_in_progress(run_radio):
    async def body(radio: VirtualRadio) -> None:
        trainer = VirtualFtmsTrainer()
        async with session(radio, trainer) as s:
            await s.subscribe(data=False)
            trainer.faults.slow_response_s = 0.2
            loop = asyncio.get_running_loop()
            started = loop.time()
            await s.client.write_gatt_char(
                FTMS_CONTROL_POINT_UUID, encode_request_control(), response=True
            )
            with pytest.raises(BleakGATTProtocolError) as raised:
                await s.client.write_gatt_char(
                    FTMS_CONTROL_POINT_UUID, encode_set_target_power(100), response=True
                )
            assert raised.value.code is BleakGATTProtocolErrorCode.PROCEDURE_ALREADY_IN_PROGRESS
            assert await s.answers.get() == b"\x80\x00\x01"
            assert loop.time() - started >= 0.2

    run_radio(body)


def test_control_permission_lost_status(run_radio):
    async def body(radio: VirtualRadio) -> None:
        trainer = VirtualFtmsTrainer()
        async with session(radio, trainer) as s:
            await s.subscribe(data=False)
            trainer.faults.lose_control_after_s = 0.05
            assert await s.command(encode_request_control()) == b"\x80\x00\x01"
            lost = await s.status.get()
            assert lost.op_code is MachineStatusOpCode.CONTROL_PERMISSION_LOST
            assert await s.command(encode_set_target_power(180)) == b"\x80\x05\x05"
            trainer.faults.lose_control_after_s = None
            assert await s.command(encode_request_control()) == b"\x80\x00\x01"
            assert await s.command(encode_set_target_power(180)) == b"\x80\x05\x01"
            assert (await s.status.get()).op_code is MachineStatusOpCode.TARGET_POWER_CHANGED

            await trainer.lose_control()  # another app took over, on demand
            lost = await s.status.get()
            assert lost.op_code is MachineStatusOpCode.CONTROL_PERMISSION_LOST

    run_radio(body)


def test_split_records_assemble_into_whole_readings(run_radio):
    async def body(radio: VirtualRadio) -> None:
        trainer = VirtualFtmsTrainer(notify_hz=20)
        trainer.faults.split_records = True
        async with session(radio, trainer) as s:
            await s.subscribe()
            parts = [parse_indoor_bike_data(await s.data.get()) for _ in range(4)]
            assert [p.more_data for p in parts] == [True, False, True, False]
            assert parts[0].speed_kph is None and parts[0].cadence_rpm is not None
            assert parts[1].speed_kph is not None and parts[1].power_w is not None
            assembler = IndoorBikeDataAssembler()
            readings = [r for p in parts for r in assembler.push(p)]
            assert len(readings) == 2
            assert all(r.cadence_rpm is not None and r.power_w is not None for r in readings)

    run_radio(body)


def test_disconnect_mid_record_then_reconnect(run_radio):
    async def body(radio: VirtualRadio) -> None:
        trainer = VirtualFtmsTrainer(notify_hz=20)
        async with session(radio, trainer) as s:
            await s.subscribe()
            assert await s.command(encode_request_control()) == b"\x80\x00\x01"
            assert await s.command(encode_set_target_power(220)) == b"\x80\x05\x01"
            assert (await s.status.get()).target_power_w == 220
            while not s.data.empty():
                s.data.get_nowait()
            trainer.faults.disconnect_mid_record = True
            assembler = IndoorBikeDataAssembler()
            await s.dropped.wait()
            parts = [parse_indoor_bike_data(s.data.get_nowait()) for _ in range(s.data.qsize())]
            assert parts, "the first part arrived before the link dropped"
            assert parts[-1].more_data
            for part in parts:
                assembler.push(part)
            assert assembler.pending is not None
            assembler.reset()  # §4.18: a partial record is discarded on link loss
            assert not trainer.faults.disconnect_mid_record  # one-shot
            # the trainer dropped the target and control with the link
            assert not trainer.has_control
            assert trainer.target_power_w is None
            assert trainer.physics.mode is TrainerMode.RESISTANCE

            s.dropped.clear()
            await s.client.connect()
            await s.subscribe()
            assert await s.command(encode_set_target_power(220)) == b"\x80\x05\x05"
            assert await s.command(encode_request_control()) == b"\x80\x00\x01"
            assert await s.command(encode_set_target_power(220)) == b"\x80\x05\x01"
            assert not (await s.reading()).more_data

    run_radio(body)


def test_drop_notifications_stalls_data_but_keeps_the_link(run_radio):
    async def body(radio: VirtualRadio) -> None:
        trainer = VirtualFtmsTrainer(notify_hz=20)
        async with session(radio, trainer) as s:
            await s.subscribe()
            await s.reading()
            trainer.faults.drop_notifications = True
            while not s.data.empty():
                s.data.get_nowait()
            with pytest.raises(TimeoutError):
                await asyncio.wait_for(s.data.get(), timeout=0.25)  # five ticks
            assert s.client.is_connected
            assert await s.command(encode_request_control()) == b"\x80\x00\x01"
            trainer.faults.drop_notifications = False
            await s.reading()

    run_radio(body)
