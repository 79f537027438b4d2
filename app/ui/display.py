"""How the UI writes numbers: durations, watts, ratios. One place, so every screen agrees.

A missing value (None, a dropout) is always written as an em dash.
"""

from __future__ import annotations

import math

MISSING = "—"


def _missing(value: float | None) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def h_mm(seconds: float | None) -> str:
    """1:05 for 65 minutes; 0:45 for 45 minutes."""
    if _missing(seconds):
        return MISSING
    assert seconds is not None
    minutes = round(max(seconds, 0) / 60)
    return f"{minutes // 60}:{minutes % 60:02d}"


def m_ss(seconds: float | None) -> str:
    """Interval time left: 4:05; 75:00 stays in minutes."""
    if _missing(seconds):
        return MISSING
    assert seconds is not None
    total = max(math.ceil(seconds - 1e-9), 0)
    return f"{total // 60}:{total % 60:02d}"


def h_mm_ss(seconds: float | None) -> str:
    if _missing(seconds):
        return MISSING
    assert seconds is not None
    total = max(int(seconds), 0)
    return f"{total // 3600}:{total // 60 % 60:02d}:{total % 60:02d}"


def whole(value: float | None) -> str:
    """A rounded whole number (watts, bpm, rpm, TSS)."""
    if _missing(value):
        return MISSING
    assert value is not None
    return str(round(value))


def ratio(value: float | None) -> str:
    """An intensity factor: 0.85."""
    if _missing(value):
        return MISSING
    assert value is not None
    return f"{value:.2f}"


def one_decimal(value: float | None) -> str:
    if _missing(value):
        return MISSING
    assert value is not None
    return f"{value:.1f}"


def km(distance_m: float | None) -> str:
    if _missing(distance_m):
        return MISSING
    assert distance_m is not None
    return f"{distance_m / 1000:.2f}"


def category(text: str) -> str:
    """Library categories as titles: "sweet spot" -> "Sweet Spot"; "VO2max" stays."""
    if not text:
        return MISSING
    return text.title() if text.islower() else text


def minutes(seconds: float) -> str:
    """A span in whole minutes: 17′, or 1 h 05′ from an hour up."""
    total = round(max(seconds, 0) / 60)
    return f"{total // 60} h {total % 60:02d}′" if total >= 60 else f"{total}′"


M_PER_KM = 1000.0
M_PER_MILE = 1609.344


def distance_unit(units: str) -> str:
    return "mi" if units == "imperial" else "km"


def distance_text(distance_m: float | None, units: str = "metric") -> str:
    """12.34 (km) or 7.67 (mi)."""
    if _missing(distance_m):
        return MISSING
    assert distance_m is not None
    return f"{distance_m / (M_PER_MILE if units == 'imperial' else M_PER_KM):.2f}"


def speed_text(speed_mps: float | None, units: str = "metric") -> str:
    """32.4 (km/h) or 20.1 (mph)."""
    if _missing(speed_mps):
        return MISSING
    assert speed_mps is not None
    return one_decimal(speed_mps * 3600 / (M_PER_MILE if units == "imperial" else M_PER_KM))
