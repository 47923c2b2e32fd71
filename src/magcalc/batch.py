"""Many people at once: vectorised magnesium assessment on pandas, scaling out on Dask.

:func:`assess_frame` takes a food-and-supplement diary of many people and days and a
table of people, and returns a :class:`BatchResult`: per person-day totals
(``.days``), per person means with reference values, percent of target, IOM 2000
probability of adequacy and the supplemental-UL flag (``.people``), and the rows it
could not use with their row numbers and reasons (``.errors``). The figures agree
with :func:`magcalc.assess` person by person (tested to 1e-9 mg).

:func:`prevalence` summarises groups with the EAR cut-point method.
:func:`assess_partition` and :func:`assess_dask` run the same computation on a Dask
DataFrame partitioned by person; :func:`assess_dask` is lazy and returns a
:class:`DaskBatchResult` of Dask DataFrames.

The rules are those of :func:`magcalc.assess`:

- Means are over the days recorded for the person (days with a food or a dated
  supplement; a person with only "every day" supplements has one day).
- Foods with no USDA magnesium value are unknown, not zero: they are left out of the
  sums and counted in ``foods_without_data``, so totals are a lower bound.
- A supplement row whose day is empty or "all" counts on every recorded day.
- ``probability_adequate = Phi((mean - EAR) / sqrt((0.1 EAR)**2 + SD_within**2 / n))``
  (IOM 2000, individuals [1]_); where only an AI exists, ``confidence_above_ai =
  Phi((mean - AI) / (SD_within / sqrt(n)))`` and no probability of adequacy.
- ``exceeds_ul`` compares the highest day's supplemental magnesium with the UL for
  supplemental magnesium (food never counts [2]_); it is missing (NA) where no UL is set.

How it stays fast: every text column is factorised once, so free text is resolved once
per distinct string; amounts that are plain numbers (grams, or a number beside a unit
parsed once per distinct unit) are read as arrays, other amounts parsed once per
distinct (amount, unit); a household measure is converted to grams once per distinct
(food, measure); the food table is read as arrays; people are matched to reference
values once per life stage (ages placed in the stages' age bands with
``numpy.searchsorted``); and the sums are ``numpy.bincount`` over integer codes: no
Python runs per diary row or per person.

pandas is an optional extra (``pip install magcalc[pandas]``); Dask is another
(``pip install magcalc[dask]``).

References
----------
.. [1] Institute of Medicine, "Dietary Reference Intakes: Applications in Dietary
   Assessment," National Academy Press, 2000, pp. 54-61 (individuals), ch. 4
   (groups: the EAR cut-point method), doi:10.17226/9956.
.. [2] Institute of Medicine, "Dietary Reference Intakes for Calcium, Phosphorus,
   Magnesium, Vitamin D, and Fluoride," National Academy Press, 1997, ch. 6,
   doi:10.17226/5776.
"""

from __future__ import annotations

import contextlib
import math
import threading
import warnings
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

try:
    import numpy as np
    import pandas as pd
except ImportError as _missing:  # pragma: no cover - tested in a subprocess without pandas
    from magcalc.errors import MissingDependencyError

    raise MissingDependencyError("pandas", "pandas") from _missing

from magcalc._spark import SparkResult, assess_spark
from magcalc.assessment import (
    FOOD_ONLY_COLUMNS,
    MAX_CELL_CHARS,
    SUPPLEMENT_ONLY_COLUMNS,
    _diary_food,
    _diary_supplement,
    _hashable,
    _shown,
    cell_problem,
    day_of,
    diary_amount,
    diary_columns,
    diary_number,
    person_key,
)
from magcalc.errors import (
    AmountError,
    DiaryError,
    InputError,
    MagcalcError,
    PersonError,
    SupplementError,
    UnknownFoodError,
    UnknownFormError,
)
from magcalc.units import plain_number

if TYPE_CHECKING:
    import numpy.typing as npt

    from magcalc.foods import Food, FoodTable

__all__ = [
    "DAY_COLUMNS",
    "ERROR_COLUMNS",
    "PEOPLE_COLUMNS",
    "ROW_COLUMN",
    "BatchResult",
    "DaskBatchResult",
    "PreparedPeople",
    "SparkResult",
    "assess_dask",
    "assess_frame",
    "assess_partition",
    "assess_spark",
    "partition_meta",
    "prepare_people",
    "prevalence",
    "spreadsheet_safe",
]

ErrorsMode = Literal["raise", "report"]
Table = Literal["people", "days", "errors"]

DAY_COLUMNS = ["person_id", "day", "food_mg", "supplemental_mg", "total_mg", "foods_without_data"]
"""Columns of :attr:`BatchResult.days`."""

PEOPLE_COLUMNS = [
    "person_id",
    "sex",
    "age_years",
    "age_months",
    "pregnant",
    "lactating",
    "life_stage",
    "n_days",
    "food_mg",
    "supplemental_mg",
    "total_mg",
    "foods_without_data",
    "ear_mg",
    "target_mg",
    "target_kind",
    "percent_of_target",
    "probability_adequate",
    "confidence_above_ai",
    "sd_within_mg",
    "ul_supplemental_mg",
    "max_daily_supplemental_mg",
    "exceeds_ul",
    "rows_rejected",
]
"""Columns of :attr:`BatchResult.people`."""

ERROR_COLUMNS = ["source", "row", "person_id", "column", "value", "reason"]
"""Columns of :attr:`BatchResult.errors`."""

ROW_COLUMN = "_magcalc_row"
"""Optional diary column with the row numbers to report (set by :func:`assess_dask`)."""

_BARE_DOSE = ("mg", "dose", "dose_mg", "amount_mg")
_TRUE = {"true", "t", "yes", "y", "1"}
_FALSE = {"false", "f", "no", "n", "0"}

# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class BatchResult:
    """
    The result of :func:`assess_frame`.

    Attributes
    ----------
    days : pandas.DataFrame
        One row per person and recorded day (:data:`DAY_COLUMNS`): magnesium from food,
        from supplements (elemental) and both [mg], and how many food entries had no
        magnesium data (left out, not counted as 0). Ordered by person (as in the
        people table), then day (numbers, then labels).
    people : pandas.DataFrame
        One row per valid person of the people table (:data:`PEOPLE_COLUMNS`): the
        profile, ``n_days``, mean daily ``food_mg``, ``supplemental_mg``, ``total_mg``
        [mg/day], reference values [mg/day], ``percent_of_target``,
        ``probability_adequate`` (IOM 2000; NaN where no EAR exists),
        ``confidence_above_ai`` (where only an AI exists), ``exceeds_ul`` (nullable
        boolean; NA where no UL is set) and ``rows_rejected`` (diary rows of this
        person listed in ``errors``). A person with no diary rows has ``n_days`` 0 and
        NaN intakes.
    errors : pandas.DataFrame
        Rejected rows (:data:`ERROR_COLUMNS`): ``source`` ("diary" or "people"),
        ``row`` (1-based, header excluded, as in a CSV file and in
        :meth:`magcalc.Intake.from_records`), ``person_id``, ``column``, ``value`` (as
        text) and ``reason``. Empty when every row was used.
    framework : str
        The reference framework used.

    Examples
    --------
    >>> import pandas as pd
    >>> diary = pd.DataFrame({"person_id": [1], "food": ["almonds"], "amount": ["1 oz"]})
    >>> people = pd.DataFrame({"person_id": [1], "age": [40], "sex": ["male"]})
    >>> result = assess_frame(diary, people)
    >>> result
    <BatchResult (IOM1997): 1 people, 1 person-days, 0 rejected rows>
    >>> round(result.summary()["mean_total_mg"], 1)
    76.5
    """

    days: pd.DataFrame
    people: pd.DataFrame
    errors: pd.DataFrame
    framework: str = "IOM1997"

    def summary(self) -> dict[str, Any]:
        """
        Headline figures: people, person-days, mean intake, share below the EAR and over
        the UL, and rejected rows.

        ``share_below_ear`` is the EAR cut-point prevalence over people with an EAR and
        ``share_over_ul`` the share whose mean supplemental intake is over the UL, both
        on per-person means (see :func:`prevalence` for the caveats).
        """
        people = self.people
        assessed = people[people["n_days"] > 0]
        overall = prevalence(assessed, by=[])
        row = overall.iloc[0] if len(overall) else None
        return {
            "framework": self.framework,
            "people": len(people),
            "people_with_records": len(assessed),
            "person_days": int(self.days.shape[0]),
            "mean_total_mg": float(assessed["total_mg"].mean()) if len(assessed) else math.nan,
            "share_below_ear": math.nan if row is None else float(row["prevalence_below_ear"]),
            "share_over_ul": math.nan if row is None else float(row["share_over_ul"]),
            "rows_rejected": int(self.errors.shape[0]),
        }

    def __repr__(self) -> str:
        return (
            f"<BatchResult ({self.framework}): {len(self.people)} people, "
            f"{len(self.days)} person-days, {len(self.errors)} rejected rows>"
        )


# --------------------------------------------------------------------------- small helpers


def _check_mode(errors: object) -> ErrorsMode:
    if errors == "raise":
        return "raise"
    if errors == "report":
        return "report"
    raise InputError(f"errors must be 'raise' or 'report', not {errors!r}", field="errors")


def _check_sd(sd_within_mg: object) -> float | None:
    if sd_within_mg is None:
        return None
    if isinstance(sd_within_mg, bool) or not isinstance(sd_within_mg, (int, float)):
        raise InputError("sd_within_mg must be a number [mg/day]", field="sd_within_mg")
    value = float(sd_within_mg)
    if not math.isfinite(value) or value <= 0:
        raise InputError("sd_within_mg must be a positive number [mg/day]", field="sd_within_mg")
    return value


def _check_frame(frame: object, name: str) -> pd.DataFrame:
    if isinstance(frame, pd.DataFrame):
        return frame
    raise InputError(
        f"{name} must be a pandas DataFrame, not {type(frame).__name__}; "
        f"read a file with pandas.read_csv(..., dtype=str)",
        field=name,
    )


def _columns(frame: pd.DataFrame, name: str) -> dict[str, Hashable]:
    """Lower-case, stripped column name -> the frame's column label."""
    found: dict[str, Hashable] = {}
    for label in frame.columns:
        key = str(label).strip().lower()
        if key in found:
            raise InputError(f"{name} has two columns named {key!r}", field=key)
        found[key] = label
    return found


def _diary_cols(diary: pd.DataFrame) -> tuple[dict[str, Hashable], list[Hashable]]:
    """The diary's columns by name, and those with no name (see diary_columns)."""
    return diary_columns(diary.columns, extra=(ROW_COLUMN,))


def _is_blank(value: Any) -> bool:
    if value is None or value is pd.NA:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    if isinstance(value, str):
        return not value.strip()
    return False


def _text(value: Any) -> str:
    """A cell as text for the error table ('' when missing; cut when too long)."""
    if _is_blank(value):
        return "" if not isinstance(value, str) else value
    if cell_problem(value) is not None:
        return _shown(value, MAX_CELL_CHARS)
    try:
        return str(value)
    except ValueError:  # pragma: no cover - ints too long to write are caught above
        return _shown(value)


def _number(value: Any, column: str) -> float:
    """A cell as a float, as :meth:`magcalc.Intake.from_records` reads it."""
    return diary_number(value, column)


def _id_key(value: Any) -> str:
    """Person ids match as text: 7, 7.0 and '7' are the same person (see person_key)."""
    return person_key(value)


def _cut(value: Any) -> str:
    """A cell that could not be read, as text for the error table: cut to the cap."""
    if isinstance(value, str):
        return value if len(value) <= MAX_CELL_CHARS else value[:MAX_CELL_CHARS] + "..."
    return _shown(value, MAX_CELL_CHARS)


def _display_id(value: Any) -> Any:
    """A person id for the error table: as given, unless too long to write or hold."""
    if cell_problem(value) is not None or not _hashable(value):
        return _shown(value)
    return value


@dataclass
class _Factor:
    """A column factorised once: per-row codes and the distinct values.

    ``codes`` is -1 for missing cells. Every per-distinct-value array gets one extra
    trailing slot for "missing", so that ``array[codes]`` works directly.
    """

    codes: npt.NDArray[np.intp]
    index: pd.Index[Any]

    @classmethod
    def of(cls, series: pd.Series[Any] | None, n: int) -> _Factor:
        if series is None:
            return cls(np.full(n, -1, dtype=np.intp), pd.Index([], dtype=object))
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
    def rows(cls, series: pd.Series[Any], n: int) -> _Factor:
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
        return bool(self.__dict__.get("_per_row", False))

    @property
    def uniques(self) -> list[Any]:
        """The distinct values as Python objects."""
        cached: list[Any] | None = self.__dict__.get("_uniques")
        if cached is None:
            cached = self.__dict__["_uniques"] = self.index.tolist()
        return cached

    def _is_text(self) -> bool:
        return bool(self.index.dtype != object and pd.api.types.is_string_dtype(self.index))

    def cell(self, pos: int) -> Any:
        code = int(self.codes[pos])
        if code < 0:
            return None
        if self.per_row:
            value = self.index[code]
            return value.item() if isinstance(value, np.generic) else value
        return self.uniques[code]

    def per_value(self, func: Callable[[Any], Any], missing: Any, dtype: Any = object) -> Any:
        out = np.empty(len(self.index) + 1, dtype=dtype)
        out[:-1] = [func(v) for v in self.uniques]
        out[-1] = missing
        return out

    def _is_numeric(self) -> bool:
        """Numbers or bools only: pandas keeps NaN out of the distinct values."""
        return self.index.dtype.kind in "biuf"

    def blank_u(self) -> npt.NDArray[np.bool_]:
        """Per distinct value (plus missing): empty or only whitespace."""
        cached: npt.NDArray[np.bool_] | None = self.__dict__.get("_blank_u")
        if cached is not None:
            return cached
        if self._is_text():
            stripped = self.index.str.strip()
            out = np.append(np.asarray(stripped == "", dtype=bool), True)
        elif self._is_numeric():
            out = np.append(np.zeros(len(self.index), dtype=bool), True)
        else:
            out = np.asarray(self.per_value(_is_blank, True, dtype=bool), dtype=bool)
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
        if self._is_text():
            out = np.append(np.asarray(self.index, dtype=object), "")
        else:
            out = np.asarray(self.per_value(_text, ""), dtype=object)
        self.__dict__["_text"] = out
        return out


def _plain_numbers(series: pd.Series[Any]) -> bool:
    """A column of numpy ints or floats (no bools, objects or extension types)."""
    return isinstance(series.dtype, np.dtype) and series.dtype.kind in "iuf"


def _clean_factor(
    series: pd.Series[Any] | None, n: int
) -> tuple[_Factor, npt.NDArray[np.intp], list[str]]:
    """
    A column factorised, with the cells that cannot be read left out as missing; and
    the rows of those cells with why, in row order (both empty for a clean column).

    Such cells are lists, dicts and other unhashable values (pandas cannot factorise
    them), text over :data:`~magcalc.assessment.MAX_CELL_CHARS` characters (comparing a
    1 MB cell with the food table costs seconds) and ints too long to write. A clean
    column costs one factorisation and, for text, one length per distinct value.
    """
    none = np.zeros(0, dtype=np.intp)
    if series is None:
        return _Factor.of(None, n), none, []
    why: dict[int, str] = {}
    try:
        fac = _Factor.of(series, n)
    except TypeError:  # unhashable cells
        values = series.to_numpy(dtype=object).copy()
        for i, v in enumerate(values.tolist()):
            if not _hashable(v):
                why[i] = (
                    f"holds a {type(v).__name__} ({_shown(v)}); a cell holds one value: text "
                    "or a number"
                )
                values[i] = None
        fac = _Factor.of(pd.Series(values, dtype=object), n)
    if fac._is_text():
        lengths = np.asarray(fac.index.str.len(), dtype=float)
        suspects: Iterable[int] = np.flatnonzero(lengths > MAX_CELL_CHARS).tolist()
    elif fac._is_numeric():
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
        values = _values(fac)
        values[rows] = None
        fac = _Factor.of(pd.Series(values, dtype=object), n)
    if not why:
        return fac, none, []
    order = sorted(why)
    return fac, np.asarray(order, dtype=np.intp), [why[i] for i in order]


def _value_codes(fac: _Factor, rows: npt.NDArray[np.intp]) -> npt.NDArray[np.intp]:
    """Codes of ``fac`` at ``rows``, equal for equal values (also for a per-row factor)."""
    codes = fac.codes[rows]
    if not fac.per_row:
        return codes
    out = np.full(len(rows), -1, dtype=np.intp)
    present = codes >= 0
    sub, _ = pd.factorize(fac.index.to_numpy()[codes[present]])
    out[present] = sub
    return out


def _values(fac: _Factor) -> npt.NDArray[np.object_]:
    """Per row: the cell as a Python object (None when missing)."""
    values: npt.NDArray[np.object_] = np.append(
        np.asarray(fac.index, dtype=object), np.array([None], dtype=object)
    )[fac.codes]
    return values


def _id_keys(
    values: pd.Series[Any] | pd.Index[Any],
) -> tuple[npt.NDArray[np.object_], npt.NDArray[np.object_]]:
    """
    Person ids as text keys (see :func:`_id_key`), vectorised where the dtype allows, and
    per id why it cannot be matched exactly (None where it can).
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
            keys[i] = _id_key(v)
        except MagcalcError as err:
            problems[i] = str(err)
    return keys, problems


def _combine(*codes: npt.NDArray[np.intp]) -> tuple[npt.NDArray[np.int64], int]:
    """One int64 key per combination of factor codes (-1 kept distinct), and the key range."""
    out = np.zeros(len(codes[0]) if codes else 0, dtype=np.int64)
    size = 1
    for c in codes:
        width = int(c.max()) + 2 if len(c) else 1
        out = out * width + (c.astype(np.int64) + 1)
        size *= width
    return out, size


def _dense(
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


def _distinct(
    key: npt.NDArray[np.int64], size: int
) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]:
    """Codes 0..k-1 for ``key`` and one row position (a representative) per code.

    All rows with a code have the same key, so any of them represents it.
    """
    codes, uniques = _dense(key, size)
    first = np.zeros(len(uniques), dtype=np.intp)
    first[codes] = np.arange(len(codes), dtype=np.intp)
    return codes, first


# --------------------------------------------------------------------------- error log


@dataclass
class _Chunk:
    positions: npt.NDArray[np.intp]
    column: str
    values: npt.NDArray[np.object_]
    reasons: npt.NDArray[np.object_]
    excs: npt.NDArray[np.object_]
    order: int


@dataclass
class _ErrorLog:
    """Rejected rows, collected as vectorised chunks (one per check and column)."""

    n: int
    chunks: list[_Chunk] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.bad = np.zeros(self.n, dtype=bool)
        # Rows with a cell that could not be read at all: reported once, and left out of
        # later checks, which would see the cell as empty.
        self.unusable = np.zeros(self.n, dtype=bool)

    def add(
        self,
        mask: npt.NDArray[np.bool_],
        column: str,
        codes: npt.NDArray[np.intp],
        values: npt.NDArray[np.object_] | Callable[[], npt.NDArray[np.object_]],
        reasons: npt.NDArray[np.object_] | str,
        excs: npt.NDArray[np.object_] | BaseException,
    ) -> None:
        """
        Reject the rows where ``mask``. ``values``, ``reasons`` and ``excs`` are per
        distinct value, indexed by the per-row ``codes`` (or one reason/exception);
        ``values`` may be a function that makes them, called only if a row is rejected.
        Only the rejected rows are ever indexed, so a clean column costs nothing here.
        """
        positions = np.flatnonzero(mask & ~self.unusable)
        if not len(positions):
            return
        if callable(values):
            values = values()
        self.bad[positions] = True
        at = codes[positions]
        if isinstance(reasons, str):
            reasons_at = np.full(len(positions), reasons, dtype=object)
        else:
            reasons_at = reasons[at]
        if isinstance(excs, BaseException):
            excs_at = np.empty(len(positions), dtype=object)
            excs_at.fill(excs)
        else:
            excs_at = excs[at]
        self.chunks.append(
            _Chunk(positions, column, values[at], reasons_at, excs_at, len(self.chunks))
        )

    def add_at(
        self,
        positions: npt.NDArray[np.intp],
        column: str,
        values: npt.NDArray[np.object_],
        reasons: npt.NDArray[np.object_],
        excs: npt.NDArray[np.object_],
    ) -> None:
        """Reject the rows at ``positions``; the other arrays are given at those rows."""
        keep = ~self.unusable[positions]
        if not keep.all():
            positions, values, reasons, excs = (
                positions[keep],
                values[keep],
                reasons[keep],
                excs[keep],
            )
        if not len(positions):
            return
        self.bad[positions] = True
        self.chunks.append(_Chunk(positions, column, values, reasons, excs, len(self.chunks)))

    def unreadable(
        self,
        positions: npt.NDArray[np.intp],
        why: list[str],
        column: str,
        raw: pd.Series[Any],
    ) -> None:
        """Reject the rows at `positions`, whose cell in `column` could not be read."""
        keep = ~self.unusable[positions]
        positions = positions[keep]
        if not len(positions):
            return
        why = [w for w, k in zip(why, keep.tolist(), strict=True) if k]
        reasons = np.asarray([f"{column} {w}" for w in why], dtype=object)
        cells = raw.iloc[positions].tolist()
        values = np.asarray([_cut(v) for v in cells], dtype=object)
        excs = np.asarray([DiaryError(str(r), field=column) for r in reasons], dtype=object)
        self.add_at(positions, column, values, reasons, excs)
        self.unusable[positions] = True

    def first(self) -> tuple[int, _Chunk, int] | None:
        best: tuple[int, int, _Chunk, int] | None = None
        for chunk in self.chunks:
            i = int(np.argmin(chunk.positions))
            pos = int(chunk.positions[i])
            if best is None or (pos, chunk.order) < (best[0], best[1]):
                best = (pos, chunk.order, chunk, i)
        return None if best is None else (best[0], best[2], best[3])


def _messages(errs: npt.NDArray[np.object_]) -> npt.NDArray[np.object_]:
    out = np.full(len(errs), "", dtype=object)
    at = np.flatnonzero(_failed(errs))
    out[at] = [str(e) for e in errs[at].tolist()]
    return out


def _failed(errs: npt.NDArray[np.object_]) -> npt.NDArray[np.bool_]:
    return np.asarray(~pd.isna(errs), dtype=bool)  # errors, messages or None


def _raise_first(log: _ErrorLog, rows: npt.NDArray[np.int64]) -> None:
    found = log.first()
    if found is None:
        return
    pos, chunk, i = found
    exc = chunk.excs[i]
    err = DiaryError(f"row {int(rows[pos])}: {chunk.reasons[i]}", field=chunk.column)
    raise err from (exc if isinstance(exc, BaseException) else None)


# --------------------------------------------------------------------------- people


@dataclass(frozen=True)
class PreparedPeople:
    """
    The people table validated and matched to reference values, once.

    Made by :func:`prepare_people`; pass it instead of a DataFrame to
    :func:`assess_partition` so that each Dask partition does not redo the work.

    Attributes
    ----------
    framework : str
    profiles : pandas.DataFrame
        One row per person of the people table (positional), with the normalised
        profile, reference values [mg/day] and ``valid``/``reason``.
    keys : dict of str to int
        Person id (as text) -> position in ``profiles``.
    errors : pandas.DataFrame
        Rejected people rows (:data:`ERROR_COLUMNS`).
    """

    framework: str
    profiles: pd.DataFrame
    keys: Mapping[str, int]
    errors: pd.DataFrame


class _PersonKeys(Mapping[str, int]):
    """Person id (as text) -> position in the people table, the first row of each id.

    A read-only mapping over a pandas Index, so that a people table of 500k ids is
    matched with one vectorised ``get_indexer`` rather than a dict built id by id.
    """

    def __init__(self, index: pd.Index[Any], positions: npt.NDArray[np.intp]) -> None:
        self.index, self.positions = index, positions
        self.duplicated = np.zeros(0, dtype=bool)

    @classmethod
    def of(cls, keys: npt.NDArray[np.object_], usable: npt.NDArray[np.bool_]) -> _PersonKeys:
        """From per-row keys; ``.duplicated`` marks the usable rows whose id repeats."""
        at = np.flatnonzero(usable)
        codes, uniques = pd.factorize(keys[at])
        _, first = np.unique(codes, return_index=True)
        out = cls(pd.Index(np.asarray(uniques, dtype=object), dtype=object), at[first])
        out.duplicated = np.zeros(len(keys), dtype=bool)
        out.duplicated[at] = np.bincount(codes, minlength=len(uniques))[codes] > 1
        return out

    def find(self, keys: Sequence[str] | npt.NDArray[np.object_]) -> npt.NDArray[np.intp]:
        """Positions of ``keys`` in the people table (-1 where absent)."""
        if not len(keys) or not len(self.positions):
            return np.full(len(keys), -1, dtype=np.intp)
        found = np.asarray(self.index.get_indexer(pd.Index(keys, dtype=object)), dtype=np.intp)
        return np.where(found >= 0, self.positions[np.maximum(found, 0)], -1)

    def __getitem__(self, key: str) -> int:
        pos = int(self.find([key])[0])
        if pos < 0:
            raise KeyError(key)
        return pos

    def __iter__(self) -> Iterator[str]:
        return iter(self.index.tolist())

    def __len__(self) -> int:
        return len(self.positions)

    def __repr__(self) -> str:
        return f"<{len(self)} person ids>"


def _flag(value: Any) -> Any:
    if _is_blank(value):
        return False
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, str):
        low = value.strip().lower()
        if low in _TRUE:
            return True
        if low in _FALSE:
            return False
        return value
    if isinstance(value, (int, float, np.integer, np.floating)) and value in (0, 1):
        return bool(value)
    return value


def _age(value: Any) -> Any:
    if _is_blank(value):
        return None
    if isinstance(value, str):
        # Digits 0-9 only: float() would read "٣٤" and "3_4" as 34.
        number = plain_number(value)
        return value.strip() if number is None else number
    if isinstance(value, (np.integer, np.floating)):
        return float(value)
    return value


def _field_column(fld: str | None, names: dict[str, str]) -> str:
    return names.get(fld or "", names["age_years"])


class _Labels:
    """A text or flag column per profile: codes into its few distinct values (-1: None).

    Made into a pandas column with the dtype ``DataFrame.from_records`` would infer (text
    as str, flags as bool, either with None as object), converting each value once.
    """

    def __init__(self, m: int) -> None:
        self.codes = np.full(m, -1, dtype=np.int32)
        self.values: list[Any] = []
        self._seen: dict[tuple[type, Any], int] = {}

    def code(self, value: Any) -> int:
        if value is None:
            return -1
        key = (type(value), value)
        hit = self._seen.get(key)
        if hit is None:
            hit = self._seen[key] = len(self.values)
            self.values.append(value)
        return hit

    def column(self, codes: npt.NDArray[np.intp]) -> Any:
        at = self.codes[codes]
        kinds = {type(v) for v in self.values}
        if kinds == {str}:
            text = pd.array(np.asarray(self.values, dtype=object), dtype="str")
            return text.take(at, allow_fill=True)
        if kinds == {bool} and not (at < 0).any():
            return np.asarray(self.values, dtype=bool)[at]
        return np.asarray([*self.values, None], dtype=object)[at]


def _stage_bounds() -> npt.NDArray[np.float64]:
    """Every age [months] where a reference value, UL or within-person SD may change, and
    the ages where pregnancy and lactation start and stop being accepted."""
    from magcalc.people import MAX_AGE_YEARS, PREGNANCY_AGE_YEARS
    from magcalc.references import _load

    data = _load()
    rows: list[Any] = [r for table in data.tables.values() for r in table]
    rows += list(data.ul_rows) + list(data.sd_rows)
    edges = {x for r in rows for x in (r.age_min_months, r.age_max_months)}
    edges |= {0.0, MAX_AGE_YEARS * 12.0} | {12.0 * y for y in PREGNANCY_AGE_YEARS}
    return np.asarray(sorted(edges), dtype=np.float64)


def _age_numbers(fac: _Factor) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.bool_]]:
    """Per distinct value (plus missing): the age as a float, and whether it is a plain
    number (not a bool, not text) that Person reads as that float."""
    if fac._is_numeric() and fac.index.dtype.kind != "b":
        values = np.asarray(fac.index.to_numpy(dtype=float, na_value=math.nan), dtype=float)
        return np.append(values, math.nan), np.append(np.ones(len(values), dtype=bool), False)
    values = np.full(len(fac.index) + 1, math.nan)
    ok = np.zeros(len(fac.index) + 1, dtype=bool)
    for k, v in enumerate(fac.uniques):
        a = _age(v)
        if isinstance(a, (int, float)) and not isinstance(a, bool):
            with contextlib.suppress(OverflowError):  # too large for a float: Person says why
                values[k], ok[k] = float(a), True
    return values, ok


def _flag_codes(fac: _Factor) -> npt.NDArray[np.int8]:
    """Per distinct value (plus missing, False): 1 True, 0 False, -1 not a flag."""
    out = np.zeros(len(fac.index) + 1, dtype=np.int8)
    for k, v in enumerate(fac.uniques):
        f = _flag(v)
        out[k] = (1 if f else 0) if isinstance(f, bool) else -1
    return out


def _stage_profiles(
    factors: list[_Factor],
    first: npt.NDArray[np.intp],
    framework: str,
    sd_fixed: float | None,
) -> tuple[dict[str, npt.NDArray[Any] | _Labels], npt.NDArray[np.bool_]]:
    """
    Reference values per distinct profile, looked up once per life stage.

    ``factors`` are age (years), age (months), sex, pregnant and lactating; ``first`` a
    row of each distinct profile. Reference values, the UL and the within-person SD
    depend on the age only through the band of :func:`_stage_bounds` it falls in, so
    profiles are grouped by (sex, pregnant, lactating, band) with ``np.searchsorted``
    and one :class:`~magcalc.people.Person` per group gives the values. A profile that
    is not plainly valid, whose age is within float noise of a band edge (where
    ``round(months, 9)`` decides), or whose group has no value, is marked slow: the
    caller builds its Person, for the same values or the exact error.
    """
    from magcalc.people import MAX_AGE_YEARS, PREGNANCY_AGE_YEARS, Person
    from magcalc.references import reference_values, within_person_sd

    m = len(first)
    out: dict[str, npt.NDArray[Any] | _Labels] = {
        "sex": _Labels(m),
        "age_years": np.full(m, math.nan),
        "age_months": np.full(m, math.nan),
        "pregnant": _Labels(m),
        "lactating": _Labels(m),
        "life_stage": _Labels(m),
        "ear_mg": np.full(m, math.nan),
        "target_mg": np.full(m, math.nan),
        "target_kind": _Labels(m),
        "ai_mg": np.full(m, math.nan),
        "ul_supplemental_mg": np.full(m, math.nan),
        "sd_within_mg": np.full(m, math.nan),
    }
    if not m:
        return out, np.zeros(0, dtype=bool)
    fy, fm, fs, fp, fl = factors
    cy, cm = fy.codes[first], fm.codes[first]
    years_u, years_ok = _age_numbers(fy)
    months_u, months_ok = _age_numbers(fm)
    years, months_given = years_u[cy], months_u[cm]
    has_y, has_m = cy >= 0, cm >= 0
    sex_u = np.full(len(fs.index) + 1, -1, dtype=np.int8)
    for k, v in enumerate(fs.uniques):
        word = v.strip().lower() if isinstance(v, str) else ""
        sex_u[k] = {"female": 0, "f": 0, "male": 1, "m": 1}.get(word, -1)
    sex = sex_u[fs.codes[first]]
    preg = _flag_codes(fp)[fp.codes[first]]
    lact = _flag_codes(fl)[fl.codes[first]]
    limit = MAX_AGE_YEARS
    with np.errstate(invalid="ignore"):
        ok_y = has_y & ~has_m & years_ok[cy] & (years >= 0) & (years < limit)
        ok_m = has_m & ~has_y & months_ok[cm] & (months_given >= 0) & (months_given < limit * 12)
        ok = (ok_y | ok_m) & (sex >= 0) & (preg >= 0) & (lact >= 0) & ~((preg == 1) & (lact == 1))
        in_years = np.where(ok_y, years, months_given / 12.0)
        low, high = PREGNANCY_AGE_YEARS
        state_ok = (sex == 0) & (in_years >= low) & (in_years < high)
        ok &= ((preg == 0) & (lact == 0)) | state_ok
        months = np.where(ok_y, years * 12.0, months_given)
    bounds = _stage_bounds()
    # Near a band edge (but not on it), round(months, 9) and np.round may disagree.
    at = np.clip(np.searchsorted(bounds, months), 1, len(bounds) - 1)
    gap = np.minimum(np.abs(months - bounds[at - 1]), np.abs(months - bounds[at]))
    ok &= (gap == 0) | (gap > 1e-6)
    band = np.searchsorted(bounds, np.round(np.where(ok, months, 0.0), 9), side="right")
    key = ((sex.astype(np.int64) * 2 + preg) * 2 + lact) * (len(bounds) + 2) + band
    key = np.where(ok, key, -1)
    slow = ~ok
    where = np.flatnonzero(ok)
    group, rep = _distinct(key[where], int(key.max()) + 1 if len(where) else 1)
    stage: dict[str, list[Any]] = {c: [] for c in ("life_stage", "ear_mg", "target_mg")}
    stage.update({c: [] for c in ("target_kind", "ai_mg", "ul_supplemental_mg", "sd_within_mg")})
    failed = np.zeros(len(rep), dtype=bool)
    for g, local in enumerate(rep.tolist()):
        j = int(where[local])
        try:
            person = Person(
                age_years=float(years[j]) if ok_y[j] else None,
                age_months=None if ok_y[j] else float(months_given[j]),
                sex="female" if sex[j] == 0 else "male",
                pregnant=bool(preg[j]),
                lactating=bool(lact[j]),
            )
            refs = reference_values(person, framework=framework)
            sd = sd_fixed if sd_fixed is not None else within_person_sd(person)[0]
        except MagcalcError:
            failed[g] = True  # the message names the person: made one by one
            refs, sd = None, math.nan
        for column, value in (
            ("life_stage", None if refs is None else refs.life_stage),
            ("ear_mg", None if refs is None else refs.ear_mg),
            ("target_mg", None if refs is None else refs.target_mg),
            ("target_kind", None if refs is None else refs.target_kind),
            ("ai_mg", None if refs is None else refs.ai_mg),
            ("ul_supplemental_mg", None if refs is None else refs.ul_supplemental_mg),
            ("sd_within_mg", sd),
        ):
            stage[column].append(value)
    slow[where[failed[group]]] = True
    fine = where[~failed[group]]
    g_fine = group[~failed[group]]
    for column, values in stage.items():
        target = out[column]
        if isinstance(target, _Labels):
            per_label = np.asarray([target.code(v) for v in values], dtype=np.int32)
            target.codes[fine] = per_label[g_fine]
        else:
            per_group = np.asarray([math.nan if v is None else v for v in values], dtype=float)
            target[fine] = per_group[g_fine]
    labels = {c: out[c] for c in ("sex", "pregnant", "lactating")}
    for column, flags, names in (
        ("sex", sex, ("female", "male")),
        ("pregnant", preg, (False, True)),
        ("lactating", lact, (False, True)),
    ):
        col = labels[column]
        assert isinstance(col, _Labels)
        if not len(fine):
            break
        col.codes[fine] = np.asarray([col.code(v) for v in names], dtype=np.int32)[flags[fine]]
    ages = {"age_years": np.where(ok_y, years, math.nan)}
    ages["age_months"] = np.where(ok_y, math.nan, months_given)
    for column, age in ages.items():
        target = out[column]
        assert not isinstance(target, _Labels)
        target[fine] = age[fine]
    return out, slow


def prepare_people(
    people: pd.DataFrame,
    framework: str = "IOM1997",
    *,
    errors: ErrorsMode = "raise",
    sd_within_mg: float | None = None,
) -> PreparedPeople:
    """
    Validate a people table and look up each person's reference values.

    Parameters
    ----------
    people : pandas.DataFrame
        Columns ``person_id``, ``sex``, ``age`` (or ``age_years``) and/or
        ``age_months``, and optionally ``pregnant``, ``lactating`` (True/False, or
        text such as "yes"/"no"/"1"/"0"; empty means False). Column names are
        case-insensitive.
    framework : str, default 'IOM1997'
    errors : {'raise', 'report'}, default 'raise'
    sd_within_mg : float, optional
        Within-person SD [mg/day] for everyone; default per person from
        :func:`magcalc.references.within_person_sd`.

    Returns
    -------
    PreparedPeople

    Raises
    ------
    PersonError
        With ``errors="raise"``, for the first invalid people row (an impossible
        person, a duplicated or empty ``person_id``, no reference value in the
        framework); the message names the row.
    UnknownFrameworkError, InputError
        For a bad ``framework``, ``sd_within_mg`` or a missing column, whatever
        ``errors`` says.

    Examples
    --------
    >>> import pandas as pd
    >>> people = pd.DataFrame({"person_id": ["a", "b"], "age": [34, 30],
    ...                        "sex": ["f", "male"], "pregnant": ["yes", "yes"]})
    >>> prepared = prepare_people(people, errors="report")
    >>> prepared.profiles["valid"].tolist(), prepared.profiles["ear_mg"].tolist()
    ([True, False], [300.0, nan])
    >>> prepared.errors[["row", "column"]].to_numpy().tolist()
    [[2, 'pregnant']]
    """
    from magcalc.people import Person
    from magcalc.references import framework_info, reference_values, within_person_sd

    mode = _check_mode(errors)
    name = framework_info(framework).framework
    sd_fixed = _check_sd(sd_within_mg)
    people = _check_frame(people, "people")
    cols = _columns(people, "people")
    if "person_id" not in cols or "sex" not in cols:
        raise InputError(
            "people needs columns person_id, sex and age (years) or age_months; "
            f"found: {', '.join(map(str, people.columns)) or 'none'}",
            field="people",
        )
    if "age" in cols and "age_years" in cols:
        raise InputError("people has both 'age' and 'age_years'; keep one", field="age_years")
    age_label = cols.get("age_years", cols.get("age"))
    if age_label is None and "age_months" not in cols:
        raise InputError("people needs an 'age' (years) or 'age_months' column", field="age")
    names = {
        "age_years": str(age_label if age_label is not None else cols["age_months"]),
        "age_months": str(cols.get("age_months", age_label)),
        "sex": str(cols["sex"]),
        "pregnant": str(cols.get("pregnant", "pregnant")),
        "lactating": str(cols.get("lactating", "lactating")),
        "person_id": str(cols["person_id"]),
    }
    n = len(people)
    ids = people[cols["person_id"]]
    id_list = ids.tolist()
    keys_arr, id_problem = _id_keys(ids)
    blank_id = np.asarray(ids.isna(), dtype=bool) | (keys_arr == "")
    bad_id = _failed(id_problem) & ~blank_id
    unusable = blank_id | bad_id
    keys = _PersonKeys.of(keys_arr, ~unusable)
    dup = keys.duplicated

    labels = [age_label, cols.get("age_months"), cols["sex"], cols.get("pregnant")]
    labels.append(cols.get("lactating"))
    cleaned = [_clean_factor(None if lb is None else people[lb], n) for lb in labels]
    factors = [fac for fac, _, _ in cleaned]
    # A cell that cannot be read (a list, 1 MB of text): the person's row is refused.
    unreadable = np.empty(n, dtype=object)
    for lb, (_, rows, why) in zip(labels, cleaned, strict=True):
        for i, text in zip(rows.tolist(), why, strict=True):
            if unreadable[i] is None:
                unreadable[i] = (str(lb), f"{lb} {text}")
    codes, first = _distinct(*_combine(*(f.codes for f in factors)))

    # Profiles that are plainly valid are matched to reference values by life stage, as
    # arrays; the others (and any stage without a value) go through Person one by one,
    # which gives the same values and the exact error.
    distinct, slow = _stage_profiles(factors, first, name, sd_fixed)
    normal = [_age, _age, lambda v: v, _flag, _flag]
    profile_err = np.empty(len(first), dtype=object)
    for j in np.flatnonzero(slow).tolist():
        pos = int(first[j])
        profile = [
            m if f.codes[pos] < 0 else fn(f.uniques[int(f.codes[pos])])
            for f, fn, m in zip(factors, normal, (None, None, None, False, False), strict=True)
        ]
        try:
            person = Person(
                age_years=profile[0],
                age_months=profile[1],
                sex=profile[2],
                pregnant=profile[3],
                lactating=profile[4],
            )
            refs = reference_values(person, framework=name)
            sd = sd_fixed if sd_fixed is not None else within_person_sd(person)[0]
        except MagcalcError as err:
            profile_err[j] = err
            continue
        values = {
            "sex": person.sex,
            "age_years": person.age_years,
            "age_months": person.age_months,
            "pregnant": person.pregnant,
            "lactating": person.lactating,
            "life_stage": refs.life_stage,
            "ear_mg": refs.ear_mg,
            "target_mg": refs.target_mg,
            "target_kind": refs.target_kind,
            "ai_mg": refs.ai_mg,
            "ul_supplemental_mg": refs.ul_supplemental_mg,
            "sd_within_mg": sd,
        }
        for column, value in values.items():
            target = distinct[column]
            if isinstance(target, _Labels):
                target.codes[j] = target.code(value)
            else:
                target[j] = math.nan if value is None else value
    frame = pd.DataFrame(
        {c: v.column(codes) if isinstance(v, _Labels) else v[codes] for c, v in distinct.items()}
    )
    frame.insert(0, "person_id", ids.reset_index(drop=True))

    errs: list[tuple[int, str, str, BaseException]] = []  # position, column, reason, exc
    bad_profile = _failed(profile_err)[codes] if n else np.zeros(0, dtype=bool)
    bad_cell = _failed(unreadable)
    for i in np.flatnonzero(unusable | dup | bad_profile | bad_cell).tolist():
        if blank_id[i]:
            exc: BaseException = PersonError("person_id is empty", field="person_id")
            col = names["person_id"]
        elif bad_id[i]:
            exc = PersonError(str(id_problem[i]), field="person_id")
            col = names["person_id"]
        elif dup[i]:
            exc = PersonError(
                f"person_id {_shown(id_list[i])} appears more than once in people (first at "
                f"row {keys[str(keys_arr[i])] + 1}); give each person one row",
                field="person_id",
            )
            col = names["person_id"]
        elif bad_cell[i]:
            col, text = unreadable[i]
            exc = PersonError(text, field=col)
        else:
            exc = profile_err[codes[i]]
            col = _field_column(getattr(exc, "field", None), names)
        errs.append((i, col, str(exc), exc))
    valid = np.ones(n, dtype=bool)
    reason = np.empty(n, dtype=object)
    for i, _, text, _ in errs:
        valid[i] = False
        reason[i] = text
    frame["valid"] = valid
    frame["reason"] = reason

    if errs and mode == "raise":
        i, col, text, exc = errs[0]
        raise PersonError(
            f"people row {i + 1} (person_id {_shown(id_list[i])}): {text}", field=col
        ) from exc
    error_frame = _error_frame(
        "people",
        [i + 1 for i, *_ in errs],
        [_display_id(id_list[i]) for i, *_ in errs],
        [c for _, c, _, _ in errs],
        [_text_cell(people, c, i) for i, c, _, _ in errs],
        [t for _, _, t, _ in errs],
    )
    return PreparedPeople(name, frame, keys, error_frame)


def _text_cell(people: pd.DataFrame, column: str, i: int) -> str:
    labels = {str(c): c for c in people.columns}
    label = labels.get(column)
    return "" if label is None else _text(people[label].iloc[i])


def _error_frame(
    source: str,
    rows: Sequence[int] | npt.NDArray[np.int64],
    person_ids: Sequence[Any] | npt.NDArray[np.object_],
    columns: Sequence[str] | npt.NDArray[np.object_],
    values: Sequence[str] | npt.NDArray[np.object_],
    reasons: Sequence[str] | npt.NDArray[np.object_],
) -> pd.DataFrame:
    frame: pd.DataFrame = pd.DataFrame(
        {
            "source": pd.Series([source] * len(rows), dtype="str"),
            "row": pd.Series(np.asarray(rows, dtype=np.int64), dtype="int64"),
            "person_id": pd.Series(np.asarray(person_ids, dtype=object), dtype=object),
            "column": pd.Series(np.asarray(columns, dtype=object), dtype="str"),
            "value": pd.Series(np.asarray(values, dtype=object), dtype="str"),
            "reason": pd.Series(np.asarray(reasons, dtype=object), dtype="str"),
        }
    )
    return frame


def _prepared(
    people: pd.DataFrame | PreparedPeople,
    framework: str,
    mode: ErrorsMode,
    sd_within_mg: float | None,
) -> PreparedPeople:
    if isinstance(people, PreparedPeople):
        return people
    return prepare_people(people, framework, errors=mode, sd_within_mg=sd_within_mg)


# --------------------------------------------------------------------------- foods

_text_foods: dict[str, str | MagcalcError] = {}
_text_foods_lock = threading.Lock()
_TEXT_CACHE_SIZE = 100_000


def _resolve_row(table: FoodTable, value: Any) -> int:
    """The food table's row of a cell (FDC id, NDB number or text); free text is cached
    per process. Ids are looked up without building the Food."""
    if isinstance(value, (np.integer, int)) and not isinstance(value, (bool, np.bool_)):
        key: int | str = int(value)
    elif isinstance(value, (float, np.floating)):
        if not float(value).is_integer():
            raise UnknownFoodError(
                value, ["an FDC id (whole number), an NDB number or a food name"]
            )
        key = int(value)
    elif not isinstance(value, str):
        return _row_of(table, table.resolve(value))
    else:
        text = _diary_food(value.strip())  # an id with digits that are not 0-9 is refused
        if text and not text.isdigit():
            hit = _text_foods.get(text)
            if hit is None:
                try:
                    hit = table.resolve(text).key
                except UnknownFoodError as err:
                    hit = err
                with _text_foods_lock:
                    if len(_text_foods) >= _TEXT_CACHE_SIZE:
                        _text_foods.clear()
                    _text_foods[text] = hit
            if isinstance(hit, MagcalcError):
                raise hit
            row = table._row(hit)
            return row if row is not None else _row_of(table, table.get(hit))
        key = text
    row = table._row(key) if isinstance(key, int) or key else None
    # Not found (or an empty id): resolve raises the error it would raise for one person.
    return row if row is not None else _row_of(table, table.resolve(key))


def _row_of(table: FoodTable, food: Food) -> int:
    row = table._row(food.key)
    if row is None:  # pragma: no cover - every Food of the table has a key it knows
        raise UnknownFoodError(food.key)
    return row


@dataclass(frozen=True)
class _Spec:
    """A parsed amount without its number: grams = ((value * a) / b) * c."""

    unit: str
    kind: str
    qualifier: str


def _parse_amount_cell(amount: Any, unit: Any) -> tuple[float, _Spec, str]:
    """(value, spec, text) for a food row's amount (and unit) cells, read as
    :meth:`magcalc.Intake.from_records` reads them."""
    from magcalc.units import parse_amount

    value = diary_amount(amount, None if _is_blank(unit) else unit)
    if isinstance(value, str):
        parsed = parse_amount(value)
    elif isinstance(amount, str):  # a number written as text: grams
        return _grams(float(value), amount), _Spec("gram", "mass", ""), amount.strip()
    elif isinstance(amount, (bool, np.bool_)):
        raise AmountError("amount must be text, a pint Quantity or grams as a number, not a bool")
    elif isinstance(amount, (int, float, np.integer, np.floating)):
        try:
            grams = float(amount)
        except OverflowError:  # an int too large for a float
            grams = math.inf
        return _grams(grams, amount), _Spec("gram", "mass", ""), f"{grams:g} g"
    else:
        raise AmountError(
            f"amount must be text ('1/2 cup') or grams as a number, not {type(amount).__name__}"
        )
    return parsed.value, _Spec(parsed.unit, parsed.kind, parsed.qualifier), parsed.text


def _grams(value: float, shown: Any) -> float:
    if math.isnan(value) or math.isinf(value) or value < 0:
        raise AmountError(f"amount {_shown(shown)} [g] must be a finite, non-negative number")
    return value


def _portion_factors(food: Food, spec: _Spec, text: str) -> tuple[float, float, float]:
    """(a, b, c) with grams = ((value * a) / b) * c: the same arithmetic as serving()."""
    from magcalc.foods import _portion_key, _resolve_portion
    from magcalc.units import Amount, unit_factor

    if spec.kind == "mass":
        return unit_factor(spec.unit), 1.0, 1.0
    amount = Amount(1.0, spec.unit, spec.kind, spec.qualifier, text)  # type: ignore[arg-type]
    _, portion, _ = _resolve_portion(food, amount)
    assert portion is not None
    if spec.kind == "volume":
        volume_unit = _portion_key(portion.unit_description).volume_unit
        assert volume_unit is not None
        return unit_factor(spec.unit), unit_factor(volume_unit), portion.grams_per_unit
    return 1.0, 1.0, portion.grams_per_unit


# --------------------------------------------------------------------------- days


def _day_value(value: Any) -> tuple[str, Any]:
    """('day', int|str), ('all', None), ('blank', None) or ('bad', error): the day as
    :func:`magcalc.assessment.day_of` reads it (1, 1.0 and "1" are day 1)."""
    if _is_blank(value):
        return "blank", None
    try:
        return day_of(value)
    except MagcalcError as err:
        return "bad", err


def _day_series(values: npt.NDArray[np.object_]) -> pd.Series[Any]:
    """Whole-number days as int64; a mix with labels as objects (int and str)."""
    if all(isinstance(v, int) for v in values):
        ints: pd.Series[Any] = pd.Series(np.asarray(values, dtype=np.int64), dtype="int64")
        return ints
    mixed: pd.Series[Any] = pd.Series(values, dtype=object)
    return mixed


def _day_order(day: int | str) -> tuple[int, int, str]:
    return (0, day, "") if isinstance(day, int) else (1, 0, day)


# --------------------------------------------------------------------------- the core


@dataclass
class _Core:
    days: pd.DataFrame
    per_person: dict[str, Any]
    log: _ErrorLog
    person_codes: npt.NDArray[np.intp]
    prep: PreparedPeople  # the people these sums are over
    positions: npt.NDArray[np.intp]  # their positions in the people table


def _supplement_mg(
    form: Any,
    elemental: Any,
    compound: Any,
    servings: Any,
    bare: tuple[str, Any] | None,
) -> float:
    """Elemental magnesium a day [mg/day] of a supplement row, read as
    :meth:`magcalc.Intake.from_records` reads it."""
    form_text = form.strip() if isinstance(form, str) else form
    cells = {"elemental_mg": elemental, "compound_mg": compound, "servings_per_day": servings}
    clean = {k: v for k, v in cells.items() if not _is_blank(v)}
    if bare is not None:
        clean[bare[0]] = bare[1]
    return _diary_supplement(form_text, clean).elemental_mg_per_day


def _core(diary: pd.DataFrame, prep: PreparedPeople, local: bool = False) -> _Core:
    """Everything but the final frames: checks, sums per person-day and per person.

    With ``local``, only the people of these rows are kept (``_Core.prep`` holds their
    profiles, ``_Core.positions`` their positions in the people table), so that a
    partition's work is in proportion to its rows, not to the people table.
    """
    n = len(diary)
    cols, unnamed = _diary_cols(diary)
    cols.pop(ROW_COLUMN, None)
    if n and "person_id" not in cols:
        raise DiaryError(
            "the diary needs a 'person_id' column (and day, food + amount, or supplement "
            f"rows); found: {', '.join(map(str, diary.columns))}",
            field="person_id",
        )
    supp_key = "supplement" if "supplement" in cols else "form"
    if n and "food" not in cols and supp_key not in cols:
        raise DiaryError(
            "the diary needs a 'food' column (with 'amount') or a 'supplement' (or 'form') "
            f"column; found: {', '.join(map(str, diary.columns))}",
            field="food",
        )

    def label(name: str) -> str:
        return str(cols.get(name, name))

    log = _ErrorLog(n)
    # Every column factorised once, first: a cell that cannot be read (a list, 1 MB of
    # text) is reported here and is missing to every check below, which skip its row.
    factors: dict[str, _Factor] = {}
    for name, column in cols.items():
        series = diary[column]
        if name in ("amount", "grams") and _plain_numbers(series):
            factors[name] = _Factor.rows(series, n)  # nothing unreadable in it
            continue
        factors[name], rows, why = _clean_factor(series, n)
        log.unreadable(rows, why, str(column), series)
    empty = _Factor.of(None, n)

    def factor(name: str) -> _Factor:
        return factors.get(name, empty)

    # Columns with no name (trailing commas) may only be empty; by position, as several
    # may share the empty name.
    for j, column in enumerate(diary.columns):
        if not any(column is u or column == u for u in unnamed):
            continue
        cells = diary.iloc[:, j]
        where = f"column {j + 1}"  # no name to show
        fac, rows, why = _clean_factor(cells, n)
        log.unreadable(rows, why, where, cells)
        reason = f"this row has a cell under {where}, which has no name; name it or empty it"
        log.add(~fac.blank(), where, fac.codes, fac.text, reason, DiaryError(reason))

    person = _who(factor("person_id"), prep, log, label("person_id"))
    positions = np.arange(len(prep.profiles), dtype=np.intp)
    if local:
        positions = np.unique(person[person >= 0]).astype(np.intp)
        found = np.searchsorted(positions, np.maximum(person, 0))
        person = np.where(person >= 0, found, -1).astype(np.intp)
        prep = PreparedPeople(
            prep.framework,
            prep.profiles.take(positions).reset_index(drop=True),
            prep.keys,
            prep.errors,
        )

    # --- what: a food or a supplement
    food = factor("food")
    supp = factor(supp_key)
    if "supplement" in cols and "form" in cols:
        # Both spellings present: a row may use either one, not both.
        form = factor("form")
        twice = "give the supplement in 'supplement' or in 'form', not both"
        log.add(
            ~supp.blank() & ~form.blank(),
            label("form"),
            form.codes,
            form.text,
            twice,
            DiaryError(twice, field="form"),
        )
        use_form = supp.blank() & ~form.blank()
        merged = np.where(use_form, _values(form), _values(supp))
        supp = _Factor.of(pd.Series(merged, dtype=object), n)
    has_food, has_supp = ~food.blank(), ~supp.blank()
    food_text = food.text
    both = "a row has either 'food' or 'supplement', not both"
    log.add(
        has_food & has_supp,
        label("food"),
        food.codes,
        food_text,
        both,
        DiaryError(both, field="food"),
    )
    neither = (
        "a row needs a 'food' (with 'amount') or a 'supplement' (with elemental_mg or "
        "compound_mg); this row has neither"
    )
    log.add(
        ~has_food & ~has_supp,
        label("food"),
        food.codes,
        food_text,
        neither,
        DiaryError(neither, field="food"),
    )
    food_rows = has_food & ~has_supp
    supp_rows = has_supp & ~has_food
    # A cell of the other kind of row would be left out unseen (servings_per_day on a
    # food row is not 2 servings of the food).
    misplaced: list[tuple[Iterable[str], npt.NDArray[np.bool_], str]] = [
        (
            SUPPLEMENT_ONLY_COLUMNS,
            food_rows,
            "is for supplement rows, and this is a food row; give the food's amount in "
            "'amount' (e.g. '2 cups') or put the supplement on its own row",
        ),
        (
            FOOD_ONLY_COLUMNS,
            supp_rows,
            "is for food rows, and this is a supplement row; give the dose in elemental_mg "
            "or compound_mg",
        ),
    ]
    for only_in, wrong_rows, misuse in misplaced:
        for column in only_in:
            if column in cols:
                cell = factor(column)
                reason = f"'{column}' {misuse}"
                log.add(
                    wrong_rows & ~cell.blank(),
                    label(column),
                    cell.codes,
                    cell.text,
                    reason,
                    DiaryError(reason, field=column),
                )

    day_ids, day_id = _when("day" in cols, factor("day"), food_rows, log, label("day"))
    mg_row, known = _food_magnesium(diary, cols, food, food_rows, log, factor, label)
    supp_mg = _supplements(cols, supp, supp_key, supp_rows, log, factor, label)

    # --- sums, vectorised over integer codes
    n_people = len(prep.profiles)
    ok = ~log.bad
    f_ok, s_ok = food_rows & ok, supp_rows & ok
    known &= f_ok
    unknown = f_ok & ~known
    s_dated = s_ok & (day_id >= 0)
    s_every = s_ok & (day_id < 0)
    dated = f_ok | s_dated

    # A person with only "every day" supplements has one day: day 1 (as assess does).
    has_day = np.zeros(n_people, dtype=bool)
    has_day[person[dated]] = True
    every_people = np.flatnonzero(np.bincount(person[s_every], minlength=n_people))
    lonely = every_people[~has_day[every_people]]
    if len(lonely):
        day_ids.setdefault(1, len(day_ids))
    days_sorted = sorted(day_ids, key=_day_order)
    rank = np.empty(len(day_ids), dtype=np.int64)
    rank[[day_ids[d] for d in days_sorted]] = np.arange(len(days_sorted))
    width = max(len(day_ids), 1)
    dated_pos = np.flatnonzero(dated)
    keys = person[dated_pos].astype(np.int64) * width + rank[day_id[dated_pos]]
    if len(lonely):
        keys = np.concatenate([keys, lonely.astype(np.int64) * width + rank[day_ids[1]]])
    inverse, uniq = _dense(keys, n_people * width)
    m = len(uniq)
    pd_person = (uniq // width).astype(np.intp)
    pd_day = uniq % width
    code = np.full(n, -1, dtype=np.intp)
    code[dated_pos] = inverse[: len(dated_pos)]

    food_day = np.bincount(code[known], weights=mg_row[known], minlength=m)
    unknown_day = np.bincount(code[unknown], minlength=m).astype(np.int64)
    supp_dated = np.bincount(code[s_dated], weights=supp_mg[s_dated], minlength=m)
    every_person = np.bincount(person[s_every], weights=supp_mg[s_every], minlength=n_people)
    supp_day = supp_dated + every_person[pd_person]

    day_values = np.empty(width, dtype=object)
    day_values[: len(days_sorted)] = days_sorted
    days_frame = pd.DataFrame(
        {
            "person_id": prep.profiles["person_id"].take(pd_person).reset_index(drop=True),
            "day": _day_series(day_values[pd_day]),
            "food_mg": food_day,
            "supplemental_mg": supp_day,
            "total_mg": food_day + supp_day,
            "foods_without_data": unknown_day,
        }
    )

    n_days = np.bincount(pd_person, minlength=n_people).astype(np.int64)
    with np.errstate(invalid="ignore", divide="ignore"):
        food_mean = np.bincount(pd_person, weights=food_day, minlength=n_people) / n_days
        supp_mean = np.bincount(pd_person, weights=supp_day, minlength=n_people) / n_days
    overflow = np.flatnonzero((n_days > 0) & ~np.isfinite(food_mean + supp_mean))
    if len(overflow):
        # Each entry is finite but a person's sum overflowed (as assess refuses it).
        at = np.flatnonzero(np.isin(person, overflow) & ~log.bad)
        reason = (
            "this person's amounts add up to more magnesium than can be computed with; "
            "check the amounts (g, not kg; mg, not g)"
        )
        excs = np.empty(len(at), dtype=object)
        excs.fill(InputError(reason, field="intake"))
        log.add_at(
            at,
            "person_id",
            np.asarray(
                [_text(v) for v in prep.profiles["person_id"].to_numpy()[person[at]]], dtype=object
            ),
            np.full(len(at), reason, dtype=object),
            excs,
        )
        food_mean[overflow] = supp_mean[overflow] = math.nan
    max_supp = np.full(n_people, math.nan)
    if m:
        starts = np.flatnonzero(np.r_[True, pd_person[1:] != pd_person[:-1]])
        max_supp[pd_person[starts]] = np.maximum.reduceat(supp_day, starts)
    rejected = np.bincount(person[log.bad & (person >= 0)], minlength=n_people)
    per_person = {
        "n_days": n_days,
        "food_mg": food_mean,
        "supplemental_mg": supp_mean,
        "total_mg": food_mean + supp_mean,
        "foods_without_data": np.bincount(pd_person, weights=unknown_day, minlength=n_people)
        .round()
        .astype(np.int64),
        "max_daily_supplemental_mg": max_supp,
        "rows_rejected": rejected.astype(np.int64),
    }
    return _Core(days_frame, per_person, log, person, prep, positions)


def _find_people(prep: PreparedPeople, keys: npt.NDArray[np.object_]) -> npt.NDArray[np.intp]:
    """Positions in the people table of person-id keys (-1 where absent)."""
    table = prep.keys
    if isinstance(table, _PersonKeys):
        return table.find(keys)
    return np.asarray([table.get(k, -1) for k in keys.tolist()], dtype=np.intp)


def _who(pid: _Factor, prep: PreparedPeople, log: _ErrorLog, column: str) -> npt.NDArray[np.intp]:
    """Per row: the person's position in the people table (-1 when unusable; logged)."""
    keys, problems = _id_keys(pid.index)
    found = _find_people(prep, keys)
    pos_u = np.where(found >= 0, found, -2)
    pos_u[_failed(problems)] = -3
    blank_u = pid.blank_u()
    pos_u = np.append(pos_u, -1)
    pos_u[blank_u] = -1
    valid = prep.profiles["valid"].to_numpy(dtype=bool)
    reasons = prep.profiles["reason"].to_numpy(dtype=object)
    msg_u = np.empty(len(pos_u), dtype=object)
    listed = pos_u >= 0
    fine_u = np.ones(len(pos_u), dtype=bool)
    fine_u[listed] = valid[pos_u[listed]]  # only the people of these rows are looked at
    unusable = (pos_u < 0) | ~fine_u
    for k in np.flatnonzero(unusable).tolist():
        p = int(pos_u[k])
        value = pid.uniques[k] if k < len(pid.uniques) else None
        if p == -1:
            msg_u[k] = "person_id is empty"
        elif p == -3:
            msg_u[k] = problems[k]
        elif p == -2:
            msg_u[k] = (
                f"person_id {_shown(value)} is not in the people table; add the person "
                "(person_id, age, sex, ...) or correct the id"
            )
        else:
            msg_u[k] = (
                f"person_id {_shown(value)} has an invalid profile (people row {p + 1}): "
                f"{reasons[p]}"
            )
    exc_u = np.asarray(
        [None if m is None else DiaryError(str(m), field="person_id") for m in msg_u],
        dtype=object,
    )
    bad_u = _failed(msg_u)
    log.add(bad_u[pid.codes], column, pid.codes, pid.text, _messages(msg_u), exc_u)
    return np.where(bad_u[pid.codes], -1, pos_u[pid.codes]).astype(np.intp)


def _when(
    has_column: bool,
    day: _Factor,
    food_rows: npt.NDArray[np.bool_],
    log: _ErrorLog,
    column: str,
) -> tuple[dict[int | str, int], npt.NDArray[np.int64]]:
    """Day ids (normalised day -> id) and per row the day id (-1: every day)."""
    day_ids: dict[int | str, int] = {}
    if not has_column:
        day_ids[1] = 0
        return day_ids, np.where(food_rows, 0, -1).astype(np.int64)
    parsed = [_day_value(v) for v in day.uniques] + [("blank", None)]
    kind_u = np.asarray([{"day": 0, "all": 1, "blank": 2, "bad": 3}[k] for k, _ in parsed])
    id_u = np.full(len(parsed), -1, dtype=np.int64)
    for k, (kind, value) in enumerate(parsed):
        if kind == "day":
            id_u[k] = day_ids.setdefault(value, len(day_ids))
    exc_u = np.asarray([v if k == "bad" else None for k, v in parsed], dtype=object)
    row_kind = kind_u[day.codes]
    text_u = day.text
    log.add(row_kind == 3, column, day.codes, text_u, _messages(exc_u), exc_u)
    reason = "a food row needs a day (a number or a label such as '2026-11-25')"
    no_day = food_rows & ((row_kind == 1) | (row_kind == 2))
    log.add(no_day, column, day.codes, text_u, reason, DiaryError(reason, field="day"))
    return day_ids, id_u[day.codes]


def _food_magnesium(
    diary: pd.DataFrame,
    cols: dict[str, Hashable],
    food: _Factor,
    food_rows: npt.NDArray[np.bool_],
    log: _ErrorLog,
    factor: Callable[[str], _Factor],
    label: Callable[[str], str],
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.bool_]]:
    """Per row: magnesium [mg] of a food entry, and whether the food has a value."""
    from magcalc.foods import FoodTable

    n = len(food.codes)
    # --- foods: each distinct value resolved once, to a row of the food table
    table = FoodTable.default()
    used = np.zeros(len(food.index) + 1, dtype=bool)
    used[food.codes[food_rows]] = True
    err_u = np.empty(len(food.index) + 1, dtype=object)
    dense_u = np.full(len(food.index) + 1, -1, dtype=np.int64)
    dense: dict[int, int] = {}
    rows_of: list[int] = []  # dense food code -> row of the food table
    for k in np.flatnonzero(used[:-1]).tolist():
        try:
            i = _resolve_row(table, food.uniques[k])
        except MagcalcError as err:
            err_u[k] = err
            continue
        d = dense.get(i)
        if d is None:
            d = dense[i] = len(rows_of)
            rows_of.append(i)
        dense_u[k] = d
    log.add(
        food_rows & _failed(err_u)[food.codes],
        label("food"),
        food.codes,
        food.text,
        _messages(err_u),
        err_u,
    )
    food_dense = dense_u[food.codes]
    food_rows_of = np.asarray(rows_of, dtype=np.intp)

    # --- amounts: each distinct (amount, unit, grams) read once: plain numbers (grams,
    # or a number beside a unit) as arrays, anything else parsed value by value.
    by_name: dict[str, _Factor] = {c: factor(c) for c in ("amount", "unit", "grams") if c in cols}
    if not by_name:
        by_name = {"amount": factor("amount")}
    parts, names = list(by_name.values()), list(by_name)
    specs: dict[_Spec, int] = {}
    spec_list: list[_Spec] = []

    def spec_id(spec: _Spec) -> int:
        s = specs.get(spec)
        if s is None:
            s = specs[spec] = len(spec_list)
            spec_list.append(spec)
        return s

    # Plain numbers row by row, as arrays (no hashing of every distinct gram amount) ...
    value_r = np.full(n, math.nan)
    spec_r = np.full(n, -1, dtype=np.int64)
    rows = np.arange(n, dtype=np.intp)
    fast = _numeric_pairs(by_name, rows, food_rows, label, spec_id, value_r, spec_r)
    # ... and the other amounts once per distinct (amount, unit, grams). Amount ids: the
    # k distinct others, then one per row (k + row).
    slow_rows = np.flatnonzero(food_rows & ~fast)
    sub_codes, sub_first = _distinct(*_combine(*(_value_codes(p, slow_rows) for p in parts)))
    k = len(sub_first)
    n_pairs = k + n
    pair_codes = k + rows
    pair_codes[slow_rows] = sub_codes
    pair_first = np.concatenate([slow_rows[sub_first], rows]).astype(np.intp)
    value_p = np.concatenate([np.full(k, math.nan), value_r])
    spec_p = np.concatenate([np.full(k, -1, dtype=np.int64), spec_r])
    err_p = np.empty(n_pairs, dtype=object)
    col_p = np.empty(n_pairs, dtype=object)  # set for every amount read one by one
    text_p = np.empty(n_pairs, dtype=object)  # filled where needed (messages)

    def texts(js: Iterable[int]) -> None:
        """The amount as written, for the pairs ``js`` that do not have it yet."""
        for j in js:
            if text_p[j] is None:
                pos = int(pair_first[j])
                cells = [p.cell(pos) for p in parts]
                text_p[j] = " ".join(_text(v) for v in cells if not _is_blank(v))

    for j in range(k):
        pos = int(pair_first[j])
        cells = {name: p.cell(pos) for name, p in zip(names, parts, strict=True)}
        a, u, g = cells.get("amount"), cells.get("unit"), cells.get("grams")
        text_p[j] = " ".join(_text(v) for v in (a, u, g) if not _is_blank(v))
        try:
            value, spec, _, col_p[j] = _amount_cells(a, u, g, label)
        except _CellError as err:
            err_p[j], col_p[j] = err.error, err.column
            continue
        value_p[j], spec_p[j] = value, spec_id(spec)
    amount_bad = food_rows & _failed(err_p)[pair_codes]
    bad_rows = np.flatnonzero(amount_bad)
    for column in sorted(set(col_p[_failed(err_p)].tolist())):
        in_column = np.zeros(n, dtype=bool)
        in_column[bad_rows[col_p[pair_codes[bad_rows]] == column]] = True
        log.add(in_column, column, pair_codes, text_p, _messages(err_p), err_p)

    # --- magnesium per row: grams = ((value * a) / b) * c, with (a, b, c) once per
    # distinct (food, measure): per unit for masses, per (food, measure) for the others.
    mg = np.full(n, math.nan)
    known = np.zeros(n, dtype=bool)
    where = np.flatnonzero(food_rows & ~log.bad)
    if not len(where):
        return mg, known
    d_r = food_dense[where]
    p_r = pair_codes[where]
    s_r = spec_p[p_r]
    width = max(len(spec_list), 1)
    ds_codes, ds_first = _distinct(d_r * width + s_r, max(len(rows_of), 1) * width)
    abc = np.ones((len(ds_first), 3))
    bad_ds = np.zeros(len(ds_first), dtype=bool)
    for j, local in enumerate(ds_first.tolist()):
        spec = spec_list[int(s_r[local])]
        if spec.kind == "mass":
            abc[j] = _mass_factor(spec.unit), 1.0, 1.0
            continue
        texts([int(p_r[local])])
        try:
            abc[j] = _factors(table._food(rows_of[int(d_r[local])]), spec, str(text_p[p_r[local]]))
        except MagcalcError:
            bad_ds[j] = True
    # The same arithmetic, in the same order, as magcalc.foods.serving.
    a, b, c = abc[ds_codes, 0], abc[ds_codes, 1], abc[ds_codes, 2]
    with np.errstate(over="ignore", invalid="ignore"):
        grams_r = ((value_p[p_r] * a) / b) * c
        raw = _magnesium_per_100g(table)[food_rows_of[d_r]] * grams_r / 100.0
    mg_r = _round10(raw)
    err_r = np.empty(len(where), dtype=object)
    # A measure the food has no portion for: the message once per (food, amount).
    failed_ds = np.flatnonzero(bad_ds[ds_codes])
    for group in _by_combo(d_r, p_r, n_pairs, failed_ds):
        first = int(group[0])
        texts([int(p_r[first])])
        food_model = table._food(rows_of[int(d_r[first])])
        try:
            _portion_factors(food_model, spec_list[int(s_r[first])], str(text_p[p_r[first]]))
        except MagcalcError as err:
            err_r[group] = err
    # As serving(): an amount too large to compute with is an error ...
    huge = np.flatnonzero((~np.isfinite(grams_r) | np.isinf(mg_r)) & ~_failed(err_r))
    for group in _by_combo(d_r, p_r, n_pairs, huge):
        first = int(group[0])
        texts([int(p_r[first])])
        err_r[group] = AmountError(
            f"amount {text_p[p_r[first]]!r} of "
            f"{table.descriptions[rows_of[int(d_r[first])]]!r} is too large to "
            "compute with; give a real serving such as '100 g' or '1 cup'"
        )
    # ... and a serving over the plausible maximum is used, with one warning for all rows.
    _warn_heavy(grams_r, p_r, texts, text_p)
    failed_local = _failed(err_r)
    at = where[failed_local]
    texts(np.unique(pair_codes[at]).tolist())
    log.add_at(
        at,
        label("amount"),
        text_p[pair_codes[at]],
        _messages(err_r[failed_local]),
        err_r[failed_local],
    )
    mg[where] = mg_r
    known[where] = ~np.isnan(mg_r) & ~failed_local
    return mg, known


def _round10(x: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """``round(x, 10)`` as serving() rounds, vectorised (equal to within an ulp).

    Values too large for ``x * 1e10`` are whole numbers in float64 already: kept as is.
    """
    with np.errstate(over="ignore", invalid="ignore"):
        out: npt.NDArray[np.float64] = np.where(np.abs(x) < 1e290, np.round(x, 10), x)
    return out


def _by_combo(
    d_r: npt.NDArray[np.int64],
    p_r: npt.NDArray[np.intp],
    n_pairs: int,
    rows: npt.NDArray[np.intp],
) -> list[npt.NDArray[np.intp]]:
    """``rows`` grouped by (food, amount), in (food, amount) order."""
    if not len(rows):
        return []
    keys = d_r[rows].astype(np.int64) * n_pairs + p_r[rows]
    order = np.argsort(keys, kind="stable")
    keys, rows = keys[order], rows[order]
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    return np.split(rows, starts[1:])


def _numeric_pairs(
    by_name: dict[str, _Factor],
    first: npt.NDArray[np.intp],
    used_p: npt.NDArray[np.bool_],
    label: Callable[[str], str],
    spec_id: Callable[[_Spec], int],
    value_p: npt.NDArray[np.float64],
    spec_p: npt.NDArray[np.int64],
) -> npt.NDArray[np.bool_]:
    """
    Read the (amount, unit, grams) pairs that are plain numbers, as arrays: an amount in
    grams (a number with no unit), grams in ``grams``, or a number beside a unit given
    once per distinct unit. Fills ``value_p`` and ``spec_p`` there; returns where.

    Only what reads exactly as :func:`_amount_cells` would read it, with no error, is
    taken: a finite, non-negative number (not a bool). Anything else, and every value
    that :func:`_amount_cells` would refuse, is left to it.
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
        if fac is None or not fac._is_numeric() or fac.index.dtype.kind == "b":
            return values, np.zeros(len(first), dtype=bool)
        per_u = np.append(np.asarray(fac.index.to_numpy(dtype=float, na_value=math.nan)), math.nan)
        values = per_u[fac.codes[first]]
        with np.errstate(invalid="ignore"):
            return values, np.isfinite(values) & (values >= 0)

    no_amount, no_unit, no_grams = blank("amount"), blank("unit"), blank("grams")
    amount, amount_ok = number("amount")
    grams, grams_ok = number("grams")
    gram = spec_id(_Spec("gram", "mass", ""))
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


def _unit_spec(unit: Any, label: Callable[[str], str]) -> _Spec | None:
    """The spec of a number beside ``unit``, if the number alone sets the amount."""
    if not isinstance(unit, str) or any(ch in unit for ch in "0123456789/.,+-"):
        return None
    specs = []
    for probe in (1.0, 2.5):
        try:
            value, spec, _, _ = _amount_cells(probe, unit, None, label)
        except _CellError:
            return None
        if value != probe:
            return None
        specs.append(spec)
    return specs[0] if specs[0] == specs[1] else None


# Grams in grams: 1, without loading pint (0.3 s) for a diary in grams.
_mass_factors: dict[str, float] = {"gram": 1.0}


def _mass_factor(unit: str) -> float:
    """Grams per ``unit`` (a mass unit), from pint once per unit."""
    hit = _mass_factors.get(unit)
    if hit is None:
        from magcalc.units import unit_factor

        hit = _mass_factors[unit] = unit_factor(unit)
    return hit


_per_100g: dict[int, tuple[FoodTable, npt.NDArray[np.float64]]] = {}
_per_100g_lock = threading.Lock()


def _magnesium_per_100g(table: FoodTable) -> npt.NDArray[np.float64]:
    """The food table's magnesium [mg/100 g] as an array (NaN: no value), once per table."""
    hit = _per_100g.get(id(table))
    if hit is None or hit[0] is not table:
        values = np.asarray(
            [math.nan if v is None else v for v in table.magnesium], dtype=np.float64
        )
        with _per_100g_lock:
            if len(_per_100g) > 8:
                _per_100g.clear()
            _per_100g[id(table)] = hit = (table, values)
    return hit[1]


_factor_cache: dict[tuple[str, _Spec], tuple[float, float, float] | MagcalcError] = {}
_factor_lock = threading.Lock()


def _factors(food: Food, spec: _Spec, text: str) -> tuple[float, float, float]:
    """(a, b, c) of :func:`_portion_factors`, cached per process by (food, measure).

    The food table is immutable, so the cache is safe; on an error the message is made
    again with ``text`` (the amount as written on the row).
    """
    key = (food.key, spec)
    hit = _factor_cache.get(key)
    if hit is None:
        try:
            hit = _portion_factors(food, spec, text)
        except MagcalcError as err:
            hit = err
        with _factor_lock:
            if len(_factor_cache) >= 500_000:
                _factor_cache.clear()
            _factor_cache[key] = hit
    if isinstance(hit, MagcalcError):
        return _portion_factors(food, spec, text)  # raises, naming this row's amount
    return hit


def _warn_heavy(
    grams_r: npt.NDArray[np.float64],
    p_r: npt.NDArray[np.intp],
    texts: Callable[[Iterable[int]], None],
    text_p: npt.NDArray[np.object_],
) -> None:
    """One PlausibilityWarning for every food row over magcalc's plausible serving."""
    from magcalc import errors, foods

    limit = getattr(foods, "MAX_PLAUSIBLE_SERVING_G", None)
    category = getattr(errors, "PlausibilityWarning", UserWarning)
    if limit is None:
        return
    with np.errstate(invalid="ignore"):
        heavy = np.flatnonzero(np.isfinite(grams_r) & (grams_r > limit))
    if not len(heavy):
        return
    # Examples in row order, each amount once: as many as the message shows.
    shown: dict[str, None] = {}
    for j in dict.fromkeys(p_r[heavy].tolist()):
        texts([j])
        shown[repr(text_p[j])] = None
        if sum(len(t) + 2 for t in shown) > 200:
            break
    examples = ", ".join(shown)
    warnings.warn(
        f"{len(heavy):,} food row(s) of {len(grams_r):,} weigh more than any single serving "
        f"({limit / 1000:g} kg), e.g. {examples[:200]}; check the amounts (g, not kg?). "
        "They are used as given.",
        category,
        stacklevel=6,  # the caller of assess_frame / assess_partition
    )


class _CellError(Exception):
    def __init__(self, error: MagcalcError, column: str) -> None:
        super().__init__(str(error))
        self.error, self.column = error, column


def _amount_cells(
    a: Any, u: Any, g: Any, label: Callable[[str], str]
) -> tuple[float, _Spec, str, str]:
    """(value, spec, text, column) of a food row's amount, unit and grams cells."""
    try:
        if not _is_blank(g):
            if not _is_blank(a) or not _is_blank(u):
                raise AmountError(
                    "give either 'amount' (with an optional 'unit') or 'grams', not both"
                )
            value = _grams(_number(g, "grams"), g)
            return value, _Spec("gram", "mass", ""), f"{value:g} g", label("grams")
        if _is_blank(a):
            raise DiaryError(
                "food row has no 'amount'; write e.g. '1/2 cup' or '100 g' (or give 'grams')",
                field="amount",
            )
        value, spec, text = _parse_amount_cell(a, u)
        return value, spec, text, label("amount")
    except MagcalcError as err:
        column = "grams" if not _is_blank(g) else "unit" if _is_blank(a) else "amount"
        if column == "unit" and _is_blank(u):
            column = "amount"
        raise _CellError(err, label(column)) from err


def _supplements(
    cols: dict[str, Hashable],
    supp: _Factor,
    supp_key: str,
    supp_rows: npt.NDArray[np.bool_],
    log: _ErrorLog,
    factor: Callable[[str], _Factor],
    label: Callable[[str], str],
) -> npt.NDArray[np.float64]:
    """Per row: elemental magnesium a day [mg/day] of a supplement entry."""
    n = len(supp.codes)
    out = np.full(n, math.nan)
    where = np.flatnonzero(supp_rows)
    if not len(where):
        return out
    columns = ["elemental_mg", "compound_mg", "servings_per_day"]
    bare_names = [b for b in _BARE_DOSE if b in cols]
    parts = [supp] + [factor(c) for c in columns] + [factor(b) for b in bare_names]
    codes, first = _distinct(*_combine(*(p.codes[where] for p in parts)))
    dose = np.full(len(first), math.nan)
    err_u = np.empty(len(first), dtype=object)
    col_u = np.full(len(first), label(supp_key), dtype=object)
    val_u = np.full(len(first), "", dtype=object)
    sup_cols = {c: label(c) for c in columns}
    for j, local in enumerate(first.tolist()):
        pos = int(where[local])
        cells = [p.cell(pos) for p in parts]
        form, elemental, compound, servings = cells[:4]
        bare = next(
            ((b, v) for b, v in zip(bare_names, cells[4:], strict=True) if not _is_blank(v)),
            None,
        )
        val_u[j] = _text(form)
        try:
            dose[j] = _supplement_mg(form, elemental, compound, servings, bare)
        except MagcalcError as err:
            err_u[j] = err
            fld = getattr(err, "field", None)
            if bare is not None and isinstance(err, SupplementError) and fld in _BARE_DOSE:
                col_u[j], val_u[j] = label(bare[0]), _text(bare[1])
            elif fld in sup_cols and not isinstance(err, UnknownFormError):
                col_u[j] = sup_cols[str(fld)]
                val_u[j] = _text(cells[1 + columns.index(str(fld))])
    failed_u = _failed(err_u)
    row_codes = np.zeros(n, dtype=np.intp)
    row_codes[where] = codes
    bad = np.zeros(n, dtype=bool)
    bad[where] = failed_u[codes]
    for column in sorted(set(col_u[failed_u].tolist())):
        log.add(
            bad & (col_u[row_codes] == column), column, row_codes, val_u, _messages(err_u), err_u
        )
    out[where] = dose[codes]
    return out


_erf = np.frompyfunc(math.erf, 1, 1)


def _phi(z: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Standard normal CDF, with math.erf as in :func:`magcalc.assess`."""
    out = np.full(z.shape, math.nan)
    finite = ~np.isnan(z)
    out[finite] = 0.5 * (1.0 + np.asarray(_erf(z[finite] / math.sqrt(2.0)), dtype=float))
    return out


def _people_frame(prep: PreparedPeople, core: _Core, keep: npt.NDArray[np.bool_]) -> pd.DataFrame:
    prof = prep.profiles
    pp = core.per_person
    n = pp["n_days"].astype(float)
    total = pp["total_mg"]
    ear = prof["ear_mg"].to_numpy(dtype=float)
    ai = prof["ai_mg"].to_numpy(dtype=float)
    target = prof["target_mg"].to_numpy(dtype=float)
    ul = prof["ul_supplemental_mg"].to_numpy(dtype=float)
    sdw = prof["sd_within_mg"].to_numpy(dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        # IOM 2000 pp. 54-57: SD of the requirement = CV 10 % x EAR (IOM 1997).
        sd_r = 0.10 * ear
        sd_d = np.hypot(sd_r, sdw / np.sqrt(n))  # sqrt(sd_r**2 + sd_within**2 / n)
        probability = _phi((total - ear) / sd_d)
        confidence = _phi(np.where(np.isnan(ear), (total - ai) / (sdw / np.sqrt(n)), math.nan))
        percent = 100.0 * total / target
    exceeds = pd.array(pp["max_daily_supplemental_mg"] > ul, dtype="boolean")
    exceeds[np.isnan(ul) | (pp["n_days"] == 0)] = pd.NA
    frame = pd.DataFrame(
        {
            "person_id": prof["person_id"],
            "sex": prof["sex"],
            "age_years": prof["age_years"],
            "age_months": prof["age_months"],
            "pregnant": prof["pregnant"],
            "lactating": prof["lactating"],
            "life_stage": prof["life_stage"],
            "n_days": pp["n_days"],
            "food_mg": pp["food_mg"],
            "supplemental_mg": pp["supplemental_mg"],
            "total_mg": total,
            "foods_without_data": pp["foods_without_data"],
            "ear_mg": ear,
            "target_mg": target,
            "target_kind": prof["target_kind"],
            "percent_of_target": percent,
            "probability_adequate": probability,
            "confidence_above_ai": confidence,
            "sd_within_mg": sdw,
            "ul_supplemental_mg": ul,
            "max_daily_supplemental_mg": pp["max_daily_supplemental_mg"],
            "exceeds_ul": exceeds,
            "rows_rejected": pp["rows_rejected"],
        }
    )
    frame = frame[keep & prof["valid"].to_numpy(dtype=bool)].reset_index(drop=True)
    return _people_dtypes(frame)


def _people_dtypes(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.astype(
        {
            "sex": "str",
            "life_stage": "str",
            "target_kind": "str",
            "pregnant": bool,
            "lactating": bool,
            "n_days": "int64",
            "foods_without_data": "int64",
            "rows_rejected": "int64",
            "exceeds_ul": "boolean",
        }
    )
    return frame


def _diary_errors(
    diary: pd.DataFrame, core: _Core, rows: npt.NDArray[np.int64], prep: PreparedPeople
) -> pd.DataFrame:
    chunks = core.log.chunks
    if not chunks:
        return _error_frame("diary", [], [], [], [], [])
    positions = np.concatenate([c.positions for c in chunks])
    order = np.concatenate([np.full(len(c.positions), c.order) for c in chunks])
    columns = np.concatenate([np.full(len(c.positions), c.column, dtype=object) for c in chunks])
    values = np.concatenate([c.values for c in chunks])
    reasons = np.concatenate([c.reasons for c in chunks])
    sort = np.lexsort((order, positions))
    positions = positions[sort]
    cols, _ = _diary_cols(diary)
    pid_label = cols.get("person_id")
    if pid_label is None:
        pids = np.empty(len(positions), dtype=object)
    else:
        raw = np.asarray(diary[pid_label], dtype=object)[positions]
        pids = np.asarray([_display_id(v) for v in raw.tolist()], dtype=object)
    return _error_frame("diary", rows[positions], pids, columns[sort], values[sort], reasons[sort])


def _row_numbers(diary: pd.DataFrame) -> npt.NDArray[np.int64]:
    cols, _ = _diary_cols(diary)
    label = cols.get(ROW_COLUMN)
    if label is not None:
        return np.asarray(diary[label], dtype=np.int64)
    return np.arange(1, len(diary) + 1, dtype=np.int64)


def _run(
    diary: pd.DataFrame, prep: PreparedPeople, mode: ErrorsMode, local: bool = False
) -> tuple[_Core, pd.DataFrame, npt.NDArray[np.int64]]:
    rows = _row_numbers(diary)
    core = _core(diary, prep, local)
    if mode == "raise":
        _raise_first(core.log, rows)
    return core, _diary_errors(diary, core, rows, prep), rows


# --------------------------------------------------------------------------- public API


def assess_frame(
    diary: pd.DataFrame,
    people: pd.DataFrame | PreparedPeople,
    framework: str = "IOM1997",
    *,
    errors: ErrorsMode = "raise",
    sd_within_mg: float | None = None,
) -> BatchResult:
    """
    Assess many people's magnesium intake at once (vectorised; agrees with ``assess``).

    Parameters
    ----------
    diary : pandas.DataFrame
        One row per food or supplement entry, in the diary format of a single person
        (:data:`magcalc.assessment.DIARY_COLUMNS`, read by the same functions as
        :meth:`magcalc.Intake.from_records`). Columns (case-insensitive; any other
        column, or one given twice, is a :class:`~magcalc.DiaryError` naming it):

        - ``person_id`` (required), matched as text with the people table (7, 7.0
          and "7" are the same person; a float id of 2**53 or more, which may be
          another id rounded, is a row error);
        - ``day``: a whole number (1, 1.0 and "1" are the same day) or a label; if
          the column is absent every row is day 1;
        - food rows: ``food`` (FDC id, NDB number as 5-digit text, or free text,
          resolved to the best match as :func:`magcalc.serving` does) and either
          ``amount`` as text ("1/2 cup", "3.5 oz", "1 medium"), ``amount`` + ``unit``
          (``0.5`` + ``"cup"``), ``amount`` as a number (grams), or ``grams``;
        - supplement rows: ``supplement`` (or ``form``: a form name or alias, or a
          Supplement Facts line) with ``elemental_mg`` or ``compound_mg`` (never a
          bare ``mg``) and optional ``servings_per_day``; ``day`` empty or "all"
          means every recorded day of that person.
    people : pandas.DataFrame or PreparedPeople
        ``person_id``, ``sex``, ``age`` (years; or ``age_years``) and/or
        ``age_months``, optional ``pregnant``, ``lactating``
        (see :func:`prepare_people`).
    framework : str, default 'IOM1997'
        Reference framework (see :func:`magcalc.frameworks`).
    errors : {'raise', 'report'}, default 'raise'
        ``"raise"``: raise on the first bad row (a :class:`~magcalc.DiaryError` naming
        the row, with the specific error as its ``__cause__``; a
        :class:`~magcalc.PersonError` for the people table). ``"report"``: leave bad
        rows out of the computation and list each in ``.errors`` with its row number,
        column, value and reason; a person with an invalid profile is left out of
        ``.people`` and all their diary rows are listed.
    sd_within_mg : float, optional
        Within-person SD of daily intake [mg/day] for the IOM 2000 probability;
        default per person from :func:`magcalc.references.within_person_sd`.

    Returns
    -------
    BatchResult
        ``.days``, ``.people`` and ``.errors`` (see :class:`BatchResult`).

    Raises
    ------
    DiaryError
        A bad diary row (with ``errors="raise"``), or a diary without a
        ``person_id`` or ``food``/``supplement`` column, or with a column that is
        unknown, misspelt or given twice (always).
    PersonError
        A bad people row (with ``errors="raise"``).
    UnknownFrameworkError, InputError
        A bad ``framework``, ``errors`` or ``sd_within_mg``, or inputs that are not
        DataFrames.

    Notes
    -----
    Unknown foods, amounts without a matching USDA portion and impossible doses are
    errors, never zeros. So are cells that cannot be read exactly: digits that are not
    0-9 ("1² cup"), a cell of the other kind of row (``servings_per_day`` on a food
    row), a list or dict, text over :data:`~magcalc.assessment.MAX_CELL_CHARS`
    characters (so that no cell costs more than a few milliseconds). Foods whose
    magnesium USDA does not report are not errors: they are counted in
    ``foods_without_data`` and left out of the sums, so the totals are a lower bound,
    as in :func:`magcalc.assess`. A person of the people table with no diary rows is
    in ``.people`` with ``n_days`` 0 and NaN intakes.

    References
    ----------
    .. [1] Institute of Medicine, "Dietary Reference Intakes: Applications in Dietary
       Assessment," National Academy Press, 2000, pp. 54-61, doi:10.17226/9956.

    Examples
    --------
    >>> import pandas as pd
    >>> diary = pd.DataFrame({
    ...     "person_id": ["ann", "ann", "ann", "bob"],
    ...     "day": [1, 2, "all", 1],
    ...     "food": ["11458", "almonds", None, "bananas raw"],
    ...     "amount": ["1/2 cup", "1 oz", None, "1 medium"],
    ...     "supplement": [None, None, "citrate", None],
    ...     "elemental_mg": [None, None, 100, None],
    ... })
    >>> people = pd.DataFrame({"person_id": ["ann", "bob"], "age": [34, 40],
    ...                        "sex": ["female", "male"]})
    >>> result = assess_frame(diary, people)
    >>> result.days[["person_id", "day", "food_mg", "supplemental_mg"]].round(1)
      person_id  day  food_mg  supplemental_mg
    0       ann    1     78.3            100.0
    1       ann    2     76.5            100.0
    2       bob    1     31.9              0.0
    >>> result.people[["person_id", "total_mg", "target_mg", "exceeds_ul"]].round(1)
      person_id  total_mg  target_mg  exceeds_ul
    0       ann     177.4      320.0       False
    1       bob      31.9      420.0       False
    >>> bad = pd.DataFrame({"person_id": ["ann"], "food": ["almonds"], "amount": ["-1 oz"]})
    >>> err = assess_frame(bad, people, errors="report").errors.iloc[0]
    >>> int(err["row"]), err["column"], err["reason"]
    (1, 'amount', "amount '-1 oz' is negative; give a non-negative number")
    """
    mode = _check_mode(errors)
    prep = _prepared(people, framework, mode, sd_within_mg)
    diary = _check_frame(diary, "diary")
    core, diary_errors, _ = _run(diary, prep, mode)
    keep = np.ones(len(prep.profiles), dtype=bool)
    people_frame = _people_frame(core.prep, core, keep)
    return BatchResult(
        days=core.days,
        people=people_frame,
        errors=_concat_errors([prep.errors, diary_errors]),
        framework=prep.framework,
    )


def _concat_errors(frames: Iterable[pd.DataFrame]) -> pd.DataFrame:
    parts = [f for f in frames if len(f)]
    if not parts:
        return _error_frame("diary", [], [], [], [], [])
    out: pd.DataFrame = pd.concat(parts, ignore_index=True).astype(
        {"source": "str", "column": "str", "value": "str", "reason": "str"}
    )
    return out


def assess_partition(
    partition: pd.DataFrame,
    people: pd.DataFrame | PreparedPeople,
    framework: str = "IOM1997",
    *,
    errors: ErrorsMode = "raise",
    sd_within_mg: float | None = None,
    table: Table = "people",
) -> pd.DataFrame:
    """
    The per-partition function for ``dask.dataframe.DataFrame.map_partitions``.

    Every row of a person must be in the same partition: shuffle or partition the
    diary by ``person_id`` first (``ddf.shuffle("person_id")``). Pass a
    :class:`PreparedPeople` (from :func:`prepare_people`) so the people table is
    validated once rather than in every partition.

    Parameters
    ----------
    partition : pandas.DataFrame
        A partition of the diary (columns as in :func:`assess_frame`). If it has a
        :data:`ROW_COLUMN` column, its values are the row numbers reported.
    people : pandas.DataFrame or PreparedPeople
    framework, errors, sd_within_mg
        As in :func:`assess_frame`.
    table : {'people', 'days', 'errors'}, default 'people'
        Which table to return. ``'people'`` holds only the people of this partition
        (people without diary rows are not in any partition); ``'errors'`` only
        diary rows (people-table errors are in ``PreparedPeople.errors``).

    Returns
    -------
    pandas.DataFrame
        With the columns of :func:`partition_meta` for ``table``.

    Examples
    --------
    >>> import dask.dataframe as dd
    >>> import pandas as pd
    >>> diary = pd.DataFrame({"person_id": [1, 2, 1], "day": [1, 1, 2],
    ...                       "food": ["11458", "almonds", "11458"],
    ...                       "amount": ["1 cup", "1 oz", "1/2 cup"]})
    >>> people = prepare_people(pd.DataFrame({"person_id": [1, 2], "age": [34, 40],
    ...                                       "sex": ["female", "male"]}))
    >>> ddf = dd.from_pandas(diary, npartitions=2).shuffle("person_id")
    >>> per_person = ddf.map_partitions(
    ...     assess_partition, people, meta=partition_meta("people", people))
    >>> out = per_person.compute(scheduler="synchronous").sort_values("person_id")
    >>> out["n_days"].tolist(), out["total_mg"].round(1).tolist()
    ([2, 1], [117.4, 76.5])
    """
    mode = _check_mode(errors)
    prep = _prepared(people, framework, mode, sd_within_mg)
    partition = _check_frame(partition, "partition")
    core, diary_errors, _ = _run(partition, prep, mode, local=True)
    if table == "days":
        return core.days
    if table == "errors":
        return _concat_errors([diary_errors])
    if table != "people":
        raise InputError(f"table must be 'people', 'days' or 'errors', not {table!r}", "table")
    keep = (core.per_person["n_days"] > 0) | (core.per_person["rows_rejected"] > 0)
    return _people_frame(core.prep, core, keep)


def partition_meta(
    table: Table = "people", people: pd.DataFrame | PreparedPeople | None = None
) -> pd.DataFrame:
    """
    An empty frame with the columns and dtypes :func:`assess_partition` returns
    (``meta=`` for Dask).

    Pass the people table (or PreparedPeople) to get ``person_id`` in its dtype.

    Examples
    --------
    >>> list(partition_meta("days").columns) == DAY_COLUMNS
    True
    """
    if people is None:
        people = pd.DataFrame(
            {"person_id": pd.Series([], dtype=object), "age": [], "sex": pd.Series([], dtype="str")}
        )
    prep = _prepared(people, "IOM1997", "report", None)
    empty = pd.DataFrame({"person_id": pd.Series([], dtype=object)})
    meta: pd.DataFrame = assess_partition(empty, prep, errors="report", table=table).iloc[:0]
    return meta


_PART_COLUMN = "_magcalc_partition"


def _tag_rows(part: pd.DataFrame, number: int) -> pd.DataFrame:
    """The partition with its number and each row's 1-based position in it."""
    out: pd.DataFrame = part.copy()
    out[_PART_COLUMN] = np.full(len(part), number, dtype=np.int64)
    out[ROW_COLUMN] = np.arange(1, len(part) + 1, dtype=np.int64)
    return out


def _offsets(lengths: Sequence[int]) -> npt.NDArray[np.int64]:
    """Rows before each partition of the input."""
    return np.concatenate([[0], np.cumsum(np.asarray(lengths, dtype=np.int64))[:-1]]).astype(
        np.int64
    )


def _assess_part(
    part: pd.DataFrame, prep: PreparedPeople, offsets: npt.NDArray[np.int64], mode: ErrorsMode
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, npt.NDArray[np.int64]]:
    """One partition, assessed: (days, people, errors, positions of its people)."""
    if _PART_COLUMN in part.columns:
        part = part.assign(
            **{ROW_COLUMN: offsets[part[_PART_COLUMN].to_numpy(dtype=np.int64)] + part[ROW_COLUMN]}
        ).drop(columns=_PART_COLUMN)
    if ROW_COLUMN in part.columns:
        part = part.sort_values(ROW_COLUMN, kind="stable")
    core, diary_errors, _ = _run(part, prep, mode, local=True)
    keep = (core.per_person["n_days"] > 0) | (core.per_person["rows_rejected"] > 0)
    present = core.positions[keep].astype(np.int64)
    return core.days, _people_frame(core.prep, core, keep), diary_errors, present


def _absent_people(prep: PreparedPeople, presents: Sequence[npt.NDArray[np.int64]]) -> pd.DataFrame:
    """The valid people with no diary rows (n_days 0, NaN intakes)."""
    empty = pd.DataFrame({"person_id": pd.Series([], dtype=object)})
    core, _, _ = _run(empty, prep, "report")
    keep = np.ones(len(prep.profiles), dtype=bool)
    for present in presents:
        keep[present] = False
    return _people_frame(prep, core, keep)


def _people_errors(prep: PreparedPeople) -> pd.DataFrame:
    return _concat_errors([prep.errors])


@dataclass(frozen=True)
class DaskBatchResult:
    """
    The result of :func:`assess_dask`: Dask DataFrames, with nothing computed yet.

    Attributes
    ----------
    days, people, errors : dask.dataframe.DataFrame
        The tables of :class:`BatchResult`, one partition per partition of the
        assessment (``people`` has one more, of the people with no diary rows, and
        ``errors`` one more, first, of the people table's errors). Their rows are in
        partition order, not sorted: write them (``.to_parquet``) or compute them as
        they are, or call :meth:`compute` for the sorted :class:`BatchResult`.
    framework : str
        The reference framework used.

    Notes
    -----
    Each of ``days``, ``people`` and ``errors`` computed on its own reads and assesses
    the diary again; :meth:`compute` (or ``dask.compute(r.days, r.people, r.errors)``)
    does it once for all three.
    """

    days: Any
    people: Any
    errors: Any
    framework: str
    _parts: list[Any] = field(repr=False)
    _prepared: PreparedPeople = field(repr=False)
    _mode: ErrorsMode = field(default="raise", repr=False)
    _scheduler: str | None = field(default=None, repr=False)

    def compute(self, **kwargs: Any) -> BatchResult:
        """
        Compute everything in one pass and return the :class:`BatchResult`, equal to
        :func:`assess_frame` on the whole diary. ``kwargs`` go to ``dask.compute``
        (``scheduler="threads"``, ...).
        """
        from dask.base import compute

        run: Any = compute
        if self._scheduler is not None:
            kwargs.setdefault("scheduler", self._scheduler)
        results = run(*self._parts, **kwargs)
        return _combine_parts(self._prepared, list(results), self._mode)

    def __repr__(self) -> str:
        return (
            f"<DaskBatchResult ({self.framework}): {self.days.npartitions} partitions, "
            "not computed>"
        )


def assess_dask(
    diary: Any,
    people: pd.DataFrame | PreparedPeople,
    framework: str = "IOM1997",
    *,
    errors: ErrorsMode = "raise",
    sd_within_mg: float | None = None,
    shuffle: bool = True,
    scheduler: str | None = None,
) -> DaskBatchResult:
    """
    :func:`assess_frame` on a Dask DataFrame, lazily: Dask DataFrames of the results.

    Nothing is computed here, not even the number of rows. The people table (small) is
    validated once, here, and enters the task graph once, as a single task every
    partition depends on. The diary is tagged with each row's partition and position
    (the row numbers reported are those of the whole input, found from the partition
    lengths in the same pass), shuffled by ``person_id`` so that each person is in one
    partition, and assessed partition by partition with the code of
    :func:`assess_frame`. It runs on any Dask scheduler: threads, processes or a
    ``dask.distributed`` cluster.

    Parameters
    ----------
    diary : dask.dataframe.DataFrame
    people : pandas.DataFrame or PreparedPeople
    framework, errors, sd_within_mg
        As in :func:`assess_frame`. With ``errors="raise"`` the error is raised when
        the results are computed.
    shuffle : bool, default True
        Shuffle by ``person_id``. Pass False only if every person's rows are already
        in one partition (e.g. the files are split by person).
    scheduler : str, optional
        The scheduler :meth:`DaskBatchResult.compute` uses unless told otherwise
        ("threads", "processes", "synchronous"; None: Dask's default, or a
        ``dask.distributed`` Client if one is active).

    Returns
    -------
    DaskBatchResult
        ``.days``, ``.people``, ``.errors`` as Dask DataFrames; ``.compute()`` gives
        the :class:`BatchResult` equal to ``assess_frame(diary.compute(), people, ...)``.

    Notes
    -----
    On Spark the same per-partition function works through ``mapInPandas`` on a frame
    repartitioned by person_id, with the people table prepared once on the driver and
    broadcast.

    Examples
    --------
    >>> import dask.dataframe as dd
    >>> import pandas as pd
    >>> diary = pd.DataFrame({"person_id": [1, 2, 1, 3], "day": [1, 1, 2, 1],
    ...                       "food": ["11458", "almonds", "11458", "zzqx"],
    ...                       "amount": ["1 cup", "1 oz", "1/2 cup", "1 cup"]})
    >>> people = pd.DataFrame({"person_id": [1, 2, 3], "age": [34, 40, 50],
    ...                        "sex": ["female", "male", "male"]})
    >>> lazy = assess_dask(dd.from_pandas(diary, npartitions=2), people, errors="report")
    >>> result = lazy.compute(scheduler="synchronous")
    >>> result.people["total_mg"].round(1).tolist()
    [117.4, 76.5, nan]
    >>> result.errors["row"].tolist()
    [4]
    """
    import uuid

    import dask.dataframe as dd
    from dask.delayed import delayed

    later: Any = delayed
    mode = _check_mode(errors)
    prep = _prepared(people, framework, mode, sd_within_mg)
    # One task holds the people table: partitions refer to its key, so Dask neither
    # walks nor copies it per partition.
    prep_task = later(prep, name=f"magcalc-people-{uuid.uuid4().hex}", traverse=False)
    parts = diary.to_delayed()
    lengths = [later(len, pure=True)(p) for p in parts]
    offsets = later(_offsets, pure=True)(lengths)
    tagged = [later(_tag_rows, pure=True)(p, i) for i, p in enumerate(parts)]
    meta = _tag_rows(diary._meta, 0)
    ddf = dd.from_delayed(tagged, meta=meta, verify_meta=False)
    if shuffle and diary.npartitions > 1:
        ddf = ddf.shuffle(_diary_cols(diary._meta)[0].get("person_id", "person_id"))
    outs = [later(_assess_part, nout=4)(p, prep_task, offsets, mode) for p in ddf.to_delayed()]
    absent = later(_absent_people)(prep_task, [o[3] for o in outs])
    days = dd.from_delayed([o[0] for o in outs], meta=partition_meta("days", prep))
    people_frame = dd.from_delayed(
        [*(o[1] for o in outs), absent], meta=partition_meta("people", prep), verify_meta=False
    )
    error_frame = dd.from_delayed(
        [later(_people_errors)(prep_task), *(o[2] for o in outs)],
        meta=partition_meta("errors", prep),
        verify_meta=False,
    )
    return DaskBatchResult(
        days, people_frame, error_frame, prep.framework, outs, prep, mode, scheduler
    )


def _combine_parts(
    prep: PreparedPeople,
    results: list[tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, npt.NDArray[np.int64]]],
    mode: ErrorsMode,
) -> BatchResult:
    empty = pd.DataFrame({"person_id": pd.Series([], dtype=object)})
    base_core, _, _ = _run(empty, prep, "report")
    everyone = _people_frame(prep, base_core, np.ones(len(prep.profiles), dtype=bool))
    valid_pos = np.flatnonzero(prep.profiles["valid"].to_numpy(dtype=bool))
    # Replace the rows of people who have diary rows with their partition's results.
    slot = np.full(len(prep.profiles), -1, dtype=np.int64)
    slot[valid_pos] = np.arange(len(valid_pos))
    frames = [everyone]
    replaced = np.zeros(len(everyone), dtype=bool)
    for _, people_part, _, present in results:
        present_valid = present[prep.profiles["valid"].to_numpy(dtype=bool)[present]]
        replaced[slot[present_valid]] = True
        frames.append(people_part.assign(_slot=slot[present_valid]))
    base = everyone[~replaced].assign(_slot=np.flatnonzero(~replaced))
    people_frame = (
        pd.concat([base, *frames[1:]], ignore_index=True)
        .sort_values("_slot", kind="stable")
        .drop(columns="_slot")
        .reset_index(drop=True)
    )
    people_frame = _people_dtypes(people_frame[PEOPLE_COLUMNS])
    # Days: people-table order, then day order (as in assess_frame).
    day_parts = [d for d, _, _, _ in results if len(d)]
    if day_parts:
        days = pd.concat(day_parts, ignore_index=True)
        keys = _find_people(prep, np.asarray(days["person_id"].map(_id_key), dtype=object))
        day_codes, uniques = pd.factorize(days["day"])
        day_values: list[Any] = list(pd.Index(uniques).tolist())
        ranked = sorted(range(len(day_values)), key=lambda k: _day_order(day_values[k]))
        rank = np.empty(len(day_values), dtype=np.int64)
        rank[ranked] = np.arange(len(ranked))
        order = np.lexsort((rank[day_codes], keys))
        days = days.take(order).reset_index(drop=True)
    else:
        days = base_core.days
    errors = [e for _, _, e, _ in results]
    diary_errors = _concat_errors(errors)
    if len(diary_errors):
        diary_errors = diary_errors.sort_values("row", kind="stable").reset_index(drop=True)
    return BatchResult(
        days=days,
        people=people_frame,
        errors=_concat_errors([prep.errors, diary_errors]),
        framework=prep.framework,
    )


# --------------------------------------------------------------------------- writing

# Cells a spreadsheet (Excel, LibreOffice, Google Sheets) reads as a formula when it
# opens a CSV file, per OWASP's "CSV Injection" guidance: = + - @, tab, carriage return.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _formula_safe(value: Any) -> Any:
    if not isinstance(value, str) or not value.startswith(_FORMULA_START):
        return value
    if plain_number(value) is not None:  # "-5.0" is read as a number, not run
        return value
    return "'" + value


def spreadsheet_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """
    A copy of `frame` whose text cannot run as a spreadsheet formula.

    A text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
    (``=cmd|' /C calc'!A0``: a food name or an id from a diary, echoed in the errors
    table) gets a leading single quote, as OWASP recommends, so that Excel, LibreOffice
    and Google Sheets show it as text instead of running it. Numbers stay numbers: a
    numeric column is untouched, and so is text that is only a number ("-5.0").
    ``magcalc batch`` writes every CSV file through this function.

    Parameters
    ----------
    frame : pandas.DataFrame

    Returns
    -------
    pandas.DataFrame

    References
    ----------
    .. [1] OWASP Foundation, "CSV Injection,"
       https://owasp.org/www-community/attacks/CSV_Injection

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"value": ["=1+2", "-5.0", "kale"], "mg": [-1.0, 2, 3]})
    >>> spreadsheet_safe(frame).to_dict("list")
    {'value': ["'=1+2", '-5.0', 'kale'], 'mg': [-1.0, 2.0, 3.0]}
    """
    out: pd.DataFrame = frame.copy()
    for column in out.columns:
        series = out[column]
        if pd.api.types.is_numeric_dtype(series.dtype) or pd.api.types.is_bool_dtype(series.dtype):
            continue
        if series.dtype != object and pd.api.types.is_string_dtype(series.dtype):
            risky = series.str.startswith(_FORMULA_START).fillna(False)
            if not bool(risky.any()):
                continue
        out[column] = series.map(_formula_safe).astype(series.dtype)
    return out


# --------------------------------------------------------------------------- groups


def prevalence(
    results: BatchResult | pd.DataFrame,
    by: str | Sequence[str] = ("life_stage",),
    *,
    adjust: bool = False,
) -> pd.DataFrame:
    """
    Prevalence of inadequate intake (EAR cut-point) and share over the UL, by group.

    For each group: the share of people whose usual intake is below their EAR
    (``prevalence_below_ear``), the share whose usual supplemental intake is above the
    UL for supplemental magnesium (``share_over_ul``; food never counts), and, for
    reference, the share with any recorded day over the UL
    (``share_any_day_over_ul``).

    Assumptions of the EAR cut-point method (IOM 2000, ch. 4), which the caller must
    judge for their data:

    - requirement and intake are independent;
    - the distribution of requirements is symmetric around the EAR (true for
      magnesium as IOM 1997 models it: CV 10 %, normal) and its spread is smaller
      than that of intakes;
    - the intakes are **usual** intakes, i.e. adjusted for day-to-day variation.
      By default this function uses each person's mean over the recorded days, whose
      spread is wider than that of usual intakes (the within-person variance divided
      by the number of days is still in it), so prevalence at both tails is
      **overstated**, more so with fewer days. Pass intakes you have adjusted (e.g.
      with the NCI or ISU method) in ``total_mg``, or ``adjust=True``.

    Groups where only an AI exists (infants in IOM 1997, every group in EFSA 2015)
    have NaN prevalence: intake below an AI cannot be judged inadequate. Groups with
    no UL have NaN ``share_over_ul``.

    Parameters
    ----------
    results : BatchResult or pandas.DataFrame
        The result of :func:`assess_frame` or its ``.people`` table (any frame with
        ``total_mg``, ``ear_mg`` and, for the UL, ``supplemental_mg``,
        ``ul_supplemental_mg``). People with no recorded days are left out.
    by : str or sequence of str, default ('life_stage',)
        Columns of ``.people`` to group by (e.g. ``["sex", "life_stage"]``);
        ``[]`` for the whole population.
    adjust : bool, default False
        Shrink each person's mean towards the group mean before the cut-point, the
        NRC (1986) / IOM 2000 adjustment for within-person variation, person by person:
        ``adjusted_i = group_mean + (x_i - group_mean) * sqrt(s_b**2 / (s_b**2 +
        s_w**2 / n_i))``, with ``n_i`` the person's recorded days, ``s_obs**2`` the
        variance of the person means, ``s_w**2`` the pooled within-person variance of
        daily totals (people with 2+ days), and ``s_b**2 = s_obs**2 - s_w**2 *
        mean(1 / n_days)``. With equal days for everyone this is one common factor. Needs a
        :class:`BatchResult` (for the daily totals) and 2+ people with 2+ days in the
        group; otherwise the group's prevalence is NaN with a note. It assumes
        normally distributed intakes (transform skewed intakes first) and does not
        adjust the UL comparison.

    Returns
    -------
    pandas.DataFrame
        One row per group: the ``by`` columns, ``n_people``, ``n_with_ear``,
        ``mean_total_mg``, ``sd_total_mg``, ``median_total_mg``,
        ``prevalence_below_ear``, ``n_with_ul``, ``share_over_ul``,
        ``share_any_day_over_ul``, ``adjusted`` and ``note``.

    References
    ----------
    .. [1] Institute of Medicine, "Dietary Reference Intakes: Applications in Dietary
       Assessment," National Academy Press, 2000, ch. 4, doi:10.17226/9956.
    .. [2] National Research Council, "Nutrient Adequacy: Assessment Using Food
       Consumption Surveys," National Academy Press, 1986.

    Examples
    --------
    >>> import pandas as pd
    >>> people = pd.DataFrame({
    ...     "life_stage": ["females 31-50 y"] * 4,
    ...     "total_mg": [200.0, 250.0, 300.0, 400.0], "ear_mg": [265.0] * 4,
    ...     "supplemental_mg": [0.0, 0.0, 0.0, 400.0], "ul_supplemental_mg": [350.0] * 4,
    ...     "n_days": [2] * 4})
    >>> prevalence(people)[["life_stage", "n_people", "prevalence_below_ear", "share_over_ul"]]
            life_stage  n_people  prevalence_below_ear  share_over_ul
    0  females 31-50 y         4                   0.5           0.25
    """
    people = results.people if isinstance(results, BatchResult) else results
    if not isinstance(people, pd.DataFrame):
        raise InputError("results must be a BatchResult or its .people DataFrame", "results")
    keys = [by] if isinstance(by, str) else list(by)
    missing = [k for k in [*keys, "total_mg", "ear_mg"] if k not in people.columns]
    if missing:
        raise InputError(
            f"prevalence needs the column(s) {', '.join(map(repr, missing))}; "
            f"found: {', '.join(map(str, people.columns))}",
            field="by",
        )
    if adjust and not isinstance(results, BatchResult):
        raise InputError(
            "adjust=True needs the BatchResult (its daily totals give the within-person "
            "variance), not only the people table",
            field="adjust",
        )
    frame = people
    if "n_days" in frame.columns:
        frame = frame[frame["n_days"] > 0]
    frame = frame[frame["total_mg"].notna()].copy()
    if adjust:
        assert isinstance(results, BatchResult)
        frame = _with_within_variance(frame, results.days)

    def one(group: pd.DataFrame) -> dict[str, Any]:
        return _prevalence_row(group, adjust)

    rows: list[dict[str, Any]] = []
    if keys:
        for key, group in frame.groupby(keys, sort=True, dropna=False, observed=True):
            values = key if isinstance(key, tuple) else (key,)
            rows.append({**dict(zip(keys, values, strict=True)), **one(group)})
    else:
        rows.append(one(frame))
    columns = [
        *keys,
        "n_people",
        "n_with_ear",
        "mean_total_mg",
        "sd_total_mg",
        "median_total_mg",
        "prevalence_below_ear",
        "n_with_ul",
        "share_over_ul",
        "share_any_day_over_ul",
        "adjusted",
        "note",
    ]
    out: pd.DataFrame = pd.DataFrame(rows, columns=columns).astype(
        {"n_people": "int64", "n_with_ear": "int64", "n_with_ul": "int64"}
    )
    return out


def _with_within_variance(frame: pd.DataFrame, days: pd.DataFrame) -> pd.DataFrame:
    """Add each person's sum of squared deviations of daily totals from their mean."""
    d: pd.DataFrame = days[["person_id", "total_mg"]].copy()
    d["_key"] = d["person_id"].map(_id_key)
    mean = d.groupby("_key")["total_mg"].transform("mean")
    d["_ss"] = (d["total_mg"] - mean) ** 2
    ss = d.groupby("_key")["_ss"].sum()
    out: pd.DataFrame = frame.copy()
    out["_ss"] = out["person_id"].map(_id_key).map(ss).to_numpy(dtype=float)
    return out


def _prevalence_row(group: pd.DataFrame, adjust: bool) -> dict[str, Any]:
    total = group["total_mg"].to_numpy(dtype=float)
    ear = group["ear_mg"].to_numpy(dtype=float)
    has_ear = ~np.isnan(ear)
    notes: list[str] = []
    x = total
    adjusted = False
    if adjust:
        x, note = _shrink(group)
        adjusted = note is None
        if note:
            notes.append(note)
    if has_ear.any() and not np.isnan(x[has_ear]).all():
        below = float(np.mean(x[has_ear] < ear[has_ear]))
    else:
        below = math.nan
    if not has_ear.all():
        notes.append(
            f"{int((~has_ear).sum())} of {len(group)} people have only an AI (no EAR): the EAR "
            "cut-point does not apply to them (intake below an AI is not evidence of "
            "inadequacy; intake above it is likely adequate)"
            + ("; prevalence is over the others" if has_ear.any() else "")
        )
    if "ul_supplemental_mg" in group.columns and "supplemental_mg" in group.columns:
        ul = group["ul_supplemental_mg"].to_numpy(dtype=float)
        supp = group["supplemental_mg"].to_numpy(dtype=float)
        has_ul = ~np.isnan(ul)
        over = float(np.mean(supp[has_ul] > ul[has_ul])) if has_ul.any() else math.nan
        if not has_ul.all():
            notes.append(f"{int((~has_ul).sum())} people have no UL for supplemental magnesium")
    else:
        has_ul = np.zeros(len(group), dtype=bool)
        over = math.nan
    if "exceeds_ul" in group.columns and has_ul.any():
        flags = group["exceeds_ul"].astype("boolean")
        any_day = float(flags[has_ul].fillna(False).astype(bool).mean())
    else:
        any_day = math.nan
    return {
        "n_people": len(group),
        "n_with_ear": int(has_ear.sum()),
        "mean_total_mg": float(np.mean(total)) if len(total) else math.nan,
        "sd_total_mg": float(np.std(total, ddof=1)) if len(total) > 1 else math.nan,
        "median_total_mg": float(np.median(total)) if len(total) else math.nan,
        "prevalence_below_ear": below,
        "n_with_ul": int(has_ul.sum()),
        "share_over_ul": over,
        "share_any_day_over_ul": any_day,
        "adjusted": adjusted,
        "note": "; ".join(notes),
    }


def _shrink(group: pd.DataFrame) -> tuple[npt.NDArray[np.float64], str | None]:
    total = group["total_mg"].to_numpy(dtype=float)
    n_days = group["n_days"].to_numpy(dtype=float)
    ss = group["_ss"].to_numpy(dtype=float)
    nan = np.full(len(total), math.nan)
    multi = n_days >= 2
    if len(total) < 2 or not multi.any():
        return nan, "not adjusted: needs 2+ people and some with 2+ days; prevalence not computed"
    s_w2 = float(ss[multi].sum() / (n_days[multi] - 1).sum())
    s_obs2 = float(np.var(total, ddof=1))
    if s_obs2 <= 0:
        return total, None
    s_b2 = s_obs2 - s_w2 * float(np.mean(1.0 / n_days))
    mean = float(np.mean(total))
    if s_b2 <= 0:
        return np.full(len(total), mean), None
    # Each person by their own days: a mean over 7 days holds less day-to-day noise
    # than a single day, so it is shrunk less (NRC 1986; IOM 2000, ch. 4).
    ratio = np.sqrt(s_b2 / (s_b2 + s_w2 / n_days))
    return mean + (total - mean) * ratio, None
