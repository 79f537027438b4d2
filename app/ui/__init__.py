"""The desktop UI (PySide6). Imports only app.core, app.runtime, PySide6 and pyqtgraph."""

from app.ui.pyside_guard import guard_bool_refcounts

guard_bool_refcounts()
