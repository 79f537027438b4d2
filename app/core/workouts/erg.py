"""CompuTrainer text workouts: `.erg` (watts) and `.mrc` (percent of FTP).

Format notes: shared/reference/sync-auth-formats.md §5.2 (TrainerRoad's description).

    [COURSE HEADER]
    VERSION = 2
    UNITS = ENGLISH
    DESCRIPTION = Sweet spot 3x10
    FILE NAME = sweet-spot.erg
    FTP = 250                      (.erg only)
    MINUTES WATTS                  (.mrc: MINUTES PERCENT)
    [END COURSE HEADER]
    [COURSE DATA]
    0.00    125                    minutes, value: one point per line
    10.00   125                    equal values over a span: a steady step
    10.00   237                    the same minute twice: a jump to the next step
    ...
    [END COURSE DATA]
    [COURSE TEXT]                  optional cues: seconds, text, seconds shown
    0       Settle in      10
    [END COURSE TEXT]

Decisions worth knowing before changing this module:

* Reading is lenient about layout: any whitespace between columns, CRLF/LF/CR, blank
  lines, stray spaces, section names in any case, missing [END ...] lines, text outside
  sections, and `;` comments (anywhere on a header number or data line; only whole lines
  in [COURSE TEXT] and for text header values, where `;` may be part of the words).
* It is strict about numbers: every data line is exactly "minutes value", times never go
  backwards, values are plausible. Any problem is a WorkoutFormatError naming the line;
  no other exception escapes for any input.
* Units come from the MINUTES WATTS / MINUTES PERCENT line, whichever reader is used; the
  reader only supplies the default when that line is missing (.erg watts, .mrc percent).
  Watts stay PowerUnit.WATTS and the FTP line becomes `ftp_override_w`. Percent becomes
  FTP fractions (value / 100, exact decimal arithmetic); an FTP line is ignored there,
  because percent files scale to the rider's own FTP.
* The name is DESCRIPTION, else the FILE NAME stem, else the `source` stem. The format
  has one text field, so a written workout's `description` is reported as dropped.
* Cues ([COURSE TEXT], times from the start of the file) go on the step running at that
  time, with the offset from that step's start. A missing cue duration means 10 s; cues
  timed before the first point or after the end are left out.
* Rounding (so write→read is exact): the reader snaps point and cue times to the nearest
  1/100 s. The writer rounds step durations to 1/100 s and prints minutes with four
  decimals, at most 0.003 s off, so every duration that is a whole number of 1/100 s
  (whole seconds in particular) reads back exactly. Watts are written to 0.01 W and
  percent to 0.0001 %: below any trainer's resolution, so that rounding is not reported.
* Writing unrolls repeats, writes a ramp as two points and a step change as a doubled
  minute, and uses CRLF line endings (what CompuTrainer-era tools expect).
* `.erg` needs watts: FTP-fraction targets are converted with `ftp_w`, else the
  workout's `ftp_override_w`, else MissingFtpError. `.mrc` needs percent: watt targets
  are converted the same way. Free ride and max effort have no spelling in either
  format; they are written as steady steps at FREE_RIDE_FTP_FRACTION /
  MAX_EFFORT_FTP_FRACTION of the FTP (FREE_RIDE_W / MAX_EFFORT_W in an .erg without any
  FTP) and reported in `dropped`.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_EVEN, Decimal
from itertools import pairwise

from app.core.workouts.conversion import (
    MissingFtpError,
    WriteResult,
    counted,
    decimal_text,
    source_stem,
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

MAX_INPUT_CHARS = 5_000_000
MAX_MINUTES = Decimal(24 * 60)
MAX_POWER_W = Decimal(3000)
MAX_POWER_PERCENT = Decimal(1000)
MAX_CUE_DURATION_S = Decimal(24 * 3600)
MIN_FTP_W = 1
MAX_FTP_W = 3000
DEFAULT_CUE_DURATION_S = Cue(0.0, "").duration_s
FREE_RIDE_FTP_FRACTION = Decimal("0.50")
MAX_EFFORT_FTP_FRACTION = Decimal("1.50")
FREE_RIDE_W = Decimal(100)
"""Free-ride level in an .erg when neither `ftp_w` nor `ftp_override_w` is known."""
MAX_EFFORT_W = Decimal(300)
UNTITLED = "Untitled workout"

_CS_PER_MINUTE = 6000
_CS_PER_S = 100
_MINUTE_PLACES = 4
_WATT_PLACES = 2
_PERCENT_PLACES = 4
_SECOND_PLACES = 2
_HEADER, _DATA, _TEXT = "COURSE HEADER", "COURSE DATA", "COURSE TEXT"
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)", re.ASCII)
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_SECTION = re.compile(r"\[([^\]]*)\]")
_UNIT_WORDS = {"WATTS": False, "PERCENT": True, "PERCENTAGE": True}


# ---------------------------------------------------------------------------- reading


def read_erg(data: str | bytes, source: str = "") -> Workout:
    """Parse an .erg file (watts unless its header says MINUTES PERCENT)."""
    return _read(data, source, default_percent=False)


def read_mrc(data: str | bytes, source: str = "") -> Workout:
    """Parse an .mrc file (percent of FTP unless its header says MINUTES WATTS)."""
    return _read(data, source, default_percent=True)


@dataclass(frozen=True, slots=True)
class _Line:
    number: int
    text: str


@dataclass(slots=True)
class _Section:
    line_number: int
    lines: list[_Line] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _Header:
    description: str = ""
    file_name: str = ""
    ftp_w: int | None = None
    percent: bool | None = None  # None: no MINUTES line


@dataclass(frozen=True, slots=True)
class _Point:
    line_number: int
    time_cs: int
    value: Decimal


@dataclass(frozen=True, slots=True)
class _TimedCue:
    time_cs: int
    message: str
    duration_s: float


class _Parser:
    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, message: str, line_number: int | None = None) -> WorkoutFormatError:
        where = f"line {line_number}" if line_number is not None else ""
        return WorkoutFormatError(message, source=self.source, location=where)

    def number(self, text: str, line_number: int, what: str) -> Decimal:
        if not _NUMBER.fullmatch(text):
            raise self.fail(f"{_shorten(text)!r} is not a number ({what})", line_number)
        return Decimal(text)


def _read(data: str | bytes, source: str, *, default_percent: bool) -> Workout:
    parser = _Parser(source)
    sections = _sections(_decode(data, parser), parser)
    header = _parse_header(_required(sections, _HEADER, parser).lines, parser)
    data_section = _required(sections, _DATA, parser)
    percent = header.percent
    if percent is None:
        percent = _units_in(data_section.lines, parser)
    if percent is None:
        percent = default_percent
    points = _parse_points(data_section.lines, percent, parser)
    steps = _steps_from_points(points, percent, data_section.line_number, parser)
    text_section = sections.get(_TEXT)
    if text_section is not None:
        cues = _parse_cues(text_section.lines, parser)
        steps = _attach_cues(steps, points[0].time_cs, cues)
    return Workout(
        name=header.description or source_stem(header.file_name) or source_stem(source) or UNTITLED,
        elements=tuple(steps),
        ftp_override_w=None if percent else header.ftp_w,
    )


def _decode(data: str | bytes, parser: _Parser) -> str:
    if len(data) > MAX_INPUT_CHARS:
        raise parser.fail(f"file is {len(data)} long, more than {MAX_INPUT_CHARS}")
    if isinstance(data, str):
        return data.removeprefix("\ufeff")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")  # Windows-era tools
    return text.removeprefix("\ufeff")


def _sections(text: str, parser: _Parser) -> dict[str, _Section]:
    """Lines grouped by section name; lines outside any section are ignored."""
    sections: dict[str, _Section] = {}
    current: _Section | None = None
    for number, raw in enumerate(_LINE_BREAK.split(text), start=1):
        match = _SECTION.fullmatch(raw.strip())
        if match is None:
            if current is not None:
                current.lines.append(_Line(number, raw))
            continue
        name = " ".join(match.group(1).upper().split())
        if name.startswith("END ") or name == "END":
            current = None
        else:
            current = sections.setdefault(name, _Section(number))
    return sections


def _required(sections: dict[str, _Section], name: str, parser: _Parser) -> _Section:
    section = sections.get(name)
    if section is None:
        raise parser.fail(f"missing [{name}] section")
    return section


def _strip_comment(text: str) -> str:
    return text.split(";", 1)[0].strip()


def _is_comment(text: str) -> bool:
    return text.lstrip().startswith(";")


def _parse_header(lines: list[_Line], parser: _Parser) -> _Header:
    header = _Header()
    for line in lines:
        if _is_comment(line.text) or not line.text.strip():
            continue
        key, equals, value = line.text.partition("=")
        if not equals:
            percent = _units_of(line, parser)
            if percent is not None:
                header = replace(header, percent=percent)
            continue
        key = " ".join(key.upper().split())
        value = " ".join(value.split())
        if key == "DESCRIPTION" and not header.description:
            header = replace(header, description=value)
        elif key in ("FILE NAME", "FILENAME"):
            header = replace(header, file_name=value)
        elif key == "FTP":
            header = replace(header, ftp_w=_parse_ftp(value, line.number, parser))
    return header


def _units_of(line: _Line, parser: _Parser) -> bool | None:
    """True for MINUTES PERCENT, False for MINUTES WATTS, None if not a units line."""
    words = _strip_comment(line.text).upper().split()
    if len(words) != 2 or words[0] != "MINUTES":
        return None
    if words[1] not in _UNIT_WORDS:
        raise parser.fail(
            f"columns 'MINUTES {_shorten(words[1])}' are not supported; "
            "expected MINUTES WATTS or MINUTES PERCENT",
            line.number,
        )
    return _UNIT_WORDS[words[1]]


def _units_in(lines: list[_Line], parser: _Parser) -> bool | None:
    """Some files put the MINUTES line inside [COURSE DATA]."""
    for line in lines:
        percent = _units_of(line, parser)
        if percent is not None:
            return percent
    return None


def _parse_ftp(value: str, line_number: int, parser: _Parser) -> int:
    text = _strip_comment(value)
    if text[-1:] in ("w", "W"):
        text = text[:-1].strip()
    ftp = parser.number(text, line_number, "FTP")
    if not MIN_FTP_W <= ftp <= MAX_FTP_W:
        raise parser.fail(f"FTP {_shorten(text)} W is not a plausible FTP", line_number)
    return int(ftp.to_integral_value(ROUND_HALF_EVEN))


def _parse_points(lines: list[_Line], percent: bool, parser: _Parser) -> list[_Point]:
    points: list[_Point] = []
    for line in lines:
        text = _strip_comment(line.text)
        if not text or _units_of(line, parser) is not None:
            continue
        point = _parse_point(text, line.number, percent, parser)
        if points and point.time_cs < points[-1].time_cs:
            raise parser.fail(
                f"minute {_minutes_text(point.time_cs)} comes after minute "
                f"{_minutes_text(points[-1].time_cs)} (line {points[-1].line_number}); "
                "times must not go backwards",
                line.number,
            )
        points.append(point)
    return points


def _parse_point(text: str, line_number: int, percent: bool, parser: _Parser) -> _Point:
    fields = text.split()
    if len(fields) != 2 or not all(_NUMBER.fullmatch(f) for f in fields):
        raise parser.fail(f"{_shorten(' '.join(fields))!r} is not 'minutes value'", line_number)
    minutes, value = Decimal(fields[0]), Decimal(fields[1])
    if not 0 <= minutes <= MAX_MINUTES:
        raise parser.fail(f"minute {fields[0]} is outside 0..{MAX_MINUTES} (24 h)", line_number)
    limit, unit = (MAX_POWER_PERCENT, "%") if percent else (MAX_POWER_W, "W")
    if not 0 <= value <= limit:
        raise parser.fail(
            f"{fields[1]} {unit} is not a plausible target (0..{limit} {unit})", line_number
        )
    time_cs = int((minutes * _CS_PER_MINUTE).to_integral_value(ROUND_HALF_EVEN))
    return _Point(line_number, time_cs, value)


def _steps_from_points(
    points: list[_Point], percent: bool, section_line: int, parser: _Parser
) -> list[Step]:
    """Each span between two points at different minutes is one step."""
    if not points:
        raise parser.fail(f"[{_DATA}] has no data points", section_line)
    unit = PowerUnit.FTP_FRACTION if percent else PowerUnit.WATTS
    steps = [
        _step_between(start, end, percent, unit)
        for start, end in pairwise(points)
        if end.time_cs > start.time_cs
    ]
    if not steps:
        raise parser.fail(f"[{_DATA}] needs at least two points at different minutes", section_line)
    return steps


def _step_between(start: _Point, end: _Point, percent: bool, unit: PowerUnit) -> Step:
    kind = StepKind.STEADY if start.value == end.value else StepKind.RAMP
    return Step(
        kind,
        (end.time_cs - start.time_cs) / _CS_PER_S,
        _power(start.value, percent),
        _power(end.value, percent),
        unit,
    )


def _power(value: Decimal, percent: bool) -> float:
    return float(value / 100) if percent else float(value)


def _parse_cues(lines: list[_Line], parser: _Parser) -> list[_TimedCue]:
    cues: list[_TimedCue] = []
    for line in lines:
        if not line.text.strip() or _is_comment(line.text):
            continue
        cue = _parse_cue(line, parser)
        if cue.message:
            cues.append(cue)
    return sorted(cues, key=lambda c: c.time_cs)


def _cue_fields(text: str) -> tuple[str, str, str | None] | None:
    """(seconds, message, duration or None) from a tab-separated or loose line."""
    stripped = text.strip()
    if "\t" in stripped:
        fields = [f.strip() for f in stripped.split("\t") if f.strip()]
        if len(fields) >= 3 and _NUMBER.fullmatch(fields[-1]):
            return fields[0], " ".join(fields[1:-1]), fields[-1]
        return fields[0], " ".join(fields[1:]), None
    time_text, *rest = stripped.split(None, 1)
    if not rest:
        return None
    message, *last = rest[0].rsplit(None, 1)
    if last and _NUMBER.fullmatch(last[0]):
        return time_text, message, last[0]
    return time_text, rest[0], None


def _parse_cue(line: _Line, parser: _Parser) -> _TimedCue:
    fields = _cue_fields(line.text)
    if fields is None or not _NUMBER.fullmatch(fields[0]):
        raise parser.fail(
            f"{_shorten(line.text.strip())!r} is not 'seconds text duration'", line.number
        )
    time_text, message, duration_text = fields
    time_s = Decimal(time_text)
    if not 0 <= time_s <= MAX_MINUTES * 60:
        raise parser.fail(f"cue time {time_text} s is outside 0..24 h", line.number)
    duration_s = DEFAULT_CUE_DURATION_S
    if duration_text is not None:
        shown = parser.number(duration_text, line.number, "cue duration")
        if not 0 <= shown <= MAX_CUE_DURATION_S:
            raise parser.fail(f"cue duration {duration_text} s is outside 0..24 h", line.number)
        duration_s = float(shown)
    time_cs = int((time_s * _CS_PER_S).to_integral_value(ROUND_HALF_EVEN))
    return _TimedCue(time_cs, " ".join(message.split()), duration_s)


def _attach_cues(steps: list[Step], start_cs: int, cues: list[_TimedCue]) -> list[Step]:
    """Each cue goes on the step running at its time; a cue exactly at the end goes on
    the last step; cues outside the workout are left out."""
    starts_cs: list[int] = []
    t_cs = start_cs
    for step in steps:
        starts_cs.append(t_cs)
        t_cs += round(step.duration_s * _CS_PER_S)
    end_cs = t_cs
    per_step: list[list[Cue]] = [[] for _ in steps]
    for cue in cues:
        if not start_cs <= cue.time_cs <= end_cs:
            continue
        index = bisect_right(starts_cs, cue.time_cs) - 1
        offset_s = (cue.time_cs - starts_cs[index]) / _CS_PER_S
        per_step[index].append(Cue(offset_s, cue.message, cue.duration_s))
    return [replace(step, cues=tuple(c)) for step, c in zip(steps, per_step, strict=True)]


def _shorten(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# ---------------------------------------------------------------------------- writing


def write_erg(workout: Workout, ftp_w: int | None = None) -> WriteResult:
    """Serialise as an .erg (MINUTES WATTS). FTP-fraction targets need an FTP: `ftp_w`,
    else `workout.ftp_override_w`, else MissingFtpError. A known FTP is written as the
    FTP line (read back as `ftp_override_w`)."""
    return _write(workout, percent=False, ftp_w=_ftp_for(workout, ftp_w))


def write_mrc(workout: Workout, ftp_w: int | None = None) -> WriteResult:
    """Serialise as an .mrc (MINUTES PERCENT). Watt targets need an FTP to become percent:
    `ftp_w`, else `workout.ftp_override_w`, else MissingFtpError."""
    return _write(workout, percent=True, ftp_w=_ftp_for(workout, ftp_w))


def _ftp_for(workout: Workout, ftp_w: int | None) -> int | None:
    ftp = ftp_w if ftp_w is not None else workout.ftp_override_w
    if ftp is not None and not MIN_FTP_W <= ftp <= MAX_FTP_W:
        raise ValueError(f"FTP {ftp} W is not plausible")
    return ftp


@dataclass(slots=True)
class _Writer:
    percent: bool
    ftp_w: int | None
    notes: dict[tuple[str, str, str], int] = field(default_factory=dict)
    remarks: list[str] = field(default_factory=list)

    def note(self, singular: str, plural: str, happened: str) -> None:
        """Count one thing that did not survive; written out as e.g. '2 cues left out'."""
        key = (singular, plural, happened)
        self.notes[key] = self.notes.get(key, 0) + 1

    @property
    def unit_word(self) -> str:
        return "%" if self.percent else "W"

    def values(self, step: Step) -> tuple[Decimal, Decimal]:
        """Start and end targets in the file's unit."""
        power = _finite_power(step)
        if power is None:
            return self.assumed(step.kind)
        return self.convert(power[0], step.power_unit), self.convert(power[1], step.power_unit)

    def convert(self, value: float, unit: PowerUnit) -> Decimal:
        exact = Decimal(repr(value))
        if (unit is PowerUnit.FTP_FRACTION) == self.percent:
            return exact * 100 if self.percent else exact
        if self.ftp_w is None:  # _check_ftp refuses such workouts up front
            raise MissingFtpError("an FTP is needed to convert between watts and percent")
        return exact * 100 / self.ftp_w if self.percent else exact * self.ftp_w

    def assumed(self, kind: StepKind) -> tuple[Decimal, Decimal]:
        fraction = (
            MAX_EFFORT_FTP_FRACTION if kind is StepKind.MAX_EFFORT else FREE_RIDE_FTP_FRACTION
        )
        if self.percent:
            value = fraction * 100
        elif self.ftp_w is not None:
            value = fraction * self.ftp_w
        else:
            value = MAX_EFFORT_W if kind is StepKind.MAX_EFFORT else FREE_RIDE_W
        label = {StepKind.FREE_RIDE: "free-ride", StepKind.MAX_EFFORT: "max-effort"}.get(kind)
        nouns = (
            (f"{label} step", f"{label} steps")
            if label
            else ("step without a power target", "steps without a power target")
        )
        self.note(*nouns, f"written as steady {self.value_text(value)} {self.unit_word}")
        return value, value

    def value_text(self, value: Decimal) -> str:
        return decimal_text(value, _PERCENT_PLACES if self.percent else _WATT_PLACES)


def _finite_power(step: Step) -> tuple[float, float] | None:
    if step.kind not in (StepKind.STEADY, StepKind.RAMP):
        return None
    start, end = step.power_start, step.power_end
    if start is None or end is None or not (math.isfinite(start) and math.isfinite(end)):
        return None
    return start, end


def _write(workout: Workout, *, percent: bool, ftp_w: int | None) -> WriteResult:
    steps = workout.flat_steps()
    _check_ftp(steps, percent, ftp_w)
    writer = _Writer(percent, ftp_w)
    data_lines, step_starts_cs, end_cs = _data_lines(steps, writer)
    cue_lines = _cue_lines(workout, steps, step_starts_cs, end_cs, writer)
    lines = [
        *_header_lines(workout, writer),
        f"[{_DATA}]",
        *data_lines,
        f"[END {_DATA}]",
    ]
    if cue_lines:
        lines += [f"[{_TEXT}]", *cue_lines, f"[END {_TEXT}]"]
    dropped = _dropped(workout, steps, writer)
    return WriteResult("\r\n".join(lines) + "\r\n", dropped)


def _check_ftp(steps: list[Step], percent: bool, ftp_w: int | None) -> None:
    foreign = PowerUnit.WATTS if percent else PowerUnit.FTP_FRACTION
    if ftp_w is None and any(
        s.power_unit is foreign and _finite_power(s) is not None for s in steps
    ):
        have, need = ("watts", "percent of FTP") if percent else ("% of FTP", "watts")
        raise MissingFtpError(
            f"the workout has targets in {have} and the file needs {need}: "
            "pass ftp_w or set the workout's ftp_override_w"
        )


def _header_lines(workout: Workout, writer: _Writer) -> list[str]:
    name = " ".join(workout.name.split())
    if name != workout.name.strip():
        writer.remarks.append("line breaks or tabs in the name replaced by spaces")
    name = name or UNTITLED  # what the reader would call a nameless file anyway
    extension = ".mrc" if writer.percent else ".erg"
    lines = [
        f"[{_HEADER}]",
        "VERSION = 2",
        "UNITS = ENGLISH",
        f"DESCRIPTION = {name}",
        f"FILE NAME = {_file_stem(name)}{extension}",
    ]
    if writer.ftp_w is not None and not writer.percent:
        lines.append(f"FTP = {writer.ftp_w}")
    lines += [f"MINUTES {'PERCENT' if writer.percent else 'WATTS'}", f"[END {_HEADER}]"]
    return lines


def _file_stem(name: str) -> str:
    return re.sub(r'[\\/:*?"<>|]', "_", name)


def _duration_cs(step: Step) -> int:
    if not math.isfinite(step.duration_s) or step.duration_s <= 0:
        return 0
    return round(step.duration_s * _CS_PER_S)


def _data_lines(steps: list[Step], writer: _Writer) -> tuple[list[str], list[int], int]:
    """Two points per step; also each step's start and the end, in 1/100 s."""
    lines: list[str] = []
    starts_cs: list[int] = []
    t_cs = 0
    for step in steps:
        starts_cs.append(t_cs)
        duration_cs = _duration_cs(step)
        if duration_cs == 0:
            writer.note("zero-length step", "zero-length steps", "left out")
            continue
        start, end = writer.values(step)
        lines.append(f"{_minutes_text(t_cs)}\t{writer.value_text(start)}")
        t_cs += duration_cs
        lines.append(f"{_minutes_text(t_cs)}\t{writer.value_text(end)}")
    return lines, starts_cs, t_cs


def _cue_lines(
    workout: Workout, steps: list[Step], starts_cs: list[int], end_cs: int, writer: _Writer
) -> list[str]:
    timed = [(0, cue) for cue in workout.cues]
    timed += [
        (start, cue) for start, step in zip(starts_cs, steps, strict=True) for cue in step.cues
    ]
    lines: list[tuple[int, str]] = []
    for start_cs, cue in timed:
        line = _cue_line(start_cs, cue, end_cs, writer)
        if line is not None:
            lines.append(line)
    lines.sort(key=lambda pair: pair[0])
    return [text for _, text in lines]


def _cue_line(start_cs: int, cue: Cue, end_cs: int, writer: _Writer) -> tuple[int, str] | None:
    offset_cs = round(cue.offset_s * _CS_PER_S) if math.isfinite(cue.offset_s) else 0
    time_cs = max(0, start_cs + offset_cs)
    message = " ".join(cue.message.split())
    if not message:
        writer.note("empty cue", "empty cues", "left out")
        return None
    if time_cs > end_cs:
        writer.note("cue timed after the end", "cues timed after the end", "left out")
        return None
    if message != cue.message:
        writer.note("cue text", "cue texts", "had tabs, line breaks or extra spaces replaced")
    shown = cue.duration_s if math.isfinite(cue.duration_s) and cue.duration_s >= 0 else 10.0
    shown_text = decimal_text(Decimal(repr(shown)), _SECOND_PLACES)
    time_text = decimal_text(Decimal(time_cs) / _CS_PER_S, _SECOND_PLACES)
    return time_cs, f"{time_text}\t{message}\t{shown_text}"


def _dropped(workout: Workout, steps: list[Step], writer: _Writer) -> tuple[str, ...]:
    out = [
        f"{counted(count, singular, plural)} {happened}"
        for (singular, plural, happened), count in writer.notes.items()
    ]
    out += writer.remarks
    cadences = sum(1 for s in steps if s.cadence_rpm is not None)
    if cadences:
        out.append(counted(cadences, "cadence target"))
    roles = sum(1 for s in steps if s.role is not StepRole.ACTIVE)
    if roles:
        out.append(f"warm-up/rest/cool-down roles of {counted(roles, 'step')}")
    blocks = sum(1 for e in workout.elements if isinstance(e, RepeatBlock))
    if blocks:
        out.append(f"repeat structure unrolled ({counted(blocks, 'block')})")
    out += _conversion_notes(steps, writer)
    out += _metadata_notes(workout, writer.percent)
    return tuple(out)


def _conversion_notes(steps: list[Step], writer: _Writer) -> list[str]:
    foreign = PowerUnit.WATTS if writer.percent else PowerUnit.FTP_FRACTION
    converted = sum(1 for s in steps if s.power_unit is foreign and _finite_power(s))
    if not converted:
        return []
    steps_text = counted(converted, "step")
    if writer.percent:
        return [f"watt targets of {steps_text} expressed as % of FTP {writer.ftp_w} W"]
    return [f"FTP-relative targets of {steps_text} fixed to watts at FTP {writer.ftp_w} W"]


def _metadata_notes(workout: Workout, percent: bool) -> list[str]:
    out = [
        label
        for label, value in (
            ("description (only the name fits in DESCRIPTION)", workout.description),
            ("author", workout.author),
            ("category", workout.category),
            ("tags", ", ".join(workout.tags)),
        )
        if value.strip()
    ]
    if percent and workout.ftp_override_w is not None:
        out.append(f"fixed FTP {workout.ftp_override_w} W (.mrc scales to the rider's FTP)")
    return out


def _minutes_text(time_cs: int) -> str:
    """Minutes with 2 to 4 decimals: 0.00, 6.60, 1.0167."""
    minutes = Decimal(time_cs) / _CS_PER_MINUTE
    whole, _, decimals = decimal_text(minutes, _MINUTE_PLACES).partition(".")
    return f"{whole}.{decimals.ljust(2, '0')}"
