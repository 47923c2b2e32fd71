"""magcalc.batch._amounts: amount, unit and grams cells; numbers read as arrays agree."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

import magcalc

from .helpers import same_result

pd = pytest.importorskip("pandas")
batch = pytest.importorskip("magcalc.batch")


def test_amount_unit_and_grams_columns() -> None:
    diary = pd.DataFrame(
        {
            "Person_ID": ["a", "a", "a", "a"],
            "Day": [1, 1, 2, 2],
            "Food": ["11458", "11458", "11458", "almonds"],
            "Amount": ["0.5", None, "1/2 cup", None],
            "Unit": ["cup", None, None, None],
            "Grams": [None, "100", None, 28.0],
        }
    )
    people = pd.DataFrame({"person_id": ["a"], "age": [34], "sex": ["F"]})
    result = batch.assess_frame(diary, people)
    # day 1: 0.5 cup (90 g) x 87 mg/100 g = 78.3 mg, plus 100 g = 87 mg; day 2: 78.3 + 75.6
    assert result.days["food_mg"].round(6).tolist() == [165.3, 153.9]
    assert result.people["sex"].tolist() == ["female"]


def _numeric_case(n: int = 400, seed: int = 11) -> tuple[Any, Any]:
    rng = np.random.default_rng(seed)
    foods = np.asarray(["11458", "16015", "12061", "01188", "09040", "zzqx"], dtype=object)
    amount = rng.uniform(0, 300, n)
    amount[:12] = [-1.0, math.nan, math.inf, 1e300, 0.0, 5e-5, 2e15, 7.0, 1e-4, 3.0, 2.0, 1.0]
    units = np.asarray([None, "cup", "oz", "g", " ", "medium", "tbsp", "kg"], dtype=object)
    unit = units[rng.integers(0, len(units), n)]
    diary = pd.DataFrame(
        {
            "person_id": rng.integers(0, 30, n),
            "day": rng.integers(1, 4, n),
            "food": foods[rng.integers(0, len(foods), n)],
            "amount": amount,
            "unit": unit,
        }
    )
    people = pd.DataFrame(
        {"person_id": np.arange(30), "age": rng.uniform(1, 90, 30), "sex": ["female"] * 30}
    )
    return diary, people


@pytest.mark.parametrize("column", ["amount", "grams"])
def test_numeric_columns_read_as_arrays_agree_with_cell_by_cell(column: str) -> None:
    # A float64 column is read as an array; the same numbers as Python objects are read
    # cell by cell, as assess reads them: the results, errors and warnings are the same.
    diary, people = _numeric_case()
    if column == "grams":
        diary = diary.drop(columns="unit").rename(columns={"amount": "grams"})
        diary.loc[::7, "grams"] = np.nan
        diary.loc[::7, "amount"] = "1 cup"
    as_objects = diary.assign(**{column: diary[column].astype(object)})
    with pytest.warns(magcalc.PlausibilityWarning) as fast_warnings:
        fast = batch.assess_frame(diary, people, errors="report")
    with pytest.warns(magcalc.PlausibilityWarning) as slow_warnings:
        slow = batch.assess_frame(as_objects, people, errors="report")
    same_result(fast, slow)
    assert [str(w.message) for w in fast_warnings] == [str(w.message) for w in slow_warnings]
    assert len(fast.errors) > 5  # negative, NaN, infinite, too large, no portion, ...


def test_numeric_amounts_agree_with_serving_row_by_row() -> None:
    rng = np.random.default_rng(5)
    n = 200
    foods = np.asarray(["11458", "16015", "12061", "09040"], dtype=object)
    units = np.asarray([None, "cup", "oz", "g", "lb"], dtype=object)
    diary = pd.DataFrame(
        {
            "person_id": np.arange(n),
            "food": foods[rng.integers(0, len(foods), n)],
            "amount": rng.uniform(0.01, 3, n),
            "unit": units[rng.integers(0, len(units), n)],
        }
    )
    people = pd.DataFrame({"person_id": np.arange(n), "age": 40, "sex": "male"})
    days = batch.assess_frame(diary, people).days
    for row, got in zip(diary.itertuples(), days["food_mg"], strict=True):
        amount = row.amount if pd.isna(row.unit) else f"{float(row.amount)!r} {row.unit}"
        want = magcalc.serving(row.food, amount).magnesium_mg
        assert math.isclose(got, want, rel_tol=1e-12, abs_tol=1e-9)


def test_every_row_distinct_grams_at_full_precision() -> None:
    rng = np.random.default_rng(8)
    n = 5000
    grams = rng.uniform(1, 300, n)
    diary = pd.DataFrame(
        {"person_id": np.arange(n) % 50, "day": 1, "food": "12061", "amount": grams}
    )
    people = pd.DataFrame({"person_id": np.arange(50), "age": 30.5, "sex": "female"})
    result = batch.assess_frame(diary, people)
    per_100g = magcalc.get_food("12061").magnesium_mg_per_100g
    want = np.bincount(np.arange(n) % 50, weights=grams * per_100g / 100)
    np.testing.assert_allclose(result.days["food_mg"], want, rtol=1e-12)


def test_a_bad_grams_cell_says_grams_as_a_single_diary_does() -> None:
    """The grams column is in g: the message said "[mg]" where Intake says "[g]"."""
    diary = pd.DataFrame({"person_id": ["a"], "day": [1], "food": ["11458"], "grams": ["lots"]})
    people = pd.DataFrame({"person_id": ["a"], "age": [34], "sex": ["F"]})
    reason = batch.assess_frame(diary, people, errors="report").errors["reason"].iloc[0]
    with pytest.raises(magcalc.DiaryError) as single:
        magcalc.Intake.from_records([{"food": "11458", "grams": "lots"}])
    assert "[g]" in reason and "[mg]" not in reason
    assert "[g]" in str(single.value)
