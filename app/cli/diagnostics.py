"""`freewheel diagnostics --out FILE.zip`: a redacted bundle for a bug report."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from app.cli.exits import EXIT_OK, UsageError


def add_parsers(sub: argparse._SubParsersAction[Any], common: argparse.ArgumentParser) -> None:
    diagnostics = sub.add_parser(
        "diagnostics", parents=[common], help="a redacted bundle of logs and settings"
    )
    diagnostics.add_argument("--out", required=True, metavar="FILE.zip")
    diagnostics.set_defaults(run=diagnostics_command)


def diagnostics_command(args: argparse.Namespace) -> int:
    from app.infra.paths import app_paths
    from app.services.diagnostics import write_diagnostics

    out = Path(args.out)
    if out.suffix.lower() != ".zip":
        raise UsageError("--out must name a .zip file")
    try:
        names = write_diagnostics(app_paths(args.data_dir), out)
    except OSError as exc:
        raise UsageError(f"cannot write {out}: {exc.strerror or exc}") from exc
    print(f"wrote {out} ({len(names)} files; tokens, passwords and e-mail addresses removed)")
    return EXIT_OK
