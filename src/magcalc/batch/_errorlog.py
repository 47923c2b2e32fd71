"""The rows a batch rejects: collected as arrays while the diary is checked, then tabled.

Each check adds its rejected rows as one vectorised chunk; at the end the first one is
raised (``errors="raise"``) or all of them become the error table.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from magcalc.batch._columns import cut_text
from magcalc.errors import DiaryError

if TYPE_CHECKING:
    import numpy.typing as npt

__all__ = [
    "Chunk",
    "ErrorLog",
    "error_table",
    "has_error",
    "join_errors",
    "messages_of",
    "raise_first",
]


@dataclass
class Chunk:
    """One check's rejected rows in one column: positions, and per row the cell, reason
    and exception; ``order`` is when the check ran (first reported first on a row)."""

    positions: npt.NDArray[np.intp]
    column: str
    values: npt.NDArray[np.object_]
    reasons: npt.NDArray[np.object_]
    excs: npt.NDArray[np.object_]
    order: int


@dataclass
class ErrorLog:
    """Rejected rows, collected as vectorised chunks (one per check and column)."""

    n: int
    chunks: list[Chunk] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.bad = np.zeros(self.n, dtype=bool)
        # Rows with a cell that could not be read at all: reported once, and left out of
        # later checks, which would see the cell as empty.
        self.unusable = np.zeros(self.n, dtype=bool)

    def add(
        self,
        mask: npt.NDArray[np.bool_],
        column: str,
        codes: npt.NDArray[np.intp],
        values: npt.NDArray[np.object_] | Callable[[], npt.NDArray[np.object_]],
        reasons: npt.NDArray[np.object_] | str,
        excs: npt.NDArray[np.object_] | BaseException,
    ) -> None:
        """
        Reject the rows where ``mask``. ``values``, ``reasons`` and ``excs`` are per
        distinct value, indexed by the per-row ``codes`` (or one reason/exception);
        ``values`` may be a function that makes them, called only if a row is rejected.
        Only the rejected rows are ever indexed, so a clean column costs nothing here.
        """
        positions = np.flatnonzero(mask & ~self.unusable)
        if not len(positions):
            return
        if callable(values):
            values = values()
        self.bad[positions] = True
        at = codes[positions]
        if isinstance(reasons, str):
            reasons_at = np.full(len(positions), reasons, dtype=object)
        else:
            reasons_at = reasons[at]
        if isinstance(excs, BaseException):
            excs_at = np.empty(len(positions), dtype=object)
            excs_at.fill(excs)
        else:
            excs_at = excs[at]
        self.chunks.append(
            Chunk(positions, column, values[at], reasons_at, excs_at, len(self.chunks))
        )

    def add_at(
        self,
        positions: npt.NDArray[np.intp],
        column: str,
        values: npt.NDArray[np.object_],
        reasons: npt.NDArray[np.object_],
        excs: npt.NDArray[np.object_],
    ) -> None:
        """Reject the rows at ``positions``; the other arrays are given at those rows."""
        keep = ~self.unusable[positions]
        if not keep.all():
            positions, values, reasons, excs = (
                positions[keep],
                values[keep],
                reasons[keep],
                excs[keep],
            )
        if not len(positions):
            return
        self.bad[positions] = True
        self.chunks.append(Chunk(positions, column, values, reasons, excs, len(self.chunks)))

    def unreadable(
        self,
        positions: npt.NDArray[np.intp],
        why: list[str],
        column: str,
        raw: pd.Series[Any],
    ) -> None:
        """Reject the rows at `positions`, whose cell in `column` could not be read."""
        keep = ~self.unusable[positions]
        positions = positions[keep]
        if not len(positions):
            return
        why = [w for w, k in zip(why, keep.tolist(), strict=True) if k]
        reasons = np.asarray([f"{column} {w}" for w in why], dtype=object)
        cells = raw.iloc[positions].tolist()
        values = np.asarray([cut_text(v) for v in cells], dtype=object)
        excs = np.asarray([DiaryError(str(r), field=column) for r in reasons], dtype=object)
        self.add_at(positions, column, values, reasons, excs)
        self.unusable[positions] = True

    def first(self) -> tuple[int, Chunk, int] | None:
        """The first rejected row: (position, its chunk, index in the chunk), or None."""
        best: tuple[int, int, Chunk, int] | None = None
        for chunk in self.chunks:
            i = int(np.argmin(chunk.positions))
            pos = int(chunk.positions[i])
            if best is None or (pos, chunk.order) < (best[0], best[1]):
                best = (pos, chunk.order, chunk, i)
        return None if best is None else (best[0], best[2], best[3])


def messages_of(errs: npt.NDArray[np.object_]) -> npt.NDArray[np.object_]:
    """Per entry: the error's message ('' where there is none)."""
    out = np.full(len(errs), "", dtype=object)
    at = np.flatnonzero(has_error(errs))
    out[at] = [str(e) for e in errs[at].tolist()]
    return out


def has_error(errs: npt.NDArray[np.object_]) -> npt.NDArray[np.bool_]:
    """Per entry: whether it holds an error (or a message) rather than None."""
    return np.asarray(~pd.isna(errs), dtype=bool)  # errors, messages or None


def raise_first(log: ErrorLog, rows: npt.NDArray[np.int64]) -> None:
    """Raise the first rejected row as a DiaryError naming its row number, if any."""
    found = log.first()
    if found is None:
        return
    pos, chunk, i = found
    exc = chunk.excs[i]
    err = DiaryError(f"row {int(rows[pos])}: {chunk.reasons[i]}", field=chunk.column)
    raise err from (exc if isinstance(exc, BaseException) else None)


def error_table(
    source: str,
    rows: Sequence[int] | npt.NDArray[np.int64],
    person_ids: Sequence[Any] | npt.NDArray[np.object_],
    columns: Sequence[str] | npt.NDArray[np.object_],
    values: Sequence[str] | npt.NDArray[np.object_],
    reasons: Sequence[str] | npt.NDArray[np.object_],
) -> pd.DataFrame:
    """The error table (:data:`~magcalc.batch.ERROR_COLUMNS`) of ``source``'s rows."""
    frame: pd.DataFrame = pd.DataFrame(
        {
            "source": pd.Series([source] * len(rows), dtype="str"),
            "row": pd.Series(np.asarray(rows, dtype=np.int64), dtype="int64"),
            "person_id": pd.Series(np.asarray(person_ids, dtype=object), dtype=object),
            "column": pd.Series(np.asarray(columns, dtype=object), dtype="str"),
            "value": pd.Series(np.asarray(values, dtype=object), dtype="str"),
            "reason": pd.Series(np.asarray(reasons, dtype=object), dtype="str"),
        }
    )
    return frame


def join_errors(frames: Iterable[pd.DataFrame]) -> pd.DataFrame:
    """Error tables one after another, with the error table's dtypes (empty if none)."""
    parts = [f for f in frames if len(f)]
    if not parts:
        return error_table("diary", [], [], [], [], [])
    out: pd.DataFrame = pd.concat(parts, ignore_index=True).astype(
        {"source": "str", "column": "str", "value": "str", "reason": "str"}
    )
    return out
