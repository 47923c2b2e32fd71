"""Absorbed magnesium: a labelled estimate (low, central, high), never compared with DRIs.

DRIs are set on ingested magnesium from a mixed diet, so :func:`magcalc.assess` compares
ingested magnesium with them; how much is absorbed is a separate estimate. Food
magnesium is taken as 30-40 % absorbed (NIH ODS) and each supplement form by its cited
factor relative to food (:func:`magcalc.supplement_forms`); every factor can be
overridden.

References
----------
.. [1] NIH Office of Dietary Supplements, "Magnesium: Fact Sheet for Health
   Professionals" (about 30 % to 40 % of dietary magnesium is absorbed).
.. [2] Institute of Medicine, "Dietary Reference Intakes for Calcium, Phosphorus,
   Magnesium, Vitamin D, and Fluoride," 1997, ch. 6, doi:10.17226/5776.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Mapping
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from pydantic import ConfigDict

from magcalc._data import data_file
from magcalc._models import computed
from magcalc._quantities import MgPerDay, QuantityModel, mg_per_day
from magcalc.errors import InputError
from magcalc.supplements import get_form

if TYPE_CHECKING:
    from magcalc.intake import Intake

__all__ = ["EffectiveRange", "effective_range"]


class EffectiveRange(QuantityModel):
    """
    Estimated absorbed magnesium [mg/day]: low, central and high. An estimate, not a
    measurement, and never compared with the reference values.
    """

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    low: MgPerDay
    central: MgPerDay
    high: MgPerDay
    label: str = "estimate of absorbed magnesium (not comparable with DRIs)"
    basis: str


_LABEL = EffectiveRange.model_fields["label"].default


@lru_cache(maxsize=1)  # a constant data row; assess() is called in loops
def _food_absorption() -> tuple[float, float, float]:
    with data_file("food_absorption.csv").open(newline="", encoding="utf-8") as fh:
        row = next(csv.DictReader(fh))
    return float(row["low"]), float(row["central"]), float(row["high"])


def _range(value: Any, name: str) -> tuple[float, float, float]:
    try:
        low, central, high = (float(v) for v in value)
    except (TypeError, ValueError):
        raise InputError(
            f"{name} must be (low, central, high), not {value!r}", field=name
        ) from None
    if not all(math.isfinite(v) and v >= 0 for v in (low, central, high)) or not (
        low <= central <= high
    ):
        raise InputError(
            f"{name} must be finite, non-negative and ordered low <= central <= high: {value!r}",
            field=name,
        )
    return low, central, high


def effective_range(
    intake: Intake,
    n: int,
    food_mean: float,
    food_absorption: tuple[float, float, float] | None = None,
    overrides: Mapping[str, tuple[float, float, float]] | None = None,
) -> EffectiveRange:
    """
    Absorbed magnesium [mg/day] from an intake: low, central and high.

    Parameters
    ----------
    intake : Intake
        Its supplements are weighed by their form's factor.
    n : int
        Days recorded; a supplement taken every day counts on each.
    food_mean : float
        Mean daily food magnesium [mg/day].
    food_absorption : (float, float, float), optional
        Fraction of food magnesium absorbed (low, central, high) [-]; default
        ``food_absorption.csv`` (NIH ODS: 30-40 %).
    overrides : mapping of str to (float, float, float), optional
        Form name -> absorption relative to food magnesium (low, central, high) [-].

    Returns
    -------
    EffectiveRange
        Labelled as an estimate; never compared with the reference values.
    """
    f_low, f_mid, f_high = (
        _food_absorption()
        if food_absorption is None
        else _range(food_absorption, "food_absorption")
    )
    if f_high > 1:
        raise InputError(
            f"food_absorption is the fraction of food magnesium absorbed, at most 1, not "
            f"{food_absorption!r}; e.g. (0.30, 0.35, 0.40)",
            field="food_absorption",
        )
    if overrides is not None and not isinstance(overrides, Mapping):
        raise InputError(
            f"absorption must be a mapping of form -> (low, central, high), not "
            f"{type(overrides).__name__}; e.g. {{'citrate': (1.0, 1.1, 1.3)}}",
            field="absorption",
        )
    custom = {
        get_form(k).name: _range(v, f"absorption[{k!r}]") for k, v in (overrides or {}).items()
    }
    low, mid, high = food_mean * f_low, food_mean * f_mid, food_mean * f_high
    for sday, supplement in intake.supplements:
        per_day = supplement.elemental_mg_per_day * (n if sday is None else 1) / n
        info = supplement.form_info.absorption
        r_low, r_mid, r_high = custom.get(supplement.form, (info.low, info.central, info.high))
        low += per_day * r_low * f_low
        mid += per_day * r_mid * f_mid
        high += per_day * r_high * f_high
    if not all(math.isfinite(v) for v in (low, mid, high)):
        raise InputError(
            "the absorption factors make the absorbed estimate overflow; give factors "
            "relative to food magnesium, around 0.5 to 2",
            field="absorption",
        )
    basis = (
        f"food magnesium x {f_low:.2f}/{f_mid:.2f}/{f_high:.2f} absorbed (NIH ODS: 30-40 %); "
        "supplements x their form's factor relative to food (see supplement_forms())"
    )
    # Computed here from checked numbers: built without validating again (see assess()).
    return computed(
        EffectiveRange,
        {
            "low": mg_per_day(low),
            "central": mg_per_day(mid),
            "high": mg_per_day(high),
            "label": _LABEL,
            "basis": basis,
        },
        given=("low", "central", "high", "basis"),
    )
