"""The Calendar screen's style sheet: week cards, day rows (today highlighted), the plan's
name, meta and note lines, the Ride buttons and the empty-plan card."""

from __future__ import annotations

from app.ui.theme import palette as c

__all__ = ["calendar_style"]


def calendar_style() -> str:
    """The Calendar page's own rules, over the app theme."""
    return f"""
QWidget#CalendarContent {{
    background: transparent;
}}
QLabel#CalendarCount {{
    padding-top: 13px;
}}
QLabel[role="weekTitle"] {{
    color: {c.TEXT_MUTED};
    font-size: 11pt;
    font-weight: 700;
    letter-spacing: 0.5px;
}}
QLabel[role="weekTotals"] {{
    color: {c.TEXT_MUTED};
    font-size: 11pt;
}}
QFrame#CalendarWeek {{
    background: {c.SURFACE};
    border: 1px solid {c.BORDER};
    border-radius: 14px;
}}
QFrame#CalendarRule {{
    background: {c.BORDER};
    border: none;
    max-height: 1px;
    min-height: 1px;
}}
QFrame#CalendarDay {{
    background: transparent;
    border: 1px solid transparent;
    border-radius: 10px;
}}
QFrame#CalendarDay[today="true"] {{
    background: {c.SURFACE_RAISED};
    border: 1px solid {c.TARGET};
}}
QLabel[role="dayDate"] {{
    font-size: 13pt;
    font-weight: 700;
}}
QLabel[role="dayDate"][rest="true"] {{
    color: {c.TEXT_MUTED};
    font-weight: 600;
}}
QLabel[role="dayDate"][today="true"] {{
    color: {c.TARGET};
}}
QLabel#TodayChip {{
    background: {c.TARGET};
    color: #04121f;
    border-radius: 8px;
    padding: 1px 9px;
    font-size: 10pt;
    font-weight: 800;
}}
QLabel[role="restDay"] {{
    color: {c.TEXT_MUTED};
    font-size: 12pt;
}}
QLabel[role="planName"] {{
    font-size: 14pt;
    font-weight: 700;
}}
QLabel[role="planName"][today="true"] {{
    font-size: 16pt;
}}
QLabel[role="planName"][missing="true"] {{
    color: {c.TEXT_MUTED};
    font-style: italic;
    font-weight: 600;
}}
QLabel[role="planMeta"] {{
    color: {c.TEXT_MUTED};
    font-size: 12pt;
    font-weight: 600;
}}
QLabel[role="planMeta"][missing="true"] {{
    font-weight: 400;
    font-style: italic;
}}
QLabel[role="planNote"] {{
    color: #d3dae2;
    font-size: 12pt;
}}
QPushButton[ride="true"] {{
    padding: 7px 18px;
    min-width: 88px;
}}
QFrame#CalendarEmpty {{
    background: {c.SURFACE};
    border: 1px dashed {c.BORDER};
    border-radius: 14px;
}}
QLabel#CalendarEmptyTitle {{
    font-size: 16pt;
    font-weight: 700;
}}
QLabel#CalendarEmptyBody {{
    color: {c.TEXT_MUTED};
    font-size: 13pt;
}}
"""
