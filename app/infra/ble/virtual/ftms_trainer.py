"""A virtual FTMS smart trainer (Fitness Machine Service 0x1826) backed by `TrainerPhysics`.

GATT table: FTMS with Feature (0x2ACC, read), Indoor Bike Data (0x2AD2, notify), Supported
Resistance Level Range (0x2AD6) and Supported Power Range (0x2AD8, read), Control Point
(0x2AD9, write + indicate) and Fitness Machine Status (0x2ADA, notify); Battery (0x180F).
It advertises FTMS with the service data "indoor bike, available" (`01 20 00`).

Control point, as FTMS v1.0.1 §4.16 and real trainers behave:
- a write before indications are enabled on 0x2AD9 fails with ATT error 0xFD, a write while
  an earlier procedure is still unanswered with ATT error 0xFE;
- the answer is an indication `80 <op> <result>` sent after the write response, then a
  machine status notification for what changed;
- every procedure but Request Control needs control first (else result 0x05); control is
  per link and ends with Reset, a disconnect, or the `lose_control_after_s` fault;
- targets: power (ERG) and resistance level drive the physics directly; simulation
  parameters turn into a resistance level (the physics has no grade model, see
  `grade_to_resistance_pct`). A dropped link releases control and the brake falls back to
  the initial resistance, as trainers do.

Faults (`trainer.faults`, mutable at any time) are listed on `FtmsFaults`.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from bumble.att import ATT_Error, ErrorCode
from bumble.device import Connection
from bumble.gatt import Characteristic, CharacteristicValue, Service

from app.core.devices.errors import ProtocolError
from app.core.devices.ftms import (
    ControlOpCode,
    ControlPointRequest,
    IndoorBikeData,
    MachineFeature,
    MachineStatusOpCode,
    ResultCode,
    SimulationParameters,
    TargetSettingFeature,
    parse_control_point_request,
)
from app.core.devices.uuids import (
    FTMS_CONTROL_POINT_UUID16,
    FTMS_FEATURE_UUID16,
    FTMS_INDOOR_BIKE_DATA_UUID16,
    FTMS_MACHINE_STATUS_UUID16,
    FTMS_SERVICE_UUID16,
    FTMS_SUPPORTED_POWER_RANGE_UUID16,
    FTMS_SUPPORTED_RESISTANCE_LEVEL_RANGE_UUID16,
)
from app.infra.ble.virtual.encoders import (
    encode_control_point_response,
    encode_fitness_machine_feature,
    encode_indoor_bike_data,
    encode_machine_status,
    encode_supported_power_range,
    encode_supported_resistance_range,
    split_indoor_bike_data,
)
from app.infra.ble.virtual.peripheral import (
    PeripheralFaults,
    VirtualPeripheral,
    battery_service,
    bumble_uuid,
    guarded_write,
)
from app.infra.sim.physics import MAX_ERG_W, TrainerPhysics, grade_to_resistance_pct

__all__ = [
    "FTMS_INDOOR_BIKE_SERVICE_DATA",
    "FtmsFaults",
    "VirtualFtmsTrainer",
    "grade_to_resistance_pct",
]

logger = logging.getLogger(__name__)

FTMS_INDOOR_BIKE_SERVICE_DATA = b"\x01\x20\x00"
"""Advertised FTMS service data: flags 'available', machine type bit 5 'indoor bike'."""

MIN_POWER_W = 0
MAX_POWER_W = int(MAX_ERG_W)
POWER_INCREMENT_W = 1
MIN_RESISTANCE_LEVEL = 0.0
MAX_RESISTANCE_LEVEL = 100.0
RESISTANCE_INCREMENT = 1.0
"""Resistance levels are percent of the brake (0-100); on the wire in 0.1 units. The spec's
uint8 form therefore reaches 25.5 %, the sint16 form the whole range."""

MACHINE_FEATURES = (
    MachineFeature.CADENCE
    | MachineFeature.TOTAL_DISTANCE
    | MachineFeature.ELAPSED_TIME
    | MachineFeature.POWER_MEASUREMENT
)
TARGET_SETTING_FEATURES = (
    TargetSettingFeature.RESISTANCE
    | TargetSettingFeature.POWER
    | TargetSettingFeature.INDOOR_BIKE_SIMULATION
)


@dataclass
class FtmsFaults(PeripheralFaults):
    """Faults of the virtual FTMS trainer (all off by default)."""

    control_not_permitted: bool = False
    """Answer every control point procedure, Request Control included, with 0x05."""
    invalid_parameter: bool = False
    """Answer Set Target Power with 0x03 Invalid Parameter."""
    resistance_needs_sint16: bool = False
    """Answer the spec's uint8 Set Target Resistance form with 0x03 (Tacx Flux quirk);
    the 3-byte sint16 form works."""
    no_indication: bool = False
    """Accept control point writes at ATT level but never answer (nor act on) them: the
    client's response wait times out."""
    slow_response_s: float = 0.0
    """Delay every control point answer; a write meanwhile gets ATT 0xFE."""
    lose_control_after_s: float | None = None
    """This long after control is granted, drop it and notify Control Permission Lost
    (status 0xFF). Re-armed by every grant."""
    disconnect_mid_record: bool = False
    """One-shot: on the next Indoor Bike Data tick with a subscriber, send the first part of
    a split record and drop the link from the trainer side. Clears itself."""
    split_records: bool = False
    """Send every Indoor Bike Data record as two notifications (§4.19, More Data)."""


class VirtualFtmsTrainer(VirtualPeripheral):
    """An FTMS indoor bike trainer; the physics advances at `notify_hz` on the loop clock."""

    faults: FtmsFaults

    def __init__(
        self,
        physics: TrainerPhysics | None = None,
        name: str = "Virtual FTMS",
        notify_hz: float = 4.0,
        *,
        address: str | None = None,
        heart_rate: bool = False,
        time_scale: float = 1.0,
        battery_level: int = 87,
    ) -> None:
        """`heart_rate` adds the rider's HR to Indoor Bike Data; `time_scale` > 1 runs the
        physics faster than the loop clock (a test can watch ERG settle in a fraction of
        the brake's 2 s time constant)."""
        if notify_hz <= 0:
            raise ValueError(f"notify_hz must be positive, got {notify_hz}")
        super().__init__(
            name,
            service_uuids=[FTMS_SERVICE_UUID16],
            service_data={FTMS_SERVICE_UUID16: FTMS_INDOOR_BIKE_SERVICE_DATA},
            address=address,
            faults=FtmsFaults(),
        )
        self.physics = physics if physics is not None else TrainerPhysics()
        self.notify_hz = notify_hz
        self.heart_rate = heart_rate
        self.time_scale = time_scale
        self.battery_level = battery_level
        self._initial_resistance_pct = self.physics.resistance_pct
        self._control: Connection | None = None
        self._control_timer: asyncio.TimerHandle | None = None
        self._cp_busy: set[Connection] = set()
        self.started = False
        self.target_power_w: int | None = None
        self.target_resistance_level: float | None = None
        self.simulation: SimulationParameters | None = None
        self.requests: list[ControlPointRequest] = []
        """Every control point request that was parsed (tests inspect the sequence)."""
        self.records_sent = 0
        self._ibd: Characteristic[bytes] | None = None
        self._cp: Characteristic[bytes] | None = None
        self._status: Characteristic[bytes] | None = None
        self._battery: Characteristic[bytes] | None = None

    # --- GATT ----------------------------------------------------------------------------------

    def build_services(self) -> list[Service]:
        """FTMS and Battery."""
        read = Characteristic.Properties.READ
        feature: Characteristic[bytes] = Characteristic(
            bumble_uuid(FTMS_FEATURE_UUID16),
            read,
            Characteristic.READABLE,
            encode_fitness_machine_feature(self.machine_features, TARGET_SETTING_FEATURES),
        )
        self._ibd = Characteristic(
            bumble_uuid(FTMS_INDOOR_BIKE_DATA_UUID16),
            Characteristic.Properties.NOTIFY,
            Characteristic.Permissions(0),
        )
        resistance_range: Characteristic[bytes] = Characteristic(
            bumble_uuid(FTMS_SUPPORTED_RESISTANCE_LEVEL_RANGE_UUID16),
            read,
            Characteristic.READABLE,
            encode_supported_resistance_range(
                MIN_RESISTANCE_LEVEL, MAX_RESISTANCE_LEVEL, RESISTANCE_INCREMENT
            ),
        )
        power_range: Characteristic[bytes] = Characteristic(
            bumble_uuid(FTMS_SUPPORTED_POWER_RANGE_UUID16),
            read,
            Characteristic.READABLE,
            encode_supported_power_range(MIN_POWER_W, MAX_POWER_W, POWER_INCREMENT_W),
        )
        self._cp = Characteristic(
            bumble_uuid(FTMS_CONTROL_POINT_UUID16),
            Characteristic.Properties.WRITE | Characteristic.Properties.INDICATE,
            Characteristic.WRITEABLE,
            CharacteristicValue(write=guarded_write(self._on_cp_write, repr(self))),
        )
        self._status = Characteristic(
            bumble_uuid(FTMS_MACHINE_STATUS_UUID16),
            Characteristic.Properties.NOTIFY,
            Characteristic.Permissions(0),
        )
        ftms = Service(
            bumble_uuid(FTMS_SERVICE_UUID16),
            [feature, self._ibd, resistance_range, power_range, self._cp, self._status],
        )
        battery, self._battery = battery_service(self.battery_level)
        return [ftms, battery]

    @property
    def machine_features(self) -> MachineFeature:
        """The Fitness Machine Features this trainer reports."""
        if self.heart_rate:
            return MACHINE_FEATURES | MachineFeature.HEART_RATE_MEASUREMENT
        return MACHINE_FEATURES

    @property
    def has_control(self) -> bool:
        """A central holds control."""
        return self._control is not None

    # --- simulation ------------------------------------------------------------------------

    async def run(self) -> None:
        """Step the physics and notify Indoor Bike Data at `notify_hz`."""
        loop = asyncio.get_running_loop()
        period = 1.0 / self.notify_hz
        last = deadline = loop.time()
        while True:
            deadline += period
            await asyncio.sleep(max(0.0, deadline - loop.time()))
            now = loop.time()
            self.physics.step((now - last) * self.time_scale)
            last = now
            if now - deadline > 5 * period:
                deadline = now  # the loop stalled: do not burst to catch up
            await self._send_record()

    def reading(self) -> IndoorBikeData:
        """The current Indoor Bike Data record (whole, More Data = 0)."""
        snap = self.physics.snapshot()
        hr = snap.hr_bpm if self.heart_rate and snap.hr_bpm is not None else None
        return IndoorBikeData(
            flags=0,
            more_data=False,
            speed_kph=round((snap.speed_mps or 0.0) * 3.6, 2),
            cadence_rpm=snap.cadence_rpm or 0.0,
            total_distance_m=int(self.physics.distance_m) % (1 << 24),
            power_w=round(snap.power_w or 0.0),
            heart_rate_bpm=None if hr is None else round(hr),
            elapsed_time_s=int(self.physics.elapsed_s) % (1 << 16),
        )

    async def _send_record(self) -> None:
        assert self._ibd is not None
        if self.faults.drop_notifications or not self.any_subscriber(self._ibd):
            return
        reading = self.reading()
        if self.faults.disconnect_mid_record:
            self.faults.disconnect_mid_record = False
            first, _ = split_indoor_bike_data(reading)
            await self.notify(self._ibd, first)
            await self.disconnect()
            return
        if self.faults.split_records:
            for part in split_indoor_bike_data(reading):
                await self.notify(self._ibd, part)
        else:
            await self.notify(self._ibd, encode_indoor_bike_data(reading))
        self.records_sent += 1

    async def set_battery_level(self, level_pct: int) -> None:
        """Change the battery level and notify subscribers."""
        self.battery_level = max(0, min(100, level_pct))
        if self._battery is not None:
            self._battery.value = bytes([self.battery_level])
            await self.notify(self._battery, bytes([self.battery_level]))

    # --- control point -----------------------------------------------------------------------

    def _on_cp_write(self, connection: Connection, value: bytes) -> None:
        assert self._cp is not None
        if not self.subscribed(connection, self._cp, indicate=True):
            raise ATT_Error(ErrorCode.CCCD_IMPROPERLY_CONFIGURED)
        if connection in self._cp_busy:
            raise ATT_Error(ErrorCode.PROCEDURE_ALREADY_IN_PROGRESS)
        if self.faults.no_indication:
            return  # accepted at ATT level, then lost
        self._cp_busy.add(connection)
        self.spawn(self._procedure(connection, value))

    async def _procedure(self, connection: Connection, value: bytes) -> None:
        try:
            if self.faults.slow_response_s > 0:
                await asyncio.sleep(self.faults.slow_response_s)
            if connection not in self.connections:
                return
            op, result, statuses = self._execute(connection, value)
        finally:
            # done once answered: a client may write again as soon as the indication lands
            self._cp_busy.discard(connection)
        assert self._cp is not None and self._status is not None
        await self.indicate(connection, self._cp, encode_control_point_response(op, result))
        for status in statuses:
            await self.notify(self._status, status)

    def _execute(self, connection: Connection, value: bytes) -> tuple[int, ResultCode, list[bytes]]:
        """Run one procedure: (request op code, result, status notifications to send)."""
        op = value[0] if value else 0
        try:
            request = parse_control_point_request(value)
        except ProtocolError:
            known = op in ControlOpCode._value2member_map_ and op != ControlOpCode.RESPONSE_CODE
            return (
                op,
                ResultCode.INVALID_PARAMETER if known else ResultCode.OP_CODE_NOT_SUPPORTED,
                [],
            )
        self.requests.append(request)
        if self.faults.control_not_permitted:
            return op, ResultCode.CONTROL_NOT_PERMITTED, []
        ops = ControlOpCode
        if request.op_code is ops.REQUEST_CONTROL:
            self._grant_control(connection)
            return op, ResultCode.SUCCESS, []
        if self._control is not connection:
            return op, ResultCode.CONTROL_NOT_PERMITTED, []
        if request.op_code is ops.RESET:
            self._release_control()
            self._reset_targets()
            return op, ResultCode.SUCCESS, [encode_machine_status(MachineStatusOpCode.RESET)]
        if request.op_code is ops.SET_TARGET_POWER:
            watts = request.target_power_w
            assert watts is not None
            if self.faults.invalid_parameter or not MIN_POWER_W <= watts <= MAX_POWER_W:
                return op, ResultCode.INVALID_PARAMETER, []
            self.physics.set_erg_target(watts)
            self.target_power_w, self.target_resistance_level = watts, None
            status = encode_machine_status(
                MachineStatusOpCode.TARGET_POWER_CHANGED, request.parameter
            )
            return op, ResultCode.SUCCESS, [status]
        if request.op_code is ops.SET_TARGET_RESISTANCE_LEVEL:
            level = request.target_resistance_level
            assert level is not None
            if request.resistance_encoding == "uint8" and self.faults.resistance_needs_sint16:
                return op, ResultCode.INVALID_PARAMETER, []
            if not MIN_RESISTANCE_LEVEL <= level <= MAX_RESISTANCE_LEVEL:
                return op, ResultCode.INVALID_PARAMETER, []
            self.physics.set_resistance(level)
            self.target_resistance_level, self.target_power_w = level, None
            status = encode_machine_status(
                MachineStatusOpCode.TARGET_RESISTANCE_LEVEL_CHANGED, request.parameter
            )
            return op, ResultCode.SUCCESS, [status]
        if request.op_code is ops.SET_INDOOR_BIKE_SIMULATION:
            simulation = request.simulation
            assert simulation is not None
            self.simulation = simulation
            self.physics.set_resistance(
                grade_to_resistance_pct(simulation.grade_pct, self._initial_resistance_pct)
            )
            self.target_power_w = self.target_resistance_level = None
            status = encode_machine_status(
                MachineStatusOpCode.INDOOR_BIKE_SIMULATION_CHANGED, request.parameter
            )
            return op, ResultCode.SUCCESS, [status]
        if request.op_code is ops.START_OR_RESUME:
            if self.started:
                return op, ResultCode.OPERATION_FAILED, []
            self.started = True
            return (
                op,
                ResultCode.SUCCESS,
                [encode_machine_status(MachineStatusOpCode.STARTED_OR_RESUMED_BY_USER)],
            )
        if request.op_code is ops.STOP_OR_PAUSE:
            if not self.started:
                return op, ResultCode.OPERATION_FAILED, []
            self.started = False
            status = encode_machine_status(
                MachineStatusOpCode.STOPPED_OR_PAUSED_BY_USER, request.parameter
            )
            return op, ResultCode.SUCCESS, [status]
        return op, ResultCode.OP_CODE_NOT_SUPPORTED, []

    def _grant_control(self, connection: Connection) -> None:
        self._release_control()
        self._control = connection
        delay = self.faults.lose_control_after_s
        if delay is not None:
            loop = asyncio.get_running_loop()
            self._control_timer = loop.call_later(
                delay, lambda: self.spawn(self._lose_control(connection))
            )

    def _release_control(self) -> None:
        self._control = None
        if self._control_timer is not None:
            self._control_timer.cancel()
            self._control_timer = None

    def _reset_targets(self) -> None:
        self.started = False
        self.target_power_w = self.target_resistance_level = None
        self.simulation = None
        self.physics.set_resistance(self._initial_resistance_pct)

    async def _lose_control(self, connection: Connection) -> None:
        if self._control is not connection:
            return
        self._control_timer = None
        self._control = None
        assert self._status is not None
        await self.notify(
            self._status, encode_machine_status(MachineStatusOpCode.CONTROL_PERMISSION_LOST)
        )

    async def lose_control(self) -> None:
        """Drop control now and notify Control Permission Lost (another app took over)."""
        if self._control is not None:
            self._release_control()
            assert self._status is not None
            await self.notify(
                self._status, encode_machine_status(MachineStatusOpCode.CONTROL_PERMISSION_LOST)
            )

    def on_disconnection(self, connection: Connection, reason: int) -> None:
        """A dropped link releases control; the brake falls back to free ride."""
        if self._control is connection:
            self._release_control()
            self._reset_targets()
