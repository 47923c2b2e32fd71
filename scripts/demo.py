#!/usr/bin/env python3
"""`make demo`: magnesium in a few everyday portions, from the bundled USDA table."""

from __future__ import annotations

import magcalc

PORTIONS = [
    ("spinach boiled", "1/2 cup"),
    ("almonds", "1 oz"),
    ("banana", "1 medium"),
    ("black beans cooked", "1 cup"),
    ("rye bread", "2 slices"),
    ("pumpkin seeds", "2 tbsp"),
    ("salmon", "3.5 oz"),
]


def main() -> None:
    print(f"magcalc {magcalc.__version__}: magnesium in everyday portions (USDA SR Legacy)\n")
    for query, amount in PORTIONS:
        s = magcalc.serving(query, amount)
        value = "no data" if s.magnesium_mg is None else f"{s.magnesium_mg:.0f} mg"
        print(f"{amount + ' ' + query:<34}{value:>8} magnesium")
        print(f"    food:    {s.food.description} [NDB {s.food.ndb_number}]")
        print(f"    portion: {s.grams:.0f} g = {s.basis}")


if __name__ == "__main__":
    main()
