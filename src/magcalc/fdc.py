"""USDA FoodData Central (FDC): a robust, cached API client and offline parse functions.

The bundled table holds SR Legacy only; FDC adds Foundation, Survey (FNDDS) and
Branded foods. Following pvlib's ``iotools``, fetching and parsing are split:

* :class:`FdcClient` does the I/O: a ``requests`` Session with timeouts on every
  call, bounded retries with backoff for connection errors and 5xx (urllib3
  ``Retry``), one table that maps FDC statuses to :mod:`magcalc.errors`, and a
  persistent HTTP cache (requests-cache, SQLite) in the user cache folder.
* :func:`parse_food`, :func:`parse_foods`, :func:`parse_search` and
  :func:`parse_error` are pure: they turn any FDC JSON (full, abridged and search
  shapes; Foundation, SR Legacy 2019 and current schemas, Survey (FNDDS) and
  Branded) into the same :class:`~magcalc.foods.Food` model as the bundled table,
  so :func:`~magcalc.foods.food_magnesium`, ``Intake`` and ``assess`` accept FDC
  foods unchanged. They work on recorded responses with no network.

Magnesium is FDC nutrient id 1090, number "304" [1]_. Values are per 100 g for
Foundation, SR Legacy and FNDDS, and per 100 g or per 100 ml for Branded foods
(``servingSizeUnit``). A missing value stays ``None`` (unknown, never 0); a
recorded zero, which FDC may write as ``0E-8``, is 0.0.

The API key
-----------
Pass ``api_key=`` or set the ``FDC_API_KEY`` environment variable; without either
the client falls back to ``DEMO_KEY`` with a warning (about 30 requests an hour).
A free key: https://fdc.nal.usda.gov/api-key-signup. The key travels only in the
``X-Api-Key`` header: never in a URL, a log record, an exception text, a repr or
the cache file (requests-cache stores the header as ``REDACTED`` and leaves it out
of cache keys). Redirects are not followed, so the header never goes to another
host.

References
----------
.. [1] U.S. Department of Agriculture, Agricultural Research Service,
   "FoodData Central API Guide," https://fdc.nal.usda.gov/api-guide (endpoints
   ``/v1/food/{fdcId}``, ``/v1/foods``, ``/v1/foods/search``; at most 20 ids per
   ``/v1/foods`` call; nutrient 304 magnesium [mg]).
.. [2] api.data.gov, "API Key Usage: Rate Limits," https://api.data.gov/docs/rate-limits/
   (about 1,000 requests an hour per key; DEMO_KEY about 30 an hour and 50 a day
   per IP address; 429 ``OVER_RATE_LIMIT``; ``X-RateLimit-Limit`` and
   ``X-RateLimit-Remaining`` headers).
"""

from __future__ import annotations

import contextlib
import json
import logging
import math
import os
import re
import sqlite3
import threading
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Literal, TypeVar

import requests
import urllib3
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from magcalc.errors import (
    FdcAuthError,
    FdcError,
    FdcNotFoundError,
    FdcRateLimitError,
    FdcResponseError,
    FdcUnavailableError,
    InputError,
)
from magcalc.foods import Food, Portion

__all__ = [
    "API_KEY_SIGNUP_URL",
    "DATA_TYPES",
    "DEFAULT_BASE_URL",
    "DEFAULT_DATA_TYPES",
    "MAGNESIUM_NUTRIENT_ID",
    "MAGNESIUM_NUTRIENT_NUMBER",
    "MAX_IDS_PER_CALL",
    "FdcCacheWarning",
    "FdcClient",
    "FdcFoods",
    "FdcKeyWarning",
    "FdcMissingFoodsWarning",
    "FdcWarning",
    "parse_error",
    "parse_food",
    "parse_foods",
    "parse_search",
]

logger = logging.getLogger(__name__)
T = TypeVar("T")

DEFAULT_BASE_URL = "https://api.nal.usda.gov/fdc"
API_KEY_SIGNUP_URL = "https://fdc.nal.usda.gov/api-key-signup"
DEMO_KEY = "DEMO_KEY"
#: FDC data types the search endpoint filters on (API guide [1]).
DATA_TYPES = ("Foundation", "SR Legacy", "Survey (FNDDS)", "Branded")
#: Searched by default: the unfiltered search is swamped by Branded duplicates.
DEFAULT_DATA_TYPES = ("Foundation", "SR Legacy", "Survey (FNDDS)")
#: ``/v1/foods`` takes at most 20 ids a call (API guide [1]).
MAX_IDS_PER_CALL = 20
#: Magnesium, Mg: FDC nutrient id and (SR) nutrient number (API guide [1]).
MAGNESIUM_NUTRIENT_ID = 1090
MAGNESIUM_NUTRIENT_NUMBER = "304"
CACHE_FILE = "fdc.sqlite"
#: Headers and parameters requests-cache leaves out of cache keys and redacts when storing.
_IGNORED_PARAMETERS = ("X-Api-Key", "X-API-Key", "x-api-key", "api_key")
_SOURCE = "USDA ARS FoodData Central"
_SPRING_KEYS = ("status", "error")

# Unit factors to mg; FDC writes units in either case and with either micro sign.
_TO_MG = {"mg": 1.0, "g": 1000.0, "µg": 1e-3, "μg": 1e-3, "ug": 1e-3, "mcg": 1e-3}
_GRAM_UNITS = {"g", "grm", "gm", "gram", "grams"}
_ML_UNITS = {"ml", "mlt", "milliliter", "milliliters", "millilitre", "millilitres"}
# Household-serving words that are masses or GS1 unit codes, not household measures.
_NOT_A_MEASURE = _GRAM_UNITS | _ML_UNITS | {"onz", "oz", "ounce", "ounces", "lb", "kg", "mg"}
_NUMBER = re.compile(r"^\s*(\d+\s+\d+/\d+|\d+/\d+|\d*\.?\d+)\s*(.*?)\s*$")


class FdcWarning(UserWarning):
    """Base class of the warnings the FDC client gives."""


class FdcKeyWarning(FdcWarning):
    """No API key was given, so the client uses DEMO_KEY and its very low limits."""


class FdcCacheWarning(FdcWarning):
    """The HTTP cache was corrupt (and was recreated) or cannot be written (no cache)."""


class FdcMissingFoodsWarning(FdcWarning):
    """FDC silently dropped some of the ids asked for from a ``/v1/foods`` answer."""


class FdcFoods(list[Food]):
    """
    The foods :meth:`FdcClient.foods` found, in the order asked, and the ids FDC dropped.

    A plain ``list`` of :class:`~magcalc.foods.Food` with one more attribute.

    Attributes
    ----------
    missing : tuple of int
        Ids FDC did not return in full or abridged format (unknown or withdrawn;
        Branded foods get a new id at each revision).

    Examples
    --------
    >>> batch = FdcFoods([], missing=[123])
    >>> len(batch), batch.missing
    (0, (123,))
    """

    def __init__(self, foods: Iterable[Food] = (), missing: Iterable[int] = ()) -> None:
        super().__init__(foods)
        self.missing: tuple[int, ...] = tuple(missing)

    def __repr__(self) -> str:
        return f"FdcFoods({list.__repr__(self)}, missing={list(self.missing)!r})"


# --------------------------------------------------------------------------- small helpers


def _number(value: Any) -> float | None:
    """A finite float from FDC JSON (number or text such as ``"0E-8"``), else None."""
    if value is None or isinstance(value, bool):
        return None
    try:
        result = float(value)
    except (TypeError, ValueError, OverflowError):  # OverflowError: a huge int (issue 7)
        return None
    return result if math.isfinite(result) else None


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


def _items(value: Any) -> list[Any]:
    """A JSON list field, or [] when FDC sent something else (a number, an object)."""
    return value if isinstance(value, list) else []


def _text(value: Any) -> str | None:
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def _iso_date(value: Any) -> str | None:
    text = _text(value)
    if text is None:
        return None
    for fmt in ("%m/%d/%Y", "%Y-%m-%d", "%Y-%m-%dT%H:%M:%S"):
        try:
            return datetime.strptime(text[:19] if "T" in text else text, fmt).date().isoformat()
        except ValueError:
            continue
    return text


def _fmt(value: float) -> str:
    return f"{value:.4g}"


def _check_id(fdc_id: Any) -> int:
    value = _int(fdc_id)
    if value is None or value <= 0:
        raise InputError(
            f"an FDC id must be a positive whole number such as 2262072, not {fdc_id!r}",
            field="fdc_id",
        )
    return value


# --------------------------------------------------------------------------- errors


def _auth_message(code: str, fdc_message: str) -> str:
    if code == "API_KEY_MISSING":
        cause = "no API key was sent (API_KEY_MISSING)"
    elif code == "API_KEY_INVALID":
        cause = "the API key is not valid (API_KEY_INVALID); check it for typos"
    elif code == "API_KEY_DISABLED":
        cause = "the API key has been disabled (API_KEY_DISABLED)"
    elif code == "API_KEY_UNVERIFIED":
        cause = "the API key's e-mail address is not verified yet (API_KEY_UNVERIFIED)"
    else:
        cause = f"the request was refused ({code or 'HTTP 403'})"
    said = f' FDC said: "{fdc_message}".' if fdc_message else ""
    return (
        f"FoodData Central refused the request: {cause}.{said} Pass api_key=... or set the "
        f"FDC_API_KEY environment variable; a free key: {API_KEY_SIGNUP_URL}"
    )


def _rate_limit_error(
    code: str, fdc_message: str, headers: Mapping[str, str] | None
) -> FdcRateLimitError:
    headers = headers or {}
    limit = _int(headers.get("X-RateLimit-Limit"))
    retry_after = _retry_after(headers.get("Retry-After"))
    allowed = f" (it allows {limit} requests an hour)" if limit is not None else ""
    wait = (
        f"FDC says to retry after {retry_after:g} s"
        if retry_after is not None
        else "FDC blocks an over-limit key for about an hour"
    )
    said = f' FDC said: "{fdc_message}".' if fdc_message else ""
    return FdcRateLimitError(
        f"FoodData Central refused the request: the API key is over its rate limit{allowed}"
        f" ({code or 'HTTP 429'}).{said} {wait}; lookups already in the cache still work. "
        f"DEMO_KEY allows only about 30 requests an hour: get your own free key at "
        f"{API_KEY_SIGNUP_URL}",
        retry_after=retry_after,
        limit=limit,
    )


def _retry_after(value: Any) -> float | None:
    text = _text(value)
    if text is None:
        return None
    seconds = _number(text)
    if seconds is not None:
        return max(seconds, 0.0)
    from email.utils import parsedate_to_datetime

    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    return max((when - datetime.now(when.tzinfo)).total_seconds(), 0.0)


def parse_error(
    data: Any, *, status: int | None = None, headers: Mapping[str, str] | None = None
) -> FdcError | None:
    """
    The :class:`~magcalc.errors.FdcError` an FDC error body stands for, or None.

    Recognises the api.data.gov gateway shape ``{"error": {"code", "message"}}``
    (``API_KEY_MISSING``, ``API_KEY_INVALID``, ``OVER_RATE_LIMIT``, ...) and the
    Spring back-end shape ``{timestamp, status, error, message, path}``.

    Parameters
    ----------
    data : object
        Decoded JSON.
    status : int, optional
        The HTTP status, when known.
    headers : mapping, optional
        Response headers; ``X-RateLimit-Limit`` and ``Retry-After`` are read for 429.

    Returns
    -------
    FdcError or None
        The exception to raise (not raised here), or None when `data` is not an
        error body.

    References
    ----------
    .. [1] api.data.gov, "API Key Usage: Errors," https://api.data.gov/docs/developer-manual/

    Examples
    --------
    >>> err = parse_error({"error": {"code": "API_KEY_MISSING", "message": "No api_key"}})
    >>> type(err).__name__
    'FdcAuthError'
    >>> parse_error({"fdcId": 1, "description": "x"}) is None
    True
    """
    if not isinstance(data, Mapping):
        return None
    gateway = data.get("error")
    if isinstance(gateway, Mapping) and ("code" in gateway or "message" in gateway):
        code = str(gateway.get("code") or "")
        message = str(gateway.get("message") or "")
        if code == "OVER_RATE_LIMIT" or status == 429:
            return _rate_limit_error(code, message, headers)
        if code.startswith("API_KEY") or status in (401, 403):
            return FdcAuthError(_auth_message(code, message))
        if code == "NOT_FOUND" or status == 404:
            return FdcNotFoundError(f"FoodData Central found nothing ({code}): {message}")
        if status is not None and status >= 500:
            return FdcUnavailableError(
                f"FoodData Central failed ({code or status}): {message}; try again later"
            )
        return FdcError(f"FoodData Central refused the request ({code or status}): {message}")
    spring_status = _int(data.get("status"))
    if all(k in data for k in _SPRING_KEYS) and spring_status and spring_status >= 400:
        message = str(data.get("message") or "")
        where = f" at {data['path']}" if _text(data.get("path")) else ""
        what = f"{spring_status} {data.get('error')}: {message}{where}"
        if spring_status >= 500:
            return FdcUnavailableError(
                f"FoodData Central failed ({what}); this is an FDC outage, try again later"
            )
        if spring_status == 404:
            return FdcNotFoundError(f"FoodData Central found nothing ({what})")
        return FdcError(f"FoodData Central refused the request ({what})")
    return None


def _raise_if_error(data: Any) -> None:
    error = parse_error(data)
    if error is not None:
        raise error


# --------------------------------------------------------------------------- parsing


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
    return _int(nid), str(number).strip() if number is not None else "", value, _text(unit)


def _magnesium(data: Mapping[str, Any]) -> tuple[float | None, str]:
    """Magnesium [mg per 100 g or ml] from foodNutrients, and a note when there is none."""
    rows = [
        (value, unit)
        for nid, number, value, unit in (
            _nutrient(n) for n in _items(data.get("foodNutrients")) if isinstance(n, Mapping)
        )
        if nid == MAGNESIUM_NUTRIENT_ID or number == MAGNESIUM_NUTRIENT_NUMBER
    ]
    problems: list[str] = []
    for raw, unit in rows:
        value = _number(raw)
        if value is None:
            if raw is not None:
                problems.append(f"value {raw!r} is not a number")
            continue
        if value < 0:
            problems.append(f"value {raw!r} is negative")
            continue
        factor = _TO_MG.get((unit or "").lower())
        if factor is None:
            problems.append(f"unit {unit!r} cannot be converted to mg")
            continue
        if not math.isfinite(value * factor):
            problems.append(f"value {raw!r} {unit} is out of range")
            continue
        return round(value * factor, 9), ""
    if problems:
        return None, "FDC's magnesium row is unusable (" + "; ".join(problems) + ")"
    return None, ""


def _split_measure(text: str) -> tuple[float, str] | None:
    """``"1 banana"`` -> (1.0, "banana"); ``"1 1/2 cup"`` -> (1.5, "cup"); no number -> None."""
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


def _portion(seq: int, amount: float | None, unit: str, grams: float | None) -> Portion | None:
    if not unit or grams is None or grams <= 0 or amount is None or amount <= 0:
        return None
    return Portion(seq=seq, amount=amount, unit_description=unit, gram_weight=grams)


def _food_portion(p: Mapping[str, Any], index: int) -> Portion | None:
    """One ``foodPortions`` entry (SR Legacy 2019 and current, Foundation, FNDDS)."""
    grams = _number(p.get("gramWeight"))
    seq = _int(p.get("sequenceNumber")) or index + 1
    unit_info = p.get("measureUnit")
    measure: Mapping[str, Any] = unit_info if isinstance(unit_info, Mapping) else {}
    name = _text(measure.get("name"))
    undetermined = _int(measure.get("id")) == 9999 or (name or "").lower() == "undetermined"
    modifier = _text(p.get("modifier"))
    if modifier is not None and modifier.isdigit():
        modifier = None  # FNDDS portion codes ("60343"), not words
    description = _text(p.get("portionDescription"))
    amount = _number(p.get("amount"))
    if name and not undetermined:  # current SR Legacy / Foundation: "cup" + "chopped"
        unit = f"{name}, {modifier}" if modifier else name
        return _portion(seq, amount if amount is not None else 1.0, unit, grams)
    if description and description.lower() != "quantity not specified":  # FNDDS "1 banana"
        split = _split_measure(description)
        if split is not None:
            return _portion(seq, split[0], split[1], grams)
        return _portion(seq, 1.0, description, grams)
    if modifier:  # SR Legacy 2019: amount 1, modifier "item 7.6 oz"
        return _portion(seq, amount if amount is not None else 1.0, modifier, grams)
    return None


def _search_measure(m: Mapping[str, Any], index: int) -> Portion | None:
    """One ``foodMeasures`` entry of a search hit (``disseminationText`` "1 cup", gramWeight)."""
    text = _text(m.get("disseminationText"))
    if text is None or text.lower() == "quantity not specified":
        return None
    seq = _int(m.get("rank")) or index + 1
    split = _split_measure(text)
    amount, unit = split if split is not None else (1.0, text)
    return _portion(seq, amount, unit, _number(m.get("gramWeight")))


def _serving_unit(value: Any) -> Literal["g", "ml"] | None:
    unit = (_text(value) or "").lower()
    if unit in _GRAM_UNITS:
        return "g"
    if unit in _ML_UNITS:
        return "ml"
    return None


def _branded_portions(data: Mapping[str, Any]) -> list[Portion]:
    """The label serving as portions, only when its size is in grams (no ml-to-g factor)."""
    size = _number(data.get("servingSize"))
    if _serving_unit(data.get("servingSizeUnit")) != "g" or size is None or size <= 0:
        return []
    household = _text(data.get("householdServingFullText"))
    unit = f"serving ({household})" if household else "serving"
    portions = [Portion(seq=1, amount=1, unit_description=unit, gram_weight=size)]
    split = _split_measure(household) if household else None
    if split is not None and split[1].lower() not in _NOT_A_MEASURE and split[0] > 0:
        portions.append(
            Portion(seq=2, amount=split[0], unit_description=split[1], gram_weight=size)
        )
    return portions


def _portions(data: Mapping[str, Any], data_type: str) -> tuple[Portion, ...]:
    found: list[Portion] = []
    for i, p in enumerate(_items(data.get("foodPortions"))):
        if isinstance(p, Mapping) and (portion := _food_portion(p, i)) is not None:
            found.append(portion)
    for i, m in enumerate(_items(data.get("foodMeasures"))):
        if isinstance(m, Mapping) and (portion := _search_measure(m, i)) is not None:
            found.append(portion)
    if data_type == "Branded" or "servingSize" in data:
        found.extend(_branded_portions(data))
    unique: dict[tuple[str, float, float], Portion] = {}
    for p in sorted(found, key=lambda p: p.seq):
        unique.setdefault((p.unit_description.lower(), p.amount, p.gram_weight), p)
    return tuple(unique.values())


def _data_type(data: Mapping[str, Any]) -> str:
    given = _text(data.get("dataType"))
    if given:
        return given
    food_class = (_text(data.get("foodClass")) or "").lower()
    if food_class == "survey":
        return "Survey (FNDDS)"
    if food_class == "branded":
        return "Branded"
    if data.get("tableAliasName") == "sr_legacy_food":
        return "SR Legacy"
    return "FoodData Central"


def _food_group(data: Mapping[str, Any]) -> str | None:
    category = data.get("foodCategory")
    if isinstance(category, Mapping):
        return _text(category.get("description"))
    if _text(category):
        return _text(category)
    wweia = data.get("wweiaFoodCategory")
    if isinstance(wweia, Mapping) and _text(wweia.get("wweiaFoodCategoryDescription")):
        return _text(wweia.get("wweiaFoodCategoryDescription"))
    return _text(data.get("brandedFoodCategory"))


def _ndb_number(value: Any) -> str | None:
    text = str(value).strip() if isinstance(value, (int, str)) and value != "" else ""
    if not text or isinstance(value, bool):
        return None
    # The bundled table writes NDB numbers as 5 digits ("01009"); FDC drops the zero.
    return text.zfill(5) if text.isdigit() and len(text) < 5 else text


def _source(data: Mapping[str, Any], data_type: str) -> str:
    extra: list[str] = []
    if _text(str(data.get("foodCode") or "")):
        extra.append(f"food code {data['foodCode']}")
    brand = _text(data.get("brandName")) or _text(data.get("brandOwner"))
    if brand:
        extra.append(brand)
    if _text(data.get("gtinUpc")):
        extra.append(f"GTIN/UPC {data['gtinUpc']}")
    return f"{_SOURCE}, {data_type}" + (f" ({'; '.join(extra)})" if extra else "")


def _branded_magnesium(
    data: Mapping[str, Any], value: float | None, note: str
) -> tuple[float | None, str]:
    """Branded foods: per 100 g values as they are; per 100 ml values are not per 100 g."""
    unit = _serving_unit(data.get("servingSizeUnit"))
    size = _number(data.get("servingSize"))
    serving = f"{_fmt(size)} {unit or data.get('servingSizeUnit')}" if size else "unknown"
    if value is None and not note:
        label = data.get("labelNutrients")
        entry = label.get("magnesium") if isinstance(label, Mapping) else None
        per_serving = _number(entry.get("value")) if isinstance(entry, Mapping) else None
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


def parse_food(data: Mapping[str, Any]) -> Food:
    """
    Turn one FDC food record, in any of FDC's shapes, into a :class:`~magcalc.foods.Food`.

    Handles ``/v1/food/{fdcId}`` answers in full and abridged format and the hits
    of ``/v1/foods/search``, for Foundation, SR Legacy (2019 and current schema),
    Survey (FNDDS) and Branded foods. Pure: no I/O.

    * Magnesium is the nutrient with id 1090 or number "304" in any of the three
      nutrient shapes (full ``{"nutrient": {...}, "amount"}``, abridged
      ``{"number", "amount", "unitName"}``, search ``{"nutrientId",
      "nutrientNumber", "value", "unitName"}``); unit case does not matter, µg and
      g are converted to mg, ``0E-8`` is 0.0, and anything else leaves the value
      None with a note. A food with no magnesium row gets None (unknown, not 0).
    * Portions come from ``foodPortions`` (measure unit and modifier;
      ``portionDescription`` such as "1 banana" when the unit is 9999
      "undetermined"; the 2019 ``modifier`` such as "item 7.6 oz"), from search
      ``foodMeasures``, and for Branded foods from the label serving when its size
      is in grams ("g", "GRM").
    * Branded values in ``foodNutrients`` are per 100 g, or per 100 ml when the
      serving is in ml ("ml", "MLT"). There is no ml-to-g factor, so a per-100 ml
      value is not reported as per 100 g: it is kept in ``magnesium_note``.
    * NDB numbers are written as 5 digits like the bundled table ("1009" ->
      "01009"); an FNDDS food code and a Branded GTIN go into ``source``.

    Parameters
    ----------
    data : mapping
        One decoded FDC food record.

    Returns
    -------
    Food
        ``magnesium_mg_per_100g`` in [mg per 100 g], or None when unknown.

    Raises
    ------
    FdcAuthError, FdcRateLimitError, FdcUnavailableError, FdcNotFoundError
        If `data` is an FDC error body (see :func:`parse_error`).
    FdcResponseError
        If `data` is not a food record (no ``fdcId`` or ``description``).

    References
    ----------
    .. [1] USDA ARS, "FoodData Central API Guide," https://fdc.nal.usda.gov/api-guide
    .. [2] USDA ARS, "FoodData Central Download Data: field descriptions,"
       https://fdc.nal.usda.gov/download-datasets (food_portion, branded_food).

    Examples
    --------
    >>> food = parse_food({
    ...     "fdcId": 328637, "description": "Cheese, cheddar", "dataType": "Foundation",
    ...     "ndbNumber": "1009",
    ...     "foodNutrients": [{"number": "304", "amount": 26.8, "unitName": "MG"}],
    ... })
    >>> food.magnesium_mg_per_100g, food.ndb_number
    (26.8, '01009')
    """
    _raise_if_error(data)
    if not isinstance(data, Mapping):
        raise FdcResponseError(
            f"expected an FDC food record (a JSON object), got {type(data).__name__}"
        )
    fdc_id = _int(data.get("fdcId"))
    description = _text(data.get("description"))
    if fdc_id is None or fdc_id <= 0 or description is None:
        keys = ", ".join(sorted(map(str, data))[:12]) or "none"
        raise FdcResponseError(
            "expected an FDC food record with 'fdcId' and 'description'; "
            f"this JSON object has keys: {keys}"
        )
    data_type = _data_type(data)
    value, note = _magnesium(data)
    if data_type == "Branded":
        value, note = _branded_magnesium(data, value, note)
    elif value is None and not note:
        note = f"FDC lists no magnesium (nutrient 304) for this {data_type} food"
    published = _iso_date(data.get("publicationDate") or data.get("publishedDate"))
    return Food(
        fdc_id=fdc_id,
        ndb_number=_ndb_number(data.get("ndbNumber")),
        description=description,
        food_group=_food_group(data),
        magnesium_mg_per_100g=value,
        magnesium_note=note,
        data_type=data_type,
        source=_source(data, data_type),
        source_release=f"FDC {data_type}, published {published}" if published else "",
        portions=_portions(data, data_type),
    )


def parse_foods(data: Sequence[Mapping[str, Any]]) -> list[Food]:
    """
    Foods from a ``/v1/foods`` answer (a JSON list of food records).

    Parameters
    ----------
    data : list of mapping

    Returns
    -------
    list of Food
        In FDC's order; see :func:`parse_food`.

    Raises
    ------
    FdcResponseError
        If `data` is not a list of food records.

    References
    ----------
    .. [1] USDA ARS, "FoodData Central API Guide," https://fdc.nal.usda.gov/api-guide

    Examples
    --------
    >>> [f.fdc_id for f in parse_foods([{"fdcId": 1, "description": "x"}])]
    [1]
    """
    _raise_if_error(data)
    if not isinstance(data, list):
        raise FdcResponseError(
            f"expected a JSON list of FDC food records, got {type(data).__name__}"
        )
    return [parse_food(item) for item in data]


def parse_search(data: Mapping[str, Any]) -> list[Food]:
    """
    Foods from a ``/v1/foods/search`` answer, in FDC's relevance order.

    Parameters
    ----------
    data : mapping
        The decoded answer, with a ``foods`` list of hits.

    Returns
    -------
    list of Food
        One per hit; see :func:`parse_food` (search nutrient shape, ``foodMeasures``).

    Raises
    ------
    FdcResponseError
        If `data` has no ``foods`` list.

    References
    ----------
    .. [1] USDA ARS, "FoodData Central API Guide," https://fdc.nal.usda.gov/api-guide

    Examples
    --------
    >>> parse_search({"totalHits": 0, "foods": []})
    []
    """
    _raise_if_error(data)
    foods = data.get("foods") if isinstance(data, Mapping) else None
    if not isinstance(foods, list):
        raise FdcResponseError("expected an FDC search answer with a 'foods' list")
    return [parse_food(hit) for hit in foods]


# --------------------------------------------------------------------------- client


class _Retry(Retry):
    """urllib3 Retry that never retries 429 (FDC blocks for an hour) and caps Retry-After."""

    RETRY_AFTER_STATUS_CODES = frozenset({503})
    #: Longest Retry-After honoured between attempts [s]; longer waits are cut to this.
    MAX_RETRY_AFTER = 30.0

    def parse_retry_after(self, retry_after: str) -> float:
        return min(super().parse_retry_after(retry_after), self.MAX_RETRY_AFTER)


def _describe_body(text: str, content_type: str) -> str:
    """What a body that is not the expected JSON looks like, for messages."""
    stripped = text.strip()
    if not stripped:
        return "an empty body"
    if "html" in content_type.lower() or stripped[:1] == "<":
        title = re.search(r"<title[^>]*>(.*?)</title>", stripped, re.I | re.S)
        name = f' titled "{" ".join(title.group(1).split())[:80]}"' if title else ""
        return f"an HTML page{name} (an error or maintenance page from a proxy?)"
    try:
        json.loads(stripped)
    except json.JSONDecodeError as err:
        if err.pos >= len(stripped) - 1 or "Unterminated" in err.msg:
            return f"JSON that breaks off after {len(stripped)} characters (truncated)"
        snippet = " ".join(stripped[:60].split())
        return f"text that is not JSON ({err.msg} at character {err.pos}): {snippet!r}"
    return "JSON of an unexpected shape"


def _cacheable(response: requests.Response) -> bool:
    """Cache 404s and 200s that look like whole JSON, never an HTML page or a truncated body."""
    if response.status_code == 404:
        return True
    body = response.content.strip()
    return body[:1] in (b"{", b"[") and body[-1:] in (b"}", b"]")


class FdcClient:
    """
    A client for the USDA FoodData Central API that returns :class:`~magcalc.foods.Food`.

    Every call has a timeout; connection errors, timeouts and 5xx answers are
    retried with exponential backoff, at most `retries` times; 429 is never
    retried (FDC blocks an over-limit key for an hour). Answers are cached on disk
    (requests-cache, SQLite) so repeated lookups cost no request.

    Parameters
    ----------
    api_key : str, optional
        FDC (api.data.gov) key. Default: the ``FDC_API_KEY`` environment variable,
        else ``DEMO_KEY`` with an :class:`FdcKeyWarning` (about 30 requests an hour).
    base_url : str, default "https://api.nal.usda.gov/fdc"
        API root, for mirrors and tests.
    timeout : float or (float, float), default (3.05, 15)
        Connect and read timeouts [s].
    cache : bool or path-like, default True
        True: an SQLite cache in ``platformdirs.user_cache_dir("magcalc")``; a path:
        that folder; False or None: no cache. A corrupt cache file is deleted and
        recreated, and a folder that cannot be written means no cache; each gives
        one :class:`FdcCacheWarning`.
    retries : int, default 3
        Retries after the first attempt for connection errors, timeouts and 5xx.
    backoff_factor : float, default 0.5
        Sleep ``backoff_factor * 2 ** (n - 1)`` [s] before retry n (urllib3).
    cache_expire_after : timedelta or float, default 30 days
        How long a cached answer is used [s, when a number]; FDC publishes twice a year.

    Attributes
    ----------
    base_url : str
    timeout : tuple of float
    retries : int
    cache_path : Path or None
        The SQLite cache file, or None when not caching.

    Notes
    -----
    Thread safety: each client owns one ``requests`` Session and serialises its
    requests with a lock, so a client may be shared between threads, but its
    calls then run one at a time. For parallel downloads give each thread its own
    client; clients may share the cache folder (SQLite locks the file).

    The cache keeps 200 answers that are whole JSON and 404 answers (FDC ids are
    not reused), for `cache_expire_after`; the key is not part of cache keys, so
    clients with different keys share entries.

    Only GET requests are sent, redirects are not followed (the key must not go
    to another host), and the key is sent only in the ``X-Api-Key`` header.

    References
    ----------
    .. [1] USDA ARS, "FoodData Central API Guide," https://fdc.nal.usda.gov/api-guide
    .. [2] api.data.gov, "API Key Usage: Rate Limits," https://api.data.gov/docs/rate-limits/

    Examples
    --------
    Making a client is offline (no request is sent until a method is called):

    >>> client = FdcClient(api_key="your-key", cache=False)
    >>> client.base_url, client.timeout, client.rate_limit_remaining
    ('https://api.nal.usda.gov/fdc', (3.05, 15.0), None)

    Lookups need the network, so these are not run here::

        from magcalc.fdc import FdcClient
        import magcalc

        client = FdcClient()                 # key from FDC_API_KEY
        foods = client.search("banana baked")
        food = client.food(2262072)          # Peanut butter, creamy (Foundation)
        magcalc.food_magnesium(food, "2 tbsp")
    """

    def __init__(
        self,
        api_key: str | None = None,
        *,
        base_url: str = DEFAULT_BASE_URL,
        timeout: float | tuple[float, float] = (3.05, 15),
        cache: bool | str | os.PathLike[str] | None = True,
        retries: int = 3,
        backoff_factor: float = 0.5,
        cache_expire_after: timedelta | float = timedelta(days=30),
    ) -> None:
        self._key, self._key_origin = self._resolve_key(api_key)
        if not isinstance(base_url, str) or not re.match(r"^https?://", base_url):
            raise InputError(
                f"base_url must be an http(s) URL such as {DEFAULT_BASE_URL!r}, not {base_url!r}",
                field="base_url",
            )
        self.base_url = base_url.rstrip("/")
        self.timeout = self._check_timeout(timeout)
        if isinstance(retries, bool) or not isinstance(retries, int) or retries < 0:
            raise InputError(
                f"retries must be a whole number >= 0, not {retries!r}", field="retries"
            )
        factor = _number(backoff_factor)
        if factor is None or factor < 0:
            raise InputError(
                f"backoff_factor must be a number >= 0 [s], not {backoff_factor!r}",
                field="backoff_factor",
            )
        self.retries = retries
        self.backoff_factor = factor
        self._expire = self._check_expire(cache_expire_after)
        self._lock = threading.Lock()
        self._rate_limit_remaining: int | None = None
        self._rate_limit_limit: int | None = None
        self.cache_path: Path | None = None
        self._session = self._make_session(cache)

    # ------------------------------------------------------------------ setup

    @staticmethod
    def _resolve_key(api_key: str | None) -> tuple[str, str]:
        if api_key is not None:
            if not isinstance(api_key, str) or not api_key.strip():
                raise InputError(
                    "api_key must be a non-empty string (or None to use FDC_API_KEY); "
                    f"get a free key at {API_KEY_SIGNUP_URL}",
                    field="api_key",
                )
            return api_key.strip(), "argument"
        env = os.environ.get("FDC_API_KEY", "").strip()
        if env:
            return env, "FDC_API_KEY"
        warnings.warn(
            "no FoodData Central API key given (api_key= or the FDC_API_KEY environment "
            "variable), so magcalc uses DEMO_KEY, which allows only about 30 requests an "
            "hour and 50 a day per IP address; over that FDC answers 429 and blocks for an "
            f"hour. Get a free key at {API_KEY_SIGNUP_URL}",
            FdcKeyWarning,
            stacklevel=3,
        )
        return DEMO_KEY, "DEMO_KEY"

    @staticmethod
    def _check_expire(value: Any) -> timedelta | float:
        seconds = value.total_seconds() if isinstance(value, timedelta) else _number(value)
        if isinstance(value, (bool, str)) or seconds is None or seconds < 0:
            raise InputError(
                "cache_expire_after must be a timedelta or a number of seconds >= 0, not "
                f"{value!r}; e.g. timedelta(days=30)",
                field="cache_expire_after",
            )
        return value if isinstance(value, timedelta) else float(seconds)

    @staticmethod
    def _check_timeout(timeout: Any) -> tuple[float, float]:
        values = timeout if isinstance(timeout, tuple) else (timeout, timeout)
        numbers = [_number(v) for v in values]
        if len(numbers) != 2 or any(v is None or v <= 0 for v in numbers):
            raise InputError(
                "timeout must be seconds > 0, or a (connect, read) pair of them, "
                f"not {timeout!r}; FDC calls always have a timeout",
                field="timeout",
            )
        return (float(values[0]), float(values[1]))

    def _make_session(self, cache: Any) -> requests.Session:
        session: requests.Session | None = None
        if cache is True:
            import platformdirs

            session = self._open_cache(Path(platformdirs.user_cache_dir("magcalc")))
        elif cache not in (False, None):
            text = os.fspath(cache) if isinstance(cache, (str, os.PathLike)) else None
            if not isinstance(text, str) or not text.strip() or "\x00" in text:
                raise InputError(
                    f"cache must be True, False or a folder path, not {cache!r}", field="cache"
                )
            session = self._open_cache(Path(cache).expanduser())
        if session is None:
            session = requests.Session()
        retry = _Retry(
            total=self.retries,
            backoff_factor=self.backoff_factor,
            status_forcelist=(500, 502, 503, 504),
            allowed_methods=None,  # only GETs are sent; retry them all
            raise_on_status=False,  # hand the last 5xx to _check, which reads FDC's message
            respect_retry_after_header=True,
        )
        adapter = HTTPAdapter(max_retries=retry)
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        from magcalc import __version__

        session.headers.update(
            {
                "User-Agent": f"magcalc/{__version__}",
                "Accept": "application/json",
                "X-Api-Key": self._key,
            }
        )
        return session

    def _open_cache(self, folder: Path) -> requests.Session | None:
        """A requests-cache session in `folder`, or None (with one warning) when impossible."""
        import requests_cache

        path = folder / CACHE_FILE

        def build() -> requests.Session:
            session: requests.Session = requests_cache.CachedSession(
                str(path),
                backend="sqlite",
                expire_after=self._expire,
                allowable_codes=(200, 404),
                allowable_methods=("GET",),
                ignored_parameters=_IGNORED_PARAMETERS,
                match_headers=False,
                cache_control=False,
                filter_fn=_cacheable,
            )
            len(session.cache.responses)  # type: ignore[attr-defined]  # reads the file
            return session

        try:
            folder.mkdir(parents=True, exist_ok=True)
            try:
                session = build()
            except sqlite3.OperationalError:
                raise
            except sqlite3.DatabaseError as err:
                warnings.warn(
                    f"the FoodData Central cache {path} is unreadable ({err}); deleting it and "
                    "starting an empty one",
                    FdcCacheWarning,
                    stacklevel=4,
                )
                for suffix in ("", "-wal", "-shm", "-journal"):
                    Path(f"{path}{suffix}").unlink(missing_ok=True)
                session = build()
        except (OSError, sqlite3.Error) as err:
            reason = getattr(err, "strerror", None) or str(err)
            warnings.warn(
                f"cannot use the FoodData Central cache in {folder} ({reason}); continuing "
                "without a cache, so every lookup costs a request. Pass cache=<a writable "
                "folder> or cache=False",
                FdcCacheWarning,
                stacklevel=4,
            )
            return None
        self.cache_path = path
        return session

    # ------------------------------------------------------------------ dunder

    def __repr__(self) -> str:
        key = {"argument": "given", "FDC_API_KEY": "from FDC_API_KEY", "DEMO_KEY": "DEMO_KEY"}
        return (
            f"FdcClient(base_url={self.base_url!r}, key={key[self._key_origin]}, "
            f"cache={str(self.cache_path) if self.cache_path else None!r}, "
            f"timeout={self.timeout}, retries={self.retries})"
        )

    def __enter__(self) -> FdcClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the HTTP session and the cache file."""
        self._session.close()

    # ------------------------------------------------------------------ rate limit

    @property
    def rate_limit_remaining(self) -> int | None:
        """Requests left this hour, from the last network answer's ``X-RateLimit-Remaining``.

        None before the first network answer (cached answers do not update it).
        """
        return self._rate_limit_remaining

    @property
    def rate_limit_limit(self) -> int | None:
        """Requests allowed an hour, from the last network answer's ``X-RateLimit-Limit``."""
        return self._rate_limit_limit

    # ------------------------------------------------------------------ transport

    def _scrub(self, text: str) -> str:
        """Belt and braces: no message may carry the key, even if a server echoes it."""
        if self._key == DEMO_KEY or len(self._key) < 8:
            return text
        return text.replace(self._key, "<api key>")

    def _get(self, path: str, params: Mapping[str, str] | None = None) -> requests.Response:
        """One GET with retries; transport failures become FdcUnavailableError."""
        url = f"{self.base_url}{path}"
        try:
            with self._lock:
                response = self._send(url, params)
        except requests.exceptions.ConnectionError as err:
            # After its retries urllib3 reports a read timeout as MaxRetryError, which
            # requests turns into ConnectionError: look at the reason to tell them apart.
            reason = getattr(err.args[0], "reason", None) if err.args else None
            refused = isinstance(reason, urllib3.exceptions.NewConnectionError)
            if refused or not isinstance(reason, urllib3.exceptions.TimeoutError):
                raise FdcUnavailableError(self._unreachable(path, err)) from err
            raise FdcUnavailableError(self._timed_out(path)) from err
        except requests.exceptions.Timeout as err:
            raise FdcUnavailableError(self._timed_out(path)) from err
        except requests.exceptions.ChunkedEncodingError as err:
            raise FdcResponseError(
                f"FoodData Central's answer to GET {path} broke off before its end "
                "(truncated); try again"
            ) from err
        except requests.exceptions.RequestException as err:
            raise FdcUnavailableError(self._unreachable(path, err)) from err
        from_cache = bool(getattr(response, "from_cache", False))
        logger.debug(
            "FDC GET %s -> %s (%s)", path, response.status_code, "cache" if from_cache else "net"
        )
        if not from_cache:
            remaining = _int(response.headers.get("X-RateLimit-Remaining"))
            if remaining is not None:
                self._rate_limit_remaining = remaining
            limit = _int(response.headers.get("X-RateLimit-Limit"))
            if limit is not None:
                self._rate_limit_limit = limit
        return response

    def _timed_out(self, path: str) -> str:
        return (
            f"FoodData Central did not answer GET {path} within the timeout "
            f"({self.timeout[0]:g} s to connect, {self.timeout[1]:g} s to read) in "
            f"{self.retries + 1} attempt(s); it may be overloaded: try again later or pass a "
            "longer timeout="
        )

    def _unreachable(self, path: str, err: Exception) -> str:
        return self._scrub(
            f"cannot reach FoodData Central at {self.base_url} for GET {path} after "
            f"{self.retries + 1} attempt(s) ({type(err).__name__}); check the network "
            "connection or try again later"
        )

    def _send(self, url: str, params: Mapping[str, str] | None) -> requests.Response:
        try:
            return self._session.get(
                url, params=params, timeout=self.timeout, allow_redirects=False
            )
        except sqlite3.Error as err:
            # The cache broke while in use (disk full, file replaced, read-only):
            # carry on without it rather than fail the lookup.
            warnings.warn(
                f"the FoodData Central cache {self.cache_path} failed ({err}); continuing "
                "without a cache",
                FdcCacheWarning,
                stacklevel=5,
            )
            headers = dict(self._session.headers)
            adapter = self._session.get_adapter(url)
            self._session.close()
            self._session = requests.Session()
            self._session.headers.update(headers)
            self._session.mount("http://", adapter)
            self._session.mount("https://", adapter)
            self.cache_path = None
            return self._session.get(
                url, params=params, timeout=self.timeout, allow_redirects=False
            )

    def _json(self, response: requests.Response, path: str) -> Any:
        """The decoded JSON of a 200 answer; every other answer raises its FdcError."""
        status = response.status_code
        content_type = response.headers.get("Content-Type", "")
        try:
            text = response.text
        except requests.exceptions.RequestException as err:
            raise FdcResponseError(
                f"FoodData Central's answer to GET {path} could not be read ({type(err).__name__})"
            ) from err
        data: Any = None
        decoded = False
        if text.strip():
            try:
                data = json.loads(text)
                decoded = True
            except json.JSONDecodeError:
                decoded = False
        if status == 200:
            if not decoded:
                raise FdcResponseError(
                    self._scrub(
                        f"FoodData Central answered GET {path} with "
                        f"{_describe_body(text, content_type)} instead of JSON; try again later"
                    )
                )
            error = parse_error(data, status=status, headers=response.headers)
            if error is not None:
                raise error
            return data
        error = parse_error(data, status=status, headers=response.headers) if decoded else None
        if error is None:
            error = self._status_error(status, path, text, content_type, response.headers)
        error.message = self._scrub(error.message)
        error.args = (error.message,)
        raise error

    def _status_error(
        self,
        status: int,
        path: str,
        text: str,
        content_type: str,
        headers: Mapping[str, str],
    ) -> FdcError:
        body = _describe_body(text, content_type)
        if status == 429:
            return _rate_limit_error("", "", headers)
        if status in (401, 403):
            return FdcAuthError(_auth_message("", ""))
        if status == 404:
            return FdcNotFoundError(f"FoodData Central has nothing at GET {path} (404)")
        if status >= 500:
            return FdcUnavailableError(
                f"FoodData Central failed with HTTP {status} for GET {path} after "
                f"{self.retries + 1} attempt(s), answering {body}; this is an FDC outage, "
                "try again later"
            )
        if 300 <= status < 400:
            where = headers.get("Location", "?")
            return FdcResponseError(
                f"FoodData Central redirected GET {path} to {where} (HTTP {status}); magcalc "
                "does not follow redirects (the API key must not go elsewhere): set base_url "
                "to the new address"
            )
        return FdcResponseError(
            f"FoodData Central answered GET {path} with HTTP {status} and {body}"
        )

    def _parse(self, response: requests.Response, path: str, parse: Callable[[Any], T]) -> T:
        """Decode and parse an answer; one that fails is dropped from the cache."""
        try:
            return parse(self._json(response, path))
        except FdcResponseError:
            cache = getattr(self._session, "cache", None)
            if cache is not None:
                with contextlib.suppress(sqlite3.Error):  # the answer is an error anyway
                    cache.delete(requests=[response.request])
            raise

    def _fetch(self, path: str, params: Mapping[str, str] | None, parse: Callable[[Any], T]) -> T:
        return self._parse(self._get(path, params), path, parse)

    # ------------------------------------------------------------------ API

    def search(
        self,
        query: str,
        data_types: str | Sequence[str] = DEFAULT_DATA_TYPES,
        page_size: int = 25,
        page: int = 1,
    ) -> list[Food]:
        """
        Search FDC for foods; Foundation, SR Legacy and Survey (FNDDS) unless asked.

        Branded foods are searched only when `data_types` names "Branded": the
        unfiltered search is swamped by Branded duplicates, which rarely have
        magnesium.

        Parameters
        ----------
        query : str
            Words to search for, e.g. ``"banana baked"``.
        data_types : str or sequence of str, default ("Foundation", "SR Legacy", "Survey (FNDDS)")
            Any of "Foundation", "SR Legacy", "Survey (FNDDS)", "Branded" (case does
            not matter; "Survey" and "FNDDS" mean "Survey (FNDDS)").
        page_size : int, default 25
            Hits per page, 1-200.
        page : int, default 1
            Page number, from 1.

        Returns
        -------
        list of Food
            In FDC's relevance order.

        Raises
        ------
        InputError
            If an argument is out of range.
        FdcError
            See :class:`FdcClient` (auth, rate limit, outage, bad answer).

        References
        ----------
        .. [1] USDA ARS, "FoodData Central API Guide: /v1/foods/search,"
           https://fdc.nal.usda.gov/api-guide
        """
        if not isinstance(query, str) or not query.strip():
            raise InputError(f"query must be non-empty text, not {query!r}", field="query")
        types = _check_data_types(data_types)
        for name, value, top in (("page_size", page_size, 200), ("page", page, 10_000)):
            if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= top:
                raise InputError(
                    f"{name} must be a whole number from 1 to {top}, not {value!r}", field=name
                )
        params = {
            "query": query.strip(),
            "dataType": ",".join(types),
            "pageSize": str(page_size),
            "pageNumber": str(page),
        }
        return self._fetch("/v1/foods/search", params, parse_search)

    def food(self, fdc_id: int | str) -> Food:
        """
        One food by FDC id.

        Asks for the full format (with portions); when FDC answers 404 with an
        empty body, which some Foundation foods do, asks once more in abridged
        format (no portions).

        Parameters
        ----------
        fdc_id : int or str
            FDC id, e.g. ``2262072``.

        Returns
        -------
        Food

        Raises
        ------
        FdcNotFoundError
            If FDC has no food with that id.
        InputError
            If `fdc_id` is not a positive whole number.
        FdcError
            See :class:`FdcClient`.

        References
        ----------
        .. [1] USDA ARS, "FoodData Central API Guide: /v1/food/{fdcId},"
           https://fdc.nal.usda.gov/api-guide
        """
        fid = _check_id(fdc_id)
        path = f"/v1/food/{fid}"
        response = self._get(path)
        if response.status_code == 404 and not response.content.strip():
            logger.debug("FDC GET %s: 404 with an empty body; trying format=abridged", path)
            response = self._get(path, {"format": "abridged"})
            if response.status_code == 404:
                raise FdcNotFoundError(
                    f"FoodData Central has no food with FDC id {fid} (404 in full and abridged "
                    "format); check the id at https://fdc.nal.usda.gov/ or find foods with "
                    "FdcClient.search(...)"
                )
        elif response.status_code == 404:
            raise FdcNotFoundError(
                f"FoodData Central has no food with FDC id {fid} (404); check the id at "
                "https://fdc.nal.usda.gov/ or find foods with FdcClient.search(...)"
            )
        return self._parse(response, path, parse_food)

    def foods(
        self,
        fdc_ids: Iterable[int | str],
        *,
        missing: Literal["warn", "raise", "ignore"] = "warn",
    ) -> FdcFoods:
        """
        Many foods by FDC id, 20 ids per request.

        FDC drops unknown ids from ``/v1/foods`` answers without a word; the ids it
        dropped in full format are asked for once more in abridged format (some
        Foundation foods only answer that way), and those still missing are
        reported in :attr:`FdcFoods.missing` and, by default, in a warning.
        N distinct ids cost ``ceil(N / 20)`` requests when none is dropped.

        Parameters
        ----------
        fdc_ids : iterable of int or str
            FDC ids; duplicates are fetched once.
        missing : {"warn", "raise", "ignore"}, default "warn"
            What to do about ids FDC did not return: an
            :class:`FdcMissingFoodsWarning`, an :class:`~magcalc.errors.FdcNotFoundError`,
            or nothing (they are in ``.missing`` in every case).

        Returns
        -------
        FdcFoods
            A list of Food in the order of `fdc_ids`, with ``.missing``.

        Raises
        ------
        FdcNotFoundError
            If ``missing="raise"`` and some ids were not found.
        InputError
            If an id is not a positive whole number.
        FdcError
            See :class:`FdcClient`.

        References
        ----------
        .. [1] USDA ARS, "FoodData Central API Guide: /v1/foods,"
           https://fdc.nal.usda.gov/api-guide
        """
        if missing not in ("warn", "raise", "ignore"):
            raise InputError(
                f"missing must be 'warn', 'raise' or 'ignore', not {missing!r}", field="missing"
            )
        if isinstance(fdc_ids, (str, int)):
            fdc_ids = [fdc_ids]
        if not isinstance(fdc_ids, Iterable):
            raise InputError(
                f"fdc_ids must be FDC ids or a list of them, not {fdc_ids!r}", field="fdc_ids"
            )
        wanted = list(dict.fromkeys(_check_id(i) for i in fdc_ids))
        found: dict[int, Food] = {}
        for fmt in ("full", "abridged"):
            todo = [i for i in wanted if i not in found]
            for start in range(0, len(todo), MAX_IDS_PER_CALL):
                chunk = todo[start : start + MAX_IDS_PER_CALL]
                params = {"fdcIds": ",".join(map(str, chunk))}
                if fmt == "abridged":
                    params["format"] = "abridged"
                for food in self._fetch("/v1/foods", params, parse_foods):
                    if food.fdc_id is not None:  # FDC records always carry their id
                        found.setdefault(food.fdc_id, food)
        lost = [i for i in wanted if i not in found]
        result = FdcFoods((found[i] for i in wanted if i in found), missing=lost)
        if lost:
            text = (
                f"FoodData Central returned no food for {len(lost)} of {len(wanted)} FDC id(s): "
                f"{', '.join(map(str, lost[:20]))}{' ...' if len(lost) > 20 else ''} (unknown or "
                "withdrawn; Branded foods get a new id at each revision)"
            )
            if missing == "raise":
                raise FdcNotFoundError(text)
            if missing == "warn":
                warnings.warn(text, FdcMissingFoodsWarning, stacklevel=2)
        return result


def _check_data_types(data_types: str | Sequence[str]) -> tuple[str, ...]:
    aliases = {t.lower(): t for t in DATA_TYPES}
    aliases.update({"survey": "Survey (FNDDS)", "fndds": "Survey (FNDDS)", "sr": "SR Legacy"})
    if not isinstance(data_types, (str, Iterable)):
        raise InputError(
            f"data_types must be a data type or a list of them, not {data_types!r}; use any "
            f"of: {', '.join(DATA_TYPES)}",
            field="data_types",
        )
    given = [data_types] if isinstance(data_types, str) else list(data_types)
    types: list[str] = []
    for item in given:
        name = aliases.get(str(item).strip().lower()) if isinstance(item, str) else None
        if name is None:
            raise InputError(
                f"unknown FDC data type {item!r}; use any of: {', '.join(DATA_TYPES)}",
                field="data_types",
            )
        if name not in types:
            types.append(name)
    if not types:
        raise InputError(
            f"data_types is empty; use any of: {', '.join(DATA_TYPES)}", field="data_types"
        )
    return tuple(types)
