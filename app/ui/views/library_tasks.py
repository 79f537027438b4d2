"""The library's two file jobs: importing (on a worker thread) and exporting.

Import: `ImportRunner` runs `library.import_paths` on its own one-thread pool, so imports
run one after another and the UI thread never waits on the disk; `finished(report)` or
`failed(message)` arrive on the UI thread. Export: encode with `formats.write_workout` and
write atomically (temp file in the same folder, fsync, rename), so a crash never leaves a
half-written workout behind.

File dialogs are opened with `open()` (window-modal at most, no nested event loop): a
ride's screen updates and an import's result keep arriving while one is up. What a job
did is shown in the library's inline notice, never in a message box.
"""

from __future__ import annotations

import contextlib
import logging
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal
from PySide6.QtWidgets import QFileDialog

from app.core.workouts.catalog import CatalogEntry
from app.core.workouts.formats import (
    READABLE_EXTENSIONS,
    WRITABLE_EXTENSIONS,
    EncodedWorkout,
    write_workout,
)
from app.core.workouts.model import WorkoutFormatError
from app.ui.services import ImportReport, WorkoutLibrary

if TYPE_CHECKING:
    from app.ui.views.library_view import LibraryView

log = logging.getLogger(__name__)

FORMAT_NAMES = {
    ".zwo": "Zwift workout",
    ".erg": "ERG (watts)",
    ".mrc": "MRC (% of FTP)",
    ".fit": "Garmin FIT workout",
    ".txt": "intervals.icu text",
    ".json": "Freewheel JSON",
}
SHOWN_ERRORS = 3  # broken files named in the one-line summary; the rest are in the details


# -- import -----------------------------------------------------------------------------------
class _ImportSignals(QObject):
    finished = Signal(object)  # ImportReport
    failed = Signal(str)


class _ImportJob(QRunnable):
    def __init__(self, library: WorkoutLibrary, paths: list[Path], signals: _ImportSignals):
        super().__init__()
        self.library = library
        self.paths = paths
        self.signals = signals

    def run(self) -> None:  # on the worker thread
        try:
            report = self.library.import_paths(self.paths)
        except Exception as exc:  # reported on the UI thread, never raised into the pool
            log.exception("import failed")
            self.signals.failed.emit(str(exc) or type(exc).__name__)
            return
        self.signals.finished.emit(report)


class ImportRunner(QObject):
    """Imports one batch at a time in the background. `busy` while a batch runs."""

    finished = Signal(object)  # ImportReport
    failed = Signal(str)

    def __init__(self, library: WorkoutLibrary, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.library = library
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self._signals = _ImportSignals(self)  # lives on the UI thread: emissions are queued
        self._signals.finished.connect(self._on_finished)
        self._signals.failed.connect(self._on_failed)
        self.running = 0

    @property
    def busy(self) -> bool:
        return self.running > 0

    def start(self, paths: list[Path]) -> None:
        self.running += 1
        self.pool.start(_ImportJob(self.library, list(paths), self._signals))

    def _on_finished(self, report: ImportReport) -> None:
        self.running -= 1
        self.finished.emit(report)

    def _on_failed(self, message: str) -> None:
        self.running -= 1
        self.failed.emit(message)

    def wait(self, msecs: int = -1) -> bool:
        return self.pool.waitForDone(msecs)


def import_summary(
    report: ImportReport, name_of: Callable[[str], str | None] = lambda entry_id: None
) -> tuple[str, str, str]:
    """(notice kind, one-line summary, details) for an import report; `name_of` names the
    workouts that duplicates matched, by id."""
    added, dupes, errors = len(report.added), len(report.duplicates), len(report.errors)
    parts = [f"Imported {added} workout{'' if added == 1 else 's'}"]
    if dupes:
        parts.append(f"{dupes} duplicate{'' if dupes == 1 else 's'} skipped")
    text = ", ".join(parts)
    if errors:
        names = [Path(path).name for path, _ in report.errors[:SHOWN_ERRORS]]
        more = f" and {errors - SHOWN_ERRORS} more" if errors > SHOWN_ERRORS else ""
        text += f", {errors} could not be read: {', '.join(names)}{more}"
    text += "."
    lines: list[str] = []
    if report.errors:
        lines.append("Could not be read:")
        for path, why in report.errors:
            name = Path(path).name
            why = why.removeprefix(f"{name}: ")
            lines.append(f"  • {name} — {why}\n    in {Path(path).parent}")
    if report.duplicates:
        lines.append("Already in the library:")
        for path, existing in report.duplicates:
            known = name_of(existing)
            lines.append(f"  • {Path(path).name} — same as “{known or existing}”")
    if report.added and lines:
        lines.append("Added:")
        lines += [f"  • {entry.name}" for entry in report.added]
    kind = ("warning" if added or dupes else "error") if errors else "success"
    return kind, text, "\n".join(lines)


# -- export -----------------------------------------------------------------------------------
def export_name_filters() -> list[str]:
    return [f"{format_name(ext)} (*{ext})" for ext in WRITABLE_EXTENSIONS]


def format_name(ext: str) -> str:
    return FORMAT_NAMES.get(ext, f"{ext.lstrip('.').upper()} workout")


def extension_of_filter(name_filter: str) -> str:
    """'.erg' for 'ERG (watts) (*.erg)'."""
    for ext in WRITABLE_EXTENSIONS:
        if name_filter.endswith(f"(*{ext})"):
            return ext
    return WRITABLE_EXTENSIONS[0]


def suggested_filename(entry: CatalogEntry, ext: str = ".zwo") -> str:
    keep = "".join(c if c.isalnum() or c in " -_" else " " for c in entry.name)
    stem = "-".join(keep.lower().split()) or "workout"
    return f"{stem}{ext}"


def export_entry(entry: CatalogEntry, path: Path, ftp_w: float) -> EncodedWorkout:
    """Write `entry`'s workout to `path` in the format its extension names (raises
    WorkoutFormatError for an unknown extension, OSError when the file cannot be written)."""
    encoded = write_workout(entry.workout, path.name, ftp_w=round(ftp_w))
    write_atomically(path, encoded.data)
    return encoded


def write_atomically(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        try:  # an overwritten file keeps its permissions; a new one is readable by others
            mode = path.stat().st_mode & 0o777
        except OSError:
            mode = 0o644
        if hasattr(os, "fchmod"):  # not on Windows
            os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


# -- the library view's side of both ------------------------------------------------------------
class LibraryTasks(QObject):
    """Import and export for a `LibraryView`: dialogs, the worker, the notices."""

    def __init__(self, view: LibraryView) -> None:
        super().__init__(view)
        self.view = view
        self.runner = ImportRunner(view.library, self)
        self.runner.finished.connect(self._on_import_finished)
        self.runner.failed.connect(self._on_import_failed)
        self.dialog: QFileDialog | None = None  # the open one, for tests and screenshots

    # -- import -------------------------------------------------------------------------------
    def choose_import_files(self) -> None:
        dialog = QFileDialog(self.view, "Import workouts")
        dialog.setFileMode(QFileDialog.FileMode.ExistingFiles)
        patterns = " ".join(f"*{ext}" for ext in READABLE_EXTENSIONS)
        dialog.setNameFilters([f"Workouts ({patterns})", "All files (*)"])
        dialog.filesSelected.connect(lambda files: self.import_paths([Path(f) for f in files]))
        self._open(dialog)

    def choose_import_folder(self) -> None:
        dialog = QFileDialog(self.view, "Import a folder of workouts")
        dialog.setFileMode(QFileDialog.FileMode.Directory)
        dialog.setOption(QFileDialog.Option.ShowDirsOnly, True)
        dialog.fileSelected.connect(lambda folder: self.import_paths([Path(folder)]))
        self._open(dialog)

    def import_paths(self, paths: list[Path]) -> None:
        if not paths:
            return
        self.runner.start(paths)
        if len(paths) == 1:
            what = f"“{paths[0].name}”" if paths[0].name else str(paths[0])
        else:
            what = f"{len(paths)} items"
        self.view.notice.show_message("busy", f"Importing {what}…")

    @property
    def importing(self) -> bool:
        return self.runner.busy

    def _on_import_finished(self, report: ImportReport) -> None:
        self.view.show_import_result(report)
        kind, text, details = import_summary(report, self.view.name_of)
        if self.importing:
            text += "  Still importing…"
        self.view.notice.show_message(kind, text, details)
        self.view.import_finished.emit(report)

    def _on_import_failed(self, message: str) -> None:
        self.view.refresh()
        self.view.notice.show_message("error", f"The import stopped: {message}")

    # -- export -------------------------------------------------------------------------------
    def choose_export_path(self, entry: CatalogEntry) -> None:
        dialog = QFileDialog(self.view, f"Export “{entry.name}”")
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setFileMode(QFileDialog.FileMode.AnyFile)
        dialog.setNameFilters(export_name_filters())
        dialog.setDefaultSuffix("zwo")
        dialog.selectFile(suggested_filename(entry))
        dialog.filterSelected.connect(
            lambda chosen: dialog.setDefaultSuffix(extension_of_filter(chosen)[1:])
        )
        dialog.fileSelected.connect(
            lambda path: self.export_to(entry, Path(path), dialog.selectedNameFilter())
        )
        self._open(dialog)

    def export_to(
        self, entry: CatalogEntry, path: Path, name_filter: str = ""
    ) -> EncodedWorkout | None:
        notice = self.view.notice
        if path.suffix.lower() not in WRITABLE_EXTENSIONS:
            path = path.with_name(path.name + extension_of_filter(name_filter))
        try:
            encoded = export_entry(entry, path, self.view.ftp_w)
        except (OSError, WorkoutFormatError, KeyError, ValueError) as exc:
            log.warning("export of %s to %s failed: %s", entry.id, path, exc)
            notice.show_message("error", f"Could not export “{entry.name}”: {exc}")
            return None
        kind, text, details = export_summary(entry, path, encoded)
        notice.show_message(kind, text, details)
        self.view.exported.emit(path, encoded)
        return encoded

    def _open(self, dialog: QFileDialog) -> None:
        dialog.finished.connect(dialog.deleteLater)
        dialog.destroyed.connect(lambda: setattr(self, "dialog", None))
        self.dialog = dialog
        dialog.open()


def export_summary(
    entry: CatalogEntry, path: Path, encoded: EncodedWorkout
) -> tuple[str, str, str]:
    """(notice kind, one-line summary, details) for a written export."""
    ext = path.suffix.lower()
    text = f"Exported “{entry.name}” to {path.name}."
    dropped = encoded.dropped
    if not dropped:
        return "success", f"{text} Nothing was lost in {ext}.", ""
    inline = "; ".join(dropped)
    if len(dropped) <= 2 and len(inline) <= 90:
        text += f" Not kept in {ext}: {inline}."
    else:
        text += f" {len(dropped)} details could not be kept in {ext}."
    details = f"Saved to {path}\nNot kept in {ext}:\n" + "\n".join(f"  • {d}" for d in dropped)
    return "warning", text, details
