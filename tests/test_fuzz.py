"""Fuzzing the parsers: whatever comes in, only a MagcalcError may come out.

Targets: amount text (arbitrary unicode, and text built from the amount grammar with junk
mixed in), Supplement Facts lines, diary rows (``Intake.from_records`` with arbitrary
dicts), diary files (CSV and JSON text), and FoodData Central JSON (the recordings in
``../shared/fdc/responses`` with keys deleted, values swapped for other types, NaN,
infinities, huge integers, strings and nested junk). When a parser does return, what it
returns is sane: finite, non-negative amounts and magnesium, or None for unknown.

Example counts follow the hypothesis profile (``tests/conftest.py``): 100 per test in
``dev``, 400 with ``HYPOTHESIS_PROFILE=ci``.
"""

from __future__ import annotations

import json
import math
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import magcalc
from magcalc import Intake, MagcalcError
from magcalc.fdc import parse_food, parse_foods, parse_search
from magcalc.foods import Food

from .strategies import FOODS_WITH_CUP

# Byte-for-byte copies of ../shared/fdc/responses (provenance: tests/data/fdc/README.md).
RESPONSES = Path(__file__).resolve().parent / "data" / "fdc"
FUZZ = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
# Implausible amounts warn (PlausibilityWarning) and still compute: an allowed outcome.
pytestmark = pytest.mark.filterwarnings("ignore::magcalc.errors.PlausibilityWarning")

# ------------------------------------------------------------------ strategies

ODD = [
    "\u200b", "\u200f", "\u202e", "\u00a0", "\ufeff", "\x00", "\t", "\n", "½", "⅓", "⁄",
    "１", "２", "／", "٣", "²", "𝟐", "Ⅻ", "🥄", "🥦", "e", "E", "+", "-", "−", ".", ",", "/",
    "x", "×", "*", "of", "nan", "inf", "1e999", "9" * 400, "0", "00", "(", ")",
]  # fmt: skip
WORDS = [
    "g", "kg", "mg", "oz", "lb", "cup", "cups", "tbsp", "tsp", "T", "t", "ml", "l", "fl oz",
    "fluid ounces", "medium", "large", "slice", "packet", "a", "an", "half", "one",
    "chopped", "sliced", "magnesium", "citrate", "oxide", "(as magnesium citrate)", "Mg",
]  # fmt: skip
NUMBERS = st.one_of(
    st.integers(min_value=-5, max_value=10**6).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.fractions(max_denominator=20).map(str),
    st.sampled_from(["1/2", "1 1/2", "1-1/2", "1/0", ".5", "5.", "1e3", "1e-400"]),
)
PIECES = st.one_of(NUMBERS, st.sampled_from(ODD), st.sampled_from(WORDS), st.text(max_size=4))


@st.composite
def grammar_text(draw: st.DrawFn) -> str:
    """Text shaped like an amount or a label, with odd pieces mixed in."""
    parts = draw(st.lists(PIECES, min_size=1, max_size=6))
    sep = draw(st.sampled_from([" ", "", "  ", "\u00a0", "\t"]))
    return sep.join(parts)


any_text = st.one_of(st.text(max_size=40), grammar_text())

JUNK: st.SearchStrategy[Any] = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.integers(min_value=10**300, max_value=10**320),
        st.floats(),  # NaN and infinities included
        st.sampled_from([math.nan, math.inf, -math.inf, -1.0, 0.0, 1e308, 5e-324]),
        st.text(max_size=12),
        st.sampled_from(["", " ", "304", "1090", "mg", "MG", "g", "µg", "0E-8", "NaN", "1/0"]),
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)

COLUMNS = [
    "day", "food", "amount", "supplement", "elemental_mg", "compound_mg",
    "servings_per_day", "Food", " AMOUNT ", "notes",
]  # fmt: skip
CELL = st.one_of(
    JUNK,
    st.sampled_from(["almonds", "11458", "spinach boiled", "citrate", "oxide", "all"]),
    grammar_text(),
)
ROWS = st.lists(
    st.dictionaries(st.one_of(st.sampled_from(COLUMNS), st.text(max_size=6)), CELL, max_size=6),
    max_size=4,
)


def only_magcalc_errors(call: Any, *args: Any, **kwargs: Any) -> Any:
    """The call's result, or None when it raised a MagcalcError (anything else fails)."""
    try:
        return call(*args, **kwargs)
    except MagcalcError:
        return None


# ------------------------------------------------------------------ amounts and labels


@FUZZ
@given(text=any_text)
def test_parse_amount_only_raises_magcalc_errors(text: str) -> None:
    amount = only_magcalc_errors(magcalc.parse_amount, text)
    if amount is not None:
        assert math.isfinite(amount.value) and amount.value >= 0
        assert amount.kind in ("mass", "volume", "measure")


@FUZZ
@given(ndb=st.sampled_from(FOODS_WITH_CUP), amount=st.one_of(any_text, JUNK))
def test_serving_only_raises_magcalc_errors(ndb: str, amount: Any) -> None:
    result = only_magcalc_errors(magcalc.serving, ndb, amount)
    if result is not None:
        assert math.isfinite(result.grams) and result.grams >= 0
        assert result.magnesium_mg is not None
        assert math.isfinite(result.magnesium_mg) and result.magnesium_mg >= 0


@FUZZ
@given(text=any_text, servings=st.one_of(JUNK, st.floats(0.1, 10)))
def test_parse_label_only_raises_magcalc_errors(text: str, servings: Any) -> None:
    for line in (text, f"Magnesium (as magnesium {text}) 200 mg", f"Magnesium {text} mg"):
        supplement = only_magcalc_errors(magcalc.parse_label, line, servings_per_day=servings)
        if supplement is not None:
            assert math.isfinite(supplement.elemental_mg_per_day)
            assert supplement.elemental_mg_per_day >= 0


@FUZZ
@given(form=st.one_of(any_text, JUNK), elemental=JUNK, compound=JUNK, servings=JUNK)
def test_supplement_only_raises_magcalc_errors(
    form: Any, elemental: Any, compound: Any, servings: Any
) -> None:
    for kwargs in (
        {"form": form, "elemental_mg": elemental},
        {"form": "citrate", "compound_mg": compound, "servings_per_day": servings},
        {"form": "oxide", "elemental_mg": elemental, "servings_per_day": servings},
    ):
        supplement = only_magcalc_errors(magcalc.Supplement, **kwargs)
        if supplement is not None:
            assert math.isfinite(supplement.elemental_mg_per_day)


# ------------------------------------------------------------------ diaries


@FUZZ
@given(rows=ROWS)
@pytest.mark.filterwarnings("ignore::magcalc.MatchWarning")  # a weak match warns by design
def test_from_records_only_raises_magcalc_errors(rows: list[dict[Any, Any]]) -> None:
    intake = only_magcalc_errors(Intake.from_records, rows)
    if intake is not None:
        report = only_magcalc_errors(magcalc.assess, intake, magcalc.Person(age_years=40, sex="m"))
        if report is not None:
            assert math.isfinite(report.total_mg.magnitude)


def _write(suffix: str, data: str | bytes) -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"diary{suffix}"
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(data, encoding="utf-8", errors="surrogatepass")
        yield path


@st.composite
def csv_text(draw: st.DrawFn) -> str:
    header = draw(st.lists(st.sampled_from(COLUMNS), min_size=0, max_size=5))
    delimiter = draw(st.sampled_from([",", ";", "\t", "|"]))
    lines = [delimiter.join(header)]
    for _ in range(draw(st.integers(0, 4))):
        cells = draw(st.lists(st.one_of(grammar_text(), st.text(max_size=8)), max_size=6))
        lines.append(delimiter.join(cells))
    return "\n".join(lines)


@FUZZ
@given(data=st.one_of(csv_text(), st.text(max_size=200), st.binary(max_size=200)))
def test_read_csv_only_raises_magcalc_errors(data: str | bytes) -> None:
    for path in _write(".csv", data):
        only_magcalc_errors(Intake.read, path)


@FUZZ
@given(
    data=st.one_of(
        ROWS.map(lambda rows: json.dumps(rows, default=str)),
        JUNK.map(lambda value: json.dumps(value, default=str)),
        st.text(max_size=100),
        st.binary(max_size=100),
    )
)
def test_read_json_only_raises_magcalc_errors(data: str | bytes) -> None:
    for path in _write(".json", data):
        only_magcalc_errors(Intake.read, path)


# ------------------------------------------------------------------ FoodData Central JSON

# Keys parse_food never reads; dropped so each example copies a few KB, not 0.5 MB.
_UNREAD = {"inputFoods", "foodComponents", "foodAttributes", "nutrientConversionFactors",
           "aggregations", "foodSearchCriteria", "pageList"}  # fmt: skip
_HOT = ("foodNutrients", "foodPortions", "foodMeasures", "labelNutrients", "servingSize",
        "servingSizeUnit", "householdServingFullText", "fdcId", "description", "dataType",
        "ndbNumber", "foodCategory", "foods", "error", "measureUnit", "gramWeight")  # fmt: skip


def _recordings() -> dict[str, str]:
    if not RESPONSES.is_dir():
        return {}
    found = {}
    for path in sorted(RESPONSES.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(data, dict):
            data = {k: v for k, v in data.items() if k not in _UNREAD}
        found[path.name] = json.dumps(data)
    return found


RECORDINGS = _recordings()
needs_recordings = pytest.mark.skipif(
    not RECORDINGS,
    reason="../shared/fdc/responses (recorded FDC answers) is not beside this checkout",
)


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    items = (
        node.items()
        if isinstance(node, dict)
        else enumerate(node)
        if isinstance(node, list)
        else ()
    )
    for key, value in items:
        path = (*prefix, key)
        yield path
        yield from _paths(value, path)


def _parent(doc: Any, path: tuple[Any, ...]) -> Any:
    for key in path[:-1]:
        doc = doc[key]
    return doc


@st.composite
def mutated(draw: st.DrawFn, names: list[str]) -> Any:
    """A recording with 1-6 mutations: keys deleted, values replaced with junk, keys added."""
    name = draw(st.sampled_from(names))
    doc = json.loads(RECORDINGS[name])
    for _ in range(draw(st.integers(1, 6))):
        paths = list(_paths(doc))
        if not paths:
            break
        hot = [p for p in paths if any(str(k) in _HOT for k in p)] or paths
        path = draw(st.one_of(st.sampled_from(hot), st.sampled_from(paths)))
        parent, key = _parent(doc, path), path[-1]
        action = draw(st.sampled_from(["delete", "replace", "replace", "add"]))
        if action == "delete":
            del parent[key]
        elif action == "replace":
            parent[key] = draw(JUNK)
        elif isinstance(parent, dict):
            parent[draw(st.sampled_from(_HOT))] = draw(JUNK)
        else:
            parent.insert(key, draw(JUNK))
    if draw(st.booleans()) and isinstance(doc, dict):
        doc[draw(st.sampled_from(_HOT))] = draw(JUNK)
    return doc


def _sane(food: Food) -> None:
    value = food.magnesium_mg_per_100g
    assert value is None or (math.isfinite(value) and value >= 0)
    for portion in food.portions:
        assert math.isfinite(portion.gram_weight) and portion.gram_weight > 0
        assert math.isfinite(portion.amount) and portion.amount > 0
    if value is not None:
        result = only_magcalc_errors(magcalc.food_magnesium, food, "100 g")
        assert result is not None and math.isclose(result.magnitude, value)


FOOD_FILES = [n for n in RECORDINGS if "__food-" in n]
SEARCH_FILES = [n for n in RECORDINGS if "search" in n and not n.startswith("error")]
ALL_FILES = list(RECORDINGS)


@needs_recordings
@FUZZ
@given(data=st.data())
def test_parse_food_on_mutated_recordings(data: st.DataObject) -> None:
    doc = data.draw(mutated(FOOD_FILES + ALL_FILES))
    food = only_magcalc_errors(parse_food, doc)
    if food is not None:
        _sane(food)


@needs_recordings
@FUZZ
@given(data=st.data())
def test_parse_search_on_mutated_recordings(data: st.DataObject) -> None:
    doc = data.draw(mutated(SEARCH_FILES))
    foods = only_magcalc_errors(parse_search, doc)
    for food in foods or ():
        _sane(food)


@needs_recordings
@FUZZ
@given(data=st.data())
def test_parse_foods_on_mutated_lists(data: st.DataObject) -> None:
    docs = data.draw(st.lists(mutated(FOOD_FILES), min_size=1, max_size=3))
    foods = only_magcalc_errors(parse_foods, docs)
    for food in foods or ():
        _sane(food)


@FUZZ
@given(doc=JUNK)
def test_parse_functions_on_pure_junk(doc: Any) -> None:
    for parse in (parse_food, parse_search, parse_foods):
        only_magcalc_errors(parse, doc)
