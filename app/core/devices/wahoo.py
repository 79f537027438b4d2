"""Pure codecs for Wahoo's legacy trainer control (pre-FTMS KICKR firmware). No I/O.

Commands are written (with response) to characteristic a026e005-… inside the Cycling Power
Service; answers come back as indications. The protocol is reverse-engineered (opcodes and
scalings from Auuki `src/ble/wcps/control-point.js`), so treat it as best effort and prefer
FTMS when a trainer offers both.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

from app.core.devices.wire import Payload, Reader, pack_int, pack_scaled

__all__ = [
    "WahooCommand",
    "WahooOpCode",
    "WahooResponse",
    "encode_wahoo_erg_mode",
    "encode_wahoo_resistance_mode",
    "encode_wahoo_sim_crr",
    "encode_wahoo_sim_grade",
    "encode_wahoo_sim_mode",
    "encode_wahoo_sim_wind_resistance",
    "encode_wahoo_sim_wind_speed",
    "encode_wahoo_standard_mode",
    "encode_wahoo_unlock",
    "encode_wahoo_wheel_circumference",
    "parse_wahoo_command",
    "parse_wahoo_response",
]

_CHAR = "Wahoo trainer control"
_UNLOCK_CODE = b"\xee\xfc"
_LOAD_SCALE = 16383  # resistance mode: raw = (1 - load) * 16383
_GRADE_SCALE = 32768  # SIM grade: raw = (grade fraction + 1) * 32768
_WIND_OFFSET_MPS = 32.768  # SIM wind: raw = (m/s + 32.768) * 1000
_MAX_STANDARD_LEVEL = 9
_SUCCESS = 0x01
_ECHO_END = 4


class WahooOpCode(IntEnum):
    """Op codes of the legacy control characteristic."""

    UNLOCK = 0x20
    SET_RESISTANCE_MODE = 0x40
    SET_STANDARD_MODE = 0x41
    SET_ERG_MODE = 0x42
    SET_SIM_MODE = 0x43
    SET_SIM_CRR = 0x44
    SET_SIM_WIND_RESISTANCE = 0x45
    SET_SIM_GRADE = 0x46
    SET_SIM_WIND_SPEED = 0x47
    SET_WHEEL_CIRCUMFERENCE = 0x48


# Parameter bytes after the op code.
_SIZES = {
    WahooOpCode.UNLOCK: 2,
    WahooOpCode.SET_RESISTANCE_MODE: 2,
    WahooOpCode.SET_STANDARD_MODE: 1,
    WahooOpCode.SET_ERG_MODE: 2,
    WahooOpCode.SET_SIM_MODE: 6,
    WahooOpCode.SET_SIM_CRR: 2,
    WahooOpCode.SET_SIM_WIND_RESISTANCE: 2,
    WahooOpCode.SET_SIM_GRADE: 2,
    WahooOpCode.SET_SIM_WIND_SPEED: 2,
    WahooOpCode.SET_WHEEL_CIRCUMFERENCE: 2,
}


def _op(op: WahooOpCode) -> bytes:
    return bytes([op])


def encode_wahoo_unlock() -> bytes:
    """Unlock (0x20 EE FC): must be sent before any other command."""
    return _op(WahooOpCode.UNLOCK) + _UNLOCK_CODE


def encode_wahoo_erg_mode(watts: float) -> bytes:
    """ERG mode (0x42): uint16 target watts, e.g. 200 W -> `42 C8 00`."""
    return _op(WahooOpCode.SET_ERG_MODE) + pack_scaled(
        watts, factor=1, size=2, signed=False, what="target power (W)"
    )


def encode_wahoo_resistance_mode(load: float) -> bytes:
    """Resistance mode (0x40): load 0.0 (none) .. 1.0 (full), sent as (1 - load) * 16383."""
    if not 0.0 <= load <= 1.0:
        raise ValueError(f"resistance load {load!r} is out of range 0..1")
    return _op(WahooOpCode.SET_RESISTANCE_MODE) + pack_int(
        round((1.0 - load) * _LOAD_SCALE), 2, signed=False, what="resistance load"
    )


def encode_wahoo_standard_mode(level: int) -> bytes:
    """Standard (level) mode (0x41): uint8 level 0..9."""
    if not 0 <= level <= _MAX_STANDARD_LEVEL:
        raise ValueError(f"standard mode level {level!r} is out of range 0..9")
    return _op(WahooOpCode.SET_STANDARD_MODE) + pack_int(level, 1, signed=False, what="level")


def encode_wahoo_sim_mode(weight_kg: float, crr: float, wind_resistance_kg_per_m: float) -> bytes:
    """SIM mode (0x43): uint16 rider+bike weight (0.01 kg), Crr (0.0001), Cw (0.001 kg/m)."""
    return (
        _op(WahooOpCode.SET_SIM_MODE)
        + pack_scaled(weight_kg, factor=100, size=2, signed=False, what="weight (kg)")
        + pack_scaled(crr, factor=10000, size=2, signed=False, what="Crr")
        + pack_scaled(wind_resistance_kg_per_m, factor=1000, size=2, signed=False, what="Cw (kg/m)")
    )


def encode_wahoo_sim_crr(crr: float) -> bytes:
    """Set Crr (0x44): uint16, 0.0001 units."""
    return _op(WahooOpCode.SET_SIM_CRR) + pack_scaled(
        crr, factor=10000, size=2, signed=False, what="Crr"
    )


def encode_wahoo_sim_wind_resistance(wind_resistance_kg_per_m: float) -> bytes:
    """Set wind resistance Cw (0x45): uint16, 0.001 kg/m units."""
    return _op(WahooOpCode.SET_SIM_WIND_RESISTANCE) + pack_scaled(
        wind_resistance_kg_per_m, factor=1000, size=2, signed=False, what="Cw (kg/m)"
    )


def encode_wahoo_sim_grade(grade_pct: float) -> bytes:
    """Set SIM grade (0x46): uint16 (grade/100 + 1) * 32768, so 0 % -> `46 00 80`.

    The field covers -100 % up to just below +100 % (+100 % would be 65536).
    """
    if not -100.0 <= grade_pct < 100.0:
        raise ValueError(f"grade {grade_pct!r} % is out of range -100..<100")
    raw = pack_scaled(
        grade_pct / 100, factor=_GRADE_SCALE, offset=1.0, size=2, signed=False, what="grade"
    )
    return _op(WahooOpCode.SET_SIM_GRADE) + raw


def encode_wahoo_sim_wind_speed(wind_mps: float) -> bytes:
    """Set SIM wind speed (0x47): uint16 (m/s + 32.768) * 1000; + is a headwind."""
    return _op(WahooOpCode.SET_SIM_WIND_SPEED) + pack_scaled(
        wind_mps, factor=1000, offset=_WIND_OFFSET_MPS, size=2, signed=False, what="wind (m/s)"
    )


def encode_wahoo_wheel_circumference(circumference_mm: float) -> bytes:
    """Set wheel circumference (0x48): uint16, 0.1 mm units."""
    return _op(WahooOpCode.SET_WHEEL_CIRCUMFERENCE) + pack_scaled(
        circumference_mm, factor=10, size=2, signed=False, what="wheel circumference (mm)"
    )


@dataclass(frozen=True, slots=True)
class WahooCommand:
    """One decoded control write; the typed field(s) for its op code are set."""

    op_code: WahooOpCode
    parameter: bytes
    target_power_w: int | None = None
    resistance_load: float | None = None
    standard_level: int | None = None
    weight_kg: float | None = None
    crr: float | None = None
    wind_resistance_kg_per_m: float | None = None
    grade_pct: float | None = None
    wind_mps: float | None = None
    wheel_circumference_mm: float | None = None


@dataclass(frozen=True, slots=True)
class WahooResponse:
    """An indication `<status> <request op> …`; status 0x01 is success.

    Auuki's captures: `01 42 01 00 32 00` answers ERG 50 W, `01 43 01 00` SIM mode,
    `01 46 01 00 00 80` grade 0 %. The byte pair after the op code is undocumented; when
    present, bytes 4-5 echo the value that was set (`echoed_value`).
    """

    status: int
    request_op_code: int
    payload: bytes
    echoed_value: int | None = None

    @property
    def ok(self) -> bool:
        """True when the trainer reports success."""
        return self.status == _SUCCESS


def parse_wahoo_command(data: Payload) -> WahooCommand:
    """Decode a control write (what a simulated KICKR receives)."""
    r = Reader(data, _CHAR)
    op = r.enum(WahooOpCode, r.u8("op code"), "op code")
    parameter = r.rest()
    if len(parameter) != _SIZES[op]:
        raise r.error(f"{op.name} takes {_SIZES[op]} parameter bytes, got {len(parameter)}")
    p = Reader(parameter, _CHAR)
    ops = WahooOpCode
    if op is ops.UNLOCK:
        if parameter != _UNLOCK_CODE:
            raise r.error(f"unlock code must be EE FC, got {parameter.hex(' ').upper()}")
        return WahooCommand(op, parameter)
    if op is ops.SET_ERG_MODE:
        return WahooCommand(op, parameter, target_power_w=p.u16("power"))
    if op is ops.SET_RESISTANCE_MODE:
        raw = p.u16("load")
        if raw > _LOAD_SCALE:
            raise r.error(f"resistance load {raw} is above {_LOAD_SCALE}")
        return WahooCommand(op, parameter, resistance_load=1.0 - raw / _LOAD_SCALE)
    if op is ops.SET_STANDARD_MODE:
        return WahooCommand(op, parameter, standard_level=p.u8("level"))
    if op is ops.SET_SIM_MODE:
        weight, crr, cw = p.u16("weight") / 100, p.u16("crr") / 10000, p.u16("cw") / 1000
        return WahooCommand(op, parameter, weight_kg=weight, crr=crr, wind_resistance_kg_per_m=cw)
    if op is ops.SET_SIM_CRR:
        return WahooCommand(op, parameter, crr=p.u16("crr") / 10000)
    if op is ops.SET_SIM_WIND_RESISTANCE:
        return WahooCommand(op, parameter, wind_resistance_kg_per_m=p.u16("cw") / 1000)
    if op is ops.SET_SIM_GRADE:
        grade_pct = (p.u16("grade") / _GRADE_SCALE - 1.0) * 100
        return WahooCommand(op, parameter, grade_pct=grade_pct)
    if op is ops.SET_SIM_WIND_SPEED:
        return WahooCommand(op, parameter, wind_mps=p.u16("wind") / 1000 - _WIND_OFFSET_MPS)
    circumference = p.u16("circumference") / 10
    return WahooCommand(op, parameter, wheel_circumference_mm=circumference)


def parse_wahoo_response(data: Payload) -> WahooResponse:
    """Decode an indication from the control characteristic (at least 2 bytes)."""
    r = Reader(data, _CHAR)
    status = r.u8("status")
    request_op = r.u8("request op code")
    payload = r.rest()
    # bytes 4-5 of the indication, i.e. payload[2:4] after the status and op code
    echoed = int.from_bytes(payload[2:4], "little") if len(payload) >= _ECHO_END else None
    return WahooResponse(status, request_op, payload, echoed)
