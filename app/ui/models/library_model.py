"""The library as a table: name, profile thumbnail, category, duration, TSS, IF.

The model only holds a list of entries; a new search or filter result replaces the list
with one model reset. Cell text is computed when the view asks for it (visible rows only);
the profile column has no text, its delegate draws the thumbnail. The column headers are
a small model of their own (`header_model`), set on the table's header.

This module is on the first frame's path and does not touch PySide6's `Qt` namespace:
the first use of `Qt` builds the Python enum classes of all ~95 of its enums (about 15 ms),
which can wait until after the library is on screen. Qt's role and alignment numbers are
therefore spelled out below (tests check them against `Qt`), and the header labels are
not served by a Python `headerData`, which Qt would call with a `Qt.Orientation`.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, QPointF
from PySide6.QtGui import (
    QColor,
    QPainter,
    QPixmap,
    QPolygonF,
    QStandardItem,
    QStandardItemModel,
)

from app.core.workouts.catalog import CatalogEntry, SortKey
from app.ui import display
from app.ui.theme import palette

# Qt.ItemDataRole and Qt.AlignmentFlag values (see the module docstring)
DISPLAY_ROLE = 0
DECORATION_ROLE = 1
TOOLTIP_ROLE = 3
TEXT_ALIGNMENT_ROLE = 7
ACCESSIBLE_TEXT_ROLE = 11
USER_ROLE = 256
ALIGN_LEFT, ALIGN_RIGHT, ALIGN_HCENTER, ALIGN_VCENTER = 0x1, 0x2, 0x4, 0x80

ENTRY_ROLE = USER_ROLE + 1

_Index = QModelIndex | QPersistentModelIndex
_LEFT = ALIGN_LEFT | ALIGN_VCENTER
_RIGHT = ALIGN_RIGHT | ALIGN_VCENTER


class Column(IntEnum):
    NAME = 0
    PROFILE = 1
    CATEGORY = 2
    DURATION = 3
    TSS = 4
    IF = 5


_HEADERS = {
    Column.NAME: "Workout",
    Column.PROFILE: "Profile",
    Column.CATEGORY: "Category",
    Column.DURATION: "Time",
    Column.TSS: "TSS",
    Column.IF: "IF",
}
_NUMERIC = (Column.DURATION, Column.TSS, Column.IF)
_ALIGNMENTS = tuple(_RIGHT if column in _NUMERIC else _LEFT for column in Column)
# numeric headers centred: the sort arrow sits at a section's right edge
_CENTRE = ALIGN_HCENTER | ALIGN_VCENTER
_HEADER_ALIGNMENTS = tuple(_CENTRE if column in _NUMERIC else _LEFT for column in Column)
SORT_KEYS: dict[Column, SortKey] = {
    Column.NAME: SortKey.NAME,
    Column.CATEGORY: SortKey.CATEGORY,
    Column.DURATION: SortKey.DURATION,
    Column.TSS: SortKey.TSS,
    Column.IF: SortKey.INTENSITY,
}
_SORT_NAMES = {
    SortKey.NAME: "name",
    SortKey.CATEGORY: "category",
    SortKey.DURATION: "duration",
    SortKey.TSS: "training stress (TSS)",
    SortKey.INTENSITY: "intensity factor (IF)",
}
STAR_PX = 14
_HEADER_TEXT = tuple(_HEADERS[column].upper() for column in Column)
_HEADER_TIPS = tuple(
    f"Sort by {_SORT_NAMES[SORT_KEYS[column]]}; click again to reverse"
    if column in SORT_KEYS
    else None
    for column in Column
)


def column_for(sort: SortKey) -> Column:
    return next(column for column, key in SORT_KEYS.items() if key is sort)


class LibraryModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._entries: list[CatalogEntry] = []
        self._star: QPixmap | None = None
        self._no_star: QPixmap | None = None

    # -- contents ------------------------------------------------------------------------
    def set_entries(self, entries: list[CatalogEntry]) -> None:
        self.beginResetModel()
        self._entries = entries
        self.endResetModel()

    def entries(self) -> list[CatalogEntry]:
        return list(self._entries)

    def entry(self, row: int) -> CatalogEntry | None:
        return self._entries[row] if 0 <= row < len(self._entries) else None

    def row_of(self, entry_id: str) -> int | None:
        for row, entry in enumerate(self._entries):
            if entry.id == entry_id:
                return row
        return None

    def replace_entry(self, entry: CatalogEntry) -> None:
        """Show a changed entry (a new favourite state) in place, without a reset."""
        row = self.row_of(entry.id)
        if row is not None:
            self._entries[row] = entry
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(Column) - 1))

    # -- Qt model API --------------------------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._entries)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Column)

    def data(self, index: _Index, role: int = DISPLAY_ROLE) -> Any:
        row, column = index.row(), index.column()
        if not 0 <= row < len(self._entries):
            return None
        entry = self._entries[row]
        if role == DISPLAY_ROLE:
            return _cell_text(entry, column)
        if role == ENTRY_ROLE:
            return entry
        if role == DECORATION_ROLE:
            return self._star_pixmap(entry.favourite) if column == Column.NAME else None
        if role == TEXT_ALIGNMENT_ROLE:
            return _ALIGNMENTS[column]
        if role == ACCESSIBLE_TEXT_ROLE:
            if column == Column.NAME and entry.favourite:
                return f"{entry.name}, favourite"
            if column == Column.PROFILE:
                return f"Profile of {entry.name}"
            return _cell_text(entry, column)
        if role == TOOLTIP_ROLE and column in (Column.NAME, Column.PROFILE):
            return entry.description or entry.name
        return None

    # -- the favourite star ---------------------------------------------------------------
    def _star_pixmap(self, favourite: bool) -> QPixmap:
        """A gold star for favourites, an empty one of the same size for the rest (so every
        name starts at the same x). The star is drawn when first needed (drawing touches
        `Qt`: not in a first frame without favourites)."""
        if favourite:
            if self._star is None:
                self._star = star_pixmap(STAR_PX, QColor(palette.ACTUAL))
            return self._star
        if self._no_star is None:
            self._no_star = QPixmap(STAR_PX, STAR_PX)
            self._no_star.fill(QColor(0, 0, 0, 0))
        return self._no_star


def header_model(parent: QObject | None = None) -> QStandardItemModel:
    """The column headers (labels, alignment, sort tooltips), for the table's header."""
    model = QStandardItemModel(0, len(Column), parent)
    for column in Column:
        item = QStandardItem(_HEADER_TEXT[column])
        item.setData(_HEADER_ALIGNMENTS[column], TEXT_ALIGNMENT_ROLE)
        tip = _HEADER_TIPS[column]
        if tip:
            item.setToolTip(tip)
        model.setHorizontalHeaderItem(column, item)
    return model


def star_pixmap(size: int, colour: QColor) -> QPixmap:
    """A five-pointed star, `size` px square, on a transparent pixmap."""
    import math

    from PySide6.QtCore import Qt

    pixmap = QPixmap(size, size)
    pixmap.fill(QColor(0, 0, 0, 0))
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(colour)
    centre, outer, inner = size / 2, size / 2, size / 2 * 0.45
    points = [
        QPointF(
            centre + (outer if i % 2 == 0 else inner) * math.sin(i * math.pi / 5),
            centre + 0.6 - (outer if i % 2 == 0 else inner) * math.cos(i * math.pi / 5),
        )
        for i in range(10)
    ]
    painter.drawPolygon(QPolygonF(points))
    painter.end()
    return pixmap


def _cell_text(entry: CatalogEntry, column: int) -> str | None:
    if column == Column.NAME:
        return entry.name
    if column == Column.DURATION:
        return display.h_mm(entry.duration_s)
    if column == Column.TSS:
        return display.whole(entry.tss)
    if column == Column.IF:
        return display.ratio(entry.intensity_factor)
    if column == Column.CATEGORY:
        return display.category(entry.category)
    return None  # the profile: drawn by the thumbnail delegate
