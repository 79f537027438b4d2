"""Background work for screens: run it off the UI thread, get the outcome on the UI thread.

Every screen uses one `TaskRunner` (as Anki's `taskman` serves every dialog):

- `run(work, on_done, on_error)` runs `work()` on the runner's own worker threads (one by
  default, so a screen's jobs — imports, exports — run one after another);
- `ask(call, on_done, on_error)` calls a port that returns a `Future` (a scan on the
  device loop, a sign-in on the sync pool) and waits for it without blocking; `watch`
  does the same for a future already in hand.

Either way `on_done(result)` or `on_error(exception)` is called on the UI thread, exactly
once (a cancelled future is a `CancelledError`), and never after the runner's owner was
deleted. Worker threads are daemons: a job stuck on a dead network drive cannot keep the
app from quitting (`wait` gives jobs a moment at close).
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from concurrent.futures import CancelledError, Future
from concurrent.futures import wait as wait_for_futures
from typing import Any, TypeVar

from PySide6.QtCore import QObject, Signal, Slot

__all__ = ["TaskRunner", "error_text"]

log = logging.getLogger(__name__)

T = TypeVar("T")
ErrorHandler = Callable[[BaseException], None]


class _Relay(QObject):
    """Lives on the UI thread; `deliver` emitted from any thread runs `_call` there."""

    deliver = Signal(object)

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self.deliver.connect(self._call)

    @Slot(object)
    def _call(self, delivery: Callable[[], None]) -> None:
        delivery()


class TaskRunner(QObject):
    """`busy` while any job or watched future has not been delivered yet."""

    def __init__(self, parent: QObject, *, name: str = "ui-task", threads: int = 1) -> None:
        super().__init__(parent)
        self._name = name
        self._threads = max(1, threads)
        self._jobs: queue.SimpleQueue[tuple[Callable[[], Any], Future[Any]] | None] = (
            queue.SimpleQueue()
        )
        self._workers: list[threading.Thread] = []
        self._started: list[Future[Any]] = []
        self._undelivered = 0
        self._relay = _Relay(self)
        self.destroyed.connect(self._stop_workers)

    @property
    def busy(self) -> bool:
        return self._undelivered > 0

    def run(
        self,
        work: Callable[[], T],
        on_done: Callable[[T], None],
        on_error: ErrorHandler | None = None,
    ) -> Future[T]:
        """Queue `work()` for a worker thread; its outcome comes back on the UI thread."""
        future: Future[T] = Future()
        self._started = [f for f in self._started if not f.done()]
        self._started.append(future)
        self._ensure_workers()
        self._jobs.put((work, future))
        self.watch(future, on_done, on_error)
        return future

    def watch(
        self,
        future: Future[T],
        on_done: Callable[[T], None],
        on_error: ErrorHandler | None = None,
    ) -> None:
        """Call `on_done(result)` or `on_error(exc)` on the UI thread once `future` is
        done: at once when it already is, else queued from the thread that completes it."""
        self._undelivered += 1
        relay = self._relay

        def deliver() -> None:
            self._undelivered -= 1
            _hand_over(future, on_done, on_error)

        def completed(_: Future[T]) -> None:
            try:
                relay.deliver.emit(deliver)
            except RuntimeError:  # the screen (and its runner) is gone: nobody to tell
                log.debug("%s: an answer arrived after its screen was closed", self._name)

        future.add_done_callback(completed)

    def ask(
        self,
        call: Callable[[], Future[T]],
        on_done: Callable[[T], None],
        on_error: ErrorHandler | None = None,
    ) -> None:
        """`watch(call(), ...)`, where a `call` that raises at once (a port that cannot even
        start) is reported to `on_error` like a future that failed."""
        try:
            future = call()
        except Exception as exc:
            future = Future()
            future.set_exception(exc)
        self.watch(future, on_done, on_error)

    def wait(self, timeout_s: float) -> bool:
        """Whether every job given to `run` finished within `timeout_s` (results are still
        delivered through the event loop)."""
        pending = [f for f in self._started if not f.done()]
        if not pending:
            return True
        _, not_done = wait_for_futures(pending, timeout=max(0.0, timeout_s))
        return not not_done

    def _ensure_workers(self) -> None:
        if len(self._workers) >= self._threads:
            return
        worker = threading.Thread(
            target=_work_loop,
            args=(self._jobs,),
            name=f"{self._name}-{len(self._workers) + 1}",
            daemon=True,
        )
        self._workers.append(worker)
        worker.start()

    def _stop_workers(self) -> None:
        for _ in self._workers:
            self._jobs.put(None)


def _work_loop(jobs: queue.SimpleQueue[tuple[Callable[[], Any], Future[Any]] | None]) -> None:
    while (job := jobs.get()) is not None:
        work, future = job
        if not future.set_running_or_notify_cancel():
            continue
        try:
            result = work()
        except BaseException as exc:  # reported on the UI thread, never raised here
            future.set_exception(exc)
        else:
            future.set_result(result)


def _hand_over(
    future: Future[T], on_done: Callable[[T], None], on_error: ErrorHandler | None
) -> None:
    error = CancelledError("Cancelled") if future.cancelled() else future.exception()
    if error is None:
        on_done(future.result())
    elif on_error is not None:
        on_error(error)
    else:
        log.error("a background task failed", exc_info=error)


def error_text(error: BaseException, fallback: str) -> str:
    """An error as one plain sentence for the rider: its message, capitalised and ending in
    a full stop; `fallback` when it has none."""
    text = str(error).strip()
    if not text:
        return fallback
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else f"{text}."
