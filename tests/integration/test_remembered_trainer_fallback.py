"""A remembered Bluetooth trainer that cannot be reached (here: no Bluetooth at all) never
stops the rider: the simulator rides instead and the reason is logged in plain words."""

import logging

from app.compose.options import TrainerSource
from app.compose.ride import build_ride_stack
from app.core.devices.roles import Role
from app.infra.ble.links.registry import TrainerProtocol
from app.infra.ble.remembered import RememberedDevices
from app.infra.ble.scanner import DeviceKind, FoundDevice
from app.infra.paths import app_paths
from app.infra.sim.trainer import SimulatedTrainerLink
from app.runtime.clock import VirtualClock


def test_an_unreachable_remembered_trainer_falls_back_to_the_simulator(tmp_path, caplog):
    paths = app_paths(tmp_path).ensure()
    kickr = FoundDevice("KICKR", "F0:00:00:00:00:09", -60, frozenset({DeviceKind.TRAINER}),
                        protocol=TrainerProtocol.FTMS)  # fmt: skip
    RememberedDevices(paths.config_dir).remember(Role.TRAINER, kickr)
    with caplog.at_level(logging.WARNING):
        stack = build_ride_stack(
            paths, clock=VirtualClock(), ftp_w=200, trainer=TrainerSource.REMEMBERED
        )
    try:
        assert isinstance(stack.trainer, SimulatedTrainerLink)
        assert any("remembered trainer not used" in r.getMessage() for r in caplog.records)
    finally:
        stack.close()


def test_power_match_follows_the_setting(tmp_path):
    from app.infra.ble.remembered import open_remembered_devices

    store = RememberedDevices(tmp_path)
    trainer = FoundDevice("KICKR", "F0:00:00:00:00:09", -60, frozenset({DeviceKind.TRAINER}),
                          protocol=TrainerProtocol.FTMS)  # fmt: skip
    meter = FoundDevice("Pedals", "F0:00:00:00:00:0A", -60, frozenset({DeviceKind.POWER}))
    store.remember(Role.TRAINER, trainer)
    store.remember(Role.POWER, meter)
    on = open_remembered_devices(store, clock=VirtualClock())
    off = open_remembered_devices(store, clock=VirtualClock(), power_match=False)
    assert on.power_match is not None and off.power_match is None
