"""The interval countdown on the ride screen: "Next: 300 W · 2:00" and a big 3, 2, 1.

A wide, high-contrast strip, readable from the saddle: the heads-up line on the left, the
countdown number in a filled box on the right. It is hidden when there is nothing to say.
Feed it every `RideStatus` (`on_status`); the decisions are the core's `IntervalCountdown`,
the sounds go to the `SoundCues` given (none: silent).
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QSizePolicy, QWidget

from app.core.ride.countdown import COMPLETE_TEXT, CountdownFrame, IntervalCountdown
from app.core.ride.session import RideStatus
from app.ui.sounds import SoundCues
from app.ui.theme import palette
from app.ui.theme.style import set_style_property

HEADS_UP_PT = 30
NUMBER_PT = 64
NUMBER_BOX_PX = 112


def _style() -> str:
    return f"""
QFrame#CountdownBanner {{
    background: {palette.SURFACE_RAISED};
    border: 2px solid {palette.TARGET};
    border-radius: 16px;
}}
QFrame#CountdownBanner[kind="finish"] {{
    border: 2px solid {palette.GOOD};
}}
QLabel#CountdownText {{
    color: {palette.TEXT};
    font-size: {HEADS_UP_PT}pt;
    font-weight: 700;
    background: transparent;
    border: none;
}}
QLabel#CountdownNumber {{
    color: #04121f;
    background: {palette.TARGET};
    border: none;
    border-radius: 14px;
    font-size: {NUMBER_PT}pt;
    font-weight: 800;
}}
QFrame#CountdownBanner[kind="finish"] QLabel#CountdownNumber {{
    background: {palette.GOOD};
}}
"""


def _rich(text: str, finishing: bool) -> str:
    """The heads-up with its label muted and what comes next in the target colour:
    "Next:" muted, "300 W · 2:00" blue (green for the workout's end)."""
    label, sep, rest = text.partition(": ")
    accent = palette.GOOD if finishing else palette.TARGET
    if not sep:
        return f'<span style="color:{accent}">{html.escape(text)}</span>'
    return (
        f'<span style="color:{palette.TEXT_MUTED}">{html.escape(label)}:</span> '
        f'<span style="color:{accent}">{html.escape(rest)}</span>'
    )


class CountdownBanner(QFrame):
    def __init__(self, sounds: SoundCues | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("CountdownBanner")
        self.setAccessibleName("Interval countdown")
        self.setProperty("kind", "next")
        self.setStyleSheet(_style())
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self._sounds = sounds
        self._countdown = IntervalCountdown()
        self._frame = CountdownFrame()

        self._plain = ""
        self._text = QLabel("")
        self._text.setObjectName("CountdownText")
        self._text.setTextFormat(Qt.TextFormat.RichText)
        self._text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._text.setAccessibleName("Next interval")
        self._number = QLabel("")
        self._number.setObjectName("CountdownNumber")
        self._number.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._number.setFixedSize(NUMBER_BOX_PX, NUMBER_BOX_PX)
        self._number.setAccessibleName("Seconds to go")
        keep_place = self._number.sizePolicy()
        keep_place.setRetainSizeWhenHidden(True)  # the text does not move when "3" shows
        self._number.setSizePolicy(keep_place)

        # text | number, centred as a pair: the eye finds both at once on a wide screen
        layout = QHBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(28)
        layout.addStretch(1)
        layout.addWidget(self._text)
        layout.addWidget(self._number, 0, Qt.AlignmentFlag.AlignVCenter)
        layout.addStretch(1)
        self.setFixedHeight(NUMBER_BOX_PX + 24 + 4)  # margins, border: no jump when "3" shows
        self._number.hide()
        self.hide()

    # -- API -------------------------------------------------------------------------------
    @Slot(object)
    def on_status(self, status: RideStatus) -> None:
        """Show what the countdown says for this status, and play its sound."""
        frame = self._countdown.update(status)
        self._show(frame)
        if frame.sound is not None and self._sounds is not None:
            self._sounds.play(frame.sound.value)

    def reset(self) -> None:
        """Forget the ride (a new one starts): nothing shown, nothing remembered."""
        self._countdown.reset()
        self._show(CountdownFrame())

    def text(self) -> str:
        """What is on screen: "Next: 300 W · 2:00  3"; empty when hidden."""
        number = self.number_text()
        heads_up = self.heads_up_text()
        return f"{heads_up}  {number}" if heads_up and number else heads_up or number

    def heads_up_text(self) -> str:
        return self._plain

    def number_text(self) -> str:
        return self._number.text()

    @property
    def frame(self) -> CountdownFrame:
        """The last frame shown."""
        return self._frame

    # -- drawing -----------------------------------------------------------------------------
    def _show(self, frame: CountdownFrame) -> None:
        self._frame = frame
        number = "" if frame.number is None else str(frame.number)
        finishing = frame.text.startswith(COMPLETE_TEXT)
        if self._plain != frame.text:
            self._plain = frame.text
            self._text.setText(_rich(frame.text, finishing) if frame.text else "")
        if self._number.text() != number:
            self._number.setText(number)
        self._number.setVisible(bool(number))
        kind = "finish" if finishing else "next"
        if self.property("kind") != kind:
            set_style_property(self, "kind", kind)
            for child in (self._text, self._number):  # their looks follow the banner's kind
                child.style().unpolish(child)
                child.style().polish(child)
        self.setAccessibleDescription(self.text())
        self.setVisible(frame.visible)
