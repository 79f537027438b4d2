"""What every BLE link (trainer or sensor) does the same way once it is up."""

from __future__ import annotations

from collections.abc import Callable

from app.core.devices.roles import SourceSample
from app.core.ports import TrainerReading
from app.infra.ble.connection import BleConnection
from app.infra.ble.telemetry import Telemetry


class LinkLifecycle:
    """The freshest reading while connected, and listeners told when the link drops
    without `disconnect()` (the supervisor reconnects). Subclasses set `conn`,
    `telemetry`, `_ready` and `_lost_listeners`, and extend `_reset()` with their own
    per-connection state."""

    conn: BleConnection
    telemetry: Telemetry
    _ready: bool
    _lost_listeners: list[Callable[[], None]]

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
