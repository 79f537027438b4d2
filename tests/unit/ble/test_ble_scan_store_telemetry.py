"""Scanner classification, the remembered-devices file and Telemetry: no radio."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime

import pytest
from bleak.backends.device import BLEDevice
from bleak.backends.scanner import AdvertisementData

from app.core.devices.roles import Role
from app.core.devices.uuids import (
    CSC_SERVICE_UUID,
    CYCLING_POWER_SERVICE_UUID,
    FEC_SERVICE_UUID,
    FTMS_SERVICE_UUID,
    HEART_RATE_SERVICE_UUID,
    WAHOO_FITNESS_MACHINE_SERVICE_UUID,
)
from app.core.ports import TrainerReading
from app.infra.ble.errors import TrainerLinkError
from app.infra.ble.links.fec import FecTrainerLink
from app.infra.ble.links.ftms import FtmsTrainerLink
from app.infra.ble.links.registry import TrainerProtocol, link_for
from app.infra.ble.links.wahoo import WahooTrainerLink
from app.infra.ble.remembered import RememberedDevice, RememberedDevices
from app.infra.ble.scanner import DeviceKind, FoundDevice, classify, found_device
from app.infra.ble.telemetry import Telemetry

K = DeviceKind
P = TrainerProtocol


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def monotonic_s(self) -> float:
        return self.now

    def wall(self) -> datetime:
        return datetime(2026, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("services", "name", "kinds", "protocol"),
    [
        ([FTMS_SERVICE_UUID], "KICKR CORE", {K.TRAINER}, P.FTMS),
        ([FTMS_SERVICE_UUID, CYCLING_POWER_SERVICE_UUID], "X", {K.TRAINER, K.POWER}, P.FTMS),
        ([FEC_SERVICE_UUID], "Tacx Flux", {K.TRAINER}, P.FEC),
        ([CYCLING_POWER_SERVICE_UUID], "KICKR 1234", {K.TRAINER, K.POWER}, P.WAHOO),
        ([CYCLING_POWER_SERVICE_UUID], "Assioma", {K.POWER}, None),
        ([WAHOO_FITNESS_MACHINE_SERVICE_UUID], "", {K.TRAINER}, P.WAHOO),
        ([HEART_RATE_SERVICE_UUID], "TICKR", {K.HR}, None),
        ([CSC_SERVICE_UUID], "Cadence", {K.CADENCE}, None),
        (["180a"], "Speaker", set(), None),
        (["1826"], None, {K.TRAINER}, P.FTMS),  # short forms normalise
    ],
)
def test_classify(services, name, kinds, protocol) -> None:
    assert classify(services, name) == (frozenset(kinds), protocol)


def test_found_device_reads_service_data_uuids_and_skips_unusable_devices() -> None:
    device = BLEDevice("AA:BB:CC:DD:EE:FF", None, details=None)
    adv = AdvertisementData(
        local_name="Trainer",
        manufacturer_data={},
        service_data={FTMS_SERVICE_UUID: b"\x01\x20\x00"},
        service_uuids=[],
        tx_power=None,
        rssi=-60,
        platform_data=(),
    )
    found = found_device(device, adv)
    assert found is not None and found.protocol is P.FTMS and found.rssi == -60
    assert found.connect_target is device
    assert found.as_dict()["kinds"] == ["trainer"]
    speaker = adv._replace(service_data={}, service_uuids=["0000180a-0000-1000-8000-00805f9b34fb"])
    assert found_device(device, speaker) is None


def test_link_for_picks_by_protocol_and_refuses_sensors() -> None:
    clock = Clock()

    def dev(protocol: P | None, kinds: set[K]) -> FoundDevice:
        return FoundDevice("D", "AA:BB", None, frozenset(kinds), protocol=protocol)

    assert isinstance(link_for(dev(P.FTMS, {K.TRAINER}), clock=clock), FtmsTrainerLink)
    assert isinstance(link_for(dev(P.WAHOO, {K.TRAINER}), clock=clock), WahooTrainerLink)
    assert isinstance(link_for(dev(P.FEC, {K.TRAINER}), clock=clock), FecTrainerLink)
    with pytest.raises(TrainerLinkError, match="not a trainer"):
        link_for(dev(None, {K.POWER}), clock=clock)


def test_resistance_percent_maps_onto_the_trainer_range() -> None:
    from app.core.devices.ftms import SupportedResistanceRange

    link = FtmsTrainerLink("AA:BB", clock=Clock())
    assert link.resistance_level_for(50) == pytest.approx(12.8)  # default 0-25.5, 0.1 steps
    link.resistance_range = SupportedResistanceRange(0.0, 100.0, 1.0)
    assert link.resistance_level_for(37.4) == 37.0
    link.resistance_range = SupportedResistanceRange(-10.0, 10.0, 0.5)
    assert link.resistance_level_for(0) == -10.0
    assert link.resistance_level_for(100) == 10.0
    assert link.resistance_level_for(52) == 0.5


def test_remembered_devices_round_trip_atomically(tmp_path) -> None:
    store = RememberedDevices(tmp_path)
    assert store.all() == {}
    trainer = FoundDevice("KICKR", "AA:01", -40, frozenset({K.TRAINER, K.POWER}), protocol=P.FTMS)
    store.remember(Role.TRAINER, trainer)
    store.remember(Role.HR, RememberedDevice("AA:02", "TICKR", frozenset({K.HR})))
    data = json.loads((tmp_path / "devices.json").read_text())
    assert data["version"] == 1
    assert data["roles"]["trainer"] == {
        "address": "AA:01",
        "name": "KICKR",
        "kinds": ["power", "trainer"],
        "protocol": "ftms",
    }
    assert not [p for p in os.listdir(tmp_path) if p.endswith(".tmp")]
    again = RememberedDevices(tmp_path)
    remembered = again.get(Role.TRAINER)
    assert remembered is not None and remembered.protocol is P.FTMS
    assert remembered.as_found().connect_target == "AA:01"  # by address, no scan
    again.forget(Role.HR)
    assert RememberedDevices(tmp_path).get(Role.HR) is None


def test_an_unreadable_devices_file_is_moved_aside_not_fatal(tmp_path) -> None:
    (tmp_path / "devices.json").write_text("{not json")
    store = RememberedDevices(tmp_path)
    assert store.all() == {}
    assert (tmp_path / "devices.json.unreadable").exists()
    store.remember(Role.POWER, RememberedDevice("AA:03", "Meter", frozenset({K.POWER})))
    assert RememberedDevices(tmp_path).get(Role.POWER) is not None


def test_telemetry_dropout_and_per_field_staleness() -> None:
    clock = Clock()
    t = Telemetry(clock, stale_after_s=3.0)
    assert t.latest() is None and t.snapshot() is None
    now = t.heard()
    t.set(now, power_w=200.0, hr_bpm=120.0, cadence_rpm=None)
    assert t.latest() == TrainerReading(power_w=200.0, hr_bpm=120.0)
    clock.now = 2.0
    t.set(t.heard(), power_w=210.0)  # HR stopped arriving
    clock.now = 3.5
    assert t.latest() == TrainerReading(power_w=210.0)  # HR is stale, power fresh
    clock.now = 5.1
    assert t.latest() is None  # > 3 s without any notification
    snapshot = t.snapshot()
    assert snapshot is not None and snapshot.at_s == 2.0
    t.clear()
    assert t.latest() is None and t.notifications == 2


def test_erg_target_is_kept_inside_the_supported_power_range() -> None:
    from app.core.devices.ftms import SupportedPowerRange
    from app.core.ports import ControlCommand, TrainerMode

    link = FtmsTrainerLink("AA:BB", clock=Clock())
    assert link.power_target_for(ControlCommand(TrainerMode.ERG, target_w=3000)) == 3000
    link.power_range = SupportedPowerRange(25, 1500, 1)
    assert link.power_target_for(ControlCommand(TrainerMode.ERG, target_w=3000)) == 1500
    assert link.power_target_for(ControlCommand(TrainerMode.ERG, target_w=10)) == 25
