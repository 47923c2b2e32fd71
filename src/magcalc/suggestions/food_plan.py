"""Food first: generic foods ranked by the magnesium in one real household portion, and
the fewest such portions that together close a gap.

References
----------
.. [1] U.S. Department of Agriculture, Agricultural Research Service, "FoodData Central:
   SR Legacy," 2018 (foods and household portions).
.. [2] 21 CFR 101.54(c): a "good source" gives 10-19 % of the Daily Value per serving.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Literal

from magcalc._models import ValueModel
from magcalc._util import finite, once
from magcalc.errors import InputError
from magcalc.foods import Food, FoodTable, Portion, brand_words

__all__ = ["DIETS", "GOOD_SOURCE_MG", "FoodSuggestion", "FoodSuggestions", "suggest_foods"]

# Groups that are not everyday generic foods, whatever their magnesium.
_EXCLUDED_GROUPS = frozenset(
    {
        "Baby Foods",
        "Fast Foods",
        "Restaurant Foods",
        "American Indian/Alaska Native Foods",
        "Meals, Entrees, and Side Dishes",
        "Spices and Herbs",  # eaten by the pinch, not the portion
    }
)
_ANIMAL_GROUPS = (
    "Dairy and Egg Products",
    "Beef Products",
    "Pork Products",
    "Poultry Products",
    "Lamb, Veal, and Game Products",
    "Finfish and Shellfish Products",
    "Sausages and Luncheon Meats",
)
_MEAT_GROUPS = tuple(g for g in _ANIMAL_GROUPS if g != "Dairy and Egg Products")
_ANIMAL_WORDS = (
    "milk", "cheese", "egg", "butter", "yogurt", "cream", "whey", "honey", "beef", "pork",
    "chicken", "turkey", "fish", "gelatin", "lard", "anchovy", "tuna", "salmon", "shrimp",
)  # fmt: skip
_MEAT_WORDS = ("beef", "pork", "chicken", "turkey", "fish", "gelatin", "lard", "anchovy",
               "tuna", "salmon", "shrimp", "bacon", "ham")  # fmt: skip
_NUT_WORDS = (
    "almond", "cashew", "walnut", "pecan", "pistachio", "hazelnut", "filbert", "macadamia",
    "brazil", "pine nut", "peanut", "nut",
)  # fmt: skip

# USDA descriptions name a composite food, not its ingredients: an oat-bran muffin says
# nothing of its egg and milk. A diet filter cannot see inside these groups, so each diet
# that an unseen ingredient could break leaves them out (when in doubt, leave it out).
_COMPOSITE_GROUPS = (
    "Baked Products",
    "Sweets",
    "Snacks",
    "Breakfast Cereals",
    "Soups, Sauces, and Gravies",
    "Beverages",
)
# Dishes whose usual recipe holds egg, milk or butter though the name does not say so.
_MIXED_WORDS = (
    "souffle", "pancake", "scalloped", "gratin", "creamed", "batter", "breaded",
    "mayonnaise", "dressing", "margarine", "vegetarian", "meatless", "burger", "custard",
    "pudding", "casein", "lactose", "ghee", "kefir", "whey", "omelet",
)  # fmt: skip
_GLUTEN_WORDS = (
    "wheat", "bread", "barley", "rye", "pasta", "bran", "bulgur", "couscous", "semolina",
    "spelt", "triticale", "noodle", "macaroni", "spaghetti", "seitan", "malt", "oat",
    "soy sauce", "crouton", "breaded", "batter", "flour",
)  # fmt: skip

DIETS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # name: (food groups to leave out, words to leave out)
    "vegan": (_ANIMAL_GROUPS + _COMPOSITE_GROUPS, _ANIMAL_WORDS + _MIXED_WORDS),
    "vegetarian": (
        (*_MEAT_GROUPS, "Soups, Sauces, and Gravies"),  # stocks and gravies are meat-based
        (*_MEAT_WORDS, "marshmallow", "gummy", "gelatin", "stock", "broth"),
    ),
    "nut allergy": (("Nut and Seed Products", *_COMPOSITE_GROUPS), _NUT_WORDS),
    "nuts": (("Nut and Seed Products", *_COMPOSITE_GROUPS), _NUT_WORDS),
    "peanut allergy": (_COMPOSITE_GROUPS, ("peanut",)),
    "dairy free": (
        ("Dairy and Egg Products", *_COMPOSITE_GROUPS),
        ("milk", "cheese", "yogurt", "butter", "cream", "chocolate", *_MIXED_WORDS),
    ),
    "gluten free": (_COMPOSITE_GROUPS, _GLUTEN_WORDS),
}
"""
Named exclusions for ``exclude=``: (food groups, words) each leaves out.

A filter must hold for composite foods whose description does not list their
ingredients, so every diet that an unseen ingredient could break also leaves out baked
products, sweets, snacks, breakfast cereals, soups and sauces, and beverages, and the
words of dishes usually made with egg, milk or butter (magcalc's conservative rule:
when in doubt, a food is left out).
"""

# "1 oz" is a USDA household portion (the usual serving of nuts); pounds and bare grams
# are not servings.
_MASS_WORDS = frozenset({"lb", "g", "kg", "pound"})
# Containers and whole batches are not one person's portion.
_BULK = re.compile(r"\b(package|pkg|container|can|jar|bottle|box|bag|yields?|recipe|batch|"
                   r"loaf|pie|cake)\b")  # fmt: skip
_DENSE_WORDS = re.compile(r"\b(peanuts?|nuts?|granola|germ|chocolate|cocoa|pesto|soybeans, "
                          r"mature seeds, roasted|trail mix)\b")  # fmt: skip
# Ingredients or uncooked states, not something a person eats as a portion.
_NOT_AS_EATEN = re.compile(
    r"\b(flour|meal|powder|crude|dry mix|dehydrated|unprepared|concentrate|glandless|"
    r"defatted|leavening|baking)\b"
)
_COOK_FIRST = frozenset({"Legumes and Legume Products", "Cereal Grains and Pasta"})
_AS_EATEN = re.compile(r"\b(cooked|boiled|roasted|prepared|canned|tofu|natto|tempeh|hummus|"
                       r"butter|soymilk|milk|sprouted|steamed|baked)\b")  # fmt: skip
# magcalc's rule for a realistic single portion [g] (a design choice, stated in the docs):
# energy-dense foods are eaten by the tablespoon or ounce, others by the cup or piece.
_DENSE_GROUPS = frozenset(
    {"Nut and Seed Products", "Sweets", "Snacks", "Fats and Oils", "Spices and Herbs"}
)
_MAX_PORTION_G = 250.0
_MIN_ENTRIES = 5
_CATEGORY = frozenset({"nuts", "seeds", "cereals", "snacks", "candies", "beverages", "fish",
                       "beans", "soup", "sauce", "spices", "crustaceans", "mollusks"})  # fmt: skip
_DRIED_OK = frozenset({"Nut and Seed Products", "Fruits and Fruit Juices"})
_MAX_DENSE_PORTION_G = 60.0
# A "good source" of a nutrient gives at least 10 % of its Daily Value per serving
# (21 CFR 101.54(c)); magnesium's DV is 420 mg (81 FR 33742, 2016). The plan uses only
# such portions, so a gap of a few mg gets a real magnesium food, not a slice of ham.
GOOD_SOURCE_MG = 42.0


class FoodSuggestion(ValueModel):
    """A food in one real USDA household portion and the magnesium it brings [mg]."""

    food: Food
    portion: Portion
    grams: float
    magnesium_mg: float

    @property
    def label(self) -> str:
        """E.g. ``'1 oz (28.35 g) Nuts, almonds: 77 mg'``."""
        return (
            f"1 {self.portion.unit_description} ({self.grams:.0f} g) "
            f"{self.food.description}: {self.magnesium_mg:.0f} mg"
        )

    def __str__(self) -> str:
        return self.label


class FoodSuggestions(ValueModel):
    """
    Foods that help close a gap, best first, and a plan that reaches it.

    Attributes
    ----------
    gap_mg : float
        The gap to close [mg/day].
    foods : tuple of FoodSuggestion
        Ranked by magnesium per portion.
    plan : tuple of FoodSuggestion
        The fewest distinct foods, one portion each, that together reach the gap,
        with the least excess over it for that count: drawn from every food that
        passes the filters and is a good source in that portion (at least
        ``GOOD_SOURCE_MG``, 42 mg: 10 % of the Daily Value, 21 CFR 101.54(c)), the
        preferred ones when they can reach the gap, not only those in ``foods``; at
        most ``limit`` portions. Empty when the gap
        is 0.
    plan_mg : float
        Magnesium the plan adds [mg].
    reaches_gap : bool
    method : str
    """

    gap_mg: float
    foods: tuple[FoodSuggestion, ...]
    plan: tuple[FoodSuggestion, ...]
    plan_mg: float
    reaches_gap: bool
    method: str

    def __str__(self) -> str:
        if self.gap_mg <= 0:
            return "No gap to close."
        lines = [f"To add about {self.gap_mg:.0f} mg a day, foods first:"]
        lines += [f"  {s.label}" for s in self.foods]
        lines.append(
            f"Plan ({len(self.plan)} portion{'s' if len(self.plan) != 1 else ''}, "
            f"{self.plan_mg:.0f} mg"
            + ("" if self.reaches_gap else ", short of the gap")
            + "): "
            + "; ".join(f"1 {s.portion.unit_description} {s.food.description}" for s in self.plan)
        )
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        from magcalc.views.html import table_html

        rows = [
            (s.food.description, f"1 {s.portion.unit_description}",
             s.grams, s.magnesium_mg, "yes" if s in self.plan else "")
            for s in self.foods
        ]  # fmt: skip
        return table_html(
            ["food", "portion", "g", "Mg [mg]", "in plan"],
            rows,
            caption=f"Foods to add about {self.gap_mg:.0f} mg/day",
            notes=[self.method],
        )


def _name(description: str) -> str:
    """The food's name: the first part of the description, or the second after a category."""
    parts = [p.strip().lower() for p in description.split(",")]
    name = parts[1] if parts[0] in _CATEGORY and len(parts) > 1 else parts[0]
    return re.sub(r"\s*\(.*", "", name)


def _household(portion: Portion) -> bool:
    text = portion.unit_description.lower()
    head = re.match(r"[a-z]+", text)
    return bool(head) and head.group(0) not in _MASS_WORDS and not _BULK.search(text)  # type: ignore[union-attr]


@once
def _all_candidates() -> list[tuple[int, int]]:
    """(row, portion index) of generic foods with data and a household portion."""
    table = FoodTable.default()
    words: dict[str, int] = {}
    for desc in table.descriptions:
        for word in set(re.findall(r"[a-z]+", desc.lower())):
            words[word] = words.get(word, 0) + 1
    found: list[tuple[int, int]] = []
    for i, source in enumerate(table.sources):
        if table.magnesium[i] is None or not table.magnesium[i]:
            continue
        if source != "SR Legacy":
            continue  # the food plan draws on SR Legacy's single foods
        if table.food_groups[i] in _EXCLUDED_GROUPS:
            continue
        desc = table.descriptions[i]
        if brand_words(desc) or _NOT_AS_EATEN.search(desc.lower()):
            continue
        if "restaurant" in desc.lower():
            continue  # restaurant dishes sit in other groups too
        if table.food_groups[i] in _COOK_FIRST and not _AS_EATEN.search(desc.lower()):
            continue  # dried beans and grains are eaten cooked
        if table.food_groups[i] not in _DRIED_OK and re.search(r"\b(dry|dried)\b", desc.lower()):
            continue  # dried milk, dried seaweed: ingredients, not portions
        # Everyday foods come up in many USDA entries (spinach, pumpkin, black
        # beans); a name found in only a few (mothbeans) is obscure.
        first = re.findall(r"[a-z]+", _name(desc)) or [""]
        if table.portions_at(i) and words.get(first[0], 0) >= _MIN_ENTRIES:
            found.append((i, 0))
    return found


def _terms(values: str | Iterable[str] | None, name: str) -> tuple[set[str], list[str]]:
    """Food groups and lower-case words from prefer=/exclude= (diets expand)."""
    if values is None:
        return set(), []
    if isinstance(values, str):
        values = [values]
    if not isinstance(values, Iterable):
        raise InputError(
            f"{name} takes a food group, diet or word as text, or a list of them, not "
            f"{values!r}; e.g. {name}=['vegan', 'beans']",
            field=name,
        )
    groups: set[str] = set()
    words: list[str] = []
    table = FoodTable.default()
    candidates = [table.descriptions[i] for i, _ in _all_candidates()]
    # The plan draws on SR Legacy, so its food groups are the ones a filter can name.
    known_groups = {
        g.lower(): g
        for g, src in zip(table.food_groups, table.sources, strict=True)
        if src == "SR Legacy"
    }
    for value in values:
        if not isinstance(value, str) or not value.strip():
            raise InputError(
                f"{name} takes food groups, diets or words as text, not {value!r}", field=name
            )
        key = value.strip().lower()
        if key in DIETS:
            diet_groups, diet_words = DIETS[key]
            groups.update(diet_groups)
            words.extend(diet_words)
        elif key in known_groups:
            groups.add(known_groups[key])
        elif any(_mentions(desc, [key]) for desc in candidates):
            words.append(key)
        else:
            raise InputError(
                f"{name}={value!r} is not a diet magcalc knows, a food group, or a word in "
                f"any food it suggests; the diets are: {', '.join(sorted(DIETS))}; food "
                f"groups are USDA's (e.g. 'Legumes and Legume Products'); a word filters "
                "foods whose description contains it (e.g. 'beans')",
                field=name,
            )
    return groups, words


def _mentions(description: str, words: Sequence[str]) -> bool:
    low = description.lower()
    return any(re.search(rf"\b{re.escape(w)}", low) for w in words)


def _pick_portion(food: Food, portions: str) -> list[Portion]:
    dense = food.food_group in _DENSE_GROUPS or bool(_DENSE_WORDS.search(food.description.lower()))
    largest = _MAX_DENSE_PORTION_G if dense else _MAX_PORTION_G
    household = [p for p in food.portions if _household(p) and 15 <= p.grams_per_unit <= largest]
    if portions == "all":
        return household
    # Dense foods: the smallest measure of at least 15 g (an ounce of seeds, a tablespoon
    # of molasses); other foods: the largest up to 250 g (a cup of beans, a medium potato).
    if dense:
        return sorted(household, key=lambda p: (p.grams_per_unit, p.seq))[:1]
    return sorted(household, key=lambda p: (-p.grams_per_unit, p.seq))[:1]


def suggest_foods(
    gap_mg: float,
    *,
    prefer: str | Iterable[str] | None = None,
    exclude: str | Iterable[str] | None = None,
    portions: Literal["common", "all"] = "common",
    limit: int = 10,
) -> FoodSuggestions:
    """
    Foods that close a magnesium gap in realistic household portions.

    Parameters
    ----------
    gap_mg : float
        Magnesium to add [mg/day], e.g. ``target - total`` from an assessment.
    prefer : str or list of str, optional
        Food groups ("Legumes and Legume Products") or words ("beans") to rank first.
    exclude : str or list of str, optional
        Food groups, words, or a diet from :data:`DIETS` ("vegan", "vegetarian",
        "nut allergy", "dairy free", "gluten free") to leave out.
    portions : {'common', 'all'}, default 'common'
        ``'common'``: one USDA household measure per food: for nuts, seeds, sweets,
        snacks and fats the smallest of 15-60 g (an ounce, a tablespoon), for other foods
        the largest of 15-250 g (a cup of beans, a medium potato); ``'all'``: every
        measure in those ranges (magcalc's rule for a realistic single portion).
        Foods whose name appears in fewer than four USDA entries are left out as
        obscure. Dried beans and grains count only in
        their cooked forms; flours, powders and mixes are left out. Pounds and bare
        grams are never used.
    limit : int, default 10
        At most this many foods, one entry per food (the best of similar variants).

    Returns
    -------
    FoodSuggestions
        Ranked foods and a plan: the fewest distinct foods, one portion each, that reach
        the gap, then the least excess over it (see ``FoodSuggestions.plan``).

    Raises
    ------
    InputError
        For a negative, NaN or infinite gap, a bad ``limit`` or ``portions``, or a
        ``prefer``/``exclude`` value that is no known diet, food group, or word in any
        food magcalc suggests (``exclude="keto"``); the message lists the diets.

    Examples
    --------
    >>> s = suggest_foods(100, exclude="nut allergy", limit=3)
    >>> all(x.portion in x.food.portions for x in s.foods), s.reaches_gap
    (True, True)
    """
    if isinstance(gap_mg, bool) or not isinstance(gap_mg, (int, float)):
        raise InputError(f"gap_mg must be a number [mg/day], not {gap_mg!r}", field="gap_mg")
    if not finite(gap_mg) or gap_mg < 0:
        raise InputError(
            f"gap_mg must be a finite, non-negative number [mg/day], not {gap_mg!r}",
            field="gap_mg",
        )
    if not isinstance(limit, int) or isinstance(limit, bool) or limit < 1:
        raise InputError(f"limit must be a positive whole number, not {limit!r}", field="limit")
    if portions not in ("common", "all"):
        raise InputError(f"portions must be 'common' or 'all', not {portions!r}", field="portions")
    method = (
        "Foods: everyday generic SR Legacy foods (at least three USDA household measures; no "
        "baby, branded, fast-food or restaurant items) in "
        "real USDA household portions, ranked by magnesium per portion. Plan: the fewest distinct "
        "foods, one portion each, that reach the gap, with the least excess over it."
    )
    if gap_mg == 0:
        return FoodSuggestions(
            gap_mg=0, foods=(), plan=(), plan_mg=0.0, reaches_gap=True, method=method
        )
    table = FoodTable.default()
    ex_groups, ex_words = _terms(exclude, "exclude")
    pr_groups, pr_words = _terms(prefer, "prefer")
    scored: list[tuple[bool, float, str, FoodSuggestion]] = []
    for i, _ in _all_candidates():
        group, desc = table.food_groups[i], table.descriptions[i]
        if group in ex_groups or (ex_words and _mentions(desc, ex_words)):
            continue
        preferred = group in pr_groups or bool(pr_words and _mentions(desc, pr_words))
        if (pr_groups or pr_words) and not preferred:
            preferred = False
        food = table.food_at(i)
        for portion in _pick_portion(food, portions):
            grams = portion.grams_per_unit
            value = (food.magnesium_mg_per_100g or 0.0) * grams / 100.0
            key = _name(desc)
            scored.append(
                (preferred, value, key, FoodSuggestion(food=food, portion=portion, grams=grams,
                                                       magnesium_mg=round(value, 1)))
            )  # fmt: skip
    # Best first; among equals, the variant without added salt.
    scored.sort(
        key=lambda t: (not t[0], -round(t[1]), "with salt" in t[3].food.description,
                       t[3].food.description)
    )  # fmt: skip
    seen: set[str] = set()
    pool: list[tuple[bool, FoodSuggestion]] = []
    for preferred, _, key, suggestion in scored:
        # One entry per food name: spinach or peanut variants collapse to the best one.
        if key in seen:
            continue
        seen.add(key)
        pool.append((preferred, suggestion))
    ranked = [suggestion for _, suggestion in pool[:limit]]
    pool = [(pref, sug) for pref, sug in pool if sug.magnesium_mg >= GOOD_SOURCE_MG]
    chosen = [sug for pref, sug in pool if pref]
    if not chosen or sum(x.magnesium_mg for x in chosen) < gap_mg:
        chosen = [sug for _, sug in pool]
    plan = _plan(chosen, gap_mg, limit)
    total = sum(x.magnesium_mg for x in plan)
    return FoodSuggestions(
        gap_mg=float(gap_mg),
        foods=tuple(ranked),
        plan=tuple(plan),
        plan_mg=round(total, 1),
        reaches_gap=total >= gap_mg,
        method=method,
    )


def _plan(pool: list[FoodSuggestion], gap: float, limit: int) -> list[FoodSuggestion]:
    """
    The fewest distinct foods, one portion each, that reach ``gap`` [mg], then the
    least excess over it for that count.

    The fewest: the largest portions first. The least excess: each chosen portion in
    turn is swapped for the smallest unused one that still reaches the gap, until no
    swap lowers the total, so a gap of a few mg gets a small portion, not a 264 mg muffin.
    """
    by_size = sorted(pool, key=lambda x: -x.magnesium_mg)
    plan: list[FoodSuggestion] = []
    total = 0.0
    for item in by_size:
        if total >= gap or len(plan) >= limit:
            break
        plan.append(item)
        total += item.magnesium_mg
    if total < gap:
        return plan  # short of the gap: the `limit` largest portions
    improved = True
    while improved:
        improved = False
        for i, item in enumerate(plan):
            need = gap - (total - item.magnesium_mg)
            used = {id(x) for x in plan}
            smaller = [
                x for x in pool if id(x) not in used and need <= x.magnesium_mg < item.magnesium_mg
            ]
            if smaller:
                best = min(smaller, key=lambda x: (x.magnesium_mg, x.food.description))
                total += best.magnesium_mg - item.magnesium_mg
                plan[i] = best
                improved = True
    return sorted(plan, key=lambda x: -x.magnesium_mg)
