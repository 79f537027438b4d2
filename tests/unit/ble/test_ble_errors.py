"""explain(): every Bluetooth failure becomes a plain-words problem (no traceback, no repr)."""

from __future__ import annotations

import errno

import pytest
from bleak.exc import (
    BleakBluetoothNotAvailableError,
    BleakBluetoothNotAvailableReason,
    BleakCharacteristicNotFoundError,
    BleakDBusError,
    BleakDeviceNotFoundError,
    BleakError,
    BleakGATTProtocolError,
)
from bleak_retry_connector import (
    BleakAbortedError,
    BleakConnectionError,
    BleakNotFoundError,
    BleakOutOfConnectionSlotsError,
)

from app.core.devices.errors import ProtocolError
from app.core.devices.ftms import ResultCode
from app.infra.ble.errors import (
    BluetoothProblem,
    BluetoothUnavailable,
    ControlPointTimeout,
    ProblemKind,
    TrainerCommandError,
    TrainerUnavailableError,
    explain,
)

R = BleakBluetoothNotAvailableReason
K = ProblemKind

CASES: list[tuple[BaseException, ProblemKind, bool]] = [
    (FileNotFoundError(2, "No such file or directory"), K.NO_SYSTEM_BUS, True),
    (ConnectionRefusedError(111, "Connection refused"), K.NO_SYSTEM_BUS, True),
    (PermissionError(13, "Permission denied"), K.NO_PERMISSION, True),
    (
        BleakDBusError(
            "org.freedesktop.DBus.Error.ServiceUnknown",
            ["The name org.bluez was not provided by any .service files"],
        ),
        K.BLUEZ_NOT_RUNNING,
        True,
    ),
    (BleakDBusError("org.freedesktop.DBus.Error.AccessDenied", []), K.NO_PERMISSION, True),
    (BleakDBusError("org.freedesktop.DBus.Error.NoReply", []), K.TIMEOUT, True),
    (BleakDBusError("org.bluez.Error.NotReady", ["Resource Not Ready"]), K.POWERED_OFF, True),
    (BleakDBusError("org.bluez.Error.Failed", ["le-connection-abort-by-local"]), K.TIMEOUT, True),
    (BleakDBusError("org.bluez.Error.Weird", []), K.OTHER, True),
    (
        BleakBluetoothNotAvailableError("No Bluetooth adapters found.", R.NO_BLUETOOTH),
        K.NO_ADAPTER,
        True,
    ),
    (
        BleakBluetoothNotAvailableError(
            "No powered Bluetooth adapters found. Turn on Bluetooth and try again.", R.POWERED_OFF
        ),
        K.POWERED_OFF,
        True,
    ),
    (BleakBluetoothNotAvailableError("no central", R.NO_BLE_CENTRAL_ROLE), K.NO_ADAPTER, True),
    (BleakBluetoothNotAvailableError("denied", R.DENIED_BY_USER), K.NO_PERMISSION, True),
    (BleakBluetoothNotAvailableError("denied", R.DENIED_BY_SYSTEM), K.NO_PERMISSION, True),
    (BleakBluetoothNotAvailableError("denied", R.DENIED_BY_UNKNOWN), K.NO_PERMISSION, True),
    (BleakBluetoothNotAvailableError("mystery", R.UNKNOWN), K.NO_ADAPTER, True),
    (
        BleakDeviceNotFoundError("AA:BB", "Device with address AA:BB was not found."),
        K.DEVICE_NOT_FOUND,
        True,
    ),
    (BleakNotFoundError("Trainer - AA: Failed to connect"), K.DEVICE_NOT_FOUND, True),
    (BleakConnectionError("Trainer - AA: Failed to connect after 2 attempt(s)"), K.OTHER, True),
    (BleakAbortedError("aborted"), K.TIMEOUT, True),
    (BleakOutOfConnectionSlotsError("slots"), K.OTHER, True),
    (BleakCharacteristicNotFoundError("2ad9"), K.PROTOCOL, False),
    (BleakGATTProtocolError(0x05), K.PROTOCOL, False),
    (BleakGATTProtocolError(0x0F), K.PROTOCOL, False),
    (BleakGATTProtocolError(0xFD), K.PROTOCOL, False),
    (BleakGATTProtocolError(0xFE), K.PROTOCOL, False),
    (BleakGATTProtocolError(0x13), K.PROTOCOL, False),
    (BleakError("Not connected"), K.OTHER, True),
    (BleakError("something odd"), K.OTHER, True),
    (TimeoutError(), K.TIMEOUT, True),
    (TimeoutError("connect"), K.TIMEOUT, True),
    (OSError(errno.EAFNOSUPPORT, "Address family not supported by protocol"), K.NO_ADAPTER, True),
    (EOFError(), K.BLUEZ_NOT_RUNNING, True),
    (ProtocolError("Indoor Bike Data", "truncated", b"\x44"), K.PROTOCOL, False),
    (TrainerCommandError(ResultCode.CONTROL_NOT_PERMITTED), K.PROTOCOL, False),
    (ControlPointTimeout("Trainer did not answer the command in time."), K.TIMEOUT, True),
    (TrainerUnavailableError("Trainer is reconnecting."), K.OTHER, True),
    (RuntimeError("boom"), K.OTHER, True),
]


@pytest.mark.parametrize(("exc", "kind", "offer"), CASES, ids=lambda v: type(v).__name__)
def test_explain_maps_every_failure(exc: BaseException, kind: ProblemKind, offer: bool) -> None:
    problem = explain(exc)
    assert problem.kind is kind
    assert problem.offer_simulator is offer
    message = problem.message
    assert message and message[0].isupper() and message.rstrip().endswith((".", ")."))
    for jargon in (
        "Traceback",
        "org.freedesktop",
        "Errno",
        "<",
        "BleakBluetoothNotAvailableReason",
    ):
        assert jargon not in message


def test_not_available_never_shows_the_tuple_repr() -> None:
    exc = BleakBluetoothNotAvailableError("No Bluetooth adapters found.", R.NO_BLUETOOTH)
    assert "(" not in explain(exc).message  # str(exc) would be "('No Bluetooth ...', <...>)"


def test_command_error_message_is_the_result_description() -> None:
    exc = TrainerCommandError(ResultCode.CONTROL_NOT_PERMITTED, 0x05)
    assert str(exc) == ResultCode.CONTROL_NOT_PERMITTED.description
    assert explain(exc).message == ResultCode.CONTROL_NOT_PERMITTED.description


def test_the_chain_is_searched_for_a_known_cause() -> None:
    try:
        try:
            raise FileNotFoundError(2, "No such file or directory")
        except FileNotFoundError as inner:
            raise RuntimeError("wrapped") from inner
    except RuntimeError as outer:
        assert explain(outer).kind is K.NO_SYSTEM_BUS


def test_bluetooth_unavailable_carries_its_problem() -> None:
    problem = BluetoothProblem(K.POWERED_OFF, "Bluetooth is turned off.")
    exc = BluetoothUnavailable(problem)
    assert explain(exc) is problem and str(exc) == "Bluetooth is turned off."


def test_other_keeps_a_short_detail_only() -> None:
    problem = explain(BleakError("x" * 500))
    assert len(problem.message) < 200


def test_a_link_error_keeps_the_kind_of_its_cause() -> None:
    try:
        try:
            raise FileNotFoundError(2, "No such file or directory")
        except FileNotFoundError as inner:
            raise TrainerUnavailableError(explain(inner).message) from inner
    except TrainerUnavailableError as outer:
        problem = explain(outer)
    assert problem.kind is K.NO_SYSTEM_BUS and problem.offer_simulator
