"""The wheel carries the data and works in a fresh virtual environment outside the tree."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(root: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out), str(root)],
        check=True,
    )
    (found,) = out.glob("magcalc-*.whl")
    return found


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
    assert path.read_bytes() == (root / "data" / "foods.csv").read_bytes()


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
