"""Integer keys for rows (children, referrals, episodes), built without hashing millions of
strings where the values allow it, and columns as codes into their distinct values; shared
by coercing, validating, the quality checks and the stitching of returns."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..compact import held_as_codes, written_out
from ..identifiers import digits_as_numbers
from ..periods import DAY_NS

BIG = 50_000  # above this many rows, cheaper paths pay off


@dataclass(frozen=True)
class Distinct:
    """A column as codes into its distinct values: row i holds `values[codes[i]]`, or is
    blank where the code is -1. A rule that looks at each value alone (a code list, the
    years a code is valid) runs once per distinct value and is spread back to the rows."""

    codes: np.ndarray  # int8 ... int64, -1 for blank
    values: pd.Series  # distinct and never blank, RangeIndex

    @classmethod
    def of(cls, s: pd.Series) -> Distinct:
        codes, uniques = pd.factorize(s, use_na_sentinel=True)
        return cls(codes, pd.Series(uniques, dtype=s.dtype))

    @classmethod
    def merged(cls, codes: np.ndarray, values: pd.Series) -> Distinct:
        """From codes into values that may repeat or be blank (cleaned categories)."""
        values = values.reset_index(drop=True)
        if not (values.isna().any() or values.duplicated().any()):
            return cls(codes, values)
        again, uniques = pd.factorize(values, use_na_sentinel=True)
        remap = np.append(again, -1).astype(codes.dtype)  # code -1 stays blank
        return cls(remap[codes], pd.Series(uniques, dtype=values.dtype))

    def dense(self, index: pd.Index) -> pd.Series:
        """The column itself (blank rows missing), as one Arrow-backed array."""
        return written_out(self.codes, self.values, index)

    def held(self, index: pd.Index) -> pd.Series:
        """The column held compact: a categorical over the distinct values (`compact`)."""
        return held_as_codes(self.codes, self.values, index)

    def spread(self, per_value: np.ndarray, blank: object) -> np.ndarray:
        """A result per distinct value (`blank` for blank rows) on every row."""
        return np.append(np.asarray(per_value), blank)[self.codes]


def id_codes(s: pd.Series) -> np.ndarray:
    """Integer code per value (equal values, equal codes; -1 when blank).

    Identifiers made of digits without leading zeros are read as the numbers they are, which
    is far cheaper than hashing millions of strings; dates are their day; anything else is
    factorised."""
    if len(s) > BIG:
        numbers = digits_as_numbers(s)
        if numbers is not None:
            return numbers
    if pd.api.types.is_datetime64_any_dtype(s):
        values = s.to_numpy(dtype="datetime64[ns]")
        missing = np.isnat(values)
        if missing.all():
            return np.full(len(s), -1, dtype="int64")
        # the day (floored, as numpy's datetime64[D]); days since 1970 fit in int32
        days = np.empty(len(values), dtype=np.int32)
        np.floor_divide(values.view("int64"), DAY_NS, out=days, casting="unsafe")
        # blank dates get a code of their own, below every real day
        low = np.min(days, where=~missing, initial=np.iinfo(np.int32).max)
        days[missing] = low - 1
        return days
    return pd.factorize(s)[0].astype("int64")


_LIMIT = 2**62


def _packed(
    parts: tuple[np.ndarray, ...], renumber: bool, reuse: bool = False
) -> np.ndarray | None:
    """One int64 key from int code arrays, packed arithmetically (the first most
    significant), in place on one array of our own (`reuse`: the first part itself, an int64
    array its caller no longer needs). Where the product of the parts' ranges would not fit
    in int64: renumber the key so far (`renumber`; equality kept, order lost) or give up
    (None)."""
    key, span = None, 1
    for part in parts:
        if part.dtype.kind != "i":  # unsigned or other: as int64 (the widths were checked)
            part = part.astype("int64")
        low, high = int(part.min()), int(part.max())
        width = high - low + 1
        if width >= _LIMIT:
            if not renumber:
                return None
            codes_, uniques = pd.factorize(part)
            part, low, width = codes_, 0, len(uniques)
        if key is None:
            own = reuse and part.dtype == np.int64
            key, span = (part if own else part.astype("int64")), width  # ours to change
            key -= low
            continue
        if span * width >= _LIMIT:
            if not renumber:
                return None
            codes_, uniques = pd.factorize(key)
            key, span = codes_.astype("int64"), len(uniques)
        key *= width
        # key * width + (part - low), in an order that cannot overflow on the way (a
        # narrower part is widened by NumPy a block at a time)
        if low > 0:
            key -= low
            key += part
        else:
            key += part
            key -= low
        span *= width
    return key


def combine(*parts: np.ndarray, reuse: bool = False) -> np.ndarray:
    """One int64 key per row from several int code arrays: equal keys exactly when every
    part is equal. Parts are packed arithmetically while the product of their ranges fits in
    int64 (no hashing); beyond that, the key so far is renumbered first. `reuse`: the first
    part (int64) may be overwritten to hold the key, one array fewer for millions of rows."""
    if len(parts[0]) == 0:
        return np.zeros(0, dtype="int64")
    return _packed(parts, renumber=True, reuse=reuse)  # type: ignore[return-value]


def screen_key(*parts: np.ndarray) -> np.ndarray:
    """A key to pre-screen rows for repeats: the parts packed in order while their ranges fit
    in int64, the others left out (no hashing). Equal rows get equal keys; unequal rows may
    too (they must then be compared in full)."""
    kept, span = [], 1
    for part in parts:
        width = int(part.max()) - int(part.min()) + 1 if len(part) else 1
        if span * width < _LIMIT:
            kept.append(part)
            span *= width
    return combine(*kept) if kept else np.zeros(len(parts[0]) if parts else 0, dtype="int64")


def sort_order(*parts: np.ndarray) -> np.ndarray:
    """Positions that sort the rows by `parts` (the first most significant), rows with equal
    parts in their order: np.lexsort's answer, from one packed key when the parts' ranges fit
    in int64 (a single sort of integers is far cheaper)."""
    if len(parts[0]) == 0:
        return np.zeros(0, dtype="intp")
    key = _packed(parts, renumber=False)
    return np.lexsort(parts[::-1]) if key is None else np.argsort(key, kind="stable")


def reach_before(key: np.ndarray, values: np.ndarray) -> np.ndarray:
    """For rows sorted by `key`, the largest of `values` among the earlier rows of the same
    key (NaN on a key's first row): how far the spans before a row reach, so that a row
    starting before that overlaps one of them. A running maximum each key restarts (its
    values lifted above every earlier key's), with no Python loop over rows."""
    values = np.asarray(values, dtype="int64")
    if not len(values):
        return np.zeros(0, dtype="float64")
    first = np.r_[True, key[1:] != key[:-1]]
    low = int(values.min())
    lift = np.cumsum(first) * (int(values.max()) - low + 1)
    reach = np.maximum.accumulate(lift + (values - low)) - lift + low
    out = np.r_[np.nan, reach[:-1].astype("float64")]
    out[first] = np.nan
    return out


def any_order(*parts: np.ndarray) -> np.ndarray:
    """Positions that sort the rows by `parts` as `sort_order` does, rows with equal parts in
    any order: a quicksort of the packed key, about 3x quicker on a million rows, for a
    check that reads each group as a whole."""
    if len(parts[0]) == 0:
        return np.zeros(0, dtype="intp")
    key = _packed(parts, renumber=False)
    return np.lexsort(parts[::-1]) if key is None else np.argsort(key)


def largest_by_key(key: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(the distinct keys, sorted; the largest of `values` for each), by a sort rather than
    a hash. Datetimes: NaT counts as the smallest (as pandas' max skips it)."""
    if len(key) == 0:
        return key[:0], values[:0]
    order = np.argsort(key)
    k = key[order]
    starts = np.flatnonzero(np.r_[True, k[1:] != k[:-1]])
    as_int = values.view("int64") if values.dtype.kind == "M" else values
    largest = np.maximum.reduceat(as_int[order], starts)
    return k[starts], largest.view(values.dtype)


def look_up(keys: np.ndarray, values: np.ndarray, at: np.ndarray, missing: object) -> np.ndarray:
    """values[i] where keys[i] (sorted, distinct) equals each of `at`; `missing` elsewhere."""
    if len(keys) == 0:
        return np.full(len(at), missing, dtype=values.dtype)
    pos = np.minimum(np.searchsorted(keys, at), len(keys) - 1)
    return np.where(keys[pos] == at, values[pos], missing)


def has_repeats(key: np.ndarray) -> bool:
    """True when some value occurs twice in `key`, which is sorted in place (give a key that
    is not needed again: millions of keys are not copied). A key in order already (a table
    listed in key order) is not sorted again: NumPy's sort takes as long on it."""
    if not (key[1:] >= key[:-1]).all():
        key.sort()
    return bool((key[1:] == key[:-1]).any())


def same_as_before(*parts: np.ndarray, over: int | None = None) -> np.ndarray | None:
    """Per row after the first, whether it equals the row before on the first `over` parts
    (default all), when the rows are in order by the parts (the first most significant, as
    `combine` packs them: a census listed child by child and by date); None when they are
    not (then build the key). Read side by side: on millions of rows the int64 key is a
    fresh array to write."""
    n = max(len(parts[0]) - 1, 0)
    over = len(parts) if over is None else over
    same = np.ones(n, dtype=bool)  # equal to the row before on the parts so far
    later = np.zeros(n, dtype=bool)  # after it on the first part that differs
    kept = same
    for i, part in enumerate(parts, start=1):
        now, before = part[1:], part[:-1]
        later |= same & (now > before)
        same &= now == before
        if i == over:
            kept = same if i == len(parts) else same.copy()
    if not (later | same).all():
        return None
    return kept


def repeats_in_order(*parts: np.ndarray) -> bool | None:
    """`has_repeats(combine(*parts))` without the key, when the rows are in its order
    (`same_as_before`); None when they are not."""
    same = same_as_before(*parts)
    return None if same is None else bool(same.any())


def repeats(key: np.ndarray, keep: str | bool = "first") -> np.ndarray:
    """True for rows whose key appeared on an earlier row (keep=False: on any other row).

    A sort finds the keys that occur more than once (far cheaper than hashing millions of
    mostly distinct keys); only the rows holding one are then compared in row order."""
    if len(key) <= BIG:
        return pd.Series(key, copy=False).duplicated(keep=keep).to_numpy()  # type: ignore[arg-type]
    ordered = np.sort(key)
    again = ordered[1:] == ordered[:-1]
    out = np.zeros(len(key), dtype=bool)
    if not again.any():
        return out
    held = pd.Series(key, copy=False).isin(np.unique(ordered[1:][again])).to_numpy()
    pos = np.flatnonzero(held)
    out[pos] = pd.Series(key[pos], copy=False).duplicated(keep=keep).to_numpy()  # type: ignore[arg-type]
    return out
