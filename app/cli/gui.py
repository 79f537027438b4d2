"""`freewheel` with no subcommand: the desktop app."""

from __future__ import annotations

import argparse
import logging
import sys

from app.infra.paths import app_paths
from app.main import EXIT_OK
from app.runtime.clock import MonotonicClock
from app.wiring import DEFAULT_FTP_W, build_ride_stack, open_bundled_library

log = logging.getLogger(__name__)


def gui_command(args: argparse.Namespace) -> int:
    from app.ui.app import run_gui
    from app.ui.services import GuiServices

    library, report = open_bundled_library()
    for error in report.errors:
        log.warning("bundled workout skipped: %s", error)
    stack = build_ride_stack(app_paths(args.data_dir), clock=MonotonicClock(), ftp_w=DEFAULT_FTP_W)
    services = GuiServices(
        library=library,
        rides=stack.controller,
        ftp_w=DEFAULT_FTP_W,
        trainer_name=stack.trainer.name,
        status_text="Offline · simulated trainer",
    )
    try:
        code = run_gui(services, sys.argv[:1])
    finally:
        stack.close()
    return code if code is not None else EXIT_OK
