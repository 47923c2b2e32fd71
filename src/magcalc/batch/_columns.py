"""Diary columns factorised once, and cells read as text or person ids once per value.

Per-row integer codes index the distinct values of each column; every check of the
diary engine works on these codes, so free text is looked at once per distinct string,
never once per row.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from magcalc._util import shown
from magcalc.diary import MAX_CELL_CHARS, cell_problem, is_blank, is_hashable, person_key
from magcalc.errors import MagcalcError

if TYPE_CHECKING:
    import numpy.typing as npt

__all__ = [
    "Factor",
    "cell_text",
    "clean_factor",
    "combine_codes",
    "cut_text",
    "dense_codes",
    "display_id",
    "distinct_codes",
    "id_keys",
    "numeric_column",
    "row_values",
    "value_codes",
]


def cell_text(value: Any) -> str:
    """A cell as text for the error table ('' when missing; cut when too long)."""
    if is_blank(value):
        return "" if not isinstance(value, str) else value
    if cell_problem(value) is not None:
        return shown(value, MAX_CELL_CHARS)
    try:
        return str(value)
    except ValueError:  # pragma: no cover - ints too long to write are caught above
        return shown(value)


def cut_text(value: Any) -> str:
    """A cell that could not be read, as text for the error table: cut to the cap."""
    if isinstance(value, str):
        return value if len(value) <= MAX_CELL_CHARS else value[:MAX_CELL_CHARS] + "..."
    return shown(value, MAX_CELL_CHARS)


def display_id(value: Any) -> Any:
    """A person id for the error table: as given, unless too long to write or hold."""
    if cell_problem(value) is not None or not is_hashable(value):
        return shown(value)
    return value


@dataclass
class Factor:
    """A column factorised once: per-row codes and the distinct values.

    ``codes`` is -1 for missing cells. Every per-distinct-value array gets one extra
    trailing slot for "missing", so that ``array[codes]`` works directly.
    """

    codes: npt.NDArray[np.intp]
    index: pd.Index[Any]

    @classmethod
    def of(cls, series: pd.Series[Any] | None, n: int) -> Factor:
        """``series`` factorised (None: a column of ``n`` missing cells)."""
        if series is None:
            return cls(np.full(n, -1, dtype=np.intp), pd.Index([], dtype=object))
        dtype = series.dtype
        if isinstance(dtype, np.dtype) and dtype.kind in "iu" and n:
            direct = _int_factor(series.to_numpy(), n)
            if direct is not None:
                return direct
        missing = np.asarray(series.isna(), dtype=bool)
        if missing.sum() * 2 > n:
            # Mostly empty (supplement columns on food rows, ...): hash the rest only.
            codes = np.full(n, -1, dtype=np.intp)
            present = ~missing
            sub, uniques = pd.factorize(series[present], use_na_sentinel=True)
            codes[present] = sub
            return cls(codes, pd.Index(uniques))
        codes, uniques = pd.factorize(series, use_na_sentinel=True)
        return cls(np.asarray(codes, dtype=np.intp), pd.Index(uniques))

    @classmethod
    def rows(cls, series: pd.Series[Any], n: int) -> Factor:
        """A number column, one code per row: hashing a million distinct gram amounts
        would cost more than all the rest. ``index`` may repeat values."""
        keep = ~np.asarray(series.isna(), dtype=bool)
        codes = np.full(n, -1, dtype=np.intp)
        codes[keep] = np.arange(int(keep.sum()), dtype=np.intp)
        out = cls(codes, pd.Index(series.to_numpy()[keep]))
        out.__dict__["_per_row"] = True
        return out

    @property
    def per_row(self) -> bool:
        """Whether made by :meth:`rows` (one code per row, values may repeat)."""
        return bool(self.__dict__.get("_per_row", False))

    @property
    def uniques(self) -> list[Any]:
        """The distinct values as Python objects."""
        cached: list[Any] | None = self.__dict__.get("_uniques")
        if cached is None:
            cached = self.__dict__["_uniques"] = self.index.tolist()
        return cached

    def is_text(self) -> bool:
        """Text only (a pandas string dtype): vectorised string methods apply."""
        return bool(self.index.dtype != object and pd.api.types.is_string_dtype(self.index))

    def cell(self, pos: int) -> Any:
        """The cell of row ``pos`` as a Python object (None when missing)."""
        code = int(self.codes[pos])
        if code < 0:
            return None
        if self.per_row:
            value = self.index[code]
            return value.item() if isinstance(value, np.generic) else value
        return self.uniques[code]

    def per_value(self, func: Callable[[Any], Any], missing: Any, dtype: Any = object) -> Any:
        """``func`` of each distinct value, and ``missing`` in the trailing slot."""
        out = np.empty(len(self.index) + 1, dtype=dtype)
        out[:-1] = [func(v) for v in self.uniques]
        out[-1] = missing
        return out

    def is_numeric(self) -> bool:
        """Numbers or bools only: pandas keeps NaN out of the distinct values."""
        return self.index.dtype.kind in "biuf"

    def blank_u(self) -> npt.NDArray[np.bool_]:
        """Per distinct value (plus missing): empty or only whitespace."""
        cached: npt.NDArray[np.bool_] | None = self.__dict__.get("_blank_u")
        if cached is not None:
            return cached
        if self.is_text():
            stripped = self.index.str.strip()
            out = np.append(np.asarray(stripped == "", dtype=bool), True)
        elif self.is_numeric():
            out = np.append(np.zeros(len(self.index), dtype=bool), True)
        else:
            out = np.asarray(self.per_value(is_blank, True, dtype=bool), dtype=bool)
        self.__dict__["_blank_u"] = out
        return out

    def blank(self) -> npt.NDArray[np.bool_]:
        """Per row: the cell is missing or only whitespace."""
        return self.blank_u()[self.codes]

    def text(self) -> npt.NDArray[np.object_]:
        """Per distinct value (plus missing): the cell as text."""
        cached: npt.NDArray[np.object_] | None = self.__dict__.get("_text")
        if cached is not None:
            return cached
        if self.is_text():
            out = np.append(np.asarray(self.index, dtype=object), "")
        else:
            out = np.asarray(self.per_value(cell_text, ""), dtype=object)
        self.__dict__["_text"] = out
        return out


def _int_factor(values: npt.NDArray[Any], n: int) -> Factor | None:
    """A column of numpy ints factorised by direct addressing when their range is small
    (ids 1..N, days): several times faster than hashing. Distinct values ascending."""
    low, high = int(values.min()), int(values.max())
    if high - low >= max(4 * n, 1 << 20) or high >= 1 << 63:
        return None
    codes, keys = dense_codes(values.astype(np.int64) - low, high - low + 1)
    return Factor(codes, pd.Index((keys + low).astype(values.dtype)))


def numeric_column(series: pd.Series[Any]) -> bool:
    """A column of numpy ints or floats (no bools, objects or extension types)."""
    return isinstance(series.dtype, np.dtype) and series.dtype.kind in "iuf"


def clean_factor(
    series: pd.Series[Any] | None, n: int
) -> tuple[Factor, npt.NDArray[np.intp], list[str]]:
    """
    A column factorised, with the cells that cannot be read left out as missing; and
    the rows of those cells with why, in row order (both empty for a clean column).

    Such cells are lists, dicts and other unhashable values (pandas cannot factorise
    them), text over :data:`~magcalc.diary.MAX_CELL_CHARS` characters (comparing a
    1 MB cell with the food table costs seconds) and ints too long to write. A clean
    column costs one factorisation and, for text, one length per distinct value.
    """
    none = np.zeros(0, dtype=np.intp)
    if series is None:
        return Factor.of(None, n), none, []
    why: dict[int, str] = {}
    try:
        fac = Factor.of(series, n)
    except TypeError:  # unhashable cells
        values = series.to_numpy(dtype=object).copy()
        for i, v in enumerate(values.tolist()):
            if not is_hashable(v):
                why[i] = (
                    f"holds a {type(v).__name__} ({shown(v)}); a cell holds one value: text "
                    "or a number"
                )
                values[i] = None
        fac = Factor.of(pd.Series(values, dtype=object), n)
    if fac.is_text():
        lengths = np.asarray(fac.index.str.len(), dtype=float)
        suspects: Iterable[int] = np.flatnonzero(lengths > MAX_CELL_CHARS).tolist()
    elif fac.is_numeric():
        suspects = ()  # fixed-width numbers are never too long to read
    else:
        suspects = range(len(fac.index))
    problems = {k: p for k in suspects if (p := cell_problem(fac.uniques[k])) is not None}
    if problems:
        bad_u = np.zeros(len(fac.index) + 1, dtype=bool)
        bad_u[list(problems)] = True
        rows = np.flatnonzero(bad_u[fac.codes])
        for i in rows.tolist():
            why[i] = problems[int(fac.codes[i])]
        values = row_values(fac)
        values[rows] = None
        fac = Factor.of(pd.Series(values, dtype=object), n)
    if not why:
        return fac, none, []
    order = sorted(why)
    return fac, np.asarray(order, dtype=np.intp), [why[i] for i in order]


def value_codes(fac: Factor, rows: npt.NDArray[np.intp]) -> npt.NDArray[np.intp]:
    """Codes of ``fac`` at ``rows``, equal for equal values (also for a per-row factor)."""
    codes = fac.codes[rows]
    if not fac.per_row:
        return codes
    out = np.full(len(rows), -1, dtype=np.intp)
    present = codes >= 0
    sub, _ = pd.factorize(fac.index.to_numpy()[codes[present]])
    out[present] = sub
    return out


def row_values(fac: Factor) -> npt.NDArray[np.object_]:
    """Per row: the cell as a Python object (None when missing)."""
    values: npt.NDArray[np.object_] = np.append(
        np.asarray(fac.index, dtype=object), np.array([None], dtype=object)
    )[fac.codes]
    return values


def id_keys(
    values: pd.Series[Any] | pd.Index[Any],
) -> tuple[npt.NDArray[np.object_], npt.NDArray[np.object_]]:
    """
    Person ids as text keys (see :func:`magcalc.diary.person_key`), vectorised where the
    dtype allows, and per id why it cannot be matched exactly (None where it can).
    """
    series = pd.Series(np.asarray(values, dtype=object) if values.dtype == object else values)
    fine = np.empty(len(series), dtype=object)
    if series.dtype != object and pd.api.types.is_string_dtype(series.dtype):
        return np.asarray(series.str.strip(), dtype=object), fine
    if pd.api.types.is_integer_dtype(series.dtype):
        return np.asarray(series.astype(str), dtype=object), fine
    keys = np.empty(len(series), dtype=object)
    problems = fine.copy()
    for i, v in enumerate(series.tolist()):
        try:
            keys[i] = person_key(v)
        except MagcalcError as err:
            problems[i] = str(err)
    return keys, problems


def combine_codes(*codes: npt.NDArray[np.intp]) -> tuple[npt.NDArray[np.int64], int]:
    """One int64 key per combination of factor codes (-1 kept distinct), and the key range."""
    out = np.zeros(len(codes[0]) if codes else 0, dtype=np.int64)
    size = 1
    for c in codes:
        width = int(c.max()) + 2 if len(c) else 1
        out = out * width + (c.astype(np.int64) + 1)
        size *= width
    return out, size


def dense_codes(
    key: npt.NDArray[np.int64], size: int
) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.int64]]:
    """Codes 0..k-1 of non-negative ``key`` < ``size``, and the distinct keys, ascending.

    Direct addressing when the range is small (a few vectorised passes, no hashing);
    pandas' hash factorisation otherwise.
    """
    if size <= max(4 * len(key), 1 << 20):
        present = np.zeros(size, dtype=bool)
        present[key] = True
        lookup = np.cumsum(present, dtype=np.int64) - 1
        return lookup[key].astype(np.intp), np.flatnonzero(present).astype(np.int64)
    codes, uniques = pd.factorize(key, sort=True)
    return np.asarray(codes, dtype=np.intp), np.asarray(uniques, dtype=np.int64)


def distinct_codes(
    key: npt.NDArray[np.int64], size: int
) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]:
    """Codes 0..k-1 for ``key`` and one row position (a representative) per code.

    All rows with a code have the same key, so any of them represents it.
    """
    codes, uniques = dense_codes(key, size)
    first = np.zeros(len(uniques), dtype=np.intp)
    first[codes] = np.arange(len(codes), dtype=np.intp)
    return codes, first
