"""The freshest value of each telemetry field, with when it arrived (clock time).

Links write fields as notifications decode; `latest()` answers the ride ticker. A link
that has not heard anything for `stale_after_s` reports None (a dropout), and a single
field that stopped arriving (a trainer that stops relaying HR) goes None on its own.
"""

from __future__ import annotations

from collections.abc import Callable

from app.core.devices.roles import DEFAULT_STALE_AFTER_S, SourceSample
from app.core.ports import Clock, TrainerReading

__all__ = ["Telemetry"]

_FIELDS = ("power_w", "cadence_rpm", "hr_bpm", "speed_mps")


class Telemetry:
    """Per-field latest values; `heard()` on every notification, `set()` per decoded field."""

    __slots__ = (
        "_clock",
        "_heard_listeners",
        "_listeners",
        "_values",
        "last_heard_s",
        "notifications",
        "stale_after_s",
    )

    def __init__(self, clock: Clock, stale_after_s: float = DEFAULT_STALE_AFTER_S) -> None:
        self._clock = clock
        self.stale_after_s = stale_after_s
        self._values: dict[str, tuple[float, float]] = {}
        self.last_heard_s: float | None = None
        self.notifications = 0
        self._listeners: list[Callable[[], None]] = []
        self._heard_listeners: list[Callable[[], None]] = []

    def now(self) -> float:
        return self._clock.monotonic_s()

    def heard(self) -> float:
        """A notification arrived; returns the clock time it was stamped with."""
        now = self._clock.monotonic_s()
        self.last_heard_s = now
        self.notifications += 1
        for listener in list(self._heard_listeners):
            listener()
        return now

    def set(self, now_s: float, **fields: float | None) -> None:
        """Record the fields present in one decoded record (None = not in this record)."""
        for name, value in fields.items():
            if value is not None:
                self._values[name] = (value, now_s)
        for listener in list(self._listeners):
            listener()

    def add_listener(self, listener: Callable[[], None]) -> None:
        """Called after every `set()` (a decoded record); for measurements and the UI."""
        self._listeners.append(listener)

    def add_heard_listener(self, listener: Callable[[], None]) -> None:
        """Called on every notification, decodable or not (before it is decoded)."""
        self._heard_listeners.append(listener)

    def clear(self) -> None:
        """Forget everything (link lost): `latest()` is None until the next notification."""
        self._values.clear()
        self.last_heard_s = None

    def reading_at(self, now_s: float) -> TrainerReading:
        cutoff = now_s - self.stale_after_s
        fresh = {name: value for name, (value, at_s) in self._values.items() if at_s >= cutoff}
        return TrainerReading(**{name: fresh.get(name) for name in _FIELDS})

    def latest(self) -> TrainerReading | None:
        """The freshest reading, or None when nothing arrived for `stale_after_s`."""
        heard = self.last_heard_s
        if heard is None:
            return None
        now = self._clock.monotonic_s()
        if now - heard > self.stale_after_s:
            return None
        return self.reading_at(now)

    def snapshot(self) -> SourceSample | None:
        """For role merging: the reading (fields fresh now) and the last notification time."""
        heard = self.last_heard_s
        if heard is None:
            return None
        return SourceSample(self.reading_at(self._clock.monotonic_s()), heard)
