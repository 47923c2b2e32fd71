"""
People matched to reference values by life stage, as arrays.

Reference values, the UL and the within-person SD depend on a person's age only through
the age band of their life stage, so :func:`stage_profiles` places every distinct
profile in its band with :func:`numpy.searchsorted` and builds one
:class:`~magcalc.dri.Person` per band, not one per person.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from magcalc._util import finite_float
from magcalc.batch._columns import Factor, distinct_codes
from magcalc.diary import is_blank
from magcalc.errors import MagcalcError
from magcalc.units import plain_number

if TYPE_CHECKING:
    import numpy.typing as npt

__all__ = ["Labels", "age_value", "flag_value", "stage_profiles"]

_TRUE = {"true", "t", "yes", "y", "1"}
_FALSE = {"false", "f", "no", "n", "0"}


def flag_value(value: Any) -> Any:
    """A pregnant/lactating cell as a bool (empty is False), or the value if not a flag."""
    if is_blank(value):
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


def age_value(value: Any) -> Any:
    """An age cell as a number (None when empty), or the value if it is not one."""
    if is_blank(value):
        return None
    if isinstance(value, str):
        # Digits 0-9 only: float() would read "٣٤" and "3_4" as 34.
        number = plain_number(value)
        return value.strip() if number is None else number
    if isinstance(value, (np.integer, np.floating)):
        return float(value)
    return value


class Labels:
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
    """Every age [months] where a person's reference values may change."""
    from magcalc.dri import age_boundaries_months

    return np.asarray(age_boundaries_months(), dtype=np.float64)


def _age_numbers(fac: Factor) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.bool_]]:
    """Per distinct value (plus missing): the age as a float, and whether it is a plain
    number (not a bool, not text) that Person reads as that float."""
    if fac.is_numeric() and fac.index.dtype.kind != "b":
        values = np.asarray(fac.index.to_numpy(dtype=float, na_value=math.nan), dtype=float)
        return np.append(values, math.nan), np.append(np.ones(len(values), dtype=bool), False)
    values = np.full(len(fac.index) + 1, math.nan)
    ok = np.zeros(len(fac.index) + 1, dtype=bool)
    for k, v in enumerate(fac.uniques):
        a = age_value(v)
        number = finite_float(a) if isinstance(a, (int, float)) else None
        if number is not None:  # not NaN, infinite or too large: else Person says why
            values[k], ok[k] = number, True
    return values, ok


def _flag_codes(fac: Factor) -> npt.NDArray[np.int8]:
    """Per distinct value (plus missing, False): 1 True, 0 False, -1 not a flag."""
    out = np.zeros(len(fac.index) + 1, dtype=np.int8)
    for k, v in enumerate(fac.uniques):
        f = flag_value(v)
        out[k] = (1 if f else 0) if isinstance(f, bool) else -1
    return out


def stage_profiles(
    factors: list[Factor],
    first: npt.NDArray[np.intp],
    framework: str,
    sd_fixed: float | None,
) -> tuple[dict[str, npt.NDArray[Any] | Labels], npt.NDArray[np.bool_]]:
    """
    Reference values per distinct profile, looked up once per life stage.

    ``factors`` are age (years), age (months), sex, pregnant and lactating; ``first`` a
    row of each distinct profile. Reference values, the UL and the within-person SD
    depend on the age only through the band of :func:`_stage_bounds` it falls in, so
    profiles are grouped by (sex, pregnant, lactating, band) with ``np.searchsorted``
    and one :class:`~magcalc.dri.Person` per group gives the values. A profile that
    is not plainly valid, whose age is within float noise of a band edge (where
    ``round(months, 9)`` decides), or whose group has no value, is marked slow: the
    caller builds its Person, for the same values or the exact error.
    """
    from magcalc.dri import (
        MAX_AGE_YEARS,
        PREGNANCY_AGE_YEARS,
        Person,
        reference_values,
        within_person_sd,
    )

    m = len(first)
    out: dict[str, npt.NDArray[Any] | Labels] = {
        "sex": Labels(m),
        "age_years": np.full(m, math.nan),
        "age_months": np.full(m, math.nan),
        "pregnant": Labels(m),
        "lactating": Labels(m),
        "life_stage": Labels(m),
        "ear_mg": np.full(m, math.nan),
        "target_mg": np.full(m, math.nan),
        "target_kind": Labels(m),
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
    group, rep = distinct_codes(key[where], int(key.max()) + 1 if len(where) else 1)
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
        if isinstance(target, Labels):
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
        assert isinstance(col, Labels)
        if not len(fine):
            break
        col.codes[fine] = np.asarray([col.code(v) for v in names], dtype=np.int32)[flags[fine]]
    ages = {"age_years": np.where(ok_y, years, math.nan)}
    ages["age_months"] = np.where(ok_y, math.nan, months_given)
    for column, age in ages.items():
        target = out[column]
        assert not isinstance(target, Labels)
        target[fine] = age[fine]
    return out, slow
