"""Many people at once on pandas: :func:`assess_frame` and its :class:`BatchResult`.

Also the per-partition function :func:`assess_partition` that Dask and Spark run. The
figures agree with :func:`magcalc.assess` person by person (tested to 1e-9 mg); the
rules are listed in :mod:`magcalc.batch`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from magcalc.batch._cutpoint import cut_point_table
from magcalc.batch._errorlog import join_errors
from magcalc.batch._inputs import ROW_COLUMN, ErrorsMode, Table, check_frame, check_mode
from magcalc.batch._tables import assess_rows, people_table
from magcalc.batch.people import PreparedPeople, as_prepared
from magcalc.dri.values import DEFAULT_FRAMEWORK
from magcalc.errors import InputError

__all__ = [
    "DAY_COLUMNS",
    "ERROR_COLUMNS",
    "PEOPLE_COLUMNS",
    "ROW_COLUMN",
    "BatchResult",
    "assess_frame",
    "assess_partition",
    "partition_meta",
]

DAY_COLUMNS = ["person_id", "day", "food_mg", "supplemental_mg", "total_mg", "foods_without_data"]
"""Columns of :attr:`BatchResult.days`."""

PEOPLE_COLUMNS = [
    "person_id",
    "sex",
    "age_years",
    "age_months",
    "pregnant",
    "lactating",
    "life_stage",
    "n_days",
    "food_mg",
    "supplemental_mg",
    "total_mg",
    "foods_without_data",
    "ear_mg",
    "target_mg",
    "target_kind",
    "percent_of_target",
    "probability_adequate",
    "confidence_above_ai",
    "sd_within_mg",
    "ul_supplemental_mg",
    "max_daily_supplemental_mg",
    "exceeds_ul",
    "rows_rejected",
]
"""Columns of :attr:`BatchResult.people`."""

ERROR_COLUMNS = ["source", "row", "person_id", "column", "value", "reason"]
"""Columns of :attr:`BatchResult.errors`."""


@dataclass(frozen=True)
class BatchResult:
    """
    The result of :func:`assess_frame`.

    Attributes
    ----------
    days : pandas.DataFrame
        One row per person and recorded day (:data:`DAY_COLUMNS`): magnesium from food,
        from supplements (elemental) and both [mg], and how many food entries had no
        magnesium data (left out, not counted as 0). Ordered by person (as in the
        people table), then day (numbers, then labels).
    people : pandas.DataFrame
        One row per valid person of the people table (:data:`PEOPLE_COLUMNS`): the
        profile, ``n_days``, mean daily ``food_mg``, ``supplemental_mg``, ``total_mg``
        [mg/day], reference values [mg/day], ``percent_of_target``,
        ``probability_adequate`` (IOM 2000; NaN where no EAR exists),
        ``confidence_above_ai`` (where only an AI exists), ``exceeds_ul`` (nullable
        boolean; NA where no UL is set) and ``rows_rejected`` (diary rows of this
        person listed in ``errors``). A person with no diary rows has ``n_days`` 0 and
        NaN intakes.
    errors : pandas.DataFrame
        Rejected rows (:data:`ERROR_COLUMNS`): ``source`` ("diary" or "people"),
        ``row`` (1-based, header excluded, as in a CSV file and in
        :meth:`magcalc.Intake.from_records`), ``person_id``, ``column``, ``value`` (as
        text) and ``reason``. Empty when every row was used.
    framework : str
        The reference framework used.

    Examples
    --------
    >>> import pandas as pd
    >>> diary = pd.DataFrame({"person_id": [1], "food": ["almonds"], "amount": ["1 oz"]})
    >>> people = pd.DataFrame({"person_id": [1], "age": [40], "sex": ["male"]})
    >>> result = assess_frame(diary, people)
    >>> result
    <BatchResult (IOM1997): 1 people, 1 person-days, 0 rejected rows>
    >>> round(result.summary()["mean_total_mg"], 1)
    76.5
    """

    days: pd.DataFrame
    people: pd.DataFrame
    errors: pd.DataFrame
    framework: str = DEFAULT_FRAMEWORK

    def summary(self) -> dict[str, Any]:
        """
        Headline figures: people, person-days, mean intake, share below the EAR and over
        the UL, and rejected rows.

        ``share_below_ear`` is the EAR cut-point prevalence over people with an EAR and
        ``share_over_ul`` the share whose mean supplemental intake is over the UL, both
        on per-person means (see :func:`~magcalc.batch.prevalence` for the caveats).
        """
        people = self.people
        assessed = people[people["n_days"] > 0]
        overall = cut_point_table(assessed, [], days=None, adjust=False)
        row = overall.iloc[0] if len(overall) else None
        return {
            "framework": self.framework,
            "people": len(people),
            "people_with_records": len(assessed),
            "person_days": int(self.days.shape[0]),
            "mean_total_mg": float(assessed["total_mg"].mean()) if len(assessed) else math.nan,
            "share_below_ear": math.nan if row is None else float(row["prevalence_below_ear"]),
            "share_over_ul": math.nan if row is None else float(row["share_over_ul"]),
            "rows_rejected": int(self.errors.shape[0]),
        }

    def __repr__(self) -> str:
        return (
            f"<BatchResult ({self.framework}): {len(self.people)} people, "
            f"{len(self.days)} person-days, {len(self.errors)} rejected rows>"
        )


def assess_frame(
    diary: pd.DataFrame,
    people: pd.DataFrame | PreparedPeople,
    framework: str = DEFAULT_FRAMEWORK,
    *,
    errors: ErrorsMode = "raise",
    sd_within_mg: float | None = None,
) -> BatchResult:
    """
    Assess many people's magnesium intake at once (vectorised; agrees with ``assess``).

    Parameters
    ----------
    diary : pandas.DataFrame
        One row per food or supplement entry, in the diary format of a single person
        (:data:`magcalc.diary.DIARY_COLUMNS`, read by the same functions as
        :meth:`magcalc.Intake.from_records`). Columns (case-insensitive; any other
        column, or one given twice, is a :class:`~magcalc.DiaryError` naming it):

        - ``person_id`` (required), matched as text with the people table (7, 7.0
          and "7" are the same person; a float id of 2**53 or more, which may be
          another id rounded, is a row error);
        - ``day``: a whole number (1, 1.0 and "1" are the same day) or a label; if
          the column is absent every row is day 1;
        - food rows: ``food`` (FDC id, NDB number as 5-digit text, or free text,
          resolved to the best match as :func:`magcalc.serving` does) and either
          ``amount`` as text ("1/2 cup", "3.5 oz", "1 medium"), ``amount`` + ``unit``
          (``0.5`` + ``"cup"``), ``amount`` as a number (grams), or ``grams``;
        - supplement rows: ``supplement`` (or ``form``: a form name or alias, or a
          Supplement Facts line) with ``elemental_mg`` or ``compound_mg`` (never a
          bare ``mg``) and optional ``servings_per_day``; ``day`` empty or "all"
          means every recorded day of that person.
    people : pandas.DataFrame or PreparedPeople
        ``person_id``, ``sex``, ``age`` (years; or ``age_years``) and/or
        ``age_months``, optional ``pregnant``, ``lactating``
        (see :func:`~magcalc.batch.prepare_people`).
    framework : str, default 'IOM1997'
        Reference framework (see :func:`magcalc.frameworks`).
    errors : {'raise', 'report'}, default 'raise'
        ``"raise"``: raise on the first bad row (a :class:`~magcalc.DiaryError` naming
        the row, with the specific error as its ``__cause__``; a
        :class:`~magcalc.PersonError` for the people table). ``"report"``: leave bad
        rows out of the computation and list each in ``.errors`` with its row number,
        column, value and reason; a person with an invalid profile is left out of
        ``.people`` and all their diary rows are listed.
    sd_within_mg : float, optional
        Within-person SD of daily intake [mg/day] for the IOM 2000 probability;
        default per person from :func:`magcalc.dri.within_person_sd`.

    Returns
    -------
    BatchResult
        ``.days``, ``.people`` and ``.errors`` (see :class:`BatchResult`).

    Raises
    ------
    DiaryError
        A bad diary row (with ``errors="raise"``), or a diary without a
        ``person_id`` or ``food``/``supplement`` column, or with a column that is
        unknown, misspelt or given twice (always).
    PersonError
        A bad people row (with ``errors="raise"``).
    UnknownFrameworkError, InputError
        A bad ``framework``, ``errors`` or ``sd_within_mg``, or inputs that are not
        DataFrames.

    Notes
    -----
    Unknown foods, amounts without a matching USDA portion and impossible doses are
    errors, never zeros. So are cells that cannot be read exactly: digits that are not
    0-9 ("1² cup"), a cell of the other kind of row (``servings_per_day`` on a food
    row), a list or dict, text over :data:`~magcalc.diary.MAX_CELL_CHARS`
    characters (so that no cell costs more than a few milliseconds). Foods whose
    magnesium USDA does not report are not errors: they are counted in
    ``foods_without_data`` and left out of the sums, so the totals are a lower bound,
    as in :func:`magcalc.assess`. A person of the people table with no diary rows is
    in ``.people`` with ``n_days`` 0 and NaN intakes.

    References
    ----------
    .. [1] Institute of Medicine, "Dietary Reference Intakes: Applications in Dietary
       Assessment," National Academy Press, 2000, pp. 54-61, doi:10.17226/9956.

    Examples
    --------
    >>> import pandas as pd
    >>> diary = pd.DataFrame({
    ...     "person_id": ["ann", "ann", "ann", "bob"],
    ...     "day": [1, 2, "all", 1],
    ...     "food": ["11458", "almonds", None, "bananas raw"],
    ...     "amount": ["1/2 cup", "1 oz", None, "1 medium"],
    ...     "supplement": [None, None, "citrate", None],
    ...     "elemental_mg": [None, None, 100, None],
    ... })
    >>> people = pd.DataFrame({"person_id": ["ann", "bob"], "age": [34, 40],
    ...                        "sex": ["female", "male"]})
    >>> result = assess_frame(diary, people)
    >>> result.days[["person_id", "day", "food_mg", "supplemental_mg"]].round(1)
      person_id  day  food_mg  supplemental_mg
    0       ann    1     78.3            100.0
    1       ann    2     76.5            100.0
    2       bob    1     31.9              0.0
    >>> result.people[["person_id", "total_mg", "target_mg", "exceeds_ul"]].round(1)
      person_id  total_mg  target_mg  exceeds_ul
    0       ann     177.4      320.0       False
    1       bob      31.9      420.0       False
    >>> bad = pd.DataFrame({"person_id": ["ann"], "food": ["almonds"], "amount": ["-1 oz"]})
    >>> err = assess_frame(bad, people, errors="report").errors.iloc[0]
    >>> int(err["row"]), err["column"], err["reason"]
    (1, 'amount', "amount '-1 oz' is negative; give a non-negative number")
    """
    mode = check_mode(errors)
    prep = as_prepared(people, framework, mode, sd_within_mg)
    diary = check_frame(diary, "diary")
    core, diary_errors, _ = assess_rows(diary, prep, mode)
    keep = np.ones(len(prep.profiles), dtype=bool)
    people_frame = people_table(core.prep, core, keep)
    return BatchResult(
        days=core.days,
        people=people_frame,
        errors=join_errors([prep.errors, diary_errors]),
        framework=prep.framework,
    )


def assess_partition(
    partition: pd.DataFrame,
    people: pd.DataFrame | PreparedPeople,
    framework: str = DEFAULT_FRAMEWORK,
    *,
    errors: ErrorsMode = "raise",
    sd_within_mg: float | None = None,
    table: Table = "people",
) -> pd.DataFrame:
    """
    The per-partition function for ``dask.dataframe.DataFrame.map_partitions``.

    Every row of a person must be in the same partition: shuffle or partition the
    diary by ``person_id`` first (``ddf.shuffle("person_id")``). Pass a
    :class:`~magcalc.batch.PreparedPeople` (from :func:`~magcalc.batch.prepare_people`)
    so the people table is validated once rather than in every partition.

    Parameters
    ----------
    partition : pandas.DataFrame
        A partition of the diary (columns as in :func:`assess_frame`). If it has a
        :data:`ROW_COLUMN` column, its values are the row numbers reported.
    people : pandas.DataFrame or PreparedPeople
    framework, errors, sd_within_mg
        As in :func:`assess_frame`.
    table : {'people', 'days', 'errors'}, default 'people'
        Which table to return. ``'people'`` holds only the people of this partition
        (people without diary rows are not in any partition); ``'errors'`` only
        diary rows (people-table errors are in ``PreparedPeople.errors``).

    Returns
    -------
    pandas.DataFrame
        With the columns of :func:`partition_meta` for ``table``.

    Examples
    --------
    >>> import dask.dataframe as dd
    >>> import pandas as pd
    >>> from magcalc.batch import prepare_people
    >>> diary = pd.DataFrame({"person_id": [1, 2, 1], "day": [1, 1, 2],
    ...                       "food": ["11458", "almonds", "11458"],
    ...                       "amount": ["1 cup", "1 oz", "1/2 cup"]})
    >>> people = prepare_people(pd.DataFrame({"person_id": [1, 2], "age": [34, 40],
    ...                                       "sex": ["female", "male"]}))
    >>> ddf = dd.from_pandas(diary, npartitions=2).shuffle("person_id")
    >>> per_person = ddf.map_partitions(
    ...     assess_partition, people, meta=partition_meta("people", people))
    >>> out = per_person.compute(scheduler="synchronous").sort_values("person_id")
    >>> out["n_days"].tolist(), out["total_mg"].round(1).tolist()
    ([2, 1], [117.4, 76.5])
    """
    mode = check_mode(errors)
    prep = as_prepared(people, framework, mode, sd_within_mg)
    partition = check_frame(partition, "partition")
    core, diary_errors, _ = assess_rows(partition, prep, mode, local=True)
    if table == "days":
        return core.days
    if table == "errors":
        return join_errors([diary_errors])
    if table != "people":
        raise InputError(
            f"table must be 'people', 'days' or 'errors', not {table!r}", field="table"
        )
    keep = (core.per_person["n_days"] > 0) | (core.per_person["rows_rejected"] > 0)
    return people_table(core.prep, core, keep)


def partition_meta(
    table: Table = "people", people: pd.DataFrame | PreparedPeople | None = None
) -> pd.DataFrame:
    """
    An empty frame with the columns and dtypes :func:`assess_partition` returns
    (``meta=`` for Dask).

    Pass the people table (or PreparedPeople) to get ``person_id`` in its dtype.

    Examples
    --------
    >>> list(partition_meta("days").columns) == DAY_COLUMNS
    True
    """
    if people is None:
        people = pd.DataFrame(
            {"person_id": pd.Series([], dtype=object), "age": [], "sex": pd.Series([], dtype="str")}
        )
    prep = as_prepared(people, DEFAULT_FRAMEWORK, "report", None)
    empty = pd.DataFrame({"person_id": pd.Series([], dtype=object)})
    meta: pd.DataFrame = assess_partition(empty, prep, errors="report", table=table).iloc[:0]
    return meta
