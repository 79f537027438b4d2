"""The History screen: past rides, the selected ride in detail, export and the trash."""

from app.ui.views.history.view import HistoryView

__all__ = ["HistoryView"]
