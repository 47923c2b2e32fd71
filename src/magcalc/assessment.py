"""Intake and assessment: from a person's foods and supplements to an honest answer.

:class:`Intake` holds one or more days of foods and supplements; :func:`assess` compares
the mean daily intake with the person's reference values and returns an
:class:`Assessment`.

The rules it follows (IOM 1997, IOM 2000):

- Ingested magnesium (food + elemental supplemental) is compared with the EAR and the
  RDA or AI. Absorption-adjusted figures are a separate, labelled estimate.
- The UL applies to supplemental magnesium only (supplements, medicines, fortificants),
  never to food.
- Foods without a USDA magnesium value are unknown, not zero: they are left out of the
  sums and reported, so totals are a lower bound.
- The probability that usual intake is adequate follows IOM 2000 for individuals:
  ``z = (mean - EAR) / sqrt(SD_r**2 + SD_within**2 / n)``, ``SD_r = 0.10 * EAR``.
  Where only an AI exists, only "intake above the AI is likely adequate" can be
  concluded, never the converse.

References
----------
.. [1] Institute of Medicine, "Dietary Reference Intakes for Calcium, Phosphorus,
   Magnesium, Vitamin D, and Fluoride," National Academy Press, 1997, ch. 6,
   doi:10.17226/5776.
.. [2] Institute of Medicine, "Dietary Reference Intakes: Applications in Dietary
   Assessment," National Academy Press, 2000, pp. 54-61, doi:10.17226/9956.
"""

from __future__ import annotations

import csv
import io
import json
import math
import numbers
import os
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

import pint
from pydantic import (
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    WithJsonSchema,
    model_validator,
)
from typing_extensions import Self

from magcalc._data import data_file
from magcalc._format import about_probability, probability_text
from magcalc._models import InputModel, ValueModel
from magcalc.errors import AmountError, DiaryError, InputError, MagcalcError, SupplementError
from magcalc.foods import FoodLike, Serving, Servings, serving, servings
from magcalc.people import Person
from magcalc.references import Framework, ReferenceValues, reference_values, within_person_sd
from magcalc.risks import RiskFactor, risk_factor
from magcalc.supplements import Supplement, get_form, parse_label
from magcalc.units import get_registry, odd_digit_message, parse_amount, plain_number

__all__ = [
    "DIARY_COLUMNS",
    "MAX_CELL_CHARS",
    "Assessment",
    "DayTotal",
    "EffectiveRange",
    "FoodEntry",
    "Intake",
    "ItemContribution",
    "SupplementEntry",
    "assess",
]

Day = int | str


def _to_mg_per_day(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, pint.Quantity):
        return get_registry().Quantity(float(value.to("mg/day").magnitude), "mg/day")
    return get_registry().Quantity(float(value), "mg/day")


def _magnitude(value: Any) -> float | None:
    return None if value is None else float(value.to("mg/day").magnitude)


MgPerDay = Annotated[
    pint.Quantity[Any],
    BeforeValidator(_to_mg_per_day),
    PlainSerializer(_magnitude, return_type=float),
    WithJsonSchema({"type": "number", "description": "magnesium [mg/day]"}),
]
"""A pint Quantity in mg/day that serialises to a plain number (mg/day)."""


class _QuantityModel(ValueModel):
    """
    A value whose mg/day Quantities pickle as plain numbers (issue 7).

    pint unpickles a Quantity into pint's application registry, not magcalc's, so an
    unpickled Assessment could not be added to a fresh one ("Cannot operate with
    Quantity and Quantity of different registries"); stored as mg/day floats, they come
    back in magcalc's registry.
    """

    def __getstate__(self) -> dict[Any, Any]:
        state = dict(super().__getstate__())
        values = dict(state["__dict__"])
        names = [k for k, v in values.items() if isinstance(v, pint.Quantity)]
        for name in names:
            values[name] = float(values[name].to("mg/day").magnitude)
        state["__dict__"] = values
        state["magcalc_mg_per_day"] = names
        return state

    def __setstate__(self, state: dict[Any, Any]) -> None:
        state = dict(state)
        values = dict(state["__dict__"])
        for name in state.pop("magcalc_mg_per_day", ()):
            values[name] = get_registry().Quantity(values[name], "mg/day")
        state["__dict__"] = values
        super().__setstate__(state)


class DayTotal(ValueModel):
    """Magnesium on one recorded day [mg]."""

    day: Day
    food_mg: float
    supplemental_mg: float
    total_mg: float
    foods_without_data: int = 0


class ItemContribution(ValueModel):
    """
    One food or supplement entry and what it contributes.

    ``magnesium_mg`` is the entry's magnesium [mg] (per day for supplements);
    ``per_day_mg`` is its contribution to the mean daily intake [mg/day] over the days
    recorded, and ``share`` its fraction of the mean total. Both are None for a food
    with no magnesium data.
    """

    day: Day | None
    kind: Literal["food", "supplement"]
    name: str
    amount: str
    grams: float | None = None
    magnesium_mg: float | None
    per_day_mg: float | None
    share: float | None
    basis: str
    fdc_id: int | None = None
    form: str | None = None


class EffectiveRange(_QuantityModel):
    """
    Estimated absorbed magnesium [mg/day]: low, central and high. An estimate, not a
    measurement, and never compared with the reference values.
    """

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    low: MgPerDay
    central: MgPerDay
    high: MgPerDay
    label: str = "estimate of absorbed magnesium (not comparable with DRIs)"
    basis: str


class Assessment(_QuantityModel):
    """
    The result of :func:`assess`. Amounts are pint Quantities in mg/day (means over the
    days recorded); ``model_dump()``/``model_dump_json()`` give plain numbers in mg/day.

    Attributes
    ----------
    food_mg, supplemental_mg, total_mg : pint.Quantity
        Mean daily magnesium from food, from supplements (elemental), and both.
    target_mg, target_kind, percent_of_target
        The RDA (or AI, RNI, ...) of the framework and the total as a percentage of it.
    ear_mg, probability_adequate
        EAR and the probability that usual intake meets the requirement (IOM 2000,
        n = days recorded); None where no EAR exists.
    confidence_above_ai
        Where only an AI exists: the confidence that usual intake is above it.
    ul_supplemental_mg, exceeds_ul
        UL for supplemental magnesium and whether any day's supplemental intake is over
        it; None where no UL is set. Food never counts.
    effective_mg : EffectiveRange
        Absorption-adjusted estimate (low, central, high), labelled as such.
    items : tuple of ItemContribution
    warnings : tuple of str

    Examples
    --------
    >>> from magcalc import Intake, Person
    >>> intake = Intake()
    >>> _ = intake.add_food("11458", "1 cup")
    >>> report = assess(intake, Person(age_years=25, sex="male"))
    >>> report.total_mg, report.target_kind, report.target_mg
    (<Quantity(156.6, 'milligram / day')>, 'RDA', <Quantity(400.0, 'milligram / day')>)
    """

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    person: Person
    framework: Framework
    life_stage: str
    n_days: int = Field(ge=1)
    daily: tuple[DayTotal, ...]
    food_mg: MgPerDay
    supplemental_mg: MgPerDay
    total_mg: MgPerDay
    target_mg: MgPerDay | None
    target_kind: str | None
    percent_of_target: float | None
    ear_mg: MgPerDay | None
    probability_adequate: float | None
    sd_within_mg: float | None
    sd_within_note: str
    confidence_above_ai: float | None
    ul_supplemental_mg: MgPerDay | None
    max_daily_supplemental_mg: MgPerDay
    exceeds_ul: bool | None
    conclusion: str
    effective_mg: EffectiveRange
    items: tuple[ItemContribution, ...]
    warnings: tuple[str, ...]
    references: ReferenceValues
    risk_factors: tuple[RiskFactor, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """Plain Python types (numbers in mg/day), ready for JSON."""
        return self.model_dump(mode="json")

    def to_json(self, **kwargs: Any) -> str:
        """JSON text; keyword arguments go to ``model_dump_json`` (e.g. ``indent=2``)."""
        return self.model_dump_json(**kwargs)

    def __str__(self) -> str:
        from magcalc._display import assessment_text

        return assessment_text(self)

    def summary(self) -> str:
        """
        A few plain sentences a person can read; deterministic.

        Examples
        --------
        >>> from magcalc import Intake, Person
        >>> intake = Intake()
        >>> _ = intake.add_food("11458", "1 cup")
        >>> print(assess(intake, Person(age_years=34, sex="female")).summary())
        ... # doctest: +NORMALIZE_WHITESPACE
        From food you get about 157 mg a day, 49 % of the 320 mg RDA for females 31-50 y
        (IOM1997). With 1 day recorded, the chance that your usual intake is adequate is
        about 11%; one day says little about usual intake, so record more days.
        """
        return _summary(self)

    def suggestions(self, **kwargs: Any) -> Any:
        """
        Foods that close the gap between intake and target, food first.

        Keyword arguments go to :func:`magcalc.suggest_foods` (``prefer``, ``exclude``,
        ``portions``, ``limit``). The gap is ``target - total`` [mg/day], 0 if met.
        """
        from magcalc.suggestions import suggest_foods

        target = 0.0 if self.target_mg is None else float(self.target_mg.magnitude)
        return suggest_foods(max(0.0, target - float(self.total_mg.magnitude)), **kwargs)

    def supplement_advice(self) -> Any:
        """A supplemental dose that closes the gap within the UL; see
        :func:`magcalc.suggestions.supplement_advice`."""
        from magcalc.suggestions import supplement_advice

        return supplement_advice(self)

    def _repr_html_(self) -> str:
        from magcalc._display import assessment_html

        return assessment_html(self)

    def to_dataframe(self, kind: Literal["items", "days", "summary"] = "items") -> Any:
        """
        The assessment as a pandas DataFrame (pandas is an optional extra).

        Parameters
        ----------
        kind : {'items', 'days', 'summary'}, default 'items'
            One row per food or supplement entry, per recorded day, or a single row
            with the totals and reference comparisons [mg/day].

        Raises
        ------
        MissingDependencyError
            If pandas is not installed (``pip install 'magcalc[pandas]'``).
        """
        from magcalc._display import dataframe

        if kind == "items":
            return dataframe(
                [i.model_dump() for i in self.items],
                list(ItemContribution.model_fields),
                nullable_int=("day", "fdc_id"),
            )
        if kind == "days":
            return dataframe(
                [d.model_dump() for d in self.daily],
                list(DayTotal.model_fields),
                nullable_int=("day",),
            )
        if kind == "summary":
            data = self.model_dump(mode="json", exclude={"items", "daily", "references", "person"})
            effective = data.pop("effective_mg")
            data.update({f"effective_{k}_mg": effective[k] for k in ("low", "central", "high")})
            data["warnings"] = " | ".join(data["warnings"])
            return dataframe([data])
        raise InputError(f"kind must be 'items', 'days' or 'summary', not {kind!r}", field="kind")

    def plot(self, kind: Literal["sources", "days"] = "sources", ax: Any = None) -> Any:
        """
        Plot the assessment (matplotlib, an optional extra); returns the Axes.

        ``kind="sources"``: magnesium by food and supplement against the RDA or AI, with
        the EAR and the supplemental UL marked (:func:`magcalc.plotting.plot_sources`);
        ``kind="days"``: each recorded day (:func:`magcalc.plotting.plot_days`).
        """
        from magcalc import plotting

        if kind == "sources":
            return plotting.plot_sources(self, ax=ax)
        if kind == "days":
            return plotting.plot_days(self, ax=ax)
        raise InputError(f"kind must be 'sources' or 'days', not {kind!r}", field="kind")


# --------------------------------------------------------------------------- diary format

# One format for a single person's diary (Intake.read, from_records, `magcalc assess
# --diary`) and for many people's (magcalc.batch, `magcalc batch`): the same columns,
# read by the same functions below, so the same file gives the same numbers both ways.
DIARY_COLUMNS: dict[str, str] = {
    "person_id": "whose row it is; a single diary may have one person only",
    "day": "a whole number (1, 1.0 and '1' are the same day) or a label such as "
    "'2026-11-25'; empty or 'all' on a supplement row means every recorded day",
    "food": "an FDC id, NDB number or food name",
    "amount": "'1/2 cup', '3.5 oz', '1 medium', or a number: grams, or with 'unit' a count",
    "unit": "the unit of a numeric 'amount' ('cup', 'g', 'medium')",
    "grams": "the food's weight [g], instead of 'amount'",
    "supplement": "a supplement form ('citrate') or a Supplement Facts line",
    "form": "another name for the 'supplement' column",
    "elemental_mg": "elemental magnesium per serving [mg]",
    "compound_mg": "mass of the compound per serving [mg]",
    "servings_per_day": "servings of the supplement a day (default 1)",
}
"""The columns a diary may have, and what each holds (names are case-insensitive)."""

# Read only to refuse them on the row: a bare "mg" is ambiguous (elemental or compound).
BARE_DOSE_COLUMNS = ("mg", "dose", "dose_mg", "amount_mg")
FOOD_ONLY_COLUMNS = ("amount", "unit", "grams")
SUPPLEMENT_ONLY_COLUMNS = ("elemental_mg", "compound_mg", "servings_per_day", *BARE_DOSE_COLUMNS)
ALL_DAYS = ("all", "every", "daily")

MAX_CELL_CHARS = 300
"""Longest diary cell magcalc reads [characters]: no food name, amount or label is
longer, and a longer cell (a pasted paragraph, a 1 MB blob) would cost seconds to
compare with the food table. Such a cell is an error saying so."""

_MAX_INT_DIGITS = 4000  # Python refuses to write (str, repr) an int of over 4,300 digits

EXACT_LIMIT = 2**53
"""Day numbers and float person ids must be below this: from 2**53 on, a float cannot
tell neighbouring whole numbers apart (2**53 + 1 is stored as 2**53)."""


def _shown(value: Any, limit: int = 60) -> str:
    """``repr(value)`` for messages: cut to about `limit` characters, and safe for ints
    too long to write (Python refuses to print an int of over 4,300 digits)."""
    try:
        text = repr(value)
    except ValueError:  # an int of over 4,300 digits
        digits = int(value.bit_length() * 0.30103) if isinstance(value, int) else 0
        return f"a {type(value).__name__} of about {digits:,} digits"
    return text if len(text) <= limit else text[: limit - 4] + "..." + text[-1]


def _blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    if isinstance(value, str):
        return not value.strip()
    return type(value).__name__ in ("NAType", "NaTType")  # pandas' missing values


def cell_problem(value: Any) -> str | None:
    """
    Why a diary cell is too big to read, or None: text over :data:`MAX_CELL_CHARS`
    characters, or a whole number too long for Python to write as text.

    Examples
    --------
    >>> cell_problem("almonds") is None
    True
    >>> cell_problem("x" * 1000)
    'has 1,000 characters; magcalc reads at most 300 in a diary cell: shorten it'
    """
    if isinstance(value, str):
        if len(value) > MAX_CELL_CHARS:
            return (
                f"has {len(value):,} characters; magcalc reads at most {MAX_CELL_CHARS} in a "
                "diary cell: shorten it"
            )
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        digits = int(abs(value).bit_length() * 0.30103) + 1
        if digits > _MAX_INT_DIGITS:
            return (
                f"is a number of about {digits:,} digits, too long to read (Python writes "
                "at most 4,300); no id, day or amount is that long"
            )
    return None


def diary_columns(
    labels: Iterable[Any], *, where: str = "the diary", extra: Iterable[str] = ()
) -> tuple[dict[str, Any], list[Any]]:
    """
    Check a diary's column names: the known ones by name, and those with no name.

    Parameters
    ----------
    labels : iterable
        The header (CSV), the keys of a row, or a DataFrame's columns.
    where : str, default 'the diary'
        How messages name the diary (a file name, "row 3").
    extra : iterable of str
        Further column names to accept (magcalc.batch's row-number column).

    Returns
    -------
    columns : dict of str to label
        Normalised name (stripped, lower case) -> the label as given.
    unnamed : list
        Labels that are empty: their cells must be empty too (trailing commas).

    Raises
    ------
    DiaryError
        A duplicated column ("amount,amount") or one magcalc does not read ("servings",
        "notes"): read alongside the others, either would change or be left out of the
        numbers unseen. The message names the column and suggests the closest known one.

    Examples
    --------
    >>> diary_columns(["Day", "food", " amount ", "unit"])[0]
    {'day': 'Day', 'food': 'food', 'amount': ' amount ', 'unit': 'unit'}
    >>> diary_columns(["food", "amount", "servings"])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    magcalc.errors.DiaryError: ... 'servings' ...; did you mean 'servings_per_day'? ...
    """
    import difflib

    known = [*DIARY_COLUMNS, *BARE_DOSE_COLUMNS, *extra]
    found: dict[str, Any] = {}
    unnamed: list[Any] = []
    for label in labels:
        name = str(label).strip().lower() if label is not None else ""
        if not name or name.startswith("unnamed: "):  # pandas names empty headers so
            unnamed.append(label)
            continue
        if name in found:
            raise DiaryError(
                f"{where} has two columns named {name!r}; keep one (the second would "
                "silently replace or be replaced by the first)",
                field=name,
            )
        if name not in known:
            close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
            hint = f"did you mean {close[0]!r}? " if close else ""
            if any(sep in name for sep in ";\t|"):
                hint = "is the file comma-separated? "
            raise DiaryError(
                f"{where} has a column {_shown(str(label))} that magcalc does not read; {hint}"
                "rename or remove it (a diary's columns are: "
                f"{', '.join(map(repr, DIARY_COLUMNS))})",
                field=name,
            )
        found[name] = label
    return found, unnamed


def day_of(value: Any) -> tuple[Literal["day", "all", "blank"], Day | None]:
    """
    What a diary's day cell says: a day, every day, or nothing.

    Whole numbers are days whatever their type: 1, 1.0, "1", " 1 ", "1.0" and "１" are
    day 1 (in a single diary and in a batch alike). Other text is a label
    ("2026-11-25", "mon"); "all", "every" and "daily" mean every recorded day.

    Returns
    -------
    ('day', int or str), ('all', None) or ('blank', None)

    Raises
    ------
    InputError
        A number that is not whole, not finite or not below 2**53, a bool, text with
        characters that look like digits but are not ("²"), or any other type.

    Examples
    --------
    >>> day_of(1), day_of(1.0), day_of("1.0"), day_of(" mon "), day_of("all"), day_of("")
    (('day', 1), ('day', 1), ('day', 1), ('day', 'mon'), ('all', None), ('blank', None))
    """
    bad = (
        f"day must be a whole number or a label such as '2026-11-25', not {_shown(value)}; "
        "'all' (or an empty day on a supplement row) means every day"
    )
    number: float | int
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return "blank", None
        if text.lower() in ALL_DAYS:
            return "all", None
        odd = odd_digit_message(text, "day")
        if odd is not None:
            raise InputError(odd, field="day")
        read = plain_number(text)
        if read is None:
            return "day", text
        number = read
    elif isinstance(value, bool) or type(value).__name__ == "bool_":
        raise InputError(bad, field="day")
    elif isinstance(value, numbers.Integral):
        number = int(value)
    elif isinstance(value, numbers.Real):
        number = float(value)
        if math.isnan(number):
            return "blank", None
    elif _blank(value):
        return "blank", None
    else:
        raise InputError(bad, field="day")
    if isinstance(number, float) and not (math.isfinite(number) and number.is_integer()):
        raise InputError(bad, field="day")
    if abs(number) >= EXACT_LIMIT:
        raise InputError(
            f"day {_shown(value)} is too large for a day number (below 2**53); use a label "
            "such as '2026-11-25'",
            field="day",
        )
    return "day", int(number)


def diary_number(value: Any, column: str, unit: str = "mg") -> float:
    """
    A number cell of a diary (a dose, servings, grams) as a float.

    Text must be a plain decimal number ("200", "0.5", "1e3"); digits of other scripts,
    superscripts and words are refused, not guessed.

    Raises
    ------
    DiaryError
        Naming the column and what to write.

    Examples
    --------
    >>> diary_number(" 200 ", "elemental_mg"), diary_number(2, "servings_per_day")
    (200.0, 2.0)
    """
    expected = f"{column} must be a number [{unit}]"
    if isinstance(value, str):
        odd = odd_digit_message(value.strip(), column)
        if odd is not None:
            raise DiaryError(odd, field=column)
        number = plain_number(value)
        if number is None:
            raise DiaryError(f"{expected}, not {_shown(value)}", field=column)
        return number
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise DiaryError(f"{expected}, not {_shown(value)}", field=column)
    try:
        return float(value)
    except (TypeError, ValueError, OverflowError):  # an int too large for a float
        raise DiaryError(f"{expected}, not {_shown(value)}", field=column) from None


def diary_amount(amount: Any, unit: Any = None) -> Any:
    """
    A food row's amount, from its ``amount`` and ``unit`` cells, as :func:`serving`
    takes it: text such as "1/2 cup", or grams (a bare number).

    With a unit, the amount must be a number alone: ``1`` + ``cup`` is "1 cup", while
    ``1 oz`` + ``cup`` is refused (which one was meant?).

    Raises
    ------
    AmountError
        An amount with its own unit next to a unit cell, a bool, a unit that is not
        text, or digits that are not 0-9 ("1²").

    Examples
    --------
    >>> diary_amount("1", "cup"), diary_amount(0.5, "cup"), diary_amount("28.35")
    ('1 cup', '0.5 cup', 28.35)
    """
    if isinstance(amount, str):
        odd = odd_digit_message(amount.strip(), "amount")
        if odd is not None:
            raise AmountError(odd)
    if _blank(unit):
        if isinstance(amount, str):
            number = plain_number(amount)
            return amount.strip() if number is None else number
        return amount  # grams, a Quantity, or junk that serving() refuses
    if not isinstance(unit, str):
        raise AmountError(f"unit must be text such as 'cup' or 'g', not {_shown(unit)}")
    unit_text = unit.strip()
    odd = odd_digit_message(unit_text, "unit")
    if odd is not None:
        raise AmountError(odd)
    if isinstance(amount, bool) or type(amount).__name__ == "bool_":
        raise AmountError(f"amount must be a number, not {amount!r}")
    if isinstance(amount, numbers.Real):
        try:
            number_text = repr(float(amount))
        except OverflowError:
            raise AmountError(
                f"amount {_shown(amount)} is too large to use; give a number such as 0.5"
            ) from None
    elif isinstance(amount, str):
        number_text = amount.strip()
        try:
            alone = parse_amount(f"{number_text} g")
        except MagcalcError:
            alone = None
        if alone is None or alone.unit != "gram" or alone.qualifier:
            raise AmountError(
                f"amount {_shown(amount)} has its own unit and the unit column says "
                f"{_shown(unit_text)}; give the number in 'amount' and the unit in 'unit' "
                "(or all of it in 'amount', e.g. '1/2 cup')"
            )
    else:
        raise AmountError(
            f"amount must be a number or text such as '1/2 cup', not {type(amount).__name__}"
        )
    return f"{number_text} {unit_text}"


def person_key(value: Any) -> str:
    """
    A person id as the text it is matched by: 7, 7.0, "7" and " 7 " are the same person.

    Raises
    ------
    InputError
        A float id of 2**53 or more (it may be another person's id, rounded), a
        number too long to write, or a list, dict or other container.

    Examples
    --------
    >>> person_key(7), person_key(7.0), person_key(" 7 ")
    ('7', '7', '7')
    """
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        problem = cell_problem(int(value))
        if problem is not None:
            raise InputError(f"person_id {problem}", field="person_id")
        return str(int(value))
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        number = float(value)
        if number.is_integer():
            if abs(number) >= EXACT_LIMIT:
                raise InputError(
                    f"person_id {number!r} is a float of 2**53 or more, which cannot hold every "
                    "whole number (it may be another person's id, rounded); store ids as "
                    "text or as integers (e.g. pandas.read_csv(..., dtype={'person_id': str}))",
                    field="person_id",
                )
            return str(int(number))
        return str(value)
    if isinstance(value, (list, tuple, dict, set, frozenset)) or not _hashable(value):
        raise InputError(
            f"person_id holds a {type(value).__name__} ({_shown(value)}); a cell holds one "
            "value: text or a number",
            field="person_id",
        )
    return str(value)


def _hashable(value: Any) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True


def _csv_text(path: Path, what: str, error: type[InputError]) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise error(f"no {what} file at {str(path)!r}") from None
    except UnicodeDecodeError as err:
        raise error(f"{str(path)!r} is not UTF-8 text ({err.reason}); save it as UTF-8") from None
    except OSError as err:
        raise error(_unreadable(path, err, what)) from None


def read_csv_table(
    path: str | Path, what: str = "diary", error: type[InputError] = DiaryError
) -> tuple[list[str], list[list[str]]]:
    """
    The header and rows of a CSV file, read exactly or refused.

    Every row has as many cells as the header: shorter rows are padded with empty
    cells, and a row with more (non-empty) fields than the header is an error with its
    line number, because its cells would be read under the wrong columns ("1,almonds,
    1,5 oz": an unquoted comma). Empty lines are skipped.

    Parameters
    ----------
    path : str or Path
    what : str, default 'diary'
        What the file is, for messages.
    error : type, default DiaryError
        The error to raise.

    Raises
    ------
    DiaryError (or `error`)
        Missing, unreadable or non-UTF-8 file, a field over the csv module's limit, or a
        row with more fields than the header.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "diary.csv"
    >>> _ = path.write_text("day,food,amount\\n1,almonds,1,5 oz\\n")
    >>> read_csv_table(path)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    magcalc.errors.DiaryError: ...diary.csv' line 2 has 4 fields but the header has 3 ...
    """
    path = Path(path)
    text = _csv_text(path, what, error)
    reader = csv.reader(io.StringIO(text, newline=""))
    rows: list[list[str]] = []
    try:
        header = next(reader, [])
        width = len(header)
        for fields in reader:
            if not fields:
                continue
            if len(fields) > width:
                if any(f.strip() for f in fields[width:]):
                    raise error(
                        f"{str(path)!r} line {reader.line_num} has {len(fields)} fields but "
                        f"the header has {width} ({', '.join(header)}): a cell with a comma "
                        'must be in double quotes ("1,5 oz"); or write 1.5 oz'
                    )
                fields = fields[:width]
            rows.append(fields + [""] * (width - len(fields)))
    except csv.Error as err:  # e.g. a field over csv's 128 KiB limit
        raise error(
            f"{str(path)!r} line {reader.line_num} cannot be read as CSV ({err}); "
            f"save the {what} as comma-separated text with one entry a line"
        ) from None
    return header, rows


def read_csv_header(
    path: str | Path, what: str = "diary", error: type[InputError] = DiaryError
) -> list[str]:
    """The header row of a CSV file, read with :func:`read_csv_table`'s rules."""
    path = Path(path)
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            return next(csv.reader(fh), [])
    except FileNotFoundError:
        raise error(f"no {what} file at {str(path)!r}") from None
    except UnicodeDecodeError as err:
        raise error(f"{str(path)!r} is not UTF-8 text ({err.reason}); save it as UTF-8") from None
    except csv.Error as err:
        raise error(f"{str(path)!r} line 1 cannot be read as CSV ({err})") from None
    except OSError as err:
        raise error(_unreadable(path, err, what)) from None


# --------------------------------------------------------------------------- intake


def _food_day(day: Any) -> Day:
    checked = Intake._check_day(day, allow_none=False)
    assert checked is not None
    return checked


def _supplement_day(day: Any) -> Day | None:
    return Intake._check_day(day, allow_none=True)


class FoodEntry(ValueModel):
    """A food eaten on a day: the day and the resolved serving."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    day: Annotated[Day, BeforeValidator(_food_day)]
    serving: Serving


class SupplementEntry(ValueModel):
    """A supplement taken on a day, or on every recorded day (``day=None``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    day: Annotated[Day | None, BeforeValidator(_supplement_day)] = None
    supplement: Supplement


class Intake(InputModel):
    """
    One or more days of foods and supplements.

    Foods are resolved when added, so an unknown food or a bad amount fails at once,
    with a helpful error, rather than at assessment time.

    An Intake is a pydantic model: ``model_dump_json()`` and ``model_validate_json()``
    round-trip it (each serving with its food, grams and magnesium), and its JSON Schema
    documents it, so a web service can take it as a request body. The JSON holds
    resolved servings, so a service that accepts intakes from untrusted clients should
    rather take diary rows and build the intake with :meth:`from_records`, where every
    number comes from the bundled USDA table.

    Attributes
    ----------
    food_entries : list of FoodEntry
    supplement_entries : list of SupplementEntry

    Examples
    --------
    >>> intake = Intake()
    >>> _ = intake.add_food("almonds", "1 oz", day=1)
    >>> _ = intake.add_supplement(Supplement(form="citrate", elemental_mg=200), day=None)
    >>> intake.days
    [1]
    >>> Intake.model_validate_json(intake.model_dump_json()) == intake
    True
    """

    # Mutable, unlike other input models: entries are added one by one. Validation errors
    # (from JSON too) are InputErrors, as for every model built from input.
    model_config = ConfigDict(frozen=False, extra="forbid", validate_assignment=True)

    food_entries: list[FoodEntry] = Field(default_factory=list)
    supplement_entries: list[SupplementEntry] = Field(default_factory=list)

    @model_validator(mode="after")
    def _checked(self) -> Self:
        for entry in self.food_entries:
            _check_serving(entry.serving)
        for s_entry in self.supplement_entries:
            _check_supplement(s_entry.supplement)
        return self

    def __repr__(self) -> str:
        return (
            f"<Intake: {len(self.food_entries)} foods, {len(self.supplement_entries)} "
            f"supplements, {len(self.days)} day(s)>"
        )

    def __str__(self) -> str:
        return repr(self)

    def __len__(self) -> int:
        return len(self.food_entries) + len(self.supplement_entries)

    @staticmethod
    def _check_day(day: Any, *, allow_none: bool) -> Day | None:
        """A day as diaries read it (:func:`day_of`): 1, 1.0 and "1" are day 1."""
        if day is None and allow_none:
            return None
        if isinstance(day, str) and not day.strip():
            raise InputError(
                "day label is empty; give a day number or a label such as '2026-11-25'",
                field="day",
            )
        kind, value = day_of(day)
        if kind == "day":
            return value
        if kind == "all":
            if allow_none:
                return None
            raise InputError(
                f"a food needs a day: {day!r} (every day) is for supplements; give a day "
                "number or a label such as '2026-11-25'",
                field="day",
            )
        raise InputError(
            f"day must be a whole number or a label such as '2026-11-25', not {_shown(day)}",
            field="day",
        )

    def add_food(self, food: FoodLike, amount: Any = None, *, day: Day = 1) -> Serving:
        """
        Add a food in a household amount on a day.

        Parameters
        ----------
        food : Food, int or str
            A Food, FDC id, FNDDS food code, NDB number or name (best match), or a whole
            entry with its amount ("2 eggs scrambled") when `amount` is left out.
        amount : str, float or pint.Quantity, optional
            "1/2 cup", "3.5 oz", "1 medium", a Quantity, or grams.
        day : int or str, default 1

        Returns
        -------
        Serving
            The resolved food, grams and magnesium (None when unknown).
        """
        checked = self._check_day(day, allow_none=False)
        assert checked is not None
        result = serving(food, amount)
        # Checked above; constructing skips validating the serving a second time.
        self.food_entries.append(FoodEntry.model_construct(day=checked, serving=result))
        return result

    def add_foods(self, line: str, *, day: Day = 1) -> Servings:
        """
        Add every food that a line names ("2 eggs and a slice of toast") on a day.

        Parameters
        ----------
        line : str
            One or more food entries, read by :func:`magcalc.servings`.
        day : int or str, default 1

        Returns
        -------
        Servings
            The servings added, with ``unplaced`` listing the parts that were not
            (nothing of those is added; check it).

        Examples
        --------
        >>> intake = Intake()
        >>> [s.food.description for s in intake.add_foods("2 eggs and 1 cup milk")]
        ['Egg, whole, raw, fresh', 'Milk, whole, 3.25% milkfat, with added vitamin D']
        """
        found = servings(line)
        for item in found:
            self.add_serving(item, day=day)
        return found

    def add_serving(self, item: Serving, *, day: Day = 1) -> Serving:
        """Add an already resolved :class:`~magcalc.foods.Serving` (e.g. from FDC)."""
        checked = self._check_day(day, allow_none=False)
        assert checked is not None
        _check_serving(item)
        self.food_entries.append(FoodEntry.model_construct(day=checked, serving=item))
        return item

    def add_supplement(self, supplement: Supplement | str, *, day: Day | None = 1) -> Supplement:
        """
        Add a supplement taken on a day, or every recorded day with ``day=None``.

        Parameters
        ----------
        supplement : Supplement or str
            A :class:`Supplement`, or a Supplement Facts line such as
            "Magnesium (as magnesium citrate) 200 mg" (elemental).
        day : int, str or None, default 1
            None means taken on every day of the record.
        """
        if isinstance(supplement, str):
            supplement = parse_label(supplement)
        if not isinstance(supplement, Supplement):
            raise InputError(
                f"expected a Supplement or a label line, not {type(supplement).__name__}",
                field="supplement",
            )
        _check_supplement(supplement)
        checked = self._check_day(day, allow_none=True)
        # Checked above: validating again would repeat its plausibility warning.
        self.supplement_entries.append(
            SupplementEntry.model_construct(day=checked, supplement=supplement)
        )
        return supplement

    @property
    def days(self) -> list[Day]:
        """Recorded days in the order first seen (days with foods or dated supplements)."""
        seen: dict[Day, None] = {}
        for entry in self.food_entries:
            seen.setdefault(entry.day, None)
        for s_entry in self.supplement_entries:
            if s_entry.day is not None:
                seen.setdefault(s_entry.day, None)
        if not seen and self.supplement_entries:
            seen[1] = None
        return list(seen)

    @property
    def foods(self) -> list[tuple[Day, Serving]]:
        """(day, serving) pairs."""
        return [(e.day, e.serving) for e in self.food_entries]

    @property
    def supplements(self) -> list[tuple[Day | None, Supplement]]:
        """(day or None for every day, supplement) pairs."""
        return [(e.day, e.supplement) for e in self.supplement_entries]

    # ------------------------------------------------------------------ diaries

    @classmethod
    def from_records(cls, records: Iterable[Mapping[str, Any]]) -> Intake:
        """
        Build an intake from diary rows.

        The columns are those of :data:`DIARY_COLUMNS`, as in a batch diary
        (:func:`magcalc.batch.assess_frame`): ``day`` (a whole number or a label; a row
        without a ``day`` key is day 1), and either ``food`` with ``amount`` (text such
        as "1/2 cup", or a number with ``unit``: ``1`` + ``cup``; a bare number is grams)
        or ``grams``, or ``supplement`` (a form name or a label line; ``form`` is the
        same column) with ``elemental_mg`` or ``compound_mg`` and optional
        ``servings_per_day``. A supplement row with ``day`` empty or "all" counts on
        every recorded day. A ``person_id`` column may name one person.

        Raises
        ------
        DiaryError
            Naming the row (1-based, header excluded) and what to fix: an unknown,
            misspelt or duplicated column, a cell that belongs to the other kind of row
            (``servings_per_day`` on a food row), a food row with an empty day, rows of
            several people, a cell over :data:`MAX_CELL_CHARS` characters, ...
        """
        if isinstance(records, (str, bytes, Mapping)) or not isinstance(records, Iterable):
            raise DiaryError(
                f"records must be a list of rows (dicts of column -> value), not "
                f"{type(records).__name__}; e.g. [{{'day': 1, 'food': 'almonds', "
                "'amount': '1 oz'}]",
                field="records",
            )
        intake = cls()
        people: dict[str, int] = {}
        for number, row in enumerate(records, start=1):
            try:
                who = intake._add_record(row)
            except MagcalcError as err:
                raise DiaryError(f"row {number}: {err}", field=getattr(err, "field", None)) from err
            if who is not None:
                people.setdefault(who, number)
        if len(people) > 1:
            (first, _), (second, at) = list(people.items())[:2]
            raise DiaryError(
                f"row {at}: person_id {second!r} is another person than {first!r}; this "
                "diary is one person's: assess several people with magcalc.batch.assess_frame "
                "or `magcalc batch`",
                field="person_id",
            )
        if not len(intake):
            raise DiaryError("the diary has no rows; add foods or supplements")
        return intake

    def _add_record(self, row: Mapping[str, Any]) -> str | None:
        """Add one diary row; returns its person id (as text) or None."""
        if not isinstance(row, Mapping):
            raise DiaryError(f"a diary row must be a mapping of column -> value, not {row!r}")
        if None in row:  # csv.DictReader puts the fields beyond the header here
            raise DiaryError(
                "the row has more fields than the header: a cell with a comma must be in "
                'double quotes ("1,5 oz"); or write 1.5 oz'
            )
        columns, unnamed = diary_columns(row, where="the row")
        for label in unnamed:
            if not _blank(row[label]):
                raise DiaryError(
                    f"the row has {_shown(row[label])} under a column with no name; name the "
                    "column or empty the cell"
                )
        clean: dict[str, Any] = {}
        for name, label in columns.items():
            value = row[label]
            problem = cell_problem(value)
            if problem is not None:
                raise DiaryError(f"{name} {problem}", field=name)
            # None and empty text are empty cells; NaN in a record is a value to refuse.
            if value is not None and not (isinstance(value, str) and not value.strip()):
                clean[name] = value.strip() if isinstance(value, str) else value
        who = person_key(clean["person_id"]) if "person_id" in clean else None
        food = clean.get("food")
        supp = clean.get("supplement", clean.get("form"))
        if "supplement" in clean and "form" in clean:
            raise DiaryError(
                "give the supplement in 'supplement' or in 'form', not both", field="form"
            )
        if food is not None and supp is not None:
            raise DiaryError("a row has either 'food' or 'supplement', not both", field="food")
        if food is not None:
            for name in SUPPLEMENT_ONLY_COLUMNS:
                if name in clean:
                    raise DiaryError(
                        f"'{name}' is for supplement rows, and this is a food row; give the "
                        "food's amount in 'amount' (e.g. '2 cups') or put the supplement on "
                        "its own row",
                        field=name,
                    )
            # A row without a day column is day 1; an empty day cell is no day.
            kind, day = day_of(clean.get("day")) if "day" in columns else ("day", 1)
            if kind != "day" or day is None:
                raise DiaryError(
                    "a food row needs a day (a number or a label such as '2026-11-25'); "
                    "'all' and empty days are for supplements",
                    field="day",
                )
            self.add_food(_diary_food(food), _food_amount(clean), day=day)
            return who
        if supp is not None:
            for name in FOOD_ONLY_COLUMNS:
                if name in clean:
                    raise DiaryError(
                        f"'{name}' is for food rows, and this is a supplement row; give the "
                        "dose in elemental_mg or compound_mg",
                        field=name,
                    )
            kind, day = day_of(clean.get("day"))
            taken_on = day if kind == "day" else None
            self.add_supplement(_diary_supplement(supp, clean), day=taken_on)
            return who
        raise DiaryError(
            "a row needs a 'food' (with 'amount') or a 'supplement' column; "
            f"got columns {sorted(clean)}",
            field="food",
        )

    @classmethod
    def read_csv(cls, path: str | Path) -> Intake:
        """
        Read a diary CSV whose columns are those of :data:`DIARY_COLUMNS` (day, food,
        amount, unit, grams, supplement, elemental_mg, compound_mg, servings_per_day; see
        :meth:`from_records`): the format of ``magcalc batch`` too.

        Raises
        ------
        DiaryError
            An unreadable file, a column that is unknown, misspelt or duplicated, a line
            with more fields than the header (an unquoted comma: "1,almonds,1,5 oz"),
            or a bad row; the message names the column, line or row.
        """
        path = _diary_path(path)
        header, rows = read_csv_table(path)
        columns = {str(c).strip().lower() for c in header}
        if not columns & {"food", "supplement", "form"}:
            raise DiaryError(
                f"{str(path)!r} has no 'food' or 'supplement' column (found: "
                f"{', '.join(sorted(c for c in columns if c)) or 'none'}); is it comma-separated "
                "with a header?"
            )
        # Empty header cells get pandas' names, so that each keeps its own column.
        header = [c if c.strip() else f"Unnamed: {i}" for i, c in enumerate(header)]
        diary_columns(header, where=repr(str(path)))
        return cls.from_records(dict(zip(header, row, strict=True)) for row in rows)

    @classmethod
    def read_json(cls, path: str | Path) -> Intake:
        """Read a diary JSON file: a list of row objects, or ``{"entries": [...]}``."""
        path = _diary_path(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise DiaryError(f"no diary file at {str(path)!r}") from None
        except OSError as err:
            raise DiaryError(_unreadable(path, err)) from None
        except (ValueError, RecursionError) as err:
            # ValueError: bad UTF-8, bad JSON, or an integer of over 4300 digits;
            # RecursionError: arrays nested thousands deep (issue 7).
            raise DiaryError(f"{str(path)!r} is not valid UTF-8 JSON: {err}") from None
        if isinstance(data, dict) and isinstance(data.get("entries"), list):
            data = data["entries"]
        if not isinstance(data, list):
            raise DiaryError(f"{str(path)!r} must hold a list of rows or {{'entries': [...]}}")
        return cls.from_records(data)

    @classmethod
    def read(cls, path: str | Path) -> Intake:
        """Read a diary file, CSV or JSON by its extension."""
        suffix = _diary_path(path).suffix.lower()
        if suffix == ".json":
            return cls.read_json(path)
        if suffix in (".csv", ".txt"):
            return cls.read_csv(path)
        raise DiaryError(f"diary {str(path)!r}: use a .csv or .json file")


def _diary_path(path: Any) -> Path:
    if not isinstance(path, (str, os.PathLike)) or not str(path).strip():
        raise DiaryError(
            f"a diary path must be a file name such as 'diary.csv', not {path!r}", field="path"
        )
    return Path(path)


def _unreadable(path: Path, err: OSError, what: str = "diary") -> str:
    return (
        f"cannot read the {what} {str(path)!r} ({err.strerror or err}); give a readable "
        ".csv or .json file"
    )


def _diary_food(food: Any) -> Any:
    """A food cell; an id written with digits that are not 0-9 ("²", "①") is refused."""
    if isinstance(food, str) and food.isdigit():
        odd = odd_digit_message(food, "food")
        if odd is not None:
            raise DiaryError(f"{odd}; or give the food's name", field="food")
    return food


def _food_amount(clean: Mapping[str, Any]) -> Any:
    """A food row's amount as serving() takes it, from 'amount' (+ 'unit') or 'grams'."""
    if "grams" in clean:
        if "amount" in clean or "unit" in clean:
            raise DiaryError(
                "give either 'amount' (with an optional 'unit') or 'grams', not both",
                field="grams",
            )
        return diary_number(clean["grams"], "grams", "g")
    if "amount" not in clean:
        raise DiaryError(
            "food row has no 'amount'; write e.g. '1/2 cup' or '100 g' (or give 'grams')",
            field="amount",
        )
    return diary_amount(clean["amount"], clean.get("unit"))


def _diary_supplement(form: Any, clean: Mapping[str, Any]) -> Supplement:
    """A supplement row's dose, as magcalc.batch reads it."""
    for bare in BARE_DOSE_COLUMNS:
        if bare in clean:
            Supplement(form=form, **{bare: clean[bare]})  # raises: a bare mg is ambiguous
    kwargs: dict[str, Any] = {}
    if "servings_per_day" in clean:
        kwargs["servings_per_day"] = diary_number(
            clean["servings_per_day"], "servings_per_day", "servings a day"
        )
    elemental, compound = clean.get("elemental_mg"), clean.get("compound_mg")
    if elemental is None and compound is None:
        return parse_label(str(form), **kwargs)
    if elemental is not None:
        kwargs["elemental_mg"] = diary_number(elemental, "elemental_mg")
    if compound is not None:
        kwargs["compound_mg"] = diary_number(compound, "compound_mg")
    return Supplement(form=form, **kwargs)


# --------------------------------------------------------------------------- assessment


def _phi(z: float) -> float:
    """Standard normal cumulative distribution."""
    return 0.5 * (1.0 + math.erf(z / math.sqrt(2.0)))


@lru_cache(maxsize=1)  # a constant data row; assess() is called in loops
def _food_absorption() -> tuple[float, float, float]:
    with data_file("food_absorption.csv").open(newline="", encoding="utf-8") as fh:
        row = next(csv.DictReader(fh))
    return float(row["low"]), float(row["central"]), float(row["high"])


def _range(value: Any, name: str) -> tuple[float, float, float]:
    try:
        low, central, high = (float(v) for v in value)
    except (TypeError, ValueError):
        raise InputError(
            f"{name} must be (low, central, high), not {value!r}", field=name
        ) from None
    if not all(math.isfinite(v) and v >= 0 for v in (low, central, high)) or not (
        low <= central <= high
    ):
        raise InputError(
            f"{name} must be finite, non-negative and ordered low <= central <= high: {value!r}",
            field=name,
        )
    return low, central, high


def assess(
    intake: Intake,
    person: Person,
    framework: Framework | str = "IOM1997",
    *,
    sd_within_mg: float | None = None,
    food_absorption: tuple[float, float, float] | None = None,
    absorption: Mapping[str, tuple[float, float, float]] | None = None,
) -> Assessment:
    """
    Assess a person's magnesium intake against reference values.

    Parameters
    ----------
    intake : Intake
        One or more days of foods and supplements.
    person : Person
        Age, sex, pregnancy and lactation.
    framework : str, default 'IOM1997'
        Reference framework (see :func:`magcalc.frameworks`).
    sd_within_mg : float, optional
        Day-to-day (within-person) SD of magnesium intake [mg/day] for the IOM 2000
        probability of adequacy. Default: :func:`magcalc.references.within_person_sd`
        (86 mg/day for women from IOM's worked example; approximations elsewhere).
    food_absorption : (low, central, high), optional
        Fraction of food magnesium absorbed, for the estimate only. Default 0.30, 0.35,
        0.40 (NIH ODS: 30-40 %).
    absorption : mapping of form -> (low, central, high), optional
        Override a supplement form's absorption factors relative to food magnesium.

    Returns
    -------
    Assessment

    Raises
    ------
    InputError
        Empty intake or bad parameters.
    UnknownFrameworkError, NoReferenceValueError
        From :func:`magcalc.reference_values`.

    References
    ----------
    .. [1] Institute of Medicine, "Dietary Reference Intakes for Calcium, Phosphorus,
       Magnesium, Vitamin D, and Fluoride," 1997, doi:10.17226/5776.
    .. [2] Institute of Medicine, "Dietary Reference Intakes: Applications in Dietary
       Assessment," 2000, pp. 54-61, doi:10.17226/9956.

    Examples
    --------
    >>> from magcalc import Intake, Person, Supplement
    >>> intake = Intake()
    >>> _ = intake.add_food("spinach, boiled", "1 cup")
    >>> _ = intake.add_supplement(Supplement(form="citrate", elemental_mg=200))
    >>> report = assess(intake, Person(age_years=34, sex="female"))
    >>> round(report.total_mg.magnitude, 1), report.target_kind, report.exceeds_ul
    (356.6, 'RDA', False)
    """
    if not isinstance(intake, Intake):
        raise InputError(f"intake must be an Intake, not {type(intake).__name__}", field="intake")
    if not isinstance(person, Person):
        raise InputError(f"person must be a Person, not {type(person).__name__}", field="person")
    if not len(intake):
        raise InputError("the intake is empty; add foods or supplements first", field="intake")
    # Checked where used: a copy or model_construct() can hold what no constructor takes.
    for _, supplement in intake.supplements:
        _check_supplement(supplement)
    for _, item in intake.foods:
        _check_serving(item)
    refs = reference_values(person, framework=framework)
    days = intake.days
    n = len(days)

    # --- per day sums (unknown foods are left out and counted, never summed as 0)
    food_by_day = {d: 0.0 for d in days}
    unknown_by_day = {d: 0 for d in days}
    supp_by_day = {d: 0.0 for d in days}
    for day, item in intake.foods:
        if item.magnesium_mg is None:
            unknown_by_day[day] += 1
        else:
            food_by_day[day] += item.magnesium_mg
    for sday, supplement in intake.supplements:
        for d in days if sday is None else [sday]:
            supp_by_day[d] += supplement.elemental_mg_per_day
    daily = tuple(
        DayTotal(
            day=d,
            food_mg=food_by_day[d],
            supplemental_mg=supp_by_day[d],
            total_mg=food_by_day[d] + supp_by_day[d],
            foods_without_data=unknown_by_day[d],
        )
        for d in days
    )
    food_mean = sum(food_by_day.values()) / n
    supp_mean = sum(supp_by_day.values()) / n
    total_mean = food_mean + supp_mean
    if not math.isfinite(total_mean):  # each entry is finite, their sum overflowed (issue 7)
        raise InputError(
            "the intake's amounts add up to more magnesium than can be computed with; "
            "check the amounts (g, not kg; mg, not g)",
            field="intake",
        )

    # --- items and their contributions to the mean
    items: list[ItemContribution] = []
    for day, item in intake.foods:
        per_day = None if item.magnesium_mg is None else item.magnesium_mg / n
        items.append(
            ItemContribution(
                day=day,
                kind="food",
                name=item.food.description,
                amount=item.amount,
                grams=item.grams,
                magnesium_mg=item.magnesium_mg,
                per_day_mg=per_day,
                share=None if per_day is None or total_mean == 0 else per_day / total_mean,
                basis=item.basis,
                fdc_id=item.food.fdc_id,
            )
        )
    for sday, supplement in intake.supplements:
        taken_on = n if sday is None else 1
        per_day = supplement.elemental_mg_per_day * taken_on / n
        items.append(
            ItemContribution(
                day=sday,
                kind="supplement",
                name=supplement.label
                or f"supplement: magnesium {supplement.form.replace('_', ' ')}",
                amount=f"{supplement.servings_per_day:g} x/day",
                magnesium_mg=supplement.elemental_mg_per_day,
                per_day_mg=per_day,
                share=None if total_mean == 0 else per_day / total_mean,
                basis=supplement.derivation,
                form=supplement.form,
            )
        )

    # --- reference comparisons
    target = refs.target_mg
    percent = None if not target else 100.0 * total_mean / target
    sd_note = ""
    if sd_within_mg is None:
        sd_within, sd_note = within_person_sd(person)
    else:
        if isinstance(sd_within_mg, bool) or not isinstance(sd_within_mg, (int, float)):
            raise InputError("sd_within_mg must be a number [mg/day]", field="sd_within_mg")
        try:
            sd_within = float(sd_within_mg)
        except OverflowError:  # an int too large for a float (issue 7)
            sd_within = math.inf
        if not math.isfinite(sd_within) or sd_within <= 0:
            raise InputError(
                "sd_within_mg must be a positive number [mg/day]", field="sd_within_mg"
            )
        sd_note = "given by the caller"

    warnings: list[str] = []
    probability = None
    confidence_ai = None
    if refs.ear_mg is not None:
        # IOM 2000 pp. 54-57: SD of the requirement = CV 10 % x EAR (IOM 1997).
        sd_r = 0.10 * refs.ear_mg
        sd_d = math.hypot(sd_r, sd_within / math.sqrt(n))  # sqrt(sd_r² + sd_within²/n)
        z = (total_mean - refs.ear_mg) / sd_d
        probability = _phi(z)
        conclusion = _ear_conclusion(z, probability, n)
    elif refs.ai_mg is not None:
        z_ai = (total_mean - refs.ai_mg) / (sd_within / math.sqrt(n))
        confidence_ai = _phi(z_ai)
        conclusion = (
            f"Only an Adequate Intake exists here. With {probability_text(confidence_ai)} "
            "confidence usual intake is above the AI"
            + (": intake is likely adequate." if _reading(z_ai) == "adequate" else ".")
            + " Intake below the AI cannot be judged inadequate (IOM 2000)."
        )
    else:
        conclusion = (
            f"The {refs.framework} framework gives a {refs.target_kind} here but no EAR, so "
            "no probability of adequacy can be computed; compare with the target only."
        )

    ul = refs.ul_supplemental_mg
    max_supp = max(supp_by_day.values()) if supp_by_day else 0.0
    exceeds = None if ul is None else max_supp > ul
    if exceeds:
        warnings.append(
            f"Supplemental magnesium reaches {max_supp:.0f} mg on a day, over the "
            f"{ul:.0f} mg/day upper limit for supplemental magnesium (its critical effect "
            "is osmotic diarrhoea; food magnesium never counts toward it)."
        )
    # Say which UL applies where none is set, or where another authority's is used.
    if intake.supplements and (ul is None or refs.ul_basis == "fallback"):
        warnings.append(refs.ul_statement)
    if not refs.ul_verified:
        warnings.append(f"The upper limit for this group is unverified: {refs.ul_note}")

    unknown = [s for _, s in intake.foods if s.magnesium_mg is None]
    if unknown:
        names = "; ".join(sorted({s.food.description for s in unknown}))
        warnings.append(
            f"{len(unknown)} food entr{'y has' if len(unknown) == 1 else 'ies have'} no USDA "
            f"magnesium value and {'is' if len(unknown) == 1 else 'are'} left out (unknown, "
            f"not zero), so the totals are a lower bound: {names}."
        )
    if n == 1:
        warnings.append(
            "Only one day is recorded: one day says little about usual intake (IOM 2000); "
            "record two or more non-consecutive days."
        )
    if not refs.verified:
        warnings.append(f"{refs.framework} values for this group are unverified: {refs.note}")
    judged = probability is not None or confidence_ai is not None
    if sd_note and "approximation" in sd_note.lower() and judged:
        warnings.append(f"Within-person SD {sd_within:.0f} mg/day: {sd_note}")

    effective = _effective(intake, days, food_mean, food_absorption, absorption)

    # Documented risk factors: a cited note each; reference values are unchanged (as in
    # the DRIs). Older adults are at risk per NIH ODS; IOM's oldest group is >70 y.
    keys = list(person.conditions)
    if person.age_in_years >= 71 and "older_age" not in keys:
        keys.append("older_age")
    risks = tuple(risk_factor(k) for k in keys)

    return Assessment(
        person=person,
        framework=refs.framework,
        life_stage=refs.life_stage,
        n_days=n,
        daily=daily,
        food_mg=food_mean,
        supplemental_mg=supp_mean,
        total_mg=total_mean,
        target_mg=target,
        target_kind=refs.target_kind,
        percent_of_target=percent,
        ear_mg=refs.ear_mg,
        probability_adequate=probability,
        sd_within_mg=sd_within,
        sd_within_note=sd_note,
        confidence_above_ai=confidence_ai,
        ul_supplemental_mg=ul,
        max_daily_supplemental_mg=max_supp,
        exceeds_ul=exceeds,
        conclusion=conclusion,
        effective_mg=effective,
        items=tuple(items),
        warnings=tuple(warnings),
        references=refs,
        risk_factors=risks,
    )


def _check_supplement(supplement: Any) -> None:
    """
    Refuse a supplement whose amounts no constructor would accept (negative, NaN,
    infinite, both or neither basis, an unknown form): pydantic's ``model_construct``
    and copies that skip validation can make one.
    """
    if not isinstance(supplement, Supplement):
        raise InputError(
            f"expected a Supplement, not {type(supplement).__name__}", field="supplement"
        )
    fix = "build it with Supplement(...) or .model_copy(update=...), which check the amounts"
    form: Any = getattr(supplement, "form", None)
    name = getattr(supplement, "label", None) or f"magnesium {form}"
    get_form(form)
    for field in ("elemental_mg", "compound_mg", "servings_per_day"):
        value = getattr(supplement, field, None)
        if value is None and field != "servings_per_day":
            continue
        if not _finite_non_negative(value):
            raise SupplementError(
                f"supplement {name!r} has {field}={_shown(value)}; it must be a finite, "
                f"non-negative number: {fix}",
                field=field,
            )
    basis = getattr(supplement, "basis", None)
    if basis not in ("elemental", "compound") or getattr(supplement, f"{basis}_mg", None) is None:
        raise SupplementError(
            f"supplement {name!r} must say its basis and give that amount (elemental_mg or "
            f"compound_mg): {fix}",
            field="elemental_mg",
        )
    if supplement.servings_per_day == 0:
        raise SupplementError(
            f"supplement {name!r} has servings_per_day=0: leave it out instead",
            field="servings_per_day",
        )
    per_day = supplement.elemental_mg_per_day
    if not (math.isfinite(per_day) and per_day >= 0):
        raise SupplementError(
            f"supplement {name!r} gives {per_day!r} mg a day: {fix}", field="elemental_mg"
        )


def _check_serving(item: Any) -> None:
    """Refuse a food entry with negative, NaN or infinite grams or magnesium."""
    if not isinstance(item, Serving):
        raise InputError(f"expected a Serving, not {type(item).__name__}", field="item")
    for field in ("grams", "magnesium_mg"):
        value = getattr(item, field, None)
        if value is None and field == "magnesium_mg":
            continue  # unknown, reported, never 0
        if not _finite_non_negative(value):
            name = getattr(getattr(item, "food", None), "description", "a food")
            raise InputError(
                f"the entry {name!r} has {field}={_shown(value)}; it must be a finite, "
                "non-negative number: make entries with magcalc.serving(...)",
                field=field,
            )


def _finite_non_negative(value: Any) -> bool:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return False
    try:
        number = float(value)
    except OverflowError:  # an int too large for a float
        return False
    return math.isfinite(number) and number >= 0


def _reading(z: float) -> Literal["adequate", "inadequate", "uncertain"]:
    """
    How IOM 2000 reads z = D / SD_D: to one decimal, about 1 or more is adequate.

    IOM 2000 reads D/SD_D above 1 as adequate with about 85 % confidence (p. 189,
    Table B-1), and its own example, D/SD_D = 55/56, "just slightly less than 1", as
    "a value of about 1" that "implies an 85 percent probability of correctly concluding
    that this intake is adequate" (p. 54); below -1, inadequate.
    """
    shown = round(z, 1)
    if shown >= 1.0:
        return "adequate"
    return "inadequate" if shown <= -1.0 else "uncertain"


def _ear_conclusion(z: float, probability: float, n: int) -> str:
    """The verdict of IOM 2000's individual method, judged on z (see :func:`_reading`)."""
    days = _days(n)
    verdict = {
        "adequate": "usual intake is likely adequate",
        "inadequate": "usual intake is likely inadequate",
        "uncertain": "adequacy is uncertain",
    }[_reading(z)]
    return (
        f"With {days} recorded, the probability that usual intake meets the requirement is "
        f"{about_probability(probability)}: {verdict} (IOM 2000 method)."
    )


def _effective(
    intake: Intake,
    days: list[Day],
    food_mean: float,
    food_absorption: tuple[float, float, float] | None,
    overrides: Mapping[str, tuple[float, float, float]] | None,
) -> EffectiveRange:
    f_low, f_mid, f_high = (
        _food_absorption()
        if food_absorption is None
        else _range(food_absorption, "food_absorption")
    )
    if f_high > 1:
        raise InputError(
            f"food_absorption is the fraction of food magnesium absorbed, at most 1, not "
            f"{food_absorption!r}; e.g. (0.30, 0.35, 0.40)",
            field="food_absorption",
        )
    if overrides is not None and not isinstance(overrides, Mapping):
        raise InputError(
            f"absorption must be a mapping of form -> (low, central, high), not "
            f"{type(overrides).__name__}; e.g. {{'citrate': (1.0, 1.1, 1.3)}}",
            field="absorption",
        )
    custom = {
        get_form(k).name: _range(v, f"absorption[{k!r}]") for k, v in (overrides or {}).items()
    }
    n = len(days)
    low, mid, high = food_mean * f_low, food_mean * f_mid, food_mean * f_high
    for sday, supplement in intake.supplements:
        per_day = supplement.elemental_mg_per_day * (n if sday is None else 1) / n
        info = supplement.form_info.absorption
        r_low, r_mid, r_high = custom.get(supplement.form, (info.low, info.central, info.high))
        low += per_day * r_low * f_low
        mid += per_day * r_mid * f_mid
        high += per_day * r_high * f_high
    if not all(math.isfinite(v) for v in (low, mid, high)):
        raise InputError(
            "the absorption factors make the absorbed estimate overflow; give factors "
            "relative to food magnesium, around 0.5 to 2",
            field="absorption",
        )
    basis = (
        f"food magnesium x {f_low:.2f}/{f_mid:.2f}/{f_high:.2f} absorbed (NIH ODS: 30-40 %); "
        "supplements x their form's factor relative to food (see supplement_forms())"
    )
    return EffectiveRange(low=low, central=mid, high=high, basis=basis)


# --------------------------------------------------------------------------- text


def _days(n: int) -> str:
    return f"{n} day{'s' if n != 1 else ''}"


def _summary(a: Assessment) -> str:
    food, supp = round(a.food_mg.magnitude), round(a.supplemental_mg.magnitude)
    total = round(a.total_mg.magnitude)
    group = f"{a.life_stage} ({a.framework})"
    if supp > 0:
        first = (
            f"From food you get about {food} mg a day and supplements add {supp} mg, "
            f"about {total} mg in all"
        )
    else:
        first = f"From food you get about {food} mg a day"
    if a.target_mg is not None and a.percent_of_target is not None:
        first += (
            f", {a.percent_of_target:.0f} % of the {a.target_mg.magnitude:.0f} mg "
            f"{a.target_kind} for {group}."
        )
    else:
        first += "."
    parts = [first]
    if a.probability_adequate is not None:
        second = (
            f"With {_days(a.n_days)} recorded, the chance that your usual intake is adequate "
            f"is {about_probability(a.probability_adequate)}"
        )
        second += (
            "; one day says little about usual intake, so record more days."
            if a.n_days == 1
            else "."
        )
        parts.append(second)
    elif a.confidence_above_ai is not None:
        parts.append(
            f"Only an adequate intake (AI) is set for {a.life_stage}: with {_days(a.n_days)} "
            f"recorded you can be {about_probability(a.confidence_above_ai)} confident that usual "
            "intake is above it, and intake below an AI cannot be judged inadequate."
        )
    if a.ul_supplemental_mg is not None and a.max_daily_supplemental_mg.magnitude > 0:
        peak = round(a.max_daily_supplemental_mg.magnitude)
        side = "over" if a.exceeds_ul else "under"
        parts.append(
            f"Your supplements give up to {peak} mg a day, {side} the "
            f"{a.ul_supplemental_mg.magnitude:.0f} mg limit for supplemental magnesium "
            f"({a.references.ul_source}; food does not count toward it)."
        )
    elif a.ul_supplemental_mg is None and a.supplemental_mg.magnitude > 0:
        refs = a.references
        if refs.ul_status == "not determinable":
            parts.append(
                f"No upper limit for supplements can be set for {refs.life_stage} "
                f"({refs.ul_authority}): infants should get magnesium from food and formula "
                "only."
            )
        else:
            parts.append(
                f"{refs.ul_authority} sets no upper limit for supplements for "
                f"{refs.life_stage}; ask a clinician before giving a supplement."
            )
    missing = sum(d.foods_without_data for d in a.daily)
    if missing:
        parts.append(
            f"{missing} food{'s have' if missing != 1 else ' has'} no magnesium data, so your "
            "real intake may be higher."
        )
    parts.extend(_risk_sentences(a))
    return " ".join(parts)


def _risk_sentences(a: Assessment) -> list[str]:
    """What the listed risk factors mean, by which way each moves the risk."""
    out: list[str] = []
    raising = [r.name for r in a.risk_factors if r.effect == "raises"]
    if raising:
        out.append(
            f"You listed {', '.join(raising)}: this can raise the risk of low magnesium; the "
            "reference values stay the same (see the notes and their sources)."
        )
    out.extend(f"You listed {r.name}: {r.note}" for r in a.risk_factors if r.effect != "raises")
    return out
