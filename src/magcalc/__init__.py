"""
magcalc: magnesium intake from foods and supplements, against reference values.

Submodules load on first use (PEP 562), so ``import magcalc`` stays fast and
pint, pydantic and the food table are only loaded when a function needs them.

The public API::

    search_foods, get_food, serving, servings,          foods (bundled USDA SR Legacy
    food_magnesium                                      and FNDDS 2021-2023)
    Food, Portion, FoodMatch, Serving, Match, FoodTable food models
    parse_entry, parse_entries, Entry                   food entries as people write them
    supplement_forms, get_form, Supplement, parse_label supplements
    Person                                              people
    reference_values, frameworks, ReferenceValues       reference values
    Intake, assess, Assessment                          assessment
    parse_amount, Amount, get_registry                  units and amounts
    MagcalcError and its subclasses                     errors
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from magcalc.errors import (
    AmountError,
    DiaryError,
    FdcAuthError,
    FdcError,
    FdcNotFoundError,
    FdcRateLimitError,
    FdcResponseError,
    FdcUnavailableError,
    InputError,
    MagcalcError,
    MatchWarning,
    MissingDependencyError,
    NoMagnesiumDataError,
    NoPortionError,
    NoReferenceValueError,
    PersonError,
    PlausibilityWarning,
    SupplementError,
    UnknownFoodError,
    UnknownFormError,
    UnknownFrameworkError,
    UnknownUnitError,
)

if TYPE_CHECKING:
    from magcalc.assessment import Assessment, assess
    from magcalc.dri import Person, ReferenceValues, frameworks, reference_values
    from magcalc.fdc import FdcClient
    from magcalc.foods import (
        Entry,
        Food,
        FoodMatch,
        FoodTable,
        Match,
        Portion,
        Serving,
        food_magnesium,
        get_food,
        parse_entries,
        parse_entry,
        search_foods,
        serving,
        servings,
    )
    from magcalc.intake import Intake
    from magcalc.suggestions import suggest_foods
    from magcalc.supplements import (
        Supplement,
        SupplementForm,
        get_form,
        parse_label,
        supplement_forms,
    )
    from magcalc.units import Amount, get_registry, parse_amount

# The single source of the version (pyproject reads it): importlib.metadata costs ~25 ms.
__version__ = "0.2.0"

# name -> submodule that defines it; resolved lazily by __getattr__.
_LAZY: dict[str, str] = {
    "Food": "foods",
    "FoodMatch": "foods",
    "FoodTable": "foods",
    "Portion": "foods",
    "Serving": "foods",
    "food_magnesium": "foods",
    "get_food": "foods",
    "search_foods": "foods",
    "serving": "foods",
    "servings": "foods",
    "Match": "foods",
    "Entry": "foods",
    "parse_entry": "foods",
    "parse_entries": "foods",
    "FdcClient": "fdc",
    "suggest_foods": "suggestions",
    "Supplement": "supplements",
    "SupplementForm": "supplements",
    "get_form": "supplements",
    "parse_label": "supplements",
    "supplement_forms": "supplements",
    "Person": "dri",
    "ReferenceValues": "dri",
    "frameworks": "dri",
    "reference_values": "dri",
    "Assessment": "assessment",
    "Intake": "intake",
    "assess": "assessment",
    "Amount": "units",
    "get_registry": "units",
    "parse_amount": "units",
}
_SUBMODULES = {
    "assessment",
    "batch",
    "cli",
    "dri",
    "errors",
    "fdc",
    "foods",
    "intake",
    "suggestions",
    "supplements",
    "stats",
    "units",
    "views",
}

__all__ = [
    "Amount",
    "AmountError",
    "Assessment",
    "DiaryError",
    "Entry",
    "FdcAuthError",
    "FdcClient",
    "FdcError",
    "FdcNotFoundError",
    "FdcRateLimitError",
    "FdcResponseError",
    "FdcUnavailableError",
    "Food",
    "FoodMatch",
    "FoodTable",
    "InputError",
    "Intake",
    "MagcalcError",
    "Match",
    "MatchWarning",
    "MissingDependencyError",
    "NoMagnesiumDataError",
    "NoPortionError",
    "NoReferenceValueError",
    "Person",
    "PersonError",
    "PlausibilityWarning",
    "Portion",
    "ReferenceValues",
    "Serving",
    "Supplement",
    "SupplementError",
    "SupplementForm",
    "UnknownFoodError",
    "UnknownFormError",
    "UnknownFrameworkError",
    "UnknownUnitError",
    "__version__",
    "assess",
    "food_magnesium",
    "frameworks",
    "get_food",
    "get_form",
    "get_registry",
    "parse_amount",
    "parse_entries",
    "parse_entry",
    "parse_label",
    "reference_values",
    "search_foods",
    "serving",
    "servings",
    "suggest_foods",
    "supplement_forms",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is not None:
        value = getattr(importlib.import_module(f"magcalc.{module}"), name)
        globals()[name] = value
        return value
    if name in _SUBMODULES:
        return importlib.import_module(f"magcalc.{name}")
    raise AttributeError(f"module 'magcalc' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(__all__) | _SUBMODULES)
