"""HTML and table rendering for notebooks, and the optional-dependency guard.

Private: the models call these from ``_repr_html_`` and ``to_dataframe``. HTML is
built with escaped text only (descriptions come from USDA or FDC, labels from users).
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from magcalc.errors import MissingDependencyError

if TYPE_CHECKING:
    import pandas as pd

    from magcalc.assessment import Assessment
    from magcalc.foods import Food, FoodMatch
    from magcalc.references import ReferenceValues

__all__ = [
    "assessment_html",
    "food_html",
    "matches_html",
    "references_html",
    "require",
    "table_html",
]

_STYLE = (
    "<style>.magcalc td,.magcalc th{padding:2px 8px;text-align:left}"
    ".magcalc td.n{text-align:right;font-variant-numeric:tabular-nums}"
    ".magcalc caption{text-align:left;font-weight:bold}"
    ".magcalc .warn{color:#a33}.magcalc .note{color:#666;font-size:90%}</style>"
)


def require(module: str, extra: str) -> Any:
    """Import an optional dependency or raise MissingDependencyError naming the extra."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as err:
        raise MissingDependencyError(module, extra) from err


def dataframe(rows: list[dict[str, Any]], columns: Sequence[str] | None = None) -> pd.DataFrame:
    """A pandas DataFrame (pandas is an optional extra)."""
    pandas = require("pandas", "pandas")
    frame: pd.DataFrame = pandas.DataFrame(rows, columns=list(columns) if columns else None)
    return frame


def _cell(value: Any) -> str:
    if value is None:
        return '<td class="n">-</td>'
    if isinstance(value, bool):
        return f"<td>{'yes' if value else 'no'}</td>"
    if isinstance(value, float):
        return f'<td class="n">{value:,.1f}</td>'
    if isinstance(value, int):
        return f'<td class="n">{value}</td>'
    return f"<td>{html.escape(str(value))}</td>"


def table_html(
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    caption: str = "",
    notes: Sequence[str] = (),
    warnings: Sequence[str] = (),
) -> str:
    """A small escaped HTML table."""
    out = [_STYLE, '<table class="magcalc">']
    if caption:
        out.append(f"<caption>{html.escape(caption)}</caption>")
    out.append("<tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in header) + "</tr>")
    for row in rows:
        out.append("<tr>" + "".join(_cell(v) for v in row) + "</tr>")
    out.append("</table>")
    for w in warnings:
        out.append(f'<div class="magcalc"><span class="warn">&#9888; {html.escape(w)}</span></div>')
    for n in notes:
        out.append(f'<div class="magcalc"><span class="note">{html.escape(n)}</span></div>')
    return "".join(out)


def food_html(food: Food) -> str:
    value = food.magnesium_mg_per_100g
    rows: list[tuple[str, Any]] = [
        ("FDC id", food.fdc_id),
        ("NDB number", food.ndb_number),
        ("food group", food.food_group),
        ("data type", food.data_type),
        (
            "magnesium [mg/100 g]",
            "no data (unknown, not zero)" if value is None else float(value),
        ),
    ]
    rows += [(f"portion {p.seq}", p.label) for p in food.portions]
    return table_html(
        ["", ""],
        rows,
        caption=food.description,
        notes=[f"Source: {food.source} {food.source_release}".strip()],
    )


def matches_html(matches: Sequence[FoodMatch], query: str = "") -> str:
    rows = [
        (
            m.score,
            m.food.ndb_number,
            m.food.fdc_id,
            m.food.description,
            m.food.food_group,
            m.food.magnesium_mg_per_100g,
        )
        for m in matches
    ]
    caption = f"Foods matching {query!r}" if query else "Foods"
    return table_html(
        ["score", "NDB", "FDC id", "description", "group", "Mg [mg/100 g]"], rows, caption=caption
    )


def references_html(refs: ReferenceValues) -> str:
    rows = [
        ("EAR", refs.ear_mg),
        (refs.target_kind, refs.target_mg),
        ("UL (supplemental magnesium only)", refs.ul_supplemental_mg),
    ]
    notes = [f"Source: {refs.source}"]
    if refs.note:
        notes.append(refs.note)
    return table_html(
        ["value", "mg/day"],
        rows,
        caption=f"{refs.framework}: {refs.life_stage}",
        notes=notes,
        warnings=[] if refs.verified else ["unverified value"],
    )


def assessment_html(a: Assessment) -> str:
    def mg(q: Any) -> float | None:
        return None if q is None else float(q.magnitude)

    summary: list[tuple[str, Any]] = [
        ("food [mg/day]", mg(a.food_mg)),
        ("supplements, elemental [mg/day]", mg(a.supplemental_mg)),
        ("total [mg/day]", mg(a.total_mg)),
        (f"{a.target_kind} [mg/day]", mg(a.target_mg)),
        ("percent of target", a.percent_of_target),
        ("EAR [mg/day]", mg(a.ear_mg)),
        (
            "probability usual intake adequate",
            None if a.probability_adequate is None else f"{a.probability_adequate:.0%}",
        ),
        (
            "confidence usual intake above AI",
            None if a.confidence_above_ai is None else f"{a.confidence_above_ai:.0%}",
        ),
        ("UL, supplemental only [mg/day]", mg(a.ul_supplemental_mg)),
        ("over the UL", a.exceeds_ul),
        (
            "absorbed, estimate [mg/day]",
            f"{a.effective_mg.low.magnitude:.0f}-{a.effective_mg.high.magnitude:.0f} "
            f"(central {a.effective_mg.central.magnitude:.0f})",
        ),
    ]
    head = table_html(
        ["", ""],
        [r for r in summary if r[1] is not None],
        caption=f"Magnesium: {a.life_stage} ({a.framework}), {a.n_days} day(s)",
    )
    items = table_html(
        ["day", "item", "amount", "g", "Mg [mg]", "share"],
        [
            (
                "every day" if i.day is None else str(i.day),
                i.name,
                i.amount,
                i.grams,
                i.magnesium_mg,
                None if i.share is None else f"{i.share:.0%}",
            )
            for i in a.items
        ],
        caption="Items",
        warnings=list(a.warnings),
        notes=[a.conclusion, f"Source: {a.references.source}"],
    )
    return head + items
