"""Building the search index from USDA descriptions, and its compact stored form.

Each description is read once into what the ranking needs: its words and name, the
words it adds beyond a query (weighted by rarity), variant and other-food words,
brands, a popularity prior, penalties and flags for its preparation and salt. The
result travels as plain containers (:func:`export_state`) in the shipped index and the
cache, and is read back lazily (:func:`load_state`).
"""

from __future__ import annotations

import dataclasses
import gc
import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from magcalc.foods._rules import (
    AS_BOUGHT,
    CATEGORY_HEADS,
    CLASS_WORDS,
    COOKED_GROUPS,
    COOKED_WORDS,
    DISH_WORDS,
    DISHES,
    F_AS_EATEN,
    F_COOKED,
    F_NO_MG,
    F_RAW,
    F_READY,
    F_WITH_SALT,
    F_WITHOUT_SALT,
    FNDDS_COOKED_GROUPS,
    FREE_LACK,
    GENERIC,
    GROUP_DEFAULTS,
    GROUP_PENALTY,
    NEGATED,
    QUALIFIERS,
    RAW_GROUPS,
    SALTED,
    UNCOOKED_WORDS,
    UNSALTED,
    WEIGHTS,
)
from magcalc.foods._words import (
    CHUNK,
    NEUTRAL_WORDS,
    PREP_WORDS,
    VARIANT_WORDS,
    brand_words,
    outside,
    tokens,
)

__all__ = ["IndexTables", "build_tables", "export_state", "load_state"]


@dataclass
class IndexTables:
    """What the ranking reads of each food and word, built once from the descriptions."""

    postings: dict[str, list[int]]
    idf: dict[str, float]
    tokens: list[frozenset[str]]
    head: list[frozenset[str]]
    main: list[frozenset[str]]
    units: list[tuple[frozenset[str], ...]]
    variant: list[frozenset[str]]
    foods: list[frozenset[str]]
    pairs: list[frozenset[tuple[str, str]] | None]  # filled lazily, per candidate
    prior: list[float]
    penalty: list[float]
    brand: list[frozenset[str]]
    flags: list[int]
    vocab: list[str]
    # FNDDS additional descriptions, one word set per "; "-separated name: a name counts
    # only when every one of its words was typed ("avocado dip", not "red" of "red wine
    # vinegar dressing").
    synonyms: list[tuple[frozenset[str], ...]]


# What a description segment adds: its cost units and the words that may name
# another food (with whether that needs the segment to start with a food name).
_Part = tuple[tuple[frozenset[str], ...], tuple[tuple[str, ...], bool] | None]


def _segment(seg: str, is_name: bool, chunks: list[list[str]], implied: frozenset[str]) -> _Part:
    if (NEGATED.match(seg) and FREE_LACK.search(seg)) or " or " in seg:
        # "no cheese" is the plain food; "large or small curd": either will do.
        return (), None
    words = tuple(
        t for chunk in chunks for t in chunk if t not in NEUTRAL_WORDS and t not in implied
    )
    # Another animal or an added ingredient, named by a food from another group: a
    # later segment that starts with one ("Bacon, turkey", "Bagels, egg", "with
    # vegetables", "oil-roasted"), what a dish is prepared with ("... with milk") or a
    # food that follows the name's first word ("cashew butter", "almond milk").
    prepared = seg.startswith("prepared with")
    named: tuple[tuple[str, ...], bool] | None = None
    if is_name:
        if len(words) == 2 and " and " not in seg:
            named = (words[1:], False)
    elif prepared:
        named = (words, False)
    elif words:
        named = (words, True)
    if prepared:
        return (), named
    # A hyphenated word ("air-popped", "pan-fried") is one modification.
    kept = {t for t in words if not t.isdigit()}
    units = (kept.intersection(chunk) for chunk in chunks)
    return tuple(frozenset(u) for u in units if u), named


_SET_FIELDS = frozenset({"tokens", "head", "main", "variant", "foods", "brand"})


def _to_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


def _to_units(text: str) -> tuple[frozenset[str], ...]:
    return tuple(frozenset(u.split()) for u in text.split("|")) if text else ()


class _Lazy(Sequence[Any]):
    """A list whose items are parsed from strings the first time they are read."""

    def __init__(self, raw: list[str], parse: Any) -> None:
        self._raw, self._parse = raw, parse
        self._done: dict[int, Any] = {}

    def __len__(self) -> int:
        return len(self._raw)

    def words(self) -> frozenset[str]:
        """Every word of every item, read from the strings without parsing each item."""
        return frozenset(" ".join(self._raw).split())

    def __getitem__(self, i: Any) -> Any:
        found = self._done.get(i)
        if found is None:
            found = self._done[i] = self._parse(self._raw[i])
        return found


class _LazyPostings(dict[str, list[int]]):
    """Token -> row numbers, parsed per token on first use."""

    def __init__(self, raw: dict[str, str]) -> None:
        super().__init__()
        self._raw = raw

    def __contains__(self, key: object) -> bool:
        return key in self._raw

    def __missing__(self, key: str) -> list[int]:
        ids = [int(x) for x in self._raw[key].split()]
        self[key] = ids
        return ids

    def get(self, key: str, default: Any = None) -> Any:
        return self[key] if key in self._raw else default

    def __len__(self) -> int:
        return len(self._raw)

    def __iter__(self) -> Any:
        return iter(self._raw)


def _build(
    descriptions: Sequence[str],
    food_groups: Sequence[str],
    magnesium: Sequence[float | None],
    counts: Sequence[int] | Callable[[], Sequence[int]],
    sources: Sequence[str],
    synonyms: Sequence[str],
) -> IndexTables:
    postings: dict[str, list[int]] = {}
    pairs: list[frozenset[tuple[str, str]] | None] = []
    token_sets, heads, mains, _, prior, penalty, brand, flags = (
        [],
        [],
        [],
        [],
        [],
        [],
        [],
        [],
    )
    variants: list[frozenset[str]] = []
    units: list[tuple[frozenset[str], ...]] = []
    synonym_sets: list[tuple[frozenset[str], ...]] = []
    portion_counts = counts() if callable(counts) else counts
    # Words that name a food of their own (the one-word first part of at least three
    # descriptions) and the food group where they mostly do; per food, the words
    # that may name another food (checked once all names are known).
    names: dict[str, dict[str, int]] = {}
    candidates: list[list[tuple[tuple[str, ...], bool]]] = []
    parts: dict[tuple[str, bool, frozenset[str], frozenset[str]], _Part] = {}
    memo: dict[str, list[str]] = {}
    split_memo: dict[str, list[list[str]]] = {}

    def split(text: str) -> list[list[str]]:
        """Normalised tokens of each (hyphenated) word; parts repeat, so memoised."""
        out = split_memo.get(text)
        if out is None:
            out = split_memo[text] = []
            for chunk in CHUNK.findall(text):
                unit = memo.get(chunk)
                if unit is None:
                    unit = memo[chunk] = tokens(chunk.replace("-", " "))
                if unit:
                    out.append(unit)
        return out

    for i, desc in enumerate(descriptions):
        low = desc.lower()
        toks = frozenset(t for part in low.split(",") for unit in split(part.strip()) for t in unit)
        aka: tuple[frozenset[str], ...] = ()
        if synonyms[i]:
            # FNDDS's everyday names ("pepitas", "avocado dip") find the food but do
            # not describe it: never extra words, and only whole names count.
            aka = tuple(
                frozenset(t for unit in split(part.strip()) for t in unit)
                for part in synonyms[i].lower().split(";")
            )
            aka = tuple(n for n in aka if n)
        synonym_sets.append(aka)
        for t in toks.union(*aka):
            postings.setdefault(t, []).append(i)
        token_sets.append(toks)
        # Words inside parentheses are searchable but describe, rather than vary, the food.
        ranked_text = outside(low)
        segments = [seg.strip() for seg in ranked_text.split(",")]
        seg_chunks = [split(seg) for seg in segments]
        seg_tokens = [list(itertools.chain(*c)) for c in seg_chunks]
        group = food_groups[i]
        if len(seg_tokens[0]) == 1 and seg_tokens[0][0] not in CLASS_WORDS:
            by_group = names.setdefault(seg_tokens[0][0], {})
            by_group[group] = by_group.get(group, 0) + 1
        # The food's name: the first segment, or the one after a category prefix.
        k = 0
        if segments[0] in CATEGORY_HEADS and len(segments) > 1:
            k = 1
            while (
                k + 1 < len(segments)
                and seg_tokens[k]
                and set(seg_tokens[k]) <= QUALIFIERS | NEUTRAL_WORDS
            ):
                k += 1
        heads.append(frozenset(seg_tokens[k]))
        # The category's own words are implied ("Nuts, cashew nuts").
        category = frozenset(seg_tokens[0]) if k else frozenset()
        defaults = GROUP_DEFAULTS.get(group, frozenset())
        main: set[str] = set()
        seg_units: list[frozenset[str]] = []
        named: list[tuple[tuple[str, ...], bool]] = []
        for j in range(k, len(segments)):
            key = (segments[j], j == k, category, defaults)
            part = parts.get(key)
            if part is None:
                part = parts[key] = _segment(
                    segments[j], j == k, seg_chunks[j], category | defaults
                )
            seg_units.extend(part[0])
            main.update(*part[0])
            if part[1] is not None:
                named.append(part[1])
        if k and segments[0] in DISHES:
            # "Soup, black bean" is soup, not beans: the dish counts as another food.
            named.append((tuple(seg_tokens[0][-1:]), False))
        candidates.append(named)
        mains.append(frozenset(main))
        units.append(tuple(seg_units))
        variants.append(frozenset(main & VARIANT_WORDS))
        stated = frozenset(itertools.chain(*seg_tokens))
        pairs.append(None)
        n_portions = portion_counts[i]
        # Commonly eaten foods carry more household measures in SR; USDA's Food
        # Distribution Program marks the staple version of a food.
        p_bonus = math.log2(1 + n_portions)
        if "food distribution program" in low:
            p_bonus += 1.0
        if GENERIC.search(low):
            p_bonus += WEIGHTS["generic"] / WEIGHTS["prior"]
        if "most common" in low:
            # USDA's own word that this is the usual form.
            p_bonus += WEIGHTS["generic"] / WEIGHTS["prior"]
        prior.append(p_bonus)
        brands = brand_words(desc)
        brand.append(brands)
        p = 12.0 if brands else 0.0
        if group in GROUP_PENALTY:
            p += GROUP_PENALTY[group][0]
        f = 0
        if "salt" in low:
            if UNSALTED.search(low):
                f |= F_WITHOUT_SALT
            elif SALTED.search(low):
                f |= F_WITH_SALT
        as_eaten = (
            sources[i] == "FNDDS"
            and group in COOKED_GROUPS | FNDDS_COOKED_GROUPS
            and not stated & AS_BOUGHT
        )
        if as_eaten:
            f |= F_AS_EATEN
        elif "raw" in toks or (
            # Fruits, vegetables and nuts with no preparation named are as picked
            # ("Nuts, walnuts, english"), as are nuts and seeds in their dried state.
            group in RAW_GROUPS and (stated & defaults or not stated & PREP_WORDS)
        ):
            f |= F_RAW
        if stated & COOKED_WORDS:
            f |= F_COOKED
        elif group == "Sausages and Luncheon Meats" and not toks & UNCOOKED_WORDS:
            # Luncheon meats are sold cooked, ready to eat.
            f |= F_READY
        if magnesium[i] is None:
            f |= F_NO_MG
            p += 2.0
        penalty.append(p)
        flags.append(f)
    home = {w: max(g, key=g.__getitem__) for w, g in names.items() if sum(g.values()) >= 3}
    foods = []
    for i, named in enumerate(candidates):
        group = food_groups[i]
        foods.append(
            frozenset(
                t
                for words, starts in named
                if not starts or words[0] in home
                for t in words
                if home.get(t, group) != group or t in DISH_WORDS
            )
        )
    # Prefer the cooked form only for foods USDA also lists cooked: raw tofu is
    # eaten as is, raw lentils are not.
    cooked_heads = {heads[i] for i, f in enumerate(flags) if f & F_COOKED}
    for i, f in enumerate(flags):
        if f & F_RAW and food_groups[i] in COOKED_GROUPS and heads[i] not in cooked_heads:
            flags[i] = f & ~F_RAW
    n = len(descriptions)
    idf = {t: math.log((n + 1) / (len(ids) + 0.5)) for t, ids in postings.items()}
    return IndexTables(
        postings,
        idf,
        token_sets,
        heads,
        mains,
        units,
        variants,
        foods,
        pairs,
        prior,
        penalty,
        brand,
        flags,
        sorted(postings),
        synonym_sets,
    )


def build_tables(
    descriptions: Sequence[str],
    food_groups: Sequence[str],
    magnesium: Sequence[float | None],
    portion_counts: Sequence[int] | Callable[[], Sequence[int]],
    sources: Sequence[str],
    synonyms: Sequence[str],
) -> IndexTables:
    """The index tables of these foods (``food_groups`` in SR Legacy's groups)."""
    # The index is ~100k small acyclic objects: cyclic GC passes during the build
    # only cost time (about a third of it), so they wait until it is done.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _build(descriptions, food_groups, magnesium, portion_counts, sources, synonyms)
    finally:
        if was_enabled:
            gc.enable()


def export_state(index: IndexTables) -> list[Any]:
    """
    The built index as compact plain containers (for the shipped index and the cache).

    Per-food word sets travel as space-separated strings and postings as strings of
    row numbers: ~100k small containers would otherwise be created on loading and
    then scanned by the garbage collector; :func:`load_state` rebuilds them on use.
    """
    state: list[Any] = []
    for f in dataclasses.fields(index):
        value = getattr(index, f.name)
        if f.name in _SET_FIELDS:
            value = [" ".join(sorted(x)) for x in value]
        elif f.name in ("units", "synonyms"):
            value = ["|".join(" ".join(sorted(u)) for u in x) for x in value]
        elif f.name == "postings":
            # Sorted, so the exported bytes do not depend on string hashing.
            value = {t: " ".join(map(str, value[t])) for t in sorted(value)}
        elif f.name == "idf":
            value = {t: value[t] for t in sorted(value)}
        elif f.name == "pairs":
            value = len(value)
        state.append(value)
    return state


def load_state(state: list[Any]) -> IndexTables:
    """The index exported by :func:`export_state` from the same code and data."""
    values: list[Any] = []
    for f, value in zip(dataclasses.fields(IndexTables), state, strict=True):
        if f.name in _SET_FIELDS:
            value = _Lazy(value, _to_set)
        elif f.name in ("units", "synonyms"):
            value = _Lazy(value, _to_units)
        elif f.name == "postings":
            value = _LazyPostings(value)
        elif f.name == "pairs":
            value = [None] * value
        values.append(value)
    return IndexTables(*values)
