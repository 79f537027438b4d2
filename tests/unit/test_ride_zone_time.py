"""Time in power zone on the ride summary: Coggan zones of the recorded power at the
rider's FTP, moving seconds only, dropouts in no zone; stored as JSON and read back."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core.ports import TrainerMode
from app.core.ride.samples import RideSummary, Sample, summarize, zone_seconds
from app.core.workouts.metrics import COGGAN_ZONES, zone_of

FTP_W = 250.0


def sample(i: int, power_w: float | None, *, paused: bool = False) -> Sample:
    return Sample(
        elapsed_s=i,
        workout_s=float(i),
        power_w=power_w,
        cadence_rpm=None if power_w is None else 90.0,
        hr_bpm=None,
        speed_mps=None,
        distance_m=float(i),
        target_w=200,
        mode=TrainerMode.ERG,
        interval_index=0,
        paused=paused,
        no_data=power_w is None,
    )


powers = st.one_of(st.none(), st.floats(min_value=0, max_value=2000, allow_nan=False))
seconds = st.lists(st.tuples(powers, st.booleans()), max_size=400)
ftps = st.floats(min_value=50, max_value=500, allow_nan=False)


@given(seconds, ftps)
def test_zone_seconds_add_up_to_the_moving_seconds_with_power(
    ride: list[tuple[float | None, bool]], ftp_w: float
) -> None:
    samples = [sample(i, power, paused=paused) for i, (power, paused) in enumerate(ride)]
    summary = summarize(samples, ftp_w)
    assert len(summary.zone_s) == len(COGGAN_ZONES) == 7
    assert all(isinstance(s, int) and s >= 0 for s in summary.zone_s)
    with_power = sum(1 for power, paused in ride if not paused and power is not None)
    assert sum(summary.zone_s) == with_power <= summary.moving_s
    for zone_index, zone_s in enumerate(summary.zone_s):  # each second where zone_of puts it
        expected = sum(
            1
            for power, paused in ride
            if not paused and power is not None and zone_of(power / ftp_w) == zone_index + 1
        )
        assert zone_s == expected


@pytest.mark.parametrize(
    ("power_w", "zone"),
    [
        (0.0, 1),
        (137.0, 1),  # 54.8 %
        (137.5, 2),  # exactly 55 % is Z2
        (187.5, 2),  # exactly 75 %: upper bounds are inclusive
        (188.0, 3),
        (225.0, 3),  # exactly 90 %
        (226.0, 4),
        (262.5, 4),  # exactly 105 %
        (263.0, 5),
        (300.0, 5),  # exactly 120 %
        (301.0, 6),
        (375.0, 6),  # exactly 150 %
        (376.0, 7),
        (1500.0, 7),
    ],
)
def test_boundary_powers_land_in_the_published_zone(power_w: float, zone: int) -> None:
    summary = summarize([sample(0, power_w)], FTP_W)
    expected = [0] * 7
    expected[zone - 1] = 1
    assert list(summary.zone_s) == expected


def test_boundaries_are_the_metrics_table_at_any_ftp() -> None:
    """The same bounds as the planned workout's time in zone, at an awkward FTP too."""
    for ftp_w in (237.0, 250.0, 313.0):
        for zone in COGGAN_ZONES[1:]:
            at_low = summarize([sample(0, zone.low_ftp_fraction * ftp_w)], ftp_w).zone_s
            assert at_low.index(1) + 1 == zone_of(zone.low_ftp_fraction)


def test_paused_and_dropout_seconds_are_in_no_zone() -> None:
    samples = [sample(0, 200.0), sample(1, None), sample(2, 400.0, paused=True), sample(3, 100.0)]
    summary = summarize(samples, FTP_W)
    assert summary.moving_s == 3
    assert summary.zone_s == (1, 0, 1, 0, 0, 0, 0)  # 100 W is Z1, 200 W (80 %) Z3


def test_no_ftp_no_zones() -> None:
    assert zone_seconds([sample(0, 200.0)], 0.0) == ()
    assert summarize([sample(0, 200.0)], float("nan")).zone_s == ()
    assert summarize([], FTP_W).zone_s == (0,) * 7


def test_the_summary_goes_through_json_and_back() -> None:
    summary = summarize([sample(i, 150.0 + i) for i in range(200)], FTP_W)
    data = summary.as_dict()
    assert data["zone_s"] == list(summary.zone_s)  # JSON-friendly: a list
    back = RideSummary.from_dict(json.loads(json.dumps(data)))
    assert back == summary
    assert isinstance(back.zone_s, tuple)


def test_a_summary_stored_before_zone_time_still_reads() -> None:
    summary = summarize([sample(i, 200.0) for i in range(60)], FTP_W)
    old = summary.as_dict()
    del old["zone_s"]
    back = RideSummary.from_dict(json.loads(json.dumps(old)))
    assert back == replace(summary, zone_s=())
    assert RideSummary.from_dict({**old, "unknown_later_field": 1}) == back


@pytest.mark.parametrize("zones", ["1,2", [1.5, 2], [True], None])
def test_a_damaged_zone_list_is_refused(zones: object) -> None:
    data = summarize([sample(0, 200.0)], FTP_W).as_dict()
    with pytest.raises(TypeError):
        RideSummary.from_dict({**data, "zone_s": zones})
    del data["moving_s"]
    with pytest.raises(KeyError):
        RideSummary.from_dict(data)
