"""Supplement forms and doses: elemental magnesium by stoichiometry, absorption as cited ranges.

A form is a specific compound, hydrate included ("citrate" is anhydrous trimagnesium
dicitrate, "Epsom salt" is magnesium sulfate heptahydrate), because the hydrate changes
the elemental content as much as the anion. The elemental fraction is computed from the
formula with standard atomic weights, never typed in. Absorption evidence is given as
low / central / high factors with the studies behind each, for the clearly labelled
absorption-adjusted estimate; it never enters the comparison with reference values.

Doses must say their basis: ``Supplement(form="citrate", elemental_mg=200)`` (what US and
EU supplement labels declare) or ``Supplement(form="oxide", compound_mg=500)`` (the mass of
the compound, as in a product name "Magnesium Oxide 500 mg"). A bare ``mg`` is refused.

References
----------
.. [1] IUPAC Commission on Isotopic Abundances and Atomic Weights, "Standard atomic
   weights," 2021 (abridged, conventional values as listed in magcalc's reference facts).
.. [2] See ``src/magcalc/data/supplement_evidence.csv`` for the absorption studies.

Modules: :mod:`~magcalc.supplements.forms` (compounds, stoichiometry, absorption
evidence) and :mod:`~magcalc.supplements.doses` (:class:`Supplement` and
:func:`parse_label`).
"""

from __future__ import annotations

from magcalc.supplements.doses import (
    MAX_PLAUSIBLE_COMPOUND_MG_PER_DAY,
    MAX_PLAUSIBLE_ELEMENTAL_MG_PER_DAY,
    Supplement,
    parse_label,
)
from magcalc.supplements.forms import (
    ATOMIC_WEIGHTS,
    AbsorptionEvidence,
    Evidence,
    SupplementForm,
    SupplementForms,
    elemental_fraction,
    get_form,
    molar_mass,
    parse_formula,
    supplement_forms,
)

__all__ = [
    "ATOMIC_WEIGHTS",
    "MAX_PLAUSIBLE_COMPOUND_MG_PER_DAY",
    "MAX_PLAUSIBLE_ELEMENTAL_MG_PER_DAY",
    "AbsorptionEvidence",
    "Evidence",
    "Supplement",
    "SupplementForm",
    "SupplementForms",
    "elemental_fraction",
    "get_form",
    "molar_mass",
    "parse_formula",
    "parse_label",
    "supplement_forms",
]
