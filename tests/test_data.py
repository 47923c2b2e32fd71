"""The bundled food table: reproducible from USDA, schema, integrity, known values."""

from __future__ import annotations

import csv
import hashlib
import importlib.util
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[1] / "data"


def _rows(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def foods() -> list[dict[str, str]]:
    return _rows("foods.csv")


@pytest.fixture(scope="module")
def portions() -> list[dict[str, str]]:
    return _rows("portions.csv")


def _build_module(root: Path):  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location(
        "build_foods", root / "scripts" / "build_foods.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_build_reproduces_committed_files(root: Path, shared_usda: Path) -> None:
    """scripts/build_foods.py on ../shared/usda gives exactly the committed data files."""
    built = _build_module(root).build(shared_usda)
    for name, content in built.items():
        assert (DATA / name).read_bytes() == content, f"data/{name} is stale: run `make data`"


def test_registry_hashes_match() -> None:
    """Every data file matches its sha256 in data/registry.txt (pooch's integrity check)."""
    lines = (DATA / "registry.txt").read_text().split("\n")
    entries = dict(line.split() for line in lines if line.strip())
    assert set(entries) == {"foods.csv", "portions.csv"}
    for name, digest in entries.items():
        assert hashlib.sha256((DATA / name).read_bytes()).hexdigest() == digest


def test_foods_schema(foods: list[dict[str, str]]) -> None:
    assert list(foods[0]) == [
        "fdc_id",
        "ndb_number",
        "description",
        "food_group",
        "magnesium_mg_per_100g",
        "magnesium_note",
        "source",
        "source_release",
    ]
    # ../shared/usda/README.md: 7,398 foods with a value + 395 without = 7,793 SR Legacy foods.
    assert len(foods) == 7398 + 395
    assert len({r["fdc_id"] for r in foods}) == len(foods)
    assert len({r["ndb_number"] for r in foods}) == len(foods)
    assert all(len(r["ndb_number"]) == 5 and r["ndb_number"].isdigit() for r in foods)
    assert all(r["description"] and r["food_group"] and r["source"] for r in foods)


def test_magnesium_values_plausible(foods: list[dict[str, str]]) -> None:
    """Non-negative and below 1,000 mg/100 g (the richest SR food, rice bran, has 781)."""
    values = [float(r["magnesium_mg_per_100g"]) for r in foods if r["magnesium_mg_per_100g"]]
    assert len(values) == 7398
    assert min(values) >= 0
    assert max(values) < 1000


def test_missing_magnesium_is_empty_not_zero(foods: list[dict[str, str]]) -> None:
    """The 395 foods without a USDA value keep an empty cell and a reason, never 0."""
    missing = [r for r in foods if r["magnesium_mg_per_100g"] == ""]
    assert len(missing) == 395
    assert all(r["magnesium_note"] for r in missing)
    assert all(r["magnesium_note"] == "" for r in foods if r["magnesium_mg_per_100g"] != "")


def test_portions_schema(foods: list[dict[str, str]], portions: list[dict[str, str]]) -> None:
    assert list(portions[0]) == ["fdc_id", "seq", "amount", "unit_description", "gram_weight"]
    # ../shared/usda/README.md: 14,449 portions.
    assert len(portions) == 14449
    ids = {r["fdc_id"] for r in foods}
    assert all(r["fdc_id"] in ids for r in portions)
    assert all(float(r["gram_weight"]) > 0 for r in portions)
    assert all(float(r["amount"]) >= 0 for r in portions)
    keys = [(r["fdc_id"], r["seq"]) for r in portions]
    assert len(set(keys)) == len(keys)


@pytest.mark.parametrize(
    ("ndb", "mg_per_100g"),
    # Known values listed in ../shared/usda/README.md.
    [("11458", "87"), ("12061", "270"), ("09040", "27"), ("16015", "70")],
)
def test_known_values(foods: list[dict[str, str]], ndb: str, mg_per_100g: str) -> None:
    row = next(r for r in foods if r["ndb_number"] == ndb)
    assert float(row["magnesium_mg_per_100g"]) == float(mg_per_100g)
