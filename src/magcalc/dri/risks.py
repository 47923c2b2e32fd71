"""Documented risk factors for low magnesium status, with their sources.

They do not change reference values (the DRIs don't); an assessment adds a cited note
for each. magcalc states these facts and never diagnoses.

References
----------
.. [1] NIH Office of Dietary Supplements, "Magnesium: Fact Sheet for Health
   Professionals." https://ods.od.nih.gov/factsheets/Magnesium-HealthProfessional/
.. [2] U.S. Food and Drug Administration, "FDA Drug Safety Communication: Low magnesium
   levels can be associated with long-term use of Proton Pump Inhibitor drugs (PPIs),"
   2011.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import Literal

from magcalc._data import data_file
from magcalc._models import ValueModel
from magcalc._util import once
from magcalc.errors import PersonError

__all__ = ["RiskFactor", "normalise_conditions", "risk_factor", "risk_factors"]


class RiskFactor(ValueModel):
    """
    A factor that changes the risk of low magnesium, with a cited note.

    ``effect`` says which way: "raises" the risk (most), "lowers" it (potassium-sparing
    diuretics reduce magnesium loss in urine), or "depends" on what was not said (a
    diuretic of unstated kind: loop and thiazide raise the loss, potassium-sparing
    reduce it, NIH ODS).

    Examples
    --------
    >>> risk_factor("omeprazole").name
    'long-term proton-pump inhibitor use'
    """

    key: str
    name: str
    aliases: tuple[str, ...]
    effect: Literal["raises", "lowers", "depends"]
    note: str
    citation: str


def _norm(text: str) -> str:
    return " ".join(re.sub(r"[_\-’']", " ", text.lower()).split())


@once
def _tables() -> tuple[dict[str, RiskFactor], dict[str, str]]:
    """The risk factors by key, and every name and alias (normalised) to its key."""
    factors: dict[str, RiskFactor] = {}
    aliases: dict[str, str] = {}
    with data_file("risk_factors.csv").open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            names = tuple(a for a in row["aliases"].split("|") if a)
            factor = RiskFactor(
                key=row["key"],
                name=row["name"],
                aliases=names,
                effect=row["effect"],
                note=row["note"],
                citation=row["citation"],
            )
            factors[factor.key] = factor
            for alias in (factor.key, factor.name, *names):
                aliases[_norm(alias)] = factor.key
    return factors, aliases


def _load() -> dict[str, RiskFactor]:
    return _tables()[0]


def risk_factors() -> list[RiskFactor]:
    """
    The documented risk factors magcalc knows.

    Examples
    --------
    >>> [f.key for f in risk_factors()][:3]
    ['ppi', 'loop_thiazide_diuretic', 'potassium_sparing_diuretic']
    """
    return list(_load().values())


def risk_factor(name: str) -> RiskFactor:
    """
    A risk factor by key or a common name ("PPI", "Crohn's disease", "elderly").

    Raises
    ------
    PersonError
        For an unknown factor; the message lists the known ones.

    Examples
    --------
    >>> risk_factor("Crohn's disease").key
    'gi_disease'
    """
    factors = _load()
    key = _tables()[1].get(_norm(name)) if isinstance(name, str) else None
    if key is None:
        known = "; ".join(f"{f.key} ({f.name})" for f in factors.values())
        raise PersonError(
            f"unknown condition {name!r}; magcalc knows these risk factors for low "
            f"magnesium: {known}",
            field="conditions",
        )
    return factors[key]


def normalise_conditions(values: Iterable[str]) -> tuple[str, ...]:
    """Canonical keys for the given conditions, in order, without repeats."""
    keys: dict[str, None] = {}
    for value in values:
        keys.setdefault(risk_factor(value).key, None)
    return tuple(keys)
