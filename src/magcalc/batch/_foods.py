"""Food rows to magnesium, as :func:`magcalc.serving` computes it, as arrays.

Each distinct food is resolved once to a row of the food table, each distinct (food,
measure) converted to grams once, and the magnesium computed as arrays with serving()'s
arithmetic, in the same order, so the figures agree to the last bit. An amount too large
to compute with is an error; servings over the plausible maximum get one warning for all
rows.
"""

from __future__ import annotations

import math
import threading
import warnings
from collections.abc import Callable, Hashable, Iterable
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from magcalc.batch._amounts import CellError, Spec, amount_cells, mass_factor, numeric_pairs
from magcalc.batch._columns import (
    Factor,
    cell_text,
    combine_codes,
    distinct_codes,
    value_codes,
)
from magcalc.batch._errorlog import ErrorLog, has_error, messages_of
from magcalc.diary import diary_food, is_blank
from magcalc.errors import AmountError, MagcalcError, UnknownFoodError

if TYPE_CHECKING:
    import numpy.typing as npt

    from magcalc.foods import Food, FoodTable

__all__ = ["food_magnesium"]

_text_foods: dict[str, str | MagcalcError] = {}
_text_foods_lock = threading.Lock()
_TEXT_CACHE_SIZE = 100_000


def _resolve_row(table: FoodTable, value: Any) -> int:
    """The food table's row of a cell (FDC id, NDB number or text); free text is cached
    per process. Ids are looked up without building the Food."""
    if isinstance(value, (np.integer, int)) and not isinstance(value, (bool, np.bool_)):
        key: int | str = int(value)
    elif isinstance(value, (float, np.floating)):
        if not float(value).is_integer():
            raise UnknownFoodError(
                value, ["an FDC id (whole number), an NDB number or a food name"]
            )
        key = int(value)
    elif not isinstance(value, str):
        return _row_of(table, table.resolve(value))
    else:
        text = diary_food(value.strip())  # an id with digits that are not 0-9 is refused
        if text and not text.isdigit():
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
            row = table.row_of(hit)
            return row if row is not None else _row_of(table, table.get(hit))
        key = text
    row = table.row_of(key) if isinstance(key, int) or key else None
    # Not found (or an empty id): resolve raises the error it would raise for one person.
    return row if row is not None else _row_of(table, table.resolve(key))


def _row_of(table: FoodTable, food: Food) -> int:
    row = table.row_of(food.key)
    if row is None:  # pragma: no cover - every Food of the table has a key it knows
        raise UnknownFoodError(food.key)
    return row


def _portion_factors(food: Food, spec: Spec, text: str) -> tuple[float, float, float]:
    """(a, b, c) with grams = ((value * a) / b) * c: the same arithmetic as serving()."""
    from magcalc.foods.portions import portion_key, resolve_portion
    from magcalc.units import Amount, unit_factor

    if spec.kind == "mass":
        return unit_factor(spec.unit), 1.0, 1.0
    amount = Amount(1.0, spec.unit, spec.kind, spec.qualifier, text)  # type: ignore[arg-type]
    _, portion, _ = resolve_portion(food, amount)
    assert portion is not None
    if spec.kind == "volume":
        volume_unit = portion_key(portion.unit_description).volume_unit
        assert volume_unit is not None
        return unit_factor(spec.unit), unit_factor(volume_unit), portion.grams_per_unit
    return 1.0, 1.0, portion.grams_per_unit


def food_magnesium(
    diary: pd.DataFrame,
    cols: dict[str, Hashable],
    food: Factor,
    food_rows: npt.NDArray[np.bool_],
    log: ErrorLog,
    factor: Callable[[str], Factor],
    label: Callable[[str], str],
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.bool_]]:
    """Per row: magnesium [mg] of a food entry, and whether the food has a value."""
    from magcalc.foods import FoodTable

    n = len(food.codes)
    # --- foods: each distinct value resolved once, to a row of the food table
    table = FoodTable.default()
    used = np.zeros(len(food.index) + 1, dtype=bool)
    used[food.codes[food_rows]] = True
    err_u = np.empty(len(food.index) + 1, dtype=object)
    dense_u = np.full(len(food.index) + 1, -1, dtype=np.int64)
    dense: dict[int, int] = {}
    rows_of: list[int] = []  # dense food code -> row of the food table
    for k in np.flatnonzero(used[:-1]).tolist():
        try:
            i = _resolve_row(table, food.uniques[k])
        except MagcalcError as err:
            err_u[k] = err
            continue
        d = dense.get(i)
        if d is None:
            d = dense[i] = len(rows_of)
            rows_of.append(i)
        dense_u[k] = d
    log.add(
        food_rows & has_error(err_u)[food.codes],
        label("food"),
        food.codes,
        food.text,
        messages_of(err_u),
        err_u,
    )
    food_dense = dense_u[food.codes]
    food_rows_of = np.asarray(rows_of, dtype=np.intp)

    # --- amounts: each distinct (amount, unit, grams) read once: plain numbers (grams,
    # or a number beside a unit) as arrays, anything else parsed value by value.
    by_name: dict[str, Factor] = {c: factor(c) for c in ("amount", "unit", "grams") if c in cols}
    if not by_name:
        by_name = {"amount": factor("amount")}
    parts, names = list(by_name.values()), list(by_name)
    specs: dict[Spec, int] = {}
    spec_list: list[Spec] = []

    def spec_id(spec: Spec) -> int:
        s = specs.get(spec)
        if s is None:
            s = specs[spec] = len(spec_list)
            spec_list.append(spec)
        return s

    # Plain numbers row by row, as arrays (no hashing of every distinct gram amount) ...
    value_r = np.full(n, math.nan)
    spec_r = np.full(n, -1, dtype=np.int64)
    rows = np.arange(n, dtype=np.intp)
    fast = numeric_pairs(by_name, rows, food_rows, label, spec_id, value_r, spec_r)
    # ... and the other amounts once per distinct (amount, unit, grams). Amount ids: the
    # k distinct others, then one per row (k + row).
    slow_rows = np.flatnonzero(food_rows & ~fast)
    sub_codes, sub_first = distinct_codes(
        *combine_codes(*(value_codes(p, slow_rows) for p in parts))
    )
    k = len(sub_first)
    n_pairs = k + n
    pair_codes = k + rows
    pair_codes[slow_rows] = sub_codes
    pair_first = np.concatenate([slow_rows[sub_first], rows]).astype(np.intp)
    value_p = np.concatenate([np.full(k, math.nan), value_r])
    spec_p = np.concatenate([np.full(k, -1, dtype=np.int64), spec_r])
    err_p = np.empty(n_pairs, dtype=object)
    col_p = np.empty(n_pairs, dtype=object)  # set for every amount read one by one
    text_p = np.empty(n_pairs, dtype=object)  # filled where needed (messages)

    def texts(js: Iterable[int]) -> None:
        """The amount as written, for the pairs ``js`` that do not have it yet."""
        for j in js:
            if text_p[j] is None:
                pos = int(pair_first[j])
                cells = [p.cell(pos) for p in parts]
                text_p[j] = " ".join(cell_text(v) for v in cells if not is_blank(v))

    for j in range(k):
        pos = int(pair_first[j])
        cells = {name: p.cell(pos) for name, p in zip(names, parts, strict=True)}
        a, u, g = cells.get("amount"), cells.get("unit"), cells.get("grams")
        text_p[j] = " ".join(cell_text(v) for v in (a, u, g) if not is_blank(v))
        try:
            value, spec, _, col_p[j] = amount_cells(a, u, g, label)
        except CellError as err:
            err_p[j], col_p[j] = err.error, err.column
            continue
        value_p[j], spec_p[j] = value, spec_id(spec)
    amount_bad = food_rows & has_error(err_p)[pair_codes]
    bad_rows = np.flatnonzero(amount_bad)
    for column in sorted(set(col_p[has_error(err_p)].tolist())):
        in_column = np.zeros(n, dtype=bool)
        in_column[bad_rows[col_p[pair_codes[bad_rows]] == column]] = True
        log.add(in_column, column, pair_codes, text_p, messages_of(err_p), err_p)

    # --- magnesium per row: grams = ((value * a) / b) * c, with (a, b, c) once per
    # distinct (food, measure): per unit for masses, per (food, measure) for the others.
    mg = np.full(n, math.nan)
    known = np.zeros(n, dtype=bool)
    where = np.flatnonzero(food_rows & ~log.bad)
    if not len(where):
        return mg, known
    d_r = food_dense[where]
    p_r = pair_codes[where]
    s_r = spec_p[p_r]
    width = max(len(spec_list), 1)
    ds_codes, ds_first = distinct_codes(d_r * width + s_r, max(len(rows_of), 1) * width)
    abc = np.ones((len(ds_first), 3))
    bad_ds = np.zeros(len(ds_first), dtype=bool)
    for j, local in enumerate(ds_first.tolist()):
        spec = spec_list[int(s_r[local])]
        if spec.kind == "mass":
            abc[j] = mass_factor(spec.unit), 1.0, 1.0
            continue
        texts([int(p_r[local])])
        try:
            abc[j] = _factors(
                table.food_at(rows_of[int(d_r[local])]), spec, str(text_p[p_r[local]])
            )
        except MagcalcError:
            bad_ds[j] = True
    # The same arithmetic, in the same order, as magcalc.foods.serving.
    a, b, c = abc[ds_codes, 0], abc[ds_codes, 1], abc[ds_codes, 2]
    with np.errstate(over="ignore", invalid="ignore"):
        grams_r = ((value_p[p_r] * a) / b) * c
        raw = _magnesium_per_100g(table)[food_rows_of[d_r]] * grams_r / 100.0
    mg_r = _round10(raw)
    err_r = np.empty(len(where), dtype=object)
    # A measure the food has no portion for: the message once per (food, amount).
    failed_ds = np.flatnonzero(bad_ds[ds_codes])
    for group in _by_combo(d_r, p_r, n_pairs, failed_ds):
        first = int(group[0])
        texts([int(p_r[first])])
        food_model = table.food_at(rows_of[int(d_r[first])])
        try:
            _portion_factors(food_model, spec_list[int(s_r[first])], str(text_p[p_r[first]]))
        except MagcalcError as err:
            err_r[group] = err
    # As serving(): an amount too large to compute with is an error ...
    huge = np.flatnonzero((~np.isfinite(grams_r) | np.isinf(mg_r)) & ~has_error(err_r))
    for group in _by_combo(d_r, p_r, n_pairs, huge):
        first = int(group[0])
        texts([int(p_r[first])])
        err_r[group] = AmountError(
            f"amount {text_p[p_r[first]]!r} of "
            f"{table.descriptions[rows_of[int(d_r[first])]]!r} is too large to "
            "compute with; give a real serving such as '100 g' or '1 cup'"
        )
    # ... and a serving over the plausible maximum is used, with one warning for all rows.
    _warn_heavy(grams_r, p_r, texts, text_p)
    failed_local = has_error(err_r)
    at = where[failed_local]
    texts(np.unique(pair_codes[at]).tolist())
    log.add_at(
        at,
        label("amount"),
        text_p[pair_codes[at]],
        messages_of(err_r[failed_local]),
        err_r[failed_local],
    )
    mg[where] = mg_r
    known[where] = ~np.isnan(mg_r) & ~failed_local
    return mg, known


def _round10(x: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """``round(x, 10)`` as serving() rounds, vectorised (equal to within an ulp).

    Values too large for ``x * 1e10`` are whole numbers in float64 already: kept as is.
    """
    with np.errstate(over="ignore", invalid="ignore"):
        out: npt.NDArray[np.float64] = np.where(np.abs(x) < 1e290, np.round(x, 10), x)
    return out


def _by_combo(
    d_r: npt.NDArray[np.int64],
    p_r: npt.NDArray[np.intp],
    n_pairs: int,
    rows: npt.NDArray[np.intp],
) -> list[npt.NDArray[np.intp]]:
    """``rows`` grouped by (food, amount), in (food, amount) order."""
    if not len(rows):
        return []
    keys = d_r[rows].astype(np.int64) * n_pairs + p_r[rows]
    order = np.argsort(keys, kind="stable")
    keys, rows = keys[order], rows[order]
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    return np.split(rows, starts[1:])


_per_100g: dict[int, tuple[FoodTable, npt.NDArray[np.float64]]] = {}
_per_100g_lock = threading.Lock()


def _magnesium_per_100g(table: FoodTable) -> npt.NDArray[np.float64]:
    """The food table's magnesium [mg/100 g] as an array (NaN: no value), once per table."""
    hit = _per_100g.get(id(table))
    if hit is None or hit[0] is not table:
        values = np.asarray(
            [math.nan if v is None else v for v in table.magnesium], dtype=np.float64
        )
        with _per_100g_lock:
            if len(_per_100g) > 8:
                _per_100g.clear()
            _per_100g[id(table)] = hit = (table, values)
    return hit[1]


_factor_cache: dict[tuple[str, Spec], tuple[float, float, float] | MagcalcError] = {}
_factor_lock = threading.Lock()


def _factors(food: Food, spec: Spec, text: str) -> tuple[float, float, float]:
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
    grams_r: npt.NDArray[np.float64],
    p_r: npt.NDArray[np.intp],
    texts: Callable[[Iterable[int]], None],
    text_p: npt.NDArray[np.object_],
) -> None:
    """One PlausibilityWarning for every food row over magcalc's plausible serving."""
    from magcalc import errors, foods

    limit = getattr(foods, "MAX_PLAUSIBLE_SERVING_G", None)
    category = getattr(errors, "PlausibilityWarning", UserWarning)
    if limit is None:
        return
    with np.errstate(invalid="ignore"):
        heavy = np.flatnonzero(np.isfinite(grams_r) & (grams_r > limit))
    if not len(heavy):
        return
    # Examples in row order, each amount once: as many as the message shows.
    quoted: dict[str, None] = {}
    for j in dict.fromkeys(p_r[heavy].tolist()):
        texts([j])
        quoted[repr(text_p[j])] = None
        if sum(len(t) + 2 for t in quoted) > 200:
            break
    examples = ", ".join(quoted)
    warnings.warn(
        f"{len(heavy):,} food row(s) of {len(grams_r):,} weigh more than any single serving "
        f"({limit / 1000:g} kg), e.g. {examples[:200]}; check the amounts (g, not kg?). "
        "They are used as given.",
        category,
        stacklevel=6,  # the caller of assess_frame / assess_partition
    )
