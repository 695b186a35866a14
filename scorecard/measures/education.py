"""Key stage 4 attainment of children looked after and the gap to all pupils."""

from __future__ import annotations

import pandas as pd

from ..dataset import Dataset
from ..registry import measure


@measure()
def attainment_gap(ds: Dataset, at: pd.DatetimeIndex, by: list[str], *, metric: str = "ATT8") -> pd.DataFrame:
    """All pupils' figure minus the mean of the CLA 12-month cohort (ATT8 points or EM94 pp)."""
    raise NotImplementedError


@measure()
def attainment_cla(ds: Dataset, at: pd.DatetimeIndex, by: list[str], *, metric: str = "ATT8") -> pd.DataFrame:
    """The CLA 12-month cohort's own mean ATT8, or percent achieving grade 4+ in English and maths."""
    raise NotImplementedError
