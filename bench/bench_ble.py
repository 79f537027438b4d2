"""The BLE path over the virtual radio: notification latency, control round trip, reconnect
and the CPU cost of notifications.

Every measurement drives the production links (`FtmsTrainerLink`, `RidingDevices` with
its `ConnectionSupervisor`) on real `bleak.BleakClient` objects whose backend is the
in-process virtual radio (bumble), on a fresh `asyncio.run` loop and a fresh radio per run.
What is measured is our stack plus bleak plus *both* bumble stacks (central and the
virtual peripheral): a real adapter replaces the radio half with BlueZ/D-Bus and the air.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import statistics
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, replace
from typing import TypeVar

from app.core.devices.uuids import FTMS_INDOOR_BIKE_DATA_UUID, normalize_uuid
from app.core.ports import ControlCommand, TrainerMode
from app.infra.ble.connection import NotificationHandler
from app.infra.ble.links.ftms import FtmsTrainerLink
from app.infra.ble.supervisor import ConnectionSupervisor, DeviceSession
from app.infra.ble.virtual import VirtualFtmsTrainer, VirtualRadio
from app.infra.ble.virtual.encoders import encode_indoor_bike_data
from app.infra.ble.virtual_demo import make_virtual_trainer_link
from app.infra.sim.physics import TrainerPhysics
from app.runtime.clock import MonotonicClock
from bench.harness import Figure

T = TypeVar("T")

SCENARIO_TIMEOUT_S = 30.0
"""A hung scenario fails the bench instead of stalling it."""
SILENT_HZ = 1e-6
"""The bench trainer's own notification loop never fires: the bench sends each record."""
IBD_UUID = normalize_uuid(FTMS_INDOOR_BIKE_DATA_UUID)


@dataclass(frozen=True)
class Sizes:
    runs: int = 5
    """Fresh loop + fresh radio per run; figures are the median of the per-run figures."""
    notifications: int = 200
    """Latency samples per run (one notification in flight at a time)."""
    commands: int = 50
    """`apply(ERG)` round trips per run."""
    reconnects: int = 3
    """Peripheral-side disconnects per run (default backoff; again without backoff)."""
    cpu_notifications: int = 1000
    """Notifications per CPU pass (two passes per run: whole process, link code)."""


FULL = Sizes()
QUICK = Sizes(runs=1, notifications=5, commands=3, reconnects=1, cpu_notifications=20)
"""One short iteration of everything (the smoke test)."""


# --- helpers ----------------------------------------------------------------------------------


class BenchTrainer(VirtualFtmsTrainer):
    """A virtual FTMS trainer that notifies Indoor Bike Data only when the bench says so."""

    def __init__(self) -> None:
        super().__init__(TrainerPhysics(ftp_w=200, seed=1), name="Bench FTMS", notify_hz=SILENT_HZ)

    async def send_record(self, power_w: int) -> None:
        """One whole Indoor Bike Data record (the physics' reading with this power)."""
        assert self._ibd is not None, "not on a radio"
        record = encode_indoor_bike_data(replace(self.reading(), power_w=power_w))
        await self.notify(self._ibd, record)


def _on_fresh_loop(scenario: Callable[[VirtualRadio], Awaitable[T]]) -> T:
    """`await scenario(radio)` on a new event loop and a new, started radio."""

    async def main() -> T:
        async with asyncio.timeout(SCENARIO_TIMEOUT_S), VirtualRadio() as radio:
            return await scenario(radio)

    return asyncio.run(main())


async def _connected_link(
    radio: VirtualRadio,
    trainer: VirtualFtmsTrainer,
    *,
    before_connect: Callable[[FtmsTrainerLink], None] | None = None,
) -> FtmsTrainerLink:
    link = FtmsTrainerLink(
        trainer.address, name=trainer.name, clock=MonotonicClock(), backend=radio.client_backend
    )
    if before_connect is not None:
        before_connect(link)
    await link.connect()
    return link


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(q * len(ordered)) - 1)]


def _median_of_runs(per_run: list[list[float]], q: float = 0.5) -> float:
    return statistics.median(_percentile(values, q) for values in per_run)


@contextlib.contextmanager
def _quiet_ble_logs() -> Iterator[None]:
    """The supervisor (and bumble's controller) log every deliberate link loss as a warning:
    keep the bench output to the table."""
    loggers = [logging.getLogger(name) for name in ("app.infra.ble", "bumble")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


def _power_for(i: int) -> int:
    return 100 + i % 300  # a different value each time (so a reading is recognisably new)


# --- notification -> latest() ---------------------------------------------------------------


def measure_notification_latency(samples: int) -> list[float]:
    """Seconds from `trainer.notify(Indoor Bike Data)` to `link.latest()` showing the record.

    The stamp is taken inside the link's telemetry listener (called right after the record
    is merged), once `latest().power_w` is the value just sent.
    """

    async def scenario(radio: VirtualRadio) -> list[float]:
        trainer = BenchTrainer()
        await radio.add(trainer)
        link = await _connected_link(radio, trainer)
        seen = asyncio.Event()
        expected: list[int] = [-1]
        seen_at: list[float] = [0.0]

        def on_record() -> None:
            reading = link.latest()
            if reading is not None and reading.power_w == expected[0] and not seen.is_set():
                seen_at[0] = time.perf_counter()
                seen.set()

        link.telemetry.add_listener(on_record)
        latencies: list[float] = []
        for i in range(samples + 1):  # the first one warms the path up
            expected[0] = _power_for(i)
            seen.clear()
            sent_at = time.perf_counter()
            await trainer.send_record(expected[0])
            await seen.wait()
            if i:
                latencies.append(seen_at[0] - sent_at)
        await link.disconnect()
        return latencies

    return _on_fresh_loop(scenario)


# --- apply() round trip -------------------------------------------------------------------------


def measure_control_round_trip(commands: int) -> list[float]:
    """Seconds for `await link.apply(ERG)`: lock, write with response, the 0x80 indication
    handled (the future resolved), back in the caller."""

    async def scenario(radio: VirtualRadio) -> list[float]:
        trainer = BenchTrainer()
        await radio.add(trainer)
        link = await _connected_link(radio, trainer)
        await link.apply(ControlCommand(TrainerMode.ERG, target_w=150))  # warm-up
        times: list[float] = []
        target = 0
        for i in range(commands):
            target = _power_for(i)
            started = time.perf_counter()
            await link.apply(ControlCommand(TrainerMode.ERG, target_w=target))
            times.append(time.perf_counter() - started)
        if trainer.target_power_w != target:
            raise RuntimeError(f"trainer target {trainer.target_power_w} W, sent {target} W")
        await link.disconnect()
        return times

    return _on_fresh_loop(scenario)


# --- reconnect --------------------------------------------------------------------------------


@dataclass
class ReconnectRun:
    restored_s: list[float]
    """Peripheral-side disconnect asked -> target re-applied (our on_reconnected callback)."""
    supervisor_s: list[float]
    """The supervisor's own figure: link loss noticed -> reconnect callbacks done."""
    attempts: list[int]
    """Connect attempts per reconnect."""


async def _yield_only(_delay: float) -> None:
    await asyncio.sleep(0)


def measure_reconnect(reconnects: int, *, backoff: bool) -> ReconnectRun:
    """Trainer drops the link; the supervisor reconnects (discover, subscribe, Request
    Control, Start) and `RidingDevices` re-applies the ERG target. Built the production way,
    `make_virtual_trainer_link`; `backoff=False` injects a sleep that only yields."""

    async def scenario(radio: VirtualRadio) -> ReconnectRun:
        trainer = VirtualFtmsTrainer(TrainerPhysics(ftp_w=200, seed=3), name="Bench FTMS")
        await radio.add(trainer)
        clock = MonotonicClock()
        supervisor = (
            ConnectionSupervisor(clock)  # Backoff(): 0.25 s, x2, <= 10 s, +-10 % jitter
            if backoff
            else ConnectionSupervisor(clock, sleep=_yield_only)
        )
        devices = make_virtual_trainer_link(radio, clock, supervisor=supervisor)
        restored = asyncio.Event()
        restored_at: list[float] = [0.0]

        def on_reconnected(_session: DeviceSession) -> None:
            # appended after RidingDevices' own callback, which has re-applied the target
            restored_at[0] = time.perf_counter()
            restored.set()

        devices.supervisor.on_reconnected.append(on_reconnected)
        session = devices.trainer_session
        target = 180
        await devices.connect()
        await devices.apply(ControlCommand(TrainerMode.ERG, target_w=target))
        result = ReconnectRun([], [], [])
        for _ in range(reconnects):
            restored.clear()
            attempts_before = session.attempts
            started = time.perf_counter()
            await trainer.disconnect()  # switched off and on: it forgets control and target
            await restored.wait()
            result.restored_s.append(restored_at[0] - started)
            result.attempts.append(session.attempts - attempts_before)
            if not (trainer.has_control and trainer.started and trainer.target_power_w == target):
                raise RuntimeError("control or target was not restored after the reconnect")
        result.supervisor_s = list(session.restore_times_s)
        await devices.disconnect()
        return result

    return _on_fresh_loop(scenario)


# --- CPU per notification -------------------------------------------------------------------


@dataclass
class CpuRun:
    whole_s: float
    """Process CPU for the notifications (virtual peripheral, both bumble stacks, bleak,
    BleConnection, the link, the loop)."""
    link_s: float
    """CPU inside the link's Indoor Bike Data handler only (parse, assemble, telemetry),
    timer overhead subtracted."""
    notifications: int


def _timer_pair_cost_s(n: int = 10_000) -> float:
    t0 = time.process_time()
    for _ in range(n):
        time.process_time()
        time.process_time()
    return (time.process_time() - t0) / n


def measure_cpu(notifications: int) -> CpuRun:
    """Two passes of `notifications` records, each sent once the previous one is handled
    (a paced trainer): one for the whole process, one timing the link's handler alone."""
    pair_cost_s = _timer_pair_cost_s()

    async def scenario(radio: VirtualRadio) -> CpuRun:
        trainer = BenchTrainer()
        await radio.add(trainer)
        handled = asyncio.Event()
        timing = [False]
        link_cpu = [0.0]

        def wrap_subscribe(link: FtmsTrainerLink) -> None:
            """Wrap the handler the link subscribes to Indoor Bike Data with (instance-level;
            the app code is untouched): signal the bench and, when asked, time it."""
            subscribe = link.conn.subscribe

            async def timed_subscribe(uuid: str, handler: NotificationHandler) -> None:
                if normalize_uuid(uuid) != IBD_UUID:
                    await subscribe(uuid, handler)
                    return

                def on_data(data: bytes) -> None:
                    if timing[0]:
                        t0 = time.process_time()
                        handler(data)
                        link_cpu[0] += time.process_time() - t0
                    else:
                        handler(data)
                    handled.set()

                await subscribe(uuid, on_data)

            link.conn.subscribe = timed_subscribe  # type: ignore[method-assign]

        link = await _connected_link(radio, trainer, before_connect=wrap_subscribe)

        async def send_all() -> None:
            for i in range(notifications):
                handled.clear()
                await trainer.send_record(_power_for(i))
                await handled.wait()

        await send_all()  # warm-up
        cpu0 = time.process_time()
        await send_all()
        whole = time.process_time() - cpu0
        timing[0] = True
        await send_all()
        link_only = max(0.0, link_cpu[0] - pair_cost_s * notifications)
        if link.telemetry.notifications < 3 * notifications:
            raise RuntimeError("the link did not handle every notification")
        await link.disconnect()
        return CpuRun(whole, link_only, notifications)

    return _on_fresh_loop(scenario)


# --- figures ----------------------------------------------------------------------------------


def _ms(seconds: float) -> float:
    return seconds * 1e3


def run(sizes: Sizes = FULL) -> list[Figure]:
    n = sizes.runs
    with _quiet_ble_logs():
        latency = [measure_notification_latency(sizes.notifications) for _ in range(n)]
        round_trips = [measure_control_round_trip(sizes.commands) for _ in range(n)]
        with_backoff = [measure_reconnect(sizes.reconnects, backoff=True) for _ in range(n)]
        without = [measure_reconnect(sizes.reconnects, backoff=False) for _ in range(n)]
        cpu = [measure_cpu(sizes.cpu_notifications) for _ in range(n)]

    def spread(per_run: list[list[float]], count: str) -> str:
        return (
            f"p95 {_ms(_median_of_runs(per_run, 0.95)):.2f} ms, "
            f"max {_ms(max(max(v) for v in per_run)):.2f} ms; median of {n} runs x {count}"
        )

    def reconnect_figure(runs: list[ReconnectRun], label: str, extra: str) -> Figure:
        restored = [r.restored_s for r in runs]
        supervisor = [r.supervisor_s for r in runs]
        attempts = [a for r in runs for a in r.attempts]
        return Figure(
            f"ble: reconnect -> control + target restored ({label})",
            _ms(_median_of_runs(restored)),
            "ms",
            f"{extra}p95 {_ms(_median_of_runs(restored, 0.95)):.0f} ms; supervisor's "
            f"loss->restored {_ms(_median_of_runs(supervisor)):.0f} ms; attempts "
            f"{min(attempts)}-{max(attempts)}; {n} runs x {sizes.reconnects}",
        )

    per_1000 = 1000 / sizes.cpu_notifications
    whole_ms = statistics.median(_ms(c.whole_s) * per_1000 for c in cpu)
    link_ms = statistics.median(_ms(c.link_s) * per_1000 for c in cpu)
    return [
        Figure("ble: notification -> FtmsTrainerLink.latest()",
               _ms(_median_of_runs(latency)), "ms",
               spread(latency, f"{sizes.notifications} IBD records")),
        Figure("ble: apply(ERG) control-point round trip",
               _ms(_median_of_runs(round_trips)), "ms",
               spread(round_trips, f"{sizes.commands} commands")),
        reconnect_figure(with_backoff, "default backoff", "first wait 0.25 s +-10 %; "),
        reconnect_figure(without, "no backoff", ""),
        Figure("ble: CPU per 1,000 notifications, whole process", whole_ms, "ms",
               f"{whole_ms / 1e3 * 1e6 / 1000:.0f} us each; peripheral + both bumble stacks "
               f"+ bleak + link; median of {n} x {sizes.cpu_notifications}"),
        Figure("ble: CPU per 1,000 notifications, link code only", link_ms, "ms",
               f"{link_ms / whole_ms * 100:.1f} % of whole; IBD handler: parse + assemble + "
               f"telemetry (timer cost subtracted)"),
    ]  # fmt: skip
