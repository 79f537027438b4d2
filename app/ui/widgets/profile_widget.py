"""A workout's power profile drawn with QPainter: bars coloured by Coggan zone.

Three inputs, same drawing:
- `set_segments(segments, duration_s)`: a library entry's compact `ProfileSegment`s
  (`CatalogEntry.profile()`), so the library shows a workout without parsing it.
- `set_workout(workout, ftp_w)`: steps from the model; ramps are drawn as slopes (split
  exactly where they cross a zone boundary, so each piece has its zone's colour).
- `set_profile(profile, ftp_w)`: `(start_s, end_s, target_w | None)` segments, as in
  `RideInfo.profile`.
Free ride (no target) is a grey band; max-effort steps a translucent zone-7 band.

No pyqtgraph here: this widget is on the library screen, which must start fast.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import Enum

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
    QPolygonF,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from app.core.workouts.model import PowerUnit, StepKind, Workout
from app.core.workouts.profile import ProfileSegment, SegmentKind
from app.core.workouts.timeline import Timeline
from app.ui import display
from app.ui.theme import palette
from app.ui.widgets.thumbnail import zone_pieces

Segment = tuple[float, float, float | None]

_TICK_STEPS_S = (60, 120, 300, 600, 900, 1200, 1800, 3600, 7200)
_FREE_RIDE_FRAC = 0.5  # height of the free-ride band, as a fraction of FTP
_AXIS_PX = 22


class _Kind(Enum):
    POWER = "power"
    FREE = "free"
    MAX = "max"


@dataclass(frozen=True, slots=True)
class _Shape:
    start_s: float
    end_s: float
    start_frac: float  # fraction of FTP; 0 for free ride / max effort
    end_frac: float
    kind: _Kind = _Kind.POWER
    gap: bool = False  # leave a hairline before the next step (steps from a workout)


class ProfileWidget(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._shapes: list[_Shape] = []
        self._duration_s = 0.0
        self._peak_frac = 1.0
        self._show_axis = True
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumHeight(90)
        self.setAccessibleName("Workout profile")
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent, False)

    # -- inputs --------------------------------------------------------------------------
    def set_workout(self, workout: Workout | None, ftp_w: float) -> None:
        shapes: list[_Shape] = []
        if workout is not None:
            for interval in Timeline(workout).intervals:
                step = interval.step
                start, end = interval.start_s, interval.end_s
                if step.kind is StepKind.FREE_RIDE:
                    shapes.append(_Shape(start, end, 0, 0, _Kind.FREE, gap=True))
                elif step.kind is StepKind.MAX_EFFORT:
                    shapes.append(_Shape(start, end, 0, 0, _Kind.MAX, gap=True))
                elif step.power_start is not None:
                    scale = 1.0 if step.power_unit is PowerUnit.FTP_FRACTION else 1.0 / ftp_w
                    p0 = step.power_start * scale
                    ramp_end = step.power_end if step.kind is StepKind.RAMP else None
                    p1 = p0 if ramp_end is None else ramp_end * scale
                    shapes.append(_Shape(start, end, p0, p1, gap=True))
        self._set_shapes(shapes, workout.duration_s if workout else 0.0)
        self._describe(workout.name if workout else "")

    def set_segments(
        self, segments: Sequence[ProfileSegment], duration_s: float, name: str = ""
    ) -> None:
        """Draw a library entry's packed profile (targets already fractions of FTP)."""
        kinds = {
            SegmentKind.POWER: _Kind.POWER,
            SegmentKind.FREE_RIDE: _Kind.FREE,
            SegmentKind.MAX_EFFORT: _Kind.MAX,
        }
        shapes = [
            _Shape(s.start_s, s.end_s, s.start_frac, s.end_frac, kinds[s.kind], gap=True)
            for s in segments
        ]
        end_s = max((s.end_s for s in segments), default=0.0)
        self._set_shapes(shapes, max(duration_s, end_s) if shapes else 0.0)
        self._describe(name)

    def set_profile(self, profile: list[Segment], ftp_w: float) -> None:
        shapes = [
            _Shape(s, e, 0, 0, _Kind.FREE)
            if target is None
            else _Shape(s, e, target / ftp_w, target / ftp_w)
            for s, e, target in profile
        ]
        self._set_shapes(shapes, max((e for _, e, _ in profile), default=0.0))
        self._describe("")

    def clear(self) -> None:
        self._set_shapes([], 0.0)

    def set_axis_visible(self, visible: bool) -> None:
        self._show_axis = visible
        self.update()

    # -- state ---------------------------------------------------------------------------
    def _set_shapes(self, shapes: list[_Shape], duration_s: float) -> None:
        self._shapes = shapes
        self._duration_s = duration_s
        peak = max((max(s.start_frac, s.end_frac) for s in shapes), default=1.0)
        self._peak_frac = max(peak, 1.1)
        self.update()

    def _describe(self, name: str) -> None:
        minutes = round(self._duration_s / 60)
        self.setAccessibleDescription(
            f"{name} power profile, {len(self._shapes)} intervals, {minutes} minutes".strip()
        )

    def sizeHint(self) -> QSize:
        return QSize(480, 170)

    # -- drawing -------------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        rect = QRectF(self.rect())
        chart = rect.adjusted(0, 6, 0, -(_AXIS_PX if self._show_axis else 0))
        if not self._shapes or self._duration_s <= 0 or chart.height() <= 4:
            painter.setPen(QColor(palette.TEXT_MUTED))
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, "No profile")
            painter.end()
            return
        y_max = self._peak_frac * 1.08
        x_scale = chart.width() / self._duration_s
        base_y = chart.bottom()

        def x_of(t_s: float) -> float:
            return chart.left() + t_s * x_scale

        def y_of(frac: float) -> float:
            return base_y - min(frac, y_max) / y_max * chart.height()

        painter.setPen(Qt.PenStyle.NoPen)
        for shape in self._shapes:
            self._draw_shape(painter, shape, x_of, y_of, y_max)

        # FTP reference line
        ftp_y = y_of(1.0)
        pen = QPen(QColor(255, 255, 255, 90), 1, Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.drawLine(QPointF(chart.left(), ftp_y), QPointF(chart.right(), ftp_y))
        font = QFont(self.font())
        font.setPointSizeF(max(font.pointSizeF() - 1, 10.0))
        painter.setFont(font)
        painter.setPen(QColor(palette.TEXT_MUTED))
        painter.drawText(
            QRectF(chart.left() + 4, ftp_y - 20, 60, 18),
            int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom),
            "FTP",
        )
        if self._show_axis:
            self._draw_axis(painter, chart, x_of)
        painter.end()

    def _draw_shape(
        self,
        painter: QPainter,
        shape: _Shape,
        x_of: Callable[[float], float],
        y_of: Callable[[float], float],
        y_max: float,
    ) -> None:
        x0, x1 = x_of(shape.start_s), x_of(shape.end_s)
        if shape.gap and x1 - x0 > 5:
            x1 -= 1.0
        base = y_of(0.0)
        if shape.kind is _Kind.FREE:
            colour = QColor(palette.FREE_RIDE)
            colour.setAlpha(150)
            painter.setBrush(QBrush(colour))
            painter.drawRect(
                QRectF(x0, y_of(_FREE_RIDE_FRAC), x1 - x0, base - y_of(_FREE_RIDE_FRAC))
            )
            hatch = QColor(palette.TEXT_MUTED)
            hatch.setAlpha(80)
            painter.setBrush(QBrush(hatch, Qt.BrushStyle.BDiagPattern))
            painter.drawRect(
                QRectF(x0, y_of(_FREE_RIDE_FRAC), x1 - x0, base - y_of(_FREE_RIDE_FRAC))
            )
            return
        if shape.kind is _Kind.MAX:
            colour = QColor(palette.ZONE_COLOURS[-1])
            colour.setAlpha(140)
            painter.setBrush(QBrush(colour))
            painter.drawRect(QRectF(x0, y_of(y_max * 0.92), x1 - x0, base - y_of(y_max * 0.92)))
            return
        for t0, t1, f0, f1 in _zone_pieces(shape):
            colour = QColor(palette.ZONE_COLOURS[palette.zone_index((f0 + f1) / 2)])
            painter.setBrush(QBrush(colour))
            # widen by a hair so neighbouring pieces do not show an antialiasing seam
            left, right = x_of(t0), min(x_of(t1) + 0.6, x1)
            painter.drawPolygon(
                QPolygonF(
                    [
                        QPointF(left, base),
                        QPointF(left, y_of(f0)),
                        QPointF(right, y_of(f1)),
                        QPointF(right, base),
                    ]
                )
            )

    def _draw_axis(self, painter: QPainter, chart: QRectF, x_of: Callable[[float], float]) -> None:
        step = next(
            (s for s in _TICK_STEPS_S if self._duration_s / s <= 8),
            _TICK_STEPS_S[-1],
        )
        painter.setPen(QColor(palette.TEXT_MUTED))
        t = 0.0
        while t <= self._duration_s + 0.5:
            x = x_of(t)
            label = f"{int(t) // 3600}:{int(t) // 60 % 60:02d}"
            align = Qt.AlignmentFlag.AlignHCenter
            box = QRectF(x - 30, chart.bottom() + 3, 60, _AXIS_PX - 3)
            if x - 30 < chart.left():
                box.moveLeft(chart.left())
                align = Qt.AlignmentFlag.AlignLeft
            elif x + 30 > chart.right():
                box.moveRight(chart.right())
                align = Qt.AlignmentFlag.AlignRight
            painter.drawText(box, int(align | Qt.AlignmentFlag.AlignTop), label)
            t += step


def _zone_pieces(shape: _Shape) -> list[tuple[float, float, float, float]]:
    """Split a (possibly sloped) bar at the zone boundaries it crosses."""
    return zone_pieces(shape.start_s, shape.end_s, shape.start_frac, shape.end_frac)


class ZoneBar(QWidget):
    """Time in each Coggan zone as one stacked bar, with a legend of the zones used."""

    BAR_PX = 10

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._seconds: tuple[float, ...] = ()
        self.setAccessibleName("Time in zone")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setFixedHeight(self.BAR_PX + 10 + self.fontMetrics().height() + 4)

    def set_zone_times(self, seconds: tuple[float, ...]) -> None:
        self._seconds = tuple(seconds[: len(palette.ZONE_COLOURS)])
        parts = [
            f"zone {i + 1} {display.minutes(s)}" for i, s in enumerate(self._seconds) if s >= 30
        ]
        self.setAccessibleDescription(", ".join(parts))
        self.update()

    def has_data(self) -> bool:
        return sum(self._seconds) > 0

    def zone_times(self) -> tuple[float, ...]:
        return self._seconds

    def paintEvent(self, event: QPaintEvent) -> None:
        total = sum(self._seconds)
        if total <= 0:
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        width = float(self.width())
        bar = QRectF(0, 0, width, self.BAR_PX)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(palette.SURFACE_RAISED))
        painter.drawRoundedRect(bar, 4, 4)
        painter.save()
        clip = QPainterPath()
        clip.addRoundedRect(bar, 4, 4)
        painter.setClipPath(clip)
        x = 0.0
        for index, seconds in enumerate(self._seconds):
            w = seconds / total * width
            if w > 0:
                painter.setBrush(QColor(palette.ZONE_COLOURS[index]))
                painter.drawRect(QRectF(x, 0, w + 0.5, self.BAR_PX))
            x += w
        painter.restore()

        metrics = self.fontMetrics()
        y = self.BAR_PX + 8
        x = 0.0
        for index, seconds in enumerate(self._seconds):
            if seconds < 30:
                continue
            label = f"Z{index + 1} {display.minutes(seconds)}"
            painter.setBrush(QColor(palette.ZONE_COLOURS[index]))
            painter.drawRoundedRect(QRectF(x, y + metrics.height() / 2 - 5, 10, 10), 2, 2)
            painter.setPen(QColor(palette.TEXT_MUTED))
            text_w = metrics.horizontalAdvance(label)
            painter.drawText(
                QRectF(x + 15, y, text_w + 2, metrics.height()),
                int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                label,
            )
            painter.setPen(Qt.PenStyle.NoPen)
            x += 15 + text_w + 18
        painter.end()
