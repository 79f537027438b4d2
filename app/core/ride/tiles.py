"""The figures a ride-screen tile can show, by key: one list for the settings, the live
figures and the tile catalogue of the UI, so the names cannot drift apart.

Pure data and two small functions; no pydantic, so the ride screen can import it freely.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

TILE_KEYS: Final[tuple[str, ...]] = (
    # power
    "power",  # smoothed by the rider's setting (1, 3 or 10 s)
    "power_now",
    "power_3s",
    "power_10s",
    "avg_power",
    "np",
    "max_power",
    "work_kj",
    # the workout
    "target",
    "interval_left",
    "intensity",
    "elapsed",
    "remaining",
    # laps
    "lap_time",
    "lap_power",
    # body and bike
    "hr",
    "cadence",
    "speed",
    "distance",
)
"""Every figure a tile can show. `LiveFigures.values()` has each of these keys."""

CAPTION_KEYS: Final[tuple[str, ...]] = (
    "next_target",  # W, the next interval's target
    "interval_number",  # 1-based
    "interval_count",
    "lap_number",  # 1-based; 1 until the first manual lap
)
"""Figures `LiveFigures.values()` also carries for the tiles' captions (not tiles)."""

DEFAULT_TILES: Final[tuple[str, ...]] = (
    "power",
    "target",
    "interval_left",
    "hr",
    "cadence",
    "elapsed",
    "intensity",
)
"""The ride screen as it has always been: three large tiles, four small ones."""

LARGE_TILES: Final = 3  # the first keys are shown large, on top
MIN_TILES: Final = 3
MAX_TILES: Final = 8
SMOOTHING_CHOICES_S: Final[tuple[int, ...]] = (1, 3, 10)

_KNOWN: Final = frozenset(TILE_KEYS)


def is_tile_key(key: object) -> bool:
    return isinstance(key, str) and key in _KNOWN


def known_tiles(keys: Iterable[object]) -> tuple[str, ...]:
    """`keys` without the ones no tile knows (a newer version's, a typo), in order."""
    return tuple(key for key in keys if isinstance(key, str) and key in _KNOWN)


def usable_tiles(keys: Iterable[object]) -> tuple[str, ...]:
    """Something a ride screen can always show: known keys only, each once, at most
    MAX_TILES; too few are topped up from the defaults."""
    chosen: list[str] = []
    for key in known_tiles(keys):
        if key not in chosen:
            chosen.append(key)
    chosen = chosen[:MAX_TILES]
    for key in DEFAULT_TILES:
        if len(chosen) >= MIN_TILES:
            break
        if key not in chosen:
            chosen.append(key)
    return tuple(chosen)
