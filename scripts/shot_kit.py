"""What the screenshot scripts in scripts/ share: their arguments, a themed QApplication, a
stand-in main window and saving a PNG.

scripts/ is not a package: a script puts the repository and scripts/ on `sys.path` (for
`app` and for this module) before it imports this.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QApplication,
    QButtonGroup,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.ui.theme.style import FUSION_ARGS, apply_theme, mark_fusion

DEFAULT_OUT = Path("/tmp/freewheel-shots")
WIDTH, HEIGHT = 1280, 800
FTP_W = 250.0


def arg_parser(doc: str | None, default_out: Path = DEFAULT_OUT) -> argparse.ArgumentParser:
    """`out` and `--scale`; a script adds its own arguments to these."""
    parser = argparse.ArgumentParser(description=(doc or "").splitlines()[0])
    parser.add_argument("out", nargs="?", type=Path, default=default_out)
    parser.add_argument("--scale", type=float, default=1.0, help="QT_SCALE_FACTOR (HiDPI)")
    return parser


def _set_qt_env(scale: float = 1.0) -> None:
    """Offscreen unless there is a display, at `scale`. Qt reads these when the QApplication
    is created."""
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if scale != 1.0:
        os.environ["QT_SCALE_FACTOR"] = str(scale)


def themed_app(scale: float = 1.0) -> QApplication:
    """The QApplication with the app's theme, created as `freewheel` creates it (the Fusion
    style by command line, so apply_theme need not set it) unless one exists already."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        _set_qt_env(scale)
        app = QApplication([sys.argv[0], *FUSION_ARGS])
        mark_fusion(app)
    apply_theme(app)
    return app


def settle(rounds: int = 8) -> None:
    for _ in range(rounds):
        QApplication.processEvents()


def save(shot: QWidget | QPixmap, path: Path, *, rounds: int = 8, note: str = "") -> Path:
    """Let pending events run, then write `shot` (a widget is grabbed) to `path` as a PNG."""
    settle(rounds)
    pixmap = shot if isinstance(shot, QPixmap) else shot.grab()
    path.parent.mkdir(parents=True, exist_ok=True)
    if not pixmap.save(str(path)):
        raise SystemExit(f"could not write {path}")
    print(f"{path}  [{note}]" if note else path)
    return path


def shell(
    page: QWidget,
    nav: str,
    navs: Sequence[str],
    status: str,
    size: tuple[int, int] = (WIDTH, HEIGHT),
    ftp_w: float = FTP_W,
) -> QMainWindow:
    """The main window's frame, shown: sidebar with `navs` (`nav` checked), page, status bar.
    A stand-in for the real one, for views the real one does not build yet."""
    window = QMainWindow()
    sidebar = QFrame()
    sidebar.setObjectName("Sidebar")
    sidebar.setFixedWidth(200)
    brand = QLabel("Freewheel")
    brand.setObjectName("Brand")
    column = QVBoxLayout(sidebar)
    column.setContentsMargins(14, 20, 14, 14)
    column.setSpacing(6)
    column.addWidget(brand)
    group = QButtonGroup(window)
    for text in navs:
        button = QPushButton(text)
        button.setProperty("nav", True)
        button.setCheckable(True)
        button.setChecked(text == nav)
        button.setEnabled(text != "Ride")
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the focus belongs to the page
        group.addButton(button)
        column.addWidget(button)
    column.addStretch(1)
    foot = QLabel(f"Simulated trainer\nFTP {round(ftp_w)} W")
    foot.setObjectName("SidebarFoot")
    column.addWidget(foot)
    central = QWidget()
    row = QHBoxLayout(central)
    row.setContentsMargins(0, 0, 0, 0)
    row.setSpacing(0)
    row.addWidget(sidebar)
    row.addWidget(page, 1)
    window.setCentralWidget(central)
    window.statusBar().addWidget(QLabel(status), 1)
    window.statusBar().addPermanentWidget(QLabel(f"Simulated trainer  ·  FTP {ftp_w:.0f} W"))
    window.statusBar().setSizeGripEnabled(False)
    window.resize(*size)
    window.show()
    return window
