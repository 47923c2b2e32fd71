"""The package's functions: a food and an amount, or a whole entry, in grams and magnesium.

:func:`search_foods` and :func:`get_food` on the bundled table, :func:`serving` and
:func:`servings` for entries as people write them, :func:`food_magnesium` for the
magnesium in an amount of a food. (Not ``servings.py``: the module would share its name
with the function :func:`servings` that the package exports.)
"""

from __future__ import annotations

import math
import re
import warnings
from typing import TYPE_CHECKING, Any

from magcalc._util import finite_float, shown
from magcalc.errors import (
    AmountError,
    MagcalcError,
    MatchWarning,
    NoMagnesiumDataError,
    PlausibilityWarning,
    UnknownFoodError,
    UnknownUnitError,
)
from magcalc.foods._entry_words import MEASURE_WORDS, UNSTANDARD_MEASURES
from magcalc.foods._words import tokens
from magcalc.foods.entries import Entry, parse_entries, parse_entry
from magcalc.foods.models import (
    MAX_PLAUSIBLE_SERVING_G,
    AmountLike,
    EntryContext,
    Food,
    FoodLike,
    Match,
    Portion,
    SearchResults,
    Serving,
    Servings,
    check_context,
)
from magcalc.foods.portions import measure_vocabulary, portion_key, resolve_portion
from magcalc.foods.table import FoodTable
from magcalc.units import Amount, amount_from_quantity, mg, parse_amount

if TYPE_CHECKING:
    import pint

__all__ = ["food_magnesium", "get_food", "search_foods", "serving", "servings"]


def search_foods(query: str, limit: int = 10, *, source: str | None = None) -> SearchResults:
    """
    Search the bundled USDA table the way people type.

    Word order, plurals, case and small typos do not matter. Plain, generic
    foods rank before baby foods, branded, fast-food and restaurant items
    unless the query asks for them (a brand name, "baby", "restaurant"). When
    no preparation is typed, fruits, vegetables and nuts prefer "raw" and
    legumes, grains and meats prefer a cooked form, as a dietitian would.

    Parameters
    ----------
    query : str
        What the person typed, e.g. ``"kale boiled"`` or ``"cheddar cheese"``.
    limit : int, default 10
        At most this many results.
    source : {None, 'SR Legacy', 'FNDDS'}, default None
        Search one USDA database only; by default both, SR Legacy's analysed single
        food first where both have the food equally well.

    Returns
    -------
    list of FoodMatch
        Best first; empty when nothing matches.

    Examples
    --------
    >>> search_foods("spinach boiled", limit=1)[0].food.ndb_number
    '11458'
    >>> search_foods("bananna", limit=1)[0].food.description
    'Bananas, raw'
    """
    return FoodTable.default().search(query, limit=limit, source=source)


def get_food(key: int | str) -> Food:
    """
    A bundled food by FDC id or NDB number.

    Parameters
    ----------
    key : int or str
        FDC id (``168462``), NDB number as 5-digit text (``"11458"``), or an
        exact USDA description.

    Returns
    -------
    Food

    Raises
    ------
    UnknownFoodError
        If no food has that id.

    Examples
    --------
    >>> food = get_food("11458")
    >>> food.magnesium_per_100g
    <Quantity(87.0, 'milligram')>
    >>> food.portions[0].label
    '1 cup (180 g)'
    """
    return FoodTable.default().get(key)


def _to_amount(amount: Any, names: list[str] | None = None) -> Amount:
    """An Amount from what a caller passed; ``names`` collects food words an amount
    text carries ("2 eggs": a count of eggs)."""
    if isinstance(amount, Amount):
        return amount
    if isinstance(amount, str):
        return _text_amount(amount, names)
    if isinstance(amount, bool):
        raise AmountError("amount must be text, a pint Quantity or grams as a number, not a bool")
    if isinstance(amount, (int, float)):
        value = finite_float(amount, text=False)
        if value is None or value < 0:
            raise AmountError(f"amount {shown(amount)} [g] must be a finite, non-negative number")
        return Amount(value, "gram", "mass", "", f"{value:g} g")
    if hasattr(amount, "magnitude") and hasattr(amount, "units"):
        return amount_from_quantity(amount)
    raise AmountError(
        f"amount must be text ('1/2 cup'), a pint Quantity or grams as a number, "
        f"not {type(amount).__name__}"
    )


_NEEDS_ENTRY = re.compile(r"[()]|\d\s*(?:-|to)\s*\d|\d,\d")


def _text_amount(text: str, names: list[str] | None) -> Amount:
    if not _NEEDS_ENTRY.search(text):
        parsed = parse_amount(text)
        if parsed.kind != "measure" or parsed.unit in measure_vocabulary():
            return parsed
        if parsed.unit in MEASURE_WORDS or parsed.unit in UNSTANDARD_MEASURES:
            return parsed
    entry = parse_entry(text)
    if entry.quantity is None and entry.stated_grams is None:
        return parse_amount(text)  # its messages say what an amount needs
    if (
        entry.unit_kind == "count"
        and not entry.food_words
        and entry.size is None
        and entry.stated_grams is None
    ):
        return parse_amount(text)  # "100": a bare number is grams
    if names is not None:
        names.extend(entry.food_words)
    found = entry.amount()
    assert found is not None
    return found


def _entry_and_amount(
    food: FoodLike, amount: Any
) -> tuple[Entry | None, Amount | None, list[str], tuple[str, ...]]:
    """The entry to match and the amount to resolve, from serving()'s two forms."""
    names: list[str] = []
    if amount is None:
        if not isinstance(food, str) or food.strip().isdigit() or _is_key(food):
            raise AmountError(
                "amount must be text ('1/2 cup'), a pint Quantity or grams as a number; "
                "or give a whole entry as text such as serving('1 cup milk')"
            )
        if not food.strip():
            raise UnknownFoodError(food, ["a food name such as 'spinach, boiled'"])
        entry = parse_entry(food)
        found = entry.amount()
        if found is None:
            raise AmountError(
                f"the entry {shown(food)} says no amount; write e.g. '1 cup "
                f"{entry.food or 'milk'}' or pass the amount: serving(food, '100 g')"
            )
        return entry, found, list(entry.food_words), entry.notes
    parsed = _to_amount(amount, names)
    if names and parsed.kind == "measure" and not parsed.unit:
        # "2 eggs" as the amount of eggs is a count; "1 blorp" is no unit at all.
        names.insert(0, "\x00amount")
    if isinstance(food, str) and food.strip() and not food.strip().isdigit() and not _is_key(food):
        entry = parse_entry(food)
        if entry.has_amount:
            raise AmountError(
                f"the food {shown(food)} already has an amount and so does {amount!r}; "
                "give one: serving('1 cup milk') or serving('milk', '1 cup')"
            )
        return entry, parsed, names + list(entry.food_words), entry.notes
    return None, parsed, names, ()


def _is_key(text: str) -> bool:
    return bool(re.fullmatch(r"\s*(fdc|fndds|ndb)\s*:\s*\d+\s*", text, re.IGNORECASE))


def serving(
    food: FoodLike,
    amount: AmountLike = None,
    *,
    source: str | None = None,
    context: EntryContext = "eaten",
) -> Serving:
    """
    Resolve a food entry, or a food and an amount, to grams and magnesium.

    A whole entry as people write it ("½ avocado, cubed", "2 eggs scrambled",
    "1 serving (28 g) shelled edamame", "3oz grilled salmon") is read by
    :func:`magcalc.parse_entry`: its food words find the food, its cut and form words
    ("cubed", "slivered") choose the portion, and words that say nothing about which
    food it is ("organic", "fresh", "finely") are set aside. Grams stated in brackets
    win. A count ("3 bananas") is that many of the food's default unit: the size typed,
    a portion named after the food ("1 egg", "1 banana"), a medium one, "1 fruit", or
    the per-piece weight a portion states ("oz (23 whole kernels)").

    Masses convert directly. Volumes ("1/2 cup", "2 tbsp") and household measures
    ("1 medium", "2 biscuits", "1 packet") go through the food's USDA portions: a
    qualifier the user typed ("1 cup chopped") wins, then the same unit, then the plain
    measure, then USDA's order. Among foods that match about equally well, one whose
    portions fit the amount wins, and one with a USDA magnesium value comes before one
    without. Where the food typed has no portion for the amount but a plainer kind of it
    does (no other variant, preparation or food named), the food typed is weighed by
    that kind's portion, as a dietitian would: "½ head savoy cabbage" is savoy cabbage
    at half the weight of a head of "Cabbage, raw"; ``match.portion_food`` names the kind
    and a note says so. A metric volume stated beside a household one ("½ cup (125 mL)")
    is the amount; stated grams win over both.

    Where the best match is an FNDDS food and SR Legacy has the same kind of food
    (every typed word, no other variant, preparation or food named; brands may differ)
    with a portion for the amount, and the two disagree strongly on magnesium (one at
    least 1.5 times and 10 mg/100 g above the other), SR Legacy's analysed food is
    used and a note names the FNDDS food and its id. FNDDS 2021-2023 gives, for
    instance, 29 mg/100 g for "Cereal, bran flakes, plain" and 36 for "Cereal,
    shredded wheat, plain", against 130-229 for the shredded wheat and bran flakes SR
    Legacy analysed [1]_ [2]_. ``source="FNDDS"`` keeps FNDDS's value. A food USDA
    marks NFS (not further specified) is never replaced this way.

    Parameters
    ----------
    food : Food, int or str
        A Food, an FDC id, an FNDDS food code, an NDB number, a name, or a whole entry
        with its amount (then leave `amount` out).
    amount : str, float or pint.Quantity, optional
        Text such as "1/2 cup" or "2 eggs", a mass or volume Quantity, or grams.
    source : {None, 'SR Legacy', 'FNDDS'}, default None
        Match foods from one USDA database only.
    context : {'eaten', 'recipe'}, default 'eaten'
        What the entry describes. ``'eaten'`` (a diary): a food with no preparation
        named is taken as eaten, so "1 cup brown rice" is cooked rice, whatever the unit.
        ``'recipe'`` (an ingredient line): a measured ingredient is taken as bought, so
        "1 cup brown rice" is dry rice and "1 lb lamb shoulder" raw lamb. Name the
        preparation ("cooked", "dry", "raw") to decide it in either.

    Returns
    -------
    Serving
        Grams, the portion used, magnesium [mg] (None when unknown), the match (its
        quality, the words used and ignored, alternatives) and notes.

    Raises
    ------
    UnknownFoodError
        Nothing plausible matches (the message suggests foods).
    AmountError, UnknownUnitError, NoPortionError
        The amount cannot be read exactly, or the food has no portion for it ("a
        handful" has no standard weight). AmountError also when the amount is too
        large to compute with.

    Warns
    -----
    MatchWarning
        The best food matches the entry only in part; the message names alternatives.
    PlausibilityWarning
        When the serving weighs more than ``MAX_PLAUSIBLE_SERVING_G`` (5 kg).

    References
    ----------
    .. [1] U.S. Department of Agriculture, Agricultural Research Service, Food Surveys
       Research Group, "USDA Food and Nutrient Database for Dietary Studies 2021-2023,"
       https://www.ars.usda.gov/nea/bhnrc/fsrg (foods 57207000, 57417000).
    .. [2] U.S. Department of Agriculture, Agricultural Research Service, "FoodData
       Central: SR Legacy," April 2018, https://fdc.nal.usda.gov/ (NDB 08029, 08147,
       08148, 08365, 08504; wheat bran 20077: 611 mg/100 g).

    Examples
    --------
    >>> s = serving("11458", "1/2 cup")
    >>> s.grams, s.portion.unit_description, s.magnesium_mg
    (90.0, 'cup', 78.3)
    >>> s = serving("2 eggs scrambled")
    >>> s.food.description, s.grams
    ('Egg, whole, cooked, scrambled', 122.0)
    >>> serving("1 cup brown rice").food.description  # in a diary: eaten, cooked
    "Rice, brown, medium-grain, cooked (Includes foods for USDA's Food Distribution Program)"
    >>> serving("1 cup brown rice", context="recipe").food.description  # as bought
    "Rice, brown, medium-grain, raw (Includes foods for USDA's Food Distribution Program)"
    """
    check_context(context)
    table = FoodTable.default()
    entry, parsed, names, notes = _entry_and_amount(food, amount)
    assert parsed is not None
    match: Match | None = None
    if entry is not None:
        resolved, match, more = table.match(entry, source=source, amount=parsed, context=context)
        notes = notes + more
    else:
        resolved = table.resolve(food, source=source)
    if names and names[0] == "\x00amount":
        names = names[1:]
        counted = set(
            tokens(" ".join(names[: len(names) - len(entry.food_words if entry else ())]))
        )
        # The food's own words and the measures its portions name ("1 egg"), not every
        # word of a portion's text ("fl" of "fl oz" is no count).
        known = set(tokens(resolved.description)) | {
            portion_key(p.unit_description).head for p in resolved.portions
        }
        if counted and not counted & known:
            raise UnknownUnitError(
                f"unknown unit {' '.join(sorted(counted))!r} in {parsed.text!r}; use a mass "
                "(g, oz, lb), a volume (cup, tbsp, tsp, ml, fl oz), a count of the food "
                "('2 eggs') or one of this food's portions: "
                + (", ".join(p.label for p in resolved.portions) or "none")
            )
    weighed = match.portion_food if match is not None and match.portion_food else resolved
    grams, portion, basis = resolve_portion(weighed, parsed, frozenset(tokens(" ".join(names))))
    if weighed is not resolved:
        notes = (
            *notes,
            f"{resolved.description!r} has no USDA portion for {parsed.text!r}; the weight "
            f"is that of {weighed.description!r} ({weighed.key})",
        )
    return _serving(resolved, parsed, grams, portion, basis, match, notes)


def _serving(
    resolved: Food,
    parsed: Amount,
    grams: float,
    portion: Portion | None,
    basis: str,
    match: Match | None,
    notes: tuple[str, ...],
) -> Serving:
    value = resolved.magnesium_mg_per_100g
    magnesium = None if value is None else round(value * grams / 100.0, 10)
    if not math.isfinite(grams) or (magnesium is not None and not math.isfinite(magnesium)):
        raise AmountError(
            f"amount {parsed.text!r} of {resolved.description!r} is too large to compute "
            "with; give a real serving such as '100 g' or '1 cup'"
        )
    if grams > MAX_PLAUSIBLE_SERVING_G:
        warnings.warn(
            f"{parsed.text!r} of {resolved.description!r} is {grams / 1000:,.4g} kg, more than "
            f"any single serving ({MAX_PLAUSIBLE_SERVING_G / 1000:g} kg); check the amount "
            "(g, not kg?). It is used as given.",
            PlausibilityWarning,
            stacklevel=3,
        )
    return Serving(
        food=resolved,
        amount=parsed.text,
        grams=round(grams, 10),
        portion=portion,
        basis=basis,
        magnesium_mg=magnesium,
        match=match,
        notes=notes,
    )


def servings(text: str, *, source: str | None = None, context: EntryContext = "eaten") -> Servings:
    """
    One serving per food in a line that may name several ("2 eggs and a slice of toast").

    The whole line is tried first, so a dish whose name has "and" or "with" in it
    ("macaroni and cheese", "1 cup oatmeal with milk") stays one food when it matches
    well with an amount; otherwise the line is split by :func:`magcalc.parse_entries`
    and each part resolved as by :func:`serving`. A part with no amount of its own is
    taken as one of the food's default unit only where it follows "with" ("oatmeal
    with milk" is not refused), and parts that match no food are listed in
    ``unplaced`` rather than guessed.

    Parameters
    ----------
    text : str
    source : {None, 'SR Legacy', 'FNDDS'}, default None
    context : {'eaten', 'recipe'}, default 'eaten'
        As for :func:`serving`: a diary line (eaten) or a recipe's ingredients (as bought).

    Returns
    -------
    Servings
        A list of :class:`Serving` with ``unplaced``, the parts it could not place.

    Examples
    --------
    >>> meal = servings("2 eggs and a slice of whole wheat toast")
    >>> [s.food.description for s in meal]
    ['Egg, whole, raw, fresh', 'Bread, whole-wheat, commercially prepared, toasted']
    """
    if not isinstance(text, str):
        raise AmountError(f"a food entry must be text, not {type(text).__name__}")
    whole = parse_entry(text)
    parts = parse_entries(text)
    if len(parts) <= 1 or (whole.has_amount and _matches_well(whole, source, context)):
        return Servings([serving(text, source=source, context=context)], text)
    found: list[Serving] = []
    unplaced: list[str] = []
    for part in parts:
        amount = part.amount()
        if amount is None:
            unplaced.append(f"{part.text!r}: no amount")
            continue
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always", MatchWarning)
                item = serving(part.text, source=source, context=context)
        except MagcalcError as err:
            unplaced.append(f"{part.text!r}: {err}")
            continue
        for w in caught:
            warnings.warn(w.message, w.category, stacklevel=2)
        found.append(item)
    return Servings(found, text, unplaced)


def _matches_well(entry: Entry, source: str | None, context: EntryContext) -> bool:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            _, match, _ = FoodTable.default().match(
                entry, source=source, warn=False, context=context
            )
    except MagcalcError:
        return False
    return match.quality != "weak" and match.coverage >= 0.95


def food_magnesium(
    food: FoodLike,
    amount: str | float | pint.Quantity[Any] | Amount | None = None,
    *,
    source: str | None = None,
    context: EntryContext = "eaten",
) -> pint.Quantity[Any]:
    """
    Magnesium in an amount of a food.

    Parameters
    ----------
    food : Food, int or str
        A Food, an FDC id, an FNDDS food code, an NDB number, a name, or a whole entry
        ("1/2 cup boiled spinach") with `amount` left out.
    amount : str, float or pint.Quantity, optional
        "1/2 cup", "3.5 oz", "1 medium", a pint Quantity, or grams.
    source : {None, 'SR Legacy', 'FNDDS'}, default None
        Match foods from one USDA database only.
    context : {'eaten', 'recipe'}, default 'eaten'
        A food as eaten (a diary) or an ingredient as bought (a recipe); see
        :func:`serving`.

    Returns
    -------
    pint.Quantity
        Magnesium [mg].

    Raises
    ------
    NoMagnesiumDataError
        If USDA has no magnesium value for the food (unknown, not zero).
    UnknownFoodError, AmountError, UnknownUnitError, NoPortionError
        See :func:`serving`.

    References
    ----------
    .. [1] USDA ARS, "FoodData Central: SR Legacy," 2018; magnesium from SR28 (2015), nutrient 304.

    Examples
    --------
    >>> food_magnesium("spinach, boiled", "1/2 cup")
    <Quantity(78.3, 'milligram')>
    >>> round(food_magnesium("almonds", "1 oz").magnitude, 1)
    76.5
    """
    result = serving(food, amount, source=source, context=context)
    if result.magnesium_mg is None:
        raise NoMagnesiumDataError(result.food.description, result.food.magnesium_note)
    return mg(result.magnesium_mg)
