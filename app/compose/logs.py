"""Logging for every front end: data_dir/logs (rotating, redacted); never fatal."""

from __future__ import annotations

import os
import sys


def start_logging(data_dir: str | os.PathLike[str] | None) -> None:
    try:
        from app.infra.logs import install_crash_handlers, setup_logging
        from app.infra.paths import app_paths

        setup_logging(app_paths(data_dir).data_dir / "logs")
        install_crash_handlers()
    except OSError as exc:
        print(f"freewheel: not logging to a file ({exc})", file=sys.stderr)
