"""The one way screens run background work: outcomes arrive on the UI thread, once."""

from __future__ import annotations

import threading
from concurrent.futures import Future
from typing import Any

import shiboken6
from PySide6.QtCore import QObject
from PySide6.QtWidgets import QApplication, QLabel
from pytestqt.qtbot import QtBot

from app.ui.tasks import TaskRunner, error_text


def _complete_in_thread(future: Future[str], value: str) -> None:
    thread = threading.Thread(target=future.set_result, args=(value,))
    thread.start()
    thread.join()


def test_a_watched_future_is_answered_on_the_ui_thread_and_never_after_its_owner_is_gone(
    qtbot: QtBot,
) -> None:
    owner = QLabel()
    qtbot.addWidget(owner)
    tasks = TaskRunner(owner)
    results: list[tuple[Any, threading.Thread]] = []

    def record(value: str) -> None:
        results.append((value, threading.current_thread()))

    ready: Future[str] = Future()
    ready.set_result("ready")
    tasks.watch(ready, record)  # already done: answered at once
    assert results == [("ready", threading.main_thread())]

    pending: Future[str] = Future()
    tasks.watch(pending, record)
    assert tasks.busy
    _complete_in_thread(pending, "later")
    qtbot.waitUntil(lambda: len(results) == 2, timeout=2000)
    assert results[1] == ("later", threading.main_thread())
    assert not tasks.busy

    gone = QObject()
    orphan: Future[str] = Future()
    TaskRunner(gone).watch(orphan, record)
    shiboken6.delete(gone)  # the screen closed before the answer came
    _complete_in_thread(orphan, "too late")
    QApplication.processEvents()
    assert len(results) == 2


def test_run_works_off_the_ui_thread_one_job_after_another(qtbot: QtBot) -> None:
    owner = QObject()
    tasks = TaskRunner(owner, name="jobs")
    gate = threading.Event()
    ran_on: list[str] = []
    done: list[int] = []

    def job(n: int) -> int:
        ran_on.append(threading.current_thread().name)
        if n == 1:
            gate.wait(5)
        return n

    first = tasks.run(lambda: job(1), done.append)
    tasks.run(lambda: job(2), done.append)
    assert not tasks.wait(0.05)  # the first is held at the gate, the second queued behind
    assert done == [] and tasks.busy
    gate.set()
    assert tasks.wait(5)
    qtbot.waitUntil(lambda: done == [1, 2], timeout=2000)
    assert first.result() == 1
    assert ran_on == ["jobs-1", "jobs-1"]
    assert not tasks.busy


def test_failures_and_cancellations_reach_on_error_in_plain_words(qtbot: QtBot) -> None:
    owner = QObject()
    tasks = TaskRunner(owner)
    errors: list[str] = []

    def fail() -> None:
        raise OSError("disk full")

    tasks.run(fail, lambda _: None, lambda exc: errors.append(error_text(exc, "?")))
    qtbot.waitUntil(lambda: len(errors) == 1, timeout=2000)

    cancelled: Future[None] = Future()
    cancelled.cancel()
    tasks.watch(cancelled, lambda _: None, lambda exc: errors.append(error_text(exc, "?")))

    def port_that_cannot_start() -> Future[None]:
        raise RuntimeError("no server is set up yet")

    tasks.ask(port_that_cannot_start, lambda _: None, lambda e: errors.append(error_text(e, "?")))
    assert errors == ["Disk full.", "Cancelled.", "No server is set up yet."]
    assert error_text(ValueError(""), "The check could not run.") == "The check could not run."
