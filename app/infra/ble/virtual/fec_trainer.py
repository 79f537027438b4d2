"""A virtual Tacx trainer speaking ANT+ FE-C over BLE, backed by `TrainerPhysics`.

GATT: service 6e40fec1-… with FEC2 (notify: ANT broadcast frames, trainer → app) and FEC3
(write, with or without response: ANT acknowledged frames, app → trainer). Every tick it
notifies page 16 (General FE Data) then page 25 (Specific Trainer Data). Written frames
are checked (sync, length, checksum) and pages 48 (basic resistance), 49 (target power)
and 51 (track resistance: grade becomes a brake level) drive the physics; anything else
is ignored, as a trainer ignores what it does not understand. It advertises the FE-C
service UUID (128-bit), which leaves 8 bytes for the name in a legacy advertisement.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from bumble.device import Connection
from bumble.gatt import Characteristic, CharacteristicValue, Service

from app.core.devices.errors import ProtocolError
from app.core.devices.fec import (
    BasicResistance,
    FecPage,
    TargetPower,
    TargetPowerLimit,
    TrackResistance,
    parse_fec_message,
)
from app.core.devices.uuids import FEC_READ_UUID, FEC_SERVICE_UUID, FEC_WRITE_UUID
from app.infra.ble.virtual.encoders import (
    encode_fec_general_fe_data,
    encode_fec_specific_trainer_data,
)
from app.infra.ble.virtual.ftms_trainer import grade_to_resistance_pct
from app.infra.ble.virtual.peripheral import (
    PeripheralFaults,
    VirtualPeripheral,
    bumble_uuid,
    guarded_write,
)
from app.infra.sim.physics import ERG_FULL_CADENCE_RPM, TrainerPhysics

__all__ = ["FecFaults", "VirtualFecTrainer"]

_FE_STATE_IN_USE = 3


@dataclass
class FecFaults(PeripheralFaults):
    """Faults of the virtual FE-C trainer."""

    bad_checksum: bool = False
    """Corrupt the checksum of every notified frame (a garbled link)."""
    ignore_commands: bool = False
    """Accept writes at ATT level but act on none of them."""


class VirtualFecTrainer(VirtualPeripheral):
    """A Tacx FE-C trainer; the physics advances at `notify_hz` on the loop clock."""

    faults: FecFaults

    def __init__(
        self,
        physics: TrainerPhysics | None = None,
        name: str = "Tacx Sim",
        notify_hz: float = 4.0,
        *,
        address: str | None = None,
        time_scale: float = 1.0,
    ) -> None:
        if notify_hz <= 0:
            raise ValueError(f"notify_hz must be positive, got {notify_hz}")
        super().__init__(
            name, service_uuids=[FEC_SERVICE_UUID], address=address, faults=FecFaults()
        )
        self.physics = physics if physics is not None else TrainerPhysics()
        self.notify_hz = notify_hz
        self.time_scale = time_scale
        self.commands: list[FecPage] = []
        """Every command page that was accepted (tests inspect the sequence)."""
        self.rejected_frames = 0
        """Written frames that failed the frame checks."""
        self.grade_pct: float | None = None
        self.crr: float | None = None
        self.frames_sent = 0
        self._initial_resistance_pct = self.physics.resistance_pct
        self._event_count = 0
        self._accumulated_power_w = 0
        self._notify: Characteristic[bytes] | None = None

    def build_services(self) -> list[Service]:
        """The FE-C service."""
        self._notify = Characteristic(
            bumble_uuid(FEC_READ_UUID),
            Characteristic.Properties.NOTIFY,
            Characteristic.Permissions(0),
        )
        write: Characteristic[bytes] = Characteristic(
            bumble_uuid(FEC_WRITE_UUID),
            Characteristic.Properties.WRITE | Characteristic.Properties.WRITE_WITHOUT_RESPONSE,
            Characteristic.WRITEABLE,
            CharacteristicValue(write=guarded_write(self._on_write, repr(self))),
        )
        return [Service(bumble_uuid(FEC_SERVICE_UUID), [self._notify, write])]

    async def run(self) -> None:
        """Step the physics and notify pages 16 and 25 at `notify_hz`."""
        loop = asyncio.get_running_loop()
        period = 1.0 / self.notify_hz
        last = deadline = loop.time()
        while True:
            deadline += period
            await asyncio.sleep(max(0.0, deadline - loop.time()))
            now = loop.time()
            self.physics.step((now - last) * self.time_scale)
            last = now
            assert self._notify is not None
            if self.faults.drop_notifications or not self.any_subscriber(self._notify):
                continue
            for frame in self._frames():
                await self.notify(self._notify, frame)
                self.frames_sent += 1

    def _frames(self) -> list[bytes]:
        snap = self.physics.snapshot()
        power = round(snap.power_w or 0.0)
        cadence = round(snap.cadence_rpm or 0.0)
        self._event_count = (self._event_count + 1) % 256
        self._accumulated_power_w = (self._accumulated_power_w + power) % (1 << 16)
        limit = TargetPowerLimit.AT_TARGET_OR_NONE
        if self.physics.erg_target_w and cadence < ERG_FULL_CADENCE_RPM:
            limit = TargetPowerLimit.SPEED_TOO_LOW
        frames = [
            encode_fec_general_fe_data(
                elapsed_time_s=self.physics.elapsed_s,
                distance_m=self.physics.distance_m,
                speed_mps=snap.speed_mps or 0.0,
                fe_state=_FE_STATE_IN_USE,
            ),
            encode_fec_specific_trainer_data(
                update_event_count=self._event_count,
                cadence_rpm=cadence,
                accumulated_power_w=self._accumulated_power_w,
                power_w=power,
                fe_state=_FE_STATE_IN_USE,
                target_power_limit=limit,
            ),
        ]
        if self.faults.bad_checksum:
            frames = [frame[:-1] + bytes([frame[-1] ^ 0xFF]) for frame in frames]
        return frames

    def _on_write(self, connection: Connection, value: bytes) -> None:
        if self.faults.ignore_commands:
            return
        try:
            page = parse_fec_message(value)
        except ProtocolError:
            self.rejected_frames += 1
            return
        if isinstance(page, TargetPower):
            self.physics.set_erg_target(page.watts)
        elif isinstance(page, BasicResistance):
            self.physics.set_resistance(page.resistance_pct)
        elif isinstance(page, TrackResistance):
            self.grade_pct = 0.0 if page.grade_pct is None else page.grade_pct
            self.crr = page.crr
            self.physics.set_resistance(
                grade_to_resistance_pct(self.grade_pct, self._initial_resistance_pct)
            )
        else:
            return
        self.commands.append(page)
