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
    raise NotImplementedError
