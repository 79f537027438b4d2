"""The library as a table: name, category, duration, TSS, IF.

The model only holds a list of entries; a new search result replaces the list with one
model reset. Cell text is computed when the view asks for it (visible rows only).
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from app.core.workouts.catalog import CatalogEntry
from app.ui import display

ENTRY_ROLE = Qt.ItemDataRole.UserRole + 1

_Index = QModelIndex | QPersistentModelIndex


class Column(IntEnum):
    NAME = 0
    CATEGORY = 1
    DURATION = 2
    TSS = 3
    IF = 4


_HEADERS = {
    Column.NAME: "Workout",
    Column.CATEGORY: "Category",
    Column.DURATION: "Time",
    Column.TSS: "TSS",
    Column.IF: "IF",
}
_NUMERIC = (Column.DURATION, Column.TSS, Column.IF)


class LibraryModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._entries: list[CatalogEntry] = []

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

    # -- Qt model API --------------------------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._entries)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Column)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._entries):
            return None
        entry = self._entries[index.row()]
        column = Column(index.column())
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return _cell_text(entry, column)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            horizontal = (
                Qt.AlignmentFlag.AlignRight if column in _NUMERIC else Qt.AlignmentFlag.AlignLeft
            )
            return int(horizontal | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and column is Column.NAME:
            return entry.description or entry.name
        if role == ENTRY_ROLE:
            return entry
        return None

    def headerData(
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return _HEADERS[Column(section)].upper()
        if role == Qt.ItemDataRole.TextAlignmentRole:
            column = Column(section)
            horizontal = (
                Qt.AlignmentFlag.AlignRight if column in _NUMERIC else Qt.AlignmentFlag.AlignLeft
            )
            return int(horizontal | Qt.AlignmentFlag.AlignVCenter)
        return None


def _cell_text(entry: CatalogEntry, column: Column) -> str:
    if column is Column.NAME:
        return entry.name
    if column is Column.CATEGORY:
        return display.category(entry.category)
    if column is Column.DURATION:
        return display.h_mm(entry.duration_s)
    if column is Column.TSS:
        return display.whole(entry.tss)
    return display.ratio(entry.intensity_factor)
