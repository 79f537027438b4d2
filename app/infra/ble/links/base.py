"""What every smart-trainer link shares, whatever protocol it speaks.

A trainer link is a `LinkLifecycle` (connect, telemetry, lost-link listeners) that also
takes control commands. This base keeps one control procedure in flight (an
`asyncio.Lock`: a second one is answered with ATT 0xFE), writes a request and awaits the
answer the protocol's notification handler sets on a future created *before* writing
(some stacks deliver it before the write returns), retries a write the trainer answers
with ATT 0xFE (still busy) after a short, growing pause, and maps every failure to a
`TrainerLinkError` whose str() is a plain sentence (the ride runner shows it to the rider).

A protocol module subclasses `TrainerLinkBase` with `_bootstrap()` (subscribe, take
control) and `_apply_locked(command)` (one command, the lock held).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import deque
from collections.abc import Awaitable, Callable, Iterator
from typing import Any, TypeVar

from bleak.backends.device import BLEDevice
from bleak.exc import BleakGATTProtocolError, BleakGATTProtocolErrorCode

from app.core.ports import ControlCommand
from app.infra.ble.errors import (
    ControlPointTimeout,
    TrainerLinkError,
    TrainerUnavailableError,
    explain,
)
from app.infra.ble.lifecycle import LinkLifecycle

__all__ = [
    "DEFAULT_COMMAND_TIMEOUT_S",
    "DEFAULT_CRR",
    "DEFAULT_CW_KG_PER_M",
    "DEFAULT_RIDER_BIKE_KG",
    "LinkStats",
    "TrainerLinkBase",
    "grade_of",
]

DEFAULT_COMMAND_TIMEOUT_S = 2.5
"""A control-point answer later than this is a timeout (the runner's own limit is 3 s)."""
DEFAULT_CRR = 0.004
"""Rolling resistance coefficient sent with a simulated grade."""
DEFAULT_CW_KG_PER_M = 0.51
"""Wind resistance coefficient sent with a simulated grade."""
DEFAULT_RIDER_BIKE_KG = 83.0
"""Rider and bike mass for trainers that simulate the grade themselves (Wahoo)."""
BUSY_RETRY_FIRST_S = 0.005
BUSY_RETRY_MAX_S = 0.1


class LinkStats:
    """Round-trip times of control commands (perf_counter seconds), for benchmarks."""

    def __init__(self) -> None:
        self.round_trips_s: deque[float] = deque(maxlen=1000)
        self.commands = 0
        self.timeouts = 0
        self.busy_retries = 0


_T = TypeVar("_T")


@contextlib.contextmanager
def _in_plain_words() -> Iterator[None]:
    """A device failure becomes a `TrainerLinkError` carrying `explain(exc).message`;
    link errors pass through, and so does a ValueError (a bad command from the caller,
    not a device failure)."""
    try:
        yield
    except (TrainerLinkError, ValueError):
        raise
    except Exception as exc:
        raise TrainerLinkError(explain(exc).message) from exc


def grade_of(command: ControlCommand) -> float | None:
    """The command's grade in %, once `ControlCommand` grows a `grade_pct` field."""
    grade = getattr(command, "grade_pct", None)
    return None if grade is None else float(grade)


class TrainerLinkBase(LinkLifecycle):
    """Connection, telemetry, the command lock and the failure mapping every trainer shares."""

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

    def _timed_out(self) -> ControlPointTimeout:
        """The error for a command the trainer did not answer within `command_timeout_s`
        (counted in `stats.timeouts`)."""
        self.stats.timeouts += 1
        return ControlPointTimeout(f"{self.name} did not answer the command in time.")

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
            raise self._timed_out() from exc
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

        async def send() -> None:
            started = time.perf_counter()
            await self._apply_locked(command)
            self.stats.round_trips_s.append(time.perf_counter() - started)
            self.stats.commands += 1
            self.last_command = command

        await self._exclusively(send)

    # --- for subclasses ----------------------------------------------------------------------

    async def _exclusively(self, work: Callable[[], Awaitable[None]]) -> None:
        """Run `work` holding the command lock, on a connected link, its failures in plain
        words (see `_in_plain_words`)."""
        async with self._lock:
            if not self.connected:
                raise TrainerUnavailableError(f"{self.name} is not connected.")
            with _in_plain_words():
                await work()

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
