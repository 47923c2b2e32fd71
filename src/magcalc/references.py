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

import csv
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator
from typing_extensions import Self

from magcalc._data import data_file
from magcalc.errors import NoReferenceValueError, PersonError, UnknownFrameworkError
from magcalc.people import Person

if TYPE_CHECKING:
    import pint

__all__ = [
    "DEFAULT_FRAMEWORK",
    "Framework",
    "FrameworkInfo",
    "NoReferenceValueError",
    "ReferenceValues",
    "TargetKind",
    "framework_info",
    "frameworks",
    "reference_table",
    "reference_values",
    "within_person_sd",
]

DEFAULT_FRAMEWORK = "IOM1997"

Framework = Literal[
    "IOM1997", "EFSA2015", "DACH2021", "NNR2023", "WHO2004", "US_DV2016", "EU_NRV2011"
]
"""The framework names of ``frameworks.csv``, as a type: JSON Schema lists them (a test
checks they are the data file's)."""

TargetKind = Literal["RDA", "AI", "RNI", "DV", "NRV"]
UlBasis = Literal["own", "adopted", "fallback"]
UlStatus = Literal["set", "not determinable", "none set", "varies with age"]


class FrameworkInfo(BaseModel):
    """
    A reference-value framework: who set it, when, and the full citation.

    Attributes
    ----------
    framework : str
        Short name used in ``framework=`` ("IOM1997").
    name, authority : str
    year : int
    citation : str
        Full citation (authors, title, year, doi or URL).
    kind_note : str
        What kinds of value it sets (EAR/RDA/AI/RNI/DV/NRV, UL).
    verified : bool
        False when its values could not be checked against the primary source.
    default_for_ages : str
        Free text: the ages for which magcalc uses it by default.
    ul_authority : str
        Whose upper limit for supplemental magnesium applies under this framework
        ("IOM1997", "SCF2001", "WHO2004"), from ``upper_limits.csv``.
    ul_basis : {'own', 'adopted', 'fallback'}
        "own": the framework sets it; "adopted": the framework uses another body's
        UL as its own (EFSA uses SCF 2001's); "fallback": the framework sets none,
        so magcalc applies the UL of the authority that does for its region (IOM
        1997 for the US Daily Values, SCF 2001 for D-A-CH and the EU NRV), and says so.
    ul_note : str
        Why that UL applies.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    framework: Framework
    name: str
    authority: str
    year: int
    citation: str
    kind_note: str
    verified: bool
    default_for_ages: str
    ul_authority: str
    ul_basis: UlBasis
    ul_note: str


class ReferenceValues(BaseModel):
    """
    One life-stage group's magnesium reference values in one framework.

    The ``*_mg`` fields are plain floats [mg/day] for tables and JSON; the
    attributes ``ear``, ``rda``, ``ai``, ``target`` and ``ul_supplemental`` are
    the same values as pint Quantities [mg/day]. A value the framework does
    not set is None (unknown or not set, never 0).

    Attributes
    ----------
    framework : str
        "IOM1997", "EFSA2015", ...
    life_stage : str
        The framework's group, e.g. "females 31-50 y".
    sex : {'female', 'male', 'any'}
    age_min_months, age_max_months : float
        The group's ages: age_min_months <= age < age_max_months [months].
    pregnant, lactating : bool
    ear_mg : float or None
        Estimated Average Requirement [mg/day].
    target_mg : float
        The value to aim for, of kind ``target_kind`` [mg/day].
    target_kind : {'RDA', 'AI', 'RNI', 'DV', 'NRV'}
    rda_mg, ai_mg : float or None
        ``target_mg`` when ``target_kind`` is "RDA" (resp. "AI"), else None.
        RNI, DV and NRV values are only in ``target_mg``.
    ul_supplemental_mg : float or None
        Tolerable Upper Intake Level for magnesium from supplements,
        medicines and fortificants only, never food [mg/day]; None where not
        set or not determinable (``ul_status`` says which).
    ul_status : {'set', 'not determinable', 'none set', 'varies with age'}
        "not determinable": IOM 1997 for infants (food and formula only);
        "none set": the UL's authority sets none at this age (SCF 2001 under
        4 y); "varies with age": a row of :func:`reference_table` whose ages span
        two UL bands (:func:`reference_values` gives the person's own).
    ul_authority, ul_basis : str
        Whose UL it is and how it applies here (see :class:`FrameworkInfo`).
    ul_citation, ul_note : str
        The UL's full citation, and what it covers.
    ul_verified : bool
        False when the UL could not be checked against its primary source.
    verified : bool
        False when the value could not be checked against its primary source.
    source : str
        Full citation of the framework.
    source_key : str
        Short citation key from the data file.
    note : str
        How the row was read from its source, and any caveat.

    Examples
    --------
    >>> from magcalc.people import Person
    >>> rv = reference_values(Person(age_years=2, sex="male"))
    >>> rv.life_stage, rv.ear_mg, rv.rda_mg, rv.ai_mg, rv.ul_supplemental_mg
    ('children 1-3 y', 65.0, 80.0, None, 65.0)
    >>> rv.rda
    <Quantity(80.0, 'milligram / day')>
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    framework: Framework
    life_stage: str
    sex: Literal["female", "male", "any"]
    age_min_months: float = Field(ge=0)
    age_max_months: float = Field(gt=0)
    pregnant: bool = False
    lactating: bool = False
    ear_mg: float | None = Field(default=None, gt=0)
    target_mg: float = Field(gt=0)
    target_kind: TargetKind
    rda_mg: float | None = Field(default=None, gt=0)
    ai_mg: float | None = Field(default=None, gt=0)
    ul_supplemental_mg: float | None = Field(default=None, gt=0)
    ul_status: UlStatus = "none set"
    ul_authority: str = ""
    ul_basis: UlBasis = "own"
    ul_citation: str = ""
    ul_note: str = ""
    ul_verified: bool = True
    verified: bool = True
    source: str = ""
    source_key: str = ""
    note: str = ""

    @model_validator(mode="before")
    @classmethod
    def _fill_rda_ai(cls, data: Any) -> Any:
        if isinstance(data, dict) and "target_mg" in data:
            data = dict(data)
            kind = data.get("target_kind")
            data.setdefault("rda_mg", data["target_mg"] if kind == "RDA" else None)
            data.setdefault("ai_mg", data["target_mg"] if kind == "AI" else None)
        return data

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        for field, kind in (("rda_mg", "RDA"), ("ai_mg", "AI")):
            expected = self.target_mg if self.target_kind == kind else None
            if getattr(self, field) != expected:
                raise ValueError(f"{field} must be {expected} for target_kind {self.target_kind}")
        if self.ear_mg is not None and self.ear_mg >= self.target_mg:
            raise ValueError("ear_mg must be below target_mg")
        if self.age_max_months <= self.age_min_months:
            raise ValueError("age_max_months must exceed age_min_months")
        if (self.pregnant or self.lactating) and self.sex != "female":
            raise ValueError("pregnancy and lactation rows must have sex 'female'")
        if (self.ul_supplemental_mg is None) == (self.ul_status == "set"):
            raise ValueError("ul_status must be 'set' exactly when ul_supplemental_mg is given")
        return self

    @property
    def ul_statement(self) -> str:
        """
        Which upper limit applies and where it comes from, in one sentence.

        Examples
        --------
        >>> from magcalc.people import Person
        >>> rv = reference_values(Person(age_years=40, sex="male"), "DACH2021")
        >>> print(rv.ul_statement)  # doctest: +NORMALIZE_WHITESPACE
        UL 250 mg/day for supplemental magnesium (SCF2001): D-A-CH sets no UL of its
        own in magcalc's sources; the SCF 2001 / EFSA UL, which applies in Germany,
        Austria and the EU, is used instead.
        """
        if self.ul_status == "set":
            head = f"UL {self.ul_supplemental_mg:g} mg/day for supplemental magnesium"
        elif self.ul_status == "not determinable":
            head = f"No UL: not determinable for {self.life_stage}"
        elif self.ul_status == "varies with age":
            head = f"The UL varies with age within {self.life_stage}"
        else:
            head = f"No UL is set for {self.life_stage}"
        head += f" ({self.ul_authority})"
        why = "" if self.ul_basis == "own" else self.ul_basis_note
        return f"{head}: {why}" if why else f"{head}. {self.ul_note}".rstrip()

    @property
    def ul_source(self) -> str:
        """
        Whose UL it is, briefly: "IOM1997", "SCF2001, adopted by EFSA2015" or
        "SCF2001; DACH2021 sets none of its own".
        """
        if self.ul_basis == "adopted":
            return f"{self.ul_authority}, adopted by {self.framework}"
        if self.ul_basis == "fallback":
            return f"{self.ul_authority}; {self.framework} sets none of its own"
        return self.ul_authority

    @property
    def ul_basis_note(self) -> str:
        """Why this framework uses another authority's UL ("" when it is its own)."""
        return "" if self.ul_basis == "own" else _load().frameworks[self.framework].ul_note

    @property
    def ear(self) -> pint.Quantity[Any] | None:
        """Estimated Average Requirement [mg/day], or None."""
        return _per_day(self.ear_mg)

    @property
    def rda(self) -> pint.Quantity[Any] | None:
        """Recommended Dietary Allowance [mg/day], or None (infants, AI-only frameworks)."""
        return _per_day(self.rda_mg)

    @property
    def ai(self) -> pint.Quantity[Any] | None:
        """Adequate Intake [mg/day], or None where an RDA (or RNI, DV, NRV) is set."""
        return _per_day(self.ai_mg)

    @property
    def target(self) -> pint.Quantity[Any]:
        """The value to aim for, of kind ``target_kind`` [mg/day]."""
        return _quantity(self.target_mg)

    @property
    def ul_supplemental(self) -> pint.Quantity[Any] | None:
        """UL for supplemental magnesium only [mg/day], or None where none is set."""
        return _per_day(self.ul_supplemental_mg)

    def _repr_html_(self) -> str:
        from magcalc._display import references_html

        return references_html(self)

    def __str__(self) -> str:
        parts = [f"EAR {self.ear_mg:g}"] if self.ear_mg is not None else []
        parts.append(f"{self.target_kind} {self.target_mg:g}")
        if self.ul_supplemental_mg is not None:
            parts.append(f"UL (supplemental, {self.ul_authority}) {self.ul_supplemental_mg:g}")
        flag = "" if self.verified else " [unverified]"
        return f"{self.framework} {self.life_stage}: {', '.join(parts)} mg/day{flag}"


def _quantity(value: float) -> pint.Quantity[Any]:
    from magcalc.units import get_registry

    return get_registry().Quantity(value, "mg/day")


def _per_day(value: float | None) -> pint.Quantity[Any] | None:
    return None if value is None else _quantity(value)


@dataclass(frozen=True)
class _SdRow:
    group: str
    sex: str
    age_min_months: float
    age_max_months: float
    sd_within_mg: float | None
    cv: float | None
    basis_mg: float | None
    flag: str
    source: str
    note: str


@dataclass(frozen=True)
class _UlRow:
    authority: str
    age_min_months: float
    age_max_months: float
    ul_mg: float | None
    status: UlStatus
    verified: bool
    citation: str
    note: str


@dataclass(frozen=True)
class _Data:
    frameworks: dict[str, FrameworkInfo]
    tables: dict[str, tuple[ReferenceValues, ...]]
    sd_rows: tuple[_SdRow, ...]
    ul_rows: tuple[_UlRow, ...]


# (framework, row index, UL band index) -> the person's values, made once
_personal: dict[tuple[str, int, int], ReferenceValues] = {}


def _ul_fields(ul: _UlRow | None, info: FrameworkInfo, low: _UlRow | None) -> dict[str, Any]:
    """The UL fields of a reference row; ``low`` is the band at the row's lower age."""
    if ul is None:  # a table row spanning two UL bands
        assert low is not None
        return {
            "ul_supplemental_mg": None,
            "ul_status": "varies with age",
            "ul_authority": info.ul_authority,
            "ul_basis": info.ul_basis,
            "ul_citation": low.citation,
            "ul_verified": low.verified,
            "ul_note": "This group spans two UL age bands; reference_values(person) gives "
            "the UL at the person's age.",
        }
    return {
        "ul_supplemental_mg": ul.ul_mg,
        "ul_status": ul.status,
        "ul_authority": info.ul_authority,
        "ul_basis": info.ul_basis,
        "ul_citation": ul.citation,
        "ul_note": ul.note,
        "ul_verified": ul.verified,
    }


def _ul_bands(authority: str, lo: float, hi: float, rows: tuple[_UlRow, ...]) -> list[int]:
    """Indices of the authority's UL bands that overlap ages [lo, hi) [months]."""
    return [
        i
        for i, r in enumerate(rows)
        if r.authority == authority and r.age_min_months < hi and lo < r.age_max_months
    ]


_data: _Data | None = None
_lock = threading.Lock()


def _number(text: str) -> float | None:
    """An optional number from the CSV: empty means not set (never 0)."""
    return float(text) if text.strip() else None


def _read(name: str) -> list[dict[str, str]]:
    with data_file(name).open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _load() -> _Data:
    global _data
    if _data is None:
        with _lock:
            if _data is None:
                infos = {
                    row["framework"]: FrameworkInfo(
                        framework=row["framework"],
                        name=row["name"],
                        authority=row["authority"],
                        year=int(row["year"]),
                        citation=row["citation"],
                        kind_note=row["kind_note"],
                        verified=row["verified"] == "1",
                        default_for_ages=row["default_for_ages"],
                        ul_authority=row["ul_authority"],
                        ul_basis=row["ul_basis"],
                        ul_note=row["ul_note"],
                    )
                    for row in _read("frameworks.csv")
                }
                ul_rows = tuple(
                    _UlRow(
                        authority=row["authority"],
                        age_min_months=float(row["age_min_months"]),
                        age_max_months=float(row["age_max_months"]),
                        ul_mg=_number(row["ul_supplemental_mg"]),
                        status=row["status"],  # type: ignore[arg-type]
                        verified=row["verified"] == "1",
                        citation=row["citation"],
                        note=row["note"],
                    )
                    for row in _read("upper_limits.csv")
                )
                tables: dict[str, list[ReferenceValues]] = {name: [] for name in infos}
                for row in _read("reference_values.csv"):
                    name = row["framework"]
                    lo, hi = float(row["age_min_months"]), float(row["age_max_months"])
                    bands = _ul_bands(infos[name].ul_authority, lo, hi, ul_rows)
                    if not bands:
                        raise RuntimeError(f"upper_limits.csv does not cover {row['life_stage']}")
                    ul = ul_rows[bands[0]] if len(bands) == 1 else None
                    tables[name].append(
                        ReferenceValues(
                            framework=name,
                            life_stage=row["life_stage"],
                            sex=row["sex"],
                            age_min_months=float(row["age_min_months"]),
                            age_max_months=float(row["age_max_months"]),
                            pregnant=row["pregnant"] == "1",
                            lactating=row["lactating"] == "1",
                            ear_mg=_number(row["ear_mg"]),
                            target_mg=float(row["target_mg"]),
                            target_kind=row["target_kind"],
                            **_ul_fields(ul, infos[name], ul_rows[bands[0]]),
                            verified=row["verified"] == "1",
                            source=infos[name].citation,
                            source_key=row["source"],
                            note=row["note"],
                        )
                    )
                sd_rows = tuple(
                    _SdRow(
                        group=row["group"],
                        sex=row["sex"],
                        age_min_months=float(row["age_min_months"]),
                        age_max_months=float(row["age_max_months"]),
                        sd_within_mg=_number(row["sd_within_mg"]),
                        cv=_number(row["cv"]),
                        basis_mg=_number(row["basis_mg"]),
                        flag=row["flag"],
                        source=row["source"],
                        note=row["note"],
                    )
                    for row in _read("within_person_sd.csv")
                )
                _data = _Data(
                    frameworks=infos,
                    tables={name: tuple(rows) for name, rows in tables.items()},
                    sd_rows=sd_rows,
                    ul_rows=ul_rows,
                )
    return _data


def _resolve(framework: object) -> str:
    """The canonical framework name (case-insensitive), or UnknownFrameworkError."""
    names = list(_load().frameworks)
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


def _lookup(person: Person, framework: str) -> ReferenceValues | None:
    # Rounding absorbs float noise such as 7/12 * 12 = 7.000000000000001 months.
    months = round(person.age_in_months, 9)
    for row in _load().tables[framework]:
        if (
            row.sex in (person.sex, "any")
            and row.pregnant == person.pregnant
            and row.lactating == person.lactating
            and row.age_min_months <= months < row.age_max_months
        ):
            return row
    return None


def frameworks() -> list[str]:
    """
    Names of the reference-value frameworks, the default first.

    Examples
    --------
    >>> frameworks()
    ['IOM1997', 'EFSA2015', 'DACH2021', 'NNR2023', 'WHO2004', 'US_DV2016', 'EU_NRV2011']
    """
    return list(_load().frameworks)


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
    return _load().frameworks[_resolve(name)]


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
    return list(_load().tables[_resolve(framework)])


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
        If `person` is not a :class:`~magcalc.people.Person`.

    Examples
    --------
    >>> from magcalc.people import Person
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
        covered = [rv.life_stage for rv in _load().tables[name]]
        alternatives = [f for f in frameworks() if f != name and _lookup(person, f) is not None]
        raise NoReferenceValueError(name, str(person), covered, alternatives)
    if row.ul_status != "varies with age":
        return row
    # The group spans two UL bands (US DV "adults and children >=4 y"): the person's age picks.
    data = _load()
    months = round(person.age_in_months, 9)
    band = next(
        i
        for i in _ul_bands(row.ul_authority, months, months + 1e-9, data.ul_rows)
        if data.ul_rows[i].age_min_months <= months
    )
    key = (name, data.tables[name].index(row), band)
    found = _personal.get(key)
    if found is None:
        fields = _ul_fields(data.ul_rows[band], data.frameworks[name], None)
        found = _personal.setdefault(key, row.model_copy(update=fields))
    return found


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
    >>> from magcalc.people import Person
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
    for row in _load().sd_rows:
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
