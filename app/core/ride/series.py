"""A recorded ride as series over moving time: what its chart draws.

Moving time leaves the paused seconds out, so a ride paused for a coffee draws as one
continuous effort; a dropout second (no power from the trainer) stays in, as a gap.
"""

from __future__ import annotations

from collections.abc import Sequence

from app.core.ride.samples import Sample

__all__ = ["TargetSegment", "moving_time_series"]

TargetSegment = tuple[float, float, float | None]
"""(start_s, end_s, target_w) over moving time; target None = no target (free ride)."""


def moving_time_series(
    samples: Sequence[Sample],
) -> tuple[list[TargetSegment], list[float], list[float | None]]:
    """(target segments, x in moving seconds, actual power in W; None = a dropout second).
    Segments are runs of one target: consecutive seconds with the same target merge."""
    segments: list[TargetSegment] = []
    xs: list[float] = []
    ys: list[float | None] = []
    t = 0
    for sample in samples:
        if sample.paused:
            continue
        target = None if sample.target_w is None else float(sample.target_w)
        if segments and segments[-1][2] == target and segments[-1][1] == t:
            segments[-1] = (segments[-1][0], t + 1.0, target)
        else:
            segments.append((float(t), t + 1.0, target))
        xs.append(float(t))
        ys.append(None if sample.no_data else sample.power_w)
        t += 1
    return segments, xs, ys
