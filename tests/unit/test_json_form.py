"""The lossless JSON form: every model round-trips; anything else is a clear error."""

import contextlib
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core.workouts.json_form import workout_from_json, workout_to_json
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

finite = st.floats(min_value=0, max_value=5000, allow_nan=False)
cues = st.lists(st.builds(Cue, finite, st.text(max_size=20), finite), max_size=2).map(tuple)
steps = st.builds(
    Step,
    kind=st.sampled_from(StepKind),
    duration_s=finite,
    power_start=st.none() | finite,
    power_end=st.none() | finite,
    power_unit=st.sampled_from(PowerUnit),
    cadence_rpm=st.none() | st.integers(0, 200),
    role=st.sampled_from(StepRole),
    cues=cues,
)
elements = steps | st.builds(
    RepeatBlock, st.integers(1, 20), st.lists(steps, min_size=1, max_size=3).map(tuple)
)
workouts = st.builds(
    Workout,
    name=st.text(max_size=30),
    elements=st.lists(elements, max_size=6).map(tuple),
    description=st.text(max_size=40),
    tags=st.lists(st.text(max_size=8), max_size=3).map(tuple),
    ftp_override_w=st.none() | st.integers(50, 600),
    cues=cues,
)


@given(workouts)
def test_every_model_round_trips(workout):
    assert workout_from_json(workout_to_json(workout)) == workout


@given(st.text(max_size=200))
def test_any_text_is_a_workout_or_a_clear_error(text):
    with contextlib.suppress(WorkoutFormatError):
        workout_from_json(text)


@pytest.mark.parametrize(
    "broken",
    [
        {"name": "x"},
        {"name": "x", "elements": [{"kind": "warp", "duration_s": 1}]},
        {"name": "x", "elements": [{"kind": "steady", "duration_s": -1}]},
        {"name": "x", "elements": [{"repeat": 0, "steps": []}]},
        {"name": 3, "elements": []},
        [],
    ],
)
def test_malformed_json_names_the_problem(broken):
    with pytest.raises(WorkoutFormatError, match="not a Freewheel JSON workout"):
        workout_from_json(json.dumps(broken), source="w.json")
