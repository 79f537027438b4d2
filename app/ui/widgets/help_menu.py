"""The sidebar's Help menu: keyboard shortcuts, the diagnostics bundle, about.

The diagnostics bundle is built on the menu's `TaskRunner` (reading logs and asking the
keyring for the secrets to scrub may take a moment); the answer is shown on the status
bar, never in a dialog that waits.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDialog, QFileDialog, QLabel, QMenu, QVBoxLayout, QWidget

from app.ui.tasks import TaskRunner

log = logging.getLogger(__name__)

# what a bug report bundle is written by: out path -> number of files in it
DiagnosticsWriter = Callable[[Path], int]

SHORTCUTS: tuple[tuple[str, str], ...] = (
    ("Ctrl+1 … Ctrl+7", "Library, Ride, Calendar, History, Devices, Status, Settings"),
    ("Ctrl+F", "Search the library"),
    ("Space", "Pause or resume the ride"),
    ("↑ / ↓", "Intensity ±1 % (level ±5 % in resistance, grade ±0.5 % in simulation)"),
    ("N / P", "Next interval / back"),
    ("L", "Start a lap"),
    ("E / R / S", "ERG, resistance level, simulated grade"),
    ("F1", "This list"),
)


class HelpMenu(QMenu):
    """`notify(text)` shows the outcome (the window's status bar). `diagnostics_done(message,
    ok)` is emitted (on the UI thread) when a bundle was written or could not be."""

    diagnostics_done = Signal(str, bool)

    def __init__(
        self,
        parent: QWidget,
        *,
        notify: Callable[[str], None],
        write_diagnostics: DiagnosticsWriter | None,
        about: Callable[[], str] | None = None,
    ) -> None:
        super().__init__("Help", parent)
        self.setAccessibleName("Help menu")
        self._notify = notify
        self._write = write_diagnostics
        self._about = about
        self.diagnostics_done.connect(self._finished)
        self.tasks = TaskRunner(self, name="diagnostics")
        self.shortcuts_dialog: QDialog | None = None
        self.shortcuts_action = self.addAction("Keyboard shortcuts")
        self.shortcuts_action.setShortcut("F1")
        self.shortcuts_action.triggered.connect(self.show_shortcuts)
        self.diagnostics_action = self.addAction("Save diagnostics bundle…")
        self.diagnostics_action.triggered.connect(self.ask_diagnostics_path)
        self.diagnostics_action.setEnabled(write_diagnostics is not None)
        self.addSeparator()
        self.about_action = self.addAction("About Freewheel")
        self.about_action.triggered.connect(self.show_about)
        self.last_message = ""

    # -- diagnostics -----------------------------------------------------------------------
    def ask_diagnostics_path(self) -> None:
        stamp = datetime.now().strftime("%Y%m%d-%H%M")
        suggested = str(Path.home() / f"freewheel-diagnostics-{stamp}.zip")
        path, _ = QFileDialog.getSaveFileName(
            self.parentWidget(), "Save diagnostics bundle", suggested, "Zip archives (*.zip)"
        )
        if path:
            self.save_diagnostics(Path(path))

    def save_diagnostics(self, out: Path) -> Future[int] | None:
        """Build the bundle in the background; the outcome is reported through `notify`."""
        if self._write is None or self.tasks.busy:
            return None
        if out.suffix.lower() != ".zip":
            out = out.with_name(out.name + ".zip")
        write = self._write
        self.diagnostics_action.setEnabled(False)
        self._notify(f"Saving diagnostics to {out.name}…")

        def saved(count: int) -> None:
            self.diagnostics_done.emit(
                f"Saved {out} ({count} files; tokens, passwords and e-mail addresses removed)",
                True,
            )

        def failed(exc: BaseException) -> None:  # a full disk, no permission: say so
            log.error("diagnostics bundle failed", exc_info=exc)
            reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
            self.diagnostics_done.emit(f"Could not save diagnostics: {reason}", False)

        return self.tasks.run(lambda: write(out), saved, failed)

    def _finished(self, message: str, ok: bool) -> None:
        self.diagnostics_action.setEnabled(True)
        self.last_message = message
        self._notify(message)

    # -- shortcuts and about ---------------------------------------------------------------
    def show_shortcuts(self) -> QDialog:
        """A non-modal list of the keys; it never blocks a ride."""
        if self.shortcuts_dialog is None:
            rows = "".join(
                f"<tr><td style='padding:4px 18px 4px 0'><b>{keys}</b></td><td>{what}</td></tr>"
                for keys, what in SHORTCUTS
            )
            self.shortcuts_dialog = _text_dialog(
                self.parentWidget(), "Keyboard shortcuts", f"<table>{rows}</table>"
            )
        self.shortcuts_dialog.show()
        self.shortcuts_dialog.raise_()
        return self.shortcuts_dialog

    def show_about(self) -> QDialog:
        text = self._about() if self._about is not None else "<h3>Freewheel</h3>"
        dialog = _text_dialog(self.parentWidget(), "About Freewheel", text)
        dialog.show()
        return dialog


def _text_dialog(parent: QWidget | None, title: str, html: str) -> QDialog:
    dialog = QDialog(parent)
    dialog.setWindowTitle(title)
    dialog.setAccessibleName(title)
    dialog.setModal(False)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
    label = QLabel(html)
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setWordWrap(True)
    label.setAccessibleName(title)
    layout = QVBoxLayout(dialog)
    layout.setContentsMargins(22, 18, 22, 18)
    layout.addWidget(label)
    return dialog
