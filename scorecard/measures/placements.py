"""Placement stability: placements in the year (short term) and long-term stability."""

from __future__ import annotations

import pandas as pd

from ..dataset import Dataset
from ..registry import measure


@measure()
def placement_moves(
    ds: Dataset,
    at: pd.DatetimeIndex,
    by: list[str],
    *,
    min_placements: int = 3,
    same_carer_reasons: list[str] = ("L", "T", "U"),
) -> pd.DataFrame:
    """Percent of children looked after at `at` with `min_placements` or more placements in the window."""
    raise NotImplementedError


@measure()
def long_term_stability(
    ds: Dataset,
    at: pd.DatetimeIndex,
    by: list[str],
    *,
    max_age: int = 16,
    care_months: int = 30,
    tenure_months: int = 24,
    same_carer_reasons: list[str] = ("L", "T", "U"),
) -> pd.DataFrame:
    """Percent of children under `max_age` in care `care_months`+ whose placement tenure is `tenure_months`+."""
    raise NotImplementedError
