"""FdcClient against hostile and broken servers: no silent wrong number, no unbounded wait.

Every test drives a real HTTP server on 127.0.0.1: pytest-httpserver, or, where bytes
must be dripped or an HTTP status line broken, a small raw-socket server below. What is
proved: a total deadline bounds a request (dripping bodies and headers, slow servers,
backoff, ``Retry-After: 3600``); only valid food data is cached; an answer for another
id is refused; the key never reaches an exception text, a log record or the cache file,
whatever the server echoes, for keys of any length; broken gzip, 401 and oversized
answers get the right error; a cache that cannot be written (read-only file, full disk)
is detected, warned about once and still read.
"""

from __future__ import annotations

import json
import logging
import os
import re
import socket
import subprocess
import sys
import textwrap
import threading
import time
import traceback
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from magcalc.errors import (
    FdcAuthError,
    FdcError,
    FdcRateLimitError,
    FdcResponseError,
    FdcUnavailableError,
    InputError,
)
from magcalc.fdc import (
    DEFAULT_DEADLINE,
    DEFAULT_MAX_RESPONSE_BYTES,
    FdcCacheWarning,
    FdcClient,
)

# Byte-for-byte copies of two recorded FDC answers (provenance: tests/data/fdc/README.md).
RESPONSES = Path(__file__).resolve().parent / "data" / "fdc"
PEANUT_BUTTER = 2262072
BIG_MAC = 170720
RECORDED = {
    PEANUT_BUTTER: "countIt__food-2262072-foundation-full.json",
    BIG_MAC: "danclowry__food-170720-srlegacy-full-2019.json",
}
SENTINEL = "SENTINEL-KEY-1234"
FAST: dict[str, Any] = {"backoff_factor": 0.0, "timeout": (2.0, 5.0)}
# FDC error bodies in their documented shapes (../shared/fdc/README.md), sent with 200.
SPRING_500 = {
    "timestamp": "2020-08-12T22:22:50.220+0000",
    "status": 500,
    "error": "Internal Server Error",
    "message": "all shards failed",
    "path": "/portal-data/api/v1/food/2262072",
}
OVER_RATE_LIMIT = {
    "error": {"code": "OVER_RATE_LIMIT", "message": "You have exceeded your rate limit."}
}
KEY_INVALID = {"error": {"code": "API_KEY_INVALID", "message": "An invalid api_key was supplied."}}


# ------------------------------------------------------------------ servers


@pytest.fixture(scope="session")
def recorded() -> dict[int, bytes]:
    return {fdc_id: (RESPONSES / name).read_bytes() for fdc_id, name in RECORDED.items()}


Script = Callable[[socket.socket, threading.Event], None]


class RawServer:
    """
    A one-purpose HTTP server on 127.0.0.1 that answers every request with a script.

    A script gets the connection (the request already read) and an event set when
    the test ends, which it must honour between writes, so no thread outlives the
    test by more than one wait.
    """

    def __init__(self, script: Script) -> None:
        self.script = script
        self.stop = threading.Event()
        self.connections = 0
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(8)
        self._listener.settimeout(0.1)
        self._threads: list[threading.Thread] = []
        self._accepting = threading.Thread(target=self._accept, daemon=True)
        self._accepting.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._listener.getsockname()[1]}/fdc"

    def _accept(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections += 1
            thread = threading.Thread(target=self._answer, args=(conn,), daemon=True)
            self._threads.append(thread)
            thread.start()

    def _answer(self, conn: socket.socket) -> None:
        with conn:
            conn.settimeout(5)
            try:
                request = b""
                while b"\r\n\r\n" not in request:
                    data = conn.recv(4096)
                    if not data:
                        return
                    request += data
                self.script(conn, self.stop)
            except OSError:
                pass  # the client hung up: that is what most tests here wait for

    def close(self) -> None:
        self.stop.set()
        self._accepting.join(5)
        self._listener.close()
        for thread in self._threads:
            thread.join(5)


@pytest.fixture
def raw_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[Script], RawServer]]:
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    started: list[RawServer] = []

    def start(script: Script) -> RawServer:
        started.append(RawServer(script))
        return started[-1]

    yield start
    for raw in started:
        raw.close()


def head(body: bytes, status: str = "200 OK", extra: str = "") -> bytes:
    return (
        f"HTTP/1.1 {status}\r\nContent-Type: application/json\r\n{extra}"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    ).encode()


def drip(data: bytes, every: float) -> Script:
    """Send `data` one byte every `every` seconds."""

    def script(conn: socket.socket, stop: threading.Event) -> None:
        for i in range(len(data)):
            if stop.wait(every):
                return
            conn.sendall(data[i : i + 1])

    return script


def client(url: str, **kwargs: Any) -> FdcClient:
    options = {"api_key": SENTINEL, "cache": False, **FAST, **kwargs}
    return FdcClient(base_url=url, **options)


def calls(server: HTTPServer) -> int:
    return len(server.log)


def error_texts(err: BaseException) -> list[str]:
    return [str(err), repr(err), "".join(traceback.format_exception(err))]


def food_json(fdc_id: int, description: str = "Synthetic food", mg: float = 42.0) -> bytes:
    return json.dumps(
        {
            "fdcId": fdc_id,
            "description": description,
            "dataType": "SR Legacy",
            "foodNutrients": [
                {"nutrient": {"id": 1090, "number": "304", "unitName": "mg"}, "amount": mg}
            ],
        }
    ).encode()


def cache_bytes(folder: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file())


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


# ------------------------------------------------------------------ cached errors


@pytest.mark.parametrize(
    ("body", "error"),
    [
        (SPRING_500, FdcUnavailableError),
        (OVER_RATE_LIMIT, FdcRateLimitError),
        (KEY_INVALID, FdcAuthError),
    ],
    ids=["spring-500", "over-rate-limit", "api-key-invalid"],
)
def test_an_error_body_sent_with_200_is_not_cached(
    server: HTTPServer,
    recorded: dict[int, bytes],
    tmp_path: Path,
    body: dict[str, Any],
    error: type[FdcError],
) -> None:
    """Cached for 30 days, it failed every lookup with 0 requests after FDC recovered."""
    url = f"/v1/food/{PEANUT_BUTTER}"
    server.expect_ordered_request(f"/c{url}").respond_with_json(body)
    server.expect_ordered_request(f"/c{url}").respond_with_data(
        recorded[PEANUT_BUTTER], content_type="application/json"
    )
    with client(server.url_for("/c"), cache=tmp_path) as api:
        with pytest.raises(error):
            api.food(PEANUT_BUTTER)
        assert api.food(PEANUT_BUTTER).magnesium_mg_per_100g == 192.6  # FDC recovered
    assert calls(server) == 2
    with client(server.url_for("/c"), cache=tmp_path) as again:
        assert again.food(PEANUT_BUTTER).magnesium_mg_per_100g == 192.6
    assert calls(server) == 2  # the good answer was cached


def test_a_cache_poisoned_by_an_older_version_heals(
    server: HTTPServer, recorded: dict[int, bytes], tmp_path: Path
) -> None:
    """An error body already in the cache is dropped and asked for again, not served."""
    import requests_cache

    url = f"/p/v1/food/{PEANUT_BUTTER}"
    server.expect_ordered_request(url).respond_with_json(OVER_RATE_LIMIT)
    server.expect_ordered_request(url).respond_with_data(
        recorded[PEANUT_BUTTER], content_type="application/json"
    )
    # What magcalc's cache used to keep: any 200 that looked like whole JSON.
    with requests_cache.CachedSession(
        str(tmp_path / "fdc.sqlite"),
        allowable_codes=(200, 404),
        ignored_parameters=("X-Api-Key", "X-API-Key", "x-api-key", "api_key"),
        match_headers=False,
    ) as old:
        old.get(server.url_for(url), headers={"X-Api-Key": SENTINEL})
    with client(server.url_for("/p"), cache=tmp_path) as api:
        assert api.food(PEANUT_BUTTER).magnesium_mg_per_100g == 192.6
        assert api.food(PEANUT_BUTTER).magnesium_mg_per_100g == 192.6
    assert calls(server) == 2  # the poisoned answer, then the good one once


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


def test_a_401_reports_its_own_status(server: HTTPServer) -> None:
    server.expect_request("/a/v1/food/1").respond_with_data("", status=401)
    with client(server.url_for("/a")) as api, pytest.raises(FdcAuthError) as info:
        api.food(1)
    assert "HTTP 401" in str(info.value) and "403" not in str(info.value)


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


# ------------------------------------------------------------------ a cache that cannot write


def fill_cache(server: HTTPServer, recorded: dict[int, bytes], folder: Path) -> str:
    """A cache in `folder` holding peanut butter; returns the base URL the foods are served at."""
    for fdc_id, body in recorded.items():
        server.expect_request(f"/ro/v1/food/{fdc_id}").respond_with_data(
            body, content_type="application/json"
        )
    base = server.url_for("/ro")
    with client(base, cache=folder) as api:
        api.food(PEANUT_BUTTER)
    assert calls(server) == 1
    return base


def open_within(seconds: float, **kwargs: Any) -> tuple[FdcClient, list[warnings.WarningMessage]]:
    """Make a client in a thread, failing if it is not made in time (it used to hang)."""
    made: list[FdcClient] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        thread = threading.Thread(target=lambda: made.append(client(**kwargs)), daemon=True)
        thread.start()
        thread.join(seconds)
    assert made, f"FdcClient(cache=...) did not return within {seconds} s"
    return made[0], list(caught)


def test_a_read_only_cache_file_is_read_warned_about_once_and_not_written(
    server: HTTPServer, recorded: dict[int, bytes], tmp_path: Path
) -> None:
    base = fill_cache(server, recorded, tmp_path)
    database = tmp_path / "fdc.sqlite"
    data = bytearray(database.read_bytes())
    data[18] = 3  # file format write version 3: SQLite must open the file read-only
    database.write_bytes(bytes(data))
    api, caught = open_within(10, url=base, cache=tmp_path)
    with api:
        assert [w.category for w in caught] == [FdcCacheWarning]
        assert "cannot be written" in str(caught[0].message)
        assert "uses the 1 answer(s) already in it" in str(caught[0].message)
        assert (api.cache_path, api.cache_read_only) == (database, True)
        assert "cache_read_only=True" in repr(api)
        assert api.food(PEANUT_BUTTER).magnesium_mg_per_100g == 192.6  # read from the file
        assert calls(server) == 1
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # no second warning
            assert api.food(BIG_MAC).fdc_id == BIG_MAC
            assert api.food(BIG_MAC).fdc_id == BIG_MAC  # kept in memory
        assert calls(server) == 2
    assert database.read_bytes() == bytes(data)


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root ignores modes")
def test_a_read_only_cache_folder_is_read_and_warned_about_once(
    server: HTTPServer, recorded: dict[int, bytes], tmp_path: Path
) -> None:
    base = fill_cache(server, recorded, tmp_path)
    (tmp_path / "fdc.sqlite").chmod(0o444)
    tmp_path.chmod(0o555)
    try:
        api, caught = open_within(10, url=base, cache=tmp_path)
        with api:
            assert [w.category for w in caught] == [FdcCacheWarning]
            assert api.cache_read_only
            assert api.food(PEANUT_BUTTER).fdc_id == PEANUT_BUTTER
            assert api.food(BIG_MAC).fdc_id == BIG_MAC
            assert calls(server) == 2
    finally:
        tmp_path.chmod(0o755)


FULL_DISK = textwrap.dedent(
    """
    import json, resource, signal, sys, warnings
    from pathlib import Path

    def fill_the_disk():
        # Files may not grow past 1 KiB, as on a full disk: every SQLite write fails.
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        hard = resource.getrlimit(resource.RLIMIT_FSIZE)[1]
        resource.setrlimit(resource.RLIMIT_FSIZE, (1024, hard))

    base, folder, when = sys.argv[1:]
    warnings.simplefilter("always")
    from magcalc.fdc import FdcClient
    with warnings.catch_warnings(record=True) as caught:
        if when == "open":
            fill_the_disk()
        api = FdcClient(api_key="SENTINEL-KEY-1234", base_url=base, cache=Path(folder),
                        backoff_factor=0.0)
        if when == "later":
            fill_the_disk()
        foods = [api.food(i).fdc_id for i in (2262072, 170720, 170720, 2262072)]
    print(json.dumps({
        "warnings": [[w.category.__name__, str(w.message)] for w in caught],
        "foods": foods,
        "read_only": api.cache_read_only,
        "cache_path": str(api.cache_path),
    }))
    """
)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="RLIMIT_FSIZE as a full disk")
@pytest.mark.parametrize("when", ["open", "later"])
def test_a_full_disk_is_detected_warned_about_once_and_the_cache_still_read(
    server: HTTPServer, recorded: dict[int, bytes], tmp_path: Path, when: str
) -> None:
    """In a child process whose files cannot grow: at open (probed) and mid-run (checked)."""
    base = fill_cache(server, recorded, tmp_path)
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    env["NO_PROXY"] = "127.0.0.1"
    done = subprocess.run(
        [sys.executable, "-c", FULL_DISK, base, str(tmp_path), when],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["foods"] == [PEANUT_BUTTER, BIG_MAC, BIG_MAC, PEANUT_BUTTER]
    ((category, message),) = out["warnings"]
    assert category == "FdcCacheWarning"
    assert ("cannot be written" if when == "open" else "could not save") in message
    assert out["read_only"] is True and out["cache_path"] == str(tmp_path / "fdc.sqlite")
    # Peanut butter came from the cache both times; the Big Mac was asked once at
    # open (kept in memory) and twice later (the file could not keep it).
    assert calls(server) == 1 + (1 if when == "open" else 2)
