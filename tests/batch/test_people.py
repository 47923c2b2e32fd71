"""magcalc.batch.people: the people table's problems, each reported on its row."""

from __future__ import annotations

import pytest

from magcalc.errors import InputError

pd = pytest.importorskip("pandas")
batch = pytest.importorskip("magcalc.batch")


def test_people_table_problems() -> None:
    people = pd.DataFrame(
        {
            "person_id": ["a", "a", None, "b", "c", "d"],
            "age": [30, 31, 40, "old", 30, None],
            "age_months": [None, None, None, None, None, 2],
            "sex": ["female", "female", "male", "male", "x", "male"],
            "lactating": ["no", "no", "", "0", "yes", "maybe"],
        }
    )
    result = batch.assess_frame(pd.DataFrame(), people, errors="report")
    errors = result.errors
    assert errors["row"].tolist() == [1, 2, 3, 4, 5, 6]
    assert errors["column"].tolist() == [
        "person_id",
        "person_id",
        "person_id",
        "age",
        "sex",
        "lactating",
    ]
    assert "more than once" in errors["reason"].iloc[0]
    assert result.people.empty
    assert (
        len(
            batch.assess_frame(
                pd.DataFrame(), people.iloc[[3]].assign(age=12), errors="raise"
            ).people
        )
        == 1
    )


def test_framework_without_value_is_reported() -> None:
    people = pd.DataFrame({"person_id": [1, 2], "age_months": [3, 30], "sex": ["male", "male"]})
    result = batch.assess_frame(pd.DataFrame(), people, "EFSA2015", errors="report")
    assert result.errors["row"].tolist() == [1]
    assert "EFSA2015 sets no magnesium reference value" in result.errors["reason"].iloc[0]
    assert result.people["person_id"].tolist() == [2]


def test_an_sd_too_large_for_a_float_is_an_input_error() -> None:
    """prepare_people checks sd_within_mg as assess does: 10**400 was an OverflowError."""
    people = pd.DataFrame({"person_id": [1], "age": [40], "sex": ["male"]})
    with pytest.raises(InputError, match="sd_within_mg must be a positive number") as info:
        batch.prepare_people(people, sd_within_mg=10**400)
    assert info.value.field == "sd_within_mg"
