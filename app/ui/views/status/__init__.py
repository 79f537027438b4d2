"""The status screen (moving here from app.ui.views.status_view)."""

from app.ui.views.status_view import StatusView

__all__ = ["StatusView"]
