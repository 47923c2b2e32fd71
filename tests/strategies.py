"""Hypothesis strategies for magcalc tests (attrs' pattern: one module, reused)."""

from __future__ import annotations

from hypothesis import strategies as st

# Everyday foods with a USDA volume portion (NDB numbers from src/magcalc/data/foods.csv).
FOODS_WITH_CUP = ["11458", "16015", "20045", "09040", "12061", "01077"]

masses = st.floats(min_value=0, max_value=5000, allow_nan=False, allow_infinity=False)
mass_units = st.sampled_from(["g", "kg", "oz", "lb", "mg"])
volume_units = st.sampled_from(["cup", "cups", "tbsp", "tsp", "tablespoons", "ml", "fl oz"])
fractions = st.sampled_from(["1/2", "1/4", "3/4", "1 1/2", "½", "¼", "2", "0.5", "1"])


@st.composite
def amount_texts(draw: st.DrawFn) -> str:
    """Well-formed household amounts: '1/2 cup', '3.5 oz', ..."""
    number = draw(fractions)
    unit = draw(st.one_of(mass_units, volume_units))
    return f"{number} {unit}"
