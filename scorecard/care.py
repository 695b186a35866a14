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

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .compact import factorized, is_held, taken, text_frame
from .dataset import Dataset
from .identifiers import digits_as_numbers
from .periods import DATE_DTYPE, window_start

SHORT_BREAK_LS = ("V3", "V4")
TEMPORARY_PLACES = ("T0", "T1", "T2", "T3", "T4")
CONTINUES = "X1"  # REC: episode ends but the period of care continues
# the episode columns every episode-based measure reads (children, periods of care, V3/V4)
EPISODE_CORE: tuple[str, ...] = ("CHILD", "DECOM", "DEC", "REC", "LS")

# Positions, child keys, periods and date positions in the building blocks kept for the
# dataset's life (`episode_index`, `looked_after_at`): no table has 2**31 rows, so they fit,
# at half the memory of int64. NumPy keeps int32 times a Python int in int32 and lets it
# wrap around, so a key that combines them with a width or a date is widened first.
POSITION = np.int32

_KEY_TABLES = ("header", "episodes", "uasc", "oc3", "ks4_cla", "iro_allocations")
_SEP = "\x1f"


def factorize(values: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """`pd.factorize(values, use_na_sentinel=True)`: codes in order of first appearance (-1
    blank, the smallest integer type that holds them) and the distinct values. An
    Arrow-backed text column is encoded by Arrow itself, whose codes come without a copy
    (several times cheaper for millions of rows than pandas' route through it); a column
    held compact (`Dataset.held`) as its written-out column would be, from its codes."""
    if is_held(values) and len(values):
        return factorized(values)
    arr = values.array
    if isinstance(arr, pd.arrays.ArrowStringArray) and len(arr):
        encoded = pc.dictionary_encode(arr._pa_array)
        if isinstance(encoded, pa.ChunkedArray):
            chunks = encoded.num_chunks
            encoded = encoded.chunk(0) if chunks == 1 else encoded.combine_chunks()
        indices = encoded.indices
        if indices.null_count:
            indices = pc.fill_null(indices, -1)
        uniques = pd.Index(pd.array(encoded.dictionary, dtype=values.dtype))
        return indices.to_numpy(zero_copy_only=False), uniques
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    return codes, pd.Index(uniques)


def identifier_numbers(
    values: pd.Series, coded: np.ndarray | None = None
) -> tuple[np.ndarray, int]:
    """An integer per identifier, equal exactly where the identifiers are equal (-1 blank),
    and the width of their range (codes run from -1 to width - 1). Identifiers written as
    digits (`identifiers.digits_as_numbers`) are read as the numbers they are when their
    range is moderate, which is far cheaper than hashing millions of strings; anything else
    is factorized. `coded`: the identifiers as loading's checks coded them (`id_codes`:
    the same numbers, or codes in order of first appearance as factorizing gives), ours to
    change, in place of reading them again."""
    numbers = None
    if len(values) > 100_000:
        numbers = coded if coded is not None else digits_as_numbers(values)
    if numbers is not None:
        known = numbers >= 0
        lo, hi = int(numbers.min(where=known, initial=2**62)), int(numbers.max())
        if known.any() and hi - lo + 1 <= 4 * len(numbers):
            numbers -= lo
            numbers[~known] = -1
            return numbers, hi - lo + 1
        # spread wide: factorized as numbers, not as text (equal exactly where the identifiers
        # are: the same codes, in order of first appearance, as the text gives; on the
        # sample's 155,135 referrals a third of the time of hashing the text)
        if known.all():
            codes, uniques = pd.factorize(numbers)
            return codes, len(uniques)
        codes = np.full(len(numbers), -1, dtype=np.intp)
        codes[known], uniques = pd.factorize(numbers[known])
        return codes, len(uniques)
    codes, uniques = factorize(values)
    return codes, len(uniques)


def _raw_keys(frame: pd.DataFrame, col: str) -> pd.Series:
    ids = frame[col].astype("string")
    if "LA" in frame.columns:
        return frame["LA"].astype("string") + _SEP + ids
    return ids


@dataclass(frozen=True)
class _PooledKeys:
    """The child keys of pooled data: sorted LA labels, sorted CHILD ids, the sorted integer
    pairs ``la_rank * len(ids) + id_rank`` of every child (a child key is its pair's
    position) and, per key table, each row's pair (its child key is looked up on demand)."""

    las: pd.Index
    ids: pd.Index
    pairs: np.ndarray
    table_pairs: dict[str, np.ndarray]


def _pooled_keys(ds: Dataset) -> _PooledKeys | None:
    """Pooled data with an LA on every child-level table: its child keys (cached). The
    pairs sort like the strings 'LA<sep>CHILD' (the separator sorts before any character an
    LA label holds, checked), so child keys number children in that order without building
    a string per row. Each column is factorized once; only its distinct values are looked
    up as strings. None when the string keys must be used (no LA, an LA on some tables
    only, an LA label holding a control character)."""

    def build() -> _PooledKeys | None:
        names = [t for t in _KEY_TABLES if t in ds.tables]
        frames = [ds.held(t) for t in names]
        if not frames or not all("LA" in f.columns for f in frames):
            return None
        la = [factorize(f["LA"]) for f in frames]
        child = [factorize(f["CHILD"]) for f in frames]
        las, ids = _sorted_union([u for _, u in la]), _sorted_union([u for _, u in child])
        if any(min(label, default=_SEP) <= _SEP for label in las):
            return None  # an LA label sorting against the separator: use the strings
        pairs = {
            t: _pair_codes(_ranked(la_f, las), _ranked(child_f, ids), len(ids))
            for t, la_f, child_f in zip(names, la, child)
        }
        return _PooledKeys(las, ids, _distinct(np.concatenate(list(pairs.values()))), pairs)

    return ds.cached("pooled_keys", build)


def _sorted_union(uniques: list[object]) -> pd.Index:
    """The distinct non-blank values of several factorizations' uniques, sorted as strings."""
    parts = [pd.Series(np.asarray(u, dtype=object)).astype("string") for u in uniques]
    return pd.Index(pd.concat(parts, ignore_index=True).dropna().unique()).sort_values()


def _ranked(factorized: tuple[np.ndarray, object], labels: pd.Index) -> np.ndarray:
    """Position of each row's value in the sorted `labels` (-1 blank or absent), from its
    factorization (codes, uniques): only the distinct values are looked up."""
    codes, uniques = factorized
    found = labels.get_indexer(pd.Index(uniques).astype("string")) if len(uniques) else []
    return np.append(np.asarray(found, dtype="int64"), -1)[codes]


def _pair_codes(la: np.ndarray, child: np.ndarray, n_ids: int) -> np.ndarray:
    """``la_rank * n_ids + id_rank``; -1 where LA or the id is blank."""
    return np.where((la >= 0) & (child >= 0), la * max(n_ids, 1) + child, -1)


def _table_keys(ds: Dataset, name: str) -> np.ndarray:
    """The child key of every row of key table `name` on pooled data (cached per table)."""
    pooled = _pooled_keys(ds)
    assert pooled is not None
    return ds.cached(
        f"child_key:{name}", lambda: _positions(pooled.pairs, pooled.table_pairs[name])
    )


def _positions(pairs: np.ndarray, want: np.ndarray) -> np.ndarray:
    """Position of each of `want` in the sorted `pairs` (-1 where blank or absent)."""
    if not len(pairs):
        return np.full(len(want), -1, dtype="int64")
    pos = np.clip(np.searchsorted(pairs, want), 0, len(pairs) - 1)
    return np.where((want >= 0) & (pairs[pos] == want), pos, -1).astype("int64")


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


def _pairs(frame: pd.DataFrame, col: str, las: pd.Index, ids: pd.Index) -> np.ndarray:
    """``la_rank * len(ids) + id_rank`` per row of `frame`; -1 where LA or the id is blank."""
    la = _ranked(factorize(frame["LA"]), las)
    child = _ranked(factorize(frame[col]), ids)
    return _pair_codes(la, child, len(ids))


def child_categories(ds: Dataset) -> pd.Index:
    """All child keys across the child-level tables, sorted (cached): 'LA<sep>CHILD' on
    pooled data, CHILD otherwise; a child key is a position in it."""

    def build() -> pd.Index:
        pooled = _pooled_keys(ds)
        if pooled is not None:
            la, child = _pooled_names(ds)
            return pd.Index(pd.Series(la, dtype="string") + _SEP + child)
        return _string_categories(ds)

    return ds.cached("child_categories", build)


def _string_categories(ds: Dataset) -> pd.Index:
    """The sorted distinct string keys of the child-level tables (cached)."""

    def build() -> pd.Index:
        parts = [_raw_keys(ds.held(t), "CHILD") for t in _KEY_TABLES if t in ds.tables]
        if not parts:
            return pd.Index([], dtype="string")
        return pd.Index(pd.concat(parts, ignore_index=True).dropna().unique()).sort_values()

    return ds.cached("string_child_categories", build)


def n_children(ds: Dataset) -> int:
    """How many child keys there are (without building their strings)."""
    pooled = _pooled_keys(ds)
    return len(pooled.pairs) if pooled is not None else len(_string_categories(ds))


def _pooled_names(ds: Dataset) -> tuple[np.ndarray, pd.Series]:
    """LA and CHILD of every pooled child key (object array, string Series; cached)."""

    def build() -> tuple[np.ndarray, pd.Series]:
        pooled = _pooled_keys(ds)
        assert pooled is not None
        n = max(len(pooled.ids), 1)
        la = pooled.las.to_numpy(dtype=object)[pooled.pairs // n]
        child = pd.Series(pooled.ids.to_numpy(dtype=object)[pooled.pairs % n], dtype="string")
        return la, child

    return ds.cached("pooled_names", build)


def has_child_la(ds: Dataset) -> bool:
    """True when every child key has an LA (pooled data), without building `children`."""
    return _pooled_keys(ds) is not None or "LA" in children(ds).columns


def pooled_la_codes(ds: Dataset) -> tuple[np.ndarray, pd.Index] | None:
    """The LA of each child key as codes into the sorted LA labels, read from the keys of
    pooled data (blank, as in `children`, for a child without a header row when there is a
    header); None when the data is not pooled."""
    pooled = _pooled_keys(ds)
    if pooled is None:
        return None
    codes = pooled.pairs // max(len(pooled.ids), 1)
    if "header" in ds.tables:  # `children` takes the LA from the header: none without a row
        in_header = np.zeros(len(codes), dtype=bool)
        keys = _table_keys(ds, "header")
        in_header[keys[keys >= 0]] = True
        codes = np.where(in_header, codes, -1)
    return codes, pooled.las


def child_key(ds: Dataset, frame: pd.DataFrame, col: str = "CHILD") -> np.ndarray:
    """Integer child key for each row of `frame` (-1 where the child is unknown)."""
    pooled = _pooled_keys(ds)
    if pooled is not None and "LA" in frame.columns:
        for name in pooled.table_pairs:
            if col == "CHILD" and ds.is_table(name, frame):
                return _table_keys(ds, name)  # worked out once per table
        return _positions(pooled.pairs, _pairs(frame, col, pooled.las, pooled.ids))
    return np.asarray(child_categories(ds).get_indexer(_raw_keys(frame, col)), dtype="int64")


def children(ds: Dataset) -> pd.DataFrame:
    """One row per child key: CHILD, LA (when pooled), SEX, DOB and any other header column.

    Indexed by the child key. Children without a header row have blank attributes.
    """

    def build() -> pd.DataFrame:
        out = pd.DataFrame(index=pd.RangeIndex(n_children(ds), name="cid"))
        if "header" in ds.tables:
            header = ds.held("header")
            h = header.assign(cid=child_key(ds, header))
            h = h.drop_duplicates("cid", keep="last").set_index("cid")
            out = out.join(text_frame(h))  # only the rows kept are written out
        elif _pooled_keys(ds) is not None:
            la, child = _pooled_names(ds)
            out["CHILD"] = child.to_numpy()
            out["LA"] = la
        else:
            cats = child_categories(ds)
            parts = cats.to_series().str.split(_SEP, regex=False)
            out["CHILD"] = parts.str[-1].to_numpy()
        if "LA" not in out.columns and ds.pooled and len(out):
            # pooled keys are LA + separator + CHILD: the LA is known without a header
            cats = child_categories(ds).to_series()
            la = cats.str.split(_SEP, n=1, regex=False).str[0]
            out["LA"] = la.where(cats.str.contains(_SEP, regex=False)).to_numpy()
        if "DOB" not in out.columns:
            out["DOB"] = pd.Series(pd.NaT, index=out.index, dtype=DATE_DTYPE)
        if "SEX" not in out.columns:
            out["SEX"] = pd.Series(pd.NA, index=out.index, dtype="string")
        return out

    return ds.cached("children", build)


def episode_index(ds: Dataset) -> pd.DataFrame:
    """Episodes without V3/V4 short breaks, sorted by child, DECOM and DEC (blank dates
    last, stable), with their period of care: the engine's light view of `episodes`.

    Columns: `row` (position in the episodes table), `cid` (child key), `DECOM`, `DEC`,
    `period_id`, `seq` (position within the child), `period_start` (first DECOM of the
    period), `period_end` (DEC of its last episode; NaT while open); the positions and keys
    as `POSITION` (int32). Row positions are stable for the dataset; other columns come
    through `episode_column` and `episode_codes`, so no copy of the whole table is made
    (cached)."""
    return ds.cached("episode_index", lambda: _episode_index(ds))


def _episode_index(ds: Dataset) -> pd.DataFrame:
    table = ds.held("episodes")
    keep = np.flatnonzero(~table["LS"].isin(SHORT_BREAK_LS).to_numpy(dtype=bool))
    cid = child_key(ds, table)[keep]
    decom = np.asarray(table["DECOM"], dtype=DATE_DTYPE)[keep]
    dec = np.asarray(table["DEC"], dtype=DATE_DTYPE)[keep]
    order = _episode_order(cid, decom, dec)
    rows, cid, decom, dec = keep[order], cid[order], decom[order], dec[order]
    rec_x1 = _equals(table["REC"], CONTINUES)[rows]
    periods_of = _periods_of(cid, decom, dec, rec_x1)
    for name in ("period_id", "seq"):
        periods_of[name] = periods_of[name].astype(POSITION, copy=False)
    return pd.DataFrame(
        {
            "row": rows.astype(POSITION),
            "cid": cid.astype(POSITION),
            "DECOM": decom,
            "DEC": dec,
            **periods_of,
        },
        copy=False,
    )


def _equals(values: pd.Series, code: str) -> np.ndarray:
    """`values == code` per row (False where blank), comparing only the distinct values."""
    codes, uniques = factorize(values)
    hit = np.asarray(pd.Index(uniques) == code, dtype=bool) if len(uniques) else np.zeros(0, bool)
    return np.append(hit, False)[codes]


def _episode_order(cid: np.ndarray, decom: np.ndarray, dec: np.ndarray) -> np.ndarray:
    """The stable order by (cid, DECOM, DEC), blank dates last: one int64 sort key of
    (child, day, day) when whole-day dates make it fit, else a lexsort."""
    n = len(cid)
    if not n:
        return np.arange(0, dtype="int64")
    day = np.timedelta64(1, "D").astype("timedelta64[ns]").astype("int64")
    parts = []
    for dates in (decom, dec):
        ns = dates.view("int64")
        blank = np.isnat(dates)
        days = ns // day
        if not ((days * day == ns) | blank).all():  # a time of day (cheaper than a remainder)
            return np.lexsort((_sortable(dec), _sortable(decom), cid))
        lo = int(days[~blank].min()) if (~blank).any() else 0
        span = int(days[~blank].max()) - lo + 2 if (~blank).any() else 1
        parts.append((np.where(blank, span - 1, days - lo), span))
    (a, span_a), (b, span_b) = parts
    width = float(int(cid.max()) + 2) * span_a * span_b
    if width >= 2.0**62:
        return np.lexsort((_sortable(dec), _sortable(decom), cid))
    key = ((cid.astype("int64") + 1) * span_a + a) * span_b + b
    return np.argsort(key, kind="stable")


def _periods_of(
    cid: np.ndarray, decom: np.ndarray, dec: np.ndarray, rec_x1: np.ndarray
) -> dict[str, np.ndarray]:
    """Period of care of each episode (sorted by child and DECOM): `period_id`, `seq`,
    `period_start` (first non-blank DECOM) and `period_end` (last non-blank DEC; NaT while
    the period's last episode is open). An X1 chains to the next episode of the child when
    that one starts on its DEC."""
    n = len(cid)
    pos = np.arange(n, dtype=POSITION)  # positions and period numbers: n < 2**31
    if not n:
        empty = np.array([], dtype=DATE_DTYPE)
        return {"period_id": pos, "seq": pos, "period_start": empty, "period_end": empty}
    first_of_child = np.r_[True, cid[1:] != cid[:-1]]
    continues = np.r_[False, rec_x1[:-1] & (dec[:-1] == decom[1:])]
    new_period = first_of_child | ~continues
    starts = np.flatnonzero(new_period)
    sizes = np.diff(np.r_[starts, n])
    first_ok = np.minimum.reduceat(np.where(np.isnat(decom), n, pos), starts)
    last_ok = np.maximum.reduceat(np.where(np.isnat(dec), -1, pos), starts)
    start = np.where(first_ok < n, decom[np.minimum(first_ok, n - 1)], np.datetime64("NaT"))
    end = np.where(last_ok >= 0, dec[np.maximum(last_ok, 0)], np.datetime64("NaT"))
    is_open = np.isnat(dec[starts + sizes - 1])
    return {
        "period_id": np.cumsum(new_period, dtype=POSITION) - 1,
        "seq": pos - np.maximum.accumulate(np.where(first_of_child, pos, 0)),
        "period_start": np.repeat(start.astype(DATE_DTYPE), sizes),
        "period_end": np.repeat(
            np.where(is_open, np.datetime64("NaT"), end).astype(DATE_DTYPE), sizes
        ),
    }


def episode_column(ds: Dataset, name: str) -> pd.Series:
    """Column `name` of the episodes table in `episode_index` order (cached)."""

    def build() -> pd.Series:
        rows = episode_index(ds)["row"].to_numpy()
        column = ds.held("episodes")[name]
        if is_held(column):  # only the rows taken are written out
            return pd.Series(taken(column, rows), name=name)
        return column.take(rows).reset_index(drop=True)

    return ds.cached(f"episode_column:{name}", build)


def episode_codes(ds: Dataset, name: str) -> tuple[np.ndarray, np.ndarray]:
    """A code column of the episodes as integer codes in `episode_index` order and their
    labels, stripped and upper-cased ('u1 ' and 'U1' share a code; a blank is -1; a table
    without the column is all blank). Cached: factorizes the millions of rows once and
    cleans only the distinct values. The codes are of the smallest signed integer type
    that holds them: widen before arithmetic."""

    def build() -> tuple[np.ndarray, np.ndarray]:
        rows = episode_index(ds)["row"].to_numpy()
        table = ds.held("episodes")
        if name not in table.columns:
            return np.full(len(rows), -1, dtype="int8"), np.array([], dtype=object)
        raw, uniques = factorize(table[name])
        clean = pd.Series(uniques, dtype=object).astype("string").str.strip().str.upper()
        merged, labels = pd.factorize(clean, use_na_sentinel=True)
        small = np.min_scalar_type(-max(len(labels), 1))  # kept for the dataset's life
        lookup = np.append(merged, -1).astype(small)  # np.append alone widens to int64
        return lookup[raw[rows]], np.asarray(labels, dtype=object)

    return ds.cached(f"episode_codes:{name}", build)


def code_in(ds: Dataset, name: str, wanted: Iterable[str]) -> np.ndarray:
    """True per episode (`episode_index` order) whose cleaned code `name` is in `wanted`."""
    codes, labels = episode_codes(ds, name)
    hit = np.isin(labels, [str(w) for w in wanted]) if len(labels) else np.zeros(0, bool)
    return np.append(hit, False)[codes]


def episodes(ds: Dataset) -> pd.DataFrame:
    """Episodes without V3/V4 short breaks, sorted by child and DECOM, with period of care:
    every column of the episodes table in `episode_index` order (a copy of the table: the
    engine itself reads `episode_index`, `episode_column` and `episode_codes`).

    Added columns: `cid` (child key), `period_id`, `period_start` (first DECOM of the period),
    `period_end` (DEC of its last episode; NaT while open), `seq` (position within the child).
    The index is a plain RangeIndex; row positions are stable for the dataset.
    """

    def build() -> pd.DataFrame:
        core = episode_index(ds)
        e = ds.table("episodes").take(core["row"].to_numpy()).reset_index(drop=True)
        e["cid"] = core["cid"].to_numpy()
        for col in ("period_id", "seq", "period_start", "period_end"):
            e[col] = core[col].to_numpy()
        return e

    return ds.cached("episodes", build)


def _sortable(dates: np.ndarray) -> np.ndarray:
    """Dates as integers that sort like the dates, blanks last."""
    ns = dates.view("int64")
    return np.where(np.isnat(dates), np.iinfo("int64").max, ns)


def periods(ds: Dataset) -> pd.DataFrame:
    """Periods of care: period_id, cid, start, end (NaT while open), last REC, episode count."""

    def build() -> pd.DataFrame:
        e = episode_index(ds)
        pid = e["period_id"].to_numpy()
        n = len(pid)
        starts = np.flatnonzero(np.r_[True, pid[1:] != pid[:-1]]) if n else pid
        rows = e["row"].to_numpy()
        table = ds.held("episodes")
        out = pd.DataFrame(
            {
                "cid": e["cid"].to_numpy()[starts],
                "start": e["period_start"].to_numpy()[starts],
                "end": e["period_end"].to_numpy()[starts],
                "last_rec": _last_valid(table["REC"], rows, starts),
                "episodes": np.diff(np.r_[starts, n]).astype("int64"),
            },
            index=pd.Index(pid[starts], name="period_id"),
        )
        if "LA" in table.columns:
            out["LA"] = _first_valid(table["LA"], rows, starts)
        return out

    return ds.cached("periods", build)


def _last_valid(values: pd.Series, rows: np.ndarray, starts: np.ndarray) -> pd.array:
    """Per group of `rows` (groups start at `starts`), the last non-blank of `values` at
    those rows (blank when none), as groupby's `last` gives it."""
    n = len(rows)
    ok = values.notna().to_numpy(dtype=bool)[rows]
    pos = np.arange(n)
    pick = np.maximum.reduceat(np.where(ok, pos, -1), starts) if n else pos
    return taken(values, np.where(pick >= 0, rows[np.maximum(pick, 0)], -1))


def _first_valid(values: pd.Series, rows: np.ndarray, starts: np.ndarray) -> pd.array:
    """Per group of `rows`, the first non-blank of `values` (groupby's `first`)."""
    n = len(rows)
    ok = values.notna().to_numpy(dtype=bool)[rows]
    pos = np.arange(n)
    pick = np.minimum.reduceat(np.where(ok, pos, n), starts) if n else pos
    return taken(values, np.where(pick < n, rows[np.minimum(pick, n - 1)], -1))


def expand(
    start: pd.Series | np.ndarray,
    end: pd.Series | np.ndarray,
    lo_ref: pd.DatetimeIndex | np.ndarray,
    hi_ref: pd.DatetimeIndex | np.ndarray | None = None,
    dtype: type[np.signedinteger] = np.int64,
) -> tuple[np.ndarray, np.ndarray]:
    """Pairs (row, k) where row's interval covers reference k: ``start <= lo_ref[k]`` and
    (``end`` blank or ``hi_ref[k] < end``). `lo_ref` and `hi_ref` (default `lo_ref`) are sorted.

    - looked after at `at`: ``expand(DECOM, DEC, ats)``.
    - overlapping the window: ``expand(DECOM, DEC, ats, window_starts)`` (DEC > ws).
    Returns row positions and reference positions as int64 arrays, in row order; `dtype`
    int32 for a caller that only indexes with them (half the fresh memory: every position
    fits, as no table has 2**31 rows).
    """
    return _ranges_to_pairs(*date_ranges(start, end, lo_ref, hi_ref), dtype=dtype)


def date_ranges(
    start: pd.Series | np.ndarray,
    end: pd.Series | np.ndarray,
    lo_ref: pd.DatetimeIndex | np.ndarray,
    hi_ref: pd.DatetimeIndex | np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """The references each row covers, as `expand` reads them, without the pairs: row
    covers reference k exactly when ``i0[row] <= k < i1[row]`` (none when i1 <= i0)."""
    lo = np.asarray(lo_ref, dtype=DATE_DTYPE)
    hi = lo if hi_ref is None else np.asarray(hi_ref, dtype=DATE_DTYPE)
    s = np.asarray(start, dtype=DATE_DTYPE)
    e = np.asarray(end, dtype=DATE_DTYPE)
    i0 = np.searchsorted(lo, s, side="left")
    i0 = np.where(np.isnat(s), len(lo), i0)
    i1 = np.where(np.isnat(e), len(hi), np.searchsorted(hi, e, side="left"))
    return i0, i1


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


def _ranges_to_pairs(
    i0: np.ndarray, i1: np.ndarray, dtype: type[np.signedinteger] = np.int64
) -> tuple[np.ndarray, np.ndarray]:
    """Pairs (row, k) for every k in ``i0[row] <= k < i1[row]``, in row order, without a loop.

    k is a running total of steps written into the array it is returned in: 1 within a
    row's block, and at a block's first pair the jump from the k before to i0. (Positions
    less each block's offset took two more arrays of every pair: 56 MB of fresh memory for
    the children looked after at 40 dates on the pooled data.)"""
    n = np.clip(i1 - i0, 0, None)
    rows = np.repeat(np.arange(len(i0), dtype=dtype), n)
    ks = np.ones(rows.size, dtype=dtype)  # the running total stays a k: it fits `dtype`
    if rows.size:
        some = np.flatnonzero(n)  # the rows with a pair, in order
        size, begin = n[some], i0[some].astype("int64")
        first = np.cumsum(size) - size  # where each row's block begins
        last = begin + size - 1  # the k of each row's last pair
        ks[first] = begin - np.r_[0, last[:-1]]
        np.cumsum(ks, out=ks)
    return rows, ks


def looked_after_at(ds: Dataset, at: pd.DatetimeIndex) -> pd.DataFrame:
    """Children looked after at each date: one row per (period_end, cid).

    Columns: `period_end` (the reference date), `k` (its position in `at`), `cid`, `ep`
    (row position in `episode_index(ds)`
    of the episode open at that date), `period_id`, `period_start`; `k`, `cid`, `ep` and
    `period_id` as `POSITION` (int32). V3/V4 excluded. When
    overlapping episodes make a child open twice, the later-starting episode is kept.
    Cached per dataset and set of dates (many indicators share it; an indicator needing
    more history is asked at fewer of the same dates, and takes their rows from the set
    already built: a date's rows never depend on the other dates); each caller gets its own
    shallow copy, so under pandas copy-on-write a caller's changes never reach the cache.
    """
    dates = np.asarray(at, dtype=DATE_DTYPE)
    key = "looked_after_at:" + dates.view("int64").tobytes().hex()
    built: dict[bytes, pd.DataFrame] = ds.cached("looked_after_at:built", dict)

    def build() -> pd.DataFrame:
        found = _from_more_dates(built, dates)
        if found is None:
            found = _looked_after_at(ds, dates)
            built[dates.view("int64").tobytes()] = found
        return found

    return ds.cached(key, build).copy(deep=False)


def _from_more_dates(built: dict[bytes, pd.DataFrame], dates: np.ndarray) -> pd.DataFrame | None:
    """The rows of `dates` taken from a frame built for more dates holding all of them
    (None when there is none): each date's rows are a block of that frame, in order."""
    if len(dates) == 0 or (np.diff(dates.view("int64")) <= 0).any():
        return None  # only sorted distinct dates are looked up
    for stamp, frame in built.items():
        have = np.frombuffer(stamp, dtype="int64").view(DATE_DTYPE)
        pos = np.searchsorted(have, dates)
        if pos.max() >= len(have) or not (have[pos] == dates).all() or (np.diff(pos) <= 0).any():
            continue
        ks = frame["k"].to_numpy()
        starts = np.searchsorted(ks, pos, side="left")
        ends = np.searchsorted(ks, pos, side="right")
        if (np.diff(pos) == 1).all():  # consecutive dates: one slice, no copy
            part = frame.iloc[int(starts[0]) : int(ends[-1])].reset_index(drop=True)
        else:
            _, rows = _ranges_to_pairs(starts, ends)  # the rows of each date's block
            part = frame.take(rows).reset_index(drop=True)
        # positions in `dates` instead of in the larger set
        return part.assign(k=np.searchsorted(pos, part["k"].to_numpy()).astype(POSITION))
    return None


def _looked_after_at(ds: Dataset, at: np.ndarray) -> pd.DataFrame:
    """The children looked after at each date, built from the episodes open then."""
    e = episode_index(ds)
    rows, ks = expand(e["DECOM"], e["DEC"], at, dtype=POSITION)  # positions, only indexed
    # a stable sort by date (a radix sort on small integers) keeps each date's rows in
    # (cid, DECOM) order, so (date, child) groups are contiguous and sorted; keeping the last
    # row of each keeps the latest-starting episode
    small = ks.astype(np.uint16) if ks.size and ks.max() < 2**16 else ks
    order = np.argsort(small, kind="stable")
    rows = rows[order]
    del order
    # the dates in order: each date repeated as often as it has rows (no gather)
    ks = np.repeat(np.arange(len(at), dtype=POSITION), np.bincount(small, minlength=len(at)))
    cid = e["cid"].to_numpy()[rows]
    if rows.size:
        last = np.empty(rows.size, dtype=bool)
        last[-1] = True
        np.not_equal(cid[1:], cid[:-1], out=last[:-1])
        last[:-1] |= ks[1:] != ks[:-1]
        if not last.all():  # a child open twice at a date (overlapping episodes): rare
            rows, ks, cid = rows[last], ks[last], cid[last]
    return pd.DataFrame(
        {
            "period_end": np.asarray(at, dtype=DATE_DTYPE)[ks],
            "k": ks,
            "cid": cid,
            "ep": rows,
            "period_id": e["period_id"].to_numpy()[rows],
            "period_start": e["period_start"].to_numpy()[rows],
        },
        copy=False,
    )


def _uasc_until(ds: Dataset) -> np.ndarray:
    """Per child key, the date UASC status ends: the latest DUC of its `uasc` rows, an
    open-ended row (DUC blank) counting as never; NaT for a child without a `uasc` row
    (cached)."""

    def build() -> np.ndarray:
        u = ds.held("uasc")
        key = child_key(ds, u)
        duc = np.asarray(u["DUC"], dtype=DATE_DTYPE)
        duc = np.where(np.isnat(duc), np.datetime64(pd.Timestamp.max.normalize(), "ns"), duc)
        out = np.full(n_children(ds), np.datetime64("NaT"), dtype=DATE_DTYPE)
        known = key >= 0
        key, duc = key[known], duc[known]
        order = np.lexsort((duc, key))
        key, duc = key[order], duc[order]
        last = np.r_[key[1:] != key[:-1], True] if len(key) else np.zeros(0, dtype=bool)
        out[key[last]] = duc[last]
        return out

    return ds.cached("uasc_until", build)


def ever_uasc(ds: Dataset, cid: np.ndarray) -> np.ndarray:
    """True where child `cid[i]` has a `uasc` row at all (UASC at some time while looked
    after). Without a `uasc` table nobody is UASC."""
    cid = np.asarray(cid, dtype="int64")
    if "uasc" not in ds.tables or len(cid) == 0:
        return np.zeros(len(cid), dtype=bool)
    until = _uasc_until(ds)
    return (cid >= 0) & ~np.isnat(until[np.where(cid >= 0, cid, 0)])


def uasc_at(ds: Dataset, cid: np.ndarray, on: np.ndarray) -> np.ndarray:
    """True where child `cid[i]` is UASC on date `on[i]`: a `uasc` row with DUC blank or
    DUC > on[i]. Without a `uasc` table nobody is UASC."""
    cid = np.asarray(cid, dtype="int64")
    if "uasc" not in ds.tables or len(cid) == 0:
        return np.zeros(len(cid), dtype=bool)
    until = _uasc_until(ds)[np.where(cid >= 0, cid, 0)]
    on = np.asarray(on, dtype=DATE_DTYPE)
    return (cid >= 0) & ~np.isnat(until) & (until > on)
