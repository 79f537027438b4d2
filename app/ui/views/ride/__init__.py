"""The ride screen (moving here from app.ui.views.ride_view)."""

from app.ui.views.ride_view import RideView

__all__ = ["RideView"]
