"""HTML views for notebooks: each model's ``_repr_html_`` calls one of these.

HTML is built with escaped text only (descriptions come from USDA or FDC, labels from
users). Every cell carries its alignment in an inline ``style``: JupyterLab's stylesheet
right-aligns every output table cell with a selector more specific than a plain class,
and untrusted notebooks, GitHub and some docs themes drop ``<style>`` elements, but an
inline style wins over any selector and survives sanitising.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, Literal

from magcalc._optional import is_int
from magcalc._util import mg_text
from magcalc.views._common import day_label, summary_rows

if TYPE_CHECKING:
    from magcalc.assessment import Assessment
    from magcalc.dri import Person, ReferenceValues
    from magcalc.foods import Food, FoodMatch, Serving
    from magcalc.suggestions import SupplementAdvice
    from magcalc.supplements import SupplementForm

__all__ = [
    "advice_html",
    "assessment_html",
    "food_html",
    "forms_html",
    "matches_html",
    "person_html",
    "references_html",
    "serving_html",
    "table_html",
]


Align = Literal["left", "right"]


_PAD = "padding:2px 8px;vertical-align:top"


_LEFT = f"text-align:left;{_PAD}"


_RIGHT = f"text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap;{_PAD}"


_TABLE = "border-collapse:collapse;margin:0 auto 0.5em 0"


_CAPTION = "text-align:left;font-weight:bold;padding:2px 8px"


_DIV = "text-align:left;margin:2px 0"


_WARN = "color:#a33"


_NOTE = "color:#666;font-size:90%"


# Text that reads as a figure ("60.30", "84%", "over 99%") aligns as one.
_NUMBER = re.compile(r"(?:over |under )?[-+]?[\d,]+(?:\.\d+)?\s*%?")


def _td(text: str, align: Align, *, tag: str = "td") -> str:
    style = _RIGHT if align == "right" else _LEFT
    return f'<{tag} style="{style}">{text}</{tag}>'


def _cell(value: Any, align: Align | None = None) -> str:
    """One escaped cell; numbers right-aligned unless ``align`` says otherwise."""
    if value is None:
        return _td("-", align or "right")
    if isinstance(value, bool):
        return _td("yes" if value else "no", align or "left")
    if isinstance(value, float):
        return _td(f"{value:,.1f}", align or "right")
    if is_int(value):
        return _td(str(value), align or "right")
    text = str(value)
    return _td(html.escape(text), align or ("right" if _NUMBER.fullmatch(text) else "left"))


def _column_align(rows: Sequence[Sequence[Any]], n: int) -> list[Align]:
    """Right for a column of numbers (None allowed), else left: headers follow their data."""
    out: list[Align] = []
    for j in range(n):
        values = [r[j] for r in rows if j < len(r) and r[j] is not None]
        numeric = bool(values) and all(
            isinstance(v, (int, float)) and not isinstance(v, bool) for v in values
        )
        out.append("right" if numeric else "left")
    return out


def _div(text: str, style: str = "") -> str:
    return f'<div class="magcalc" style="{_DIV}{";" + style if style else ""}">{text}</div>'


def _warning(text: str) -> str:
    return _div(f"&#9888; {html.escape(text)}", _WARN)


def _note(text: str) -> str:
    return _div(html.escape(text), _NOTE)


def table_html(
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    caption: str = "",
    notes: Sequence[str] = (),
    warnings: Sequence[str] = (),
    align: Sequence[Align | None] | None = None,
) -> str:
    """
    A small escaped HTML table whose every cell carries its alignment.

    ``align`` gives a column's alignment ("left", "right" or None to follow each value:
    numbers right, text left); headers take their column's alignment.
    """
    body = [list(r) for r in rows]
    n = len(header)
    columns = list(align) if align is not None else [None] * n
    heads = [c or a for c, a in zip(columns, _column_align(body, n), strict=True)]
    out = [f'<table class="magcalc" style="{_TABLE}">']
    if caption:
        out.append(f'<caption style="{_CAPTION}">{html.escape(caption)}</caption>')
    if any(header):
        out.append(
            "<tr>"
            + "".join(_td(html.escape(h), a, tag="th") for h, a in zip(header, heads, strict=True))
            + "</tr>"
        )
    for row in body:
        out.append(
            "<tr>" + "".join(_cell(v, c) for v, c in zip(row, columns, strict=False)) + "</tr>"
        )
    out.append("</table>")
    out += [_warning(w) for w in warnings]
    out += [_note(n) for n in notes]
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
        align=["left", None],
    )


def matches_html(matches: Sequence[FoodMatch], query: str = "") -> str:
    """Search hits as a table; an empty search says that nothing matched."""
    if not matches:
        what = f"No foods match {query!r}" if query else "No foods match"
        return _div(
            f"<b>{html.escape(what)}</b>: try fewer or more general words, or another "
            "spelling (search looks at USDA descriptions).",
        )
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
        ["score", "NDB", "FDC id", "description", "group", "Mg [mg/100 g]"],
        rows,
        caption=caption,
        align=["right", "left", "right", "left", "left", "right"],
    )


def serving_html(serving: Serving) -> str:
    """A serving: the food, the grams and how they were found, its magnesium, the match."""
    food = serving.food
    value = serving.magnesium_mg
    rows: list[tuple[str, Any]] = [
        ("food", food.description),
        ("FDC id" if food.fdc_id is not None else "NDB number", food.fdc_id or food.ndb_number),
        ("amount", serving.amount),
        ("grams [g]", serving.grams),
        ("how the grams were found", serving.basis),
        ("magnesium [mg]", "no data (unknown, not zero)" if value is None else value),
        ("magnesium [mg/100 g]", food.magnesium_mg_per_100g),
    ]
    warnings: list[str] = []
    match = serving.match
    if match is not None:
        rows.append(("match", f"{match.quality} (score {match.score:.0f})"))
        if match.used_words:
            rows.append(("words used", ", ".join(match.used_words)))
        if match.ignored_words:
            rows.append(("words ignored", ", ".join(match.ignored_words)))
        if match.alternatives:
            rows.append(("also close", "; ".join(a.food.description for a in match.alternatives)))
        if match.quality == "weak":
            warnings.append("weak match: check the food, or name it more fully")
    return table_html(
        ["", ""],
        rows,
        caption=f"{serving.amount} {food.description}",
        notes=list(serving.notes),
        warnings=warnings,
        align=["left", None],
    )


def forms_html(forms: Sequence[SupplementForm]) -> str:
    """The supplement forms catalogue: one row per form with its absorption evidence."""
    rows = [
        (
            f.name,
            f.compound,
            f.formula,
            f"{f.elemental_percent:.2f}",
            f"{f.absorption.low:g}-{f.absorption.high:g} ({f.absorption.central:g})",
            "direct" if f.absorption.verified else "indirect or unverified",
        )
        for f in forms
    ]
    return table_html(
        ["form", "compound", "formula", "Mg [% w/w]", "absorption vs food", "evidence"],
        rows,
        caption=f"Magnesium supplement forms ({len(rows)})",
        notes=[
            "Mg [% w/w]: elemental magnesium per compound mass, from the formula. Absorption "
            "vs food: low-high (central), relative to magnesium in food; each form's own "
            "table lists the studies."
        ],
        align=["left", "left", "left", "right", "right", "left"],
    )


def advice_html(advice: SupplementAdvice) -> str:
    """Supplement advice: the message, the dose and its limits, the forms, the cautions."""
    ul = advice.ul_supplemental_mg
    summary: list[tuple[str, Any]] = [
        ("gap to target [mg/day]", mg_text(advice.gap_mg)),
        ("UL, supplemental only [mg/day]", "none set" if ul is None else mg_text(ul)),
        ("supplements already, highest day [mg]", mg_text(advice.current_supplemental_mg)),
        (
            "room under the UL [mg/day]",
            "-" if advice.headroom_mg is None else mg_text(advice.headroom_mg),
        ),
        ("suggested dose, elemental [mg/day]", mg_text(advice.dose_mg)),
        ("closes the gap", "yes" if advice.closes_gap else "no"),
        ("days of records", str(advice.n_days)),
    ]
    out = [_div(f"<b>{html.escape(advice.message)}</b>")]
    out.append(table_html(["", ""], summary, caption="Supplement advice", align=["left", "right"]))
    if advice.options:
        out.append(
            table_html(
                ["form", "compound", "compound [mg]", "elemental [mg]", "absorption vs food"],
                [
                    (
                        o.form,
                        o.compound,
                        mg_text(o.compound_mg),
                        mg_text(o.elemental_mg),
                        f"{o.absorption_low:.2f}-{o.absorption_high:.2f}"
                        + ("" if o.evidence_verified else " (indirect)"),
                    )
                    for o in advice.options
                ],
                caption=f"Ways to take {mg_text(advice.dose_mg)} mg of magnesium",
                align=["left", "left", "right", "right", "right"],
            )
        )
    out += [_warning(c) for c in advice.cautions]
    return "".join(out)


def person_html(person: Person, conditions: Sequence[str] = ()) -> str:
    """A person: age, sex, life stage and the names of the conditions that carry risk
    notes (the caller names them, so the view looks nothing up)."""
    age = (
        f"{person.age_months:g} months"
        if person.age_months is not None
        else f"{person.age_years:g} years"
    )
    state = "pregnant" if person.pregnant else "lactating" if person.lactating else "no"
    rows: list[tuple[str, Any]] = [
        ("age", age),
        ("sex", person.sex),
        ("pregnant or lactating", state),
        ("life stage (IOM 1997)", person.life_stage),
        (
            "conditions",
            "; ".join(conditions) or "none given",
        ),
    ]
    return table_html(["", ""], rows, caption="Person", align=["left", "left"])


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
        align=["left", "right"],
    )


def assessment_html(a: Assessment) -> str:
    # The conclusion and the person's risk notes first: what a reader needs before numbers.
    top = [_div(f"<b>{html.escape(a.conclusion)}</b>")]
    top += [
        _div(
            f'<span style="{_WARN}">&#9888; {html.escape(r.name)}: {html.escape(r.note)}</span> '
            f'<span style="{_NOTE}">({html.escape(r.citation)})</span>'
        )
        for r in a.risk_factors
    ]
    head = table_html(
        ["", "", ""],
        [
            (f"{label} [{unit}]" if unit else label, value, note)
            for label, value, unit, note in summary_rows(a)
        ],
        caption=f"Magnesium: {a.life_stage} ({a.framework}), {a.n_days} day(s)",
        align=["left", "right", "left"],
    )
    items = table_html(
        ["day", "item", "amount", "g", "Mg [mg]", "share"],
        [
            (
                day_label(i.day),
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
        notes=[f"Source: {a.references.source}"],
        align=["left", "left", "right", "right", "right", "right"],
    )
    return "".join(top) + head + items
