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


def test_a_such_as_list_gives_kinds_not_other_foods() -> None:
    e = parse_entry("1½ cups assorted small tomatoes such as heirloom, cherry, or grape, halved")
    assert e.food == "tomatoes"
    assert e.readings == ()
    assert {"cherry", "grape", "heirloom"} <= set(e.example_words)
    assert "or" not in e.example_words


def test_or_other_names_the_food_after_it() -> None:
    e = parse_entry("4 cups chopped Jonagold or other sweet, crisp, juicy apples")
    assert e.food_words[-1] == "apples" and "jonagold" not in e.food_words
    assert "jonagold" in e.example_words and e.form_words == ("chopped",)
    assert e.head_words == ()  # its commas part adjectives, not the name from the rest


def test_a_name_in_brackets_is_a_reading_when_the_first_names_no_food() -> None:
    e = parse_entry("½ teaspoon dried peperoncino (hot red pepper flakes), or to taste")
    assert ("hot", "red", "pepper", "flakes") in e.readings
    for aside in ("(see Notes)", "(do not peel)", "(optional)", "(about 2 cups)"):
        assert parse_entry(f"2 pears {aside}").readings == (), aside


def test_a_measure_that_is_a_food_alone_is_counted() -> None:
    e = parse_entry("1 cookie")
    assert (e.quantity, e.unit, e.unit_kind, e.food) == (1.0, None, "count", "cookie")
    assert parse_entry("2 cookies, crumbled").food == "cookies"
    assert parse_entry("1 biscuit cheddar cheese").unit == "biscuit"  # a measure of a food
    assert quiet_serving("2 chocolate chip cookies").food.description.startswith(
        "Cookies, chocolate chip"
    )


def test_with_ends_the_name() -> None:
    assert parse_entry("1 can diced tomatoes with green chiles").head_words == ("tomatoes",)


def test_blanched_skin_on_and_fillets_say_how_a_food_is_sold() -> None:
    assert "blanched" in parse_entry("1 cup blanched almonds").form_words
    assert "skin-on" in parse_entry("4 salmon fillets, skin on").ignored_words
    e = parse_entry("1 pound salmon fillets")
    assert (e.unit_kind, e.food, e.form_words) == ("mass", "salmon", ("fillets",))
    assert "pea" in quiet_serving("1 cup blanched peas").food.description.lower()
    assert "almond" in quiet_serving("1 cup blanched almonds").food.description.lower()
    assert "canned" not in quiet_serving("4 x 175g salmon fillets, skin on").food.description


@pytest.mark.parametrize(
    ("text", "ml"),
    [
        ("½ cup (125 ml) dry white wine", 125.0),  # in brackets
        ("¼ (50 mL) cup chopped flat-leaf parsley", 50.0),  # between amount and unit
        ("1 cup chopped pecans, toasted 250 mL", 250.0),  # after the food
        ("1 cup (0.25 L) milk", 250.0),  # litres in millilitres
    ],
)
def test_a_stated_metric_volume_is_the_amount(text: str, ml: float) -> None:
    """A recipe's own metric measure is what it measured; the cup is its rounding."""
    e = parse_entry(text)
    assert (e.quantity, e.unit, e.unit_kind) == (ml, "milliliter", "volume")
    assert f"the stated volume {ml:g} mL is used" in e.notes


def test_a_stated_weight_wins_over_a_stated_volume() -> None:
    e = parse_entry("1 cup (250 mL, 120 g) flour")
    assert (e.quantity, e.unit, e.stated_grams) == (1.0, "cup", 120.0)
