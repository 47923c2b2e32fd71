"""An example web service: magcalc's own models as request and response types.

Run it with ``uvicorn examples.web_service:app`` (``pip install 'magcalc[web]' uvicorn``).
tests/test_web_service.py calls every endpoint through FastAPI's test client.

- ``GET /foods?q=almonds`` searches the bundled USDA table (a list of ``FoodMatch``).
- ``POST /assess`` takes a person, diary rows and a framework, and returns the
  ``Assessment``. Diary rows, not resolved servings, come from the client, so every
  magnesium figure comes from the bundled USDA table (``Intake.from_records``).
- ``POST /assess/intake`` takes a whole ``Intake`` (as ``Intake.model_dump_json()`` writes
  it), for trusted callers such as another service of your own.

The food table is loaded once, when the app starts, and shared by every request: magcalc's
table, search and assessment are safe to call from many threads at once.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

import magcalc
from magcalc import Assessment, FoodMatch, Intake, MagcalcError, Person
from magcalc.dri import DEFAULT_FRAMEWORK, Framework


@asynccontextmanager
async def lifespan(_: FastAPI) -> AsyncIterator[None]:
    magcalc.FoodTable.default()  # load the table once, before the first request
    yield


app = FastAPI(title="magcalc example service", version=magcalc.__version__, lifespan=lifespan)


@app.exception_handler(MagcalcError)
async def magcalc_error(_: Request, err: MagcalcError) -> JSONResponse:
    """A magcalc error is the client's to fix: 422 with the error's name and message."""
    field = getattr(err, "field", None)
    return JSONResponse(
        status_code=422,
        content={"error": type(err).__name__, "message": str(err), "field": field},
    )


class AssessRequest(BaseModel):
    """A person, their diary rows (the columns of ``magcalc.intake.DIARY_COLUMNS``)
    and the reference framework."""

    person: Person
    diary: list[dict[str, Any]] = Field(
        examples=[[{"day": 1, "food": "almonds", "amount": "1 oz"}]]
    )
    framework: Framework = DEFAULT_FRAMEWORK


class IntakeRequest(BaseModel):
    """A person, an :class:`~magcalc.Intake` as JSON, and the reference framework."""

    person: Person
    intake: Intake
    framework: Framework = DEFAULT_FRAMEWORK


@app.get("/foods")
def search(q: str, limit: int = 5) -> list[FoodMatch]:
    """Foods matching ``q``, best first."""
    return list(magcalc.search_foods(q, limit=limit))


@app.post("/assess")
def assess_diary(request: AssessRequest) -> Assessment:
    """Assess a diary: every magnesium figure comes from the bundled table."""
    intake = Intake.from_records(request.diary)
    return magcalc.assess(intake, request.person, framework=request.framework)


@app.post("/assess/intake")
def assess_intake(request: IntakeRequest) -> Assessment:
    """Assess an intake built elsewhere (trusted callers)."""
    return magcalc.assess(request.intake, request.person, framework=request.framework)
