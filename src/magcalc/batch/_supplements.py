"""Supplement rows to elemental magnesium a day, once per distinct (form, dose).

Each row is read as :meth:`magcalc.Intake.from_records` reads a supplement row.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING, Any

import numpy as np

from magcalc.batch._columns import Factor, cell_text, combine_codes, distinct_codes
from magcalc.batch._errorlog import ErrorLog, has_error, messages_of
from magcalc.diary import BARE_DOSE_COLUMNS, diary_supplement, is_blank
from magcalc.errors import MagcalcError, SupplementError, UnknownFormError

if TYPE_CHECKING:
    import numpy.typing as npt

__all__ = ["supplement_magnesium"]


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
    clean = {k: v for k, v in cells.items() if not is_blank(v)}
    if bare is not None:
        clean[bare[0]] = bare[1]
    return diary_supplement(form_text, clean).elemental_mg_per_day


def supplement_magnesium(
    cols: dict[str, Hashable],
    supp: Factor,
    supp_key: str,
    supp_rows: npt.NDArray[np.bool_],
    log: ErrorLog,
    factor: Callable[[str], Factor],
    label: Callable[[str], str],
) -> npt.NDArray[np.float64]:
    """Per row: elemental magnesium a day [mg/day] of a supplement entry."""
    n = len(supp.codes)
    out = np.full(n, math.nan)
    where = np.flatnonzero(supp_rows)
    if not len(where):
        return out
    columns = ["elemental_mg", "compound_mg", "servings_per_day"]
    bare_names = [b for b in BARE_DOSE_COLUMNS if b in cols]
    parts = [supp] + [factor(c) for c in columns] + [factor(b) for b in bare_names]
    codes, first = distinct_codes(*combine_codes(*(p.codes[where] for p in parts)))
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
            ((b, v) for b, v in zip(bare_names, cells[4:], strict=True) if not is_blank(v)),
            None,
        )
        val_u[j] = cell_text(form)
        try:
            dose[j] = _supplement_mg(form, elemental, compound, servings, bare)
        except MagcalcError as err:
            err_u[j] = err
            fld = getattr(err, "field", None)
            if bare is not None and isinstance(err, SupplementError) and fld in BARE_DOSE_COLUMNS:
                col_u[j], val_u[j] = label(bare[0]), cell_text(bare[1])
            elif fld in sup_cols and not isinstance(err, UnknownFormError):
                col_u[j] = sup_cols[str(fld)]
                val_u[j] = cell_text(cells[1 + columns.index(str(fld))])
    failed_u = has_error(err_u)
    row_codes = np.zeros(n, dtype=np.intp)
    row_codes[where] = codes
    bad = np.zeros(n, dtype=bool)
    bad[where] = failed_u[codes]
    for column in sorted(set(col_u[failed_u].tolist())):
        log.add(
            bad & (col_u[row_codes] == column), column, row_codes, val_u, messages_of(err_u), err_u
        )
    out[where] = dose[codes]
    return out
