"""`freewheel` with no subcommand: the desktop app."""

from __future__ import annotations

import argparse
import gc
import logging
import sys
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from app.infra.paths import app_paths
from app.main import EXIT_OK, start_logging
from app.wiring import DEFAULT_FTP_W, open_library

if TYPE_CHECKING:
    from pathlib import Path

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

    services, close = build_gui_services(args)
    try:
        code = run_gui(services, sys.argv[:1])
    finally:
        close()
    return code if code is not None else EXIT_OK


def _calendar_source(library: Any) -> Any:
    from app.cli.calendar_port import calendar_source

    return calendar_source(library)


def about_text(paths: Any) -> str:
    """The About box; importlib.metadata costs ~35 ms, so only when the rider asks."""
    from importlib import metadata

    try:
        version = metadata.version("freewheel")
    except metadata.PackageNotFoundError:
        version = "development"
    return (
        f"<h3>Freewheel {version}</h3><p>An offline-first workout client for indoor cycling:"
        " the library, calendar and rides live on this computer; sync happens when it can."
        f"</p><p>Data folder: <code>{paths.data_dir}</code></p>"
    )


def build_gui_services(args: argparse.Namespace) -> tuple[Any, Callable[[], None]]:
    """Everything the desktop app needs, and how to close it all."""
    from app.cli.gui_ports import (
        BluetoothDevices,
        InterruptedRides,
        Lazy,
        LazySync,
        RidesDbGuard,
        SettingsFile,
        make_exporter,
        todays_workout_source,
    )
    from app.infra.settings_store import quick_ftp_w
    from app.ui.services import GuiServices

    paths = app_paths(args.data_dir)
    library = open_library(paths)
    for error in library.errors:
        log.warning("bundled workout skipped: %s", error)
    ftp_w = float(quick_ftp_w(paths.settings_file, int(DEFAULT_FTP_W)))
    rides_db = RidesDbGuard(paths.rides_db)
    sync = LazySync(paths, library, before=rides_db)

    def build_stack() -> RideStack:
        from app.infra.settings_store import load_settings
        from app.runtime.clock import MonotonicClock
        from app.wiring import build_ride_stack

        settings, _ = load_settings(paths.settings_file)
        return build_ride_stack(
            paths,
            clock=MonotonicClock(),
            ftp_w=float(settings.ftp_w),
            erg=replace(settings.erg.to_erg_settings(), auto_pause=settings.auto_pause),
            after_ride=sync.ride_finished,
            remembered_ble=not devices.simulator_chosen,
            power_match=settings.erg.power_match,
        )

    rides = LazyRides(build_stack)
    devices = BluetoothDevices(
        paths, loop=lambda: rides.stack.loop, links=lambda: {"trainer": rides.stack.trainer}
    )

    notices: list[Callable[[str], None]] = []  # the window's notice, once it is up

    def after_first_frame() -> None:
        start_logging(args)
        rides_db()
        rides.warm_up()
        recovered = rides_db.recovered
        if recovered is not None:
            message = (f"Your rides database could not be read; it was kept as {recovered.name} "
                       "and a new one started.")  # fmt: skip
            log.error("%s (%s)", message, recovered)
            for notify in notices:
                notify(message)

    def crash_hook(notify: Callable[[str], None]) -> None:
        from app.infra.logs import install_crash_handlers

        notices.append(notify)
        install_crash_handlers(on_crash=notify)

    def open_history() -> Any:
        from app.infra.store.history import RideHistory

        return RideHistory(rides_db())

    history = Lazy(open_history)

    def write_diagnostics(out: Path) -> int:
        from app.cli.diagnostics import known_secrets
        from app.infra.diagnostics import build_bundle

        return len(build_bundle(paths, out, known_secrets(paths)))

    services = GuiServices(
        library=library,
        rides=rides,
        ftp_w=ftp_w,
        trainer_name="Freewheel Sim Trainer",
        status_text="Offline · simulated trainer",
        after_ready=after_first_frame,
        history=history,
        export_ride=make_exporter(paths.rides_db),  # after the guard: History opens first
        interrupted=InterruptedRides(rides_db, rides),
        sync=sync,
        todays_workout=todays_workout_source(library, rides_db),
        calendar=Lazy(lambda: _calendar_source(library)),
        settings=SettingsFile(paths, lambda: sync.keyring_state),
        devices=devices,
        crash_hook=crash_hook,
        diagnostics=write_diagnostics,
        about=lambda: about_text(paths),
        cache_dir=paths.cache_dir,
    )

    def close() -> None:
        rides.close()
        if sync.close():  # a sync still running keeps using the library
            library.close()

    return services, close
