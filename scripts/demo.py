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
ENTRIES = [
    "½ avocado, cubed",
    "2 eggs scrambled",
    "1 serving (28 g) shelled edamame",
    "1 packet instant oatmeal",
    "1 cup semi-skimmed milk",
]


def main() -> None:
    print(
        f"magcalc {magcalc.__version__}: magnesium in everyday portions "
        "(USDA SR Legacy and FNDDS 2021-2023)\n"
    )
    for query, amount in PORTIONS:
        s = magcalc.serving(query, amount)
        value = "no data" if s.magnesium_mg is None else f"{s.magnesium_mg:.0f} mg"
        print(f"{amount + ' ' + query:<34}{value:>8} magnesium")
        print(f"    food:    {s.food.description} [{s.food.ids}]")
        print(f"    portion: {s.grams:.0f} g = {s.basis}")
    print("\nWhole entries, as people write them:")
    for entry in ENTRIES:
        s = magcalc.serving(entry)
        value = "no data" if s.magnesium_mg is None else f"{s.magnesium_mg:.0f} mg"
        print(f"{entry:<34}{value:>8}  {s.food.description} ({s.grams:.0f} g)")


if __name__ == "__main__":
    main()
