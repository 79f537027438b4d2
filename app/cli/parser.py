"""The `freewheel` command line: which subcommands exist and where each is defined.

Every command module has `add_parsers(subparsers, common)`, which declares its
subcommands and binds each to its handler (`set_defaults(run=handler)`); `main` runs
`args.run(args)`. Opening the desktop app (no subcommand) builds only `app_parser()`, so
the first frame never waits for what the subcommands import.
"""

from __future__ import annotations

import argparse
import importlib

__all__ = ["COMMANDS", "app_parser", "full_parser"]

COMMANDS: dict[str, str] = {
    "ride": "app.cli.ride",
    "workout": "app.cli.workout",
    "rides": "app.cli.rides",
    "import": "app.cli.library",
    "library": "app.cli.library",
    "convert": "app.cli.library",
    "signin": "app.cli.account",
    "signout": "app.cli.account",
    "sync": "app.cli.sync",
    "status": "app.cli.sync",
    "devices": "app.cli.devices",
    "diagnostics": "app.cli.diagnostics",
    "server": "app.cli.server",
}
"""Subcommand -> the module that defines it."""

DESCRIPTION = "Offline-first indoor cycling."


def app_parser() -> argparse.ArgumentParser:
    """Just the desktop app's own options."""
    parser = argparse.ArgumentParser(prog="freewheel", description=DESCRIPTION)
    _app_options(parser, data_dir_help="keep all state in this folder (env FREEWHEEL_HOME)")
    parser.set_defaults(run=None)
    return parser


def full_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="freewheel", description=DESCRIPTION)
    _app_options(parser, data_dir_help=argparse.SUPPRESS)
    parser.set_defaults(run=None)
    common = argparse.ArgumentParser(add_help=False)
    # SUPPRESS: `freewheel --data-dir X CMD` must not be undone by the subcommand's default
    common.add_argument(
        "--data-dir",
        default=argparse.SUPPRESS,
        help="keep all state in this folder (env FREEWHEEL_HOME)",
    )
    common.add_argument("--json", action="store_true", help="machine-readable output")
    sub = parser.add_subparsers(dest="command")
    for module in dict.fromkeys(COMMANDS.values()):  # each once, in the table's order
        importlib.import_module(module).add_parsers(sub, common)
    return parser


def _app_options(parser: argparse.ArgumentParser, *, data_dir_help: str) -> None:
    parser.add_argument("--data-dir", help=data_dir_help)
    parser.add_argument("--simulate", action="store_true", help="ride the simulated trainer")
    parser.add_argument(
        "--virtual-ble",
        action="store_true",
        help="the Devices screen scans virtual Bluetooth devices (needs bumble)",
    )
