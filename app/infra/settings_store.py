"""settings.json: the rider's settings, loaded forgivingly and saved atomically.

A bad value never stops the app: each field that fails validation falls back to its
default, and the problems come back in plain words for the settings screen to show. Keys
this module does not own (the sync settings) are kept as they are when saving.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pydantic loads only when the full settings are read or written
    from app.core.settings import RiderSettings

log = logging.getLogger(__name__)


def _read(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        log.warning("settings file %s unreadable (%s): defaults used", path, exc)
        return {}
    return data if isinstance(data, dict) else {}


def load_settings(path: Path) -> tuple[RiderSettings, list[str]]:
    """The settings, and what was wrong with the file (empty when all was well)."""
    from pydantic import ValidationError

    from app.core.settings import RiderSettings, explain

    data = {k: v for k, v in _read(path).items() if k in RiderSettings.model_fields}
    try:
        return RiderSettings.model_validate(data), []
    except ValidationError as exc:
        problems = explain(exc)
        bad = {str(e["loc"][0]) for e in exc.errors() if e["loc"]}
    kept = {k: v for k, v in data.items() if k not in bad}
    try:
        return RiderSettings.model_validate(kept), problems
    except ValidationError:
        return RiderSettings(), problems


def save_settings(path: Path, settings: RiderSettings) -> None:
    data = _read(path)
    data.update(settings.model_dump(mode="json"))
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "wb") as out:
        out.write((json.dumps(data, indent=2) + "\n").encode("utf-8"))
        out.flush()
        os.fsync(out.fileno())
    os.replace(tmp, path)


def quick_ftp_w(path: Path, default: int = 200) -> int:
    """Just the FTP, without importing pydantic: what the first frame of the desktop app
    needs. The full, validated settings load right after it is on screen."""
    value = _read(path).get("ftp_w")
    if isinstance(value, int) and not isinstance(value, bool) and 50 <= value <= 700:
        return value
    return default
