"""The settings screen: rider, power zones, ERG, ride, ride screen, sync and data.

Nothing is saved while a value is out of range. Apply validates the whole form through
`RiderSettings.model_validate`; each problem is shown in plain words right under its
field (from `app.core.settings.explain`), the first bad field gets the focus, and the
rider's file stays as it was. A valid form is saved through the `SettingsPort` (which
writes atomically) and announced with `settings_changed(RiderSettings)`.

A new FTP is remembered in the FTP history with the day it was set; the zones table
follows the FTP field as the rider types. Problems found when the file was loaded are
shown at the top ("Your settings file had a bad value: …; the default is used").

Keys: Tab walks the form top to bottom; Up/Down step a number field (and choose the
previous/next figure in a ride-screen tile box); Return in a field or Ctrl+S applies;
Ctrl+Z (outside a field) or "Undo changes" restores the saved values.

The ride screen's tiles are chosen per slot (`TilePicker`); tiles the rider changes on
the ride screen itself are saved with `save_ride_tiles`.

The small form widgets here (`NumberField`, `ChoiceGroup`, `FieldError`, `Section`) are
shared with the welcome screen.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from itertools import pairwise
from typing import Any

from pydantic import BaseModel, ValidationError
from PySide6.QtCore import (
    QDate,
    QLocale,
    QPoint,
    QRectF,
    QRegularExpression,
    QSize,
    Qt,
    QUrl,
    Signal,
    Slot,
)
from PySide6.QtGui import (
    QColor,
    QDesktopServices,
    QKeyEvent,
    QKeySequence,
    QPainter,
    QPaintEvent,
    QPen,
    QRegularExpressionValidator,
    QResizeEvent,
    QShortcut,
    QWheelEvent,
)
from PySide6.QtWidgets import (
    QAbstractButton,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app.core.ride.tiles import DEFAULT_TILES, LARGE_TILES, MAX_TILES
from app.core.settings import ErgPreferences, FtpChange, RiderSettings, explain
from app.core.workouts.metrics import COGGAN_ZONES, zone_of
from app.ui.ports.settings import SettingsPort
from app.ui.theme import palette as c
from app.ui.theme.style import set_style_property, toggle_button_rules
from app.ui.widgets.notice import Notice
from app.ui.widgets.scroll_columns import ScrollColumns
from app.ui.widgets.tile_board import TILE_METRICS, tile_name

KG_PER_LB = 0.45359237
HISTORY_SHOWN = 6
TWO_COLUMNS_MIN_PX = 1100  # narrower: the sections stack in one column
_PARSE_ERRORS = {
    "missing",
    "int_parsing",
    "int_type",
    "int_from_float",
    "float_parsing",
    "float_type",
    "literal_error",
}

SEGMENT_RULES = toggle_button_rules(
    "segment", radius_px=9, padding="6px 16px", min_height_px=20, font_pt=11,
    focus_border=f"2px solid {c.TARGET}", checked_focus_border="2px solid #ffffff",
)  # fmt: skip

# Looks the application style sheet does not have; scoped to these screens.
FORM_STYLE = f"""
QLabel[role="sectionTitle"] {{
    font-size: 14pt;
    font-weight: 700;
}}
QLabel[role="fieldLabel"] {{
    font-size: 12pt;
    color: #d3dae2;
}}
QLabel[role="unit"] {{
    color: {c.TEXT_MUTED};
    font-size: 12pt;
}}
QLabel[role="hint"] {{
    color: {c.TEXT_MUTED};
    font-size: 10pt;
}}
QLabel[role="fieldError"] {{
    color: #ff8a87;
    font-size: 11pt;
    font-weight: 600;
}}
QLabel[role="path"] {{
    font-family: monospace;
    font-size: 11pt;
    color: #d3dae2;
    background: {c.WINDOW};
    border: 1px solid {c.BORDER};
    border-radius: 8px;
    padding: 7px 10px;
}}
QLineEdit[invalid="true"], QLineEdit[invalid="true"]:focus {{
    border: 2px solid {c.DANGER};
}}
QLineEdit:disabled {{
    color: {c.TEXT_DISABLED};
    background: {c.WINDOW};
}}
QCheckBox {{
    font-size: 12pt;
    spacing: 10px;
    padding: 3px 0;
}}
QCheckBox:disabled {{
    color: {c.TEXT_DISABLED};
}}
{SEGMENT_RULES}QLabel[role="zoneSwatch"] {{
    border-radius: 4px;
}}
QLabel[role="slotNumber"] {{
    color: {c.TEXT_MUTED};
    font-size: 11pt;
    font-weight: 700;
    min-width: 14px;
}}
QComboBox {{
    background: {c.SURFACE_RAISED};
    border: 1px solid {c.BORDER};
    border-radius: 9px;
    padding: 6px 10px;
    min-height: 20px;
    font-size: 11pt;
    color: {c.TEXT};
}}
QComboBox:hover {{
    background: {c.SURFACE_HOVER};
}}
QComboBox:focus {{
    border: 2px solid {c.TARGET};
}}
QComboBox[invalid="true"], QComboBox[invalid="true"]:focus {{
    border: 2px solid {c.DANGER};
}}
QComboBox[empty="true"] {{
    color: {c.TEXT_MUTED};
}}
QComboBox::drop-down {{
    border: none;
    width: 22px;
}}
QComboBox QAbstractItemView {{
    background: {c.SURFACE_RAISED};
    border: 1px solid {c.BORDER};
    selection-background-color: {c.TARGET_DIM};
    selection-color: #ffffff;
    outline: none;
    font-size: 11pt;
}}
"""


# --- small form widgets (shared with the welcome screen) -------------------------------------


class NumberField(QLineEdit):
    """A number typed as text: digits only (and one decimal with `decimals=1`), so an
    out-of-range value reaches validation and gets a message instead of being clamped.
    Up/Down step by `step`."""

    def __init__(
        self,
        accessible_name: str,
        *,
        decimals: int = 0,
        step: float = 1,
        digits: int = 4,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.decimals = decimals
        self.step = step
        pattern = rf"\d{{0,{digits}}}" + (rf"([.,]\d{{0,{decimals}}})?" if decimals else "")
        self.setValidator(QRegularExpressionValidator(QRegularExpression(pattern), self))
        self.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.setFixedWidth(112)
        self.setAccessibleName(accessible_name)

    def raw(self) -> str:
        """The text as validation takes it: "72,5" -> "72.5"."""
        return self.text().strip().replace(",", ".")

    def number(self) -> float | None:
        try:
            return float(self.raw())
        except ValueError:
            return None

    def set_number(self, value: float | None) -> None:
        self.setText(format_number(value, self.decimals))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in (Qt.Key.Key_Up, Qt.Key.Key_Down) and self.isEnabled():
            current = self.number()
            if current is None:
                current = float(self.placeholderText()) if _is_number(self.placeholderText()) else 0
            delta = self.step if key == Qt.Key.Key_Up else -self.step
            self.set_number(max(current + delta, 0))
            self.textEdited.emit(self.text())  # a change by the rider, like typing
            return
        super().keyPressEvent(event)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def format_number(value: float | None, decimals: int = 0) -> str:
    """72.0 -> "72", 72.5 -> "72.5" (decimals=1), None -> ""."""
    if value is None:
        return ""
    if decimals == 0 or float(value).is_integer():
        return str(round(value))
    return f"{value:.{decimals}f}"


class FieldError(QLabel):
    """The plain-words problem under a field; marks the field red while shown."""

    def __init__(self, field: QWidget, parent: QWidget | None = None) -> None:
        super().__init__("", parent)
        self.field = field
        self.setProperty("role", "fieldError")
        self.setWordWrap(True)
        self.setAccessibleName(f"{field.accessibleName()} problem")
        self.hide()

    def show_error(self, text: str) -> None:
        self.setText(text)
        self.setVisible(True)
        set_style_property(self.field, "invalid", True)
        self.field.setAccessibleDescription(text)

    def clear_error(self) -> None:
        if self.isHidden() and not self.text():
            return
        self.setText("")
        self.hide()
        set_style_property(self.field, "invalid", False)
        self.field.setAccessibleDescription("")


class _Segment(QPushButton):
    """A button of a ChoiceGroup: the arrow keys pick the neighbouring choice."""

    def __init__(self, text: str, group: ChoiceGroup) -> None:
        super().__init__(text)
        self._choices = group

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in (Qt.Key.Key_Left, Qt.Key.Key_Up):
            self._choices.step(-1)
        elif key in (Qt.Key.Key_Right, Qt.Key.Key_Down):
            self._choices.step(1)
        else:
            super().keyPressEvent(event)


class ChoiceGroup(QWidget):
    """A row of exclusive segment buttons (units, smoothing). `changed(value)`.

    Keyboard, as for radio buttons: the group is one Tab stop (the chosen button), the
    arrow keys choose the previous or next one."""

    changed = Signal(object)

    def __init__(
        self,
        accessible_name: str,
        choices: Sequence[tuple[object, str]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setAccessibleName(accessible_name)
        self.group = QButtonGroup(self)
        self.group.setExclusive(True)
        self.buttons: dict[object, QPushButton] = {}
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        for value, text in choices:
            button = _Segment(text, self)
            button.setProperty("segment", True)
            button.setCheckable(True)
            button.setAccessibleName(f"{accessible_name}: {text}")
            button.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
            self.group.addButton(button)
            self.buttons[value] = button
            layout.addWidget(button)
        layout.addStretch(1)
        self.group.buttonToggled.connect(self._on_toggled)
        self._update_tab_stop()

    def value(self) -> object:
        return next((v for v, b in self.buttons.items() if b.isChecked()), None)

    def set_value(self, value: object) -> None:
        button = self.buttons.get(value)
        if button is not None and not button.isChecked():
            button.setChecked(True)

    def step(self, offset: int) -> None:
        """Choose the previous (-1) or next (+1) button and move the focus to it."""
        buttons = list(self.buttons.values())
        current = next((i for i, b in enumerate(buttons) if b.isChecked()), 0)
        index = min(max(current + offset, 0), len(buttons) - 1)
        buttons[index].setChecked(True)
        buttons[index].setFocus(Qt.FocusReason.TabFocusReason)

    def focus_widgets(self) -> list[QWidget]:
        return list(self.buttons.values())

    def tab_stop(self) -> QWidget:
        """The button Tab lands on: the chosen one (the first when none is)."""
        buttons = list(self.buttons.values())
        return next((b for b in buttons if b.isChecked()), buttons[0])

    def _update_tab_stop(self) -> None:
        stop = self.tab_stop()
        for button in self.buttons.values():
            policy = Qt.FocusPolicy.StrongFocus if button is stop else Qt.FocusPolicy.ClickFocus
            button.setFocusPolicy(policy)

    @Slot(QAbstractButton, bool)
    def _on_toggled(self, button: QAbstractButton, checked: bool) -> None:
        if checked:
            self._update_tab_stop()
            self.changed.emit(self.value())


class ToggleSwitch(QCheckBox):
    """A checkbox drawn as a switch, readable on the dark cards; the whole row (switch
    and text) toggles it. Space toggles it from the keyboard, as for any checkbox."""

    TRACK_W, TRACK_H, GAP = 40, 22, 12

    def __init__(self, text: str, accessible_name: str, parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.setAccessibleName(accessible_name)
        self.setCursor(Qt.CursorShape.PointingHandCursor)

    def sizeHint(self) -> QSize:
        metrics = self.fontMetrics()
        width = self.TRACK_W + self.GAP + metrics.horizontalAdvance(self.text()) + 6
        return QSize(width, max(self.TRACK_H, metrics.height()) + 8)

    def minimumSizeHint(self) -> QSize:
        return self.sizeHint()

    def hitButton(self, pos: QPoint) -> bool:
        return self.rect().contains(pos)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        enabled = self.isEnabled()
        on = self.isChecked()
        top = (self.height() - self.TRACK_H) / 2
        track = QRectF(1, top, self.TRACK_W, self.TRACK_H)
        if on:
            fill = QColor(c.TARGET if enabled else c.TARGET_DIM)
        else:
            fill = QColor(c.BORDER if enabled else c.SURFACE_RAISED)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(fill)
        painter.drawRoundedRect(track, self.TRACK_H / 2, self.TRACK_H / 2)
        if self.hasFocus():
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.setPen(QPen(QColor("#ffffff" if on else c.TARGET), 2))
            painter.drawRoundedRect(
                track.adjusted(-1, -1, 1, 1), self.TRACK_H / 2 + 1, self.TRACK_H / 2 + 1
            )
        knob = self.TRACK_H - 6
        x = track.right() - knob - 3 if on else track.left() + 3
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(
            QColor("#ffffff" if on else c.TEXT_MUTED) if enabled else QColor(c.TEXT_DISABLED)
        )
        painter.drawEllipse(QRectF(x, top + 3, knob, knob))
        painter.setPen(QColor(c.TEXT if enabled else c.TEXT_DISABLED))
        painter.setFont(self.font())
        text_rect = self.rect().adjusted(self.TRACK_W + self.GAP, 0, 0, 0)
        painter.drawText(
            text_rect, int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft), self.text()
        )
        painter.end()


class Section(QFrame):
    """A card with a heading, an optional line under it and a form grid:
    label | field | unit, with the field's problem and hint under the field."""

    LABEL_MIN_PX = 150

    def __init__(self, title: str, subtitle: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("Card")
        self.setAccessibleName(title)
        heading = QLabel(title)
        heading.setProperty("role", "sectionTitle")
        heading.setAccessibleName(f"{title} section")
        self.outer = QVBoxLayout(self)
        self.outer.setContentsMargins(22, 18, 22, 20)
        self.outer.setSpacing(10)
        self.outer.addWidget(heading)
        if subtitle:
            line = QLabel(subtitle)
            line.setProperty("role", "muted")
            line.setWordWrap(True)
            self.outer.addWidget(line)
        self.grid = QGridLayout()
        self.grid.setHorizontalSpacing(12)
        self.grid.setVerticalSpacing(6)
        self.grid.setColumnMinimumWidth(0, self.LABEL_MIN_PX)
        self.grid.setColumnStretch(3, 1)
        self.outer.addLayout(self.grid)
        self._row = 0

    def add_field(
        self,
        label: str,
        field: QWidget,
        unit: str | QLabel = "",
        hint: str = "",
        *,
        error: bool = True,
        wide: bool = False,
    ) -> FieldError | None:
        """One labelled row; returns the field's error label (None with error=False)."""
        label_widget = QLabel(label)
        label_widget.setProperty("role", "fieldLabel")
        label_widget.setBuddy(field)
        row = self._row
        self.grid.addWidget(label_widget, row, 0, Qt.AlignmentFlag.AlignVCenter)
        if wide:
            self.grid.addWidget(field, row, 1, 1, 3)
        else:
            self.grid.addWidget(field, row, 1)
            if isinstance(unit, QLabel):
                self.grid.addWidget(unit, row, 2)
            elif unit:
                unit_label = QLabel(unit)
                unit_label.setProperty("role", "unit")
                self.grid.addWidget(unit_label, row, 2)
        row += 1
        field_error = None
        if error:
            field_error = FieldError(field)
            self.grid.addWidget(field_error, row, 1, 1, 3)
            row += 1
        if hint:
            hint_label = QLabel(hint)
            hint_label.setProperty("role", "hint")
            hint_label.setWordWrap(True)
            self.grid.addWidget(hint_label, row, 1, 1, 3)
            row += 1
            # a little air before the next field
            self.grid.setRowMinimumHeight(row, 6)
            row += 1
        self._row = row
        return field_error

    def add_spacing(self, height_px: int) -> None:
        """An empty row of this height."""
        self.grid.setRowMinimumHeight(self._row, height_px)
        self._row += 1

    def add_widget(self, widget: QWidget, *, under_field: bool = False) -> None:
        """A full-width row (a list, a table), or one under the fields' column."""
        if under_field:
            self.grid.addWidget(widget, self._row, 1, 1, 3)
        else:
            self.grid.addWidget(widget, self._row, 0, 1, 4)
        self._row += 1


def set_tab_chain(widgets: Iterable[QWidget]) -> None:
    """Tab goes through `widgets` in this order."""
    chain = list(widgets)
    for first, second in pairwise(chain):
        QWidget.setTabOrder(first, second)


# --- validation helpers -----------------------------------------------------------------------


def field_bounds(model: type[BaseModel], name: str) -> tuple[Any, Any]:
    """The (ge, le) bounds of a field from its pydantic metadata."""
    info = model.model_fields[name]
    low = next((m.ge for m in info.metadata if hasattr(m, "ge")), None)
    high = next((m.le for m in info.metadata if hasattr(m, "le")), None)
    return low, high


_FIELD_MODELS: dict[str, tuple[type[BaseModel], str]] = {
    "ftp_w": (RiderSettings, "ftp_w"),
    "weight_kg": (RiderSettings, "weight_kg"),
    "erg.ramp_in_s": (ErgPreferences, "ramp_in_s"),
    "erg.lead_s": (ErgPreferences, "lead_s"),
    "erg.cadence_guard_rpm": (ErgPreferences, "cadence_guard_rpm"),
    "erg.min_target_w": (ErgPreferences, "min_target_w"),
    "erg.max_target_w": (ErgPreferences, "max_target_w"),
}


def lb_bounds() -> tuple[int, int]:
    low, high = field_bounds(RiderSettings, "weight_kg")
    return math.ceil(low / KG_PER_LB), math.floor(high / KG_PER_LB)


def problems_by_field(exc: ValidationError, *, imperial: bool = False) -> dict[str, str]:
    """`explain(exc)`'s messages keyed by field ("ftp_w", "erg.lead_s", …), with a clearer
    message for an empty or unreadable number, and weight bounds in lb when imperial."""
    found: dict[str, str] = {}
    for problem, message in zip(exc.errors(), explain(exc), strict=True):
        key = ".".join(str(p) for p in problem["loc"])
        label = message.split(":", 1)[0]
        bounds = _FIELD_MODELS.get(key)
        if key == "weight_kg" and imperial and problem["type"] not in _PARSE_ERRORS:
            low, high = lb_bounds()
            message = f"{label}: must be between {low} and {high} lb"
        elif problem["type"] in _PARSE_ERRORS and bounds is not None:
            low, high = field_bounds(*bounds)
            if key == "weight_kg" and imperial:
                low, high = lb_bounds()
            message = f"{label}: enter a number between {_plain(low)} and {_plain(high)}"
        found.setdefault(key, message)
    return found


def _plain(value: Any) -> str:
    return format_number(value) if isinstance(value, int | float) else str(value)


def check_url(text: str, label: str) -> tuple[str | None, str | None]:
    """(the address or None when empty, a problem or None)."""
    text = text.strip()
    if not text:
        return None, None
    url = QUrl(text, QUrl.ParsingMode.StrictMode)
    if not url.isValid() or url.scheme() not in ("http", "https") or not url.host():
        return None, f"{label}: enter a full address starting with https://"
    return text, None


# --- power zones ------------------------------------------------------------------------------


def zone_watts(ftp_w: int) -> list[tuple[int, int | None]]:
    """Whole-watt (low, high) of zones 1..7 at `ftp_w` as `zone_of` assigns them; zone 7
    has no upper end (None)."""
    lows = [0]
    for zone in COGGAN_ZONES[1:]:
        watts = max(math.floor(zone.low_ftp_fraction * ftp_w) - 1, 0)
        while zone_of(watts / ftp_w) < zone.number:
            watts += 1
        lows.append(watts)
    return [(low, lows[i + 1] - 1 if i + 1 < len(lows) else None) for i, low in enumerate(lows)]


def zone_percent_text(index: int) -> str:
    """ "< 55 %", "55–75 %", "76–90 %", …, "> 150 %" for zone index 0..6."""
    zone = COGGAN_ZONES[index]
    high = round(zone.high_ftp_fraction * 100) if math.isfinite(zone.high_ftp_fraction) else 0
    if index == 0:
        return f"< {high} %"
    if index == len(COGGAN_ZONES) - 1:
        return f"> {round(zone.low_ftp_fraction * 100)} %"
    low = round(zone.low_ftp_fraction * 100) + (1 if index > 1 else 0)
    return f"{low}–{high} %"


def zone_watts_text(low: int, high: int | None) -> str:
    return f"> {low - 1} W" if high is None else f"{low}–{high} W"


class ZonesTable(QWidget):
    """The seven Coggan zones with their watt ranges at an FTP; read-only."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Power zones")
        self.ftp_w = 0
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 2, 0, 0)
        grid.setHorizontalSpacing(14)
        grid.setVerticalSpacing(7)
        for column, text in ((1, "ZONE"), (3, "% FTP"), (4, "WATTS")):
            head = QLabel(text)
            head.setProperty("role", "statLabel")
            align = Qt.AlignmentFlag.AlignRight if column >= 3 else Qt.AlignmentFlag.AlignLeft
            grid.addWidget(head, 0, column, 1, 2 if column == 1 else 1, align)
        self.watts: list[QLabel] = []
        self.rows: list[QWidget] = []
        for index, zone in enumerate(COGGAN_ZONES):
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
            grid.addWidget(swatch, row, 0, Qt.AlignmentFlag.AlignVCenter)
            grid.addWidget(number, row, 1)
            grid.addWidget(name, row, 2)
            grid.addWidget(percent, row, 3)
            grid.addWidget(watts, row, 4)
            self.watts.append(watts)
        grid.setColumnStretch(2, 1)

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


# --- ride screen tiles ------------------------------------------------------------------------

NO_TILE_TEXT = "No tile"


class _TileCombo(QComboBox):
    """A slot's choice. The mouse wheel changes it only once it has the focus, so
    scrolling the settings page never changes a tile by accident."""

    def wheelEvent(self, event: QWheelEvent) -> None:
        if self.hasFocus():
            super().wheelEvent(event)
        else:
            event.ignore()


class TilePicker(QWidget):
    """The ride screen's tiles as slots: three large on top (always shown) and five small
    below (each may be "No tile"), one combo box per slot, in the order of the screen, and
    "Reset tiles to default". `changed()` on every change by the rider.

    Choosing a figure already in another slot is allowed while editing; Apply says so
    (`repeated()`) and saves nothing until each figure is in one slot."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Ride screen tiles")
        self.smoothing_s = 3
        self.combos: list[QComboBox] = []
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(8)
        for column, text in ((0, "TILES · LARGE, ON TOP"), (3, "SMALL, BELOW")):
            head = QLabel(text)
            head.setProperty("role", "statLabel")
            grid.addWidget(head, 0, column, 1, 2)
        for slot in range(MAX_TILES):
            large = slot < LARGE_TILES
            combo = _TileCombo()
            combo.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.setMinimumContentsLength(12)
            combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            combo.setMaxVisibleItems(len(TILE_METRICS) + 1)
            size = "Large" if large else "Small"
            number = slot + 1 if large else slot - LARGE_TILES + 1
            combo.setAccessibleName(f"{size} tile {number}")
            if not large:
                combo.addItem(NO_TILE_TEXT, None)
            for key in TILE_METRICS:
                combo.addItem(tile_name(key, self.smoothing_s), key)
            combo.activated.connect(self._on_activated)
            label = QLabel(str(slot + 1))
            label.setProperty("role", "slotNumber")
            label.setBuddy(combo)
            row = 1 + (slot if large else slot - LARGE_TILES)
            column = 0 if large else 3
            grid.addWidget(label, row, column, Qt.AlignmentFlag.AlignVCenter)
            grid.addWidget(combo, row, column + 1)
            self.combos.append(combo)
        grid.setColumnMinimumWidth(2, 12)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(4, 1)
        self.reset_button = QPushButton("Reset tiles to default")
        self.reset_button.setProperty("link", True)
        self.reset_button.setAccessibleName("Reset the ride screen tiles to default")
        self.reset_button.clicked.connect(self.reset)
        bottom_left = Qt.AlignmentFlag.AlignBottom | Qt.AlignmentFlag.AlignLeft
        grid.addWidget(self.reset_button, LARGE_TILES + 1, 0, 2, 2, bottom_left)
        self.set_keys(DEFAULT_TILES)

    def slots(self) -> tuple[str | None, ...]:
        """What each slot shows, None for an empty small slot."""
        return tuple(combo.currentData() for combo in self.combos)

    def keys(self) -> tuple[str, ...]:
        """The tiles in screen order, empty slots left out."""
        return tuple(key for key in self.slots() if key is not None)

    def set_keys(self, keys: Sequence[str]) -> None:
        keys = tuple(keys)
        for slot, combo in enumerate(self.combos):
            wanted = keys[slot] if slot < len(keys) else None
            index = combo.findData(wanted)
            combo.setCurrentIndex(index if index >= 0 else 0)
        self._update_looks()

    def set_smoothing(self, seconds: int) -> None:
        """The smoothed power's entry names the smoothing chosen above it."""
        self.smoothing_s = seconds
        for combo in self.combos:
            index = combo.findData("power")
            combo.setItemText(index, tile_name("power", seconds))

    def repeated(self) -> str | None:
        """The first figure shown in more than one slot, if any."""
        keys = self.keys()
        return next((key for i, key in enumerate(keys) if key in keys[:i]), None)

    def show_problem(self, shown: bool) -> None:
        """Mark the slots of a repeated figure red (or no slot)."""
        key = self.repeated() if shown else None
        for combo in self.combos:
            set_style_property(combo, "invalid", key is not None and combo.currentData() == key)

    def focus_problem(self) -> None:
        """Focus the second slot of a repeated figure."""
        key = self.repeated()
        slots = [combo for combo in self.combos if combo.currentData() == key]
        if len(slots) > 1:
            slots[1].setFocus(Qt.FocusReason.OtherFocusReason)

    def focus_widgets(self) -> list[QWidget]:
        return [*self.combos, self.reset_button]

    @Slot()
    def reset(self) -> None:
        if self.keys() != DEFAULT_TILES:
            self.set_keys(DEFAULT_TILES)
            self.changed.emit()
            self.combos[0].setFocus(Qt.FocusReason.OtherFocusReason)  # the button is disabled now

    @Slot(int)
    def _on_activated(self, _index: int) -> None:
        self._update_looks()
        self.changed.emit()

    def _update_looks(self) -> None:
        for combo in self.combos:
            set_style_property(combo, "empty", combo.currentData() is None)
            set_style_property(combo, "invalid", False)
        self.reset_button.setEnabled(self.keys() != DEFAULT_TILES)


# --- the screen -------------------------------------------------------------------------------


def _keyring_line(state: str) -> str:
    known = {
        "OS keyring": "Your sign-in is kept in the system keyring.",
        "memory only this session": (
            "No system keyring was found: your sign-in is kept in memory for this session "
            "only, so you will be asked again next time."
        ),
        "plaintext file (opted in)": (
            "Your sign-in is kept in a plain-text file on this computer (you chose this)."
        ),
    }
    return known.get(state, f"Sign-in storage: {state}.")


def load_problem_text(problems: Sequence[str]) -> str:
    if len(problems) == 1:
        return f"Your settings file had a bad value: {problems[0]}; the default is used."
    listed = "; ".join(problems)
    return f"Your settings file had bad values: {listed}. The defaults are used for those."


class SettingsView(QWidget):
    """Signals: `settings_changed(RiderSettings)` after a successful Apply that changed
    the rider's settings; `sync_urls_changed(server_url, status_page_url)` after one that
    changed the sync addresses (None = not set)."""

    settings_changed = Signal(object)  # RiderSettings
    sync_urls_changed = Signal(object, object)  # str | None, str | None

    def __init__(
        self,
        port: SettingsPort,
        *,
        today: Callable[[], date] = date.today,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("Page")
        self.setAccessibleName("Settings")
        self.setStyleSheet(FORM_STYLE)
        self.port = port
        self._today = today
        self._settings = RiderSettings()
        self._urls: tuple[str | None, str | None] = (None, None)
        self._saved_form: tuple[object, ...] = ()
        self._weight_shown: tuple[str, str, float | None] = ("", "metric", None)
        self._filling = False
        self.errors: dict[str, FieldError] = {}

        # -- header ------------------------------------------------------------------------
        title = QLabel("Settings")
        title.setProperty("role", "title")
        self.status_label = QLabel("")
        self.status_label.setProperty("role", "muted")
        self.status_label.setAccessibleName("Settings state")
        self.revert_button = QPushButton("Undo changes")
        self.revert_button.setAccessibleName("Undo changes: show the saved settings again")
        self.revert_button.clicked.connect(self.revert)
        self.apply_button = QPushButton("Apply")
        self.apply_button.setProperty("primary", True)
        self.apply_button.setMinimumWidth(130)
        self.apply_button.setAccessibleName("Apply settings")
        self.apply_button.setToolTip("Check and save the settings (Ctrl+S)")
        self.apply_button.clicked.connect(self.apply)
        head = QHBoxLayout()
        head.setSpacing(14)
        head.addWidget(title)
        head.addStretch(1)
        head.addWidget(self.status_label)
        head.addWidget(self.revert_button)
        head.addWidget(self.apply_button)

        self.load_notice = Notice()
        self.load_notice.setAccessibleName("Settings file problems")
        self.notice = Notice()
        self.notice.setAccessibleName("Apply result")

        # -- rider -------------------------------------------------------------------------
        rider = Section("Rider", "Targets, zones and training load scale with your FTP.")
        self.ftp_field = NumberField("FTP in watts", step=5)
        self.errors["ftp_w"] = self._add(
            rider,
            "FTP",
            self.ftp_field,
            "W",
            "The power you can hold for about an hour.",
        )
        self.history_title = QLabel("FTP HISTORY")
        self.history_title.setProperty("role", "statLabel")
        self.history = QLabel("")
        self.history.setProperty("role", "body")
        self.history.setTextFormat(Qt.TextFormat.RichText)
        self.history.setAccessibleName("FTP history")
        self.history.setWordWrap(True)
        history_box = QWidget()
        history_layout = QVBoxLayout(history_box)
        history_layout.setContentsMargins(0, 0, 0, 6)
        history_layout.setSpacing(4)
        history_layout.addWidget(self.history_title)
        history_layout.addWidget(self.history)
        rider.add_widget(history_box, under_field=True)
        self.weight_field = NumberField("Weight", decimals=1, step=0.5, digits=3)
        self.weight_field.setPlaceholderText("optional")
        self.weight_unit = QLabel("kg")
        self.weight_unit.setProperty("role", "unit")
        self.errors["weight_kg"] = self._add(
            rider,
            "Weight",
            self.weight_field,
            self.weight_unit,
            "Optional. Used for watts per kilogram.",
        )
        self.units = ChoiceGroup(
            "Units", (("metric", "Metric · kg, km"), ("imperial", "Imperial · lb, mi"))
        )
        self.units.changed.connect(self._on_units_changed)
        rider.add_field("Units", self.units, error=False, wide=True)

        # -- zones -------------------------------------------------------------------------
        zones = Section("Power zones", "")
        self.zones_caption = QLabel("")
        self.zones_caption.setProperty("role", "muted")
        self.zones_caption.setAccessibleName("Zones are computed at")
        zones.outer.insertWidget(1, self.zones_caption)
        self.zones = ZonesTable()
        zones.add_widget(self.zones)

        # -- ERG ---------------------------------------------------------------------------
        erg = Section("ERG", "How the trainer holds the workout's target power.")
        self.ramp_in_field = NumberField("ERG ramp-in in seconds", digits=3)
        self.errors["erg.ramp_in_s"] = self._add(
            erg,
            "Ramp-in",
            self.ramp_in_field,
            "s",
            "Eases into the target after start, resume and big steps.",
        )
        self.lead_field = NumberField("ERG lead in seconds", digits=3)
        self.errors["erg.lead_s"] = self._add(
            erg,
            "Lead",
            self.lead_field,
            "s",
            "Sends each target this much early, for trainers that react slowly.",
        )
        self.cadence_guard_check = ToggleSwitch("Ease off when cadence drops", "Cadence guard")
        self.cadence_guard_check.toggled.connect(self._on_guard_toggled)
        erg.add_field("Cadence guard", self.cadence_guard_check, error=False, wide=True)
        self.cadence_guard_field = NumberField("Cadence guard in rpm", digits=3)
        self.errors["erg.cadence_guard_rpm"] = self._add(
            erg,
            "Guard below",
            self.cadence_guard_field,
            "rpm",
            "Below this cadence for a few seconds, the trainer eases off until you spin up again.",
        )
        self.min_target_field = NumberField("Lowest ERG target in watts", step=5)
        self.errors["erg.min_target_w"] = self._add(
            erg, "Lowest target", self.min_target_field, "W"
        )
        self.max_target_field = NumberField("Highest ERG target in watts", step=10)
        self.errors["erg.max_target_w"] = self._add(
            erg,
            "Highest target",
            self.max_target_field,
            "W",
            "Targets outside this range are held at its edge.",
        )
        self.power_match_check = ToggleSwitch(
            "Steer ERG by your power meter, not the trainer", "Power match"
        )
        erg.add_field("Power match", self.power_match_check, error=False, wide=True)

        # -- ride --------------------------------------------------------------------------
        ride = Section("Ride")
        self.auto_pause_check = ToggleSwitch("Pause when you stop pedalling", "Auto-pause")
        ride.add_field("Auto-pause", self.auto_pause_check, error=False, wide=True)
        self.sounds_check = ToggleSwitch("Sound cues during rides", "Sounds")
        ride.add_field("Sounds", self.sounds_check, error=False, wide=True)

        # -- ride screen -------------------------------------------------------------------
        ride_screen = Section(
            "Ride screen",
            "What the tiles show while you ride. During a ride, right-click a tile "
            "(or focus it and press the Menu key) to change it there.",
        )
        self.smoothing = ChoiceGroup("Power smoothing", ((1, "1 s"), (3, "3 s"), (10, "10 s")))
        self.smoothing.changed.connect(self._on_smoothing_changed)
        ride_screen.add_field(
            "Power smoothing",
            self.smoothing,
            hint="How many seconds the Power tile averages. Dropouts are left out, not "
            "counted as zero.",
            error=False,
            wide=True,
        )
        self.tile_picker = TilePicker()
        ride_screen.add_spacing(4)
        ride_screen.add_widget(self.tile_picker)
        self.errors["ride_tiles"] = FieldError(self.tile_picker)
        ride_screen.add_widget(self.errors["ride_tiles"])

        # -- sync --------------------------------------------------------------------------
        sync = Section("Sync", "Riding never needs an account. Sync is optional.")
        self.server_url_field = QLineEdit()
        self.server_url_field.setPlaceholderText("https://sync.example.org  (not set)")
        self.server_url_field.setAccessibleName("Sync server address")
        self.errors["server_url"] = self._add(sync, "Server", self.server_url_field, wide=True)
        self.status_url_field = QLineEdit()
        self.status_url_field.setPlaceholderText("https://status.example.org  (not set)")
        self.status_url_field.setAccessibleName("Status page address")
        self.errors["status_page_url"] = self._add(
            sync, "Status page", self.status_url_field, wide=True
        )
        self.keyring_label = QLabel("")
        self.keyring_label.setProperty("role", "muted")
        self.keyring_label.setWordWrap(True)
        self.keyring_label.setAccessibleName("Account")
        sync.add_field("Account", self.keyring_label, error=False, wide=True)

        # -- data --------------------------------------------------------------------------
        data = Section("Data", "Your rides, workouts and settings live in this folder.")
        self.data_folder_label = QLabel("")
        self.data_folder_label.setProperty("role", "path")
        self.data_folder_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.data_folder_label.setAccessibleName("Data folder")
        self.data_folder_label.setSizePolicy(
            QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred
        )
        self.open_folder_button = QPushButton("Open folder")
        self.open_folder_button.setProperty("link", True)
        self.open_folder_button.setAccessibleName("Open the data folder")
        self.open_folder_button.clicked.connect(self.open_data_folder)
        folder_row = QHBoxLayout()
        folder_row.setSpacing(10)
        folder_row.addWidget(self.data_folder_label, 1)
        folder_row.addWidget(self.open_folder_button)
        data.outer.addLayout(folder_row)
        back_up = QLabel("Copy this folder to back up your history.")
        back_up.setProperty("role", "hint")
        data.outer.addWidget(back_up)

        # -- page --------------------------------------------------------------------------
        left = QVBoxLayout()
        left.setSpacing(18)
        left.addWidget(rider)
        left.addWidget(zones)
        left.addWidget(data)
        left.addStretch(1)
        right = QVBoxLayout()
        right.setSpacing(18)
        right.addWidget(erg)
        right.addWidget(ride)
        right.addWidget(ride_screen)
        right.addWidget(sync)
        right.addStretch(1)
        # two columns; one when the window is narrow (see resizeEvent)
        self.scroll_area = ScrollColumns(TWO_COLUMNS_MIN_PX, right_margin_px=8, bottom_margin_px=12)
        self.columns = self.scroll_area.columns
        self.columns.addLayout(left, 1)
        self.columns.addLayout(right, 1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 16, 0)
        layout.setSpacing(12)
        top = QVBoxLayout()
        top.setContentsMargins(0, 0, 20, 0)  # line up with the cards, past the scroll bar
        top.setSpacing(12)
        top.addLayout(head)
        top.addWidget(self.load_notice)
        top.addWidget(self.notice)
        layout.addLayout(top)
        layout.addWidget(self.scroll_area, 1)

        self._fields: list[QWidget] = [
            self.ftp_field,
            self.weight_field,
            *self.units.focus_widgets(),
            self.ramp_in_field,
            self.lead_field,
            self.cadence_guard_check,
            self.cadence_guard_field,
            self.min_target_field,
            self.max_target_field,
            self.power_match_check,
            self.auto_pause_check,
            self.sounds_check,
            *self.smoothing.focus_widgets(),
            *self.tile_picker.focus_widgets(),
            self.server_url_field,
            self.status_url_field,
            self.open_folder_button,
        ]
        set_tab_chain([*self._fields, self.revert_button, self.apply_button])
        self._connect_changes()
        shortcut = QShortcut(QKeySequence.StandardKey.Save, self)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(self.apply)
        undo = QShortcut(QKeySequence.StandardKey.Undo, self)
        undo.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        undo.activated.connect(self.revert)
        self.reload()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.scroll_area.fit_width(self.width())

    # -- building ----------------------------------------------------------------------------
    @staticmethod
    def _add(
        section: Section,
        label: str,
        field: QWidget,
        unit: str | QLabel = "",
        hint: str = "",
        *,
        wide: bool = False,
    ) -> FieldError:
        error = section.add_field(label, field, unit, hint, wide=wide)
        assert error is not None
        return error

    def _connect_changes(self) -> None:
        for key, error in self.errors.items():
            field = error.field
            if not isinstance(field, QLineEdit):
                continue  # the tile picker: below
            field.textEdited.connect(lambda _text, k=key: self._on_field_edited(k))
            field.textChanged.connect(self._update_dirty)
            field.returnPressed.connect(self.apply)
        self.ftp_field.textChanged.connect(self._on_ftp_text)
        checks = (self.cadence_guard_check, self.auto_pause_check, self.sounds_check,
                  self.power_match_check)  # fmt: skip
        for check in checks:
            check.toggled.connect(self._update_dirty)
        self.units.changed.connect(self._update_dirty)
        self.smoothing.changed.connect(self._update_dirty)
        self.tile_picker.changed.connect(self._on_tiles_changed)

    # -- API ---------------------------------------------------------------------------------
    @property
    def settings(self) -> RiderSettings:
        """The settings as last loaded or saved (not what the form shows)."""
        return self._settings

    def reload(self) -> None:
        """Read the settings (and their problems) from the port and show them."""
        settings, problems = self.port.load()
        self.show_settings(settings, problems)

    def show_settings(self, settings: RiderSettings, problems: Sequence[str] = ()) -> None:
        """Show `settings` as the saved state (e.g. after a ramp test set a new FTP)."""
        self._settings = settings
        self._urls = (self.port.server_url, self.port.status_page_url)
        if problems:
            self.load_notice.show_message("warning", load_problem_text(problems))
        else:
            self.load_notice.dismiss()
        self.notice.dismiss()
        self.data_folder_label.setText(str(self.port.data_folder))
        self.data_folder_label.setToolTip(str(self.port.data_folder))
        self.keyring_label.setText(_keyring_line(self.port.keyring_state))
        self._fill(settings, self._urls)

    def visible_errors(self) -> dict[str, str]:
        """The problems shown under fields, by field ("ftp_w", "erg.lead_s", …)."""
        return {k: e.text() for k, e in self.errors.items() if e.text()}

    def is_dirty(self) -> bool:
        return self._form_state() != self._saved_form

    @Slot()
    def revert(self) -> None:
        """Show the saved settings again, dropping the rider's edits and problems."""
        self.notice.dismiss()
        self._fill(self._settings, self._urls)

    @Slot()
    def apply(self) -> bool:
        """Validate the form; save and announce it when valid. True when saved (or when
        there was nothing to save)."""
        settings, urls, problems = self.validate()
        for key, error in self.errors.items():
            if key in problems:
                error.show_error(problems[key])
            else:
                error.clear_error()
        self.tile_picker.show_problem("ride_tiles" in problems)
        if settings is None or urls is None:
            unplaced = [text for key, text in problems.items() if key not in self.errors]
            count = len(problems) - len(unplaced)
            what = "the value marked below" if count == 1 else f"the {count} values marked below"
            text = f"Nothing was saved — fix {what}."
            if unplaced:
                text = "Nothing was saved: " + "; ".join(unplaced) + "."
            self.notice.show_message("error", text)
            self._focus_first_problem(problems)
            return False
        changed_settings = settings != self._settings
        changed_urls = urls != self._urls
        try:
            if changed_settings:
                self.port.save(settings)
            if changed_urls:
                self.port.set_urls(*urls)
        except OSError as exc:
            reason = exc.strerror or str(exc) or type(exc).__name__
            self.notice.show_message(
                "error", f"Could not save your settings: {reason}. Nothing was changed."
            )
            return False
        self._settings = settings
        self._urls = urls
        self.load_notice.dismiss()  # the file now holds good values
        self._fill(settings, urls)
        if changed_settings or changed_urls:
            self.notice.show_message("success", "Settings saved.")
        if changed_settings:
            self.settings_changed.emit(settings)
        if changed_urls:
            self.sync_urls_changed.emit(*urls)
        return True

    def save_ride_tiles(self, keys: Sequence[str]) -> bool:
        """Save tiles the rider changed on the ride screen (`TileBoard.keys_changed`),
        leaving any unsaved edits on this screen as they are. Emits `settings_changed`;
        True when saved (or already so), False when the keys are not valid tiles or the
        file could not be written (said in the notice)."""
        try:
            settings = RiderSettings.model_validate(
                {**self._settings.model_dump(), "ride_tiles": tuple(keys)}
            )
        except ValidationError:
            return False
        if settings == self._settings:
            return True
        try:
            self.port.save(settings)
        except OSError as exc:
            reason = exc.strerror or str(exc) or type(exc).__name__
            self.notice.show_message("error", f"Could not save the ride screen tiles: {reason}.")
            return False
        picker_untouched = self.tile_picker.slots() == self._saved_form[-1]
        self._settings = settings
        if picker_untouched:
            self._filling = True
            try:
                self.tile_picker.set_keys(settings.ride_tiles)
            finally:
                self._filling = False
            self._saved_form = (*self._saved_form[:-1], self.tile_picker.slots())
            self._update_dirty()
        self.settings_changed.emit(settings)
        return True

    def validate(
        self,
    ) -> tuple[RiderSettings | None, tuple[str | None, str | None] | None, dict[str, str]]:
        """(settings or None, urls or None, problems by field) for what the form shows."""
        problems: dict[str, str] = {}
        imperial = self.units.value() == "imperial"
        data: dict[str, Any] = self._settings.model_dump()
        ftp_raw = self.ftp_field.raw()
        data.update(
            ftp_w=ftp_raw,
            weight_kg=self._weight_kg(),
            units=self.units.value(),
            auto_pause=self.auto_pause_check.isChecked(),
            sounds=self.sounds_check.isChecked(),
            power_smoothing_s=self.smoothing.value(),
            ride_tiles=self.tile_picker.keys(),
        )
        data["erg"] = {
            "ramp_in_s": self.ramp_in_field.raw(),
            "lead_s": self.lead_field.raw(),
            "cadence_guard_rpm": (
                self.cadence_guard_field.raw() if self.cadence_guard_check.isChecked() else None
            ),
            "min_target_w": self.min_target_field.raw(),
            "max_target_w": self.max_target_field.raw(),
            "power_match": self.power_match_check.isChecked(),
        }
        settings: RiderSettings | None
        try:
            settings = RiderSettings.model_validate(data)
        except ValidationError as exc:
            problems.update(problems_by_field(exc, imperial=imperial))
            settings = None
        if settings is not None and settings.erg.min_target_w >= settings.erg.max_target_w:
            problems["erg.max_target_w"] = (
                f"Highest ERG target: must be above the lowest target "
                f"({settings.erg.min_target_w} W)"
            )
            settings = None
        repeated = self.tile_picker.repeated()
        if repeated is not None:
            problems["ride_tiles"] = (
                f"Ride screen tiles: {tile_name(repeated, self.tile_picker.smoothing_s)} is on "
                "two tiles — choose something else for one of them"
            )
            settings = None
        if settings is not None and settings.ftp_w != self._settings.ftp_w:
            settings = settings.with_ftp(settings.ftp_w, self._today())

        server, server_problem = check_url(self.server_url_field.text(), "Sync server")
        status, status_problem = check_url(self.status_url_field.text(), "Status page")
        if server_problem:
            problems["server_url"] = server_problem
        if status_problem:
            problems["status_page_url"] = status_problem
        urls = None if server_problem or status_problem else (server, status)
        if problems:
            return None, None, problems
        return settings, urls, problems

    @Slot()
    def open_data_folder(self) -> bool:
        """Open the data folder in the file manager."""
        return QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.port.data_folder)))

    # -- filling and reading the form ----------------------------------------------------------
    def _fill(self, settings: RiderSettings, urls: tuple[str | None, str | None]) -> None:
        self._filling = True
        try:
            self.ftp_field.set_number(settings.ftp_w)
            self.units.set_value(settings.units)
            self._show_weight(settings.weight_kg, settings.units)
            erg = settings.erg
            self.ramp_in_field.set_number(erg.ramp_in_s)
            self.lead_field.set_number(erg.lead_s)
            guard = erg.cadence_guard_rpm
            self.cadence_guard_check.setChecked(guard is not None)
            default_guard = ErgPreferences().cadence_guard_rpm
            self.cadence_guard_field.set_number(guard if guard is not None else default_guard)
            self.cadence_guard_field.setEnabled(guard is not None)
            self.min_target_field.set_number(erg.min_target_w)
            self.max_target_field.set_number(erg.max_target_w)
            self.power_match_check.setChecked(erg.power_match)
            self.auto_pause_check.setChecked(settings.auto_pause)
            self.sounds_check.setChecked(settings.sounds)
            self.smoothing.set_value(settings.power_smoothing_s)
            self.tile_picker.set_smoothing(settings.power_smoothing_s)
            self.tile_picker.set_keys(settings.ride_tiles)
            self.server_url_field.setText(urls[0] or "")
            self.status_url_field.setText(urls[1] or "")
            for error in self.errors.values():
                error.clear_error()
            self._show_history(settings.ftp_history, settings.ftp_w)
            self.zones.set_ftp(settings.ftp_w)
            self._show_zone_caption(settings.ftp_w, valid=True)
        finally:
            self._filling = False
        self._saved_form = self._form_state()
        self._update_dirty()

    def _form_state(self) -> tuple[object, ...]:
        return (
            self.ftp_field.raw(),
            self.weight_field.raw(),
            self.units.value(),
            self.ramp_in_field.raw(),
            self.lead_field.raw(),
            self.cadence_guard_check.isChecked(),
            self.cadence_guard_field.raw(),
            self.min_target_field.raw(),
            self.max_target_field.raw(),
            self.power_match_check.isChecked(),
            self.auto_pause_check.isChecked(),
            self.sounds_check.isChecked(),
            self.smoothing.value(),
            self.server_url_field.text().strip(),
            self.status_url_field.text().strip(),
            self.tile_picker.slots(),  # last: save_ride_tiles replaces it
        )

    def _show_weight(self, weight_kg: float | None, units: str) -> None:
        if weight_kg is None:
            text = ""
        elif units == "imperial":
            text = format_number(round(weight_kg / KG_PER_LB, 1), 1)
        else:
            text = format_number(weight_kg, 1)
        self.weight_field.setText(text)
        self.weight_unit.setText("lb" if units == "imperial" else "kg")
        self.weight_field.setAccessibleName(
            "Weight in pounds" if units == "imperial" else "Weight in kilograms"
        )
        self._weight_shown = (self.weight_field.raw(), units, weight_kg)

    def _weight_kg(self) -> object:
        """What the weight field means in kg (None when empty; the text when unreadable)."""
        raw = self.weight_field.raw()
        shown_text, shown_units, shown_kg = self._weight_shown
        units = self.units.value()
        if raw == shown_text and units == shown_units:
            return shown_kg  # untouched: no round trip through lb
        if not raw:
            return None
        number = self.weight_field.number()
        if number is None:
            return raw
        return round(number * KG_PER_LB, 1) if units == "imperial" else number

    def _show_history(self, history: Sequence[FtpChange], ftp_w: int) -> None:
        if not history:
            self.history.setText(
                f"<span style='color:{c.TEXT_MUTED}'>No changes yet. A new FTP is "
                "remembered with the day you set it.</span>"
            )
            return
        newest = sorted(history, key=lambda change: change.on, reverse=True)
        locale = QLocale()
        lines = []
        for index, change in enumerate(newest[:HISTORY_SHOWN]):
            day = locale.toString(
                QDate(change.on.year, change.on.month, change.on.day), "d MMM yyyy"
            )
            delta = ""
            if index + 1 < len(newest):
                diff = change.ftp_w - newest[index + 1].ftp_w
                if diff:
                    delta = f"&nbsp;&nbsp;<span style='color:{c.TEXT_MUTED}'>{diff:+d}</span>"
            lines.append(
                f"<tr><td style='padding-right:18px; color:{c.TEXT_MUTED}'>{day}</td>"
                f"<td align='right'><b>{change.ftp_w} W</b></td><td>{delta}</td></tr>"
            )
        more = len(newest) - HISTORY_SHOWN
        tail = f"<div style='color:{c.TEXT_MUTED}'>and {more} earlier</div>" if more > 0 else ""
        self.history.setText(
            f"<table cellspacing='0' cellpadding='1'>{''.join(lines)}</table>{tail}"
        )
        self.history.setAccessibleDescription(
            "; ".join(f"{ch.on.isoformat()}: {ch.ftp_w} W" for ch in newest)
        )

    def history_entries(self) -> list[tuple[date, int]]:
        """The FTP history of the saved settings, newest first."""
        return [
            (ch.on, ch.ftp_w)
            for ch in sorted(self._settings.ftp_history, key=lambda ch: ch.on, reverse=True)
        ]

    def _show_zone_caption(self, ftp_w: int, *, valid: bool) -> None:
        if valid:
            self.zones_caption.setText(f"At your FTP of {ftp_w} W.")
        else:
            self.zones_caption.setText(f"At {ftp_w} W until the FTP above is a valid number.")

    # -- reacting to edits -------------------------------------------------------------------
    @Slot(str)
    def _on_ftp_text(self, _text: str) -> None:
        number = self.ftp_field.number()
        low, high = field_bounds(RiderSettings, "ftp_w")
        if number is not None and low <= number <= high and number.is_integer():
            self.zones.set_ftp(int(number))
            self._show_zone_caption(int(number), valid=True)
        else:
            self._show_zone_caption(self.zones.ftp_w, valid=False)
        self._update_dirty()

    def _on_field_edited(self, key: str) -> None:
        self.errors[key].clear_error()
        if self.notice.kind == "error" and not any(e.text() for e in self.errors.values()):
            self.notice.dismiss()

    @Slot(bool)
    def _on_guard_toggled(self, on: bool) -> None:
        self.cadence_guard_field.setEnabled(on)
        if not on:
            self.errors["erg.cadence_guard_rpm"].clear_error()

    @Slot(object)
    def _on_units_changed(self, units: object) -> None:
        """Show the weight in the new units (an unreadable entry is left for Apply)."""
        if self._filling:
            return
        shown_text, shown_units, shown_kg = self._weight_shown
        raw = self.weight_field.raw()
        kg: float | None
        if raw == shown_text:
            kg = shown_kg  # untouched: convert the exact value
        elif not raw:
            kg = None
        else:
            number = self.weight_field.number()
            if number is None:
                self.weight_unit.setText("lb" if units == "imperial" else "kg")
                return
            kg = round(number * KG_PER_LB, 1) if shown_units == "imperial" else number
        self._show_weight(kg, str(units))
        self.errors["weight_kg"].clear_error()

    @Slot(object)
    def _on_smoothing_changed(self, seconds: object) -> None:
        if isinstance(seconds, int):
            self.tile_picker.set_smoothing(seconds)

    @Slot()
    def _on_tiles_changed(self) -> None:
        self.errors["ride_tiles"].clear_error()
        if self.notice.kind == "error" and not any(e.text() for e in self.errors.values()):
            self.notice.dismiss()
        self._update_dirty()

    @Slot()
    def _update_dirty(self) -> None:
        if self._filling:
            return
        dirty = self.is_dirty()
        self.apply_button.setEnabled(dirty)
        self.revert_button.setEnabled(dirty)
        self.status_label.setText("Unsaved changes" if dirty else "")
        if dirty and self.notice.isVisible() and self.notice.kind == "success":
            self.notice.dismiss()

    def _focus_first_problem(self, problems: dict[str, str]) -> None:
        for widget in self._fields:
            if widget in self.tile_picker.focus_widgets():
                if self.errors["ride_tiles"].text():
                    self.tile_picker.focus_problem()
                    self.scroll_area.ensureWidgetVisible(self.tile_picker, 50, 80)
                    return
                continue
            error = next((e for k, e in self.errors.items() if e.field is widget), None)
            if error is not None and error.text():
                widget.setFocus(Qt.FocusReason.OtherFocusReason)
                if isinstance(widget, QLineEdit):
                    widget.selectAll()
                self.scroll_area.ensureWidgetVisible(widget, 50, 80)
                return
