"""Find trainers and sensors nearby: `await scan(5.0)`.

Scans with an OR-list of the services Freewheel can use (the trainer protocols' and the
sensors': Cycling Power, Heart Rate, CSC) and classifies each device by what it
advertises. A trainer is recognised by the table of trainer protocols
(`app.infra.ble.links.registry`): many advertise only FE-C (Tacx) or only Cycling Power
with a KICKR name (legacy Wahoo), not FTMS.

Any failure (no adapter, Bluetooth off, no D-Bus, ...) raises `BluetoothUnavailable`
carrying `explain(exc)`: a plain-words problem, never a traceback.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from bleak import BleakScanner
from bleak.backends.device import BLEDevice
from bleak.backends.scanner import AdvertisementData, BaseBleakScanner

from app.core.devices.uuids import (
    CSC_SERVICE_UUID,
    CYCLING_POWER_SERVICE_UUID,
    HEART_RATE_SERVICE_UUID,
    normalize_uuid,
)
from app.infra.ble.errors import BluetoothUnavailable, explain
from app.infra.ble.links.registry import (
    TRAINER_SERVICE_UUIDS,
    TrainerProtocol,
    recognised_protocol,
)

log = logging.getLogger(__name__)

__all__ = [
    "SCAN_SERVICE_UUIDS",
    "DeviceKind",
    "FoundDevice",
    "classify",
    "scan",
]

DEFAULT_SCAN_TIMEOUT_S = 5.0


class DeviceKind(StrEnum):
    TRAINER = "trainer"
    POWER = "power"
    HR = "hr"
    CADENCE = "cadence"


SENSOR_SERVICES: dict[str, DeviceKind] = {
    CYCLING_POWER_SERVICE_UUID: DeviceKind.POWER,
    HEART_RATE_SERVICE_UUID: DeviceKind.HR,
    CSC_SERVICE_UUID: DeviceKind.CADENCE,
}
"""The service that makes a device a sensor of each kind (a trainer may be one too)."""
SCAN_SERVICE_UUIDS: tuple[str, ...] = tuple(
    dict.fromkeys((*TRAINER_SERVICE_UUIDS, *SENSOR_SERVICES))
)


@dataclass(frozen=True, slots=True)
class FoundDevice:
    """One device seen in a scan (or remembered from one)."""

    name: str
    address: str
    rssi: int | None
    kinds: frozenset[DeviceKind]
    service_uuids: tuple[str, ...] = ()
    protocol: TrainerProtocol | None = None
    ble_device: BLEDevice | None = field(default=None, compare=False, repr=False)

    @property
    def connect_target(self) -> BLEDevice | str:
        """What a link connects to: the scanned BLEDevice, else the address."""
        return self.ble_device if self.ble_device is not None else self.address

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "address": self.address,
            "rssi": self.rssi,
            "kinds": sorted(kind.value for kind in self.kinds),
            "protocol": None if self.protocol is None else self.protocol.value,
            "services": list(self.service_uuids),
        }


def classify(
    service_uuids: Iterable[str], name: str | None = None
) -> tuple[frozenset[DeviceKind], TrainerProtocol | None]:
    """Kinds and trainer protocol from advertised (or discovered) service UUIDs."""
    services = {normalize_uuid(uuid) for uuid in service_uuids}
    protocol = recognised_protocol(services, name)
    kinds = {kind for uuid, kind in SENSOR_SERVICES.items() if uuid in services}
    if protocol is not None:
        kinds.add(DeviceKind.TRAINER)
    return frozenset(kinds), protocol


def found_device(device: BLEDevice, adv: AdvertisementData) -> FoundDevice | None:
    """A FoundDevice from one advertisement, or None when it offers nothing we use."""
    uuids = [*adv.service_uuids, *adv.service_data.keys()]
    try:
        services = tuple(sorted({normalize_uuid(uuid) for uuid in uuids}))
    except ValueError:
        services = ()
    name = adv.local_name or device.name or ""
    kinds, protocol = classify(services, name)
    if not kinds:
        return None
    return FoundDevice(
        name=name or "Unnamed device",
        address=device.address,
        rssi=adv.rssi,
        kinds=kinds,
        service_uuids=services,
        protocol=protocol,
        ble_device=device,
    )


async def scan(
    timeout_s: float = DEFAULT_SCAN_TIMEOUT_S,
    *,
    backend: type[BaseBleakScanner] | None = None,
    service_uuids: Iterable[str] = SCAN_SERVICE_UUIDS,
) -> list[FoundDevice]:
    """Scan for `timeout_s`; trainers first, then by signal strength.

    Raises `BluetoothUnavailable` (with a plain-words `problem`) when scanning fails.
    """
    kwargs: dict[str, Any] = {}
    if backend is not None:
        kwargs["backend"] = backend
    try:
        seen = await BleakScanner.discover(
            timeout=timeout_s,
            return_adv=True,
            service_uuids=list(service_uuids),
            **kwargs,
        )
    except Exception as exc:
        problem = explain(exc)
        log.info("scan failed: %s (%r)", problem.kind, exc)
        raise BluetoothUnavailable(problem) from exc
    devices = [d for ble, adv in seen.values() if (d := found_device(ble, adv)) is not None]
    devices.sort(
        key=lambda d: (
            DeviceKind.TRAINER not in d.kinds,
            -(d.rssi if d.rssi is not None else -999),
            d.name,
        )
    )
    return devices
