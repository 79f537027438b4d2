"""A workout's shape as compact segments: what thumbnails and previews draw.

Stored packed in the library so a list of thousands can draw every thumbnail without
parsing a single workout file. Targets are fractions of FTP; watt targets are converted
with the workout's own FTP override, or the reference FTP the library uses for metrics.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from enum import IntEnum

from app.core.workouts.model import PowerUnit, StepKind, Workout

_SEGMENT = struct.Struct("<ffffB")


class SegmentKind(IntEnum):
    POWER = 0
    FREE_RIDE = 1
    MAX_EFFORT = 2


@dataclass(frozen=True, slots=True)
class ProfileSegment:
    start_s: float
    end_s: float
    start_frac: float  # of FTP; 0 for free ride and max effort
    end_frac: float
    kind: SegmentKind = SegmentKind.POWER


def profile_of(workout: Workout, reference_ftp_w: float = 250.0) -> tuple[ProfileSegment, ...]:
    ftp_w = workout.ftp_override_w or reference_ftp_w
    segments: list[ProfileSegment] = []
    t = 0.0
    for step in workout.flat_steps():
        end = t + step.duration_s
        if step.kind is StepKind.FREE_RIDE:
            segments.append(ProfileSegment(t, end, 0.0, 0.0, SegmentKind.FREE_RIDE))
        elif step.kind is StepKind.MAX_EFFORT:
            segments.append(ProfileSegment(t, end, 0.0, 0.0, SegmentKind.MAX_EFFORT))
        else:
            scale = 1.0 if step.power_unit is PowerUnit.FTP_FRACTION else 1.0 / ftp_w
            start = (step.power_start or 0.0) * scale
            finish = (step.power_end or 0.0) * scale if step.kind is StepKind.RAMP else start
            segments.append(ProfileSegment(t, end, start, finish))
        t = end
    return tuple(segments)


def pack_profile(segments: tuple[ProfileSegment, ...]) -> bytes:
    return b"".join(
        _SEGMENT.pack(s.start_s, s.end_s, s.start_frac, s.end_frac, s.kind) for s in segments
    )


def unpack_profile(blob: bytes) -> tuple[ProfileSegment, ...]:
    """Segments from `pack_profile`; float32 keeps 1/100 s and 1e-6 FTP precision here."""
    usable = len(blob) - len(blob) % _SEGMENT.size
    return tuple(
        ProfileSegment(start, end, p0, p1, SegmentKind(kind))
        for start, end, p0, p1, kind in _SEGMENT.iter_unpack(blob[:usable])
        if kind in (0, 1, 2)
    )
