"""The history screen (moving here from app.ui.views.history_view)."""

from app.ui.views.history_view import HistoryView

__all__ = ["HistoryView"]
