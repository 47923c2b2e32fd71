"""The diary engine: a diary of many people checked and summed per person-day and person.

:func:`sum_diary` factorises every column once, matches rows to people, sorts them into
food and supplement rows, reads days, amounts and doses (in :mod:`._days`,
:mod:`._foods`, :mod:`._supplements`), and sums with ``numpy.bincount`` over integer
codes: no Python runs per diary row or per person.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from magcalc._util import shown
from magcalc.batch._columns import (
    Factor,
    cell_text,
    clean_factor,
    dense_codes,
    id_keys,
    numeric_column,
    row_values,
)
from magcalc.batch._days import day_order, day_series, read_days
from magcalc.batch._errorlog import ErrorLog, has_error, messages_of
from magcalc.batch._foods import food_magnesium
from magcalc.batch._inputs import ROW_COLUMN, diary_labels
from magcalc.batch._supplements import supplement_magnesium
from magcalc.batch.people import PreparedPeople, find_people
from magcalc.diary import FOOD_ONLY_COLUMNS, SUPPLEMENT_ONLY_COLUMNS
from magcalc.errors import DiaryError, InputError

if TYPE_CHECKING:
    import numpy.typing as npt

__all__ = ["Core", "sum_diary"]


@dataclass
class Core:
    """A diary summed: the person-day table, per-person sums and the rejected rows."""

    days: pd.DataFrame
    per_person: dict[str, Any]
    log: ErrorLog
    person_codes: npt.NDArray[np.intp]
    prep: PreparedPeople  # the people these sums are over
    positions: npt.NDArray[np.intp]  # their positions in the people table


def sum_diary(diary: pd.DataFrame, prep: PreparedPeople, local: bool = False) -> Core:
    """Everything but the final frames: checks, sums per person-day and per person.

    With ``local``, only the people of these rows are kept (``Core.prep`` holds their
    profiles, ``Core.positions`` their positions in the people table), so that a
    partition's work is in proportion to its rows, not to the people table.
    """
    n = len(diary)
    cols, unnamed = diary_labels(diary.columns)
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

    log = ErrorLog(n)
    # Every column factorised once, first: a cell that cannot be read (a list, 1 MB of
    # text) is reported here and is missing to every check below, which skip its row.
    factors: dict[str, Factor] = {}
    for name, column in cols.items():
        series = diary[column]
        if name in ("amount", "grams") and numeric_column(series):
            factors[name] = Factor.rows(series, n)  # nothing unreadable in it
            continue
        factors[name], rows, why = clean_factor(series, n)
        log.unreadable(rows, why, str(column), series)
    empty = Factor.of(None, n)

    def factor(name: str) -> Factor:
        return factors.get(name, empty)

    # Columns with no name (trailing commas) may only be empty; by position, as several
    # may share the empty name.
    for j, column in enumerate(diary.columns):
        if not any(column is u or column == u for u in unnamed):
            continue
        cells = diary.iloc[:, j]
        where = f"column {j + 1}"  # no name to show
        fac, rows, why = clean_factor(cells, n)
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
        merged = np.where(use_form, row_values(form), row_values(supp))
        supp = Factor.of(pd.Series(merged, dtype=object), n)
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

    day_ids, day_id = read_days("day" in cols, factor("day"), food_rows, log, label("day"))
    mg_row, known = food_magnesium(diary, cols, food, food_rows, log, factor, label)
    supp_mg = supplement_magnesium(cols, supp, supp_key, supp_rows, log, factor, label)

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
    days_sorted = sorted(day_ids, key=day_order)
    rank = np.empty(len(day_ids), dtype=np.int64)
    rank[[day_ids[d] for d in days_sorted]] = np.arange(len(days_sorted))
    width = max(len(day_ids), 1)
    dated_pos = np.flatnonzero(dated)
    keys = person[dated_pos].astype(np.int64) * width + rank[day_id[dated_pos]]
    if len(lonely):
        keys = np.concatenate([keys, lonely.astype(np.int64) * width + rank[day_ids[1]]])
    inverse, uniq = dense_codes(keys, n_people * width)
    m = len(uniq)
    pd_person = (uniq // width).astype(np.intp)
    pd_day = uniq % width
    code = np.full(n, -1, dtype=np.intp)
    code[dated_pos] = inverse[: len(dated_pos)]

    food_day = np.bincount(code[known], weights=mg_row[known], minlength=m)
    unknown_day = np.bincount(code[unknown], minlength=m).astype(np.int64)
    supp_dated = np.bincount(code[s_dated], weights=supp_mg[s_dated], minlength=m)
    every_person = np.bincount(person[s_every], weights=supp_mg[s_every], minlength=n_people)
    # float64 always: bincount of no rows gives int64, and Dask's meta must match.
    food_day = food_day.astype(np.float64, copy=False)
    supp_day = (supp_dated + every_person[pd_person]).astype(np.float64, copy=False)

    day_values = np.empty(width, dtype=object)
    day_values[: len(days_sorted)] = days_sorted
    days_frame = pd.DataFrame(
        {
            "person_id": prep.profiles["person_id"].take(pd_person).reset_index(drop=True),
            "day": day_series(day_values, pd_day),
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
                [cell_text(v) for v in prep.profiles["person_id"].to_numpy()[person[at]]],
                dtype=object,
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
    return Core(days_frame, per_person, log, person, prep, positions)


# Why a diary row has no person (positions in the people table are 0 and up).
_NO_ID = -1  # person_id is empty
_NOT_LISTED = -2  # not in the people table
_BAD_ID = -3  # cannot be an id (a float of 2**53 or more, a list)


def _who(pid: Factor, prep: PreparedPeople, log: ErrorLog, column: str) -> npt.NDArray[np.intp]:
    """Per row: the person's position in the people table (-1 when unusable; logged)."""
    keys, problems = id_keys(pid.index)
    found = find_people(prep, keys)
    pos_u = np.where(found >= 0, found, _NOT_LISTED)
    pos_u[has_error(problems)] = _BAD_ID
    blank_u = pid.blank_u()
    pos_u = np.append(pos_u, _NO_ID)
    pos_u[blank_u] = _NO_ID
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
        if p == _NO_ID:
            msg_u[k] = "person_id is empty"
        elif p == _BAD_ID:
            msg_u[k] = problems[k]
        elif p == _NOT_LISTED:
            msg_u[k] = (
                f"person_id {shown(value)} is not in the people table; add the person "
                "(person_id, age, sex, ...) or correct the id"
            )
        else:
            msg_u[k] = (
                f"person_id {shown(value)} has an invalid profile (people row {p + 1}): "
                f"{reasons[p]}"
            )
    exc_u = np.asarray(
        [None if m is None else DiaryError(str(m), field="person_id") for m in msg_u],
        dtype=object,
    )
    bad_u = has_error(msg_u)
    log.add(bad_u[pid.codes], column, pid.codes, pid.text, messages_of(msg_u), exc_u)
    return np.where(bad_u[pid.codes], -1, pos_u[pid.codes]).astype(np.intp)
