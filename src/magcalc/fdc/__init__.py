"""USDA FoodData Central (FDC): a robust, cached API client and offline parse functions.

The bundled table holds SR Legacy and FNDDS 2021-2023; FDC adds Foundation and
Branded foods and its own Survey (FNDDS) releases. Following pvlib's ``iotools``,
fetching and parsing are split:

* :class:`FdcClient` does the I/O: a ``requests`` Session with timeouts on every
  call and a total deadline on every request (retries, their waits and the body
  included), bounded retries with backoff for connection errors and 5xx (urllib3
  ``Retry``), a cap on the size of an answer, one table that maps FDC statuses to
  :mod:`magcalc.errors` (:data:`magcalc.fdc.parse.STATUS_ERRORS`, as geopy's
  ``ERROR_CODE_MAP``), and a persistent HTTP cache (requests-cache, SQLite) in
  magcalc's cache folder that keeps only valid food data.
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

Modules
-------
``parse``
    Public and pure: FDC JSON to Food or FdcError, the status table, ``check_fdc_id``.
``client``
    Public: :class:`FdcClient` (the three endpoints) and :class:`FdcFoods`.
``_arguments``
    Private: the client's argument defaults and the checks they pass before any request.
``_nutrients``, ``_portions``, ``_json``
    Private readers of a food record: magnesium, portions, single values.
``_answers``
    Private: an HTTP answer to its JSON or its FdcError.
``_transport``
    Private: retries, the deadline, the size cap, watched sockets, the adapter.
``_cache``
    Private: the requests-cache file, what it keeps, and its self-repair.
``_secrets``
    Private: the API key masked in log records and exception texts.
``_warnings``
    Private home of the public warning classes.

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

from magcalc.fdc._arguments import (
    DATA_TYPES,
    DEFAULT_BASE_URL,
    DEFAULT_DATA_TYPES,
    DEFAULT_DEADLINE,
    DEFAULT_MAX_RESPONSE_BYTES,
)
from magcalc.fdc._warnings import (
    FdcCacheWarning,
    FdcKeyWarning,
    FdcMissingFoodsWarning,
    FdcWarning,
)
from magcalc.fdc.client import MAX_IDS_PER_CALL, FdcClient, FdcFoods
from magcalc.fdc.parse import (
    API_KEY_SIGNUP_URL,
    MAGNESIUM_NUTRIENT_ID,
    MAGNESIUM_NUTRIENT_NUMBER,
    parse_error,
    parse_food,
    parse_foods,
    parse_search,
)

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
