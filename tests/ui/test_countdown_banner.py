"""The countdown banner on statuses from a real ride session: what it shows, what it plays."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QVBoxLayout, QWidget

from app.core.ports import TrainerReading
from app.core.ride.session import RideSession, status_of
from app.core.workouts.model import Step, StepKind, Workout
from app.ui.sounds import SoundCues
from app.ui.widgets.countdown_banner import CountdownBanner

FTP_W = 250.0
READING = TrainerReading(power_w=180.0, cadence_rpm=90, hr_bpm=135, speed_mps=8.0)


def steady(duration_s: float, fraction: float) -> Step:
    return Step(StepKind.STEADY, duration_s, fraction, fraction)


class Screen:
    """A ride session feeding a banner inside a shown page, as the ride screen does."""

    def __init__(self, qtbot, sounds: SoundCues | None, *steps: Step) -> None:  # type: ignore[no-untyped-def]
        self.session = RideSession(Workout("banner test", steps), ftp_w=FTP_W)
        self.page = QWidget()
        qtbot.addWidget(self.page)
        self.banner = CountdownBanner(sounds)
        layout = QVBoxLayout(self.page)
        layout.addWidget(self.banner)
        self.page.resize(1000, 200)
        self.page.show()
        qtbot.waitExposed(self.page)
        self.session.start()
        self.publish()

    def publish(self) -> None:
        self.banner.on_status(status_of(self.session))

    def ride_to(self, position_s: float) -> None:
        while self.session.position_s < position_s:
            self.session.tick(READING)
            self.publish()


@pytest.fixture
def cues(tmp_path: Path, qtbot) -> SoundCues:  # type: ignore[no-untyped-def]
    return SoundCues(tmp_path)


@pytest.fixture
def screen(qtbot, cues: SoundCues) -> Screen:  # type: ignore[no-untyped-def]
    return Screen(qtbot, cues, steady(60, 0.5), steady(120, 1.2), steady(60, 0.5))


def test_hidden_until_the_heads_up_then_counts_down_and_says_go(
    screen: Screen, cues: SoundCues
) -> None:
    banner = screen.banner
    assert banner.accessibleName() == "Interval countdown"
    screen.ride_to(49)
    assert not banner.isVisible() and banner.text() == ""
    screen.ride_to(50)
    assert banner.isVisible()
    assert banner.text() == "Next: 300 W · 2:00"
    assert cues.history == []
    screen.ride_to(57)
    assert banner.text() == "Next: 300 W · 2:00  3"
    assert (banner.heads_up_text(), banner.number_text()) == ("Next: 300 W · 2:00", "3")
    assert banner.accessibleDescription() == "Next: 300 W · 2:00  3"
    assert cues.history == ["tick"]
    screen.ride_to(59)
    assert banner.number_text() == "1"
    screen.ride_to(60)
    assert cues.history == ["tick", "tick", "tick", "go"]
    assert not banner.isVisible()


def test_a_status_repeated_by_a_rider_action_plays_nothing_more(
    screen: Screen, cues: SoundCues
) -> None:
    screen.ride_to(58)
    screen.session.nudge_intensity(+10)
    screen.publish()
    screen.publish()
    assert screen.banner.text() == "Next: 330 W · 2:00  2"
    assert cues.history == ["tick", "tick"]


def test_paused_hides_the_banner_and_stays_quiet(screen: Screen, cues: SoundCues) -> None:
    screen.ride_to(57)
    screen.session.pause()
    screen.session.tick(READING)
    screen.publish()
    assert not screen.banner.isVisible()
    screen.session.resume()
    screen.publish()
    assert screen.banner.text() == "Next: 300 W · 2:00  3"
    assert cues.history == ["tick"]


def test_the_number_appearing_does_not_move_the_text_or_grow_the_banner(
    screen: Screen, qtbot
) -> None:  # type: ignore[no-untyped-def]
    banner = screen.banner
    screen.ride_to(55)
    qtbot.waitUntil(lambda: banner.isVisible())
    before = (banner.height(), banner._text.geometry())
    screen.ride_to(57)
    assert banner.number_text() == "3"
    assert (banner.height(), banner._text.geometry()) == before


def test_the_end_of_the_workout_counts_down_and_plays_done(screen: Screen, cues: SoundCues) -> None:
    screen.ride_to(235)
    assert screen.banner.text() == "Workout complete in 0:05"
    screen.ride_to(240)
    assert screen.banner.text() == "Workout complete"
    assert screen.banner.property("kind") == "finish"
    assert cues.history[-4:] == ["tick", "tick", "tick", "done"]
    screen.publish()
    assert cues.history.count("done") == 1
    screen.banner.reset()
    assert not screen.banner.isVisible() and screen.banner.text() == ""


def test_sounds_switched_off_still_shows_the_countdown(screen: Screen, cues: SoundCues) -> None:
    cues.set_enabled(False)
    screen.ride_to(58)
    assert screen.banner.text() == "Next: 300 W · 2:00  2"
    assert cues.history == []
    cues.set_enabled(True)
    screen.ride_to(60)
    assert cues.history == ["tick", "go"]


def test_without_sound_cues_the_banner_still_works(qtbot) -> None:  # type: ignore[no-untyped-def]
    screen = Screen(qtbot, None, steady(20, 0.5), steady(20, 0.9))
    screen.ride_to(17)
    assert screen.banner.text() == "Last interval: 225 W · 0:20  3"
    assert screen.banner.frame.sound is not None and screen.banner.frame.sound.value == "tick"


def test_played_signal_carries_each_cue(screen: Screen, cues: SoundCues, qtbot) -> None:  # type: ignore[no-untyped-def]
    screen.ride_to(59)
    with qtbot.waitSignal(cues.played, check_params_cb=lambda name: name == "go"):
        screen.ride_to(60)
