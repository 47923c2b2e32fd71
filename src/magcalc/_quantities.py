"""pint Quantities in pydantic models: an mg/day field type and a model base that pickles.

Kept apart from :mod:`magcalc._models` so that only the models holding Quantities (the
assessment and its absorbed estimate) import pint.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Annotated, Any

import pint
from pydantic import BeforeValidator, PlainSerializer, WithJsonSchema

from magcalc._models import ValueModel
from magcalc.units import get_registry, in_mg_per_day, per_day

__all__ = ["MgPerDay", "QuantityModel", "mg_per_day"]


def mg_per_day(value: float) -> pint.Quantity[Any]:
    """
    ``per_day(float(value))``, built without pint's constructor: an assessment makes a
    dozen of these and pint's type checks were most of their cost.

    Examples
    --------
    >>> mg_per_day(310)
    <Quantity(310.0, 'milligram / day')>
    """
    made = _template(get_registry())
    if made is None:
        return per_day(float(value))
    quantity: pint.Quantity[Any] = object.__new__(made[0])
    quantity._magnitude = float(value)
    quantity._units = made[1]
    return quantity


@lru_cache(maxsize=8)  # per registry, as units.per_day caches its unit
def _template(reg: pint.UnitRegistry[Any]) -> tuple[type[pint.Quantity[Any]], Any] | None:
    """
    The class and units of a Quantity in mg/day, or None where a Quantity holds more
    state than its magnitude and units (another pint version), so that pint builds them.
    """
    reference = reg.Quantity(1.0, "mg/day")
    if set(vars(reference)) != {"_magnitude", "_units"} or type(reference.magnitude) is not float:
        return None
    cls, units = type(reference), reference._units
    probe: pint.Quantity[Any] = object.__new__(cls)
    probe._magnitude = 1.0
    probe._units = units
    same = vars(probe) == vars(reference) and repr(probe) == repr(reference)
    return (cls, units) if same else None


def _to_mg_per_day(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, pint.Quantity):
        return mg_per_day(in_mg_per_day(value))
    return mg_per_day(value)


def _magnitude(value: Any) -> float | None:
    return None if value is None else in_mg_per_day(value)


MgPerDay = Annotated[
    pint.Quantity[Any],
    BeforeValidator(_to_mg_per_day),
    PlainSerializer(_magnitude, return_type=float),
    WithJsonSchema({"type": "number", "description": "magnesium [mg/day]"}),
]
"""A pint Quantity in mg/day that serialises to a plain number (mg/day)."""


class QuantityModel(ValueModel):
    """
    A value whose mg/day Quantities pickle as plain numbers (a pickle holding pint
    objects would need the same registry to load).

    pint unpickles a Quantity into pint's application registry, not magcalc's, so an
    unpickled Assessment could not be added to a fresh one ("Cannot operate with
    Quantity and Quantity of different registries"); stored as mg/day floats, they come
    back in magcalc's registry.
    """

    def __getstate__(self) -> dict[Any, Any]:
        state = dict(super().__getstate__())
        values = dict(state["__dict__"])
        names = [k for k, v in values.items() if isinstance(v, pint.Quantity)]
        for name in names:
            values[name] = in_mg_per_day(values[name])
        state["__dict__"] = values
        state["magcalc_mg_per_day"] = names
        return state

    def __setstate__(self, state: dict[Any, Any]) -> None:
        state = dict(state)
        values = dict(state["__dict__"])
        for name in state.pop("magcalc_mg_per_day", ()):
            values[name] = mg_per_day(values[name])
        state["__dict__"] = values
        super().__setstate__(state)
