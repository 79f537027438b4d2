"""The settings screen and the first-run welcome, on a fake settings port.

Typing goes through qtbot.keyClicks (so the fields' validators and signals run as for a
rider); nothing sleeps: signals are awaited with waitSignal or checked right away.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QComboBox, QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from app.core.settings import ErgPreferences, FtpChange, RiderSettings
from app.ui.views.settings import SettingsView
from app.ui.views.welcome_view import WelcomeView


def click(widget: QWidget) -> None:
    QTest.mouseClick(widget, Qt.MouseButton.LeftButton)


class FakeSettingsPort:
    def __init__(
        self,
        settings: RiderSettings | None = None,
        problems: list[str] | None = None,
        *,
        server_url: str | None = None,
        keyring_state: str = "OS keyring",
    ) -> None:
        self.settings = settings or RiderSettings(ftp_w=250, weight_kg=72.5)
        self.problems = problems or []
        self.saved: list[RiderSettings] = []
        self.url_calls: list[tuple[str | None, str | None]] = []
        self.save_error: OSError | None = None
        self.data_folder = Path("/home/rider/.local/share/freewheel")
        self.keyring_state = keyring_state
        self.server_url = server_url
        self.status_page_url: str | None = None

    def load(self) -> tuple[RiderSettings, list[str]]:
        return self.settings, list(self.problems)

    def save(self, settings: RiderSettings) -> None:
        if self.save_error is not None:
            raise self.save_error
        self.saved.append(settings)
        self.settings = settings

    def set_urls(self, server_url: str | None, status_page_url: str | None) -> None:
        self.url_calls.append((server_url, status_page_url))
        self.server_url, self.status_page_url = server_url, status_page_url


class Today:
    def __init__(self, day: date) -> None:
        self.day = day

    def __call__(self) -> date:
        return self.day


@pytest.fixture
def port() -> FakeSettingsPort:
    return FakeSettingsPort()


@pytest.fixture
def today() -> Today:
    return Today(date(2025, 4, 7))


@pytest.fixture
def view(qtbot: QtBot, port: FakeSettingsPort, today: Today) -> SettingsView:
    widget = SettingsView(port, today=today)
    qtbot.addWidget(widget)
    widget.resize(1280, 800)
    return widget


def type_into(qtbot: QtBot, field: QLineEdit, text: str) -> None:
    field.selectAll()
    QTest.keyClick(field, Qt.Key.Key_Backspace)
    QTest.keyClicks(field, text)


# --- validation ------------------------------------------------------------------------------


def test_an_out_of_range_ftp_is_explained_under_the_field_and_nothing_is_saved(
    qtbot: QtBot, view: SettingsView, port: FakeSettingsPort
) -> None:
    type_into(qtbot, view.ftp_field, "720")
    with qtbot.assertNotEmitted(view.settings_changed):
        click(view.apply_button)

    assert view.visible_errors() == {"ftp_w": "FTP: must be between 50 and 700"}
    assert not view.errors["ftp_w"].isHidden()
    assert view.ftp_field.property("invalid") is True
    assert view.ftp_field.accessibleDescription() == "FTP: must be between 50 and 700"
    assert port.saved == []
    assert view.notice.kind == "error"
    assert view.notice.text.text() == "Nothing was saved — fix the value marked below."
    assert view.settings.ftp_w == 250  # the saved state is untouched

    # typing in the field clears its problem
    type_into(qtbot, view.ftp_field, "260")
    assert view.visible_errors() == {}
    assert view.ftp_field.property("invalid") is False


@pytest.mark.parametrize(
    "field, text, key, message",
    [
        ("ftp_field", "", "ftp_w", "FTP: enter a number between 50 and 700"),
        ("ftp_field", "20", "ftp_w", "FTP: must be between 50 and 700"),
        ("weight_field", "300", "weight_kg", "Weight: must be between 25 and 250"),
        ("ramp_in_field", "45", "erg.ramp_in_s", "ERG ramp-in: must be between 0 and 30"),
        ("lead_field", "8", "erg.lead_s", "ERG lead: must be between 0 and 5"),
        (
            "cadence_guard_field",
            "10",
            "erg.cadence_guard_rpm",
            "Cadence guard: must be between 20 and 100",
        ),
        (
            "min_target_field",
            "600",
            "erg.min_target_w",
            "Lowest ERG target: must be between 0 and 500",
        ),
        (
            "max_target_field",
            "50",
            "erg.max_target_w",
            "Highest ERG target: must be between 100 and 3000",
        ),
    ],
)
def test_each_out_of_range_value_gets_its_own_plain_message(
    qtbot: QtBot,
    view: SettingsView,
    port: FakeSettingsPort,
    field: str,
    text: str,
    key: str,
    message: str,
) -> None:
    type_into(qtbot, getattr(view, field), text)
    assert view.apply() is False
    assert view.visible_errors() == {key: message}
    assert port.saved == []


def test_several_problems_are_all_shown_and_the_first_bad_field_gets_the_focus(
    qtbot: QtBot, view: SettingsView, port: FakeSettingsPort
) -> None:
    view.show()
    qtbot.waitExposed(view)
    type_into(qtbot, view.lead_field, "9")
    type_into(qtbot, view.max_target_field, "5000")
    assert view.apply() is False
    assert set(view.visible_errors()) == {"erg.lead_s", "erg.max_target_w"}
    assert view.notice.text.text() == "Nothing was saved — fix the 2 values marked below."
    qtbot.waitUntil(view.lead_field.hasFocus)
    assert port.saved == []


def test_the_lowest_erg_target_must_stay_below_the_highest(
    qtbot: QtBot, view: SettingsView, port: FakeSettingsPort
) -> None:
    type_into(qtbot, view.min_target_field, "400")
    type_into(qtbot, view.max_target_field, "300")
    assert view.apply() is False
    assert view.visible_errors() == {
        "erg.max_target_w": "Highest ERG target: must be above the lowest target (400 W)"
    }
    assert port.saved == []


def test_a_bad_sync_address_is_explained_and_nothing_is_saved(
    qtbot: QtBot, view: SettingsView, port: FakeSettingsPort
) -> None:
    type_into(qtbot, view.server_url_field, "sync.example.org")
    assert view.apply() is False
    assert view.visible_errors() == {
        "server_url": "Sync server: enter a full address starting with https://"
    }
    assert port.url_calls == []


# --- applying -------------------------------------------------------------------------------


def test_a_valid_apply_saves_through_the_port_and_emits_the_settings(
    qtbot: QtBot, view: SettingsView, port: FakeSettingsPort, today: Today
) -> None:
    assert not view.apply_button.isEnabled()  # nothing to apply yet
    type_into(qtbot, view.ftp_field, "265")
    type_into(qtbot, view.weight_field, "70,5")
    type_into(qtbot, view.ramp_in_field, "5")
    click(view.auto_pause_check)
    click(view.smoothing.buttons[10])
    assert view.is_dirty() and view.apply_button.isEnabled()

    with qtbot.waitSignal(view.settings_changed) as emitted:
        click(view.apply_button)

    saved = emitted.args[0]
    assert port.saved == [saved]
    assert saved.ftp_w == 265
    assert saved.weight_kg == 70.5
    assert saved.erg.ramp_in_s == 5
    assert saved.auto_pause is False
    assert saved.power_smoothing_s == 10
    assert saved.ftp_history == (FtpChange(on=today.day, ftp_w=265),)
    assert view.settings == saved
    assert view.notice.kind == "success"
    assert not view.is_dirty() and not view.apply_button.isEnabled()


def test_return_in_a_field_applies(
    qtbot: QtBot, view: SettingsView, port: FakeSettingsPort
) -> None:
    type_into(qtbot, view.lead_field, "2")
    with qtbot.waitSignal(view.settings_changed):
        QTest.keyClick(view.lead_field, Qt.Key.Key_Return)
    assert port.saved[-1].erg.lead_s == 2


def test_the_ftp_history_grows_with_each_new_ftp(
    qtbot: QtBot, view: SettingsView, port: FakeSettingsPort, today: Today
) -> None:
    assert view.history_entries() == []
    type_into(qtbot, view.ftp_field, "255")
    assert view.apply()
    today.day = date(2025, 5, 12)
    type_into(qtbot, view.ftp_field, "262")
    assert view.apply()
    assert view.history_entries() == [(date(2025, 5, 12), 262), (date(2025, 4, 7), 255)]
    assert "262 W" in view.history.text() and "255 W" in view.history.text()
    assert "+7" in view.history.text()

    # a second change on the same day replaces that day's entry
    type_into(qtbot, view.ftp_field, "264")
    assert view.apply()
    assert view.history_entries() == [(date(2025, 5, 12), 264), (date(2025, 4, 7), 255)]

    # changing something else does not touch the history
    type_into(qtbot, view.lead_field, "1")
    assert view.apply()
    assert len(port.saved[-1].ftp_history) == 2


def test_the_zones_table_follows_the_ftp_field(qtbot: QtBot, view: SettingsView) -> None:
    assert view.zones.watts_text(1) == "0–137 W"  # FTP 250
    assert view.zones.watts_text(4) == "226–262 W"
    type_into(qtbot, view.ftp_field, "200")
    assert [view.zones.watts_text(z) for z in range(1, 8)] == [
        "0–109 W",
        "110–150 W",
        "151–180 W",
        "181–210 W",
        "211–240 W",
        "241–300 W",
        "> 300 W",
    ]
    assert view.zones_caption.text() == "At your FTP of 200 W."
    # an FTP out of range leaves the zones where they were and says so
    type_into(qtbot, view.ftp_field, "20")
    assert view.zones.watts_text(2) == "110–150 W"
    assert "valid" in view.zones_caption.text()


def test_a_save_that_fails_keeps_the_edits_and_says_why(
    qtbot: QtBot, view: SettingsView, port: FakeSettingsPort
) -> None:
    port.save_error = OSError(28, "No space left on device")
    type_into(qtbot, view.ftp_field, "270")
    with qtbot.assertNotEmitted(view.settings_changed):
        assert view.apply() is False
    assert view.notice.kind == "error"
    assert view.notice.text.text() == (
        "Could not save your settings: No space left on device. Nothing was changed."
    )
    assert view.ftp_field.text() == "270" and view.is_dirty()
    assert view.settings.ftp_w == 250


def test_sync_addresses_are_stored_through_the_port(
    qtbot: QtBot, view: SettingsView, port: FakeSettingsPort
) -> None:
    type_into(qtbot, view.server_url_field, "https://sync.example.org")
    with (
        qtbot.assertNotEmitted(view.settings_changed),
        qtbot.waitSignal(view.sync_urls_changed) as emitted,
    ):
        assert view.apply()
    assert emitted.args == ["https://sync.example.org", None]
    assert port.url_calls == [("https://sync.example.org", None)]
    assert port.saved == []  # the rider's settings did not change


def test_undo_changes_shows_the_saved_values_again(qtbot: QtBot, view: SettingsView) -> None:
    type_into(qtbot, view.ftp_field, "999")
    assert view.apply() is False
    click(view.revert_button)
    assert view.ftp_field.text() == "250"
    assert view.visible_errors() == {}
    assert not view.is_dirty()


def test_the_cadence_guard_can_be_turned_off(
    qtbot: QtBot, view: SettingsView, port: FakeSettingsPort
) -> None:
    assert view.cadence_guard_check.isChecked() and view.cadence_guard_field.isEnabled()
    click(view.cadence_guard_check)
    assert not view.cadence_guard_field.isEnabled()
    assert view.apply()
    assert port.saved[-1].erg.cadence_guard_rpm is None
    click(view.cadence_guard_check)
    type_into(qtbot, view.cadence_guard_field, "65")
    assert view.apply()
    assert port.saved[-1].erg.cadence_guard_rpm == 65


def test_imperial_units_show_the_weight_in_pounds_and_store_kilograms(
    qtbot: QtBot, view: SettingsView, port: FakeSettingsPort
) -> None:
    click(view.units.buttons["imperial"])
    assert view.weight_field.text() == "159.8"
    assert view.weight_unit.text() == "lb"
    assert view.apply()
    assert port.saved[-1].units == "imperial"
    assert port.saved[-1].weight_kg == 72.5  # no rounding drift through pounds
    type_into(qtbot, view.weight_field, "600")
    assert view.apply() is False
    assert view.visible_errors() == {"weight_kg": "Weight: must be between 56 and 551 lb"}
    type_into(qtbot, view.weight_field, "160")
    assert view.apply()
    assert port.saved[-1].weight_kg == 72.6


def test_problems_in_the_settings_file_are_shown_at_the_top_until_a_good_save(
    qtbot: QtBot, today: Today
) -> None:
    port = FakeSettingsPort(problems=["FTP: must be between 50 and 700"])
    view = SettingsView(port, today=today)
    qtbot.addWidget(view)
    assert not view.load_notice.isHidden()
    assert view.load_notice.kind == "warning"
    assert view.load_notice.text.text() == (
        "Your settings file had a bad value: FTP: must be between 50 and 700; the default is used."
    )
    type_into(qtbot, view.lead_field, "1")
    assert view.apply()
    assert view.load_notice.isHidden()


def test_the_read_only_facts_are_shown(qtbot: QtBot, today: Today) -> None:
    port = FakeSettingsPort(
        server_url="https://sync.example.org", keyring_state="memory only this session"
    )
    view = SettingsView(port, today=today)
    qtbot.addWidget(view)
    assert view.data_folder_label.text() == "/home/rider/.local/share/freewheel"
    assert view.server_url_field.text() == "https://sync.example.org"
    assert "memory for this session only" in view.keyring_label.text()


def test_open_folder_asks_the_desktop_to_open_the_data_folder(
    qtbot: QtBot, view: SettingsView, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[str] = []

    def open_url(url: QUrl) -> bool:
        opened.append(url.toLocalFile())
        return True

    monkeypatch.setattr("app.ui.views.settings.page.QDesktopServices.openUrl", open_url)
    click(view.open_folder_button)
    assert opened == ["/home/rider/.local/share/freewheel"]


def test_every_control_is_named_and_reachable_with_tab(qtbot: QtBot, view: SettingsView) -> None:
    view.show()
    qtbot.waitExposed(view)
    view.activateWindow()
    qtbot.waitUntil(view.isActiveWindow)
    view.ftp_field.setFocus()
    qtbot.waitUntil(view.ftp_field.hasFocus)
    type_into(qtbot, view.ftp_field, "255")  # something to apply: Apply is enabled
    reached: list[QWidget] = []
    for _ in range(len(view._fields)):
        focused = QApplication.focusWidget()
        assert focused is not None
        reached.append(focused)
        QTest.keyClick(focused, Qt.Key.Key_Tab)
    # a choice group is one Tab stop (its checked button), like radio buttons
    unchecked = [
        b
        for group in (view.units, view.smoothing)
        for b in group.buttons.values()
        if not b.isChecked()
    ]
    expected = [f for f in view._fields if f.isEnabled() and f not in unchecked]
    assert reached[: len(expected) + 2] == [*expected, view.revert_button, view.apply_button]

    # ... and the arrow keys choose within it
    assert view.smoothing.buttons[3] in reached
    view.smoothing.buttons[3].setFocus()
    qtbot.waitUntil(view.smoothing.buttons[3].hasFocus)
    QTest.keyClick(view.smoothing.buttons[3], Qt.Key.Key_Right)
    assert view.smoothing.value() == 10 and view.smoothing.buttons[10].hasFocus()
    QTest.keyClick(view.smoothing.buttons[10], Qt.Key.Key_Left)
    QTest.keyClick(view.smoothing.buttons[3], Qt.Key.Key_Left)
    assert view.smoothing.value() == 1
    for widget in [*view._fields, view.revert_button, view.apply_button]:
        assert widget.accessibleName(), widget
    assert view.apply_button.accessibleName() == "Apply settings"


# --- welcome ----------------------------------------------------------------------------------


@pytest.fixture
def welcome(qtbot: QtBot, today: Today) -> WelcomeView:
    widget = WelcomeView(today=today)
    qtbot.addWidget(widget)
    return widget


def test_welcome_start_riding_emits_the_settings_with_the_ftp(
    qtbot: QtBot, welcome: WelcomeView, today: Today
) -> None:
    type_into(qtbot, welcome.ftp_field, "240")
    type_into(qtbot, welcome.weight_field, "68")
    with qtbot.waitSignal(welcome.finished) as emitted:
        click(welcome.start_button)
    settings = emitted.args[0]
    assert settings.first_run_done is True
    assert settings.ftp_w == 240
    assert settings.weight_kg == 68
    assert settings.ftp_history == (FtpChange(on=today.day, ftp_w=240),)


def test_welcome_with_an_empty_ftp_keeps_the_usual_one(qtbot: QtBot, welcome: WelcomeView) -> None:
    with qtbot.waitSignal(welcome.finished) as emitted:
        QTest.keyClick(welcome.ftp_field, Qt.Key.Key_Return)
    settings = emitted.args[0]
    assert settings.ftp_w == RiderSettings().ftp_w
    assert settings.ftp_history == ()
    assert settings.first_run_done is True


def test_welcome_explains_an_out_of_range_ftp_and_does_not_finish(
    qtbot: QtBot, welcome: WelcomeView
) -> None:
    type_into(qtbot, welcome.ftp_field, "900")
    with qtbot.assertNotEmitted(welcome.finished):
        click(welcome.start_button)
    assert welcome.ftp_error.text() == "FTP: must be between 50 and 700"
    assert not welcome.ftp_error.isHidden()


def test_welcome_skip_finishes_with_the_settings_as_they_were(qtbot: QtBot, today: Today) -> None:
    initial = RiderSettings(ftp_w=230, erg=ErgPreferences(lead_s=1))
    welcome = WelcomeView(initial, today=today)
    qtbot.addWidget(welcome)
    type_into(qtbot, welcome.ftp_field, "999")  # skipping ignores what was typed
    with qtbot.waitSignal(welcome.finished) as emitted:
        click(welcome.skip_button)
    assert emitted.args[0] == initial.model_copy(update={"first_run_done": True})


def test_welcome_ramp_test_is_offered_to_riders_who_do_not_know_their_ftp(
    qtbot: QtBot, welcome: WelcomeView
) -> None:
    click(welcome.units.buttons["imperial"])
    type_into(qtbot, welcome.weight_field, "165")
    with (
        qtbot.assertNotEmitted(welcome.finished),
        qtbot.waitSignal(welcome.ramp_test_requested) as emitted,
    ):
        click(welcome.ramp_button)
    settings = emitted.args[0]
    assert settings.first_run_done is True
    assert settings.units == "imperial"
    assert settings.weight_kg == 74.8  # 165 lb
    assert settings.ftp_w == RiderSettings().ftp_w


def test_welcome_says_riding_needs_no_account(welcome: WelcomeView) -> None:
    from PySide6.QtWidgets import QLabel

    text = " ".join(label.text() for label in welcome.account_note.findChildren(QLabel))
    assert "no account needed" in text
    assert "Sign in later from Status" in text


def test_power_match_can_be_turned_off_and_is_saved(
    view: SettingsView, port: FakeSettingsPort
) -> None:
    assert view.power_match_check.isChecked()  # on by default
    view.power_match_check.setChecked(False)
    assert view.is_dirty()
    assert view.apply()
    assert port.saved[-1].erg.power_match is False


# --- ride screen ------------------------------------------------------------------------------

DEFAULT_SLOTS = ("power", "target", "interval_left", "hr", "cadence", "elapsed", "intensity", None)


def pick(combo: QComboBox, text: str) -> None:
    """Choose an entry as a rider does from the keyboard: the arrow keys on the box."""
    index = next(i for i in range(combo.count()) if combo.itemText(i).startswith(text))
    key = Qt.Key.Key_Down if index > combo.currentIndex() else Qt.Key.Key_Up
    for _ in range(combo.count()):
        if combo.currentIndex() == index:
            break
        QTest.keyClick(combo, key)
    assert combo.currentIndex() == index, combo.currentText()


def test_the_ride_screen_section_shows_the_saved_tiles(qtbot: QtBot, today: Today) -> None:
    port = FakeSettingsPort(RiderSettings(ride_tiles=("np", "power", "hr", "cadence")))
    view = SettingsView(port, today=today)
    qtbot.addWidget(view)
    picker = view.tile_picker
    assert picker.slots() == ("np", "power", "hr", "cadence", None, None, None, None)
    assert [c.currentText() for c in picker.combos[:5]] == [
        "Normalized power",
        "Power (smoothed, 3 s)",
        "Heart rate",
        "Cadence",
        "No tile",
    ]
    assert picker.reset_button.isEnabled()
    assert [c.accessibleName() for c in picker.combos] == [
        *(f"Large tile {n}" for n in (1, 2, 3)),
        *(f"Small tile {n}" for n in (1, 2, 3, 4, 5)),
    ]
    # the large tiles are always there: only the small ones offer "No tile"
    assert picker.combos[0].findText("No tile") == -1
    assert picker.combos[3].findText("No tile") == 0


def test_chosen_tiles_are_saved_in_screen_order_without_the_empty_slots(
    qtbot: QtBot, view: SettingsView, port: FakeSettingsPort
) -> None:
    picker = view.tile_picker
    assert picker.slots() == DEFAULT_SLOTS and not picker.reset_button.isEnabled()
    pick(picker.combos[3], "Normalized")
    pick(picker.combos[4], "No tile")
    pick(picker.combos[7], "Lap time")
    assert view.is_dirty() and picker.reset_button.isEnabled()
    with qtbot.waitSignal(view.settings_changed) as emitted:
        click(view.apply_button)
    expected = ("power", "target", "interval_left", "np", "elapsed", "intensity", "lap_time")
    assert emitted.args[0].ride_tiles == expected
    assert port.saved[-1].ride_tiles == expected
    assert not view.is_dirty()


def test_a_figure_on_two_tiles_is_explained_and_nothing_is_saved(
    qtbot: QtBot, view: SettingsView, port: FakeSettingsPort
) -> None:
    view.show()
    qtbot.waitExposed(view)
    picker = view.tile_picker
    pick(picker.combos[5], "Heart")
    assert view.apply() is False
    assert view.visible_errors() == {
        "ride_tiles": "Ride screen tiles: Heart rate is on two tiles — choose something else "
        "for one of them"
    }
    assert port.saved == []
    marked = [c.property("invalid") is True for c in picker.combos]
    assert marked == [False, False, False, True, False, True, False, False]
    qtbot.waitUntil(picker.combos[5].hasFocus)
    # choosing again clears the problem; a valid choice saves
    pick(picker.combos[5], "Remaining")
    assert view.visible_errors() == {}
    assert not any(c.property("invalid") for c in picker.combos)
    assert view.apply()
    assert port.saved[-1].ride_tiles[5] == "remaining"


def test_reset_tiles_to_default(qtbot: QtBot, today: Today) -> None:
    port = FakeSettingsPort(RiderSettings(ride_tiles=("np", "lap_time", "lap_power", "speed")))
    view = SettingsView(port, today=today)
    qtbot.addWidget(view)
    click(view.tile_picker.reset_button)
    assert view.tile_picker.slots() == DEFAULT_SLOTS
    assert not view.tile_picker.reset_button.isEnabled()
    assert view.apply()
    assert port.saved[-1].ride_tiles == RiderSettings().ride_tiles


def test_the_smoothed_power_entry_names_the_smoothing(qtbot: QtBot, view: SettingsView) -> None:
    combo = view.tile_picker.combos[0]
    assert combo.currentText() == "Power (smoothed, 3 s)"
    click(view.smoothing.buttons[10])
    assert combo.currentText() == "Power (smoothed, 10 s)"
    assert view.tile_picker.combos[4].itemText(1) == "Power (smoothed, 10 s)"


def test_tiles_changed_on_the_ride_screen_are_saved_and_leave_other_edits_alone(
    qtbot: QtBot, view: SettingsView, port: FakeSettingsPort
) -> None:
    type_into(qtbot, view.ftp_field, "260")  # an edit not applied yet
    with qtbot.waitSignal(view.settings_changed) as emitted:
        assert view.save_ride_tiles(("np", "hr", "power"))
    assert emitted.args[0].ride_tiles == ("np", "hr", "power")
    assert port.saved[-1].ride_tiles == ("np", "hr", "power")
    assert port.saved[-1].ftp_w == 250  # the unapplied FTP was not saved with them
    assert view.tile_picker.keys() == ("np", "hr", "power")
    assert view.ftp_field.text() == "260" and view.is_dirty()
    click(view.revert_button)
    assert view.ftp_field.text() == "250" and view.tile_picker.keys() == ("np", "hr", "power")
    assert not view.is_dirty()
    # the same tiles again: nothing to write; nonsense: refused
    with qtbot.assertNotEmitted(view.settings_changed):
        assert view.save_ride_tiles(("np", "hr", "power"))
        assert view.save_ride_tiles(("np", "np", "hr")) is False
    assert len(port.saved) == 1


def test_tiles_from_the_ride_screen_do_not_overwrite_tiles_being_edited_here(
    qtbot: QtBot, view: SettingsView, port: FakeSettingsPort
) -> None:
    pick(view.tile_picker.combos[7], "Speed")
    assert view.save_ride_tiles(("np", "hr", "power"))
    assert view.tile_picker.slots()[7] == "speed"  # the rider's edit here stays
    assert view.settings.ride_tiles == ("np", "hr", "power")
    assert view.is_dirty()
