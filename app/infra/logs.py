"""Logging to a rotating file in the data folder, and the last-resort crash handlers.

Every record passes a redacting filter on its way to disk: tokens, passwords and e-mail
addresses never reach the log, so neither the log nor a diagnostics bundle can leak them.
"""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from app.infra.redact import redact

LOG_BYTES = 1_000_000
LOG_BACKUPS = 5


class RedactingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage())
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


def setup_logging(log_dir: Path, level: int = logging.INFO) -> Path:
    """Log to log_dir/freewheel.log (rotating); idempotent."""
    log_dir.mkdir(parents=True, exist_ok=True)
    path = log_dir / "freewheel.log"
    root = logging.getLogger()
    if any(getattr(h, "baseFilename", None) == str(path) for h in root.handlers):
        return path
    from logging.handlers import RotatingFileHandler  # (imports socket: not at start-up)

    handler = RotatingFileHandler(
        path, maxBytes=LOG_BYTES, backupCount=LOG_BACKUPS, encoding="utf-8"
    )
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)s %(threadName)s %(name)s: %(message)s")
    )
    handler.addFilter(RedactingFilter())
    root.addHandler(handler)
    root.setLevel(min(root.level or level, level))
    return path


def install_crash_handlers(on_crash: Callable[[str], None] | None = None) -> None:
    """An unexpected exception on any thread is logged (with its traceback) and reported
    through `on_crash` in one plain line; the process and the ride carry on."""
    log = logging.getLogger("freewheel.crash")

    def report(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
        log.error("unexpected error", exc_info=(kind, value, tb))
        if on_crash is None:
            print(f"freewheel: unexpected error ({kind.__name__}: {redact(str(value))}); "
                  "the details are in the log", file=sys.stderr)  # fmt: skip
        else:
            try:
                on_crash(f"Something went wrong ({kind.__name__}); it was logged.")
            except Exception:  # the notice itself must never raise
                log.exception("crash notice failed")

    def thread_hook(args: threading.ExceptHookArgs) -> None:
        if args.exc_value is not None:
            report(args.exc_type, args.exc_value, args.exc_traceback)

    sys.excepthook = report
    threading.excepthook = thread_hook
