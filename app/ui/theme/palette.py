"""Colours of the dark theme, named by what they mean on screen.

Readable at 2 m from a trainer: near-white text on a near-black background, one accent
(blue) for everything that is a *target*, a warm amber for the rider's *actual* power, so
the two never look alike on the chart or on the tiles.
"""

from __future__ import annotations

from app.core.workouts.metrics import COGGAN_ZONES, zone_of

WINDOW = "#0e1116"
SURFACE = "#161b22"
SURFACE_RAISED = "#1d242d"
SURFACE_HOVER = "#252e39"
BORDER = "#2b3440"
TEXT = "#eef2f6"
TEXT_MUTED = "#9aa6b4"
TEXT_DISABLED = "#5d6773"

TARGET = "#3ea6ff"  # accent: targets, selection, primary action
TARGET_DIM = "#1b4f7d"
ACTUAL = "#ffb224"  # the rider's power
HEART = "#ff5c73"
CADENCE = "#5ee0b0"
GOOD = "#3ccf7a"
WARNING = "#f5b041"
DANGER = "#f0524f"
FREE_RIDE = "#5d6773"

# Coggan power zones 1..7 (active recovery .. neuromuscular), the usual colour order of
# indoor-cycling apps: grey, blue, green, yellow, orange, red, purple.
ZONE_COLOURS: tuple[str, ...] = (
    "#8a96a3",
    "#3d8bfd",
    "#34c46b",
    "#f2c53d",
    "#f58a2c",
    "#ec4a4a",
    "#a66cf0",
)
# Upper bounds of zones 1..6 as a fraction of FTP (the core's table); zone 7 is above.
ZONE_UPPER_FTP: tuple[float, ...] = tuple(z.high_ftp_fraction for z in COGGAN_ZONES[:-1])
ZONE_NAMES: tuple[str, ...] = (
    "Recovery",
    "Endurance",
    "Tempo",
    "Threshold",
    "VO2max",
    "Anaerobic",
    "Neuromuscular",
)


def zone_index(fraction_of_ftp: float) -> int:
    """0-based Coggan zone (0 = Z1 .. 6 = Z7) of a power given as a fraction of FTP: the
    core's `zone_of`, so a colour and a zone time never disagree at a boundary."""
    return zone_of(fraction_of_ftp) - 1
