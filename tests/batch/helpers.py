"""Shared by the batch tests: foods that resolve, and how results are compared."""

from __future__ import annotations

import math
from typing import Any

import pytest

pd = pytest.importorskip("pandas")


# (food, amount) pairs that resolve: NDB numbers, FDC ids (int and text), free text,
# grams as a number, volumes, household measures, and foods with no magnesium value.
POOL: list[tuple[Any, Any]] = [
    ("11458", "1/2 cup"),
    ("16015", "1 cup"),
    (168463, "100 g"),
    ("almonds", "1 oz"),
    ("bananas raw", "1 medium"),
    ("01077", "2 tbsp"),
    ("01188", "2 tbsp"),  # KRAFT CHEEZ WHIZ: no magnesium value
    ("09040", "1 cup, sliced"),
    (173944, "3.5 oz"),
    ("12061", 150.0),
    ("173735", "2 cups"),
    ("spinach, boiled", "1 cup"),
    ("01190", "1 slice"),  # no magnesium value
    ("12061", "10 almonds"),
]


TOL = {"rel_tol": 1e-12, "abs_tol": 1e-9}


def close(a: Any, b: Any) -> bool:
    """Equal to 1e-9, with None and NaN (not computed) equal to each other."""
    a_missing = a is None or (isinstance(a, float) and math.isnan(a)) or a is pd.NA
    b_missing = b is None or (isinstance(b, float) and math.isnan(b)) or b is pd.NA
    if a_missing or b_missing:
        return a_missing and b_missing
    return math.isclose(float(a), float(b), **TOL)


def same_result(a: Any, b: Any) -> None:
    pd.testing.assert_frame_equal(a.days, b.days, rtol=1e-12)
    pd.testing.assert_frame_equal(a.people, b.people, rtol=1e-12)
    pd.testing.assert_frame_equal(a.errors, b.errors)
