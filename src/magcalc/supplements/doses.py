"""A supplement dose: a form, an amount that says its basis, and servings a day; or a
Supplement Facts line read into one ("Magnesium (as magnesium citrate) 200 mg").

Doses must say their basis: ``Supplement(form="citrate", elemental_mg=200)`` (what US and
EU supplement labels declare) or ``Supplement(form="oxide", compound_mg=500)`` (the mass of
the compound, as in a product name "Magnesium Oxide 500 mg"). A bare ``mg`` is refused.
"""

from __future__ import annotations

import math
import re
import unicodedata
import warnings
from collections.abc import Mapping
from typing import Any, Literal

from pydantic import model_validator
from typing_extensions import Self

from magcalc._models import InputModel
from magcalc._util import finite_float, shown
from magcalc.errors import PlausibilityWarning, SupplementError
from magcalc.supplements.forms import SupplementForm, get_form
from magcalc.units import odd_digit_message

__all__ = [
    "MAX_PLAUSIBLE_COMPOUND_MG_PER_DAY",
    "MAX_PLAUSIBLE_ELEMENTAL_MG_PER_DAY",
    "Supplement",
    "parse_label",
]

# magcalc's plausibility rules (project decisions, not reference values): more than
# 5,000 mg of elemental magnesium a day (14x the 350 mg/day supplemental UL of IOM 1997,
# and above laxative doses of magnesium hydroxide or sulfate) or more than 100 g of a
# compound a day is no real dose. Such doses are computed, with a PlausibilityWarning.
MAX_PLAUSIBLE_ELEMENTAL_MG_PER_DAY = 5000.0
MAX_PLAUSIBLE_COMPOUND_MG_PER_DAY = 100_000.0


class Supplement(InputModel):
    """
    A magnesium supplement dose, with its basis explicit.

    Give exactly one of ``elemental_mg`` (magnesium itself, as US Supplement Facts and EU
    labels declare it) or ``compound_mg`` (the mass of the compound). A bare ``mg`` is
    refused, because confusing the two is a 2x-6x error. The dose then holds both
    amounts, the one given and the other by stoichiometry, and ``basis`` says which was
    given; a dump of the model (with ``basis``) validates back to the same dose.

    Parameters
    ----------
    form : str
        A form name or alias (see :func:`supplement_forms`).
    elemental_mg : float, optional
        Elemental magnesium per serving [mg].
    compound_mg : float, optional
        Compound mass per serving [mg].
    basis : {'elemental', 'compound'}, optional
        Which amount was given; set from the one given. Pass it only with a dumped
        dose, where both amounts are present and must agree.
    servings_per_day : float, default 1
    label : str, optional
        Free text to show in reports (e.g. the product name).

    Raises
    ------
    SupplementError
        A bare ``mg=``, both or neither basis, a negative, NaN or infinite amount,
        ``servings_per_day=0``, or a daily amount too large to compute with.
    UnknownFormError
        An unknown form; the message lists the valid ones.

    Warns
    -----
    PlausibilityWarning
        When the dose gives more than ``MAX_PLAUSIBLE_ELEMENTAL_MG_PER_DAY`` (5,000 mg)
        of elemental magnesium a day or more than ``MAX_PLAUSIBLE_COMPOUND_MG_PER_DAY``
        (100 g) of the compound a day: probably mg typed as g, or compound as elemental.
        The dose is used as given.

    Examples
    --------
    >>> Supplement(form="citrate", elemental_mg=200).elemental_mg_per_day
    200.0
    >>> oxide = Supplement(form="oxide", compound_mg=500)
    >>> oxide.basis, round(oxide.elemental_mg, 1), oxide.compound_mg
    ('compound', 301.5, 500.0)
    >>> round(Supplement(form="citrate", elemental_mg=200).compound_mg, 1)
    1237.4
    """

    error_class = SupplementError

    form: str
    elemental_mg: float | None = None
    compound_mg: float | None = None
    basis: Literal["elemental", "compound"] | None = None
    servings_per_day: float = 1.0
    label: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _explicit_basis(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        for bare in ("mg", "amount", "dose", "dose_mg", "amount_mg"):
            if bare in data:
                raise SupplementError(
                    f"{bare}= is ambiguous: say elemental_mg= (magnesium itself, as on "
                    "Supplement Facts labels) or compound_mg= (mass of the compound, e.g. "
                    "'Magnesium Oxide 500 mg' tablets)",
                    field=bare,
                )
        elemental, compound = data.get("elemental_mg"), data.get("compound_mg")
        basis = data.get("basis")
        if basis is None and (elemental is None) == (compound is None):
            which = "both" if elemental is not None else "neither"
            raise SupplementError(
                f"give exactly one of elemental_mg= or compound_mg= ({which} given)",
                field="elemental_mg",
            )
        if basis is None:
            basis = "elemental" if elemental is not None else "compound"
        elif basis not in ("elemental", "compound") or data.get(f"{basis}_mg") is None:
            raise SupplementError(
                f"basis={basis!r} needs {basis}_mg; basis is 'elemental' or 'compound', the "
                "amount that was given (leave it out and give one amount)",
                field="basis",
            )
        data = dict(data)
        data["basis"] = basis
        data["form"] = get_form(data.get("form", "")).name
        for field in ("elemental_mg", "compound_mg", "servings_per_day"):
            value = data.get(field)
            if value is None:
                continue
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise SupplementError(
                    f"{field} must be a number [mg], not {type(value).__name__} {value!r}",
                    field=field,
                )
            number = finite_float(value, text=False)
            if number is None or number < 0:
                raise SupplementError(
                    f"{field} must be a finite, non-negative number, not {value!r}", field=field
                )
        if data.get("servings_per_day", 1.0) == 0:
            raise SupplementError(
                "servings_per_day must be positive; leave the supplement out instead",
                field="servings_per_day",
            )
        fraction = get_form(data["form"]).elemental_fraction
        given = float(data[f"{basis}_mg"])
        derived = given * fraction if basis == "compound" else given / fraction
        other = "compound_mg" if basis == "elemental" else "elemental_mg"
        stated = data.get(other)
        if stated is not None and not math.isclose(float(stated), derived, rel_tol=1e-9):
            raise SupplementError(
                f"elemental_mg and compound_mg disagree for {data['form']} ({stated!r} given, "
                f"{derived:.6g} from {basis}_mg={given:g}); give only the amount on the label",
                field=other,
            )
        data[other] = derived
        return data

    @model_validator(mode="after")
    def _plausible(self) -> Supplement:
        per_day = self.elemental_mg_per_day
        compound = self.form_info.compound_for_elemental(per_day)
        if not (math.isfinite(per_day) and math.isfinite(compound)):
            raise SupplementError(
                f"this dose ({self.servings_per_day:g} x {self.elemental_mg_per_serving:g} mg "
                "a day) is too large to compute with; give the dose per serving [mg] and "
                "servings_per_day as taken",
                field=f"{self.basis}_mg",
            )
        if (
            per_day > MAX_PLAUSIBLE_ELEMENTAL_MG_PER_DAY
            or compound > MAX_PLAUSIBLE_COMPOUND_MG_PER_DAY
        ):
            warnings.warn(
                f"a {self.form} supplement giving {per_day:,.6g} mg of magnesium a day "
                f"({compound / 1000:,.4g} g of {self.form_info.compound}) is more than any "
                f"real dose (over {MAX_PLAUSIBLE_ELEMENTAL_MG_PER_DAY:,.0f} mg elemental or "
                f"{MAX_PLAUSIBLE_COMPOUND_MG_PER_DAY / 1000:g} g of compound a day); check mg "
                "against g and elemental_mg= against compound_mg=. It is used as given.",
                PlausibilityWarning,
                stacklevel=2,
            )
        return self

    @property
    def form_info(self) -> SupplementForm:
        """The :class:`SupplementForm` of this dose."""
        return get_form(self.form)

    @property
    def elemental_mg_per_serving(self) -> float:
        """Elemental magnesium in one serving [mg]."""
        assert self.elemental_mg is not None  # filled by validation
        return float(self.elemental_mg)

    @property
    def elemental_mg_per_day(self) -> float:
        """Elemental magnesium a day [mg/day]."""
        return self.elemental_mg_per_serving * self.servings_per_day

    @property
    def derivation(self) -> str:
        """How the elemental amount was found, for reports."""
        info = self.form_info
        if self.basis == "elemental":
            return f"{self.elemental_mg:g} mg elemental (as {info.compound})"
        return (
            f"{self.compound_mg:g} mg {info.compound} x {info.elemental_percent:.2f} % Mg "
            f"= {self.elemental_mg_per_serving:.1f} mg elemental"
        )

    def __str__(self) -> str:
        per_day = f" x {self.servings_per_day:g}/day" if self.servings_per_day != 1 else ""
        return f"{self.label or self.form}: {self.derivation}{per_day}"

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Self:
        """
        A copy with ``update`` validated; a new amount of either kind becomes the basis.

        Examples
        --------
        >>> dose = Supplement(form="citrate", elemental_mg=200)
        >>> round(dose.model_copy(update={"compound_mg": 1000}).elemental_mg, 1)
        161.6
        """
        changes = dict(update or {})
        amounts = [k for k in ("elemental_mg", "compound_mg") if k in changes]
        if len(amounts) == 1 and "basis" not in changes:
            changes["basis"] = amounts[0].removesuffix("_mg")
            other = "compound_mg" if amounts[0] == "elemental_mg" else "elemental_mg"
            changes[other] = None
        return super().model_copy(update=changes or None, deep=deep)

    @classmethod
    def from_label(cls, text: str, *, servings_per_day: float = 1.0) -> Supplement:
        """A dose from a Supplement Facts line; see :func:`parse_label`."""
        return parse_label(text, servings_per_day=servings_per_day)


_LABEL = re.compile(
    r"""^\s*(?:magnesium|mg)\b\s*
        (?:\(\s*as\s+(?P<form1>[^()]*)\)\s*)?
        (?:[:,]|[-\u2013\u2014](?=\s))?\s*          # a separator: "Magnesium: 200 mg", "- 200 mg"
        (?P<sign>[-\u2212\u2013]\s*)?                # a minus sign: "-200 mg" is negative
        (?P<amount>[0-9]+(?:\.[0-9]+)?)\s*(?P<unit>mg|milligrams?|g|grams?)\b
        \s*(?:\(\s*as\s+(?P<form2>[^()]*)\))?
        (?P<rest>.*)$""",
    re.IGNORECASE | re.VERBOSE | re.DOTALL,
)
# What may follow the dose on a Supplement Facts line: the % Daily Value and footnote marks.
_LABEL_TRAILER = re.compile(
    r"\s*(?:\(?\s*[0-9]+(?:\.[0-9]+)?\s*%\s*(?:dv|daily\s+value)?\s*\)?)?\s*[*\u2020\u2021]*\s*\.?\s*",
    re.IGNORECASE,
)
_LABEL_EXAMPLE = "'Magnesium (as magnesium citrate) 200 mg'"


def parse_label(text: str, *, servings_per_day: float = 1.0) -> Supplement:
    """
    Parse a Supplement Facts line such as "Magnesium (as magnesium citrate) 200 mg".

    US Supplement Facts and EU labels declare **elemental** magnesium, so the amount is
    read as ``elemental_mg``. A product name that states the compound mass
    ("Magnesium Oxide 500 mg") is refused as ambiguous. The line must be read whole:
    after the dose only a % Daily Value ("48% DV") and footnote marks may follow, so a
    second dose, "200 mg/kg" or "per 2 capsules" are refused rather than read as the
    first number alone.

    Parameters
    ----------
    text : str
        "Magnesium (as magnesium citrate) 200 mg", "Magnesium 250 mg (as magnesium oxide)".
    servings_per_day : float, default 1

    Returns
    -------
    Supplement

    Raises
    ------
    SupplementError
        If the line cannot be read exactly: it names several forms or the form twice,
        names the compound mass, gives a negative dose ("-200 mg"), has more after the
        dose (a second dose, "mg/kg"), or has characters that look like digits but are
        not ("2⁰⁰ mg"). The message says what to write instead.
    UnknownFormError
        If the form is not in the catalogue.

    Warns
    -----
    PlausibilityWarning
        For a dose no one takes (over 5,000 mg elemental a day, e.g. "100 g"); see
        :class:`Supplement`.

    Examples
    --------
    >>> s = parse_label("Magnesium (as magnesium citrate) 200 mg")
    >>> s.form, s.elemental_mg
    ('citrate', 200.0)
    >>> parse_label("Magnesium (as magnesium oxide) 400 mg 95% DV").elemental_mg
    400.0
    """
    if not isinstance(text, str) or not text.strip():
        raise SupplementError(f"label text is empty; e.g. {_LABEL_EXAMPLE}")
    odd = odd_digit_message(text, "label")
    if odd is not None:
        raise SupplementError(odd, field="label")
    quoted = shown(text, 80)
    # Fullwidth digits and letters read as their ASCII forms.
    folded = unicodedata.normalize("NFKC", text).replace("\u00a0", " ")
    match = _LABEL.match(folded)
    if not match:
        compound = re.match(r"^\s*magnesium\s+([a-z -]+?)\s+\d", folded, re.IGNORECASE)
        if compound:
            raise SupplementError(
                f"{quoted} names the compound, so its mass may be of the compound, not of "
                "magnesium; use Supplement(form=..., compound_mg=...) or, if the label's "
                "Supplement Facts say so, elemental_mg=",
                field="label",
            )
        raise SupplementError(
            f"cannot read supplement label {quoted}; expected e.g. {_LABEL_EXAMPLE}",
            field="label",
        )
    if match.group("sign"):
        raise SupplementError(
            f"label {quoted} gives a negative dose; write the elemental magnesium per serving "
            f"as a positive number, e.g. {_LABEL_EXAMPLE}",
            field="label",
        )
    rest = match.group("rest")
    if not _LABEL_TRAILER.fullmatch(rest):
        # A second dose, "mg/kg", "per 2 capsules": reading the first number alone would
        # be a different dose from the label's.
        raise SupplementError(
            f"label {quoted} has {shown(rest.strip(), 80)} after the dose, which magcalc "
            "cannot read exactly; give one dose of elemental magnesium per serving per line, "
            f"e.g. {_LABEL_EXAMPLE} (a second form is its own Supplement, several servings "
            "a day are servings_per_day=)",
            field="label",
        )
    form1, form2 = match.group("form1"), match.group("form2")
    if form1 and form2:
        raise SupplementError(
            f"label {quoted} names the form twice ({form1.strip()!r} and {form2.strip()!r}); "
            f"name it once, e.g. {_LABEL_EXAMPLE}",
            field="form",
        )
    form_text = form1 or form2
    if not form_text:
        raise SupplementError(
            f"label {quoted} does not say which form; pass Supplement(form=..., elemental_mg=...)",
            field="form",
        )
    if re.search(r",|\band\b|/|\+|&", form_text):
        raise SupplementError(
            f"label {quoted} lists several forms ({form_text}); enter each as its own Supplement",
            field="form",
        )
    amount = float(match.group("amount"))
    if match.group("unit").lower().startswith("g"):
        amount *= 1000.0
    return Supplement(
        form=form_text.strip(),
        elemental_mg=amount,
        servings_per_day=servings_per_day,
        label=text.strip(),
    )
