"""Every field of an Assessment and of the parts it holds, checked by value and by type.

assess() builds its parts from plain numbers and lets the Assessment validate them in one
pass; these tests pin what each field holds, so that a faster way of building them cannot
change one unnoticed, and that the parts still validate when a user builds them.
"""

from __future__ import annotations

import math
import pickle
from typing import Any

import numpy as np
import pint
import pytest
from pydantic import ValidationError

import magcalc
from magcalc import Intake, Person, Supplement, assess, get_form, serving
from magcalc import units as units_module
from magcalc._quantities import mg_per_day
from magcalc.assessment import Assessment, DayTotal, EffectiveRange, ItemContribution
from magcalc.dri import reference_values, risk_factor, within_person_sd
from magcalc.intake import FoodEntry
from magcalc.units import get_registry, per_day

WOMAN_PPI = Person(age_years=34, sex="female", conditions=["ppi"])  # IOM 1997: EAR 265, RDA 320
SPINACH = "11458"  # 87 mg/100 g, 1 cup = 180 g
ALMONDS = "12061"  # 270 mg/100 g
NO_DATA = 170864  # no USDA magnesium value

MG_FIELDS = (
    "food_mg",
    "supplemental_mg",
    "total_mg",
    "target_mg",
    "ear_mg",
    "sd_within_mg",
    "ul_supplemental_mg",
    "max_daily_supplemental_mg",
)


def mixed_intake() -> Intake:
    """Two days: a household measure, grams, a food without data, a supplement taken
    every day and a dated one with a label and two servings a day."""
    intake = Intake()
    intake.add_food(SPINACH, "1 cup", day=1)
    intake.add_food(ALMONDS, 28.35, day=2)
    intake.add_food(NO_DATA, "150 g", day=2)
    intake.add_supplement(Supplement(form="citrate", elemental_mg=200), day=None)
    intake.add_supplement(
        Supplement(form="oxide", compound_mg=500, servings_per_day=2, label="Mag-Ox"), day=2
    )
    return intake


@pytest.fixture(scope="module")
def report() -> Assessment:
    return assess(mixed_intake(), WOMAN_PPI)


def oxide_per_day() -> float:
    return 500 * get_form("oxide").elemental_fraction * 2


def test_the_assessment_s_own_fields(report: Assessment) -> None:
    oxide = oxide_per_day()
    food = [156.6, 28.35 * 2.70]
    supp = [200.0, 200.0 + oxide]
    food_mean, supp_mean = sum(food) / 2, sum(supp) / 2
    total = food_mean + supp_mean
    refs = reference_values(WOMAN_PPI)
    sd, note = within_person_sd(WOMAN_PPI)
    assert report.person is WOMAN_PPI
    assert report.framework == "IOM1997"
    assert report.life_stage == "females 31-50 y" == refs.life_stage
    assert report.n_days == 2
    assert report.food_mg.magnitude == pytest.approx(food_mean)
    assert report.supplemental_mg.magnitude == pytest.approx(supp_mean)
    assert report.total_mg.magnitude == pytest.approx(total)
    assert report.target_mg.magnitude == 320.0
    assert report.target_kind == "RDA"
    assert report.percent_of_target == pytest.approx(100 * total / 320)
    assert report.ear_mg.magnitude == 265.0
    z = (total - 265) / math.sqrt(26.5**2 + sd**2 / 2)
    assert report.probability_adequate == pytest.approx(0.5 * (1 + math.erf(z / math.sqrt(2))))
    assert report.sd_within_mg.magnitude == sd == 86.0
    assert report.sd_within_note == note
    assert report.confidence_above_ai is None
    assert report.ul_supplemental_mg.magnitude == 350.0
    assert report.max_daily_supplemental_mg.magnitude == pytest.approx(200 + oxide)
    assert report.exceeds_ul is True
    assert report.conclusion.startswith("With 2 days recorded, the probability")
    assert report.references == refs
    assert report.risk_factors == (risk_factor("ppi"),)
    assert len(report.warnings) == 2
    assert report.warnings[0].startswith(f"Supplemental magnesium reaches {200 + oxide:.0f} mg")
    assert report.warnings[1].startswith("1 food entry has no USDA magnesium value")
    assert report.warnings[1].endswith("lower bound: Yogurt, Greek, 2% fat, apricot, CHOBANI.")
    for name in ("percent_of_target", "probability_adequate"):
        assert type(getattr(report, name)) is float, name
    assert type(report.n_days) is int and type(report.exceeds_ul) is bool
    assert type(report.warnings) is tuple and type(report.items) is tuple
    assert type(report.daily) is tuple and type(report.risk_factors) is tuple


def test_every_amount_is_a_float_quantity_of_magcalc_s_registry(report: Assessment) -> None:
    for name in MG_FIELDS:
        value = getattr(report, name)
        assert isinstance(value, pint.Quantity), name
        assert value._REGISTRY is get_registry(), name
        assert type(value.magnitude) is float, name
        assert value.units == per_day(1.0).units, name
    # They combine with magcalc's other Quantities and convert like any other.
    assert (report.total_mg + per_day(1.0)).magnitude == pytest.approx(
        report.total_mg.magnitude + 1
    )
    assert report.total_mg.to("g/day").magnitude == pytest.approx(report.total_mg.magnitude / 1e3)
    assert report.food_mg + report.supplemental_mg == report.total_mg


def test_each_day(report: Assessment) -> None:
    oxide = oxide_per_day()
    day1, day2 = report.daily
    assert (day1.day, day2.day) == (1, 2)
    assert day1.food_mg == pytest.approx(156.6)
    assert day1.supplemental_mg == 200.0
    assert day1.total_mg == pytest.approx(356.6)
    assert day1.foods_without_data == 0
    assert day2.food_mg == pytest.approx(28.35 * 2.70)
    assert day2.supplemental_mg == pytest.approx(200 + oxide)
    assert day2.total_mg == pytest.approx(28.35 * 2.70 + 200 + oxide)
    assert day2.foods_without_data == 1
    for day in report.daily:
        assert type(day) is DayTotal
        assert type(day.day) is int and type(day.foods_without_data) is int
        for name in ("food_mg", "supplemental_mg", "total_mg"):
            assert type(getattr(day, name)) is float, name


def test_each_item(report: Assessment) -> None:
    total = report.total_mg.magnitude
    oxide = oxide_per_day()
    spinach, almonds, no_data = (
        serving(SPINACH, "1 cup"),
        serving(ALMONDS, 28.35),
        serving(NO_DATA, "150 g"),
    )
    expected: list[dict[str, Any]] = []
    for day, food in ((1, spinach), (2, almonds), (2, no_data)):
        mg = food.magnesium_mg
        expected.append(
            {
                "day": day,
                "kind": "food",
                "name": food.food.description,
                "amount": food.amount,
                "grams": food.grams,
                "magnesium_mg": mg,
                "per_day_mg": None if mg is None else mg / 2,
                "share": None if mg is None else mg / 2 / total,
                "basis": food.basis,
                "fdc_id": food.food.fdc_id,
                "form": None,
            }
        )
    citrate = Supplement(form="citrate", elemental_mg=200)
    expected.append(
        {
            "day": None,
            "kind": "supplement",
            "name": "supplement: magnesium citrate",
            "amount": "1 x/day",
            "grams": None,
            "magnesium_mg": 200.0,
            "per_day_mg": 200.0,
            "share": 200.0 / total,
            "basis": citrate.derivation,
            "fdc_id": None,
            "form": "citrate",
        }
    )
    expected.append(
        {
            "day": 2,
            "kind": "supplement",
            "name": "Mag-Ox",
            "amount": "2 x/day",
            "grams": None,
            "magnesium_mg": oxide,
            "per_day_mg": oxide / 2,
            "share": oxide / 2 / total,
            "basis": "500 mg magnesium oxide x 60.30 % Mg = 301.5 mg elemental",
            "fdc_id": None,
            "form": "oxide",
        }
    )
    assert [i.model_dump() for i in report.items] == [
        {k: pytest.approx(v) if type(v) is float else v for k, v in e.items()} for e in expected
    ]
    assert almonds.food.fdc_id is not None and spinach.grams == 180.0
    for item in report.items:
        assert type(item) is ItemContribution
        for name in ("grams", "magnesium_mg", "per_day_mg", "share"):
            value = getattr(item, name)
            assert value is None or type(value) is float, name
        assert item.fdc_id is None or type(item.fdc_id) is int
        assert item.day is None or type(item.day) is int
    # The fields a food leaves out are unset, as when each item was built by hand.
    assert "form" not in report.items[0].model_fields_set
    assert "grams" not in report.items[3].model_fields_set


def test_the_absorbed_estimate(report: Assessment) -> None:
    food_mean = report.food_mg.magnitude
    citrate, oxide = get_form("citrate").absorption, get_form("oxide").absorption
    e = report.effective_mg
    assert type(e) is EffectiveRange
    for name, fraction in (("low", 0.30), ("central", 0.35), ("high", 0.40)):
        expected = fraction * (
            food_mean + 200 * getattr(citrate, name) + oxide_per_day() / 2 * getattr(oxide, name)
        )
        value = getattr(e, name)
        assert value.magnitude == pytest.approx(expected), name
        assert type(value.magnitude) is float and value._REGISTRY is get_registry()
    assert e.label == "estimate of absorbed magnesium (not comparable with DRIs)"
    assert e.basis.startswith("food magnesium x 0.30/0.35/0.40 absorbed (NIH ODS: 30-40 %)")


def test_the_views_and_copies_agree(report: Assessment) -> None:
    again = assess(mixed_intake(), WOMAN_PPI)
    assert again == report and hash(again) == hash(report)
    assert again.model_dump_json() == report.model_dump_json()
    assert repr(again) == repr(report) and str(again) == str(report)
    assert again._repr_html_() == report._repr_html_()
    clone = pickle.loads(pickle.dumps(report))
    assert clone.to_dict() == report.to_dict() and repr(clone) == repr(report)
    parsed = Assessment.model_validate_json(report.model_dump_json())
    assert parsed.to_dict() == report.to_dict()
    assert report.to_dict()["daily"][1]["foods_without_data"] == 1


def test_older_people_get_the_older_age_note() -> None:
    intake = Intake()
    intake.add_food(SPINACH, "1 cup")
    report = assess(intake, Person(age_years=75, sex="male", conditions=["ppi"]))
    assert report.risk_factors == (risk_factor("ppi"), risk_factor("older_age"))


# ------------------------------------------------------------------ built by a user


def test_the_parts_still_validate_when_a_user_builds_them() -> None:
    day = DayTotal(day=1, food_mg=1, supplemental_mg=0, total_mg=1)
    assert type(day.food_mg) is float and day.foods_without_data == 0
    with pytest.raises(ValidationError, match="food_mg"):
        DayTotal(day=1, food_mg="lots", supplemental_mg=0, total_mg=1)
    with pytest.raises(ValidationError, match="frozen"):
        day.food_mg = 2.0  # type: ignore[misc]
    with pytest.raises(ValidationError, match="kind"):
        ItemContribution(
            day=1,
            kind="drink",
            name="tea",
            amount="1 cup",
            magnesium_mg=1.0,
            per_day_mg=1.0,
            share=1.0,
            basis="",
        )
    grams_a_day = get_registry().Quantity(0.25, "g/day")
    e = EffectiveRange(low=grams_a_day, central=100, high=np.float64(300.0), basis="mine")
    assert e.low.magnitude == pytest.approx(250.0) and e.low._REGISTRY is get_registry()
    assert type(e.central.magnitude) is float and e.central.magnitude == 100.0
    assert type(e.high.magnitude) is float
    with pytest.raises(ValidationError):
        EffectiveRange(low="a lot", central=1, high=1, basis="mine")
    with pytest.raises(ValidationError, match="frozen"):
        e.low = per_day(1.0)  # type: ignore[misc]


def test_an_assessment_built_from_plain_numbers_holds_quantities(report: Assessment) -> None:
    """What assess() builds without validating is what validating its values gives."""
    fields = dict(report.__dict__)
    for name in MG_FIELDS:
        fields[name] = float(getattr(report, name).magnitude)
    rebuilt = Assessment(**fields)
    assert rebuilt == report and repr(rebuilt) == repr(report)
    assert list(rebuilt.__dict__) == list(report.__dict__) == list(Assessment.model_fields)
    assert rebuilt.model_fields_set == report.model_fields_set
    e = report.effective_mg
    given = {k: getattr(e, k) for k in ("low", "central", "high", "basis")}
    again = EffectiveRange(**{k: v.magnitude if k != "basis" else v for k, v in given.items()})
    assert again == e and repr(again) == repr(e)
    assert list(e.__dict__) == list(again.__dict__) == list(EffectiveRange.model_fields)
    assert e.model_fields_set == again.model_fields_set == set(given)
    for part in (*report.items, *report.daily):
        validated = type(part)(**part.model_dump(exclude_unset=True))
        assert vars(validated) == vars(part) and list(vars(part)) == list(type(part).model_fields)
        assert validated.model_fields_set == part.model_fields_set


# ------------------------------------------------------------------ mg/day Quantities


def test_mg_per_day_is_per_day_of_a_float() -> None:
    for value in (310, 310.0, np.float64(310.0), True, 0, -0.0, 1e308):
        made, expected = mg_per_day(value), per_day(float(value))
        assert made == expected and repr(made) == repr(expected)
        assert type(made) is type(expected) and vars(made) == vars(expected)
        assert type(made.magnitude) is float
    assert mg_per_day(2.0) * 3 == per_day(6.0)
    assert hash(mg_per_day(5.0)) == hash(per_day(5.0))


def test_mg_per_day_follows_a_new_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    old = get_registry()
    monkeypatch.setattr(units_module, "_registry", None)
    fresh = get_registry()
    assert fresh is not old
    made = mg_per_day(1.0)
    assert made._REGISTRY is fresh
    assert made + per_day(1.0) == per_day(2.0)


def test_mg_per_day_lets_pint_build_where_its_quantities_hold_more(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Where a pint version gives a Quantity more state than magnitude and units, pint
    builds every one."""
    import magcalc._quantities as quantities

    monkeypatch.setattr(quantities, "_template", lambda reg: None)
    made = mg_per_day(7)
    assert made == per_day(7.0) and type(made.magnitude) is float
    intake = Intake()
    intake.add_food(SPINACH, "1 cup")
    assert assess(intake, WOMAN_PPI).total_mg.magnitude == pytest.approx(156.6)


# ------------------------------------------------------------------ entries no constructor made


def constructed(field: str, value: Any) -> Intake:
    """An intake holding a serving whose `field` no constructor would accept."""
    good = serving(SPINACH, "1 cup")
    bad = type(good).model_construct(**{**dict(good), field: value})
    intake = Intake()
    intake.food_entries.append(FoodEntry.model_construct(day=1, serving=bad))
    return intake


BAD = [float("nan"), float("inf"), -float("inf"), -1.0, -1e-300, True, 10**400, "5"]
BAD += [np.float64("nan"), np.float64(-1.0)]


@pytest.mark.parametrize("field", ["grams", "magnesium_mg"])
@pytest.mark.parametrize("value", BAD, ids=repr)
def test_assess_refuses_an_entry_no_constructor_would_make(field: str, value: Any) -> None:
    with pytest.raises(magcalc.InputError, match=f"{field}=") as info:
        assess(constructed(field, value), WOMAN_PPI)
    assert info.value.field == field


def test_assess_refuses_grams_of_none() -> None:
    with pytest.raises(magcalc.InputError, match="grams=None"):
        assess(constructed("grams", None), WOMAN_PPI)


@pytest.mark.parametrize("value", [np.float64(5.0), 5, np.int64(5), -0.0, 1e308], ids=repr)
def test_numbers_of_other_types_are_read_as_floats(value: Any) -> None:
    item = assess(constructed("grams", value), WOMAN_PPI).items[0]
    assert type(item.grams) is float and item.grams == float(value)
    food = assess(constructed("magnesium_mg", value), WOMAN_PPI)
    assert type(food.items[0].magnesium_mg) is float
    assert type(food.daily[0].food_mg) is float
