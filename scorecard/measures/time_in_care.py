"""Length of time in care: of children who left, and so far for children in care."""

from __future__ import annotations

import pandas as pd

from ..dataset import Dataset
from ..registry import measure


@measure()
def time_in_care_ceased(ds: Dataset, at: pd.DatetimeIndex, by: list[str], *, stat: str = "mean") -> pd.DataFrame:
    """Days in the period of care of children who ceased in the window (last time); mean or median."""
    raise NotImplementedError


@measure()
def time_in_care_current(ds: Dataset, at: pd.DatetimeIndex, by: list[str], *, stat: str = "mean") -> pd.DataFrame:
    """Days from the start of the current period of care to `at`, for children looked after at `at`."""
    raise NotImplementedError
