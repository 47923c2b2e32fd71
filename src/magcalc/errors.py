"""The magcalc exception hierarchy.

Every error magcalc raises on purpose is a :class:`MagcalcError`, and each also
subclasses the fitting built-in exception (pint's pattern), so callers can catch
either ``magcalc.MagcalcError`` or, say, ``ValueError``. Messages say what was
wrong, what was expected and what to try. Every class pickles (for
multiprocessing and Dask) because ``__reduce__`` replays its constructor.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from magcalc._util import shown

__all__ = [
    "AmountError",
    "DiaryError",
    "FdcAuthError",
    "FdcError",
    "FdcNotFoundError",
    "FdcRateLimitError",
    "FdcResponseError",
    "FdcUnavailableError",
    "InputError",
    "MagcalcError",
    "MatchWarning",
    "MissingDependencyError",
    "NoMagnesiumDataError",
    "NoPortionError",
    "NoReferenceValueError",
    "PersonError",
    "PlausibilityWarning",
    "SupplementError",
    "UnknownFoodError",
    "UnknownFormError",
    "UnknownFrameworkError",
    "UnknownUnitError",
]


def _join(items: Sequence[str], limit: int = 12) -> str:
    shown = [str(i) for i in items[:limit]]
    more = len(items) - len(shown)
    return ", ".join(shown) + (f" (and {more} more)" if more > 0 else "")


class MagcalcError(Exception):
    """Base class of every error magcalc raises."""

    def __init__(self, message: str = "") -> None:
        super().__init__(message)
        self.message = message

    def __reduce__(self) -> tuple[Any, ...]:
        return type(self), (self.message,)

    def __str__(self) -> str:
        return self.message


class InputError(MagcalcError, ValueError):
    """An argument has the wrong type or an impossible value."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field

    def __reduce__(self) -> tuple[Any, ...]:
        return _rebuild, (type(self), (self.message,), {"field": self.field})


class AmountError(InputError):
    """An amount is empty, negative, NaN, infinite, or cannot be read."""


class UnknownUnitError(AmountError):
    """An amount names a unit or measure magcalc does not know."""


class UnknownFoodError(MagcalcError, KeyError):
    """No food matches the id or query; the message suggests close matches."""

    def __init__(self, query: object, suggestions: Sequence[str] = ()) -> None:
        self.query = query
        self.suggestions = list(suggestions)
        hint = f"; did you mean: {_join(self.suggestions, 5)}?" if self.suggestions else "."
        super().__init__(
            f"no food matches {shown(query, 80)}{hint} "
            "Use magcalc.search_foods(...) to browse, or pass an FDC id, an FNDDS food code "
            "or an NDB number."
        )

    def __reduce__(self) -> tuple[Any, ...]:
        return type(self), (self.query, self.suggestions)


class NoPortionError(MagcalcError, ValueError):
    """The food has no household measure like the one asked for."""

    def __init__(self, food: str, measure: str, available: Sequence[str]) -> None:
        self.food, self.measure, self.available = food, measure, list(available)
        options = (
            _join(self.available, 20) if self.available else "none (use a mass such as '100 g')"
        )
        super().__init__(
            f"{food!r} has no {measure!r} portion; use a mass (e.g. '100 g', '3 oz') "
            f"or one of its USDA portions: {options}"
        )

    def __reduce__(self) -> tuple[Any, ...]:
        return type(self), (self.food, self.measure, self.available)


class NoMagnesiumDataError(MagcalcError, ValueError):
    """USDA has no magnesium value for the food (unknown, not zero)."""

    def __init__(self, food: str, reason: str = "") -> None:
        self.food, self.reason = food, reason
        why = f" ({reason})" if reason else ""
        super().__init__(
            f"USDA has no magnesium value for {food!r}{why}; its magnesium is unknown, "
            "not zero. Choose a similar food that has data (magcalc.search_foods)."
        )

    def __reduce__(self) -> tuple[Any, ...]:
        return type(self), (self.food, self.reason)


class UnknownFormError(MagcalcError, KeyError):
    """A supplement form is not in the catalogue; the message lists the valid ones."""

    def __init__(self, form: object, valid: Sequence[str]) -> None:
        self.form, self.valid = form, list(valid)
        super().__init__(
            f"unknown supplement form {form!r}; use one of: {_join(self.valid, 40)} "
            "(see magcalc.supplement_forms())"
        )

    def __reduce__(self) -> tuple[Any, ...]:
        return type(self), (self.form, self.valid)


class SupplementError(InputError):
    """A supplement dose is ambiguous or impossible (e.g. a bare "mg")."""


class DiaryError(InputError):
    """A diary file or record list cannot be read; the message names the row and column."""


class UnknownFrameworkError(MagcalcError, KeyError):
    """A reference-value framework is not known; the message lists the valid ones."""

    def __init__(self, framework: object, valid: Sequence[str]) -> None:
        self.framework, self.valid = framework, list(valid)
        super().__init__(f"unknown framework {framework!r}; use one of: {_join(self.valid)}")

    def __reduce__(self) -> tuple[Any, ...]:
        return type(self), (self.framework, self.valid)


class NoReferenceValueError(MagcalcError, LookupError):
    """
    A framework sets no magnesium value for this person's age, sex or state.

    Attributes
    ----------
    framework : str
    person : str
        The person, described ("female aged 3 months").
    covered : list of str
        The life stages the framework does cover.
    alternatives : list of str
        Frameworks that do have a value for this person.
    """

    def __init__(
        self,
        framework: str,
        person: str,
        covered: Sequence[str] = (),
        alternatives: Sequence[str] = (),
    ) -> None:
        self.framework, self.person = framework, person
        self.covered, self.alternatives = list(covered), list(alternatives)
        message = f"{framework} sets no magnesium reference value for a {person}"
        if self.covered:
            message += f"; it covers: {', '.join(self.covered)}"
        if self.alternatives:
            message += f". Try framework= one of: {', '.join(self.alternatives)}"
        super().__init__(message)

    def __reduce__(self) -> tuple[Any, ...]:
        return type(self), (self.framework, self.person, self.covered, self.alternatives)


class PersonError(InputError):
    """A person is impossible (pregnant and male, negative age, ...)."""


class MissingDependencyError(MagcalcError, ImportError):
    """An optional extra (pandas, matplotlib, dask) is needed and not installed."""

    def __init__(self, module: str, extra: str) -> None:
        self.module, self.extra = module, extra
        super().__init__(
            f"this needs {module}, which is not installed; install it with "
            f"`pip install 'magcalc[{extra}]'` (or `pip install {module}`)"
        )

    def __reduce__(self) -> tuple[Any, ...]:
        return type(self), (self.module, self.extra)


class FdcError(MagcalcError):
    """Base class of FoodData Central errors."""


class FdcAuthError(FdcError, PermissionError):
    """FDC refused the API key (missing or invalid)."""


class FdcRateLimitError(FdcError):
    """FDC answered 429: the key is over its hourly rate limit."""

    def __init__(
        self, message: str, *, retry_after: float | None = None, limit: int | None = None
    ) -> None:
        super().__init__(message)
        self.retry_after, self.limit = retry_after, limit

    def __reduce__(self) -> tuple[Any, ...]:
        return _rebuild, (
            type(self),
            (self.message,),
            {"retry_after": self.retry_after, "limit": self.limit},
        )


class FdcNotFoundError(FdcError, KeyError):
    """FDC has no food with that id."""


class FdcUnavailableError(FdcError, ConnectionError):
    """FDC could not be reached or failed (timeout, refused connection, 5xx)."""


class FdcResponseError(FdcError, ValueError):
    """FDC answered with something that is not the JSON it documents."""


class MatchWarning(UserWarning):
    """
    A food entry matched only weakly: the answer is the best match, but the entry's
    words fit it only in part. The message names the alternatives; look at
    ``Serving.match`` and pass a more specific name or an id to be sure.

    Examples
    --------
    >>> import warnings, magcalc
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     s = magcalc.serving("1 cup quinoa milk")
    >>> caught[0].category.__name__, s.match.quality
    ('MatchWarning', 'weak')
    """


class PlausibilityWarning(UserWarning):
    """
    An amount is possible but implausible, so it is probably a typing slip.

    magcalc still computes with it (an unusual amount is not an error) and warns:

    - a single food serving above :data:`magcalc.foods.MAX_PLAUSIBLE_SERVING_G`
      (5 kg), from :func:`magcalc.serving` and everything built on it;
    - a supplement giving more than
      :data:`magcalc.supplements.MAX_PLAUSIBLE_ELEMENTAL_MG_PER_DAY` (5,000 mg) of
      elemental magnesium a day, or more than
      :data:`magcalc.supplements.MAX_PLAUSIBLE_COMPOUND_MG_PER_DAY` (100 g) of the
      compound a day (:class:`magcalc.Supplement`, :func:`magcalc.parse_label`).

    These limits are magcalc's own plausibility rules, not reference values. Silence
    them with ``warnings.simplefilter("ignore", PlausibilityWarning)``; turn them into
    errors with ``"error"``.

    Examples
    --------
    >>> import warnings, magcalc
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     grams = magcalc.serving("11458", "6 kg").grams
    >>> grams, caught[0].category.__name__
    (6000.0, 'PlausibilityWarning')
    """


def _rebuild(cls: type[MagcalcError], args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    return cls(*args, **kwargs)
