"""Supplements second: an elemental dose that closes what food leaves open, never taking
supplemental magnesium over the UL, as compound mass per form, with the cautions NIH ODS
gives.

References
----------
.. [1] Institute of Medicine, "Dietary Reference Intakes for Calcium, Phosphorus,
   Magnesium, Vitamin D, and Fluoride," 1997, doi:10.17226/5776 (UL for supplemental
   magnesium; none determinable for infants).
.. [2] NIH Office of Dietary Supplements, "Magnesium: Fact Sheet for Health
   Professionals" (kidney function; interactions).
"""

from __future__ import annotations

import csv
import functools
import math
from typing import TYPE_CHECKING

from magcalc._data import data_file
from magcalc._models import ValueModel
from magcalc._util import finite, shown
from magcalc.errors import InputError
from magcalc.supplements import get_form

if TYPE_CHECKING:
    from magcalc.dri.values import UlStatus

__all__ = ["FormOption", "SupplementAdvice", "supplement_advice"]


_ADVICE_FORMS = ("citrate", "bisglycinate", "chloride_hexahydrate", "malate", "oxide")


class FormOption(ValueModel):
    """How much of one form delivers a dose, and its absorption evidence."""

    form: str
    compound: str
    compound_mg: float
    elemental_mg: float
    absorption_low: float
    absorption_central: float
    absorption_high: float
    evidence_verified: bool


class SupplementAdvice(ValueModel):
    """
    An elemental dose that closes a gap without exceeding the supplemental UL.

    Attributes
    ----------
    gap_mg : float
        What intake lacks of the target [mg/day] (0 if none).
    ul_supplemental_mg : float or None
    current_supplemental_mg : float
        The highest day's supplemental magnesium already taken [mg].
    headroom_mg : float or None
        How much more supplemental magnesium stays within the UL [mg/day].
    dose_mg : float
        Suggested additional elemental magnesium [mg/day]; 0 when none is suggested.
    closes_gap : bool
        True only when ``dose_mg`` reaches the whole gap (or there is none).
    options : tuple of FormOption
        Compound mass of several forms that delivers ``dose_mg``.
    message : str
    cautions : tuple of str
        With every dose: the kidney caveat and the interactions NIH ODS lists, each
        with its source (``supplement_cautions.csv``), and "discuss with a clinician".
    n_days : int
        Days of records behind the advice; with one, no dose is suggested.
    """

    gap_mg: float
    ul_supplemental_mg: float | None
    current_supplemental_mg: float
    headroom_mg: float | None
    dose_mg: float
    closes_gap: bool
    options: tuple[FormOption, ...]
    message: str
    cautions: tuple[str, ...] = ()
    n_days: int = 1

    def __str__(self) -> str:
        lines = [self.message]
        for o in self.options:
            lines.append(
                f"  {o.form:<22} {o.compound_mg:6.0f} mg of {o.compound} = "
                f"{o.elemental_mg:.0f} mg Mg (absorption vs food "
                f"{o.absorption_low:.2f}-{o.absorption_high:.2f})"
            )
        lines.extend(f"  ! {c}" for c in self.cautions)
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        from magcalc.views.html import advice_html

        return advice_html(self)


@functools.cache
def _cautions() -> tuple[tuple[str, str, str], ...]:
    """(key, text, citation) of each caution that goes with a supplement dose."""
    with data_file("supplement_cautions.csv").open(newline="", encoding="utf-8") as fh:
        return tuple((r["key"], r["text"], r["citation"]) for r in csv.DictReader(fh))


def _caution_texts() -> tuple[str, ...]:
    # The clinician sentence ends every message already.
    return tuple(
        f"{text} ({citation.split('(')[0].strip()})"
        for key, text, citation in _cautions()
        if key != "clinician"
    )


def supplement_advice(
    gap_mg: float,
    *,
    ul_supplemental_mg: float | None,
    current_supplemental_mg: float = 0.0,
    n_days: int,
    ul_statement: str = "",
    ul_status: UlStatus = "set",
    step_mg: float = 5.0,
) -> SupplementAdvice:
    """
    A supplemental dose that closes the gap food leaves, never over the UL.

    The dose is the gap rounded up to ``step_mg`` when that stays within
    ``UL - highest day's supplemental intake``, else that headroom rounded down; it
    ``closes_gap`` only when it reaches the whole gap. No dose is suggested from a
    single day of records (one day says little about usual intake, IOM 2000: record
    more days first), where no UL applies (infants: IOM found none determinable and
    advises food and formula only), when there is no gap, or when supplements already
    reach the UL. Every dose carries the cautions NIH ODS gives: impaired kidney
    function, and bisphosphonates and tetracycline or quinolone antibiotics (separate
    the doses). :meth:`magcalc.Assessment.supplement_advice` calls this with the
    assessment's figures.

    Parameters
    ----------
    gap_mg : float
        What intake lacks of the target [mg/day]; 0 or less means none.
    ul_supplemental_mg : float or None
        The UL for supplemental magnesium [mg/day]; None where none applies.
    current_supplemental_mg : float, default 0
        The highest day's supplemental magnesium already taken [mg].
    n_days : int
        Days of records behind the gap; with one, no dose is suggested.
    ul_statement : str, default ""
        Which UL applies and why, said when there is none (``ReferenceValues.ul_statement``).
    ul_status : str, default "set"
        ``ReferenceValues.ul_status``; "not determinable" (infants) means food and formula only.
    step_mg : float, default 5
        Round the dose to a multiple of this [mg].

    Returns
    -------
    SupplementAdvice

    Examples
    --------
    >>> advice = supplement_advice(305.0, ul_supplemental_mg=350.0, n_days=3)
    >>> advice.dose_mg, advice.closes_gap
    (305.0, True)
    >>> print(advice.cautions[0])  # doctest: +ELLIPSIS
    The risk of magnesium toxicity rises with impaired kidney function or kidney failure...

    References
    ----------
    .. [1] Institute of Medicine, "Dietary Reference Intakes: Applications in Dietary
       Assessment," 2000, pp. 54-61, doi:10.17226/9956 (one day says little about
       usual intake).
    .. [2] NIH Office of Dietary Supplements, "Magnesium: Fact Sheet for Health
       Professionals" (excess magnesium with impaired kidney function; interactions
       with bisphosphonates and antibiotics).
    """
    gap = _amount(gap_mg, "gap_mg")
    ul = None if ul_supplemental_mg is None else _amount(ul_supplemental_mg, "ul_supplemental_mg")
    current = _amount(current_supplemental_mg, "current_supplemental_mg")
    for name, value in (("ul_supplemental_mg", ul), ("current_supplemental_mg", current)):
        if value is not None and value < 0:
            # A negative dose or limit would widen the room under the UL without a word.
            raise InputError(f"{name} must not be negative, not {value:g} [mg/day]", field=name)
    if isinstance(n_days, bool) or not isinstance(n_days, int) or n_days < 1:
        raise InputError(f"n_days must be a whole number of days, 1 or more, not {n_days!r}",
                         field="n_days")  # fmt: skip
    if (
        not isinstance(step_mg, (int, float))
        or isinstance(step_mg, bool)
        or not finite(step_mg)
        or not step_mg > 0
    ):
        raise InputError("step_mg must be a positive, finite number [mg]", field="step_mg")
    gap = max(0.0, gap)
    note = " " + next(text for key, text, _ in _cautions() if key == "clinician")

    def advice(dose: float, closes: bool, message: str, headroom: float | None) -> SupplementAdvice:
        options: list[FormOption] = []
        if dose > 0:
            for name in _ADVICE_FORMS:
                form = get_form(name)
                a = form.absorption
                options.append(
                    FormOption(
                        form=form.name,
                        compound=form.compound,
                        compound_mg=round(form.compound_for_elemental(dose), 1),
                        elemental_mg=dose,
                        absorption_low=a.low,
                        absorption_central=a.central,
                        absorption_high=a.high,
                        evidence_verified=a.verified,
                    )
                )
        return SupplementAdvice(
            gap_mg=round(gap, 1),
            ul_supplemental_mg=ul,
            current_supplemental_mg=round(current, 1),
            headroom_mg=None if headroom is None else round(headroom, 1),
            dose_mg=dose,
            closes_gap=closes,
            options=tuple(options),
            message=message + note,
            cautions=_caution_texts() if dose > 0 else (),
            n_days=n_days,
        )

    if ul is None:
        why = (
            "infants should get magnesium from food and formula only"
            if ul_status == "not determinable"
            else "ask a clinician before giving any supplement"
        )
        return advice(
            0.0, False,
            f"{ul_statement} So magcalc suggests no supplement: {why}.".lstrip(),
            None,
        )  # fmt: skip
    headroom = max(0.0, ul - current)
    if gap <= 0:
        return advice(0.0, True, "Intake already meets the target: no supplement is needed.",
                      headroom)  # fmt: skip
    if n_days < 2:
        return advice(
            0.0, False,
            f"One day of records says little about usual intake (IOM 2000): the gap of "
            f"{gap:.0f} mg on this day may not be there on others. Record at least two more, "
            "non-consecutive days (a weekend day among them) before considering a supplement; "
            "food first in the meantime.",
            headroom,
        )  # fmt: skip
    if headroom <= 0:
        return advice(
            0.0, False,
            f"Supplements already reach the {ul:.0f} mg/day upper limit for supplemental "
            "magnesium; close the remaining gap with food.",
            headroom,
        )  # fmt: skip
    up = math.ceil(gap / step_mg) * step_mg
    dose = up if up <= headroom else math.floor(headroom / step_mg) * step_mg
    if dose <= 0:
        return advice(0.0, False, "The gap is too small to suggest a supplement; use food.",
                      headroom)  # fmt: skip
    closes = dose >= gap
    if closes:
        message = (
            f"About {dose:.0f} mg a day of elemental magnesium would close the gap of "
            f"{gap:.0f} mg and keep supplemental magnesium within the {ul:.0f} mg/day limit."
        )
    else:
        message = (
            f"The gap of {gap:.0f} mg cannot be closed within the {ul:.0f} mg/day limit for "
            f"supplemental magnesium: at most {dose:.0f} mg more (food first for the rest)."
        )
    return advice(dose, closes, message, headroom)


def _amount(value: object, name: str) -> float:
    """A finite amount [mg] given as a plain number, else InputError naming it."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not finite(value):
        raise InputError(f"{name} must be a finite number [mg/day], not {shown(value)}",
                         field=name)  # fmt: skip
    return float(value)
