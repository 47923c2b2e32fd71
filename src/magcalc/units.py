"""Units and amounts: the one pint registry and household-amount parsing.

magcalc keeps a single :class:`pint.UnitRegistry` for the whole package,
created on first use (importing pint costs about 0.3 s, so ``import magcalc``
does not). Amounts arrive as text ("1/2 cup", "½ cup", "1 1/2 cups", "3.5 oz",
"2 tbsp", "1 medium"), as pint Quantities, or as plain numbers meaning grams;
:func:`parse_amount` turns text into an :class:`Amount` without knowing the
food, and :mod:`magcalc.foods` resolves measures such as "cup" or "medium"
through the food's USDA portions.
"""

from __future__ import annotations

import math
import re
import threading
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Literal

from magcalc._util import shown, singular
from magcalc.errors import AmountError, UnknownUnitError

if TYPE_CHECKING:
    import pint

__all__ = [
    "MASS_UNITS",
    "VOLUME_UNITS",
    "Amount",
    "AmountKind",
    "expand_vulgar_fractions",
    "get_registry",
    "in_mg_per_day",
    "mg",
    "parse_amount",
    "parse_number",
    "per_day",
    "pint_factor",
    "unit_factor",
]

AmountKind = Literal["mass", "volume", "measure"]

# Spellings people type -> pint unit names. US customary volumes: USDA household
# measures are US cups, tablespoons and teaspoons, and pint's `cup` is the US cup.
MASS_UNITS: dict[str, str] = {
    "g": "gram", "gm": "gram", "gms": "gram", "gr": "gram", "gram": "gram", "grams": "gram",
    "gramme": "gram", "grammes": "gram",
    "kg": "kilogram", "kgs": "kilogram", "kilo": "kilogram", "kilos": "kilogram",
    "kilogram": "kilogram", "kilograms": "kilogram",
    "mg": "milligram", "milligram": "milligram", "milligrams": "milligram",
    "oz": "ounce", "ozs": "ounce", "ounce": "ounce", "ounces": "ounce",
    "lb": "pound", "lbs": "pound", "pound": "pound", "pounds": "pound",
}  # fmt: skip
VOLUME_UNITS: dict[str, str] = {
    "cup": "cup", "cups": "cup", "c": "cup",
    "tbsp": "tablespoon", "tbsps": "tablespoon", "tbs": "tablespoon", "tbl": "tablespoon",
    "tablespoon": "tablespoon", "tablespoons": "tablespoon", "T": "tablespoon",
    "tsp": "teaspoon", "tsps": "teaspoon", "teaspoon": "teaspoon", "teaspoons": "teaspoon",
    "t": "teaspoon",
    "ml": "milliliter", "mls": "milliliter", "milliliter": "milliliter",
    "milliliters": "milliliter", "millilitre": "milliliter", "millilitres": "milliliter",
    "cl": "centiliter", "dl": "deciliter",
    "l": "liter", "liter": "liter", "liters": "liter", "litre": "liter", "litres": "liter",
    "fl oz": "fluid_ounce", "floz": "fluid_ounce", "fl. oz": "fluid_ounce", "fl.oz": "fluid_ounce",
    "fluid ounce": "fluid_ounce", "fluid ounces": "fluid_ounce",
    "pint": "pint", "pints": "pint", "pt": "pint",
    "quart": "quart", "quarts": "quart", "qt": "quart",
    "gallon": "gallon", "gallons": "gallon", "gal": "gallon",
}  # fmt: skip

_registry: pint.UnitRegistry[Any] | None = None
_registry_lock = threading.Lock()


def get_registry() -> pint.UnitRegistry[Any]:
    """
    Return magcalc's pint registry, creating it on first use.

    Every Quantity magcalc returns belongs to this registry, so they combine
    with each other. Amounts built with another registry are still accepted
    (they are converted through their own registry). magcalc does not touch
    pint's application registry, which belongs to the application.

    Returns
    -------
    pint.UnitRegistry

    Examples
    --------
    >>> ureg = get_registry()
    >>> ureg.Quantity(3.5, "oz").to("g")
    <Quantity(99.2233309, 'gram')>
    """
    global _registry
    if _registry is None:
        with _registry_lock:
            if _registry is None:
                import pint

                _registry = pint.UnitRegistry(cache_folder=None)
    return _registry


def per_day(value: float) -> pint.Quantity[Any]:
    """
    A magnesium intake as a pint Quantity in mg/day.

    The unit is parsed once per registry: pint parses a unit string on every Quantity,
    which was most of the time :func:`magcalc.assess` took.

    Examples
    --------
    >>> per_day(310.0)
    <Quantity(310.0, 'milligram / day')>
    """
    reg = get_registry()
    return reg.Quantity(value, _unit(reg, "mg/day"))


@lru_cache(maxsize=8)
def _unit(reg: pint.UnitRegistry[Any], name: str) -> pint.Unit:
    return reg.Unit(name)


def in_mg_per_day(quantity: Any) -> float:
    """
    The magnitude of an intake Quantity in mg/day (of any registry's units).

    Examples
    --------
    >>> in_mg_per_day(per_day(1.0) * 7)
    7.0
    """
    reg = get_registry()
    if getattr(quantity, "_REGISTRY", None) is reg:
        return float(quantity.m_as(_unit(reg, "mg/day")))
    return float(quantity.to("mg/day").magnitude)


def mg(value: float) -> pint.Quantity[Any]:
    """
    A magnesium amount as a pint Quantity in milligrams.

    Examples
    --------
    >>> mg(87)
    <Quantity(87, 'milligram')>
    """
    return get_registry().Quantity(value, "mg")


# Grams or millilitres per unit of every unit parse_amount gives, as pint computes them
# from its definitions (NIST Handbook 44, Appendix C: the pound of 453.59237 g, the US
# gallon of 231 cubic inches), to the last bit: amounts in these units are converted
# without importing pint and building its registry (about 0.5 s on a first call).
# tests/test_units.py checks each value against pint.
_FACTORS: dict[str, float] = {
    "gram": 1.0,
    "kilogram": 1000.0,
    "milligram": 0.001,
    "ounce": 28.349523125000005,
    "pound": 453.5923700000001,
    "milliliter": 1.0,
    "centiliter": 10.0,
    "deciliter": 100.0,
    "liter": 1000.0,
    "teaspoon": 4.928921593749998,
    "tablespoon": 14.786764781249996,
    "fluid_ounce": 29.573529562499992,
    "cup": 236.58823649999994,
    "pint": 473.1764729999999,
    "quart": 946.3529459999997,
    "gallon": 3785.411783999999,
}


@lru_cache(maxsize=64)
def unit_factor(unit: str) -> float:
    """
    Grams per ``unit`` for a mass unit, millilitres per ``unit`` for a volume.

    The units :func:`parse_amount` gives are read from a table of the values pint
    computes (checked against pint by the tests), so converting them never imports
    pint; any other unit is converted by pint once and cached.

    References
    ----------
    .. [1] NIST, "Specifications, Tolerances, and Other Technical Requirements for
       Weighing and Measuring Devices," Handbook 44, Appendix C (General Tables of
       Units of Measurement).

    Examples
    --------
    >>> round(unit_factor("ounce"), 4)
    28.3495
    >>> round(unit_factor("cup"), 3)
    236.588
    """
    known = _FACTORS.get(unit)
    if known is not None:
        return known
    return pint_factor(unit)


def pint_factor(unit: str) -> float:
    """Grams (mass) or millilitres (volume) per ``unit``, computed by pint."""
    reg = get_registry()
    q = reg.Quantity(1.0, unit)
    target = "gram" if q.check("[mass]") else "milliliter"
    return float(q.to(target).magnitude)


@dataclass(frozen=True)
class Amount:
    """
    A parsed household amount: a number and what it counts.

    Attributes
    ----------
    value : float
        How many units (``1.5`` for "1 1/2 cups"). Never negative, NaN or infinite.
    unit : str
        For ``kind`` "mass" or "volume", a pint unit name ("gram", "cup");
        for "measure", the measure word as typed, singular ("medium", "slice").
    kind : {'mass', 'volume', 'measure'}
    qualifier : str
        Words after the unit ("chopped" in "1 cup chopped"), used to choose
        among a food's portions. Empty when none.
    text : str
        The original text.

    Examples
    --------
    >>> a = parse_amount("1 1/2 cups")
    >>> a.value, a.unit, a.kind
    (1.5, 'cup', 'volume')
    """

    value: float
    unit: str
    kind: AmountKind
    qualifier: str = ""
    text: str = ""

    @property
    def grams(self) -> float:
        """Grams for a mass amount; raises AmountError for other kinds."""
        if self.kind != "mass":
            raise AmountError(f"{self.text!r} is not a mass; it needs a food to convert to grams")
        return self.value * unit_factor(self.unit)

    @property
    def milliliters(self) -> float:
        """Millilitres for a volume amount; raises AmountError for other kinds."""
        if self.kind != "volume":
            raise AmountError(f"{self.text!r} is not a volume")
        return self.value * unit_factor(self.unit)


_WORD_NUMBERS = {"a": 1.0, "an": 1.0, "one": 1.0, "half": 0.5, "half a": 0.5, "half an": 0.5}
_NUMBER = re.compile(
    r"""^\s*(?:
        (?P<whole>\d+)\s*(?:\s|-)\s*(?P<fnum>\d+)\s*/\s*(?P<fden>\d+)   # 1 1/2, 1-1/2
      | (?P<num>\d+)\s*/\s*(?P<den>\d+)                                 # 1/2
      | (?P<dec>\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?                    # 2, 3.5, .5, 1e3
    )""",
    re.VERBOSE,
)
_LEADING_WORD = re.compile(r"^\s*(half an|half a|half|an|a|one)\b\s*", re.IGNORECASE)


def _odd_digit(text: str) -> str | None:
    """
    The first character of `text` that looks like a digit but is not one magcalc reads.

    Digits are 0-9, their fullwidth and mathematical forms (Unicode Nd characters whose
    NFKC form is 0-9, e.g. "１", "𝟐") and the vulgar fractions ("½"). Superscripts,
    subscripts, circled and parenthesised digits, digits of other scripts ("٣") and
    symbols that decompose into digits ("㋀") are not: read as digits they would turn
    "1² cup" into 12 cups. None when there is no such character.

    Examples
    --------
    >>> _odd_digit("1² cup"), _odd_digit("１/２ cup"), _odd_digit("1½ cups")
    ('²', None, None)
    """
    if text.isascii():
        return None
    for ch in text:
        if ch.isascii():
            continue
        folded = unicodedata.normalize("NFKC", ch)
        kind = unicodedata.category(ch)
        looks_numeric = kind in ("Nd", "No") or any(
            unicodedata.category(c) in ("Nd", "No") for c in folded
        )
        if not looks_numeric:
            continue
        if kind == "Nd" and folded.isascii() and folded.isdigit():
            continue  # fullwidth or mathematical digit
        if unicodedata.name(ch, "").startswith("VULGAR FRACTION"):
            continue
        return ch
    return None


def _describe_char(ch: str) -> str:
    """A character for messages: '²' (SUPERSCRIPT TWO, U+00B2)."""
    name = unicodedata.name(ch, "unnamed character")
    return f"{ch!r} ({name}, U+{ord(ch):04X})"


def odd_digit_message(text: str, what: str) -> str | None:
    """
    The message for a `what` ("amount", "day", ...) that holds a character magcalc
    does not read as a digit (see :func:`_odd_digit`), or None.

    Examples
    --------
    >>> print(odd_digit_message("1² cup", "amount").split(", which")[0])
    amount '1² cup' has '²' (SUPERSCRIPT TWO, U+00B2)
    >>> odd_digit_message("1/2 cup", "amount") is None
    True
    """
    ch = _odd_digit(text)
    if ch is None:
        return None
    fractions = " (fractions such as '1/2' or '½' are fine)" if what in ("amount", "label") else ""
    return (
        f"{what} {shown(text)} has {_describe_char(ch)}, which magcalc does not read as "
        f"a digit; write numbers with the digits 0-9{fractions}"
    )


_PLAIN_NUMBER = re.compile(
    r"[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|nan|inf|infinity)", re.ASCII | re.IGNORECASE
)


def plain_number(text: str) -> float | None:
    """
    The number a text cell holds when it is only a decimal number, else None.

    Accepts what a spreadsheet writes ("2", "-1.5", "1e3", " 0.5 ", fullwidth digits)
    and "nan"/"inf" (so that callers can say why they are refused). Unlike ``float``,
    it refuses digits of other scripts and superscripts ("٢", "²": None), underscores
    ("1_000") and embedded spaces. Callers that want to name the odd character use
    :func:`odd_digit_message` first.

    Examples
    --------
    >>> plain_number("1.0"), plain_number(" 2 "), plain_number("٢"), plain_number("1 cup")
    (1.0, 2.0, None, None)
    """
    if _odd_digit(text) is not None:
        return None
    folded = unicodedata.normalize("NFKC", text).strip()
    if not _PLAIN_NUMBER.fullmatch(folded):
        return None
    return float(folded)


def expand_vulgar_fractions(text: str) -> str:
    """
    Vulgar fractions written out: "1½" is "1 1/2", "½" is "1/2", "1⁄4" is "1/4".

    unicodedata knows every vulgar fraction; other numeric characters ("²", "①") are
    for :func:`odd_digit_message` to refuse before this runs.

    Examples
    --------
    >>> expand_vulgar_fractions("1½ cups"), expand_vulgar_fractions("¼ tsp")
    ('1 1/2 cups', ' 1/4 tsp')
    """
    out = []
    for ch in text:
        if unicodedata.category(ch) == "No" and unicodedata.name(ch, "").startswith(
            "VULGAR FRACTION"
        ):
            frac = unicodedata.normalize("NFKC", ch).replace("\u2044", "/")
            out.append(f" {frac}")
        elif ch == "\u2044":  # fraction slash
            out.append("/")
        else:
            out.append(ch)
    return "".join(out)


def parse_number(text: str) -> float:
    """
    The value of a number as amounts write it: "2", "3.5", ".5", "1/2", "1 1/2", "1-1/2".

    The one reader of numbers for :func:`parse_amount` and the entry parser
    (:func:`magcalc.parse_entry`), so that both read "1 1/2" alike.

    Raises
    ------
    AmountError
        If `text` is not one such number, a fraction divides by zero, or the number has
        too many digits to use.

    Examples
    --------
    >>> parse_number("1 1/2"), parse_number("3/4"), parse_number(".5"), parse_number("2")
    (1.5, 0.75, 0.5, 2.0)
    """
    match = _NUMBER.fullmatch(text.strip())
    if match is None:
        raise AmountError(f"{shown(text)} is not a number; write e.g. '2', '1.5' or '1 1/2'")
    return _number_value(match, text)


def _number_value(match: re.Match[str], text: str) -> float:
    """The value of a match of ``_NUMBER``; `text` names the amount in messages."""
    try:
        if match.group("whole") is not None:
            den = int(match.group("fden"))
            if den == 0:
                raise AmountError(f"amount {text!r} divides by zero")
            return int(match.group("whole")) + int(match.group("fnum")) / den
        if match.group("num") is not None:
            den = int(match.group("den"))
            if den == 0:
                raise AmountError(f"amount {text!r} divides by zero")
            return int(match.group("num")) / den
        return float(match.group(0))
    except AmountError:
        raise
    except (OverflowError, ValueError):
        # Thousands of digits: too many for int() or a float.
        raise AmountError(
            f"amount {shown(text)} has a number too large to use; "
            "give a finite, non-negative number such as '100 g'"
        ) from None


def _check_number(value: float, text: str) -> float:
    if math.isnan(value):
        raise AmountError(f"amount {text!r} is NaN; give a finite, non-negative number")
    if math.isinf(value):
        raise AmountError(f"amount {text!r} is infinite; give a finite, non-negative number")
    if value < 0:
        raise AmountError(f"amount {text!r} is negative; give a non-negative number")
    return value


def parse_amount(text: str) -> Amount:
    """
    Parse household amount text such as "1/2 cup" or "3.5 oz".

    Parameters
    ----------
    text : str
        A number (integer, decimal, fraction "1/2", mixed "1 1/2", a unicode
        fraction "½", or "a"/"an"/"half") followed by a unit: a mass ("g",
        "oz", "lb", ...), a volume ("cup", "tbsp", "tablespoons", "fl oz",
        "ml", ...) or a household measure word ("medium", "slice", "packet").
        Words after the unit ("1 cup chopped", "1 cup, chopped") qualify it.

    Returns
    -------
    Amount

    Raises
    ------
    AmountError
        Empty text, no number, no unit, or a negative, NaN or infinite number; or a
        character that looks like a digit but is not one (superscripts, subscripts,
        circled digits, digits of other scripts: "1² cup" is not 12 cups). Fullwidth
        digits and vulgar fractions are read.
    UnknownUnitError
        The unit is not a measure word at all (for example "2 %$").

    Examples
    --------
    >>> parse_amount("1 1/2 cups")
    Amount(value=1.5, unit='cup', kind='volume', qualifier='', text='1 1/2 cups')
    >>> parse_amount("½ cup").value
    0.5
    >>> parse_amount("3.5 oz").kind
    'mass'
    >>> parse_amount("2 biscuits").unit
    'biscuit'
    """
    if not isinstance(text, str):
        raise AmountError(f"amount text must be a string, not {type(text).__name__}")
    original = text
    odd = odd_digit_message(text, "amount")
    if odd is not None:
        raise AmountError(odd)
    # Fractions before NFKC, which would turn "1½" into "11⁄2".
    cleaned = unicodedata.normalize("NFKC", expand_vulgar_fractions(text)).replace("\u00a0", " ")
    cleaned = cleaned.strip()
    if not cleaned:
        raise AmountError("amount is empty; write a number and a unit, e.g. '100 g' or '1/2 cup'")
    lowered = cleaned.lower()
    if lowered.startswith(("-", "−")):
        raise AmountError(f"amount {original!r} is negative; give a non-negative number")
    if lowered.lstrip("+").strip().startswith(("nan", "inf")):
        bad = "NaN" if "nan" in lowered else "infinite"
        raise AmountError(f"amount {original!r} is {bad}; give a finite, non-negative number")

    value: float
    match = _NUMBER.match(cleaned)
    if match:
        value = _number_value(match, original)
        rest = cleaned[match.end() :]
    else:
        word = _LEADING_WORD.match(cleaned)
        if not word:
            raise AmountError(
                f"amount {original!r} has no number; write e.g. '1 cup', '100 g' or 'a slice'"
            )
        value = _WORD_NUMBERS[word.group(1).lower()]
        rest = cleaned[word.end() :]
    _check_number(value, original)

    rest = rest.strip().lstrip("x×*").strip()
    if rest.lower().startswith("of "):
        rest = rest[3:]
    if not rest:
        # A bare number is grams, as text or as a number, in the API, diaries and the CLI.
        rest = "g"
    unit_text = rest.rstrip(".").strip()
    low = unit_text.lower()

    # Two-word volume units first ("fl oz", "fluid ounces"), then one word.
    for spelled in sorted(VOLUME_UNITS, key=len, reverse=True):
        if " " not in spelled and "." not in spelled:
            continue
        if low == spelled or low.startswith(spelled + " ") or low.startswith(spelled + ","):
            qualifier = unit_text[len(spelled) :].strip(" ,")
            return Amount(value, VOLUME_UNITS[spelled], "volume", qualifier.lower(), original)

    head_match = re.match(r"([^\W\d_]+)\.?\s*,?\s*(.*)$", unit_text)
    if not head_match:
        raise UnknownUnitError(
            f"amount {original!r} has no recognisable unit; use a mass ('g', 'oz'), a volume "
            "('cup', 'tbsp', 'ml') or a household measure ('medium', 'slice')"
        )
    head, qualifier = head_match.group(1), head_match.group(2).strip(" ,").lower()
    # Case matters only for the cook's "T" (tablespoon) versus "t" (teaspoon).
    if head in ("T", "t"):
        return Amount(value, VOLUME_UNITS[head], "volume", qualifier, original)
    key = head.lower()
    if key in MASS_UNITS:
        return Amount(value, MASS_UNITS[key], "mass", qualifier, original)
    if key in VOLUME_UNITS:
        return Amount(value, VOLUME_UNITS[key], "volume", qualifier, original)
    return Amount(value, singular(key), "measure", qualifier, original)


def amount_from_quantity(quantity: Any) -> Amount:
    """
    An :class:`Amount` from a pint Quantity of mass or volume.

    Raises
    ------
    AmountError
        If the Quantity is not a mass or a volume, or is negative, NaN or infinite.
    """
    reg = get_registry()
    try:
        magnitude = float(quantity.magnitude)
    except (TypeError, ValueError, OverflowError) as err:
        raise AmountError(f"amount {quantity!r} must be a single number with a unit") from err
    _check_number(magnitude, str(quantity))
    if quantity.check("[mass]"):
        return Amount(float(quantity.to("gram").magnitude), "gram", "mass", "", str(quantity))
    if quantity.check("[length]**3"):
        ml = float(quantity.to("milliliter").magnitude)
        return Amount(ml, "milliliter", "volume", "", str(quantity))
    dims = str(reg.Quantity(1, quantity.units).dimensionality)
    raise AmountError(
        f"amount {quantity!r} has dimension {dims}; a food amount must be a mass (g, oz) "
        "or a volume (cup, ml)"
    )
