"""The settings screen: rider, power zones, ERG, ride, ride screen, sync and data.

Nothing is saved while a value is out of range. Apply validates the whole form through
`RiderSettings.model_validate`; each problem is shown in plain words right under its
field (from `app.core.settings.explain`), the first bad field gets the focus, and the
rider's file stays as it was. A valid form is saved through the `SettingsPort` (which
writes atomically) and announced with `settings_changed(RiderSettings)`.

A new FTP is remembered in the FTP history with the day it was set; the zones table
follows the FTP field as the rider types. Problems found when the file was loaded are
shown at the top ("Your settings file had a bad value: …; the default is used").

Keys: Tab walks the form top to bottom; Up/Down step a number field (and choose the
previous/next figure in a ride-screen tile box); Return in a field or Ctrl+S applies;
Ctrl+Z (outside a field) or "Undo changes" restores the saved values.

The ride screen's tiles are chosen per slot (`TilePicker`); tiles the rider changes on
the ride screen itself are saved with `save_ride_tiles`.

Each section is a module of this package; this page puts them in two columns, and
validates, applies and reverts the whole form.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import NamedTuple

from pydantic import ValidationError
from PySide6.QtCore import Qt, QUrl, Signal, Slot
from PySide6.QtGui import QDesktopServices, QKeySequence, QResizeEvent, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from app.core.settings import RiderSettings
from app.ui.form_problems import problems_by_field
from app.ui.ports.settings import SettingsPort
from app.ui.views.settings.data import DataSection
from app.ui.views.settings.erg import ErgSection, target_range_problem
from app.ui.views.settings.ride import RideScreenSection, RideSection
from app.ui.views.settings.rider import RiderSection, history_entries
from app.ui.views.settings.sync import SyncSection, Urls
from app.ui.views.settings.zones import ZonesSection
from app.ui.widgets.form_fields import FieldError, set_tab_chain
from app.ui.widgets.form_style import FORM_STYLE
from app.ui.widgets.notice import Notice
from app.ui.widgets.scroll_columns import ScrollColumns

TWO_COLUMNS_MIN_PX = 1100  # narrower: the sections stack in one column


class _FormState(NamedTuple):
    """What the form shows, to compare with what was saved. The tiles apart:
    `save_ride_tiles` replaces them alone."""

    fields: tuple[object, ...]
    tile_slots: tuple[str | None, ...]


def load_problem_text(problems: Sequence[str]) -> str:
    if len(problems) == 1:
        return f"Your settings file had a bad value: {problems[0]}; the default is used."
    listed = "; ".join(problems)
    return f"Your settings file had bad values: {listed}. The defaults are used for those."


def nothing_saved_text(problems: Mapping[str, str], shown_under_fields: Sequence[str]) -> str:
    """The notice after an Apply with problems: the ones no field shows are said in it."""
    unplaced = [text for key, text in problems.items() if key not in shown_under_fields]
    if unplaced:
        return "Nothing was saved: " + "; ".join(unplaced) + "."
    count = len(problems)
    what = "the value marked below" if count == 1 else f"the {count} values marked below"
    return f"Nothing was saved — fix {what}."


def _os_error_reason(exc: OSError) -> str:
    return exc.strerror or str(exc) or type(exc).__name__


class SettingsView(QWidget):
    """Signals: `settings_changed(RiderSettings)` after a successful Apply that changed
    the rider's settings; `sync_urls_changed(server_url, status_page_url)` after one that
    changed the sync addresses (None = not set)."""

    settings_changed = Signal(object)  # RiderSettings
    sync_urls_changed = Signal(object, object)  # str | None, str | None

    def __init__(
        self,
        port: SettingsPort,
        *,
        today: Callable[[], date] = date.today,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("Page")
        self.setAccessibleName("Settings")
        self.setStyleSheet(FORM_STYLE)
        self.port = port
        self._today = today
        self._settings = RiderSettings()
        self._urls: Urls = (None, None)
        self._saved_form = _FormState((), ())
        self._filling = False
        head = self._build_header()
        self.load_notice = Notice()
        self.load_notice.setAccessibleName("Settings file problems")
        self.notice = Notice()
        self.notice.setAccessibleName("Apply result")
        self._build_sections()
        self._lay_out(head)
        set_tab_chain([*self._fields, self.revert_button, self.apply_button])
        self._connect_changes()
        self._add_shortcuts()
        self.reload()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.scroll_area.fit_width(self.width())

    # -- building ----------------------------------------------------------------------------
    def _build_header(self) -> QHBoxLayout:
        """The title, the state of the form, "Undo changes" and "Apply"."""
        title = QLabel("Settings")
        title.setProperty("role", "title")
        self.status_label = QLabel("")
        self.status_label.setProperty("role", "muted")
        self.status_label.setAccessibleName("Settings state")
        self.revert_button = QPushButton("Undo changes")
        self.revert_button.setAccessibleName("Undo changes: show the saved settings again")
        self.revert_button.clicked.connect(self.revert)
        self.apply_button = QPushButton("Apply")
        self.apply_button.setProperty("primary", True)
        self.apply_button.setMinimumWidth(130)
        self.apply_button.setAccessibleName("Apply settings")
        self.apply_button.setToolTip("Check and save the settings (Ctrl+S)")
        self.apply_button.clicked.connect(self.apply)
        head = QHBoxLayout()
        head.setSpacing(14)
        head.addWidget(title)
        head.addStretch(1)
        head.addWidget(self.status_label)
        head.addWidget(self.revert_button)
        head.addWidget(self.apply_button)
        return head

    def _build_sections(self) -> None:
        """The sections, their problems by field, and the fields in Tab order."""
        self.rider_section = RiderSection()
        self.zones_section = ZonesSection()
        self.erg_section = ErgSection()
        self.ride_section = RideSection()
        self.ride_screen_section = RideScreenSection()
        self.sync_section = SyncSection()
        self.data_section = DataSection()
        self.data_section.open_folder_button.clicked.connect(self.open_data_folder)
        self._name_fields()
        self.errors: dict[str, FieldError] = {
            **self.rider_section.errors,
            **self.erg_section.errors,
            **self.ride_screen_section.errors,
            **self.sync_section.errors,
        }
        self._fields: list[QWidget] = [
            *self.rider_section.focus_widgets(),
            *self.erg_section.focus_widgets(),
            *self.ride_section.focus_widgets(),
            *self.ride_screen_section.focus_widgets(),
            *self.sync_section.focus_widgets(),
            *self.data_section.focus_widgets(),
        ]

    def _name_fields(self) -> None:
        """The sections' widgets under the page's own names (as tests and scripts use them)."""
        rider, erg, sync = self.rider_section, self.erg_section, self.sync_section
        self.ftp_field = rider.ftp_field
        self.history_title = rider.history_title
        self.history = rider.history
        self.weight_field = rider.weight_field
        self.weight_unit = rider.weight_unit
        self.units = rider.units
        self.zones_caption = self.zones_section.caption
        self.zones = self.zones_section.table
        self.ramp_in_field = erg.ramp_in_field
        self.lead_field = erg.lead_field
        self.cadence_guard_check = erg.cadence_guard_check
        self.cadence_guard_field = erg.cadence_guard_field
        self.min_target_field = erg.min_target_field
        self.max_target_field = erg.max_target_field
        self.power_match_check = erg.power_match_check
        self.auto_pause_check = self.ride_section.auto_pause_check
        self.sounds_check = self.ride_section.sounds_check
        self.smoothing = self.ride_screen_section.smoothing
        self.tile_picker = self.ride_screen_section.tile_picker
        self.server_url_field = sync.server_url_field
        self.status_url_field = sync.status_url_field
        self.keyring_label = sync.keyring_label
        self.data_folder_label = self.data_section.data_folder_label
        self.open_folder_button = self.data_section.open_folder_button

    def _lay_out(self, head: QHBoxLayout) -> None:
        """The header and notices on top; below, the sections in two scrolling columns
        (one when the window is narrow, see resizeEvent)."""
        left = QVBoxLayout()
        left.setSpacing(18)
        for section in (self.rider_section, self.zones_section, self.data_section):
            left.addWidget(section)
        left.addStretch(1)
        right = QVBoxLayout()
        right.setSpacing(18)
        for right_section in (self.erg_section, self.ride_section, self.ride_screen_section,
                              self.sync_section):  # fmt: skip
            right.addWidget(right_section)
        right.addStretch(1)
        self.scroll_area = ScrollColumns(TWO_COLUMNS_MIN_PX, right_margin_px=8, bottom_margin_px=12)
        self.columns = self.scroll_area.columns
        self.columns.addLayout(left, 1)
        self.columns.addLayout(right, 1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 16, 0)
        layout.setSpacing(12)
        top = QVBoxLayout()
        top.setContentsMargins(0, 0, 20, 0)  # line up with the cards, past the scroll bar
        top.setSpacing(12)
        top.addLayout(head)
        top.addWidget(self.load_notice)
        top.addWidget(self.notice)
        layout.addLayout(top)
        layout.addWidget(self.scroll_area, 1)

    def _connect_changes(self) -> None:
        for key, error in self.errors.items():
            field = error.field
            if not isinstance(field, QLineEdit):
                continue  # the tile picker: below
            field.textEdited.connect(lambda _text, k=key: self._on_field_edited(k))
            field.textChanged.connect(self._update_dirty)
            field.returnPressed.connect(self.apply)
        self.ftp_field.textChanged.connect(self._on_ftp_text)
        checks = (self.cadence_guard_check, self.auto_pause_check, self.sounds_check,
                  self.power_match_check)  # fmt: skip
        for check in checks:
            check.toggled.connect(self._update_dirty)
        self.units.changed.connect(self._update_dirty)
        self.smoothing.changed.connect(self._update_dirty)
        self.tile_picker.changed.connect(self._on_tiles_changed)

    def _add_shortcuts(self) -> None:
        """Ctrl+S applies, Ctrl+Z (where a field does not take it) reverts."""
        for keys, slot in ((QKeySequence.StandardKey.Save, self.apply),
                           (QKeySequence.StandardKey.Undo, self.revert)):  # fmt: skip
            shortcut = QShortcut(keys, self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)

    # -- API ---------------------------------------------------------------------------------
    @property
    def settings(self) -> RiderSettings:
        """The settings as last loaded or saved (not what the form shows)."""
        return self._settings

    def reload(self) -> None:
        """Read the settings (and their problems) from the port and show them."""
        settings, problems = self.port.load()
        self.show_settings(settings, problems)

    def show_settings(self, settings: RiderSettings, problems: Sequence[str] = ()) -> None:
        """Show `settings` as the saved state (e.g. after a ramp test set a new FTP)."""
        self._settings = settings
        self._urls = (self.port.server_url, self.port.status_page_url)
        if problems:
            self.load_notice.show_message("warning", load_problem_text(problems))
        else:
            self.load_notice.dismiss()
        self.notice.dismiss()
        self.data_section.show_folder(str(self.port.data_folder))
        self.sync_section.show_keyring(self.port.keyring_state)
        self._fill(settings, self._urls)

    def visible_errors(self) -> dict[str, str]:
        """The problems shown under fields, by field ("ftp_w", "erg.lead_s", …)."""
        return {k: e.text() for k, e in self.errors.items() if e.text()}

    def is_dirty(self) -> bool:
        return self._form_state() != self._saved_form

    def history_entries(self) -> list[tuple[date, int]]:
        """The FTP history of the saved settings, newest first."""
        return history_entries(self._settings.ftp_history)

    @Slot()
    def revert(self) -> None:
        """Show the saved settings again, dropping the rider's edits and problems."""
        self.notice.dismiss()
        self._fill(self._settings, self._urls)

    @Slot()
    def apply(self) -> bool:
        """Validate the form; save and announce it when valid. True when saved (or when
        there was nothing to save)."""
        settings, urls, problems = self.validate()
        for key, error in self.errors.items():
            if key in problems:
                error.show_error(problems[key])
            else:
                error.clear_error()
        self.tile_picker.show_problem("ride_tiles" in problems)
        if settings is None or urls is None:
            self.notice.show_message("error", nothing_saved_text(problems, list(self.errors)))
            self._focus_first_problem()
            return False
        return self._save(settings, urls)

    def save_ride_tiles(self, keys: Sequence[str]) -> bool:
        """Save tiles the rider changed on the ride screen (`TileBoard.keys_changed`),
        leaving any unsaved edits on this screen as they are. Emits `settings_changed`;
        True when saved (or already so), False when the keys are not valid tiles or the
        file could not be written (said in the notice)."""
        try:
            settings = RiderSettings.model_validate(
                {**self._settings.model_dump(), "ride_tiles": tuple(keys)}
            )
        except ValidationError:
            return False
        if settings == self._settings:
            return True
        try:
            self.port.save(settings)
        except OSError as exc:
            reason = _os_error_reason(exc)
            self.notice.show_message("error", f"Could not save the ride screen tiles: {reason}.")
            return False
        picker_untouched = self.tile_picker.slots() == self._saved_form.tile_slots
        self._settings = settings
        if picker_untouched:
            self._filling = True
            try:
                self.tile_picker.set_keys(settings.ride_tiles)
            finally:
                self._filling = False
            self._saved_form = self._saved_form._replace(tile_slots=self.tile_picker.slots())
            self._update_dirty()
        self.settings_changed.emit(settings)
        return True

    def validate(self) -> tuple[RiderSettings | None, Urls | None, dict[str, str]]:
        """(settings or None, urls or None, problems by field) for what the form shows."""
        settings, problems = self._checked_settings()
        urls, url_problems = self.sync_section.checked_urls()
        problems.update(url_problems)
        if problems:
            return None, None, problems
        return settings, urls, problems

    @Slot()
    def open_data_folder(self) -> bool:
        """Open the data folder in the file manager."""
        return QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.port.data_folder)))

    # -- checking, saving and filling the form ---------------------------------------------
    def _checked_settings(self) -> tuple[RiderSettings | None, dict[str, str]]:
        """The rider's settings as the form shows them (a new FTP entered in the history),
        or None; the problems by field."""
        data = {
            **self._settings.model_dump(),
            **self.rider_section.values(),
            **self.ride_section.values(),
            **self.ride_screen_section.values(),
            **self.erg_section.values(),
        }
        problems: dict[str, str] = {}
        settings: RiderSettings | None
        try:
            settings = RiderSettings.model_validate(data)
        except ValidationError as exc:
            problems.update(problems_by_field(exc, imperial=self.rider_section.imperial()))
            settings = None
        range_problem = target_range_problem(settings.erg) if settings is not None else None
        if range_problem is not None:
            problems["erg.max_target_w"] = range_problem
            settings = None
        tiles_problem = self.ride_screen_section.tiles_problem()
        if tiles_problem is not None:
            problems["ride_tiles"] = tiles_problem
            settings = None
        if settings is not None and settings.ftp_w != self._settings.ftp_w:
            settings = settings.with_ftp(settings.ftp_w, self._today())
        return settings, problems

    def _save(self, settings: RiderSettings, urls: Urls) -> bool:
        """Save what changed through the port, show it as saved and announce it."""
        changed_settings = settings != self._settings
        changed_urls = urls != self._urls
        try:
            if changed_settings:
                self.port.save(settings)
            if changed_urls:
                self.port.set_urls(*urls)
        except OSError as exc:
            self.notice.show_message(
                "error",
                f"Could not save your settings: {_os_error_reason(exc)}. Nothing was changed.",
            )
            return False
        self._settings = settings
        self._urls = urls
        self.load_notice.dismiss()  # the file now holds good values
        self._fill(settings, urls)
        if changed_settings or changed_urls:
            self.notice.show_message("success", "Settings saved.")
        if changed_settings:
            self.settings_changed.emit(settings)
        if changed_urls:
            self.sync_urls_changed.emit(*urls)
        return True

    def _fill(self, settings: RiderSettings, urls: Urls) -> None:
        self._filling = True
        try:
            self.rider_section.fill(settings)
            self.erg_section.fill(settings.erg)
            self.ride_section.fill(settings)
            self.ride_screen_section.fill(settings)
            self.sync_section.fill(urls)
            for error in self.errors.values():
                error.clear_error()
            self.rider_section.show_history(settings.ftp_history)
            self.zones_section.show_ftp(settings.ftp_w)
        finally:
            self._filling = False
        self._saved_form = self._form_state()
        self._update_dirty()

    def _form_state(self) -> _FormState:
        fields = (
            *self.rider_section.state(),
            *self.erg_section.state(),
            *self.ride_section.state(),
            *self.ride_screen_section.state(),
            *self.sync_section.state(),
        )
        return _FormState(fields, self.tile_picker.slots())

    # -- reacting to edits -------------------------------------------------------------------
    @Slot(str)
    def _on_ftp_text(self, _text: str) -> None:
        self.zones_section.follow_ftp(self.ftp_field.number())
        self._update_dirty()

    def _on_field_edited(self, key: str) -> None:
        self.errors[key].clear_error()
        self._dismiss_error_notice_when_fixed()

    @Slot()
    def _on_tiles_changed(self) -> None:
        self.errors["ride_tiles"].clear_error()
        self._dismiss_error_notice_when_fixed()
        self._update_dirty()

    def _dismiss_error_notice_when_fixed(self) -> None:
        if self.notice.kind == "error" and not any(e.text() for e in self.errors.values()):
            self.notice.dismiss()

    @Slot()
    def _update_dirty(self) -> None:
        if self._filling:
            return
        dirty = self.is_dirty()
        self.apply_button.setEnabled(dirty)
        self.revert_button.setEnabled(dirty)
        self.status_label.setText("Unsaved changes" if dirty else "")
        if dirty and self.notice.isVisible() and self.notice.kind == "success":
            self.notice.dismiss()

    def _focus_first_problem(self) -> None:
        """Focus (and scroll to) the first field, in Tab order, that shows a problem."""
        for widget in self._fields:
            if widget in self.tile_picker.focus_widgets():
                if self.errors["ride_tiles"].text():
                    self.tile_picker.focus_problem()
                    self.scroll_area.ensureWidgetVisible(self.tile_picker, 50, 80)
                    return
                continue
            error = next((e for e in self.errors.values() if e.field is widget), None)
            if error is not None and error.text():
                widget.setFocus(Qt.FocusReason.OtherFocusReason)
                if isinstance(widget, QLineEdit):
                    widget.selectAll()
                self.scroll_area.ensureWidgetVisible(widget, 50, 80)
                return
