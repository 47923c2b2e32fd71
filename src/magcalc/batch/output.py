"""
Writing results safely: text cells that a spreadsheet would run as a formula are made text.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from magcalc.units import plain_number

__all__ = ["spreadsheet_safe"]


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
