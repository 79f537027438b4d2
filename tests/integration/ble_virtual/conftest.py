"""Fixtures for the virtual-radio integration tests.

pytest-asyncio is not installed: each test is a coroutine `body(radio)` run by the
`run_radio` fixture under `asyncio.run`, on a fresh `VirtualRadio`, capped by
`asyncio.timeout`. Tests wait on events and queues, never on sleeps.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import pytest

from app.infra.ble.virtual import VirtualRadio

T = TypeVar("T")

RadioRunner = Callable[..., Any]


@pytest.fixture
def run_radio() -> RadioRunner:
    """`run_radio(body, timeout_s=10)`: run `await body(radio)` on a fresh, started radio."""

    def run(body: Callable[[VirtualRadio], Awaitable[T]], timeout_s: float = 10.0) -> T:
        async def main() -> T:
            async with asyncio.timeout(timeout_s), VirtualRadio() as radio:
                return await body(radio)

        return asyncio.run(main())

    return run
