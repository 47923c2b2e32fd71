#!/usr/bin/env python3
"""Search speed and accuracy against rapidfuzz over all descriptions, in the same run.

Baseline: ``rapidfuzz.process.extract(query, descriptions, scorer=WRatio, limit=10)``,
the usual first attempt at fuzzy food search. Both are warmed up, then each query of
tests/data/search_eval.csv is timed; accuracy is top-1 and top-3 against the NDB number
a dietitian would pick.
"""

from __future__ import annotations

import csv
import statistics
import time
from pathlib import Path

from rapidfuzz import fuzz, process

import magcalc
from magcalc.foods import FoodTable

EVAL = Path(__file__).resolve().parents[1] / "tests" / "data" / "search_eval.csv"
REPEATS = 5


def main() -> None:
    rows = list(csv.DictReader(EVAL.open(newline="", encoding="utf-8")))
    table = FoodTable.default()
    descriptions = table.descriptions
    magcalc.search_foods("warm up")

    ours: list[float] = []
    theirs: list[float] = []
    hits = {"magcalc": [0, 0], "rapidfuzz": [0, 0]}
    for row in rows:
        query, want = row["query"], row["ndb_number"]
        for _ in range(REPEATS):
            t = time.perf_counter()
            found = magcalc.search_foods(query, limit=10)
            ours.append(time.perf_counter() - t)
            t = time.perf_counter()
            base = process.extract(query, descriptions, scorer=fuzz.WRatio, limit=10)
            theirs.append(time.perf_counter() - t)
        ndbs = [m.food.ndb_number for m in found]
        base_ndbs = [table.ndb_numbers[i] for _, _, i in base]
        for name, got in (("magcalc", ndbs), ("rapidfuzz", base_ndbs)):
            hits[name][0] += got[:1] == [want]
            hits[name][1] += want in got[:3]

    n = len(rows)
    med_ours, med_theirs = statistics.median(ours), statistics.median(theirs)
    print(f"search over {len(descriptions)} foods, {n} queries x {REPEATS} repeats")
    print(f"  {'':28}{'median':>10}{'p95':>10}{'top-1':>9}{'top-3':>9}")
    for name, times in (("magcalc.search_foods", ours), ("rapidfuzz extract (baseline)", theirs)):
        key = "magcalc" if name.startswith("magcalc") else "rapidfuzz"
        p95 = statistics.quantiles(times, n=20)[-1]
        top1, top3 = hits[key][0] / n, hits[key][1] / n
        median = statistics.median(times) * 1e3
        print(f"  {name:28}{median:8.3f}ms{p95 * 1e3:8.3f}ms{top1:9.1%}{top3:9.1%}")
    print(f"  -> magcalc is {med_theirs / med_ours:.1f}x faster (target >= 10x, median <= 2 ms)")


if __name__ == "__main__":
    main()
