"""The package's functions: grams and magnesium of a food and an amount or a whole entry."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pint.testing import assert_allclose

import magcalc
from magcalc.foods import FoodTable

from ..strategies import FOODS_WITH_CUP
from .helpers import ALMONDS, SPINACH, mg, quiet_serving


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


@pytest.mark.parametrize("amount", [-1, float("nan"), float("inf"), "", "-2 cups", True, [1]])
def test_bad_amounts(amount: object) -> None:
    with pytest.raises(magcalc.AmountError):
        magcalc.food_magnesium(SPINACH, amount)


def test_quantity_of_wrong_dimension() -> None:
    with pytest.raises(magcalc.AmountError, match="mass"):
        magcalc.food_magnesium(SPINACH, magcalc.get_registry().Quantity(3, "meter"))


def test_grams_in_brackets_win() -> None:
    s = quiet_serving("1 serving (28 g) shelled edamame")
    assert s.grams == pytest.approx(28)
    assert "edamame" in s.food.description.lower()


@pytest.mark.parametrize("context", ["diary", "Recipe", None, 1])
def test_an_unknown_context_is_an_error_not_a_silent_default(context: object) -> None:
    with pytest.raises(magcalc.InputError, match="context must be 'eaten'"):
        magcalc.serving("1 cup brown rice", context=context)  # type: ignore[arg-type]
    with pytest.raises(magcalc.InputError, match="context must be 'eaten'"):
        magcalc.serving("11458", "1 cup", context=context)  # type: ignore[arg-type]


def test_diary_lines() -> None:
    """Entries as people log meals, each checked against the USDA portion it should use."""
    pizza = quiet_serving("2 slices pizza")
    assert "cheese" in pizza.food.description and "no cheese" not in pizza.food.description
    assert pizza.portion is not None and "piece" in pizza.portion.unit_description
    # Yogurt, plain, whole milk (01116): container (6 oz) 170 g.
    assert quiet_serving("1 yogurt").grams == pytest.approx(170)
    toast = quiet_serving("1 slice of wholemeal toast")
    assert toast.food.description.startswith("Bread, whole-wheat")
    # NIH ODS Table 2's instant oatmeal packet is prepared with water.
    assert "made with water" in quiet_serving("1 packet instant oatmeal").food.description


# ------------------------------------------------------------------ lines of several foods


def test_servings_gives_one_serving_per_food() -> None:
    meal = magcalc.servings("2 eggs and a slice of whole wheat toast")
    assert len(meal) == 2
    assert meal[0].grams == pytest.approx(2 * 44)
    assert meal.unplaced == []


def test_servings_lists_what_it_could_not_place() -> None:
    meal = magcalc.servings("1 cup milk and some zqxv")
    assert len(meal) == 1
    assert meal.unplaced


def test_food_magnesium_and_intake_take_whole_entries() -> None:
    # Nuts, almonds (12061): 270 mg/100 g x 28.349523125 g.
    assert magcalc.food_magnesium("1 oz almonds").magnitude == pytest.approx(
        270 * 28.349523125 / 100
    )
    intake = magcalc.Intake()
    intake.add_food("1 oz almonds")
    assert intake.foods[0][1].grams == pytest.approx(28.349523125)


def test_intake_add_foods_adds_every_food_of_a_line() -> None:
    intake = magcalc.Intake()
    added = intake.add_foods("2 eggs and a slice of whole wheat toast", day=2)
    assert len(added) == 2 and added.unplaced == []
    assert [day for day, _ in intake.foods] == [2, 2]


def test_cli_food_takes_a_whole_entry() -> None:
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, "-m", "magcalc", "food", "1/4 cup slivered almonds"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    # Nuts, almonds (12061): "cup, slivered" 108 g; a quarter is 27 g, 270 mg/100 g -> 72.9 mg.
    assert "27.0 g" in out and "72.9 mg" in out


# ------------------------------------------------------------------ properties


# Amounts over the plausibility limit warn (PlausibilityWarning); the property holds regardless.
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


# Amounts over the plausibility limit warn (PlausibilityWarning); the property holds regardless.
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


# Amounts over the plausibility limit warn (PlausibilityWarning); the property holds regardless.
@pytest.mark.filterwarnings("ignore::magcalc.errors.PlausibilityWarning")
@given(ndb=st.sampled_from(FOODS_WITH_CUP), text=st.text(max_size=30))
def test_any_amount_text_gives_a_number_or_a_magcalc_error(ndb: str, text: str) -> None:
    try:
        result = magcalc.food_magnesium(ndb, text)
    except magcalc.MagcalcError:
        return
    assert result.magnitude >= 0
