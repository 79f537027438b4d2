"""Keep a ride's devices connected, and give the ride runner one `TrainerLink` for all of them.

`ConnectionSupervisor` watches a set of links (one `DeviceSession` each). When a link drops
without being asked to (bleak's disconnected callback), the ride clock keeps running: the
link's `latest()` is None at once (the gap is visible in the ride), and a task reconnects
with capped exponential backoff (`Backoff`, the sleep is injected so tests never wait).
Reconnecting is the link's own `connect()`: discover, re-subscribe, request control again,
start. Then every `on_reconnected` callback runs.

`RidingDevices` is the `TrainerLink` the ride runner drives: the trainer link plus sensors by
role (power meter, HR strap, cadence sensor), merged with failover
(`app.core.devices.roles.merge_readings`) and, with a separate power meter, ERG targets
corrected by `PowerMatch` so the meter reads the target. After the trainer reconnects it
restores mode and target: through `restore_control` when the composition root set it (the
runner then resends with an ERG ramp-in, `RideSession.restore_control()`), else by
re-applying the last command itself.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Protocol

from app.core.devices.power_match import PowerMatch
from app.core.devices.roles import (
    DEFAULT_STALE_AFTER_S,
    Role,
    SourceSample,
    SourcesUsed,
    merge_readings,
)
from app.core.ports import Clock, ControlCommand, TrainerMode, TrainerReading
from app.infra.ble.errors import BluetoothProblem, TrainerUnavailableError, explain

log = logging.getLogger(__name__)

__all__ = [
    "Backoff",
    "ConnectionSupervisor",
    "DeviceSession",
    "Gap",
    "RidingDevices",
    "SessionState",
    "SupervisedLink",
]


class SupervisedLink(Protocol):
    """What the supervisor needs from a trainer or sensor link."""

    @property
    def name(self) -> str: ...

    @property
    def connected(self) -> bool: ...

    async def connect(self) -> None: ...

    async def disconnect(self) -> None: ...

    def add_lost_listener(self, listener: Callable[[], None]) -> None: ...

    def snapshot(self) -> SourceSample | None: ...


class ControllableLink(SupervisedLink, Protocol):
    async def apply(self, command: ControlCommand) -> None: ...


class Backoff:
    """Capped exponential backoff: initial, initial·factor, ... up to `max_s`, ± jitter."""

    def __init__(
        self,
        initial_s: float = 0.25,
        factor: float = 2.0,
        max_s: float = 10.0,
        jitter_frac: float = 0.1,
        rng: Callable[[], float] = random.random,
    ) -> None:
        if initial_s < 0 or factor < 1 or max_s < initial_s:
            raise ValueError("need 0 <= initial_s <= max_s and factor >= 1")
        self.initial_s = initial_s
        self.factor = factor
        self.max_s = max_s
        self.jitter_frac = jitter_frac
        self._rng = rng
        self.attempts = 0

    def next_delay(self) -> float:
        """The wait before the next attempt (and count the attempt)."""
        base = min(self.initial_s * self.factor**self.attempts, self.max_s)
        self.attempts += 1
        if self.jitter_frac:
            base *= 1 + self.jitter_frac * (2 * self._rng() - 1)
        return max(0.0, min(base, self.max_s))

    def reset(self) -> None:
        self.attempts = 0


class SessionState(StrEnum):
    IDLE = "idle"
    CONNECTING = "connecting"
    CONNECTED = "connected"
    RECONNECTING = "reconnecting"
    FAILED = "failed"  # gave up after max_attempts
    STOPPED = "stopped"


@dataclass(slots=True)
class Gap:
    """A stretch of ride clock time without the device (back_at_s None: still out)."""

    lost_at_s: float
    back_at_s: float | None = None


@dataclass(eq=False)
class DeviceSession:
    """One supervised link and what happened to it."""

    link: SupervisedLink
    roles: tuple[Role, ...]
    state: SessionState = SessionState.IDLE
    problem: BluetoothProblem | None = None
    attempts: int = 0
    reconnects: int = 0
    """Completed reconnects (on_reconnected callbacks done)."""
    gaps: list[Gap] = field(default_factory=list)
    restore_times_s: list[float] = field(default_factory=list)
    """Wall time (perf_counter) from link loss to connected-with-control, per reconnect."""
    _task: asyncio.Task[None] | None = None
    _changed: asyncio.Event | None = None
    _lost_perf_s: float = 0.0

    @property
    def name(self) -> str:
        return self.link.name

    def _set(self, state: SessionState) -> None:
        self.state = state
        if self._changed is not None:
            self._changed.set()

    async def wait_for(self, *states: SessionState) -> SessionState:
        """Wait (no polling) until the session is in one of `states`."""
        await self.wait_until(lambda s: s.state in states)
        return self.state

    async def wait_until(self, predicate: Callable[[DeviceSession], bool]) -> None:
        """Wait (no polling: woken on every change) until `predicate(self)` holds."""
        while not predicate(self):
            if self._changed is None:
                self._changed = asyncio.Event()
            self._changed.clear()
            await self._changed.wait()


Callback = Callable[[DeviceSession], object]


class ConnectionSupervisor:
    """Connects a set of links and reconnects each one it loses."""

    def __init__(
        self,
        clock: Clock,
        *,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        backoff: Callable[[], Backoff] = Backoff,
        max_attempts: int | None = None,
    ) -> None:
        self.clock = clock
        self._sleep = sleep
        self._backoff = backoff
        self.max_attempts = max_attempts
        self.sessions: list[DeviceSession] = []
        self.on_reconnected: list[Callback] = []
        self.on_lost: list[Callback] = []
        self._stopping = False

    def add(self, link: SupervisedLink, *roles: Role) -> DeviceSession:
        session = DeviceSession(link, tuple(roles))
        self.sessions.append(session)
        link.add_lost_listener(lambda: self._lost(session))
        return session

    def session_for(self, role: Role) -> DeviceSession | None:
        return next((s for s in self.sessions if role in s.roles), None)

    async def start(self) -> None:
        """Connect every link at once; one that fails keeps retrying in the background."""
        self._stopping = False
        await asyncio.gather(*(self._first_connect(s) for s in self.sessions))

    async def _first_connect(self, session: DeviceSession) -> None:
        session._set(SessionState.CONNECTING)
        session.attempts += 1
        try:
            await session.link.connect()
        except Exception as exc:
            session.problem = explain(exc)
            log.info("%s: connect failed (%s); retrying", session.name, session.problem.kind)
            session.gaps.append(Gap(self.clock.monotonic_s()))
            session._lost_perf_s = time.perf_counter()
            self._spawn(session)
            return
        session.problem = None
        session._set(SessionState.CONNECTED)

    async def stop(self) -> None:
        """Stop reconnecting and disconnect everything (on purpose: no callbacks)."""
        self._stopping = True
        tasks = [s._task for s in self.sessions if s._task is not None and not s._task.done()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        for session in self.sessions:
            try:
                await session.link.disconnect()
            except Exception as exc:
                log.debug("%s: disconnect failed: %r", session.name, exc)
            session._set(SessionState.STOPPED)

    # --- link loss and reconnect --------------------------------------------------------------

    def _lost(self, session: DeviceSession) -> None:
        if self._stopping or session.state is SessionState.RECONNECTING:
            return
        log.warning("%s: connection lost; reconnecting", session.name)
        session.gaps.append(Gap(self.clock.monotonic_s()))
        session._lost_perf_s = time.perf_counter()
        session._set(SessionState.RECONNECTING)
        for callback in list(self.on_lost):
            self._call(callback, session)
        self._spawn(session)

    def _spawn(self, session: DeviceSession) -> None:
        session._set(SessionState.RECONNECTING)
        if session._task is not None and not session._task.done():
            return
        session._task = asyncio.get_running_loop().create_task(
            self._reconnect(session), name=f"reconnect {session.name}"
        )

    async def _reconnect(self, session: DeviceSession) -> None:
        backoff = self._backoff()
        tries = 0
        while not self._stopping:
            await self._sleep(backoff.next_delay())
            if self._stopping:
                return
            tries += 1
            session.attempts += 1
            try:
                await session.link.connect()
            except Exception as exc:
                session.problem = explain(exc)
                log.info("%s: reconnect %d failed: %s", session.name, tries, session.problem.kind)
                if self.max_attempts is not None and tries >= self.max_attempts:
                    session._set(SessionState.FAILED)
                    return
                continue
            break
        else:
            return
        session.problem = None
        if session.gaps and session.gaps[-1].back_at_s is None:
            session.gaps[-1].back_at_s = self.clock.monotonic_s()
        log.info("%s: reconnected after %d attempt(s)", session.name, tries)
        session._task = None
        # Connected before the callbacks run: a loss during them starts a new reconnect.
        session._set(SessionState.CONNECTED)
        for callback in list(self.on_reconnected):
            result = self._call(callback, session)
            if inspect.isawaitable(result):
                try:
                    await result
                except Exception:
                    log.exception("%s: on_reconnected callback failed", session.name)
        session.restore_times_s.append(time.perf_counter() - session._lost_perf_s)
        session.reconnects += 1
        session._set(session.state)  # wake waiters on `reconnects`

    @staticmethod
    def _call(callback: Callback, session: DeviceSession) -> object:
        try:
            return callback(session)
        except Exception:
            log.exception("%s: supervisor callback failed", session.name)
            return None


class RidingDevices:
    """One `TrainerLink` for the ride runner: supervised trainer + sensors, merged by role."""

    def __init__(
        self,
        trainer: ControllableLink,
        *,
        clock: Clock,
        power_meter: SupervisedLink | None = None,
        hr_strap: SupervisedLink | None = None,
        cadence_sensor: SupervisedLink | None = None,
        supervisor: ConnectionSupervisor | None = None,
        power_match: PowerMatch | bool = True,
        stale_after_s: float = DEFAULT_STALE_AFTER_S,
        restore_control: Callable[[], None] | None = None,
    ) -> None:
        self.trainer = trainer
        self.power_meter = power_meter
        self.hr_strap = hr_strap
        self.cadence_sensor = cadence_sensor
        self.clock = clock
        self.stale_after_s = stale_after_s
        self.supervisor = supervisor if supervisor is not None else ConnectionSupervisor(clock)
        if power_meter is None or power_meter is trainer or power_match is False:
            self.power_match: PowerMatch | None = None
        else:
            self.power_match = power_match if isinstance(power_match, PowerMatch) else PowerMatch()
        self.restore_control = restore_control
        """Set by the composition root: ask the ride to resend mode and target (with a
        ramp-in) after the trainer reconnects. Called on the device loop."""
        self.desired: ControlCommand | None = None
        self.sources_used = SourcesUsed()
        self.trainer_session = self.supervisor.add(trainer, Role.TRAINER)
        seen: dict[int, DeviceSession] = {id(trainer): self.trainer_session}
        for role, link in (
            (Role.POWER, power_meter),
            (Role.HR, hr_strap),
            (Role.CADENCE, cadence_sensor),
        ):
            if link is None:
                continue
            if id(link) in seen:  # one device, several roles
                seen[id(link)].roles = (*seen[id(link)].roles, role)
                continue
            seen[id(link)] = self.supervisor.add(link, role)
        self.supervisor.on_reconnected.append(self._on_reconnected)

    # --- TrainerLink -----------------------------------------------------------------------

    @property
    def name(self) -> str:
        return self.trainer.name

    async def connect(self) -> None:
        """Connect everything; raises (plain words) if the trainer is not there yet — it
        keeps being retried in the background, and the ride goes on meanwhile."""
        await self.supervisor.start()
        if not self.trainer.connected:
            problem = self.trainer_session.problem
            message = problem.message if problem else f"{self.name} is not connected."
            raise TrainerUnavailableError(message)

    async def disconnect(self) -> None:
        await self.supervisor.stop()

    async def apply(self, command: ControlCommand) -> None:
        self.desired = command
        if not self.trainer.connected:
            raise TrainerUnavailableError(f"{self.name} is reconnecting.")
        await self.trainer.apply(self._matched(command))

    def latest(self) -> TrainerReading | None:
        now = self.clock.monotonic_s()
        trainer = self.trainer.snapshot()
        meter = self.power_meter.snapshot() if self.power_meter is not None else None
        reading, used = merge_readings(
            trainer,
            meter,
            self.hr_strap.snapshot() if self.hr_strap is not None else None,
            self.cadence_sensor.snapshot() if self.cadence_sensor is not None else None,
            now,
            self.stale_after_s,
        )
        self.sources_used = used
        if self.power_match is not None:
            self.power_match.update(
                _fresh_power(trainer, now, self.stale_after_s),
                _fresh_power(meter, now, self.stale_after_s),
                now,
            )
        return reading if used.any else None

    # --- internals -------------------------------------------------------------------------

    def _matched(self, command: ControlCommand) -> ControlCommand:
        match = self.power_match
        if (
            match is None
            or command.mode is not TrainerMode.ERG
            or command.target_w is None
            or not match.ready
        ):
            return command
        return replace(command, target_w=match.adjust(command.target_w))

    async def _on_reconnected(self, session: DeviceSession) -> None:
        if session is not self.trainer_session:
            return
        if self.restore_control is not None:
            self.restore_control()  # the runner resends with a ramp-in on its next tick
            return
        if self.desired is not None:
            try:
                await self.trainer.apply(self._matched(self.desired))
            except Exception as exc:
                log.warning("%s: restoring the target failed: %s", self.name, exc)


def _fresh_power(sample: SourceSample | None, now_s: float, stale_after_s: float) -> float | None:
    if sample is None or not sample.fresh(now_s, stale_after_s):
        return None
    return sample.reading.power_w
