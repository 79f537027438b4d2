"""Start the desktop UI: `run_gui` for the program, `create_main_window` for tests.

Environment:
- `FREEWHEEL_EXIT_WHEN_READY=1`: once the library is listed and the window has painted for
  the first time, print `READY` to stdout and quit with exit code 0 (the cold-start bench).
"""

from __future__ import annotations

import gc
import os
import sys

from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtWidgets import QApplication

from app.ui.main_window import MainWindow
from app.ui.services import GuiServices
from app.ui.theme.style import FUSION_ARGS, apply_theme, mark_fusion

EXIT_WHEN_READY_ENV = "FREEWHEEL_EXIT_WHEN_READY"
SETTLE_FALLBACK_MS = 10_000


def _application(argv: list[str]) -> QApplication:
    existing = QCoreApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    if existing is not None:
        raise RuntimeError("a non-GUI QCoreApplication already exists")
    QApplication.setApplicationName("Freewheel")
    QApplication.setOrganizationName("Freewheel")
    QApplication.setDesktopFileName("freewheel")
    # the style by command line: cheaper than setStyle() (which wraps a QStyle for Python)
    app = QApplication([*argv, *FUSION_ARGS])
    mark_fusion(app)
    return app


def create_main_window(services: GuiServices) -> MainWindow:
    """The themed main window, not shown and without an event loop. Needs a QApplication
    (pytest-qt's `qapp`, or `run_gui`)."""
    app = QCoreApplication.instance()
    if not isinstance(app, QApplication):
        raise RuntimeError("create_main_window needs a QApplication")
    apply_theme(app)
    return MainWindow(services)


def run_gui(services: GuiServices, argv: list[str] | None = None) -> int:
    """Show the main window and run the Qt event loop; returns the exit code.

    Garbage collection is off until the window is ready (the caller may turn it off even
    earlier, before its imports): start-up only creates objects that stay for the whole
    session, so collecting among them is wasted time. Once the window is ready they are
    frozen out of the collector's way and collection is turned back on.
    """
    gc.disable()
    settled = False

    def settle_memory() -> None:
        nonlocal settled
        if not settled:
            settled = True
            gc.freeze()
            gc.enable()

    app = _application(list(sys.argv if argv is None else argv))
    window = create_main_window(services)
    window.ready.connect(settle_memory)
    QTimer.singleShot(SETTLE_FALLBACK_MS, settle_memory)  # should the window never paint
    if os.environ.get(EXIT_WHEN_READY_ENV) == "1":

        def ready() -> None:
            print("READY", flush=True)
            app.exit(0)

        window.ready.connect(ready)
    if services.after_ready is not None:
        warm_up = services.after_ready
        window.ready.connect(lambda: QTimer.singleShot(0, warm_up))
    window.show()
    return app.exec()
