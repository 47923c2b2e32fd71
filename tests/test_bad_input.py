"""Bad input at every public entry point: the documented MagcalcError, never a number.

One table drives the Python API (``PY_CASES``) and one the command line (``CLI_CASES``).
Each row says which error must come out and a piece of its message that names the field
or the fix. Wrong types, None, empty and blank text, negatives, zeros that make no sense,
NaN, infinities, numbers too large for a float, unknown foods, units, forms and
frameworks, mismatched dimensions, unicode oddities, 100k-character strings and broken
diary files are all here. Implausible but possible amounts (a 50 kg portion, 100 g of a
supplement) warn with :class:`~magcalc.errors.PlausibilityWarning` and still compute.

The ``test_issue_7_*`` tests pin the bugs issue 7 found (each raised something other
than a MagcalcError, or returned a number, before its fix).
"""

from __future__ import annotations

import io
import json
import math
import pickle
from collections.abc import Callable
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

import magcalc
from magcalc import (
    AmountError,
    DiaryError,
    FdcResponseError,
    InputError,
    Intake,
    MagcalcError,
    NoMagnesiumDataError,
    NoPortionError,
    NoReferenceValueError,
    Person,
    PersonError,
    Supplement,
    SupplementError,
    UnknownFoodError,
    UnknownFormError,
    UnknownFrameworkError,
    UnknownUnitError,
)
from magcalc.cli import main
from magcalc.errors import PlausibilityWarning
from magcalc.fdc import FdcClient, parse_food, parse_foods, parse_search
from magcalc.foods import Food, Portion
from magcalc.suggestions import supplement_advice

LONG = "z" * 100_000  # an extremely long string
ZWSP, RLM, RLO = "\u200b", "\u200f", "\u202e"  # zero-width space, RTL mark, RTL override
HUGE_INT = 10**400  # an int no float can hold
KEY = {"api_key": "test-key-123456", "cache": False}


def Q(value: Any, unit: str) -> Any:
    """A pint Quantity from magcalc's registry."""
    return magcalc.get_registry().Quantity(value, unit)


def person() -> Person:
    return Person(age_years=34, sex="female")


def intake() -> Intake:
    result = Intake()
    result.add_food("11458", "1 cup")
    return result


def report() -> magcalc.Assessment:
    return magcalc.assess(intake(), person())


def no_data_food() -> Food:
    return next(f for f in magcalc.FoodTable.default() if f.magnesium_mg_per_100g is None)


def diary(tmp: Path, name: str, content: str | bytes) -> Path:
    path = tmp / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


@dataclass(frozen=True)
class Case:
    """One bad input: what is called, the error it must raise, and words of its message."""

    id: str
    call: Callable[[Path], object]
    error: type[MagcalcError]
    match: str


def case(id: str, call: Callable[[Path], object], error: type[MagcalcError], match: str) -> Any:
    return pytest.param(Case(id, call, error, match), id=id)


def food(amount: Any, name: Any = "11458") -> Callable[[Path], object]:
    return lambda _: magcalc.serving(name, amount)


PY_CASES = [
    # ------------------------------------------------------------ search_foods, get_food
    case("search None", lambda _: magcalc.search_foods(None), AmountError, "query must be text"),
    case("search bytes", lambda _: magcalc.search_foods(b"kale"), AmountError, "must be text"),
    case("search limit 0", lambda _: magcalc.search_foods("kale", limit=0), AmountError, "limit"),
    case("search limit -1", lambda _: magcalc.search_foods("kale", limit=-1), AmountError, "limit"),
    case("search limit 1.5", lambda _: magcalc.search_foods("kale", limit=1.5), AmountError, "limit"),
    case("search limit None", lambda _: magcalc.search_foods("kale", limit=None), AmountError, "limit"),
    case("search limit True", lambda _: magcalc.search_foods("kale", limit=True), AmountError, "limit"),
    case("get None", lambda _: magcalc.get_food(None), UnknownFoodError, "search_foods"),
    case("get float", lambda _: magcalc.get_food(168462.0), UnknownFoodError, "FDC id"),
    case("get negative", lambda _: magcalc.get_food(-1), UnknownFoodError, "did you mean"),
    case("get empty", lambda _: magcalc.get_food(""), UnknownFoodError, "NDB number"),
    case("get blank", lambda _: magcalc.get_food("   "), UnknownFoodError, "search_foods"),
    case("get huge int", lambda _: magcalc.get_food(HUGE_INT), UnknownFoodError, "FDC id"),
    case("get unknown ndb", lambda _: magcalc.get_food("99999"), UnknownFoodError, "search_foods"),
    case("get fullwidth", lambda _: magcalc.get_food("１１４５８"), UnknownFoodError, "NDB number"),
    case("get emoji", lambda _: magcalc.get_food("🥦"), UnknownFoodError, "search_foods"),
    case("get 100k chars", lambda _: magcalc.get_food(LONG), UnknownFoodError, "search_foods"),
    # ------------------------------------------------------------ serving / food_magnesium
    case("food None", food("1 cup", None), UnknownFoodError, "a food name"),
    case("food list", food("1 cup", ["kale"]), UnknownFoodError, "a food name"),
    case("food bool", food("1 cup", True), UnknownFoodError, "FDC id (int)"),
    case("food blank", food("1 cup", "  "), UnknownFoodError, "a food name"),
    case("food unknown", food("1 cup", "zzqxv wibble"), UnknownFoodError, "search_foods"),
    case("food 100k", food("1 cup", LONG), UnknownFoodError, "search_foods"),
    case("amount None", food(None), AmountError, "text ('1/2 cup')"),
    case("amount bool", food(True), AmountError, "not a bool"),
    case("amount bytes", food(b"1 cup"), AmountError, "not bytes"),
    case("amount empty", food(""), AmountError, "amount is empty"),
    case("amount blank", food(" \t "), AmountError, "e.g. '100 g'"),
    case("amount negative", food(-5), AmountError, "non-negative"),
    case("amount -1 cup", food("-1 cup"), AmountError, "negative"),
    case("amount NaN", food(math.nan), AmountError, "finite"),
    case("amount inf", food(math.inf), AmountError, "finite"),
    case("amount 'nan g'", food("nan g"), AmountError, "NaN"),
    case("amount 'inf g'", food("inf g"), AmountError, "infinite"),
    case("amount 1e999 g", food("1e999 g"), AmountError, "infinite"),
    case("amount huge int", food(HUGE_INT), AmountError, "finite"),
    case("amount 1e308 kg", food("1e308 kg"), AmountError, "too large"),
    case("amount 400 digits", food("9" * 400 + "/1 g"), AmountError, "too large"),
    case("amount 5000 digits", food("1/" + "1" * 5000 + " g"), AmountError, "too large"),
    case("amount 1/0", food("1/0 cup"), AmountError, "divides by zero"),
    case("amount no number", food("cup"), AmountError, "has no number"),
    case("amount unknown unit", food("2 zorbs"), UnknownUnitError, "1 cup (180 g)"),
    case("amount symbols", food("2 %$"), UnknownUnitError, "household measure"),
    case("amount emoji unit", food("1 🥄"), UnknownUnitError, "('cup', 'tbsp', 'ml')"),
    case("amount zero-width", food("1" + ZWSP + " cup"), UnknownUnitError, "recognisable unit"),
    case("amount ZW first", food(ZWSP + "1 cup"), AmountError, "has no number"),
    case("amount RTL mark", food(RLM + "1 cup"), AmountError, "has no number"),
    case("amount RTL override", food(RLO + "1 cup"), AmountError, "has no number"),
    case("amount 100k unit", food("1 " + LONG), UnknownUnitError, "this food's portions"),
    case("amount no portion", food("1 medium"), NoPortionError, "1 cup (180 g)"),
    case("Quantity seconds", lambda _: magcalc.serving("11458", Q(3, "s")), AmountError, "mass"),
    case("Quantity dimensionless", lambda _: magcalc.serving("11458", Q(3, "")), AmountError, "volume"),
    case("Quantity NaN g", lambda _: magcalc.serving("11458", Q(math.nan, "g")), AmountError, "NaN"),
    case("Quantity -1 g", lambda _: magcalc.serving("11458", Q(-1, "g")), AmountError, "negative"),
    case("Quantity array", lambda _: magcalc.serving("11458", Q([1, 2], "g")), AmountError, "single number"),
    case("no Mg data", lambda _: magcalc.food_magnesium(no_data_food(), "100 g"), NoMagnesiumDataError, "not zero"),
    case("fm unknown food", lambda _: magcalc.food_magnesium("qqzzx", "1 cup"), UnknownFoodError, "search_foods"),
    # ------------------------------------------------------------ parse_amount
    case("parse None", lambda _: magcalc.parse_amount(None), AmountError, "must be a string"),
    case("parse int", lambda _: magcalc.parse_amount(5), AmountError, "must be a string"),
    case("parse +-1", lambda _: magcalc.parse_amount("+-1 g"), AmountError, "has no number"),
    case("parse roman", lambda _: magcalc.parse_amount("Ⅻ g"), AmountError, "has no number"),
    case("parse ½½", lambda _: magcalc.parse_amount("½½ cup"), UnknownUnitError, "recognisable unit"),
    case("parse 100k", lambda _: magcalc.parse_amount(LONG), AmountError, "has no number"),
    # ------------------------------------------------------------ supplements
    case("supp no basis", lambda _: Supplement(form="citrate"), SupplementError, "elemental_mg= or compound_mg="),
    case("supp both", lambda _: Supplement(form="citrate", elemental_mg=1, compound_mg=1), SupplementError, "both given"),
    case("supp bare mg", lambda _: Supplement(form="citrate", mg=100), SupplementError, "elemental_mg="),
    case("supp form None", lambda _: Supplement(form=None, elemental_mg=1), UnknownFormError, "citrate"),
    case("supp form empty", lambda _: Supplement(form="", elemental_mg=1), UnknownFormError, "supplement_forms()"),
    case("supp form unknown", lambda _: Supplement(form="kryptonite", elemental_mg=1), UnknownFormError, "oxide"),
    case("supp form 100k", lambda _: Supplement(form=LONG, elemental_mg=1), UnknownFormError, "supplement_forms()"),
    case("supp form emoji", lambda _: Supplement(form="🧪", elemental_mg=1), UnknownFormError, "citrate"),
    case("supp str dose", lambda _: Supplement(form="citrate", elemental_mg="100"), SupplementError, "elemental_mg must be a number"),
    case("supp negative", lambda _: Supplement(form="citrate", elemental_mg=-1), SupplementError, "elemental_mg"),
    case("supp NaN", lambda _: Supplement(form="citrate", compound_mg=math.nan), SupplementError, "compound_mg"),
    case("supp inf", lambda _: Supplement(form="citrate", elemental_mg=math.inf), SupplementError, "finite"),
    case("supp huge int", lambda _: Supplement(form="citrate", elemental_mg=HUGE_INT), SupplementError, "finite"),
    case("supp volume", lambda _: Supplement(form="citrate", elemental_mg=Q(5, "ml")), SupplementError, "[mg]"),
    case("supp mass Quantity", lambda _: Supplement(form="citrate", elemental_mg=Q(5, "mg")), SupplementError, "[mg]"),
    case("supp servings 0", lambda _: Supplement(form="citrate", elemental_mg=1, servings_per_day=0), SupplementError, "servings_per_day"),
    case("supp servings -1", lambda _: Supplement(form="citrate", elemental_mg=1, servings_per_day=-1), SupplementError, "servings_per_day"),
    case("supp servings None", lambda _: Supplement(form="citrate", elemental_mg=1, servings_per_day=None), SupplementError, "servings_per_day"),
    case("supp overflow", lambda _: Supplement(form="citrate", elemental_mg=1e308, servings_per_day=10), SupplementError, "too large"),
    case("supp extra arg", lambda _: Supplement(form="citrate", elemental_mg=1, colour="red"), SupplementError, "colour"),
    case("supp validate", lambda _: Supplement.model_validate({"form": "oxide", "elemental_mg": -1}), SupplementError, "elemental_mg"),
    case("supp validate json", lambda _: Supplement.model_validate_json("{"), SupplementError, "JSON"),
    case("get_form None", lambda _: magcalc.get_form(None), UnknownFormError, "citrate"),
    case("get_form blank", lambda _: magcalc.get_form("  "), UnknownFormError, "citrate"),
    case("get_form 'magnesium'", lambda _: magcalc.get_form("magnesium"), UnknownFormError, "oxide"),
    case("get_form zero-width", lambda _: magcalc.get_form("cit" + ZWSP + "rate"), UnknownFormError, "citrate"),
    case("label None", lambda _: magcalc.parse_label(None), SupplementError, "Magnesium (as magnesium citrate)"),
    case("label blank", lambda _: magcalc.parse_label("   "), SupplementError, "label text is empty"),
    case("label no form", lambda _: magcalc.parse_label("Magnesium 200 mg"), SupplementError, "form"),
    case("label compound", lambda _: magcalc.parse_label("Magnesium Oxide 500 mg"), SupplementError, "compound_mg"),
    case("label two forms", lambda _: magcalc.parse_label("Magnesium (as magnesium citrate, oxide) 2 mg"), SupplementError, "its own Supplement"),
    case("label unknown form", lambda _: magcalc.parse_label("Magnesium (as magnesium kryptonite) 2 mg"), UnknownFormError, "citrate"),
    case("label overflow", lambda _: magcalc.parse_label("Magnesium (as magnesium citrate) " + "9" * 400 + " mg"), SupplementError, "finite"),
    case("label servings 0", lambda _: magcalc.parse_label("Magnesium (as magnesium citrate) 2 mg", servings_per_day=0), SupplementError, "servings_per_day"),
    case("label 100k", lambda _: magcalc.parse_label("Magnesium " + LONG), SupplementError, "cannot read"),
    # ------------------------------------------------------------ Person, reference_values
    case("person no sex", lambda _: Person(age_years=3), PersonError, "sex="),
    case("person no age", lambda _: Person(sex="female"), PersonError, "age_years="),
    case("person both ages", lambda _: Person(age_years=3, age_months=36, sex="male"), PersonError, "exactly one"),
    case("age is a mass", lambda _: Person(age_years=Q(3, "kg"), sex="female"), PersonError, "age_years must be a number of years"),
    case("age str", lambda _: Person(age_years="34", sex="female"), PersonError, "age_years"),
    case("age None", lambda _: Person(age_years=None, sex="female"), PersonError, "age_years="),
    case("age negative", lambda _: Person(age_years=-1, sex="female"), PersonError, "negative"),
    case("age NaN", lambda _: Person(age_years=math.nan, sex="female"), PersonError, "finite"),
    case("age inf", lambda _: Person(age_months=math.inf, sex="female"), PersonError, "age_months"),
    case("age 1e9", lambda _: Person(age_years=1e9, sex="female"), PersonError, "below 125"),
    case("age huge int", lambda _: Person(age_years=HUGE_INT, sex="female"), PersonError, "below 125"),
    case("age bool", lambda _: Person(age_years=True, sex="female"), PersonError, "bool"),
    case("sex empty", lambda _: Person(age_years=3, sex=""), PersonError, "'female' or 'male'"),
    case("sex fullwidth", lambda _: Person(age_years=3, sex="ｆｅｍａｌｅ"), PersonError, "sex must be"),
    case("sex 100k", lambda _: Person(age_years=3, sex=LONG), PersonError, "sex must be"),
    case("pregnant male", lambda _: Person(age_years=30, sex="male", pregnant=True), PersonError, "sex='female'"),
    case("pregnant str", lambda _: Person(age_years=30, sex="female", pregnant="yes"), PersonError, "True or False"),
    case("pregnant child", lambda _: Person(age_years=5, sex="female", pregnant=True), PersonError, "10 to under 60"),
    case("conditions str", lambda _: Person(age_years=30, sex="female", conditions="ppi"), PersonError, "conditions=('type 2 diabetes',)"),
    case("condition unknown", lambda _: Person(age_years=30, sex="female", conditions=["gout"]), PersonError, "ppi"),
    case("person extra arg", lambda _: Person(age_years=30, sex="female", weight=70), PersonError, "weight"),
    case("person bad json", lambda _: Person.model_validate_json("not json"), PersonError, "keyword arguments"),
    case("refs person None", lambda _: magcalc.reference_values(None), PersonError, "Person(age_years=34"),
    case("refs framework None", lambda _: magcalc.reference_values(person(), framework=None), UnknownFrameworkError, "IOM1997"),
    case("refs framework empty", lambda _: magcalc.reference_values(person(), framework=""), UnknownFrameworkError, "EFSA2015"),
    case("refs framework unknown", lambda _: magcalc.reference_values(person(), framework="XYZ"), UnknownFrameworkError, "IOM1997"),
    case("refs framework int", lambda _: magcalc.reference_values(person(), framework=1997), UnknownFrameworkError, "IOM1997"),
    case("refs framework 100k", lambda _: magcalc.reference_values(person(), framework=LONG), UnknownFrameworkError, "IOM1997"),
    case("refs no value", lambda _: magcalc.reference_values(Person(age_months=2, sex="male"), framework="EFSA2015"), NoReferenceValueError, "Try framework="),
    # ------------------------------------------------------------ Intake
    case("add_food day None", lambda _: Intake().add_food("kale", "1 cup", day=None), InputError, "day must be"),
    case("add_food day 1.5", lambda _: Intake().add_food("kale", "1 cup", day=1.5), InputError, "day must be"),
    case("add_food day blank", lambda _: Intake().add_food("kale", "1 cup", day=" "), InputError, "day label is empty"),
    case("add_food bad amount", lambda _: Intake().add_food("kale", "lots"), AmountError, "'1 cup'"),
    case("add_supplement None", lambda _: Intake().add_supplement(None), InputError, "Supplement or a label line"),
    case("add_supplement dict", lambda _: Intake().add_supplement({"form": "citrate"}), InputError, "Supplement"),
    case("add_supplement blank", lambda _: Intake().add_supplement(""), SupplementError, "label text is empty"),
    case("add_supplement day list", lambda _: Intake().add_supplement(Supplement(form="oxide", elemental_mg=1), day=[1]), InputError, "day must be"),
    case("records None", lambda _: Intake.from_records(None), DiaryError, "list of rows"),
    case("records int", lambda _: Intake.from_records(5), DiaryError, "list of rows"),
    case("records str", lambda _: Intake.from_records("food,amount"), DiaryError, "list of rows"),
    case("records dict", lambda _: Intake.from_records({"food": "kale"}), DiaryError, "list of rows"),
    case("records empty", lambda _: Intake.from_records([]), DiaryError, "no rows"),
    case("records row None", lambda _: Intake.from_records([None]), DiaryError, "row 1"),
    case("records row list", lambda _: Intake.from_records([["kale", "1 cup"]]), DiaryError, "mapping of column"),
    case("records no amount", lambda _: Intake.from_records([{"food": "kale"}]), DiaryError, "'amount'"),
    case("records no columns", lambda _: Intake.from_records([{"x": 1}]), DiaryError, "'food'"),
    case("records food+supp", lambda _: Intake.from_records([{"food": "kale", "supplement": "oxide"}]), DiaryError, "not both"),
    case("records amount text NaN", lambda _: Intake.from_records([{"food": "kale", "amount": "nan"}]), DiaryError, "finite"),
    case("records day NaN", lambda _: Intake.from_records([{"food": "kale", "amount": "1 cup", "day": math.nan}]), DiaryError, "day"),
    case("records day all", lambda _: Intake.from_records([{"food": "kale", "amount": "1 cup", "day": "all"}]), DiaryError, "needs a day"),
    case("records dose text", lambda _: Intake.from_records([{"supplement": "oxide", "elemental_mg": "abc"}]), DiaryError, "elemental_mg"),
    case("records dose huge", lambda _: Intake.from_records([{"supplement": "oxide", "elemental_mg": HUGE_INT}]), DiaryError, "elemental_mg"),
    case("records 2nd row bad", lambda _: Intake.from_records([{"food": "kale", "amount": "1 cup"}, 5]), DiaryError, "row 2"),
    case("read None", lambda _: Intake.read(None), DiaryError, "diary.csv"),
    case("read int", lambda _: Intake.read(5), DiaryError, "diary.csv"),
    case("read missing", lambda t: Intake.read(t / "nope.csv"), DiaryError, "no diary file"),
    case("read .xlsx", lambda t: Intake.read(diary(t, "d.xlsx", "x")), DiaryError, ".csv or .json"),
    case("read dir.csv", lambda t: Intake.read((t / "d.csv").mkdir() or t / "d.csv"), DiaryError, "cannot read the diary"),
    case("csv empty", lambda t: Intake.read(diary(t, "d.csv", "")), DiaryError, "comma-separated with a header"),
    case("csv header only", lambda t: Intake.read(diary(t, "d.csv", "day,food,amount\n")), DiaryError, "no rows"),
    case("csv missing column", lambda t: Intake.read(diary(t, "d.csv", "day,food\n1,kale\n")), DiaryError, "'amount'"),
    case("csv latin-1", lambda t: Intake.read(diary(t, "d.csv", "day,food,amount\n1,jalape\xf1o,1 cup\n".encode("latin-1"))), DiaryError, "save it as UTF-8"),
    case("csv utf-16", lambda t: Intake.read(diary(t, "d.csv", "food,amount\nkale,1 cup\n".encode("utf-16"))), DiaryError, "UTF-8"),
    case("csv semicolons", lambda t: Intake.read(diary(t, "d.csv", "day;food;amount\n1;kale;1 cup\n")), DiaryError, "comma-separated"),
    case("csv tabs", lambda t: Intake.read(diary(t, "d.txt", "day\tfood\tamount\n1\tkale\t1 cup\n")), DiaryError, "comma-separated"),
    case("csv binary", lambda t: Intake.read(diary(t, "d.csv", bytes(range(256)) * 4)), DiaryError, "UTF-8"),
    case("csv bad row", lambda t: Intake.read(diary(t, "d.csv", "food,amount\nkale,1 cup\nkale,lots\n")), DiaryError, "row 2"),
    case("csv 200k field", lambda t: Intake.read(diary(t, "d.csv", "food,amount\nkale," + "1" * 200_000 + " g\n")), DiaryError, "line 2"),
    case("json empty", lambda t: Intake.read(diary(t, "d.json", "")), DiaryError, "not valid UTF-8 JSON"),
    case("json object", lambda t: Intake.read(diary(t, "d.json", '{"food": "kale"}')), DiaryError, "{'entries': [...]}"),
    case("json number", lambda t: Intake.read(diary(t, "d.json", "5")), DiaryError, "list of rows"),
    case("json list of lists", lambda t: Intake.read(diary(t, "d.json", '[["kale", "1 cup"]]')), DiaryError, "row 1"),
    case("json entries junk", lambda t: Intake.read(diary(t, "d.json", '{"entries": [5]}')), DiaryError, "row 1"),
    case("json NaN amount", lambda t: Intake.read(diary(t, "d.json", '[{"food": "kale", "amount": NaN}]')), DiaryError, "finite"),
    case("json latin-1", lambda t: Intake.read(diary(t, "d.json", '[{"food": "jalape\xf1o"}]'.encode("latin-1"))), DiaryError, "UTF-8"),
    case("json binary", lambda t: Intake.read(diary(t, "d.json", bytes(range(256)))), DiaryError, "UTF-8 JSON"),
    case("json nested 100k", lambda t: Intake.read(diary(t, "d.json", "[" * 100_000 + "]" * 100_000)), DiaryError, "JSON"),
    case("json 5000-digit int", lambda t: Intake.read(diary(t, "d.json", '[{"food": "kale", "amount": 1' + "0" * 5000 + "}]")), DiaryError, "JSON"),
    case("json 400-digit int", lambda t: Intake.read(diary(t, "d.json", '[{"food": "kale", "amount": 1' + "0" * 400 + "}]")), DiaryError, "finite"),
    # ------------------------------------------------------------ assess
    case("assess intake None", lambda _: magcalc.assess(None, person()), InputError, "intake must be an Intake"),
    case("assess person dict", lambda _: magcalc.assess(intake(), {"age_years": 3}), InputError, "person must be a Person"),
    case("assess empty intake", lambda _: magcalc.assess(Intake(), person()), InputError, "add foods or supplements"),
    case("assess framework", lambda _: magcalc.assess(intake(), person(), framework="nope"), UnknownFrameworkError, "IOM1997"),
    case("assess sd 0", lambda _: magcalc.assess(intake(), person(), sd_within_mg=0), InputError, "sd_within_mg"),
    case("assess sd NaN", lambda _: magcalc.assess(intake(), person(), sd_within_mg=math.nan), InputError, "sd_within_mg"),
    case("assess sd str", lambda _: magcalc.assess(intake(), person(), sd_within_mg="86"), InputError, "sd_within_mg"),
    case("assess sd huge int", lambda _: magcalc.assess(intake(), person(), sd_within_mg=HUGE_INT), InputError, "sd_within_mg"),
    case("assess food_absorption order", lambda _: magcalc.assess(intake(), person(), food_absorption=(0.5, 0.3, 0.4)), InputError, "low <= central <= high"),
    case("assess food_absorption str", lambda _: magcalc.assess(intake(), person(), food_absorption="abc"), InputError, "(low, central, high)"),
    case("assess food_absorption > 1", lambda _: magcalc.assess(intake(), person(), food_absorption=(2, 3, 4)), InputError, "at most 1"),
    case("assess absorption list", lambda _: magcalc.assess(intake(), person(), absorption=[("citrate", (1, 1, 1))]), InputError, "mapping of form"),
    case("assess absorption form", lambda _: magcalc.assess(intake(), person(), absorption={"kryptonite": (1, 1, 1)}), UnknownFormError, "citrate"),
    case("assess absorption range", lambda _: magcalc.assess(intake(), person(), absorption={"citrate": "x"}), InputError, "absorption['citrate']"),
    case("assess no ref value", lambda _: magcalc.assess(intake(), Person(age_years=5, sex="male"), framework="EU_NRV2011"), NoReferenceValueError, "Try framework="),
    # ------------------------------------------------------------ suggestions, Assessment methods
    case("suggest None", lambda _: magcalc.suggest_foods(None), InputError, "gap_mg"),
    case("suggest negative", lambda _: magcalc.suggest_foods(-1), InputError, "gap_mg"),
    case("suggest NaN", lambda _: magcalc.suggest_foods(math.nan), InputError, "finite"),
    case("suggest inf", lambda _: magcalc.suggest_foods(math.inf), InputError, "finite"),
    case("suggest huge int", lambda _: magcalc.suggest_foods(HUGE_INT), InputError, "finite"),
    case("suggest limit 0", lambda _: magcalc.suggest_foods(100, limit=0), InputError, "limit"),
    case("suggest portions", lambda _: magcalc.suggest_foods(100, portions="some"), InputError, "'common' or 'all'"),
    case("suggest exclude int", lambda _: magcalc.suggest_foods(100, exclude=5), InputError, "exclude="),
    case("suggest exclude blank", lambda _: magcalc.suggest_foods(100, exclude=" "), InputError, "exclude"),
    case("suggest prefer [None]", lambda _: magcalc.suggest_foods(100, prefer=[None]), InputError, "prefer"),
    case("advice step 0", lambda _: report().supplement_advice(step_mg=0), InputError, "step_mg"),
    case("advice step inf", lambda _: report().supplement_advice(step_mg=math.inf), InputError, "step_mg"),
    case("advice gap None", lambda _: supplement_advice(None, ul_supplemental_mg=350, n_days=3), InputError, "gap_mg"),  # type: ignore[arg-type]
    case("to_dataframe kind", lambda _: report().to_dataframe("rows"), InputError, "'items', 'days' or 'summary'"),
    case("to_dataframe None", lambda _: report().to_dataframe(None), InputError, "kind"),
    case("plot kind", lambda _: report().plot("pie"), InputError, "'sources' or 'days'"),
    case("plot ax int", lambda _: report().plot(ax=5), InputError, "matplotlib Axes"),
    # ------------------------------------------------------------ FoodData Central
    case("fdc key empty", lambda _: FdcClient(api_key=" ", cache=False), InputError, "FDC_API_KEY"),
    case("fdc key int", lambda _: FdcClient(api_key=5, cache=False), InputError, "api_key"),
    case("fdc base_url None", lambda _: FdcClient(base_url=None, **KEY), InputError, "base_url"),
    case("fdc base_url ftp", lambda _: FdcClient(base_url="ftp://x", **KEY), InputError, "http(s) URL"),
    case("fdc timeout 0", lambda _: FdcClient(timeout=0, **KEY), InputError, "timeout"),
    case("fdc timeout NaN", lambda _: FdcClient(timeout=math.nan, **KEY), InputError, "timeout"),
    case("fdc timeout triple", lambda _: FdcClient(timeout=(1, 2, 3), **KEY), InputError, "(connect, read)"),
    case("fdc timeout huge int", lambda _: FdcClient(timeout=HUGE_INT, **KEY), InputError, "timeout"),
    case("fdc retries -1", lambda _: FdcClient(retries=-1, **KEY), InputError, "retries"),
    case("fdc retries 1.5", lambda _: FdcClient(retries=1.5, **KEY), InputError, "retries"),
    case("fdc backoff -1", lambda _: FdcClient(backoff_factor=-1, **KEY), InputError, "backoff_factor"),
    case("fdc backoff inf", lambda _: FdcClient(backoff_factor=math.inf, **KEY), InputError, "backoff_factor"),
    case("fdc backoff '-1'", lambda _: FdcClient(backoff_factor="-1", **KEY), InputError, "backoff_factor"),
    case("fdc expire str", lambda _: FdcClient(cache_expire_after="soon", **KEY), InputError, "timedelta(days=30)"),
    case("fdc expire negative", lambda _: FdcClient(cache_expire_after=-5, **KEY), InputError, "cache_expire_after"),
    case("fdc cache 3", lambda _: FdcClient(api_key="test-key-123456", cache=3), InputError, "folder path"),
    case("fdc cache empty", lambda _: FdcClient(api_key="test-key-123456", cache=""), InputError, "folder path"),
    case("fdc cache NUL", lambda _: FdcClient(api_key="test-key-123456", cache="a\x00b"), InputError, "folder path"),
    case("fdc search None", lambda _: FdcClient(**KEY).search(None), InputError, "query"),
    case("fdc search page 0", lambda _: FdcClient(**KEY).search("x", page_size=0), InputError, "page_size"),
    case("fdc data_types int", lambda _: FdcClient(**KEY).search("x", data_types=5), InputError, "Foundation"),
    case("fdc data_types None", lambda _: FdcClient(**KEY).search("x", data_types=None), InputError, "data_types"),
    case("fdc data_types bad", lambda _: FdcClient(**KEY).search("x", data_types=["Fresh"]), InputError, "SR Legacy"),
    case("fdc food 0", lambda _: FdcClient(**KEY).food(0), InputError, "positive whole number"),
    case("fdc food NaN", lambda _: FdcClient(**KEY).food(math.nan), InputError, "fdc_id" if False else "positive whole"),
    case("fdc foods None", lambda _: FdcClient(**KEY).foods(None), InputError, "fdc_ids"),
    case("fdc foods float", lambda _: FdcClient(**KEY).foods(5.5), InputError, "fdc_ids"),
    case("fdc foods missing=", lambda _: FdcClient(**KEY).foods([1], missing="shout"), InputError, "'warn', 'raise' or 'ignore'"),
    case("parse_food None", lambda _: parse_food(None), FdcResponseError, "JSON object"),
    case("parse_food list", lambda _: parse_food([1]), FdcResponseError, "JSON object"),
    case("parse_food {}", lambda _: parse_food({}), FdcResponseError, "'fdcId' and 'description'"),
    case("parse_food id text", lambda _: parse_food({"fdcId": "abc", "description": "x"}), FdcResponseError, "fdcId"),
    case("parse_food id 0", lambda _: parse_food({"fdcId": 0, "description": "x"}), FdcResponseError, "fdcId"),
    case("parse_food desc int", lambda _: parse_food({"fdcId": 1, "description": 5}), FdcResponseError, "description"),
    case("parse_search None", lambda _: parse_search(None), FdcResponseError, "'foods' list"),
    case("parse_search foods int", lambda _: parse_search({"foods": 5}), FdcResponseError, "'foods' list"),
    case("parse_search hit None", lambda _: parse_search({"foods": [None]}), FdcResponseError, "JSON object"),
    case("parse_foods dict", lambda _: parse_foods({}), FdcResponseError, "JSON list"),
]  # fmt: skip


@pytest.mark.parametrize("bad", PY_CASES)
def test_bad_input_raises_the_documented_error(bad: Case, tmp_path: Path) -> None:
    """Each bad input raises its MagcalcError subclass, whose message names the field or fix."""
    with pytest.raises(MagcalcError) as info:
        bad.call(tmp_path)
    assert isinstance(info.value, bad.error), f"{type(info.value).__name__}: {info.value}"
    assert bad.match in str(info.value)


def test_the_matrix_is_large_and_covers_every_entry_point() -> None:
    """Issue 7 asks for at least 60 bad inputs over every public entry point."""
    assert len(PY_CASES) + len(CLI_CASES) >= 60
    assert len(PY_CASES) >= 60
    assert len(CLI_CASES) >= 20


# --------------------------------------------------------------------------- unicode that is fine


@pytest.mark.parametrize(
    ("text", "grams"),
    [
        ("１/２ cup", 90.0),  # fullwidth digits
        ("½ cup", 90.0),  # vulgar fraction
        ("1\u00a0cup", 180.0),  # no-break space
        ("1⁄2 cup", 90.0),  # fraction slash
        ("１００ g", 100.0),
    ],
)
def test_unicode_amounts_that_mean_something_are_read(text: str, grams: float) -> None:
    assert magcalc.serving("11458", text).grams == pytest.approx(grams)


# --------------------------------------------------------------------------- the command line


CLI_CASES = [
    pytest.param(["search", "kale", "--limit", "0"], "limit", id="search limit 0"),
    pytest.param(["food", "zzqqx wibble", "1", "cup"], "magcalc search", id="food unknown"),
    pytest.param(["food", "", "1", "cup"], "a food name", id="food empty"),
    pytest.param(["food", "11458", "2", "zorbs"], "1 cup (180 g)", id="food unknown unit"),
    pytest.param(["food", "11458", "-1", "cup"], "negative", id="food negative"),
    pytest.param(["food", "11458", "nan", "g"], "NaN", id="food NaN"),
    pytest.param(["food", "11458", "1e999", "g"], "infinite", id="food inf"),
    pytest.param(["food", "11458", "9" * 400 + "/1", "g"], "too large", id="food 400 digits"),
    pytest.param(["food", "11458", "1/" + "1" * 5000, "g"], "too large", id="food 5000 digits"),
    pytest.param(["food", "11458", "1", "medium"], "1 cup (180 g)", id="food no portion"),
    pytest.param(["food", "11458", "\u200b1", "cup"], "has no number", id="food zero-width"),
    pytest.param(["food", "fdc:abc", "1", "cup"], "positive whole number", id="food fdc:abc"),
    pytest.param(["targets", "--age", "-1", "--sex", "female"], "negative", id="age -1"),
    pytest.param(["targets", "--age", "nan", "--sex", "female"], "age_years", id="age nan"),
    pytest.param(["targets", "--age", "1e400", "--sex", "female"], "age_years", id="age 1e400"),
    pytest.param(["targets", "--age", "30", "--sex", "m", "--pregnant"], "sex female", id="pregnant male"),
    pytest.param(["targets", "--age", "30", "--sex", "f", "--condition", "gout"], "ppi", id="condition"),
    pytest.param(["assess", "--age", "30", "--sex", "f"], "--diary FILE", id="assess nothing"),
    pytest.param(["assess", "--age", "30", "--sex", "f", "--diary", "{tmp}/nope.csv"], "no diary file", id="diary missing"),
    pytest.param(["assess", "--age", "30", "--sex", "f", "--diary", "{tmp}/latin.csv"], "UTF-8", id="diary latin-1"),
    pytest.param(["assess", "--age", "30", "--sex", "f", "--diary", "{tmp}/semi.csv"], "comma-separated", id="diary semicolons"),
    pytest.param(["assess", "--age", "30", "--sex", "f", "--diary", "{tmp}/big.csv"], "line 2", id="diary 200k field"),
    pytest.param(["assess", "--age", "30", "--sex", "f", "--diary", "{tmp}/deep.json"], "JSON", id="diary deep json"),
    pytest.param(["assess", "--age", "30", "--sex", "f", "--diary", "{tmp}/binary.json"], "UTF-8", id="diary binary"),
    pytest.param(["assess", "--age", "30", "--sex", "f", "--diary", "{tmp}/dir.csv"], "dir.csv", id="diary folder"),
    pytest.param(["assess", "--age", "30", "--sex", "f", "--diary", "{tmp}/d.xlsx"], ".csv or .json", id="diary xlsx"),
    pytest.param(["assess", "--age", "30", "--sex", "f", "--supplement", "citrate", "abc"], "not a number of mg", id="dose text"),
    pytest.param(["assess", "--age", "30", "--sex", "f", "--supplement", "citrate", "nan"], "elemental_mg", id="dose nan"),
    pytest.param(["assess", "--age", "30", "--sex", "f", "--supplement", "citrate", "-5"], "elemental_mg", id="dose -5"),
    pytest.param(["assess", "--age", "30", "--sex", "f", "--supplement", "kryptonite", "100"], "citrate", id="form unknown"),
    pytest.param(["assess", "--age", "30", "--sex", "f", "--supplement", "citrate", "1e308"], "too large", id="dose overflow"),
    pytest.param(["assess", "--age", "30", "--sex", "f", "--label", "Magnesium 200 mg"], "form", id="label no form"),
    pytest.param(["assess", "--age", "30", "--sex", "f", "--food", "11458", "1 cup", "--sd-within", "0"], "sd_within_mg", id="sd 0"),
    pytest.param(["assess", "--age", "30", "--sex", "f", "--food", "11458", "1 cup", "--suggest", "--exclude", " "], "exclude", id="exclude blank"),
    pytest.param(["suggest", "-5"], "gap_mg", id="suggest -5"),
    pytest.param(["suggest", "abc"], "not a number of mg", id="suggest abc"),
    pytest.param(["suggest", "inf"], "gap_mg", id="suggest inf"),
    pytest.param(["suggest", "100", "--limit", "0"], "limit", id="suggest limit 0"),
]  # fmt: skip


@pytest.fixture
def cli_files(tmp_path: Path) -> Path:
    diary(tmp_path, "latin.csv", "day,food,amount\n1,jalape\xf1o,1 cup\n".encode("latin-1"))
    diary(tmp_path, "semi.csv", "day;food;amount\n1;kale;1 cup\n")
    diary(tmp_path, "big.csv", "food,amount\nkale," + "1" * 200_000 + " g\n")
    diary(tmp_path, "deep.json", "[" * 100_000 + "]" * 100_000)
    diary(tmp_path, "binary.json", bytes(range(256)))
    diary(tmp_path, "d.xlsx", b"PK\x03\x04")
    (tmp_path / "dir.csv").mkdir()
    return tmp_path


def run_cli(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        status = main(argv)
    return status, out.getvalue(), err.getvalue()


@pytest.mark.parametrize(("argv", "match"), CLI_CASES)
def test_cli_bad_input_is_one_line_and_non_zero(
    argv: list[str], match: str, cli_files: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("FDC_API_KEY", raising=False)  # no key: still no warning before the error
    status, _, err = run_cli([a.replace("{tmp}", str(cli_files)) for a in argv])
    assert status != 0
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("magcalc: error:")
    assert "Traceback" not in err
    assert match in lines[0]


# --------------------------------------------------------------------------- plausibility


def test_issue_7_a_50_kg_portion_warns_and_still_computes() -> None:
    with pytest.warns(PlausibilityWarning, match="50 kg") as record:
        result = magcalc.serving("11458", "50 kg")
    assert len(record) == 1
    assert "g, not kg" in str(record[0].message)
    assert result.grams == 50_000
    assert result.magnesium_mg == pytest.approx(43_500)  # 87 mg/100 g
    intake = Intake()
    with pytest.warns(PlausibilityWarning):
        intake.add_food("11458", 50_000)
    assert magcalc.assess(intake, person()).food_mg.magnitude == pytest.approx(43_500)


def test_issue_7_5_kg_does_not_warn() -> None:
    assert magcalc.serving("11458", "5 kg").grams == 5000  # filterwarnings=error: no warning


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(
            lambda: Supplement(form="citrate", elemental_mg=100_000), id="100 g elemental"
        ),
        pytest.param(lambda: Supplement(form="citrate", compound_mg=100_001), id="100 g compound"),
        pytest.param(
            lambda: Supplement(form="oxide", elemental_mg=1000, servings_per_day=6), id="6 g/day"
        ),
        pytest.param(
            lambda: magcalc.parse_label("Magnesium (as magnesium citrate) 100 g"), id="label 100 g"
        ),
    ],
)
def test_issue_7_100_g_of_supplement_warns_and_still_computes(
    make: Callable[[], Supplement],
) -> None:
    with pytest.warns(PlausibilityWarning, match="more than any real dose") as record:
        supplement = make()
    assert len(record) == 1
    assert "elemental_mg= against compound_mg=" in str(record[0].message)
    assert supplement.elemental_mg_per_day > 5000 or supplement.compound_mg
    intake = Intake()
    intake.add_supplement(supplement)
    report = magcalc.assess(intake, person())
    assert report.exceeds_ul is True
    assert report.supplemental_mg.magnitude == pytest.approx(supplement.elemental_mg_per_day)


def test_issue_7_real_doses_do_not_warn() -> None:
    Supplement(form="oxide", compound_mg=500)
    Supplement(form="sulfate_heptahydrate", compound_mg=30_000)  # an Epsom salt purge
    Supplement(form="citrate", elemental_mg=5000)


# --------------------------------------------------------------------------- regressions


def test_issue_7_ints_too_large_for_a_float_are_magcalc_errors() -> None:
    """float(10**400) raises OverflowError; each place now reports the field instead."""
    calls: list[Callable[[], object]] = [
        lambda: magcalc.serving("11458", HUGE_INT),
        lambda: Supplement(form="oxide", elemental_mg=HUGE_INT),
        lambda: Person(age_years=HUGE_INT, sex="female"),
        lambda: magcalc.assess(intake(), person(), sd_within_mg=HUGE_INT),
        lambda: magcalc.suggest_foods(HUGE_INT),
        lambda: report().supplement_advice(step_mg=HUGE_INT),
        lambda: FdcClient(timeout=HUGE_INT, **KEY),
        lambda: Intake.from_records([{"supplement": "oxide", "elemental_mg": HUGE_INT}]),
        lambda: magcalc.serving("11458", Q(HUGE_INT, "g")),
    ]
    for call in calls:
        with pytest.raises(MagcalcError):
            call()


def test_issue_7_numbers_with_thousands_of_digits_are_amount_errors() -> None:
    for text in ("1/" + "1" * 5000 + " g", "9" * 400 + "/1 g", "1 1/" + "7" * 5000 + " cup"):
        with pytest.raises(AmountError, match="too large to use"):
            magcalc.parse_amount(text)


def test_issue_7_amounts_that_overflow_are_errors_not_infinity() -> None:
    with pytest.raises(AmountError, match="too large"):
        magcalc.serving("11458", "1e308 kg")
    with pytest.raises(AmountError, match="too large"):
        magcalc.serving("11458", Q(1e308, "kg"))
    with pytest.raises(SupplementError, match="too large"):
        Supplement(form="oxide", elemental_mg=1e308, servings_per_day=1e308)


@pytest.mark.filterwarnings("ignore::magcalc.errors.PlausibilityWarning")
def test_issue_7_an_intake_whose_sum_overflows_is_an_error() -> None:
    foods = Intake()
    for _ in range(400):
        foods.add_food("kale", 1e306)  # each entry finite, the sum is not
    with pytest.raises(InputError, match="add up to more magnesium"):
        magcalc.assess(foods, person())
    supplements = Intake()
    for _ in range(20):
        supplements.add_supplement(Supplement(form="oxide", elemental_mg=1e307))
    with pytest.raises(InputError, match="g, not kg"):
        magcalc.assess(supplements, person())


def test_issue_7_huge_sd_within_does_not_overflow() -> None:
    result = magcalc.assess(intake(), person(), sd_within_mg=1e200)
    assert result.probability_adequate == pytest.approx(0.5)


def test_issue_7_model_validation_errors_are_magcalc_errors() -> None:
    """pydantic's ValidationError never leaks from public models (Supplement, Food, Portion)."""
    with pytest.raises(SupplementError, match="elemental_mg"):
        Supplement.model_validate({"form": "oxide", "elemental_mg": "x"})
    with pytest.raises(SupplementError):
        Supplement.model_validate(5)
    with pytest.raises(SupplementError, match="elemental_mg"):
        Supplement.model_validate_json('{"form": "oxide", "elemental_mg": -1}')
    with pytest.raises(InputError, match="magnesium_mg_per_100g"):
        Food(fdc_id=1, description="x", magnesium_mg_per_100g=math.inf)
    with pytest.raises(InputError, match="fdc_id"):
        Food(description="x")
    with pytest.raises(InputError, match="gram_weight"):
        Portion(seq=1, amount=1, unit_description="cup", gram_weight=-5)
    with pytest.raises(InputError, match="amount"):
        Portion.model_validate_json(
            '{"seq": 1, "amount": 0, "unit_description": "c", "gram_weight": 1}'
        )


def test_issue_7_diary_sources_that_are_not_rows() -> None:
    for records in (None, 5, "food,amount", {"food": "kale", "amount": "1 cup"}):
        with pytest.raises(DiaryError, match="list of rows"):
            Intake.from_records(records)  # type: ignore[arg-type]
    for path in (None, 5, ""):
        with pytest.raises(DiaryError, match=r"diary\.csv"):
            Intake.read(path)  # type: ignore[arg-type]


def test_issue_7_unreadable_diary_files(tmp_path: Path) -> None:
    folder = tmp_path / "diary.csv"
    folder.mkdir()
    with pytest.raises(DiaryError, match="cannot read the diary"):
        Intake.read(folder)
    with pytest.raises(DiaryError, match="cannot read the diary"):
        Intake.read_json(folder)
    big = diary(tmp_path, "big.csv", "day,food,amount\n1,kale," + "1" * 200_000 + " g\n")
    with pytest.raises(DiaryError, match="field larger than field limit"):
        Intake.read(big)
    deep = diary(tmp_path, "deep.json", "[" * 100_000 + "]" * 100_000)
    with pytest.raises(DiaryError, match="not valid UTF-8 JSON"):
        Intake.read(deep)
    digits = diary(tmp_path, "digits.json", '[{"food": "kale", "amount": ' + "1" * 5000 + "}]")
    with pytest.raises(DiaryError, match="not valid UTF-8 JSON"):
        Intake.read(digits)


def test_issue_7_absorption_arguments() -> None:
    with pytest.raises(InputError, match="mapping of form"):
        magcalc.assess(intake(), person(), absorption="citrate")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="at most 1"):
        magcalc.assess(intake(), person(), food_absorption=(0.3, 0.5, 1.5))
    supplemented = intake()
    supplemented.add_supplement(Supplement(form="oxide", elemental_mg=100))
    with pytest.raises(InputError, match="overflow"):
        magcalc.assess(supplemented, person(), absorption={"oxide": (1e308, 1e308, 1e308)})


def test_issue_7_suggestion_arguments() -> None:
    with pytest.raises(InputError, match="exclude="):
        magcalc.suggest_foods(100, exclude=5)  # type: ignore[arg-type]
    with pytest.raises(InputError, match="prefer="):
        magcalc.suggest_foods(100, prefer=3.5)  # type: ignore[arg-type]
    with pytest.raises(InputError, match="step_mg"):
        report().supplement_advice(step_mg=math.inf)  # returned dose_mg=nan before
    with pytest.raises(InputError, match="gap_mg"):
        supplement_advice("report", ul_supplemental_mg=350, n_days=3)  # type: ignore[arg-type]
    with pytest.raises(InputError, match="n_days"):
        supplement_advice(50, ul_supplemental_mg=350, n_days=0)
    with pytest.raises(InputError, match="current_supplemental_mg must not be negative"):
        supplement_advice(50, ul_supplemental_mg=350, current_supplemental_mg=-100, n_days=3)
    with pytest.raises(InputError, match="ul_supplemental_mg must not be negative"):
        supplement_advice(50, ul_supplemental_mg=-1, n_days=3)


def test_issue_7_plot_ax_must_be_axes() -> None:
    pytest.importorskip("matplotlib")
    with pytest.raises(InputError, match="matplotlib Axes"):
        report().plot(ax="left")
    with pytest.raises(InputError, match="matplotlib Axes"):
        report().plot("days", ax=object())


def test_issue_7_fdc_client_arguments() -> None:
    with pytest.raises(InputError, match="backoff_factor"):
        FdcClient(backoff_factor="-1", **KEY)  # compared str < int before
    assert FdcClient(backoff_factor="0.25", **KEY).backoff_factor == 0.25
    for expire in ("soon", -5, math.nan, None, True):
        with pytest.raises(InputError, match="cache_expire_after"):
            FdcClient(cache_expire_after=expire, **KEY)
    for cache in ("", "  ", "a\x00b"):
        with pytest.raises(InputError, match="folder path"):
            FdcClient(api_key="test-key-123456", cache=cache)
    for types in (5, None):
        with pytest.raises(InputError, match="data_types"):
            FdcClient(**KEY).search("x", data_types=types)  # type: ignore[arg-type]
    for ids in (None, 5.5):
        with pytest.raises(InputError, match="fdc_ids"):
            FdcClient(**KEY).foods(ids)  # type: ignore[arg-type]


def test_issue_7_parse_food_tolerates_junk_fields() -> None:
    base = {"fdcId": 7, "description": "Junk"}
    for key in ("foodNutrients", "foodPortions", "foodMeasures"):
        for junk in (5, "text", {"a": 1}, True):
            food = parse_food({**base, key: junk})
            assert food.fdc_id == 7
            assert food.magnesium_mg_per_100g is None
            assert food.portions == ()
    overflow = parse_food(
        {**base, "foodNutrients": [{"number": "304", "amount": 1e308, "unitName": "g"}]}
    )
    assert overflow.magnesium_mg_per_100g is None  # was inf
    assert "out of range" in overflow.magnesium_note
    huge = parse_food({**base, "foodNutrients": [{"number": "304", "amount": HUGE_INT}]})
    assert huge.magnesium_mg_per_100g is None  # was OverflowError
    label = parse_food(
        {
            **base,
            "dataType": "Branded",
            "servingSize": 1e-320,
            "servingSizeUnit": "g",
            "labelNutrients": {"magnesium": {"value": 1e308}},
        }
    )
    assert label.magnesium_mg_per_100g is None  # was inf
    for bad_id in (0, -1):
        with pytest.raises(FdcResponseError, match="fdcId"):
            parse_food({**base, "fdcId": bad_id})


def test_issue_7_cli_bad_fdc_id_fails_before_the_key_warning(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("FDC_API_KEY", raising=False)
    for argv in (["food", "fdc:abc", "1", "cup"], ["fdc", "food", "-3"]):
        status, _, err = run_cli(argv)
        assert status == 1
        assert err.splitlines() == [
            "magcalc: error: an FDC id must be a positive whole number such as 2262072, "
            f"not {argv[1].removeprefix('fdc:') if argv[0] == 'food' else argv[2]!r}"
        ]


def test_errors_from_the_matrix_pickle() -> None:
    """Errors raised for bad input survive pickling with their message and field."""
    with pytest.raises(MagcalcError) as info:
        Intake.from_records([{"food": "kale", "amount": "lots"}])
    clone = pickle.loads(pickle.dumps(info.value))
    assert str(clone) == str(info.value)
    assert json.dumps(str(clone))


def test_issue_7_unknown_food_message_without_suggestions_is_two_sentences() -> None:
    """Without suggestions the message read "no food matches '99999' Use ..."."""
    message = str(magcalc.UnknownFoodError("99999"))
    assert message.startswith("no food matches '99999'. Use magcalc.search_foods(")
