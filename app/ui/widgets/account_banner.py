"""A non-modal banner about the account: "sign in to sync", or uploads that failed for good.

Never a dialog: it sits above the page, the rider carries on. Two kinds:

- sign-in ("warning"): "Sign in to sync — your rides are kept and will upload once you
  do." [Sign in] [Not now]
- failed uploads ("error"): "«Sweet Spot 3x15» could not be uploaded: the server could
  not read this ride's file. It stays on this computer and can be exported." [Details]
  (the details list every such ride with its full reason) [✕]

`set_status(SyncStatus)` decides what shows. "Not now" hides the sign-in banner until sync
is signed in again and later needs a sign-in anew; ✕ hides the failure banner until
another ride fails. Signals: `sign_in_requested` (open the account section),
`dismissed(kind)`.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.core.sync.status import FailedRide, SyncState, SyncStatus
from app.ui.theme import palette as c
from app.ui.theme.style import set_style_property

__all__ = ["AccountBanner", "failure_text", "reason_clause", "ride_label"]

ICON_PX = 18
SIGN_IN_TEXT = "Sign in to sync — your rides are kept and will upload once you do."

_STYLE = f"""
QFrame#AccountBanner {{
    border-radius: 10px;
    background: #3a2a0c;
    border: 1px solid {c.WARNING};
}}
QFrame#AccountBanner QLabel {{
    color: #ffe2a8;
    font-size: 12pt;
    font-weight: 600;
}}
QFrame#AccountBanner[kind="error"] {{
    background: #3b1518;
    border: 1px solid {c.DANGER};
}}
QFrame#AccountBanner[kind="error"] QLabel {{
    color: #ffd6d6;
}}
QFrame#AccountBanner QLabel#AccountBannerDetails {{
    font-size: 10.5pt;
    font-weight: 400;
}}
QFrame#AccountBanner QPushButton {{
    padding: 6px 14px;
    font-size: 11pt;
}}
QFrame#AccountBanner QPushButton[link="true"] {{
    color: #ffe2a8;
    padding: 4px 8px;
}}
QFrame#AccountBanner[kind="error"] QPushButton[link="true"] {{
    color: #ffd6d6;
}}
"""


def ride_label(ride: FailedRide) -> str:
    """«Workout name», or the ride's start time when it has no name."""
    if ride.workout_name.strip():
        return f"«{ride.workout_name.strip()}»"
    started = _started(ride)
    if started is not None:
        return f"The ride of {started.day} {started:%b %H:%M}"
    return "A ride"


def _started(ride: FailedRide) -> datetime | None:
    try:
        when = datetime.fromisoformat(ride.started_at)
    except ValueError:
        return None
    return when.astimezone()


def reason_clause(reason: str) -> str:
    """The reason's first sentence as a clause: "the server could not read this ride's
    file" (the rest, "kept on this computer…", the banner says itself)."""
    text = reason.strip()
    if not text:
        return "the server refused it"
    first = text.split(". ", 1)[0].rstrip(". ")
    if len(first) > 1 and first[0].isupper() and first[1].islower():
        first = first[0].lower() + first[1:]
    return first


def failure_text(failed: tuple[FailedRide, ...], count: int) -> str:
    if count <= 1 and failed:
        ride = failed[0]
        return (
            f"{ride_label(ride)} could not be uploaded: {reason_clause(ride.reason)}. "
            "It stays on this computer and can be exported."
        )
    n = max(count, len(failed))
    return f"{n} rides could not be uploaded. They stay on this computer and can be exported."


def _details_text(failed: tuple[FailedRide, ...]) -> str:
    lines = []
    for ride in failed:
        started = _started(ride)
        when = f"{started:%a} {started.day} {started:%b %H:%M} · " if started else ""
        name = ride.workout_name.strip() or "Ride"
        lines.append(f"• {when}{name} (ride {ride.ride_id}): {reason_clause(ride.reason)}.")
    return "\n".join(lines)


def _failure_key(status: SyncStatus) -> frozenset[str]:
    """Which failures the banner is about (ride ids; a count when the ids are unknown)."""
    if not status.rides_failed and not status.failed_rides:
        return frozenset()
    ids = frozenset(r.ride_id for r in status.failed_rides)
    return ids or frozenset({f"count:{status.rides_failed}"})


class AccountBanner(QFrame):
    """Hidden until `set_status` has something to say. `kind`: "", "sign_in", "failed"."""

    sign_in_requested = Signal()
    dismissed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("AccountBanner")
        self.setProperty("kind", "warning")
        self.setStyleSheet(_STYLE)
        self.setAccessibleName("Account notice")
        self._kind = ""
        self._sign_in_dismissed = False
        self._dismissed_failures: frozenset[str] = frozenset()
        self._shown_failures: frozenset[str] = frozenset()

        self.icon = QLabel("⚠")
        self.icon.setFixedWidth(ICON_PX)
        self.text = QLabel("")
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.text.setAccessibleName("Account notice text")
        self.sign_in_button = QPushButton("Sign in")
        self.sign_in_button.setProperty("primary", True)
        self.sign_in_button.setAccessibleName("Sign in to sync")
        self.sign_in_button.clicked.connect(self.sign_in_requested)
        self.not_now_button = QPushButton("Not now")
        self.not_now_button.setProperty("link", True)
        self.not_now_button.setAccessibleName("Not now")
        self.not_now_button.clicked.connect(self._on_not_now)
        self.details_button = QPushButton("Details")
        self.details_button.setProperty("link", True)
        self.details_button.setCheckable(True)
        self.details_button.setAccessibleName("Show details of the failed uploads")
        self.details_button.toggled.connect(self._on_details_toggled)
        self.close_button = QPushButton("✕")
        self.close_button.setProperty("link", True)
        self.close_button.setToolTip("Hide until another upload fails")
        self.close_button.setAccessibleName("Close notice")
        self.close_button.clicked.connect(self._on_close)
        self.details = QLabel("")
        self.details.setObjectName("AccountBannerDetails")
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details.setAccessibleName("Failed uploads")
        self.details.setContentsMargins(8, 0, 0, 2)

        top = QHBoxLayout()
        top.setSpacing(10)
        top.addWidget(self.icon, 0, Qt.AlignmentFlag.AlignTop)
        top.addWidget(self.text, 1)
        top.addWidget(self.not_now_button, 0, Qt.AlignmentFlag.AlignVCenter)
        top.addWidget(self.sign_in_button, 0, Qt.AlignmentFlag.AlignVCenter)
        top.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignTop)
        below = QVBoxLayout()  # under the text, not under the icon
        below.setContentsMargins(ICON_PX + 10 - 8, 0, 0, 0)  # the link's own padding: 8
        below.setSpacing(4)
        below.addWidget(self.details_button, 0, Qt.AlignmentFlag.AlignLeft)
        below.addWidget(self.details)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 8, 10, 8)
        layout.setSpacing(2)
        layout.addLayout(top)
        layout.addLayout(below)
        self.details.hide()
        self.hide()

    # -- API ----------------------------------------------------------------------------
    @property
    def kind(self) -> str:
        return self._kind

    @Slot(object)
    def set_status(self, status: SyncStatus) -> None:
        if status.state is not SyncState.SIGN_IN_NEEDED:
            self._sign_in_dismissed = False  # a later "sign in needed" is news again
        failures = _failure_key(status)
        if not failures:
            self._dismissed_failures = frozenset()
        if status.state is SyncState.SIGN_IN_NEEDED and not self._sign_in_dismissed:
            self._show_sign_in()
        elif failures and not failures <= self._dismissed_failures:
            self._show_failed(status)
        else:
            self._set_kind("")
            self.hide()

    # -- the two kinds ------------------------------------------------------------------
    def _show_sign_in(self) -> None:
        self._set_kind("sign_in")
        self.text.setText(SIGN_IN_TEXT)
        self.sign_in_button.show()
        self.not_now_button.show()
        self.details_button.hide()
        self.close_button.hide()
        self.details.hide()
        self.setAccessibleDescription(SIGN_IN_TEXT)
        self.show()

    def _show_failed(self, status: SyncStatus) -> None:
        kind_changed = self._kind != "failed"
        self._set_kind("failed")
        self._shown_failures = _failure_key(status)
        text = failure_text(status.failed_rides, status.rides_failed)
        self.text.setText(text)
        self.details.setText(_details_text(status.failed_rides))
        self.sign_in_button.hide()
        self.not_now_button.hide()
        self.details_button.setVisible(bool(status.failed_rides))
        self.close_button.show()
        if kind_changed:
            self.details_button.setChecked(False)
        self.details.setVisible(self.details_button.isChecked() and bool(status.failed_rides))
        self.setAccessibleDescription(text)
        self.show()

    def _set_kind(self, kind: str) -> None:
        self._kind = kind
        style_kind = "error" if kind == "failed" else "warning"
        if self.property("kind") != style_kind:
            set_style_property(self, "kind", style_kind)
            for child in self.findChildren(QWidget):  # their colours follow the banner's
                child.style().unpolish(child)
                child.style().polish(child)

    # -- buttons ------------------------------------------------------------------------
    @Slot()
    def _on_not_now(self) -> None:
        self._sign_in_dismissed = True
        self._set_kind("")
        self.hide()
        self.dismissed.emit("sign_in")

    @Slot()
    def _on_close(self) -> None:
        self._dismissed_failures = self._shown_failures
        self._set_kind("")
        self.hide()
        self.dismissed.emit("failed")

    @Slot(bool)
    def _on_details_toggled(self, shown: bool) -> None:
        self.details.setVisible(shown)
        self.details_button.setText("Hide details" if shown else "Details")
