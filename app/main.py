"""`freewheel`: parse the command line and run what it asks for.

With no subcommand it opens the desktop app; subcommands make every capability
scriptable (ARCHITECTURE.md, "The command line"). Exit codes (`app.cli.exits`): 0
success, 2 bad usage or bad input (one line on stderr), 1 anything else.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

from app.cli.exits import EXIT_FAILURE, EXIT_USAGE, CommandFailed, UsageError
from app.cli.parser import COMMANDS, app_parser, full_parser


def main(argv: Sequence[str] | None = None) -> int:
    words = list(sys.argv[1:] if argv is None else argv)
    wants_help = any(w in ("-h", "--help") for w in words)
    if not wants_help and not set(COMMANDS).intersection(words):
        from app.cli.gui import gui_command

        return gui_command(app_parser().parse_args(words))
    args = full_parser().parse_args(words)
    if args.run is None:  # e.g. `freewheel --data-dir X` reached through --help's parser
        from app.cli.gui import gui_command

        return gui_command(args)
    from app.compose.logs import start_logging

    start_logging(getattr(args, "data_dir", None))
    try:
        code: int = args.run(args)
        return code
    except UsageError as exc:
        print(f"freewheel: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except CommandFailed as exc:
        print(f"freewheel: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    except KeyboardInterrupt:
        return EXIT_FAILURE
    except BrokenPipeError:  # `freewheel ... | head`: the reader left; not an error to report
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_FAILURE


if __name__ == "__main__":
    raise SystemExit(main())
