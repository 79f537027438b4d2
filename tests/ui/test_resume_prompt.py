"""The launch prompt for rides the app stopped in the middle of."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QBoxLayout
from pytestqt.qtbot import QtBot

from app.ui.ports.history import InterruptedRide
from app.ui.widgets.resume_prompt import (
    SIDE_BY_SIDE_PX,
    ResumePrompt,
    prompt_text,
    recorded_text,
    when_text,
)

FRIDAY = datetime(2025, 3, 14, 7, 12).astimezone()  # local time
SATURDAY_NOON = datetime(2025, 3, 15, 12, 0).astimezone()
RIDES = [
    InterruptedRide("r1", "Sweet Spot 3x15", FRIDAY, 2530.0),
    InterruptedRide("r2", "VO2 Max 5x4", datetime(2025, 3, 2, 18, 40).astimezone(), 3733.0),
]


MakePrompt = Callable[..., ResumePrompt]


class Actions:
    """save/discard callables that remember what they were asked."""

    def __init__(self) -> None:
        self.saved: list[str] = []
        self.discarded: list[str] = []
        self.fail_with: Exception | None = None

    def save(self, ride_id: str) -> None:
        if self.fail_with is not None:
            raise self.fail_with
        self.saved.append(ride_id)

    def discard(self, ride_id: str) -> None:
        self.discarded.append(ride_id)


@pytest.fixture
def actions() -> Actions:
    return Actions()


@pytest.fixture
def make_prompt(qtbot: QtBot, actions: Actions) -> MakePrompt:
    def make(rides: list[InterruptedRide] | None = None) -> ResumePrompt:
        listed = list(RIDES if rides is None else rides)
        prompt = ResumePrompt(
            lambda: listed,
            save=actions.save,
            discard=actions.discard,
            now=lambda: SATURDAY_NOON,
        )
        qtbot.addWidget(prompt)
        prompt.resize(1000, 120)
        return prompt

    return make


def test_the_text_says_which_ride_when_and_how_long() -> None:
    assert when_text(FRIDAY, SATURDAY_NOON) == "Fri 07:12"
    assert when_text(RIDES[1].started_at, SATURDAY_NOON) == "2 Mar 18:40"
    assert when_text(FRIDAY, datetime(2026, 1, 5, 9, 0).astimezone()) == "14 Mar 2025 07:12"
    assert recorded_text(2530) == "42:10"
    assert recorded_text(3733) == "1:02:13"
    assert prompt_text(RIDES[0], SATURDAY_NOON) == (
        "Your ride “Sweet Spot 3x15” from Fri 07:12 stopped after 42:10. Resume it where "
        "you left off, keep what was recorded, or discard it?"
    )


def test_nothing_interrupted_nothing_shown(make_prompt: MakePrompt) -> None:
    prompt = make_prompt([])
    assert not prompt.check()
    assert prompt.isHidden()


def test_a_broken_journal_does_not_stop_the_launch(qtbot: QtBot) -> None:
    def broken() -> list[InterruptedRide]:
        raise OSError("disk I/O error")

    prompt = ResumePrompt(broken)
    qtbot.addWidget(prompt)
    assert not prompt.check()
    assert prompt.isHidden()


def test_the_prompt_walks_through_two_interrupted_rides(
    qtbot: QtBot, make_prompt: MakePrompt, actions: Actions
) -> None:
    prompt = make_prompt()
    assert prompt.check()
    assert not prompt.isHidden()
    assert prompt.count_label.text() == "1 of 2"
    assert prompt.text.text() == prompt_text(RIDES[0], SATURDAY_NOON)
    assert prompt.accessibleDescription() == prompt.text.text()

    with qtbot.waitSignal(prompt.kept) as kept:
        prompt.keep_button.click()
    assert kept.args == ["r1"] and actions.saved == ["r1"]
    assert not prompt.isHidden()
    assert prompt.count_label.text() == "2 of 2"
    assert "“VO2 Max 5x4” from 2 Mar 18:40 stopped after 1:02:13" in prompt.text.text()

    prompt.discard_button.click()
    assert prompt.confirming and actions.discarded == []  # asks first
    assert prompt.text.text() == "Discard “VO2 Max 5x4”? The 1:02:13 recorded will not be kept."
    assert prompt.property("confirming") is True
    finished: list[bool] = []
    prompt.finished.connect(lambda: finished.append(True))
    with qtbot.waitSignal(prompt.discarded) as discarded:
        prompt.confirm_button.click()
    assert discarded.args == ["r2"] and finished == [True]
    assert actions.discarded == ["r2"]
    assert prompt.isHidden()
    assert prompt.pending() == []


def test_resume_hands_the_ride_to_the_window_and_hides(
    qtbot: QtBot, make_prompt: MakePrompt, actions: Actions
) -> None:
    prompt = make_prompt()
    prompt.check()
    finished: list[bool] = []
    prompt.finished.connect(lambda: finished.append(True))
    with qtbot.waitSignal(prompt.resume_requested) as resumed:
        prompt.resume_button.click()
    assert resumed.args == ["r1"] and finished == [True]
    assert prompt.isHidden()
    assert actions.saved == [] and actions.discarded == []
    # the ride not answered yet is offered again by the next check (after that ride)
    assert prompt.check()
    assert prompt.current() is RIDES[0]


def test_discard_can_be_taken_back_with_cancel_or_escape(
    qtbot: QtBot, make_prompt: MakePrompt, actions: Actions
) -> None:
    prompt = make_prompt()
    prompt.check()
    prompt.discard_button.click()
    assert prompt.confirming
    prompt.cancel_button.click()
    assert not prompt.confirming
    assert prompt.resume_button.isVisibleTo(prompt) and prompt.keep_button.isVisibleTo(prompt)
    assert prompt.text.text() == prompt_text(RIDES[0], SATURDAY_NOON)

    prompt.activateWindow()
    qtbot.waitUntil(prompt.isActiveWindow)
    prompt.discard_button.setFocus()
    qtbot.keyClick(prompt.discard_button, Qt.Key.Key_Space)
    assert prompt.confirming and prompt.cancel_button.hasFocus()
    qtbot.keyClick(prompt.cancel_button, Qt.Key.Key_Escape)
    assert not prompt.confirming and prompt.discard_button.hasFocus()
    assert actions.discarded == [] and prompt.current() is RIDES[0]


def test_a_failed_save_says_why_and_offers_the_ride_again(
    qtbot: QtBot, make_prompt: MakePrompt, actions: Actions
) -> None:
    prompt = make_prompt()
    prompt.check()
    actions.fail_with = OSError("database is locked")
    with qtbot.assertNotEmitted(prompt.kept):
        prompt.keep_button.click()
    assert prompt.error.isVisibleTo(prompt)
    assert "database is locked" in prompt.error.text()
    assert prompt.current() is RIDES[0] and not prompt.isHidden()
    actions.fail_with = None
    prompt.keep_button.click()
    assert actions.saved == ["r1"] and not prompt.error.isVisibleTo(prompt)


def test_buttons_are_named_and_the_card_fits_narrow_windows(make_prompt: MakePrompt) -> None:
    prompt = make_prompt()
    prompt.check()
    for button in (
        prompt.resume_button,
        prompt.keep_button,
        prompt.discard_button,
        prompt.cancel_button,
        prompt.confirm_button,
    ):
        assert button.accessibleName()
        assert button.focusPolicy() & Qt.FocusPolicy.TabFocus
    assert prompt.resume_button.property("primary") is True
    prompt.resize(SIDE_BY_SIDE_PX + 100, 120)
    assert prompt._layout.direction() == QBoxLayout.Direction.LeftToRight
    prompt.resize(SIDE_BY_SIDE_PX - 200, 200)
    assert prompt._layout.direction() == QBoxLayout.Direction.TopToBottom
