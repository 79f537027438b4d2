"""The library screen (moving here from app.ui.views.library_view)."""

from app.ui.views.library_view import LibraryView

__all__ = ["LibraryView"]
