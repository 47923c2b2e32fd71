"""The exception hierarchy: built-in mixins, helpful messages, pickling."""

from __future__ import annotations

import inspect
import pickle

import pytest

import magcalc
from magcalc import errors

ALL_ERRORS = [
    obj
    for _, obj in inspect.getmembers(errors, inspect.isclass)
    if issubclass(obj, magcalc.MagcalcError)
]

EXAMPLES: list[magcalc.MagcalcError] = [
    magcalc.MagcalcError("x"),
    magcalc.InputError("bad", field="age_years"),
    magcalc.AmountError("bad amount"),
    magcalc.UnknownUnitError("bad unit"),
    magcalc.UnknownFoodError("kael", ["Kale, raw"]),
    magcalc.NoPortionError("Kale, raw", "1 medium", ["1 cup, chopped (16 g)"]),
    magcalc.NoMagnesiumDataError("Yogurt, Greek", "not in SR28"),
    magcalc.UnknownFormError("unobtainium", ["oxide", "citrate"]),
    magcalc.UnknownFrameworkError("XYZ", ["IOM1997"]),
    magcalc.FdcRateLimitError("slow down", retry_after=3600.0, limit=1000),
    magcalc.FdcAuthError("API_KEY_INVALID"),
]


def test_every_error_is_exported_at_top_level() -> None:
    for cls in ALL_ERRORS:
        assert getattr(magcalc, cls.__name__) is cls
        assert cls.__name__ in magcalc.__all__


@pytest.mark.parametrize("error", EXAMPLES, ids=lambda e: type(e).__name__)
def test_errors_pickle_with_their_fields(error: magcalc.MagcalcError) -> None:
    clone = pickle.loads(pickle.dumps(error))
    assert type(clone) is type(error)
    assert str(clone) == str(error)
    assert vars(clone) == vars(error)


def test_builtin_mixins() -> None:
    assert issubclass(magcalc.UnknownFoodError, KeyError)
    assert issubclass(magcalc.AmountError, ValueError)
    assert issubclass(magcalc.NoPortionError, ValueError)
    assert issubclass(magcalc.FdcUnavailableError, ConnectionError)


def test_messages_say_what_to_do() -> None:
    assert "did you mean: Kale, raw" in str(EXAMPLES[4])
    assert "1 cup, chopped (16 g)" in str(EXAMPLES[5])
    assert "oxide, citrate" in str(EXAMPLES[7])
    # KeyError normally quotes its message; ours reads as a sentence.
    assert str(EXAMPLES[4]).startswith("no food matches")


_TBLIB = r"""
import pickle
import magcalc
import tblib.pickling_support
tblib.pickling_support.install()  # as dask.multiprocessing does when tblib is installed
errors = []
for make in (
    lambda: magcalc.Person(age_years=30, sex="male", pregnant=True),
    lambda: magcalc.Supplement(form="citrate", elemental_mg=-5),
):
    try:
        make()
    except magcalc.MagcalcError as err:
        errors.append(err)
for err in errors:
    clone = pickle.loads(pickle.dumps(err))
    assert type(clone) is type(err) and clone.field == err.field, (clone, err)
print(len(errors))
"""


def test_model_errors_pickle_where_tblib_pickles_exceptions() -> None:
    """dask (with distributed's tblib installed) pickles exceptions with their context: a
    model error must carry no pydantic ValidationError that cannot be pickled back."""
    pytest.importorskip("tblib")
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-c", _TBLIB], check=True, capture_output=True, text=True)
    assert out.stdout.strip() == "2"
