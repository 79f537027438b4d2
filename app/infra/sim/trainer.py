"""`SimulatedTrainerLink`: the `TrainerLink` the app rides with `--simulate`, and the tests.

Time comes only from the injected `Clock`. Physics is advanced lazily: every `latest()` and
`apply()` first steps `TrainerPhysics` from where it was last advanced up to
`clock.monotonic_s()`, in fixed sub-steps of `SUB_STEP_S` on a grid anchored at
construction. The trajectory therefore depends only on clock time and on when commands were
applied, not on how often anybody reads, and a real monotonic clock, an accelerated
headless-ride clock and a hand-wound test clock all behave the same. A jump of more than
`max_catch_up_s` (default 1 h) only simulates the last `max_catch_up_s`, so a huge jump
cannot hang the device loop (1 h of physics costs a few tens of milliseconds).

Commands:
- ERG: `target_w` watts (required).
- RESISTANCE: `resistance_pct` level 0-100 (required).
- SIMULATION: `grade_pct`, which the physics turns into a brake level
  (`grade_to_resistance_pct`: the physics models a brake, not a road); without a grade,
  `resistance_pct` is the brake level, as in RESISTANCE.

Fault injection, for tests and demos:
- `drop_out()`: the link is lost. `latest()` returns None, `apply()` and `connect()` raise
  `TrainerUnavailableError`, until `come_back()`, which restores the link as it was
  (connected if it was connected). Like a real trainer, the brake keeps its last command and
  the rider keeps riding meanwhile.
- `stop_pedalling()` / `resume_pedalling()`: passed to the physics.
- `slow_apply_s`: `apply()` awaits `asyncio.sleep(slow_apply_s)` before the write lands.
"""

from __future__ import annotations

import asyncio

from app.core.ports import Clock, ControlCommand, TrainerMode, TrainerReading
from app.infra.sim.physics import TrainerPhysics, grade_to_resistance_pct

SUB_STEP_S = 0.25
"""Physics sub-step: 4 Hz, the rate a BLE trainer typically reports at."""
MAX_CATCH_UP_S = 3600.0
"""Longest stretch of physics simulated in one catch-up; anything before it is skipped."""
DEFAULT_NAME = "Freewheel Sim Trainer"


class TrainerUnavailableError(Exception):
    """The (simulated) trainer cannot be reached: dropped out or not connected."""


class SimulatedTrainerLink:
    """A `TrainerLink` backed by `TrainerPhysics` and driven by a `Clock`."""

    def __init__(
        self,
        clock: Clock,
        physics: TrainerPhysics | None = None,
        *,
        name: str = DEFAULT_NAME,
        slow_apply_s: float = 0.0,
        max_catch_up_s: float = MAX_CATCH_UP_S,
    ) -> None:
        if max_catch_up_s <= 0:
            raise ValueError(f"max_catch_up_s must be positive, got {max_catch_up_s}")
        self._clock = clock
        self._physics = physics if physics is not None else TrainerPhysics()
        self._name = name
        self.slow_apply_s = slow_apply_s
        # whole sub-steps, so the grid stays aligned after a capped jump
        self._max_catch_up_steps = max(1, int(max_catch_up_s / SUB_STEP_S))
        self._origin_s = clock.monotonic_s()
        self._grid_steps = 0  # sub-steps since _origin_s accounted for (simulated or skipped)
        self._connected = False
        self._dropped = False
        self._last_command: ControlCommand | None = None
        self._apply_count = 0
        self._skipped_s = 0.0

    # --- TrainerLink -----------------------------------------------------------------------

    @property
    def name(self) -> str:
        return self._name

    async def connect(self) -> None:
        if self._dropped:
            raise TrainerUnavailableError(f"{self._name}: out of reach (dropped out)")
        self._advance()
        self._connected = True

    async def disconnect(self) -> None:
        self._advance()
        self._connected = False

    async def apply(self, command: ControlCommand) -> None:
        """Write one command; raises `TrainerUnavailableError` when not reachable.

        With `slow_apply_s` > 0 the write takes that long and lands (and is checked again)
        after the delay. Invalid commands raise ValueError and change nothing.
        """
        self._check_available()
        _validate(command)
        if self.slow_apply_s > 0:
            await asyncio.sleep(self.slow_apply_s)
            self._check_available()
        self._advance()
        if command.mode is TrainerMode.ERG:
            assert command.target_w is not None  # checked by _validate
            self._physics.set_erg_target(command.target_w)
        elif command.mode is TrainerMode.SIMULATION and command.grade_pct is not None:
            self._physics.set_resistance(grade_to_resistance_pct(command.grade_pct))
        else:  # RESISTANCE, and SIMULATION given as a brake level
            assert command.resistance_pct is not None
            self._physics.set_resistance(command.resistance_pct)
        self._last_command = command
        self._apply_count += 1

    def latest(self) -> TrainerReading | None:
        self._advance()
        if not self._connected or self._dropped:
            return None
        return self._physics.snapshot()

    # --- inspection ------------------------------------------------------------------------

    @property
    def physics(self) -> TrainerPhysics:
        return self._physics

    @property
    def connected(self) -> bool:
        """Connected and not dropped out."""
        return self._connected and not self._dropped

    @property
    def last_command(self) -> ControlCommand | None:
        """The last command that was applied successfully."""
        return self._last_command

    @property
    def apply_count(self) -> int:
        """How many commands were applied successfully."""
        return self._apply_count

    @property
    def skipped_s(self) -> float:
        """Clock time not simulated because a jump exceeded `max_catch_up_s`."""
        return self._skipped_s

    @property
    def distance_m(self) -> float:
        self._advance()
        return self._physics.distance_m

    # --- fault injection -------------------------------------------------------------------

    def drop_out(self) -> None:
        self._advance()
        self._dropped = True

    def come_back(self) -> None:
        self._advance()
        self._dropped = False

    def stop_pedalling(self) -> None:
        self._advance()
        self._physics.stop_pedalling()

    def resume_pedalling(self) -> None:
        self._advance()
        self._physics.resume_pedalling()

    # --- internals -------------------------------------------------------------------------

    def _check_available(self) -> None:
        if self._dropped:
            raise TrainerUnavailableError(f"{self._name}: link lost")
        if not self._connected:
            raise TrainerUnavailableError(f"{self._name}: not connected")

    def _advance(self) -> None:
        """Step the physics in whole sub-steps up to the clock (capped); keep the remainder.

        Sub-steps are counted from the construction time, so rounding never accumulates.
        """
        due = int((self._clock.monotonic_s() - self._origin_s) / SUB_STEP_S + 1e-9)
        steps = due - self._grid_steps
        if steps <= 0:  # less than a sub-step elapsed, or the clock went backwards
            return
        if steps > self._max_catch_up_steps:
            skipped = steps - self._max_catch_up_steps
            self._skipped_s += skipped * SUB_STEP_S
            steps = self._max_catch_up_steps
        step = self._physics.step
        for _ in range(steps):
            step(SUB_STEP_S)
        self._grid_steps = due


def _validate(command: ControlCommand) -> None:
    if command.mode is TrainerMode.ERG:
        if command.target_w is None:
            raise ValueError("ERG command needs target_w")
    elif command.mode is TrainerMode.SIMULATION and command.grade_pct is not None:
        return
    elif command.resistance_pct is None:
        raise ValueError(f"{command.mode.value} command needs resistance_pct")
