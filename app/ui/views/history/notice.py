"""The History screen's inline notice: what a trash, a restore or an export did, above
the list, with an optional action button (Undo) and a tooltip (where a file went).

Never a dialog: the rider carries on, closes it, or it is replaced by the next one.
It has the library notice's look (`#Notice`, coloured by its `kind` property) without
its details area and busy bar.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from app.ui.theme.style import set_style_property

__all__ = ["ActionNotice"]


class ActionNotice(QFrame):
    """An inline message above the list (the library's notice look), with an optional
    action button (Undo). Kinds: "busy", "success", "warning", "error"."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("Notice")
        self.setProperty("kind", "success")
        self.setAccessibleName("Notice")
        self.text = QLabel("")
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.text.setAccessibleName("Notice text")
        self.action_button = QPushButton("")
        self.action_button.setProperty("link", True)
        self.action_button.clicked.connect(self._on_action)
        self.close_button = QPushButton("✕")
        self.close_button.setProperty("link", True)
        self.close_button.setToolTip("Close")
        self.close_button.setAccessibleName("Close notice")
        self.close_button.clicked.connect(self.dismiss)
        row = QHBoxLayout(self)
        row.setContentsMargins(14, 7, 8, 7)
        row.setSpacing(8)
        row.addWidget(self.text, 1)
        row.addWidget(self.action_button, 0, Qt.AlignmentFlag.AlignVCenter)
        row.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignVCenter)
        self._action: Callable[[], object] | None = None
        self.hide()

    @property
    def kind(self) -> str:
        return str(self.property("kind"))

    def show_message(
        self,
        kind: str,
        text: str,
        action_text: str = "",
        action: Callable[[], object] | None = None,
        tip: str = "",
    ) -> None:
        if self.property("kind") != kind:
            set_style_property(self, "kind", kind)
            for child in self.findChildren(QWidget):  # their colours follow the kind
                child.style().unpolish(child)
                child.style().polish(child)
        self.text.setText(text)
        self.text.setToolTip(tip)
        self._action = action
        self.action_button.setText(action_text)
        self.action_button.setAccessibleName(action_text)
        self.action_button.setVisible(bool(action_text) and action is not None)
        self.close_button.setVisible(kind != "busy")
        self.setAccessibleDescription(text)
        self.show()

    @Slot()
    def dismiss(self) -> None:
        self._action = None
        self.hide()

    @Slot()
    def _on_action(self) -> None:
        action, self._action = self._action, None
        if action is not None:
            action()
