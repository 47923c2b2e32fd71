"""Many people at once on Spark: :func:`assess_spark`, with ``mapInPandas``.

The diary is repartitioned by person, so that each person's rows are in one partition;
the people table is validated once on the driver and broadcast; and each partition goes
through :func:`magcalc.batch.assess_partition`, the same code as
:func:`magcalc.batch.assess_frame`, as one pandas frame per partition (Python runs
once per partition, not once per person). pyspark is an optional extra
(``pip install 'magcalc[spark]'``), imported only when :func:`assess_spark` is called.
"""

from __future__ import annotations

import functools
import importlib
import pickle
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from magcalc.batch._inputs import ROW_COLUMN, ErrorsMode, Table, check_mode, diary_labels
from magcalc.batch.dask import _assess_part, _combine_parts
from magcalc.batch.frame import BatchResult, assess_frame, assess_partition, partition_meta
from magcalc.batch.people import PreparedPeople, prepare_people
from magcalc.diary import EXACT_LIMIT, person_key
from magcalc.dri.values import DEFAULT_FRAMEWORK
from magcalc.errors import DiaryError, InputError, MissingDependencyError

__all__ = ["SparkResult", "assess_spark"]

# Every character Python's str.strip() removes (str.isspace). Removing them all, not
# only at the ends, can only put more ids in one partition, never split a person.
_SPACE = "[\\s\\x1c-\\x1f\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]"
_PERSON = "_magcalc_person"  # marker rows: a person's place in the no-diary-rows table
_MG = ("food_mg", "supplemental_mg", "total_mg")
_EXACT_LIMIT = float(EXACT_LIMIT)  # as person_key: larger floats are row errors, not ids
_PLACE = (1 << 33) - 1  # monotonically_increasing_id: the row's place in its partition


class SparkResult:
    """
    The result of :func:`assess_spark`: three lazy Spark DataFrames.

    Nothing is computed until an action (``show``, ``write``, ``toPandas``) runs on one
    of them, and each action computes only its own table; each table's plan is built
    the first time it is read. Rows are in no particular order; sort with ``orderBy``
    where order matters. :meth:`compute` gets all three as pandas in one job.

    Attributes
    ----------
    days : pyspark.sql.DataFrame
        One row per person and recorded day, the columns of
        :data:`magcalc.batch.DAY_COLUMNS` [mg].
    people : pyspark.sql.DataFrame
        One row per valid person of the people table, the columns of
        :data:`magcalc.batch.PEOPLE_COLUMNS` (a person with no diary rows has
        ``n_days`` 0 and null intakes).
    errors : pyspark.sql.DataFrame
        Rejected rows (people table and diary), the columns of
        :data:`magcalc.batch.ERROR_COLUMNS`; ``person_id`` and ``value`` as text.
    framework : str
        The reference framework used.
    """

    def __init__(
        self, build: Callable[[Table], Any], framework: str, collect: Callable[[], BatchResult]
    ) -> None:
        self._build = build
        self._collect = collect
        self.framework = framework

    def compute(self) -> BatchResult:
        """
        All three tables in one Spark job, collected to the driver: the
        :class:`~magcalc.batch.BatchResult` of
        ``assess_frame(diary.toPandas(), people, ...)``, sorted and typed as it is.

        The diary is read and assessed once (the three lazy tables each do it again),
        and each partition's results travel back whole, so everything must fit in the
        driver's memory, as a ``toPandas`` of each table would. With ``errors="raise"``
        the first bad row of the whole diary raises :class:`~magcalc.DiaryError` here.
        """
        return self._collect()

    @functools.cached_property
    def days(self) -> Any:
        return self._build("days")

    @functools.cached_property
    def people(self) -> Any:
        return self._build("people")

    @functools.cached_property
    def errors(self) -> Any:
        return self._build("errors")

    def __repr__(self) -> str:
        return f"<SparkResult ({self.framework}): lazy days, people and errors>"


def _pyspark() -> tuple[Any, Any]:
    """``pyspark.sql.functions`` and ``pyspark.sql.types``, or a MissingDependencyError."""
    try:
        functions = importlib.import_module("pyspark.sql.functions")
        types = importlib.import_module("pyspark.sql.types")
    except ImportError as err:
        raise MissingDependencyError("pyspark", "spark") from err
    return functions, types


def _spark_type(types: Any, dtype: Any) -> Any:
    """The Spark type a pandas column of ``dtype`` is written as."""
    name = str(dtype)
    if name == "int64":
        return types.LongType()
    if name == "float64":
        return types.DoubleType()
    if name in ("bool", "boolean"):
        return types.BooleanType()
    return types.StringType()  # str, string and object columns are written as text


def _schema(types: Any, meta: pd.DataFrame, text: tuple[str, ...] = ()) -> Any:
    """A Spark schema for frames like ``meta``; the ``text`` columns as strings."""
    fields = []
    for name, dtype in meta.dtypes.items():
        if name in text:
            kind = types.StringType()
        elif name in _MG:
            kind = types.DoubleType()  # an empty frame's sums may come out as int64
        else:
            kind = _spark_type(types, dtype)
        fields.append(types.StructField(str(name), kind, nullable=True))
    return types.StructType(fields)


def _as_text(series: pd.Series[Any]) -> pd.Series[Any]:
    """A column as Python strings (missing stays missing), as Arrow writes a string."""
    values = series.astype(object)
    missing = values.isna().to_numpy()
    out = [None if gone else str(v) for v, gone in zip(values.tolist(), missing, strict=True)]
    return pd.Series(out, index=series.index, dtype=object)


def _for_arrow(frame: pd.DataFrame, schema: Any, types: Any) -> pd.DataFrame:
    """Text fields as Python strings (an object column may hold ints: Arrow refuses those)."""
    out = frame.copy()
    for spark_field in schema.fields:
        if isinstance(spark_field.dataType, types.StringType):
            out[spark_field.name] = _as_text(out[spark_field.name])
    ordered: pd.DataFrame = out[[f.name for f in schema.fields]]
    return ordered


@dataclass(frozen=True)
class _Shared:
    """What every task needs from the driver, broadcast once."""

    prep: PreparedPeople
    base: pd.DataFrame | None  # every valid person with no diary rows (n_days 0), in order


def _mapper(
    shared: Callable[[], _Shared],
    table: Table,
    mode: ErrorsMode,
    schema: Any,
    key: str,
) -> Callable[[Iterator[pd.DataFrame]], Iterator[pd.DataFrame]]:
    """The function ``mapInPandas`` runs: the whole partition through assess_partition."""

    def run(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        _, types = _pyspark()
        part = _whole(batches)
        if part is None:
            return
        got = shared()
        part = part.drop(columns=key)
        marks = None
        if _PERSON in part.columns:  # the people table: one marker row per person too
            marked = part[_PERSON].notna().to_numpy()
            marks = part.loc[marked, _PERSON].to_numpy(dtype="int64")
            part = part.loc[~marked].drop(columns=_PERSON)
        # In input order, as assess_frame sees it (the first bad row raises first).
        part = part.sort_values(ROW_COLUMN, kind="stable")
        out = assess_partition(part, got.prep, errors=mode, table=table)
        if marks is not None and len(marks) and got.base is not None:
            # People of this partition with no diary rows get assess_frame's empty row.
            base = got.base.iloc[marks]
            base = base[~base["person_id"].isin(out["person_id"])]
            out = pd.concat([out, base], ignore_index=True) if len(out) else base
        if len(out):
            yield _for_arrow(out, schema, types)

    return run


def _whole(batches: Iterator[pd.DataFrame]) -> pd.DataFrame | None:
    """A partition as one frame, or None when it is empty: Arrow batches split it at a row
    count, possibly inside a person, and every person must be assessed whole."""
    parts = list(batches)
    if not parts:
        return None
    part = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
    return part if len(part) else None


def _collector(
    shared: Callable[[], _Shared], key: str, numbered: bool
) -> Callable[[Iterator[pd.DataFrame]], Iterator[pd.DataFrame]]:
    """
    The function ``mapInPandas`` runs for :meth:`SparkResult.compute`: the partition
    assessed once (errors reported), its tables pickled in one cell. Unless the rows
    were numbered, each row's ``monotonically_increasing_id`` tells its input partition
    and place in it, and the partition sends the last place it saw of each input
    partition: the largest over all of them is that partition's row count.
    """

    def run(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        part = _whole(batches)
        if part is None:
            return
        part = part.drop(columns=key)
        counts = None
        if not numbered:
            mark = part[ROW_COLUMN].to_numpy(dtype=np.int64) - 1
            last = pd.Series(mark & _PLACE).groupby(mark >> 33).max()
            counts = np.column_stack([last.index.to_numpy(), last.to_numpy() + 1])
        found = _assess_part(part, shared().prep, np.zeros(0, dtype=np.int64), "report")
        yield pd.DataFrame({"data": [pickle.dumps((found, counts))]})

    return run


def _gathered(
    prep: PreparedPeople, found: list[Any], numbered: bool, mode: ErrorsMode
) -> BatchResult:
    """The partitions' tables put together as assess_frame's, rows renumbered."""
    parts = [part for part, _ in found if part is not None]
    if not numbered:
        counts = [c for _, c in found if c is not None]
        pairs = np.concatenate(counts) if counts else np.zeros((0, 2), dtype=np.int64)
        lengths = np.zeros(int(pairs[:, 0].max()) + 1 if len(pairs) else 0, dtype=np.int64)
        np.maximum.at(lengths, pairs[:, 0], pairs[:, 1])
        offsets = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)
        for k, (days, people, errors, present, at) in enumerate(parts):
            if len(errors):
                mark = errors["row"].to_numpy(dtype=np.int64) - 1
                row = offsets[mark >> 33] + (mark & _PLACE) + 1
                parts[k] = (days, people, errors.assign(row=row), present, at)
    result = _combine_parts(prep, parts, "report")
    if mode == "raise":
        bad = result.errors[result.errors["source"] == "diary"]
        if len(bad):  # as assess_frame raises it: the first bad row, by row number
            first = bad.iloc[0]
            raise DiaryError(f"row {int(first['row'])}: {first['reason']}", field=first["column"])
    return result


def _text_id(functions: Any, types: Any, column: Any, dtype: Any) -> Any:
    """A person id as text, as person_key writes it (7.0 as "7")."""
    f = functions
    if isinstance(dtype, (types.FloatType, types.DoubleType, types.DecimalType)):
        whole = (f.floor(column) == column) & (f.abs(column) < f.lit(_EXACT_LIMIT))
        return f.when(whole, column.cast("long").cast("string")).otherwise(column.cast("string"))
    return column.cast("string")


def _partition_key(functions: Any, text: Any) -> Any:
    """
    The repartitioning key of a person id as text: equal for any two ids that
    person_key reads as one person (" 7 " and "7"), so each person is in one partition.
    """
    return functions.regexp_replace(text, _SPACE, "")


def _numbered_errors(errors: Any, diary: Any, functions: Any, window: Any) -> Any:
    """
    Errors whose ``row`` holds ``monotonically_increasing_id() + 1``, renumbered 1, 2, ...
    in the diary's order: that id is the input partition's index times 2**33 plus the
    row's place in it, and the rows of the partitions before it are counted, lazily.
    """
    f = functions
    counts = diary.groupBy(f.spark_partition_id().alias("_p")).count()
    # One row per input partition: a window over all of them is small.
    before = window.orderBy("_p").rowsBetween(window.unboundedPreceding, -1)
    offsets = counts.select("_p", f.coalesce(f.sum("count").over(before), f.lit(0)).alias("_o"))
    mark = f.col("row") - f.lit(1)
    located = errors.withColumn("_p", f.shiftright(mark, 33).cast("int")).withColumn(
        "_at", mark.bitwiseAND(f.lit((1 << 33) - 1))
    )
    renumbered = located.join(f.broadcast(offsets), on="_p", how="left").withColumn(
        "row", f.col("_o") + f.col("_at") + f.lit(1)
    )
    return renumbered.select(*errors.columns)


def assess_spark(
    diary: Any,
    people: Any,
    framework: str = DEFAULT_FRAMEWORK,
    *,
    errors: ErrorsMode = "raise",
    sd_within_mg: float | None = None,
    partitions: int | None = None,
) -> SparkResult:
    """
    :func:`~magcalc.batch.assess_frame` on a Spark DataFrame: the same results, lazily.

    The people table is validated once on the driver (:func:`~magcalc.batch.prepare_people`)
    and broadcast once; the diary is numbered (so reported row numbers are those of the
    whole input), repartitioned by ``person_id`` so that each person's rows are in one
    partition, and each partition is assessed with
    :func:`~magcalc.batch.assess_partition` through ``mapInPandas``: Python runs once
    per partition, not once per person.

    Parameters
    ----------
    diary : pyspark.sql.DataFrame
        One row per food or supplement entry, the columns of
        :func:`~magcalc.batch.assess_frame` (case-insensitive). A column
        :data:`~magcalc.ROW_COLUMN` (long), if present, holds the row numbers to
        report; otherwise the rows are numbered in the diary's present order (which
        must be deterministic, as a file read is): with ``errors="raise"`` the lazy
        tables cost one Spark job, run when the first of them is read, that counts the
        rows of each input partition; with ``errors="report"`` the count runs only when
        ``.errors`` is computed; :meth:`SparkResult.compute` needs no count.
    people : pandas.DataFrame, PreparedPeople or pyspark.sql.DataFrame
        As in :func:`~magcalc.batch.assess_frame`; a Spark DataFrame is collected to the
        driver (one row per person: it is small beside the diary).
    framework : str, default 'IOM1997'
        Reference framework (see :func:`magcalc.frameworks`).
    errors : {'raise', 'report'}, default 'raise'
        As in :func:`~magcalc.batch.assess_frame`. A bad people row raises here; a bad
        diary row raises when an action computes the table it is in, as pyspark's
        ``PythonException`` (or ``Py4JJavaError``) whose message holds magcalc's; it is
        the first bad row of a partition, not necessarily of the whole diary.
    sd_within_mg : float, optional
        Within-person SD of daily intake [mg/day] for the IOM 2000 probability;
        default per person from :func:`magcalc.dri.within_person_sd`.
    partitions : int, optional
        How many partitions to repartition the diary into; default as many as the diary
        has now (a file read: one per split of up to 128 MB), and at least the
        session's default parallelism, rather than ``spark.sql.shuffle.partitions``
        (200, each a Python call: most of a small diary's time).

    Returns
    -------
    SparkResult
        Lazy Spark DataFrames ``.days``, ``.people`` and ``.errors``; collected to
        pandas and sorted, each equals the same table of
        ``assess_frame(diary.toPandas(), people, ...)`` (``errors.person_id`` and
        ``errors.value`` as text). ``.compute()`` gives that
        :class:`~magcalc.batch.BatchResult` itself, in one Spark job.

    Raises
    ------
    MissingDependencyError
        pyspark (or pandas) is not installed.
    PersonError
        A bad people row, with ``errors="raise"``.
    DiaryError
        The diary has no ``person_id`` column, or a column that is unknown, misspelt
        or given twice.
    UnknownFrameworkError, InputError
        A bad ``framework``, ``errors``, ``sd_within_mg`` or ``partitions``.

    Notes
    -----
    Each table is a separate ``mapInPandas`` over the same repartitioned diary, so an
    action on one table does not compute the others; computing all three assesses the
    diary three times (``persist()`` the diary first if it is expensive to read), where
    :meth:`SparkResult.compute` assesses it once, for results that fit on the driver. Every
    person's rows must fit in one partition's memory, as on Dask. People with no diary
    rows are emitted by the partition their id hashes to (one marker row per person is
    added to the diary for ``.people``), so no join is needed. The people table is
    broadcast with the session's SparkContext; on Spark Connect, which has none, each
    task carries it instead.

    References
    ----------
    .. [1] Institute of Medicine, "Dietary Reference Intakes: Applications in Dietary
       Assessment," National Academy Press, 2000, pp. 54-61, doi:10.17226/9956.

    Examples
    --------
    >>> import pandas as pd
    >>> from pyspark.sql import SparkSession  # doctest: +SKIP
    >>> from magcalc.batch import assess_spark  # doctest: +SKIP
    >>> spark = SparkSession.builder.master("local[2]").getOrCreate()  # doctest: +SKIP
    >>> diary = spark.createDataFrame(pd.DataFrame({  # doctest: +SKIP
    ...     "person_id": [1, 2, 1], "day": [1, 1, 2],
    ...     "food": ["11458", "almonds", "11458"], "amount": ["1 cup", "1 oz", "1/2 cup"]}))
    >>> people = pd.DataFrame({"person_id": [1, 2, 3], "age": [34, 40, 50],
    ...                        "sex": ["female", "male", "male"]})
    >>> result = assess_spark(diary, people, errors="report")  # doctest: +SKIP
    >>> out = result.people.orderBy("person_id").toPandas()  # doctest: +SKIP
    >>> out["n_days"].tolist(), out["total_mg"].round(1).tolist()  # doctest: +SKIP
    ([2, 1, 0], [117.4, 76.5, nan])
    """
    functions, types = _pyspark()
    mode = check_mode(errors)
    if partitions is not None and (
        isinstance(partitions, bool) or not isinstance(partitions, int) or partitions < 1
    ):
        raise InputError("partitions must be a whole number of 1 or more", field="partitions")
    if not (hasattr(diary, "mapInPandas") and hasattr(diary, "sparkSession")):
        raise InputError(
            f"diary must be a Spark DataFrame, not {type(diary).__name__}; "
            "for a pandas DataFrame use magcalc.batch.assess_frame",
            field="diary",
        )
    if hasattr(people, "toPandas") and not isinstance(people, pd.DataFrame):
        people = people.toPandas()
    if isinstance(people, PreparedPeople):
        prep = people
    else:
        prep = prepare_people(people, framework, errors=mode, sd_within_mg=sd_within_mg)

    # The diary's columns, checked here so that a misspelt column fails now, not in a task.
    cols, _ = diary_labels(diary.columns)
    if "person_id" not in cols:
        raise DiaryError(
            "the diary needs a 'person_id' column (and day, food + amount, or supplement "
            f"rows); found: {', '.join(map(str, diary.columns)) or 'none'}",
            field="person_id",
        )
    session = diary.sparkSession
    row_label = cols.get(ROW_COLUMN)
    if row_label is not None and row_label != ROW_COLUMN:
        diary = diary.withColumnRenamed(str(row_label), ROW_COLUMN)
    # Without row numbers, each row gets the partition index times 2**33 plus its place
    # in that partition, plus 1; the partitions' row counts make it a row number.
    numbered = row_label is not None
    source = diary
    placed = (
        diary
        if numbered
        else diary.withColumn(
            ROW_COLUMN, functions.monotonically_increasing_id() + functions.lit(1)
        )
    )
    dtypes = {f.name: f.dataType for f in diary.schema.fields}
    pid = str(cols["person_id"])
    key = "_magcalc_partition_key"
    text = _text_id(functions, types, functions.col(f"`{pid}`"), dtypes[pid])

    def keyed_of(frame: Any) -> Any:
        return frame.withColumn(key, _partition_key(functions, text))

    @functools.cache
    def keyed_rows() -> Any:
        # The lazy tables' diary. A raised message names its row: with errors="raise"
        # the rows are numbered first (one counting job, run when a table is first read).
        if not numbered and mode == "raise":
            return keyed_of(_row_numbers(source, functions, ROW_COLUMN))
        return keyed_of(placed)

    valid = prep.profiles["valid"].to_numpy(dtype=bool)

    @functools.cache
    def sent(with_base: bool) -> Callable[[], _Shared]:
        # Broadcast when first needed; with every valid person as assess_frame shows one
        # with no diary rows only for the lazy people table.
        base = None
        if with_base:
            empty = pd.DataFrame({"person_id": pd.Series([], dtype=object)})
            base = assess_frame(empty, prep).people
        shared = _Shared(prep, base)
        try:
            handle = session.sparkContext.broadcast(shared)
        except (AttributeError, NotImplementedError):  # Spark Connect: no SparkContext
            return lambda: shared
        return lambda: handle.value

    if partitions is None:
        partitions = _default_partitions(source, session)

    def spread(frame: Any) -> Any:
        return frame.repartition(partitions, key) if partitions else frame.repartition(key)

    # Days are whole numbers unless the diary's day column is text (labels).
    day_label = cols.get("day")
    text_day = day_label is not None and isinstance(dtypes[str(day_label)], types.StringType)

    def table(name: Table, frame: Any, text: tuple[str, ...] = ()) -> Any:
        schema = _schema(types, partition_meta(name, prep), text)
        mapper = _mapper(sent(name == "people"), name, mode, schema, key)
        return spread(frame).mapInPandas(mapper, schema=schema)

    def with_markers() -> Any:
        # One marker row per valid person, keyed as that person's diary rows are, so that
        # each partition also emits its people who have no diary rows (no join needed).
        ids = prep.profiles["person_id"].to_numpy(dtype=object)[valid]
        markers = session.createDataFrame(
            pd.DataFrame(
                {
                    "_id": [person_key(v) for v in ids.tolist()],
                    _PERSON: np.arange(len(ids), dtype=np.int64),
                }
            ),
            "_id string, " + _PERSON + " long",
        )
        return keyed_rows().unionByName(
            markers.select(_partition_key(functions, functions.col("_id")).alias(key), _PERSON),
            allowMissingColumns=True,
        )

    def build(name: Table) -> Any:
        if name == "days":
            return table("days", keyed_rows(), ("day",) if text_day else ())
        if name == "people":
            return table("people", with_markers())
        diary_errors = table("errors", keyed_rows(), ("person_id", "value"))
        if not numbered and mode == "report":
            window = importlib.import_module("pyspark.sql.window").Window
            diary_errors = _numbered_errors(diary_errors, source, functions, window)
        schema = _schema(types, partition_meta("errors", prep), ("person_id", "value"))
        people_errors = session.createDataFrame(_for_arrow(prep.errors, schema, types), schema)
        return people_errors.unionByName(diary_errors)

    def collect() -> BatchResult:
        # One job: the diary assessed once, every partition's three tables sent back
        # whole (pickled).
        frame = keyed_of(placed)
        collector = _collector(sent(False), key, numbered)
        mapped = spread(frame).mapInPandas(collector, schema="data binary")
        found = [pickle.loads(row["data"]) for row in mapped.collect()]
        return _gathered(prep, found, numbered, mode)

    return SparkResult(build, prep.framework, collect)


def _default_partitions(diary: Any, session: Any) -> int | None:
    """The diary's partitions, at least the default parallelism; None (Spark's choice)
    where the session cannot tell (Spark Connect has no RDDs or SparkContext)."""
    try:
        return max(int(diary.rdd.getNumPartitions()), int(session.sparkContext.defaultParallelism))
    except (AttributeError, NotImplementedError):  # Spark Connect
        return None


def _row_numbers(diary: Any, functions: Any, row_column: str) -> Any:
    """
    The diary with 1-based row numbers in its present order (one counting job).

    ``monotonically_increasing_id`` is the partition index times 2**33 plus the row's
    place in the partition; the rows of earlier partitions, counted now, make it a row
    number.
    """
    f = functions
    part = f.spark_partition_id()
    counts = dict(diary.groupBy(part.alias("p")).count().collect())
    offsets: dict[int, int] = {}
    total = 0
    for p in sorted(counts):
        offsets[int(p)] = total
        total += int(counts[p])
    if not offsets:
        return diary.withColumn(row_column, f.lit(None).cast("long"))
    start = f.create_map(*[x for p, o in offsets.items() for x in (f.lit(p), f.lit(o))])
    place = f.monotonically_increasing_id() - part.cast("long") * f.lit(2**33)
    return diary.withColumn(row_column, start[part] + place + f.lit(1))
