"""The sync stack: backend client, token store, outbox, library cache and the worker.

Shared by `freewheel sync/status` and the desktop app. Nothing touches the network until
the worker runs. Test seams (a transport, a clock, the token store, the waits) come in as
one typed `SyncOverrides`.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, NoReturn

from app.compose.lazy import Lazy

if TYPE_CHECKING:
    import httpx

    from app.core.auth.token import Token
    from app.core.ports import Clock
    from app.core.sync.models import CalendarEntry, LibraryPage, Profile, UploadResult
    from app.core.sync.planner import SyncSession
    from app.core.sync.ports import TokenStore
    from app.infra.http.backend import BackendClient
    from app.infra.http.reachability import ServerReachability
    from app.infra.http.status_page import StatusPageClient
    from app.infra.paths import AppPaths
    from app.infra.store.library_db import LibraryStore
    from app.infra.sync_store import LibraryCacheAdapter, SqliteOutbox, SyncSettings
    from app.runtime.sync_worker import SyncWorker

__all__ = ["SyncOverrides", "SyncStack", "build_sync_stack"]

log = logging.getLogger(__name__)

SYNC_INTERVAL_S = 300.0


@dataclass(frozen=True, slots=True)
class SyncOverrides:
    """What a test replaces; None keeps the real part."""

    tokens: TokenStore | None = None
    clock: Clock | None = None
    transport: httpx.BaseTransport | None = None
    wait: Callable[[float], bool] | None = None  # the worker's pause between syncs
    http_timeout: httpx.Timeout | None = None
    rand: Callable[[], float] | None = None  # backoff jitter


@dataclass
class SyncStack:
    """Everything one sync worker needs; close() releases it all."""

    worker: SyncWorker
    session: SyncSession
    tokens: TokenStore
    outbox: SqliteOutbox
    settings: SyncSettings
    backend: BackendClient | None = None
    _closers: list[Callable[[], None]] = field(default_factory=list)

    def close(self, timeout_s: float = 5.0) -> bool:
        """Stop the worker, then release what it used. A sync in progress is cancelled: it
        makes no further in-call retry and stops at its next safe point (a library page
        boundary, between steps or uploads; what it committed stays), so the thread ends
        within about one request and the HTTP connections and databases are closed. Only a
        request still in flight after `timeout_s` (a hung server) keeps them open: closing a
        socket under the thread reading it is not safe (the daemon thread ends with the
        process). Returns whether everything was released."""
        if self.backend is not None:
            self.backend.cancel()
        if not self.worker.stop(timeout_s):
            log.warning("a request was still in flight at close; its connections are left open")
            return False
        for closer in reversed(self._closers):
            with contextlib.suppress(Exception):
                closer()
        return True


class _NoServer:
    """The backend when no server is configured: every call says "sign in"."""

    def _refuse(self) -> NoReturn:
        from app.core.sync.errors import AuthRejected

        raise AuthRejected("not_signed_in", "no server configured")

    def renew(self) -> Token:
        self._refuse()

    def me(self) -> Profile:
        self._refuse()

    def library_page(self, cursor: str | None, etag: str | None) -> LibraryPage | None:
        self._refuse()

    def calendar(self, first: date, last: date) -> list[CalendarEntry]:
        self._refuse()

    def put_ride(self, ride_id: str, body: bytes, sha256: str) -> UploadResult:
        self._refuse()


class _LibraryCacheOnFirstUse:
    """The sync port over library.db, opened when a sync first needs it (`freewheel
    status` never does). Closes the store only if it opened it."""

    def __init__(self, paths: AppPaths, store: LibraryStore | None) -> None:
        self._given = store
        self._opened: list[LibraryStore] = []
        self._adapter: Lazy[LibraryCacheAdapter] = Lazy(lambda: self._adapt(paths))

    def _adapt(self, paths: AppPaths) -> LibraryCacheAdapter:
        from app.infra.sync_store import LibraryCacheAdapter
        from app.services.library import open_library

        store = self._given
        if store is None:
            store = open_library(paths)
            self._opened.append(store)
        return LibraryCacheAdapter(store)

    @property
    def store(self) -> LibraryStore:
        """The library.db behind the port (opened now if it was not yet)."""
        return self._adapter.get().store

    def sync_cursor(self) -> str | None:
        return self._adapter.get().sync_cursor()

    def apply_page(self, page: LibraryPage) -> list[tuple[str, str]]:
        return self._adapter.get().apply_page(page)

    def store_calendar(self, first: date, last: date, entries: Sequence[CalendarEntry]) -> None:
        self._adapter.get().store_calendar(first, last, entries)

    def store_profile(self, profile: Profile) -> None:
        self._adapter.get().store_profile(profile)

    def close(self) -> None:
        for store in self._opened:
            store.close()


def build_sync_stack(
    paths: AppPaths,
    *,
    library: LibraryStore | None = None,
    interval_s: float = SYNC_INTERVAL_S,
    overrides: SyncOverrides | None = None,
) -> SyncStack:
    """Wire a sync worker (not started). Pass the app's own LibraryStore when there is one
    (the GUI); otherwise it is opened on first use."""
    from app.core.sync.planner import SyncPorts, SyncSession
    from app.infra.keystore import MemoryTokenStore
    from app.infra.sync_store import (
        FitUploadPayloads,
        SqliteOutbox,
        SyncStateFile,
        load_sync_settings,
    )
    from app.runtime.clock import MonotonicClock
    from app.runtime.sync_worker import SyncWorker
    from app.services.account import open_tokens

    seams = overrides or SyncOverrides()
    paths.ensure()
    settings = load_sync_settings(paths.settings_file)
    clock = seams.clock or MonotonicClock()
    server = settings.server_url
    tokens = seams.tokens or (open_tokens(paths) if server else MemoryTokenStore())
    closers: list[Callable[[], None]] = []
    online = _online_parts(settings, tokens, seams, closers)
    outbox = SqliteOutbox(paths.rides_db)
    closers.append(outbox.close)
    library_cache = _LibraryCacheOnFirstUse(paths, library)
    closers.append(library_cache.close)
    ports = SyncPorts(
        backend=online.backend if online.backend is not None else _NoServer(),
        tokens=tokens,
        library=library_cache,
        outbox=outbox,
        payloads=FitUploadPayloads(paths.rides_db, paths.data_dir / "outbox"),
        state=SyncStateFile(paths.cache_dir / "sync_state.json"),
        status_page=online.status_page,
        reachability=online.reachability,
    )
    base_url = online.backend.base_url if online.backend is not None else ""
    session = SyncSession(ports, clock, server_url=base_url)
    if seams.rand is not None:
        session.rand = seams.rand
    probe = online.reachability.probe if online.reachability is not None else None
    worker = SyncWorker(session, clock, interval_s=interval_s, wait=seams.wait, probe=probe)
    return SyncStack(worker, session, tokens, outbox, settings, online.backend, closers)


@dataclass(frozen=True, slots=True)
class _Online:
    backend: BackendClient | None = None
    status_page: StatusPageClient | None = None
    reachability: ServerReachability | None = None


def _online_parts(
    settings: SyncSettings,
    tokens: TokenStore,
    seams: SyncOverrides,
    closers: list[Callable[[], None]],
) -> _Online:
    """The clients that talk to the server, when one is set up."""
    if not settings.server_url:
        return _Online()
    from app.infra.http.backend import BackendClient
    from app.infra.http.reachability import ServerReachability
    from app.infra.http.status_page import StatusPageClient
    from app.services.account import status_page_url

    transport = seams.transport
    backend = (
        BackendClient(settings.server_url, tokens.load, transport, timeout=seams.http_timeout)
        if seams.http_timeout is not None
        else BackendClient(settings.server_url, tokens.load, transport)
    )
    closers.append(backend.close)
    page_url = status_page_url(backend.base_url, settings.status_url)
    assert page_url is not None  # a server is set up
    status_page = StatusPageClient(page_url, transport)
    closers.append(status_page.close)
    reachability = ServerReachability(
        settings.status_url or backend.base_url, probe_url=backend.base_url
    )
    return _Online(backend, status_page, reachability)
