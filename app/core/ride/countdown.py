"""The interval countdown: what the ride screen says and sounds as an interval ends.

Fed every `RideStatus` the ride publishes (about once a second, and again after each rider
action), `IntervalCountdown.update()` answers with a `CountdownFrame`: a heads-up line from
`HEADS_UP_S` seconds before the interval ends ("Next: 300 W · 2:00"), the number 3, 2, 1 in
the last seconds, and at most one sound to play now:

- `tick` once for each of 3, 2, 1 (a repeated status for the same second stays silent);
- `go` when the next interval starts, after a countdown that ran to its last seconds;
- `done` when the workout reaches its end.

What a rider expects, and so what this does:

- Nothing while paused (or before the start); resuming does not repeat a number.
- Only changes worth a warning are announced: the interval must last at least
  `MIN_INTERVAL_S` (a ramp written as many short steps does not beep every few seconds),
  and the target must move by at least `MIN_STEP_W` (or between a target and free ride).
  The decision is taken once, when the heads-up window opens.
- Skipping forward lands at the start of an interval, well before its end: no burst of stale
  beeps. Skipping back, or adding time, closes the window; the countdown comes back at the
  new end.
- Changing intensity updates the watts shown and never re-triggers a sound.

Pure: no clock, no Qt. The status is the only input.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

from app.core.ride.session import RideState, RideStatus

HEADS_UP_S = 10.0  # the heads-up line shows this many seconds before the interval ends
COUNTDOWN_FROM = 3  # numbers 3, 2, 1
MIN_INTERVAL_S = 5.0  # shorter intervals are not counted down
MIN_STEP_W = 5.0  # smaller target changes are not announced
SLOPE_BASELINE_S = 5.0  # ramps: seconds of one interval needed to trust its slope
COMPLETE_TEXT = "Workout complete"
_EPS = 1e-6


class CueSound(StrEnum):
    TICK = "tick"
    GO = "go"
    DONE = "done"


@dataclass(frozen=True, slots=True)
class CountdownFrame:
    """What to show now (heads-up `text`, big `number`) and the one `sound` to play now."""

    text: str = ""
    number: int | None = None
    sound: CueSound | None = None

    @property
    def visible(self) -> bool:
        return bool(self.text) or self.number is not None


HIDDEN = CountdownFrame()


def clock_text(seconds: float) -> str:
    """m:ss, rounded up (0:05, 2:00, 75:00), like the ride screen's interval clock."""
    total = max(math.ceil(seconds - _EPS), 0)
    return f"{total // 60}:{total % 60:02d}"


class IntervalCountdown:
    """One per ride; `reset()` before reusing it for another."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self._index: int | None = None  # interval of the last riding status
        self._span_s = 0.0  # how long this interval lasts, as far as is known
        self._next_span: tuple[int, float] | None = None  # (index, duration) told in advance
        self._armed: bool | None = None  # this interval's end is announced; None: not decided
        self._last_number: int | None = None  # smallest number ticked in this window
        self._go_ready = False  # the last riding status was in an armed countdown
        self._done = False
        self._anchor: tuple[float, int, int] | None = None  # (position_s, target_w, intensity)
        self._slope_w_per_s = 0.0

    def update(self, status: RideStatus) -> CountdownFrame:
        if status.state in (RideState.RIDING, RideState.FINISHED) and _at_end(status):
            sound = None if self._done else CueSound.DONE
            self._done = True
            self._go_ready = False
            return CountdownFrame(COMPLETE_TEXT, None, sound)
        if status.state is RideState.RIDING:
            self._done = False  # back from the end (skip back): the end may sound again
        index, left = status.interval_index, status.interval_left_s
        if status.state is not RideState.RIDING or index is None or left is None:
            return HIDDEN

        go = False
        if index != self._index:
            go = self._go_ready and self._index is not None and index == self._index + 1
            joined_mid_ride = self._index is None and status.position_s > _EPS
            self._enter(index, joined_mid_ride=joined_mid_ride)
        self._go_ready = False
        self._observe(status, index, left)
        go_sound = CueSound.GO if go else None

        if left > HEADS_UP_S + _EPS:
            self._armed = None
            self._last_number = None
            return CountdownFrame(sound=go_sound)
        if self._armed is None:
            self._armed = self._announces(status, left)
        if not self._armed:
            return CountdownFrame(sound=go_sound)

        text = _heads_up(status, left)
        number = math.ceil(left - _EPS)
        if number > COUNTDOWN_FROM:
            return CountdownFrame(text, None, go_sound)
        self._go_ready = True
        sound = go_sound
        if self._last_number is None or number < self._last_number:
            self._last_number = number
            sound = sound or CueSound.TICK
        return CountdownFrame(text, number, sound)

    # -- bookkeeping -----------------------------------------------------------------------
    def _enter(self, index: int, *, joined_mid_ride: bool) -> None:
        """A new interval. Its length is known from the status before (`next_interval_s`)
        or, after a skip, from the time left where the skip lands (an interval's start).
        Only the first status of a ride joined mid-way (a resumed ride) cannot tell: that
        interval counts as long enough, rather than miss its countdown."""
        self._index = index
        known = self._next_span
        if known is not None and known[0] == index:
            self._span_s = known[1]
        else:
            self._span_s = math.inf if joined_mid_ride else 0.0
        self._armed = None
        self._last_number = None
        self._anchor = None
        self._slope_w_per_s = 0.0

    def _observe(self, status: RideStatus, index: int, left: float) -> None:
        self._span_s = max(self._span_s, left)
        if status.next_interval_s is not None:
            self._next_span = (index + 1, status.next_interval_s)
        target = status.target_w
        if target is None:
            self._anchor = None
            return
        anchor = self._anchor
        if anchor is None or anchor[2] != status.intensity_pct or status.position_s < anchor[0]:
            self._anchor = (status.position_s, target, status.intensity_pct)
            self._slope_w_per_s = 0.0
            return
        baseline_s = status.position_s - anchor[0]
        if baseline_s >= SLOPE_BASELINE_S:  # rounded watts: trust only a long baseline
            self._slope_w_per_s = (target - anchor[1]) / baseline_s

    def _announces(self, status: RideStatus, left: float) -> bool:
        if self._span_s < MIN_INTERVAL_S - _EPS:
            return False
        if status.next_interval_s is None:  # the last interval: its end is the workout's
            return True
        now, upcoming = status.target_w, status.next_target_w
        if now is None or upcoming is None:
            return (now is None) != (upcoming is None) or status.next_all_out
        at_end = now + self._slope_w_per_s * left  # a ramp's target where it ends
        return abs(upcoming - at_end) >= MIN_STEP_W


def _at_end(status: RideStatus) -> bool:
    return status.duration_s > 0 and status.position_s >= status.duration_s - _EPS


def _heads_up(status: RideStatus, left: float) -> str:
    if status.next_interval_s is None:
        return f"{COMPLETE_TEXT} in {clock_text(left)}"
    if status.next_all_out:
        what = "all-out sprint"
    else:
        what = "free ride" if status.next_target_w is None else f"{status.next_target_w} W"
    last = status.position_s + left + status.next_interval_s >= status.duration_s - _EPS
    prefix = "Last interval" if last else "Next"
    return f"{prefix}: {what} · {clock_text(status.next_interval_s)}"
