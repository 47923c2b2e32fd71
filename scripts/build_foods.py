#!/usr/bin/env python3
"""Build the bundled food table from USDA SR Legacy and FNDDS 2021-2023.

Reads ``../shared/usda/*.csv`` (or ``--source``) and ``../shared/fndds/*.csv``
(or ``--fndds``) and writes, into the package's data folder ``src/magcalc/data/`` (or
``--out``), ``foods.csv``, ``portions.csv``, ``foods_index.pickle`` (the parsed table and
search index, built by magcalc's own code so that the first search after installing does
not build it) and ``registry.txt`` (sha256 of each). Values are copied as text, never
re-typed or re-formatted, so the output is byte-for-byte reproducible and every
number traces back to USDA. The one derivation is FNDDS's portion text: its
leading number ("1/2 cup") becomes ``amount`` and the rest ``unit_description``,
so both sources share one portion schema.

Usage::

    python scripts/build_foods.py [--source DIR] [--fndds DIR] [--out DIR] [--check]

``--check`` rebuilds into memory and exits non-zero if the committed files differ.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SOURCE = ROOT.parent / "shared" / "usda"
DEFAULT_FNDDS = ROOT.parent / "shared" / "fndds"
# The one home of the bundled data: inside the package, so the wheel and a checkout agree.
DEFAULT_OUT = ROOT / "src" / "magcalc" / "data"

SOURCE = "SR Legacy"
FNDDS = "FNDDS"
# Release facts from ../shared/usda/README.md (provenance section).
RELEASE_WITH_MG = (
    "SR Legacy 2018-04 (FDC 2019-04-01); magnesium: SR28 2015-09 NUT_DATA nutrient 304"
)
RELEASE_NO_MG = "SR Legacy 2018-04 (FDC 2019-04-01); no magnesium value"
# From ../shared/fndds/README.md: the "FNDDS At A Glance" files of FNDDS 2021-2023.
RELEASE_FNDDS = "FNDDS 2021-2023 (WWEIA NHANES 2021-2023), At A Glance files"
FNDDS_NO_NUTRIENTS = "no nutrient row in FNDDS 2021-2023"
FNDDS_FILES = (
    "fndds_2021_2023_nutrient_values.csv",
    "fndds_2021_2023_portions_and_weights.csv",
    "fndds_2021_2023_foods_and_beverages.csv",
)
# sha256 of the staged FNDDS files, as ../shared/fndds/README.md lists them: a build from
# any other copy stops rather than mixing releases.
FNDDS_SHA256 = {
    "fndds_2021_2023_nutrient_values.csv": (
        "fa550e8599de0fe9edeeb7df2d7c2f0563205902c61e253df9f1a45353c96674"
    ),
    "fndds_2021_2023_portions_and_weights.csv": (
        "39926c6510f3a4ea2029ffedee01a0fe88fd9c8b9a56c00e1d23288fb457d9f7"
    ),
    "fndds_2021_2023_foods_and_beverages.csv": (
        "36ab12001f6ed89ae238bee16a048f28484c9d9e2c18993013f5f54f667860f3"
    ),
}
# A leading number in an FNDDS portion text: "1 cup", "1/2 cup", "1 1/2 cups", "2.5 oz".
_LEADING = re.compile(r"^(\d+ \d+/\d+|\d+/\d+|\d*\.?\d+)\s+(\S.*)$")

FOOD_COLUMNS = [
    "fdc_id",
    "ndb_number",
    "food_code",
    "description",
    "food_group",
    "magnesium_mg_per_100g",
    "magnesium_note",
    "source",
    "source_release",
    "additional_description",
]
PORTION_COLUMNS = ["fdc_id", "food_code", "seq", "amount", "unit_description", "gram_weight"]


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _read_usda_titled(path: Path) -> list[dict[str, str]]:
    """An FNDDS "At A Glance" CSV: a title record may come before the header."""
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        if header[0] != "Food code":
            header = next(reader)
        # Header cells may hold a line break ("Portion weight\n(g)").
        header = [" ".join(h.split()) for h in header]
        return [dict(zip(header, row, strict=True)) for row in reader]


def _amount_and_unit(text: str) -> tuple[str, str]:
    """Split FNDDS portion text into the amount and the measure ("1/2 cup" -> 0.5, "cup")."""
    match = _LEADING.match(text)
    if not match:
        return "1", text  # "Quantity not specified", "Juice of 1 lemon": one of it
    number, unit = match.groups()
    if " " in number:
        whole, frac = number.split()
        num, den = frac.split("/")
        return repr(int(whole) + int(num) / int(den)), unit
    if "/" in number:
        num, den = number.split("/")
        return repr(int(num) / int(den)), unit
    return number, unit


def build_fndds(source: Path) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """FNDDS 2021-2023 foods and portions in the bundled schema."""
    for name, digest in FNDDS_SHA256.items():
        found = hashlib.sha256((source / name).read_bytes()).hexdigest()
        if found != digest:
            raise SystemExit(f"{source / name} has sha256 {found}, not USDA's {digest}")
    nutrients = _read_usda_titled(source / FNDDS_FILES[0])
    portions = _read_usda_titled(source / FNDDS_FILES[1])
    described = {r["Food code"]: r for r in _read_usda_titled(source / FNDDS_FILES[2])}

    def food(row: dict[str, str], magnesium: str, note: str) -> dict[str, str]:
        code = row["Food code"]
        return {
            "fdc_id": "",
            "ndb_number": "",
            "food_code": code,
            "description": row["Main food description"],
            "food_group": row["WWEIA Category description"],
            "magnesium_mg_per_100g": magnesium,
            "magnesium_note": note,
            "source": FNDDS,
            "source_release": RELEASE_FNDDS,
            "additional_description": described.get(code, {}).get(
                "Additional food description", ""
            ),
        }

    foods = [food(row, row["Magnesium (mg)"], "") for row in nutrients]
    seen = {r["food_code"] for r in foods}
    # Human milk (11000000) has portions but no nutrient row: unknown, not zero.
    foods += [food(row, "", FNDDS_NO_NUTRIENTS) for c, row in described.items() if c not in seen]
    foods.sort(key=lambda r: r["food_code"])
    codes = {r["food_code"] for r in foods}
    out: list[dict[str, str]] = []
    for row in portions:
        code = row["Food code"]
        if code not in codes:
            raise SystemExit(f"FNDDS portion for unknown food code {code}")
        amount, unit = _amount_and_unit(row["Portion description"])
        out.append(
            {
                "fdc_id": "",
                "food_code": code,
                "seq": row["Seq num"],
                "amount": amount,
                "unit_description": unit,
                "gram_weight": row["Portion weight (g)"],
            }
        )
    out.sort(key=lambda r: (r["food_code"], int(r["seq"])))
    return foods, out


def _index(foods_csv: bytes, portions_csv: bytes) -> bytes:
    """magcalc's parsed table and search index for these CSVs, built by magcalc itself."""
    import tempfile

    sys.path.insert(0, str(ROOT / "src"))
    from magcalc.foods.table import build_index

    with tempfile.TemporaryDirectory() as folder:
        foods, portions = Path(folder) / "foods.csv", Path(folder) / "portions.csv"
        foods.write_bytes(foods_csv)
        portions.write_bytes(portions_csv)
        return build_index(foods, portions)


def _write(rows: list[dict[str, str]], columns: list[str]) -> bytes:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue().encode("utf-8")


def build(source: Path, fndds: Path) -> dict[str, bytes]:
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
                "food_code": "",
                "description": row["description"],
                "food_group": row["food_group"],
                "magnesium_mg_per_100g": row["magnesium_mg_per_100g"],
                "magnesium_note": "",
                "source": SOURCE,
                "source_release": RELEASE_WITH_MG,
                "additional_description": "",
            }
        )
    for row in without_mg:
        # Missing is unknown, not zero: the value stays empty and the reason is kept.
        foods.append(
            {
                "fdc_id": row["fdc_id"],
                "ndb_number": row["ndb_number"],
                "food_code": "",
                "description": row["description"],
                "food_group": row["food_group"],
                "magnesium_mg_per_100g": "",
                "magnesium_note": row["reason"],
                "source": SOURCE,
                "source_release": RELEASE_NO_MG,
                "additional_description": "",
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
                "food_code": "",
                "seq": row["seq"],
                "amount": row["amount"],
                "unit_description": row["unit_description"],
                "gram_weight": row["gram_weight"],
            }
        )
    order = {r["ndb_number"]: i for i, r in enumerate(foods)}
    ndb_by_fdc = {v: k for k, v in fdc_by_ndb.items()}
    out_portions.sort(key=lambda r: (order[ndb_by_fdc[r["fdc_id"]]], int(r["seq"])))
    # SR Legacy first, then FNDDS: FDC ids and food codes never share a row.
    fndds_foods, fndds_portions = build_fndds(fndds)
    foods += fndds_foods
    out_portions += fndds_portions

    files = {
        "foods.csv": _write(foods, FOOD_COLUMNS),
        "portions.csv": _write(out_portions, PORTION_COLUMNS),
    }
    files["foods_index.pickle"] = _index(files["foods.csv"], files["portions.csv"])
    registry = "".join(
        f"{name} {hashlib.sha256(content).hexdigest()}\n" for name, content in sorted(files.items())
    )
    files["registry.txt"] = registry.encode("utf-8")
    return files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--fndds", type=Path, default=DEFAULT_FNDDS)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--check", action="store_true", help="compare with the files in --out")
    args = parser.parse_args(argv)
    if not (args.source / "usda_sr_legacy_magnesium.csv").is_file():
        print(f"error: no USDA extracts in {args.source}; pass --source DIR", file=sys.stderr)
        return 2
    if not (args.fndds / FNDDS_FILES[0]).is_file():
        print(f"error: no FNDDS files in {args.fndds}; pass --fndds DIR", file=sys.stderr)
        return 2
    files = build(args.source, args.fndds)
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
