"""The food table: lookup by id and name, its errors, and ranked search."""

from __future__ import annotations

import pytest
from pint.testing import assert_allclose

import magcalc
from magcalc.foods import FoodTable

from .helpers import BANANA, SPINACH, mg


def test_get_food_by_ndb_and_fdc_id() -> None:
    food = magcalc.get_food(SPINACH)
    assert food.description == "Spinach, cooked, boiled, drained, without salt"
    assert magcalc.get_food(food.fdc_id) == food
    assert magcalc.get_food(str(food.fdc_id)) == food
    assert_allclose(food.magnesium_per_100g, mg(87))


def test_food_portions() -> None:
    food = magcalc.get_food(SPINACH)
    cup = food.portions[0]
    assert (cup.amount, cup.unit_description, cup.gram_weight) == (1, "cup", 180)
    assert cup.label == "1 cup (180 g)"


@pytest.mark.parametrize("key", [999999999, "99999", "no such food at all", 3.5, None, True])
def test_unknown_food(key: object) -> None:
    with pytest.raises(magcalc.UnknownFoodError):
        magcalc.get_food(key)  # type: ignore[arg-type]


def test_unknown_food_query_suggests() -> None:
    with pytest.raises(magcalc.UnknownFoodError, match="did you mean") as info:
        magcalc.food_magnesium("spinich bolied zzzz qqqq", "1 cup")
    assert isinstance(info.value, KeyError)


def test_table_len_and_iter() -> None:
    table = FoodTable.default()
    assert len(table) == 7793 + 5432  # SR Legacy + FNDDS (tests/test_data.py)
    assert next(iter(table)).ndb_number == "01001"


def test_fndds_food_code_and_keys() -> None:
    food = magcalc.get_food(63105010)
    assert (food.description, food.source_name, food.key) == (
        "Avocado, raw",
        "FNDDS",
        "fndds:63105010",
    )
    assert magcalc.get_food("fndds:63105010") == food
    assert magcalc.get_food("fdc:173944").ndb_number == "09040"


def test_batch_diaries_take_fndds_food_codes() -> None:
    """NHANES food records are keyed by FNDDS food codes: a batch diary may give them."""
    pd = pytest.importorskip("pandas")
    from magcalc import batch

    diary = pd.DataFrame(
        {
            "person_id": [1, 1],
            "day": [1, 1],
            "food": [63105010, "63105010"],  # Avocado, raw (FNDDS), as a number and as text
            "amount": ["100 g", "1 cup"],
        }
    )
    people = pd.DataFrame({"person_id": [1], "age": [40], "sex": ["male"]})
    result = batch.assess_frame(diary, people)
    # FNDDS 63105010: 29 mg/100 g; "1 cup" 150 g -> 100 g + 150 g = 250 g -> 72.5 mg.
    assert result.days["food_mg"].tolist() == pytest.approx([29 * 250 / 100])


def test_hostile_ids_and_names_are_magcalc_errors() -> None:
    """An integer of 5,000 digits, a superscript and an over-long name: MagcalcErrors."""
    with pytest.raises(magcalc.UnknownFoodError, match="digits"):
        magcalc.get_food(10**5000)
    with pytest.raises(magcalc.UnknownFoodError):
        magcalc.serving(10**5000, 100)
    with pytest.raises(magcalc.UnknownFoodError):
        magcalc.get_food("²")
    assert len(magcalc.search_foods("²")) == 0  # a superscript is not the digit 2
    with pytest.raises(magcalc.UnknownFoodError, match="at most 200 characters"):
        magcalc.serving("spinach boiled, " * 6250, "1 cup")  # never a silent cut
    with pytest.raises(magcalc.InputError, match="shorten it"):
        magcalc.search_foods("z" * 300)


# ------------------------------------------------------------------ search


@pytest.mark.parametrize(
    ("query", "ndb"),
    [
        ("spinach boiled", SPINACH),
        ("Spinach, BOILED", SPINACH),
        ("boiled spinach", SPINACH),
        ("cooked kale", "11234"),
        ("kale boiled", "11234"),
        ("orange", "09200"),
        ("rye bread", "18060"),
        ("bananna", BANANA),
        ("bananas", BANANA),
    ],
)
def test_search_ranks_the_plain_food_first(query: str, ndb: str) -> None:
    assert magcalc.search_foods(query, limit=1)[0].food.ndb_number == ndb


def test_search_prefers_generic_over_baby_and_branded() -> None:
    hits = magcalc.search_foods("carrots", limit=5)
    assert hits[0].food.food_group == "Vegetables and Vegetable Products"
    assert magcalc.search_foods("baby food carrots", limit=1)[0].food.food_group == "Baby Foods"


def test_search_scores_descend_and_limit() -> None:
    hits = magcalc.search_foods("cheese", limit=7)
    assert len(hits) == 7
    scores = [h.score for h in hits]
    assert scores == sorted(scores, reverse=True)
    assert all(0 <= s <= 100 for s in scores)


def test_search_nothing() -> None:
    assert magcalc.search_foods("   ") == []


@pytest.mark.parametrize("limit", [0, -1, 1.5, "3"])
def test_search_bad_limit(limit: object) -> None:
    with pytest.raises(magcalc.InputError):
        magcalc.search_foods("kale", limit=limit)  # type: ignore[arg-type]


def test_source_filter() -> None:
    hits = magcalc.search_foods("banana", limit=5, source="FNDDS")
    assert hits and all(h.food.source_name == "FNDDS" for h in hits)
    s = magcalc.serving("1 cup oatmeal", source="SR Legacy")
    assert s.food.source_name == "SR Legacy"
    with pytest.raises(magcalc.InputError, match="SR Legacy"):
        magcalc.search_foods("banana", source="USDA")


def test_rows_foods_and_portions_by_public_methods() -> None:
    """row_of, food_at and portions_at: what other packages use instead of the private
    lookups (the same row, the same food, the raw portion tuples or an empty list)."""
    table = FoodTable.default()
    row = table.row_of(SPINACH)
    assert row is not None and table.row_of("fdc:" + str(table.fdc_ids[row])) == row
    food = table.food_at(row)
    assert food == magcalc.get_food(SPINACH) and food is table.food_at(row)
    assert table.portions_at(row)[0] == (1, 1.0, "cup", 180.0)
    assert food.portions[0].label == "1 cup (180 g)"
    assert table.row_of("no such food at all") is None
    bare = next(i for i in range(len(table)) if not table.food_at(i).portions)
    assert table.portions_at(bare) == []
