"""The Library screen: search, filters, the workout list and the selected workout.

Only `view` is imported here: the package is on the first frame's path (see view.py).
"""

from app.ui.views.library.view import LibraryView

__all__ = ["LibraryView"]
