#!/usr/bin/env python3
"""Batch assessment speed and memory on 1,000,000 synthetic diary rows for 20,000 people.

The diary mixes NDB numbers, FDC ids and about 200 distinct free-text foods, household
amounts ("1/2 cup", "2 tbsp", "1 medium", "3 oz", ...) and some supplement rows (dated
and every-day, elemental and compound doses). Baseline, in the same run: a hand-written
pandas merge of the diary with a precomputed (food, amount) -> magnesium table and a
groupby that sums food magnesium per person-day and averages per person. It does none of
the resolving, parsing, checking, supplements or reference values.

Targets (issue 6): ``assess_frame`` <= 3 s on a 2-core machine, <= 2x the baseline, peak
memory <= 1.5 GB. Figures are printed, never asserted: timing depends on the machine.
"""

from __future__ import annotations

import gc
import resource
import statistics
import sys
import time
import tracemalloc
import warnings

import numpy as np
import pandas as pd

from magcalc import batch
from magcalc.batch import assess_frame
from magcalc.foods import FoodTable, serving
from magcalc.units import VOLUME_UNITS

N_ROWS = 1_000_000
N_PEOPLE = 20_000
N_POOL = 2_000  # foods given by NDB number or FDC id
N_TEXT = 200  # distinct free-text foods
SEED = 6
REPEATS = 3


def _amount_candidates(food: object) -> list[str]:
    """Household amounts a diary would use for this food, before checking them."""
    out = ["100 g", "3 oz", "1.5 oz", "250 g"]
    for portion in getattr(food, "portions", ())[:3]:
        head = portion.unit_description.split(",")[0].split("(")[0].strip().lower()
        word = head.split(" ")[0] if head else ""
        if not word or not word.isalpha():
            continue
        if word in VOLUME_UNITS:
            out += [f"1 {word}", f"1/2 {word}", f"2 {word}"]
        else:
            out += [f"1 {word}", f"2 {word}"]
    return out


def _valid_amounts(food_key: str, food: object) -> list[tuple[str, float]]:
    """(amount, magnesium mg) pairs that resolve for this food."""
    pairs = []
    for amount in _amount_candidates(food):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # implausible servings are dropped below
                result = serving(food_key, amount)
        except Exception:  # candidates are guesses; keep only those that resolve
            continue
        # Keep real servings: none of magcalc's implausible (> 5 kg) ones.
        if result.magnesium_mg is not None and result.grams <= 5000:
            pairs.append((amount, result.magnesium_mg))
    return pairs


def make_data(seed: int = SEED) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(diary, people, lookup) with ``lookup`` = (food, amount) -> mg for the baseline."""
    rng = np.random.default_rng(seed)
    table = FoodTable.default()
    # SR Legacy foods (FNDDS rows have no NDB number or FDC id to key a diary by).
    with_portions = [
        i
        for i, fid in enumerate(table.fdc_ids)
        if fid is not None and table.magnesium[i] is not None and table._portions.get(i)
    ]
    pool = rng.choice(with_portions, size=N_POOL, replace=False)
    keys: list[str] = []
    amounts: list[str] = []
    mgs: list[float] = []
    for i in pool:
        food = table.get(table.fdc_ids[i])
        pairs = _valid_amounts(table.ndb_numbers[i], food)
        for amount, value in pairs:
            # Each (food, amount) appears twice: by NDB number and by FDC id.
            keys += [table.ndb_numbers[i], str(table.fdc_ids[i])]
            amounts += [amount, amount]
            mgs += [value, value]
    # Free text: the first words of USDA descriptions, kept when magcalc resolves them.
    texts: list[str] = []
    for i in rng.permutation(len(table)):
        if len(texts) >= N_TEXT:
            break
        words = table.descriptions[i].lower().replace(",", "").split()[:3]
        text = " ".join(words)
        if text in texts:
            continue
        try:
            food = table.resolve(text)
        except Exception:  # not every prefix resolves confidently
            continue
        pairs = _valid_amounts(food.key, food)
        if not pairs:
            continue
        texts.append(text)
        for amount, value in pairs:
            keys.append(text)
            amounts.append(amount)
            mgs.append(value)
    lookup = pd.DataFrame({"food": keys, "amount": amounts, "mg": mgs})

    n_supp = N_ROWS // 50  # 2 % of rows are supplements
    n_food = N_ROWS - n_supp
    person = np.sort(rng.integers(0, N_PEOPLE, size=n_food))
    choice = rng.integers(0, len(lookup), size=n_food)
    food_rows = pd.DataFrame(
        {
            "person_id": pd.Series(np.char.add("p", person.astype(str)), dtype="str"),
            "day": rng.integers(1, 4, size=n_food),
            "food": lookup["food"].to_numpy()[choice],
            "amount": lookup["amount"].to_numpy()[choice],
        }
    )
    supp_person = rng.integers(0, N_PEOPLE, size=n_supp)
    forms = np.asarray(["citrate", "oxide", "glycinate", "chloride"], dtype=object)
    compound = rng.random(n_supp) < 0.3
    dose = rng.choice([100.0, 200.0, 250.0, 400.0], size=n_supp)
    supp_day = np.where(
        rng.random(n_supp) < 0.5, "all", rng.integers(1, 4, size=n_supp).astype(str)
    )
    supp_rows = pd.DataFrame(
        {
            "person_id": pd.Series(np.char.add("p", supp_person.astype(str)), dtype="str"),
            "day": supp_day,
            "supplement": forms[rng.integers(0, len(forms), size=n_supp)],
            "elemental_mg": np.where(compound, np.nan, dose),
            "compound_mg": np.where(compound, dose * 2, np.nan),
        }
    )
    diary = pd.concat([food_rows, supp_rows], ignore_index=True)
    diary["day"] = diary["day"].astype("str")
    for column in ("food", "amount", "supplement"):
        diary[column] = diary[column].astype("str")
    diary = diary.sample(frac=1.0, random_state=seed).reset_index(drop=True)
    ids = np.arange(N_PEOPLE)
    people = pd.DataFrame(
        {
            "person_id": pd.Series(np.char.add("p", ids.astype(str)), dtype="str"),
            "age": rng.integers(1, 90, size=N_PEOPLE),
            "sex": np.where(rng.random(N_PEOPLE) < 0.5, "female", "male"),
        }
    )
    return diary, people, lookup


def baseline(diary: pd.DataFrame, lookup: pd.DataFrame) -> pd.Series:
    """The hand-written version: merge, sum food magnesium per person-day, mean per person."""
    merged = diary.merge(lookup.drop_duplicates(["food", "amount"]), on=["food", "amount"])
    per_day = merged.groupby(["person_id", "day"], sort=False)["mg"].sum()
    return per_day.groupby(level="person_id", sort=False).mean()


def _time(func: object, *args: object) -> tuple[float, object]:
    times = []
    result = None
    for _ in range(REPEATS):
        gc.collect()
        t = time.perf_counter()
        result = func(*args)  # type: ignore[operator]
        times.append(time.perf_counter() - t)
    return statistics.median(times), result


def main() -> None:
    t = time.perf_counter()
    diary, people, lookup = make_data()
    setup = time.perf_counter() - t
    n_text = int((~diary["food"].fillna("").str.isdigit() & diary["food"].notna()).sum())
    print(
        f"batch: {len(diary):,} diary rows, {len(people):,} people, "
        f"{diary['food'].nunique():,} distinct food keys, "
        f"{lookup['food'].str.isdigit().eq(False).sum()} free-text (food, amount) pairs, "
        f"{n_text:,} free-text rows, {diary['supplement'].notna().sum():,} supplement rows "
        f"(setup {setup:.1f} s)"
    )

    # Cold: a fresh process pays for the food table and the pint registry once.
    t = time.perf_counter()
    result = assess_frame(diary, people, errors="report")
    cold = time.perf_counter() - t
    assert len(result.errors) == 0, result.errors.head()

    ours, result = _time(lambda: assess_frame(diary, people, errors="report"))

    def uncached() -> object:
        # Without magcalc.batch's per-process caches of free text and portions.
        batch._text_foods.clear()
        batch._factor_cache.clear()
        return assess_frame(diary, people, errors="report")

    fresh, _ = _time(uncached)
    base, _ = _time(baseline, diary, lookup)

    gc.collect()
    tracemalloc.start()
    assess_frame(diary, people, errors="report")
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    maxrss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    print(f"  assess_frame            {ours:6.2f} s  (first call in the process {cold:.2f} s)")
    print(f"  ... without its caches  {fresh:6.2f} s  (free text and portions resolved again)")
    print(f"  baseline merge+groupby  {base:6.2f} s")
    print(f"  ratio                   {ours / base:6.2f} x   ({fresh / base:.2f} x without caches)")
    print(f"  peak traced memory      {peak / 2**20:6.0f} MiB during assess_frame")
    print(f"  process max RSS         {maxrss_kb / 2**10:6.0f} MiB (data generation included)")
    print(
        f"  targets: time <= 3 s: {'ok' if fresh <= 3 else 'MISSED'}; "
        f"<= 2x baseline: {'ok' if fresh <= 2 * base else 'MISSED'} (without caches); "
        f"memory <= 1.5 GB: {'ok' if max(peak, maxrss_kb * 1024) <= 1.5 * 2**30 else 'MISSED'}"
    )
    sys.stdout.flush()


if __name__ == "__main__":
    main()
