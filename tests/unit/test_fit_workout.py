"""FIT workout files <-> the workout model (app/core/workouts/fit_workout.py): what
garmin-fit-sdk sees in our files, exact round trips for what FIT can carry, the
documented approximations (reported in `dropped`), reading other apps' workouts, and
WorkoutFormatError for everything malformed."""

from __future__ import annotations

import io
import struct
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.core.fit import FitEncoder, crc16, decode
from app.core.fit.profile import STRING, UINT16, FieldDef
from app.core.workouts.fit_workout import (
    BinaryWriteResult,
    read_fit_workout,
    write_fit_workout,
)
from app.core.workouts.model import (
    Cue,
    PowerUnit,
    RepeatBlock,
    Step,
    StepKind,
    StepRole,
    Workout,
    WorkoutFormatError,
)

WARMUP = Step(StepKind.RAMP, 600, 0.5, 0.75, role=StepRole.WARMUP, cadence_rpm=90)
ON = Step(StepKind.STEADY, 600, 0.95, 0.95, cues=(Cue(0.0, "Hold it"),))
OFF = Step(StepKind.STEADY, 300, 0.55, 0.55, role=StepRole.REST)
COOLDOWN = Step(StepKind.RAMP, 600, 0.65, 0.40, role=StepRole.COOLDOWN)
SAMPLE = Workout(
    name="2x10 @ 95%",
    description="Threshold intervals",
    elements=(
        WARMUP,
        RepeatBlock(2, (ON, OFF)),
        Step(StepKind.STEADY, 60, 250.0, 250.0, power_unit=PowerUnit.WATTS),
        Step(StepKind.FREE_RIDE, 300, cadence_rpm=100),
        Step(StepKind.MAX_EFFORT, 10),
        COOLDOWN,
    ),
)


def _garmin(data: bytes) -> dict[str, list[dict[str, Any]]]:
    fit = pytest.importorskip("garmin_fit_sdk")
    decoder = fit.Decoder(fit.Stream.from_byte_array(bytearray(data)))
    assert decoder.check_integrity()
    decoder = fit.Decoder(fit.Stream.from_byte_array(bytearray(data)))
    messages, errors = decoder.read()
    assert errors == []
    return messages  # type: ignore[no-any-return]


def _steps_file(*steps: dict[str, Any], file_type: int = 5, name: str = "Foreign") -> bytes:
    enc = FitEncoder()
    enc.add("file_id", type=file_type, manufacturer=1, product=1, serial_number=7)
    enc.add("workout", wkt_name=name, sport=2, num_valid_steps=len(steps))
    for i, step in enumerate(steps):
        enc.add("workout_step", **({"message_index": i} | step))
    return enc.finish()


def _timed(ms: int, **extra: Any) -> dict[str, Any]:
    return {"duration_type": 0, "duration_value": ms} | extra


def _power(ms: int, low: int, high: int, **extra: Any) -> dict[str, Any]:
    fields = {
        "target_type": 4,
        "target_value": 0,
        "custom_target_value_low": low,
        "custom_target_value_high": high,
    }
    return _timed(ms, **(fields | extra))


# --------------------------------------------------------------------------- writing


def test_garmin_sdk_reads_our_workout() -> None:
    result = write_fit_workout(SAMPLE)
    assert isinstance(result, BinaryWriteResult)
    msgs = _garmin(result.data)
    assert msgs["file_id_mesgs"][0]["type"] == "workout"
    (wkt,) = msgs["workout_mesgs"]
    assert wkt["wkt_name"] == "2x10 @ 95%"
    assert wkt["wkt_description"] == "Threshold intervals"
    assert (wkt["sport"], wkt["sub_sport"]) == ("cycling", "indoor_cycling")
    steps = msgs["workout_step_mesgs"]
    assert wkt["num_valid_steps"] == len(steps) == 8
    assert [s["message_index"] for s in steps] == list(range(8))

    warm, on, off, repeat, watts, free, maxe, cool = steps
    assert warm["intensity"] == "warmup" and warm["duration_time"] == 600.0
    assert warm["target_type"] == "power"
    assert (warm["custom_target_power_low"], warm["custom_target_power_high"]) == (50, 75)
    assert warm["wkt_step_name"] == "Ramp up"
    assert warm["secondary_target_type"] == "cadence"
    assert warm["secondary_custom_target_cadence_low"] == 90
    assert (on["custom_target_power_low"], on["custom_target_power_high"]) == (95, 95)
    assert on["intensity"] == "active" and on["notes"] == "Hold it"
    assert off["intensity"] == "rest" and off["duration_time"] == 300.0
    assert repeat["duration_type"] == "repeat_until_steps_cmplt"
    assert (repeat["duration_step"], repeat["repeat_steps"]) == (1, 2)
    assert watts["custom_target_power_low"] == watts["custom_target_power_high"] == 1250
    assert free["target_type"] == "open" and free["wkt_step_name"] == "Free ride"
    assert free["secondary_custom_target_cadence_high"] == 100
    assert maxe["target_type"] == "open" and maxe["wkt_step_name"] == "Max effort"
    assert maxe["intensity"] == "active" and maxe["duration_time"] == 10.0
    assert cool["intensity"] == "cooldown" and cool["wkt_step_name"] == "Ramp down"
    assert (cool["custom_target_power_low"], cool["custom_target_power_high"]) == (40, 65)


def test_fitdecode_reads_our_workout() -> None:
    fitdecode = pytest.importorskip("fitdecode")
    data = write_fit_workout(SAMPLE).data
    with fitdecode.FitReader(io.BytesIO(data), check_crc=fitdecode.CrcCheck.RAISE) as reader:
        steps = [
            f
            for f in reader
            if isinstance(f, fitdecode.FitDataMessage) and f.name == "workout_step"
        ]
    assert len(steps) == 8
    assert steps[3].get_value("duration_type") == "repeat_until_steps_cmplt"
    assert steps[1].get_value("custom_target_value_low") == 95


def test_round_trip_sample() -> None:
    result = write_fit_workout(SAMPLE)
    assert read_fit_workout(result.data) == SAMPLE
    assert result.dropped == (
        "step 1: ramp 50 % FTP -> 75 % FTP written as a power range (FIT has no ramps; "
        "Freewheel reads it back as a ramp by its step name)",
        "step 6: ramp 65 % FTP -> 40 % FTP written as a power range (FIT has no ramps; "
        "Freewheel reads it back as a ramp by its step name)",
    )


def test_output_is_deterministic_and_time_created_optional() -> None:
    assert write_fit_workout(SAMPLE).data == write_fit_workout(SAMPLE).data
    when = datetime(2025, 3, 1, 12, tzinfo=UTC)
    data = write_fit_workout(SAMPLE, time_created=when).data
    assert _garmin(data)["file_id_mesgs"][0]["time_created"] == when
    assert read_fit_workout(data) == SAMPLE


def test_what_fit_cannot_carry_is_reported() -> None:
    workout = Workout(
        name="Lossy",
        author="me",
        category="threshold",
        tags=("a",),
        ftp_override_w=250,
        cues=(Cue(5, "hello"),),
        elements=(
            Step(StepKind.STEADY, 60.0004, 0.955, 0.955),
            Step(StepKind.STEADY, 60, 250.4, 250.4, power_unit=PowerUnit.WATTS),
            Step(StepKind.STEADY, 60, 0.0, 0.0, power_unit=PowerUnit.WATTS),
            Step(StepKind.FREE_RIDE, 60, 0.5, 0.5),
            Step(StepKind.STEADY, 60),
            Step(StepKind.STEADY, 60, 0.8, cues=(Cue(0, "a"), Cue(30, "b"))),
            RepeatBlock(0, (OFF,)),
            RepeatBlock(3, ()),
        ),
    )
    result = write_fit_workout(workout)
    text = "\n".join(result.dropped)
    for expected in (
        "step 1: duration 60.0004 s rounded to 60.0 s",
        "step 1: power 95.5 % FTP rounded to 96 %",
        "step 2: power 250.4 W rounded to 250 W",
        "step 3: 0 W written as 1 W",
        "step 4: power target of a free_ride step",
        "step 5: steady step without a power target written as free ride",
        "step 6: 2 cue(s) written as step notes without their timing",
        "repeat 7: a repeat of 0 x 1",
        "repeat 8: a repeat of 3 x 0",
        "workout: author",
        "workout: category",
        "workout: tags",
        "workout: ftp_override_w",
        "workout: workout cues",
    ):
        assert expected in text
    back = read_fit_workout(result.data)
    assert [e.power_start for e in back.elements] == [0.96, 250.0, 1.0, None, None, 0.8]  # type: ignore[union-attr]
    assert back.elements[5].cues == (Cue(0.0, "a\nb"),)  # type: ignore[union-attr]
    assert back.elements[4].kind is StepKind.FREE_RIDE  # type: ignore[union-attr]


def test_long_text_is_cut_and_reported() -> None:
    workout = Workout(name="N" * 300, elements=(OFF,))
    result = write_fit_workout(workout)
    assert any("workout name: cut to 254 characters" in d for d in result.dropped)
    assert read_fit_workout(result.data).name == "N" * 254


@pytest.mark.parametrize(
    ("element", "match"),
    [
        (Step(StepKind.STEADY, -1, 0.5, 0.5), "duration"),
        (Step(StepKind.STEADY, float("inf"), 0.5, 0.5), "duration"),
        (Step(StepKind.STEADY, 60, 10.5, 10.5), "above FIT's 1000 %"),
        (Step(StepKind.STEADY, 60, -0.1, -0.1), "power"),
        (Step(StepKind.STEADY, 60, float("nan"), float("nan")), "power"),
        (Step(StepKind.STEADY, 60, 0.5, 0.5, cadence_rpm=-5), "cadence"),
    ],
)
def test_unwritable_values_raise(element: Step, match: str) -> None:
    with pytest.raises(WorkoutFormatError, match=match):
        write_fit_workout(Workout(name="bad", elements=(element,)))


def test_empty_workout_cannot_be_written() -> None:
    with pytest.raises(WorkoutFormatError, match="at least one step"):
        write_fit_workout(Workout(name="empty", elements=()))


# --------------------------------------------------------------------------- reading


def test_reads_a_workout_written_by_garmin_sdk() -> None:
    fit = pytest.importorskip("garmin_fit_sdk")
    num = fit.Profile["mesg_num"]
    enc = fit.Encoder()
    enc.on_mesg(
        num["FILE_ID"],
        {"type": "workout", "manufacturer": "development", "product": 0, "serial_number": 1},
    )
    enc.on_mesg(
        num["WORKOUT"],
        {"wkt_name": "Garmin", "sport": "cycling", "sub_sport": "indoor_cycling",
         "num_valid_steps": 4},
    )  # fmt: skip
    steps: list[dict[str, Any]] = [
        {"duration_type": "time", "duration_value": 300_000, "target_type": "power",
         "target_value": 0, "custom_target_value_low": 55, "custom_target_value_high": 65,
         "intensity": "warmup"},
        {"duration_type": "time", "duration_value": 60_000, "target_type": "power",
         "target_value": 0, "custom_target_value_low": 1300, "custom_target_value_high": 1300,
         "intensity": "active"},
        {"duration_type": "time", "duration_value": 60_000, "target_type": "open",
         "intensity": "recovery"},
        {"duration_type": "repeat_until_steps_cmplt", "duration_value": 1, "target_value": 5},
    ]  # fmt: skip
    for i, step in enumerate(steps):
        enc.on_mesg(num["WORKOUT_STEP"], {"message_index": i} | step)
    workout = read_fit_workout(enc.close(), source="garmin.fit")
    assert workout == Workout(
        name="Garmin",
        elements=(
            Step(StepKind.STEADY, 300.0, 0.6, 0.6, role=StepRole.WARMUP),  # range -> midpoint
            RepeatBlock(
                5,
                (
                    Step(StepKind.STEADY, 60.0, 300.0, 300.0, power_unit=PowerUnit.WATTS),
                    Step(StepKind.FREE_RIDE, 60.0, role=StepRole.REST),
                ),
            ),
        ),
    )


def test_foreign_step_variants() -> None:
    data = _steps_file(
        _timed(60_000, target_type=3, target_value=0, custom_target_value_low=85,
               custom_target_value_high=95),
        _power(60_000, 1200, 1300, wkt_step_name="RAMP to threshold"),
        _power(60_000, 80, 60, wkt_step_name="ramp down", intensity=3),
        _timed(30_000, target_type=2, wkt_step_name="MAX EFFORT!", intensity=5),
        _timed(30_000, intensity=6),  # no target at all
        _power(45_500, 70, 70, secondary_target_type=3, secondary_custom_target_value_low=88),
        _power(1_000, 100, 100, target_type=7),  # power_3s counts as power
        _timed(1_000, duration_type=31, target_type=2),  # time_only
    )  # fmt: skip
    workout = read_fit_workout(data, source="x/foreign.fit")
    assert workout.name == "Foreign"
    assert workout.elements == (
        Step(StepKind.FREE_RIDE, 60.0, cadence_rpm=90),
        Step(StepKind.RAMP, 60.0, 200.0, 300.0, power_unit=PowerUnit.WATTS),
        Step(StepKind.RAMP, 60.0, 0.8, 0.6, role=StepRole.COOLDOWN),
        Step(StepKind.MAX_EFFORT, 30.0),
        Step(StepKind.FREE_RIDE, 30.0),
        Step(StepKind.STEADY, 45.5, 0.7, 0.7, cadence_rpm=88),
        Step(StepKind.STEADY, 1.0, 1.0, 1.0),
        Step(StepKind.FREE_RIDE, 1.0),
    )


def test_name_falls_back_to_the_file_name_and_steps_may_lack_message_index() -> None:
    enc = FitEncoder()
    enc.add("file_id", type=5)
    enc.add("workout_step", duration_type=0, duration_value=5000, target_type=2)
    enc.add("workout_step", duration_type=0, duration_value=6000, target_type=2)
    workout = read_fit_workout(enc.finish(), source="/tmp/My Ride.fit")
    assert workout.name == "My Ride"
    assert [e.duration_s for e in workout.elements] == [5.0, 6.0]


def test_steps_are_ordered_by_message_index() -> None:
    enc = FitEncoder()
    enc.add("workout_step", message_index=1, **_timed(2000, target_type=2))
    enc.add("workout_step", message_index=0, **_timed(1000, target_type=2))
    workout = read_fit_workout(enc.finish())
    assert [e.duration_s for e in workout.elements] == [1.0, 2.0]


def _bad_type_file(field: FieldDef, value: Any) -> bytes:
    """One step whose `field` has a base type the profile does not give it."""
    enc = FitEncoder()
    fields: list[Any] = ["duration_type", "duration_value", "target_type"]
    fields = [f for f in fields if f != field.name] + [
        (field, 8) if value.__class__ is str else field
    ]
    enc.define(0, "workout_step", fields)
    values = {"duration_type": 0, "duration_value": 1000, "target_type": 2, field.name: value}
    enc.write(
        0,
        [
            values[f.name if isinstance(f, FieldDef) else f[0].name if isinstance(f, tuple) else f]
            for f in fields
        ],
    )
    return enc.finish()


@pytest.mark.parametrize(
    ("data", "match"),
    [
        (b"", "empty"),
        (b"not a fit file at all", "header size"),
        (write_fit_workout(SAMPLE).data[:-3], "truncated"),
        (_steps_file(_timed(1000), file_type=4), "file type is activity"),
        (FitEncoder().finish(), "no workout_step"),
        (_steps_file({"duration_value": 5}), "workout_step 0.*duration_type is missing"),
        (_steps_file(_timed(1000, duration_type=1)), "workout_step 0.*distance"),
        (_steps_file(_timed(1000, duration_type=5)), "workout_step 0.*open"),
        (_steps_file(_timed(1000), {"duration_type": 7, "duration_value": 0,
                                    "target_value": 3}), "workout_step 1.*repeat_until_time"),
        (_steps_file(_timed(1000, target_type=1)), "workout_step 0.*heart_rate"),
        (_steps_file(_timed(1000, target_type=99)), "target_type 99"),
        (_steps_file(_power(1000, 50, 60, target_value=3)), "power zone 3"),
        (_steps_file(_timed(1000, target_type=3, target_value=2)), "cadence zone"),
        (_steps_file(_timed(1000, target_type=4, target_value=0)), "without custom_target"),
        (_steps_file(_power(1000, 50, 1200)), "mixes % FTP and watts"),
        (_steps_file(_timed(1000, target_type=2, intensity=9)), "unknown intensity 9"),
        (_steps_file({"duration_type": 0, "target_type": 2}), "without duration_value"),
        (_steps_file({"duration_type": 6, "duration_value": 0, "target_value": 2}),
         "does not point to an earlier step"),
        (_steps_file(_timed(1000), {"duration_type": 6, "duration_value": 0}),
         "without target_value"),
        (_steps_file(_timed(1000), {"duration_type": 6, "target_value": 2}),
         "without duration_value"),
        (_steps_file(_timed(1000), {"duration_type": 6, "duration_value": 0,
                                    "target_value": 0}), "below 1"),
        (_steps_file(_timed(1000, target_type=2), {"duration_type": 6, "duration_value": 0,
                                                   "target_value": 2},
                     {"duration_type": 6, "duration_value": 0, "target_value": 2}),
         "nested repeats"),
        (_bad_type_file(FieldDef(2, "duration_value", STRING), "abc"),
         r"workout_step 0.duration_value: duration_value has an unexpected value 'abc'"),
        (_bad_type_file(FieldDef(0, "wkt_step_name", UINT16), 7),
         "workout_step 0.wkt_step_name: expected text, got 7"),
    ],
)  # fmt: skip
def test_malformed_workouts_raise_workout_format_error(data: bytes, match: str) -> None:
    with pytest.raises(WorkoutFormatError, match=match) as info:
        read_fit_workout(data, source="bad.fit")
    assert info.value.source == "bad.fit"


def test_message_index_gaps_are_rejected() -> None:
    enc = FitEncoder()
    enc.add("workout_step", message_index=0, **_timed(1000, target_type=2))
    enc.add("workout_step", message_index=2, **_timed(1000, target_type=2))
    with pytest.raises(WorkoutFormatError, match=r"message_index values are not 0\.\.1"):
        read_fit_workout(enc.finish())
    enc = FitEncoder()
    enc.add("workout_step", message_index=0, **_timed(1000, target_type=2))
    enc.add("workout_step", **_timed(1000, target_type=2))
    with pytest.raises(WorkoutFormatError, match="message_index"):
        read_fit_workout(enc.finish())


# --------------------------------------------------------------------------- properties

_text = st.text(
    alphabet=st.characters(exclude_categories=["Cs"], exclude_characters="\0"),
    max_size=40,
)
_roles = st.sampled_from(list(StepRole))
_durations = st.integers(0, 4 * 3600 * 1000).map(lambda ms: ms / 1000)
_cadence = st.one_of(st.none(), st.integers(0, 250))
_cues = st.one_of(st.just(()), _text.filter(bool).map(lambda m: (Cue(0.0, m),)))


@st.composite
def _power_pair(draw: st.DrawFn, ramp: bool) -> tuple[float, float, PowerUnit]:
    if draw(st.booleans()):
        a, b = draw(st.integers(0, 1000)), draw(st.integers(0, 1000))
        return a / 100, (b if ramp else a) / 100, PowerUnit.FTP_FRACTION
    a, b = draw(st.integers(1, 3000)), draw(st.integers(1, 3000))
    return float(a), float(b if ramp else a), PowerUnit.WATTS


@st.composite
def _representable_step(draw: st.DrawFn) -> Step:
    kind = draw(st.sampled_from(list(StepKind)))
    common: dict[str, Any] = dict(
        duration_s=draw(_durations),
        cadence_rpm=draw(_cadence),
        role=draw(_roles),
        cues=draw(_cues),
    )
    if kind in (StepKind.STEADY, StepKind.RAMP):
        start, end, unit = draw(_power_pair(kind is StepKind.RAMP))
        return Step(kind, power_start=start, power_end=end, power_unit=unit, **common)
    return Step(kind, **common)


_elements = st.lists(
    st.one_of(
        _representable_step(),
        st.builds(
            RepeatBlock,
            st.integers(1, 50),
            st.lists(_representable_step(), min_size=1, max_size=4).map(tuple),
        ),
    ),
    min_size=1,
    max_size=12,
).map(tuple)

_representable_workouts = st.builds(
    Workout,
    name=_text.filter(bool),
    elements=_elements,
    description=_text,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_representable_workouts)
def test_round_trip_of_representable_workouts(workout: Workout) -> None:
    result = write_fit_workout(workout)
    assert all("ramp" in d for d in result.dropped)  # ramps are reported, nothing else
    assert read_fit_workout(result.data) == workout


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_representable_workouts)
def test_garmin_sdk_accepts_every_written_workout(workout: Workout) -> None:
    data = write_fit_workout(workout).data
    msgs = _garmin(data)
    assert len(msgs["workout_step_mesgs"]) == msgs["workout_mesgs"][0]["num_valid_steps"]


_any_step = st.builds(
    Step,
    kind=st.sampled_from(list(StepKind)),
    duration_s=st.floats(0, 1e6),
    power_start=st.one_of(st.none(), st.floats(0, 10)),
    power_end=st.one_of(st.none(), st.floats(0, 10)),
    power_unit=st.sampled_from(list(PowerUnit)),
    cadence_rpm=_cadence,
    role=_roles,
    cues=st.lists(st.builds(Cue, st.floats(0, 100), _text), max_size=3).map(tuple),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(_any_step, st.builds(
    RepeatBlock, st.integers(-1, 5), st.lists(_any_step, max_size=3).map(tuple))),
    max_size=8))  # fmt: skip
def test_any_model_writes_or_fails_cleanly_and_reads_back(elements: list[Any]) -> None:
    workout = Workout(name="any", elements=tuple(elements))
    try:
        result = write_fit_workout(workout)
    except WorkoutFormatError:
        return
    back = read_fit_workout(result.data)
    assert back.duration_s == pytest.approx(
        sum(e.duration_s for e in workout.elements if not isinstance(e, RepeatBlock) or
            (e.count >= 1 and e.steps)), abs=0.01)  # fmt: skip


def _refix(body: bytes) -> bytes:
    header = struct.pack("<BBHI4s", 14, 0x20, 21218, len(body), b".FIT")
    header += struct.pack("<H", crc16(header))
    return header + body + struct.pack("<H", crc16(header + body))


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_mutated_workout_files_only_raise_workout_format_error(data: st.DataObject) -> None:
    body = bytearray(write_fit_workout(SAMPLE).data[14:-2])
    for _ in range(data.draw(st.integers(1, 4))):
        pos = data.draw(st.integers(0, len(body) - 1))
        if data.draw(st.booleans()):
            body[pos] = data.draw(st.integers(0, 255))
        else:
            del body[pos : pos + data.draw(st.integers(1, 8))]
        if not body:
            break
    try:
        workout = read_fit_workout(_refix(bytes(body)))
    except WorkoutFormatError:
        return
    assert isinstance(workout, Workout)


def test_written_file_is_valid_for_our_own_decoder() -> None:
    names = [m.name for m in decode(write_fit_workout(SAMPLE).data)]
    assert names == ["file_id", "workout"] + ["workout_step"] * 8
