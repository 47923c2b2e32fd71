"""Every public model and every error pickles, and every model round-trips through JSON.

Models and errors cross process boundaries (multiprocessing, Dask, caches) and wire
formats (JSON APIs), so each pydantic model reachable from the public API comes back
equal from ``pickle`` and from ``model_dump_json`` -> ``model_validate_json``, and each
class in :mod:`magcalc.errors` comes back from ``pickle`` with its message and fields.
The lists are checked to be complete, so a new model or error must be added here.
Importing magcalc and every public name is also clean under ``python -W error``.
"""

from __future__ import annotations

import copy
import importlib
import inspect
import json
import pickle
import pkgutil
import subprocess
import sys

import pytest
from pydantic import BaseModel

import magcalc
from magcalc import errors
from magcalc.dri import framework_info, risk_factor


def _public_modules() -> list[str]:
    """Every public module of magcalc, found by walking the package (so a new one counts)."""
    return [
        m.name
        for m in pkgutil.walk_packages(magcalc.__path__, "magcalc.")
        if not any(part.startswith("_") for part in m.name.split("."))
        and m.name.split(".")[1] not in {"cli", "batch", "fdc"}  # pandas / requests layers
    ]


def _report() -> magcalc.Assessment:
    intake = magcalc.Intake()
    intake.add_food("almonds", "1 oz", day=1)
    intake.add_food("11458", "1/2 cup", day=2)
    intake.add_supplement(magcalc.Supplement(form="citrate", elemental_mg=120), day=None)
    person = magcalc.Person(age_years=72, sex="female", conditions=["ppi"])
    return magcalc.assess(intake, person)


def _intake() -> magcalc.Intake:
    intake = magcalc.Intake()
    intake.add_food("almonds", "1 oz", day=1)
    intake.add_food("½ avocado, cubed", day="2026-11-25")
    intake.add_supplement(magcalc.Supplement(form="oxide", compound_mg=500), day=None)
    intake.add_supplement("Magnesium (as magnesium citrate) 200 mg", day=1)
    return intake


def _models() -> list[BaseModel]:
    report = _report()
    intake = _intake()
    food = magcalc.get_food("11458")
    form = magcalc.get_form("citrate")
    suggestions = magcalc.suggest_foods(120, limit=3)
    advice = report.supplement_advice()
    return [
        food,
        food.portions[0],
        magcalc.search_foods("almonds", limit=1)[0],
        magcalc.serving("09040", "1 medium"),
        magcalc.serving("½ avocado, cubed"),
        magcalc.serving("½ avocado, cubed").match,
        magcalc.parse_entry("1 serving (28 g) shelled edamame"),
        magcalc.Supplement(form="oxide", compound_mg=500, servings_per_day=2, label="Mg 500"),
        form,
        form.absorption,
        form.absorption.studies[0],
        report.person,
        magcalc.reference_values(report.person, framework="EFSA2015"),
        framework_info("NNR2023"),
        risk_factor("ppi"),
        report,
        report.daily[0],
        report.items[0],
        report.effective_mg,
        suggestions,
        suggestions.foods[0],
        advice,
        advice.options[0],
        intake,
        intake.food_entries[0],
        intake.supplement_entries[0],
    ]


MODELS = _models()


def test_every_public_model_is_checked() -> None:
    defined = {
        obj
        for name in _public_modules()
        for _, obj in inspect.getmembers(importlib.import_module(name), inspect.isclass)
        if issubclass(obj, BaseModel) and obj.__module__ == name
    }
    defined -= {c for c in defined if c.__name__.startswith("_")}
    assert defined <= {type(m) for m in MODELS}, defined - {type(m) for m in MODELS}


@pytest.mark.parametrize("model", MODELS, ids=lambda m: type(m).__name__)
def test_models_pickle(model: BaseModel) -> None:
    clone = pickle.loads(pickle.dumps(model))
    assert type(clone) is type(model)
    assert clone == model
    assert copy.deepcopy(model) == model


@pytest.mark.parametrize("model", MODELS, ids=lambda m: type(m).__name__)
def test_models_round_trip_through_json(model: BaseModel) -> None:
    text = model.model_dump_json()
    assert json.loads(text)  # plain JSON: no NaN, no objects
    assert type(model).model_validate_json(text) == model
    assert type(model).model_validate(json.loads(text)) == model


def test_issue_7_an_unpickled_assessment_combines_with_a_fresh_one() -> None:
    """pint unpickled Quantities into its application registry, which could not be mixed."""
    report = _report()
    clone = pickle.loads(pickle.dumps(report))
    assert clone.total_mg._REGISTRY is magcalc.get_registry()
    total = clone.total_mg + report.total_mg
    assert total.magnitude == pytest.approx(2 * report.total_mg.magnitude)
    assert (clone.effective_mg.high - report.effective_mg.high).magnitude == 0


# --------------------------------------------------------------------------- errors

ERRORS: list[BaseException] = [
    errors.MagcalcError("x"),
    errors.InputError("bad", field="limit"),
    errors.AmountError("bad amount", field="amount"),
    errors.UnknownUnitError("bad unit"),
    errors.SupplementError("ambiguous", field="mg"),
    errors.DiaryError("row 2: bad", field="amount"),
    errors.PersonError("bad person", field="age_years"),
    errors.UnknownFoodError("kael", ["Kale, raw"]),
    errors.NoPortionError("Kale, raw", "1 medium", ["1 cup, chopped (16 g)"]),
    errors.NoMagnesiumDataError("Yogurt, Greek", "not in SR28"),
    errors.UnknownFormError("unobtainium", ["oxide", "citrate"]),
    errors.UnknownFrameworkError("XYZ", ["IOM1997"]),
    errors.NoReferenceValueError(
        "EFSA2015", "male aged 2 months", ["infants 7-11 mo"], ["IOM1997"]
    ),
    errors.MissingDependencyError("pandas", "pandas"),
    errors.FdcError("fdc"),
    errors.FdcAuthError("API_KEY_INVALID"),
    errors.FdcRateLimitError("slow down", retry_after=3600.0, limit=1000),
    errors.FdcNotFoundError("no food 5"),
    errors.FdcUnavailableError("down"),
    errors.FdcResponseError("html"),
]


def test_every_error_class_is_checked() -> None:
    classes = {
        obj
        for _, obj in inspect.getmembers(errors, inspect.isclass)
        if issubclass(obj, errors.MagcalcError)
    }
    assert classes == {type(e) for e in ERRORS}


@pytest.mark.parametrize("error", ERRORS, ids=lambda e: type(e).__name__)
def test_errors_pickle_and_serialise(error: BaseException) -> None:
    clone = pickle.loads(pickle.dumps(error))
    assert type(clone) is type(error)
    assert str(clone) == str(error)
    assert vars(clone) == vars(error)
    assert json.loads(json.dumps({"type": type(error).__name__, "message": str(error)}))


def test_plausibility_warning_pickles() -> None:
    warning = errors.PlausibilityWarning("50 kg of spinach")
    clone = pickle.loads(pickle.dumps(warning))
    assert isinstance(clone, UserWarning) and str(clone) == str(warning)


# --------------------------------------------------------------------------- -W error


def test_import_of_every_public_name_is_warning_free() -> None:
    code = (
        "import importlib, magcalc\n"
        "for name in magcalc.__all__: getattr(magcalc, name)\n"
        "for name in sorted(dir(magcalc)): getattr(magcalc, name)\n"
        "for mod in ('cli', 'fdc', 'views.plotting', 'errors', 'units', 'cli.fdc', 'dri', 'stats'):\n"
        "    importlib.import_module('magcalc.' + mod)\n"
        "magcalc.search_foods('kale'); magcalc.get_form('citrate'); magcalc.frameworks()\n"
        "print('ok')\n"
    )
    done = subprocess.run(
        [sys.executable, "-W", "error", "-c", code], capture_output=True, text=True, check=False
    )
    assert (done.returncode, done.stdout.strip(), done.stderr) == (0, "ok", "")


def test_public_errors_subclass_builtins() -> None:
    """Each error is catchable as MagcalcError and, where documented, as a built-in."""
    for error in ERRORS:
        assert isinstance(error, (magcalc.MagcalcError, Exception))
    assert issubclass(errors.DiaryError, ValueError)
    assert issubclass(errors.NoReferenceValueError, LookupError)
    assert issubclass(errors.MissingDependencyError, ImportError)
    assert issubclass(errors.PlausibilityWarning, UserWarning)
