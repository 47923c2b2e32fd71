"""Plots of assessments and supplement forms (matplotlib, an optional extra).

Each function draws on a given Axes (or a new figure) and returns the Axes, so plots
compose in notebooks and reports. Legends sit outside the axes, so they never cover a
bar, and long names are wrapped at word boundaries, never cut.
``pip install 'magcalc[plot]'`` installs matplotlib.
"""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING, Any

from magcalc._optional import require
from magcalc.errors import InputError

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from magcalc.assessment import Assessment
    from magcalc.supplements import SupplementForm

__all__ = ["LABEL_WIDTH", "plot_days", "plot_forms", "plot_sources", "wrap_label"]

FOOD_COLOUR = "#4c9a5b"
SUPPLEMENT_COLOUR = "#e08a2c"
TARGET_COLOUR = "#2b5c8a"
UL_COLOUR = "#b22222"
LABEL_WIDTH = 28
"""Widest line of a bar label [characters]; longer names wrap onto more lines."""


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
    """(kind, name, mean mg/day) per distinct food or supplement, smallest first."""
    totals: dict[tuple[str, str], float] = {}
    for item in report.items:
        if item.per_day_mg is None:
            continue
        key = (item.kind, item.name)
        totals[key] = totals.get(key, 0.0) + item.per_day_mg
    return sorted(((k, n, v) for (k, n), v in totals.items()), key=lambda t: t[2])


def wrap_label(name: str, width: int = LABEL_WIDTH) -> str:
    """
    A name on as many lines of at most ``width`` characters as it needs, broken
    between words (a single word longer than a line is the only thing ever split).

    Examples
    --------
    >>> print(wrap_label("Spinach, cooked, boiled, drained, without salt"))
    Spinach, cooked, boiled,
    drained, without salt
    """
    return "\n".join(textwrap.wrap(name, width, break_on_hyphens=False)) or name


def _legend_outside(ax: Any) -> None:
    # Outside the axes, to the right: a legend inside would cover the longest bars.
    ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0.0,
              fontsize="small", frameon=False)  # fmt: skip


def plot_sources(report: Assessment, ax: Axes | None = None) -> Axes:
    """
    Magnesium by source against the person's target, as means per day.

    One horizontal bar per food and per supplement, each its mean over the days
    recorded [mg/day] and labelled with that figure; then, when there are supplements,
    a bar for all supplements; then a stacked total bar (food + supplements). Lines
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
        parts of the total), or ``len(sources) + 1`` without supplements (the food
        part of the total only).

    References
    ----------
    .. [1] Institute of Medicine, "Dietary Reference Intakes for Calcium, Phosphorus,
       Magnesium, Vitamin D, and Fluoride," 1997, doi:10.17226/5776.
    """
    sources = _sources(report)
    supp = float(report.supplemental_mg.magnitude)
    food = float(report.food_mg.magnitude)
    labels = [wrap_label(name) for _, name, _ in sources]
    lines = sum(label.count("\n") + 1 for label in labels)
    rows = len(sources) + (2 if supp > 0 else 1)
    ax = _axes(ax, (8.0, 1.6 + 0.35 * rows + 0.15 * max(0, lines - len(sources))))
    values = [v for _, _, v in sources]
    colours = [FOOD_COLOUR if kind == "food" else SUPPLEMENT_COLOUR for kind, _, _ in sources]
    y = list(range(len(sources)))
    bars = ax.barh(y, values, color=colours)
    ax.bar_label(bars, fmt="%.0f", padding=3, fontsize="small")
    ticks, names = [*y], [*labels]
    supp_y = None
    if supp > 0:  # an "all supplements" bar only when there are supplements
        supp_y = len(sources)
        all_supp = ax.barh([supp_y], [supp], color=SUPPLEMENT_COLOUR, hatch="//", edgecolor="white")
        ax.bar_label(all_supp, fmt="%.0f", padding=3, fontsize="small")
        ticks.append(supp_y)
        names.append("all supplements")
    total_y = len(ticks)
    ax.barh([total_y], [food], color=FOOD_COLOUR, label="food")
    if supp > 0:
        ax.barh([total_y], [supp], left=[food], color=SUPPLEMENT_COLOUR, label="supplements")
    ax.text(food + supp, total_y, f" {food + supp:.0f}", va="center", fontsize="small")
    ax.set_yticks([*ticks, total_y], [*names, "total"])
    if report.target_mg is not None:
        target = float(report.target_mg.magnitude)
        ax.axvline(target, color=TARGET_COLOUR, ls="--", label=f"{report.target_kind} {target:.0f}")
    if report.ear_mg is not None:
        ear = float(report.ear_mg.magnitude)
        ax.axvline(ear, color=TARGET_COLOUR, ls=":", label=f"EAR {ear:.0f}")
    if report.ul_supplemental_mg is not None and supp_y is not None:
        ul = float(report.ul_supplemental_mg.magnitude)
        ax.vlines(ul, supp_y - 0.45, supp_y + 0.45, color=UL_COLOUR, lw=2.5,
                  label=f"UL (supplements) {ul:.0f}")  # fmt: skip
    ax.margins(x=0.08)  # room for the figures at the bar ends
    ax.set_xlabel(f"magnesium, mean per day over {report.n_days} day(s) [mg/day]")
    ax.set_title(f"Magnesium by source, mean per day: {report.life_stage} ({report.framework})")
    _legend_outside(ax)
    return ax


def plot_days(report: Assessment, ax: Axes | None = None) -> Axes:
    """
    Magnesium on each recorded day, food and supplements stacked, against the target.

    Returns
    -------
    matplotlib Axes
        With ``2 * n_days`` bars (food and supplement parts of each day).
    """
    ax = _axes(ax, (max(5.0, 1.2 * report.n_days + 3), 3.8))
    days = [str(d.day) for d in report.daily]
    food = [d.food_mg for d in report.daily]
    supp = [d.supplemental_mg for d in report.daily]
    ax.bar(days, food, color=FOOD_COLOUR, label="food")
    ax.bar(days, supp, bottom=food, color=SUPPLEMENT_COLOUR, label="supplements")
    if report.target_mg is not None:
        target = float(report.target_mg.magnitude)
        ax.axhline(target, color=TARGET_COLOUR, ls="--", label=f"{report.target_kind} {target:.0f}")
    if report.ear_mg is not None:
        ear = float(report.ear_mg.magnitude)
        ax.axhline(ear, color=TARGET_COLOUR, ls=":", label=f"EAR {ear:.0f}")
    ax.set_xlabel("day")
    # A day's intake is an amount per day, the unit of the target lines and the title.
    ax.set_ylabel("magnesium [mg/day]")
    ax.set_title(f"Magnesium by day (mean {report.total_mg.magnitude:.0f} mg/day)")
    _legend_outside(ax)
    return ax


def _evidence_key(form: SupplementForm) -> tuple[float, float, float, bool]:
    a = form.absorption
    return (a.low, a.central, a.high, a.verified)


def plot_forms(compound_mg: float = 500.0, ax: Any = None) -> tuple[Axes, Axes]:
    """
    Supplement forms compared: elemental magnesium in a compound dose, and the
    absorption evidence for each form as a range.

    The left panel shows elemental magnesium in ``compound_mg`` of each compound
    (stoichiometry), one bar per form. The right panel shows the absorption factor
    relative to food magnesium as a low-high box with its central value: forms that
    share the same evidence (range and whether it is direct) are drawn next to each
    other and get one box between them, labelled once with the range and the number of
    forms, so the panel shows which forms the evidence tells apart and which it does
    not (see :func:`magcalc.supplement_forms` for the studies). Within a box, forms are
    in order of elemental fraction.

    Parameters
    ----------
    compound_mg : float, default 500
        Compound mass [mg].
    ax : pair of matplotlib Axes, optional
        Left and right panel; default a new figure.

    Returns
    -------
    tuple of two matplotlib Axes
        ``(left, right)``. The left panel has one bar per form in
        :func:`magcalc.supplement_forms`; the right one box (a Rectangle patch) per
        group of forms that share their evidence, and a central line per box.
    """
    from matplotlib.patches import Rectangle

    from magcalc.supplements import supplement_forms

    require("matplotlib", "plot")
    forms = sorted(supplement_forms(), key=lambda f: (_evidence_key(f), f.elemental_fraction))
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(1, 2, figsize=(11, 0.36 * len(forms) + 1.8), sharey=True,
                             layout="constrained")  # fmt: skip
    try:
        left, right = ax
    except (TypeError, ValueError):
        raise InputError(
            "ax must be a pair of matplotlib Axes (left, right), or None for a new figure",
            field="ax",
        ) from None
    names = [wrap_label(f.name.replace("_", " "), 22) for f in forms]
    y = list(range(len(forms)))
    left.barh(y, [compound_mg * f.elemental_fraction for f in forms], color=SUPPLEMENT_COLOUR)
    left.set_yticks(y, names)
    left.set_xlabel(f"Mg in {compound_mg:g} mg of compound [mg]")
    groups: list[list[int]] = []
    for i, f in enumerate(forms):
        if groups and _evidence_key(forms[groups[-1][0]]) == _evidence_key(f):
            groups[-1].append(i)
        else:
            groups.append([i])
    for rows in groups:
        a = forms[rows[0]].absorption
        bottom, top = rows[0] - 0.4, rows[-1] + 0.4
        style = "-" if a.verified else "--"
        right.add_patch(Rectangle((a.low, bottom), a.high - a.low, top - bottom,
                                  facecolor=TARGET_COLOUR, alpha=0.25, edgecolor=TARGET_COLOUR,
                                  ls=style, lw=1.2))  # fmt: skip
        right.plot([a.central, a.central], [bottom, top], color=TARGET_COLOUR, lw=2.5)
        count = f"{len(rows)} forms" if len(rows) > 1 else "1 form"
        kind = "direct" if a.verified else "indirect"
        right.text(a.high + 0.03, (bottom + top) / 2,
                   f"{a.low:g}-{a.high:g} (central {a.central:g})\n{count}, {kind}",
                   va="center", fontsize="small")  # fmt: skip
    right.axvline(1.0, color="grey", lw=0.8)
    right.set_xlim(0, 1.8)
    right.set_xlabel("absorption relative to food magnesium")
    left.set_title("Elemental magnesium (stoichiometry)")
    right.set_title("Absorption evidence: one box per shared range\n"
                    "(line: central value; dashed: indirect or unverified)")  # fmt: skip
    return left, right
