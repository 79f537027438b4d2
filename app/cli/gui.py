"""`freewheel` with no subcommand: the desktop app."""

from __future__ import annotations

import argparse
import gc
import logging
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from app.infra.paths import app_paths
from app.main import EXIT_OK, start_logging
from app.wiring import DEFAULT_FTP_W, open_library

if TYPE_CHECKING:
    from app.runtime.ride_control import RideHandle
    from app.wiring import RideStack

log = logging.getLogger(__name__)


class LazyRides:
    """Builds the device loop, trainer and journal on first use, so the library shows
    before any of it is imported. The app warms it up right after the first paint."""

    def __init__(self, build: Callable[[], RideStack]) -> None:
        self._build = build
        self._stack: RideStack | None = None

    @property
    def stack(self) -> RideStack:
        if self._stack is None:
            self._stack = self._build()
        return self._stack

    def warm_up(self) -> None:
        _ = self.stack

    def start(self, workout: Any, **kwargs: Any) -> RideHandle:
        return self.stack.start(workout, **kwargs)

    def close(self) -> None:
        if self._stack is not None:
            self._stack.close()


def gui_command(args: argparse.Namespace) -> int:
    # Until the window is ready, everything created (Qt, the UI modules, the library) stays
    # for the whole session: no point collecting garbage among it. run_gui turns collection
    # back on once the window has painted.
    gc.disable()
    from app.ui.app import run_gui
    from app.ui.services import GuiServices

    paths = app_paths(args.data_dir)
    library = open_library(paths)
    for error in library.errors:
        log.warning("bundled workout skipped: %s", error)

    def build_stack() -> RideStack:
        from app.runtime.clock import MonotonicClock
        from app.wiring import build_ride_stack

        return build_ride_stack(paths, clock=MonotonicClock(), ftp_w=DEFAULT_FTP_W)

    rides = LazyRides(build_stack)

    def after_first_frame() -> None:
        start_logging(args)
        rides.warm_up()
    services = GuiServices(
        library=library,
        rides=rides,
        ftp_w=DEFAULT_FTP_W,
        trainer_name="Freewheel Sim Trainer",
        status_text="Offline · simulated trainer",
        after_ready=after_first_frame,
    )
    try:
        code = run_gui(services, sys.argv[:1])
    finally:
        rides.close()
        library.close()
    return code if code is not None else EXIT_OK
