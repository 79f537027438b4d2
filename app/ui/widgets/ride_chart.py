"""The live ride chart: the whole target profile, actual power over it, a position cursor.

This module imports pyqtgraph (and numpy); only the ride and summary views import it, and
the main window imports those lazily, so neither is loaded at start-up.

Per sample the chart appends one point to preallocated arrays and calls `setData` on the
power curve and `setValue` on the cursor; the profile items are built once per ride.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QGuiApplication
from PySide6.QtWidgets import QVBoxLayout, QWidget

from app.ui.theme import palette

Segment = tuple[float, float, float | None]

_TICK_STEPS_S = (60, 120, 300, 600, 900, 1200, 1800, 3600, 7200)
_FREE_RIDE_FRAC = 0.5

pg.setConfigOptions(antialias=True, background=palette.SURFACE, foreground=palette.TEXT_MUTED)


def _line_px(width: float) -> float:
    """Cosmetic pens are in device pixels: keep lines as thick on a HiDPI screen."""
    screen = QGuiApplication.primaryScreen()
    return width * (screen.devicePixelRatio() if screen is not None else 1.0)


def _colour(hex_colour: str, alpha: int = 255) -> QColor:
    colour = QColor(hex_colour)
    colour.setAlpha(alpha)
    return colour


class _TimeAxis(pg.AxisItem):  # type: ignore[misc]
    """Workout time in h:mm, ticks on whole minutes."""

    def tickSpacing(self, minVal: float, maxVal: float, size: float) -> list[tuple[float, float]]:
        span = max(maxVal - minVal, 1.0)
        major = next((s for s in _TICK_STEPS_S if span / s <= 8), _TICK_STEPS_S[-1])
        return [(float(major), 0.0)]

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        out = []
        for value in values:
            t = max(round(value), 0)
            out.append(f"{t // 3600}:{t // 60 % 60:02d}")
        return out


class RideChart(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Ride chart: target power and actual power")
        self._plot = pg.PlotWidget(axisItems={"bottom": _TimeAxis(orientation="bottom")})
        self._plot.setBackground(palette.SURFACE)
        self._plot.setMenuEnabled(False)
        self._plot.hideButtons()
        self._plot.setMouseEnabled(x=False, y=False)
        self._plot.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        item = self._plot.getPlotItem()
        item.showGrid(x=False, y=True, alpha=0.12)
        font = QFont(self.font())
        font.setPointSizeF(10.0)
        for name in ("left", "bottom"):
            axis = item.getAxis(name)
            axis.setPen(pg.mkPen(palette.BORDER))
            axis.setTextPen(pg.mkPen(palette.TEXT_MUTED))
            axis.setStyle(tickFont=font, tickLength=-6)
        item.getAxis("left").setWidth(48)
        item.getViewBox().setDefaultPadding(0.0)

        self._target = pg.PlotDataItem(
            pen=pg.mkPen(palette.TARGET, width=_line_px(2)),
            brush=pg.mkBrush(_colour(palette.TARGET, 70)),
            fillLevel=0.0,
        )
        self._free_items: list[pg.PlotDataItem] = []
        self._power = pg.PlotDataItem(
            pen=pg.mkPen(palette.ACTUAL, width=_line_px(2)),
            connect="finite",
            skipFiniteCheck=False,
        )
        self._power.setClipToView(True)
        self._power.setDownsampling(auto=True, method="peak")
        self._ftp_line = pg.InfiniteLine(
            angle=0, pen=pg.mkPen(_colour("#ffffff", 70), width=1, style=Qt.PenStyle.DashLine)
        )
        self._cursor = pg.InfiniteLine(
            angle=90, pen=pg.mkPen(_colour("#ffffff", 220), width=_line_px(2))
        )
        for graphics in (self._target, self._ftp_line, self._power, self._cursor):
            item.addItem(graphics)
        self._target.setZValue(0)
        self._ftp_line.setZValue(1)
        self._power.setZValue(2)
        self._cursor.setZValue(3)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._plot)

        self._x = np.full(0, np.nan)
        self._y = np.full(0, np.nan)
        self._n = 0
        self._last_x: float | None = None
        self._y_max = 300.0
        self._duration_s = 0.0

    # -- the profile (once per ride) -----------------------------------------------------
    def set_profile(self, profile: list[Segment], duration_s: float, ftp_w: float) -> None:
        item = self._plot.getPlotItem()
        for free in self._free_items:
            item.removeItem(free)
        self._free_items = []
        xs: list[float] = []
        ys: list[float] = []
        for start, end, target in profile:
            value = 0.0 if target is None else float(target)
            xs += [start, end]
            ys += [value, value]
            if target is None:
                band = pg.PlotDataItem(
                    [start, end],
                    [ftp_w * _FREE_RIDE_FRAC] * 2,
                    pen=pg.mkPen(_colour(palette.FREE_RIDE, 200), width=1),
                    brush=pg.mkBrush(_colour(palette.FREE_RIDE, 90)),
                    fillLevel=0.0,
                )
                band.setZValue(0)
                item.addItem(band)
                self._free_items.append(band)
        self._target.setData(np.asarray(xs, dtype=float), np.asarray(ys, dtype=float))
        peak = max((t for _, _, t in profile if t is not None), default=ftp_w)
        self._y_max = max(peak * 1.2, ftp_w * 1.3)
        self._duration_s = max(duration_s, 1.0)
        self._ftp_line.setValue(ftp_w)
        self._plot.setXRange(0, self._duration_s, padding=0)
        self._plot.setYRange(0, self._y_max, padding=0)
        self.reset_trace(int(duration_s * 1.25) + 120)
        self.set_position(0.0)

    # -- actual power (per sample) ---------------------------------------------------------
    def reset_trace(self, capacity: int) -> None:
        capacity = max(capacity, 16)
        self._x = np.full(capacity, np.nan)
        self._y = np.full(capacity, np.nan)
        self._n = 0
        self._last_x = None
        self._power.setData([], [])

    def append(self, workout_s: float, power_w: float | None) -> None:
        """One ride second at workout position `workout_s` (None = no data: a gap)."""
        self.extend(((workout_s, power_w),))

    def extend(self, points: Iterable[tuple[float, float | None]]) -> None:
        """Many ride seconds at once (a resumed ride's so far), drawn once."""
        peak = self._y_max
        for workout_s, power_w in points:
            if self._last_x is not None and not 0 < workout_s - self._last_x <= 1.5:
                self._push(math.nan, math.nan)  # a skip or a jump back: break the line
            self._push(workout_s, math.nan if power_w is None else float(power_w))
            self._last_x = workout_s
            if power_w is not None and power_w > peak:
                peak = power_w * 1.1
        if peak != self._y_max:
            self._y_max = peak
            self._plot.setYRange(0, self._y_max, padding=0)
        self._power.setData(self._x[: self._n], self._y[: self._n])

    def _push(self, x: float, y: float) -> None:
        if self._n == len(self._x):
            grow = max(len(self._x), 64)
            self._x = np.concatenate([self._x, np.full(grow, np.nan)])
            self._y = np.concatenate([self._y, np.full(grow, np.nan)])
        self._x[self._n] = x
        self._y[self._n] = y
        self._n += 1

    def set_position(self, workout_s: float) -> None:
        self._cursor.setValue(workout_s)

    def set_cursor_visible(self, visible: bool) -> None:
        self._cursor.setVisible(visible)

    # -- whole traces (the summary) ----------------------------------------------------------
    def trace(self) -> tuple[np.ndarray, np.ndarray]:
        return self._x[: self._n].copy(), self._y[: self._n].copy()

    def set_trace(self, x: np.ndarray, y: np.ndarray) -> None:
        self.reset_trace(len(x) + 16)
        self._x[: len(x)] = x
        self._y[: len(y)] = y
        self._n = len(x)
        finite = y[np.isfinite(y)]
        if finite.size and finite.max() > self._y_max:
            self._y_max = float(finite.max()) * 1.1
            self._plot.setYRange(0, self._y_max, padding=0)
        self._power.setData(self._x[: self._n], self._y[: self._n])

    def point_count(self) -> int:
        return self._n
