"""The last few rides the History detail pane showed, read and summarized once.

A 3-hour ride's samples take ~50 ms to read and ~10 ms to summarize, on the UI thread:
keeping the last `CACHED_RIDES` makes going back and forth in the list cost nothing.
A ride is cached under its id, state and moving time, so a ride that changed (an
interrupted ride saved, say) is read again.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass

from app.core.ride.samples import RideSummary, Sample, summarize
from app.ui.ports.history import RideHistoryPort, RideListingLike

__all__ = ["CACHED_RIDES", "LoadedRide", "RideCache"]

CACHED_RIDES = 6

_Key = tuple[str, str, int]


@dataclass(frozen=True, slots=True)
class LoadedRide:
    samples: list[Sample]
    summary: RideSummary


class RideCache:
    def __init__(self, history: RideHistoryPort, size: int = CACHED_RIDES) -> None:
        self.history = history
        self.size = size
        self._loaded: OrderedDict[_Key, LoadedRide] = OrderedDict()

    def load(self, ride: RideListingLike, ftp_w: float) -> LoadedRide:
        """The ride's samples and their summary at `ftp_w`; raises what the port's
        `samples()` raises (a ride that cannot be read)."""
        key = _key(ride)
        loaded = self._loaded.get(key)
        if loaded is not None:
            self._loaded.move_to_end(key)
            return loaded
        samples = list(self.history.samples(ride.id))
        loaded = LoadedRide(samples, summarize(samples, ftp_w))
        self._loaded[key] = loaded
        while len(self._loaded) > self.size:
            self._loaded.popitem(last=False)
        return loaded

    def keep_only(self, rides: Iterable[RideListingLike]) -> None:
        """Forget every ride that is not (or no longer as it was) among `rides`."""
        live = {_key(r) for r in rides}
        for key in [k for k in self._loaded if k not in live]:
            del self._loaded[key]

    def clear(self) -> None:
        """Forget every ride (their summaries were computed with an old FTP)."""
        self._loaded.clear()


def _key(ride: RideListingLike) -> _Key:
    return ride.id, ride.state, int(ride.moving_s)
