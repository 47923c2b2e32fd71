"""Locate the data files that ship inside the package (``magcalc/data``)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

__all__ = ["data_file"]

# One home for every bundled file, in a wheel install and an editable checkout alike.
_PACKAGE_DATA = Path(str(resources.files("magcalc"))) / "data"


def data_file(name: str) -> Path:
    """
    Path of a bundled data file in ``magcalc/data``.

    The food table, its portions and search index (built by ``scripts/build_foods.py``)
    and the small cited tables (reference values, supplement forms, ...) all live there;
    its ``README.md`` documents every file.

    Raises
    ------
    FileNotFoundError
        If the package has no such file (a broken install).
    """
    path = _PACKAGE_DATA / name
    if path.is_file():
        return path
    raise FileNotFoundError(
        f"magcalc data file {name!r} is missing from {_PACKAGE_DATA}; "
        "reinstall magcalc (pip install --force-reinstall magcalc)"
    )
