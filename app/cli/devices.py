"""`freewheel devices scan [--timeout S] [--json] [--remember]`: trainers and sensors nearby.

Without Bluetooth (no adapter, Bluetooth off, no system D-Bus, bluetoothd not running) it
prints the problem in plain words and exits 1: never a traceback.

`FREEWHEEL_BLE_BACKEND=virtual` scans an in-process virtual radio with one of each virtual
device instead of the OS stack (tests, demos; needs the optional `bumble` dependency).

Building the parser imports nothing heavy: bleak is imported when the command runs.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from typing import TYPE_CHECKING, Any

from app.main import EXIT_FAILURE, EXIT_OK, UsageError

if TYPE_CHECKING:
    from app.infra.ble.errors import BluetoothProblem
    from app.infra.ble.scanner import FoundDevice

__all__ = ["add_devices_parser", "devices_command"]

DEFAULT_SCAN_TIMEOUT_S = 5.0
MAX_SCAN_TIMEOUT_S = 120.0


def add_devices_parser(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
    common: argparse.ArgumentParser,
) -> argparse.ArgumentParser:
    """`devices scan`; `common` carries --data-dir and --json."""
    devices = subparsers.add_parser("devices", help="Bluetooth trainers and sensors")
    devices_sub = devices.add_subparsers(dest="devices_command", required=True)
    scan_parser = devices_sub.add_parser(
        "scan", parents=[common], help="list trainers and sensors nearby"
    )
    scan_parser.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_SCAN_TIMEOUT_S,
        metavar="S",
        help=f"seconds to listen (default {DEFAULT_SCAN_TIMEOUT_S:g})",
    )
    scan_parser.add_argument(
        "--remember",
        action="store_true",
        help="use the first trainer and sensor of each kind found from now on",
    )
    return devices


def devices_command(args: argparse.Namespace) -> int:
    if args.devices_command != "scan":
        raise UsageError(f"unknown devices command {args.devices_command!r}")
    timeout_s = float(args.timeout)
    if not 0 < timeout_s <= MAX_SCAN_TIMEOUT_S:
        raise UsageError(f"--timeout must be between 0 and {MAX_SCAN_TIMEOUT_S:g} seconds")
    from app.infra.ble.errors import BluetoothProblem, BluetoothUnavailable, ProblemKind

    try:
        found = asyncio.run(_scan(timeout_s))
    except BluetoothUnavailable as exc:
        return _report(exc.problem, as_json=args.json)
    except ImportError:
        return _report(
            BluetoothProblem(
                ProblemKind.OTHER,
                "The virtual Bluetooth radio needs the optional 'bumble' package "
                "(pip install 'freewheel[virtual]').",
            ),
            as_json=args.json,
        )
    if args.remember:
        _remember(args, found)
    _print(found, as_json=args.json)
    return EXIT_OK


async def _scan(timeout_s: float) -> list[FoundDevice]:
    from app.infra.ble.scanner import scan
    from app.infra.ble.virtual_demo import virtual_backend_requested

    if not virtual_backend_requested():
        return await scan(timeout_s)
    from app.infra.ble.virtual_demo import open_virtual_radio_with_demo_devices

    async with open_virtual_radio_with_demo_devices() as demo:
        return await scan(timeout_s, backend=demo.radio.scanner_backend)


def _report(problem: BluetoothProblem, *, as_json: bool) -> int:
    if as_json:
        error = {"kind": problem.kind.value, "message": problem.message}
        print(json.dumps({"devices": [], "error": error}, indent=2))
    print(f"freewheel: {problem.message}", file=sys.stderr)
    if problem.offer_simulator:
        print(
            "You can still ride without Bluetooth: freewheel ride --simulate --workout NAME",
            file=sys.stderr,
        )
    return EXIT_FAILURE


def _print(found: list[FoundDevice], *, as_json: bool) -> None:
    if as_json:
        payload: dict[str, Any] = {"devices": [d.as_dict() for d in found], "error": None}
        print(json.dumps(payload, indent=2))
        return
    if not found:
        print("No trainers or sensors found. Wake them up (pedal, wet the strap) and scan again.")
        return
    for d in found:
        kinds = ", ".join(sorted(k.value for k in d.kinds))
        protocol = f" [{d.protocol.value}]" if d.protocol else ""
        rssi = f"{d.rssi} dBm" if d.rssi is not None else "—"
        print(f"{d.name:<24} {d.address:<20} {rssi:>8}  {kinds}{protocol}")


def _remember(args: argparse.Namespace, found: list[FoundDevice]) -> None:
    """Trainer: the first trainer (strongest signal); power, HR, cadence: the first other
    device of that kind, a dedicated sensor before a second trainer (the trainer supplies
    power and cadence itself)."""
    from app.core.devices.roles import Role
    from app.infra.ble.remembered import RememberedDevices
    from app.infra.ble.scanner import DeviceKind
    from app.infra.paths import app_paths

    paths = app_paths(args.data_dir).ensure()
    store = RememberedDevices(paths.config_dir)
    trainer = next((d for d in found if DeviceKind.TRAINER in d.kinds), None)
    chosen: dict[Role, FoundDevice] = {}
    if trainer is not None:
        chosen[Role.TRAINER] = trainer
    for kind, role in (
        (DeviceKind.POWER, Role.POWER),
        (DeviceKind.HR, Role.HR),
        (DeviceKind.CADENCE, Role.CADENCE),
    ):
        candidates = [d for d in found if kind in d.kinds and d is not trainer]
        candidates.sort(key=lambda d: DeviceKind.TRAINER in d.kinds)
        if candidates:
            chosen[role] = candidates[0]
    for role, device in chosen.items():
        store.remember(role, device)
    if chosen and not args.json:
        names = ", ".join(f"{role.value}: {device.name}" for role, device in chosen.items())
        print(f"Remembered {names}", file=sys.stderr)
