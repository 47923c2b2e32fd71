"""People: the age, sex and life stage that select magnesium reference values.

A :class:`Person` is a frozen, validated value. It refuses people who cannot
exist or who no reference framework describes (a pregnant male, a negative
age, pregnancy and lactation at once) with a :class:`~magcalc.errors.PersonError`
that names the field and says what to pass instead; pydantic's own
``ValidationError`` never reaches the caller.

Reference values depend on completed age: IOM's "1-3 years" means
1 <= age < 4 years, and "0-6 months" means 0 <= age < 7 months [1]_. Ages are
kept exactly as given (years, or months for infants) and compared in months.

References
----------
.. [1] Institute of Medicine, "Dietary Reference Intakes for Calcium,
   Phosphorus, Magnesium, Vitamin D, and Fluoride," National Academy Press,
   1997, ch. 6, doi:10.17226/5776.
"""

from __future__ import annotations

import math
import numbers
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator, model_validator
from typing_extensions import Self

from magcalc._models import validated
from magcalc.errors import PersonError

__all__ = ["MAX_AGE_YEARS", "PREGNANCY_AGE_YEARS", "Person", "Sex"]

Sex = Literal["female", "male"]

# magcalc's plausibility limits (project decisions, not reference values): no
# person is 125 years old or more, and pregnancy or lactation is accepted from
# 10 up to (not including) 60 years. Reference tables map these ages onto their
# nearest life-stage group (see the notes in data/reference_values.csv).
MAX_AGE_YEARS = 125.0
PREGNANCY_AGE_YEARS = (10.0, 60.0)

_FIELDS = ("age_years", "age_months", "sex", "pregnant", "lactating", "conditions")
_SEXES: dict[str, Sex] = {"female": "female", "f": "female", "male": "male", "m": "male"}
_STATE = {"pregnant": "pregnancy", "lactating": "lactation"}


def _check_age(value: Any, field: str) -> float | None:
    unit = "years" if field == "age_years" else "months"
    limit = MAX_AGE_YEARS if unit == "years" else MAX_AGE_YEARS * 12
    if value is None:
        return None
    if isinstance(value, bool) or (hasattr(value, "dtype") and value.dtype.kind == "b"):
        raise PersonError(
            f"{field}={value!r} is a bool, not an age; give a number of {unit}, "
            f"e.g. {field}={34 if unit == 'years' else 9}",
            field=field,
        )
    if not isinstance(value, numbers.Real):
        raise PersonError(
            f"{field} must be a number of {unit}, not {type(value).__name__} {value!r}; "
            f"e.g. {field}={34 if unit == 'years' else 9}",
            field=field,
        )
    try:
        age = float(value)
    except OverflowError:  # an int too large for a float: not a plausible age
        age = -1.0 if str(value).startswith("-") else limit
    if math.isnan(age) or math.isinf(age):
        raise PersonError(
            f"{field}={value!r} is not a finite number; give the age in {unit}", field=field
        )
    if age < 0:
        raise PersonError(
            f"{field}={value!r} is negative; give the age in {unit} (0 or more)", field=field
        )
    if age >= limit:
        raise PersonError(
            f"{field}={value!r} is not a plausible age; give an age below {limit:g} {unit}"
            + (f" ({MAX_AGE_YEARS:g} years)" if unit == "months" else ""),
            field=field,
        )
    return age


def _check_flag(value: Any, field: str) -> bool:
    if isinstance(value, bool):
        return value
    if hasattr(value, "dtype") and value.dtype.kind == "b":  # numpy.bool_ from a DataFrame
        return bool(value)
    raise PersonError(f"{field} must be True or False, not {value!r}", field=field)


class Person(BaseModel):
    """
    A person whose magnesium intake is assessed.

    Give exactly one of ``age_years`` and ``age_months`` (``age_months`` suits
    infants; fractions are fine).

    Parameters
    ----------
    age_years : float, optional
        Age [years], 0 <= age < 125.
    age_months : float, optional
        Age [months], 0 <= age < 1500; an alternative to ``age_years``.
    sex : {'female', 'male'}
        Sex, the variable reference tables use. Case-insensitive; "f" and
        "m" are accepted and normalised to "female" and "male".
    pregnant, lactating : bool, default False
        Only for females aged 10 to under 60 years, and not both at once.
    conditions : tuple of str, default ()
        Documented risk factors for low magnesium ("ppi", "diuretic",
        "alcohol use disorder", "type 2 diabetes", "Crohn's disease", "celiac
        disease", "older age", ...; see :func:`magcalc.dri.risk_factors`),
        stored as canonical keys. They do not change reference values; an
        assessment adds a cited note for each. Unknown names raise PersonError.

    Raises
    ------
    PersonError
        For an impossible or ambiguous person; ``.field`` names the argument.

    Examples
    --------
    >>> p = Person(age_years=34, sex="F")
    >>> p.sex, p.age_in_months, p.life_stage
    ('female', 408.0, 'females 31-50 y')
    >>> Person(age_months=8, sex="male").life_stage
    'infants 7-12 mo'
    >>> Person(age_years=25, sex="female", pregnant=True).life_stage
    'pregnancy 19-30 y'
    >>> Person(age_years=30, sex="male", pregnant=True)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    magcalc.errors.PersonError: pregnant=True needs sex='female' (got sex='male'); ...
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    age_years: float | None = None
    age_months: float | None = None
    sex: Sex
    pregnant: bool = False
    lactating: bool = False
    conditions: tuple[str, ...] = ()

    def __init__(self, **data: Any) -> None:
        init = super().__init__
        validated(lambda: init(**data), _person_error)

    @classmethod
    def model_validate(cls, obj: Any, *args: Any, **kwargs: Any) -> Self:
        """Validate a dict (or object) into a Person; errors are :class:`PersonError`."""
        method = super().model_validate
        return validated(lambda: method(obj, *args, **kwargs), _person_error)

    @classmethod
    def model_validate_json(cls, json_data: Any, *args: Any, **kwargs: Any) -> Self:
        """Validate JSON text into a Person; errors are :class:`PersonError`."""
        method = super().model_validate_json
        return validated(lambda: method(json_data, *args, **kwargs), _person_error)

    @field_validator("age_years", "age_months", mode="before")
    @classmethod
    def _age(cls, value: Any, info: Any) -> float | None:
        return _check_age(value, info.field_name)

    @field_validator("sex", mode="before")
    @classmethod
    def _sex(cls, value: Any) -> str:
        key = value.strip().lower() if isinstance(value, str) else None
        if key is None or key not in _SEXES:
            raise PersonError(
                f"sex must be 'female' or 'male' (or 'f'/'m'), not {value!r}", field="sex"
            )
        return _SEXES[key]

    @field_validator("pregnant", "lactating", mode="before")
    @classmethod
    def _flag(cls, value: Any, info: Any) -> bool:
        return _check_flag(value, info.field_name)

    @field_validator("conditions", mode="before")
    @classmethod
    def _conditions(cls, value: Any) -> tuple[str, ...]:
        if isinstance(value, str) or not isinstance(value, (list, tuple)):
            raise PersonError(
                f"conditions must be a list or tuple of strings, not {value!r}; "
                "e.g. conditions=('type 2 diabetes',)",
                field="conditions",
            )
        for item in value:
            if not isinstance(item, str):
                raise PersonError(
                    f"conditions must contain only strings, not {item!r}", field="conditions"
                )
        from magcalc.dri.risks import normalise_conditions

        return normalise_conditions(value)

    @model_validator(mode="after")
    def _possible(self) -> Self:
        if (self.age_years is None) == (self.age_months is None):
            given = "both" if self.age_years is not None else "neither"
            raise PersonError(
                f"give exactly one of age_years= or age_months= ({given} given); "
                "e.g. Person(age_years=34, sex='female') or Person(age_months=9, sex='male')",
                field="age_years",
            )
        for field in ("pregnant", "lactating"):
            if not getattr(self, field):
                continue
            if self.sex != "female":
                raise PersonError(
                    f"{field}=True needs sex='female' (got sex={self.sex!r}); "
                    f"drop {field}= or correct sex=",
                    field=field,
                )
            low, high = PREGNANCY_AGE_YEARS
            if not low <= self.age_in_years < high:
                raise PersonError(
                    f"{field}=True at {self.age_in_years:g} years is outside the ages magcalc "
                    f"accepts for {_STATE[field]} "
                    f"({low:g} to under {high:g} years); check the age or drop {field}=",
                    field=field,
                )
        if self.pregnant and self.lactating:
            raise PersonError(
                "pregnant=True and lactating=True together: choose one: DRIs have no "
                "combined value (use pregnant=True while pregnant, lactating=True after birth)",
                field="lactating",
            )
        return self

    @property
    def age_in_months(self) -> float:
        """Age [months]."""
        if self.age_months is not None:
            return self.age_months
        assert self.age_years is not None  # guaranteed by validation
        return self.age_years * 12.0

    @property
    def age_in_years(self) -> float:
        """Age [years]."""
        if self.age_years is not None:
            return self.age_years
        assert self.age_months is not None  # guaranteed by validation
        return self.age_months / 12.0

    @property
    def life_stage(self) -> str:
        """
        The IOM 1997 life-stage group, e.g. ``'females 31-50 y'``.

        Other frameworks group ages differently; their labels are on
        :class:`~magcalc.dri.ReferenceValues`.
        """
        from magcalc.dri.values import DEFAULT_FRAMEWORK, lookup

        row = lookup(DEFAULT_FRAMEWORK, self.age_in_months, self.sex, self.pregnant, self.lactating)
        if row is None:  # pragma: no cover - IOM 1997 covers every person Person accepts
            raise PersonError(f"no IOM 1997 life-stage group for {self}", field="age_years")
        return row.life_stage

    def __str__(self) -> str:
        age = (
            f"{self.age_months:g} months"
            if self.age_months is not None
            else f"{self.age_years:g} years"
        )
        state = ", pregnant" if self.pregnant else ", lactating" if self.lactating else ""
        return f"{self.sex} aged {age}{state}"

    def _repr_html_(self) -> str:
        from magcalc.dri.risks import risk_factor
        from magcalc.views.html import person_html

        return person_html(self, [risk_factor(c).name for c in self.conditions])


def _person_error(err: ValidationError) -> PersonError:
    """The first problem in a pydantic ValidationError, as a PersonError."""
    first: PersonError | None = None
    for detail in err.errors():
        original = (detail.get("ctx") or {}).get("error")
        if isinstance(original, PersonError):
            return original
        if first is not None:
            continue
        loc = detail.get("loc") or ()
        field = str(loc[0]) if loc else None
        kind = detail.get("type", "")
        if kind == "extra_forbidden":
            message = (
                f"Person has no argument {field!r}; it takes {', '.join(f + '=' for f in _FIELDS)}"
            )
        elif kind == "missing":
            message = f"Person needs {field}=" + (" ('female' or 'male')" if field == "sex" else "")
        elif field is None:
            message = (
                f"Person needs keyword arguments ({', '.join(f + '=' for f in _FIELDS)}), "
                f"not {detail.get('input')!r}"
            )
        else:
            message = f"{field}: {detail.get('msg', 'invalid value')} (got {detail.get('input')!r})"
        first = PersonError(message, field=field)
    return first if first is not None else PersonError(str(err))
