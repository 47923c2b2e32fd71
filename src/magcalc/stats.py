"""
The statistics of dietary assessment: IOM 2000's individual method and the EAR cut-point.

One home for the formulas that :func:`magcalc.assess` applies to one person and
:mod:`magcalc.batch` applies to a column of people: each function takes a scalar or a
numpy array and returns the same shape (NaN in, NaN out).

References
----------
.. [1] Institute of Medicine (2000). *Dietary Reference Intakes: Applications in
   Dietary Assessment*. Washington, DC: National Academy Press, pp. 54-57, 189 and
   ch. 4. https://doi.org/10.17226/9956
.. [2] Institute of Medicine (1997). *Dietary Reference Intakes for Calcium,
   Phosphorus, Magnesium, Vitamin D, and Fluoride*, p. 193 (CV of the requirement 10 %).
   https://doi.org/10.17226/5776
.. [3] National Research Council (1986). *Nutrient Adequacy: Assessment Using Food
   Consumption Surveys*. Washington, DC: National Academy Press.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Literal, TypeVar, overload

from magcalc._util import finite_float
from magcalc.errors import InputError

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    _Array = npt.NDArray[np.float64]
    _X = TypeVar("_X", float, _Array)

__all__ = [
    "REQUIREMENT_CV",
    "Reading",
    "ai_confidence",
    "check_sd_within",
    "phi",
    "probability_adequate",
    "reading",
    "shrink_to_usual",
]

#: Coefficient of variation of the magnesium requirement (IOM 1997) [-].
REQUIREMENT_CV = 0.10

Reading = Literal["adequate", "inadequate", "uncertain"]
# numpy is needed only for arrays (magcalc.batch, which needs pandas and so numpy): a
# scalar assessment runs without it.


@overload
def phi(z: float) -> float: ...
@overload
def phi(z: _Array) -> _Array: ...
def phi(z: float | _Array) -> float | _Array:
    """
    Standard normal cumulative distribution, Φ(z).

    Parameters
    ----------
    z : float or numpy.ndarray
        Standard scores; NaN gives NaN.

    Returns
    -------
    float or numpy.ndarray
        Φ(z) = (1 + erf(z / √2)) / 2, computed with :func:`math.erf` for scalars and arrays
        alike, so :func:`magcalc.assess` and :mod:`magcalc.batch` agree to the last bit.

    Examples
    --------
    >>> round(phi(1.0), 4)
    0.8413
    """
    if isinstance(z, (float, int)):
        return 0.5 * (1.0 + math.erf(z / math.sqrt(2.0)))
    import numpy as np

    out = np.full(z.shape, math.nan)
    known = ~np.isnan(z)
    erf = np.frompyfunc(math.erf, 1, 1)
    out[known] = 0.5 * (1.0 + np.asarray(erf(z[known] / math.sqrt(2.0)), dtype=float))
    return out


def _sqrt(x: _X) -> _X:
    if isinstance(x, (float, int)):
        return math.sqrt(x)
    import numpy as np

    return np.sqrt(x)


def probability_adequate(mean_mg: _X, ear_mg: _X, sd_within_mg: _X, n_days: _X) -> tuple[_X, _X]:
    """
    IOM 2000's probability that a person's usual intake meets their requirement.

    Parameters
    ----------
    mean_mg : float or numpy.ndarray
        Mean observed intake over the recorded days [mg/day].
    ear_mg : float or numpy.ndarray
        Estimated Average Requirement [mg/day].
    sd_within_mg : float or numpy.ndarray
        Day-to-day (within-person) standard deviation of intake [mg/day].
    n_days : float or numpy.ndarray
        Number of recorded days [-].

    Returns
    -------
    z, probability : float or numpy.ndarray
        z = D / SD_D with D = mean − EAR and SD_D = √(SD_r² + SD_within² / n), SD_r =
        :data:`REQUIREMENT_CV` × EAR; probability = Φ(z).

    References
    ----------
    .. [1] IOM (2000), *Applications in Dietary Assessment*, pp. 54-57 (the example on
       p. 54 gives D/SD_D = 55/56).

    Examples
    --------
    IOM 2000 p. 54: a woman of 31-50 (EAR 265 mg/day) with a mean of 320 mg/day over
    3 days and SD_within 86 mg/day: D = 55, SD_D = √(26.5² + 86² / 3) = 56.3.

    >>> z, p = probability_adequate(320.0, 265.0, 86.0, 3.0)
    >>> round(z, 2), round(p, 2)
    (0.98, 0.84)
    """
    sd_r = REQUIREMENT_CV * ear_mg
    # SD_D = sqrt(sd_r² + sd_within² / n)
    if isinstance(sd_r, (float, int)):
        sd_d = math.hypot(sd_r, sd_within_mg / _sqrt(n_days))
    else:
        import numpy as np

        sd_d = np.hypot(sd_r, sd_within_mg / _sqrt(n_days))
    z = (mean_mg - ear_mg) / sd_d
    return z, phi(z)


def ai_confidence(mean_mg: _X, ai_mg: _X, sd_within_mg: _X, n_days: _X) -> tuple[_X, _X]:
    """
    Confidence that usual intake is above an Adequate Intake (IOM 2000).

    Parameters
    ----------
    mean_mg, ai_mg, sd_within_mg : float or numpy.ndarray
        Mean observed intake, the AI and the within-person SD [mg/day].
    n_days : float or numpy.ndarray
        Number of recorded days [-].

    Returns
    -------
    z, confidence : float or numpy.ndarray
        z = (mean − AI) / (SD_within / √n) and Φ(z). Intake below an AI is not evidence
        of inadequacy.

    References
    ----------
    .. [1] IOM (2000), *Applications in Dietary Assessment*, pp. 59-61.
    """
    z = (mean_mg - ai_mg) / (sd_within_mg / _sqrt(n_days))
    return z, phi(z)


def check_sd_within(value: object) -> float | None:
    """
    A caller's within-person SD checked: a positive, finite number, or None.

    One check for :func:`magcalc.assess` and :mod:`magcalc.batch`, so both refuse the
    same values with the same message.

    Parameters
    ----------
    value : object
        The ``sd_within_mg`` argument [mg/day]; None means "look it up per person".

    Returns
    -------
    float or None
        The SD as a float [mg/day], or None when `value` is None.

    Raises
    ------
    InputError
        With ``field="sd_within_mg"``: `value` is not a number (text, a bool), or is
        zero, negative, NaN, infinite or an int too large for a float.

    Examples
    --------
    >>> check_sd_within(86), check_sd_within(None)
    (86.0, None)
    >>> check_sd_within(10**400)
    Traceback (most recent call last):
    ...
    magcalc.errors.InputError: sd_within_mg must be a positive number [mg/day]
    """
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InputError("sd_within_mg must be a number [mg/day]", field="sd_within_mg")
    sd = finite_float(value, text=False)  # None for NaN, inf and ints too large for a float
    if sd is None or sd <= 0:
        raise InputError("sd_within_mg must be a positive number [mg/day]", field="sd_within_mg")
    return sd


def reading(z: float) -> Reading:
    """
    How IOM 2000 reads z = D / SD_D: to one decimal, about 1 or more is adequate.

    IOM 2000 reads D/SD_D above 1 as adequate with about 85 % confidence (p. 189,
    Table B-1), and its own example, D/SD_D = 55/56, "just slightly less than 1", as
    "a value of about 1" that "implies an 85 percent probability of correctly concluding
    that this intake is adequate" (p. 54); below −1, inadequate.

    Examples
    --------
    >>> reading(55 / 56), reading(0.5), reading(-1.2)
    ('adequate', 'uncertain', 'inadequate')
    """
    shown = round(z, 1)
    if shown >= 1.0:
        return "adequate"
    return "inadequate" if shown <= -1.0 else "uncertain"


def shrink_to_usual(
    mean_mg: _Array, n_days: _Array, squares_mg2: _Array
) -> tuple[_Array, str | None]:
    """
    People's mean intakes shrunk toward the group mean: an estimate of usual intake.

    Parameters
    ----------
    mean_mg : numpy.ndarray
        Each person's mean observed intake [mg/day].
    n_days : numpy.ndarray
        Each person's number of recorded days [-].
    squares_mg2 : numpy.ndarray
        Each person's sum of squared deviations of daily totals from their mean [mg²].

    Returns
    -------
    usual, note : numpy.ndarray and str or None
        x̂ = mean + (xᵢ − mean) × √(s_b² / (s_b² + s_w² / nᵢ)), with s_w² pooled over people
        with 2 or more days and s_b² = s_obs² − s_w² × mean(1/n). ``note`` says why nothing
        could be estimated (all NaN), else None.

    References
    ----------
    .. [1] NRC (1986), *Nutrient Adequacy*; IOM (2000), *Applications in Dietary
       Assessment*, ch. 4.
    """
    import numpy as np

    nan = np.full(len(mean_mg), math.nan)
    multi = n_days >= 2
    if len(mean_mg) < 2 or not multi.any():
        return nan, "not adjusted: needs 2+ people and some with 2+ days; prevalence not computed"
    s_w2 = float(squares_mg2[multi].sum() / (n_days[multi] - 1).sum())
    s_obs2 = float(np.var(mean_mg, ddof=1))
    if s_obs2 <= 0:
        return mean_mg, None
    s_b2 = s_obs2 - s_w2 * float(np.mean(1.0 / n_days))
    mean = float(np.mean(mean_mg))
    if s_b2 <= 0:
        return np.full(len(mean_mg), mean), None
    # Each person by their own days: a mean over 7 days holds less day-to-day noise
    # than a single day, so it is shrunk less.
    ratio = np.sqrt(s_b2 / (s_b2 + s_w2 / n_days))
    return mean + (mean_mg - mean) * ratio, None
