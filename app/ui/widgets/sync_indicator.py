"""The sync indicator for the status bar: a coloured dot and a few words.

"Up to date", "Syncing…", "Offline — riding works as usual", "Sign in to sync",
"2 rides waiting", "1 upload failed". The tooltip has the details (last sync, rides,
account, where the sign-in token is kept); a click (or Space/Return) emits `clicked`, for
the main window to open the service status page.

Feed it with `set_status(SyncStatus)`, connected to `SyncStatusBridge.status`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QRectF, QSize, Qt, Signal, Slot
from PySide6.QtGui import QColor, QKeyEvent, QMouseEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QWidget

from app.core.sync.status import SyncState, SyncStatus
from app.ui.sync_words import local_now, plural, short_state, token_words, when_words
from app.ui.theme import palette as c
from app.ui.theme.style import set_style_property

__all__ = ["TONE_COLOURS", "StatusDot", "SyncIndicator", "indicator_tooltip"]

# what each tone means: good = all synced; busy = working or queued; muted = nothing to do
# (offline); warning = the rider can do something; danger = something was lost to sync
# (the status page adds "orange" for a partial outage and "info" for maintenance)
TONE_COLOURS = {
    "good": c.GOOD,
    "busy": c.TARGET,
    "info": c.TARGET,
    "muted": c.TEXT_MUTED,
    "warning": c.WARNING,
    "orange": "#f58a2c",
    "danger": c.DANGER,
}

_STYLE = f"""
QFrame#SyncIndicator {{
    background: transparent;
    border: 1px solid transparent;
    border-radius: 8px;
}}
QFrame#SyncIndicator:hover {{
    background: {c.SURFACE_HOVER};
}}
QFrame#SyncIndicator:focus {{
    border: 1px solid {c.TARGET};
}}
QFrame#SyncIndicator QLabel {{
    padding: 0;
    font-size: 10pt;
    color: {c.TEXT_MUTED};
}}
QFrame#SyncIndicator QLabel[tone="warning"] {{ color: #ffe2a8; font-weight: 600; }}
QFrame#SyncIndicator QLabel[tone="danger"] {{ color: #ffd6d6; font-weight: 600; }}
"""


class StatusDot(QWidget):
    """A small filled circle in a tone's colour (also used by the status page)."""

    def __init__(self, diameter: int = 10, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._diameter = diameter
        self._colour = QColor(c.TEXT_MUTED)
        self._ring = False
        self.setFixedSize(diameter + 2, diameter + 2)

    def set_tone(self, tone: str, *, ring: bool = False) -> None:
        """`ring`: an outlined circle (something is under way) instead of a filled one."""
        colour = QColor(TONE_COLOURS.get(tone, c.TEXT_MUTED))
        if colour != self._colour or ring != self._ring:
            self._colour, self._ring = colour, ring
            self.update()

    def colour(self) -> QColor:
        return QColor(self._colour)

    def sizeHint(self) -> QSize:
        return QSize(self._diameter + 2, self._diameter + 2)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        box = QRectF(1.0, 1.0, float(self._diameter), float(self._diameter))
        if self._ring:
            pen = painter.pen()
            pen.setColor(self._colour)
            pen.setWidthF(2.0)
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawEllipse(box.adjusted(1.0, 1.0, -1.0, -1.0))
        else:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(self._colour)
            painter.drawEllipse(box)
        painter.end()


def indicator_tooltip(status: SyncStatus, now: datetime | None = None) -> str:
    """The details behind the indicator's few words, one fact a line."""
    lines = [status.message.strip() or short_state(status)[0], ""]
    lines.append(f"Last synced: {when_words(status.last_success_at, now)}")
    if status.state in (SyncState.ERROR, SyncState.OFFLINE) and status.next_sync_at:
        lines.append(f"Next try: {when_words(status.next_sync_at, now)}")
    if status.rides_waiting:
        waiting = plural(status.rides_waiting, "ride", "rides")
        line = f"Waiting to upload: {waiting}"
        if status.next_upload_at is not None and status.state is not SyncState.SYNCING:
            line += f" (next try {when_words(status.next_upload_at, now)})"
        lines.append(line)
    if status.rides_failed:
        lines.append(
            f"Could not be uploaded: {plural(status.rides_failed, 'ride', 'rides')} "
            "(kept on this computer)"
        )
    if status.account_email:
        where = f" on {status.server_url}" if status.server_url else ""
        lines.append(f"Account: {status.account_email}{where}")
    lines.append(token_words(status.token_state))
    lines.append("")
    lines.append("Click for sync and service status.")
    return "\n".join(lines)


class SyncIndicator(QFrame):
    """Signal `clicked`: the rider wants the details (the service status page)."""

    clicked = Signal()

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        now: Callable[[], datetime] = local_now,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("SyncIndicator")
        self.setStyleSheet(_STYLE)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.setAccessibleName("Sync status")
        self._now = now
        self._status: SyncStatus | None = None
        self._tone = "muted"

        self.dot = StatusDot(9)
        self.label = QLabel("Not synced yet")
        self.label.setProperty("tone", "muted")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 1, 10, 1)
        layout.setSpacing(7)
        layout.addWidget(self.dot, 0, Qt.AlignmentFlag.AlignVCenter)
        layout.addWidget(self.label, 0, Qt.AlignmentFlag.AlignVCenter)
        self.setToolTip("Sync has not reported yet.")

    # -- API ----------------------------------------------------------------------------
    @Slot(object)
    def set_status(self, status: SyncStatus) -> None:
        self._status = status
        text, tone = short_state(status)
        self._tone = tone
        self.label.setText(text)
        set_style_property(self.label, "tone", tone)
        self.dot.set_tone(tone, ring=status.state is SyncState.SYNCING)
        self.setToolTip(indicator_tooltip(status, self._now()))
        self.setAccessibleDescription(text)

    def text(self) -> str:
        return self.label.text()

    @property
    def tone(self) -> str:
        return self._tone

    @property
    def status(self) -> SyncStatus | None:
        return self._status

    # -- clicks -------------------------------------------------------------------------
    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.rect().contains(
            event.position().toPoint()
        ):
            self.clicked.emit()
            event.accept()
            return
        super().mouseReleaseEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Space, Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.clicked.emit()
            event.accept()
            return
        super().keyPressEvent(event)
