"""Food-first suggestions, supplement advice within the UL, risk notes, the plain summary."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

import magcalc
from magcalc import Intake, Person, Supplement, assess, suggest_foods
from magcalc.dri import risk_factor, risk_factors
from magcalc.suggestions import DIETS, GOOD_SOURCE_MG, supplement_advice

WOMAN = Person(age_years=34, sex="female")  # IOM 1997: EAR 265, RDA 320, UL 350


def spinach_day(amount: str = "1 cup") -> Intake:
    intake = Intake()
    intake.add_food("11458", amount)  # 87 mg/100 g, 1 cup = 180 g
    return intake


def spinach_days(amount: str = "1 cup", n: int = 3) -> Intake:
    intake = Intake()
    for day in range(1, n + 1):
        intake.add_food("11458", amount, day=day)
    return intake


# ------------------------------------------------------------------ foods


@pytest.mark.parametrize("portions", ["common", "all"])
def test_suggestions_use_real_portions(portions: str) -> None:
    result = suggest_foods(200, portions=portions, limit=15)  # type: ignore[arg-type]
    assert result.foods
    for s in result.foods:
        assert s.portion in s.food.portions  # a real USDA portion of that food
        assert s.grams == pytest.approx(s.portion.grams_per_unit)
        assert s.magnesium_mg == pytest.approx(
            s.food.magnesium_mg_per_100g * s.grams / 100, abs=0.05
        )
        assert s.food.food_group not in ("Baby Foods", "Fast Foods", "Restaurant Foods")
        assert not any(w.isupper() and len(w) > 2 for w in s.food.description.replace(",", " ").split()
                       if w not in ("NFS", "USDA"))  # fmt: skip
    values = [round(s.magnesium_mg) for s in result.foods]  # ranked by whole mg, then salt
    assert values == sorted(values, reverse=True)


def test_plan_reaches_the_gap_with_the_fewest_portions() -> None:
    result = suggest_foods(300, limit=10)
    assert result.reaches_gap
    assert result.plan_mg == pytest.approx(sum(s.magnesium_mg for s in result.plan), abs=0.1)
    assert result.plan_mg >= 300
    # fewest: dropping the last food of the plan falls short of the gap
    assert sum(s.magnesium_mg for s in result.plan[:-1]) < 300


@pytest.mark.parametrize("gap", [5.6, 30, 60, 150])
def test_a_small_gap_gets_the_smallest_good_source_not_the_largest(gap: float) -> None:
    """The plan closes the gap with the least excess, from good sources (>= 42 mg)."""
    result = suggest_foods(gap, limit=10)
    assert len(result.plan) == 1 and result.reaches_gap
    every = suggest_foods(gap, portions="common", limit=10_000).foods
    reaching = [s.magnesium_mg for s in every if s.magnesium_mg >= max(gap, GOOD_SOURCE_MG)]
    assert result.plan[0].magnesium_mg == min(reaching)
    assert result.plan_mg < 264  # not the oat-bran muffin (1 extra large, 264 mg)


def test_plan_may_fall_short_and_says_so() -> None:
    result = suggest_foods(100_000, limit=3)
    assert not result.reaches_gap
    assert len(result.plan) == 3
    assert "short of the gap" in str(result)


def test_no_gap() -> None:
    result = suggest_foods(0)
    assert result.foods == ()
    assert result.reaches_gap


@pytest.mark.parametrize("diet", ["vegan", "vegetarian", "nut allergy", "dairy free"])
def test_exclusions_are_respected(diet: str) -> None:
    groups, words = DIETS[diet]
    for s in suggest_foods(400, exclude=diet, portions="all", limit=40).foods:
        assert s.food.food_group not in groups
        assert not any(w in s.food.description.lower().split(", ")[0] for w in words if len(w) > 3)


@pytest.mark.parametrize("diet", ["vegan", "dairy free", "gluten free", "nut allergy"])
def test_diets_leave_out_composite_foods_whose_ingredients_are_unseen(diet: str) -> None:
    """An oat-bran muffin holds egg and milk though its USDA name does not say so."""
    result = suggest_foods(400, exclude=diet, portions="all", limit=200)
    assert result.foods
    for s in (*result.foods, *result.plan):
        assert s.food.food_group not in ("Baked Products", "Sweets", "Snacks", "Breakfast Cereals")
        assert "muffin" not in s.food.description.lower()


def test_gluten_free_leaves_out_wheat_oats_and_pasta() -> None:
    for s in suggest_foods(400, exclude="gluten free", portions="all", limit=200).foods:
        low = s.food.description.lower()
        assert not re.search(r"\b(wheat|oat|pasta|barley|bread)", low), low


@pytest.mark.parametrize("value", ["keto", "paleo", "vegann"])
def test_an_unknown_filter_is_an_error_listing_the_diets(value: str) -> None:
    with pytest.raises(magcalc.InputError, match=r"not a diet magcalc knows.*vegan"):
        suggest_foods(100, exclude=value)
    with pytest.raises(magcalc.InputError, match="prefer="):
        suggest_foods(100, prefer=value)


def test_exclude_and_prefer_by_group_and_word() -> None:
    legumes = "Legumes and Legume Products"
    result = suggest_foods(200, exclude=[legumes, "spinach"], limit=20)
    assert all(s.food.food_group != legumes for s in result.foods)
    assert all("spinach" not in s.food.description.lower() for s in result.foods)
    preferred = suggest_foods(200, prefer="Nut and Seed Products", limit=5)
    assert preferred.foods[0].food.food_group == "Nut and Seed Products"


@pytest.mark.parametrize(
    "kwargs",
    [{"gap_mg": -1}, {"gap_mg": float("nan")}, {"gap_mg": "100"}, {"gap_mg": 10, "limit": 0},
     {"gap_mg": 10, "portions": "some"}, {"gap_mg": 10, "exclude": [3]}],
)  # fmt: skip
def test_bad_arguments(kwargs: dict[str, object]) -> None:
    with pytest.raises(magcalc.InputError):
        suggest_foods(**kwargs)  # type: ignore[arg-type]


def test_assessment_suggestions() -> None:
    report = assess(spinach_day(), WOMAN)
    result = report.suggestions(exclude="vegan")
    assert result.gap_mg == pytest.approx(320 - 156.6)
    assert result.reaches_gap


# ------------------------------------------------------------------ supplement advice


def test_advice_closes_gap_within_ul() -> None:
    advice = assess(spinach_days(), WOMAN).supplement_advice()
    gap = 320 - 156.6
    assert advice.dose_mg == 165  # 163.4 rounded up to 5 mg, within the 350 mg UL
    assert advice.closes_gap
    assert advice.ul_supplemental_mg == 350
    citrate = next(o for o in advice.options if o.form == "citrate")
    assert citrate.compound_mg == pytest.approx(
        165 / magcalc.get_form("citrate").elemental_fraction, abs=0.1
    )
    assert advice.gap_mg == pytest.approx(gap, abs=0.05)


def test_no_dose_from_a_single_day() -> None:
    """IOM 2000: one day says little about usual intake; record more days first."""
    advice = assess(spinach_day(), WOMAN).supplement_advice()
    assert (advice.dose_mg, advice.closes_gap, advice.options, advice.n_days) == (0, False, (), 1)
    assert "Record at least two more" in advice.message
    assert "clinician" in advice.message


def test_every_dose_carries_the_kidney_and_interaction_cautions() -> None:
    advice = assess(spinach_days(), WOMAN).supplement_advice()
    text = " ".join(advice.cautions)
    assert "kidney function" in text and "toxicity" in text
    assert "bisphosphonates" in text and "2 hours apart" in text
    assert "tetracycline and quinolone antibiotics" in text
    assert all("NIH Office of Dietary Supplements" in c for c in advice.cautions[:3])
    assert "discuss supplements with a clinician" in advice.message
    assert "kidney" in str(advice)


def test_a_dose_short_of_the_gap_does_not_claim_to_close_it() -> None:
    """Headroom 5 mg under the UL for a 5.6 mg gap: 5 mg, and closes_gap is False."""
    # Woman (RDA 320, UL 350): food 14.4 mg/day and 300 mg supplemental leave a gap of
    # 5.6 mg and headroom 50. A man of 40 (RDA 420) with 345 mg supplemental: gap 60.6,
    # headroom 5.
    grams = 14.4 / 87 * 100  # spinach, 87 mg/100 g
    intake = Intake()
    for day in (1, 2, 3):
        intake.add_food("11458", grams, day=day)
    intake.add_supplement(Supplement(form="citrate", elemental_mg=300), day=None)
    report = assess(intake, WOMAN)
    advice = report.supplement_advice()
    assert advice.gap_mg == pytest.approx(5.6)
    assert (advice.dose_mg, advice.closes_gap) == (10, True)  # 5.6 rounded up, within 50
    intake.add_supplement(Supplement(form="citrate", elemental_mg=45), day=None)
    report = assess(intake, Person(age_years=40, sex="male"))  # RDA 420: gap 60.6
    advice = report.supplement_advice()
    assert advice.headroom_mg == 5 and advice.dose_mg == 5
    assert not advice.closes_gap


def test_advice_when_gap_exceeds_ul() -> None:
    intake = spinach_days("1/4 cup")
    intake.add_supplement(Supplement(form="citrate", elemental_mg=300), day=None)
    man = Person(age_years=40, sex="male")  # RDA 420, UL 350
    advice = assess(intake, man).supplement_advice()
    assert advice.dose_mg == 50  # only 350 - 300 left under the UL
    assert not advice.closes_gap
    assert "cannot be closed within" in advice.message


def test_no_advice_for_infants() -> None:
    intake = Intake()
    intake.add_food("09040", "20 g")
    advice = assess(intake, Person(age_months=8, sex="female")).supplement_advice()
    assert advice.dose_mg == 0
    assert advice.options == ()
    assert "food and formula only" in advice.message


def test_no_advice_when_target_met() -> None:
    intake = spinach_days("3 cups")
    advice = assess(intake, WOMAN).supplement_advice()
    assert advice.dose_mg == 0
    assert advice.closes_gap


ages = st.floats(min_value=1, max_value=100)


@given(
    age=ages,
    sex=st.sampled_from(["female", "male"]),
    grams=st.floats(min_value=0, max_value=400),
    supplemental=st.floats(min_value=0, max_value=600),
)
def test_advice_never_exceeds_the_ul(
    age: float, sex: str, grams: float, supplemental: float
) -> None:
    intake = Intake()
    for day in (1, 2):
        intake.add_food("11458", grams, day=day)
    if supplemental:
        intake.add_supplement(Supplement(form="oxide", elemental_mg=supplemental), day=None)
    report = assess(intake, Person(age_years=age, sex=sex))
    advice = report.supplement_advice()
    ul = report.ul_supplemental_mg.magnitude
    assert advice.dose_mg >= 0
    assert (
        report.max_daily_supplemental_mg.magnitude + advice.dose_mg <= ul + 1e-9
        or advice.dose_mg == 0
    )
    for option in advice.options:
        assert option.elemental_mg == advice.dose_mg


# ------------------------------------------------------------------ risk factors


def test_every_risk_note_is_cited() -> None:
    assert len(risk_factors()) >= 6
    for factor in risk_factors():
        assert factor.note
        assert ("NIH" in factor.citation) or ("Food and Drug Administration" in factor.citation)


@pytest.mark.parametrize(
    ("name", "key"),
    [("PPI", "ppi"), ("omeprazole", "ppi"), ("thiazide", "loop_thiazide_diuretic"),
     ("furosemide", "loop_thiazide_diuretic"), ("spironolactone", "potassium_sparing_diuretic"),
     ("amiloride", "potassium_sparing_diuretic"), ("water pills", "diuretic"),
     ("alcoholism", "alcohol_use_disorder"),
     ("Type 2 diabetes", "type_2_diabetes"), ("Crohn's disease", "gi_disease"), ("coeliac", "gi_disease"),
     ("elderly", "older_age")],
)  # fmt: skip
def test_risk_factor_names(name: str, key: str) -> None:
    assert risk_factor(name).key == key


def test_conditions_add_notes_not_new_targets() -> None:
    plain = assess(spinach_day(), WOMAN)
    with_risk = assess(
        spinach_day(), Person(age_years=34, sex="female", conditions=["ppi", "celiac"])
    )
    assert with_risk.target_mg == plain.target_mg
    assert with_risk.ear_mg == plain.ear_mg
    assert [r.key for r in with_risk.risk_factors] == ["ppi", "gi_disease"]
    assert plain.risk_factors == ()


def test_older_age_is_noted_automatically() -> None:
    report = assess(spinach_day(), Person(age_years=75, sex="male"))
    assert [r.key for r in report.risk_factors] == ["older_age"]


def test_unknown_condition_lists_known_ones() -> None:
    with pytest.raises(
        magcalc.PersonError, match=r"ppi.*loop_thiazide_diuretic.*potassium_sparing_diuretic"
    ):
        Person(age_years=40, sex="male", conditions=["the flu"])


# ------------------------------------------------------------------ summary


def test_summary_exact_single_day() -> None:
    # 1 cup spinach = 156.6 mg; 156.6 / 320 = 49 %; z = (156.6 - 265) / sqrt(26.5^2 + 86^2) = -1.205
    assert assess(spinach_day(), WOMAN).summary() == (
        "From food you get about 157 mg a day, 49 % of the 320 mg RDA for females 31-50 y "
        "(IOM1997). With 1 day recorded, the chance that your usual intake is adequate is about "
        "11%; one day says little about usual intake, so record more days."
    )


def test_summary_exact_with_supplement_three_days() -> None:
    intake = Intake()
    for day in (1, 2, 3):
        intake.add_food("11458", "1 cup", day=day)
    intake.add_supplement(Supplement(form="citrate", elemental_mg=200), day=None)
    # total 356.6 mg; 111 % of 320; z = 91.6 / sqrt(26.5^2 + 86^2/3) = 1.63 -> 95 %
    assert assess(intake, WOMAN).summary() == (
        "From food you get about 157 mg a day and supplements add 200 mg, about 357 mg in all, "
        "111 % of the 320 mg RDA for females 31-50 y (IOM1997). With 3 days recorded, the chance "
        "that your usual intake is adequate is about 95%. Your supplements give up to 200 mg a "
        "day, under the 350 mg limit for supplemental magnesium (IOM1997; food does not count "
        "toward it)."
    )


def test_summary_exact_infant() -> None:
    intake = Intake()
    intake.add_food("09040", "100 g")  # 27 mg
    text = assess(intake, Person(age_months=9, sex="male")).summary()
    assert text.startswith(
        "From food you get about 27 mg a day, 36 % of the 75 mg AI for infants 7-12 mo (IOM1997). "
        "Only an adequate intake (AI) is set for infants 7-12 mo"
    )
    assert "cannot be judged inadequate" in text


def test_summary_mentions_risks_and_missing_data() -> None:
    from magcalc.foods import FoodTable

    table = FoodTable.default()
    intake = spinach_day()
    intake.add_food(table.fdc_ids[table.magnesium.index(None)], "100 g")
    text = assess(intake, Person(age_years=50, sex="male", conditions=["thiazide"])).summary()
    assert "1 food has no magnesium data" in text
    assert "loop or thiazide diuretic use: this can raise the risk" in text


def test_diuretic_kind_matters() -> None:
    """NIH ODS: loop and thiazide diuretics raise magnesium loss, potassium-sparing reduce it."""
    sparing = assess(spinach_day(), Person(age_years=50, sex="male", conditions=["amiloride"]))
    text = sparing.summary()
    assert "can raise the risk" not in text and "reduce the loss of magnesium" in text
    unknown = assess(spinach_day(), Person(age_years=50, sex="male", conditions=["diuretic"]))
    text = unknown.summary()
    assert "Which kind of diuretic matters" in text and "potassium-sparing" in text
    assert "can raise the risk" not in text


def test_supplement_advice_takes_plain_numbers_as_the_assessment_gives_them() -> None:
    """The function needs no Assessment (no import loop); the method passes its figures."""
    intake = spinach_days()
    intake.add_supplement(Supplement(form="citrate", elemental_mg=100), day=None)
    report = assess(intake, WOMAN)
    assert report.ul_supplemental_mg is not None
    # the gap is the RDA of 320 mg/day (IOM 1997, women 31-50) less the total
    assert report.gap_mg == pytest.approx(320 - report.total_mg.magnitude)
    assert report.gap_mg > 0
    by_numbers = supplement_advice(
        report.gap_mg,
        ul_supplemental_mg=float(report.ul_supplemental_mg.magnitude),
        current_supplemental_mg=100.0,
        n_days=report.n_days,
    )
    assert by_numbers == report.supplement_advice()
    assert by_numbers.dose_mg > 0
