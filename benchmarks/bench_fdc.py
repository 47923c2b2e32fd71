#!/usr/bin/env python3
"""Resolving 100 foods by FDC id: requests made and wall time, cold and warm cache.

A local server on 127.0.0.1 answers like FoodData Central (``/v1/food/{id}`` and
``/v1/foods?fdcIds=...``) with recorded-like records: the Survey (FNDDS) recording from
../shared/fdc/responses with its ``fdcId`` changed (a small synthetic record when
../shared is absent), after a simulated round trip per request (none, then 20 ms).
The baseline is one ``FdcClient.food`` request per food; the contender is
``FdcClient.foods`` (20 ids a request). Each runs with an empty cache (cold) and then
again with a new client on the same cache folder (warm), in the same run.
Figures are printed, never asserted: timing depends on the machine.
"""

from __future__ import annotations

import json
import logging
import re
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from magcalc.fdc import FdcClient

N_FOODS = 100
FIRST_ID = 3_000_000
# Simulated round trip per request [s]: none (loopback only) and a modest 20 ms (the
# real api.nal.usda.gov is usually slower, which favours batching further).
LATENCIES = (0.0, 0.02)
TEMPLATE = (
    Path(__file__).resolve().parents[1].parent
    / "shared"
    / "fdc"
    / "responses"
    / "countIt__food-survey-fndds-full.json"
)


def _template() -> tuple[dict[str, Any], str]:
    if TEMPLATE.is_file():
        return json.loads(TEMPLATE.read_bytes()), "Survey (FNDDS) recording"
    record = {
        "fdcId": 0,
        "description": "Synthetic food",
        "dataType": "SR Legacy",
        "foodNutrients": [
            {"nutrient": {"id": 1090, "number": "304", "unitName": "mg"}, "amount": 30.0}
        ],
    }
    return record, "synthetic record (../shared/fdc absent)"


def _handler(template: dict[str, Any], latency: float) -> Callable[[Request], Response]:
    def food(fdc_id: int) -> dict[str, Any]:
        return {**template, "fdcId": fdc_id, "description": f"{template['description']} {fdc_id}"}

    def handle(request: Request) -> Response:
        if latency:
            time.sleep(latency)
        path = request.path.removeprefix("/fdc")
        if path.startswith("/v1/food/"):
            body: Any = food(int(path.rsplit("/", 1)[1]))
        elif path == "/v1/foods":
            body = [food(int(i)) for i in request.args["fdcIds"].split(",")]
        else:
            return Response("", status=404)
        headers = {"X-RateLimit-Limit": "1000", "X-RateLimit-Remaining": "999"}
        return Response(json.dumps(body), content_type="application/json", headers=headers)

    return handle


def _run(template: dict[str, Any], latency: float) -> list[tuple[str, str, int, float]]:
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.expect_request(re.compile("^/fdc/")).respond_with_handler(_handler(template, latency))
    server.start()
    ids = list(range(FIRST_ID, FIRST_ID + N_FOODS))
    rows: list[tuple[str, str, int, float]] = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for name, fetch in (
                ("one request per food (baseline)", lambda c: [c.food(i) for i in ids]),
                ("FdcClient.foods, 20 ids a call", lambda c: c.foods(ids)),
            ):
                folder = Path(tmp) / name.split()[0]
                for state in ("cold", "warm"):
                    client = FdcClient(
                        api_key="BENCHMARK-KEY", base_url=server.url_for("/fdc"), cache=folder
                    )
                    before = len(server.log)
                    start = time.perf_counter()
                    foods = fetch(client)
                    elapsed = time.perf_counter() - start
                    client.close()
                    assert len(foods) == N_FOODS
                    rows.append((name, state, len(server.log) - before, elapsed))
    finally:
        server.clear()
        server.stop()
    return rows


def main() -> None:
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    template, kind = _template()
    print(f"resolve {N_FOODS} foods by FDC id against 127.0.0.1 ({kind})")
    for latency in LATENCIES:
        rows = _run(template, latency)
        print(f"  simulated latency {latency * 1e3:.0f} ms a request")
        print(f"    {'':34}{'cache':>6}{'requests':>10}{'wall':>11}")
        for name, state, calls, elapsed in rows:
            print(f"    {name:34}{state:>6}{calls:>10}{elapsed * 1e3:9.1f}ms")
        base, batch = rows[0][3], rows[2][3]
        print(f"    -> batching is {base / batch:.1f}x faster cold; warm runs make no request")


if __name__ == "__main__":
    main()
