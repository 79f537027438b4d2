"""Metric or imperial: distance and speed wherever the app shows them."""

from __future__ import annotations

import pytest

from app.core.ports import TrainerMode
from app.core.ride.samples import Sample, summarize
from app.ui import display


@pytest.mark.parametrize(
    "units, distance, speed", [("metric", "16.09", "36.0"), ("imperial", "10.00", "22.4")]
)
def test_distance_and_speed_texts(units: str, distance: str, speed: str) -> None:
    assert display.distance_text(16_093.44, units) == distance
    assert display.speed_text(10.0, units) == speed
    assert display.distance_text(None, units) == display.MISSING


def test_the_summary_shows_miles_for_an_imperial_rider(qtbot) -> None:  # type: ignore[no-untyped-def]
    from app.ui.views.summary_view import SummaryView

    samples = [
        Sample(t, float(t), 200.0, 90.0, 140.0, 10.0, 10.0 * (t + 1), 200, TrainerMode.ERG, 0)
        for t in range(1609)
    ]
    view = SummaryView()
    qtbot.addWidget(view)
    view.show_summary(summarize(samples, 250.0), None)
    assert view.tiles["distance"].value() == "16.09"
    view.set_units("imperial")
    assert view.tiles["distance"].value() == "10.00"
    assert view.tiles["distance"]._unit.text() == "mi"
