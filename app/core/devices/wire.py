"""Little-endian reading and writing shared by the device codecs. Pure: no I/O.

`Reader` walks a payload field by field and turns running out of bytes into
`ProtocolError`; `pack_scaled` turns a value in user units into a checked integer field
and raises ValueError (not ProtocolError: the caller, not a device, got it wrong).
"""

from __future__ import annotations

import math
from enum import IntEnum
from typing import TypeAlias, TypeVar

from app.core.devices.errors import ProtocolError

__all__ = ["Payload", "Reader", "pack_int", "pack_scaled"]

_E = TypeVar("_E", bound=IntEnum)

Payload: TypeAlias = bytes | bytearray | memoryview
"""What a notification callback may hand us (bleak gives bytearray)."""


class Reader:
    """A cursor over one payload; every read is bounds-checked."""

    __slots__ = ("_data", "_pos", "characteristic")

    def __init__(self, data: Payload, characteristic: str) -> None:
        """Start at offset 0 of a private copy of `data`."""
        self._data = bytes(data)
        self._pos = 0
        self.characteristic = characteristic

    @property
    def data(self) -> bytes:
        """The whole payload."""
        return self._data

    @property
    def remaining(self) -> int:
        """Bytes not read yet."""
        return len(self._data) - self._pos

    def error(self, reason: str) -> ProtocolError:
        """A ProtocolError about this payload (to raise)."""
        return ProtocolError(self.characteristic, reason, self._data)

    def take(self, size: int, field: str) -> bytes:
        """The next `size` bytes."""
        if size > self.remaining:
            raise self.error(
                f"truncated: {field} needs {size} byte(s) at offset {self._pos}, "
                f"{self.remaining} left"
            )
        chunk = self._data[self._pos : self._pos + size]
        self._pos += size
        return chunk

    def uint(self, size: int, field: str) -> int:
        """The next unsigned little-endian integer of `size` bytes."""
        return int.from_bytes(self.take(size, field), "little")

    def sint(self, size: int, field: str) -> int:
        """The next signed (two's complement) little-endian integer of `size` bytes."""
        return int.from_bytes(self.take(size, field), "little", signed=True)

    def u8(self, field: str) -> int:
        """uint8."""
        return self.uint(1, field)

    def u16(self, field: str) -> int:
        """uint16 LE."""
        return self.uint(2, field)

    def s16(self, field: str) -> int:
        """sint16 LE."""
        return self.sint(2, field)

    def u24(self, field: str) -> int:
        """uint24 LE."""
        return self.uint(3, field)

    def u32(self, field: str) -> int:
        """uint32 LE."""
        return self.uint(4, field)

    def rest(self) -> bytes:
        """Everything not read yet (possibly empty)."""
        return self.take(self.remaining, "rest")

    def enum(self, cls: type[_E], raw: int, what: str) -> _E:
        """`raw` as a member of `cls`; values the spec leaves undefined raise ProtocolError."""
        try:
            return cls(raw)
        except ValueError:
            raise self.error(f"unknown {what} 0x{raw:02X}") from None

    def finish(self) -> None:
        """Insist that every byte was consumed (the flags fully describe the payload)."""
        if self.remaining:
            raise self.error(
                f"{self.remaining} unexpected trailing byte(s) after offset {self._pos}"
            )


def pack_int(raw: int, size: int, *, signed: bool, what: str) -> bytes:
    """`raw` as a little-endian field of `size` bytes; ValueError when it does not fit."""
    bits = 8 * size
    low, high = (-(1 << (bits - 1)), (1 << (bits - 1)) - 1) if signed else (0, (1 << bits) - 1)
    if not low <= raw <= high:
        raise ValueError(f"{what}: raw value {raw} does not fit {low}..{high}")
    return raw.to_bytes(size, "little", signed=signed)


def pack_scaled(
    value: float,
    *,
    factor: float,
    size: int,
    signed: bool,
    what: str,
    offset: float = 0.0,
) -> bytes:
    """`round((value + offset) * factor)` as a checked little-endian field.

    `factor` is the inverse of the field's resolution (10 for 0.1 units), so the raw value
    is computed by multiplication and round-trips exactly. NaN, infinities and values
    outside the field's range raise ValueError, in the caller's units.
    """
    if not math.isfinite(value):
        raise ValueError(f"{what} must be a finite number, got {value!r}")
    raw = round((value + offset) * factor)
    bits = 8 * size
    low, high = (-(1 << (bits - 1)), (1 << (bits - 1)) - 1) if signed else (0, (1 << bits) - 1)
    if not low <= raw <= high:
        lowest, highest = low / factor - offset, high / factor - offset
        raise ValueError(f"{what} {value:g} is out of range {lowest:g}..{highest:g}")
    return raw.to_bytes(size, "little", signed=signed)
