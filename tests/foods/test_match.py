"""Matching entries to foods: quality, words used and ignored, fallbacks and the two sources.

Gram weights cited are USDA portions in src/magcalc/data/portions.csv (SR Legacy unless
FNDDS is named); magnesium is grams x mg/100 g from src/magcalc/data/foods.csv.
"""

from __future__ import annotations

import functools
import warnings

import pytest

import magcalc
from magcalc.foods.entries import parse_entry

from .helpers import quiet_serving


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


def test_everyday_entries_find_the_right_food() -> None:
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


def test_long_names_are_cut_before_comparing() -> None:
    with pytest.raises(magcalc.MagcalcError):
        magcalc.serving("1 cup " + "zq" * 50_000)


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


def test_such_as_words_narrow_the_match() -> None:
    e = parse_entry("2 lb boneless pork, such as loin")
    assert e.example_words == ("loin",) and "loin" not in e.food_words
    assert "loin" in magcalc.serving("2 lb boneless pork, such as loin").food.description.lower()


def test_knife_cut_herbs_are_fresh() -> None:
    assert magcalc.serving("1 tbsp chopped rosemary").food.description == "Rosemary, fresh"


def test_fndds_names_count_only_when_typed_whole() -> None:
    # FNDDS 32103040 (an egg salad) lists dressings among its names; "red onion" is onion.
    assert "onion" in quiet_serving("1 cup red onion").food.description.lower()


# ------------------------------------------------------------------ as eaten and as bought


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


# ------------------------------------------------------------------ the two USDA sources


def test_fndds_portion_fits_an_entry_sr_cannot_serve() -> None:
    # FNDDS "Oatmeal, instant, plain, made with water": portion "1 packet, dry, yields" 148 g.
    s = quiet_serving("1 packet instant oatmeal")
    assert s.food.source_name == "FNDDS"
    assert s.portion is not None and s.portion.unit_description.startswith("packet")


def test_strong_disagreement_between_sources_is_noted() -> None:
    # ../shared/fndds/README.md: FNDDS shredded wheat 36 mg/100 g, SR Legacy about 130.
    s = quiet_serving("2 large biscuits shredded wheat")
    assert any("disagree" in n for n in s.notes)


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


@pytest.mark.parametrize(
    ("query", "head"),
    [
        ("new potatoes", "potato"),
        ("hazelnuts toasted", "hazelnut"),  # a preparation after the food
        ("rock lobster tails", "lobster"),  # a part names the food before it
        ("sweet crisp juicy apples", "apple"),
        ("milk chocolate", "chocolate"),
        ("chocolate milk", "milk"),
        ("diced tomatoes with green chiles", "tomato"),  # "A with B" is A
        ("green chillies", "chilli"),  # an everyday spelling names a food too
    ],
)
def test_the_head_noun_is_the_last_word_that_names_a_food(query: str, head: str) -> None:
    assert magcalc.FoodTable.default().index.head_noun(query) == head


@pytest.mark.parametrize(
    ("entry", "must_have", "must_not_have"),
    [
        ("½ pound small new potatoes", "potato", "zealand"),
        ("1/3 cup hazelnuts, toasted (see Notes) and chopped 75 mL", "hazelnut", "peanut"),
        ("4 large uncooked rock lobster tails (5 to 6 ounces each)", "lobster", "pork"),
        ("½ cup canned black beans, drained", "bean", "soup"),
        ("1 egg yolk, beaten with 1 tablespoon cold water", "yolk", "pudding"),
        ("½ cup squid rings", "", "rice with"),  # "Rice with squid" is rice (calamari is squid)
        ("1 can (15 ounces) diced tomatoes with green chiles", "with green chil", "salsa"),
        ("2 cups diced assorted tomatoes", "tomato", "salad"),
    ],
)
def test_the_food_has_the_entrys_head_noun(entry: str, must_have: str, must_not_have: str) -> None:
    """Modifiers ("new", "toasted", "rock", "canned") must not pull in another food
    that has them but lacks the food itself; nor may a soup stand in for beans."""
    for context in ("eaten", "recipe"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", magcalc.MatchWarning)  # a weak match may say so
            found = magcalc.serving(entry, context=context)
        description = found.food.description.lower()
        assert must_have in description and must_not_have not in description, (context, entry)


def test_broth_is_a_soup_typed() -> None:
    """A soup entry is right when a broth is asked for ("chicken broth" is not chicken)."""
    description = quiet_serving("2/3 cup chicken broth").food.description.lower()
    assert "broth" in description and "no broth" not in description


@pytest.mark.parametrize(
    ("entry", "word"),
    [
        ("1 (14-oz) can unsweetened coconut milk", "coconut milk, canned"),
        ("2 cans (14 1/2 ounces) beef broth", "canned"),
        ("1 can (7 ounces) minced or chopped clams, drained", "clam"),
    ],
)
def test_a_can_holds_the_canned_food(entry: str, word: str) -> None:
    """A can measures the canned food: coconut milk from a can is not coconut water."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", magcalc.MatchWarning)
        description = magcalc.serving(entry).food.description.lower()
    assert word in description and "coconut water" not in description


def test_boneless_says_how_meat_is_sold_not_which_meat() -> None:
    """ "boneless" pulled in the one imported lamb USDA calls boneless."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", magcalc.MatchWarning)
        found = magcalc.serving("3 pounds boneless lamb shoulder", context="recipe")
    assert "new zealand" not in found.food.description.lower()
    assert "shoulder" in found.food.description.lower()
    assert "boneless" in magcalc.parse_entry("3 pounds boneless lamb shoulder").ignored_words


def test_a_whole_chicken_is_not_its_separable_fat() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", magcalc.MatchWarning)
        found = magcalc.serving("One 4-5 pound whole chicken, giblets removed", context="recipe")
    assert "separable fat" not in found.food.description
    assert "chicken" in found.food.description.lower()


def test_powdered_finds_a_powder() -> None:
    """USDA writes the form both ways ("Sugars, powdered", "Coffee creamer, powder")."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", magcalc.MatchWarning)
        found = magcalc.serving("¾ cup powdered nondairy creamer")
    assert "powder" in found.food.description.lower()
    # 3/4 of FNDDS's 94 g cup of powdered creamer, not of a liquid cup (240 g)
    assert found.grams < 100


@pytest.mark.parametrize(
    ("entry", "food", "weighed_as", "portion"),
    [
        ("½ head savoy cabbage, shredded", "Cabbage, savoy, raw", "Cabbage, raw", "head"),
        ("1 small yellow bell pepper", "Peppers, sweet, yellow, raw", "Peppers, sweet, green, raw",
         "small"),
    ],
)  # fmt: skip
def test_a_variety_with_no_portion_is_weighed_as_its_plain_kind(
    entry: str, food: str, weighed_as: str, portion: str
) -> None:
    """USDA lists no head of savoy cabbage and no small yellow pepper: the food is the one
    typed, its weight that of the plain kind's portion, and the serving says so."""
    found = quiet_serving(entry)
    assert found.food.description == food
    assert found.match is not None and found.match.portion_food is not None
    assert found.match.portion_food.description == weighed_as
    assert found.portion is not None and portion in found.portion.unit_description
    assert found.portion in found.match.portion_food.portions
    quantity = magcalc.parse_entry(entry).quantity
    assert quantity is not None
    assert found.grams == pytest.approx(quantity * found.portion.gram_weight / found.portion.amount)
    assert any(weighed_as in note and "no USDA portion" in note for note in found.notes)
    # The food's own magnesium, not the plain kind's.
    assert found.food.magnesium_mg_per_100g is not None
    assert found.magnesium_mg == pytest.approx(
        found.food.magnesium_mg_per_100g * found.grams / 100.0
    )


def test_a_food_with_its_own_portion_is_weighed_by_it() -> None:
    found = quiet_serving("1 large yellow bell pepper")
    assert found.food.description == "Peppers, sweet, yellow, raw"
    assert found.match is not None and found.match.portion_food is None


@pytest.mark.parametrize(
    ("entry", "context", "roasted"),
    [
        ("1 cup chopped pecans, toasted", "recipe", False),  # bought raw, toasted as a step
        ("1 cup chopped pecans, toasted", "eaten", True),  # eaten toasted
        ("1 cup toasted pecans", "recipe", True),  # bought toasted
    ],
)
def test_a_preparation_after_a_comma_in_a_recipe_is_a_step(
    entry: str, context: str, roasted: bool
) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", magcalc.MatchWarning)
        found = magcalc.serving(entry, context=context)  # type: ignore[arg-type]
    description = found.food.description.lower()
    assert "pecan" in description and ("roasted" in description) is roasted


def test_plain_peas_are_green_peas() -> None:
    """data/food_names.csv: plain peas are green peas (FNDDS 75120000 "Green peas, raw"),
    not snow peas ("Peas, edible-podded")."""
    assert quiet_serving("1 cup peas").food.description == "Peas, green, raw"
    found = quiet_serving("1 cup blanched fresh peas or frozen peas, defrosted")
    assert found.food.description.startswith("Peas, green")


def test_a_reading_whose_words_were_mended_gives_way_to_one_read_as_typed() -> None:
    """ "fleur" is one letter from "flour": the other reading, "Maldon salt", is salt."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", magcalc.MatchWarning)
        found = magcalc.serving("1 tablespoon fleur de sel or Maldon salt, optional")
    assert found.food.description == "Salt, table"


def test_a_count_finds_a_portion_named_by_the_joined_words() -> None:
    """SR Legacy 11507 "Sweet potato, raw, unprepared" weighs one as "sweetpotato, 5" long"
    (130 g); "Sweet potato leaves" and its "leaf" are not one."""
    found = quiet_serving("2 sweet potatoes")
    assert found.food.description.startswith("Sweet potato, raw")
    assert found.portion is not None and found.portion.unit_description.startswith("sweetpotato")
    assert found.grams == pytest.approx(2 * found.portion.gram_weight / found.portion.amount)


def test_a_part_that_ends_a_name_is_not_the_food() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", magcalc.MatchWarning)
        flowers = magcalc.serving("3 pumpkins").food.description
    assert "flower" not in flowers and "seed" not in flowers
    assert "Seeds" in quiet_serving("1 oz pumpkin seeds").food.description  # typed: the seeds
    assert "leaves" in quiet_serving("2 tbsp fresh coriander, chopped").food.description
