"""The dark theme: a Fusion palette plus one style sheet, applied once to the application.

Sizes are in points so they follow the screen's DPI; nothing here is smaller than 10 pt.
Widgets opt into looks with object names and dynamic properties (`primary`, `danger`,
`nav`, `role`) rather than with colours of their own.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication, QWidget

from app.ui.theme import palette as c

BASE_FONT_PT = 11
FUSION_ARGS = ("-style", "fusion")  # QApplication arguments that pick the style
_APPLIED_PROPERTY = "freewheelTheme"
_FUSION_PROPERTY = "freewheelFusion"


def build_palette() -> QPalette:
    pal = QPalette()
    roles = {
        QPalette.ColorRole.Window: c.WINDOW,
        QPalette.ColorRole.WindowText: c.TEXT,
        QPalette.ColorRole.Base: c.SURFACE,
        QPalette.ColorRole.AlternateBase: c.SURFACE_RAISED,
        QPalette.ColorRole.ToolTipBase: c.SURFACE_RAISED,
        QPalette.ColorRole.ToolTipText: c.TEXT,
        QPalette.ColorRole.PlaceholderText: c.TEXT_MUTED,
        QPalette.ColorRole.Text: c.TEXT,
        QPalette.ColorRole.Button: c.SURFACE_RAISED,
        QPalette.ColorRole.ButtonText: c.TEXT,
        QPalette.ColorRole.BrightText: "#ffffff",
        QPalette.ColorRole.Highlight: c.TARGET_DIM,
        QPalette.ColorRole.HighlightedText: "#ffffff",
        QPalette.ColorRole.Link: c.TARGET,
    }
    for role, colour in roles.items():
        pal.setColor(role, QColor(colour))
    for role in (
        QPalette.ColorRole.Text,
        QPalette.ColorRole.WindowText,
        QPalette.ColorRole.ButtonText,
    ):
        pal.setColor(QPalette.ColorGroup.Disabled, role, QColor(c.TEXT_DISABLED))
    return pal


def toggle_button_rules(
    prop: str,
    *,
    radius_px: int,
    padding: str,
    min_height_px: int,
    font_pt: int,
    focus_border: str = f"1px solid {c.TARGET}",
    checked_focus_border: str = "",
) -> str:
    """A checkable button marked with property `prop` (a filter chip, a segment of a
    choice): muted when off, the target colour when on."""
    selector = f'QPushButton[{prop}="true"]'
    rules = f"""{selector} {{
    background: {c.SURFACE};
    border: 1px solid {c.BORDER};
    border-radius: {radius_px}px;
    padding: {padding};
    min-height: {min_height_px}px;
    font-size: {font_pt}pt;
    font-weight: 600;
    color: {c.TEXT_MUTED};
}}
{selector}:hover {{
    background: {c.SURFACE_HOVER};
    color: {c.TEXT};
}}
{selector}:focus {{
    border: {focus_border};
}}
{selector}:checked {{
    background: {c.TARGET_DIM};
    border: 1px solid {c.TARGET};
    color: #ffffff;
}}
"""
    if checked_focus_border:
        rules += f"{selector}:checked:focus {{\n    border: {checked_focus_border};\n}}\n"
    return rules


def stylesheet() -> str:
    return f"""
QWidget {{
    color: {c.TEXT};
}}
QMainWindow, QStackedWidget, QWidget#Page {{
    background: {c.WINDOW};
}}
QToolTip {{
    background: {c.SURFACE_RAISED};
    color: {c.TEXT};
    border: 1px solid {c.BORDER};
    padding: 6px;
}}

/* --- sidebar ---------------------------------------------------------------------- */
QWidget#Sidebar {{
    background: {c.SURFACE};
    border-right: 1px solid {c.BORDER};
}}
QLabel#Brand {{
    font-size: 17pt;
    font-weight: 700;
    color: {c.TEXT};
    padding: 4px 8px 18px 8px;
}}
QLabel#SidebarFoot {{
    color: {c.TEXT_MUTED};
    font-size: 10pt;
    padding: 8px;
}}
QPushButton[nav="true"] {{
    text-align: left;
    padding: 11px 14px;
    border: none;
    border-radius: 8px;
    background: transparent;
    color: {c.TEXT_MUTED};
    font-size: 12pt;
    font-weight: 600;
}}
QPushButton[nav="true"]:hover {{
    background: {c.SURFACE_HOVER};
    color: {c.TEXT};
}}
QPushButton[nav="true"]:checked {{
    background: {c.SURFACE_RAISED};
    color: {c.TEXT};
    border-left: 4px solid {c.TARGET};
}}
QPushButton[nav="true"]:disabled {{
    color: {c.TEXT_DISABLED};
}}

/* --- buttons ---------------------------------------------------------------------- */
QPushButton {{
    background: {c.SURFACE_RAISED};
    border: 1px solid {c.BORDER};
    border-radius: 10px;
    padding: 10px 18px;
    font-size: 12pt;
    font-weight: 600;
    min-height: 24px;
}}
QPushButton:hover {{
    background: {c.SURFACE_HOVER};
}}
QPushButton:pressed {{
    background: {c.BORDER};
}}
QPushButton:focus {{
    border: 2px solid {c.TARGET};
}}
QPushButton:disabled {{
    color: {c.TEXT_DISABLED};
    background: {c.SURFACE};
}}
QPushButton[primary="true"] {{
    background: {c.TARGET};
    border: 1px solid {c.TARGET};
    color: #04121f;
}}
QPushButton[primary="true"]:hover {{
    background: #68baff;
}}
QPushButton[primary="true"]:focus {{
    border: 2px solid #ffffff;
}}
QPushButton[primary="true"]:disabled {{
    background: {c.TARGET_DIM};
    color: {c.TEXT_MUTED};
}}
QPushButton[danger="true"] {{
    color: {c.DANGER};
}}
QPushButton[danger="true"][solid="true"] {{
    background: {c.DANGER};
    border: 1px solid {c.DANGER};
    color: #ffffff;
}}
QPushButton[big="true"] {{
    font-size: 14pt;
    padding: 12px 20px;
}}

/* --- inputs and lists ------------------------------------------------------------- */
QLineEdit {{
    background: {c.SURFACE};
    border: 1px solid {c.BORDER};
    border-radius: 10px;
    padding: 9px 12px;
    font-size: 12pt;
    selection-background-color: {c.TARGET_DIM};
}}
QLineEdit:focus {{
    border: 2px solid {c.TARGET};
}}
QTableView {{
    background: {c.SURFACE};
    alternate-background-color: {c.SURFACE};
    border: 1px solid {c.BORDER};
    border-radius: 10px;
    gridline-color: transparent;
    font-size: 11pt;
    outline: none;
    selection-background-color: {c.TARGET_DIM};
    selection-color: #ffffff;
}}
QTableView::item {{
    padding: 0 6px;
    border-bottom: 1px solid {c.WINDOW};
}}
QTableView::item:selected {{
    background: {c.TARGET_DIM};
}}
QTableView:focus {{
    border: 1px solid {c.TARGET};
}}
QHeaderView {{
    background: transparent;
}}
QHeaderView::section {{
    background: {c.SURFACE};
    color: {c.TEXT_MUTED};
    border: none;
    border-bottom: 1px solid {c.BORDER};
    padding: 8px 6px;
    font-size: 10pt;
    font-weight: 600;
}}
QScrollBar:vertical {{
    background: transparent;
    width: 12px;
    margin: 2px;
}}
QScrollBar::handle:vertical {{
    background: {c.BORDER};
    border-radius: 4px;
    min-height: 32px;
}}
QScrollBar::add-line, QScrollBar::sub-line {{
    height: 0;
}}
QScrollArea {{
    background: transparent;
    border: none;
}}

/* --- cards, tiles, banners -------------------------------------------------------- */
QFrame#Card {{
    background: {c.SURFACE};
    border: 1px solid {c.BORDER};
    border-radius: 14px;
}}
QFrame#Tile {{
    background: {c.SURFACE};
    border: 1px solid {c.BORDER};
    border-radius: 14px;
}}
QLabel[role="tileTitle"] {{
    color: {c.TEXT_MUTED};
    font-size: 11pt;
    font-weight: 600;
    letter-spacing: 0.5px;
}}
QLabel[role="tileUnit"] {{
    color: {c.TEXT_MUTED};
    font-size: 12pt;
}}
QLabel[role="tileValue"] {{ color: {c.TEXT}; }}
QLabel[role="tileValue"][accent="actual"] {{ color: {c.ACTUAL}; }}
QLabel[role="tileValue"][accent="target"] {{ color: {c.TARGET}; }}
QLabel[role="tileValue"][accent="heart"] {{ color: {c.HEART}; }}
QLabel[role="tileValue"][accent="cadence"] {{ color: {c.CADENCE}; }}
QLabel[role="title"] {{
    font-size: 20pt;
    font-weight: 700;
}}
QLabel[role="subtitle"] {{
    color: {c.TEXT_MUTED};
    font-size: 12pt;
}}
QLabel#LibraryCount {{
    padding-top: 13px;
}}
QLabel[role="muted"] {{
    color: {c.TEXT_MUTED};
    font-size: 11pt;
}}
QLabel[role="body"] {{
    font-size: 12pt;
    color: #d3dae2;
}}
QLabel[role="chip"] {{
    background: {c.SURFACE_RAISED};
    border: 1px solid {c.BORDER};
    border-radius: 11px;
    padding: 3px 10px;
    font-size: 10pt;
    font-weight: 600;
    color: {c.TEXT_MUTED};
}}
QLabel[role="statValue"] {{
    font-size: 18pt;
    font-weight: 700;
}}
QLabel[role="statLabel"] {{
    color: {c.TEXT_MUTED};
    font-size: 10pt;
    font-weight: 600;
}}
QLabel[role="state"] {{
    border-radius: 11px;
    padding: 3px 12px;
    font-size: 11pt;
    font-weight: 700;
    background: {c.SURFACE_RAISED};
    color: {c.GOOD};
}}
QLabel[role="state"][state="paused"] {{
    background: {c.WARNING};
    color: #1a1200;
}}
QFrame#Banner {{
    background: #3a2a0c;
    border: 1px solid {c.WARNING};
    border-radius: 10px;
}}
QFrame#Banner QLabel {{
    color: #ffe2a8;
    font-size: 12pt;
    font-weight: 600;
}}
QFrame#ConfirmBar {{
    background: #3b1518;
    border: 1px solid {c.DANGER};
    border-radius: 10px;
}}
QFrame#ConfirmBar QLabel {{
    color: #ffd6d6;
    font-size: 12pt;
    font-weight: 600;
}}
/* --- library: chips, notices, the favourite star, the drop target ----------------- */
{toggle_button_rules("chip", radius_px=13, padding="3px 9px", min_height_px=18, font_pt=10)}
QPushButton[star="true"]:checked {{
    background: #3d2c06;
    border: 1px solid {c.ACTUAL};
    color: {c.ACTUAL};
}}
{_zone_chip_rules()}
QPushButton[link="true"] {{
    background: transparent;
    border: none;
    border-radius: 6px;
    padding: 3px 8px;
    min-height: 18px;
    font-size: 10pt;
    color: {c.TARGET};
}}
QPushButton[link="true"]:hover {{
    background: {c.SURFACE_HOVER};
}}
QPushButton[link="true"]:focus {{
    border: 1px solid {c.TARGET};
}}
QPushButton#Star {{
    background: transparent;
    border: 1px solid transparent;
    border-radius: 10px;
    padding: 0 6px;
    min-height: 36px;
    min-width: 30px;
    font-size: 22pt;
    font-weight: 400;
    color: {c.TEXT_MUTED};
}}
QPushButton#Star:hover {{
    background: {c.SURFACE_HOVER};
    color: {c.TEXT};
}}
QPushButton#Star:focus {{
    border: 1px solid {c.TARGET};
}}
QPushButton#Star:checked {{
    color: {c.ACTUAL};
}}
QPushButton::menu-indicator {{
    subcontrol-position: right center;
    subcontrol-origin: padding;
    right: 6px;
}}
QPushButton[menu="true"] {{
    padding-right: 26px;
}}
QFrame#Notice {{
    border-radius: 10px;
    border: 1px solid {c.BORDER};
    background: {c.SURFACE_RAISED};
}}
QFrame#Notice QLabel {{
    font-size: 11pt;
    font-weight: 600;
}}
QFrame#Notice[kind="success"] {{
    background: #0f2a1c;
    border: 1px solid #2f8f5a;
}}
QFrame#Notice[kind="success"] QLabel {{ color: #c4f2d6; }}
QFrame#Notice[kind="warning"] {{
    background: #3a2a0c;
    border: 1px solid {c.WARNING};
}}
QFrame#Notice[kind="warning"] QLabel {{ color: #ffe2a8; }}
QFrame#Notice[kind="error"] {{
    background: #3b1518;
    border: 1px solid {c.DANGER};
}}
QFrame#Notice[kind="error"] QLabel {{ color: #ffd6d6; }}
QFrame#Notice QLabel[role="noticeDetails"] {{
    font-size: 10pt;
    font-weight: 400;
    font-family: monospace;
}}
QProgressBar {{
    background: {c.SURFACE};
    border: none;
    border-radius: 2px;
}}
QProgressBar::chunk {{
    background: {c.TARGET};
    border-radius: 2px;
}}
QLabel#DropOverlay {{
    background: rgba(14, 17, 22, 215);
    border: 2px dashed {c.TARGET};
    border-radius: 18px;
    color: {c.TEXT};
    font-size: 16pt;
    font-weight: 700;
}}
QMenu {{
    background: {c.SURFACE_RAISED};
    border: 1px solid {c.BORDER};
    padding: 4px;
}}
QMenu::item {{
    padding: 7px 18px;
    border-radius: 6px;
    font-size: 11pt;
}}
QMenu::item:selected {{
    background: {c.TARGET_DIM};
}}
QStatusBar {{
    background: {c.SURFACE};
    border-top: 1px solid {c.BORDER};
    color: {c.TEXT_MUTED};
    font-size: 10pt;
}}
QStatusBar QLabel {{
    color: {c.TEXT_MUTED};
    font-size: 10pt;
    padding: 2px 8px;
}}
"""


def _zone_chip_rules() -> str:
    """Zone chips read in their zone's colour, and fill with it when checked."""
    rules = []
    for zone, colour in enumerate(c.ZONE_COLOURS, start=1):
        rules.append(
            f'QPushButton[chip="true"][zone="{zone}"] {{ color: {colour}; }}\n'
            f'QPushButton[chip="true"][zone="{zone}"]:checked {{ background: {colour}; '
            f"border: 1px solid {colour}; color: #0b0e12; }}"
        )
    return "\n".join(rules)


def apply_theme(app: QApplication) -> None:
    """Apply palette, base font and style sheet once; later calls do nothing."""
    if app.property(_APPLIED_PROPERTY):
        return
    if not app.property(_FUSION_PROPERTY):  # not started with FUSION_ARGS
        app.setStyle("Fusion")
    app.setPalette(build_palette())
    font = QFont(app.font())
    font.setPointSize(BASE_FONT_PT)
    app.setFont(font)
    app.setStyleSheet(stylesheet())
    app.setProperty(_APPLIED_PROPERTY, True)


def mark_fusion(app: QApplication) -> None:
    """Record that `app` was created with FUSION_ARGS, so apply_theme need not set it."""
    app.setProperty(_FUSION_PROPERTY, True)


def set_style_property(widget: QWidget, name: str, value: object) -> None:
    """Change a dynamic property the style sheet selects on, and re-polish the widget."""
    if widget.property(name) == value:
        return
    widget.setProperty(name, value)
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)
