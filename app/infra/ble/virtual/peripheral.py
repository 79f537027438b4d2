"""The base of every virtual peripheral: a bumble `Device` with its own virtual controller on
a `VirtualRadio`'s link, a GATT server, and legacy advertising every 20 ms.

A peripheral is built unattached; `VirtualRadio.add()` gives it a controller, powers it on,
adds its services and starts advertising. It keeps advertising whenever no central holds
the link, so a client can reconnect after either side dropped the
link. Subclasses describe their GATT table (`build_services`) and may run a background
simulation task (`run`), which is started on `add()` and cancelled on `remove()`.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
from collections.abc import Callable, Coroutine, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bumble import data_types
from bumble.att import ATT_Error, ErrorCode
from bumble.controller import Controller
from bumble.core import UUID, AdvertisingData, BaseBumbleError
from bumble.device import Connection, Device
from bumble.gatt import Characteristic, Service
from bumble.hci import Address
from bumble.host import Host
from bumble.link import LocalLink
from bumble.transport.common import AsyncPipeSink

from app.core.devices.uuids import (
    BATTERY_LEVEL_UUID16,
    BATTERY_SERVICE_UUID16,
    normalize_uuid,
    uuid_to_uuid16,
)

__all__ = [
    "ADVERTISING_INTERVAL_MS",
    "CustomPeripheral",
    "PeripheralFaults",
    "VirtualPeripheral",
    "battery_service",
    "bumble_uuid",
    "guarded_write",
    "new_static_address",
]

logger = logging.getLogger(__name__)

ADVERTISING_INTERVAL_MS = 20.0
"""Legacy advertising interval: a scan finds a device, and a connect completes, within ~20 ms
(bumble's default interval makes every connect take about a second)."""

_LEGACY_ADV_MAX = 31
_CCCD_NOTIFY = 0x01
_CCCD_INDICATE = 0x02

_address_counter = itertools.count(1)


def new_static_address() -> str:
    """A process-unique static random address, `F0:00:00:00:xx:xx` (top two bits set)."""
    n = next(_address_counter)
    return f"F0:00:00:{(n >> 16) & 0xFF:02X}:{(n >> 8) & 0xFF:02X}:{n & 0xFF:02X}"


def bumble_uuid(uuid: str | int) -> UUID:
    """A bumble UUID from a 16-bit int, a short string or a full UUID string (16-bit ids on
    the Bluetooth base become 16-bit bumble UUIDs, so they advertise in the 16-bit list)."""
    full = normalize_uuid(uuid)
    short = uuid_to_uuid16(full)
    if short is not None:
        return UUID.from_16_bits(short)
    return UUID(full)


@dataclass
class PeripheralFaults:
    """Faults every peripheral honours. Mutate the instance at any time."""

    drop_notifications: bool = False
    """Stop sending notifications (the link stays up): a stalled sensor."""


class VirtualPeripheral:
    """One virtual BLE peripheral. Subclasses override `build_services` and maybe `run`."""

    faults: PeripheralFaults

    def __init__(
        self,
        name: str,
        *,
        service_uuids: Iterable[str | int] = (),
        service_data: Mapping[str | int, bytes] | None = None,
        manufacturer_data: Mapping[int, bytes] | None = None,
        address: str | None = None,
        faults: PeripheralFaults | None = None,
    ) -> None:
        self.name = name
        self.address = (address or new_static_address()).upper()
        self.faults = faults if faults is not None else PeripheralFaults()
        self.service_uuids = [normalize_uuid(u) for u in service_uuids]
        self.service_data = {normalize_uuid(k): bytes(v) for k, v in (service_data or {}).items()}
        self.manufacturer_data = dict(manufacturer_data or {})
        self._device: Device | None = None
        self._controller: Controller | None = None
        self._link: LocalLink | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        self._connected = asyncio.Event()
        self._disconnected = asyncio.Event()
        self._disconnected.set()
        self._advertising = True
        self._advertising_interval_ms = ADVERTISING_INTERVAL_MS
        self.connection_count = 0
        """Connections accepted since `add()` (a reconnect test can wait for it to grow)."""

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name!r} {self.address}>"

    # --- what subclasses provide -------------------------------------------------------------

    def build_services(self) -> list[Service]:
        """The GATT services to serve (fresh objects: called on every `add()`)."""
        return []

    async def run(self) -> None:
        """The peripheral's simulation, from `add()` until `remove()` (default: nothing)."""

    def on_connection(self, connection: Connection) -> None:
        """A central connected (hook for subclasses)."""

    def on_disconnection(self, connection: Connection, reason: int) -> None:
        """A central's link dropped, from either side (hook for subclasses)."""

    # --- state -------------------------------------------------------------------------------

    @property
    def device(self) -> Device:
        """The bumble device (only while added to a radio)."""
        if self._device is None:
            raise RuntimeError(f"{self!r} is not on a radio")
        return self._device

    @property
    def is_attached(self) -> bool:
        """Added to a radio and powered on."""
        return self._device is not None

    @property
    def is_connected(self) -> bool:
        """A central holds a link to this peripheral."""
        return self._device is not None and bool(self._device.connections)

    @property
    def connections(self) -> list[Connection]:
        """The current links (at most one on a radio: there is one central)."""
        return [] if self._device is None else list(self._device.connections.values())

    @property
    def is_advertising(self) -> bool:
        """Advertising is wanted (it pauses by itself while a central is connected)."""
        return self._advertising and self._device is not None

    async def wait_connected(self) -> None:
        """Return once a central is connected."""
        await self._connected.wait()

    async def wait_disconnected(self) -> None:
        """Return once no central is connected."""
        await self._disconnected.wait()

    # --- actions -----------------------------------------------------------------------------

    async def disconnect(self) -> None:
        """Drop every link from the peripheral side (like a trainer switched off and on).

        The central sees a remote-terminated disconnection; advertising resumes, so a
        reconnect works.
        """
        for connection in self.connections:
            with contextlib.suppress(Exception):
                await connection.disconnect()
        await self._disconnected.wait()

    async def set_advertising(self, enabled: bool) -> None:
        """Stop (out of range: scans miss it, connects time out) or resume advertising."""
        self._advertising = enabled
        if self._device is None:
            return
        if enabled:
            if not self.is_connected:
                await self._start_advertising()
        else:
            await self._device.stop_advertising()

    def spawn(self, coro: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        """Run `coro` as a task owned by this peripheral (cancelled on `remove()`)."""
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._task_done)
        return task

    def _task_done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and (error := task.exception()) is not None:
            logger.error("%r: background task failed", self, exc_info=error)

    async def notify(self, characteristic: Characteristic[bytes], value: bytes) -> None:
        """Notify every subscriber, unless notifications are dropped; a link that goes away
        meanwhile is not an error."""
        if self.faults.drop_notifications or self._device is None:
            return
        with contextlib.suppress(BaseBumbleError, ConnectionError, TimeoutError):
            await self._device.notify_subscribers(characteristic, value)

    async def indicate(
        self, connection: Connection, characteristic: Characteristic[bytes], value: bytes
    ) -> None:
        """Indicate to one subscriber and wait for its confirmation; a link that goes away
        meanwhile ends the wait (bumble alone would wait 30 s for the confirmation)."""
        if self._device is None or connection not in self.connections:
            return
        sent = connection.cancel_on_disconnection(
            self._device.indicate_subscriber(connection, characteristic, value)
        )
        try:
            await sent
        except asyncio.CancelledError:
            task = asyncio.current_task()
            if task is not None and task.cancelling():
                raise  # we are being cancelled, not the link dropping
        except (BaseBumbleError, ConnectionError, TimeoutError):
            pass

    def subscribed(
        self, connection: Connection, characteristic: Characteristic[bytes], *, indicate: bool
    ) -> bool:
        """The central enabled notifications (or indications) on `characteristic`."""
        if self._device is None:
            return False
        cccd = self._device.gatt_server.subscribers.get(connection, {}).get(characteristic.handle)
        bit = _CCCD_INDICATE if indicate else _CCCD_NOTIFY
        return cccd is not None and len(cccd) == 2 and bool(cccd[0] & bit)

    def any_subscriber(self, characteristic: Characteristic[bytes]) -> bool:
        """Some central enabled notifications on `characteristic`."""
        return any(self.subscribed(c, characteristic, indicate=False) for c in self.connections)

    # --- radio side (VirtualRadio calls these) ------------------------------------------------

    async def _attach(
        self, link: LocalLink, advertising_interval_ms: float = ADVERTISING_INTERVAL_MS
    ) -> None:
        if self._device is not None:
            raise RuntimeError(f"{self!r} is already on a radio")
        self._advertising_interval_ms = advertising_interval_ms
        controller = Controller(f"{self.name} [{self.address}]", link=link)
        host = Host(controller, AsyncPipeSink(controller))
        device = Device(self.name, address=Address(self.address), host=host)
        device.add_services(self.build_services())
        device.on(Device.EVENT_CONNECTION, self._on_connection)
        self._device, self._controller, self._link = device, controller, link
        self.connection_count = 0
        try:
            await device.power_on()
            device.advertising_data = self.advertising_data()
            if self._advertising:
                await self._start_advertising()
        except BaseException:
            await self._detach()
            raise
        self.spawn(self.run())

    async def _detach(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        device, self._device = self._device, None
        if device is None:
            return
        try:
            with contextlib.suppress(Exception):
                await device.stop_advertising()
            for connection in list(device.connections.values()):
                with contextlib.suppress(Exception):
                    await connection.disconnect()
            with contextlib.suppress(Exception):
                await device.stop_advertising()  # an auto-restart may have raced the drop
            with contextlib.suppress(Exception):
                await device.power_off()
        finally:
            if self._link is not None and self._controller in self._link.controllers:
                self._link.remove_controller(self._controller)
            self._controller = self._link = None
            self._connected.clear()
            self._disconnected.set()

    async def _start_advertising(self) -> None:
        await self.device.start_advertising(
            auto_restart=False,
            advertising_interval_min=self._advertising_interval_ms,
            advertising_interval_max=self._advertising_interval_ms,
        )

    def advertising_data(self) -> bytes:
        """Flags, name, service UUIDs and service data, in one legacy (31-byte) PDU.

        The virtual controller reports the advertising data as the scan response too, so
        everything must fit here; a name that does not fit is sent shortened.
        """
        flags = data_types.Flags(
            AdvertisingData.Flags.LE_GENERAL_DISCOVERABLE_MODE
            | AdvertisingData.Flags.BR_EDR_NOT_SUPPORTED
        )
        rest: list[Any] = []
        uuids = [bumble_uuid(u) for u in self.service_uuids]
        short = [u for u in uuids if len(u.to_bytes()) == 2]
        long = [u for u in uuids if len(u.to_bytes()) != 2]
        if short:
            rest.append(data_types.CompleteListOf16BitServiceUUIDs(short))
        if long:
            rest.append(data_types.CompleteListOf128BitServiceUUIDs(long))
        for key, value in self.service_data.items():
            uuid = bumble_uuid(key)
            if len(uuid.to_bytes()) == 2:
                rest.append(data_types.ServiceData16BitUUID(uuid, value))
            else:
                rest.append(data_types.ServiceData128BitUUID(uuid, value))
        for company, value in self.manufacturer_data.items():
            rest.append(data_types.ManufacturerSpecificData(company, value))
        without_name = len(bytes(AdvertisingData([flags, *rest])))
        room = _LEGACY_ADV_MAX - without_name - 2
        if room < 0:
            raise ValueError(f"{self!r}: advertising data does not fit 31 bytes")
        encoded_name = self.name.encode()
        name: Any
        if len(encoded_name) <= room:
            name = data_types.CompleteLocalName(self.name)
        else:
            name = data_types.ShortenedLocalName(
                encoded_name[:room].decode("utf-8", errors="ignore")
            )
        return bytes(AdvertisingData([flags, name, *rest]))

    def _on_connection(self, connection: Connection) -> None:
        self.connection_count += 1
        self._disconnected.clear()
        self._connected.set()
        connection.on(
            Connection.EVENT_DISCONNECTION,
            lambda reason: self._on_disconnection(connection, reason),
        )
        try:
            self.on_connection(connection)
        except Exception:
            logger.exception("%r: on_connection failed", self)

    def _on_disconnection(self, connection: Connection, reason: int) -> None:
        try:
            self.on_disconnection(connection, reason)
        except Exception:
            logger.exception("%r: on_disconnection failed", self)
        if self._device is None or not self._device.connections:
            self._connected.clear()
            self._disconnected.set()
        if self._device is not None and self._advertising and not self._device.connections:
            self.spawn(self._start_advertising())


def guarded_write(
    handler: Callable[[Connection, bytes], None], what: str
) -> Callable[[Connection, bytes], None]:
    """Wrap a GATT write handler so a bug in it answers ATT 0x0E (Unlikely Error) instead of
    leaving the central waiting 30 s for a write response that never comes."""

    def write(connection: Connection, value: bytes) -> None:
        try:
            handler(connection, bytes(value))
        except ATT_Error:
            raise
        except Exception as error:
            logger.exception("%s: write handler failed", what)
            raise ATT_Error(ErrorCode.UNLIKELY_ERROR) from error

    return write


def battery_service(level_pct: int) -> tuple[Service, Characteristic[bytes]]:
    """A Battery Service (0x180F) with a readable, notifiable level."""
    level: Characteristic[bytes] = Characteristic(
        bumble_uuid(BATTERY_LEVEL_UUID16),
        Characteristic.Properties.READ | Characteristic.Properties.NOTIFY,
        Characteristic.READABLE,
        bytes([max(0, min(100, level_pct))]),
    )
    return Service(bumble_uuid(BATTERY_SERVICE_UUID16), [level]), level


class CustomPeripheral(VirtualPeripheral):
    """A peripheral built from any bumble services, for tests of generic GATT handling.

    `service_uuids` are advertised (16-bit ids in the 16-bit list, others in the 128-bit
    list); `service_data` maps a service UUID to its advertised data.
    """

    def __init__(
        self,
        name: str,
        services: Sequence[Service],
        service_uuids: Iterable[str | int] = (),
        *,
        service_data: Mapping[str | int, bytes] | None = None,
        manufacturer_data: Mapping[int, bytes] | None = None,
        address: str | None = None,
    ) -> None:
        super().__init__(
            name,
            service_uuids=service_uuids,
            service_data=service_data,
            manufacturer_data=manufacturer_data,
            address=address,
        )
        self.services = list(services)

    def build_services(self) -> list[Service]:
        """The services given to the constructor (the same objects on every `add()`)."""
        return self.services
