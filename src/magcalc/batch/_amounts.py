"""
A food row's amount, unit and grams cells read as numbers with a unit spec.

A plain number (grams, or a number beside a unit parsed once per distinct unit) is read
as an array; anything else is parsed as :meth:`magcalc.Intake.from_records` reads it,
once per distinct (amount, unit, grams). The spec keeps the unit without the number, so
the grams per unit are found once per distinct (food, measure).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from magcalc._util import shown
from magcalc.batch._columns import Factor
from magcalc.diary import diary_amount, diary_number, is_blank
from magcalc.errors import AmountError, DiaryError, MagcalcError

if TYPE_CHECKING:
    import numpy.typing as npt

__all__ = ["CellError", "Spec", "amount_cells", "mass_factor", "numeric_pairs"]


@dataclass(frozen=True)
class Spec:
    """A parsed amount without its number: grams = ((value * a) / b) * c."""

    unit: str
    kind: str
    qualifier: str


class CellError(Exception):
    """A food row's amount could not be read: the error, and the column to report."""

    def __init__(self, error: MagcalcError, column: str) -> None:
        super().__init__(str(error))
        self.error, self.column = error, column


def _parse_amount_cell(amount: Any, unit: Any) -> tuple[float, Spec, str]:
    """(value, spec, text) for a food row's amount (and unit) cells, read as
    :meth:`magcalc.Intake.from_records` reads them."""
    from magcalc.units import parse_amount

    value = diary_amount(amount, None if is_blank(unit) else unit)
    if isinstance(value, str):
        parsed = parse_amount(value)
    elif isinstance(amount, str):  # a number written as text: grams
        return _grams(float(value), amount), Spec("gram", "mass", ""), amount.strip()
    elif isinstance(amount, (bool, np.bool_)):
        raise AmountError("amount must be text, a pint Quantity or grams as a number, not a bool")
    elif isinstance(amount, (int, float, np.integer, np.floating)):
        try:
            grams = float(amount)
        except OverflowError:  # an int too large for a float
            grams = math.inf
        return _grams(grams, amount), Spec("gram", "mass", ""), f"{grams:g} g"
    else:
        raise AmountError(
            f"amount must be text ('1/2 cup') or grams as a number, not {type(amount).__name__}"
        )
    return parsed.value, Spec(parsed.unit, parsed.kind, parsed.qualifier), parsed.text


def _grams(value: float, given: Any) -> float:
    if math.isnan(value) or math.isinf(value) or value < 0:
        raise AmountError(f"amount {shown(given)} [g] must be a finite, non-negative number")
    return value


def amount_cells(
    a: Any, u: Any, g: Any, label: Callable[[str], str]
) -> tuple[float, Spec, str, str]:
    """(value, spec, text, column) of a food row's amount, unit and grams cells."""
    try:
        if not is_blank(g):
            if not is_blank(a) or not is_blank(u):
                raise AmountError(
                    "give either 'amount' (with an optional 'unit') or 'grams', not both"
                )
            value = _grams(diary_number(g, "grams", "g"), g)
            return value, Spec("gram", "mass", ""), f"{value:g} g", label("grams")
        if is_blank(a):
            raise DiaryError(
                "food row has no 'amount'; write e.g. '1/2 cup' or '100 g' (or give 'grams')",
                field="amount",
            )
        value, spec, text = _parse_amount_cell(a, u)
        return value, spec, text, label("amount")
    except MagcalcError as err:
        column = "grams" if not is_blank(g) else "unit" if is_blank(a) else "amount"
        if column == "unit" and is_blank(u):
            column = "amount"
        raise CellError(err, label(column)) from err


def numeric_pairs(
    by_name: dict[str, Factor],
    first: npt.NDArray[np.intp],
    used_p: npt.NDArray[np.bool_],
    label: Callable[[str], str],
    spec_id: Callable[[Spec], int],
    value_p: npt.NDArray[np.float64],
    spec_p: npt.NDArray[np.int64],
) -> npt.NDArray[np.bool_]:
    """
    Read the (amount, unit, grams) pairs that are plain numbers, as arrays: an amount in
    grams (a number with no unit), grams in ``grams``, or a number beside a unit given
    once per distinct unit. Fills ``value_p`` and ``spec_p`` there; returns where.

    Only what reads exactly as :func:`amount_cells` would read it, with no error, is
    taken: a finite, non-negative number (not a bool). Anything else, and every value
    that :func:`amount_cells` would refuse, is left to it.
    """
    fast = np.zeros(len(first), dtype=bool)

    def blank(name: str) -> npt.NDArray[np.bool_]:
        fac = by_name.get(name)
        if fac is None:
            return np.ones(len(first), dtype=bool)
        return fac.blank_u()[fac.codes[first]]

    def number(name: str) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.bool_]]:
        fac = by_name.get(name)
        values = np.full(len(first), math.nan)
        if fac is None or not fac.is_numeric() or fac.index.dtype.kind == "b":
            return values, np.zeros(len(first), dtype=bool)
        per_u = np.append(np.asarray(fac.index.to_numpy(dtype=float, na_value=math.nan)), math.nan)
        values = per_u[fac.codes[first]]
        with np.errstate(invalid="ignore"):
            return values, np.isfinite(values) & (values >= 0)

    no_amount, no_unit, no_grams = blank("amount"), blank("unit"), blank("grams")
    amount, amount_ok = number("amount")
    grams, grams_ok = number("grams")
    gram = spec_id(Spec("gram", "mass", ""))
    for take, values in (
        (used_p & amount_ok & no_unit & no_grams, amount),
        (used_p & grams_ok & no_amount & no_unit, grams),
    ):
        value_p[take], spec_p[take], fast[take] = values[take], gram, True
    unit = by_name.get("unit")
    if unit is None:
        return fast
    # A number beside a unit: "0.5" + "cup" reads as "0.5 cup", the unit parsed once.
    # Within [1e-4, 1e15) the number is written without an exponent, so the text read
    # is the number itself.
    with np.errstate(invalid="ignore"):
        plain = amount_ok & (amount >= 1e-4) & (amount < 1e15)
    beside = used_p & plain & ~no_unit & no_grams
    unit_codes = unit.codes[first]
    spec_u = np.full(len(unit.index) + 1, -1, dtype=np.int64)
    for k in np.unique(unit_codes[beside]).tolist():
        spec = _unit_spec(unit.uniques[k], label)
        if spec is not None:
            spec_u[k] = spec_id(spec)
    take = beside & (spec_u[unit_codes] >= 0)
    value_p[take], spec_p[take], fast[take] = amount[take], spec_u[unit_codes[take]], True
    return fast


def _unit_spec(unit: Any, label: Callable[[str], str]) -> Spec | None:
    """The spec of a number beside ``unit``, if the number alone sets the amount."""
    if not isinstance(unit, str) or any(ch in unit for ch in "0123456789/.,+-"):
        return None
    specs = []
    for probe in (1.0, 2.5):
        try:
            value, spec, _, _ = amount_cells(probe, unit, None, label)
        except CellError:
            return None
        if value != probe:
            return None
        specs.append(spec)
    return specs[0] if specs[0] == specs[1] else None


# Grams in grams: 1, without loading pint (0.3 s) for a diary in grams.
_mass_factors: dict[str, float] = {"gram": 1.0}


def mass_factor(unit: str) -> float:
    """Grams per ``unit`` (a mass unit), from pint once per unit."""
    hit = _mass_factors.get(unit)
    if hit is None:
        from magcalc.units import unit_factor

        hit = _mass_factors[unit] = unit_factor(unit)
    return hit
