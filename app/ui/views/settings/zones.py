"""The settings screen's power zones: the seven Coggan zones in watts at the FTP the
rider is typing (read-only)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QLabel, QWidget

from app.core.settings import FTP_MAX_W, FTP_MIN_W
from app.core.workouts.metrics import COGGAN_ZONES
from app.core.zones import zone_percent_text, zone_watts, zone_watts_text
from app.ui.theme import palette as c
from app.ui.widgets.form_fields import Section


class ZonesTable(QWidget):
    """The seven Coggan zones with their watt ranges at an FTP; read-only."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Power zones")
        self.ftp_w = 0
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 2, 0, 0)
        self.grid.setHorizontalSpacing(14)
        self.grid.setVerticalSpacing(7)
        for column, text in ((1, "ZONE"), (3, "% FTP"), (4, "WATTS")):
            head = QLabel(text)
            head.setProperty("role", "statLabel")
            align = Qt.AlignmentFlag.AlignRight if column >= 3 else Qt.AlignmentFlag.AlignLeft
            self.grid.addWidget(head, 0, column, 1, 2 if column == 1 else 1, align)
        self.watts: list[QLabel] = []
        for index in range(len(COGGAN_ZONES)):
            self.watts.append(self._add_zone_row(index))
        self.grid.setColumnStretch(2, 1)

    def _add_zone_row(self, index: int) -> QLabel:
        """Swatch, number, name and % FTP of zone index 0..6; returns its watts label."""
        zone = COGGAN_ZONES[index]
        colour = c.ZONE_COLOURS[index]
        swatch = QLabel()
        swatch.setProperty("role", "zoneSwatch")
        swatch.setFixedSize(12, 12)
        swatch.setStyleSheet(f"background: {colour};")
        number = QLabel(f"Z{zone.number}")
        number.setStyleSheet(f"color: {colour}; font-weight: 700; font-size: 12pt;")
        name = QLabel(zone.name)
        name.setProperty("role", "body")
        percent = QLabel(zone_percent_text(index))
        percent.setProperty("role", "muted")
        percent.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        watts = QLabel("")
        watts.setProperty("role", "body")
        watts.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        watts.setMinimumWidth(96)
        row = index + 1
        self.grid.addWidget(swatch, row, 0, Qt.AlignmentFlag.AlignVCenter)
        self.grid.addWidget(number, row, 1)
        self.grid.addWidget(name, row, 2)
        self.grid.addWidget(percent, row, 3)
        self.grid.addWidget(watts, row, 4)
        return watts

    def set_ftp(self, ftp_w: int) -> None:
        if ftp_w == self.ftp_w:
            return
        self.ftp_w = ftp_w
        for index, (label, (low, high)) in enumerate(
            zip(self.watts, zone_watts(ftp_w), strict=True)
        ):
            text = zone_watts_text(low, high)
            label.setText(text)
            name = COGGAN_ZONES[index].name
            label.setAccessibleName(f"Zone {index + 1} {name}: {text}")

    def watts_text(self, zone: int) -> str:
        """The watt range shown for zone 1..7."""
        return self.watts[zone - 1].text()


class ZonesSection(Section):
    """The zones table under a line that says at which FTP it is computed."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Power zones", "", parent)
        self.caption = QLabel("")
        self.caption.setProperty("role", "muted")
        self.caption.setAccessibleName("Zones are computed at")
        self.outer.insertWidget(1, self.caption)
        self.table = ZonesTable()
        self.add_widget(self.table)

    def show_ftp(self, ftp_w: int) -> None:
        """The zones at the saved FTP."""
        self.table.set_ftp(ftp_w)
        self.caption.setText(f"At your FTP of {ftp_w} W.")

    def follow_ftp(self, typed_w: float | None) -> None:
        """The zones follow the FTP being typed while it is a valid FTP; otherwise they stay
        where they were, and the caption says so."""
        if typed_w is not None and FTP_MIN_W <= typed_w <= FTP_MAX_W and typed_w.is_integer():
            self.show_ftp(int(typed_w))
        else:
            self.caption.setText(f"At {self.table.ftp_w} W until the FTP above is a valid number.")
