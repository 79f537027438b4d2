"""The settings screen's data section: the folder that holds the rider's rides, workouts
and settings, and a button that opens it."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSizePolicy, QWidget

from app.ui.widgets.form_fields import Section


class DataSection(Section):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Data", "Your rides, workouts and settings live in this folder.", parent)
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
        folder_row = QHBoxLayout()
        folder_row.setSpacing(10)
        folder_row.addWidget(self.data_folder_label, 1)
        folder_row.addWidget(self.open_folder_button)
        self.outer.addLayout(folder_row)
        back_up = QLabel("Copy this folder to back up your history.")
        back_up.setProperty("role", "hint")
        self.outer.addWidget(back_up)

    def focus_widgets(self) -> list[QWidget]:
        return [self.open_folder_button]

    def show_folder(self, folder: str) -> None:
        self.data_folder_label.setText(folder)
        self.data_folder_label.setToolTip(folder)
