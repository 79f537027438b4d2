"""Smart trainers over BLE, as `TrainerLink`s: FTMS, Wahoo legacy and Tacx FE-C.

`BleakTrainerLink` (FTMS, the standard) does the control sequence the spec and real
trainers demand (shared/reference/ble-protocols-and-testing.md §1.7):

1. connect and discover (bleak-retry-connector `establish_connection` with a BLEDevice);
2. read features and the supported ranges;
3. subscribe Indoor Bike Data, Machine Status and Control Point indications *before*
   writing anything (a write first is answered with ATT 0xFD);
4. Request Control (retried once), then Start or Resume.

`apply()` keeps one control-point procedure in flight (an `asyncio.Lock`; a second one is
answered with ATT 0xFE), creates the future for the `80 <op> <result>` indication before
writing (some stacks deliver it before the write returns) and awaits it with a timeout.
Non-success results raise `TrainerCommandError` whose message is the rider-facing
`ResultCode.description`. Control Permission Lost (machine status 0xFF) or a Reset marks
control as needed; the next `apply()` requests it again first.

Resistance: the spec's uint8 form is sent first; on Invalid Parameter it is retried once
as sint16 (Tacx Flux) and the working form is remembered for the device. A resistance
percentage is mapped onto the trainer's Supported Resistance Level Range.

Simulation: `set_simulation(grade_pct, ...)`. `ControlCommand` has no grade field yet, so
`apply(SIMULATION)` uses `command.grade_pct` when the port grows one and otherwise treats
the command like `SimulatedTrainerLink` does (a brake level from `resistance_pct`).

`latest()` merges the freshest fields of every Indoor Bike Data record (split records are
assembled first) and is None when no notification arrived for `stale_after_s` (a dropout)
or the link is down. Every error `apply()` raises is a `TrainerLinkError` whose str() is a
plain sentence (the ride runner shows it to the rider).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Callable
from typing import Any, ClassVar, TypeVar

from bleak.backends.device import BLEDevice
from bleak.exc import BleakGATTProtocolError, BleakGATTProtocolErrorCode

from app.core.devices.cps import (
    CPS_WHEEL_TICKS_PER_S,
    parse_cycling_power_measurement,
)
from app.core.devices.csc import CscCalculator
from app.core.devices.errors import ProtocolError
from app.core.devices.fec import (
    GeneralFeData,
    SpecificTrainerData,
    encode_fec_basic_resistance,
    encode_fec_target_power,
    encode_fec_track_resistance,
    parse_fec_message,
)
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
    CYCLING_POWER_MEASUREMENT_UUID,
    FEC_READ_UUID,
    FEC_WRITE_UUID,
    FTMS_CONTROL_POINT_UUID,
    FTMS_FEATURE_UUID,
    FTMS_INDOOR_BIKE_DATA_UUID,
    FTMS_MACHINE_STATUS_UUID,
    FTMS_SUPPORTED_POWER_RANGE_UUID,
    FTMS_SUPPORTED_RESISTANCE_LEVEL_RANGE_UUID,
    WAHOO_TRAINER_CONTROL_UUID,
)
from app.core.devices.wahoo import (
    encode_wahoo_erg_mode,
    encode_wahoo_resistance_mode,
    encode_wahoo_sim_grade,
    encode_wahoo_sim_mode,
    encode_wahoo_unlock,
    parse_wahoo_response,
)
from app.core.ports import Clock, ControlCommand, TrainerMode
from app.infra.ble.errors import (
    ControlPointTimeout,
    TrainerCommandError,
    TrainerLinkError,
    TrainerUnavailableError,
    explain,
)
from app.infra.ble.lifecycle import LinkLifecycle
from app.infra.ble.scanner import FoundDevice, TrainerProtocol

log = logging.getLogger(__name__)

__all__ = [
    "DEFAULT_COMMAND_TIMEOUT_S",
    "BleakTrainerLink",
    "FecTrainerLink",
    "LinkStats",
    "WahooTrainerLink",
    "link_for",
]

DEFAULT_COMMAND_TIMEOUT_S = 2.5
"""A control-point answer later than this is a timeout (the runner's own limit is 3 s)."""
DEFAULT_RESISTANCE_RANGE = SupportedResistanceRange(0.0, 25.5, 0.1)
"""When a trainer does not publish 0x2AD6: the span of the spec's uint8 form."""
DEFAULT_CRR = 0.004
DEFAULT_CW_KG_PER_M = 0.51
DEFAULT_RIDER_BIKE_KG = 83.0
BUSY_RETRY_FIRST_S = 0.005
BUSY_RETRY_MAX_S = 0.1
_UINT8_MAX_LEVEL = 25.5
_KPH_PER_MPS = 3.6


class LinkStats:
    """Round-trip times of control commands (perf_counter seconds), for benchmarks."""

    def __init__(self) -> None:
        self.round_trips_s: deque[float] = deque(maxlen=1000)
        self.commands = 0
        self.timeouts = 0
        self.busy_retries = 0


_T = TypeVar("_T")


class _BleTrainerBase(LinkLifecycle):
    """Connection, telemetry, the command lock and the failure mapping every trainer shares."""

    protocol: ClassVar[TrainerProtocol]

    def __init__(
        self,
        device: BLEDevice | str,
        *,
        command_timeout_s: float = DEFAULT_COMMAND_TIMEOUT_S,
        **kwargs: Any,
    ) -> None:
        """Other keywords as `LinkLifecycle` (clock, backend, name, timeouts, device_clock)."""
        super().__init__(device, **kwargs)
        self.command_timeout_s = command_timeout_s
        self.stats = LinkStats()
        self.last_command: ControlCommand | None = None
        self._lock = asyncio.Lock()
        # the one control-point request in flight: (op code, its answer)
        self._pending: tuple[int, asyncio.Future[Any]] | None = None

    def _fail_pending(self) -> None:
        pending, self._pending = self._pending, None
        if pending is not None and not pending[1].done():
            pending[1].set_exception(TrainerUnavailableError(f"{self.name} disconnected."))
            pending[1].exception()  # mark retrieved: the awaiting side may be gone

    async def _request(self, uuid: str, data: bytes, answer: asyncio.Future[_T]) -> _T:
        """Write one control-point request and await its answer, which the notification
        handler sets on `answer`. The caller holds the lock; raises `ControlPointTimeout`
        when no answer arrives within `command_timeout_s`."""
        self._pending = (data[0], answer)
        try:
            async with asyncio.timeout(self.command_timeout_s):
                await self._write_when_free(uuid, data)
                return await answer
        except TimeoutError as exc:
            self.stats.timeouts += 1
            raise ControlPointTimeout(f"{self.name} did not answer the command in time.") from exc
        finally:
            if self._pending is not None and self._pending[1] is answer:
                self._pending = None

    # --- TrainerLink -------------------------------------------------------------------------

    async def _set_up(self) -> None:
        """Subscribe and take control."""
        async with self._lock:
            await self._bootstrap()

    async def apply(self, command: ControlCommand) -> None:
        """Send one control command; raises a `TrainerLinkError` (plain words) on failure."""
        async with self._lock:
            if not self.connected:
                raise TrainerUnavailableError(f"{self.name} is not connected.")
            started = time.perf_counter()
            try:
                await self._apply_locked(command)
            except TrainerLinkError:
                raise
            except ValueError:
                raise  # a bad command from the caller, not a device failure
            except Exception as exc:
                raise TrainerLinkError(explain(exc).message) from exc
            self.stats.round_trips_s.append(time.perf_counter() - started)
            self.stats.commands += 1
            self.last_command = command

    # --- for subclasses ----------------------------------------------------------------------

    async def _write_when_free(self, uuid: str, data: bytes) -> None:
        """Write with response; while the trainer answers ATT 0xFE (still finishing the
        previous procedure, e.g. sending its status notifications), retry after a short,
        growing pause. The caller's timeout bounds the retries."""
        pause_s = BUSY_RETRY_FIRST_S
        while True:
            try:
                await self.conn.write(uuid, data, response=True)
                return
            except BleakGATTProtocolError as exc:
                if exc.code != BleakGATTProtocolErrorCode.PROCEDURE_ALREADY_IN_PROGRESS:
                    raise
            self.stats.busy_retries += 1
            await asyncio.sleep(pause_s)
            pause_s = min(pause_s * 2, BUSY_RETRY_MAX_S)

    async def _bootstrap(self) -> None:
        raise NotImplementedError

    async def _apply_locked(self, command: ControlCommand) -> None:
        raise NotImplementedError

    def _resistance_from(self, command: ControlCommand) -> float:
        if command.resistance_pct is None:
            raise ValueError(f"{command.mode.value} command needs resistance_pct")
        return min(max(command.resistance_pct, 0.0), 100.0)

    def _target_from(self, command: ControlCommand) -> int:
        if command.target_w is None:
            raise ValueError("ERG command needs target_w")
        return max(0, command.target_w)


def _grade_of(command: ControlCommand) -> float | None:
    grade = getattr(command, "grade_pct", None)
    return None if grade is None else float(grade)


# ==============================================================================================
# FTMS
# ==============================================================================================


class BleakTrainerLink(_BleTrainerBase):
    """An FTMS (0x1826) smart trainer driven over a real `bleak.BleakClient`."""

    protocol = TrainerProtocol.FTMS

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
        grade = _grade_of(command) if command.mode is TrainerMode.SIMULATION else None
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
        async with self._lock:
            if not self.connected:
                raise TrainerUnavailableError(f"{self.name} is not connected.")
            try:
                await self._simulate(grade_pct, wind_mps, crr, cw)
            except TrainerLinkError:
                raise
            except ValueError:
                raise
            except Exception as exc:
                raise TrainerLinkError(explain(exc).message) from exc

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


# ==============================================================================================
# Wahoo legacy (KICKR before FTMS)
# ==============================================================================================

_WAHOO = "Wahoo trainer"


class WahooTrainerLink(_BleTrainerBase):
    """A legacy Wahoo KICKR: Cycling Power data, control on characteristic a026e005.

    The protocol is reverse-engineered (Auuki): unlock first, then ERG (0x42), resistance
    (0x40, load 0..1) or SIM (0x43 then grade 0x46). Each write is answered with an
    indication `<status> <op> ...`, status 0x01 = success.
    """

    protocol = TrainerProtocol.WAHOO

    def __init__(self, device: BLEDevice | str, **kwargs: Any) -> None:
        super().__init__(device, **kwargs)
        self._rates = CscCalculator(wheel_ticks_per_s=CPS_WHEEL_TICKS_PER_S)
        self._sim_mode = False

    def _reset(self) -> None:
        super()._reset()
        self._rates.reset()
        self._sim_mode = False
        self._fail_pending()

    async def _bootstrap(self) -> None:
        conn = self.conn
        if not conn.has(WAHOO_TRAINER_CONTROL_UUID):
            raise TrainerLinkError(f"{self.name} does not offer Wahoo trainer control.")
        if conn.has(CYCLING_POWER_MEASUREMENT_UUID):
            await conn.subscribe(CYCLING_POWER_MEASUREMENT_UUID, self._on_power)
        await conn.subscribe(WAHOO_TRAINER_CONTROL_UUID, self._on_control)
        await self._checked(encode_wahoo_unlock())

    async def _procedure(self, data: bytes) -> bool:
        answer: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        return await self._request(WAHOO_TRAINER_CONTROL_UUID, data, answer)

    async def _checked(self, data: bytes) -> None:
        if not await self._procedure(data):
            raise TrainerCommandError(ResultCode.OPERATION_FAILED, data[0])

    async def _apply_locked(self, command: ControlCommand) -> None:
        if command.mode is TrainerMode.ERG:
            self._sim_mode = False
            await self._checked(encode_wahoo_erg_mode(self._target_from(command)))
            return
        grade = _grade_of(command) if command.mode is TrainerMode.SIMULATION else None
        if grade is not None:
            await self._simulate(grade)
            return
        self._sim_mode = False
        load = self._resistance_from(command) / 100
        await self._checked(encode_wahoo_resistance_mode(load))

    async def set_simulation(self, grade_pct: float) -> None:
        async with self._lock:
            if not self.connected:
                raise TrainerUnavailableError(f"{self.name} is not connected.")
            try:
                await self._simulate(grade_pct)
            except (TrainerLinkError, ValueError):
                raise
            except Exception as exc:
                raise TrainerLinkError(explain(exc).message) from exc

    async def _simulate(self, grade_pct: float) -> None:
        if not self._sim_mode:
            await self._checked(
                encode_wahoo_sim_mode(DEFAULT_RIDER_BIKE_KG, DEFAULT_CRR, DEFAULT_CW_KG_PER_M)
            )
            self._sim_mode = True
        await self._checked(encode_wahoo_sim_grade(grade_pct))

    def _on_control(self, data: bytes) -> None:
        try:
            response = parse_wahoo_response(data)
        except ProtocolError as exc:
            log.debug("%s: %s", self.name, exc)
            return
        pending = self._pending
        if pending is None or pending[0] != response.request_op_code or pending[1].done():
            return
        pending[1].set_result(response.ok)

    def _on_power(self, data: bytes) -> None:
        now = self.telemetry.heard()
        try:
            m = parse_cycling_power_measurement(data)
        except ProtocolError as exc:
            log.debug("%s: %s", self.name, exc)
            return
        rates = self._rates.update(m, self.device_clock.monotonic_s())
        self.telemetry.set(now, power_w=m.power_w, cadence_rpm=rates.cadence_rpm,
                           speed_mps=rates.speed_mps)  # fmt: skip


# ==============================================================================================
# Tacx FE-C over BLE
# ==============================================================================================


class FecTrainerLink(_BleTrainerBase):
    """A Tacx trainer speaking ANT+ FE-C pages over BLE (service 6e40fec1).

    Pages 16 (speed, HR) and 25 (cadence, power) arrive on FEC2; commands are acknowledged
    frames written with response to FEC3 (the ATT write response is the acknowledgement):
    page 49 target power, page 48 basic resistance, page 51 track resistance (grade).
    """

    protocol = TrainerProtocol.FEC

    async def _bootstrap(self) -> None:
        conn = self.conn
        if not conn.has(FEC_WRITE_UUID):
            raise TrainerLinkError(f"{self.name} does not offer FE-C trainer control.")
        if conn.has(FEC_READ_UUID):
            await conn.subscribe(FEC_READ_UUID, self._on_page)

    async def _write(self, frame: bytes) -> None:
        try:
            async with asyncio.timeout(self.command_timeout_s):
                await self.conn.write(FEC_WRITE_UUID, frame, response=True)
        except TimeoutError as exc:
            self.stats.timeouts += 1
            raise ControlPointTimeout(f"{self.name} did not answer the command in time.") from exc

    async def _apply_locked(self, command: ControlCommand) -> None:
        if command.mode is TrainerMode.ERG:
            await self._write(encode_fec_target_power(self._target_from(command)))
            return
        grade = _grade_of(command) if command.mode is TrainerMode.SIMULATION else None
        if grade is not None:
            await self._write(encode_fec_track_resistance(grade, DEFAULT_CRR))
            return
        await self._write(encode_fec_basic_resistance(self._resistance_from(command)))

    async def set_simulation(self, grade_pct: float, *, crr: float = DEFAULT_CRR) -> None:
        async with self._lock:
            if not self.connected:
                raise TrainerUnavailableError(f"{self.name} is not connected.")
            try:
                await self._write(encode_fec_track_resistance(grade_pct, crr))
            except (TrainerLinkError, ValueError):
                raise
            except Exception as exc:
                raise TrainerLinkError(explain(exc).message) from exc

    def _on_page(self, data: bytes) -> None:
        now = self.telemetry.heard()
        try:
            page = parse_fec_message(data)
        except ProtocolError as exc:
            log.debug("%s: %s", self.name, exc)
            return
        if isinstance(page, SpecificTrainerData):
            cadence = None if page.cadence_rpm is None else float(page.cadence_rpm)
            power = None if page.power_w is None else float(page.power_w)
            self.telemetry.set(now, power_w=power, cadence_rpm=cadence)
        elif isinstance(page, GeneralFeData):
            hr = None if page.heart_rate_bpm is None else float(page.heart_rate_bpm)
            self.telemetry.set(now, speed_mps=page.speed_mps, hr_bpm=hr)


# ==============================================================================================

TrainerLinkType = BleakTrainerLink | WahooTrainerLink | FecTrainerLink

_LINKS: dict[TrainerProtocol, type[BleakTrainerLink | WahooTrainerLink | FecTrainerLink]] = {
    TrainerProtocol.FTMS: BleakTrainerLink,
    TrainerProtocol.WAHOO: WahooTrainerLink,
    TrainerProtocol.FEC: FecTrainerLink,
}


def link_for(found: FoundDevice, *, clock: Clock, **kwargs: Any) -> TrainerLinkType:
    """The trainer link for a scanned (or remembered) device, by its advertised services.

    FTMS is preferred over FE-C over Wahoo legacy. Raises TrainerLinkError for a device
    that is not a controllable trainer (a power meter, an HR strap).
    """
    if found.protocol is None:
        raise TrainerLinkError(f"{found.name} is not a trainer Freewheel can control.")
    cls = _LINKS[found.protocol]
    kwargs.setdefault("name", found.name)
    return cls(found.connect_target, clock=clock, **kwargs)
