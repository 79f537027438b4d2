"""Rides for the desktop app: starting one, the interrupted ones, and the history.

rides.db is checked once, by its first reader (`RidesDbGuard`), before anything else
opens it; the ride stack is built on the first ride (or the warm-up right after the first
frame), so the library shows before the device loop, the simulator and the journal are
even imported.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from app.compose.lazy import Lazy

if TYPE_CHECKING:
    from app.compose.ride import RideStack
    from app.core.ride.samples import Sample
    from app.core.workouts.model import Workout
    from app.infra.store.history import RideHistory, RideListing
    from app.infra.store.journal import JournaledRide
    from app.runtime.ride_control import RideHandle
    from app.runtime.ride_runner import RideObserver
    from app.ui.ports.history import InterruptedRide
    from app.ui.ports.library import RideStarter

__all__ = ["HistoryOnFirstUse", "InterruptedRides", "RidesDbGuard", "StartOnFirstRide"]


class RidesDbGuard:
    """The first reader of rides.db checks it: an unreadable file is moved aside (never
    deleted) and a fresh one started, once, before anything else opens it."""

    def __init__(self, rides_db: Path) -> None:
        self.rides_db = rides_db
        self._checked = False
        self.recovered: Path | None = None
        self._lock = threading.Lock()

    def __call__(self) -> Path:
        with self._lock:
            if not self._checked:
                from app.infra.store.journal import recover_rides_db

                self.recovered = recover_rides_db(self.rides_db)
                self._checked = True
        return self.rides_db


class StartOnFirstRide:
    """`RideStarter` over a ride stack built on first use."""

    def __init__(self, stack: Lazy[RideStack]) -> None:
        self.stack = stack

    def start(
        self,
        workout: Workout,
        *,
        ftp_w: float,
        intensity_pct: int = 100,
        observers: list[RideObserver] | None = None,
    ) -> RideHandle:
        return self.stack.get().start(
            workout, ftp_w=ftp_w, intensity_pct=intensity_pct, observers=observers
        )


class _Resumer:
    """A `RideStarter` that carries one interrupted ride on: the journal's resume point
    decides the intensity and the FTP, so the screen's are ignored."""

    def __init__(self, stack: Lazy[RideStack], ride: JournaledRide) -> None:
        self._stack = stack
        self._ride = ride

    def start(
        self,
        workout: Workout,
        *,
        ftp_w: float,
        intensity_pct: int = 100,
        observers: list[RideObserver] | None = None,
    ) -> RideHandle:
        return self._stack.get().resume(self._ride, observers=observers)


class InterruptedRides:
    """`InterruptedRidesPort`: the journal's interrupted rides for the resume prompt."""

    def __init__(self, guard: RidesDbGuard, stack: Lazy[RideStack]) -> None:
        self._guard = guard
        self._stack = stack

    def interrupted(self) -> list[InterruptedRide]:
        from app.services.rides import interrupted_rides
        from app.ui.ports.history import InterruptedRide

        found = []
        for record in interrupted_rides(self._guard()):
            try:
                started = datetime.fromisoformat(record.started_at)
            except ValueError:
                started = datetime.now(UTC)
            found.append(
                InterruptedRide(record.id, record.workout_name, started, record.sample_count)
            )
        return found

    def save(self, ride_id: str) -> None:
        from app.services.rides import save_interrupted

        save_interrupted(self._guard(), ride_id)

    def discard(self, ride_id: str) -> None:
        from app.services.rides import discard_interrupted

        discard_interrupted(self._guard(), ride_id)

    def starter(self, ride_id: str) -> tuple[RideStarter, Workout, float]:
        from app.services.rides import load_interrupted, workout_of

        ride = load_interrupted(self._guard(), ride_id)
        return _Resumer(self._stack, ride), workout_of(ride), ride.ftp_w


class HistoryOnFirstUse:
    """`RideHistoryPort` over rides.db, opened when the History screen first asks."""

    def __init__(self, guard: RidesDbGuard) -> None:
        self._history: Lazy[RideHistory] = Lazy(lambda: _open_history(guard()))

    def rides(self, *, include_trash: bool = False) -> Sequence[RideListing]:
        return self._history.get().rides(include_trash=include_trash)

    def samples(self, ride_id: str) -> Sequence[Sample]:
        return self._history.get().samples(ride_id)

    def trash(self, ride_id: str) -> None:
        self._history.get().trash(ride_id)

    def restore(self, ride_id: str) -> None:
        self._history.get().restore(ride_id)


def _open_history(rides_db: Path) -> RideHistory:
    from app.infra.store.history import RideHistory

    return RideHistory(rides_db)
