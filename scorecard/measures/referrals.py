"""Re-referrals to children's social care within 12 months."""

from __future__ import annotations

import pandas as pd

from ..dataset import Dataset
from ..registry import measure


@measure()
def re_referrals(ds: Dataset, at: pd.DatetimeIndex, by: list[str], *, months: int = 12) -> pd.DataFrame:
    """Percent of referrals in the window with an earlier referral of the same child within `months`."""
    raise NotImplementedError
