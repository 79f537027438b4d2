"""Protocols the core needs from the outside world. Implementations live in infra/runtime."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol


class Clock(Protocol):
    def monotonic_s(self) -> float: ...

    def wall(self) -> datetime:
        """Aware UTC wall-clock time; recorded once per ride and for file timestamps."""
        ...


class TrainerMode(StrEnum):
    ERG = "erg"  # the trainer holds a power target
    RESISTANCE = "resistance"  # a fixed brake level, power follows the rider
    SIMULATION = "simulation"  # grade/wind simulation


@dataclass(frozen=True, slots=True)
class TrainerReading:
    """The latest telemetry from the trainer and sensors. None = not reported."""

    power_w: float | None = None
    cadence_rpm: float | None = None
    hr_bpm: float | None = None
    speed_mps: float | None = None


@dataclass(frozen=True, slots=True)
class ControlCommand:
    """One write to the trainer: an ERG target in watts, a resistance level in percent, or
    a simulated road grade in percent (positive uphill)."""

    mode: TrainerMode
    target_w: int | None = None
    resistance_pct: float | None = None
    grade_pct: float | None = None


class TrainerLink(Protocol):
    """A controllable trainer, whatever carries it (BLE, the simulator)."""

    @property
    def name(self) -> str: ...

    async def connect(self) -> None: ...

    async def disconnect(self) -> None: ...

    async def apply(self, command: ControlCommand) -> None:
        """Send one control command; raises on failure (timeouts included)."""
        ...

    def latest(self) -> TrainerReading | None:
        """The freshest telemetry, or None when nothing arrived recently (a dropout)."""
        ...
