"""Servers and helpers the FDC hardening tests share: a raw-socket HTTP server for what
pytest-httpserver cannot do (drip bytes, break a status line), and small answer makers.

Not a test module; the fixtures that start these servers are in ``conftest.py``.
"""

from __future__ import annotations

import json
import socket
import threading
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pytest_httpserver import HTTPServer

from magcalc.fdc import FdcClient

__all__ = [
    "BIG_MAC",
    "FAST",
    "KEY_INVALID",
    "OVER_RATE_LIMIT",
    "PEANUT_BUTTER",
    "RECORDED",
    "RESPONSES",
    "SENTINEL",
    "SPRING_500",
    "RawServer",
    "Script",
    "cache_bytes",
    "calls",
    "client",
    "drip",
    "error_texts",
    "food_json",
    "head",
]

# Byte-for-byte copies of two recorded FDC answers (provenance: tests/data/fdc/README.md).
RESPONSES = Path(__file__).resolve().parents[1] / "data" / "fdc"
PEANUT_BUTTER = 2262072
BIG_MAC = 170720
RECORDED = {
    PEANUT_BUTTER: "countIt__food-2262072-foundation-full.json",
    BIG_MAC: "danclowry__food-170720-srlegacy-full-2019.json",
}
SENTINEL = "SENTINEL-KEY-1234"
FAST: dict[str, Any] = {"backoff_factor": 0.0, "timeout": (2.0, 5.0)}
# FDC error bodies in their documented shapes (../shared/fdc/README.md), sent with 200.
SPRING_500 = {
    "timestamp": "2020-08-12T22:22:50.220+0000",
    "status": 500,
    "error": "Internal Server Error",
    "message": "all shards failed",
    "path": "/portal-data/api/v1/food/2262072",
}
OVER_RATE_LIMIT = {
    "error": {"code": "OVER_RATE_LIMIT", "message": "You have exceeded your rate limit."}
}
KEY_INVALID = {"error": {"code": "API_KEY_INVALID", "message": "An invalid api_key was supplied."}}


Script = Callable[[socket.socket, threading.Event], None]


class RawServer:
    """
    A one-purpose HTTP server on 127.0.0.1 that answers every request with a script.

    A script gets the connection (the request already read) and an event set when
    the test ends, which it must honour between writes, so no thread outlives the
    test by more than one wait.
    """

    def __init__(self, script: Script) -> None:
        self.script = script
        self.stop = threading.Event()
        self.connections = 0
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(8)
        self._listener.settimeout(0.1)
        self._threads: list[threading.Thread] = []
        self._accepting = threading.Thread(target=self._accept, daemon=True)
        self._accepting.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._listener.getsockname()[1]}/fdc"

    def _accept(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections += 1
            thread = threading.Thread(target=self._answer, args=(conn,), daemon=True)
            self._threads.append(thread)
            thread.start()

    def _answer(self, conn: socket.socket) -> None:
        with conn:
            conn.settimeout(5)
            try:
                request = b""
                while b"\r\n\r\n" not in request:
                    data = conn.recv(4096)
                    if not data:
                        return
                    request += data
                self.script(conn, self.stop)
            except OSError:
                pass  # the client hung up: that is what most tests here wait for

    def close(self) -> None:
        self.stop.set()
        self._accepting.join(5)
        self._listener.close()
        for thread in self._threads:
            thread.join(5)


def head(body: bytes, status: str = "200 OK", extra: str = "") -> bytes:
    return (
        f"HTTP/1.1 {status}\r\nContent-Type: application/json\r\n{extra}"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    ).encode()


def drip(data: bytes, every: float) -> Script:
    """Send `data` one byte every `every` seconds."""

    def script(conn: socket.socket, stop: threading.Event) -> None:
        for i in range(len(data)):
            if stop.wait(every):
                return
            conn.sendall(data[i : i + 1])

    return script


def client(url: str, **kwargs: Any) -> FdcClient:
    options = {"api_key": SENTINEL, "cache": False, **FAST, **kwargs}
    return FdcClient(base_url=url, **options)


def calls(server: HTTPServer) -> int:
    return len(server.log)


def error_texts(err: BaseException) -> list[str]:
    return [str(err), repr(err), "".join(traceback.format_exception(err))]


def food_json(fdc_id: int, description: str = "Synthetic food", mg: float = 42.0) -> bytes:
    return json.dumps(
        {
            "fdcId": fdc_id,
            "description": description,
            "dataType": "SR Legacy",
            "foodNutrients": [
                {"nutrient": {"id": 1090, "number": "304", "unitName": "mg"}, "amount": mg}
            ],
        }
    ).encode()


def cache_bytes(folder: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file())
