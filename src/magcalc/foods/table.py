"""The bundled food table: loading, lookup by id, ranked search, and its shipped index.

The table (``foods.csv`` and ``portions.csv`` in ``magcalc/data``, built by
``scripts/build_foods.py`` from USDA's SR Legacy and FNDDS 2021-2023 releases) is read
on first use and kept for the life of the process. The parsed table and its search index
ship built beside the CSVs (``foods_index.pickle``), keyed by a sha256 of the CSVs and
of the search code, so the first search after installing reads it instead of building
it.

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
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from magcalc._data import data_file
from magcalc._util import once
from magcalc.errors import AmountError, InputError, MatchWarning, UnknownFoodError
from magcalc.foods import _build, _index, _rules, _words
from magcalc.foods._index import SearchIndex
from magcalc.foods.entries import Entry, parse_entry
from magcalc.foods.match import Matcher
from magcalc.foods.models import (
    FNDDS,
    FNDDS_DATA_TYPE,
    MAX_QUERY_CHARS,
    SOURCE_TEXT,
    SR_LEGACY,
    EntryContext,
    Food,
    FoodLike,
    FoodMatch,
    Match,
    Portion,
    SearchResults,
    check_source,
)

if TYPE_CHECKING:
    from magcalc.units import Amount

__all__ = ["INDEX_FILE", "FoodTable", "build_index", "index_key"]


class FoodTable:
    """
    The bundled USDA food table (SR Legacy and FNDDS 2021-2023): lookup by id and
    ranked search.

    Use :meth:`FoodTable.default` for the shared, lazily loaded instance; the
    package's functions (:func:`~magcalc.search_foods`, :func:`~magcalc.get_food`, ...)
    use it.
    Loading is thread-safe and happens once per process.

    Parameters
    ----------
    foods_csv, portions_csv : path-like, optional
        Alternative table files with the bundled schema (see the README of
        ``magcalc/data``).

    Examples
    --------
    >>> table = FoodTable.default()
    >>> len(table)
    13225
    >>> table.get("11458").description
    'Spinach, cooked, boiled, drained, without salt'
    """

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
        self.source_key: str | None = None
        """sha256 of the bundled data and search code the table was loaded from (see
        :func:`index_key`); None for a table read from other files."""
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
        self._matcher = Matcher(self)

    @classmethod
    def default(cls) -> FoodTable:
        """
        The shared table, loaded from the bundled data on first call.

        The parsed table and its search index ship built beside the data; where they
        are stale (a development checkout) they are built once and kept in magcalc's
        cache folder (see :mod:`magcalc._cache`).
        """
        return _default_table()

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
        table.source_key = key
        table._finish()
        table.index.load_state(state[-1])
        return table

    def export(self) -> list[Any]:
        """The parsed table and its built search index as plain containers."""
        return [getattr(self, name) for name in self._STATE] + [self.index.export_state()]

    def __len__(self) -> int:
        return len(self.fdc_ids)

    def __iter__(self) -> Iterator[Food]:
        return (self.food_at(i) for i in range(len(self)))

    def __repr__(self) -> str:
        return f"<FoodTable: {len(self)} foods>"

    # ------------------------------------------------------------------ lookup

    def food_at(self, row: int) -> Food:
        """The food in row ``row`` of the table (rows are 0 to ``len(table) - 1``)."""
        food = self._foods.get(row)
        if food is None:
            portions = tuple(
                Portion(seq=s, amount=a, unit_description=u, gram_weight=g)
                for s, a, u, g in self._portions.get(row, ())
            )
            source = self.sources[row]
            food = Food(
                fdc_id=self.fdc_ids[row],
                ndb_number=self.ndb_numbers[row] or None,
                food_code=self.food_codes[row],
                description=self.descriptions[row],
                food_group=self.food_groups[row],
                magnesium_mg_per_100g=self.magnesium[row],
                magnesium_note=self._notes[row],
                data_type=FNDDS_DATA_TYPE if source == FNDDS else SR_LEGACY,
                source=SOURCE_TEXT[source],
                source_release=self._release[row],
                additional_description=self.synonyms[row],
                portions=portions,
            )
            self._foods[row] = food
        return food

    def row_of(self, key: int | str) -> int | None:
        """
        The row of an id, or None: an FDC id, an FNDDS food code (8 digits), an NDB
        number (5-digit text), a prefixed key ("fdc:173410", "fndds:63105010",
        "ndb:01001") or an exact description.

        Examples
        --------
        >>> table = FoodTable.default()
        >>> table.food_at(table.row_of("fndds:63105010")).description
        'Avocado, raw'
        """
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
            return self.row_of(int(text))
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
        i = self.row_of(key)
        if i is None:
            # A huge int has no decimal text (Python caps it); it has no suggestions either.
            text = key if isinstance(key, str) else "" if key.bit_length() > 64 else str(key)
            raise UnknownFoodError(key, self.suggest(text[:MAX_QUERY_CHARS]) if text else [])
        return self.food_at(i)

    def portions_at(self, row: int) -> list[tuple[int, float, str, float]]:
        """
        The portions of row ``row`` as stored: ``(seq, amount, unit_description,
        gram_weight)`` tuples in USDA's order, or an empty list.

        Cheaper than ``food_at(row).portions`` where no :class:`Portion` is needed; the
        list is a copy, so the table's own cannot be changed through it.
        """
        return list(self._portions.get(row, ()))

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

        See :func:`~magcalc.search_foods`.
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
            (FoodMatch(food=self.food_at(i), score=round(s, 2)) for i, s in ranked[:limit]),
            query,
        )

    # ------------------------------------------------------------------ resolving

    def resolve(self, food: FoodLike, *, source: str | None = None) -> Food:
        """A :class:`Food` from a Food, an id or a name (the best plausible match)."""
        if isinstance(food, Food):
            return food
        if isinstance(food, str) and food.strip() and not food.strip().isdigit():
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
        """The food an entry names, how sure the match is, and notes: see
        :meth:`magcalc.foods.match.Matcher.match`, which this calls."""
        return self._matcher.match(
            entry, source=source, amount=amount, warn=warn, notes=notes, context=context
        )


@once
def _default_table() -> FoodTable:
    """The shared table of :meth:`FoodTable.default`, loaded once however many threads ask."""
    return FoodTable._load_cached()


# The parsed table and its search index, built by scripts/build_foods.py beside the
# CSVs so that the first search after installing reads it instead of building it.
INDEX_FILE = "foods_index.pickle"
_INDEX_FORMAT = b"magcalc foods index 1\n"


# The search code whose output the shipped index holds (the modules of what was once
# one file, magcalc/_search.py, so that the key reads the same code it always did).
_SEARCH_CODE = (_words, _rules, _build, _index)


def index_key(foods_csv: bytes, portions_csv: bytes) -> str:
    """sha256 of what the shipped index is built from: both CSVs and the search code."""
    import hashlib

    digest = hashlib.sha256(_INDEX_FORMAT)
    for part in (
        foods_csv,
        portions_csv,
        *(Path(str(m.__file__)).read_bytes() for m in _SEARCH_CODE),
    ):
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
