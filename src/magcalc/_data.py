"""Locate bundled data files in a wheel install or an editable checkout."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

__all__ = ["data_file"]

_PACKAGE_DATA = Path(str(resources.files("magcalc"))) / "data"
# In an editable checkout the canonical copies live in <repo>/data, outside the package.
_CHECKOUT_DATA = Path(__file__).resolve().parents[2] / "data"


def data_file(name: str) -> Path:
    """
    Path of a bundled data file.

    The wheel carries ``data/*.csv`` inside the package (``magcalc/data``); an
    editable install reads the canonical copies in the repository's ``data/``.
    Files that only ever live in the package (supplement forms, reference
    values) are found in the first place.

    Raises
    ------
    FileNotFoundError
        With both places tried, if neither has the file (a broken install).
    """
    for folder in (_PACKAGE_DATA, _CHECKOUT_DATA):
        path = folder / name
        if path.is_file():
            return path
    raise FileNotFoundError(
        f"magcalc data file {name!r} is missing from {_PACKAGE_DATA} and {_CHECKOUT_DATA}; "
        "reinstall magcalc (pip install --force-reinstall magcalc)"
    )
