"""The warnings the FDC client gives: no API key, a cache trouble, ids FDC dropped."""

from __future__ import annotations

__all__ = ["FdcCacheWarning", "FdcKeyWarning", "FdcMissingFoodsWarning", "FdcWarning"]


class FdcWarning(UserWarning):
    """Base class of the warnings the FDC client gives."""


class FdcKeyWarning(FdcWarning):
    """No API key was given, so the client uses DEMO_KEY and its very low limits."""


class FdcCacheWarning(FdcWarning):
    """The HTTP cache was corrupt (and was recreated) or cannot be written (no cache)."""


class FdcMissingFoodsWarning(FdcWarning):
    """FDC silently dropped some of the ids asked for from a ``/v1/foods`` answer."""
