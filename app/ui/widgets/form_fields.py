"""The small form widgets the settings and welcome screens share.

`NumberField` (a number typed as text, so an out-of-range value reaches validation),
`FieldError` (the problem under a field), `ChoiceGroup` (exclusive segment buttons),
`ToggleSwitch` (a checkbox drawn as a switch), `Section` (a card with a form grid),
`set_tab_chain`; and the units and weight both screens ask for. Their look is in
`app.ui.widgets.form_style`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import pairwise

from PySide6.QtCore import QPoint, QRectF, QRegularExpression, QSize, Qt, Signal, Slot
from PySide6.QtGui import (
    QColor,
    QKeyEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QRegularExpressionValidator,
)
from PySide6.QtWidgets import (
    QAbstractButton,
    QButtonGroup,
    QCheckBox,
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

from app.core.units import kg_from_lb
from app.ui.theme import palette as c
from app.ui.theme.style import set_style_property


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

    def add_checked_field(
        self,
        label: str,
        field: QWidget,
        unit: str | QLabel = "",
        hint: str = "",
        *,
        wide: bool = False,
    ) -> FieldError:
        """`add_field` for a field whose value is checked: its error label."""
        error = self.add_field(label, field, unit, hint, wide=wide)
        assert error is not None
        return error

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


# --- the rider's units and weight (settings and welcome) ---------------------------------------

UNITS_CHOICES: tuple[tuple[object, str], ...] = (
    ("metric", "Metric · kg, km"),
    ("imperial", "Imperial · lb, mi"),
)


def weight_unit(units: object) -> str:
    """The weight's unit in "metric" or "imperial" units."""
    return "lb" if units == "imperial" else "kg"


def weight_field_name(units: object) -> str:
    """The weight field's accessible name in these units."""
    return "Weight in pounds" if units == "imperial" else "Weight in kilograms"


def entered_weight_kg(field: NumberField, *, imperial: bool) -> object:
    """What a weight field holds, in kg for validation: None when empty, the text when it
    is not a number (validation explains it), else the number (from pounds if imperial)."""
    raw = field.raw()
    if not raw:
        return None
    number = field.number()
    if number is None:
        return raw
    return kg_from_lb(number) if imperial else number
