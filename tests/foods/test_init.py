"""The foods package: its public names, and private names that stay inside it."""

from __future__ import annotations

import ast
import importlib
from collections.abc import Iterator
from pathlib import Path

import magcalc.foods

ROOT = Path(__file__).resolve().parents[2]
FOODS = ROOT / "src" / "magcalc" / "foods"


def test_every_public_name_imports_from_the_package() -> None:
    """What magcalc.foods, magcalc.entries and magcalc._search offered, from one place."""
    for name in magcalc.foods.__all__:
        assert getattr(magcalc.foods, name) is not None, name
    # Once magcalc.entries and magcalc._search: now all from magcalc.foods.
    for name in ("Entry", "parse_entry", "parse_entries", "brand_words", "serving", "FoodTable"):
        assert name in magcalc.foods.__all__
    assert magcalc.foods.parse_entry is magcalc.parse_entry


def _is_private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def _private_uses(path: Path) -> Iterator[str]:
    """Underscore names of magcalc.foods that a module imports, or reads from a name it
    bound to the package or one of its modules ("foods._x")."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    aliases: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and not node.level:
            if node.module == "magcalc":
                for alias in node.names:
                    if alias.name == "foods":
                        aliases.add(alias.asname or alias.name)
            elif node.module == "magcalc.foods" or node.module.startswith("magcalc.foods."):
                parts = node.module.split(".")[2:]
                if any(map(_is_private, parts)):
                    yield f"{node.lineno}: from {node.module} import ..."
                for alias in node.names:
                    if _is_private(alias.name):
                        yield f"{node.lineno}: from {node.module} import {alias.name}"
                    else:
                        aliases.add(alias.asname or alias.name)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("magcalc.foods"):
                    if any(map(_is_private, alias.name.split(".")[2:])):
                        yield f"{node.lineno}: import {alias.name}"
                    if alias.asname:
                        aliases.add(alias.asname)
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in aliases
            and _is_private(node.attr)
        ):
            yield f"{node.lineno}: {node.value.id}.{node.attr}"


def _modules_outside_foods() -> list[Path]:
    found = []
    for folder in ("src/magcalc", "scripts", "benchmarks", "examples"):
        found += [p for p in sorted((ROOT / folder).rglob("*.py")) if FOODS not in p.parents]
    return found


def test_the_reader_finds_private_names(tmp_path: Path) -> None:
    """The check itself: imports, module paths and attributes of an alias all count."""
    code = (
        "from magcalc.foods import _x, serving\n"
        "from magcalc.foods._index import SearchIndex\n"
        "import magcalc.foods.table as table\n"
        "from magcalc import foods\n"
        "foods._y; table._z; table.FoodTable; serving._w\n"
    )
    sample = tmp_path / "sample.py"
    sample.write_text(code, encoding="utf-8")
    found = [use.split(": ", 1)[1] for use in _private_uses(sample)]
    assert sorted(found) == sorted(
        [
            "from magcalc.foods import _x",
            "from magcalc.foods._index import ...",
            "foods._y",
            "table._z",
            "serving._w",
        ]
    )


def test_no_module_outside_the_package_uses_its_private_names() -> None:
    """Other packages use the public names (FoodTable.food_at, portions.resolve_portion,
    brand_words, ...), so that the package may change its private ones freely."""
    leaks = [
        f"{path.relative_to(ROOT)}:{use}"
        for path in _modules_outside_foods()
        for use in _private_uses(path)
    ]
    assert leaks == []


def test_every_module_of_the_package_is_listed_in_its_docstring() -> None:
    doc = magcalc.foods.__doc__ or ""
    for path in sorted(FOODS.glob("*.py")):
        if path.name != "__init__.py":
            assert path.stem in doc, path.name
    assert importlib.import_module("magcalc.foods.table").FoodTable is magcalc.foods.FoodTable
