"""Independent Reviewing Officer caseloads."""

from __future__ import annotations

import pandas as pd

from ..dataset import Dataset
from ..registry import measure


@measure()
def iro_caseload(ds: Dataset, at: pd.DatetimeIndex, by: list[str], *, cp_weight: float = 0.0) -> pd.DataFrame:
    """(CLA cases + cp_weight x CP cases) active at `at` per FTE IRO in post at `at`."""
    raise NotImplementedError
