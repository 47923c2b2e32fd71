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
from functools import partial
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from magcalc.batch._amounts import AmountReader, Spec, mass_factor, numeric_pairs
from magcalc.batch._columns import Factor, distinct_codes
from magcalc.batch._errorlog import ErrorLog, has_error, messages_of
from magcalc.batch._memo import Memo
from magcalc.diary import diary_food
from magcalc.errors import AmountError, MagcalcError, MatchWarning, UnknownFoodError

if TYPE_CHECKING:
    import numpy.typing as npt

    from magcalc.foods import Food, FoodTable

__all__ = ["food_magnesium"]

_text_foods: dict[str, str | MagcalcError] = {}
# Names that matched a food only in part: name -> the food's description.
_weak: dict[str, str] = {}
_text_foods_lock = threading.Lock()
_TEXT_CACHE_SIZE = 100_000


def _resolve_row(table: FoodTable, value: Any, stored: Memo | None = None) -> int:
    """The food table's row of a cell (FDC id, NDB number or text); free text is cached
    per process (and in ``stored``, across processes). Ids are looked up without
    building the Food."""
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
            if hit is None and stored is not None:
                hit = stored.food(text)
                if hit is not None and table.row_of(hit) is None:  # pragma: no cover
                    hit = None  # the key names the table's data, so never happens
            if hit is None:
                from magcalc.foods.entries import parse_entry

                try:
                    found, match, _ = table.match(parse_entry(text), warn=False, notes=False)
                except UnknownFoodError as err:
                    hit = err
                else:
                    hit = found.key
                    if match.quality == "weak":
                        # Said once per call (_warn_weak); never kept across processes.
                        _weak[value.strip()] = found.description
                    elif stored is not None:
                        stored.add_food(text, hit)
                with _text_foods_lock:
                    if len(_text_foods) >= _TEXT_CACHE_SIZE:
                        _text_foods.clear()
                        _weak.clear()
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
    memo = Memo(table)  # what earlier processes resolved
    food_dense, rows_of = _food_rows(table, food, food_rows, log, label, memo)
    food_rows_of = np.asarray(rows_of, dtype=np.intp)

    # --- amounts: plain numbers (grams, or a number beside a unit) read row by row as
    # arrays, with no hashing of every distinct gram amount; the other amounts parsed
    # once per distinct (amount, unit, grams).
    by_name: dict[str, Factor] = {c: factor(c) for c in ("amount", "unit", "grams") if c in cols}
    if not by_name:
        by_name = {"amount": factor("amount")}
    amounts = AmountReader(by_name, n)
    value_r, spec_r, fast = numeric_pairs(by_name, food_rows, label, amounts.spec_id)
    amounts.read_others(food_rows & ~fast, value_r, spec_r, log, label)

    # --- magnesium per row: grams = ((value * a) / b) * c, with (a, b, c) once per unit
    # for masses and once per distinct (food, measure) for the others.
    where = np.flatnonzero(food_rows & ~log.bad)
    mg = np.full(n, math.nan)
    known = np.zeros(n, dtype=bool)
    if not len(where):
        memo.save()
        return mg, known
    d_r = food_dense[where]
    s_r = spec_r[where]
    spec_list = amounts.specs
    is_mass = np.asarray([s.kind == "mass" for s in spec_list], dtype=bool)
    mass_a = np.asarray(
        [mass_factor(s.unit) if s.kind == "mass" else 1.0 for s in spec_list], dtype=float
    )
    value_w = value_r[where]
    with np.errstate(over="ignore", invalid="ignore"):
        if is_mass.all():
            # ((value * a) / 1) * 1 is value * a exactly; value itself for grams.
            grams_r = value_w if (mass_a == 1.0).all() else value_w * mass_a[s_r]
            bad_ds = np.zeros(0, dtype=bool)
            ds_codes = np.zeros(0, dtype=np.intp)
            other = np.zeros(0, dtype=np.intp)
        else:
            other = np.flatnonzero(~is_mass[s_r])
            grams_r = value_w * mass_a[s_r]
            ds_codes, abc, bad_ds = _measure_factors(
                table, rows_of, d_r[other], s_r[other], spec_list, amounts, where[other], memo
            )
            grams_r[other] = ((value_w[other] * abc[ds_codes, 0]) / abc[ds_codes, 1]) * abc[
                ds_codes, 2
            ]
        raw = _magnesium_per_100g(table)[food_rows_of[d_r]] * grams_r / 100.0
    memo.save()
    mg_r = _round10(raw)
    err_r = np.empty(len(where), dtype=object)
    # A measure the food has no portion for: the message once per (food, amount).
    failed_ds = other[bad_ds[ds_codes]]

    def pair_ids(local: npt.NDArray[np.intp]) -> npt.NDArray[np.int64]:
        return amounts.pair_ids(where[local])

    for group in _by_combo(d_r, pair_ids, failed_ds):
        first = int(group[0])
        text = amounts.text(int(where[first]))
        food_model = table.food_at(rows_of[int(d_r[first])])
        try:
            _portion_factors(food_model, spec_list[int(s_r[first])], text)
        except MagcalcError as err:
            err_r[group] = err
    # As serving(): an amount too large to compute with is an error ...
    with np.errstate(invalid="ignore"):
        huge = np.flatnonzero(~np.isfinite(grams_r) | np.isinf(mg_r))
    if len(huge):
        huge = huge[~has_error(err_r[huge])]
    for group in _by_combo(d_r, pair_ids, huge):
        first = int(group[0])
        err_r[group] = AmountError(
            f"amount {amounts.text(int(where[first]))!r} of "
            f"{table.descriptions[rows_of[int(d_r[first])]]!r} is too large to "
            "compute with; give a real serving such as '100 g' or '1 cup'"
        )
    # ... and a serving over the plausible maximum is used, with one warning for all rows.
    _warn_heavy(grams_r, where, amounts)
    if len(failed_ds) or len(huge):
        failed_local = has_error(err_r)
        at = where[failed_local]
        log.add_at(
            at,
            label("amount"),
            np.asarray([amounts.text(int(i)) for i in at.tolist()], dtype=object),
            messages_of(err_r[failed_local]),
            err_r[failed_local],
        )
        ok = ~failed_local
    else:
        ok = None
    mg[where] = mg_r
    known[where] = ~np.isnan(mg_r) if ok is None else ~np.isnan(mg_r) & ok
    return mg, known


def _food_rows(
    table: FoodTable,
    food: Factor,
    food_rows: npt.NDArray[np.bool_],
    log: ErrorLog,
    label: Callable[[str], str],
    memo: Memo,
) -> tuple[npt.NDArray[np.int64], list[int]]:
    """Per row the dense code of its food (-1: none or unknown; logged), and per dense
    code the row of the food table. Each distinct cell is resolved once."""
    used = np.zeros(len(food.index) + 1, dtype=bool)
    used[food.codes[food_rows]] = True
    err_u = np.empty(len(food.index) + 1, dtype=object)
    dense_u = np.full(len(food.index) + 1, -1, dtype=np.int64)
    dense: dict[int, int] = {}
    rows_of: list[int] = []  # dense food code -> row of the food table
    uniques = food.uniques
    seen = _cell_rows(table)
    for k in np.flatnonzero(used[:-1]).tolist():
        value = uniques[k]
        # Text cells (ids and names) are memoised per process: the table is immutable.
        i = seen.get(value) if type(value) is str else None
        if i is None:
            try:
                i = _resolve_row(table, value, memo)
            except MagcalcError as err:
                err_u[k] = err
                continue
            if type(value) is str:
                _remember(seen, value, i)
        d = dense.get(i)
        if d is None:
            d = dense[i] = len(rows_of)
            rows_of.append(i)
        dense_u[k] = d
    _warn_weak(uniques[k] for k in np.flatnonzero(used[:-1]).tolist())
    bad_u = has_error(err_u)
    if bad_u.any():
        log.add(
            food_rows & bad_u[food.codes], label("food"), food.codes, food.text,
            messages_of(err_u), err_u,
        )  # fmt: skip
    return dense_u[food.codes], rows_of


def _measure_factors(
    table: FoodTable,
    rows_of: list[int],
    d_r: npt.NDArray[np.int64],
    s_r: npt.NDArray[np.int64],
    specs: list[Spec],
    amounts: AmountReader,
    rows: npt.NDArray[np.intp],
    memo: Memo,
) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.float64], npt.NDArray[np.bool_]]:
    """(a, b, c) of volumes and measures once per distinct (food, measure): per entry its
    code, per code the factors and whether the food has no such portion."""
    width = max(len(specs), 1)
    codes, first = distinct_codes(d_r * width + s_r, max(len(rows_of), 1) * width)
    abc = np.ones((len(first), 3))
    bad = np.zeros(len(first), dtype=bool)
    for j, local in enumerate(first.tolist()):
        spec = specs[int(s_r[local])]
        row = int(rows[local])
        try:
            abc[j] = _factors(
                table, rows_of[int(d_r[local])], spec, partial(amounts.text, row), memo
            )
        except MagcalcError:
            bad[j] = True
    return codes, abc, bad


def _round10(x: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """``round(x, 10)`` as serving() rounds, vectorised (equal to within an ulp).

    Values too large for ``x * 1e10`` are whole numbers in float64 already: kept as is.
    """
    with np.errstate(over="ignore", invalid="ignore"):
        out: npt.NDArray[np.float64] = np.round(x, 10)
        big = np.abs(x) >= 1e290
    if big.any():
        out[big] = x[big]
    return out


def _by_combo(
    d_r: npt.NDArray[np.int64],
    pair_ids: Callable[[npt.NDArray[np.intp]], npt.NDArray[np.int64]],
    rows: npt.NDArray[np.intp],
) -> list[npt.NDArray[np.intp]]:
    """``rows`` grouped by (food, amount), in (food, amount) order."""
    if not len(rows):
        return []
    pair = pair_ids(rows)
    keys = d_r[rows].astype(np.int64) * (int(pair.max()) + 1) + pair
    order = np.argsort(keys, kind="stable")
    keys, rows = keys[order], rows[order]
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    return np.split(rows, starts[1:])


class _TableCache:
    """Per-process memos of one food table (immutable, so they never go stale)."""

    def __init__(self, table: FoodTable) -> None:
        self.table = table
        self.lock = threading.Lock()
        # The table's magnesium [mg/100 g] as an array (NaN: no value).
        self.per_100g = np.asarray(
            [math.nan if v is None else v for v in table.magnesium], dtype=np.float64
        )
        self.cell_rows: dict[str, int] = {}  # a food cell as given -> row of the table
        # (row, measure) -> (a, b, c) of _portion_factors, or the error it raised
        self.factors: dict[tuple[int, Spec], tuple[float, float, float] | MagcalcError] = {}


_caches: dict[int, _TableCache] = {}
_caches_lock = threading.Lock()
_MEMO_SIZE = 500_000


def _cache_of(table: FoodTable) -> _TableCache:
    hit = _caches.get(id(table))
    if hit is None or hit.table is not table:
        with _caches_lock:
            if len(_caches) > 8:
                _caches.clear()
            _caches[id(table)] = hit = _TableCache(table)
    return hit


def _cell_rows(table: FoodTable) -> dict[str, int]:
    return _cache_of(table).cell_rows


def _remember(memo: dict[str, int], value: str, row: int) -> None:
    if len(memo) >= _MEMO_SIZE:
        memo.clear()
    memo[value] = row


def _magnesium_per_100g(table: FoodTable) -> npt.NDArray[np.float64]:
    """The food table's magnesium [mg/100 g] as an array (NaN: no value), once per table."""
    return _cache_of(table).per_100g


def _factors(
    table: FoodTable, row: int, spec: Spec, text: Callable[[], str], memo: Memo | None = None
) -> tuple[float, float, float]:
    """(a, b, c) of :func:`_portion_factors` for row ``row`` of the table, cached per
    process by (row, measure); the Food is built only on a miss.

    The food table is immutable, so the cache is safe; on an error the message is made
    again with ``text()`` (the amount as written on the row).
    """
    cache = _cache_of(table)
    key = (row, spec)
    hit = cache.factors.get(key)
    measure = (row, spec.unit, spec.kind, spec.qualifier)
    if hit is None and memo is not None:
        hit = memo.factors(measure)
    if hit is None:
        try:
            hit = _portion_factors(table.food_at(row), spec, text())
        except MagcalcError as err:
            hit = err
        else:
            if memo is not None:
                memo.add_factors(measure, hit)
        with cache.lock:
            if len(cache.factors) >= _MEMO_SIZE:
                cache.factors.clear()
            cache.factors[key] = hit
    if isinstance(hit, MagcalcError):
        # raises, naming this row's amount
        return _portion_factors(table.food_at(row), spec, text())
    return hit


def _warn_weak(values: Iterable[Any]) -> None:
    """One MatchWarning for every food name of a call that matched a food only in part."""
    if not _weak:
        return
    weak = {v: _weak[k] for v in values if type(v) is str and (k := v.strip()) in _weak}
    if not weak:
        return
    examples = "; ".join(f"{name!r} -> {food!r}" for name, food in list(weak.items())[:5])
    warnings.warn(
        f"{len(weak):,} food name(s) matched a USDA food only in part, e.g. {examples}; "
        "check them, or give FDC ids or USDA descriptions. They are used as matched.",
        MatchWarning,
        stacklevel=6,  # the caller of assess_frame / assess_partition
    )


def _warn_heavy(
    grams_r: npt.NDArray[np.float64], where: npt.NDArray[np.intp], amounts: AmountReader
) -> None:
    """One PlausibilityWarning for every food row over magcalc's plausible serving."""
    from magcalc import errors, foods

    limit = getattr(foods, "MAX_PLAUSIBLE_SERVING_G", None)
    category = getattr(errors, "PlausibilityWarning", UserWarning)
    if limit is None:
        return
    with np.errstate(invalid="ignore"):
        heavy = np.flatnonzero(grams_r > limit)  # NaN compares False; inf is over
        heavy = heavy[np.isfinite(grams_r[heavy])]
    if not len(heavy):
        return
    # Examples in row order, each amount once: as many as the message shows.
    quoted: dict[str, None] = {}
    rows = where[heavy]
    seen: set[int] = set()
    for pair, row in zip(amounts.pair_ids(rows).tolist(), rows.tolist(), strict=True):
        if pair in seen:
            continue
        seen.add(pair)
        quoted[repr(amounts.text(row))] = None
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
