"""The Coggan power zones in watts at an FTP, and how the zone table reads them out.

`COGGAN_ZONES` and `zone_of` (in `app.core.workouts.metrics`) say which zone a power is
in; these give each zone's whole-watt range, so a table of zones and `zone_of` always
agree at the boundaries.
"""

from __future__ import annotations

import math

from app.core.workouts.metrics import COGGAN_ZONES, zone_of


def zone_watts(ftp_w: int) -> list[tuple[int, int | None]]:
    """Whole-watt (low, high) of zones 1..7 at `ftp_w` as `zone_of` assigns them; zone 7
    has no upper end (None)."""
    lows = [0]
    for zone in COGGAN_ZONES[1:]:
        watts = max(math.floor(zone.low_ftp_fraction * ftp_w) - 1, 0)
        while zone_of(watts / ftp_w) < zone.number:
            watts += 1
        lows.append(watts)
    return [(low, lows[i + 1] - 1 if i + 1 < len(lows) else None) for i, low in enumerate(lows)]


def zone_percent_text(index: int) -> str:
    """The zone's share of FTP as the published table has it, for zone index 0..6:
    "< 55 %", "55–75 %", "76–90 %", …, "> 150 %"."""
    zone = COGGAN_ZONES[index]
    high = round(zone.high_ftp_fraction * 100) if math.isfinite(zone.high_ftp_fraction) else 0
    if index == 0:
        return f"< {high} %"
    if index == len(COGGAN_ZONES) - 1:
        return f"> {round(zone.low_ftp_fraction * 100)} %"
    low = round(zone.low_ftp_fraction * 100) + (1 if index > 1 else 0)
    return f"{low}–{high} %"


def zone_watts_text(low_w: int, high_w: int | None) -> str:
    """ "110–150 W", or "> 300 W" for the open-ended top zone (high_w None)."""
    return f"> {low_w - 1} W" if high_w is None else f"{low_w}–{high_w} W"
