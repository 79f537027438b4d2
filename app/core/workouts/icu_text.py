"""intervals.icu workout-builder text: `read_icu_text` and `write_icu_text`.

Format notes: shared/reference/sync-auth-formats.md §5.3.

    Sweet spot with openers              <- description (a line not followed by a step)

    Warmup                               <- section header: its steps get role WARMUP
    - 10m ramp 50%-75% 90rpm

    Main Set 3x                          <- repeat header ("3x" alone works too)
    - Push 10m 88-92%                    <- text before the first duration/target = cue
    - 5m Z2                                 ranges and zones: the midpoint, steady

    - 20m freeride                       <- a blank line ends a section or repeat

    Cooldown
    - 10m ramp 65%-45%

Decisions worth knowing before changing this module:

* Durations: `30s`, `10m`, `1h`, `1m30` (m:ss), `1h30` (h:mm), `1h2m3s`, `5'`, `30"`,
  `1'30"`; decimals are allowed (`1.5h`). `m` is minutes. Distances (`2km`, `1mi`,
  `400mtr`, `500yd`) have no meaning on an ERG trainer: WorkoutFormatError naming the line.
* Targets: `75%`, `95-105%`, `50%-75%`, `220w`, `200-240w`, zones `Z2`, `Z3-Z4` (values
  from POWER_ZONE_FTP_FRACTION). A range without `ramp` is a steady step at its midpoint;
  with `ramp` it runs from the first value to the second. Percent becomes an FTP fraction
  (exact decimal value / 100); watts stay PowerUnit.WATTS unless `ftp_w` is given, which
  converts them to FTP fractions (4 decimals) so the workout scales with the rider.
* Cadence `90rpm`, `90-100rpm` (midpoint, halves up; `90 rpm` is accepted too); 0 = none.
* HR, pace, MMP and custom-zone targets (`70% HR`, `Z2 HR`, `95% LTHR`, `80% Pace`,
  `5:00/km Pace`, `60% MMP 5m`, `CZ2`) cannot be controlled by a trainer. Rather than
  refusing the workout, such a step is read as FREE_RIDE with the cue
  "HR target 70% HR (not controlled)" so the rider still sees the intent. A step with a
  power target as well keeps the power target. A step with no target at all is a FREE_RIDE
  (intervals.icu shows it without a target; the trainer leaves ERG off).
* Text: everything before the first duration/target is the step's cue (offset 0, shown
  10 s); words after it that are not part of the syntax (`press lap`, notes) are appended.
* Sections: a line not starting with `-` is a header when the next line is a step, else a
  line of the description. A header containing "warm"/"cool" gives its steps the role
  WARMUP/COOLDOWN; one ending in `Nx` starts a repeat block. A blank line ends both.
  Nested repeats do not exist in the format.
* The text carries no name: the name is the `source` stem (callers keep the name of an
  intervals.icu workout in its own field).
* Writing is the inverse for everything the reader can produce, so write→read gives the
  model back. Durations are written in whole seconds, percent to 0.01 % and watts to
  0.01 W. A cue whose words would read as a duration or target is reworded by splitting
  number and unit (`5m` → `5 m`) and reported. Max effort has no spelling and is written
  as a free ride with the cue "Max effort"; REST roles, cues after offset 0, cue display
  times and workout-level cues are reported in `dropped`.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal

from app.core.workouts.conversion import WriteResult, counted, decimal_text, source_stem
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

POWER_ZONE_FTP_FRACTION: dict[int, float] = {
    1: 0.50,
    2: 0.65,
    3: 0.83,
    4: 0.98,
    5: 1.13,
    6: 1.35,
    7: 1.60,
}
"""Power zone -> FTP fraction used for `Z1`..`Z7`: roughly the middle of each Coggan zone
(Z1 < 55 %, Z2 56-75, Z3 76-90, Z4 91-105, Z5 106-120, Z6 121-150, Z7 > 150)."""

MAX_INPUT_CHARS = 5_000_000
MAX_DURATION_S = Decimal(24 * 3600)
MAX_POWER_PERCENT = Decimal(1000)
MAX_POWER_W = Decimal(3000)
MAX_CADENCE_RPM = Decimal(250)
MAX_REPEAT = 1000
MAX_EFFORT_CUE = "Max effort"
UNTITLED = "Untitled workout"

_FLAGS = re.ASCII | re.IGNORECASE
_NUM = r"[0-9]+(?:\.[0-9]+)?"
_DURATION = re.compile(
    rf"(?:(?P<h>{_NUM})h)?(?:(?P<m>{_NUM})(?:m|'))?(?:(?P<s>{_NUM})(?:s|\"))?", _FLAGS
)
_MINUTES_SECONDS = re.compile(rf"(?:(?P<h>{_NUM})h)?(?P<m>{_NUM})(?:m|')(?P<s>{_NUM})", _FLAGS)
_HOURS_MINUTES = re.compile(rf"(?P<h>{_NUM})h(?P<m>{_NUM})", _FLAGS)
_DISTANCE = re.compile(rf"{_NUM}(?:km|mi|mtr|yd|yds)", _FLAGS)
_PERCENT = re.compile(rf"(?P<a>{_NUM})(?:%?-(?P<b>{_NUM}))?%", _FLAGS)
_WATTS = re.compile(rf"(?P<a>{_NUM})(?:w?-(?P<b>{_NUM}))?w", _FLAGS)
_ZONE = re.compile(r"z(?P<a>[1-7])(?:-z?(?P<b>[1-7]))?", _FLAGS)
_CADENCE = re.compile(rf"(?P<a>{_NUM})(?:-(?P<b>{_NUM}))?rpm", _FLAGS)
_PACE = re.compile(r"[0-9]+:[0-9]{2}(?:/[0-9a-z]+)?(?:-[0-9]+:[0-9]{2}(?:/[0-9a-z]+)?)?", _FLAGS)
_CUSTOM_ZONE = re.compile(r"cz[0-9]+(?:-cz[0-9]+)?", _FLAGS)
_SPACED_RANGE = re.compile(r"(?<=[0-9%w])\s*-\s*(?=[0-9z])", _FLAGS)
_SPACED_RPM = re.compile(r"(?<=[0-9])\s+(?=rpm\b)", _FLAGS)
_FREE_RIDE_WORDS = re.compile(r"\bfree\s+ride\b", _FLAGS)
_SPLIT_POINT = re.compile(r"(?<=[0-9])(?=[^0-9.])|(?<=[a-z])(?=[0-9])", _FLAGS)
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_TRAILING_PUNCTUATION = ",;.!?"
_HR_WORDS = {"hr": "HR", "lthr": "LTHR"}


# ---------------------------------------------------------------------------- reading


@dataclass(frozen=True, slots=True)
class _Target:
    """A power target in its unit (FTP fraction or watts); a range when start != end."""

    start: Decimal
    end: Decimal
    unit: PowerUnit
    is_range: bool

    @property
    def midpoint(self) -> Decimal:
        return (self.start + self.end) / 2


@dataclass(slots=True)
class _StepSpec:
    duration_s: Decimal | None = None
    target: _Target | None = None
    ramp: bool = False
    free_ride: bool = False
    cadence_rpm: int | None = None
    uncontrolled: str = ""  # e.g. "HR target 70% HR"
    words: list[str] = field(default_factory=list)


@dataclass(slots=True)
class _Block:
    count: int
    role: StepRole
    steps: list[Step] = field(default_factory=list)


class _LineError(Exception):
    """Raised inside a line's parser; the caller adds the line number."""


def read_icu_text(text: str, source: str = "", ftp_w: float | None = None) -> Workout:
    """Parse intervals.icu workout text. `ftp_w`, when given, turns watt targets into FTP
    fractions. Any problem in the text raises WorkoutFormatError naming the line."""
    if ftp_w is not None and not 1 <= ftp_w <= MAX_POWER_W:
        raise ValueError(f"ftp_w {ftp_w!r} is not a plausible FTP")
    if len(text) > MAX_INPUT_CHARS:
        raise WorkoutFormatError(f"text is longer than {MAX_INPUT_CHARS}", source=source)
    lines = _LINE_BREAK.split(text.removeprefix("\ufeff"))
    elements, description = _Reader(source, ftp_w).read(lines)
    workout = Workout(
        name=source_stem(source) or UNTITLED,
        elements=tuple(elements),
        description="\n".join(description),
    )
    if not workout.elements:
        raise WorkoutFormatError("no steps (lines starting with '- ')", source=source)
    if workout.duration_s > MAX_DURATION_S:
        raise WorkoutFormatError("the workout runs longer than 24 h", source=source)
    return workout


class _Reader:
    def __init__(self, source: str, ftp_w: float | None) -> None:
        self.source = source
        self.ftp_w = None if ftp_w is None else Decimal(repr(float(ftp_w)))
        self.elements: list[Element] = []
        self.description: list[str] = []
        self.block: _Block | None = None
        self.role = StepRole.ACTIVE

    def read(self, lines: list[str]) -> tuple[list[Element], list[str]]:
        for index, raw in enumerate(lines):
            line = raw.strip()
            next_is_step = index + 1 < len(lines) and lines[index + 1].strip().startswith("-")
            try:
                self.line(line, next_is_step)
            except _LineError as exc:
                raise WorkoutFormatError(
                    str(exc), source=self.source, location=f"line {index + 1}"
                ) from None
        self.close_block()
        return self.elements, self.description

    def line(self, line: str, next_is_step: bool) -> None:
        if not line:
            self.close_block()
            self.role = StepRole.ACTIVE
        elif line.startswith("-"):
            role = self.block.role if self.block is not None else self.role
            step = _parse_step(line[1:], role, self.ftp_w)
            (self.block.steps if self.block is not None else self.elements).append(step)
        elif next_is_step:
            self.header(line)
        else:
            self.description.append(" ".join(line.split()))

    def header(self, line: str) -> None:
        self.close_block()
        title, count = _split_repeat(line)
        role = _role_of(title)
        if count is None:
            self.role = role
        else:
            self.block = _Block(count, role)

    def close_block(self) -> None:
        if self.block is not None and self.block.steps:
            self.elements.append(RepeatBlock(self.block.count, tuple(self.block.steps)))
        self.block = None


def _split_repeat(line: str) -> tuple[str, int | None]:
    """'Main Set 5x' -> ('Main Set', 5); 'Warmup' -> ('Warmup', None)."""
    if not line.lower().endswith("x"):
        return line, None
    body = line[:-1].rstrip()
    title = body.rstrip("0123456789")
    digits = body[len(title) :]
    if not digits or (title and title[-1].isalnum()):
        return line, None
    if len(digits) > len(str(MAX_REPEAT)) or not 1 <= int(digits) <= MAX_REPEAT:
        raise _LineError(f"repeat count {_shorten(digits)} is outside 1..{MAX_REPEAT}")
    return title.strip(), int(digits)


def _role_of(title: str) -> StepRole:
    lowered = title.lower()
    if "warm" in lowered:
        return StepRole.WARMUP
    if "cool" in lowered:
        return StepRole.COOLDOWN
    return StepRole.ACTIVE


def _shorten(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# -- one step


def _parse_step(content: str, role: StepRole, ftp_w: Decimal | None) -> Step:
    words = content.split()
    first = next((i for i, w in enumerate(words) if _starts_spec(w)), len(words))
    spec = _StepSpec()
    _read_spec(_normalise_spec(" ".join(words[first:])).split(), spec)
    if spec.duration_s is None:
        raise _LineError(f"no duration in {_shorten(content.strip())!r} (e.g. '5m' or '30s')")
    if not 0 < spec.duration_s <= MAX_DURATION_S:
        raise _LineError("a step's duration must be more than 0 s and at most 24 h")
    message = " ".join([*words[:first], *spec.words])
    return _build_step(spec, float(spec.duration_s), role, message, ftp_w)


def _bare(word: str) -> str:
    return word.rstrip(_TRAILING_PUNCTUATION)


def _starts_spec(word: str) -> bool:
    """Does `word` end a step's leading cue text (a duration, distance or target)?"""
    bare = _bare(word)
    return bool(bare) and (
        _duration_s(bare) is not None
        or any(
            p.fullmatch(bare) is not None
            for p in (_DISTANCE, _PERCENT, _WATTS, _ZONE, _CADENCE, _PACE, _CUSTOM_ZONE)
        )
    )


def _normalise_spec(text: str) -> str:
    """'315w - 330w' -> '315w-330w', '90 rpm' -> '90rpm', 'free ride' -> 'freeride'."""
    text = _SPACED_RANGE.sub("-", text)
    text = _SPACED_RPM.sub("", text)
    return _FREE_RIDE_WORDS.sub("freeride", text)


def _read_spec(words: list[str], spec: _StepSpec) -> None:
    index = 0
    while index < len(words):
        index += _read_word(words, index, spec)


def _read_word(words: list[str], index: int, spec: _StepSpec) -> int:
    """Apply words[index] (and any modifier after it) to `spec`; return words used."""
    bare = _bare(words[index])
    following = _bare(words[index + 1]).lower() if index + 1 < len(words) else ""
    lowered = bare.lower()
    if lowered == "ramp":
        spec.ramp = True
    elif lowered == "freeride":
        spec.free_ride = True
    elif (duration := _duration_s(bare)) is not None:
        if spec.duration_s is not None:
            raise _LineError(f"more than one duration ({_shorten(bare)!r})")
        spec.duration_s = duration
    elif _DISTANCE.fullmatch(bare):
        raise _LineError(f"distance step {bare!r}: only timed steps work on a trainer")
    elif (cadence := _CADENCE.fullmatch(bare)) is not None:
        spec.cadence_rpm = spec.cadence_rpm or _cadence_rpm(cadence)
    elif _PACE.fullmatch(bare) or _CUSTOM_ZONE.fullmatch(bare):
        return _uncontrolled(words, index, spec)
    elif (target := _target(bare)) is not None:
        if following in _HR_WORDS or following in ("pace", "mmp"):
            return _uncontrolled(words, index, spec)
        spec.target = spec.target or target
    else:
        spec.words.append(words[index])
    return 1


def _uncontrolled(words: list[str], index: int, spec: _StepSpec) -> int:
    """A target a trainer cannot hold (HR, pace, MMP, custom zone): remember it as text."""
    bare = _bare(words[index])
    following = _bare(words[index + 1]).lower() if index + 1 < len(words) else ""
    if _CUSTOM_ZONE.fullmatch(bare):
        what, used = f"Custom-zone target {bare.upper()}", 1
    elif following in _HR_WORDS:
        what, used = f"HR target {bare} {_HR_WORDS[following]}", 2
    elif following == "mmp":
        after = _bare(words[index + 2]) if index + 2 < len(words) else ""
        what = f"Power target {bare} MMP {after}".rstrip()
        used = 3 if after else 2
    else:
        used = 2 if following == "pace" else 1
        what = f"Pace target {bare} Pace"
    spec.uncontrolled = spec.uncontrolled or what
    return used


def _duration_s(word: str) -> Decimal | None:
    for pattern in (_MINUTES_SECONDS, _HOURS_MINUTES, _DURATION):
        match = pattern.fullmatch(word)
        if match is not None and any(match.groups()):
            parts = match.groupdict()
            hours, minutes, seconds = (Decimal(parts.get(k) or 0) for k in ("h", "m", "s"))
            if max(hours, minutes, seconds) > MAX_DURATION_S:
                return MAX_DURATION_S + 1  # too long; no arithmetic on absurd numbers
            return hours * 3600 + minutes * 60 + seconds
    return None


def _target(word: str) -> _Target | None:
    if (match := _PERCENT.fullmatch(word)) is not None:
        return _range(match, PowerUnit.FTP_FRACTION, MAX_POWER_PERCENT, "%", Decimal(100))
    if (match := _WATTS.fullmatch(word)) is not None:
        return _range(match, PowerUnit.WATTS, MAX_POWER_W, "W", Decimal(1))
    if (match := _ZONE.fullmatch(word)) is not None:
        low = Decimal(repr(POWER_ZONE_FTP_FRACTION[int(match["a"])]))
        high = Decimal(repr(POWER_ZONE_FTP_FRACTION[int(match["b"] or match["a"])]))
        return _Target(low, high, PowerUnit.FTP_FRACTION, match["b"] is not None)
    return None


def _range(
    match: re.Match[str], unit: PowerUnit, limit: Decimal, symbol: str, per_unit: Decimal
) -> _Target:
    start, end = Decimal(match["a"]), Decimal(match["b"] or match["a"])
    for value in (start, end):
        if value > limit:
            raise _LineError(f"{_shorten(str(value))} {symbol} is not a plausible target")
    return _Target(start / per_unit, end / per_unit, unit, match["b"] is not None)


def _cadence_rpm(match: re.Match[str]) -> int | None:
    low, high = Decimal(match["a"]), Decimal(match["b"] or match["a"])
    if max(low, high) > MAX_CADENCE_RPM:
        raise _LineError(f"{_shorten(match[0])} is not a plausible cadence")
    rpm = int(((low + high) / 2).to_integral_value(ROUND_HALF_UP))
    return rpm or None


def _build_step(
    spec: _StepSpec, duration_s: float, role: StepRole, message: str, ftp_w: Decimal | None
) -> Step:
    target = spec.target
    if spec.free_ride or target is None:
        note = (
            f"{spec.uncontrolled} (not controlled)"
            if spec.uncontrolled and not spec.free_ride
            else ""
        )
        text = " - ".join(t for t in (message, note) if t)
        return Step(
            StepKind.FREE_RIDE,
            duration_s,
            cadence_rpm=spec.cadence_rpm,
            role=role,
            cues=(Cue(0.0, text),) if text else (),
        )
    if spec.ramp and target.is_range:
        kind, start, end = StepKind.RAMP, target.start, target.end
    else:
        kind, start, end = StepKind.STEADY, target.midpoint, target.midpoint
    unit = target.unit
    if unit is PowerUnit.WATTS and ftp_w is not None:
        start, end = (_fraction_of(v, ftp_w) for v in (start, end))
        unit = PowerUnit.FTP_FRACTION
    return Step(
        kind,
        duration_s,
        float(start),
        float(end),
        unit,
        spec.cadence_rpm,
        role,
        (Cue(0.0, message),) if message else (),
    )


def _fraction_of(watts: Decimal, ftp_w: Decimal) -> Decimal:
    return (watts / ftp_w).quantize(Decimal("0.0001"), ROUND_HALF_EVEN)


# ---------------------------------------------------------------------------- writing


@dataclass(slots=True)
class _Writer:
    notes: dict[tuple[str, str, str], int] = field(default_factory=dict)
    remarks: list[str] = field(default_factory=list)

    def note(self, singular: str, plural: str, happened: str, count: int = 1) -> None:
        key = (singular, plural, happened)
        self.notes[key] = self.notes.get(key, 0) + count

    def dropped(self) -> list[str]:
        counts = [
            f"{counted(count, singular, plural)} {happened}"
            for (singular, plural, happened), count in self.notes.items()
        ]
        return counts + self.remarks


def write_icu_text(workout: Workout) -> WriteResult:
    """intervals.icu workout text for `workout`; see the module notes for what is kept."""
    writer = _Writer()
    paragraphs = [p for p in (_description_paragraph(workout.description, writer),) if p]
    previous: _Group | None = None
    for group in _groups(workout, writer):
        step_lines = [_step_line(step, group.role, writer) for step in group.steps]
        step_lines = [line for line in step_lines if line]
        if not step_lines:
            continue  # an empty group must not split the runs around it in two
        if previous is not None and _same_run(previous, group):
            paragraphs[-1] += "\n" + "\n".join(step_lines)
        else:
            paragraphs.append(
                "\n".join([group.header, *step_lines] if group.header else step_lines)
            )
        previous = group
    dropped = [*writer.dropped(), *_metadata_notes(workout)]
    return WriteResult("\n\n".join(paragraphs) + "\n", tuple(dropped))


_SECTION_TITLES = {StepRole.WARMUP: "Warmup", StepRole.COOLDOWN: "Cooldown"}


def _same_run(before: _Group, after: _Group) -> bool:
    """Two top-level groups with one role read back as one paragraph, so write them so."""
    return not before.repeat and not after.repeat and before.role is after.role


def _section_role(role: StepRole) -> StepRole:
    """The role a step can carry in the text: warm-up, cool-down, or plain."""
    return role if role in _SECTION_TITLES else StepRole.ACTIVE


@dataclass(slots=True)
class _Group:
    """One paragraph: a repeat block, or a run of top-level steps sharing a section role."""

    header: str
    role: StepRole  # the role the header gives its steps
    steps: list[Step]
    repeat: bool


def _groups(workout: Workout, writer: _Writer) -> list[_Group]:
    groups: list[_Group] = []
    for element in workout.elements:
        if isinstance(element, RepeatBlock):
            groups += _block_group(element, writer)
            continue
        role = _section_role(element.role)
        if groups and not groups[-1].repeat and groups[-1].role is role:
            groups[-1].steps.append(element)
        else:
            groups.append(_Group(_SECTION_TITLES.get(role, ""), role, [element], repeat=False))
    return groups


def _block_group(block: RepeatBlock, writer: _Writer) -> list[_Group]:
    if not block.steps or block.count < 1:
        writer.note("empty repeat block", "empty repeat blocks", "left out")
        return []
    roles = {_section_role(s.role) for s in block.steps}
    role = roles.pop() if len(roles) == 1 else StepRole.ACTIVE
    title = _SECTION_TITLES.get(role, "")
    header = f"{title} {block.count}x" if title else f"{block.count}x"
    return [_Group(header, role, list(block.steps), repeat=True)]


def _step_line(step: Step, section_role: StepRole, writer: _Writer) -> str:
    seconds = _whole_seconds(step, writer)
    if seconds == 0:
        writer.note("zero-length step", "zero-length steps", "left out")
        return ""
    if step.role is not section_role:
        writer.note("step role", "step roles", "(rest, or mixed in one repeat) not kept")
    target, fallback_cue = _target_text(step, writer)
    parts = [
        _cue_text(step, fallback_cue, writer),
        _duration_text(seconds),
        target,
        f"{step.cadence_rpm}rpm" if step.cadence_rpm and step.cadence_rpm > 0 else "",
    ]
    return "- " + " ".join(p for p in parts if p)


def _whole_seconds(step: Step, writer: _Writer) -> int:
    if not math.isfinite(step.duration_s) or step.duration_s <= 0:
        return 0
    seconds = round(step.duration_s)
    if seconds != step.duration_s:
        writer.note("step duration", "step durations", "rounded to whole seconds")
    return seconds


def _duration_text(seconds: int) -> str:
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    units = ((hours, "h"), (minutes, "m"), (secs, "s"))
    return "".join(f"{value}{unit}" for value, unit in units if value)


def _target_text(step: Step, writer: _Writer) -> tuple[str, str]:
    """The target words, and a cue to use when the step has none of its own."""
    power = _finite_power(step)
    if step.kind is StepKind.MAX_EFFORT:
        writer.note(
            "max-effort step", "max-effort steps", f"written as free ride ('{MAX_EFFORT_CUE}')"
        )
        return "freeride", MAX_EFFORT_CUE
    if step.kind is StepKind.FREE_RIDE:
        return "freeride", ""
    if power is None:
        writer.note(
            "step without a power target", "steps without a power target", "written as free ride"
        )
        return "freeride", ""
    start, end = (_power_text(v, step.power_unit) for v in power)
    if step.kind is StepKind.RAMP:
        return f"ramp {start}-{end}", ""
    return start, ""


def _finite_power(step: Step) -> tuple[float, float] | None:
    start, end = step.power_start, step.power_end
    if start is None or end is None or not (math.isfinite(start) and math.isfinite(end)):
        return None
    return start, end


def _power_text(value: float, unit: PowerUnit) -> str:
    exact = Decimal(repr(value))
    if unit is PowerUnit.FTP_FRACTION:
        return f"{decimal_text(exact * 100, 2)}%"
    return f"{decimal_text(exact, 2)}w"


def _cue_text(step: Step, fallback: str, writer: _Writer) -> str:
    """The step's cue at offset 0, made safe to put before the duration."""
    at_start = [c for c in step.cues if c.offset_s == 0]
    later = len(step.cues) - min(len(at_start), 1)
    if later:
        writer.note("cue", "cues", "after the start of a step, or a second cue, left out", later)
    if not at_start:
        return fallback
    cue = at_start[0]
    if cue.duration_s != Cue(0.0, "").duration_s:
        writer.note("cue display time", "cue display times", "not kept (shown 10 s)")
    text = _defused(cue.message)
    if text != cue.message:
        writer.note("cue text", "cue texts", "reworded so as not to read as durations or targets")
    return text or fallback


def _defused(message: str) -> str:
    """Split number and unit of words the reader would take as a duration or target."""
    out: list[str] = []
    pending = message.split()
    pending.reverse()
    while pending:
        word = pending.pop()
        if not _starts_spec(word):
            out.append(word)
            continue
        match = _SPLIT_POINT.search(word)
        cut = match.start() if match is not None else 1
        pending += [word[cut:], word[:cut]]
    return " ".join(out)


def _description_paragraph(description: str, writer: _Writer) -> str:
    lines = [" ".join(line.split()) for line in description.splitlines()]
    kept = [f"({line[0]}){line[1:]}" if line.startswith("-") else line for line in lines if line]
    if "\n".join(kept) != description:
        writer.remarks.append("description reformatted (blank lines, spacing, leading '-')")
    return "\n".join(kept)


def _metadata_notes(workout: Workout) -> list[str]:
    out = [
        label
        for label, value in (
            ("author", workout.author),
            ("category", workout.category),
            ("tags", ", ".join(workout.tags)),
        )
        if value.strip()
    ]
    if workout.ftp_override_w is not None:
        out.append(f"fixed FTP {workout.ftp_override_w} W (intervals.icu uses the athlete's FTP)")
    if workout.cues:
        out.append(f"{counted(len(workout.cues), 'workout-level cue')} (not tied to a step)")
    return out
