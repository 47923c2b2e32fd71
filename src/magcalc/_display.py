"""HTML and text rendering for notebooks and terminals, and the optional-dependency guard.

Private: the models call these from ``_repr_html_``, ``__str__`` and ``to_dataframe``.
HTML is built with escaped text only (descriptions come from USDA or FDC, labels from
users). Every cell carries its alignment in an inline ``style``: JupyterLab's stylesheet
right-aligns every output table cell with a selector more specific than a plain class,
and untrusted notebooks, GitHub and some docs themes drop ``<style>`` elements, but an
inline style wins over any selector and survives sanitising.
"""

from __future__ import annotations

import html
import numbers
import re
import textwrap
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, Literal

from magcalc._format import mg_text, probability_text
from magcalc.errors import MissingDependencyError

if TYPE_CHECKING:
    import pandas as pd

    from magcalc.assessment import Assessment
    from magcalc.foods import Food, FoodMatch, Serving
    from magcalc.people import Person
    from magcalc.references import ReferenceValues
    from magcalc.suggestions import SupplementAdvice
    from magcalc.supplements import SupplementForm

__all__ = [
    "TEXT_WIDTH",
    "advice_html",
    "assessment_html",
    "assessment_text",
    "dataframe",
    "food_html",
    "forms_html",
    "matches_html",
    "person_html",
    "references_html",
    "require",
    "serving_html",
    "table_html",
]

TEXT_WIDTH = 88
"""Widest line of the text views [characters]: fits a terminal and a notebook cell."""

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


def require(module: str, extra: str) -> Any:
    """Import an optional dependency or raise MissingDependencyError naming the extra."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as err:
        raise MissingDependencyError(module, extra) from err


def _is_int(value: Any) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def dataframe(
    rows: list[dict[str, Any]],
    columns: Sequence[str] | None = None,
    *,
    nullable_int: Sequence[str] = (),
) -> pd.DataFrame:
    """
    A pandas DataFrame (pandas is an optional extra).

    Parameters
    ----------
    rows : list of dict
    columns : sequence of str, optional
        Column order; default the keys of the rows.
    nullable_int : sequence of str, default ()
        Columns to give pandas' nullable ``Int64`` dtype, so ids and day numbers stay
        whole numbers next to missing values (a plain column would turn them into
        floats, 168463.0). A column holds Int64 only when every value is a whole number
        or None; one that also holds text ("2026-11-25") stays as it is.
    """
    pandas = require("pandas", "pandas")
    frame: pd.DataFrame = pandas.DataFrame(rows, columns=list(columns) if columns else None)
    for name in nullable_int:
        if name not in frame.columns:
            continue
        values = [row.get(name) for row in rows]
        if all(v is None or _is_int(v) for v in values):
            frame[name] = pandas.array(values, dtype="Int64")
    return frame


# --------------------------------------------------------------------------- HTML


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
    if _is_int(value):
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


def person_html(person: Person) -> str:
    """A person: age, sex, life stage and the conditions that carry risk notes."""
    from magcalc.risks import risk_factor

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
            "; ".join(risk_factor(c).name for c in person.conditions) or "none given",
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


# --------------------------------------------------------------------------- assessment


def _mg(q: Any) -> float | None:
    return None if q is None else float(q.magnitude)


def _summary_rows(a: Assessment) -> list[tuple[str, str, str, str]]:
    """
    (label, value, unit, note) of the assessment's figures, for both the text and the
    HTML view, so the two always show the same words and numbers.
    """
    rows: list[tuple[str, str, str, str]] = [
        ("food", mg_text(_mg(a.food_mg)), "mg/day", ""),
        ("supplements, elemental", mg_text(_mg(a.supplemental_mg)), "mg/day", ""),
        ("total", mg_text(_mg(a.total_mg)), "mg/day", ""),
    ]
    if a.target_mg is not None:
        note = "" if a.percent_of_target is None else f"total is {a.percent_of_target:.0f} % of it"
        rows.append((a.target_kind or "target", mg_text(_mg(a.target_mg)), "mg/day", note))
    if a.ear_mg is not None:
        rows.append(("EAR", mg_text(_mg(a.ear_mg)), "mg/day", ""))
    if a.probability_adequate is not None:
        rows.append(
            (
                "P(adequate)",
                probability_text(a.probability_adequate),
                "",
                "probability that usual intake meets the requirement",
            )
        )
    if a.confidence_above_ai is not None:
        rows.append(
            (
                "P(above AI)",
                probability_text(a.confidence_above_ai),
                "",
                "confidence that usual intake is above the AI",
            )
        )
    source = a.references.ul_source
    if a.ul_supplemental_mg is None:
        rows.append(("UL, supplemental only", "none set", "", f"({source})" if source else ""))
    else:
        highest = mg_text(_mg(a.max_daily_supplemental_mg))
        verdict = {None: "", True: "OVER THE LIMIT", False: "within the limit"}[a.exceeds_ul]
        detail = f"{verdict}: highest day {highest} mg" if verdict else ""
        rows.append(
            (
                "UL, supplemental only",
                mg_text(_mg(a.ul_supplemental_mg)),
                "mg/day",
                " ".join(t for t in (detail, f"({source})" if source else "") if t),
            )
        )
    e = a.effective_mg
    rows.append(
        (
            "absorbed, estimate",
            f"{mg_text(_mg(e.low))}-{mg_text(_mg(e.high))}",
            "mg/day",
            f"central {mg_text(_mg(e.central))}; not compared with DRIs",
        )
    )
    return rows


def _day_label(day: Any) -> str:
    return "every day" if day is None else str(day)


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
            for label, value, unit, note in _summary_rows(a)
        ],
        caption=f"Magnesium: {a.life_stage} ({a.framework}), {a.n_days} day(s)",
        align=["left", "right", "left"],
    )
    items = table_html(
        ["day", "item", "amount", "g", "Mg [mg]", "share"],
        [
            (
                _day_label(i.day),
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


def _wrap(text: str, indent: str = "  ", hanging: str = "    ") -> list[str]:
    return textwrap.wrap(
        text,
        TEXT_WIDTH,
        initial_indent=indent,
        subsequent_indent=hanging,
        break_on_hyphens=False,
    ) or [indent.rstrip()]


def assessment_text(a: Assessment) -> str:
    """
    The assessment as aligned plain text, at most :data:`TEXT_WIDTH` characters wide.

    The conclusion and the risk notes come first, then the figures in three columns
    (label, value right-aligned, unit and note), then the items with long names wrapped
    at word boundaries, never cut.
    """
    lines = [f"Magnesium assessment: {a.life_stage} ({a.framework}), {a.n_days} day(s) recorded"]
    lines += _wrap(a.conclusion, hanging="  ")
    for r in a.risk_factors:
        lines += _wrap(f"* {r.name}: {r.note} ({r.citation})", hanging="    ")
    lines.append("")
    rows = _summary_rows(a)
    label_w = max(len(r[0]) for r in rows)
    value_w = max(len(r[1]) for r in rows)
    for label, value, unit, note in rows:
        rest = "  ".join(t for t in (unit, note) if t)
        lead = f"  {label:<{label_w}}  {value:>{value_w}}  "
        lines += textwrap.wrap(
            rest, TEXT_WIDTH, initial_indent=lead, subsequent_indent=" " * len(lead)
        ) or [lead.rstrip()]
    if a.items:
        lines.append("")
        lines += _items_text(a)
    for w in a.warnings:
        lines += _wrap(f"! {w}")
    lines += _wrap(f"Source: {a.references.source}")
    return "\n".join(lines)


def _items_text(a: Assessment) -> list[str]:
    table = [
        (
            _day_label(it.day),
            it.name,
            it.amount,
            "no data" if it.magnesium_mg is None else f"{mg_text(it.magnesium_mg)} mg",
        )
        for it in a.items
    ]
    day_w = max(3, *(len(t[0]) for t in table))
    amount_w = max(6, *(len(t[2]) for t in table))
    mg_w = max(2, *(len(t[3]) for t in table))
    # The item column takes what the others leave of the line, but never less than 24.
    item_w = max(24, TEXT_WIDTH - 2 - day_w - 2 - 2 - amount_w - 2 - mg_w)
    out = [f"  {'day':<{day_w}}  {'item':<{item_w}}  {'amount':>{amount_w}}  {'Mg':>{mg_w}}"]
    for day, name, amount, mg_value in table:
        parts = textwrap.wrap(name, item_w, break_on_hyphens=False) or [""]
        out.append(
            f"  {day:<{day_w}}  {parts[0]:<{item_w}}  {amount:>{amount_w}}  {mg_value:>{mg_w}}"
        )
        out += [f"  {'':<{day_w}}  {p}" for p in parts[1:]]
    return out
