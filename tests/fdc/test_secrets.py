"""The API key never reaches an exception text, a log record or the cache file, whatever
the server echoes, for keys of any length.

Every test drives a real HTTP server on 127.0.0.1: pytest-httpserver, or, where an HTTP
status line or header must be broken, the raw-socket server of ``servers.py``.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from magcalc.errors import FdcAuthError, FdcError, FdcResponseError, FdcUnavailableError

from .servers import SENTINEL, RawServer, Script, cache_bytes, client, error_texts, food_json, head

# ------------------------------------------------------------------ the key


def test_a_key_echoed_in_a_200_error_body_is_masked(server: HTTPServer) -> None:
    echo = {"error": {"code": "API_KEY_INVALID", "message": f"The key {SENTINEL} is invalid"}}
    server.expect_request("/e/v1/food/1").respond_with_json(echo)
    with client(server.url_for("/e")) as api, pytest.raises(FdcAuthError) as info:
        api.food(1)
    for text in error_texts(info.value):
        assert SENTINEL not in text
    assert "The key <api key> is invalid" in str(info.value)


def test_a_key_used_as_a_json_key_is_masked(server: HTTPServer) -> None:
    server.expect_request("/e/v1/food/1").respond_with_json({SENTINEL: 1, "fdcIdx": 2})
    with client(server.url_for("/e")) as api, pytest.raises(FdcResponseError) as info:
        api.food(1)
    for text in error_texts(info.value):
        assert SENTINEL not in text
    assert "<api key>" in str(info.value) and "fdcIdx" in str(info.value)


@pytest.mark.parametrize(
    "key", ["Q", "k3y", "Ab12cd", 's"cr\\et'], ids=["1-char", "3-char", "6-char", "escaped"]
)
@pytest.mark.parametrize("shape", ["json", "html", "text"])
def test_keys_of_any_length_are_masked(server: HTTPServer, key: str, shape: str) -> None:
    """Short keys are masked where they stand alone, long ones anywhere, escaped or not."""
    if shape == "json":
        body = json.dumps({"error": {"code": "API_KEY_INVALID", "message": f"bad key {key}."}})
        kind = "application/json"
    elif shape == "html":
        body, kind = f"<html><title>bad key {key}.</title></html>", "text/html"
    else:
        body, kind = f"bad key {key}.", "text/plain"
    server.expect_request("/k/v1/food/1").respond_with_data(body, content_type=kind)
    with client(server.url_for("/k"), api_key=key) as api, pytest.raises(FdcError) as info:
        api.food(1)
    word = re.compile(rf"(?<![A-Za-z0-9_-]){re.escape(key)}(?![A-Za-z0-9_-])")
    escaped = key.encode("unicode_escape").decode()
    for text in error_texts(info.value):
        if len(key) < 4:
            assert not word.search(text), text
        else:
            assert key not in text and escaped not in text, text
    assert "<api key>" in str(info.value)
    assert "FoodData Central" in str(info.value)  # still a readable message


def test_a_key_quoted_by_a_broken_status_line_stays_out_of_logs_and_tracebacks(
    raw_server: Callable[[Script], RawServer], caplog: pytest.LogCaptureFixture
) -> None:
    """urllib3 logs and chains the bad status line, which here carries the key."""
    caplog.set_level(logging.DEBUG)
    raw = raw_server(lambda conn, stop: conn.sendall(f"HTTP/1.1 {SENTINEL}\r\n\r\n".encode()))
    with client(raw.url, retries=1) as api, pytest.raises(FdcUnavailableError) as info:
        api.food(1)
    assert raw.connections == 2  # retried once, with a warning urllib3 logged
    assert any("BadStatusLine" in r.getMessage() for r in caplog.records)
    for record in caplog.records:
        assert SENTINEL not in record.getMessage()
        assert SENTINEL not in logging.Formatter().format(record)
    for text in error_texts(info.value):
        assert SENTINEL not in text
    assert "BadStatusLine" in error_texts(info.value)[2]  # the cause is kept, masked


def test_a_key_in_unparsable_headers_stays_out_of_logs(
    raw_server: Callable[[Script], RawServer], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    body = food_json(1)
    raw = raw_server(
        lambda conn, stop: conn.sendall(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
            + f"{SENTINEL}\r\n".encode()  # a header line without a colon
            + b"Connection: close\r\n\r\n"
            + body
        )
    )
    with client(raw.url) as api:
        assert api.food(1).fdc_id == 1
    assert any("Failed to parse headers" in r.getMessage() for r in caplog.records)
    for record in caplog.records:
        assert SENTINEL not in logging.Formatter().format(record)


@pytest.mark.parametrize("where", ["reason", "header", "description"])
def test_an_answer_that_quotes_the_key_is_not_cached(
    raw_server: Callable[[Script], RawServer], tmp_path: Path, where: str
) -> None:
    body = food_json(1, f"Food {SENTINEL}" if where == "description" else "Food")
    status = f"200 {SENTINEL}" if where == "reason" else "200 OK"
    extra = f"X-Echo: {SENTINEL}\r\n" if where == "header" else ""
    raw = raw_server(lambda conn, stop: conn.sendall(head(body, status, extra) + body))
    with client(raw.url, cache=tmp_path) as api:
        assert api.food(1).fdc_id == 1
        assert api.food(1).fdc_id == 1
    assert raw.connections == 2  # asked twice: never cached
    assert SENTINEL.encode() not in cache_bytes(tmp_path)
