"""Legacy Wahoo KICKR trainers (before FTMS firmware): Cycling Power data, control on
Wahoo's own characteristic a026e005 (see `WahooTrainerLink`)."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from bleak.backends.device import BLEDevice

from app.core.devices.cps import CPS_WHEEL_TICKS_PER_S, parse_cycling_power_measurement
from app.core.devices.csc import CscCalculator
from app.core.devices.errors import ProtocolError
from app.core.devices.ftms import ResultCode
from app.core.devices.uuids import CYCLING_POWER_MEASUREMENT_UUID, WAHOO_TRAINER_CONTROL_UUID
from app.core.devices.wahoo import (
    encode_wahoo_erg_mode,
    encode_wahoo_resistance_mode,
    encode_wahoo_sim_grade,
    encode_wahoo_sim_mode,
    encode_wahoo_unlock,
    parse_wahoo_response,
)
from app.core.ports import ControlCommand, TrainerMode
from app.infra.ble.errors import TrainerCommandError, TrainerLinkError
from app.infra.ble.links.base import (
    DEFAULT_CRR,
    DEFAULT_CW_KG_PER_M,
    DEFAULT_RIDER_BIKE_KG,
    TrainerLinkBase,
    grade_of,
)

log = logging.getLogger(__name__)

__all__ = ["WahooTrainerLink"]


class WahooTrainerLink(TrainerLinkBase):
    """A legacy Wahoo KICKR: Cycling Power data, control on characteristic a026e005.

    The protocol is reverse-engineered (Auuki): unlock first, then ERG (0x42), resistance
    (0x40, load 0..1) or SIM (0x43 then grade 0x46). Each write is answered with an
    indication `<status> <op> ...`, status 0x01 = success.
    """

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
        grade = grade_of(command) if command.mode is TrainerMode.SIMULATION else None
        if grade is not None:
            await self._simulate(grade)
            return
        self._sim_mode = False
        load = self._resistance_from(command) / 100
        await self._checked(encode_wahoo_resistance_mode(load))

    async def set_simulation(self, grade_pct: float) -> None:
        """SIM mode: the grade in %."""
        await self._exclusively(lambda: self._simulate(grade_pct))

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
