"""magcalc.batch: agreement with assess, rejected rows, empty inputs, Dask, prevalence, CLI."""

from __future__ import annotations

import argparse
import math
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import magcalc
from magcalc import DiaryError, Intake, Person, PersonError, Supplement, assess
from magcalc.errors import (
    InputError,
    MagcalcError,
    NoReferenceValueError,
    SupplementError,
    UnknownFoodError,
    UnknownFrameworkError,
)
from magcalc.references import reference_values

pd = pytest.importorskip("pandas")
batch = pytest.importorskip("magcalc.batch")

# (food, amount) pairs that resolve: NDB numbers, FDC ids (int and text), free text,
# grams as a number, volumes, household measures, and foods with no magnesium value.
POOL: list[tuple[Any, Any]] = [
    ("11458", "1/2 cup"),
    ("16015", "1 cup"),
    (168463, "100 g"),
    ("almonds", "1 oz"),
    ("bananas raw", "1 medium"),
    ("01077", "2 tbsp"),
    ("01188", "2 tbsp"),  # KRAFT CHEEZ WHIZ: no magnesium value
    ("09040", "1 cup, sliced"),
    (173944, "3.5 oz"),
    ("12061", 150.0),
    ("173735", "2 cups"),
    ("spinach, boiled", "1 cup"),
    ("01190", "1 slice"),  # no magnesium value
    ("12061", "10 almonds"),
]
FORMS = ["citrate", "oxide", "glycinate", "Epsom salt", "chloride"]
DAYS: list[Any] = [1, 2, 3, "mon"]
TOL = {"rel_tol": 1e-12, "abs_tol": 1e-9}


def close(a: Any, b: Any) -> bool:
    """Equal to 1e-9, with None and NaN (not computed) equal to each other."""
    a_missing = a is None or (isinstance(a, float) and math.isnan(a)) or a is pd.NA
    b_missing = b is None or (isinstance(b, float) and math.isnan(b)) or b is pd.NA
    if a_missing or b_missing:
        return a_missing and b_missing
    return math.isclose(float(a), float(b), **TOL)


# --------------------------------------------------------------------------- strategies


@st.composite
def people_entries(draw: st.DrawFn) -> tuple[str, list[dict[str, Any]], list[list[tuple]]]:
    framework = draw(st.sampled_from(["IOM1997", "EFSA2015", "WHO2004"]))
    n = draw(st.integers(1, 4))
    people: list[dict[str, Any]] = []
    entries: list[list[tuple]] = []
    for i in range(n):
        kind = draw(st.sampled_from(["infant", "child", "adult", "pregnant", "lactating"]))
        sex = draw(st.sampled_from(["female", "male"]))
        row: dict[str, Any] = {"person_id": i + 1, "sex": sex}
        if kind == "infant":
            row["age_months"] = draw(st.sampled_from([3.0, 9.0]))
        elif kind == "child":
            row["age"] = draw(st.sampled_from([2.0, 6.0, 11.0, 15.0]))
        else:
            row["age"] = draw(st.sampled_from([19.0, 25.0, 34.0, 45.0, 60.0, 80.0]))
            if kind in ("pregnant", "lactating") and sex == "female" and row["age"] < 60:
                row[kind] = True
        person = _person(row)
        try:
            reference_values(person, framework)
        except NoReferenceValueError:
            assume(False)
        people.append(row)
        items: list[tuple] = []
        for _ in range(draw(st.integers(0, 7))):
            if draw(st.booleans()) or draw(st.booleans()):
                food, amount = draw(st.sampled_from(POOL))
                items.append(("food", food, amount, draw(st.sampled_from(DAYS))))
            else:
                form = draw(st.sampled_from(FORMS))
                basis = draw(st.sampled_from(["elemental_mg", "compound_mg"]))
                dose = draw(st.sampled_from([50.0, 100.0, 200.0, 250.0, 400.0, 1000.0]))
                servings = draw(st.sampled_from([1.0, 2.0, 0.5]))
                day = draw(st.sampled_from([None, None, *DAYS]))
                items.append(("supplement", form, basis, dose, servings, day))
        entries.append(items)
    return framework, people, entries


def _person(row: dict[str, Any]) -> Person:
    return Person(
        age_years=row.get("age"),
        age_months=row.get("age_months"),
        sex=row["sex"],
        pregnant=row.get("pregnant", False),
        lactating=row.get("lactating", False),
    )


def _frames(people: list[dict[str, Any]], entries: list[list[tuple]]) -> tuple[Any, Any]:
    rows = []
    for person, items in zip(people, entries, strict=True):
        for item in items:
            row: dict[str, Any] = {"person_id": person["person_id"]}
            if item[0] == "food":
                row.update(food=item[1], amount=item[2], day=item[3])
            else:
                _, form, basis, dose, servings, day = item
                row.update(supplement=form, servings_per_day=servings, day=day)
                row[basis] = dose
            rows.append(row)
    columns = ["person_id", "day", "food", "amount", "supplement", "elemental_mg"]
    columns += ["compound_mg", "servings_per_day"]
    diary = pd.DataFrame(rows, columns=columns)
    table = pd.DataFrame(people)
    return diary, table


def _intake(items: list[tuple]) -> Intake:
    intake = Intake()
    for item in items:
        if item[0] == "food":
            intake.add_food(item[1], item[2], day=item[3])
        else:
            _, form, basis, dose, servings, day = item
            supplement = Supplement(form=form, servings_per_day=servings, **{basis: dose})
            intake.add_supplement(supplement, day=day)
    return intake


# --------------------------------------------------------------------------- agreement


@given(case=people_entries(), sd=st.sampled_from([None, None, 40.0, 120.0]))
def test_agrees_with_assess(
    case: tuple[str, list[dict[str, Any]], list[list[tuple]]], sd: Any
) -> None:
    framework, people, entries = case
    diary, table = _frames(people, entries)
    result = batch.assess_frame(diary, table, framework, sd_within_mg=sd)
    assert result.errors.empty
    assert list(result.people["person_id"]) == [p["person_id"] for p in people]
    for (_, row), person, items in zip(result.people.iterrows(), people, entries, strict=True):
        if not items:
            assert row["n_days"] == 0
            assert math.isnan(row["total_mg"])
            assert pd.isna(row["exceeds_ul"])
            continue
        report = assess(_intake(items), _person(person), framework, sd_within_mg=sd)
        assert row["n_days"] == report.n_days
        assert row["life_stage"] == report.life_stage
        for column in ("food_mg", "supplemental_mg", "total_mg", "target_mg", "ear_mg"):
            expected = getattr(report, column)
            expected = None if expected is None else expected.to("mg/day").magnitude
            assert close(row[column], expected), (column, row[column], expected)
        for column in ("percent_of_target", "probability_adequate", "confidence_above_ai"):
            assert close(row[column], getattr(report, column)), column
        assert close(row["sd_within_mg"], report.sd_within_mg)
        assert row["foods_without_data"] == sum(d.foods_without_data for d in report.daily)
        ul = report.ul_supplemental_mg
        max_supp = report.max_daily_supplemental_mg.magnitude
        if ul is None:
            assert pd.isna(row["exceeds_ul"])
        elif abs(max_supp - ul.magnitude) > 1e-6:  # exactly at the UL, summation order decides
            assert bool(row["exceeds_ul"]) == report.exceeds_ul
        days = result.days[result.days["person_id"] == person["person_id"]]
        expected_days = {d.day: d for d in report.daily}
        assert sorted(map(str, days["day"])) == sorted(map(str, expected_days))
        for _, day in days.iterrows():
            want = expected_days[day["day"]]
            assert close(day["food_mg"], want.food_mg)
            assert close(day["supplemental_mg"], want.supplemental_mg)
            assert close(day["total_mg"], want.total_mg)
            assert day["foods_without_data"] == want.foods_without_data


def test_amount_unit_and_grams_columns() -> None:
    diary = pd.DataFrame(
        {
            "Person_ID": ["a", "a", "a", "a"],
            "Day": [1, 1, 2, 2],
            "Food": ["11458", "11458", "11458", "almonds"],
            "Amount": ["0.5", None, "1/2 cup", None],
            "Unit": ["cup", None, None, None],
            "Grams": [None, "100", None, 28.0],
        }
    )
    people = pd.DataFrame({"person_id": ["a"], "age": [34], "sex": ["F"]})
    result = batch.assess_frame(diary, people)
    # day 1: 0.5 cup (90 g) x 87 mg/100 g = 78.3 mg, plus 100 g = 87 mg; day 2: 78.3 + 75.6
    assert result.days["food_mg"].round(6).tolist() == [165.3, 153.9]
    assert result.people["sex"].tolist() == ["female"]


def test_supplement_label_form_column_and_every_day() -> None:
    diary = pd.DataFrame(
        {
            "person_id": [1, 1, 1, 1],
            "day": ["1", "2", "all", ""],
            "food": ["11458", "11458", None, None],
            "amount": ["1 cup", "1 cup", None, None],
            "form": [None, None, "Magnesium (as magnesium citrate) 200 mg", "oxide"],
            "compound_mg": [None, None, None, 500.0],
        }
    )
    people = pd.DataFrame({"person_id": ["1"], "age": ["34"], "sex": ["female"]})
    result = batch.assess_frame(diary, people)
    oxide = magcalc.get_form("oxide").elemental_fraction * 500
    assert result.days["supplemental_mg"].tolist() == pytest.approx([200 + oxide] * 2)
    assert result.people["n_days"].tolist() == [2]
    assert result.people["exceeds_ul"].tolist() == [True]  # 200 + 301.5 > 350


def test_only_every_day_supplements_make_one_day() -> None:
    diary = pd.DataFrame({"person_id": [1], "supplement": ["citrate"], "elemental_mg": [100]})
    people = pd.DataFrame({"person_id": [1], "age": [40], "sex": ["male"]})
    result = batch.assess_frame(diary, people)
    intake = Intake()
    intake.add_supplement(Supplement(form="citrate", elemental_mg=100), day=None)
    report = assess(intake, Person(age_years=40, sex="male"))
    assert result.days["day"].tolist() == [d.day for d in report.daily] == [1]
    assert result.people["total_mg"].tolist() == [100.0]


def test_unknown_magnesium_is_counted_not_zero() -> None:
    diary = pd.DataFrame(
        {"person_id": [1, 1], "day": [1, 1], "food": ["01188", "11458"], "amount": ["2 tbsp"] * 2}
    )
    people = pd.DataFrame({"person_id": [1], "age": [40], "sex": ["male"]})
    result = batch.assess_frame(diary, people)
    assert result.days["foods_without_data"].tolist() == [1]
    assert result.people["foods_without_data"].tolist() == [1]
    assert result.errors.empty


def test_person_ids_match_as_text() -> None:
    diary = pd.DataFrame(
        {"person_id": ["7", 7.0, " 7 "], "food": ["11458"] * 3, "amount": ["1 cup"] * 3}
    )
    people = pd.DataFrame({"person_id": [7], "age": [40], "sex": ["male"]})
    result = batch.assess_frame(diary, people)
    assert result.people["n_days"].tolist() == [1]
    assert result.people["food_mg"].tolist() == pytest.approx([3 * 156.6])


# --------------------------------------------------------------------------- rejected rows


def _bad_inputs() -> tuple[Any, Any]:
    rows = [
        ("p1", 1, "zzqx nonsense food", "1 cup", None, None, None),  # 1 unknown food
        ("p1", 1, "11458", "abc", None, None, None),  # 2 amount without a number
        ("p1", 1, "11458", "2 %$", None, None, None),  # 3 unknown unit
        ("p1", 1, None, None, "unobtainium", 100.0, None),  # 4 unknown form
        ("p1", 1, None, None, "citrate", None, 200.0),  # 5 bare mg
        ("p1", 1, None, None, "citrate", -5.0, None),  # 6 negative dose
        ("p1", 1, "11458", "nan", None, None, None),  # 7 NaN amount
        ("p9", 1, "11458", "1 cup", None, None, None),  # 8 unknown person
        ("p2", 1, "11458", "1 cup", None, None, None),  # 9 person with an invalid profile
        ("p1", 1, "11458", "1/2 cup", None, None, None),  # 10 good
        ("p1", 2, "11458", "1 zork", None, None, None),  # 11 a measure the food has not
        ("p1", 2, "almonds", "-1 oz", None, None, None),  # 12 negative amount
        ("p1", 2, "11458", "1 cup", "citrate", 100.0, None),  # 13 food and supplement
        ("p1", "all", "11458", "1 cup", None, None, None),  # 14 food needs a day
        (None, 1, "11458", "1 cup", None, None, None),  # 15 no person_id
        ("p1", 2.5, "11458", "1 cup", None, None, None),  # 16 day not whole
        ("p1", 3, "11458", None, None, None, None),  # 17 no amount
    ]
    columns = ["person_id", "day", "food", "amount", "supplement", "elemental_mg", "mg"]
    diary = pd.DataFrame(rows, columns=columns)
    people = pd.DataFrame(
        {
            "person_id": ["p1", "p2", "p3"],
            "age": [34, 30, 50],
            "sex": ["female", "male", "female"],
            "pregnant": [False, True, False],
        }
    )
    return diary, people


def test_bad_rows_reported_with_reasons() -> None:
    diary, people = _bad_inputs()
    result = batch.assess_frame(diary, people, errors="report")
    errors = result.errors
    assert list(errors.columns) == batch.ERROR_COLUMNS
    person_rows = errors[errors["source"] == "people"]
    assert person_rows["row"].tolist() == [2]
    assert person_rows["column"].tolist() == ["pregnant"]
    assert "needs sex='female'" in person_rows["reason"].iloc[0]
    diary_errors = errors[errors["source"] == "diary"]
    got = {int(r.row): (r.column, r.reason, r.value) for r in diary_errors.itertuples()}
    expected = {
        1: ("food", "no food matches 'zzqx nonsense food'"),
        2: ("amount", "has no number"),
        3: ("amount", "no recognisable unit"),
        4: ("supplement", "unknown supplement form 'unobtainium'"),
        5: ("mg", "mg= is ambiguous"),
        6: ("elemental_mg", "finite, non-negative"),
        7: ("amount", "'nan' [g] must be a finite, non-negative number"),
        8: ("person_id", "'p9' is not in the people table"),
        9: ("person_id", "invalid profile (people row 2)"),
        11: ("amount", "unknown unit 'zork'"),
        12: ("amount", "negative"),
        13: ("food", "either 'food' or 'supplement', not both"),
        14: ("day", "a food row needs a day"),
        15: ("person_id", "person_id is empty"),
        16: ("day", "day must be a whole number or a label"),
        17: ("amount", "food row has no 'amount'"),
    }
    assert set(got) == set(expected)
    for row, (column, reason) in expected.items():
        assert got[row][0] == column, row
        assert reason in got[row][1], (row, got[row][1])
    assert got[1][2] == "zzqx nonsense food"
    assert got[6][2] == "-5.0"
    # Row 10 alone was used, and p1's rejected rows are counted.
    p1 = result.people.set_index("person_id").loc["p1"]
    assert p1["total_mg"] == pytest.approx(78.3)
    assert p1["n_days"] == 1
    assert p1["rows_rejected"] == 13  # rows 1-7, 11-14, 16, 17
    assert result.people["person_id"].tolist() == ["p1", "p3"]  # p2 is invalid
    assert result.people.set_index("person_id").loc["p3", "n_days"] == 0


def test_raise_names_the_first_bad_row() -> None:
    diary, people = _bad_inputs()
    with pytest.raises(PersonError, match=r"people row 2 \(person_id 'p2'\)"):
        batch.assess_frame(diary, people)
    people = people[people["person_id"] != "p2"]
    with pytest.raises(DiaryError, match=r"^row 1: no food matches") as info:
        batch.assess_frame(diary, people)
    assert isinstance(info.value.__cause__, UnknownFoodError)
    # Row numbers count the rows of the frame given (1 = its first row).
    with pytest.raises(DiaryError, match=r"^row 1: mg= is ambiguous") as info:
        batch.assess_frame(diary.iloc[4:], people)
    assert isinstance(info.value.__cause__, SupplementError)


def test_people_table_problems() -> None:
    people = pd.DataFrame(
        {
            "person_id": ["a", "a", None, "b", "c", "d"],
            "age": [30, 31, 40, "old", 30, None],
            "age_months": [None, None, None, None, None, 2],
            "sex": ["female", "female", "male", "male", "x", "male"],
            "lactating": ["no", "no", "", "0", "yes", "maybe"],
        }
    )
    result = batch.assess_frame(pd.DataFrame(), people, errors="report")
    errors = result.errors
    assert errors["row"].tolist() == [1, 2, 3, 4, 5, 6]
    assert errors["column"].tolist() == [
        "person_id",
        "person_id",
        "person_id",
        "age",
        "sex",
        "lactating",
    ]
    assert "more than once" in errors["reason"].iloc[0]
    assert result.people.empty
    assert (
        len(
            batch.assess_frame(
                pd.DataFrame(), people.iloc[[3]].assign(age=12), errors="raise"
            ).people
        )
        == 1
    )


def test_framework_without_value_is_reported() -> None:
    people = pd.DataFrame({"person_id": [1, 2], "age_months": [3, 30], "sex": ["male", "male"]})
    result = batch.assess_frame(pd.DataFrame(), people, "EFSA2015", errors="report")
    assert result.errors["row"].tolist() == [1]
    assert "EFSA2015 sets no magnesium reference value" in result.errors["reason"].iloc[0]
    assert result.people["person_id"].tolist() == [2]


def test_bad_arguments() -> None:
    people = pd.DataFrame({"person_id": [1], "age": [40], "sex": ["male"]})
    with pytest.raises(UnknownFrameworkError):
        batch.assess_frame(pd.DataFrame(), people, "IOM1066")
    with pytest.raises(InputError, match="errors must be"):
        batch.assess_frame(pd.DataFrame(), people, errors="ignore")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="sd_within_mg"):
        batch.assess_frame(pd.DataFrame(), people, sd_within_mg=-1)
    with pytest.raises(InputError, match="DataFrame"):
        batch.assess_frame([{"person_id": 1}], people)  # type: ignore[arg-type]
    with pytest.raises(DiaryError, match="person_id"):
        batch.assess_frame(pd.DataFrame({"food": ["11458"]}), people, errors="report")
    with pytest.raises(InputError, match="people needs"):
        batch.assess_frame(pd.DataFrame(), pd.DataFrame({"person_id": [1]}))


# --------------------------------------------------------------------------- empty inputs


@pytest.mark.parametrize(
    "diary", [pd.DataFrame(), pd.DataFrame(columns=["person_id", "day", "food", "amount"])]
)
def test_empty_diary(diary: Any) -> None:
    people = pd.DataFrame({"person_id": [1, 2], "age": [40, 30], "sex": ["male", "female"]})
    result = batch.assess_frame(diary, people)
    assert list(result.days.columns) == batch.DAY_COLUMNS
    assert result.days.empty and result.errors.empty
    assert list(result.people.columns) == batch.PEOPLE_COLUMNS
    assert result.people["n_days"].tolist() == [0, 0]
    assert result.people["total_mg"].isna().all()
    assert result.people["target_mg"].tolist() == [420.0, 310.0]
    assert result.summary()["person_days"] == 0


def test_empty_people() -> None:
    people = pd.DataFrame(columns=["person_id", "age", "sex"])
    diary = pd.DataFrame({"person_id": [1], "food": ["11458"], "amount": ["1 cup"]})
    result = batch.assess_frame(diary, people, errors="report")
    assert result.people.empty and result.days.empty
    assert result.errors["reason"].str.contains("not in the people table").all()
    with pytest.raises(DiaryError, match=r"^row 1: person_id 1 is not in the people table"):
        batch.assess_frame(diary, people)
    both = batch.assess_frame(pd.DataFrame(), people)
    assert both.people.empty and both.days.empty and both.errors.empty
    assert "0 people" in repr(both)


# --------------------------------------------------------------------------- Dask


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


# --------------------------------------------------------------------------- prevalence


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


# --------------------------------------------------------------------------- packaging


def test_import_without_pandas_says_how_to_install() -> None:
    code = (
        "import sys\n"
        "sys.modules['pandas'] = None\n"
        "try:\n"
        "    import magcalc.batch\n"
        "except ImportError as err:\n"
        "    from magcalc.errors import MagcalcError\n"
        '    print(isinstance(err, MagcalcError), "magcalc[pandas]" in str(err))\n'
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["True", "True"]


# --------------------------------------------------------------------------- command line


def _run_cli(*argv: str) -> int:
    from magcalc import _cli_batch

    parser = argparse.ArgumentParser()
    _cli_batch.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["batch", *argv])
    return int(args.func(args))


def _write_inputs(tmp_path: Path) -> tuple[Path, Path]:
    diary = tmp_path / "diary.csv"
    diary.write_text(
        "person_id,day,food,amount,supplement,elemental_mg\n"
        "1,1,11458,1/2 cup,,\n"
        "1,2,almonds,1 oz,,\n"
        "1,all,,,citrate,100\n"
        "2,1,zzqx,1 cup,,\n"
        "2,mon,09040,1 medium,,\n"
        "3,1,01077,1 cup,,\n",
        encoding="utf-8",
    )
    people = tmp_path / "people.csv"
    people.write_text(
        "person_id,age,sex,pregnant\n1,34,female,\n2,40,male,no\n3,0.5,male,\n", encoding="utf-8"
    )
    return diary, people


def test_cli_batch_csv(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    diary, people = _write_inputs(tmp_path)
    out = tmp_path / "results.csv"
    assert _run_cli(str(diary), str(people), "-o", str(out), "--progress") == 0
    captured = capsys.readouterr()
    assert (
        "people" in captured.out and "person-days" in captured.out and "below EAR" in captured.out
    )
    assert "females 31-50 y" in captured.out
    assert "reading diary.csv" in captured.err
    assert "1 row(s) rejected" in captured.err
    results = pd.read_csv(out, dtype={"person_id": str})
    assert results["person_id"].tolist() == ["1", "2", "3"]
    assert results["total_mg"].round(1).tolist() == [177.4, 31.9, 24.4]
    errors = pd.read_csv(tmp_path / "results.errors.csv")
    assert errors["row"].tolist() == [4]
    days = pd.read_csv(tmp_path / "results.days.csv", dtype={"day": str})
    assert days["day"].tolist() == ["1", "2", "mon", "1"]


def test_cli_batch_parquet_and_raise(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("pyarrow")
    diary, people = _write_inputs(tmp_path)
    out = tmp_path / "results.parquet"
    assert _run_cli(str(diary), str(people), "-o", str(out)) == 0
    assert pd.read_parquet(out)["n_days"].tolist() == [2, 1, 1]
    assert pd.read_parquet(tmp_path / "results.days.parquet")["day"].tolist() == [
        "1",
        "2",
        "mon",
        "1",
    ]
    with pytest.raises(DiaryError, match=r"^row 4: no food matches 'zzqx'"):
        _run_cli(str(diary), str(people), "-o", str(out), "--errors", "raise")
    with pytest.raises(InputError, match=r"use a \.csv or \.parquet"):
        _run_cli(str(diary), str(people), "-o", str(tmp_path / "results.xlsx"))
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(InputError, match="is empty"):
        _run_cli(str(empty), str(people), "-o", str(out))


def test_cli_parquet_without_pyarrow(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from magcalc import _cli_batch

    real = _cli_batch.importlib.import_module

    def fake(name: str, *args: Any) -> Any:
        if name == "pyarrow":
            raise ImportError("No module named 'pyarrow'")
        return real(name, *args)

    monkeypatch.setattr(_cli_batch.importlib, "import_module", fake)
    diary, people = _write_inputs(tmp_path)
    with pytest.raises(MagcalcError, match=r"needs pyarrow.*magcalc\[parquet\]"):
        _run_cli(str(diary), str(people), "-o", str(tmp_path / "r.parquet"))


def test_implausible_and_overflowing_amounts() -> None:
    errors_module = pytest.importorskip("magcalc.errors")
    category = getattr(errors_module, "PlausibilityWarning", None)
    if category is None:
        pytest.skip("this magcalc has no PlausibilityWarning")
    people = pd.DataFrame({"person_id": [1], "age": [40], "sex": ["male"]})
    diary = pd.DataFrame(
        {"person_id": [1, 1], "day": [1, 1], "food": ["11458"] * 2, "amount": ["6 kg", "1e308 kg"]}
    )
    with pytest.warns(category, match=r"1 food row\(s\) of 2 weigh more than any single serving"):
        result = batch.assess_frame(diary, people, errors="report")
    assert result.errors["row"].tolist() == [2]
    assert "too large to compute with" in result.errors["reason"].iloc[0]
    assert result.people["total_mg"].tolist() == pytest.approx([87 * 60])
    # Each entry finite, the person's sum not: the rows are reported, the total is NaN.
    many = pd.DataFrame(
        {"person_id": [1] * 300, "day": [1] * 300, "food": ["01001"] * 300, "grams": [8e307] * 300}
    )
    with pytest.warns(category):
        result = batch.assess_frame(many, people, errors="report")
    assert len(result.errors) == 300
    assert result.errors["reason"].str.contains("more magnesium than can be computed").all()
    assert math.isnan(result.people["total_mg"].iloc[0])


# --------------------------------------------------------------------------- numbers as arrays


def _numeric_case(n: int = 400, seed: int = 11) -> tuple[Any, Any]:
    rng = np.random.default_rng(seed)
    foods = np.asarray(["11458", "16015", "12061", "01188", "09040", "zzqx"], dtype=object)
    amount = rng.uniform(0, 300, n)
    amount[:12] = [-1.0, math.nan, math.inf, 1e300, 0.0, 5e-5, 2e15, 7.0, 1e-4, 3.0, 2.0, 1.0]
    units = np.asarray([None, "cup", "oz", "g", " ", "medium", "tbsp", "kg"], dtype=object)
    unit = units[rng.integers(0, len(units), n)]
    diary = pd.DataFrame(
        {
            "person_id": rng.integers(0, 30, n),
            "day": rng.integers(1, 4, n),
            "food": foods[rng.integers(0, len(foods), n)],
            "amount": amount,
            "unit": unit,
        }
    )
    people = pd.DataFrame(
        {"person_id": np.arange(30), "age": rng.uniform(1, 90, 30), "sex": ["female"] * 30}
    )
    return diary, people


def _same_result(a: Any, b: Any) -> None:
    pd.testing.assert_frame_equal(a.days, b.days, rtol=1e-12)
    pd.testing.assert_frame_equal(a.people, b.people, rtol=1e-12)
    pd.testing.assert_frame_equal(a.errors, b.errors)


@pytest.mark.parametrize("column", ["amount", "grams"])
def test_numeric_columns_read_as_arrays_agree_with_cell_by_cell(column: str) -> None:
    # A float64 column is read as an array; the same numbers as Python objects are read
    # cell by cell, as assess reads them: the results, errors and warnings are the same.
    diary, people = _numeric_case()
    if column == "grams":
        diary = diary.drop(columns="unit").rename(columns={"amount": "grams"})
        diary.loc[::7, "grams"] = np.nan
        diary.loc[::7, "amount"] = "1 cup"
    as_objects = diary.assign(**{column: diary[column].astype(object)})
    with pytest.warns(magcalc.PlausibilityWarning) as fast_warnings:
        fast = batch.assess_frame(diary, people, errors="report")
    with pytest.warns(magcalc.PlausibilityWarning) as slow_warnings:
        slow = batch.assess_frame(as_objects, people, errors="report")
    _same_result(fast, slow)
    assert [str(w.message) for w in fast_warnings] == [str(w.message) for w in slow_warnings]
    assert len(fast.errors) > 5  # negative, NaN, infinite, too large, no portion, ...


def test_numeric_amounts_agree_with_serving_row_by_row() -> None:
    rng = np.random.default_rng(5)
    n = 200
    foods = np.asarray(["11458", "16015", "12061", "09040"], dtype=object)
    units = np.asarray([None, "cup", "oz", "g", "lb"], dtype=object)
    diary = pd.DataFrame(
        {
            "person_id": np.arange(n),
            "food": foods[rng.integers(0, len(foods), n)],
            "amount": rng.uniform(0.01, 3, n),
            "unit": units[rng.integers(0, len(units), n)],
        }
    )
    people = pd.DataFrame({"person_id": np.arange(n), "age": 40, "sex": "male"})
    days = batch.assess_frame(diary, people).days
    for row, got in zip(diary.itertuples(), days["food_mg"], strict=True):
        amount = row.amount if pd.isna(row.unit) else f"{float(row.amount)!r} {row.unit}"
        want = magcalc.serving(row.food, amount).magnesium_mg
        assert math.isclose(got, want, rel_tol=1e-12, abs_tol=1e-9)


def test_every_row_distinct_grams_at_full_precision() -> None:
    rng = np.random.default_rng(8)
    n = 5000
    grams = rng.uniform(1, 300, n)
    diary = pd.DataFrame(
        {"person_id": np.arange(n) % 50, "day": 1, "food": "12061", "amount": grams}
    )
    people = pd.DataFrame({"person_id": np.arange(50), "age": 30.5, "sex": "female"})
    result = batch.assess_frame(diary, people)
    per_100g = magcalc.get_food("12061").magnesium_mg_per_100g
    want = np.bincount(np.arange(n) % 50, weights=grams * per_100g / 100)
    np.testing.assert_allclose(result.days["food_mg"], want, rtol=1e-12)


# --------------------------------------------------------------------------- people by stage


def test_people_by_life_stage_agree_with_person() -> None:
    rng = np.random.default_rng(2)
    n = 600
    ages = rng.uniform(0, 124.9, n)
    # Band edges exactly, and float noise next to them, where round(months, 9) decides.
    ages[:8] = [4.0, 9.0, 14.0, 19.0, 31.0, 51.0, 71.0, 7 / 12]
    ages[8:12] = [10.0 - 1e-12, 60.0 - 1e-13, 1 / 12 * 7 + 1e-14, 0.0]
    people = pd.DataFrame(
        {
            "person_id": np.arange(n),
            "age": ages,
            "sex": rng.choice(["female", "male", "F"], n),
            "pregnant": rng.random(n) < 0.1,
        }
    )
    for framework in ("IOM1997", "EFSA2015", "US_DV2016"):
        prepared = batch.prepare_people(people, framework, errors="report")
        profiles = prepared.profiles
        for i in range(n):
            row = people.iloc[i]
            try:
                person = Person(
                    age_years=float(row["age"]), sex=row["sex"], pregnant=bool(row["pregnant"])
                )
                refs = reference_values(person, framework=framework)
            except MagcalcError:
                assert not profiles["valid"].iloc[i]
                continue
            got = profiles.iloc[i]
            assert got["valid"], got["reason"]
            assert got["life_stage"] == refs.life_stage
            assert close(got["ear_mg"], refs.ear_mg) and close(got["target_mg"], refs.target_mg)
            assert close(got["ul_supplemental_mg"], refs.ul_supplemental_mg)
            assert got["sd_within_mg"] == magcalc.references.within_person_sd(person)[0]


# --------------------------------------------------------------------------- Dask, lazily

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
    _same_result(got, expected)
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
    pytest.importorskip("dask.dataframe")
    distributed = pytest.importorskip("distributed")
    diary, people = _dask_case()
    expected = batch.assess_frame(diary, people, errors="report")
    import dask.dataframe as dd

    with (
        distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True) as cluster,
        distributed.Client(cluster) as client,
    ):
        lazy = batch.assess_dask(
            dd.from_pandas(diary, npartitions=3, sort=False), people, errors="report"
        )
        got = lazy.compute()
        assert client is not None
    _same_result(got, expected)
