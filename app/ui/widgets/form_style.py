"""The look of the form screens (settings, welcome): section titles, field labels and
units, problems under fields, segment buttons, tile boxes. The application style sheet
does not have these; each form screen sets this sheet on itself."""

from __future__ import annotations

from app.ui.theme import palette as c
from app.ui.theme.style import toggle_button_rules

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
