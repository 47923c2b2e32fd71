"""Many people at once: vectorised magnesium assessment on pandas, scaling out on Dask.

:func:`assess_frame` takes a food-and-supplement diary of many people and days and a
table of people, and returns a :class:`BatchResult`: per person-day totals
(``.days``), per person means with reference values, percent of target, IOM 2000
probability of adequacy and the supplemental-UL flag (``.people``), and the rows it
could not use with their row numbers and reasons (``.errors``). The figures agree
with :func:`magcalc.assess` person by person (tested to 1e-9 mg).

:func:`prevalence` summarises groups with the EAR cut-point method.
:func:`assess_partition` and :func:`assess_dask` run the same computation on a Dask
DataFrame partitioned by person.

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
per distinct string, amounts are parsed once per distinct (amount, unit), a household
measure is converted to grams once per distinct (food, measure), reference values are
looked up once per distinct person profile, and the sums are ``numpy.bincount`` over
integer codes: no Python runs per diary row.

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

import math
import threading
import warnings
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

try:
    import numpy as np
    import pandas as pd
except ImportError as _missing:  # pragma: no cover - tested in a subprocess without pandas
    from magcalc.errors import MissingDependencyError

    raise MissingDependencyError("pandas", "pandas") from _missing

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
    "PreparedPeople",
    "assess_dask",
    "assess_frame",
    "assess_partition",
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
        return None if code < 0 else self.uniques[code]

    def per_value(self, func: Callable[[Any], Any], missing: Any, dtype: Any = object) -> Any:
        out = np.empty(len(self.index) + 1, dtype=dtype)
        out[:-1] = [func(v) for v in self.uniques]
        out[-1] = missing
        return out

    def blank_u(self) -> npt.NDArray[np.bool_]:
        """Per distinct value (plus missing): empty or only whitespace."""
        if self._is_text():
            stripped = self.index.str.strip()
            return np.append(np.asarray(stripped == "", dtype=bool), True)
        return np.asarray(self.per_value(_is_blank, True, dtype=bool), dtype=bool)

    def blank(self) -> npt.NDArray[np.bool_]:
        """Per row: the cell is missing or only whitespace."""
        return self.blank_u()[self.codes]

    def text(self) -> npt.NDArray[np.object_]:
        """Per distinct value (plus missing): the cell as text."""
        if self._is_text():
            return np.append(np.asarray(self.index, dtype=object), "")
        return np.asarray(self.per_value(_text, ""), dtype=object)


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
    fine = np.full(len(series), None, dtype=object)
    if series.dtype != object and pd.api.types.is_string_dtype(series.dtype):
        return np.asarray(series.str.strip(), dtype=object), fine
    if pd.api.types.is_integer_dtype(series.dtype):
        return np.asarray(series.astype(str), dtype=object), fine
    keys = np.full(len(series), None, dtype=object)
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
        values: npt.NDArray[np.object_],
        reasons: npt.NDArray[np.object_] | str,
        excs: npt.NDArray[np.object_] | BaseException,
    ) -> None:
        """
        Reject the rows where ``mask``. ``values``, ``reasons`` and ``excs`` are per
        distinct value, indexed by the per-row ``codes`` (or one reason/exception).
        Only the rejected rows are ever indexed, so a clean column costs nothing here.
        """
        positions = np.flatnonzero(mask & ~self.unusable)
        if not len(positions):
            return
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
    return np.asarray([str(e) if e is not None else "" for e in errs], dtype=object)


def _failed(errs: npt.NDArray[np.object_]) -> npt.NDArray[np.bool_]:
    return np.asarray([e is not None for e in errs], dtype=bool)


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
    keys: dict[str, int]
    errors: pd.DataFrame


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
    dup = np.asarray(pd.Series(keys_arr).duplicated(keep=False), dtype=bool) & ~unusable
    keys: dict[str, int] = {}
    for i in np.flatnonzero(~unusable)[::-1].tolist():  # reversed: the first row wins
        keys[str(keys_arr[i])] = i

    labels = [age_label, cols.get("age_months"), cols["sex"], cols.get("pregnant")]
    labels.append(cols.get("lactating"))
    cleaned = [_clean_factor(None if lb is None else people[lb], n) for lb in labels]
    factors = [fac for fac, _, _ in cleaned]
    # A cell that cannot be read (a list, 1 MB of text): the person's row is refused.
    unreadable = np.full(n, None, dtype=object)
    for lb, (_, rows, why) in zip(labels, cleaned, strict=True):
        for i, text in zip(rows.tolist(), why, strict=True):
            if unreadable[i] is None:
                unreadable[i] = (str(lb), f"{lb} {text}")
    normal = [_age, _age, lambda v: v, _flag, _flag]
    missing = [None, None, None, False, False]
    per_u = [f.per_value(fn, m) for f, fn, m in zip(factors, normal, missing, strict=True)]
    codes, first = _distinct(*_combine(*(f.codes for f in factors)))

    out_columns = [
        "sex",
        "age_years",
        "age_months",
        "pregnant",
        "lactating",
        "life_stage",
        "ear_mg",
        "target_mg",
        "target_kind",
        "ai_mg",
        "ul_supplemental_mg",
        "sd_within_mg",
    ]
    records: list[tuple[Any, ...]] = []
    profile_err = np.full(len(first), None, dtype=object)
    for j, pos in enumerate(first.tolist()):
        profile = [u[f.codes[pos]] for u, f in zip(per_u, factors, strict=True)]
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
            records.append((None,) * len(out_columns))
            continue
        records.append(
            (
                person.sex,
                person.age_years,
                person.age_months,
                person.pregnant,
                person.lactating,
                refs.life_stage,
                refs.ear_mg,
                refs.target_mg,
                refs.target_kind,
                refs.ai_mg,
                refs.ul_supplemental_mg,
                sd,
            )
        )
    distinct = pd.DataFrame.from_records(records, columns=out_columns, nrows=len(first))
    frame = distinct.take(codes).reset_index(drop=True) if n else distinct.iloc[:0]
    for c in ("age_years", "age_months", "ear_mg", "target_mg", "ai_mg"):
        frame[c] = pd.to_numeric(frame[c]).astype(float)
    for c in ("ul_supplemental_mg", "sd_within_mg"):
        frame[c] = pd.to_numeric(frame[c]).astype(float)
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
    reason = np.full(n, None, dtype=object)
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


def _resolve_food(table: FoodTable, value: Any) -> Food:
    """A Food from a cell (FDC id, NDB number or text); free text is cached per process."""
    if isinstance(value, (np.integer, int)) and not isinstance(value, (bool, np.bool_)):
        return table.resolve(int(value))
    if isinstance(value, (float, np.floating)):
        if float(value).is_integer():
            return table.resolve(int(value))
        raise UnknownFoodError(value, ["an FDC id (whole number), an NDB number or a food name"])
    if not isinstance(value, str):
        return table.resolve(value)
    text = _diary_food(value.strip())  # an id with digits that are not 0-9 is refused
    if not text or text.isdigit():
        return table.resolve(text)
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
    return table.get(hit)


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


def _core(diary: pd.DataFrame, prep: PreparedPeople) -> _Core:
    """Everything but the final frames: checks, sums per person-day and per person."""
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
        factors[name], rows, why = _clean_factor(diary[column], n)
        log.unreadable(rows, why, str(column), diary[column])
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
        log.add(~fac.blank(), where, fac.codes, fac.text(), reason, DiaryError(reason))

    person = _who(factor("person_id"), prep, log, label("person_id"))

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
            form.text(),
            twice,
            DiaryError(twice, field="form"),
        )
        use_form = supp.blank() & ~form.blank()
        merged = np.where(use_form, _values(form), _values(supp))
        supp = _Factor.of(pd.Series(merged, dtype=object), n)
    has_food, has_supp = ~food.blank(), ~supp.blank()
    food_text = food.text()
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
                    cell.text(),
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
    return _Core(days_frame, per_person, log, person)


def _who(pid: _Factor, prep: PreparedPeople, log: _ErrorLog, column: str) -> npt.NDArray[np.intp]:
    """Per row: the person's position in the people table (-1 when unusable; logged)."""
    keys, problems = _id_keys(pid.index)
    known = pd.Index(list(prep.keys))
    found = known.get_indexer(keys) if len(keys) else np.zeros(0, dtype=np.intp)
    positions = np.asarray(list(prep.keys.values()), dtype=np.intp)
    pos_u = np.where(found >= 0, positions[np.maximum(found, 0)] if len(positions) else -1, -2)
    pos_u[_failed(problems)] = -3
    blank_u = pid.blank_u()
    pos_u = np.append(pos_u, -1)
    pos_u[blank_u] = -1
    valid = prep.profiles["valid"].to_numpy(dtype=bool)
    reasons = prep.profiles["reason"].to_numpy(dtype=object)
    msg_u = np.full(len(pos_u), None, dtype=object)
    valid_x = np.append(valid, True)
    unusable = (pos_u < 0) | ~valid_x[np.where(pos_u < 0, len(valid), pos_u)]
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
    log.add(bad_u[pid.codes], column, pid.codes, pid.text(), _messages(msg_u), exc_u)
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
    text_u = day.text()
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
    # --- foods: each distinct value resolved once
    table = FoodTable.default()
    used = np.zeros(len(food.index) + 1, dtype=bool)
    used[food.codes[food_rows]] = True
    err_u = np.full(len(food.index) + 1, None, dtype=object)
    dense_u = np.full(len(food.index) + 1, -1, dtype=np.int64)
    dense: dict[str, int] = {}
    foods: list[Food] = []
    for k in np.flatnonzero(used[:-1]).tolist():
        try:
            f = _resolve_food(table, food.uniques[k])
        except MagcalcError as err:
            err_u[k] = err
            continue
        d = dense.get(f.key)
        if d is None:
            d = dense[f.key] = len(foods)
            foods.append(f)
        dense_u[k] = d
    log.add(
        food_rows & _failed(err_u)[food.codes],
        label("food"),
        food.codes,
        food.text(),
        _messages(err_u),
        err_u,
    )
    food_dense = dense_u[food.codes]

    # --- amounts: each distinct (amount, unit, grams) parsed once
    parts = [factor(c) for c in ("amount", "unit", "grams") if c in cols]
    names = [c for c in ("amount", "unit", "grams") if c in cols]
    if not parts:
        parts, names = [factor("amount")], ["amount"]
    pair_codes, pair_first = _distinct(*_combine(*(p.codes for p in parts)))
    n_pairs = len(pair_first)
    specs: dict[_Spec, int] = {}
    spec_list: list[_Spec] = []
    spec_text: list[str] = []
    value_p = np.full(n_pairs, math.nan)
    spec_p = np.full(n_pairs, -1, dtype=np.int64)
    err_p = np.full(n_pairs, None, dtype=object)
    col_p = np.full(n_pairs, label("amount"), dtype=object)
    text_p = np.full(n_pairs, "", dtype=object)
    used_p = np.zeros(n_pairs, dtype=bool)
    used_p[pair_codes[food_rows]] = True
    for j in np.flatnonzero(used_p).tolist():
        pos = int(pair_first[j])
        cells = {name: p.cell(pos) for name, p in zip(names, parts, strict=True)}
        a, u, g = cells.get("amount"), cells.get("unit"), cells.get("grams")
        text_p[j] = " ".join(_text(v) for v in (a, u, g) if not _is_blank(v))
        try:
            value, spec, text, col_p[j] = _amount_cells(a, u, g, label)
        except _CellError as err:
            err_p[j], col_p[j] = err.error, err.column
            continue
        s = specs.get(spec)
        if s is None:
            s = specs[spec] = len(spec_list)
            spec_list.append(spec)
            spec_text.append(text)
        value_p[j], spec_p[j] = value, s
    amount_bad = food_rows & _failed(err_p)[pair_codes]
    for column in sorted(set(col_p[_failed(err_p)].tolist())):
        in_column = amount_bad & (col_p[pair_codes] == column)
        log.add(in_column, column, pair_codes, text_p, _messages(err_p), err_p)

    # --- magnesium once per distinct (food, amount): grams = ((value * a) / b) * c, with
    # (a, b, c) once per unit for masses and once per (food, measure) for the others.
    mg = np.full(n, math.nan)
    known = np.zeros(n, dtype=bool)
    where = np.flatnonzero(food_rows & ~log.bad)
    if not len(where):
        return mg, known
    combo_codes, combo_first = _distinct(
        food_dense[where] * n_pairs + pair_codes[where], max(len(foods), 1) * n_pairs
    )
    d_c = food_dense[where[combo_first]]
    p_c = pair_codes[where[combo_first]]
    s_c = spec_p[p_c]
    # (a, b, c) once per distinct (food, measure) ...
    width = max(len(spec_list), 1)
    ds_codes, ds_first = _distinct(d_c * width + s_c, max(len(foods), 1) * width)
    abc = np.ones((len(ds_first), 3))
    err_ds = np.full(len(ds_first), None, dtype=object)
    for j, local in enumerate(ds_first.tolist()):
        f, spec = foods[int(d_c[local])], spec_list[int(s_c[local])]
        try:
            abc[j] = _factors(f, spec, str(text_p[p_c[local]]))
        except MagcalcError:
            err_ds[j] = True
    # ... and the error message once per distinct (food, amount as written).
    err_c = np.full(len(combo_first), None, dtype=object)
    for j in np.flatnonzero(_failed(err_ds)[ds_codes]).tolist():
        f, spec = foods[int(d_c[j])], spec_list[int(s_c[j])]
        try:
            _portion_factors(f, spec, str(text_p[p_c[j]]))
        except MagcalcError as err:
            err_c[j] = err
    # The same arithmetic, in the same order, as magcalc.foods.serving.
    a, b, c = abc[ds_codes, 0], abc[ds_codes, 1], abc[ds_codes, 2]
    with np.errstate(over="ignore", invalid="ignore"):
        grams_c = ((value_p[p_c] * a) / b) * c
    per_100g = np.asarray(
        [math.nan if f.magnesium_mg_per_100g is None else f.magnesium_mg_per_100g for f in foods],
        dtype=float,
    )[d_c]
    with np.errstate(over="ignore", invalid="ignore"):
        raw = (per_100g * grams_c / 100.0).tolist()
    mg_c = np.asarray([x if x != x else round(x, 10) for x in raw], dtype=float)
    # As serving(): an amount too large to compute with is an error ...
    huge = ~np.isfinite(grams_c) | np.isinf(mg_c)
    for j in np.flatnonzero(huge & ~_failed(err_c)).tolist():
        err_c[j] = AmountError(
            f"amount {text_p[p_c[j]]!r} of {foods[int(d_c[j])].description!r} is too large to "
            "compute with; give a real serving such as '100 g' or '1 cup'"
        )
    # ... and a serving over the plausible maximum is used, with one warning for all rows.
    _warn_heavy(grams_c, combo_codes, text_p[p_c], rows=len(where))
    failed_local = _failed(err_c)[combo_codes]
    at = where[failed_local]
    log.add_at(
        at,
        label("amount"),
        text_p[pair_codes[at]],
        _messages(err_c)[combo_codes[failed_local]],
        err_c[combo_codes[failed_local]],
    )
    failed = np.zeros(n, dtype=bool)
    failed[at] = True
    mg[where] = mg_c[combo_codes]
    known[where] = ~np.isnan(mg_c[combo_codes])
    return mg, known & ~failed


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
    grams_c: npt.NDArray[np.float64],
    combo_codes: npt.NDArray[np.intp],
    texts: npt.NDArray[np.object_],
    rows: int,
) -> None:
    """One PlausibilityWarning for every food row over magcalc's plausible serving."""
    from magcalc import errors, foods

    limit = getattr(foods, "MAX_PLAUSIBLE_SERVING_G", None)
    category = getattr(errors, "PlausibilityWarning", UserWarning)
    if limit is None:
        return
    heavy_c = np.isfinite(grams_c) & (grams_c > limit)
    if not heavy_c.any():
        return
    heavy_rows = int(heavy_c[combo_codes].sum())
    examples = ", ".join(repr(t) for t in dict.fromkeys(texts[heavy_c].tolist()))
    warnings.warn(
        f"{heavy_rows:,} food row(s) of {rows:,} weigh more than any single serving "
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
    err_u = np.full(len(first), None, dtype=object)
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
        pids = np.full(len(positions), None, dtype=object)
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
    diary: pd.DataFrame, prep: PreparedPeople, mode: ErrorsMode
) -> tuple[_Core, pd.DataFrame, npt.NDArray[np.int64]]:
    rows = _row_numbers(diary)
    core = _core(diary, prep)
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
    people_frame = _people_frame(prep, core, keep)
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
    core, diary_errors, _ = _run(partition, prep, mode)
    if table == "days":
        return core.days
    if table == "errors":
        return _concat_errors([diary_errors])
    if table != "people":
        raise InputError(f"table must be 'people', 'days' or 'errors', not {table!r}", "table")
    keep = (core.per_person["n_days"] > 0) | (core.per_person["rows_rejected"] > 0)
    return _people_frame(prep, core, keep)


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


def _number_rows(part: pd.DataFrame, offset: int) -> pd.DataFrame:
    out: pd.DataFrame = part.copy()
    out[ROW_COLUMN] = np.arange(offset + 1, offset + len(part) + 1, dtype=np.int64)
    return out


def _assess_part(
    part: pd.DataFrame, prep: PreparedPeople, mode: ErrorsMode
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, npt.NDArray[np.int64]]:
    if ROW_COLUMN in part.columns:
        part = part.sort_values(ROW_COLUMN, kind="stable")
    core, diary_errors, _ = _run(part, prep, mode)
    present = np.flatnonzero(
        (core.per_person["n_days"] > 0) | (core.per_person["rows_rejected"] > 0)
    )
    keep = np.zeros(len(prep.profiles), dtype=bool)
    keep[present] = True
    return core.days, _people_frame(prep, core, keep), diary_errors, present


def assess_dask(
    diary: Any,
    people: pd.DataFrame | PreparedPeople,
    framework: str = "IOM1997",
    *,
    errors: ErrorsMode = "raise",
    sd_within_mg: float | None = None,
    shuffle: bool = True,
    scheduler: str | None = None,
) -> BatchResult:
    """
    :func:`assess_frame` on a Dask DataFrame: the same results, computed by partition.

    The people table (small) is validated once and sent to every partition; the diary
    is numbered (so reported row numbers are those of the whole input), shuffled by
    ``person_id`` so that each person is in one partition, and assessed partition by
    partition with the same code as :func:`assess_frame`. The per-person results are
    small and returned as pandas.

    Parameters
    ----------
    diary : dask.dataframe.DataFrame
    people : pandas.DataFrame or PreparedPeople
    framework, errors, sd_within_mg
        As in :func:`assess_frame`.
    shuffle : bool, default True
        Shuffle by ``person_id``. Pass False only if every person's rows are already
        in one partition (e.g. the files are split by person).
    scheduler : str, optional
        Dask scheduler for the computation ("threads", "processes", "synchronous", or
        None for the default / a distributed Client).

    Returns
    -------
    BatchResult
        Equal to ``assess_frame(diary.compute(), people, ...)``.

    Notes
    -----
    On Spark the same per-partition function works through ``mapInPandas`` (or
    ``applyInPandas`` grouped by person_id), with the people table prepared once on
    the driver and broadcast.

    Examples
    --------
    >>> import dask.dataframe as dd
    >>> import pandas as pd
    >>> diary = pd.DataFrame({"person_id": [1, 2, 1, 3], "day": [1, 1, 2, 1],
    ...                       "food": ["11458", "almonds", "11458", "zzqx"],
    ...                       "amount": ["1 cup", "1 oz", "1/2 cup", "1 cup"]})
    >>> people = pd.DataFrame({"person_id": [1, 2, 3], "age": [34, 40, 50],
    ...                        "sex": ["female", "male", "male"]})
    >>> result = assess_dask(dd.from_pandas(diary, npartitions=2), people,
    ...                      errors="report", scheduler="synchronous")
    >>> result.people["total_mg"].round(1).tolist()
    [117.4, 76.5, nan]
    >>> result.errors["row"].tolist()
    [4]
    """
    import dask.dataframe as dd
    from dask.base import compute
    from dask.delayed import delayed

    run: Any = compute
    later: Any = delayed
    mode = _check_mode(errors)
    prep = _prepared(people, framework, mode, sd_within_mg)
    # Number the rows first, so reported row numbers are those of the whole input.
    lengths = diary.map_partitions(len).compute(scheduler=scheduler)
    offsets = np.concatenate([[0], np.cumsum(np.asarray(lengths, dtype=np.int64))[:-1]])
    meta = _number_rows(diary._meta, 0)
    numbered = [
        later(_number_rows)(p, int(o)) for p, o in zip(diary.to_delayed(), offsets, strict=True)
    ]
    ddf = dd.from_delayed(numbered, meta=meta, verify_meta=False)
    if shuffle and diary.npartitions > 1:
        ddf = ddf.shuffle(_diary_cols(meta)[0].get("person_id", "person_id"))
    tasks = [later(_assess_part)(p, prep, mode) for p in ddf.to_delayed()]
    results = run(*tasks, scheduler=scheduler)
    return _combine_parts(prep, list(results), mode)


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
        keys = days["person_id"].map(_id_key).map(prep.keys).to_numpy(dtype=np.int64)
        day_list: list[Any] = days["day"].tolist()
        order = sorted(range(len(days)), key=lambda i: (keys[i], _day_order(day_list[i])))
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
