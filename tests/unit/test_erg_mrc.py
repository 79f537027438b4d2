"""The .erg/.mrc reader and writer: golden files, every error, and properties (no input
raises anything but WorkoutFormatError; write→read gives the model back; write→read→write
gives the same text)."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from app.core.workouts.conversion import MissingFtpError, WriteResult
from app.core.workouts.erg import read_erg, read_mrc, write_erg, write_mrc
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

SPEC_SAMPLE_MRC = """[COURSE HEADER]
VERSION = 2
UNITS = ENGLISH
DESCRIPTION = A description
FILE NAME = blah.mrc
MINUTES PERCENT
[END COURSE HEADER]
[COURSE DATA]
0.00\t50
6.60\t50
6.60\t140
7.98\t140
[END COURSE DATA]
[COURSE TEXT]
0\tSpin easy\t10
[END COURSE TEXT]
"""

TRAINERROAD_ERG = (
    "[COURSE HEADER]\r\n"
    "VERSION = 2\r\n"
    "UNITS = ENGLISH\r\n"
    "DESCRIPTION = Baxter\r\n"
    "FILE NAME = Baxter.erg\r\n"
    "FTP = 250\r\n"
    "MINUTES WATTS\r\n"
    "[END COURSE HEADER]\r\n"
    "[COURSE DATA]\r\n"
    "0.00\t100\r\n"
    "5.00\t175\r\n"  # a ramp: different minute and value
    "5.00\t250\r\n"
    "10.50\t250\r\n"  # 10:30
    "10.50\t125\r\n"
    "12.00\t125\r\n"
    "[END COURSE DATA]\r\n"
    "[COURSE TEXT]\r\n"
    "300\tHold threshold\t15\r\n"
    "[END COURSE TEXT]\r\n"
)


def steady(duration_s: float, power: float, unit: PowerUnit = W, **kw: object) -> Step:
    return Step(StepKind.STEADY, duration_s, power, power, unit, **kw)  # type: ignore[arg-type]


def ramp(duration_s: float, start: float, end: float, unit: PowerUnit = W) -> Step:
    return Step(StepKind.RAMP, duration_s, start, end, unit)


# ---------------------------------------------------------------------------- golden files


def test_spec_sample_mrc() -> None:
    workout = read_mrc(SPEC_SAMPLE_MRC, source="blah.mrc")
    assert workout == Workout(
        name="A description",
        elements=(
            steady(396.0, 0.5, F, cues=(Cue(0.0, "Spin easy", 10.0),)),
            steady(82.8, 1.4, F),
        ),
    )


def test_spec_sample_round_trips_to_the_same_text() -> None:
    result = write_mrc(read_mrc(SPEC_SAMPLE_MRC))
    assert result.dropped == ()
    assert result.text == SPEC_SAMPLE_MRC.replace("blah.mrc", "A description.mrc").replace(
        "\n", "\r\n"
    )


def test_trainerroad_erg_with_ftp_line_keeps_watts() -> None:
    workout = read_erg(TRAINERROAD_ERG)
    assert workout == Workout(
        name="Baxter",
        elements=(
            ramp(300.0, 100, 175),
            steady(330.0, 250, cues=(Cue(0.0, "Hold threshold", 15.0),)),
            steady(90.0, 125),
        ),
        ftp_override_w=250,
    )
    assert write_erg(workout).text == TRAINERROAD_ERG


def test_lenient_layout() -> None:
    """Spaces instead of tabs, comments, blank lines, odd case, no END lines, CR only."""
    text = "\r".join(
        [
            "; exported by some tool",
            "",
            "  [course header]  ",
            "  version=2",
            "DESCRIPTION =   Over   unders; 3 sets  ",
            "ftp = 200 ; W",
            "  MINUTES    WATTS  ; units",
            "[ COURSE   DATA ]",
            "   0      150   ; start",
            "",
            "2.5\t\t150",
            " 2.5 300",
            "3 300",
            "garbage outside? no: still in data",
        ]
    )
    with pytest.raises(WorkoutFormatError, match="line 14"):
        read_erg(text)
    workout = read_erg(text.rsplit("\r", 1)[0])
    assert workout.name == "Over unders; 3 sets"
    assert workout.ftp_override_w == 200
    assert workout.elements == (steady(150.0, 150), steady(30.0, 300))


def test_text_outside_sections_is_ignored() -> None:
    text = "hello\n[COURSE HEADER]\nMINUTES WATTS\n[END COURSE HEADER]\nstray\n"
    text += "[COURSE DATA]\n0 100\n1 100\n[END COURSE DATA]\ntrailing words\n"
    assert read_erg(text, "x.erg").elements == (steady(60.0, 100),)


def test_units_line_inside_data_section() -> None:
    text = "[COURSE HEADER]\n[END COURSE HEADER]\n[COURSE DATA]\nMINUTES PERCENT\n0 50\n1 50\n"
    assert read_erg(text).elements == (steady(60.0, 0.5, F),)


def test_units_line_wins_over_the_reader() -> None:
    body = "[COURSE DATA]\n0 80\n1 80\n"
    assert read_erg("[COURSE HEADER]\nMINUTES PERCENT\n" + body).elements[0] == steady(60.0, 0.8, F)
    assert read_mrc("[COURSE HEADER]\nMINUTES WATTS\n" + body).elements[0] == steady(60.0, 80)
    # Without a units line each reader uses its own default.
    assert read_erg("[COURSE HEADER]\n" + body).elements[0] == steady(60.0, 80)
    assert read_mrc("[COURSE HEADER]\n" + body).elements[0] == steady(60.0, 0.8, F)


def test_ftp_line_is_ignored_for_percent_files() -> None:
    text = "[COURSE HEADER]\nFTP = 250\nMINUTES PERCENT\n[COURSE DATA]\n0 50\n1 50\n"
    assert read_mrc(text).ftp_override_w is None


def test_percent_is_exact_decimal() -> None:
    text = "[COURSE HEADER]\nMINUTES PERCENT\n[COURSE DATA]\n0 95.13\n1 95.13\n1 57\n2 57\n"
    first, second = read_mrc(text).elements
    assert isinstance(first, Step) and isinstance(second, Step)
    assert (first.power_start, second.power_start) == (0.9513, 0.57)


def test_ramps_and_chained_points() -> None:
    """Points need not come in pairs: each span between two minutes is a step."""
    text = "[COURSE HEADER]\n[COURSE DATA]\n0 100\n10 200\n20 100\n20 100\n30 100\n"
    assert read_erg(text).elements == (
        ramp(600.0, 100, 200),
        ramp(600.0, 200, 100),
        steady(600.0, 100),
    )


@pytest.mark.parametrize(
    ("name_lines", "source", "expected"),
    [
        (["DESCRIPTION = Tempo", "FILE NAME = other.erg"], "x.erg", "Tempo"),
        (["FILE NAME = C:\\plans\\Sweet Spot.erg"], "x.erg", "Sweet Spot"),
        (["DESCRIPTION ="], "/tmp/VO2 Max.ERG", "VO2 Max"),
        ([], "", "Untitled workout"),
    ],
)
def test_name_fallbacks(name_lines: list[str], source: str, expected: str) -> None:
    text = "\n".join(["[COURSE HEADER]", *name_lines, "[COURSE DATA]", "0 1", "1 1"])
    assert read_erg(text, source).name == expected


def test_bytes_utf8_bom_and_cp1252() -> None:
    text = "[COURSE HEADER]\nDESCRIPTION = Café\n[COURSE DATA]\n0 1\n1 1\n"
    assert read_erg(b"\xef\xbb\xbf" + text.encode()).name == "Café"
    assert read_erg(text.encode("cp1252")).name == "Café"


# ---------------------------------------------------------------------------- cues


def cue_file(cue_lines: list[str]) -> str:
    data = "[COURSE DATA]\n0 100\n1 100\n1 200\n2 200\n"
    return "[COURSE HEADER]\n" + data + "[COURSE TEXT]\n" + "\n".join(cue_lines) + "\n"


def test_cues_go_on_the_step_running_at_their_time() -> None:
    workout = read_erg(
        cue_file(
            [
                "90\tSecond step, 30 s in\t5",
                "0\tFirst",  # no duration: 10 s
                "60\tExactly at the boundary: the second step",
                "120\tAt the very end: the last step",
                "121\tAfter the end: left out",
                "30 loose spaces 7",
                "; a comment line",
                "",
            ]
        )
    )
    first, second = workout.elements
    assert isinstance(first, Step) and isinstance(second, Step)
    assert first.cues == (Cue(0.0, "First", 10.0), Cue(30.0, "loose spaces", 7.0))
    assert second.cues == (
        Cue(0.0, "Exactly at the boundary: the second step", 10.0),
        Cue(30.0, "Second step, 30 s in", 5.0),
        Cue(60.0, "At the very end: the last step", 10.0),
    )


def test_cue_text_may_hold_semicolons_and_numbers() -> None:
    first = read_erg(cue_file(["0\tSpin; relax\t10", "5\t10"])).elements[0]
    assert isinstance(first, Step)
    assert first.cues == (Cue(0.0, "Spin; relax", 10.0), Cue(5.0, "10", 10.0))


# ---------------------------------------------------------------------------- errors

HEADER = "[COURSE HEADER]\nMINUTES WATTS\n[END COURSE HEADER]\n"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "missing [COURSE HEADER] section"),
        ("[COURSE DATA]\n0 1\n1 1\n", "missing [COURSE HEADER] section"),
        (HEADER, "missing [COURSE DATA] section"),
        (HEADER + "[COURSE DATA]\n[END COURSE DATA]\n", "line 4: [COURSE DATA] has no data points"),
        (HEADER + "[COURSE DATA]\n0 100\n", "line 4: [COURSE DATA] needs at least two points"),
        (HEADER + "[COURSE DATA]\n0 100\n0 200\n", "line 4: [COURSE DATA] needs at least two"),
        (HEADER + "[COURSE DATA]\n0 100\n6.6x\t50\n", "line 6: '6.6x 50' is not 'minutes value'"),
        (HEADER + "[COURSE DATA]\n0 100\n1 100 90\n", "line 6: '1 100 90' is not 'minutes value'"),
        (HEADER + "[COURSE DATA]\n0 100\n5 100\n4 100\n", "line 7: minute 4.00 comes after"),
        (HEADER + "[COURSE DATA]\n0 100\n1 3001\n", "line 6: 3001 W is not a plausible target"),
        (HEADER + "[COURSE DATA]\n0 100\n1 -5\n", "line 6: -5 W is not a plausible target"),
        (HEADER + "[COURSE DATA]\n0 100\n1441 100\n", "line 6: minute 1441 is outside"),
        (HEADER + "[COURSE DATA]\n0 1\n1 nan\n", "line 6: '1 nan' is not 'minutes value'"),
        (HEADER + "[COURSE DATA]\n0 1\n1 1e3\n", "line 6: '1 1e3' is not 'minutes value'"),
        ("[COURSE HEADER]\nMINUTES PERCENT\n[COURSE DATA]\n0 1\n1 1001\n", "1001 % is not"),
        ("[COURSE HEADER]\nFTP = lots\n[COURSE DATA]\n0 1\n1 1\n", "line 2: 'lots' is not a"),
        ("[COURSE HEADER]\nFTP = 0\n[COURSE DATA]\n0 1\n1 1\n", "line 2: FTP 0 W is not"),
        ("[COURSE HEADER]\nMINUTES MPH\n[COURSE DATA]\n0 1\n1 1\n", "line 2: columns 'MINUTES"),
        (HEADER + "[COURSE DATA]\n0 1\n1 1\n[COURSE TEXT]\nhello\n", "line 8: 'hello' is not"),
        (HEADER + "[COURSE DATA]\n0 1\n1 1\n[COURSE TEXT]\n-5\tx\t1\n", "line 8: cue time -5"),
        (HEADER + "[COURSE DATA]\n0 1\n1 1\n[COURSE TEXT]\n5\tx\t-1\n", "line 8: cue duration"),
    ],
)
def test_errors_name_the_line(text: str, message: str) -> None:
    with pytest.raises(WorkoutFormatError) as caught:
        read_erg(text, source="bad.erg")
    assert str(caught.value).startswith("bad.erg")
    assert message in str(caught.value)


def test_oversized_input_is_refused() -> None:
    with pytest.raises(WorkoutFormatError, match="more than"):
        read_erg(b" " * 5_000_001)


# ---------------------------------------------------------------------------- writing


def test_writer_golden_output_and_dropped() -> None:
    workout = Workout(
        name="Mixed\tbag",
        description="Has everything",
        author="me",
        elements=(
            Step(StepKind.RAMP, 300, 0.5, 0.75, F, role=StepRole.WARMUP),
            RepeatBlock(
                2,
                (
                    steady(60, 1.2, F, cadence_rpm=100, cues=(Cue(0, "Go!"),)),
                    steady(30.5, 100),
                ),
            ),
            Step(StepKind.FREE_RIDE, 60),
            Step(StepKind.MAX_EFFORT, 10, cues=(Cue(2, "Line\nbreak", 3),)),
            steady(0, 100),
        ),
        cues=(Cue(1000, "After the end"),),
    )
    result = write_erg(workout, ftp_w=200)
    assert result.text == (
        "[COURSE HEADER]\r\nVERSION = 2\r\nUNITS = ENGLISH\r\nDESCRIPTION = Mixed bag\r\n"
        "FILE NAME = Mixed bag.erg\r\nFTP = 200\r\nMINUTES WATTS\r\n[END COURSE HEADER]\r\n"
        "[COURSE DATA]\r\n"
        "0.00\t100\r\n5.00\t150\r\n"
        "5.00\t240\r\n6.00\t240\r\n6.00\t100\r\n6.5083\t100\r\n"
        "6.5083\t240\r\n7.5083\t240\r\n7.5083\t100\r\n8.0167\t100\r\n"
        "8.0167\t100\r\n9.0167\t100\r\n"
        "9.0167\t300\r\n9.1833\t300\r\n"
        "[END COURSE DATA]\r\n"
        "[COURSE TEXT]\r\n"
        "300\tGo!\t10\r\n390.5\tGo!\t10\r\n543\tLine break\t3\r\n"
        "[END COURSE TEXT]\r\n"
    )
    assert result.dropped == (
        "1 free-ride step written as steady 100 W",
        "1 max-effort step written as steady 300 W",
        "1 zero-length step left out",
        "1 cue timed after the end left out",
        "1 cue text had tabs, line breaks or extra spaces replaced",
        "line breaks or tabs in the name replaced by spaces",
        "2 cadence targets",
        "warm-up/rest/cool-down roles of 1 step",
        "repeat structure unrolled (1 block)",
        "FTP-relative targets of 3 steps fixed to watts at FTP 200 W",
        "description (only the name fits in DESCRIPTION)",
        "author",
    )
    read_back = read_erg(result.text)
    assert read_back.duration_s == workout.duration_s


def test_mrc_writer_percent_and_assumed_levels() -> None:
    workout = Workout(
        "Plain",
        (steady(60, 0.95, F), Step(StepKind.FREE_RIDE, 60), steady(60, 300)),
        ftp_override_w=300,
    )
    result = write_mrc(workout)
    assert "MINUTES PERCENT\r\n" in result.text
    assert "FTP =" not in result.text
    assert "0.00\t95\r\n1.00\t95\r\n1.00\t50\r\n2.00\t50\r\n2.00\t100\r\n3.00\t100\r\n" in (
        result.text
    )
    assert result.dropped == (
        "1 free-ride step written as steady 50 %",
        "watt targets of 1 step expressed as % of FTP 300 W",
        "fixed FTP 300 W (.mrc scales to the rider's FTP)",
    )


def test_ftp_is_required_to_change_units() -> None:
    fraction = Workout("F", (steady(60, 0.9, F),))
    watts = Workout("W", (steady(60, 200),))
    with pytest.raises(MissingFtpError, match="pass ftp_w"):
        write_erg(fraction)
    with pytest.raises(MissingFtpError):
        write_mrc(watts)
    assert "0.00\t225\r\n" in write_erg(fraction, ftp_w=250).text
    assert "0.00\t225\r\n" in write_erg(Workout("F", fraction.elements, ftp_override_w=250)).text
    assert "0.00\t80\r\n" in write_mrc(watts, ftp_w=250).text
    # Watts-only workouts need no FTP for .erg, and free rides fall back to fixed watts.
    assert write_erg(watts).text.count("FTP") == 0
    with pytest.raises(ValueError, match="not plausible"):
        write_erg(fraction, ftp_w=0)


def test_write_result_is_frozen() -> None:
    result = WriteResult("x")
    assert result.dropped == ()
    with pytest.raises(AttributeError):
        result.text = "y"  # type: ignore[misc]


# ---------------------------------------------------------------------------- properties

FRAGMENTS = [
    "[COURSE HEADER]",
    "[END COURSE HEADER]",
    "[COURSE DATA]",
    "[END COURSE DATA]",
    "[COURSE TEXT]",
    "[END COURSE TEXT]",
    "MINUTES WATTS",
    "MINUTES PERCENT",
    "MINUTES",
    "FTP = 250",
    "FTP = ",
    "DESCRIPTION = x",
    "FILE NAME = a/b.c",
    "0\t100",
    "1.5\t200",
    "1.5 1.5",
    "10\tcue\t5",
    "; comment",
    "",
    "[",
    "]",
    "[]",
    "=",
]
noisy_lines = st.lists(
    st.one_of(
        st.sampled_from(FRAGMENTS),
        st.text(max_size=12),
        st.builds(
            lambda a, b: f"{a}\t{b}",
            st.decimals(-10, 2000, allow_nan=False, places=3),
            st.decimals(-10, 4000, allow_nan=False, places=2),
        ),
    ),
    max_size=30,
)


@FAST
@given(st.one_of(st.text(), st.binary()))
def test_arbitrary_input_raises_only_workout_format_error(data: str | bytes) -> None:
    for reader in (read_erg, read_mrc):
        with contextlib.suppress(WorkoutFormatError):
            reader(data, "fuzz.erg")


point_lines = st.lists(
    st.builds(
        "{}\t{}".format,
        st.integers(0, 6000).map(lambda c: c / 100),
        st.integers(0, 400),
    ),
    min_size=2,
    max_size=8,
).map(lambda lines: sorted(lines, key=lambda line: float(line.split()[0])))
cue_lines = st.lists(
    st.builds("{}\t{}\t{}".format, st.integers(-1, 4000), st.text(max_size=5), st.integers(0, 20)),
    max_size=3,
)


@st.composite
def near_valid_lines(draw: st.DrawFn) -> list[str]:
    """A well-formed file with a few lines replaced or inserted from `noisy_lines`."""
    lines = [
        "[COURSE HEADER]",
        *draw(st.lists(st.sampled_from(FRAGMENTS[6:13]), max_size=3)),
        "[END COURSE HEADER]",
        "[COURSE DATA]",
        *draw(point_lines),
        "[END COURSE DATA]",
        "[COURSE TEXT]",
        *draw(cue_lines),
        "[END COURSE TEXT]",
    ]
    for noise in draw(noisy_lines)[:3]:
        at = draw(st.integers(0, len(lines)))
        lines[at : at + draw(st.integers(0, 1))] = [noise]
    return lines


@FAST
@given(
    st.one_of(noisy_lines, near_valid_lines(), near_valid_lines()),
    st.sampled_from(["\n", "\r\n", "\r"]),
)
def test_near_valid_input_raises_only_workout_format_error(lines: list[str], eol: str) -> None:
    for reader in (read_erg, read_mrc):
        try:
            workout = reader(eol.join(lines), "fuzz.mrc")
        except WorkoutFormatError:
            continue
        assert workout.duration_s > 0


TEXT_ALPHABET = "abcXYZ 019;:,.!?-_[]=()/%'\"éß€✓日本\u00a0\u2003"
words = st.text(st.sampled_from(TEXT_ALPHABET), min_size=1, max_size=20).map(
    lambda s: " ".join(s.split())
)
whole_seconds = st.integers(1, 3600).map(float)


@st.composite
def cued_step(draw: st.DrawFn, power: st.SearchStrategy[float], unit: PowerUnit) -> Step:
    duration_s = draw(whole_seconds)
    offsets = sorted(draw(st.lists(st.integers(0, int(duration_s) - 1), max_size=3)))
    cues = tuple(
        Cue(float(offset), draw(words.filter(bool)), float(draw(st.integers(0, 60))))
        for offset in offsets
    )
    start = draw(power)
    if draw(st.booleans()):
        return Step(StepKind.STEADY, duration_s, start, start, unit, cues=cues)
    end = draw(power.filter(lambda p: p != start))
    return Step(StepKind.RAMP, duration_s, start, end, unit, cues=cues)


watts_2dp = st.integers(0, 300_000).map(lambda c: c / 100)
fraction_4dp = st.integers(0, 40_000).map(lambda n: n / 10_000)


@FAST
@given(
    st.lists(cued_step(watts_2dp, W), min_size=1, max_size=10),
    words.filter(bool),
    st.one_of(st.none(), st.integers(100, 450)),
)
def test_erg_write_read_round_trip(steps: list[Step], name: str, ftp: int | None) -> None:
    workout = Workout(name, tuple(steps), ftp_override_w=ftp)
    result = write_erg(workout)
    assert result.dropped == ()
    assert read_erg(result.text.encode()) == workout


@FAST
@given(st.lists(cued_step(fraction_4dp, F), min_size=1, max_size=10), words.filter(bool))
def test_mrc_write_read_round_trip(steps: list[Step], name: str) -> None:
    workout = Workout(name, tuple(steps))
    result = write_mrc(workout)
    assert result.dropped == ()
    assert read_mrc(result.text) == workout


@FAST
@given(st.lists(cued_step(watts_2dp, W), min_size=1, max_size=3), st.integers(1, 5))
def test_repeats_read_back_unrolled(steps: list[Step], count: int) -> None:
    workout = Workout("R", (RepeatBlock(count, tuple(steps)),))
    result = write_erg(workout)
    assert result.dropped == ("repeat structure unrolled (1 block)",)
    assert read_erg(result.text).elements == tuple(workout.flat_steps())


any_duration = st.one_of(
    st.integers(0, 1200).map(float), st.floats(0, 1200, allow_nan=False, allow_infinity=False)
)
any_cue = st.builds(
    Cue,
    st.floats(-5, 4000, allow_nan=False, allow_infinity=False),
    st.text(max_size=15),
    st.floats(0, 100, allow_nan=False, allow_infinity=False),
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
    any_duration,
    st.floats(0, 8, allow_nan=False),
    st.floats(0, 8, allow_nan=False),
    st.sampled_from(PowerUnit),
    st.one_of(st.none(), st.integers(0, 200)),
    st.sampled_from(StepRole),
    st.lists(any_cue, max_size=2),
)
any_element = st.one_of(
    any_step, st.builds(RepeatBlock, st.integers(1, 3), st.lists(any_step, max_size=3).map(tuple))
)


@FAST
@given(
    st.lists(any_element, min_size=1, max_size=6),
    st.text(max_size=20),
    st.lists(any_cue, max_size=2),
    st.sampled_from([(write_erg, read_erg), (write_mrc, read_mrc)]),
)
def test_write_read_write_is_stable(
    elements: list[Step | RepeatBlock],
    name: str,
    workout_cues: list[Cue],
    codec: tuple[object, object],
) -> None:
    write, read = codec
    workout = Workout(name, tuple(elements), cues=tuple(workout_cues))
    assume(any(round(s.duration_s * 100) > 0 for s in workout.flat_steps()))
    first = write(workout, ftp_w=250)  # type: ignore[operator]
    again = write(read(first.text), ftp_w=250)  # type: ignore[operator]
    assert again.text == first.text
