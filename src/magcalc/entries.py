"""Food entries as people write them: "½ avocado, cubed", "2 eggs scrambled".

:func:`parse_entry` reads a whole entry into its amount (a number or a range, a
unit, a size, grams stated in brackets) and its words: the words that say which
food it is, the cut and form words that choose a portion ("cubed", "slivered",
"shredded") and the words that do neither ("organic", "fresh", "finely",
"to taste"). It knows no food: :func:`magcalc.serving` matches the food words
against the bundled USDA table and the amount against that food's portions.
:func:`parse_entries` splits a line that names several foods ("2 eggs and a
slice of toast").

The parser is deliberately literal: a character it cannot read exactly
(a superscript digit, a number it cannot place) is an error, never a guess.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Literal

from pydantic import BaseModel, ConfigDict

from magcalc.errors import AmountError
from magcalc.units import (
    MASS_UNITS,
    VOLUME_UNITS,
    Amount,
    _expand_vulgar_fractions,
    _shorten,
)

__all__ = ["Entry", "parse_entries", "parse_entry"]

UnitKind = Literal["mass", "volume", "measure", "count"]

# Longer text is cut before it is read: no food entry needs more, and hostile input
# then costs no more than a normal one.
MAX_ENTRY_CHARS = 300

# Words for how many, as people write them.
_WORD_NUMBERS = {
    "a": 1.0, "an": 1.0, "one": 1.0, "two": 2.0, "three": 3.0, "four": 4.0, "five": 5.0,
    "six": 6.0, "seven": 7.0, "eight": 8.0, "nine": 9.0, "ten": 10.0, "eleven": 11.0,
    "twelve": 12.0, "dozen": 12.0, "half": 0.5, "quarter": 0.25, "couple": 2.0,
}  # fmt: skip
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
_MEASURE_OF = {"rib": "celery"}
# Measures with no standard weight: an entry that uses one is refused with a reason.
UNSTANDARD_MEASURES = frozenset({"handful", "pinch", "dash", "drop", "knob", "dollop", "bunch"})
# Cut and form words: they choose a portion ("1 cup, chopped") and never block a match.
FORM_WORDS = frozenset(
    "chopped diced sliced cubed cube shredded grated slivered minced mashed halved "
    "quartered crumbled floret pureed puree julienned crushed flaked pieces piece strips "
    "strip rings ring wedges wedge spears spear whole ground packed heaping heaped level "
    "rounded thinly thickly shaved segments segment kernels kernel wholes halves".split()
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
    "unpeeled untrimmed".split()
)
# Words before a unit that only say how full the measure is ("1 heaped tbsp").
_BEFORE_UNIT = frozenset(
    "heaped heaping level rounded scant generous good big whole liquid dry".split()
)
# Words about how the food was grown or bought, which may stand between the amount and
# its unit ("2 organic large eggs", "100 organic g"): ignored there as anywhere.
_QUALIFIERS_BEFORE_UNIT = frozenset(
    "organic fresh homemade home-made natural ripe free-range cage-free grass-fed "
    "pasture-raised store-bought local premium".split()
)
# Containers whose weight a label states per container ("2 (15-oz) cans").
_CONTAINERS = frozenset(
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
_APPROX = re.compile(
    r"^\s*(?:about|approximately|approx\.?|around|roughly|scant|generous|heaping|heaped|"
    r"good|a good|a scant|a generous|some)\s+(?=[\d½¼¾⅓⅔⅛a-z])",
    re.IGNORECASE,
)
_SIZED = re.compile(r"\b(small|medium|large)[- ]sized?\b", re.IGNORECASE)
# Words that join others and name nothing.
_LINK_WORDS = frozenset("and with the of in on a an for from by at into".split())
# Words ending in "-ly" are mostly adverbs of how to cut or cook ("finely", "thinly");
# these name foods in USDA descriptions ("Jelly", "Pork, belly", "Prickly pears").
_LY_FOOD_WORDS = frozenset("jelly belly prickly bialy chantilly".split())


# Cut, form and ignorable words a swap of two letters is mended to ("chpoped").
_SWAPPABLE_WORDS = FORM_WORDS | IGNORED_WORDS | _BEFORE_UNIT


def _adverb(word: str) -> bool:
    """Whether a word is an adverb ("finely chopped"), which names no food."""
    return word.endswith("ly") and len(word) > 4 and word not in _LY_FOOD_WORDS


_WHOLE_FOODS = frozenset("wheat milk grain grains meal wheat-meal-".split())
_JOINERS = re.compile(r"\s*(?:,|;|\+|&|\band\b|\bwith\b|\bplus\b)\s*", re.IGNORECASE)

_NUM = r"(?:\d+\s+\d+/\d+|\d+/\d+|\d+(?:\.\d+)?|\.\d+)"
_QUANTITY = re.compile(
    rf"^\s*(?P<a>{_NUM})(?:\s*(?:-|to|or)\s*(?P<b>{_NUM}))?(?![\d/])\s*", re.IGNORECASE
)
_WORDS_QUANTITY = re.compile(
    r"^\s*(?:(?P<w>a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
    r"half|a\s+half|a\s+quarter|quarter|a\s+couple(?:\s+of)?|couple(?:\s+of)?|a\s+dozen|"
    r"dozen)(?=\s))\s*",
    re.IGNORECASE,
)
_TAKEN_OFF = re.compile(r"\b[a-z]+\s+(?:removed|discarded|reserved)\b")
_JUICE_OF = re.compile(r"^\s*(?:the\s+)?juice\s+(?:of|from)\s+(.+)$", re.IGNORECASE)
_TIMES_MASS = re.compile(
    rf"^\s*[x×*]\s*(?P<n>{_NUM})(?:\s*-\s*(?P<m>{_NUM}))?\s*(?P<u>kg|g|oz|lb)\b"
    r"(?:\s*/\s*[\d.½¼¾-]+\s*[a-z]+)?",
    re.IGNORECASE,
)
# "Four 3-pound slabs", "One 14-ounce jar": the weight of each.
_EACH_MASS = re.compile(
    rf"^\s*(?P<n>{_NUM})(?:\s*-\s*(?P<m>{_NUM}))?[\s-]*(?P<u>pounds?|ounces?|oz|lbs?|kg|g)\b"
    r"(?=\s+[a-z])",
    re.IGNORECASE,
)
_METRIC_ECHO = re.compile(r"\b\d+(?:\.\d+)?\s*(?:ml|l|g|kg|oz|cl|dl)\b", re.IGNORECASE)
_DIMENSION = re.compile(
    rf"(?:{_NUM}\s*(?:-|to)\s*)?{_NUM}\s*-?\s*(?:inch(?:es)?|in\b|cm|mm)\b"
    r"(?:[\s-]+(?:thick|thin|long|wide|pieces?|cubes?|chunks?|dice|slices?|wedges?|rounds?|"
    r"strips?|lengths?|sticks?|in diameter|diameter))?",
    re.IGNORECASE,
)
_BABY = re.compile(r"\bbaby\b(?!\s+(?:food|formula|cereal))", re.IGNORECASE)
_PLUS = re.compile(rf"^\s*plus\s+({_NUM})\s+", re.IGNORECASE)
_PAREN = re.compile(r"\(([^()]*)\)")
_MASS_AMOUNT = re.compile(
    rf"(?P<n>{_NUM})(?:\s*(?:-|to)\s*(?P<m>{_NUM}))?\s*-?\s*(?P<u>kg|kgs|g|gm|gms|grams?|"
    r"grammes?|oz|ounces?|lbs?|pounds?|mg)\b(?!\s*/\s*\d)(?P<each>\s+each)?",
    re.IGNORECASE,
)
_ALT_AMOUNT = re.compile(
    rf"^\s*/\s*(?:{_NUM}\s*(?:-|to)\s*)?{_NUM}\s*(?:fl\.?\s*oz|fluid\s+ounces?|[a-z]+)\.?",
    re.IGNORECASE,
)
_DIGIT_LETTER = re.compile(r"(\d)([a-zA-Z])")
_LOST_SLASH = re.compile(r"(?<![\d?])(\d)\?(\d{1,2})(?![\d?])")
_HYPHEN_UNIT = re.compile(
    r"(\d)-(pounds?|ounces?|oz|lbs?|kg|g|grams?|inch(?:es)?|cm)\b", re.IGNORECASE
)
_UNIT_SLASH = re.compile(r"([a-zA-Z.])\s*/\s*(\d)")
_DECIMAL_COMMA = re.compile(r"(?<![\d,])(\d+),(\d{1,2})(?![\d,])")
_THOUSANDS = re.compile(r"(?<!\d)(\d{1,3}),(\d{3})(?!\d)")
_WORD = re.compile(r"[a-z0-9]+(?:['’.-][a-z0-9]+)*")


class Entry(BaseModel):
    """
    A food entry read into its parts.

    Attributes
    ----------
    text : str
        The entry as given.
    quantity : float or None
        How many (the midpoint of a range); None when the entry gives no amount.
    quantity_range : tuple of float or None
        ``(low, high)`` when a range was written ("1-2 cups").
    unit : str or None
        The unit: a pint unit name for masses and volumes ("gram", "cup"), the measure
        word for household measures ("slice", "packet"), None for a bare count.
    unit_kind : {'mass', 'volume', 'measure', 'count'} or None
        None when there is no amount.
    size : str or None
        "small", "medium", "large", ... when written.
    stated_grams : float or None
        Grams the entry states for the whole amount ("1 serving (28 g)", "2 (15-oz)
        cans" -> 850.5) [g]; they win over the household measure.
    food_words : tuple of str
        The words that name the food.
    form_words : tuple of str
        Cut and form words ("cubed", "slivered"): they choose a portion.
    example_words : tuple of str
        The kinds an entry gives as examples ("shoulder" in "lamb, such as shoulder"):
        they may narrow the match but are not required. Also in `ignored_words`.
    readings : tuple of tuple of str
        Other food words the entry may mean when it names alternatives, in the order
        to try: for "lard or peanut oil", ``("lard",)`` then ``("peanut", "oil")``
        (`food_words` holds the first reading, "lard oil", two kinds of one food).
    ignored_words : tuple of str
        Words that neither name the food nor choose a portion ("organic", "finely").
    head_words : tuple of str
        The food words before the first comma ("garlic" in "garlic, smashed"): the
        name alone, tried when the whole food text matches poorly.
    notes : tuple of str
        What the reader decided, e.g. that a range was read as its midpoint.

    Examples
    --------
    >>> e = parse_entry("½ avocado, cubed")
    >>> e.quantity, e.unit_kind, e.food, e.form_words
    (0.5, 'count', 'avocado', ('cubed',))
    >>> parse_entry("1 serving (28 g) shelled edamame").stated_grams
    28.0
    """

    model_config = ConfigDict(frozen=True)

    text: str
    quantity: float | None = None
    quantity_range: tuple[float, float] | None = None
    unit: str | None = None
    unit_kind: UnitKind | None = None
    size: str | None = None
    stated_grams: float | None = None
    food_words: tuple[str, ...] = ()
    form_words: tuple[str, ...] = ()
    example_words: tuple[str, ...] = ()
    readings: tuple[tuple[str, ...], ...] = ()
    ignored_words: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    head_words: tuple[str, ...] = ()

    @property
    def food(self) -> str:
        """The food words as one query."""
        return " ".join(self.food_words)

    @property
    def has_amount(self) -> bool:
        """Whether the entry says how much."""
        return self.quantity is not None or self.stated_grams is not None

    def amount(self) -> Amount | None:
        """
        The amount as a :class:`magcalc.units.Amount` (the form words as its qualifier),
        or None when the entry gives none. A bare count becomes the measure ``""``, which
        :func:`magcalc.serving` reads as the food's default unit.
        """
        text = self.amount_text
        if self.stated_grams is not None:
            return Amount(self.stated_grams, "gram", "mass", "", text)
        if self.quantity is None or self.unit_kind is None:
            return None
        qualifier = " ".join(self.form_words)
        if self.unit_kind in ("mass", "volume"):
            assert self.unit is not None
            return Amount(self.quantity, self.unit, self.unit_kind, qualifier, text)
        unit = self.unit or ""
        if self.size is not None:
            unit = f"{self.size} {unit}".strip()
        return Amount(self.quantity, unit, "measure", qualifier, text)

    @property
    def amount_text(self) -> str:
        """The amount as it will be shown, e.g. ``"1/2 cup"`` or ``"2 (count)"``."""
        if self.quantity is None:
            return f"{self.stated_grams:g} g" if self.stated_grams is not None else ""
        number = (
            f"{self.quantity_range[0]:g}-{self.quantity_range[1]:g}"
            if self.quantity_range
            else f"{self.quantity:g}"
        )
        unit = " ".join(p for p in (self.size, self.unit) if p)
        if self.unit_kind == "count" and not unit:
            unit = "(count)"
        text = f"{number} {unit}".strip()
        if self.stated_grams is not None:
            text += f" ({self.stated_grams:g} g)"
        return text


def _normalise(text: str) -> str:
    for ch in text:
        category = unicodedata.category(ch)
        if ch.isascii() or category not in ("No", "Nd"):
            continue
        if category == "No" and unicodedata.name(ch, "").startswith("VULGAR FRACTION"):
            continue  # ½, ¾: fractions people write
        if category == "Nd" and unicodedata.normalize("NFKC", ch).isascii():
            continue  # fullwidth digits are digits
        if True:
            # Superscripts, subscripts, circled and other scripts' digits are not amounts.
            name = unicodedata.name(ch, "a non-ASCII digit")
            raise AmountError(
                f"entry {_shorten(text)} has the character {ch!r} ({name}), which is not a "
                "plain digit; write numbers with 0-9 (fractions such as ½ are fine)"
            )
    cleaned = unicodedata.normalize("NFKC", _expand_vulgar_fractions(text))
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


def _number(text: str) -> float:
    text = text.strip()
    if " " in text:
        whole, frac = text.split()
        return int(whole) + _number(frac)
    if "/" in text:
        num, den = text.split("/")
        if int(den) == 0:
            raise AmountError(f"the fraction {text!r} divides by zero")
        return int(num) / int(den)
    return float(text)


def _mass_grams(value: float, unit: str) -> float:
    from magcalc.units import unit_factor

    return value * unit_factor(MASS_UNITS[unit.lower()])


def _unit_at(words: list[str]) -> tuple[str | None, UnitKind | None, int]:
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
    sing = _singular(word)
    if sing in MEASURE_WORDS:
        return sing, "measure", 1
    fixed = _fuzzy_unit(low)
    if fixed is not None:
        return _unit_at([fixed, *words[1:]])
    return None, None, 0


# Unit words long enough to correct a typo in ("tablsepoons", "oucnes"): spelled-out
# masses and volumes only, so that a food word ("spring") is never read as a measure.
_SPELLED_UNITS = sorted(
    {w for w in (*VOLUME_UNITS, *MASS_UNITS) if len(w) >= 5 and " " not in w and "." not in w}
)


def _fuzzy_unit(word: str) -> str | None:
    if len(word) < 5 or not word.isalpha():
        return None
    swapped = _unswap(word, _SWAPPABLE_UNITS)
    if swapped is not None:
        return swapped
    from rapidfuzz import fuzz, process

    hit = process.extractOne(word, _SPELLED_UNITS, scorer=fuzz.ratio, score_cutoff=84)
    return None if hit is None else str(hit[0])


def _unswap(word: str, vocabulary: frozenset[str]) -> str | None:
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


def _singular(word: str) -> str:
    from magcalc._search import singular

    return singular(word)


def _leading_quantity(text: str) -> tuple[float | None, tuple[float, float] | None, str]:
    match = _QUANTITY.match(text)
    if match:
        low = _number(match.group("a"))
        if match.group("b") is not None:
            high = _number(match.group("b"))
            return (low + high) / 2, (low, high), text[match.end() :]
        rest = text[match.end() :]
        # "1 1/2" is handled by _NUM; "2 x 100 g" multiplies.
        return low, None, rest
    match = _WORDS_QUANTITY.match(text)
    if match and re.match(r"(?:and|&|or)\b", text[match.end() :], re.IGNORECASE):
        match = None  # "half and half" is a food (cream), not half of something
    if match:
        word = " ".join(match.group("w").lower().split())
        word = word.removesuffix(" of").removeprefix("a ").strip()
        value = _WORD_NUMBERS[word]
        rest = text[match.end() :]
        if word in ("half", "quarter"):
            rest = re.sub(r"^(?:an?|of an?|of)\s+", "", rest, flags=re.IGNORECASE)
        if word in ("a", "an", "one") or word == "dozen":
            # "a half cup", "a dozen eggs"
            more = _WORDS_QUANTITY.match(rest)
            if more and more.group("w").lower() in ("half", "quarter", "dozen"):
                value *= _WORD_NUMBERS[more.group("w").lower()]
                rest = rest[more.end() :]
        return value, None, rest
    return None, None, text


def parse_entry(text: str) -> Entry:
    """
    Read one food entry into its amount and its words.

    Parameters
    ----------
    text : str
        An entry as people write it: "2 slices of whole wheat toast", "½ avocado,
        cubed", "1 serving (28 g) shelled edamame", "3oz grilled salmon",
        "almonds, 1 oz", "1-2 cups milk", "1,5 cups oats".

    Returns
    -------
    Entry
        Amount (number or range, unit, size, grams stated in brackets) and the food,
        form and ignored words. A range is read as its midpoint (said in ``notes``).

    Raises
    ------
    AmountError
        Empty text, a character that is not a plain digit (superscripts, circled
        digits) or a fraction that divides by zero.

    Examples
    --------
    >>> e = parse_entry("2 slices of whole wheat toast")
    >>> e.quantity, e.unit, e.food
    (2.0, 'slice', 'whole wheat toast')
    >>> parse_entry("1-2 cups milk").quantity
    1.5
    >>> parse_entry("3oz grilled salmon").unit
    'ounce'
    """
    if not isinstance(text, str):
        raise AmountError(f"a food entry must be text, not {type(text).__name__}")
    notes: list[str] = []
    original = text
    if len(text) > MAX_ENTRY_CHARS:
        text = text[:MAX_ENTRY_CHARS]
        notes.append(f"only the first {MAX_ENTRY_CHARS} characters were read")
    work = _normalise(text)
    if not work:
        raise AmountError("the food entry is empty; write e.g. '1 cup milk' or '2 eggs'")
    ignored: list[str] = []
    form: list[str] = []
    stated: float | None = None
    each_grams: float | None = None
    # Brackets: a mass there is the weight of what was counted ("1 serving (28 g)");
    # anything else in them describes the food and is set aside.
    # "4 (8-ounce) swordfish steaks": a weight in brackets right after the count is
    # that of each piece.
    after_count = re.match(rf"^\s*{_NUM}\s*\(", work) is not None
    for inner in _PAREN.findall(work):
        mass = _MASS_AMOUNT.search(inner)
        if mass and stated is None and each_grams is None:
            grams = _mass_grams(_mass_value(mass), mass.group("u"))
            if (
                mass.group("each")
                or re.search(r"\beach\b", inner, re.IGNORECASE)
                or (after_count and not _starts_with_container(work))
            ):
                each_grams = grams
            else:
                stated = grams
            continue
        ignored.extend(_WORD.findall(inner.lower()))
    work = " ".join(_PAREN.sub(" ", work).split())

    juice = _JUICE_OF.match(work)
    if juice:
        # "Juice of 2 limes": FNDDS portions "Juice of 1 lime (2\" dia)".
        inner = parse_entry(juice.group(1))
        if inner.quantity is not None and inner.food_words:
            return inner.model_copy(
                update={
                    "text": original,
                    "unit": "juice",
                    "unit_kind": "measure",
                    "food_words": (*inner.food_words, "juice"),
                }
            )
    lead = _APPROX.match(work)
    if lead:
        ignored.extend(lead.group(0).lower().split())
        work = work[lead.end() :]
    work = _SIZED.sub(r"\1", work)
    quantity, qrange, rest = _leading_quantity(work)
    trailing = False
    if quantity is None:
        # "almonds, 1 oz" / "Pumpkin seeds, roasted, 1 oz": the amount at the end.
        head, sep, tail = work.rpartition(",")
        tq, tr, trest = _leading_quantity(tail)
        if sep and tq is not None:
            quantity, qrange, rest, trailing = tq, tr, trest, True
            work_food = head
        else:
            work_food = work
    if qrange is not None:
        notes.append(f"the range {qrange[0]:g}-{qrange[1]:g} is read as its midpoint {quantity:g}")
    unit: str | None = None
    kind: UnitKind | None = None
    size: str | None = None
    if quantity is not None:
        rest = rest.lstrip()
        times = _TIMES_MASS.match(rest) or _EACH_MASS.match(rest)
        if times and stated is None:
            # "6 x 160-180g/5-6oz lamb rumps": six pieces of that weight each.
            each_grams = _mass_grams(_mass_value(times), times.group("u"))
            rest = rest[times.end() :]
        if rest[:1] in ("x", "×", "*") and rest[1:2] == " ":
            rest = rest[2:]
        words = rest.split()
        while words and words[0].lower() in _BEFORE_UNIT | _QUALIFIERS_BEFORE_UNIT:
            word = words.pop(0).lower()
            (form if word == "whole" else ignored).append(word)
        if words and words[0].lower().rstrip(".,") in SIZE_WORDS:
            size = SIZE_WORDS[words.pop(0).lower().rstrip(".,")]
        unit, kind, used = _unit_at([w.rstrip(",") for w in words])
        if used and words[used - 1].endswith(","):
            words[used - 1] = words[used - 1].rstrip(",")
        words = words[used:]
        # "2 tablespoons plus 2 teaspoons": volumes (or masses) add up.
        plus = _PLUS.match(" ".join(words))
        if plus and kind in ("volume", "mass") and unit is not None:
            more_words = " ".join(words)[plus.end() :].split()
            unit2, kind2, used2 = _unit_at(more_words)
            if kind2 == kind and unit2 is not None:
                from magcalc.units import unit_factor

                extra = _number(plus.group(1)) * unit_factor(unit2) / unit_factor(unit)
                quantity += extra
                notes.append(f"the amounts after 'plus' are added: {quantity:.4g} {unit}")
                words = more_words[used2:]
        # A second amount in other units ("110 g / 4 oz"): the first one counts.
        alt = _ALT_AMOUNT.match(" ".join(words))
        while alt:
            words = " ".join(words)[alt.end() :].split()
            alt = _ALT_AMOUNT.match(" ".join(words))
        if kind in ("volume", "mass") and len(words) > 1 and words[1].lower() == "of":
            # "350 ml bottle of beer": the container adds nothing to the amount.
            container = _singular(words[0].lower())
            if container in _CONTAINERS or container in MEASURE_WORDS:
                ignored.extend([container, "of"])
                words = words[2:]
        if unit is None and words and words[0].lower().rstrip(".,") in SIZE_WORDS:
            size = SIZE_WORDS[words.pop(0).lower().rstrip(".,")]
            unit, kind, used = _unit_at(words)
            words = words[used:]
        if kind is None:
            kind = "count"
        if words and words[0].lower() == "of":
            words = words[1:]
        food_text = " ".join(words) if not trailing else work_food
        if trailing:
            ignored.extend(w.lower() for w in words)
    else:
        food_text = work
    if each_grams is not None and quantity is not None:
        stated = each_grams * quantity
        notes.append(f"{quantity:g} x {each_grams:g} g each")
    if stated is not None:
        notes.append(f"the stated weight {stated:g} g is used")
    # Trailing "about 4 oz each" / ", 4 oz each": a weight per counted piece.
    each = re.search(
        rf",?\s*(?:about\s+|approx\.?\s+|approximately\s+)?({_NUM})\s*-?\s*(kg|g|grams?|oz|"
        r"ounces?|lbs?|pounds?)\s+each\b",
        food_text,
        re.IGNORECASE,
    )
    if each and stated is None and quantity is not None:
        stated = quantity * _mass_grams(_number(each.group(1)), each.group(2))
        notes.append(f"{quantity:g} x {each.group(1)} {each.group(2)} each")
        food_text = food_text[: each.start()] + food_text[each.end() :]
    if (
        stated is not None
        and quantity is not None
        and quantity != 1
        and kind == "measure"
        and unit in _CONTAINERS
        and not notes_each(notes)
    ):
        # "2 (15-ounce) cans": the weight in brackets is that of one container.
        stated *= quantity
        notes.append(f"{quantity:g} x the stated weight of one {unit}")
    # Sizes of the cut ("cut into 1-inch cubes", "¾ to 1 inch thick") say nothing of the food.
    dims = _DIMENSION.findall(food_text)
    if dims:
        ignored.extend(w.lower() for d in dims for w in _WORD.findall(d.lower()))
        food_text = _DIMENSION.sub(" ", food_text)
    # "baby spinach", "baby carrots": young vegetables, not baby food.
    if _BABY.search(food_text):
        ignored.append("baby")
        food_text = _BABY.sub(" ", food_text)
    # A metric amount repeated after the food ("1 tsp ground cumin 5 mL") says nothing new.
    echo = _METRIC_ECHO.findall(food_text)
    if echo and quantity is not None:
        ignored.extend(w.lower() for e in echo for w in e.split())
        food_text = _METRIC_ECHO.sub(" ", food_text)
    food_words, more_form, more_ignored, examples, reading_texts = _classify(food_text)
    readings: list[tuple[str, ...]] = []
    for reading in reading_texts:
        option = tuple(_classify(reading)[0])
        if option and option != tuple(food_words) and option not in readings:
            readings.append(option)
    form.extend(more_form)
    ignored.extend(more_ignored)
    if kind == "count" and unit is None and len(food_words) > 1:
        # "3 garlic cloves", "2 celery stalks": the measure stands after the food, in
        # its name ("2 pears, cut into thin slices" counts pears, not slices).
        in_name = len(_classify(food_text.split(",")[0])[0])
        for k, word in enumerate(food_words[:in_name]):
            found_unit, found_kind, _ = _unit_at([word])
            only = _MEASURE_OF.get(found_unit or "")
            if only is not None and (k == 0 or food_words[k - 1] != only):
                continue  # "pork spare ribs" are ribs; "celery ribs" are stalks
            if found_kind == "measure" and found_unit not in ("biscuit", "cookie", "cracker",
                                                                  "sandwich"):  # fmt: skip
                unit, kind = found_unit, "measure"
                food_words = food_words[:k] + food_words[k + 1 :]
                break
    head_text = food_text.split(",")[0]
    name_words = [w for w in _classify(head_text)[0] if w in food_words]
    return Entry(
        text=original,
        quantity=quantity,
        quantity_range=qrange,
        unit=unit,
        unit_kind=kind,
        size=size,
        stated_grams=stated,
        food_words=tuple(food_words),
        head_words=tuple(name_words) if len(name_words) < len(food_words) else (),
        form_words=tuple(form),
        example_words=tuple(examples),
        readings=tuple(readings),
        ignored_words=tuple(dict.fromkeys(w for w in ignored if w)),
        notes=tuple(notes),
    )


def _starts_with_container(text: str) -> bool:
    """Whether a container follows the bracket ("2 (15-oz) cans"): its own rule applies."""
    after = _PAREN.sub(" ", text, count=1)
    words = _leading_quantity(after)[2].split()
    return bool(words) and _singular(words[0].lower().rstrip(".,")) in _CONTAINERS


def notes_each(notes: list[str]) -> bool:
    return any(" each" in n for n in notes)


def _mass_value(match: re.Match[str]) -> float:
    low = _number(match.group("n"))
    if match.group("m"):
        return (low + _number(match.group("m"))) / 2
    return low


def _is_food_word(word: str) -> bool:
    """Whether a word of an entry may name the food (not a form, ignored or link word)."""
    return not (
        sum(c.isalpha() for c in word) < 2
        or word in FORM_WORDS
        or (_singular(word) in FORM_WORDS and word != "pieces")
        or word in IGNORED_WORDS
        or word in _LINK_WORDS
        or _adverb(word)
    )


def _classify(text: str) -> tuple[list[str], list[str], list[str], list[str], list[str]]:
    """Food, form, ignored and example ("such as ...") words of the food part of an
    entry, and the texts of its other readings where it names alternatives."""
    low = text.lower()
    # Alternatives ("lard or peanut oil", "fig syrup or maple syrup"): the first-named
    # is read first; the others are kept as readings for the matcher to try when the
    # first names no food well.
    ignored: list[str] = []
    readings: list[str] = []
    cut = re.search(r"(?:,\s*|\s+)or\s+", low)
    if cut and _WORD.findall(low[: cut.start()]):
        first, rest = low[: cut.start()], low[cut.end() :]
        before, after = _WORD.findall(first), _WORD.findall(rest)
        named = [w for w in before if _is_food_word(w)]
        other = rest.split(",")[0]
        if len(named) == 1 and before[-1] == named[0] and "," not in first and len(after) >= 2:
            # "nonfat or low-fat milk", "red or green grapes": two kinds of one food;
            # else the word alone ("lard or peanut oil") or the other option.
            ignored.append(after[0])
            low = " ".join([*before, *after[1:]])
            if len(after) > 2:
                readings.append(" ".join([*before, after[-1]]))
            readings.extend([first, other])
        else:
            ignored.extend(after)
            # "Monterey Jack, Colby, or cheddar cheese": a list; its first item is read
            # first, with the parts that name no food ("garlic, minced, or ...").
            items = first.split(",")
            naming = [
                k for k, item in enumerate(items) if any(map(_is_food_word, _WORD.findall(item)))
            ]
            keep = [item for k, item in enumerate(items) if k not in naming[1:]]
            ignored.extend(w for k in naming[1:] for w in _WORD.findall(items[k]))
            low = ",".join(keep)
            readings.extend([*(items[k] for k in naming[1:]), other])
    extra = re.search(r"\bplus\s+(?:\d|an?\b|one\b|some\b)", low)
    if extra:
        # "eggs, beaten, plus 2 egg yolks for glazing": what follows is another food.
        ignored.extend(_WORD.findall(low[extra.start() :]))
        low = low[: extra.start()]
    examples: list[str] = []
    for marker in _CLAUSE_MARKERS:
        at = low.find(marker)
        if at > 0 or (at == 0 and marker in ("optional", "divided")):
            # The clause runs to the next comma; how to cut it runs to the end.
            end = low.find(",", at) if marker != "cut into" else -1
            end = len(low) if end < 0 else end
            clause = _WORD.findall(low[at:end])
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
    found = [_unswap(w, _SWAPPABLE_WORDS) or w for w in _WORD.findall(low)]
    for k, word in enumerate(found):
        if word == "whole" and k + 1 < len(found) and found[k + 1] in _WHOLE_FOODS:
            food.append(word)  # whole wheat, whole milk: a food, not a form
        elif word.endswith("pct") and word[:-3].replace(".", "").isdigit():
            food.append(word[:-3])  # "2%" milk: the fat content names the food
        elif sum(c.isalpha() for c in word) < 2:
            ignored.append(word)  # a bare number or a lone letter names no food
        elif word in FORM_WORDS or (_singular(word) in FORM_WORDS and word not in ("pieces",)):
            form.append(word)
        elif word in IGNORED_WORDS or word in _LINK_WORDS or _adverb(word):
            ignored.append(word)
        else:
            food.append(word)
    return food, form, ignored, examples, readings


def parse_entries(text: str) -> list[Entry]:
    """
    Read a line that may name several foods: one :class:`Entry` per food.

    The line is split at "and", "with", "plus", "&", "+", ";" and commas where the
    part after names a food with an amount of its own ("2 eggs and a slice of
    toast") or the part before has an amount ("oatmeal with milk and a banana" gives
    oatmeal, milk and a banana). A food whose name has "and" or "with" in it
    ("macaroni and cheese") is kept whole by :func:`magcalc.servings`, which tries the
    whole line first.

    Examples
    --------
    >>> [e.food for e in parse_entries("2 eggs and a slice of toast")]
    ['eggs', 'toast']
    """
    if not isinstance(text, str):
        raise AmountError(f"a food entry must be text, not {type(text).__name__}")
    work = _normalise(text[:MAX_ENTRY_CHARS])
    # Commas inside brackets and commas that introduce a form ("avocado, cubed") do
    # not split; only joiners followed by a new amount or a new food do.
    parts = [p for p in _split(work) if p.strip()]
    entries = [parse_entry(p) for p in parts]
    merged: list[Entry] = []
    for e in entries:
        if merged and not e.food_words:
            # "avocado, cubed": a part with only form or ignored words belongs to the last.
            prev = merged.pop()
            merged.append(
                prev.model_copy(
                    update={
                        "form_words": prev.form_words + e.form_words,
                        "ignored_words": prev.ignored_words + e.ignored_words,
                        "text": f"{prev.text}, {e.text}",
                    }
                )
            )
        else:
            merged.append(e)
    return merged


def _split(text: str) -> list[str]:
    out: list[str] = []
    depth = 0
    start = 0
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(0, depth - 1)
        elif depth == 0:
            m = _JOINERS.match(text, i)
            if m and m.end() > m.start() and (m.start() == 0 or text[m.start() - 1] in " ,;+&"
                                               or text[i] in ",;+&"):  # fmt: skip
                before = text[start : m.start()]
                after = text[m.end() :]
                if _splits(before, after, text[m.start() : m.end()]):
                    out.append(before)
                    start = m.end()
                    i = m.end()
                    continue
        i += 1
    out.append(text[start:])
    return out


def _splits(before: str, after: str, joiner: str) -> bool:
    """Whether a joiner between ``before`` and ``after`` separates two foods."""
    if not before.strip() or not after.strip():
        return False
    j = joiner.strip().lower()
    starts_amount = _leading_quantity(after.strip())[0] is not None
    if j in (",", ";"):
        return starts_amount and _leading_quantity(before.strip())[0] is not None
    return starts_amount or j in ("with", "plus", "+", "&", "and")
