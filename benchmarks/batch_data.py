"""Synthetic diaries for the batch benchmarks, and the floor they are measured against.

A diary row names a food in one of the four ways magcalc reads: an FDC id, an NDB
number (5-digit text), an FNDDS food code (8 digits) or free text (the first words of a
USDA description that magcalc resolves). Amounts are either grams at full precision
(``rng.uniform``: every row distinct, as a research export has them) or household text
("1/2 cup", "2 tbsp", "1 medium", "3 oz"), each checked to resolve for its food. People
have fractional ages (``rng.uniform``), so no two share an age.

The floor is the least a correct program must do to get the same per-person food
magnesium: look each food key up in a precomputed array (``Index.get_indexer``), multiply,
and sum by person-day and person with ``np.bincount``. Resolving the keys and amounts,
which it is handed ready-made, is not timed; nothing in magcalc is faster than this.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from functools import cache
from typing import Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from magcalc.foods import FoodTable, serving
from magcalc.units import VOLUME_UNITS

__all__ = ["Floor", "Lookup", "floor_food_mg", "lookup", "make_diary", "make_people"]

Amounts = Literal["grams", "household"]

N_DAYS = 3
# Share of food rows by how the food is named: FDC id, NDB number, FNDDS code, free text.
KEY_SHARES = {"fdc": 0.4, "ndb": 0.25, "fndds": 0.2, "text": 0.15}
N_SR = 1_500  # SR Legacy foods, each named by FDC id and by NDB number
N_FNDDS = 500  # FNDDS foods, named by food code
N_TEXT = 200  # distinct free-text foods
SEED = 15


@dataclass(frozen=True)
class Lookup:
    """Every food key of the synthetic diaries, resolved once (not timed).

    ``keys[kind]`` are the keys of one kind; ``mg_per_100g`` maps every key to its
    food's magnesium [mg/100 g] (NaN where USDA has none); ``household`` maps every key
    to the household amounts that resolve for it and their magnesium [mg].
    """

    keys: dict[str, list[str]]
    mg_per_100g: dict[str, float]
    household: dict[str, list[tuple[str, float]]]


def _candidates(table: FoodTable, row: int) -> list[str]:
    """Household amounts a diary would use for this food, before checking them."""
    out = ["3 oz", "1.5 oz"]
    for _, amount, unit, _ in table.portions_at(row)[:3]:
        head = unit.split(",")[0].split("(")[0].strip().lower()
        word = head.split(" ")[0] if head else ""
        if not word or not word.isalpha():
            continue
        if word in VOLUME_UNITS:
            out += [f"1 {word}", f"1/2 {word}", f"2 {word}"]
        elif amount == 1.0:
            out += [f"1 {word}", f"2 {word}"]
    return out


def _household(table: FoodTable, key: str, row: int) -> list[tuple[str, float]]:
    pairs = []
    for amount in _candidates(table, row):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # implausible servings are dropped below
                result = serving(key, amount)
        except Exception:  # candidates are guesses; keep only those that resolve
            continue
        if result.magnesium_mg is not None and result.grams <= 5000:
            pairs.append((amount, float(result.magnesium_mg)))
    return pairs


@cache
def lookup(seed: int = SEED) -> Lookup:
    """Draw the food keys and resolve each once with magcalc (about 10 s; once a process)."""
    rng = np.random.default_rng(seed)
    table = FoodTable.default()
    sr = [i for i, fid in enumerate(table.fdc_ids) if fid is not None and table.portions_at(i)]
    fndds = [i for i, c in enumerate(table.food_codes) if c is not None and table.portions_at(i)]
    keys: dict[str, list[str]] = {kind: [] for kind in KEY_SHARES}
    rows: dict[str, int] = {}
    for i in rng.choice(sr, size=N_SR, replace=False).tolist():
        fdc, ndb = str(table.fdc_ids[i]), table.ndb_numbers[i]
        keys["fdc"].append(fdc)
        keys["ndb"].append(ndb)
        rows[fdc] = rows[ndb] = i
    for i in rng.choice(fndds, size=N_FNDDS, replace=False).tolist():
        code = str(table.food_codes[i])
        keys["fndds"].append(code)
        rows[code] = i
    index = {food: i for i, food in enumerate(table.fdc_ids) if food is not None}
    index.update({code: i for i, code in enumerate(table.food_codes) if code is not None})
    for i in rng.permutation(len(table)).tolist():
        if len(keys["text"]) >= N_TEXT:
            break
        text = " ".join(table.descriptions[i].lower().replace(",", "").split()[:3])
        if text in rows:
            continue
        try:
            food = table.resolve(text)
        except Exception:  # not every prefix resolves confidently
            continue
        row = index[food.fdc_id if food.fdc_id is not None else food.food_code]
        keys["text"].append(text)
        rows[text] = row
    mg: dict[str, float] = {}
    household: dict[str, list[tuple[str, float]]] = {}
    for key, row in rows.items():
        value = table.resolve(key).magnesium_mg_per_100g
        mg[key] = np.nan if value is None else float(value)
        household[key] = _household(table, key, row)
    return Lookup(keys, mg, household)


def make_people(n_people: int, seed: int = SEED) -> pd.DataFrame:
    """People 0..n-1 in random order, fractional ages 1-90 years, either sex."""
    rng = np.random.default_rng(seed + 1)
    return pd.DataFrame(
        {
            "person_id": rng.permutation(n_people).astype(np.int64),
            "age": rng.uniform(1.0, 90.0, size=n_people),
            "sex": np.where(rng.random(n_people) < 0.5, "female", "male"),
        }
    )


def make_diary(
    look: Lookup, n_rows: int, n_people: int, amounts: Amounts, seed: int = SEED
) -> pd.DataFrame:
    """Food rows of ``n_people`` people over days 1-3, in random order.

    Columns ``person_id`` (int64), ``day`` (int64), ``food`` (text) and ``amount``:
    grams as float64 (``amounts="grams"``) or household text.
    """
    rng = np.random.default_rng(seed + 2)
    kinds = list(KEY_SHARES)
    kind = rng.choice(len(kinds), size=n_rows, p=list(KEY_SHARES.values()))
    food = np.empty(n_rows, dtype=object)
    for k, name in enumerate(kinds):
        pool = np.asarray(
            [key for key in look.keys[name] if amounts == "grams" or look.household[key]],
            dtype=object,
        )
        at = np.flatnonzero(kind == k)
        food[at] = pool[rng.integers(0, len(pool), size=len(at))]
    diary = pd.DataFrame(
        {
            "person_id": rng.integers(0, n_people, size=n_rows).astype(np.int64),
            "day": rng.integers(1, N_DAYS + 1, size=n_rows).astype(np.int64),
            "food": pd.Series(food, dtype="str"),
        }
    )
    if amounts == "grams":
        diary["amount"] = rng.uniform(1.0, 400.0, size=n_rows)
    else:
        codes, foods = pd.factorize(diary["food"])
        options = [look.household[str(f)] for f in foods]
        n_options = np.asarray([len(o) for o in options])
        pick = (rng.random(n_rows) * n_options[codes]).astype(np.int64)
        text = np.asarray([a for o in options for a, _ in o], dtype=object)
        start = np.concatenate([[0], np.cumsum(n_options)[:-1]])
        diary["amount"] = pd.Series(text[start[codes] + pick], dtype="str")
    return diary


@dataclass(frozen=True)
class Floor:
    """The precomputed arrays the floor indexes into (built once, not timed)."""

    amounts: Amounts
    foods: pd.Index
    units: pd.Index  # household amounts; empty for grams
    mg: npt.NDArray[np.float64]  # mg/100 g per food, or mg per (food, amount) flattened
    people: pd.Index

    @classmethod
    def build(cls, look: Lookup, people: pd.DataFrame, amounts: Amounts) -> Floor:
        foods = pd.Index(list(look.mg_per_100g), dtype="str")
        ids = pd.Index(people["person_id"].to_numpy())
        if amounts == "grams":
            mg = np.asarray([look.mg_per_100g[f] for f in foods], dtype=float)
            return cls(amounts, foods, pd.Index([], dtype="str"), mg, ids)
        units = pd.Index(sorted({a for o in look.household.values() for a, _ in o}), dtype="str")
        table = np.full((len(foods), len(units)), np.nan)
        for i, f in enumerate(foods):
            for a, value in look.household[str(f)]:
                table[i, units.get_loc(a)] = value
        return cls(amounts, foods, units, table.ravel(), ids)


def _codes(index: pd.Index, column: pd.Series) -> npt.NDArray[np.intp]:
    """Positions of a column's values in ``index``, whichever way is faster: numbers
    directly with ``get_indexer``; text factorised first, then only the distinct values
    looked up (about 4x faster than ``get_indexer`` on a million Arrow strings)."""
    if pd.api.types.is_numeric_dtype(column.dtype):
        return index.get_indexer(column)
    codes, uniques = pd.factorize(column, use_na_sentinel=False)
    return index.get_indexer(uniques)[codes]


def floor_food_mg(floor: Floor, diary: pd.DataFrame) -> npt.NDArray[np.float64]:
    """Per person (in people-table order): mean daily food magnesium [mg/day].

    NaN for a person without rows; a food without a USDA value adds nothing but its day
    still counts, as in magcalc.
    """
    food = _codes(floor.foods, diary["food"])
    if floor.amounts == "grams":
        mg = diary["amount"].to_numpy(dtype=float) * floor.mg[food] / 100.0
    else:
        unit = _codes(floor.units, diary["amount"])
        mg = floor.mg[food * len(floor.units) + unit]
    person = _codes(floor.people, diary["person_id"])
    day, days = pd.factorize(diary["day"])
    n_people, n_days = len(floor.people), len(days)
    cell = person * n_days + day
    size = n_people * n_days
    total = np.bincount(cell, weights=np.nan_to_num(mg), minlength=size)
    recorded = np.bincount(cell, minlength=size) > 0
    per_person = total.reshape(n_people, n_days).sum(axis=1)
    n_recorded = recorded.reshape(n_people, n_days).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(n_recorded > 0, per_person / n_recorded, np.nan)
