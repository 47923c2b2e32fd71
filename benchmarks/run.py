#!/usr/bin/env python3
"""Run every magcalc benchmark and print figures against baselines measured in the same run.

Targets (issue 2): ``import magcalc`` adds <= 150 ms to a bare interpreter start; the first
search in a new process (table load included) <= 150 ms; one search <= 2 ms median and >= 10x
faster than ``rapidfuzz.process.extract`` over all descriptions, with better top-1 accuracy.
Figures are printed, never asserted: timing depends on the machine.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_batch
import bench_fdc
import bench_import
import bench_search


def main() -> None:
    bench_import.main()
    print()
    bench_search.main()
    print()
    bench_fdc.main()
    print()
    bench_batch.main()


if __name__ == "__main__":
    main()
