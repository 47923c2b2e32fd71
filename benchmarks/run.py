#!/usr/bin/env python3
"""Run every magcalc benchmark and print figures against baselines measured in the same run.

Targets: ``import magcalc`` adds <= 150 ms to a bare interpreter start; the first search in
a fresh process with an empty cache <= 200 ms including import; one search <= 1 ms median
over both sources and faster than ``rapidfuzz.process.extract``; an unknown food <= 5 ms;
entry understanding on the held-out half of tests/data/entry_eval.csv; and the batch
targets of bench_batch.py and bench_dask.py (against a floor measured in the same run).
Figures are printed, never asserted: timing depends on the machine. A missed target says
MISSED; a batch result that disagrees with its floor says FAILED and makes the exit
status 1.

``--full`` adds the long batch cases (5M rows whatever the prediction, a 1M-row people
sweep); ``--batch`` runs only the batch benchmarks; ``--quick`` runs them at tiny sizes (a
check of the harness).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_batch
import bench_dask
import bench_fdc
import bench_import
import bench_search
import entry_eval


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="the long batch cases too")
    parser.add_argument("--quick", action="store_true", help="batch benchmarks only, tiny sizes")
    parser.add_argument("--batch", action="store_true", help="the batch benchmarks only")
    args = parser.parse_args(argv)
    batch_args = ["--full"] if args.full else ["--quick"] if args.quick else []
    if not (args.quick or args.batch):
        bench_import.main()
        print()
        bench_search.main()
        print()
        entry_eval.main(["entry_eval"])
        print()
        bench_fdc.main()
        print()
    card = bench_batch.main(batch_args, card=bench_batch.Scorecard())
    print()
    bench_dask.main(batch_args, card=card)
    print()
    bench_batch.summary(card)
    return 1 if card.failed else 0


if __name__ == "__main__":
    sys.exit(main())
