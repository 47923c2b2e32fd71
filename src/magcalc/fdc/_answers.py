"""Reading FDC's HTTP answers: the JSON of a good one, the FdcError of any other.

An error is named from :data:`~magcalc.fdc.parse.STATUS_ERRORS`, whether the answer
carries an FDC error body (:func:`~magcalc.fdc.parse.parse_error`) or only a status
(:func:`~magcalc.fdc.parse.status_error`); what the table does not name is a bad answer
(:class:`~magcalc.errors.FdcResponseError`). :func:`parser_for` says which parse
function checks an answer to a path, for the client and for its cache filter.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Mapping
from typing import Any

import requests

from magcalc._util import shown
from magcalc.errors import FdcError, FdcResponseError
from magcalc.fdc.parse import parse_error, parse_food, parse_foods, parse_search, status_error
from magcalc.foods import Food

__all__ = ["answer_json", "describe_body", "food_for", "parser_for"]

_FOOD_PATH = re.compile(r"/v1/food/(\d+)$")


def describe_body(text: str, content_type: str) -> str:
    """
    What a body that is not the expected JSON looks like, for messages.

    Examples
    --------
    >>> describe_body("<html><title>Down</title></html>", "text/html")
    'an HTML page titled "Down" (an error or maintenance page from a proxy?)'
    >>> describe_body('{"fdcId": 1', "application/json")
    'JSON that breaks off after 11 characters (truncated)'
    """
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
        return f"text that is not JSON ({err.msg} at character {err.pos}): {shown(snippet, 70)}"
    return "JSON of an unexpected shape"


def food_for(fdc_id: int, data: Any) -> Food:
    """:func:`~magcalc.fdc.parse.parse_food`, refusing the record of another food than `fdc_id`."""
    food = parse_food(data)
    if food.fdc_id != fdc_id:
        raise FdcResponseError(
            f"FoodData Central answered GET /v1/food/{fdc_id} with the record of another food, "
            f"FDC id {food.fdc_id} ({shown(food.description)}); magcalc uses no answer for the "
            "wrong id. Try again later; if it persists, check that base_url points at "
            "FoodData Central"
        )
    return food


def parser_for(path: str) -> Callable[[Any], object] | None:
    """The parse function for an answer to `path`, or None for a path magcalc never asks."""
    match = _FOOD_PATH.search(path)
    if match:
        return functools.partial(food_for, int(match.group(1)))
    if path.endswith("/v1/foods/search"):
        return parse_search
    if path.endswith("/v1/foods"):
        return parse_foods
    return None


def answer_json(response: requests.Response, path: str, attempts: int = 1) -> Any:
    """
    The decoded JSON of a 200 answer; every other answer raises its FdcError.

    Parameters
    ----------
    response : requests.Response
        The answer, its body read.
    path : str
        What was asked (``/v1/food/2262072``), for messages.
    attempts : int, default 1
        How many attempts the answer took, for messages.

    Raises
    ------
    FdcError
        The error an error body or the status names (see
        :data:`~magcalc.fdc.parse.STATUS_ERRORS`); FdcResponseError for a body that
        is not JSON or a status the table does not name.
    """
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
                f"{describe_body(text, content_type)} instead of JSON; try again later"
            )
        error = parse_error(data, status=status, headers=response.headers)
        if error is not None:
            raise error
        return data
    error = parse_error(data, status=status, headers=response.headers) if decoded else None
    if error is None:
        error = _bare_status_error(status, path, text, content_type, response.headers, attempts)
    raise error


def _bare_status_error(
    status: int,
    path: str,
    text: str,
    content_type: str,
    headers: Mapping[str, str],
    attempts: int,
) -> FdcError:
    """The error of an answer that is not 200 and carries no FDC error body."""
    body = describe_body(text, content_type)
    tries = f" after {attempts} attempt(s)" if status >= 500 else ""  # only 5xx is retried
    error = status_error(
        status, f"HTTP {status} for GET {path}{tries}, answering {body}", headers=headers
    )
    if error is not None:
        return error
    if 300 <= status < 400:
        where = headers.get("Location", "?")
        return FdcResponseError(
            f"FoodData Central redirected GET {path} to {where} (HTTP {status}); magcalc "
            "does not follow redirects (the API key must not go elsewhere): set base_url "
            "to the new address"
        )
    return FdcResponseError(f"FoodData Central answered GET {path} with HTTP {status} and {body}")
