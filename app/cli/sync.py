"""`freewheel sync [--once]` and `freewheel status [--json]`. Neither prints the token."""

from __future__ import annotations

import argparse
import json
import logging
import signal
import sys
import threading
from datetime import datetime
from typing import TYPE_CHECKING, Any

from app.cli.exits import EXIT_FAILURE, EXIT_OK

if TYPE_CHECKING:
    from app.compose.sync import SyncStack
    from app.core.sync.status import SyncStatus

log = logging.getLogger(__name__)


def add_parsers(sub: argparse._SubParsersAction[Any], common: argparse.ArgumentParser) -> None:
    sync = sub.add_parser("sync", parents=[common], help="run the sync worker")
    sync.add_argument("--once", action="store_true", help="one sync, then exit")
    sync.add_argument(
        "--interval",
        type=float,
        default=300.0,
        metavar="S",
        help="seconds between syncs (default 300)",
    )
    sync.add_argument("-v", "--verbose", action="count", default=0, help="log more")
    sync.set_defaults(run=sync_command)
    status = sub.add_parser("status", parents=[common], help="sync and service status")
    status.add_argument(
        "--no-network", action="store_true", help="do not fetch the service status page"
    )
    status.set_defaults(run=status_command)


def _stack(args: argparse.Namespace, interval_s: float | None = None) -> SyncStack:
    from app.compose.sync import SYNC_INTERVAL_S, build_sync_stack
    from app.infra.paths import app_paths

    paths = app_paths(getattr(args, "data_dir", None))
    return build_sync_stack(paths, interval_s=interval_s or SYNC_INTERVAL_S)


def _configure_logging(verbose: int) -> None:
    level = logging.DEBUG if verbose >= 2 else logging.INFO if verbose == 1 else logging.WARNING
    root = logging.getLogger()
    if not root.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root.addHandler(handler)
    root.setLevel(level)


def _print_status(status: SyncStatus, as_json: bool) -> None:
    from app.core.sync.status import status_to_dict

    if as_json:
        print(json.dumps(status_to_dict(status)), flush=True)
    else:
        print(f"[{status.state.value}] {status.message}", flush=True)


def sync_command(args: argparse.Namespace) -> int:

    from app.cli.claims import claimed
    from app.infra.paths import app_paths

    _configure_logging(args.verbose)
    with claimed(app_paths(getattr(args, "data_dir", None))):
        return _sync(args)


def _sync(args: argparse.Namespace) -> int:
    from app.core.sync.status import SyncState

    stack = _stack(args, interval_s=max(args.interval, 1.0))
    try:
        if args.once:
            status = stack.worker.run_once("sync --once")
            _print_status(status, args.json)
            return EXIT_OK if status.state is SyncState.UP_TO_DATE else EXIT_FAILURE
        _run_until_stopped(stack, as_json=args.json)
        return EXIT_OK
    finally:
        stack.close()


def _run_until_stopped(stack: SyncStack, *, as_json: bool) -> None:
    """Print each settled status once, until SIGTERM or Ctrl+C."""
    from app.core.sync.status import SyncState

    stop = threading.Event()
    last: list[tuple[str, str]] = []

    def show(status: SyncStatus) -> None:
        key = (status.state.value, status.message)
        if status.state is not SyncState.SYNCING and last[-1:] != [key]:
            last.append(key)
            _print_status(status, as_json)

    stack.worker.add_listener(show)
    previous = signal.signal(signal.SIGTERM, lambda *_: stop.set())
    stack.worker.start()
    try:
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)


def _when(value: datetime | None) -> str:
    return value.astimezone().strftime("%Y-%m-%d %H:%M") if value else "never"


def status_command(args: argparse.Namespace) -> int:
    from app.core.sync.errors import BackendError
    from app.core.sync.status import status_to_dict

    stack = _stack(args)
    try:
        summary = None
        page = stack.session.ports.status_page
        if page is not None and not args.no_network:
            try:
                summary = page.summary()
            except BackendError as exc:
                log.info("service status unavailable: %s", exc)
        status = stack.session.snapshot(summary)
    finally:
        stack.close()
    if args.json:
        data = status_to_dict(status)
        data["service_checked"] = summary is not None
        print(json.dumps(data, indent=2))
        return EXIT_OK
    _print_status_page(status)
    return EXIT_OK


def _print_status_page(status: SyncStatus) -> None:
    print(f"Sync:      {status.state.value.replace('_', ' ')}: {status.message}")
    print(f"Server:    {status.server_url or '(none; freewheel signin --server URL --email E)'}")
    if status.account_email:
        print(f"Account:   {status.account_email}")
    print(f"Token:     {status.token_state.value}")
    print(f"Last sync: {_when(status.last_success_at)}")
    print(f"Rides:     {status.rides_waiting} waiting, {status.rides_failed} failed")
    for ride in status.failed_rides:
        print(f"  - {ride.started_at[:16]} {ride.workout_name} ({ride.ride_id}): {ride.reason}")
    if status.service_indicator is not None:
        print(f"Service:   {status.service_description or status.service_indicator}")
        for component in status.components:
            print(f"  - {component.name}: {component.state.words}")
