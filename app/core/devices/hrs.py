"""Pure Heart Rate Service (0x180D) codec: the Heart Rate Measurement (0x2A37). No I/O."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from app.core.devices.wire import Payload, Reader

__all__ = ["HeartRateMeasurement", "SensorContact", "parse_heart_rate_measurement"]

_HRM = "Heart Rate Measurement"
_VALUE_UINT16 = 0x01
_CONTACT_SHIFT = 1
_CONTACT_DETECTED = 0b11
_CONTACT_NOT_DETECTED = 0b10
_ENERGY_EXPENDED = 0x08
_RR_INTERVALS = 0x10
_RR_TICKS_PER_S = 1024


class SensorContact(Enum):
    """Skin contact status (flag bits 1-2)."""

    NOT_SUPPORTED = "not_supported"
    NO_CONTACT = "no_contact"
    CONTACT = "contact"


@dataclass(frozen=True, slots=True)
class HeartRateMeasurement:
    """One 0x2A37 notification. RR intervals are oldest first, in milliseconds."""

    heart_rate_bpm: int
    sensor_contact: SensorContact
    energy_expended_kj: int | None = None
    rr_intervals_ms: tuple[float, ...] = ()


def parse_heart_rate_measurement(data: Payload) -> HeartRateMeasurement:
    """Decode 0x2A37: u8 flags, u8/u16 heart rate, [u16 energy], then u16 RR intervals.

    Contact bits 1-2: 0 or 1 = not supported, 2 = supported but no contact, 3 = contact
    (pycycling's `flags & 0x06` test reads 2 as contact; it is not). RR intervals are
    1/1024 s on the wire and fill the rest of the payload.
    """
    r = Reader(data, _HRM)
    flags = r.u8("flags")
    heart_rate = r.u16("heart rate") if flags & _VALUE_UINT16 else r.u8("heart rate")
    contact_bits = (flags >> _CONTACT_SHIFT) & 0b11
    contact = (
        SensorContact.CONTACT
        if contact_bits == _CONTACT_DETECTED
        else SensorContact.NO_CONTACT
        if contact_bits == _CONTACT_NOT_DETECTED
        else SensorContact.NOT_SUPPORTED
    )
    energy = r.u16("energy expended") if flags & _ENERGY_EXPENDED else None
    rr_ms: tuple[float, ...] = ()
    if flags & _RR_INTERVALS:
        if r.remaining % 2:
            raise r.error("RR intervals are uint16: odd number of bytes left")
        count = r.remaining // 2
        rr_ms = tuple(r.u16("RR interval") * 1000 / _RR_TICKS_PER_S for _ in range(count))
    else:
        r.finish()
    return HeartRateMeasurement(heart_rate, contact, energy, rr_ms)
