"""The History list on screen: a table over `RideListModel` whose Date column is painted
on two lines (day, then time) and whose Sync column is a chip, with a hint over the
empty list."""

from __future__ import annotations

from PySide6.QtCore import (
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    Qt,
)
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
)

from app.ui.theme import palette
from app.ui.views.history.chips import chip_font, paint_chip
from app.ui.views.history.ride_list import (
    CHIP_ROLE,
    COLUMN_WIDTHS,
    LINES_ROLE,
    Column,
    RideListModel,
)

__all__ = ["CellDelegate", "RideTable"]

EMPTY_HINT_HEIGHT_PX = 60


class CellDelegate(QStyledItemDelegate):
    """Paints the Date column on two lines (day, then time) and the Sync column as a chip;
    the item background (selection, hover) comes from the style sheet as elsewhere."""

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        widget = opt.widget
        style = widget.style() if widget is not None else None
        if style is None:
            super().paint(painter, option, index)
            return
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        chip = index.data(CHIP_ROLE)
        if chip:
            box = opt.rect.adjusted(6, 0, -4, 0)
            paint_chip(painter, box, chip[0], chip[1], chip_font(opt.font))
            return
        lines = index.data(LINES_ROLE)
        if lines:
            _paint_lines(painter, opt, lines)


def _paint_lines(painter: QPainter, opt: QStyleOptionViewItem, lines: tuple[str, str]) -> None:
    """The first line in the cell's font, the second smaller and muted, centred together."""
    rect = opt.rect.adjusted(10, 0, -6, 0)
    selected = bool(opt.state & QStyle.StateFlag.State_Selected)
    small = QFont(opt.font)
    small.setPointSizeF(max(opt.font.pointSizeF() - 1.5, 9.0))
    top_h = QFontMetrics(opt.font).height()
    bottom_h = QFontMetrics(small).height()
    y = rect.top() + (rect.height() - top_h - bottom_h) // 2
    painter.save()
    painter.setFont(opt.font)
    painter.setPen(QColor("#ffffff" if selected else palette.TEXT))
    left = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
    painter.drawText(QRect(rect.left(), y, rect.width(), top_h), left, lines[0])
    painter.setFont(small)
    painter.setPen(QColor("#c9d6e4" if selected else palette.TEXT_MUTED))
    painter.drawText(QRect(rect.left(), y + top_h, rect.width(), bottom_h), left, lines[1])
    painter.restore()


class RideTable(QTableView):
    """The rides, one row each (`row_height_px` fits the Date column's two lines); Tab
    leaves the table rather than moving between cells."""

    def __init__(self, model: RideListModel, row_height_px: int) -> None:
        super().__init__()
        self.setModel(model)
        self.setAccessibleName("Past rides")
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.setTabKeyNavigation(False)
        self.delegate = CellDelegate(self)
        self.setItemDelegateForColumn(Column.DATE, self.delegate)
        self.setItemDelegateForColumn(Column.STATUS, self.delegate)
        rows = self.verticalHeader()
        rows.hide()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(row_height_px)
        header = self.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(Column.WORKOUT, QHeaderView.ResizeMode.Stretch)
        for column, width in COLUMN_WIDTHS:
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
            header.resizeSection(column, width)
        self.empty_label = QLabel("", self.viewport())
        self.empty_label.setProperty("role", "muted")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.empty_label.hide()

    def select_row(self, row: int) -> None:
        """Make `row` the current, selected row and scroll it into view."""
        index = self.model().index(row, 0)
        self.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.scrollTo(index, QAbstractItemView.ScrollHint.EnsureVisible)

    def show_empty_hint(self, text: str) -> None:
        """Say `text` over the empty list; "" takes the hint away."""
        if text:
            self.empty_label.setText(text)
            self._place_empty_hint()
        self.empty_label.setVisible(bool(text))

    def _place_empty_hint(self) -> None:
        self.empty_label.setGeometry(self.viewport().rect().adjusted(20, 40, -20, 0))
        self.empty_label.setFixedHeight(EMPTY_HINT_HEIGHT_PX)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.empty_label.isVisible():
            self._place_empty_hint()
