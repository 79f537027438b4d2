"""The desktop app: `GuiServices` built from `GuiOptions`, and `run_desktop`.

What the first frame shows (the library, the FTP) is built before the window; the rest —
the ride stack, sync, history, Bluetooth — is built on first use or warmed up right after
the first paint (`after_ready`), so opening the app imports only the library's code.
"""

from __future__ import annotations

import gc
import logging
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from app.compose.lazy import Lazy
from app.compose.options import GuiOptions, TrainerSource

if TYPE_CHECKING:
    from app.compose.gui_adapters.calendar import LibraryCalendar
    from app.compose.gui_adapters.devices import BluetoothDevices
    from app.compose.gui_adapters.rides import RidesDbGuard
    from app.compose.gui_adapters.settings import SettingsFile
    from app.compose.gui_adapters.sync import GuiSync
    from app.compose.ride import RideStack
    from app.infra.paths import AppPaths
    from app.infra.store.library_db import LibraryStore
    from app.ui.ports.sync import TodaySource
    from app.ui.services import GuiServices

__all__ = ["build_gui_services", "run_desktop"]

log = logging.getLogger(__name__)

SIM_TRAINER_NAME = "Freewheel Sim Trainer"


def run_desktop(options: GuiOptions) -> int:
    """Open the window and run until it closes; the exit code. The data folder is held
    for the whole session: a second app or headless ride on it exits at once."""
    # Until the window is ready, everything created (Qt, the UI modules, the library) stays
    # for the whole session: no point collecting garbage among it. run_gui turns collection
    # back on once the window has painted.
    from app.infra.paths import app_paths
    from app.services.data_folder import claim_data_folder

    with claim_data_folder(app_paths(options.data_dir)):  # raises FolderInUse
        gc.disable()
        from app.ui.app import run_gui

        services, close = build_gui_services(options)
        try:
            code = run_gui(services, sys.argv[:1])
        finally:
            close()
    return code if code is not None else 0


def build_gui_services(options: GuiOptions) -> tuple[GuiServices, Callable[[], None]]:
    """Everything the desktop app needs, and how to close it all."""
    from app.compose.gui_adapters.rides import (
        HistoryOnFirstUse,
        InterruptedRides,
        RidesDbGuard,
        StartOnFirstRide,
    )
    from app.compose.ride import DEFAULT_FTP_W
    from app.infra.paths import app_paths
    from app.infra.settings_store import quick_ftp_w
    from app.services.library import open_library
    from app.services.rides import RideExporter
    from app.services.workouts import export_workout
    from app.ui.services import GuiServices

    paths = app_paths(options.data_dir)
    library = open_library(paths)
    for error in library.errors:
        log.warning("bundled workout skipped: %s", error)
    rides_db = RidesDbGuard(paths.rides_db)
    sync = _sync(paths, library, rides_db)
    stack: Lazy[RideStack] = Lazy(lambda: _ride_stack(paths, options, sync, devices))
    devices = _devices(paths, options, stack)
    notices: list[Callable[[str], None]] = []  # the window's notice, once it is up
    services = GuiServices(
        library=library,
        rides=StartOnFirstRide(stack),
        ftp_w=float(quick_ftp_w(paths.settings_file, int(DEFAULT_FTP_W))),
        trainer_name=SIM_TRAINER_NAME,
        status_text="Offline · simulated trainer",
        after_ready=lambda: _after_first_frame(options, rides_db, stack, notices),
        export_workout=export_workout,
        history=HistoryOnFirstUse(rides_db),
        export_ride=RideExporter(paths.rides_db),  # History checks rides.db before
        interrupted=InterruptedRides(rides_db, stack),
        sync=sync,
        todays_workout=_todays_workout(library, rides_db),
        calendar=_calendar(library),
        settings=_settings(paths, sync),
        devices=devices,
        crash_hook=lambda notify: _crash_hook(notices, notify),
        diagnostics=lambda out: _write_diagnostics(paths, out),
        about=lambda: about_text(paths),
        cache_dir=paths.cache_dir,
    )

    def close() -> None:
        ride_stack = stack.if_built()
        if ride_stack is not None:
            ride_stack.close()
        if sync.close():  # a sync still running keeps using the library
            library.close()

    return services, close


def _ride_stack(
    paths: AppPaths, options: GuiOptions, sync: GuiSync, devices: BluetoothDevices
) -> RideStack:
    from app.compose.ride import build_ride_stack
    from app.infra.settings_store import load_settings
    from app.runtime.clock import MonotonicClock

    settings, _ = load_settings(paths.settings_file)
    remembered = not (options.simulate or devices.simulator_chosen)
    return build_ride_stack(
        paths,
        clock=MonotonicClock(),
        ftp_w=float(settings.ftp_w),
        erg=replace(settings.erg.to_erg_settings(), auto_pause=settings.auto_pause),
        after_ride=sync.ride_finished,
        trainer=TrainerSource.REMEMBERED if remembered else TrainerSource.SIMULATED,
        power_match=settings.erg.power_match,
    )


def _sync(paths: AppPaths, library: LibraryStore, rides_db: RidesDbGuard) -> GuiSync:
    from app.compose.gui_adapters.sync import GuiSync

    return GuiSync(paths, library, before=rides_db)


def _devices(paths: AppPaths, options: GuiOptions, stack: Lazy[RideStack]) -> BluetoothDevices:
    from app.compose.gui_adapters.devices import BluetoothDevices

    return BluetoothDevices(
        paths,
        loop=lambda: stack.get().loop,
        links=lambda: {"trainer": stack.get().trainer},
        backend=options.ble_backend,
    )


def _settings(paths: AppPaths, sync: GuiSync) -> SettingsFile:
    from app.compose.gui_adapters.settings import SettingsFile

    return SettingsFile(paths, lambda: sync.keyring_state)


def _calendar(library: LibraryStore) -> LibraryCalendar:
    from app.compose.gui_adapters.calendar import LibraryCalendar

    return LibraryCalendar(library)


def _todays_workout(library: LibraryStore, rides_db: RidesDbGuard) -> TodaySource:
    from app.compose.gui_adapters.calendar import todays_workout_source

    return todays_workout_source(library, rides_db)


def _after_first_frame(
    options: GuiOptions,
    rides_db: RidesDbGuard,
    stack: Lazy[RideStack],
    notices: list[Callable[[str], None]],
) -> None:
    """Right after the first paint: logging, the rides.db check, the ride stack's warm-up,
    and a word to the rider if rides.db had to be moved aside."""
    from app.compose.logs import start_logging

    start_logging(options.data_dir)
    rides_db()
    stack.get()
    recovered = rides_db.recovered
    if recovered is not None:
        message = (
            f"Your rides database could not be read; it was kept as {recovered.name} "
            "and a new one started."
        )
        log.error("%s (%s)", message, recovered)
        for notify in notices:
            notify(message)


def _crash_hook(notices: list[Callable[[str], None]], notify: Callable[[str], None]) -> None:
    from app.infra.logs import install_crash_handlers

    notices.append(notify)
    install_crash_handlers(on_crash=notify)


def _write_diagnostics(paths: AppPaths, out: Path) -> int:
    from app.services.diagnostics import write_diagnostics

    return len(write_diagnostics(paths, out))


def about_text(paths: AppPaths) -> str:
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
