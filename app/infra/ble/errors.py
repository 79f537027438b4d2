"""Bluetooth failures in plain words, and the errors the BLE links raise.

`explain(exc)` turns anything bleak, dbus-fast, the OS or a codec raises into a
`BluetoothProblem`: a kind the UI can branch on, one or two sentences a rider can act on,
and whether to offer riding with the simulator instead. No traceback, no D-Bus jargon and
no tuple repr (`str(BleakBluetoothNotAvailableError)` prints one; we read `args[0]` and
`.reason`) ever reaches the rider.

What bleak 3.1 raises where (shared/reference/machine-probe.md §5):
- no system D-Bus socket (containers, minimal systems): FileNotFoundError (not a BleakError)
- a system bus without bluetoothd: BleakDBusError ServiceUnknown
- bluetoothd without adapter / adapter off / denied: BleakBluetoothNotAvailableError
"""

from __future__ import annotations

import asyncio
import errno
from dataclasses import dataclass
from enum import StrEnum

from bleak.exc import (
    BleakBluetoothNotAvailableError,
    BleakBluetoothNotAvailableReason,
    BleakCharacteristicNotFoundError,
    BleakDBusError,
    BleakDeviceNotFoundError,
    BleakError,
    BleakGATTProtocolError,
    BleakGATTProtocolErrorCode,
)

from app.core.devices.errors import ProtocolError
from app.core.devices.ftms import ResultCode

__all__ = [
    "BluetoothProblem",
    "BluetoothUnavailable",
    "ControlPointTimeout",
    "ProblemKind",
    "TrainerCommandError",
    "TrainerLinkError",
    "TrainerUnavailableError",
    "explain",
]


class ProblemKind(StrEnum):
    NO_ADAPTER = "no_adapter"
    POWERED_OFF = "powered_off"
    NO_PERMISSION = "no_permission"
    NO_SYSTEM_BUS = "no_system_bus"
    BLUEZ_NOT_RUNNING = "bluez_not_running"
    DEVICE_NOT_FOUND = "device_not_found"
    TIMEOUT = "timeout"
    PROTOCOL = "protocol"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class BluetoothProblem:
    """What went wrong, for a rider: `message` is plain words, never a traceback."""

    kind: ProblemKind
    message: str
    offer_simulator: bool = True

    def __str__(self) -> str:
        return self.message


# --- errors the links raise (their str() is already plain words) ------------------------------


class TrainerLinkError(Exception):
    """A trainer or sensor link failed; `str()` is a sentence for the rider."""


class TrainerUnavailableError(TrainerLinkError):
    """Not connected (never connected, lost, or reconnecting)."""


class ControlPointTimeout(TrainerLinkError, TimeoutError):
    """The trainer did not answer a control command in time."""


class TrainerCommandError(TrainerLinkError):
    """The trainer answered a control command with a result other than success."""

    def __init__(self, result: ResultCode, op_code: int | None = None) -> None:
        self.result = result
        self.op_code = op_code
        super().__init__(result.description)


class BluetoothUnavailable(Exception):
    """Scanning or connecting is impossible right now; carries the explained problem."""

    def __init__(self, problem: BluetoothProblem) -> None:
        self.problem = problem
        super().__init__(problem.message)


# --- explain ----------------------------------------------------------------------------------

_NO_ADAPTER = BluetoothProblem(
    ProblemKind.NO_ADAPTER,
    "No Bluetooth adapter was found on this computer. Plug in a Bluetooth dongle and try again.",
)
_NO_CENTRAL = BluetoothProblem(
    ProblemKind.NO_ADAPTER,
    "This computer's Bluetooth adapter cannot connect to trainers (it has no Bluetooth "
    "Low Energy support). Use a Bluetooth 4.0 (or newer) dongle.",
)
_POWERED_OFF = BluetoothProblem(
    ProblemKind.POWERED_OFF,
    "Bluetooth is turned off. Turn it on in your system settings and try again.",
)
_NO_PERMISSION = BluetoothProblem(
    ProblemKind.NO_PERMISSION,
    "Freewheel is not allowed to use Bluetooth. Allow it in your system's privacy "
    "settings (or ask your administrator), then try again.",
)
_NO_SYSTEM_BUS = BluetoothProblem(
    ProblemKind.NO_SYSTEM_BUS,
    "Bluetooth is not available here: this system has no system message bus (D-Bus), "
    "which Bluetooth needs on Linux. This is normal in containers and minimal systems.",
)
_BLUEZ_NOT_RUNNING = BluetoothProblem(
    ProblemKind.BLUEZ_NOT_RUNNING,
    "The Bluetooth service is not running. Start it (for example "
    "'sudo systemctl start bluetooth'), then try again.",
)
_NOT_FOUND = BluetoothProblem(
    ProblemKind.DEVICE_NOT_FOUND,
    "The device could not be found. Wake it up (pedal the trainer, wet the heart-rate "
    "strap), check it is not connected to another app, and scan again.",
)
_TIMEOUT = BluetoothProblem(
    ProblemKind.TIMEOUT,
    "The device did not answer in time. Move closer, wake it up and try again.",
)
_PAIRING = BluetoothProblem(
    ProblemKind.PROTOCOL,
    "The device asks to be paired first. Pair it in your system's Bluetooth settings, "
    "then try again.",
    offer_simulator=False,
)
_BUSY = BluetoothProblem(
    ProblemKind.PROTOCOL,
    "The trainer was still busy with the previous command. It will be sent again.",
    offer_simulator=False,
)
_NOT_SUPPORTED = BluetoothProblem(
    ProblemKind.PROTOCOL,
    "This device does not offer what Freewheel needs (it may not be a supported "
    "trainer or sensor).",
    offer_simulator=False,
)
_GARBLED = BluetoothProblem(
    ProblemKind.PROTOCOL,
    "The device sent data Freewheel could not understand.",
    offer_simulator=False,
)
_DISCONNECTED = BluetoothProblem(
    ProblemKind.OTHER,
    "The device disconnected. Freewheel will try to reconnect.",
)

_DBUS_SERVICE_UNKNOWN = "org.freedesktop.DBus.Error.ServiceUnknown"
_DBUS_NAME_HAS_NO_OWNER = "org.freedesktop.DBus.Error.NameHasNoOwner"
_DBUS_DENIED = {
    "org.freedesktop.DBus.Error.AccessDenied",
    "org.freedesktop.DBus.Error.AuthFailed",
    "org.bluez.Error.NotAuthorized",
    "org.bluez.Error.NotPermitted",
}
_DBUS_TIMEOUT = {
    "org.freedesktop.DBus.Error.NoReply",
    "org.freedesktop.DBus.Error.Timeout",
    "org.freedesktop.DBus.Error.TimedOut",
}
_PAIRING_CODES = {
    BleakGATTProtocolErrorCode.INSUFFICIENT_AUTHENTICATION,
    BleakGATTProtocolErrorCode.INSUFFICIENT_AUTHORIZATION,
    BleakGATTProtocolErrorCode.INSUFFICIENT_ENCRYPTION,
    BleakGATTProtocolErrorCode.INSUFFICIENT_ENCRYPTION_KEY_SIZE,
}
_MAX_DETAIL = 120


def explain(exc: BaseException) -> BluetoothProblem:
    """A plain-words `BluetoothProblem` for any exception from the BLE stack."""
    seen: set[int] = set()
    current: BaseException | None = exc
    # bleak-retry-connector and our own links wrap the real cause; look through the chain
    # for the first exception we recognise, else describe the outermost one.
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        problem = _explain_one(current)
        if problem is not None:
            return problem
        current = current.__cause__ or current.__context__
    return _other(exc)


def _explain_one(exc: BaseException) -> BluetoothProblem | None:
    if isinstance(exc, BluetoothUnavailable):
        return exc.problem
    if isinstance(exc, TrainerCommandError):
        return BluetoothProblem(ProblemKind.PROTOCOL, exc.result.description, False)
    if isinstance(exc, ControlPointTimeout):
        return BluetoothProblem(ProblemKind.TIMEOUT, str(exc))
    if isinstance(exc, TrainerLinkError):
        # a link wraps what bleak raised: the cause knows the kind (no adapter, ...)
        cause = exc.__cause__
        known = _explain_one(cause) if cause is not None else None
        if known is not None:
            return known
        return BluetoothProblem(ProblemKind.OTHER, str(exc) or _DISCONNECTED.message)
    if isinstance(exc, BleakBluetoothNotAvailableError):
        return _not_available(exc)
    if isinstance(exc, BleakDBusError):
        return _dbus(exc)
    if isinstance(exc, BleakGATTProtocolError):
        return _gatt(exc)
    if isinstance(exc, BleakDeviceNotFoundError):
        return _NOT_FOUND
    if isinstance(exc, BleakCharacteristicNotFoundError):
        return _NOT_SUPPORTED
    if isinstance(exc, ProtocolError):
        return _GARBLED
    if isinstance(exc, BleakError):
        return _bleak_error(exc)
    if isinstance(exc, FileNotFoundError | ConnectionRefusedError):
        return _NO_SYSTEM_BUS  # no socket at /run/dbus/system_bus_socket, or nobody on it
    if isinstance(exc, PermissionError):
        return _NO_PERMISSION
    if isinstance(exc, asyncio.TimeoutError | TimeoutError):
        return _TIMEOUT
    if isinstance(exc, OSError) and exc.errno in (errno.EAFNOSUPPORT, errno.ENODEV):
        return _NO_ADAPTER  # the kernel has no Bluetooth
    if isinstance(exc, EOFError | BrokenPipeError | ConnectionResetError):
        return _BLUEZ_NOT_RUNNING  # the bus went away under us
    return None


def _not_available(exc: BleakBluetoothNotAvailableError) -> BluetoothProblem:
    reasons = BleakBluetoothNotAvailableReason
    try:
        reason = exc.reason
    except IndexError:  # constructed without a reason by someone else
        reason = reasons.UNKNOWN
    if reason is reasons.POWERED_OFF:
        return _POWERED_OFF
    if reason is reasons.NO_BLE_CENTRAL_ROLE:
        return _NO_CENTRAL
    if reason in (reasons.DENIED_BY_USER, reasons.DENIED_BY_SYSTEM, reasons.DENIED_BY_UNKNOWN):
        return _NO_PERMISSION
    if reason is reasons.NO_BLUETOOTH:
        return _NO_ADAPTER
    text = exc.args[0] if exc.args and isinstance(exc.args[0], str) else ""
    detail = _clip(text).rstrip(".")
    message = f"Bluetooth is not available: {detail}." if detail else "Bluetooth is not available."
    return BluetoothProblem(ProblemKind.NO_ADAPTER, message)


def _dbus(exc: BleakDBusError) -> BluetoothProblem:
    name = exc.dbus_error
    if name in (_DBUS_SERVICE_UNKNOWN, _DBUS_NAME_HAS_NO_OWNER):
        return _BLUEZ_NOT_RUNNING
    if name in _DBUS_DENIED:
        return _NO_PERMISSION
    if name in _DBUS_TIMEOUT:
        return _TIMEOUT
    if name == "org.bluez.Error.NotReady":
        return _POWERED_OFF
    if name == "org.bluez.Error.DoesNotExist" or name.endswith("UnknownObject"):
        return _NOT_FOUND
    if name == "org.bluez.Error.InProgress":
        return BluetoothProblem(
            ProblemKind.OTHER, "Bluetooth is busy with another connection. Try again."
        )
    details = exc.dbus_error_details or ""
    if "abort" in details or "le-connection" in details:
        return BluetoothProblem(
            ProblemKind.TIMEOUT,
            "The connection was dropped while connecting. Move closer and try again.",
        )
    return BluetoothProblem(ProblemKind.OTHER, "The Bluetooth service reported an error.")


def _gatt(exc: BleakGATTProtocolError) -> BluetoothProblem:
    try:
        code = exc.code
    except (IndexError, ValueError):
        return _GARBLED
    if code in _PAIRING_CODES:
        return _PAIRING
    if code == BleakGATTProtocolErrorCode.PROCEDURE_ALREADY_IN_PROGRESS:
        return _BUSY
    if code == BleakGATTProtocolErrorCode.CCCD_IMPROPERLY_CONFIGURED:
        return BluetoothProblem(
            ProblemKind.PROTOCOL,
            "The trainer did not accept the command because its answers were not switched "
            "on. Reconnect the trainer.",
            offer_simulator=False,
        )
    return BluetoothProblem(
        ProblemKind.PROTOCOL,
        "The device refused the request.",
        offer_simulator=False,
    )


def _bleak_error(exc: BleakError) -> BluetoothProblem | None:
    kind = type(exc).__name__
    text = str(exc)
    lowered = text.lower()
    # bleak-retry-connector's wrappers (matched by name: its import is optional here)
    if kind == "BleakNotFoundError" or "not found" in lowered:
        return _NOT_FOUND
    if kind == "BleakOutOfConnectionSlotsError":
        return BluetoothProblem(
            ProblemKind.OTHER,
            "Your Bluetooth adapter cannot hold another connection. Disconnect other "
            "devices (or use a second adapter) and try again.",
        )
    if kind == "BleakAbortedError":
        return BluetoothProblem(
            ProblemKind.TIMEOUT,
            "The connection was interrupted. Move closer, wake the device and try again.",
        )
    if "not connected" in lowered or "disconnected" in lowered:
        return _DISCONNECTED
    if "timeout" in lowered or "timed out" in lowered:
        return _TIMEOUT
    if kind == "BleakConnectionError":
        return BluetoothProblem(
            ProblemKind.OTHER,
            "Could not connect to the device. Wake it up and try again.",
        )
    return None  # look at the cause; else "other"


def _other(exc: BaseException) -> BluetoothProblem:
    detail = ""
    if isinstance(exc, BleakError) and exc.args and isinstance(exc.args[0], str):
        detail = exc.args[0]
    message = "Something went wrong with Bluetooth"
    message += f" ({_clip(detail)})." if detail else f" ({type(exc).__name__})."
    return BluetoothProblem(ProblemKind.OTHER, message)


def _clip(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _MAX_DETAIL else text[: _MAX_DETAIL - 1] + "…"
