"""CPS, HRS, Wahoo and FE-C virtual devices deliver what the app's codecs parse."""

from __future__ import annotations

import asyncio
import itertools

import pytest
from bleak import BleakClient

from app.core.devices.cps import CrankCadenceCalculator, parse_cycling_power_measurement
from app.core.devices.errors import ProtocolError
from app.core.devices.fec import (
    FeState,
    GeneralFeData,
    SpecificTrainerData,
    TargetPower,
    TrackResistance,
    encode_fec_basic_resistance,
    encode_fec_target_power,
    encode_fec_track_resistance,
    parse_fec_message,
)
from app.core.devices.hrs import SensorContact, parse_heart_rate_measurement
from app.core.devices.uuids import (
    BATTERY_LEVEL_UUID,
    CYCLING_POWER_FEATURE_UUID,
    CYCLING_POWER_MEASUREMENT_UUID,
    FEC_READ_UUID,
    FEC_WRITE_UUID,
    HEART_RATE_MEASUREMENT_UUID,
    WAHOO_TRAINER_CONTROL_UUID,
)
from app.core.devices.wahoo import (
    encode_wahoo_erg_mode,
    encode_wahoo_resistance_mode,
    encode_wahoo_sim_grade,
    encode_wahoo_sim_mode,
    encode_wahoo_unlock,
    parse_wahoo_response,
)
from app.infra.ble.virtual import (
    VirtualFecTrainer,
    VirtualHeartRateStrap,
    VirtualPowerMeter,
    VirtualRadio,
    VirtualWahooTrainer,
)


def test_power_meter_crank_data_wraps_and_gives_cadence(run_radio):
    async def body(radio: VirtualRadio) -> None:
        meter = VirtualPowerMeter(
            lambda: 212.0,
            cadence_rpm_source=lambda: 180.0,  # three events a second keep the test short
            notify_hz=10,
            crank_revolutions=65535,
            crank_event_ticks=65200,
        )
        await radio.add(meter)
        values: asyncio.Queue[tuple[float, bytes]] = asyncio.Queue()
        loop = asyncio.get_running_loop()
        async with BleakClient(meter.address, backend=radio.client_backend) as client:
            feature = await client.read_gatt_char(CYCLING_POWER_FEATURE_UUID)
            assert int.from_bytes(feature, "little") & 0x08  # crank revolution data
            await client.start_notify(
                CYCLING_POWER_MEASUREMENT_UUID,
                lambda _, d: values.put_nowait((loop.time(), bytes(d))),
            )
            calculator = CrankCadenceCalculator()
            cadences: list[float] = []
            revolutions: list[int] = []
            ticks: list[int] = []
            while len(cadences) < 3:
                now, value = await values.get()
                m = parse_cycling_power_measurement(value)
                assert m.power_w == 212
                assert m.crank_revolutions is not None and m.crank_event_ticks is not None
                revolutions.append(m.crank_revolutions)
                ticks.append(m.crank_event_ticks)
                cadence = calculator.update(m.crank_revolutions, m.crank_event_ticks, now)
                if cadence is not None:
                    cadences.append(cadence)
            assert any(b < a for a, b in itertools.pairwise(revolutions))
            assert any(b < a for a, b in itertools.pairwise(ticks))
            assert all(abs(c - 180.0) < 1.0 for c in cadences), cadences

            meter.faults.stop_pedalling = True
            while parse_cycling_power_measurement((await values.get())[1]).power_w != 0:
                pass

    run_radio(body)


def test_heart_rate_strap_sends_rr_intervals_and_contact(run_radio):
    async def body(radio: VirtualRadio) -> None:
        strap = VirtualHeartRateStrap(lambda: 150.0, notify_hz=5)
        await radio.add(strap)
        values: asyncio.Queue[bytes] = asyncio.Queue()
        async with BleakClient(strap.address, backend=radio.client_backend) as client:
            assert await client.read_gatt_char(BATTERY_LEVEL_UUID) == bytearray([64])
            await client.start_notify(
                HEART_RATE_MEASUREMENT_UUID, lambda _, d: values.put_nowait(bytes(d))
            )
            rr: list[float] = []
            while len(rr) < 2:
                m = parse_heart_rate_measurement(await values.get())
                assert m.heart_rate_bpm == 150
                assert m.sensor_contact is SensorContact.CONTACT
                rr.extend(m.rr_intervals_ms)
            assert all(abs(ms - 60000 / 150) < 2 for ms in rr)

            strap.faults.no_contact = True
            while (m := parse_heart_rate_measurement(await values.get())).sensor_contact is (
                SensorContact.CONTACT
            ):
                pass
            assert m.sensor_contact is SensorContact.NO_CONTACT
            assert m.rr_intervals_ms == ()

    run_radio(body)


def test_wahoo_trainer_unlock_erg_grade_and_power_data(run_radio):
    async def body(radio: VirtualRadio) -> None:
        trainer = VirtualWahooTrainer(notify_hz=20, time_scale=20)
        await radio.add(trainer)
        answers: asyncio.Queue[bytes] = asyncio.Queue()
        power: asyncio.Queue[int] = asyncio.Queue()
        async with BleakClient(trainer.address, backend=radio.client_backend) as client:
            await client.start_notify(
                WAHOO_TRAINER_CONTROL_UUID, lambda _, d: answers.put_nowait(bytes(d))
            )
            await client.start_notify(
                CYCLING_POWER_MEASUREMENT_UUID,
                lambda _, d: power.put_nowait(parse_cycling_power_measurement(d).power_w),
            )

            async def command(data: bytes) -> bytes:
                await client.write_gatt_char(WAHOO_TRAINER_CONTROL_UUID, data, response=True)
                return await answers.get()

            locked = parse_wahoo_response(await command(encode_wahoo_erg_mode(200)))
            assert not locked.ok and locked.request_op_code == 0x42
            assert parse_wahoo_response(await command(encode_wahoo_unlock())).ok
            erg = await command(encode_wahoo_erg_mode(200))
            assert erg == bytes.fromhex("01420100c800")
            assert parse_wahoo_response(erg).echoed_value == 200
            assert trainer.physics.erg_target_w == 200
            settled = 0
            while settled < 5:
                settled = settled + 1 if abs(await power.get() - 200) <= 10 else 0

            assert parse_wahoo_response(await command(encode_wahoo_sim_mode(83.0, 0.004, 0.51))).ok
            grade = parse_wahoo_response(await command(encode_wahoo_sim_grade(4.0)))
            assert grade.ok and grade.request_op_code == 0x46
            assert trainer.grade_pct == pytest.approx(4.0, abs=0.01)
            assert trainer.physics.mode.value == "resistance"
            assert parse_wahoo_response(await command(encode_wahoo_resistance_mode(0.5))).ok
            assert trainer.physics.resistance_pct == pytest.approx(50.0, abs=0.01)

            trainer.faults.reject_commands = True
            assert not parse_wahoo_response(await command(encode_wahoo_erg_mode(150))).ok

    run_radio(body)


def test_fec_trainer_pages_and_commands(run_radio):
    async def body(radio: VirtualRadio) -> None:
        trainer = VirtualFecTrainer(notify_hz=20, time_scale=20)
        await radio.add(trainer)
        frames: asyncio.Queue[bytes] = asyncio.Queue()
        async with BleakClient(trainer.address, backend=radio.client_backend) as client:
            await client.start_notify(FEC_READ_UUID, lambda _, d: frames.put_nowait(bytes(d)))
            general = parse_fec_message(await frames.get())
            specific = parse_fec_message(await frames.get())
            assert isinstance(general, GeneralFeData) and general.equipment_type == 25
            assert general.fe_state == FeState.IN_USE
            assert isinstance(specific, SpecificTrainerData)
            assert specific.cadence_rpm is not None and specific.cadence_rpm > 0

            await client.write_gatt_char(FEC_WRITE_UUID, encode_fec_target_power(200), True)
            assert trainer.physics.erg_target_w == 200
            assert trainer.commands == [TargetPower(200.0)]
            settled = 0
            while settled < 5:
                page = parse_fec_message(await frames.get())
                if isinstance(page, SpecificTrainerData):
                    assert page.power_w is not None
                    settled = settled + 1 if abs(page.power_w - 200) <= 10 else 0

            await client.write_gatt_char(FEC_WRITE_UUID, encode_fec_track_resistance(3.0), True)
            assert trainer.commands[-1] == TrackResistance(grade_pct=3.0, crr=0.004)
            assert trainer.physics.mode.value == "resistance"
            await client.write_gatt_char(FEC_WRITE_UUID, encode_fec_basic_resistance(30.0), False)
            bad = bytearray(encode_fec_target_power(100))
            bad[-1] ^= 0xFF
            await client.write_gatt_char(FEC_WRITE_UUID, bad, True)  # write-with-response
            assert trainer.rejected_frames == 1  # (the earlier command has landed too)
            assert trainer.physics.resistance_pct == 30.0

            trainer.faults.bad_checksum = True
            while True:
                data = await frames.get()
                try:
                    parse_fec_message(data)
                except ProtocolError as error:
                    assert "checksum" in error.reason
                    break

    run_radio(body)
