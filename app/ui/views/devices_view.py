"""Trainers and sensors: scan, choose a device for each role, see each link live.

Scan runs `DevicesPort.scan()` without blocking the UI: its future may complete on any
thread, and the result comes back to the UI thread through a queued signal. While it
runs, the Scan button is disabled and a spinner line says what to do (wake the
devices). The devices found are listed with what they are (trainer, power, cadence,
heart rate), their signal strength and battery, and a "Use for …" button per role they
can play. The right-hand card shows the chosen device of each role with its live state
and last value, polled from `DevicesPort.live()` once a second while the screen shows.

A failed scan shows its plain-words problem inline (never a dialog) and, when the
problem allows it, "Ride with the simulated trainer". A device that drops out mid-way
shows "lost — reconnecting" on its row; the supervisor behind the port reconnects it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Mapping
from concurrent.futures import Future

from PySide6.QtCore import QObject, QRectF, QSize, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QColor, QHideEvent, QPainter, QPaintEvent, QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app.ui import display
from app.ui.ports.devices import ROLES, DeviceInfo, DevicesPort, LinkState, LiveValue
from app.ui.theme import palette as c
from app.ui.theme.style import set_style_property
from app.ui.widgets.scroll_columns import ScrollColumns

POLL_MS = 1000
SIDE_BY_SIDE_MIN_PX = 1000  # narrower: "Your setup" goes under the list
SPINNER_MS = 120
SPINNER = "◐◓◑◒"
LOW_BATTERY_PCT = 20

KIND_LABELS: dict[str, tuple[str, str]] = {  # kind: (icon, label)
    "trainer": ("⚙", "Trainer"),
    "power": ("⚡", "Power"),
    "cadence": ("↻", "Cadence"),
    "hr": ("♥", "Heart rate"),
}
ROLE_TITLES = {"trainer": "Trainer", "power": "Power", "cadence": "Cadence", "hr": "Heart rate"}
USE_LABELS = {
    "trainer": "Use for trainer",
    "power": "Use for power",
    "cadence": "Use for cadence",
    "hr": "Use for HR",
}
UNSET_LINES = {
    "trainer": "Not set — scan and pick your trainer",
    "power": "Not set — the trainer's power is used",
    "cadence": "Not set — cadence comes from power or trainer",
    "hr": "Not set",
}
STATE_TEXT = {
    LinkState.CONNECTED: "connected",
    LinkState.CONNECTING: "connecting…",
    LinkState.LOST: "lost — reconnecting",
    LinkState.NOT_SET: "not set",
}
NOT_CONNECTED = "not connected"

_KIND_COLOURS = {"trainer": c.TARGET, "power": c.ACTUAL, "cadence": c.CADENCE, "hr": c.HEART}


def _kind_rules() -> str:
    return "\n".join(
        f'QPushButton[use="true"][kind="{kind}"] {{ color: {colour}; }}'
        for kind, colour in _KIND_COLOURS.items()
    )


DEVICES_STYLE = f"""
QLabel[role="sectionTitle"] {{
    font-size: 14pt;
    font-weight: 700;
}}
QFrame#DeviceRow, QFrame#RoleRow {{
    background: {c.SURFACE_RAISED};
    border: 1px solid {c.BORDER};
    border-radius: 12px;
}}
QFrame#DeviceRow[assigned="true"] {{
    border: 1px solid {c.TARGET_DIM};
}}
QFrame#RoleRow[state="lost"] {{
    border: 1px solid {c.DANGER};
}}
QLabel[role="deviceName"] {{
    font-size: 13pt;
    font-weight: 700;
}}
QLabel[role="address"] {{
    color: {c.TEXT_MUTED};
    font-size: 10pt;
    font-family: monospace;
}}
QLabel[role="battery"] {{
    color: {c.TEXT_MUTED};
    font-size: 10pt;
    font-weight: 600;
}}
QLabel[role="battery"][low="true"] {{
    color: {c.WARNING};
}}
QLabel[role="roleValue"] {{
    font-size: 20pt;
    font-weight: 700;
}}
QLabel[role="roleValue"][state="lost"], QLabel[role="roleValue"][state="connecting"] {{
    color: {c.TEXT_DISABLED};
}}
QLabel[role="linkState"] {{
    border-radius: 10px;
    padding: 2px 10px;
    font-size: 10pt;
    font-weight: 700;
    background: {c.SURFACE};
    color: {c.TEXT_MUTED};
    border: 1px solid {c.BORDER};
}}
QLabel[role="linkState"][state="connected"] {{
    background: #0f2a1c;
    color: #8fe8b6;
    border: 1px solid #2f8f5a;
}}
QLabel[role="linkState"][state="connecting"] {{
    background: #3a2a0c;
    color: #ffe2a8;
    border: 1px solid {c.WARNING};
}}
QLabel[role="linkState"][state="lost"] {{
    background: #3b1518;
    color: #ffc2c0;
    border: 1px solid {c.DANGER};
}}
QPushButton[use="true"] {{
    background: {c.SURFACE};
    border: 1px solid {c.BORDER};
    border-radius: 9px;
    padding: 4px 12px;
    min-height: 18px;
    font-size: 10pt;
    font-weight: 600;
    color: {c.TEXT};
}}
QPushButton[use="true"]:hover {{
    background: {c.SURFACE_HOVER};
}}
QPushButton[use="true"]:focus {{
    border: 2px solid {c.TARGET};
}}
{_kind_rules()}
QPushButton[use="true"]:checked {{
    background: {c.TARGET_DIM};
    border: 1px solid {c.TARGET};
    color: #ffffff;
}}
QPushButton[use="true"]:checked:focus {{
    border: 2px solid #ffffff;
}}
QFrame#Notice[kind="error"] QPushButton {{
    color: {c.TEXT};
}}
"""


def signal_level(rssi: int | None) -> tuple[int, str]:
    """Bars (0..4) and a word for a signal strength in dBm."""
    if rssi is None:
        return 0, "not heard"
    if rssi >= -60:
        return 4, "strong"
    if rssi >= -70:
        return 3, "good"
    if rssi >= -80:
        return 2, "fair"
    return 1, "weak"


def battery_text(pct: int | None) -> str:
    return "" if pct is None else f"Battery {pct} %"


def state_text(value: LiveValue, assigned: bool) -> str:
    if assigned and value.state is LinkState.NOT_SET:
        return NOT_CONNECTED
    if not assigned:
        return STATE_TEXT[LinkState.NOT_SET]
    return STATE_TEXT[value.state]


def _state_key(value: LiveValue, assigned: bool) -> str:
    """The `state` style property: connected / connecting / lost / unset."""
    if not assigned or value.state is LinkState.NOT_SET:
        return "unset"
    return value.state.value


def kinds_in_order(kinds: Iterable[str]) -> list[str]:
    present = set(kinds)
    return [k for k in KIND_LABELS if k in present] + sorted(present - set(KIND_LABELS))


class SignalBars(QWidget):
    """Four bars, filled up to the signal level; the word and dBm are its tooltip."""

    def __init__(self, rssi: int | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFixedSize(QSize(24, 18))
        self.set_rssi(rssi)

    def set_rssi(self, rssi: int | None) -> None:
        self.rssi = rssi
        self.level, word = signal_level(rssi)
        text = f"Signal {word}" + (f" ({rssi} dBm)" if rssi is not None else "")
        self.setToolTip(text)
        self.setAccessibleName(text)
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        bar_w, gap = 4.0, 2.0
        colour = c.GOOD if self.level >= 3 else c.WARNING if self.level == 2 else c.DANGER
        for index in range(4):
            height = self.height() * (index + 1) / 4
            rect = QRectF(index * (bar_w + gap), self.height() - height, bar_w, height)
            painter.setBrush(QColor(colour if index < self.level else c.BORDER))
            painter.drawRoundedRect(rect, 1.5, 1.5)
        painter.end()


class DeviceRow(QFrame):
    """One device found by a scan: its name, address, battery and signal; a toggle per
    role it can play ("Use for  ⚙ Trainer  ⚡ Power"), which also says what it is; and
    its link state once it plays a role."""

    use_toggled = Signal(str, object, bool)  # role, DeviceInfo, chosen

    def __init__(self, device: DeviceInfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("DeviceRow")
        self.device = device
        kinds = ", ".join(KIND_LABELS[k][1] for k in kinds_in_order(device.kinds))
        self.setAccessibleName(device.name)
        self.setAccessibleDescription(kinds)

        self.name = QLabel(device.name)
        self.name.setProperty("role", "deviceName")
        self.address = QLabel(device.address)
        self.address.setProperty("role", "address")
        self.address.setAccessibleName("Address")
        self.bars = SignalBars(device.rssi)
        self.battery = QLabel("")
        self.battery.setProperty("role", "battery")
        self.state = QLabel("")
        self.state.setProperty("role", "linkState")
        self.state.setAccessibleName(f"{device.name} connection")
        self.state.hide()

        top = QHBoxLayout()
        top.setSpacing(10)
        top.addWidget(self.name)
        top.addWidget(self.address, 0, Qt.AlignmentFlag.AlignBaseline)
        top.addStretch(1)
        top.addWidget(self.battery)
        top.addSpacing(4)
        top.addWidget(self.bars, 0, Qt.AlignmentFlag.AlignVCenter)

        use = QLabel("Use for")
        use.setProperty("role", "muted")
        self.use_buttons: dict[str, QPushButton] = {}
        bottom = QHBoxLayout()
        bottom.setSpacing(6)
        bottom.addWidget(use)
        bottom.addSpacing(2)
        for kind in kinds_in_order(device.kinds):
            icon, label = KIND_LABELS.get(kind, ("•", kind.title()))
            if kind not in USE_LABELS:  # a kind no role takes: just say it
                chip = QLabel(f"{icon} {label}")
                chip.setProperty("role", "muted")
                bottom.addWidget(chip)
                continue
            button = QPushButton(f"{icon} {label}")
            button.setProperty("use", True)
            button.setProperty("kind", kind)
            button.setCheckable(True)
            button.setToolTip(USE_LABELS[kind])
            button.setAccessibleName(f"Use {device.name} for {ROLE_TITLES[kind].lower()}")
            button.toggled.connect(
                lambda chosen, r=kind: self.use_toggled.emit(r, self.device, chosen)
            )
            self.use_buttons[kind] = button
            bottom.addWidget(button)
        bottom.addStretch(1)
        bottom.addWidget(self.state)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 12, 10)
        layout.setSpacing(8)
        layout.addLayout(top)
        layout.addLayout(bottom)
        self.set_battery(device.battery_pct)

    def set_battery(self, pct: int | None) -> None:
        self.battery.setText(battery_text(pct))
        self.battery.setVisible(pct is not None)
        set_style_property(self.battery, "low", pct is not None and pct < LOW_BATTERY_PCT)

    def show_roles(self, roles: list[str], live: Mapping[str, LiveValue]) -> None:
        """Check the toggles of the roles this device plays; show its link state."""
        for role, button in self.use_buttons.items():
            button.blockSignals(True)
            button.setChecked(role in roles)
            button.blockSignals(False)
            icon, label = KIND_LABELS[role]
            button.setText(f"✓ {label}" if role in roles else f"{icon} {label}")
        set_style_property(self, "assigned", bool(roles))
        if not roles:
            self.state.hide()
            return
        value = live.get(roles[0], LiveValue())
        self.state.setText(state_text(value, True))
        set_style_property(self.state, "state", _state_key(value, True))
        self.state.show()
        if value.battery_pct is not None:
            self.set_battery(value.battery_pct)


class RoleRow(QFrame):
    """A role in the rider's setup: the chosen device, its live state, value and
    battery, and a button to stop using it."""

    def __init__(self, role: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("RoleRow")
        self.role = role
        self.device: DeviceInfo | None = None
        self.setAccessibleName(ROLE_TITLES[role])

        icon, _label = KIND_LABELS[role]
        self.title = QLabel(f"{icon}  {ROLE_TITLES[role].upper()}")
        self.title.setProperty("role", "statLabel")
        self.title.setStyleSheet(f"color: {_KIND_COLOURS[role]};")
        self.device_label = QLabel(UNSET_LINES[role])
        self.device_label.setProperty("role", "muted")
        self.device_label.setAccessibleName(f"{ROLE_TITLES[role]} device")
        self.value = QLabel(display.MISSING)
        self.value.setProperty("role", "roleValue")
        self.value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.value.setAccessibleName(f"{ROLE_TITLES[role]} value")
        self.value.setMinimumWidth(110)
        self.state = QLabel(STATE_TEXT[LinkState.NOT_SET])
        self.state.setProperty("role", "linkState")
        self.state.setProperty("state", "unset")
        self.state.setAccessibleName(f"{ROLE_TITLES[role]} connection")
        self.battery = QLabel("")
        self.battery.setProperty("role", "battery")
        self.battery.hide()
        self.remove_button = QPushButton("Remove")
        self.remove_button.setProperty("link", True)
        self.remove_button.setAccessibleName(f"Stop using this device for {role}")
        self.remove_button.hide()

        grid = QGridLayout(self)
        grid.setContentsMargins(14, 10, 14, 10)
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(4)
        grid.addWidget(self.title, 0, 0)
        grid.addWidget(self.device_label, 1, 0)
        grid.addWidget(self.value, 0, 1, 2, 1)
        status = QHBoxLayout()
        status.setSpacing(8)
        status.addWidget(self.state)
        status.addWidget(self.battery)
        status.addStretch(1)
        status.addWidget(self.remove_button)
        grid.addLayout(status, 2, 0, 1, 2)
        grid.setColumnStretch(0, 1)

    def show_device(self, device: DeviceInfo | None) -> None:
        self.device = device
        if device is None:
            self.device_label.setText(UNSET_LINES[self.role])
            set_style_property(self.device_label, "role", "muted")
        else:
            self.device_label.setText(device.name)
            set_style_property(self.device_label, "role", "body")
        self.remove_button.setVisible(device is not None)

    def show_live(self, value: LiveValue) -> None:
        assigned = self.device is not None
        key = _state_key(value, assigned)
        text = state_text(value, assigned)
        if self.state.text() != text:
            self.state.setText(text)
        set_style_property(self.state, "state", key)
        set_style_property(self, "state", key)
        set_style_property(self.value, "state", key)
        shown = value.value_text if assigned and value.value_text else display.MISSING
        if self.value.text() != shown:
            self.value.setText(shown)
        self.state.setVisible(assigned)  # "Not set — …" says it all
        self.value.setVisible(assigned)
        pct = value.battery_pct
        if pct is None and self.device is not None:
            pct = self.device.battery_pct
        self.battery.setText(battery_text(pct))
        self.battery.setVisible(assigned and pct is not None)
        set_style_property(self.battery, "low", pct is not None and pct < LOW_BATTERY_PCT)
        self.setAccessibleDescription(f"{text}; {shown}")


class _ScanRelay(QObject):
    """Carries a finished scan future to the UI thread (queued from a worker thread)."""

    finished = Signal(int, object)  # scan id, Future


class DevicesView(QWidget):
    """Signals: `simulator_chosen()` after the rider picked the simulated trainer;
    `assignments_changed(dict)` (role -> DeviceInfo | None) after a role changed."""

    simulator_chosen = Signal()
    assignments_changed = Signal(object)

    def __init__(
        self, port: DevicesPort, *, poll_ms: int = POLL_MS, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("Page")
        self.setAccessibleName("Devices")
        self.setStyleSheet(DEVICES_STYLE)
        self.port = port
        self._scan_id = 0
        self._scanning = False
        self._results: list[DeviceInfo] = []
        self._assigned: dict[str, DeviceInfo | None] = {}
        self._live: dict[str, LiveValue] = {}
        self._spin = 0
        self.rows: dict[str, DeviceRow] = {}

        self._relay = _ScanRelay(self)
        self._relay.finished.connect(self._on_scan_finished)

        # -- header ------------------------------------------------------------------------
        title = QLabel("Devices")
        title.setProperty("role", "title")
        subtitle = QLabel("Pick your trainer and sensors. Freewheel reconnects to them next time.")
        subtitle.setProperty("role", "subtitle")
        self.scan_button = QPushButton("Scan")
        self.scan_button.setProperty("primary", True)
        self.scan_button.setMinimumWidth(150)
        self.scan_button.setAccessibleName("Scan for trainers and sensors")
        self.scan_button.clicked.connect(self.start_scan)
        head_text = QVBoxLayout()
        head_text.setSpacing(2)
        head_text.addWidget(title)
        head_text.addWidget(subtitle)
        head = QHBoxLayout()
        head.addLayout(head_text, 1)
        head.addWidget(self.scan_button, 0, Qt.AlignmentFlag.AlignTop)

        # -- the problem of a failed scan --------------------------------------------------
        self.problem = QFrame()
        self.problem.setObjectName("Notice")
        self.problem.setProperty("kind", "error")
        self.problem.setAccessibleName("Scan problem")
        self.problem_text = QLabel("")
        self.problem_text.setWordWrap(True)
        self.problem_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.problem_text.setAccessibleName("Scan problem text")
        self.simulator_button = QPushButton("Ride with the simulated trainer")
        self.simulator_button.setProperty("primary", True)
        self.simulator_button.setAccessibleName("Ride with the simulated trainer")
        self.simulator_button.clicked.connect(self.use_simulator)
        self.retry_button = QPushButton("Try again")
        self.retry_button.setAccessibleName("Scan again")
        self.retry_button.clicked.connect(self.start_scan)
        problem_buttons = QHBoxLayout()
        problem_buttons.setSpacing(10)
        problem_buttons.addWidget(self.simulator_button)
        problem_buttons.addWidget(self.retry_button)
        problem_buttons.addStretch(1)
        problem_layout = QVBoxLayout(self.problem)
        problem_layout.setContentsMargins(16, 12, 16, 12)
        problem_layout.setSpacing(10)
        problem_layout.addWidget(self.problem_text)
        problem_layout.addLayout(problem_buttons)
        self.problem.hide()

        # -- nearby ------------------------------------------------------------------------
        nearby = QFrame()
        nearby.setObjectName("Card")
        nearby.setAccessibleName("Devices nearby")
        nearby_title = QLabel("Nearby")
        nearby_title.setProperty("role", "sectionTitle")
        self.scan_status = QLabel(
            "Press Scan, then wake your devices: pedal the trainer, wet the heart-rate strap."
        )
        self.scan_status.setProperty("role", "muted")
        self.scan_status.setWordWrap(True)
        self.scan_status.setAccessibleName("Scan status")
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.setTextVisible(False)
        self.progress.setFixedHeight(4)
        self.progress.setAccessibleName("Scanning")
        self.progress.hide()
        self.list_layout = QVBoxLayout()
        self.list_layout.setContentsMargins(0, 0, 0, 0)
        self.list_layout.setSpacing(8)
        nearby_layout = QVBoxLayout(nearby)
        nearby_layout.setContentsMargins(20, 18, 20, 18)
        nearby_layout.setSpacing(10)
        nearby_layout.addWidget(nearby_title)
        nearby_layout.addWidget(self.scan_status)
        nearby_layout.addWidget(self.progress)
        nearby_layout.addLayout(self.list_layout)
        nearby_layout.addStretch(1)

        # -- your setup --------------------------------------------------------------------
        setup = QFrame()
        setup.setObjectName("Card")
        setup.setAccessibleName("Your setup")
        setup_title = QLabel("Your setup")
        setup_title.setProperty("role", "sectionTitle")
        setup_line = QLabel("A trainer alone is enough: it stands in for sensors not set.")
        setup_line.setProperty("role", "muted")
        setup_line.setWordWrap(True)
        self.role_rows: dict[str, RoleRow] = {}
        setup_layout = QVBoxLayout(setup)
        setup_layout.setContentsMargins(20, 18, 20, 18)
        setup_layout.setSpacing(10)
        setup_layout.addWidget(setup_title)
        setup_layout.addWidget(setup_line)
        for role in ROLES:
            row = RoleRow(role.value)
            row.remove_button.clicked.connect(lambda _=False, r=role.value: self.assign(r, None))
            self.role_rows[role.value] = row
            setup_layout.addWidget(row)
        setup_layout.addStretch(1)
        setup.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)

        # side by side; one above the other when the window is narrow (see resizeEvent).
        # The page scrolls when a scan finds more devices than fit.
        self.page_scroll = ScrollColumns(SIDE_BY_SIDE_MIN_PX, right_margin_px=6)
        self.body = self.page_scroll.columns
        self.body.addWidget(nearby, 3)
        self.body.addWidget(setup, 2)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 18, 18)
        layout.setSpacing(14)
        top = QVBoxLayout()
        top.setContentsMargins(0, 0, 6, 0)  # line up with the cards, clear of the scroll bar
        top.setSpacing(14)
        top.addLayout(head)
        top.addWidget(self.problem)
        layout.addLayout(top)
        layout.addWidget(self.page_scroll, 1)

        self.poll_timer = QTimer(self)
        self.poll_timer.setInterval(poll_ms)
        self.poll_timer.timeout.connect(self.refresh_live)
        self._spinner = QTimer(self)
        self._spinner.setInterval(SPINNER_MS)
        self._spinner.timeout.connect(self._spin_once)

        self.refresh_assignments()

    # -- scanning ----------------------------------------------------------------------------
    @property
    def scanning(self) -> bool:
        return self._scanning

    @Slot()
    def start_scan(self) -> None:
        """Start a scan (a no-op while one runs); the list fills when it is done."""
        if self._scanning:
            return
        self._scan_id += 1
        scan_id = self._scan_id
        self.problem.hide()
        self._set_scanning(True)
        try:
            future = self.port.scan()
        except Exception as exc:  # the port could not even start: same as a failed scan
            self._set_scanning(False)
            self._show_problem(exc)
            return
        relay = self._relay

        def done(finished: Future[list[DeviceInfo]]) -> None:
            with contextlib.suppress(RuntimeError):  # the screen is gone
                relay.finished.emit(scan_id, finished)

        future.add_done_callback(done)

    @Slot(int, object)
    def _on_scan_finished(self, scan_id: int, future: Future[list[DeviceInfo]]) -> None:
        if scan_id != self._scan_id:
            return
        self._set_scanning(False)
        if future.cancelled():
            self.scan_status.setText("The scan was stopped.")
            return
        error = future.exception()
        if error is not None:
            self._show_problem(error)
            return
        self.show_results(future.result())

    def show_results(self, devices: list[DeviceInfo]) -> None:
        """List `devices` (what a scan found)."""
        self._results = list(devices)
        for row in self.rows.values():
            self.list_layout.removeWidget(row)
            row.deleteLater()
        self.rows = {}
        for device in devices:
            row = DeviceRow(device)
            row.use_toggled.connect(self._on_use_toggled)
            self.list_layout.addWidget(row)
            self.rows[device.address] = row
        count = len(devices)
        if count == 0:
            self.scan_status.setText(
                "Nothing found. Wake your devices (pedal the trainer, wet the heart-rate "
                "strap), make sure no other app is connected to them, and scan again."
            )
        else:
            noun = "device" if count == 1 else "devices"
            self.scan_status.setText(f"Found {count} {noun}. Choose what each one is used for.")
        self._sync_rows()

    def results(self) -> list[DeviceInfo]:
        return list(self._results)

    def _set_scanning(self, scanning: bool) -> None:
        self._scanning = scanning
        self.scan_button.setEnabled(not scanning)
        self.retry_button.setEnabled(not scanning)
        idle_text = "Scan again" if self._scan_id else "Scan"
        self.scan_button.setText("Scanning…" if scanning else idle_text)
        self.progress.setVisible(scanning)
        if scanning:
            self._spin = 0
            self._spin_once()
            self._spinner.start()
        else:
            self._spinner.stop()

    @Slot()
    def _spin_once(self) -> None:
        frame = SPINNER[self._spin % len(SPINNER)]
        self._spin += 1
        self.scan_status.setText(
            f"{frame}  Scanning… pedal your trainer and wet the heart-rate strap to wake them."
        )

    def _show_problem(self, error: BaseException) -> None:
        message = str(error).strip() or f"Scanning failed ({type(error).__name__})."
        offer = bool(getattr(error, "offer_simulator", True))
        self.problem_text.setText(message)
        self.problem.setAccessibleDescription(message)
        self.simulator_button.setVisible(offer)
        self.problem.show()
        self.scan_status.setText("The scan did not run. See above.")

    # -- roles -------------------------------------------------------------------------------
    def assign(self, role: str, device: DeviceInfo | None) -> None:
        """Use `device` for `role` (None = stop using one)."""
        try:
            self.port.assign(role, device)
        except Exception as exc:  # keep the screen: say what happened on it
            self.problem_text.setText(f"Could not change the {ROLE_TITLES[role].lower()}: {exc}")
            self.simulator_button.hide()
            self.problem.show()
        self.refresh_assignments()
        self.assignments_changed.emit(dict(self._assigned))

    @Slot(str, object, bool)
    def _on_use_toggled(self, role: str, device: DeviceInfo, chosen: bool) -> None:
        if chosen:
            self.assign(role, device)
        else:
            current = self._assigned.get(role)
            if current is not None and current.address == device.address:
                self.assign(role, None)

    @Slot()
    def use_simulator(self) -> None:
        self.port.use_simulator()
        self.problem.hide()
        self.refresh_assignments()
        self.simulator_chosen.emit()

    def refresh_assignments(self) -> None:
        """Re-read the role assignments and the live state, and show them."""
        self._assigned = dict(self.port.assignments())
        for role, row in self.role_rows.items():
            row.show_device(self._assigned.get(role))
        self.refresh_live()

    @Slot()
    def refresh_live(self) -> None:
        """Poll `live()` (the timer calls this every second while the screen shows)."""
        self._live = dict(self.port.live())
        for role, row in self.role_rows.items():
            row.show_live(self._live.get(role, LiveValue()))
        self._sync_rows()

    def assignments(self) -> dict[str, DeviceInfo | None]:
        return dict(self._assigned)

    def _sync_rows(self) -> None:
        for address, row in self.rows.items():
            roles = [
                role.value
                for role in ROLES
                if (d := self._assigned.get(role.value)) is not None and d.address == address
            ]
            row.show_roles(roles, self._live)

    # -- visibility: poll only while shown ---------------------------------------------------
    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.refresh_live()
        self.poll_timer.start()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.page_scroll.fit_width(self.width())

    def hideEvent(self, event: QHideEvent) -> None:
        super().hideEvent(event)
        self.poll_timer.stop()
