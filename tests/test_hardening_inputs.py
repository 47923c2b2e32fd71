"""No silent wrong number: inputs that used to give a number they did not mean.

Each test reproduces a case from outside (a real file in ``tmp_path``, the real command
line, the real batch API) that gave a wrong number or an unrelated exception before:

- diaries: a ``unit`` column that was ignored (1 cup of milk read as 1 g), unknown,
  misspelt and repeated columns, rows with more fields than the header, days 1, 1.0
  and "1" counted as different days;
- numbers: superscript, subscript, circled and other scripts' digits read as digits
  ("1² cup" was 12 cups);
- Supplement Facts lines read in part ("-200 mg" as 200, a second dose dropped,
  "mg/kg" read as mg);
- validation bypassed by ``model_copy`` and ``model_construct``;
- batch person ids: floats above 2**53 credited to another person, list cells,
  numbers of 5,000 digits;
- cells of 1 MB;
- CSV output that a spreadsheet would run as a formula.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
import subprocess
import sys
import time
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import magcalc
from magcalc import (
    AmountError,
    DiaryError,
    Intake,
    MagcalcError,
    Person,
    Supplement,
    SupplementError,
    assess,
    get_form,
    parse_amount,
    parse_label,
)
from magcalc.cli import main

pd = pytest.importorskip("pandas")
batch = pytest.importorskip("magcalc.batch")

WOMAN = Person(age_years=34, sex="female")
CUP_OF_MILK = magcalc.serving("milk", "1 cup")


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def run_main(*argv: str) -> tuple[int, str, str]:
    """The real ``magcalc`` entry point in this process: status, stdout, stderr."""
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        status = main(list(argv))
    return status, out.getvalue(), err.getvalue()


def run_batch(tmp_path: Path, diary: str, people: str = "person_id,age,sex\n1,34,female\n") -> Any:
    """``magcalc batch`` as a subprocess on files written to tmp_path."""
    diary_path = write(tmp_path, "diary.csv", diary)
    people_path = write(tmp_path, "people.csv", people)
    out = tmp_path / "results.csv"
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "magcalc",
            "batch",
            str(diary_path),
            str(people_path),
            "-o",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )


PEOPLE = pd.DataFrame({"person_id": ["1"], "age": [34], "sex": ["female"]})


# --------------------------------------------------------------------------- 1. diaries


def test_a_unit_column_is_read_in_a_single_diary_file(tmp_path: Path) -> None:
    """The README's batch format `day,food,amount,unit` / `1,milk,1,cup` is 1 cup, not 1 g."""
    path = write(tmp_path, "diary.csv", "day,food,amount,unit\n1,milk,1,cup\n1,almonds,28.35,g\n")
    intake = Intake.read(path)
    milk, almonds = (s for _, s in intake.foods)
    assert milk.grams == pytest.approx(CUP_OF_MILK.grams)  # was 1 g
    assert milk.magnesium_mg == pytest.approx(CUP_OF_MILK.magnesium_mg)
    assert almonds.grams == pytest.approx(28.35)
    records = Intake.from_records([{"day": 1, "food": "milk", "amount": 0.5, "unit": "cup"}])
    assert records.foods[0][1].grams == pytest.approx(CUP_OF_MILK.grams / 2)


def test_a_unit_column_is_read_by_magcalc_assess(tmp_path: Path) -> None:
    path = write(tmp_path, "diary.csv", "day,food,amount,unit\n1,milk,1,cup\n")
    status, out, _ = run_main("assess", "--diary", str(path), "--age", "34", "--sex", "f", "--json")
    assert status == 0
    item = json.loads(out)["items"][0]
    assert item["grams"] == pytest.approx(CUP_OF_MILK.grams)
    assert item["magnesium_mg"] == pytest.approx(CUP_OF_MILK.magnesium_mg)


def test_an_amount_with_its_own_unit_next_to_a_unit_column_is_refused(tmp_path: Path) -> None:
    """`1 oz` + `cup` read as 1 oz (the unit cell as a qualifier) before."""
    path = write(tmp_path, "diary.csv", "day,food,amount,unit\n1,milk,1 oz,cup\n")
    with pytest.raises(DiaryError, match=r"row 1: amount '1 oz' has its own unit .* 'cup'"):
        Intake.read(path)
    diary = pd.DataFrame(
        {"person_id": ["1"], "food": ["milk"], "amount": ["1 oz"], "unit": ["cup"]}
    )
    errors = batch.assess_frame(diary, PEOPLE, errors="report").errors
    assert errors[["row", "column"]].to_numpy().tolist() == [[1, "amount"]]


def test_one_diary_file_gives_the_same_numbers_to_assess_and_to_batch(tmp_path: Path) -> None:
    text = (
        "person_id,day,food,amount,unit,supplement,elemental_mg,servings_per_day\n"
        "1,1,milk,1,cup,,,\n"
        "1,1.0,almonds,1 oz,,,,\n"
        "1,2,11458,0.5,cup,,,\n"
        "1,all,,,,citrate,100,2\n"
    )
    single = assess(Intake.read(write(tmp_path, "one.csv", text)), WOMAN)
    done = run_batch(tmp_path, text)
    assert done.returncode == 0, done.stderr
    people = pd.read_csv(tmp_path / "results.csv")
    assert people["n_days"].tolist() == [single.n_days] == [2]
    assert people["food_mg"].tolist() == pytest.approx([single.food_mg.magnitude])
    assert people["supplemental_mg"].tolist() == pytest.approx([200.0])
    assert single.supplemental_mg.magnitude == pytest.approx(200.0)


@pytest.mark.parametrize(
    ("header", "row", "column", "hint"),
    [
        (
            "day,supplement,elemental_mg,servings",
            "all,citrate,100,2",
            "servings",
            "servings_per_day",
        ),
        ("day,food,amount,notes", "1,milk,1 cup,breakfast", "notes", "remove"),
        ("day,food,ammount", "1,milk,1 cup", "ammount", "'amount'"),
    ],
)
def test_unknown_and_misspelt_columns_are_errors_naming_them(
    tmp_path: Path, header: str, row: str, column: str, hint: str
) -> None:
    """A misspelt `servings` column was ignored: 1 serving a day instead of 2."""
    path = write(tmp_path, "diary.csv", f"{header}\n{row}\n")
    with pytest.raises(DiaryError, match=f"column '{column}'.*{hint}") as info:
        Intake.read(path)
    assert info.value.field == column
    records = [dict(zip(header.split(","), row.split(","), strict=True))]
    with pytest.raises(DiaryError, match=f"column '{column}'"):
        Intake.from_records(records)
    status, _, err = run_main("assess", "--diary", str(path), "--age", "34", "--sex", "f")
    assert status == 1
    assert f"column '{column}'" in err and err.count("\n") == 1
    frame = pd.DataFrame([{"person_id": "1", **records[0]}])
    with pytest.raises(DiaryError, match=f"column '{column}'"):
        batch.assess_frame(frame, PEOPLE, errors="report")
    done = run_batch(tmp_path, f"person_id,{header}\n1,{row}\n")
    assert done.returncode == 1
    assert f"column '{column}'" in done.stderr and "Traceback" not in done.stderr


def test_a_repeated_column_is_an_error(tmp_path: Path) -> None:
    """`amount,amount` kept one of the two silently (pandas renamed the other `amount.1`)."""
    path = write(tmp_path, "diary.csv", "day,food,amount,amount\n1,almonds,1 oz,2 oz\n")
    with pytest.raises(DiaryError, match="two columns named 'amount'"):
        Intake.read(path)
    done = run_batch(tmp_path, "person_id,day,food,amount,amount\n1,1,almonds,1 oz,2 oz\n")
    assert done.returncode == 1
    assert "two columns named 'amount'" in done.stderr
    assert not (tmp_path / "results.csv").exists()


@pytest.mark.parametrize("first", [True, False], ids=["first row", "later row"])
def test_a_row_with_more_fields_than_the_header_is_an_error_with_its_line(
    tmp_path: Path, first: bool
) -> None:
    """`1,almonds,1,5 oz` (an unquoted decimal comma) was 1 g of almonds in a single diary;
    as the first row of a batch file pandas made its first cell the index and shifted
    every cell one column to the left."""
    bad, good = "1,almonds,1,5 oz", "1,milk,1 cup"
    lines = [bad, good] if first else [good, bad]
    line = 2 if first else 3
    path = write(tmp_path, "diary.csv", "day,food,amount\n" + "\n".join(lines) + "\n")
    with pytest.raises(DiaryError, match=f"line {line} has 4 fields but the header has 3"):
        Intake.read(path)
    status, _, err = run_main("assess", "--diary", str(path), "--age", "34", "--sex", "f")
    assert status == 1 and f"line {line} has 4 fields" in err
    done = run_batch(
        tmp_path, "person_id,day,food,amount\n" + "\n".join(f"1,{x}" for x in lines) + "\n"
    )
    assert done.returncode == 1
    assert f"line {line} has 5 fields but the header has 4" in done.stderr
    # Quoted, the comma is part of the cell: 1.5 oz.
    quoted = write(tmp_path, "quoted.csv", 'day,food,amount\n1,almonds,"1,5 oz"\n')
    assert Intake.read(quoted).foods[0][1].grams == pytest.approx(1.5 * 28.349523125)


def test_days_1_1_0_and_text_1_are_the_same_day_everywhere(tmp_path: Path) -> None:
    rows = [
        {"day": 1, "food": "11458", "amount": "1 cup"},
        {"day": 1.0, "food": "11458", "amount": "1 cup"},
        {"day": "1", "food": "11458", "amount": "1 cup"},
        {"day": " 1.0 ", "food": "11458", "amount": "1 cup"},
    ]
    intake = Intake.from_records(rows)
    assert intake.days == [1]  # "1.0" was a second day, halving the daily mean
    assert assess(intake, WOMAN).food_mg.magnitude == pytest.approx(4 * 156.6)
    direct = Intake()
    direct.add_food("11458", "1 cup", day=1)
    direct.add_food("11458", "1 cup", day="1")  # a label "1" before: a second day
    direct.add_food("11458", "1 cup", day=1.0)  # an error before
    assert direct.days == [1]
    diary = pd.DataFrame([{"person_id": "1", **r} for r in rows], dtype=object)
    result = batch.assess_frame(diary, PEOPLE)
    assert result.days["day"].tolist() == [1]
    assert result.people["n_days"].tolist() == [1]
    done = run_batch(tmp_path, "person_id,day,food,amount\n1,1,11458,1 cup\n1,1.0,11458,1 cup\n")
    assert done.returncode == 0, done.stderr
    assert pd.read_csv(tmp_path / "results.csv")["n_days"].tolist() == [1]


def test_every_day_supplements_and_days_of_food_rows(tmp_path: Path) -> None:
    """add_supplement(day="all") made a day named "all"; a food row with an empty day in a
    file that has a day column was put on day 1 (magcalc batch refused it)."""
    intake = Intake()
    intake.add_food("11458", "1 cup", day=1)
    intake.add_food("11458", "1 cup", day=2)
    intake.add_supplement(Supplement(form="citrate", elemental_mg=100), day="all")
    report = assess(intake, WOMAN)
    assert report.n_days == 2
    assert report.supplemental_mg.magnitude == pytest.approx(100.0)
    path = write(tmp_path, "diary.csv", "day,food,amount\n2,11458,1 cup\n,almonds,1 oz\n")
    with pytest.raises(DiaryError, match="row 2: a food row needs a day"):
        Intake.read(path)


def test_a_supplement_column_on_a_food_row_is_an_error(tmp_path: Path) -> None:
    """servings_per_day on a food row was ignored: 1 cup, not the 2 servings meant."""
    text = "day,food,amount,servings_per_day\n1,11458,1 cup,2\n"
    with pytest.raises(DiaryError, match="'servings_per_day' is for supplement rows"):
        Intake.read(write(tmp_path, "diary.csv", text))
    diary = pd.DataFrame(
        {"person_id": ["1"], "food": ["11458"], "amount": ["1 cup"], "servings_per_day": [2]}
    )
    errors = batch.assess_frame(diary, PEOPLE, errors="report").errors
    assert errors[["row", "column"]].to_numpy().tolist() == [[1, "servings_per_day"]]


def test_a_single_diary_holds_one_person(tmp_path: Path) -> None:
    one = "person_id,day,food,amount\n7,1,11458,1 cup\n 7 ,2,11458,1 cup\n"
    assert Intake.read(write(tmp_path, "one.csv", one)).days == [1, 2]
    two = "person_id,day,food,amount\n7,1,11458,1 cup\n8,1,11458,1 cup\n"
    with pytest.raises(DiaryError, match="row 2: person_id '8' is another person"):
        Intake.read(write(tmp_path, "two.csv", two))


# --------------------------------------------------------------------------- 2. numbers


@pytest.mark.parametrize(
    ("text", "char"),
    [
        ("1² cup", "SUPERSCRIPT TWO"),  # was 12 cups
        ("10³ g", "SUPERSCRIPT THREE"),  # was 103 g
        ("²1 g", "SUPERSCRIPT TWO"),  # was 2.01 g
        ("1₂ cups", "SUBSCRIPT TWO"),
        ("① cup", "CIRCLED DIGIT ONE"),
        ("٣ cups", "ARABIC-INDIC DIGIT THREE"),  # was 3 cups
        ("१ cup", "DEVANAGARI DIGIT ONE"),
    ],
)
def test_digits_that_are_not_0_9_are_errors_naming_the_character(text: str, char: str) -> None:
    with pytest.raises(AmountError, match=char):
        parse_amount(text)
    with pytest.raises(AmountError, match=char):
        magcalc.serving("11458", text)


def test_fullwidth_and_mathematical_digits_and_fractions_stay_accepted() -> None:
    assert magcalc.serving("11458", "１/２ cup").grams == pytest.approx(90.0)
    assert parse_amount("𝟐 cups").value == 2.0
    assert parse_amount("1½ cups").value == 1.5


def test_odd_digits_in_diaries_and_batches_are_magcalc_errors() -> None:
    """A day "²" raised a bare ValueError from int() in both readers; a dose "٢٠٠" was 200."""
    with pytest.raises(DiaryError, match="row 1: day '²' has '²'"):
        Intake.from_records([{"day": "²", "food": "11458", "amount": "1 cup"}])
    with pytest.raises(DiaryError, match="row 1: food '²' has '²'"):
        Intake.from_records([{"day": 1, "food": "²", "amount": "1 cup"}])
    diary = pd.DataFrame(
        {
            "person_id": ["1"] * 4,
            "day": ["²", "1", "1", "1"],
            "food": ["11458", "①", "11458", None],
            "amount": ["1 cup", "1 cup", "1² cup", None],
            "supplement": [None, None, None, "citrate"],
            "elemental_mg": [None, None, None, "٢٠٠"],
        }
    )
    result = batch.assess_frame(diary, PEOPLE, errors="report")
    got = result.errors[["row", "column"]].to_numpy().tolist()
    assert got == [[1, "day"], [2, "food"], [3, "amount"], [4, "elemental_mg"]]
    assert result.people["n_days"].tolist() == [0]
    with pytest.raises(DiaryError, match=r"^row 1: day '²'"):
        batch.assess_frame(diary, PEOPLE)


def test_ages_in_a_people_table_are_read_with_digits_0_9_only() -> None:
    """float() reads "٣٤" and "3_4" as 34: both were a person of 34 years."""
    people = pd.DataFrame({"person_id": [1, 2, 3], "age": ["٣٤", "3_4", " 34 "], "sex": ["f"] * 3})
    prepared = batch.prepare_people(people, errors="report")
    assert prepared.errors[["row", "column"]].to_numpy().tolist() == [[1, "age"], [2, "age"]]
    assert prepared.profiles["age_years"].tolist()[2] == 34.0


def test_numbers_of_5000_digits_in_batch_are_row_errors() -> None:
    """Python refuses to write an int of over 4,300 digits: str() raised ValueError."""
    huge = 10**5000
    diary = pd.DataFrame(
        {
            "person_id": pd.Series([huge, "1", "1"], dtype=object),
            "day": pd.Series([1, huge, 1], dtype=object),
            "food": pd.Series(["11458", "11458", huge], dtype=object),
            "amount": ["1 cup"] * 3,
        }
    )
    result = batch.assess_frame(diary, PEOPLE, errors="report")
    assert result.errors[["row", "column"]].to_numpy().tolist() == [
        [1, "person_id"],
        [2, "day"],
        [3, "food"],
    ]
    assert all("digits" in r for r in result.errors["reason"])
    with pytest.raises(DiaryError, match=r"^row 1: person_id is a number of about 5,001 digits"):
        batch.assess_frame(diary, PEOPLE)
    text_id = pd.DataFrame({"person_id": ["1"], "food": ["1" * 5000], "amount": ["1 cup"]})
    errors = batch.assess_frame(text_id, PEOPLE, errors="report").errors
    assert "at most 300" in errors["reason"].iloc[0]


# --------------------------------------------------------------------------- 3. labels


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("Magnesium (as citrate) -200 mg", "negative"),  # was +200
        ("Magnesium (as magnesium citrate) −200 mg", "negative"),  # U+2212 minus
        (
            "Magnesium (as magnesium citrate) 200 mg, Magnesium (as magnesium oxide) 250 mg",
            "Magnesium \\(as magnesium oxide\\) 250 mg' after the dose",
        ),  # the second dose was dropped
        ("Magnesium (as citrate) 200 mg/kg", "'/kg' after the dose"),  # was 200 mg
        ("Magnesium (as glycinate) 100 mg per 2 capsules", "servings_per_day"),
        ("Magnesium (as citrate) 200 mg (as oxide)", "names the form twice"),
        ("Magnesium (as citrate) 2⁰⁰ mg", "SUPERSCRIPT ZERO"),
    ],
)
def test_labels_that_cannot_be_read_exactly_are_refused(text: str, why: str) -> None:
    with pytest.raises(SupplementError, match=why) as info:
        parse_label(text)
    assert "Magnesium (as magnesium citrate) 200 mg" in str(info.value) or "0-9" in str(info.value)
    with pytest.raises(DiaryError, match="row 1"):
        Intake.from_records([{"supplement": text}])


@pytest.mark.parametrize(
    ("text", "mg"),
    [
        ("Magnesium (as magnesium citrate) 200 mg", 200),
        ("Magnesium 250 mg (as magnesium oxide)", 250),
        ("Magnesium - 250 mg (as magnesium oxide)", 250),
        ("Magnesium (as magnesium oxide) 400 mg 95% DV", 400),
        ("Magnesium (as magnesium oxide) 400 mg (95% Daily Value)*", 400),
        ("Magnesium (as magnesium citrate) ２００ mg", 200),
    ],
)
def test_labels_that_can_be_read_exactly_still_are(text: str, mg: float) -> None:
    assert parse_label(text).elemental_mg == mg


# --------------------------------------------------------------------------- 4. validation


def test_model_copy_validates_its_update() -> None:
    """pydantic's model_copy does not validate: this was a dose of -500 mg a day."""
    dose = Supplement(form="citrate", elemental_mg=200)
    with pytest.raises(SupplementError, match="elemental_mg must be a finite, non-negative"):
        dose.model_copy(update={"elemental_mg": -500})
    # A new amount of the other kind becomes the basis; the other amount follows.
    changed = dose.model_copy(update={"compound_mg": 500})
    assert changed.basis == "compound"
    assert changed.elemental_mg == pytest.approx(500 * get_form("citrate").elemental_fraction)
    with pytest.raises(SupplementError, match="disagree"):
        dose.model_copy(update={"compound_mg": 500, "basis": "elemental"})
    assert dose.model_copy(update={"servings_per_day": 2}).elemental_mg_per_day == 400.0
    food = magcalc.get_food("11458")
    with pytest.raises(MagcalcError, match="magnesium_mg_per_100g"):
        food.model_copy(update={"magnesium_mg_per_100g": -87})


def test_assess_refuses_supplements_and_foods_that_bypassed_validation() -> None:
    constructed = Supplement.model_construct(form="citrate", elemental_mg=-500.0)
    intake = Intake()
    intake.add_food("11458", "1 cup")
    with pytest.raises(SupplementError, match=r"elemental_mg=-500.0"):
        intake.add_supplement(constructed)
    dose = Supplement(form="citrate", elemental_mg=200)
    intake.add_supplement(dose)
    object.__setattr__(dose, "elemental_mg", -500.0)  # a frozen model, changed anyway
    with pytest.raises(SupplementError, match="finite, non-negative"):
        assess(intake, WOMAN)  # was -500 mg/day of supplements
    entry = magcalc.serving("11458", "1 cup")
    foods = Intake()
    with pytest.raises(MagcalcError, match=r"magnesium_mg=-156.6"):
        foods.add_serving(entry.model_copy(update={"magnesium_mg": -156.6}))  # not validated
    foods.add_serving(entry)
    object.__setattr__(entry, "grams", math.nan)
    with pytest.raises(MagcalcError, match="grams=nan"):
        assess(foods, WOMAN)


# --------------------------------------------------------------------------- 5. batch ids


def test_float_ids_above_2_53_are_row_errors_not_another_person() -> None:
    people = pd.DataFrame(
        {"person_id": ["9007199254740992", "9007199254740993"], "age": [34, 60], "sex": ["f", "m"]}
    )
    # 9007199254740993 as a float is 9007199254740992.0: it was credited to the first person.
    diary = pd.DataFrame(
        {
            "person_id": [9007199254740993.0, 5.0],
            "food": ["11458", "11458"],
            "amount": ["1 cup"] * 2,
        }
    )
    result = batch.assess_frame(diary, people, errors="report")
    assert result.errors[["row", "column"]].to_numpy().tolist() == [
        [1, "person_id"],
        [2, "person_id"],
    ]
    assert "2**53" in result.errors["reason"].iloc[0]
    assert result.people["n_days"].tolist() == [0, 0]
    with pytest.raises(DiaryError, match=r"^row 1: person_id 9007199254740992\.0 is a float"):
        batch.assess_frame(diary, people)
    float_people = pd.DataFrame({"person_id": [2.0**60], "age": [34], "sex": ["f"]})
    prepared = batch.prepare_people(float_people, errors="report")
    assert prepared.errors[["row", "column"]].to_numpy().tolist() == [[1, "person_id"]]


def test_list_and_dict_cells_are_row_errors() -> None:
    """pandas cannot factorise a list: TypeError: unhashable type."""
    diary = pd.DataFrame(
        {
            "person_id": pd.Series([[1], "1", "1", "1"], dtype=object),
            "day": pd.Series([1, {"d": 1}, 1, 1], dtype=object),
            "food": pd.Series(["11458", "11458", ["kale"], "11458"], dtype=object),
            "amount": ["1 cup"] * 4,
        }
    )
    result = batch.assess_frame(diary, PEOPLE, errors="report")
    assert result.errors[["row", "column"]].to_numpy().tolist() == [
        [1, "person_id"],
        [2, "day"],
        [3, "food"],
    ]
    assert "holds a list" in result.errors["reason"].iloc[0]
    assert result.people["food_mg"].tolist() == pytest.approx([156.6])  # row 4 alone
    with pytest.raises(DiaryError, match=r"^row 1: person_id holds a list"):
        batch.assess_frame(diary, PEOPLE)
    people = pd.DataFrame(
        {"person_id": ["1", "2"], "age": pd.Series([[34], 40], dtype=object), "sex": ["f", "m"]}
    )
    prepared = batch.prepare_people(people, errors="report")
    assert prepared.errors[["row", "column"]].to_numpy().tolist() == [[1, "age"]]
    with pytest.raises(magcalc.PersonError, match="people row 1"):
        batch.prepare_people(people)


# --------------------------------------------------------------------------- 13. cost


def test_a_1_mb_cell_costs_milliseconds_and_is_a_row_error_saying_the_cap() -> None:
    big = " ".join(f"w{i}x" for i in range(200_000))  # 1.2 MB of distinct words
    rows = [{"person_id": "1", "day": 1, "food": "11458", "amount": "1 cup"}]
    for column in ("person_id", "day", "food", "amount"):
        rows.append({**rows[0], column: big})
    rows.append({"person_id": "1", "day": 1, "supplement": big})
    diary = pd.DataFrame(rows)
    batch.assess_frame(diary.iloc[:1], PEOPLE)  # load the food table first
    start = time.perf_counter()
    result = batch.assess_frame(diary, PEOPLE, errors="report")
    elapsed = time.perf_counter() - start
    assert elapsed < 2.0  # 39-45 s for one such cell before
    errors = result.errors
    assert errors["row"].tolist() == [2, 3, 4, 5, 6]
    assert all("magcalc reads at most 300" in r for r in errors["reason"])
    assert errors["value"].str.len().max() <= 303  # the cell is cut in the table too
    assert result.people["food_mg"].tolist() == pytest.approx([156.6])
    with pytest.raises(
        DiaryError, match=r"row 1: food has 1,[0-9,]+ characters; magcalc reads at most 300"
    ):
        Intake.from_records([{"food": big, "amount": "1 cup"}])


def test_a_1_mb_cell_in_magcalc_batch(tmp_path: Path) -> None:
    big = " ".join(f"w{i}x" for i in range(200_000))
    done = run_batch(tmp_path, f"person_id,day,food,amount\n1,1,{big},1 cup\n1,1,11458,1 cup\n")
    assert done.returncode == 0, done.stderr
    with (tmp_path / "results.errors.csv").open(newline="", encoding="utf-8") as fh:
        (error,) = list(csv.DictReader(fh))
    assert error["row"] == "1" and error["column"] == "food"
    assert "at most 300" in error["reason"]


# --------------------------------------------------------------------------- 14. CSV output


def test_csv_output_cannot_run_as_a_spreadsheet_formula(tmp_path: Path) -> None:
    attack = "=cmd|' /C calc'!A0"
    done = run_batch(
        tmp_path,
        "person_id,day,food,amount,supplement,elemental_mg\n"
        f"{attack},1,11458,1 cup,,\n"
        "1,1,@SUM(1+1)zzqx,1 cup,,\n"
        "1,+1+1,11458,1 cup,,\n"
        "1,-1,11458,1 cup,,\n"
        "1,=1+2,11458,1 cup,,\n"
        "1,all,,,citrate,-5\n",
    )
    assert done.returncode == 0, done.stderr
    with (tmp_path / "results.errors.csv").open(newline="", encoding="utf-8") as fh:
        errors = list(csv.DictReader(fh))
    cells = [value for row in errors for value in row.values()]
    assert "'" + attack in cells
    assert "'@SUM(1+1)zzqx" in cells
    assert not any(c.startswith(("=", "+", "@", "\t", "\r")) for c in cells)
    assert "-5" in cells  # a number stays a number
    with (tmp_path / "results.days.csv").open(newline="", encoding="utf-8") as fh:
        days = [row["day"] for row in csv.DictReader(fh)]
    assert days == ["-1", "'+1+1", "'=1+2"]  # day -1 is a number, the others labels
    people = pd.read_csv(tmp_path / "results.csv")
    assert people["total_mg"].dtype == float and math.isfinite(people["total_mg"].iloc[0])


def test_spreadsheet_safe_leaves_numbers_alone() -> None:
    frame = pd.DataFrame(
        {
            "text": pd.Series(
                ["=1+2", "+A1", "-1", "-x", "@x", "\tx", "\rx", "ok", None], dtype="str"
            ),
            "mixed": pd.Series(["=1", 5, -3, "-2.5", "b", None, 1.5, "+", "x"], dtype=object),
            "number": [-1.0, -2, 3, 4, 5, 6, 7, 8, 9],
        }
    )
    out = batch.spreadsheet_safe(frame)
    assert out["text"].tolist()[:8] == ["'=1+2", "'+A1", "-1", "'-x", "'@x", "'\tx", "'\rx", "ok"]
    assert out["mixed"].tolist()[:5] == ["'=1", 5, -3, "-2.5", "b"]
    assert out["number"].tolist() == frame["number"].tolist()
    assert frame["text"].iloc[0] == "=1+2"  # a copy


# --------------------------------------------------------------------------- one format

COLUMNS = "person_id,day,food,amount,unit,supplement,elemental_mg,servings_per_day"
# Food rows: (day, food, amount, unit); supplement rows: (day, supplement, dose, servings).
FOOD_DAYS = ["1", "1.0", " 2 ", "2", "mon"]
FOODS = ["11458", "almonds", "16015"]
AMOUNTS = [("1 cup", ""), ("1", "cup"), ("0.5", "cup"), ("28.35", ""), ("100", "g"), ("1", "oz")]
SUPPLEMENT_DAYS = ["all", "", "1", "2.0"]
SUPPLEMENTS = [
    ("citrate", "100"),
    ("oxide", "250"),
    ("Magnesium (as magnesium citrate) 200 mg", ""),
]
SERVINGS = ["", "2"]
BAD_FOOD_ROWS = [
    ("", "11458", "1 cup", ""),  # no day
    ("1.5", "11458", "1 cup", ""),
    ("²", "11458", "1 cup", ""),
    ("1", "zzqx wibble", "1 cup", ""),
    ("1", "11458", "1 oz", "cup"),
    ("1", "11458", "1² cup", ""),
    ("1", "11458", "-1 cup", ""),
    ("1", "11458", "", ""),
]
BAD_SUPPLEMENT_ROWS = [
    ("all", "citrate", "-5", ""),
    ("all", "citrate", "٢", ""),
    ("1", "oxide", "9", "0"),
]


@st.composite
def diary_lines(draw: st.DrawFn) -> list[str]:
    """Rows of one person: mostly valid food and supplement rows, sometimes a bad one."""
    lines = []
    for _ in range(draw(st.integers(1, 5))):
        bad = draw(st.integers(0, 9)) == 0
        if draw(st.booleans()):
            if bad:
                day, food, amount, unit = draw(st.sampled_from(BAD_FOOD_ROWS))
            else:
                day, food = draw(st.sampled_from(FOOD_DAYS)), draw(st.sampled_from(FOODS))
                amount, unit = draw(st.sampled_from(AMOUNTS))
            lines.append(f"1,{day},{food},{amount},{unit},,,")
        else:
            if bad:
                day, form, dose, servings = draw(st.sampled_from(BAD_SUPPLEMENT_ROWS))
            else:
                day = draw(st.sampled_from(SUPPLEMENT_DAYS))
                form, dose = draw(st.sampled_from(SUPPLEMENTS))
                servings = draw(st.sampled_from(SERVINGS))
            lines.append(f"1,{day},,,,{form},{dose},{servings}")
    return lines


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(lines=diary_lines())
@pytest.mark.filterwarnings("ignore::magcalc.MatchWarning")
def test_magcalc_assess_and_magcalc_batch_read_a_diary_alike(
    tmp_path: Path, lines: list[str]
) -> None:
    """The same file: the same totals from both commands, or both refuse the same row."""
    diary = write(tmp_path, "diary.csv", COLUMNS + "\n" + "\n".join(lines) + "\n")
    people = write(tmp_path, "people.csv", "person_id,age,sex\n1,34,female\n")
    out = tmp_path / "results.csv"
    one_status, one_out, one_err = run_main(
        "assess", "--diary", str(diary), "--age", "34", "--sex", "female", "--json"
    )
    many_status, _, many_err = run_main(
        "batch", str(diary), str(people), "-o", str(out), "--errors", "raise"
    )
    assert "Traceback" not in one_err + many_err
    if one_status != 0:
        assert many_status != 0, one_err
        one_row = re.search(r"row (\d+):", one_err)
        many_row = re.search(r"row (\d+):", many_err)
        assert one_row is not None and many_row is not None, (one_err, many_err)
        assert one_row.group(1) == many_row.group(1), (one_err, many_err)
        return
    assert many_status == 0, many_err
    single = json.loads(one_out)
    result = pd.read_csv(out)
    assert result["n_days"].tolist() == [single["n_days"]]
    for column in ("food_mg", "supplemental_mg", "total_mg"):
        assert result[column].tolist() == pytest.approx([single[column]], rel=1e-12), column
