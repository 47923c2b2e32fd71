"""Foods: the bundled USDA tables, food search, portions and servings.

The table (``data/foods.csv`` and ``data/portions.csv``, built by
``scripts/build_foods.py`` from USDA's SR Legacy and FNDDS 2021-2023 releases) is read
on first use
and kept for the life of the process. :func:`search_foods` ranks foods the way
people type them; :func:`serving` turns a food and a household amount into
grams through the food's USDA portions; :func:`food_magnesium` gives the
magnesium in that amount.

References
----------
.. [1] U.S. Department of Agriculture, Agricultural Research Service, "FoodData
   Central: SR Legacy," April 2018. https://fdc.nal.usda.gov/
.. [2] U.S. Department of Agriculture, Agricultural Research Service, "USDA
   National Nutrient Database for Standard Reference, Release 28," 2015
   (magnesium, nutrient 304).
"""

from __future__ import annotations

import csv
import itertools
import json
import math
import re
import threading
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from magcalc._data import data_file
from magcalc._models import InputModel
from magcalc._search import (
    NEUTRAL_WORDS,
    PREP_WORDS,
    VARIANT_WORDS,
    SearchIndex,
    brand_words,
    singular,
    tokens,
)
from magcalc.errors import (
    AmountError,
    InputError,
    MagcalcError,
    MatchWarning,
    NoMagnesiumDataError,
    NoPortionError,
    PlausibilityWarning,
    UnknownFoodError,
    UnknownUnitError,
)
from magcalc.units import (
    MASS_UNITS,
    VOLUME_UNITS,
    Amount,
    _shorten,
    amount_from_quantity,
    mg,
    parse_amount,
    unit_factor,
)

if TYPE_CHECKING:
    import pint

    from magcalc.entries import Entry

__all__ = [
    "INDEX_FILE",
    "MAX_PLAUSIBLE_SERVING_G",
    "MAX_QUERY_CHARS",
    "SOURCES",
    "EntryContext",
    "Food",
    "FoodLike",
    "FoodMatch",
    "FoodTable",
    "Match",
    "Portion",
    "SearchResults",
    "Serving",
    "Servings",
    "food_magnesium",
    "get_food",
    "search_foods",
    "serving",
    "servings",
]

SR_LEGACY = "SR Legacy"
FNDDS = "FNDDS"
FNDDS_DATA_TYPE = "Survey (FNDDS)"
SOURCES = (SR_LEGACY, FNDDS)
SOURCE_TEXT = {
    SR_LEGACY: "USDA ARS FoodData Central, SR Legacy",
    FNDDS: "USDA ARS Food Surveys Research Group, FNDDS 2021-2023",
}

# magcalc's plausibility rule (a project decision, not a reference value): no single
# serving of a food weighs more than 5 kg (about two litres of milk and a whole melon
# together stay below it). Larger servings are computed, with a PlausibilityWarning.
MAX_PLAUSIBLE_SERVING_G = 5000.0
# No food name needs more: longer text is cut before it is compared, so that hostile
# input costs no more than a normal entry.
MAX_QUERY_CHARS = 200


class Portion(InputModel):
    """
    One USDA household measure of a food.

    ``amount`` of ``unit_description`` weighs ``gram_weight`` grams, so one unit
    weighs ``gram_weight / amount`` [g].

    Examples
    --------
    >>> p = Portion(seq=1, amount=1, unit_description="cup", gram_weight=180)
    >>> p.label
    '1 cup (180 g)'
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    seq: int = Field(description="USDA sequence number; lower is the more common measure")
    amount: float = Field(
        gt=0, allow_inf_nan=False, description="How many of the measure weigh gram_weight"
    )
    unit_description: str = Field(description="USDA measure text, e.g. 'cup, chopped'")
    gram_weight: float = Field(
        gt=0, allow_inf_nan=False, description="Grams for `amount` of the measure [g]"
    )

    @property
    def grams_per_unit(self) -> float:
        """Grams in one of the measure [g]."""
        return self.gram_weight / self.amount

    @property
    def label(self) -> str:
        """Human-readable measure, e.g. ``'1 cup, chopped (130 g)'``."""
        return f"{self.amount:g} {self.unit_description} ({self.gram_weight:g} g)"


class Food(InputModel):
    """
    A food and its magnesium content per 100 g.

    Attributes
    ----------
    fdc_id : int or None
        FoodData Central id; None for FNDDS foods of the bundled table, which are
        keyed by their food code.
    ndb_number : str or None
        SR/NDB number (5 digits) where the food has one.
    food_code : int or None
        FNDDS food code (8 digits, the key of NHANES food records) where the food has one.
    description : str
        USDA description.
    food_group : str or None
        USDA food group or category.
    magnesium_mg_per_100g : float or None
        Magnesium [mg per 100 g edible portion]; None when the source has no
        value (unknown, not zero).
    magnesium_note : str
        Why the value is missing, when it is.
    data_type : str
        "SR Legacy" or "Survey (FNDDS)" for the bundled table; the FDC data type otherwise.
    source, source_release : str
        Provenance.
    additional_description : str
        FNDDS's everyday and brand-free synonyms (";"-separated), searchable.
    portions : tuple of Portion
        USDA household measures.

    Examples
    --------
    >>> food = get_food("09040")
    >>> food.description, food.magnesium_per_100g
    ('Bananas, raw', <Quantity(27.0, 'milligram')>)
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    fdc_id: int | None = None
    ndb_number: str | None = None
    food_code: int | None = None
    description: str
    food_group: str | None = None
    magnesium_mg_per_100g: float | None = Field(default=None, ge=0, allow_inf_nan=False)
    magnesium_note: str = ""
    data_type: str = SR_LEGACY
    source: str = SOURCE_TEXT[SR_LEGACY]
    source_release: str = ""
    additional_description: str = ""
    portions: tuple[Portion, ...] = ()

    @model_validator(mode="after")
    def _has_id(self) -> Food:
        if self.fdc_id is None and self.food_code is None:
            raise ValueError("a Food needs an fdc_id or an FNDDS food_code")
        return self

    @property
    def key(self) -> str:
        """
        The food's unambiguous id: ``"fdc:<FDC id>"``, or ``"fndds:<food code>"`` for an
        FNDDS food of the bundled table (``get_food`` takes either).
        """
        if self.fdc_id is not None:
            return f"fdc:{self.fdc_id}"
        return f"fndds:{self.food_code}"

    @property
    def ids(self) -> str:
        """The food's ids as people cite them, e.g. ``"NDB 12061, FDC 170567"``."""
        parts = [f"NDB {self.ndb_number}"] if self.ndb_number else []
        if self.fdc_id is not None:
            parts.append(f"FDC {self.fdc_id}")
        if self.food_code is not None:
            parts.append(f"FNDDS food code {self.food_code}")
        return ", ".join(parts)

    @property
    def source_name(self) -> str:
        """Which USDA database the food is from: ``"SR Legacy"``, ``"FNDDS"`` or an FDC type."""
        return FNDDS if self.data_type == FNDDS_DATA_TYPE else self.data_type

    @property
    def magnesium_per_100g(self) -> pint.Quantity[Any] | None:
        """Magnesium per 100 g as a pint Quantity [mg], or None when unknown."""
        if self.magnesium_mg_per_100g is None:
            return None
        return mg(self.magnesium_mg_per_100g)

    @property
    def has_magnesium_data(self) -> bool:
        """Whether the source has a magnesium value for this food."""
        return self.magnesium_mg_per_100g is not None

    def _repr_html_(self) -> str:
        from magcalc._display import food_html

        return food_html(self)

    def __str__(self) -> str:
        value = (
            f"{self.magnesium_mg_per_100g:g} mg Mg/100 g"
            if self.magnesium_mg_per_100g is not None
            else "no magnesium data"
        )
        ident = f"FDC {self.fdc_id}" if self.fdc_id is not None else f"FNDDS {self.food_code}"
        return f"{self.description} [{ident}] ({value})"


class FoodMatch(BaseModel):
    """
    A search hit: the food and how well it matches (``score``, 0-100, higher is better).

    Examples
    --------
    >>> hit = search_foods("almonds", limit=1)[0]
    >>> hit.food.ndb_number, 0 < hit.score <= 100
    ('12061', True)
    """

    model_config = ConfigDict(frozen=True)

    food: Food
    score: float

    def __str__(self) -> str:
        return f"{self.score:5.1f}  {self.food}"


class SearchResults(list[FoodMatch]):
    """
    Search hits, best first: a plain list of :class:`FoodMatch` that also renders as a
    table in Jupyter and converts to pandas.
    """

    def __init__(self, matches: Any = (), query: str = "") -> None:
        super().__init__(matches)
        self.query = query

    def _repr_html_(self) -> str:
        from magcalc._display import matches_html

        return matches_html(self, self.query)

    def to_dicts(self) -> list[dict[str, Any]]:
        """
        The hits as plain JSON-ready dicts (each a :class:`FoodMatch` dump).

        Examples
        --------
        >>> hits = search_foods("almonds", limit=2)
        >>> [h["food"]["description"] for h in hits.to_dicts()]
        ['Nuts, almonds', 'Almonds, NFS']
        """
        return [m.model_dump(mode="json") for m in self]

    def to_json(self) -> str:
        """The hits as JSON text (a list of :class:`FoodMatch`); see :meth:`to_dicts`."""
        return json.dumps(self.to_dicts())

    def __str__(self) -> str:
        return "\n".join(str(m) for m in self) or f"no foods match {self.query!r}"

    def to_dataframe(self) -> Any:
        """One row per hit: score, ids, description, group, magnesium [mg/100 g]."""
        from magcalc._display import dataframe

        return dataframe(
            [
                {
                    "score": m.score,
                    "fdc_id": m.food.fdc_id,
                    "ndb_number": m.food.ndb_number,
                    "description": m.food.description,
                    "food_group": m.food.food_group,
                    "magnesium_mg_per_100g": m.food.magnesium_mg_per_100g,
                }
                for m in self
            ],
            nullable_int=("fdc_id",),
        )


MatchQuality = Literal["exact", "good", "weak"]
EntryContext = Literal["eaten", "recipe"]
_TYPED_AS_BOUGHT = frozenset({"dry", "uncooked", "raw", "unprepared"})
_STATE_ONLY = frozenset({"uncooked", "unprepared"})
"""What an entry describes: food as eaten (a diary) or an ingredient as bought (a recipe)."""


class Match(BaseModel):
    """
    How a food entry was matched: how sure, on which words, and what else came close.

    Attributes
    ----------
    quality : {'exact', 'good', 'weak'}
        "exact": an id or a USDA description; "good": the food covers the entry's food
        words; "weak": only part of them (a :class:`~magcalc.MatchWarning` was issued).
    score : float
        Search score of the food, 0-100.
    coverage : float
        Share of the entry's food words (weighted by rarity) that the food has, 0-1.
    query : str
        The food words searched for.
    used_words, ignored_words, form_words : tuple of str
        Food words the match used; words set aside ("organic", "finely"); cut and form
        words that chose the portion ("cubed").
    alternatives : tuple of FoodMatch
        The next best foods, best first.

    Examples
    --------
    >>> m = serving("1 oz organic almonds").match
    >>> m.quality, m.used_words, m.ignored_words
    ('good', ('almonds',), ('organic',))
    """

    model_config = ConfigDict(frozen=True)

    quality: MatchQuality
    score: float
    coverage: float
    query: str
    used_words: tuple[str, ...] = ()
    ignored_words: tuple[str, ...] = ()
    form_words: tuple[str, ...] = ()
    alternatives: tuple[FoodMatch, ...] = ()


class Serving(BaseModel):
    """
    A food in a stated amount, resolved to grams, and its magnesium.

    Attributes
    ----------
    food : Food
    amount : str
        The amount as given ("1/2 cup", "150 g", ...).
    grams : float
        Edible grams [g].
    portion : Portion or None
        The USDA portion used to convert a volume or household measure; None
        for masses.
    basis : str
        How the grams were found, e.g. ``"0.5 x 1 cup (180 g)"``.
    magnesium_mg : float or None
        Magnesium in the serving [mg]; None when the food has no value.
    match : Match or None
        How the food was found (quality, words used and ignored, alternatives); None
        when the food was given as a Food.
    notes : tuple of str
        What was decided on the way: a range read as its midpoint, a stated weight
        used, the two USDA sources disagreeing on the food.

    Examples
    --------
    >>> s = serving("bananas raw", "1 medium")
    >>> s.grams, s.portion.unit_description
    (118.0, 'medium (7" to 7-7/8" long)')
    """

    model_config = ConfigDict(frozen=True)

    food: Food
    amount: str
    grams: float = Field(ge=0)
    portion: Portion | None = None
    basis: str
    magnesium_mg: float | None = None
    match: Match | None = None
    notes: tuple[str, ...] = ()

    def _repr_html_(self) -> str:
        from magcalc._display import serving_html

        return serving_html(self)

    @property
    def magnesium(self) -> pint.Quantity[Any] | None:
        """Magnesium in the serving as a pint Quantity [mg], or None when unknown."""
        return None if self.magnesium_mg is None else mg(self.magnesium_mg)

    def __str__(self) -> str:
        value = "no magnesium data" if self.magnesium_mg is None else f"{self.magnesium_mg:.1f} mg"
        text = (
            f"{self.amount} {self.food.description}: {self.grams:.1f} g ({self.basis}) -> {value}"
        )
        return "\n".join([text, *(f"  note: {n}" for n in self.notes)])


FoodLike = Food | int | str
"""A food given as a :class:`Food`, an FDC id, an NDB number or a search query."""
AmountLike = Any
"""Amount text ("1/2 cup"), a pint Quantity of mass or volume, or grams as a number."""


def _basis(units: float, portion: Portion) -> str:
    return f"{units:.3g} x 1 {portion.unit_description} ({portion.grams_per_unit:.4g} g)"


# --------------------------------------------------------------------------- tokenising


@dataclass(frozen=True)
class _PortionKey:
    """A portion's measure, parsed once: its volume unit or measure word and all its words."""

    volume_unit: str | None
    is_mass: bool
    head: str
    words: frozenset[str]
    second: str = ""
    last: str = ""


@lru_cache(maxsize=4096)  # a pure function of the text; batch work calls it per distinct measure
def _portion_key(unit_description: str) -> _PortionKey:
    low = unit_description.lower().strip()
    words = frozenset(tokens(low))
    for spelled in ("fl oz", "fluid ounce"):
        if low.startswith(spelled):
            return _PortionKey("fluid_ounce", False, "fl oz", words)
    found = re.findall(r"[a-z]+", low)
    head = found[0] if found else low
    second = singular(found[1]) if len(found) > 1 else ""
    # The measure a text names is the last word of its first part: "spoon size
    # biscuit", "rectangular biscuit" are biscuits.
    first_part = re.findall(r"[a-z]+", re.split(r"[,(]", low)[0])
    last = singular(first_part[-1]) if first_part else ""
    if head in VOLUME_UNITS and head not in ("c", "t"):
        return _PortionKey(VOLUME_UNITS[head], False, head, words, second, last)
    if head in MASS_UNITS:
        return _PortionKey(None, True, head, words, second, last)
    return _PortionKey(None, False, singular(head), words, second, last)


def _resolve_portion(
    food: Food, amount: Amount, names: frozenset[str] = frozenset()
) -> tuple[float, Portion | None, str]:
    """Grams for ``amount`` of ``food``, the portion used, and how it was found.

    ``names`` are the entry's food words, which may name the food's own count portion
    ("2 eggs": FNDDS's "1 egg").
    """
    if amount.kind == "mass":
        grams = amount.grams
        return grams, None, f"{amount.value:g} {amount.unit} by mass"
    keys = [(p, _portion_key(p.unit_description)) for p in food.portions]
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
        def vkey(item: tuple[Portion, _PortionKey]) -> tuple[int, int, int, int]:
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
    from magcalc.entries import MEASURE_WORDS, UNSTANDARD_MEASURES

    if word in UNSTANDARD_MEASURES:
        raise NoPortionError(
            food.description,
            f"{amount.text or word} (a {word} has no standard weight)",
            [p.label for p in food.portions],
        )
    if not word:
        return _count_portion(food, amount, keys, size, names)

    def fits_size(k: _PortionKey) -> int:
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
        if word in _measure_vocabulary() or word in MEASURE_WORDS:
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

    def sized(k: _PortionKey) -> int:
        # With no size typed, a medium measure, then one of no stated size.
        if size:
            return 0
        if "medium" in k.words:
            return 0
        return 1 if not k.words & (_SIZES | _SMALL_VERSIONS) else 2

    def mkey(item: tuple[Portion, _PortionKey]) -> tuple[int, int, int, int, float, int, int]:
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
    keys: list[tuple[Portion, _PortionKey]],
    size: str,
    names: frozenset[str],
) -> tuple[float, Portion | None, str]:
    """Grams for a bare count ("2 eggs", "1 large onion", "½ avocado").

    A count of a countable food is that many of its default unit: the size typed, else
    a portion named after the food ("1 banana", "1 egg") or a medium one, else "1
    fruit", "1 whole", "1 piece", else a per-piece weight that a portion states ("oz
    (23 whole kernels)").
    """
    food_names = names | frozenset(tokens(food.description.split(",")[0]))

    def rank(item: tuple[Portion, _PortionKey]) -> tuple[int, int]:
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


_vocab_lock = threading.Lock()
_vocab: frozenset[str] | None = None


def _measure_vocabulary() -> frozenset[str]:
    """Every word that names a household measure somewhere in the USDA table."""
    global _vocab
    if _vocab is None:
        with _vocab_lock:
            if _vocab is None:
                table = FoodTable.default()
                heads = {
                    _portion_key(desc).head
                    for rows in table._portions.values()
                    for _, _, desc, _ in rows
                }
                _vocab = frozenset(
                    heads | {"serving", "piece", "slice", "medium", "large", "small"}
                )
    return _vocab


# --------------------------------------------------------------------------- table


class FoodTable:
    """
    The bundled USDA food table (SR Legacy and FNDDS 2021-2023): lookup by id and
    ranked search.

    Use :meth:`FoodTable.default` for the shared, lazily loaded instance; the
    module-level functions (:func:`search_foods`, :func:`get_food`, ...) use it.
    Loading is thread-safe and happens once per process.

    Parameters
    ----------
    foods_csv, portions_csv : path-like, optional
        Alternative table files with the bundled schema (see ``data/README.md``).

    Examples
    --------
    >>> table = FoodTable.default()
    >>> len(table)
    13225
    >>> table.get("11458").description
    'Spinach, cooked, boiled, drained, without salt'
    """

    _default: FoodTable | None = None
    _default_lock = threading.Lock()

    def __init__(self, foods_csv: Any = None, portions_csv: Any = None) -> None:
        foods_path = foods_csv if foods_csv is not None else data_file("foods.csv")
        portions_path = portions_csv if portions_csv is not None else data_file("portions.csv")
        self.fdc_ids: list[int | None] = []
        self.ndb_numbers: list[str] = []
        self.food_codes: list[int | None] = []
        self.descriptions: list[str] = []
        self.food_groups: list[str] = []
        self.magnesium: list[float | None] = []
        self.sources: list[str] = []
        self.synonyms: list[str] = []
        self._notes: list[str] = []
        self._release: list[str] = []
        # Repeated texts (groups, sources, releases) share one object: the shipped index
        # then stores each once.
        shared: dict[str, str] = {}
        one = shared.setdefault
        # csv.reader with column positions: about twice as fast as DictReader here.
        with open(foods_path, newline="", encoding="utf-8") as fh:
            reader = csv.reader(fh)
            col = {name: k for k, name in enumerate(next(reader))}
            c_fdc, c_ndb, c_desc = col["fdc_id"], col["ndb_number"], col["description"]
            c_group, c_mg = col["food_group"], col["magnesium_mg_per_100g"]
            c_code, c_syn = col.get("food_code"), col.get("additional_description")
            c_note = col.get("magnesium_note")
            c_release, c_source = col.get("source_release"), col.get("source")
            for row in reader:
                self.fdc_ids.append(int(row[c_fdc]) if row[c_fdc] else None)
                self.ndb_numbers.append(row[c_ndb])
                self.food_codes.append(
                    int(row[c_code]) if c_code is not None and row[c_code] else None
                )
                self.descriptions.append(row[c_desc])
                self.food_groups.append(one(row[c_group], row[c_group]))
                value = row[c_mg]
                self.magnesium.append(float(value) if value != "" else None)
                note = row[c_note] if c_note is not None else ""
                self._notes.append(one(note, note))
                release = row[c_release] if c_release is not None else ""
                self._release.append(one(release, release))
                source = row[c_source] if c_source is not None else SR_LEGACY
                # Older tables wrote the long provenance text in `source`.
                self.sources.append(FNDDS if source == FNDDS else SR_LEGACY)
                self.synonyms.append(row[c_syn] if c_syn is not None else "")
        by_fdc = {fid: i for i, fid in enumerate(self.fdc_ids) if fid is not None}
        by_code = {code: i for i, code in enumerate(self.food_codes) if code is not None}
        # Portions per row of the table: FDC ids and food codes never share a row.
        self._portions: dict[int, list[tuple[int, float, str, float]]] = {}
        with open(portions_path, newline="", encoding="utf-8") as fh:
            reader = csv.reader(fh)
            col = {name: k for k, name in enumerate(next(reader))}
            c_fdc, c_seq, c_amount = col["fdc_id"], col["seq"], col["amount"]
            c_unit, c_grams = col["unit_description"], col["gram_weight"]
            c_code = col.get("food_code")
            for row in reader:
                amount, grams = float(row[c_amount]), float(row[c_grams])
                if amount <= 0 or grams <= 0:
                    # 18 SR rows have amount 0 (e.g. "chicken, bone removed") and one FNDDS
                    # row weighs 0 g: no grams-per-measure follows, so they are not offered.
                    continue
                if row[c_fdc]:
                    i = by_fdc[int(row[c_fdc])]
                else:
                    assert c_code is not None
                    i = by_code[int(row[c_code])]
                self._portions.setdefault(i, []).append(
                    (int(row[c_seq]), amount, one(row[c_unit], row[c_unit]), grams)
                )
        self._finish()

    def _finish(self) -> None:
        """Lookups and the (lazily built) search index over the loaded columns."""
        self._by_fdc = {fid: i for i, fid in enumerate(self.fdc_ids) if fid is not None}
        self._by_code = {c: i for i, c in enumerate(self.food_codes) if c is not None}
        self._by_ndb = {ndb: i for i, ndb in enumerate(self.ndb_numbers) if ndb}
        self._by_description: dict[str, int] = {}
        for i, d in enumerate(self.descriptions):
            # SR Legacy first: an exact description shared by both sources means SR's.
            self._by_description.setdefault(d.lower(), i)
        self._foods: dict[int, Food] = {}
        self._names_cache: frozenset[str] | None = None
        portions = self._portions
        self._search = SearchIndex(
            self.descriptions,
            self.food_groups,
            self.magnesium,
            # Only read when the index is built rather than loaded.
            lambda: [len(portions.get(i, ())) for i in range(len(self.descriptions))],
            self.sources,
            self.synonyms,
        )

    @classmethod
    def default(cls) -> FoodTable:
        """
        The shared table, loaded from the bundled data on first call.

        The parsed table and its search index are kept in magcalc's cache folder
        (see :mod:`magcalc._cache`), so later processes start in a fraction of the time.
        """
        if cls._default is None:
            with cls._default_lock:
                if cls._default is None:
                    cls._default = cls._load_cached()
        return cls._default

    _STATE = (
        "fdc_ids",
        "ndb_numbers",
        "food_codes",
        "descriptions",
        "food_groups",
        "magnesium",
        "sources",
        "synonyms",
        "_notes",
        "_release",
        "_portions",
    )

    @classmethod
    def _load_cached(cls) -> FoodTable:
        from magcalc import __version__, _cache

        foods, portions = data_file("foods.csv"), data_file("portions.csv")
        key = index_key(foods.read_bytes(), portions.read_bytes())
        state = _shipped_state(key)
        if state is None:
            # Code or data changed since the shipped index was built (a development
            # checkout): build once and keep it in magcalc's cache folder.
            state = _cache.cached(
                "foods", f"{key[:24]}-{__version__}", lambda: cls(foods, portions).export()
            )
        table = cls.__new__(cls)
        for name, value in zip(cls._STATE, state, strict=False):
            setattr(table, name, value)
        table._finish()
        table.index.load_state(state[-1])
        return table

    def export(self) -> list[Any]:
        """The parsed table and its built search index as plain containers."""
        return [getattr(self, name) for name in self._STATE] + [self.index.export_state()]

    def __len__(self) -> int:
        return len(self.fdc_ids)

    def __iter__(self) -> Iterator[Food]:
        return (self._food(i) for i in range(len(self)))

    def __repr__(self) -> str:
        return f"<FoodTable: {len(self)} foods>"

    # ------------------------------------------------------------------ lookup

    def _food(self, i: int) -> Food:
        food = self._foods.get(i)
        if food is None:
            portions = tuple(
                Portion(seq=s, amount=a, unit_description=u, gram_weight=g)
                for s, a, u, g in self._portions.get(i, ())
            )
            source = self.sources[i]
            food = Food(
                fdc_id=self.fdc_ids[i],
                ndb_number=self.ndb_numbers[i] or None,
                food_code=self.food_codes[i],
                description=self.descriptions[i],
                food_group=self.food_groups[i],
                magnesium_mg_per_100g=self.magnesium[i],
                magnesium_note=self._notes[i],
                data_type=FNDDS_DATA_TYPE if source == FNDDS else SR_LEGACY,
                source=SOURCE_TEXT[source],
                source_release=self._release[i],
                additional_description=self.synonyms[i],
                portions=portions,
            )
            self._foods[i] = food
        return food

    def _row(self, key: int | str) -> int | None:
        """Row of an id: FDC id, FNDDS food code (8 digits), NDB number (5-digit text),
        a prefixed key ("fdc:173410", "fndds:63105010", "ndb:01001") or a description."""
        if isinstance(key, int):
            # FDC ids have at most 7 digits; FNDDS food codes have 8.
            return self._by_code.get(key) if 10**7 <= key < 10**8 else self._by_fdc.get(key)
        text = key.strip()
        prefix, sep, rest = text.partition(":")
        if sep and prefix.strip().lower() in ("fdc", "fndds", "ndb"):
            rest = rest.strip()
            kind = prefix.strip().lower()
            if not (rest.isascii() and rest.isdigit()) or len(rest) > 12:
                return None
            if kind == "ndb":
                return self._by_ndb.get(rest)
            table = self._by_fdc if kind == "fdc" else self._by_code
            return table.get(int(rest))
        if text.isascii() and text.isdigit():
            if len(text) == 5:
                return self._by_ndb.get(text)
            if len(text) > 12:
                return None
            return self._row(int(text))
        return self._by_description.get(text.lower())

    def get(self, key: int | str) -> Food:
        """
        A food by FDC id, FNDDS food code, NDB number or exact description.

        Parameters
        ----------
        key : int or str
            An FDC id (``173944``), an FNDDS food code (8 digits, ``63105010``), an NDB
            number as 5-digit text (``"09040"``), a prefixed key as in :attr:`Food.key`
            (``"fdc:173944"``, ``"fndds:63105010"``, ``"ndb:09040"``) or an exact
            USDA description.

        Raises
        ------
        UnknownFoodError
            If nothing has that id; the message suggests close descriptions.
        """
        if isinstance(key, bool) or not isinstance(key, (int, str)):
            raise UnknownFoodError(key)
        i = self._row(key)
        if i is None:
            # A huge int has no decimal text (Python caps it); it has no suggestions either.
            text = key if isinstance(key, str) else "" if key.bit_length() > 64 else str(key)
            raise UnknownFoodError(key, self.suggest(text[:MAX_QUERY_CHARS]) if text else [])
        return self._food(i)

    def suggest(self, query: str, limit: int = 5) -> list[str]:
        """Close descriptions for a query that matched nothing.

        The ranked search first; failing that, a character-level comparison with every
        description (rapidfuzz's QRatio, about 1 ms for the whole table; WRatio takes
        twenty times as long). The query is cut to ``MAX_QUERY_CHARS`` first.
        """
        query = query[:MAX_QUERY_CHARS]  # suggestions only: the error says what was wrong
        hits = self.search(query, limit=limit) if query.strip() else []
        if hits:
            return [h.food.description for h in hits]
        from rapidfuzz import fuzz, process

        found = process.extract(
            query.lower(),
            self._lowered(),
            scorer=fuzz.QRatio,
            processor=None,
            limit=limit,
            score_cutoff=50,
        )
        return [self.descriptions[idx] for _, _, idx in found]

    def _lowered(self) -> list[str]:
        lowered: list[str] | None = getattr(self, "_lower", None)
        if lowered is None:
            lowered = self._lower = [d.lower() for d in self.descriptions]
        return lowered

    # ------------------------------------------------------------------ search

    @property
    def index(self) -> SearchIndex:
        """The search index (built on first use, thread-safe)."""
        return self._search

    def search(self, query: str, *, limit: int = 10, source: str | None = None) -> SearchResults:
        """
        Foods ranked by how well they match what a person typed.

        See :func:`search_foods`.
        """
        if not isinstance(query, str):
            raise AmountError(f"search query must be text, not {type(query).__name__}")
        if not isinstance(limit, int) or isinstance(limit, bool) or limit < 1:
            raise AmountError(f"limit must be a positive whole number, not {limit!r}")
        if len(query) > MAX_QUERY_CHARS:
            raise InputError(
                f"a search query of {len(query):,} characters is longer than any food name "
                f"(magcalc compares at most {MAX_QUERY_CHARS}; USDA's longest description "
                "has 184): shorten it",
                field="query",
            )
        ranked = self._search.rank(query, source=check_source(source))
        return SearchResults(
            (FoodMatch(food=self._food(i), score=round(s, 2)) for i, s in ranked[:limit]), query
        )

    # ------------------------------------------------------------------ resolving

    def resolve(self, food: FoodLike, *, source: str | None = None) -> Food:
        """A :class:`Food` from a Food, an id or a name (the best plausible match)."""
        if isinstance(food, Food):
            return food
        if isinstance(food, str) and food.strip() and not food.strip().isdigit():
            from magcalc.entries import parse_entry

            with warnings.catch_warnings():
                warnings.simplefilter("ignore", MatchWarning)
                return self.match(parse_entry(food), source=source, notes=False)[0]
        return self._resolve_id(food)

    def _resolve_id(self, food: object) -> Food:
        if isinstance(food, bool) or not isinstance(food, (int, str)):
            raise UnknownFoodError(
                food,
                ["a Food, an FDC id (int), an FNDDS food code, an NDB number ('11458') "
                 "or a food name"],
            )  # fmt: skip
        if isinstance(food, str) and not food.strip():
            raise UnknownFoodError(food, ["a food name such as 'spinach, boiled'"])
        return self.get(food)

    def match(
        self,
        entry: Entry,
        *,
        source: str | None = None,
        amount: Amount | None = None,
        warn: bool = True,
        notes: bool = True,
        context: EntryContext = "eaten",
    ) -> tuple[Food, Match, tuple[str, ...]]:
        """
        The food an entry names, how sure the match is, and notes.

        Among foods that match about equally well, the one whose portions can serve
        ``amount`` wins ("1 packet" picks a food with a packet portion). A weak match
        warns with :class:`~magcalc.MatchWarning`; nothing plausible raises
        :class:`~magcalc.UnknownFoodError` with suggestions. ``notes=False`` skips the
        comparison with the other source (the costliest part) where notes are not shown.
        """
        source = check_source(source)
        _check_context(context)
        text = entry.text.strip()
        query = entry.food
        exact = self._row(text) if text and not entry.has_amount else None
        if exact is not None and (source is None or self.sources[exact] == source):
            food = self._food(exact)
            return food, Match(quality="exact", score=100.0, coverage=1.0, query=text), ()
        if not query:
            raise UnknownFoodError(
                entry.text, ["an entry that names a food, e.g. '1 cup milk' or '2 eggs'"]
            )
        if entry.readings:
            return self._match_readings(
                entry, source=source, amount=amount, warn=warn, notes=notes, context=context
            )
        if len(query) > MAX_QUERY_CHARS:
            raise UnknownFoodError(
                _shorten(entry.text),
                [f"a food name of at most {MAX_QUERY_CHARS} characters (not {len(query):,})"],
            )
        # A recipe measures ingredients as bought: with no preparation typed, the raw
        # meat, the dry grain ("1 cup rice", "2 lb lamb shoulder", "4 salmon fillets"). What
        # a person ate was eaten prepared ("1 cup brown rice" in a diary is cooked), except
        # where it is weighed as bought, by the pound or kilogram.
        typed = set(tokens(" ".join((query, *entry.form_words, *entry.ignored_words))))
        as_bought = (
            # "dry rice", "uncooked pasta": the state as bought, typed, with or without an
            # amount (a batch diary resolves each food name once, before its amounts).
            bool(typed & _TYPED_AS_BOUGHT)
            or (
                amount is not None and context == "recipe"
                # Pounds and kilograms are how a recipe's ingredients are bought; a diary
                # weighs what was eaten, so there the unit decides nothing.
            )
        )
        if as_bought:
            # "Uncooked" says the state, which as_bought ranks by; USDA mostly writes "raw"
            # or "dry", so the word itself would match the few foods that say "uncooked".
            kept = [w for w in query.split() if w.lower() not in _STATE_ONLY]
            query = " ".join(kept) or query
        # "fresh" names no food, but where USDA has a fresh and a dried or canned one
        # ("Thyme, fresh") it says which.
        fresh = ("fresh",) if "fresh" in entry.ignored_words else ()
        ranked = self._search.rank(
            query,
            source=source,
            optional=(*entry.form_words, *entry.example_words, *fresh),
            as_bought=as_bought,
        )[:30]
        if entry.form_words:
            # A form word can be part of the food's name ("shredded wheat", "ground
            # beef"): the name with it wins where it matches better.
            named = " ".join((*entry.form_words, query))
            with_form = self._search.rank(named, source=source, as_bought=as_bought)[:12]
            if with_form and (
                self._search.head_words(with_form[0][0])
                & frozenset(tokens(" ".join(entry.form_words)))
                and self._search.coverage(named, with_form[0][0]) >= 0.9
            ):
                ranked, query = with_form, named
        if not ranked:
            raise UnknownFoodError(entry.text, self.suggest(query))
        best_score = ranked[0][1]
        close = [i for i, sc in ranked if sc >= best_score - _PORTION_MARGIN]
        # magcalc answers in magnesium: among close matches, a food USDA gives a value
        # for comes before one it does not ("Candies, SYMPHONY Milk Chocolate Bar").
        close.sort(key=lambda i: self.magnesium[i] is None)
        chosen = close[0]
        if amount is not None and amount.kind != "mass":
            names = frozenset(tokens(query))
            # Close matches first; then any well-covered one, so that a food with no
            # portion for the amount does not hide one that has it.
            later = [
                i
                for i, _ in ranked
                if i not in close and self._search.coverage(query, i) >= _PORTION_COVERAGE
            ]
            for i in close + later:
                try:
                    _resolve_portion(self._food(i), amount, names)
                except MagcalcError:
                    continue
                chosen = i
                break
            else:
                # No match has a portion for the amount ("½ large red onion": FNDDS's red
                # onion has no "large"): the food's head noun may ("Onions, raw", large).
                if len(entry.food_words) > 1 and entry.food_words[-1] not in _GENERIC_NOUNS:
                    tail = entry.model_copy(
                        update={"food_words": entry.food_words[-1:], "head_words": ()}
                    )
                    try:
                        found = self._again(tail, source, amount, notes, context)
                        _resolve_portion(found[0], amount, names)
                    except MagcalcError:
                        pass
                    else:
                        weak = found[1].model_copy(update={"quality": "weak"})
                        return self._finish_match(entry, (found[0], weak, found[2]), warn)
        switched: tuple[str, ...] = ()
        if source is None and self.sources[chosen] == FNDDS:
            chosen, switched = self._analysed_instead(query, chosen, ranked, amount)
        score = dict(ranked)[chosen]
        coverage = self._search.coverage(query, chosen)
        if coverage < _GOOD_COVERAGE and entry.head_words:
            # Descriptive words after a comma ("garlic, smashed"): the name alone.
            head = entry.model_copy(update={"food_words": entry.head_words, "head_words": ()})
            try:
                found = self._again(head, source, amount, notes, context)
            except UnknownFoodError:
                pass
            else:
                if found[1].coverage > coverage:
                    return self._finish_match(entry, found, warn)
        if coverage < _GOOD_COVERAGE and len(entry.food_words) > 1 and not entry.head_words:
            # No comma, but instructions after the name ("garlic cloves smashed"): the
            # first words name the food.
            for n in range(len(entry.food_words) - 1, 0, -1):
                dropped = entry.food_words[n:]
                if 2 * n < len(entry.food_words):
                    break
                if not any(w.endswith(("ed", "ing")) for w in dropped):
                    continue  # only instructions ("smashed", "thinly sliced") may go
                first = entry.model_copy(update={"food_words": entry.food_words[:n]})
                try:
                    found = self._again(first, source, amount, notes, context)
                except UnknownFoodError:
                    continue
                if found[1].quality == "good" and found[1].coverage > coverage:
                    return self._finish_match(entry, found, warn)
        if coverage < _GOOD_COVERAGE and len(entry.food_words) > 1 and not entry.head_words:
            # The last words name the food in English ("Bosc pears", "roma tomatoes"):
            # the name without the words before it, when the whole matches poorly.
            for n in (2, 1):
                if n >= len(entry.food_words):
                    continue
                if 2 * n < len(entry.food_words) and (
                    n > 1 or entry.food_words[-1].lower() in _GENERIC_NOUNS
                ):
                    continue  # more than half may go only to keep a specific noun
                tail = entry.model_copy(update={"food_words": entry.food_words[-n:]})
                try:
                    found = self._again(tail, source, amount, notes, context)
                except UnknownFoodError:
                    continue
                row = self._row(found[0].key)
                whole = self._search.coverage(query, row) if row is not None else 0.0
                if found[1].quality == "good" and whole >= coverage:
                    # Words were dropped to find it: say so.
                    weak = found[1].model_copy(update={"quality": "weak"})
                    return self._finish_match(entry, (found[0], weak, found[2]), warn)
        floor = _MIN_COVERAGE if chosen == close[0] else _PORTION_COVERAGE
        if coverage < floor:
            span = self._match_span(
                entry, source=source, amount=amount, notes=notes, context=context
            )
            if span is not None:
                weak = span[1].model_copy(update={"quality": "weak"})
                return self._finish_match(entry, (span[0], weak, span[2]), warn)
            raise UnknownFoodError(entry.text, self.suggest(query))
        quality: MatchQuality = "good" if coverage >= _GOOD_COVERAGE else "weak"
        alternatives = tuple(
            FoodMatch(food=self._food(i), score=round(sc, 2))
            for i, sc in ranked
            if i != chosen and self.descriptions[i] != self.descriptions[chosen]
        )[:3]
        food = self._food(chosen)
        used = tuple(w for w in entry.food_words if set(tokens(w)) & self._search.words(chosen))
        match = Match(
            quality=quality,
            score=round(score, 2),
            coverage=round(coverage, 3),
            query=query,
            used_words=used,
            ignored_words=entry.ignored_words,
            form_words=entry.form_words,
            alternatives=alternatives,
        )
        if quality == "weak" and warn:
            others = "; ".join(a.food.description for a in alternatives) or "none"
            warnings.warn(
                f"{_shorten(entry.text)} matches {food.description!r} only in part "
                f"({coverage:.0%} of its food words); alternatives: {others}. Pass a "
                "more specific name or an id to be sure.",
                MatchWarning,
                stacklevel=3,
            )
        said = switched or (self._disagreement(query, chosen, entry.form_words) if notes else ())
        return food, match, said

    def _again(
        self,
        part: Entry,
        source: str | None,
        amount: Amount | None,
        notes: bool,
        context: EntryContext,
    ) -> tuple[Food, Match, tuple[str, ...]]:
        """:meth:`match` on a part of an entry (a fallback tries several), never warning:
        the caller decides how sure the whole entry's match is."""
        return self.match(
            part, source=source, amount=amount, warn=False, notes=notes, context=context
        )

    def _match_readings(
        self,
        entry: Entry,
        *,
        source: str | None,
        amount: Amount | None,
        warn: bool,
        notes: bool,
        context: EntryContext,
    ) -> tuple[Food, Match, tuple[str, ...]]:
        """An entry that names alternatives ("lard or peanut oil"): the first reading
        that names a food well, else the first that matches at all."""
        plain = entry.model_copy(update={"readings": ()})
        options = [plain] + [
            plain.model_copy(update={"food_words": words, "head_words": ()})
            for words in entry.readings
        ]
        first: tuple[Food, Match, tuple[str, ...]] | None = None
        for k, option in enumerate(options):
            try:
                found = self._again(option, source, amount, notes, context)
            except UnknownFoodError:
                continue
            if first is None:
                first = found
            if self._names_well(found, single_ok=k == 0):
                return self._finish_match(entry, found, warn)
        if first is None:
            raise UnknownFoodError(entry.text, self.suggest(entry.food))
        return self._finish_match(entry, first, warn)

    def _match_span(
        self,
        entry: Entry,
        *,
        source: str | None,
        amount: Amount | None,
        notes: bool,
        context: EntryContext,
    ) -> tuple[Food, Match, tuple[str, ...]] | None:
        """The last resort before refusing: two, then one, of the entry's words that
        name a food well, the last first (English puts the food's noun last: "tart
        eating apples", "saffron threads" -> saffron, "dutch-process cocoa powder")."""
        words = entry.food_words[:8]
        vocabulary = self._search.knows
        for n in (2, 1):
            if n >= len(words):
                continue
            for start in range(len(words) - n, -1, -1):
                span = words[start : start + n]
                if all(w in _GENERIC_NOUNS for w in span) or not all(map(vocabulary, span)):
                    continue
                part = entry.model_copy(
                    update={"food_words": span, "head_words": (), "readings": ()}
                )
                try:
                    found = self._again(part, source, amount, notes, context)
                except UnknownFoodError:
                    continue
                if found[1].quality == "good" and self._names_well(found, single_ok=False):
                    return found
        return None

    def _names_well(self, found: tuple[Food, Match, tuple[str, ...]], *, single_ok: bool) -> bool:
        """Whether a match names what was typed, not only has its words: one whose
        description has two typed words side by side ("Syrups, maple" for "maple
        syrup", not "Figs, canned, heavy syrup" for "fig syrup"), or a good match whose
        name or kind is the one word typed ("Lard", "Peppers, serrano")."""
        food, match, _ = found
        row = self._row(food.key)
        if row is None:
            return False
        typed = self._search._correct(tokens(match.query))
        head = self._search.head_words(row)
        if len(set(typed)) <= 1:
            # One word: the food's name or its kind ("Lard", "Peppers, serrano, raw").
            names = {frozenset(tokens(part)) for part in food.description.split(",")[:2]}
            return match.quality == "good" and (
                single_ok or (frozenset(typed) in names | {head} and not set(typed) & PREP_WORDS)
            )
        pairs = set(itertools.pairwise(typed))
        pairs |= {(b, a) for a, b in pairs}
        if self._search._pairs(row) & pairs or set(typed) <= head:
            return True
        if any(set(typed) <= name for name in self._search.synonym_sets(row)):
            return True  # FNDDS's everyday name ("Monterey Jack")
        # "Cheese, monterey" for "monterey jack": its name was typed and no other typed
        # word stands elsewhere in it (as "syrup" does in "Figs, canned, heavy syrup").
        rest = set(typed) - head
        return bool(head) and head <= set(typed) and not rest & self._search.words(row)

    def _finish_match(
        self, entry: Entry, found: tuple[Food, Match, tuple[str, ...]], warn: bool
    ) -> tuple[Food, Match, tuple[str, ...]]:
        """A match on the entry's name alone, reported against the whole entry."""
        food, match, notes = found
        rest = tuple(w for w in entry.food_words if w not in match.used_words)
        match = match.model_copy(update={"ignored_words": match.ignored_words + rest})
        if match.quality == "weak" and warn:
            others = "; ".join(a.food.description for a in match.alternatives) or "none"
            warnings.warn(
                f"{_shorten(entry.text)} matches {food.description!r} only in part; "
                f"alternatives: {others}. Pass a more specific name or an id to be sure.",
                MatchWarning,
                stacklevel=4,
            )
        return food, match, notes

    def _analysed_instead(
        self, query: str, chosen: int, ranked: list[tuple[int, float]], amount: Amount | None
    ) -> tuple[int, tuple[str, ...]]:
        """SR Legacy's food in place of the FNDDS one chosen, where the two disagree.

        FNDDS 2021-2023 publishes some foods far from SR Legacy's analysed value for
        the same food ("Cereal, shredded wheat, plain" 36 mg/100 g, "Cereal, bran
        flakes, plain" 29, against 130-229 for every shredded wheat and bran flakes
        SR Legacy analysed, although wheat bran itself has 611). Where an SR Legacy
        food has every typed word the FNDDS food has, is the same food (it covers
        the FNDDS description as :meth:`_disagreement` requires), has a portion for
        the amount, and the two disagree strongly (``_DISAGREE_RATIO`` and
        ``_DISAGREE_MG``), the analysed SR Legacy food is used; the note on the
        disagreement names the FNDDS food and its id, and ``source="FNDDS"`` keeps it.
        """
        mine = self.magnesium[chosen]
        if mine is None:
            return chosen, ()
        search = self._search
        wanted = search.coverage(query, chosen)
        same = self.descriptions[chosen]
        names = frozenset(tokens(query))
        for i, _ in ranked:
            theirs = self.magnesium[i]
            if self.sources[i] != SR_LEGACY or theirs is None:
                continue
            low, high = sorted((mine, theirs))
            if high - low < _DISAGREE_MG or high < _DISAGREE_RATIO * low:
                continue
            if search.coverage(query, i) < wanted or search.coverage(same, i) < _GOOD_COVERAGE:
                continue
            if not self._same_kind(query, chosen, i):
                continue
            if amount is not None and amount.kind != "mass":
                try:
                    _resolve_portion(self._food(i), amount, names)
                except MagcalcError:
                    continue
            note = (
                f"the USDA sources disagree: SR Legacy {self.descriptions[i]!r} (analysed) has "
                f"{theirs:g} mg/100 g, FNDDS {same!r} {mine:g} mg/100 g; SR Legacy's is used, "
                f"pass source='FNDDS' or the id {self._food(chosen).key!r} for the other"
            )
            return i, (note,)
        return chosen, ()

    def _same_kind(self, query: str, a: int, b: int) -> bool:
        """Whether two foods, one from each source, are the same kind of food, so that a
        strong disagreement between them is one of values, not of foods.

        Neither may add, to what was typed and the other's description, a variant or
        preparation word ("powder", "chocolate", "dry mix, unprepared", "cooked"), the
        name of another food ("OAT BRAN FLAKES" for bran flakes) or a word of its own
        name ("Peppers, serrano"); brand names may differ. A food USDA marks "NFS" (not
        further specified) stands for a mix of kinds, no one of them.
        """
        if any(_NFS.search(self.descriptions[i]) for i in (a, b)):
            return False
        typed = set(tokens(query))
        neutral = NEUTRAL_WORDS - PREP_WORDS
        other = VARIANT_WORDS | PREP_WORDS | self._food_names()
        words = {i: set(tokens(self.descriptions[i])) for i in (a, b)}
        for mine, theirs in ((a, b), (b, a)):
            added = words[mine] - words[theirs] - typed - neutral
            if added & other:
                return False
            if (added - brand_words(self.descriptions[mine])) & self._search.head_words(mine):
                return False
        return True

    def _food_names(self) -> frozenset[str]:
        """Words that are a food's whole name in SR Legacy ("Cereals, oats", "Biscuits")."""
        if self._names_cache is None:
            names: set[str] = set()
            brands: set[str] = set()
            for i, source in enumerate(self.sources):
                head = self._search.head_words(i)
                if source == SR_LEGACY and len(head) == 1:
                    names |= head
                    brands |= head & brand_words(self.descriptions[i])
            # A brand is no food's name ("Cereals ready-to-eat, POST, ...", "Post, ...").
            self._names_cache = frozenset(names - brands)
        return self._names_cache

    def _disagreement(self, query: str, chosen: int, form: tuple[str, ...]) -> tuple[str, ...]:
        """A note when the other USDA source's best match differs strongly in magnesium."""
        other = FNDDS if self.sources[chosen] == SR_LEGACY else SR_LEGACY
        # The same food in the other source: among the best matches there for what was
        # typed, the one that covers most of the chosen food's own description.
        same = self.descriptions[chosen]
        ranked = self._search.rank(query, source=other, optional=form)[:5]
        covered = [(self._search.coverage(same, i), -k, i) for k, (i, _) in enumerate(ranked)]
        if not covered or max(covered)[0] < _GOOD_COVERAGE:
            return ()
        i = max(covered)[2]
        mine, theirs = self.magnesium[chosen], self.magnesium[i]
        if mine is None or theirs is None:
            return ()
        if self._search.coverage(query, i) < _GOOD_COVERAGE or not self._same_kind(
            query, chosen, i
        ):
            return ()
        low, high = sorted((mine, theirs))
        if high - low < _DISAGREE_MG or high < _DISAGREE_RATIO * low:
            return ()
        return (
            f"the USDA sources disagree: {self.sources[chosen]} {self.descriptions[chosen]!r} "
            f"has {mine:g} mg/100 g, {other} {self.descriptions[i]!r} {theirs:g} mg/100 g; "
            f"pass source={other!r} or the id {self._food(i).key!r} for the other",
        )


# The parsed table and its search index, built by scripts/build_foods.py beside the
# CSVs so that the first search after installing reads it instead of building it.
INDEX_FILE = "foods_index.pickle"
_INDEX_FORMAT = b"magcalc foods index 1\n"


def index_key(foods_csv: bytes, portions_csv: bytes) -> str:
    """sha256 of what the shipped index is built from: both CSVs and the ranking code."""
    import hashlib

    from magcalc import _search

    digest = hashlib.sha256(_INDEX_FORMAT)
    for part in (foods_csv, portions_csv, Path(_search.__file__).read_bytes()):
        digest.update(hashlib.sha256(part).digest())
    return digest.hexdigest()


def build_index(foods_csv: Path, portions_csv: Path) -> bytes:
    """The shipped index for these table files (used by scripts/build_foods.py)."""
    import hashlib
    import pickle

    state = FoodTable(foods_csv, portions_csv).export()
    key = index_key(foods_csv.read_bytes(), portions_csv.read_bytes())
    payload = pickle.dumps({"key": key, "state": state}, protocol=4)
    return _INDEX_FORMAT + hashlib.sha256(payload).digest() + payload


def _shipped_state(key: str) -> list[Any] | None:
    """The shipped index when it was built from exactly this code and data, else None."""
    import gc
    import hashlib
    import pickle

    try:
        path = data_file(INDEX_FILE)
        data = path.read_bytes()
    except OSError:
        return None
    head = len(_INDEX_FORMAT) + 32
    digest, payload = data[len(_INDEX_FORMAT) : head], data[head:]
    if not data.startswith(_INDEX_FORMAT) or hashlib.sha256(payload).digest() != digest:
        # A damaged file (a flipped byte would change a value silently) is not used.
        from magcalc._cache import warn_once

        warn_once(
            "index-bad",
            f"magcalc's shipped food index {path} does not verify; the table is built "
            "from the CSVs instead. Reinstall magcalc to restore it.",
        )
        return None
    # Plain acyclic containers: cyclic GC passes while loading only cost time.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        found = pickle.loads(payload)  # magcalc's own package data, checksum verified
    except Exception:  # verified bytes of another pickle version: built instead
        return None
    finally:
        if was_enabled:
            gc.enable()
    if not isinstance(found, dict) or found.get("key") != key:
        return None
    state: list[Any] = found["state"]
    return state


# Nouns too general to name a food by themselves ("zzqx nonsense food").
_GENERIC_NOUNS = frozenset(
    "food foods meat meats dish dishes drink drinks beverage beverages product products mix "
    "item items thing things stuff".split()
)
# Foods within this many score points of the best are close enough for the portion
# that the entry names to decide between them.
_PORTION_MARGIN = 6.0
# Coverage of the entry's food words (by idf weight) for a good match, and below which
# nothing plausible matches.
_GOOD_COVERAGE = 0.75
_MIN_COVERAGE = 0.55
# A food whose portions fit the amount may cover this little of the words (it is then a
# weak match, with a warning) rather than the entry failing for want of a portion.
_PORTION_COVERAGE = 0.4
# Two sources "disagree strongly" on a food when one has 1.5 times the other's
# magnesium and at least 10 mg/100 g more (magcalc's rule, not a USDA one).
_DISAGREE_RATIO = 1.5
_NFS = re.compile(r"\bNFS\b")
_DISAGREE_MG = 10.0


# --------------------------------------------------------------------------- public functions


def _check_context(context: object) -> None:
    if context not in ("eaten", "recipe"):
        raise InputError(
            f"context must be 'eaten' (a diary: food as eaten) or 'recipe' (ingredients as "
            f"bought), not {context!r}",
            field="context",
        )


def check_source(source: object) -> str | None:
    """``None``, "SR Legacy" or "FNDDS" (also "Survey (FNDDS)"); anything else is an error."""
    if source is None:
        return None
    if isinstance(source, str):
        key = source.strip().lower()
        for name in (SR_LEGACY, FNDDS):
            if key == name.lower():
                return name
        if key in ("survey (fndds)", "survey", "sr", "sr_legacy", "sr-legacy"):
            return FNDDS if key.startswith("survey") else SR_LEGACY
    raise InputError(
        f"unknown food source {source!r}; use 'SR Legacy', 'FNDDS' or None (both)",
        field="source",
    )


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
        try:
            value = float(amount)
        except OverflowError:  # an int too large for a float
            value = math.inf
        if math.isnan(value) or math.isinf(value) or value < 0:
            raise AmountError(f"amount {amount!r} [g] must be a finite, non-negative number")
        return Amount(value, "gram", "mass", "", f"{value:g} g")
    if hasattr(amount, "magnitude") and hasattr(amount, "units"):
        return amount_from_quantity(amount)
    raise AmountError(
        f"amount must be text ('1/2 cup'), a pint Quantity or grams as a number, "
        f"not {type(amount).__name__}"
    )


_NEEDS_ENTRY = re.compile(r"[()]|\d\s*(?:-|to)\s*\d|\d,\d")


def _text_amount(text: str, names: list[str] | None) -> Amount:
    from magcalc.entries import parse_entry

    if not _NEEDS_ENTRY.search(text):
        parsed = parse_amount(text)
        if parsed.kind != "measure" or parsed.unit in _measure_vocabulary():
            return parsed
        from magcalc.entries import MEASURE_WORDS, UNSTANDARD_MEASURES

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
    from magcalc.entries import parse_entry

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
                f"the entry {_shorten(food)} says no amount; write e.g. '1 cup "
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
                f"the food {_shorten(food)} already has an amount and so does {amount!r}; "
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
    without.

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
    _check_context(context)
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
            _portion_key(p.unit_description).head for p in resolved.portions
        }
        if counted and not counted & known:
            raise UnknownUnitError(
                f"unknown unit {' '.join(sorted(counted))!r} in {parsed.text!r}; use a mass "
                "(g, oz, lb), a volume (cup, tbsp, tsp, ml, fl oz), a count of the food "
                "('2 eggs') or one of this food's portions: "
                + (", ".join(p.label for p in resolved.portions) or "none")
            )
    grams, portion, basis = _resolve_portion(resolved, parsed, frozenset(tokens(" ".join(names))))
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


class Servings(list[Serving]):
    """
    The servings of a line that names several foods, with the words it could not place.

    Attributes
    ----------
    text : str
        The line as given.
    unplaced : list of str
        Parts of the line that matched no food or had no amount, with the reason.
    """

    def __init__(self, items: Any = (), text: str = "", unplaced: Any = ()) -> None:
        super().__init__(items)
        self.text = text
        self.unplaced: list[str] = list(unplaced)

    @property
    def magnesium_mg(self) -> float | None:
        """Total magnesium of the servings [mg]; None if any food has no value."""
        values = [s.magnesium_mg for s in self]
        return None if any(v is None for v in values) else sum(v or 0.0 for v in values)

    def __str__(self) -> str:
        lines = [str(s) for s in self]
        lines += [f"not placed: {u}" for u in self.unplaced]
        return "\n".join(lines)


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
    from magcalc.entries import parse_entries, parse_entry

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
