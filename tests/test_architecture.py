"""The layout rules the source tree keeps: no import cycles, private names stay home,
modules are one topic (and so short), and every module says what it exports.

The import graph is read from the source with :mod:`ast`, so it sees the imports inside
functions too (a lazy import is still a dependency) and leaves out those under
``if TYPE_CHECKING:`` (they never run). The root package ``magcalc`` is the lazy facade
of the public API and is left out of the graph: every module may use it, it may use
every module.
"""

from __future__ import annotations

import ast
import importlib
from collections.abc import Iterator
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "magcalc"

# Modules over ~600 lines, each with the one topic that earns its length.
LONG_MODULES: dict[str, str] = {}


def _name(path: Path) -> str:
    parts = ["magcalc", *path.relative_to(SRC).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_name(p): p for p in sorted(SRC.rglob("*.py"))}


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.AST, module: str) -> Iterator[tuple[str, str, int]]:
    """(imported module, imported name or "", line) of each import that runs."""
    is_package = MODULES[module].name == "__init__.py"
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and _is_type_checking(node):
            stack.extend(node.orelse)
            continue
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, "", node.lineno
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                here = module.split(".") if is_package else module.split(".")[:-1]
                anchor = here[: len(here) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                full = f"{base}.{alias.name}"
                if full in MODULES:
                    yield full, "", node.lineno  # "from magcalc import errors": a module
                else:
                    yield base, alias.name, node.lineno
        stack.extend(ast.iter_child_nodes(node))


def _graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {m: set() for m in MODULES if m != "magcalc"}
    for module, path in MODULES.items():
        if module == "magcalc":
            continue
        for target, _, _ in _imports(ast.parse(path.read_text(encoding="utf-8")), module):
            if target in MODULES and target not in ("magcalc", module):
                graph[module].add(target)
    return graph


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle, or None (depth-first search)."""
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        path.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state and (found := visit(start)):
            return found
    return None


def test_the_graph_sees_imports_inside_functions_and_skips_type_checking() -> None:
    """The reader itself: a lazy import counts, a TYPE_CHECKING one does not."""
    code = (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from magcalc.assessment import Assessment\n"
        "def f():\n    from magcalc.views.html import food_html\n"
    )
    found = {t for t, _, _ in _imports(ast.parse(code), "magcalc.units")}
    assert found == {"typing", "magcalc.views.html"}
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None


def test_no_import_cycle() -> None:
    assert _cycle(_graph()) is None


def _package(module: str) -> str:
    """Where a module's private names may be used: its package (a package's __init__ is
    its own), except that a module directly in ``magcalc`` keeps them to itself."""
    if MODULES[module].name == "__init__.py":
        return module
    parent = module.rsplit(".", 1)[0]
    return module if parent == "magcalc" else parent


def _private_home(target: str, name: str) -> str | None:
    """The package that may use this private module or name, or None if it is public."""
    parts = target.split(".")
    for i, part in enumerate(parts):
        if part.startswith("_"):
            return ".".join(parts[:i])  # a private module: its parent package's
    if name.startswith("_") and not name.startswith("__"):
        return _package(target)
    return None


def test_no_private_name_is_used_outside_its_package() -> None:
    """A private module or name is used only inside the package that holds it (and the
    packages within it): magcalc._util serves every module, magcalc.foods._index only
    magcalc.foods."""
    leaks = []
    for module, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for target, name, line in _imports(tree, module):
            if not target.startswith("magcalc"):
                continue
            home = _private_home(target, name)
            if home is not None and not (module == home or module.startswith(home + ".")):
                leaks.append(f"{path.relative_to(SRC)}:{line} {target} {name}".strip())
    assert leaks == []


@pytest.mark.parametrize("module", sorted(MODULES))
def test_each_module_is_one_topic(module: str) -> None:
    """About 600 lines at most, unless the module is listed with the topic that earns it."""
    lines = len(MODULES[module].read_text(encoding="utf-8").splitlines())
    assert lines <= 650 or module in LONG_MODULES, f"{module}: {lines} lines"


@pytest.mark.parametrize("module", sorted(m for m in MODULES if not m.endswith("__main__")))
def test_each_module_says_what_it_exports(module: str) -> None:
    """An explicit ``__all__`` whose every name exists, and a docstring saying what it is for."""
    mod = importlib.import_module(module)
    assert mod.__doc__ and mod.__doc__.strip(), module
    exported = getattr(mod, "__all__", None)
    assert isinstance(exported, list), f"{module} has no __all__ list"
    missing = [name for name in exported if not hasattr(mod, name)]
    assert missing == [], module
