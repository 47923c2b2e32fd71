"""Food entries as people write them: the parser, whole-entry servings, match quality.

Gram weights cited are USDA portions in data/portions.csv (SR Legacy unless FNDDS is
named); magnesium is grams x mg/100 g from data/foods.csv.
"""

from __future__ import annotations

import functools
import warnings

import pytest

import magcalc
from magcalc.entries import parse_entries, parse_entry


def quiet_serving(*args: object, **kwargs: object) -> magcalc.Serving:
    with warnings.catch_warnings():
        warnings.simplefilter("error", magcalc.MatchWarning)  # a plain entry must not warn
        return magcalc.serving(*args, **kwargs)  # type: ignore[arg-type]


# ------------------------------------------------------------------ parser


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


# ------------------------------------------------------------------ whole entries


def test_plainly_named_foods_are_not_refused() -> None:
    for text in (
        "1 oz organic almonds",
        "1 oz slivered almonds",
        "1 cup broccoli florets",
        "1 cup shredded cheddar cheese",
        "1 oz Brazil nuts",
        "1 cup black coffee",
        "150 g natural yoghurt",
        "1 cup soy milk",
        "½ cup edamame, shelled, cooked",
    ):
        s = quiet_serving(text)
        assert s.match is not None and s.match.quality == "good", text


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


def test_grams_in_brackets_win() -> None:
    s = quiet_serving("1 serving (28 g) shelled edamame")
    assert s.grams == pytest.approx(28)
    assert "edamame" in s.food.description.lower()


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


def test_wrong_foods_from_the_issue_are_fixed() -> None:
    assert "reduced fat" in quiet_serving("1 cup milk, 2%").food.description.lower()
    assert "evaporated" not in quiet_serving("1 cup milk, 2%").food.description.lower()
    assert quiet_serving("1 cup chocolate milk").food.description.startswith("Milk, chocolate")
    assert "kernels" in quiet_serving("1 oz pumpkin seeds, roasted").food.description
    assert "whole" in quiet_serving("1 cup full-fat milk").food.description.lower()
    assert "oat" in quiet_serving("1 cup old-fashioned oatmeal").food.description.lower()


@pytest.mark.parametrize(
    ("british", "usda_word"),
    [
        ("1 cup semi-skimmed milk", "reduced fat"),
        ("1 cup beetroot", "beet"),
        ("100 g beef mince", "ground"),
        ("1 cup courgette", "zucchini"),
        ("100 g aubergine", "eggplant"),
        ("1 slice wholemeal bread", "whole-wheat"),
    ],
)
def test_british_names(british: str, usda_word: str) -> None:
    assert usda_word in quiet_serving(british).food.description.lower()


def test_weak_match_warns_with_alternatives() -> None:
    with pytest.warns(magcalc.MatchWarning, match="alternatives"):
        s = magcalc.serving("1 cup quinoa milk")
    assert s.match is not None and s.match.quality == "weak"
    assert s.match.alternatives


def test_nothing_plausible_is_unknown() -> None:
    with pytest.raises(magcalc.UnknownFoodError):
        magcalc.serving("1 cup zqxv qqqq")


def test_match_reports_words_used_and_ignored() -> None:
    m = quiet_serving("1 oz organic almonds").match
    assert m is not None
    assert (m.used_words, m.ignored_words) == (("almonds",), ("organic",))


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


# ------------------------------------------------------------------ sources


def test_fndds_food_code_and_keys() -> None:
    food = magcalc.get_food(63105010)
    assert (food.description, food.source_name, food.key) == (
        "Avocado, raw",
        "FNDDS",
        "fndds:63105010",
    )
    assert magcalc.get_food("fndds:63105010") == food
    assert magcalc.get_food("fdc:173944").ndb_number == "09040"


def test_source_filter() -> None:
    hits = magcalc.search_foods("banana", limit=5, source="FNDDS")
    assert hits and all(h.food.source_name == "FNDDS" for h in hits)
    s = magcalc.serving("1 cup oatmeal", source="SR Legacy")
    assert s.food.source_name == "SR Legacy"
    with pytest.raises(magcalc.InputError, match="SR Legacy"):
        magcalc.search_foods("banana", source="USDA")


def test_fndds_portion_fits_an_entry_sr_cannot_serve() -> None:
    # FNDDS "Oatmeal, instant, plain, made with water": portion "1 packet, dry, yields" 148 g.
    s = quiet_serving("1 packet instant oatmeal")
    assert s.food.source_name == "FNDDS"
    assert s.portion is not None and s.portion.unit_description.startswith("packet")


def test_strong_disagreement_between_sources_is_noted() -> None:
    # ../shared/fndds/README.md: FNDDS shredded wheat 36 mg/100 g, SR Legacy about 130.
    s = quiet_serving("2 large biscuits shredded wheat")
    assert any("disagree" in n for n in s.notes)


def test_long_names_are_cut_before_comparing() -> None:
    with pytest.raises(magcalc.MagcalcError):
        magcalc.serving("1 cup " + "zq" * 50_000)


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


def test_purchase_weights_prefer_the_raw_food() -> None:
    # In a recipe, pounds are how the meat is bought; in a diary the unit decides nothing,
    # so a batch diary (which resolves each food name once) agrees with serving().
    recipe = quiet_serving("2 lb boneless lamb shoulder", context="recipe")
    assert "raw" in recipe.food.description
    eaten = quiet_serving("beef short loin", "1 lb")
    assert eaten.food.key == magcalc.FoodTable.default().resolve("beef short loin").key
    assert "cooked" in quiet_serving("3 oz grilled salmon").food.description.lower() or (
        "grilled" in quiet_serving("3 oz grilled salmon").food.description.lower()
    )


def test_fndds_names_count_only_when_typed_whole() -> None:
    # FNDDS 32103040 (an egg salad) lists dressings among its names; "red onion" is onion.
    assert "onion" in quiet_serving("1 cup red onion").food.description.lower()


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


def test_amounts_and_portions_share_one_singular() -> None:
    """parse_amount made "leaves" into "leave" while portions said "leaf": one rule now."""
    assert magcalc.parse_amount("2 leaves").unit == "leaf"
    # Amaranth leaves, raw: its USDA portion "leaf" weighs 14 g; two leaves are 28 g.
    s = magcalc.serving("Amaranth leaves, raw", "2 leaves")
    assert s.portion is not None and s.portion.unit_description.startswith("leaf")
    assert s.grams == pytest.approx(2 * s.portion.grams_per_unit)


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


def test_alternatives_are_readings_tried_in_order() -> None:
    e = parse_entry("1 tbsp lard or olive oil")
    # "lard oil" (two kinds of one food) first, then the word alone, then the other.
    assert e.food_words == ("lard", "oil")
    assert e.readings == (("lard",), ("olive", "oil"))
    assert magcalc.serving("1 tbsp lard or olive oil").food.description == "Lard"
    # A first option USDA does not have ("fig syrup" is not figs in syrup): the next.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", magcalc.MatchWarning)
        assert magcalc.serving("2 tbsp fig syrup or honey").food.description == "Honey"


def test_a_list_of_alternatives_reads_its_first_item() -> None:
    e = parse_entry("2 ounces grated Monterey Jack, Colby, or cheddar cheese")
    assert e.food_words == ("monterey", "jack")
    assert e.readings == (("colby",), ("cheddar", "cheese"))


def test_recipe_amounts_are_of_the_food_as_bought() -> None:
    # In a recipe, with no preparation typed, a measured grain is the dry grain and a
    # counted fillet the raw fish; a typed preparation wins.
    recipe = functools.partial(magcalc.serving, context="recipe")
    assert "raw" in recipe("1 cup brown rice").food.description
    assert "cooked" in recipe("1 cup brown rice, cooked").food.description
    assert "raw" in recipe("2 salmon fillets").food.description


@pytest.mark.parametrize(
    ("entry", "word"),
    [("1 cup brown rice", "cooked"), ("1 cup black beans", "cooked"),
     ("1 cup spaghetti", "cooked"), ("1 cup brown rice, dry", "raw")],
)  # fmt: skip
def test_diary_amounts_are_of_the_food_as_eaten(entry: str, word: str) -> None:
    """In a diary (the default) "1 cup brown rice" was eaten cooked: 86 mg, not 272."""
    assert word in magcalc.serving(entry).food.description
    assert word in magcalc.Intake().add_food(entry).food.description


def test_knife_cut_herbs_are_fresh() -> None:
    assert magcalc.serving("1 tbsp chopped rosemary").food.description == "Rosemary, fresh"


def test_such_as_words_narrow_the_match() -> None:
    e = parse_entry("2 lb boneless pork, such as loin")
    assert e.example_words == ("loin",) and "loin" not in e.food_words
    assert "loin" in magcalc.serving("2 lb boneless pork, such as loin").food.description.lower()


def test_words_that_name_no_food_leave_the_food_found() -> None:
    # "strands" names nothing USDA has: saffron is found, as a weak match.
    with pytest.warns(magcalc.MatchWarning):
        s = magcalc.serving("1 tsp saffron strands")
    assert s.food.description == "Spices, saffron" and s.match is not None
    assert s.match.quality == "weak"
    # Taken-off parts and a celery rib (a stalk) are read as such.
    assert parse_entry("4 dried chiles, stems removed").food_words == ("dried", "chiles")
    assert magcalc.serving("2 celery ribs").grams == pytest.approx(80.0)  # SR stalk, medium 40 g
    assert "ribs" in parse_entry("2 lb pork spare ribs").food_words


def test_medium_of_a_food_weighed_in_one_size_is_its_unit() -> None:
    # SR lemons without peel have one "fruit (2-1/8\" dia)" portion (58 g), no sizes.
    s = magcalc.serving("3 medium lemons")
    assert s.portion is not None and s.portion.unit_description.startswith("fruit")
    assert s.grams == pytest.approx(3 * s.portion.grams_per_unit)


def test_sr_legacy_analysed_food_where_fndds_disagrees_strongly() -> None:
    # FNDDS 57207000 "Cereal, bran flakes, plain" 29 mg/100 g; SR Legacy 08029 POST Bran
    # Flakes 229 (3/4 cup, 30 g). The note names the FNDDS food; source="FNDDS" keeps it.
    s = quiet_serving("3/4 cup bran flakes")
    assert s.food.source_name == "SR Legacy" and s.grams == pytest.approx(30)
    assert (
        len(s.notes) == 1 and "fndds:57207000" in s.notes[0] and "SR Legacy's is used" in s.notes[0]
    )
    assert quiet_serving("3/4 cup bran flakes", source="FNDDS").food.key == "fndds:57207000"
    # Another kind of food is no replacement: oat bran flakes for bran flakes, chocolate
    # yogurt for plain, a dry mix for the dish, a variety for an NFS food.
    assert "OAT" not in s.food.description
    plain = quiet_serving("yogurt, nonfat milk, 100 g")
    assert plain.food.source_name == "FNDDS" and plain.notes == ()
    assert quiet_serving("100 g rice, cooked").food.source_name == "FNDDS"


def test_a_food_with_a_magnesium_value_before_one_without() -> None:
    # SR 19120 "Candies, milk chocolate" (63 mg/100 g) over the SYMPHONY bar (no value).
    with pytest.warns(magcalc.MatchWarning):  # "candy bar" is not in its description
        s = magcalc.serving("1.5 ounce milk chocolate candy bar")
    assert s.food.description == "Candies, milk chocolate" and s.magnesium_mg is not None
    # Its default bar is "bar (1.55 oz)" 44 g, not "bar, miniature" 7 g.
    assert quiet_serving("1 milk chocolate bar").grams == pytest.approx(44)


def test_food_words_ending_in_ly_are_not_adverbs() -> None:
    assert parse_entry("1 lb pork belly").food_words == ("pork", "belly")
    assert parse_entry("2 tbsp grape jelly").food_words == ("grape", "jelly")
    assert parse_entry("1 cup finely chopped onion").ignored_words == ("finely",)
    # SR 09287 Prickly pears, raw: 1 fruit without refuse 103 g.
    assert quiet_serving("1 prickly pear").grams == pytest.approx(103)


@pytest.mark.parametrize(
    ("slip", "plain"),
    [("¼ cup ornage juice", "¼ cup orange juice"), ("1 aubregine", "1 aubergine"),
     ("3 oucnes salmon", "3 ounces salmon"), ("0.5 c unslated butter", "0.5 c unsalted butter"),
     ("¼ cup chpoped onion", "¼ cup chopped onion"),
     ("2 sahcets dried yeast", "2 sachets dried yeast")],
)  # fmt: skip
def test_a_slip_of_two_letters_gives_the_same_answer(slip: str, plain: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", magcalc.MatchWarning)
        a, b = magcalc.serving(slip), magcalc.serving(plain)
    assert a.food.key == b.food.key and a.grams == pytest.approx(b.grams)


def test_qualifiers_and_lost_fraction_slashes_before_the_unit() -> None:
    assert parse_entry("2 organic large eggs").size == "large"
    e = parse_entry("100organic g/3½oz sesame seeds")
    assert (e.quantity, e.unit, e.food_words) == (100, "gram", ("sesame", "seeds"))
    # "1?4 cup": U+2044 FRACTION SLASH lost to an encoding.
    assert parse_entry("1?4 cup whole cumin seeds").quantity == 0.25
    assert parse_entry("1 1?2 cups milk").quantity == 1.5


def test_juice_of_a_fruit_is_what_one_fruit_yields() -> None:
    # SR 09206 Orange juice, raw: "fruit yields" 86 g, not FNDDS's "juice box/pouch" 209 g.
    assert quiet_serving("Juice of 1 large orange").grams == pytest.approx(86)
    # FNDDS 61204010 Lemon juice: "Juice of 1 lemon (2-1/8\" dia)" 47 g.
    assert quiet_serving("juice of 1 lemon").grams == pytest.approx(47)


@pytest.mark.parametrize("context", ["diary", "Recipe", None, 1])
def test_an_unknown_context_is_an_error_not_a_silent_default(context: object) -> None:
    with pytest.raises(magcalc.InputError, match="context must be 'eaten'"):
        magcalc.serving("1 cup brown rice", context=context)  # type: ignore[arg-type]
    with pytest.raises(magcalc.InputError, match="context must be 'eaten'"):
        magcalc.serving("11458", "1 cup", context=context)  # type: ignore[arg-type]
