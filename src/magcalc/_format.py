"""Formatters shared by every view (text, HTML, CLI): one home for each figure's wording."""

from __future__ import annotations

__all__ = ["about_probability", "mg_text", "probability_text"]


def probability_text(p: float) -> str:
    """
    A probability as people read it: never "100%" or "0%" for what is only likely.

    Examples
    --------
    >>> probability_text(0.8358), probability_text(0.9999), probability_text(0.001)
    ('84%', 'over 99%', 'under 1%')
    """
    if p >= 0.995:
        return "over 99%"
    if p < 0.005:
        return "under 1%"
    return f"{p:.0%}"


def about_probability(p: float) -> str:
    """
    :func:`probability_text` in a sentence: "about 84%", "over 99%".

    Examples
    --------
    >>> about_probability(0.8358), about_probability(0.9999)
    ('about 84%', 'over 99%')
    """
    text = probability_text(p)
    return text if text.startswith(("over", "under")) else f"about {text}"


def mg_text(mg: float | None) -> str:
    """
    An amount of magnesium [mg] in whole milligrams, "-" when unknown.

    Whole milligrams are as precise as food tables and reference values are; every
    view shows an amount this way so the text, HTML and CLI figures agree.

    Examples
    --------
    >>> mg_text(156.6), mg_text(1250.0), mg_text(None)
    ('157', '1250', '-')
    """
    return "-" if mg is None else f"{mg:.0f}"
