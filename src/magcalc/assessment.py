"""Intake and assessment: from a person's foods and supplements to an honest answer.

:class:`Intake` holds one or more days of foods and supplements; :func:`assess` compares
the mean daily intake with the person's reference values and returns an
:class:`Assessment`.

The rules it follows (IOM 1997, IOM 2000):

- Ingested magnesium (food + elemental supplemental) is compared with the EAR and the
  RDA or AI. Absorption-adjusted figures are a separate, labelled estimate.
- The UL applies to supplemental magnesium only (supplements, medicines, fortificants),
  never to food.
- Foods without a USDA magnesium value are unknown, not zero: they are left out of the
  sums and reported, so totals are a lower bound.
- The probability that usual intake is adequate follows IOM 2000 for individuals:
  ``z = (mean - EAR) / sqrt(SD_r**2 + SD_within**2 / n)``, ``SD_r = 0.10 * EAR``.
  Where only an AI exists, only "intake above the AI is likely adequate" can be
  concluded, never the converse.

References
----------
.. [1] Institute of Medicine, "Dietary Reference Intakes for Calcium, Phosphorus,
   Magnesium, Vitamin D, and Fluoride," National Academy Press, 1997, ch. 6,
   doi:10.17226/5776.
.. [2] Institute of Medicine, "Dietary Reference Intakes: Applications in Dietary
   Assessment," National Academy Press, 2000, pp. 54-61, doi:10.17226/9956.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from functools import cache
from typing import TYPE_CHECKING, Any, Literal

from pydantic import ConfigDict, Field, TypeAdapter

from magcalc._models import ValueModel, computed
from magcalc._quantities import MgPerDay, QuantityModel, mg_per_day
from magcalc._util import about_probability, days_text, probability_text
from magcalc.absorption import EffectiveRange, effective_range
from magcalc.diary import Day
from magcalc.dri import (
    DEFAULT_FRAMEWORK,
    Framework,
    Person,
    ReferenceValues,
    RiskFactor,
    reference_values,
    risk_factor,
    within_person_sd,
)
from magcalc.errors import InputError
from magcalc.intake import Intake, check_serving, check_supplement
from magcalc.stats import ai_confidence, check_sd_within, probability_adequate, reading

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes

    from magcalc.suggestions import FoodSuggestions, SupplementAdvice

__all__ = [
    "Assessment",
    "DayTotal",
    "EffectiveRange",
    "ItemContribution",
    "assess",
]


class DayTotal(ValueModel):
    """Magnesium on one recorded day [mg]."""

    day: Day
    food_mg: float
    supplemental_mg: float
    total_mg: float
    foods_without_data: int = 0


class ItemContribution(ValueModel):
    """
    One food or supplement entry and what it contributes.

    ``magnesium_mg`` is the entry's magnesium [mg] (per day for supplements);
    ``per_day_mg`` is its contribution to the mean daily intake [mg/day] over the days
    recorded, and ``share`` its fraction of the mean total. Both are None for a food
    with no magnesium data.
    """

    day: Day | None
    kind: Literal["food", "supplement"]
    name: str
    amount: str
    grams: float | None = None
    magnesium_mg: float | None
    per_day_mg: float | None
    share: float | None
    basis: str
    fdc_id: int | None = None
    form: str | None = None


class Assessment(QuantityModel):
    """
    The result of :func:`assess`. Its own amounts (every field ending in ``_mg``) are
    pint Quantities in mg/day (means over the days recorded);
    ``model_dump()``/``model_dump_json()`` give plain numbers in mg/day. The parts it
    holds keep their own types: ``daily``, ``items`` and ``references`` carry plain
    numbers [mg] as tables do (``references.ear`` is the EAR as a Quantity).

    Attributes
    ----------
    food_mg, supplemental_mg, total_mg : pint.Quantity
        Mean daily magnesium from food, from supplements (elemental), and both.
    target_mg, target_kind, percent_of_target
        The RDA (or AI, RNI, ...) of the framework and the total as a percentage of it.
    ear_mg, probability_adequate
        EAR and the probability that usual intake meets the requirement (IOM 2000,
        n = days recorded); None where no EAR exists.
    confidence_above_ai
        Where only an AI exists: the confidence that usual intake is above it.
    sd_within_mg : pint.Quantity
        The day-to-day SD of intake used in the probability, and ``sd_within_note`` where
        it comes from.
    ul_supplemental_mg, exceeds_ul
        UL for supplemental magnesium and whether any day's supplemental intake is over
        it; None where no UL is set. Food never counts.
    effective_mg : EffectiveRange
        Absorption-adjusted estimate (low, central, high), labelled as such.
    items : tuple of ItemContribution
    warnings : tuple of str

    Examples
    --------
    >>> from magcalc import Intake, Person
    >>> intake = Intake()
    >>> _ = intake.add_food("11458", "1 cup")
    >>> report = assess(intake, Person(age_years=25, sex="male"))
    >>> report.total_mg, report.target_kind, report.target_mg
    (<Quantity(156.6, 'milligram / day')>, 'RDA', <Quantity(400.0, 'milligram / day')>)
    """

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    person: Person
    framework: Framework
    life_stage: str
    n_days: int = Field(ge=1)
    daily: tuple[DayTotal, ...]
    food_mg: MgPerDay
    supplemental_mg: MgPerDay
    total_mg: MgPerDay
    target_mg: MgPerDay | None
    target_kind: str | None
    percent_of_target: float | None
    ear_mg: MgPerDay | None
    probability_adequate: float | None
    sd_within_mg: MgPerDay | None
    sd_within_note: str
    confidence_above_ai: float | None
    ul_supplemental_mg: MgPerDay | None
    max_daily_supplemental_mg: MgPerDay
    exceeds_ul: bool | None
    conclusion: str
    effective_mg: EffectiveRange
    items: tuple[ItemContribution, ...]
    warnings: tuple[str, ...]
    references: ReferenceValues
    risk_factors: tuple[RiskFactor, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """Plain Python types (numbers in mg/day), ready for JSON."""
        return self.model_dump(mode="json")

    def to_json(self, **kwargs: Any) -> str:
        """JSON text; keyword arguments go to ``model_dump_json`` (e.g. ``indent=2``)."""
        return self.model_dump_json(**kwargs)

    def __str__(self) -> str:
        from magcalc.views.text import assessment_text

        return assessment_text(self)

    def summary(self) -> str:
        """
        A few plain sentences a person can read; deterministic.

        Examples
        --------
        >>> from magcalc import Intake, Person
        >>> intake = Intake()
        >>> _ = intake.add_food("11458", "1 cup")
        >>> print(assess(intake, Person(age_years=34, sex="female")).summary())
        ... # doctest: +NORMALIZE_WHITESPACE
        From food you get about 157 mg a day, 49 % of the 320 mg RDA for females 31-50 y
        (IOM1997). With 1 day recorded, the chance that your usual intake is adequate is
        about 11%; one day says little about usual intake, so record more days.
        """
        from magcalc.views.text import assessment_summary

        return assessment_summary(self)

    @property
    def gap_mg(self) -> float:
        """What intake lacks of the target [mg/day]: ``target - total``, 0 when met or
        when the framework gives no target."""
        if self.target_mg is None:
            return 0.0
        return max(0.0, float(self.target_mg.magnitude) - float(self.total_mg.magnitude))

    def suggestions(self, **kwargs: Any) -> FoodSuggestions:
        """
        Foods that close the gap between intake and target, food first.

        Keyword arguments go to :func:`magcalc.suggest_foods` (``prefer``, ``exclude``,
        ``portions``, ``limit``). The gap is :attr:`gap_mg`.
        """
        from magcalc.suggestions import suggest_foods

        return suggest_foods(self.gap_mg, **kwargs)

    def supplement_advice(self, *, step_mg: float = 5.0) -> SupplementAdvice:
        """
        A supplemental dose that closes the gap within the UL, from this assessment's
        gap, UL, highest day's supplemental intake and number of days; see
        :func:`magcalc.suggestions.supplement_advice`.

        Examples
        --------
        >>> from magcalc import Intake, Person
        >>> intake = Intake()
        >>> for day in (1, 2, 3):
        ...     _ = intake.add_food("09040", "1 medium", day=day)
        >>> advice = assess(intake, Person(age_years=30, sex="male")).supplement_advice()
        >>> advice.dose_mg, advice.closes_gap
        (350.0, False)
        """
        from magcalc.suggestions import supplement_advice

        ul = self.ul_supplemental_mg
        return supplement_advice(
            self.gap_mg,
            ul_supplemental_mg=None if ul is None else float(ul.magnitude),
            current_supplemental_mg=float(self.max_daily_supplemental_mg.magnitude),
            n_days=self.n_days,
            ul_statement=self.references.ul_statement,
            ul_status=self.references.ul_status,
            step_mg=step_mg,
        )

    def _repr_html_(self) -> str:
        from magcalc.views.html import assessment_html

        return assessment_html(self)

    def to_dataframe(self, kind: Literal["items", "days", "summary"] = "items") -> pd.DataFrame:
        """
        The assessment as a pandas DataFrame (pandas is an optional extra).

        Parameters
        ----------
        kind : {'items', 'days', 'summary'}, default 'items'
            One row per food or supplement entry, per recorded day, or a single row
            with the totals and reference comparisons [mg/day].

        Raises
        ------
        MissingDependencyError
            If pandas is not installed (``pip install 'magcalc[pandas]'``).
        """
        from magcalc._optional import dataframe

        if kind == "items":
            return dataframe(
                [i.model_dump() for i in self.items],
                list(ItemContribution.model_fields),
                nullable_int=("day", "fdc_id"),
            )
        if kind == "days":
            return dataframe(
                [d.model_dump() for d in self.daily],
                list(DayTotal.model_fields),
                nullable_int=("day",),
            )
        if kind == "summary":
            data = self.model_dump(mode="json", exclude={"items", "daily", "references", "person"})
            effective = data.pop("effective_mg")
            data.update({f"effective_{k}_mg": effective[k] for k in ("low", "central", "high")})
            data["warnings"] = " | ".join(data["warnings"])
            return dataframe([data])
        raise InputError(f"kind must be 'items', 'days' or 'summary', not {kind!r}", field="kind")

    def plot(self, kind: Literal["sources", "days"] = "sources", ax: Axes | None = None) -> Axes:
        """
        Plot the assessment (matplotlib, an optional extra); returns the Axes.

        ``kind="sources"``: magnesium by food and supplement against the RDA or AI, with
        the EAR and the supplemental UL marked (:func:`magcalc.views.plotting.plot_sources`);
        ``kind="days"``: each recorded day (:func:`magcalc.views.plotting.plot_days`).
        """
        from magcalc.views import plotting

        if kind == "sources":
            return plotting.plot_sources(self, ax=ax)
        if kind == "days":
            return plotting.plot_days(self, ax=ax)
        raise InputError(f"kind must be 'sources' or 'days', not {kind!r}", field="kind")


def assess(
    intake: Intake,
    person: Person,
    framework: Framework | str = DEFAULT_FRAMEWORK,
    *,
    sd_within_mg: float | None = None,
    food_absorption: tuple[float, float, float] | None = None,
    absorption: Mapping[str, tuple[float, float, float]] | None = None,
) -> Assessment:
    """
    Assess a person's magnesium intake against reference values.

    Parameters
    ----------
    intake : Intake
        One or more days of foods and supplements.
    person : Person
        Age, sex, pregnancy and lactation.
    framework : str, default 'IOM1997'
        Reference framework (see :func:`magcalc.frameworks`).
    sd_within_mg : float, optional
        Day-to-day (within-person) SD of magnesium intake [mg/day] for the IOM 2000
        probability of adequacy. Default: :func:`magcalc.dri.within_person_sd`
        (86 mg/day for women from IOM's worked example; approximations elsewhere).
    food_absorption : (low, central, high), optional
        Fraction of food magnesium absorbed, for the estimate only. Default 0.30, 0.35,
        0.40 (NIH ODS: 30-40 %).
    absorption : mapping of form -> (low, central, high), optional
        Override a supplement form's absorption factors relative to food magnesium.

    Returns
    -------
    Assessment

    Raises
    ------
    InputError
        Empty intake or bad parameters.
    UnknownFrameworkError, NoReferenceValueError
        From :func:`magcalc.reference_values`.

    References
    ----------
    .. [1] Institute of Medicine, "Dietary Reference Intakes for Calcium, Phosphorus,
       Magnesium, Vitamin D, and Fluoride," 1997, doi:10.17226/5776.
    .. [2] Institute of Medicine, "Dietary Reference Intakes: Applications in Dietary
       Assessment," 2000, pp. 54-61, doi:10.17226/9956.

    Examples
    --------
    >>> from magcalc import Intake, Person, Supplement
    >>> intake = Intake()
    >>> _ = intake.add_food("spinach, boiled", "1 cup")
    >>> _ = intake.add_supplement(Supplement(form="citrate", elemental_mg=200))
    >>> report = assess(intake, Person(age_years=34, sex="female"))
    >>> round(report.total_mg.magnitude, 1), report.target_kind, report.exceeds_ul
    (356.6, 'RDA', False)
    """
    if not isinstance(intake, Intake):
        raise InputError(f"intake must be an Intake, not {type(intake).__name__}", field="intake")
    if not isinstance(person, Person):
        raise InputError(f"person must be a Person, not {type(person).__name__}", field="person")
    if not len(intake):
        raise InputError("the intake is empty; add foods or supplements first", field="intake")
    foods, supplements = intake.foods, intake.supplements
    # Checked where used: a copy or model_construct() can hold what no constructor takes.
    for _, supplement in supplements:
        check_supplement(supplement)
    for _, item in foods:
        check_serving(item)
    refs = reference_values(person, framework=framework)
    days = intake.days
    n = len(days)

    # --- per day sums (unknown foods are left out and counted, never summed as 0)
    food_by_day = dict.fromkeys(days, 0.0)
    unknown_by_day = dict.fromkeys(days, 0)
    supp_by_day = dict.fromkeys(days, 0.0)
    for day, item in foods:
        if item.magnesium_mg is None:
            unknown_by_day[day] += 1
        else:
            food_by_day[day] += item.magnesium_mg
    for sday, supplement in supplements:
        for d in days if sday is None else [sday]:
            supp_by_day[d] += supplement.elemental_mg_per_day
    # Plain dicts, validated all at once below.
    daily = [
        {
            "day": d,
            "food_mg": food_by_day[d],
            "supplemental_mg": supp_by_day[d],
            "total_mg": food_by_day[d] + supp_by_day[d],
            "foods_without_data": unknown_by_day[d],
        }
        for d in days
    ]
    food_mean = sum(food_by_day.values()) / n
    supp_mean = sum(supp_by_day.values()) / n
    total_mean = food_mean + supp_mean
    if not math.isfinite(total_mean):  # each entry is finite, their sum overflowed
        raise InputError(
            "the intake's amounts add up to more magnesium than can be computed with; "
            "check the amounts (g, not kg; mg, not g)",
            field="intake",
        )

    # --- items and their contributions to the mean
    items: list[dict[str, Any]] = []
    for day, item in foods:
        per_day = None if item.magnesium_mg is None else item.magnesium_mg / n
        items.append(
            {
                "day": day,
                "kind": "food",
                "name": item.food.description,
                "amount": item.amount,
                "grams": item.grams,
                "magnesium_mg": item.magnesium_mg,
                "per_day_mg": per_day,
                "share": None if per_day is None or total_mean == 0 else per_day / total_mean,
                "basis": item.basis,
                "fdc_id": item.food.fdc_id,
            }
        )
    for sday, supplement in supplements:
        taken_on = n if sday is None else 1
        per_day = supplement.elemental_mg_per_day * taken_on / n
        items.append(
            {
                "day": sday,
                "kind": "supplement",
                "name": supplement.label
                or f"supplement: magnesium {supplement.form.replace('_', ' ')}",
                "amount": f"{supplement.servings_per_day:g} x/day",
                "magnesium_mg": supplement.elemental_mg_per_day,
                "per_day_mg": per_day,
                "share": None if total_mean == 0 else per_day / total_mean,
                "basis": supplement.derivation,
                "form": supplement.form,
            }
        )

    # --- reference comparisons
    target = refs.target_mg
    percent = None if not target else 100.0 * total_mean / target
    sd_note = ""
    given_sd = check_sd_within(sd_within_mg)
    if given_sd is None:
        sd_within, sd_note = within_person_sd(person)
    else:
        sd_within, sd_note = given_sd, "given by the caller"

    warnings: list[str] = []
    probability = None
    confidence_ai = None
    if refs.ear_mg is not None:
        z, probability = probability_adequate(total_mean, refs.ear_mg, sd_within, float(n))
        conclusion = _ear_conclusion(z, probability, n)
    elif refs.ai_mg is not None:
        z_ai, confidence_ai = ai_confidence(total_mean, refs.ai_mg, sd_within, float(n))
        conclusion = (
            f"Only an Adequate Intake exists here. With {probability_text(confidence_ai)} "
            "confidence usual intake is above the AI"
            + (": intake is likely adequate." if reading(z_ai) == "adequate" else ".")
            + " Intake below the AI cannot be judged inadequate (IOM 2000)."
        )
    else:
        conclusion = (
            f"The {refs.framework} framework gives a {refs.target_kind} here but no EAR, so "
            "no probability of adequacy can be computed; compare with the target only."
        )

    ul = refs.ul_supplemental_mg
    max_supp = max(supp_by_day.values()) if supp_by_day else 0.0
    exceeds = None if ul is None else bool(max_supp > ul)
    if exceeds:
        warnings.append(
            f"Supplemental magnesium reaches {max_supp:.0f} mg on a day, over the "
            f"{ul:.0f} mg/day upper limit for supplemental magnesium (its critical effect "
            "is osmotic diarrhoea; food magnesium never counts toward it)."
        )
    # Say which UL applies where none is set, or where another authority's is used.
    if supplements and (ul is None or refs.ul_basis == "fallback"):
        warnings.append(refs.ul_statement)
    if not refs.ul_verified:
        warnings.append(f"The upper limit for this group is unverified: {refs.ul_note}")

    unknown = [s for _, s in foods if s.magnesium_mg is None]
    if unknown:
        names = "; ".join(sorted({s.food.description for s in unknown}))
        warnings.append(
            f"{len(unknown)} food entr{'y has' if len(unknown) == 1 else 'ies have'} no USDA "
            f"magnesium value and {'is' if len(unknown) == 1 else 'are'} left out (unknown, "
            f"not zero), so the totals are a lower bound: {names}."
        )
    if n == 1:
        warnings.append(
            "Only one day is recorded: one day says little about usual intake (IOM 2000); "
            "record two or more non-consecutive days."
        )
    if not refs.verified:
        warnings.append(f"{refs.framework} values for this group are unverified: {refs.note}")
    judged = probability is not None or confidence_ai is not None
    if sd_note and "approximation" in sd_note.lower() and judged:
        warnings.append(f"Within-person SD {sd_within:.0f} mg/day: {sd_note}")

    effective = effective_range(intake, n, food_mean, food_absorption, absorption)

    # Documented risk factors: a cited note each; reference values are unchanged (as in
    # the DRIs). Older adults are at risk per NIH ODS; IOM's oldest group is >70 y.
    keys = list(person.conditions)
    if person.age_in_years >= 71 and "older_age" not in keys:
        keys.append("older_age")
    risks = tuple(risk_factor(k) for k in keys)

    # Every value below was computed here from checked inputs, each of the type
    # validation would give it: validating the assessment again cost more than computing it.
    return computed(
        Assessment,
        {
            "person": person,
            "framework": refs.framework,
            "life_stage": refs.life_stage,
            "n_days": n,
            "daily": _tuple_of(DayTotal).validate_python(daily),
            "food_mg": mg_per_day(food_mean),
            "supplemental_mg": mg_per_day(supp_mean),
            "total_mg": mg_per_day(total_mean),
            "target_mg": _optional_mg(target),
            "target_kind": refs.target_kind,
            "percent_of_target": _optional_float(percent),
            "ear_mg": _optional_mg(refs.ear_mg),
            "probability_adequate": _optional_float(probability),
            "sd_within_mg": mg_per_day(sd_within),
            "sd_within_note": sd_note,
            "confidence_above_ai": _optional_float(confidence_ai),
            "ul_supplemental_mg": _optional_mg(ul),
            "max_daily_supplemental_mg": mg_per_day(max_supp),
            "exceeds_ul": exceeds,
            "conclusion": conclusion,
            "effective_mg": effective,
            "items": _tuple_of(ItemContribution).validate_python(items),
            "warnings": tuple(warnings),
            "references": refs,
            "risk_factors": risks,
        },
    )


@cache
def _tuple_of(model: type[ValueModel]) -> TypeAdapter[tuple[Any, ...]]:
    """A validator of a list of dicts into a tuple of `model`, built on first use: one
    call validates them all."""
    return TypeAdapter(tuple[model, ...])  # type: ignore[valid-type]


def _optional_mg(value: float | None) -> Any:
    return None if value is None else mg_per_day(value)


def _optional_float(value: float | None) -> float | None:
    return None if value is None else float(value)


def _ear_conclusion(z: float, probability: float, n: int) -> str:
    """The verdict of IOM 2000's individual method, judged on z (:func:`magcalc.stats.reading`)."""
    days = days_text(n)
    verdict = {
        "adequate": "usual intake is likely adequate",
        "inadequate": "usual intake is likely inadequate",
        "uncertain": "adequacy is uncertain",
    }[reading(z)]
    return (
        f"With {days} recorded, the probability that usual intake meets the requirement is "
        f"{about_probability(probability)}: {verdict} (IOM 2000 method)."
    )
