"""Search accuracy on the evaluation set of everyday queries (tests/data/search_eval.csv).

Each row is a query typed the way people type it and the SR Legacy food a dietitian
would pick (NDB number). It was tuned on, so it is a regression check of the SR Legacy
ranking (searched with ``source="SR Legacy"``), not evidence of accuracy: that is the
held-out half of ``tests/data/entry_eval.csv``. ``benchmarks/bench_search.py`` reports the same figures
next to a rapidfuzz baseline.
"""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

import magcalc

EVAL = Path(__file__).parents[1] / "data" / "search_eval.csv"


def load_eval() -> list[dict[str, str]]:
    with EVAL.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_eval_set_is_broad_and_valid() -> None:
    rows = load_eval()
    assert len(rows) >= 60
    assert len({r["query"] for r in rows}) == len(rows)
    groups = Counter(r["food_group"] for r in rows)
    assert len(groups) >= 20  # across (nearly) all 25 USDA food groups
    for r in rows:
        food = magcalc.get_food(r["ndb_number"])
        assert food.description == r["description"]


def test_top1_accuracy_at_least_90_percent() -> None:
    rows = load_eval()
    misses = []
    for r in rows:
        hits = magcalc.search_foods(r["query"], limit=1, source="SR Legacy")
        if not hits or hits[0].food.ndb_number != r["ndb_number"]:
            got = hits[0].food.description if hits else None
            misses.append(f"{r['query']!r}: want {r['description']!r}, got {got!r}")
    accuracy = 1 - len(misses) / len(rows)
    assert accuracy >= 0.90, f"top-1 {accuracy:.1%}; misses:\n" + "\n".join(misses)


@pytest.mark.parametrize(
    "query",
    [
        "cooked kale",
        "kale boiled",
        "sunflower seeds roasted",
        "cheddar cheese",
        "turkey breast roasted",
        "orange",
        "rye bread",
        "white rice cooked",
        "lentils",
    ],
)
def test_everyday_queries_find_the_generic_food(query: str) -> None:
    """Everyday queries that once ranked a baby, fast-food or restaurant item or a variant
    first find the expected generic USDA food first."""
    expected = {r["query"]: r["ndb_number"] for r in load_eval()}[query]
    hit = magcalc.search_foods(query, limit=1, source="SR Legacy")[0]
    assert hit.food.ndb_number == expected
    assert hit.food.food_group not in ("Baby Foods", "Fast Foods", "Restaurant Foods")
