"""A diagnostics bundle for bug reports: logs, settings, device traces, versions.

Everything that goes in is text passed through `redact`, with the known secrets (the
token, the account e-mail) scrubbed verbatim as well. Ride data is not included.
"""

from __future__ import annotations

import json
import platform
import sys
import zipfile
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

from app.infra.paths import AppPaths
from app.infra.redact import redact

PACKAGES = ("freewheel", "PySide6_Essentials", "bleak", "bleak-retry-connector", "httpx",
            "tenacity", "keyring", "pydantic", "pyqtgraph", "platformdirs")  # fmt: skip
BLE_LOGGERS = ("app.infra.ble", "bleak", "bumble")


def versions_text() -> str:
    lines = [f"python {sys.version.split()[0]}", f"platform {platform.platform()}"]
    for name in PACKAGES:
        try:
            lines.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            lines.append(f"{name} (not installed)")
    return "\n".join(lines) + "\n"


def _log_files(paths: AppPaths) -> list[Path]:
    folder = paths.data_dir / "logs"
    return sorted(folder.glob("freewheel.log*")) if folder.is_dir() else []


def _ble_trace(logs: list[Path], max_lines: int = 2000) -> str:
    lines: list[str] = []
    for path in reversed(logs):  # oldest rotated file first
        text = path.read_text("utf-8", errors="replace")
        lines += [line for line in text.splitlines() if any(n in line for n in BLE_LOGGERS)]
    return "\n".join(lines[-max_lines:]) + "\n"


def build_bundle(paths: AppPaths, out: Path, secrets: tuple[str, ...] = ()) -> list[str]:
    """Write the zip; returns the names inside it."""
    logs = _log_files(paths)
    entries: dict[str, str] = {
        "versions.txt": versions_text(),
        "created.txt": datetime.now(UTC).isoformat() + "\n",
        "ble-trace.txt": _ble_trace(logs),
    }
    for path in logs:
        entries[f"logs/{path.name}"] = path.read_text("utf-8", errors="replace")
    for name, path in (
        ("settings.json", paths.settings_file),
        ("devices.json", paths.config_dir / "devices.json"),
        ("sync_state.json", paths.cache_dir / "sync_state.json"),
    ):
        if path.is_file():
            entries[name] = path.read_text("utf-8", errors="replace")
    entries["summary.json"] = json.dumps(_counts(paths), indent=2)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as bundle:
        for name, text in entries.items():
            bundle.writestr(name, redact(text, secrets))
    tmp.replace(out)
    return sorted(entries)


def _counts(paths: AppPaths) -> dict[str, object]:
    imported = paths.imported_dir
    return {
        "imported_workouts": len(list(imported.iterdir())) if imported.is_dir() else 0,
        "rides_db_bytes": paths.rides_db.stat().st_size if paths.rides_db.exists() else 0,
    }
