"""FTMS Control Point requests/responses and Fitness Machine Status.

Golden bytes: the worked examples of shared/reference/ble-protocols-and-testing.md §1.7
(several verified against the bumble simulator there) and the resistance quirk (Tacx Flux,
Auuki issue #71). Other status/response payloads are built from the tables in §1.7/§1.8.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core.devices.errors import ProtocolError
from app.core.devices.ftms import (
    ControlOpCode,
    ControlPointRequest,
    MachineStatus,
    MachineStatusOpCode,
    ResultCode,
    SimulationParameters,
    SpinDownStatus,
    encode_request_control,
    encode_reset,
    encode_set_indoor_bike_simulation,
    encode_set_target_power,
    encode_set_target_resistance,
    encode_start_or_resume,
    encode_stop_or_pause,
    parse_control_point_request,
    parse_control_point_response,
    parse_machine_status,
)

# --- golden requests (§1.7 "Worked byte examples") ---------------------------------------------


@pytest.mark.parametrize(
    ("encoded", "expected"),
    [
        (encode_request_control(), "00"),
        (encode_start_or_resume(), "07"),
        (encode_set_target_power(200), "05 c8 00"),
        (encode_set_indoor_bike_simulation(0.0, 5.0, 0.004, 0.51), "11 00 00 f4 01 28 33"),
        (encode_set_target_resistance(10.0), "04 64"),
        (encode_set_target_resistance(10.0, "uint8"), "04 64"),
        (encode_set_target_resistance(10.0, "sint16"), "04 64 00"),  # Tacx Flux form
        (encode_stop_or_pause(pause=True), "08 02"),
        (encode_stop_or_pause(pause=False), "08 01"),
        (encode_reset(), "01"),
    ],
)
def test_golden_requests(encoded, expected):
    assert encoded == bytes.fromhex(expected)


def test_negative_resistance_needs_sint16():
    assert encode_set_target_resistance(-10.0, "sint16") == bytes.fromhex("04 9c ff")
    with pytest.raises(ValueError, match="resistance level"):
        encode_set_target_resistance(-10.0, "uint8")


# --- golden responses -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "request_op", "result"),
    [
        ("80 00 01", ControlOpCode.REQUEST_CONTROL, ResultCode.SUCCESS),
        ("80 07 01", ControlOpCode.START_OR_RESUME, ResultCode.SUCCESS),
        ("80 07 04", ControlOpCode.START_OR_RESUME, ResultCode.OPERATION_FAILED),
        ("80 05 01", ControlOpCode.SET_TARGET_POWER, ResultCode.SUCCESS),
        ("80 05 05", ControlOpCode.SET_TARGET_POWER, ResultCode.CONTROL_NOT_PERMITTED),
        ("80 11 01", ControlOpCode.SET_INDOOR_BIKE_SIMULATION, ResultCode.SUCCESS),
        ("80 04 01", ControlOpCode.SET_TARGET_RESISTANCE_LEVEL, ResultCode.SUCCESS),
        ("80 04 03", ControlOpCode.SET_TARGET_RESISTANCE_LEVEL, ResultCode.INVALID_PARAMETER),
        ("80 14 02", ControlOpCode.SET_TARGETED_CADENCE, ResultCode.OP_CODE_NOT_SUPPORTED),
    ],
)
def test_golden_responses(data, request_op, result):
    response = parse_control_point_response(bytes.fromhex(data))
    assert response.request_op_code == request_op
    assert response.result is result
    assert response.ok is (result is ResultCode.SUCCESS)
    assert response.spin_down_target_speed_kph is None


def test_spin_down_success_carries_target_speeds():
    # 80 13 01 LL LL HH HH (§1.7): 20.00 .. 30.00 km/h
    response = parse_control_point_response(bytes.fromhex("80 13 01 d0 07 b8 0b"))
    assert response.spin_down_target_speed_kph == (20.0, 30.0)
    with pytest.raises(ProtocolError):
        parse_control_point_response(bytes.fromhex("80 13 01 d0 07"))


@pytest.mark.parametrize(
    "data",
    [
        "",
        "80",
        "80 05",
        "05 c8 00",  # a request, not a response
        "80 05 00",  # result 0x00 is RFU
        "80 05 06",  # result 0x06 is RFU
    ],
)
def test_bad_responses(data):
    with pytest.raises(ProtocolError) as err:
        parse_control_point_response(bytes.fromhex(data))
    assert err.value.characteristic == "Fitness Machine Control Point"


def test_result_descriptions_are_plain_words():
    for result in ResultCode:
        text = result.description
        assert text.endswith(".")
        assert "0x" not in text
        assert "op code" not in text.lower()
    assert "another app" in ResultCode.CONTROL_NOT_PERMITTED.description.lower()


@given(st.integers(0, 0x7F), st.sampled_from(ResultCode), st.binary(max_size=17))
def test_response_round_trip(request_op, result, parameter):
    data = bytes([0x80, request_op, result]) + parameter
    if request_op == 0x13 and result is ResultCode.SUCCESS and len(parameter) != 4:
        with pytest.raises(ProtocolError):
            parse_control_point_response(data)
        return
    response = parse_control_point_response(data)
    assert (response.request_op_code, response.result, response.parameter) == (
        request_op,
        result,
        parameter,
    )


# --- request round trips (encode -> parse_control_point_request) -------------------------------


@pytest.mark.parametrize(
    ("encoded", "op"),
    [
        (encode_request_control(), ControlOpCode.REQUEST_CONTROL),
        (encode_reset(), ControlOpCode.RESET),
        (encode_start_or_resume(), ControlOpCode.START_OR_RESUME),
    ],
)
def test_parameterless_round_trip(encoded, op):
    assert parse_control_point_request(encoded) == ControlPointRequest(op)


@given(st.booleans())
def test_stop_or_pause_round_trip(pause):
    request = parse_control_point_request(encode_stop_or_pause(pause))
    assert request.op_code is ControlOpCode.STOP_OR_PAUSE
    assert request.pause is pause


@given(st.integers(-0x8000, 0x7FFF))
def test_target_power_round_trip(watts):
    request = parse_control_point_request(encode_set_target_power(watts))
    assert request.op_code is ControlOpCode.SET_TARGET_POWER
    assert request.target_power_w == watts


@given(st.floats(-3000, 3000))
def test_target_power_rounds_floats(watts):
    request = parse_control_point_request(encode_set_target_power(watts))
    assert request.target_power_w == round(watts)


@given(
    st.one_of(
        st.tuples(st.just("uint8"), st.integers(0, 0xFF)),
        st.tuples(st.just("sint16"), st.integers(-0x8000, 0x7FFF)),
    )
)
def test_target_resistance_round_trip(case):
    encoding, raw = case
    data = encode_set_target_resistance(raw / 10, encoding)
    assert len(data) == (2 if encoding == "uint8" else 3)
    request = parse_control_point_request(data)
    assert request.target_resistance_level == raw / 10
    assert request.resistance_encoding == encoding


@given(st.floats(0, 25.5), st.sampled_from(["uint8", "sint16"]))
def test_target_resistance_quantizes_to_tenths(level, encoding):
    data = encode_set_target_resistance(level, encoding)
    decoded = parse_control_point_request(data).target_resistance_level
    assert decoded is not None
    assert abs(decoded - level) <= 0.05 + 1e-9
    assert encode_set_target_resistance(decoded, encoding) == data


SIM_RAW = st.tuples(
    st.integers(-0x8000, 0x7FFF),
    st.integers(-0x8000, 0x7FFF),
    st.integers(0, 255),
    st.integers(0, 255),
)


@given(SIM_RAW)
def test_simulation_round_trip(raw):
    wind, grade, crr, cw = raw
    params = SimulationParameters(wind / 1000, grade / 100, crr / 10000, cw / 100)
    data = encode_set_indoor_bike_simulation(
        params.wind_mps, params.grade_pct, params.crr, params.cw
    )
    assert data[1:] == b"".join(
        [
            wind.to_bytes(2, "little", signed=True),
            grade.to_bytes(2, "little", signed=True),
            bytes([crr, cw]),
        ]
    )
    assert parse_control_point_request(data).simulation == params


@pytest.mark.parametrize(
    "call",
    [
        lambda: encode_set_target_power(40000),
        lambda: encode_set_target_power(math.nan),
        lambda: encode_set_target_power(math.inf),
        lambda: encode_set_target_resistance(25.6),
        lambda: encode_set_target_resistance(3276.8, "sint16"),
        lambda: encode_set_target_resistance(1.0, "uint16"),  # type: ignore[arg-type]
        lambda: encode_set_indoor_bike_simulation(0, 400, 0.004, 0.51),
        lambda: encode_set_indoor_bike_simulation(0, 5, 0.03, 0.51),
        lambda: encode_set_indoor_bike_simulation(0, 5, -0.001, 0.51),
        lambda: encode_set_indoor_bike_simulation(40, 5, 0.004, 0.51),
    ],
)
def test_encoders_reject_out_of_range(call):
    with pytest.raises(ValueError):
        call()


@pytest.mark.parametrize(
    "data",
    [
        "",
        "80 05 01",  # a response written as a request
        "15",  # RFU op code
        "05 c8",  # power must be sint16
        "04",  # resistance parameter missing
        "04 64 00 00",  # resistance too long
        "08",  # stop/pause parameter missing
        "08 03",  # neither stop nor pause
        "00 00",  # request control takes no parameter
        "11 00 00 f4 01 28",  # simulation cut short
    ],
)
def test_bad_requests(data):
    with pytest.raises(ProtocolError):
        parse_control_point_request(bytes.fromhex(data))


def test_other_requests_keep_raw_parameter():
    request = parse_control_point_request(bytes.fromhex("14 b4 00"))
    assert request.op_code is ControlOpCode.SET_TARGETED_CADENCE
    assert request.parameter == b"\xb4\x00"


# --- Fitness Machine Status (§1.8) ----------------------------------------------------------------


S = MachineStatusOpCode


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("ff", MachineStatus(S.CONTROL_PERMISSION_LOST)),
        ("01", MachineStatus(S.RESET)),
        ("04", MachineStatus(S.STARTED_OR_RESUMED_BY_USER)),
        ("02 02", MachineStatus(S.STOPPED_OR_PAUSED_BY_USER, b"\x02", paused=True)),
        ("02 01", MachineStatus(S.STOPPED_OR_PAUSED_BY_USER, b"\x01", paused=False)),
        ("08 c8 00", MachineStatus(S.TARGET_POWER_CHANGED, b"\xc8\x00", target_power_w=200)),
        ("08 9c ff", MachineStatus(S.TARGET_POWER_CHANGED, b"\x9c\xff", target_power_w=-100)),
        ("05 b8 0b", MachineStatus(S.TARGET_SPEED_CHANGED, b"\xb8\x0b", target_speed_kph=30.0)),
        (
            "06 32 00",
            MachineStatus(S.TARGET_INCLINE_CHANGED, b"\x32\x00", target_inclination_pct=5.0),
        ),
        ("09 96", MachineStatus(S.TARGET_HEART_RATE_CHANGED, b"\x96", target_heart_rate_bpm=150)),
        (
            "13 f2 52",
            MachineStatus(
                S.WHEEL_CIRCUMFERENCE_CHANGED, b"\xf2\x52", wheel_circumference_mm=2123.4
            ),
        ),
        (
            "14 02",
            MachineStatus(S.SPIN_DOWN_STATUS, b"\x02", spin_down_status=SpinDownStatus.SUCCESS),
        ),
        (
            "15 b4 00",
            MachineStatus(S.TARGETED_CADENCE_CHANGED, b"\xb4\x00", targeted_cadence_rpm=90.0),
        ),
        ("0d 10 27 00", MachineStatus(S.TARGETED_DISTANCE_CHANGED, b"\x10\x27\x00")),
    ],
)
def test_machine_status(data, expected):
    assert parse_machine_status(bytes.fromhex(data)) == expected


@pytest.mark.parametrize(
    ("data", "level"),
    [
        ("07 64", 10.0),  # 1 byte: uint8 0.1 (pyftms)
        ("07 64 00", 10.0),  # 2 bytes: sint16 0.1 (v1.0.1 table)
        ("07 9c ff", -10.0),
        ("07 ff", 25.5),
    ],
)
def test_status_resistance_changed_accepts_1_or_2_bytes(data, level):
    status = parse_machine_status(bytes.fromhex(data))
    assert status.op_code is MachineStatusOpCode.TARGET_RESISTANCE_LEVEL_CHANGED
    assert status.target_resistance_level == level


def test_status_simulation_changed():
    status = parse_machine_status(bytes.fromhex("12 00 00 f4 01 28 33"))
    assert status.simulation == SimulationParameters(0.0, 5.0, 0.004, 0.51)


@pytest.mark.parametrize(
    "data",
    [
        "",
        "16",  # RFU op code
        "00",  # RFU op code
        "07",  # resistance parameter missing
        "07 64 00 00",  # resistance parameter too long
        "08 c8",  # target power is sint16
        "ff 00",  # control permission lost has no parameter
        "02 03",  # neither stop nor pause
        "14 05",  # unknown spin down status
        "12 00 00 f4 01 28",  # simulation cut short
    ],
)
def test_bad_machine_status(data):
    with pytest.raises(ProtocolError) as err:
        parse_machine_status(bytes.fromhex(data))
    assert err.value.characteristic == "Fitness Machine Status"


@given(st.integers(-0x8000, 0x7FFF))
def test_status_target_power_round_trip(watts):
    data = b"\x08" + watts.to_bytes(2, "little", signed=True)
    assert parse_machine_status(data).target_power_w == watts


@given(st.one_of(st.integers(0, 0xFF).map(lambda v: bytes([v])), st.binary(min_size=2, max_size=2)))
def test_status_resistance_round_trip(parameter):
    signed = len(parameter) == 2
    expected = int.from_bytes(parameter, "little", signed=signed) / 10
    assert parse_machine_status(b"\x07" + parameter).target_resistance_level == expected
