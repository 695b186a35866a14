"""Counts and rates of children looked after, starters, leavers, current placement shares."""

from __future__ import annotations

import pandas as pd

from ..dataset import Dataset
from ..registry import measure


@measure()
def looked_after(ds: Dataset, at: pd.DatetimeIndex, by: list[str], *, uasc: str = "include") -> pd.DataFrame:
    """Children looked after at each date; `uasc`: include, exclude or only UASC children."""
    raise NotImplementedError


@measure()
def looked_after_rate(ds: Dataset, at: pd.DatetimeIndex, by: list[str], *, uasc: str = "include") -> pd.DataFrame:
    """Children looked after per 10,000 aged 0-17 (latest MID_YEAR whose 30 June < at)."""
    raise NotImplementedError


@measure()
def started_in_window(ds: Dataset, at: pd.DatetimeIndex, by: list[str]) -> pd.DataFrame:
    """Children with a period of care starting in the 12-month window (each child once)."""
    raise NotImplementedError


@measure()
def ceased_in_window(ds: Dataset, at: pd.DatetimeIndex, by: list[str]) -> pd.DataFrame:
    """Children who ceased to be looked after (REC not X1, DEC in window), each child once."""
    raise NotImplementedError


@measure()
def leavers_share(ds: Dataset, at: pd.DatetimeIndex, by: list[str], *, codes: list[str] = ("E11", "E12")) -> pd.DataFrame:
    """Percent of children who ceased in the window (last time) whose REC is in `codes`."""
    raise NotImplementedError


@measure()
def current_placement_share(
    ds: Dataset,
    at: pd.DatetimeIndex,
    by: list[str],
    *,
    column: str = "PLACE",
    codes: list[str] = (),
    greater_than: float | None = None,
) -> pd.DataFrame:
    """Percent of children looked after at `at` whose current episode's `column` is in `codes`
    (or, with `greater_than`, above it; rows with the column blank leave the denominator)."""
    import numpy as np

    from ..breakdowns import add_breakdowns, summarise
    from ..care import episodes, looked_after_at
    from ..dataset import MissingTableError

    if greater_than is None and not codes:
        raise ValueError(
            f"current_placement_share on {column!r} needs `codes` (e.g. [U1, U2]) or "
            "`greater_than` (e.g. 20.0) in the indicator's params."
        )
    e = episodes(ds)
    if column not in e.columns:
        raise MissingTableError(
            f"The episodes table has no {column!r} column, which this indicator needs. "
            f"Add {column} to the episodes file (it is optional in the SSDA903 return)."
        )
    units = looked_after_at(ds, at)
    values = e[column].iloc[units["ep"].to_numpy()].reset_index(drop=True)
    if greater_than is not None:
        numbers = pd.to_numeric(values, errors="coerce").to_numpy(dtype="float64")
        known = ~np.isnan(numbers)
        units = units.loc[known].reset_index(drop=True)
        hit = numbers[known] > float(greater_than)
    else:
        wanted = {str(c).strip().upper() for c in codes}
        hit = values.astype("string").str.strip().str.upper().isin(wanted).to_numpy(dtype=bool)
    units = units.assign(num=hit.astype("int64"), den=1)
    units = add_breakdowns(ds, units, by, indicator=f"share of children by {column}")
    return summarise(units, at, by, "percent")
