"""Reading and writing by extension: every format round-trips a workout it can hold."""

import pytest

from app.core.workouts.formats import read_workout, write_workout
from app.core.workouts.model import (
    RepeatBlock,
    Step,
    StepKind,
    StepRole,
    Workout,
    WorkoutFormatError,
)

WORKOUT = Workout(
    "Round Trip",
    (
        Step(StepKind.STEADY, 300, 0.5, 0.5, role=StepRole.WARMUP),
        Step(StepKind.STEADY, 600, 0.9, 0.9),
        Step(StepKind.STEADY, 300, 0.5, 0.5, role=StepRole.COOLDOWN),
    ),
)


@pytest.mark.parametrize("ext", [".zwo", ".erg", ".mrc", ".fit", ".txt"])
def test_every_format_writes_and_reads_back_the_same_targets(ext):
    encoded = write_workout(WORKOUT, f"w{ext}", ftp_w=250)
    back = read_workout(encoded.data, f"w{ext}")
    assert back.duration_s == WORKOUT.duration_s
    targets = [s.power_start for s in back.flat_steps()]
    if ext == ".erg":  # watts at the given FTP
        assert targets == [125, 225, 125]
    else:
        assert targets == pytest.approx([0.5, 0.9, 0.5])


def test_unrolled_repeats_are_reported_as_dropped_where_the_format_cannot_hold_them():
    block = Workout("R", (RepeatBlock(3, (Step(StepKind.STEADY, 60, 1.0, 1.0),)),))
    assert write_workout(block, "r.mrc").dropped
    assert write_workout(block, "r.zwo").dropped == ("repeat structure unrolled (1 block)",)
    pair = RepeatBlock(
        3, (Step(StepKind.STEADY, 60, 1.0, 1.0), Step(StepKind.STEADY, 60, 0.5, 0.5))
    )
    assert write_workout(Workout("P", (pair,)), "p.zwo").dropped == ()


@pytest.mark.parametrize("name", ["w.gpx", "w", "w.ZWOX"])
def test_unknown_extensions_are_a_clear_error(name):
    with pytest.raises(WorkoutFormatError, match="unknown workout format"):
        read_workout(b"", name)
    with pytest.raises(WorkoutFormatError, match=r"supported: \.zwo"):
        write_workout(WORKOUT, name)


def test_text_that_is_not_utf8_is_a_clear_error():
    with pytest.raises(WorkoutFormatError, match="UTF-8"):
        read_workout(b"\xff\xfe- 10m 50%", "plan.txt")


def test_incremental_search_matches_a_full_search_as_the_rider_types():
    from app.core.workouts.catalog import IncrementalSearch, entry_for, search

    names = ["Sweet Spot 3x15", "Sweet Spot 2x20", "Threshold 2x20", "Tempo", "VO2 5x4"]
    entries = [
        entry_for(Workout(n, WORKOUT.elements), f"t:{i}", "bundled") for i, n in enumerate(names)
    ]
    searcher = IncrementalSearch(entries)
    for typed in [
        "s",
        "sw",
        "swe",
        "sweet",
        "sweet ",
        "sweet s",
        "sweet 2",
        "swee",
        "2x20",
        "",
        "t",
    ]:
        assert searcher(typed) == search(entries, typed), typed
