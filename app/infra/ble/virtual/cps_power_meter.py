"""A virtual Cycling Power Service (0x1818) power meter: Measurement (0x2A63, notify) with
instantaneous power and crank revolution data, Feature (0x2A65) and Sensor Location
(0x2A5D); Battery (0x180F).

Crank data is simulated as a real crank sensor produces it: a cumulative uint16 count and
the uint16 time (1/1024 s) of the *last* crank event, both wrapping. Start the counters
near 65535 to exercise the wrap-around within a few notifications.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Callable
from dataclasses import dataclass

from bumble.gatt import Characteristic, Service

from app.core.devices.cps import CRANK_TICKS_PER_S
from app.core.devices.uuids import (
    CYCLING_POWER_FEATURE_UUID16,
    CYCLING_POWER_MEASUREMENT_UUID16,
    CYCLING_POWER_SERVICE_UUID16,
)
from app.infra.ble.virtual.encoders import (
    encode_cycling_power_feature,
    encode_cycling_power_measurement,
)
from app.infra.ble.virtual.peripheral import (
    PeripheralFaults,
    VirtualPeripheral,
    battery_service,
    bumble_uuid,
)

__all__ = [
    "SENSOR_LOCATION_UUID16",
    "CrankModel",
    "PowerMeterFaults",
    "VirtualPowerMeter",
    "cycling_power_characteristics",
]

SENSOR_LOCATION_UUID16 = 0x2A5D
SENSOR_LOCATION_REAR_HUB = 13
SENSOR_LOCATION_SPIDER = 15

_COUNTER_MODULUS = 1 << 16


class CrankModel:
    """Cumulative crank revolutions and last-event time from a cadence, stepped in time."""

    def __init__(self, revolutions: int = 0, event_ticks: int = 0) -> None:
        """Start with these counter values (the clock starts at the event time)."""
        self._revolutions = revolutions
        self._event_ticks = float(event_ticks)
        self._clock_ticks = float(event_ticks)
        self._phase = 0.0  # fraction of a revolution since the last event

    @property
    def revolutions(self) -> int:
        """Cumulative revolutions as sent (uint16, wrapped)."""
        return self._revolutions % _COUNTER_MODULUS

    @property
    def event_ticks(self) -> int:
        """Time of the last crank event as sent (1/1024 s, uint16, wrapped)."""
        return round(self._event_ticks) % _COUNTER_MODULUS

    def advance(self, dt_s: float, cadence_rpm: float) -> None:
        """Let `dt_s` seconds pass at `cadence_rpm` (0 = not pedalling: no events)."""
        if dt_s <= 0:
            return
        start = self._clock_ticks
        self._clock_ticks += dt_s * CRANK_TICKS_PER_S
        if cadence_rpm <= 0:
            return
        revs_per_s = cadence_rpm / 60.0
        total = self._phase + revs_per_s * dt_s
        whole = math.floor(total)
        if whole:
            # the last whole revolution completed (whole - phase) revolutions into the step
            offset_s = (whole - self._phase) / revs_per_s
            self._event_ticks = start + offset_s * CRANK_TICKS_PER_S
            self._revolutions += whole
        self._phase = total - whole


@dataclass
class PowerMeterFaults(PeripheralFaults):
    """Faults of the virtual power meter."""

    stop_pedalling: bool = False
    """Report 0 W and no new crank events (the rider coasts)."""


def cycling_power_characteristics(
    sensor_location: int,
) -> tuple[Characteristic[bytes], list[Characteristic[bytes]]]:
    """The CPS Measurement characteristic, and the whole list for the service."""
    measurement: Characteristic[bytes] = Characteristic(
        bumble_uuid(CYCLING_POWER_MEASUREMENT_UUID16),
        Characteristic.Properties.NOTIFY,
        Characteristic.Permissions(0),
    )
    feature: Characteristic[bytes] = Characteristic(
        bumble_uuid(CYCLING_POWER_FEATURE_UUID16),
        Characteristic.Properties.READ,
        Characteristic.READABLE,
        encode_cycling_power_feature(crank_data=True),
    )
    location: Characteristic[bytes] = Characteristic(
        bumble_uuid(SENSOR_LOCATION_UUID16),
        Characteristic.Properties.READ,
        Characteristic.READABLE,
        bytes([sensor_location]),
    )
    return measurement, [measurement, feature, location]


class VirtualPowerMeter(VirtualPeripheral):
    """A crank-based power meter. Sources are sampled at every notification."""

    faults: PowerMeterFaults

    def __init__(
        self,
        power_w_source: Callable[[], float] | None = None,
        name: str = "Virtual Power",
        *,
        cadence_rpm_source: Callable[[], float] | None = None,
        notify_hz: float = 2.0,
        crank_revolutions: int = 0,
        crank_event_ticks: int = 0,
        address: str | None = None,
        battery_level: int = 76,
    ) -> None:
        """Power defaults to a steady 150 W, cadence to 90 rpm; `notify_hz` 1-4 as real
        meters send; `crank_*` set the counters' starting values."""
        if not 0 < notify_hz <= 10:
            raise ValueError(f"notify_hz must be in (0, 10], got {notify_hz}")
        super().__init__(
            name,
            service_uuids=[CYCLING_POWER_SERVICE_UUID16],
            address=address,
            faults=PowerMeterFaults(),
        )
        self.power_w_source = power_w_source or (lambda: 150.0)
        self.cadence_rpm_source = cadence_rpm_source or (lambda: 90.0)
        self.notify_hz = notify_hz
        self.crank = CrankModel(crank_revolutions, crank_event_ticks)
        self.battery_level = battery_level
        self.measurements_sent = 0
        self._measurement: Characteristic[bytes] | None = None

    def build_services(self) -> list[Service]:
        """CPS and Battery."""
        self._measurement, characteristics = cycling_power_characteristics(SENSOR_LOCATION_SPIDER)
        cps = Service(bumble_uuid(CYCLING_POWER_SERVICE_UUID16), characteristics)
        battery, _ = battery_service(self.battery_level)
        return [cps, battery]

    async def run(self) -> None:
        """Advance the crank and notify a measurement at `notify_hz`."""
        loop = asyncio.get_running_loop()
        period = 1.0 / self.notify_hz
        last = deadline = loop.time()
        while True:
            deadline += period
            await asyncio.sleep(max(0.0, deadline - loop.time()))
            now = loop.time()
            coasting = self.faults.stop_pedalling
            cadence = 0.0 if coasting else float(self.cadence_rpm_source())
            self.crank.advance(now - last, cadence)
            last = now
            power = 0 if coasting else round(self.power_w_source())
            assert self._measurement is not None
            if self.faults.drop_notifications or not self.any_subscriber(self._measurement):
                continue
            value = encode_cycling_power_measurement(
                power,
                crank_revolutions=self.crank.revolutions,
                crank_event_ticks=self.crank.event_ticks,
            )
            await self.notify(self._measurement, value)
            self.measurements_sent += 1
