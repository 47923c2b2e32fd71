"""Many people at once: vectorised magnesium assessment on pandas, scaling out on Dask and Spark.

:func:`assess_frame` takes a food-and-supplement diary of many people and days and a
table of people, and returns a :class:`BatchResult`: per person-day totals
(``.days``), per person means with reference values, percent of target, IOM 2000
probability of adequacy and the supplemental-UL flag (``.people``), and the rows it
could not use with their row numbers and reasons (``.errors``). The figures agree
with :func:`magcalc.assess` person by person (tested to 1e-9 mg).

:func:`prevalence` summarises groups with the EAR cut-point method.
:func:`assess_partition` and :func:`assess_dask` run the same computation on a Dask
DataFrame partitioned by person; :func:`assess_dask` is lazy and returns a
:class:`DaskBatchResult` of Dask DataFrames. :func:`assess_spark` does the same on a
Spark DataFrame and returns a :class:`SparkResult`.

The rules are those of :func:`magcalc.assess`:

- Means are over the days recorded for the person (days with a food or a dated
  supplement; a person with only "every day" supplements has one day).
- Foods with no USDA magnesium value are unknown, not zero: they are left out of the
  sums and counted in ``foods_without_data``, so totals are a lower bound.
- A supplement row whose day is empty or "all" counts on every recorded day.
- ``probability_adequate = Phi((mean - EAR) / sqrt((0.1 EAR)**2 + SD_within**2 / n))``
  (IOM 2000, individuals [1]_); where only an AI exists, ``confidence_above_ai =
  Phi((mean - AI) / (SD_within / sqrt(n)))`` and no probability of adequacy.
- ``exceeds_ul`` compares the highest day's supplemental magnesium with the UL for
  supplemental magnesium (food never counts [2]_); it is missing (NA) where no UL is set.

How it stays fast: every text column is factorised once, so free text is resolved once
per distinct string; amounts that are plain numbers (grams, or a number beside a unit
parsed once per distinct unit) are read as arrays, other amounts parsed once per
distinct (amount, unit); a household measure is converted to grams once per distinct
(food, measure); the food table is read as arrays; people are matched to reference
values once per life stage (ages placed in the stages' age bands with
``numpy.searchsorted``); and the sums are ``numpy.bincount`` over integer codes: no
Python runs per diary row or per person. Food names and household measures a process
resolved are kept in magcalc's cache folder (as digests, never as text), so the first
call of a later process does not resolve them again; units are converted without
importing pint.

pandas is an optional extra (``pip install magcalc[pandas]``); Dask is another
(``pip install magcalc[dask]``), and so is pyspark (``pip install magcalc[spark]``).

The modules, one topic each:

- ``frame``: :func:`assess_frame`, :func:`assess_partition`, :class:`BatchResult`, columns.
- ``people``: :func:`prepare_people`, the people table validated and matched once.
- ``prevalence``: :func:`prevalence`, the EAR cut-point by group.
- ``output``: :func:`spreadsheet_safe`, for writing results as CSV.
- ``dask``: :func:`assess_dask` and :class:`DaskBatchResult`, lazily on Dask.
- ``spark``: :func:`assess_spark` and :class:`SparkResult`, lazily on Spark.
- ``_inputs``: the arguments every entry point checks alike (errors, DataFrames, columns).
- ``_columns``: diary columns factorised once; cells read as text or person ids.
- ``_errorlog``: the rejected rows, collected as arrays, then raised or tabled.
- ``_stages``: people matched to reference values per life stage, as arrays.
- ``_diary``: the diary engine, from rows to sums per person-day and per person.
- ``_days``: the day column (a day, every day, empty or bad).
- ``_amounts``: a food row's amount, unit and grams cells read as numbers.
- ``_foods``: food rows to magnesium, as serving() computes it.
- ``_memo``: food names and measures resolved, kept across processes in the user cache.
- ``_supplements``: supplement rows to elemental magnesium a day.
- ``_tables``: the sums to the people table (IOM 2000 statistics) and the error table.
- ``_cutpoint``: the per-group arithmetic of the EAR cut-point.

References
----------
.. [1] Institute of Medicine, "Dietary Reference Intakes: Applications in Dietary
   Assessment," National Academy Press, 2000, pp. 54-61 (individuals), ch. 4
   (groups: the EAR cut-point method), doi:10.17226/9956.
.. [2] Institute of Medicine, "Dietary Reference Intakes for Calcium, Phosphorus,
   Magnesium, Vitamin D, and Fluoride," National Academy Press, 1997, ch. 6,
   doi:10.17226/5776.
"""

from __future__ import annotations

try:
    import numpy  # noqa: F401
    import pandas  # noqa: F401
except ImportError as _missing:  # pragma: no cover - tested in a subprocess without pandas
    from magcalc.errors import MissingDependencyError

    raise MissingDependencyError("pandas", "pandas") from _missing

from magcalc.batch.dask import DaskBatchResult, assess_dask
from magcalc.batch.frame import (
    DAY_COLUMNS,
    ERROR_COLUMNS,
    PEOPLE_COLUMNS,
    ROW_COLUMN,
    BatchResult,
    assess_frame,
    assess_partition,
    partition_meta,
)
from magcalc.batch.output import spreadsheet_safe
from magcalc.batch.people import PreparedPeople, prepare_people
from magcalc.batch.prevalence import prevalence
from magcalc.batch.spark import SparkResult, assess_spark

__all__ = [
    "DAY_COLUMNS",
    "ERROR_COLUMNS",
    "PEOPLE_COLUMNS",
    "ROW_COLUMN",
    "BatchResult",
    "DaskBatchResult",
    "PreparedPeople",
    "SparkResult",
    "assess_dask",
    "assess_frame",
    "assess_partition",
    "assess_spark",
    "partition_meta",
    "prepare_people",
    "prevalence",
    "spreadsheet_safe",
]
