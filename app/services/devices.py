"""Trainers and sensors nearby: scan, and remember what to ride with."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.core.devices.roles import Role
    from app.infra.ble.scanner import FoundDevice
    from app.infra.paths import AppPaths

__all__ = [
    "BleBackend",
    "FoundDevice",
    "NoBluetooth",
    "remember_first_of_each_kind",
    "scan_devices",
    "scan_devices_async",
]

DEFAULT_SCAN_TIMEOUT_S = 5.0
VIRTUAL_SCAN_TIMEOUT_S = 2.0  # the virtual devices advertise at once


class NoBluetooth(Exception):
    """Bluetooth cannot be used here; `str()` says why in words a rider can act on.
    `kind` (e.g. "no_adapter", "powered_off") lets a front end branch; `offer_simulator`
    says whether riding the simulated trainer is a way out."""

    def __init__(self, message: str, *, kind: str, offer_simulator: bool) -> None:
        super().__init__(message)
        self.kind = kind
        self.offer_simulator = offer_simulator


class BleBackend(StrEnum):
    SYSTEM = "system"  # the computer's Bluetooth stack (BlueZ, CoreBluetooth, WinRT)
    VIRTUAL = "virtual"  # an in-process radio with one of each demo device (needs bumble)


async def scan_devices_async(
    timeout_s: float = DEFAULT_SCAN_TIMEOUT_S, *, backend: BleBackend = BleBackend.SYSTEM
) -> list[FoundDevice]:
    """Trainers and sensors heard within `timeout_s`, strongest first; on the running
    event loop. Raises NoBluetooth."""
    from app.infra.ble.errors import BluetoothUnavailable
    from app.infra.ble.scanner import scan

    try:
        if backend is BleBackend.SYSTEM:
            return await scan(timeout_s)
        from app.infra.ble.virtual_demo import open_virtual_radio_with_demo_devices

        async with open_virtual_radio_with_demo_devices() as demo:
            return await scan(timeout_s, backend=demo.radio.scanner_backend)
    except BluetoothUnavailable as exc:
        problem = exc.problem
        raise NoBluetooth(
            problem.message, kind=problem.kind.value, offer_simulator=problem.offer_simulator
        ) from exc
    except ImportError as exc:  # the virtual radio without the optional package
        raise NoBluetooth(
            "The virtual Bluetooth radio needs the optional 'bumble' package "
            "(pip install 'freewheel[virtual]').",
            kind="other",
            offer_simulator=False,
        ) from exc


def scan_devices(
    timeout_s: float = DEFAULT_SCAN_TIMEOUT_S, *, backend: BleBackend = BleBackend.SYSTEM
) -> list[FoundDevice]:
    """`scan_devices_async` on an event loop of its own (the command line)."""
    import asyncio

    return asyncio.run(scan_devices_async(timeout_s, backend=backend))


def remember_first_of_each_kind(
    paths: AppPaths, found: list[FoundDevice]
) -> dict[Role, FoundDevice]:
    """Trainer: the first trainer (strongest signal); power, HR, cadence: the first other
    device of that kind, a dedicated sensor before a second trainer (the trainer supplies
    power and cadence itself). Returns what was remembered."""
    from app.core.devices.roles import Role
    from app.infra.ble.remembered import RememberedDevices
    from app.infra.ble.scanner import DeviceKind

    store = RememberedDevices(paths.ensure().config_dir)
    trainer = next((d for d in found if DeviceKind.TRAINER in d.kinds), None)
    chosen: dict[Role, FoundDevice] = {}
    if trainer is not None:
        chosen[Role.TRAINER] = trainer
    for kind, role in (
        (DeviceKind.POWER, Role.POWER),
        (DeviceKind.HR, Role.HR),
        (DeviceKind.CADENCE, Role.CADENCE),
    ):
        candidates = [d for d in found if kind in d.kinds and d is not trainer]
        candidates.sort(key=lambda d: DeviceKind.TRAINER in d.kinds)
        if candidates:
            chosen[role] = candidates[0]
    for role, device in chosen.items():
        store.remember(role, device)
    return chosen
