"""The History screen: the list, the detail pane, export, the trash; fake ports, and one test
over a real rides.db read by the real RideHistory."""

from __future__ import annotations

import math
import threading
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from app.core.ports import TrainerMode
from app.core.ride.samples import Sample, summarize
from app.ui import display
from app.ui.views.history import HistoryView
from app.ui.views.history.export import export_file_name
from app.ui.views.history.ride_list import CHIP_ROLE, LINES_ROLE, Column
from app.ui.views.history.words import date_lines, long_date_text
from app.ui.views.summary_view import summary_texts

FTP_W = 250.0
T0 = datetime(2025, 3, 14, 7, 12, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Listing:
    id: str
    workout_name: str
    started_at: datetime
    state: str = "complete"
    moving_s: int = 0
    tss: float | None = None
    avg_power_w: float | None = None
    np_w: float | None = None
    sync_state: str = "uploaded"
    trashed: bool = False


def ride_samples(
    seconds: int,
    target_w: int | None = 200,
    *,
    paused: range = range(0),
    dropouts: range = range(0),
) -> list[Sample]:
    """Deterministic 1 Hz samples around `target_w` (150 W without a target)."""
    out = []
    position = 0.0
    distance = 0.0
    for i in range(seconds):
        if i in paused:
            out.append(
                Sample(
                    i,
                    position,
                    None,
                    None,
                    120,
                    0.0,
                    distance,
                    target_w,
                    TrainerMode.ERG,
                    0,
                    paused=True,
                )
            )
            continue
        gone = i in dropouts
        power = None if gone else float((target_w or 150) + (i * 37) % 41 - 20)
        distance += 8.0
        out.append(
            Sample(
                i,
                position,
                power,
                None if gone else 90.0,
                None if gone else 140.0,
                8.0,
                distance,
                target_w,
                TrainerMode.ERG if target_w else TrainerMode.RESISTANCE,
                0,
                no_data=gone,
            )
        )
        position += 1.0
    return out


class FakeHistory:
    """The RideHistoryPort over dicts; counts what the view asks for."""

    def __init__(self) -> None:
        self.listings: dict[str, Listing] = {}
        self.data: dict[str, list[Sample]] = {}
        self.sample_calls: list[str] = []
        self.trashed: list[str] = []
        self.restored: list[str] = []

    def add(self, listing: Listing, samples: list[Sample]) -> Listing:
        summary = summarize(samples, FTP_W)
        complete = listing.state == "complete"
        listing = replace(
            listing,
            moving_s=summary.moving_s,
            tss=summary.tss if complete else None,
            avg_power_w=summary.avg_power_w if complete else None,
            np_w=summary.np_w if complete else None,
        )
        self.listings[listing.id] = listing
        self.data[listing.id] = samples
        return listing

    def rides(self, *, include_trash: bool = False) -> list[Listing]:
        rides = list(self.listings.values())  # in no particular order: the view sorts
        return [r for r in rides if include_trash or not r.trashed]

    def samples(self, ride_id: str) -> list[Sample]:
        self.sample_calls.append(ride_id)
        return self.data[ride_id]

    def trash(self, ride_id: str) -> None:
        self.trashed.append(ride_id)
        self.listings[ride_id] = replace(self.listings[ride_id], trashed=True)

    def restore(self, ride_id: str) -> None:
        self.restored.append(ride_id)
        self.listings[ride_id] = replace(self.listings[ride_id], trashed=False)


class FakeExporter:
    def __init__(self, error: Exception | None = None) -> None:
        self.calls: list[tuple[str, Path, str]] = []
        self.threads: list[threading.Thread] = []
        self.error = error

    def __call__(self, ride_id: str, path: Path, kind: str) -> None:
        self.calls.append((ride_id, path, kind))
        self.threads.append(threading.current_thread())
        if self.error is not None:
            raise self.error
        path.write_bytes(b"ride")


@pytest.fixture
def history() -> FakeHistory:
    h = FakeHistory()
    # added out of order on purpose
    h.add(
        Listing("b", "Threshold 2x20", T0 - timedelta(days=2), sync_state="failed"),
        ride_samples(900, 240),
    )
    h.add(
        Listing("a", "Sweet Spot 3x15", T0, state="interrupted", sync_state="not queued"),
        ride_samples(600, 225, paused=range(100, 130)),
    )
    h.add(
        Listing("d", "Endurance 90", T0 - timedelta(days=5), sync_state="uploaded"),
        ride_samples(1200, 170, dropouts=range(300, 310)),
    )
    h.add(
        Listing("c", "VO2 Max 5x4", T0 - timedelta(days=3), sync_state="waiting"),
        ride_samples(700, 290),
    )
    h.add(
        Listing(
            "x",
            "Discarded Spin",
            T0 - timedelta(days=1),
            state="discarded",
            sync_state="not queued",
        ),
        ride_samples(60, None),
    )
    h.add(Listing("t", "Quick Spin", T0 - timedelta(days=4), trashed=True), ride_samples(300, 150))
    return h


@pytest.fixture
def exporter() -> FakeExporter:
    return FakeExporter()


@pytest.fixture
def view(qtbot: QtBot, history: FakeHistory, exporter: FakeExporter) -> Iterator[HistoryView]:
    v = HistoryView(history, exporter, FTP_W)
    qtbot.addWidget(v)
    v.resize(1080, 760)
    v.show()
    qtbot.waitExposed(v)
    yield v
    assert v.wait_for_exports(5.0)


def selected_id(view: HistoryView) -> str | None:
    ride = view.selected_ride()
    return None if ride is None else ride.id


def _column(view: HistoryView, column: Column, role: int = Qt.ItemDataRole.DisplayRole) -> list:  # type: ignore[type-arg]
    model = view.model
    return [model.index(row, column).data(role) for row in range(model.rowCount())]


# -- the list ----------------------------------------------------------------------------------
def test_rides_are_listed_newest_first_with_their_figures_and_chips(view: HistoryView) -> None:
    assert [r.id for r in view.visible_rides()] == ["a", "b", "c", "d"]  # no trash, no discarded
    assert _column(view, Column.WORKOUT) == [
        "Sweet Spot 3x15",
        "Threshold 2x20",
        "VO2 Max 5x4",
        "Endurance 90",
    ]
    b = view.visible_rides()[1]
    row_b = [view.model.index(1, c).data() for c in Column]
    assert row_b == [
        long_date_text(b.started_at),
        "Threshold 2x20",
        display.h_mm(900),
        display.whole(b.tss),
        display.whole(b.avg_power_w),
        "Upload failed",
    ]
    assert view.model.index(1, Column.DATE).data(LINES_ROLE) == date_lines(b.started_at)
    chips = [(text, tone) for text, tone, _ in _column(view, Column.STATUS, CHIP_ROLE)]
    assert chips == [
        ("Interrupted", "warning"),  # an interrupted ride is marked, in the sync column
        ("Upload failed", "danger"),
        ("Waiting", "info"),
        ("Uploaded", "good"),
    ]
    # an interrupted ride has no stored summary yet: its figures are dashes, not zeros
    assert _column(view, Column.TSS)[0] == display.MISSING
    assert view.count_label.text() == "4 rides"
    assert view.trash_toggle.text() == "Show trash (1)"
    assert view.selected_ride() is view.visible_rides()[0]  # the newest is shown at once


def test_dates_are_local_and_written_like_the_summary_screen() -> None:
    local = datetime(2025, 3, 14, 7, 12).astimezone()  # a Friday, in the local zone
    now = datetime(2025, 6, 1, 12, 0).astimezone()
    assert date_lines(local, now) == ("Fri 14 Mar", "07:12")
    assert long_date_text(local, now) == "Fri 14 Mar, 07:12"
    next_year = now.replace(year=2026)
    assert date_lines(local, next_year) == ("Fri 14 Mar", "2025 · 07:12")
    assert long_date_text(local, next_year) == "Fri 14 Mar 2025, 07:12"
    assert date_lines(local.astimezone(UTC), now) == ("Fri 14 Mar", "07:12")  # shown local


def test_refresh_keeps_the_selection_and_shows_new_sync_states(
    view: HistoryView, history: FakeHistory
) -> None:
    assert view.select_ride("c")
    history.listings["c"] = replace(history.listings["c"], sync_state="uploaded")
    history.add(Listing("n", "New Ride", T0 + timedelta(hours=5)), ride_samples(120, 200))
    view.refresh()
    assert selected_id(view) == "c"
    assert [r.id for r in view.visible_rides()][:2] == ["n", "a"]
    assert view.sync_chip.text() == "Uploaded"
    assert view.table.currentIndex().row() == view.model.row_of("c")


def test_an_empty_history_says_so(qtbot: QtBot, exporter: FakeExporter) -> None:
    v = HistoryView(FakeHistory(), exporter, FTP_W)
    qtbot.addWidget(v)
    v.show()
    qtbot.waitExposed(v)
    assert v.model.rowCount() == 0
    assert v.empty_label.isVisible() and "No rides yet" in v.empty_label.text()
    assert v.selected_ride() is None and v.detail_values() == {}
    assert not v.zone_section.isVisible()
    assert not v.export_fit_button.isEnabled() and not v.delete_button.isEnabled()


# -- the detail --------------------------------------------------------------------------------
def test_the_detail_figures_are_summarize_of_the_samples(
    view: HistoryView, history: FakeHistory
) -> None:
    for ride_id in ("a", "b", "d"):
        assert view.select_ride(ride_id)
        expected = summary_texts(summarize(history.data[ride_id], FTP_W))
        assert view.detail_values() == expected
        for key, text in expected.items():
            assert view.figures[key].text == text
    # the paused seconds of "a" count in the elapsed time but not in the moving time
    view.select_ride("a")
    assert view.detail_values()["duration"] == display.h_mm_ss(600)
    assert "moving 0:09:30" in view.when_label.text()
    assert f"FTP {round(FTP_W)} W" in view.when_label.text()
    assert view.name_label.text() == "Sweet Spot 3x15"
    assert (view.state_chip.text(), view.state_chip.property("tone")) == ("Interrupted", "warning")
    assert view.sync_chip.text() == "Not synced"


def test_the_detail_shows_time_in_zone(view: HistoryView, history: FakeHistory) -> None:
    view.select_ride("d")  # 1200 s around 170 W, ten of them dropouts: in no zone
    zone_s = summarize(history.data["d"], FTP_W).zone_s
    assert sum(zone_s) == 1190
    assert view.zone_section.isVisible()
    assert view.zone_bars.zone_times() == zone_s
    assert zone_s[1] / sum(zone_s) > 0.9  # 150–187 W: endurance
    spoken = view.zone_bars.accessibleDescription()
    assert f"zone 2 {display.minutes(zone_s[1])}" in spoken
    view.select_ride("b")  # 240 W ± 20 at FTP 250: tempo, threshold and VO2max seconds
    assert view.zone_bars.zone_times() == summarize(history.data["b"], FTP_W).zone_s
    view.set_ftp(300.0)  # zones follow the FTP, like IF and TSS
    assert view.zone_bars.zone_times() == summarize(history.data["b"], 300.0).zone_s


def test_a_ride_without_power_has_no_zone_bars(view: HistoryView, history: FakeHistory) -> None:
    history.add(
        Listing("z", "Dropout Ride", T0 + timedelta(hours=1)),
        ride_samples(120, 200, dropouts=range(120)),
    )
    view.refresh()
    assert view.select_ride("z")
    assert not view.zone_section.isVisible()
    assert view.select_ride("b")
    assert view.zone_section.isVisible()
    history.data.pop("c")
    view.select_ride("c")  # cannot be read: nothing to show
    assert not view.zone_section.isVisible()


def test_the_detail_fits_a_1280x800_window_with_the_delete_question_up(
    qtbot: QtBot, history: FakeHistory, exporter: FakeExporter
) -> None:
    """In the app's theme the page is 1080 × 775 there (sidebar and status bar aside):
    chart, time in zone and the inline question must all fit, or the window would grow
    past the screen, and a window does not shrink back."""
    from PySide6.QtGui import QFont

    from app.ui.theme.style import BASE_FONT_PT, stylesheet

    v = HistoryView(history, exporter, FTP_W)
    qtbot.addWidget(v)
    font = QFont(v.font())
    font.setPointSize(BASE_FONT_PT)
    v.setFont(font)
    v.setStyleSheet(stylesheet() + "\n" + v.styleSheet())  # the theme, on this view only
    v.resize(1080, 775)
    v.show()
    qtbot.waitExposed(v)
    v.select_ride("b")
    QApplication.processEvents()
    v.ask_delete()
    QApplication.processEvents()
    assert v.confirming and v.zone_section.isVisible()
    assert v.minimumSizeHint().height() <= 775
    assert v.height() == 775  # not even for a moment while the question comes up


def test_the_chart_draws_target_and_actual_over_moving_time(
    view: HistoryView, history: FakeHistory
) -> None:
    view.select_ride("d")  # 1200 s, ten of them dropouts
    x, y = view.chart.trace()
    assert len(x) == 1200
    assert int(sum(1 for v in y if math.isnan(v))) == 10
    view.select_ride("a")  # 600 s, 30 of them paused: left out
    x, _ = view.chart.trace()
    assert len(x) == 570 and x[-1] == 569.0
    assert view.chart.isVisible()


def test_a_ride_is_read_once_while_it_stays_in_the_cache(
    view: HistoryView, history: FakeHistory
) -> None:
    for ride_id in ("b", "c", "b", "c", "b"):
        view.select_ride(ride_id)
    assert history.sample_calls.count("b") == 1
    assert history.sample_calls.count("c") == 1


def test_changing_ftp_recomputes_the_figures(view: HistoryView, history: FakeHistory) -> None:
    view.select_ride("b")
    view.set_ftp(300.0)
    assert view.detail_values() == summary_texts(summarize(history.data["b"], 300.0))


def test_a_ride_that_cannot_be_read_is_reported_inline(
    view: HistoryView, history: FakeHistory
) -> None:
    history.data.pop("c")  # KeyError from samples()
    view.select_ride("c")
    assert view.notice.isVisible() and view.notice.kind == "error"
    assert "VO2 Max 5x4" in view.notice.text.text()
    assert view.detail_values() == {}
    assert view.chart_hint.isVisible()


# -- export ------------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", ["fit", "tcx"])
def test_export_asks_where_then_writes_there_off_the_ui_thread(
    qtbot: QtBot, view: HistoryView, exporter: FakeExporter, tmp_path: Path, kind: str
) -> None:
    view.select_ride("b")
    view.export_dir = tmp_path
    button = view.export_fit_button if kind == "fit" else view.export_tcx_button
    button.click()
    dialog = view.export_dialog
    assert dialog is not None and dialog.isVisible()
    assert QApplication.activeModalWidget() in (None, dialog)  # .open(): no nested loop
    ride = view.selected_ride()
    assert ride is not None
    local_day = ride.started_at.astimezone().strftime("%Y-%m-%d")
    default = Path(dialog.selectedFiles()[0])
    assert default.name == f"{local_day} Threshold 2x20.{kind}" == export_file_name(ride, kind)  # type: ignore[arg-type]
    assert default.parent == tmp_path

    chosen = tmp_path / f"mine.{kind}"
    with qtbot.waitSignal(view.exported, timeout=5000) as signal:
        dialog.selectFile(str(chosen))
        dialog.accept()
    assert signal.args == ["b", chosen, kind]
    assert exporter.calls == [("b", chosen, kind)]
    assert exporter.threads[0] is not threading.main_thread()
    assert chosen.read_bytes() == b"ride"
    assert view.notice.kind == "success" and chosen.name in view.notice.text.text()


def test_export_adds_the_extension_and_keeps_the_folder(
    qtbot: QtBot, view: HistoryView, exporter: FakeExporter, tmp_path: Path
) -> None:
    with qtbot.waitSignal(view.exported, timeout=5000):
        assert view.export_to(tmp_path / "ride", "tcx", ride_id="c")
    assert exporter.calls == [("c", tmp_path / "ride.tcx", "tcx")]
    assert view.export_dir == tmp_path


def test_a_failed_export_is_an_inline_error_not_a_dialog(
    qtbot: QtBot, history: FakeHistory, tmp_path: Path
) -> None:
    exporter = FakeExporter(OSError(28, "No space left on device"))
    v = HistoryView(history, exporter, FTP_W)
    qtbot.addWidget(v)
    v.show()
    with qtbot.waitSignal(v.export_failed, timeout=5000) as signal:
        v.export_to(tmp_path / "x.fit", "fit")
    assert signal.args == ["a", "No space left on device"]
    assert v.notice.kind == "error"
    assert "No space left on device" in v.notice.text.text()
    assert QApplication.activeModalWidget() is None
    assert v.wait_for_exports(5.0)


def test_file_names_are_safe_on_any_disk() -> None:
    odd = Listing("z", 'Over/Under: "hard"?', datetime(2025, 3, 14, 23, 30).astimezone())
    assert export_file_name(odd, "fit") == "2025-03-14 Over Under hard.fit"
    assert export_file_name(replace(odd, workout_name="..."), "tcx") == "2025-03-14 Ride.tcx"


# -- delete, undo, trash -----------------------------------------------------------------------
def test_delete_asks_inline_then_moves_to_the_trash_and_undo_brings_it_back(
    qtbot: QtBot, view: HistoryView, history: FakeHistory
) -> None:
    view.select_ride("b")
    view.delete_button.click()
    assert view.confirming and not view.button_row.isVisible()
    assert view.confirm_label.text() == "Move to trash? It stays there for 30 days."
    assert history.trashed == []  # nothing happens until the rider confirms
    view.cancel_delete_button.click()
    assert not view.confirming and history.trashed == []

    view.delete_button.click()
    with qtbot.waitSignal(view.ride_trashed) as trashed:
        view.confirm_delete_button.click()
    assert trashed.args == ["b"] and history.trashed == ["b"]
    assert [r.id for r in view.visible_rides()] == ["a", "c", "d"]
    assert selected_id(view) == "c"
    assert view.notice.isVisible() and view.notice.action_button.isVisible()
    assert view.notice.action_button.text() == "Undo"
    assert view.trash_toggle.text() == "Show trash (2)"

    with qtbot.waitSignal(view.ride_restored) as restored:
        view.notice.action_button.click()
    assert restored.args == ["b"] and history.restored == ["b"]
    assert [r.id for r in view.visible_rides()] == ["a", "b", "c", "d"]
    assert selected_id(view) == "b"
    assert not view.can_undo


def test_delete_and_undo_from_the_keyboard(
    qtbot: QtBot, view: HistoryView, history: FakeHistory
) -> None:
    view.activateWindow()
    qtbot.waitUntil(view.isActiveWindow)
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_Down)
    assert selected_id(view) == "b"
    qtbot.keyClick(view.table, Qt.Key.Key_Delete)
    assert view.confirming and view.cancel_delete_button.hasFocus()
    qtbot.keyClick(view.cancel_delete_button, Qt.Key.Key_Escape)
    assert not view.confirming and view.table.hasFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_Delete)
    qtbot.keyClick(view.cancel_delete_button, Qt.Key.Key_Tab)
    assert view.confirm_delete_button.hasFocus()
    qtbot.keyClick(view.confirm_delete_button, Qt.Key.Key_Space)
    assert history.trashed == ["b"]
    assert view.table.hasFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert history.restored == ["b"]


def test_show_trash_lists_trashed_rides_and_restores_them(
    qtbot: QtBot, view: HistoryView, history: FakeHistory
) -> None:
    view.trash_toggle.click()
    assert view.show_trash
    assert [r.id for r in view.visible_rides()] == ["t"]
    assert view.count_label.text() == "1 ride in the trash"
    assert view.restore_button.isVisible() and not view.delete_button.isVisible()
    assert view.state_chip.text() == "In trash"
    view.ask_delete()  # nothing to delete in the trash
    assert not view.confirming

    with qtbot.waitSignal(view.ride_restored):
        view.restore_button.click()
    assert history.restored == ["t"]
    assert view.visible_rides() == []
    assert view.empty_label.isVisible() and "trash is empty" in view.empty_label.text()
    assert not view.restore_button.isEnabled()

    view.trash_toggle.click()
    assert not view.show_trash
    assert "t" in [r.id for r in view.visible_rides()]
    assert view.trash_toggle.text() == "Show trash"


def test_everything_is_reachable_and_named(view: HistoryView) -> None:
    for named in (
        view.trash_toggle,
        view.table,
        view.export_fit_button,
        view.export_tcx_button,
        view.delete_button,
        view.restore_button,
        view.confirm_delete_button,
        view.cancel_delete_button,
    ):
        assert named.accessibleName()
        assert named.focusPolicy() & Qt.FocusPolicy.TabFocus
    order: list[QWidget] = []
    widget: QWidget = view.trash_toggle
    for _ in range(4):
        widget = widget.nextInFocusChain() or widget
        while not widget.focusPolicy() & Qt.FocusPolicy.TabFocus or not widget.isVisible():
            widget = widget.nextInFocusChain() or widget
        order.append(widget)
    assert order == [view.table, view.export_fit_button, view.export_tcx_button, view.delete_button]


# -- over a real rides.db ----------------------------------------------------------------------
def test_the_view_over_the_real_ride_history(
    qtbot: QtBot, tmp_path: Path, exporter: FakeExporter
) -> None:
    from app.infra.store.history import RideHistory
    from app.infra.store.journal import JournalWriter

    db = tmp_path / "rides.db"
    done = ride_samples(900, 230, paused=range(200, 230))
    cut = ride_samples(400, 200)
    writer = JournalWriter(db)
    try:
        writer.begin("done", "Threshold 2x20", FTP_W, T0.isoformat())
        for sample in done:
            writer.append("done", sample)
        writer.end(
            "done", "complete", (T0 + timedelta(hours=1)).isoformat(), summarize(done, FTP_W)
        )
        later = T0 + timedelta(days=1)
        writer.begin("cut", "Sweet Spot 3x15", FTP_W, later.isoformat())
        for sample in cut:
            writer.append("cut", sample)  # no end: the app stopped during this ride
        writer.flush()
    finally:
        writer.close()

    v = HistoryView(RideHistory(db), exporter, FTP_W)
    qtbot.addWidget(v)
    v.show()
    assert [r.id for r in v.visible_rides()] == ["cut", "done"]
    chips = [chip[0] for chip in _column(v, Column.STATUS, CHIP_ROLE)]
    assert chips == ["Interrupted", "Waiting"]  # a finished ride is queued for upload
    assert _column(v, Column.DURATION) == [display.h_mm(400), display.h_mm(870)]
    assert v.select_ride("done")
    assert v.detail_values() == summary_texts(summarize(done, FTP_W))
    assert v.zone_bars.zone_times() == summarize(done, FTP_W).zone_s  # the real samples

    v.ask_delete()
    v.confirm_delete()
    assert [r.id for r in RideHistory(db).rides()] == ["cut"]
    v.set_show_trash(True)
    assert [r.id for r in v.visible_rides()] == ["done"]
    v.restore_selected()
    assert [r.id for r in RideHistory(db).rides()] == ["cut", "done"]
    v.set_show_trash(False)
    assert [r.id for r in v.visible_rides()] == ["cut", "done"]


def test_a_refresh_does_not_take_the_question_away(view: HistoryView) -> None:
    view.select_ride("c")
    view.ask_delete()
    view.refresh()  # e.g. an upload finished meanwhile
    assert view.confirming and selected_id(view) == "c"
    view.select_ride("d")  # another ride: the question was about "c"
    assert not view.confirming
