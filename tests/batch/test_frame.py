"""magcalc.batch.frame: assess_frame agrees with assess; rejected rows; empty inputs; arguments."""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import magcalc
from magcalc import DiaryError, Intake, Person, PersonError, Supplement, assess
from magcalc.dri import reference_values
from magcalc.errors import (
    InputError,
    NoReferenceValueError,
    SupplementError,
    UnknownFoodError,
    UnknownFrameworkError,
)

from .helpers import POOL, close

pd = pytest.importorskip("pandas")
batch = pytest.importorskip("magcalc.batch")


FORMS = ["citrate", "oxide", "glycinate", "Epsom salt", "chloride"]


DAYS: list[Any] = [1, 2, 3, "mon"]


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
        assert close(row["sd_within_mg"], report.sd_within_mg.to("mg/day").magnitude)
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


# --------------------------------------------------------------------------- mended bugs


@pytest.mark.parametrize("sd", [10**400, -1, 0.0, math.nan, math.inf, "86", True])
def test_sd_within_is_refused_as_assess_refuses_it(sd: Any) -> None:
    """An int too large for a float (10**400) let a raw OverflowError out of assess_frame:
    every bad SD is now the InputError that assess gives, naming sd_within_mg."""
    people = pd.DataFrame({"person_id": [1], "age": [40], "sex": ["male"]})
    diary = pd.DataFrame({"person_id": [1], "food": ["almonds"], "amount": ["1 oz"]})
    intake = Intake()
    intake.add_food("almonds", "1 oz", day=1)
    with pytest.raises(InputError) as want:
        assess(intake, Person(age_years=40, sex="male"), sd_within_mg=sd)
    with pytest.raises(InputError) as got:
        batch.assess_frame(diary, people, sd_within_mg=sd)
    assert str(got.value) == str(want.value)
    assert got.value.field == want.value.field == "sd_within_mg"


def test_a_bad_table_is_an_input_error_naming_it() -> None:
    """assess_partition gave InputError its field positionally (keyword-only): a TypeError."""
    people = batch.prepare_people(pd.DataFrame({"person_id": [1], "age": [40], "sex": ["male"]}))
    diary = pd.DataFrame({"person_id": [1], "food": ["almonds"], "amount": ["1 oz"]})
    with pytest.raises(InputError, match="table must be 'people', 'days' or 'errors'") as info:
        batch.assess_partition(diary, people, table="everything")  # type: ignore[arg-type]
    assert info.value.field == "table"
    with pytest.raises(InputError) as info:
        batch.partition_meta("everything")  # type: ignore[arg-type]
    assert info.value.field == "table"


@pytest.mark.parametrize("with_supplement", [False, True])
def test_partition_meta_has_the_dtypes_assess_frame_returns(with_supplement: bool) -> None:
    """Dask takes partition_meta as the truth: a food-only diary gave int64 mg columns."""
    rows: list[dict[str, Any]] = [{"person_id": 1, "day": 1, "food": "almonds", "grams": 30.0}]
    if with_supplement:
        rows.append({"person_id": 1, "day": 1, "supplement": "citrate", "elemental_mg": 100})
    diary = pd.DataFrame(rows)
    people = pd.DataFrame({"person_id": [1], "age": [40], "sex": ["female"]})
    result = batch.assess_frame(diary, people)
    for table in ("days", "people", "errors"):
        meta = batch.partition_meta(table, people)
        assert (
            meta.dtypes.astype(str).to_dict() == getattr(result, table).dtypes.astype(str).to_dict()
        ), table
    assert result.days["supplemental_mg"].dtype == "float64"
