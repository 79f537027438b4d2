"""The interval countdown, driven by the statuses of a real ride session."""

from __future__ import annotations

from dataclasses import dataclass, field

from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.ports import TrainerReading
from app.core.ride.countdown import (
    HIDDEN,
    CountdownFrame,
    CueSound,
    IntervalCountdown,
    clock_text,
)
from app.core.ride.erg import ErgSettings
from app.core.ride.session import ResumePoint, RideSession, RideState, RideStatus, status_of
from app.core.workouts.model import PowerUnit, RepeatBlock, Step, StepKind, Workout

FTP = 250.0
TICK, GO, DONE = CueSound.TICK, CueSound.GO, CueSound.DONE


def steady(duration_s: float, fraction: float) -> Step:
    return Step(StepKind.STEADY, duration_s, fraction, fraction)


def watts(duration_s: float, power_w: float) -> Step:
    return Step(StepKind.STEADY, duration_s, power_w, power_w, power_unit=PowerUnit.WATTS)


def free(duration_s: float) -> Step:
    return Step(StepKind.FREE_RIDE, duration_s)


def workout(*elements: Step | RepeatBlock) -> Workout:
    return Workout("countdown test", tuple(elements))


READING = TrainerReading(power_w=200.0, cadence_rpm=90, hr_bpm=130, speed_mps=8.0)


@dataclass
class Ride:
    """A started session and a countdown fed each status, as the ride screen would."""

    session: RideSession
    countdown: IntervalCountdown = field(default_factory=IntervalCountdown)
    log: list[tuple[RideStatus, CountdownFrame]] = field(default_factory=list)

    @classmethod
    def of(cls, *elements: Step | RepeatBlock) -> Ride:
        ride = cls(RideSession(workout(*elements), ftp_w=FTP))
        ride.session.start()
        ride.publish()
        return ride

    def publish(self) -> CountdownFrame:
        status = status_of(self.session)
        frame = self.countdown.update(status)
        self.log.append((status, frame))
        return frame

    def ride(self, seconds: int) -> CountdownFrame:
        frame = self.publish()
        for _ in range(seconds):
            self.session.tick(READING)
            frame = self.publish()
        return frame

    def ride_to(self, position_s: float) -> CountdownFrame:
        return self.ride(int(position_s - self.session.position_s))

    def sounds(self) -> list[tuple[float, CueSound]]:
        return [(s.position_s, f.sound) for s, f in self.log if f.sound is not None]


def test_heads_up_then_three_two_one_then_go() -> None:
    ride = Ride.of(steady(60, 0.5), steady(120, 1.2), steady(300, 0.5))
    assert ride.ride_to(49) == HIDDEN
    frame = ride.ride(1)
    assert frame == CountdownFrame("Next: 300 W · 2:00", None, None)
    assert ride.ride_to(57) == CountdownFrame("Next: 300 W · 2:00", 3, TICK)
    assert ride.ride(1) == CountdownFrame("Next: 300 W · 2:00", 2, TICK)
    assert ride.ride(1) == CountdownFrame("Next: 300 W · 2:00", 1, TICK)
    assert ride.ride(1) == CountdownFrame("", None, GO)
    assert ride.session.interval_index == 1
    assert ride.ride(1) == HIDDEN
    assert ride.sounds() == [(57, TICK), (58, TICK), (59, TICK), (60, GO)]


def test_the_same_second_published_twice_sounds_once() -> None:
    ride = Ride.of(steady(30, 0.5), steady(30, 1.0))
    ride.ride_to(27)
    again = ride.publish()
    assert again == CountdownFrame("Last interval: 250 W · 0:30", 3, None)
    ride.ride(3)
    assert ride.publish() == HIDDEN  # the go was already given
    assert [sound for _, sound in ride.sounds()] == [TICK, TICK, TICK, GO]


def test_nothing_while_paused_and_resuming_does_not_repeat_a_number() -> None:
    ride = Ride.of(steady(30, 0.5), steady(30, 1.0))
    ride.ride_to(28)  # "2" was just ticked
    ride.session.pause()
    for _ in range(5):
        ride.session.tick(READING)
        assert ride.publish() == HIDDEN
    ride.session.resume()
    assert ride.publish() == CountdownFrame("Last interval: 250 W · 0:30", 2, None)
    ride.ride(2)
    assert [(p, s) for p, s in ride.sounds()] == [(27, TICK), (28, TICK), (29, TICK), (30, GO)]


def test_short_steps_of_a_stepped_ramp_do_not_beep() -> None:
    """An .erg-style ramp: 4 s steps of +20 W. Only the change into the ramp is announced."""
    steps = [watts(4, 150 + 20 * i) for i in range(10)]
    ride = Ride.of(watts(60, 120), *steps, watts(60, 340))
    ride.ride(int(ride.session.duration_s))
    sounds = ride.sounds()
    assert sounds[:4] == [(57, TICK), (58, TICK), (59, TICK), (60, GO)]
    assert (100, GO) not in sounds  # 4 s steps are not counted down, so no go into 340 W
    assert sounds[4:] == [(157, TICK), (158, TICK), (159, TICK), (160, DONE)]


def test_a_workout_that_starts_with_short_steps_is_quiet_until_a_long_one() -> None:
    ride = Ride.of(*[watts(3, 100 + 10 * i) for i in range(5)], watts(30, 200), watts(30, 100))
    ride.ride_to(46)
    assert ride.sounds() == [(42, TICK), (43, TICK), (44, TICK), (45, GO)]


def test_a_target_change_under_five_watts_is_not_announced() -> None:
    ride = Ride.of(watts(30, 200), watts(30, 203), watts(30, 260))
    ride.ride_to(61)
    texts = [f.text for _, f in ride.log if f.text]
    assert "Next: 203 W · 0:30" not in texts
    assert "Last interval: 260 W · 0:30" in texts
    assert [p for p, s in ride.sounds() if s is GO] == [60]


def test_a_ramp_into_a_steady_at_its_end_power_is_not_announced() -> None:
    ride = Ride.of(Step(StepKind.RAMP, 30, 0.4, 0.8), steady(60, 0.8), steady(60, 0.5))
    ride.ride_to(31)
    assert ride.sounds() == []
    assert all(not f.visible for _, f in ride.log)


def test_free_ride_and_the_last_interval_are_named() -> None:
    ride = Ride.of(steady(30, 0.5), free(20), steady(60, 0.6))
    assert ride.ride_to(20).text == "Next: free ride · 0:20"
    assert ride.ride_to(40).text == "Last interval: 150 W · 1:00"


def test_a_sprint_is_named_even_after_a_free_ride() -> None:
    sprint = Step(StepKind.MAX_EFFORT, 15, None, None)
    ride = Ride.of(steady(30, 0.5), sprint, free(30), sprint, steady(60, 0.5))
    assert ride.ride_to(20).text == "Next: all-out sprint · 0:15"
    assert ride.ride_to(70).text == "Next: all-out sprint · 0:15"  # free ride -> sprint


def test_the_end_counts_down_and_sounds_done_once() -> None:
    ride = Ride.of(steady(30, 0.5), steady(30, 0.6))
    assert ride.ride_to(55) == CountdownFrame("Workout complete in 0:05", None, None)
    assert ride.ride_to(58) == CountdownFrame("Workout complete in 0:02", 2, TICK)
    frame = ride.ride(2)
    assert ride.session.state is RideState.FINISHED
    assert frame == CountdownFrame("Workout complete", None, DONE)
    assert ride.publish() == CountdownFrame("Workout complete", None, None)
    assert [s for _, s in ride.sounds()].count(DONE) == 1


def test_finishing_early_is_not_a_completed_workout() -> None:
    ride = Ride.of(steady(60, 0.5))
    ride.ride(20)
    ride.session.finish()
    assert ride.publish() == HIDDEN
    assert ride.sounds() == []


def test_skipping_forward_gives_no_burst_of_stale_beeps() -> None:
    ride = Ride.of(steady(60, 0.5), steady(60, 1.0), steady(60, 0.5), steady(60, 1.0))
    ride.ride(5)
    for _ in range(2):  # two quick skips: straight to the start of interval 2
        ride.session.skip_forward()
        ride.publish()
    assert ride.session.position_s == 120
    assert ride.sounds() == []
    ride.ride_to(177)
    assert ride.sounds() == [(177, TICK)]


def test_skipping_forward_during_the_countdown_still_says_go() -> None:
    ride = Ride.of(steady(60, 0.5), steady(60, 1.0))
    ride.ride_to(58)
    ride.session.skip_forward()
    assert ride.publish() == CountdownFrame("", None, GO)
    assert [s for _, s in ride.sounds()] == [TICK, TICK, GO]


def test_skipping_back_replays_the_countdown_on_the_second_pass() -> None:
    ride = Ride.of(steady(30, 0.5), steady(30, 1.0), steady(30, 0.5))
    ride.ride_to(29)
    ride.session.skip_back()  # 29 s in: restart this interval
    assert ride.publish() == HIDDEN
    ride.ride(30)
    ticks = [p for p, s in ride.sounds() if s is TICK]
    assert ticks == [27, 28, 29, 27, 28, 29]
    assert [p for p, s in ride.sounds() if s is GO] == [30]


def test_changing_intensity_updates_the_watts_and_never_resounds() -> None:
    ride = Ride.of(steady(30, 0.5), steady(30, 1.0), steady(30, 0.5))
    ride.ride_to(28)
    ride.session.nudge_intensity(+10)
    assert ride.publish() == CountdownFrame("Next: 275 W · 0:30", 2, None)
    ride.session.nudge_intensity(-20)
    assert ride.publish() == CountdownFrame("Next: 225 W · 0:30", 2, None)
    ride.ride(2)
    assert [s for _, s in ride.sounds()] == [TICK, TICK, TICK, GO]


def test_adding_time_moves_the_countdown_to_the_new_end() -> None:
    ride = Ride.of(steady(30, 0.5), steady(30, 1.0), steady(30, 0.5))
    ride.ride_to(28)
    ride.session.extend_interval(30)
    assert ride.publish() == HIDDEN
    ride.ride_to(57)
    assert ride.log[-1][1] == CountdownFrame("Next: 250 W · 0:30", 3, TICK)
    ride.ride(3)
    assert [p for p, s in ride.sounds()] == [27, 28, 57, 58, 59, 60]
    assert ride.sounds()[-1] == (60, GO)


def test_a_resumed_ride_in_the_last_seconds_does_not_burst() -> None:
    first = Ride.of(steady(30, 0.5), steady(30, 1.0))
    first.ride_to(26)
    samples = first.session.samples
    session = RideSession.resumed(first.session.workout, samples, ResumePoint(), ftp_w=FTP)
    ride = Ride(session)
    ride.publish()
    ride.ride(4)
    assert [p for p, s in ride.sounds()] == [27, 28, 29, 30]


def test_repeat_blocks_announce_every_work_and_rest_change() -> None:
    ride = Ride.of(RepeatBlock(3, (steady(40, 1.1), steady(20, 0.5))))
    ride.ride(int(ride.session.duration_s))
    gos = [p for p, s in ride.sounds() if s is GO]
    assert gos == [40, 60, 100, 120, 160]
    assert [s for _, s in ride.sounds()].count(DONE) == 1
    assert [s for _, s in ride.sounds()].count(TICK) == 18


def test_clock_text() -> None:
    assert [clock_text(s) for s in (0, 4.2, 5, 120, 4500)] == [
        "0:00",
        "0:05",
        "0:05",
        "2:00",
        "75:00",
    ]


# -- properties over random workouts and rider actions -----------------------------------------

step_strategy = st.one_of(
    st.builds(steady, st.integers(1, 25), st.sampled_from([0.5, 0.51, 0.52, 0.8, 1.2])),
    st.builds(free, st.integers(1, 25)),
    st.builds(
        lambda d, a, b: Step(StepKind.RAMP, d, a, b),
        st.integers(1, 25),
        st.sampled_from([0.4, 0.6, 0.8]),
        st.sampled_from([0.4, 0.6, 0.8]),
    ),
)
ACTIONS = ("tick", "again", "pause", "resume", "forward", "back", "up", "down", "extend")
# Mostly riding: a tick action rides 1..12 seconds, so rides reach their countdowns.
action_strategy = st.one_of(
    st.lists(st.just("tick"), min_size=1, max_size=12),
    st.sampled_from(ACTIONS).map(lambda action: [action]),
)


def act(session: RideSession, action: str) -> None:
    if action == "tick":
        session.tick(READING)
    elif action == "pause" and session.state is RideState.RIDING:
        session.pause()
    elif action == "resume" and session.state is RideState.PAUSED:
        session.resume()
    elif action == "forward":
        session.skip_forward()
    elif action == "back":
        session.skip_back()
    elif action == "up":
        session.nudge_intensity(+5)
    elif action == "down":
        session.nudge_intensity(-5)
    elif action == "extend":
        session.extend_interval(7)


@settings(max_examples=300, deadline=None)
@given(
    steps=st.lists(step_strategy, min_size=1, max_size=6),
    runs=st.lists(action_strategy, max_size=40),
)
def test_never_more_than_one_tick_a_second_nor_two_goes_an_interval(
    steps: list[Step], runs: list[list[str]]
) -> None:
    session = RideSession(workout(*steps), ftp_w=FTP, erg=ErgSettings(ramp_in_s=1))
    session.start()
    ride = Ride(session)
    ride.publish()
    for action in (action for run in runs for action in run):
        if session.ended:
            break
        act(session, action)
        ride.publish()
    ride.publish()  # screens publish again after the end (and on any rider action)
    ride.publish()

    ticks_per_second: dict[int, int] = {}
    previous: RideStatus | None = None  # the last riding status
    gone_in_this_interval = False
    done_since_leaving_end = False
    for status, frame in ride.log:
        sound = frame.sound
        if sound is not None:
            assert status.state in (RideState.RIDING, RideState.FINISHED), (status, frame)
        if sound is TICK:
            ticks_per_second[status.elapsed_s] = ticks_per_second.get(status.elapsed_s, 0) + 1
            assert frame.number in (1, 2, 3)
            assert status.interval_left_s is not None and status.interval_left_s <= 3
        if status.state is not RideState.RIDING and sound is not DONE:
            continue
        at_end = status.position_s >= status.duration_s
        if sound is DONE:
            assert at_end and not done_since_leaving_end
            done_since_leaving_end = True
        elif not at_end:
            done_since_leaving_end = False
        changed = previous is None or status.interval_index != previous.interval_index
        if changed:
            gone_in_this_interval = False
        if sound is GO:
            assert previous is not None and previous.interval_index is not None
            assert status.interval_index == previous.interval_index + 1
            assert changed and not gone_in_this_interval
            gone_in_this_interval = True
        previous = status
    assert all(count == 1 for count in ticks_per_second.values()), ticks_per_second
