"""Zwift `.zwo` workout files: `read_zwo` and `write_zwo`.

Format notes: shared/reference/sync-auth-formats.md §5.1, built from the
h4l/zwift-workout-file-reference analysis of every built-in Zwift workout.

Decisions worth knowing before changing this module:

* Tag and attribute names match case-insensitively (`Freeride`/`FreeRide`, `TextEvent`).
* Power is a fraction of FTP. Under `<ftpOverride>`, a value above 3 means watts (the rule
  Zwift applies: `Power="200"` is 200 W); a step holding such a value becomes
  `PowerUnit.WATTS`, and any FTP fraction in the same step is converted with the override.
* Warmup, Cooldown and Ramp keep PowerLow as the start and PowerHigh as the end, so a
  cool-down usually ramps down. When both ends are equal the step is STEADY (a flat
  warm-up keeps its WARMUP role and survives a round trip).
* IntervalsT text events are timed from the start of the whole element and shown once:
  built-in Zwift workouts cue "easy spinning between the reps" 150 s into a 120/60 s
  block and another cue 734 s in. If every repetition carries the same cues, they go on
  the on/off steps of the RepeatBlock (the model repeats step cues each repetition).
  Otherwise they become workout-level cues at their absolute time, so each is shown
  exactly once, at the moment the file asks for, and the block stays whole.
* A `<textevent>` directly inside `<workout>` is a workout-level cue (offset from the
  start); the writer emits workout-level cues the same way.
* A sportType other than bike is rejected: run workouts carry pace, not power.
* Times derived by arithmetic (cue placement in IntervalsT) are rounded to the microsecond
  so they survive a write/read cycle unchanged.
"""

from __future__ import annotations

import codecs
import math
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace

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

MAX_INPUT_CHARS = 5_000_000
MAX_DURATION_S = 24 * 3600.0
MAX_POWER_FTP_FRACTION = 10.0
MAX_POWER_W = 3000.0
MAX_REPEAT = 1000
MAX_CADENCE_RPM = 250.0
WATTS_THRESHOLD = 3.0
"""Under `<ftpOverride>`, power values above this are absolute watts, not FTP fractions."""

_DEFAULT_CUE_S = Cue(0.0, "").duration_s
_TIME_DIGITS = 6
_TIME_EPSILON_S = 1e-6
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)
_XML_DECLARATION = re.compile(r"\A\s*<\?xml\b[^>]*\?>")
_DECLARED_ENCODING = re.compile(rb"\A\s*<\?xml\b[^>]*?\bencoding\s*=\s*[\"']([A-Za-z0-9._-]+)")
_BOMS = (
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE: its BOM starts the same way
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_BE, "utf-16"),
    (codecs.BOM_UTF16_LE, "utf-16"),
)
_XML_INVALID_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_IGNORED_INTERVAL_TAGS = frozenset({"gameplayevent", "textnotification"})
_CUE_TAG = "textevent"

# ---------------------------------------------------------------------------- reading


def read_zwo(data: str | bytes, source: str = "") -> Workout:
    """Parse a .zwo document. Any problem raises WorkoutFormatError naming where it is."""
    text = _decode(data, source)
    upper = text.upper()
    if "<!DOCTYPE" in upper or "<!ENTITY" in upper:
        raise WorkoutFormatError(
            "DOCTYPE/ENTITY declarations are not allowed in a .zwo file", source=source
        )
    try:
        root = ET.fromstring(_XML_DECLARATION.sub("", text, count=1))
    except (ET.ParseError, ValueError) as exc:  # ValueError: e.g. lone surrogates in str
        raise WorkoutFormatError(f"not well-formed XML: {exc}", source=source) from None
    return _Reader(source).workout(root)


def _decode(data: str | bytes, source: str) -> str:
    if len(data) > MAX_INPUT_CHARS:
        raise WorkoutFormatError(
            f"file is too large: {len(data)} bytes/characters, limit {MAX_INPUT_CHARS}",
            source=source,
        )
    if isinstance(data, str):
        return data.removeprefix("\ufeff")
    encoding = _sniff_encoding(data)
    try:
        return data.decode(encoding).removeprefix("\ufeff")
    except (LookupError, UnicodeError) as exc:
        raise WorkoutFormatError(f"cannot decode as {encoding}: {exc}", source=source) from None


def _sniff_encoding(data: bytes) -> str:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding
    declared = _DECLARED_ENCODING.match(data)
    return declared.group(1).decode("ascii") if declared else "utf-8"


def _local_name(tag: object) -> str:
    """`{namespace}Name` -> `Name`; comments and processing instructions -> ''."""
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _key(el: ET.Element) -> str:
    return _local_name(el.tag).lower()


def _attrs(el: ET.Element) -> dict[str, str]:
    return {_local_name(name).lower(): value for name, value in el.attrib.items()}


def _text(el: ET.Element | None) -> str:
    return "".join(el.itertext()).strip() if el is not None else ""


def _quantise_s(t_s: float) -> float:
    return max(0.0, round(t_s, _TIME_DIGITS))


_Builder = Callable[[ET.Element, str], list[Element]]


class _Reader:
    def __init__(self, source: str) -> None:
        self.source = source
        self.ftp_override_w: int | None = None
        self.workout_cues: list[Cue] = []
        self.elapsed_s = 0.0
        self.builders: dict[str, _Builder] = {
            "warmup": lambda el, where: self.ramp(el, where, StepRole.WARMUP),
            "cooldown": lambda el, where: self.ramp(el, where, StepRole.COOLDOWN),
            "ramp": lambda el, where: self.ramp(el, where, StepRole.ACTIVE),
            "steadystate": self.steady,
            "intervalst": self.intervals,
            "freeride": lambda el, where: self.unpowered(el, where, StepKind.FREE_RIDE),
            "maxeffort": lambda el, where: self.unpowered(el, where, StepKind.MAX_EFFORT),
            "restday": lambda el, where: [],
        }

    def fail(self, where: str, message: str) -> WorkoutFormatError:
        return WorkoutFormatError(message, source=self.source, location=where)

    # -- document

    def workout(self, root: ET.Element) -> Workout:
        if _key(root) != "workout_file":
            raise self.fail(
                "root", f"root element is <{_local_name(root.tag)}>, expected <workout_file>"
            )
        meta: dict[str, ET.Element] = {}
        for child in root:
            meta.setdefault(_key(child), child)
        self.check_sport(meta.get("sporttype"))
        self.ftp_override_w = self.ftp_override(meta.get("ftpoverride"))
        elements = self.intervals_of(self.workout_element(root))
        return Workout(
            name=_text(meta.get("name")),
            elements=tuple(elements),
            description=_text(meta.get("description")),
            author=_text(meta.get("author")),
            category=self.category(meta),
            tags=self.tags(meta.get("tags")),
            ftp_override_w=self.ftp_override_w,
            # A workout-level cue timed after the end would never be shown.
            cues=tuple(c for c in self.workout_cues if c.offset_s < self.elapsed_s),
        )

    def check_sport(self, el: ET.Element | None) -> None:
        sport = _text(el).lower()
        if sport not in ("", "bike"):
            raise self.fail(
                "<sportType>", f"sportType {sport!r} is not supported; only bike workouts"
            )

    def ftp_override(self, el: ET.Element | None) -> int | None:
        raw = _text(el)
        if not raw:
            return None
        value = self.parse_number("<ftpOverride>", "ftpOverride", raw)
        if not 1 <= value <= MAX_POWER_W:
            raise self.fail("<ftpOverride>", f"ftpOverride {raw!r} W is not a plausible FTP")
        return round(value)

    @staticmethod
    def category(meta: dict[str, ET.Element]) -> str:
        parts = (_text(meta.get("category")), _text(meta.get("subcategory")))
        return " / ".join(p for p in parts if p)

    @staticmethod
    def tags(el: ET.Element | None) -> tuple[str, ...]:
        if el is None:
            return ()
        names = (_attrs(tag).get("name", "").strip() for tag in el if _key(tag) == "tag")
        return tuple(name for name in names if name)

    def workout_element(self, root: ET.Element) -> ET.Element:
        found = [child for child in root if _key(child) == "workout"]
        if not found:
            raise self.fail("<workout_file>", "no <workout> element")
        if len(found) > 1:
            raise self.fail("<workout_file>", f"{len(found)} <workout> elements, expected one")
        return found[0]

    def intervals_of(self, workout_el: ET.Element) -> list[Element]:
        elements: list[Element] = []
        for index, child in enumerate(workout_el, start=1):
            tag = _key(child)
            where = f"element {index} <{_local_name(child.tag)}>"
            if tag in _IGNORED_INTERVAL_TAGS:
                continue
            if tag == _CUE_TAG:
                self.workout_cues.extend(self.cues([child], where))
                continue
            build = self.builders.get(tag)
            if build is None:
                raise self.fail(where, "unknown interval element; refusing to guess its length")
            built = build(child, where)
            elements.extend(built)
            self.elapsed_s += sum(e.duration_s for e in built)
            if self.elapsed_s > MAX_DURATION_S:
                raise self.fail(where, "the workout runs longer than 24 h")
        if not elements:
            raise self.fail("<workout>", "the workout has no intervals")
        if self.elapsed_s <= 0:
            raise self.fail("<workout>", "the workout has zero duration")
        return elements

    # -- interval elements

    def ramp(self, el: ET.Element, where: str, role: StepRole) -> list[Element]:
        attrs = _attrs(el)
        start, end = self.ramp_power(where, attrs, ("Power", "PowerLow", "PowerHigh"))
        step = self.powered_step(
            where,
            self.span(where, attrs, "Duration"),
            (start, end),
            role=role,
            cadence_rpm=self.cadence(where, attrs, "Cadence", "CadenceLow", "CadenceHigh"),
        )
        return [replace(step, cues=self.child_cues(el, where))]

    def steady(self, el: ET.Element, where: str) -> list[Element]:
        attrs = _attrs(el)
        power = self.steady_power(where, attrs)
        step = self.powered_step(
            where,
            self.span(where, attrs, "Duration"),
            (power, power),
            role=StepRole.ACTIVE,
            cadence_rpm=self.cadence(where, attrs, "Cadence", "CadenceLow", "CadenceHigh"),
        )
        return [replace(step, cues=self.child_cues(el, where))]

    def unpowered(self, el: ET.Element, where: str, kind: StepKind) -> list[Element]:
        attrs = _attrs(el)
        return [
            Step(
                kind,
                self.span(where, attrs, "Duration"),
                cadence_rpm=self.cadence(where, attrs, "Cadence", "CadenceLow", "CadenceHigh"),
                cues=self.child_cues(el, where),
            )
        ]

    def intervals(self, el: ET.Element, where: str) -> list[Element]:
        attrs = _attrs(el)
        count = self.repeat(where, attrs)
        on_s = self.span(where, attrs, "OnDuration")
        off_s = self.span(where, attrs, "OffDuration")
        if count * (on_s + off_s) > MAX_DURATION_S:
            raise self.fail(where, "Repeat × (OnDuration + OffDuration) is longer than 24 h")
        on = self.powered_step(
            where,
            on_s,
            self.ramp_power(where, attrs, ("OnPower", "PowerOnLow", "PowerOnHigh")),
            role=StepRole.ACTIVE,
            cadence_rpm=self.cadence(where, attrs, "Cadence", "CadenceLow", "CadenceHigh"),
        )
        off = self.powered_step(
            where,
            off_s,
            self.ramp_power(where, attrs, ("OffPower", "PowerOffLow", "PowerOffHigh")),
            role=StepRole.REST,
            cadence_rpm=self.cadence(where, attrs, "CadenceResting"),
        )
        cues = self.child_cues(el, where)
        block, leftover = _place_interval_cues(count, on, off, cues)
        self.workout_cues.extend(
            replace(cue, offset_s=_quantise_s(self.elapsed_s + cue.offset_s)) for cue in leftover
        )
        return [block]

    # -- attribute values

    def parse_number(self, where: str, name: str, raw: str) -> float:
        if not _NUMBER.fullmatch(raw.strip()):
            raise self.fail(where, f"{name} {raw!r} is not a number")
        value = float(raw)
        if not math.isfinite(value):
            raise self.fail(where, f"{name} {raw!r} is out of range")
        return value

    def number(self, where: str, attrs: dict[str, str], name: str) -> float | None:
        raw = attrs.get(name.lower())
        return None if raw is None else self.parse_number(where, name, raw)

    def span(
        self, where: str, attrs: dict[str, str], name: str, default: float | None = None
    ) -> float:
        """A non-negative time in seconds, at most 24 h."""
        value = self.number(where, attrs, name)
        if value is None:
            if default is None:
                raise self.fail(where, f"missing {name}")
            return default
        if value < 0:
            raise self.fail(where, f"{name} {value:g} is negative")
        if value > MAX_DURATION_S:
            raise self.fail(where, f"{name} {value:g} s is longer than 24 h")
        return value

    def repeat(self, where: str, attrs: dict[str, str]) -> int:
        value = self.number(where, attrs, "Repeat")
        if value is None:
            raise self.fail(where, "missing Repeat")
        if value != int(value):
            raise self.fail(where, f"Repeat {value:g} is not a whole number")
        if not 1 <= value <= MAX_REPEAT:
            raise self.fail(where, f"Repeat {value:g} is outside 1..{MAX_REPEAT}")
        return int(value)

    def power(self, where: str, attrs: dict[str, str], name: str) -> float | None:
        value = self.number(where, attrs, name)
        if value is not None and value < 0:
            raise self.fail(where, f"{name} {value:g} is negative")
        return value

    def steady_power(self, where: str, attrs: dict[str, str]) -> tuple[float, str]:
        """Power, else the mean of PowerLow and PowerHigh (or whichever is present)."""
        single = self.power(where, attrs, "Power")
        if single is not None:
            return single, "Power"
        ends = [
            (v, n)
            for n in ("PowerLow", "PowerHigh")
            if (v := self.power(where, attrs, n)) is not None
        ]
        if not ends:
            raise self.fail(where, "no power target (Power, or PowerLow/PowerHigh)")
        return sum(v for v, _ in ends) / len(ends), ends[0][1]

    def ramp_power(
        self, where: str, attrs: dict[str, str], names: tuple[str, str, str]
    ) -> tuple[tuple[float, str], tuple[float, str]]:
        """The low/high pair (start, end) where present, else the single value."""
        single_name, low_name, high_name = names
        single = self.power(where, attrs, single_name)
        low = self.power(where, attrs, low_name)
        high = self.power(where, attrs, high_name)
        start = _first_present((low, low_name), (single, single_name), (high, high_name))
        end = _first_present((high, high_name), (single, single_name), (low, low_name))
        if start is None or end is None:
            raise self.fail(where, f"no power target ({single_name}, or {low_name}/{high_name})")
        return start, end

    def powered_step(
        self,
        where: str,
        duration_s: float,
        ends: tuple[tuple[float, str], tuple[float, str]],
        *,
        role: StepRole,
        cadence_rpm: int | None,
    ) -> Step:
        unit, start, end = self.power_unit(where, ends)
        return Step(
            StepKind.STEADY if start == end else StepKind.RAMP,
            duration_s,
            start,
            end,
            unit,
            cadence_rpm,
            role,
        )

    def power_unit(
        self, where: str, ends: tuple[tuple[float, str], tuple[float, str]]
    ) -> tuple[PowerUnit, float, float]:
        override_w = self.ftp_override_w
        if override_w is not None and any(v > WATTS_THRESHOLD for v, _ in ends):
            start, end = (v if v > WATTS_THRESHOLD else v * override_w for v, _ in ends)
            for (_, name), watts in zip(ends, (start, end), strict=True):
                if watts > MAX_POWER_W:
                    raise self.fail(where, f"{name} {watts:g} W is above {MAX_POWER_W:g} W")
            return PowerUnit.WATTS, start, end
        for value, name in ends:
            if value > MAX_POWER_FTP_FRACTION:
                hint = "" if override_w is not None else " (absolute watts need <ftpOverride>)"
                raise self.fail(
                    where, f"{name} {value:g} is more than {MAX_POWER_FTP_FRACTION:g} × FTP{hint}"
                )
        return PowerUnit.FTP_FRACTION, ends[0][0], ends[1][0]

    def cadence(
        self, where: str, attrs: dict[str, str], name: str, *range_names: str
    ) -> int | None:
        """`name`, else the midpoint of CadenceLow/CadenceHigh; 0 means no target."""
        found = [
            (v, n) for n in (name, *range_names) if (v := self.number(where, attrs, n)) is not None
        ]
        if not found:
            return None
        values = found[:1] if found[0][1] == name else found
        for value, value_name in values:
            if not 0 <= value <= MAX_CADENCE_RPM:
                raise self.fail(where, f"{value_name} {value:g} rpm is not a plausible cadence")
        return round(sum(v for v, _ in values) / len(values)) or None

    # -- cues

    def child_cues(self, el: ET.Element, where: str) -> tuple[Cue, ...]:
        return tuple(self.cues((c for c in el if _key(c) == _CUE_TAG), where))

    def cues(self, events: Iterable[ET.Element], where: str) -> list[Cue]:
        out: list[Cue] = []
        for index, event in enumerate(events, start=1):
            at = f"{where}, text event {index}"
            attrs = _attrs(event)
            message = attrs.get("message", "").strip()
            offset_s = self.span(at, attrs, "timeoffset", 0.0)
            shown_s = self.span(at, attrs, "duration", _DEFAULT_CUE_S)
            if message:
                out.append(Cue(offset_s, message, shown_s))
        return out


def _first_present(*candidates: tuple[float | None, str]) -> tuple[float, str] | None:
    for value, name in candidates:
        if value is not None:
            return value, name
    return None


def _place_interval_cues(
    count: int, on: Step, off: Step, cues: tuple[Cue, ...]
) -> tuple[RepeatBlock, list[Cue]]:
    """The repeat block and the cues that must stay workout-level (offsets still relative
    to the IntervalsT start). Cues stay on the steps only if every repetition has the same."""
    period_s = on.duration_s + off.duration_s
    per_rep: list[tuple[list[Cue], list[Cue]]] = [([], []) for _ in range(count)]
    for cue in cues:
        rep = 0
        if period_s > 0:
            rep = min(count - 1, int((cue.offset_s + _TIME_EPSILON_S) // period_s))
        within_s = cue.offset_s - rep * period_s
        on_cues, off_cues = per_rep[rep]
        if within_s < on.duration_s - _TIME_EPSILON_S:
            on_cues.append(replace(cue, offset_s=_quantise_s(within_s)))
        else:
            off_cues.append(replace(cue, offset_s=_quantise_s(within_s - on.duration_s)))
    signatures = [(tuple(a), tuple(b)) for a, b in per_rep]
    if len({*signatures}) == 1:
        on_signature, off_signature = signatures[0]
        steps = (replace(on, cues=on_signature), replace(off, cues=off_signature))
        return RepeatBlock(count, steps), []
    return RepeatBlock(count, (on, off)), list(cues)


# ---------------------------------------------------------------------------- writing


@dataclass(slots=True)
class _Out:
    """One element about to be written: tag, attributes and text events."""

    tag: str
    attrs: list[tuple[str, str]]
    cues: list[Cue] = field(default_factory=list)


def write_zwo(workout: Workout, *, ftp_w: float | None = None) -> str:
    """Serialise `workout` as a .zwo document (UTF-8 when encoded; no XML declaration).

    .zwo carries absolute watts only under `<ftpOverride>`, which pins the FTP of the
    whole file. The workout's own `ftp_override_w` is used when set. A workout with
    WATTS steps but no override needs `ftp_w` (the rider's FTP): it becomes the override,
    so watt steps stay exact for everyone and FTP-fraction steps ride as they would for
    that rider. Without it, ValueError: guessing an FTP would change the targets.

    Targets are preserved exactly; units can change in two edge cases under an override:
    an FTP fraction above 3 is written in watts, a watt value of 3 or less as a fraction.
    RepeatBlocks of exactly two powered steps become IntervalsT (roles on/off are implied);
    other blocks are unrolled. REST on a standalone step has no .zwo spelling and is lost.
    """
    override_w = _output_override_w(workout, ftp_w)
    outs: list[_Out] = []
    for element in workout.elements:
        if isinstance(element, RepeatBlock) and _fits_intervals_t(element):
            outs.append(_intervals_out(element, override_w))
        elif isinstance(element, RepeatBlock):
            outs.extend(
                _step_out(s, override_w) for _ in range(element.count) for s in element.steps
            )
        else:
            outs.append(_step_out(element, override_w))
    return _serialise(workout, override_w, outs)


def _output_override_w(workout: Workout, ftp_w: float | None) -> int | None:
    if workout.ftp_override_w is not None:
        override_w = workout.ftp_override_w
    elif not any(s.power_unit is PowerUnit.WATTS and _powered(s) for s in _all_steps(workout)):
        return None
    elif ftp_w is None:
        raise ValueError(
            f"workout {workout.name!r} has absolute-watt steps but no ftp_override_w; "
            "pass ftp_w= (the rider's FTP) to write it as the file's ftpOverride"
        )
    else:
        override_w = round(ftp_w)
    if not 1 <= override_w <= MAX_POWER_W:
        raise ValueError(f"FTP override {override_w} W is not plausible")
    return override_w


def _all_steps(workout: Workout) -> list[Step]:
    return [s for e in workout.elements for s in (e.steps if isinstance(e, RepeatBlock) else (e,))]


def _powered(step: Step) -> bool:
    return step.kind in (StepKind.STEADY, StepKind.RAMP)


def zwo_dropped(workout: Workout) -> tuple[str, ...]:
    """What write_zwo cannot keep: repeat blocks that are not an on/off pair are unrolled."""
    unrolled = sum(
        1 for e in workout.elements if isinstance(e, RepeatBlock) and not _fits_intervals_t(e)
    )
    return (
        (f"repeat structure unrolled ({unrolled} block{'s' if unrolled > 1 else ''})",)
        if unrolled
        else ()
    )


def _fits_intervals_t(block: RepeatBlock) -> bool:
    return block.count >= 1 and len(block.steps) == 2 and all(_powered(s) for s in block.steps)


def _step_out(step: Step, override_w: int | None) -> _Out:
    attrs = [("Duration", _fmt(step.duration_s))]
    if step.kind is StepKind.FREE_RIDE:
        tag = "FreeRide"
    elif step.kind is StepKind.MAX_EFFORT:
        tag = "MaxEffort"
    else:
        start, end = _power_texts(step, override_w)
        tag = {StepRole.WARMUP: "Warmup", StepRole.COOLDOWN: "Cooldown"}.get(step.role, "")
        if tag or step.kind is StepKind.RAMP:
            tag = tag or "Ramp"
            attrs += [("PowerLow", start), ("PowerHigh", end)]
        else:
            tag = "SteadyState"
            attrs.append(("Power", start))
    if step.cadence_rpm is not None:
        attrs.append(("Cadence", str(step.cadence_rpm)))
    return _Out(tag, attrs, list(step.cues))


def _intervals_out(block: RepeatBlock, override_w: int | None) -> _Out:
    on, off = block.steps
    attrs = [
        ("Repeat", str(block.count)),
        ("OnDuration", _fmt(on.duration_s)),
        ("OffDuration", _fmt(off.duration_s)),
        *_interval_power(on, override_w, "OnPower", "PowerOnLow", "PowerOnHigh"),
        *_interval_power(off, override_w, "OffPower", "PowerOffLow", "PowerOffHigh"),
    ]
    if on.cadence_rpm is not None:
        attrs.append(("Cadence", str(on.cadence_rpm)))
    if off.cadence_rpm is not None:
        attrs.append(("CadenceResting", str(off.cadence_rpm)))
    period_s = on.duration_s + off.duration_s
    cues = [
        replace(cue, offset_s=rep * period_s + step_start_s + cue.offset_s)
        for rep in range(block.count)
        for step, step_start_s in ((on, 0.0), (off, on.duration_s))
        for cue in step.cues
    ]
    return _Out("IntervalsT", attrs, cues)


def _interval_power(
    step: Step, override_w: int | None, single: str, low: str, high: str
) -> list[tuple[str, str]]:
    start, end = _power_texts(step, override_w)
    if step.kind is StepKind.RAMP:
        return [(low, start), (high, end)]
    return [(single, start)]


def _power_texts(step: Step, override_w: int | None) -> tuple[str, str]:
    if step.power_start is None or step.power_end is None:
        raise ValueError(f"{step.kind} step has no power target")
    return (
        _power_text(step.power_start, step.power_unit, override_w),
        _power_text(step.power_end, step.power_unit, override_w),
    )


def _power_text(value: float, unit: PowerUnit, override_w: int | None) -> str:
    """A reader sees values above WATTS_THRESHOLD as watts under an override, so values on
    the wrong side of it are converted; the target stays the same."""
    if override_w is None or (unit is PowerUnit.FTP_FRACTION) == (value <= WATTS_THRESHOLD):
        return _fmt(value)
    if unit is PowerUnit.FTP_FRACTION:
        return _fmt(value * override_w)
    fraction = value / override_w
    for candidate in (fraction, math.nextafter(fraction, 0), math.nextafter(fraction, math.inf)):
        if candidate * override_w == value:  # the reader multiplies back: make it exact
            return _fmt(candidate)
    return _fmt(fraction)


def _fmt(value: float) -> str:
    """Shortest text that reads back as the same float; whole numbers without '.0'."""
    if not math.isfinite(value):
        raise ValueError(f"cannot write {value!r}")
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return repr(float(value))


def _serialise(workout: Workout, override_w: int | None, outs: list[_Out]) -> str:
    lines = [
        "<workout_file>",
        f"  <author>{_escape_text(workout.author)}</author>",
        f"  <name>{_escape_text(workout.name)}</name>",
        f"  <description>{_escape_text(workout.description)}</description>",
    ]
    if workout.category:
        lines.append(f"  <category>{_escape_text(workout.category)}</category>")
    lines.append("  <sportType>bike</sportType>")
    if override_w is not None:
        lines.append(f"  <ftpOverride>{override_w}</ftpOverride>")
    tags = [t for t in workout.tags if _clean(t).strip()]
    if tags:
        lines += ["  <tags>", *(f'    <tag name="{_escape_attr(t)}"/>' for t in tags), "  </tags>"]
    else:
        lines.append("  <tags/>")
    lines.append("  <workout>")
    lines += (f"    {_cue_xml(cue)}" for cue in workout.cues)
    for out in outs:
        lines += _element_lines(out)
    lines += ["  </workout>", "</workout_file>"]
    return "\n".join(lines) + "\n"


def _element_lines(out: _Out) -> list[str]:
    attrs = " ".join(f'{name}="{_escape_attr(value)}"' for name, value in out.attrs)
    if not out.cues:
        return [f"    <{out.tag} {attrs}/>"]
    return [
        f"    <{out.tag} {attrs}>",
        *(f"      {_cue_xml(cue)}" for cue in out.cues),
        f"    </{out.tag}>",
    ]


def _cue_xml(cue: Cue) -> str:
    return (
        f'<textevent timeoffset="{_fmt(cue.offset_s)}" '
        f'message="{_escape_attr(cue.message)}" duration="{_fmt(cue.duration_s)}"/>'
    )


def _clean(text: str) -> str:
    """Drop characters XML 1.0 cannot carry at all (control characters, lone surrogates)."""
    return _XML_INVALID_CHARS.sub("", text)


def _escape_text(text: str) -> str:
    return (
        _clean(text)
        .replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\r", "&#13;")
    )


def _escape_attr(text: str) -> str:
    return _escape_text(text).replace('"', "&quot;").replace("\t", "&#9;").replace("\n", "&#10;")
