"""The Calendar screen: today and the next four weeks of planned workouts."""

from app.ui.views.calendar.view import CalendarView

__all__ = ["CalendarView"]
