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
    assert "magcalc/data/portions.csv" in names
    assert "magcalc/py.typed" in names


def test_wheel_works_in_fresh_venv_outside_tree(wheel: Path, tmp_path: Path, root: Path) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", str(wheel)],
        check=True,
    )
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
