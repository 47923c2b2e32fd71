"""Dietary reference intakes: people, their reference values, and risk factors.

- :mod:`magcalc.dri.people`: :class:`Person`, a validated age, sex and life stage.
- :mod:`magcalc.dri.values`: :class:`ReferenceValues` and the cited tables behind them.
- :mod:`magcalc.dri.references`: the look-ups (:func:`reference_values`,
  :func:`within_person_sd`, :func:`frameworks`, ...).
- :mod:`magcalc.dri.risks`: documented risk factors for low magnesium.

Every name below is also importable from here (``from magcalc.dri import Framework``).
"""

from __future__ import annotations

from magcalc.dri.people import MAX_AGE_YEARS, PREGNANCY_AGE_YEARS, Person, Sex
from magcalc.dri.references import (
    age_boundaries_months,
    framework_info,
    frameworks,
    reference_table,
    reference_values,
    within_person_sd,
)
from magcalc.dri.risks import RiskFactor, normalise_conditions, risk_factor, risk_factors
from magcalc.dri.values import (
    DEFAULT_FRAMEWORK,
    Framework,
    FrameworkInfo,
    ReferenceValues,
    TargetKind,
    UlBasis,
    UlStatus,
)

__all__ = [
    "DEFAULT_FRAMEWORK",
    "MAX_AGE_YEARS",
    "PREGNANCY_AGE_YEARS",
    "Framework",
    "FrameworkInfo",
    "Person",
    "ReferenceValues",
    "RiskFactor",
    "Sex",
    "TargetKind",
    "UlBasis",
    "UlStatus",
    "age_boundaries_months",
    "framework_info",
    "frameworks",
    "normalise_conditions",
    "reference_table",
    "reference_values",
    "risk_factor",
    "risk_factors",
    "within_person_sd",
]
