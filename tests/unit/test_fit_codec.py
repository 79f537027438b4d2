"""Our FIT codec (app/core/fit): CRC, header, encode -> decode of every profiled message,
interoperability with garmin-fit-sdk and fitdecode (test-only dependencies), the less
common decoder paths (big-endian, compressed timestamps, developer data, 12-byte
headers, chained files), clean errors on malformed input, and encoder speed."""

from __future__ import annotations

import contextlib
import io
import os
import struct
import time
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.core.fit import (
    FIT_EPOCH_S,
    FitEncodeError,
    FitEncoder,
    FitFormatError,
    FitMessage,
    crc16,
    decode,
    from_fit_time,
    to_fit_time,
)
from app.core.fit.crc import crc16_nibble
from app.core.fit.encoder import encode_string
from app.core.fit.profile import (
    MESSAGES,
    PROFILE_VERSION,
    UINT16,
    FieldDef,
)

T0 = 1_100_000_000  # a FIT timestamp (2024-11-08)


# --------------------------------------------------------------------------- helpers


def _wrap(body: bytes, *, header_size: int = 14, protocol: int = 0x20) -> bytes:
    """A FIT file around raw message bytes, with correct sizes and CRCs."""
    header = struct.pack("<BBHI4s", header_size, protocol, PROFILE_VERSION, len(body), b".FIT")
    if header_size == 14:
        header += struct.pack("<H", crc16(header))
    whole = header + body
    return whole + struct.pack("<H", crc16(whole))


def _refix(data: bytes) -> bytes:
    """Recompute the data size and both CRCs of a (possibly mutated) single file."""
    if len(data) < 16:
        return data
    return _wrap(data[14:-2])


def _activity_file() -> bytes:
    enc = FitEncoder()
    enc.add("file_id", type=4, manufacturer=255, product=1, serial_number=42, time_created=T0)
    enc.add("file_creator", software_version=100, hardware_version=1)
    enc.add(
        "device_info",
        timestamp=T0,
        device_index=0,
        manufacturer=255,
        product=1,
        serial_number=42,
        software_version=1.25,
        product_name="Freewheel",
    )
    enc.add("event", timestamp=T0, event=0, event_type=0)
    for i in range(60):
        enc.add(
            "record",
            timestamp=T0 + i,
            power=200 + i,
            cadence=90,
            heart_rate=140,
            speed=9.5,
            distance=9.5 * i,
        )
    enc.add("event", timestamp=T0 + 60, event=0, event_type=4)
    enc.add(
        "lap",
        message_index=0,
        timestamp=T0 + 60,
        start_time=T0,
        total_elapsed_time=60,
        total_timer_time=60,
        total_distance=570,
        avg_power=229,
        max_power=259,
        avg_heart_rate=140,
        avg_cadence=90,
        sport=2,
        sub_sport=6,
        event=9,
        event_type=1,
    )
    enc.add(
        "session",
        message_index=0,
        timestamp=T0 + 60,
        start_time=T0,
        total_elapsed_time=60,
        total_timer_time=60,
        total_distance=570,
        sport=2,
        sub_sport=6,
        first_lap_index=0,
        num_laps=1,
        event=8,
        event_type=1,
    )
    enc.add(
        "activity",
        timestamp=T0 + 60,
        total_timer_time=60,
        num_sessions=1,
        type=0,
        event=26,
        event_type=1,
        local_timestamp=T0 + 3660,
    )
    return enc.finish()


def _garmin_read(data: bytes) -> dict[str, list[dict[str, Any]]]:
    fit = pytest.importorskip("garmin_fit_sdk")
    decoder = fit.Decoder(fit.Stream.from_byte_array(bytearray(data)))
    assert decoder.check_integrity()
    decoder = fit.Decoder(fit.Stream.from_byte_array(bytearray(data)))
    messages, errors = decoder.read()
    assert errors == []
    return messages  # type: ignore[no-any-return]


# --------------------------------------------------------------------------- CRC


def test_crc_check_value_and_nibble_reference() -> None:
    # CRC-16/ARC check value; the FIT SDK's nibble algorithm gives the same.
    assert crc16(b"123456789") == 0xBB3D
    assert crc16_nibble(b"123456789") == 0xBB3D
    assert crc16(b"") == 0
    # continuing a CRC equals computing it over the concatenation
    assert crc16(b"6789", crc16(b"12345")) == 0xBB3D


def test_crc_of_a_fit_header_golden() -> None:
    # 14-byte header: size 14, protocol 2.0, profile 21218 (0x52E2), 1000 data bytes.
    header = bytes.fromhex("0e20e252e80300002e464954")
    assert crc16(header) == crc16_nibble(header)
    assert crc16(header) == 0x94E0  # also what garmin-fit-sdk computes
    # and a whole file's CRC over itself including the stored CRC is 0
    data = _activity_file()
    assert crc16(data) == 0


@given(st.binary(max_size=300))
def test_crc_table_matches_fit_sdk_nibble_algorithm(data: bytes) -> None:
    assert crc16(data) == crc16_nibble(data)


def test_crc_matches_garmin_sdk() -> None:
    crc_mod = pytest.importorskip("garmin_fit_sdk.crc_calculator")
    data = os.urandom(1000)
    assert crc16(data) == crc_mod.CrcCalculator.calculate_crc(data, 0, len(data))


# --------------------------------------------------------------------------- profile


def test_profile_matches_garmin_sdk_profile() -> None:
    profile = pytest.importorskip("garmin_fit_sdk.profile").Profile
    for msg in MESSAGES.values():
        theirs = profile["messages"][msg.num]
        assert theirs["name"] == msg.name
        for fd in msg.fields:
            tf = theirs["fields"][fd.num]
            assert tf["name"] == fd.name, (msg.name, fd.num)
            assert tf["base_type"] == fd.base_type.name, (msg.name, fd.name)
            assert tf["scale"][0] == fd.scale, (msg.name, fd.name)
            assert tf["offset"][0] == fd.offset, (msg.name, fd.name)
            is_array = tf["array"] == "true" and fd.base_type.name != "string"
            assert is_array == fd.is_array, (msg.name, fd.name)
            assert (tf["type"] in ("date_time", "local_date_time")) == bool(fd.time_kind)


# --------------------------------------------------------------------------- encoder


def test_header_layout() -> None:
    data = _activity_file()
    size, protocol, profile, data_size, sig, header_crc = struct.unpack_from("<BBHI4sH", data)
    assert (size, protocol, profile, sig) == (14, 0x20, PROFILE_VERSION, b".FIT")
    assert data_size == len(data) - 16
    assert header_crc == crc16(data[:12])
    assert struct.unpack_from("<H", data, len(data) - 2)[0] == crc16(data[:-2])


def test_empty_file_round_trips() -> None:
    data = FitEncoder().finish()
    assert len(data) == 16
    assert decode(data) == []


ROUND_TRIP_MESSAGES: list[tuple[str, dict[str, Any]]] = [
    (
        "file_id",
        dict(type=5, manufacturer=255, product=7, serial_number=123456, time_created=T0),
    ),
    ("file_creator", dict(software_version=321, hardware_version=4)),
    (
        "workout",
        dict(
            message_index=0,
            sport=2,
            sub_sport=6,
            num_valid_steps=3,
            wkt_name="Sweet spot 3x12",
            wkt_description="Über-hard — ünïcödé",
        ),
    ),
    (
        "workout_step",
        dict(
            message_index=2,
            wkt_step_name="Ramp up",
            duration_type=0,
            duration_value=600000,
            target_type=4,
            target_value=0,
            custom_target_value_low=50,
            custom_target_value_high=1250,
            intensity=2,
            notes="Settle in",
            secondary_target_type=3,
            secondary_target_value=0,
            secondary_custom_target_value_low=85,
            secondary_custom_target_value_high=95,
        ),
    ),
    (
        "device_info",
        dict(
            timestamp=T0,
            device_index=0,
            device_type=11,
            manufacturer=255,
            serial_number=99,
            product=1,
            software_version=1.5,
            battery_voltage=3.5,
            ant_device_number=12345,
            product_name="Freewheel",
        ),
    ),
    ("event", dict(timestamp=T0, event=0, event_type=0, data=7, event_group=1)),
    (
        "record",
        dict(
            timestamp=T0 + 1,
            position_lat=-123456789,
            altitude=100.2,
            heart_rate=151,
            cadence=92,
            distance=1234.56,
            speed=10.25,
            power=312,
            grade=-2.5,
            temperature=-4,
            left_right_balance=178,
            enhanced_speed=10.25,
            enhanced_altitude=100.2,
            fractional_cadence=0.5,
        ),
    ),
    (
        "lap",
        dict(
            message_index=3,
            timestamp=T0 + 600,
            start_time=T0,
            total_elapsed_time=600.25,
            total_timer_time=598.5,
            total_distance=5123.45,
            avg_speed=8.539,
            avg_power=250,
            max_power=800,
            avg_heart_rate=150,
            intensity=0,
            sport=2,
            time_in_hr_zone=(10.5, 200.0, None, 389.5),
            wkt_step_index=4,
        ),
    ),
    (
        "session",
        dict(
            message_index=0,
            timestamp=T0 + 3600,
            start_time=T0,
            sport=2,
            sub_sport=58,
            total_elapsed_time=3600,
            total_timer_time=3500.5,
            total_distance=35000,
            normalized_power=260,
            training_stress_score=87.3,
            intensity_factor=0.851,
            threshold_power=280,
            first_lap_index=0,
            num_laps=5,
            trigger=0,
            sport_profile_name="Indoor",
        ),
    ),
    (
        "activity",
        dict(
            timestamp=T0 + 3600,
            total_timer_time=3500.5,
            num_sessions=1,
            type=0,
            event=26,
            event_type=1,
            local_timestamp=T0 + 7200,
        ),
    ),
]


def _assert_values(msg: FitMessage, expected: dict[str, Any]) -> None:
    got = msg.as_dict()
    assert set(got) == {k for k, v in expected.items() if v is not None}
    for key, want in expected.items():
        if isinstance(want, tuple):
            assert got[key] == want, key
        elif isinstance(want, float):
            assert got[key] == pytest.approx(want, abs=1e-9), key
        else:
            assert got[key] == want, key


@pytest.mark.parametrize(("name", "values"), ROUND_TRIP_MESSAGES, ids=lambda p: str(p)[:20])
@pytest.mark.parametrize("big_endian", [False, True])
def test_round_trip_each_message(name: str, values: dict[str, Any], big_endian: bool) -> None:
    enc = FitEncoder(big_endian=big_endian)
    enc.add(name, **values)
    data = enc.finish()
    (msg,) = decode(data)
    assert msg.name == name
    assert msg.number == MESSAGES[name].num
    _assert_values(msg, values)
    theirs = _garmin_read(data)
    (their_msg,) = theirs[f"{name}_mesgs"]
    for key, want in values.items():
        if isinstance(want, (int, float)) and not isinstance(want, bool) and key in their_msg:
            got = their_msg[key]
            if isinstance(got, (int, float)):
                assert got == pytest.approx(want, abs=1e-9), key


def test_array_element_values() -> None:
    enc = FitEncoder()
    enc.add("lap", time_in_hr_zone=(10.5, 200.0, None, 389.5))
    (msg,) = decode(enc.finish())
    assert msg["time_in_hr_zone"] == (10.5, 200.0, None, 389.5)
    enc = FitEncoder()
    enc.add("lap", message_index=1, time_in_hr_zone=(None, None))
    (msg,) = decode(enc.finish())
    assert "time_in_hr_zone" not in msg  # all invalid


def test_none_writes_invalid_and_decodes_as_missing() -> None:
    enc = FitEncoder()
    enc.add("record", timestamp=T0, power=None, heart_rate=None, speed=None, cadence=80)
    enc.add("workout", wkt_name=None, sport=2)
    rec, wkt = decode(enc.finish())
    assert rec.fields == {253: T0, 4: 80}
    assert wkt.as_dict() == {"sport": 2}
    assert rec.get("power") is None and rec.get("power", 0) == 0


def test_define_write_fast_path_and_mapping_form() -> None:
    enc = FitEncoder()
    enc.define(3, "record", ["timestamp", "power", ("speed", 1)])
    enc.write(3, [T0, 250, 8.0])
    enc.write(3, {"timestamp": T0 + 1, "speed": 8.5})
    a, b = decode(enc.finish())
    assert a.as_dict() == {"timestamp": T0, "power": 250, "speed": 8.0}
    assert b.as_dict() == {"timestamp": T0 + 1, "speed": 8.5}


def test_datetimes_for_date_time_fields() -> None:
    when = datetime(2024, 11, 8, 11, 33, 20, tzinfo=UTC)
    local = when.astimezone(timezone(timedelta(hours=2)))
    enc = FitEncoder()
    enc.add("activity", timestamp=local, local_timestamp=local)
    (msg,) = decode(enc.finish())
    assert msg["timestamp"] == to_fit_time(when) == int(when.timestamp()) - FIT_EPOCH_S
    ts = msg["timestamp"]
    assert isinstance(ts, int)
    assert msg["local_timestamp"] == ts + 7200
    assert from_fit_time(ts) == when
    with pytest.raises(FitEncodeError, match="timestamp"):
        FitEncoder().add("record", timestamp=datetime(2024, 1, 1))  # naive


def test_strings_are_cut_at_a_character_boundary() -> None:
    assert encode_string("héllo", 3) == b"h"  # 'é' is 2 bytes, the NUL needs one
    assert encode_string("héllo", 4) == b"h\xc3\xa9"
    assert encode_string("a\0b", 10) == b"a"
    enc = FitEncoder()
    enc.define(0, "workout", [("wkt_name", 6)])
    enc.write(0, ["ééééé"])
    (msg,) = decode(enc.finish())
    assert msg["wkt_name"] == "éé"
    long = "x" * 400
    enc = FitEncoder()
    enc.add("workout", wkt_name=long)
    (msg,) = decode(enc.finish())
    assert msg["wkt_name"] == "x" * 254


def test_auto_definitions_beyond_sixteen_local_numbers() -> None:
    enc = FitEncoder()
    names = [f"name {'x' * (8 * i)}" for i in range(20)]
    for rep in range(3):
        for i, name in enumerate(names):
            enc.add("workout", message_index=i, wkt_name=name)
            enc.add("record", timestamp=T0 + rep * 100 + i, power=i)
    data = enc.finish()
    msgs = decode(data)
    assert [m["wkt_name"] for m in msgs if m.name == "workout"] == names * 3
    assert [m["power"] for m in msgs if m.name == "record"] == list(range(20)) * 3
    assert len(_garmin_read(data)["workout_mesgs"]) == 60


def test_manual_define_takes_over_an_auto_local_number() -> None:
    enc = FitEncoder()
    enc.add("record", timestamp=T0, power=1)  # auto: local 0
    enc.define(0, "event", ["timestamp", "event"])
    enc.write(0, [T0, 0])
    enc.add("record", timestamp=T0 + 1, power=2)  # must redefine elsewhere
    enc.write(0, [T0 + 2, 0])  # the manual definition is untouched
    names = [m.name for m in decode(enc.finish())]
    assert names == ["record", "event", "record", "event"]


def test_add_never_reuses_a_manually_defined_local_number() -> None:
    enc = FitEncoder()
    for local in range(15):
        enc.define(local, "record", ["timestamp", ("power", 1)])
    for i in range(5):  # five shapes share the one remaining local number
        enc.add("workout", wkt_name="x" * (10 * i + 1))
        enc.write(3, [T0 + i, i])
    msgs = decode(enc.finish())
    assert [m.get("power") for m in msgs if m.name == "record"] == [0, 1, 2, 3, 4]
    assert [len(str(m["wkt_name"])) for m in msgs if m.name == "workout"] == [1, 11, 21, 31, 41]
    for local in range(15, 16):
        enc.define(local, "event", ["event"])
    with pytest.raises(FitEncodeError, match="all 16 local message numbers"):
        enc.add("workout", wkt_name="again")


def test_a_failed_auto_definition_leaves_the_encoder_consistent() -> None:
    enc = FitEncoder()
    enc.add("record", timestamp=T0, power=1)
    with pytest.raises(FitEncodeError):
        enc.add("lap", time_in_hr_zone=[1.0] * 100)
    enc.add("record", timestamp=T0 + 1, power=2)
    assert [m["power"] for m in decode(enc.finish())] == [1, 2]


def test_unknown_global_message_with_field_defs() -> None:
    custom = FieldDef(1, "thing", UINT16)
    enc = FitEncoder()
    enc.define(0, 0xFF00, [custom])
    enc.write(0, [7])
    (msg,) = decode(enc.finish())
    assert (msg.number, msg.name, msg.as_dict()) == (0xFF00, "unknown_65280", {"unknown_1": 7})
    assert msg["unknown_1"] == 7 and msg[1] == 7


@pytest.mark.parametrize(
    ("action", "match"),
    [
        (lambda e: e.add("nope", x=1), "unknown FIT message"),
        (lambda e: e.add("record", nope=1), "no field 'nope'"),
        (lambda e: e.add("record", heart_rate=300), r"record\.heart_rate.*300"),
        (lambda e: e.add("record", power=-1), r"record\.power"),
        (lambda e: e.add("record", speed=float("nan")), r"record\.speed"),
        (lambda e: e.add("record", power="fast"), r"record\.power"),
        (lambda e: e.add("workout", wkt_name=5), "wkt_name"),
        (lambda e: e.define(16, "record", ["power"]), "0-15"),
        (lambda e: e.define(0, "workout", ["wkt_name"]), "needs a size"),
        (lambda e: e.define(0, "record", ["power", "power"]), "twice"),
        (lambda e: e.define(0, 70000, [FieldDef(0, "x", UINT16)]), "uint16"),
        (lambda e: e.define(0, "lap", [("time_in_hr_zone", 100)]), "field size"),
        (lambda e: e.write(5, [1]), "no definition"),
        (lambda e: (e.define(0, "record", ["power"]), e.write(0, [1, 2])), "2 values"),
        (lambda e: (e.define(0, "record", ["power"]), e.write(0, {"cadence": 1})), "cadence"),
        (lambda e: e.add("lap", time_in_hr_zone=[1.0] * 100), "elements"),
    ],
)
def test_encoder_errors_name_the_problem(action: Any, match: str) -> None:
    with pytest.raises(FitEncodeError, match=match):
        action(FitEncoder())


# --------------------------------------------------------------------------- interop


def test_activity_file_decodes_with_garmin_sdk() -> None:
    data = _activity_file()
    msgs = _garmin_read(data)
    assert len(msgs["record_mesgs"]) == 60
    rec = msgs["record_mesgs"][10]
    assert rec["power"] == 210 and rec["speed"] == 9.5 and rec["distance"] == 95.0
    assert rec["timestamp"] == from_fit_time(T0 + 10)
    assert msgs["file_id_mesgs"][0]["type"] == "activity"
    assert msgs["device_info_mesgs"][0]["software_version"] == 1.25
    assert msgs["session_mesgs"][0]["sport"] == "cycling"
    assert msgs["activity_mesgs"][0]["num_sessions"] == 1


def test_activity_file_decodes_with_fitdecode() -> None:
    fitdecode = pytest.importorskip("fitdecode")
    data = _activity_file()
    names = []
    with fitdecode.FitReader(io.BytesIO(data), check_crc=fitdecode.CrcCheck.RAISE) as reader:
        for frame in reader:
            if isinstance(frame, fitdecode.FitDataMessage):
                names.append(frame.name)
                if frame.name == "record" and frame.get_value("power") == 230:
                    assert frame.get_value("cadence") == 90
                    assert frame.get_value("distance") == pytest.approx(285.0)
    assert names.count("record") == 60
    assert names[0] == "file_id" and names[-1] == "activity"


def test_big_endian_file_decodes_with_garmin_sdk_and_fitdecode() -> None:
    fitdecode = pytest.importorskip("fitdecode")
    enc = FitEncoder(big_endian=True)
    enc.add("record", timestamp=T0, power=300, distance=1234.5, speed=7.25)
    data = enc.finish()
    assert data[14 + 2] == 1  # architecture byte of the definition
    (msg,) = decode(data)
    assert msg.as_dict() == {"timestamp": T0, "power": 300, "distance": 1234.5, "speed": 7.25}
    rec = _garmin_read(data)["record_mesgs"][0]
    assert (rec["power"], rec["distance"]) == (300, 1234.5)
    with fitdecode.FitReader(io.BytesIO(data)) as reader:
        frames = [f for f in reader if isinstance(f, fitdecode.FitDataMessage)]
    assert frames[0].get_value("power") == 300


def test_decodes_a_garmin_sdk_encoded_file() -> None:
    fit = pytest.importorskip("garmin_fit_sdk")
    enc = fit.Encoder()
    mesg_num = fit.Profile["mesg_num"]
    enc.on_mesg(mesg_num["FILE_ID"], {"type": "activity", "manufacturer": "development"})
    for i in range(5):
        enc.on_mesg(
            mesg_num["RECORD"],
            {"timestamp": from_fit_time(T0 + i), "power": 100 + i, "heart_rate": 120},
        )
    msgs = decode(enc.close())
    assert msgs[0].as_dict()["type"] == 4
    assert [m["power"] for m in msgs[1:]] == [100, 101, 102, 103, 104]
    assert msgs[3]["timestamp"] == T0 + 2


# --------------------------------------------------------------------------- decoder paths


def _record_def(local: int = 0, *, dev: bool = False, arch: int = 0) -> bytes:
    endian = ">" if arch else "<"
    header = 0x40 | local | (0x20 if dev else 0)
    out = struct.pack(f"{endian}BBBHB", header, 0, arch, 20, 2)
    out += bytes((253, 4, 0x86, 7, 2, 0x84))
    if dev:
        out += bytes((1, 0, 2, 0))  # one developer field: number 0, 2 bytes, dev index 0
    return out


def test_compressed_timestamp_headers_are_reconstructed() -> None:
    base = 0x1000_001C  # low 5 bits 28: the next offsets roll over
    body = _record_def(0) + struct.pack("<BIH", 0, base, 100)
    body += struct.pack("<BBBHB", 0x41, 0, 0, 20, 1) + bytes((7, 2, 0x84))  # local 1: power
    for offset, power in ((30, 101), (2, 102), (2, 103), (5, 104)):
        body += struct.pack("<BH", 0x80 | (1 << 5) | offset, power)
    msgs = decode(_wrap(body))
    assert [m["power"] for m in msgs] == [100, 101, 102, 103, 104]
    assert [m["timestamp"] for m in msgs] == [base, base + 2, base + 6, base + 6, base + 9]


def test_compressed_timestamp_before_any_timestamp_is_an_error() -> None:
    body = struct.pack("<BBBHB", 0x40, 0, 0, 20, 1) + bytes((7, 2, 0x84))
    body += struct.pack("<BH", 0x80 | 3, 100)
    with pytest.raises(FitFormatError, match="compressed-timestamp"):
        decode(_wrap(body))


def test_developer_fields_are_skipped() -> None:
    body = _record_def(0, dev=True) + struct.pack("<BIH", 0, T0, 250) + b"\xab\xcd"
    body += struct.pack("<BIH", 0, T0 + 1, 251) + b"\x01\x02"
    msgs = decode(_wrap(body))
    assert [m.as_dict() for m in msgs] == [
        {"timestamp": T0, "power": 250},
        {"timestamp": T0 + 1, "power": 251},
    ]


def test_twelve_byte_header_and_zero_header_crc() -> None:
    body = _record_def(0) + struct.pack("<BIH", 0, T0, 250)
    (msg,) = decode(_wrap(body, header_size=12))
    assert msg["power"] == 250
    data = bytearray(_wrap(body))
    data[12:14] = b"\0\0"  # "header CRC not computed"
    data[-2:] = struct.pack("<H", crc16(bytes(data[:-2])))
    assert decode(bytes(data))[0]["power"] == 250


def test_chained_files_decode_in_order() -> None:
    a = _wrap(_record_def(0) + struct.pack("<BIH", 0, T0, 1))
    b = _wrap(_record_def(3) + struct.pack("<BIH", 3, T0 + 1, 2))
    assert [m["power"] for m in decode(a + b)] == [1, 2]


def test_odd_sizes_and_unknown_fields() -> None:
    # power declared as 3 bytes of uint16 (not a multiple) -> raw bytes; field 200 unknown;
    # a size-0 field is skipped.
    body = struct.pack("<BBBHB", 0x40, 0, 0, 20, 3) + bytes((7, 3, 0x84, 200, 1, 0x02, 4, 0, 2))
    body += b"\x00" + b"\x01\x02\x03" + b"\x09"
    (msg,) = decode(_wrap(body))
    assert msg.fields == {7: b"\x01\x02\x03", 200: 9}
    assert msg.as_dict() == {"power": b"\x01\x02\x03", "unknown_200": 9}


@pytest.mark.parametrize(
    ("data", "match"),
    [
        (b"", "empty"),
        (b"\x0e\x20", "too short"),
        (b"\x0d" + b"\0" * 20, "header size 13"),
        (_wrap(b"")[:8] + b".FOO" + _wrap(b"")[12:], "signature"),
        (_wrap(b"", protocol=0x30), "protocol version 3"),
        (_wrap(b"")[:12] + b"\x12\x34" + _wrap(b"")[14:], "header CRC"),
        (_wrap(b"")[:-1] + b"\x01", "file CRC"),
        (_wrap(_record_def(0) + struct.pack("<BIH", 0, T0, 1))[:-5], "truncated"),
        (_wrap(struct.pack("<BIH", 0, T0, 1)), "no definition"),
        (_wrap(_record_def(0) + struct.pack("<BI", 0, T0)), "runs past"),
        (_wrap(struct.pack("<BBBHB", 0x40, 0, 0, 20, 5)), "runs past"),
        (_wrap(struct.pack("<BBBHB", 0x40, 0, 2, 20, 0)), "architecture"),
        (_wrap(struct.pack("<BBBHB", 0x40, 0, 0, 20, 1) + bytes((7, 2, 0x1F))), "base type"),
        (_wrap(_record_def(0, dev=True)[:-4] + b"\x05"), "developer"),
        (_wrap(_record_def(0)) + b"junk", "too short"),
    ],
)
def test_malformed_input_raises_fit_format_error(data: bytes, match: str) -> None:
    with pytest.raises(FitFormatError, match=match):
        decode(data)


def test_fit_format_error_is_a_value_error() -> None:
    assert issubclass(FitFormatError, ValueError)
    with pytest.raises(FitFormatError, match="expected bytes"):
        decode("not bytes")  # type: ignore[arg-type]


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=200))
def test_arbitrary_bytes_only_raise_fit_format_error(data: bytes) -> None:
    with contextlib.suppress(FitFormatError):
        decode(data)


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_mutated_files_only_raise_fit_format_error(data: st.DataObject) -> None:
    original = bytearray(_activity_file()[: 14 + 400] + b"\0\0")  # first messages only
    original = bytearray(_refix(bytes(original)))
    body = original[14:-2]
    n = data.draw(st.integers(1, 6))
    for _ in range(n):
        op = data.draw(st.sampled_from(["flip", "set", "cut", "insert"]))
        pos = data.draw(st.integers(0, max(len(body) - 1, 0)))
        if op == "flip" and body:
            body[pos] ^= 1 << data.draw(st.integers(0, 7))
        elif op == "set" and body:
            body[pos] = data.draw(st.integers(0, 255))
        elif op == "cut":
            del body[pos : pos + data.draw(st.integers(1, 20))]
        else:
            body[pos:pos] = data.draw(st.binary(min_size=1, max_size=20))
    mutated = _wrap(bytes(body))
    try:
        msgs = decode(mutated)
    except FitFormatError:
        return
    for msg in msgs:
        assert isinstance(msg, FitMessage)
        msg.as_dict()


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=60), st.integers(0, 2), st.sampled_from([12, 14]))
def test_mutated_headers_only_raise_fit_format_error(
    noise: bytes, where: int, header_size: int
) -> None:
    good = _wrap(_record_def(0) + struct.pack("<BIH", 0, T0, 1), header_size=header_size)
    candidates = [noise + good, good[: len(noise) % len(good)], good[:4] + noise + good[4:]]
    with contextlib.suppress(FitFormatError):
        decode(candidates[where])


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 0xFFFF_FFFE),
            st.one_of(st.none(), st.integers(0, 0xFFFE)),
            st.one_of(st.none(), st.integers(0, 254)),
            st.one_of(st.none(), st.integers(0, 65_534).map(lambda v: v / 1000)),
            st.one_of(st.none(), st.integers(0, 0xFFFF_FFFE).map(lambda v: v / 100)),
        ),
        max_size=30,
    ),
    st.booleans(),
)
def test_record_round_trip_property(rows: list[tuple[Any, ...]], big_endian: bool) -> None:
    enc = FitEncoder(big_endian=big_endian)
    enc.define(2, "record", ["timestamp", "power", "heart_rate", "speed", "distance"])
    for row in rows:
        enc.write(2, row)
    msgs = decode(enc.finish())
    assert len(msgs) == len(rows)
    for msg, row in zip(msgs, rows, strict=True):
        got = [msg.get(k) for k in ("timestamp", "power", "heart_rate", "speed", "distance")]
        assert got == pytest.approx(list(row))


# --------------------------------------------------------------------------- speed


def _encode_records(n: int) -> bytes:
    enc = FitEncoder()
    enc.add("file_id", type=4, manufacturer=255, product=1, serial_number=1, time_created=T0)
    enc.define(1, "record", ["timestamp", "power", "cadence", "heart_rate", "speed", "distance"])
    write = enc.write
    distance = 0.0
    for i in range(n):
        speed = 9.0 + (i % 7) * 0.1
        distance += speed
        write(1, (T0 + i, 180 + i % 90, 85 + i % 10, 120 + i % 40, speed, distance))
    return enc.finish()


def test_encoding_three_hours_of_records_is_fast() -> None:
    n = 10_800
    best = min(_timed(_encode_records, n) for _ in range(3))
    print(f"\nencoded {n} records in {best * 1000:.1f} ms")
    assert best < 1.0  # the activity-export budget; typically ~40 ms
    data = _encode_records(n)
    msgs = decode(data)
    assert sum(m.name == "record" for m in msgs) == n
    assert msgs[-1]["distance"] == pytest.approx(sum(9.0 + (i % 7) * 0.1 for i in range(n)))


def _timed(fn: Any, *args: Any) -> float:
    start = time.perf_counter()
    fn(*args)
    return time.perf_counter() - start
