"""The History list as a table model: one row a ride, newest first (the page sorts).

Columns: when it started (local time), the workout, moving time, TSS, average power and
the Sync column, whose chip says where the upload is, or that the ride was interrupted.
Besides the text, the model serves the listing itself (`LISTING_ROLE`), the Sync chip
(`CHIP_ROLE`) and the Date column's two lines (`LINES_ROLE`) for the cell painter.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from app.ui import display
from app.ui.ports.history import RideListingLike
from app.ui.views.history.words import date_lines, list_chip, long_date_text

__all__ = [
    "CHIP_ROLE",
    "COLUMN_WIDTHS",
    "LINES_ROLE",
    "LISTING_ROLE",
    "Column",
    "RideListModel",
]


class Column(IntEnum):
    DATE = 0
    WORKOUT = 1
    DURATION = 2
    TSS = 3
    POWER = 4
    STATUS = 5


_HEADERS = {
    Column.DATE: "Date",
    Column.WORKOUT: "Workout",
    Column.DURATION: "Time",
    Column.TSS: "TSS",
    Column.POWER: "Avg W",
    Column.STATUS: "Sync",
}
_HEADER_TIPS = {
    Column.DATE: "When the ride started (local time)",
    Column.DURATION: "Moving time",
    Column.TSS: "Training stress score",
    Column.POWER: "Average power",
    Column.STATUS: "Upload to your account; an interrupted ride is marked here",
}
COLUMN_WIDTHS = (
    (Column.DATE, 112),
    (Column.DURATION, 54),
    (Column.TSS, 46),
    (Column.POWER, 60),
    (Column.STATUS, 126),
)
LISTING_ROLE = int(Qt.ItemDataRole.UserRole) + 1
CHIP_ROLE = int(Qt.ItemDataRole.UserRole) + 2  # (text, tone, tip) of the Sync column
LINES_ROLE = int(Qt.ItemDataRole.UserRole) + 3  # (first line, second line) of the Date column


class RideListModel(QAbstractTableModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rides: list[RideListingLike] = []

    def set_rides(self, rides: list[RideListingLike]) -> None:
        self.beginResetModel()
        self._rides = list(rides)
        self.endResetModel()

    def rides(self) -> list[RideListingLike]:
        return list(self._rides)

    def ride(self, row: int) -> RideListingLike | None:
        return self._rides[row] if 0 <= row < len(self._rides) else None

    def row_of(self, ride_id: str) -> int | None:
        return next((i for i, r in enumerate(self._rides) if r.id == ride_id), None)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex | None = None) -> int:
        return 0 if parent is not None and parent.isValid() else len(self._rides)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex | None = None) -> int:
        return 0 if parent is not None and parent.isValid() else len(Column)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(Column):
            return None
        column = Column(section)
        if role == Qt.ItemDataRole.DisplayRole:
            return _HEADERS[column].upper()
        if role == Qt.ItemDataRole.ToolTipRole:
            return _HEADER_TIPS.get(column)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _alignment(column)
        return None

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        ride = self.ride(index.row()) if index.isValid() else None
        if ride is None:
            return None
        column = Column(index.column())
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return _cell_text(ride, column)
        if role == LISTING_ROLE:
            return ride
        if role == CHIP_ROLE:
            return list_chip(ride) if column == Column.STATUS else None
        if role == LINES_ROLE:
            return date_lines(ride.started_at) if column == Column.DATE else None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _alignment(column)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == Column.STATUS:
                return list_chip(ride)[2]
            if column == Column.DATE:
                return long_date_text(ride.started_at)
            return ride.workout_name if column == Column.WORKOUT else None
        return None


def _cell_text(ride: RideListingLike, column: Column) -> str:
    if column == Column.DATE:
        return long_date_text(ride.started_at)
    if column == Column.WORKOUT:
        return ride.workout_name
    if column == Column.DURATION:
        return display.h_mm(ride.moving_s)
    if column == Column.TSS:
        return display.whole(ride.tss)
    if column == Column.POWER:
        return display.whole(ride.avg_power_w)
    return list_chip(ride)[0]


def _alignment(column: Column) -> Qt.AlignmentFlag:
    if column in (Column.DURATION, Column.TSS, Column.POWER):
        return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
    return Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
