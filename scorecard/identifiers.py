"""Identifiers written as digits read as the numbers they are: far cheaper than hashing
millions of strings, for loading's checks (`inputs.keys`) and the engine's child keys
(`care.identifier_numbers`) alike."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from . import threads

_BLOCK = 1 << 20  # rows read at a time: no temporary as long as the column
_TOO_LONG = 10**18  # 19 digits and more: left to the general path (int64 holds 18 safely)


def digits_as_numbers(s: pd.Series) -> np.ndarray | None:
    """The numbers written (-1 when blank), when every identifier of an Arrow-backed text
    column is ASCII digits (up to 18, no leading zero, which would make '007' and '7' one
    child); None otherwise. Equal numbers exactly when equal identifiers.

    Read a block of rows at a time (no temporary as long as the column): the first alone,
    which settles most columns that are not digits, then the others side by side in threads
    (Arrow's casts let go of Python's lock)."""
    if not isinstance(s.array, pd.arrays.ArrowStringArray):
        return None
    arr = s.array._pa_array
    if arr.null_count == len(arr):
        return None
    out = np.empty(len(arr), dtype="int64")
    starts = range(0, len(arr), _BLOCK)
    if not _block_as_numbers(arr, 0, out):
        return None
    rest = threads.each(lambda start: _block_as_numbers(arr, start, out), starts[1:])
    return out if all(rest) else None


def _block_as_numbers(arr: pa.ChunkedArray, start: int, out: np.ndarray) -> bool:
    """Rows `start` to `start + _BLOCK` of `arr` written as numbers into `out`; False when a
    value there is not an identifier of digits (see `digits_as_numbers`)."""
    block = arr.slice(start, _BLOCK)
    try:  # Arrow reads whole numbers only (no space, '+', '.', non-ASCII digit)
        numbers = pc.cast(block, pa.int64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return False
    # what else it reads starts with '-' or '0' ('-5', '0x1F', '007'): refused here
    if pc.any(pc.starts_with(block, "-")).as_py():
        return False
    zero = pc.starts_with(block, "0")
    if (
        pc.any(zero).as_py()
        and pc.any(pc.and_(zero, pc.greater(pc.binary_length(block), 1))).as_py()
    ):
        return False
    if numbers.null_count:
        numbers = pc.fill_null(numbers, -1)
    values = numbers.to_numpy()
    if len(values) and int(values.max()) >= _TOO_LONG:
        return False
    out[start : start + len(block)] = values
    return True
