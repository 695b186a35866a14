"""What a dataset holds in memory: its tables by kind of column, and its cached building
blocks. The benchmark prints it beside the peak, so the reasons for the peak are in its
output: how much is the tables as the user receives them (identifiers and postcodes as
text, dates as nanoseconds), how much the engine's building blocks kept for reuse.

Sizes are of data buffers only (NumPy arrays, Arrow buffers), each counted once however
many frames or views share it; Python objects and the allocator's spare pages are not
counted, so the sum is below the process's resident memory.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import pyarrow as pa

if TYPE_CHECKING:
    from .dataset import Dataset

MB = 1e6
KINDS = ("text", "codes", "dates", "numbers")  # the table kinds, in printing order


def column_kind(s: pd.Series) -> str:
    """`codes` for a column held compact (int codes into its distinct values), `dates`,
    `numbers` (numbers and flags), or `text` (strings: identifiers, postcodes, free text)."""
    if isinstance(s.dtype, pd.CategoricalDtype):  # held compact, or the user's own
        return "codes"
    if pd.api.types.is_datetime64_any_dtype(s.dtype):
        return "dates"
    if pd.api.types.is_numeric_dtype(s.dtype) or pd.api.types.is_bool_dtype(s.dtype):
        return "numbers"
    return "text"


def tables_mb(ds: Dataset) -> dict[str, float]:
    """MB of the dataset's tables as held, by kind of column (`KINDS`)."""
    out = dict.fromkeys(KINDS, 0.0)
    for name in ds.tables:
        frame = ds.held(name)
        for col in frame.columns:
            s = frame[col]
            out[column_kind(s)] += sum(n for _, n in _buffers(s)) / MB
    return out


def building_blocks_mb(ds: Dataset) -> dict[str, float]:
    """MB of each kind of cached building block (the cache key before its first ':', so a
    block cached for several sets of dates is one entry), largest first; a buffer shared by
    two blocks is counted with the first (in the order they were built), and a buffer of a
    table (a block that is a view of a held column) with the tables (`tables_mb`)."""
    seen = {at for name in ds.tables for at, _ in _buffers(ds.held(name))}
    out: dict[str, float] = {}
    for key, block in ds.building_blocks().items():
        size = sum(n for at, n in _buffers(block) if not (at in seen or seen.add(at)))
        name = key.split(":", 1)[0]
        out[name] = out.get(name, 0.0) + size / MB
    return dict(sorted(out.items(), key=lambda kv: -kv[1]))


def _buffers(obj: Any, depth: int = 0) -> Iterator[tuple[int, int]]:
    """(identity, bytes) of every data buffer reachable from `obj`: arrays, Series, frames,
    indexes, Arrow arrays and the containers and dataclasses holding them. A NumPy view is
    its base array; an Arrow buffer is its address."""
    if depth > 8 or obj is None:
        return
    if isinstance(obj, np.ndarray):
        base = obj
        while isinstance(base.base, np.ndarray):
            base = base.base
        yield id(base) if base.base is None else id(base.base), base.nbytes
    elif isinstance(obj, pa.ChunkedArray):
        for chunk in obj.chunks:
            yield from _buffers(chunk, depth + 1)
    elif isinstance(obj, pa.Array):
        for buf in obj.buffers():
            if buf is not None:
                yield buf.address, buf.size
        if pa.types.is_dictionary(obj.type):
            yield from _buffers(obj.dictionary, depth + 1)
    elif isinstance(obj, pd.DataFrame):
        for i in range(obj.shape[1]):
            yield from _buffers(obj.iloc[:, i], depth + 1)
    elif isinstance(obj, pd.Series | pd.Index):
        yield from _buffers(obj.array, depth + 1)
    elif isinstance(obj, pd.Categorical):
        yield from _buffers(obj.codes, depth + 1)
        yield from _buffers(obj.categories, depth + 1)
    elif isinstance(obj, pd.api.extensions.ExtensionArray):
        arrow = getattr(obj, "_pa_array", None)  # Arrow-backed strings and ArrowDtype
        if arrow is not None:
            yield from _buffers(arrow, depth + 1)
        else:  # masked and datetime arrays keep NumPy arrays
            for part in ("_data", "_mask", "_ndarray"):
                yield from _buffers(getattr(obj, part, None), depth + 1)
    elif isinstance(obj, Mapping):
        for value in obj.values():
            yield from _buffers(value, depth + 1)
    elif isinstance(obj, list | tuple):
        for value in obj:
            yield from _buffers(value, depth + 1)
    elif dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        for f in dataclasses.fields(obj):
            yield from _buffers(getattr(obj, f.name), depth + 1)
