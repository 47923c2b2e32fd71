"""The arguments every batch entry point checks alike: errors mode, DataFrames, columns.

Also the optional row-number column. One home for them, so that
:func:`~magcalc.batch.assess_frame`, the Dask and the Spark routes refuse the same
arguments with the same messages.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import Any, Literal

import pandas as pd

from magcalc.diary import diary_columns
from magcalc.errors import InputError

__all__ = [
    "ROW_COLUMN",
    "ErrorsMode",
    "Table",
    "check_frame",
    "check_mode",
    "column_labels",
    "diary_labels",
]

ErrorsMode = Literal["raise", "report"]
Table = Literal["people", "days", "errors"]

ROW_COLUMN = "_magcalc_row"
"""Optional diary column with the row numbers to report (set by :func:`assess_dask`)."""


def check_mode(errors: object) -> ErrorsMode:
    """The ``errors`` argument: 'raise' or 'report', else an InputError."""
    if errors == "raise":
        return "raise"
    if errors == "report":
        return "report"
    raise InputError(f"errors must be 'raise' or 'report', not {errors!r}", field="errors")


def check_frame(frame: object, name: str) -> pd.DataFrame:
    """``frame`` if it is a pandas DataFrame, else an InputError saying how to make one."""
    if isinstance(frame, pd.DataFrame):
        return frame
    raise InputError(
        f"{name} must be a pandas DataFrame, not {type(frame).__name__}; "
        f"read a file with pandas.read_csv(..., dtype=str)",
        field=name,
    )


def column_labels(frame: pd.DataFrame, name: str) -> dict[str, Hashable]:
    """Lower-case, stripped column name -> the frame's column label."""
    found: dict[str, Hashable] = {}
    for label in frame.columns:
        key = str(label).strip().lower()
        if key in found:
            raise InputError(f"{name} has two columns named {key!r}", field=key)
        found[key] = label
    return found


def diary_labels(labels: Iterable[Any]) -> tuple[dict[str, Hashable], list[Hashable]]:
    """The diary's columns by name, and those with no name (see diary_columns)."""
    return diary_columns(labels, extra=(ROW_COLUMN,))
