"""Pure Cycling Power Service (0x1818) codecs: the Cycling Power Measurement (0x2A63), and
the cadence/speed calculators that turn cumulative revolution counters into rates (also
used for CSC). No I/O: the caller passes its monotonic time in.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntFlag

from app.core.devices.wire import Payload, Reader

__all__ = [
    "CPS_WHEEL_TICKS_PER_S",
    "CRANK_TICKS_PER_S",
    "CrankCadenceCalculator",
    "CyclingPowerMeasurement",
    "CyclingPowerMeasurementFlag",
    "WheelSpeedCalculator",
    "parse_cycling_power_measurement",
]

CPS_WHEEL_TICKS_PER_S = 2048
"""Last Wheel Event Time resolution in CPS (1/2048 s); CSC uses 1/1024 s."""
CRANK_TICKS_PER_S = 1024
"""Last Crank Event Time resolution in both CPS and CSC (1/1024 s)."""

_EVENT_TIME_MODULUS = 1 << 16  # event times are uint16 and wrap


class CyclingPowerMeasurementFlag(IntFlag):
    """Flags of 0x2A63 (u16). Bits 1, 3 and 12 qualify data instead of adding fields."""

    PEDAL_POWER_BALANCE = 1 << 0
    PEDAL_POWER_BALANCE_REFERENCE_LEFT = 1 << 1
    ACCUMULATED_TORQUE = 1 << 2
    ACCUMULATED_TORQUE_SOURCE_CRANK = 1 << 3
    WHEEL_REVOLUTION_DATA = 1 << 4
    CRANK_REVOLUTION_DATA = 1 << 5
    EXTREME_FORCE_MAGNITUDES = 1 << 6
    EXTREME_TORQUE_MAGNITUDES = 1 << 7
    EXTREME_ANGLES = 1 << 8
    TOP_DEAD_SPOT_ANGLE = 1 << 9
    BOTTOM_DEAD_SPOT_ANGLE = 1 << 10
    ACCUMULATED_ENERGY = 1 << 11
    OFFSET_COMPENSATION_INDICATOR = 1 << 12


_CPM = "Cycling Power Measurement"
_CPM_KNOWN_FLAGS = (1 << 13) - 1  # bits 13-15 are RFU


@dataclass(frozen=True, slots=True)
class CyclingPowerMeasurement:
    """One 0x2A63 notification. Optional fields are None when their flag is clear.

    Event times are raw ticks: wheel in 1/2048 s, crank in 1/1024 s; feed them with the
    counters to `WheelSpeedCalculator` / `CrankCadenceCalculator`.
    """

    flags: int
    power_w: int
    pedal_power_balance_pct: float | None = None
    pedal_power_balance_left: bool = False
    """The balance refers to the left pedal (otherwise: reference unknown)."""
    accumulated_torque_nm: float | None = None
    torque_source_crank: bool = False
    """Accumulated torque is measured at the crank (otherwise at the wheel)."""
    wheel_revolutions: int | None = None
    wheel_event_ticks: int | None = None
    crank_revolutions: int | None = None
    crank_event_ticks: int | None = None
    max_force_n: int | None = None
    min_force_n: int | None = None
    max_torque_nm: float | None = None
    min_torque_nm: float | None = None
    max_angle_deg: int | None = None
    min_angle_deg: int | None = None
    top_dead_spot_angle_deg: int | None = None
    bottom_dead_spot_angle_deg: int | None = None
    accumulated_energy_kj: int | None = None
    offset_compensation: bool = False


def parse_cycling_power_measurement(data: Payload) -> CyclingPowerMeasurement:
    """Decode 0x2A63: u16 flags, sint16 power, then the flagged fields in spec order."""
    r = Reader(data, _CPM)
    flags = r.u16("flags")
    power = r.s16("instantaneous power")  # sint16: pycycling's unsigned read is a bug
    F = CyclingPowerMeasurementFlag
    balance = r.u8("pedal power balance") / 2 if flags & F.PEDAL_POWER_BALANCE else None
    torque = r.u16("accumulated torque") / 32 if flags & F.ACCUMULATED_TORQUE else None
    wheel_revs = wheel_ticks = crank_revs = crank_ticks = None
    if flags & F.WHEEL_REVOLUTION_DATA:
        wheel_revs, wheel_ticks = r.u32("wheel revolutions"), r.u16("last wheel event time")
    if flags & F.CRANK_REVOLUTION_DATA:
        crank_revs, crank_ticks = r.u16("crank revolutions"), r.u16("last crank event time")
    max_force = min_force = None
    if flags & F.EXTREME_FORCE_MAGNITUDES:
        max_force, min_force = r.s16("maximum force"), r.s16("minimum force")
    max_torque = min_torque = None
    if flags & F.EXTREME_TORQUE_MAGNITUDES:
        max_torque, min_torque = r.s16("maximum torque") / 32, r.s16("minimum torque") / 32
    max_angle = min_angle = None
    if flags & F.EXTREME_ANGLES:
        # Two uint12 packed into 3 bytes, maximum in the low 12 bits.
        packed = r.u24("extreme angles")
        max_angle, min_angle = packed & 0xFFF, packed >> 12
    top = r.u16("top dead spot angle") if flags & F.TOP_DEAD_SPOT_ANGLE else None
    bottom = r.u16("bottom dead spot angle") if flags & F.BOTTOM_DEAD_SPOT_ANGLE else None
    energy = r.u16("accumulated energy") if flags & F.ACCUMULATED_ENERGY else None
    if not flags & ~_CPM_KNOWN_FLAGS:
        r.finish()
    return CyclingPowerMeasurement(
        flags=flags,
        power_w=power,
        pedal_power_balance_pct=balance,
        pedal_power_balance_left=bool(flags & F.PEDAL_POWER_BALANCE_REFERENCE_LEFT),
        accumulated_torque_nm=torque,
        torque_source_crank=bool(flags & F.ACCUMULATED_TORQUE_SOURCE_CRANK),
        wheel_revolutions=wheel_revs,
        wheel_event_ticks=wheel_ticks,
        crank_revolutions=crank_revs,
        crank_event_ticks=crank_ticks,
        max_force_n=max_force,
        min_force_n=min_force,
        max_torque_nm=max_torque,
        min_torque_nm=min_torque,
        max_angle_deg=max_angle,
        min_angle_deg=min_angle,
        top_dead_spot_angle_deg=top,
        bottom_dead_spot_angle_deg=bottom,
        accumulated_energy_kj=energy,
        offset_compensation=bool(flags & F.OFFSET_COMPENSATION_INDICATOR),
    )


class _RevolutionRate:
    """Revolutions per second from successive (cumulative count, last event time) pairs.

    Both counters wrap (count at 2**counter_bits, time at 2**16 ticks), so deltas are taken
    modulo. The result is None when there is nothing new to say (first sample, no new event,
    a resync), 0.0 once no event has arrived for `stop_timeout_s`.
    """

    __slots__ = (
        "_count_modulus",
        "_last",
        "_last_event_s",
        "_max_rate_per_s",
        "_stop_timeout_s",
        "_stopped",
        "_ticks_per_s",
    )

    def __init__(
        self, *, counter_bits: int, ticks_per_s: int, stop_timeout_s: float, max_rate_per_s: float
    ) -> None:
        self._count_modulus = 1 << counter_bits
        self._ticks_per_s = ticks_per_s
        self._stop_timeout_s = stop_timeout_s
        self._max_rate_per_s = max_rate_per_s
        self._last: tuple[int, int] | None = None
        self._last_event_s = 0.0
        self._stopped = False

    def reset(self) -> None:
        """Forget the previous sample (after a reconnect or a sensor swap)."""
        self._last = None
        self._stopped = False

    def update(self, count: int, ticks: int, now_s: float) -> float | None:
        count %= self._count_modulus
        ticks %= _EVENT_TIME_MODULUS
        last, self._last = self._last, (count, ticks)
        if last is None:
            self._last_event_s = now_s
            return None
        d_count = (count - last[0]) % self._count_modulus
        d_ticks = (ticks - last[1]) % _EVENT_TIME_MODULUS
        if d_ticks == 0:
            if d_count:  # the count moved but the event time did not: garbage, resync
                self._last_event_s = now_s
                return None
            if now_s - self._last_event_s >= self._stop_timeout_s:
                self._stopped = True
                return 0.0
            return None
        gap_s, self._last_event_s = now_s - self._last_event_s, now_s
        was_stopped, self._stopped = self._stopped, False
        # After a stop, or a silence longer than the event clock's period, the time delta
        # spans a pause or a wrap we cannot see: take this event as a fresh start.
        if was_stopped or gap_s >= _EVENT_TIME_MODULUS / self._ticks_per_s:
            return None
        rate = d_count * self._ticks_per_s / d_ticks
        return None if rate > self._max_rate_per_s else rate


class CrankCadenceCalculator:
    """Cadence in rpm from crank revolution data (uint16 count, 1/1024 s event time).

    `update()` returns the cadence when a new crank event arrived, None when there is
    nothing new (hold the last value), and 0.0 after `stop_timeout_s` without an event.
    Deltas wrap at 65536 for both fields; an implausible rate (> max_cadence_rpm) is
    treated as a resync and returns None.
    """

    __slots__ = ("_rate",)

    def __init__(self, *, stop_timeout_s: float = 3.0, max_cadence_rpm: float = 250.0) -> None:
        """Configure how long without an event means stopped, and the plausibility cap."""
        self._rate = _RevolutionRate(
            counter_bits=16,
            ticks_per_s=CRANK_TICKS_PER_S,
            stop_timeout_s=stop_timeout_s,
            max_rate_per_s=max_cadence_rpm / 60,
        )

    def reset(self) -> None:
        """Forget the previous sample."""
        self._rate.reset()

    def update(self, crank_revolutions: int, crank_event_ticks: int, now_s: float) -> float | None:
        """Feed one sample; `now_s` is the caller's monotonic clock in seconds."""
        rate = self._rate.update(crank_revolutions, crank_event_ticks, now_s)
        return None if rate is None else rate * 60


class WheelSpeedCalculator:
    """Speed in m/s from wheel revolution data (uint32 count, uint16 event time).

    The event time resolution differs: 1/2048 s in CPS (the default), 1/1024 s in CSC.
    Returns like `CrankCadenceCalculator.update`: speed, None (nothing new) or 0.0.
    """

    __slots__ = ("_circumference_m", "_rate")

    def __init__(
        self,
        wheel_circumference_m: float = 2.105,
        *,
        ticks_per_s: int = CPS_WHEEL_TICKS_PER_S,
        stop_timeout_s: float = 3.0,
        max_speed_mps: float = 40.0,
    ) -> None:
        """Configure the wheel (default 700x25c), the time resolution and the limits."""
        if not wheel_circumference_m > 0:
            raise ValueError(f"wheel circumference must be positive, got {wheel_circumference_m}")
        self._circumference_m = wheel_circumference_m
        self._rate = _RevolutionRate(
            counter_bits=32,
            ticks_per_s=ticks_per_s,
            stop_timeout_s=stop_timeout_s,
            max_rate_per_s=max_speed_mps / wheel_circumference_m,
        )

    def reset(self) -> None:
        """Forget the previous sample."""
        self._rate.reset()

    def update(self, wheel_revolutions: int, wheel_event_ticks: int, now_s: float) -> float | None:
        """Feed one sample; `now_s` is the caller's monotonic clock in seconds."""
        rate = self._rate.update(wheel_revolutions, wheel_event_ticks, now_s)
        return None if rate is None else rate * self._circumference_m
