"""Amount parsing and the pint registry."""

from __future__ import annotations

import math
import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

import magcalc
from magcalc.units import Amount, get_registry, parse_amount, unit_factor

from .strategies import amount_texts


@pytest.mark.parametrize(
    ("text", "value", "unit", "kind"),
    [
        ("100 g", 100, "gram", "mass"),
        ("100g", 100, "gram", "mass"),
        ("3.5 oz", 3.5, "ounce", "mass"),
        ("1 lb", 1, "pound", "mass"),
        ("1/2 cup", 0.5, "cup", "volume"),
        ("½ cup", 0.5, "cup", "volume"),
        ("1½ cups", 1.5, "cup", "volume"),
        ("1 1/2 cups", 1.5, "cup", "volume"),
        ("1-1/2 cups", 1.5, "cup", "volume"),
        ("2 tbsp", 2, "tablespoon", "volume"),
        ("2 tablespoons", 2, "tablespoon", "volume"),
        ("1 T", 1, "tablespoon", "volume"),
        ("1 t", 1, "teaspoon", "volume"),
        ("8 fl oz", 8, "fluid_ounce", "volume"),
        ("250 ml", 250, "milliliter", "volume"),
        ("1 medium", 1, "medium", "measure"),
        ("1 large", 1, "large", "measure"),
        ("1 slice", 1, "slice", "measure"),
        ("1 packet", 1, "packet", "measure"),
        ("2 biscuits", 2, "biscuit", "measure"),
        ("a slice", 1, "slice", "measure"),
        ("3 pieces", 3, "piece", "measure"),
    ],
)
def test_parse_amount(text: str, value: float, unit: str, kind: str) -> None:
    amount = parse_amount(text)
    assert amount.value == pytest.approx(value)
    assert (amount.unit, amount.kind) == (unit, kind)


def test_qualifier_is_kept() -> None:
    assert parse_amount("1 cup, chopped").qualifier == "chopped"
    assert parse_amount("1 cup chopped").qualifier == "chopped"


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("-1 cup", "negative"),
        ("nan g", "NaN"),
        ("inf g", "infinite"),
        ("cup", "no number"),
        ("1/0 cup", "divides by zero"),
        ("2 %$", "no recognisable unit"),
    ],
)
def test_bad_amounts_raise_amount_error(text: str, match: str) -> None:
    with pytest.raises(magcalc.AmountError, match=match):
        parse_amount(text)


def test_bare_number_is_grams() -> None:
    """A bare number means grams as text too, as it does when passed as a float."""
    amount = parse_amount("100")
    assert (amount.value, amount.unit, amount.kind) == (100.0, "gram", "mass")
    assert parse_amount("12.5").value == 12.5


def test_non_string_is_refused() -> None:
    with pytest.raises(magcalc.AmountError, match="must be a string"):
        parse_amount(12)  # type: ignore[arg-type]


def test_unit_factors_match_us_customary() -> None:
    """1 oz = 28.349523125 g and 1 US cup = 236.5882365 ml (NIST Handbook 44, Appendix C)."""
    assert unit_factor("ounce") == pytest.approx(28.349523125)
    assert unit_factor("cup") == pytest.approx(236.5882365)
    assert unit_factor("tablespoon") == pytest.approx(236.5882365 / 16)


def test_unit_table_is_what_pint_computes() -> None:
    """Every unit parse_amount gives is converted without pint, to pint's last bit."""
    from magcalc import units

    given = set(units.MASS_UNITS.values()) | set(units.VOLUME_UNITS.values())
    assert given <= set(units._FACTORS)
    for unit, value in units._FACTORS.items():
        assert value == units.pint_factor(unit), unit
    assert unit_factor("cubic_inch") == pytest.approx(16.387064)  # not in the table: pint


def test_parsing_and_converting_amounts_does_not_import_pint() -> None:
    code = (
        "import sys; from magcalc.units import parse_amount, unit_factor\n"
        "a = parse_amount('1 1/2 cups'); unit_factor(a.unit); parse_amount('3 oz').grams\n"
        "assert 'pint' not in sys.modules, 'pint was imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_one_registry() -> None:
    assert get_registry() is get_registry()
    assert magcalc.get_registry() is get_registry()


def test_amount_grams_only_for_mass() -> None:
    with pytest.raises(magcalc.AmountError):
        _ = parse_amount("1 cup").grams
    assert parse_amount("2 oz").grams == pytest.approx(2 * 28.349523125)


@given(amount_texts())
def test_well_formed_amounts_parse(text: str) -> None:
    amount = parse_amount(text)
    assert isinstance(amount, Amount)
    assert amount.value >= 0 and math.isfinite(amount.value)


@given(st.text(max_size=40))
def test_arbitrary_text_parses_or_raises_magcalc_error(text: str) -> None:
    """Whatever is typed, parsing succeeds or raises a MagcalcError: never anything else."""
    try:
        amount = parse_amount(text)
    except magcalc.MagcalcError:
        return
    assert amount.value >= 0 and math.isfinite(amount.value)
    assert amount.kind in ("mass", "volume", "measure")


def test_per_day_quantities_use_the_one_registry_and_read_back_exactly() -> None:
    from magcalc.units import in_mg_per_day, per_day

    q = per_day(310.0)
    assert q._REGISTRY is get_registry()
    assert str(q.units) == "milligram / day"
    assert in_mg_per_day(q) == 310.0
    # 1 g/day is 1000 mg/day, from another registry too
    import pint

    other = pint.UnitRegistry(cache_folder=None)
    assert in_mg_per_day(other.Quantity(1.0, "g/day")) == 1000.0
