"""Documentation: every public name has a numpydoc docstring with a tested example."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest

import magcalc

ROOT = Path(__file__).resolve().parents[1]
PUBLIC = [n for n in magcalc.__all__ if not n.endswith("Error") and not n.startswith("__")]


@pytest.mark.parametrize("name", PUBLIC)
def test_public_names_have_examples(name: str) -> None:
    """Examples run as doctests (pytest --doctest-modules over src/magcalc)."""
    doc = inspect.getdoc(getattr(magcalc, name)) or ""
    assert "Examples\n--------" in doc, f"{name} has no Examples section"
    assert ">>> " in doc


def test_readme_shows_the_two_commands_first() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    first_code = text.split("```", 2)[1]
    assert "make demo" in first_code
    assert "make test" in first_code


def test_readme_links_every_notebook_and_the_figure() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    for notebook in sorted((ROOT / "notebooks").glob("*.ipynb")):
        assert f"notebooks/{notebook.name}" in text
    assert "docs/assessment.png" in text
    assert (ROOT / "docs" / "assessment.png").stat().st_size > 10_000


def test_notebooks_are_committed_without_outputs() -> None:
    import json

    for notebook in (ROOT / "notebooks").glob("*.ipynb"):
        cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
        for cell in cells:
            if cell["cell_type"] == "code":
                assert cell["outputs"] == [], f"{notebook.name} has outputs"
                assert cell["execution_count"] is None
        assert "Sources" in "".join(cells[-1]["source"]), (
            f"{notebook.name} does not end with its sources"
        )


def test_every_path_the_docs_name_exists() -> None:
    """A file or module moved without its mention in the docs leaves a reader lost."""
    pages = [ROOT / "README.md", ROOT / "CONTRIBUTING.md", *sorted((ROOT / "docs").rglob("*.md"))]
    pattern = re.compile(
        r"`((?:src|tests|docs|scripts|benchmarks|examples|notebooks|data)/[\w./-]+)`"
    )
    missing = [
        f"{page.relative_to(ROOT)}: {path}"
        for page in pages
        if "_build" not in page.parts
        for path in pattern.findall(page.read_text(encoding="utf-8"))
        if not (ROOT / path.split("::")[0]).exists()
        and "*" not in path
        and not path.startswith("docs/_build")  # made by `make docs`
    ]
    assert missing == []
