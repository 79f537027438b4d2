"""The devices screen (moving here from app.ui.views.devices_view)."""

from app.ui.views.devices_view import DevicesView

__all__ = ["DevicesView"]
