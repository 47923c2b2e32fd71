"""Intake and assess(): totals, reference comparisons, IOM 2000 probability, UL, warnings."""

from __future__ import annotations

import json
import math
import pickle
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import magcalc
from magcalc import Intake, Person, Supplement, assess

WOMAN = Person(age_years=34, sex="female")  # IOM 1997 females 31-50: EAR 265, RDA 320, UL 350
MAN = Person(age_years=40, sex="male")  # IOM 1997 males 31-50: EAR 350, RDA 420, UL 350
SPINACH = "11458"  # 87 mg/100 g, 1 cup = 180 g (../shared/usda/README.md)
ALMONDS = "12061"  # 270 mg/100 g


def phi(z: float) -> float:
    return 0.5 * (1 + math.erf(z / math.sqrt(2)))


def day_of_spinach(cups: str = "1 cup") -> Intake:
    intake = Intake()
    intake.add_food(SPINACH, cups)
    return intake


def test_single_food_day() -> None:
    report = assess(day_of_spinach(), WOMAN)
    # 180 g x 87 mg/100 g = 156.6 mg
    assert report.food_mg.magnitude == pytest.approx(156.6)
    assert report.supplemental_mg.magnitude == 0
    assert report.total_mg.magnitude == pytest.approx(156.6)
    assert str(report.total_mg.units) == "milligram / day"
    assert report.target_kind == "RDA"
    assert report.target_mg.magnitude == 320
    assert report.percent_of_target == pytest.approx(100 * 156.6 / 320)
    assert report.ear_mg.magnitude == 265
    assert report.ul_supplemental_mg.magnitude == 350
    assert report.exceeds_ul is False
    assert any("one day" in w for w in report.warnings)


def test_probability_follows_iom_2000() -> None:
    """z = (mean - EAR) / sqrt((0.1 EAR)^2 + SD_within^2 / n), SD_within 86 mg for women."""
    intake = Intake()
    for day in (1, 2, 3):
        intake.add_food(SPINACH, "1 cup", day=day)
        intake.add_food(ALMONDS, "1 oz", day=day)
    report = assess(intake, WOMAN)
    mean = 156.6 + 28.349523125 * 2.70
    z = (mean - 265) / math.sqrt(26.5**2 + 86**2 / 3)
    assert report.n_days == 3
    assert report.sd_within_mg is not None and report.sd_within_mg.magnitude == 86
    assert report.probability_adequate == pytest.approx(phi(z))
    # a caller's own SD is used as given
    mine = assess(intake, WOMAN, sd_within_mg=50)
    z50 = (mean - 265) / math.sqrt(26.5**2 + 50**2 / 3)
    assert mine.probability_adequate == pytest.approx(phi(z50))


def test_iom_worked_example_scale() -> None:
    """IOM 2000 p. 56: a woman whose 3-day mean equals the EAR has a 50 % chance."""
    intake = Intake()
    intake.add_supplement(Supplement(form="citrate", elemental_mg=265), day=None)
    intake.add_food(SPINACH, 0, day=1)
    intake.add_food(SPINACH, 0, day=2)
    intake.add_food(SPINACH, 0, day=3)
    report = assess(intake, WOMAN)
    assert report.total_mg.magnitude == pytest.approx(265)
    assert report.probability_adequate == pytest.approx(0.5)


def test_supplement_every_day_and_ul() -> None:
    intake = Intake()
    intake.add_food(SPINACH, "1 cup", day=1)
    intake.add_food(SPINACH, "1 cup", day=2)
    intake.add_supplement(Supplement(form="oxide", compound_mg=500), day=None)
    report = assess(intake, WOMAN)
    oxide = 500 * magcalc.get_form("oxide").elemental_fraction  # 301.5 mg
    assert report.supplemental_mg.magnitude == pytest.approx(oxide)
    assert report.exceeds_ul is False  # 301.5 < 350
    intake.add_supplement(Supplement(form="citrate", elemental_mg=100), day=2)
    over = assess(intake, WOMAN)
    assert over.max_daily_supplemental_mg.magnitude == pytest.approx(oxide + 100)
    assert over.exceeds_ul is True
    assert any("upper limit" in w for w in over.warnings)


def test_food_never_counts_toward_the_ul() -> None:
    intake = Intake()
    intake.add_food(ALMONDS, "300 g")  # 810 mg from food
    report = assess(intake, MAN)
    assert report.total_mg.magnitude == pytest.approx(810)
    assert report.exceeds_ul is False


def test_ai_only_draws_only_allowed_conclusions() -> None:
    baby = Person(age_months=9, sex="female")  # IOM 1997 7-12 months: AI 75, no EAR, no UL
    intake = Intake()
    intake.add_food("bananas raw", "50 g")
    report = assess(intake, baby)
    assert report.target_kind == "AI"
    assert report.ear_mg is None
    assert report.probability_adequate is None
    assert report.confidence_above_ai is not None
    assert "cannot be judged inadequate" in report.conclusion
    assert report.ul_supplemental_mg is None
    assert report.exceeds_ul is None


def test_foods_without_data_are_reported_not_zeroed() -> None:
    from magcalc.foods import FoodTable

    table = FoodTable.default()
    missing = table.fdc_ids[table.magnesium.index(None)]
    intake = day_of_spinach()
    intake.add_food(missing, "100 g")
    report = assess(intake, WOMAN)
    assert report.food_mg.magnitude == pytest.approx(156.6)
    assert report.daily[0].foods_without_data == 1
    unknown = [i for i in report.items if i.magnesium_mg is None]
    assert len(unknown) == 1
    assert unknown[0].share is None
    assert any("lower bound" in w for w in report.warnings)


def test_items_add_up_to_the_total() -> None:
    intake = Intake()
    intake.add_food(SPINACH, "1/2 cup", day=1)
    intake.add_food(ALMONDS, "1 oz", day=2)
    intake.add_supplement("Magnesium (as magnesium citrate) 200 mg", day=None)
    report = assess(intake, WOMAN)
    per_day = sum(i.per_day_mg or 0 for i in report.items)
    assert per_day == pytest.approx(report.total_mg.magnitude)
    assert sum(i.share or 0 for i in report.items) == pytest.approx(1)


def test_effective_estimate_is_a_labelled_range() -> None:
    intake = day_of_spinach()
    intake.add_supplement(Supplement(form="oxide", elemental_mg=100))
    e = assess(intake, WOMAN).effective_mg
    # food 156.6 x 0.30/0.35/0.40 (NIH ODS) + oxide 100 x 0.36/0.5/0.97 x the same fractions
    assert e.low.magnitude == pytest.approx(156.6 * 0.30 + 100 * 0.36 * 0.30)
    assert e.central.magnitude == pytest.approx(156.6 * 0.35 + 100 * 0.5 * 0.35)
    assert e.high.magnitude == pytest.approx(156.6 * 0.40 + 100 * 0.97 * 0.40)
    assert "estimate" in e.label
    custom = assess(intake, WOMAN, absorption={"oxide": (1, 1, 1)}, food_absorption=(0.5, 0.5, 0.5))
    assert custom.effective_mg.central.magnitude == pytest.approx(0.5 * (156.6 + 100))


def test_other_frameworks() -> None:
    report = assess(day_of_spinach(), WOMAN, framework="EFSA2015")
    assert report.framework == "EFSA2015"
    assert report.target_kind == "AI"
    assert report.target_mg.magnitude == 300  # EFSA 2015 adult women AI
    assert report.probability_adequate is None
    with pytest.raises(magcalc.UnknownFrameworkError, match="IOM1997"):
        assess(day_of_spinach(), WOMAN, framework="NOPE")


def test_json_round_trip_and_pickle() -> None:
    intake = day_of_spinach()
    intake.add_supplement(Supplement(form="glycinate", elemental_mg=120))
    report = assess(intake, WOMAN)
    data = json.loads(report.to_json())
    assert data["total_mg"] == pytest.approx(276.6)
    assert data["effective_mg"]["central"] > 0
    again = type(report).model_validate_json(report.to_json())
    assert again.total_mg.magnitude == pytest.approx(report.total_mg.magnitude)
    assert pickle.loads(pickle.dumps(report)).to_dict() == report.to_dict()
    assert "magnesium [mg/day]" in json.dumps(type(report).model_json_schema())


def test_text_report() -> None:
    text = str(assess(day_of_spinach(), WOMAN))
    assert "females 31-50" in text
    assert "157 mg" in text
    assert "Source: Institute of Medicine" in text


@pytest.mark.parametrize(
    ("call", "error"),
    [
        (lambda: assess(Intake(), WOMAN), magcalc.InputError),
        (lambda: assess("spinach", WOMAN), magcalc.InputError),
        (lambda: assess(day_of_spinach(), {"age": 3}), magcalc.InputError),
        (lambda: assess(day_of_spinach(), WOMAN, sd_within_mg=-1), magcalc.InputError),
        (lambda: assess(day_of_spinach(), WOMAN, sd_within_mg=float("nan")), magcalc.InputError),
        (
            lambda: assess(day_of_spinach(), WOMAN, food_absorption=(0.5, 0.1, 0.9)),
            magcalc.InputError,
        ),
        (lambda: Intake().add_food(SPINACH, "1 cup", day=True), magcalc.InputError),
        (lambda: Intake().add_food(SPINACH, "1 cup", day=""), magcalc.InputError),
        (lambda: Intake().add_supplement(42), magcalc.InputError),
        (lambda: Intake().add_supplement("Magnesium 200 mg"), magcalc.SupplementError),
    ],
)
def test_bad_input(call, error) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(error):
        call()


# ------------------------------------------------------------------ diaries


def test_diary_csv(tmp_path: Path) -> None:
    path = tmp_path / "diary.csv"
    path.write_text(
        "day,food,amount,supplement,elemental_mg,compound_mg\n"
        "1,spinach boiled,1 cup,,,\n"
        "2,almonds,28.35,,,\n"
        "all,,,citrate,200,\n"
        "2,,,oxide,,500\n",
        encoding="utf-8",
    )
    intake = Intake.read(path)
    assert intake.days == [1, 2]
    report = assess(intake, WOMAN)
    expected_food = (156.6 + 28.35 * 2.70) / 2
    assert report.food_mg.magnitude == pytest.approx(expected_food)
    oxide = 500 * magcalc.get_form("oxide").elemental_fraction
    assert report.supplemental_mg.magnitude == pytest.approx(200 + oxide / 2)


def test_diary_json(tmp_path: Path) -> None:
    path = tmp_path / "diary.json"
    path.write_text(
        json.dumps(
            {
                "entries": [
                    {"day": 1, "food": SPINACH, "amount": "1 cup"},
                    {"supplement": "Magnesium (as magnesium glycinate) 100 mg"},
                ]
            }
        )
    )
    report = assess(Intake.read(path), WOMAN)
    assert report.total_mg.magnitude == pytest.approx(256.6)


@pytest.mark.parametrize(
    ("content", "match"),
    [
        ("day;food;amount\n1;kale;1 cup\n", "no 'food' or 'supplement' column"),
        ("day,food\n1,kale\n", "row 1: .*amount"),
        ("day,food,amount\n1,kale,1 blorp\n", "row 1: .*unknown unit"),
        ("day,food,amount\n1,zzqqxx,1 cup\n", "row 1: .*no food matches"),
        ("day,supplement,elemental_mg\n1,oxide,lots\n", "row 1: .*number"),
        ("day,food,amount\n", "no rows"),
    ],
)
def test_bad_diaries(tmp_path: Path, content: str, match: str) -> None:
    path = tmp_path / "diary.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(magcalc.DiaryError, match=match):
        Intake.read(path)


def test_diary_bad_encoding_and_missing(tmp_path: Path) -> None:
    path = tmp_path / "diary.csv"
    path.write_bytes("day,food,amount\n1,cr\xe8me,1 cup\n".encode("latin-1"))
    with pytest.raises(magcalc.DiaryError, match="UTF-8"):
        Intake.read(path)
    with pytest.raises(magcalc.DiaryError, match="no diary file"):
        Intake.read(tmp_path / "missing.csv")
    with pytest.raises(magcalc.DiaryError, match=r"\.csv or \.json"):
        Intake.read(tmp_path / "diary.xlsx")


# ------------------------------------------------------------------ properties

foods = st.sampled_from([SPINACH, ALMONDS, "09040", "16015"])
grams = st.floats(min_value=0, max_value=1000, allow_nan=False)
people = st.builds(
    Person,
    age_years=st.floats(min_value=1, max_value=100),
    sex=st.sampled_from(["female", "male"]),
)


@given(
    entries=st.lists(st.tuples(foods, grams, st.integers(1, 4)), min_size=1, max_size=8),
    person=people,
)
def test_total_is_sum_of_items(entries: list[tuple[str, float, int]], person: Person) -> None:
    intake = Intake()
    for food, g, day in entries:
        intake.add_food(food, g, day=day)
    report = assess(intake, person)
    assert report.total_mg.magnitude == pytest.approx(
        sum(d.total_mg for d in report.daily) / report.n_days
    )
    assert report.total_mg.magnitude == pytest.approx(sum(i.per_day_mg or 0 for i in report.items))
    assert report.total_mg.magnitude >= 0


@given(
    entries=st.lists(st.tuples(foods, grams), min_size=1, max_size=5),
    elemental=st.floats(min_value=0, max_value=2000, allow_nan=False),
    person=people,
)
def test_supplement_never_lowers_total_and_food_never_triggers_ul(
    entries: list[tuple[str, float]], elemental: float, person: Person
) -> None:
    intake = Intake()
    for food, g in entries:
        intake.add_food(food, g)
    without = assess(intake, person)
    assert without.exceeds_ul in (False, None)  # food alone never exceeds the UL
    intake.add_supplement(Supplement(form="citrate", elemental_mg=elemental))
    with_supp = assess(intake, person)
    assert with_supp.total_mg.magnitude >= without.total_mg.magnitude
    assert with_supp.food_mg.magnitude == pytest.approx(without.food_mg.magnitude)
    if with_supp.probability_adequate is not None and without.probability_adequate is not None:
        assert with_supp.probability_adequate >= without.probability_adequate - 1e-12


# --------------------------------------------------------------------------- advice a clinician signs


def almond_days(mg_per_day: float, days: int) -> Intake:
    """Almonds (270 mg/100 g) giving exactly `mg_per_day` on each of `days` days."""
    intake = Intake()
    for day in range(1, days + 1):
        intake.add_food(ALMONDS, mg_per_day / 270 * 100, day=day)
    return intake


def test_iom_worked_example_reads_adequate() -> None:
    """
    IOM 2000 p. 54: a woman of 31-50 with 3 days at 320 mg: D = 55, SD_D = 56, "a value of
    about 1 implies an 85 percent probability of correctly concluding that this intake is
    adequate". z = 55 / sqrt(26.5^2 + 86^2 / 3) = 0.977, read as IOM reads it.
    """
    report = assess(almond_days(320, 3), WOMAN)
    assert report.probability_adequate == pytest.approx(phi(55 / math.sqrt(26.5**2 + 86**2 / 3)))
    assert round(report.probability_adequate, 2) == 0.84
    assert "likely adequate" in report.conclusion
    # z = 40 / 56.2 = 0.71 (300 mg): still uncertain
    assert "uncertain" in assess(almond_days(300, 3), WOMAN).conclusion
    # z = -55 / 56.3 = -0.98 (210 mg): read as about -1, likely inadequate
    assert "likely inadequate" in assess(almond_days(210, 3), WOMAN).conclusion


def test_an_ai_result_flags_its_approximate_within_person_sd() -> None:
    """EFSA adults have only an AI; the 120 mg/day SD behind it is an approximation."""
    report = assess(almond_days(400, 3), MAN, framework="EFSA2015")
    assert report.confidence_above_ai is not None
    assert any("Within-person SD 120 mg/day" in w and "approximation" in w for w in report.warnings)


@pytest.mark.parametrize("framework", ["DACH2021", "WHO2004", "US_DV2016", "EU_NRV2011"])
def test_a_man_of_40_over_the_ul_is_told_so_under_every_framework(framework: str) -> None:
    intake = almond_days(300, 3)
    intake.add_supplement(Supplement(form="citrate", elemental_mg=1000), day=None)
    report = assess(intake, MAN, framework=framework)
    assert report.exceeds_ul is True
    text = report.summary()
    assert "over the" in text and "limit for supplemental magnesium" in text
    assert "infants" not in text and "formula" not in text
    if report.references.ul_basis == "fallback":
        assert "sets none of its own" in text
        assert any("no UL" in w for w in report.warnings)


def test_the_infant_sentence_is_for_infants_only() -> None:
    intake = Intake()
    intake.add_food("09040", "20 g")
    intake.add_supplement(Supplement(form="citrate", elemental_mg=20), day=None)
    infant = assess(intake, Person(age_months=8, sex="female")).summary()
    assert "food and formula only" in infant
    toddler = assess(intake, Person(age_years=2, sex="female"), framework="EFSA2015").summary()
    assert "formula" not in toddler and "SCF2001 sets no upper limit" in toddler


def test_risk_notes_and_probability_wording_agree_in_every_view() -> None:
    person = Person(age_years=50, sex="male", conditions=["PPI", "type 2 diabetes"])
    report = assess(almond_days(900, 3), person)
    assert report.probability_adequate is not None and report.probability_adequate > 0.995
    text, html_view, summary = str(report), report._repr_html_(), report.summary()
    for view in (text, html_view, summary):
        assert "long-term proton-pump inhibitor use" in view
        assert "type 2 diabetes" in view
    assert "over 99%" in text and "over 99%" in html_view and "100%" not in html_view
    # The conclusion and the risk notes come before the numbers in the notebook view.
    assert html_view.index(report.conclusion.replace("'", "&#x27;")) < html_view.index("<table")
    assert html_view.index("proton-pump") < html_view.index("<table")


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ('{"food_entries": [{"day": "", "serving": {}}]}', "day label is empty"),
        ('{"bogus": 1}', "bogus: is not a known argument"),
        ("not json", "Invalid JSON"),
    ],
)
def test_an_intake_from_bad_json_is_an_input_error(text: str, match: str) -> None:
    with pytest.raises(magcalc.InputError, match=match):
        Intake.model_validate_json(text)


def test_every_amount_of_an_assessment_is_a_quantity_in_mg_per_day() -> None:
    """One rule for the assessment's own figures: a field ending in _mg is a Quantity in
    mg/day (the SD within was once a bare float beside a Quantity EAR)."""
    report = assess(almond_days(320, 3), WOMAN)
    fields = [name for name in type(report).model_fields if name.endswith("_mg")]
    assert "sd_within_mg" in fields and "ear_mg" in fields
    for name in fields:
        value = getattr(report, name)
        if name == "effective_mg":
            value = value.central
        assert str(value.units) == "milligram / day", name
    assert report.to_dict()["sd_within_mg"] == 86  # JSON stays a plain number [mg/day]
