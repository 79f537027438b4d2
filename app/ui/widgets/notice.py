"""An inline, non-modal message: what an import or an export did, with optional details.

Never a dialog: the notice sits above the list, the rider carries on, and closes it (or
it is replaced by the next one). Kinds: "busy" (with a running bar), "success",
"warning", "error"; the style sheet colours them by the `kind` property.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.ui.theme.style import set_style_property

KINDS = ("busy", "success", "warning", "error")
DETAILS_MAX_PX = 170


class Notice(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("Notice")
        self.setAccessibleName("Notice")
        self.setProperty("kind", "success")

        self.text = QLabel("")
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.text.setAccessibleName("Notice text")
        self.details_button = QPushButton("Details")
        self.details_button.setProperty("link", True)
        self.details_button.setCheckable(True)
        self.details_button.setAccessibleName("Show details")
        self.details_button.toggled.connect(self._on_details_toggled)
        self.close_button = QPushButton("✕")
        self.close_button.setProperty("link", True)
        self.close_button.setToolTip("Close")
        self.close_button.setAccessibleName("Close notice")
        self.close_button.clicked.connect(self.dismiss)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)  # busy: no percentage to show
        self.progress.setTextVisible(False)
        self.progress.setFixedHeight(4)
        self.progress.setAccessibleName("Working")
        self.details = QLabel("")
        self.details.setProperty("role", "noticeDetails")
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details.setAccessibleName("Notice details")
        self.details.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.details_area = QScrollArea()
        self.details_area.setWidget(self.details)
        self.details_area.setWidgetResizable(True)
        self.details_area.setFrameShape(QFrame.Shape.NoFrame)
        self.details_area.setMaximumHeight(DETAILS_MAX_PX)
        self.details_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.details_area.viewport().setAutoFillBackground(False)
        self.details.setAutoFillBackground(False)

        top = QHBoxLayout()
        top.setSpacing(8)
        top.addWidget(self.text, 1)
        top.addWidget(self.details_button, 0, Qt.AlignmentFlag.AlignTop)
        top.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 9, 10, 9)
        layout.setSpacing(6)
        layout.addLayout(top)
        layout.addWidget(self.progress)
        layout.addWidget(self.details_area)
        self.hide()

    def show_message(self, kind: str, text: str, details: str = "") -> None:
        """Show `text`; `details` (plain text, one item a line) behind a Details toggle."""
        if kind not in KINDS:
            raise ValueError(f"unknown notice kind {kind!r}")
        if self.property("kind") != kind:
            set_style_property(self, "kind", kind)
            for child in self.findChildren(QWidget):  # their colours follow the notice's kind
                child.style().unpolish(child)
                child.style().polish(child)
        self.text.setText(text)
        self.details.setText(details)
        self.details_button.setChecked(False)
        self.details_button.setVisible(bool(details))
        self.details_area.hide()
        self.progress.setVisible(kind == "busy")
        self.close_button.setVisible(kind != "busy")
        self.setAccessibleDescription(text)
        self.show()

    @property
    def kind(self) -> str:
        return str(self.property("kind"))

    @Slot()
    def dismiss(self) -> None:
        self.hide()

    @Slot(bool)
    def _on_details_toggled(self, shown: bool) -> None:
        self.details_area.setVisible(shown)
        self.details_button.setText("Hide details" if shown else "Details")
