"""The library list's sort: the arrow on the column header and the sort it stands for.

Clicking a column header sorts by it, clicking it again the other way round; the profile
column does not sort, so a click on it puts the arrow back where it was. Built right
after the first paint (the first frame's list is sorted by name, without an arrow).
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QHeaderView

from app.core.workouts.catalog import SortKey
from app.ui.models.library_model import SORT_KEYS, Column, column_for

__all__ = ["SortArrow"]


def _order(descending: bool) -> Qt.SortOrder:
    return Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder


class SortArrow(QObject):
    """Signal `changed`: the sort (`key`, `descending`) is another one; query again."""

    changed = Signal()

    def __init__(self, header: QHeaderView, parent: QObject) -> None:
        super().__init__(parent)
        self.header = header
        self.key = SortKey.NAME
        self.descending = False
        header.setSortIndicatorShown(True)
        header.setSortIndicator(column_for(self.key), _order(self.descending))
        header.sortIndicatorChanged.connect(self._on_indicator)

    def set(self, key: SortKey, descending: bool = False) -> None:
        """Sort by `key` (what clicking its column header does)."""
        order = _order(descending)
        header = self.header
        if header.sortIndicatorSection() != column_for(key) or header.sortIndicatorOrder() != order:
            header.setSortIndicator(column_for(key), order)  # -> _on_indicator
        elif (key, descending) != (self.key, self.descending):
            self.key, self.descending = key, descending
            self.changed.emit()

    def _on_indicator(self, section: int, order: Qt.SortOrder) -> None:
        key = SORT_KEYS.get(Column(section)) if 0 <= section < len(Column) else None
        if key is None:  # the profile column does not sort: put the indicator back
            self.header.blockSignals(True)
            self.header.setSortIndicator(column_for(self.key), _order(self.descending))
            self.header.blockSignals(False)
            return
        self.key, self.descending = key, order == Qt.SortOrder.DescendingOrder
        self.changed.emit()
