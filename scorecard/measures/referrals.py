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

import numpy as np
import pandas as pd

from ..breakdowns import CHILD_BREAKDOWNS, PRIVATE_COLUMNS, BreakdownError, summarise
from ..care import events_in_windows
from ..dataset import Dataset
from ..periods import DATE_DTYPE, months_before, window_start
from ..registry import measure
from .facts import with_facts

INDICATOR = "re_referral_rate"
CHILD_COL = "LAchildID"
DATE_COL = "CINreferralDate"
UNKNOWN = "Unknown"
NOT_LINKED = (
    "referrals identify children by the CIN census LAchildID, which is not linked to the "
    "SSDA903 header, so age, sex, UASC status and district are not available; break down by "
    "a column of the referrals table (ReferralSource, PrimaryNeedCode ...)."
)


def child_codes(frame: pd.DataFrame) -> np.ndarray:
    """Integer key per row for (LA, LAchildID); -1 where LAchildID is blank."""
    id_codes, uniques = pd.factorize(frame[CHILD_COL], use_na_sentinel=True)
    id_codes = id_codes.astype("int64")
    if "LA" not in frame.columns:
        return id_codes
    la_codes, _ = pd.factorize(frame["LA"], use_na_sentinel=True)
    key = (la_codes.astype("int64") + 1) * max(len(uniques), 1) + id_codes
    return np.where(id_codes < 0, -1, key)


def referral_history(ds: Dataset, months: int = 12) -> pd.DataFrame:
    """De-duplicated referrals with their re-referral flag (cached per dataset and `months`).

    Columns: `row` (position in the `referrals` table), `date` (CINreferralDate),
    `rereferral` (True when the child's previous distinct referral is on or after the same
    calendar day `months` months earlier) and `previous` (the date of that previous
    referral; NaT when none). Sorted by child and date.
    """

    def build() -> pd.DataFrame:
        ref = ds.table("referrals")
        dates = np.asarray(ref[DATE_COL], dtype=DATE_DTYPE)
        key = child_codes(ref)
        idx = np.flatnonzero(~np.isnat(dates))
        if not len(idx):
            return pd.DataFrame(
                {
                    "row": idx,
                    "date": dates[idx],
                    "rereferral": np.zeros(0, dtype=bool),
                    "previous": dates[idx],
                }
            )
        day = dates[idx].astype("datetime64[D]").astype("int64")
        first = day.min() if len(day) else 0
        day -= first
        span = int(day.max()) + 1 if len(day) else 1
        # one int64 sort key (child, day); a stable sort keeps file order within a day,
        # so the first of same-day duplicates is kept
        order = np.argsort((key[idx] + 1) * span + day, kind="stable")
        idx, day, k = idx[order], day[order], key[idx][order]
        same_child = (k[1:] == k[:-1]) & (k[1:] >= 0)
        keep = ~np.r_[False, same_child & (day[1:] == day[:-1])]
        idx, day, k = idx[keep], day[keep], k[keep]
        same_child = np.r_[False, (k[1:] == k[:-1]) & (k[1:] >= 0)]
        previous = np.r_[-1, day[:-1]]
        # the same calendar day `months` earlier, for each day of the span (a few thousand)
        calendar = pd.DatetimeIndex(
            (np.arange(span) + first).astype("datetime64[D]").astype(DATE_DTYPE)
        )
        lower = (
            np.asarray(months_before(calendar, months), dtype="datetime64[D]").astype("int64")
            - first
        )
        rereferral = same_child & (previous >= lower[day])
        d = (day + first).astype("datetime64[D]").astype(DATE_DTYPE)
        before = np.where(same_child, previous + first, np.iinfo("int64").min)
        prior = np.where(same_child, before.astype("datetime64[D]"), np.datetime64("NaT")).astype(
            DATE_DTYPE
        )
        return pd.DataFrame({"row": idx, "date": d, "rereferral": rereferral, "previous": prior})

    return ds.cached(f"referral_history:{months}", build)


def _check_by(ds: Dataset, by: list[str]) -> None:
    ref = ds.table("referrals")
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
    (blank -> 'Unknown'); cached, so several breakdown calls factorize once."""

    def build() -> tuple[np.ndarray, np.ndarray]:
        # factorize the millions of rows once, then label the few distinct values (a blank
        # is the extra last one) and merge any that read the same
        raw, uniques = pd.factorize(ds.table("referrals")[name], use_na_sentinel=True)
        names = pd.Series(np.append(np.asarray(uniques, dtype=object), None), dtype=object)
        merged, labels = pd.factorize(names.astype("string").fillna(UNKNOWN))
        return merged.astype("int64")[raw], np.asarray(labels, dtype=object)

    return ds.cached(f"referral_codes:{name}", build)


def _daily_counts(
    ds: Dataset, hist: pd.DataFrame, by: list[str]
) -> tuple[np.ndarray, dict[str, np.ndarray], np.ndarray, np.ndarray]:
    """Referrals and re-referrals per (day, breakdown values): dates, breakdown labels,
    numerators and denominators of the non-empty cells."""
    if hist.empty:
        none = np.array([], dtype="float64")
        return (
            np.array([], dtype=DATE_DTYPE),
            {n: np.array([], dtype=object) for n in by},
            none,
            none,
        )
    day = hist["date"].to_numpy().astype("datetime64[D]").astype("int64")
    first = day.min()
    key = day - first
    size = int(key.max()) + 1
    rows = hist["row"].to_numpy()
    labels: list[np.ndarray] = []
    for name in by:
        codes, names = _category_codes(ds, name)
        key = key * len(names) + codes[rows]
        size *= max(len(names), 1)
        labels.append(names)
    flag = hist["rereferral"].to_numpy(dtype="float64")
    if size <= 50_000_000:
        den = np.bincount(key, minlength=size)
        num = np.bincount(key, weights=flag, minlength=size)
        cells = np.flatnonzero(den)
        den, num = den[cells], num[cells]
    else:  # very many breakdown combinations: sort instead of a dense table
        cells, inverse = np.unique(key, return_inverse=True)
        den = np.bincount(inverse)
        num = np.bincount(inverse, weights=flag)
    out: dict[str, np.ndarray] = {}
    for name, names in zip(reversed(by), reversed(labels)):
        out[name] = names[cells % len(names)]
        cells = cells // len(names)
    dates = (cells + first).astype("datetime64[D]").astype(DATE_DTYPE)
    return dates, out, num, den.astype("float64")


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
    order = cats.argsort()
    rank = np.empty(len(cats), dtype="int64")
    rank[order] = np.arange(len(cats))
    return pd.Categorical.from_codes(rank[codes[rows]], categories=cats[order])


def _fast(ds: Dataset, at: pd.DatetimeIndex, by: list[str], *, months: int = 12) -> pd.DataFrame:
    """The figure straight from the step the units share (`referral_history` and the
    breakdown labels): referrals are counted per day before being spread over the windows,
    so 40 quarter ends over 6 million referrals never build 24 million unit rows. The sums
    are the units' sums (checked by the tests)."""
    _check_by(ds, by)
    hist = _in_windows(ds, at, months)
    # aggregate per day (and breakdown value) before spreading over the reference windows
    days, labels, num, den = _daily_counts(ds, hist, by)
    pos, ks = events_in_windows(days, at)
    units = pd.DataFrame({"period_end": np.asarray(at, dtype=DATE_DTYPE)[ks]})
    for name in by:
        # categorical over the few labels, sorted like the strings: cheap on millions of units
        codes, uniques = pd.factorize(labels[name])
        cats = pd.Index(pd.array(uniques, dtype="string")).sort_values()
        rank = cats.get_indexer(pd.array(uniques, dtype="string"))
        units[name] = pd.Categorical.from_codes(rank[codes][pos], categories=cats)
    units["num"] = num[pos]
    units["den"] = den[pos]
    out = summarise(units, at, by, "percent")
    for name in by if len(units) else []:  # the labels as strings, as before (empty: as is)
        out[name] = pd.array(out[name].to_numpy(dtype=object), dtype="string")
    return out


@measure(
    stat="percent",
    unit="referral",
    reads={"referrals": (CHILD_COL, DATE_COL)},
    refuses=dict.fromkeys(CHILD_BREAKDOWNS, NOT_LINKED),
    fast=_fast,
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
        ref = ds.table("referrals")
        facts = {"LA": ref["LA"].to_numpy()[rows]} if "LA" in ref.columns else {}
        units = with_facts(
            units,
            **facts,
            LAchildID=ref[CHILD_COL].to_numpy()[rows],
            CINreferralDate=picked["date"].to_numpy(),
            previous_referral=picked["previous"].to_numpy(),
        )
    return units
