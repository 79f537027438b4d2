"""The ride ticker: drives a RideSession at 1 Hz on the device loop.

Ticks are scheduled on absolute deadlines of the monotonic clock, so a late wake-up is
followed by back-to-back catch-up ticks instead of lost seconds. Trainer writes never
block a tick: one is in flight at a time and only the newest waiting command is kept.
Observers are called on the loop thread and must not block (queue, emit a signal).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from app.core.ports import Clock, ControlCommand, TrainerLink
from app.core.ride.samples import RideSummary, Sample
from app.core.ride.session import RideSession, RideState, RideStatus, status_of

log = logging.getLogger(__name__)

COMMAND_TIMEOUT_S = 3.0
TICK_S = 1.0


class LoopClock(Clock, Protocol):
    async def sleep_until(self, deadline_s: float) -> None: ...


class RideObserver(Protocol):
    def on_sample(self, sample: Sample, status: RideStatus) -> None: ...

    def on_status(self, status: RideStatus) -> None: ...

    def on_finished(self, summary: RideSummary | None, status: RideStatus) -> None: ...

    def on_trainer_message(self, message: str) -> None: ...


@dataclass
class TickTrace:
    """Monotonic time at which each tick ran; benchmarks and tests read it."""

    times_s: list[float] = field(default_factory=list)


class RideRunner:
    def __init__(
        self,
        session: RideSession,
        trainer: TrainerLink,
        clock: LoopClock,
        observers: list[RideObserver] | None = None,
    ) -> None:
        self.session = session
        self.trainer = trainer
        self.clock = clock
        self.observers = list(observers or [])
        self.trace = TickTrace()
        self._pending: ControlCommand | None = None
        self._sender: asyncio.Task[None] | None = None
        self._task: asyncio.Task[RideSummary | None] | None = None
        self._sleeping = False
        self._command_failing = False

    # -- commands from any thread go through DeviceLoop.call(lambda: runner.act(...)) ----
    def act(self, action: Callable[[RideSession], object]) -> None:
        """Apply a rider action on the loop thread and publish the new status at once."""
        if self.session.ended:
            return
        action(self.session)
        status = status_of(self.session)
        for observer in self.observers:
            observer.on_status(status)
        if not self.session.active and self._sleeping and self._task is not None:
            self._task.cancel()  # wake the ticker now instead of at the next deadline

    async def run(self) -> RideSummary | None:
        self._task = asyncio.current_task()
        await self._connect()
        if self.session.state is RideState.READY:
            self.session.start()
        next_tick_s = self.clock.monotonic_s()
        while self.session.active:
            await self._sleep_until(next_tick_s)
            if not self.session.active:
                break
            self._tick()
            next_tick_s += TICK_S
        return await self._finish()

    async def _sleep_until(self, deadline_s: float) -> None:
        """Sleep to the deadline; a finish or discard cancels the sleep (see `act`)."""
        self._sleeping = True
        try:
            await self.clock.sleep_until(deadline_s)
        except asyncio.CancelledError:
            task = asyncio.current_task()
            if self.session.active or task is None or task.cancelling() > 1:
                raise  # a real cancellation from outside, not our wake-up
            task.uncancel()
        finally:
            self._sleeping = False

    def _tick(self) -> None:
        self.trace.times_s.append(self.clock.monotonic_s())
        tick = self.session.tick(self.trainer.latest())
        if tick.command is not None:
            self._queue_command(tick.command)
        status = status_of(self.session)
        for observer in self.observers:
            observer.on_sample(tick.sample, status)

    async def _connect(self) -> None:
        try:
            await self.trainer.connect()
        except Exception as exc:  # the ride goes on; samples are flagged no-data
            log.warning("trainer connect failed: %s", exc)
            self._tell(f"Could not connect to {self.trainer.name}: {exc}")

    async def _finish(self) -> RideSummary | None:
        if self._sender is not None:
            await asyncio.gather(self._sender, return_exceptions=True)
        summary = self.session.summary() if self.session.state is RideState.FINISHED else None
        status = status_of(self.session)
        for observer in self.observers:
            observer.on_finished(summary, status)
        return summary

    # -- trainer writes ------------------------------------------------------------------
    def _queue_command(self, command: ControlCommand) -> None:
        self._pending = command
        if self._sender is None or self._sender.done():
            self._sender = asyncio.ensure_future(self._send_pending())

    async def _send_pending(self) -> None:
        while self._pending is not None:
            command, self._pending = self._pending, None
            try:
                await asyncio.wait_for(self.trainer.apply(command), COMMAND_TIMEOUT_S)
            except Exception as exc:
                self._command_failed(command, exc)
            else:
                self._command_failing = False

    def _command_failed(self, command: ControlCommand, exc: Exception) -> None:
        """Resend mode and target (with a ramp-in) once the trainer takes commands again;
        tell the rider once per failure streak, not once per second."""
        self.session.restore_control()
        if not self._command_failing:
            log.warning("trainer command %s failed: %r", command, exc)
            reason = str(exc) or type(exc).__name__
            self._tell(f"{self.trainer.name} did not take the command ({reason})")
        self._command_failing = True

    def tell(self, message: str) -> None:
        self._tell(message)

    def _tell(self, message: str) -> None:
        for observer in self.observers:
            observer.on_trainer_message(message)
