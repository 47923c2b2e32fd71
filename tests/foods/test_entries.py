"""The entry parser: amounts, units, sizes and the words of entries as people write them."""

from __future__ import annotations

import pytest

import magcalc
from magcalc.foods.entries import parse_entries, parse_entry

from .helpers import quiet_serving


@pytest.mark.parametrize(
    ("text", "quantity", "unit", "kind", "food", "form"),
    [
        ("½ avocado, cubed", 0.5, None, "count", "avocado", ("cubed",)),
        ("2 slices of whole wheat toast", 2.0, "slice", "measure", "whole wheat toast", ()),
        ("3oz grilled salmon", 3.0, "ounce", "mass", "grilled salmon", ()),
        ("1 Tb peanut butter", 1.0, "tablespoon", "volume", "peanut butter", ()),
        ("1 c milk", 1.0, "cup", "volume", "milk", ()),
        ("1,5 cups oats", 1.5, "cup", "volume", "oats", ()),
        ("1/4 cup slivered almonds", 0.25, "cup", "volume", "almonds", ("slivered",)),
        ("3 garlic cloves, chopped", 3.0, "clove", "measure", "garlic", ("chopped",)),
        ("half a cup of rice", 0.5, "cup", "volume", "rice", ()),
        ("almonds, 1 oz", 1.0, "ounce", "mass", "almonds", ()),
    ],
)
def test_parse_entry_reads_amount_unit_and_words(
    text: str, quantity: float, unit: str | None, kind: str, food: str, form: tuple[str, ...]
) -> None:
    e = parse_entry(text)
    assert (e.quantity, e.unit, e.unit_kind, e.food, e.form_words) == (
        quantity,
        unit,
        kind,
        food,
        form,
    )


def test_ignored_words_are_kept_aside() -> None:
    e = parse_entry("1 oz organic almonds")
    assert e.food_words == ("almonds",)
    assert e.ignored_words == ("organic",)


def test_range_is_read_as_its_midpoint_and_said_so() -> None:
    e = parse_entry("1-2 cups milk")
    assert (e.quantity, e.quantity_range) == (1.5, (1.0, 2.0))
    assert any("midpoint" in n for n in e.notes)


def test_stated_grams_in_brackets_win() -> None:
    assert parse_entry("1 serving (28 g) shelled edamame").stated_grams == 28.0
    # "2 (15-ounce) cans": the weight is per can; 2 x 15 x 28.349523125 g.
    assert parse_entry("2 (15-ounce) cans black beans").stated_grams == pytest.approx(
        2 * 15 * 28.349523125
    )


def test_plus_adds_the_amounts() -> None:
    # 2 tbsp + 2 tsp = 2 + 2/3 tbsp (3 tsp to the tbsp).
    assert parse_entry("2 tablespoons plus 2 teaspoons fish sauce").quantity == pytest.approx(
        2 + 2 / 3
    )


def test_metric_and_imperial_the_first_counts() -> None:
    e = parse_entry("110g/4oz chilled butter")
    assert (e.quantity, e.unit, e.food) == (110.0, "gram", "butter")


@pytest.mark.parametrize("text", ["1² cup milk", "10³ g rice", "①  cup milk"])
def test_non_plain_digits_are_errors(text: str) -> None:
    with pytest.raises(magcalc.AmountError, match="not a plain digit"):
        parse_entry(text)


def test_several_foods_on_one_line() -> None:
    assert [e.food for e in parse_entries("2 eggs and a slice of toast")] == ["eggs", "toast"]
    assert [e.food for e in parse_entries("oatmeal with milk and a banana")] == [
        "oatmeal",
        "milk",
        "banana",
    ]


def test_a_list_of_alternatives_reads_its_first_item() -> None:
    e = parse_entry("2 ounces grated Monterey Jack, Colby, or cheddar cheese")
    assert e.food_words == ("monterey", "jack")
    assert e.readings == (("colby",), ("cheddar", "cheese"))


def test_food_words_ending_in_ly_are_not_adverbs() -> None:
    assert parse_entry("1 lb pork belly").food_words == ("pork", "belly")
    assert parse_entry("2 tbsp grape jelly").food_words == ("grape", "jelly")
    assert parse_entry("1 cup finely chopped onion").ignored_words == ("finely",)
    # SR 09287 Prickly pears, raw: 1 fruit without refuse 103 g.
    assert quiet_serving("1 prickly pear").grams == pytest.approx(103)


def test_qualifiers_and_lost_fraction_slashes_before_the_unit() -> None:
    assert parse_entry("2 organic large eggs").size == "large"
    e = parse_entry("100organic g/3½oz sesame seeds")
    assert (e.quantity, e.unit, e.food_words) == (100, "gram", ("sesame", "seeds"))
    # "1?4 cup": U+2044 FRACTION SLASH lost to an encoding.
    assert parse_entry("1?4 cup whole cumin seeds").quantity == 0.25
    assert parse_entry("1 1?2 cups milk").quantity == 1.5


@pytest.mark.parametrize(
    ("text", "food", "form"),
    [
        ("1 can (7 ounces) minced or chopped clams, drained", "clams", ("minced",)),
        ("2 tbsp chopped or minced garlic", "garlic", ("chopped",)),
        ("1 cup fresh or frozen peas", "peas", ()),
    ],
)
def test_two_states_of_one_food_keep_the_food(text: str, food: str, form: tuple[str, ...]) -> None:
    """ "minced or chopped clams" names clams in either state: the food was lost (the
    first alternative names no food), and the entry was refused."""
    entry = parse_entry(text)
    assert entry.food == food
    assert entry.form_words == form


def test_baby_is_a_form_word_that_picks_usdas_baby_variety() -> None:
    """ "baby" says young vegetables, not baby food; USDA lists some baby varieties."""
    entry = parse_entry("½ cup frozen baby lima beans, thawed")
    assert "baby" in entry.form_words and "baby" not in entry.food_words
    found = magcalc.serving("½ cup frozen baby lima beans, thawed")
    assert "baby" in found.food.description and "Babyfood" not in found.food.description
