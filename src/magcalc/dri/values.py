"""The reference-value models and the tables behind them.

:class:`ReferenceValues` is one framework's values for one life-stage group; the rows
come from ``magcalc/data/reference_values.csv``, the upper limits from
``upper_limits.csv``, the frameworks from ``frameworks.csv`` and the within-person SDs
from ``within_person_sd.csv``, each row with its citation. :mod:`magcalc.dri.references`
holds the functions that look them up for a :class:`~magcalc.dri.people.Person`.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator
from typing_extensions import Self

from magcalc._data import data_file
from magcalc._util import once

if TYPE_CHECKING:
    import pint

__all__ = [
    "DEFAULT_FRAMEWORK",
    "Framework",
    "FrameworkInfo",
    "ReferenceValues",
    "TargetKind",
    "UlBasis",
    "UlStatus",
    "load",
    "lookup",
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
    >>> from magcalc import Person, reference_values
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
        >>> from magcalc import Person, reference_values
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
        return "" if self.ul_basis == "own" else load().frameworks[self.framework].ul_note

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
        from magcalc.views.html import references_html

        return references_html(self)

    def __str__(self) -> str:
        parts = [f"EAR {self.ear_mg:g}"] if self.ear_mg is not None else []
        parts.append(f"{self.target_kind} {self.target_mg:g}")
        if self.ul_supplemental_mg is not None:
            parts.append(f"UL (supplemental, {self.ul_authority}) {self.ul_supplemental_mg:g}")
        flag = "" if self.verified else " [unverified]"
        return f"{self.framework} {self.life_stage}: {', '.join(parts)} mg/day{flag}"


def _quantity(value: float) -> pint.Quantity[Any]:
    from magcalc.units import per_day

    return per_day(value)


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


def _number(text: str) -> float | None:
    """An optional number from the CSV: empty means not set (never 0)."""
    return float(text) if text.strip() else None


def _read(name: str) -> list[dict[str, str]]:
    with data_file(name).open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@once
def load() -> _Data:
    """The reference tables, read once from the package's CSV files."""
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
    return _Data(
        frameworks=infos,
        tables={name: tuple(rows) for name, rows in tables.items()},
        sd_rows=sd_rows,
        ul_rows=ul_rows,
    )


def lookup(
    framework: str, months: float, sex: str, pregnant: bool, lactating: bool
) -> ReferenceValues | None:
    """
    The framework's values for a person of this age [months], sex and state, or None
    when the framework has none for them.

    A group that spans two UL age bands (US DV "adults and children >=4 y") gets the UL
    of the band the age falls in.
    """
    data = load()
    # Rounding absorbs float noise such as 7/12 * 12 = 7.000000000000001 months.
    months = round(months, 9)
    rows = data.tables[framework]
    index = next(
        (
            i
            for i, row in enumerate(rows)
            if row.sex in (sex, "any")
            and row.pregnant == pregnant
            and row.lactating == lactating
            and row.age_min_months <= months < row.age_max_months
        ),
        None,
    )
    if index is None:
        return None
    row = rows[index]
    if row.ul_status != "varies with age":
        return row
    band = next(
        i
        for i in _ul_bands(row.ul_authority, months, months + 1e-9, data.ul_rows)
        if data.ul_rows[i].age_min_months <= months
    )
    key = (framework, index, band)
    found = _personal.get(key)
    if found is None:
        fields = _ul_fields(data.ul_rows[band], data.frameworks[framework], None)
        found = _personal.setdefault(key, row.model_copy(update=fields))
    return found
