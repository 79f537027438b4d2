"""Clocks for the device loop: real time, accelerated time and virtual time.

All three satisfy the core `Clock` port and add `sleep_until`, which the ticker awaits.
Ride timing uses the monotonic reading only; wall time is taken once per ride.
"""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta


class MonotonicClock:
    def monotonic_s(self) -> float:
        return time.monotonic()

    def wall(self) -> datetime:
        return datetime.now(UTC)

    async def sleep_until(self, deadline_s: float) -> None:
        delay = deadline_s - self.monotonic_s()
        if delay > 0:
            await asyncio.sleep(delay)


class ScaledClock:
    """Time running `speed` times faster than real time (headless `--speed`)."""

    def __init__(self, speed: float) -> None:
        if speed <= 0:
            raise ValueError("speed must be positive")
        self.speed = speed
        self._t0 = time.monotonic()
        self._wall0 = datetime.now(UTC)

    def monotonic_s(self) -> float:
        return (time.monotonic() - self._t0) * self.speed

    def wall(self) -> datetime:
        return self._wall0 + timedelta(seconds=self.monotonic_s())

    async def sleep_until(self, deadline_s: float) -> None:
        delay = (deadline_s - self.monotonic_s()) / self.speed
        if delay > 0:
            await asyncio.sleep(delay)


class VirtualClock:
    """Time that moves only when someone sleeps: a ride at the machine's full speed,
    and tests that cover hours in milliseconds."""

    def __init__(self, start_s: float = 0.0, wall0: datetime | None = None) -> None:
        self._now = start_s
        self._start = start_s
        self._wall0 = wall0 or datetime.now(UTC)

    def monotonic_s(self) -> float:
        return self._now

    def wall(self) -> datetime:
        return self._wall0 + timedelta(seconds=self._now - self._start)

    def advance(self, seconds: float) -> None:
        self._now += seconds

    async def sleep_until(self, deadline_s: float) -> None:
        self._now = max(self._now, deadline_s)
        await asyncio.sleep(0)
