"""
Many people at once on Dask, lazily: :func:`assess_dask` and its :class:`DaskBatchResult`.

The diary is tagged with each row's partition and position, shuffled by person and
assessed partition by partition with :func:`~magcalc.batch.assess_partition`'s code;
:meth:`DaskBatchResult.compute` puts the parts together into the
:class:`~magcalc.batch.BatchResult` that :func:`~magcalc.batch.assess_frame` gives.
Dask is an optional extra (``pip install 'magcalc[dask]'``), imported only when
:func:`assess_dask` or :meth:`DaskBatchResult.compute` is called.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from magcalc.batch._days import day_order
from magcalc.batch._diary import Core
from magcalc.batch._errorlog import join_errors
from magcalc.batch._inputs import ROW_COLUMN, ErrorsMode, check_mode, diary_labels
from magcalc.batch._tables import assess_rows, people_dtypes, people_table
from magcalc.batch.frame import PEOPLE_COLUMNS, BatchResult, partition_meta
from magcalc.batch.people import PreparedPeople, as_prepared, find_people
from magcalc.diary import person_key
from magcalc.dri.values import DEFAULT_FRAMEWORK

if TYPE_CHECKING:
    import numpy.typing as npt

    # One partition assessed: days, people, errors, the people-table positions of its
    # people and of its days' people.
    _Part = tuple[
        pd.DataFrame, pd.DataFrame, pd.DataFrame, npt.NDArray[np.int64], npt.NDArray[np.int64]
    ]

__all__ = ["DaskBatchResult", "assess_dask"]

_PART_COLUMN = "_magcalc_partition"


def _tag_rows(part: pd.DataFrame, number: int) -> pd.DataFrame:
    """The partition with its number and each row's 1-based position in it."""
    out: pd.DataFrame = part.copy()
    out[_PART_COLUMN] = np.full(len(part), number, dtype=np.int64)
    out[ROW_COLUMN] = np.arange(1, len(part) + 1, dtype=np.int64)
    return out


def _offsets(lengths: Sequence[int]) -> npt.NDArray[np.int64]:
    """Rows before each partition of the input."""
    return np.concatenate([[0], np.cumsum(np.asarray(lengths, dtype=np.int64))[:-1]]).astype(
        np.int64
    )


def _day_positions(prep: PreparedPeople, core: Core) -> npt.NDArray[np.int64]:
    """The people-table position of each row of ``core.days``."""
    # The days come grouped by person in the order of core.positions, n_days rows each;
    # the ids are checked against that, so a change of order only costs the slow way.
    at = np.repeat(
        core.positions.astype(np.int64), np.asarray(core.per_person["n_days"], dtype=np.int64)
    )
    ids = core.days["person_id"].to_numpy(dtype=object)
    if len(at) == len(ids) and bool(
        np.all(prep.profiles["person_id"].to_numpy(dtype=object)[at] == ids)
    ):
        return at
    keys = np.asarray([person_key(v) for v in ids.tolist()], dtype=object)
    return find_people(prep, keys).astype(np.int64)


def _assess_part(
    part: pd.DataFrame, prep: PreparedPeople, offsets: npt.NDArray[np.int64], mode: ErrorsMode
) -> _Part:
    """One partition, assessed: (days, people, errors, positions of its people, positions
    of its days' people)."""
    if _PART_COLUMN in part.columns:
        part = part.assign(
            **{ROW_COLUMN: offsets[part[_PART_COLUMN].to_numpy(dtype=np.int64)] + part[ROW_COLUMN]}
        ).drop(columns=_PART_COLUMN)
    if ROW_COLUMN in part.columns:
        # In input order, as assess_frame sums them: the same sums to the last bit.
        part = part.sort_values(ROW_COLUMN, kind="stable")
    core, diary_errors, _ = assess_rows(part, prep, mode, local=True)
    keep = (core.per_person["n_days"] > 0) | (core.per_person["rows_rejected"] > 0)
    present = core.positions[keep].astype(np.int64)
    people = people_table(core.prep, core, keep)
    return core.days, people, diary_errors, present, _day_positions(prep, core)


def _absent_people(prep: PreparedPeople, presents: Sequence[npt.NDArray[np.int64]]) -> pd.DataFrame:
    """The valid people with no diary rows (n_days 0, NaN intakes)."""
    empty = pd.DataFrame({"person_id": pd.Series([], dtype=object)})
    core, _, _ = assess_rows(empty, prep, "report")
    keep = np.ones(len(prep.profiles), dtype=bool)
    for present in presents:
        keep[present] = False
    return people_table(prep, core, keep)


def _people_errors(prep: PreparedPeople) -> pd.DataFrame:
    """The people table's errors, as the first partition of the error table."""
    return join_errors([prep.errors])


@dataclass(frozen=True)
class DaskBatchResult:
    """
    The result of :func:`assess_dask`: Dask DataFrames, with nothing computed yet.

    Attributes
    ----------
    days, people, errors : dask.dataframe.DataFrame
        The tables of :class:`~magcalc.batch.BatchResult`, one partition per partition of the
        assessment (``people`` has one more, of the people with no diary rows, and
        ``errors`` one more, first, of the people table's errors). Their rows are in
        partition order, not sorted: write them (``.to_parquet``) or compute them as
        they are, or call :meth:`compute` for the sorted :class:`~magcalc.batch.BatchResult`.
    framework : str
        The reference framework used.

    Notes
    -----
    Each of ``days``, ``people`` and ``errors`` computed on its own reads and assesses
    the diary again; :meth:`compute` (or ``dask.compute(r.days, r.people, r.errors)``)
    does it once for all three.
    """

    days: Any
    people: Any
    errors: Any
    framework: str
    _parts: list[Any] = field(repr=False)
    _prepared: PreparedPeople = field(repr=False)
    _mode: ErrorsMode = field(default="raise", repr=False)
    _scheduler: str | None = field(default=None, repr=False)

    def compute(self, **kwargs: Any) -> BatchResult:
        """
        Compute everything in one pass and return the :class:`~magcalc.batch.BatchResult`, equal to
        :func:`~magcalc.batch.assess_frame` on the whole diary. ``kwargs`` go to ``dask.compute``
        (``scheduler="threads"``, ...).
        """
        from dask.base import compute

        run: Any = compute
        if self._scheduler is not None:
            kwargs.setdefault("scheduler", self._scheduler)
        results = run(*self._parts, **kwargs)
        return _combine_parts(self._prepared, list(results), self._mode)

    def __repr__(self) -> str:
        return (
            f"<DaskBatchResult ({self.framework}): {self.days.npartitions} partitions, "
            "not computed>"
        )


def assess_dask(
    diary: Any,
    people: pd.DataFrame | PreparedPeople,
    framework: str = DEFAULT_FRAMEWORK,
    *,
    errors: ErrorsMode = "raise",
    sd_within_mg: float | None = None,
    shuffle: bool = True,
    scheduler: str | None = None,
) -> DaskBatchResult:
    """
    :func:`~magcalc.batch.assess_frame` on a Dask DataFrame, lazily: Dask DataFrames of the results.

    Nothing is computed here, not even the number of rows. The people table (small) is
    validated once, here, and enters the task graph once, as a single task every
    partition depends on. The diary is tagged with each row's partition and position
    (the row numbers reported are those of the whole input, found from the partition
    lengths in the same pass), shuffled by ``person_id`` so that each person is in one
    partition, and assessed partition by partition with the code of
    :func:`~magcalc.batch.assess_frame`. It runs on any Dask scheduler: threads, processes or a
    ``dask.distributed`` cluster.

    Parameters
    ----------
    diary : dask.dataframe.DataFrame
    people : pandas.DataFrame or PreparedPeople
    framework, errors, sd_within_mg
        As in :func:`~magcalc.batch.assess_frame`. With ``errors="raise"`` the error is raised when
        the results are computed.
    shuffle : bool, default True
        Shuffle by ``person_id``. Pass False only if every person's rows are already
        in one partition (e.g. the files are split by person).
    scheduler : str, optional
        The scheduler :meth:`DaskBatchResult.compute` uses unless told otherwise
        ("threads", "processes", "synchronous"; None: Dask's default, or a
        ``dask.distributed`` Client if one is active).

    Returns
    -------
    DaskBatchResult
        ``.days``, ``.people``, ``.errors`` as Dask DataFrames; ``.compute()`` gives the
        :class:`~magcalc.batch.BatchResult` equal to
        ``assess_frame(diary.compute(), people, ...)``.

    Notes
    -----
    On Spark the same per-partition function works through ``mapInPandas`` on a frame
    repartitioned by person_id, with the people table prepared once on the driver and
    broadcast.

    Examples
    --------
    >>> import dask.dataframe as dd
    >>> import pandas as pd
    >>> diary = pd.DataFrame({"person_id": [1, 2, 1, 3], "day": [1, 1, 2, 1],
    ...                       "food": ["11458", "almonds", "11458", "zzqx"],
    ...                       "amount": ["1 cup", "1 oz", "1/2 cup", "1 cup"]})
    >>> people = pd.DataFrame({"person_id": [1, 2, 3], "age": [34, 40, 50],
    ...                        "sex": ["female", "male", "male"]})
    >>> lazy = assess_dask(dd.from_pandas(diary, npartitions=2), people, errors="report")
    >>> result = lazy.compute(scheduler="synchronous")
    >>> result.people["total_mg"].round(1).tolist()
    [117.4, 76.5, nan]
    >>> result.errors["row"].tolist()
    [4]
    """
    import uuid

    import dask.dataframe as dd
    from dask.delayed import delayed

    later: Any = delayed
    mode = check_mode(errors)
    prep = as_prepared(people, framework, mode, sd_within_mg)
    # One task holds the people table: partitions refer to its key, so Dask neither
    # walks nor copies it per partition.
    prep_task = later(prep, name=f"magcalc-people-{uuid.uuid4().hex}", traverse=False)
    parts = diary.to_delayed()
    lengths = [later(len, pure=True)(p) for p in parts]
    offsets = later(_offsets, pure=True)(lengths)
    tagged = [later(_tag_rows, pure=True)(p, i) for i, p in enumerate(parts)]
    meta = _tag_rows(diary._meta, 0)
    ddf = dd.from_delayed(tagged, meta=meta, verify_meta=False)
    if shuffle and diary.npartitions > 1:
        ddf = ddf.shuffle(diary_labels(diary._meta.columns)[0].get("person_id", "person_id"))
    outs = [later(_assess_part, nout=5)(p, prep_task, offsets, mode) for p in ddf.to_delayed()]
    absent = later(_absent_people)(prep_task, [o[3] for o in outs])
    days = dd.from_delayed([o[0] for o in outs], meta=partition_meta("days", prep))
    people_frame = dd.from_delayed(
        [*(o[1] for o in outs), absent], meta=partition_meta("people", prep), verify_meta=False
    )
    error_frame = dd.from_delayed(
        [later(_people_errors)(prep_task), *(o[2] for o in outs)],
        meta=partition_meta("errors", prep),
        verify_meta=False,
    )
    return DaskBatchResult(
        days, people_frame, error_frame, prep.framework, outs, prep, mode, scheduler
    )


def _combine_parts(
    prep: PreparedPeople,
    results: list[_Part],
    mode: ErrorsMode,
) -> BatchResult:
    """The computed partitions put together into :func:`~magcalc.batch.assess_frame`'s result."""
    valid = prep.profiles["valid"].to_numpy(dtype=bool)
    # Each valid person's row: from their partition, else assess_frame's with no rows.
    present = np.zeros(len(valid), dtype=bool)
    frames, places = [], []
    for _, people_part, _, at, _ in results:
        at_valid = at[valid[at]]
        present[at_valid] = True
        frames.append(people_part)
        places.append(at_valid)
    absent = valid & ~present

    def no_rows() -> Core:
        empty = pd.DataFrame({"person_id": pd.Series([], dtype=object)})
        return assess_rows(empty, prep, "report")[0]

    if absent.any() or not frames:
        frames.append(people_table(prep, no_rows(), absent))
        places.append(np.flatnonzero(absent))
    order = np.argsort(np.concatenate(places), kind="stable")
    people_frame = pd.concat(frames, ignore_index=True).take(order).reset_index(drop=True)
    people_frame = people_dtypes(people_frame[PEOPLE_COLUMNS])
    # Days: people-table order, then day order (as in assess_frame).
    day_parts = [(d, at) for d, _, _, _, at in results if len(d)]
    if day_parts:
        days = pd.concat([d for d, _ in day_parts], ignore_index=True)
        keys = np.concatenate([at for _, at in day_parts])
        day_codes, uniques = pd.factorize(days["day"])
        day_values: list[Any] = list(pd.Index(uniques).tolist())
        ranked = sorted(range(len(day_values)), key=lambda k: day_order(day_values[k]))
        rank = np.empty(len(day_values), dtype=np.int64)
        rank[ranked] = np.arange(len(ranked))
        order = np.lexsort((rank[day_codes], keys))
        days = days.take(order).reset_index(drop=True)
    else:
        days = no_rows().days
    errors = [e for _, _, e, _, _ in results]
    diary_errors = join_errors(errors)
    if len(diary_errors):
        diary_errors = diary_errors.sort_values("row", kind="stable").reset_index(drop=True)
    return BatchResult(
        days=days,
        people=people_frame,
        errors=join_errors([prep.errors, diary_errors]),
        framework=prep.framework,
    )
