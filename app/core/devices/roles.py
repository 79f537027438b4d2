"""Which device plays which part in a ride, and how their readings merge. Pure: no I/O.

A rider may pair a smart trainer with a separate power meter, heart-rate strap and cadence
sensor; each `Role` may be a different device, or the trainer may do everything.
`merge_readings` builds the one `TrainerReading` a ride records from whatever is fresh,
with automatic failover:

- power:   power meter -> trainer
- cadence: cadence sensor -> power meter -> trainer
- heart rate: HR strap -> trainer (many trainers relay a strap)
- speed:   trainer -> cadence sensor (a CSC speed sensor) -> power meter

A source is stale when its last notification is more than `stale_after_s` old; a field a
source does not report (None) falls through to the next source.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import StrEnum

from app.core.ports import TrainerReading

DEFAULT_STALE_AFTER_S = 3.0
"""No notification for longer than this: the source has dropped out."""


class Role(StrEnum):
    """A part a device plays in a ride."""

    TRAINER = "trainer"
    POWER = "power"
    CADENCE = "cadence"
    HR = "hr"


class Source(StrEnum):
    """Where a merged value came from."""

    TRAINER = "trainer"
    POWER_METER = "power_meter"
    HR_STRAP = "hr_strap"
    CADENCE_SENSOR = "cadence_sensor"


@dataclass(frozen=True, slots=True)
class Roles:
    """The device (address) chosen for each role; None = not assigned.

    The trainer is always the power, cadence and HR fallback, so a ride with only a
    trainer needs nothing else assigned.
    """

    trainer: str | None = None
    power: str | None = None
    cadence: str | None = None
    hr: str | None = None

    def get(self, role: Role) -> str | None:
        """The address assigned to `role`."""
        value: str | None = getattr(self, role.value)
        return value

    def assign(self, role: Role, address: str | None) -> Roles:
        """A copy with `role` given to `address` (None clears it)."""
        return replace(self, **{role.value: address})

    def roles_of(self, address: str) -> tuple[Role, ...]:
        """Every role `address` plays, in Role order."""
        return tuple(role for role in Role if self.get(role) == address)

    def addresses(self) -> tuple[str, ...]:
        """The distinct devices taking part, in Role order."""
        seen: list[str] = []
        for role in Role:
            address = self.get(role)
            if address is not None and address not in seen:
                seen.append(address)
        return tuple(seen)


@dataclass(frozen=True, slots=True)
class SourceSample:
    """A source's latest reading and the monotonic time of its last notification."""

    reading: TrainerReading
    at_s: float

    def fresh(self, now_s: float, stale_after_s: float) -> bool:
        """Heard from within `stale_after_s` (a sample from the future counts as fresh)."""
        return now_s - self.at_s <= stale_after_s


@dataclass(frozen=True, slots=True)
class SourcesUsed:
    """Which source each field of a merged reading came from (None = no fresh value)."""

    power: Source | None = None
    cadence: Source | None = None
    hr: Source | None = None
    speed: Source | None = None
    fresh: frozenset[Source] = field(default_factory=frozenset)
    """Every source that was fresh, whether or not a field was taken from it."""

    @property
    def any(self) -> bool:
        """At least one source was fresh: the ride has data this second."""
        return bool(self.fresh)


def merge_readings(
    trainer: SourceSample | None,
    power_meter: SourceSample | None,
    hr_strap: SourceSample | None,
    cadence: SourceSample | None,
    now_s: float,
    stale_after_s: float = DEFAULT_STALE_AFTER_S,
) -> tuple[TrainerReading, SourcesUsed]:
    """Merge the role sources' samples into one reading, with failover (see module doc).

    Returns an empty `TrainerReading` and `SourcesUsed.any == False` when no source is
    fresh; callers that need "no data" as None check `any`.
    """
    by_source: dict[Source, TrainerReading] = {}
    for source, sample in (
        (Source.TRAINER, trainer),
        (Source.POWER_METER, power_meter),
        (Source.HR_STRAP, hr_strap),
        (Source.CADENCE_SENSOR, cadence),
    ):
        if sample is not None and sample.fresh(now_s, stale_after_s):
            by_source[source] = sample.reading

    def pick(name: str, order: tuple[Source, ...]) -> tuple[float | None, Source | None]:
        for source in order:
            reading = by_source.get(source)
            if reading is None:
                continue
            value: float | None = getattr(reading, name)
            if value is not None:
                return value, source
        return None, None

    power, power_src = pick("power_w", (Source.POWER_METER, Source.TRAINER))
    cad, cad_src = pick("cadence_rpm", (Source.CADENCE_SENSOR, Source.POWER_METER, Source.TRAINER))
    hr, hr_src = pick("hr_bpm", (Source.HR_STRAP, Source.TRAINER))
    speed, speed_src = pick(
        "speed_mps", (Source.TRAINER, Source.CADENCE_SENSOR, Source.POWER_METER)
    )
    reading = TrainerReading(power_w=power, cadence_rpm=cad, hr_bpm=hr, speed_mps=speed)
    used = SourcesUsed(
        power=power_src,
        cadence=cad_src,
        hr=hr_src,
        speed=speed_src,
        fresh=frozenset(by_source),
    )
    return reading, used
