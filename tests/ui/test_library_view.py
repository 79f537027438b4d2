"""The library screen: listing, search-as-you-type, the detail pane, starting a ride."""

from __future__ import annotations

from PySide6.QtCore import Qt

from app.ui import display
from app.ui.models.library_model import Column


def test_library_lists_every_workout_sorted_with_stats(window, rig) -> None:
    view = window.library_view
    names = [e.name for e in view.visible_entries()]
    assert names == sorted((e.name for e in rig.library.entries()), key=str.casefold)
    assert len(names) == 7
    model = view.model
    row = names.index("Sweet Spot 3x12")
    entry = rig.library.by_name("Sweet Spot 3x12")
    cells = [model.index(row, c).data() for c in Column]
    assert cells == [
        "Sweet Spot 3x12",
        None,  # the profile column: a thumbnail, no text
        "Sweet Spot",
        display.h_mm(entry.duration_s),
        str(round(entry.tss)),
        f"{entry.intensity_factor:.2f}",
    ]
    assert cells[Column.DURATION] == "1:06"  # 10 + 3 × 17 + 5 minutes
    assert view.count_label.text() == "7 workouts"


def test_search_filters_as_you_type_and_clearing_restores(window, rig, qtbot) -> None:
    view = window.library_view
    resets = []
    view.model.modelReset.connect(lambda: resets.append(view.search.text()))
    qtbot.keyClicks(view.search, "endur")
    assert [e.name for e in view.visible_entries()] == ["Endurance Hour", "Steady 200 W"]
    assert resets == ["e", "en", "end", "endu", "endur"]  # one query, one reset a keystroke
    assert view.count_label.text() == "2 of 7 workouts"

    view.search.clear()
    assert len(view.visible_entries()) == 7

    qtbot.keyClicks(view.search, "no such workout")
    assert view.visible_entries() == []
    assert view.count_label.text() == "0 of 7 workouts"


def test_search_keeps_the_selection_when_it_is_still_listed(window, qtbot) -> None:
    view = window.library_view
    view.select_row([e.name for e in view.visible_entries()].index("VO2 Max 5x3"))
    qtbot.keyClicks(view.search, "vo2")
    assert view.selected_entry() is not None
    assert view.selected_entry().name == "VO2 Max 5x3"


def test_selecting_a_workout_shows_its_detail(window, rig) -> None:
    view = window.library_view
    names = [e.name for e in view.visible_entries()]
    view.select_row(names.index("VO2 Max 5x3"))
    entry = rig.library.by_name("VO2 Max 5x3")
    detail = view.detail
    assert detail.entry is entry
    assert detail.name.text() == "VO2 Max 5x3"
    assert detail.category.text() == "VO2max"  # kept as written: not all lower case
    assert detail.description.text() == "Five hard three-minute efforts."
    assert detail.duration.value.text() == display.h_mm(entry.duration_s)
    assert detail.tss.value.text() == str(round(entry.tss))
    assert detail.intensity.value.text() == f"{entry.intensity_factor:.2f}"
    assert detail.intervals.value.text() == "12"  # warm-up, 5 × 2, cool-down
    assert detail.ride_button.isEnabled()
    assert "VO2 Max 5x3" in detail.profile.accessibleDescription()


def test_first_workout_is_selected_at_start(window) -> None:
    view = window.library_view
    assert view.selected_entry().id == view.visible_entries()[0].id
    assert view.detail.entry.id == view.visible_entries()[0].id


def test_keyboard_search_then_enter_starts_the_ride(window, qtbot) -> None:
    view = window.library_view
    view.focus_search()
    qtbot.keyClicks(view.search, "quick")
    qtbot.keyClick(view.search, Qt.Key.Key_Return)  # into the list
    assert view.table.hasFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_Return)  # ride it
    assert window.current_page() is window.ride_view
    assert window.ride_view.title.text() == "Quick Spin"


def test_double_click_starts_the_ride(window, qtbot) -> None:
    view = window.library_view
    row = [e.name for e in view.visible_entries()].index("Endurance Hour")
    index = view.model.index(row, 0)
    rect = view.table.visualRect(index)
    # QTest's double-click event comes without the press a real one follows
    qtbot.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.current_page() is window.ride_view
    assert window.ride_view.title.text() == "Endurance Hour"


def test_controls_have_accessible_names(window) -> None:
    view = window.library_view
    for widget in (view.search, view.table, view.detail.ride_button, window.nav_library):
        assert widget.accessibleName()
