"""The calendar screen (moving here from app.ui.views.calendar_view)."""

from app.ui.views.calendar_view import CalendarView

__all__ = ["CalendarView"]
