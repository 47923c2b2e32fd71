"""Fixtures of the FDC tests: the recorded answers as bytes, and raw-socket servers."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from .servers import RECORDED, RESPONSES, RawServer, Script


@pytest.fixture(scope="session")
def recorded() -> dict[int, bytes]:
    return {fdc_id: (RESPONSES / name).read_bytes() for fdc_id, name in RECORDED.items()}


@pytest.fixture
def raw_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[Script], RawServer]]:
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    started: list[RawServer] = []

    def start(script: Script) -> RawServer:
        started.append(RawServer(script))
        return started[-1]

    yield start
    for raw in started:
        raw.close()
