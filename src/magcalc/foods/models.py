"""The food models: a food, its portions, search hits, matches and servings.

Values are frozen pydantic models (inputs forbid unknown fields), so they pickle, compare
and convert to JSON; the views render them in Jupyter. The constants here name the two
USDA sources of the bundled table and magcalc's limits on a serving and a query.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from magcalc._models import InputModel
from magcalc.errors import InputError
from magcalc.units import mg

if TYPE_CHECKING:
    import pandas as pd
    import pint

__all__ = [
    "FNDDS",
    "FNDDS_DATA_TYPE",
    "MAX_PLAUSIBLE_SERVING_G",
    "MAX_QUERY_CHARS",
    "SOURCES",
    "SOURCE_TEXT",
    "SR_LEGACY",
    "AmountLike",
    "EntryContext",
    "Food",
    "FoodLike",
    "FoodMatch",
    "Match",
    "MatchQuality",
    "Portion",
    "SearchResults",
    "Serving",
    "Servings",
    "check_context",
    "check_source",
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
    >>> from magcalc.foods import get_food
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
        from magcalc.views.html import food_html

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
    >>> from magcalc.foods import search_foods
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
        from magcalc.views.html import matches_html

        return matches_html(self, self.query)

    def to_dicts(self) -> list[dict[str, Any]]:
        """
        The hits as plain JSON-ready dicts (each a :class:`FoodMatch` dump).

        Examples
        --------
        >>> from magcalc.foods import search_foods
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

    def to_dataframe(self) -> pd.DataFrame:
        """One row per hit: score, ids, description, group, magnesium [mg/100 g]."""
        from magcalc._optional import dataframe

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
"""How sure a match is: an id or description, the food words covered, or only part."""
EntryContext = Literal["eaten", "recipe"]
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
    portion_food : Food or None
        The food whose USDA portion weighs the amount, where the matched food has none
        for it and a plainer kind does ("½ head savoy cabbage" is weighed as a head of
        "Cabbage, raw"); None when the matched food's own portion is used.

    Examples
    --------
    >>> from magcalc.foods import serving
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
    portion_food: Food | None = None


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
    >>> from magcalc.foods import serving
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
        from magcalc.views.html import serving_html

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


def check_context(context: object) -> None:
    """ "eaten" or "recipe" (see :func:`magcalc.serving`); anything else is an error."""
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
