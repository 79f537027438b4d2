"""Ride callbacks -> Qt signals: how a ride running on the device loop reaches the screen.

`RideBridge` implements the runtime's `RideObserver`. The runner calls it on the device-loop
thread; each call only emits a signal. The bridge is created on the UI thread, so Qt queues
every emission to the UI thread's event loop, where the connected slots run. The observer
calls never block and never raise into the ride loop.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Signal, SignalInstance

from app.core.ride.samples import RideSummary, Sample
from app.core.ride.session import RideStatus

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
