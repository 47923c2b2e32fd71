"""Plots of assessments and supplement forms (matplotlib, an optional extra).

Each function draws on a given Axes (or a new figure) and returns the Axes, so plots
compose in notebooks and reports. ``pip install 'magcalc[plot]'`` installs matplotlib.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from magcalc._display import require
from magcalc.errors import InputError

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from magcalc.assessment import Assessment

__all__ = ["plot_days", "plot_forms", "plot_sources"]

FOOD_COLOUR = "#4c9a5b"
SUPPLEMENT_COLOUR = "#e08a2c"
TARGET_COLOUR = "#2b5c8a"
UL_COLOUR = "#b22222"


def _axes(ax: Any, size: tuple[float, float]) -> Any:
    require("matplotlib", "plot")
    if ax is not None:
        from matplotlib.axes import Axes

        if not isinstance(ax, Axes):
            raise InputError(
                f"ax must be a matplotlib Axes (or None for a new figure), not {type(ax).__name__}",
                field="ax",
            )
        return ax
    import matplotlib.pyplot as plt

    _, new = plt.subplots(figsize=size, layout="constrained")
    return new


def _sources(report: Assessment) -> list[tuple[str, str, float]]:
    """(kind, name, mean mg/day) per distinct food or supplement, largest first."""
    totals: dict[tuple[str, str], float] = {}
    for item in report.items:
        if item.per_day_mg is None:
            continue
        key = (item.kind, item.name)
        totals[key] = totals.get(key, 0.0) + item.per_day_mg
    return sorted(((k, n, v) for (k, n), v in totals.items()), key=lambda t: t[2])


def plot_sources(report: Assessment, ax: Axes | None = None) -> Axes:
    """
    Magnesium by source against the person's target.

    One horizontal bar per food and per supplement (mean mg/day over the days recorded),
    then a bar for all supplements and a stacked total bar (food + supplements). Lines
    mark the RDA or AI and the EAR; the UL for supplemental magnesium is marked on the
    supplements bar only, because food never counts toward it.

    Parameters
    ----------
    report : Assessment
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
        With ``len(sources) + 3`` bars (sources, supplements total, and the two stacked
        parts of the total).

    References
    ----------
    .. [1] Institute of Medicine, "Dietary Reference Intakes for Calcium, Phosphorus,
       Magnesium, Vitamin D, and Fluoride," 1997, doi:10.17226/5776.
    """
    sources = _sources(report)
    ax = _axes(ax, (8.0, 1.6 + 0.35 * (len(sources) + 2)))
    labels = [_short(name) for _, name, _ in sources]
    values = [v for _, _, v in sources]
    colours = [FOOD_COLOUR if kind == "food" else SUPPLEMENT_COLOUR for kind, _, _ in sources]
    y = list(range(len(sources)))
    ax.barh(y, values, color=colours)
    supp_y, total_y = len(sources), len(sources) + 1
    supp = float(report.supplemental_mg.magnitude)
    food = float(report.food_mg.magnitude)
    ax.barh([supp_y], [supp], color=SUPPLEMENT_COLOUR, hatch="//", edgecolor="white")
    ax.barh([total_y], [food], color=FOOD_COLOUR, label="food")
    ax.barh([total_y], [supp], left=[food], color=SUPPLEMENT_COLOUR, label="supplements")
    ax.set_yticks([*y, supp_y, total_y], [*labels, "all supplements", "total"])
    if report.target_mg is not None:
        target = float(report.target_mg.magnitude)
        ax.axvline(target, color=TARGET_COLOUR, ls="--", label=f"{report.target_kind} {target:.0f}")
    if report.ear_mg is not None:
        ear = float(report.ear_mg.magnitude)
        ax.axvline(ear, color=TARGET_COLOUR, ls=":", label=f"EAR {ear:.0f}")
    if report.ul_supplemental_mg is not None:
        ul = float(report.ul_supplemental_mg.magnitude)
        ax.vlines(ul, supp_y - 0.45, supp_y + 0.45, color=UL_COLOUR, lw=2.5,
                  label=f"UL (supplements) {ul:.0f}")  # fmt: skip
    ax.set_xlabel("magnesium [mg/day]")
    ax.set_title(f"Magnesium by source: {report.life_stage} ({report.framework})")
    ax.legend(loc="lower right", fontsize="small")
    return ax


def plot_days(report: Assessment, ax: Axes | None = None) -> Axes:
    """
    Magnesium on each recorded day, food and supplements stacked, against the target.

    Returns
    -------
    matplotlib Axes
        With ``2 * n_days`` bars (food and supplement parts of each day).
    """
    ax = _axes(ax, (max(4.0, 1.2 * report.n_days + 2), 3.8))
    days = [str(d.day) for d in report.daily]
    food = [d.food_mg for d in report.daily]
    supp = [d.supplemental_mg for d in report.daily]
    ax.bar(days, food, color=FOOD_COLOUR, label="food")
    ax.bar(days, supp, bottom=food, color=SUPPLEMENT_COLOUR, label="supplements")
    if report.target_mg is not None:
        target = float(report.target_mg.magnitude)
        ax.axhline(target, color=TARGET_COLOUR, ls="--", label=f"{report.target_kind} {target:.0f}")
    if report.ear_mg is not None:
        ax.axhline(float(report.ear_mg.magnitude), color=TARGET_COLOUR, ls=":", label="EAR")
    ax.set_xlabel("day")
    ax.set_ylabel("magnesium [mg]")
    ax.set_title(f"Magnesium by day (mean {report.total_mg.magnitude:.0f} mg/day)")
    ax.legend(fontsize="small")
    return ax


def plot_forms(compound_mg: float = 500.0, ax: Any = None) -> Any:
    """
    Supplement forms compared: elemental magnesium in a compound dose, and the
    absorption evidence for each form as a range.

    The left panel shows elemental magnesium in ``compound_mg`` of each compound
    (stoichiometry); the right panel shows each form's absorption factor relative to
    food magnesium as a low-high range with its central value (see
    :func:`magcalc.supplement_forms` for the studies).

    Parameters
    ----------
    compound_mg : float, default 500
        Compound mass [mg].
    ax : pair of matplotlib Axes, optional

    Returns
    -------
    tuple of matplotlib Axes
        The left panel has one bar per form (15).
    """
    from magcalc.supplements import supplement_forms

    require("matplotlib", "plot")
    forms = sorted(supplement_forms(), key=lambda f: f.elemental_fraction)
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(1, 2, figsize=(10, 0.32 * len(forms) + 1.6), sharey=True,
                             layout="constrained")  # fmt: skip
    left, right = ax
    names = [f.name.replace("_", " ") for f in forms]
    y = list(range(len(forms)))
    left.barh(y, [compound_mg * f.elemental_fraction for f in forms], color=SUPPLEMENT_COLOUR)
    left.set_yticks(y, names)
    left.set_xlabel(f"Mg in {compound_mg:g} mg of compound [mg]")
    for yi, f in zip(y, forms, strict=True):
        a = f.absorption
        style = "-" if a.verified else "--"
        right.plot([a.low, a.high], [yi, yi], style, color=TARGET_COLOUR, lw=3)
        right.plot([a.central], [yi], "o", color=TARGET_COLOUR)
    right.axvline(1.0, color="grey", lw=0.8)
    right.set_xlim(0, 1.2)
    right.set_xlabel("absorption relative to food magnesium")
    left.set_title("Elemental magnesium (stoichiometry)")
    right.set_title("Absorption evidence: range, central dot\n(dashed: indirect or unverified)")
    return left, right


def _short(name: str, width: int = 38) -> str:
    return name if len(name) <= width else name[: width - 1] + "…"
