"""The rider's weight in kilograms and pounds."""

import pytest

from app.core.units import KG_PER_LB, kg_from_lb, lb_from_kg, lb_range


@pytest.mark.parametrize("kg, lb", [(72.5, 159.8), (68.0, 149.9), (25.0, 55.1), (0.0, 0.0)])
def test_lb_from_kg_rounds_to_a_tenth(kg: float, lb: float) -> None:
    assert lb_from_kg(kg) == lb


@pytest.mark.parametrize("lb, kg", [(160.0, 72.6), (165.0, 74.8), (163.0, 73.9), (0.0, 0.0)])
def test_kg_from_lb_rounds_to_a_tenth(lb: float, kg: float) -> None:
    assert kg_from_lb(lb) == kg


def test_a_pound_is_the_international_pound() -> None:
    assert KG_PER_LB == 0.45359237


def test_lb_range_keeps_only_whole_pounds_inside_the_kilogram_range() -> None:
    assert lb_range(25, 250) == (56, 551)
    low, high = lb_range(25, 250)
    assert low * KG_PER_LB >= 25 > (low - 1) * KG_PER_LB
    assert high * KG_PER_LB <= 250 < (high + 1) * KG_PER_LB
