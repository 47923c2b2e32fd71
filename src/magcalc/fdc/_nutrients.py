"""Magnesium from an FDC food record: the nutrient row in any shape, in mg, or why there is none.

Pure. A missing value stays None (unknown, never 0) with a note that says why; a
recorded zero, which FDC may write as ``0E-8``, is 0.0. Values are per 100 g for
Foundation, SR Legacy and FNDDS, and per 100 g or per 100 ml for Branded foods
(``servingSizeUnit``); a per-100 ml value is never reported as per 100 g.

References
----------
.. [1] USDA ARS, "FoodData Central API Guide," https://fdc.nal.usda.gov/api-guide
   (nutrient id 1090, number 304: magnesium [mg]).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from magcalc._util import finite_float, shown
from magcalc.fdc._json import as_int, as_list, as_text
from magcalc.fdc._portions import serving_unit

__all__ = ["MAGNESIUM_NUTRIENT_ID", "MAGNESIUM_NUTRIENT_NUMBER", "magnesium"]

#: Magnesium, Mg: FDC nutrient id and (SR) nutrient number (API guide [1]).
MAGNESIUM_NUTRIENT_ID = 1090
MAGNESIUM_NUTRIENT_NUMBER = "304"
# Unit factors to mg; FDC writes units in either case and with either micro sign.
_TO_MG = {"mg": 1.0, "g": 1000.0, "µg": 1e-3, "μg": 1e-3, "ug": 1e-3, "mcg": 1e-3}


def magnesium(data: Mapping[str, Any], data_type: str) -> tuple[float | None, str]:
    """
    Magnesium [mg per 100 g] of one FDC record, and a note when it is unknown or derived.

    Parameters
    ----------
    data : mapping
        One decoded FDC food record or search hit.
    data_type : str
        Its FDC data type; Branded foods may take the value from the label.

    Returns
    -------
    tuple of (float or None, str)
        The value [mg per 100 g] or None, and the note ("" for a plain value).
    """
    value, note = _magnesium(data)
    if data_type == "Branded":
        return _branded_magnesium(data, value, note)
    if value is None and not note:
        note = f"FDC lists no magnesium (nutrient 304) for this {data_type} food"
    return value, note


def _nutrient(entry: Mapping[str, Any]) -> tuple[int | None, str, Any, str | None]:
    """(nutrient id, number, value, unit) of one foodNutrients entry in any of FDC's shapes."""
    inner = entry.get("nutrient")
    if isinstance(inner, Mapping):  # full: {"nutrient": {id, number, unitName}, "amount"}
        nid, number, unit = inner.get("id"), inner.get("number"), inner.get("unitName")
        value = entry.get("amount")
    else:  # search: {nutrientId, nutrientNumber, value}; abridged: {number, amount}
        nid = entry.get("nutrientId")
        number = entry.get("nutrientNumber", entry.get("number"))
        unit = entry.get("unitName")
        value = entry.get("value", entry.get("amount"))
    return as_int(nid), str(number).strip() if number is not None else "", value, as_text(unit)


def _magnesium(data: Mapping[str, Any]) -> tuple[float | None, str]:
    """Magnesium [mg per 100 g or ml] from foodNutrients, and a note when there is none."""
    rows = [
        (value, unit)
        for nid, number, value, unit in (
            _nutrient(n) for n in as_list(data.get("foodNutrients")) if isinstance(n, Mapping)
        )
        if nid == MAGNESIUM_NUTRIENT_ID or number == MAGNESIUM_NUTRIENT_NUMBER
    ]
    problems: list[str] = []
    for raw, unit in rows:
        value = finite_float(raw)
        if value is None:
            if raw is not None:
                problems.append(f"value {shown(raw)} is not a number")
            continue
        if value < 0:
            problems.append(f"value {shown(raw)} is negative")
            continue
        factor = _TO_MG.get((unit or "").lower())
        if factor is None:
            problems.append(f"unit {shown(unit)} cannot be converted to mg")
            continue
        if not math.isfinite(value * factor):
            problems.append(f"value {shown(raw)} {unit} is out of range")
            continue
        return round(value * factor, 9), ""
    if problems:
        return None, "FDC's magnesium row is unusable (" + "; ".join(problems) + ")"
    return None, ""


def _fmt(value: float) -> str:
    return f"{value:.4g}"


def _branded_magnesium(
    data: Mapping[str, Any], value: float | None, note: str
) -> tuple[float | None, str]:
    """Branded foods: per 100 g values as they are; per 100 ml values are not per 100 g."""
    unit = serving_unit(data.get("servingSizeUnit"))
    size = finite_float(data.get("servingSize"))
    serving = f"{_fmt(size)} {unit or data.get('servingSizeUnit')}" if size else "unknown"
    if value is None and not note:
        label = data.get("labelNutrients")
        entry = label.get("magnesium") if isinstance(label, Mapping) else None
        per_serving = finite_float(entry.get("value")) if isinstance(entry, Mapping) else None
        if per_serving is not None and per_serving >= 0 and size and size > 0:
            if unit == "g" and math.isfinite(per_serving / size * 100.0):
                return round(per_serving / size * 100.0, 9), (
                    f"from the label: {_fmt(per_serving)} mg per {serving} serving, scaled to 100 g"
                )
            return None, (
                f"the label gives {_fmt(per_serving)} mg magnesium per {serving} serving, "
                "and FDC has no density to turn that into a value per 100 g"
            )
        return None, (
            "FDC has no magnesium value for this Branded food (labels rarely list it); "
            "unknown, not zero"
        )
    if value is not None and unit == "ml":
        return None, (
            f"FDC gives {_fmt(value)} mg magnesium per 100 ml (serving {serving}); there is "
            "no ml-to-g factor, so the value per 100 g is unknown"
        )
    return value, note
