"""The rider's weight in kilograms and pounds.

Weight is stored in kilograms; a rider on imperial units types and reads pounds. Both
directions round to a tenth, as the weight fields show it.
"""

from __future__ import annotations

import math
from typing import Final

KG_PER_LB: Final = 0.45359237


def lb_from_kg(weight_kg: float) -> float:
    """72.5 kg -> 159.8 lb."""
    return round(weight_kg / KG_PER_LB, 1)


def kg_from_lb(weight_lb: float) -> float:
    """160 lb -> 72.6 kg."""
    return round(weight_lb * KG_PER_LB, 1)


def lb_range(low_kg: float, high_kg: float) -> tuple[int, int]:
    """The whole pounds inside a range given in kilograms: 25..250 kg -> 56..551 lb."""
    return math.ceil(low_kg / KG_PER_LB), math.floor(high_kg / KG_PER_LB)
