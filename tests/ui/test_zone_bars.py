"""ZoneBars: time in each power zone as seven bars; what it shows, what a screen reader
hears, what it paints; and the summary screen's zone card."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QColor
from pytestqt.qtbot import QtBot

from app.core.ride.samples import RideSummary
from app.ui import display
from app.ui.theme import palette
from app.ui.widgets.zone_bars import (
    ZoneBars,
    ZoneBarValue,
    zone_label,
    zone_percent_text,
    zone_time_text,
)

# 50 minutes with power: 10:00 Z1, 20:00 Z2, 5:00 Z3, 12:30 Z4, 2:30 Z5, none above
ZONES = (600, 1200, 300, 750, 150, 0, 0)


@pytest.fixture
def bars(qtbot: QtBot) -> ZoneBars:
    widget = ZoneBars()
    qtbot.addWidget(widget)
    widget.resize(420, 220)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_each_bar_shows_its_zone_time_and_share(bars: ZoneBars) -> None:
    bars.set_zone_times(ZONES)
    assert bars.values() == [
        ZoneBarValue("Z1 Recovery", "10:00", "20 %"),
        ZoneBarValue("Z2 Endurance", "20:00", "40 %"),
        ZoneBarValue("Z3 Tempo", "5:00", "10 %"),
        ZoneBarValue("Z4 Threshold", "12:30", "25 %"),
        ZoneBarValue("Z5 VO2max", "2:30", "5 %"),
        ZoneBarValue("Z6 Anaerobic", "0:00", "0 %"),
        ZoneBarValue("Z7 Neuromuscular", "0:00", "0 %"),
    ]
    assert bars.has_data() and bars.zone_times() == ZONES


def test_names_are_the_apps_zone_names() -> None:
    assert [zone_label(i).split(" ", 1)[1] for i in range(7)] == list(palette.ZONE_NAMES)


def test_every_bar_is_named_for_a_screen_reader(bars: ZoneBars) -> None:
    bars.set_zone_times(ZONES)
    names = [row.accessibleName() for row in bars.rows]
    assert names[3] == "Zone 4 Threshold: 12:30, 25 %"
    assert names[0] == "Zone 1 Recovery: 10:00, 20 %"
    assert names[6] == "Zone 7 Neuromuscular: 0:00, 0 %"
    assert "12:30 of 50:00 with power" in bars.rows[3].accessibleDescription()
    assert bars.rows[3].toolTip().startswith("Z4 Threshold: 12:30")
    assert bars.accessibleName() == "Time in power zone"
    summary = bars.accessibleDescription()
    assert "zone 4 12:30, 25 %" in summary and "zone 6" not in summary  # empty zones left out


def test_times_are_m_ss_then_h_mm_ss() -> None:
    assert [zone_time_text(s) for s in (0, 59, 61, 750, 3599, 3600, 4925)] == [
        "0:00",
        "0:59",
        "1:01",
        "12:30",
        "59:59",
        "1:00:00",
        "1:22:05",
    ]


@pytest.mark.parametrize(
    ("seconds", "total", "text"),
    [
        (750, 3000, "25 %"),
        (0, 3000, "0 %"),
        (1, 3000, "<1 %"),  # a sliver is not nothing
        (15, 3000, "1 %"),  # 0.5 % rounds up
        (2999, 3000, ">99 %"),  # nearly all is not all
        (3000, 3000, "100 %"),
        (0, 0, display.MISSING),
    ],
)
def test_percentages(seconds: int, total: int, text: str) -> None:
    assert zone_percent_text(seconds, total) == text


def test_short_long_and_empty_input(bars: ZoneBars) -> None:
    bars.set_zone_times([60, 60])  # missing zones count as none
    assert [v.time for v in bars.values()] == ["1:00", "1:00"] + ["0:00"] * 5
    assert [v.percent for v in bars.values()][:3] == ["50 %", "50 %", "0 %"]
    bars.set_zone_times(range(1, 10))  # extra ones are ignored
    assert bars.zone_times() == (1, 2, 3, 4, 5, 6, 7)
    bars.set_zone_times(())
    assert not bars.has_data()
    assert [v.percent for v in bars.values()] == [display.MISSING] * 7
    assert bars.accessibleDescription() == "No power recorded"


def _colour_pixels(widget, colour: str) -> int:  # type: ignore[no-untyped-def]
    image = widget.grab().toImage()
    wanted = QColor(colour)
    return sum(
        1
        for y in range(image.height())
        for x in range(0, image.width(), 2)
        if image.pixelColor(x, y) == wanted
    )


@pytest.mark.parametrize("stacked", [False, True])
def test_bars_are_painted_in_the_zone_colours_longest_widest(qtbot: QtBot, stacked: bool) -> None:
    bars = ZoneBars(stacked=stacked)
    qtbot.addWidget(bars)
    bars.resize(440, 360 if stacked else 220)
    bars.show()
    qtbot.waitExposed(bars)
    bars.set_zone_times(ZONES)
    painted = [_colour_pixels(row, palette.ZONE_COLOURS[i]) for i, row in enumerate(bars.rows)]
    assert painted[1] == max(painted)  # Z2, the longest, fills its track
    assert painted[1] > painted[3] > painted[2] > 0  # 20:00 > 12:30 > 5:00
    assert painted[5] == painted[6] == 0  # no time, no colour


def test_the_summary_screen_shows_zone_time_only_when_the_summary_has_it(qtbot: QtBot) -> None:
    from app.ui.views.summary_view import SummaryView

    view = SummaryView()
    qtbot.addWidget(view)
    view.resize(1080, 740)
    view.show()
    qtbot.waitExposed(view)
    figures = (3000, 3000, 30_000.0, 200.0, 210.0, 400.0, 0.84, 59.0, 600.0, None, None, None)
    view.show_summary(RideSummary(*figures, 250.0, ZONES), None)
    assert view.zone_card.isVisible()
    assert view.zone_bars.values()[3] == ZoneBarValue("Z4 Threshold", "12:30", "25 %")
    view.show_summary(RideSummary(*figures, 250.0), None)  # stored before zone time
    assert not view.zone_card.isVisible()
    assert view.values()["avg_power"] == "200"  # the rest of the summary is shown as ever
