"""The FDC cache keeps only valid food data and repairs itself.

An error body sent with 200 is never cached, a cache poisoned by an older version heals,
and a cache that cannot be written (read-only file, full disk) is detected, warned about
once and still read. Every test drives a real HTTP server on 127.0.0.1.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import threading
import warnings
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer

from magcalc.errors import FdcAuthError, FdcError, FdcRateLimitError, FdcUnavailableError
from magcalc.fdc import FdcCacheWarning, FdcClient

from .servers import (
    BIG_MAC,
    KEY_INVALID,
    OVER_RATE_LIMIT,
    PEANUT_BUTTER,
    SENTINEL,
    SPRING_500,
    calls,
    client,
)

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
