"""Portions: volumes, household measures and counts turned into grams.

Gram weights cited are USDA portions in src/magcalc/data/portions.csv (SR Legacy unless
FNDDS is named).
"""

from __future__ import annotations

import pytest

import magcalc
from magcalc.foods import FoodTable
from magcalc.foods.portions import portion_key, resolve_portion

from .helpers import BANANA, SPINACH, quiet_serving


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


def test_measure_words_people_write() -> None:
    assert quiet_serving("1 med banana").grams == pytest.approx(118)
    # Peanut butter, smooth style, with salt (16097): tbsp 16 g.
    assert quiet_serving("1 Tb peanut butter").grams == pytest.approx(16)
    # FNDDS 57417000 Cereal, shredded wheat, plain: "1 rectangular biscuit" 25 g.
    fndds = quiet_serving("2 large biscuits shredded wheat", source="FNDDS")
    assert fndds.grams == pytest.approx(50)


def test_a_handful_has_no_standard_weight() -> None:
    with pytest.raises(magcalc.NoPortionError, match="no standard weight"):
        magcalc.serving("a handful of almonds")


def test_amounts_and_portions_share_one_singular() -> None:
    """parse_amount made "leaves" into "leave" while portions said "leaf": one rule now."""
    assert magcalc.parse_amount("2 leaves").unit == "leaf"
    # Amaranth leaves, raw: its USDA portion "leaf" weighs 14 g; two leaves are 28 g.
    s = magcalc.serving("Amaranth leaves, raw", "2 leaves")
    assert s.portion is not None and s.portion.unit_description.startswith("leaf")
    assert s.grams == pytest.approx(2 * s.portion.grams_per_unit)


# ------------------------------------------------------------------ counts


def test_counts_use_the_foods_own_unit() -> None:
    # Bananas, raw (09040): medium (7" to 7-7/8" long) 118 g.
    assert quiet_serving("3 bananas").grams == pytest.approx(3 * 118)
    # Egg, whole, cooked, scrambled: large 61 g (SR 01132 portion "large").
    s = quiet_serving("2 eggs scrambled")
    assert s.food.description == "Egg, whole, cooked, scrambled"
    assert s.grams == pytest.approx(2 * 61)
    # Oranges, raw, all commercial varieties (09200): fruit (2-5/8" dia) 131 g.
    assert quiet_serving("1 orange").grams == pytest.approx(131)


def test_a_count_never_matches_a_word_inside_another_measure() -> None:
    # serving("eggs", "2 eggs") was "1 cup (4.86 large eggs)" = 486 g; now two of the
    # food's own count portion.
    s = magcalc.serving("eggs", "2 eggs")
    assert s.portion is not None and "cup" not in s.portion.unit_description
    assert s.grams == pytest.approx(2 * s.portion.grams_per_unit)
    assert s.grams < 150


def test_one_almond_is_uses_the_per_piece_portion() -> None:
    # Nuts, almonds (12061): "almond" 1.2 g; "1 whole almond" was a cup, whole (143 g).
    assert quiet_serving("10 whole almonds").grams == pytest.approx(12.0)
    assert quiet_serving("1 whole almond").grams == pytest.approx(1.2)


def test_form_word_chooses_the_portion() -> None:
    # Nuts, almonds (12061): "cup, slivered" 108 g.
    s = quiet_serving("1/4 cup slivered almonds")
    assert s.portion is not None and s.portion.unit_description == "cup, slivered"
    assert s.grams == pytest.approx(27)


def test_medium_of_a_food_weighed_in_one_size_is_its_unit() -> None:
    # SR lemons without peel have one "fruit (2-1/8\" dia)" portion (58 g), no sizes.
    s = magcalc.serving("3 medium lemons")
    assert s.portion is not None and s.portion.unit_description.startswith("fruit")
    assert s.grams == pytest.approx(3 * s.portion.grams_per_unit)


def test_juice_of_a_fruit_is_what_one_fruit_yields() -> None:
    # SR 09206 Orange juice, raw: "fruit yields" 86 g, not FNDDS's "juice box/pouch" 209 g.
    assert quiet_serving("Juice of 1 large orange").grams == pytest.approx(86)
    # FNDDS 61204010 Lemon juice: "Juice of 1 lemon (2-1/8\" dia)" 47 g.
    assert quiet_serving("juice of 1 lemon").grams == pytest.approx(47)


@pytest.mark.parametrize(("amount", "leaves"), [("2 leaves", 2), ("1 leaf", 1)])
def test_leaves_and_a_leaf_find_the_leaf_portion(amount: str, leaves: int) -> None:
    """The plural and the singular read alike: amounts, entries and portions once each
    had a copy of the singular rule, and "leaves" became "leave" in one of them."""
    # Amaranth leaves, raw (SR 11003): "leaf" 14 g.
    s = magcalc.serving("Amaranth leaves, raw", amount)
    assert s.portion is not None and s.portion.unit_description == "leaf"
    assert s.grams == pytest.approx(leaves * 14.0)


def test_resolve_portion_and_portion_key_are_public() -> None:
    """The names batch work uses: grams, portion and basis; a measure's parsed key."""
    food = magcalc.get_food(SPINACH)
    grams, portion, basis = resolve_portion(food, magcalc.parse_amount("1/2 cup"))
    assert (grams, basis) == (90.0, "0.5 x 1 cup (180 g)")
    assert portion is not None and portion_key(portion.unit_description).volume_unit == "cup"
    assert resolve_portion(food, magcalc.parse_amount("100 g"))[1] is None
