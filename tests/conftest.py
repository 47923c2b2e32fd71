"""Shared fixtures and hypothesis profiles.

``HYPOTHESIS_PROFILE=ci`` (set by .ci/run) runs more examples than the default
developer profile.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"

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


@pytest.fixture(scope="session")
def shared_usda() -> Path:
    path = SHARED / "usda"
    if not (path / "usda_sr_legacy_magnesium.csv").is_file():
        pytest.skip("../shared/usda is not beside this checkout")
    return path
