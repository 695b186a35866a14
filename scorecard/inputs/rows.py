"""Row numbers of a table read whole, without writing them out.

Every row of a loaded table carries its row number in its file, for the messages that name
it. A Parquet file's rows are numbered 1, 2, 3 ... to the end: as an array that is 25 MB for
6 million referrals, written on the loading thread while the other core waited for it (0.05
to 0.07 s on the development machine). `RowSpan` stands for such a run and gives what an
array would give for the rows a message asks for; anything else that needs an array (NumPy
functions) gets one written out.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

ROW_DTYPE = np.int32  # no file has 2**31 rows


@dataclass(frozen=True, eq=False)
class RowSpan:
    """The row numbers first, first + 1, ... of `n` rows, indexed as the int32 array of them
    would be (a position, a slice, positions or a mask of rows)."""

    first: int
    n: int

    def __len__(self) -> int:
        return self.n

    def __array__(self, dtype: object = None, copy: object = None) -> np.ndarray:
        rows = np.arange(self.first, self.first + self.n, dtype=ROW_DTYPE)
        return rows if dtype is None else rows.astype(dtype)

    def __getitem__(self, pos: object) -> object:
        if isinstance(pos, slice):
            start, stop, step = pos.indices(self.n)
            return np.arange(self.first + start, self.first + stop, step, dtype=ROW_DTYPE)
        if isinstance(pos, int | np.integer):
            i = int(pos) + (self.n if int(pos) < 0 else 0)
            if not 0 <= i < self.n:
                raise IndexError(f"row position {int(pos)} out of range for {self.n} rows")
            return ROW_DTYPE(self.first + i)
        at = np.asarray(pos)
        if at.dtype == bool:
            if at.shape != (self.n,):
                raise IndexError(f"a mask of {at.shape} for {self.n} rows")
            at = np.flatnonzero(at)
        elif at.size:
            at = np.where(at < 0, at + self.n, at)
            if int(at.min()) < 0 or int(at.max()) >= self.n:
                raise IndexError(f"row positions out of range for {self.n} rows")
        return (at.astype(np.int64) + self.first).astype(ROW_DTYPE)

    def __eq__(self, other: object) -> np.ndarray:  # type: ignore[override]
        return np.asarray(self) == other

    __hash__ = None  # type: ignore[assignment]


def rows_increase(rows: np.ndarray | RowSpan) -> bool:
    """True when each row number is above the one before."""
    if isinstance(rows, RowSpan):
        return True  # a run: each one more than the one before
    return bool((np.diff(rows) > 0).all())
