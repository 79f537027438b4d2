"""Fixtures for the sync integration tests (helpers live in sync_server_fixtures.py, a
uniquely named module: several conftest.py files exist in this suite)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("uvicorn")

from sync_server_fixtures import (
    EMAIL,
    PASSWORD,
    Client,
    RecordingTransport,
    ServerProcess,
    ShiftedClock,
    start_server,
)


@pytest.fixture(scope="module")
def module_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    server = start_server(tmp_path_factory.mktemp("server"))
    yield server
    server.stop()


@pytest.fixture
def server(module_server: ServerProcess) -> Iterator[ServerProcess]:
    module_server.reset()
    yield module_server
    module_server.reset()


@pytest.fixture
def make_client(tmp_path: Path):
    from app.infra.http.backend import BackendClient
    from app.infra.keystore import MemoryTokenStore
    from app.infra.paths import AppPaths
    from app.infra.sync_store import update_sync_settings

    made: list[Any] = []

    def make(
        server: ServerProcess,
        name: str = "client",
        transport: RecordingTransport | None = None,
        interval_s: float = 300.0,
        **seams: Any,
    ) -> Client:
        """A signed-in client in tmp_path/name (the same name: the same folders, e.g. the
        app started again); `transport` a RecordingTransport (subclass) of the test's own;
        `seams` more SyncOverrides (wait, http_timeout)."""
        from app.compose.sync import SyncOverrides, build_sync_stack

        root = tmp_path / name
        paths = AppPaths(root / "data", root / "cache", root / "config").ensure()
        tokens = MemoryTokenStore()
        with BackendClient(server.url, lambda: None) as c:
            tokens.save(c.sign_in(EMAIL, PASSWORD, "test bike"))
        update_sync_settings(paths.settings_file, server_url=server.url)
        clock = ShiftedClock()
        transport = transport or RecordingTransport()
        overrides = SyncOverrides(
            tokens=tokens, clock=clock, transport=transport, rand=lambda: 0.5, **seams
        )
        stack = build_sync_stack(paths, interval_s=interval_s, overrides=overrides)
        made.append(stack)
        return Client(paths, stack, tokens, clock, transport)

    yield make
    for stack in made:
        stack.close()
