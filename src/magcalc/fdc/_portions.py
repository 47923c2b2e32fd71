"""Portions from FDC food records: ``foodPortions``, search ``foodMeasures``, label servings.

Pure: FDC JSON in, :class:`~magcalc.foods.Portion` out. Shapes read: current SR Legacy
and Foundation (measure unit + modifier), FNDDS (``portionDescription`` such as
"1 banana" under unit 9999 "undetermined"), SR Legacy 2019 (``modifier`` such as
"item 7.6 oz"), search hits (``disseminationText``) and Branded label servings in grams.

References
----------
.. [1] USDA ARS, "FoodData Central Download Data: field descriptions,"
   https://fdc.nal.usda.gov/download-datasets (food_portion, branded_food).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Literal

from magcalc._util import finite_float
from magcalc.fdc._json import as_int, as_list, as_text
from magcalc.foods import Portion

__all__ = ["portions", "serving_unit", "split_measure"]

_GRAM_UNITS = {"g", "grm", "gm", "gram", "grams"}
_ML_UNITS = {"ml", "mlt", "milliliter", "milliliters", "millilitre", "millilitres"}
# Household-serving words that are masses or GS1 unit codes, not household measures.
_NOT_A_MEASURE = _GRAM_UNITS | _ML_UNITS | {"onz", "oz", "ounce", "ounces", "lb", "kg", "mg"}
_NUMBER = re.compile(r"^\s*(\d+\s+\d+/\d+|\d+/\d+|\d*\.?\d+)\s*(.*?)\s*$")
# FDC's measure unit for "no unit": the words are then in portionDescription.
_UNDETERMINED_UNIT = 9999


def split_measure(text: str) -> tuple[float, str] | None:
    """
    The amount and the words of a household measure; None when it has no number.

    Examples
    --------
    >>> split_measure("1 1/2 cup"), split_measure("1 banana"), split_measure("some")
    ((1.5, 'cup'), (1.0, 'banana'), None)
    """
    match = _NUMBER.match(text)
    if not match or not match.group(2):
        return None
    number = match.group(1)
    if "/" in number:
        whole, _, frac = number.rpartition(" ")
        num, den = frac.split("/")
        if float(den) == 0:
            return None
        amount = (float(whole) if whole else 0.0) + float(num) / float(den)
    else:
        amount = float(number)
    return amount, match.group(2)


def serving_unit(value: Any) -> Literal["g", "ml"] | None:
    """A Branded ``servingSizeUnit`` ("g", "GRM", "ml", "MLT", ...) as "g" or "ml", else None."""
    unit = (as_text(value) or "").lower()
    if unit in _GRAM_UNITS:
        return "g"
    if unit in _ML_UNITS:
        return "ml"
    return None


def _portion(seq: int, amount: float | None, unit: str, grams: float | None) -> Portion | None:
    if not unit or grams is None or grams <= 0 or amount is None or amount <= 0:
        return None
    return Portion(seq=seq, amount=amount, unit_description=unit, gram_weight=grams)


def _food_portion(p: Mapping[str, Any], index: int) -> Portion | None:
    """One ``foodPortions`` entry (SR Legacy 2019 and current, Foundation, FNDDS)."""
    grams = finite_float(p.get("gramWeight"))
    seq = as_int(p.get("sequenceNumber")) or index + 1
    unit_info = p.get("measureUnit")
    measure: Mapping[str, Any] = unit_info if isinstance(unit_info, Mapping) else {}
    name = as_text(measure.get("name"))
    undetermined = (
        as_int(measure.get("id")) == _UNDETERMINED_UNIT or (name or "").lower() == "undetermined"
    )
    modifier = as_text(p.get("modifier"))
    if modifier is not None and modifier.isdigit():
        modifier = None  # FNDDS portion codes ("60343"), not words
    description = as_text(p.get("portionDescription"))
    amount = finite_float(p.get("amount"))
    if name and not undetermined:  # current SR Legacy / Foundation: "cup" + "chopped"
        unit = f"{name}, {modifier}" if modifier else name
        return _portion(seq, amount if amount is not None else 1.0, unit, grams)
    if description and description.lower() != "quantity not specified":  # FNDDS "1 banana"
        split = split_measure(description)
        if split is not None:
            return _portion(seq, split[0], split[1], grams)
        return _portion(seq, 1.0, description, grams)
    if modifier:  # SR Legacy 2019: amount 1, modifier "item 7.6 oz"
        return _portion(seq, amount if amount is not None else 1.0, modifier, grams)
    return None


def _search_measure(m: Mapping[str, Any], index: int) -> Portion | None:
    """One ``foodMeasures`` entry of a search hit (``disseminationText`` "1 cup", gramWeight)."""
    text = as_text(m.get("disseminationText"))
    if text is None or text.lower() == "quantity not specified":
        return None
    seq = as_int(m.get("rank")) or index + 1
    split = split_measure(text)
    amount, unit = split if split is not None else (1.0, text)
    return _portion(seq, amount, unit, finite_float(m.get("gramWeight")))


def _branded_portions(data: Mapping[str, Any]) -> list[Portion]:
    """The label serving as portions, only when its size is in grams (no ml-to-g factor)."""
    size = finite_float(data.get("servingSize"))
    if serving_unit(data.get("servingSizeUnit")) != "g" or size is None or size <= 0:
        return []
    household = as_text(data.get("householdServingFullText"))
    unit = f"serving ({household})" if household else "serving"
    found = [Portion(seq=1, amount=1, unit_description=unit, gram_weight=size)]
    split = split_measure(household) if household else None
    if split is not None and split[1].lower() not in _NOT_A_MEASURE and split[0] > 0:
        found.append(Portion(seq=2, amount=split[0], unit_description=split[1], gram_weight=size))
    return found


def portions(data: Mapping[str, Any], data_type: str) -> tuple[Portion, ...]:
    """
    Every portion of one FDC record, in FDC's order, each (unit, amount, grams) once.

    Parameters
    ----------
    data : mapping
        One decoded FDC food record or search hit.
    data_type : str
        Its FDC data type; "Branded" adds the label serving when it is in grams.

    Returns
    -------
    tuple of Portion
    """
    found: list[Portion] = []
    for i, p in enumerate(as_list(data.get("foodPortions"))):
        if isinstance(p, Mapping) and (portion := _food_portion(p, i)) is not None:
            found.append(portion)
    for i, m in enumerate(as_list(data.get("foodMeasures"))):
        if isinstance(m, Mapping) and (portion := _search_measure(m, i)) is not None:
            found.append(portion)
    if data_type == "Branded" or "servingSize" in data:
        found.extend(_branded_portions(data))
    unique: dict[tuple[str, float, float], Portion] = {}
    for p in sorted(found, key=lambda p: p.seq):
        unique.setdefault((p.unit_description.lower(), p.amount, p.gram_weight), p)
    return tuple(unique.values())
