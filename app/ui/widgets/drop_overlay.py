"""The hint shown over the pages while workout files are dragged onto the window."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import cast

from PySide6.QtCore import QEvent, QMimeData, QObject, QRect
from PySide6.QtGui import QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QLabel, QWidget

__all__ = ["DropOverlay", "FileDropTarget", "local_paths"]

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


class FileDropTarget(QObject):
    """Makes `window` take dropped workout files and folders: shows the overlay over
    `pages` while a drag with local files hovers and hands the paths to `on_drop`.

    An event filter rather than overridden drag handlers, so the window only says what a
    drop means (`on_drop`) and this module keeps the rest."""

    def __init__(
        self, window: QWidget, pages: QWidget, on_drop: Callable[[list[Path]], None]
    ) -> None:
        super().__init__(window)
        self._pages = pages
        self._on_drop = on_drop
        self._overlay: DropOverlay | None = None
        window.setAcceptDrops(True)
        window.installEventFilter(self)

    @property
    def overlay_visible(self) -> bool:
        return self._overlay is not None and self._overlay.isVisible()

    def show_overlay(self, shown: bool) -> None:
        if shown and self._overlay is None:
            self._overlay = DropOverlay(self._pages.parentWidget() or self._pages)
        if self._overlay is not None:
            self._overlay.cover(self._pages.geometry(), shown)

    def follow_resize(self) -> None:
        if self.overlay_visible:
            self.show_overlay(True)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind in (QEvent.Type.DragEnter, QEvent.Type.DragMove):
            self._hover(cast(QDragMoveEvent, event), kind == QEvent.Type.DragEnter)
            return True
        if kind == QEvent.Type.DragLeave:
            self.show_overlay(False)
            return True
        if kind == QEvent.Type.Drop:
            self._drop(cast(QDropEvent, event))
            return True
        return False

    def _hover(self, event: QDragMoveEvent, entering: bool) -> None:
        if not local_paths(event.mimeData()):
            event.ignore()
            return
        event.acceptProposedAction()
        if entering:
            self.show_overlay(True)

    def _drop(self, event: QDropEvent) -> None:
        self.show_overlay(False)
        paths = local_paths(event.mimeData())
        if not paths:
            event.ignore()
            return
        event.acceptProposedAction()
        self._on_drop(paths)
