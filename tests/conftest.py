"""Suite-wide set-up. Runs before any PySide6 import: without a display, Qt must be told
to render offscreen or it aborts the process."""

import os

if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
