"""Power match: steer an ERG trainer so the rider's own power meter reads the target.

Trainers and power meters disagree by a few percent. With power match on, the ERG target
sent to the trainer is shifted by the learned offset `meter_w - trainer_w`, so the meter
(what the rider trusts and records) shows the workout's target. Pure: no I/O, no clock;
the caller passes time in (or relies on one update per `sample_period_s`).

Learning is deliberately cautious:
- a pair is learned only when both readings are present (fresh, which the caller
  decides) and above `min_power_w` (the rider is pedalling);
- only while the trainer power is steady: its spread over the last `steady_window_s` is
  within `steady_band_w` or `steady_band_frac` of its mean, so ramps and target changes do
  not teach a lag as an offset;
- the offset is the mean over a rolling `window_s`, and is used only once
  `min_samples` pairs are in it;
- the correction is clamped to `max_offset_w` and to `max_offset_frac` of the target.
"""

from __future__ import annotations

from collections import deque


class PowerMatch:
    """Learns the meter-vs-trainer offset and corrects ERG targets by it."""

    __slots__ = (
        "_now_s",
        "_offsets",
        "_recent_trainer",
        "max_offset_frac",
        "max_offset_w",
        "min_power_w",
        "min_samples",
        "sample_period_s",
        "steady_band_frac",
        "steady_band_w",
        "steady_window_s",
        "window_s",
    )

    def __init__(
        self,
        window_s: float = 30.0,
        *,
        min_samples: int = 10,
        max_offset_w: float = 50.0,
        max_offset_frac: float = 0.15,
        min_power_w: float = 30.0,
        steady_window_s: float = 5.0,
        steady_band_w: float = 10.0,
        steady_band_frac: float = 0.05,
        sample_period_s: float = 1.0,
    ) -> None:
        """Configure the rolling window, the clamps and what counts as steady."""
        if window_s <= 0 or sample_period_s <= 0:
            raise ValueError("window_s and sample_period_s must be positive")
        self.window_s = window_s
        self.min_samples = max(1, min_samples)
        self.max_offset_w = max_offset_w
        self.max_offset_frac = max_offset_frac
        self.min_power_w = min_power_w
        self.steady_window_s = steady_window_s
        self.steady_band_w = steady_band_w
        self.steady_band_frac = steady_band_frac
        self.sample_period_s = sample_period_s
        self._now_s = 0.0
        self._offsets: deque[tuple[float, float]] = deque()  # (time, meter - trainer)
        self._recent_trainer: deque[tuple[float, float]] = deque()  # (time, trainer W)

    # --- learning --------------------------------------------------------------------------

    def update(
        self, trainer_w: float | None, meter_w: float | None, now_s: float | None = None
    ) -> bool:
        """Feed one pair of readings (None = missing or stale). Returns True if learned.

        `now_s` is the caller's monotonic time; without it each call advances time by
        `sample_period_s` (one call per ride tick).
        """
        self._now_s = now_s if now_s is not None else self._now_s + self.sample_period_s
        now = self._now_s
        self._expire(now)
        if trainer_w is None or meter_w is None:
            self._recent_trainer.clear()  # a gap breaks "steady"
            return False
        if trainer_w < self.min_power_w or meter_w < self.min_power_w:
            self._recent_trainer.clear()
            return False
        self._recent_trainer.append((now, trainer_w))
        if not self._steady(now):
            return False
        self._offsets.append((now, meter_w - trainer_w))
        return True

    def reset(self) -> None:
        """Forget everything (a different power meter or trainer)."""
        self._offsets.clear()
        self._recent_trainer.clear()

    # --- using -----------------------------------------------------------------------------

    @property
    def ready(self) -> bool:
        """Enough steady pairs in the window to correct targets."""
        return len(self._offsets) >= self.min_samples

    @property
    def offset_w(self) -> float | None:
        """Mean `meter - trainer` over the window, unclamped; None until `ready`."""
        if not self.ready:
            return None
        return sum(value for _, value in self._offsets) / len(self._offsets)

    def adjust(self, target_w: float) -> int:
        """The ERG target to send so the power meter reads `target_w`.

        Unchanged (rounded) until `ready`; never below 0.
        """
        offset = self.offset_w
        if offset is None or target_w <= 0:
            return max(0, round(target_w))
        limit = min(self.max_offset_w, self.max_offset_frac * target_w)
        correction = min(max(offset, -limit), limit)
        return max(0, round(target_w - correction))

    # --- internals -------------------------------------------------------------------------

    def _expire(self, now: float) -> None:
        while self._offsets and now - self._offsets[0][0] > self.window_s:
            self._offsets.popleft()
        while self._recent_trainer and now - self._recent_trainer[0][0] > self.steady_window_s:
            self._recent_trainer.popleft()

    def _steady(self, now: float) -> bool:
        samples = [w for _, w in self._recent_trainer]
        # Need the steady window (nearly) covered, not just one lucky sample.
        span = now - self._recent_trainer[0][0]
        if span + self.sample_period_s < self.steady_window_s:
            return False
        mean = sum(samples) / len(samples)
        band = max(self.steady_band_w, self.steady_band_frac * mean)
        return max(samples) - min(samples) <= band
