"""Threads: the same answers as serially, lazy loaders that initialise once, a shared FDC client.

Eight threads start together behind a :class:`threading.Barrier` so they race for real:
searches, lookups, servings, reference values and assessments give exactly the serial
results; each lazily loaded table (food table, measure vocabulary, supplement forms,
reference values, risk factors, suggestion candidates, the pint registry) is built once
however many threads ask for it first; and one :class:`~magcalc.fdc.FdcClient` shared
by eight threads against a local server gets every answer right while its lock keeps
its requests one at a time (as its docstring says).
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, ClassVar

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

import magcalc
from magcalc import foods, units
from magcalc.dri import risks, values
from magcalc.fdc import FdcClient
from magcalc.suggestions import food_plan as suggestions
from magcalc.supplements import forms as supplements

THREADS = 8
# Byte-for-byte copies of ../shared/fdc/responses (provenance: tests/data/fdc/README.md).
RESPONSES = Path(__file__).resolve().parent / "data" / "fdc"


def race(work: Callable[[int], Any], n: int = THREADS) -> list[Any]:
    """Run work(0..n-1) in n threads released together; return results, re-raise errors."""
    barrier = threading.Barrier(n)

    def start(i: int) -> Any:
        barrier.wait(timeout=30)
        return work(i)

    with ThreadPoolExecutor(max_workers=n) as pool:
        return list(pool.map(start, range(n)))


# --------------------------------------------------------------------------- same results


def _job(i: int) -> Any:
    """A mixed workload; returns plain data to compare with the serial run."""
    query = ["spinach boiled", "almonds", "bananna", "black beans", "cheddar cheese"][i % 5]
    hits = [(h.food.fdc_id, h.score) for h in magcalc.search_foods(query, limit=5)]
    food = magcalc.get_food(["11458", 168462, "09040", "12061"][i % 4]).model_dump()
    serving = magcalc.serving("11458", ["1/2 cup", "100 g", "3.5 oz", "2 tbsp"][i % 4])
    person = magcalc.Person(age_years=20 + i, sex="female" if i % 2 else "male")
    refs = magcalc.reference_values(person, framework=magcalc.frameworks()[i % 5])
    intake = magcalc.Intake()
    intake.add_food("almonds", "1 oz", day=1)
    intake.add_food("spinach boiled", "1/2 cup", day=2)
    intake.add_supplement(magcalc.Supplement(form="citrate", elemental_mg=100 + i), day=None)
    report = magcalc.assess(intake, person)
    return (hits, food, serving.model_dump(), refs.model_dump(), report.to_json())


def test_threads_give_the_serial_results() -> None:
    serial = [_job(i) for i in range(THREADS * 2)]
    threaded = race(_job, THREADS * 2)
    assert threaded == serial


# --------------------------------------------------------------------------- lazy loaders


ONCE_LOADERS = (
    foods.table._default_table,
    foods.portions.measure_vocabulary,
    supplements._load,
    values.load,
    risks._tables,
    suggestions._all_candidates,
)


@pytest.fixture
def fresh_loaders(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every lazy cache emptied for the test, and emptied again after it."""
    monkeypatch.setattr(supplements, "_aliases", {})
    monkeypatch.setattr(units, "_registry", None)
    for loader in ONCE_LOADERS:
        loader.cache_clear()
    yield
    for loader in ONCE_LOADERS:
        loader.cache_clear()


def counting(
    monkeypatch: pytest.MonkeyPatch, owner: Any, name: str, *, pause: float = 0.02
) -> list[Any]:
    """Wrap owner.name so each call is recorded and slow enough for threads to pile up."""
    calls: list[Any] = []
    original = getattr(owner, name)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        calls.append(args)
        time.sleep(pause)
        return original(*args, **kwargs)

    if isinstance(owner, type) and isinstance(owner.__dict__.get(name), classmethod):
        monkeypatch.setattr(owner, name, classmethod(lambda cls, *a, **k: wrapper(*a, **k)))
    else:
        monkeypatch.setattr(owner, name, wrapper)
    return calls


@pytest.mark.usefixtures("fresh_loaders")
def test_food_table_loads_once(monkeypatch: pytest.MonkeyPatch) -> None:
    loads = counting(monkeypatch, foods.FoodTable, "_load_cached", pause=0.05)
    tables = race(lambda _: foods.FoodTable.default())
    assert len(loads) == 1
    assert all(t is tables[0] for t in tables)
    assert len(tables[0]) == 7793 + 5432


@pytest.mark.usefixtures("fresh_loaders")
def test_measure_vocabulary_builds_once(monkeypatch: pytest.MonkeyPatch) -> None:
    builds = counting(monkeypatch, foods.portions, "portion_key", pause=0.0)
    vocabularies = race(lambda _: foods.portions.measure_vocabulary())
    assert all(v is vocabularies[0] for v in vocabularies)
    once = len(builds)
    foods.portions.measure_vocabulary()
    assert len(builds) == once  # built once, then reused
    assert "cup" in vocabularies[0]


@pytest.mark.usefixtures("fresh_loaders")
@pytest.mark.parametrize(
    ("module", "loader", "file", "use"),
    [
        (supplements, "_load", "supplement_forms.csv", lambda i: magcalc.get_form("glycinate")),
        (values, "load", "reference_values.csv", lambda i: magcalc.frameworks()),
        (risks, "_load", "risk_factors.csv", lambda i: risks.risk_factor("ppi")),
    ],
    ids=["supplement forms", "reference values", "risk factors"],
)
def test_data_tables_load_once(
    monkeypatch: pytest.MonkeyPatch, module: Any, loader: str, file: str, use: Any
) -> None:
    reads = counting(monkeypatch, module, "data_file", pause=0.02)
    results = race(use)
    assert [args for args in reads if args == (file,)] == [(file,)]
    assert all(r == results[0] for r in results)
    tables = race(lambda _: getattr(module, loader)())
    assert all(t is tables[0] for t in tables)


@pytest.mark.usefixtures("fresh_loaders")
def test_all_forms_resolve_after_a_racing_first_load() -> None:
    """The alias table is complete for every thread, not only the one that loaded it."""
    names = ["glycinate", "Epsom salt", "milk of magnesia", "MgO", "citrate", "taurate"]
    found = race(lambda i: [magcalc.get_form(n).name for n in names])
    assert all(f == found[0] for f in found)


@pytest.mark.usefixtures("fresh_loaders")
def test_suggestion_candidates_build_once() -> None:
    lists = race(lambda _: suggestions._all_candidates())
    assert all(c is lists[0] for c in lists)
    plans = race(lambda _: magcalc.suggest_foods(150, exclude="vegan").model_dump())
    assert all(p == plans[0] for p in plans)


@pytest.mark.usefixtures("fresh_loaders")
def test_one_unit_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    import pint

    made = counting(monkeypatch, pint, "UnitRegistry", pause=0.05)
    registries = race(lambda _: units.get_registry())
    assert len(made) == 1
    assert all(r is registries[0] for r in registries)


# --------------------------------------------------------------------------- FDC client


class CountingReplay:
    """Answers like FDC from the recordings and records how many requests overlap."""

    FOODS: ClassVar[dict[int, str]] = {
        2262072: "countIt__food-2262072-foundation-full.json",
        2709225: "countIt__food-survey-fndds-full.json",
        170720: "danclowry__food-170720-srlegacy-full-2019.json",
    }

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.active = 0
        self.most = 0
        self.bodies = {i: (RESPONSES / n).read_bytes() for i, n in self.FOODS.items()}
        self.search = (RESPONSES / "countIt__foods-search.json").read_bytes()

    def __call__(self, request: Request) -> Response:
        with self.lock:
            self.active += 1
            self.most = max(self.most, self.active)
        try:
            time.sleep(0.01)  # long enough for unserialised requests to overlap
            path = request.path.removeprefix("/fdc")
            if path.startswith("/v1/food/"):
                body = self.bodies.get(int(path.rsplit("/", 1)[1]))
                if body is None:
                    return Response(b"", status=404)
                return Response(body, content_type="application/json")
            if path == "/v1/foods":
                ids = [int(t) for t in request.args.get("fdcIds", "").split(",")]
                out = [json.loads(self.bodies[i]) for i in ids if i in self.bodies]
                return Response(json.dumps(out), content_type="application/json")
            if path == "/v1/foods/search":
                return Response(self.search, content_type="application/json")
            return Response(b"", status=404)
        finally:
            with self.lock:
                self.active -= 1


@pytest.fixture
def replay(no_proxies: None) -> Iterator[tuple[HTTPServer, CountingReplay]]:
    assert RESPONSES.is_dir(), "tests/data/fdc (the recorded FDC answers) is missing"
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    handler = CountingReplay()
    server.expect_request(re.compile("^/fdc/")).respond_with_handler(handler)
    yield server, handler
    server.clear()
    server.stop()


def _fdc_job(api: FdcClient, i: int) -> Any:
    kind = i % 4
    if kind == 0:
        return [f.fdc_id for f in api.search("banana", page_size=5)]
    if kind == 1:
        return api.food(2262072).model_dump()
    if kind == 2:
        return [f.model_dump() for f in api.foods([2709225, 170720])]
    with pytest.raises(magcalc.FdcNotFoundError):
        api.food(900_001)
    return "not found"


@pytest.mark.parametrize("cache", [False, True], ids=["no cache", "sqlite cache"])
def test_one_fdc_client_shared_by_8_threads(
    replay: tuple[HTTPServer, CountingReplay], cache: bool, tmp_path: Path
) -> None:
    server, handler = replay
    options: dict[str, Any] = {
        "api_key": "test-key-123456",
        "base_url": server.url_for("/fdc"),
        "cache": tmp_path if cache else False,
        "timeout": (2.0, 10.0),
        "backoff_factor": 0.0,
    }
    with FdcClient(**options) as serial_client:
        serial = [_fdc_job(serial_client, i) for i in range(THREADS * 2)]
    (tmp_path / "fdc.sqlite").unlink(missing_ok=True)
    handler.most = 0
    with FdcClient(**options) as shared:
        threaded = race(lambda i: _fdc_job(shared, i), THREADS * 2)
    assert threaded == serial
    assert handler.most == 1  # the client's lock: one request at a time
