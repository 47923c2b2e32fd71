"""magcalc.batch.dask: agrees with pandas, lazily, reading each partition once."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from magcalc import DiaryError

from .helpers import POOL, same_result

pd = pytest.importorskip("pandas")
batch = pytest.importorskip("magcalc.batch")


def _dask_case() -> tuple[Any, Any]:
    rng = np.random.default_rng(3)
    rows = []
    for i in range(60):
        food, amount = POOL[int(rng.integers(len(POOL)))]
        rows.append(
            {
                "person_id": f"p{i % 9}",
                "day": int(rng.integers(1, 4)),
                "food": str(food),
                "amount": amount,
            }
        )
    rows.append({"person_id": "p1", "day": "all", "supplement": "citrate", "elemental_mg": 400.0})
    rows.append({"person_id": "p2", "day": 1, "food": "zzqx", "amount": "1 cup"})  # rejected
    rows.append({"person_id": "p99", "day": 1, "food": "11458", "amount": "1 cup"})  # unknown
    diary = pd.DataFrame(rows)
    diary["amount"] = diary["amount"].astype(object)
    people = pd.DataFrame(
        {
            "person_id": [f"p{i}" for i in range(11)],
            "age": [5, 15, 25, 35, 45, 55, 65, 75, 85, 1, 40],
            "sex": ["female", "male"] * 5 + ["male"],
        }
    )
    return diary, people


def test_dask_agrees_with_pandas() -> None:
    dd = pytest.importorskip("dask.dataframe")
    diary, people = _dask_case()
    expected = batch.assess_frame(diary, people, errors="report")
    ddf = dd.from_pandas(diary, npartitions=3, sort=False)
    got = batch.assess_dask(ddf, people, errors="report", scheduler="synchronous").compute()
    pd.testing.assert_frame_equal(got.people, expected.people)
    pd.testing.assert_frame_equal(got.days, expected.days)
    pd.testing.assert_frame_equal(got.errors, expected.errors)
    assert sorted(expected.errors["row"]) == [62, 63]


def test_map_partitions_per_person() -> None:
    dd = pytest.importorskip("dask.dataframe")
    diary, people = _dask_case()
    diary = diary[diary["person_id"] != "p99"]
    expected = batch.assess_frame(diary, people, errors="report")
    prepared = batch.prepare_people(people)
    ddf = dd.from_pandas(diary, npartitions=4, sort=False).shuffle("person_id")
    meta = batch.partition_meta("people", prepared)
    got = ddf.map_partitions(batch.assess_partition, prepared, errors="report", meta=meta).compute(
        scheduler="threads"
    )
    got = got.set_index("person_id").loc[
        expected.people.query("n_days > 0 or rows_rejected > 0")["person_id"]
    ]
    want = expected.people.set_index("person_id").loc[got.index]
    pd.testing.assert_frame_equal(got.drop(columns="food_mg"), want.drop(columns="food_mg"))
    np.testing.assert_allclose(got["food_mg"], want["food_mg"], rtol=1e-12)


_reads: list[int] = []


def _read_part(i: int, frame: Any) -> Any:
    _reads.append(i)
    return frame


def _counted_dask(diary: Any, npartitions: int) -> Any:
    dd = pytest.importorskip("dask.dataframe")
    from dask import delayed

    chunks = np.array_split(np.arange(len(diary)), npartitions)
    parts = [delayed(_read_part)(i, diary.iloc[c]) for i, c in enumerate(chunks)]
    return dd.from_delayed(parts, meta=diary.iloc[:0])


def test_dask_is_lazy_and_reads_each_partition_once() -> None:
    diary, people = _dask_case()
    expected = batch.assess_frame(diary, people, errors="report")
    _reads.clear()
    lazy = batch.assess_dask(_counted_dask(diary, 4), people, errors="report")
    assert _reads == []  # nothing computed, not even the length
    assert "not computed" in repr(lazy)
    got = lazy.compute(scheduler="threads")
    assert sorted(_reads) == [0, 1, 2, 3]  # one pass over the input
    same_result(got, expected)
    # The collections hold the same rows, in partition order.
    days = lazy.days.compute(scheduler="threads")
    assert len(days) == len(expected.days)
    people_rows = lazy.people.compute(scheduler="threads")
    assert sorted(people_rows["person_id"]) == sorted(expected.people["person_id"])
    errors = lazy.errors.compute(scheduler="threads")
    assert sorted(errors["row"]) == sorted(expected.errors["row"])


def test_dask_people_table_enters_the_graph_once() -> None:
    diary, people = _dask_case()
    dd = pytest.importorskip("dask.dataframe")
    lazy = batch.assess_dask(dd.from_pandas(diary, npartitions=5, sort=False), people)
    graph = dict(lazy.people.__dask_graph__())
    holding = [k for k in graph if "magcalc-people" in str(k)]
    assert len(holding) == 1


def test_dask_raise_names_the_row_of_the_whole_input() -> None:
    diary, people = _dask_case()
    diary = diary[diary["person_id"] != "p99"]  # one bad row left: 'zzqx', row 62
    dd = pytest.importorskip("dask.dataframe")
    lazy = batch.assess_dask(dd.from_pandas(diary, npartitions=3, sort=False), people)
    with pytest.raises(DiaryError, match=r"^row 62: "):
        lazy.compute(scheduler="synchronous")


def test_dask_on_distributed() -> None:
    """Two worker processes: the prepared people, the partitions and a raised DiaryError
    all cross a process boundary (pickled), as on any dask.distributed cluster."""
    dd = pytest.importorskip("dask.dataframe")
    distributed = pytest.importorskip("distributed")
    diary, people = _dask_case()
    expected = batch.assess_frame(diary, people, errors="report")
    bad = diary[diary["person_id"] != "p99"]  # one bad row left: 'zzqx', row 62
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster),
    ):
        # No scheduler given: the active Client runs it.
        lazy = batch.assess_dask(
            dd.from_pandas(diary, npartitions=3, sort=False), people, errors="report"
        )
        got = lazy.compute()
        raising = batch.assess_dask(dd.from_pandas(bad, npartitions=3, sort=False), people)
        with pytest.raises(DiaryError, match=r"^row 62: "):
            raising.compute()
    same_result(got, expected)


def test_days_are_placed_by_id_if_their_order_is_not_the_engines() -> None:
    from magcalc.batch._tables import assess_rows
    from magcalc.batch.dask import _day_positions

    diary, people = _dask_case()
    prepared = batch.prepare_people(people)
    core, _, _ = assess_rows(diary, prepared, "report", local=True)
    fast = _day_positions(prepared, core)
    assert len(fast) == len(core.days)
    # Rows in another order than the engine's: found by person id instead.
    core.days = core.days.iloc[::-1].reset_index(drop=True)
    np.testing.assert_array_equal(_day_positions(prepared, core), fast[::-1])
