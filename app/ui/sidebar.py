"""The main window's sidebar: the brand, a button per screen, Help, and the trainer line.

Library (Ctrl+1) and Ride (Ctrl+2) come first; then one button per available entry of
`app.ui.screens.SCREENS`, numbered Ctrl+3 … in that table's order.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QButtonGroup, QFrame, QLabel, QPushButton, QVBoxLayout, QWidget

__all__ = ["Sidebar"]

SIDEBAR_WIDTH_PX = 200
FIRST_SCREEN_SHORTCUT = 3  # Ctrl+3 is the first screen after Library and Ride


def _nav_button(text: str, shortcut: str) -> QPushButton:
    button = QPushButton(text)
    button.setProperty("nav", True)
    button.setCheckable(True)
    button.setToolTip(f"{text} ({shortcut})")
    button.setAccessibleName(f"Show {text.lower()}")
    return button


class Sidebar(QFrame):  # a frame draws its style sheet background (no Qt attribute)
    """`screen_buttons[name]` for each screen shown, with its shortcut number in
    `shortcut_numbers[name]`."""

    def __init__(
        self,
        screens: Sequence[tuple[str, bool]],
        foot_text: str,
        parent: QWidget | None = None,
    ) -> None:
        """`screens`: (name, shown) for every screen after Ride, in sidebar order."""
        super().__init__(parent)
        self.setObjectName("Sidebar")
        self.setFixedWidth(SIDEBAR_WIDTH_PX)
        brand = QLabel("Freewheel")
        brand.setObjectName("Brand")
        self.nav_library = _nav_button("Library", "Ctrl+1")
        self.nav_ride = _nav_button("Ride", "Ctrl+2")
        self.nav_ride.setEnabled(False)
        self.nav_group = QButtonGroup(self)
        self.nav_group.setExclusive(True)
        self.screen_buttons: dict[str, QPushButton] = {}
        self.shortcut_numbers: dict[str, int] = {}
        for number, (name, shown) in enumerate(screens, start=FIRST_SCREEN_SHORTCUT):
            if shown:
                self.screen_buttons[name] = _nav_button(name, f"Ctrl+{number}")
                self.shortcut_numbers[name] = number
        for button in (self.nav_library, self.nav_ride, *self.screen_buttons.values()):
            self.nav_group.addButton(button)
        self.help_button = QPushButton("Help  ▴")
        self.help_button.setProperty("nav", True)
        self.help_button.setToolTip("Keyboard shortcuts, diagnostics bundle, about (F1)")
        self.help_button.setAccessibleName("Help menu")
        self.foot = QLabel(foot_text)
        self.foot.setObjectName("SidebarFoot")
        self.foot.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 20, 14, 14)
        layout.setSpacing(6)
        for widget in (brand, self.nav_library, self.nav_ride, *self.screen_buttons.values()):
            layout.addWidget(widget)
        layout.addStretch(1)
        layout.addWidget(self.help_button)
        layout.addWidget(self.foot)
