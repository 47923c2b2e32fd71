"""Shared fixtures and hypothesis profiles.

``HYPOTHESIS_PROFILE=ci`` (set by .ci/run) runs more examples than the default
developer profile.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from pytest_httpserver import HTTPServer

ROOT = Path(__file__).resolve().parents[1]

# Plots render off-screen in tests.
os.environ.setdefault("MPLBACKEND", "Agg")

# Keep the test run's cache (parsed food table, search index) away from the user's.
os.environ.setdefault("MAGCALC_CACHE_DIR", tempfile.mkdtemp(prefix="magcalc-test-cache-"))

settings.register_profile("dev", max_examples=100, deadline=None)
settings.register_profile(
    "ci", max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


# ------------------------------------------------------------------ a real HTTP server


@pytest.fixture(scope="module")
def server_instance() -> Iterator[HTTPServer]:
    """A pytest-httpserver on 127.0.0.1 (never another address), one per test module."""
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    yield server
    server.clear()
    if server.is_running():
        server.stop()


@pytest.fixture
def no_proxies(monkeypatch: pytest.MonkeyPatch) -> None:
    """Proxies out of the way, so requests to 127.0.0.1 go straight to the test server."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")


@pytest.fixture
def server(server_instance: HTTPServer, no_proxies: None) -> Iterator[HTTPServer]:
    """The module's server, cleared, with proxies out of the way."""
    server_instance.clear()
    yield server_instance
    server_instance.clear()
