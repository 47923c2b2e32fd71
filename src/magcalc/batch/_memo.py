"""What the batch engine resolved, kept across processes in magcalc's cache folder.

Resolving a food name ("spinach cooked boiled") through the search costs milliseconds,
and so does finding the grams of a household measure of a food through its USDA
portions; a diary with hundreds of distinct names and thousands of (food, measure)
pairs pays that in every new process. What each resolved to (a food key; grams per
measure) is kept, so a later process (a script run again, a notebook restarted, a Dask
or Spark worker) reads it instead. Entries are keyed by a sha256 of the bundled table
and search index (:attr:`FoodTable.source_key`), of every magcalc source file and of
magcalc's version, so they hold exactly what resolving gives; names are stored as
digests, never as text. Failures are not kept (they are rare, and their messages name
the row). ``MAGCALC_CACHE_DIR=off`` turns it off (see :mod:`magcalc._cache`).
"""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from magcalc import _cache

if TYPE_CHECKING:
    from magcalc.foods import FoodTable

__all__ = ["Factors", "Memo"]

Factors = tuple[float, float, float]

_NAME = "batch-resolved"
_MAX_ENTRIES = 200_000  # of each kind, about 10 MB; the older half is dropped beyond it
_lock = threading.Lock()
_code_digest: list[str] = []


def _code_key() -> str:
    """sha256 of magcalc's version and every source file (once a process, about 3 ms)."""
    with _lock:
        if not _code_digest:
            import magcalc

            digest = hashlib.sha256(magcalc.__version__.encode())
            root = Path(str(magcalc.__file__)).parent
            for path in sorted(root.rglob("*.py")):
                digest.update(str(path.relative_to(root)).encode())
                digest.update(hashlib.sha256(path.read_bytes()).digest())
            _code_digest.append(digest.hexdigest())
    return _code_digest[0]


def _digest(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


class Memo:
    """The kept food keys of names and grams of measures, for one table: read at most
    once, written at most once per call that resolved something new."""

    def __init__(self, table: FoodTable) -> None:
        self._source = getattr(table, "source_key", None)
        self._key: str | None = None
        self._stored: list[dict[Any, Any]] | None = None
        self._new: list[dict[Any, Any]] = [{}, {}]  # names, measures

    @property
    def key(self) -> str | None:
        """The entry's key (None: a table of other files, nothing kept)."""
        if self._key is None and self._source is not None:
            both = f"{self._source}:{_code_key()}".encode()
            self._key = hashlib.sha256(both).hexdigest()[:32]
        return self._key

    def _kept(self, kind: int) -> dict[Any, Any]:
        if self._stored is None:
            found = _cache.load_entry(_NAME, str(self.key))
            ok = isinstance(found, list) and len(found) == 2
            self._stored = found if ok else [{}, {}]
        return self._stored[kind]

    def food(self, text: str) -> str | None:
        """The food key ``text`` resolved to in an earlier process, or None."""
        return None if self.key is None else self._kept(0).get(_digest(text))

    def add_food(self, text: str, food_key: str) -> None:
        """Keep that ``text`` resolves to ``food_key`` (written by :meth:`save`)."""
        if self.key is not None:
            self._new[0][_digest(text)] = food_key

    def factors(self, measure: tuple[int, str, str, str]) -> Factors | None:
        """The grams factors of (table row, unit, kind, qualifier), or None."""
        return None if self.key is None else self._kept(1).get(measure)

    def add_factors(self, measure: tuple[int, str, str, str], factors: Factors) -> None:
        """Keep the grams factors of a measure of a food (written by :meth:`save`)."""
        if self.key is not None:
            self._new[1][measure] = factors

    def save(self) -> None:
        """Merge what is new into what is kept (another process may have added some since
        it was read) and write it atomically."""
        if self.key is None or not any(self._new):
            return
        found = _cache.load_entry(_NAME, self.key)
        merged: list[dict[Any, Any]] = (
            found if isinstance(found, list) and len(found) == 2 else [{}, {}]
        )
        for kept, new in zip(merged, self._new, strict=True):
            kept.update(new)
        merged = [
            dict(list(kept.items())[len(kept) // 2 :]) if len(kept) > _MAX_ENTRIES else kept
            for kept in merged
        ]
        _cache.store_entry(_NAME, self.key, merged)
        self._stored, self._new = merged, [{}, {}]
