"""Profile thumbnails for the library list: a small zone-coloured sparkline per workout.

Drawn from the entry's packed profile (`CatalogEntry.profile()`), never from the parsed
workout, and cached as a pixmap per entry: the list paints only its visible rows, so a
library of 10,000 costs what one screenful costs. Every thumbnail uses the same vertical
scale (0 to `Y_MAX_FTP` of FTP), so a recovery ride looks low and a VO2max session tall.

The first frame of the app shows the list without thumbnails: drawing anything in colour
makes PySide6 build the Python enums of its whole `Qt` namespace (~15 ms, see
library_model), and the rows' text is what the rider reads first. The library view turns
the thumbnails on (`ThumbnailDelegate.drawing`) right after that frame.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from itertools import pairwise

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPointF, QRectF
from PySide6.QtGui import QColor, QPainter, QPixmap, QPolygonF
from PySide6.QtWidgets import QStyledItemDelegate, QStyleOptionViewItem, QWidget

from app.core.workouts.catalog import CatalogEntry
from app.core.workouts.profile import ProfileSegment, SegmentKind
from app.ui.theme import palette

Y_MAX_FTP = 1.6  # the top of every thumbnail, as a fraction of FTP
FREE_RIDE_FTP = 0.5  # height of a free-ride band
CACHE_SIZE = 1500  # pixmaps kept (about 10 kB each): a few screens of scrolling

ZonePiece = tuple[float, float, float, float]  # start_s, end_s, start_frac, end_frac


def zone_pieces(start_s: float, end_s: float, f0: float, f1: float) -> list[ZonePiece]:
    """Split a (possibly sloped) bar at the zone boundaries it crosses, so each piece can be
    drawn in its own zone's colour."""
    if f0 == f1 or end_s <= start_s:
        return [(start_s, end_s, f0, f1)]
    lo, hi = min(f0, f1), max(f0, f1)
    span = end_s - start_s
    cuts = sorted(
        start_s + (bound - f0) / (f1 - f0) * span
        for bound in palette.ZONE_UPPER_FTP
        if lo < bound < hi
    )
    times = [start_s, *cuts, end_s]

    def frac_at(t: float) -> float:
        return f0 + (f1 - f0) * (t - start_s) / span

    return [(a, b, frac_at(a), frac_at(b)) for a, b in pairwise(times)]


def render_thumbnail(
    segments: Sequence[ProfileSegment], width: int, height: int, dpr: float = 1.0
) -> QPixmap:
    """The sparkline of `segments` on a transparent `width` x `height` pixmap."""
    from PySide6.QtCore import Qt  # not at import: see the module docstring

    pixmap = QPixmap(max(round(width * dpr), 1), max(round(height * dpr), 1))
    pixmap.setDevicePixelRatio(dpr)
    pixmap.fill(QColor(0, 0, 0, 0))
    duration_s = max((s.end_s for s in segments), default=0.0)
    if duration_s <= 0:
        return pixmap
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.setPen(Qt.PenStyle.NoPen)
    x_scale = width / duration_s
    base = float(height)

    def y_of(frac: float) -> float:
        return base - min(max(frac, 0.0), Y_MAX_FTP) / Y_MAX_FTP * (height - 1)

    free, sprint, zones = _brushes()
    for seg in segments:
        x0, x1 = seg.start_s * x_scale, seg.end_s * x_scale
        if seg.kind is SegmentKind.FREE_RIDE:
            painter.setBrush(free)
            painter.drawRect(QRectF(x0, y_of(FREE_RIDE_FTP), x1 - x0, base))
            continue
        if seg.kind is SegmentKind.MAX_EFFORT:
            painter.setBrush(sprint)
            painter.drawRect(QRectF(x0, 1.0, max(x1 - x0, 1.0), base))
            continue
        for t0, t1, f0, f1 in zone_pieces(seg.start_s, seg.end_s, seg.start_frac, seg.end_frac):
            painter.setBrush(zones[palette.zone_index((f0 + f1) / 2)])
            # a hair wider, so neighbouring pieces show no antialiasing seam
            left, right = t0 * x_scale, t1 * x_scale + 0.6
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
    painter.end()
    return pixmap


_BRUSHES: tuple[QColor, QColor, list[QColor]] | None = None


def _brushes() -> tuple[QColor, QColor, list[QColor]]:
    """Free ride, max effort, zones 1..7: made once."""
    global _BRUSHES
    if _BRUSHES is None:
        sprint = QColor(palette.ZONE_COLOURS[-1])
        sprint.setAlpha(170)
        _BRUSHES = (
            QColor(palette.FREE_RIDE),
            sprint,
            [QColor(c) for c in palette.ZONE_COLOURS],
        )
    return _BRUSHES


class ThumbnailCache:
    """Rendered thumbnails by entry (id and profile) and size, least recently used dropped
    first."""

    def __init__(self, capacity: int = CACHE_SIZE) -> None:
        self.capacity = capacity
        self._pixmaps: OrderedDict[tuple[str, int, int, int, float], QPixmap] = OrderedDict()
        self.renders = 0  # how many were drawn (not served from the cache)

    def pixmap(self, entry: CatalogEntry, width: int, height: int, dpr: float) -> QPixmap:
        # the profile's hash too: a synced workout may change under the same id
        key = (entry.id, hash(entry.profile_blob), width, height, dpr)
        cached = self._pixmaps.get(key)
        if cached is not None:
            self._pixmaps.move_to_end(key)
            return cached
        pixmap = render_thumbnail(entry.profile(), width, height, dpr)
        self.renders += 1
        self._pixmaps[key] = pixmap
        if len(self._pixmaps) > self.capacity:
            self._pixmaps.popitem(last=False)
        return pixmap

    def forget(self, entry_id: str) -> None:
        for key in [k for k in self._pixmaps if k[0] == entry_id]:
            del self._pixmaps[key]

    def __len__(self) -> int:
        return len(self._pixmaps)


class ThumbnailDelegate(QStyledItemDelegate):
    """Paints the profile column: the usual cell background (selection, hover), then the
    entry's cached thumbnail. `entry_role` is the model role that returns the entry."""

    PAD_X, PAD_Y = 6, 7

    def __init__(
        self, entry_role: int, parent: QWidget | None = None, *, drawing: bool = True
    ) -> None:
        super().__init__(parent)
        self.entry_role = entry_role
        self.cache = ThumbnailCache()
        self.drawing = drawing  # False: cells stay empty (the first frame)

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        super().paint(painter, option, index)
        if not self.drawing:
            return
        entry = index.data(self.entry_role)
        if not isinstance(entry, CatalogEntry):
            return
        rect = option.rect.adjusted(self.PAD_X, self.PAD_Y, -self.PAD_X, -self.PAD_Y)
        if rect.width() < 8 or rect.height() < 6:
            return
        dpr = painter.device().devicePixelRatioF()
        pixmap = self.cache.pixmap(entry, rect.width(), rect.height(), dpr)
        painter.drawPixmap(rect.topLeft(), pixmap)
