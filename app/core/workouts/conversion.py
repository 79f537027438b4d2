"""What every workout writer returns, the error a writer raises when it needs an FTP, and
small text helpers the text formats share.

A writer turns a `Workout` into one file format. Formats hold less than the model does,
so a writer also says, in plain words a rider can read, what it could not keep:
`WriteResult.dropped` is empty exactly when the file holds everything the model held.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class WriteResult:
    """`text` is the file content; `dropped` lists what the format could not hold,
    e.g. ("3 cadence targets", "repeat structure unrolled (2 blocks)")."""

    text: str
    dropped: tuple[str, ...] = ()


class MissingFtpError(ValueError):
    """The target format needs absolute watts (or FTP fractions) and the workout uses the
    other unit, but no FTP was given to convert with."""


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """'1 cadence target', '3 cadence targets'."""
    return f"{count} {noun if count == 1 else plural or noun + 's'}"


def decimal_text(value: Decimal, places: int) -> str:
    """At most `places` decimals, no trailing zeros: 250, 237.5, 95.13."""
    text = f"{value:.{places}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def source_stem(path_text: str) -> str:
    """'C:\\plans\\Sweet Spot.erg' -> 'Sweet Spot': a fallback workout name."""
    name = re.split(r"[\\/]", path_text.strip())[-1]
    stem, dot, extension = name.rpartition(".")
    return stem.strip() if dot and stem.strip() and extension.isalnum() else name.strip()
