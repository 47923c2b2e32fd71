"""Supplement forms: stoichiometry, aliases, doses with an explicit basis, label parsing."""

from __future__ import annotations

import contextlib
import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st

import magcalc
from magcalc.supplements import (
    Supplement,
    elemental_fraction,
    get_form,
    molar_mass,
    parse_formula,
    parse_label,
    supplement_forms,
)

# ../shared/reference/magnesium.md section 3: Mg % w/w computed with standard atomic weights.
REFERENCE_PERCENT = {
    "MgO": 60.30,
    "Mg(OH)2": 41.68,
    "MgCO3": 28.83,
    "Mg3(C6H5O7)2": 16.16,
    "Mg3(C6H5O7)2·9H2O": 11.89,
    "Mg(C2H4NO2)2": 14.10,
    "MgCl2·6H2O": 11.96,
    "Mg(C3H5O3)2·2H2O": 10.19,
    "MgSO4·7H2O": 9.86,
    "Mg(C4H6NO4)2": 8.42,
    "MgC4H4O5": 15.54,
    "Mg(C4H7O5)2": 8.25,
    "Mg(C2H6NO3S)2": 8.92,
    "Mg(C5H3N2O4)2": 7.27,
    "Mg(C6H11O7)2": 5.86,
}


@pytest.mark.parametrize(("formula", "percent"), REFERENCE_PERCENT.items())
def test_elemental_fraction_matches_reference_table(formula: str, percent: float) -> None:
    assert abs(100 * elemental_fraction(formula) - percent) <= 0.01


# Forms as sold, by the same arithmetic (Mg 24.305, H 1.008, C 12.011, N 14.007, O 15.999):
# aspartate dihydrate 24.305 / (288.495 + 2 x 18.015) = 7.49 %; orotate dihydrate
# 24.305 / (334.483 + 36.03) = 6.56 %; gluconate dihydrate 24.305 / (414.599 + 36.03)
# = 5.39 %; basic carbonate 4MgCO3·Mg(OH)2·5H2O 5 x 24.305 / 485.646 = 25.02 %.
AS_SOLD_PERCENT = {
    "Mg(C4H6NO4)2·2H2O": 7.49,
    "Mg(C5H3N2O4)2·2H2O": 6.56,
    "Mg(C6H11O7)2·2H2O": 5.39,
    "4MgCO3·Mg(OH)2·5H2O": 25.02,
}


def test_catalogue_covers_the_reference_table() -> None:
    expected = {**REFERENCE_PERCENT, **AS_SOLD_PERCENT}
    assert {f.formula for f in supplement_forms()} == set(expected)
    for form in supplement_forms():
        assert abs(form.elemental_percent - expected[form.formula]) <= 0.01


@pytest.mark.parametrize(
    ("name", "formula"),
    [("aspartate", "Mg(C4H6NO4)2·2H2O"), ("magnesium aspartate", "Mg(C4H6NO4)2·2H2O"),
     ("orotate", "Mg(C5H3N2O4)2·2H2O"), ("magnesium gluconate", "Mg(C6H11O7)2·2H2O"),
     ("carbonate", "4MgCO3·Mg(OH)2·5H2O"), ("aspartate_anhydrous", "Mg(C4H6NO4)2"),
     ("orotate anhydrous", "Mg(C5H3N2O4)2"), ("gluconate_anhydrous", "Mg(C6H11O7)2"),
     ("MgCO3", "MgCO3")],
)  # fmt: skip
def test_a_bare_name_means_the_form_as_sold(name: str, formula: str) -> None:
    """Products hold the hydrates; the anhydrous entries overstated magnesium by 9-15 %."""
    form = get_form(name)
    assert form.formula == formula
    if "anhydrous" not in form.name and form.formula != "MgCO3":
        assert "Sold" in form.as_sold and "bare" in form.as_sold
    # 500 mg of compound: the as-sold form gives less magnesium than the anhydrous salt.
    dose = Supplement(form=form.name, compound_mg=500).elemental_mg_per_day
    assert dose == pytest.approx(500 * form.elemental_fraction)


def test_formula_parser() -> None:
    assert parse_formula("Mg3(C6H5O7)2·9H2O") == {"Mg": 3, "C": 12, "H": 28, "O": 23}
    assert parse_formula("MgSO4.7H2O") == parse_formula("MgSO4·7H2O")
    # Mg(OH)2: 24.305 + 2 x (15.999 + 1.008) = 58.319 g/mol
    assert molar_mass("Mg(OH)2") == pytest.approx(58.319)


@pytest.mark.parametrize("bad", ["", "Mg(OH2", "MgOH)2", "MgXx", "NaCl", "mgo"])
def test_bad_formulas(bad: str) -> None:
    with pytest.raises(magcalc.SupplementError):
        elemental_fraction(bad)


@pytest.mark.parametrize(
    ("alias", "name"),
    [
        ("glycinate", "bisglycinate"),
        ("Magnesium Glycinate", "bisglycinate"),
        ("citrate", "citrate"),
        ("trimagnesium dicitrate", "citrate"),
        ("Epsom salt", "sulfate_heptahydrate"),
        ("sulphate", "sulfate_heptahydrate"),
        ("chloride", "chloride_hexahydrate"),
        ("MgO", "oxide"),
        ("milk of magnesia", "hydroxide"),
        ("L-threonate", "threonate"),
    ],
)
def test_aliases(alias: str, name: str) -> None:
    assert get_form(alias).name == name


def test_unknown_form_lists_valid_ones() -> None:
    with pytest.raises(magcalc.UnknownFormError, match="oxide, hydroxide") as info:
        Supplement(form="kryptonite", elemental_mg=100)
    assert "citrate" in info.value.valid


def test_every_form_cites_its_evidence() -> None:
    for form in supplement_forms():
        a = form.absorption
        assert 0 < a.low <= a.central <= a.high
        assert a.studies and all(s.citation for s in a.studies)
        assert a.basis


def test_oxide_evidence_is_flagged_unverified() -> None:
    """Firoz & Graber's soluble-salt values could not be verified (magnesium.md section 4)."""
    assert not get_form("oxide").absorption.verified


def test_doses() -> None:
    assert Supplement(form="citrate", elemental_mg=200).elemental_mg_per_day == 200
    # 500 mg MgO x 60.30 % = 301.5 mg (magnesium.md: "500 mg of MgO = 301 mg of magnesium")
    oxide = Supplement(form="oxide", compound_mg=500)
    assert oxide.elemental_mg_per_day == pytest.approx(500 * elemental_fraction("MgO"))
    assert oxide.elemental_mg_per_day == pytest.approx(301.5, abs=0.1)
    twice = Supplement(form="glycinate", elemental_mg=100, servings_per_day=2)
    assert twice.elemental_mg_per_day == 200
    assert twice.form == "bisglycinate"


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"form": "oxide", "mg": 500}, "ambiguous"),
        ({"form": "oxide"}, "exactly one.*neither"),
        ({"form": "oxide", "elemental_mg": 1, "compound_mg": 2}, "exactly one.*both"),
        ({"form": "oxide", "elemental_mg": -5}, "non-negative"),
        ({"form": "oxide", "elemental_mg": float("nan")}, "finite"),
        ({"form": "oxide", "elemental_mg": float("inf")}, "finite"),
        ({"form": "oxide", "elemental_mg": "200"}, "must be a number"),
        ({"form": "oxide", "elemental_mg": True}, "must be a number"),
        ({"form": "oxide", "elemental_mg": 100, "servings_per_day": 0}, "positive"),
        ({"form": "oxide", "elemental_mg": 100, "colour": "red"}, "colour"),
    ],
)
def test_bad_doses(kwargs: dict[str, object], match: str) -> None:
    with pytest.raises(magcalc.SupplementError, match=match):
        Supplement(**kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "form", "mg"),
    [
        ("Magnesium (as magnesium citrate) 200 mg", "citrate", 200),
        ("Magnesium 250 mg (as magnesium oxide)", "oxide", 250),
        ("magnesium (as Magnesium Bisglycinate Chelate) 120mg", None, 120),
        ("Magnesium (as glycinate) 100 mg", "bisglycinate", 100),
        ("Magnesium: 0.2 g (as magnesium citrate)", "citrate", 200),
    ],
)
def test_label_lines_are_elemental(text: str, form: str | None, mg: float) -> None:
    try:
        s = parse_label(text)
    except magcalc.UnknownFormError:
        assert form is None  # "bisglycinate chelate" is not a catalogue name
        return
    assert (s.form, s.elemental_mg, s.basis) == (form, mg, "elemental")
    assert s.compound_mg == pytest.approx(mg / get_form(s.form).elemental_fraction)


def test_a_dose_holds_both_amounts_and_says_which_was_given() -> None:
    """Oxide, MgO: 24.305 / 40.304 = 60.30 % Mg, so 500 mg of MgO holds 301.5 mg Mg."""
    oxide = Supplement(form="oxide", compound_mg=500)
    assert (oxide.basis, oxide.compound_mg) == ("compound", 500)
    assert oxide.elemental_mg == pytest.approx(500 * 24.305 / 40.304)
    assert oxide.elemental_mg_per_day == oxide.elemental_mg
    back = Supplement.model_validate_json(oxide.model_dump_json())
    assert back == oxide
    with pytest.raises(magcalc.SupplementError, match="disagree"):
        Supplement(form="oxide", compound_mg=500, elemental_mg=100, basis="compound")
    with pytest.raises(magcalc.SupplementError, match="exactly one"):
        Supplement(form="oxide", compound_mg=500, elemental_mg=301.5)
    with pytest.raises(magcalc.SupplementError, match="basis"):
        Supplement(form="oxide", elemental_mg=100, basis="compound")
    assert "x 60.30 % Mg" in oxide.derivation


@pytest.mark.parametrize(
    "text",
    [
        "Magnesium Oxide 500 mg",
        "Magnesium (as magnesium oxide, magnesium citrate) 250 mg",
        "Magnesium 200 mg",
        "Vitamin C 500 mg",
        "",
    ],
)
def test_ambiguous_labels_are_refused(text: str) -> None:
    with pytest.raises(magcalc.SupplementError):
        parse_label(text)


def test_models_round_trip() -> None:
    s = Supplement(form="oxide", compound_mg=500, label="Magnesium Oxide 500 mg")
    assert Supplement.model_validate_json(s.model_dump_json()) == s
    assert pickle.loads(pickle.dumps(s)) == s
    form = get_form("citrate")
    assert type(form).model_validate_json(form.model_dump_json()) == form


# Issue 7: amounts over the plausibility limits warn; the property holds regardless.
@pytest.mark.filterwarnings("ignore::magcalc.errors.PlausibilityWarning")
@given(
    form=st.sampled_from([f.name for f in supplement_forms()]),
    compound=st.floats(min_value=0.001, max_value=1e6, allow_nan=False),
)
def test_elemental_is_less_than_compound(form: str, compound: float) -> None:
    s = Supplement(form=form, compound_mg=compound)
    assert 0 < s.elemental_mg_per_day < compound
    info = s.form_info
    assert info.compound_for_elemental(s.elemental_mg_per_day) == pytest.approx(compound)


# Issue 7: amounts over the plausibility limits warn; the property holds regardless.
@pytest.mark.filterwarnings("ignore::magcalc.errors.PlausibilityWarning")
@given(st.text(max_size=60))
def test_label_parsing_never_raises_anything_else(text: str) -> None:
    with contextlib.suppress(magcalc.MagcalcError):
        parse_label(text)
