"""pint Quantities in pydantic models: an mg/day field type and a model base that pickles.

Kept apart from :mod:`magcalc._models` so that only the models holding Quantities (the
assessment and its absorbed estimate) import pint.
"""

from __future__ import annotations

from typing import Annotated, Any

import pint
from pydantic import BeforeValidator, PlainSerializer, WithJsonSchema

from magcalc._models import ValueModel
from magcalc.units import in_mg_per_day, per_day

__all__ = ["MgPerDay", "QuantityModel"]


def _to_mg_per_day(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, pint.Quantity):
        return per_day(in_mg_per_day(value))
    return per_day(float(value))


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
            values[name] = per_day(values[name])
        state["__dict__"] = values
        super().__setstate__(state)
