"""The devices screen on a fake devices port: scanning (done at once, later from another
thread, or failing), choosing devices for roles, and live link state.

No sleeps: scans are futures the test completes itself; the live poll runs on a short
timer and the test waits for what it shows with qtbot.waitUntil.
"""

from __future__ import annotations

import threading
from concurrent.futures import Future

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from app.ui.ports.devices import DeviceInfo, LinkState, LiveValue, ScanFailed
from app.ui.views.devices_view import DevicesView, signal_level

KICKR = DeviceInfo(
    "Wahoo KICKR 5A21", "F3:1C:22:8A:5A:21", -54, frozenset({"trainer", "power", "cadence"})
)
ASSIOMA = DeviceInfo(
    "Assioma DUO", "C8:45:0E:91:77:31", -67, frozenset({"power", "cadence"}), battery_pct=64
)
STRAP = DeviceInfo("HRM-Pro 412", "D2:6B:19:40:41:2C", -71, frozenset({"hr"}), battery_pct=12)
RPM = DeviceInfo("Wahoo RPM", "E4:02:7C:13:F9:0A", -88, frozenset({"cadence"}), battery_pct=88)
FOUR = (KICKR, ASSIOMA, STRAP, RPM)


def click(widget: QWidget) -> None:
    QTest.mouseClick(widget, Qt.MouseButton.LeftButton)


class FakeDevicesPort:
    def __init__(self) -> None:
        self.futures: list[Future[list[DeviceInfo]]] = []
        self.next_result: list[DeviceInfo] | BaseException | None = None
        self.roles: dict[str, DeviceInfo | None] = {}
        self.values: dict[str, LiveValue] = {}
        self.assign_calls: list[tuple[str, DeviceInfo | None]] = []
        self.simulator_calls = 0
        self.live_calls = 0

    def scan(self) -> Future[list[DeviceInfo]]:
        future: Future[list[DeviceInfo]] = Future()
        if isinstance(self.next_result, BaseException):
            future.set_exception(self.next_result)
        elif self.next_result is not None:
            future.set_result(list(self.next_result))
        self.futures.append(future)
        return future

    def assignments(self) -> dict[str, DeviceInfo | None]:
        return dict(self.roles)

    def assign(self, role: str, device: DeviceInfo | None) -> None:
        self.assign_calls.append((role, device))
        self.roles[role] = device

    def use_simulator(self) -> None:
        self.simulator_calls += 1
        self.roles["trainer"] = DeviceInfo("Simulated trainer", "sim", None, frozenset({"trainer"}))

    def live(self) -> dict[str, LiveValue]:
        self.live_calls += 1
        return dict(self.values)


@pytest.fixture
def port() -> FakeDevicesPort:
    return FakeDevicesPort()


@pytest.fixture
def view(qtbot: QtBot, port: FakeDevicesPort) -> DevicesView:
    widget = DevicesView(port, poll_ms=20)
    qtbot.addWidget(widget)
    widget.resize(1280, 800)
    return widget


def scanned(
    qtbot: QtBot, view: DevicesView, port: FakeDevicesPort, devices: tuple[DeviceInfo, ...] = FOUR
) -> None:
    port.next_result = list(devices)
    click(view.scan_button)
    qtbot.waitUntil(lambda: len(view.rows) == len(devices))


# --- scanning -------------------------------------------------------------------------------


def test_a_scan_lists_the_devices_with_kinds_signal_and_battery(
    qtbot: QtBot, view: DevicesView, port: FakeDevicesPort
) -> None:
    scanned(qtbot, view, port)
    assert list(view.rows) == [d.address for d in FOUR]
    assert view.scan_status.text() == "Found 4 devices. Choose what each one is used for."
    kickr = view.rows[KICKR.address]
    assert kickr.name.text() == "Wahoo KICKR 5A21"
    assert list(kickr.use_buttons) == ["trainer", "power", "cadence"]  # what it can be used for
    assert kickr.use_buttons["trainer"].toolTip() == "Use for trainer"
    assert kickr.bars.level == 4 and kickr.bars.accessibleName() == "Signal strong (-54 dBm)"
    assert kickr.battery.isHidden()  # it reports none
    strap = view.rows[STRAP.address]
    assert list(strap.use_buttons) == ["hr"]
    assert strap.battery.text() == "Battery 12 %" and strap.battery.property("low") is True
    assert view.rows[RPM.address].bars.level == 1
    assert view.scan_button.isEnabled() and view.scan_button.text() == "Scan again"


def test_a_scan_does_not_block_and_finishes_from_another_thread(
    qtbot: QtBot, view: DevicesView, port: FakeDevicesPort
) -> None:
    click(view.scan_button)
    assert view.scanning
    assert not view.scan_button.isEnabled() and view.scan_button.text() == "Scanning…"
    assert "Scanning…" in view.scan_status.text()
    assert not view.progress.isHidden()
    click(view.scan_button)  # disabled: no second scan
    view.start_scan()  # and a direct call while one runs does nothing either
    assert len(port.futures) == 1

    worker = threading.Thread(target=port.futures[0].set_result, args=([KICKR, STRAP],))
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: len(view.rows) == 2)
    assert not view.scanning and view.scan_button.isEnabled()
    assert view.progress.isHidden()


def test_a_scan_that_finds_nothing_says_what_to_try(
    qtbot: QtBot, view: DevicesView, port: FakeDevicesPort
) -> None:
    port.next_result = []
    view.start_scan()
    qtbot.waitUntil(lambda: not view.scanning)
    assert view.rows == {}
    assert view.scan_status.text().startswith("Nothing found. Wake your devices")


def test_a_failed_scan_shows_the_problem_and_offers_the_simulator(
    qtbot: QtBot, view: DevicesView, port: FakeDevicesPort
) -> None:
    message = "Bluetooth is turned off. Turn it on in your system settings and try again."
    port.next_result = ScanFailed(message, offer_simulator=True)
    view.start_scan()
    qtbot.waitUntil(lambda: not view.problem.isHidden())
    assert view.problem_text.text() == message
    assert not view.simulator_button.isHidden()
    assert QApplication.activeModalWidget() is None  # inline, never a dialog

    with qtbot.waitSignal(view.simulator_chosen):
        click(view.simulator_button)
    assert port.simulator_calls == 1
    assert view.problem.isHidden()
    assert view.role_rows["trainer"].device_label.text() == "Simulated trainer"


def test_a_problem_the_simulator_does_not_solve_offers_only_a_retry(
    qtbot: QtBot, view: DevicesView, port: FakeDevicesPort
) -> None:
    port.next_result = ScanFailed("The device asks to be paired first.", offer_simulator=False)
    view.start_scan()
    qtbot.waitUntil(lambda: not view.problem.isHidden())
    assert view.simulator_button.isHidden()
    assert not view.retry_button.isHidden()

    port.next_result = [KICKR]
    click(view.retry_button)
    qtbot.waitUntil(lambda: len(view.rows) == 1)
    assert view.problem.isHidden()


def test_any_exception_is_shown_by_its_words_and_offers_the_simulator(
    qtbot: QtBot, view: DevicesView, port: FakeDevicesPort
) -> None:
    port.next_result = RuntimeError("No Bluetooth adapter was found on this computer.")
    view.start_scan()
    qtbot.waitUntil(lambda: not view.problem.isHidden())
    assert view.problem_text.text() == "No Bluetooth adapter was found on this computer."
    assert not view.simulator_button.isHidden()


def test_a_late_result_of_an_old_scan_is_ignored(
    qtbot: QtBot, view: DevicesView, port: FakeDevicesPort
) -> None:
    view.start_scan()
    first = port.futures[0]
    first.set_exception(ScanFailed("Bluetooth is turned off."))
    qtbot.waitUntil(lambda: not view.scanning)
    view._relay.finished.emit(0, first)  # a stale delivery: not the current scan
    assert view.problem_text.text() == "Bluetooth is turned off."


# --- roles ----------------------------------------------------------------------------------


def test_devices_are_assigned_to_roles_and_shown_in_the_setup(
    qtbot: QtBot, view: DevicesView, port: FakeDevicesPort
) -> None:
    scanned(qtbot, view, port)
    kickr = view.rows[KICKR.address]
    with qtbot.waitSignal(view.assignments_changed) as changed:
        click(kickr.use_buttons["trainer"])
    assert port.assign_calls == [("trainer", KICKR)]
    assert changed.args[0]["trainer"] == KICKR
    assert kickr.use_buttons["trainer"].isChecked()
    assert kickr.use_buttons["trainer"].text() == "✓ Trainer"
    assert view.role_rows["trainer"].device_label.text() == "Wahoo KICKR 5A21"

    click(view.rows[ASSIOMA.address].use_buttons["power"])
    click(view.rows[STRAP.address].use_buttons["hr"])
    assert view.assignments() == {"trainer": KICKR, "power": ASSIOMA, "hr": STRAP}
    assert view.role_rows["power"].device_label.text() == "Assioma DUO"
    assert view.role_rows["hr"].device_label.text() == "HRM-Pro 412"

    # another device for the same role takes it over
    click(view.rows[RPM.address].use_buttons["cadence"])
    click(view.rows[ASSIOMA.address].use_buttons["cadence"])
    assert view.assignments()["cadence"] == ASSIOMA
    assert not view.rows[RPM.address].use_buttons["cadence"].isChecked()

    # un-checking a role stops using the device; so does Remove in the setup
    click(view.rows[STRAP.address].use_buttons["hr"])
    assert port.assign_calls[-1] == ("hr", None)
    assert view.role_rows["hr"].device_label.text() == "Not set"
    click(view.role_rows["power"].remove_button)
    assert port.assign_calls[-1] == ("power", None)
    assert not view.rows[ASSIOMA.address].use_buttons["power"].isChecked()


def test_remembered_devices_show_in_the_setup_without_a_scan(
    qtbot: QtBot, port: FakeDevicesPort
) -> None:
    port.roles = {"trainer": KICKR, "hr": None}
    port.values = {"trainer": LiveValue(LinkState.CONNECTING)}
    view = DevicesView(port)
    qtbot.addWidget(view)
    trainer = view.role_rows["trainer"]
    assert trainer.device_label.text() == "Wahoo KICKR 5A21"
    assert trainer.state.text() == "connecting…"
    assert view.role_rows["power"].device_label.text() == "Not set — the trainer's power is used"
    assert view.role_rows["power"].state.isHidden()


# --- live state -----------------------------------------------------------------------------


def test_live_state_and_values_are_polled_and_a_dropout_shows_on_its_row(
    qtbot: QtBot, view: DevicesView, port: FakeDevicesPort
) -> None:
    scanned(qtbot, view, port)
    port.roles = {"trainer": KICKR, "hr": STRAP}
    port.values = {
        "trainer": LiveValue(LinkState.CONNECTED, "212 W"),
        "hr": LiveValue(LinkState.CONNECTED, "142 bpm", battery_pct=12),
    }
    view.refresh_assignments()
    view.show()
    qtbot.waitExposed(view)
    assert view.poll_timer.isActive()

    trainer, hr = view.role_rows["trainer"], view.role_rows["hr"]
    assert trainer.state.text() == "connected" and trainer.value.text() == "212 W"
    assert hr.value.text() == "142 bpm" and hr.battery.text() == "Battery 12 %"

    # the strap drops out: the next poll shows it on its rows, no dialog
    port.values["hr"] = LiveValue(LinkState.LOST, "142 bpm", battery_pct=12)
    port.values["trainer"] = LiveValue(LinkState.CONNECTED, "230 W")
    qtbot.waitUntil(lambda: hr.state.text() == "lost — reconnecting")
    assert hr.state.property("state") == "lost"
    assert view.rows[STRAP.address].state.text() == "lost — reconnecting"
    qtbot.waitUntil(lambda: trainer.value.text() == "230 W")
    assert view.rows[KICKR.address].state.text() == "connected"
    assert QApplication.activeModalWidget() is None

    # and it comes back
    port.values["hr"] = LiveValue(LinkState.CONNECTED, "139 bpm", battery_pct=12)
    qtbot.waitUntil(lambda: hr.state.text() == "connected")
    assert hr.value.text() == "139 bpm"


def test_polling_runs_only_while_the_screen_shows(
    qtbot: QtBot, view: DevicesView, port: FakeDevicesPort
) -> None:
    assert not view.poll_timer.isActive()
    view.show()
    qtbot.waitExposed(view)
    assert view.poll_timer.isActive()
    assert view.poll_timer.interval() == 20
    calls = port.live_calls
    qtbot.waitUntil(lambda: port.live_calls > calls + 1)
    view.hide()
    assert not view.poll_timer.isActive()


def test_an_assigned_device_with_no_link_yet_reads_not_connected(
    qtbot: QtBot, view: DevicesView, port: FakeDevicesPort
) -> None:
    port.roles = {"trainer": KICKR}
    view.refresh_assignments()  # live() has nothing for the trainer yet
    assert view.role_rows["trainer"].state.text() == "not connected"
    assert view.role_rows["trainer"].value.text() == "—"


@pytest.mark.parametrize(
    "rssi, level", [(None, 0), (-40, 4), (-60, 4), (-65, 3), (-75, 2), (-80, 2), (-95, 1)]
)
def test_signal_levels(rssi: int | None, level: int) -> None:
    assert signal_level(rssi)[0] == level
