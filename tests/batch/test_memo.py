"""magcalc.batch._memo: food names and measures resolved once per machine, not per process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("pandas")

# A fresh process: assess a diary of free-text foods and household measures; with
# FORBID set, any search or portion lookup fails, so the result must come from the cache.
SCRIPT = r"""
import json, os, sys
import pandas as pd
from magcalc.batch import assess_frame
if os.environ.get("FORBID"):
    import magcalc.batch._foods as foods
    from magcalc.foods import FoodTable
    def refuse(*args, **kwargs):
        raise AssertionError("resolved again")
    FoodTable.resolve = refuse
    FoodTable.match = refuse
    foods._portion_factors = refuse
diary = pd.DataFrame({
    "person_id": [1, 1, 2],
    "day": [1, 2, 1],
    "food": ["almonds", "bananas raw", "spinach, boiled"],
    "amount": ["1 oz", "1 medium", "1/2 cup"],
})
people = pd.DataFrame({"person_id": [1, 2], "age": [40, 30], "sex": ["male", "female"]})
out = assess_frame(diary, people)
print(json.dumps(out.people["food_mg"].tolist()))
"""


def _run(cache: str, forbid: bool = False) -> list[float]:
    env = {**os.environ, "MAGCALC_CACHE_DIR": cache}
    if forbid:
        env["FORBID"] = "1"
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT], env=env, check=True, capture_output=True, text=True
    )
    result: list[float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def test_a_later_process_reads_what_an_earlier_one_resolved(tmp_path: Path) -> None:
    first = _run(str(tmp_path))
    entries = list((tmp_path / "batch-resolved").glob("*.marshal"))
    assert len(entries) == 1
    # Names are kept as digests: the diary's text is not in the cache folder.
    data = entries[0].read_bytes()
    assert b"almonds" not in data and b"bananas" not in data
    assert _run(str(tmp_path), forbid=True) == first


def test_nothing_is_kept_when_the_cache_is_off(tmp_path: Path) -> None:
    first = _run("off")
    with pytest.raises(subprocess.CalledProcessError):
        _run("off", forbid=True)
    assert first == _run(str(tmp_path))


WEAK = r"""
import warnings
import pandas as pd
import magcalc
from magcalc.batch import assess_frame
diary = pd.DataFrame({"person_id": [1], "day": [1], "food": ["fish steaks"], "amount": ["1 oz"]})
people = pd.DataFrame({"person_id": [1], "age": [40], "sex": ["male"]})
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    assess_frame(diary, people)
print(sum(issubclass(w.category, magcalc.MatchWarning) for w in caught))
"""


def test_a_weak_match_warns_in_every_process(tmp_path: Path) -> None:
    """A weak match is not kept: the cache must not silence its MatchWarning."""
    env = {**os.environ, "MAGCALC_CACHE_DIR": str(tmp_path)}
    for _ in range(2):
        out = subprocess.run(
            [sys.executable, "-c", WEAK], env=env, check=True, capture_output=True, text=True
        )
        assert int(out.stdout.strip().splitlines()[-1]) >= 1
