"""`freewheel devices scan [--timeout S] [--json] [--remember] [--virtual-ble]`.

Without Bluetooth (no adapter, Bluetooth off, no system D-Bus, bluetoothd not running) it
prints the problem in plain words and exits 1: never a traceback. `--virtual-ble` scans an
in-process virtual radio with one of each virtual device instead of the OS stack (tests,
demos; needs the optional `bumble` package).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

from app.cli.exits import EXIT_FAILURE, EXIT_OK, UsageError

if TYPE_CHECKING:
    from app.services.devices import FoundDevice, NoBluetooth

__all__ = ["add_parsers", "scan_command"]

DEFAULT_SCAN_TIMEOUT_S = 5.0
MAX_SCAN_TIMEOUT_S = 120.0


def add_parsers(sub: argparse._SubParsersAction[Any], common: argparse.ArgumentParser) -> None:
    devices = sub.add_parser("devices", help="Bluetooth trainers and sensors")
    devices_sub = devices.add_subparsers(dest="devices_command", required=True)
    scan = devices_sub.add_parser("scan", parents=[common], help="list trainers and sensors nearby")
    scan.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_SCAN_TIMEOUT_S,
        metavar="S",
        help=f"seconds to listen (default {DEFAULT_SCAN_TIMEOUT_S:g})",
    )
    scan.add_argument(
        "--remember",
        action="store_true",
        help="use the first trainer and sensor of each kind found from now on",
    )
    scan.add_argument(
        "--virtual-ble",
        action="store_true",
        help="scan virtual devices on an in-process radio (needs bumble)",
    )
    scan.set_defaults(run=scan_command)


def scan_command(args: argparse.Namespace) -> int:
    timeout_s = float(args.timeout)
    if not 0 < timeout_s <= MAX_SCAN_TIMEOUT_S:
        raise UsageError(f"--timeout must be between 0 and {MAX_SCAN_TIMEOUT_S:g} seconds")
    from app.services.devices import BleBackend, NoBluetooth, scan_devices

    backend = BleBackend.VIRTUAL if args.virtual_ble else BleBackend.SYSTEM
    try:
        found = scan_devices(timeout_s, backend=backend)
    except NoBluetooth as exc:
        return _report(exc, as_json=args.json)
    if args.remember:
        _remember(args, found)
    _print(found, as_json=args.json)
    return EXIT_OK


def _report(problem: NoBluetooth, *, as_json: bool) -> int:
    if as_json:
        error = {"kind": problem.kind, "message": str(problem)}
        print(json.dumps({"devices": [], "error": error}, indent=2))
    print(f"freewheel: {problem}", file=sys.stderr)
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
    from app.infra.paths import app_paths
    from app.services.devices import remember_first_of_each_kind

    chosen = remember_first_of_each_kind(app_paths(args.data_dir), found)
    if chosen and not args.json:
        names = ", ".join(f"{role.value}: {device.name}" for role, device in chosen.items())
        print(f"Remembered {names}", file=sys.stderr)
