"""Foods: lookup, search ranking, portions, servings and their errors."""

from __future__ import annotations

import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pint.testing import assert_allclose

import magcalc
from magcalc.foods import FoodTable

from .strategies import FOODS_WITH_CUP

# Known values from ../shared/usda/README.md: spinach boiled (11458) 87 mg/100 g, 1 cup = 180 g;
# almonds (12061) 270 mg/100 g, 1 oz = 28.35 g; banana (09040) 27 mg/100 g, medium = 118 g.
SPINACH, ALMONDS, BANANA = "11458", "12061", "09040"


def mg(value: float):  # type: ignore[no-untyped-def]
    return magcalc.get_registry().Quantity(value, "mg")


# ------------------------------------------------------------------ lookup


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


def test_food_without_magnesium_is_found_and_unknown() -> None:
    table = FoodTable.default()
    i = table.magnesium.index(None)
    food = magcalc.get_food(table.fdc_ids[i])
    assert food.magnesium_per_100g is None
    assert not food.has_magnesium_data
    assert food.magnesium_note
    with pytest.raises(magcalc.NoMagnesiumDataError, match="unknown, not zero"):
        magcalc.food_magnesium(food, "100 g")
    # serving() reports it without inventing a number
    assert magcalc.serving(food, "100 g").magnesium_mg is None


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


# ------------------------------------------------------------------ servings


def test_food_magnesium_half_cup_spinach() -> None:
    # 0.5 cup x 180 g/cup x 87 mg/100 g = 78.3 mg
    assert_allclose(magcalc.food_magnesium("spinach, boiled", "1/2 cup"), mg(78.3))
    assert_allclose(magcalc.food_magnesium(SPINACH, "½ cup"), mg(78.3))


def test_food_magnesium_by_mass() -> None:
    # 1 oz = 28.349523125 g; x 270 mg/100 g = 76.54 mg
    assert_allclose(magcalc.food_magnesium(ALMONDS, "1 oz"), mg(28.349523125 * 2.70))
    # a float is grams: 150 g x 87/100 = 130.5 mg
    assert_allclose(magcalc.food_magnesium(SPINACH, 150), mg(130.5))
    q = magcalc.get_registry().Quantity(3.5, "oz")
    assert_allclose(magcalc.food_magnesium(SPINACH, q), mg(3.5 * 28.349523125 * 0.87))


def test_medium_banana() -> None:
    s = magcalc.serving(BANANA, "1 medium")
    assert s.grams == pytest.approx(118)
    assert s.portion is not None and s.portion.unit_description.startswith("medium")
    assert s.magnesium_mg == pytest.approx(118 * 0.27)  # 31.86 mg


def test_serving_says_which_portion() -> None:
    s = magcalc.serving(SPINACH, "1 1/2 cups")
    assert s.portion is not None and s.portion.unit_description == "cup"
    assert s.grams == pytest.approx(270)  # 1.5 x 180 g
    assert "cup" in s.basis
    assert magcalc.serving(SPINACH, "100 g").portion is None


def test_volume_through_another_volume_portion() -> None:
    """2 tbsp of a food with only a cup portion: 2/16 cup (US: 16 tbsp a cup) x 180 g."""
    food = magcalc.get_food(SPINACH)
    assert not any(p.unit_description.startswith("tbsp") for p in food.portions)
    assert magcalc.serving(SPINACH, "2 tbsp").grams == pytest.approx(180 * 2 / 16)


def test_cup_prefers_typed_qualifier_then_plain() -> None:
    food = next(
        f
        for f in FoodTable.default()
        if len([p for p in f.portions if p.unit_description.startswith("cup")]) >= 3
    )
    cups = [p for p in food.portions if p.unit_description.startswith("cup")]
    plain = [p for p in cups if p.unit_description == "cup"]
    chosen = magcalc.serving(food, "1 cup").portion
    expected = plain[0] if plain else min(cups, key=lambda p: p.seq)
    assert chosen == expected
    other = cups[-1]
    qualifier = (
        other.unit_description.split(",", 1)[-1].strip() if "," in other.unit_description else ""
    )
    if qualifier:
        assert magcalc.serving(food, f"1 cup, {qualifier}").portion == other


@pytest.mark.parametrize(
    ("food", "amount"),
    [
        ("rye bread", "1 slice"),
        ("almonds", "1 cup"),
        ("bananas raw", "1 large"),
    ],
)
def test_household_measures_resolve(food: str, amount: str) -> None:
    s = magcalc.serving(food, amount)
    assert s.portion is not None and s.grams > 0


def test_no_volume_portion() -> None:
    food = next(
        f
        for f in FoodTable.default()
        if f.portions
        and not any(
            p.unit_description.split(",")[0].split(" ")[0] in ("cup", "tbsp", "tsp", "fl")
            for p in f.portions
        )
    )
    with pytest.raises(magcalc.NoPortionError, match="use a mass") as info:
        magcalc.serving(food, "1 cup")
    assert info.value.available == [p.label for p in food.portions]


def test_measure_the_food_does_not_have() -> None:
    with pytest.raises(magcalc.NoPortionError, match="1 cup"):
        magcalc.serving(SPINACH, "2 biscuits")


def test_unknown_unit() -> None:
    with pytest.raises(magcalc.UnknownUnitError, match="unknown unit 'blorp'"):
        magcalc.serving(SPINACH, "2 blorps")


@pytest.mark.parametrize("amount", [-1, float("nan"), float("inf"), "", "-2 cups", True, [1]])
def test_bad_amounts(amount: object) -> None:
    with pytest.raises(magcalc.AmountError):
        magcalc.food_magnesium(SPINACH, amount)


def test_quantity_of_wrong_dimension() -> None:
    with pytest.raises(magcalc.AmountError, match="mass"):
        magcalc.food_magnesium(SPINACH, magcalc.get_registry().Quantity(3, "meter"))


def test_models_are_frozen_and_pickle() -> None:
    food = magcalc.get_food(SPINACH)
    with pytest.raises(Exception):  # noqa: B017,PT011 - pydantic's ValidationError for frozen models
        food.description = "x"  # type: ignore[misc]
    assert pickle.loads(pickle.dumps(food)) == food
    s = magcalc.serving(food, "1 cup")
    assert type(s).model_validate_json(s.model_dump_json()) == s


# ------------------------------------------------------------------ properties


# Issue 7: amounts over the plausibility limits warn; the property holds regardless.
@pytest.mark.filterwarnings("ignore::magcalc.errors.PlausibilityWarning")
@given(
    ndb=st.sampled_from(FOODS_WITH_CUP),
    grams=st.floats(min_value=0, max_value=2000, allow_nan=False),
    k=st.floats(min_value=0, max_value=10, allow_nan=False),
)
def test_magnesium_is_linear_in_amount(ndb: str, grams: float, k: float) -> None:
    one = magcalc.food_magnesium(ndb, grams).magnitude
    scaled = magcalc.food_magnesium(ndb, grams * k).magnitude
    assert scaled == pytest.approx(one * k, rel=1e-9, abs=1e-9)
    assert one >= 0


# Issue 7: amounts over the plausibility limits warn; the property holds regardless.
@pytest.mark.filterwarnings("ignore::magcalc.errors.PlausibilityWarning")
@given(ndb=st.sampled_from(FOODS_WITH_CUP), grams=st.floats(min_value=0, max_value=5000))
def test_same_mass_in_any_unit_gives_same_result(ndb: str, grams: float) -> None:
    ureg = magcalc.get_registry()
    expected = magcalc.food_magnesium(ndb, grams).magnitude
    for unit in ("kg", "oz", "lb", "g"):
        q = ureg.Quantity(grams, "g").to(unit)
        assert magcalc.food_magnesium(ndb, q).magnitude == pytest.approx(
            expected, rel=1e-9, abs=1e-9
        )
        assert magcalc.food_magnesium(ndb, f"{q.magnitude!r} {unit}").magnitude == pytest.approx(
            expected, rel=1e-9, abs=1e-9
        )


# Issue 7: amounts over the plausibility limits warn; the property holds regardless.
@pytest.mark.filterwarnings("ignore::magcalc.errors.PlausibilityWarning")
@given(ndb=st.sampled_from(FOODS_WITH_CUP), text=st.text(max_size=30))
def test_any_amount_text_gives_a_number_or_a_magcalc_error(ndb: str, text: str) -> None:
    try:
        result = magcalc.food_magnesium(ndb, text)
    except magcalc.MagcalcError:
        return
    assert result.magnitude >= 0
