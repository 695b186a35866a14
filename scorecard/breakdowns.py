"""Breakdowns (`by=`) and the common aggregation of unit-level rows into indicator rows.

Measures build a frame of *units* (a child at a date, a referral, an allocation) with
`period_end`, `num`, `den` and the child key `cid`; `add_breakdowns` attaches the breakdown
columns and `summarise` turns units into `numerator`, `denominator`, `value` per date and
breakdown value. Keeping this in one place means every measure breaks down the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from .care import (
    children,
    episode_column,
    episode_index,
    has_child_la,
    pooled_la_codes,
    uasc_at,
)
from .compact import codes_of
from .dataset import Dataset
from .periods import DATE_DTYPE, age_band, age_in_years
from .postcodes import district_for, district_lookup

STANDARD_BREAKDOWNS = ("age_band", "age_at_entry_band", "sex", "uasc", "district", "LA")
# the tables a standard breakdown reads beside the indicator's own: a figure broken down by
# one needs its coverage too (UASC status from a year with no uasc return is not known)
BREAKDOWN_TABLES: dict[str, tuple[str, ...]] = {
    "age_band": ("header",),
    "age_at_entry_band": ("header",),
    "sex": ("header",),
    "uasc": ("uasc",),
    "district": ("districts",),
}
# the cells a breakdown reads that leave a row out when unusable: a DUC that is no date is
# read blank (UASC for ever), so its row is left out and said, as the UASC measures do; a
# lookup row giving a postcode district two districts is left out and said
BREAKDOWN_READS: dict[str, dict[str, tuple[str, ...]]] = {
    "uasc": {"uasc": ("CHILD", "DUC")},
    "district": {"districts": ("POSTCODE_DISTRICT", "DISTRICT")},
}
# the breakdowns that describe a child (not a referral, a case or a population estimate)
CHILD_BREAKDOWNS = ("age_band", "age_at_entry_band", "sex", "uasc", "district")
NOT_PERIODS = "its units are not periods of care, so there is no age at entry to care."
# never offered as a breakdown: identifiers, dates of birth, postcodes
PRIVATE_COLUMNS = frozenset(
    {
        "CHILD",
        "LAchildID",
        "DOB",
        "MC_DOB",
        "UPN",
        "MOTHER",
        "HOME_POST",
        "PL_POST",
        "URN",
        "POSTCODE_DISTRICT",
        "IRO_ID",
        "cid",
        "ep",
    }
)
SEX_LABELS = {
    "1": "Male",
    "2": "Female",
    "M": "Male",
    "F": "Female",
    "U": "Unknown",
    "0": "Unknown",
    "9": "Unknown",
}

Stat = Literal["percent", "ratio", "mean", "median", "count", "sum"]


class BreakdownError(ValueError):
    """An indicator cannot be broken down in the way asked."""


def normalise_by(by: str | Sequence[str] | None) -> list[str]:
    """`by` as a list of column names."""
    if by is None:
        return []
    if isinstance(by, str):
        return [by]
    return list(by)


# the district of a child with no home postcode, or one the `districts` lookup lacks
UNKNOWN_DISTRICT = "Unknown"


def district_of(ds: Dataset, postcode: pd.Series) -> pd.Series:
    """District for each postcode via the `districts` lookup, by sector or outward code
    (`postcodes.district_for`); unmatched, or in a district the lookup gives two districts,
    `UNKNOWN_DISTRICT`.

    Each distinct postcode is worked out once per dataset (the card asks for every
    indicator by district, over the same children's postcodes each time)."""
    if "districts" not in ds.tables:
        raise BreakdownError(
            "Breaking down by district needs the `districts` table (POSTCODE_DISTRICT, DISTRICT)."
        )
    known = ds.cached("breakdowns.district_of", lambda: {"by_postcode": pd.Series(dtype=object)})
    codes, uniques = pd.factorize(postcode, use_na_sentinel=True)
    uniques = pd.Series(uniques, dtype=object)
    seen = known["by_postcode"]
    new = uniques[seen.index.get_indexer(uniques) < 0]
    if len(new):
        lk = ds.tables["districts"]
        mapping = district_lookup(lk["POSTCODE_DISTRICT"], lk["DISTRICT"])
        found = district_for(new, mapping).fillna(UNKNOWN_DISTRICT)
        found = pd.Series(found.astype("string").to_numpy(dtype=object), index=new.to_numpy())
        seen = known["by_postcode"] = pd.concat([seen, found]) if len(seen) else found
    labels = np.append(seen.reindex(uniques.to_numpy()).to_numpy(dtype=object), UNKNOWN_DISTRICT)
    return pd.Series(labels[codes], index=postcode.index, dtype="string")


def add_breakdowns(
    ds: Dataset,
    units: pd.DataFrame,
    by: Sequence[str],
    *,
    age_date: str = "period_end",
    entry_date: str | None = None,
    uasc_date: str | None = None,
    indicator: str = "this indicator",
) -> pd.DataFrame:
    """Attach each breakdown in `by` to `units` as a column of that name.

    `units` needs `cid` for child breakdowns. `age_date` names the column holding the date
    ages are taken at (the reference date, or the leaving date for ceased cohorts);
    `entry_date` names the start of the period of care (for `age_at_entry_band`);
    `uasc_date` the date UASC status is taken on (default `age_date`; the period's start for
    leavers and starters: UASC at any time in that period of care, since the status can only
    end while looked after, usually on the 18th birthday, the day a UASC leaves). District
    comes from a `HOME_POST` column in `units`, else from the episode `ep`, else from the
    child's latest episode. Any other name is taken from `units`, then the episode, then the
    child's header row.
    """
    out = units
    for name in by:
        if name in PRIVATE_COLUMNS:
            raise BreakdownError(
                f"{indicator} cannot be broken down by {name!r}: it identifies a child."
            )
        if name == "LA":
            if "LA" in out.columns:
                continue
            if not has_child_la(ds):
                raise BreakdownError(
                    f"{indicator} cannot be broken down by LA: the tables have no LA column."
                )
            # categorical, so a million units stay cheap; `summarise` returns plain strings
            codes, las = child_la_codes(ds)
            la = pd.Categorical.from_codes(codes[_cid(out, name, indicator)], categories=las)
            out = out.assign(LA=la)
        elif name == "age_band":
            dob = children(ds)["DOB"].to_numpy()[_cid(out, name, indicator)]
            ages = age_in_years(dob, np.asarray(out[age_date], dtype=DATE_DTYPE))
            out = out.assign(age_band=age_band(ages))
        elif name == "age_at_entry_band":
            if entry_date is None or entry_date not in out.columns:
                raise BreakdownError(
                    f"{indicator} cannot be broken down by age at entry: it is not about "
                    "periods of care."
                )
            dob = children(ds)["DOB"].to_numpy()[_cid(out, name, indicator)]
            ages = age_in_years(dob, np.asarray(out[entry_date], dtype=DATE_DTYPE))
            out = out.assign(age_at_entry_band=age_band(ages))
        elif name == "sex":
            sex = children(ds)["SEX"].astype("string").to_numpy()[_cid(out, name, indicator)]
            labels = pd.Series(sex, dtype="string").map(SEX_LABELS).fillna("Unknown")
            out = out.assign(sex=labels.to_numpy())
        elif name == "uasc":
            on = np.asarray(out[uasc_date or age_date], dtype=DATE_DTYPE)
            flag = uasc_at(ds, _cid(out, name, indicator), on)
            out = out.assign(uasc=np.where(flag, "UASC", "Not UASC"))
        elif name == "district":
            out = out.assign(district=_districts(ds, out, indicator))
        elif name in out.columns:
            continue
        elif "ep" in out.columns and "episodes" in ds.tables and _episode_has(ds, name):
            out = out.assign(**{name: _episode_values(ds, name)[out["ep"].to_numpy()]})
        elif name in children(ds).columns:
            out = out.assign(**{name: children(ds)[name].to_numpy()[_cid(out, name, indicator)]})
        else:
            raise BreakdownError(
                f"{indicator} cannot be broken down by {name!r}: no such column for its units. "
                f"Standard breakdowns: {', '.join(STANDARD_BREAKDOWNS)}."
            )
    return out


def child_la_codes(ds: Dataset) -> tuple[np.ndarray, pd.Index]:
    """The LA of each child key as categorical codes (-1 blank) and their sorted labels
    (cached per dataset)."""

    def build() -> tuple[np.ndarray, pd.Index]:
        from_keys = pooled_la_codes(ds)
        if from_keys is None:
            la = pd.Categorical(children(ds)["LA"])
            from_keys = np.asarray(la.codes), la.categories
        codes, labels = from_keys
        # codes of a categorical's size (int8 for 150 LAs): gathering them per unit is cheap
        small = pd.Categorical.from_codes(np.zeros(0, dtype="int64"), categories=labels)
        return codes.astype(small.codes.dtype), labels

    return ds.cached("child_la_codes", build)


def _cid(units: pd.DataFrame, name: str, indicator: str) -> np.ndarray:
    if "cid" not in units.columns:
        raise BreakdownError(
            f"{indicator} cannot be broken down by {name!r}: its units are not children."
        )
    return _child_rows(units["cid"].to_numpy())


def _child_rows(cid: np.ndarray) -> np.ndarray:
    """Child keys to index the children's attributes with (an unknown child, -1, as 0)."""
    return np.where(cid >= 0, cid, 0) if len(cid) and cid.min() < 0 else cid


def _episode_has(ds: Dataset, name: str) -> bool:
    """True when `name` is a column of the episodes (as `care.episodes` shows them)."""
    return name in ds.held("episodes").columns or name in episode_index(ds).columns


def _episode_values(ds: Dataset, name: str) -> np.ndarray:
    """Column `name` of the episodes in `care.episode_index` order, as an array."""
    if name in ds.held("episodes").columns:
        return episode_column(ds, name).to_numpy()
    return episode_index(ds)[name].to_numpy()


def _districts(ds: Dataset, units: pd.DataFrame, indicator: str) -> np.ndarray:
    """Each unit's district (`district_of`): from its own HOME_POST, else its episode's,
    else its child's latest episode's. The episodes' districts are worked out once per
    dataset, so a unit only picks its episode's (the card asks for every indicator by
    district, at every date of its trend)."""
    if "HOME_POST" in units.columns:
        return district_of(ds, units["HOME_POST"].reset_index(drop=True)).to_numpy()
    if "HOME_POST" not in ds.held("episodes").columns:
        raise BreakdownError(
            f"{indicator} cannot be broken down by district: episodes have no HOME_POST column."
        )
    per_episode = ds.cached(
        "breakdowns.episode_districts",
        lambda: district_of(ds, episode_column(ds, "HOME_POST")).to_numpy(),
    )
    if "ep" in units.columns:
        return per_episode[units["ep"].to_numpy()]
    # each child's latest episode (episodes are sorted by child and DECOM); a child
    # without one has no postcode, so its district is unknown
    cid = episode_index(ds)["cid"].to_numpy()
    last = np.flatnonzero(np.r_[cid[1:] != cid[:-1], True]) if len(cid) else cid
    latest = pd.Series(per_episode[last], index=cid[last], dtype=object)
    found = latest.reindex(_cid(units, "district", indicator))
    return found.where(found.notna(), UNKNOWN_DISTRICT).to_numpy(dtype=object)


def counted_where(units: pd.DataFrame, hit: np.ndarray) -> pd.DataFrame:
    """`units` with `num` 1 where `hit` and `den` 1: each unit's part in a percent. Held a
    byte each (bool and int8), which `summarise` counts as it counts 0/1 columns of int64:
    on the peers' job, 3 million children at 40 dates, 42 MB less while their sums are
    made (where that job's memory peaks)."""
    hit = np.asarray(hit, dtype=bool)
    return units.assign(num=hit, den=np.ones(len(hit), dtype=np.int8))


def summarise(
    units: pd.DataFrame,
    at: pd.DatetimeIndex,
    by: Sequence[str],
    stat: Stat,
    *,
    scale: float = 1.0,
    flags: Sequence[str] = (),
) -> pd.DataFrame:
    """Aggregate units (`period_end`, `num`, `den`, breakdown columns) per date and breakdown.

    - percent: value = 100 x sum(num) / sum(den)
    - ratio / mean: value = sum(num) / sum(den)  (mean days when num is days and den is 1)
    - median: value = median of `num` over units with den > 0; numerator blank (a sum of
      days beside a median is not a figure a reader can check), denominator = count
    - count / sum: value = numerator = sum(num); denominator blank
    A blank `den` on a unit (a missing population estimate) makes its group's denominator
    blank. `flags` name 0/1 columns of the units counted per group under the same names
    (caveats such as lower bounds). Every reference date appears in the result even when no
    unit falls on it (zeros).

    Groups are numbered with integer codes (dates by position in `at`, categorical codes,
    sorted text) and summed with `np.bincount`, which is exact and in pandas' order for
    the values units carry (counts, days, halves); other values (FTEs such as 0.8) are summed
    by pandas' compensated group sum over the same group numbers, so the figures are the
    same to the last bit either way.
    """
    keys = ["period_end", *by]
    flags = [f for f in flags if f in units.columns]
    groups = _group_numbers(units, at, by) if len(units) else None
    if groups is None:
        grouped = _grouped_by_pandas(units, keys, stat, flags)
    else:
        grouped = _grouped_by_numbers(units, groups, keys, stat, flags, every_date=not by)
    if not by and groups is None:
        full = pd.DataFrame({"period_end": np.asarray(at, dtype=DATE_DTYPE)})
        grouped["period_end"] = np.asarray(grouped["period_end"], dtype=DATE_DTYPE)
        grouped = full.merge(grouped, on="period_end", how="left")
        filled = ["numerator", "denominator", *flags]
        missing = ~full["period_end"].isin(units["period_end"]).to_numpy() if len(units) else None
        if missing is None:
            grouped[filled] = grouped[filled].fillna(0.0)
        elif missing.any():  # only the dates without any unit: a blank denominator stays blank
            grouped.loc[missing, filled] = grouped.loc[missing, filled].fillna(0.0)
    num, den = _as_float(grouped["numerator"]), _as_float(grouped["denominator"])
    with np.errstate(divide="ignore", invalid="ignore"):
        if stat in ("percent", "ratio", "mean"):
            value = _share(stat, num.to_numpy(), den.to_numpy())
        elif stat == "median":
            value = grouped["median"].astype("float64").to_numpy()
            num = pd.Series(np.nan, index=grouped.index)
        elif stat in ("count", "sum"):
            value = num.to_numpy()
            den = pd.Series(np.nan, index=grouped.index)
        else:  # pragma: no cover - guarded by Literal
            raise ValueError(f"unknown stat {stat!r}")
    cols: dict[str, object] = {name: grouped[name] for name in keys}
    cols["period_end"] = np.asarray(grouped["period_end"], dtype=DATE_DTYPE)
    if "LA" in by:  # plain strings, whether units carried codes or text
        cols["LA"] = grouped["LA"].astype("str")
    cols["numerator"] = num.to_numpy()
    cols["denominator"] = den.to_numpy(dtype="float64")
    cols["value"] = np.asarray(value, dtype="float64") * scale
    cols |= {f: grouped[f].to_numpy(dtype="float64") for f in flags}
    return pd.DataFrame(cols, index=grouped.index)


def _as_float(s: pd.Series) -> pd.Series:
    """`s.astype("float64")`, and `s` itself when it is float64 already (astype's own cost,
    paid for every figure frame, is most of a small frame's)."""
    return s if s.dtype == "float64" else s.astype("float64")


def _share(stat: Stat, num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """The value of a percent, ratio or mean from its numerator and denominator (blank
    where the denominator is not above 0)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        if stat == "percent":
            return np.where(den > 0, 100.0 * num / den, np.nan)
        return np.where(den > 0, num / den, np.nan)


def figure_from_sums(
    at: pd.DatetimeIndex,
    present: np.ndarray,
    numerator: np.ndarray,
    denominator: np.ndarray,
    stat: Stat,
    *,
    las: pd.Index | None = None,
    scale: float = 1.0,
    flags: dict[str, np.ndarray] | None = None,
) -> pd.DataFrame:
    """The frame `summarise` returns for a percent, ratio or mean, from sums already taken
    per group (a measure's fast path, without a unit frame): one row per group number in
    `present` (`GroupSums.present`), in order. Groups are numbered by date position, then,
    with `las` (by LA), times `len(las) + 1` plus the LA's position in `las` (a blank LA
    last), as `summarise` numbers units with a categorical LA."""
    dates = np.asarray(at, dtype=DATE_DTYPE)
    slots = 1 if las is None else len(las) + 1
    out = pd.DataFrame({"period_end": dates[present // slots]})
    if las is not None:
        la = present - (present // slots) * slots
        labels = pd.Categorical.from_codes(np.where(la < len(las), la, -1), categories=las)
        out["LA"] = pd.Series(labels).astype("str")
    out["numerator"], out["denominator"] = numerator, denominator
    out["value"] = np.asarray(_share(stat, numerator, denominator), dtype="float64") * scale
    for name, sums in (flags or {}).items():
        out[name] = sums
    return out


def figure_from_arrays(
    at: pd.DatetimeIndex,
    k: np.ndarray,
    num: np.ndarray,
    den: np.ndarray,
    stat: Stat,
    *,
    la: np.ndarray | None = None,
    las: pd.Index | None = None,
    flags: dict[str, np.ndarray] | None = None,
) -> pd.DataFrame:
    """A percent, ratio or mean from its units given as arrays (`k`: each unit's date as a
    position in `at`; `num`, `den` and the 0/1 `flags`), in total or, with `las`, by LA
    (`la`: each unit's LA as a code into `las`, -1 blank): groups numbered as `summarise`
    numbers units with a categorical LA and summed by `GroupSums`, so the figure is the
    same to the last bit."""
    slots = 1 if las is None else len(las) + 1
    number = np.asarray(k).astype("int64")  # a new array: combined with the LAs in place
    if las is not None:
        number *= slots
        number += np.where(la < 0, len(las), la)
    summer = GroupSums(number, len(at) * slots, every_group=las is None)
    numerator, den = summer.sums_in(np.asarray(num)), np.asarray(den)
    denominator = summer.sums_in(den)
    if den.dtype.kind == "f" and np.isnan(den).any():  # blanks its group's, as summarise
        denominator[summer.flagged(np.isnan(den)) > 0] = np.nan
    sums = {name: summer.sums_in(np.asarray(f)) for name, f in (flags or {}).items()}
    return figure_from_sums(at, summer.present, numerator, denominator, stat, las=las, flags=sums)


def figure_by_child(
    ds: Dataset,
    at: pd.DatetimeIndex,
    by: Sequence[str],
    k: np.ndarray,
    cid: np.ndarray,
    num: np.ndarray,
    den: np.ndarray,
    stat: Stat,
    *,
    from_units: Callable[[], pd.DataFrame],
    flags: dict[str, np.ndarray] | None = None,
) -> pd.DataFrame:
    """`figure_from_arrays` for units that are children (`cid`: the child key), by the
    child's LA as `add_breakdowns` gives it. `from_units` gives the figure where arrays
    cannot: no unit, or no LA to break down by (it then says why)."""
    if not len(k) or (by and not has_child_la(ds)):
        return from_units()
    la, las = None, None
    if by:
        codes, las = child_la_codes(ds)
        la = codes[_child_rows(np.asarray(cid))]
    return figure_from_arrays(at, k, num, den, stat, la=la, las=las, flags=flags)


def _grouped_by_pandas(
    units: pd.DataFrame, keys: list[str], stat: Stat, flags: list[str]
) -> pd.DataFrame:
    """The per-group sums (and median) with a pandas groupby on the key columns (units
    whose breakdown columns are neither categorical nor text, and no units at all)."""
    if units.empty:
        return pd.DataFrame(columns=[*keys, "numerator", "denominator", "median", *flags])
    work = units
    blank_den = units["den"].isna()
    if blank_den.any():
        work = units.assign(_blank_den=blank_den.to_numpy(dtype="int64"))
    g = work.groupby(keys, observed=True, sort=True, dropna=False)
    named = {"numerator": ("num", "sum"), "denominator": ("den", "sum")}
    named |= {f: (f, "sum") for f in flags}
    if "_blank_den" in work.columns:
        named["_blank_den"] = ("_blank_den", "sum")
    grouped = g.agg(**named)
    if "_blank_den" in grouped.columns:
        grouped.loc[grouped.pop("_blank_den") > 0, "denominator"] = np.nan
    if stat == "median":
        med = units.loc[units["den"] > 0].groupby(keys, observed=True, dropna=False)["num"].median()
        grouped["median"] = med
    return grouped.reset_index()


@dataclass(frozen=True)
class _Groups:
    """Each unit's group number (groups numbered in the order of their sorted keys) and,
    per key column, how to turn the group's code back into its label."""

    number: np.ndarray  # int64 per unit
    sizes: tuple[int, ...]  # codes per key column (a blank is the last code)
    labels: tuple[Callable[[np.ndarray], object], ...]  # codes -> column values


def _group_numbers(units: pd.DataFrame, at: pd.DatetimeIndex, by: Sequence[str]) -> _Groups | None:
    """Group numbers of the units by (period_end, *by), or None when a key column is of a
    kind numbered only by pandas (then `_grouped_by_pandas` serves)."""
    dates = np.asarray(at, dtype=DATE_DTYPE)
    k = _date_positions(units, dates)
    if k is None:
        return None  # a unit dated outside `at`
    number = k.astype("int64")  # a new array: combined with the codes in place below
    sizes: list[int] = [len(dates)]
    labels: list[Callable[[np.ndarray], object]] = [lambda c: dates[c]]
    for name in by:
        col = units[name]
        if isinstance(col.dtype, pd.CategoricalDtype):
            codes = codes_of(col)
            cats = col.cat.categories
            n = len(cats)

            def label(c: np.ndarray, cats: pd.Index = cats, dtype: object = col.dtype) -> object:
                return pd.Categorical.from_codes(np.where(c < len(cats), c, -1), dtype=dtype)

        elif isinstance(col.dtype, pd.StringDtype) and col.dtype.na_value is not pd.NA:
            codes, uniques = pd.factorize(col, sort=True, use_na_sentinel=True)
            codes = np.asarray(codes, dtype="int64")
            n = len(uniques)

            def label(c: np.ndarray, uniques: pd.Index = uniques) -> object:
                return uniques.take(np.where(c < len(uniques), c, -1), allow_fill=True)

        else:
            return None
        if len(codes) and codes.min() < 0:  # a blank sorts last (groupby, dropna=False)
            codes = np.where(codes < 0, n, codes.astype("int64"))
        number *= n + 1
        number += codes
        sizes.append(n + 1)
        labels.append(label)
    return _Groups(number, tuple(sizes), tuple(labels))


def _date_positions(units: pd.DataFrame, dates: np.ndarray) -> np.ndarray | None:
    """Position in `dates` of each unit's `period_end` (None when one is not there). Units
    built by `care.looked_after_at` and its kin carry it as `k` (checked at both ends and
    its range), which saves a search per unit."""
    when = np.asarray(units["period_end"], dtype=DATE_DTYPE)
    k = units["k"].to_numpy() if "k" in units.columns else None
    if k is not None and k.dtype.kind in "iu" and len(k):
        ends = np.array([0, len(k) - 1])
        if k.min() >= 0 and k.max() < len(dates) and np.array_equal(dates[k[ends]], when[ends]):
            return k
    if len(when) > 1 and bool((when[1:] >= when[:-1]).all()):
        # units in date order (most measures build them so): each date's units are a block
        bounds = np.searchsorted(when, dates, side="left")
        ends = np.searchsorted(when, dates, side="right")
        if int((ends - bounds).sum()) != len(when):
            return None  # a unit dated outside `at`
        return np.repeat(np.arange(len(dates), dtype="int64"), ends - bounds)
    k = np.searchsorted(dates, when)
    if not np.array_equal(dates[np.minimum(k, len(dates) - 1)], when):
        return None
    return k


# values summed with bincount only when every partial sum is exact: multiples of 1/64
# (counts, days, halves, quarter points) whose total stays far below 2**53
_EXACT_STEP = 64.0
_EXACT_TOTAL = 2.0**44


_BLOCK = 1 << 16  # values per block in `whole_multiples`: its buffers stay in the cache


def whole_multiples(values: np.ndarray, step: float) -> bool:
    """True when every value is a whole multiple of `step` (a power of two: 1 or 1/64, so
    the scaling is exact); a blank (NaN) never is. A block at a time into two small buffers:
    the scaled copy equals its rounding (much cheaper than a remainder), and no temporary
    as long as millions of values is written (on 3 million values 4 times quicker)."""
    values = np.asarray(values, dtype="float64")
    scale = 1 / step
    scaled = np.empty(min(_BLOCK, len(values)))
    rounded = np.empty_like(scaled)
    for start in range(0, len(values), _BLOCK):
        part = values[start : start + _BLOCK]
        s, r = scaled[: len(part)], rounded[: len(part)]
        np.multiply(part, scale, out=s)
        np.rint(s, out=r)
        if not np.array_equal(s, r):
            return False
    return True


def _summable(column: pd.Series) -> tuple[np.ndarray, bool]:
    """A column's values as float64 with blanks as 0 (pandas skips them) and whether
    summing them in any order gives one exact result (integers, or multiples of 1/64,
    with a total far below 2**53)."""
    values = column.to_numpy(dtype="float64", na_value=np.nan)
    if not len(values):
        return values, True
    lo, hi = float(values.min()), float(values.max())
    largest = len(values) * max(abs(lo), abs(hi))
    if isinstance(column.dtype, np.dtype) and column.dtype.kind in "iub":  # no blanks
        return values, largest < _EXACT_TOTAL
    if lo == hi:  # one value throughout (num=1.0, den=0.0): no blank, nothing to scan
        return values, float(lo * _EXACT_STEP).is_integer() and largest < _EXACT_TOTAL
    if np.isnan(lo) or np.isnan(hi):
        values = np.nan_to_num(values, nan=0.0)
        lo, hi = float(values.min()), float(values.max())
        largest = len(values) * max(abs(lo), abs(hi))
    if largest >= _EXACT_TOTAL:
        return values, False
    return values, whole_multiples(values, 1 / _EXACT_STEP)


def _compensated_sums(values: np.ndarray, group: np.ndarray, n_groups: int) -> np.ndarray:
    """Per group, pandas' own group sum of `values` (blanks skipped; compensated in row
    order, or pairwise per group when the group numbers are in order, as pandas chooses
    from all of them): the same rows in the same order give the same last bit. The group
    numbers go in as a categorical's codes, so pandas does not hash them again."""
    groups = pd.Categorical.from_codes(group, categories=pd.RangeIndex(n_groups))
    summed = pd.Series(values).groupby(groups, observed=False, sort=True).sum()
    return summed.to_numpy(dtype="float64")


def sums_exactly(values: np.ndarray, count: int) -> bool:
    """True when any `count` of `values` (repeats allowed, added or taken away) sum to one
    exact result in any order: each a multiple of 1/64, the total far below 2**53. Blanks
    (NaN) never do."""
    v = np.asarray(values, dtype="float64")
    if not len(v):
        return True
    largest = count * max(abs(float(v.min())), abs(float(v.max())))
    return whole_multiples(v, 1 / _EXACT_STEP) and largest < _EXACT_TOTAL


def sums_behind_zeros(values: np.ndarray, number: np.ndarray, size: int) -> np.ndarray:
    """Per group number below `size` (dense), what `GroupSums.sums_in` gives for units
    numbered `number` carrying `values` (blanks NaN) that come, in the column, after units
    carrying 0 whose group numbers are out of order somewhere (so pandas does not sum
    pairwise): the zeros need not be written out. Exact values sum alike in any order; else
    pandas sums each group compensated in row order, and a compensated sum that has only
    met zeros is still 0 with nothing to carry, so the values alone, behind two zeros out of
    order (groups 1, 0), give the same bits. `size` is 2 or more."""
    values = np.asarray(values, dtype="float64")
    if sums_exactly(values, len(values)):
        return np.bincount(number, weights=values, minlength=size).astype("float64", copy=False)
    column = np.concatenate([np.zeros(2), values])
    groups = np.concatenate([np.array([1, 0], dtype=number.dtype), number])
    return _compensated_sums(column, groups, size)


class GroupSums:
    """Sums of unit columns per group, by `np.bincount` over the group numbers (one dense
    table of every possible group when that is small, so no per-unit renumbering), exact
    for the values units carry (see `summarise`), pandas' compensated sum otherwise."""

    def __init__(self, number: np.ndarray, total: int, every_group: bool) -> None:
        self.number = number
        if total <= max(4 * len(number), 1_000_000):
            self.size = total
            self.counts = np.bincount(number, minlength=total)
            self.present = np.arange(total) if every_group else np.flatnonzero(self.counts)
            self.group: np.ndarray | None = None  # the numbers are the dense groups
        else:
            present, group = np.unique(number, return_inverse=True)
            self.size, self.present, self.group = len(present), present, group
            self.counts = np.bincount(group, minlength=len(present))
        self.n_groups = len(self.present)

    def _pick(self, dense: np.ndarray) -> np.ndarray:
        return dense if self.group is not None else dense[self.present]

    def _groups(self) -> np.ndarray:
        return self.number if self.group is None else self.group

    def sizes(self) -> np.ndarray:
        """Units per group."""
        return self._pick(self.counts)

    def flagged(self, flag: np.ndarray, first: int = 0) -> np.ndarray:
        """Units per group where `flag` holds (given for the units from `first` on)."""
        groups = self._groups()[first : first + len(flag)]
        return self._pick(np.bincount(groups[flag], minlength=self.size))

    def sums(self, column: pd.Series) -> np.ndarray:
        """Per group, the sum of `column` as pandas' group sum gives it (float64)."""
        raw = column.to_numpy()
        if raw.dtype.kind in "iubf":  # NumPy numbers: the column is its values
            return self.sums_in(raw)
        values, exact = _summable(column)
        if exact:
            return self._pick(np.bincount(self._groups(), weights=values, minlength=self.size))
        raw = column.to_numpy(dtype="float64", na_value=np.nan)
        return self._pick(_compensated_sums(raw, self._groups(), self.size))

    def sums_in(self, values: np.ndarray, first: int = 0) -> np.ndarray:
        """Per group, what `sums` gives for a column holding `values` (numbers or booleans,
        blanks NaN) on the units from `first` on and 0 on every other unit. When the sum is
        exact (see `_summable`) it is the same in any order, so only `values` are summed:
        0/1 flags and one value throughout counted, other values weighed; else the whole
        column is built, since pandas' group sum is compensated or pairwise depending on all
        the group numbers, and only the same column gives the same bits."""
        end = first + len(values)
        groups = self._groups()[first:end]
        if len(values):
            lo, hi = values.min(), values.max()
            if values.dtype.kind in "iub" and lo >= 0 and hi <= 1:  # flags: those with a 1
                hits = np.bincount(groups[values.astype(bool, copy=False)], minlength=self.size)
                return self._pick(hits).astype("float64")
            one = float(lo)  # one value throughout (no blank: NaN is not NaN): counted
            exact = (one * _EXACT_STEP).is_integer() and len(values) * abs(one) < _EXACT_TOTAL
            if lo == hi and exact:
                whole = first == 0 and end == len(self.number)  # counted already
                counts = self.counts if whole else np.bincount(groups, minlength=self.size)
                return self._pick(counts) * one
        summable, exact = _summable(pd.Series(values, copy=False))
        if exact:
            sums = np.bincount(groups, weights=summable, minlength=self.size)
            return self._pick(sums.astype("float64", copy=False))  # no values: int64 zeros
        whole = np.zeros(len(self.number))
        whole[first:end] = values
        return self._pick(_compensated_sums(whole, self._groups(), self.size))


def _grouped_by_numbers(
    units: pd.DataFrame,
    groups: _Groups,
    keys: list[str],
    stat: Stat,
    flags: list[str],
    every_date: bool = False,
) -> pd.DataFrame:
    """The per-group sums (and median) from the group numbers, one row per group that has
    units, in key order, with the key columns as pandas' groupby gives them. With
    `every_date` (no breakdown) one row per reference date, zeros where no unit falls."""
    total = int(np.prod(groups.sizes, dtype="float64"))
    summer = GroupSums(groups.number, total, every_group=every_date)
    out: dict[str, object] = {}
    rest = summer.present
    for name, size, label in zip(reversed(keys), reversed(groups.sizes), reversed(groups.labels)):
        out[name] = label(rest % size)
        rest = rest // size
    cols: dict[str, object] = {name: out[name] for name in keys}
    cols["numerator"] = summer.sums(units["num"])
    denominator = summer.sums(units["den"])
    whole = units["den"].dtype.kind in "iub"  # integers: never blank
    blank_den = None if whole else np.isnan(units["den"].to_numpy(dtype="float64"))
    if blank_den is not None and blank_den.any():  # a blank denominator blanks its group's
        denominator = np.where(summer.flagged(blank_den) > 0, np.nan, denominator)
    cols["denominator"] = denominator
    for f in flags:
        cols[f] = summer.sums(units[f])
    if stat == "median":
        den = units["den"].to_numpy(dtype="float64")
        group = summer._groups()
        n_groups = summer.size
        med = _medians(units["num"].to_numpy(dtype="float64"), den, group, n_groups)
        cols["median"] = summer._pick(med)
    return pd.DataFrame(cols)  # built once: a column added at a time costs more than the sums


def _medians(num: np.ndarray, den: np.ndarray, group: np.ndarray, n_groups: int) -> np.ndarray:
    """Median of `num` per group over the units with den > 0 (blanks skipped; NaN for a
    group without any), as pandas computes it."""
    keep = (den > 0) & ~np.isnan(num)
    g, v = group[keep], num[keep]
    g, v = _sorted_by_group_and_value(g, v)
    out = np.full(n_groups, np.nan)
    if not len(g):
        return out
    starts = np.flatnonzero(np.r_[True, g[1:] != g[:-1]])
    size = np.diff(np.r_[starts, len(g)])
    lo = v[starts + (size - 1) // 2]
    hi = v[starts + size // 2]
    out[g[starts]] = np.where(size % 2 == 1, lo, (lo + hi) / 2)
    return out


def _sorted_by_group_and_value(g: np.ndarray, v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Groups and values sorted by group, then value: one sort of a combined int64 key when
    the values are whole numbers (days) whose range makes it fit, else a lexsort."""
    if len(v):
        lo, hi = float(v.min()), float(v.max())
        span = hi - lo + 1
        if span * (float(g.max()) + 1) < 2.0**62 and whole_multiples(v, 1.0):
            key = g.astype("int64") * int(span)
            key += (v - lo).astype("int64")
            key.sort()
            group = key // int(span)
            key -= group * int(span)  # the value less `lo` (a remainder is dearer)
            return group, (key + lo).astype(v.dtype)
    order = np.lexsort((v, g))
    return g[order], v[order]
