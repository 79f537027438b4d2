"""The power zones in watts: the ranges a zone table shows agree with `zone_of`."""

from itertools import pairwise

import pytest

from app.core.workouts.metrics import COGGAN_ZONES, zone_of
from app.core.zones import zone_percent_text, zone_watts, zone_watts_text


def test_zone_watts_match_zone_of_at_every_boundary() -> None:
    for ftp in (50, 137, 200, 250, 333, 700):
        for zone, (low, high) in enumerate(zone_watts(ftp), start=1):
            assert zone_of(low / ftp) == zone
            if high is not None:
                assert zone_of(high / ftp) == zone
                assert zone_of((high + 1) / ftp) == zone + 1


def test_zone_watts_at_an_ftp_of_200() -> None:
    assert zone_watts(200) == [
        (0, 109),
        (110, 150),
        (151, 180),
        (181, 210),
        (211, 240),
        (241, 300),
        (301, None),
    ]


def test_the_zone_ranges_follow_on_without_gaps() -> None:
    for ftp in (50, 199, 250, 701):
        ranges = zone_watts(ftp)
        assert len(ranges) == len(COGGAN_ZONES) and ranges[0][0] == 0
        for (_, high), (next_low, _) in pairwise(ranges):
            assert high is not None and next_low == high + 1


@pytest.mark.parametrize(
    "index, text",
    [
        (0, "< 55 %"),
        (1, "55–75 %"),
        (2, "76–90 %"),
        (3, "91–105 %"),
        (4, "106–120 %"),
        (5, "121–150 %"),
        (6, "> 150 %"),
    ],
)
def test_zone_percent_text_reads_as_the_published_table(index: int, text: str) -> None:
    assert zone_percent_text(index) == text


def test_zone_watts_text() -> None:
    assert zone_watts_text(110, 150) == "110–150 W"
    assert zone_watts_text(0, 109) == "0–109 W"
    assert zone_watts_text(301, None) == "> 300 W"
