"""The ride screen: big tiles, the live chart, the rider's controls.

Everything the ride tells the screen arrives through a `RideBridge` (queued Qt signals);
everything the rider does goes to the `RideHandle`, which posts it to the device loop. No
call here waits on the ride. Nothing blocks either: a trainer message is an inline banner,
discarding asks on an inline bar while the ride goes on.

Keys (while the ride screen has focus): Space pause/resume, Up/Down intensity ±1 % (in
resistance mode the level ±5 %, in simulation the grade ±0.5 %), N skip forward, P skip
back, L lap, E ERG mode, R resistance mode, S simulation mode.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app.core.ports import TrainerMode
from app.core.ride.live_figures import LiveFigures
from app.core.ride.samples import RideSummary, Sample
from app.core.ride.session import RideState, RideStatus
from app.core.workouts.model import Workout
from app.runtime.ride_control import RideHandle, RideInfo
from app.ui import display
from app.ui.bridge import RideBridge
from app.ui.ports.library import RideStarter
from app.ui.sounds import SoundCues
from app.ui.theme.style import set_style_property
from app.ui.widgets.countdown_banner import CountdownBanner
from app.ui.widgets.ride_chart import RideChart
from app.ui.widgets.tile_board import TileBoard

log = logging.getLogger(__name__)
BANNER_SHOW_MS = 15_000
INTENSITY_STEP_PCT = 1

# mode: (chip text, Up/Down button texts, the tile title for what Up/Down moves)
_MODE_TEXTS = {
    TrainerMode.ERG: ("ERG", ("−1 %", "+1 %"), "Intensity"),
    TrainerMode.RESISTANCE: ("LEVEL", ("Level −5", "Level +5"), "Level"),
    TrainerMode.SIMULATION: ("SIM", ("Grade −½", "Grade +½"), "Grade"),
}


class RideButton(QPushButton):
    """Space belongs to pause on the ride screen, so a focused button also clicks on
    Return/Enter: every control stays reachable from the keyboard."""

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.isEnabled():
            self.animateClick()
            event.accept()
            return
        super().keyPressEvent(event)


def _button(text: str, name: str, tip: str = "", **props: object) -> QPushButton:
    button = RideButton(text)
    button.setAccessibleName(name)
    if tip:
        button.setToolTip(tip)
        button.setAccessibleDescription(tip)
    button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    for key, value in props.items():
        button.setProperty(key, value)
    return button


class RideView(QWidget):
    """`ride_finished(summary | None, info, trace_x, trace_y)`: the ride ended (None =
    discarded); the trace is the actual-power curve for the summary chart."""

    ride_finished = Signal(object, object, object, object)
    tiles_changed = Signal(tuple)  # the rider chose other tiles (keys): save them

    def __init__(self, sounds: SoundCues | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.sounds = sounds
        self.setObjectName("Page")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName("Ride")
        self.handle: RideHandle | None = None
        self.bridge: RideBridge | None = None
        self.info: RideInfo | None = None
        self.last_status: RideStatus | None = None
        self._interval_count = 0
        self.figures = LiveFigures()
        self._devices_source: Callable[[], dict[str, Any]] | None = None
        self._devices_timer: QTimer | None = None
        self._build()
        self._bind_keys()
        self._set_controls_enabled(False)

    def apply_settings(self, settings: object) -> None:
        """The rider's choices (RiderSettings): tiles, power smoothing, units, sounds."""
        smoothing = int(getattr(settings, "power_smoothing_s", 3))
        self.tiles.set_keys(tuple(getattr(settings, "ride_tiles", self.tiles.keys())))
        self.tiles.set_smoothing(smoothing)
        self.tiles.set_units(str(getattr(settings, "units", "metric")))
        self.figures.smoothing_s = smoothing
        if self.sounds is not None:
            self.sounds.set_enabled(bool(getattr(settings, "sounds", True)))
        self.tiles.update_figures(self.figures.values())
        if self.last_status is not None:
            self._show_mode(self.last_status)

    # -- per-device indicators -------------------------------------------------------------
    def set_devices_source(self, live: Callable[[], dict[str, Any]] | None) -> None:
        """`live()` -> {role: LiveValue}; polled once a second while the screen shows, so a
        dropout reads "lost" on its device here, not in a dialog."""
        self._devices_source = live
        if live is None:
            self.devices_label.hide()
            return
        if self._devices_timer is None:
            self._devices_timer = QTimer(self)
            self._devices_timer.setInterval(1000)
            self._devices_timer.timeout.connect(self.refresh_devices)
        self._devices_timer.start()
        self.refresh_devices()

    def refresh_devices(self) -> None:
        if self._devices_source is None or not self.isVisible():
            return
        try:
            live = self._devices_source()
        except Exception:  # a device readout must never disturb the ride screen
            log.exception("device states unavailable")
            return
        parts = [_device_text(role, value) for role, value in live.items()]
        parts = [p for p in parts if p]
        self.devices_label.setText("   ".join(parts))
        self.devices_label.setVisible(bool(parts))

    # -- layout ------------------------------------------------------------------------------
    def _build(self) -> None:
        self.title = QLabel("")
        self.title.setProperty("role", "title")
        self.title.setAccessibleName("Workout name")
        self.state_chip = QLabel("RIDING")
        self.state_chip.setProperty("role", "state")
        self.state_chip.setAccessibleName("Ride state")
        self.progress_label = QLabel("")
        self.progress_label.setProperty("role", "subtitle")
        self.progress_label.setAccessibleName("Workout position")

        header = QHBoxLayout()
        header.setSpacing(12)
        header.addWidget(self.title)
        header.addWidget(self.state_chip, 0, Qt.AlignmentFlag.AlignVCenter)
        self.mode_buttons = {
            TrainerMode.ERG: _button("ERG · E", "ERG mode", "The trainer holds the target (E)"),
            TrainerMode.RESISTANCE: _button(
                "LEVEL · R", "Resistance mode", "A fixed resistance level; ride by feel (R)"
            ),
            TrainerMode.SIMULATION: _button(
                "SIM · S", "Simulation mode", "A simulated road grade; ride by feel (S)"
            ),
        }
        for mode, button in self.mode_buttons.items():
            button.setCheckable(True)
            button.setProperty("chip", True)
            button.clicked.connect(lambda _=False, m=mode: self.set_mode(m))
            header.addWidget(button, 0, Qt.AlignmentFlag.AlignVCenter)
        self.mode_buttons[TrainerMode.ERG].setChecked(True)
        self.lap_label = QLabel("")
        self.lap_label.setProperty("role", "subtitle")
        self.lap_label.setAccessibleName("Lap")
        header.addWidget(self.lap_label, 0, Qt.AlignmentFlag.AlignVCenter)
        header.addStretch(1)
        self.devices_label = QLabel("")  # one dot per device: connected / lost / connecting
        self.devices_label.setProperty("role", "subtitle")
        self.devices_label.setAccessibleName("Devices")
        self.devices_label.hide()
        header.addWidget(self.devices_label)
        header.addWidget(self.progress_label)
        self.cue_label = QLabel("")  # the workout's text cues, big enough to read at 2 m
        self.cue_label.setProperty("role", "cue")
        self.cue_label.setAccessibleName("Workout cue")
        self.cue_label.setWordWrap(True)
        self.cue_label.setStyleSheet(
            "QLabel { font-size: 20pt; font-weight: 600; color: #f5f7fa; padding: 6px 0; }"
        )
        self.cue_label.hide()

        # trainer messages: inline, never a dialog
        self.banner = QFrame()
        self.banner.setObjectName("Banner")
        self.banner.setAccessibleName("Trainer message")
        self.banner_label = QLabel("")
        self.banner_label.setWordWrap(True)
        self.banner_label.setAccessibleName("Trainer message text")
        dismiss = _button("Dismiss", "Dismiss trainer message")
        dismiss.clicked.connect(self.hide_banner)
        banner_row = QHBoxLayout(self.banner)
        banner_row.setContentsMargins(14, 8, 8, 8)
        banner_row.addWidget(QLabel("⚠"))
        banner_row.addWidget(self.banner_label, 1)
        banner_row.addWidget(dismiss)
        self.banner.hide()
        self._arrange_messages()
        self._banner_timer = QTimer(self)
        self._banner_timer.setSingleShot(True)
        self._banner_timer.timeout.connect(self.hide_banner)

        # discard: an inline confirmation; the ride keeps going while it is shown
        self.confirm_bar = QFrame()
        self.confirm_bar.setObjectName("ConfirmBar")
        self.confirm_bar.setAccessibleName("Confirm discard")
        confirm_label = QLabel("Discard this ride? Nothing of it will be saved.")
        self.keep_button = _button("Keep riding", "Keep riding")
        self.confirm_discard_button = _button(
            "Discard ride", "Confirm discard", danger=True, solid=True
        )
        self.keep_button.clicked.connect(self.cancel_discard)
        self.confirm_discard_button.clicked.connect(self.confirm_discard)
        confirm_row = QHBoxLayout(self.confirm_bar)
        confirm_row.setContentsMargins(14, 8, 8, 8)
        confirm_row.addWidget(confirm_label, 1)
        confirm_row.addWidget(self.keep_button)
        confirm_row.addWidget(self.confirm_discard_button)
        self.confirm_bar.hide()
        self._arrange_messages()

        # tiles: the rider's choice (right-click one to change it); three large on top
        self.tiles = TileBoard()
        self.tiles.keys_changed.connect(self.tiles_changed)
        # the workout's text cue, or in an interval's last seconds the countdown: one slot
        # of fixed height, so the tiles never jump
        self.countdown = CountdownBanner(self.sounds)
        self.message_slot = QWidget()
        self.message_slot.setFixedHeight(self.countdown.height())
        slot = QVBoxLayout(self.message_slot)
        slot.setContentsMargins(0, 0, 0, 0)
        slot.setSpacing(8)
        slot.addWidget(self.cue_label)
        slot.addWidget(self.countdown)
        slot.addWidget(self.banner)
        slot.addWidget(self.confirm_bar)
        slot.addStretch(1)

        self.chart = RideChart()
        self.chart.setMinimumHeight(160)
        chart_card = QFrame()
        chart_card.setObjectName("Card")
        chart_layout = QVBoxLayout(chart_card)
        chart_layout.setContentsMargins(10, 10, 14, 8)
        chart_layout.addWidget(self.chart)

        # controls
        self.pause_button = _button("Pause", "Pause", "Pause or resume (Space)")
        self.minus_button = _button("−1 %", "Intensity down", "Intensity −1 % (Down)")
        self.plus_button = _button("+1 %", "Intensity up", "Intensity +1 % (Up)")
        self.back_button = _button("◀ Back", "Skip back", "Skip back (P)")
        self.skip_button = _button("Skip ▶", "Skip forward", "Skip forward (N)")
        self.lap_button = _button("Lap", "Lap", "Start a new lap (L)")
        self.lap_button.clicked.connect(self.lap)
        self.finish_button = _button(
            "Finish", "Finish ride", "End the ride and save it", primary=True
        )
        self.discard_button = _button(
            "Discard", "Discard ride", "End the ride without saving", danger=True
        )
        self.pause_button.setMinimumWidth(120)  # "Resume" must not widen it
        self.pause_button.clicked.connect(self.toggle_pause)
        self.minus_button.clicked.connect(self.intensity_down)
        self.plus_button.clicked.connect(self.intensity_up)
        self.back_button.clicked.connect(self.skip_back)
        self.skip_button.clicked.connect(self.skip_forward)
        self.finish_button.clicked.connect(self.finish)
        self.discard_button.clicked.connect(self.ask_discard)
        controls = QHBoxLayout()
        controls.setSpacing(10)
        for button in (
            self.pause_button,
            self.minus_button,
            self.plus_button,
            self.back_button,
            self.skip_button,
            self.lap_button,
        ):
            controls.addWidget(button)
        controls.addStretch(1)
        controls.addWidget(self.discard_button)
        controls.addWidget(self.finish_button)
        self._controls = (
            self.pause_button,
            self.minus_button,
            self.plus_button,
            self.back_button,
            self.skip_button,
            self.lap_button,
            *self.mode_buttons.values(),
            self.finish_button,
            self.discard_button,
        )

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 18)
        layout.setSpacing(12)
        layout.addLayout(header)
        layout.addWidget(self.message_slot)
        layout.addWidget(self.tiles, 5)
        layout.addWidget(chart_card, 4)
        layout.addLayout(controls)
        self.keys_hint = QLabel(
            "Space pause  ·  ↑ ↓ intensity (level, grade)  ·  N / P next, back  ·  L lap  ·  "
            "E / R / S mode  ·  right-click a tile to change it"
        )
        self.keys_hint.setProperty("role", "subtitle")
        self.keys_hint.setAccessibleName("Keyboard shortcuts")
        self.keys_hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.keys_hint)
        chart_card.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def _bind_keys(self) -> None:
        bindings = (
            (Qt.Key.Key_Space, self.toggle_pause),
            (Qt.Key.Key_Up, self.intensity_up),
            (Qt.Key.Key_Down, self.intensity_down),
            (Qt.Key.Key_N, self.skip_forward),
            (Qt.Key.Key_P, self.skip_back),
            (Qt.Key.Key_L, self.lap),
            (Qt.Key.Key_E, lambda: self.set_mode(TrainerMode.ERG)),
            (Qt.Key.Key_R, lambda: self.set_mode(TrainerMode.RESISTANCE)),
            (Qt.Key.Key_S, lambda: self.set_mode(TrainerMode.SIMULATION)),
        )
        self._shortcuts = []
        for key, slot in bindings:
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)
            self._shortcuts.append(shortcut)

    # -- starting a ride ---------------------------------------------------------------------
    def start(
        self, rides: RideStarter, workout: Workout, ftp_w: float, intensity_pct: int = 100
    ) -> RideHandle:
        """Start a ride and show it. The bridge is connected before the ride starts, so no
        signal from the device loop can arrive before the screen listens."""
        bridge = RideBridge(self)
        bridge.sample.connect(self.on_sample)
        bridge.status.connect(self.on_status)
        bridge.finished.connect(self.on_finished)
        bridge.message.connect(self.show_banner)
        handle = rides.start(workout, ftp_w=ftp_w, intensity_pct=intensity_pct, observers=[bridge])
        self.bridge, self.handle, self.info = bridge, handle, handle.info
        self._reset_for(handle.info)
        return handle

    def _reset_for(self, info: RideInfo) -> None:
        self.last_status = None
        self._interval_count = len(info.workout.flat_steps())
        self.figures = LiveFigures(
            smoothing_s=self.tiles.smoothing(), interval_count=self._interval_count
        )
        self.title.setText(info.workout.name)
        self.hide_banner()
        self.confirm_bar.hide()
        self._arrange_messages()
        self.countdown.reset()
        self.tiles.clear_figures()
        if self.sounds is not None:
            self.sounds.preload()
        self.progress_label.setText(f"{display.h_mm_ss(0)} / {display.h_mm_ss(info.duration_s)}")
        self._show_state(RideState.RIDING)
        self.chart.set_profile(info.profile, info.duration_s, info.ftp_w)
        self._show_ridden(info.ridden)
        self._set_controls_enabled(True)

    def _show_ridden(self, samples: tuple[Sample, ...]) -> None:
        """A resumed ride: the figures and the chart carry on from what was ridden."""
        for sample in samples:
            self.figures.add_sample(sample)
        self.chart.extend(
            (s.workout_s, None if s.no_data else s.power_w) for s in samples if not s.paused
        )
        if samples:
            self.tiles.update_figures(self.figures.values())

    @property
    def active(self) -> bool:
        return self.handle is not None

    # -- from the ride (UI thread, queued) -------------------------------------------------------
    @Slot(object, object)
    def on_sample(self, sample: Sample, status: RideStatus) -> None:
        if self.sender() is not self.bridge:
            return  # a late signal from a previous ride
        self.figures.add_sample(sample)
        if not sample.paused:
            self.chart.append(sample.workout_s, None if sample.no_data else sample.power_w)
        self._apply_status(status)

    @Slot(object)
    def on_status(self, status: RideStatus) -> None:
        if self.sender() is not self.bridge:
            return
        self._apply_status(status)

    @Slot(object, object)
    def on_finished(self, summary: RideSummary | None, status: RideStatus) -> None:
        if self.sender() is not self.bridge:
            return
        self.last_status = status
        info = self.info
        x, y = self.chart.trace()
        bridge = self.bridge
        self.handle = None
        self.bridge = None
        self._set_controls_enabled(False)
        self.confirm_bar.hide()
        self._arrange_messages()
        if bridge is not None:
            bridge.deleteLater()
        self.ride_finished.emit(summary, info, x, y)

    def _apply_status(self, status: RideStatus) -> None:
        self.last_status = status
        while status.lap_number > self.figures.lap_number:  # one L press, or a resumed ride's
            self.figures.mark_lap(status.lap_started_s)
        self.figures.set_status(status)
        self.tiles.update_figures(self.figures.values())
        self.countdown.on_status(status)
        self._show_mode(status)
        self._show_lap(status)
        self.progress_label.setText(
            f"{display.h_mm_ss(status.position_s)} / {display.h_mm_ss(status.duration_s)}"
        )
        self.chart.set_position(status.position_s)
        self._show_state(status.state)
        if status.auto_paused:
            self.state_chip.setText("AUTO-PAUSED · PEDAL TO GO ON")
        cue = status.cue or ""
        if self.cue_label.text() != cue:
            self.cue_label.setText(cue)
        self._arrange_messages()

    def _arrange_messages(self) -> None:
        """One slot above the tiles, in order of urgency: the discard question, a trainer
        message, the countdown, the workout's cue. Its height never changes."""
        if not hasattr(self, "message_slot"):
            return  # still building
        asking = self.confirm_bar.isVisibleTo(self) or self.banner.isVisibleTo(self)
        counting = self.countdown.frame.visible and not asking
        self.countdown.setVisible(counting)
        self.cue_label.setVisible(bool(self.cue_label.text()) and not asking and not counting)

    def _show_mode(self, status: RideStatus) -> None:
        mode = status.control_mode
        _chip, (down, up), title = _MODE_TEXTS[mode]
        if mode is TrainerMode.RESISTANCE:
            value, unit = f"{status.level_pct:.0f}", "%"
        elif mode is TrainerMode.SIMULATION:
            value, unit = f"{status.grade_pct:+.1f}", "%"
        else:
            value, unit = str(status.intensity_pct), "%"
        keys = {TrainerMode.ERG: "E", TrainerMode.RESISTANCE: "R", TrainerMode.SIMULATION: "S"}
        for button_mode, button in self.mode_buttons.items():
            name = _MODE_TEXTS[button_mode][0]
            shown = (
                f"{name} {value} %" if button_mode is mode and mode is not TrainerMode.ERG else name
            )
            button.setText(f"{shown} · {keys[button_mode]}")
            button.setChecked(button_mode is mode)
        if "intensity" in self.tiles.keys():  # noqa: SIM118 (a tuple, not a dict)
            tile = self.tiles.tile_for("intensity")
            tile.set_title(title)
            tile.set_value(value)
            tile.set_unit(unit)
        self.minus_button.setText(down)
        self.plus_button.setText(up)

    def _show_lap(self, status: RideStatus) -> None:
        if status.lap_number <= 1:
            self.lap_label.setText("")
            return
        lap_s = max(status.elapsed_s - status.lap_started_s, 0)
        self.lap_label.setText(f"Lap {status.lap_number} · {display.m_ss(lap_s)}")

    def _show_state(self, state: RideState) -> None:
        paused = state is RideState.PAUSED
        self.state_chip.setText("PAUSED" if paused else "RIDING")
        set_style_property(self.state_chip, "state", "paused" if paused else "riding")
        self.pause_button.setText("Resume" if paused else "Pause")
        self.pause_button.setAccessibleName("Resume" if paused else "Pause")

    # -- banner ------------------------------------------------------------------------------
    @Slot(str)
    def show_banner(self, message: str) -> None:
        self.banner_label.setText(message)
        self.banner.show()
        self._arrange_messages()
        self._banner_timer.start(BANNER_SHOW_MS)

    @Slot()
    def hide_banner(self) -> None:
        self._banner_timer.stop()
        self.banner.hide()
        self._arrange_messages()

    # -- rider actions -------------------------------------------------------------------------
    @Slot()
    def toggle_pause(self) -> None:
        if self.handle is not None:
            self.handle.toggle_pause()

    @Slot()
    def intensity_up(self) -> None:
        if self.handle is not None:
            self.handle.nudge(+1)

    @Slot()
    def intensity_down(self) -> None:
        if self.handle is not None:
            self.handle.nudge(-1)

    @Slot()
    def lap(self) -> None:
        if self.handle is not None:
            self.handle.lap()

    def set_mode(self, mode: TrainerMode) -> None:
        if self.handle is not None:
            self.handle.set_mode(mode)

    @Slot()
    def skip_forward(self) -> None:
        if self.handle is not None:
            self.handle.skip_forward()

    @Slot()
    def skip_back(self) -> None:
        if self.handle is not None:
            self.handle.skip_back()

    @Slot()
    def finish(self) -> None:
        if self.handle is not None:
            self.handle.finish()

    @Slot()
    def ask_discard(self) -> None:
        if self.handle is None:
            return
        self.confirm_bar.show()
        self._arrange_messages()
        self.keep_button.setFocus()

    @Slot()
    def cancel_discard(self) -> None:
        self.confirm_bar.hide()
        self._arrange_messages()
        self.setFocus()

    @Slot()
    def confirm_discard(self) -> None:
        self.confirm_bar.hide()
        self._arrange_messages()
        if self.handle is not None:
            self.handle.discard()

    def _set_controls_enabled(self, enabled: bool) -> None:
        for button in self._controls:
            button.setEnabled(enabled)
        for shortcut in self._shortcuts:
            shortcut.setEnabled(enabled)


_ROLE_NAMES = {"trainer": "Trainer", "power": "Power", "cadence": "Cadence", "hr": "HR"}
_STATE_DOTS = {"connected": "●", "connecting": "◌", "lost": "○"}


def _device_text(role: str, value: Any) -> str:
    state = str(getattr(value, "state", ""))
    if state not in _STATE_DOTS:
        return ""
    words = "lost — reconnecting" if state == "lost" else ""
    return f"{_STATE_DOTS[state]} {_ROLE_NAMES.get(role, role)} {words}".rstrip()
