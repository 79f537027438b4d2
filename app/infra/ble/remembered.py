"""The devices the rider used last, per role, so the app reconnects at launch without a scan.

Stored in `config_dir/devices.json`:

    {"version": 1,
     "roles": {"trainer": {"address": "...", "name": "...", "kinds": ["trainer"],
                           "protocol": "ftms"}, ...}}

Writes are atomic (temp file, fsync, rename). A missing or unreadable file means "nothing
remembered": it never stops the app (an unreadable one is moved aside once).

`open_remembered_devices()` builds the role links straight from the stored addresses:
bleak's platform backend finds a device by address itself, so no scan is needed.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bleak.backends.client import BaseBleakClient

from app.core.devices.roles import Role
from app.core.ports import Clock
from app.infra.ble.links.registry import TrainerProtocol, link_for
from app.infra.ble.links.sensors import CadenceSensorLink, HeartRateLink, PowerMeterLink
from app.infra.ble.scanner import DeviceKind, FoundDevice
from app.infra.ble.supervisor import ConnectionSupervisor, RidingDevices

log = logging.getLogger(__name__)

__all__ = [
    "DEVICES_FILE",
    "RememberedDevice",
    "RememberedDevices",
    "open_remembered_devices",
]

DEVICES_FILE = "devices.json"
_VERSION = 1


@dataclass(frozen=True, slots=True)
class RememberedDevice:
    address: str
    name: str
    kinds: frozenset[DeviceKind]
    protocol: TrainerProtocol | None = None

    @classmethod
    def from_found(cls, found: FoundDevice) -> RememberedDevice:
        return cls(found.address, found.name, found.kinds, found.protocol)

    def as_found(self) -> FoundDevice:
        """A FoundDevice without a BLEDevice: links connect by address."""
        return FoundDevice(
            name=self.name,
            address=self.address,
            rssi=None,
            kinds=self.kinds,
            protocol=self.protocol,
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "address": self.address,
            "name": self.name,
            "kinds": sorted(kind.value for kind in self.kinds),
            "protocol": None if self.protocol is None else self.protocol.value,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> RememberedDevice:
        address = data["address"]
        if not isinstance(address, str) or not address:
            raise ValueError("address must be a non-empty string")
        name = data.get("name") or address
        kinds = frozenset(DeviceKind(kind) for kind in data.get("kinds", []))
        protocol = data.get("protocol")
        return cls(
            address, str(name), kinds, None if protocol is None else TrainerProtocol(protocol)
        )


class RememberedDevices:
    """The last-used device per role, persisted in `config_dir/devices.json`."""

    def __init__(self, config_dir: str | os.PathLike[str]) -> None:
        self.path = Path(config_dir) / DEVICES_FILE
        self._roles: dict[Role, RememberedDevice] = self._load()

    def get(self, role: Role) -> RememberedDevice | None:
        return self._roles.get(role)

    def all(self) -> dict[Role, RememberedDevice]:
        return dict(self._roles)

    def remember(self, role: Role, device: FoundDevice | RememberedDevice) -> None:
        remembered = (
            RememberedDevice.from_found(device) if isinstance(device, FoundDevice) else device
        )
        self._roles[role] = remembered
        self._save()

    def forget(self, role: Role) -> None:
        if self._roles.pop(role, None) is not None:
            self._save()

    # --- file ------------------------------------------------------------------------------

    def _load(self) -> dict[Role, RememberedDevice]:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return {}
        except OSError as exc:
            log.warning("cannot read %s: %s", self.path, exc)
            return {}
        try:
            data = json.loads(text)
            roles = data["roles"]
            return {Role(role): RememberedDevice.from_json(entry) for role, entry in roles.items()}
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            aside = self.path.with_name(self.path.name + ".unreadable")
            log.warning("%s is unreadable (%s); moved to %s", self.path, exc, aside.name)
            with contextlib.suppress(OSError):
                os.replace(self.path, aside)
            return {}

    def _save(self) -> None:
        data = {
            "version": _VERSION,
            "roles": {role.value: device.to_json() for role, device in self._roles.items()},
        }
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".devices-", suffix=".tmp", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(data, handle, indent=2, sort_keys=True)
                handle.write("\n")
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        try:  # make the rename durable too
            dir_fd = os.open(self.path.parent, os.O_RDONLY)
        except OSError:
            return
        try:
            os.fsync(dir_fd)
        except OSError:
            pass
        finally:
            os.close(dir_fd)


def open_remembered_devices(
    remembered: RememberedDevices,
    *,
    clock: Clock,
    backend: type[BaseBleakClient] | None = None,
    supervisor: ConnectionSupervisor | None = None,
    power_match: bool = True,
    **link_kwargs: Any,
) -> RidingDevices | None:
    """RidingDevices for the remembered roles (None without a remembered trainer).

    Nothing connects yet: `await devices.connect()` does, by address, without a scan.
    A device remembered for several roles gets one link.
    """
    trainer = remembered.get(Role.TRAINER)
    if trainer is None:
        return None
    common: dict[str, Any] = {"clock": clock, "backend": backend, **link_kwargs}
    trainer_link = link_for(trainer.as_found(), **common)
    links: dict[str, Any] = {trainer.address.upper(): trainer_link}

    def sensor(role: Role, cls: type[PowerMeterLink | HeartRateLink | CadenceSensorLink]) -> Any:
        device = remembered.get(role)
        if device is None:
            return None
        key = device.address.upper()
        if key not in links:
            links[key] = cls(device.address, name=device.name, **common)
        return links[key]

    power = sensor(Role.POWER, PowerMeterLink)
    hr = sensor(Role.HR, HeartRateLink)
    cadence = sensor(Role.CADENCE, CadenceSensorLink)
    return RidingDevices(
        trainer_link,
        clock=clock,
        power_meter=power,
        hr_strap=hr,
        cadence_sensor=cadence,
        supervisor=supervisor,
        power_match=power_match,
    )
