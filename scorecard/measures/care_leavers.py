"""Care leavers (OC3): activity and accommodation around their birthdays."""

from __future__ import annotations

import pandas as pd

from ..dataset import Dataset
from ..registry import measure


@measure()
def care_leaver_outcome(
    ds: Dataset,
    at: pd.DatetimeIndex,
    by: list[str],
    *,
    ages: list[int] = (19, 20, 21),
    outcome: str = "neet",
) -> pd.DataFrame:
    """Percent of the OC3 cohort (birthday at `ages` in YEAR and in the window) with `outcome`:
    neet, eet, suitable_accommodation or in_touch."""
    raise NotImplementedError
