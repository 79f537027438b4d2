"""A strict FIT file decoder (stdlib only).

`decode(data)` checks the header (size 12 or 14, protocol major <= 2, ".FIT", header
CRC when present), the data size and the file CRC, then returns every data message in
file order as a `FitMessage`. It handles definition messages of either byte order,
developer data (the developer fields are skipped), compressed-timestamp headers (the
timestamp is reconstructed into field 253) and chained FIT files (decoded one after the
other). Anything malformed raises `FitFormatError` with the byte offset and what was
wrong - never IndexError or struct.error.

Values: numbers are scaled by the profile (raw / scale - offset) for the fields listed
in `app.core.fit.profile`, other fields come back raw; invalid values are left out (an
array keeps None for its invalid elements and is left out when all are invalid); strings
are decoded as UTF-8 up to the first NUL (bad bytes replaced); byte fields, and fields
whose size is not a multiple of their base type's, come back as bytes. Timestamps stay
integers (seconds since the FIT epoch; see profile.from_fit_time).
"""

from __future__ import annotations

import math
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TypeAlias

from app.core.fit.crc import crc16
from app.core.fit.profile import (
    BASE_TYPES_BY_NUM,
    BYTE,
    MESSAGES_BY_NUM,
    STRING,
    FieldDef,
)

__all__ = ["FitFormatError", "FitMessage", "FitValue", "decode", "iter_messages"]

FitValue: TypeAlias = int | float | str | bytes | tuple[int | float | None, ...]

TIMESTAMP_FIELD = 253


class FitFormatError(ValueError):
    """Bytes that are not a valid FIT file; the message says where and why."""


@dataclass(frozen=True, slots=True)
class FitMessage:
    """One data message: its global number, profile name (or "unknown_<n>") and its
    valid fields by field number."""

    number: int
    name: str
    fields: dict[int, FitValue]

    def _num(self, key: str | int) -> int | None:
        if isinstance(key, int):
            return key
        msg = MESSAGES_BY_NUM.get(self.number)
        fd = msg.by_name.get(key) if msg else None
        if fd is not None:
            return fd.num
        if key.startswith("unknown_") and key[8:].isdigit():
            return int(key[8:])
        return None

    def get(self, key: str | int, default: FitValue | None = None) -> FitValue | None:
        """A field by number or profile name; `default` if absent or invalid."""
        num = self._num(key)
        return self.fields.get(num, default) if num is not None else default

    def __getitem__(self, key: str | int) -> FitValue:
        num = self._num(key)
        if num is None or num not in self.fields:
            raise KeyError(key)
        return self.fields[num]

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str | int) and self.get(key) is not None

    def as_dict(self) -> dict[str, FitValue]:
        """The fields keyed by profile name (`unknown_<n>` for fields not in the profile)."""
        msg = MESSAGES_BY_NUM.get(self.number)
        out: dict[str, FitValue] = {}
        for num, value in self.fields.items():
            fd = msg.by_num.get(num) if msg else None
            out[fd.name if fd else f"unknown_{num}"] = value
        return out


# Field plan kinds
_SCALAR, _FLOAT, _ARRAY, _STRING, _BYTES = range(5)


@dataclass(frozen=True, slots=True)
class _FieldPlan:
    num: int
    kind: int
    count: int  # elements taken from the unpacked tuple
    invalid: int
    scale: float
    offset: float
    scaled: bool


@dataclass(frozen=True, slots=True)
class _Plan:
    number: int
    name: str
    unpacker: struct.Struct
    size: int  # bytes of a data message after its header, developer fields included
    fields: tuple[_FieldPlan, ...]
    has_timestamp: bool


def _u16(data: bytes, pos: int) -> int:
    return data[pos] | data[pos + 1] << 8


def decode(data: bytes | bytearray | memoryview) -> list[FitMessage]:
    """All data messages of a FIT file (or of chained FIT files), in file order."""
    return list(iter_messages(data))


def iter_messages(data: bytes | bytearray | memoryview) -> Iterator[FitMessage]:
    """Like `decode` but lazily; each file's CRC is checked before its first message."""
    if not isinstance(data, bytes | bytearray | memoryview):
        raise FitFormatError(f"expected bytes, got {type(data).__name__}")
    buf = bytes(data)
    if not buf:
        raise FitFormatError("empty input: not a FIT file")
    pos = 0
    while pos < len(buf):
        data_start, data_end = _check_file(buf, pos)
        yield from _messages(buf, data_start, data_end)
        pos = data_end + 2


def _check_file(buf: bytes, start: int) -> tuple[int, int]:
    """Validate the header and CRCs of the file at `start`; its data section bounds."""
    where = f"at byte {start}: " if start else ""
    avail = len(buf) - start
    if avail < 12:
        raise FitFormatError(f"{where}{avail} bytes is too short for a FIT header")
    header_size = buf[start]
    if header_size not in (12, 14):
        raise FitFormatError(f"{where}header size {header_size} (FIT headers are 12 or 14 bytes)")
    if avail < header_size:
        raise FitFormatError(f"{where}file ends inside its {header_size}-byte header")
    if buf[start + 8 : start + 12] != b".FIT":
        raise FitFormatError(f"{where}missing the '.FIT' signature")
    protocol = buf[start + 1]
    if protocol >> 4 > 2:
        raise FitFormatError(
            f"{where}unsupported FIT protocol version {protocol >> 4}.{protocol & 0xF}"
        )
    if header_size == 14:
        stored = _u16(buf, start + 12)
        computed = crc16(buf[start : start + 12])
        if stored not in (0, computed):
            raise FitFormatError(
                f"{where}header CRC mismatch (stored 0x{stored:04X}, computed 0x{computed:04X})"
            )
    data_size = struct.unpack_from("<I", buf, start + 4)[0]
    data_start = start + header_size
    data_end = data_start + data_size
    if data_end + 2 > len(buf):
        raise FitFormatError(
            f"{where}truncated: the header announces {data_size} data bytes + 2 CRC bytes, "
            f"only {len(buf) - data_start} follow the header"
        )
    stored = _u16(buf, data_end)
    computed = crc16(buf[start:data_end])
    if stored != computed:
        raise FitFormatError(
            f"{where}file CRC mismatch (stored 0x{stored:04X}, computed 0x{computed:04X})"
        )
    return data_start, data_end


def _messages(buf: bytes, pos: int, end: int) -> Iterator[FitMessage]:
    plans: list[_Plan | None] = [None] * 16
    last_timestamp: int | None = None
    while pos < end:
        header = buf[pos]
        if header & 0x80:  # compressed timestamp header
            local = (header >> 5) & 0x3
            plan = plans[local]
            if plan is None:
                raise FitFormatError(
                    f"at byte {pos}: compressed-timestamp message for local message "
                    f"{local}, which has no definition"
                )
            if last_timestamp is None:
                raise FitFormatError(
                    f"at byte {pos}: compressed-timestamp header before any full timestamp"
                )
            offset = header & 0x1F
            last_timestamp += (offset - last_timestamp) & 0x1F
            fields = _read_data(buf, pos, end, plan)
            fields[TIMESTAMP_FIELD] = last_timestamp
            pos += 1 + plan.size
            yield FitMessage(plan.number, plan.name, fields)
        elif header & 0x40:  # definition message
            local = header & 0x0F
            plans[local], pos = _read_definition(buf, pos, end, bool(header & 0x20))
        else:
            local = header & 0x0F
            plan = plans[local]
            if plan is None:
                raise FitFormatError(
                    f"at byte {pos}: data message for local message {local}, "
                    "which has no definition"
                )
            fields = _read_data(buf, pos, end, plan)
            if plan.has_timestamp:
                ts = fields.get(TIMESTAMP_FIELD)
                if isinstance(ts, int):
                    last_timestamp = ts
            pos += 1 + plan.size
            yield FitMessage(plan.number, plan.name, fields)


def _read_definition(buf: bytes, pos: int, end: int, has_dev: bool) -> tuple[_Plan, int]:
    start = pos
    if pos + 6 > end:
        raise FitFormatError(f"at byte {start}: definition message runs past the data end")
    arch = buf[pos + 2]
    if arch not in (0, 1):
        raise FitFormatError(f"at byte {start}: unknown architecture {arch} (0 or 1 expected)")
    endian = ">" if arch else "<"
    number = struct.unpack_from(f"{endian}H", buf, pos + 3)[0]
    n_fields = buf[pos + 5]
    pos += 6
    if pos + 3 * n_fields > end:
        raise FitFormatError(f"at byte {start}: definition message runs past the data end")

    msg = MESSAGES_BY_NUM.get(number)
    name = msg.name if msg else f"unknown_{number}"
    fmt = [endian]
    plans: list[_FieldPlan] = []
    size = 0
    has_timestamp = False
    for _ in range(n_fields):
        num, fsize, bt_byte = buf[pos], buf[pos + 1], buf[pos + 2]
        pos += 3
        bt = BASE_TYPES_BY_NUM.get(bt_byte & 0x1F)
        if bt is None:
            raise FitFormatError(
                f"at byte {start}: {name} field {num} has unknown base type 0x{bt_byte:02X}"
            )
        size += fsize
        if fsize == 0:
            continue
        fd: FieldDef | None = msg.by_num.get(num) if msg else None
        scale = fd.scale if fd else 1
        offset = fd.offset if fd else 0
        scaled = fd.is_scaled if fd else False
        if bt is STRING:
            fmt.append(f"{fsize}s")
            plans.append(_FieldPlan(num, _STRING, 1, 0, 1, 0, False))
        elif bt is BYTE or fsize % bt.size:
            fmt.append(f"{fsize}s")
            plans.append(_FieldPlan(num, _BYTES, 1, 0, 1, 0, False))
        else:
            count = fsize // bt.size
            fmt.append(f"{count}{bt.code}")
            if count > 1:
                kind = _ARRAY
            else:
                kind = _FLOAT if bt.is_float else _SCALAR
                has_timestamp = has_timestamp or num == TIMESTAMP_FIELD
            plans.append(_FieldPlan(num, kind, count, bt.invalid, scale, offset, scaled))
    if has_dev:
        if pos + 1 > end:
            raise FitFormatError(f"at byte {start}: definition message runs past the data end")
        n_dev = buf[pos]
        pos += 1
        if pos + 3 * n_dev > end:
            raise FitFormatError(f"at byte {start}: developer field list runs past the data end")
        dev_size = sum(buf[pos + 3 * i + 1] for i in range(n_dev))
        pos += 3 * n_dev
        if dev_size:
            fmt.append(f"{dev_size}x")
        size += dev_size
    unpacker = struct.Struct("".join(fmt))
    return _Plan(number, name, unpacker, size, tuple(plans), has_timestamp), pos


def _read_data(buf: bytes, pos: int, end: int, plan: _Plan) -> dict[int, FitValue]:
    if pos + 1 + plan.size > end:
        raise FitFormatError(
            f"at byte {pos}: {plan.name} message of {plan.size} bytes runs past the data end"
        )
    raw = plan.unpacker.unpack_from(buf, pos + 1)
    out: dict[int, FitValue] = {}
    i = 0
    for fp in plan.fields:
        kind = fp.kind
        if kind == _SCALAR:
            v = raw[i]
            i += 1
            if v != fp.invalid:
                out[fp.num] = v / fp.scale - fp.offset if fp.scaled else v
        elif kind == _STRING:
            text = raw[i].split(b"\0", 1)[0]
            i += 1
            if text:
                out[fp.num] = text.decode("utf-8", errors="replace")
        elif kind == _BYTES:
            blob = raw[i]
            i += 1
            if blob.count(0xFF) != len(blob):
                out[fp.num] = blob
        elif kind == _FLOAT:
            f = raw[i]
            i += 1
            if not math.isnan(f):
                out[fp.num] = f / fp.scale - fp.offset if fp.scaled else f
        else:  # _ARRAY
            items = raw[i : i + fp.count]
            i += fp.count
            values: list[int | float | None] = []
            any_valid = False
            for x in items:
                if x == fp.invalid or (isinstance(x, float) and math.isnan(x)):
                    values.append(None)
                else:
                    any_valid = True
                    values.append(x / fp.scale - fp.offset if fp.scaled else x)
            if any_valid:
                out[fp.num] = tuple(values)
    return out
