"""Magnesium reference values by framework and life stage.

Every number lives in ``magcalc/data/reference_values.csv`` with its source and
a note; the frameworks and their full citations are in
``magcalc/data/frameworks.csv``. The default framework is the US/Canadian
Dietary Reference Intakes of IOM 1997 [1]_, [2]_: an EAR and RDA from 1 year,
an AI for infants, and a UL that applies to supplemental magnesium only (never
to food). The other frameworks are EFSA 2015 [3]_, D-A-CH 2021, NNR 2023
(unverified: taken from a secondary source), WHO/FAO 2004 [4]_, and the label
values US DV 2016 and EU NRV 2011.

Age bands are closed on the left and stored in months: "1-3 years" is
12 <= age < 48 months. A framework with no value for a person (EFSA for a
3-month-old, say) raises :class:`NoReferenceValueError` rather than guessing.

:func:`within_person_sd` gives the default day-to-day standard deviation of
magnesium intake for the IOM 2000 individual assessment [5]_, from
``magcalc/data/within_person_sd.csv``; all but one default are flagged
"approximation".

References
----------
.. [1] Institute of Medicine, "Dietary Reference Intakes for Calcium,
   Phosphorus, Magnesium, Vitamin D, and Fluoride," National Academy Press,
   1997, ch. 6, pp. 219, 239, 241-245, doi:10.17226/5776.
.. [2] Institute of Medicine, "Dietary Reference Intakes: The Essential Guide
   to Nutrient Requirements," National Academies Press, 2006, Table 1 p. 340,
   doi:10.17226/11537.
.. [3] EFSA NDA Panel, "Scientific Opinion on Dietary Reference Values for
   magnesium," EFSA Journal, vol. 13, no. 7, 4186, 2015,
   doi:10.2903/j.efsa.2015.4186.
.. [4] WHO/FAO, "Vitamin and Mineral Requirements in Human Nutrition," 2nd ed.,
   World Health Organization, 2004.
.. [5] Institute of Medicine, "Dietary Reference Intakes: Applications in
   Dietary Assessment," National Academy Press, 2000, pp. 54-61,
   doi:10.17226/9956.
"""

from __future__ import annotations

from typing import Any

from magcalc.dri.people import MAX_AGE_YEARS, PREGNANCY_AGE_YEARS, Person
from magcalc.dri.values import (
    DEFAULT_FRAMEWORK,
    Framework,
    FrameworkInfo,
    ReferenceValues,
    TargetKind,
    load,
    lookup,
)
from magcalc.errors import NoReferenceValueError, PersonError, UnknownFrameworkError

__all__ = [
    "DEFAULT_FRAMEWORK",
    "Framework",
    "FrameworkInfo",
    "ReferenceValues",
    "TargetKind",
    "age_boundaries_months",
    "framework_info",
    "frameworks",
    "reference_table",
    "reference_values",
    "within_person_sd",
]


def _resolve(framework: object) -> str:
    """The canonical framework name (case-insensitive), or UnknownFrameworkError."""
    names = list(load().frameworks)
    if isinstance(framework, str):
        for name in names:
            if name.lower() == framework.strip().lower():
                return name
    raise UnknownFrameworkError(framework, names)


def _check_person(person: object) -> Person:
    if not isinstance(person, Person):
        raise PersonError(
            f"person must be a magcalc Person, not {type(person).__name__}; "
            "e.g. Person(age_years=34, sex='female')",
            field="person",
        )
    return person


def frameworks() -> list[str]:
    """
    Names of the reference-value frameworks, the default first.

    Examples
    --------
    >>> frameworks()
    ['IOM1997', 'EFSA2015', 'DACH2021', 'NNR2023', 'WHO2004', 'US_DV2016', 'EU_NRV2011']
    """
    return list(load().frameworks)


def framework_info(name: Framework | str) -> FrameworkInfo:
    """
    Who set a framework, when, how far it is verified, and its full citation.

    Parameters
    ----------
    name : str
        A name from :func:`frameworks` (case-insensitive).

    Raises
    ------
    UnknownFrameworkError
        If `name` is not a framework; the message lists them.

    Examples
    --------
    >>> info = framework_info("NNR2023")
    >>> info.year, info.verified
    (2023, False)
    """
    return load().frameworks[_resolve(name)]


def reference_table(framework: Framework | str = DEFAULT_FRAMEWORK) -> list[ReferenceValues]:
    """
    Every life-stage group of one framework, in the order of the data file.

    Parameters
    ----------
    framework : str, default 'IOM1997'
        A name from :func:`frameworks` (case-insensitive).

    Returns
    -------
    list of ReferenceValues

    Raises
    ------
    UnknownFrameworkError
        If `framework` is not known; the message lists the valid ones.

    Examples
    --------
    >>> [str(rv) for rv in reference_table("EU_NRV2011")]
    ['EU_NRV2011 adults >=18 y: NRV 375, UL (supplemental, SCF2001) 250 mg/day']
    >>> len(reference_table())
    22
    """
    return list(load().tables[_resolve(framework)])


def reference_values(
    person: Person, framework: Framework | str = DEFAULT_FRAMEWORK
) -> ReferenceValues:
    """
    Magnesium reference values for one person's life-stage group.

    Parameters
    ----------
    person : Person
        Age, sex, pregnancy and lactation.
    framework : {'IOM1997', 'EFSA2015', 'DACH2021', 'NNR2023', 'WHO2004', \
'US_DV2016', 'EU_NRV2011'}, default 'IOM1997'
        Which authority's values to use (case-insensitive).

    Returns
    -------
    ReferenceValues
        EAR, RDA or AI (or RNI, DV, NRV), and the UL for supplemental
        magnesium [mg/day].

    Raises
    ------
    UnknownFrameworkError
        If `framework` is not one of the above; the message lists them.
    NoReferenceValueError
        If the framework sets no value for this person (EFSA for infants under
        7 months, NNR 2023 in pregnancy, the EU NRV for children); the message
        lists the groups it covers and the frameworks that have a value.
    PersonError
        If `person` is not a :class:`~magcalc.dri.people.Person`.

    Examples
    --------
    >>> from magcalc.dri.people import Person
    >>> rv = reference_values(Person(age_years=34, sex="female"))
    >>> rv.life_stage, rv.ear_mg, rv.rda_mg, rv.ul_supplemental_mg
    ('females 31-50 y', 265.0, 320.0, 350.0)
    >>> rv.rda
    <Quantity(320.0, 'milligram / day')>
    >>> str(reference_values(Person(age_months=9, sex="male")))
    'IOM1997 infants 7-12 mo: AI 75 mg/day'
    >>> reference_values(Person(age_years=34, sex="female"), framework="EFSA2015").ai_mg
    300.0

    References
    ----------
    .. [1] Institute of Medicine, "Dietary Reference Intakes for Calcium,
       Phosphorus, Magnesium, Vitamin D, and Fluoride," National Academy
       Press, 1997, ch. 6, doi:10.17226/5776.
    .. [2] EFSA NDA Panel, "Scientific Opinion on Dietary Reference Values for
       magnesium," EFSA Journal 13(7):4186, 2015, doi:10.2903/j.efsa.2015.4186.
    """
    name = _resolve(framework)
    person = _check_person(person)
    row = _lookup(person, name)
    if row is None:
        covered = [rv.life_stage for rv in load().tables[name]]
        alternatives = [f for f in frameworks() if f != name and _lookup(person, f) is not None]
        raise NoReferenceValueError(name, str(person), covered, alternatives)
    return row


def _lookup(person: Person, framework: str) -> ReferenceValues | None:
    return lookup(framework, person.age_in_months, person.sex, person.pregnant, person.lactating)


def within_person_sd(person: Person) -> tuple[float, str]:
    """
    Default within-person (day-to-day) SD of magnesium intake for a person.

    Used by the IOM 2000 individual assessment, where
    ``SD_D = sqrt(SD_r**2 + SD_within**2 / n)``. IOM's survey table of
    SD_within (Appendix Table B-2) could not be read, so the defaults are:
    females 9 y and over (including pregnancy and lactation) 86 mg/day,
    derived from IOM's worked magnesium example; males 9 y and over
    0.37 x 323 mg/day, about 120 mg/day (approximation); children under 9
    and infants 0.37 x their IOM 1997 RDA or AI (approximation). The numbers
    are in ``magcalc/data/within_person_sd.csv``. Pass your own SD where
    you have survey data for the group.

    Parameters
    ----------
    person : Person

    Returns
    -------
    sd_within : float
        Within-person standard deviation of intake [mg/day].
    note : str
        Starts with "approximation" or "derived from IOM 2000 worked
        example", then how the value was found and its source.

    Examples
    --------
    >>> from magcalc.dri.people import Person
    >>> within_person_sd(Person(age_years=40, sex="female"))[0]
    86.0
    >>> sd, note = within_person_sd(Person(age_years=2, sex="female"))
    >>> round(sd, 1), note.split(":")[0]
    (29.6, 'approximation')

    References
    ----------
    .. [1] Institute of Medicine, "Dietary Reference Intakes: Applications in
       Dietary Assessment," National Academy Press, 2000, pp. 54-56,
       doi:10.17226/9956.
    """
    person = _check_person(person)
    months = round(person.age_in_months, 9)
    for row in load().sd_rows:
        if row.sex in (person.sex, "any") and row.age_min_months <= months < row.age_max_months:
            break
    else:  # pragma: no cover - the data file covers every age Person accepts
        raise NoReferenceValueError("within_person_sd", str(person))
    if row.sd_within_mg is not None:
        sd, how = row.sd_within_mg, f"{row.sd_within_mg:g} mg/day for {row.group}"
    elif row.cv is not None:
        target = reference_values(person)
        sd = row.cv * target.target_mg
        how = (
            f"CV {row.cv:g} x IOM 1997 {target.target_kind} {target.target_mg:g} mg/day "
            f"({target.life_stage}) = {sd:.1f} mg/day"
        )
    else:  # pragma: no cover - rejected by the data tests
        raise ValueError(f"within_person_sd.csv row {row.group!r} has neither an SD nor a CV")
    return sd, f"{row.flag}: {how}. {row.note} Source: {row.source}."


def age_boundaries_months() -> tuple[float, ...]:
    """
    Every age [months] where a reference value, an upper limit or a within-person SD
    may change, and the ages where pregnancy and lactation start and stop being
    accepted, sorted.

    Two people of the same sex and state whose ages fall between the same two
    boundaries have the same reference values under every framework, which is what
    :func:`magcalc.batch.prepare_people` uses to build values once per group.
    """
    data = load()
    rows: list[Any] = [r for table in data.tables.values() for r in table]
    rows += list(data.ul_rows) + list(data.sd_rows)
    edges = {x for r in rows for x in (r.age_min_months, r.age_max_months)}
    edges |= {0.0, MAX_AGE_YEARS * 12.0} | {12.0 * y for y in PREGNANCY_AGE_YEARS}
    return tuple(sorted(edges))
