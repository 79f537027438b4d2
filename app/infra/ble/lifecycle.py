"""What every BLE link (trainer or sensor) does the same way once it is up."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bleak.backends.client import BaseBleakClient
from bleak.backends.device import BLEDevice

from app.core.devices.roles import DEFAULT_STALE_AFTER_S, SourceSample
from app.core.ports import Clock, TrainerReading
from app.infra.ble.connection import DEFAULT_CONNECT_TIMEOUT_S, BleConnection
from app.infra.ble.errors import TrainerLinkError, TrainerUnavailableError, explain
from app.infra.ble.telemetry import Telemetry


class LinkLifecycle:
    """The connection, the freshest reading while connected, and listeners told when
    the link drops without `disconnect()` (the supervisor reconnects). Subclasses set the
    link up once connected in `_set_up()` and extend `_reset()` with their own
    per-connection state."""

    def __init__(
        self,
        device: BLEDevice | str,
        *,
        clock: Clock,
        backend: type[BaseBleakClient] | None = None,
        name: str | None = None,
        connect_timeout_s: float = DEFAULT_CONNECT_TIMEOUT_S,
        stale_after_s: float = DEFAULT_STALE_AFTER_S,
        use_retry_connector: bool = True,
        client_kwargs: dict[str, Any] | None = None,
        device_clock: Clock | None = None,
    ) -> None:
        """`device_clock` times revolution rates (cadence, wheel speed) in the device's
        own time base; it defaults to `clock`. Pass a real-time clock when `clock` runs
        faster than real time (a virtual-device ride at --speed > 1)."""
        self.conn = BleConnection(
            device,
            name=name,
            backend=backend,
            connect_timeout_s=connect_timeout_s,
            use_retry_connector=use_retry_connector,
            client_kwargs=client_kwargs,
        )
        self.clock = clock
        self.device_clock = device_clock or clock
        self.telemetry = Telemetry(clock, stale_after_s)
        self._ready = False
        self._lost_listeners: list[Callable[[], None]] = []
        self.conn.add_lost_listener(self._on_link_lost)

    @property
    def name(self) -> str:
        return self.conn.name

    @property
    def address(self) -> str:
        return self.conn.address

    async def connect(self) -> None:
        """Connect and set up; errors are `TrainerLinkError`s in plain words. A failure or
        a cancellation part-way leaves nothing connected."""
        self._ready = False
        self._reset()
        try:
            await self.conn.connect()
            await self._set_up()
        except BaseException as exc:
            await self.conn.disconnect()
            if isinstance(exc, TrainerLinkError) or not isinstance(exc, Exception):
                raise
            raise TrainerUnavailableError(explain(exc).message) from exc
        self._ready = True

    async def disconnect(self) -> None:
        self._ready = False
        await self.conn.disconnect()
        self._reset()

    async def _set_up(self) -> None:
        """Subscribe (and take control) once connected."""
        raise NotImplementedError

    @property
    def connected(self) -> bool:
        return self._ready and self.conn.connected

    def latest(self) -> TrainerReading | None:
        return self.telemetry.latest() if self.connected else None

    def snapshot(self) -> SourceSample | None:
        """The reading and last-notification time, for role merging; None when down."""
        return self.telemetry.snapshot() if self.connected else None

    def add_lost_listener(self, listener: Callable[[], None]) -> None:
        """Called on the loop when the link drops without `disconnect()`."""
        self._lost_listeners.append(listener)

    def _on_link_lost(self) -> None:
        self._ready = False
        self._reset()
        for listener in list(self._lost_listeners):
            listener()

    def _reset(self) -> None:
        """Forget per-connection state (partial records, pending answers, control)."""
        self.telemetry.clear()
