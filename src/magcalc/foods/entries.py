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

from pydantic import BaseModel, ConfigDict

from magcalc._util import singular
from magcalc.errors import AmountError
from magcalc.foods._entry_words import (
    BEFORE_UNIT,
    CONTAINERS,
    FOOD_MEASURES,
    MEASURE_OF,
    MEASURE_WORDS,
    QUALIFIERS_BEFORE_UNIT,
    SIZE_WORDS,
    WORD,
    UnitKind,
    bracket_reading,
    classify,
    metric_volume,
    name_part,
    normalise_entry,
    unit_at,
)
from magcalc.units import (
    MASS_UNITS,
    Amount,
    parse_number,
    unit_factor,
)

__all__ = ["MAX_ENTRY_CHARS", "Entry", "UnitKind", "parse_entries", "parse_entry"]

# Longer text is cut before it is read: no food entry needs more, and hostile input
# then costs no more than a normal one.
MAX_ENTRY_CHARS = 300

# Words for how many, as people write them.
_WORD_NUMBERS = {
    "a": 1.0, "an": 1.0, "one": 1.0, "two": 2.0, "three": 3.0, "four": 4.0, "five": 5.0,
    "six": 6.0, "seven": 7.0, "eight": 8.0, "nine": 9.0, "ten": 10.0, "eleven": 11.0,
    "twelve": 12.0, "dozen": 12.0, "half": 0.5, "quarter": 0.25, "couple": 2.0,
}  # fmt: skip
_APPROX = re.compile(
    r"^\s*(?:about|approximately|approx\.?|around|roughly|scant|generous|heaping|heaped|"
    r"good|a good|a scant|a generous|some)\s+(?=[\d½¼¾⅓⅔⅛a-z])",
    re.IGNORECASE,
)
_SIZED = re.compile(r"\b(small|medium|large)[- ]sized?\b", re.IGNORECASE)
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
_CUTS = frozenset({"fillet", "filet"})
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


def _mass_grams(value: float, unit: str) -> float:
    return value * unit_factor(MASS_UNITS[unit.lower()])


def _leading_quantity(text: str) -> tuple[float | None, tuple[float, float] | None, str]:
    match = _QUANTITY.match(text)
    if match:
        low = parse_number(match.group("a"))
        if match.group("b") is not None:
            high = parse_number(match.group("b"))
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
    work = normalise_entry(text)
    if not work:
        raise AmountError("the food entry is empty; write e.g. '1 cup milk' or '2 eggs'")
    ignored: list[str] = []
    form: list[str] = []
    stated: float | None = None
    each_grams: float | None = None
    asides: list[str] = []
    stated_ml: float | None = None  # "½ cup (125 mL)": the metric volume stated
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
        stated_ml = stated_ml or metric_volume(inner)
        ignored.extend(WORD.findall(inner.lower()))
        asides.append(inner)
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
        while words and words[0].lower() in BEFORE_UNIT | QUALIFIERS_BEFORE_UNIT:
            word = words.pop(0).lower()
            (form if word == "whole" else ignored).append(word)
        if words and words[0].lower().rstrip(".,") in SIZE_WORDS:
            size = SIZE_WORDS[words.pop(0).lower().rstrip(".,")]
        unit, kind, used = unit_at([w.rstrip(",") for w in words])
        if used and words[used - 1].endswith(","):
            words[used - 1] = words[used - 1].rstrip(",")
        if kind == "measure" and unit in FOOD_MEASURES and not classify(" ".join(words[used:]))[0]:
            # "1 cookie", "2 crackers": the measure is the food, counted.
            unit, kind, used = None, None, 0
        words = words[used:]
        # "2 tablespoons plus 2 teaspoons": volumes (or masses) add up.
        plus = _PLUS.match(" ".join(words))
        if plus and kind in ("volume", "mass") and unit is not None:
            more_words = " ".join(words)[plus.end() :].split()
            unit2, kind2, used2 = unit_at(more_words)
            if kind2 == kind and unit2 is not None:
                extra = parse_number(plus.group(1)) * unit_factor(unit2) / unit_factor(unit)
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
            container = singular(words[0].lower())
            if container in CONTAINERS or container in MEASURE_WORDS:
                ignored.extend([container, "of"])
                words = words[2:]
        if unit is None and words and words[0].lower().rstrip(".,") in SIZE_WORDS:
            size = SIZE_WORDS[words.pop(0).lower().rstrip(".,")]
            unit, kind, used = unit_at(words)
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
        stated = quantity * _mass_grams(parse_number(each.group(1)), each.group(2))
        notes.append(f"{quantity:g} x {each.group(1)} {each.group(2)} each")
        food_text = food_text[: each.start()] + food_text[each.end() :]
    if (
        stated is not None
        and quantity is not None
        and quantity != 1
        and kind == "measure"
        and unit in CONTAINERS
        and not _notes_each(notes)
    ):
        # "2 (15-ounce) cans": the weight in brackets is that of one container.
        stated *= quantity
        notes.append(f"{quantity:g} x the stated weight of one {unit}")
    # Sizes of the cut ("cut into 1-inch cubes", "¾ to 1 inch thick") say nothing of the food.
    dims = _DIMENSION.findall(food_text)
    if dims:
        ignored.extend(w.lower() for d in dims for w in WORD.findall(d.lower()))
        food_text = _DIMENSION.sub(" ", food_text)
    # "baby spinach", "baby carrots": young vegetables, not baby food. A form word, not
    # ignored: USDA lists some ("Carrots, baby, raw", "Lima beans, ..., frozen, baby").
    if _BABY.search(food_text):
        form.append("baby")
        food_text = _BABY.sub(" ", food_text)
    # A metric amount repeated after the food ("1 cup pecans 250 mL"): a volume is the
    # recipe's own metric measure, as one in brackets is ("½ cup (125 mL) wine").
    echo = _METRIC_ECHO.findall(food_text)
    if echo and quantity is not None:
        ignored.extend(w.lower() for e in echo for w in e.split())
        food_text = _METRIC_ECHO.sub(" ", food_text)
        stated_ml = stated_ml or metric_volume(echo[-1])
    if stated_ml and kind == "volume" and unit != "milliliter" and stated is None:
        quantity, qrange, unit = stated_ml, None, "milliliter"
        notes.append(f"the stated volume {stated_ml:g} mL is used")
    food_words, more_form, more_ignored, examples, reading_texts = classify(food_text)
    readings: list[tuple[str, ...]] = []
    for reading in (*reading_texts, *filter(None, map(bracket_reading, asides))):
        option = tuple(classify(reading)[0])
        if option and option != tuple(food_words) and option not in readings:
            readings.append(option)
    form.extend(more_form)
    ignored.extend(more_ignored)
    last = singular(food_words[-1].lower()) if len(food_words) > 1 else ""
    if kind in ("mass", "volume") and last in _CUTS:
        form.append(food_words.pop())  # "1 lb salmon fillets" weighs salmon
    if kind == "count" and unit is None and len(food_words) > 1:
        # "3 garlic cloves", "2 celery stalks": the measure stands after the food, in
        # its name ("2 pears, cut into thin slices" counts pears, not slices).
        in_name = len(classify(food_text.split(",")[0])[0])
        for k, word in enumerate(food_words[:in_name]):
            found_unit, found_kind, _ = unit_at([word])
            only = MEASURE_OF.get(found_unit or "")
            if only is not None and (k == 0 or food_words[k - 1] != only):
                continue  # "pork spare ribs" are ribs; "celery ribs" are stalks
            if found_kind == "measure" and found_unit not in FOOD_MEASURES:
                unit, kind = found_unit, "measure"
                food_words = food_words[:k] + food_words[k + 1 :]
                break
    name_words = [w for w in classify(name_part(food_text))[0] if w in food_words]
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
    return bool(words) and singular(words[0].lower().rstrip(".,")) in CONTAINERS


def _notes_each(notes: list[str]) -> bool:
    """Whether a weight per piece was read ("4 oz each")."""
    return any(" each" in n for n in notes)


def _mass_value(match: re.Match[str]) -> float:
    low = parse_number(match.group("n"))
    if match.group("m"):
        return (low + parse_number(match.group("m"))) / 2
    return low


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
    work = normalise_entry(text[:MAX_ENTRY_CHARS])
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
