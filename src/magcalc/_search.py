"""Food search: a small inverted index that ranks foods the way people type them.

Private: :class:`magcalc.foods.FoodTable` owns one :class:`SearchIndex` and
exposes it through ``search``. The ranking is explained in
:func:`magcalc.foods.search_foods`; its weights are tuned on the evaluation set
in ``tests/data/search_eval.csv`` and measured by ``benchmarks/bench_search.py``.

How a query is scored
---------------------
1. Text is lower-cased, split into words, stop words dropped and plurals made
   singular; the same is done to every USDA description.
2. Query words not in the vocabulary are corrected: two words that form one
   USDA word are joined ("soy milk" -> "soymilk"), typos are mapped to the
   closest word (rapidfuzz ratio), and a prefix is completed.
3. Coverage: the share of the query's idf weight that a description contains
   (synonyms and compound words such as "kiwi" -> "kiwifruit" count too).
4. Adjustments, all read from the structure of USDA descriptions:

   * Extra words cost in proportion to their rarity ("sheep" or "sockeye" make a
     variant, "vitamin" hardly does); a hyphenated word ("air-popped") counts once.
     Words that only restate a default cost nothing: neutral words ("whole",
     "drained"), the category prefix, an "A or B" segment ("large or small curd"),
     a negated one ("no cheese"), ingredients ("made from soy and wheat", "from
     roasted kernels") and what a food is "prepared with" unless it is another food.
   * Words marking a processed variant ("canned", "flavor", "unenriched") cost
     more; per group, the usual selling state is not a variant (dried spices and
     nuts, canned soup).
   * Another food costs more: a later segment or "prepared with" that names a food
     whose own entries live in another food group ("Bacon, turkey", "Bagels, egg",
     "oil-roasted", "with milk"), a food after the name's first word ("cashew
     butter") and the dish of a "Soup, ..."/"Sauce, ..." entry.
   * The food's name earns a bonus: the first segment, or the one after a category
     or species prefix ("Nuts, almonds", "Pork, cured, bacon").
   * A popularity prior: more USDA household measures, the Food Distribution
     Program staple, and USDA's own generic markers ("all types", "all grades",
     "unspecified", "regular", "plain", "original", "most common type").
   * Default preparation when none is typed: raw (or no preparation, or dried
     nuts) for fruits, vegetables and nuts; cooked for legumes, grains and meats,
     but only for foods USDA also lists cooked (raw tofu is eaten as is); luncheon
     meats count as half cooked (sold ready to eat). Everyday names can imply a
     preparation (oatmeal, corn on the cob).
   * Salt: "without salt" for home-cooked foods, salted for manufactured ones
     (butter, chips, canned fish), unless salt is typed.
   * Query words that stand next to each other earn a bonus; baby, fast-food,
     restaurant and branded items are penalised unless the query asks for them.
"""

from __future__ import annotations

import bisect
import dataclasses
import functools
import gc
import itertools
import math
import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = [
    "NEUTRAL_WORDS",
    "PREP_WORDS",
    "VARIANT_WORDS",
    "SearchIndex",
    "brand_words",
    "singular",
    "tokens",
]

_STOPWORDS = frozenset(
    "a an and or of in on to the for with without from by as at per ns nfs".split()
)
# Words that describe a default rather than a variant: no penalty when a description has them.
_NEUTRAL = frozenset(
    "all commercial commercially variety regular without salt mature drained solid edible "
    "purchased enriched plain raw fresh ripe average year round whole type "
    "ready serve prepared cooked heat unsweetened unfortified granulated sliced pre water".split()
)


@dataclass(frozen=True)
class _Names:
    """Everyday names from ``data/food_names.csv`` (each row cites its source).

    ``alias``: a word that also counts as another USDA word ("yoghurt" -> "yogurt");
    ``phrase``: words replaced by the USDA words ("semi skimmed" -> "reduced fat");
    ``implied``: a name that implies a preparation ("oatmeal" -> cooked);
    ``default``: what a bare staple means when it is the whole query ("flour").
    """

    alias: dict[str, tuple[str, ...]]
    phrase: dict[tuple[str, ...], tuple[str, ...]]
    implied: dict[str, tuple[str, ...]]
    longest: int
    default: dict[tuple[str, ...], tuple[str, ...]]
    words: frozenset[str] = frozenset()  # every word of the everyday names


@functools.cache
def _names() -> _Names:
    import csv

    from magcalc._data import data_file

    alias: dict[str, tuple[str, ...]] = {}
    phrase: dict[tuple[str, ...], tuple[str, ...]] = {}
    implied: dict[str, tuple[str, ...]] = {}
    default: dict[tuple[str, ...], tuple[str, ...]] = {}
    with open(data_file("food_names.csv"), newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            name, words = tuple(tokens(row["name"])), tuple(tokens(row["usda_words"]))
            if row["kind"] == "alias":
                alias[name[0]] = alias.get(name[0], ()) + words
            elif row["kind"] == "implied":
                implied[name[0]] = words
            elif row["kind"] == "default":
                default[name] = words
            else:
                phrase[name] = words
    named = {*alias, *implied} | {w for name in (*phrase, *default) for w in name}
    return _Names(
        alias, phrase, implied, max(map(len, phrase), default=1), default, frozenset(named)
    )


@functools.cache
def _sorted(words: frozenset[str]) -> tuple[str, ...]:
    return tuple(sorted(words))


def _one_slip(word: str, choices: frozenset[str]) -> str | None:
    """The choice one slip from ``word`` (a letter wrong, missing or extra, or two
    swapped), if exactly one is; None otherwise."""
    from rapidfuzz import process
    from rapidfuzz.distance import OSA

    near = process.extract(word, _sorted(choices), scorer=OSA.distance, score_cutoff=1, limit=2)
    return near[0][0] if len(near) == 1 else None


# Words that mark a processed or modified variant; the plain food ranks first unless typed.
_VARIANT = frozenset(
    "dry dried mix condensed dehydrated powder concentrate frozen canned smoked instant "
    "imitation substitute meatless unprepared toddler junior low reduced free light lite "
    "lowfat nonfat diet sweetened flavored chocolate strawberry vanilla sprouted "
    "glutinous minced baby stuffed breaded flavor enhanced fortified unenriched microwave "
    "basted solution pickled evaporated greek imported".split()
)
_PREP = frozenset(
    "raw cooked boiled baked roasted fried grilled broiled steamed stewed braised canned "
    "frozen dried dry toasted microwaved prepared scrambled poached sauteed smoked "
    "uncooked unprepared dehydrated simmered heated".split()
)
PREP_WORDS = _PREP
VARIANT_WORDS = _VARIANT
"""Words that mark a processed or modified variant ("powder", "chocolate", "canned")."""
NEUTRAL_WORDS = _NEUTRAL
"""Words that describe a food's default ("plain", "commercial"), not a variant of it."""
"""Words that say how a food was prepared ("raw", "boiled", "canned"), not which food."""
_IRREGULAR = {"leaves": "leaf", "halves": "half", "loaves": "loaf", "knives": "knife"}
_TOKEN = re.compile(r"[a-z0-9]+")
_CHUNK = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_PARENS = re.compile(r"\([^)]*\)?")
_READY = re.compile(r"\bready-to-[a-z]+")
_BRAND = re.compile(r"\b[A-Z][A-Z'&]{2,}\b")


def singular(word: str) -> str:
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("ches", "shes", "xes", "sses", "oes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def tokens(text: str) -> list[str]:
    low = text.lower()
    if not low.isascii():
        low = _fold(low)  # "jalapeño", "crème fraîche" as USDA writes them
    return [singular(t) for t in _TOKEN.findall(low) if t not in _STOPWORDS]


@functools.lru_cache(maxsize=4096)
def _fold(text: str) -> str:
    """Letters without their accents (NFD, combining marks dropped). Canonical, not
    compatibility, decomposition: a superscript "²" stays a symbol, never a digit."""
    import unicodedata

    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


# --------------------------------------------------------------------------- portions


@dataclass
class _Index:
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


# Ranking weights, tuned on tests/data/search_eval.csv (see benchmarks/bench_search.py).
_W = {
    "extra": 0.3,  # per unit of idf of each word the description adds
    "prior": 2.0,  # per log2(1 + number of USDA portions)
    "variant": 3.0,  # per processed/modified-variant word not typed
    "food": 3.0,  # per extra word that names another food ("Frankfurter, turkey")
    "generic": 2.5,  # USDA marks the generic entry ("all types", "unspecified", "regular")
    "head": 6.0,  # a typed word names the food (first part of the description)
    "head_all": 4.0,  # ... and the whole first part was typed
    "pair": 3.0,  # two typed words stand next to each other
    "prep": 3.0,  # default preparation (raw fruit, cooked beans) when none typed
    "salt": 1.5,  # the usual salt level (see _salt_bonus)
    "form": 8.0,  # per typed cut or form word ("mashed", "grated") the description has
    "fndds": 6.0,  # FNDDS food when no source was asked for (see rank)
    "as_eaten": 9.0,  # FNDDS meat or grain as eaten where the entry measures an ingredient
}
_F_WITHOUT_SALT, _F_WITH_SALT, _F_RAW, _F_COOKED, _F_NO_MG, _F_READY = 1, 2, 4, 8, 16, 32
# FNDDS codes foods as eaten: a meat, grain or vegetable there that does not say raw is
# the prepared food, whatever its description names.
_F_AS_EATEN = 64
# USDA's category prefixes: in "Nuts, almonds" the food is the second part. The
# species prefixes of the meat groups work the same way: "Pork, cured, bacon" is
# bacon, and pork is what bacon is made of unless another animal is named.
_CATEGORY_HEADS = frozenset(
    {
        "alcoholic beverage", "babyfood", "beverages", "candies", "cereals", "cereal",
        "cereals ready-to-eat", "crustaceans", "fast foods", "fish", "frozen novelties",
        "game meat", "infant formula", "mollusks", "nuts", "restaurant", "salad dressing",
        "sauce", "seeds", "snacks", "soup", "spices", "pork", "beef", "lamb", "veal",
    }
)  # fmt: skip
# Category prefixes that name a dish made from the food that follows.
_DISHES = frozenset({"soup", "sauce", "salad dressing"})
_DISH_WORDS = frozenset({"soup", "sauce", "dressing"})
# Segments that only qualify the category ("Pork, fresh, loin", "Babyfood, vegetables,
# carrots"): the food's name is the segment after them.
_QUALIFIERS = frozenset("fresh cured vegetable fruit meat dinner".split())
# Generic class words are not "another food" when a description adds them.
_CLASS_WORDS = frozenset("meat food poultry water".split())
# How SR marks the generic entry among its variants.
_GENERIC = re.compile(
    r"\b(all types|all grades|all (commercial )?varieties|unspecified|regular|plain|original"
    r"|nfs|year round average|most common)\b"
)
# Cooking methods that contain a variant word ("dry heat" is not "dry").
_METHOD = re.compile(r"\bdry[- ](heat|roasted)\b")
# A segment that says what the food lacks ("no cheese", "without salt") describes
# the plain food, not a variant.
_NEGATED = re.compile(r"^(no|not|ns|nfs)\b")
# What a food may lack and still be the plain food ("no added fat", "no salt", "NS as to
# ..."); "no cheese" on a pizza is a variant.
_FREE_LACK = re.compile(r"^(ns|nfs|not)\b|\b(added|salt|sodium|fat|sugar|sweetener|dressing|skin)")
# "made from soy and wheat", "from roasted kernels", "prepared with calcium sulfate":
# how it was made, not which food. Ingredients ("made ...") are ignored; a
# preparation ("prepared with milk") only counts when it adds another food.
_MADE_WITH = re.compile(r"\bmade with ([a-z]+)(?=,|$)")
_INGREDIENTS = re.compile(r"\bmade (with|from)\b[^,]*|(?<=,) *from\b[^,]*")
_GROUP_PENALTY = {
    # Items people only mean when they say so (query words that lift the penalty).
    "Baby Foods": (30.0, frozenset({"baby", "infant", "toddler", "babyfood", "gerber"})),
    "Fast Foods": (20.0, frozenset({"fast", "mcdonald", "burger", "king", "wendy", "kfc"})),
    "Restaurant Foods": (20.0, frozenset({"restaurant", "chinese", "mexican", "italian"})),
    "American Indian/Alaska Native Foods": (12.0, frozenset({"alaska", "native", "indian"})),
    "Meals, Entrees, and Side Dishes": (6.0, frozenset()),
}
_RAW_GROUPS = frozenset(
    {"Fruits and Fruit Juices", "Vegetables and Vegetable Products", "Nut and Seed Products"}
)
_COOKED_GROUPS = frozenset(
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
_GROUP_DEFAULTS = {
    "Nut and Seed Products": frozenset({"dried", "dry"}),
    "Spices and Herbs": frozenset({"dried", "dry", "ground"}),
    "Soups, Sauces, and Gravies": frozenset({"canned"}),
}
_SALT_WORDS = frozenset({"unsalted", "saltless", "salted"})
_UNSALTED = re.compile(r"\b(without (added )?salt|unsalted|no salt)")
_SALTED = re.compile(r"\b(with (added )?salt|salted|salt added)")
_UNCOOKED_WORDS = frozenset("raw unheated unprepared uncooked".split())
# How grains, pulses and meats are sold: raw, or dry ("Rice, ..., dry", "Beans, dried").
_AS_BOUGHT = _UNCOOKED_WORDS | {"dry", "dried"}
# Cuts made with a knife, and the dried state they rule out for herbs.
_FRESH_CUTS = frozenset("chopped minced sliced shredded torn julienned snipped".split())
_DRIED = frozenset({"dried", "dry"})
# FNDDS vegetables are coded as eaten: one that does not say raw is cooked.
_FNDDS_COOKED_GROUPS = frozenset({"Vegetables and Vegetable Products"})
_COOKED_WORDS = frozenset(
    "cooked boiled roasted baked broiled grilled braised heated microwaved steamed "
    "stewed simmered poached scrambled".split()
)


# What a description segment adds: its cost units and the words that may name
# another food (with whether that needs the segment to start with a food name).
_Part = tuple[tuple[frozenset[str], ...], tuple[tuple[str, ...], bool] | None]


def _segment(seg: str, is_name: bool, chunks: list[list[str]], implied: frozenset[str]) -> _Part:
    if (_NEGATED.match(seg) and _FREE_LACK.search(seg)) or " or " in seg:
        # "no cheese" is the plain food; "large or small curd": either will do.
        return (), None
    words = tuple(t for chunk in chunks for t in chunk if t not in _NEUTRAL and t not in implied)
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


def brand_words(description: str) -> frozenset[str]:
    """Brand names in an SR description: its upper-case words (CHOBANI, KRAFT, ...),
    outside parentheses, less USDA's own abbreviations."""
    return frozenset(
        singular(w.lower())
        for w in _BRAND.findall(_PARENS.sub(" ", description))
        if w not in ("NFS", "USDA", "NS")
    )


def _outside(low: str) -> str:
    """The lower-case description as ranked: parenthetical notes, "dry heat", "ready-to-"
    and ingredient phrases removed (the substring tests only skip regexes that cannot
    match)."""
    outside = _PARENS.sub(" ", low) if "(" in low else low
    if "dry" in outside:
        outside = _METHOD.sub(r"\1", outside)
    if "ready-to-" in outside:
        outside = _READY.sub(" ", outside)
    if "made with" in outside:
        # FNDDS "Oatmeal, ..., made with milk": what it is made with is another food unless
        # it is water ("made with water" is the plain food).
        outside = _MADE_WITH.sub(lambda m: "" if m.group(1) == "water" else "prepared with "
                                 + m.group(1), outside)  # fmt: skip
    if "from" in outside or "made" in outside:
        outside = _INGREDIENTS.sub(" ", outside)
    return outside


def _ordered_tokens(desc: str) -> list[str]:
    """The description's words in order, as the index reads them outside parentheses."""
    outside = _outside(desc.lower())
    return [
        t
        for seg in outside.split(",")
        for chunk in _CHUNK.findall(seg.strip())
        for t in tokens(chunk.replace("-", " "))
    ]


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


_WWEIA_GROUPS = _wweia_groups()


class SearchIndex:
    """
    Inverted index over food descriptions with the ranking described above.

    Parameters
    ----------
    descriptions, food_groups : sequence of str
    magnesium : sequence of float or None
        Foods without a value rank slightly lower (unknown, not zero).
    portion_counts : sequence of int, or a function that returns one
        Number of USDA household measures per food (a popularity prior); a function is
        only called when the index is built rather than loaded.
    """

    def __init__(
        self,
        descriptions: Sequence[str],
        food_groups: Sequence[str],
        magnesium: Sequence[float | None],
        portion_counts: Sequence[int] | Callable[[], Sequence[int]],
        sources: Sequence[str] | None = None,
        synonyms: Sequence[str] | None = None,
    ) -> None:
        self.descriptions = list(descriptions)
        self.sources = list(sources) if sources is not None else ["SR Legacy"] * len(descriptions)
        self.synonyms = list(synonyms) if synonyms is not None else [""] * len(descriptions)
        # FNDDS foods are grouped by WWEIA category; ranking reads SR-style groups.
        self.food_groups = [
            _WWEIA_GROUPS.get(g, g) if src == "FNDDS" else g
            for g, src in zip(food_groups, self.sources, strict=True)
        ]
        self.magnesium = list(magnesium)
        self._portion_counts = portion_counts
        self._lock = threading.Lock()
        self._built: _Index | None = None

    @property
    def _index(self) -> _Index:
        if self._built is None:
            with self._lock:
                if self._built is None:
                    self._built = self._build_index()
        return self._built

    def export_state(self) -> list[Any]:
        """
        The built index as compact plain containers (for magcalc's on-disk cache).

        Per-food word sets travel as space-separated strings and postings as strings of
        row numbers: ~100k small containers would otherwise be created on loading and
        then scanned by the garbage collector; :meth:`load_state` rebuilds them on use.
        """
        index = self._index
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

    def load_state(self, state: list[Any]) -> None:
        """Adopt an index exported by :meth:`export_state` from the same code and data."""
        values: list[Any] = []
        for f, value in zip(dataclasses.fields(_Index), state, strict=True):
            if f.name in _SET_FIELDS:
                value = _Lazy(value, _to_set)
            elif f.name in ("units", "synonyms"):
                value = _Lazy(value, _to_units)
            elif f.name == "postings":
                value = _LazyPostings(value)
            elif f.name == "pairs":
                value = [None] * value
            values.append(value)
        with self._lock:
            self._built = _Index(*values)

    def build(self) -> None:
        """Build the index now rather than on the first query."""
        _ = self._index

    def _build_index(self) -> _Index:
        # The index is ~100k small acyclic objects: cyclic GC passes during the build
        # only cost time (about a third of it), so they wait until it is done.
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            return self._build_index_body()
        finally:
            if was_enabled:
                gc.enable()

    def _build_index_body(self) -> _Index:
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
        counts = self._portion_counts
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
                for chunk in _CHUNK.findall(text):
                    unit = memo.get(chunk)
                    if unit is None:
                        unit = memo[chunk] = tokens(chunk.replace("-", " "))
                    if unit:
                        out.append(unit)
            return out

        for i, desc in enumerate(self.descriptions):
            low = desc.lower()
            toks = frozenset(
                t for part in low.split(",") for unit in split(part.strip()) for t in unit
            )
            aka: tuple[frozenset[str], ...] = ()
            if self.synonyms[i]:
                # FNDDS's everyday names ("pepitas", "avocado dip") find the food but do
                # not describe it: never extra words, and only whole names count.
                aka = tuple(
                    frozenset(t for unit in split(part.strip()) for t in unit)
                    for part in self.synonyms[i].lower().split(";")
                )
                aka = tuple(n for n in aka if n)
            synonym_sets.append(aka)
            for t in toks.union(*aka):
                postings.setdefault(t, []).append(i)
            token_sets.append(toks)
            # Words inside parentheses are searchable but describe, rather than vary, the food.
            outside = _outside(low)
            segments = [seg.strip() for seg in outside.split(",")]
            seg_chunks = [split(seg) for seg in segments]
            seg_tokens = [list(itertools.chain(*c)) for c in seg_chunks]
            group = self.food_groups[i]
            if len(seg_tokens[0]) == 1 and seg_tokens[0][0] not in _CLASS_WORDS:
                by_group = names.setdefault(seg_tokens[0][0], {})
                by_group[group] = by_group.get(group, 0) + 1
            # The food's name: the first segment, or the one after a category prefix.
            k = 0
            if segments[0] in _CATEGORY_HEADS and len(segments) > 1:
                k = 1
                while (
                    k + 1 < len(segments)
                    and seg_tokens[k]
                    and set(seg_tokens[k]) <= _QUALIFIERS | _NEUTRAL
                ):
                    k += 1
            heads.append(frozenset(seg_tokens[k]))
            # The category's own words are implied ("Nuts, cashew nuts").
            category = frozenset(seg_tokens[0]) if k else frozenset()
            defaults = _GROUP_DEFAULTS.get(group, frozenset())
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
            if k and segments[0] in _DISHES:
                # "Soup, black bean" is soup, not beans: the dish counts as another food.
                named.append((tuple(seg_tokens[0][-1:]), False))
            candidates.append(named)
            mains.append(frozenset(main))
            units.append(tuple(seg_units))
            variants.append(frozenset(main & _VARIANT))
            stated = frozenset(itertools.chain(*seg_tokens))
            pairs.append(None)
            n_portions = portion_counts[i]
            # Commonly eaten foods carry more household measures in SR; USDA's Food
            # Distribution Program marks the staple version of a food.
            p_bonus = math.log2(1 + n_portions)
            if "food distribution program" in low:
                p_bonus += 1.0
            if _GENERIC.search(low):
                p_bonus += _W["generic"] / _W["prior"]
            if "most common" in low:
                # USDA's own word that this is the usual form.
                p_bonus += _W["generic"] / _W["prior"]
            prior.append(p_bonus)
            brands = brand_words(desc)
            brand.append(brands)
            p = 12.0 if brands else 0.0
            if group in _GROUP_PENALTY:
                p += _GROUP_PENALTY[group][0]
            f = 0
            if "salt" in low:
                if _UNSALTED.search(low):
                    f |= _F_WITHOUT_SALT
                elif _SALTED.search(low):
                    f |= _F_WITH_SALT
            as_eaten = (
                self.sources[i] == "FNDDS"
                and group in _COOKED_GROUPS | _FNDDS_COOKED_GROUPS
                and not stated & _AS_BOUGHT
            )
            if as_eaten:
                f |= _F_AS_EATEN
            elif "raw" in toks or (
                # Fruits, vegetables and nuts with no preparation named are as picked
                # ("Nuts, walnuts, english"), as are nuts and seeds in their dried state.
                group in _RAW_GROUPS and (stated & defaults or not stated & _PREP)
            ):
                f |= _F_RAW
            if stated & _COOKED_WORDS:
                f |= _F_COOKED
            elif group == "Sausages and Luncheon Meats" and not toks & _UNCOOKED_WORDS:
                # Luncheon meats are sold cooked, ready to eat.
                f |= _F_READY
            if self.magnesium[i] is None:
                f |= _F_NO_MG
                p += 2.0
            penalty.append(p)
            flags.append(f)
        home = {w: max(g, key=g.__getitem__) for w, g in names.items() if sum(g.values()) >= 3}
        foods = []
        for i, named in enumerate(candidates):
            group = self.food_groups[i]
            foods.append(
                frozenset(
                    t
                    for words, starts in named
                    if not starts or words[0] in home
                    for t in words
                    if home.get(t, group) != group or t in _DISH_WORDS
                )
            )
        # Prefer the cooked form only for foods USDA also lists cooked: raw tofu is
        # eaten as is, raw lentils are not.
        cooked_heads = {heads[i] for i, f in enumerate(flags) if f & _F_COOKED}
        for i, f in enumerate(flags):
            if (
                f & _F_RAW
                and self.food_groups[i] in _COOKED_GROUPS
                and heads[i] not in cooked_heads
            ):
                flags[i] = f & ~_F_RAW
        n = len(self.descriptions)
        idf = {t: math.log((n + 1) / (len(ids) + 0.5)) for t, ids in postings.items()}
        return _Index(
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

    def _salt_mended(self, typed: list[str]) -> list[str]:
        """Typed words with a slip in a salt word mended ("unslated" -> "unsalted")."""
        postings = self._index.postings
        return [
            t if t in postings or len(t) < 5 else (_one_slip(t, _SALT_WORDS) or t) for t in typed
        ]

    def _correct(self, query_tokens: list[str]) -> list[str]:
        """Map tokens not in the vocabulary to vocabulary words (names, compounds, typos)."""
        return self._correct_counted(query_tokens)[0]

    def _correct_counted(self, query_tokens: list[str]) -> tuple[list[str], int]:
        """:meth:`_correct` and how many typed words it had to drop (unreadable)."""
        index = self._index
        dropped = 0
        names = _names()
        known = names.words
        # A slip in an everyday name ("aubregine", "pancteta") is mended first, so that
        # the name is then read as written in data/food_names.csv.
        query_tokens = [
            t
            if len(t) < 5 or t in index.postings or t in known or t.isdigit()
            else (_one_slip(t, known) or t)
            for t in query_tokens
        ]
        out: list[str] = []
        i = 0
        while i < len(query_tokens):
            tok = query_tokens[i]
            for n in range(min(names.longest, len(query_tokens) - i), 0, -1):
                phrase = names.phrase.get(tuple(query_tokens[i : i + n]))
                if phrase is not None:
                    out.extend(phrase)
                    i += n
                    break
            else:
                if i + 1 < len(query_tokens):
                    # "soy milk" -> "soymilk", "pop corn" -> "popcorn"
                    joined = tok + query_tokens[i + 1]
                    if joined in index.postings:
                        out.append(joined)
                        i += 2
                        continue
                if tok in index.postings or tok.isdigit() or tok in names.alias:
                    out.append(tok)
                else:
                    fixed = self._fuzzy_token(tok)
                    if fixed is not None:
                        out.append(fixed)
                    else:
                        dropped += 1
                i += 1
        return out, dropped

    def _fuzzy_token(self, tok: str) -> str | None:
        index = self._index
        if len(tok) >= 4:
            from rapidfuzz import fuzz, process

            if len(tok) >= 5:
                # One slip first: a letter wrong, missing or extra, or two letters swapped
                # ("ornage" is "orange", not "borage": a swap costs two edits in ratio).
                # Among several, a swap ("peacn": pecan, not peach), then the word most
                # foods have.
                from rapidfuzz.distance import OSA

                near = process.extract(
                    tok, index.vocab, scorer=OSA.distance, score_cutoff=1, limit=None
                )
                if near:
                    letters = sorted(tok)
                    word: str = min(
                        near,
                        key=lambda h: (
                            h[1],
                            sorted(h[0]) != letters,
                            -len(index.postings[h[0]]),
                            h[0],
                        ),
                    )[0]
                    return word
            cutoff = 80 if len(tok) >= 6 else 75
            hit = process.extractOne(tok, index.vocab, scorer=fuzz.ratio, score_cutoff=cutoff)
            if hit is not None:
                best: str = hit[0]
                return best
        if len(tok) >= 3:
            # As-you-type prefix: the most common word that starts with it.
            lo = bisect.bisect_left(index.vocab, tok)
            hi = bisect.bisect_left(index.vocab, tok + "\uffff")
            if lo < hi:
                return max(index.vocab[lo:hi], key=lambda w: len(index.postings[w]))
        return None

    def _expand(self, token: str) -> list[str]:
        """Compound words that start with the token ("kiwi" -> "kiwifruit")."""
        index = self._index
        lo = bisect.bisect_left(index.vocab, token)
        hi = bisect.bisect_left(index.vocab, token + "\uffff")
        return [w for w in index.vocab[lo:hi] if w != token and len(w) - len(token) >= 3][:8]

    def _pairs(self, i: int) -> frozenset[tuple[str, str]]:
        """Adjacent word pairs of description ``i``; computed when first needed (they
        are only read for a query's candidates, and storing them all slows loading)."""
        index = self._index
        found = index.pairs[i]
        if found is None:
            found = index.pairs[i] = frozenset(
                itertools.pairwise(_ordered_tokens(self.descriptions[i]))
            )
        return found

    def rank(
        self,
        query: str,
        *,
        source: str | None = None,
        optional: Sequence[str] = (),
        as_bought: bool = False,
    ) -> list[tuple[int, float]]:
        """Rows and scores (0-100), best first.

        ``source`` keeps one database's foods ("SR Legacy" or "FNDDS"); ``optional``
        words (cut and form words such as "mashed") are not required, cost nothing when
        a description has them and earn a small bonus there. ``as_bought`` says the amount
        is a purchase weight ("2 lb lamb shoulder"): with no preparation typed, meats,
        grains and legumes then prefer the raw food, as bought, over a cooked one.
        """
        index = self._index
        raw = self._salt_mended(tokens(query))
        # Salt level is a preference, not a word to find ("unsalted butter").
        salt_pref = 0
        if any(t in ("unsalted", "saltless") for t in raw):
            salt_pref = -1
        elif "salted" in raw:
            salt_pref = 1
        raw = [t for t in raw if t not in ("unsalted", "saltless", "salted")] or raw
        if not salt_pref:
            raw = list(_names().default.get(tuple(raw), raw))
        q = self._correct(raw)
        if not q:
            return []
        extras = {t for w in optional for t in tokens(w)} - set(q)
        implied = {w for t in raw for w in _names().implied.get(t, ())}
        weights = {t: index.idf.get(t, 0.0) for t in q}
        for t in q:
            for alias in _names().alias.get(t, ()):
                weights[t] = max(weights[t], index.idf.get(alias, 0.0))
        total = sum(weights.values()) or 1.0
        qset = set(q)
        acc: dict[int, float] = {}
        for t, w in weights.items():
            hit: set[int] = set(index.postings.get(t, ()))
            for i in hit:
                acc[i] = acc.get(i, 0.0) + w
            alternatives = [(a, 1.0) for a in _names().alias.get(t, ())]
            if len(t) >= 4:
                alternatives += [(v, 0.9) for v in self._expand(t)]
            for alt, factor in alternatives:
                qset.add(alt)
                for i in index.postings.get(alt, ()):
                    if i not in hit:
                        hit.add(i)
                        acc[i] = acc.get(i, 0.0) + factor * w
        if source is not None:
            acc = {i: m for i, m in acc.items() if self.sources[i] == source}
        with_names = [i for i in acc if self.synonyms[i]]
        if with_names:
            aliases_of = _names().alias
            others = {
                t: (set(aliases_of.get(t, ())), set(self._expand(t)) if len(t) >= 4 else set())
                for t in weights
            }
            for i in with_names:
                acc[i] = self._matched_weight(i, weights, qset, others)
        if not acc:
            return []
        qset |= extras
        best = max(acc.values())
        floor = best - 0.35 * total
        qpairs = set(itertools.pairwise(q))
        qpairs |= {(b, a) for a, b in qpairs}
        has_prep = bool((qset | implied) & _PREP)
        cooking_typed = bool((qset | implied) & _COOKED_WORDS)
        fresh_cut = bool(extras & _FRESH_CUTS) and not qset & _DRIED
        mentions_salt = "salt" in qset or salt_pref != 0
        lifted = {g for g, (_, words) in _GROUP_PENALTY.items() if qset & words}
        if "Baby Foods" in lifted and qset & {"baby"} and not qset & {"food", "babyfood"}:
            lifted.discard("Baby Foods")  # baby spinach, baby carrots are not baby foods
        scored: list[tuple[float, int, int]] = []
        for i, m in acc.items():
            if m < floor:
                continue
            # Each word the description adds costs more the rarer it is: "sheep" or
            # "sockeye" make a variant, "vitamin" or "cooked" hardly do.
            extra = 0.0
            for unit in index.units[i]:
                if len(unit) == 1:
                    if not unit & qset:
                        extra += index.idf[next(iter(unit))]
                else:
                    extra += max((index.idf[t] for t in unit - qset), default=0.0)
            score = (
                100.0 * m / total - min(_W["extra"] * extra, 20.0) + _W["prior"] * index.prior[i]
            )
            if index.variant[i]:
                score -= _W["variant"] * len(index.variant[i] - qset)
            if index.foods[i]:
                score -= _W["food"] * len(index.foods[i] - qset)
            head = index.head[i]
            if head & qset:
                score += _W["head"]
                if head <= qset:
                    score += _W["head_all"]
            if qpairs and self._pairs(i) & qpairs:
                score += _W["pair"]
            if extras and index.tokens[i] & extras:
                score += _W["form"] * len(index.tokens[i] & extras)
            if fresh_cut and self.food_groups[i] == "Spices and Herbs" and index.tokens[i] & _DRIED:
                # Chopped or minced herbs are fresh leaves; a dried herb is crumbled.
                score -= _W["prep"]
            penalty = index.penalty[i]
            if penalty:
                group = self.food_groups[i]
                if group in lifted:
                    penalty -= _GROUP_PENALTY[group][0]
                if index.brand[i] and index.brand[i] & qset:
                    penalty -= 12.0
                score -= penalty
            f = index.flags[i]
            if salt_pref and f & (_F_WITHOUT_SALT | _F_WITH_SALT):
                wanted = _F_WITHOUT_SALT if salt_pref < 0 else _F_WITH_SALT
                score += 2 * _W["salt"] * (1.0 if f & wanted else -1.0)
            if not mentions_salt and f & (_F_WITHOUT_SALT | _F_WITH_SALT):
                # SR's "without salt" is home cooking without added salt, the default for
                # cooked foods; manufactured foods (butter, chips, canned fish) are
                # normally sold salted.
                home = 1.0 if f & _F_COOKED else -1.0
                score += _W["salt"] * (home if f & _F_WITHOUT_SALT else -home)
            if implied and index.tokens[i] & implied:
                score += _W["prep"]
            if not has_prep:
                group = self.food_groups[i]
                if group in _RAW_GROUPS:
                    if f & _F_RAW:
                        score += _W["prep"]
                    elif f & (_F_COOKED | _F_AS_EATEN):
                        score -= _W["prep"]
                elif group in _COOKED_GROUPS and as_bought:
                    if f & _F_AS_EATEN:
                        score -= _W["as_eaten"]  # a dish as eaten, not the ingredient
                    elif f & _F_COOKED:
                        score -= _W["prep"]
                    elif f & _F_RAW or index.tokens[i] & _AS_BOUGHT:
                        score += _W["prep"]
                elif group in _COOKED_GROUPS:
                    if f & _F_COOKED:
                        score += _W["prep"]
                    elif f & _F_READY:
                        score += 0.5 * _W["prep"]
                    elif f & _F_RAW:
                        score -= _W["prep"]
            elif (
                as_bought
                and not cooking_typed
                and f & (_F_COOKED | _F_AS_EATEN)
                and (self.food_groups[i] in _COOKED_GROUPS or self.food_groups[i] in _RAW_GROUPS)
            ):
                # "frozen peas", "dried beans": the state as bought, not a cooked dish.
                score -= _W["prep"]
            if source is None and self.sources[i] == "FNDDS":
                # Where both databases have the food, SR Legacy's analysed single food
                # comes first; FNDDS wins where it names the food better (dishes, foods
                # as eaten) or, in the entry reader, where only its portions fit.
                score -= _W["fndds"]
            scored.append((score, len(self.descriptions[i]), i))
        scored.sort(key=lambda s: (-s[0], s[1], s[2]))
        top = 100.0 + _W["head"] + _W["head_all"] + _W["pair"] + _W["prep"] + _W["salt"] + 10.0
        return [(i, max(0.0, min(100.0, 100.0 * s / top))) for s, _, i in scored]

    def head_words(self, i: int) -> frozenset[str]:
        """The words of food ``i``'s name (its first part, or the one after a category)."""
        result: frozenset[str] = self._index.head[i]
        return result

    def _have(self, i: int, typed: set[str]) -> frozenset[str]:
        """Words of food ``i`` that count for what was typed: its description's, and
        the typed words of each FNDDS name typed whole, or half of it with its rarest
        word."""
        index = self._index
        have: frozenset[str] = index.tokens[i]
        if self.synonyms[i]:
            idf = index.idf
            for name in index.synonyms[i]:
                got = name & typed
                if not got:
                    continue
                # The whole name, or at least half of it including its rarest word
                # ("marzipan" for "marzipan paste").
                rarest = max(name, key=lambda t: idf.get(t, 0.0))
                if got == name or (2 * len(got) >= len(name) and rarest in got):
                    have = have | got
        return have

    def _matched_weight(
        self,
        i: int,
        weights: dict[str, float],
        qset: set[str],
        others: dict[str, tuple[set[str], set[str]]],
    ) -> float:
        """Weight of the typed words that food ``i`` has (see :meth:`_have`); ``others``
        holds each typed word's aliases and compounds, found once per query."""
        have = self._have(i, qset)
        total = 0.0
        for t, w in weights.items():
            aliases, compounds = others[t]
            if t in have or aliases & have:
                total += w
            elif compounds & have:
                total += 0.9 * w
        return total

    def knows(self, word: str) -> bool:
        """Whether every word of ``word`` is in the vocabulary (or an everyday name)."""
        found = tokens(word)
        postings, alias = self._index.postings, _names().alias
        return bool(found) and all(t in postings or t in alias for t in found)

    def synonym_sets(self, i: int) -> tuple[frozenset[str], ...]:
        """The words of each of food ``i``'s FNDDS everyday names."""
        result: tuple[frozenset[str], ...] = self._index.synonyms[i]
        return result

    def words(self, i: int) -> frozenset[str]:
        """The normalised words of food ``i`` (description and additional description)."""
        result: frozenset[str] = self._index.tokens[i]
        return result

    def coverage(self, query: str, i: int) -> float:
        """Share (0-1, by idf weight) of the typed words that food ``i`` has.

        A typed word counts as present when the description (or FNDDS's additional
        description) has it, one of its everyday-name aliases ("oatmeal" -> "oat") or a
        compound that starts with it ("kiwi" -> "kiwifruit"), as ranking does. Typed
        words that are not in the vocabulary at all, and could not be corrected, count
        as absent.
        """
        index = self._index
        typed = self._salt_mended(tokens(query))
        raw = [t for t in typed if t not in ("unsalted", "saltless", "salted")]
        if raw == typed:
            raw = list(_names().default.get(tuple(raw), raw))
        corrected, dropped = self._correct_counted(raw)
        q = set(corrected)
        if not q:
            return 0.0
        have = self._have(i, q)
        alias = _names().alias
        total = covered = 0.0
        for t in q:
            w = max([index.idf.get(t, 0.0)] + [index.idf.get(a, 0.0) for a in alias.get(t, ())])
            total += w
            alternatives = set(alias.get(t, ())) | set(self._expand(t) if len(t) >= 4 else ())
            if t in have or alternatives & have:
                covered += w
        share = covered / (total or 1.0)
        # Words dropped as unreadable lower the coverage in proportion to their number.
        return share * (1.0 - dropped / max(1, len(raw)))

    def confident(self, query: str, i: int) -> bool:
        """Whether food ``i`` covers most of what was typed (so a wrong food is not used)."""
        return self.coverage(query, i) >= 0.6
