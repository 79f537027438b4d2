"""A metric tile: a small title and unit, one big number, an optional caption.

The number's font grows with the tile, so the same tile reads from the saddle on a laptop
and on a TV. It is sized for a reference text (e.g. "0000" for watts) so the digits do not
jump when the value changes width.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetricsF, QResizeEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from app.ui.display import MISSING

MIN_VALUE_PT = 14.0
MAX_VALUE_PT = 110.0


class FitLabel(QLabel):
    """A label whose (bold) font is as large as its box allows for `reference_text`."""

    def __init__(
        self,
        text: str,
        reference_text: str,
        max_pt: float = MAX_VALUE_PT,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(text, parent)
        self._reference_text = reference_text
        self._max_pt = max_pt
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.setMinimumSize(40, 24)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.fit()

    def fit(self) -> None:
        font = QFont(self.font())
        font.setWeight(QFont.Weight.Bold)
        font.setPointSizeF(100.0)
        metrics = QFontMetricsF(font)
        ref_w = max(metrics.horizontalAdvance(self._reference_text), 1.0)
        ref_h = max(metrics.capHeight() * 1.35, 1.0)
        scale = min((self.width() - 8) / ref_w, self.height() / ref_h)
        point_size = min(max(100.0 * scale, MIN_VALUE_PT), self._max_pt)
        if abs(self.font().pointSizeF() - point_size) > 0.25 or not self.font().bold():
            font.setPointSizeF(point_size)
            self.setFont(font)


class Tile(QFrame):
    def __init__(
        self,
        title: str,
        unit: str = "",
        *,
        accent: str = "",
        reference_text: str = "0000",
        max_value_pt: float = MAX_VALUE_PT,
        with_caption: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("Tile")
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self._title_text = title

        self._title = QLabel(title.upper())
        self._title.setProperty("role", "tileTitle")
        self._unit = QLabel(unit)
        self._unit.setProperty("role", "tileUnit")
        self._unit.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self._value = FitLabel(MISSING, reference_text, max_value_pt)
        self._value.setProperty("role", "tileValue")
        if accent:
            self._value.setProperty("accent", accent)
        self._caption = QLabel("")
        self._caption.setProperty("role", "tileUnit")
        self._caption.setAlignment(Qt.AlignmentFlag.AlignCenter)

        head = QHBoxLayout()
        head.setContentsMargins(0, 0, 0, 0)
        head.setSpacing(8)
        head.addWidget(self._title)
        head.addStretch(1)
        head.addWidget(self._unit)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 10, 16, 10)
        layout.setSpacing(2)
        layout.addLayout(head)
        layout.addWidget(self._value, 1)
        layout.addWidget(self._caption)
        self._caption.setVisible(with_caption)  # only once it has a parent

        self.setAccessibleName(title)
        self._value.setAccessibleName(title)

    # -- API -----------------------------------------------------------------------------
    def set_value(self, text: str) -> None:
        if self._value.text() != text:
            self._value.setText(text)

    def value(self) -> str:
        return self._value.text()

    def title(self) -> str:
        return self._title_text

    def set_title(self, title: str) -> None:
        if title != self._title_text:
            self._title_text = title
            self._title.setText(title.upper())
            self.setAccessibleName(title)
            self._value.setAccessibleName(title)

    def set_unit(self, unit: str) -> None:
        if self._unit.text() != unit:
            self._unit.setText(unit)

    def set_caption(self, text: str) -> None:
        if self._caption.text() != text:
            self._caption.setText(text)

    def caption(self) -> str:
        return self._caption.text()
