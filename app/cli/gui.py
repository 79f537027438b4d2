"""`freewheel` with no subcommand: the desktop app."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from app.cli.exits import EXIT_FAILURE
from app.compose.gui import run_desktop
from app.compose.options import BleBackend, GuiOptions


def gui_options(args: argparse.Namespace) -> GuiOptions:
    return GuiOptions(
        data_dir=Path(args.data_dir) if args.data_dir else None,
        simulate=bool(args.simulate),
        ble_backend=BleBackend.VIRTUAL if args.virtual_ble else BleBackend.SYSTEM,
    )


def gui_command(args: argparse.Namespace) -> int:
    from app.services.data_folder import FolderInUse

    try:
        return run_desktop(gui_options(args))
    except FolderInUse as exc:
        print(f"freewheel: {exc}", file=sys.stderr)
        return EXIT_FAILURE
