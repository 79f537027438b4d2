"""A virtual heart rate strap: Heart Rate Service (0x180D), Measurement (0x2A37, notify)
with skin contact and RR intervals; Battery (0x180F).

Beats are simulated from the heart rate: every notification carries the RR intervals
(1/1024 s) of the beats since the previous one, oldest first, as straps do.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from bumble.gatt import Characteristic, Service

from app.core.devices.uuids import (
    HEART_RATE_MEASUREMENT_UUID16,
    HEART_RATE_SERVICE_UUID16,
)
from app.infra.ble.virtual.encoders import encode_heart_rate_measurement
from app.infra.ble.virtual.peripheral import (
    PeripheralFaults,
    VirtualPeripheral,
    battery_service,
    bumble_uuid,
)

__all__ = ["BODY_SENSOR_LOCATION_UUID16", "HeartRateFaults", "VirtualHeartRateStrap"]

BODY_SENSOR_LOCATION_UUID16 = 0x2A38
_CHEST = 0x01
_RR_TICKS_PER_S = 1024
_MAX_RR_PER_NOTIFICATION = 9  # flags + u8 HR + 9 × u16 = 20 bytes, one ATT_MTU-23 payload


@dataclass
class HeartRateFaults(PeripheralFaults):
    """Faults of the virtual strap."""

    no_contact: bool = False
    """Report 'contact supported, not detected' (a dry strap), no RR intervals."""


class VirtualHeartRateStrap(VirtualPeripheral):
    """A chest strap; `bpm_source` is sampled at every notification."""

    faults: HeartRateFaults

    def __init__(
        self,
        bpm_source: Callable[[], float] | None = None,
        name: str = "Virtual HRM",
        *,
        notify_hz: float = 1.0,
        address: str | None = None,
        battery_level: int = 64,
    ) -> None:
        """Heart rate defaults to a steady 120 bpm."""
        if notify_hz <= 0:
            raise ValueError(f"notify_hz must be positive, got {notify_hz}")
        super().__init__(
            name,
            service_uuids=[HEART_RATE_SERVICE_UUID16],
            address=address,
            faults=HeartRateFaults(),
        )
        self.bpm_source = bpm_source or (lambda: 120.0)
        self.notify_hz = notify_hz
        self.battery_level = battery_level
        self.measurements_sent = 0
        self._beat_phase = 0.0
        self._rr: deque[int] = deque(maxlen=_MAX_RR_PER_NOTIFICATION)
        self._measurement: Characteristic[bytes] | None = None

    def build_services(self) -> list[Service]:
        """HRS (measurement, body sensor location) and Battery."""
        self._measurement = Characteristic(
            bumble_uuid(HEART_RATE_MEASUREMENT_UUID16),
            Characteristic.Properties.NOTIFY,
            Characteristic.Permissions(0),
        )
        location: Characteristic[bytes] = Characteristic(
            bumble_uuid(BODY_SENSOR_LOCATION_UUID16),
            Characteristic.Properties.READ,
            Characteristic.READABLE,
            bytes([_CHEST]),
        )
        hrs = Service(bumble_uuid(HEART_RATE_SERVICE_UUID16), [self._measurement, location])
        battery, _ = battery_service(self.battery_level)
        return [hrs, battery]

    async def run(self) -> None:
        """Count beats and notify a measurement at `notify_hz`."""
        loop = asyncio.get_running_loop()
        period = 1.0 / self.notify_hz
        last = deadline = loop.time()
        while True:
            deadline += period
            await asyncio.sleep(max(0.0, deadline - loop.time()))
            now = loop.time()
            bpm = max(1.0, float(self.bpm_source()))
            self._beats(now - last, bpm)
            last = now
            assert self._measurement is not None
            if self.faults.drop_notifications or not self.any_subscriber(self._measurement):
                self._rr.clear()
                continue
            contact = not self.faults.no_contact
            rr = tuple(self._rr) if contact else ()
            self._rr.clear()
            value = encode_heart_rate_measurement(round(bpm), contact=contact, rr_interval_ticks=rr)
            await self.notify(self._measurement, value)
            self.measurements_sent += 1

    def _beats(self, dt_s: float, bpm: float) -> None:
        self._beat_phase += bpm / 60.0 * dt_s
        rr_ticks = round(60.0 / bpm * _RR_TICKS_PER_S)
        while self._beat_phase >= 1.0:
            self._beat_phase -= 1.0
            self._rr.append(rr_ticks)
