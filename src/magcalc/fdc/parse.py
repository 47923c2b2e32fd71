"""FDC JSON to magcalc objects, offline: foods, error bodies, and what each HTTP status means.

Pure functions (pvlib's ``iotools`` split: no I/O here). :func:`parse_food`,
:func:`parse_foods` and :func:`parse_search` turn any FDC answer (full, abridged and
search shapes; Foundation, SR Legacy 2019 and current schemas, Survey (FNDDS) and
Branded) into the same :class:`~magcalc.foods.Food` model as the bundled table.
:func:`parse_error` turns an FDC error body into the :class:`~magcalc.errors.FdcError`
it stands for, and :func:`status_error` does the same for a bare HTTP status; both read
one table, :data:`STATUS_ERRORS` (as geopy's ``ERROR_CODE_MAP``), which the client
uses for every answer.

References
----------
.. [1] U.S. Department of Agriculture, Agricultural Research Service,
   "FoodData Central API Guide," https://fdc.nal.usda.gov/api-guide
.. [2] api.data.gov, "API Key Usage: Errors," https://api.data.gov/docs/developer-manual/
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from email.utils import parsedate_to_datetime
from types import MappingProxyType
from typing import Any

from magcalc._util import finite_float, shown
from magcalc.errors import (
    FdcAuthError,
    FdcError,
    FdcNotFoundError,
    FdcRateLimitError,
    FdcResponseError,
    FdcUnavailableError,
    InputError,
)
from magcalc.fdc._json import as_date, as_int, as_text
from magcalc.fdc._nutrients import MAGNESIUM_NUTRIENT_ID, MAGNESIUM_NUTRIENT_NUMBER, magnesium
from magcalc.fdc._portions import portions
from magcalc.foods import Food

__all__ = [
    "API_KEY_SIGNUP_URL",
    "MAGNESIUM_NUTRIENT_ID",
    "MAGNESIUM_NUTRIENT_NUMBER",
    "STATUS_ERRORS",
    "check_fdc_id",
    "error_class",
    "parse_error",
    "parse_food",
    "parse_foods",
    "parse_search",
    "retry_after_note",
    "status_error",
]

API_KEY_SIGNUP_URL = "https://fdc.nal.usda.gov/api-key-signup"

#: What each HTTP status FDC answers means (as geopy's ``ERROR_CODE_MAP``), read for
#: error bodies (:func:`parse_error`) and bare statuses (:func:`status_error`) alike.
#: Every 5xx is an outage; a status not here is no error magcalc can name.
STATUS_ERRORS: Mapping[int, type[FdcError]] = MappingProxyType(
    {
        401: FdcAuthError,
        403: FdcAuthError,
        404: FdcNotFoundError,
        429: FdcRateLimitError,
        **dict.fromkeys(range(500, 600), FdcUnavailableError),
    }
)
# The api.data.gov gateway's error codes [2]; any other API_KEY_... code is an auth error.
_CODE_ERRORS: Mapping[str, type[FdcError]] = MappingProxyType(
    {
        "OVER_RATE_LIMIT": FdcRateLimitError,
        "API_KEY_MISSING": FdcAuthError,
        "API_KEY_INVALID": FdcAuthError,
        "API_KEY_DISABLED": FdcAuthError,
        "API_KEY_UNVERIFIED": FdcAuthError,
        "NOT_FOUND": FdcNotFoundError,
    }
)
_AUTH_CAUSES = {
    "API_KEY_MISSING": "no API key was sent (API_KEY_MISSING)",
    "API_KEY_INVALID": "the API key is not valid (API_KEY_INVALID); check it for typos",
    "API_KEY_DISABLED": "the API key has been disabled (API_KEY_DISABLED)",
    "API_KEY_UNVERIFIED": "the API key's e-mail address is not verified yet (API_KEY_UNVERIFIED)",
}
# When a code and a status name different errors, the first here wins: a rate limit
# says when to retry, and a refused key is a cause a 404 or 5xx may follow from.
_PRECEDENCE = (FdcRateLimitError, FdcAuthError, FdcNotFoundError, FdcUnavailableError)
_SPRING_KEYS = ("status", "error")
_SOURCE = "USDA ARS FoodData Central"


MAX_FDC_ID = 2**63
"""Larger than any FDC id: they have 6 or 7 digits today; one of over 19 digits cannot be
one, and an int of thousands of digits cannot even be written into a URL."""


def check_fdc_id(fdc_id: Any) -> int:
    """
    An FDC id as an int: a positive whole number, or text or a float that is one.

    Parameters
    ----------
    fdc_id : object
        E.g. ``2262072`` or ``"2262072"``.

    Returns
    -------
    int

    Raises
    ------
    InputError
        If `fdc_id` is not a positive whole number (``field="fdc_id"``).

    Examples
    --------
    >>> check_fdc_id("2262072")
    2262072
    """
    value = as_int(fdc_id)
    if value is None or not 0 < value < MAX_FDC_ID:
        raise InputError(
            f"an FDC id must be a positive whole number such as 2262072, not {shown(fdc_id)}",
            field="fdc_id",
        )
    return value


# --------------------------------------------------------------------------- errors


def error_class(status: int | None, code: str = "") -> type[FdcError] | None:
    """
    The :class:`~magcalc.errors.FdcError` subclass an HTTP status and a gateway code name.

    From :data:`STATUS_ERRORS` and the api.data.gov codes (``OVER_RATE_LIMIT``,
    ``API_KEY_...``, ``NOT_FOUND``); when they disagree a rate limit wins, then a key
    problem, then not found, then an outage.

    Parameters
    ----------
    status : int or None
        The HTTP status, when known.
    code : str, default ""
        The gateway's error code, when there is one.

    Returns
    -------
    type or None
        None when neither names an error.

    Examples
    --------
    >>> error_class(429).__name__, error_class(503).__name__, error_class(200)
    ('FdcRateLimitError', 'FdcUnavailableError', None)
    >>> error_class(500, "API_KEY_INVALID").__name__
    'FdcAuthError'
    """
    by_code = _CODE_ERRORS.get(code) or (FdcAuthError if code.startswith("API_KEY") else None)
    by_status = STATUS_ERRORS.get(status) if status is not None else None
    named = [kind for kind in (by_code, by_status) if kind is not None]
    return min(named, key=_PRECEDENCE.index) if named else None


def _retry_after(value: Any) -> float | None:
    """A Retry-After header (seconds or an HTTP date) as seconds from now [s], else None."""
    text = as_text(value)
    if text is None:
        return None
    seconds = finite_float(text)
    if seconds is not None:
        return max(seconds, 0.0)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    return max((when - datetime.now(when.tzinfo)).total_seconds(), 0.0)


def retry_after_note(headers: Mapping[str, str], *, only_if_unreadable: bool = False) -> str:
    """
    What a Retry-After header said, for messages; "" when there is none.

    Parameters
    ----------
    headers : mapping
        Response headers.
    only_if_unreadable : bool, default False
        Say something only when the header is neither seconds nor an HTTP date.

    Examples
    --------
    >>> retry_after_note({"Retry-After": "120"})
    '; FDC asked to retry after 120 s (Retry-After)'
    >>> retry_after_note({})
    ''
    """
    raw = headers.get("Retry-After")
    if raw is None:
        return ""
    seconds = _retry_after(raw)
    if seconds is None:
        return (
            f" (its Retry-After header {shown(str(raw))} is neither a number of seconds nor "
            "an HTTP date, so it says nothing about when to retry)"
        )
    return "" if only_if_unreadable else f"; FDC asked to retry after {seconds:g} s (Retry-After)"


def _said(fdc_message: str) -> str:
    return f' FDC said: "{fdc_message}".' if fdc_message else ""


def _auth_message(code: str, fdc_message: str, status: int | None) -> str:
    cause = _AUTH_CAUSES.get(code) or (
        f"it answered {code or (f'HTTP {status}' if status else 'with no error code')}"
    )
    return (
        f"FoodData Central refused the request: {cause}.{_said(fdc_message)} Pass api_key=... "
        f"or set the FDC_API_KEY environment variable; a free key: {API_KEY_SIGNUP_URL}"
    )


def _rate_limit_error(code: str, fdc_message: str, headers: Mapping[str, str]) -> FdcRateLimitError:
    limit = as_int(headers.get("X-RateLimit-Limit"))
    retry_after = _retry_after(headers.get("Retry-After"))
    allowed = f" (it allows {limit} requests an hour)" if limit is not None else ""
    wait = (
        f"FDC says to retry after {retry_after:g} s"
        if retry_after is not None
        else "FDC blocks an over-limit key for about an hour"
        + retry_after_note(headers, only_if_unreadable=True)
    )
    return FdcRateLimitError(
        f"FoodData Central refused the request: the API key is over its rate limit{allowed}"
        f" ({code or 'HTTP 429'}).{_said(fdc_message)} {wait}; lookups already in the cache "
        f"still work. DEMO_KEY allows only about 30 requests an hour: get your own free key "
        f"at {API_KEY_SIGNUP_URL}",
        retry_after=retry_after,
        limit=limit,
    )


def _error(
    kind: type[FdcError] | None,
    what: str,
    *,
    status: int | None,
    code: str = "",
    fdc_message: str = "",
    headers: Mapping[str, str] | None = None,
) -> FdcError:
    """The error of `kind` (None: FDC refused for a reason magcalc cannot name), worded."""
    headers = headers or {}
    if kind is FdcRateLimitError:
        return _rate_limit_error(code, fdc_message, headers)
    if kind is FdcAuthError:
        return FdcAuthError(_auth_message(code, fdc_message, status))
    if kind is FdcNotFoundError:
        return FdcNotFoundError(f"FoodData Central found nothing ({what})")
    if kind is FdcUnavailableError:
        return FdcUnavailableError(
            f"FoodData Central failed ({what}); this is an FDC outage, try again later"
            + retry_after_note(headers)
        )
    return FdcError(f"FoodData Central refused the request ({what})")


def status_error(
    status: int, what: str, *, headers: Mapping[str, str] | None = None
) -> FdcError | None:
    """
    The error :data:`STATUS_ERRORS` names for an answer with no FDC error body, or None.

    Parameters
    ----------
    status : int
        The HTTP status.
    what : str
        What was asked and answered, for the message (e.g. ``"HTTP 503 for GET
        /v1/foods"``).
    headers : mapping, optional
        Response headers; ``X-RateLimit-Limit`` and ``Retry-After`` are read.

    Returns
    -------
    FdcError or None
        The exception to raise (not raised here); None for a status not in the table.

    Examples
    --------
    >>> type(status_error(429, "HTTP 429")).__name__
    'FdcRateLimitError'
    >>> status_error(302, "HTTP 302") is None
    True
    """
    kind = error_class(status)
    return None if kind is None else _error(kind, what, status=status, headers=headers)


def parse_error(
    data: Any, *, status: int | None = None, headers: Mapping[str, str] | None = None
) -> FdcError | None:
    """
    The :class:`~magcalc.errors.FdcError` an FDC error body stands for, or None.

    Recognises the api.data.gov gateway shape ``{"error": {"code", "message"}}``
    (``API_KEY_MISSING``, ``API_KEY_INVALID``, ``OVER_RATE_LIMIT``, ...) and the
    Spring back-end shape ``{timestamp, status, error, message, path}``. The error
    class comes from :data:`STATUS_ERRORS` (see :func:`error_class`), as for an
    answer with no body.

    Parameters
    ----------
    data : object
        Decoded JSON.
    status : int, optional
        The HTTP status, when known.
    headers : mapping, optional
        Response headers; ``X-RateLimit-Limit`` and ``Retry-After`` are read.

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
        label = code or (f"HTTP {status}" if status is not None else "no error code")
        what = f"{label}: {message}" if message else label
        return _error(
            error_class(status, code),
            what,
            status=status,
            code=code,
            fdc_message=message,
            headers=headers,
        )
    spring_status = as_int(data.get("status"))
    if all(k in data for k in _SPRING_KEYS) and spring_status and spring_status >= 400:
        message = str(data.get("message") or "")
        where = f" at {data['path']}" if as_text(data.get("path")) else ""
        what = f"{spring_status} {data.get('error')}: {message}{where}"
        return _error(
            error_class(spring_status),
            what,
            status=spring_status,
            fdc_message=message,
            headers=headers,
        )
    return None


def _raise_if_error(data: Any) -> None:
    error = parse_error(data)
    if error is not None:
        raise error


# --------------------------------------------------------------------------- foods


def _data_type(data: Mapping[str, Any]) -> str:
    given = as_text(data.get("dataType"))
    if given:
        return given
    food_class = (as_text(data.get("foodClass")) or "").lower()
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
        return as_text(category.get("description"))
    if as_text(category):
        return as_text(category)
    wweia = data.get("wweiaFoodCategory")
    if isinstance(wweia, Mapping) and as_text(wweia.get("wweiaFoodCategoryDescription")):
        return as_text(wweia.get("wweiaFoodCategoryDescription"))
    return as_text(data.get("brandedFoodCategory"))


def _ndb_number(value: Any) -> str | None:
    text = str(value).strip() if isinstance(value, (int, str)) and value != "" else ""
    if not text or isinstance(value, bool):
        return None
    # The bundled table writes NDB numbers as 5 digits ("01009"); FDC drops the zero.
    return text.zfill(5) if text.isdigit() and len(text) < 5 else text


def _source(data: Mapping[str, Any], data_type: str) -> str:
    extra: list[str] = []
    if as_text(str(data.get("foodCode") or "")):
        extra.append(f"food code {data['foodCode']}")
    brand = as_text(data.get("brandName")) or as_text(data.get("brandOwner"))
    if brand:
        extra.append(brand)
    if as_text(data.get("gtinUpc")):
        extra.append(f"GTIN/UPC {data['gtinUpc']}")
    return f"{_SOURCE}, {data_type}" + (f" ({'; '.join(extra)})" if extra else "")


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
    fdc_id = as_int(data.get("fdcId"))
    description = as_text(data.get("description"))
    if fdc_id is None or fdc_id <= 0 or description is None:
        keys = ", ".join(sorted(map(str, data))[:12]) or "none"
        raise FdcResponseError(
            "expected an FDC food record with 'fdcId' and 'description'; "
            f"this JSON object has keys: {keys}"
        )
    data_type = _data_type(data)
    value, note = magnesium(data, data_type)
    published = as_date(data.get("publicationDate") or data.get("publishedDate"))
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
        portions=portions(data, data_type),
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
