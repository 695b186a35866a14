"""Building blocks over the SSDA903 tables, computed once per dataset and reused by every measure.

- `child_key`: one integer per child (per LA and CHILD in pooled data), shared by all tables.
- `episodes`: non-V3/V4 episodes, sorted, with their period of care.
- `periods`: periods of care (chains of episodes joined by REC = X1).
- `expand`: which reference dates each row covers, without a Python loop over rows.
- `looked_after_at`: the children looked after at each of many reference dates.
- `uasc_at`: whether each (child, date) pair is UASC.

All of it is vectorised over children and dates (SPEC section 11).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .dataset import Dataset
from .periods import DATE_DTYPE, window_start

SHORT_BREAK_LS = ("V3", "V4")
TEMPORARY_PLACES = ("T0", "T1", "T2", "T3", "T4")
CONTINUES = "X1"  # REC: episode ends but the period of care continues
# the episode columns every episode-based measure reads (children, periods of care, V3/V4)
EPISODE_CORE: tuple[str, ...] = ("CHILD", "DECOM", "DEC", "REC", "LS")

_KEY_TABLES = ("header", "episodes", "uasc", "oc3", "ks4_cla", "iro_allocations")
_SEP = "\x1f"


def _raw_keys(frame: pd.DataFrame, col: str) -> pd.Series:
    ids = frame[col].astype("string")
    if "LA" in frame.columns:
        return frame["LA"].astype("string") + _SEP + ids
    return ids


def _ranks(values: pd.Series, labels: pd.Index) -> np.ndarray:
    """Position of each value in the sorted `labels` (-1 blank or absent), factorizing first
    so that only the distinct values are looked up as strings."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    found = labels.get_indexer(pd.Index(uniques).astype("string")) if len(uniques) else []
    return np.append(np.asarray(found, dtype="int64"), -1)[codes]


def _pooled_keys(ds: Dataset) -> tuple[pd.Index, pd.Index, np.ndarray, pd.Index] | None:
    """Pooled data with an LA on every child-level table: the sorted LA labels, the sorted
    CHILD ids, the sorted integer pairs ``la_rank * len(ids) + id_rank`` of every child key
    and the 'LA<sep>CHILD' strings of those pairs (cached). The pairs sort like the strings
    (checked), so the child key is the pair's position, found without building a string per
    row. None when the string keys must be used (no LA, an LA on some tables only)."""

    def build() -> tuple[pd.Index, pd.Index, np.ndarray, pd.Index] | None:
        frames = [ds.tables[t] for t in _KEY_TABLES if t in ds.tables]
        if not frames or not all("LA" in f.columns for f in frames):
            return None
        las, ids = _sorted_labels(frames, "LA"), _sorted_labels(frames, "CHILD")
        pairs = _distinct(np.concatenate([_pairs(f, "CHILD", las, ids) for f in frames]))
        n = max(len(ids), 1)
        la = pd.Series(las.to_numpy(dtype=object)[pairs // n], dtype="string")
        child = pd.Series(ids.to_numpy(dtype=object)[pairs % n], dtype="string")
        cats = pd.Index(la + _SEP + child)
        if not (cats.is_monotonic_increasing and cats.is_unique):
            return None  # an LA label sorting against the separator: use the strings
        return las, ids, pairs, cats

    return ds.cached("pooled_keys", build)


def _distinct(values: np.ndarray) -> np.ndarray:
    """Sorted distinct non-negative integers of `values` (a bitmap when their range is
    moderate: much faster than a hash or a sort over millions of rows)."""
    values = values[values >= 0]
    if values.size and int(values.max()) < 400_000_000:
        seen = np.zeros(int(values.max()) + 1, dtype=bool)
        seen[values] = True
        return np.flatnonzero(seen).astype("int64")
    values = np.sort(values)
    return values[np.r_[True, values[1:] != values[:-1]]].astype("int64")


def _sorted_labels(frames: list[pd.DataFrame], col: str) -> pd.Index:
    """The distinct non-blank values of `col` over `frames` as sorted strings."""
    parts = [pd.Series(pd.unique(f[col])).astype("string") for f in frames]
    return pd.Index(pd.concat(parts, ignore_index=True).dropna().unique()).sort_values()


def _pairs(frame: pd.DataFrame, col: str, las: pd.Index, ids: pd.Index) -> np.ndarray:
    """``la_rank * len(ids) + id_rank`` per row of `frame`; -1 where LA or the id is blank."""
    la, child = _ranks(frame["LA"], las), _ranks(frame[col], ids)
    return np.where((la >= 0) & (child >= 0), la * max(len(ids), 1) + child, -1)


def child_categories(ds: Dataset) -> pd.Index:
    """All child keys across the child-level tables, sorted (cached)."""

    def build() -> pd.Index:
        pooled = _pooled_keys(ds)
        if pooled is not None:
            return pooled[3]
        parts = [_raw_keys(ds.tables[t], "CHILD") for t in _KEY_TABLES if t in ds.tables]
        if not parts:
            return pd.Index([], dtype="string")
        return pd.Index(pd.concat(parts, ignore_index=True).dropna().unique()).sort_values()

    return ds.cached("child_categories", build)


def child_key(ds: Dataset, frame: pd.DataFrame, col: str = "CHILD") -> np.ndarray:
    """Integer child key for each row of `frame` (-1 where the child is unknown)."""
    pooled = _pooled_keys(ds)
    if pooled is not None and "LA" in frame.columns:
        las, ids, pairs, _ = pooled
        want = _pairs(frame, col, las, ids)
        pos = np.clip(np.searchsorted(pairs, want), 0, max(len(pairs) - 1, 0))
        hit = (want >= 0) & (pairs[pos] == want) if len(pairs) else np.zeros(len(want), bool)
        return np.where(hit, pos, -1).astype("int64")
    return np.asarray(child_categories(ds).get_indexer(_raw_keys(frame, col)), dtype="int64")


def children(ds: Dataset) -> pd.DataFrame:
    """One row per child key: CHILD, LA (when pooled), SEX, DOB and any other header column.

    Indexed by the child key. Children without a header row have blank attributes.
    """

    def build() -> pd.DataFrame:
        cats = child_categories(ds)
        out = pd.DataFrame(index=pd.RangeIndex(len(cats), name="cid"))
        if "header" in ds.tables:
            h = ds.tables["header"].copy()
            h["cid"] = child_key(ds, h)
            h = h.drop_duplicates("cid", keep="last").set_index("cid")
            out = out.join(h)
        else:
            parts = cats.to_series().str.split(_SEP, regex=False)
            out["CHILD"] = parts.str[-1].to_numpy()
        if "LA" not in out.columns and ds.pooled and len(cats):
            # pooled keys are LA + separator + CHILD: the LA is known without a header
            la = cats.to_series().str.split(_SEP, n=1, regex=False).str[0]
            out["LA"] = la.where(cats.to_series().str.contains(_SEP, regex=False)).to_numpy()
        if "DOB" not in out.columns:
            out["DOB"] = pd.Series(pd.NaT, index=out.index, dtype=DATE_DTYPE)
        if "SEX" not in out.columns:
            out["SEX"] = pd.Series(pd.NA, index=out.index, dtype="string")
        return out

    return ds.cached("children", build)


def episodes(ds: Dataset) -> pd.DataFrame:
    """Episodes without V3/V4 short breaks, sorted by child and DECOM, with period of care.

    Added columns: `cid` (child key), `period_id`, `period_start` (first DECOM of the period),
    `period_end` (DEC of its last episode; NaT while open), `seq` (position within the child).
    The index is a plain RangeIndex; row positions are stable for the dataset.
    """

    def build() -> pd.DataFrame:
        e = ds.table("episodes")
        e = e.loc[~e["LS"].isin(SHORT_BREAK_LS)].copy()
        e["cid"] = child_key(ds, e)
        if len(e):
            return _with_periods(e)
        empty_dates = pd.Series([], dtype=DATE_DTYPE)
        return e.reset_index(drop=True).assign(
            period_id=np.array([], dtype="int64"),
            seq=np.array([], dtype="int64"),
            period_start=empty_dates,
            period_end=empty_dates,
        )

    return ds.cached("episodes", build)


def _sortable(dates: np.ndarray) -> np.ndarray:
    """Dates as integers that sort like the dates, blanks last."""
    ns = dates.view("int64")
    return np.where(np.isnat(dates), np.iinfo("int64").max, ns)


def _with_periods(e: pd.DataFrame) -> pd.DataFrame:
    """`episodes` on numpy arrays: sort by (cid, DECOM, DEC) (blank dates last, stable), then
    period of care, position within the child, period start and end (as described there)."""
    decom_in, dec_in = e["DECOM"].to_numpy(), e["DEC"].to_numpy()
    order = np.lexsort((_sortable(dec_in), _sortable(decom_in), e["cid"].to_numpy()))
    e = e.take(order).reset_index(drop=True)
    n = len(e)
    pos = np.arange(n, dtype="int64")
    cid, decom, dec = e["cid"].to_numpy(), e["DECOM"].to_numpy(), e["DEC"].to_numpy()
    first_of_child = np.r_[True, cid[1:] != cid[:-1]]
    prev_rec = e["REC"].shift(1)
    prev_dec = e["DEC"].shift(1)
    continues = (prev_rec == CONTINUES) & (prev_dec == e["DECOM"])
    new_period = first_of_child | ~continues.fillna(False).to_numpy(dtype=bool)
    period_id = np.cumsum(new_period) - 1
    e["period_id"] = period_id
    e["seq"] = pos - np.maximum.accumulate(np.where(first_of_child, pos, 0))
    starts = np.flatnonzero(new_period)
    sizes = np.diff(np.r_[starts, n])
    # first non-blank DECOM and last non-blank DEC of each period (groupby first/last)
    first_ok = np.minimum.reduceat(np.where(np.isnat(decom), n, pos), starts)
    last_ok = np.maximum.reduceat(np.where(np.isnat(dec), -1, pos), starts)
    start = np.where(first_ok < n, decom[np.minimum(first_ok, n - 1)], np.datetime64("NaT"))
    end = np.where(last_ok >= 0, dec[np.maximum(last_ok, 0)], np.datetime64("NaT"))
    # a period is open when its last episode has no DEC
    is_open = np.isnat(dec[starts + sizes - 1])
    e["period_start"] = np.repeat(start.astype(decom.dtype), sizes)
    e["period_end"] = np.repeat(
        np.where(is_open, np.datetime64("NaT"), end).astype(dec.dtype), sizes
    )
    return e


def periods(ds: Dataset) -> pd.DataFrame:
    """Periods of care: period_id, cid, start, end (NaT while open), last REC, episode count."""

    def build() -> pd.DataFrame:
        e = episodes(ds)
        g = e.groupby("period_id", sort=True)
        out = pd.DataFrame(
            {
                "cid": g["cid"].first(),
                "start": g["period_start"].first(),
                "end": g["period_end"].first(),
                "last_rec": g["REC"].last(),
                "episodes": g.size(),
            }
        )
        if "LA" in e.columns:
            out["LA"] = g["LA"].first()
        return out

    return ds.cached("periods", build)


def expand(
    start: pd.Series | np.ndarray,
    end: pd.Series | np.ndarray,
    lo_ref: pd.DatetimeIndex | np.ndarray,
    hi_ref: pd.DatetimeIndex | np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Pairs (row, k) where row's interval covers reference k: ``start <= lo_ref[k]`` and
    (``end`` blank or ``hi_ref[k] < end``). `lo_ref` and `hi_ref` (default `lo_ref`) are sorted.

    - looked after at `at`: ``expand(DECOM, DEC, ats)``.
    - overlapping the window: ``expand(DECOM, DEC, ats, window_starts)`` (DEC > ws).
    Returns row positions and reference positions as int64 arrays, in row order.
    """
    lo = np.asarray(lo_ref, dtype=DATE_DTYPE)
    hi = lo if hi_ref is None else np.asarray(hi_ref, dtype=DATE_DTYPE)
    s = np.asarray(start, dtype=DATE_DTYPE)
    e = np.asarray(end, dtype=DATE_DTYPE)
    i0 = np.searchsorted(lo, s, side="left")
    i0 = np.where(np.isnat(s), len(lo), i0)
    i1 = np.where(np.isnat(e), len(hi), np.searchsorted(hi, e, side="left"))
    return _ranges_to_pairs(i0, i1)


def events_in_windows(
    when: pd.Series | np.ndarray, ats: pd.DatetimeIndex, months: int = 12
) -> tuple[np.ndarray, np.ndarray]:
    """Pairs (row, k) where the date `when` of row falls in the `months`-month window ending
    at ats[k] (both ends inclusive). Blank dates fall in no window."""
    d = np.asarray(when, dtype=DATE_DTYPE)
    ws = np.asarray(window_start(ats, months), dtype=DATE_DTYPE)
    lo = np.asarray(ats, dtype=DATE_DTYPE)
    i0 = np.searchsorted(lo, d, side="left")  # first at >= d
    i1 = np.searchsorted(ws, d, side="right")  # first ws > d
    i0 = np.where(np.isnat(d), 0, i0)
    i1 = np.where(np.isnat(d), 0, i1)
    return _ranges_to_pairs(i0, i1)


def _ranges_to_pairs(i0: np.ndarray, i1: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pairs (row, k) for every k in ``i0[row] <= k < i1[row]``, in row order, without a loop."""
    n = np.clip(i1 - i0, 0, None)
    rows = np.repeat(np.arange(len(i0), dtype="int64"), n)
    offsets = np.cumsum(n) - n
    ks = i0[rows] + (np.arange(rows.size, dtype="int64") - offsets[rows])
    return rows, ks.astype("int64")


def looked_after_at(ds: Dataset, at: pd.DatetimeIndex) -> pd.DataFrame:
    """Children looked after at each date: one row per (period_end, cid).

    Columns: `period_end` (the reference date), `cid`, `ep` (row position in `episodes(ds)`
    of the episode open at that date), `period_id`, `period_start`. V3/V4 excluded. When
    overlapping episodes make a child open twice, the later-starting episode is kept.
    Cached per dataset and set of dates (many indicators share it); each caller gets its own
    shallow copy, so under pandas copy-on-write a caller's changes never reach the cache.
    """
    dates = np.asarray(at, dtype=DATE_DTYPE)
    key = "looked_after_at:" + dates.view("int64").tobytes().hex()
    return ds.cached(key, lambda: _looked_after_at(ds, dates)).copy(deep=False)


def _looked_after_at(ds: Dataset, at: np.ndarray) -> pd.DataFrame:
    e = episodes(ds)
    rows, ks = expand(e["DECOM"], e["DEC"], at)
    # a stable sort by date (a radix sort on small integers) keeps each date's rows in
    # (cid, DECOM) order, so (date, child) groups are contiguous and sorted; keeping the last
    # row of each keeps the latest-starting episode
    small = ks.astype(np.uint16) if ks.size and ks.max() < 2**16 else ks
    order = np.argsort(small, kind="stable")
    rows, ks = rows[order], ks[order]
    cid = e["cid"].to_numpy()[rows]
    last = np.r_[(ks[1:] != ks[:-1]) | (cid[1:] != cid[:-1]), True] if rows.size else []
    rows, ks, cid = rows[last], ks[last], cid[last]
    return pd.DataFrame(
        {
            "period_end": np.asarray(at, dtype=DATE_DTYPE)[ks],
            "cid": cid,
            "ep": rows,
            "period_id": e["period_id"].to_numpy()[rows],
            "period_start": e["period_start"].to_numpy()[rows],
        }
    )


def ever_uasc(ds: Dataset, cid: np.ndarray) -> np.ndarray:
    """True where child `cid[i]` has a `uasc` row at all (UASC at some time while looked
    after). Without a `uasc` table nobody is UASC."""
    cid = np.asarray(cid, dtype="int64")
    if "uasc" not in ds.tables or len(cid) == 0:
        return np.zeros(len(cid), dtype=bool)
    key = child_key(ds, ds.tables["uasc"])
    return (cid >= 0) & np.isin(cid, key[key >= 0])


def uasc_at(ds: Dataset, cid: np.ndarray, on: np.ndarray) -> np.ndarray:
    """True where child `cid[i]` is UASC on date `on[i]`: a `uasc` row with DUC blank or
    DUC > on[i]. Without a `uasc` table nobody is UASC."""
    cid = np.asarray(cid, dtype="int64")
    if "uasc" not in ds.tables or len(cid) == 0:
        return np.zeros(len(cid), dtype=bool)
    u = ds.tables["uasc"]
    key = child_key(ds, u)
    duc = pd.Series(np.asarray(u["DUC"], dtype=DATE_DTYPE))
    # open-ended rows win; otherwise the latest DUC
    latest = (
        pd.DataFrame({"cid": key, "duc": duc.fillna(pd.Timestamp.max.normalize())})
        .groupby("cid")["duc"]
        .max()
    )
    lookup = pd.Series(pd.NaT, index=pd.RangeIndex(len(child_categories(ds))), dtype=DATE_DTYPE)
    lookup.loc[latest.index[latest.index >= 0]] = latest[latest.index >= 0].to_numpy()
    duc_for = lookup.to_numpy()[np.where(cid >= 0, cid, 0)]
    on = np.asarray(on, dtype=DATE_DTYPE)
    return (cid >= 0) & ~np.isnat(duc_for) & (duc_for > on)
