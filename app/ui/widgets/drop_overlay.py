"""The hint shown over the pages while workout files are dragged onto the window."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMimeData, QRect
from PySide6.QtWidgets import QLabel, QWidget

__all__ = ["DropOverlay", "local_paths"]

DROP_TEXT = "Drop workout files or folders to add them to the library"
INSET_PX = 16


class DropOverlay(QLabel):
    """Created on the first drag (it needs Qt's namespace, which the first frame does not
    load); covers `pages` minus a margin and lets the mouse through."""

    def __init__(self, parent: QWidget) -> None:
        from PySide6.QtCore import Qt

        super().__init__(DROP_TEXT, parent)
        self.setObjectName("DropOverlay")
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)

    def cover(self, area: QRect, shown: bool) -> None:
        self.setGeometry(area.adjusted(INSET_PX, INSET_PX, -INSET_PX, -INSET_PX))
        self.setVisible(shown)
        self.raise_()


def local_paths(mime: QMimeData) -> list[Path]:
    """The local files and folders a drag carries (web links are not imports)."""
    if not mime.hasUrls():
        return []
    return [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]
