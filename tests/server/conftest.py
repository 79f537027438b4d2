"""Fixtures for the reference sync server: an app over a temporary database with a clock
the test moves, a signed-in client, and FIT activity files."""

from __future__ import annotations

import shutil
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi")

with warnings.catch_warnings():
    # Starlette prefers the httpx2 fork for its TestClient; plain httpx still works.
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from app.core.fit.encoder import FitEncoder
from app.core.fit.profile import FileType
from app.server.app import create_app
from app.server.faults import FaultConfig
from app.server.seed import create_rider

EMAIL = "rider@example.com"
PASSWORD = "correct horse battery"
START = datetime(2025, 3, 3, 7, 30, tzinfo=UTC)  # a Monday


@dataclass
class FakeClock:
    now: datetime = START

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@dataclass
class Server:
    """The app, its clock and faults, and a TestClient signed in as `EMAIL`."""

    app: Any
    clock: FakeClock
    faults: FaultConfig
    client: TestClient
    token: str = ""
    email: str = EMAIL
    password: str = PASSWORD

    def auth(self, token: str | None = None) -> dict[str, str]:
        return {"Authorization": f"Bearer {token or self.token}"}

    def sign_in(self, password: str = PASSWORD, email: str = EMAIL) -> Any:
        return self.client.post(
            "/api/v1/auth/token",
            json={"email": email, "password": password, "device_name": "test bike"},
        )


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A seeded server.db with the rider in it, made once: each test starts from a copy
    (seeding and scrypt are the slow parts of a fresh start)."""
    path = tmp_path_factory.mktemp("template") / "server.db"
    store = create_app(path, clock=FakeClock()).state.store
    create_rider(store, EMAIL, PASSWORD, now=START, ftp_w=250)
    return path


@pytest.fixture
def server_factory(
    tmp_path: Path, clock: FakeClock, template_db: Path
) -> Iterator[Callable[..., Server]]:
    clients: list[TestClient] = []

    def make(*, host: str = "testclient", signed_in: bool = True, **options: Any) -> Server:
        db = tmp_path / "server.db"
        if not db.exists():
            shutil.copyfile(template_db, db)
        faults = FaultConfig()
        app = create_app(db, faults=faults, clock=clock, **options)
        client = TestClient(app, client=(host, 50000))
        clients.append(client)
        server = Server(app, clock, faults, client)
        if signed_in:
            response = server.sign_in()
            assert response.status_code == 200, response.text
            server.token = response.json()["token"]
        return server

    yield make
    for client in clients:
        client.close()


@pytest.fixture
def server(server_factory: Callable[..., Server]) -> Server:
    return server_factory()


def fit_activity(
    start: datetime = START, duration_s: int = 1800, *, file_type: int = FileType.ACTIVITY
) -> bytes:
    """A small, valid FIT activity: file_id, a few records, session, activity."""
    enc = FitEncoder()
    enc.add("file_id", type=file_type, manufacturer=255, product=1, serial_number=42,
            time_created=start)  # fmt: skip
    for i in range(0, duration_s, max(1, duration_s // 5)):
        enc.add("record", timestamp=start + timedelta(seconds=i), power=200, cadence=90)
    end = start + timedelta(seconds=duration_s)
    enc.add("session", timestamp=end, start_time=start, total_elapsed_time=duration_s,
            total_timer_time=duration_s, sport=2, sub_sport=6)  # fmt: skip
    enc.add("activity", timestamp=end, total_timer_time=duration_s, num_sessions=1)
    return enc.finish()


@pytest.fixture
def make_fit() -> Callable[..., bytes]:
    return fit_activity
