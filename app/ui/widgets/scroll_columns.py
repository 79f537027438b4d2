"""A page body in columns that scrolls, and stacks its columns on a narrow window."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QBoxLayout, QFrame, QScrollArea, QWidget


class ScrollColumns(QScrollArea):
    """`columns` is the (left-to-right) layout to fill; `fit_width(page_width)` stacks the
    columns top to bottom below `side_by_side_min_px` and puts them back above it."""

    def __init__(self, side_by_side_min_px: int, *, right_margin_px: int = 0,
                 bottom_margin_px: int = 0, spacing_px: int = 20) -> None:  # fmt: skip
        super().__init__()
        self.side_by_side_min_px = side_by_side_min_px
        content = QWidget()
        content.setObjectName("Page")
        self.columns = QBoxLayout(QBoxLayout.Direction.LeftToRight, content)
        self.columns.setContentsMargins(0, 0, right_margin_px, bottom_margin_px)
        self.columns.setSpacing(spacing_px)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setWidget(content)

    def fit_width(self, page_width: int) -> None:
        narrow = page_width < self.side_by_side_min_px
        direction = QBoxLayout.Direction.TopToBottom if narrow else QBoxLayout.Direction.LeftToRight
        if self.columns.direction() != direction:
            self.columns.setDirection(direction)
