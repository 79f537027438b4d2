"""A virtual radio populated with one of each virtual device, for `--virtual-ble`
(`freewheel devices scan`, `freewheel ride`, the desktop app's Devices screen).

The `app.infra.ble.virtual` package (bumble) is imported lazily: it is an optional
dependency (extras `test` / `virtual`), and the app must start without it.

The demo rider: an FTMS trainer driven by `TrainerPhysics`; a crank power meter reading
the trainer's power 3 % low (so power match has something to learn) and its cadence; a
heart-rate strap following the rider's heart rate; plus a legacy Wahoo KICKR and a Tacx
FE-C trainer, so a scan shows every kind. Everything runs on the event loop that called
`start_virtual_demo()`: in the app that is the device loop.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from app.core.ports import Clock
from app.infra.ble.links.ftms import FtmsTrainerLink
from app.infra.ble.links.sensors import HeartRateLink, PowerMeterLink
from app.infra.ble.supervisor import ConnectionSupervisor, RidingDevices

if TYPE_CHECKING:
    from app.infra.ble.virtual import (
        VirtualFecTrainer,
        VirtualFtmsTrainer,
        VirtualHeartRateStrap,
        VirtualPowerMeter,
        VirtualRadio,
        VirtualWahooTrainer,
    )

__all__ = [
    "DemoRadio",
    "make_virtual_trainer_link",
    "open_virtual_radio_with_demo_devices",
    "start_virtual_demo",
]

POWER_METER_SCALE = 0.97
"""The demo power meter reads the trainer's power this much low."""
_BASE_NOTIFY_HZ = 4.0
_MAX_NOTIFY_HZ = 40.0


class _RealTimeClock:
    """Real time, for device-time rates (infra may not import the runtime clocks)."""

    def monotonic_s(self) -> float:
        return time.monotonic()

    def wall(self) -> datetime:
        return datetime.now(UTC)


@dataclass
class DemoRadio:
    radio: VirtualRadio
    trainer: VirtualFtmsTrainer
    power_meter: VirtualPowerMeter
    hr_strap: VirtualHeartRateStrap
    wahoo: VirtualWahooTrainer
    fec: VirtualFecTrainer

    async def close(self) -> None:
        await self.radio.stop()


async def start_virtual_demo(
    *, ftp_w: float = 200.0, seed: int = 1, time_scale: float = 1.0
) -> DemoRadio:
    """Start a radio with the demo devices on the running loop; `await demo.close()`.

    `time_scale` > 1 runs the physics (and the notification rate) faster than real time,
    for rides on an accelerated clock.
    """
    from app.infra.ble.virtual import (
        VirtualFecTrainer,
        VirtualFtmsTrainer,
        VirtualHeartRateStrap,
        VirtualPowerMeter,
        VirtualRadio,
        VirtualWahooTrainer,
    )
    from app.infra.sim.physics import TrainerPhysics

    notify_hz = min(_BASE_NOTIFY_HZ * time_scale, _MAX_NOTIFY_HZ)
    radio = VirtualRadio()
    await radio.start()
    try:
        physics = TrainerPhysics(ftp_w=ftp_w, seed=seed)
        trainer = VirtualFtmsTrainer(
            physics, name="Freewheel FTMS", notify_hz=notify_hz, time_scale=time_scale
        )

        def meter_power() -> float:
            return (physics.snapshot().power_w or 0.0) * POWER_METER_SCALE

        def cadence() -> float:
            return physics.snapshot().cadence_rpm or 0.0

        def heart_rate() -> float:
            return physics.snapshot().hr_bpm or 60.0

        power_meter = VirtualPowerMeter(
            meter_power,
            "Freewheel Power",
            cadence_rpm_source=cadence,
            notify_hz=min(2.0 * time_scale, 10.0),
        )
        hr_strap = VirtualHeartRateStrap(
            heart_rate, "Freewheel HRM", notify_hz=min(1.0 * time_scale, 10.0)
        )
        wahoo = VirtualWahooTrainer(
            TrainerPhysics(ftp_w=ftp_w, seed=seed + 1), name="KICKR Demo", notify_hz=notify_hz
        )
        fec = VirtualFecTrainer(TrainerPhysics(ftp_w=ftp_w, seed=seed + 2), name="Tacx FEC")
        for peripheral in (trainer, power_meter, hr_strap, wahoo, fec):
            await radio.add(peripheral)
    except BaseException:
        await radio.stop()
        raise
    return DemoRadio(radio, trainer, power_meter, hr_strap, wahoo, fec)


@asynccontextmanager
async def open_virtual_radio_with_demo_devices(**kwargs: Any) -> AsyncIterator[DemoRadio]:
    """`async with open_virtual_radio_with_demo_devices() as demo:` (see `start_virtual_demo`)."""
    demo = await start_virtual_demo(**kwargs)
    try:
        yield demo
    finally:
        await demo.close()


def make_virtual_trainer_link(
    radio: VirtualRadio | DemoRadio,
    clock: Clock,
    *,
    supervisor: ConnectionSupervisor | None = None,
    **link_kwargs: Any,
) -> RidingDevices:
    """The ride's `TrainerLink` over the virtual radio: the FTMS trainer, power meter and
    HR strap found on it, connected by address (no scan), supervised and merged by role."""
    from app.infra.ble.virtual import VirtualFtmsTrainer, VirtualHeartRateStrap, VirtualPowerMeter

    demo = radio if isinstance(radio, DemoRadio) else None
    the_radio = demo.radio if demo is not None else radio
    assert not isinstance(the_radio, DemoRadio)
    backend = the_radio.client_backend

    def first(kind: type[Any]) -> Any:
        return next((p for p in the_radio.peripherals if isinstance(p, kind)), None)

    trainer = first(VirtualFtmsTrainer)
    if trainer is None:
        raise LookupError("the virtual radio has no FTMS trainer")
    meter, strap = first(VirtualPowerMeter), first(VirtualHeartRateStrap)
    common: dict[str, Any] = {"clock": clock, "backend": backend, **link_kwargs}
    # The virtual sensors' crank events tick in real time even when the ride clock runs
    # faster: time revolution rates on a real-time clock.
    meter_kwargs = {"device_clock": _RealTimeClock(), **common}
    power = (
        None if meter is None else PowerMeterLink(meter.address, name=meter.name, **meter_kwargs)
    )
    hr = None if strap is None else HeartRateLink(strap.address, name=strap.name, **common)
    return RidingDevices(
        FtmsTrainerLink(trainer.address, name=trainer.name, **common),
        clock=clock,
        power_meter=power,
        hr_strap=hr,
        supervisor=supervisor,
    )
