"""Smart trainers over the Fitness Machine Service (FTMS, 0x1826), the standard.

`FtmsTrainerLink` does the control sequence the spec and real trainers demand
(shared/reference/ble-protocols-and-testing.md §1.7):

1. connect and discover (bleak-retry-connector `establish_connection` with a BLEDevice);
2. read features and the supported ranges;
3. subscribe Indoor Bike Data, Machine Status and Control Point indications *before*
   writing anything (a write first is answered with ATT 0xFD);
4. Request Control (retried once), then Start or Resume.

`apply()` awaits the `80 <op> <result>` indication of each command with a timeout (one
procedure in flight, see `TrainerLinkBase`). Non-success results raise
`TrainerCommandError` whose message is the rider-facing `ResultCode.description`.
Control Permission Lost (machine status 0xFF) or a Reset marks control as needed; the
next `apply()` requests it again first.

Resistance: the spec's uint8 form is sent first; on Invalid Parameter it is retried once
as sint16 (Tacx Flux) and the working form is remembered for the device. A resistance
percentage is mapped onto the trainer's Supported Resistance Level Range.

Simulation: `set_simulation(grade_pct, ...)`. `ControlCommand` has no grade field yet, so
`apply(SIMULATION)` uses `command.grade_pct` when the port grows one and otherwise treats
the command like `SimulatedTrainerLink` does (a brake level from `resistance_pct`).

`latest()` merges the freshest fields of every Indoor Bike Data record (split records are
assembled first) and is None when no notification arrived for `stale_after_s` (a dropout)
or the link is down.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from bleak.backends.device import BLEDevice

from app.core.devices.errors import ProtocolError
from app.core.devices.ftms import (
    ControlOpCode,
    FitnessMachineFeature,
    IndoorBikeDataAssembler,
    MachineStatus,
    MachineStatusOpCode,
    ResistanceEncoding,
    ResultCode,
    SupportedPowerRange,
    SupportedResistanceRange,
    encode_request_control,
    encode_set_indoor_bike_simulation,
    encode_set_target_power,
    encode_set_target_resistance,
    encode_start_or_resume,
    parse_control_point_response,
    parse_fitness_machine_feature,
    parse_machine_status,
    parse_supported_power_range,
    parse_supported_resistance_range,
)
from app.core.devices.uuids import (
    FTMS_CONTROL_POINT_UUID,
    FTMS_FEATURE_UUID,
    FTMS_INDOOR_BIKE_DATA_UUID,
    FTMS_MACHINE_STATUS_UUID,
    FTMS_SUPPORTED_POWER_RANGE_UUID,
    FTMS_SUPPORTED_RESISTANCE_LEVEL_RANGE_UUID,
)
from app.core.ports import ControlCommand, TrainerMode
from app.infra.ble.errors import ControlPointTimeout, TrainerCommandError, TrainerLinkError
from app.infra.ble.links.base import (
    DEFAULT_CRR,
    DEFAULT_CW_KG_PER_M,
    TrainerLinkBase,
    grade_of,
)

log = logging.getLogger(__name__)

__all__ = ["DEFAULT_RESISTANCE_RANGE", "FtmsTrainerLink"]

DEFAULT_RESISTANCE_RANGE = SupportedResistanceRange(0.0, 25.5, 0.1)
"""When a trainer does not publish 0x2AD6: the span of the spec's uint8 form."""
_UINT8_MAX_LEVEL = 25.5
_KPH_PER_MPS = 3.6


class FtmsTrainerLink(TrainerLinkBase):
    """An FTMS (0x1826) smart trainer driven over a real `bleak.BleakClient`."""

    def __init__(self, device: BLEDevice | str, **kwargs: Any) -> None:
        super().__init__(device, **kwargs)
        self.features: FitnessMachineFeature | None = None
        self.power_range: SupportedPowerRange | None = None
        self.resistance_range: SupportedResistanceRange | None = None
        self.resistance_encoding: ResistanceEncoding | None = None
        """The Set Target Resistance form this trainer takes, once known (kept across
        reconnects: it is a property of the device)."""
        self.needs_control = True
        self.control_lost_count = 0
        self.control_requests = 0
        self._assembler = IndoorBikeDataAssembler()
        self._status_listeners: list[Callable[[MachineStatus], None]] = []

    def add_status_listener(self, listener: Callable[[MachineStatus], None]) -> None:
        """Called with every Fitness Machine Status notification (after it is handled)."""
        self._status_listeners.append(listener)

    # --- session -----------------------------------------------------------------------------

    def _reset(self) -> None:
        super()._reset()
        self._assembler.reset()
        self.needs_control = True
        self._fail_pending()

    async def _bootstrap(self) -> None:
        conn = self.conn
        if not conn.has(FTMS_CONTROL_POINT_UUID):
            raise TrainerLinkError(
                f"{self.name} does not offer trainer control (no FTMS control point)."
            )
        await self._read_capabilities()
        if conn.has(FTMS_INDOOR_BIKE_DATA_UUID):
            await conn.subscribe(FTMS_INDOOR_BIKE_DATA_UUID, self._on_bike_data)
        if conn.has(FTMS_MACHINE_STATUS_UUID):
            await conn.subscribe(FTMS_MACHINE_STATUS_UUID, self._on_machine_status)
        await conn.subscribe(FTMS_CONTROL_POINT_UUID, self._on_control_point)
        await self._request_control(retries=1)
        await self._start()

    async def _read_capabilities(self) -> None:
        conn = self.conn
        for uuid, parse, attr in (
            (FTMS_FEATURE_UUID, parse_fitness_machine_feature, "features"),
            (FTMS_SUPPORTED_POWER_RANGE_UUID, parse_supported_power_range, "power_range"),
            (
                FTMS_SUPPORTED_RESISTANCE_LEVEL_RANGE_UUID,
                parse_supported_resistance_range,
                "resistance_range",
            ),
        ):
            if not conn.has(uuid):
                continue
            try:
                setattr(self, attr, parse(await conn.read(uuid)))
            except ProtocolError as exc:
                log.warning("%s: ignoring unreadable %s: %s", self.name, attr, exc)

    async def _request_control(self, *, retries: int = 1) -> None:
        """Request Control; a refusal or a missing answer is retried `retries` times."""
        attempt = 0
        while True:
            attempt += 1
            self.control_requests += 1
            try:
                result, _ = await self._procedure(encode_request_control())
            except ControlPointTimeout:
                if attempt > retries:
                    raise
                continue
            if result is ResultCode.SUCCESS:
                self.needs_control = False
                return
            if attempt > retries:
                raise TrainerCommandError(result, ControlOpCode.REQUEST_CONTROL)
            log.info("%s: Request Control answered %s; retrying", self.name, result.name)

    async def _start(self) -> None:
        result, _ = await self._procedure(encode_start_or_resume())
        if result is ResultCode.CONTROL_NOT_PERMITTED:
            raise TrainerCommandError(result, ControlOpCode.START_OR_RESUME)
        if result is not ResultCode.SUCCESS:  # e.g. "already started": harmless
            log.info("%s: Start answered %s", self.name, result.name)

    # --- control point -------------------------------------------------------------------------

    async def _procedure(self, data: bytes) -> tuple[ResultCode, bytes]:
        """One control-point procedure: write with response, await the 0x80 indication.

        The caller holds the lock. Returns (result, response parameter); raises
        `ControlPointTimeout` when no answer arrives within `command_timeout_s`.
        """
        answer: asyncio.Future[tuple[ResultCode, bytes]] = (
            asyncio.get_running_loop().create_future()
        )
        return await self._request(FTMS_CONTROL_POINT_UUID, data, answer)

    async def _command(self, data: bytes) -> ResultCode:
        """Send a target: take control first when needed, and once more if refused."""
        if self.needs_control:
            await self._request_control(retries=1)
        result, _ = await self._procedure(data)
        if result is ResultCode.CONTROL_NOT_PERMITTED:
            self.needs_control = True
            await self._request_control(retries=0)
            result, _ = await self._procedure(data)
        return result

    async def _apply_locked(self, command: ControlCommand) -> None:
        if command.mode is TrainerMode.ERG:
            await self._checked(encode_set_target_power(self.power_target_for(command)))
            return
        grade = grade_of(command) if command.mode is TrainerMode.SIMULATION else None
        if grade is not None:
            await self._simulate(grade, 0.0, DEFAULT_CRR, DEFAULT_CW_KG_PER_M)
            return
        await self._set_resistance(self._resistance_from(command))

    async def _checked(self, data: bytes) -> None:
        result = await self._command(data)
        if result is not ResultCode.SUCCESS:
            raise TrainerCommandError(result, data[0])

    async def _set_resistance(self, pct: float) -> None:
        """Spec uint8 form first; on Invalid Parameter once more as sint16, remembered.

        A level above 25.5 cannot travel as uint8 at all and goes as sint16 directly.
        """
        level = self.resistance_level_for(pct)
        known = self.resistance_encoding
        fits_uint8 = 0 <= level <= _UINT8_MAX_LEVEL
        encoding: ResistanceEncoding = (known or "uint8") if fits_uint8 else "sint16"
        result = await self._command(encode_set_target_resistance(level, encoding))
        if result is ResultCode.INVALID_PARAMETER and encoding == "uint8" and known is None:
            log.info("%s: uint8 resistance refused; trying sint16", self.name)
            encoding = "sint16"
            result = await self._command(encode_set_target_resistance(level, encoding))
            if result is ResultCode.SUCCESS:
                self.resistance_encoding = "sint16"
        elif result is ResultCode.SUCCESS and encoding == "uint8":
            self.resistance_encoding = "uint8"
        if result is not ResultCode.SUCCESS:
            raise TrainerCommandError(result, ControlOpCode.SET_TARGET_RESISTANCE_LEVEL)

    def power_target_for(self, command: ControlCommand) -> int:
        """The ERG target, kept inside the trainer's Supported Power Range when known."""
        watts = self._target_from(command)
        span = self.power_range
        if span is not None:
            watts = min(max(watts, span.minimum_w), span.maximum_w)
        return watts

    def resistance_level_for(self, pct: float) -> float:
        """A 0-100 % brake level on this trainer's resistance scale (0.1 steps)."""
        span = self.resistance_range or DEFAULT_RESISTANCE_RANGE
        level = span.minimum_level + (span.maximum_level - span.minimum_level) * pct / 100
        step = span.increment_level if span.increment_level > 0 else 0.1
        level = span.minimum_level + round((level - span.minimum_level) / step) * step
        return round(min(max(level, span.minimum_level), span.maximum_level), 1)

    async def set_simulation(
        self,
        grade_pct: float,
        *,
        wind_mps: float = 0.0,
        crr: float = DEFAULT_CRR,
        cw: float = DEFAULT_CW_KG_PER_M,
    ) -> None:
        """SIM mode: Set Indoor Bike Simulation Parameters (grade in %)."""
        await self._exclusively(lambda: self._simulate(grade_pct, wind_mps, crr, cw))

    async def _simulate(self, grade_pct: float, wind_mps: float, crr: float, cw: float) -> None:
        await self._checked(encode_set_indoor_bike_simulation(wind_mps, grade_pct, crr, cw))

    # --- notifications -------------------------------------------------------------------------

    def _on_control_point(self, data: bytes) -> None:
        try:
            response = parse_control_point_response(data)
        except ProtocolError as exc:
            log.warning("%s: %s", self.name, exc)
            return
        pending = self._pending
        if pending is None or pending[0] != response.request_op_code or pending[1].done():
            log.debug("%s: unexpected control point answer %s", self.name, data.hex(" "))
            return
        pending[1].set_result((response.result, response.parameter))

    def _on_machine_status(self, data: bytes) -> None:
        try:
            status = parse_machine_status(data)
        except ProtocolError as exc:
            log.debug("%s: %s", self.name, exc)
            return
        if status.op_code is MachineStatusOpCode.CONTROL_PERMISSION_LOST:
            log.info("%s: control permission lost; will request it again", self.name)
            self.needs_control = True
            self.control_lost_count += 1
        elif status.op_code is MachineStatusOpCode.RESET:
            self.needs_control = True
        for listener in list(self._status_listeners):
            listener(status)

    def _on_bike_data(self, data: bytes) -> None:
        now = self.telemetry.heard()
        try:
            records = self._assembler.feed(data)
        except ProtocolError as exc:
            log.debug("%s: %s", self.name, exc)
            return
        for record in records:
            self.telemetry.set(
                now,
                power_w=record.power_w,
                cadence_rpm=record.cadence_rpm,
                hr_bpm=record.heart_rate_bpm,
                speed_mps=None if record.speed_kph is None else record.speed_kph / _KPH_PER_MPS,
            )
