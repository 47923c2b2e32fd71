"""magcalc.batch._stages: reference values by life stage agree with Person, age by age."""

from __future__ import annotations

import numpy as np
import pytest

import magcalc
from magcalc import Person
from magcalc.dri import reference_values
from magcalc.errors import MagcalcError

from .helpers import close

pd = pytest.importorskip("pandas")
batch = pytest.importorskip("magcalc.batch")


def test_people_by_life_stage_agree_with_person() -> None:
    rng = np.random.default_rng(2)
    n = 600
    ages = rng.uniform(0, 124.9, n)
    # Band edges exactly, and float noise next to them, where round(months, 9) decides.
    ages[:8] = [4.0, 9.0, 14.0, 19.0, 31.0, 51.0, 71.0, 7 / 12]
    ages[8:12] = [10.0 - 1e-12, 60.0 - 1e-13, 1 / 12 * 7 + 1e-14, 0.0]
    people = pd.DataFrame(
        {
            "person_id": np.arange(n),
            "age": ages,
            "sex": rng.choice(["female", "male", "F"], n),
            "pregnant": rng.random(n) < 0.1,
        }
    )
    for framework in ("IOM1997", "EFSA2015", "US_DV2016"):
        prepared = batch.prepare_people(people, framework, errors="report")
        profiles = prepared.profiles
        for i in range(n):
            row = people.iloc[i]
            try:
                person = Person(
                    age_years=float(row["age"]), sex=row["sex"], pregnant=bool(row["pregnant"])
                )
                refs = reference_values(person, framework=framework)
            except MagcalcError:
                assert not profiles["valid"].iloc[i]
                continue
            got = profiles.iloc[i]
            assert got["valid"], got["reason"]
            assert got["life_stage"] == refs.life_stage
            assert close(got["ear_mg"], refs.ear_mg) and close(got["target_mg"], refs.target_mg)
            assert close(got["ul_supplemental_mg"], refs.ul_supplemental_mg)
            assert got["sd_within_mg"] == magcalc.dri.within_person_sd(person)[0]
