#!/usr/bin/env python3
"""Run every magcalc benchmark and print figures against baselines measured in the same run.

Targets: ``import magcalc`` adds <= 150 ms to a bare interpreter start; the first search in
a fresh process with an empty cache <= 200 ms including import; one search <= 1 ms median
over both sources and faster than ``rapidfuzz.process.extract``; an unknown food <= 5 ms;
entry understanding on the held-out half of tests/data/entry_eval.csv. Figures are
printed, never asserted: timing depends on the machine. A missed target says MISSED.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_batch
import bench_fdc
import bench_import
import bench_search
import entry_eval


def main() -> None:
    bench_import.main()
    print()
    bench_search.main()
    print()
    entry_eval.main(["entry_eval"])
    print()
    bench_fdc.main()
    print()
    bench_batch.main()


if __name__ == "__main__":
    main()
