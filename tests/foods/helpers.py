"""Values and helpers the food tests share.

Known values from ../shared/usda/README.md: spinach boiled (11458) 87 mg/100 g, 1 cup =
180 g; almonds (12061) 270 mg/100 g, 1 oz = 28.35 g; banana (09040) 27 mg/100 g, medium =
118 g.
"""

from __future__ import annotations

import warnings

import magcalc

SPINACH, ALMONDS, BANANA = "11458", "12061", "09040"


def mg(value: float):  # type: ignore[no-untyped-def]
    return magcalc.get_registry().Quantity(value, "mg")


def quiet_serving(*args: object, **kwargs: object) -> magcalc.Serving:
    with warnings.catch_warnings():
        warnings.simplefilter("error", magcalc.MatchWarning)  # a plain entry must not warn
        return magcalc.serving(*args, **kwargs)  # type: ignore[arg-type]
