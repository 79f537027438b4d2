"""A recorded ride as a FIT activity file (the upload format for Strava, intervals.icu,
Garmin Connect, TrainingPeaks).

Messages, timestamps never decreasing (shared/reference/sync-auth-formats.md §5.5):

1. file_id (activity, manufacturer development, serial from the ride id, time_created)
2. device_info (the creator: this app), workout (the workout's name)
3. event timer start
4. one record per moving second (timestamp, power, heart_rate, cadence, distance,
   speed + enhanced_speed). A dropout second (no trainer data) gets a record with only
   timestamp and distance: the gap is marked, nothing is invented. No records while
   paused: event timer stop_all at the pause, event timer start at the resume (likewise
   around a hole in the journal's seconds).
5. a lap message at the end of each lap (see ride_export.split_laps), interleaved with
   the records so time keeps ascending; event timer stop_all before the last one
6. session (totals for the ride, NP, TSS, IF, work), 7. exactly one activity.

Record k is stamped started_at + elapsed_s (whole seconds; a ride resumed after a crash
counts each segment from its own start, see ExportRide.sample_times). A lap or session
ends where its last second ends, so total_elapsed_time == timestamp - start_time and
total_timer_time == the number of its records.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
from functools import cache
from pathlib import Path

from app.core.fit.encoder import FitEncoder, encode_string
from app.core.fit.profile import (
    FIT_EPOCH_S,
    Activity,
    Event,
    EventType,
    FileType,
    Intensity,
    LapTrigger,
    Manufacturer,
    SessionTrigger,
    Sport,
    SubSport,
    from_fit_time,
)
from app.infra.export.atomic import write_atomic
from app.infra.export.ride_export import (
    ExportRide,
    LapEnd,
    LapSpan,
    span_stats,
    split_laps,
    whole_ride,
)

__all__ = ["FREEWHEEL_PRODUCT_ID", "encode_fit_activity", "write_fit_activity"]

FREEWHEEL_PRODUCT_ID = 1  # our product number under manufacturer "development" (255)
PRODUCT_NAME = "Freewheel"
CREATOR_DEVICE_INDEX = 0  # device_info.device_index "creator"

# Largest valid values (the next one up is the base type's "invalid").
_UINT8_MAX = 254
_UINT16_MAX = 65534
_SPEED_MAX_MPS = 65.534  # record.speed: uint16, m/s x 1000

# Local message numbers and their fields, in the order the data tuples give them.
_FILE_ID, _DEVICE_INFO, _WORKOUT, _EVENT, _RECORD, _DROPOUT, _LAP, _SESSION, _ACTIVITY = range(9)

_FILE_ID_FIELDS = (
    "type", "manufacturer", "product", "serial_number", "time_created", ("product_name", 16),
)  # fmt: skip
_DEVICE_INFO_FIELDS = (
    "timestamp", "device_index", "manufacturer", "product", "serial_number",
    "software_version", ("product_name", 16),
)  # fmt: skip
_EVENT_FIELDS = ("timestamp", "event", "event_type", "event_group")
_RECORD_FIELDS = (
    "timestamp", "power", "heart_rate", "cadence", "distance", "speed", "enhanced_speed",
)  # fmt: skip
_DROPOUT_FIELDS = ("timestamp", "distance")
_LAP_FIELDS = (
    "message_index", "timestamp", "event", "event_type", "start_time",
    "total_elapsed_time", "total_timer_time", "total_distance", "total_calories",
    "total_work", "avg_speed", "max_speed", "enhanced_avg_speed", "enhanced_max_speed",
    "avg_heart_rate", "max_heart_rate", "avg_cadence", "max_cadence",
    "avg_power", "max_power", "normalized_power", "intensity", "lap_trigger",
    "sport", "sub_sport",
)  # fmt: skip
_SESSION_FIELDS = (
    "message_index", "timestamp", "event", "event_type", "start_time", "sport", "sub_sport",
    "total_elapsed_time", "total_timer_time", "total_distance", "total_calories",
    "total_work", "avg_speed", "max_speed", "enhanced_avg_speed", "enhanced_max_speed",
    "avg_heart_rate", "max_heart_rate", "avg_cadence", "max_cadence",
    "avg_power", "max_power", "normalized_power", "training_stress_score",
    "intensity_factor", "threshold_power", "first_lap_index", "num_laps", "trigger",
)  # fmt: skip
_ACTIVITY_FIELDS = (
    "timestamp", "total_timer_time", "num_sessions", "type", "event", "event_type",
    "local_timestamp",
)  # fmt: skip

_LAP_TRIGGER = {
    LapEnd.INTERVAL: LapTrigger.TIME,  # workout steps are timed
    LapEnd.MANUAL: LapTrigger.MANUAL,
    LapEnd.RIDE_END: LapTrigger.SESSION_END,
}


def serial_number(ride_id: str) -> int:
    """A stable, non-zero uint32 from the ride id (file_id must be unique per file)."""
    digest = hashlib.sha256(ride_id.encode("utf-8")).digest()
    return int.from_bytes(digest[:4], "big") or 1


@cache
def app_version() -> tuple[int, int] | None:
    """The installed app's (major, minor) version, None when unknown."""
    try:
        parts = importlib.metadata.version("freewheel").split(".")
        return int(parts[0]), int(parts[1]) if len(parts) > 1 else 0
    except (importlib.metadata.PackageNotFoundError, ValueError):
        return None


def software_version() -> float | None:
    """device_info.software_version (uint16, x100): "1.12" -> 1.12, "0.1" -> 0.1."""
    version = app_version()
    if version is None:
        return None
    value = float(f"{version[0]}.{version[1]}")
    return value if value <= 655.34 else None


def _cap(value: float | None, top: float) -> float | None:
    """A measured value within what the field can hold (a glitching sensor must not
    stop the export); None stays None (written as invalid)."""
    if value is None:
        return None
    return top if value > top else (0 if value < 0 else value)


def encode_fit_activity(ride: ExportRide) -> bytes:
    """The ride as a FIT activity file. Raises ValueError for a ride without samples."""
    samples = ride.samples
    if not samples:
        raise ValueError(f"ride {ride.ride_id} has no samples to export")
    unix_times = ride.sample_times()
    laps = split_laps(ride, unix_times)
    times = [t - FIT_EPOCH_S for t in unix_times]  # FIT date_time of each sample
    start = times[0]
    end = times[-1] + 1
    serial = serial_number(ride.ride_id)

    enc = FitEncoder()
    enc.define(_FILE_ID, "file_id", _FILE_ID_FIELDS)
    enc.write(
        _FILE_ID,
        (FileType.ACTIVITY, Manufacturer.DEVELOPMENT, FREEWHEEL_PRODUCT_ID, serial, start,
         PRODUCT_NAME),
    )  # fmt: skip
    enc.define(_DEVICE_INFO, "device_info", _DEVICE_INFO_FIELDS)
    enc.write(
        _DEVICE_INFO,
        (start, CREATOR_DEVICE_INDEX, Manufacturer.DEVELOPMENT, FREEWHEEL_PRODUCT_ID, serial,
         software_version(), PRODUCT_NAME),
    )  # fmt: skip
    if ride.workout_name:
        name_size = min(len(encode_string(ride.workout_name, 255)) + 1, 255)
        enc.define(_WORKOUT, "workout", (("wkt_name", name_size), "sport", "sub_sport"))
        enc.write(_WORKOUT, (ride.workout_name, Sport.CYCLING, SubSport.INDOOR_CYCLING))
    enc.define(_EVENT, "event", _EVENT_FIELDS)
    enc.define(_RECORD, "record", _RECORD_FIELDS)
    enc.define(_DROPOUT, "record", _DROPOUT_FIELDS)
    enc.define(_LAP, "lap", _LAP_FIELDS)

    write = enc.write
    timer = Event.TIMER
    started, stopped = EventType.START, EventType.STOP_ALL
    write(_EVENT, (start, timer, started, 0))
    running = True
    previous = start - 1
    next_lap = 1
    next_split = laps[1].first if len(laps) > 1 else -1
    for i, (s, t) in enumerate(zip(samples, times, strict=True)):
        if running and t > previous + 1:  # a hole: seconds never journaled, or a crash
            write(_EVENT, (previous + 1, timer, stopped, 0))
            running = False
        if i == next_split:
            _write_lap(enc, ride, laps[next_lap - 1])
            next_lap += 1
            next_split = laps[next_lap].first if next_lap < len(laps) else -1
        previous = t
        if s.paused:
            if running:
                write(_EVENT, (t, timer, stopped, 0))
                running = False
            continue
        if not running:
            write(_EVENT, (t, timer, started, 0))
            running = True
        if s.no_data:
            write(_DROPOUT, (t, s.distance_m))
            continue
        speed = _cap(s.speed_mps, _SPEED_MAX_MPS)
        write(
            _RECORD,
            (
                t,
                _cap(s.power_w, _UINT16_MAX),
                _cap(s.hr_bpm, _UINT8_MAX),
                _cap(s.cadence_rpm, _UINT8_MAX),
                s.distance_m,
                speed,
                speed,
            ),
        )
    if running:
        write(_EVENT, (end, timer, stopped, 0))
    _write_lap(enc, ride, laps[-1])
    timer_s = _write_session(enc, ride, whole_ride(ride, unix_times), len(laps))
    enc.define(_ACTIVITY, "activity", _ACTIVITY_FIELDS)
    enc.write(
        _ACTIVITY,
        (end, timer_s, 1, Activity.MANUAL, Event.ACTIVITY, EventType.STOP,
         from_fit_time(end).astimezone()),  # local_timestamp: this computer's wall clock
    )  # fmt: skip
    return enc.finish()


def _write_lap(enc: FitEncoder, ride: ExportRide, lap: LapSpan) -> None:
    st = span_stats(ride.samples, lap, ride.ftp_w)
    enc.write(
        _LAP,
        (
            lap.index, lap.end_time - FIT_EPOCH_S, Event.LAP, EventType.STOP,
            lap.start_time - FIT_EPOCH_S,
            st.elapsed_s, st.timer_s, st.distance_m, _cap(st.kcal, _UINT16_MAX),
            st.work_j, _cap(st.avg_speed_mps, _SPEED_MAX_MPS),
            _cap(st.max_speed_mps, _SPEED_MAX_MPS), st.avg_speed_mps, st.max_speed_mps,
            _cap(st.avg_hr_bpm, _UINT8_MAX), _cap(st.max_hr_bpm, _UINT8_MAX),
            _cap(st.avg_cadence_rpm, _UINT8_MAX), _cap(st.max_cadence_rpm, _UINT8_MAX),
            _cap(st.avg_power_w, _UINT16_MAX), _cap(st.max_power_w, _UINT16_MAX),
            _cap(st.np_w, _UINT16_MAX), Intensity.ACTIVE, _LAP_TRIGGER[lap.end],
            Sport.CYCLING, SubSport.INDOOR_CYCLING,
        ),
    )  # fmt: skip


def _write_session(enc: FitEncoder, ride: ExportRide, whole: LapSpan, num_laps: int) -> int:
    """Write the session message; returns its total_timer_time (s)."""
    st = span_stats(ride.samples, whole, ride.ftp_w)
    summary = ride.effective_summary()
    tss = None if summary.tss is None else min(summary.tss, _UINT16_MAX / 10)
    intensity = None if summary.intensity_factor is None else min(summary.intensity_factor, 65)
    enc.define(_SESSION, "session", _SESSION_FIELDS)
    enc.write(
        _SESSION,
        (
            0, whole.end_time - FIT_EPOCH_S, Event.SESSION, EventType.STOP,
            whole.start_time - FIT_EPOCH_S, Sport.CYCLING,
            SubSport.INDOOR_CYCLING, st.elapsed_s, st.timer_s, st.distance_m,
            _cap(round(summary.work_kj), _UINT16_MAX), summary.work_kj * 1000,
            _cap(st.avg_speed_mps, _SPEED_MAX_MPS), _cap(st.max_speed_mps, _SPEED_MAX_MPS),
            st.avg_speed_mps, st.max_speed_mps,
            _cap(summary.avg_hr_bpm, _UINT8_MAX), _cap(summary.max_hr_bpm, _UINT8_MAX),
            _cap(summary.avg_cadence_rpm, _UINT8_MAX), _cap(st.max_cadence_rpm, _UINT8_MAX),
            _cap(summary.avg_power_w, _UINT16_MAX), _cap(summary.max_power_w, _UINT16_MAX),
            _cap(summary.np_w, _UINT16_MAX), tss, intensity,
            _cap(ride.ftp_w, _UINT16_MAX) if ride.ftp_w > 0 else None,
            0, num_laps, SessionTrigger.ACTIVITY_END,
        ),
    )  # fmt: skip
    return st.timer_s


def write_fit_activity(ride: ExportRide, path: Path) -> None:
    """Encode the ride and write it to `path` atomically (see atomic.write_atomic)."""
    write_atomic(Path(path), encode_fit_activity(ride))
