"""Injected faults: an FDC outage mid-assessment, and cache folders that cannot be written.

* An assessment that mixes bundled foods with FoodData Central foods while FDC goes down
  (503s, or the server gone: connection refused) gives the cached answer when the food
  was fetched before, and a clear :class:`~magcalc.errors.FdcUnavailableError` when it
  was not, never a total that silently lacks the FDC food. The same through the CLI: one
  error line, exit 1, nothing on stdout.
* The food-table cache (``magcalc._cache``) in a read-only or full folder, and the FDC
  requests-cache when its disk fills up mid-run: lookups still work, with exactly one
  warning.

``tests/test_cache.py`` and ``tests/fdc/test_client.py`` already cover a cache path that
is a file, a corrupt cache and an unwritable FDC cache folder; these add the rest.
"""

from __future__ import annotations

import errno
import io
import json
import os
import re
import sqlite3
import tempfile
import warnings
from collections.abc import Iterator
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

import magcalc
from magcalc import FdcUnavailableError, Intake, Person, _cache
from magcalc.cli import main
from magcalc.cli.fdc import _clients
from magcalc.fdc import FdcCacheWarning, FdcClient
from magcalc.foods import FoodTable

# Byte-for-byte copies of ../shared/fdc/responses (provenance: tests/data/fdc/README.md).
RESPONSES = Path(__file__).resolve().parent / "data" / "fdc"
PEANUT_BUTTER = 2262072  # Foundation, 192.6 mg/100 g
BANANA_BAKED = 2709225  # Survey (FNDDS)
RECORDED = {
    PEANUT_BUTTER: "countIt__food-2262072-foundation-full.json",
    BANANA_BAKED: "countIt__food-survey-fndds-full.json",
}


class FlakyFdc:
    """Answers the first `healthy` requests like FDC, then fails like an outage (503)."""

    def __init__(self, healthy: int = 1) -> None:
        self.healthy = healthy
        self.calls = 0

    def __call__(self, request: Request) -> Response:
        self.calls += 1
        if self.calls > self.healthy:
            return Response(b"<html><title>503 Service Unavailable</title></html>", status=503)
        fdc_id = int(request.path.rsplit("/", 1)[1])
        return Response(
            (RESPONSES / RECORDED[fdc_id]).read_bytes(), content_type="application/json"
        )


@pytest.fixture
def server(no_proxies: None) -> Iterator[HTTPServer]:
    """A server of this test's own: fault tests stop it, which a shared one cannot survive."""
    instance = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    instance.start()
    yield instance
    instance.clear()
    if instance.is_running():
        instance.stop()


def client(server: HTTPServer, cache: Path | bool) -> FdcClient:
    return FdcClient(
        api_key="test-key-123456",
        base_url=server.url_for("/fdc"),
        cache=cache,
        retries=1,
        backoff_factor=0.0,
        timeout=(1.0, 3.0),
    )


def go_down(server: HTTPServer, how: str) -> None:
    if how == "refused":
        server.stop()  # the port now refuses connections
    # "503": FlakyFdc already answers 503 after its healthy calls


def mixed_intake(fdc_food: Any) -> Intake:
    intake = Intake()
    intake.add_food("almonds", "1 oz", day=1)  # bundled
    intake.add_food("spinach boiled", "1/2 cup", day=1)  # bundled
    intake.add_food(fdc_food, "32 g", day=1)  # FoodData Central
    return intake


PERSON = Person(age_years=40, sex="female")


@pytest.mark.parametrize("how", ["503", "refused"])
def test_outage_gives_the_cached_answer_or_a_clear_error(
    server: HTTPServer, tmp_path: Path, how: str
) -> None:
    handler = FlakyFdc(healthy=1)
    server.expect_request(re.compile("^/fdc/v1/food/")).respond_with_handler(handler)
    cache = tmp_path / "fdc-cache"
    with client(server, cache) as api:
        before = magcalc.assess(mixed_intake(api.food(PEANUT_BUTTER)), PERSON)
    go_down(server, how)

    # The food fetched before the outage comes from the cache: the same answer.
    with client(server, cache) as api:
        during = magcalc.assess(mixed_intake(api.food(PEANUT_BUTTER)), PERSON)
    assert during.total_mg == before.total_mg
    assert during.to_dict() == before.to_dict()

    # A food not fetched before: a clear error, and the intake is left without it
    # rather than assessed with a partial total.
    intake = Intake()
    intake.add_food("almonds", "1 oz", day=1)
    with client(server, cache) as api, pytest.raises(FdcUnavailableError) as info:
        intake.add_food(api.food(BANANA_BAKED), "1 banana", day=1)
    message = str(info.value)
    assert "FoodData Central" in message and "try again later" in message
    assert "test-key-123456" not in message
    assert len(intake) == 1  # nothing half-added


@pytest.mark.parametrize("how", ["503", "refused"])
def test_cli_outage_prints_one_error_and_no_total(
    server: HTTPServer, tmp_path: Path, how: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    handler = FlakyFdc(healthy=1)
    server.expect_request(re.compile("^/fdc/v1/food/")).respond_with_handler(handler)
    api = client(server, tmp_path / "fdc-cache")
    monkeypatch.setitem(_clients, True, api)  # the CLI's shared client for fdc:ID foods
    argv = ["assess", "--age", "40", "--sex", "female", "--food", "almonds", "1 oz", "--json"]

    def run(*food: str) -> tuple[int, str, str]:
        out, err = io.StringIO(), io.StringIO()
        with redirect_stdout(out), redirect_stderr(err):
            status = main([*argv, "--food", *food])
        return status, out.getvalue(), err.getvalue()

    status, out, err = run(f"fdc:{PEANUT_BUTTER}", "32 g")
    assert (status, err) == (0, "")
    before = json.loads(out)["total_mg"]
    go_down(server, how)
    status, out, err = run(f"fdc:{PEANUT_BUTTER}", "32 g")  # cached
    assert (status, err) == (0, "")
    assert json.loads(out)["total_mg"] == before
    status, out, err = run(f"fdc:{BANANA_BAKED}", "1 banana")  # not cached: FDC is down
    assert status == 1
    assert out == ""  # no partial total
    (line,) = err.splitlines()  # with --json the error is one JSON object on stderr
    data = json.loads(line)
    assert data["error"] == "FdcUnavailableError" and "FoodData Central" in data["message"]
    api.close()


def test_fdc_cache_that_fills_up_mid_run_warns_once(
    server: HTTPServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    server.expect_request(re.compile("^/fdc/v1/food/")).respond_with_handler(FlakyFdc(99))
    api = client(server, tmp_path)
    cache = api._session.cache  # type: ignore[attr-defined]

    def full(*args: Any, **kwargs: Any) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(cache, "save_response", full)
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        first = api.food(PEANUT_BUTTER)
        second = api.food(BANANA_BAKED)
        third = api.food(PEANUT_BUTTER)
    assert [w.category for w in record] == [FdcCacheWarning]
    assert "disk is full" in str(record[0].message)
    assert first == third and second.fdc_id == BANANA_BAKED
    assert api.cache_path is None  # carries on without the cache
    api.close()


# --------------------------------------------------------------------------- food-table cache


@pytest.fixture
def empty_cache(monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as folder:
        monkeypatch.setenv("MAGCALC_CACHE_DIR", folder)
        monkeypatch.setattr(_cache, "_warned", set())
        yield Path(folder)


def _no_space(*args: Any, **kwargs: Any) -> Any:
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def _read_only(*args: Any, **kwargs: Any) -> Any:
    raise OSError(errno.EROFS, os.strerror(errno.EROFS))


@pytest.mark.parametrize(
    ("target", "fault", "reason"),
    [
        ("replace", _no_space, "No space left on device"),  # full: the write fails
        ("mkstemp", _read_only, "Read-only file system"),  # read-only: no file can be made
    ],
    ids=["full", "read-only"],
)
def test_food_table_cache_fault_works_with_one_warning(
    empty_cache: Path, monkeypatch: pytest.MonkeyPatch, target: str, fault: Any, reason: str
) -> None:
    owner = _cache.os if target == "replace" else _cache.tempfile
    monkeypatch.setattr(owner, target, fault)
    # As in a development checkout whose shipped index is stale: the cache is needed.
    monkeypatch.setattr("magcalc.foods.table._shipped_state", lambda key: None)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        tables = [FoodTable._load_cached() for _ in range(3)]  # three loads, one warning
    messages = [str(w.message) for w in caught]
    assert len(messages) == 1, messages
    assert reason in messages[0] and "MAGCALC_CACHE_DIR" in messages[0]
    for table in tables:
        assert table.get("11458").magnesium_mg_per_100g == 87.0
        assert table.search("spinach boiled", limit=1)[0].food.ndb_number == "11458"
    leftovers = [p for p in empty_cache.rglob("*") if p.is_file()]
    assert leftovers == []  # no half-written temporary file is left behind
