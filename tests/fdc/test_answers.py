"""Reading FDC's answers: one status table names the error of an error body and of a bare
status alike, and an answer for another id than the one asked is refused.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from magcalc.errors import (
    FdcAuthError,
    FdcError,
    FdcNotFoundError,
    FdcRateLimitError,
    FdcResponseError,
)
from magcalc.fdc.parse import STATUS_ERRORS, error_class, parse_error, status_error

from .servers import PEANUT_BUTTER, RESPONSES, calls, client, food_json

# ------------------------------------------------------------------ the wrong record


def test_an_answer_for_another_id_is_refused(server: HTTPServer, tmp_path: Path) -> None:
    url = f"/w/v1/food/{PEANUT_BUTTER}"
    server.expect_ordered_request(url).respond_with_data(
        food_json(777, "Not peanut butter"), content_type="application/json"
    )
    server.expect_ordered_request(url).respond_with_data(
        food_json(PEANUT_BUTTER, "Peanut butter"), content_type="application/json"
    )
    with client(server.url_for("/w"), cache=tmp_path) as api:
        with pytest.raises(FdcResponseError) as info:
            api.food(PEANUT_BUTTER)
        assert api.food(PEANUT_BUTTER).description == "Peanut butter"  # not cached
    text = str(info.value)
    assert f"GET /v1/food/{PEANUT_BUTTER}" in text and "FDC id 777" in text
    assert calls(server) == 2


def test_a_401_reports_its_own_status(server: HTTPServer) -> None:
    server.expect_request("/a/v1/food/1").respond_with_data("", status=401)
    with client(server.url_for("/a")) as api, pytest.raises(FdcAuthError) as info:
        api.food(1)
    assert "HTTP 401" in str(info.value) and "403" not in str(info.value)


# ------------------------------------------------------------------ one status table


@pytest.mark.parametrize("status", [401, 403, 404, 429, 500, 502, 503])
def test_one_table_names_the_error_of_a_body_and_of_a_bare_status(
    server: HTTPServer, status: int
) -> None:
    """parse_error, status_error and the client on a replayed answer give the same class."""
    expected = STATUS_ERRORS[status]
    body = {"error": {"message": "something went wrong"}}  # no code: the status decides
    assert type(parse_error(body, status=status)) is expected
    assert type(status_error(status, f"HTTP {status}")) is expected
    server.expect_request("/bare/v1/foods").respond_with_data("", status=status)
    server.expect_request("/body/v1/foods").respond_with_json(body, status=status)
    for prefix in ("/bare", "/body"):
        with client(server.url_for(prefix), retries=0) as api, pytest.raises(FdcError) as info:
            api.foods([1])
        assert type(info.value) is expected, prefix


def test_a_429_from_parse_error_and_from_a_replayed_answer_is_the_same_error(
    server: HTTPServer,
) -> None:
    data = json.loads((RESPONSES / "error-429-OVER_RATE_LIMIT.fdc.json").read_bytes())
    headers = {"X-RateLimit-Limit": "1000", "Retry-After": "3600"}
    parsed = parse_error(data, status=429, headers=headers)
    server.expect_request("/rl/v1/food/1").respond_with_json(data, status=429, headers=headers)
    server.expect_request("/bare/v1/food/1").respond_with_data("", status=429, headers=headers)
    for prefix in ("/rl", "/bare"):
        with client(server.url_for(prefix)) as api, pytest.raises(FdcRateLimitError) as info:
            api.food(1)
        assert type(info.value) is type(parsed) is FdcRateLimitError
        assert (info.value.limit, info.value.retry_after) == (parsed.limit, parsed.retry_after)
    assert calls(server) == 2  # neither was retried


@pytest.mark.parametrize(
    ("status", "expected"),
    [(401, FdcAuthError), (403, FdcAuthError), (429, FdcRateLimitError), (404, FdcNotFoundError)],
)
def test_a_spring_error_body_is_named_by_the_same_table(
    status: int, expected: type[FdcError]
) -> None:
    """The back end's own shape once named only 404 and 5xx; a 403 or 429 was a bare FdcError."""
    body = {"timestamp": "t", "status": status, "error": "Refused", "message": "no", "path": "/x"}
    assert type(parse_error(body)) is expected


def test_a_code_and_a_status_that_disagree() -> None:
    """A rate limit wins, then a key problem, then not found, then an outage."""
    assert error_class(403, "OVER_RATE_LIMIT") is FdcRateLimitError
    assert error_class(429, "API_KEY_INVALID") is FdcRateLimitError
    assert error_class(404, "API_KEY_DISABLED") is FdcAuthError
    assert error_class(503, "NOT_FOUND") is FdcNotFoundError
    assert error_class(418, "API_KEY_SOMETHING_NEW") is FdcAuthError
    assert error_class(418) is None and error_class(None) is None


def test_a_status_the_table_does_not_name(server: HTTPServer) -> None:
    """An FDC error body with it is a refusal; a bare one is a bad answer."""
    refused = parse_error({"error": {"code": "TEAPOT", "message": "short and stout"}}, status=418)
    assert type(refused) is FdcError and "TEAPOT: short and stout" in str(refused)
    assert status_error(418, "HTTP 418") is None
    server.expect_request("/t/v1/foods").respond_with_data("", status=418)
    with client(server.url_for("/t")) as api, pytest.raises(FdcResponseError, match="HTTP 418"):
        api.foods([1])


def test_a_5xx_error_says_what_retry_after_said_with_a_body_or_without() -> None:
    headers = {"Retry-After": "120"}
    spring = {"status": 503, "error": "Service Unavailable", "message": "busy"}
    assert "retry after 120 s (Retry-After)" in str(parse_error(spring, headers=headers))
    assert "retry after 120 s (Retry-After)" in str(status_error(503, "x", headers=headers))
