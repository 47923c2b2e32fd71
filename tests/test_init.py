"""The top-level package: lazy loading, explicit __all__, version."""

from __future__ import annotations

import subprocess
import sys

import magcalc


def test_all_names_resolve() -> None:
    for name in magcalc.__all__:
        assert getattr(magcalc, name) is not None
    assert set(magcalc.__all__) <= set(dir(magcalc))


def test_version() -> None:
    assert magcalc.__version__[0].isdigit()


def test_import_is_light() -> None:
    """`import magcalc` loads neither pint, pydantic nor the food table."""
    code = (
        "import sys, magcalc; "
        "print(sorted(m for m in ('pint', 'pydantic', 'rapidfuzz', 'requests', 'pandas') "
        "if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_import_is_warning_free() -> None:
    subprocess.run(
        [sys.executable, "-W", "error", "-c", "import magcalc; magcalc.get_food(168462)"],
        check=True,
    )
