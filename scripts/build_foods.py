#!/usr/bin/env python3
"""Build the bundled food table from the staged USDA SR Legacy extracts.

Reads ``../shared/usda/*.csv`` (or ``--source``) and writes ``data/foods.csv``,
``data/portions.csv`` and ``data/registry.txt`` (sha256 of each). Values are
copied as text, never re-typed or re-formatted, so the output is byte-for-byte
reproducible and every number traces back to USDA.

Usage::

    python scripts/build_foods.py [--source DIR] [--out DIR] [--check]

``--check`` rebuilds into memory and exits non-zero if the committed files differ.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SOURCE = ROOT.parent / "shared" / "usda"
DEFAULT_OUT = ROOT / "data"

SOURCE = "USDA ARS FoodData Central, SR Legacy"
# Release facts from ../shared/usda/README.md (provenance section).
RELEASE_WITH_MG = (
    "SR Legacy 2018-04 (FDC 2019-04-01); magnesium: SR28 2015-09 NUT_DATA nutrient 304"
)
RELEASE_NO_MG = "SR Legacy 2018-04 (FDC 2019-04-01); no magnesium value"

FOOD_COLUMNS = [
    "fdc_id",
    "ndb_number",
    "description",
    "food_group",
    "magnesium_mg_per_100g",
    "magnesium_note",
    "source",
    "source_release",
]
PORTION_COLUMNS = ["fdc_id", "seq", "amount", "unit_description", "gram_weight"]


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _write(rows: list[dict[str, str]], columns: list[str]) -> bytes:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue().encode("utf-8")


def build(source: Path) -> dict[str, bytes]:
    """Return the file name -> content mapping of the bundled table."""
    with_mg = _read(source / "usda_sr_legacy_magnesium.csv")
    without_mg = _read(source / "usda_sr_legacy_no_magnesium.csv")
    portions = _read(source / "usda_sr_legacy_portions.csv")

    foods: list[dict[str, str]] = []
    for row in with_mg:
        foods.append(
            {
                "fdc_id": row["fdc_id"],
                "ndb_number": row["ndb_number"],
                "description": row["description"],
                "food_group": row["food_group"],
                "magnesium_mg_per_100g": row["magnesium_mg_per_100g"],
                "magnesium_note": "",
                "source": SOURCE,
                "source_release": RELEASE_WITH_MG,
            }
        )
    for row in without_mg:
        # Missing is unknown, not zero: the value stays empty and the reason is kept.
        foods.append(
            {
                "fdc_id": row["fdc_id"],
                "ndb_number": row["ndb_number"],
                "description": row["description"],
                "food_group": row["food_group"],
                "magnesium_mg_per_100g": "",
                "magnesium_note": row["reason"],
                "source": SOURCE,
                "source_release": RELEASE_NO_MG,
            }
        )
    foods.sort(key=lambda r: r["ndb_number"])

    fdc_by_ndb = {r["ndb_number"]: r["fdc_id"] for r in foods}
    if len(fdc_by_ndb) != len(foods):
        raise SystemExit("duplicate NDB numbers in the USDA extracts")
    out_portions: list[dict[str, str]] = []
    for row in portions:
        try:
            fdc_id = fdc_by_ndb[row["ndb_number"]]
        except KeyError:
            raise SystemExit(f"portion for unknown NDB {row['ndb_number']}") from None
        out_portions.append(
            {
                "fdc_id": fdc_id,
                "seq": row["seq"],
                "amount": row["amount"],
                "unit_description": row["unit_description"],
                "gram_weight": row["gram_weight"],
            }
        )
    order = {r["ndb_number"]: i for i, r in enumerate(foods)}
    ndb_by_fdc = {v: k for k, v in fdc_by_ndb.items()}
    out_portions.sort(key=lambda r: (order[ndb_by_fdc[r["fdc_id"]]], int(r["seq"])))

    files = {
        "foods.csv": _write(foods, FOOD_COLUMNS),
        "portions.csv": _write(out_portions, PORTION_COLUMNS),
    }
    registry = "".join(
        f"{name} {hashlib.sha256(content).hexdigest()}\n" for name, content in sorted(files.items())
    )
    files["registry.txt"] = registry.encode("utf-8")
    return files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--check", action="store_true", help="compare with the files in --out")
    args = parser.parse_args(argv)
    if not (args.source / "usda_sr_legacy_magnesium.csv").is_file():
        print(f"error: no USDA extracts in {args.source}; pass --source DIR", file=sys.stderr)
        return 2
    files = build(args.source)
    if args.check:
        stale = [n for n, c in files.items() if (args.out / n).read_bytes() != c]
        for name in stale:
            print(f"{args.out / name} differs from a fresh build", file=sys.stderr)
        return 1 if stale else 0
    args.out.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        (args.out / name).write_bytes(content)
        print(f"wrote {args.out / name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
