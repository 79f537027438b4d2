"""A virtual legacy Wahoo KICKR (pre-FTMS firmware) backed by `TrainerPhysics`.

GATT: the Cycling Power Service (0x1818) with Measurement (0x2A63: power and crank data),
Feature, Sensor Location, and Wahoo's control characteristic a026e005-… (write +
indicate) inside it; Battery (0x180F). It advertises CPS only, as those trainers do.

Control (reverse-engineered protocol, see `app.core.devices.wahoo`): Unlock (`20 EE FC`)
first, per link; then ERG (0x42), resistance (0x40), level (0x41), SIM mode (0x43), Crr,
wind resistance, grade (0x46), wind speed and wheel circumference. Every command is
answered by an indication `01 <op> 01 00 [2-byte parameter echoed]` (Auuki's captures:
`01 42 01 00 32 00` for ERG 50 W, `01 43 01 00` for SIM mode); a refused command (locked,
bad bytes) gets `02 <op> 00 00`. Grade becomes a brake level (`grade_to_resistance_pct`).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from bumble.device import Connection
from bumble.gatt import Characteristic, CharacteristicValue, Service

from app.core.devices.errors import ProtocolError
from app.core.devices.uuids import CYCLING_POWER_SERVICE_UUID16, WAHOO_TRAINER_CONTROL_UUID
from app.core.devices.wahoo import WahooCommand, WahooOpCode, parse_wahoo_command
from app.infra.ble.virtual.cps_power_meter import (
    SENSOR_LOCATION_REAR_HUB,
    CrankModel,
    cycling_power_characteristics,
)
from app.infra.ble.virtual.encoders import (
    encode_cycling_power_measurement,
    encode_wahoo_response,
)
from app.infra.ble.virtual.ftms_trainer import grade_to_resistance_pct
from app.infra.ble.virtual.peripheral import (
    PeripheralFaults,
    VirtualPeripheral,
    battery_service,
    bumble_uuid,
    guarded_write,
)
from app.infra.sim.physics import TrainerPhysics

__all__ = ["VirtualWahooTrainer", "WahooFaults"]

_STANDARD_LEVELS = 9


@dataclass
class WahooFaults(PeripheralFaults):
    """Faults of the virtual KICKR."""

    reject_commands: bool = False
    """Refuse every command (status 0x02), unlock included."""
    no_indication: bool = False
    """Accept writes but never answer (nor act on) them."""
    slow_response_s: float = 0.0
    """Delay every answer."""


class VirtualWahooTrainer(VirtualPeripheral):
    """A legacy KICKR; the physics advances at `notify_hz` on the loop clock."""

    faults: WahooFaults

    def __init__(
        self,
        physics: TrainerPhysics | None = None,
        name: str = "Virtual KICKR",
        notify_hz: float = 4.0,
        *,
        address: str | None = None,
        time_scale: float = 1.0,
        battery_level: int = 91,
    ) -> None:
        if notify_hz <= 0:
            raise ValueError(f"notify_hz must be positive, got {notify_hz}")
        super().__init__(
            name,
            service_uuids=[CYCLING_POWER_SERVICE_UUID16],
            address=address,
            faults=WahooFaults(),
        )
        self.physics = physics if physics is not None else TrainerPhysics()
        self.notify_hz = notify_hz
        self.time_scale = time_scale
        self.battery_level = battery_level
        self.crank = CrankModel()
        self.commands: list[WahooCommand] = []
        """Every command that parsed (tests inspect the sequence)."""
        self.grade_pct = 0.0
        self.weight_kg: float | None = None
        self.crr: float | None = None
        self.wind_resistance_kg_per_m: float | None = None
        self.wind_mps: float | None = None
        self.wheel_circumference_mm: float | None = None
        self.measurements_sent = 0
        self._initial_resistance_pct = self.physics.resistance_pct
        self._unlocked: set[Connection] = set()
        self._measurement: Characteristic[bytes] | None = None
        self._control: Characteristic[bytes] | None = None

    def build_services(self) -> list[Service]:
        """CPS with the Wahoo control characteristic, and Battery."""
        self._measurement, characteristics = cycling_power_characteristics(SENSOR_LOCATION_REAR_HUB)
        self._control = Characteristic(
            bumble_uuid(WAHOO_TRAINER_CONTROL_UUID),
            Characteristic.Properties.WRITE | Characteristic.Properties.INDICATE,
            Characteristic.WRITEABLE,
            CharacteristicValue(write=guarded_write(self._on_write, repr(self))),
        )
        cps = Service(bumble_uuid(CYCLING_POWER_SERVICE_UUID16), [*characteristics, self._control])
        battery, _ = battery_service(self.battery_level)
        return [cps, battery]

    def is_unlocked(self, connection: Connection | None = None) -> bool:
        """Unlock was accepted on `connection` (default: on any link)."""
        return bool(self._unlocked) if connection is None else connection in self._unlocked

    async def run(self) -> None:
        """Step the physics and notify a CPS measurement at `notify_hz`."""
        loop = asyncio.get_running_loop()
        period = 1.0 / self.notify_hz
        last = deadline = loop.time()
        while True:
            deadline += period
            await asyncio.sleep(max(0.0, deadline - loop.time()))
            now = loop.time()
            dt = (now - last) * self.time_scale
            last = now
            self.physics.step(dt)
            snap = self.physics.snapshot()
            self.crank.advance(dt, snap.cadence_rpm or 0.0)
            assert self._measurement is not None
            if self.faults.drop_notifications or not self.any_subscriber(self._measurement):
                continue
            value = encode_cycling_power_measurement(
                round(snap.power_w or 0.0),
                crank_revolutions=self.crank.revolutions,
                crank_event_ticks=self.crank.event_ticks,
            )
            await self.notify(self._measurement, value)
            self.measurements_sent += 1

    def _on_write(self, connection: Connection, value: bytes) -> None:
        if self.faults.no_indication:
            return
        self.spawn(self._answer(connection, value))

    async def _answer(self, connection: Connection, value: bytes) -> None:
        if self.faults.slow_response_s > 0:
            await asyncio.sleep(self.faults.slow_response_s)
        if connection not in self.connections:
            return
        op = value[0] if value else 0
        ok, echo = self._execute(connection, value)
        assert self._control is not None
        await self.indicate(connection, self._control, encode_wahoo_response(op, ok=ok, echo=echo))

    def _execute(self, connection: Connection, value: bytes) -> tuple[bool, bytes]:
        try:
            command = parse_wahoo_command(value)
        except ProtocolError:
            return False, b""
        self.commands.append(command)
        if self.faults.reject_commands:
            return False, b""
        ops = WahooOpCode
        if command.op_code is ops.UNLOCK:
            self._unlocked.add(connection)
            return True, b""
        if connection not in self._unlocked:
            return False, b""
        echo = command.parameter if len(command.parameter) == 2 else b""
        if command.op_code is ops.SET_ERG_MODE:
            assert command.target_power_w is not None
            self.physics.set_erg_target(command.target_power_w)
        elif command.op_code is ops.SET_RESISTANCE_MODE:
            assert command.resistance_load is not None
            self.physics.set_resistance(command.resistance_load * 100.0)
        elif command.op_code is ops.SET_STANDARD_MODE:
            assert command.standard_level is not None
            self.physics.set_resistance(command.standard_level * 100.0 / _STANDARD_LEVELS)
        elif command.op_code is ops.SET_SIM_MODE:
            self.weight_kg = command.weight_kg
            self.crr = command.crr
            self.wind_resistance_kg_per_m = command.wind_resistance_kg_per_m
            self._apply_grade()
        elif command.op_code is ops.SET_SIM_GRADE:
            assert command.grade_pct is not None
            self.grade_pct = command.grade_pct
            self._apply_grade()
        elif command.op_code is ops.SET_SIM_CRR:
            self.crr = command.crr
        elif command.op_code is ops.SET_SIM_WIND_RESISTANCE:
            self.wind_resistance_kg_per_m = command.wind_resistance_kg_per_m
        elif command.op_code is ops.SET_SIM_WIND_SPEED:
            self.wind_mps = command.wind_mps
        elif command.op_code is ops.SET_WHEEL_CIRCUMFERENCE:
            self.wheel_circumference_mm = command.wheel_circumference_mm
        return True, echo

    def _apply_grade(self) -> None:
        self.physics.set_resistance(
            grade_to_resistance_pct(self.grade_pct, self._initial_resistance_pct)
        )

    def on_disconnection(self, connection: Connection, reason: int) -> None:
        """A dropped link forgets its unlock; the brake falls back to free ride."""
        if connection in self._unlocked:
            self._unlocked.discard(connection)
            self.physics.set_resistance(self._initial_resistance_pct)
