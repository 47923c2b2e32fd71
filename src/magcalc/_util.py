"""Small helpers with one home each: words, numbers, and how every view words a figure.

Imports nothing heavier than the standard library, so any module may use it.
"""

from __future__ import annotations

import functools
import math
import threading
from collections.abc import Callable
from typing import Any, Generic, TypeVar

__all__ = [
    "EVERY_DAY_WORDS",
    "about_probability",
    "days_text",
    "finite",
    "finite_float",
    "mg_text",
    "once",
    "percent_text",
    "probability_text",
    "shown",
    "singular",
]

T = TypeVar("T")

#: Day labels that mean every recorded day ("all", "every", "daily").
EVERY_DAY_WORDS = ("all", "every", "daily")

_IRREGULAR = {
    "leaves": "leaf",
    "halves": "half",
    "loaves": "loaf",
    "knives": "knife",
    "chilies": "chili",
    "chillies": "chilli",
}
# Plurals in -ies of words that end in -ie, not -y ("cookies" is not "cooky").
_IE_WORDS = frozenset(
    {
        "brownie", "calorie", "cookie", "crunchie", "hoagie", "krispie", "munchie",
        "sandie", "smartie", "smoothie", "veggie", "wheatie", "goodie", "zombie",
    }
)  # fmt: skip


def singular(word: str) -> str:
    """
    The singular of a lower-case English word, as food and measure words need it.

    One rule for amounts, portions and search, so "2 leaves" finds the "leaf" portion.

    Examples
    --------
    >>> [singular(w) for w in ("leaves", "berries", "cookies", "tomatoes", "cups", "hummus")]
    ['leaf', 'berry', 'cookie', 'tomato', 'cup', 'hummus']
    """
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    if len(word) > 4 and word.endswith("ies"):
        return word[:-1] if word[:-1] in _IE_WORDS else word[:-3] + "y"
    if len(word) > 4 and word.endswith(("ches", "shes", "xes", "sses", "oes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def finite(value: Any) -> bool:
    """
    True for a real number that is finite as a float; False for NaN, infinities, an
    int too large for a float, booleans and anything that is not a number.

    Examples
    --------
    >>> finite(1.5), finite(float("nan")), finite(10**400), finite(True), finite("1")
    (True, False, False, False, False)
    """
    return finite_float(value, text=False) is not None


def finite_float(value: Any, *, text: bool = True) -> float | None:
    """
    ``float(value)`` when that is a finite number, else None (never OverflowError).

    Parameters
    ----------
    value : object
        A number, or (with ``text=True``) number text such as ``"0E-8"``.
    text : bool
        Whether number text is read; booleans never are numbers.

    Examples
    --------
    >>> finite_float("2.5"), finite_float(10**400), finite_float("2.5", text=False)
    (2.5, None, None)
    """
    if value is None or isinstance(value, bool) or (isinstance(value, str) and not text):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return number if math.isfinite(number) else None


def shown(value: object, limit: int = 60) -> str:
    """
    ``repr(value)`` for a message: cut to about ``limit`` characters, and safe for ints
    too long to write (Python refuses to print an int of over 4,300 digits).

    Examples
    --------
    >>> shown("x" * 100, limit=12), shown(10**5000)
    ("'xxxxxxx...'", '<an integer of about 5,001 digits>')
    """
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 256:
        return f"<an integer of about {int(value.bit_length() * 0.30103) + 1:,} digits>"
    try:
        text = repr(value)
    except ValueError:  # a subclass of int too long to write
        return f"<a {type(value).__name__} too long to show>"
    return text if len(text) <= limit else text[: limit - 4] + "..." + text[-1]


def days_text(n: int) -> str:
    """
    "1 day", "3 days".

    Examples
    --------
    >>> days_text(1), days_text(3)
    ('1 day', '3 days')
    """
    return f"{n} day{'s' if n != 1 else ''}"


def probability_text(p: float) -> str:
    """
    A probability as people read it: never "100%" or "0%" for what is only likely.

    Examples
    --------
    >>> probability_text(0.8358), probability_text(0.9999), probability_text(0.001)
    ('84%', 'over 99%', 'under 1%')
    """
    if p >= 0.995:
        return "over 99%"
    if p < 0.005:
        return "under 1%"
    return f"{p:.0%}"


def about_probability(p: float) -> str:
    """
    :func:`probability_text` in a sentence: "about 84%", "over 99%".

    Examples
    --------
    >>> about_probability(0.8358), about_probability(0.9999)
    ('about 84%', 'over 99%')
    """
    text = probability_text(p)
    return text if text.startswith(("over", "under")) else f"about {text}"


def mg_text(mg: float | None) -> str:
    """
    An amount of magnesium [mg] in whole milligrams, "-" when unknown.

    Whole milligrams are as precise as food tables and reference values are; every
    view shows an amount this way so the text, HTML and CLI figures agree.

    Examples
    --------
    >>> mg_text(156.6), mg_text(1250.0), mg_text(None)
    ('157', '1250', '-')
    """
    return "-" if mg is None else f"{mg:.0f}"


def percent_text(share: float | None, width: int = 5) -> str:
    """
    A share (0-1) as a right-aligned percentage to one decimal; "-" when unknown.

    Examples
    --------
    >>> percent_text(0.4812), percent_text(None), percent_text(float("nan"))
    (' 48.1 %', '    -', '    -')
    """
    if share is None or math.isnan(share):
        return "-".rjust(width)
    return f"{100 * share:{width}.1f} %"


class _Once(Generic[T]):
    """A function of no arguments, run at most once however many threads call it."""

    def __init__(self, fn: Callable[[], T]) -> None:
        functools.update_wrapper(self, fn)
        self._fn = fn
        self._lock = threading.Lock()
        self._done = False
        self._value: T | None = None

    def __call__(self) -> T:
        if not self._done:
            with self._lock:
                if not self._done:
                    self._value = self._fn()
                    self._done = True
        return self._value  # type: ignore[return-value]

    def cache_clear(self) -> None:
        """Forget the value, so the next call runs the function again (for tests)."""
        with self._lock:
            self._done, self._value = False, None


def once(fn: Callable[[], T]) -> _Once[T]:
    """
    Decorate a loader of no arguments so that it runs once, even when threads race.

    :func:`functools.cache` may run a function twice when two threads call it first
    at the same time; a data table read twice is two objects where callers expect one.

    Examples
    --------
    >>> calls = []
    >>> @once
    ... def table() -> list[int]:
    ...     calls.append(1)
    ...     return [1, 2]
    >>> table() is table(), len(calls)
    (True, 1)
    """
    return _Once(fn)
