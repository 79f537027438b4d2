"""Time in each Coggan power zone as seven horizontal bars, for the ride summary and the
history detail.

Each row reads "Z4 Threshold ▬▬▬▬ 12:30  25 %": the zone in its colour (the app's zone
palette and names, `palette.ZONE_COLOURS` / `palette.ZONE_NAMES`), a bar scaled to the
zone the rider spent longest in, the time (m:ss, h:mm:ss from an hour) and the share of
the time with power. Every row is its own small widget so a screen reader can visit the
bars one by one ("Zone 4 Threshold: 12:30, 25 %"). Pure QPainter, no pyqtgraph.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QVBoxLayout, QWidget

from app.ui import display
from app.ui.theme import palette

ZONE_COUNT = len(palette.ZONE_COLOURS)


class ZoneBarValue(NamedTuple):
    """What one bar shows: ("Z4 Threshold", "12:30", "25 %")."""

    zone: str
    time: str
    percent: str


def zone_time_text(seconds: float) -> str:
    """'12:30' under an hour, '1:02:05' from an hour on."""
    total = max(round(seconds), 0)
    if total >= 3600:
        return display.h_mm_ss(total)
    return f"{total // 60}:{total % 60:02d}"


def zone_percent_text(seconds: float, total_s: float) -> str:
    """Share of `total_s`, in whole percent rounded half up; a sliver is '<1 %' and all
    but a sliver '>99 %', so neither reads as nothing or everything. No total: a dash."""
    if total_s <= 0:
        return display.MISSING
    if seconds <= 0:
        return "0 %"
    percent = int(seconds / total_s * 100 + 0.5)
    if percent < 1:
        return "<1 %"
    if percent >= 100 and seconds < total_s:
        return ">99 %"
    return f"{percent} %"


def zone_label(index: int) -> str:
    """'Z4 Threshold' for index 3."""
    return f"Z{index + 1} {palette.ZONE_NAMES[index]}"


class _ZoneRow(QWidget):
    """One bar; the ZoneBars above it owns the fonts and the column widths."""

    def __init__(self, bars: ZoneBars, index: int) -> None:
        super().__init__(bars)
        self._bars = bars
        self.index = index
        self.seconds = 0
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def sizeHint(self) -> QSize:
        return QSize(self._bars.min_row_width(), self._bars.row_height(comfortable=True))

    def minimumSizeHint(self) -> QSize:
        return QSize(self._bars.min_row_width(), self._bars.row_height(comfortable=False))

    def paintEvent(self, event: QPaintEvent) -> None:
        self._bars.paint_row(self)


class ZoneBars(QWidget):
    """Seven bars, Z1 Recovery … Z7 Neuromuscular. `set_zone_times(zone_s)` takes seconds
    in Z1..Z7 (index 0 is Z1; missing zones count as 0, extra ones are ignored);
    `values()` is what the bars show; `has_data()` is False until some time is in a zone.

    `text_pt` sets the size of the writing (the summary screen, read from the saddle,
    uses a larger one than the history detail). `stacked` puts each bar under its zone's
    line, the full width, instead of between the name and the time (for a narrow box
    with height to spare)."""

    BAR_MIN_PX = 8.0
    BAR_MAX_PX = 18.0
    BAR_GAP_PX = 5
    GAP_PX = 12

    def __init__(
        self, parent: QWidget | None = None, *, text_pt: float = 12.0, stacked: bool = False
    ) -> None:
        super().__init__(parent)
        self._stacked = stacked
        self.setAccessibleName("Time in power zone")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self._label_font = QFont(self.font())
        self._label_font.setPointSizeF(text_pt)
        self._number_font = QFont(self._label_font)
        self._number_font.setWeight(QFont.Weight.Bold)
        self._percent_font = QFont(self._label_font)
        self._percent_font.setPointSizeF(max(text_pt - 1.0, 10.0))
        self._seconds: tuple[int, ...] = (0,) * ZONE_COUNT
        self._values: list[ZoneBarValue] = []
        self.rows = [_ZoneRow(self, i) for i in range(ZONE_COUNT)]
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        for row in self.rows:
            layout.addWidget(row)
        self.set_zone_times(())

    # -- data ------------------------------------------------------------------------------
    def set_zone_times(self, zone_s: Sequence[int]) -> None:
        seconds = [max(int(s), 0) for s in list(zone_s)[:ZONE_COUNT]]
        self._seconds = tuple(seconds + [0] * (ZONE_COUNT - len(seconds)))
        total = sum(self._seconds)
        self._values = [
            ZoneBarValue(zone_label(i), zone_time_text(s), zone_percent_text(s, total))
            for i, s in enumerate(self._seconds)
        ]
        for row, value, seconds_in_zone in zip(self.rows, self._values, self._seconds, strict=True):
            row.seconds = seconds_in_zone
            zone_number = row.index + 1
            name = palette.ZONE_NAMES[row.index]
            row.setAccessibleName(f"Zone {zone_number} {name}: {value.time}, {value.percent}")
            detail = (
                f"{value.time} of {zone_time_text(total)} with power ({value.percent})"
                if total
                else "no time recorded"
            )
            row.setAccessibleDescription(f"Time in zone {zone_number}, {name}: {detail}")
            row.setToolTip(f"{value.zone}: {detail}")
            row.update()
        shown = [
            f"zone {i + 1} {value.time}, {value.percent}"
            for i, (value, seconds_in_zone) in enumerate(
                zip(self._values, self._seconds, strict=True)
            )
            if seconds_in_zone
        ]
        self.setAccessibleDescription(
            f"{zone_time_text(total)} with power: " + "; ".join(shown)
            if total
            else "No power recorded"
        )

    def zone_times(self) -> tuple[int, ...]:
        return self._seconds

    def values(self) -> list[ZoneBarValue]:
        """(zone, time, percent) of each bar, Z1 first: the text the bars show."""
        return list(self._values)

    def has_data(self) -> bool:
        return sum(self._seconds) > 0

    # -- geometry --------------------------------------------------------------------------
    @property
    def stacked(self) -> bool:
        return self._stacked

    def _columns(self) -> tuple[float, float, float]:
        """Widths of the zone label, the time and the percent columns."""
        number = QFontMetricsF(self._number_font)
        label = QFontMetricsF(self._label_font)
        percent = QFontMetricsF(self._percent_font)
        label_w = max(
            number.horizontalAdvance(f"Z{i + 1} ") + label.horizontalAdvance(name)
            for i, name in enumerate(palette.ZONE_NAMES)
        )
        time_w = max(number.horizontalAdvance(zone_time_text(s)) for s in (3599, 35999))
        percent_w = percent.horizontalAdvance(">99 %")
        return label_w, time_w, percent_w

    def min_row_width(self) -> int:
        label_w, time_w, percent_w = self._columns()
        bar_w = 0 if self._stacked else self.GAP_PX + 60
        return int(label_w + time_w + percent_w + 2 * self.GAP_PX + bar_w)

    def row_height(self, *, comfortable: bool) -> int:
        text_h = QFontMetricsF(self._number_font).height()
        if self._stacked:
            bar_h = self.BAR_MAX_PX * 0.75 if comfortable else self.BAR_MIN_PX
            return int(text_h + self.BAR_GAP_PX + bar_h + (14 if comfortable else 6))
        return int(text_h * (1.9 if comfortable else 1.25))

    # -- painting --------------------------------------------------------------------------
    def paint_row(self, row: _ZoneRow) -> None:
        width, height = float(row.width()), float(row.height())
        text_h = QFontMetricsF(self._number_font).height()
        painter = QPainter(row)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        if self._stacked:  # the zone and its time on a line, the bar the full width under
            bar_h = min(max(height * 0.24, self.BAR_MIN_PX), self.BAR_MAX_PX * 0.75)
            top = max((height - text_h - self.BAR_GAP_PX - bar_h) / 2, 0.0)
            line = QRectF(0, top, width, text_h)
            self._paint_label(painter, row, line)
            self._paint_figures(painter, row, line)
            bar_y = top + text_h + self.BAR_GAP_PX
            self._paint_bar(painter, row, QRectF(0, bar_y, width, bar_h))
        else:  # one line: zone, bar, time, share
            line = QRectF(0, 0, width, height)
            label_w = self._columns()[0]
            self._paint_label(painter, row, line)
            time_x = self._paint_figures(painter, row, line)
            bar_x = label_w + self.GAP_PX
            bar_w = max(time_x - self.GAP_PX - bar_x, 0.0)
            bar_h = min(max(height * 0.42, self.BAR_MIN_PX), self.BAR_MAX_PX)
            self._paint_bar(painter, row, QRectF(bar_x, (height - bar_h) / 2, bar_w, bar_h))
        painter.end()

    def _paint_label(self, painter: QPainter, row: _ZoneRow, line: QRectF) -> None:
        """ "Z4" in the zone's colour, "Threshold" after it; greyed when the zone is empty."""
        left = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        busy = row.seconds > 0
        number = f"Z{row.index + 1} "
        number_w = QFontMetricsF(self._number_font).horizontalAdvance(number)
        painter.setFont(self._number_font)
        painter.setPen(QColor(palette.ZONE_COLOURS[row.index] if busy else palette.TEXT_DISABLED))
        painter.drawText(QRectF(line.x(), line.y(), number_w, line.height()), left, number)
        painter.setFont(self._label_font)
        painter.setPen(QColor(palette.TEXT if busy else palette.TEXT_MUTED))
        painter.drawText(
            QRectF(line.x() + number_w, line.y(), line.width() - number_w, line.height()),
            left,
            palette.ZONE_NAMES[row.index],
        )

    def _paint_figures(self, painter: QPainter, row: _ZoneRow, line: QRectF) -> float:
        """The time and the share, right-aligned in their columns; returns the time's x."""
        _, time_w, percent_w = self._columns()
        value = self._values[row.index]
        right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        percent_x = line.right() - percent_w
        time_x = percent_x - self.GAP_PX - time_w
        painter.setFont(self._number_font)
        painter.setPen(QColor(palette.TEXT if row.seconds > 0 else palette.TEXT_MUTED))
        painter.drawText(QRectF(time_x, line.y(), time_w, line.height()), right, value.time)
        painter.setFont(self._percent_font)
        painter.setPen(QColor(palette.TEXT_MUTED))
        painter.drawText(
            QRectF(percent_x, line.y(), percent_w, line.height()), right, value.percent
        )
        return time_x

    def _paint_bar(self, painter: QPainter, row: _ZoneRow, bar: QRectF) -> None:
        """A track, filled in proportion to the zone the rider spent longest in."""
        if bar.width() <= 0:
            return
        radius = bar.height() / 2
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(palette.SURFACE_RAISED))
        painter.drawRoundedRect(bar, radius, radius)
        longest = max(self._seconds)
        if row.seconds > 0 and longest > 0:
            fill_w = max(bar.width() * row.seconds / longest, bar.height())  # a sliver shows
            painter.setBrush(QColor(palette.ZONE_COLOURS[row.index]))
            painter.drawRoundedRect(QRectF(bar.x(), bar.y(), fill_w, bar.height()), radius, radius)


__all__ = ["ZONE_COUNT", "ZoneBarValue", "ZoneBars", "zone_label", "zone_percent_text",
           "zone_time_text"]  # fmt: skip
