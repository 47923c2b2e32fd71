"""magcalc.batch._days: each day cell read once, to a named state."""

from __future__ import annotations

import math
from typing import Any

import pytest

pd = pytest.importorskip("pandas")
batch = pytest.importorskip("magcalc.batch")
days = pytest.importorskip("magcalc.batch._days")
DayState = days.DayState


@pytest.mark.parametrize(
    ("cell", "state", "day"),
    [
        (3, DayState.DAY, 3),
        (3.0, DayState.DAY, 3),
        (" 3 ", DayState.DAY, 3),
        ("mon", DayState.DAY, "mon"),
        ("all", DayState.EVERY_DAY, None),
        ("Daily", DayState.EVERY_DAY, None),
        ("", DayState.BLANK, None),
        (None, DayState.BLANK, None),
        (math.nan, DayState.BLANK, None),
        (2.5, DayState.BAD, None),
        (True, DayState.BAD, None),
    ],
)
def test_each_day_cell_reads_as_a_named_state(cell: Any, state: Any, day: Any) -> None:
    """The states were bare ints 0..3 compared with == 3; now they have names."""
    got_state, got = days.day_state(cell)
    assert got_state is state
    if state is DayState.BAD:
        assert "day must be a whole number or a label" in str(got)
    else:
        assert got == day


def test_the_states_decide_which_rows_are_rejected() -> None:
    diary = pd.DataFrame(
        {
            "person_id": [1, 1, 1, 1, 1],
            "day": [1, "all", None, 2.5, None],
            "food": ["11458", "11458", "11458", "11458", None],
            "amount": ["1 cup"] * 4 + [None],
            "supplement": [None] * 4 + ["citrate"],
            "elemental_mg": [None] * 4 + [100.0],
        }
    )
    people = pd.DataFrame({"person_id": [1], "age": [40], "sex": ["male"]})
    result = batch.assess_frame(diary, people, errors="report")
    # A food row needs a day (every day and empty are not), a bad day is refused, and an
    # empty day on a supplement row means every recorded day.
    assert result.errors["row"].tolist() == [2, 3, 4]
    assert result.errors["column"].tolist() == ["day"] * 3
    assert result.days["supplemental_mg"].tolist() == [100.0]
