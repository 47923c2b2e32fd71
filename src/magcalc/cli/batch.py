"""``magcalc batch``: assess many people at once from a diary file and a people file.

Wired into the main parser by :func:`register`. pandas is imported only when the
command runs, so ``magcalc --help`` stays fast and works without the pandas extra.
Progress is a tqdm bar on stderr: shown for long inputs when stderr is a terminal or
with ``--progress``, never with ``--quiet``.
"""

from __future__ import annotations

import argparse
import importlib
import math
import os
import sys
import time
import warnings
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from magcalc._util import percent_text
from magcalc.errors import DiaryError, InputError, MagcalcError, MissingDependencyError

if TYPE_CHECKING:
    import pandas as pd

    from magcalc.batch import BatchResult

__all__ = ["cmd_batch", "register"]

_SUFFIXES = (".csv", ".parquet")
_CHUNK_ROWS = 200_000
_LONG_INPUT_BYTES = 5_000_000  # show progress from about 100,000 diary rows
_LONG_INPUT_ROWS = 100_000


def register(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
) -> argparse.ArgumentParser:
    """
    Add the ``batch`` command to the main parser's subcommands.

    Parameters
    ----------
    subparsers
        What ``parser.add_subparsers(...)`` returned; the command runs as
        ``args.func(args) -> int`` (exit status).

    Returns
    -------
    argparse.ArgumentParser
        The ``batch`` parser.
    """
    from magcalc.cli._common import Formatter, add_framework_argument

    p = subparsers.add_parser(
        "batch",
        help="assess many people at once (diary + people files; needs pandas)",
        description=(
            "Assess the magnesium intake of many people from a diary file (person_id, day, "
            "food + amount [+ unit] or grams, or supplement + elemental_mg/compound_mg "
            "[+ servings_per_day]; day empty or 'all' = every day) and a people file "
            "(person_id, age or age_months, sex, pregnant, lactating). Writes one row per "
            "person to OUTPUT, the per-day totals to NAME.days.EXT and the rejected rows "
            "with their reasons to NAME.errors.EXT, then prints a summary. A bare number "
            "as an amount is grams."
        ),
        epilog=(
            "examples:\n"
            "  magcalc batch diary.csv people.csv -o results.csv\n"
            "  magcalc batch diary.parquet people.csv -o results.parquet --framework EFSA2015\n"
            "  magcalc batch diary.csv people.csv -o results.csv --errors raise --quiet"
        ),
        formatter_class=Formatter,
    )
    p.add_argument("diary", metavar="DIARY", help="diary file (.csv or .parquet)")
    p.add_argument("people", metavar="PEOPLE", help="people file (.csv or .parquet)")
    p.add_argument(
        "-o", "--output", required=True, metavar="OUTPUT",
        help="results per person: .csv or .parquet (Parquet needs pyarrow)",
    )  # fmt: skip
    add_framework_argument(p)
    p.add_argument(
        "--errors", choices=["report", "raise"], default="report",
        help="report: leave bad rows out and list them in NAME.errors.EXT (default); "
        "raise: stop at the first bad row",
    )  # fmt: skip
    p.add_argument(
        "--sd-within", type=float, metavar="MG",
        help="within-person SD of daily intake [mg/day] (default: IOM 2000's)",
    )  # fmt: skip
    shown = p.add_mutually_exclusive_group()
    shown.add_argument(
        "--progress", action=argparse.BooleanOptionalAction, default=None,
        help="show progress bars on stderr (default: for large inputs when stderr is a "
        "terminal)",
    )  # fmt: skip
    shown.add_argument(
        "-q", "--quiet", action="store_true",
        help="no progress or stage messages on stderr (errors and warnings still show)",
    )  # fmt: skip
    p.set_defaults(func=cmd_batch)
    return p


# --------------------------------------------------------------------------- progress


def _progress_bar(show: bool, total: int, label: str) -> Any:
    """A tqdm bar on stderr over `total` bytes; a silent one when `show` is false."""
    # Through importlib: tqdm ships no type hints, and its bar is used as Any anyway.
    tqdm = importlib.import_module("tqdm").tqdm
    return tqdm(
        total=total, desc=label, unit="B", unit_scale=True, unit_divisor=1024,
        file=sys.stderr, disable=not show, mininterval=0.2, dynamic_ncols=True,
    )  # fmt: skip


def _shown(progress: bool | None, long: bool) -> bool:
    """Progress shows when asked for, or by default for a long run seen on a terminal."""
    return progress if progress is not None else (long and sys.stderr.isatty())


def _stage(enabled: bool, text: str) -> None:
    if enabled:
        print(text, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- files


def _suffix(path: Path, what: str) -> str:
    suffix = path.suffix.lower()
    if suffix not in _SUFFIXES:
        raise InputError(f"{what} {str(path)!r}: use a .csv or .parquet file", field=what)
    return suffix


def _need_pyarrow(path: Path) -> None:
    try:
        importlib.import_module("pyarrow")
    except ImportError:
        raise MissingDependencyError("pyarrow", "parquet") from None


def _read(path: Path, what: str, progress: bool | None) -> pd.DataFrame:
    import pandas as pd

    from magcalc.batch import ROW_COLUMN
    from magcalc.diary import diary_columns, read_csv_header, read_csv_table

    suffix = _suffix(path, what)
    if suffix == ".parquet":
        _need_pyarrow(path)
        frame: pd.DataFrame = pd.read_parquet(path)
        return frame
    error = DiaryError if what == "diary" else InputError
    # The header as written: pandas renames a repeated column ("amount.1") and an empty
    # one ("Unnamed: 3"), which would hide the repeat.
    header = read_csv_header(path, what, error)
    if not header:
        raise error(f"{what} {str(path)!r} is empty; it needs a header row", field=what)
    if what == "diary":
        diary_columns(header, where=repr(str(path)), extra=(ROW_COLUMN,))
    size = path.stat().st_size
    bar = _progress_bar(_shown(progress, size >= _LONG_INPUT_BYTES), size, f"reading {path.name}")
    chunks = []
    rows = 0
    # Everything as text, empty cells as "": magcalc reads numbers itself and reports
    # what it cannot read, and NDB numbers keep their leading zeros. index_col=False:
    # pandas would otherwise make the first column the index when the first row has one
    # field more than the header, shifting every cell to the wrong column unseen.
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", pd.errors.ParserWarning)
            with open(path, encoding="utf-8-sig", newline="") as fh:
                reader = pd.read_csv(
                    fh, dtype=str, keep_default_na=False, chunksize=_CHUNK_ROWS, index_col=False
                )
                for chunk in reader:
                    chunks.append(chunk)
                    rows += len(chunk)
                    bar.set_postfix_str(f"{rows:,} rows", refresh=False)
                    bar.update(_position(fh, size) - bar.n)
    except pd.errors.EmptyDataError:
        raise error(f"{what} {str(path)!r} is empty; it needs a header row", field=what) from None
    except (pd.errors.ParserError, pd.errors.ParserWarning):
        # A row with more fields than the header, or quoting pandas will not read: the
        # diary reader of magcalc.Intake names the line, or reads the file as it does.
        head, body = read_csv_table(path, what, error)
        chunks = [pd.DataFrame(body, columns=range(len(head)), dtype=object)]
    except UnicodeDecodeError as err:
        raise error(f"{what} {str(path)!r} is not a readable CSV file: {err}", field=what) from None
    else:
        bar.update(size - bar.n)
    finally:
        bar.close()
    out: pd.DataFrame = pd.concat(chunks, ignore_index=True)
    # The names as written (a repeat stays visible); empty ones keep pandas' unique names.
    out.columns = pd.Index(
        [h if h.strip() else f"Unnamed: {i}" for i, h in enumerate(header)], dtype=object
    )
    return out


def _position(fh: IO[str], size: int) -> int:
    try:
        return min(os.lseek(fh.fileno(), 0, os.SEEK_CUR), size)
    except OSError:  # pragma: no cover - not a regular file
        return 0


def _sibling(output: Path, part: str) -> Path:
    return output.with_name(f"{output.stem}.{part}{output.suffix}")


def _write(frame: pd.DataFrame, path: Path) -> None:
    """Write a result table; CSV cells that a spreadsheet would run as a formula are
    made text (see :func:`magcalc.batch.spreadsheet_safe`)."""
    if path.suffix.lower() == ".parquet":
        out = frame.copy()
        for column in out.columns:
            if out[column].dtype == object:  # mixed values (day 1 and 'mon'): text
                out[column] = out[column].map(lambda v: None if v is None else str(v))
        out.to_parquet(path, index=False)
    else:
        from magcalc.batch import spreadsheet_safe

        spreadsheet_safe(frame).to_csv(path, index=False)


# --------------------------------------------------------------------------- command


def cmd_batch(args: argparse.Namespace) -> int:
    """Run ``magcalc batch``; returns the exit status."""
    try:
        from magcalc import batch
    except ImportError as err:
        if isinstance(err, MagcalcError):
            raise
        raise MissingDependencyError("pandas", "pandas") from err

    output = Path(args.output)
    if _suffix(output, "output") == ".parquet":
        _need_pyarrow(output)
    diary_path, people_path = Path(args.diary), Path(args.people)
    for path, what in ((diary_path, "diary"), (people_path, "people")):
        if _suffix(path, what) == ".parquet":
            _need_pyarrow(path)
    progress = False if args.quiet else args.progress
    diary = _read(diary_path, "diary", progress)
    people = _read(people_path, "people", False)
    show = _shown(progress, len(diary) >= _LONG_INPUT_ROWS)
    _stage(show, f"assessing {len(diary):,} diary rows for {len(people):,} people ...")
    t = time.perf_counter()
    result = batch.assess_frame(
        diary, people, args.framework, errors=args.errors, sd_within_mg=args.sd_within
    )
    _stage(show, f"assessed in {time.perf_counter() - t:.1f} s; writing ...")
    days_path, errors_path = _sibling(output, "days"), _sibling(output, "errors")
    _write(result.people, output)
    _write(result.days, days_path)
    _write(result.errors, errors_path)
    print(summary_text(result, output, days_path, errors_path))
    if len(result.errors):
        print(
            f"magcalc: {len(result.errors):,} row(s) rejected and left out; reasons in "
            f"{errors_path}",
            file=sys.stderr,
        )
    return 0


def summary_text(result: BatchResult, output: Path, days_path: Path, errors_path: Path) -> str:
    """The summary table printed at the end of ``magcalc batch``."""
    from magcalc.batch import prevalence

    s = result.summary()
    mean = s["mean_total_mg"]
    below, over = percent_text(s["share_below_ear"]), percent_text(s["share_over_ul"])
    lines = [
        f"magcalc batch ({s['framework']})",
        f"  people            {s['people']:>10,}  ({s['people_with_records']:,} with records)",
        f"  person-days       {s['person_days']:>10,}",
        "  mean intake       "
        + ("         -" if math.isnan(mean) else f"{mean:>10.1f}")
        + " mg/day (food + supplements)",
        f"  below EAR         {below:>10}  (EAR cut-point on per-person means: tails overstated)",
        f"  over UL           {over:>10}  (mean supplemental magnesium)",
        f"  rows rejected     {s['rows_rejected']:>10,}",
    ]
    people = result.people[result.people["n_days"] > 0]
    if len(people):
        table = prevalence(people, by=["life_stage"])
        width = max(len("life stage"), *(len(str(v)) for v in table["life_stage"]))
        lines += [
            "",
            f"  {'life stage':<{width}}  {'people':>7}  {'mg/day':>7}  {'<EAR':>7}  {'>UL':>7}",
        ]
        for _, row in table.iterrows():
            lines.append(
                f"  {row['life_stage']!s:<{width}}  {int(row['n_people']):>7,}  "
                f"{row['mean_total_mg']:>7.1f}  {percent_text(row['prevalence_below_ear']):>7}  "
                f"{percent_text(row['share_over_ul']):>7}"
            )
    lines += ["", f"  wrote {output}, {days_path.name}, {errors_path.name}"]
    return "\n".join(lines)
