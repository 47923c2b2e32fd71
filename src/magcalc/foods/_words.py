"""Food words: queries and USDA descriptions read into words, and the everyday names.

What a person types and every USDA description are read the same way: lower-cased,
accents folded, split into words, stop words dropped and each word made singular
(:func:`magcalc._util.singular`). The everyday names of ``food_names.csv`` (each row
cites its source) say which typed words stand for USDA's ("yoghurt" is "yogurt").
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from magcalc._util import once, singular

__all__ = [
    "CHUNK",
    "NEUTRAL_WORDS",
    "PREP_WORDS",
    "VARIANT_WORDS",
    "EverydayNames",
    "brand_words",
    "everyday_names",
    "one_slip",
    "ordered_tokens",
    "outside",
    "tokens",
]

_STOPWORDS = frozenset(
    "a an and or of in on to the for with without from by as at per ns nfs".split()
)
NEUTRAL_WORDS = frozenset(
    "all commercial commercially variety regular without salt mature drained solid edible "
    "purchased enriched plain raw fresh ripe average year round whole type "
    "ready serve prepared cooked heat unsweetened unfortified granulated sliced pre water".split()
)
"""Words that describe a food's default ("plain", "commercial"), not a variant of it:
no penalty when a description has them."""
VARIANT_WORDS = frozenset(
    "dry dried mix condensed dehydrated powder concentrate frozen canned smoked instant "
    "imitation substitute meatless unprepared toddler junior low reduced free light lite "
    "lowfat nonfat diet sweetened flavored chocolate strawberry vanilla sprouted "
    "glutinous minced baby stuffed breaded flavor enhanced fortified unenriched microwave "
    "basted solution pickled evaporated greek imported".split()
)
"""Words that mark a processed or modified variant ("powder", "chocolate", "canned"); the
plain food ranks first unless one is typed."""
PREP_WORDS = frozenset(
    "raw cooked boiled baked roasted fried grilled broiled steamed stewed braised canned "
    "frozen dried dry toasted microwaved prepared scrambled poached sauteed smoked "
    "uncooked unprepared dehydrated simmered heated".split()
)
"""Words that say how a food was prepared ("raw", "boiled", "canned"), not which food."""
_TOKEN = re.compile(r"[a-z0-9]+")
CHUNK = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
"""A word of a description, hyphenated words ("air-popped") whole."""
_PARENS = re.compile(r"\([^)]*\)?")
_READY = re.compile(r"\bready-to-[a-z]+")
_BRAND = re.compile(r"\b[A-Z][A-Z'&]{2,}\b")
# Cooking methods that contain a variant word ("dry heat" is not "dry").
_METHOD = re.compile(r"\bdry[- ](heat|roasted)\b")
# "made from soy and wheat", "from roasted kernels", "prepared with calcium sulfate":
# how it was made, not which food. Ingredients ("made ...") are ignored; a
# preparation ("prepared with milk") only counts when it adds another food.
_MADE_WITH = re.compile(r"\bmade with ([a-z]+)(?=,|$)")
_INGREDIENTS = re.compile(r"\bmade (with|from)\b[^,]*|(?<=,) *from\b[^,]*")


def tokens(text: str) -> list[str]:
    """
    The words of a text as the index reads them: lower case, accents folded, stop words
    dropped, each singular.

    Examples
    --------
    >>> tokens("Crème fraîche, with Blueberries")
    ['creme', 'fraiche', 'blueberry']
    """
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


def brand_words(description: str) -> frozenset[str]:
    """
    Brand names in an SR description: its upper-case words (CHOBANI, KRAFT, ...),
    outside parentheses, less USDA's own abbreviations.

    Examples
    --------
    >>> sorted(brand_words("Yogurt, CHOBANI, plain (NFS)"))
    ['chobani']
    """
    return frozenset(
        singular(w.lower())
        for w in _BRAND.findall(_PARENS.sub(" ", description))
        if w not in ("NFS", "USDA", "NS")
    )


def outside(low: str) -> str:
    """The lower-case description as ranked: parenthetical notes, "dry heat", "ready-to-"
    and ingredient phrases removed (the substring tests only skip regexes that cannot
    match)."""
    text = _PARENS.sub(" ", low) if "(" in low else low
    if "dry" in text:
        text = _METHOD.sub(r"\1", text)
    if "ready-to-" in text:
        text = _READY.sub(" ", text)
    if "made with" in text:
        # FNDDS "Oatmeal, ..., made with milk": what it is made with is another food unless
        # it is water ("made with water" is the plain food).
        text = _MADE_WITH.sub(lambda m: "" if m.group(1) == "water" else "prepared with "
                              + m.group(1), text)  # fmt: skip
    if "from" in text or "made" in text:
        text = _INGREDIENTS.sub(" ", text)
    return text


def ordered_tokens(desc: str) -> list[str]:
    """The description's words in order, as the index reads them outside parentheses."""
    return [
        t
        for seg in outside(desc.lower()).split(",")
        for chunk in CHUNK.findall(seg.strip())
        for t in tokens(chunk.replace("-", " "))
    ]


@dataclass(frozen=True)
class EverydayNames:
    """Everyday names from ``food_names.csv`` (each row cites its source).

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


@once
def everyday_names() -> EverydayNames:
    """The everyday names, read from the package data on first use."""
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
    return EverydayNames(
        alias, phrase, implied, max(map(len, phrase), default=1), default, frozenset(named)
    )


@functools.cache
def _sorted(words: frozenset[str]) -> tuple[str, ...]:
    return tuple(sorted(words))


def one_slip(word: str, choices: frozenset[str]) -> str | None:
    """The choice one slip from ``word`` (a letter wrong, missing or extra, or two
    swapped), if exactly one is; None otherwise."""
    from rapidfuzz import process
    from rapidfuzz.distance import OSA

    near = process.extract(word, _sorted(choices), scorer=OSA.distance, score_cutoff=1, limit=2)
    return near[0][0] if len(near) == 1 else None
