"""What the History screen and the resume prompt need from the rest of the program.

The composition root fills these in (the UI never imports app.infra): `RideHistoryPort`
is `app.infra.store.history.RideHistory` as it is; `RideExporter` is a function that
loads a ride from rides.db and writes it as FIT or TCX; `InterruptedRidesPort` gives the
resume prompt the journal's interrupted rides, and saves, discards or resumes one.

Threading: `RideHistoryPort` methods run on the UI thread and must return quickly (a
listing of a few hundred rides, one ride's samples in ~50 ms). `RideExporter` runs on a
worker thread (the History view's own one-thread pool), so it must be thread-safe, e.g.
open its own database connection per call as `load_export_ride` does.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Literal, Protocol

from app.core.ride.samples import Sample

if TYPE_CHECKING:
    from app.core.workouts.model import Workout
    from app.ui.ports.library import RideStarter

__all__ = [
    "ExportKind",
    "InterruptedRide",
    "InterruptedRideLike",
    "InterruptedRidesPort",
    "InterruptedRidesSource",
    "RideAction",
    "RideExporter",
    "RideHistoryPort",
    "RideListingLike",
]

ExportKind = Literal["fit", "tcx"]

RideExporter = Callable[[str, Path, ExportKind], None]
"""`export_ride(ride_id, path, kind)`: write the ride to `path`; raises OSError (cannot
write) or ValueError/KeyError (no such ride, nothing to export). Called on a worker thread."""

RideAction = Callable[[str], object]
"""`save(ride_id)` or `discard(ride_id)` for an interrupted ride; may raise (the prompt
shows why and offers the ride again)."""


class RideListingLike(Protocol):
    """One past ride as the list shows it (`app.infra.store.history.RideListing`).

    `started_at` is timezone-aware; `state` is "complete", "interrupted" or "discarded";
    `sync_state` is "not queued", "waiting", "uploaded" or "failed"."""

    @property
    def id(self) -> str: ...

    @property
    def workout_name(self) -> str: ...

    @property
    def started_at(self) -> datetime: ...

    @property
    def state(self) -> str: ...

    @property
    def moving_s(self) -> int: ...

    @property
    def tss(self) -> float | None: ...

    @property
    def avg_power_w(self) -> float | None: ...

    @property
    def np_w(self) -> float | None: ...

    @property
    def sync_state(self) -> str: ...

    @property
    def trashed(self) -> bool: ...


class RideHistoryPort(Protocol):
    """Past rides, their 1 Hz samples, and the 30-day trash."""

    def rides(self, *, include_trash: bool = False) -> Sequence[RideListingLike]: ...

    def samples(self, ride_id: str) -> Sequence[Sample]: ...

    def trash(self, ride_id: str) -> None: ...

    def restore(self, ride_id: str) -> None: ...


class InterruptedRideLike(Protocol):
    """A ride the app stopped in the middle of. `recorded_s` is how much of it is on
    disk, in seconds (what the prompt says it "stopped after")."""

    @property
    def ride_id(self) -> str: ...

    @property
    def workout_name(self) -> str: ...

    @property
    def started_at(self) -> datetime: ...

    @property
    def recorded_s(self) -> float: ...


@dataclass(frozen=True, slots=True)
class InterruptedRide:
    """A ready-made `InterruptedRideLike` for the composition root to fill in."""

    ride_id: str
    workout_name: str
    started_at: datetime
    recorded_s: float


InterruptedRidesSource = Callable[[], Sequence[InterruptedRideLike]]
"""`interrupted()`: the rides to offer, oldest first; called on the UI thread."""


class InterruptedRidesPort(Protocol):
    """The rides the app stopped in the middle of, and what the rider may do with one.
    Runs on the UI thread (small reads and one write)."""

    def interrupted(self) -> Sequence[InterruptedRideLike]: ...

    def save(self, ride_id: str) -> None:
        """Keep it as it is (a complete ride with what was recorded)."""
        ...

    def discard(self, ride_id: str) -> None: ...

    def starter(self, ride_id: str) -> tuple[RideStarter, Workout, float]:
        """A `RideStarter` that carries this ride on (same id, same journal), its
        workout and FTP, for the ride screen."""
        ...
