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
from magcalc.batch._columns import Factor, cell_text, combine_codes, distinct_codes, value_codes
from magcalc.batch._errorlog import ErrorLog, has_error, messages_of
from magcalc.diary import diary_amount, diary_number, is_blank
from magcalc.errors import AmountError, DiaryError, MagcalcError

if TYPE_CHECKING:
    import numpy.typing as npt

__all__ = ["AmountReader", "CellError", "Spec", "amount_cells", "mass_factor", "numeric_pairs"]


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
    used: npt.NDArray[np.bool_],
    label: Callable[[str], str],
    spec_id: Callable[[Spec], int],
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.int64], npt.NDArray[np.bool_]]:
    """
    Read the rows whose (amount, unit, grams) cells are plain numbers, as arrays: an
    amount in grams (a number with no unit), grams in ``grams``, or a number beside a
    unit given once per distinct unit. Returns per row the value, the spec id (-1 where
    not read) and where it was read.

    Only what reads exactly as :func:`amount_cells` would read it, with no error, is
    taken: a finite, non-negative number (not a bool). Anything else, and every value
    that :func:`amount_cells` would refuse, is left to it.
    """
    n = len(used)
    value = np.full(n, math.nan)
    spec = np.full(n, -1, dtype=np.int64)
    fast = np.zeros(n, dtype=bool)

    def blank(name: str) -> npt.NDArray[np.bool_] | None:
        """Per row: the cell is empty (None: the column is absent, every cell empty)."""
        fac = by_name.get(name)
        if fac is None:
            return None
        if fac.is_numeric():
            return fac.codes < 0  # numbers are never blank text
        return fac.blank()

    def number(name: str) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.bool_]] | None:
        fac = by_name.get(name)
        if fac is None or not fac.is_numeric() or fac.index.dtype.kind == "b":
            return None
        per_value = np.asarray(fac.index.to_numpy(dtype=float, na_value=math.nan))
        if fac.per_row and len(per_value) == n:
            values = per_value  # one code per row and none missing: the column itself
        else:
            values = np.append(per_value, math.nan)[fac.codes]
        with np.errstate(invalid="ignore"):
            return values, np.isfinite(values) & (values >= 0)

    def both(*masks: npt.NDArray[np.bool_] | None) -> npt.NDArray[np.bool_]:
        out = used
        for m in masks:
            if m is not None:
                out = out & m
        return out

    no_amount, no_unit, no_grams = blank("amount"), blank("unit"), blank("grams")
    amount, grams = number("amount"), number("grams")
    gram = spec_id(Spec("gram", "mass", ""))
    if amount is not None:
        take = both(amount[1], no_unit, no_grams)
        if take is used or take.all():
            value, fast = amount[0], take  # every row a number of grams: no copies
            spec = np.full(n, gram, dtype=np.int64)
        else:
            value[take], spec[take], fast[take] = amount[0][take], gram, True
    if grams is not None:
        take = both(grams[1], no_amount, no_unit)
        value = np.where(take, grams[0], value)
        spec[take], fast = gram, fast | take
    unit = by_name.get("unit")
    if unit is None or amount is None:
        return value, spec, fast
    # A number beside a unit: "0.5" + "cup" reads as "0.5 cup", the unit parsed once.
    # Within [1e-4, 1e15) the number is written without an exponent, so the text read
    # is the number itself.
    with np.errstate(invalid="ignore"):
        plain = amount[1] & (amount[0] >= 1e-4) & (amount[0] < 1e15)
    assert no_unit is not None
    beside = both(plain, ~no_unit, no_grams)
    spec_u = np.full(len(unit.index) + 1, -1, dtype=np.int64)
    for k in np.unique(unit.codes[beside]).tolist():
        found = _unit_spec(unit.uniques[k], label)
        if found is not None:
            spec_u[k] = spec_id(found)
    take = beside & (spec_u[unit.codes] >= 0)
    value = np.where(take, amount[0], value)
    spec[take], fast = spec_u[unit.codes[take]], fast | take
    return value, spec, fast


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


class AmountReader:
    """
    The food rows' amounts: specs by id, the amounts that are not plain numbers parsed
    once per distinct (amount, unit, grams), and each row's amount as written (for
    messages, made only for the rows that need one).

    Amount ids group rows with the same amount: ``0..k-1`` for the ``k`` distinct
    amounts parsed, ``k + row`` for a row read as a plain number.
    """

    def __init__(self, by_name: dict[str, Factor], n: int) -> None:
        self.names, self.parts = list(by_name), list(by_name.values())
        self.specs: list[Spec] = []
        self._spec_ids: dict[Spec, int] = {}
        self._pair = np.full(n, -1, dtype=np.intp)  # per row: its parsed amount, or -1
        self._pair_text: list[str] = []
        self._row_text: dict[int, str] = {}

    def spec_id(self, spec: Spec) -> int:
        """The id of ``spec`` (given the next one when new)."""
        s = self._spec_ids.get(spec)
        if s is None:
            s = self._spec_ids[spec] = len(self.specs)
            self.specs.append(spec)
        return s

    def read_others(
        self,
        rows: npt.NDArray[np.bool_],
        value: npt.NDArray[np.float64],
        spec: npt.NDArray[np.int64],
        log: ErrorLog,
        label: Callable[[str], str],
    ) -> None:
        """Parse the amounts of ``rows`` once per distinct (amount, unit, grams) into
        ``value`` and ``spec``; log the ones that cannot be read."""
        at = np.flatnonzero(rows)
        if not len(at):
            return
        codes, first = distinct_codes(*combine_codes(*(value_codes(p, at) for p in self.parts)))
        k = len(first)
        value_k = np.full(k, math.nan)
        spec_k = np.full(k, -1, dtype=np.int64)
        err_k = np.empty(k, dtype=object)
        col_k = np.empty(k, dtype=object)
        for j, pos in enumerate(at[first].tolist()):
            cells = {name: p.cell(pos) for name, p in zip(self.names, self.parts, strict=True)}
            a, u, g = cells.get("amount"), cells.get("unit"), cells.get("grams")
            self._pair_text.append(" ".join(cell_text(v) for v in (a, u, g) if not is_blank(v)))
            try:
                value_k[j], parsed, _, col_k[j] = amount_cells(a, u, g, label)
            except CellError as err:
                err_k[j], col_k[j] = err.error, err.column
                continue
            spec_k[j] = self.spec_id(parsed)
        self._pair[at] = codes
        value[at], spec[at] = value_k[codes], spec_k[codes]
        failed = has_error(err_k)
        if not failed.any():
            return
        pair_codes = np.zeros(len(value), dtype=np.intp)
        pair_codes[at] = codes
        text = np.asarray(self._pair_text, dtype=object)
        messages = messages_of(err_k)
        for column in sorted(set(col_k[failed].tolist())):
            in_column = np.zeros(len(value), dtype=bool)
            in_column[at[failed[codes] & (col_k[codes] == column)]] = True
            log.add(in_column, column, pair_codes, text, messages, err_k)

    def pair_ids(self, rows: npt.NDArray[np.intp]) -> npt.NDArray[np.int64]:
        """The amount ids of ``rows`` (equal for rows with the same amount)."""
        pair = self._pair[rows].astype(np.int64)
        return np.where(pair >= 0, pair, len(self._pair_text) + rows.astype(np.int64))

    def text(self, row: int) -> str:
        """The amount of ``row`` as written (its cells joined, as in the error table)."""
        pair = int(self._pair[row])
        if pair >= 0:
            return self._pair_text[pair]
        hit = self._row_text.get(row)
        if hit is None:
            cells = [p.cell(row) for p in self.parts]
            hit = self._row_text[row] = " ".join(cell_text(v) for v in cells if not is_blank(v))
        return hit
