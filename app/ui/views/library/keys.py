"""The library screen's keys, bound right after the first paint (`finish_setup`).

Ctrl+F searches; Down or Return in the search box moves to the list (selecting the first
workout when none is); Return in the list rides the selected workout; Ctrl+D toggles its
favourite. The shortcuts work anywhere in the page, the other keys where they are typed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut

if TYPE_CHECKING:
    from app.ui.views.library.view import LibraryView

__all__ = ["LibraryKeys", "bind_library_keys"]


class LibraryKeys(QObject):
    """The search box's and the list's keys: an event filter on both."""

    def __init__(self, view: LibraryView) -> None:
        super().__init__(view)
        self.view = view

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            view = self.view
            key = event.key()
            enter = key in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            if watched is view.search and (enter or key == Qt.Key.Key_Down):
                if view.model.rowCount():
                    if view.selected_entry() is None:
                        view.select_row(0)
                    view.table.setFocus()
                return True
            if watched is view.table and enter:
                view.request_ride()
                return True
        return super().eventFilter(watched, event)


def bind_library_keys(view: LibraryView) -> LibraryKeys:
    """The page's shortcuts, and the key filter on its search box and list."""
    for key, slot in (
        (QKeySequence.StandardKey.Find, view.focus_search),
        (QKeySequence("Ctrl+D"), view.toggle_favourite),
    ):
        shortcut = QShortcut(key, view)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(slot)
    keys = LibraryKeys(view)
    view.search.installEventFilter(keys)
    view.table.installEventFilter(keys)
    return keys
