"""The diary engine's sums to the people table (IOM 2000 statistics) and the error table.

The statistics come from :mod:`magcalc.stats`, as :func:`magcalc.assess` computes them.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from magcalc.batch._columns import display_id
from magcalc.batch._diary import Core, sum_diary
from magcalc.batch._errorlog import error_table, raise_first
from magcalc.batch._inputs import ROW_COLUMN, ErrorsMode, diary_labels
from magcalc.batch.people import PreparedPeople
from magcalc.stats import ai_confidence, probability_adequate

if TYPE_CHECKING:
    import numpy.typing as npt

__all__ = ["assess_rows", "diary_error_table", "people_dtypes", "people_table"]


def people_table(prep: PreparedPeople, core: Core, keep: npt.NDArray[np.bool_]) -> pd.DataFrame:
    """
    The people table (:data:`~magcalc.batch.PEOPLE_COLUMNS`) of the valid people where
    ``keep``: profiles, mean intakes, percent of target, the IOM 2000 probability of
    adequacy (or confidence above an AI) and the supplemental-UL flag.

    References
    ----------
    .. [1] Institute of Medicine, "Dietary Reference Intakes: Applications in Dietary
       Assessment," National Academy Press, 2000, pp. 54-61, doi:10.17226/9956.
    """
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
        _, probability = probability_adequate(total, ear, sdw, n)
        # Confidence above the AI only where no EAR exists (NaN AI elsewhere).
        _, confidence = ai_confidence(total, np.where(np.isnan(ear), ai, math.nan), sdw, n)
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
    return people_dtypes(frame)


def people_dtypes(frame: pd.DataFrame) -> pd.DataFrame:
    """The people table's dtypes (text as str, flags as bool, counts as int64)."""
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


def diary_error_table(
    diary: pd.DataFrame, core: Core, rows: npt.NDArray[np.int64], prep: PreparedPeople
) -> pd.DataFrame:
    """The diary rows ``core`` rejected, in row order, as an error table."""
    chunks = core.log.chunks
    if not chunks:
        return error_table("diary", [], [], [], [], [])
    positions = np.concatenate([c.positions for c in chunks])
    order = np.concatenate([np.full(len(c.positions), c.order) for c in chunks])
    columns = np.concatenate([np.full(len(c.positions), c.column, dtype=object) for c in chunks])
    values = np.concatenate([c.values for c in chunks])
    reasons = np.concatenate([c.reasons for c in chunks])
    sort = np.lexsort((order, positions))
    positions = positions[sort]
    cols, _ = diary_labels(diary.columns)
    pid_label = cols.get("person_id")
    if pid_label is None:
        pids = np.empty(len(positions), dtype=object)
    else:
        raw = np.asarray(diary[pid_label], dtype=object)[positions]
        pids = np.asarray([display_id(v) for v in raw.tolist()], dtype=object)
    return error_table("diary", rows[positions], pids, columns[sort], values[sort], reasons[sort])


def _row_numbers(diary: pd.DataFrame) -> npt.NDArray[np.int64]:
    """The row numbers to report: :data:`ROW_COLUMN`'s, else 1, 2, ..."""
    cols, _ = diary_labels(diary.columns)
    label = cols.get(ROW_COLUMN)
    if label is not None:
        return np.asarray(diary[label], dtype=np.int64)
    return np.arange(1, len(diary) + 1, dtype=np.int64)


def assess_rows(
    diary: pd.DataFrame, prep: PreparedPeople, mode: ErrorsMode, local: bool = False
) -> tuple[Core, pd.DataFrame, npt.NDArray[np.int64]]:
    """The diary summed (:func:`sum_diary`) and its error table; with ``mode='raise'``,
    the first rejected row raised instead."""
    rows = _row_numbers(diary)
    core = sum_diary(diary, prep, local)
    if mode == "raise":
        raise_first(core.log, rows)
    return core, diary_error_table(diary, core, rows, prep), rows
