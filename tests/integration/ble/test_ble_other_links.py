"""Wahoo legacy and Tacx FE-C trainer links, sensor links (CPS, HRS, CSC), link_for, scan,
remembered devices and the `devices scan` CLI: real bleak over the virtual radio."""

from __future__ import annotations

import argparse
import json
import sys

import pytest
from ble_harness import Changes, RealClock, run
from bumble.gatt import Characteristic, Service

from app.cli.devices import add_parsers
from app.core.devices.fec import TargetPower, TrackResistance
from app.core.devices.roles import Role
from app.core.devices.uuids import CSC_MEASUREMENT_UUID16, CSC_SERVICE_UUID16
from app.core.devices.wahoo import WahooOpCode
from app.core.ports import ControlCommand, TrainerMode
from app.infra.ble.errors import ControlPointTimeout, TrainerCommandError
from app.infra.ble.links.fec import FecTrainerLink
from app.infra.ble.links.ftms import FtmsTrainerLink
from app.infra.ble.links.registry import TrainerProtocol, link_for
from app.infra.ble.links.sensors import CadenceSensorLink, HeartRateLink, PowerMeterLink
from app.infra.ble.links.wahoo import WahooTrainerLink
from app.infra.ble.remembered import RememberedDevices, open_remembered_devices
from app.infra.ble.scanner import DeviceKind, scan
from app.infra.ble.virtual import (
    CustomPeripheral,
    VirtualFecTrainer,
    VirtualHeartRateStrap,
    VirtualPowerMeter,
    VirtualRadio,
    VirtualWahooTrainer,
)
from app.infra.ble.virtual.peripheral import bumble_uuid
from app.infra.ble.virtual_demo import open_virtual_radio_with_demo_devices
from app.infra.sim.physics import TrainerPhysics

ERG = TrainerMode.ERG


# --- Wahoo legacy ---------------------------------------------------------------------------


def test_wahoo_unlocks_then_erg_resistance_and_sim_grade() -> None:
    async def scenario() -> None:
        async with VirtualRadio() as radio:
            kickr = VirtualWahooTrainer(TrainerPhysics(seed=3), notify_hz=20, time_scale=10)
            await radio.add(kickr)
            found = await scan(0.1, backend=radio.scanner_backend)
            assert found[0].protocol is TrainerProtocol.WAHOO  # CPS only + a KICKR name
            link = link_for(found[0], clock=RealClock(), backend=radio.client_backend)
            assert isinstance(link, WahooTrainerLink)
            await link.connect()
            assert kickr.is_unlocked()
            assert kickr.commands[0].op_code is WahooOpCode.UNLOCK
            await link.apply(ControlCommand(ERG, target_w=210))
            assert kickr.physics.erg_target_w == 210
            await link.apply(ControlCommand(TrainerMode.RESISTANCE, resistance_pct=40))
            assert kickr.physics.resistance_pct == pytest.approx(40, abs=0.1)
            await link.set_simulation(3.0)
            assert kickr.grade_pct == pytest.approx(3.0, abs=0.01)
            assert [c.op_code for c in kickr.commands][-2:] == [
                WahooOpCode.SET_SIM_MODE,
                WahooOpCode.SET_SIM_GRADE,
            ]
            changes = Changes()
            link.telemetry.add_listener(changes.kick)
            await changes.until(
                lambda: (
                    (r := link.latest()) is not None
                    and r.power_w is not None
                    and r.cadence_rpm is not None
                )
            )
            await link.disconnect()

    run(scenario())


def test_wahoo_refusal_and_silence_are_plain_errors() -> None:
    async def scenario() -> None:
        async with VirtualRadio() as radio:
            kickr = VirtualWahooTrainer()
            await radio.add(kickr)
            link = WahooTrainerLink(
                kickr.address,
                clock=RealClock(),
                backend=radio.client_backend,
                command_timeout_s=0.3,
            )
            await link.connect()
            kickr.faults.reject_commands = True
            with pytest.raises(TrainerCommandError) as refused:
                await link.apply(ControlCommand(ERG, target_w=200))
            assert "could not do that" in str(refused.value)
            kickr.faults.reject_commands = False
            kickr.faults.no_indication = True
            with pytest.raises(ControlPointTimeout):
                await link.apply(ControlCommand(ERG, target_w=200))
            await link.disconnect()

    run(scenario())


# --- Tacx FE-C ------------------------------------------------------------------------------


def test_fec_erg_grade_and_telemetry() -> None:
    async def scenario() -> None:
        async with VirtualRadio() as radio:
            tacx = VirtualFecTrainer(TrainerPhysics(seed=6), notify_hz=20, time_scale=10)
            await radio.add(tacx)
            found = await scan(0.1, backend=radio.scanner_backend)
            assert found[0].protocol is TrainerProtocol.FEC
            link = link_for(found[0], clock=RealClock(), backend=radio.client_backend)
            assert isinstance(link, FecTrainerLink)
            await link.connect()
            await link.apply(ControlCommand(ERG, target_w=230))
            assert tacx.commands[-1] == TargetPower(230.0)
            await link.set_simulation(2.5)
            assert isinstance(tacx.commands[-1], TrackResistance)
            assert tacx.grade_pct == pytest.approx(2.5)
            await link.apply(ControlCommand(TrainerMode.RESISTANCE, resistance_pct=30))
            assert tacx.physics.resistance_pct == pytest.approx(30)
            assert tacx.rejected_frames == 0
            changes = Changes()
            link.telemetry.add_listener(changes.kick)
            await changes.until(
                lambda: (
                    (r := link.latest()) is not None
                    and None not in (r.power_w, r.cadence_rpm, r.speed_mps)
                )
            )
            await link.disconnect()

    run(scenario())


def test_fec_garbled_frames_are_dropped_not_fatal() -> None:
    async def scenario() -> None:
        async with VirtualRadio() as radio:
            tacx = VirtualFecTrainer(notify_hz=20)
            tacx.faults.bad_checksum = True
            await radio.add(tacx)
            link = FecTrainerLink(tacx.address, clock=RealClock(), backend=radio.client_backend)
            changes = Changes()
            link.telemetry.add_heard_listener(changes.kick)
            await link.connect()
            # every notification is heard (no dropout) but none decodes into a value
            await changes.until(lambda: link.telemetry.notifications >= 4)
            reading = link.latest()
            assert reading is not None and reading.power_w is None
            await link.disconnect()

    run(scenario())


# --- sensors --------------------------------------------------------------------------------


def test_power_meter_power_cadence_and_battery_through_a_counter_wrap() -> None:
    async def scenario() -> None:
        async with VirtualRadio() as radio:
            meter = VirtualPowerMeter(
                lambda: 260.0,
                cadence_rpm_source=lambda: 95.0,
                notify_hz=10,
                crank_revolutions=65533,
                crank_event_ticks=65000,
            )
            await radio.add(meter)
            link = PowerMeterLink(meter.address, clock=RealClock(), backend=radio.client_backend)
            changes = Changes()
            link.telemetry.add_listener(changes.kick)
            await link.connect()
            assert link.battery_pct == meter.battery_level
            cadences: list[float] = []
            link.telemetry.add_listener(
                lambda: (
                    cadences.append(r.cadence_rpm)
                    if (r := link.latest()) and r.cadence_rpm
                    else None
                )
            )
            # past the wrap of both uint16 counters (revolutions and event time)
            await changes.until(lambda: meter.crank.revolutions >= 2 and len(cadences) >= 6)
            reading = link.latest()
            assert reading is not None and reading.power_w == 260
            assert all(abs(c - 95) < 4 for c in cadences), cadences
            assert link.last_seen is not None
            await link.disconnect()
            assert link.latest() is None

    run(scenario())


def test_heart_rate_strap() -> None:
    async def scenario() -> None:
        async with VirtualRadio() as radio:
            strap = VirtualHeartRateStrap(lambda: 142.0, notify_hz=20)
            await radio.add(strap)
            link = HeartRateLink(strap.address, clock=RealClock(), backend=radio.client_backend)
            changes = Changes()
            link.telemetry.add_listener(changes.kick)
            await link.connect()
            await changes.until(lambda: link.latest() is not None)
            reading = link.latest()
            assert reading is not None and reading.hr_bpm == 142 and reading.power_w is None
            assert link.battery_pct == strap.battery_level
            await link.disconnect()

    run(scenario())


def test_cadence_sensor_over_a_custom_csc_peripheral() -> None:
    async def scenario() -> None:
        measurement = Characteristic(
            bumble_uuid(CSC_MEASUREMENT_UUID16),
            Characteristic.Properties.NOTIFY,
            Characteristic.Permissions(0),
        )
        sensor = CustomPeripheral(
            "Virtual CSC",
            [Service(bumble_uuid(CSC_SERVICE_UUID16), [measurement])],
            [CSC_SERVICE_UUID16],
        )
        async with VirtualRadio() as radio:
            await radio.add(sensor)
            found = await scan(0.1, backend=radio.scanner_backend)
            assert found[0].kinds == frozenset({DeviceKind.CADENCE})
            link = CadenceSensorLink(
                sensor.address, clock=RealClock(), backend=radio.client_backend
            )
            changes = Changes()
            link.telemetry.add_listener(changes.kick)
            await link.connect()
            assert link.battery_pct is None  # no battery service offered
            # crank revs +1 per 2/3 s (1024 ticks/s): 90 rpm; wheel +3 revs per 2/3 s
            for i in range(4):
                revs, ticks = 100 + i, (i * 683) % 65536
                wheel = (1000 + 3 * i).to_bytes(4, "little") + ticks.to_bytes(2, "little")
                crank = revs.to_bytes(2, "little") + ticks.to_bytes(2, "little")
                await sensor.notify(measurement, bytes([0x03]) + wheel + crank)
                await changes.until(lambda n=i: link.telemetry.notifications > n)
            reading = link.latest()
            assert reading is not None
            assert reading.cadence_rpm == pytest.approx(89.96, abs=0.2)
            assert reading.speed_mps == pytest.approx(3 * 2.105 / (683 / 1024), rel=0.01)
            await link.disconnect()

    run(scenario())


# --- remembered devices: reconnect at launch without a scan ------------------------------------


def test_remembered_devices_reconnect_by_address_without_a_scan(tmp_path) -> None:
    async def scenario() -> None:
        async with open_virtual_radio_with_demo_devices() as demo:
            found = await scan(0.1, backend=demo.radio.scanner_backend)
            store = RememberedDevices(tmp_path)
            trainer = next(f for f in found if f.protocol is TrainerProtocol.FTMS)
            meter = next(f for f in found if f.kinds == frozenset({DeviceKind.POWER}))
            strap = next(f for f in found if DeviceKind.HR in f.kinds)
            store.remember(Role.TRAINER, trainer)
            store.remember(Role.POWER, meter)
            store.remember(Role.HR, strap)

            # next launch: a fresh store from the file, no scan
            again = RememberedDevices(tmp_path)
            assert again.get(Role.TRAINER) is not None
            devices = open_remembered_devices(
                again, clock=RealClock(), backend=demo.radio.client_backend
            )
            assert devices is not None
            assert isinstance(devices.trainer, FtmsTrainerLink)
            assert devices.trainer.conn.used_retry_connector is None
            await devices.connect()
            assert devices.trainer.conn.used_retry_connector is False  # an address: BleakClient
            await devices.apply(ControlCommand(ERG, target_w=175))
            assert demo.trainer.target_power_w == 175
            assert devices.power_meter is not None and devices.hr_strap is not None
            changes = Changes()
            devices.hr_strap.telemetry.add_listener(changes.kick)  # type: ignore[attr-defined]
            await changes.until(
                lambda: devices.latest() is not None and devices.sources_used.hr is not None
            )
            await devices.disconnect()

    run(scenario())


# --- the CLI --------------------------------------------------------------------------------


def cli(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="freewheel")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data-dir")
    common.add_argument("--json", action="store_true")
    add_parsers(parser.add_subparsers(dest="command"), common)
    args = parser.parse_args(list(argv))
    return int(args.run(args))


def test_cli_scans_the_virtual_radio(monkeypatch, capsys, tmp_path) -> None:
    virtual = ("--virtual-ble", "--data-dir", str(tmp_path))
    assert cli("devices", "scan", "--timeout", "0.2", "--json", *virtual) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["error"] is None
    protocols = {d["protocol"] for d in payload["devices"]}
    assert protocols == {"ftms", "wahoo", "fec", None}
    kinds = {k for d in payload["devices"] for k in d["kinds"]}
    assert kinds == {"trainer", "power", "hr"}

    assert cli("devices", "scan", "--timeout", "0.2", "--remember", *virtual) == 0
    out, err = capsys.readouterr()
    assert "Freewheel FTMS" in out and "Remembered trainer: Freewheel FTMS" in err
    stored = json.loads((tmp_path / "devices.json").read_text())
    assert set(stored["roles"]) == {"trainer", "power", "hr"}
    assert stored["roles"]["power"]["name"] == "Freewheel Power"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="D-Bus system bus is Linux")
def test_cli_without_bluetooth_prints_plain_words_and_exits_1(monkeypatch, capsys) -> None:
    # point bleak's BlueZ backend at a system bus socket that does not exist
    monkeypatch.setenv("DBUS_SYSTEM_BUS_ADDRESS", "unix:path=/nonexistent/freewheel-test-bus")
    assert cli("devices", "scan", "--timeout", "0.5") == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert "Traceback" not in err and "Errno" not in err
    assert err.startswith("freewheel: Bluetooth is not available here")
    assert "freewheel ride --simulate" in err


def test_cli_rejects_a_bad_timeout() -> None:
    from app.cli.exits import UsageError

    with pytest.raises(UsageError):
        cli("devices", "scan", "--timeout", "0")
