"""Tacx trainers speaking ANT+ FE-C pages over BLE (service 6e40fec1, see `FecTrainerLink`)."""

from __future__ import annotations

import asyncio
import logging

from app.core.devices.errors import ProtocolError
from app.core.devices.fec import (
    GeneralFeData,
    SpecificTrainerData,
    encode_fec_basic_resistance,
    encode_fec_target_power,
    encode_fec_track_resistance,
    parse_fec_message,
)
from app.core.devices.uuids import FEC_READ_UUID, FEC_WRITE_UUID
from app.core.ports import ControlCommand, TrainerMode
from app.infra.ble.errors import TrainerLinkError
from app.infra.ble.links.base import DEFAULT_CRR, TrainerLinkBase, grade_of

log = logging.getLogger(__name__)

__all__ = ["FecTrainerLink"]


class FecTrainerLink(TrainerLinkBase):
    """A Tacx trainer speaking ANT+ FE-C pages over BLE (service 6e40fec1).

    Pages 16 (speed, HR) and 25 (cadence, power) arrive on FEC2; commands are acknowledged
    frames written with response to FEC3 (the ATT write response is the acknowledgement):
    page 49 target power, page 48 basic resistance, page 51 track resistance (grade).
    """

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
            raise self._timed_out() from exc

    async def _apply_locked(self, command: ControlCommand) -> None:
        if command.mode is TrainerMode.ERG:
            await self._write(encode_fec_target_power(self._target_from(command)))
            return
        grade = grade_of(command) if command.mode is TrainerMode.SIMULATION else None
        if grade is not None:
            await self._write(encode_fec_track_resistance(grade, DEFAULT_CRR))
            return
        await self._write(encode_fec_basic_resistance(self._resistance_from(command)))

    async def set_simulation(self, grade_pct: float, *, crr: float = DEFAULT_CRR) -> None:
        """SIM mode: the grade in %."""
        await self._exclusively(lambda: self._write(encode_fec_track_resistance(grade_pct, crr)))

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
