"""What the settings, welcome and devices screens need from the rest of the program.

The composition root fills these in (the UI never imports app.infra): a `SettingsPort`
over settings.json, the sync settings and the keystore, and a `DevicesPort` over the BLE
scanner, the remembered devices and the connection supervisor.

Threading: every method runs on the UI thread and must return quickly, except that
`DevicesPort.scan()` returns a `Future` at once and completes it from any thread.
"""

from __future__ import annotations

from concurrent.futures import Future
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from app.core.devices.roles import Role

if TYPE_CHECKING:
    from app.core.settings import RiderSettings

__all__ = [
    "ROLES",
    "DeviceInfo",
    "DevicesPort",
    "LinkState",
    "LiveValue",
    "Role",
    "ScanFailed",
    "SettingsPort",
]

ROLES: tuple[Role, ...] = (Role.TRAINER, Role.POWER, Role.CADENCE, Role.HR)
"""The roles in the order the screens list them. `Role` values are the plain strings
"trainer", "power", "cadence", "hr" the ports use as keys."""


# --- settings ---------------------------------------------------------------------------------


class SettingsPort(Protocol):
    """The rider's settings file plus the read-only facts the settings screen shows.

    `load()` never raises: a bad value falls back to its default and comes back as a
    plain-words problem. `save()` writes atomically and raises OSError when it cannot.
    """

    def load(self) -> tuple[RiderSettings, list[str]]: ...

    def save(self, settings: RiderSettings) -> None: ...

    @property
    def data_folder(self) -> Path: ...

    @property
    def keyring_state(self) -> str:
        """Where the sign-in token lives: "OS keyring", "memory only this session" or
        "plaintext file (opted in)"."""
        ...

    @property
    def server_url(self) -> str | None: ...

    @property
    def status_page_url(self) -> str | None: ...

    def set_urls(self, server_url: str | None, status_page_url: str | None) -> None:
        """Store the sync server and status page addresses (None = not set); may raise
        OSError."""
        ...


# --- devices ----------------------------------------------------------------------------------


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
