"""Re-referrals to children's social care within 12 months (SPEC section 5, `re_referral_rate`).

A referral is a row of the CIN census `referrals` table, de-duplicated on (LAchildID,
CINreferralDate) — and LA on pooled data, where child ids are only unique within an LA.
The denominator is the referrals whose CINreferralDate falls in the 12-month window ending at
`at`; the numerator is those for which the same child has an earlier referral on or after the
same calendar day `months` months before (clipped to month end, `periods.months_before`) and
strictly before the referral. History before the window counts.

Decisions (documented here because they change numbers):
- Rows without a CINreferralDate are not referrals we can place in time: they are dropped.
- Rows without a LAchildID cannot be linked to a child: each counts as a referral (in the
  denominator) but is never de-duplicated and never a re-referral. (The loader rejects blank
  LAchildID and CINreferralDate; these rules guard frames built past it.)
- Among same-day duplicates the first row in file order is kept (its ReferralSource etc. are
  the ones used for breakdowns).

Vectorised: referrals are sorted by child and date once and each compared with the child's
previous distinct referral (the latest earlier one, so checking it alone is enough). Then
referrals are aggregated per (date, breakdown values) before being assigned to the
reference windows with `care.events_in_windows`, so 40 quarter ends over 6 million
referrals never rescan the table per date.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..breakdowns import CHILD_BREAKDOWNS, PRIVATE_COLUMNS, BreakdownError, summarise
from ..care import events_in_windows, factorize, identifier_numbers
from ..compact import factorized_as_held, taken
from ..dataset import REFERRAL_CHILD_CODES, Dataset
from ..periods import DATE_DTYPE, DAY_NS, months_before, window_start
from ..registry import measure
from .facts import with_facts

INDICATOR = "re_referral_rate"
CHILD_COL = "LAchildID"
DATE_COL = "CINreferralDate"
UNKNOWN = "Unknown"
NO_DAY = np.iinfo("int32").min  # no previous referral
NOT_LINKED = (
    "referrals identify children by the CIN census LAchildID, which is not linked to the "
    "SSDA903 header, so age, sex, UASC status and district are not available; break down by "
    "a column of the referrals table (ReferralSource, PrimaryNeedCode ...)."
)


def child_codes(frame: pd.DataFrame, la_codes: np.ndarray | None = None) -> np.ndarray:
    """Integer key per row for (LA, LAchildID); -1 where LAchildID is blank. `la_codes`:
    the LA column already factorized (codes, -1 blank)."""
    ids, uniques = factorize(frame[CHILD_COL])
    ids = ids.astype("int64", copy=False)
    if "LA" not in frame.columns:
        return ids
    if la_codes is None:
        la_codes = factorize(frame["LA"])[0]
    key = (la_codes.astype("int64", copy=False) + 1) * max(len(uniques), 1) + ids
    return np.where(ids < 0, -1, key)


def _child_sort_key(ds: Dataset, ref: pd.DataFrame, rows: np.ndarray | None) -> np.ndarray:
    """`child_codes + 1` of the referrals at `rows` (default all) as a new int64 array: 0
    for a referral without a LAchildID."""
    ids, width = identifier_numbers(ref[CHILD_COL], ds.handed(REFERRAL_CHILD_CODES))
    if rows is not None:
        ids = ids[rows]
    if "LA" in ref.columns:
        la = _factorized(ds, "LA")[0]
        key = (la if rows is None else la[rows]).astype("int64")  # written, never zeros
        key += 1
        key *= max(width, 1)
        key += ids
    else:
        key = ids.astype("int64")
    key += 1
    if len(ids) and ids.min() < 0:
        key[ids < 0] = 0
    return key


def _factorized(ds: Dataset, name: str) -> tuple[np.ndarray, pd.Index]:
    """Column `name` of `referrals` factorized (codes, -1 blank; uniques), cached: the LA
    serves both the child key and the LA breakdown. The codes are of the smallest signed
    integer type that holds them."""

    def build() -> tuple[np.ndarray, pd.Index]:
        column = ds.held("referrals")[name]
        own = factorized_as_held(column)  # a column held compact: its own codes, no copy
        if own is not None:
            return own
        codes, uniques = factorize(column)
        return codes.astype(np.min_scalar_type(-max(len(uniques), 1)), copy=False), uniques

    return ds.cached(f"referral_factorized:{name}", build)


@dataclass(frozen=True)
class _History:
    """De-duplicated referrals sorted by child and date, as arrays: `row` (position in the
    `referrals` table; None when they are the table's rows in order, as a census listed
    child by child with no blank date or same-day repeat is: 25 MB saved on 6 million
    referrals), `day` (CINreferralDate as days since 1970), `rereferral` and `previous`
    (the day of the child's previous distinct referral; NO_DAY when none). Positions and
    days are int32 (no table has 2**31 rows; days since 1970 fit): they are kept for the
    life of the dataset, at half the memory of int64."""

    row: np.ndarray | None
    day: np.ndarray
    rereferral: np.ndarray
    previous: np.ndarray


def _history(ds: Dataset, months: int) -> _History:
    """The re-referral flag of every distinct referral (cached per dataset and `months`).

    One int64 sort key (child, day), stable so that the first of same-day duplicates in
    file order is kept; each referral is then compared with the child's previous distinct
    one (the latest earlier one, so checking it alone is enough)."""

    def build() -> _History:
        ref = ds.held("referrals")
        dates = np.asarray(ref[DATE_COL], dtype=DATE_DTYPE)
        blank = np.isnat(dates)
        rows = np.flatnonzero(~blank) if blank.any() else None
        if rows is not None:
            dates = dates[rows]
        if not len(dates):
            empty = np.zeros(0, dtype="int32")
            return _History(empty, empty, np.zeros(0, dtype=bool), empty)
        # the day of each referral (days since 1970, floored as datetime64[D] does; they fit
        # int32 as the days `id_codes` gives do)
        day = np.empty(len(dates), dtype="int32")
        np.floor_divide(dates.view("int64"), DAY_NS, out=day, casting="unsafe")
        first = int(day.min())
        span = int(day.max()) - first + 1
        # (child + 1, day) in one int64, child 0 a referral without a LAchildID; built in
        # place on one array (millions of rows: every temporary costs fresh memory)
        sort_key = _child_sort_key(ds, ref, rows)
        sort_key *= span
        day -= first
        sort_key += day
        del day
        # a census child by child is in order already: its rows stay as they are
        if not (sort_key[1:] >= sort_key[:-1]).all():
            order = np.argsort(sort_key, kind="stable")
            sort_key = sort_key[order]
            rows = order if rows is None else rows[order]
            del order
        # the first of same-day duplicates (a child's equal keys) is kept
        duplicate = np.empty(len(sort_key), dtype=bool)
        duplicate[0] = False
        np.equal(sort_key[1:], sort_key[:-1], out=duplicate[1:])
        duplicate &= sort_key >= span  # never two referrals without a LAchildID
        if duplicate.any():
            keep = ~duplicate
            rows = np.flatnonzero(keep) if rows is None else rows[keep]
            sort_key = sort_key[keep]
        del duplicate
        # the child and the day (from `first`) at once, the day in place of the key; the
        # child as int32 where it fits (the key is sorted: its last is the largest)
        wide = int(sort_key[-1]) // span > np.iinfo("int32").max
        child = np.empty(len(sort_key), dtype="int64" if wide else "int32")
        np.divmod(sort_key, span, out=(child, sort_key), casting="unsafe")
        offset = sort_key
        same_child = np.empty(len(child), dtype=bool)
        same_child[0] = False
        np.equal(child[1:], child[:-1], out=same_child[1:])
        same_child &= child > 0
        del child
        # the same calendar day `months` before each day of the span (a few thousand), from
        # `first`; a re-referral when the child's previous referral is on or after it. Days
        # from `first` and days since 1970 fit int32 (datetime64[ns] spans 584 years)
        calendar = pd.DatetimeIndex((np.arange(span) + first).astype("datetime64[D]"))
        lower = np.asarray(months_before(calendar, months), dtype="datetime64[D]").view("int64")
        before = np.empty(len(offset), dtype="int32")
        before[0] = NO_DAY
        before[1:] = offset[:-1]
        rereferral = before >= (lower - first).astype("int32")[offset]
        rereferral &= same_child
        day = offset
        day += first
        before += first  # where no previous referral, NO_DAY again below
        np.copyto(before, NO_DAY, where=~same_child)
        return _History(None if rows is None else _narrow(rows), _narrow(day), rereferral, before)

    return ds.cached(f"referral_history_arrays:{months}", build)


def _narrow(values: np.ndarray) -> np.ndarray:
    """int64 positions or days as int32 (checked: never a silent wrap)."""
    small = values.astype("int32", copy=False)
    if len(values) and (int(values.min()) < NO_DAY or int(values.max()) > 2**31 - 1):
        raise OverflowError("referral positions or days beyond int32")
    return small


def referral_history(ds: Dataset, months: int = 12) -> pd.DataFrame:
    """De-duplicated referrals with their re-referral flag (cached per dataset and `months`).

    Columns: `row` (position in the `referrals` table), `date` (CINreferralDate),
    `rereferral` (True when the child's previous distinct referral is on or after the same
    calendar day `months` months earlier) and `previous` (the date of that previous
    referral; NaT when none). Sorted by child and date.
    """

    def build() -> pd.DataFrame:
        h = _history(ds, months)
        none = h.previous == NO_DAY
        previous = np.where(none, 0, h.previous).astype("datetime64[D]").astype(DATE_DTYPE)
        return pd.DataFrame(
            {
                "row": np.arange(len(h.day)) if h.row is None else h.row.astype("int64"),
                "date": h.day.astype("datetime64[D]").astype(DATE_DTYPE),
                "rereferral": h.rereferral,
                "previous": np.where(none, np.datetime64("NaT", "ns"), previous),
            },
            copy=False,
        )

    return ds.cached(f"referral_history:{months}", build)


def _check_by(ds: Dataset, by: list[str]) -> None:
    ref = ds.held("referrals")
    dates = {c for c in ref.columns if pd.api.types.is_datetime64_any_dtype(ref[c])}
    columns = [c for c in ref.columns if c not in PRIVATE_COLUMNS and c not in dates]
    for name in by:
        if name in PRIVATE_COLUMNS:
            raise BreakdownError(
                f"{INDICATOR} cannot be broken down by {name!r}: it identifies a child."
            )
        if name in CHILD_BREAKDOWNS:
            raise BreakdownError(
                f"{INDICATOR} cannot be broken down by {name!r}: {NOT_LINKED} "
                f"Available: {', '.join(columns)}."
            )
        if name == "LA" and "LA" not in ref.columns:
            raise BreakdownError(
                f"{INDICATOR} cannot be broken down by LA: the referrals table has no LA column "
                "(only pooled data can be broken down by LA)."
            )
        if name not in columns and name != "LA":
            raise BreakdownError(
                f"{INDICATOR} cannot be broken down by {name!r}: the referrals table has no such "
                f"category column. Available: {', '.join(columns) or 'none'}."
            )


def _category_codes(ds: Dataset, name: str) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes per `referrals` row for breakdown column `name` and their labels
    (blank -> 'Unknown'), the labels sorted as text; cached, so several breakdown calls
    factorize once. The codes are of the smallest integer type that holds them (int8 for
    150 LAs: kept for the life of the dataset)."""

    def build() -> tuple[np.ndarray, np.ndarray]:
        # factorize the millions of rows once, then label the few distinct values (a blank
        # is the extra last one) and merge any that read the same
        raw, uniques = _factorized(ds, name)
        names = pd.Series(np.append(np.asarray(uniques, dtype=object), None), dtype=object)
        merged, labels = pd.factorize(names.astype("string").fillna(UNKNOWN), sort=True)
        small = np.min_scalar_type(-max(len(labels), 1))  # a signed type holding every code
        return merged.astype(small)[raw], np.asarray(labels, dtype=object)

    return ds.cached(f"referral_codes:{name}", build)


def _in_windows(ds: Dataset, at: pd.DatetimeIndex, months: int) -> pd.DataFrame:
    """The referral history restricted to referrals inside some window ending at `at`."""
    hist = referral_history(ds, months)
    lo = np.asarray(window_start(at.min()), dtype=DATE_DTYPE)
    hi = np.asarray(at.max(), dtype=DATE_DTYPE)
    dates = hist["date"].to_numpy()
    return hist.loc[(dates >= lo) & (dates <= hi)]


def _labels(ds: Dataset, name: str, rows: np.ndarray) -> pd.Categorical:
    """Breakdown `name` of the referrals at `rows`, categorical over its sorted labels."""
    codes, names = _category_codes(ds, name)
    cats = pd.Index(pd.array(names, dtype="string"))
    return pd.Categorical.from_codes(codes[rows], categories=cats)


def _days(dates: object) -> np.ndarray:
    return np.asarray(dates, dtype=DATE_DTYPE).astype("datetime64[D]").view("int64")


def _fast(ds: Dataset, at: pd.DatetimeIndex, by: list[str], *, months: int = 12) -> pd.DataFrame:
    """The figure straight from the step the units share (`_history` and the breakdown
    codes): referrals and re-referrals are counted per (day, breakdown values), then summed
    over each window as a difference of running totals, so 40 quarter ends over 6 million
    referrals never build a unit row. The sums are the units' sums (checked by the tests)."""
    _check_by(ds, by)
    h = _history(ds, months)
    at_day, ws_day = _days(at), _days(window_start(at))
    # the days of the windows are 1 .. n_days; a referral before them counts on day 0, one
    # after them on day n_days + 1, outside every window (no copies of the rows inside)
    lo = int(ws_day.min()) - 1
    n_days = int(at_day.max()) - lo + 2
    rows = h.row
    day = h.day - lo  # a copy of our own
    np.clip(day, 0, n_days - 1, out=day)
    # per (breakdown cell, day): referrals and re-referrals, sorted by cell then day; built
    # in place on one int64 array (millions of rows: every temporary costs fresh memory)
    labels: list[np.ndarray] = []
    flat: np.ndarray | None = None
    for name in by:
        codes, names = _category_codes(ds, name)
        mine = codes if rows is None else codes[rows]
        if flat is None:
            flat = mine.astype("int64")  # a copy of our own: the codes are narrow, widen first
        else:
            flat *= len(names)
            flat += mine
        labels.append(names)
    n_cells = int(np.prod([len(n) for n in labels], dtype="int64"))
    if flat is None:
        flat = day.astype("int64")
    else:
        flat *= n_days
        flat += day
    del day
    flag = h.rereferral
    if n_cells * n_days <= 50_000_000:
        den = np.bincount(flat, minlength=n_cells * n_days)
        keys = np.flatnonzero(den)
        num, den = np.bincount(flat[flag], minlength=n_cells * n_days)[keys], den[keys]
    else:  # very many breakdown combinations: sort instead of a dense table
        keys, inverse = np.unique(flat, return_inverse=True)
        den, num = np.bincount(inverse), np.bincount(inverse[flag], minlength=len(keys))
    run_den, run_num = np.r_[0, np.cumsum(den)], np.r_[0, np.cumsum(num)]
    # each (date, cell): the referrals from its window start to its date
    k, c = np.divmod(np.arange(len(at_day) * n_cells, dtype="int64"), n_cells)
    first = np.searchsorted(keys, c * n_days + (ws_day[k] - lo), side="left")
    last = np.searchsorted(keys, c * n_days + (at_day[k] - lo), side="right")
    numerator = (run_num[last] - run_num[first]).astype("float64")
    denominator = (run_den[last] - run_den[first]).astype("float64")
    if by:
        if not denominator.any():  # no referral in any window: as an empty aggregation
            return summarise(
                pd.DataFrame(columns=["period_end", *by, "num", "den"]), at, by, "percent"
            )
        seen = denominator > 0
        k, c, numerator, denominator = k[seen], c[seen], numerator[seen], denominator[seen]
    out = pd.DataFrame({"period_end": np.asarray(at, dtype=DATE_DTYPE)[k]})
    for name, names in zip(reversed(by), reversed(labels)):
        c, code = np.divmod(c, len(names))
        # as `summarise` gives the units' labels: categorical, the LA as plain strings
        cats = pd.Categorical.from_codes(code, categories=pd.Index(pd.array(names, "string")))
        out[name] = pd.Series(cats).astype("str") if name == "LA" else cats
    out = out[["period_end", *by]]
    out["numerator"] = numerator
    out["denominator"] = denominator
    with np.errstate(divide="ignore", invalid="ignore"):
        out["value"] = np.where(denominator > 0, 100.0 * numerator / denominator, np.nan)
    return out


def _needs_from(at: pd.DatetimeIndex, params: Mapping[str, Any]) -> pd.DatetimeIndex:
    """The first day of referrals a date's figure needs: `months` before the window's first
    day. At 28/02/2025 the window starts 29/02/2024, whose 12 months start 28/02/2023 (no
    29th): a day before the catalogue's 24 months counted back from the date."""
    return pd.DatetimeIndex(months_before(window_start(at), int(params["months"])))


@measure(
    stat="percent",
    unit="referral",
    reads={"referrals": (CHILD_COL, DATE_COL)},
    refuses=dict.fromkeys(CHILD_BREAKDOWNS, NOT_LINKED),
    fast=_fast,
    needs_from=_needs_from,
)
def re_referrals(
    ds: Dataset, at: pd.DatetimeIndex, by: list[str], *, detail: bool = False, months: int = 12
) -> pd.DataFrame:
    """Percent of referrals in the window with an earlier referral of the same child within
    `months`. Units: the referrals in the window (de-duplicated); facts: LAchildID, the
    referral date and the previous referral's date."""
    _check_by(ds, by)
    hist = _in_windows(ds, at, months)
    pos, ks = events_in_windows(hist["date"], at)
    picked = hist.iloc[pos]
    rows = picked["row"].to_numpy()
    units = pd.DataFrame(
        {
            "period_end": np.asarray(at, dtype=DATE_DTYPE)[ks],
            "num": picked["rereferral"].to_numpy(dtype="float64"),
            "den": 1.0,
        }
    )
    for name in by:
        units[name] = _labels(ds, name, rows)
    if detail:
        ref = ds.held("referrals")  # only the rows shown are written out
        facts = {"LA": taken(ref["LA"], rows).to_numpy()} if "LA" in ref.columns else {}
        units = with_facts(
            units,
            **facts,
            LAchildID=ref[CHILD_COL].to_numpy()[rows],
            CINreferralDate=picked["date"].to_numpy(),
            previous_referral=picked["previous"].to_numpy(),
        )
    return units
