"""magcalc._util: the one home of each small helper the modules share."""

from __future__ import annotations

import math
import threading
import time

import pytest

from magcalc._util import (
    EVERY_DAY_WORDS,
    about_probability,
    finite,
    finite_float,
    once,
    percent_text,
    probability_text,
    shown,
    singular,
)


@pytest.mark.parametrize(
    ("word", "one"),
    [("leaves", "leaf"), ("halves", "half"), ("berries", "berry"), ("peaches", "peach"),
     ("tomatoes", "tomato"), ("slices", "slice"), ("hummus", "hummus"), ("glass", "glass"),
     ("cookies", "cookie"), ("brownies", "brownie"), ("chilies", "chili"), ("patties", "patty")],
)  # fmt: skip
def test_singular(word: str, one: str) -> None:
    assert singular(word) == one


@pytest.mark.parametrize(
    ("value", "expected"),
    [(1.5, True), (0, True), (math.nan, False), (math.inf, False), (10**400, False),
     (True, False), ("1", False), (None, False)],
)  # fmt: skip
def test_finite(value: object, expected: bool) -> None:
    """An int too large for a float is not finite, and never an OverflowError."""
    assert finite(value) is expected


def test_finite_float_reads_number_text() -> None:
    assert finite_float("0E-8") == 0.0
    assert finite_float("nan") is None
    assert finite_float(10**400) is None


def test_probability_wording_never_claims_certainty() -> None:
    assert probability_text(0.9999) == "over 99%"
    assert probability_text(0.0001) == "under 1%"
    assert about_probability(0.8358) == "about 84%"
    assert percent_text(1.0) == "100.0 %"


def test_shown_is_short_and_safe_for_huge_ints() -> None:
    assert shown(10**5000) == "<an integer of about 5,001 digits>"
    assert len(shown("x" * 500)) <= 60


def test_every_day_words() -> None:
    assert EVERY_DAY_WORDS == ("all", "every", "daily")


def test_once_runs_once_however_many_threads_race() -> None:
    calls: list[int] = []
    barrier = threading.Barrier(8)

    @once
    def table() -> list[int]:
        calls.append(1)
        time.sleep(0.02)  # slow enough for the other threads to arrive
        return [1, 2, 3]

    results: list[list[int]] = []

    def work() -> None:
        barrier.wait()
        results.append(table())

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(calls) == 1
    assert all(r is results[0] for r in results)
    table.cache_clear()
    assert table() is not results[0] and len(calls) == 2
