"""The bundled workout library (resources/workouts/*.zwo) parses and is fit to ship.

Checks every file through the real reader, then the library as a whole: size, unique
names, category coverage, the two FTP tests, and that each workout's intensity matches
the category it claims.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from functools import cache
from pathlib import Path

import pytest

from app.core.workouts.model import PowerUnit, Step, StepKind, StepRole, Workout
from app.core.workouts.zwo import read_zwo

LIBRARY_DIR = Path(__file__).resolve().parents[2] / "resources" / "workouts"
FILES = sorted(LIBRARY_DIR.glob("*.zwo"))

MIN_FILES = 40
MIN_PER_CATEGORY = 5
MIN_DURATION_S = 20 * 60
MAX_DURATION_S = 120 * 60

# Normalised category -> allowed range for the hardest power target of the main set
# (warm-up and cool-down excluded), as FTP fractions.
TRAINING_CATEGORIES: dict[str, tuple[float, float]] = {
    "recovery": (0.0, 0.75),
    "endurance": (0.56, 0.80),
    "tempo": (0.76, 0.92),
    "sweetspot": (0.88, 0.96),
    "threshold": (0.95, 1.08),
    "vo2max": (1.05, 1.25),
    "anaerobic": (1.20, 2.50),
}
TEST_CATEGORY = "test"

KEBAB_ZWO = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\.zwo")
WHOLE_SECONDS = re.compile(r"[1-9][0-9]*")
FTP_FRACTION = re.compile(r"[0-9]\.[0-9]{1,2}|[0-9]")


def _norm(category: str) -> str:
    return re.sub(r"[\s_-]+", "", category.casefold())


@cache
def _load(path: Path) -> Workout:
    return read_zwo(path.read_bytes(), source=path.name)


def _library() -> dict[str, Workout]:
    return {p.name: _load(p) for p in FILES}


def _main_set_peak(workout: Workout) -> float | None:
    """Highest FTP-fraction target outside warm-up and cool-down, or None if none."""
    peaks = [
        max(s.power_start, s.power_end)
        for s in workout.flat_steps()
        if s.role not in (StepRole.WARMUP, StepRole.COOLDOWN)
        and s.kind in (StepKind.STEADY, StepKind.RAMP)
        and s.power_unit is PowerUnit.FTP_FRACTION
        and s.power_start is not None
        and s.power_end is not None
    ]
    return max(peaks) if peaks else None


def _is_ramp_test(workout: Workout) -> bool:
    """At least ten back-to-back one-minute steady steps, each higher than the last."""
    run, best = 0, 0
    previous: float | None = None
    for step in workout.flat_steps():
        power = step.power_start if step.kind is StepKind.STEADY and step.duration_s == 60 else None
        if power is not None and previous is not None and power > previous:
            run += 1
        else:
            run = 1 if power is not None else 0
        previous = power
        best = max(best, run)
    return best >= 10


def _is_twenty_minute_test(workout: Workout) -> bool:
    return any(
        s.kind in (StepKind.FREE_RIDE, StepKind.MAX_EFFORT) and s.duration_s == 20 * 60
        for s in workout.flat_steps()
    )


# --------------------------------------------------------------------------- per file


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_file_parses_with_complete_metadata(path: Path) -> None:
    workout = _load(path)

    assert KEBAB_ZWO.fullmatch(path.name), "file names are lowercase-kebab .zwo"
    assert workout.name.strip()
    assert workout.author == "Freewheel"
    assert workout.description.strip(), "every workout explains its purpose"
    assert workout.category.strip()
    assert _norm(workout.category) in {_norm(t) for t in workout.tags}, (
        "the category is also present as a tag"
    )
    assert MIN_DURATION_S <= workout.duration_s <= MAX_DURATION_S, workout.duration_s


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_steps_are_sane(path: Path) -> None:
    workout = _load(path)
    steps = workout.flat_steps()

    assert steps
    for step in steps:
        assert step.duration_s > 0
        assert step.power_unit is PowerUnit.FTP_FRACTION
        if step.kind in (StepKind.STEADY, StepKind.RAMP):
            assert step.power_start is not None and step.power_end is not None
            assert 0.2 <= step.power_start <= 2.5 and 0.2 <= step.power_end <= 2.5
        for cue in step.cues:
            assert cue.message.strip()
            assert cue.offset_s >= 0


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_source_xml_follows_authoring_rules(path: Path) -> None:
    """Independent of how lenient the reader is: UTF-8, whole-second durations,
    FTP fractions with at most two decimals, `<sportType>bike</sportType>`."""
    root = ET.fromstring(path.read_bytes().decode("utf-8"))

    assert root.tag == "workout_file"
    assert (root.findtext("sportType") or "").strip() == "bike"
    workout = root.find("workout")
    assert workout is not None and len(workout) > 0
    for element in workout:
        for attr, value in element.attrib.items():
            if "Duration" in attr or attr == "Repeat":
                assert WHOLE_SECONDS.fullmatch(value), f"{element.tag} {attr}={value!r}"
            elif "Power" in attr:
                assert FTP_FRACTION.fullmatch(value), f"{element.tag} {attr}={value!r}"


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_intensity_matches_category(path: Path) -> None:
    workout = _load(path)
    category = _norm(workout.category)
    if category == TEST_CATEGORY:
        return
    assert category in TRAINING_CATEGORIES, f"unknown category {workout.category!r}"

    low, high = TRAINING_CATEGORIES[category]
    peak = _main_set_peak(workout)
    has_max_effort = any(s.kind is StepKind.MAX_EFFORT for s in workout.flat_steps())
    if category == "anaerobic" and has_max_effort:
        return  # all-out sprints carry no target; the effort itself is the intensity
    if category == "recovery" and peak is None:
        return  # an easy free ride: the rider picks a light resistance
    assert peak is not None, "a training workout has power targets"
    assert low <= peak <= high, f"{workout.category}: main-set peak {peak:.2f}"


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_warms_up_and_cools_down(path: Path) -> None:
    workout = _load(path)
    if _norm(workout.category) == "recovery":
        return  # a recovery ride may be one long easy block
    steps = workout.flat_steps()
    first, last = steps[0], steps[-1]

    assert first.role is StepRole.WARMUP
    assert _ramps(first, up=True), "warm-up ramps up"
    assert last.role is StepRole.COOLDOWN
    assert _ramps(last, up=False), "cool-down ramps down"


def _ramps(step: Step, *, up: bool) -> bool:
    if step.power_start is None or step.power_end is None:
        return False
    return step.power_end > step.power_start if up else step.power_end < step.power_start


# ------------------------------------------------------------------------ the library


def test_library_is_large_enough() -> None:
    assert len(FILES) >= MIN_FILES, f"only {len(FILES)} workouts in {LIBRARY_DIR}"


def test_names_are_unique() -> None:
    names = [w.name.casefold().strip() for w in _library().values()]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    assert not duplicates


def test_every_training_category_is_covered() -> None:
    counts = {c: 0 for c in TRAINING_CATEGORIES}
    for workout in _library().values():
        category = _norm(workout.category)
        if category in counts:
            counts[category] += 1
    thin = {c: n for c, n in counts.items() if n < MIN_PER_CATEGORY}
    assert not thin, f"categories with fewer than {MIN_PER_CATEGORY} workouts: {thin}"


def test_library_has_a_ramp_test() -> None:
    ramp_tests = [
        name
        for name, w in _library().items()
        if _norm(w.category) == TEST_CATEGORY and _is_ramp_test(w)
    ]
    assert ramp_tests


def test_library_has_a_twenty_minute_ftp_test() -> None:
    ftp_tests = [
        name
        for name, w in _library().items()
        if _norm(w.category) == TEST_CATEGORY and _is_twenty_minute_test(w)
    ]
    assert ftp_tests


def test_durations_are_spread() -> None:
    minutes = {round(w.duration_s / 60) for w in _library().values()}
    for bucket in ((20, 35), (36, 50), (51, 65), (66, 80), (81, 100), (101, 120)):
        assert any(bucket[0] <= m <= bucket[1] for m in minutes), f"nothing in {bucket} min"
