"""Supplement forms: elemental magnesium by stoichiometry, absorption as cited ranges.

A form is a specific compound, hydrate included ("citrate" is anhydrous trimagnesium
dicitrate, "Epsom salt" is magnesium sulfate heptahydrate), because the hydrate changes
the elemental content as much as the anion. The elemental fraction is computed from the
formula with standard atomic weights, never typed in. Absorption evidence is given as
low / central / high factors with the studies behind each, for the clearly labelled
absorption-adjusted estimate; it never enters the comparison with reference values.

References
----------
.. [1] IUPAC Commission on Isotopic Abundances and Atomic Weights, "Standard atomic
   weights," 2021 (abridged, conventional values as listed in magcalc's reference facts).
.. [2] See ``src/magcalc/data/supplement_evidence.csv`` for the absorption studies.
"""

from __future__ import annotations

import csv
import re

from pydantic import Field

from magcalc._data import data_file
from magcalc._models import ValueModel
from magcalc._util import once
from magcalc.errors import SupplementError, UnknownFormError

__all__ = [
    "ATOMIC_WEIGHTS",
    "AbsorptionEvidence",
    "Evidence",
    "SupplementForm",
    "SupplementForms",
    "elemental_fraction",
    "get_form",
    "molar_mass",
    "parse_formula",
    "supplement_forms",
]

# Standard atomic weights [g/mol], IUPAC/CIAAW conventional values (the figures given in
# ../shared/reference/magnesium.md section 3).
ATOMIC_WEIGHTS: dict[str, float] = {
    "H": 1.008,
    "C": 12.011,
    "N": 14.007,
    "O": 15.999,
    "Mg": 24.305,
    "S": 32.06,
    "Cl": 35.45,
}


_ELEMENT = re.compile(r"([A-Z][a-z]?)(\d*)")


def parse_formula(formula: str) -> dict[str, int]:
    """
    Count the atoms in a chemical formula, with parentheses and hydrates.

    Parameters
    ----------
    formula : str
        E.g. ``"Mg3(C6H5O7)2·9H2O"``; a hydrate part follows "·", "." or "*", with an
        optional leading count.

    Returns
    -------
    dict of str to int
        Element symbol -> number of atoms.

    Raises
    ------
    SupplementError
        Unbalanced parentheses, an unknown element or unreadable text.

    Examples
    --------
    >>> parse_formula("Mg3(C6H5O7)2·9H2O")
    {'Mg': 3, 'C': 12, 'H': 28, 'O': 23}
    >>> parse_formula("MgCl2·6H2O")
    {'Mg': 1, 'Cl': 2, 'H': 12, 'O': 6}
    """
    if not isinstance(formula, str) or not formula.strip():
        raise SupplementError(f"formula must be non-empty text, not {formula!r}", field="formula")
    total: dict[str, int] = {}
    for part in re.split(r"[·.*•]", formula.replace(" ", "")):
        match = re.match(r"(\d*)(.*)$", part)
        assert match is not None
        count = int(match.group(1) or 1)
        for element, n in _count_group(match.group(2), formula).items():
            total[element] = total.get(element, 0) + n * count
    return total


def _count_group(text: str, formula: str) -> dict[str, int]:
    stack: list[dict[str, int]] = [{}]
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "(":
            stack.append({})
            i += 1
        elif ch == ")":
            if len(stack) == 1:
                raise SupplementError(f"unbalanced ')' in formula {formula!r}", field="formula")
            m = re.match(r"\d*", text[i + 1 :])
            mult = int(m.group(0) or 1) if m else 1
            inner = stack.pop()
            for element, n in inner.items():
                stack[-1][element] = stack[-1].get(element, 0) + n * mult
            i += 1 + (len(m.group(0)) if m else 0)
        else:
            m = _ELEMENT.match(text, i)
            if not m or m.group(1) not in ATOMIC_WEIGHTS:
                raise SupplementError(
                    f"cannot read formula {formula!r} at {text[i:]!r}; known elements: "
                    + ", ".join(ATOMIC_WEIGHTS),
                    field="formula",
                )
            stack[-1][m.group(1)] = stack[-1].get(m.group(1), 0) + int(m.group(2) or 1)
            i = m.end()
    if len(stack) != 1:
        raise SupplementError(f"unbalanced '(' in formula {formula!r}", field="formula")
    return stack[0]


def molar_mass(formula: str) -> float:
    """
    Molar mass [g/mol] of a formula from standard atomic weights.

    Examples
    --------
    >>> round(molar_mass("MgO"), 3)
    40.304
    """
    return sum(ATOMIC_WEIGHTS[el] * n for el, n in parse_formula(formula).items())


def elemental_fraction(formula: str) -> float:
    """
    Mass fraction of magnesium in a compound [g Mg / g compound].

    Examples
    --------
    >>> round(100 * elemental_fraction("MgO"), 2)
    60.3
    >>> round(100 * elemental_fraction("MgSO4·7H2O"), 2)
    9.86
    """
    atoms = parse_formula(formula)
    if "Mg" not in atoms:
        raise SupplementError(f"formula {formula!r} contains no magnesium", field="formula")
    return ATOMIC_WEIGHTS["Mg"] * atoms["Mg"] / molar_mass(formula)


class Evidence(ValueModel):
    """One study behind an absorption factor."""

    key: str
    citation: str
    doi_or_url: str
    finding: str
    verified: bool


class AbsorptionEvidence(ValueModel):
    """
    Absorption of a form relative to food magnesium: a range, not a coefficient.

    ``low``, ``central`` and ``high`` are dimensionless factors (1.0 = absorbed like
    magnesium from a mixed diet); ``basis`` shows how they follow from the studies.
    """

    low: float = Field(ge=0)
    central: float = Field(ge=0)
    high: float = Field(ge=0)
    basis: str
    studies: tuple[Evidence, ...]
    verified: bool


class SupplementForm(ValueModel):
    """
    A magnesium compound: formula, elemental fraction and absorption evidence.

    Attributes
    ----------
    name : str
        Canonical key (``"citrate"``, ``"bisglycinate"``, ``"sulfate_heptahydrate"``).
    compound : str
        Chemical name, hydrate included.
    formula : str
    aliases : tuple of str
        Names people use ("glycinate", "Epsom salt").
    molar_mass : float
        [g/mol]
    elemental_fraction : float
        Magnesium per compound mass [g/g], from the formula.
    absorption : AbsorptionEvidence
    as_sold : str
        Which hydrate products hold and which form a bare name means, with its
        source ("" where there is only one form). Aspartate, orotate and gluconate are
        sold as dihydrates and carbonate as the hydrated basic salt, so their bare
        names mean those; the anhydrous salts are ``*_anhydrous``.

    Examples
    --------
    >>> form = get_form("Epsom salt")
    >>> form.formula, round(form.elemental_percent, 2)
    ('MgSO4·7H2O', 9.86)
    >>> round(form.compound_for_elemental(100))
    1014
    """

    name: str
    compound: str
    formula: str
    aliases: tuple[str, ...]
    molar_mass: float
    elemental_fraction: float
    absorption: AbsorptionEvidence
    as_sold: str = ""

    @property
    def elemental_percent(self) -> float:
        """Magnesium content [% w/w]."""
        return 100.0 * self.elemental_fraction

    def elemental_from_compound(self, compound_mg: float) -> float:
        """Elemental magnesium [mg] in ``compound_mg`` [mg] of the compound."""
        return compound_mg * self.elemental_fraction

    def compound_for_elemental(self, elemental_mg: float) -> float:
        """Compound mass [mg] that delivers ``elemental_mg`` [mg] of magnesium."""
        return elemental_mg / self.elemental_fraction

    def __str__(self) -> str:
        return f"{self.name}: {self.compound} {self.formula}, {self.elemental_percent:.2f} % Mg"

    def _repr_html_(self) -> str:
        from magcalc.views.html import table_html

        a = self.absorption
        rows = [
            ("formula", self.formula),
            ("molar mass [g/mol]", self.molar_mass),
            ("magnesium [% w/w]", f"{self.elemental_percent:.2f}"),
            ("aliases", ", ".join(self.aliases)),
            ("absorption vs food (low/central/high)", f"{a.low} / {a.central} / {a.high}"),
        ]
        rows += [(f"study: {e.key}", e.finding) for e in a.studies]
        return table_html(
            ["", ""],
            rows,
            caption=f"{self.name}: {self.compound}",
            notes=[a.basis],
            warnings=[] if a.verified else ["absorption evidence partly indirect or unverified"],
        )


_aliases: dict[str, str] = {}


def _normalise(name: str) -> str:
    text = name.lower().replace("_", " ").replace("-", " ")
    text = re.sub(r"\bmagnesium\b|\bmg\b", " ", text)
    return " ".join(text.split())


@once
def _load() -> dict[str, SupplementForm]:
    with data_file("supplement_evidence.csv").open(newline="", encoding="utf-8") as fh:
        evidence = {
            r["key"]: Evidence(
                key=r["key"],
                citation=r["citation"],
                doi_or_url=r["doi_or_url"],
                finding=r["finding"],
                verified=r["verified"] == "1",
            )
            for r in csv.DictReader(fh)
        }
    forms: dict[str, SupplementForm] = {}
    with data_file("supplement_forms.csv").open(newline="", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            aliases = tuple(a for a in r["aliases"].split("|") if a)
            forms[r["name"]] = SupplementForm(
                name=r["name"],
                compound=r["compound"],
                formula=r["formula"],
                aliases=aliases,
                molar_mass=molar_mass(r["formula"]),
                elemental_fraction=elemental_fraction(r["formula"]),
                absorption=AbsorptionEvidence(
                    low=float(r["absorption_low"]),
                    central=float(r["absorption_central"]),
                    high=float(r["absorption_high"]),
                    basis=r["absorption_basis"],
                    studies=tuple(evidence[k] for k in r["evidence"].split(";")),
                    verified=r["evidence_verified"] == "1",
                ),
                as_sold=r["as_sold"],
            )
            for alias in (r["name"], r["compound"], r["formula"], *aliases):
                _aliases.setdefault(_normalise(alias), r["name"])
    return forms


class SupplementForms(list[SupplementForm]):
    """
    The supplement forms catalogue: a plain list of :class:`SupplementForm` (it equals
    the list of the same forms) that also renders as a table in Jupyter.
    """

    def _repr_html_(self) -> str:
        from magcalc.views.html import forms_html

        return forms_html(self)


def supplement_forms() -> SupplementForms:
    """
    The catalogue of magnesium supplement forms.

    Returns
    -------
    SupplementForms
        A list of :class:`SupplementForm` (name, formula, elemental fraction and
        absorption evidence of each form) that shows as a table in Jupyter.

    Examples
    --------
    >>> {f.name: round(f.elemental_percent, 2) for f in supplement_forms()}["oxide"]
    60.3
    """
    return SupplementForms(_load().values())


def get_form(name: str | SupplementForm) -> SupplementForm:
    """
    A form by name or by a name people use ("glycinate", "Epsom salt", "MgO").

    Raises
    ------
    UnknownFormError
        Listing the valid forms.

    Examples
    --------
    >>> get_form("Epsom salt").name
    'sulfate_heptahydrate'
    >>> get_form("magnesium glycinate").formula
    'Mg(C2H4NO2)2'
    """
    if isinstance(name, SupplementForm):
        return name
    forms = _load()
    if not isinstance(name, str):
        raise UnknownFormError(name, list(forms))
    key = _aliases.get(_normalise(name))
    if key is None:
        raise UnknownFormError(name, list(forms))
    return forms[key]
