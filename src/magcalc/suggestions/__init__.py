"""Closing the gap: food-first suggestions and supplement advice within the safe limit.

Food first: :func:`suggest_foods` ranks generic foods from the bundled table by the
magnesium in one real USDA household portion, and plans the fewest such portions that
together reach a gap. Supplements second: :func:`supplement_advice` proposes an
elemental dose that closes what food leaves open without taking supplemental magnesium
over the person's UL, and shows how much of each form delivers it.

magcalc states what the data and the reference values say; it does not diagnose or
prescribe, and its suggestions are no substitute for advice from a clinician.

References
----------
.. [1] Institute of Medicine, "Dietary Reference Intakes for Calcium, Phosphorus,
   Magnesium, Vitamin D, and Fluoride," 1997, doi:10.17226/5776 (UL for supplemental
   magnesium; none determinable for infants).
.. [2] U.S. Department of Agriculture, Agricultural Research Service, "FoodData Central:
   SR Legacy," 2018 (foods and household portions).

Modules: :mod:`~magcalc.suggestions.food_plan` (:func:`suggest_foods`) and
:mod:`~magcalc.suggestions.supplement_dose` (:func:`supplement_advice`). Both take plain
numbers (a gap, a UL, the current dose), so they need no :class:`~magcalc.Assessment`;
its :meth:`~magcalc.Assessment.suggestions` and
:meth:`~magcalc.Assessment.supplement_advice` pass its figures.
"""

from __future__ import annotations

from magcalc.suggestions.food_plan import (
    DIETS,
    GOOD_SOURCE_MG,
    FoodSuggestion,
    FoodSuggestions,
    suggest_foods,
)
from magcalc.suggestions.supplement_dose import FormOption, SupplementAdvice, supplement_advice

__all__ = [
    "DIETS",
    "GOOD_SOURCE_MG",
    "FoodSuggestion",
    "FoodSuggestions",
    "FormOption",
    "SupplementAdvice",
    "suggest_foods",
    "supplement_advice",
]
