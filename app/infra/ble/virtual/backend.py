"""bleak backends that talk to a `VirtualRadio` instead of the OS Bluetooth stack.

Production code keeps calling the real `bleak.BleakClient` / `BleakScanner`; only the
`backend=` argument differs. Never use these base classes directly: `VirtualRadio`
subclasses them per radio (`radio.client_backend`, `radio.scanner_backend`), binding the
`_radio` class attribute.

Behaviour follows bleak's BlueZ backend where bleak leaves a choice:
- `connect()` to an address the radio does not know raises `BleakDeviceNotFoundError` at
  once; to a known device that does not advertise, it times out with `TimeoutError` after
  `timeout` (BleakClient's `timeout=`, default 30 s).
- the disconnected callback fires on every disconnection, including `disconnect()`, as
  on BlueZ (keep an "intentional disconnect" flag in production code).
- ATT error responses raise `BleakGATTProtocolError` with the ATT code; a link that drops
  during a request raises `BleakError`.
- `mtu_size` is the ATT MTU, 23: no MTU exchange, like BlueZ without the AcquireWrite hack.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import uuid as uuid_module
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, ClassVar

from bleak.args import SizedBuffer
from bleak.assigned_numbers import CharacteristicPropertyName
from bleak.backends.characteristic import BleakGATTCharacteristic
from bleak.backends.client import BaseBleakClient, NotifyCallback
from bleak.backends.descriptor import BleakGATTDescriptor
from bleak.backends.device import BLEDevice
from bleak.backends.scanner import AdvertisementData, AdvertisementDataCallback, BaseBleakScanner
from bleak.backends.service import BleakGATTService, BleakGATTServiceCollection
from bleak.exc import BleakError, BleakGATTProtocolError
from bumble import core
from bumble.att import ATT_DEFAULT_MTU, ATT_Error
from bumble.core import UUID, AdvertisingData
from bumble.device import Advertisement, Connection, Peer
from bumble.gatt import Characteristic
from bumble.gatt_client import CharacteristicProxy

if TYPE_CHECKING:
    from app.infra.ble.virtual.radio import VirtualRadio

__all__ = ["VirtualBleakClient", "VirtualBleakScanner", "bleak_uuid"]

logger = logging.getLogger(__name__)

_PROPERTY_NAMES: tuple[tuple[Characteristic.Properties, CharacteristicPropertyName], ...] = (
    (Characteristic.Properties.BROADCAST, "broadcast"),
    (Characteristic.Properties.READ, "read"),
    (Characteristic.Properties.WRITE_WITHOUT_RESPONSE, "write-without-response"),
    (Characteristic.Properties.WRITE, "write"),
    (Characteristic.Properties.NOTIFY, "notify"),
    (Characteristic.Properties.INDICATE, "indicate"),
    (Characteristic.Properties.AUTHENTICATED_SIGNED_WRITES, "authenticated-signed-writes"),
    (Characteristic.Properties.EXTENDED_PROPERTIES, "extended-properties"),
)
_CCCD_UUID = UUID.from_16_bits(0x2902)


def bleak_uuid(uuid: UUID) -> str:
    """A bumble UUID as bleak spells it: full, lowercase, dashed."""
    little_endian = uuid.to_bytes(force_128=True)
    return str(uuid_module.UUID(bytes=bytes(reversed(little_endian))))


class VirtualBleakClient(BaseBleakClient):
    """`BaseBleakClient` over the radio's central bumble device."""

    _radio: ClassVar[VirtualRadio]

    def __init__(
        self,
        address_or_ble_device: BLEDevice | str,
        *,
        disconnected_callback: Callable[[], None] | None,
        timeout: float,
        services: set[str] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            address_or_ble_device, disconnected_callback=disconnected_callback, timeout=timeout
        )
        self.address = self.address.upper()
        self._device_name = (
            address_or_ble_device.name if isinstance(address_or_ble_device, BLEDevice) else None
        )
        self._service_filter = services
        self._connection: Connection | None = None
        self._peer: Peer | None = None
        self._subscribers: dict[int, Callable[[bytes], None]] = {}

    # --- properties --------------------------------------------------------------------------

    @property
    def name(self) -> str:
        """The peripheral's name (from the scan, else from the radio), else the address."""
        if self._device_name:
            return self._device_name
        peripheral = self._radio.find(self.address)
        return peripheral.name if peripheral is not None else self.address

    @property
    def mtu_size(self) -> int:
        """The ATT MTU of the link (23: the virtual link does no MTU exchange)."""
        if self._connection is None:
            return ATT_DEFAULT_MTU
        return int(self._connection.att_mtu)

    @property
    def is_connected(self) -> bool:
        """A link is up."""
        return self._connection is not None

    # --- connection --------------------------------------------------------------------------

    async def connect(self, pair: bool, **kwargs: Any) -> None:
        """Connect, then discover every service, characteristic and descriptor."""
        if self.is_connected:
            raise BleakError("Client is already connected")
        timeout = kwargs.get("timeout", self._timeout)
        async with asyncio.timeout(timeout):
            connection = await self._radio.connect_central(self.address)
            try:
                peer = Peer(connection)
                with self._gatt("service discovery", connection):
                    self.services = await self._discover(peer)
            except BaseException:
                with contextlib.suppress(Exception):
                    await connection.disconnect()
                raise
        if self._radio.central.connections.get(connection.handle) is not connection:
            raise BleakError(f"{self.address} disconnected during service discovery")
        self._connection, self._peer = connection, peer
        self._subscribers = {}
        connection.on(
            Connection.EVENT_DISCONNECTION,
            lambda reason: self._on_disconnection(connection, reason),
        )
        self._radio.register_client(self)
        logger.debug("connected to %s", self.address)

    async def disconnect(self) -> None:
        """Drop the link (the disconnected callback fires, as on BlueZ)."""
        connection = self._connection
        if connection is None:
            return
        with contextlib.suppress(Exception):
            await connection.disconnect()
        if self._connection is connection:  # the event normally got here first
            self._on_disconnection(connection, 0)

    async def pair(self, *args: Any, **kwargs: Any) -> None:
        """Nothing to do: virtual peripherals need no pairing."""

    async def unpair(self) -> None:
        """Nothing to do: virtual peripherals need no pairing."""

    def _on_disconnection(self, connection: Connection, reason: int) -> None:
        if self._connection is not connection:
            return
        logger.debug("disconnected from %s (reason 0x%02X)", self.address, reason)
        self._connection = self._peer = None
        self._subscribers = {}
        self._radio.unregister_client(self)
        if self._disconnected_callback is not None:
            asyncio.get_running_loop().call_soon(self._disconnected_callback)

    async def _discover(self, peer: Peer) -> BleakGATTServiceCollection:
        collection = BleakGATTServiceCollection()
        mtu = peer.gatt_client.mtu
        for service_proxy in await peer.discover_services():
            service_uuid = bleak_uuid(service_proxy.uuid)
            if self._service_filter is not None and service_uuid not in self._service_filter:
                continue
            service = BleakGATTService(service_proxy, service_proxy.handle, service_uuid)
            collection.add_service(service)
            for char_proxy in await peer.discover_characteristics(service=service_proxy):
                properties = [n for flag, n in _PROPERTY_NAMES if char_proxy.properties & flag]
                characteristic = BleakGATTCharacteristic(
                    char_proxy,
                    char_proxy.handle,
                    bleak_uuid(char_proxy.uuid),
                    properties,
                    functools.partial(_max_write_size, mtu),
                    service,
                )
                collection.add_characteristic(characteristic)
                for descriptor_proxy in await peer.discover_descriptors(char_proxy):
                    collection.add_descriptor(
                        BleakGATTDescriptor(
                            descriptor_proxy,
                            descriptor_proxy.handle,
                            bleak_uuid(descriptor_proxy.type),
                            characteristic,
                        )
                    )
        return collection

    # --- GATT --------------------------------------------------------------------------------

    def _require_peer(self) -> Peer:
        if self._peer is None:
            raise BleakError("Not connected")
        return self._peer

    @contextlib.contextmanager
    def _gatt(self, what: str, connection: Connection | None = None) -> Iterator[None]:
        """Map bumble's failures to what bleak raises."""
        try:
            yield
        except ATT_Error as error:
            raise BleakGATTProtocolError(int(error.error_code)) from error
        except asyncio.CancelledError:
            task = asyncio.current_task()
            link = connection if connection is not None else self._connection
            dropped = link is None or self._radio.central.connections.get(link.handle) is not link
            if dropped and task is not None and not task.cancelling():
                # bumble cancels the pending request when the link drops
                raise BleakError(f"{what}: disconnected") from None
            raise
        except core.TimeoutError as error:
            raise TimeoutError(f"{what}: no ATT response") from error
        except core.BaseBumbleError as error:
            raise BleakError(f"{what}: {error}") from error

    async def read_gatt_char(
        self,
        characteristic: BleakGATTCharacteristic,
        *,
        use_cached: bool = False,
        **kwargs: Any,
    ) -> bytearray:
        """Read a characteristic value (long values use Read Blob)."""
        peer = self._require_peer()
        if use_cached and (cached := peer.gatt_client.cached_values.get(characteristic.handle)):
            return bytearray(cached[1])
        with self._gatt(f"read {characteristic.uuid}"):
            return bytearray(await peer.read_value(characteristic.handle))

    async def read_gatt_descriptor(
        self,
        descriptor: BleakGATTDescriptor,
        *,
        use_cached: bool = False,
        **kwargs: Any,
    ) -> bytearray:
        """Read a descriptor value."""
        peer = self._require_peer()
        with self._gatt(f"read descriptor {descriptor.uuid}"):
            return bytearray(await peer.read_value(descriptor.handle))

    async def write_gatt_char(
        self, characteristic: BleakGATTCharacteristic, data: SizedBuffer, response: bool
    ) -> None:
        """Write Request (`response=True`, waits for the ATT response) or Write Command."""
        peer = self._require_peer()
        with self._gatt(f"write {characteristic.uuid}"):
            await peer.write_value(characteristic.handle, bytes(data), with_response=response)

    async def write_gatt_descriptor(
        self, descriptor: BleakGATTDescriptor, data: SizedBuffer
    ) -> None:
        """Write a descriptor value (with response)."""
        peer = self._require_peer()
        with self._gatt(f"write descriptor {descriptor.uuid}"):
            await peer.write_value(descriptor.handle, bytes(data), with_response=True)

    async def start_notify(
        self,
        characteristic: BleakGATTCharacteristic,
        callback: NotifyCallback,
        **kwargs: Any,
    ) -> None:
        """Write the CCCD (notify preferred over indicate) and route values to `callback`."""
        peer = self._require_peer()
        proxy = characteristic.obj
        assert isinstance(proxy, CharacteristicProxy)
        if not proxy.properties & (
            Characteristic.Properties.NOTIFY | Characteristic.Properties.INDICATE
        ):
            raise BleakError(f"{characteristic.uuid} does not notify or indicate")
        if proxy.get_descriptor(_CCCD_UUID) is None:
            raise BleakError(f"{characteristic.uuid} has no CCCD")
        if characteristic.handle in self._subscribers:
            raise BleakError(f"notifications already started on {characteristic.uuid}")

        def on_value(value: bytes) -> None:
            try:
                callback(bytearray(value))
            except Exception:
                logger.exception("notification callback for %s failed", characteristic.uuid)

        self._subscribers[characteristic.handle] = on_value
        try:
            with self._gatt(f"start notify {characteristic.uuid}"):
                await peer.subscribe(proxy, on_value, prefer_notify=True)
        except BaseException:
            self._subscribers.pop(characteristic.handle, None)
            raise

    async def stop_notify(self, characteristic: BleakGATTCharacteristic) -> None:
        """Clear the CCCD and drop the callback."""
        peer = self._require_peer()
        on_value = self._subscribers.pop(characteristic.handle, None)
        if on_value is None:
            return
        proxy = characteristic.obj
        assert isinstance(proxy, CharacteristicProxy)
        with self._gatt(f"stop notify {characteristic.uuid}"):
            await peer.unsubscribe(proxy, on_value)


class VirtualBleakScanner(BaseBleakScanner):
    """`BaseBleakScanner` fed by the radio's central while it scans."""

    _radio: ClassVar[VirtualRadio]

    def __init__(
        self,
        detection_callback: AdvertisementDataCallback | None,
        service_uuids: list[str] | None,
        scanning_mode: str = "active",
        **kwargs: Any,
    ) -> None:
        super().__init__(detection_callback, service_uuids)
        self._scanning = False

    async def start(self) -> None:
        """Start receiving advertisements (forgets what an earlier scan saw)."""
        self.seen_devices = {}
        if not self._scanning:
            self._scanning = True
            await self._radio.register_scanner(self)

    async def stop(self) -> None:
        """Stop receiving advertisements."""
        if self._scanning:
            self._scanning = False
            await self._radio.unregister_scanner(self)

    def handle_advertisement(self, advertisement: Advertisement) -> None:
        """One advertising report from the central (the radio calls this)."""
        data = advertisement.data
        # the report merges advertising data and scan response (the same bytes here)
        service_uuids = list(dict.fromkeys(bleak_uuid(u) for u in _uuid_lists(data)))
        if not self.is_allowed_uuid(service_uuids):
            return
        name = data.get(AdvertisingData.COMPLETE_LOCAL_NAME) or data.get(
            AdvertisingData.SHORTENED_LOCAL_NAME
        )
        local_name = name if isinstance(name, str) else None
        service_data: dict[str, bytes] = {}
        for ad_type in (
            AdvertisingData.SERVICE_DATA_16_BIT_UUID,
            AdvertisingData.SERVICE_DATA_32_BIT_UUID,
            AdvertisingData.SERVICE_DATA_128_BIT_UUID,
        ):
            for service_uuid, value in data.get_all(ad_type):
                service_data[bleak_uuid(service_uuid)] = bytes(value)
        manufacturer_data: dict[int, bytes] = {}
        for company, company_data in data.get_all(AdvertisingData.MANUFACTURER_SPECIFIC_DATA):
            manufacturer_data[int(company)] = bytes(company_data)
        tx_power = data.get(AdvertisingData.TX_POWER_LEVEL)
        adv = AdvertisementData(
            local_name=local_name,
            manufacturer_data=manufacturer_data,
            service_data=service_data,
            service_uuids=service_uuids,
            tx_power=tx_power if isinstance(tx_power, int) else None,
            rssi=int(advertisement.rssi),
            platform_data=(advertisement,),
        )
        address = str(advertisement.address).upper()
        device = self.create_or_update_device(address, address, local_name, advertisement, adv)
        self.call_detection_callbacks(device, adv)


def _max_write_size(mtu: int) -> int:
    return mtu - 3


def _uuid_lists(data: AdvertisingData) -> list[UUID]:
    found: list[UUID] = []
    for ad_type in (
        AdvertisingData.INCOMPLETE_LIST_OF_16_BIT_SERVICE_CLASS_UUIDS,
        AdvertisingData.COMPLETE_LIST_OF_16_BIT_SERVICE_CLASS_UUIDS,
        AdvertisingData.INCOMPLETE_LIST_OF_32_BIT_SERVICE_CLASS_UUIDS,
        AdvertisingData.COMPLETE_LIST_OF_32_BIT_SERVICE_CLASS_UUIDS,
        AdvertisingData.INCOMPLETE_LIST_OF_128_BIT_SERVICE_CLASS_UUIDS,
        AdvertisingData.COMPLETE_LIST_OF_128_BIT_SERVICE_CLASS_UUIDS,
    ):
        for entry in data.get_all(ad_type):
            if isinstance(entry, list):
                found.extend(u for u in entry if isinstance(u, UUID))
    return found
