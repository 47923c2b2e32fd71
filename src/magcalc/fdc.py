"""USDA FoodData Central (FDC): a robust, cached API client and offline parse functions.

The bundled table holds SR Legacy and FNDDS 2021-2023; FDC adds Foundation and
Branded foods and its own Survey (FNDDS) releases. Following pvlib's ``iotools``,
fetching and parsing are split:

* :class:`FdcClient` does the I/O: a ``requests`` Session with timeouts on every
  call and a total deadline on every request (retries, their waits and the body
  included), bounded retries with backoff for connection errors and 5xx (urllib3
  ``Retry``), a cap on the size of an answer, one table that maps FDC statuses to
  :mod:`magcalc.errors`, and a persistent HTTP cache (requests-cache, SQLite) in
  the user cache folder that keeps only valid food data.
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
the client falls back to ``DEMO_KEY`` with a warning (about 30 requests an hour [2]_).
A free key: https://fdc.nal.usda.gov/api-key-signup. The key travels only in the
``X-Api-Key`` header: never in a URL, a log record, an exception text, a repr or
the cache file (requests-cache stores the header as ``REDACTED`` and leaves it out
of cache keys). Redirects are not followed, so the header never goes to another
host. A server may echo the key back: exception texts built from what it sent
are scrubbed, the records of the urllib3 and requests-cache loggers that can
quote a server are scrubbed by a filter, and an answer that quotes the key is
not cached (see :class:`FdcClient`, Notes, for the rule on short keys).

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
import functools
import json
import logging
import math
import os
import re
import socket
import sqlite3
import sys
import threading
import time
import traceback
import warnings
import weakref
from collections.abc import Callable, Iterable, Iterator, Mapping, MutableMapping, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Literal, TypeVar
from urllib.parse import quote, quote_plus, urlsplit

import requests
import urllib3
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import ConnectionPool, HTTPConnectionPool, HTTPSConnectionPool
from urllib3.util import Timeout
from urllib3.util.retry import Retry

from magcalc.errors import (
    FdcAuthError,
    FdcError,
    FdcNotFoundError,
    FdcRateLimitError,
    FdcResponseError,
    FdcUnavailableError,
    InputError,
    MagcalcError,
)
from magcalc.foods import Food, Portion

if TYPE_CHECKING:
    from typing_extensions import Self

__all__ = [
    "API_KEY_SIGNUP_URL",
    "DATA_TYPES",
    "DEFAULT_BASE_URL",
    "DEFAULT_DATA_TYPES",
    "DEFAULT_DEADLINE",
    "DEFAULT_MAX_RESPONSE_BYTES",
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


def _auth_message(code: str, fdc_message: str, status: int | None = None) -> str:
    if code == "API_KEY_MISSING":
        cause = "no API key was sent (API_KEY_MISSING)"
    elif code == "API_KEY_INVALID":
        cause = "the API key is not valid (API_KEY_INVALID); check it for typos"
    elif code == "API_KEY_DISABLED":
        cause = "the API key has been disabled (API_KEY_DISABLED)"
    elif code == "API_KEY_UNVERIFIED":
        cause = "the API key's e-mail address is not verified yet (API_KEY_UNVERIFIED)"
    else:
        cause = f"it answered {code or (f'HTTP {status}' if status else 'with no error code')}"
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
        + _retry_after_note(headers, only_if_unreadable=True)
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


def _retry_after_note(headers: Mapping[str, str], *, only_if_unreadable: bool = False) -> str:
    """What the Retry-After header said, for messages; "" when there is none."""
    raw = headers.get("Retry-After")
    if raw is None:
        return ""
    seconds = _retry_after(raw)
    if seconds is None:
        return (
            f" (its Retry-After header {str(raw)[:60]!r} is neither a number of seconds nor "
            "an HTTP date, so it says nothing about when to retry)"
        )
    return "" if only_if_unreadable else f"; FDC asked to retry after {seconds:g} s (Retry-After)"


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
            return FdcAuthError(_auth_message(code, message, status))
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


# --------------------------------------------------------------------------- transport

#: Default total time for one GET, its retries and its body [s].
DEFAULT_DEADLINE = 30.0
#: Default cap on the size of one answer [bytes]; FDC's largest (20 full records) are a few MB.
DEFAULT_MAX_RESPONSE_BYTES = 20_000_000
_CHUNK = 64 * 1024
_MASK = "<api key>"
#: Keys shorter than this are masked only where they stand alone (see FdcClient, Notes).
_MIN_SUBSTRING_KEY = 4
_WORD_CHARS = "A-Za-z0-9_-"
_FOOD_PATH = re.compile(r"/v1/food/(\d+)$")
# The GET under way in this thread: urllib3 runs retries, timeouts and reads in the caller's thread.
_local = threading.local()


class _Call:
    """
    One GET under way: its deadline, attempts, bytes received and why retrying stopped.

    The deadline is kept three ways: a retry does not start, or sleep, past it
    (:class:`_Retry`); each attempt's connect and read timeouts are cut to the time
    left (:class:`_Timeout`); and a watchdog shuts the socket down when it passes,
    which ends a server that drips bytes just fast enough to beat every per-read
    timeout, in the headers as in the body.
    """

    def __init__(self, seconds: float, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.end = time.monotonic() + seconds
        self.attempts = 1
        self.received = 0
        self.gave_up = ""  # the wait a retry needed past the deadline, for the message
        self.expired = False
        self.verdicts: dict[int, bool] = {}  # requests-cache asks its filter twice per answer
        self._sockets: list[socket.socket] = []
        self._timer: threading.Timer | None = None
        self._done = False
        self._guard = threading.Lock()

    def remaining(self) -> float:
        return self.end - time.monotonic()

    def over(self) -> bool:
        return self.expired or self.remaining() <= 0

    def watch(self, sock: socket.socket) -> None:
        with self._guard:
            if self._done:
                return
            if sock not in self._sockets:
                self._sockets.append(sock)
            if self._timer is None:
                self._timer = threading.Timer(max(self.remaining(), 0.0), self._expire)
                self._timer.daemon = True
                self._timer.start()

    def _expire(self) -> None:
        with self._guard:
            if self._done:
                return
            self.expired = True
            for sock in self._sockets:
                with contextlib.suppress(OSError):
                    # The plain socket's shutdown: SSLSocket's would drop its TLS state
                    # under the thread that is reading.
                    socket.socket.shutdown(sock, socket.SHUT_RDWR)

    def finish(self) -> None:
        with self._guard:
            self._done = True
            self._sockets.clear()
            if self._timer is not None:
                self._timer.cancel()


def _current_call() -> _Call | None:
    call = getattr(_local, "call", None)
    return call if isinstance(call, _Call) else None


@contextlib.contextmanager
def _calling(call: _Call) -> Iterator[_Call]:
    previous = _current_call()
    _local.call = call
    try:
        yield call
    finally:
        _local.call = previous
        call.finish()


class _DeadlineError(Exception):
    """The body was still arriving when the deadline passed."""


class _TooLargeError(Exception):
    """The answer is larger than the client's max_response_bytes."""

    def __init__(self, size: int, *, declared: bool) -> None:
        super().__init__(size)
        self.size, self.declared = size, declared


class _Retry(Retry):
    """
    urllib3 Retry that never retries 429, keeps to the deadline, and survives a bad Retry-After.

    FDC blocks an over-limit key for an hour, so 429 is not retried. A retry whose
    wait (Retry-After or backoff) would end past the deadline is not started: the
    last answer is handed back and the client says why it stopped.
    """

    RETRY_AFTER_STATUS_CODES = frozenset({503})

    def get_retry_after(self, response: urllib3.BaseHTTPResponse) -> float | None:
        try:
            return super().get_retry_after(response)
        except urllib3.exceptions.InvalidHeader:
            return None  # back off instead; the error message reports the header

    def increment(
        self,
        method: str | None = None,
        url: str | None = None,
        response: urllib3.BaseHTTPResponse | None = None,
        error: Exception | None = None,
        _pool: ConnectionPool | None = None,
        _stacktrace: TracebackType | None = None,
    ) -> Self:
        retry = super().increment(method, url, response, error, _pool, _stacktrace)
        call = _current_call()
        if call is None:
            return retry
        asked = None
        if response is not None and self.respect_retry_after_header:
            asked = retry.get_retry_after(response)
        wait = asked if asked else retry.get_backoff_time()  # as Retry.sleep chooses
        if call.over() or wait >= call.remaining():
            if not call.over():
                call.gave_up = f"{wait:g} s ({'Retry-After' if asked else 'backoff'})"
            reason = error or urllib3.exceptions.ResponseError(
                f"HTTP {response.status if response is not None else '?'} at the deadline"
            )
            raise urllib3.exceptions.MaxRetryError(_pool, url, reason) from reason  # type: ignore[arg-type]
        call.attempts += 1
        return retry


class _Timeout(Timeout):
    """Connect and read timeouts, cut at each attempt to the time left before the deadline."""

    def __init__(self, connect: float, read: float) -> None:
        super().__init__(connect=connect, read=read)
        self._limits = (connect, read)

    def clone(self) -> Timeout:
        connect, read = self._limits
        call = _current_call()
        if call is not None:
            left = max(call.remaining(), 0.001)
            connect, read = min(connect, left), min(read, left)
        return Timeout(connect=connect, read=read)


def _watch_socket(sock: socket.socket | None) -> None:
    call = _current_call()
    if call is not None and sock is not None:
        call.watch(sock)


class _WatchedHTTPConnection(HTTPConnection):
    def getresponse(self) -> urllib3.response.HTTPResponse:  # type: ignore[override]
        _watch_socket(self.sock)
        return super().getresponse()


class _WatchedHTTPSConnection(HTTPSConnection):
    def getresponse(self) -> urllib3.response.HTTPResponse:  # type: ignore[override]
        _watch_socket(self.sock)
        return super().getresponse()


class _WatchedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _WatchedHTTPConnection


class _WatchedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection


_WATCHED_POOLS: dict[str, type[HTTPConnectionPool]] = {
    "http": _WatchedHTTPPool,
    "https": _WatchedHTTPSPool,
}


class _Adapter(HTTPAdapter):
    """
    HTTPAdapter that reads each body itself, under the deadline and up to the size cap.

    requests would read the whole body whatever its size, and requests-cache reads
    it before anyone can look; here it is streamed and dropped past the cap.
    """

    def init_poolmanager(
        self, connections: int, maxsize: int, block: bool = False, **pool_kwargs: Any
    ) -> None:
        super().init_poolmanager(connections, maxsize, block, **pool_kwargs)
        self.poolmanager.pool_classes_by_scheme = dict(_WATCHED_POOLS)

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        if manager.pool_classes_by_scheme is urllib3.poolmanager.pool_classes_by_scheme:
            manager.pool_classes_by_scheme = dict(_WATCHED_POOLS)  # not SOCKS: it has its own
        return manager

    def send(
        self,
        request: requests.PreparedRequest,
        stream: bool = False,
        timeout: float | tuple[float, float] | tuple[float, None] | None = None,
        verify: bool | str = True,
        cert: bytes | str | tuple[bytes | str, bytes | str] | None = None,
        proxies: Mapping[str, str] | None = None,
    ) -> requests.Response:
        call = _current_call()
        if call is None or not isinstance(timeout, tuple) or timeout[1] is None:
            return super().send(request, stream, timeout, verify, cert, proxies)
        limits: Any = _Timeout(timeout[0], timeout[1])
        response = super().send(request, True, limits, verify, cert, proxies)
        try:
            _read_body(response, call)
        except BaseException:
            response.close()
            raise
        return response


def _read_body(response: requests.Response, call: _Call) -> None:
    declared = _int(response.headers.get("Content-Length"))
    if declared is not None and declared > call.max_bytes:
        raise _TooLargeError(declared, declared=True)
    body = bytearray()
    try:
        for chunk in response.iter_content(_CHUNK):
            body += chunk
            call.received = len(body)
            if len(body) > call.max_bytes:
                raise _TooLargeError(len(body), declared=False)
            if call.over():
                raise _DeadlineError
    except requests.exceptions.RequestException as err:
        if call.over():
            raise _DeadlineError from err
        raise
    if call.over():  # the watchdog's shutdown looks like the end of a body of unknown length
        raise _DeadlineError
    response._content = bytes(body)


class _Secret:
    """
    An API key and a pattern that finds it in text, as sent or escaped.

    A server may echo the key raw, JSON-escaped, percent-encoded or, through
    ``repr`` in a message, with backslashes; all these forms are found. A key of
    4 characters or more is found anywhere; a shorter one only where it stands
    alone (not inside a longer run of letters, digits, ``_`` or ``-``), or every
    "a" of a message would be masked for a 1-character key.
    """

    def __init__(self, key: str) -> None:
        forms = {
            key,
            json.dumps(key)[1:-1],
            key.encode("unicode_escape").decode("ascii"),
            quote(key, safe=""),
            quote_plus(key),
        }
        forms |= {form.replace("'", "\\'") for form in forms}
        pattern = "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True))
        if len(key) < _MIN_SUBSTRING_KEY:
            pattern = rf"(?<![{_WORD_CHARS}])(?:{pattern})(?![{_WORD_CHARS}])"
        self._pattern = re.compile(pattern)

    def scrub(self, text: str) -> str:
        return self._pattern.sub(_MASK, text)

    def found_in(self, text: str) -> bool:
        return self._pattern.search(text) is not None


# Keys of live clients, for the log filter; a client's key leaves the set with the client.
_SECRETS: weakref.WeakSet[_Secret] = weakref.WeakSet()
_SECRETS_LOCK = threading.Lock()
# Loggers that may quote what a server sent: a bad status line, unparsable headers,
# Cache-Control and Expires values.
_QUOTING_LOGGERS = (
    "urllib3.connectionpool",
    "urllib3.connection",
    "urllib3.response",
    "urllib3.util.retry",
    "requests_cache.session",
    "requests_cache.policy.actions",
    "requests_cache.policy.expiration",
    "requests_cache.models.response",
    "requests_cache.backends.base",
    __name__,
)


class _ScrubLogs(logging.Filter):
    """Masks the key of every live client in the records of :data:`_QUOTING_LOGGERS`."""

    def filter(self, record: logging.LogRecord) -> bool:
        secrets = list(_SECRETS)
        if not secrets:
            return True
        try:
            message = record.getMessage()
        except Exception:  # a malformed record: logging reports it, a filter must not raise
            return True
        clean = _scrub_all(message, secrets)
        if clean != message:
            record.msg, record.args = clean, None
        if record.exc_info and record.exc_info[1] is not None:
            text = logging.Formatter().formatException(record.exc_info)
            clean = _scrub_all(text, secrets)
            if clean != text:
                record.exc_info, record.exc_text = None, clean
        return True


_LOG_FILTER = _ScrubLogs()


def _scrub_all(text: str, secrets: Iterable[_Secret]) -> str:
    for secret in secrets:
        text = secret.scrub(text)
    return text


def _register_secret(secret: _Secret) -> None:
    with _SECRETS_LOCK:
        _SECRETS.add(secret)
        for name in _QUOTING_LOGGERS:
            log = logging.getLogger(name)
            if _LOG_FILTER not in log.filters:
                log.addFilter(_LOG_FILTER)


class _ServerQuotedError(Exception):
    """Stands in for a cause whose text quoted the API key back (the key is masked here)."""


def _food_for(fdc_id: int, data: Any) -> Food:
    """:func:`parse_food`, refusing the record of another food than the one asked for."""
    food = parse_food(data)
    if food.fdc_id != fdc_id:
        raise FdcResponseError(
            f"FoodData Central answered GET /v1/food/{fdc_id} with the record of another food, "
            f"FDC id {food.fdc_id} ({food.description!r}); magcalc uses no answer for the wrong "
            "id. Try again later; if it persists, check that base_url points at FoodData Central"
        )
    return food


def _parser_for(path: str) -> Callable[[Any], object] | None:
    """The parse function for an answer to `path`, or None for a path magcalc never asks."""
    match = _FOOD_PATH.search(path)
    if match:
        return functools.partial(_food_for, int(match.group(1)))
    if path.endswith("/v1/foods/search"):
        return parse_search
    if path.endswith("/v1/foods"):
        return parse_foods
    return None


def _user_stacklevel() -> int:
    """The stacklevel that points a warning at the first caller outside this module."""
    frame = sys._getframe(1)
    level = 1
    while frame.f_back is not None and frame.f_globals.get("__name__") == __name__:
        frame = frame.f_back
        level += 1
    return level


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


# --------------------------------------------------------------------------- the cache


def _write_problem(path: Path) -> str | None:
    """
    Why SQLite cannot write the cache file `path` (a full disk, a read-only file), or None.

    Tried before requests-cache opens the file: requests-cache rolls back a failed
    write without a word, and waits forever for a write lock on a database that
    SQLite opens read-only.
    """
    try:
        con = sqlite3.connect(path, timeout=2.0, isolation_level=None)
    except sqlite3.Error as err:
        return str(err)
    try:
        con.execute("BEGIN IMMEDIATE")
        con.execute("CREATE TABLE magcalc_write_probe (x)")  # rolled back: nothing stays
        con.execute("ROLLBACK")
    except sqlite3.OperationalError as err:
        if "locked" in str(err) or "busy" in str(err):
            return None  # another process is writing it, so it can be written
        return str(err)
    except sqlite3.DatabaseError:
        return None  # not a database at all: the caller deletes and recreates it
    finally:
        con.close()
    return None


class _ReadOnlyResponses(MutableMapping[str, Any]):
    """
    The responses table of a requests-cache SQLite file that cannot be written, read-only.

    Answers got since are kept in memory, so they are not asked twice while the
    client lives; nothing is written to the file.
    """

    def __init__(self, path: Path) -> None:
        from requests_cache.serializers import init_serializer, pickle_serializer

        # The SQLite backend's format; requests-cache also puts its name in cache keys.
        self.serializer: Any = init_serializer(pickle_serializer, False)
        self._con = sqlite3.connect(
            f"{path.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False
        )
        self._lock = threading.Lock()
        try:
            self.stored = int(self._query("SELECT count(*) FROM responses")[0])
        except sqlite3.Error:
            self._con.close()
            raise
        self._new: dict[str, Any] = {}
        self._gone: set[str] = set()

    def _query(self, sql: str, *args: Any) -> Any:
        with self._lock:
            return self._con.execute(sql, args).fetchone()

    def _load(self, key: str, blob: Any) -> Any:
        try:
            value = self.serializer.loads(blob)
        except Exception:  # written by another requests-cache version: a miss
            return None
        with contextlib.suppress(AttributeError):
            value.cache_key = key
        return value

    def __getitem__(self, key: str) -> Any:
        if key in self._gone:
            raise KeyError(key)
        if key in self._new:
            return self._load(key, self._new[key])
        try:
            row = self._query("SELECT value FROM responses WHERE key=?", key)
        except sqlite3.Error:
            row = None  # unreadable now: a miss, asked again
        if row is None:
            raise KeyError(key)
        return self._load(key, row[0])

    def __setitem__(self, key: str, value: Any) -> None:
        self._new[key] = self.serializer.dumps(value)
        self._gone.discard(key)

    def __delitem__(self, key: str) -> None:
        if key not in self:
            raise KeyError(key)
        self._new.pop(key, None)
        self._gone.add(key)

    def __iter__(self) -> Iterator[str]:
        with self._lock:
            stored = [row[0] for row in self._con.execute("SELECT key FROM responses")]
        keys = dict.fromkeys([*stored, *self._new])
        return iter([k for k in keys if k not in self._gone])

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def bulk_delete(self, keys: Iterable[str]) -> None:
        for key in keys:
            with contextlib.suppress(KeyError):
                del self[key]

    def close(self) -> None:
        with self._lock:
            self._con.close()


def _read_only_cache(path: Path) -> Any:
    """A requests-cache backend that reads `path` and writes nowhere."""
    from requests_cache.backends.base import BaseCache, DictStorage

    cache = BaseCache(cache_name=str(path))
    cache.responses = _ReadOnlyResponses(path)  # type: ignore[assignment]
    cache.redirects = DictStorage()  # type: ignore[no-untyped-call]  # no redirects are followed
    return cache


# --------------------------------------------------------------------------- client


class FdcClient:
    """
    A client for the USDA FoodData Central API that returns :class:`~magcalc.foods.Food`.

    Every request has a timeout and a total deadline; connection errors, timeouts
    and 5xx answers are retried with exponential backoff, at most `retries` times
    and never past the deadline; 429 is never retried (FDC blocks an over-limit key
    for an hour). Answers are cached on disk (requests-cache, SQLite) so repeated
    lookups cost no request.

    Parameters
    ----------
    api_key : str, optional
        FDC (api.data.gov) key. Default: the ``FDC_API_KEY`` environment variable,
        else ``DEMO_KEY`` with an :class:`FdcKeyWarning` (about 30 requests an hour).
    base_url : str, default "https://api.nal.usda.gov/fdc"
        API root, for mirrors and tests.
    timeout : float or (float, float), default (3.05, 15)
        Connect and read timeouts of one attempt [s]. A read timeout bounds each
        wait for data, not the whole answer: `deadline` does that.
    deadline : float, default 30
        Total time for one request [s]: every attempt, the waits between them
        (backoff and ``Retry-After``) and reading the body. Past it the request
        stops with :class:`~magcalc.errors.FdcUnavailableError`; a retry whose wait
        would end past it is not made. :meth:`food` may send 2 requests and
        :meth:`foods` one per 20 ids (and as many again for dropped ids).
    cache : bool or path-like, default True
        True: an SQLite cache in ``platformdirs.user_cache_dir("magcalc")``; a path:
        that folder; False or None: no cache. A corrupt cache file is deleted and
        recreated; a cache that cannot be written (full disk, read-only file or
        folder) is read but not written; a folder that cannot be used at all means
        no cache. Each gives one :class:`FdcCacheWarning`.
    retries : int, default 3
        Retries after the first attempt for connection errors, timeouts and 5xx.
    backoff_factor : float, default 0.5
        Sleep ``backoff_factor * 2 ** (n - 1)`` [s] before retry n (urllib3).
    cache_expire_after : timedelta or float, default 30 days
        How long a cached answer is used [s, when a number]; FDC publishes twice a year.
    max_response_bytes : int, default 20_000_000
        Largest answer read [bytes, after decompression]; a larger one stops with
        :class:`~magcalc.errors.FdcResponseError` once the cap is passed, so it
        never sits whole in memory. FDC's largest answers are a few MB.

    Attributes
    ----------
    base_url : str
    timeout : tuple of float
    deadline : float
    retries : int
    max_response_bytes : int
    cache_path : Path or None
        The SQLite cache file, or None when not caching.
    cache_read_only : bool
        True when the cache file cannot be written (found when the client is made,
        or when a save failed): the answers in it are still used, new ones are not
        saved (while the client lives they are kept in memory when it was found
        at the start).

    Notes
    -----
    Thread safety: each client owns one ``requests`` Session and serialises its
    requests with a lock, so a client may be shared between threads, but its
    calls then run one at a time (the deadline counts from when a request gets
    its turn). For parallel downloads give each thread its own client; clients
    may share the cache folder (SQLite locks the file).

    The cache keeps only what is valid: 404 answers (FDC ids are not reused) and
    200 answers that parse as the food data asked for (the record of the id asked
    for, a list of records, a search page), for `cache_expire_after`. An FDC error
    body sent with status 200, an HTML page or a truncated body is never cached,
    and neither is an answer that quotes the key. The key is not part of cache
    keys, so clients with different keys share entries.

    Only GET requests are sent, redirects are not followed (the key must not go
    to another host), and the key is sent only in the ``X-Api-Key`` header. Every
    exception text built from what a server sent is scrubbed of the key (replaced
    by ``<api key>``), raw and in its JSON-escaped, percent-encoded and ``repr``
    forms; so are the records of the urllib3 and requests-cache loggers that can
    quote a server. A key of 4 characters or more is masked wherever it appears; a
    shorter one (never a real FDC key, which has 40) only where it stands alone,
    not inside a longer word, or masking every "a" would make messages unreadable.
    ``DEMO_KEY`` is public and not masked.

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
    >>> client.deadline, client.max_response_bytes
    (30.0, 20000000)

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
        deadline: float = DEFAULT_DEADLINE,
        cache: bool | str | os.PathLike[str] | None = True,
        retries: int = 3,
        backoff_factor: float = 0.5,
        cache_expire_after: timedelta | float = timedelta(days=30),
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
    ) -> None:
        self._key, self._key_origin = self._resolve_key(api_key)
        self._secret = None if self._key == DEMO_KEY else _Secret(self._key)
        if self._secret is not None:
            _register_secret(self._secret)
        if not isinstance(base_url, str) or not re.match(r"^https?://", base_url):
            raise InputError(
                f"base_url must be an http(s) URL such as {DEFAULT_BASE_URL!r}, not {base_url!r}",
                field="base_url",
            )
        self.base_url = base_url.rstrip("/")
        self.timeout = self._check_timeout(timeout)
        seconds = None if isinstance(deadline, (bool, str)) else _number(deadline)
        if seconds is None or seconds <= 0:
            raise InputError(
                f"deadline must be seconds > 0, not {deadline!r}; every request must end in "
                f"bounded time (default {DEFAULT_DEADLINE:g})",
                field="deadline",
            )
        self.deadline = seconds
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
        if (
            isinstance(max_response_bytes, bool)
            or not isinstance(max_response_bytes, int)
            or max_response_bytes < 1
        ):
            raise InputError(
                f"max_response_bytes must be a whole number of bytes >= 1, not "
                f"{max_response_bytes!r} (default {DEFAULT_MAX_RESPONSE_BYTES:_})",
                field="max_response_bytes",
            )
        self.max_response_bytes = max_response_bytes
        self.retries = retries
        self.backoff_factor = factor
        self._expire = self._check_expire(cache_expire_after)
        self._lock = threading.Lock()
        self._rate_limit_remaining: int | None = None
        self._rate_limit_limit: int | None = None
        self.cache_path: Path | None = None
        self.cache_read_only = False
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
            raise_on_status=False,  # hand the last 5xx to _json, which reads FDC's message
            respect_retry_after_header=True,
        )
        adapter = _Adapter(max_retries=retry)
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

    def _cached_session(self, path: Path, backend: Any = None) -> requests.Session:
        """A requests-cache session on the SQLite file `path`, or on `backend` when given."""
        import requests_cache

        where: dict[str, Any] = (
            {"cache_name": str(path), "backend": "sqlite"}
            if backend is None
            else {"backend": backend}
        )
        session: requests.Session = requests_cache.CachedSession(
            **where,
            expire_after=self._expire,
            allowable_codes=(200, 404),
            allowable_methods=("GET",),
            ignored_parameters=_IGNORED_PARAMETERS,
            match_headers=False,
            cache_control=False,
            filter_fn=self._cacheable,
        )
        return session

    def _open_cache(self, folder: Path) -> requests.Session | None:
        """A requests-cache session in `folder`, or None (with one warning) when impossible."""
        path = folder / CACHE_FILE

        def build() -> requests.Session:
            session = self._cached_session(path)
            len(session.cache.responses)  # type: ignore[attr-defined]  # reads the file
            return session

        try:
            folder.mkdir(parents=True, exist_ok=True)
            problem = _write_problem(path)
            if problem is not None:
                return self._open_read_only(folder, path, problem)
            try:
                session = build()
            except sqlite3.OperationalError:
                raise
            except sqlite3.DatabaseError as err:
                warnings.warn(
                    f"the FoodData Central cache {path} is unreadable ({err}); deleting it and "
                    "starting an empty one",
                    FdcCacheWarning,
                    stacklevel=_user_stacklevel(),
                )
                for suffix in ("", "-wal", "-shm", "-journal"):
                    Path(f"{path}{suffix}").unlink(missing_ok=True)
                session = build()
        except (OSError, sqlite3.Error) as err:
            self._no_cache_warning(folder, getattr(err, "strerror", None) or str(err))
            return None
        self.cache_path = path
        return session

    def _open_read_only(self, folder: Path, path: Path, problem: str) -> requests.Session | None:
        """The cache file that cannot be written, read-only; None when it cannot be read either."""
        try:
            backend = _read_only_cache(path)
        except sqlite3.Error:
            self._no_cache_warning(folder, problem)
            return None
        stored = backend.responses.stored
        warnings.warn(
            f"the FoodData Central cache {path} cannot be written ({problem}); magcalc uses "
            f"the {stored} answer(s) already in it and keeps new ones in memory only, so they "
            "cost a request again next time. Free some disk space or make the folder "
            "writable, or pass cache=<a writable folder> or cache=False",
            FdcCacheWarning,
            stacklevel=_user_stacklevel(),
        )
        self.cache_path = path
        self.cache_read_only = True
        return self._cached_session(path, backend)

    def _no_cache_warning(self, folder: Path, reason: str) -> None:
        warnings.warn(
            f"cannot use the FoodData Central cache in {folder} ({reason}); continuing "
            "without a cache, so every lookup costs a request. Pass cache=<a writable "
            "folder> or cache=False",
            FdcCacheWarning,
            stacklevel=_user_stacklevel(),
        )

    def _cacheable(self, response: requests.Response) -> bool:
        """The requests-cache filter: see :meth:`_valid_for_cache`."""
        if getattr(response, "from_cache", False):
            return True  # checked when saved; one an older magcalc kept is dropped by _parse
        call = _current_call()
        if call is not None and id(response) in call.verdicts:
            return call.verdicts[id(response)]
        verdict = self._valid_for_cache(response)
        if call is not None:
            call.verdicts[id(response)] = verdict
        return verdict

    def _valid_for_cache(self, response: requests.Response) -> bool:
        """
        Whether requests-cache may keep `response`.

        Only valid food data: a 404, or a 200 that parses as what was asked for.
        Never an FDC error body sent with 200, which would fail every lookup for
        30 days after FDC recovers, and never an answer that quotes the key.
        """
        try:
            if self._secret is not None:
                seen = [
                    response.content.decode("utf-8", "replace"),
                    str(response.reason or ""),
                    *(f"{k}: {v}" for k, v in response.headers.items()),
                ]
                if any(self._secret.found_in(text) for text in seen):
                    return False
            if response.status_code == 404:
                return True
            parse = _parser_for(urlsplit(response.url).path)
            if response.status_code != 200 or parse is None:
                return False
            parse(json.loads(response.content))
        except Exception:  # a filter must not raise: whatever fails here is not cached
            return False
        return True

    # ------------------------------------------------------------------ dunder

    def __repr__(self) -> str:
        key = {"argument": "given", "FDC_API_KEY": "from FDC_API_KEY", "DEMO_KEY": "DEMO_KEY"}
        cache = str(self.cache_path) if self.cache_path else None
        read_only = ", cache_read_only=True" if self.cache_read_only else ""
        return (
            f"FdcClient(base_url={self.base_url!r}, key={key[self._key_origin]}, "
            f"cache={cache!r}{read_only}, timeout={self.timeout}, deadline={self.deadline:g}, "
            f"retries={self.retries})"
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

    # ------------------------------------------------------------------ the key

    def _scrub_error(self, err: BaseException) -> None:
        """Mask the key in an error's message and in the text of the errors it was raised from."""
        if self._secret is None:
            return
        if isinstance(err, MagcalcError):
            err.message = self._secret.scrub(err.message)
            err.args = (err.message,)
        chain: list[BaseException] = []
        cause = err.__cause__ or (None if err.__suppress_context__ else err.__context__)
        while cause is not None and cause not in chain:
            chain.append(cause)
            cause = cause.__cause__ or (None if cause.__suppress_context__ else cause.__context__)
        if not chain:
            return
        texts = ["".join(traceback.format_exception_only(type(e), e)).strip() for e in chain]
        if any(self._secret.found_in(text) for text in texts):
            # Transport errors quote the server (a bad status line, a header): keep
            # what they say, without the key.
            err.__cause__ = _ServerQuotedError(" <- ".join(self._secret.scrub(t) for t in texts))
            err.__context__ = None
            err.__suppress_context__ = True

    @contextlib.contextmanager
    def _scrubbing(self) -> Iterator[None]:
        """Every FdcError leaving a public method passes through here."""
        try:
            yield
        except FdcError as err:
            self._scrub_error(err)
            raise

    # ------------------------------------------------------------------ transport

    def _get(self, path: str, params: Mapping[str, str] | None = None) -> requests.Response:
        """One GET with retries under the deadline; transport failures become FdcErrors."""
        url = f"{self.base_url}{path}"
        with self._lock:
            call = _Call(self.deadline, self.max_response_bytes)
            try:
                with _calling(call):
                    response = self._send(url, params)
            except _TooLargeError as err:
                raise FdcResponseError(self._too_large(path, err)) from None
            except (requests.exceptions.RequestException, _DeadlineError) as err:
                raise self._transport_error(path, call, err) from err
            self._check_saved(response)
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
        if response.status_code >= 500:
            try:
                self._json(response, path, call.attempts)
            except FdcError as err:
                if not call.gave_up:
                    raise
                raise FdcUnavailableError(
                    f"{err.message}. {self._gave_up(call)}: try again later, or pass a longer "
                    "deadline= (seconds) to FdcClient"
                ) from err
        return response

    def _transport_error(self, path: str, call: _Call, err: Exception) -> FdcError:
        error = self._transport_error_as_is(path, call, err)
        if call.gave_up:
            error.message += f"; {self._gave_up(call)}"
            error.args = (error.message,)
        return error

    def _gave_up(self, call: _Call) -> str:
        return (
            f"magcalc stopped instead of waiting {call.gave_up}, which would end past the "
            f"{self.deadline:g} s deadline (deadline=)"
        )

    def _transport_error_as_is(self, path: str, call: _Call, err: Exception) -> FdcError:
        if isinstance(err, _DeadlineError) or call.over():
            return FdcUnavailableError(self._past_deadline(path, call))
        if isinstance(err, requests.exceptions.ContentDecodingError):
            found = re.search(r"content-encoding: ([\w-]+)", str(err), re.I)
            encoding = found.group(1) if found else "compressed"
            return FdcResponseError(
                f"FoodData Central's answer to GET {path} says it is {encoding}-compressed "
                "(Content-Encoding) but its body cannot be decompressed: the server or a proxy "
                "on the way sent a broken answer; try again later"
            )
        if isinstance(err, requests.exceptions.ChunkedEncodingError):
            return FdcResponseError(
                f"FoodData Central's answer to GET {path} broke off before its end "
                "(truncated); try again"
            )
        if isinstance(err, requests.exceptions.Timeout):
            return FdcUnavailableError(self._timed_out(path, call))
        if isinstance(err, requests.exceptions.ConnectionError):
            # After its retries urllib3 reports a read timeout as MaxRetryError, which
            # requests turns into ConnectionError: look at the reason to tell them apart.
            first = err.args[0] if err.args else None
            reason = getattr(first, "reason", first)
            refused = isinstance(reason, urllib3.exceptions.NewConnectionError)
            if not refused and isinstance(reason, urllib3.exceptions.TimeoutError):
                return FdcUnavailableError(self._timed_out(path, call))
        return FdcUnavailableError(self._unreachable(path, err, call))

    def _past_deadline(self, path: str, call: _Call) -> str:
        got = f", {call.received:,} bytes of the answer received" if call.received else ""
        return (
            f"FoodData Central did not finish answering GET {path} within the "
            f"{self.deadline:g} s deadline ({call.attempts} attempt(s){got}); it may be "
            "overloaded or the connection slow: try again later, or pass a longer deadline= "
            "(seconds) to FdcClient"
        )

    def _too_large(self, path: str, err: _TooLargeError) -> str:
        size = (
            f"declares {err.size:,} bytes (Content-Length)" if err.declared else "goes on past that"
        )
        return (
            f"FoodData Central's answer to GET {path} is larger than the "
            f"{self.max_response_bytes:,}-byte cap: it {size}, so magcalc stopped reading it. "
            "FDC's answers are a few MB at most, so the server or a proxy is misbehaving; if "
            "you expect answers this large, pass a larger max_response_bytes= to FdcClient"
        )

    def _timed_out(self, path: str, call: _Call) -> str:
        return (
            f"FoodData Central did not answer GET {path} within the timeout "
            f"({self.timeout[0]:g} s to connect, {self.timeout[1]:g} s to read) in "
            f"{call.attempts} attempt(s); it may be overloaded: try again later or pass a "
            "longer timeout="
        )

    def _unreachable(self, path: str, err: Exception, call: _Call) -> str:
        return (
            f"cannot reach FoodData Central at {self.base_url} for GET {path} after "
            f"{call.attempts} attempt(s) ({type(err).__name__}); check the network "
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
                stacklevel=_user_stacklevel(),
            )
            headers = dict(self._session.headers)
            adapter = self._session.get_adapter(url)
            self._session.close()
            self._session = requests.Session()
            self._session.headers.update(headers)
            self._session.mount("http://", adapter)
            self._session.mount("https://", adapter)
            self.cache_path = None
            self.cache_read_only = False
            return self._session.get(
                url, params=params, timeout=self.timeout, allow_redirects=False
            )

    def _check_saved(self, response: requests.Response) -> None:
        """Warn once when requests-cache could not save an answer it meant to keep."""
        cache = getattr(self._session, "cache", None)
        key = getattr(response, "cache_key", None)  # set only when a save was attempted
        if cache is None or self.cache_read_only or not key:
            return
        if getattr(response, "from_cache", False):
            return
        try:
            saved = bool(cache.contains(key=key))
        except sqlite3.Error:
            saved = False
        if saved:
            return
        # requests-cache rolls back a failed write without a word.
        self.cache_read_only = True
        warnings.warn(
            f"could not save FoodData Central's answer in the cache {self.cache_path} (is the "
            "disk full, or the file read-only?); answers already in it are still used, new "
            "ones cost a request again next time. Free some disk space, or pass "
            "cache=<a writable folder> or cache=False",
            FdcCacheWarning,
            stacklevel=_user_stacklevel(),
        )

    def _json(self, response: requests.Response, path: str, attempts: int = 1) -> Any:
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
            except (json.JSONDecodeError, RecursionError):
                decoded = False
        if status == 200:
            if not decoded:
                raise FdcResponseError(
                    f"FoodData Central answered GET {path} with "
                    f"{_describe_body(text, content_type)} instead of JSON; try again later"
                )
            error = parse_error(data, status=status, headers=response.headers)
            if error is not None:
                raise error
            return data
        error = parse_error(data, status=status, headers=response.headers) if decoded else None
        if error is None:
            error = self._status_error(status, path, text, content_type, response.headers, attempts)
        if status >= 500:
            error.message += _retry_after_note(response.headers)
            error.args = (error.message,)
        raise error

    def _status_error(
        self,
        status: int,
        path: str,
        text: str,
        content_type: str,
        headers: Mapping[str, str],
        attempts: int,
    ) -> FdcError:
        body = _describe_body(text, content_type)
        if status == 429:
            return _rate_limit_error("", "", headers)
        if status in (401, 403):
            return FdcAuthError(_auth_message("", "", status))
        if status == 404:
            return FdcNotFoundError(f"FoodData Central has nothing at GET {path} (404)")
        if status >= 500:
            return FdcUnavailableError(
                f"FoodData Central failed with HTTP {status} for GET {path} after "
                f"{attempts} attempt(s), answering {body}; this is an FDC outage, try again later"
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

    def _parse(
        self,
        response: requests.Response,
        path: str,
        parse: Callable[[Any], T],
        params: Mapping[str, str] | None = None,
    ) -> T:
        """Decode and parse an answer; a cached one that fails is asked for again."""
        try:
            return parse(self._json(response, path))
        except FdcError:
            if not getattr(response, "from_cache", False):
                raise
        # Kept by an older magcalc, which cached any whole JSON: drop it and ask FDC.
        logger.debug("FDC GET %s: the cached answer is not valid food data; asking again", path)
        cache = getattr(self._session, "cache", None)
        key = getattr(response, "cache_key", None)
        if cache is not None and key:
            with contextlib.suppress(sqlite3.Error):
                cache.delete(key)
        return parse(self._json(self._get(path, params), path))

    def _fetch(self, path: str, params: Mapping[str, str] | None, parse: Callable[[Any], T]) -> T:
        return self._parse(self._get(path, params), path, parse, params)

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
        with self._scrubbing():
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
        parse = functools.partial(_food_for, fid)
        with self._scrubbing():
            response = self._get(path)
            if response.status_code == 404 and not response.content.strip():
                logger.debug("FDC GET %s: 404 with an empty body; trying format=abridged", path)
                abridged = {"format": "abridged"}
                response = self._get(path, abridged)
                if response.status_code == 404:
                    raise FdcNotFoundError(
                        f"FoodData Central has no food with FDC id {fid} (404 in full and "
                        "abridged format); check the id at https://fdc.nal.usda.gov/ or find "
                        "foods with FdcClient.search(...)"
                    )
                return self._parse(response, path, parse, abridged)
            if response.status_code == 404:
                raise FdcNotFoundError(
                    f"FoodData Central has no food with FDC id {fid} (404); check the id at "
                    "https://fdc.nal.usda.gov/ or find foods with FdcClient.search(...)"
                )
            return self._parse(response, path, parse)

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
        with self._scrubbing():
            for fmt in ("full", "abridged"):
                todo = [i for i in wanted if i not in found]
                for start in range(0, len(todo), MAX_IDS_PER_CALL):
                    chunk = todo[start : start + MAX_IDS_PER_CALL]
                    params = {"fdcIds": ",".join(map(str, chunk))}
                    if fmt == "abridged":
                        params["format"] = "abridged"
                    for food in self._fetch("/v1/foods", params, parse_foods):
                        # Records of ids not asked for are left out, never mixed in.
                        if food.fdc_id is not None:
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
