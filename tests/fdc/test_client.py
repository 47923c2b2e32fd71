"""FdcClient against a real HTTP server on 127.0.0.1 replaying ../shared/fdc/responses.

pytest-httpserver serves the recordings byte for byte and injects faults: timeout,
connection refused, 429, 403 missing and invalid key, 500 with the Spring body, an HTML
page, truncated JSON, 404 with an empty body. Requests are counted to prove batching,
bounded retries and caching; a sentinel key is hunted for in logs, exception texts,
reprs and every byte of the cache folder. Nothing here reaches the internet except the
``network`` test, which runs only with FDC_API_KEY set.
"""

from __future__ import annotations

import argparse
import io
import json
import logging
import math
import os
import pickle
import socket
import threading
import time
import traceback
import warnings
from contextlib import redirect_stdout
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

import magcalc
from magcalc import __version__
from magcalc.cli.fdc import register, resolve_food_arg
from magcalc.errors import (
    FdcAuthError,
    FdcNotFoundError,
    FdcRateLimitError,
    FdcResponseError,
    FdcUnavailableError,
    InputError,
)
from magcalc.fdc import FdcCacheWarning, FdcClient, FdcKeyWarning, FdcMissingFoodsWarning

# Byte-for-byte copies of ../shared/fdc/responses (provenance: tests/data/fdc/README.md).
RESPONSES = Path(__file__).resolve().parents[1] / "data" / "fdc"
MISSING = "tests/data/fdc (the recorded FDC answers, kept in the repository) is missing"
SENTINEL = "SENTINEL-KEY-1234"
BAD_KEY = "BAD-KEY-5678"
# Recorded food answers by FDC id (../shared/fdc/README.md). 328637 only exists abridged:
# its full format answers 404 with an empty body, as some Foundation foods do.
FOODS = {
    2262072: "countIt__food-2262072-foundation-full.json",
    2709225: "countIt__food-survey-fndds-full.json",
    2643119: "countIt__food-branded-full.json",
    170720: "danclowry__food-170720-srlegacy-full-2019.json",
}
ABRIDGED = {328637: "trellislabs__food-328637.detail-abridged.json"}
SEARCHES = {
    "banana": "countIt__foods-search.json",
    "cheddar cheese": "trellislabs__cheddar-cheese.search-all.json",
}
UNKNOWN = 900_000  # ids from here up are unknown to the replay, as to FDC
FAST: dict[str, Any] = {"backoff_factor": 0.0, "timeout": (2.0, 5.0)}


# ------------------------------------------------------------------ the replaying server


class Replay:
    """A WSGI handler that answers like FDC from the recordings."""

    def __init__(self, shared: Path) -> None:
        self.shared = shared
        self.remaining = 1000

    def body(self, name: str) -> bytes:
        return (self.shared / name).read_bytes()

    def json_response(self, body: bytes, status: int = 200) -> Response:
        self.remaining -= 1
        return Response(
            body,
            status=status,
            content_type="application/json",
            headers={"X-RateLimit-Limit": "1000", "X-RateLimit-Remaining": str(self.remaining)},
        )

    def synthetic(self, fdc_id: int) -> dict[str, Any]:
        return {
            "fdcId": fdc_id,
            "description": f"Synthetic food {fdc_id}",
            "dataType": "SR Legacy",
            "publicationDate": "4/1/2019",
            "foodNutrients": [
                {
                    "nutrient": {"id": 1090, "number": "304", "unitName": "mg"},
                    "amount": fdc_id % 300,
                }
            ],
        }

    def __call__(self, request: Request) -> Response:
        key = request.headers.get("X-Api-Key")
        if not key:
            return self.json_response(self.body("error-403-API_KEY_MISSING.fdc.json"), 403)
        if key == BAD_KEY:
            invalid = {
                "error": {
                    "code": "API_KEY_INVALID",
                    "message": "An invalid api_key was supplied. Get one at https://api.nal.usda.gov:443",
                }
            }
            return self.json_response(json.dumps(invalid).encode(), 403)
        path = request.path.removeprefix("/fdc")
        abridged = request.args.get("format") == "abridged"
        if path.startswith("/v1/food/"):
            fdc_id = int(path.rsplit("/", 1)[1])
            if fdc_id in FOODS:
                return self.json_response(self.body(FOODS[fdc_id]))
            if fdc_id in ABRIDGED and abridged:
                return self.json_response(self.body(ABRIDGED[fdc_id]))
            return self.json_response(b"", 404)
        if path == "/v1/foods":
            out: list[Any] = []
            for text in request.args.get("fdcIds", "").split(","):
                fdc_id = int(text)
                if fdc_id in FOODS:
                    out.append(json.loads(self.body(FOODS[fdc_id])))
                elif fdc_id in ABRIDGED:
                    if abridged:
                        out.append(json.loads(self.body(ABRIDGED[fdc_id])))
                elif fdc_id < UNKNOWN:
                    out.append(self.synthetic(fdc_id))
            return self.json_response(json.dumps(out).encode())
        if path == "/v1/foods/search":
            name = SEARCHES.get(request.args.get("query", ""))
            if name is None:
                return self.json_response(b'{"totalHits": 0, "currentPage": 1, "foods": []}')
            return self.json_response(self.body(name))
        return self.json_response(b"", 404)


@pytest.fixture(scope="session")
def shared_fdc() -> Path:
    # In the repository, so a clone alone runs every FDC test: missing is a failure.
    assert RESPONSES.is_dir(), MISSING
    return RESPONSES


@pytest.fixture
def fdc(server: HTTPServer, shared_fdc: Path) -> HTTPServer:
    """The server replaying FDC under /fdc."""
    server.expect_request(__import__("re").compile("^/fdc/")).respond_with_handler(
        Replay(shared_fdc)
    )
    return server


def client(server: HTTPServer, prefix: str = "/fdc", **kwargs: Any) -> FdcClient:
    options = {"api_key": SENTINEL, "cache": False, **FAST, **kwargs}
    return FdcClient(base_url=server.url_for(prefix), **options)


def calls(server: HTTPServer) -> int:
    return len(server.log)


def no_sentinel(*texts: object) -> None:
    for text in texts:
        assert SENTINEL not in str(text)


def error_texts(err: BaseException) -> list[str]:
    return [str(err), repr(err), "".join(traceback.format_exception(err))]


# ------------------------------------------------------------------ replaying the recordings


def test_food_full_format_and_request_headers(fdc: HTTPServer) -> None:
    api = client(fdc)
    food = api.food(2262072)
    assert (food.description, food.magnesium_mg_per_100g) == ("Peanut butter, creamy", 192.6)
    ((request, _),) = fdc.log
    assert request.path == "/fdc/v1/food/2262072"
    assert request.headers["X-Api-Key"] == SENTINEL
    assert request.headers["User-Agent"] == f"magcalc/{__version__}"
    assert SENTINEL not in request.url and "api_key" not in request.url
    assert api.rate_limit_remaining == 999
    assert api.rate_limit_limit == 1000


def test_fdc_foods_work_with_food_magnesium(fdc: HTTPServer) -> None:
    api = client(fdc)
    banana = api.food("2709225")
    assert magcalc.food_magnesium(banana, "1 banana").magnitude == pytest.approx(42.0)
    branded = api.food(2643119)
    with pytest.raises(magcalc.NoMagnesiumDataError):
        magcalc.food_magnesium(branded, "1 serving")
    big_mac = api.food(170720)
    assert big_mac.portions[0].unit_description == "item 7.6 oz"


def test_404_with_empty_body_falls_back_to_abridged(fdc: HTTPServer) -> None:
    food = client(fdc).food(328637)
    assert food.magnesium_mg_per_100g == 26.8
    assert [r.args.get("format") for r, _ in fdc.log] == [None, "abridged"]


def test_unknown_id_is_not_found_after_one_fallback(fdc: HTTPServer) -> None:
    with pytest.raises(FdcNotFoundError, match="no food with FDC id 999") as info:
        client(fdc).food(999)
    assert isinstance(info.value, KeyError)
    assert calls(fdc) == 2


def test_404_with_a_body_is_not_found_without_fallback(server: HTTPServer) -> None:
    server.expect_request("/x/v1/food/5").respond_with_json({"message": "nope"}, status=404)
    with pytest.raises(FdcNotFoundError):
        client(server, "/x").food(5)
    assert calls(server) == 1


@pytest.mark.parametrize("bad", [0, -3, "abc", 1.5, True, None])
def test_bad_ids_are_refused_before_any_request(server: HTTPServer, bad: Any) -> None:
    with pytest.raises(InputError, match="positive whole number"):
        client(server).food(bad)
    assert calls(server) == 0


def test_search_asks_for_non_branded_types_by_default(fdc: HTTPServer) -> None:
    api = client(fdc)
    (food,) = api.search("banana", page_size=1)
    assert food.fdc_id == 2012128
    ((request, _),) = fdc.log
    assert request.path == "/fdc/v1/foods/search"
    assert request.args["dataType"] == "Foundation,SR Legacy,Survey (FNDDS)"
    assert (request.args["pageSize"], request.args["pageNumber"]) == ("1", "1")


def test_search_branded_only_when_asked(fdc: HTTPServer) -> None:
    foods = client(fdc).search("cheddar cheese", data_types=("branded",), page_size=10, page=2)
    assert len(foods) == 10 and all(f.magnesium_mg_per_100g is None for f in foods)
    request = fdc.log[0][0]
    assert request.args["dataType"] == "Branded"
    assert request.args["pageNumber"] == "2"
    assert client(fdc).search("no such thing") == []


@pytest.mark.parametrize(
    "kwargs",
    [
        {"query": " "},
        {"data_types": ("Sample",)},
        {"data_types": ()},
        {"page_size": 0},
        {"page_size": 201},
        {"page": 0},
    ],
)
def test_search_arguments_checked(server: HTTPServer, kwargs: dict[str, Any]) -> None:
    args = {"query": "banana", **kwargs}
    with pytest.raises(InputError):
        client(server).search(**args)
    assert calls(server) == 0


# ------------------------------------------------------------------ batching


@pytest.mark.parametrize("n", [1, 20, 21, 45, 100])
def test_foods_batches_20_ids_a_call(fdc: HTTPServer, n: int) -> None:
    ids = list(range(1000, 1000 + n))
    foods = client(fdc).foods(ids + ids[:3])  # duplicates are fetched once
    assert [f.fdc_id for f in foods] == ids
    assert foods.missing == ()
    assert calls(fdc) == math.ceil(n / 20)
    assert all(len(r.args["fdcIds"].split(",")) <= 20 for r, _ in fdc.log)
    assert foods[0].magnesium_mg_per_100g == 1000 % 300


def test_foods_reports_the_ids_fdc_dropped(fdc: HTTPServer) -> None:
    ids = [2262072, UNKNOWN + 1, 1001, 328637, UNKNOWN + 2]
    with pytest.warns(FdcMissingFoodsWarning, match=r"2 of 5 FDC id\(s\): 900001, 900002"):
        foods = client(fdc).foods(ids)
    assert [f.fdc_id for f in foods] == [2262072, 1001, 328637]  # in the order asked
    assert foods.missing == (UNKNOWN + 1, UNKNOWN + 2)
    # one full-format call, then one abridged call for the three it dropped
    assert [r.args.get("format") for r, _ in fdc.log] == [None, "abridged"]
    assert fdc.log[1][0].args["fdcIds"] == "900001,328637,900002"
    assert pickle.loads(pickle.dumps(foods)).missing == foods.missing


def test_foods_missing_raise_and_ignore(fdc: HTTPServer) -> None:
    with pytest.raises(FdcNotFoundError, match="900005"):
        client(fdc).foods([1, UNKNOWN + 5], missing="raise")
    assert client(fdc).foods([UNKNOWN + 5], missing="ignore").missing == (UNKNOWN + 5,)
    with pytest.raises(InputError):
        client(fdc).foods([1], missing="loudly")  # type: ignore[arg-type]


# ------------------------------------------------------------------ caching


def run_everything(api: FdcClient) -> list[Any]:
    return [
        api.food(2262072),
        api.food(328637),  # full 404 + abridged: both answers are cached
        api.search("banana", page_size=1),
        api.foods(range(2000, 2045)),
    ]


def test_a_repeated_run_costs_no_request(fdc: HTTPServer, tmp_path: Path) -> None:
    first = run_everything(client(fdc, cache=tmp_path))
    cold = calls(fdc)
    assert cold == 1 + 2 + 1 + 3
    again = client(fdc, cache=tmp_path, api_key="ANOTHER-KEY-0000")  # key not in cache keys
    assert run_everything(again) == first
    assert calls(fdc) == cold
    assert again.rate_limit_remaining is None  # nothing came from the network
    assert again.cache_path == tmp_path / "fdc.sqlite"


def test_bad_answers_are_not_cached(server: HTTPServer, shared_fdc: Path, tmp_path: Path) -> None:
    good = (shared_fdc / FOODS[2262072]).read_bytes()
    for bad in (HTML.encode(), good[:3000]):
        server.clear()
        server.expect_ordered_request("/c/v1/food/2262072").respond_with_data(bad)
        server.expect_ordered_request("/c/v1/food/2262072").respond_with_data(
            good, content_type="application/json"
        )
        api = client(server, "/c", cache=tmp_path)
        with pytest.raises(FdcResponseError):
            api.food(2262072)
        assert api.food(2262072).magnesium_mg_per_100g == 192.6  # asked again, not cached
        assert calls(server) == 2
        (tmp_path / "fdc.sqlite").unlink()


def test_cache_false_always_asks(fdc: HTTPServer) -> None:
    api = client(fdc, cache=False)
    api.food(2262072)
    api.food(2262072)
    assert calls(fdc) == 2
    assert api.cache_path is None


def test_corrupt_cache_is_recreated_with_one_warning(fdc: HTTPServer, tmp_path: Path) -> None:
    (tmp_path / "fdc.sqlite").write_bytes(b"this is not an SQLite database " * 50)
    with pytest.warns(FdcCacheWarning, match="unreadable") as record:
        api = client(fdc, cache=tmp_path)
    assert len(record) == 1
    api.food(2262072)
    client(fdc, cache=tmp_path).food(2262072)
    assert calls(fdc) == 1  # the new cache works


def test_unwritable_cache_folder_means_no_cache(fdc: HTTPServer, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.warns(FdcCacheWarning, match="without a cache") as record:
        api = client(fdc, cache=blocker / "cache")
    assert len(record) == 1
    assert api.cache_path is None
    assert api.food(2262072).fdc_id == 2262072


def test_default_cache_is_in_the_platformdirs_user_cache(
    fdc: HTTPServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import platformdirs

    monkeypatch.delenv("MAGCALC_CACHE_DIR", raising=False)  # magcalc's own folder override
    monkeypatch.setattr(
        platformdirs, "user_cache_dir", lambda name, appauthor=None: str(tmp_path / name)
    )
    api = client(fdc, cache=True)
    assert api.cache_path == tmp_path / "magcalc" / "fdc.sqlite"


def test_default_cache_follows_magcalc_cache_dir(
    fdc: HTTPServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One folder setting for every magcalc cache: the food table's and FDC's."""
    monkeypatch.setenv("MAGCALC_CACHE_DIR", str(tmp_path / "mine"))
    api = client(fdc, cache=True)
    assert api.cache_path == tmp_path / "mine" / "fdc.sqlite"
    api.food(2262072)
    client(fdc, cache=True).food(2262072)
    assert calls(fdc) == 1


def test_magcalc_cache_dir_off_means_no_fdc_cache(
    fdc: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MAGCALC_CACHE_DIR", "off")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # asked for: no warning
        api = client(fdc, cache=True)
    assert api.cache_path is None
    api.food(2262072)
    api.food(2262072)
    assert calls(fdc) == 2


# ------------------------------------------------------------------ the key


def test_key_never_in_logs_errors_reprs_or_cache(
    fdc: HTTPServer, server: HTTPServer, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    for name in ("urllib3", "requests", "requests_cache", "magcalc"):
        caplog.set_level(logging.DEBUG, logger=name)
    caplog.set_level(logging.DEBUG)
    server.expect_request("/bad/v1/food/1").respond_with_data(
        "oops", status=500, content_type="text/plain"
    )
    server.expect_request("/bad/v1/food/2").respond_with_data(
        f"<html><title>echo {SENTINEL}</title></html>", content_type="text/html"
    )
    api = client(fdc, cache=tmp_path, retries=1)
    run_everything(api)
    texts: list[str] = [repr(api), str(api)]
    broken = client(server, "/bad", retries=1)
    texts.append(repr(broken))
    for call in (lambda: broken.food(1), lambda: broken.food(2), lambda: api.food(999)):
        with pytest.raises(magcalc.FdcError) as info:
            call()
        texts += error_texts(info.value)
    loggers = {r.name.split(".")[0] for r in caplog.records}
    assert {"urllib3", "magcalc"} <= loggers, "DEBUG logging was captured"
    for record in caplog.records:
        texts += [record.getMessage(), repr(record.args)]
    no_sentinel(*texts)
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert files
    for path in files:
        assert SENTINEL.encode() not in path.read_bytes(), path


def test_demo_key_with_a_warning(fdc: HTTPServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FDC_API_KEY", raising=False)
    with pytest.warns(FdcKeyWarning, match="DEMO_KEY.*about 30 requests an hour"):
        api = FdcClient(base_url=fdc.url_for("/fdc"), cache=False, **FAST)
    api.food(2262072)
    assert fdc.log[0][0].headers["X-Api-Key"] == "DEMO_KEY"
    assert "key=DEMO_KEY" in repr(api)


def test_key_from_environment(fdc: HTTPServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FDC_API_KEY", SENTINEL)
    api = FdcClient(base_url=fdc.url_for("/fdc"), cache=False, **FAST)
    api.food(2262072)
    assert fdc.log[0][0].headers["X-Api-Key"] == SENTINEL
    assert "from FDC_API_KEY" in repr(api)
    no_sentinel(repr(api))


# ------------------------------------------------------------------ faults


def test_timeout_is_unavailable_after_bounded_retries(server: HTTPServer) -> None:
    release = threading.Event()

    def slow(request: Request) -> Response:
        release.wait(3)
        return Response("{}", content_type="application/json")

    server.expect_request("/slow/v1/food/1").respond_with_handler(slow)
    api = client(server, "/slow", timeout=(1.0, 0.2), retries=1)
    start = time.perf_counter()
    try:
        with pytest.raises(FdcUnavailableError, match=r"did not answer.*2 attempt") as info:
            api.food(1)
    finally:
        release.set()
    assert time.perf_counter() - start < 2.0
    assert isinstance(info.value, ConnectionError)
    no_sentinel(*error_texts(info.value))
    deadline = time.monotonic() + 3
    while calls(server) < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert calls(server) == 2


def test_connection_refused_is_unavailable() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again before the client connects
    api = FdcClient(
        api_key=SENTINEL, base_url=f"http://127.0.0.1:{port}/fdc", cache=False, retries=2, **FAST
    )
    with pytest.raises(
        FdcUnavailableError, match=r"cannot reach FoodData Central.*3 attempt"
    ) as info:
        api.food(1)
    no_sentinel(*error_texts(info.value))


def test_429_is_not_retried_and_says_what_headers_said(
    server: HTTPServer, shared_fdc: Path
) -> None:
    body = (shared_fdc / "error-429-OVER_RATE_LIMIT.fdc.json").read_bytes()
    server.expect_request("/rl/v1/food/1").respond_with_data(
        body,
        status=429,
        content_type="application/json",
        headers={"X-RateLimit-Limit": "1000", "X-RateLimit-Remaining": "0", "Retry-After": "3600"},
    )
    api = client(server, "/rl", retries=3)
    with pytest.raises(FdcRateLimitError, match="over its rate limit") as info:
        api.food(1)
    err = info.value
    assert (err.limit, err.retry_after) == (1000, 3600.0)
    assert "retry after 3600 s" in str(err)
    assert calls(server) == 1  # never retried: FDC blocks for an hour
    assert api.rate_limit_remaining == 0
    again = pickle.loads(pickle.dumps(err))
    assert (again.limit, again.retry_after, str(again)) == (1000, 3600.0, str(err))


def test_429_without_retry_after(server: HTTPServer) -> None:
    server.expect_request("/rl/v1/food/1").respond_with_json(
        {"error": {"code": "OVER_RATE_LIMIT", "message": "x"}}, status=429
    )
    with pytest.raises(FdcRateLimitError, match="about an hour") as info:
        client(server, "/rl").food(1)
    assert (info.value.limit, info.value.retry_after) == (None, None)


def test_403_key_missing(server: HTTPServer, shared_fdc: Path) -> None:
    body = (shared_fdc / "error-403-API_KEY_MISSING.fdc.json").read_bytes()
    server.expect_request("/auth/v1/food/1").respond_with_data(
        body, status=403, content_type="application/json"
    )
    with pytest.raises(FdcAuthError, match=r"API_KEY_MISSING.*api-key-signup") as info:
        client(server, "/auth").food(1)
    assert isinstance(info.value, PermissionError)
    assert calls(server) == 1


def test_403_key_invalid(fdc: HTTPServer) -> None:
    with pytest.raises(
        FdcAuthError, match=r"not valid \(API_KEY_INVALID\).*api-key-signup"
    ) as info:
        client(fdc, api_key=BAD_KEY).food(2262072)
    assert BAD_KEY not in str(info.value)


def test_500_spring_body_retried_a_bounded_number_of_times(
    server: HTTPServer, shared_fdc: Path
) -> None:
    body = (shared_fdc / "error-500-all-shards-failed.foods-list.json").read_bytes()
    server.expect_request("/down/v1/food/1").respond_with_data(
        body, status=500, content_type="application/json"
    )
    with pytest.raises(FdcUnavailableError, match="all shards failed") as info:
        client(server, "/down", retries=2).food(1)
    assert calls(server) == 3  # the first attempt and 2 retries, no more
    no_sentinel(*error_texts(info.value))


def test_a_passing_5xx_is_retried_to_success(server: HTTPServer, shared_fdc: Path) -> None:
    body = (shared_fdc / "error-500-no-nodes-available.foods-search.json").read_bytes()
    food = (shared_fdc / FOODS[2262072]).read_bytes()
    server.expect_ordered_request("/flaky/v1/food/2262072").respond_with_data(
        body, status=500, content_type="application/json"
    )
    server.expect_ordered_request("/flaky/v1/food/2262072").respond_with_data(
        food, content_type="application/json"
    )
    assert client(server, "/flaky", retries=2).food(2262072).magnesium_mg_per_100g == 192.6
    assert calls(server) == 2


HTML = "<!DOCTYPE html><html><head><title>503 Service Unavailable</title></head><body>down</body></html>"


def test_html_page_is_a_response_error(server: HTTPServer) -> None:
    server.expect_request("/html/v1/food/1").respond_with_data(HTML, content_type="text/html")
    with pytest.raises(FdcResponseError, match='HTML page titled "503 Service Unavailable"'):
        client(server, "/html").food(1)


def test_html_error_page_with_5xx_is_unavailable(server: HTTPServer) -> None:
    server.expect_request("/html/v1/food/1").respond_with_data(
        HTML, status=502, content_type="text/html"
    )
    with pytest.raises(FdcUnavailableError, match=r"HTTP 502.*HTML page"):
        client(server, "/html", retries=1).food(1)
    assert calls(server) == 2


def test_truncated_json_is_a_response_error(server: HTTPServer, shared_fdc: Path) -> None:
    cut = (shared_fdc / FOODS[2709225]).read_bytes()[:5000]
    server.expect_request("/cut/v1/food/1").respond_with_data(cut, content_type="application/json")
    with pytest.raises(FdcResponseError, match="truncated"):
        client(server, "/cut").food(1)


def test_non_json_text_is_a_response_error(server: HTTPServer) -> None:
    server.expect_request("/txt/v1/food/1").respond_with_data(
        "fdcId=1; description=x", content_type="text/plain"
    )
    with pytest.raises(FdcResponseError, match="not JSON"):
        client(server, "/txt").food(1)


def test_json_of_the_wrong_shape_is_a_response_error(server: HTTPServer) -> None:
    server.expect_request("/odd/v1/foods").respond_with_json({"fdcId": 1})
    with pytest.raises(FdcResponseError, match="list"):
        client(server, "/odd").foods([1])


def test_redirects_are_not_followed(server: HTTPServer) -> None:
    server.expect_request("/moved/v1/food/1").respond_with_data(
        "", status=302, headers={"Location": "http://elsewhere.invalid/v1/food/1"}
    )
    with pytest.raises(FdcResponseError, match=r"redirected.*elsewhere.invalid"):
        client(server, "/moved").food(1)
    assert calls(server) == 1


@pytest.mark.parametrize(
    "kwargs",
    [
        {"timeout": 0},
        {"timeout": (1, -1)},
        {"timeout": None},
        {"retries": -1},
        {"base_url": "ftp://x"},
        {"api_key": " "},
        {"cache": 3},
    ],
)
def test_constructor_arguments_checked(kwargs: dict[str, Any]) -> None:
    with pytest.raises(InputError):
        FdcClient(**{"api_key": SENTINEL, "cache": False, **kwargs})


# ------------------------------------------------------------------ threads


def test_one_client_shared_by_threads(fdc: HTTPServer) -> None:
    """The client serialises its requests with a lock, so sharing it is safe."""
    api = client(fdc)
    results: list[Any] = []
    errors: list[BaseException] = []

    def work(i: int) -> None:
        try:
            results.append(api.food(2709225 if i % 2 else 170720).fdc_id)
        except BaseException as err:  # pragma: no cover - reported below
            errors.append(err)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert sorted(results) == [170720] * 4 + [2709225] * 4


# ------------------------------------------------------------------ command line


def run_cli(api: FdcClient, *argv: str) -> tuple[int, str]:
    parser = argparse.ArgumentParser(prog="magcalc")
    register(parser.add_subparsers(dest="command", required=True), client_factory=lambda: api)
    args = parser.parse_args(list(argv))
    out = io.StringIO()
    with redirect_stdout(out):
        status = args.func(args)
    return status, out.getvalue()


def test_cli_fdc_food_and_search(fdc: HTTPServer) -> None:
    api = client(fdc)
    status, out = run_cli(api, "fdc", "food", "2709225")
    assert status == 0
    assert "Banana, baked [FDC 2709225]" in out and "30 mg per 100 g" in out
    assert "1 banana (140 g)" in out
    status, out = run_cli(api, "fdc", "food", "fdc:2643119", "--json")
    assert status == 0
    assert json.loads(out)["magnesium_mg_per_100g"] is None
    status, out = run_cli(api, "fdc", "food", "2643119")
    assert status == 1  # like `magcalc food`: no magnesium value
    assert "unknown, not zero" in out
    status, out = run_cli(api, "fdc", "search", "cheddar", "cheese", "--branded")
    assert status == 0 and "CHEDDAR CHEESE" in out and "no data" in out
    assert fdc.log[-1][0].args["dataType"] == "Foundation,SR Legacy,Survey (FNDDS),Branded"
    status, out = run_cli(api, "fdc", "search", "banana", "--json")
    assert json.loads(out)[0]["fdc_id"] == 2012128


def test_resolve_food_arg(fdc: HTTPServer) -> None:
    api = client(fdc)
    assert resolve_food_arg("almonds", client=api) == "almonds"
    food = resolve_food_arg("fdc:2262072", client=api)
    assert not isinstance(food, str)
    assert magcalc.food_magnesium(food, "100 g").magnitude == pytest.approx(192.6)
    with pytest.raises(InputError):
        resolve_food_arg("fdc:banana", client=api)
    assert calls(fdc) == 1


# ------------------------------------------------------------------ the real API


@pytest.mark.network
@pytest.mark.skipif("FDC_API_KEY" not in os.environ, reason="needs FDC_API_KEY and the network")
def test_live_fdc(tmp_path: Path, request: pytest.FixtureRequest) -> None:
    """Runs only with ``-m network`` and FDC_API_KEY: the one test that reaches FDC."""
    if "network" not in (request.config.getoption("markexpr") or ""):
        pytest.skip("reaches the live FDC API: run with -m network")
    api = FdcClient(cache=tmp_path)
    food = api.food(2262072)
    assert food.description.lower().startswith("peanut butter")
    assert food.magnesium_mg_per_100g is not None
    assert api.search("banana raw", page_size=5)
    assert api.rate_limit_remaining is not None
