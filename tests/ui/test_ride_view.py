"""The ride screen driven by a real ride: device loop, ride controller, simulated trainer.

Waits are on signals (qtbot.waitSignal / waitUntil), never on sleeps.
"""

from __future__ import annotations

import math

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app.core.ports import TrainerMode
from app.core.ride.session import RideState
from app.ui import display


def start(window, name: str):  # type: ignore[no-untyped-def]
    """Select `name` in the library and press Ride; returns the ride view."""
    view = window.library_view
    view.select_row([e.name for e in view.visible_entries()].index(name))
    view.detail.ride_button.click()
    assert window.current_page() is window.ride_view
    return window.ride_view


def wait_sample(qtbot, ride, check=None, timeout=5000):  # type: ignore[no-untyped-def]
    """The next sample (and its status) that passes `check`, after the screen showed it."""
    with qtbot.waitSignal(
        ride.bridge.sample,
        timeout=timeout,
        check_params_cb=(lambda s, st: check(s, st)) if check else None,
    ) as blocker:
        pass
    return blocker.args


def test_ride_starts_and_tiles_follow_the_samples(window, qtbot) -> None:
    ride = start(window, "Sweet Spot 3x12")
    assert ride.title.text() == "Sweet Spot 3x12"
    assert window.nav_ride.isChecked()
    assert window.library_view.detail.ride_button.text().startswith("Back to ride")

    sample, status = wait_sample(qtbot, ride, lambda s, st: s.elapsed_s >= 5)
    assert not sample.no_data
    # the power tile shows the 3 s average (the default smoothing)
    assert ride.tiles.value_of("power") == str(round(ride.figures.power_3s_w))
    assert ride.tiles.tile_for("power").title() == "Power · 3 s"
    assert ride.tiles.value_of("hr") == str(round(sample.hr_bpm))
    assert ride.tiles.value_of("cadence") == str(round(sample.cadence_rpm))
    assert ride.tiles.value_of("target") == str(status.target_w)
    assert ride.tiles.value_of("elapsed") == display.h_mm_ss(status.elapsed_s)
    assert ride.tiles.value_of("interval_left") == display.m_ss(status.interval_left_s)
    assert ride.tiles.tile_for("interval_left").caption() == "interval 1 of 8"
    assert ride.tiles.value_of("intensity") == "100"
    # warm-up ramp 50 % → 75 % of 250 W: the target is in between
    assert 125 <= status.target_w <= 190
    assert ride.chart.point_count() >= 5


def test_space_pauses_and_resumes(window, qtbot) -> None:
    ride = start(window, "Sweet Spot 3x12")
    wait_sample(qtbot, ride)
    assert ride.hasFocus() or ride.isAncestorOf(window.focusWidget())

    with qtbot.waitSignal(
        ride.bridge.status, check_params_cb=lambda st: st.state is RideState.PAUSED
    ):
        qtbot.keyClick(ride, Qt.Key.Key_Space)
    assert ride.state_chip.text() == "PAUSED"
    assert ride.pause_button.text().startswith("Resume")
    position = ride.last_status.position_s
    sample, status = wait_sample(qtbot, ride)
    assert sample.paused and status.position_s == position  # the workout stands still

    with qtbot.waitSignal(
        ride.bridge.status, check_params_cb=lambda st: st.state is RideState.RIDING
    ):
        qtbot.keyClick(ride, Qt.Key.Key_Space)
    assert ride.state_chip.text() == "RIDING"
    assert ride.pause_button.text().startswith("Pause")
    wait_sample(qtbot, ride, lambda s, st: st.position_s > position)


def test_arrow_keys_change_intensity_one_percent_at_a_time(window, qtbot) -> None:
    ride = start(window, "Endurance Hour")
    wait_sample(qtbot, ride)
    with qtbot.waitSignal(ride.bridge.status, check_params_cb=lambda st: st.intensity_pct == 102):
        qtbot.keyClick(ride, Qt.Key.Key_Up)
        qtbot.keyClick(ride, Qt.Key.Key_Up)
    assert ride.tiles.value_of("intensity") == "102"
    with qtbot.waitSignal(ride.bridge.status, check_params_cb=lambda st: st.intensity_pct == 101):
        qtbot.keyClick(ride, Qt.Key.Key_Down)
    assert ride.tiles.value_of("intensity") == "101"
    # the target follows the intensity
    _, status = wait_sample(qtbot, ride)
    assert status.intensity_pct == 101


def test_mode_keys_switch_the_trainer_and_arrows_follow_the_mode(window, rig, qtbot) -> None:
    ride = start(window, "Endurance Hour")
    wait_sample(qtbot, ride)
    assert ride.mode_buttons[TrainerMode.ERG].isChecked()
    with qtbot.waitSignal(
        ride.bridge.status, check_params_cb=lambda st: st.control_mode is TrainerMode.RESISTANCE
    ):
        qtbot.keyClick(ride, Qt.Key.Key_R)
    assert ride.mode_buttons[TrainerMode.RESISTANCE].isChecked()
    with qtbot.waitSignal(ride.bridge.status, check_params_cb=lambda st: st.level_pct == 35):
        qtbot.keyClick(ride, Qt.Key.Key_Up)
    assert ride.mode_buttons[TrainerMode.RESISTANCE].text() == "LEVEL 35 % · R"
    assert ride.minus_button.text().startswith("Level −5")
    assert (ride.tiles.tile_for("intensity").title(), ride.tiles.value_of("intensity")) == (
        "Level",
        "35",
    )
    # the trainer gets the level on the next tick; the samples say which mode was ridden
    wait_sample(qtbot, ride, lambda s, st: s.mode is TrainerMode.RESISTANCE)
    qtbot.waitUntil(lambda: rig.trainer.physics.resistance_pct == 35)
    with qtbot.waitSignal(
        ride.bridge.status, check_params_cb=lambda st: st.control_mode is TrainerMode.SIMULATION
    ):
        qtbot.keyClick(ride, Qt.Key.Key_S)
    with qtbot.waitSignal(ride.bridge.status, check_params_cb=lambda st: st.grade_pct == -0.5):
        qtbot.keyClick(ride, Qt.Key.Key_Down)
    assert ride.mode_buttons[TrainerMode.SIMULATION].text() == "SIM -0.5 % · S"
    assert ride.mode_buttons[TrainerMode.RESISTANCE].text() == "LEVEL · R"
    with qtbot.waitSignal(
        ride.bridge.status, check_params_cb=lambda st: st.control_mode is TrainerMode.ERG
    ):
        qtbot.keyClick(ride, Qt.Key.Key_E)
    assert (
        ride.tiles.tile_for("intensity").title() == "Intensity"
        and ride.tiles.value_of("intensity") == "100"
    )


def test_l_starts_a_lap_that_the_screen_times(window, qtbot) -> None:
    ride = start(window, "Endurance Hour")
    assert ride.lap_label.text() == ""
    wait_sample(qtbot, ride, lambda s, st: s.elapsed_s >= 2)
    with qtbot.waitSignal(ride.bridge.status, check_params_cb=lambda st: st.lap_number == 2):
        qtbot.keyClick(ride, Qt.Key.Key_L)
    _, status = wait_sample(qtbot, ride, lambda s, st: st.elapsed_s >= st.lap_started_s + 2)
    assert (
        ride.lap_label.text() == f"Lap 2 · {display.m_ss(status.elapsed_s - status.lap_started_s)}"
    )
    assert status.resume.laps == (status.lap_started_s,)


def test_skip_keys_move_between_intervals(window, qtbot) -> None:
    ride = start(window, "VO2 Max 5x3")
    wait_sample(qtbot, ride)
    # paused, so the workout position cannot run on between the keys (skipping back more
    # than 5 s into an interval restarts it instead of going to the one before)
    with qtbot.waitSignal(
        ride.bridge.status, check_params_cb=lambda st: st.state is RideState.PAUSED
    ):
        qtbot.keyClick(ride, Qt.Key.Key_Space)
    with qtbot.waitSignal(ride.bridge.status, check_params_cb=lambda st: st.interval_index == 1):
        qtbot.keyClick(ride, Qt.Key.Key_N)
    assert ride.tiles.tile_for("interval_left").caption() == "interval 2 of 12"
    assert ride.tiles.value_of("target") == "300"  # 120 % of 250 W
    with qtbot.waitSignal(ride.bridge.status, check_params_cb=lambda st: st.interval_index == 0):
        qtbot.keyClick(ride, Qt.Key.Key_P)
    assert ride.tiles.tile_for("interval_left").caption() == "interval 1 of 12"


def test_buttons_steer_the_ride_too(window, qtbot) -> None:
    ride = start(window, "Endurance Hour")
    wait_sample(qtbot, ride)
    with qtbot.waitSignal(ride.bridge.status, check_params_cb=lambda st: st.intensity_pct == 99):
        qtbot.mouseClick(ride.minus_button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(
        ride.bridge.status, check_params_cb=lambda st: st.state is RideState.PAUSED
    ):
        ride.pause_button.setFocus()
        qtbot.keyClick(ride.pause_button, Qt.Key.Key_Return)  # keyboard-activated button


def test_finish_shows_the_summary_of_the_ride(fast_window, qtbot) -> None:
    window = fast_window
    ride = window.ride_view  # built before the ride, so the finish cannot be missed
    with qtbot.waitSignal(ride.ride_finished, timeout=10_000) as blocker:
        start(window, "Quick Spin")
    summary = blocker.args[0]
    assert summary is not None
    assert summary.elapsed_s == 120 and summary.moving_s == 120
    assert window.current_page() is window.summary_view

    shown = window.summary_view.values()
    assert shown["duration"] == "0:02:00"
    assert shown["avg_power"] == str(round(summary.avg_power_w))
    assert shown["np"] == str(round(summary.np_w))
    assert shown["max_power"] == str(round(summary.max_power_w))
    assert shown["intensity_factor"] == f"{summary.intensity_factor:.2f}"
    assert shown["tss"] == str(round(summary.tss))
    assert shown["work"] == str(round(summary.work_kj))
    assert shown["avg_hr"] == str(round(summary.avg_hr_bpm))
    assert shown["avg_cadence"] == str(round(summary.avg_cadence_rpm))
    assert shown["distance"] == f"{summary.distance_m / 1000:.2f}"
    assert summary.distance_m > 0 and summary.avg_power_w > 0
    assert "Quick Spin" in window.summary_view.subtitle.text()
    assert window.summary_view.chart.point_count() == 120
    # time in zone: 1 min at 60 % of FTP (Z2), 1 min at 80 % (Z3), every second with power
    zones = window.summary_view.zone_bars
    assert window.summary_view.zone_card.isVisible()
    assert zones.zone_times() == summary.zone_s and sum(summary.zone_s) == 120
    assert summary.zone_s[1] >= 50 and summary.zone_s[2] >= 50
    z3 = zones.values()[2]
    assert (z3.zone, z3.time) == ("Z3 Tempo", display.m_ss(summary.zone_s[2]))
    assert zones.rows[2].accessibleName() == f"Zone 3 Tempo: {z3.time}, {z3.percent}"
    assert not window.ride_active

    window.summary_view.back_button.click()
    assert window.current_page() is window.library_view
    assert window.library_view.detail.ride_button.text().startswith("Ride")


def test_finish_button_ends_the_ride_early(window, qtbot) -> None:
    ride = start(window, "Endurance Hour")
    wait_sample(qtbot, ride, lambda s, st: s.elapsed_s >= 3)
    with qtbot.waitSignal(ride.ride_finished) as blocker:
        ride.finish_button.click()
    summary = blocker.args[0]
    assert summary is not None and summary.elapsed_s >= 4
    assert window.current_page() is window.summary_view
    assert window.summary_view.values()["duration"] == display.h_mm_ss(summary.elapsed_s)


def test_discard_asks_inline_then_returns_to_the_library(window, qtbot) -> None:
    ride = start(window, "Sweet Spot 3x12")
    wait_sample(qtbot, ride)
    ride.discard_button.click()
    assert ride.confirm_bar.isVisible()
    wait_sample(qtbot, ride)  # the ride goes on while the question is shown

    ride.keep_button.click()  # changed my mind
    assert not ride.confirm_bar.isVisible()
    assert window.ride_active

    ride.discard_button.click()
    with qtbot.waitSignal(ride.ride_finished) as blocker:
        ride.confirm_discard_button.click()
    assert blocker.args[0] is None
    assert window.current_page() is window.library_view
    assert not window.ride_active
    assert window.statusBar().currentMessage() == "Ride discarded"


def test_trainer_message_is_a_banner_and_dropouts_show_dashes(window, rig, qtbot) -> None:
    rig.trainer.drop_out()  # connect fails: the ride goes on without data
    ride = start(window, "Endurance Hour")
    # first "Could not connect ...", then the first failed command: the newest shows
    qtbot.waitUntil(lambda: "did not take the command" in ride.banner_label.text())
    assert ride.banner.isVisible()
    assert rig.trainer.name in ride.banner_label.text()
    assert window.current_page() is ride  # no dialog took over

    sample, status = wait_sample(qtbot, ride)
    assert sample.no_data
    for tile in (ride.tiles.tile_for(k) for k in ("power", "hr", "cadence")):
        assert tile.value() == "—"
    assert ride.tiles.value_of("target") == str(status.target_w)  # targets still show

    ride.hide_banner()
    assert not ride.banner.isVisible()


def test_free_ride_has_no_target(window, qtbot) -> None:
    ride = start(window, "Free Spin 20")
    _, status = wait_sample(qtbot, ride)
    assert status.target_w is None
    assert ride.tiles.value_of("target") == "—"


def test_starting_while_riding_goes_back_to_the_ride(window, qtbot) -> None:
    ride = start(window, "Endurance Hour")
    wait_sample(qtbot, ride)
    window.show_library()
    first = ride.handle
    window.library_view.detail.ride_button.click()
    assert window.current_page() is ride
    assert ride.handle is first  # no second ride


@pytest.mark.parametrize("seconds, text", [(0, "0:00"), (59.2, "1:00"), (245, "4:05")])
def test_interval_time_is_m_ss(seconds, text) -> None:
    assert display.m_ss(seconds) == text
    assert display.m_ss(None) == "—"
    assert display.whole(math.nan) == "—"


def test_an_hour_long_ride_runs_to_its_summary(fast_window, qtbot) -> None:
    """3600 samples through the screen and the chart: no slowdown, no crash (see
    test_widgets' reference-count test), and the chart holds every second."""
    window = fast_window
    ride = window.ride_view
    with qtbot.waitSignal(ride.ride_finished, timeout=60_000) as blocker:
        start(window, "Endurance Hour")
    summary = blocker.args[0]
    assert summary.elapsed_s == 3600
    assert window.summary_view.values()["duration"] == "1:00:00"
    assert window.summary_view.chart.point_count() == 3600


def test_closing_the_window_mid_ride_finishes_and_keeps_the_ride(window, qtbot) -> None:
    ride = start(window, "Endurance Hour")
    wait_sample(qtbot, ride, lambda s, st: s.elapsed_s >= 2)
    handle = ride.handle
    window.close()
    summary = handle.done.result(timeout=5)
    assert summary is not None and summary.elapsed_s >= 3  # finished, not discarded


def test_device_indicators_show_a_dropout_on_the_ride_screen(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    from types import SimpleNamespace

    states = {"trainer": SimpleNamespace(state="connected"), "hr": SimpleNamespace(state="lost")}
    view = window.ride_view
    window.pages.setCurrentWidget(view)
    view.set_devices_source(lambda: states)
    qtbot.waitUntil(lambda: "HR lost — reconnecting" in view.devices_label.text())
    assert "● Trainer" in view.devices_label.text()
    states["hr"] = SimpleNamespace(state="connected")
    view.refresh_devices()
    assert "lost" not in view.devices_label.text()
    view.set_devices_source(None)
    assert view.devices_label.isHidden()


def test_workout_cues_and_auto_pause_show_on_the_ride_screen(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    from dataclasses import replace as copy

    from app.core.ride.session import RideState

    view = window.ride_view
    window.pages.setCurrentWidget(view)
    base = view.last_status
    if base is None:
        from app.core.ride.session import ResumePoint, RideStatus

        base = RideStatus(RideState.RIDING, 0, 0.0, 60.0, 100, 0, 60.0, 100, None, ResumePoint())
    view._apply_status(copy(base, cue="Spin it up", state=RideState.RIDING))
    assert view.cue_label.text() == "Spin it up" and not view.cue_label.isHidden()
    view._apply_status(copy(base, cue=None, state=RideState.PAUSED, auto_paused=True))
    assert view.cue_label.isHidden()
    assert view.state_chip.text().startswith("AUTO-PAUSED")


def test_messages_share_one_slot_so_the_tiles_never_move(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    ride = start(window, "Endurance Hour")
    wait_sample(qtbot, ride)
    top = ride.tiles.geometry()
    ride.show_banner("Trainer did not take the command")
    ride.ask_discard()
    qtbot.waitUntil(lambda: ride.confirm_bar.isVisible() and ride.banner.isVisible())
    assert ride.cue_label.isHidden() and ride.countdown.isHidden()
    ride.cue_label.setText("A cue from the workout")
    ride.cancel_discard()
    ride.hide_banner()
    assert not ride.cue_label.isHidden()  # back once nothing more urgent shows
    QApplication.processEvents()
    assert ride.tiles.geometry() == top
