"""The sync worker against the REAL reference server (a subprocess on 127.0.0.1): it waits
for the server's Retry-After before calling it again, and closing the app in the middle of
a long first library sync stops at a page boundary and releases the connections.

The worker runs on the test's thread with an injected `wait` that moves the client's clock
(no sleeps), or on its own thread with the library request in flight held on an event."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from typing import Any

import httpx
from sync_server_fixtures import ROOT, RecordingTransport

from app.core.sync.status import SyncState, SyncStatus

LIBRARY = "/api/v1/library"
BUNDLED = {f"synced:{p.stem}" for p in (ROOT / "resources" / "workouts").glob("*.zwo")}


class WatchedTransport(RecordingTransport):
    """The recording transport, noting the client clock and the query of every request.
    `page_limit`: ask the server for library pages that small (the server honours
    `limit`), so the bundled library takes one page per workout. `hold_at`: keep the
    answer to that library request (1-based) until `release` is set; `held` says it came."""

    def __init__(self, page_limit: int | None = None, hold_at: int | None = None) -> None:
        super().__init__()
        self.clock: Any = None
        self.page_limit = page_limit
        self.hold_at = hold_at
        self.held = threading.Event()
        self.release = threading.Event()
        self.requests: list[tuple[float | None, str, dict[str, str]]] = []
        self.library_pages: list[dict[str, Any]] = []  # the 200 answers, parsed
        self.closes = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        library = request.url.path == LIBRARY
        if library and self.page_limit is not None:
            request.url = request.url.copy_set_param("limit", str(self.page_limit))
        at = self.clock.monotonic_s() if self.clock is not None else None
        self.requests.append((at, request.url.path, dict(request.url.params)))
        response = super().handle_request(request)
        if library and response.status_code == 200:
            self.library_pages.append(json.loads(response.content))
        if library and len(self.library_cursors()) == self.hold_at:
            self.held.set()
            self.release.wait(30)
        return response

    def library_cursors(self) -> list[str | None]:
        return [params.get("cursor") for _, path, params in self.requests if path == LIBRARY]

    def close(self) -> None:
        self.closes += 1
        super().close()


def synced_ids(library: Any) -> set[str]:
    return {e.id for e in library.entries() if e.source == "synced"}


# -- (a) Retry-After ------------------------------------------------------------------------


def test_a_retry_after_on_the_library_holds_the_worker_until_the_deadline(server, make_client):
    """One sync meets `503 Retry-After: 120` on the library. Until the deadline the worker
    sends nothing, though its interval (30 s) passes twice, a ride finishes and another
    trigger comes; right after the deadline it syncs, and the server answers again."""
    transport = WatchedTransport()
    waits: list[tuple[float, float]] = []  # (client clock, timeout) of every wait
    published: list[tuple[float, Any, SyncStatus]] = []  # (client clock, wall, status)
    script: list[Callable[[float], None]] = []

    def wait(timeout_s: float) -> bool:
        waits.append((client.clock.monotonic_s(), timeout_s))
        if script:
            script.pop(0)(timeout_s)
        else:
            client.stack.worker.stop()
        return False

    client = make_client(server, transport=transport, interval_s=30.0, wait=wait)
    transport.clock = client.clock
    worker = client.stack.worker
    worker.add_listener(
        lambda s: published.append((client.clock.monotonic_s(), client.clock.wall(), s))
    )

    def a_ride_finishes(timeout_s: float) -> None:  # 10 s into the wait
        client.clock.advance(seconds=10)
        worker.ride_finished()

    def time_passes_and_connectivity_news(timeout_s: float) -> None:
        client.clock.advance(seconds=65)  # past two intervals and the after-ride delay
        worker.request_sync("connectivity back")

    def the_server_recovers_and_the_deadline_comes(timeout_s: float) -> None:
        server.faults()
        client.clock.advance(seconds=timeout_s)

    script += [
        a_ride_finishes,
        time_passes_and_connectivity_news,
        the_server_recovers_and_the_deadline_comes,
    ]
    server.faults(library="503:retry-after=120")
    worker.run_forever()

    assert [s.state for _, _, s in published] == [
        SyncState.SYNCING, SyncState.ERROR, SyncState.SYNCING, SyncState.UP_TO_DATE
    ]  # fmt: skip
    assert worker.syncs == 2
    assert transport.statuses("GET", LIBRARY) == [503, 200]  # no in-call retry of a 120 s wait
    end1, wall1, first = published[1]
    assert first.retry_not_before is not None
    asked = (first.retry_not_before - wall1).total_seconds()
    assert 110 <= asked <= 120
    deadline = end1 + asked  # on the client's monotonic clock
    # the status says when the next attempt is, and why
    assert first.next_sync_at == first.retry_not_before
    assert f"try again at {first.retry_not_before.astimezone():%H:%M}" in first.message
    # every wait aimed at the deadline: not the interval, not the finished ride
    assert [round(at + timeout - deadline, 1) for at, timeout in waits[:3]] == [0.0] * 3
    # no request between the first sync and the deadline: all later ones came after it
    later = [(at, path) for at, path, _ in transport.requests if at is not None and at > end1]
    assert later, "the worker never synced again"
    assert all(at >= deadline for at, _ in later), later
    # and it synced right after the deadline
    start2 = published[2][0]
    assert deadline <= start2 < deadline + 1.0
    second = published[3][2]
    assert second.retry_not_before is None
    assert synced_ids(client.library()) == BUNDLED


# -- (b) closing during a long first sync ---------------------------------------------------

HOLD_AT = 5  # the library request in flight when the app closes


def test_close_during_a_long_first_library_sync_stops_at_a_page_boundary(server, make_client):
    transport = WatchedTransport(page_limit=1, hold_at=HOLD_AT)  # 50 pages, one per workout
    client = make_client(server, transport=transport)
    stack = client.stack
    cancel = stack.session.cancel

    def cancel_then_let_the_page_arrive() -> None:
        cancel()
        transport.release.set()

    stack.session.cancel = cancel_then_let_the_page_arrive
    stack.worker.start()  # the app opens: the start sync runs on the worker's thread
    assert transport.held.wait(30), "the library sync never reached its fifth page"

    began = time.monotonic()
    released = stack.close(timeout_s=10.0)  # the rider closes the app
    took = time.monotonic() - began
    assert released, "close left the sync running"
    assert took < 5.0, took

    # it stopped at the page boundary: the page in flight, nothing after it
    assert len(transport.library_cursors()) == HOLD_AT
    assert transport.requests[-1][1] == LIBRARY  # no calendar, upload or status page
    # and the connections are closed
    assert stack.backend.closed
    assert transport.closes >= 1  # the connection pool, with every connection in it
    assert stack.worker.stop(0)  # the worker's thread has ended

    # what it committed: five pages, with the cursor of the fifth
    from app.services.library import open_library

    library = open_library(client.paths)
    try:
        committed = library.sync_cursor()
        assert committed == transport.library_pages[HOLD_AT - 1]["cursor"]
        first_five = {f"synced:{w['id']}" for p in transport.library_pages for w in p["workouts"]}
        assert synced_ids(library) == first_five and len(first_five) == HOLD_AT
    finally:
        library.close()

    # the app starts again: the next sync resumes from that cursor and ends with exactly
    # the full library
    again = make_client(server, "client", transport=WatchedTransport())
    status = again.sync()
    assert status.state is SyncState.UP_TO_DATE, status.message
    assert again.transport.library_cursors()[0] == committed
    fetched = [w["id"] for p in again.transport.library_pages for w in p["workouts"]]
    assert len(fetched) == len(BUNDLED) - HOLD_AT  # nothing fetched twice
    assert synced_ids(again.library()) == BUNDLED
