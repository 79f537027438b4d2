"""One bleak client to one device: connect, notifications, reads and writes, link loss.

`BleConnection` is the thin layer every trainer and sensor link sits on. It owns the
`bleak.BleakClient` (real, never mocked: tests pass a custom bleak `backend=` class) and
turns bleak's `disconnected_callback` into listeners that fire only for a link loss the app
did not ask for, and only for the current client (a late callback from a previous client
after a reconnect is ignored).

Connecting uses bleak-retry-connector's `establish_connection` when we hold a `BLEDevice`
from a scan (it retries transient BlueZ errors and cleans up stale connections; it also
works with a custom backend, which forwards its kwargs). With only an address (a
remembered device, no scan) it uses `BleakClient(address)` directly, which lets the
platform backend find the device itself.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from bleak import BleakClient
from bleak.backends.characteristic import BleakGATTCharacteristic
from bleak.backends.client import BaseBleakClient
from bleak.backends.device import BLEDevice

from app.core.devices.uuids import normalize_uuid
from app.infra.ble.errors import TrainerUnavailableError

log = logging.getLogger(__name__)

__all__ = ["DEFAULT_CONNECT_TIMEOUT_S", "BleConnection", "NotificationHandler"]

DEFAULT_CONNECT_TIMEOUT_S = 20.0
RETRY_CONNECT_ATTEMPTS = 2
"""establish_connection's own attempts; the supervisor adds its capped backoff on top."""

NotificationHandler = Callable[[bytes], None]


class BleConnection:
    """A bleak client to one device, re-created on every `connect()`."""

    def __init__(
        self,
        device: BLEDevice | str,
        *,
        name: str | None = None,
        backend: type[BaseBleakClient] | None = None,
        connect_timeout_s: float = DEFAULT_CONNECT_TIMEOUT_S,
        use_retry_connector: bool = True,
        client_kwargs: dict[str, Any] | None = None,
    ) -> None:
        self.device = device
        self.address = device.address if isinstance(device, BLEDevice) else device
        self._name = name or (device.name if isinstance(device, BLEDevice) else None)
        self.backend = backend
        self.connect_timeout_s = connect_timeout_s
        self.use_retry_connector = use_retry_connector
        self.client_kwargs = dict(client_kwargs or {})
        self._client: BleakClient | None = None
        self._intentional = False
        self._lost_listeners: list[Callable[[], None]] = []
        self.connect_count = 0
        self.used_retry_connector: bool | None = None

    # --- state -----------------------------------------------------------------------------

    @property
    def name(self) -> str:
        if self._name:
            return self._name
        client = self._client
        if client is not None:
            try:
                return client.name
            except Exception:  # some backends raise before connect
                pass
        return self.address

    @property
    def connected(self) -> bool:
        client = self._client
        return client is not None and client.is_connected

    @property
    def client(self) -> BleakClient:
        client = self._client
        if client is None or not client.is_connected:
            raise TrainerUnavailableError(f"{self.name} is not connected.")
        return client

    def add_lost_listener(self, listener: Callable[[], None]) -> None:
        """Called (on the loop) when the link drops without `disconnect()` being asked."""
        self._lost_listeners.append(listener)

    # --- connect / disconnect --------------------------------------------------------------

    async def connect(self) -> None:
        """Connect (and discover services); replaces any previous client."""
        await self._drop_client()
        self._intentional = False
        async with asyncio.timeout(self.connect_timeout_s):
            client = await self._open()
        self._client = client
        self.connect_count += 1

    async def _open(self) -> BleakClient:
        def on_disconnect(client: BleakClient) -> None:
            self._on_disconnect(client)

        kwargs: dict[str, Any] = dict(self.client_kwargs)
        if self.backend is not None:
            kwargs["backend"] = self.backend
        if self.use_retry_connector and isinstance(self.device, BLEDevice):
            from bleak_retry_connector import establish_connection

            self.used_retry_connector = True
            return await establish_connection(
                BleakClient,
                self.device,
                self.name,
                disconnected_callback=on_disconnect,
                max_attempts=RETRY_CONNECT_ATTEMPTS,
                **kwargs,
            )
        self.used_retry_connector = False
        client = BleakClient(
            self.device,
            disconnected_callback=on_disconnect,
            timeout=self.connect_timeout_s,
            **kwargs,
        )
        await client.connect()
        return client

    async def disconnect(self) -> None:
        """Disconnect on purpose: no lost-link listener fires."""
        self._intentional = True
        await self._drop_client()

    async def _drop_client(self) -> None:
        client, self._client = self._client, None
        if client is None:
            return
        try:
            if client.is_connected:
                await client.disconnect()
        except Exception as exc:  # a dead link may refuse a clean disconnect
            log.debug("%s: disconnect failed: %r", self.name, exc)

    def _on_disconnect(self, client: BleakClient) -> None:
        if client is not self._client or self._intentional:
            return  # a previous client's late callback, or one we asked for
        log.info("%s: link lost", self.name)
        for listener in list(self._lost_listeners):
            try:
                listener()
            except Exception:
                log.exception("%s: lost-link listener failed", self.name)

    # --- GATT ------------------------------------------------------------------------------

    def characteristic(self, uuid: str) -> BleakGATTCharacteristic | None:
        """The characteristic with this UUID, or None when the device has none."""
        client = self.client
        try:
            return client.services.get_characteristic(normalize_uuid(uuid))
        except Exception:
            return None

    def has(self, uuid: str) -> bool:
        return self.characteristic(uuid) is not None

    def service_uuids(self) -> frozenset[str]:
        client = self.client
        return frozenset(service.uuid.lower() for service in client.services)

    async def read(self, uuid: str) -> bytes:
        return bytes(await self.client.read_gatt_char(normalize_uuid(uuid)))

    async def write(self, uuid: str, data: bytes, *, response: bool = True) -> None:
        await self.client.write_gatt_char(normalize_uuid(uuid), data, response=response)

    async def subscribe(self, uuid: str, handler: NotificationHandler) -> None:
        """Start notifications/indications; `handler` gets the payload as bytes."""
        client = self.client

        def on_value(_char: BleakGATTCharacteristic, data: bytearray) -> None:
            if self._client is not client:
                return  # a late notification from a previous client
            handler(bytes(data))

        await client.start_notify(normalize_uuid(uuid), on_value)
