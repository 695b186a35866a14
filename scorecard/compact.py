"""Code columns held compact: a big table's columns of codes read as codes into their
distinct values (Parquet dictionaries) stay pandas categoricals while loading and inside the
dataset, and are written out to `str` columns only when a table is asked for
(`Dataset.table`, `Dataset.tables`). Millions of short strings cost far more memory and time
than int8 codes; the analyst still sees `str` columns (a categorical refuses a code it has
not seen, a trap in a notebook), and the engine reads the codes (`Dataset.held`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping

import numpy as np
import pandas as pd
import pyarrow as pa

from .memory import arrow_pool
from .threads import once


def written_out(codes: np.ndarray, values: pd.Series, index: pd.Index) -> pd.Series:
    """The column whose row i holds `values[codes[i]]` (blank where the code is -1), as one
    Arrow-backed array of `values`' dtype."""
    distinct = pa.array(values.array)
    blank = codes.min(initial=0) < 0
    rows = pa.array(codes, mask=codes < 0 if blank else None)
    return pd.Series(pd.array(distinct.take(rows), dtype=values.dtype), index=index)


def codes_of(s: pd.Series) -> np.ndarray:
    """The integer codes of a categorical column, read-only and without a copy (-1 blank):
    `s.cat.codes` builds a new Series of them each time (6 million referrals' LA: 12.6 MB a
    call)."""
    return s.array.codes


# the name of a held column's categories: a categorical given by the user is no held column
HELD = "scorecard.compact"


def held_as_codes(codes: np.ndarray, values: pd.Series, index: pd.Index) -> pd.Series:
    """The same column held compact: a categorical over `values` (distinct, never blank)."""
    dtype = pd.CategoricalDtype(pd.Index(values, dtype=values.dtype, name=HELD))
    return pd.Series(pd.Categorical.from_codes(codes, dtype=dtype), index=index, copy=False)


def is_held(s: pd.Series) -> bool:
    """True for a column held compact (a categorical made by `held_as_codes`)."""
    return isinstance(s.dtype, pd.CategoricalDtype) and s.dtype.categories.name == HELD


def as_text(s: pd.Series) -> pd.Series:
    """A column held compact written out as its `str` column (same index); any other column
    as it is."""
    if not is_held(s):
        return s
    return written_out(codes_of(s), pd.Series(s.cat.categories), s.index)


def taken(s: pd.Series, positions: np.ndarray) -> pd.api.extensions.ExtensionArray:
    """`s.array.take(positions, allow_fill=True)` (-1: blank) of the column as written out,
    without writing out the rows not taken."""
    if not is_held(s):
        return s.array.take(positions, allow_fill=True)
    codes = codes_of(s)
    picked = np.where(positions >= 0, codes[positions], -1).astype(codes.dtype, copy=False)
    return written_out(picked, pd.Series(s.cat.categories), pd.RangeIndex(len(picked))).array


def factorized(s: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """A column held compact factorized as `pd.factorize` factorizes it written out: int32
    codes in order of first appearance (-1 blank) and the values they stand for, read from
    the small integer codes (no string is hashed)."""
    codes = codes_of(s)
    seen = _first_met(codes)
    lookup = np.full(len(s.cat.categories) + 1, -1, dtype=np.int32)  # last entry: blank
    lookup[seen] = np.arange(len(seen), dtype=np.int32)
    return lookup[codes], s.cat.categories.take(seen).rename(None)


def factorized_as_held(s: pd.Series) -> tuple[np.ndarray, pd.Index] | None:
    """`factorized(s)` in the held codes' own small type, with no copy: the held codes
    themselves (read-only) when every value held appears and in the order first met, as a
    Parquet dictionary lists them; None otherwise, or for a column not held. Saves a
    column of codes kept beside the held one (6 million referrals' LA: 12.6 MB)."""
    if not is_held(s):
        return None
    codes = codes_of(s)
    seen = _first_met(codes)
    if len(seen) != len(s.cat.categories) or (seen != np.arange(len(seen))).any():
        return None
    return codes, s.cat.categories.rename(None)


def _first_met(codes: np.ndarray) -> np.ndarray:
    """The codes present (not -1, blank) in the order of their first appearance."""
    order = pd.unique(codes)
    return order[order >= 0]


def per_value(s: pd.Series, fn: Callable[[pd.Series], object]) -> np.ndarray:
    """`np.asarray(fn(s))` for a function of each value alone (a test or a cleaning of
    codes); for a column held compact, worked out on its distinct values and a blank only
    (as written out) and spread to the rows by their codes, so no row is written out."""
    if not is_held(s):
        return np.asarray(fn(s))
    n = len(s.cat.categories)
    values = written_out(np.r_[np.arange(n), -1], pd.Series(s.cat.categories), pd.RangeIndex(n + 1))
    return np.asarray(fn(values))[codes_of(s)]  # a blank's code -1: the last


def sorted_categorical(s: pd.Series) -> pd.Categorical:
    """`pd.Categorical(s.astype("string"))` (categories: the values present, sorted), for a
    column held compact read from its codes."""
    if not is_held(s):
        return pd.Categorical(s.astype("string"))
    codes, uniques = factorized(s)
    labels = pd.Index(uniques.astype("string"))
    order = labels.argsort()
    rank = np.full(len(order) + 1, -1, dtype=np.int32)  # last entry: blank
    rank[order] = np.arange(len(order), dtype=np.int32)
    return pd.Categorical.from_codes(rank[codes], categories=labels.take(order))


def text_frame(frame: pd.DataFrame, columns: Iterable[str] | None = None) -> pd.DataFrame:
    """`frame` with its columns held compact (or those of `columns`) written out; `frame`
    itself when there are none."""
    names = frame.columns if columns is None else columns
    held = {c: as_text(frame[c]) for c in names if is_held(frame[c])}
    return frame.assign(**held) if held else frame


class Tables(Mapping[str, pd.DataFrame]):
    """A dataset's tables by name, as the analyst sees them: each table whose columns are held
    compact is written out (`text_frame`) the first time it is asked for, then kept (threads
    asking at once: one writes it out). `held` gives a table as held, for the engine."""

    def __init__(
        self, frames: Mapping[str, pd.DataFrame], held: Mapping[str, Iterable[str]] | None = None
    ) -> None:
        self._frames = frames
        self._held = {t: tuple(cols) for t, cols in (held or {}).items() if cols}
        self._text: dict[str, pd.DataFrame] = {}

    def __getitem__(self, name: str) -> pd.DataFrame:
        frame = self._frames[name]
        columns = self._held.get(name)
        if not columns:
            return frame

        def write_out() -> pd.DataFrame:
            with arrow_pool():
                return text_frame(frame, columns)

        return once(self._text, name, write_out)

    def __iter__(self) -> Iterator[str]:
        return iter(self._frames)

    def __len__(self) -> int:
        return len(self._frames)

    def __contains__(self, name: object) -> bool:
        return name in self._frames

    def __repr__(self) -> str:
        return repr(dict(self))

    def held(self, name: str) -> pd.DataFrame:
        """Table `name` as held: its columns held compact are categoricals (KeyError when
        there is no such table)."""
        return self._frames[name]

    def holds(self, name: str, frame: pd.DataFrame) -> bool:
        """True when `frame` is table `name` itself, as held or as written out."""
        return name in self._frames and (
            frame is self._frames[name] or frame is self._text.get(name)
        )

    def with_frames(self, frames: Mapping[str, pd.DataFrame]) -> Tables:
        """Other frames of the same tables, their same columns held compact."""
        return Tables(frames, self._held)
