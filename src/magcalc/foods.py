"""Foods: the bundled USDA SR Legacy table, food search, portions and servings.

The table (``data/foods.csv`` and ``data/portions.csv``, built by
``scripts/build_foods.py`` from USDA's SR Legacy release) is read on first use
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
import math
import re
import threading
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from magcalc._data import data_file
from magcalc._models import InputModel
from magcalc._search import SearchIndex, singular, tokens
from magcalc.errors import (
    AmountError,
    InputError,
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
    amount_from_quantity,
    mg,
    parse_amount,
    unit_factor,
)

if TYPE_CHECKING:
    import pint

__all__ = [
    "MAX_PLAUSIBLE_SERVING_G",
    "MAX_QUERY_CHARS",
    "SOURCES",
    "Food",
    "FoodLike",
    "FoodMatch",
    "FoodTable",
    "Portion",
    "SearchResults",
    "Serving",
    "food_magnesium",
    "get_food",
    "search_foods",
    "serving",
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
            ]
        )


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

    @property
    def magnesium(self) -> pint.Quantity[Any] | None:
        """Magnesium in the serving as a pint Quantity [mg], or None when unknown."""
        return None if self.magnesium_mg is None else mg(self.magnesium_mg)

    def __str__(self) -> str:
        value = "no magnesium data" if self.magnesium_mg is None else f"{self.magnesium_mg:.1f} mg"
        return (
            f"{self.amount} {self.food.description}: {self.grams:.1f} g ({self.basis}) -> {value}"
        )


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


@lru_cache(maxsize=4096)  # a pure function of the text; batch work calls it per distinct measure
def _portion_key(unit_description: str) -> _PortionKey:
    low = unit_description.lower().strip()
    words = frozenset(tokens(low))
    for spelled in ("fl oz", "fluid ounce"):
        if low.startswith(spelled):
            return _PortionKey("fluid_ounce", False, "fl oz", words)
    match = re.match(r"[a-z]+", low)
    head = match.group(0) if match else low
    if head in VOLUME_UNITS and head not in ("c", "t"):
        return _PortionKey(VOLUME_UNITS[head], False, head, words)
    if head in MASS_UNITS:
        return _PortionKey(None, True, head, words)
    return _PortionKey(None, False, singular(head), words)


def _resolve_portion(food: Food, amount: Amount) -> tuple[float, Portion | None, str]:
    """Grams for ``amount`` of ``food``, the portion used, and how it was found."""
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

    word = amount.unit
    by_head = [(p, k) for p, k in keys if k.head == word]
    by_word = [(p, k) for p, k in keys if word in k.words]
    found = by_head or by_word
    if not found:
        if word in _measure_vocabulary():
            raise NoPortionError(
                food.description, amount.text or word, [p.label for p in food.portions]
            )
        raise UnknownUnitError(
            f"unknown unit {word!r} in {amount.text!r}; use a mass (g, oz, lb), a volume "
            "(cup, tbsp, tsp, ml, fl oz) or one of this food's portions: "
            + (", ".join(p.label for p in food.portions) or "none")
        )

    def mkey(item: tuple[Portion, _PortionKey]) -> tuple[int, int, int]:
        p, k = item
        return (-len(wanted & k.words), len(k.words), p.seq)

    portion, _ = min(found, key=mkey)
    grams = amount.value * portion.grams_per_unit
    return (
        grams,
        portion,
        f"{amount.value:.3g} x 1 {portion.unit_description} ({portion.grams_per_unit:.4g} g)",
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
    The bundled USDA SR Legacy food table: lookup by id and ranked search.

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
                self.food_groups.append(row[c_group])
                value = row[c_mg]
                self.magnesium.append(float(value) if value != "" else None)
                self._notes.append(row[c_note] if c_note is not None else "")
                self._release.append(row[c_release] if c_release is not None else "")
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
                    (int(row[c_seq]), amount, row[c_unit], grams)
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
        self._search = SearchIndex(
            self.descriptions,
            self.food_groups,
            self.magnesium,
            [len(self._portions.get(i, ())) for i in range(len(self.descriptions))],
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
        import hashlib

        from magcalc import __version__, _cache, _search

        foods, portions = data_file("foods.csv"), data_file("portions.csv")
        digest = hashlib.sha256(__version__.encode())
        for path in (foods, portions, Path(_search.__file__)):
            digest.update(path.read_bytes())

        def build() -> list[Any]:
            table = cls(foods, portions)
            return [getattr(table, name) for name in cls._STATE] + [table.index.export_state()]

        state = _cache.cached("foods", digest.hexdigest()[:32], build)
        table = cls.__new__(cls)
        for name, value in zip(cls._STATE, state, strict=False):
            setattr(table, name, value)
        table._finish()
        table.index.load_state(state[-1])
        return table

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
            raise UnknownFoodError(key, self.suggest(str(key)[:200]))
        return self._food(i)

    def suggest(self, query: str, limit: int = 5) -> list[str]:
        """Close descriptions for a query that matched nothing (slow path, fuzzy)."""
        hits = self.search(query, limit=limit) if query.strip() else []
        if hits:
            return [h.food.description for h in hits]
        from rapidfuzz import fuzz, process

        found = process.extract(
            query, self.descriptions, scorer=fuzz.WRatio, limit=limit, score_cutoff=50
        )
        return [self.descriptions[idx] for _, _, idx in found]

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
        ranked = self._search.rank(query[:MAX_QUERY_CHARS], source=check_source(source))
        return SearchResults(
            (FoodMatch(food=self._food(i), score=round(s, 2)) for i, s in ranked[:limit]), query
        )

    # ------------------------------------------------------------------ resolving

    def resolve(self, food: FoodLike) -> Food:
        """A :class:`Food` from a Food, an FDC id, an NDB number or a query (best match)."""
        if isinstance(food, Food):
            return food
        if isinstance(food, bool) or not isinstance(food, (int, str)):
            raise UnknownFoodError(
                food, ["a Food, an FDC id (int), an NDB number ('11458') or a food name"]
            )
        if isinstance(food, int):
            return self.get(food)
        text = food.strip()
        if not text:
            raise UnknownFoodError(food, ["a food name such as 'spinach, boiled'"])
        if text.isdigit():
            return self.get(text)
        exact = self._by_description.get(text.lower())
        if exact is not None:
            return self._food(exact)
        ranked = self._search.rank(text)
        if ranked and self._search.confident(text, ranked[0][0]):
            return self._food(ranked[0][0])
        raise UnknownFoodError(food, self.suggest(text))


# --------------------------------------------------------------------------- public functions


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


def _to_amount(amount: Any) -> Amount:
    if isinstance(amount, Amount):
        return amount
    if isinstance(amount, str):
        return parse_amount(amount)
    if isinstance(amount, bool):
        raise AmountError("amount must be text, a pint Quantity or grams as a number, not a bool")
    if isinstance(amount, (int, float)):
        try:
            value = float(amount)
        except OverflowError:  # an int too large for a float (issue 7)
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


def serving(food: FoodLike, amount: AmountLike) -> Serving:
    """
    Resolve a food and a household amount to grams and magnesium.

    Masses convert directly. Volumes ("1/2 cup", "2 tbsp") and household
    measures ("1 medium", "2 biscuits") go through the food's USDA portions:
    a qualifier the user typed ("1 cup chopped") wins, then the same unit,
    then the plain measure ("cup" over "cup, sliced"), then USDA's order, so
    the choice is deterministic. A volume can use another volume portion of
    the same food ("1 cup" from a "tbsp" portion).

    Parameters
    ----------
    food : Food, int or str
        A Food, an FDC id, an NDB number, or a name (the best search match).
    amount : str, float or pint.Quantity
        Text such as "1/2 cup", a mass or volume Quantity, or grams.

    Returns
    -------
    Serving
        Grams, the portion used, and magnesium [mg] (None when unknown).

    Raises
    ------
    UnknownFoodError, AmountError, UnknownUnitError, NoPortionError
        AmountError also when the amount is too large to compute with (it
        overflows a float).

    Warns
    -----
    PlausibilityWarning
        When the serving weighs more than ``MAX_PLAUSIBLE_SERVING_G`` (5 kg): it is
        probably a slip ("50 kg" for "50 g"), but it is computed all the same.

    Examples
    --------
    >>> s = serving("11458", "1/2 cup")
    >>> s.grams, s.portion.unit_description, s.magnesium_mg
    (90.0, 'cup', 78.3)
    """
    table = FoodTable.default()
    resolved = table.resolve(food)
    parsed = _to_amount(amount)
    grams, portion, basis = _resolve_portion(resolved, parsed)
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
            stacklevel=2,
        )
    return Serving(
        food=resolved,
        amount=parsed.text,
        grams=round(grams, 10),
        portion=portion,
        basis=basis,
        magnesium_mg=magnesium,
    )


def food_magnesium(
    food: FoodLike, amount: str | float | pint.Quantity[Any] | Amount
) -> pint.Quantity[Any]:
    """
    Magnesium in an amount of a food.

    Parameters
    ----------
    food : Food, int or str
        A Food, an FDC id, an NDB number, or a name (the best search match).
    amount : str, float or pint.Quantity
        "1/2 cup", "3.5 oz", "1 medium", a pint Quantity, or grams.

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
    result = serving(food, amount)
    if result.magnesium_mg is None:
        raise NoMagnesiumDataError(result.food.description, result.food.magnesium_note)
    return mg(result.magnesium_mg)
