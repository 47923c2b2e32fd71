"""Prevalence of inadequate intake in groups: the EAR cut-point method (IOM 2000, ch. 4).

Also the share over the UL for supplemental magnesium.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from magcalc.batch._cutpoint import cut_point_table
from magcalc.batch.frame import BatchResult
from magcalc.errors import InputError

__all__ = ["prevalence"]


def prevalence(
    results: BatchResult | pd.DataFrame,
    by: str | Sequence[str] = ("life_stage",),
    *,
    adjust: bool = False,
) -> pd.DataFrame:
    """
    Prevalence of inadequate intake (EAR cut-point) and share over the UL, by group.

    For each group: the share of people whose usual intake is below their EAR
    (``prevalence_below_ear``), the share whose usual supplemental intake is above the
    UL for supplemental magnesium (``share_over_ul``; food never counts), and, for
    reference, the share with any recorded day over the UL
    (``share_any_day_over_ul``).

    Assumptions of the EAR cut-point method (IOM 2000, ch. 4), which the caller must
    judge for their data:

    - requirement and intake are independent;
    - the distribution of requirements is symmetric around the EAR (true for
      magnesium as IOM 1997 models it: CV 10 %, normal) and its spread is smaller
      than that of intakes;
    - the intakes are **usual** intakes, i.e. adjusted for day-to-day variation.
      By default this function uses each person's mean over the recorded days, whose
      spread is wider than that of usual intakes (the within-person variance divided
      by the number of days is still in it), so prevalence at both tails is
      **overstated**, more so with fewer days. Pass intakes you have adjusted (e.g.
      with the NCI or ISU method) in ``total_mg``, or ``adjust=True``.

    Groups where only an AI exists (infants in IOM 1997, every group in EFSA 2015)
    have NaN prevalence: intake below an AI cannot be judged inadequate. Groups with
    no UL have NaN ``share_over_ul``.

    Parameters
    ----------
    results : BatchResult or pandas.DataFrame
        The result of :func:`assess_frame` or its ``.people`` table (any frame with
        ``total_mg``, ``ear_mg`` and, for the UL, ``supplemental_mg``,
        ``ul_supplemental_mg``). People with no recorded days are left out.
    by : str or sequence of str, default ('life_stage',)
        Columns of ``.people`` to group by (e.g. ``["sex", "life_stage"]``);
        ``[]`` for the whole population.
    adjust : bool, default False
        Shrink each person's mean towards the group mean before the cut-point, the
        NRC (1986) / IOM 2000 adjustment for within-person variation, person by person:
        ``adjusted_i = group_mean + (x_i - group_mean) * sqrt(s_b**2 / (s_b**2 +
        s_w**2 / n_i))``, with ``n_i`` the person's recorded days, ``s_obs**2`` the
        variance of the person means, ``s_w**2`` the pooled within-person variance of
        daily totals (people with 2+ days), and ``s_b**2 = s_obs**2 - s_w**2 *
        mean(1 / n_days)``. With equal days for everyone this is one common factor. Needs a
        :class:`BatchResult` (for the daily totals) and 2+ people with 2+ days in the
        group; otherwise the group's prevalence is NaN with a note. It assumes
        normally distributed intakes (transform skewed intakes first) and does not
        adjust the UL comparison.

    Returns
    -------
    pandas.DataFrame
        One row per group: the ``by`` columns, ``n_people``, ``n_with_ear``,
        ``mean_total_mg``, ``sd_total_mg``, ``median_total_mg``,
        ``prevalence_below_ear``, ``n_with_ul``, ``share_over_ul``,
        ``share_any_day_over_ul``, ``adjusted`` and ``note``.

    References
    ----------
    .. [1] Institute of Medicine, "Dietary Reference Intakes: Applications in Dietary
       Assessment," National Academy Press, 2000, ch. 4, doi:10.17226/9956.
    .. [2] National Research Council, "Nutrient Adequacy: Assessment Using Food
       Consumption Surveys," National Academy Press, 1986.

    Examples
    --------
    >>> import pandas as pd
    >>> people = pd.DataFrame({
    ...     "life_stage": ["females 31-50 y"] * 4,
    ...     "total_mg": [200.0, 250.0, 300.0, 400.0], "ear_mg": [265.0] * 4,
    ...     "supplemental_mg": [0.0, 0.0, 0.0, 400.0], "ul_supplemental_mg": [350.0] * 4,
    ...     "n_days": [2] * 4})
    >>> prevalence(people)[["life_stage", "n_people", "prevalence_below_ear", "share_over_ul"]]
            life_stage  n_people  prevalence_below_ear  share_over_ul
    0  females 31-50 y         4                   0.5           0.25
    """
    people = results.people if isinstance(results, BatchResult) else results
    if not isinstance(people, pd.DataFrame):
        raise InputError("results must be a BatchResult or its .people DataFrame", field="results")
    days = results.days if isinstance(results, BatchResult) else None
    return cut_point_table(people, by, days=days, adjust=adjust)
