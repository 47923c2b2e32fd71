"""
The diary's day column: each distinct cell read once, as a day, every day, empty or bad.

A day is a whole number (1, 1.0 and "1" are day 1) or a label, read by
:func:`magcalc.diary.day_of` as a single diary reads it.
"""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from magcalc.batch._columns import Factor
from magcalc.batch._errorlog import ErrorLog, messages_of
from magcalc.diary import day_of, is_blank
from magcalc.errors import DiaryError, MagcalcError

if TYPE_CHECKING:
    import numpy.typing as npt

__all__ = ["DayState", "day_order", "day_series", "day_state", "read_days"]


class DayState(enum.IntEnum):
    """What a day cell says; an int, so a column of states is a numpy array."""

    DAY = enum.auto()
    """A day: a whole number or a label."""
    EVERY_DAY = enum.auto()
    """Every recorded day of the person ("all", "every", "daily")."""
    BLANK = enum.auto()
    """Empty: every day on a supplement row, an error on a food row."""
    BAD = enum.auto()
    """Not a day (2.5, a bool, "1²"): the row is rejected with day_of's error."""


# day_of's words for the states it reads.
_STATES = {"day": DayState.DAY, "all": DayState.EVERY_DAY, "blank": DayState.BLANK}


def day_state(value: Any) -> tuple[DayState, Any]:
    """(DAY, int | str), (EVERY_DAY, None), (BLANK, None) or (BAD, error): the day as
    :func:`magcalc.diary.day_of` reads it (1, 1.0 and "1" are day 1)."""
    if is_blank(value):
        return DayState.BLANK, None
    try:
        state, day = day_of(value)
    except MagcalcError as err:
        return DayState.BAD, err
    return _STATES[state], day


def day_series(values: npt.NDArray[np.object_], codes: npt.NDArray[np.int64]) -> pd.Series[Any]:
    """The days ``values[codes]``: whole-number days as int64; a mix with labels as
    objects (int and str). Only the days used are looked at, once each."""
    used = np.flatnonzero(np.bincount(codes, minlength=len(values)))
    if all(isinstance(v, int) for v in values[used].tolist()):
        per_day = np.zeros(len(values), dtype=np.int64)
        per_day[used] = values[used].tolist()
        ints: pd.Series[Any] = pd.Series(per_day[codes], dtype="int64")
        return ints
    mixed: pd.Series[Any] = pd.Series(values[codes], dtype=object)
    return mixed


def day_order(day: int | str) -> tuple[int, int, str]:
    """Sort key of a day: numbers in order, then labels in order."""
    return (0, day, "") if isinstance(day, int) else (1, 0, day)


def read_days(
    has_column: bool,
    day: Factor,
    food_rows: npt.NDArray[np.bool_],
    log: ErrorLog,
    column: str,
) -> tuple[dict[int | str, int], npt.NDArray[np.int64]]:
    """Day ids (normalised day -> id) and per row the day id (-1: every day)."""
    day_ids: dict[int | str, int] = {}
    if not has_column:
        day_ids[1] = 0
        return day_ids, np.where(food_rows, 0, -1).astype(np.int64)
    parsed = [day_state(v) for v in day.uniques] + [(DayState.BLANK, None)]
    state_u = np.asarray([state for state, _ in parsed], dtype=np.int8)
    id_u = np.full(len(parsed), -1, dtype=np.int64)
    for k, (state, value) in enumerate(parsed):
        if state is DayState.DAY:
            id_u[k] = day_ids.setdefault(value, len(day_ids))
    exc_u = np.asarray([v if s is DayState.BAD else None for s, v in parsed], dtype=object)
    row_state = state_u[day.codes]
    text_u = day.text
    log.add(row_state == DayState.BAD, column, day.codes, text_u, messages_of(exc_u), exc_u)
    reason = "a food row needs a day (a number or a label such as '2026-11-25')"
    no_day = food_rows & ((row_state == DayState.EVERY_DAY) | (row_state == DayState.BLANK))
    log.add(no_day, column, day.codes, text_u, reason, DiaryError(reason, field="day"))
    return day_ids, id_u[day.codes]
