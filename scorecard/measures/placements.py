"""Placement stability: placements in the year (short term) and long-term stability.

Both work on the placement sequence of `scorecard.placements` (which episodes start a new
placement, and since when a child has lived in the current one), for all reference dates at
once.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from .. import threads
from ..breakdowns import add_breakdowns, counted_where
from ..care import EPISODE_CORE, children, expand, looked_after_at, n_children
from ..dataset import Dataset
from ..periods import DATE_DTYPE, age_in_years, months_before, window_start
from ..placements import PLACEMENT_COLUMNS, SAME_CARER_REASONS, placement_sequence
from ..registry import measure
from .facts import join_per_key, with_facts


def _small_ints(ks: np.ndarray) -> np.ndarray:
    """Reference positions as the smallest unsigned type, so a stable sort is a radix sort."""
    return ks.astype(np.uint16) if ks.size and ks.max() < 2**16 else ks


def counted_placements(
    ds: Dataset,
    at: pd.DatetimeIndex,
    same_carer_reasons: list[str] | tuple[str, ...],
    children: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The episodes of each child overlapping the 12-month window ending at each date, and
    whether each counts as a placement.

    Counted over the child's episodes overlapping the window (DECOM <= at and (DEC blank or
    DEC > ws)) in DECOM order: the first non-temporary one counts 1, each later one counts 1
    when it starts a placement. Returns (episode row, date position, key, counts) sorted by
    date and child, with ``key = date position x children + child key``. `children`: only
    these child keys' episodes (default all).
    """
    seq = placement_sequence(ds, same_carer_reasons)
    ats = np.asarray(at, dtype=DATE_DTYPE)
    decom, dec = seq["DECOM"].to_numpy(), seq["DEC"].to_numpy()
    if children is None:
        rows, ks = expand(decom, dec, ats, window_start(at))
    else:
        some = np.flatnonzero(np.isin(seq["cid"].to_numpy(), children))
        rows, ks = expand(decom[some], dec[some], ats, window_start(at))
        rows = some[rows]
    # (episode, date) pairs come in episode order; a stable sort by date keeps each child's
    # episodes together and in DECOM order within every date
    order = np.argsort(_small_ints(ks), kind="stable")
    rows, ks = rows[order], ks[order]
    cid = seq["cid"].to_numpy()[rows]
    n_cid = max(n_children(ds), 1)
    key = ks * n_cid + cid  # non-decreasing: (date, child) groups are contiguous
    non_temp = ~seq["temporary"].to_numpy()[rows]
    # the first non-temporary episode of each (date, child)
    nt_key = key[non_temp]
    first_nt = np.zeros(rows.size, dtype=bool)
    if nt_key.size:
        first_nt[np.flatnonzero(non_temp)] = np.r_[True, nt_key[1:] != nt_key[:-1]]
    # a placement start is never temporary, so it is the first non-temporary one or later
    counts = first_nt | seq["starts_placement"].to_numpy()[rows]
    return rows, ks, key, counts


def placements_in_window(
    ds: Dataset,
    at: pd.DatetimeIndex,
    same_carer_reasons: list[str] | tuple[str, ...] = SAME_CARER_REASONS,
) -> pd.DataFrame:
    """Placements each child had in the 12-month window ending at each date (see
    `counted_placements`). Returns `period_end`, `cid`, `placements` for every child with at
    least one episode in the window, sorted by date and child."""
    keys, total = _window_counts(ds, at, same_carer_reasons)
    n_cid = max(n_children(ds), 1)
    ats = np.asarray(at, dtype=DATE_DTYPE)
    return pd.DataFrame(
        {"period_end": ats[keys // n_cid], "cid": keys % n_cid, "placements": total}
    )


def _window_counts(
    ds: Dataset,
    at: pd.DatetimeIndex,
    reasons: list[str] | tuple[str, ...],
    children: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Placements per (date, child) with an episode in the window: the sorted keys
    ``date position x children + child key`` and the counts (of `children` only, when
    given). Cached per dataset, dates and same-carer reasons for all children."""

    def build() -> tuple[np.ndarray, np.ndarray]:
        _, _, key, counts = counted_placements(ds, at, reasons, children)
        group_start = np.flatnonzero(np.r_[True, key[1:] != key[:-1]]) if key.size else key
        total = np.add.reduceat(counts.astype("int64"), group_start) if key.size else key
        return key[group_start], total

    if children is not None:
        return build()
    stamp = np.asarray(at, dtype=DATE_DTYPE).view("int64").tobytes().hex()
    return ds.cached(f"placements_in_window:{stamp}:{tuple(reasons)}", build)


def placements_counted(
    ds: Dataset,
    at: pd.DatetimeIndex,
    units: pd.DataFrame,
    same_carer_reasons: list[str] | tuple[str, ...],
) -> np.ndarray:
    """For each unit (a child at a date), the placements counted in the window as text,
    'PLACE from dd/mm/YYYY; ...' in DECOM order ('' when none)."""
    rows, _, key, counts = counted_placements(ds, at, same_carer_reasons)
    rows, key = rows[counts], key[counts]
    seq = placement_sequence(ds, same_carer_reasons)
    decom = pd.Series(np.asarray(seq["DECOM"], dtype=DATE_DTYPE)[rows]).dt.strftime("%d/%m/%Y")
    place = pd.Series(seq["PLACE"].to_numpy()[rows], dtype="string").fillna("blank PLACE")
    text = (place + " from " + decom.astype("string")).to_numpy(dtype=object)
    joined = join_per_key(key, text)
    ats = np.asarray(at, dtype=DATE_DTYPE)
    n_cid = max(n_children(ds), 1)
    k = np.searchsorted(ats, np.asarray(units["period_end"], dtype=DATE_DTYPE))
    want = k * n_cid + units["cid"].to_numpy()
    return joined.reindex(want).fillna("").to_numpy(dtype=object)


def _placements_of(
    units: pd.DataFrame, ats: np.ndarray, keys: np.ndarray, total: np.ndarray, n_cid: int
) -> np.ndarray:
    """The placements counted for each unit (a child at a date; 0 where none), looked up by
    ``date position x children + child key`` in a dense table of the smallest integer type
    (or by a sorted search when that table would be large)."""
    k = np.searchsorted(ats, np.asarray(units["period_end"], dtype=DATE_DTYPE))
    want = k * n_cid + units["cid"].to_numpy()
    size = len(ats) * n_cid
    if size <= 8 * max(len(keys) + len(want), 1_000_000):
        table = np.zeros(size, dtype=np.min_scalar_type(int(total.max(initial=0))))
        table[keys] = total
        return table[want].astype("int64")
    pos = np.clip(np.searchsorted(keys, want), 0, max(len(keys) - 1, 0))
    hit = (keys[pos] == want) if len(keys) else np.zeros(len(want), dtype=bool)
    return np.where(hit, total[pos] if len(keys) else 0, 0)


def placements_held(
    ds: Dataset, at: pd.DatetimeIndex, reasons: list[str] | tuple[str, ...]
) -> np.ndarray:
    """The placements counted in the window for each child looked after at each date, in
    the rows of `care.looked_after_at(ds, at)` (cached per dataset, dates and same-carer
    reasons: the 3+ and 2+ indicators share it).

    A child whose episodes never overlap (each DEC no earlier than the one before, a blank
    DEC last) has its episodes in a window as one run, from the first that ends after the
    window starts to the one held at the date: its count is the placement starts in that
    run plus 1 when the run's first non-temporary episode is not itself a start, read from
    running totals without listing (episode, window) pairs. Children with overlapping
    episodes (a data error) are counted over their pairs (`counted_placements`). Held as
    int32 for the dataset's life (a count of placements in a year)."""
    stamp = np.asarray(at, dtype=DATE_DTYPE).view("int64").tobytes().hex()
    key = f"placements_held:{stamp}:{tuple(reasons)}"
    return ds.cached(key, lambda: _placements_held(ds, at, reasons))


def _placements_held(
    ds: Dataset, at: pd.DatetimeIndex, reasons: list[str] | tuple[str, ...]
) -> np.ndarray:
    """Placements in the window of each child looked after at each date (`placements_held`)."""
    units = looked_after_at(ds, at)
    ats = np.asarray(at, dtype=DATE_DTYPE)
    n_cid = max(n_children(ds), 1)
    cid, ep = units["cid"].to_numpy(), units["ep"].to_numpy()
    seq = placement_sequence(ds, reasons)
    days = _whole_days(seq["DEC"].to_numpy(), np.asarray(window_start(at), dtype=DATE_DTYPE))
    if days is None or (cid < 0).any():  # not whole days, or unknown children: by pairs
        keys, total = _window_counts(ds, at, reasons)
        return _placements_of(units, ats, keys, total, n_cid).astype(np.int32)
    dec_day, ws_day, width = days
    child = seq["cid"].to_numpy()
    # children whose DEC goes down from one episode to the next: episodes overlap
    down = (child[1:] == child[:-1]) & (dec_day[1:] < dec_day[:-1])
    overlapping = np.zeros(n_cid, dtype=bool)
    overlapping[child[1:][down]] = True
    starts = seq["starts_placement"].to_numpy()
    n = len(starts)
    run = np.r_[0, np.cumsum(starts, dtype="int64")]
    # the next non-temporary episode at or after each position
    at_or_after = np.where(seq["temporary"].to_numpy(), n, np.arange(n))
    next_non_temp = np.r_[np.minimum.accumulate(at_or_after[::-1])[::-1], n]
    ends = _episode_ends(child, dec_day, width)
    k = units["k"].to_numpy()
    held = np.empty(len(units), dtype=np.int32)

    def block(start: int) -> None:
        """Units `start` to `start + _UNITS`: a search and gathers that let go of Python's
        lock, so blocks run side by side in threads."""
        part = slice(start, start + _UNITS)
        mine = ep[part]
        first = _run_starts(ends, cid[part], width, ws_day[k[part]])
        lead = next_non_temp[first]
        extra = (lead <= mine) & ~starts[np.minimum(lead, max(n - 1, 0))]
        held[part] = run[mine + 1] - run[first] + extra

    threads.each(block, range(0, len(units), _UNITS))
    odd = overlapping[cid]
    if odd.any():
        keys, total = _window_counts(ds, at, reasons, children=np.flatnonzero(overlapping))
        held[odd] = _placements_of(units.loc[odd], ats, keys, total, n_cid)
    return held


_UNITS = 1 << 18  # units at a time in `_placements_held`


def _episode_ends(child: np.ndarray, dec_day: np.ndarray, width: int) -> np.ndarray:
    """``child x width + DEC day`` per episode as int64 (the child keys are int32, which
    NumPy would multiply in int32 and let wrap around past 2**31: 590,000 children over
    ten years of days, a national pool)."""
    ends = child.astype("int64")
    ends *= width
    ends += dec_day
    return ends


def _run_starts(ends: np.ndarray, cid: np.ndarray, width: int, ws_day: np.ndarray) -> np.ndarray:
    """For each unit (child `cid` at a date whose window starts on `ws_day`), the first
    episode of its run in the window: the child's first episode that ends after the window
    starts. `ends` is ``child x width + DEC day`` per episode: a child's episodes that never
    overlap end in order, so one binary search over it finds the episode; episodes sort by
    child first, so a child whose episodes overlap (counted apart by the caller) cannot
    mislead the search for the others."""
    wanted = cid.astype("int64")  # int32 keys widened first, as in `_episode_ends`
    wanted *= width
    wanted += ws_day
    return np.searchsorted(ends, wanted, side="right")


def _whole_days(
    dec: np.ndarray, window_starts: np.ndarray
) -> tuple[np.ndarray, np.ndarray, int] | None:
    """DEC and window starts as day numbers from the earliest of them (a blank DEC after
    every day) and the width of that range; None when a date is not a whole day."""
    day = np.timedelta64(1, "D").astype("timedelta64[ns]").astype("int64")
    blank = np.isnat(dec)
    ns, ws = dec.view("int64"), window_starts.view("int64")
    days = ns // day
    # a time of day (checked without a remainder, which is far dearer)
    if not ((days * day == ns) | blank).all() or (ws % day).any():
        return None
    known = days[~blank]
    lo = min(int(known.min()) if len(known) else 0, int(ws.min()) // day)
    hi = max(int(known.max()) if len(known) else 0, int(ws.max()) // day)
    width = hi - lo + 2
    days -= lo
    days[blank] = width - 1
    return days, ws // day - lo, width


SEQUENCE_BESIDE = 200_000  # episodes from which the placement sequence is worth a thread


def _sequence_beside(ds: Dataset, reasons: list[str] | tuple[str, ...]) -> Callable[[], None]:
    """On large data, the placement sequence worked out in a thread while the caller finds
    the children looked after (both read the episode index; they are independent after
    it); returns what waits for that thread."""
    if "episodes" not in ds.tables or len(ds.held("episodes")) < SEQUENCE_BESIDE:
        return lambda: None
    return threads.beside(lambda: placement_sequence(ds, reasons), "scorecard-placements")


@measure(
    stat="percent",
    unit="child looked after",
    reads={"episodes": (*EPISODE_CORE, *PLACEMENT_COLUMNS)},
    codes={"same_carer_reasons": "RNE"},
)
def placement_moves(
    ds: Dataset,
    at: pd.DatetimeIndex,
    by: list[str],
    *,
    detail: bool = False,
    min_placements: int = 3,
    same_carer_reasons: list[str] = SAME_CARER_REASONS,
) -> pd.DataFrame:
    """Percent of children looked after at `at` with `min_placements` or more placements in
    the 12 months to `at` (DfE short-term placement stability). Units: the children looked
    after at `at`; facts: the placements counted, with their start dates."""
    sequence = _sequence_beside(ds, same_carer_reasons)
    units = looked_after_at(ds, at)
    placements = placements_held(ds, at, same_carer_reasons)
    sequence()
    units = counted_where(units, placements >= min_placements)
    units = add_breakdowns(
        ds, units, by, entry_date="period_start", indicator="placement stability (short term)"
    )
    if detail:
        units = with_facts(
            units,
            placements=placements.astype("int64"),
            placements_counted=placements_counted(ds, at, units, same_carer_reasons),
        )
    return units


@measure(
    stat="percent",
    unit="child looked after for 2.5 years, under 16",
    reads={"episodes": (*EPISODE_CORE, *PLACEMENT_COLUMNS), "header": ("CHILD", "DOB")},
    codes={"same_carer_reasons": "RNE"},
)
def long_term_stability(
    ds: Dataset,
    at: pd.DatetimeIndex,
    by: list[str],
    *,
    detail: bool = False,
    max_age: int = 16,
    care_months: int = 30,
    tenure_months: int = 24,
    same_carer_reasons: list[str] = SAME_CARER_REASONS,
) -> pd.DataFrame:
    """Percent of children looked after at `at`, under `max_age`, in their current period of
    care for `care_months` or more, whose placement tenure is `tenure_months` or more. Units:
    the children in that cohort; facts: period start, tenure start (since when in the
    placement), age."""
    seq = placement_sequence(ds, same_carer_reasons)
    units = looked_after_at(ds, at)
    ats = np.asarray(at, dtype=DATE_DTYPE)
    k = np.searchsorted(ats, np.asarray(units["period_end"], dtype=DATE_DTYPE))
    care_cutoff = np.asarray(months_before(pd.DatetimeIndex(ats), care_months), dtype=DATE_DTYPE)
    tenure_cutoff = np.asarray(
        months_before(pd.DatetimeIndex(ats), tenure_months), dtype=DATE_DTYPE
    )
    # in care long enough (cheap) first, then young enough
    long_enough = np.asarray(units["period_start"], dtype=DATE_DTYPE) <= care_cutoff[k]
    units, k = units.loc[long_enough], k[long_enough]
    dob = children(ds)["DOB"].to_numpy()[units["cid"].to_numpy()]
    age = age_in_years(dob, units["period_end"])
    young = ~np.isnan(age) & (age < max_age)
    units, k = units.loc[young].reset_index(drop=True), k[young]
    tenure = seq["tenure_start"].to_numpy()[units["ep"].to_numpy()]
    units = counted_where(units, tenure <= tenure_cutoff[k])
    units = add_breakdowns(
        ds, units, by, entry_date="period_start", indicator="placement stability (long term)"
    )
    if detail:
        units = with_facts(units, tenure_start=tenure, age=age[young])
    return units
