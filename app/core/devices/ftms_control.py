"""Pure FTMS control codecs: Fitness Machine Control Point (0x2AD9) requests and responses,
and Fitness Machine Status (0x2ADA). No I/O; `app.core.devices.ftms` re-exports all of it.

Sections cited are FTMS v1.0.1. Every request goes out as a write *with* response; the
trainer answers with an indication `80 <request op> <result>` (§4.16.2.22).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import Literal, TypeAlias

from app.core.devices.wire import Payload, Reader, pack_scaled

__all__ = [
    "ControlOpCode",
    "ControlPointRequest",
    "ControlPointResponse",
    "MachineStatus",
    "MachineStatusOpCode",
    "ResistanceEncoding",
    "ResultCode",
    "SimulationParameters",
    "SpinDownStatus",
    "encode_request_control",
    "encode_reset",
    "encode_set_indoor_bike_simulation",
    "encode_set_target_power",
    "encode_set_target_resistance",
    "encode_start_or_resume",
    "encode_stop_or_pause",
    "parse_control_point_request",
    "parse_control_point_response",
    "parse_machine_status",
]

_CP = "Fitness Machine Control Point"
_STATUS = "Fitness Machine Status"

ResistanceEncoding: TypeAlias = Literal["uint8", "sint16"]
"""How Set Target Resistance Level carries its 0.1-unit value (see encode_set_target_resistance)."""


class ControlOpCode(IntEnum):
    """Control Point op codes (Table 4.15)."""

    REQUEST_CONTROL = 0x00
    RESET = 0x01
    SET_TARGET_SPEED = 0x02
    SET_TARGET_INCLINATION = 0x03
    SET_TARGET_RESISTANCE_LEVEL = 0x04
    SET_TARGET_POWER = 0x05
    SET_TARGET_HEART_RATE = 0x06
    START_OR_RESUME = 0x07
    STOP_OR_PAUSE = 0x08
    SET_TARGETED_EXPENDED_ENERGY = 0x09
    SET_TARGETED_STEPS = 0x0A
    SET_TARGETED_STRIDES = 0x0B
    SET_TARGETED_DISTANCE = 0x0C
    SET_TARGETED_TRAINING_TIME = 0x0D
    SET_TARGETED_TIME_IN_TWO_HR_ZONES = 0x0E
    SET_TARGETED_TIME_IN_THREE_HR_ZONES = 0x0F
    SET_TARGETED_TIME_IN_FIVE_HR_ZONES = 0x10
    SET_INDOOR_BIKE_SIMULATION = 0x11
    SET_WHEEL_CIRCUMFERENCE = 0x12
    SPIN_DOWN_CONTROL = 0x13
    SET_TARGETED_CADENCE = 0x14
    RESPONSE_CODE = 0x80


class ResultCode(IntEnum):
    """Result of a Control Point procedure (Table 4.24); `description` is for riders."""

    SUCCESS = 0x01
    OP_CODE_NOT_SUPPORTED = 0x02
    INVALID_PARAMETER = 0x03
    OPERATION_FAILED = 0x04
    CONTROL_NOT_PERMITTED = 0x05

    @property
    def description(self) -> str:
        """What happened, in plain words a rider can act on."""
        return _RESULT_DESCRIPTIONS[self]


_RESULT_DESCRIPTIONS = {
    ResultCode.SUCCESS: "The trainer accepted the command.",
    ResultCode.OP_CODE_NOT_SUPPORTED: "This trainer does not support that command.",
    ResultCode.INVALID_PARAMETER: "The trainer rejected the value as out of its range.",
    ResultCode.OPERATION_FAILED: "The trainer could not do that right now.",
    ResultCode.CONTROL_NOT_PERMITTED: (
        "The trainer is not taking commands from this app. "
        "Another app may be in control of it; close it and reconnect."
    ),
}


class MachineStatusOpCode(IntEnum):
    """Fitness Machine Status op codes (Table 4.26)."""

    RESET = 0x01
    STOPPED_OR_PAUSED_BY_USER = 0x02
    STOPPED_BY_SAFETY_KEY = 0x03
    STARTED_OR_RESUMED_BY_USER = 0x04
    TARGET_SPEED_CHANGED = 0x05
    TARGET_INCLINE_CHANGED = 0x06
    TARGET_RESISTANCE_LEVEL_CHANGED = 0x07
    TARGET_POWER_CHANGED = 0x08
    TARGET_HEART_RATE_CHANGED = 0x09
    TARGETED_EXPENDED_ENERGY_CHANGED = 0x0A
    TARGETED_STEPS_CHANGED = 0x0B
    TARGETED_STRIDES_CHANGED = 0x0C
    TARGETED_DISTANCE_CHANGED = 0x0D
    TARGETED_TRAINING_TIME_CHANGED = 0x0E
    TARGETED_TIME_IN_TWO_HR_ZONES_CHANGED = 0x0F
    TARGETED_TIME_IN_THREE_HR_ZONES_CHANGED = 0x10
    TARGETED_TIME_IN_FIVE_HR_ZONES_CHANGED = 0x11
    INDOOR_BIKE_SIMULATION_CHANGED = 0x12
    WHEEL_CIRCUMFERENCE_CHANGED = 0x13
    SPIN_DOWN_STATUS = 0x14
    TARGETED_CADENCE_CHANGED = 0x15
    CONTROL_PERMISSION_LOST = 0xFF


class SpinDownStatus(IntEnum):
    """Parameter of the Spin Down Status machine status (0x14)."""

    REQUESTED = 0x01
    SUCCESS = 0x02
    ERROR = 0x03
    STOP_PEDALING = 0x04


# Allowed parameter lengths per op code. Resistance accepts 1 byte (spec uint8) or 2 bytes
# (sint16, what Tacx Flux firmware requires: Auuki issue #71); the status 0x07 likewise
# (v1.0.1 table says sint16, pyftms reads uint8).
_REQUEST_SIZES: dict[ControlOpCode, tuple[int, ...]] = {
    ControlOpCode.REQUEST_CONTROL: (0,),
    ControlOpCode.RESET: (0,),
    ControlOpCode.SET_TARGET_SPEED: (2,),
    ControlOpCode.SET_TARGET_INCLINATION: (2,),
    ControlOpCode.SET_TARGET_RESISTANCE_LEVEL: (1, 2),
    ControlOpCode.SET_TARGET_POWER: (2,),
    ControlOpCode.SET_TARGET_HEART_RATE: (1,),
    ControlOpCode.START_OR_RESUME: (0,),
    ControlOpCode.STOP_OR_PAUSE: (1,),
    ControlOpCode.SET_TARGETED_EXPENDED_ENERGY: (2,),
    ControlOpCode.SET_TARGETED_STEPS: (2,),
    ControlOpCode.SET_TARGETED_STRIDES: (2,),
    ControlOpCode.SET_TARGETED_DISTANCE: (3,),
    ControlOpCode.SET_TARGETED_TRAINING_TIME: (2,),
    ControlOpCode.SET_TARGETED_TIME_IN_TWO_HR_ZONES: (4,),
    ControlOpCode.SET_TARGETED_TIME_IN_THREE_HR_ZONES: (6,),
    ControlOpCode.SET_TARGETED_TIME_IN_FIVE_HR_ZONES: (10,),
    ControlOpCode.SET_INDOOR_BIKE_SIMULATION: (6,),
    ControlOpCode.SET_WHEEL_CIRCUMFERENCE: (2,),
    ControlOpCode.SPIN_DOWN_CONTROL: (1,),
    ControlOpCode.SET_TARGETED_CADENCE: (2,),
}

_STATUS_SIZES: dict[MachineStatusOpCode, tuple[int, ...]] = {
    MachineStatusOpCode.RESET: (0,),
    MachineStatusOpCode.STOPPED_OR_PAUSED_BY_USER: (1,),
    MachineStatusOpCode.STOPPED_BY_SAFETY_KEY: (0,),
    MachineStatusOpCode.STARTED_OR_RESUMED_BY_USER: (0,),
    MachineStatusOpCode.TARGET_SPEED_CHANGED: (2,),
    MachineStatusOpCode.TARGET_INCLINE_CHANGED: (2,),
    MachineStatusOpCode.TARGET_RESISTANCE_LEVEL_CHANGED: (1, 2),
    MachineStatusOpCode.TARGET_POWER_CHANGED: (2,),
    MachineStatusOpCode.TARGET_HEART_RATE_CHANGED: (1,),
    MachineStatusOpCode.TARGETED_EXPENDED_ENERGY_CHANGED: (2,),
    MachineStatusOpCode.TARGETED_STEPS_CHANGED: (2,),
    MachineStatusOpCode.TARGETED_STRIDES_CHANGED: (2,),
    MachineStatusOpCode.TARGETED_DISTANCE_CHANGED: (3,),
    MachineStatusOpCode.TARGETED_TRAINING_TIME_CHANGED: (2,),
    MachineStatusOpCode.TARGETED_TIME_IN_TWO_HR_ZONES_CHANGED: (4,),
    MachineStatusOpCode.TARGETED_TIME_IN_THREE_HR_ZONES_CHANGED: (6,),
    MachineStatusOpCode.TARGETED_TIME_IN_FIVE_HR_ZONES_CHANGED: (10,),
    MachineStatusOpCode.INDOOR_BIKE_SIMULATION_CHANGED: (6,),
    MachineStatusOpCode.WHEEL_CIRCUMFERENCE_CHANGED: (2,),
    MachineStatusOpCode.SPIN_DOWN_STATUS: (1,),
    MachineStatusOpCode.TARGETED_CADENCE_CHANGED: (2,),
    MachineStatusOpCode.CONTROL_PERMISSION_LOST: (0,),
}

# Stop or Pause parameter values (§4.16.2.9), shared by the status 0x02.
_STOP = 0x01
_PAUSE = 0x02


@dataclass(frozen=True, slots=True)
class SimulationParameters:
    """Indoor bike simulation: wind (m/s, + = headwind), grade (%), Crr, Cw (kg/m)."""

    wind_mps: float
    grade_pct: float
    crr: float
    cw: float


@dataclass(frozen=True, slots=True)
class ControlPointRequest:
    """One decoded Control Point write; the typed field for its op code is set."""

    op_code: ControlOpCode
    parameter: bytes = b""
    pause: bool | None = None
    target_power_w: int | None = None
    target_resistance_level: float | None = None
    resistance_encoding: ResistanceEncoding | None = None
    simulation: SimulationParameters | None = None


@dataclass(frozen=True, slots=True)
class ControlPointResponse:
    """A Control Point indication `80 <request op> <result> [parameter]`."""

    request_op_code: int
    result: ResultCode
    parameter: bytes = b""
    spin_down_target_speed_kph: tuple[float, float] | None = None
    """Low and high target speeds of a successful Spin Down Control (0.01 km/h on the wire)."""

    @property
    def ok(self) -> bool:
        """True when the trainer reports success."""
        return self.result is ResultCode.SUCCESS


@dataclass(frozen=True, slots=True)
class MachineStatus:
    """One Fitness Machine Status notification; the typed field for its op code is set."""

    op_code: MachineStatusOpCode
    parameter: bytes = b""
    paused: bool | None = None
    """For STOPPED_OR_PAUSED_BY_USER: True = paused, False = stopped."""
    target_speed_kph: float | None = None
    target_inclination_pct: float | None = None
    target_resistance_level: float | None = None
    target_power_w: int | None = None
    target_heart_rate_bpm: int | None = None
    simulation: SimulationParameters | None = None
    wheel_circumference_mm: float | None = None
    spin_down_status: SpinDownStatus | None = None
    targeted_cadence_rpm: float | None = None


# --- encoders ----------------------------------------------------------------------------


def encode_request_control() -> bytes:
    """Request Control (0x00): must be granted before any other procedure."""
    return bytes([ControlOpCode.REQUEST_CONTROL])


def encode_reset() -> bytes:
    """Reset (0x01): clears targets and releases control."""
    return bytes([ControlOpCode.RESET])


def encode_start_or_resume() -> bytes:
    """Start or Resume (0x07)."""
    return bytes([ControlOpCode.START_OR_RESUME])


def encode_stop_or_pause(pause: bool) -> bytes:
    """Stop or Pause (0x08): parameter 0x02 pauses, 0x01 stops."""
    return bytes([ControlOpCode.STOP_OR_PAUSE, _PAUSE if pause else _STOP])


def encode_set_target_power(watts: float) -> bytes:
    """Set Target Power (0x05), ERG mode: sint16 watts (rounded)."""
    return bytes([ControlOpCode.SET_TARGET_POWER]) + pack_scaled(
        watts, factor=1, size=2, signed=True, what="target power (W)"
    )


def encode_set_target_resistance(level: float, encoding: ResistanceEncoding = "uint8") -> bytes:
    """Set Target Resistance Level (0x04) in 0.1 units: `level` 10.0 -> raw 100.

    "uint8" is the spec's form (`04 64`, 0..25.5). "sint16" is the 3-byte form some
    trainers demand instead (`04 64 00`, -3276.8..3276.7): the Tacx Flux answers Invalid
    Parameter to the uint8 form (Auuki issue #71); pyftms and Auuki always send it.
    """
    if encoding == "uint8":
        field = pack_scaled(level, factor=10, size=1, signed=False, what="resistance level")
    elif encoding == "sint16":
        field = pack_scaled(level, factor=10, size=2, signed=True, what="resistance level")
    else:
        raise ValueError(f"unknown resistance encoding {encoding!r}")
    return bytes([ControlOpCode.SET_TARGET_RESISTANCE_LEVEL]) + field


def encode_set_indoor_bike_simulation(
    wind_mps: float, grade_pct: float, crr: float, cw: float
) -> bytes:
    """Set Indoor Bike Simulation Parameters (0x11), SIM mode.

    Wire: sint16 wind 0.001 m/s, sint16 grade 0.01 %, uint8 Crr 0.0001, uint8 Cw 0.01 kg/m.
    """
    return bytes([ControlOpCode.SET_INDOOR_BIKE_SIMULATION]) + _pack_simulation(
        wind_mps, grade_pct, crr, cw
    )


def _pack_simulation(wind_mps: float, grade_pct: float, crr: float, cw: float) -> bytes:
    return (
        pack_scaled(wind_mps, factor=1000, size=2, signed=True, what="wind speed (m/s)")
        + pack_scaled(grade_pct, factor=100, size=2, signed=True, what="grade (%)")
        + pack_scaled(crr, factor=10000, size=1, signed=False, what="Crr")
        + pack_scaled(cw, factor=100, size=1, signed=False, what="Cw (kg/m)")
    )


# --- decoders ----------------------------------------------------------------------------


def _read_simulation(r: Reader) -> SimulationParameters:
    return SimulationParameters(
        wind_mps=r.s16("wind speed") / 1000,
        grade_pct=r.s16("grade") / 100,
        crr=r.u8("Crr") / 10000,
        cw=r.u8("Cw") / 100,
    )


def _read_resistance(r: Reader, size: int) -> float:
    raw = r.u8("resistance level") if size == 1 else r.s16("resistance level")
    return raw / 10


def _read_pause(r: Reader) -> bool:
    value = r.u8("stop or pause")
    if value not in (_STOP, _PAUSE):
        raise r.error(f"stop/pause parameter must be 0x01 or 0x02, got 0x{value:02X}")
    return value == _PAUSE


def _check_size(r: Reader, name: str, size: int, allowed: tuple[int, ...]) -> None:
    if size not in allowed:
        wanted = " or ".join(str(n) for n in allowed)
        raise r.error(f"{name} takes {wanted} parameter byte(s), got {size}")


def parse_control_point_request(data: Payload) -> ControlPointRequest:
    """Decode a Control Point write (what a simulated trainer receives)."""
    r = Reader(data, _CP)
    op = r.enum(ControlOpCode, r.u8("op code"), "request op code")
    if op is ControlOpCode.RESPONSE_CODE:
        raise r.error("0x80 is the response op code, not a request")
    parameter = r.rest()
    _check_size(r, op.name, len(parameter), _REQUEST_SIZES[op])
    p = Reader(parameter, _CP)
    if op is ControlOpCode.STOP_OR_PAUSE:
        return ControlPointRequest(op, parameter, pause=_read_pause(p))
    if op is ControlOpCode.SET_TARGET_POWER:
        return ControlPointRequest(op, parameter, target_power_w=p.s16("target power"))
    if op is ControlOpCode.SET_TARGET_RESISTANCE_LEVEL:
        encoding: ResistanceEncoding = "uint8" if len(parameter) == 1 else "sint16"
        level = _read_resistance(p, len(parameter))
        return ControlPointRequest(
            op, parameter, target_resistance_level=level, resistance_encoding=encoding
        )
    if op is ControlOpCode.SET_INDOOR_BIKE_SIMULATION:
        return ControlPointRequest(op, parameter, simulation=_read_simulation(p))
    return ControlPointRequest(op, parameter)


def parse_control_point_response(data: Payload) -> ControlPointResponse:
    """Decode a Control Point indication `80 <request op> <result> [parameter]` (§4.16.2.22)."""
    r = Reader(data, _CP)
    code = r.u8("response code")
    if code != ControlOpCode.RESPONSE_CODE:
        raise r.error(f"not a response: first byte 0x{code:02X}, expected 0x80")
    request_op = r.u8("request op code")
    result = r.enum(ResultCode, r.u8("result code"), "result code")
    parameter = r.rest()
    spin_down: tuple[float, float] | None = None
    if request_op == ControlOpCode.SPIN_DOWN_CONTROL and result is ResultCode.SUCCESS:
        # A successful Spin Down Control answers with the speed window to spin down in.
        p = Reader(parameter, _CP)
        spin_down = (p.u16("target speed low") / 100, p.u16("target speed high") / 100)
        p.finish()
    return ControlPointResponse(request_op, result, parameter, spin_down)


def parse_machine_status(data: Payload) -> MachineStatus:
    """Decode a Fitness Machine Status notification (§4.17)."""
    r = Reader(data, _STATUS)
    op = r.enum(MachineStatusOpCode, r.u8("op code"), "status op code")
    parameter = r.rest()
    _check_size(r, op.name, len(parameter), _STATUS_SIZES[op])
    return _decode_status(op, parameter)


def _decode_status(op: MachineStatusOpCode, parameter: bytes) -> MachineStatus:
    p = Reader(parameter, _STATUS)
    ops = MachineStatusOpCode
    if op is ops.STOPPED_OR_PAUSED_BY_USER:
        return MachineStatus(op, parameter, paused=_read_pause(p))
    if op is ops.TARGET_SPEED_CHANGED:
        return MachineStatus(op, parameter, target_speed_kph=p.u16("target speed") / 100)
    if op is ops.TARGET_INCLINE_CHANGED:
        return MachineStatus(op, parameter, target_inclination_pct=p.s16("target incline") / 10)
    if op is ops.TARGET_RESISTANCE_LEVEL_CHANGED:
        level = _read_resistance(p, len(parameter))
        return MachineStatus(op, parameter, target_resistance_level=level)
    if op is ops.TARGET_POWER_CHANGED:
        return MachineStatus(op, parameter, target_power_w=p.s16("target power"))
    if op is ops.TARGET_HEART_RATE_CHANGED:
        return MachineStatus(op, parameter, target_heart_rate_bpm=p.u8("target heart rate"))
    if op is ops.INDOOR_BIKE_SIMULATION_CHANGED:
        return MachineStatus(op, parameter, simulation=_read_simulation(p))
    if op is ops.WHEEL_CIRCUMFERENCE_CHANGED:
        return MachineStatus(op, parameter, wheel_circumference_mm=p.u16("circumference") / 10)
    if op is ops.SPIN_DOWN_STATUS:
        status = p.enum(SpinDownStatus, p.u8("spin down status"), "spin down status")
        return MachineStatus(op, parameter, spin_down_status=status)
    if op is ops.TARGETED_CADENCE_CHANGED:
        return MachineStatus(op, parameter, targeted_cadence_rpm=p.u16("target cadence") / 2)
    return MachineStatus(op, parameter)
