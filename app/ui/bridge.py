"""Callbacks from other threads -> Qt signals on the UI thread.

`RideBridge` (a ride on the device loop) and `SyncStatusBridge` (the sync worker): each
call from the other thread only emits a signal; the bridge is created on the UI thread, so
Qt queues every emission to the UI thread's event loop, where the connected slots run.

`RideBridge` implements the runtime's `RideObserver`. The runner calls it on the device-loop
thread; each call only emits a signal. The bridge is created on the UI thread, so Qt queues
every emission to the UI thread's event loop, where the connected slots run. The observer
calls never block and never raise into the ride loop.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal, SignalInstance

from app.core.ride.samples import RideSummary, Sample
from app.core.ride.session import RideStatus

if TYPE_CHECKING:
    from app.core.sync.status import SyncStatus
    from app.ui.ports.sync import SyncControl

log = logging.getLogger(__name__)


class RideBridge(QObject):
    """Signals (all delivered on the UI thread when the receivers live there):

    - `sample(Sample, RideStatus)`: once per ride second
    - `status(RideStatus)`: after every rider action (pause, intensity, skip...)
    - `finished(RideSummary | None, RideStatus)`: the ride ended; None = discarded
    - `message(str)`: something the rider should know about the trainer
    """

    sample = Signal(object, object)
    status = Signal(object)
    finished = Signal(object, object)
    message = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)

    # -- RideObserver (called on the device-loop thread) ---------------------------------
    def on_sample(self, sample: Sample, status: RideStatus) -> None:
        self._emit(self.sample, sample, status)

    def on_status(self, status: RideStatus) -> None:
        self._emit(self.status, status)

    def on_finished(self, summary: RideSummary | None, status: RideStatus) -> None:
        self._emit(self.finished, summary, status)

    def on_trainer_message(self, message: str) -> None:
        self._emit(self.message, message)

    def _emit(self, signal: SignalInstance, *args: object) -> None:
        try:
            signal.emit(*args)
        except RuntimeError:  # the window (and this object) is gone: nothing to show on
            log.debug("ride bridge dropped a signal after its window closed")


class SyncStatusBridge(QObject):
    """Create on the UI thread; register `on_status` with the sync worker (or `attach`).

    Signal `status(SyncStatus)`: delivered on the UI thread to receivers that live there.
    """

    status = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._remove: Callable[[], None] | None = None

    def on_status(self, status: SyncStatus) -> None:
        """The worker's listener (any thread): only emits; never blocks, never raises."""
        try:
            self.status.emit(status)
        except RuntimeError:  # the window (and this object) is gone
            log.debug("sync bridge dropped a status after its window closed")

    def attach(self, control: SyncControl) -> None:
        """Listen to `control` (replacing an earlier one) and emit its current status."""
        self.detach()
        self._remove = control.add_listener(self.on_status)
        self.status.emit(control.status())

    def detach(self) -> None:
        if self._remove is not None:
            remove, self._remove = self._remove, None
            remove()
