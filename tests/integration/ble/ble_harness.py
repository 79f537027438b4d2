"""Shared helpers for the BLE integration tests: run a scenario on a fresh loop with a hard
time limit, wait for conditions by awaiting events (never by sleeping), clocks."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

T = TypeVar("T")

SCENARIO_TIMEOUT_S = 20.0


def run(coro: Coroutine[Any, Any, T], timeout_s: float = SCENARIO_TIMEOUT_S) -> T:
    """asyncio.run with a hard limit (pytest-asyncio is not installed)."""

    async def limited() -> T:
        async with asyncio.timeout(timeout_s):
            return await coro

    return asyncio.run(limited())


class Changes:
    """A wake-up source: call `kick()` from callbacks (telemetry, observers, statuses);
    `until(predicate)` re-checks the predicate on every kick."""

    def __init__(self) -> None:
        self._event = asyncio.Event()
        self.kicks = 0

    def kick(self, *_: object) -> None:
        self.kicks += 1
        self._event.set()

    async def until(self, predicate: Callable[[], bool], timeout_s: float = 10.0) -> None:
        async with asyncio.timeout(timeout_s):
            while not predicate():
                self._event.clear()
                await self._event.wait()


class ManualClock:
    """A Clock that moves only when the test says so (dropout tests)."""

    def __init__(self, start_s: float = 1000.0) -> None:
        self.now = start_s

    def monotonic_s(self) -> float:
        return self.now

    def wall(self) -> datetime:
        return datetime(2026, 1, 1, tzinfo=UTC) + timedelta(seconds=self.now)

    def advance(self, seconds: float) -> None:
        self.now += seconds


class RealClock:
    def monotonic_s(self) -> float:
        return time.monotonic()

    def wall(self) -> datetime:
        return datetime.now(UTC)


async def no_wait(_delay: float) -> None:
    """An injected backoff sleep that only yields to the loop."""
    await asyncio.sleep(0)
