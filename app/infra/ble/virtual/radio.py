"""`VirtualRadio`: an in-process BLE "air" (bumble `LocalLink`) with one central and any
number of virtual peripherals, plus bleak backends bound to it.

    async with VirtualRadio() as radio:
        trainer = VirtualFtmsTrainer()
        await radio.add(trainer)
        found = await BleakScanner.discover(
            0.2, return_adv=True, service_uuids=[FTMS_SERVICE_UUID],
            backend=radio.scanner_backend,
        )
        async with BleakClient(trainer.address, backend=radio.client_backend) as client:
            ...

Everything runs on the event loop that called `start()`; use the radio, its peripherals
and the bleak objects built on it from that loop only. Radios are independent: a fresh one
per test keeps tests apart.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
from types import TracebackType
from typing import Self

from bleak.backends.client import BaseBleakClient
from bleak.backends.scanner import BaseBleakScanner
from bleak.exc import BleakDeviceNotFoundError, BleakError
from bumble.controller import Controller
from bumble.device import Advertisement, Connection, Device
from bumble.hci import Address
from bumble.host import Host
from bumble.link import LocalLink
from bumble.transport.common import AsyncPipeSink

from app.infra.ble.virtual.backend import VirtualBleakClient, VirtualBleakScanner
from app.infra.ble.virtual.peripheral import ADVERTISING_INTERVAL_MS, VirtualPeripheral

__all__ = ["CENTRAL_ADDRESS", "VirtualRadio"]

logger = logging.getLogger(__name__)

CENTRAL_ADDRESS = "C0:00:00:00:00:01"
"""The static random address of every radio's central (radios do not share a link)."""

_radio_ids = itertools.count(1)


class VirtualRadio:
    """One virtual BLE link: a central bumble device for bleak, and the peripherals added."""

    def __init__(self, *, advertising_interval_ms: float = ADVERTISING_INTERVAL_MS) -> None:
        """`advertising_interval_ms` applies to every peripheral added: 20 ms makes scans
        and connects fast; a long-running test with a background scanner may raise it
        (while a scan runs each advertisement costs ~1 ms of CPU: 4 devices at 20 ms keep
        one core ~20 % busy, at 100 ms ~5 %)."""
        self.id = next(_radio_ids)
        self.advertising_interval_ms = advertising_interval_ms
        self._link: LocalLink | None = None
        self._central: Device | None = None
        self._central_controller: Controller | None = None
        self._peripherals: dict[str, VirtualPeripheral] = {}
        self._scanners: set[VirtualBleakScanner] = set()
        self._clients: set[VirtualBleakClient] = set()
        self._connect_lock = asyncio.Lock()
        self._scan_lock = asyncio.Lock()
        self._scanning = False
        # Backends bound to this radio: bleak takes a class, so each radio gets its own.
        attributes = {"_radio": self, "__module__": __name__}
        self._client_backend: type[VirtualBleakClient] = type(
            "VirtualBleakClient", (VirtualBleakClient,), dict(attributes)
        )
        self._scanner_backend: type[VirtualBleakScanner] = type(
            "VirtualBleakScanner", (VirtualBleakScanner,), dict(attributes)
        )

    def __repr__(self) -> str:
        state = "on" if self._central is not None else "off"
        return f"<VirtualRadio #{self.id} {state}, {len(self._peripherals)} peripheral(s)>"

    # --- public API --------------------------------------------------------------------------

    @property
    def client_backend(self) -> type[BaseBleakClient]:
        """Pass as `BleakClient(..., backend=radio.client_backend)`."""
        return self._client_backend

    @property
    def scanner_backend(self) -> type[BaseBleakScanner]:
        """Pass as `BleakScanner(..., backend=radio.scanner_backend)` or to `discover()`."""
        return self._scanner_backend

    @property
    def peripherals(self) -> list[VirtualPeripheral]:
        """The peripherals on the air."""
        return list(self._peripherals.values())

    @property
    def central(self) -> Device:
        """The central bumble device the bleak backends use."""
        if self._central is None:
            raise BleakError("the virtual radio is not started")
        return self._central

    @property
    def is_started(self) -> bool:
        """`start()` ran and `stop()` did not."""
        return self._central is not None

    async def start(self) -> None:
        """Create the link and power on the central."""
        if self._central is not None:
            return
        link = LocalLink()  # type: ignore[no-untyped-call]
        controller = Controller(f"central #{self.id}", link=link)
        host = Host(controller, AsyncPipeSink(controller))
        central = Device(
            f"Freewheel central #{self.id}", address=Address(CENTRAL_ADDRESS), host=host
        )
        await central.power_on()
        central.on(Device.EVENT_ADVERTISEMENT, self._on_advertisement)
        self._link, self._central_controller, self._central = link, controller, central

    async def stop(self) -> None:
        """Disconnect every client, stop scans, power off every peripheral and the central."""
        central = self._central
        if central is None:
            return
        for client in list(self._clients):
            with contextlib.suppress(Exception):
                await client.disconnect()
        self._scanners.clear()
        if self._scanning:
            self._scanning = False
            with contextlib.suppress(Exception):
                await central.stop_scanning()
        for peripheral in list(self._peripherals.values()):
            await self.remove(peripheral)
        with contextlib.suppress(Exception):
            await central.power_off()
        self._central = self._central_controller = self._link = None

    async def add(self, peripheral: VirtualPeripheral) -> None:
        """Power `peripheral` on, serve its GATT services, advertise every 20 ms."""
        if self._link is None:
            raise BleakError("start the virtual radio before adding peripherals")
        key = peripheral.address.upper()
        if key in self._peripherals:
            raise ValueError(f"{peripheral.address} is already on this radio")
        await peripheral._attach(self._link, self.advertising_interval_ms)
        self._peripherals[key] = peripheral

    async def remove(self, peripheral: VirtualPeripheral) -> None:
        """Drop its links and power it off: scans stop finding it, connects fail."""
        if self._peripherals.pop(peripheral.address.upper(), None) is None:
            return
        await peripheral._detach()

    def find(self, address: str) -> VirtualPeripheral | None:
        """The peripheral on the air with this address (any case), if any."""
        return self._peripherals.get(address.upper())

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()

    # --- backend side ------------------------------------------------------------------------

    async def connect_central(self, address: str) -> Connection:
        """Open a link from the central to `address` (the client backend calls this).

        Unknown addresses raise BleakDeviceNotFoundError at once. A known peripheral that
        does not advertise leaves the connect pending until the caller's timeout cancels
        it. One connect is in flight at a time, as on a real controller.
        """
        central = self.central
        peripheral = self.find(address)
        if peripheral is None:
            raise BleakDeviceNotFoundError(address, f"Device with address {address} was not found.")
        for connection in central.connections.values():
            if str(connection.peer_address).upper() == peripheral.address:
                raise BleakError(f"{address} is already connected")
        async with self._connect_lock:
            try:
                return await central.connect(Address(peripheral.address), timeout=None)
            except asyncio.CancelledError:
                # bumble's LE Create Connection Cancel leaves the virtual controller's
                # pending connection in place; clear it so the next connect can start
                if self._central_controller is not None:
                    self._central_controller.pending_le_connection = None
                raise

    def register_client(self, client: VirtualBleakClient) -> None:
        """A client backend connected (so `stop()` can disconnect it)."""
        self._clients.add(client)

    def unregister_client(self, client: VirtualBleakClient) -> None:
        """A client backend disconnected."""
        self._clients.discard(client)

    async def register_scanner(self, scanner: VirtualBleakScanner) -> None:
        """Start feeding `scanner`; the central scans while any scanner is registered."""
        self._scanners.add(scanner)
        async with self._scan_lock:
            if not self._scanning and self._scanners:
                await self.central.start_scanning(filter_duplicates=False)
                self._scanning = True

    async def unregister_scanner(self, scanner: VirtualBleakScanner) -> None:
        """Stop feeding `scanner`; the central stops scanning after the last one."""
        self._scanners.discard(scanner)
        async with self._scan_lock:
            if self._scanning and not self._scanners and self._central is not None:
                self._scanning = False
                await self._central.stop_scanning()

    def _on_advertisement(self, advertisement: Advertisement) -> None:
        for scanner in list(self._scanners):
            try:
                scanner.handle_advertisement(advertisement)
            except Exception:
                logger.exception("scanner callback failed")
