"""magcalc.batch._foods: implausible servings warn once; amounts too large are row errors."""

from __future__ import annotations

import math

import pytest

pd = pytest.importorskip("pandas")
batch = pytest.importorskip("magcalc.batch")


def test_implausible_and_overflowing_amounts() -> None:
    errors_module = pytest.importorskip("magcalc.errors")
    category = getattr(errors_module, "PlausibilityWarning", None)
    if category is None:
        pytest.skip("this magcalc has no PlausibilityWarning")
    people = pd.DataFrame({"person_id": [1], "age": [40], "sex": ["male"]})
    diary = pd.DataFrame(
        {"person_id": [1, 1], "day": [1, 1], "food": ["11458"] * 2, "amount": ["6 kg", "1e308 kg"]}
    )
    with pytest.warns(category, match=r"1 food row\(s\) of 2 weigh more than any single serving"):
        result = batch.assess_frame(diary, people, errors="report")
    assert result.errors["row"].tolist() == [2]
    assert "too large to compute with" in result.errors["reason"].iloc[0]
    assert result.people["total_mg"].tolist() == pytest.approx([87 * 60])
    # Each entry finite, the person's sum not: the rows are reported, the total is NaN.
    many = pd.DataFrame(
        {"person_id": [1] * 300, "day": [1] * 300, "food": ["01001"] * 300, "grams": [8e307] * 300}
    )
    with pytest.warns(category):
        result = batch.assess_frame(many, people, errors="report")
    assert len(result.errors) == 300
    assert result.errors["reason"].str.contains("more magnesium than can be computed").all()
    assert math.isnan(result.people["total_mg"].iloc[0])
