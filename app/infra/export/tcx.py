"""A recorded ride as a TCX file (Garmin TrainingCenterDatabase v2), the fallback export
for services or tools that do not take FIT (sync-auth-formats.md §5.6).

One Activity (Sport="Biking", Id = start time), one Lap per lap of
ride_export.split_laps (the same laps as the FIT file), one Trackpoint per moving second:
Time, DistanceMeters, HeartRateBpm, Cadence and, in the ActivityExtension v2 namespace,
TPX Speed and Watts. Paused seconds have no trackpoint (TCX cannot mark a pause); a
dropout second has Time and DistanceMeters only. Elements follow the schema's order.

The tree is built with xml.etree (text is escaped by the serializer). Namespaces are
declared on the root as attributes and the extension elements carry the conventional
"ns3" prefix, so the output does not depend on ElementTree's process-wide prefix registry.
"""

from __future__ import annotations

import re
import time
import xml.etree.ElementTree as ET
from pathlib import Path

from app.infra.export.atomic import write_atomic
from app.infra.export.fit_activity import (
    FREEWHEEL_PRODUCT_ID,
    PRODUCT_NAME,
    app_version,
    serial_number,
)
from app.infra.export.ride_export import ExportRide, LapSpan, span_stats, split_laps

__all__ = ["ACTIVITY_EXTENSION_NS", "TCD_NS", "encode_tcx", "write_tcx"]

TCD_NS = "http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2"
ACTIVITY_EXTENSION_NS = "http://www.garmin.com/xmlschemas/ActivityExtension/v2"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
_SCHEMA_LOCATION = (
    f"{TCD_NS} http://www.garmin.com/xmlschemas/TrainingCenterDatabasev2.xsd "
    f"{ACTIVITY_EXTENSION_NS} http://www.garmin.com/xmlschemas/ActivityExtensionv2.xsd"
)
_X = "ns3:"  # prefix of ACTIVITY_EXTENSION_NS, declared on the root

_BYTE_MAX = 254  # CadenceValue_t is 0-254; heart rate is an unsignedByte >= 1
_USHORT_MAX = 65535  # Watts, Calories


# Characters XML 1.0 cannot carry at all, even escaped (a workout name comes from any file).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _time_text(unix_s: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(unix_s))


def _distance(value: float) -> str:
    return f"{value:.2f}"


def encode_tcx(ride: ExportRide) -> bytes:
    """The ride as TCX (UTF-8 XML). Raises ValueError for a ride without samples."""
    samples = ride.samples
    if not samples:
        raise ValueError(f"ride {ride.ride_id} has no samples to export")
    times = ride.sample_times()  # whole seconds, as in the FIT file

    root = ET.Element(
        "TrainingCenterDatabase",
        {
            "xmlns": TCD_NS,
            "xmlns:ns3": ACTIVITY_EXTENSION_NS,
            "xmlns:xsi": XSI_NS,
            "xsi:schemaLocation": _SCHEMA_LOCATION,
        },
    )
    activity = ET.SubElement(ET.SubElement(root, "Activities"), "Activity", Sport="Biking")
    ET.SubElement(activity, "Id").text = _time_text(times[0])
    for lap in split_laps(ride, times):
        _lap(activity, ride, lap, times)
    if ride.workout_name:
        ET.SubElement(activity, "Notes").text = _NOT_XML.sub("", ride.workout_name)
    _creator(activity, ride)
    tree = ET.ElementTree(root)
    ET.indent(tree, space=" ")
    # Serializing to str and encoding once is ~3x faster than encoding="UTF-8", which
    # pushes every fragment through a text wrapper.
    text = ET.tostring(root, encoding="unicode")
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + text.encode("utf-8")


def _lap(activity: ET.Element, ride: ExportRide, lap: LapSpan, times: list[int]) -> None:
    st = span_stats(ride.samples, lap, ride.ftp_w)
    sub = ET.SubElement
    el = sub(activity, "Lap", StartTime=_time_text(lap.start_time))
    sub(el, "TotalTimeSeconds").text = str(st.timer_s)
    sub(el, "DistanceMeters").text = _distance(st.distance_m)
    if st.max_speed_mps is not None:
        sub(el, "MaximumSpeed").text = f"{st.max_speed_mps:.3f}"
    sub(el, "Calories").text = str(min(st.kcal, _USHORT_MAX))
    if st.avg_hr_bpm is not None and round(st.avg_hr_bpm) >= 1:
        sub(sub(el, "AverageHeartRateBpm"), "Value").text = str(min(round(st.avg_hr_bpm), 255))
    if st.max_hr_bpm is not None and round(st.max_hr_bpm) >= 1:
        sub(sub(el, "MaximumHeartRateBpm"), "Value").text = str(min(round(st.max_hr_bpm), 255))
    sub(el, "Intensity").text = "Active"
    if st.avg_cadence_rpm is not None:
        sub(el, "Cadence").text = str(min(round(st.avg_cadence_rpm), _BYTE_MAX))
    sub(el, "TriggerMethod").text = "Manual"

    track = sub(el, "Track")
    for i in range(lap.first, lap.stop):
        s = ride.samples[i]
        if s.paused:
            continue
        point = sub(track, "Trackpoint")
        sub(point, "Time").text = _time_text(times[i])
        sub(point, "DistanceMeters").text = _distance(s.distance_m)
        if s.no_data:
            continue
        if s.hr_bpm is not None and round(s.hr_bpm) >= 1:
            sub(sub(point, "HeartRateBpm"), "Value").text = str(min(round(s.hr_bpm), 255))
        if s.cadence_rpm is not None:
            sub(point, "Cadence").text = str(min(max(round(s.cadence_rpm), 0), _BYTE_MAX))
        if s.speed_mps is None and s.power_w is None:
            continue
        tpx = sub(sub(point, "Extensions"), _X + "TPX")
        if s.speed_mps is not None:
            sub(tpx, _X + "Speed").text = f"{max(s.speed_mps, 0.0):.3f}"
        if s.power_w is not None:
            sub(tpx, _X + "Watts").text = str(min(max(round(s.power_w), 0), _USHORT_MAX))

    lx = sub(sub(el, "Extensions"), _X + "LX")
    if st.avg_speed_mps is not None:
        sub(lx, _X + "AvgSpeed").text = f"{st.avg_speed_mps:.3f}"
    if st.avg_power_w is not None:
        sub(lx, _X + "AvgWatts").text = str(min(max(round(st.avg_power_w), 0), _USHORT_MAX))
    if st.max_power_w is not None:
        sub(lx, _X + "MaxWatts").text = str(min(max(round(st.max_power_w), 0), _USHORT_MAX))


def _creator(activity: ET.Element, ride: ExportRide) -> None:
    creator = ET.SubElement(activity, "Creator", {"xsi:type": "Device_t"})
    ET.SubElement(creator, "Name").text = PRODUCT_NAME
    ET.SubElement(creator, "UnitId").text = str(serial_number(ride.ride_id))
    ET.SubElement(creator, "ProductID").text = str(FREEWHEEL_PRODUCT_ID)
    major, minor = app_version() or (0, 0)
    version = ET.SubElement(creator, "Version")
    ET.SubElement(version, "VersionMajor").text = str(major)
    ET.SubElement(version, "VersionMinor").text = str(minor)


def write_tcx(ride: ExportRide, path: Path) -> None:
    """Encode the ride and write it to `path` atomically (see atomic.write_atomic)."""
    write_atomic(Path(path), encode_tcx(ride))
