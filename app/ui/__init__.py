"""The desktop UI (PySide6). Imports only app.core, app.runtime, PySide6 and pyqtgraph."""
