"""TCX export: a realistic 45-minute ride (three workout intervals, a 30-s pause, a 10-s
trainer dropout, a manual lap) written by app.infra.export.tcx and parsed back with
ElementTree: namespaces, laps, trackpoints, the power/speed extension, atomic writes."""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest

from app.core.ports import TrainerMode
from app.core.ride.samples import Sample, summarize
from app.infra.export import ExportRide, encode_tcx, write_tcx

TCD = "http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2"
AX = "http://www.garmin.com/xmlschemas/ActivityExtension/v2"
NS = {"tcd": TCD, "ax": AX}

START = datetime(2025, 3, 14, 17, 30, 0, tzinfo=UTC)
FTP_W = 250.0
INTERVALS = ((600, 150), (1200, 260), (900, 140))  # (duration_s, target_w): 45 minutes
PAUSE_AT_S, PAUSE_S = 1200, 30
DROPOUT_AT_S, DROPOUT_S = 2000, 10
MANUAL_LAP_S = 2400
MOVING_S = sum(d for d, _ in INTERVALS)
ELAPSED_S = MOVING_S + PAUSE_S
NAME = 'Sweet spot 3×20 <"tempo"> & more'


def make_samples(intervals: tuple[tuple[int, int], ...] = INTERVALS) -> list[Sample]:
    """1 Hz samples as the ride session records them."""
    starts = [sum(d for d, _ in intervals[:i]) for i in range(len(intervals))]
    total = sum(d for d, _ in intervals)
    samples: list[Sample] = []
    distance = 0.0
    position = elapsed = 0
    while position < total:
        paused = PAUSE_AT_S <= elapsed < PAUSE_AT_S + PAUSE_S
        dropout = not paused and DROPOUT_AT_S <= elapsed < DROPOUT_AT_S + DROPOUT_S
        index = max(i for i, a in enumerate(starts) if a <= position)
        target = intervals[index][1]
        if dropout:
            power = cadence = hr = speed = None
        else:
            power = target + ((elapsed * 7) % 23) - 11 + 0.4 * (elapsed % 3)
            cadence = 0.0 if paused else 86 + (elapsed % 9) + 0.5
            hr = 118 + elapsed / 60
            speed = 0.0 if paused else 6.0 + power / 60
        if speed and not paused:
            distance += speed
        samples.append(
            Sample(elapsed, float(position), power, cadence, hr, speed, distance,
                   None if paused else target, TrainerMode.ERG, index, paused, dropout)
        )  # fmt: skip
        elapsed += 1
        position += 0 if paused else 1
    return samples


def make_ride(samples: list[Sample] | None = None, name: str = NAME) -> ExportRide:
    samples = make_samples() if samples is None else samples
    return ExportRide("6f1c2d9e-8a41-4b6f-9a57-3c1e0f2b7d11", name, START, FTP_W, samples,
                      (MANUAL_LAP_S,), summarize(samples, FTP_W))  # fmt: skip


def iso(elapsed_s: int) -> str:
    return (START + timedelta(seconds=elapsed_s)).strftime("%Y-%m-%dT%H:%M:%SZ")


def local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


@pytest.fixture(scope="module")
def ride() -> ExportRide:
    return make_ride()


@pytest.fixture(scope="module")
def data(ride: ExportRide) -> bytes:
    return encode_tcx(ride)


@pytest.fixture(scope="module")
def root(data: bytes) -> ET.Element:
    return ET.fromstring(data)


def trackpoints(root: ET.Element) -> list[ET.Element]:
    return root.findall(".//tcd:Trackpoint", NS)


def test_the_document_and_its_namespaces(data: bytes, root: ET.Element) -> None:
    assert data.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    assert root.tag == f"{{{TCD}}}TrainingCenterDatabase"
    head = data[: data.index(b">", 60)].decode()
    assert f'xmlns="{TCD}"' in head and f'xmlns:ns3="{AX}"' in head
    # every element is in one of the two Garmin namespaces: nothing unqualified
    spaces = {el.tag.split("}")[0].lstrip("{") for el in root.iter()}
    assert spaces == {TCD, AX}
    (activity,) = root.findall("tcd:Activities/tcd:Activity", NS)
    assert activity.get("Sport") == "Biking"
    assert activity.findtext("tcd:Id", namespaces=NS) == iso(0)
    assert activity.findtext("tcd:Notes", namespaces=NS) == NAME  # escaped, read back whole
    assert activity.findtext("tcd:Creator/tcd:Name", namespaces=NS) == "Freewheel"
    assert [local(c.tag) for c in activity][-2:] == ["Notes", "Creator"]


def test_one_lap_per_interval_plus_the_manual_split(ride: ExportRide, root: ET.Element) -> None:
    laps = root.findall(".//tcd:Lap", NS)
    interval_2_start = INTERVALS[0][0] + INTERVALS[1][0] + PAUSE_S
    starts = [0, INTERVALS[0][0], interval_2_start, MANUAL_LAP_S]
    ends = [*starts[1:], ELAPSED_S]
    assert [lap.get("StartTime") for lap in laps] == [iso(s) for s in starts]
    total = 0
    for lap, s, e in zip(laps, starts, ends, strict=True):
        # schema order of ActivityLap_t
        assert [local(c.tag) for c in lap] == [
            "TotalTimeSeconds", "DistanceMeters", "MaximumSpeed", "Calories",
            "AverageHeartRateBpm", "MaximumHeartRateBpm", "Intensity", "Cadence",
            "TriggerMethod", "Track", "Extensions",
        ]  # fmt: skip
        own = [x for x in ride.samples if s <= x.elapsed_s < e and not x.paused]
        powers = [x.power_w for x in own if x.power_w is not None]
        first = next(x for x in ride.samples if x.elapsed_s == s)
        distance = own[-1].distance_m - (first.distance_m - (first.speed_mps or 0))
        moving = int(lap.findtext("tcd:TotalTimeSeconds", namespaces=NS) or "")
        assert moving == len(own)  # moving time: the pause is not in it
        total += moving
        assert float(lap.findtext("tcd:DistanceMeters", namespaces=NS) or "") == pytest.approx(
            distance, abs=0.01
        )
        assert int(lap.findtext("tcd:Calories", namespaces=NS) or "") == round(sum(powers) / 1000)
        hrs = [x.hr_bpm for x in own if x.hr_bpm]
        avg_hr = lap.findtext("tcd:AverageHeartRateBpm/tcd:Value", namespaces=NS)
        assert int(avg_hr or "") == round(sum(hrs) / len(hrs))
        assert lap.findtext("tcd:Intensity", namespaces=NS) == "Active"
        assert lap.findtext("tcd:TriggerMethod", namespaces=NS) == "Manual"
        avg_watts = lap.findtext("tcd:Extensions/ax:LX/ax:AvgWatts", namespaces=NS)
        assert int(avg_watts or "") == round(sum(powers) / len(powers))
        assert len(lap.findall(".//tcd:Trackpoint", NS)) == len(own)
    assert total == MOVING_S
    assert len(laps) == len(INTERVALS) + 1


def test_one_trackpoint_per_moving_second_with_the_sample_values(
    ride: ExportRide, root: ET.Element
) -> None:
    points = trackpoints(root)
    assert len(points) == MOVING_S
    times = [p.findtext("tcd:Time", namespaces=NS) for p in points]
    assert all(b is not None and a is not None and b > a for a, b in pairwise(times))
    paused = {iso(s.elapsed_s) for s in ride.samples if s.paused}
    assert len(paused) == PAUSE_S and not paused & set(times)
    by_time = dict(zip(times, points, strict=True))
    for s in ride.samples:
        if s.paused or s.no_data:
            continue
        p = by_time[iso(s.elapsed_s)]
        assert [local(c.tag) for c in p] == [
            "Time", "DistanceMeters", "HeartRateBpm", "Cadence", "Extensions",
        ]  # fmt: skip
        assert float(p.findtext("tcd:DistanceMeters", namespaces=NS) or "") == pytest.approx(
            s.distance_m, abs=0.005
        )
        assert int(p.findtext("tcd:HeartRateBpm/tcd:Value", namespaces=NS) or "") == round(
            s.hr_bpm or 0
        )
        assert int(p.findtext("tcd:Cadence", namespaces=NS) or "") == round(s.cadence_rpm or 0)
        tpx = p.find("tcd:Extensions/ax:TPX", NS)
        assert tpx is not None
        assert [local(c.tag) for c in tpx] == ["Speed", "Watts"]
        assert int(tpx.findtext("ax:Watts", namespaces=NS) or "") == round(s.power_w or 0)
        assert float(tpx.findtext("ax:Speed", namespaces=NS) or "") == pytest.approx(
            s.speed_mps, abs=0.0005
        )


def test_dropout_seconds_carry_time_and_distance_only(ride: ExportRide, root: ET.Element) -> None:
    by_time = {p.findtext("tcd:Time", namespaces=NS): p for p in trackpoints(root)}
    dropped = [s for s in ride.samples if s.no_data]
    assert len(dropped) == DROPOUT_S
    for s in dropped:
        p = by_time[iso(s.elapsed_s)]
        assert [local(c.tag) for c in p] == ["Time", "DistanceMeters"]


def test_names_that_xml_cannot_carry_are_cleaned_not_fatal() -> None:
    ride = make_ride(make_samples(((30, 100),)), name="bad\x00\x07 name ]]> </Notes>")
    root = ET.fromstring(encode_tcx(ride))
    assert root.findtext(".//tcd:Notes", namespaces=NS) == "bad name ]]> </Notes>"


def test_a_ride_without_samples_is_refused() -> None:
    with pytest.raises(ValueError, match="no samples"):
        encode_tcx(make_ride([]))


def test_write_is_atomic_and_a_failed_write_leaves_nothing_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ride = make_ride()
    target = tmp_path / "out" / "ride.tcx"
    write_tcx(ride, target)
    assert target.read_bytes() == encode_tcx(ride)

    def refuse(src: Any, dst: Any) -> None:
        raise OSError("read-only file system")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(OSError, match="read-only"):
        write_tcx(make_ride(make_samples(((30, 100),))), target)
    assert target.read_bytes() == encode_tcx(ride)
    with pytest.raises(OSError, match="read-only"):
        write_tcx(ride, tmp_path / "out" / "other.tcx")
    assert sorted(p.name for p in target.parent.iterdir()) == ["ride.tcx"]
