"""The wheel carries the data and works in a fresh virtual environment outside the tree;
the version, changelog and metadata of a release agree."""

from __future__ import annotations

import email
import re
import subprocess
import sys
import zipfile
from datetime import date
from pathlib import Path

import pytest

import magcalc


@pytest.fixture(scope="module")
def wheel(root: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out), str(root)],
        check=True,
    )
    (found,) = out.glob("magcalc-*.whl")
    return found


@pytest.mark.slow
def test_wheel_contains_data_and_marker(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "magcalc/data/foods.csv" in names
    assert "magcalc/data/foods_index.pickle" in names
    assert "magcalc/data/portions.csv" in names
    assert "magcalc/py.typed" in names


@pytest.fixture(scope="module")
def fresh_python(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Python of a fresh venv with the wheel and only its core dependencies installed."""
    venv = tmp_path_factory.mktemp("fresh") / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", str(wheel)],
        check=True,
    )
    return python


@pytest.mark.slow
def test_wheel_works_in_fresh_venv_outside_tree(
    fresh_python: Path, tmp_path: Path, root: Path
) -> None:
    python = fresh_python
    script = (
        "import magcalc, pathlib;"
        "f = magcalc.get_food('11458');"
        "print(magcalc.food_magnesium(f, '1/2 cup').magnitude);"
        "print(magcalc.search_foods('spinach boiled', limit=1)[0].food.ndb_number);"
        "print(pathlib.Path(magcalc.__file__).resolve())"
    )
    # -I: isolated mode, so neither the cwd nor PYTHONPATH can put the source tree on sys.path.
    done = subprocess.run(
        [str(python), "-I", "-c", script], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    magnesium, ndb, location = done.stdout.split()
    assert float(magnesium) == pytest.approx(78.3)  # 0.5 x 180 g x 87 mg/100 g
    assert ndb == "11458"
    assert not Path(location).is_relative_to(root)


def test_editable_checkout_reads_canonical_data(root: Path) -> None:
    from magcalc._data import data_file

    path = data_file("foods.csv")
    assert path.read_bytes() == (root / "src" / "magcalc" / "data" / "foods.csv").read_bytes()


EXTRAS_SCRIPT = """
import importlib.util, magcalc
print(importlib.util.find_spec("pandas") is None, importlib.util.find_spec("matplotlib") is None)
intake = magcalc.Intake()
intake.add_food("11458", "1 cup")
report = magcalc.assess(intake, magcalc.Person(age_years=34, sex="female"))
for call in (report.to_dataframe, report.plot, magcalc.search_foods("kale").to_dataframe):
    try:
        call()
    except magcalc.MissingDependencyError as err:
        print(isinstance(err, ImportError), str(err))
"""


@pytest.mark.slow
def test_missing_extras_give_clear_messages_in_fresh_venv(
    fresh_python: Path, tmp_path: Path
) -> None:
    """Only the core dependencies: pandas and matplotlib are absent, and say how to add them."""
    done = subprocess.run(
        [str(fresh_python), "-I", "-W", "error", "-c", EXTRAS_SCRIPT],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    absent, pandas, plot, search = done.stdout.splitlines()
    assert absent == "True True"
    assert pandas.startswith("True ") and "pip install 'magcalc[pandas]'" in pandas
    assert plot.startswith("True ") and "pip install 'magcalc[plot]'" in plot
    assert "magcalc[pandas]" in search
    assert done.stderr == ""


@pytest.mark.slow
def test_cli_in_fresh_venv_errors_in_one_line(fresh_python: Path, tmp_path: Path) -> None:
    magcalc_cli = fresh_python.parent / "magcalc"
    ok = subprocess.run(
        [str(magcalc_cli), "food", "11458", "1/2", "cup"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "78.3 mg" in ok.stdout
    bad = subprocess.run(
        [str(magcalc_cli), "food", "11458", "1/" + "1" * 5000, "g"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.returncode == 1
    assert bad.stderr.startswith("magcalc: error:") and len(bad.stderr.splitlines()) == 1


# ------------------------------------------------------------------ release hygiene

KAC_TYPES = ("Added", "Changed", "Deprecated", "Removed", "Fixed", "Security")
RELEASE = re.compile(r"^## \[(\d+)\.(\d+)\.(\d+)\] - (\d{4}-\d{2}-\d{2})$")


def _changelog_sections(root: Path) -> list[tuple[str, list[str]]]:
    """(version heading, its lines) for every ``## `` section of CHANGELOG.md."""
    sections: list[tuple[str, list[str]]] = []
    for line in (root / "CHANGELOG.md").read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            sections.append((line, []))
        elif sections:
            sections[-1][1].append(line)
    return sections


def test_changelog_follows_keep_a_changelog(root: Path) -> None:
    text = (root / "CHANGELOG.md").read_text(encoding="utf-8")
    assert text.startswith("# Changelog\n")
    assert "https://keepachangelog.com/en/1.1.0/" in text
    sections = _changelog_sections(root)
    assert sections[0][0] == "## [Unreleased]"
    releases = [RELEASE.match(heading) for heading, _ in sections[1:]]
    assert all(releases), [h for (h, _), m in zip(sections[1:], releases, strict=True) if not m]
    versions = [tuple(int(m[i]) for i in (1, 2, 3)) for m in releases if m]
    dates = [date.fromisoformat(m[4]) for m in releases if m]
    assert versions == sorted(versions, reverse=True) and len(set(versions)) == len(versions)
    assert dates == sorted(dates, reverse=True)
    assert versions[-1] == (0, 1, 0)
    for heading, lines in sections:
        kinds = [line[4:] for line in lines if line.startswith("### ")]
        assert set(kinds) <= set(KAC_TYPES), f"{heading}: {kinds}"
        assert len(kinds) == len(set(kinds)), f"{heading} repeats a kind of change: {kinds}"
        if heading != "## [Unreleased]":
            assert any(line.startswith("- ") for line in lines), f"{heading} is empty"


def test_version_is_the_same_everywhere(root: Path) -> None:
    """``__version__`` (which the wheel reads), CITATION.cff and the newest release agree."""
    newest = next(h for h, _ in _changelog_sections(root) if RELEASE.match(h))
    citation = (root / "CITATION.cff").read_text(encoding="utf-8")
    (cff_version,) = re.findall(r"^version: \"?([^\"\n]+)\"?$", citation, flags=re.M)
    (released,) = re.findall(r"^date-released: \"?([^\"\n]+)\"?$", citation, flags=re.M)
    assert magcalc.__version__ == cff_version == "0.2.0"
    assert newest == f"## [{magcalc.__version__}] - {released}"


def test_no_placeholder_urls_or_authors(root: Path) -> None:
    for name in ("pyproject.toml", "CITATION.cff", "README.md", "CHANGELOG.md", "CONTRIBUTING.md"):
        text = (root / name).read_text(encoding="utf-8")
        for placeholder in ("example.invalid", "example.com", "example.org", "TODO", "Your Name"):
            assert placeholder not in text, f"{name} contains {placeholder!r}"


@pytest.mark.slow
def test_wheel_metadata_is_the_release(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        (name,) = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
        metadata = email.message_from_bytes(archive.read(name))
    assert metadata["Version"] == magcalc.__version__
    assert metadata["License-Expression"] == "BSD-3-Clause"
    assert not metadata.get_all("Project-URL")  # none until magcalc has a public home
    classifiers = metadata.get_all("Classifier") or []
    assert "Typing :: Typed" in classifiers and "Environment :: Console" in classifiers


def test_contributing_says_how_to_work_on_magcalc(root: Path) -> None:
    text = (root / "CONTRIBUTING.md").read_text(encoding="utf-8")
    for needed in (
        "make test",
        "make data",
        "../shared",
        "make bench",
        "make docs",
        "scripts/make_notebooks.py",
        "src/magcalc/foods/_words.py",
        "python scripts/build_foods.py",
        "data/foods_index.pickle",
    ):
        assert needed in text, f"CONTRIBUTING.md does not mention {needed}"
