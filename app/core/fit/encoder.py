"""A small, fast FIT file encoder (stdlib only).

Two ways to write messages:

* `define(local_num, message, fields)` once, then `write(local_num, values)` per message
  with the values in definition order: the fastest path (one precompiled `struct.Struct`
  per local definition, one converter per field).
* `add(message, **values)`: defines automatically (one local definition per distinct
  field set and string/array size, least-recently-used among the local numbers that
  `define` has not taken), so both styles mix safely in one file.

Values are given in profile units (record.speed in m/s, lap.total_timer_time in s); the
encoder applies scale and offset and rounds to the nearest integer. `None` writes the
base type's invalid value. date_time fields also take timezone-aware datetimes. Strings
are UTF-8, cut at a character boundary to fit their definition's size (which includes
the terminating NUL). Numbers outside their base type's range raise `FitEncodeError`; a
number that rounds to the invalid value (e.g. 255 for a uint8) reads back as missing.

`finish()` returns the whole file: 14-byte header (protocol 2.0, profile 21.218, data
size, ".FIT", header CRC), the messages, and the file CRC.
"""

from __future__ import annotations

import struct
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeAlias

from app.core.fit.crc import crc16
from app.core.fit.profile import (
    BYTE,
    PROFILE_VERSION,
    PROTOCOL_VERSION,
    STRING,
    FieldDef,
    MessageDef,
    message_def,
    to_fit_local_time,
    to_fit_time,
)

__all__ = ["FieldSpec", "FitEncodeError", "FitEncoder", "FitInput", "encode_string"]

FitInput: TypeAlias = int | float | str | bytes | datetime | Sequence[int | float | None] | None
# A field of a definition: its profile name or number, or a FieldDef for a field this
# profile lacks; optionally with a size: the byte size of a string or byte field, or the
# element count of a numeric array.
FieldSpec: TypeAlias = str | int | FieldDef | tuple[str | int | FieldDef, int]

MAX_FIELD_SIZE = 255
NUM_LOCAL_MESSAGES = 16


class FitEncodeError(ValueError):
    """A message or value that cannot be written as FIT; the message names which."""


def encode_string(text: str, size: int) -> bytes:
    """`text` as UTF-8 in at most `size` - 1 bytes (cut at a character boundary), so a
    field of `size` bytes keeps its terminating NUL. Text after an embedded NUL would be
    invisible to readers, so it is dropped here."""
    raw = text.split("\0", 1)[0].encode("utf-8", errors="replace")
    limit = max(size - 1, 0)
    if len(raw) <= limit:
        return raw
    cut = raw[:limit]
    # back off continuation bytes (10xxxxxx) so the cut ends on a whole character
    end = limit
    while end > 0 and (raw[end] & 0xC0) == 0x80:
        end -= 1
    return cut[:end]


Converter: TypeAlias = Callable[[Any], Any]


def _int_converter(fd: FieldDef) -> Converter:
    invalid = fd.base_type.invalid
    scale, offset = fd.scale, fd.offset
    time_kind = fd.time_kind

    if time_kind:
        to_seconds = to_fit_local_time if time_kind == "local_date_time" else to_fit_time

        def convert_time(v: Any) -> Any:
            if v is None:
                return invalid
            if v.__class__ is int:
                return v
            if isinstance(v, datetime):
                return to_seconds(v)
            return round(v)

        return convert_time

    if fd.is_scaled:

        def convert_scaled(v: Any) -> Any:
            return invalid if v is None else round((v + offset) * scale)

        return convert_scaled

    def convert_plain(v: Any) -> Any:
        if v is None:
            return invalid
        return v if v.__class__ is int else round(v)

    return convert_plain


def _float_converter(fd: FieldDef) -> Converter:
    # Floats are packed through their bit pattern so None can write the exact invalid
    # pattern (all ones), which struct cannot produce from a float NaN.
    invalid = fd.base_type.invalid
    scale, offset = fd.scale, fd.offset
    float_code, int_code = ("<f", "<I") if fd.base_type.size == 4 else ("<d", "<Q")
    pack, unpack = struct.Struct(float_code).pack, struct.Struct(int_code).unpack

    def convert_float(v: Any) -> Any:
        if v is None:
            return invalid
        return unpack(pack((float(v) + offset) * scale))[0]

    return convert_float


def _string_converter(size: int) -> Converter:
    def convert_string(v: Any) -> Any:
        if v is None:
            return b""
        if not isinstance(v, str):
            raise TypeError(f"expected a str, got {type(v).__name__}")
        return encode_string(v, size)

    return convert_string


def _bytes_converter(size: int) -> Converter:
    def convert_bytes(v: Any) -> Any:
        if v is None:
            return b"\xff" * size
        raw = bytes(v)
        if len(raw) > size:
            raise ValueError(f"{len(raw)} bytes do not fit a {size}-byte field")
        return raw + b"\xff" * (size - len(raw))

    return convert_bytes


def _array_converter(element: Converter, count: int, invalid: int) -> Converter:
    def convert_array(v: Any) -> Any:
        if v is None:
            return (invalid,) * count
        if isinstance(v, str | bytes) or not isinstance(v, Sequence):
            v = (v,)
        if len(v) > count:
            raise ValueError(f"{len(v)} elements do not fit an array of {count}")
        return tuple(element(x) for x in v) + (invalid,) * (count - len(v))

    return convert_array


@dataclass(frozen=True, slots=True)
class _LocalDef:
    name: str
    global_num: int
    fields: tuple[FieldDef, ...]
    counts: tuple[int, ...]  # bytes for string/byte fields, elements for the rest
    packer: struct.Struct  # record header byte + fields
    converters: tuple[Converter, ...]
    has_array: bool
    header: int
    definition: bytes  # the definition message as written


def _resolve_field(msg: MessageDef | None, spec: FieldSpec) -> tuple[FieldDef, int | None]:
    size: int | None = None
    if isinstance(spec, tuple):
        if len(spec) != 2 or not isinstance(spec[1], int):
            raise FitEncodeError(f"field spec {spec!r} is not (field, size)")
        spec, size = spec
    if isinstance(spec, FieldDef):
        return spec, size
    if msg is None:
        raise FitEncodeError(
            f"field {spec!r}: the message is not in the profile, so give a FieldDef"
        )
    try:
        return msg.field_def(spec), size
    except KeyError as exc:
        raise FitEncodeError(str(exc.args[0])) from None


class FitEncoder:
    """Builds one FIT file in memory. Not thread-safe; cheap to create."""

    def __init__(
        self,
        *,
        big_endian: bool = False,
        protocol_version: int = PROTOCOL_VERSION,
        profile_version: int = PROFILE_VERSION,
    ) -> None:
        if not 0 <= protocol_version <= 0xFF or not 0 <= profile_version <= 0xFFFF:
            raise FitEncodeError("protocol version must fit a byte, profile version a uint16")
        self._endian = ">" if big_endian else "<"
        self._arch = 1 if big_endian else 0
        self._protocol_version = protocol_version
        self._profile_version = profile_version
        self._chunks: list[bytes] = []
        self._defs: list[_LocalDef | None] = [None] * NUM_LOCAL_MESSAGES
        # add(): (message, field names) -> (message def, field defs, sized positions)
        self._shapes: dict[
            tuple[str | int, tuple[str, ...]],
            tuple[MessageDef, tuple[FieldDef, ...], tuple[int, ...]],
        ] = {}
        # add(): definition key -> local number, least recently used first
        self._auto: OrderedDict[tuple[Any, ...], int] = OrderedDict()
        self._auto_key_of_local: dict[int, tuple[Any, ...]] = {}
        self._manual: set[int] = set()  # local numbers set up by define()

    # -- definitions -------------------------------------------------------------------

    def define(self, local_num: int, message: str | int, fields: Sequence[FieldSpec]) -> None:
        """Write a definition message for `local_num` (0-15): the global `message` (a
        profile name or number) with `fields` in that order (see FieldSpec). String and
        byte fields need a size: ("wkt_name", 32)."""
        if not 0 <= local_num < NUM_LOCAL_MESSAGES:
            raise FitEncodeError(f"local message number {local_num} is not 0-15")
        self._forget_auto(local_num)
        self._define(local_num, message, fields)
        self._manual.add(local_num)

    def _define(self, local_num: int, message: str | int, fields: Sequence[FieldSpec]) -> None:
        msg: MessageDef | None
        try:
            msg = message_def(message)
        except KeyError:
            if isinstance(message, str):
                raise FitEncodeError(f"unknown FIT message {message!r}") from None
            msg = None
        global_num = msg.num if msg else int(message)
        name = msg.name if msg else f"unknown_{global_num}"
        if not 0 <= global_num <= 0xFFFF:
            raise FitEncodeError(f"global message number {global_num} is not a uint16")
        if len(fields) > 255:
            raise FitEncodeError(f"{name}: {len(fields)} fields (at most 255)")

        fdefs: list[FieldDef] = []
        counts: list[int] = []
        converters: list[Converter] = []
        fmt = [self._endian, "B"]
        triples = bytearray()
        has_array = False
        seen: set[int] = set()
        for spec in fields:
            fd, size = _resolve_field(msg, spec)
            if fd.num in seen:
                raise FitEncodeError(f"{name}.{fd.name}: field defined twice")
            seen.add(fd.num)
            bt = fd.base_type
            if bt.is_string or bt is BYTE:
                if size is None:
                    raise FitEncodeError(f"{name}.{fd.name}: a {bt.name} field needs a size")
                count = size
                byte_size = size
                fmt.append(f"{size}s")
                conv = _string_converter(size) if bt.is_string else _bytes_converter(size)
            else:
                count = 1 if size is None else size
                byte_size = count * bt.size
                element = _float_converter(fd) if bt.is_float else _int_converter(fd)
                code = {"f": "I", "d": "Q"}.get(bt.code, bt.code)
                if count == 1:
                    fmt.append(code)
                    conv = element
                else:
                    fmt.append(f"{count}{code}")
                    conv = _array_converter(element, count, bt.invalid)
                    has_array = True
            if not 1 <= byte_size <= MAX_FIELD_SIZE:
                raise FitEncodeError(
                    f"{name}.{fd.name}: field size {byte_size} bytes is not 1-{MAX_FIELD_SIZE}"
                )
            fdefs.append(fd)
            counts.append(count)
            converters.append(conv)
            triples += bytes((fd.num, byte_size, bt.id))

        definition = (
            struct.pack(
                f"{self._endian}BBBHB", 0x40 | local_num, 0, self._arch, global_num, len(fdefs)
            )
            + triples
        )
        self._defs[local_num] = _LocalDef(
            name=name,
            global_num=global_num,
            fields=tuple(fdefs),
            counts=tuple(counts),
            packer=struct.Struct("".join(fmt)),
            converters=tuple(converters),
            has_array=has_array,
            header=local_num,
            definition=definition,
        )
        self._chunks.append(definition)

    # -- data messages -----------------------------------------------------------------

    def write(self, local_num: int, values: Sequence[FitInput] | Mapping[str, FitInput]) -> None:
        """Write one data message with the definition of `local_num`: `values` in
        definition order, or a mapping by field name (missing names write invalid)."""
        d = self._defs[local_num] if 0 <= local_num < NUM_LOCAL_MESSAGES else None
        if d is None:
            raise FitEncodeError(f"local message {local_num} has no definition")
        cls = values.__class__
        row: Sequence[FitInput]
        if cls is not tuple and cls is not list and isinstance(values, Mapping):
            unknown = set(values) - {f.name for f in d.fields}
            if unknown:
                raise FitEncodeError(
                    f"{d.name}: fields {sorted(unknown)} are not in local definition {local_num}"
                )
            row = [values.get(f.name) for f in d.fields]
        else:
            row = values  # type: ignore[assignment]  # a Sequence: not a Mapping
            if len(row) != len(d.converters):
                raise FitEncodeError(
                    f"{d.name}: {len(row)} values for a definition of {len(d.converters)} fields"
                )
        self._chunks.append(self._pack(d, row))

    def _pack(self, d: _LocalDef, values: Sequence[FitInput]) -> bytes:
        try:
            if d.has_array:
                flat: list[Any] = [d.header]
                for conv, v in zip(d.converters, values):  # noqa: B905 (lengths checked)
                    c = conv(v)
                    if isinstance(c, tuple):
                        flat.extend(c)
                    else:
                        flat.append(c)
                return d.packer.pack(*flat)
            return d.packer.pack(
                d.header,
                *[conv(v) for conv, v in zip(d.converters, values)],  # noqa: B905
            )
        except (struct.error, TypeError, ValueError, OverflowError, AttributeError):
            raise self._diagnose(d, values) from None

    def _diagnose(self, d: _LocalDef, values: Sequence[FitInput]) -> FitEncodeError:
        """Find which value failed (the slow path, only after an error)."""
        for fd, count, conv, v in zip(d.fields, d.counts, d.converters, values, strict=True):
            bt = fd.base_type
            try:
                c = conv(v)
                if bt.is_string or bt is BYTE:
                    continue
                code = {"f": "I", "d": "Q"}.get(bt.code, bt.code)
                items = c if isinstance(c, tuple) else (c,)
                struct.pack(f"{self._endian}{len(items)}{code}", *items)
            except (struct.error, TypeError, ValueError, OverflowError, AttributeError) as exc:
                unit = f" {fd.units}" if fd.units else ""
                return FitEncodeError(
                    f"{d.name}.{fd.name}: cannot write {v!r}{unit} as {bt.name}"
                    f"{' x' + str(count) if count > 1 else ''} ({exc})"
                )
        return FitEncodeError(f"{d.name}: values {values!r} do not fit the definition")

    def add(self, message: str | int, /, **values: FitInput) -> None:
        """Write a message by profile name (or number) and field names, defining it if
        needed. String fields get a size that fits the value; numeric arrays (e.g.
        time_in_hr_zone) one that fits the sequence given."""
        key = (message, tuple(values))
        shape = self._shapes.get(key)
        if shape is None:
            try:
                msg = message_def(message)
            except KeyError:
                raise FitEncodeError(f"unknown FIT message {message!r}") from None
            fdefs = tuple(_resolve_field(msg, name)[0] for name in values)
            sized = tuple(
                i
                for i, fd in enumerate(fdefs)
                if fd.base_type.is_string or fd.base_type is BYTE or fd.is_array
            )
            shape = (msg, fdefs, sized)
            self._shapes[key] = shape
        msg, fdefs, sized = shape
        vals = list(values.values())
        dkey: tuple[Any, ...] = key
        sizes: tuple[int, ...] = ()
        if sized:
            sizes = tuple(_auto_size(fdefs[i], vals[i]) for i in sized)
            dkey = (key, sizes)
        local = self._auto.get(dkey)
        if local is None:
            local = self._free_local()
            specs: list[FieldSpec] = list(fdefs)
            for i, size in zip(sized, sizes, strict=True):
                specs[i] = (fdefs[i], size)
            self._define(local, msg.num, specs)
            self._auto[dkey] = local
            self._auto_key_of_local[local] = dkey
        else:
            self._auto.move_to_end(dkey)
        d = self._defs[local]
        assert d is not None
        self._chunks.append(self._pack(d, vals))

    def _free_local(self) -> int:
        """A local number for add(): an unused one, else the least recently used of
        add()'s own; never one that define() set up."""
        used = set(self._auto.values()) | self._manual
        for n in range(NUM_LOCAL_MESSAGES):
            if n not in used:
                return n
        if not self._auto:
            raise FitEncodeError("all 16 local message numbers are taken by define()")
        _, local = self._auto.popitem(last=False)
        del self._auto_key_of_local[local]
        return local

    def _forget_auto(self, local_num: int) -> None:
        dkey = self._auto_key_of_local.pop(local_num, None)
        if dkey is not None:
            self._auto.pop(dkey, None)

    # -- output ------------------------------------------------------------------------

    def finish(self) -> bytes:
        """The complete file with everything written so far (the encoder stays usable)."""
        data = b"".join(self._chunks)
        if len(data) > 0xFFFFFFFF:
            raise FitEncodeError("FIT data section larger than 4 GiB")
        header = struct.pack(
            "<BBHI4s", 14, self._protocol_version, self._profile_version, len(data), b".FIT"
        )
        header += struct.pack("<H", crc16(header))
        return header + data + struct.pack("<H", crc16(data, crc16(header)))


def _auto_size(fd: FieldDef, value: FitInput) -> int:
    bt = fd.base_type
    if bt is STRING:
        if value is None:
            return 1
        if not isinstance(value, str):
            raise FitEncodeError(f"{fd.name}: expected a str, got {type(value).__name__}")
        n = len(encode_string(value, MAX_FIELD_SIZE)) + 1
        return min(-(-n // 8) * 8, MAX_FIELD_SIZE)  # round up: fewer redefinitions
    if bt is BYTE:
        if value is None:
            return 1
        if not isinstance(value, bytes | bytearray):
            raise FitEncodeError(f"{fd.name}: expected bytes, got {type(value).__name__}")
        return max(1, min(len(value), MAX_FIELD_SIZE))
    if value is None or isinstance(value, str | bytes) or not isinstance(value, Sequence):
        return 1
    limit = MAX_FIELD_SIZE // bt.size
    if len(value) > limit:
        raise FitEncodeError(f"{fd.name}: {len(value)} elements (at most {limit})")
    return max(1, len(value))
