"""assess_spark on Spark local[2] gives assess_frame's results, person by person.

Needs pyspark (``pip install 'magcalc[spark]'``, or ``make spark``) and Java; each test
that needs them is skipped with the reason when they are absent.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import sys
from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd
import pytest

from magcalc.batch import ROW_COLUMN, assess_frame
from magcalc.errors import DiaryError, InputError, MissingDependencyError

from .helpers import same_result

HAS_PYSPARK = importlib.util.find_spec("pyspark") is not None
HAS_JAVA = shutil.which("java") is not None or bool(os.environ.get("JAVA_HOME"))

needs_pyspark = pytest.mark.skipif(
    not HAS_PYSPARK, reason="needs pyspark (pip install 'magcalc[spark]', or make spark)"
)
needs_spark = pytest.mark.skipif(
    not (HAS_PYSPARK and HAS_JAVA),
    reason="needs pyspark and Java (pip install 'magcalc[spark]' and a JDK 17+, or make spark)",
)

# pyspark's notice about pandas versions it has not certified, and pandas 3's notice about
# an argument pyspark's toPandas still passes: both about pyspark, not magcalc.
pytestmark = [
    pytest.mark.filterwarnings("ignore:PySpark does not yet fully support:FutureWarning"),
    pytest.mark.filterwarnings("ignore:The copy keyword is deprecated"),
]

FOODS = [
    ("11458", "1/2 cup"),  # NDB number: spinach, boiled
    ("almonds", "1 oz"),
    ("bananas raw", "1 medium"),
    ("milk whole", "1 cup"),
    ("bread whole wheat", "1 slice"),
    ("rice white cooked", "1 cup"),
    ("black beans cooked", "1/2 cup"),
    ("chicken breast roasted", "3 oz"),
    ("oatmeal cooked", "1 cup"),
    ("potato baked", "100 g"),
]


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    """One local[2] session for the module (starting the JVM is most of a test's time)."""
    if not (HAS_PYSPARK and HAS_JAVA):
        pytest.skip("needs pyspark and Java")
    from pyspark.sql import SparkSession

    with pytest.MonkeyPatch.context() as mp:
        # Workers must run this interpreter (which has magcalc), not the first python3.
        mp.setenv("PYSPARK_PYTHON", os.environ.get("PYSPARK_PYTHON", sys.executable))
        session = (
            SparkSession.builder.master("local[2]")
            .appName("magcalc-tests")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.sql.shuffle.partitions", "4")
            .config("spark.sql.execution.arrow.pyspark.enabled", "true")
            .getOrCreate()
        )
        session.sparkContext.setLogLevel("ERROR")
        yield session
        session.stop()


def survey(n_people: int, rows_each: int, seed: int = 15) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A synthetic survey: fractional ages, both sexes, a few pregnant; food and supplements."""
    rng = np.random.default_rng(seed)
    ids = np.arange(1, n_people + 1)
    sex = rng.choice(["female", "male"], n_people)
    ages = np.round(rng.uniform(1.5, 85.0, n_people), 2)
    pregnant = (sex == "female") & (ages > 19) & (ages < 45) & (rng.random(n_people) < 0.1)
    people = pd.DataFrame({"person_id": ids, "age": ages, "sex": sex, "pregnant": pregnant})
    n = n_people * rows_each
    pick = rng.integers(0, len(FOODS), n)
    supplement = rng.random(n) < 0.05
    diary = pd.DataFrame(
        {
            "person_id": np.repeat(ids, rows_each),
            "day": rng.integers(1, 4, n),
            "food": [None if s else FOODS[i][0] for i, s in zip(pick, supplement, strict=True)],
            "amount": [None if s else FOODS[i][1] for i, s in zip(pick, supplement, strict=True)],
            "supplement": np.where(supplement, "citrate", None),
            "elemental_mg": np.where(supplement, 100.0, np.nan),
        }
    )
    # Shuffled, so that each person's rows are spread over the input partitions.
    return diary.sample(frac=1.0, random_state=seed).reset_index(drop=True), people


def collected(frame: Any, by: list[str]) -> pd.DataFrame:
    """A Spark table as pandas, sorted; exceeds_ul nullable as in BatchResult.people."""
    out: pd.DataFrame = frame.toPandas().sort_values(by, kind="stable").reset_index(drop=True)
    if "exceeds_ul" in out.columns:
        out["exceeds_ul"] = out["exceeds_ul"].astype("boolean")
    return out


@needs_spark
def test_a_thousand_people_agree_with_assess_frame(spark: Any) -> None:
    """1,000 people x 50 rows: every person's total_mg and probability as assess_frame's."""
    from magcalc.batch.spark import assess_spark

    diary, people = survey(1000, 50)
    expected = assess_frame(diary, people)
    result = assess_spark(spark.createDataFrame(diary), people, partitions=4)
    got = collected(result.people, ["person_id"])
    want = expected.people.sort_values("person_id").reset_index(drop=True)
    assert got["person_id"].tolist() == want["person_id"].tolist()
    for column in ("total_mg", "food_mg", "supplemental_mg", "probability_adequate"):
        np.testing.assert_allclose(got[column], want[column], rtol=1e-12, err_msg=column)
    assert got["n_days"].tolist() == want["n_days"].tolist()
    assert got["life_stage"].tolist() == want["life_stage"].tolist()
    assert got["exceeds_ul"].equals(want["exceeds_ul"])
    days = collected(result.days, ["person_id", "day"])
    want_days = expected.days.sort_values(["person_id", "day"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(days, want_days, check_dtype=False, rtol=1e-12)
    assert result.errors.count() == 0
    # All three in one job: assess_frame's result itself, sorted and typed as it is.
    same_result(result.compute(), expected)


@needs_spark
def test_every_table_matches_with_bad_rows_reported(spark: Any) -> None:
    """Bad diary and people rows: the same rows, numbers and reasons as assess_frame."""
    from magcalc.batch.spark import assess_spark

    diary = pd.DataFrame(
        {
            "person_id": ["1", "2", " 1", "4", "2", "1\u00a0", "3", "5"],
            "day": [1, 1, 2, 1, 2, 3, 1, 1],
            "food": ["11458", "almonds", "11458", "almonds", "zzqxw", "almonds", None, "almonds"],
            "amount": ["1 cup", "1 oz", "1/2 cup", "1 oz", "1 cup", "-1 oz", None, "1 oz"],
            "supplement": [None, None, None, None, None, None, "citrate", None],
            "elemental_mg": [None, None, None, None, None, None, 600.0, None],
        }
    )
    people = pd.DataFrame(
        {
            "person_id": [1, 2, 3, 5, 6],
            "age": [34, 40, 50, 30, 60],
            "sex": ["female", "male", "male", "male", "female"],
            "pregnant": [False, False, False, True, False],  # person 5: a pregnant male
        }
    )
    expected = assess_frame(diary, people, errors="report")
    # Eight partitions for eight rows: " 1", "1" and "1\u00a0" must still meet.
    result = assess_spark(spark.createDataFrame(diary), people, errors="report", partitions=8)
    got = collected(result.people, ["person_id"])
    want = expected.people.sort_values("person_id").reset_index(drop=True)
    pd.testing.assert_frame_equal(got, want, check_dtype=False, rtol=1e-12)
    assert got.loc[got["person_id"] == 1, "n_days"].item() == 2  # day 3's row is bad
    errors = collected(result.errors, ["source", "row"])
    want_errors = expected.errors.sort_values(["source", "row"]).reset_index(drop=True)
    want_errors = want_errors.astype({"person_id": str})
    pd.testing.assert_frame_equal(errors, want_errors, check_dtype=False)
    # People row 4 (a pregnant male), then diary rows: person 4 unknown, no such food,
    # a negative amount, and person 5's row (whose profile was refused).
    pairs = set(zip(errors["source"], errors["row"], strict=True))
    assert pairs == {("people", 4), ("diary", 4), ("diary", 5), ("diary", 6), ("diary", 8)}
    days = collected(result.days, ["person_id", "day"])
    want_days = expected.days.sort_values(["person_id", "day"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(days, want_days, check_dtype=False, rtol=1e-12)
    # One job, rows renumbered from the partitions' counts: assess_frame's tables.
    same_result(result.compute(), expected)
    # Raised from compute(): the first bad row of the whole diary, as assess_frame does.
    with pytest.raises(DiaryError) as raised:
        assess_frame(diary, people.drop(index=3))  # without the bad people row
    lazy = assess_spark(spark.createDataFrame(diary), people.drop(index=3), partitions=8)
    with pytest.raises(DiaryError, match=f"^{re.escape(str(raised.value))}$"):
        lazy.compute()


@needs_spark
def test_row_numbers_given_in_the_row_column_are_reported(spark: Any) -> None:
    from magcalc.batch.spark import assess_spark

    diary = pd.DataFrame(
        {"person_id": [1, 1], "food": ["almonds", "zzqxw"], "amount": ["1 oz", "1 oz"]}
    )
    diary[ROW_COLUMN] = [101, 102]
    people = pd.DataFrame({"person_id": [1], "age": [40], "sex": ["male"]})
    result = assess_spark(spark.createDataFrame(diary), people, errors="report")
    assert [r["row"] for r in result.errors.collect()] == [102]
    assert result.compute().errors["row"].tolist() == [102]


@needs_spark
def test_a_bad_row_raises_when_an_action_runs_with_magcalcs_message(spark: Any) -> None:
    from magcalc.batch.spark import assess_spark

    diary = pd.DataFrame({"person_id": [1], "food": ["almonds"], "amount": ["-1 oz"]})
    people = pd.DataFrame({"person_id": [1], "age": [40], "sex": ["male"]})
    result = assess_spark(spark.createDataFrame(diary), people)  # lazy: nothing raised yet
    with pytest.raises(Exception, match="is negative; give a non-negative number"):
        result.people.collect()


@needs_spark
def test_diary_without_person_id_or_with_a_misspelt_column_fails_at_once(spark: Any) -> None:
    from magcalc.batch.spark import assess_spark

    people = pd.DataFrame({"person_id": [1], "age": [40], "sex": ["male"]})
    no_id = spark.createDataFrame(pd.DataFrame({"food": ["almonds"], "amount": ["1 oz"]}))
    with pytest.raises(DiaryError, match="needs a 'person_id' column"):
        assess_spark(no_id, people)
    misspelt = pd.DataFrame({"person_id": [1], "food": ["almonds"], "amuont": ["1 oz"]})
    with pytest.raises(DiaryError, match="amuont"):
        assess_spark(spark.createDataFrame(misspelt), people)


@needs_pyspark
def test_a_pandas_diary_is_refused_with_what_to_use() -> None:
    from magcalc.batch.spark import assess_spark

    people = pd.DataFrame({"person_id": [1], "age": [40], "sex": ["male"]})
    diary = pd.DataFrame({"person_id": [1], "food": ["almonds"], "amount": ["1 oz"]})
    with pytest.raises(InputError, match=r"use magcalc\.batch\.assess_frame"):
        assess_spark(diary, people)


def test_without_pyspark_the_error_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    from magcalc.batch.spark import assess_spark

    # None in sys.modules makes the import fail, as when pyspark is not installed.
    monkeypatch.setitem(sys.modules, "pyspark.sql.functions", None)
    people = pd.DataFrame({"person_id": [1], "age": [40], "sex": ["male"]})
    with pytest.raises(MissingDependencyError, match=r"magcalc\[spark\]"):
        assess_spark(object(), people)
