"""Trainer modes the rider picks (E/R/S) and manual laps (L), on the pure session."""

from hypothesis import given
from hypothesis import strategies as st

from app.core.ports import ControlCommand, TrainerMode, TrainerReading
from app.core.ride.erg import ErgSettings
from app.core.ride.session import (
    GRADE_MAX_PCT,
    GRADE_MIN_PCT,
    LEVEL_MAX_PCT,
    LEVEL_MIN_PCT,
    ResumePoint,
    RideSession,
    status_of,
)
from app.core.workouts.model import Step, StepKind, Workout

FTP = 200
WORKOUT = Workout(
    "modes", (Step(StepKind.STEADY, 60, 0.5, 0.5), Step(StepKind.STEADY, 60, 1.0, 1.0))
)


def pedalling(power: float = 150.0) -> TrainerReading:
    return TrainerReading(power_w=power, cadence_rpm=90, hr_bpm=130, speed_mps=8.0)


def started(**kwargs) -> RideSession:
    session = RideSession(WORKOUT, ftp_w=FTP, erg=ErgSettings(ramp_in_s=1), **kwargs)
    session.start()
    return session


def commands(session: RideSession, seconds: int) -> list[ControlCommand]:
    out = []
    for _ in range(seconds):
        tick = session.tick(pedalling())
        if tick.command is not None:
            out.append(tick.command)
    return out


def test_resistance_mode_sends_the_level_once_and_arrows_move_it_in_5_pct_steps():
    session = started()
    assert commands(session, 2)[-1].mode is TrainerMode.ERG
    session.set_control_mode(TrainerMode.RESISTANCE)
    assert commands(session, 3) == [ControlCommand(TrainerMode.RESISTANCE, resistance_pct=30.0)]
    session.nudge(+2)
    assert commands(session, 2) == [ControlCommand(TrainerMode.RESISTANCE, resistance_pct=40.0)]
    assert session.intensity_pct == 100  # arrows no longer touch ERG intensity


def test_simulation_mode_sends_the_grade_and_arrows_move_it_in_half_percent_steps():
    session = started()
    session.set_control_mode(TrainerMode.SIMULATION)
    session.nudge(+3)
    assert commands(session, 3) == [ControlCommand(TrainerMode.SIMULATION, grade_pct=1.5)]
    session.nudge(-5)
    assert commands(session, 1) == [ControlCommand(TrainerMode.SIMULATION, grade_pct=-1.0)]


def test_the_workout_target_is_still_recorded_outside_erg_and_samples_carry_the_mode():
    session = started()
    session.set_control_mode(TrainerMode.RESISTANCE)
    sample = session.tick(pedalling()).sample
    assert sample.mode is TrainerMode.RESISTANCE
    assert sample.target_w == 100  # the rider rides to the target by feel


def test_back_to_erg_ramps_the_target_in_from_what_the_rider_makes():
    session = RideSession(WORKOUT, ftp_w=FTP, erg=ErgSettings(ramp_in_s=3))
    session.start()
    session.set_control_mode(TrainerMode.RESISTANCE)
    commands(session, 65)  # into the 200 W interval, riding 150 W by feel
    session.set_control_mode(TrainerMode.ERG)
    sent = [c.target_w for c in commands(session, 4)]
    assert sent == [167, 183, 200]


def test_pausing_in_any_mode_drops_to_the_light_paused_level():
    session = started()
    session.set_control_mode(TrainerMode.SIMULATION)
    commands(session, 2)
    session.pause()
    (paused,) = commands(session, 2)
    assert paused == ControlCommand(TrainerMode.RESISTANCE, resistance_pct=5.0)
    session.resume()
    assert commands(session, 1) == [ControlCommand(TrainerMode.SIMULATION, grade_pct=0.0)]


@given(st.lists(st.integers(-30, 30), max_size=20))
def test_level_and_grade_stay_in_their_ranges(steps):
    session = started()
    for mode in (TrainerMode.RESISTANCE, TrainerMode.SIMULATION):
        session.set_control_mode(mode)
        for step in steps:
            session.nudge(step)
    assert LEVEL_MIN_PCT <= session.level_pct <= LEVEL_MAX_PCT
    assert GRADE_MIN_PCT <= session.grade_pct <= GRADE_MAX_PCT


def test_laps_start_at_the_next_second_and_a_double_press_is_one_lap():
    session = started()
    assert session.lap() is None  # nothing ridden yet
    commands(session, 10)
    assert session.lap() == 10
    assert session.lap() is None
    commands(session, 5)
    assert session.lap() == 15
    status = status_of(session)
    assert (status.lap_number, status.lap_started_s) == (3, 15)
    assert session.resume_point().laps == (10, 15)


def test_a_resumed_ride_keeps_its_laps_mode_level_and_grade():
    session = started()
    commands(session, 20)
    session.lap()
    session.set_control_mode(TrainerMode.SIMULATION)
    session.nudge(4)
    point = session.resume_point()
    assert point == ResumePoint(100, (), (20,), TrainerMode.SIMULATION, 30.0, 2.0)
    again = RideSession.resumed(WORKOUT, session.samples, point, ftp_w=FTP)
    assert again.laps == [20] and again.control_mode is TrainerMode.SIMULATION
    assert again.grade_pct == 2.0
    assert again.tick(pedalling()).command == ControlCommand(TrainerMode.SIMULATION, grade_pct=2.0)
