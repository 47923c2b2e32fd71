"""magcalc.batch.prevalence: the EAR cut-point by group, adjusted or not."""

from __future__ import annotations

import math

import numpy as np
import pytest

from magcalc.errors import InputError

pd = pytest.importorskip("pandas")
batch = pytest.importorskip("magcalc.batch")


def test_prevalence_hand_computed() -> None:
    people = pd.DataFrame(
        {
            "person_id": ["a", "b", "c", "d", "e"],
            "life_stage": ["females 31-50 y"] * 4 + ["infants 7-12 mo"],
            "n_days": [2, 2, 2, 2, 2],
            "total_mg": [200.0, 250.0, 300.0, 400.0, 80.0],
            "ear_mg": [265.0] * 4 + [math.nan],
            "supplemental_mg": [0.0, 0.0, 0.0, 400.0, 0.0],
            "ul_supplemental_mg": [350.0] * 4 + [math.nan],
            "exceeds_ul": pd.array([False, False, False, True, pd.NA], dtype="boolean"),
        }
    )
    table = batch.prevalence(people).set_index("life_stage")
    women = table.loc["females 31-50 y"]
    # 200 and 250 are below the EAR of 265: 2 of 4 = 0.5.
    assert women["prevalence_below_ear"] == 0.5
    # Mean supplemental 400 > UL 350 for one of 4 = 0.25.
    assert women["share_over_ul"] == 0.25
    assert women["share_any_day_over_ul"] == 0.25
    # mean (200 + 250 + 300 + 400) / 4 = 287.5
    assert women["mean_total_mg"] == 287.5
    infants = table.loc["infants 7-12 mo"]
    assert math.isnan(infants["prevalence_below_ear"])
    assert "only an AI" in infants["note"]
    assert math.isnan(infants["share_over_ul"])
    whole = batch.prevalence(people, by=[])
    # Over the 4 people with an EAR: still 2 of 4.
    assert whole["prevalence_below_ear"].tolist() == [0.5]


def test_prevalence_adjusted_for_day_to_day_variation() -> None:
    # Two people, two days each: a eats 200 and 300 (mean 250), b 300 and 400 (mean 350).
    days = pd.DataFrame(
        {
            "person_id": ["a", "a", "b", "b"],
            "day": [1, 2, 1, 2],
            "total_mg": [200.0, 300.0, 300.0, 400.0],
        }
    )
    people = pd.DataFrame(
        {
            "person_id": ["a", "b"],
            "life_stage": ["g", "g"],
            "n_days": [2, 2],
            "total_mg": [250.0, 350.0],
            "ear_mg": [260.0, 260.0],
        }
    )
    result = batch.BatchResult(days=days, people=people, errors=pd.DataFrame())
    # Unadjusted: 250 < 260, so 1 of 2 = 0.5.
    assert batch.prevalence(result)["prevalence_below_ear"].tolist() == [0.5]
    # s_obs^2 = var(250, 350) = 5000; s_w^2 = (50^2 + 50^2 + 50^2 + 50^2) / (1 + 1) = 5000;
    # s_b^2 = 5000 - 5000 x mean(1/2, 1/2) = 2500; shrink factor sqrt(2500 / 5000) = 0.7071;
    # a -> 300 - 50 x 0.7071 = 264.6 >= 260, b -> 370.7: prevalence 0 of 2.
    adjusted = batch.prevalence(result, adjust=True)
    assert adjusted["prevalence_below_ear"].tolist() == [0.0]
    assert adjusted["adjusted"].tolist() == [True]
    with pytest.raises(InputError, match="adjust=True needs the BatchResult"):
        batch.prevalence(people, adjust=True)
    single = batch.BatchResult(
        days=days.iloc[:1], people=people.iloc[:1].assign(n_days=1), errors=pd.DataFrame()
    )
    assert math.isnan(batch.prevalence(single, adjust=True)["prevalence_below_ear"].iloc[0])


def test_prevalence_adjustment_shrinks_each_person_by_their_own_days() -> None:
    """
    NRC 1986 / IOM 2000: x_i shrinks by sqrt(s_b^2 / (s_b^2 + s_w^2 / n_i)), so a mean of
    7 days moves less than a single day. One common factor misreads a mix of 1 and 7 days.
    """
    rng = np.random.default_rng(20261201)
    people_n, ear = 4000, 265.0
    usual = rng.normal(300.0, 50.0, people_n)  # s_b = 50
    n_days = np.where(rng.random(people_n) < 0.5, 1, 7)
    ids = np.repeat(np.arange(people_n), n_days)
    daily = usual[ids] + rng.normal(0.0, 86.0, ids.size)  # s_w = 86
    days = pd.DataFrame({"person_id": ids, "day": 1, "total_mg": daily})
    means = days.groupby("person_id")["total_mg"].mean().to_numpy()
    people = pd.DataFrame(
        {"person_id": np.arange(people_n), "life_stage": "g", "n_days": n_days,
         "total_mg": means, "ear_mg": ear}
    )  # fmt: skip
    result = batch.BatchResult(days=days, people=people, errors=pd.DataFrame())
    got = batch.prevalence(result, adjust=True)["prevalence_below_ear"].iloc[0]
    truth = float(np.mean(usual < ear))
    # The same arithmetic by hand, person by person.
    s_w2 = float(
        days.assign(d=daily - means[ids])["d"].pow(2)[n_days[ids] == 7].sum()
        / (6 * (n_days == 7).sum())
    )
    s_b2 = float(np.var(means, ddof=1)) - s_w2 * float(np.mean(1 / n_days))
    shrunk = means.mean() + (means - means.mean()) * np.sqrt(s_b2 / (s_b2 + s_w2 / n_days))
    assert got == pytest.approx(float(np.mean(shrunk < ear)))
    assert abs(got - truth) < 0.015
    # One common factor, sqrt(s_b^2 / s_obs^2), for everyone gives a different answer.
    common = means.mean() + (means - means.mean()) * math.sqrt(s_b2 / np.var(means, ddof=1))
    assert float(np.mean(common < ear)) != pytest.approx(got, abs=1e-4)


def test_results_that_are_not_a_table_are_an_input_error_naming_them() -> None:
    """prevalence gave InputError its field positionally (keyword-only): a TypeError."""
    with pytest.raises(InputError, match=r"must be a BatchResult or its \.people") as info:
        batch.prevalence([{"total_mg": 1.0}])  # type: ignore[arg-type]
    assert info.value.field == "results"
