"""The library's two file jobs: importing (in the background) and exporting.

Import: `library.import_paths` runs on the view's `TaskRunner` (one worker thread, so
imports run one after another and the UI thread never waits on the disk); the report
arrives on the UI thread. Export: through the `WorkoutExporter` port (encoded in the
chosen format and written atomically by the composition root's adapter).

File dialogs are opened with `open()` (window-modal at most, no nested event loop): a
ride's screen updates and an import's result keep arriving while one is up. What a job
did is shown in the library's inline notice, never in a message box.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QFileDialog

from app.core.workouts.catalog import CatalogEntry
from app.core.workouts.formats import (
    FORMATS,
    READABLE_EXTENSIONS,
    WRITABLE_EXTENSIONS,
    EncodedWorkout,
    format_for_extension,
)
from app.core.workouts.model import WorkoutFormatError
from app.ui.ports.library import ImportReport
from app.ui.tasks import TaskRunner

if TYPE_CHECKING:
    from app.ui.views.library.view import LibraryView

log = logging.getLogger(__name__)

SHOWN_ERRORS = 3  # broken files named in the one-line summary; the rest are in the details


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
    return [f"{fmt.name} (*{fmt.extension})" for fmt in FORMATS]


def format_name(ext: str) -> str:
    fmt = format_for_extension(ext)
    return fmt.name if fmt is not None else f"{ext.lstrip('.').upper()} workout"


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


# -- the library view's side of both ------------------------------------------------------------
class LibraryTasks(QObject):
    """Import and export for a `LibraryView`: dialogs, the worker, the notices."""

    def __init__(self, view: LibraryView) -> None:
        super().__init__(view)
        self.view = view
        self.runner = TaskRunner(self, name="import")
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
        library, batch = self.view.library, list(paths)
        self.runner.run(
            lambda: library.import_paths(batch), self._on_import_finished, self._on_import_failed
        )
        if len(paths) == 1:
            what = f"“{paths[0].name}”" if paths[0].name else str(paths[0])
        else:
            what = f"{len(paths)} items"
        self.view.notice.show_message("busy", f"Importing {what}…")

    @property
    def importing(self) -> bool:
        return self.runner.busy

    def _on_import_finished(self, report: ImportReport) -> None:
        self._show_in_list(report)
        kind, text, details = import_summary(report, self.view.name_of)
        if self.importing:
            text += "  Still importing…"
        self.view.notice.show_message(kind, text, details)
        self.view.import_finished.emit(report)

    def _show_in_list(self, report: ImportReport) -> None:
        """Refresh the list and select the first workout the import added (clearing the
        search and filters if they hide it)."""
        view = self.view
        view.refresh()
        if report.added:
            first = report.added[0]
            if not view.select_entry(first.id):
                view.show_all()
                view.select_entry(first.id)

    def _on_import_failed(self, error: BaseException) -> None:
        log.error("import failed", exc_info=error)
        self.view.refresh()
        message = str(error) or type(error).__name__
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
        exporter = self.view.exporter
        if exporter is None:
            notice.show_message("error", "Exporting workouts is not available here.")
            return None
        if path.suffix.lower() not in WRITABLE_EXTENSIONS:
            path = path.with_name(path.name + extension_of_filter(name_filter))
        try:
            encoded = exporter(entry.workout, path, round(self.view.ftp_w))
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
