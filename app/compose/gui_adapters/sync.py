"""`SyncControl` for the desktop app over a sync stack and the account actions.

The stack is built on first use (opening the app must not wait for httpx and the keyring;
the window asks right after its first frame) and rebuilt when the rider signs in to a
(new) server. Network calls run on a small pool, never the UI thread; their errors are
plain sentences the screens show as they are.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import concurrent.futures

    from app.compose.sync import SyncStack
    from app.core.sync.models import StatusSummary
    from app.core.sync.ports import TokenStore
    from app.core.sync.status import SyncStatus
    from app.infra.paths import AppPaths
    from app.infra.store.library_db import LibraryStore
    from app.ui.ports.sync import StatuspageSummaryLike

__all__ = ["GuiSync"]

log = logging.getLogger(__name__)

_TOKEN_PLACES = {
    "in keyring": "OS keyring",
    "memory only": "memory only this session",
    "plaintext opt-in": "plaintext file (opted in)",
}


class GuiSync:
    """`before()` runs once before the stack is first built (the rides.db check: the
    outbox lives in that file)."""

    def __init__(
        self, paths: AppPaths, library: LibraryStore, *, before: Callable[[], object]
    ) -> None:
        self.paths = paths
        self.library = library
        self._before = before
        self._listeners: list[Callable[[SyncStatus], None]] = []
        self._stack: SyncStack | None = None
        self._last: SyncStatus | None = None
        self._lock = threading.Lock()
        self._pool_made: concurrent.futures.ThreadPoolExecutor | None = None

    @property
    def _pool(self) -> concurrent.futures.ThreadPoolExecutor:
        """Made on the first account action: `concurrent.futures` is not needed to start."""
        with self._lock:
            if self._pool_made is None:
                from concurrent.futures import ThreadPoolExecutor

                self._pool_made = ThreadPoolExecutor(1, thread_name_prefix="sync-ui")
            return self._pool_made

    @property
    def stack(self) -> SyncStack:
        with self._lock:
            if self._stack is None:
                self._before()
                self._stack = self._started(None)
            return self._stack

    def _started(self, tokens: TokenStore | None) -> SyncStack:
        from app.compose.sync import SyncOverrides, build_sync_stack

        stack = build_sync_stack(
            self.paths, library=self.library, overrides=SyncOverrides(tokens=tokens)
        )
        self._last = stack.worker.status
        stack.worker.add_listener(self._remember)
        stack.worker.start()
        return stack

    def _remember(self, status: SyncStatus) -> None:
        self._last = status
        for listener in list(self._listeners):
            listener(status)

    # -- SyncControl -----------------------------------------------------------------------
    def status(self) -> SyncStatus:
        stack = self.stack
        return self._last if self._last is not None else stack.worker.status

    def add_listener(self, listener: Callable[[SyncStatus], None]) -> Callable[[], None]:
        _ = self.stack
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    def sync_now(self) -> None:
        self.stack.worker.sync_now()

    def ride_finished(self) -> None:
        """A ride ended: upload soon. Builds nothing (no sync without a stack yet)."""
        if self._stack is not None:
            self._stack.worker.ride_finished()

    def sign_in(
        self, server_url: str, email: str, password: str
    ) -> concurrent.futures.Future[None]:
        return self._pool.submit(self._sign_in, server_url, email, password)

    def _sign_in(self, server_url: str, email: str, password: str) -> None:
        from app.services.account import SignInFailed, sign_in

        try:
            signed_in = sign_in(self.paths, server_url, email, password)
        except SignInFailed as exc:
            raise RuntimeError(f"Could not sign in: {exc}.") from None
        except Exception as exc:  # a bad URL and the like: the message is for the rider
            raise RuntimeError(f"Could not sign in: {exc}") from None
        old = self.stack
        old.close()  # off the lock: the UI thread keeps reading the old status meanwhile
        new = self._started(signed_in.tokens)
        with self._lock:
            self._stack = new
        new.worker.sync_now()

    def sign_out(self) -> concurrent.futures.Future[None]:
        return self._pool.submit(self._sign_out)

    def _sign_out(self) -> None:
        from app.services.account import sign_out

        sign_out(self.paths, in_use=self.stack.tokens)
        self.stack.worker.sync_now()

    def check_connection(self) -> concurrent.futures.Future[str]:
        from app.services.account import check_connection

        return self._pool.submit(check_connection, self.paths)

    def status_page_summary(self) -> concurrent.futures.Future[StatuspageSummaryLike | None]:
        return self._pool.submit(self._summary)

    def _summary(self) -> StatusSummary | None:
        from app.core.sync.errors import BackendError
        from app.services.account import service_status

        try:
            return service_status(self.paths)
        except BackendError as exc:
            raise RuntimeError(f"The status page did not answer: {exc}") from None

    @property
    def keyring_state(self) -> str:
        """Where the token lives, in the settings screen's words."""
        storage = str(self.status().token_state)
        return _TOKEN_PLACES.get(storage, storage)

    def close(self) -> bool:
        """True when no sync is left running (so the library may be closed)."""
        if self._pool_made is not None:
            self._pool_made.shutdown(wait=False, cancel_futures=True)
        stack = self._stack
        return stack.close() if stack is not None else True
