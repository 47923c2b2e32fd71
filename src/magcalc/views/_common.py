"""What the views share: the text width and the figures of an assessment's summary (one
list, shown as HTML and as text)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from magcalc._util import mg_text, probability_text

if TYPE_CHECKING:
    from magcalc.assessment import Assessment

__all__ = ["TEXT_WIDTH", "day_label", "summary_rows"]

TEXT_WIDTH = 88
"""Widest line of the text views [characters]: fits a terminal and a notebook cell."""


def _mg(q: Any) -> float | None:
    return None if q is None else float(q.magnitude)


def summary_rows(a: Assessment) -> list[tuple[str, str, str, str]]:
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


def day_label(day: Any) -> str:
    return "every day" if day is None else str(day)
