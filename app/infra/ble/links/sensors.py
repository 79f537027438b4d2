"""Sensors over BLE: power meter (CPS), heart-rate strap (HRS), cadence/speed sensor (CSC).

Each link connects with a real `bleak.BleakClient`, subscribes its measurement
characteristic, and exposes:
- `latest()`: a `TrainerReading` with the fields it measures, None after `stale_after_s`
  without a notification (a dropout) or while disconnected;
- `last_seen`: clock time of the last notification;
- `battery_pct`: the Battery Level (0x2A19) when the device offers one (read at connect,
  then followed by notifications when the characteristic notifies);
- `snapshot()` for role merging, and lost-link listeners for the supervisor.

Cadence from crank revolution data uses `CrankCadenceCalculator` (holds the last value
between crank events, 0 after 3 s without one).
"""

from __future__ import annotations

import logging
from typing import Any, ClassVar

from bleak.backends.device import BLEDevice

from app.core.devices.cps import (
    CPS_WHEEL_TICKS_PER_S,
    parse_cycling_power_measurement,
)
from app.core.devices.csc import CscCalculator, parse_csc_measurement
from app.core.devices.errors import ProtocolError
from app.core.devices.hrs import parse_heart_rate_measurement
from app.core.devices.uuids import (
    BATTERY_LEVEL_UUID,
    CSC_MEASUREMENT_UUID,
    CYCLING_POWER_MEASUREMENT_UUID,
    HEART_RATE_MEASUREMENT_UUID,
)
from app.infra.ble.errors import TrainerLinkError
from app.infra.ble.lifecycle import LinkLifecycle

log = logging.getLogger(__name__)

__all__ = ["CadenceSensorLink", "HeartRateLink", "PowerMeterLink", "SensorLink"]


class SensorLink(LinkLifecycle):
    """Connection, telemetry and battery shared by every sensor."""

    measurement_uuid: ClassVar[str]
    kind: ClassVar[str]

    def __init__(self, device: BLEDevice | str, **kwargs: Any) -> None:
        """Keywords as `LinkLifecycle` (clock, backend, name, timeouts, device_clock)."""
        super().__init__(device, **kwargs)
        self.battery_pct: int | None = None

    @property
    def last_seen(self) -> float | None:
        """Clock time of the last notification (None: nothing yet on this connection)."""
        return self.telemetry.last_heard_s

    async def _set_up(self) -> None:
        if not self.conn.has(self.measurement_uuid):
            raise TrainerLinkError(f"{self.name} does not offer {self.kind} data.")
        await self.conn.subscribe(self.measurement_uuid, self._on_measurement)
        await self._battery()

    async def _battery(self) -> None:
        char = self.conn.characteristic(BATTERY_LEVEL_UUID)
        if char is None:
            return
        if "read" in char.properties:
            try:
                self._on_battery(await self.conn.read(BATTERY_LEVEL_UUID))
            except Exception as exc:  # a battery we cannot read is no reason to fail
                log.debug("%s: battery read failed: %r", self.name, exc)
        if "notify" in char.properties:
            try:
                await self.conn.subscribe(BATTERY_LEVEL_UUID, self._on_battery)
            except Exception as exc:
                log.debug("%s: battery notifications failed: %r", self.name, exc)

    def _on_battery(self, data: bytes) -> None:
        if len(data) >= 1 and data[0] <= 100:
            self.battery_pct = data[0]

    def _on_measurement(self, data: bytes) -> None:
        raise NotImplementedError


class PowerMeterLink(SensorLink):
    """Cycling Power Service: power, cadence from crank data, speed from wheel data."""

    measurement_uuid = CYCLING_POWER_MEASUREMENT_UUID
    kind = "power"

    def __init__(self, device: BLEDevice | str, **kwargs: Any) -> None:
        super().__init__(device, **kwargs)
        self._rates = CscCalculator(wheel_ticks_per_s=CPS_WHEEL_TICKS_PER_S)

    def _reset(self) -> None:
        super()._reset()
        self._rates.reset()

    def _on_measurement(self, data: bytes) -> None:
        now = self.telemetry.heard()
        try:
            m = parse_cycling_power_measurement(data)
        except ProtocolError as exc:
            log.debug("%s: %s", self.name, exc)
            return
        rates = self._rates.update(m, self.device_clock.monotonic_s())
        self.telemetry.set(now, power_w=float(m.power_w), cadence_rpm=rates.cadence_rpm,
                           speed_mps=rates.speed_mps)  # fmt: skip


class HeartRateLink(SensorLink):
    """Heart Rate Service: bpm (RR intervals are decoded but not kept)."""

    measurement_uuid = HEART_RATE_MEASUREMENT_UUID
    kind = "heart rate"

    def _on_measurement(self, data: bytes) -> None:
        now = self.telemetry.heard()
        try:
            m = parse_heart_rate_measurement(data)
        except ProtocolError as exc:
            log.debug("%s: %s", self.name, exc)
            return
        self.telemetry.set(now, hr_bpm=float(m.heart_rate_bpm) if m.heart_rate_bpm else None)


class CadenceSensorLink(SensorLink):
    """Cycling Speed and Cadence: cadence from crank data, speed from wheel data."""

    measurement_uuid = CSC_MEASUREMENT_UUID
    kind = "cadence"

    def __init__(
        self, device: BLEDevice | str, *, wheel_circumference_m: float = 2.105, **kwargs: Any
    ) -> None:
        super().__init__(device, **kwargs)
        self._rates = CscCalculator(wheel_circumference_m)

    def _reset(self) -> None:
        super()._reset()
        self._rates.reset()

    def _on_measurement(self, data: bytes) -> None:
        now = self.telemetry.heard()
        try:
            m = parse_csc_measurement(data)
        except ProtocolError as exc:
            log.debug("%s: %s", self.name, exc)
            return
        rates = self._rates.update(m, self.device_clock.monotonic_s())
        self.telemetry.set(now, cadence_rpm=rates.cadence_rpm, speed_mps=rates.speed_mps)
