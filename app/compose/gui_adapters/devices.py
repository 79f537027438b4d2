"""`DevicesPort` over the BLE scanner, the remembered devices and the live links."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from app.services.devices import VIRTUAL_SCAN_TIMEOUT_S, BleBackend

if TYPE_CHECKING:
    import concurrent.futures

    from app.core.ports import TrainerLink, TrainerReading
    from app.infra.ble.remembered import RememberedDevice, RememberedDevices
    from app.infra.ble.scanner import FoundDevice
    from app.infra.paths import AppPaths
    from app.runtime.device_loop import DeviceLoop
    from app.ui.ports.devices import DeviceInfo, LiveValue

__all__ = ["BluetoothDevices"]


class BluetoothDevices:
    """Scan on the device loop, remember a device per role, report live link state.
    `links()` gives the live links by role (the ride stack's trainer)."""

    def __init__(
        self,
        paths: AppPaths,
        loop: Callable[[], DeviceLoop],
        links: Callable[[], Mapping[str, TrainerLink | None]],
        *,
        backend: BleBackend = BleBackend.SYSTEM,
    ) -> None:
        self._paths = paths
        self._remembered_store: RememberedDevices | None = None
        self._loop = loop
        self._links = links
        self._backend = backend
        self._found: dict[str, FoundDevice] = {}
        self._lock = threading.Lock()
        self.simulator_chosen = False

    @property
    def _remembered(self) -> RememberedDevices:
        """Opened on first use: it imports bleak, which the first frame must not wait for."""
        if self._remembered_store is None:
            from app.infra.ble.remembered import RememberedDevices

            self._remembered_store = RememberedDevices(self._paths.config_dir)
        return self._remembered_store

    def scan(self) -> concurrent.futures.Future[list[DeviceInfo]]:
        from app.services.devices import DEFAULT_SCAN_TIMEOUT_S, NoBluetooth, scan_devices_async
        from app.ui.ports.devices import ScanFailed

        virtual = self._backend is BleBackend.VIRTUAL
        timeout_s = VIRTUAL_SCAN_TIMEOUT_S if virtual else DEFAULT_SCAN_TIMEOUT_S

        async def run() -> list[DeviceInfo]:
            try:
                found = await scan_devices_async(timeout_s, backend=self._backend)
            except NoBluetooth as exc:
                raise ScanFailed(str(exc), offer_simulator=exc.offer_simulator) from exc
            with self._lock:
                self._found = {f.address: f for f in found}
            return [_device_info(f) for f in found]

        return self._loop().submit(run())

    def assignments(self) -> dict[str, DeviceInfo | None]:
        from app.core.devices.roles import Role

        remembered = self._remembered.all()
        return {
            role.value: _device_info(remembered[role]) if role in remembered else None
            for role in Role
        }

    def assign(self, role: str, device: DeviceInfo | None) -> None:
        from app.core.devices.roles import Role

        if device is None:
            self._remembered.forget(Role(role))
            return
        with self._lock:
            found = self._found.get(device.address)
        if found is not None:
            self._remembered.remember(Role(role), found)

    def use_simulator(self) -> None:
        self.simulator_chosen = True

    def live(self) -> dict[str, LiveValue]:
        from app.ui.ports.devices import LinkState, LiveValue

        out: dict[str, LiveValue] = {}
        for role, link in self._links().items():
            reading = link.latest() if link is not None else None
            if link is None:
                out[role] = LiveValue()
            elif reading is None:
                out[role] = LiveValue(LinkState.LOST, "lost — reconnecting")
            else:
                out[role] = LiveValue(LinkState.CONNECTED, _live_text(role, reading))
        return out


def _device_info(found: FoundDevice | RememberedDevice) -> DeviceInfo:
    from app.ui.ports.devices import DeviceInfo

    return DeviceInfo(
        name=found.name,
        address=found.address,
        rssi=getattr(found, "rssi", None),
        kinds=frozenset(getattr(k, "value", str(k)) for k in found.kinds),
    )


def _live_text(role: str, reading: TrainerReading) -> str:
    if role == "hr" and reading.hr_bpm is not None:
        return f"{reading.hr_bpm:.0f} bpm"
    if role == "cadence" and reading.cadence_rpm is not None:
        return f"{reading.cadence_rpm:.0f} rpm"
    if reading.power_w is not None:
        return f"{reading.power_w:.0f} W"
    return "connected"
