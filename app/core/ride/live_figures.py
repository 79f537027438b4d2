"""The running figures the ride screen's tiles show, kept up to date one second at a time.

`LiveFigures` is fed every 1 Hz `Sample` and the `RideStatus` that came with it; it keeps
numbers only (watts, seconds, metres; formatting is the screen's job), each updated in
constant time per sample, so a three-hour ride costs the same per second as a short one.

Which seconds count:
- Ride totals (average power, NP, work, max power) count the moving seconds that have a
  power reading, exactly as `summarize` does for the ride summary, so the tiles and the
  summary agree at the end of the ride.
- The rolling power windows (1 s, 3 s, 10 s) are the last N *moving* seconds; see
  `RollingMean` for what they do with dropouts.
- While paused, the live power figures (now, 3 s, 10 s, smoothed) are None: a pause has no
  riding power. Paused seconds never enter a window, so on resume the window carries on
  from the moving seconds before the pause.
"""

from __future__ import annotations

from collections import deque
from typing import Final

from app.core.ride.samples import NP_WINDOW_S, Sample
from app.core.ride.session import RideStatus
from app.core.ride.tiles import SMOOTHING_CHOICES_S

LAP_CATCH_UP_S: Final = 10
"""How far back `mark_lap` can start a lap before the last sample it has seen."""

Figure = float | int | None


class RollingMean:
    """The mean over the last `size` slots, one slot a second.

    A slot may be empty (a dropout second: no power reading). An empty slot takes its
    place in the window like any other second, so the window never reaches further back to
    make up for it, but it is not averaged as zero: the mean is over the slots that have a
    value. With no value in the window the mean is None. O(1) per push."""

    __slots__ = ("_count", "_slots", "_sum")

    def __init__(self, size: int) -> None:
        if size < 1:
            raise ValueError("a window holds at least one second")
        self._slots: deque[float | None] = deque(maxlen=size)
        self._sum = 0.0
        self._count = 0

    @property
    def size(self) -> int:
        size = self._slots.maxlen
        assert size is not None
        return size

    def push(self, value: float | None) -> None:
        if len(self._slots) == self.size:
            oldest = self._slots[0]
            if oldest is not None:
                self._sum -= oldest
                self._count -= 1
        self._slots.append(value)
        if value is not None:
            self._sum += value
            self._count += 1
        if self._count == 0:
            self._sum = 0.0  # no rounding residue left behind by an emptied window

    @property
    def mean(self) -> float | None:
        return self._sum / self._count if self._count else None

    def clear(self) -> None:
        self._slots.clear()
        self._sum = 0.0
        self._count = 0


class _RunningNP:
    """`samples.normalized_power` over a growing list of powers, one power at a time, in
    the same order of operations (so it gives the same number) but O(1) per power."""

    __slots__ = ("_count", "_fourth_sum", "_sum", "_window", "_window_sum")

    def __init__(self) -> None:
        self._window: deque[float] = deque(maxlen=NP_WINDOW_S)
        self._window_sum: float = 0
        self._fourth_sum = 0.0
        self._sum: float = 0
        self._count = 0

    def push(self, power_w: float) -> None:
        self._count += 1
        self._sum += power_w
        if self._count <= NP_WINDOW_S:
            self._window_sum += power_w
        else:
            self._window_sum += power_w - self._window[0]
        self._window.append(power_w)
        if self._count >= NP_WINDOW_S:
            self._fourth_sum += (self._window_sum / NP_WINDOW_S) ** 4

    @property
    def count(self) -> int:
        """How many powers so far."""
        return self._count

    @property
    def total(self) -> float:
        """Their sum, in joules (one power a second)."""
        return self._sum

    @property
    def value(self) -> float | None:
        if not self._count:
            return None
        if self._count < NP_WINDOW_S:
            return self._sum / self._count
        return float((self._fourth_sum / (self._count - NP_WINDOW_S + 1)) ** 0.25)


class _Lap:
    """What the lap since the last manual lap has added up."""

    __slots__ = ("moving_s", "power_count", "power_sum", "start_s")

    def __init__(self, start_s: int) -> None:
        self.start_s = start_s
        self.moving_s = 0
        self.power_sum = 0.0
        self.power_count = 0

    def add(self, moving: bool, power_w: float | None) -> None:
        if not moving:
            return
        self.moving_s += 1
        if power_w is not None:
            self.power_sum += power_w
            self.power_count += 1

    @property
    def avg_power_w(self) -> float | None:
        return self.power_sum / self.power_count if self.power_count else None


class LiveFigures:
    """The tiles' numbers for one ride. Feed it with `update(sample, status)` once per
    sample (or `add_sample` for a journal replayed on resume, then `set_status`), mark
    laps with `mark_lap`, and read `values()`.

    `smoothing_s` (1, 3 or 10) decides what `values()["power"]` holds; the others are
    always there as "power_now", "power_3s" and "power_10s"."""

    def __init__(self, *, smoothing_s: int = 3, interval_count: int | None = None) -> None:
        self._check_smoothing(smoothing_s)
        self.smoothing_s = smoothing_s
        self.interval_count = interval_count
        self._windows = {seconds: RollingMean(seconds) for seconds in SMOOTHING_CHOICES_S}
        self._np = _RunningNP()
        self._max_power_w: float | None = None
        self._paused = False
        self._last_elapsed_s: int | None = None
        self._recent: deque[tuple[int, bool, float | None]] = deque(maxlen=LAP_CATCH_UP_S)
        self._lap = _Lap(0)
        self._laps_marked = 0
        self.cadence_rpm: float | None = None
        self.hr_bpm: float | None = None
        self.speed_mps: float | None = None
        self.distance_m = 0.0
        self.status: RideStatus | None = None

    # -- feeding -----------------------------------------------------------------------------
    def update(self, sample: Sample, status: RideStatus) -> None:
        """One second of the ride and the ride's state right after it."""
        self.add_sample(sample)
        self.set_status(status)

    def add_sample(self, sample: Sample) -> None:
        power = None if sample.no_data else sample.power_w
        moving = sample.moving
        self._paused = not moving
        if moving:
            for window in self._windows.values():
                window.push(power)
            if power is not None:
                self._np.push(power)
                if self._max_power_w is None or power > self._max_power_w:
                    self._max_power_w = power
        if sample.elapsed_s >= self._lap.start_s:
            self._lap.add(moving, power)
        self._recent.append((sample.elapsed_s, moving, power))
        self._last_elapsed_s = sample.elapsed_s
        self.cadence_rpm = None if sample.no_data else sample.cadence_rpm
        self.hr_bpm = None if sample.no_data else sample.hr_bpm
        self.speed_mps = None if sample.no_data else sample.speed_mps
        self.distance_m = sample.distance_m

    def set_status(self, status: RideStatus) -> None:
        """The ride's state between samples too (intensity, skips): targets and times."""
        self.status = status

    def mark_lap(self, elapsed_s: int) -> None:
        """Start a new lap at ride second `elapsed_s` (normally the elapsed time showing).
        Seconds already seen from `elapsed_s` on (up to LAP_CATCH_UP_S back) move into the
        new lap, so a lap key pressed while a sample was on its way loses nothing."""
        self._lap = _Lap(elapsed_s)
        self._laps_marked += 1
        for second, moving, power in self._recent:
            if second >= elapsed_s:
                self._lap.add(moving, power)

    # -- the figures -------------------------------------------------------------------------
    def smoothed_power_w(self, seconds: int) -> float | None:
        """Power averaged over the last `seconds` (1, 3 or 10) moving seconds; None while
        paused or when the window has no reading."""
        self._check_smoothing(seconds)
        return None if self._paused else self._windows[seconds].mean

    @property
    def power_w(self) -> float | None:
        """Power now: the last moving second's reading."""
        return self.smoothed_power_w(1)

    @property
    def power_3s_w(self) -> float | None:
        return self.smoothed_power_w(3)

    @property
    def power_10s_w(self) -> float | None:
        return self.smoothed_power_w(10)

    @property
    def avg_power_w(self) -> float | None:
        count = self._np.count
        return self._np.total / count if count else None

    @property
    def np_w(self) -> float | None:
        """Normalized power so far (the plain average for the first 30 s with power)."""
        return self._np.value

    @property
    def work_kj(self) -> float:
        return self._np.total / 1000

    @property
    def max_power_w(self) -> float | None:
        return self._max_power_w

    @property
    def lap_number(self) -> int:
        return self._laps_marked + 1

    @property
    def lap_time_s(self) -> int:
        """Moving seconds since the last manual lap (the ride so far before the first):
        the lap clock stands still while paused, as the workout does."""
        return self._lap.moving_s

    @property
    def lap_power_w(self) -> float | None:
        return self._lap.avg_power_w

    @property
    def elapsed_s(self) -> int | None:
        """Seconds since the start, paused ones included (what the Elapsed tile shows)."""
        if self.status is not None:
            return self.status.elapsed_s
        return None if self._last_elapsed_s is None else self._last_elapsed_s + 1

    @property
    def remaining_s(self) -> float | None:
        """Workout time left, as ridden (extensions included)."""
        if self.status is None:
            return None
        return max(self.status.duration_s - self.status.position_s, 0.0)

    def values(self) -> dict[str, Figure]:
        """Every figure by its tile key (`tiles.TILE_KEYS`), plus the caption figures
        (`tiles.CAPTION_KEYS`). None = nothing to show."""
        status = self.status
        interval_index = status.interval_index if status is not None else None
        return {
            "power": self.smoothed_power_w(self.smoothing_s),
            "power_now": self.power_w,
            "power_3s": self.power_3s_w,
            "power_10s": self.power_10s_w,
            "avg_power": self.avg_power_w,
            "np": self.np_w,
            "max_power": self.max_power_w,
            "work_kj": self.work_kj,
            "target": status.target_w if status is not None else None,
            "interval_left": status.interval_left_s if status is not None else None,
            "intensity": status.intensity_pct if status is not None else None,
            "elapsed": self.elapsed_s,
            "remaining": self.remaining_s,
            "lap_time": self.lap_time_s,
            "lap_power": self.lap_power_w,
            "hr": self.hr_bpm,
            "cadence": self.cadence_rpm,
            "speed": self.speed_mps,
            "distance": self.distance_m,
            "next_target": status.next_target_w if status is not None else None,
            "interval_number": None if interval_index is None else interval_index + 1,
            "interval_count": self.interval_count,
            "lap_number": self.lap_number,
        }

    @staticmethod
    def _check_smoothing(seconds: int) -> None:
        if seconds not in SMOOTHING_CHOICES_S:
            raise ValueError(f"power smoothing is one of {SMOOTHING_CHOICES_S} seconds")
