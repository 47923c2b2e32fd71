"""Readers of single values in FDC JSON and headers: whole numbers, text, lists, dates.

FDC writes the same field as a number, as text or not at all from one release to the
next; each reader gives the value or None (or ``[]``), never an exception.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

__all__ = ["as_date", "as_int", "as_list", "as_text"]


def as_int(value: Any) -> int | None:
    """
    A whole number from an int, digit text (``" 42 "``) or an integral float, else None.

    Examples
    --------
    >>> as_int("42"), as_int(3.0), as_int(1.5), as_int(True)
    (42, 3, None, None)
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


def as_list(value: Any) -> list[Any]:
    """A JSON list field, or [] when FDC sent something else (a number, an object)."""
    return value if isinstance(value, list) else []


def as_text(value: Any) -> str | None:
    """Stripped text, or None for anything else and for blank text."""
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def as_date(value: Any) -> str | None:
    """
    An FDC date (``4/1/2019``, ``2019-04-01``, ISO date-time) as ``YYYY-MM-DD``.

    Text in any other form is returned as it is; no text gives None.

    Examples
    --------
    >>> as_date("4/28/2022"), as_date("2019-04-01T00:00:00"), as_date("spring")
    ('2022-04-28', '2019-04-01', 'spring')
    """
    text = as_text(value)
    if text is None:
        return None
    for fmt in ("%m/%d/%Y", "%Y-%m-%d", "%Y-%m-%dT%H:%M:%S"):
        try:
            return datetime.strptime(text[:19] if "T" in text else text, fmt).date().isoformat()
        except ValueError:
            continue
    return text
