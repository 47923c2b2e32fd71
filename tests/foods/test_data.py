"""The bundled food table: reproducible from USDA, schema, integrity, known values."""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[2] / "src" / "magcalc" / "data"


def _rows(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def foods() -> list[dict[str, str]]:
    return _rows("foods.csv")


@pytest.fixture(scope="module")
def portions() -> list[dict[str, str]]:
    return _rows("portions.csv")


def test_registry_hashes_match() -> None:
    """Every built data file matches its sha256 in registry.txt (pooch's integrity check)."""
    lines = (DATA / "registry.txt").read_text().split("\n")
    entries = dict(line.split() for line in lines if line.strip())
    assert set(entries) == {"foods.csv", "portions.csv", "foods_index.pickle"}
    for name, digest in entries.items():
        assert hashlib.sha256((DATA / name).read_bytes()).hexdigest() == digest


SR, FNDDS = "SR Legacy", "FNDDS"


def test_foods_schema(foods: list[dict[str, str]]) -> None:
    assert list(foods[0]) == [
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
    sr = [r for r in foods if r["source"] == SR]
    fndds = [r for r in foods if r["source"] == FNDDS]
    # ../shared/usda/README.md: 7,398 foods with a value + 395 without = 7,793 SR Legacy foods;
    # ../shared/fndds/README.md: 5,432 foods (5,431 with a nutrient row, plus human milk).
    assert (len(sr), len(fndds), len(foods)) == (7398 + 395, 5432, 7793 + 5432)
    assert len({r["fdc_id"] for r in sr}) == len(sr)
    assert len({r["ndb_number"] for r in sr}) == len(sr)
    assert all(len(r["ndb_number"]) == 5 and r["ndb_number"].isdigit() for r in sr)
    assert all(r["food_code"] == "" for r in sr)
    # FNDDS foods are keyed by their 8-digit food code alone: ids never overlap.
    assert len({r["food_code"] for r in fndds}) == len(fndds)
    assert all(len(r["food_code"]) == 8 and r["food_code"].isdigit() for r in fndds)
    assert all(r["fdc_id"] == r["ndb_number"] == "" for r in fndds)
    assert all(r["description"] and r["food_group"] and r["source"] for r in foods)
    # 3,904 FNDDS foods have additional descriptions (../shared/fndds/README.md).
    assert sum(bool(r["additional_description"]) for r in fndds) == 3904


def test_magnesium_values_plausible(foods: list[dict[str, str]]) -> None:
    """Non-negative and below 1,000 mg/100 g (the richest SR food, rice bran, has 781)."""
    values = [float(r["magnesium_mg_per_100g"]) for r in foods if r["magnesium_mg_per_100g"]]
    assert len(values) == 7398 + 5431
    assert min(values) >= 0
    assert max(values) < 1000


def test_missing_magnesium_is_empty_not_zero(foods: list[dict[str, str]]) -> None:
    """The 395 SR foods without a USDA value and FNDDS's human milk (no nutrient row)
    keep an empty cell and a reason, never 0."""
    missing = [r for r in foods if r["magnesium_mg_per_100g"] == ""]
    assert len(missing) == 395 + 1
    assert [r["food_code"] for r in missing if r["source"] == FNDDS] == ["11000000"]
    assert all(r["magnesium_note"] for r in missing)
    assert all(r["magnesium_note"] == "" for r in foods if r["magnesium_mg_per_100g"] != "")


def test_portions_schema(foods: list[dict[str, str]], portions: list[dict[str, str]]) -> None:
    assert list(portions[0]) == [
        "fdc_id",
        "food_code",
        "seq",
        "amount",
        "unit_description",
        "gram_weight",
    ]
    # ../shared/usda/README.md: 14,449 portions; ../shared/fndds/README.md: 22,046.
    assert len(portions) == 14449 + 22046
    ids = {r["fdc_id"] for r in foods if r["fdc_id"]}
    codes = {r["food_code"] for r in foods if r["food_code"]}
    assert all((r["fdc_id"] in ids) if r["fdc_id"] else (r["food_code"] in codes) for r in portions)
    # One FNDDS portion (human milk, "Quantity not specified") weighs 0 g as published.
    assert [r["food_code"] for r in portions if float(r["gram_weight"]) <= 0] == ["11000000"]
    assert all(float(r["amount"]) >= 0 for r in portions)
    keys = [(r["fdc_id"], r["food_code"], r["seq"]) for r in portions]
    assert len(set(keys)) == len(keys)


def test_fndds_portion_text_splits_into_amount_and_measure(
    portions: list[dict[str, str]],
) -> None:
    """FNDDS's "1/2 cup" becomes amount 0.5 of "cup"; text with no number is one of it."""
    by = {(r["food_code"], r["unit_description"]): r for r in portions if r["food_code"]}
    # Avocado, raw (63105010): "1 cup" weighs 150 g in FNDDS 2021-2023.
    assert by[("63105010", "cup")]["amount"] == "1"
    assert by[("63105010", "cup")]["gram_weight"] == "150"
    assert all(float(r["amount"]) > 0 for r in portions if r["food_code"])
    assert any(r["unit_description"] == "Quantity not specified" for r in portions)


def test_fndds_cross_checks(foods: list[dict[str, str]]) -> None:
    """Values quoted in ../shared/fndds/README.md's cross-checks."""
    by = {r["description"]: r for r in foods if r["source"] == FNDDS}
    assert by["Almonds, unroasted"]["magnesium_mg_per_100g"] == "258"
    assert by["Pumpkin seeds, NFS"]["magnesium_mg_per_100g"] == "550"
    assert by["Edamame, cooked"]["magnesium_mg_per_100g"] == "62"
    assert by["Banana, raw"]["magnesium_mg_per_100g"] == "28"


@pytest.mark.parametrize(
    ("ndb", "mg_per_100g"),
    # Known values listed in ../shared/usda/README.md.
    [("11458", "87"), ("12061", "270"), ("09040", "27"), ("16015", "70")],
)
def test_known_values(foods: list[dict[str, str]], ndb: str, mg_per_100g: str) -> None:
    row = next(r for r in foods if r["ndb_number"] == ndb)
    assert row["source"] == SR
    assert float(row["magnesium_mg_per_100g"]) == float(mg_per_100g)


def test_shipped_index_is_current() -> None:
    """foods_index.pickle was built from these CSVs and this search code, so the
    first search after installing reads it instead of building the index (run
    `make data` after changing either)."""
    import pickle

    from magcalc.foods.table import index_key

    shipped = pickle.loads(_payload())
    key = index_key((DATA / "foods.csv").read_bytes(), (DATA / "portions.csv").read_bytes())
    assert shipped["key"] == key, "src/magcalc/data/foods_index.pickle is stale: run `make data`"


def test_shipped_index_is_what_the_table_builds() -> None:
    """The shipped state equals a fresh parse and index build of the CSVs."""
    import pickle

    from magcalc.foods import FoodTable

    shipped = pickle.loads(_payload())["state"]
    fresh = FoodTable(DATA / "foods.csv", DATA / "portions.csv").export()
    assert shipped == fresh


def _payload() -> bytes:
    """The shipped index's pickle, after its header and checksum (which must verify)."""
    from magcalc.foods.table import _INDEX_FORMAT

    data = (DATA / "foods_index.pickle").read_bytes()
    head = len(_INDEX_FORMAT) + 32
    assert data.startswith(_INDEX_FORMAT)
    assert hashlib.sha256(data[head:]).digest() == data[len(_INDEX_FORMAT) : head]
    return data[head:]
