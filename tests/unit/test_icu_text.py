"""The intervals.icu workout-text reader and writer: golden examples, every error, and
properties (no text raises anything but WorkoutFormatError; write→read gives the model
back; write→read→write gives the same text)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from app.core.workouts.icu_text import (
    MAX_EFFORT_CUE,
    POWER_ZONE_FTP_FRACTION,
    read_icu_text,
    write_icu_text,
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

FAST = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
W = PowerUnit.WATTS
F = PowerUnit.FTP_FRACTION
ACTIVE, WARMUP, COOLDOWN = StepRole.ACTIVE, StepRole.WARMUP, StepRole.COOLDOWN

SAMPLE = """Sweet spot with openers
Keep cadence high.

Warmup
- 10m ramp 50%-75% 90rpm

Main Set 3x
- Push 10m 88-92%
- 5m Z2

- 20m freeride
- 30s 220w

Cooldown
- 10m ramp 65-45%
"""


def one(text: str, **kw: object) -> Step:
    """The single step of a one-step workout."""
    (step,) = read_icu_text(text, **kw).elements  # type: ignore[arg-type]
    assert isinstance(step, Step)
    return step


def steady(duration_s: float, power: float, unit: PowerUnit = F, **kw: object) -> Step:
    return Step(StepKind.STEADY, duration_s, power, power, unit, **kw)  # type: ignore[arg-type]


def free(duration_s: float, cue: str = "", **kw: object) -> Step:
    cues = (Cue(0.0, cue),) if cue else ()
    return Step(StepKind.FREE_RIDE, duration_s, cues=cues, **kw)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------- golden


def test_sample_workout() -> None:
    workout = read_icu_text(SAMPLE, source="plans/Sweet Spot.txt")
    assert workout == Workout(
        name="Sweet Spot",
        description="Sweet spot with openers\nKeep cadence high.",
        elements=(
            Step(StepKind.RAMP, 600, 0.5, 0.75, F, cadence_rpm=90, role=WARMUP),
            RepeatBlock(3, (steady(600, 0.9, cues=(Cue(0.0, "Push"),)), steady(300, 0.65))),
            free(1200),
            steady(30, 220, W),
            Step(StepKind.RAMP, 600, 0.65, 0.45, F, role=COOLDOWN),
        ),
    )


def test_sample_writes_back_equivalent_text() -> None:
    result = write_icu_text(read_icu_text(SAMPLE))
    assert result.dropped == ()
    assert result.text == (
        "Sweet spot with openers\nKeep cadence high.\n\n"
        "Warmup\n- 10m ramp 50%-75% 90rpm\n\n"
        "3x\n- Push 10m 90%\n- 5m 65%\n\n"
        "- 20m freeride\n- 30s 220w\n\n"
        "Cooldown\n- 10m ramp 65%-45%\n"
    )


@pytest.mark.parametrize(
    ("token", "seconds"),
    [
        ("30s", 30),
        ("10m", 600),
        ("1h", 3600),
        ("1m30", 90),
        ("1h30", 5400),
        ("1h2m3s", 3723),
        ("5m30s", 330),
        ("5'", 300),
        ('30"', 30),
        ("1'30\"", 90),
        ("90S", 90),
        ("1.5h", 5400),
    ],
)
def test_durations(token: str, seconds: int) -> None:
    assert one(f"- {token} 50%").duration_s == seconds


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("75%", steady(60, 0.75)),
        ("95-105%", steady(60, 1.0)),
        ("50%-40%", steady(60, 0.45)),
        ("95.5%", steady(60, 0.955)),
        ("220w", steady(60, 220, W)),
        ("220W", steady(60, 220, W)),
        ("200-240w", steady(60, 220, W)),
        ("315w - 330w", steady(60, 322.5, W)),
        ("Z2", steady(60, POWER_ZONE_FTP_FRACTION[2])),
        ("z3-z4", steady(60, 0.905)),
        ("Z1-3", steady(60, 0.665)),
        ("ramp 50%-75%", Step(StepKind.RAMP, 60, 0.5, 0.75, F)),
        ("RAMP 50-75%", Step(StepKind.RAMP, 60, 0.5, 0.75, F)),
        ("Ramp 100-200w", Step(StepKind.RAMP, 60, 100, 200, W)),
        ("ramp Z1-Z3", Step(StepKind.RAMP, 60, 0.5, 0.83, F)),
        ("ramp 60%", steady(60, 0.6)),
        ("freeride", free(60)),
        ("free ride", free(60)),
        ("FreeRide 85rpm", free(60, cadence_rpm=85)),
        ("", free(60)),
        ("75% 90rpm", steady(60, 0.75, cadence_rpm=90)),
        ("75% 90-95rpm", steady(60, 0.75, cadence_rpm=93)),
        ("75% 40-50 rpm,", steady(60, 0.75, cadence_rpm=45)),
        ("75% 0rpm", steady(60, 0.75)),
        ("Z2 200w", steady(60, 0.65)),  # the first power target wins
    ],
)
def test_targets(target: str, expected: Step) -> None:
    assert one(f"- 1m {target}") == expected


def test_target_before_duration_and_spaces() -> None:
    assert one("-75% 1m") == steady(60, 0.75)
    assert one("   -    1m    75%   ") == steady(60, 0.75)


def test_zone_table_is_the_coggan_midpoints() -> None:
    assert POWER_ZONE_FTP_FRACTION == {
        1: 0.50,
        2: 0.65,
        3: 0.83,
        4: 0.98,
        5: 1.13,
        6: 1.35,
        7: 1.60,
    }


def test_ftp_w_turns_watts_into_fractions() -> None:
    assert one("- 1m 200w", ftp_w=250) == steady(60, 0.8)
    assert one("- 1m ramp 100-333w", ftp_w=250) == Step(StepKind.RAMP, 60, 0.4, 1.332, F)
    assert one("- 1m 80%", ftp_w=250) == steady(60, 0.8)
    with pytest.raises(ValueError, match="plausible FTP"):
        read_icu_text("- 1m 80%", ftp_w=0)


def test_text_becomes_the_cue() -> None:
    assert one("- Recovery spin 30s 50%") == steady(30, 0.5, cues=(Cue(0.0, "Recovery spin"),))
    assert one("- High cadence! 4m 75% 100rpm") == steady(
        240, 0.75, cadence_rpm=100, cues=(Cue(0.0, "High cadence!"),)
    )
    # Words after the duration that are not syntax are kept, after the leading text.
    assert one("- RPE9 2m 315w press lap") == steady(
        120, 315, W, cues=(Cue(0.0, "RPE9 press lap"),)
    )
    assert one("- 5m recovery at 40%") == steady(300, 0.4, cues=(Cue(0.0, "recovery at"),))


@pytest.mark.parametrize(
    ("target", "cue"),
    [
        ("70% HR", "HR target 70% HR (not controlled)"),
        ("75-80% hr", "HR target 75-80% HR (not controlled)"),
        ("95% LTHR", "HR target 95% LTHR (not controlled)"),
        ("Z2 HR", "HR target Z2 HR (not controlled)"),
        ("78-82% Pace", "Pace target 78-82% Pace (not controlled)"),
        ("5:00/km Pace", "Pace target 5:00/km Pace (not controlled)"),
        ("3:00/100m-4:00/100m Pace", "Pace target 3:00/100m-4:00/100m Pace (not controlled)"),
        ("60% MMP 5m", "Power target 60% MMP 5m (not controlled)"),
        ("CZ2", "Custom-zone target CZ2 (not controlled)"),
    ],
)
def test_uncontrollable_targets_become_free_rides_with_a_cue(target: str, cue: str) -> None:
    assert one(f"- 10m {target}") == free(600, cue)


def test_uncontrollable_target_keeps_leading_text_and_yields_to_power() -> None:
    assert one("- Easy 10m 70% HR") == free(600, "Easy - HR target 70% HR (not controlled)")
    assert one("- 10m 70% HR 200w") == steady(600, 200, W)


def test_repeats_sections_and_blank_lines() -> None:
    text = "\n".join(
        [
            "Warm up",
            "- 5m 50%",
            "- 5m 60%",
            "5x",
            "- 30s 120%",
            "- 30s 50%",
            "",
            "- 5m 55%",
            "Cool-down 2x",
            "- 1m 40%",
            "",
            "Notes at the end",
        ]
    )
    workout = read_icu_text(text)
    assert workout.elements == (
        steady(300, 0.5, role=WARMUP),
        steady(300, 0.6, role=WARMUP),
        RepeatBlock(5, (steady(30, 1.2), steady(30, 0.5))),
        steady(300, 0.55),
        RepeatBlock(2, (steady(60, 0.4, role=COOLDOWN),)),
    )
    assert workout.description == "Notes at the end"


def test_line_endings_and_bom() -> None:
    text = "\ufeffMain Set 2x\r\n- 1m 90%\r- 1m 50%\r\n"
    assert read_icu_text(text).elements == (RepeatBlock(2, (steady(60, 0.9), steady(60, 0.5))),)


def test_name_comes_from_the_source() -> None:
    assert read_icu_text("- 1m 50%", source="C:\\x\\Over Unders.txt").name == "Over Unders"
    assert read_icu_text("- 1m 50%").name == "Untitled workout"


# ---------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "no steps"),
        ("Just a description\n\nand more", "no steps"),
        ("- 2km 50%", "line 1: distance step '2km'"),
        ("Warmup\n- 1mi Z2", "line 2: distance step '1mi'"),
        ("- 10m 50%\n- 400mtr 60%", "line 2: distance step '400mtr'"),
        ("- Recovery 50%", "line 1: no duration in 'Recovery 50%'"),
        ("- 5m 10m 50%", "line 1: more than one duration"),
        ("- 0s 50%", "line 1: a step's duration must be more than 0 s"),
        ("- 25h 50%", "line 1: a step's duration must be more than 0 s and at most 24 h"),
        ("- 99999999999999999999999999h 50%", "line 1: a step's duration"),
        ("- 10m 1001%", "line 1: 1001 % is not a plausible target"),
        ("- 10m 100-3001w", "line 1: 3001 W is not a plausible target"),
        ("- 10m 50% 251rpm", "line 1: 251rpm is not a plausible cadence"),
        ("Main Set 0x\n- 1m 50%", "line 1: repeat count 0 is outside 1..1000"),
        ("1001x\n- 1m 50%", "line 1: repeat count 1001"),
        ("100x\n- 1h 50%", "the workout runs longer than 24 h"),
    ],
)
def test_errors_name_the_line(text: str, message: str) -> None:
    with pytest.raises(WorkoutFormatError) as caught:
        read_icu_text(text, source="plan.txt")
    assert str(caught.value).startswith("plan.txt")
    assert message in str(caught.value)


# ---------------------------------------------------------------------------- writing


def test_writer_reports_what_it_cannot_hold() -> None:
    workout = Workout(
        name="W",
        description="Line one\n\n- dash first",
        author="me",
        ftp_override_w=280,
        elements=(
            Step(StepKind.MAX_EFFORT, 10),
            steady(30.4, 0.5, role=StepRole.REST, cues=(Cue(0, "Hold 5m at 75%", 5), Cue(3, "x"))),
            RepeatBlock(2, (steady(60, 1.0, role=WARMUP), steady(60, 0.5))),
            RepeatBlock(3, ()),
            steady(0, 0.5),
            Step(StepKind.STEADY, 60),
        ),
        cues=(Cue(0, "Welcome"),),
    )
    result = write_icu_text(workout)
    assert result.text == (
        "Line one\n(-) dash first\n\n"
        f"- {MAX_EFFORT_CUE} 10s freeride\n- Hold 5 m at 75 % 30s 50%\n\n"
        "2x\n- 1m 100%\n- 1m 50%\n\n"
        "- 1m freeride\n"
    )
    assert result.dropped == (
        "1 empty repeat block left out",
        "1 max-effort step written as free ride ('Max effort')",
        "1 step duration rounded to whole seconds",
        "2 step roles (rest, or mixed in one repeat) not kept",
        "1 cue after the start of a step, or a second cue, left out",
        "1 cue display time not kept (shown 10 s)",
        "1 cue text reworded so as not to read as durations or targets",
        "1 zero-length step left out",
        "1 step without a power target written as free ride",
        "description reformatted (blank lines, spacing, leading '-')",
        "author",
        "fixed FTP 280 W (intervals.icu uses the athlete's FTP)",
        "1 workout-level cue (not tied to a step)",
    )


def test_reworded_cue_reads_back_as_text() -> None:
    workout = Workout("W", (steady(60, 0.5, cues=(Cue(0, "Z2 then 1m30 and 2km at 90rpm"),)),))
    text = write_icu_text(workout).text
    assert text == "- Z 2 then 1 m30 and 2 km at 90 rpm 1m 50%\n"
    assert one(text) == steady(60, 0.5, cues=(Cue(0, "Z 2 then 1 m30 and 2 km at 90 rpm"),))


# ---------------------------------------------------------------------------- properties

TEXT_ALPHABET = "aXz 019%'\"-:/xXwWmshZrp.,;!?\t\u00a0é日"
step_words = st.sampled_from(
    [
        "-",
        "- ",
        "10m",
        "1m30",
        "5'",
        '30"',
        "75%",
        "95-105%",
        "220w",
        "Z2",
        "Z3-Z4",
        "ramp",
        "freeride",
        "free ride",
        "90rpm",
        "HR",
        "LTHR",
        "Pace",
        "MMP",
        "5:00/km",
        "2km",
        "Main Set 3x",
        "5x",
        "Warmup",
        "Cooldown",
        "",
        "\n",
        "\r\n",
        "\n\n",
    ]
)
noisy_text = st.lists(st.one_of(step_words, st.text(TEXT_ALPHABET, max_size=6)), max_size=40).map(
    " ".join
)


step_lines = st.builds(
    "- {} {} {}".format,
    st.lists(step_words, max_size=2).map(" ".join),
    st.sampled_from(["10m", "1m30", "5'", '30"', "1h2m3s", "2km", "0s"]),
    st.lists(step_words, max_size=3).map(" ".join),
)
near_valid_text = st.lists(
    st.one_of(step_lines, step_lines, step_words, st.text(TEXT_ALPHABET, max_size=6)),
    max_size=12,
).map("\n".join)


@FAST
@given(st.one_of(st.text(), noisy_text, near_valid_text, near_valid_text))
def test_arbitrary_text_raises_only_workout_format_error(text: str) -> None:
    try:
        workout = read_icu_text(text, "fuzz.txt")
    except WorkoutFormatError:
        return
    assert workout.elements


words = st.lists(
    st.text("abcdefgXYZéß!?,;'()", min_size=1, max_size=8), min_size=1, max_size=4
).map(" ".join)
whole_seconds = st.integers(1, 600).map(float)
percent_fraction = st.integers(0, 40_000).map(lambda n: n / 10_000)  # ≤ 2 decimals in %
watts_2dp = st.integers(0, 300_000).map(lambda c: c / 100)


@st.composite
def representable_step(draw: st.DrawFn, role: StepRole) -> Step:
    duration_s = draw(whole_seconds)
    cadence = draw(st.one_of(st.none(), st.integers(1, 250)))
    cues = (Cue(0.0, draw(words)),) if draw(st.booleans()) else ()
    kind = draw(st.sampled_from([StepKind.STEADY, StepKind.RAMP, StepKind.FREE_RIDE]))
    if kind is StepKind.FREE_RIDE:
        return Step(kind, duration_s, cadence_rpm=cadence, role=role, cues=cues)
    unit = draw(st.sampled_from(PowerUnit))
    power = percent_fraction if unit is F else watts_2dp
    start = draw(power)
    end = draw(power) if kind is StepKind.RAMP else start
    return Step(kind, duration_s, start, end, unit, cadence, role, cues)


roles = st.sampled_from([ACTIVE, WARMUP, COOLDOWN])
representable_element = st.one_of(
    roles.flatmap(representable_step),
    st.builds(
        RepeatBlock,
        st.integers(1, 5),
        roles.flatmap(lambda r: st.lists(representable_step(r), min_size=1, max_size=4)).map(tuple),
    ),
)
descriptions = st.lists(words, max_size=3).map("\n".join)


@FAST
@given(st.lists(representable_element, min_size=1, max_size=6), descriptions)
def test_write_read_round_trip(elements: list[Step | RepeatBlock], description: str) -> None:
    workout = Workout("Round trip", tuple(elements), description=description)
    result = write_icu_text(workout)
    assert result.dropped == ()
    assert replace(read_icu_text(result.text), name=workout.name) == workout


any_cue = st.builds(
    Cue,
    st.sampled_from([0.0, 0.0, 3.0]),
    st.one_of(st.text(max_size=15), noisy_text),
    st.sampled_from([10.0, 4.0]),
)
any_step = st.builds(
    lambda kind, duration, start, end, unit, cadence, role, cues: Step(
        kind,
        duration,
        start if unit is F else start * 200,
        end if unit is F else end * 200,
        unit,
        cadence,
        role,
        tuple(cues),
    ),
    st.sampled_from(StepKind),
    st.one_of(whole_seconds, st.floats(0, 600, allow_nan=False, allow_infinity=False)),
    st.floats(0, 8, allow_nan=False),
    st.floats(0, 8, allow_nan=False),
    st.sampled_from(PowerUnit),
    st.one_of(st.none(), st.integers(0, 250)),
    st.sampled_from(StepRole),
    st.lists(any_cue, max_size=2),
)
any_element = st.one_of(
    any_step, st.builds(RepeatBlock, st.integers(1, 5), st.lists(any_step, max_size=3).map(tuple))
)


@FAST
@given(st.lists(any_element, min_size=1, max_size=6), st.text(max_size=30))
def test_write_read_write_is_stable(elements: list[Step | RepeatBlock], description: str) -> None:
    workout = Workout("W", tuple(elements), description=description)
    assume(any(round(s.duration_s) > 0 for s in workout.flat_steps()))
    first = write_icu_text(workout)
    again = write_icu_text(read_icu_text(first.text))
    assert again.text == first.text
