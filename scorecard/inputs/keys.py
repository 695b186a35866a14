"""Integer keys for rows (children, referrals, episodes), built without hashing millions of
strings where the values allow it; shared by the quality checks and the stitching of
returns."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

BIG = 50_000  # above this many rows, cheaper paths pay off


def id_codes(s: pd.Series) -> np.ndarray:
    """int64 code per value (equal values, equal codes; -1 when blank).

    Identifiers made of digits without leading zeros are read as the numbers they are, which
    is far cheaper than hashing millions of strings; anything else is factorised."""
    if pd.api.types.is_string_dtype(s) and len(s) > BIG:
        arr = pa.array(s.array) if not s.empty else None
        if arr is not None and arr.null_count < len(arr):
            length = pc.utf8_length(arr)
            if (
                pc.all(pc.utf8_is_digit(arr)).as_py()
                and pc.max(length).as_py() <= 18
                and not pc.any(pc.and_(pc.starts_with(arr, "0"), pc.greater(length, 1))).as_py()
            ):
                return pc.fill_null(pc.cast(arr, pa.int64()), -1).to_numpy()
    if pd.api.types.is_datetime64_any_dtype(s):
        values = s.to_numpy(dtype="datetime64[ns]")
        days = values.astype("datetime64[D]").view("int64")
        missing = np.isnat(values)
        if missing.all():
            return np.full(len(s), -1, dtype="int64")
        # blank dates get a code of their own, below every real day
        return np.where(missing, days[~missing].min() - 1, days)  # dates are whole days
    return pd.factorize(s)[0].astype("int64")


def combine(*parts: np.ndarray) -> np.ndarray:
    """One int64 key per row from several int64 code arrays: equal keys exactly when every
    part is equal. Parts are packed arithmetically while the product of their ranges fits in
    int64 (no hashing); beyond that, the key so far is renumbered first."""
    limit = 2**62
    key, span = np.zeros(len(parts[0]), dtype="int64"), 1
    for part in parts:
        if len(part) == 0:
            return np.zeros(0, dtype="int64")
        low, high = int(part.min()), int(part.max())
        width = high - low + 1
        if width >= limit:
            codes_, uniques = pd.factorize(part)
            shifted, width = codes_.astype("int64"), len(uniques)
        else:
            shifted = part.astype("int64") - low
        if span * width >= limit:
            codes_, uniques = pd.factorize(key)
            key, span = codes_.astype("int64"), len(uniques)
        key, span = key * width + shifted, span * width
    return key


def repeats(key: np.ndarray, keep: str | bool = "first") -> np.ndarray:
    """True for rows whose key appeared on an earlier row (keep=False: on any other row)."""
    return pd.Series(key).duplicated(keep=keep).to_numpy()  # type: ignore[arg-type]
