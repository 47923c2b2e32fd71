"""The food models: frozen, picklable, and JSON round trips."""

from __future__ import annotations

import pickle

import pytest

import magcalc

from .helpers import SPINACH


def test_models_are_frozen_and_pickle() -> None:
    food = magcalc.get_food(SPINACH)
    with pytest.raises(Exception):  # noqa: B017,PT011 - pydantic's ValidationError for frozen models
        food.description = "x"  # type: ignore[misc]
    assert pickle.loads(pickle.dumps(food)) == food
    s = magcalc.serving(food, "1 cup")
    assert type(s).model_validate_json(s.model_dump_json()) == s
