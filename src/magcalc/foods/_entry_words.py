"""The words of food entries: units, measures, sizes, cut and form words, and words
that name no food.

:func:`classify` sorts the food part of an entry into the words that name the food, the
cut and form words that choose a portion ("cubed", "slivered"), the words that do
neither ("organic", "finely", "to taste") and the kinds given as examples ("such as
shoulder"); :func:`unit_at` reads the unit an amount starts with, mending a typo or two
swapped letters ("tablsepoons", "oucnes").
"""

from __future__ import annotations

import re
import unicodedata
from typing import Literal

from magcalc._util import shown, singular
from magcalc.errors import AmountError
from magcalc.units import MASS_UNITS, VOLUME_UNITS, expand_vulgar_fractions

__all__ = [
    "BEFORE_UNIT",
    "CONTAINERS",
    "FOOD_MEASURES",
    "FORM_WORDS",
    "IGNORED_WORDS",
    "MEASURE_OF",
    "MEASURE_WORDS",
    "QUALIFIERS_BEFORE_UNIT",
    "SIZE_WORDS",
    "UNSTANDARD_MEASURES",
    "WORD",
    "UnitKind",
    "before_with",
    "bracket_reading",
    "classify",
    "metric_volume",
    "name_part",
    "normalise_entry",
    "unit_at",
    "unswap",
]

UnitKind = Literal["mass", "volume", "measure", "count"]

# Sizes, as USDA's portions name them ("medium (7\" to 7-7/8\" long)", "1 large").
SIZE_WORDS = {
    "small": "small", "sm": "small", "medium": "medium", "med": "medium", "md": "medium",
    "large": "large", "lg": "large", "lrg": "large", "big": "large",
    "extra-large": "extra large", "xl": "extra large", "jumbo": "jumbo",
    "rectangular": "rectangular", "regular": "regular",
}  # fmt: skip
# Abbreviations of volume units that units.VOLUME_UNITS does not spell.
_MORE_VOLUMES = {"tb": "tablespoon", "tbsp.": "tablespoon", "tblsp": "tablespoon",
                 "tbl.": "tablespoon", "tsp.": "teaspoon", "c.": "cup"}  # fmt: skip
# Household measures that are not foods: the word after a number that counts them.
MEASURE_WORDS = frozenset(
    "slice piece pc pcs clove stick packet pkt package pkg can tin jar bottle container "
    "carton box bag serving portion handful bunch head stalk rib stem sprig leaf fillet filet "
    "strip link patty scoop bar square wedge ring spear floret sheet cube pat dollop glass "
    "mug bowl plate pinch dash drop knob shot jigger pouch envelope sachet tub rasher ear "
    "biscuit cracker round segment loaf bulb knuckle inch cm tablet cookie slab rack "
    "sandwich".split()
)
_MEASURE_ALIASES = {"pc": "piece", "pcs": "piece", "pkt": "packet", "pkg": "package",
                    "filet": "fillet", "tin": "can", "halves": "half", "leaves": "leaf",
                    "loaves": "loaf"}  # fmt: skip
# Measures of one food only: a rib is a stalk of celery (Merriam-Webster, "rib", 1c).
MEASURE_OF = {"rib": "celery"}
# Measures with no standard weight: an entry that uses one is refused with a reason.
UNSTANDARD_MEASURES = frozenset({"handful", "pinch", "dash", "drop", "knob", "dollop", "bunch"})
# Cut and form words: they choose a portion ("1 cup, chopped") and never block a match.
FORM_WORDS = frozenset(
    "chopped diced sliced cubed cube shredded grated slivered minced mashed halved "
    "quartered crumbled floret pureed puree julienned crushed flaked pieces piece strips "
    "strip rings ring wedges wedge spears spear whole ground packed heaping heaped level "
    "rounded thinly thickly shaved segments segment kernels kernel wholes halves "
    "blanched".split()
)
# Words that do not say which food it is: they are kept aside, never matched.
IGNORED_WORDS = frozenset(
    "organic fresh freshly homemade home-made ripe natural shelled about approximately "
    "approx roughly finely coarsely thinly thickly lightly well good quality best "
    "optional divided plus more extra additional such preferably like if needed "
    "desired taste garnish serving serve for to of at room temperature softened chilled "
    "cold warm cut into inch inches cm trimmed peeled seeded pitted deseeded rinsed washed "
    "scrubbed halved drained patted dry torn loosely firmly tightly or large small medium "
    "each approximately x bite-sized bite size sized pieces handful store-bought bought "
    "storebought local farm farmers market premium plain-old free-range cage-free "
    "grass-fed pasture-raised commercial very really nice melted softened beaten whisked "
    "cooled warmed cleaned wiped smashed cored deveined stemmed husked shucked picked "
    "separated removed reserved discarded defrosted thawed room-temperature lukewarm tepid "
    "unpeeled untrimmed boneless bone-in skin-on assorted lengthwise crosswise".split()
)
# Words before a unit that only say how full the measure is ("1 heaped tbsp").
BEFORE_UNIT = frozenset(
    "heaped heaping level rounded scant generous good big whole liquid dry".split()
)
# Words about how the food was grown or bought, which may stand between the amount and
# its unit ("2 organic large eggs", "100 organic g"): ignored there as anywhere.
QUALIFIERS_BEFORE_UNIT = frozenset(
    "organic fresh homemade home-made natural ripe free-range cage-free grass-fed "
    "pasture-raised store-bought local premium".split()
)
# Containers whose weight a label states per container ("2 (15-oz) cans").
CONTAINERS = frozenset(
    "can jar package packet bottle container carton box bag pouch tub envelope sachet".split()
)
# Words that keep their meaning as food words even though they are listed above when
# they stand inside a food name ("dry" wine, "plain" yogurt): only the clause markers
# below make them ignorable.
_CLAUSE_MARKERS = (
    "to taste", "for garnish", "for serving", "for the", "for dusting", "for frying",
    "such as", "at room temperature", "cut into", "plus more", "plus extra", "if needed",
    "as needed", "or more", "or to taste", "divided", "optional",
)  # fmt: skip
# Words that join others and name nothing.
_LINK_WORDS = frozenset("and with the of in on a an for from by at into".split())
# Words ending in "-ly" are mostly adverbs of how to cut or cook ("finely", "thinly");
# these name foods in USDA descriptions ("Jelly", "Pork, belly", "Prickly pears").
_LY_FOOD_WORDS = frozenset("jelly belly prickly bialy chantilly".split())


# Cut, form and ignorable words a swap of two letters is mended to ("chpoped").
_SWAPPABLE_WORDS = FORM_WORDS | IGNORED_WORDS | BEFORE_UNIT


def _adverb(word: str) -> bool:
    """Whether a word is an adverb ("finely chopped"), which names no food."""
    return word.endswith("ly") and len(word) > 4 and word not in _LY_FOOD_WORDS


# "whole wheat", "whole milk": there "whole" names the food, not a form.
_WHOLE_FOODS = frozenset("wheat milk grain grains meal wheat-meal-".split())
# What is taken off names no food ("stems removed", "shells reserved").
_TAKEN_OFF = re.compile(r"\b[a-z]+\s+(?:removed|discarded|reserved)\b")
# A word of an entry: letters and digits, with inner apostrophes, dots and hyphens.
WORD = re.compile(r"[a-z0-9]+(?:['’.-][a-z0-9]+)*")


def unit_at(words: list[str]) -> tuple[str | None, UnitKind | None, int]:
    """The unit that starts ``words`` (lower case): (unit, kind, words used)."""
    if not words:
        return None, None, 0
    two = " ".join(words[:2]).rstrip(".")
    if two in VOLUME_UNITS and " " in two:
        return VOLUME_UNITS[two], "volume", 2
    first = words[0]
    bare = first.rstrip(".")
    if first in ("T", "T."):
        return "tablespoon", "volume", 1
    if first in ("t", "t."):
        return "teaspoon", "volume", 1
    low = bare.lower()
    if low in MASS_UNITS and low != "mg":
        return MASS_UNITS[low], "mass", 1
    if low in VOLUME_UNITS and low not in ("t",):
        return VOLUME_UNITS[low], "volume", 1
    if first.lower() in _MORE_VOLUMES or low in _MORE_VOLUMES:
        return _MORE_VOLUMES.get(first.lower(), _MORE_VOLUMES.get(low)), "volume", 1
    word = _MEASURE_ALIASES.get(low, low)
    sing = singular(word)
    if sing in MEASURE_WORDS:
        return sing, "measure", 1
    fixed = _fuzzy_unit(low)
    if fixed is not None:
        return unit_at([fixed, *words[1:]])
    return None, None, 0


# Unit words long enough to correct a typo in ("tablsepoons", "oucnes"): spelled-out
# masses and volumes only, so that a food word ("spring") is never read as a measure.
_SPELLED_UNITS = sorted(
    {w for w in (*VOLUME_UNITS, *MASS_UNITS) if len(w) >= 5 and " " not in w and "." not in w}
)


def _fuzzy_unit(word: str) -> str | None:
    if len(word) < 5 or not word.isalpha():
        return None
    swapped = unswap(word, _SWAPPABLE_UNITS)
    if swapped is not None:
        return swapped
    from rapidfuzz import fuzz, process

    hit = process.extractOne(word, _SPELLED_UNITS, scorer=fuzz.ratio, score_cutoff=84)
    return None if hit is None else str(hit[0])


def unswap(word: str, vocabulary: frozenset[str]) -> str | None:
    """The word of ``vocabulary`` that ``word`` is with two neighbouring letters
    swapped back ("oucnes" -> "ounces", "chpoped" -> "chopped"), the commonest slip."""
    if len(word) < 5 or word in vocabulary:
        return None
    for k in range(len(word) - 1):
        mended = word[:k] + word[k + 1] + word[k] + word[k + 2 :]
        if mended in vocabulary:
            return mended
    return None


# Units and measures a swap of two letters is mended to: spelled-out units and the
# measures, singular and plural ("sahcets" -> "sachets").
_SWAPPABLE_UNITS = frozenset({*_SPELLED_UNITS, *MEASURE_WORDS, *(f"{w}s" for w in MEASURE_WORDS)})


def _is_food_word(word: str) -> bool:
    """Whether a word of an entry may name the food (not a form, ignored or link word)."""
    return not (
        sum(c.isalpha() for c in word) < 2
        or word in FORM_WORDS
        or (singular(word) in FORM_WORDS and word != "pieces")
        or word in IGNORED_WORDS
        or word in _LINK_WORDS
        or _adverb(word)
    )


# Measures that are foods themselves: alone, they are the food counted ("1 cookie").
FOOD_MEASURES = frozenset({"biscuit", "cookie", "cracker", "sandwich", "patty"})
# Brackets that say how to cook or where to look, not what the food is.
_ASIDE_OPENERS = frozenset(
    "see about optional or from also plus preferably if for to such use any do don't not no".split()
)


def bracket_reading(inner: str) -> str | None:
    """The text in brackets as another name of the food, or None: "dried peperoncino
    (hot red pepper flakes)" may be read as red pepper flakes when "peperoncino" names
    no food; "(see Notes)", "(about 2 cups)" and "(optional)" name none."""
    words = WORD.findall(inner.lower())
    if not words or words[0] in _ASIDE_OPENERS or any(c.isdigit() for c in inner):
        return None
    return inner if any(map(_is_food_word, words)) else None


_AMOUNT_NEXT = re.compile(r"\s*(?:\d|an?\b|one\b|some\b)", re.IGNORECASE)


def name_part(text: str) -> str:
    """The part of an entry's food text that names the food: before a comma ("egg
    yolk, beaten"), and before "with" ("tomatoes with green chiles") where that part
    names a food; all of "A or other B, C apples", whose commas part adjectives."""
    if re.search(r"\bor\s+other\b", text, re.IGNORECASE):
        return text.replace(",", " ")
    head = text.split(",")[0]
    before = before_with(head)
    return before if before != head and classify(before)[0] else head


def before_with(text: str) -> str:
    """A food name up to "with" ("tomatoes" of "tomatoes with green chiles"): English
    names the food before what it comes with. All of it where an amount follows "with"
    ("oatmeal with 1/2 cup milk" names another food with its own amount)."""
    found = re.search(r"\bwith\b", text, re.IGNORECASE)
    if found is None or _AMOUNT_NEXT.match(text[found.end() :]):
        return text
    return text[: found.start()]


def classify(text: str) -> tuple[list[str], list[str], list[str], list[str], list[str]]:
    """Food, form, ignored and example ("such as ...") words of the food part of an
    entry, and the texts of its other readings where it names alternatives."""
    low = text.lower()
    # Alternatives ("lard or peanut oil", "fig syrup or maple syrup"): the first-named
    # is read first; the others are kept as readings for the matcher to try when the
    # first names no food well.
    ignored: list[str] = []
    readings: list[str] = []
    examples: list[str] = []
    listed = re.search(r"\b(?:such as|including)\s+", low)
    either = listed and re.search(r"(?:,\s*|\s+)or\s+", low[listed.end() :])
    if listed and either:
        # "tomatoes such as heirloom, cherry, or grape": the list, to its last item, gives
        # kinds of the food, not other foods.
        tail = low[listed.end() :]
        comma = tail.find(",", either.end())
        end = len(tail) if comma < 0 else comma
        clause = WORD.findall(tail[:end])
        ignored.extend([*WORD.findall(listed.group(0)), *clause])
        examples.extend(w for w in clause if w not in _LINK_WORDS and w != "or")
        low = low[: listed.start()] + tail[end:]
    cut = re.search(r"(?:,\s*|\s+)or\s+", low)
    if cut and low[cut.end() :].startswith("other ") and WORD.findall(low[: cut.start()]):
        # "Jonagold or other sweet, crisp apples": the food is the other; the first, a kind.
        before = WORD.findall(low[: cut.start()])
        named = [w for w in before if _is_food_word(w)]
        ignored.extend([*named, "or", "other"])
        examples.extend(named)
        kept = " ".join(w for w in before if w not in named)
        low = kept + " " + low[cut.end() + len("other ") :].replace(",", " ")
        cut = None
    if cut and WORD.findall(low[: cut.start()]):
        first, rest = low[: cut.start()], low[cut.end() :]
        before, after = WORD.findall(first), WORD.findall(rest)
        named = [w for w in before if _is_food_word(w)]
        other = rest.split(",")[0]
        kinds = not named or (len(named) == 1 and before[-1] == named[0])
        if kinds and "," not in first and len(after) >= 2:
            # "nonfat or low-fat milk", "red or green grapes": two kinds of one food;
            # "fresh or frozen peas", "minced or chopped clams": two states of it (the
            # first names no food); else the word alone ("lard or peanut oil") or the
            # other option.
            ignored.append(after[0])
            low = " ".join(dict.fromkeys([*before, *after[1:]]))  # "fresh peas or frozen peas"
            if len(after) > 2:
                readings.append(" ".join([*before, after[-1]]))
            readings.extend([first, other])
        else:
            ignored.extend(after)
            # "Monterey Jack, Colby, or cheddar cheese": a list; its first item is read
            # first, with the parts that name no food ("garlic, minced, or ...").
            items = first.split(",")
            naming = [
                k for k, item in enumerate(items) if any(map(_is_food_word, WORD.findall(item)))
            ]
            keep = [item for k, item in enumerate(items) if k not in naming[1:]]
            ignored.extend(w for k in naming[1:] for w in WORD.findall(items[k]))
            low = ",".join(keep)
            readings.extend([*(items[k] for k in naming[1:]), other])
    extra = re.search(r"\bplus\s+(?:\d|an?\b|one\b|some\b)", low)
    if extra:
        # "eggs, beaten, plus 2 egg yolks for glazing": what follows is another food.
        ignored.extend(WORD.findall(low[extra.start() :]))
        low = low[: extra.start()]
    for marker in _CLAUSE_MARKERS:
        at = low.find(marker)
        if at > 0 or (at == 0 and marker in ("optional", "divided")):
            # The clause runs to the next comma; how to cut it runs to the end.
            end = low.find(",", at) if marker != "cut into" else -1
            end = len(low) if end < 0 else end
            clause = WORD.findall(low[at:end])
            ignored.extend(clause)
            if marker == "such as":
                # "lamb, such as shoulder": the kind meant, if the table has it.
                examples.extend(w for w in clause[2:] if w not in _LINK_WORDS)
            low = low[:at] + low[end:]
    # "stems removed", "shells reserved": what is taken off names no food.
    for gone in _TAKEN_OFF.finditer(low):
        ignored.extend(gone.group(0).split())
    low = _TAKEN_OFF.sub(" ", low)
    food: list[str] = []
    form: list[str] = []
    low = re.sub(r"(\d+(?:\.\d+)?)\s*%", r" \1pct ", low)
    low = re.sub(r"\bskin\s+on\b", "skin-on", low)  # "fillets, skin on": how it is sold
    found = [unswap(w, _SWAPPABLE_WORDS) or w for w in WORD.findall(low)]
    for k, word in enumerate(found):
        if word == "whole" and k + 1 < len(found) and found[k + 1] in _WHOLE_FOODS:
            food.append(word)  # whole wheat, whole milk: a food, not a form
        elif word.endswith("pct") and word[:-3].replace(".", "").isdigit():
            food.append(word[:-3])  # "2%" milk: the fat content names the food
        elif sum(c.isalpha() for c in word) < 2:
            ignored.append(word)  # a bare number or a lone letter names no food
        elif word in FORM_WORDS or (singular(word) in FORM_WORDS and word not in ("pieces",)):
            form.append(word)
        elif word in IGNORED_WORDS or word in _LINK_WORDS or _adverb(word):
            ignored.append(word)
        else:
            food.append(word)
    return food, form, ignored, examples, readings


_DIGIT_LETTER = re.compile(r"(\d)([a-zA-Z])")
_LOST_SLASH = re.compile(r"(?<![\d?])(\d)\?(\d{1,2})(?![\d?])")
_HYPHEN_UNIT = re.compile(
    r"(\d)-(pounds?|ounces?|oz|lbs?|kg|g|grams?|inch(?:es)?|cm)\b", re.IGNORECASE
)
_UNIT_SLASH = re.compile(r"([a-zA-Z.])\s*/\s*(\d)")
_DECIMAL_COMMA = re.compile(r"(?<![\d,])(\d+),(\d{1,2})(?![\d,])")
_THOUSANDS = re.compile(r"(?<!\d)(\d{1,3}),(\d{3})(?!\d)")


def normalise_entry(text: str) -> str:
    """An entry as the parser reads it: plain digits (else AmountError), fractions
    expanded, accents folded, "1,5" as 1.5 and "110g" as "110 g"."""
    for ch in text:
        category = unicodedata.category(ch)
        if ch.isascii() or category not in ("No", "Nd"):
            continue
        if category == "No" and unicodedata.name(ch, "").startswith("VULGAR FRACTION"):
            continue  # ½, ¾: fractions people write
        if category == "Nd" and unicodedata.normalize("NFKC", ch).isascii():
            continue  # fullwidth digits are digits
        # Superscripts, subscripts, circled and other scripts' digits are not amounts.
        name = unicodedata.name(ch, "a non-ASCII digit")
        raise AmountError(
            f"entry {shown(text)} has the character {ch!r} ({name}), which is not a "
            "plain digit; write numbers with 0-9 (fractions such as ½ are fine)"
        )
    cleaned = unicodedata.normalize("NFKC", expand_vulgar_fractions(text))
    cleaned = cleaned.replace("\u00a0", " ").replace("–", "-").replace("—", "-")
    cleaned = cleaned.replace("’", "'").replace("~", " ")
    if not cleaned.isascii():
        # "crème fraîche", "jalapeño": the letters without their accents, as USDA writes them.
        cleaned = "".join(
            c for c in unicodedata.normalize("NFKD", cleaned) if not unicodedata.combining(c)
        )
    # "1?4 cup": a fraction slash lost to a text encoding (U+2044 became "?").
    cleaned = _LOST_SLASH.sub(r"\1/\2", cleaned)
    cleaned = _THOUSANDS.sub(r"\1\2", cleaned)
    cleaned = _DECIMAL_COMMA.sub(r"\1.\2", cleaned)  # "1,5 cups" is 1.5 cups
    cleaned = _HYPHEN_UNIT.sub(r"\1 \2", cleaned)  # "3-pound chicken" -> "3 pound chicken"
    cleaned = _DIGIT_LETTER.sub(r"\1 \2", cleaned)  # "110g" -> "110 g"
    cleaned = _UNIT_SLASH.sub(r"\1 / \2", cleaned)  # "110 g/4 oz" -> "110 g / 4 oz"
    return " ".join(cleaned.split())


_METRIC_VOLUME = re.compile(
    r"^\s*(\d+(?:\.\d+)?)\s*(ml|millilit(?:er|re)s?|l|lit(?:er|re)s?)\.?\s*$", re.IGNORECASE
)


def metric_volume(text: str) -> float | None:
    """The volume [mL] that a text such as "125 mL" or "1 L" states, or None."""
    found = _METRIC_VOLUME.match(text)
    if found is None:
        return None
    value = float(found.group(1))
    return value if found.group(2).lower().startswith("m") else 1000.0 * value
