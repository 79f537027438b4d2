"""Composition root and command-line entry: the only module that knows every layer.

`freewheel` with no arguments opens the desktop app; subcommands make every capability
scriptable (see ARCHITECTURE.md, "The command line"). Exit codes: 0 success, 2 bad usage
or bad input (one line on stderr), 1 anything else.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

EXIT_OK, EXIT_FAILURE, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """Bad usage or bad input: reported in one line, exit code 2."""


COMMANDS = frozenset({
    "ride", "workout", "rides", "import", "library", "convert", "server", "signin",
    "signout", "sync", "status", "devices", "diagnostics",
})  # fmt: skip


def build_app_parser() -> argparse.ArgumentParser:
    """Just the desktop app's own options: opening the app must not import what the
    subcommands need (asyncio, httpx, the server) before the first frame."""
    parser = argparse.ArgumentParser(prog="freewheel", description="Offline-first indoor cycling.")
    parser.add_argument("--data-dir", help="keep all state in this folder (env FREEWHEEL_HOME)")
    parser.add_argument("--simulate", action="store_true", help="use the simulated trainer")
    parser.set_defaults(command=None)
    return parser


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="freewheel", description="Offline-first indoor cycling.")
    common = argparse.ArgumentParser(add_help=False)
    # SUPPRESS: `freewheel --data-dir X CMD` must not be undone by the subcommand's default
    common.add_argument(
        "--data-dir",
        default=argparse.SUPPRESS,
        help="keep all state in this folder (env FREEWHEEL_HOME)",
    )
    common.add_argument("--json", action="store_true", help="machine-readable output")
    parser.add_argument("--data-dir", help=argparse.SUPPRESS)
    parser.add_argument("--simulate", action="store_true", help="use the simulated trainer")
    sub = parser.add_subparsers(dest="command")

    ride = sub.add_parser("ride", parents=[common], help="ride a workout headless")
    source = ride.add_mutually_exclusive_group()
    source.add_argument("--simulate", action="store_true", help="simulated trainer (default)")
    source.add_argument(
        "--virtual-ble",
        action="store_true",
        help="ride virtual Bluetooth devices through the real BLE path (needs bumble)",
    )
    ride.add_argument("--workout", help="library workout name or id, or a workout file")
    ride.add_argument(
        "--resume", action="store_true", help="carry on the ride the app was stopped in"
    )
    ride.add_argument("--ftp", type=float, default=None, help="FTP in watts")
    ride.add_argument("--intensity", type=int, default=100, help="intensity in percent")
    ride.add_argument(
        "--speed", default="1", help="times real time, or 'max' for as fast as possible"
    )
    ride.add_argument("--seed", type=int, default=1, help="simulated rider seed")

    workout = sub.add_parser("workout", help="workout files")
    workout_sub = workout.add_subparsers(dest="workout_command", required=True)
    info = workout_sub.add_parser("info", parents=[common], help="describe a workout file")
    info.add_argument("file")

    rides = sub.add_parser("rides", help="recorded rides")
    rides_sub = rides.add_subparsers(dest="rides_command", required=True)
    rides_sub.add_parser("list", parents=[common], help="rides with their state")
    export = rides_sub.add_parser("export", parents=[common], help="write a ride as FIT or TCX")
    export.add_argument("ride_id", metavar="ID")
    target = export.add_mutually_exclusive_group(required=True)
    target.add_argument("--fit", metavar="PATH")
    target.add_argument("--tcx", metavar="PATH")
    for verb, text in (("save", "keep an interrupted ride as it is"),
                       ("discard", "throw an interrupted ride away")):  # fmt: skip
        closing = rides_sub.add_parser(verb, parents=[common], help=text)
        closing.add_argument("ride_id", metavar="ID")

    imp = sub.add_parser("import", parents=[common], help="add workout files or folders")
    imp.add_argument("paths", nargs="+", metavar="PATH")

    library = sub.add_parser("library", help="the workout library")
    library_sub = library.add_subparsers(dest="library_command", required=True)
    listing = library_sub.add_parser("list", parents=[common], help="list the library")
    listing.add_argument("--search", help="words that must all appear")
    listing.add_argument("--category", action="append", help="only this category (repeatable)")
    listing.add_argument("--source", action="append", choices=["bundled", "imported", "synced"])
    listing.add_argument("--min-minutes", type=float)
    listing.add_argument("--max-minutes", type=float)
    listing.add_argument("--favourites", action="store_true")
    listing.add_argument(
        "--sort", default="name", choices=["name", "duration", "tss", "if", "category"]
    )

    convert = sub.add_parser("convert", parents=[common], help="convert a workout file")
    convert.add_argument("input", metavar="IN")
    convert.add_argument("output", metavar="OUT")
    convert.add_argument("--ftp", type=int, help="FTP in watts, where the format needs one")

    from app.server.cli import add_server_parser

    add_server_parser(sub)
    from app.cli.sync import add_sync_parsers

    add_sync_parsers(sub, common)
    from app.cli.devices import add_devices_parser

    add_devices_parser(sub, common)
    diagnostics = sub.add_parser(
        "diagnostics", parents=[common], help="a redacted bundle of logs and settings"
    )
    diagnostics.add_argument("--out", required=True, metavar="FILE.zip")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    words = list(sys.argv[1:] if argv is None else argv)
    wants_help = any(w in ("-h", "--help") for w in words)
    opens_app = not wants_help and not COMMANDS.intersection(words)
    args = (build_app_parser() if opens_app else build_parser()).parse_args(words)
    if not opens_app:  # the desktop app starts logging right after its first frame
        start_logging(args)
    try:
        return _dispatch(args)
    except UsageError as exc:
        print(f"freewheel: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return EXIT_FAILURE
    except BrokenPipeError:  # `freewheel ... | head`: the reader left; not an error to report
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_FAILURE


def start_logging(args: argparse.Namespace) -> None:
    """Every command logs to data_dir/logs (rotating, redacted); never fatal."""
    try:
        from app.infra.logs import install_crash_handlers, setup_logging
        from app.infra.paths import app_paths

        setup_logging(app_paths(getattr(args, "data_dir", None)).data_dir / "logs")
        install_crash_handlers()
    except OSError as exc:
        print(f"freewheel: not logging to a file ({exc})", file=sys.stderr)


def _dispatch(args: argparse.Namespace) -> int:
    if args.command == "ride":
        from app.cli.ride import ride_command

        return ride_command(args)
    if args.command == "diagnostics":
        from app.cli.diagnostics import diagnostics_command

        return diagnostics_command(args)
    if args.command == "devices":
        from app.cli.devices import devices_command

        return devices_command(args)
    if args.command in ("signin", "signout", "sync", "status"):
        from app.cli.sync import sync_command

        return sync_command(args)
    if args.command == "server":
        from app.server.cli import server_command

        return server_command(args)
    if args.command == "rides":
        from app.cli import rides

        return rides.rides_command(args)
    if args.command in ("import", "library", "convert"):
        from app.cli import library

        handler = {
            "import": library.import_command,
            "library": library.library_list_command,
            "convert": library.convert_command,
        }[args.command]
        return handler(args)
    if args.command == "workout":
        from app.cli.workout import workout_info_command

        return workout_info_command(args)
    from app.cli.gui import gui_command

    return gui_command(args)


if __name__ == "__main__":
    raise SystemExit(main())
