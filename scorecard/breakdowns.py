"""Breakdowns (`by=`) and the common aggregation of unit-level rows into indicator rows.

Measures build a frame of *units* (a child at a date, a referral, an allocation) with
`period_end`, `num`, `den` and the child key `cid`; `add_breakdowns` attaches the breakdown
columns and `summarise` turns units into `numerator`, `denominator`, `value` per date and
breakdown value. Keeping this in one place means every measure breaks down the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd

from .care import children, episodes, uasc_at
from .dataset import Dataset
from .periods import DATE_DTYPE, age_band, age_in_years

STANDARD_BREAKDOWNS = ("age_band", "age_at_entry_band", "sex", "uasc", "district", "LA")
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


def outward_code(postcode: pd.Series) -> pd.Series:
    """Outward code of a postcode ('ME14 1XX' -> 'ME14'; 'ME141XX' -> 'ME14'; 'ME14' -> 'ME14')."""
    p = postcode.astype("string").str.upper().str.strip()
    has_space = p.str.contains(" ", regex=False)
    first = p.str.split(" ", n=1).str[0]
    nospace = p.where(p.str.len() <= 4, p.str[:-3])
    return first.where(has_space.fillna(False), nospace)


def district_of(ds: Dataset, postcode: pd.Series) -> pd.Series:
    """District for each postcode via the `districts` lookup; unmatched give 'Unknown'."""
    if "districts" not in ds.tables:
        raise BreakdownError(
            "Breaking down by district needs the `districts` table (POSTCODE_DISTRICT, DISTRICT)."
        )
    lk = ds.tables["districts"]
    mapping = pd.Series(
        lk["DISTRICT"].astype("string").to_numpy(),
        index=lk["POSTCODE_DISTRICT"].astype("string").str.upper().str.strip().to_numpy(),
    )
    mapping = mapping[~mapping.index.duplicated()]
    out = outward_code(postcode).map(mapping)
    return out.fillna("Unknown").astype("string")


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
            if "LA" not in children(ds).columns:
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
            out = out.assign(district=district_of(ds, _postcodes(ds, out, indicator)).to_numpy())
        elif name in out.columns:
            continue
        elif "ep" in out.columns and "episodes" in ds.tables and name in episodes(ds).columns:
            out = out.assign(**{name: episodes(ds)[name].to_numpy()[out["ep"].to_numpy()]})
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
        la = pd.Categorical(children(ds)["LA"])
        return np.asarray(la.codes, dtype="int64"), la.categories

    return ds.cached("child_la_codes", build)


def _cid(units: pd.DataFrame, name: str, indicator: str) -> np.ndarray:
    if "cid" not in units.columns:
        raise BreakdownError(
            f"{indicator} cannot be broken down by {name!r}: its units are not children."
        )
    cid = units["cid"].to_numpy()
    return np.where(cid >= 0, cid, 0) if len(cid) else cid


def _postcodes(ds: Dataset, units: pd.DataFrame, indicator: str) -> pd.Series:
    if "HOME_POST" in units.columns:
        return units["HOME_POST"].reset_index(drop=True)
    e = episodes(ds)
    if "HOME_POST" not in e.columns:
        raise BreakdownError(
            f"{indicator} cannot be broken down by district: episodes have no HOME_POST column."
        )
    if "ep" in units.columns:
        return e["HOME_POST"].iloc[units["ep"].to_numpy()].reset_index(drop=True)
    latest = e.drop_duplicates("cid", keep="last").set_index("cid")["HOME_POST"]
    return latest.reindex(_cid(units, "district", indicator)).reset_index(drop=True)


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
    """
    keys = ["period_end", *by]
    flags = [f for f in flags if f in units.columns]
    if units.empty:
        grouped = pd.DataFrame(columns=[*keys, "numerator", "denominator", "median", *flags])
    else:
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
            med = (
                units.loc[units["den"] > 0]
                .groupby(keys, observed=True, dropna=False)["num"]
                .median()
            )
            grouped["median"] = med
        grouped = grouped.reset_index()
    if not by:
        full = pd.DataFrame({"period_end": np.asarray(at, dtype=DATE_DTYPE)})
        grouped["period_end"] = np.asarray(grouped["period_end"], dtype=DATE_DTYPE)
        grouped = full.merge(grouped, on="period_end", how="left")
        filled = ["numerator", "denominator", *flags]
        missing = ~full["period_end"].isin(units["period_end"]).to_numpy() if len(units) else None
        if missing is None:
            grouped[filled] = grouped[filled].fillna(0.0)
        else:  # only the dates without any unit: a blank denominator stays blank
            grouped.loc[missing, filled] = grouped.loc[missing, filled].fillna(0.0)
    num = grouped["numerator"].astype("float64")
    den = grouped["denominator"].astype("float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        if stat == "percent":
            value = np.where(den > 0, 100.0 * num / den, np.nan)
        elif stat in ("ratio", "mean"):
            value = np.where(den > 0, num / den, np.nan)
        elif stat == "median":
            value = grouped["median"].astype("float64").to_numpy()
            num = pd.Series(np.nan, index=grouped.index)
        elif stat in ("count", "sum"):
            value = num.to_numpy()
            den = pd.Series(np.nan, index=grouped.index)
        else:  # pragma: no cover - guarded by Literal
            raise ValueError(f"unknown stat {stat!r}")
    out = grouped[keys].copy()
    out["period_end"] = np.asarray(out["period_end"], dtype=DATE_DTYPE)
    if "LA" in by:
        out["LA"] = out["LA"].astype("str")  # plain strings, whether units carried codes or text
    out["numerator"] = num.to_numpy()
    out["denominator"] = den.to_numpy(dtype="float64")
    out["value"] = np.asarray(value, dtype="float64") * scale
    for f in flags:
        out[f] = grouped[f].to_numpy(dtype="float64")
    return out
