#!/usr/bin/env python3
"""``assess_dask`` against ``assess_frame`` on the same parquet files, in the same run.

The diary (grams at full precision, keys mixing FDC ids, NDB numbers, FNDDS codes and
free text; see ``batch_data``) is written as parquet files of 250,000 rows. pandas reads
them with ``pd.read_parquet`` and runs ``assess_frame``; Dask reads them with
``dd.read_parquet`` and runs ``assess_dask``, computing whatever it returns to pandas.
Both are warmed up once, then timed (median of warm calls), so reading is in both.
Dask runs on a 2-worker ``dask.distributed.LocalCluster`` (one thread each) when
dask.distributed is installed, else on the threaded scheduler with 2 threads; the
output says which. The per-person food_mg of the two must agree.

Target (issue 15): 5M rows <= 1.5x pandas. 1M rows always run; 5M rows run when the
1M-row figures predict they fit in a couple of minutes, or with ``--full``.
Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

import batch_data as bd
import pandas as pd
from bench_batch import BIG_CASE_BUDGET_S, Scorecard, fmt_seconds, max_diff, measure, people_food_mg

ROWS_PER_FILE = 250_000
TARGET = 1.5


def _scheduler() -> tuple[str, Callable[[], AbstractContextManager[Any]]]:
    """(description, context manager that makes it the default scheduler)."""
    import dask

    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:
        return (
            "threaded scheduler, 2 threads (dask.distributed is not installed)",
            lambda: dask.config.set(scheduler="threads", num_workers=2),
        )

    @contextmanager
    def cluster() -> Iterator[Any]:
        with (
            LocalCluster(n_workers=2, threads_per_worker=1, processes=True) as lc,
            Client(lc) as client,
        ):
            yield client

    return "dask.distributed LocalCluster, 2 workers x 1 thread", cluster


def _materialise(result: Any) -> Any:
    """A BatchResult of pandas frames, whether assess_dask computed them or not (every
    result is computed in full: a lazy result is not a finished one)."""
    import dask

    from magcalc.batch import BatchResult

    if isinstance(result, BatchResult):
        return result
    if callable(getattr(result, "compute", None)):
        # A lazy result that computes itself in one pass, sorted as assess_frame's.
        return result.compute()
    if isinstance(result, tuple):
        days, people, errors = result
    else:
        days, people, errors = result.days, result.people, result.errors
    days, people, errors = dask.compute(days, people, errors)
    framework = getattr(result, "framework", "IOM1997")
    return BatchResult(days=days, people=people, errors=errors, framework=framework)


def case(
    card: Scorecard, look: bd.Lookup, n_rows: int, n_people: int, scheduler: Callable[[], Any]
) -> tuple[float, float]:
    import dask.dataframe as dd

    from magcalc.batch import assess_dask, assess_frame

    people = bd.make_people(n_people)
    diary = bd.make_diary(look, n_rows, n_people, "grams")
    with tempfile.TemporaryDirectory() as folder:
        for k, start in enumerate(range(0, n_rows, ROWS_PER_FILE)):
            part = diary.iloc[start : start + ROWS_PER_FILE]
            part.to_parquet(Path(folder) / f"part-{k:04d}.parquet", index=False)
        n_files = k + 1
        del diary
        ours_pd, calls_pd, expected = measure(
            lambda: assess_frame(pd.read_parquet(folder), people), repeats=3
        )
        with scheduler():
            ours_dd, calls_dd, result = measure(
                lambda: _materialise(assess_dask(dd.read_parquet(folder), people)), repeats=3
            )
    ratio = ours_dd / ours_pd
    name = f"Dask {n_rows:,} rows"
    mark = ""
    if n_rows >= 5_000_000:
        mark = f"  target <= {TARGET}x {card.target(name, ratio <= TARGET)}"
    print(
        f"  {n_rows:>9,} rows {n_people:>7,} people {n_files:>3} files  "
        f"pandas {fmt_seconds(ours_pd)} ({calls_pd})  dask {fmt_seconds(ours_dd)} ({calls_dd})  "
        f"{ratio:5.1f}x{mark}"
    )
    diff = max_diff(people_food_mg(result, people), people_food_mg(expected, people))
    print(f"  {'':40}{card.agree(name, diff).replace('the floor', 'pandas')}")
    sys.stdout.flush()
    return ours_pd, ours_dd


def main(argv: list[str] | None = None, card: Scorecard | None = None) -> Scorecard:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="5M rows whatever the prediction")
    parser.add_argument("--quick", action="store_true", help="tiny sizes: check the harness")
    args = parser.parse_args(argv)
    card = card or Scorecard()
    try:
        import dask.dataframe  # noqa: F401
    except ImportError:
        print("dask: not installed (pip install magcalc[dask]); skipped")
        return card
    look = bd.lookup()
    label, scheduler = _scheduler()
    print(f"assess_dask against assess_frame, both from parquet ({label})")
    if args.quick:
        case(card, look, 40_000, 1_000, scheduler)
        return card
    pandas_1m, dask_1m = case(card, look, 1_000_000, bd_people(1_000_000), scheduler)
    predicted = 5 * (pandas_1m + dask_1m) * 2  # warm-up and one timed call each
    if args.full or predicted <= BIG_CASE_BUDGET_S:
        case(card, look, 5_000_000, bd_people(5_000_000), scheduler)
    else:
        card.target("Dask 5,000,000 rows (not run)", False)
        print(
            f"  5,000,000 rows: skipped, predicted {predicted:.0f} s > {BIG_CASE_BUDGET_S:.0f} s "
            f"from the 1M-row calls (run with --full); counted as MISSED"
        )
    return card


def bd_people(n_rows: int) -> int:
    """People for a diary of n_rows: 50 rows (about 17 a day) each."""
    return n_rows // 50


if __name__ == "__main__":
    sys.exit(1 if main().failed else 0)
