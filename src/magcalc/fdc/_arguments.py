"""FdcClient's arguments: their defaults, and the checks they pass before any request.

Each check returns the value to use or raises :class:`~magcalc.errors.InputError`
naming the field, so a bad argument fails before a request is sent (and before the
DEMO_KEY warning, for ids).
"""

from __future__ import annotations

import os
import re
import warnings
from collections.abc import Iterable, Sequence
from datetime import timedelta
from typing import Any

from magcalc._util import finite_float, shown
from magcalc.errors import InputError
from magcalc.fdc._warnings import FdcKeyWarning
from magcalc.fdc.parse import API_KEY_SIGNUP_URL, check_fdc_id

__all__ = [
    "DATA_TYPES",
    "DEFAULT_BASE_URL",
    "DEFAULT_DATA_TYPES",
    "DEFAULT_DEADLINE",
    "DEFAULT_MAX_RESPONSE_BYTES",
    "DEMO_KEY",
    "check_backoff",
    "check_base_url",
    "check_data_types",
    "check_deadline",
    "check_expire",
    "check_ids",
    "check_max_bytes",
    "check_missing",
    "check_page",
    "check_query",
    "check_retries",
    "check_timeout",
    "resolve_key",
]

DEFAULT_BASE_URL = "https://api.nal.usda.gov/fdc"
DEMO_KEY = "DEMO_KEY"
#: FDC data types the search endpoint filters on (API guide).
DATA_TYPES = ("Foundation", "SR Legacy", "Survey (FNDDS)", "Branded")
#: Searched by default: the unfiltered search is swamped by Branded duplicates.
DEFAULT_DATA_TYPES = ("Foundation", "SR Legacy", "Survey (FNDDS)")
#: Default total time for one GET, its retries and its body [s].
DEFAULT_DEADLINE = 30.0
#: Default cap on the size of one answer [bytes]; FDC's largest (20 full records) are a few MB.
DEFAULT_MAX_RESPONSE_BYTES = 20_000_000
_DATA_TYPE_ALIASES = {
    **{t.lower(): t for t in DATA_TYPES},
    "survey": "Survey (FNDDS)",
    "fndds": "Survey (FNDDS)",
    "sr": "SR Legacy",
}


def resolve_key(api_key: str | None) -> tuple[str, str]:
    """
    The key to send and where it came from ("argument", "FDC_API_KEY" or "DEMO_KEY").

    Without `api_key` and ``FDC_API_KEY``, DEMO_KEY with an FdcKeyWarning pointed
    at the code that made the client.
    """
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
        stacklevel=3,  # this function, FdcClient.__init__, then the caller
    )
    return DEMO_KEY, "DEMO_KEY"


def check_base_url(base_url: Any) -> str:
    """An http(s) URL, without a trailing slash."""
    if not isinstance(base_url, str) or not re.match(r"^https?://", base_url):
        raise InputError(
            f"base_url must be an http(s) URL such as {DEFAULT_BASE_URL!r}, not {shown(base_url)}",
            field="base_url",
        )
    return base_url.rstrip("/")


def check_timeout(timeout: Any) -> tuple[float, float]:
    """(connect, read) timeouts [s] from one number or a pair, each > 0."""
    values = timeout if isinstance(timeout, tuple) else (timeout, timeout)
    numbers = [finite_float(v) for v in values]
    if len(numbers) != 2 or any(v is None or v <= 0 for v in numbers):
        raise InputError(
            "timeout must be seconds > 0, or a (connect, read) pair of them, "
            f"not {shown(timeout)}; FDC calls always have a timeout",
            field="timeout",
        )
    return (float(values[0]), float(values[1]))


def check_deadline(deadline: Any) -> float:
    """The total time for one request [s], > 0 and finite."""
    seconds = None if isinstance(deadline, (bool, str)) else finite_float(deadline)
    if seconds is None or seconds <= 0:
        raise InputError(
            f"deadline must be seconds > 0, not {shown(deadline)}; every request must end "
            f"in bounded time (default {DEFAULT_DEADLINE:g})",
            field="deadline",
        )
    return seconds


def check_retries(retries: Any) -> int:
    """A whole number of retries >= 0."""
    if isinstance(retries, bool) or not isinstance(retries, int) or retries < 0:
        raise InputError(
            f"retries must be a whole number >= 0, not {shown(retries)}", field="retries"
        )
    return retries


def check_backoff(backoff_factor: Any) -> float:
    """The urllib3 backoff factor [s], >= 0 and finite."""
    factor = finite_float(backoff_factor)
    if factor is None or factor < 0:
        raise InputError(
            f"backoff_factor must be a number >= 0 [s], not {shown(backoff_factor)}",
            field="backoff_factor",
        )
    return factor


def check_max_bytes(max_response_bytes: Any) -> int:
    """The size cap of one answer [bytes], a whole number >= 1."""
    if (
        isinstance(max_response_bytes, bool)
        or not isinstance(max_response_bytes, int)
        or max_response_bytes < 1
    ):
        raise InputError(
            f"max_response_bytes must be a whole number of bytes >= 1, not "
            f"{shown(max_response_bytes)} (default {DEFAULT_MAX_RESPONSE_BYTES:_})",
            field="max_response_bytes",
        )
    return max_response_bytes


def check_expire(value: Any) -> timedelta | float:
    """How long a cached answer is used: a timedelta, or seconds >= 0 as a float."""
    seconds = value.total_seconds() if isinstance(value, timedelta) else finite_float(value)
    if isinstance(value, (bool, str)) or seconds is None or seconds < 0:
        raise InputError(
            "cache_expire_after must be a timedelta or a number of seconds >= 0, not "
            f"{shown(value)}; e.g. timedelta(days=30)",
            field="cache_expire_after",
        )
    return value if isinstance(value, timedelta) else float(seconds)


def check_query(query: Any) -> str:
    """Search words, stripped and not empty."""
    if not isinstance(query, str) or not query.strip():
        raise InputError(f"query must be non-empty text, not {shown(query)}", field="query")
    return query.strip()


def check_data_types(data_types: str | Sequence[str]) -> tuple[str, ...]:
    """The FDC names of `data_types` (aliases and any case), each once, in order."""
    if not isinstance(data_types, (str, Iterable)):
        raise InputError(
            f"data_types must be a data type or a list of them, not {shown(data_types)}; use "
            f"any of: {', '.join(DATA_TYPES)}",
            field="data_types",
        )
    given = [data_types] if isinstance(data_types, str) else list(data_types)
    types: list[str] = []
    for item in given:
        name = _DATA_TYPE_ALIASES.get(item.strip().lower()) if isinstance(item, str) else None
        if name is None:
            raise InputError(
                f"unknown FDC data type {shown(item)}; use any of: {', '.join(DATA_TYPES)}",
                field="data_types",
            )
        if name not in types:
            types.append(name)
    if not types:
        raise InputError(
            f"data_types is empty; use any of: {', '.join(DATA_TYPES)}", field="data_types"
        )
    return tuple(types)


def check_page(name: str, value: Any, top: int) -> int:
    """A whole number from 1 to `top` for the argument `name`."""
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= top:
        raise InputError(
            f"{name} must be a whole number from 1 to {top}, not {shown(value)}", field=name
        )
    return value


def check_missing(missing: Any) -> str:
    """What :meth:`FdcClient.foods` does about dropped ids: "warn", "raise" or "ignore"."""
    if missing not in ("warn", "raise", "ignore"):
        raise InputError(
            f"missing must be 'warn', 'raise' or 'ignore', not {shown(missing)}",
            field="missing",
        )
    return str(missing)


def check_ids(fdc_ids: Any) -> list[int]:
    """FDC ids (one, or an iterable of them) as ints, each once, in order."""
    if isinstance(fdc_ids, (str, int)):
        fdc_ids = [fdc_ids]
    if not isinstance(fdc_ids, Iterable):
        raise InputError(
            f"fdc_ids must be FDC ids or a list of them, not {shown(fdc_ids)}", field="fdc_ids"
        )
    return list(dict.fromkeys(check_fdc_id(i) for i in fdc_ids))
