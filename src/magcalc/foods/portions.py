"""Portions: a household amount of a food turned into grams through its USDA measures.

A mass converts directly. A volume ("1/2 cup") goes through a volume portion of the food
(a qualifier typed wins, then the same unit, then the plain measure, then USDA's order);
a household measure ("1 slice", "2 large biscuits") through the portion named by that
measure; a bare count ("2 eggs", "½ avocado") through the food's own unit: the size
typed, a portion named after the food, a medium one, "1 fruit", or a per-piece weight a
portion states.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from functools import lru_cache

from magcalc._util import once, singular
from magcalc.errors import NoPortionError, UnknownUnitError
from magcalc.foods._entry_words import MEASURE_WORDS, UNSTANDARD_MEASURES
from magcalc.foods._words import tokens
from magcalc.foods.models import Food, Portion
from magcalc.units import MASS_UNITS, VOLUME_UNITS, Amount, unit_factor

__all__ = ["PortionKey", "measure_vocabulary", "portion_key", "resolve_portion"]


def _basis(units: float, portion: Portion) -> str:
    return f"{units:.3g} x 1 {portion.unit_description} ({portion.grams_per_unit:.4g} g)"


@dataclass(frozen=True)
class PortionKey:
    """A portion's measure, parsed once: its volume unit or measure word and all its words."""

    volume_unit: str | None
    is_mass: bool
    head: str
    words: frozenset[str]
    second: str = ""
    last: str = ""


@lru_cache(maxsize=4096)  # a pure function of the text; batch work calls it per distinct measure
def portion_key(unit_description: str) -> PortionKey:
    """
    A portion's measure text, parsed once: its volume unit or measure word and its words.

    Examples
    --------
    >>> key = portion_key("cup, chopped")
    >>> key.volume_unit, key.head, sorted(key.words)
    ('cup', 'cup', ['chopped', 'cup'])
    >>> portion_key("2 large biscuits").last
    'biscuit'
    """
    low = unit_description.lower().strip()
    words = frozenset(tokens(low))
    for spelled in ("fl oz", "fluid ounce"):
        if low.startswith(spelled):
            return PortionKey("fluid_ounce", False, "fl oz", words)
    found = re.findall(r"[a-z]+", low)
    head = found[0] if found else low
    second = singular(found[1]) if len(found) > 1 else ""
    # The measure a text names is the last word of its first part: "spoon size
    # biscuit", "rectangular biscuit" are biscuits.
    first_part = re.findall(r"[a-z]+", re.split(r"[,(]", low)[0])
    last = singular(first_part[-1]) if first_part else ""
    if head in VOLUME_UNITS and head not in ("c", "t"):
        return PortionKey(VOLUME_UNITS[head], False, head, words, second, last)
    if head in MASS_UNITS:
        return PortionKey(None, True, head, words, second, last)
    return PortionKey(None, False, singular(head), words, second, last)


def resolve_portion(
    food: Food, amount: Amount, names: frozenset[str] = frozenset()
) -> tuple[float, Portion | None, str]:
    """
    Grams for ``amount`` of ``food``, the portion used, and how it was found.

    Parameters
    ----------
    food : Food
    amount : Amount
        A mass converts directly; a volume goes through one of the food's volume
        portions, a household measure or a count through its measure portions.
    names : frozenset of str
        The entry's food words, which may name the food's own count portion
        ("2 eggs": FNDDS's "1 egg").

    Returns
    -------
    tuple of (float, Portion or None, str)
        Grams [g], the portion used (None for a mass) and the basis, e.g.
        ``"0.5 x 1 cup (180 g)"``.

    Raises
    ------
    NoPortionError
        The food has no portion for the amount; the message lists those it has.
    UnknownUnitError
        The unit is no measure of any USDA food.

    Examples
    --------
    >>> from magcalc.foods import get_food
    >>> from magcalc.units import parse_amount
    >>> grams, portion, basis = resolve_portion(get_food("11458"), parse_amount("1/2 cup"))
    >>> grams, portion.unit_description, basis
    (90.0, 'cup', '0.5 x 1 cup (180 g)')
    """
    if amount.kind == "mass":
        grams = amount.grams
        return grams, None, f"{amount.value:g} {amount.unit} by mass"
    keys = [(p, portion_key(p.unit_description)) for p in food.portions]
    wanted = set(tokens(amount.qualifier))
    if amount.kind == "volume":
        volume = [(p, k) for p, k in keys if k.volume_unit is not None]
        if not volume:
            raise NoPortionError(
                food.description, amount.text or amount.unit, [p.label for p in food.portions]
            )

        # Prefer the qualifier the user typed, then the same unit (no density assumption
        # between cup and tbsp measures), then a plain measure ("cup" over "cup, sliced"),
        # then USDA's order.
        def vkey(item: tuple[Portion, PortionKey]) -> tuple[int, int, int, int]:
            p, k = item
            return (
                -len(wanted & k.words),
                0 if k.volume_unit == amount.unit else 1,
                0 if p.unit_description.strip().lower() == k.head else 1,
                p.seq,
            )

        portion, key = min(volume, key=vkey)
        assert key.volume_unit is not None
        units_of_portion = amount.value * unit_factor(amount.unit) / unit_factor(key.volume_unit)
        grams = units_of_portion * portion.grams_per_unit
        return grams, portion, _basis(units_of_portion, portion)

    size, _, word = amount.unit.rpartition(" ") if " " in amount.unit else ("", "", amount.unit)
    if word in _SIZES and not size:
        size, word = word, ""
    if word in UNSTANDARD_MEASURES:
        raise NoPortionError(
            food.description,
            f"{amount.text or word} (a {word} has no standard weight)",
            [p.label for p in food.portions],
        )
    if not word:
        return _count_portion(food, amount, keys, size, names)

    def fits_size(k: PortionKey) -> int:
        return 0 if not size or size in k.words else 1

    # The measure itself, not any word of a portion's text: "1 slice" is a "slice"
    # portion, "2 large biscuits" a "large biscuit" one; "whole" in "cup, whole" is not
    # a measure.
    found = [(p, k) for p, k in keys if k.head == word or (k.last == word and not k.is_mass)]
    if word == "juice":
        # "Juice of 1 orange" is the juice one fruit yields (FNDDS "Juice of 1 lime", SR
        # "fruit yields"), not a "juice box/pouch".
        found = [
            (p, k)
            for p, k in keys
            if p.unit_description.lower().startswith(("juice of", "fruit yield"))
        ]
    if not found and word in _SAME_MEASURE:
        # A slice of pizza is what FNDDS calls a piece.
        other = _SAME_MEASURE[word]
        found = [(p, k) for p, k in keys if k.head == other or (k.last == other and not k.is_mass)]
    if not found:
        if word in measure_vocabulary() or word in MEASURE_WORDS:
            raise NoPortionError(
                food.description, amount.text or word, [p.label for p in food.portions]
            )
        raise UnknownUnitError(
            f"unknown unit {word!r} in {amount.text!r}; use a mass (g, oz, lb), a volume "
            "(cup, tbsp, tsp, ml, fl oz) or one of this food's portions: "
            + (", ".join(p.label for p in food.portions) or "none")
        )

    # Among measures of the size typed, or of no stated size, a "large" one is the
    # heaviest and a "small" one the lightest.
    weight = {"large": -1.0, "small": 1.0}.get(size, 0.0)

    def sized(k: PortionKey) -> int:
        # With no size typed, a medium measure, then one of no stated size.
        if size:
            return 0
        if "medium" in k.words:
            return 0
        return 1 if not k.words & (_SIZES | _SMALL_VERSIONS) else 2

    def mkey(item: tuple[Portion, PortionKey]) -> tuple[int, int, int, int, float, int, int]:
        p, k = item
        return (
            fits_size(k),
            -len(wanted & k.words),
            -len(names & k.words),  # "Juice of 1 lime" for limes, not "of 1 wedge"
            sized(k),
            weight * p.grams_per_unit,
            len(k.words),
            p.seq,
        )

    portion, _ = min(found, key=mkey)
    grams = amount.value * portion.grams_per_unit
    return (
        grams,
        portion,
        f"{amount.value:.3g} x 1 {portion.unit_description} ({portion.grams_per_unit:.4g} g)",
    )


# Measures that name the same thing where a food has only one of them.
# (A celery rib is a stalk; a sachet or envelope of yeast is USDA's packet.)
_SAME_MEASURE = {
    "slice": "piece", "piece": "slice", "rib": "stalk", "package": "packet",
    "sachet": "packet", "envelope": "packet", "packet": "package",
}  # fmt: skip
_SIZES = frozenset({"small", "medium", "large", "extra", "jumbo", "regular", "rectangular"})
# Portions of a small version of the food ("bar, miniature", "fun size"): a size, not
# the default measure.
_SMALL_VERSIONS = frozenset({"miniature", "mini", "snack", "fun", "bite", "junior"})
# A portion's text that says how many pieces it holds: "oz (23 whole kernels)",
# "cup (4.86 large eggs)", "1 oz (about 12 nuts)".
_PIECES = re.compile(
    r"\(\s*(?:about\s+)?(\d+(?:\.\d+)?)\s+(?:whole\s+|large\s+|medium\s+|small\s+)?"
    r"(kernels?|nuts?|pieces?|halves|almonds?|cashews?|pecans?|pistachios?|eggs?|olives?|"
    r"berries|cherries|grapes?|chips?|crackers?|cookies?|shrimp|meatballs?|nuggets?)\b"
)
# Portions that name one of a food: FNDDS "1 banana", "1 egg", SR "fruit", "whole".
_ONE_OF = ("fruit", "whole", "item", "each", "piece", "regular", "nlea", "container")


def _count_portion(
    food: Food,
    amount: Amount,
    keys: list[tuple[Portion, PortionKey]],
    size: str,
    names: frozenset[str],
) -> tuple[float, Portion | None, str]:
    """Grams for a bare count ("2 eggs", "1 large onion", "½ avocado").

    A count of a countable food is that many of its default unit: the size typed, else
    a portion named after the food ("1 banana", "1 egg") or a medium one, else "1
    fruit", "1 whole", "1 piece", else a per-piece weight that a portion states ("oz
    (23 whole kernels)").
    """
    named = tokens(food.description.split(",")[0])
    # "1 sweet potato" is SR's "sweetpotato, 5\" long": a name's words joined count too.
    food_names = names | frozenset(named) | {a + b for a, b in itertools.pairwise(named)}

    def rank(item: tuple[Portion, PortionKey]) -> tuple[int, int]:
        p, k = item
        if size:
            return (0 if k.head == size or size in k.words else 99, p.seq)
        if k.head in food_names and not (k.words & {"small", "large", "extra", "jumbo"}):
            return (0, p.seq)
        if k.head == "medium":
            return (1, p.seq)
        if k.head in _ONE_OF:
            return (2 + _ONE_OF.index(k.head), p.seq)
        if k.head == "large":
            return (12, p.seq)
        if k.head == "small":
            return (13, p.seq)
        return (99, p.seq)

    ranked = sorted((rank(item), item) for item in keys if not item[1].is_mass)
    ranked = [(r, item) for r, item in ranked if r[0] < 99]
    if not ranked and size == "medium":
        # A food USDA weighs in one size only ("1 fruit"): that is its medium one.
        return _count_portion(food, amount, keys, "", names)
    if ranked:
        portion = ranked[0][1][0]
        grams = amount.value * portion.grams_per_unit
        return grams, portion, _basis(amount.value, portion)
    for p, _ in keys:
        m = _PIECES.search(p.unit_description.lower())
        if m and float(m.group(1)) > 0:
            per_piece = p.grams_per_unit / float(m.group(1))
            grams = amount.value * per_piece
            return (
                grams,
                p,
                f"{amount.value:.3g} x 1/{m.group(1)} of 1 {p.unit_description} "
                f"({per_piece:.3g} g each)",
            )
    what = f"{size} " if size else ""
    raise NoPortionError(
        food.description,
        f"{amount.text or amount.value} (a count: USDA gives no {what}per-piece weight for it)",
        [p.label for p in food.portions],
    )


@once
def measure_vocabulary() -> frozenset[str]:
    """
    Every word that names a household measure somewhere in the bundled USDA table.

    A unit the food lacks is then a missing portion (:class:`~magcalc.NoPortionError`,
    "spinach has no biscuit"), not an unknown unit.
    """
    # Through the package facade: the table resolves portions with this module, so this
    # module may not import the table's (the table is loaded by the time a unit is
    # looked up).
    import magcalc

    table = magcalc.FoodTable.default()
    heads = {
        portion_key(desc).head
        for row in range(len(table))
        for _, _, desc, _ in table.portions_at(row)
    }
    return frozenset(heads | {"serving", "piece", "slice", "medium", "large", "small"})
