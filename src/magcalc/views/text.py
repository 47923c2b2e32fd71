"""Plain-text views: the assessment's summary sentences, and the assessment as aligned text
for a terminal or ``print``."""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING

from magcalc._util import about_probability, days_text, mg_text
from magcalc.views._common import TEXT_WIDTH, day_label, summary_rows

if TYPE_CHECKING:
    from magcalc.assessment import Assessment

__all__ = ["assessment_summary", "assessment_text"]


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
    rows = summary_rows(a)
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
            day_label(it.day),
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


def assessment_summary(a: Assessment) -> str:
    """
    The assessment in a few plain sentences, as a person reads it: intake and target,
    the chance it is adequate, the supplemental UL, missing data and risk notes.
    """
    food, supp = round(a.food_mg.magnitude), round(a.supplemental_mg.magnitude)
    total = round(a.total_mg.magnitude)
    group = f"{a.life_stage} ({a.framework})"
    if supp > 0:
        first = (
            f"From food you get about {food} mg a day and supplements add {supp} mg, "
            f"about {total} mg in all"
        )
    else:
        first = f"From food you get about {food} mg a day"
    if a.target_mg is not None and a.percent_of_target is not None:
        first += (
            f", {a.percent_of_target:.0f} % of the {a.target_mg.magnitude:.0f} mg "
            f"{a.target_kind} for {group}."
        )
    else:
        first += "."
    parts = [first]
    if a.probability_adequate is not None:
        second = (
            f"With {days_text(a.n_days)} recorded, the chance that your usual intake is adequate "
            f"is {about_probability(a.probability_adequate)}"
        )
        second += (
            "; one day says little about usual intake, so record more days."
            if a.n_days == 1
            else "."
        )
        parts.append(second)
    elif a.confidence_above_ai is not None:
        parts.append(
            f"Only an adequate intake (AI) is set for {a.life_stage}: with {days_text(a.n_days)} "
            f"recorded you can be {about_probability(a.confidence_above_ai)} confident that usual "
            "intake is above it, and intake below an AI cannot be judged inadequate."
        )
    if a.ul_supplemental_mg is not None and a.max_daily_supplemental_mg.magnitude > 0:
        peak = round(a.max_daily_supplemental_mg.magnitude)
        side = "over" if a.exceeds_ul else "under"
        parts.append(
            f"Your supplements give up to {peak} mg a day, {side} the "
            f"{a.ul_supplemental_mg.magnitude:.0f} mg limit for supplemental magnesium "
            f"({a.references.ul_source}; food does not count toward it)."
        )
    elif a.ul_supplemental_mg is None and a.supplemental_mg.magnitude > 0:
        refs = a.references
        if refs.ul_status == "not determinable":
            parts.append(
                f"No upper limit for supplements can be set for {refs.life_stage} "
                f"({refs.ul_authority}): infants should get magnesium from food and formula "
                "only."
            )
        else:
            parts.append(
                f"{refs.ul_authority} sets no upper limit for supplements for "
                f"{refs.life_stage}; ask a clinician before giving a supplement."
            )
    missing = sum(d.foods_without_data for d in a.daily)
    if missing:
        parts.append(
            f"{missing} food{'s have' if missing != 1 else ' has'} no magnesium data, so your "
            "real intake may be higher."
        )
    parts.extend(_risk_sentences(a))
    return " ".join(parts)


def _risk_sentences(a: Assessment) -> list[str]:
    """What the listed risk factors mean, by which way each moves the risk."""
    out: list[str] = []
    raising = [r.name for r in a.risk_factors if r.effect == "raises"]
    if raising:
        out.append(
            f"You listed {', '.join(raising)}: this can raise the risk of low magnesium; the "
            "reference values stay the same (see the notes and their sources)."
        )
    out.extend(f"You listed {r.name}: {r.note}" for r in a.risk_factors if r.effect != "raises")
    return out
