#!/usr/bin/env python3
"""Start-up cost: `import magcalc` and the first search in a fresh process.

Baseline: a bare `python -c pass` start, measured in the same run. Each figure is the
median of several fresh interpreter starts.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time

RUNS = 15


def _wall(code: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True)
    return time.perf_counter() - start


def _inner(code: str, env: dict[str, str] | None = None) -> float:
    out = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True, env=env
    )
    return float(out.stdout.strip())


def _cold(code: str) -> float:
    """A fresh, empty cache folder: the table is parsed and the index built."""
    with tempfile.TemporaryDirectory() as folder:
        return _inner(code, env={**os.environ, "MAGCALC_CACHE_DIR": folder})


FIRST_SEARCH = """
import tempfile
import time
t0 = time.perf_counter()
import magcalc
magcalc.search_foods("spinach boiled", limit=5)
print(time.perf_counter() - t0)
"""


def main() -> None:
    bare = statistics.median(_wall("pass") for _ in range(RUNS))
    imported = statistics.median(_wall("import magcalc") for _ in range(RUNS))
    _inner(FIRST_SEARCH)  # make sure the user cache holds the table
    first = statistics.median(_inner(FIRST_SEARCH) for _ in range(RUNS))
    cold = statistics.median(_cold(FIRST_SEARCH) for _ in range(5))
    print("start-up (median of", RUNS, "fresh interpreters)")
    print(f"  bare interpreter start         {bare * 1e3:8.1f} ms   (baseline)")
    print(f"  python -c 'import magcalc'     {imported * 1e3:8.1f} ms")
    print(f"  -> import adds                 {(imported - bare) * 1e3:8.1f} ms   (target <= 150)")
    print(f"  first search incl. import      {first * 1e3:8.1f} ms   (user cache as left)")
    mark = "" if cold <= 0.200 else "   MISSED"
    print(
        f"  ... with an empty cache folder {cold * 1e3:8.1f} ms   (first run after install; "
        f"target <= 200){mark}"
    )


if __name__ == "__main__":
    main()
