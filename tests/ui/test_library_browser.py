"""The library browser: filter chips, sorting, favourites, thumbnails, the detail preview,
import (worker thread, drag and drop) and export.

Favourites, import and export run against a real `LibraryStore` in a temporary folder
(bundled workouts from resources/); the rest use the small hand-built library of
conftest. Waits are on signals and conditions, never sleeps.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QColor, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication

from app.core.workouts.catalog import SortKey, main_zone, search_text_of
from app.core.workouts.formats import read_workout
from app.core.workouts.profile import ProfileSegment, SegmentKind
from app.infra.store.library_db import LibraryStore
from app.services.workouts import export_workout
from app.ui.models.library_model import Column
from app.ui.services import GuiServices
from app.ui.theme import palette
from app.ui.widgets.thumbnail import render_thumbnail

BUNDLED = Path(__file__).resolve().parents[2] / "resources" / "workouts"
IMPORT_TIMEOUT_MS = 20_000
FTP_W = 250.0

GOOD_ERG = """[COURSE HEADER]
VERSION = 2
UNITS = ENGLISH
DESCRIPTION = Garage Over-Unders
FILE NAME = garage-over-unders.erg
FTP = 250
MINUTES WATTS
[END COURSE HEADER]
[COURSE DATA]
0.00 125
10.00 150
10.00 240
14.00 240
14.00 270
16.00 270
16.00 130
21.00 130
[END COURSE DATA]
"""


def names(view) -> list[str]:  # type: ignore[no-untyped-def]
    return [e.name for e in view.visible_entries()]


def chip(view, label: str):  # type: ignore[no-untyped-def]
    bar = view.filter_bar
    every = [
        *bar.duration_chips,
        *bar.zone_chips,
        bar.favourites_chip,
        *bar.source_chips.values(),
        *bar.category_chips.values(),
    ]
    return next(c for c in every if c.text() == label)


# -- filters -------------------------------------------------------------------------------------
def test_duration_chips_pick_one_range_at_a_time(window) -> None:
    view = window.library_view
    chip(view, "< 45′").click()
    short = names(view)
    assert short == ["Free Spin 20", "Quick Spin", "Sprint Drills", "Steady 200 W", "VO2 Max 5x3"]
    assert all(e.duration_s < 45 * 60 for e in view.visible_entries())
    assert view.count_label.text() == "5 of 7 workouts"

    chip(view, "45–60′").click()  # replaces the first range
    assert not chip(view, "< 45′").isChecked()
    assert names(view) == ["Endurance Hour"]  # exactly 60 minutes: the upper bound counts
    chip(view, "60–90′").click()
    assert names(view) == ["Sweet Spot 3x12"]
    chip(view, "60–90′").click()  # unchecked: no time filter
    assert len(names(view)) == 7


def test_zone_category_and_search_combine(window, rig, qtbot) -> None:
    view = window.library_view
    chip(view, "Z5").click()
    expected = [e.name for e in rig.library.entries() if main_zone(e) == 5]
    assert names(view) == expected == ["VO2 Max 5x3"]
    chip(view, "Z2").click()  # zones add up
    assert set(names(view)) == {e.name for e in rig.library.entries() if main_zone(e) in (2, 5)}
    chip(view, "Z2").click()
    chip(view, "Z5").click()

    assert set(view.filter_bar.category_chips) == {
        "anaerobic", "endurance", "recovery", "sweet spot", "test", "vo2max",
    }  # fmt: skip
    chip(view, "Endurance").click()
    assert names(view) == ["Endurance Hour", "Steady 200 W"]
    qtbot.keyClicks(view.search, "200")
    assert names(view) == ["Steady 200 W"]
    assert view.filter_bar.clear_button.isVisible()
    view.filter_bar.clear_button.click()
    assert names(view) == ["Steady 200 W"]  # the search stays
    assert not view.filter_bar.is_active()


def test_an_empty_result_says_why(window, qtbot) -> None:
    view = window.library_view
    chip(view, "Z7").click()
    assert view.visible_entries() == []
    assert view.count_label.text() == "0 of 7 workouts"
    assert view._empty is not None and view._empty.isVisible()
    assert "Clear filters" in view._empty.text()
    chip(view, "Z7").click()
    assert not view._empty.isVisible()


def test_filters_go_through_core_query(window, monkeypatch) -> None:
    import app.ui.views.library.view as library_view

    seen = []
    real = library_view.query
    monkeypatch.setattr(
        library_view,
        "query",
        lambda e, f, s, d, **kw: seen.append((f, s, d)) or real(e, f, s, d, **kw),
    )
    view = window.library_view
    chip(view, "Z4").click()
    chip(view, "Sweet Spot").click()
    f, sort, descending = seen[-1]
    assert f.zones == frozenset({4}) and f.categories == frozenset({"sweet spot"})
    assert (sort, descending) == (SortKey.NAME, False)


# -- sorting --------------------------------------------------------------------------------------
def click_header(view, qtbot, column: Column) -> None:  # type: ignore[no-untyped-def]
    header = view.table.horizontalHeader()
    x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))


def test_clicking_headers_sorts_and_reverses(window, qtbot) -> None:
    view = window.library_view
    click_header(view, qtbot, Column.TSS)
    tss = [e.tss for e in view.visible_entries()]
    assert tss == sorted(tss)
    assert view.sort == (SortKey.TSS, False)
    click_header(view, qtbot, Column.TSS)
    assert [e.tss for e in view.visible_entries()] == sorted(tss, reverse=True)
    assert view.sort == (SortKey.TSS, True)

    click_header(view, qtbot, Column.PROFILE)  # not a sort key: nothing changes
    assert view.sort == (SortKey.TSS, True)
    header = view.table.horizontalHeader()
    assert header.sortIndicatorSection() == Column.TSS

    click_header(view, qtbot, Column.DURATION)
    durations = [e.duration_s for e in view.visible_entries()]
    assert durations == sorted(durations)
    view.set_sort(SortKey.INTENSITY, descending=True)
    ifs = [e.intensity_factor for e in view.visible_entries()]
    assert ifs == sorted(ifs, reverse=True)
    assert header.sortIndicatorSection() == Column.IF
    view.set_sort(SortKey.CATEGORY)
    cats = [e.category.casefold() for e in view.visible_entries()]
    assert cats == sorted(cats)
    view.set_sort(SortKey.NAME)
    assert names(view) == sorted(names(view), key=str.casefold)


def test_sorting_keeps_the_selection(window, qtbot) -> None:
    view = window.library_view
    assert view.select_entry(next(e.id for e in view.visible_entries() if e.name == "Quick Spin"))
    view.set_sort(SortKey.DURATION, descending=True)
    assert view.selected_entry().name == "Quick Spin"
    assert view.visible_entries()[-1].name == "Quick Spin"  # the shortest, last


# -- the detail pane draws from metadata only ----------------------------------------------------
def test_selecting_draws_the_packed_profile_without_parsing(window, rig) -> None:
    loads = []
    entries = []
    for entry in rig.library.entries():
        workout = entry.workout
        entries.append(replace(entry, loader=lambda w=workout, n=entry.name: loads.append(n) or w))
    rig.library._entries = entries
    view = window.library_view
    view.refresh()
    for row in range(len(entries)):
        view.select_row(row)
    detail = view.detail
    assert detail.entry.name == names(view)[-1]
    assert loads == []  # no workout was parsed to browse the whole list
    view.select_row(names(view).index("VO2 Max 5x3"))
    assert detail.intervals.value.text() == "12"
    assert detail.zone.text() == "Z5 · VO2max"
    assert "VO2 Max 5x3" in detail.profile.accessibleDescription()
    detail.ride_button.click()  # riding parses it, once
    assert loads == ["VO2 Max 5x3"]


def test_profile_widget_draws_segments_by_zone(qtbot) -> None:
    from app.ui.widgets.profile_widget import ProfileWidget

    widget = ProfileWidget()
    qtbot.addWidget(widget)
    widget.resize(400, 160)
    widget.set_segments(
        (
            ProfileSegment(0, 300, 0.6, 0.6),
            ProfileSegment(300, 600, 1.0, 1.0),
            ProfileSegment(600, 900, 0, 0, SegmentKind.FREE_RIDE),
        ),
        900,
        "Test",
    )
    image = widget.grab().toImage()
    y = int(image.height() * 0.8)
    assert image.pixelColor(int(image.width() * 0.15), y) == QColor(palette.ZONE_COLOURS[1])
    assert image.pixelColor(int(image.width() * 0.5), y) == QColor(palette.ZONE_COLOURS[3])
    assert widget.accessibleDescription() == "Test power profile, 3 intervals, 15 minutes"


# -- thumbnails ------------------------------------------------------------------------------------
def test_thumbnail_is_coloured_by_zone() -> None:
    pixmap = render_thumbnail(
        (ProfileSegment(0, 600, 0.5, 0.5), ProfileSegment(600, 1200, 1.2, 1.2)), 100, 24
    )
    image = pixmap.toImage()
    assert image.pixelColor(25, 22) == QColor(palette.ZONE_COLOURS[0])  # 50 %: zone 1
    assert image.pixelColor(75, 22) == QColor(palette.ZONE_COLOURS[4])  # 120 %: zone 5
    assert image.pixelColor(25, 2).alpha() == 0  # above the bar: transparent
    assert image.pixelColor(75, 8).alpha() > 0  # the taller bar reaches higher


def test_the_list_paints_thumbnails_for_visible_rows_and_caches_them(window) -> None:
    view = window.library_view
    delegate = view.thumbnails
    view.table.viewport().grab()
    assert len(delegate.cache) == len(names(view)) == 7
    renders = delegate.cache.renders
    view.table.viewport().grab()
    assert delegate.cache.renders == renders  # the second paint draws from the cache
    row = names(view).index("Sweet Spot 3x12")
    rect = view.table.visualRect(view.model.index(row, Column.PROFILE))
    image = view.table.viewport().grab(rect).toImage()
    colours = {
        image.pixelColor(x, y).name() for x in range(image.width()) for y in range(image.height())
    }
    assert palette.ZONE_COLOURS[2] in colours  # the 90 % blocks: zone 3


def test_ten_thousand_rows_draw_only_what_is_visible(qtbot, rig) -> None:
    from app.ui.views.library import LibraryView

    base = rig.library.entries()
    many = [
        replace(
            base[i % len(base)],
            id=f"bulk:{i:05d}",
            name=f"Workout {i:05d}",
            search_text=search_text_of(f"Workout {i:05d}", "", (), ""),
        )
        for i in range(10_000)
    ]
    view = LibraryView(type(rig.library)(many), FTP_W)  # the conftest's in-memory library
    qtbot.addWidget(view)
    view.resize(1200, 700)
    view.populate()
    view.show()
    qtbot.waitExposed(view)
    view.table.viewport().grab()
    assert view.thumbnails.cache.renders == 0  # the first frame: text only
    view.finish_setup()
    view.table.viewport().grab()
    visible = view.table.viewport().height() // view.table.verticalHeader().defaultSectionSize() + 2
    assert 0 < view.thumbnails.cache.renders <= visible
    assert view.count_label.text() == "10000 workouts"
    qtbot.keyClicks(view.search, "0999")
    assert names(view) == ["Workout 00999"] + [f"Workout {i:05d}" for i in range(9990, 10_000)]


# -- with a real library on disk ------------------------------------------------------------------
class NoRides:
    def start(self, *args: object, **kwargs: object) -> None:
        raise AssertionError("no ride in these tests")


@pytest.fixture
def store(tmp_path) -> Iterator[LibraryStore]:
    library = LibraryStore(tmp_path / "cache" / "library.db", BUNDLED, tmp_path / "workouts")
    yield library
    library.close()


@pytest.fixture
def store_window(store, qtbot):  # type: ignore[no-untyped-def]
    from app.ui.app import create_main_window

    services = GuiServices(store, NoRides(), FTP_W, "Trainer", "Offline")
    services.export_workout = export_workout
    window = create_main_window(services)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: window.setup_finished)
    yield window
    tasks = window.library_view._tasks
    if tasks is not None:
        tasks.runner.wait(IMPORT_TIMEOUT_MS / 1000)


def test_favourites_persist_through_the_library(store_window, store, tmp_path, qtbot) -> None:
    view = store_window.library_view
    entry = store.find("threshold-2x20")
    assert view.select_entry(entry.id)
    assert not view.detail.star.isChecked()
    view.detail.star.click()
    assert store.get(entry.id).favourite
    assert view.detail.star.text() == "★"
    row = view.model.row_of(entry.id)
    assert view.model.index(row, Column.NAME).data(Qt.ItemDataRole.AccessibleTextRole) == (
        "Threshold 2x20, favourite"
    )
    chip(view, "★ Favourites").click()
    assert names(view) == ["Threshold 2x20"]

    reopened = LibraryStore(tmp_path / "cache" / "library.db", BUNDLED, tmp_path / "workouts")
    try:
        assert reopened.get(entry.id).favourite  # kept on disk
    finally:
        reopened.close()

    qtbot.keyClick(view.table, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)  # unstar
    assert not store.get(entry.id).favourite
    assert names(view) == []  # the favourites filter is still on


def make_import_folder(root: Path) -> Path:
    folder = root / "to-import"
    (folder / "nested").mkdir(parents=True)
    (folder / "garage-over-unders.erg").write_text(GOOD_ERG)
    shutil.copy(BUNDLED / "threshold-2x20.zwo", folder / "copy-of-threshold.zwo")  # duplicate
    (folder / "nested" / "broken.zwo").write_text("<workout_file><oops")
    (folder / "notes.md").write_text("not a workout: not even looked at")
    return folder


def test_import_runs_on_a_worker_and_reports_every_file(store_window, store, tmp_path, qtbot):
    view = store_window.library_view
    before = len(view.visible_entries())
    chip(view, "Z7").click()  # the new workout is hidden by a filter at first
    folder = make_import_folder(tmp_path)
    with qtbot.waitSignal(view.import_finished, timeout=IMPORT_TIMEOUT_MS) as done:
        view.import_paths([folder])
        assert view.notice.kind == "busy"  # returned at once; the worker is on it
    report = done.args[0]
    assert [e.name for e in report.added] == ["Garage Over-Unders"]
    assert len(report.duplicates) == 1 and len(report.errors) == 1

    assert len(view.visible_entries()) == before + 1  # filters cleared to show it
    assert view.selected_entry().name == "Garage Over-Unders"
    assert view.detail.entry.name == "Garage Over-Unders"
    assert view.detail.source.text() == "Imported"
    text = view.notice.text.text()
    assert text.startswith("Imported 1 workout, 1 duplicate skipped, 1 could not be read")
    assert "broken.zwo" in text
    assert view.notice.kind == "warning"
    view.notice.details_button.click()
    assert view.notice.details_area.isVisible()
    details = view.notice.details.text()
    assert "broken.zwo" in details
    assert "copy-of-threshold.zwo — same as “Threshold 2x20”" in details
    chip(view, "Imported").click()
    assert names(view) == ["Garage Over-Unders"]


def test_dropping_files_on_the_window_imports_them(store_window, store, tmp_path, qtbot):
    view = store_window.library_view
    folder = make_import_folder(tmp_path)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(folder / "garage-over-unders.erg"))])
    pos = QPointF(store_window.width() / 2, store_window.height() / 2)
    enter = QDragEnterEvent(
        pos.toPoint(),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(store_window, enter)
    assert enter.isAccepted()
    assert store_window.drop_overlay_visible
    drop = QDropEvent(
        pos,
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    with qtbot.waitSignal(view.import_finished, timeout=IMPORT_TIMEOUT_MS):
        QApplication.sendEvent(store_window, drop)
    assert not store_window.drop_overlay_visible
    assert store.find("Garage Over-Unders") is not None
    assert view.selected_entry().name == "Garage Over-Unders"
    assert view.notice.text.text() == "Imported 1 workout."


def test_a_drag_without_local_files_is_refused(store_window) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl("https://example.com/workout.zwo")])
    enter = QDragEnterEvent(
        QPoint(50, 50),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    enter.setAccepted(False)
    QApplication.sendEvent(store_window, enter)
    assert not enter.isAccepted()
    assert not store_window.drop_overlay_visible


# -- export ----------------------------------------------------------------------------------------
def test_export_writes_a_readable_file_and_says_what_was_dropped(store_window, store, tmp_path):
    view = store_window.library_view
    entry = store.find("threshold-2x20")
    view.select_entry(entry.id)
    exported = []
    view.exported.connect(lambda path, encoded: exported.append((path, encoded)))

    target = tmp_path / "out" / "threshold.erg"
    target.parent.mkdir()
    encoded = view.export_to(target)
    assert encoded is not None and encoded.dropped  # .erg keeps no description
    back = read_workout(target.read_bytes(), target.name)
    assert back.duration_s == pytest.approx(entry.duration_s)
    assert [p.name for p in target.parent.iterdir()] == ["threshold.erg"]  # no temp file left
    assert view.notice.kind == "warning"
    assert "Exported “Threshold 2x20” to threshold.erg." in view.notice.text.text()
    assert all(item in view.notice.details.text() for item in encoded.dropped)
    assert exported == [(target, encoded)]

    zwo = view.export_to(tmp_path / "out" / "threshold")  # no extension: the chosen filter's
    assert zwo is not None
    assert read_workout((tmp_path / "out" / "threshold.zwo").read_bytes(), "t.zwo").name == (
        "Threshold 2x20"
    )


def test_export_dialog_does_not_block(store_window, store, tmp_path, qtbot) -> None:
    view = store_window.library_view
    view.select_entry(store.find("threshold-2x20").id)
    view.detail.export_button.click()  # returns: the dialog is open, not exec()'d
    dialog = view.tasks.dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.selectedFiles()[0].endswith("threshold-2x20.zwo")
    target = tmp_path / "from-dialog.mrc"
    dialog.selectFile(str(target))
    dialog.accept()
    assert target.exists()
    assert read_workout(target.read_bytes(), target.name).name == "Threshold 2x20"
    assert view.notice.kind in ("success", "warning")


def test_export_failure_is_a_notice_not_a_crash(store_window, store, tmp_path) -> None:
    view = store_window.library_view
    view.select_entry(store.find("threshold-2x20").id)
    assert view.export_to(tmp_path / "missing-folder" / "x.zwo") is None
    assert view.notice.kind == "error"
    assert "Could not export" in view.notice.text.text()


def test_the_spelled_out_qt_numbers_are_qts() -> None:
    """library_model spells out Qt's role and alignment numbers (to keep the first frame
    clear of the `Qt` namespace): they must be Qt's."""
    from app.ui.models import library_model as m

    roles = Qt.ItemDataRole
    assert (
        roles.DisplayRole.value,
        roles.DecorationRole.value,
        roles.ToolTipRole.value,
    ) == (m.DISPLAY_ROLE, m.DECORATION_ROLE, m.TOOLTIP_ROLE)
    assert (
        roles.TextAlignmentRole.value,
        roles.AccessibleTextRole.value,
        roles.UserRole.value,
    ) == (m.TEXT_ALIGNMENT_ROLE, m.ACCESSIBLE_TEXT_ROLE, m.USER_ROLE)
    align = Qt.AlignmentFlag
    assert (
        align.AlignLeft.value,
        align.AlignRight.value,
        align.AlignHCenter.value,
        align.AlignVCenter.value,
    ) == (m.ALIGN_LEFT, m.ALIGN_RIGHT, m.ALIGN_HCENTER, m.ALIGN_VCENTER)


def test_headers_come_from_the_header_model(window) -> None:
    header = window.library_view.table.horizontalHeader()
    labels = [
        header.model().headerData(c, Qt.Orientation.Horizontal) for c in range(header.count())
    ]
    assert labels == ["WORKOUT", "PROFILE", "CATEGORY", "TIME", "TSS", "IF"]
    tip = header.model().headerData(
        Column.TSS, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole
    )
    assert tip.startswith("Sort by training stress")
