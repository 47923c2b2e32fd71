"""The per-group arithmetic of the EAR cut-point: shares below the EAR and over the UL.

With the optional adjustment of person means toward usual intakes
(:func:`magcalc.stats.shrink_to_usual`). The arithmetic behind
:func:`magcalc.batch.prevalence` and :meth:`magcalc.batch.BatchResult.summary`; see
:func:`~magcalc.batch.prevalence` for the method's assumptions.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from magcalc.diary import person_key
from magcalc.errors import InputError
from magcalc.stats import shrink_to_usual

__all__ = ["cut_point_table"]


def cut_point_table(
    people: pd.DataFrame,
    by: str | Sequence[str],
    *,
    days: pd.DataFrame | None,
    adjust: bool,
) -> pd.DataFrame:
    """
    The prevalence table of :func:`magcalc.batch.prevalence`, one row per group.

    Parameters
    ----------
    people : pandas.DataFrame
        A people table (:data:`~magcalc.batch.PEOPLE_COLUMNS`, or any frame with
        ``total_mg`` and ``ear_mg``); people with no recorded days are left out.
    by : str or sequence of str
        Columns to group by; ``[]`` for everyone.
    days : pandas.DataFrame or None
        The daily totals of the same people (``BatchResult.days``); needed to adjust.
    adjust : bool
        Shrink person means toward usual intakes first
        (:func:`magcalc.stats.shrink_to_usual`).

    Raises
    ------
    InputError
        A column of ``by`` (or ``total_mg``, ``ear_mg``) is missing, or ``adjust``
        without ``days``.
    """
    keys = [by] if isinstance(by, str) else list(by)
    missing = [k for k in [*keys, "total_mg", "ear_mg"] if k not in people.columns]
    if missing:
        raise InputError(
            f"prevalence needs the column(s) {', '.join(map(repr, missing))}; "
            f"found: {', '.join(map(str, people.columns))}",
            field="by",
        )
    if adjust and days is None:
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
        assert days is not None
        frame = _with_within_variance(frame, days)

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
    d["_key"] = d["person_id"].map(person_key)
    mean = d.groupby("_key")["total_mg"].transform("mean")
    d["_ss"] = (d["total_mg"] - mean) ** 2
    ss = d.groupby("_key")["_ss"].sum()
    out: pd.DataFrame = frame.copy()
    out["_ss"] = out["person_id"].map(person_key).map(ss).to_numpy(dtype=float)
    return out


def _prevalence_row(group: pd.DataFrame, adjust: bool) -> dict[str, Any]:
    """One group's row of the prevalence table."""
    total = group["total_mg"].to_numpy(dtype=float)
    ear = group["ear_mg"].to_numpy(dtype=float)
    has_ear = ~np.isnan(ear)
    notes: list[str] = []
    x = total
    adjusted = False
    if adjust:
        x, note = shrink_to_usual(
            total,
            group["n_days"].to_numpy(dtype=float),
            group["_ss"].to_numpy(dtype=float),
        )
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
