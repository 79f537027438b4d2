"""The .zwo reader and writer: every element family, malformed input, round trips."""

from __future__ import annotations

import codecs
import contextlib
import xml.etree.ElementTree as ET

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.core.workouts.model import (
    Cue,
    Element,
    PowerUnit,
    RepeatBlock,
    Step,
    StepKind,
    StepRole,
    Workout,
    WorkoutFormatError,
)
from app.core.workouts.zwo import read_zwo, write_zwo

STEADY, RAMP = StepKind.STEADY, StepKind.RAMP
FREE_RIDE, MAX_EFFORT = StepKind.FREE_RIDE, StepKind.MAX_EFFORT
WARMUP, ACTIVE, REST, COOLDOWN = StepRole.WARMUP, StepRole.ACTIVE, StepRole.REST, StepRole.COOLDOWN
WATTS = PowerUnit.WATTS

EXAMPLE = """<?xml version="1.0" encoding="UTF-8"?>
<workout_file>
  <author>me</author><name>2x10 @ 95%</name><description>Two threshold blocks.</description>
  <sportType>bike</sportType>
  <tags><tag name="THRESHOLD"/></tags>
  <workout>
    <Warmup Duration="600" PowerLow="0.50" PowerHigh="0.75" Cadence="90"/>
    <IntervalsT Repeat="2" OnDuration="600" OffDuration="300" OnPower="0.95" OffPower="0.55"
                Cadence="95" CadenceResting="85">
      <textevent timeoffset="0" message="Settle in"/>
    </IntervalsT>
    <SteadyState Duration="300" Power="0.65"/>
    <Ramp Duration="120" PowerLow="0.6" PowerHigh="1.0"/>
    <FreeRide Duration="300" FlatRoad="1"/>
    <MaxEffort Duration="10"/>
    <Cooldown Duration="600" PowerLow="0.65" PowerHigh="0.40"/>
  </workout>
</workout_file>
"""


def zwo(intervals: str, meta: str = "<name>t</name>") -> str:
    return f"<workout_file>{meta}<workout>{intervals}</workout></workout_file>"


def only_element(intervals: str, meta: str = "<name>t</name>") -> Element:
    (element,) = read_zwo(zwo(intervals, meta)).elements
    return element


# ---------------------------------------------------------------------------- reading


def test_reference_example_parses_to_the_exact_model() -> None:
    assert read_zwo(EXAMPLE, source="2x10.zwo") == Workout(
        name="2x10 @ 95%",
        author="me",
        description="Two threshold blocks.",
        tags=("THRESHOLD",),
        elements=(
            Step(RAMP, 600.0, 0.50, 0.75, cadence_rpm=90, role=WARMUP),
            RepeatBlock(
                2,
                (
                    Step(STEADY, 600.0, 0.95, 0.95, cadence_rpm=95, role=ACTIVE),
                    Step(STEADY, 300.0, 0.55, 0.55, cadence_rpm=85, role=REST),
                ),
            ),
            Step(STEADY, 300.0, 0.65, 0.65),
            Step(RAMP, 120.0, 0.6, 1.0),
            Step(FREE_RIDE, 300.0),
            Step(MAX_EFFORT, 10.0),
            Step(RAMP, 600.0, 0.65, 0.40, role=COOLDOWN),
        ),
        # "Settle in" is shown once, at the start of the first repetition only.
        cues=(Cue(600.0, "Settle in"),),
    )


def test_metadata_category_subcategory_and_tags() -> None:
    meta = (
        "<name> Over-unders </name><author>Coach &amp; Co</author>"
        "<description>Line one\nline two</description>"
        "<category>Threshold</category><subcategory>Week 2</subcategory>"
        '<tags><tag name="FTP"/><tag name="  "/><TAG NAME="Intervals"/></tags>'
        "<uniqueId>abc</uniqueId><workoutLength>60</workoutLength>"
    )
    workout = read_zwo(zwo('<SteadyState Duration="60" Power="0.5"/>', meta))
    assert workout.name == "Over-unders"
    assert workout.author == "Coach & Co"
    assert workout.description == "Line one\nline two"
    assert workout.category == "Threshold / Week 2"
    assert workout.tags == ("FTP", "Intervals")
    assert workout.ftp_override_w is None


def test_warmup_maps_to_a_ramp_with_warmup_role() -> None:
    assert only_element('<Warmup Duration="300" PowerLow="0.4" PowerHigh="0.7"/>') == Step(
        RAMP, 300.0, 0.4, 0.7, role=WARMUP
    )


def test_cooldown_ramps_down_from_power_low_to_power_high() -> None:
    step = only_element('<Cooldown Duration="600" PowerLow="0.65" PowerHigh="0.40"/>')
    assert step == Step(RAMP, 600.0, 0.65, 0.40, role=COOLDOWN)
    assert isinstance(step, Step) and step.power_at(600) == pytest.approx(0.40)


def test_flat_warmup_is_a_steady_step_that_keeps_its_role() -> None:
    step = only_element('<Warmup Duration="300" PowerLow="0.5" PowerHigh="0.5"/>')
    assert step == Step(STEADY, 300.0, 0.5, 0.5, role=WARMUP)


def test_ramp_with_single_power_is_steady() -> None:
    assert only_element('<Ramp Duration="60" Power="0.8"/>') == Step(STEADY, 60.0, 0.8, 0.8)


def test_ramp_with_one_end_missing_uses_the_other() -> None:
    assert only_element('<Ramp Duration="60" PowerLow="0.7"/>') == Step(STEADY, 60.0, 0.7, 0.7)


def test_steady_state_prefers_power_and_otherwise_averages_low_and_high() -> None:
    assert only_element('<SteadyState Duration="60" Power="0.8" PowerLow="0.1"/>') == Step(
        STEADY, 60.0, 0.8, 0.8
    )
    averaged = only_element('<SteadyState Duration="60" PowerLow="0.7" PowerHigh="0.9"/>')
    assert isinstance(averaged, Step)
    assert averaged.kind is STEADY
    assert averaged.power_start == averaged.power_end == pytest.approx(0.8)


def test_cadence_attribute_and_cadence_range_midpoint() -> None:
    assert only_element('<SteadyState Duration="60" Power="0.5" Cadence="92.4"/>') == Step(
        STEADY, 60.0, 0.5, 0.5, cadence_rpm=92
    )
    ranged = '<SteadyState Duration="60" Power="0.5" CadenceLow="85" CadenceHigh="96"/>'
    assert only_element(ranged) == Step(STEADY, 60.0, 0.5, 0.5, cadence_rpm=90)
    assert only_element('<SteadyState Duration="60" Power="0.5" Cadence="0"/>') == Step(
        STEADY, 60.0, 0.5, 0.5
    )


def test_intervals_t_with_on_and_off_ramps_and_cadences() -> None:
    block = only_element(
        '<IntervalsT Repeat="3" OnDuration="120" OffDuration="60"'
        ' PowerOnLow="1.0" PowerOnHigh="1.1" PowerOffLow="0.6" PowerOffHigh="0.5"'
        ' Cadence="100" CadenceResting="80"/>'
    )
    assert block == RepeatBlock(
        3,
        (
            Step(RAMP, 120.0, 1.0, 1.1, cadence_rpm=100, role=ACTIVE),
            Step(RAMP, 60.0, 0.6, 0.5, cadence_rpm=80, role=REST),
        ),
    )


def test_intervals_t_cues_repeated_every_repetition_stay_on_the_steps() -> None:
    block = only_element(
        '<IntervalsT Repeat="2" OnDuration="60" OffDuration="30" OnPower="1.2" OffPower="0.5">'
        '<textevent timeoffset="5" message="Go"/><textevent timeoffset="65" message="Easy"/>'
        '<textevent timeoffset="95" message="Go"/><textevent timeoffset="155" message="Easy"/>'
        "</IntervalsT>"
    )
    assert block == RepeatBlock(
        2,
        (
            Step(STEADY, 60.0, 1.2, 1.2, cues=(Cue(5.0, "Go"),)),
            Step(STEADY, 30.0, 0.5, 0.5, role=REST, cues=(Cue(5.0, "Easy"),)),
        ),
    )


def test_intervals_t_one_off_cues_become_workout_cues_at_their_absolute_time() -> None:
    """From a built-in Zwift workout: offsets run across the whole block (734 s into a
    7 x 180 s block), each shown once."""
    workout = read_zwo(
        zwo(
            '<SteadyState Duration="300" Power="0.75"/>'
            '<IntervalsT Repeat="7" OnDuration="120" OffDuration="60" OnPower="0.95"'
            ' OffPower="0.55"><textevent timeoffset="66.00032" message="7 times two"/>'
            '<textevent timeoffset="150" message="Easy between reps"/>'
            '<textevent timeoffset="734" message="Steady" duration="20"/></IntervalsT>'
        )
    )
    block = workout.elements[1]
    assert isinstance(block, RepeatBlock) and block.count == 7
    assert all(step.cues == () for step in block.steps)
    assert workout.cues == (
        Cue(366.00032, "7 times two"),
        Cue(450.0, "Easy between reps"),
        Cue(1034.0, "Steady", 20.0),
    )


def test_text_events_of_both_spellings_become_step_cues() -> None:
    step = only_element(
        '<SteadyState Duration="300" Power="0.7">'
        '<textevent timeoffset="10" message="lower case" duration="5" y="240"/>'
        '<TextEvent TimeOffset="20" message="Capitalised" Duration="15"/>'
        '<textevent message="no offset means the start"/>'
        '<textevent timeoffset="30" message="   "/>'
        '<gameplayevent timeoffset="40" type="GPE_CAMERA" camera="4"/>'
        "</SteadyState>"
    )
    assert isinstance(step, Step)
    assert step.cues == (
        Cue(10.0, "lower case", 5.0),
        Cue(20.0, "Capitalised", 15.0),
        Cue(0.0, "no offset means the start"),
    )


def test_text_event_directly_in_workout_is_a_workout_cue() -> None:
    workout = read_zwo(
        zwo('<SteadyState Duration="300" Power="0.7"/><textevent timeoffset="90" message="Hi"/>')
    )
    assert workout.cues == (Cue(90.0, "Hi"),)


def test_free_ride_spellings_and_max_effort() -> None:
    workout = read_zwo(
        zwo(
            '<FreeRide Duration="60" Cadence="85" FlatRoad="1"/><Freeride Duration="30"/>'
            '<freeRIDE duration="15"/><MaxEffort Duration="10"/>'
        )
    )
    assert workout.elements == (
        Step(FREE_RIDE, 60.0, cadence_rpm=85),
        Step(FREE_RIDE, 30.0),
        Step(FREE_RIDE, 15.0),
        Step(MAX_EFFORT, 10.0),
    )


def test_tags_and_attribute_names_match_case_insensitively() -> None:
    text = (
        "<WORKOUT_FILE><Name>Shouty</Name><SPORTTYPE>Bike</SPORTTYPE><Workout>"
        '<warmup duration="60" powerlow="0.4" powerhigh="0.6"/>'
        '<STEADYSTATE DURATION="60" POWER="0.7" CADENCE="90"/>'
        '<intervalst repeat="2" onduration="30" offduration="30" onpower="1" offpower="0.5"/>'
        "</Workout></WORKOUT_FILE>"
    )
    workout = read_zwo(text)
    assert workout.name == "Shouty"
    assert workout.elements == (
        Step(RAMP, 60.0, 0.4, 0.6, role=WARMUP),
        Step(STEADY, 60.0, 0.7, 0.7, cadence_rpm=90),
        RepeatBlock(2, (Step(STEADY, 30.0, 1.0, 1.0), Step(STEADY, 30.0, 0.5, 0.5, role=REST))),
    )


def test_rest_day_gameplay_events_and_unknown_attributes_are_skipped() -> None:
    workout = read_zwo(
        zwo(
            '<RestDay/><gameplayevent timeoffset="0" type="GPE_CELEBRATION"/>'
            '<SteadyState Duration="60" Power="0.5" pace="0" Zone="1" show_avg="1" Quantize="20">'
            "<Mystery/></SteadyState>"
        )
    )
    assert workout.elements == (Step(STEADY, 60.0, 0.5, 0.5),)


def test_ftp_override_turns_values_above_three_into_watts() -> None:
    """The reference's fixed-power example: with ftpOverride 100, 0.5–1.5 is 50–150 W."""
    workout = read_zwo(
        zwo(
            '<Warmup Duration="30" PowerLow="0.5" PowerHigh="1.5"/>'
            '<SteadyState Duration="30" Power="200"/>'
            '<Ramp Duration="30" PowerLow="0.5" PowerHigh="250"/>'
            '<IntervalsT Repeat="2" OnDuration="10" OffDuration="10" OnPower="300"'
            ' OffPower="0.5"/>',
            meta="<name>fixed</name><ftpOverride> 100 </ftpOverride>",
        )
    )
    assert workout.ftp_override_w == 100
    assert workout.elements == (
        Step(RAMP, 30.0, 0.5, 1.5, role=WARMUP),
        Step(STEADY, 30.0, 200.0, 200.0, WATTS),
        Step(RAMP, 30.0, 50.0, 250.0, WATTS),
        RepeatBlock(
            2, (Step(STEADY, 10.0, 300.0, 300.0, WATTS), Step(STEADY, 10.0, 0.5, 0.5, role=REST))
        ),
    )


def test_values_above_three_without_override_are_ftp_fractions() -> None:
    assert only_element('<SteadyState Duration="10" Power="4.5"/>') == Step(STEADY, 10.0, 4.5, 4.5)


@pytest.mark.parametrize(
    "data",
    [
        EXAMPLE.encode("utf-8"),
        codecs.BOM_UTF8 + EXAMPLE.encode("utf-8"),
        EXAMPLE.encode("utf-16"),
        EXAMPLE.replace("UTF-8", "UTF-16").encode("utf-16"),
        ("\ufeff" + EXAMPLE),
        EXAMPLE.replace("UTF-8", "ISO-8859-1"),
    ],
    ids=["utf8", "utf8-bom", "utf16-bom", "utf16-declared", "str-bom", "str-declared-latin1"],
)
def test_bytes_and_str_in_any_declared_encoding(data: str | bytes) -> None:
    assert read_zwo(data) == read_zwo(EXAMPLE)


def test_latin1_bytes_decoded_per_declaration() -> None:
    text = zwo('<SteadyState Duration="60" Power="0.5"/>', "<name>Café</name>")
    data = b'<?xml version="1.0" encoding="ISO-8859-1"?>' + text.encode("latin-1")
    assert read_zwo(data).name == "Café"


# ---------------------------------------------------------------------------- malformed


@pytest.mark.parametrize(
    ("intervals", "fragment"),
    [
        ('<SteadyState Power="0.5"/>', "element 1 <SteadyState>: missing Duration"),
        (
            '<Warmup Duration="60" PowerLow="0.5" PowerHigh="0.6"/>'
            '<Ramp Duration="60" PowerLow="0.5" PowerHigh="0.6"/>'
            '<SteadyState Duration="abc" Power="0.5"/>',
            "element 3 <SteadyState>: Duration 'abc' is not a number",
        ),
        ('<SteadyState Duration="-5" Power="0.5"/>', "element 1 <SteadyState>: Duration -5"),
        ('<SteadyState Duration="NaN" Power="0.5"/>', "Duration 'NaN' is not a number"),
        ('<SteadyState Duration="inf" Power="0.5"/>', "Duration 'inf' is not a number"),
        ('<SteadyState Duration="1e999" Power="0.5"/>', "Duration '1e999' is out of range"),
        ('<SteadyState Duration="90000" Power="0.5"/>', "longer than 24 h"),
        ('<SteadyState Duration="60" Power="0.5x"/>', "Power '0.5x' is not a number"),
        ('<SteadyState Duration="60" Power="-0.5"/>', "Power -0.5 is negative"),
        ('<SteadyState Duration="60" Power="11"/>', "absolute watts need <ftpOverride>"),
        ('<SteadyState Duration="60"/>', "element 1 <SteadyState>: no power target"),
        ('<Ramp Duration="60"/>', "element 1 <Ramp>: no power target"),
        ('<SteadyState Duration="60" Power="0.5" Cadence="900"/>', "plausible cadence"),
        (
            '<IntervalsT Repeat="0" OnDuration="60" OffDuration="60" OnPower="1" OffPower="0.5"/>',
            "element 1 <IntervalsT>: Repeat 0 is outside 1..1000",
        ),
        (
            '<IntervalsT Repeat="1001" OnDuration="6" OffDuration="6" OnPower="1" OffPower=".5"/>',
            "Repeat 1001 is outside",
        ),
        (
            '<IntervalsT Repeat="2.5" OnDuration="6" OffDuration="6" OnPower="1" OffPower=".5"/>',
            "Repeat 2.5 is not a whole number",
        ),
        ('<IntervalsT Repeat="2" OnDuration="60" OnPower="1" OffPower=".5"/>', "OffDuration"),
        (
            '<IntervalsT Repeat="1000" OnDuration="60" OffDuration="60" OnPower="1"'
            ' OffPower="0.5"/>',
            "longer than 24 h",
        ),
        (
            '<SteadyState Duration="60" Power="0.5"><textevent timeoffset="x" message="m"/>'
            "</SteadyState>",
            "element 1 <SteadyState>, text event 1: timeoffset 'x' is not a number",
        ),
        ('<Intervals Duration="60"/>', "element 1 <Intervals>: unknown interval element"),
        ("", "no intervals"),
        ("<RestDay/>", "no intervals"),
        ('<SteadyState Duration="0" Power="0.5"/>', "zero duration"),
    ],
)
def test_malformed_intervals_name_the_element(intervals: str, fragment: str) -> None:
    with pytest.raises(WorkoutFormatError) as caught:
        read_zwo(zwo(intervals), source="bad.zwo")
    assert fragment in str(caught.value)
    assert str(caught.value).startswith("bad.zwo")


def test_watts_above_3000_are_rejected() -> None:
    with pytest.raises(WorkoutFormatError, match="Power 3500 W is above 3000 W"):
        read_zwo(zwo('<SteadyState Duration="60" Power="3500"/>', "<ftpOverride>200</ftpOverride>"))


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        ("this is not xml", "not well-formed XML"),
        ("", "not well-formed XML"),
        (b"<workout_file>\xff</workout_file>", "cannot decode as utf-8"),
        (b'<?xml version="1.0" encoding="no-such-codec"?><a/>', "cannot decode"),
        ("<workout><SteadyState Duration='60' Power='1'/></workout>", "expected <workout_file>"),
        ("<workout_file><name>x</name></workout_file>", "no <workout> element"),
        ("<workout_file><workout/><workout/></workout_file>", "2 <workout> elements"),
        (zwo("", "<sportType>run</sportType>"), "sportType 'run' is not supported"),
        (zwo('<SteadyState Duration="1" Power="1"/>', "<ftpOverride>abc</ftpOverride>"), "abc"),
        (zwo('<SteadyState Duration="1" Power="1"/>', "<ftpOverride>0</ftpOverride>"), "FTP"),
        (
            '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 '
            '"&lol;&lol;&lol;">]><workout_file><name>&lol2;</name></workout_file>',
            "DOCTYPE/ENTITY",
        ),
        ("x" * 5_000_001, "too large"),
    ],
    ids=[
        "not-xml",
        "empty",
        "undecodable",
        "unknown-codec",
        "wrong-root",
        "no-workout",
        "two-workouts",
        "run",
        "override-nan",
        "override-zero",
        "entity-bomb",
        "too-large",
    ],
)
def test_malformed_documents_raise_workout_format_error(data: str | bytes, fragment: str) -> None:
    with pytest.raises(WorkoutFormatError) as caught:
        read_zwo(data)
    assert fragment in str(caught.value)


# ---------------------------------------------------------------------------- writing


def test_writer_emits_a_standard_zwift_document() -> None:
    workout = Workout(
        name='Tom & Jerry\'s <"best"> ride — ½',
        author="Zoë",
        description="Line 1\nLine 2 & more",
        category="Threshold",
        tags=("FTP", "a&b"),
        elements=(
            Step(STEADY, 300.0, 0.5, 0.5, role=WARMUP),
            Step(RAMP, 300.0, 0.5, 0.75, role=WARMUP),
            Step(STEADY, 60.0, 0.9, 0.9, cadence_rpm=95, cues=(Cue(5.0, 'Say "hi" & <go>'),)),
            Step(RAMP, 60.0, 0.9, 1.1),
            RepeatBlock(3, (Step(STEADY, 30.0, 1.2, 1.2), Step(RAMP, 30.0, 0.6, 0.5, role=REST))),
            Step(FREE_RIDE, 120.0, cadence_rpm=80),
            Step(MAX_EFFORT, 15.0),
            Step(RAMP, 300.0, 0.6, 0.4, role=COOLDOWN),
        ),
    )
    text = write_zwo(workout)
    root = ET.fromstring(text)

    assert root.tag == "workout_file"
    assert root.findtext("name") == workout.name
    assert root.findtext("sportType") == "bike"
    assert root.findtext("category") == "Threshold"
    assert [t.get("name") for t in root.iterfind("tags/tag")] == ["FTP", "a&b"]
    assert root.find("ftpOverride") is None
    workout_el = root.find("workout")
    assert workout_el is not None
    tags = [el.tag for el in workout_el]
    assert tags == [
        "Warmup",
        "Warmup",
        "SteadyState",
        "Ramp",
        "IntervalsT",
        "FreeRide",
        "MaxEffort",
        "Cooldown",
    ]
    intervals = root.find("workout/IntervalsT")
    assert intervals is not None
    assert intervals.attrib == {
        "Repeat": "3",
        "OnDuration": "30",
        "OffDuration": "30",
        "OnPower": "1.2",
        "PowerOffLow": "0.6",
        "PowerOffHigh": "0.5",
    }
    event = root.find("workout/SteadyState/textevent")
    assert event is not None and event.get("message") == 'Say "hi" & <go>'
    assert read_zwo(text) == workout


def test_repeat_blocks_that_are_not_on_off_pairs_are_unrolled() -> None:
    a, b, c = Step(STEADY, 10.0, 0.5, 0.5), Step(STEADY, 20.0, 0.6, 0.6), Step(FREE_RIDE, 5.0)
    workout = Workout("u", (RepeatBlock(2, (a, b, c)), RepeatBlock(2, (a, c))))
    assert read_zwo(write_zwo(workout)).elements == (a, b, c, a, b, c, a, c, a, c)


def test_step_cues_in_a_block_are_written_for_every_repetition() -> None:
    on = Step(STEADY, 60.0, 1.1, 1.1, cues=(Cue(2.0, "Go"),))
    off = Step(STEADY, 30.0, 0.5, 0.5, role=REST, cues=(Cue(1.5, "Easy"),))
    workout = Workout("c", (RepeatBlock(2, (on, off)),))
    root = ET.fromstring(write_zwo(workout))
    offsets = [e.get("timeoffset") for e in root.iterfind("workout/IntervalsT/textevent")]
    assert offsets == ["2", "61.5", "92", "151.5"]
    assert read_zwo(write_zwo(workout)) == workout


def test_workout_with_override_writes_it_and_keeps_watts() -> None:
    workout = Workout(
        "w",
        (Step(STEADY, 60.0, 200.0, 200.0, WATTS), Step(STEADY, 60.0, 0.5, 0.5)),
        ftp_override_w=180,
    )
    text = write_zwo(workout)
    assert "<ftpOverride>180</ftpOverride>" in text
    assert read_zwo(text) == workout


def test_watt_steps_without_override_need_the_riders_ftp() -> None:
    workout = Workout("erg", (Step(STEADY, 60.0, 150.0, 150.0, WATTS),))
    with pytest.raises(ValueError, match="ftp_w"):
        write_zwo(workout)
    back = read_zwo(write_zwo(workout, ftp_w=251.4))
    assert back.ftp_override_w == 251
    assert back.elements == workout.elements


def test_values_on_the_wrong_side_of_the_watts_threshold_keep_their_target() -> None:
    workout = Workout(
        "edge",
        (Step(STEADY, 60.0, 4.0, 4.0), Step(STEADY, 60.0, 2.0, 2.0, WATTS)),
        ftp_override_w=100,
    )
    back = read_zwo(write_zwo(workout))
    assert back.elements == (
        Step(STEADY, 60.0, 400.0, 400.0, WATTS),
        Step(STEADY, 60.0, 0.02, 0.02),
    )


def test_control_characters_are_dropped_and_carriage_returns_kept() -> None:
    workout = Workout("a\x00b\x1fc\rd", (Step(STEADY, 60.0, 0.5, 0.5),), description="x\r\ny")
    back = read_zwo(write_zwo(workout))
    assert back.name == "abc\rd"
    assert back.description == "x\r\ny"


# ---------------------------------------------------------------------------- properties

XML_CHARS = st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufffe\uffff")
TEXT = st.text(XML_CHARS | st.sampled_from("\t\n\r&<>\"'"), max_size=30).map(str.strip)
LABEL = TEXT.filter(bool)
MS = 1000  # times on a millisecond grid: what a .zwo realistically carries


def seconds(low_s: float, high_s: float) -> st.SearchStrategy[float]:
    return st.integers(int(low_s * MS), int(high_s * MS)).map(lambda n: n / MS)


@st.composite
def cues_within(draw: st.DrawFn, duration_s: float) -> tuple[Cue, ...]:
    offsets = st.integers(0, int(duration_s * MS) - 1).map(lambda n: n / MS)
    cue = st.builds(Cue, offsets, LABEL, seconds(0, 60))
    return tuple(draw(st.lists(cue, max_size=2)))


@st.composite
def powered_steps(
    draw: st.DrawFn, roles: tuple[StepRole, ...], override_w: int | None, max_s: float
) -> Step:
    duration_s = draw(seconds(1, max_s))
    unit = draw(st.sampled_from(PowerUnit)) if override_w else PowerUnit.FTP_FRACTION
    power = st.floats(3.5, 3000) if unit is WATTS else st.floats(0, 3 if override_w else 10)
    start, end = draw(power), draw(power)
    kind = draw(st.sampled_from((STEADY, RAMP)))
    if kind is STEADY or start == end:
        kind, end = STEADY, start
    return Step(
        kind,
        duration_s,
        start,
        end,
        unit,
        draw(st.none() | st.integers(1, 250)),
        draw(st.sampled_from(roles)),
        draw(cues_within(duration_s)),
    )


@st.composite
def unpowered_steps(draw: st.DrawFn) -> Step:
    duration_s = draw(seconds(1, 3600))
    return Step(
        draw(st.sampled_from((FREE_RIDE, MAX_EFFORT))),
        duration_s,
        cadence_rpm=draw(st.none() | st.integers(1, 250)),
        cues=draw(cues_within(duration_s)),
    )


@st.composite
def representable_workouts(draw: st.DrawFn) -> Workout:
    override_w = draw(st.none() | st.integers(50, 2000))
    top_roles = (WARMUP, ACTIVE, COOLDOWN)
    block = st.builds(
        RepeatBlock,
        st.integers(1, 10),
        st.tuples(
            powered_steps((ACTIVE,), override_w, 600), powered_steps((REST,), override_w, 600)
        ),
    )
    element = powered_steps(top_roles, override_w, 3600) | unpowered_steps() | block
    elements = tuple(draw(st.lists(element, min_size=1, max_size=6)))
    total_ms = int(sum(e.duration_s for e in elements) * MS)
    workout_cue = st.builds(Cue, st.integers(0, total_ms - 1).map(lambda n: n / MS), LABEL)
    return Workout(
        name=draw(TEXT),
        elements=elements,
        description=draw(TEXT),
        author=draw(TEXT),
        category=draw(TEXT),
        tags=tuple(draw(st.lists(LABEL, max_size=3))),
        ftp_override_w=override_w,
        cues=tuple(draw(st.lists(workout_cue, max_size=3))),
    )


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(representable_workouts())
def test_any_representable_model_survives_write_then_read(workout: Workout) -> None:
    text = write_zwo(workout)
    assert read_zwo(text) == workout
    assert read_zwo(text.encode("utf-8")) == workout
    assert write_zwo(read_zwo(text)) == text


@settings(max_examples=300)
@given(st.binary(max_size=2000) | st.text(max_size=2000))
def test_arbitrary_input_raises_only_workout_format_error(data: str | bytes) -> None:
    with contextlib.suppress(WorkoutFormatError):
        read_zwo(data)


# Random trees: the attributes each element needs, usually with plausible values, plus
# stray attributes, odd casing and junk, so that both outcomes are common.
NEEDED_ATTRS = {
    "Warmup": ("Duration", "PowerLow", "PowerHigh"),
    "Cooldown": ("Duration", "PowerLow", "PowerHigh"),
    "Ramp": ("Duration", "PowerLow", "PowerHigh"),
    "SteadyState": ("Duration", "Power"),
    "IntervalsT": ("Repeat", "OnDuration", "OffDuration", "OnPower", "OffPower"),
    "FreeRide": ("Duration",),
    "Freeride": ("Duration",),
    "MaxEffort": ("Duration",),
    "RestDay": (),
    "textevent": ("timeoffset", "message"),
    "gameplayevent": ("type",),
    "Bogus": ("Duration",),
}
EXTRA_ATTRS = (
    "Power",
    "PowerOnLow",
    "PowerOnHigh",
    "PowerOffLow",
    "PowerOffHigh",
    "Cadence",
    "CadenceLow",
    "CadenceHigh",
    "CadenceResting",
    "pace",
    "Zone",
)
GOOD_VALUES = {
    "duration": ("30", "60", "300", "0.5", "90.25", "1200"),
    "power": ("0", "0.5", ".75", "1.2", "2.9", "3.5", "250"),
    "repeat": ("1", "2", "5"),
    "cadence": ("0", "85", "95.5"),
    "timeoffset": ("0", "10", "95", "400", "0.0000001"),
    "message": ("Go", "Easy & <steady>", " spaced "),
    "other": ("1", "GPE_CAMERA"),
}
JUNK_VALUES = st.sampled_from(
    ["-1", "1e999", "nan", "inf", "", "abc", "4000", "86401", "1001", "1e3", "2.5"]
) | st.text(XML_CHARS, max_size=6)


def value_kind(attr: str) -> str:
    lowered = attr.lower()
    for kind in ("repeat", "cadence", "timeoffset", "message", "duration", "power"):
        if kind in lowered:
            return kind
    return "other"


def attr_values(attr: str, junk: bool) -> st.SearchStrategy[str]:
    good = st.sampled_from(GOOD_VALUES[value_kind(attr)])
    return st.one_of(good, good, good, JUNK_VALUES) if junk else good


def casing(name: str) -> st.SearchStrategy[str]:
    return st.sampled_from((name, name, name, name.lower(), name.upper()))


@st.composite
def random_attrs(draw: st.DrawFn, needed: tuple[str, ...], junk: bool) -> dict[str, str]:
    names = [n for n in needed if not junk or draw(st.integers(0, 9))]  # with junk: 90 %
    names += draw(st.lists(st.sampled_from(EXTRA_ATTRS), max_size=2))
    return {draw(casing(n)): draw(attr_values(n, junk)) for n in names}


@st.composite
def random_intervals(draw: st.DrawFn, junk: bool) -> ET.Element:
    tags = list(NEEDED_ATTRS) if junk else [t for t in NEEDED_ATTRS if t != "Bogus"]
    tag = draw(st.sampled_from(tags))
    el = ET.Element(draw(casing(tag)), draw(random_attrs(NEEDED_ATTRS[tag], junk)))
    for _ in range(draw(st.integers(0, 2))):
        event = draw(st.sampled_from(("textevent", "TextEvent", "gameplayevent", "junk")))
        el.append(
            ET.Element(event, draw(random_attrs(("timeoffset", "message", "duration"), junk)))
        )
    return el


META_VALUES = {
    "name": st.sampled_from(["Over & unders", " x "]) | st.text(XML_CHARS, max_size=8),
    "author": st.sampled_from(["me", ""]),
    "sportType": st.sampled_from(["bike", "Bike", "BIKE "]),
    "ftpOverride": st.sampled_from(["200", "150", " 250 "]),
    "category": st.sampled_from(["Threshold", ""]),
    "subcategory": st.sampled_from(["Week 2", ""]),
    "junk": st.text(XML_CHARS, max_size=8),
}
JUNK_META_VALUES = st.sampled_from(["run", "0", "x", "1e999"]) | st.text(XML_CHARS, max_size=8)


@st.composite
def xmlish_documents(draw: st.DrawFn) -> str:
    """Half are clean (known tags, plausible values), half carry junk anywhere."""
    junk = draw(st.booleans())
    root_tags = ["workout_file", "Workout_File", "x"] if junk else ["workout_file"]
    root = ET.Element(draw(st.sampled_from(root_tags)))
    for tag in draw(st.lists(st.sampled_from(list(META_VALUES)), max_size=4)):
        value = META_VALUES[tag] | JUNK_META_VALUES if junk else META_VALUES[tag]
        ET.SubElement(root, tag).text = draw(value)
    for _ in range(draw(st.sampled_from([0, 1, 1, 2]) if junk else st.just(1))):
        workout = ET.SubElement(root, draw(casing("workout")))
        workout.extend(draw(st.lists(random_intervals(junk), min_size=1, max_size=6)))
    return ET.tostring(root, encoding="unicode")


@settings(max_examples=500, suppress_health_check=[HealthCheck.too_slow])
@given(xmlish_documents())
def test_xmlish_trees_parse_or_raise_workout_format_error_and_valid_ones_round_trip(
    document: str,
) -> None:
    try:
        workout = read_zwo(document)
    except WorkoutFormatError:
        return
    assert workout.duration_s > 0
    text = write_zwo(workout)
    assert read_zwo(text) == workout
