"""Optional dependencies: imported on first use, with an error that names the extra.

pandas and matplotlib are extras (``pip install 'magcalc[pandas]'``); the core needs
neither, so every ``to_dataframe`` and plot goes through :func:`require`.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from magcalc.errors import MissingDependencyError

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["dataframe", "is_int", "require"]


def require(module: str, extra: str) -> Any:
    """Import an optional dependency or raise MissingDependencyError naming the extra."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as err:
        raise MissingDependencyError(module, extra) from err


def is_int(value: Any) -> bool:
    """A whole number that is not a bool (numpy integers too)."""
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def dataframe(
    rows: list[dict[str, Any]],
    columns: Sequence[str] | None = None,
    *,
    nullable_int: Sequence[str] = (),
) -> pd.DataFrame:
    """
    A pandas DataFrame (pandas is an optional extra).

    Parameters
    ----------
    rows : list of dict
    columns : sequence of str, optional
        Column order; default the keys of the rows.
    nullable_int : sequence of str, default ()
        Columns to give pandas' nullable ``Int64`` dtype, so ids and day numbers stay
        whole numbers next to missing values (a plain column would turn them into
        floats, 168463.0). A column holds Int64 only when every value is a whole number
        or None; one that also holds text ("2026-11-25") stays as it is.
    """
    pandas = require("pandas", "pandas")
    frame: pd.DataFrame = pandas.DataFrame(rows, columns=list(columns) if columns else None)
    for name in nullable_int:
        if name not in frame.columns:
            continue
        values = [row.get(name) for row in rows]
        if all(v is None or is_int(v) for v in values):
            frame[name] = pandas.array(values, dtype="Int64")
    return frame
