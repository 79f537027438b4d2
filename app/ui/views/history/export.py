"""A ride out to a file: FIT or TCX, where the rider chooses, off the UI thread.

The file dialog is opened with `open()` (no nested event loop). The writing goes through
the `RideExporter` port on a `TaskRunner` (one worker thread, so exports run one after
another; writing a 3-hour TCX takes ~0.3 s); the notice says when it starts and how it
went, and `exported` or `export_failed` follows.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFileDialog, QWidget

from app.ui.ports.history import ExportKind, RideExporter, RideListingLike
from app.ui.tasks import TaskRunner
from app.ui.views.history.notice import ActionNotice
from app.ui.views.history.words import local_time

__all__ = ["EXPORT_FORMATS", "RideExports", "export_error_text", "export_file_name"]

log = logging.getLogger(__name__)

# kind -> (label, file dialog name filter)
EXPORT_FORMATS: dict[str, tuple[str, str]] = {
    "fit": ("FIT", "FIT activity (*.fit)"),
    "tcx": ("TCX", "Training Center XML (*.tcx)"),
}
_UNSAFE_IN_NAMES = set('<>:"/\\|?*')


def export_file_name(listing: RideListingLike, kind: ExportKind) -> str:
    """'2025-03-14 Sweet Spot 3x15.fit': the local date and the workout, safe on any disk."""
    name = "".join(" " if c in _UNSAFE_IN_NAMES or ord(c) < 32 else c for c in listing.workout_name)
    name = " ".join(name.split()).strip(". ") or "Ride"
    return f"{local_time(listing.started_at):%Y-%m-%d} {name}.{kind}"


def export_error_text(error: BaseException) -> str:
    """Why an export failed, in the system's words ("No space left on device")."""
    strerror = error.strerror if isinstance(error, OSError) else None
    return strerror or str(error) or type(error).__name__


class RideExports(QObject):
    """Exports for the History page. `find_ride(ride_id)` names a ride when its export is
    done (None: it left the list meanwhile). Signals: `exported(ride_id, path, kind)`,
    `export_failed(ride_id, message)`."""

    exported = Signal(str, object, str)  # ride id, Path, "fit" | "tcx"
    export_failed = Signal(str, str)  # ride id, why

    def __init__(
        self,
        export_ride: RideExporter,
        notice: ActionNotice,
        find_ride: Callable[[str], RideListingLike | None],
        parent: QWidget,
    ) -> None:
        super().__init__(parent)
        self.export_ride = export_ride
        self.notice = notice
        self.find_ride = find_ride
        self.directory: Path = Path.home()  # where the last export went
        self.dialog: QFileDialog | None = None  # the open one, for tests
        self.runner = TaskRunner(self, name="ride-export")
        self._dialog_parent = parent

    @property
    def busy(self) -> bool:
        return self.runner.busy

    def choose_path(self, ride: RideListingLike, kind: ExportKind) -> None:
        """Ask where to save `ride` as `kind` (a non-blocking file dialog), then export."""
        label, name_filter = EXPORT_FORMATS[kind]
        dialog = QFileDialog(self._dialog_parent, f"Export “{ride.workout_name}” as {label}")
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setFileMode(QFileDialog.FileMode.AnyFile)
        dialog.setNameFilters([name_filter])
        dialog.setDefaultSuffix(kind)
        dialog.setDirectory(str(self.directory))
        dialog.selectFile(export_file_name(ride, kind))
        ride_id = ride.id
        dialog.fileSelected.connect(lambda path: self._chosen(Path(path), kind, ride_id))
        dialog.finished.connect(dialog.deleteLater)
        dialog.destroyed.connect(lambda: setattr(self, "dialog", None))
        self.dialog = dialog
        dialog.open()

    def _chosen(self, path: Path, kind: ExportKind, ride_id: str) -> None:
        ride = self.find_ride(ride_id)
        if ride is not None:
            self.export(ride, path, kind)

    def export(self, ride: RideListingLike, path: Path, kind: ExportKind) -> None:
        """Write `ride` to `path` (with the kind's extension) on the worker thread."""
        if path.suffix.lower() != f".{kind}":
            path = path.with_name(f"{path.name}.{kind}")
        self.directory = path.parent
        self.notice.show_message(
            "busy", f"Exporting “{ride.workout_name}” as {EXPORT_FORMATS[kind][0]}…"
        )
        export_ride, ride_id = self.export_ride, ride.id
        self.runner.run(
            lambda: export_ride(ride_id, path, kind),
            lambda _: self._written(ride_id, path, kind),
            lambda error: self._failed(ride_id, path, error),
        )

    def _written(self, ride_id: str, path: Path, kind: str) -> None:
        self.notice.show_message(
            "success", f"Exported “{self._name(ride_id)}” to {path.name}.", tip=f"Saved to {path}"
        )
        self.exported.emit(ride_id, path, kind)

    def _failed(self, ride_id: str, path: Path, error: BaseException) -> None:
        if not isinstance(error, OSError | ValueError | KeyError):
            log.error("export of ride %s failed", ride_id, exc_info=error)
        message = export_error_text(error)
        self.notice.show_message(
            "error", f"Could not export “{self._name(ride_id)}”: {message}", tip=str(path)
        )
        self.export_failed.emit(ride_id, message)

    def _name(self, ride_id: str) -> str:
        ride = self.find_ride(ride_id)
        return ride.workout_name if ride is not None else "the ride"
