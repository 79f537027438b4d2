"""The History screen's coloured state chips, in two forms with one look: painted in a
list cell (`paint_chip`), and as a QLabel in the detail pane (`chip_label`, styled by
`chip_style_rules`)."""

from __future__ import annotations

from PySide6.QtCore import QRect, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPen
from PySide6.QtWidgets import QLabel

from app.ui.theme import palette
from app.ui.theme.style import set_style_property
from app.ui.views.history.words import Chip

__all__ = ["TONES", "chip_font", "chip_label", "chip_style_rules", "paint_chip", "set_chip"]

# chip tone -> (background, border, text)
TONES: dict[str, tuple[str, str, str]] = {
    "good": ("#0f2a1c", "#2f8f5a", "#8ee6b0"),
    "info": ("#10253a", palette.TARGET_DIM, "#8cc8ff"),
    "warning": ("#3a2a0c", "#8a6a1f", "#ffd27a"),
    "danger": ("#3b1518", "#a8403d", "#ff9c99"),
    "muted": (palette.SURFACE_RAISED, palette.BORDER, palette.TEXT_MUTED),
}


def chip_style_rules() -> list[str]:
    """Style sheet rules for the chip labels, one a tone."""
    return [
        f'QLabel[role="chip"][tone="{tone}"] {{ background: {background}; '
        f"border: 1px solid {border}; color: {text}; }}"
        for tone, (background, border, text) in TONES.items()
    ]


def chip_font(base: QFont) -> QFont:
    font = QFont(base)
    font.setPointSizeF(9.5)
    font.setWeight(QFont.Weight.DemiBold)
    return font


def paint_chip(painter: QPainter, rect: QRect, text: str, tone: str, font: QFont) -> None:
    """A rounded chip at the left of `rect`, vertically centred (the style sheet's
    chip look, for a table cell)."""
    background, border, colour = TONES.get(tone, TONES["muted"])
    metrics = QFontMetrics(font)
    height = metrics.height() + 6
    width = min(metrics.horizontalAdvance(text) + 16, rect.width())
    box = QRectF(rect.left() + 0.5, rect.center().y() - height / 2 + 1, width, height)
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.setPen(QPen(QColor(border), 1))
    painter.setBrush(QColor(background))
    painter.drawRoundedRect(box, height / 2, height / 2)
    painter.setFont(font)
    painter.setPen(QColor(colour))
    painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)
    painter.restore()


def chip_label(name: str) -> QLabel:
    """An empty chip label named `name` for screen readers; `set_chip` fills it in."""
    label = QLabel("")
    label.setProperty("role", "chip")
    label.setProperty("tone", "muted")
    label.setAccessibleName(name)
    return label


def set_chip(label: QLabel, chip: Chip | None) -> None:
    """Show `chip` on `label`; None hides it."""
    label.setVisible(chip is not None)
    if chip is None:
        return
    text, tone, tip = chip
    label.setText(text)
    label.setToolTip(tip)
    label.setAccessibleDescription(f"{text}. {tip}" if tip else text)
    set_style_property(label, "tone", tone)
