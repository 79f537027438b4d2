"""FIT activity export: a realistic 45-minute ride (three workout intervals, a 30-s pause,
a 10-s trainer dropout, a manual lap) encoded by app.infra.export and read back by
garmin-fit-sdk and fitdecode (test-only dependencies); the same from a real rides.db
written by the journal; atomic writes."""

from __future__ import annotations

import io
import os
import sqlite3
import time
import uuid
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest

from app.core.ports import TrainerMode
from app.core.ride.samples import Sample, summarize
from app.core.ride.session import ResumePoint, RideState, RideStatus
from app.infra.export import (
    ExportRide,
    RideNotFoundError,
    encode_fit_activity,
    load_export_ride,
    write_fit_activity,
)
from app.infra.store.journal import JournalObserver, JournalWriter

garmin = pytest.importorskip("garmin_fit_sdk")

START = datetime(2025, 3, 14, 17, 30, 0, tzinfo=UTC)
FTP_W = 250.0
# (duration_s, target_w) of the three workout intervals: 45 minutes of riding
INTERVALS = ((600, 150), (1200, 260), (900, 140))
PAUSE_AT_S, PAUSE_S = 1200, 30  # elapsed_s of the first paused second, and how long
DROPOUT_AT_S, DROPOUT_S = 2000, 10  # elapsed_s of the first second without trainer data
HR_OFF_AT_S = 500  # three seconds where the strap drops out but the trainer reports
MANUAL_LAP_S = 2400  # inside the last interval (which starts at elapsed 1830)
MOVING_S = sum(d for d, _ in INTERVALS)
ELAPSED_S = MOVING_S + PAUSE_S
TS_FIELDS = ("timestamp",)


def make_samples(intervals: tuple[tuple[int, int], ...] = INTERVALS) -> list[Sample]:
    """1 Hz samples as the ride session records them (distance added before recording,
    workout position standing still while paused, nothing measured during a dropout)."""
    bounds: list[tuple[int, int, int]] = []  # (start_s, end_s, target_w) in workout time
    t = 0
    for duration, target in intervals:
        bounds.append((t, t + duration, target))
        t += duration
    total = t
    samples: list[Sample] = []
    distance = 0.0
    position = 0
    elapsed = 0
    while position < total:
        paused = PAUSE_AT_S <= elapsed < PAUSE_AT_S + PAUSE_S
        index = next(i for i, (a, b, _) in enumerate(bounds) if a <= position < b)
        target = bounds[index][2]
        dropout = not paused and DROPOUT_AT_S <= elapsed < DROPOUT_AT_S + DROPOUT_S
        if dropout:
            power = cadence = hr = speed = None
        else:
            power = target + ((elapsed * 7) % 23) - 11 + 0.4 * (elapsed % 3)
            cadence = 0.0 if paused else 86 + (elapsed % 9) + 0.5
            hr = None if HR_OFF_AT_S <= elapsed < HR_OFF_AT_S + 3 else 118 + elapsed / 60
            speed = 0.0 if paused else 6.0 + power / 60
        if speed and not paused:
            distance += speed
        samples.append(
            Sample(
                elapsed_s=elapsed,
                workout_s=float(position),
                power_w=power,
                cadence_rpm=cadence,
                hr_bpm=hr,
                speed_mps=speed,
                distance_m=distance,
                target_w=None if paused else target,
                mode=TrainerMode.ERG,
                interval_index=index,
                paused=paused,
                no_data=dropout,
            )
        )
        elapsed += 1
        if not paused:
            position += 1
    return samples


def make_ride(samples: list[Sample] | None = None, laps: tuple[int, ...] = (MANUAL_LAP_S,),
              with_summary: bool = True) -> ExportRide:  # fmt: skip
    samples = make_samples() if samples is None else samples
    return ExportRide(
        ride_id="6f1c2d9e-8a41-4b6f-9a57-3c1e0f2b7d11",
        workout_name='Sweet spot 3×20 <"tempo"> & more',
        started_at=START,
        ftp_w=FTP_W,
        samples=samples,
        laps=laps,
        summary=summarize(samples, FTP_W) if with_summary else None,
    )


def decode_in_order(data: bytes) -> tuple[list[tuple[str, dict[str, Any]]], dict[str, Any]]:
    """garmin-fit-sdk: every message in file order, and the messages by kind."""
    from garmin_fit_sdk import Decoder, Profile, Stream

    names = {num: msg["name"] for num, msg in Profile["messages"].items()}
    order: list[tuple[str, dict[str, Any]]] = []

    def listener(mesg_num: int, message: dict[str, Any]) -> None:
        order.append((names.get(mesg_num, str(mesg_num)), message))

    decoder = Decoder(Stream.from_byte_array(bytearray(data)))
    assert decoder.is_fit()
    assert decoder.check_integrity()
    decoder = Decoder(Stream.from_byte_array(bytearray(data)))
    messages, errors = decoder.read(mesg_listener=listener)
    assert errors == []
    return order, messages


def at(elapsed_s: int) -> datetime:
    return START + timedelta(seconds=elapsed_s)


@pytest.fixture(scope="module")
def ride() -> ExportRide:
    return make_ride()


@pytest.fixture(scope="module")
def decoded(ride: ExportRide) -> tuple[list[tuple[str, dict[str, Any]]], dict[str, Any]]:
    return decode_in_order(encode_fit_activity(ride))


# --------------------------------------------------------------------------- structure


def test_the_file_has_the_activity_message_set_in_order(decoded) -> None:
    order, messages = decoded
    kinds = [kind for kind, _ in order]
    assert kinds[0] == "file_id"
    assert kinds[1:3] == ["device_info", "workout"]
    assert kinds[3] == "event"
    assert kinds[-2:] == ["session", "activity"]
    assert kinds.count("activity") == 1 and kinds.count("session") == 1
    assert kinds.count("record") == MOVING_S
    assert kinds.index("session") > max(i for i, k in enumerate(kinds) if k == "lap")

    (file_id,) = messages["file_id_mesgs"]
    assert file_id["type"] == "activity"
    assert file_id["manufacturer"] == "development"
    assert file_id["time_created"] == START
    assert isinstance(file_id["serial_number"], int) and file_id["serial_number"] > 0
    (device,) = messages["device_info_mesgs"]
    assert device["device_index"] == "creator"
    assert device["serial_number"] == file_id["serial_number"]
    (workout,) = messages["workout_mesgs"]
    assert workout["wkt_name"] == 'Sweet spot 3×20 <"tempo"> & more'


def test_timestamps_ascend_through_the_whole_file(decoded) -> None:
    order, _ = decoded
    stamps = [m["timestamp"] for _, m in order if "timestamp" in m]
    assert len(stamps) > MOVING_S
    assert stamps == sorted(stamps)  # never backwards across every timestamped message
    records = [m["timestamp"] for kind, m in order if kind == "record"]
    assert all(b > a for a, b in pairwise(records))  # strictly, 1 Hz
    assert records[0] == START and records[-1] == at(ELAPSED_S - 1)


def test_the_timer_stops_for_the_pause_and_no_record_falls_inside_it(decoded) -> None:
    order, messages = decoded
    events = [(e["timestamp"], e["event"], e["event_type"]) for e in messages["event_mesgs"]]
    assert events == [
        (at(0), "timer", "start"),
        (at(PAUSE_AT_S), "timer", "stop_all"),
        (at(PAUSE_AT_S + PAUSE_S), "timer", "start"),
        (at(ELAPSED_S), "timer", "stop_all"),
    ]
    stamps = {m["timestamp"] for kind, m in order if kind == "record"}
    assert not stamps & {at(PAUSE_AT_S + k) for k in range(PAUSE_S)}
    assert at(PAUSE_AT_S - 1) in stamps and at(PAUSE_AT_S + PAUSE_S) in stamps
    # the resume: start event, then its first record
    kinds = [(kind, m.get("timestamp")) for kind, m in order]
    i = kinds.index(("event", at(PAUSE_AT_S + PAUSE_S)))
    assert kinds[i + 1] == ("record", at(PAUSE_AT_S + PAUSE_S))


def test_record_values_are_the_samples(ride: ExportRide, decoded) -> None:
    _, messages = decoded
    records = {r["timestamp"]: r for r in messages["record_mesgs"]}
    moving = [s for s in ride.samples if not s.paused]
    assert len(records) == len(moving)
    for s in moving:
        r = records[at(s.elapsed_s)]
        assert r["distance"] == pytest.approx(s.distance_m, abs=0.005)  # x100 in the file
        if s.no_data:
            continue
        assert r["power"] == round(s.power_w)
        assert r["cadence"] == round(s.cadence_rpm)
        assert r["speed"] == pytest.approx(s.speed_mps, abs=0.0005)  # x1000
        assert r["enhanced_speed"] == pytest.approx(s.speed_mps, abs=0.0005)
        if s.hr_bpm is None:
            assert "heart_rate" not in r
        else:
            assert r["heart_rate"] == round(s.hr_bpm)


def test_dropout_seconds_are_marked_not_filled(ride: ExportRide, decoded) -> None:
    _, messages = decoded
    records = {r["timestamp"]: r for r in messages["record_mesgs"]}
    dropped = [s for s in ride.samples if s.no_data]
    assert len(dropped) == DROPOUT_S
    before = records[at(DROPOUT_AT_S - 1)]
    for s in dropped:
        r = records[at(s.elapsed_s)]
        assert set(r) == {"timestamp", "distance"}, r  # no power, HR, cadence or speed
        assert r["distance"] == pytest.approx(before["distance"], abs=0.005)


def test_one_lap_per_interval_plus_the_manual_split(ride: ExportRide, decoded) -> None:
    _, messages = decoded
    laps = messages["lap_mesgs"]
    interval_2_start = INTERVALS[0][0] + INTERVALS[1][0] + PAUSE_S  # elapsed_s
    starts = [0, INTERVALS[0][0], interval_2_start, MANUAL_LAP_S]
    ends = [*starts[1:], ELAPSED_S]
    assert len(laps) == len(INTERVALS) + 1
    assert [lap["message_index"] for lap in laps] == [0, 1, 2, 3]
    assert [lap["start_time"] for lap in laps] == [at(s) for s in starts]
    assert [lap["timestamp"] for lap in laps] == [at(e) for e in ends]
    spans = list(zip(starts, ends, strict=True))
    assert [lap["total_elapsed_time"] for lap in laps] == [e - s for s, e in spans]
    # the pause falls in lap 1: its timer time is 30 s short of its elapsed time
    assert [lap["total_timer_time"] for lap in laps] == [
        e - s - (PAUSE_S if s <= PAUSE_AT_S < e else 0) for s, e in spans
    ]
    assert [lap["lap_trigger"] for lap in laps] == ["time", "time", "manual", "session_end"]
    for lap, (s, e) in zip(laps, spans, strict=True):
        own = [x for x in ride.samples if s <= x.elapsed_s < e and not x.paused]
        powers = [x.power_w for x in own if x.power_w is not None]
        hrs = [x.hr_bpm for x in own if x.hr_bpm]
        cads = [x.cadence_rpm for x in own if x.cadence_rpm]
        first = next(x for x in ride.samples if x.elapsed_s == s)
        previous_distance = first.distance_m - (first.speed_mps or 0)
        assert lap["sport"] == "cycling" and lap["sub_sport"] == "indoor_cycling"
        assert lap["event"] == "lap" and lap["event_type"] == "stop"
        assert lap["total_distance"] == pytest.approx(
            own[-1].distance_m - previous_distance, abs=0.01
        )
        assert lap["avg_power"] == round(sum(powers) / len(powers))
        assert lap["max_power"] == round(max(powers))
        assert lap["avg_heart_rate"] == round(sum(hrs) / len(hrs))
        assert lap["avg_cadence"] == round(sum(cads) / len(cads))
        assert lap["total_work"] == round(sum(powers))
    assert sum(lap["total_timer_time"] for lap in laps) == MOVING_S


def test_session_and_activity_totals(ride: ExportRide, decoded) -> None:
    _, messages = decoded
    summary = ride.summary
    assert summary is not None
    (session,) = messages["session_mesgs"]
    assert session["start_time"] == START and session["timestamp"] == at(ELAPSED_S)
    assert session["sport"] == "cycling" and session["sub_sport"] == "indoor_cycling"
    assert session["event"] == "session" and session["event_type"] == "stop"
    assert session["total_elapsed_time"] == ELAPSED_S
    assert session["total_timer_time"] == MOVING_S
    assert session["total_distance"] == pytest.approx(summary.distance_m, abs=0.01)
    assert session["first_lap_index"] == 0 and session["num_laps"] == 4
    assert session["avg_power"] == round(summary.avg_power_w)
    assert session["max_power"] == round(summary.max_power_w)
    assert session["normalized_power"] == round(summary.np_w)
    assert session["avg_heart_rate"] == round(summary.avg_hr_bpm)
    assert session["avg_cadence"] == round(summary.avg_cadence_rpm)
    assert session["total_work"] == round(summary.work_kj * 1000)
    assert session["training_stress_score"] == pytest.approx(summary.tss, abs=0.05)
    assert session["intensity_factor"] == pytest.approx(summary.intensity_factor, abs=0.0005)
    assert session["threshold_power"] == FTP_W

    (activity,) = messages["activity_mesgs"]
    assert activity["timestamp"] == at(ELAPSED_S)
    assert activity["num_sessions"] == 1 and activity["type"] == "manual"
    assert activity["event"] == "activity" and activity["event_type"] == "stop"
    assert activity["total_timer_time"] == MOVING_S
    end_local = at(ELAPSED_S).astimezone()
    expected_local = end_local.replace(tzinfo=UTC) - datetime(1989, 12, 31, tzinfo=UTC)
    assert activity["local_timestamp"] == int(expected_local.total_seconds())


def test_fitdecode_reads_it_with_the_crc_checked(ride: ExportRide) -> None:
    fitdecode = pytest.importorskip("fitdecode")
    data = encode_fit_activity(ride)
    counts: dict[str, int] = {}
    dropped_power = []
    with fitdecode.FitReader(io.BytesIO(data), check_crc=fitdecode.CrcCheck.RAISE) as reader:
        for frame in reader:
            if isinstance(frame, fitdecode.FitDataMessage):
                counts[frame.name] = counts.get(frame.name, 0) + 1
                if frame.name == "record" and not frame.has_field("power"):
                    dropped_power.append(frame.get_value("timestamp"))
    assert counts["record"] == MOVING_S
    assert counts["lap"] == 4 and counts["session"] == 1 and counts["activity"] == 1
    assert len(dropped_power) == DROPOUT_S


def test_summary_is_computed_when_the_ride_has_none() -> None:
    with_summary = encode_fit_activity(make_ride())
    without = encode_fit_activity(make_ride(with_summary=False))
    assert with_summary == without


def test_a_ride_ending_paused_and_a_hole_in_the_journal_keep_the_timer_consistent() -> None:
    samples = make_samples(((120, 200), (60, 150)))
    # drop 5 seconds the journal never wrote, then end the ride on 3 paused seconds
    samples = [s for s in samples if not 40 <= s.elapsed_s < 45]
    last = samples[-1]
    samples += [
        Sample(last.elapsed_s + k, last.workout_s, None, None, None, None, last.distance_m,
               None, TrainerMode.ERG, last.interval_index, paused=True)
        for k in (1, 2, 3)
    ]  # fmt: skip
    ride = make_ride(samples, laps=())
    order, messages = decode_in_order(encode_fit_activity(ride))
    stamps = [m["timestamp"] for _, m in order if "timestamp" in m]
    assert stamps == sorted(stamps)
    events = [(e["timestamp"], e["event_type"]) for e in messages["event_mesgs"]]
    assert events == [
        (at(0), "start"),
        (at(40), "stop_all"),  # the hole
        (at(45), "start"),
        (at(last.elapsed_s + 1), "stop_all"),  # the final pause; no second stop at the end
    ]
    (session,) = messages["session_mesgs"]
    assert session["total_timer_time"] == len(messages["record_mesgs"]) == 175
    assert session["total_elapsed_time"] == last.elapsed_s + 4
    assert sum(lap["total_elapsed_time"] for lap in messages["lap_mesgs"]) == last.elapsed_s + 4


def test_out_of_range_sensor_values_are_capped_not_fatal() -> None:
    samples = make_samples(((60, 200),))
    glitch = samples[10]
    samples[10] = Sample(glitch.elapsed_s, glitch.workout_s, 70000.0, 300.0, 260.0, 99.0,
                         glitch.distance_m, glitch.target_w, glitch.mode, 0)  # fmt: skip
    _, messages = decode_in_order(encode_fit_activity(make_ride(samples, laps=())))
    r = messages["record_mesgs"][10]
    assert (r["power"], r["cadence"], r["heart_rate"]) == (65534, 254, 254)


def test_bad_rides_are_refused() -> None:
    with pytest.raises(ValueError, match="no samples"):
        encode_fit_activity(make_ride([], laps=(), with_summary=False))
    with pytest.raises(ValueError, match="timezone-aware"):
        ExportRide("r", "w", datetime(2025, 1, 1), FTP_W, [])
    samples = make_samples(((10, 100),))
    with pytest.raises(ValueError, match="ascending"):
        ExportRide("r", "w", START, FTP_W, [samples[1], samples[0]])


def test_a_three_hour_ride_encodes_fast() -> None:
    ride = make_ride(make_samples(((3600, 200), (3600, 250), (3570, 180))))
    assert sum(not s.paused for s in ride.samples) == 10_770
    best = min(_timed(encode_fit_activity, ride) for _ in range(3))
    print(f"\n3-hour ride encoded in {best * 1000:.1f} ms")
    assert best < 1.0  # the budget; typically well under 0.2 s


def _timed(fn: Any, *args: Any) -> float:
    start = time.perf_counter()
    fn(*args)
    return time.perf_counter() - start


# --------------------------------------------------------------------------- rides.db

STATUS = RideStatus(RideState.RIDING, 0, 0.0, float(MOVING_S), 100, 0, None, None, None,
                    ResumePoint())  # fmt: skip


def journal(db: Path, ride_id: str, samples: list[Sample], name: str = "w",
            started_at: datetime = START, finish: bool = True) -> None:  # fmt: skip
    """Record `samples` the way a ride does: JournalWriter fed by a JournalObserver."""
    writer = JournalWriter(db)
    observer = JournalObserver(writer, ride_id, workout_name=name, ftp_w=FTP_W,
                               started_at=started_at)  # fmt: skip
    for s in samples:
        observer.on_sample(s, STATUS)
    if finish:
        observer.on_finished(summarize(samples, FTP_W), STATUS)
    writer.close()


def test_a_ride_from_the_journal_exports_the_journal_values(tmp_path: Path) -> None:
    db = tmp_path / "data" / "rides.db"
    ride_id = str(uuid.uuid4())
    samples = make_samples()
    summary = summarize(samples, FTP_W)
    journal(db, ride_id, samples, name="Sweet spot <3×20>")

    loaded = load_export_ride(db, ride_id)
    assert loaded.ride_id == ride_id and loaded.workout_name == "Sweet spot <3×20>"
    assert loaded.started_at == START and loaded.ftp_w == FTP_W
    assert list(loaded.samples) == samples
    assert loaded.summary == summary
    assert loaded.laps == ()
    assert loaded.segments == ((0, START),)

    out = tmp_path / "activities" / f"{ride_id}.fit"
    write_fit_activity(loaded, out)
    _, messages = decode_in_order(out.read_bytes())
    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "SELECT elapsed_s, power_w, hr_bpm, cadence_rpm, distance_m, no_data FROM samples "
            "WHERE ride_id = ? AND paused = 0 ORDER BY elapsed_s",
            (ride_id,),
        ).fetchall()
    conn.close()
    records = messages["record_mesgs"]
    assert len(records) == len(rows) == MOVING_S
    for r, (elapsed, power, hr, cadence, distance, no_data) in zip(records, rows, strict=True):
        assert r["timestamp"] == at(elapsed)
        assert r["distance"] == pytest.approx(distance, abs=0.005)
        if no_data:
            assert "power" not in r and "heart_rate" not in r
            continue
        assert r["power"] == round(power) and r["cadence"] == round(cadence)
        assert r.get("heart_rate") == (None if hr is None else round(hr))
    # no manual laps in the journal: one lap per interval
    assert len(messages["lap_mesgs"]) == len(INTERVALS)
    (session,) = messages["session_mesgs"]
    assert session["avg_power"] == round(summary.avg_power_w)


def test_loading_an_unknown_ride_or_a_missing_database_fails_clearly(tmp_path: Path) -> None:
    db = tmp_path / "rides.db"
    with pytest.raises(FileNotFoundError):
        load_export_ride(db, "nope")
    writer = JournalWriter(db)
    writer.close()
    with pytest.raises(RideNotFoundError):
        load_export_ride(db, "nope")


def test_loading_reads_while_the_journal_writer_is_open(tmp_path: Path) -> None:
    db = tmp_path / "rides.db"
    writer = JournalWriter(db)
    observer = JournalObserver(writer, "live", workout_name="w", ftp_w=FTP_W, started_at=START)
    for s in make_samples(((30, 100),)):
        observer.on_sample(s, STATUS)
    writer.flush()
    try:
        loaded = load_export_ride(db, "live")
        assert len(loaded.samples) == 30 and loaded.summary is None
        assert len(encode_fit_activity(loaded)) > 0
    finally:
        writer.close()


def test_a_ride_resumed_after_a_crash_keeps_each_segment_on_its_own_clock(tmp_path: Path) -> None:
    """Crash at elapsed 300, resumed ten minutes later: the samples carry on at elapsed
    300, the wall clock at the resume time; the file shows the gap with the timer off."""
    db = tmp_path / "rides.db"
    samples = make_samples(((300, 200), (300, 150)))
    resumed_at = START + timedelta(seconds=300 + 600)
    journal(db, "crashy", samples[:300], finish=False)
    writer = JournalWriter(db)
    observer = JournalObserver(writer, "crashy", workout_name="w", ftp_w=FTP_W,
                               started_at=resumed_at, resumed_at_elapsed_s=300)  # fmt: skip
    for s in samples[300:]:
        observer.on_sample(s, STATUS)
    observer.on_finished(summarize(samples, FTP_W), STATUS)
    writer.close()

    ride = load_export_ride(db, "crashy")
    assert ride.segments == ((0, START), (300, resumed_at))
    order, messages = decode_in_order(encode_fit_activity(ride))
    stamps = [m["timestamp"] for _, m in order if "timestamp" in m]
    assert stamps == sorted(stamps)
    records = messages["record_mesgs"]
    assert len(records) == 600
    assert records[299]["timestamp"] == at(299)
    assert records[300]["timestamp"] == resumed_at
    assert records[-1]["timestamp"] == resumed_at + timedelta(seconds=299)
    events = [(e["timestamp"], e["event_type"]) for e in messages["event_mesgs"]]
    assert events == [(at(0), "start"), (at(300), "stop_all"), (resumed_at, "start"),
                      (resumed_at + timedelta(seconds=300), "stop_all")]  # fmt: skip
    (session,) = messages["session_mesgs"]
    assert session["total_timer_time"] == 600
    assert session["total_elapsed_time"] == 1200  # the ten minutes away count as elapsed
    laps = messages["lap_mesgs"]
    assert [lap["start_time"] for lap in laps] == [START, resumed_at]
    assert [lap["total_elapsed_time"] for lap in laps] == [900, 300]


def test_a_clock_set_back_before_a_resume_never_runs_time_backwards() -> None:
    samples = make_samples(((20, 200),))
    earlier = START - timedelta(hours=1)
    ride = ExportRide("r", "w", START, FTP_W, samples, segments=((0, START), (10, earlier)))
    times = ride.sample_times()
    assert all(b == a + 1 for a, b in pairwise(times))
    order, _ = decode_in_order(encode_fit_activity(ride))
    stamps = [m["timestamp"] for _, m in order if "timestamp" in m]
    assert stamps == sorted(stamps)


# --------------------------------------------------------------------------- atomic write


def test_write_is_atomic_and_a_failed_write_leaves_nothing_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ride = make_ride()
    target = tmp_path / "ride.fit"
    write_fit_activity(ride, target)
    assert target.read_bytes() == encode_fit_activity(ride)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ride.fit"]

    def refuse(src: Any, dst: Any) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", refuse)
    fresh = tmp_path / "fresh.fit"
    with pytest.raises(OSError, match="disk full"):
        write_fit_activity(ride, fresh)
    assert not fresh.exists()
    # an existing file is not touched by a failed rewrite
    shorter = make_ride(make_samples(((60, 100),)), laps=())
    with pytest.raises(OSError, match="disk full"):
        write_fit_activity(shorter, target)
    assert target.read_bytes() == encode_fit_activity(ride)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ride.fit"]  # no temp files
