"""The FDC transport against slow, dripping and oversized servers: a total deadline bounds
every request (dripping bodies and headers, slow servers, backoff, ``Retry-After: 3600``),
and broken gzip and oversized answers get the right error.

Every test drives a real HTTP server on 127.0.0.1: pytest-httpserver, or, where bytes
must be dripped, the raw-socket server of ``servers.py``.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from magcalc.errors import (
    FdcError,
    FdcRateLimitError,
    FdcResponseError,
    FdcUnavailableError,
    InputError,
)
from magcalc.fdc import DEFAULT_DEADLINE, DEFAULT_MAX_RESPONSE_BYTES, FdcClient

from .servers import SENTINEL, RawServer, Script, calls, client, drip, food_json, head

# ------------------------------------------------------------------ deadlines


def test_a_dripping_body_is_cut_at_the_deadline(raw_server: Callable[[Script], RawServer]) -> None:
    """40 bytes at one per 0.4 s would take 16 s; per-read timeouts never fire."""
    body = food_json(1)[:40]

    def script(conn: socket.socket, stop: threading.Event) -> None:
        conn.sendall(head(body))
        drip(body, 0.4)(conn, stop)

    raw = raw_server(script)
    start = time.monotonic()
    with (
        client(raw.url, timeout=(1, 1.5), deadline=2) as api,
        pytest.raises(
            FdcUnavailableError, match=r"within the 2 s deadline \(1 attempt\(s\)"
        ) as info,
    ):
        api.food(1)
    assert time.monotonic() - start < 6
    assert "deadline=" in str(info.value)


def test_dripping_headers_are_cut_at_the_deadline(
    raw_server: Callable[[Script], RawServer],
) -> None:
    """Headers drip too: a server can hold a request in the status line for ever."""
    body = food_json(1)
    raw = raw_server(drip(head(body) + body, 0.3))
    start = time.monotonic()
    with (
        client(raw.url, timeout=(1, 1.5), deadline=2, retries=3) as api,
        pytest.raises(FdcUnavailableError, match=r"within the 2 s deadline"),
    ):
        api.food(1)
    assert time.monotonic() - start < 6
    assert raw.connections == 1  # no retry was started past the deadline


def test_a_silent_server_is_cut_at_the_deadline_not_the_read_timeout(server: HTTPServer) -> None:
    release = threading.Event()

    def silent(request: Request) -> Response:
        release.wait(8)
        return Response(food_json(1), content_type="application/json")

    server.expect_request("/slow/v1/food/1").respond_with_handler(silent)
    start = time.monotonic()
    try:
        with (
            client(server.url_for("/slow"), timeout=(1, 10), deadline=1.5) as api,
            pytest.raises(FdcUnavailableError, match=r"1\.5 s deadline"),
        ):
            api.food(1)
        assert time.monotonic() - start < 5
    finally:
        release.set()
        # Let the held request finish here, not in the log of the next test.
        until = time.monotonic() + 5
        while calls(server) < 1 and time.monotonic() < until:
            time.sleep(0.01)


def test_retry_after_past_the_deadline_is_not_waited_for(server: HTTPServer) -> None:
    """503 with Retry-After: 3600 once blocked the default client 30 s per retry."""
    server.expect_request("/busy/v1/food/1").respond_with_data(
        "", status=503, headers={"Retry-After": "3600"}
    )
    start = time.monotonic()
    with (
        client(server.url_for("/busy"), retries=1) as api,
        pytest.raises(FdcUnavailableError) as info,
    ):
        api.food(1)
    assert time.monotonic() - start < 6
    assert calls(server) == 1
    text = str(info.value)
    assert "HTTP 503" in text and "retry after 3600 s (Retry-After)" in text
    assert f"past the {DEFAULT_DEADLINE:g} s deadline" in text and "deadline=" in text
    assert "1 attempt(s)" in text


def test_backoff_stops_at_the_deadline(server: HTTPServer) -> None:
    server.expect_request("/down/v1/food/1").respond_with_data("", status=500)
    start = time.monotonic()
    with (
        client(server.url_for("/down"), retries=10, backoff_factor=1.0, deadline=2.5) as api,
        pytest.raises(
            FdcUnavailableError, match=r"\(backoff\), which would end past the 2\.5 s deadline"
        ),
    ):
        api.food(1)
    assert time.monotonic() - start < 6
    assert calls(server) <= 3  # 0 s, then 2 s of backoff; the 4 s one would end past it


def test_backoff_after_refused_connections_stops_at_the_deadline() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again before the client connects
    start = time.monotonic()
    with (
        client(f"http://127.0.0.1:{port}/fdc", retries=5, backoff_factor=10.0, deadline=2) as api,
        pytest.raises(FdcUnavailableError) as info,
    ):
        api.food(1)
    assert time.monotonic() - start < 6
    text = str(info.value)
    assert "cannot reach FoodData Central" in text and "after 2 attempt(s)" in text
    assert "instead of waiting 20 s (backoff), which would end past the 2 s deadline" in text


@pytest.mark.parametrize(
    ("status", "error"), [(503, FdcUnavailableError), (429, FdcRateLimitError)]
)
def test_an_unreadable_retry_after_is_reported_as_such(
    server: HTTPServer, status: int, error: type[FdcError]
) -> None:
    server.expect_request("/odd/v1/food/1").respond_with_data(
        "", status=status, headers={"Retry-After": "soon"}
    )
    with client(server.url_for("/odd"), retries=1) as api, pytest.raises(error) as info:
        api.food(1)
    text = str(info.value)
    assert "Retry-After header 'soon' is neither a number of seconds nor an HTTP date" in text
    assert "cannot reach" not in text
    assert calls(server) == (2 if status == 503 else 1)  # 503 backed off and retried once


@pytest.mark.parametrize(
    "kwargs",
    [
        {"deadline": 0},
        {"deadline": -1},
        {"deadline": float("nan")},
        {"deadline": float("inf")},
        {"deadline": "30"},
        {"deadline": True},
        {"max_response_bytes": 0},
        {"max_response_bytes": 1.5},
        {"max_response_bytes": True},
    ],
)
def test_deadline_and_size_cap_arguments_checked(kwargs: dict[str, Any]) -> None:
    (field,) = kwargs
    with pytest.raises(InputError, match=field) as info:
        FdcClient(api_key=SENTINEL, cache=False, **kwargs)
    assert info.value.field == field


def test_defaults() -> None:
    with FdcClient(api_key=SENTINEL, cache=False) as api:
        assert (api.deadline, api.max_response_bytes) == (30.0, 20_000_000)
        assert (DEFAULT_DEADLINE, DEFAULT_MAX_RESPONSE_BYTES) == (30.0, 20_000_000)
        assert "deadline=30" in repr(api)


# ------------------------------------------------------------------ error types


def test_gzip_garbage_is_a_response_error_not_unreachable(server: HTTPServer) -> None:
    server.expect_request("/gz/v1/food/1").respond_with_data(
        b"this is not gzip at all",
        content_type="application/json",
        headers={"Content-Encoding": "gzip"},
    )
    with client(server.url_for("/gz")) as api, pytest.raises(FdcResponseError) as info:
        api.food(1)
    assert not isinstance(info.value, FdcUnavailableError)
    assert "gzip-compressed" in str(info.value) and "cannot be decompressed" in str(info.value)
    assert "cannot reach" not in str(info.value)


def big_food(size: int) -> Iterator[bytes]:
    """A valid food record padded to about `size` bytes, made as it is sent."""
    yield b'{"fdcId": 1, "description": "x", "pad": "'
    for _ in range(size // 65536):
        yield b"a" * 65536
    yield b'"}'


def test_the_default_cap_refuses_a_50_mb_answer(server: HTTPServer) -> None:
    """Once read whole (about 150 MiB of memory), now refused from its Content-Length."""
    size = 50_000_000
    length = sum(len(part) for part in big_food(size))
    server.expect_request("/big/v1/food/1").respond_with_response(
        Response(
            big_food(size), content_type="application/json", headers={"Content-Length": str(length)}
        )
    )
    with client(server.url_for("/big")) as api, pytest.raises(FdcResponseError) as info:
        api.food(1)
    text = str(info.value)
    assert "20,000,000-byte cap" in text and f"declares {length:,} bytes" in text
    assert "max_response_bytes=" in text


def test_an_answer_past_the_cap_is_not_read_to_its_end(server: HTTPServer) -> None:
    sent = [0]

    def endless() -> Iterator[bytes]:
        yield b'{"fdcId": 1, "description": "'
        while sent[0] < 500_000_000:
            sent[0] += 65536
            yield b"a" * 65536

    server.expect_request("/big/v1/food/1").respond_with_response(
        Response(endless(), content_type="application/json")  # chunked: no length given
    )
    with client(server.url_for("/big"), max_response_bytes=1_000_000) as api:
        with pytest.raises(FdcResponseError, match=r"1,000,000-byte cap: it goes on past"):
            api.food(1)
        assert sent[0] < 50_000_000  # it stopped reading, and the server stopped sending
