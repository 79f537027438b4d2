"""What the Devices screen (and the ride screen's link line) need: scanning, role
assignment and live link state.

The composition root fills `DevicesPort` in over the BLE scanner, the remembered devices
and the connection supervisor; the UI never imports bleak or app.infra.

Threading: every method runs on the UI thread and must return quickly, except that
`scan()` returns a `Future` at once and completes it from any thread.
"""

from __future__ import annotations

from concurrent.futures import Future
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from app.core.devices.roles import Role

__all__ = [
    "ROLES",
    "DeviceInfo",
    "DevicesPort",
    "LinkState",
    "LiveValue",
    "Role",
    "ScanFailed",
]

ROLES: tuple[Role, ...] = (Role.TRAINER, Role.POWER, Role.CADENCE, Role.HR)
"""The roles in the order the screens list them. `Role` values are the plain strings
"trainer", "power", "cadence", "hr" the ports use as keys."""


@dataclass(frozen=True, slots=True)
class DeviceInfo:
    """A trainer or sensor as the screens show it. `kinds` holds "trainer", "power",
    "cadence" and/or "hr"; `rssi` is in dBm (None = not heard in a scan)."""

    name: str
    address: str
    rssi: int | None = None
    kinds: frozenset[str] = frozenset()
    battery_pct: int | None = None


class LinkState(StrEnum):
    CONNECTED = "connected"
    CONNECTING = "connecting"
    LOST = "lost"  # dropped out; the supervisor is reconnecting
    NOT_SET = "not set"


@dataclass(frozen=True, slots=True)
class LiveValue:
    """One role's link right now: its state, the last value as text ("212 W", "94 rpm",
    "142 bpm"; "" = none yet) and the battery level when the device reports one."""

    state: LinkState = LinkState.NOT_SET
    value_text: str = ""
    battery_pct: int | None = None


class ScanFailed(Exception):
    """What `DevicesPort.scan()`'s future may fail with: `str()` is plain words for the
    rider; `offer_simulator` says whether riding the simulated trainer is a way out.

    Any exception will do as long as its `str()` is plain words; one without an
    `offer_simulator` attribute is taken as offering the simulator."""

    def __init__(self, message: str, *, offer_simulator: bool = True) -> None:
        super().__init__(message)
        self.offer_simulator = offer_simulator


class DevicesPort(Protocol):
    """Scanning, role assignment and live link state.

    `scan()` starts a scan and returns at once; its future completes (on any thread) with
    the devices found, or fails (see `ScanFailed`). `assignments()` and `live()` are keyed
    by role ("trainer", "power", "cadence", "hr"; a missing key = not set) and are polled
    every second while the devices screen is visible: keep them cheap.
    """

    def scan(self) -> Future[list[DeviceInfo]]: ...

    def assignments(self) -> dict[str, DeviceInfo | None]: ...

    def assign(self, role: str, device: DeviceInfo | None) -> None: ...

    def use_simulator(self) -> None: ...

    def live(self) -> dict[str, LiveValue]: ...
