"""The ranking's knowledge of USDA descriptions: weights, food groups and markers.

How USDA writes a description says what the food is: a category prefix ("Nuts,
almonds"), the generic entry among variants ("all types"), the usual selling state of a
group ("dried" nuts), salt levels, foods as eaten (FNDDS). The building of the index
(:mod:`magcalc.foods._build`) and the ranking (:mod:`magcalc.foods._index`) read these;
the weights are tuned on ``tests/data/search_eval.csv`` (see ``benchmarks/bench_search.py``).
"""

from __future__ import annotations

import re

__all__ = [
    "AS_BOUGHT",
    "CATEGORY_HEADS",
    "CLASS_WORDS",
    "COOKED_GROUPS",
    "COOKED_WORDS",
    "DISHES",
    "DISH_KINDS",
    "DISH_WORDS",
    "DRIED",
    "FNDDS_COOKED_GROUPS",
    "FREE_LACK",
    "FRESH_CUTS",
    "F_AS_EATEN",
    "F_COOKED",
    "F_NO_MG",
    "F_RAW",
    "F_READY",
    "F_WITHOUT_SALT",
    "F_WITH_SALT",
    "GENERIC",
    "GROUP_DEFAULTS",
    "GROUP_PENALTY",
    "NAME_PARTS",
    "NEGATED",
    "QUALIFIERS",
    "RAW_GROUPS",
    "SALTED",
    "SALT_WORDS",
    "SIDE_CLAUSE",
    "UNCOOKED_WORDS",
    "UNSALTED",
    "WEIGHTS",
    "WWEIA_GROUPS",
]

# Ranking weights, tuned on tests/data/search_eval.csv (see benchmarks/bench_search.py).
WEIGHTS = {
    "extra": 0.3,  # per unit of idf of each word the description adds
    "prior": 2.0,  # per log2(1 + number of USDA portions)
    "variant": 3.0,  # per processed/modified-variant word not typed
    "food": 3.0,  # per extra word that names another food ("Frankfurter, turkey")
    "generic": 2.5,  # USDA marks the generic entry ("all types", "unspecified", "regular")
    "head": 6.0,  # a typed word names the food (first part of the description)
    "head_all": 4.0,  # ... and the whole first part was typed
    "pair": 3.0,  # two typed words stand next to each other
    "prep": 3.0,  # default preparation (raw fruit, cooked beans) when none typed
    "salt": 1.5,  # the usual salt level (see SearchIndex.rank)
    "form": 8.0,  # per typed cut or form word ("mashed", "grated") the description has
    "fndds": 6.0,  # FNDDS food when no source was asked for (see rank)
    "as_eaten": 9.0,  # FNDDS meat or grain as eaten where the entry measures an ingredient
    "head_noun": 10.0,  # the food lacks the typed head noun ("new potatoes" -> potato)
    "fat_only": 12.0,  # USDA's separable fat of a meat, where fat was not asked for
    "dish": 6.0,  # a soup or sauce of the typed food, where no soup or sauce was typed
}
# Words that name a part or a shape of a food rather than the food: in "lobster tails"
# or "squid rings" the food is the word before.
PART_WORDS = frozenset(
    "tail fillet filet breast thigh leg wing drumstick loin chop steak cutlet rib shank "
    "shoulder rump rack leaf floret kernel half piece slice cube strip ring stick chunk "
    "link patty wedge segment spear stalk head heart tip top bulb clove sprig bar".split()
)
# Parts of a plant that end a food's name ("Pumpkin flowers", "Beet greens"): not
# the food itself unless typed.
NAME_PARTS = frozenset("flower blossom sprout seed stem peel skin green top".split())
# Per-food flags (bits), set when the index is built and read by the ranking.
F_WITHOUT_SALT, F_WITH_SALT, F_RAW, F_COOKED, F_NO_MG, F_READY = 1, 2, 4, 8, 16, 32
# FNDDS codes foods as eaten: a meat, grain or vegetable there that does not say raw is
# the prepared food, whatever its description names.
F_AS_EATEN = 64
# USDA's category prefixes: in "Nuts, almonds" the food is the second part. The
# species prefixes of the meat groups work the same way: "Pork, cured, bacon" is
# bacon, and pork is what bacon is made of unless another animal is named.
CATEGORY_HEADS = frozenset(
    {
        "alcoholic beverage", "babyfood", "beverages", "candies", "cereals", "cereal",
        "cereals ready-to-eat", "crustaceans", "fast foods", "fish", "frozen novelties",
        "game meat", "infant formula", "mollusks", "nuts", "restaurant", "salad dressing",
        "sauce", "seeds", "snacks", "soup", "spices", "pork", "beef", "lamb", "veal",
    }
)  # fmt: skip
# Category prefixes that name a dish made from the food that follows.
DISHES = frozenset({"soup", "sauce", "salad dressing"})
DISH_WORDS = frozenset({"soup", "sauce", "dressing"})
# The dishes a food may be served as ("Soup, black bean"), and the typed words that ask
# for one without saying so ("chicken broth"). Salad dressing is not one: SR Legacy files
# mayonnaise under it.
DISH_KINDS = {
    "soup": frozenset("broth stock bouillon consomme chowder bisque".split()),
    "sauce": frozenset("gravy salsa marinara pesto".split()),
}
# Segments that only qualify the category ("Pork, fresh, loin", "Babyfood, vegetables,
# carrots"): the food's name is the segment after them.
QUALIFIERS = frozenset("fresh cured vegetable fruit meat dinner".split())
# Generic class words are not "another food" when a description adds them.
CLASS_WORDS = frozenset("meat food poultry water".split())
# How SR marks the generic entry among its variants.
GENERIC = re.compile(
    r"\b(all types|all grades|all (commercial )?varieties|unspecified|regular|plain|original"
    r"|nfs|year round average|most common)\b"
)
# A segment that says what the food lacks ("no cheese", "without salt") describes
# the plain food, not a variant.
# What a food comes with or lacks, up to the next comma ("Rice with squid", "salad ...
# excluding tomato"): not what the food is.
SIDE_CLAUSE = re.compile(r"\b(?:with|excluding|except|without|no)\b[^,]*")
NEGATED = re.compile(r"^(no|not|ns|nfs)\b")
# What a food may lack and still be the plain food ("no added fat", "no salt", "NS as to
# ..."); "no cheese" on a pizza is a variant.
FREE_LACK = re.compile(r"^(ns|nfs|not)\b|\b(added|salt|sodium|fat|sugar|sweetener|dressing|skin)")
GROUP_PENALTY = {
    # Items people only mean when they say so (query words that lift the penalty).
    "Baby Foods": (30.0, frozenset({"baby", "infant", "toddler", "babyfood", "gerber"})),
    "Fast Foods": (20.0, frozenset({"fast", "mcdonald", "burger", "king", "wendy", "kfc"})),
    "Restaurant Foods": (20.0, frozenset({"restaurant", "chinese", "mexican", "italian"})),
    "American Indian/Alaska Native Foods": (12.0, frozenset({"alaska", "native", "indian"})),
    "Meals, Entrees, and Side Dishes": (6.0, frozenset()),
}
RAW_GROUPS = frozenset(
    {"Fruits and Fruit Juices", "Vegetables and Vegetable Products", "Nut and Seed Products"}
)
COOKED_GROUPS = frozenset(
    {
        "Legumes and Legume Products",
        "Cereal Grains and Pasta",
        "Beef Products",
        "Pork Products",
        "Poultry Products",
        "Lamb, Veal, and Game Products",
        "Finfish and Shellfish Products",
        "Sausages and Luncheon Meats",
    }
)
# The state a food is normally sold in, per group: not a variant there, and for
# nuts and seeds "dried" is the raw state.
GROUP_DEFAULTS = {
    "Nut and Seed Products": frozenset({"dried", "dry"}),
    "Spices and Herbs": frozenset({"dried", "dry", "ground"}),
    "Soups, Sauces, and Gravies": frozenset({"canned"}),
}
SALT_WORDS = frozenset({"unsalted", "saltless", "salted"})
UNSALTED = re.compile(r"\b(without (added )?salt|unsalted|no salt)")
SALTED = re.compile(r"\b(with (added )?salt|salted|salt added)")
UNCOOKED_WORDS = frozenset("raw unheated unprepared uncooked".split())
# How grains, pulses and meats are sold: raw, or dry ("Rice, ..., dry", "Beans, dried").
AS_BOUGHT = UNCOOKED_WORDS | {"dry", "dried"}
# Cuts made with a knife, and the dried state they rule out for herbs.
FRESH_CUTS = frozenset("chopped minced sliced shredded torn julienned snipped".split())
DRIED = frozenset({"dried", "dry"})
# FNDDS vegetables are coded as eaten: one that does not say raw is cooked.
FNDDS_COOKED_GROUPS = frozenset({"Vegetables and Vegetable Products"})
COOKED_WORDS = frozenset(
    "cooked boiled roasted baked broiled grilled braised heated microwaved steamed "
    "stewed simmered poached scrambled".split()
)


def _wweia_groups() -> dict[str, str]:
    """WWEIA categories (FNDDS) -> the SR Legacy food group whose ranking defaults apply."""
    by_group = {
        "Fruits and Fruit Juices": "Apples; Bananas; Blueberries and other berries; Citrus fruits; "
        "Dried fruits; Grapes; Mango and papaya; Melons; Other fruits and fruit salads; "
        "Peaches and nectarines; Pears; Pineapple; Strawberries",
        "Vegetables and Vegetable Products": "Broccoli; Cabbage; Carrots; Corn; Onions; Spinach; "
        "String beans; Tomatoes; Other dark green vegetables; Other red and orange vegetables; "
        "Other starchy vegetables; Other vegetables and combinations; Lettuce and lettuce salads",
        "Nut and Seed Products": "Nuts and seeds",
        "Legumes and Legume Products": "Beans, peas, legumes",
        "Cereal Grains and Pasta": "Rice; Pasta, noodles, cooked grains",
        "Beef Products": "Beef, excludes ground; Ground beef",
        "Pork Products": "Pork",
        "Poultry Products": "Chicken, whole pieces; Turkey, duck, other poultry",
        "Lamb, Veal, and Game Products": "Lamb, goat, game",
        "Finfish and Shellfish Products": "Fish; Shellfish",
        "Baby Foods": "Baby food: cereals; Baby food: fruit; Baby food: meat and dinners; "
        "Baby food: mixtures; Baby food: snacks and sweets; Baby food: vegetables; "
        "Baby food: yogurt; Baby juice; Baby water; Formula, prepared from powder; "
        "Formula, ready-to-feed",
    }
    return {c: g for g, cats in by_group.items() for c in cats.split("; ")}


WWEIA_GROUPS = _wweia_groups()
"""WWEIA category (FNDDS) -> the SR Legacy food group whose ranking defaults apply."""
