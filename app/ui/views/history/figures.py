"""The detail pane's summary figures: a large number, a small unit, a caption under it,
four a row, the same figures and accent colours as the summary screen's tiles."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QLabel, QVBoxLayout, QWidget

from app.ui import display
from app.ui.theme import palette

__all__ = ["FIGURES", "FIGURE_COLUMNS", "Figure", "figure_grid"]

# summary_texts key, label, unit, accent colour (as the summary screen's tiles)
FIGURES: tuple[tuple[str, str, str, str], ...] = (
    ("duration", "Duration", "", palette.TEXT),
    ("avg_power", "Avg power", "W", palette.ACTUAL),
    ("np", "NP", "W", palette.ACTUAL),
    ("max_power", "Max power", "W", palette.TEXT),
    ("tss", "TSS", "", palette.TARGET),
    ("intensity_factor", "IF", "", palette.TARGET),
    ("work", "Work", "kJ", palette.TEXT),
    ("distance", "Distance", "km", palette.TEXT),
    ("avg_hr", "Avg HR", "bpm", palette.HEART),
    ("avg_cadence", "Avg cadence", "rpm", palette.CADENCE),
)
FIGURE_COLUMNS = 4
_LONG_NAMES = {
    "duration": "Elapsed time",
    "avg_power": "Average power",
    "np": "Normalized power",
    "max_power": "Maximum power",
    "intensity_factor": "Intensity factor",
    "tss": "Training stress score",
    "avg_hr": "Average heart rate",
    "avg_cadence": "Average cadence",
}


class Figure(QWidget):
    """One summary figure: a large number, a small unit, a caption under it."""

    def __init__(self, label: str, unit: str, colour: str, name: str) -> None:
        super().__init__()
        self.unit = unit
        self.colour = colour
        self.text = display.MISSING
        self.value = QLabel("")
        self.value.setTextFormat(Qt.TextFormat.RichText)
        self.value.setAccessibleName(name)
        caption = QLabel(label.upper())
        caption.setProperty("role", "statLabel")
        if name != label:
            caption.setToolTip(name)
            self.value.setToolTip(name)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.value)
        layout.addWidget(caption)
        self.set_text(display.MISSING)

    def set_text(self, text: str) -> None:
        self.text = text
        missing = text == display.MISSING
        colour = palette.TEXT_MUTED if missing else self.colour
        unit = (
            ""
            if missing or not self.unit
            else (
                f" <span style='font-size:10pt; font-weight:600; color:{palette.TEXT_MUTED}'>"
                f"{self.unit}</span>"
            )
        )
        self.value.setText(
            f"<span style='font-size:16pt; font-weight:700; color:{colour}'>{text}</span>{unit}"
        )
        self.value.setAccessibleDescription(f"{text} {self.unit}".strip())


def figure_grid() -> tuple[QGridLayout, dict[str, Figure]]:
    """Every figure of `FIGURES` in a grid, and the figures by `summary_texts` key."""
    figures: dict[str, Figure] = {}
    grid = QGridLayout()
    grid.setHorizontalSpacing(14)
    grid.setVerticalSpacing(10)
    for i, (key, label, unit, colour) in enumerate(FIGURES):
        figure = Figure(label, unit, colour, _LONG_NAMES.get(key, label))
        figures[key] = figure
        grid.addWidget(figure, i // FIGURE_COLUMNS, i % FIGURE_COLUMNS)
    for column in range(FIGURE_COLUMNS):
        grid.setColumnStretch(column, 1)
    return grid, figures
