"""The example web service (examples/web_service.py) through FastAPI's test client."""

from __future__ import annotations

import sys
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi")

import magcalc

ROOT = Path(__file__).resolve().parents[1]
BODY: dict[str, Any] = {
    "person": {"age_years": 34, "sex": "female"},
    "diary": [
        {"day": 1, "food": "almonds", "amount": "1 oz"},
        {"day": 2, "food": "spinach, boiled", "amount": "1 cup"},
    ],
}


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    with warnings.catch_warnings():
        # starlette's notice about which HTTP client it prefers, not about magcalc
        warnings.filterwarnings("ignore", message="Using `httpx` with `starlette")
        from fastapi.testclient import TestClient

    sys.path.insert(0, str(ROOT))
    try:
        from examples.web_service import app

        with TestClient(app) as test_client:
            yield test_client
    finally:
        sys.path.remove(str(ROOT))


def test_search_returns_magcalcs_food_matches(client: Any) -> None:
    response = client.get("/foods", params={"q": "almonds", "limit": 2})
    assert response.status_code == 200
    hits = [magcalc.FoodMatch.model_validate(h) for h in response.json()]
    assert hits == list(magcalc.search_foods("almonds", limit=2))


def test_assess_a_diary_gives_the_same_assessment_as_the_library(client: Any) -> None:
    response = client.post("/assess", json=BODY)
    assert response.status_code == 200
    intake = magcalc.Intake.from_records(BODY["diary"])
    expected = magcalc.assess(intake, magcalc.Person(age_years=34, sex="female"))
    got = response.json()
    # almonds 28.35 g x 270 mg/100 g = 76.5 mg; spinach 180 g x 87 mg/100 g = 156.6 mg;
    # mean over 2 days = 116.6 mg/day
    assert got["total_mg"] == pytest.approx(expected.total_mg.magnitude)
    assert got["total_mg"] == pytest.approx((28.349523125 * 2.70 + 156.6) / 2)
    assert got["framework"] == "IOM1997" and got["conclusion"] == expected.conclusion


def test_an_intake_round_trips_through_the_service(client: Any) -> None:
    intake = magcalc.Intake()
    intake.add_food("almonds", "1 oz", day=1)
    intake.add_supplement(magcalc.Supplement(form="oxide", compound_mg=500), day=None)
    body = {"person": BODY["person"], "intake": intake.model_dump(mode="json")}
    response = client.post("/assess/intake", json=body)
    assert response.status_code == 200
    expected = magcalc.assess(intake, magcalc.Person(age_years=34, sex="female"))
    assert response.json()["supplemental_mg"] == pytest.approx(expected.supplemental_mg.magnitude)


def test_bad_input_is_a_422_naming_what_to_fix(client: Any) -> None:
    unknown = client.post("/assess", json={**BODY, "framework": "XYZ"})
    assert unknown.status_code == 422 and "IOM1997" in unknown.text
    food = client.post(
        "/assess", json={**BODY, "diary": [{"day": 1, "food": "zzqqx", "amount": "1 cup"}]}
    )
    assert food.status_code == 422
    assert food.json()["error"] == "DiaryError" and "zzqqx" in food.json()["message"]


def test_the_openapi_schema_lists_the_frameworks(client: Any) -> None:
    schema = client.get("/openapi.json").json()
    framework = schema["components"]["schemas"]["AssessRequest"]["properties"]["framework"]
    assert framework["enum"] == magcalc.frameworks()
