"""The ride state machine, driven tick by tick with hand-made readings."""

import pytest

from app.core.ports import ControlCommand, TrainerMode, TrainerReading
from app.core.ride.erg import ErgSettings
from app.core.ride.session import RideSession, RideState, RideStateError, status_of
from app.core.workouts.model import RepeatBlock, Step, StepKind, StepRole, Workout

FTP = 200


def steady(duration_s: float, fraction: float, role: StepRole = StepRole.ACTIVE) -> Step:
    return Step(StepKind.STEADY, duration_s, fraction, fraction, role=role)


def workout(*elements) -> Workout:
    return Workout(name="test", elements=tuple(elements))


def reading(power: float = 150.0) -> TrainerReading:
    return TrainerReading(power_w=power, cadence_rpm=90, hr_bpm=130, speed_mps=8.0)


def ride(session: RideSession, seconds: int, power: float = 150.0) -> list:
    return [session.tick(reading(power)) for _ in range(seconds)]


def no_ramp() -> ErgSettings:
    return ErgSettings(ramp_in_s=1)


def test_states_follow_the_lifecycle():
    s = RideSession(workout(steady(60, 0.5)), ftp_w=FTP)
    assert s.state is RideState.READY
    with pytest.raises(RideStateError):
        s.tick(reading())
    s.start()
    s.pause()
    assert s.state is RideState.PAUSED
    s.resume()
    s.finish()
    assert s.state is RideState.FINISHED
    with pytest.raises(RideStateError):
        s.resume()


def test_ride_finishes_by_itself_at_the_end_of_the_workout():
    s = RideSession(workout(steady(5, 0.5), steady(5, 1.0)), ftp_w=FTP)
    s.start()
    ticks = ride(s, 10)
    assert s.state is RideState.FINISHED
    assert [t.sample.elapsed_s for t in ticks] == list(range(10))
    assert [t.sample.target_w for t in ticks] == [100] * 5 + [200] * 5


def test_paused_seconds_are_recorded_but_do_not_advance_the_workout():
    s = RideSession(workout(steady(10, 0.5)), ftp_w=FTP)
    s.start()
    ride(s, 3)
    s.pause()
    paused = ride(s, 4)
    assert all(t.sample.paused and t.sample.target_w is None for t in paused)
    assert s.position_s == 3
    assert s.elapsed_s == 7
    s.resume()
    ride(s, 7)
    assert s.state is RideState.FINISHED
    summary = s.summary()
    assert summary.elapsed_s == 14
    assert summary.moving_s == 10


def test_pause_drops_to_low_resistance_and_resume_ramps_back_in():
    settings = ErgSettings(ramp_in_s=3, paused_resistance_pct=5)
    s = RideSession(workout(steady(60, 1.0)), ftp_w=FTP, erg=settings)
    s.start()
    ride(s, 10, power=200)
    s.pause()
    (tick,) = ride(s, 1)
    assert tick.command == ControlCommand(TrainerMode.RESISTANCE, resistance_pct=5)
    s.resume()
    targets = [t.command.target_w for t in ride(s, 4, power=20) if t.command]
    assert targets[0] < 200
    assert targets == sorted(targets)
    assert targets[-1] == 200


def test_start_ramps_in_and_writes_at_most_once_per_tick_and_only_on_change():
    s = RideSession(workout(steady(30, 1.0)), ftp_w=FTP, erg=ErgSettings(ramp_in_s=3))
    s.start()
    commands = [t.command for t in ride(s, 30, power=0)]
    sent = [c.target_w for c in commands if c is not None]
    assert sent == [133, 167, 200]


def test_big_step_up_is_ramped_but_a_step_down_is_immediate():
    s = RideSession(
        workout(steady(10, 0.5), steady(10, 1.5), steady(10, 0.5)),
        ftp_w=FTP,
        erg=ErgSettings(ramp_in_s=3, big_step_w=50),
    )
    s.start()
    ticks = ride(s, 30, power=100)
    sent = [(t.sample.elapsed_s, t.command.target_w) for t in ticks if t.command]
    assert (10, 167) in sent and (11, 233) in sent and (12, 300) in sent
    assert (20, 100) in sent


def test_lead_sends_the_next_target_early():
    s = RideSession(
        workout(steady(10, 0.5), steady(10, 0.6)),
        ftp_w=FTP,
        erg=ErgSettings(ramp_in_s=1, lead_s=2),
    )
    s.start()
    ticks = ride(s, 20)
    sent = {t.sample.elapsed_s: t.command.target_w for t in ticks if t.command}
    assert sent[8] == 120
    assert ticks[8].sample.target_w == 100  # the recorded target is the real one


def test_intensity_scales_targets_and_is_clamped():
    s = RideSession(workout(steady(60, 1.0)), ftp_w=FTP, erg=no_ramp())
    s.start()
    s.nudge_intensity(+5)
    (tick,) = ride(s, 1)
    assert tick.sample.target_w == 210
    s.set_intensity(10)
    assert s.intensity_pct == 50
    s.set_intensity(400)
    assert s.intensity_pct == 150


def test_free_ride_switches_to_resistance_mode():
    s = RideSession(
        workout(steady(3, 0.5), Step(StepKind.FREE_RIDE, 3), steady(3, 0.5)),
        ftp_w=FTP,
        erg=ErgSettings(ramp_in_s=1, free_ride_resistance_pct=25),
    )
    s.start()
    ticks = ride(s, 9)
    commands = [t.command for t in ticks]
    assert commands[3] == ControlCommand(TrainerMode.RESISTANCE, resistance_pct=25)
    assert commands[4] is None and commands[5] is None
    assert commands[6] == ControlCommand(TrainerMode.ERG, target_w=100)
    assert [t.sample.mode for t in ticks][3:6] == [TrainerMode.RESISTANCE] * 3


def test_skip_forward_and_back():
    s = RideSession(workout(steady(10, 0.5), steady(10, 0.7), steady(10, 0.9)), ftp_w=FTP)
    s.start()
    ride(s, 3)
    s.skip_forward()
    assert s.position_s == 10
    ride(s, 7)
    s.skip_back()  # more than 5 s in: back to the start of this interval
    assert s.position_s == 10
    s.skip_back()  # right at the start: to the previous interval
    assert s.position_s == 0


def test_extend_adds_time_to_the_current_interval_only():
    s = RideSession(workout(steady(10, 0.5), steady(10, 0.9)), ftp_w=FTP)
    s.start()
    ride(s, 5)
    s.extend_interval(30)
    assert s.duration_s == 50
    assert status_of(s).interval_left_s == 35
    ticks = ride(s, 45)
    assert [t.sample.target_w for t in ticks[:35]] == [100] * 35
    assert ticks[35].sample.target_w == 180


def test_repeat_blocks_are_ridden_in_order():
    block = RepeatBlock(3, (steady(2, 1.0), steady(1, 0.5, StepRole.REST)))
    s = RideSession(workout(block), ftp_w=FTP)
    s.start()
    targets = [t.sample.target_w for t in ride(s, 9)]
    assert targets == [200, 200, 100] * 3


def test_dropout_seconds_are_flagged_and_not_invented():
    s = RideSession(workout(steady(10, 0.5)), ftp_w=FTP)
    s.start()
    ride(s, 2, power=100)
    gap = s.tick(None)
    ride(s, 2, power=100)
    assert gap.sample.no_data and gap.sample.power_w is None
    summary = s.summary()
    assert summary.avg_power_w == 100
    assert summary.moving_s == 5


def test_summary_metrics():
    s = RideSession(workout(steady(3600, 1.0)), ftp_w=FTP)
    s.start()
    ride(s, 3600, power=200)
    summary = s.summary()
    assert summary.np_w == pytest.approx(200)
    assert summary.intensity_factor == pytest.approx(1.0)
    assert summary.tss == pytest.approx(100)
    assert summary.work_kj == pytest.approx(720)
    assert summary.distance_m == pytest.approx(8.0 * 3600)
    assert summary.avg_hr_bpm == 130
    assert summary.max_power_w == 200


def test_ramp_targets_interpolate():
    s = RideSession(workout(Step(StepKind.RAMP, 10, 0.5, 1.0)), ftp_w=FTP)
    s.start()
    targets = [t.sample.target_w for t in ride(s, 10)]
    assert targets[0] == 100 and targets[5] == 150 and targets == sorted(targets)


def test_a_resumed_ride_carries_on_where_the_journal_stopped():
    from app.core.ride.session import ResumePoint

    w = workout(steady(20, 0.5), steady(20, 1.0), steady(20, 0.5))
    original = RideSession(w, ftp_w=FTP, erg=ErgSettings(ramp_in_s=3))
    original.start()
    ride(original, 10)
    original.nudge_intensity(+10)
    original.extend_interval(15)  # the first interval now lasts 35 s
    ride(original, 5)
    original.pause()
    ride(original, 2)
    point = original.resume_point()
    assert point == ResumePoint(110, ((0, 15),))

    resumed = RideSession.resumed(w, original.samples, point, ftp_w=FTP,
                                  erg=ErgSettings(ramp_in_s=3))  # fmt: skip
    assert resumed.state is RideState.RIDING
    assert (resumed.elapsed_s, resumed.position_s) == (17, 15)
    ticks = ride(resumed, 60, power=20)
    assert [t.sample.elapsed_s for t in ticks[:3]] == [17, 18, 19]
    assert ticks[0].sample.target_w == 110  # 50 % at 110 % intensity
    first_targets = [t.command.target_w for t in ticks[:3] if t.command]
    assert first_targets[0] < 110 and first_targets[-1] == 110  # ramped back in
    assert ticks[20].sample.target_w == 220  # the extended interval ended at 35 s
    assert resumed.state is RideState.FINISHED
    summary = resumed.summary()
    assert (summary.elapsed_s, summary.moving_s) == (77, 75)


def test_resuming_a_ride_that_had_reached_its_end_finishes_it():
    s = RideSession(workout(steady(5, 0.5)), ftp_w=FTP)
    s.start()
    ride(s, 5)
    resumed = RideSession.resumed(s.workout, s.samples, s.resume_point(), ftp_w=FTP)
    assert resumed.state is RideState.FINISHED
    assert resumed.summary().moving_s == 5


def test_collapsing_cadence_drops_erg_to_light_resistance_and_ramps_back_in():
    settings = ErgSettings(
        ramp_in_s=3,
        cadence_guard_rpm=50,
        cadence_guard_s=3,
        cadence_recover_rpm=60,
        cadence_recover_s=2,
        guard_resistance_pct=10,
    )
    s = RideSession(workout(steady(120, 1.0)), ftp_w=FTP, erg=settings)
    s.start()
    ride(s, 10, power=200)

    def at(cadence: float):
        return s.tick(TrainerReading(power_w=150, cadence_rpm=cadence, hr_bpm=150, speed_mps=7))

    assert [at(45).command for _ in range(2)] == [None, None]  # two slow seconds: still ERG
    assert at(40).command == ControlCommand(TrainerMode.RESISTANCE, resistance_pct=10)
    assert [at(55).command for _ in range(3)] == [None] * 3  # not yet recovered
    assert at(70).command is None
    back = at(75).command
    assert back.mode is TrainerMode.ERG and back.target_w < 200  # ramping back in
    sent = [c.target_w for c in (at(85).command for _ in range(3)) if c]
    assert sent == sorted(sent) and sent[-1] == 200


def test_the_cadence_guard_can_be_turned_off():
    s = RideSession(workout(steady(60, 1.0)), ftp_w=FTP,
                    erg=ErgSettings(ramp_in_s=1, cadence_guard_rpm=None))  # fmt: skip
    s.start()
    ticks = [s.tick(TrainerReading(power_w=100, cadence_rpm=20)) for _ in range(10)]
    assert all(t.sample.mode is TrainerMode.ERG for t in ticks)


def test_auto_pause_stops_the_workout_clock_when_pedalling_stops_and_resumes_on_pedalling():
    s = RideSession(workout(steady(300, 0.5)), ftp_w=FTP,
                    erg=ErgSettings(auto_pause=True, auto_pause_after_s=3))  # fmt: skip
    s.start()
    ride(s, 10)
    stopped = TrainerReading(power_w=0, cadence_rpm=0, hr_bpm=120, speed_mps=0)
    ticks = [s.tick(stopped) for _ in range(6)]
    assert s.state is RideState.PAUSED and s.auto_paused
    assert [t.sample.paused for t in ticks] == [False, False, True, True, True, True]
    assert s.position_s == 12  # the two stopped seconds before the pause still counted
    assert status_of(s).auto_paused
    s.tick(None)  # a dropout is not pedalling again
    assert s.state is RideState.PAUSED
    s.tick(TrainerReading(power_w=80, cadence_rpm=70))
    assert s.state is RideState.RIDING and not s.auto_paused


def test_auto_pause_is_off_unless_asked_for_and_a_manual_pause_is_not_auto_resumed():
    s = RideSession(workout(steady(300, 0.5)), ftp_w=FTP)
    s.start()
    [s.tick(TrainerReading(power_w=0, cadence_rpm=0)) for _ in range(10)]
    assert s.state is RideState.RIDING
    s2 = RideSession(workout(steady(300, 0.5)), ftp_w=FTP, erg=ErgSettings(auto_pause=True))
    s2.start()
    s2.pause()
    s2.tick(TrainerReading(power_w=150, cadence_rpm=90))
    assert s2.state is RideState.PAUSED  # the rider paused: only the rider resumes


def test_text_cues_show_for_their_duration_at_their_offset():
    from app.core.workouts.model import Cue

    step = Step(StepKind.STEADY, 60, 0.5, 0.5, cues=(Cue(10, "Spin up", 5),))
    w = Workout("cues", (steady(30, 0.5), step), cues=(Cue(2, "Welcome", 3),))
    s = RideSession(w, ftp_w=FTP)
    s.start()
    cues = []
    for _ in range(50):
        cues.append(status_of(s).cue)
        s.tick(reading())
    assert cues[2:5] == ["Welcome"] * 3 and cues[1] is None and cues[5] is None
    assert cues[40:45] == ["Spin up"] * 5 and cues[39] is None and cues[45] is None
