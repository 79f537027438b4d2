"""Pure Cycling Speed and Cadence (0x1816) codecs: CSC Measurement (0x2A5B) and CSC
Feature (0x2A5C), plus a calculator that applies the CPS revolution calculators to CSC
timing (wheel and crank both in 1/1024 s). No I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntFlag
from typing import Protocol

from app.core.devices.cps import CrankCadenceCalculator, WheelSpeedCalculator
from app.core.devices.wire import Payload, Reader

__all__ = [
    "CSC_WHEEL_TICKS_PER_S",
    "CscCalculator",
    "CscFeature",
    "CscMeasurement",
    "CscRates",
    "parse_csc_feature",
    "parse_csc_measurement",
]

CSC_WHEEL_TICKS_PER_S = 1024
"""Last Wheel Event Time resolution in CSC (1/1024 s; CPS uses 1/2048 s)."""

_CSC = "CSC Measurement"
_WHEEL_DATA = 0x01
_CRANK_DATA = 0x02
_KNOWN_FLAGS = _WHEEL_DATA | _CRANK_DATA


class CscFeature(IntFlag):
    """CSC Feature (0x2A5C, u16)."""

    WHEEL_REVOLUTION_DATA = 1 << 0
    CRANK_REVOLUTION_DATA = 1 << 1
    MULTIPLE_SENSOR_LOCATIONS = 1 << 2


@dataclass(frozen=True, slots=True)
class CscMeasurement:
    """One 0x2A5B notification; event times are raw 1/1024 s ticks, None when absent."""

    wheel_revolutions: int | None = None
    wheel_event_ticks: int | None = None
    crank_revolutions: int | None = None
    crank_event_ticks: int | None = None


def parse_csc_measurement(data: Payload) -> CscMeasurement:
    """Decode 0x2A5B: u8 flags, [u32 wheel revs, u16 time], [u16 crank revs, u16 time]."""
    r = Reader(data, _CSC)
    flags = r.u8("flags")
    wheel_revs = wheel_ticks = crank_revs = crank_ticks = None
    if flags & _WHEEL_DATA:
        wheel_revs, wheel_ticks = r.u32("wheel revolutions"), r.u16("last wheel event time")
    if flags & _CRANK_DATA:
        crank_revs, crank_ticks = r.u16("crank revolutions"), r.u16("last crank event time")
    if not flags & ~_KNOWN_FLAGS:
        r.finish()
    return CscMeasurement(wheel_revs, wheel_ticks, crank_revs, crank_ticks)


def parse_csc_feature(data: Payload) -> CscFeature:
    """Decode 0x2A5C: a u16 bit field."""
    r = Reader(data, "CSC Feature")
    feature = CscFeature(r.u16("feature"))
    r.finish()
    return feature


@dataclass(frozen=True, slots=True)
class CscRates:
    """What one CSC notification says: None = nothing new (hold), 0.0 = stopped."""

    speed_mps: float | None = None
    cadence_rpm: float | None = None


class RevolutionData(Protocol):
    """The revolution fields CSC and CPS measurements share."""

    @property
    def wheel_revolutions(self) -> int | None: ...

    @property
    def wheel_event_ticks(self) -> int | None: ...

    @property
    def crank_revolutions(self) -> int | None: ...

    @property
    def crank_event_ticks(self) -> int | None: ...


class CscCalculator:
    """Speed and cadence from successive CSC (or CPS) measurements (wrap-around safe)."""

    __slots__ = ("_cadence", "_speed")

    def __init__(
        self,
        wheel_circumference_m: float = 2.105,
        *,
        stop_timeout_s: float = 3.0,
        wheel_ticks_per_s: int = CSC_WHEEL_TICKS_PER_S,
    ) -> None:
        """Configure the wheel (default 700x25c), how long without events means stopped,
        and the wheel event time resolution (CSC 1/1024 s; pass CPS_WHEEL_TICKS_PER_S for
        a power meter's 1/2048 s)."""
        self._speed = WheelSpeedCalculator(
            wheel_circumference_m, ticks_per_s=wheel_ticks_per_s, stop_timeout_s=stop_timeout_s
        )
        self._cadence = CrankCadenceCalculator(stop_timeout_s=stop_timeout_s)

    def reset(self) -> None:
        """Forget previous samples (after a reconnect)."""
        self._speed.reset()
        self._cadence.reset()

    def update(self, measurement: RevolutionData, now_s: float) -> CscRates:
        """Feed one measurement; `now_s` is the caller's monotonic clock in seconds."""
        m = measurement
        speed = cadence = None
        if m.wheel_revolutions is not None and m.wheel_event_ticks is not None:
            speed = self._speed.update(m.wheel_revolutions, m.wheel_event_ticks, now_s)
        if m.crank_revolutions is not None and m.crank_event_ticks is not None:
            cadence = self._cadence.update(m.crank_revolutions, m.crank_event_ticks, now_s)
        return CscRates(speed, cadence)
