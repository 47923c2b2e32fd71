#!/usr/bin/env python3
"""``assess_dask`` against ``assess_frame`` on the same parquet files, in the same run.

The diary (grams at full precision, keys mixing FDC ids, NDB numbers, FNDDS codes and
free text; see ``batch_data``) is written as parquet files of 250,000 rows. pandas reads
them with ``pd.read_parquet`` and runs ``assess_frame``; Dask reads them with
``dd.read_parquet`` and runs ``assess_dask``, computing whatever it returns to pandas.
Both are warmed up once, then timed (median of warm calls), so reading is in both.
Dask runs on a 2-worker ``dask.distributed.LocalCluster`` (one process of one thread
each, distributed's default configuration) when dask.distributed is installed, else on
the threaded scheduler with 2 threads; the output says which. The per-person food_mg of
the two must agree.

Target (issue 15): 5M rows <= 1.5x pandas. 1M rows always run; 5M rows run when the
1M-row figures predict they fit in a couple of minutes, or with ``--full``.
``--no-trim`` starts the workers without distributed's ``MALLOC_TRIM_THRESHOLD_=65536``
(see the README: it makes every large array a fresh mmap, and magcalc slower).

``--spark`` runs only ``assess_spark`` on ``local[2]`` (1,000 people x 50 rows, the input
cached in Spark as the pandas one is in memory) against ``assess_frame``: ``.compute()``
(all three tables in one job, as assess_frame gives them), and the lazy people table
alone; target within 10x. Needs pyspark and Java (``make spark`` installs pyspark).

``--huge`` runs only the larger-than-memory case: a 50M-row diary (1M people) written as
parquet files, assessed by ``assess_dask`` and written back as parquet (days, people,
errors in one pass), with the peak resident memory of this process and its workers
(target < 4 GB; summed RSS, which counts shared pages once per process: an upper
bound). ``--huge-rows`` changes the size. It takes several minutes and about 4 GB of
temporary disk; it is never part of ``make bench``.
Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

import batch_data as bd
import pandas as pd
from bench_batch import BIG_CASE_BUDGET_S, Scorecard, fmt_seconds, max_diff, measure, people_food_mg

ROWS_PER_FILE = 250_000
TARGET = 1.5
SPARK_TARGET = 10.0
HUGE_ROWS = 50_000_000
HUGE_MEMORY_GB = 4.0


def _scheduler(trim: bool = True) -> tuple[str, Callable[[], AbstractContextManager[Any]]]:
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
        config: dict[str, Any] = {}
        if not trim:
            # The nanny sets it in this process's environment too, for later clusters.
            os.environ.pop("MALLOC_TRIM_THRESHOLD_", None)
            config["distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_"] = None
        with (
            dask.config.set(config),
            LocalCluster(
                n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
            ) as lc,
            Client(lc) as client,
        ):
            yield client

    how = "default configuration" if trim else "without MALLOC_TRIM_THRESHOLD_"
    return f"dask.distributed LocalCluster, 2 workers x 1 thread, {how}", cluster


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


class PeakMemory:
    """The peak of the summed resident memory of this process and its children [bytes],
    sampled every 50 ms in a thread while the ``with`` block runs."""

    def __init__(self) -> None:
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        import psutil

        me = psutil.Process()
        while True:
            total = 0
            for proc in [me, *me.children(recursive=True)]:
                # A process may end between listing and reading.
                with contextlib.suppress(psutil.Error):
                    total += proc.memory_info().rss
            self.peak = max(self.peak, total)
            if self._stop.wait(0.05):
                return

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def huge_case(card: Scorecard, look: bd.Lookup, n_rows: int, scheduler: Callable[[], Any]) -> None:
    """Parquet in, parquet out, larger than memory: time and peak memory, no pandas run."""
    import dask
    import dask.dataframe as dd

    from magcalc.batch import assess_dask

    n_people = bd_people(n_rows)
    people = bd.make_people(n_people)
    with tempfile.TemporaryDirectory() as folder:
        source, out = Path(folder) / "diary", Path(folder) / "out"
        source.mkdir()
        start = time.perf_counter()
        for k, first in enumerate(range(0, n_rows, ROWS_PER_FILE)):
            size = min(ROWS_PER_FILE, n_rows - first)
            part = bd.make_diary(look, size, n_people, "grams", seed=bd.SEED + 100 + k)
            part.to_parquet(source / f"part-{k:04d}.parquet", index=False)
        n_files = k + 1
        print(
            f"  {n_rows:,} rows written as {n_files} files in {time.perf_counter() - start:.0f} s"
        )
        sys.stdout.flush()
        with scheduler(), PeakMemory() as memory:
            start = time.perf_counter()
            result = assess_dask(dd.read_parquet(source), people)
            dask.compute(
                result.days.to_parquet(out / "days", compute=False),
                result.people.to_parquet(out / "people", compute=False),
                result.errors.to_parquet(out / "errors", compute=False),
            )
            elapsed = time.perf_counter() - start
        written = pd.read_parquet(out / "people", columns=["person_id", "n_days", "food_mg"])
        n_days = len(pd.read_parquet(out / "days", columns=["day"]))
    peak_gb = memory.peak / 1e9
    name = f"Dask {n_rows:,} rows, parquet to parquet, peak memory"
    mark = card.target(name, peak_gb < HUGE_MEMORY_GB)
    print(
        f"  {n_rows:>10,} rows {n_people:>9,} people {n_files:>4} files  "
        f"dask {elapsed:.0f} s ({n_rows / elapsed / 1e6:.2f}M rows/s)  peak memory "
        f"{peak_gb:.2f} GB  target < {HUGE_MEMORY_GB:.0f} GB {mark}"
    )
    whole = len(written) == n_people and written["person_id"].is_unique
    ok = "ok" if whole else "FAILED"
    if not whole:
        card.failed.append(name)
    print(
        f"  {'':40}written: {len(written):,} people ({ok}), "
        f"{int((written['n_days'] > 0).sum()):,} with diary days, {n_days:,} person-days"
    )


def spark_case(
    card: Scorecard, look: bd.Lookup, n_people: int = 1_000, rows_each: int = 50
) -> None:
    """assess_spark on local[2] against assess_frame on the same diary."""
    import shutil
    import warnings

    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        print("spark: no Java (a JDK 17+); skipped")
        return
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        print("spark: pyspark not installed (pip install magcalc[spark], or make spark); skipped")
        return
    from magcalc.batch import assess_frame
    from magcalc.batch.spark import assess_spark

    # pyspark's notice about pandas versions it has not certified
    warnings.filterwarnings("ignore", message="PySpark does not yet fully support")
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)  # workers need magcalc
    spark = (
        SparkSession.builder.master("local[2]")
        .appName("magcalc-bench")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    try:
        people = bd.make_people(n_people)
        diary = bd.make_diary(look, n_people * rows_each, n_people, "grams")
        ours_pd, calls_pd, expected = measure(lambda: assess_frame(diary, people))
        source = spark.createDataFrame(diary).cache()
        source.count()
        ours_sp, calls_sp, result = measure(lambda: assess_spark(source, people).compute())
        lazy, calls_lazy, _ = measure(lambda: assess_spark(source, people).people.toPandas())
        # A job of the same shape doing nothing: what Spark itself costs at this size.
        partitions = max(source.rdd.getNumPartitions(), spark.sparkContext.defaultParallelism)
        bare, calls_bare, _ = measure(
            lambda: (
                source.repartition(partitions, "person_id")
                .mapInPandas(lambda batches: (b.head(0) for b in batches), source.schema)
                .collect()
            )
        )
    finally:
        spark.stop()
    ratio = ours_sp / ours_pd
    name = f"Spark local[2], {n_people:,} people x {rows_each} rows"
    print(
        f"  {n_people:,} people x {rows_each} rows  pandas {fmt_seconds(ours_pd)} ({calls_pd})  "
        f"spark compute() {fmt_seconds(ours_sp)} ({calls_sp})  {ratio:5.1f}x  "
        f"target <= {SPARK_TARGET:.0f}x {card.target(name, ratio <= SPARK_TARGET)}"
    )
    print(
        f"  {'':40}lazy people table alone: {fmt_seconds(lazy)} ({calls_lazy}), "
        f"{lazy / ours_pd:.1f}x; a bare repartition + mapInPandas job: "
        f"{fmt_seconds(bare)} ({calls_bare}), {bare / ours_pd:.1f}x"
    )
    diff = max_diff(people_food_mg(result, people), people_food_mg(expected, people))
    print(f"  {'':40}{card.agree(name, diff).replace('the floor', 'pandas')}")


def main(argv: list[str] | None = None, card: Scorecard | None = None) -> Scorecard:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="5M rows whatever the prediction")
    parser.add_argument("--quick", action="store_true", help="tiny sizes: check the harness")
    parser.add_argument(
        "--no-trim", action="store_true", help="workers without MALLOC_TRIM_THRESHOLD_"
    )
    parser.add_argument(
        "--huge", action="store_true", help="only the 50M-row parquet-to-parquet case"
    )
    parser.add_argument("--huge-rows", type=int, default=HUGE_ROWS, help="rows for --huge")
    parser.add_argument("--spark", action="store_true", help="only assess_spark on local[2]")
    args = parser.parse_args(argv)
    card = card or Scorecard()
    try:
        import dask.dataframe  # noqa: F401
    except ImportError:
        print("dask: not installed (pip install magcalc[dask]); skipped")
        return card
    look = bd.lookup()
    if args.spark:
        print("assess_spark against assess_frame (Spark local[2])")
        spark_case(card, look)
        return card
    label, scheduler = _scheduler(trim=not args.no_trim)
    if args.huge:
        print(f"assess_dask, parquet in and parquet out ({label})")
        huge_case(card, look, args.huge_rows, scheduler)
        return card
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
