"""magcalc.stats: IOM 2000's formulas, the same for one person and for a column of people."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from magcalc.stats import (
    REQUIREMENT_CV,
    ai_confidence,
    phi,
    probability_adequate,
    reading,
    shrink_to_usual,
)


def test_phi_of_known_points() -> None:
    # Φ(0) = 0.5; Φ(1) = 0.8413 and Φ(-1.96) = 0.0250 (standard normal tables)
    assert phi(0.0) == 0.5
    assert round(phi(1.0), 4) == 0.8413
    assert round(phi(-1.96), 4) == 0.0250


def test_phi_of_an_array_keeps_nan_and_shape() -> None:
    z = np.array([[0.0, math.nan], [1.0, -1.0]])
    out = phi(z)
    assert out.shape == z.shape
    assert math.isnan(out[0, 1])
    assert out[0, 0] == 0.5


@given(st.lists(st.floats(-40, 40), min_size=1, max_size=20))
def test_phi_of_an_array_is_phi_of_each_value_to_the_bit(zs: list[float]) -> None:
    """batch (arrays) and assess (scalars) must agree exactly, not just closely."""
    assert phi(np.asarray(zs)).tolist() == [phi(z) for z in zs]


def test_iom_2000_worked_example() -> None:
    """
    IOM 2000 p. 54: a woman of 31-50, EAR 265 mg/day, mean 320 mg/day over 3 days, SD
    within 86 mg/day: D = 55, SD_D = sqrt((0.10 x 265)^2 + 86^2 / 3) = 56.3, read as
    "about 1", adequate with about 85 % confidence.
    """
    z, p = probability_adequate(320.0, 265.0, 86.0, 3.0)
    assert z == pytest.approx(55 / math.sqrt(26.5**2 + 86**2 / 3))
    assert p == pytest.approx(phi(z))
    assert reading(z) == "adequate"
    assert REQUIREMENT_CV == 0.10


def test_probability_on_arrays_matches_scalars() -> None:
    mean = np.array([320.0, 200.0, math.nan])
    ear = np.array([265.0, 265.0, 265.0])
    sd = np.array([86.0, 86.0, 86.0])
    n = np.array([3.0, 1.0, 2.0])
    z, p = probability_adequate(mean, ear, sd, n)
    for i in range(2):
        zi, pi = probability_adequate(float(mean[i]), float(ear[i]), float(sd[i]), float(n[i]))
        assert (z[i], p[i]) == (zi, pi)
    assert math.isnan(p[2])


def test_ai_confidence() -> None:
    # z = (mean - AI) / (SD_within / sqrt(n)) = (400 - 360) / (120 / sqrt(4)) = 40 / 60
    z, c = ai_confidence(400.0, 360.0, 120.0, 4.0)
    assert z == pytest.approx(40 / 60)
    assert c == pytest.approx(phi(40 / 60))


@pytest.mark.parametrize(
    ("z", "expected"),
    [(0.96, "adequate"), (0.94, "uncertain"), (-0.94, "uncertain"), (-0.96, "inadequate")],
)
def test_reading_rounds_to_one_decimal_as_iom_does(z: float, expected: str) -> None:
    assert reading(z) == expected


def test_shrink_to_usual_by_hand() -> None:
    """
    Two people with two days each: A 50 and 150 (mean 100, squares 5000), B 250 and 350
    (mean 300, squares 5000). s_w^2 = 10000 / 2 = 5000; s_obs^2 = 20000;
    s_b^2 = 20000 - 5000 x 1/2 = 17500; ratio = sqrt(17500 / (17500 + 5000 / 2)).
    """
    usual, note = shrink_to_usual(
        np.array([100.0, 300.0]), np.array([2.0, 2.0]), np.array([5000.0, 5000.0])
    )
    ratio = math.sqrt(17500 / 20000)
    assert note is None
    assert usual.tolist() == pytest.approx([200 - 100 * ratio, 200 + 100 * ratio])


def test_shrink_needs_repeated_days() -> None:
    usual, note = shrink_to_usual(np.array([100.0, 300.0]), np.array([1.0, 1.0]), np.zeros(2))
    assert np.isnan(usual).all()
    assert note is not None and "2+ days" in note
