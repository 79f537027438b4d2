"""The 30-day trash of the History screen: a ride moved there and back through the
history port, with Undo for the ride last moved.

Nothing is deleted here: the store deletes a trashed ride for good after `TRASH_DAYS`.
A port that fails is reported in the notice (a broken rides.db must not take the screen
down); after a move the page re-reads its list, then the notice says what happened.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from app.ui.ports.history import RideHistoryPort, RideListingLike
from app.ui.views.history.notice import ActionNotice
from app.ui.views.history.words import TRASH_DAYS

__all__ = ["RideTrash"]

log = logging.getLogger(__name__)


class RideTrash:
    """`reload(row_hint)` re-reads the page's list after a move, the row near which to
    select a ride when the one shown left it."""

    def __init__(
        self,
        history: RideHistoryPort,
        notice: ActionNotice,
        reload: Callable[[int], None],
    ) -> None:
        self.history = history
        self.notice = notice
        self.reload = reload
        self.undo_id: str | None = None  # the ride last moved to the trash

    def move(self, ride: RideListingLike, row_hint: int, undo: Callable[[], None]) -> bool:
        """Move `ride` to the trash; the notice offers `undo`. False if the port failed."""
        try:
            self.history.trash(ride.id)
        except Exception as exc:
            log.exception("could not trash ride %s", ride.id)
            self.notice.show_message("error", f"Could not move “{ride.workout_name}”: {exc}")
            return False
        self.undo_id = ride.id
        self.reload(row_hint)
        self.notice.show_message(
            "success",
            f"Moved “{ride.workout_name}” to the trash for {TRASH_DAYS} days.",
            "Undo",
            undo,
        )
        return True

    def restore(self, ride_id: str, name: str, row_hint: int = 0) -> bool:
        """Put a trashed ride (called `name` in the notice) back in the history."""
        try:
            self.history.restore(ride_id)
        except Exception as exc:
            log.exception("could not restore ride %s", ride_id)
            self.notice.show_message("error", f"Could not restore “{name}”: {exc}")
            return False
        if self.undo_id == ride_id:
            self.undo_id = None
        self.reload(row_hint)
        self.notice.show_message("success", f"“{name}” is back in your history.")
        return True

    def take_undo(self) -> str | None:
        """The ride last moved to the trash, forgotten (Undo is offered once)."""
        ride_id, self.undo_id = self.undo_id, None
        return ride_id
