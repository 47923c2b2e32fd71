"""FDC parse functions: every recorded answer in ../shared/fdc/responses, and synthetic edge cases.

The recordings are read in place (byte for byte, never copied into the repo); without
../shared/fdc the recording tests skip and the synthetic ones still run.
"""

from __future__ import annotations

import copy
import json
import pickle
from pathlib import Path
from typing import Any

import pytest
from pint.testing import assert_allclose

import magcalc
from magcalc.errors import (
    FdcAuthError,
    FdcError,
    FdcRateLimitError,
    FdcResponseError,
    FdcUnavailableError,
    InputError,
)
from magcalc.fdc import parse_error, parse_food, parse_foods, parse_search
from magcalc.fdc.parse import check_fdc_id
from magcalc.foods import Food

# Byte-for-byte copies of ../shared/fdc/responses (provenance: tests/data/fdc/README.md).
RESPONSES = Path(__file__).resolve().parents[1] / "data" / "fdc"
MISSING = "tests/data/fdc (the recorded FDC answers, kept in the repository) is missing"
FILES = sorted(p.name for p in RESPONSES.glob("*.json"))
assert FILES, MISSING  # in the repository: a clone alone runs every FDC test
PARAMS = FILES

FOUNDATION = "countIt__food-2262072-foundation-full.json"
FNDDS = "countIt__food-survey-fndds-full.json"
BRANDED = "countIt__food-branded-full.json"
BANANA_SEARCH = "countIt__foods-search.json"
SR_2019 = "danclowry__food-170720-srlegacy-full-2019.json"
ABRIDGED = "trellislabs__food-328637.detail-abridged.json"
CHEDDAR_SEARCH = "trellislabs__cheddar-cheese.search-all.json"

# file -> (fdc id, data type, magnesium [mg/100 g] or None, NDB number) of the first food,
# from ../shared/fdc/README.md and the recordings themselves.
EXPECTED: dict[str, tuple[int, str, float | None, str | None]] = {
    FOUNDATION: (2262072, "Foundation", 192.6, "16098"),
    FNDDS: (2709225, "Survey (FNDDS)", 30.0, None),
    BRANDED: (2643119, "Branded", None, None),
    BANANA_SEARCH: (2012128, "Branded", None, None),
    SR_2019: (170720, "SR Legacy", 20.0, "21237"),
    ABRIDGED: (328637, "Foundation", 26.8, "01009"),
    CHEDDAR_SEARCH: (2057648, "Branded", None, None),
}
ERRORS: dict[str, type[FdcError]] = {"403": FdcAuthError, "429": FdcRateLimitError}


@pytest.fixture(scope="session")
def shared_fdc() -> Path:
    # In the repository, so a clone alone runs every FDC test: missing is a failure.
    assert RESPONSES.is_dir(), MISSING
    return RESPONSES


def load(shared: Path, name: str) -> Any:
    return json.loads((shared / name).read_bytes())


def foods_of(data: Any) -> list[Food]:
    if isinstance(data, list):
        return parse_foods(data)
    if isinstance(data, dict) and "foods" in data:
        return parse_search(data)
    return [parse_food(data)]


def mg(value: float) -> Any:
    return magcalc.get_registry().Quantity(value, "mg")


# ------------------------------------------------------------------ every recording


@pytest.mark.parametrize("name", PARAMS)
def test_every_recording_is_understood(shared_fdc: Path, name: str) -> None:
    """Success files parse to Foods; error files are recognised as the right FdcError."""
    data = load(shared_fdc, name)
    if name.startswith("error-"):
        status = name.split("-")[1]
        expected = ERRORS.get(status, FdcUnavailableError if status.startswith("5") else FdcError)
        error = parse_error(data, status=int(status))
        assert isinstance(error, expected)
        assert isinstance(parse_error(data), expected)  # the body alone is enough
        with pytest.raises(expected):
            foods_of(data)
        return
    assert parse_error(data) is None
    foods = foods_of(data)
    assert foods
    for food in foods:
        assert isinstance(food, Food)
        assert food.source.startswith("USDA ARS FoodData Central")
        if food.magnesium_mg_per_100g is None:
            assert food.magnesium_note, "a missing value must say why"
        else:
            assert food.magnesium_mg_per_100g >= 0
        assert pickle.loads(pickle.dumps(food)) == food
    if name in EXPECTED:
        fdc_id, data_type, value, ndb = EXPECTED[name]
        first = foods[0]
        assert (first.fdc_id, first.data_type, first.ndb_number) == (fdc_id, data_type, ndb)
        assert first.magnesium_mg_per_100g == value


# ------------------------------------------------------------------ one recording each


def test_foundation_full_192_6_mg_and_no_portions(shared_fdc: Path) -> None:
    food = parse_food(load(shared_fdc, FOUNDATION))
    assert food.description == "Peanut butter, creamy"
    assert food.food_group == "Legumes and Legume Products"
    assert_allclose(food.magnesium_per_100g, mg(192.6))
    assert food.portions == ()  # the recording has no foodPortions at all
    assert food.source_release == "FDC Foundation, published 2022-04-28"
    assert_allclose(magcalc.food_magnesium(food, "50 g"), mg(96.3))


def test_sr_legacy_2019_modifier_portion(shared_fdc: Path) -> None:
    food = parse_food(load(shared_fdc, SR_2019))
    (portion,) = food.portions
    assert (portion.amount, portion.unit_description, portion.gram_weight) == (
        1.0,
        "item 7.6 oz",
        219.0,
    )
    assert portion.label == "1 item 7.6 oz (219 g)"
    assert_allclose(magcalc.food_magnesium(food, "1 item"), mg(20.0 * 2.19))


def test_fndds_portion_descriptions(shared_fdc: Path) -> None:
    food = parse_food(load(shared_fdc, FNDDS))
    labels = [p.label for p in food.portions]
    assert labels == ["1 banana (140 g)", "1 cup (140 g)"]  # "Quantity not specified" dropped
    assert food.food_group == "Bananas"
    assert "food code 63107410" in food.source
    assert_allclose(magcalc.food_magnesium(food, "1 banana"), mg(42.0))
    assert_allclose(magcalc.food_magnesium(food, "1/2 cup"), mg(21.0))


def test_branded_has_no_magnesium_and_a_gram_serving(shared_fdc: Path) -> None:
    food = parse_food(load(shared_fdc, BRANDED))
    assert food.magnesium_mg_per_100g is None
    assert "unknown, not zero" in food.magnesium_note
    assert food.portions[0].gram_weight == 27.0  # servingSize 27, servingSizeUnit "GRM"
    assert food.portions[0].unit_description == "serving (3 Peanut Butter Cups)"
    assert "GTIN/UPC 850014333416" in food.source
    with pytest.raises(magcalc.NoMagnesiumDataError, match="unknown, not zero"):
        magcalc.food_magnesium(food, "1 serving")
    assert magcalc.serving(food, "1 serving").grams == 27.0


def test_abridged_number_304_upper_case_unit(shared_fdc: Path) -> None:
    food = parse_food(load(shared_fdc, ABRIDGED))
    assert food.magnesium_mg_per_100g == 26.8
    assert food.ndb_number == "01009"  # FDC writes "1009"; the bundled table "01009"
    assert food.portions == ()


def test_cheddar_search_all_branded_none_with_magnesium(shared_fdc: Path) -> None:
    foods = parse_search(load(shared_fdc, CHEDDAR_SEARCH))
    assert len(foods) == 10
    assert {f.data_type for f in foods} == {"Branded"}
    assert all(f.magnesium_mg_per_100g is None for f in foods)
    assert all(f.portions and f.portions[0].gram_weight > 0 for f in foods)


def test_banana_search_page(shared_fdc: Path) -> None:
    (food,) = parse_search(load(shared_fdc, BANANA_SEARCH))
    assert food.description == "BANANA"
    assert [p.label for p in food.portions] == ["1 serving (2 Tbsp) (32 g)", "2 Tbsp (32 g)"]


def test_branded_in_ml_is_not_reported_per_100_g(shared_fdc: Path) -> None:
    data = copy.deepcopy(load(shared_fdc, BRANDED))
    data["servingSizeUnit"] = "MLT"
    data["servingSize"] = 240
    data["foodNutrients"].append(
        {"nutrient": {"id": 1090, "number": "304", "unitName": "mg"}, "amount": 12.5}
    )
    food = parse_food(data)
    assert food.magnesium_mg_per_100g is None
    assert "12.5 mg magnesium per 100 ml" in food.magnesium_note
    assert "240 ml" in food.magnesium_note
    assert food.portions == ()  # no ml-to-g factor, so no gram portion


# ------------------------------------------------------------------ synthetic shapes


def full(amount: Any, unit: str = "mg", nid: int | None = 1090, number: str = "304") -> Any:
    return {"nutrient": {"id": nid, "number": number, "unitName": unit}, "amount": amount}


def record(*nutrients: Any, **extra: Any) -> dict[str, Any]:
    return {"fdcId": 1, "description": "Test food", "foodNutrients": list(nutrients), **extra}


@pytest.mark.parametrize(
    "nutrient",
    [
        full(12.0),
        full(12.0, nid=None),  # by number only
        full(12.0, number=""),  # by id only
        {"number": "304", "amount": 12.0, "unitName": "MG"},  # abridged
        {"nutrientId": 1090, "nutrientNumber": "304", "value": 12.0, "unitName": "MG"},  # search
        {"nutrientNumber": "304", "value": "12", "unitName": "Mg"},
        full(12000.0, "µg"),
        full(12000.0, "UG"),
        full(0.012, "g"),
    ],
)
def test_magnesium_in_every_shape_and_unit(nutrient: Any) -> None:
    assert parse_food(record(full(5.0, "g", 1003, "203"), nutrient)).magnesium_mg_per_100g == 12.0


@pytest.mark.parametrize(
    "text",
    [
        '{"nutrient": {"id": 1090, "number": "304", "unitName": "mg"}, "amount": 0E-8}',
        '{"number": "304", "amount": 0E-8, "unitName": "MG"}',
        '{"nutrientId": 1090, "nutrientNumber": "304", "value": 0E-8, "unitName": "MG"}',
        '{"number": "304", "amount": "0E-8", "unitName": "MG"}',
    ],
)
def test_zero_written_as_0E_8_is_zero(text: str) -> None:
    food = parse_food(record(json.loads(text)))
    assert food.magnesium_mg_per_100g == 0.0
    assert food.has_magnesium_data  # FDC says 0: a value, not unknown


@pytest.mark.parametrize(
    ("nutrient", "why"),
    [
        (full(12.0, "IU"), "cannot be converted to mg"),
        (full(12.0, ""), "cannot be converted to mg"),
        (full("n/a"), "not a number"),
        (full(-1.0), "negative"),
    ],
)
def test_unusable_magnesium_is_missing_with_a_note(nutrient: Any, why: str) -> None:
    food = parse_food(record(nutrient))
    assert food.magnesium_mg_per_100g is None
    assert why in food.magnesium_note


def test_no_magnesium_row_is_unknown_not_zero() -> None:
    food = parse_food(record(full(5.0, "g", 1003, "203"), dataType="SR Legacy"))
    assert food.magnesium_mg_per_100g is None
    assert "no magnesium" in food.magnesium_note


def test_branded_label_magnesium_per_gram_serving() -> None:
    data = record(
        dataType="Branded",
        servingSize=40,
        servingSizeUnit="g",
        labelNutrients={"magnesium": {"value": 20}},
    )
    food = parse_food(data)
    assert food.magnesium_mg_per_100g == 50.0
    assert "from the label" in food.magnesium_note


@pytest.mark.parametrize("unit", ["ml", "MLT", "Ml"])
def test_branded_ml_units_any_case(unit: str) -> None:
    data = record(full(8.0), dataType="Branded", servingSize=250, servingSizeUnit=unit)
    food = parse_food(data)
    assert food.magnesium_mg_per_100g is None
    assert "per 100 ml" in food.magnesium_note


@pytest.mark.parametrize("unit", ["g", "GRM", "grm"])
def test_branded_gram_units_any_case(unit: str) -> None:
    data = record(full(8.0), dataType="Branded", servingSize=30, servingSizeUnit=unit)
    food = parse_food(data)
    assert food.magnesium_mg_per_100g == 8.0
    assert food.portions[0].gram_weight == 30


def test_current_sr_legacy_portion_schema() -> None:
    portion = {
        "measureUnit": {"id": 1000, "name": "cup", "abbreviation": "cup"},
        "modifier": "chopped",
        "gramWeight": 150.0,
        "amount": 1.0,
        "sequenceNumber": 1,
    }
    food = parse_food(record(full(10.0), foodPortions=[portion], dataType="SR Legacy"))
    assert food.portions[0].label == "1 cup, chopped (150 g)"
    assert magcalc.serving(food, "1/2 cup").grams == 75.0


def test_search_hit_food_measures() -> None:
    hit = {
        "fdcId": 2,
        "description": "Bananas, raw",
        "dataType": "SR Legacy",
        "ndbNumber": 9040,
        "foodNutrients": [{"nutrientId": 1090, "nutrientNumber": "304", "value": 27.0}],
        "foodMeasures": [
            {"disseminationText": '1 medium (7" to 7-7/8" long)', "gramWeight": 118, "rank": 1},
            {"disseminationText": "1/2 cup", "gramWeight": 75, "rank": 2},
            {"disseminationText": "Quantity not specified", "gramWeight": 118, "rank": 3},
        ],
    }
    hit["foodNutrients"][0]["unitName"] = "MG"
    (food,) = parse_search({"foods": [hit]})
    assert food.ndb_number == "09040"
    assert [p.label for p in food.portions] == [
        '1 medium (7" to 7-7/8" long) (118 g)',
        "0.5 cup (75 g)",
    ]


@pytest.mark.parametrize(
    "data",
    [{}, {"fdcId": 1}, {"description": "x"}, [], "text", {"fdcId": "abc", "description": "x"}],
)
def test_not_a_food_record(data: Any) -> None:
    with pytest.raises(FdcResponseError, match="expected"):
        parse_food(data)


def test_not_a_search_answer_or_list() -> None:
    with pytest.raises(FdcResponseError, match="'foods' list"):
        parse_search({"totalHits": 3})
    with pytest.raises(FdcResponseError, match="list"):
        parse_foods({"fdcId": 1, "description": "x"})  # type: ignore[arg-type]


def test_gateway_error_codes() -> None:
    invalid = {
        "error": {
            "code": "API_KEY_INVALID",
            "message": "An invalid api_key was supplied. Get one at https://api.nal.usda.gov:443",
        }
    }
    error = parse_error(invalid, status=403)
    assert isinstance(error, FdcAuthError) and isinstance(error, PermissionError)
    assert "API_KEY_INVALID" in str(error)
    assert "https://fdc.nal.usda.gov/api-key-signup" in str(error)
    limited = parse_error(
        {"error": {"code": "OVER_RATE_LIMIT", "message": "slow down"}},
        status=429,
        headers={"X-RateLimit-Limit": "1000", "Retry-After": "120"},
    )
    assert isinstance(limited, FdcRateLimitError)
    assert (limited.limit, limited.retry_after) == (1000, 120.0)
    again = pickle.loads(pickle.dumps(limited))
    assert (again.limit, again.retry_after, str(again)) == (1000, 120.0, str(limited))


# ------------------------------------------------------------------ ids and huge numbers


@pytest.mark.parametrize(
    ("given", "expected"), [(2262072, 2262072), ("2262072", 2262072), (5.0, 5)]
)
def test_check_fdc_id_accepts_whole_numbers(given: Any, expected: int) -> None:
    assert check_fdc_id(given) == expected


@pytest.mark.parametrize(
    "bad",
    [0, -3, "abc", 1.5, True, None, -(10**5000)],
    ids=["0", "-3", "abc", "1.5", "True", "None", "huge-negative"],
)
def test_check_fdc_id_refuses_the_rest_with_a_readable_message(bad: Any) -> None:
    with pytest.raises(InputError, match="positive whole number") as info:
        check_fdc_id(bad)
    assert info.value.field == "fdc_id"
    assert len(str(info.value)) < 200  # a huge int is shown by its size, not written out


def test_a_huge_int_magnesium_value_is_unusable_not_a_crash() -> None:
    food = parse_food(record(full(10**5000)))
    assert food.magnesium_mg_per_100g is None
    assert "an integer of about 5,001 digits" in food.magnesium_note


def test_check_fdc_id_refuses_an_id_too_long_to_be_one() -> None:
    """A huge positive id passed the check and then failed building the URL (ValueError)."""
    with pytest.raises(InputError, match="positive whole number"):
        check_fdc_id(10**5000)
    with pytest.raises(InputError, match="positive whole number"):
        check_fdc_id(2**63)
    assert check_fdc_id(2**63 - 1) == 2**63 - 1
